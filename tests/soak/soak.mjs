#!/usr/bin/env node
// Soak test (SPEC §8.5–§8.7): the main thread and N attached workers run mixed random
// operations on one wasm-threads filesystem for a while (tests/soak/_soak-worker.mjs).
// Every ~2 s all agents pause at a barrier (finish the current op, close their handles,
// report what they expect) and main checks: dmfs_debug_check, the ledger against the
// stored contents, each private directory byte for byte, shared records whole, the
// append-only log complete. Exit code 1 on any violation.
//   node tests/soak/soak.mjs [--minutes N] [--workers N] [--seed S] [--quota BYTES] [--live-check] [--strict]
// --live-check also calls dmfs_debug_check while the workers run (informational: handle
// I/O does not take the structure lock, so the ledger may be mid-update; counted, not failed).
// --strict fails on EAGAIN that only the structure lock explains (see Agent.call); without
// it they are counted and reported.
import { Worker } from 'node:worker_threads';
import { MemoryFileSystem, constants } from '../../js/index.mjs';
import { debugCheck } from '../../js/testing-hooks.mjs';
import { Agent, SHARED, badRecord, eq, record } from './_soak-worker.mjs';

function args() {
  const a = process.argv.slice(2), o = { minutes: 3, workers: 4, seed: Date.now() % 1e9, quota: 2 * 1024 * 1024, liveCheck: false, strict: false };
  for (let i = 0; i < a.length; i++) {
    const k = a[i], v = () => { const x = Number(a[++i]); if (!Number.isFinite(x)) throw new Error(`${k} needs a number`); return x; };
    if (k === '--minutes') o.minutes = v();
    else if (k === '--workers') o.workers = v();
    else if (k === '--seed') o.seed = v();
    else if (k === '--quota') o.quota = v();
    else if (k === '--live-check') o.liveCheck = true;
    else if (k === '--strict') o.strict = true;
    else if (k === '--help' || k === '-h') { console.log('node tests/soak/soak.mjs [--minutes N] [--workers N] [--seed S] [--quota BYTES] [--live-check] [--strict]'); process.exit(0); }
    else throw new Error(`unknown argument ${k}`);
  }
  if (process.env.DMFS_SEED) o.seed = Number(process.env.DMFS_SEED);
  return o;
}

const opt = args();
const CFG = { bigMax: 400 * 1024, lockMax: 200, strict: opt.strict };
const OV = 128;
const t0 = performance.now();
const secs = () => (performance.now() - t0) / 1000;
const violations = [];
const errorsByCode = {};
let checks = 0, barriers = 0, liveChecks = 0;
const liveCodes = {}; // dmfs_debug_check result → count, while workers run
console.log(`soak: DMFS_SEED=${opt.seed} minutes=${opt.minutes} workers=${opt.workers} quota=${opt.quota}`);

const fs = await MemoryFileSystem.create({ build: 'threads', maxQuota: opt.quota, chunkOverhead: OV,
  maxNodes: 3000, defaultLockTimeout: 5000 });
const adopted0 = fs._x.dmfsw_share_adopted();
const debugCheckFs = () => debugCheck(fs); // test hooks build: 0 = §1 invariants hold
const N = opt.workers, MAIN = N; // agent ids: workers 0..N-1, main N
await fs.mkdir('/shared');
await fs.mkdir('/race');
for (let k = 0; k <= N; k++) await fs.mkdir(`/w${k}`);
for (let i = 0; i < SHARED; i++) await fs.writeFile(`/shared/s${i}`, record(255, 0, 64));
await fs.writeFile('/shared/log', new Uint8Array(0));

// ── agents ────────────────────────────────────────────────────────────────────────
const reports = new Map(); // id → last report
const fail = (msg) => { // the first 30 in full; the count is in the report
  violations.push(msg);
  if (violations.length <= 30) console.log(`VIOLATION: ${msg}`);
  else if (violations.length === 31) console.log('(further violations counted, not printed)');
};
const workers = [];
for (let k = 0; k < N; k++) {
  const status = new SharedArrayBuffer(256);
  const w = new Worker(new URL('./_soak-worker.mjs', import.meta.url),
    { workerData: { role: 'dmemfs-soak', d: fs.share(), id: k, seed: opt.seed * 31 + k, cfg: CFG, status } });
  const rec = { k, w, waiters: [], stopped: false, status };
  rec.exited = new Promise((resolve) => w.once('exit', (code) => { rec.stopped = true; resolve(code); }));
  w.on('error', (e) => fail(`worker ${k} error: ${e && e.stack}`));
  w.on('message', (m) => {
    if (m.type === 'status') { console.log(`worker ${k} is at: ${m.history.slice(-8).join(' | ')}`); return; }
    const f = rec.waiters.shift(); if (f) f(m);
  });
  rec.next = () => new Promise((resolve) => rec.waiters.push(resolve));
  workers.push(rec);
}
const readyAll = workers.map((r) => r.next());
const readyTimeout = setTimeout(() => { fail('workers did not attach within 30 s'); process.exit(1); }, 30000);
await Promise.all(readyAll);
clearTimeout(readyTimeout);
console.log(`soak: ${N} workers attached in ${secs().toFixed(1)} s`);

const mainAgent = new Agent(fs, MAIN, opt.seed * 31 + MAIN, CFG);
let mainResume = null, mainPaused = null;
const mainRun = mainAgent.run((report) => new Promise((resolve) => { mainResume = resolve; mainPaused(report); }));

let epoch = 0;
/** All agents stop at an op boundary with their handles closed; resolves their reports. */
async function pauseAll() {
  const ps = workers.map((r) => { const p = r.next(); r.w.postMessage({ cmd: 'pause' }); return p; });
  const mp = new Promise((resolve) => { mainPaused = resolve; });
  mainAgent.pauseReq = true;
  const got = new Set();
  ps.forEach((p, i) => p.then(() => got.add(i)));
  mp.then(() => got.add('main'));
  const timer = setTimeout(() => {
    fail(`barrier: agents did not pause within 30 s (paused: ${[...got]})`);
    if (!got.has('main')) console.log(`main agent is at: ${mainAgent.history.slice(-8).join(' | ')}`);
    for (const r of workers) {
      if (!got.has(r.k)) console.log(`worker ${r.k} last started: ${new TextDecoder().decode(new Uint8Array(r.status).slice()).replace(/\0+$/, '')}`);
      r.w.postMessage({ cmd: 'status' });
    }
    setTimeout(() => process.exit(1), 1000);
  }, 30000);
  const all = [...(await Promise.all(ps)).map((m) => m.report), await mp];
  clearTimeout(timer);
  for (const rep of all) {
    reports.set(rep.id, rep);
    for (const v of rep.violations) fail(v);
  }
  return all;
}
function resumeAll(stop) {
  for (const r of workers) r.w.postMessage({ cmd: 'resume', stop, epoch });
  const f = mainResume; mainResume = null; f({ stop, epoch });
}

// ── the checks at a barrier ──────────────────────────────────────────────────────────
async function verify(all) {
  barriers++;
  const c = (ok, msg) => { if (ok) checks++; else fail(`barrier ${barriers} at ${secs().toFixed(1)} s: ${msg}`); };
  c(debugCheckFs() === 0, 'dmfs_debug_check != 0');
  const st = await fs.stats();
  const files = await fs.exportTree({ lockTimeout: 0 }); // every handle is closed
  let sum = 0;
  for (const [, b] of files) sum += b.length;
  c(st.usedBytes === sum + st.chunkCount * OV, `usedBytes ${st.usedBytes} != Σ sizes ${sum} + ${st.chunkCount} chunks × ${OV}`);
  c(st.usedBytes <= st.quotaBytes && st.freeBytes === st.quotaBytes - st.usedBytes, `ledger ${JSON.stringify(st)}`);
  c(st.fileCount === files.size, `fileCount ${st.fileCount} != ${files.size} exported files`);
  let dirs = 0;
  for await (const [dp] of fs.walk('/')) { dirs++; void dp; }
  c(st.dirCount === dirs, `dirCount ${st.dirCount} != ${dirs} walked`);
  // Private directories: exactly what their agent last wrote.
  for (const rep of all) {
    const dir = `/w${rep.id}`, exp = new Map(rep.expected);
    const got = [...files].filter(([p]) => p.startsWith(`${dir}/`));
    c(got.length === exp.size, `${dir}: ${got.length} files, agent expects ${exp.size} (${[...exp.keys()].filter((p) => !files.has(p)).join(' ')} missing; ${got.map(([p]) => p).filter((p) => !exp.has(p)).join(' ')} extra)`);
    for (const [p, b] of got) c(exp.has(p) && eq(b, exp.get(p)), `${p}: ${b.length} bytes, not what agent ${rep.id} wrote (${exp.get(p)?.length} bytes)`);
    const wd = []; for await (const [dp] of fs.walk(dir)) wd.push(dp);
    c(wd.length === rep.dirs.length && wd.every((p) => rep.dirs.includes(p)), `${dir}: dirs [${wd}] expected [${rep.dirs}]`);
  }
  // Shared and race files: whole records (or empty), never torn.
  for (const [p, b] of files) {
    if (p === '/shared/log' || !(p.startsWith('/shared/') || p.startsWith('/race/'))) continue;
    const w = badRecord(b);
    c(!w, `${p}: ${w}`);
  }
  // The log: every acknowledged append present once, in order, per agent.
  const log = files.get('/shared/log');
  c(log && log.length % 8 === 0, `/shared/log: ${log && log.length} bytes`);
  if (log) {
    const seen = new Map();
    for (let i = 0; i + 8 <= log.length; i += 8) {
      const e = log.subarray(i, i + 8), owner = e[1], seq = e[2] | (e[3] << 8) | (e[4] << 16) | (e[5] << 24);
      if (e[0] !== 0x4C || e[7] !== (e[1] ^ e[2] ^ e[3] ^ e[4] ^ e[5] ^ e[6]) || e[6] !== (epoch & 255)) { c(false, `/shared/log: bad entry at ${i}`); break; }
      const n = seen.get(owner) || 0;
      if (seq !== n) { c(false, `/shared/log: agent ${owner} entry ${seq}, expected ${n}`); break; }
      seen.set(owner, n + 1);
    }
    for (const rep of all) c((seen.get(rep.id) || 0) === rep.logSeq, `/shared/log: ${seen.get(rep.id) || 0} entries of agent ${rep.id}, it made ${rep.logSeq}`);
  }
  // A fresh log for the next epoch.
  await fs.writeFile('/shared/log', new Uint8Array(0), { lockTimeout: 0 });
  epoch++;
  return st;
}

// ── run ─────────────────────────────────────────────────────────────────────────────
const totalOps = () => [...reports.values()].reduce((a, r) => a + r.ops, 0);
let stopping = false, lastProgress = 0, lastStats = null;
const live = opt.liveCheck ? setInterval(() => { liveChecks++; const r = debugCheckFs(); liveCodes[r] = (liveCodes[r] || 0) + 1; }, 50) : null;
const end = t0 + opt.minutes * 60000;
try {
  while (!stopping) {
    await new Promise((r) => setTimeout(r, 2000));
    const last = stopping || performance.now() >= end || violations.length > 0;
    const all = await pauseAll();
    lastStats = await verify(all);
    if (last) { stopping = true; break; }
    if (secs() - lastProgress >= 10) {
      lastProgress = secs();
      const ops = totalOps();
      console.log(`[${secs().toFixed(0)} s] ops ${ops} (${(ops / secs()).toFixed(0)}/s) checks ${checks} barriers ${barriers} ` +
        `used ${lastStats.usedBytes}/${lastStats.quotaBytes} files ${lastStats.fileCount} ENOSPC ${sumCode('ENOSPC')} EAGAIN ${sumCode('EAGAIN')} violations ${violations.length} rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB`);
    }
    resumeAll(false);
  }
} catch (e) {
  fail(`main: ${e && e.stack}`);
}
if (live) clearInterval(live);

function sumCode(code) {
  let n = 0;
  for (const r of reports.values()) for (const c of Object.values(r.counts)) n += c[code] || 0;
  return n;
}

// Stop: workers detach and exit; the filesystem must still be consistent afterwards.
if (mainResume) resumeAll(true);
await mainRun;
const exits = await Promise.race([Promise.all(workers.map((r) => r.exited)), new Promise((r) => setTimeout(() => r(null), 15000))]);
if (!exits) { fail('workers did not exit within 15 s of stop'); for (const r of workers) await r.w.terminate(); }
else if (exits.some((c) => c !== 0)) fail(`worker exit codes ${exits}`);
for (let i = 0; i < 50 && fs._x.dmfsw_share_adopted() !== adopted0; i++) await new Promise((r) => setTimeout(r, 20));
if (fs._x.dmfsw_share_adopted() !== adopted0) fail(`threads still adopted after the workers detached: ${fs._x.dmfsw_share_adopted()}`);
if (debugCheckFs() !== 0) fail('dmfs_debug_check != 0 after the workers detached'); else checks++;
const finalStats = await fs.stats();
const memBytes = fs._rt.memory.buffer.byteLength;
await fs.close();

// ── report ──────────────────────────────────────────────────────────────────────────
const dur = secs();
const kinds = {}, perAgent = {};
for (const r of [...reports.values()].sort((a, b) => a.id - b.id)) {
  perAgent[r.id === MAIN ? 'main' : `w${r.id}`] = r.ops;
  for (const [k, c] of Object.entries(r.counts)) {
    for (const [code, n] of Object.entries(c)) {
      kinds[k] = (kinds[k] || 0) + n;
      if (code !== 'ok') errorsByCode[code] = (errorsByCode[code] || 0) + n;
    }
  }
}
const ops = totalOps();
const eagainStruct = [...reports.values()].reduce((a, r) => a + r.eagainStruct, 0);
console.log('\n── soak report ──');
console.log(`seed ${opt.seed}, workers ${N} + main, duration ${dur.toFixed(1)} s`);
console.log(`operations ${ops} (${(ops / dur).toFixed(0)} ops/s); per agent ${JSON.stringify(perAgent)}`);
console.log(`per kind ${JSON.stringify(Object.fromEntries(Object.entries(kinds).sort((a, b) => b[1] - a[1])))}`);
console.log(`errors by code ${JSON.stringify(errorsByCode)}`);
console.log(`EAGAIN only the structure lock explains (short lockTimeout, no file-lock conflict possible): ${eagainStruct}${opt.strict ? ' (violations: --strict)' : ' (counted; --strict makes them violations)'}`);
console.log(`barriers ${barriers}, invariant checks passed ${checks}` + (opt.liveCheck ? `, live dmfs_debug_check ${liveChecks} (results ${JSON.stringify(liveCodes)}; EAGAIN ${constants.EAGAIN}, EINVAL ${constants.EINVAL})` : ''));
console.log(`final: usedBytes ${finalStats.usedBytes}/${finalStats.quotaBytes}, files ${finalStats.fileCount}, dirs ${finalStats.dirCount}, ` +
  `chunks ${finalStats.chunkCount}, wasm memory ${(memBytes / 1048576).toFixed(1)} MiB, rss ${(process.memoryUsage().rss / 1048576).toFixed(1)} MiB`);
console.log(violations.length ? `FAILED: ${violations.length} violation(s)` : 'OK: no violation');
process.exitCode = violations.length ? 1 : 0;
