// Smoke tests of the runtime layer on both wasm builds (node:test).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { MemoryFileSystem, QuotaExceededError, DMemFSError } from '../../js/index.mjs';

const INDEX = new URL('../../js/index.mjs', import.meta.url).href;
const builds = (process.env.DMEMFS_TEST_BUILDS || 'threads,single').split(',');

for (const build of builds) {
  describe(`runtime [${build}]`, () => {
    test('create/open/write/read/stat/close', async () => {
      const fs = await MemoryFileSystem.create({ build, maxQuota: 1000 });
      assert.equal(fs.build, build);
      const h = await fs.open('/a.bin', 'wb');
      assert.equal(await h.write(new Uint8Array([1, 2, 3])), 3);
      await h.close();
      assert.equal(h.closed, true);
      const r = await fs.open('a.bin');
      assert.equal(r.path, '/a.bin');
      assert.deepEqual(Array.from(await r.read()), [1, 2, 3]);
      assert.equal(await r.tell(), 3);
      await r.close();
      const st = await fs.stat('/a.bin');
      assert.equal(st.size, 3);
      assert.equal(st.isDir, false);
      assert.equal((await fs.stats()).usedBytes, 3 + 128);
      await fs.close();
      await assert.rejects(fs.stats(), (e) => e instanceof DMemFSError && e.code === 'EBADF');
    });

    test('quota error carries requested/available', async () => {
      const fs = await MemoryFileSystem.create({ build, maxQuota: 1000 });
      const h = await fs.open('/b', 'wb');
      await assert.rejects(h.write(new Uint8Array(2000)), (e) => e instanceof QuotaExceededError &&
        e.requested === 2128 && e.available === 1000 &&
        e.message === "ENOSPC: no space left on device (quota exceeded: requested 2128 bytes, available 1000), write '/b'");
      await fs.close();
      assert.equal(h.closed, true);
    });

    test('large write and chunked read back (beyond the scratch buffer)', async () => {
      const fs = await MemoryFileSystem.create({ build });
      const data = new Uint8Array(3 << 20);
      for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 255;
      await fs.writeFile('/big', data);
      const h = await fs.open('/big');
      assert.deepEqual(await h.read(), data);
      await h.close();
      assert.deepEqual(await fs.readFile('/big'), data);
      await fs.close();
    });

    test('EAGAIN after the timeout with two handles on one thread; resumes on close', async () => {
      const fs = await MemoryFileSystem.create({ build });
      const w = await fs.open('/f', 'wb');
      const t0 = performance.now();
      await assert.rejects(fs.open('/f', 'rb', { lockTimeout: 60 }), (e) => e.code === 'EAGAIN');
      const dt = performance.now() - t0;
      assert.ok(dt >= 55 && dt < 1000, `waited ${dt} ms`);
      let ticks = 0;
      const iv = setInterval(() => ticks++, 5);
      const p = fs.open('/f', 'rb', { lockTimeout: 5000 });
      setTimeout(() => w.close(), 50);
      const r = await p;
      clearInterval(iv);
      assert.ok(ticks >= 3, `the event loop kept running (${ticks} ticks)`);
      await r.close();
      await fs.close();
    });

    test('a pending wait rejects EBADF when the filesystem is closed', async () => {
      const fs = await MemoryFileSystem.create({ build });
      await fs.open('/f', 'wb');
      const p = fs.open('/f', 'rb', { lockTimeout: Infinity });
      setTimeout(() => fs.close(), 20);
      await assert.rejects(p, (e) => e.code === 'EBADF');
    });

    test('the process exits by itself (no idle workers, no timers left)', async () => {
      const code = `const { MemoryFileSystem } = await import(${JSON.stringify(INDEX)});
        const fs = await MemoryFileSystem.create({ build: '${build}' });
        const h = await fs.open('/x', 'wb'); await h.write(new Uint8Array(10)); await h.close();
        const w = await fs.open('/x', 'wb');
        await fs.open('/x', 'rb', { lockTimeout: 30 }).catch((e) => console.log(e.code));
        console.log('done');`;
      const r = await new Promise((resolve) => execFile(process.execPath, ['--input-type=module', '-e', code],
        { timeout: 20000 }, (err, stdout, stderr) => resolve({ err, stdout, stderr })));
      assert.equal(r.err, null, r.stderr);
      assert.equal(r.stdout, 'EAGAIN\ndone\n');
    });
  });
}
