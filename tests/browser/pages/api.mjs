// API suite in the page on wasm-threads; the page must be cross-origin isolated.
import { test, ok, eq, rejects, run, fatal } from './harness.mjs';
import { registerCore } from './core-tests.mjs';

try {
  const api = await import('../../../js/index.mjs');
  test('page is crossOriginIsolated with SharedArrayBuffer', () => {
    eq(self.crossOriginIsolated, true); eq(typeof SharedArrayBuffer, 'function');
  });
  test('default build is wasm-threads when isolated', async () => {
    // fs.build is an extra getter of this implementation; share() is the SPEC-visible probe
    // (only wasm-threads can share memory).
    const fs = await api.MemoryFileSystem.create();
    try {
      if ('build' in fs) eq(fs.build, 'threads');
      let err = null; try { fs.share(); } catch (e) { err = e; }
      ok(!(err && /wasm-single/.test(err.message)), `default build is single: ${err?.message}`);
    } finally { await fs.close(); }
  });
  registerCore(api, 'threads');
  test('share() on wasm-single throws ENOTSUP synchronously', async () => {
    const fs = await api.MemoryFileSystem.create({ build: 'single' });
    try {
      let err = null; try { fs.share(); } catch (e) { err = e; }
      ok(err, 'share() threw'); eq(err.code, 'ENOTSUP');
    } finally { await fs.close(); }
  });
  test('worker-free concurrency: 20 writers and 20 readers on one file never see a torn file (§8.7)', async () => {
    const fs = await api.MemoryFileSystem.create({ build: 'threads' });
    try {
      await fs.writeFile('/s', new Uint8Array(128).fill(255));
      const seen = [];
      const writers = Array.from({ length: 20 }, async (_, i) => {
        const h = await fs.open('/s', 'wb', { lockTimeout: 10000 }); await h.write(new Uint8Array(128).fill(i)); await h.close();
      });
      const readers = Array.from({ length: 20 }, async () => { seen.push(await fs.readFile('/s', { lockTimeout: 10000 })); });
      await Promise.all([...writers, ...readers]);
      for (const r of seen) { eq(r.length, 128, 'read length'); ok(r.every((b) => b === r[0]), 'read is one id'); }
    } finally { await fs.close(); }
  });
  await run();
} catch (e) { fatal(e); }
