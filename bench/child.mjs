// Runs one backend × case in this (fresh) process: warm-up, repeats, memory; prints one JSON line.
// node --expose-gc bench/child.mjs <backend> <case> [--quick] [--warmup N] [--repeat N] [--large-read-size N]
import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { BENCH_DIR, params, Stopwatch } from './lib/common.mjs';
import { workloads, quotaFor, bytesMoved } from './workloads.mjs';

const argv = process.argv.slice(2);
const [backendName, caseName] = argv;
const opt = (k, d) => { const i = argv.indexOf(k); return i < 0 ? d : Number(argv[i + 1]); };
const quick = argv.includes('--quick');
const warmup = opt('--warmup', 1), repeat = opt('--repeat', 5);
const p = params({ quick, largeReadSize: opt('--large-read-size', undefined) });
const gc = globalThis.gc ?? (() => {});
const out = { backend: backendName, case: caseName, quick };
const emit = (o) => { process.stdout.write(JSON.stringify({ ...out, ...o }) + '\n'); };

function mem() { gc(); gc(); const m = process.memoryUsage(); return { rss: m.rss, heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers, external: m.external }; }
const diff = (a, b) => Object.fromEntries(Object.keys(a).map((k) => [k, b[k] - a[k]]));

// worker_pool: one filesystem and one pool of workers attached to it for the whole process
// (a pool is long-lived); every sample starts with the filesystem empty (before it, untimed,
// each worker removes its files of the previous sample). Worker start and attach are outside
// the timed part.
let pool = null;

function message(w, type) {
  return new Promise((res, rej) => {
    const onMsg = (m) => {
      if (m.type === type) { off(); res(); } else if (m.type === 'error') { off(); rej(new Error(m.message)); }
    };
    const onErr = (e) => { off(); rej(e); };
    const off = () => { w.off('message', onMsg); w.off('error', onErr); };
    w.on('message', onMsg);
    w.on('error', onErr);
  });
}

async function startPool(b, f) {
  const sab = new SharedArrayBuffer(4);
  const shared = f.share();
  const workers = [];
  for (let id = 0; id < p.poolWorkers; id++) {
    workers.push(new Worker(join(BENCH_DIR, 'pool-worker.mjs'), { workerData: { backend: b.info.name, shared, id, p, sab } }));
  }
  await Promise.all(workers.map((w) => message(w, 'ready')));
  return { f, workers, counter: new Int32Array(sab) };
}

async function endPool() {
  if (!pool) return;
  const { f, workers } = pool;
  pool = null;
  try {
    await Promise.all(workers.map((w) => { const r = message(w, 'ended'); w.postMessage('end'); return r; }));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
    await f.close();
  }
}

async function poolOnce() {
  const { workers, counter } = pool;
  await Promise.all(workers.map((w) => { const r = message(w, 'prepared'); w.postMessage('prep'); return r; }));
  Atomics.store(counter, 0, 0);
  const done = workers.map((w) => message(w, 'done'));
  const verified = workers.map((w) => message(w, 'verified'));
  for (const v of verified) v.catch(() => {}); // awaited below; a failure shows in done first
  const t0 = performance.now();
  for (const w of workers) w.postMessage('go');
  await Promise.all(done);
  const ms = performance.now() - t0;
  await Promise.all(verified);
  return ms;
}

async function once(b, measureMemory) {
  // Every sample starts from a collected heap (every backend alike): the previous sample's
  // garbage (its results, its filesystem) is freed before, not during, the timed part.
  const m0 = measureMemory ? mem() : (gc(), null);
  if (caseName === 'worker_pool') {
    pool ??= await startPool(b, await b.createFs({ quota: quotaFor(caseName, p) }));
    const ms = await poolOnce();
    let memory;
    if (measureMemory) { memory = diff(m0, mem()); if (pool.f.memory) Object.assign(memory, await pool.f.memory()); }
    return { ms, memory };
  }
  const f = await b.createFs({ quota: quotaFor(caseName, p) });
  let ms, memory;
  try {
    const sw = new Stopwatch(); await workloads[caseName](f, p, sw); ms = sw.total;
    if (measureMemory) { memory = diff(m0, mem()); if (f.memory) Object.assign(memory, await f.memory()); }
  } finally { await f.close(); }
  return { ms, memory };
}

try {
  let b;
  try {
    b = (await import(pathToFileURL(join(BENCH_DIR, 'backends', `${backendName}.mjs`)).href)).default;
    await b.available();
  } catch (e) {
    emit({ status: 'na', reason: `cannot load: ${e?.message ?? e}` });
    process.exit(0);
  }
  if (caseName === 'worker_pool' && !b.info.shareable) { emit({ status: 'na', reason: b.info.noShareReason }); process.exit(0); }
  if (!workloads[caseName] && caseName !== 'worker_pool') throw new Error(`unknown case ${caseName}`);
  let memory;
  for (let i = 0; i < warmup; i++) ({ memory } = await once(b, i === 0));
  const samples = [];
  // --budget S: stop repeating once S seconds of samples are spent (at least one sample);
  // keeps --quick under its time limit with the slow peers. Off (Infinity) by default.
  const budget = opt('--budget', Infinity) * 1000;
  const tStart = performance.now();
  for (let i = 0; i < repeat; i++) {
    if (i > 0 && performance.now() - tStart > budget) break;
    const r = await once(b, warmup === 0 && i === 0);
    if (!memory) memory = r.memory;
    samples.push(r.ms);
  }
  await endPool();
  const s = [...samples].sort((x, y) => x - y);
  emit({ status: 'ok', label: b.info.label, kind: b.info.kind, api: b.info.api, samples, min: s[0], median: s[(s.length - 1) >> 1] + (s.length % 2 ? 0 : (s[s.length >> 1] - s[(s.length - 1) >> 1]) / 2), max: s[s.length - 1], bytes: bytesMoved(caseName, p), memory });
  process.exit(0);
} catch (e) {
  emit({ status: 'error', reason: String(e?.stack ?? e).split('\n').slice(0, 4).join(' | ') });
  process.exit(1);
}
