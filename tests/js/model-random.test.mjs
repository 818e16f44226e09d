// Seeded model-based random test: every step runs on the library and on tests/js/_model.mjs
// and must agree (result, error code, ENOSPC numbers, contents, stats()).
// Replay one seed: DMFS_SEED=<n> NODE_PATH=/usr/share/nodejs node --test tests/js/model-random.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFileSystem } from '../../js/index.mjs';
import { Model, ModelError } from './_model.mjs';
import { rng, norm, errShape } from './_model-worker.mjs';

const BUILDS = (process.env.DMEMFS_TEST_BUILDS || 'threads,single').split(',');
const SEEDS = process.env.DMFS_SEED ? [Number(process.env.DMFS_SEED)]
  : Array.from({ length: Number(process.env.DMFS_SEEDS || 30) }, (_, i) => (Date.now() + i * 7919) % 1e9);
const STEPS = Number(process.env.DMFS_STEPS || 400);
export const TALLY = {};

const PATHS = ['/', '/a', '/b', '/a/c', '/d/e', '/a/c/f', '/b/a', '/d', '/a', '/b'];
const GLOBS = ['/*', '/**', '/a/*', '/**/c', '/?', '/**/*', '/d/**', '/[ab]', '/[!a]*', '/**/[]c]', '/[a-c]/*', '[', '', '/n*'];
// Destinations biased towards names that do not exist yet, so copies and renames succeed.
const DSTS = [...PATHS, '/n', '/a/n', '/d/n', '/a/c/n', '/n'];

async function outcome(fn) {
  try { return { ok: await fn() }; } catch (e) { return { err: e }; }
}
async function runSeed(build, seed) {
  const R = rng(seed);
  const pick = (a) => a[Math.floor(R() * a.length)];
  const int = (n) => Math.floor(R() * n);
  const opts = {
    maxQuota: pick([0, 50, 200, 500, 1000, 2000]),
    maxNodes: pick([2, 3, 5, 8, Infinity, Infinity]),
    defaultStorage: pick(['auto', 'sequential', 'random_access']),
    chunkOverhead: pick([0, 3, 128]),
  };
  const fs = await MemoryFileSystem.create({ ...opts, build });
  const m = new Model(opts);
  const handles = []; // [libHandle, modelHandle]
  const history = [];
  const bytes = () => { const n = pick([0, 1, 5, 20, 100, 300]); const u = new Uint8Array(n); for (let i = 0; i < n; i++) u[i] = int(256); return u; };
  try {
    for (let step = 0; step < STEPS; step++) {
      const p = pick(PATHS), q = pick(DSTS);
      const h = handles.length ? pick(handles) : null;
      const ops = [
        ['open', () => { const mode = pick(['rb', 'wb', 'ab', 'r+b', 'xb', 'rb', 'wb', 'r']); const pre = pick([0, 0, 0, 10, 100, -1]);
          return [`open ${p} ${mode} ${pre}`, async () => fs.open(p, mode, { preallocate: pre, lockTimeout: 0 }), () => m.open(p, mode, pre), 'handle']; }],
        ['write', () => h && (() => { const b = bytes(); return [`write #${handles.indexOf(h)} ${b.length}`, () => h[0].write(b), () => m.write(h[1], b)]; })()],
        ['read', () => h && (() => { const n = pick([-1, 0, 3, 50]); return [`read #${handles.indexOf(h)} ${n}`, () => h[0].read(n), () => m.read(h[1], n)]; })()],
        ['seek', () => h && (() => { const o = pick([0, 3, 10, -2, 500]); const w = pick([0, 1, 2, 3]); return [`seek #${handles.indexOf(h)} ${o} ${w}`, () => h[0].seek(o, w), () => m.seek(h[1], o, w)]; })()],
        ['tell', () => h && [`tell #${handles.indexOf(h)}`, () => h[0].tell(), () => m.tell(h[1])]],
        ['truncate', () => h && (() => { const s = pick([undefined, 0, 2, 50, 400, -1]); return [`truncate #${handles.indexOf(h)} ${s}`, () => (s === undefined ? h[0].truncate() : h[0].truncate(s)), () => m.truncate(h[1], s)]; })()],
        ['close', () => h && [`close #${handles.indexOf(h)}`, async () => { await h[0].close(); handles.splice(handles.indexOf(h), 1); }, () => m.close(h[1])]],
        ['mkdir', () => { const ok = R() < 0.5; return [`mkdir ${p} ${ok}`, () => fs.mkdir(p, { existOk: ok }), () => m.mkdir(p, ok)]; }],
        ['rename', () => [`rename ${p} ${q}`, () => fs.rename(p, q), () => m.rename(p, q)]],
        ['move', () => [`move ${p} ${q}`, () => fs.move(p, q), () => m.rename(p, q, true)]],
        ['remove', () => [`remove ${p}`, () => fs.remove(p), () => m.remove(p)]],
        ['rmtree', () => [`rmtree ${p}`, () => fs.rmtree(p), () => m.rmtree(p)]],
        ['copy', () => [`copy ${p} ${q}`, () => fs.copy(p, q, { lockTimeout: 0 }), () => m.copy(p, q)]],
        ['copyTree', () => [`copyTree ${p} ${q}`, () => fs.copyTree(p, q, { lockTimeout: 0 }), () => m.copyTree(p, q)]],
        ['importTree', () => { const n = int(3); const es = []; for (let i = 0; i < n; i++) es.push([R() < 0.05 ? '../x' : pick(PATHS), bytes()]);
          return [`importTree ${es.map(([k, v]) => k + ':' + v.length).join(',')}`, () => fs.importTree(es), () => m.importTree(es.map(([k, v]) => [k === '../x' ? null : k, v]))]; }],
        ['writeFile', () => { const b = bytes(); return [`writeFile ${p} ${b.length}`, () => fs.writeFile(p, b, { lockTimeout: 0 }), () => m.writeFile(p, b)]; }],
        ['readFile', () => [`readFile ${p}`, () => fs.readFile(p, { lockTimeout: 0 }), () => m.readFile(p)]],
        ['stat', () => [`stat ${p}`, async () => { const s = await fs.stat(p); return { size: s.size, generation: s.generation, isDir: s.isDir }; }, () => m.stat(p)]],
        ['getSize', () => [`getSize ${p}`, () => fs.getSize(p), () => m.getSize(p)]],
        ['listdir', () => [`listdir ${p}`, () => fs.listdir(p), () => m.listdir(p)]],
        ['exists', () => [`exists ${p}`, () => fs.exists(p), () => m.exists(p)]],
        ['glob', () => { const g = pick(GLOBS); return [`glob ${g}`, () => fs.glob(g), () => m.glob(g)]; }],
        ['exportTree', () => { const d = R() < 0.3; return [`exportTree ${p} ${d}`, () => fs.exportTree({ prefix: p, onlyDirty: d, lockTimeout: 0 }), () => m.exportTree(p, d)]; }],
      ];
      // Bias towards handle work so writes, promotion and truncation get exercised.
      const r = R();
      const spec = (r < 0.15 ? ops[0] : r < 0.5 && h ? pick(ops.slice(1, 7)) : pick(ops))[1]();
      if (!spec) { step--; continue; }
      const [desc, libFn, modelFn, kind] = spec;
      history.push(`${step}: ${desc}`);
      const lib = await outcome(libFn);
      let mod; try { mod = { ok: modelFn() }; } catch (e) { if (!(e instanceof ModelError)) throw e; mod = { err: e }; }
      const fail = () => {
        console.log('MISMATCH seed', seed, 'build', build, 'step', step, 'opts', JSON.stringify(opts));
        console.log(history.slice(-25).join('\n'));
      };
      const check = (a, b, what) => { try { assert.deepEqual(a, b, what); } catch (e) { fail(); throw e; } };
      if (lib.err || mod.err) {
        const le = lib.err ? errShape(lib.err, true) : { ok: norm(lib.ok) };
        const me = mod.err ? errShape(mod.err, false) : { ok: norm(mod.ok) };
        if (lib.err && !(lib.err.code)) { fail(); throw lib.err; }
        check(le, me, `step ${step} ${desc}`);
        history[history.length - 1] += ` -> ${le.code}`;
        TALLY[le.code] = (TALLY[le.code] || 0) + 1;
      } else {
        TALLY.ok = (TALLY.ok || 0) + 1; TALLY[desc.split(' ')[0] + ' ok'] = (TALLY[desc.split(' ')[0] + ' ok'] || 0) + 1;
        if (kind === 'handle') handles.push([lib.ok, mod.ok]);
        else check(norm(lib.ok), norm(mod.ok), `step ${step} ${desc}`);
      }
      const st = await fs.stats();
      check(st, m.stats(), `stats after step ${step} ${desc}`);
      if (step % 10 === 0) {
        const ex = await outcome(() => fs.exportTree({ lockTimeout: 0 }));
        let mx; try { mx = m.exportTree(); } catch (e) { mx = null; }
        if (mx && ex.ok) check(norm(ex.ok), norm(mx), `contents after step ${step}`);
      }
    }
    for (const [lh] of handles) await lh.close();
    return STEPS;
  } finally { await fs.close(); }
}

import { after } from 'node:test';
after(() => console.log('tally', JSON.stringify(TALLY)));
for (const build of BUILDS) {
  for (const seed of SEEDS) {
    test(`model-random [${build}] seed ${seed}`, async () => {
      console.log('seed', seed);
      await runSeed(build, seed);
    });
  }
}
