// SPEC §8.2 (timeouts), §8.3 (busy files, conflict matrix), §8.4 (no blocking in JS).
import { test } from 'node:test';
import {
  assert, forEachBuild, withFs, assertDMemFSError, assertUnchanged, put, get, bytes, text,
  sleep, stateAfter, MemoryFileSystem,
} from './_helpers.mjs';

const EXCLUSIVE = ['wb', 'ab', 'r+b', 'xb'];

/** Opens a holder of `mode` on /f (xb needs a fresh file). */
async function hold(fs, mode) {
  if (mode === 'xb') {
    await fs.remove('/f');
    return fs.open('/f', 'xb');
  }
  return fs.open('/f', mode);
}

forEachBuild('locks', (build) => {
  // ── §8.3 conflict matrix with lockTimeout 0 ──
  test('matrix: rb held → rb granted at once', async () => {
    await withFs(build, { defaultLockTimeout: 0 }, async (fs) => {
      await put(fs, '/f', 'abc');
      const a = await fs.open('/f', 'rb');
      const b = await fs.open('/f', 'rb', { lockTimeout: 0 });
      assert.equal(text(await b.read()), 'abc');
      await a.close();
      await b.close();
    });
  });

  for (const m of ['wb', 'ab', 'r+b']) {
    test(`matrix: rb held → ${m} waits, then EAGAIN (lockTimeout 0 and 30)`, async () => {
      await withFs(build, {}, async (fs) => {
        await put(fs, '/f', 'abc');
        const a = await fs.open('/f', 'rb');
        await assertUnchanged(fs, async () => {
          await assertDMemFSError(fs.open('/f', m, { lockTimeout: 0 }), { code: 'EAGAIN', syscall: 'open', path: '/f' });
          const t0 = performance.now();
          await assertDMemFSError(fs.open('/f', m, { lockTimeout: 30 }), { code: 'EAGAIN', syscall: 'open', path: '/f' });
          assert.ok(performance.now() - t0 >= 25);
        });
        await a.close();
      });
    });
  }

  test('matrix: rb held → xb EEXIST at once', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'abc');
      const a = await fs.open('/f', 'rb');
      const t0 = performance.now();
      await assertDMemFSError(fs.open('/f', 'xb', { lockTimeout: 10000 }), { code: 'EEXIST', syscall: 'open', path: '/f' });
      assert.ok(performance.now() - t0 < 5000);
      await a.close();
    });
  });

  for (const held of EXCLUSIVE) {
    test(`matrix: ${held} held → rb, wb, ab, r+b EAGAIN; xb EEXIST at once`, async () => {
      await withFs(build, {}, async (fs) => {
        await put(fs, '/f', 'abc');
        const h = await hold(fs, held);
        for (const m of ['rb', 'wb', 'ab', 'r+b']) {
          await assertDMemFSError(fs.open('/f', m, { lockTimeout: 0 }), { code: 'EAGAIN', syscall: 'open', path: '/f' });
          await assertDMemFSError(fs.open('/f', m, { lockTimeout: 15 }), { code: 'EAGAIN' });
        }
        await assertDMemFSError(fs.open('/f', 'xb', { lockTimeout: 10000 }), { code: 'EEXIST' });
        await h.close();
        await (await fs.open('/f', 'r+b', { lockTimeout: 0 })).close();
      });
    });
  }

  test('internal reads act like rb: copy, readFile, exports beside rb; EAGAIN beside a writer', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'abc');
      const r = await fs.open('/f', 'rb');
      await fs.copy('/f', '/c1', { lockTimeout: 0 });
      assert.equal(text(await fs.readFile('/f', { lockTimeout: 0 })), 'abc');
      assert.equal((await fs.exportTree({ lockTimeout: 0 })).size, 2);
      await fs.mkdir('/d');
      await fs.copyTree('/d', '/d2', { lockTimeout: 0 });
      await r.close();
      const w = await fs.open('/f', 'ab');
      await assertDMemFSError(fs.copy('/f', '/c2', { lockTimeout: 0 }), { code: 'EAGAIN', syscall: 'copy', path: '/f', dest: '/c2' });
      await assertDMemFSError(fs.readFile('/f', { lockTimeout: 0 }), { code: 'EAGAIN', syscall: 'readFile' });
      await assertDMemFSError(fs.exportTree({ lockTimeout: 0 }), { code: 'EAGAIN', syscall: 'exportTree' });
      const it = fs.iterExportTree({ lockTimeout: 0 });
      await assertDMemFSError((async () => { for await (const x of it) void x; })(), { code: 'EAGAIN', syscall: 'iterExportTree' });
      assert.equal(await fs.exists('/c2'), false);
      await w.close();
    });
  });

  test('not re-entrant: own write handle, then readFile on the same file → waits out its timeout, EAGAIN', async () => {
    await withFs(build, {}, async (fs) => {
      const w = await fs.open('/f', 'wb');
      await w.write(bytes('x'));
      const t0 = performance.now();
      await assertDMemFSError(fs.readFile('/f', { lockTimeout: 40 }), { code: 'EAGAIN' });
      assert.ok(performance.now() - t0 >= 35);
      await w.close();
      assert.equal(await get(fs, '/f'), 'x');
    });
  });

  test('not fair: a new reader enters while a writer waits', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'abc');
      const r1 = await fs.open('/f', 'rb');
      const pw = fs.open('/f', 'wb', { lockTimeout: 2000 });
      await sleep(10);
      const r2 = await fs.open('/f', 'rb', { lockTimeout: 0 });
      await r1.close();
      assert.equal(await stateAfter(pw, 20), 'pending');
      await r2.close();
      const w = await pw;
      assert.equal(await fs.getSize('/f'), 0);
      await w.close();
    });
  });

  // ── EBUSY at once ──
  test('EBUSY at once for remove / rename / move / rmtree / importTree of an open file (any mode)', async () => {
    await withFs(build, { defaultLockTimeout: 10000 }, async (fs) => {
      await fs.mkdir('/d');
      await put(fs, '/d/f', 'abc');
      for (const m of ['rb', 'wb', 'ab', 'r+b']) {
        const h = await fs.open('/d/f', m);
        const t0 = performance.now();
        await assertUnchanged(fs, async () => {
          await assertDMemFSError(fs.remove('/d/f'), { code: 'EBUSY', syscall: 'remove', path: '/d/f' });
          await assertDMemFSError(fs.rename('/d/f', '/g'), { code: 'EBUSY', syscall: 'rename', path: '/d/f', dest: '/g' });
          await assertDMemFSError(fs.move('/d/f', '/x/g'), { code: 'EBUSY', syscall: 'move' });
          await assertDMemFSError(fs.rename('/d', '/e'), { code: 'EBUSY', syscall: 'rename' });
          await assertDMemFSError(fs.rmtree('/d'), { code: 'EBUSY', syscall: 'rmtree', path: '/d' });
          await assertDMemFSError(fs.importTree({ '/d/f': bytes('new') }), { code: 'EBUSY', syscall: 'importTree', path: '/d/f' });
        });
        assert.ok(performance.now() - t0 < 5000);
        await h.close();
      }
      await fs.rename('/d/f', '/d/g');
      await fs.importTree({ '/d/g': bytes('new') });
      assert.equal(await get(fs, '/d/g'), 'new');
    });
  });

  test('a file is busy while an operation holds it for reading: EBUSY is never a wait', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'abc');
      const h = await fs.open('/f', 'rb');
      await assertDMemFSError(fs.remove('/f'), { code: 'EBUSY' });
      await h.close();
      await fs.remove('/f');
    });
  });

  // ── §8.2 timeouts ──
  test('uncontended lock is granted at once whatever the timeout', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'x');
      for (const lockTimeout of [0, 1, Infinity]) {
        const h = await fs.open('/f', 'r+b', { lockTimeout });
        await h.close();
      }
    });
  });

  test('explicit lockTimeout undefined means the default, not forever', async () => {
    await withFs(build, { defaultLockTimeout: 40 }, async (fs) => {
      await put(fs, '/f', 'x');
      const h = await fs.open('/f', 'wb');
      const t0 = performance.now();
      await assertDMemFSError(fs.open('/f', 'rb', { lockTimeout: undefined }), { code: 'EAGAIN' });
      await assertDMemFSError(fs.readFile('/f', { lockTimeout: undefined }), { code: 'EAGAIN' });
      const dt = performance.now() - t0;
      assert.ok(dt >= 70 && dt < 5000, `waited ${dt}`);
      await h.close();
    });
  });

  test('positive timeout: the wait ends at about the deadline', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'x');
      const h = await fs.open('/f', 'wb');
      const t0 = performance.now();
      await assertDMemFSError(fs.open('/f', 'rb', { lockTimeout: 120 }), { code: 'EAGAIN' });
      const dt = performance.now() - t0;
      assert.ok(dt >= 110 && dt < 3000, `waited ${dt}`);
      await h.close();
    });
  });

  test('copyTree: all waits of one call share one deadline', async () => {
    await withFs(build, {}, async (fs) => {
      await fs.mkdir('/src');
      await put(fs, '/src/a', 'a');
      await put(fs, '/src/b', 'b');
      const ha = await fs.open('/src/a', 'r+b');
      const hb = await fs.open('/src/b', 'r+b');
      const t0 = performance.now();
      await assertDMemFSError(fs.copyTree('/src', '/dst', { lockTimeout: 100 }), { code: 'EAGAIN', syscall: 'copyTree' });
      const dt = performance.now() - t0;
      assert.ok(dt >= 90 && dt < 190, `one deadline for both files: waited ${dt}`);
      await ha.close();
      await hb.close();
      assert.equal(await fs.exists('/dst'), false);
    });
  });

  test('a waiting open resolves when the holder closes within the timeout; wb then truncates', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'original');
      const r = await fs.open('/f', 'rb');
      const pw = fs.open('/f', 'wb', { lockTimeout: 5000 });
      assert.equal(await stateAfter(pw, 30), 'pending');
      assert.equal(await get(fs, '/f'), 'original');
      await r.close();
      const w = await pw;
      assert.equal(await fs.getSize('/f'), 0);
      await w.close();
    });
  });

  test('readFile, copy and exportTree wait and succeed when the writer closes in time', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'v1');
      const w = await fs.open('/f', 'wb');
      const pr = fs.readFile('/f', { lockTimeout: 5000 });
      const pc = fs.copy('/f', '/c', { lockTimeout: 5000 });
      const pe = fs.exportTree({ lockTimeout: 5000 });
      assert.equal(await stateAfter(pr, 30), 'pending');
      await w.write(bytes('v2'));
      await w.close();
      assert.equal(text(await pr), 'v2');
      await pc;
      assert.equal(await get(fs, '/c'), 'v2');
      assert.equal(text((await pe).get('/f')), 'v2');
    });
  });

  // ── §8.4 ──
  test('two open(p, "wb") started together: one resolves, the other after the first closes', async () => {
    await withFs(build, {}, async (fs) => {
      const p1 = fs.open('/f', 'wb', { lockTimeout: 10000 });
      const p2 = fs.open('/f', 'wb', { lockTimeout: 10000 });
      const tagged = [p1.then((h) => [1, h]), p2.then((h) => [2, h])];
      const [which, first] = await Promise.race(tagged);
      const other = which === 1 ? p2 : p1;
      assert.equal(await stateAfter(other, 50), 'pending');
      await first.write(bytes('first'));
      await first.close();
      const second = await other;
      assert.equal(second.closed, false);
      assert.equal(await fs.getSize('/f'), 0); // second wb truncated
      await second.write(bytes('second'));
      await second.close();
      assert.equal(await get(fs, '/f'), 'second');
    });
  });

  test('two open(p, "wb") together with a short timeout: the other rejects with EAGAIN at its deadline', async () => {
    await withFs(build, {}, async (fs) => {
      const p1 = fs.open('/f', 'wb', { lockTimeout: 60 });
      const p2 = fs.open('/f', 'wb', { lockTimeout: 60 });
      const res = await Promise.allSettled([p1, p2]);
      const ok = res.filter((r) => r.status === 'fulfilled');
      const bad = res.filter((r) => r.status === 'rejected');
      assert.equal(ok.length, 1);
      assert.equal(bad.length, 1);
      await assertDMemFSError(Promise.reject(bad[0].reason), { code: 'EAGAIN', syscall: 'open', path: '/f' });
      await ok[0].value.close();
    });
  });

  test('a waiting call does not block the event loop (setInterval keeps ticking)', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'x');
      const h = await fs.open('/f', 'wb');
      let ticks = 0;
      const iv = setInterval(() => { ticks++; }, 10);
      try {
        const p = fs.open('/f', 'rb', { lockTimeout: 300 });
        await assertDMemFSError(p, { code: 'EAGAIN' });
      } finally {
        clearInterval(iv);
      }
      assert.ok(ticks >= 10, `only ${ticks} ticks during a 300 ms wait`);
      await h.close();
    });
  });

  test('lockTimeout Infinity waits until the holder closes', async () => {
    await withFs(build, { defaultLockTimeout: 0 }, async (fs) => {
      await put(fs, '/f', 'x');
      const h = await fs.open('/f', 'wb');
      const p = fs.open('/f', 'rb', { lockTimeout: Infinity });
      assert.equal(await stateAfter(p, 150), 'pending');
      await h.close();
      const r = await p;
      assert.equal(r.mode, 'rb');
      await r.close();
    });
  });

  test('defaultLockTimeout Infinity: waits forever by default', async () => {
    await withFs(build, { defaultLockTimeout: Infinity }, async (fs) => {
      await put(fs, '/f', 'x');
      const h = await fs.open('/f', 'wb');
      const p = fs.readFile('/f');
      assert.equal(await stateAfter(p, 120), 'pending');
      await h.close();
      assert.equal((await p).length, 0);
    });
  });

  test('close() of the filesystem rejects pending waits with EBADF', async () => {
    const fs = await MemoryFileSystem.create({ build });
    await put(fs, '/f', 'x');
    const h = await fs.open('/f', 'wb');
    const p1 = fs.open('/f', 'rb', { lockTimeout: Infinity });
    const p2 = fs.readFile('/f', { lockTimeout: 60000 });
    const p3 = fs.copy('/f', '/c', { lockTimeout: Infinity });
    await sleep(30);
    await fs.close();
    await assertDMemFSError(p1, { code: 'EBADF' });
    await assertDMemFSError(p2, { code: 'EBADF' });
    await assertDMemFSError(p3, { code: 'EBADF' });
    assert.equal(h.closed, true);
  });

  test('handle I/O and queries proceed while another open waits', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'x');
      await put(fs, '/g', 'y');
      const h = await fs.open('/f', 'wb');
      const p = fs.open('/f', 'rb', { lockTimeout: 2000 });
      await h.write(bytes('abc'));
      assert.equal(await fs.getSize('/f'), 3);
      const g = await fs.open('/g', 'r+b', { lockTimeout: 0 });
      await g.close();
      await fs.mkdir('/m');
      await h.close();
      const r = await p;
      assert.equal(text(await r.read()), 'abc');
      await r.close();
    });
  });

  test('three readers share a file; a writer gets it only after all have closed', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'abc');
      const rs = [await fs.open('/f', 'rb'), await fs.open('/f', 'rb', { lockTimeout: 0 }), await fs.open('/f', 'rb', { lockTimeout: 0 })];
      const pw = fs.open('/f', 'r+b', { lockTimeout: 5000 });
      for (const r of rs) {
        assert.equal(await stateAfter(pw, 15), 'pending');
        await r.close();
      }
      const w = await pw;
      await w.close();
    });
  });

  test('writeFile waits for a reader and then replaces the content', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'old');
      const r = await fs.open('/f', 'rb');
      const p = fs.writeFile('/f', bytes('new'), { lockTimeout: 5000 });
      assert.equal(await stateAfter(p, 30), 'pending');
      assert.equal(text(await r.read()), 'old');
      await r.close();
      await p;
      assert.equal(await get(fs, '/f'), 'new');
    });
  });

  test('a waiting writeFile stores its input as it was when called', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'old');
      const r = await fs.open('/f', 'rb');
      const input = bytes('new');
      const p = fs.writeFile('/f', input, { lockTimeout: 5000 });
      assert.equal(await stateAfter(p, 30), 'pending');
      input.fill(0x7a); // while the call waits
      await r.close();
      await p;
      assert.equal(await get(fs, '/f'), 'new');
    });
  });

  test('exportTree: a later locked file makes the whole call EAGAIN', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/a', 'a');
      await put(fs, '/b', 'b');
      const w = await fs.open('/b', 'r+b');
      await assertDMemFSError(fs.exportTree({ lockTimeout: 20 }), { code: 'EAGAIN', syscall: 'exportTree' });
      const it = fs.iterExportTree({ lockTimeout: 20 });
      const first = await it.next();
      assert.equal(first.value[0], '/a');
      await assertDMemFSError(it.next(), { code: 'EAGAIN', syscall: 'iterExportTree' });
      await w.close();
    });
  });

  test('EBUSY while an open is pending on a held file; the pending open then proceeds', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'abc');
      const r = await fs.open('/f', 'rb');
      const pw = fs.open('/f', 'ab', { lockTimeout: 5000 });
      await assertDMemFSError(fs.remove('/f'), { code: 'EBUSY' });
      await r.close();
      const w = await pw;
      assert.equal(await w.tell(), 3);
      await w.close();
    });
  });

  test('copy acts like rb: a waiting writer does not stop a copy', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'abc');
      const r = await fs.open('/f', 'rb');
      const pw = fs.open('/f', 'wb', { lockTimeout: 5000 });
      await fs.copy('/f', '/c', { lockTimeout: 0 });
      assert.equal(await get(fs, '/c'), 'abc');
      await r.close();
      await (await pw).close();
    });
  });
});
