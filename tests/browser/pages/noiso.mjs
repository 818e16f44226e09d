// Served under /noiso/ (no COOP/COEP): no SharedArrayBuffer, so wasm-single is the default.
import { test, ok, eq, rejects, run, fatal } from './harness.mjs';
import { registerCore } from './core-tests.mjs';

try {
  const api = await import('../../../js/index.mjs');
  test('page is not crossOriginIsolated', () => {
    eq(self.crossOriginIsolated, false); eq(typeof SharedArrayBuffer, 'undefined');
  });
  test('default build is wasm-single (share() → ENOTSUP, wasm-single)', async () => {
    const fs = await api.MemoryFileSystem.create();
    try {
      if ('build' in fs) eq(fs.build, 'single');
      let err = null; try { fs.share(); } catch (e) { err = e; }
      ok(err, 'share() threw'); eq(err.code, 'ENOTSUP');
      const h = await fs.open('/x', 'wb'); await h.write(new Uint8Array([1])); await h.close();
      eq(await fs.getSize('/x'), 1);
    } finally { await fs.close(); }
  });
  test("create({build:'threads'}) rejects with ENOTSUP", async () => {
    await rejects(api.MemoryFileSystem.create({ build: 'threads' }), { code: 'ENOTSUP', type: api.DMemFSError });
  });
  registerCore(api, undefined);
  await run();
} catch (e) { fatal(e); }
