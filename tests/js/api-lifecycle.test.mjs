// SPEC §2.1 (exports, FileHandle constructor, version), §2.3 (close, asyncDispose),
// §2.6 (share / attach basics). Node 20's parser has no `await using`, so
// [Symbol.asyncDispose]() is called directly.
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import {
  assert, forEachBuild, withFs, assertDMemFSError, assertTypeError, put, get, bytes, text,
  MemoryFileSystem, FileHandle, TextHandle, DMemFSError, QuotaExceededError,
  NodeLimitExceededError, constants, version, BUILDS,
} from './_helpers.mjs';
import * as api from '../../js/index.mjs';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const INDEX_URL = new URL('../../js/index.mjs', import.meta.url).href;

test('exports: exactly the §2.1 names are present', () => {
  for (const name of ['MemoryFileSystem', 'FileHandle', 'TextHandle', 'DMemFSError', 'QuotaExceededError',
    'NodeLimitExceededError', 'constants', 'version']) {
    assert.ok(name in api, `missing export ${name}`);
  }
  assert.equal(typeof MemoryFileSystem, 'function');
  assert.equal(typeof MemoryFileSystem.create, 'function');
  assert.equal(typeof MemoryFileSystem.attach, 'function');
  assert.equal(typeof TextHandle, 'function');
  assert.equal(typeof constants, 'object');
  void DMemFSError; void QuotaExceededError; void NodeLimitExceededError;
});

test("version equals package.json's version", () => {
  assert.equal(typeof version, 'string');
  assert.equal(version, pkg.version);
});

test('FileHandle constructor throws TypeError ERR_ILLEGAL_CONSTRUCTOR', async () => {
  await assertTypeError(() => new FileHandle(), 'ERR_ILLEGAL_CONSTRUCTOR');
  await assertTypeError(() => new FileHandle({}, '/a', 'rb'), 'ERR_ILLEGAL_CONSTRUCTOR');
});

test('attach({}) → TypeError ERR_INVALID_ARG_VALUE (rejects)', async () => {
  const p = MemoryFileSystem.attach({});
  assert.ok(p instanceof Promise);
  await assertTypeError(p, 'ERR_INVALID_ARG_VALUE');
  await assertTypeError(MemoryFileSystem.attach(null));
  await assertTypeError(MemoryFileSystem.attach('descriptor'));
});

forEachBuild('lifecycle', (build) => {
  test('closed getter; close() resolves undefined and is idempotent', async () => {
    const fs = await MemoryFileSystem.create({ build });
    assert.equal(fs.closed, false);
    assert.equal(await fs.close(), undefined);
    assert.equal(fs.closed, true);
    assert.equal(await fs.close(), undefined);
    await Promise.all([fs.close(), fs.close()]);
    assert.equal(fs.closed, true);
  });

  test('concurrent close() calls all resolve', async () => {
    const fs = await MemoryFileSystem.create({ build });
    const r = await Promise.allSettled([fs.close(), fs.close(), fs.close()]);
    assert.ok(r.every((x) => x.status === 'fulfilled'));
  });

  test('[Symbol.asyncDispose]() on a filesystem = close()', async () => {
    const fs = await MemoryFileSystem.create({ build });
    assert.equal(typeof fs[Symbol.asyncDispose], 'function');
    const p = fs[Symbol.asyncDispose]();
    assert.ok(p instanceof Promise);
    await p;
    assert.equal(fs.closed, true);
    await assertDMemFSError(fs.stats(), { code: 'EBADF', syscall: 'stats' });
    await fs[Symbol.asyncDispose]();
  });

  test('[Symbol.asyncDispose]() on a handle = close()', async () => {
    await withFs(build, {}, async (fs) => {
      const h = await fs.open('/a', 'wb');
      assert.equal(typeof h[Symbol.asyncDispose], 'function');
      await h[Symbol.asyncDispose]();
      assert.equal(h.closed, true);
      await h[Symbol.asyncDispose]();
      await (await fs.open('/a', 'wb', { lockTimeout: 0 })).close();
    });
  });

  test('close() destroys: every handle becomes closed, later calls reject with EBADF', async () => {
    const fs = await MemoryFileSystem.create({ build });
    await put(fs, '/a', 'abc');
    const r = await fs.open('/a', 'rb');
    const w = await fs.open('/b', 'wb');
    const t = new TextHandle(r);
    await fs.close();
    assert.equal(r.closed, true);
    assert.equal(w.closed, true);
    assert.equal(r.readable, false);
    assert.equal(w.writable, false);
    assert.equal(w.seekable, false);
    await assertDMemFSError(r.read(), { code: 'EBADF', syscall: 'read', path: '/a' });
    await assertDMemFSError(w.write(bytes('x')), { code: 'EBADF', syscall: 'write', path: '/b' });
    await assertDMemFSError(t.readline(), { code: 'EBADF' });
    assert.equal(await r.close(), undefined);
    assert.equal(await w.close(), undefined);
    await assertDMemFSError(fs.open('/a', 'rb'), { code: 'EBADF', syscall: 'open' });
    await assertDMemFSError(fs.exists('/a'), { code: 'EBADF', syscall: 'exists' });
  });

  // Calls take effect in call order (§2.1): an open() made before close() opened the file,
  // so it resolves to a handle that the close() then closed; an open() still waiting for a
  // lock when the filesystem closes rejects with EBADF and leaves no handle behind.
  test('open() before close(): resolves to a closed handle; one waiting for a lock → EBADF', async () => {
    const fs = await MemoryFileSystem.create({ build });
    await put(fs, '/a', 'abc');
    const opening = fs.open('/a', 'rb');
    const closing = fs.close();
    const h = await opening;
    await closing;
    assert.ok(h instanceof FileHandle);
    assert.equal(h.closed, true);
    await assertDMemFSError(h.read(), { code: 'EBADF', syscall: 'read', path: '/a' });

    const fs2 = await MemoryFileSystem.create({ build });
    await put(fs2, '/b', 'xyz');
    const w = await fs2.open('/b', 'wb');
    const waiting = fs2.open('/b', 'rb', { lockTimeout: 5000 });
    await new Promise((r) => setTimeout(r, 30));
    await fs2.close();
    await assertDMemFSError(waiting, { code: 'EBADF', syscall: 'open', path: '/b' });
    assert.equal(w.closed, true);
  });

  test('closing one filesystem does not affect another', async () => {
    const a = await MemoryFileSystem.create({ build });
    const b = await MemoryFileSystem.create({ build });
    try {
      await put(a, '/x', 'A');
      await put(b, '/x', 'B');
      const hb = await b.open('/x', 'rb');
      await a.close();
      assert.equal(text(await hb.read()), 'B');
      await hb.close();
      assert.equal(await get(b, '/x'), 'B');
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('many create/close cycles work (memory is freed, ids do not clash)', async () => {
    for (let i = 0; i < 40; i++) {
      const fs = await MemoryFileSystem.create({ build, maxQuota: 1 << 20 });
      await put(fs, '/f', new Uint8Array(100000).fill(i));
      assert.equal((await fs.readFile('/f'))[99999], i);
      await fs.close();
    }
  });

  test('a dropped, unclosed handle keeps its lock until the filesystem is closed', async () => {
    await withFs(build, {}, async (fs) => {
      await (async () => { await fs.open('/held', 'wb'); })(); // reference dropped
      if (typeof globalThis.gc === 'function') globalThis.gc();
      await new Promise((r) => setTimeout(r, 20));
      await assertDMemFSError(fs.open('/held', 'rb', { lockTimeout: 0 }), { code: 'EAGAIN' });
      await assertDMemFSError(fs.remove('/held'), { code: 'EBUSY' });
    });
  });

  test('getters are getters: closed, and FileHandle path/mode are read-only', async () => {
    await withFs(build, {}, async (fs) => {
      const h = await fs.open('/a', 'wb');
      assert.ok(h instanceof FileHandle);
      try { h.path = '/zzz'; } catch { /* strict-mode setter absence may throw */ }
      assert.equal(h.path, '/a');
      await h.close();
    });
  });

  if (build === 'single') {
    test("share() on 'single' throws ENOTSUP synchronously", async () => {
      await withFs(build, {}, async (fs) => {
        let err;
        try { fs.share(); } catch (e) { err = e; }
        assert.ok(err, 'share() must throw');
        await assertDMemFSError(Promise.reject(err), { code: 'ENOTSUP', syscall: 'share' });
      });
    });
  }

  test('share() on a closed instance throws EBADF synchronously', async () => {
    const fs = await MemoryFileSystem.create({ build });
    await fs.close();
    let err;
    try { fs.share(); } catch (e) { err = e; }
    assert.ok(err, 'share() must throw');
    await assertDMemFSError(Promise.reject(err), { code: 'EBADF', syscall: 'share' });
  });

  if (build === 'threads') {
    test('share() → structured-cloneable descriptor; a worker attaches and sees the same filesystem', async () => {
      await withFs(build, { maxQuota: 4096 }, async (fs) => {
        await put(fs, '/from-main', 'hello');
        const desc = fs.share();
        const src = `
          const { parentPort, workerData } = require('node:worker_threads');
          (async () => {
            const { MemoryFileSystem } = await import(workerData.url);
            const w = await MemoryFileSystem.attach(workerData.desc);
            const got = new TextDecoder().decode(await w.readFile('/from-main'));
            await w.writeFile('/from-worker', new TextEncoder().encode('hi ' + got));
            const s = await w.stats();
            await w.close();
            parentPort.postMessage({ got, used: s.usedBytes, quota: s.quotaBytes });
          })().catch((e) => parentPort.postMessage({ error: String(e && e.stack || e) }));`;
        const worker = new Worker(src, { eval: true, workerData: { url: INDEX_URL, desc } });
        const msg = await new Promise((resolve, reject) => {
          worker.once('message', resolve);
          worker.once('error', reject);
        });
        await worker.terminate();
        assert.equal(msg.error, undefined, msg.error);
        assert.equal(msg.got, 'hello');
        assert.equal(msg.quota, 4096);
        assert.equal(await get(fs, '/from-worker'), 'hi hello');
        assert.equal((await fs.stats()).usedBytes, 5 + 128 + 8 + 128);
        assert.equal(fs.closed, false); // the attached instance's close only detached
      });
    });

    test('attach after the filesystem is destroyed → EBADF', async () => {
      const fs = await MemoryFileSystem.create({ build });
      const desc = fs.share();
      await fs.close();
      const src = `
        const { parentPort, workerData } = require('node:worker_threads');
        (async () => {
          const { MemoryFileSystem } = await import(workerData.url);
          try { await MemoryFileSystem.attach(workerData.desc); parentPort.postMessage({ ok: true }); }
          catch (e) { parentPort.postMessage({ code: e.code, name: e.name }); }
        })();`;
      const worker = new Worker(src, { eval: true, workerData: { url: INDEX_URL, desc } });
      const msg = await new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
      await worker.terminate();
      assert.equal(msg.code, 'EBADF');
    });
  }

  test('the build option is honoured for both builds listed in DMEMFS_TEST_BUILDS', async () => {
    assert.ok(BUILDS.includes(build));
    const fs = await MemoryFileSystem.create({ build });
    try {
      if (build === 'single') assert.throws(() => fs.share());
      else assert.doesNotThrow(() => fs.share());
    } finally { await fs.close(); }
  });

  test('constants are shared by both builds (taken from the core table)', async () => {
    await withFs(build, {}, async (fs) => {
      const e = await fs.open('/missing', 'rb').catch((x) => x);
      assert.equal(e.errno, constants.ENOENT);
      assert.equal(e.errno, -2);
    });
  });

  test('handle getters after the filesystem is closed', async () => {
    const fs = await MemoryFileSystem.create({ build });
    const h = await fs.open('/a', 'r+b').catch(() => fs.open('/a', 'wb'));
    await fs.close();
    assert.equal(h.closed, true);
    assert.equal(h.path, '/a');
    assert.equal(h.mode, 'wb');
    assert.equal(h.readable, false);
    assert.equal(h.writable, false);
    assert.equal(h.seekable, false);
  });

  test('several filesystems created concurrently are independent', async () => {
    const all = await Promise.all(Array.from({ length: 5 }, (_, i) => MemoryFileSystem.create({ build, maxQuota: 1000 + i })));
    try {
      for (let i = 0; i < all.length; i++) await put(all[i], '/f', String(i));
      for (let i = 0; i < all.length; i++) {
        assert.equal(await get(all[i], '/f'), String(i));
        assert.equal((await all[i].stats()).quotaBytes, 1000 + i);
      }
    } finally {
      for (const fs of all) await fs.close();
    }
  });

  test('outputs never alias filesystem memory after close', async () => {
    const fs = await MemoryFileSystem.create({ build });
    await put(fs, '/a', 'keep');
    const d = await fs.readFile('/a');
    await fs.close();
    assert.equal(text(d), 'keep');
  });
});
