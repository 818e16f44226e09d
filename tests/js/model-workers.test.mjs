// Seeded model-based random test across threads (SPEC §2.6, §8.5): one wasm-threads
// filesystem, 2–3 worker_threads workers attached to it; every step runs one op on the
// main instance or in a worker (handles live in the thread that opened them) and on the
// model (tests/js/_model.mjs), and both must agree (value, error code, ENOSPC numbers).
// stats() after every step; full contents and dmfs_debug_check every 10 steps.
// Replay: DMFS_SEED=<n> [DMFS_STEPS=<n>] NODE_PATH=/usr/share/nodejs node --test tests/js/model-workers.test.mjs
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { MemoryFileSystem } from '../../js/index.mjs';
import { Model } from './_model.mjs';
import { debugCheck } from '../../js/testing-hooks.mjs';
import { rng, norm, runLib, runModel } from './_model-worker.mjs';

const SEEDS = process.env.DMFS_SEED ? [Number(process.env.DMFS_SEED)]
  : Array.from({ length: Number(process.env.DMFS_SEEDS || 40) }, (_, i) => (Date.now() + i * 7919) % 1e9);
const STEPS = Number(process.env.DMFS_STEPS || 600);
const WORKER = new URL('./_model-worker.mjs', import.meta.url);
const TALLY = {};

const PATHS = ['/', '/a', '/b', '/a/c', '/d/e', '/a/c/f', '/b/a', '/d', '/a', '/b'];
const GLOBS = ['/*', '/**', '/a/*', '/**/c', '/?', '/**/*', '/d/**', '/[ab]', '/[!a]*', '/**/[]c]', '/[a-c]/*', '[', '', '/n*'];
const DSTS = [...PATHS, '/n', '/a/n', '/d/n', '/a/c/n', '/n'];

function describe(op) {
  const { k, ...rest } = op;
  const parts = [k];
  for (const [key, v] of Object.entries(rest)) {
    if (key === 'b') parts.push(`${v.length}B`);
    else if (key === 'es') parts.push(v.map(([p, b]) => `${p}:${b.length}`).join(','));
    else if (key === 'h') parts.push(`#${v}`);
    else parts.push(`${key}=${JSON.stringify(v)}`);
  }
  return parts.join(' ');
}

class Remote { // one attached worker; one request at a time
  constructor(d, k) {
    this.k = k;
    this.w = new Worker(WORKER, { workerData: { role: 'dmemfs-model-worker', d } });
    this.next = 0;
    this.pending = new Map();
    this.exited = new Promise((resolve) => this.w.once('exit', resolve));
    this.ready = new Promise((resolve, reject) => {
      this.w.on('message', (m) => {
        if (m.ready) { resolve(); return; }
        const p = this.pending.get(m.id);
        if (p) { this.pending.delete(m.id); clearTimeout(p.timer); p.resolve(m.res); }
      });
      const gone = (e) => { reject(e); for (const p of this.pending.values()) { clearTimeout(p.timer); p.reject(e); } this.pending.clear(); };
      this.w.on('error', gone);
      this.w.on('exit', (code) => { if (!this.detached) gone(new Error(`worker ${k} exited with code ${code}`)); });
    });
  }
  call(op) {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.pending.delete(id); reject(new Error(`worker ${this.k}: no answer to ${describe(op)} in 10 s`)); }, 10000);
      this.pending.set(id, { resolve, reject, timer });
      this.w.postMessage({ id, op });
    });
  }
}

async function runSeed(seed) {
  const R = rng(seed);
  const pick = (a) => a[Math.floor(R() * a.length)];
  const int = (n) => Math.floor(R() * n);
  const opts = {
    maxQuota: pick([0, 50, 200, 500, 1000, 2000, 100000]),
    maxNodes: pick([2, 3, 5, 8, Infinity, Infinity]),
    defaultStorage: pick(['auto', 'sequential', 'random_access']),
    chunkOverhead: pick([0, 3, 128]),
  };
  const nw = 2 + int(2);
  const fs = await MemoryFileSystem.create({ ...opts, build: 'threads' });
  const m = new Model(opts);
  const workers = [];
  const handles = []; // {id, owner: 'M' | worker index}
  const libHandles = new Map(); // main thread's FileHandles
  const modelHandles = new Map();
  const history = [];
  let nextHandle = 0, step = -1;
  const bytes = () => { const n = pick([0, 1, 5, 20, 100, 300]); const u = new Uint8Array(n); for (let i = 0; i < n; i++) u[i] = int(256); return u; };
  const fail = (what, detail) => {
    assert.fail(`model-workers MISMATCH: DMFS_SEED=${seed} step ${step} (${what})\nopts ${JSON.stringify(opts, (k, v) => (v === Infinity ? 'Infinity' : v))} workers ${nw}\n${detail}\n` +
      `last ops:\n${history.slice(-20).join('\n')}`);
  };
  const check = (a, b, what) => {
    try { assert.deepEqual(a, b); } catch (e) { fail(what, e.message); }
  };
  const exec = (owner, op) => (owner === 'M' ? runLib(fs, libHandles, op) : workers[owner].call(op));
  const adopted0 = fs._x.dmfsw_share_adopted(); // per module instance: other tests' leftovers
  try {
    for (let k = 0; k < nw; k++) workers.push(new Remote(fs.share(), k));
    let timer;
    await Promise.race([Promise.all(workers.map((w) => w.ready)),
      new Promise((resolve, reject) => { timer = setTimeout(() => reject(new Error(`DMFS_SEED=${seed}: workers did not attach in 30 s`)), 30000); })]);
    clearTimeout(timer);
    for (step = 0; step < STEPS; step++) {
      const p = pick(PATHS), q = pick(DSTS);
      const hd = handles.length ? pick(handles) : null;
      const ho = (k, extra) => hd && { owner: hd.owner, op: { k, h: hd.id, ...extra } };
      const gens = [
        () => ({ k: 'open', p, mode: pick(['rb', 'wb', 'ab', 'r+b', 'xb', 'rb', 'wb', 'r']), pre: pick([0, 0, 0, 10, 100, -1]), h: nextHandle }),
        () => ho('write', { b: bytes() }),
        () => ho('read', { n: pick([-1, 0, 3, 50]) }),
        () => ho('seek', { o: pick([0, 3, 10, -2, 500]), w: pick([0, 1, 2, 3]) }),
        () => ho('tell'),
        () => ho('truncate', { s: pick([undefined, 0, 2, 50, 400, -1]) }),
        () => ho('close'),
        () => ({ k: 'mkdir', p, ok: R() < 0.5 }),
        () => ({ k: 'rename', p, q }),
        () => ({ k: 'move', p, q }),
        () => ({ k: 'remove', p }),
        () => ({ k: 'rmtree', p }),
        () => ({ k: 'copy', p, q }),
        () => ({ k: 'copyTree', p, q }),
        () => ({ k: 'importTree', es: Array.from({ length: int(3) }, () => [R() < 0.05 ? '../x' : pick(PATHS), bytes()]) }),
        () => ({ k: 'writeFile', p, b: bytes() }),
        () => ({ k: 'readFile', p }),
        () => ({ k: 'stat', p }),
        () => ({ k: 'getSize', p }),
        () => ({ k: 'listdir', p }),
        () => ({ k: pick(['exists', 'isDir', 'isFile']), p }),
        () => ({ k: 'glob', g: pick(GLOBS) }),
        () => ({ k: 'walk', p }),
        () => ({ k: 'exportTree', p, d: R() < 0.3 }),
        () => ({ k: 'stats' }),
        () => ({ k: 'check' }),
      ];
      // Bias towards handle work as model-random does; a handle op goes to its owner.
      const r = R();
      let g;
      if (r < 0.02) g = { owner: int(nw), op: { k: 'reattach' } };
      else {
        const made = (r < 0.15 ? gens[0] : r < 0.5 && hd ? pick(gens.slice(1, 7)) : pick(gens))();
        if (!made) { step--; continue; }
        g = made.owner !== undefined ? made : { owner: R() < 0.3 ? 'M' : int(nw), op: made };
      }
      const { owner, op } = g;
      const desc = `${step} [${owner === 'M' ? 'main' : `w${owner}`}] ${describe(op)}`;
      history.push(desc);
      if (op.k === 'reattach') {
        // Detaching closes the worker's handles (§2.6); they stay in the tables: EBADF later.
        const res = await workers[owner].call(op);
        check(res, { ok: null }, desc);
        for (const h of handles) if (h.owner === owner) m.close(modelHandles.get(h.id));
        TALLY.reattach = (TALLY.reattach || 0) + 1;
      } else {
        const lib = await exec(owner, op);
        const mod = runModel(m, modelHandles, op);
        if (lib.err && lib.err.weird) fail(desc, `library threw a non-library error: ${lib.err.weird}`);
        if (op.k === 'check') check(lib, { ok: 0 }, `${desc}: dmfs_debug_check`);
        else check(lib, mod, desc);
        const tag = lib.err ? lib.err.code : `${op.k} ok`;
        TALLY[tag] = (TALLY[tag] || 0) + 1;
        if (lib.err) history[history.length - 1] += ` -> ${lib.err.code}`;
        if (op.k === 'open' && lib.ok) { handles.push({ id: nextHandle, owner }); nextHandle++; }
        if (op.k === 'close' && !lib.err) handles.splice(handles.findIndex((h) => h.id === op.h), 1);
      }
      check(await fs.stats(), m.stats(), `stats after ${desc}`);
      if (step % 10 === 0) {
        const ex = await runLib(fs, libHandles, { k: 'exportTree', p: '/', d: false });
        check(ex, runModel(m, modelHandles, { k: 'exportTree', p: '/', d: false }), `contents after ${desc}`);
        check(debugCheck(fs), 0, `dmfs_debug_check after ${desc}`);
      }
    }
    // Detach every worker (their handles close), then close main's: the creating instance
    // must still hold the model's tree, ledger and node count, with nothing left locked.
    step = 'end';
    for (const w of workers) {
      history.push(`end [w${w.k}] detach`);
      w.detached = true;
      check(await w.call({ k: 'detach' }), { ok: null }, `detach w${w.k}`);
      for (const h of handles) if (h.owner === w.k) m.close(modelHandles.get(h.id));
    }
    for (const h of handles) if (h.owner === 'M') { await libHandles.get(h.id).close(); m.close(modelHandles.get(h.id)); }
    await Promise.all(workers.map((w) => w.exited));
    check(await fs.stats(), m.stats(), 'stats after detach');
    const ex = await runLib(fs, libHandles, { k: 'exportTree', p: '/', d: false });
    check(ex, { ok: norm(m.exportTree()) }, 'contents after detach');
    check(fs._x.dmfsw_debug_check(fs._id), 0, 'dmfs_debug_check after detach');
    // Every file is unlocked now: an exclusive (r+b) open of each succeeds at once.
    for (const [path] of m.exportTree()) await (await fs.open(path, 'r+b', { lockTimeout: 0 })).close();
    for (let i = 0; i < 50 && fs._x.dmfsw_share_adopted() !== adopted0; i++) await new Promise((r) => setTimeout(r, 20));
    check(fs._x.dmfsw_share_adopted(), adopted0, 'threads still adopted after detach');
    return STEPS;
  } finally {
    for (const w of workers) { w.detached = true; await w.w.terminate(); }
    await fs.close();
  }
}

after(() => console.log('model-workers tally', JSON.stringify(TALLY)));
for (const seed of SEEDS) {
  test(`model-workers seed ${seed}`, async () => {
    console.log(`model-workers: DMFS_SEED=${seed} DMFS_STEPS=${STEPS}`);
    await runSeed(seed);
  });
}
