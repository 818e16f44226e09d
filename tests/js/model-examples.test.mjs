// The reference model itself against SPEC §6.6 / §7.10 worked examples, so that agreement in
// model-random.test.mjs means agreement with the SPEC, not with a shared mistake. Each
// example also runs on both wasm builds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFileSystem } from '../../js/index.mjs';
import { Model } from './_model.mjs';

const BUILDS = (process.env.DMEMFS_TEST_BUILDS || 'threads,single').split(',');
const B = (n, c = 120) => new Uint8Array(n).fill(c);

// A tiny adapter so one script drives the model and the library alike.
function onModel(opts) {
  const m = new Model({ chunkOverhead: 128, ...opts });
  return {
    open: async (p, mode, o = {}) => { const h = m.open(p, mode, o.preallocate || 0);
      return { write: async (u) => m.write(h, u), seek: async (o2, w) => m.seek(h, o2, w), truncate: async (s) => m.truncate(h, s), close: async () => m.close(h) }; },
    importTree: async (e) => m.importTree(Object.entries(e)),
    copyTree: async (a, b) => m.copyTree(a, b), rmtree: async (p) => m.rmtree(p), remove: async (p) => m.remove(p),
    mkdir: async (p) => m.mkdir(p), stat: async (p) => m.stat(p), stats: async () => m.stats(),
    close: async () => {},
  };
}
async function onLib(build, opts) { return MemoryFileSystem.create({ chunkOverhead: 128, maxQuota: 1 << 20, ...opts, build }); }

async function enospc(p, requested, available) {
  await assert.rejects(p, (e) => e.code === 'ENOSPC' && e.requested === requested && e.available === available);
}

const EXAMPLES = [
  ['ex1 quota 137', { maxQuota: 137 }, async (fs) => { const h = await fs.open('/f', 'wb'); await enospc(h.write(B(10)), 138, 137); await h.close(); }, 0],
  ['ex5 preallocate', { maxQuota: 5000 }, async (fs) => { const h = await fs.open('/f', 'wb', { preallocate: 100 }); await h.close();
    assert.equal((await fs.stat('/f')).generation, 1); }, 228],
  ['ex8 promotion needs size', { maxQuota: 1000 }, async (fs) => { let h = await fs.open('/f', 'wb'); await h.write(B(500)); await h.close();
    h = await fs.open('/f', 'r+b'); await enospc(h.write(B(1)), 500, 372); await h.close(); }, 628],
  ['ex9 promotion rollback', { maxQuota: 330 }, async (fs) => { let h = await fs.open('/f', 'wb'); await h.write(B(100)); await h.close();
    h = await fs.open('/f', 'r+b'); await h.seek(50, 0); await enospc(h.write(B(200)), 150, 130); await h.close();
    assert.equal((await fs.stats()).chunkCount, 1); }, 228],
  ['ex10 promotion gap', {}, async (fs) => { const h = await fs.open('/f', 'wb'); await h.write(B(6)); await h.seek(10, 0); await h.write(B(5)); await h.close();
    assert.equal((await fs.stat('/f')).size, 15); }, 15],
  ['ex11 copyTree', { maxQuota: 455 }, async (fs) => { await fs.mkdir('/src'); const h = await fs.open('/src/f', 'wb'); await h.write(B(100)); await h.close();
    await enospc(fs.copyTree('/src', '/dst'), 228, 227); }, 228],
  ['ex14 importTree net', { maxQuota: 500 }, async (fs) => { const h = await fs.open('/existing.bin', 'wb'); await h.write(B(200)); await h.close();
    await enospc(fs.importTree({ '/existing.bin': B(1000) }), 800, 172); }, 328],
  ['6.2 truncate compaction', {}, async (fs) => { const h = await fs.open('/f', 'wb'); await h.write(B(10)); await h.write(B(10));
    assert.equal(await h.truncate(15), 15); assert.equal((await fs.stats()).usedBytes, 143); await h.truncate(30); await h.close(); }, 286],
  ['ex20 node limit', { maxNodes: 3 }, async (fs) => {
    await assert.rejects(fs.mkdir('/x/y/z'), (e) => e.code === 'ENOSPC' && e.current === 1 && e.limit === 3 && e.requested === 3 && e.available === 2); }, 0],
  ['7.10 generations', {}, async (fs) => { let h = await fs.open('/f', 'xb'); await h.write(B(0)); await h.write(B(2)); await h.truncate(2); await h.truncate(1); await h.close();
    for (const m of ['wb', 'wb', 'ab']) { h = await fs.open('/f', m); await h.close(); }
    h = await fs.open('/f', 'r+b', { preallocate: 10 }); await h.close();
    assert.equal((await fs.stat('/f')).generation, 5); }, 138],
];

for (const [name, opts, run, used] of EXAMPLES) {
  test(`model ${name}`, async () => { const fs = onModel({ maxQuota: 1 << 20, ...opts }); await run(fs); assert.equal((await fs.stats()).usedBytes, used); });
  for (const build of BUILDS) {
    test(`library ${name} [${build}]`, async () => {
      const fs = await onLib(build, opts);
      try { await run(fs); assert.equal((await fs.stats()).usedBytes, used); } finally { await fs.close(); }
    });
  }
}
