// SPEC §2.4 (FileHandle), §7.1 (open), §7.2 (handle operations), §7.10 handle rows.
import { test } from 'node:test';
import {
  assert, forEachBuild, withFs, assertDMemFSError, assertTypeError, assertRangeError,
  assertUnchanged, put, get, bytes, text, filled, used, fakeClock, FileHandle, TextHandle, MAX_SAFE,
} from './_helpers.mjs';

const MODES = ['rb', 'wb', 'ab', 'r+b', 'xb'];
const BAD_MODES = ['r', 'w', 'rb+', 'br', 'w+b', 'a+b', 'x+b', 'rt', 'RB', '', 'wb ', 'a'];

forEachBuild('handle', (build) => {
  // ── §7.1 open ──
  for (const m of BAD_MODES) {
    test(`open mode ${JSON.stringify(m)} → EINVAL`, async () => {
      await withFs(build, {}, async (fs) => {
        await put(fs, '/f', 'x');
        await assertUnchanged(fs, async () => {
          await assertDMemFSError(fs.open('/f', m), { code: 'EINVAL', syscall: 'open', path: '/f' });
          await assertDMemFSError(fs.open('/new', m), { code: 'EINVAL', syscall: 'open' });
        });
      });
    });
  }

  // read() takes one call when the result fits the runtime's 256 KiB scratch area and a
  // sized loop when it does not: both sides of the edge, whole and sized reads, cursor after.
  test('read: sizes around the scratch area, exact bytes and cursor either way', async () => {
    await withFs(build, { maxQuota: 64 * 1024 * 1024 }, async (fs) => {
      const K = 1024;
      for (const fileSize of [256 * K - 64, 256 * K - 1, 256 * K, 256 * K + 1, 700 * K + 3]) {
        const data = new Uint8Array(fileSize);
        for (let i = 0; i < fileSize; i++) data[i] = (i * 7 + fileSize) & 255;
        await fs.writeFile('/r', data);
        const h = await fs.open('/r', 'rb');
        for (const [at, size] of [[0, -1], [0, 256 * K - 64], [0, 256 * K], [0, 256 * K + 5], [1, 256 * K], [fileSize - 3, 256 * K + 9], [0, fileSize], [0, 2 * fileSize]]) {
          await h.seek(at);
          const got = await h.read(size);
          const want = data.subarray(at, size < 0 ? fileSize : Math.min(fileSize, at + size));
          assert.equal(got.length, want.length, `file ${fileSize}: read(${size}) at ${at}`);
          assert.ok(Buffer.compare(Buffer.from(got), Buffer.from(want)) === 0, `file ${fileSize}: bytes of read(${size}) at ${at}`);
          assert.equal(await h.tell(), at + want.length);
        }
        assert.equal((await h.read()).length, 0); // at the end
        await h.close();
      }
    });
  });

  // write() from 4096 bytes on stores straight into the file (one copy, dmfsw_write_reserve),
  // below through scratch; read()/readInto() past the scratch area copy straight from the
  // file's storage (dmfsw_read_spans). Both sides of each edge, both storages, appends,
  // positioned writes that promote, and a refused write that changes nothing.
  test('write/read/readInto: zero-copy paths and their edges, both storages', async () => {
    await withFs(build, { maxQuota: 8 * 1024 * 1024 }, async (fs) => {
      const K = 1024;
      const pattern = (n, seed) => { const d = new Uint8Array(n); for (let i = 0; i < n; i++) d[i] = (i * 31 + seed) & 255; return d; };
      const same = (a, b) => a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
      const sizes = [4095, 4096, 4097, 300 * K + 5];
      const h = await fs.open('/z', 'wb');
      let want = new Uint8Array(0);
      for (const [i, n] of sizes.entries()) {
        const d = pattern(n, i);
        assert.equal(await h.write(d), n);
        const w = new Uint8Array(want.length + n); w.set(want); w.set(d, want.length); want = w;
      }
      assert.equal(await h.tell(), want.length);
      await h.close();
      const st = await fs.stats();
      assert.equal(st.chunkCount, sizes.length);
      assert.equal(st.usedBytes, want.length + sizes.length * st.overheadPerChunk);
      assert.ok(same(await fs.readFile('/z'), want));
      const r = await fs.open('/z', 'rb');
      assert.ok(same(await r.read(), want));
      await r.seek(4095);
      const into = new Uint8Array(300 * K + 7);
      assert.equal(await r.readInto(into), 300 * K + 7);
      assert.ok(same(into, want.subarray(4095, 4095 + 300 * K + 7)));
      const tail = new Uint8Array(want.length); // readInto past the end: the count that was there
      await r.seek(9);
      assert.equal(await r.readInto(tail), want.length - 9);
      assert.ok(same(tail.subarray(0, want.length - 9), want.subarray(9)));
      // sized reads longer than scratch: from a middle offset, over the end, at the end
      await r.seek(3);
      const big = await r.read(300 * K);
      assert.ok(same(big, want.subarray(3, 3 + 300 * K)));
      assert.equal(await r.tell(), 3 + 300 * K);
      assert.ok(same(await r.read(1 << 20), want.subarray(3 + 300 * K)));
      assert.equal(await r.tell(), want.length);
      assert.equal((await r.read(1 << 20)).length, 0);
      await r.close();
      // the same reads on a handle not open for reading: EBADF, with or without bytes left
      const wr = await fs.open('/z', 'ab');
      await assertDMemFSError(wr.read(1 << 20), { code: 'EBADF', syscall: 'read', path: '/z' });
      await wr.seek(0);
      await assertDMemFSError(wr.read(1 << 20), { code: 'EBADF', syscall: 'read', path: '/z' });
      assert.equal(await wr.tell(), 0);
      await wr.close();
      // r+b: a big positioned write promotes to random access; then an extending one
      const p = await fs.open('/z', 'r+b');
      await p.seek(100);
      const mid = pattern(5000, 7);
      assert.equal(await p.write(mid), 5000);
      want.set(mid, 100);
      await p.seek(want.length - 10);
      const ext = pattern(6000, 9);
      assert.equal(await p.write(ext), 6000);
      const w2 = new Uint8Array(want.length - 10 + 6000); w2.set(want.subarray(0, want.length - 10)); w2.set(ext, want.length - 10); want = w2;
      await p.seek(0);
      assert.ok(same(await p.read(), want));
      await p.close();
      assert.equal((await fs.stats()).chunkCount, 0);
      assert.ok(same(await fs.readFile('/z'), want));
    });
    // a write over the quota: ENOSPC, and file, cursor and stats unchanged, on both paths
    await withFs(build, { maxQuota: 6000 }, async (fs) => {
      const a = await fs.open('/q', 'ab');
      assert.equal(await a.write(new Uint8Array(4095).fill(1)), 4095); // 4095 + 128 charged
      const before = await fs.stats();
      await assertDMemFSError(a.write(new Uint8Array(4096)), { code: 'ENOSPC', syscall: 'write' });
      assert.equal(await a.write(new Uint8Array(1000).fill(2)), 1000);
      const mid = await fs.stats();
      assert.equal(mid.usedBytes, before.usedBytes + 1000 + mid.overheadPerChunk);
      await assertDMemFSError(a.write(new Uint8Array(1000)), { code: 'ENOSPC', syscall: 'write' });
      assert.deepEqual(await fs.stats(), mid);
      assert.equal(await a.tell(), 5095);
      await a.close();
      const got = await fs.readFile('/q');
      assert.equal(got.length, 5095);
      assert.ok(got.subarray(0, 4095).every((b) => b === 1) && got.subarray(4095).every((b) => b === 2));
    });
  });

  test('open default mode is rb', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'abc');
      const h = await fs.open('/f');
      assert.equal(h.mode, 'rb');
      assert.equal(text(await h.read()), 'abc');
      await h.close();
      await assertDMemFSError(fs.open('/missing'), { code: 'ENOENT', syscall: 'open', path: '/missing' });
    });
  });

  test('mode table: missing file (rb/r+b ENOENT; wb/ab/xb create)', async () => {
    await withFs(build, {}, async (fs) => {
      await assertDMemFSError(fs.open('/m', 'rb'), { code: 'ENOENT', path: '/m' });
      await assertDMemFSError(fs.open('/m', 'r+b'), { code: 'ENOENT', path: '/m' });
      for (const m of ['wb', 'ab', 'xb']) {
        const h = await fs.open(`/${m}`, m);
        assert.equal(await h.tell(), 0);
        await h.close();
        assert.equal(await fs.getSize(`/${m}`), 0);
        assert.equal((await fs.stat(`/${m}`)).generation, 0);
      }
      assert.deepEqual(await fs.listdir('/'), ['wb', 'ab', 'xb']);
    });
  });

  test('mode table: existing file (rb cursor 0; wb truncates; ab cursor = size; r+b cursor 0; xb EEXIST)', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'hello');
      let h = await fs.open('/f', 'rb');
      assert.equal(await h.tell(), 0);
      await h.close();
      h = await fs.open('/f', 'ab');
      assert.equal(await h.tell(), 5);
      await h.close();
      h = await fs.open('/f', 'r+b');
      assert.equal(await h.tell(), 0);
      await h.close();
      await assertDMemFSError(fs.open('/f', 'xb'), { code: 'EEXIST', syscall: 'open', path: '/f' });
      assert.equal(await get(fs, '/f'), 'hello');
      h = await fs.open('/f', 'wb');
      assert.equal(await h.tell(), 0);
      assert.equal(await fs.getSize('/f'), 0);
      await h.close();
    });
  });

  test('a directory as target → EISDIR in every mode, root too', async () => {
    await withFs(build, {}, async (fs) => {
      await fs.mkdir('/d');
      for (const m of MODES) {
        await assertDMemFSError(fs.open('/d', m), { code: 'EISDIR', syscall: 'open', path: '/d' });
        await assertDMemFSError(fs.open('/', m), { code: 'EISDIR', syscall: 'open', path: '/' });
      }
    });
  });

  test('new files go last in their parent; parent missing → ENOENT; file in chain → ENOTDIR', async () => {
    await withFs(build, {}, async (fs) => {
      await fs.mkdir('/d');
      await put(fs, '/d/z', '');
      await put(fs, '/d/a', '');
      assert.deepEqual(await fs.listdir('/d'), ['z', 'a']);
      await assertDMemFSError(fs.open('/nope/f', 'wb'), { code: 'ENOENT' });
      await assertDMemFSError(fs.open('/d/z/f', 'wb'), { code: 'ENOTDIR' });
    });
  });

  test('new file: generation 0, createdAt = modifiedAt = now', async () => {
    const c = fakeClock(7000);
    await withFs(build, { clock: c.fn }, async (fs) => {
      const h = await fs.open('/f', 'xb');
      await h.close();
      assert.deepEqual(await fs.stat('/f'), { size: 0, createdAt: 7000, modifiedAt: 7000, generation: 0, isDir: false });
    });
  });

  test('wb on existing file: usage released, generation +1, modifiedAt = now (even if empty)', async () => {
    const c = fakeClock(1000);
    await withFs(build, { clock: c.fn }, async (fs) => {
      await put(fs, '/f', filled(500));
      assert.equal(await used(fs), 628);
      const g0 = (await fs.stat('/f')).generation;
      c.now = 2000;
      await (await fs.open('/f', 'wb')).close();
      let s = await fs.stat('/f');
      assert.equal(await used(fs), 0);
      assert.equal(s.generation, g0 + 1);
      assert.equal(s.modifiedAt, 2000);
      assert.equal(s.createdAt, 1000);
      c.now = 3000;
      await (await fs.open('/f', 'wb')).close();
      s = await fs.stat('/f');
      assert.equal(s.generation, g0 + 2);
      assert.equal(s.modifiedAt, 3000);
    });
  });

  test('rb/ab/r+b open changes neither generation nor modifiedAt', async () => {
    const c = fakeClock(1000);
    await withFs(build, { clock: c.fn }, async (fs) => {
      await put(fs, '/f', 'ab');
      const before = await fs.stat('/f');
      c.now = 5000;
      for (const m of ['rb', 'ab', 'r+b']) await (await fs.open('/f', m)).close();
      assert.deepEqual(await fs.stat('/f'), before);
    });
  });

  test('preallocate: rb with > 0 → EINVAL; negative → EINVAL; 0 with rb is fine', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'x');
      await assertDMemFSError(fs.open('/f', 'rb', { preallocate: 1 }), { code: 'EINVAL', syscall: 'open' });
      for (const m of MODES) {
        await assertDMemFSError(fs.open('/f', m, { preallocate: -1 }), { code: 'EINVAL', syscall: 'open' });
      }
      await (await fs.open('/f', 'rb', { preallocate: 0 })).close();
    });
  });

  test('preallocate 100 on a new file (§6.6 ex 5): used 228, size 100, cursor 0, generation 1', async () => {
    await withFs(build, {}, async (fs) => {
      const h = await fs.open('/n', 'wb', { preallocate: 100 });
      assert.equal(await h.tell(), 0);
      await h.close();
      assert.equal(await used(fs), 228);
      const s = await fs.stat('/n');
      assert.equal(s.size, 100);
      assert.equal(s.generation, 1);
      assert.deepEqual(Array.from(await fs.readFile('/n')), new Array(100).fill(0));
    });
  });

  test('preallocation grows generation but not modifiedAt', async () => {
    const c = fakeClock(1000);
    await withFs(build, { clock: c.fn }, async (fs) => {
      await put(fs, '/f', 'ab');
      const s0 = await fs.stat('/f');
      c.now = 9000;
      await (await fs.open('/f', 'r+b', { preallocate: 10 })).close();
      const s1 = await fs.stat('/f');
      assert.equal(s1.size, 10);
      assert.equal(s1.generation, s0.generation + 1);
      assert.equal(s1.modifiedAt, s0.modifiedAt);
      // N ≤ size does nothing
      await (await fs.open('/f', 'r+b', { preallocate: 5 })).close();
      assert.deepEqual(await fs.stat('/f'), s1);
    });
  });

  test('ab starts at the size after preallocation: "AB" + preallocate 5 + "CD" → AB\\0\\0\\0CD', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'AB');
      const h = await fs.open('/f', 'ab', { preallocate: 5 });
      assert.equal(await h.tell(), 5);
      await h.write(bytes('CD'));
      await h.close();
      assert.deepEqual(Array.from(await fs.readFile('/f')), [65, 66, 0, 0, 0, 67, 68]);
    });
  });

  test('preallocate failure is all-or-nothing: no file created, none truncated', async () => {
    await withFs(build, { maxQuota: 1000 }, async (fs) => {
      await put(fs, '/f', filled(500)); // 628
      await assertUnchanged(fs, async () => {
        await assertDMemFSError(fs.open('/new', 'wb', { preallocate: 400 }), { code: 'ENOSPC', requested: 528, available: 372, syscall: 'open', path: '/new' });
        await assertDMemFSError(fs.open('/f', 'ab', { preallocate: 1000 }), { code: 'ENOSPC', requested: 628, available: 372 });
      });
      // wb: the check counts the usage the truncation would release: 872 needed, 372 + 628 free.
      const h = await fs.open('/f', 'wb', { preallocate: 872 });
      await h.close();
      assert.equal(await used(fs), 1000);
      await assertUnchanged(fs, async () => {
        await assertDMemFSError(fs.open('/f', 'wb', { preallocate: 873 }), { code: 'ENOSPC', requested: 1001, available: 1000 });
      });
    });
  });

  test('wb truncates only under the lock: rb reader keeps "original data", wb → EAGAIN', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/p', 'original data');
      const r = await fs.open('/p', 'rb');
      await assertDMemFSError(fs.open('/p', 'wb', { lockTimeout: 0 }), { code: 'EAGAIN', syscall: 'open', path: '/p' });
      assert.equal(text(await r.read()), 'original data');
      await r.close();
      assert.equal(await get(fs, '/p'), 'original data');
    });
  });

  // ── §2.4 getters ──
  test('getters per mode, and after close', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/g', 'x');
      const expect = { rb: [true, false], wb: [false, true], ab: [false, true], 'r+b': [true, true] };
      for (const [m, [r, w]] of Object.entries(expect)) {
        const h = await fs.open('//g/', m);
        assert.ok(h instanceof FileHandle);
        assert.equal(h.path, '/g');
        assert.equal(h.mode, m);
        assert.equal(h.closed, false);
        assert.equal(h.readable, r, `${m} readable`);
        assert.equal(h.writable, w, `${m} writable`);
        assert.equal(h.seekable, true);
        await h.close();
        assert.equal(h.closed, true);
        assert.equal(h.readable, false);
        assert.equal(h.writable, false);
        assert.equal(h.seekable, false);
        assert.equal(h.path, '/g');
        assert.equal(h.mode, m);
      }
      const x = await fs.open('/x', 'xb');
      assert.equal(x.readable, false);
      assert.equal(x.writable, true);
      await x.close();
    });
  });

  // ── §7.2 ──
  test('examples on "hello world": read(5), read(6), seek(-5, 2), read()', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/h', 'hello world');
      const h = await fs.open('/h', 'rb');
      assert.equal(text(await h.read(5)), 'hello');
      assert.equal(text(await h.read(6)), ' world');
      assert.equal(await h.seek(-5, 2), 6);
      assert.equal(text(await h.read()), 'world');
      await h.close();
    });
  });

  test('r+b seek(6) + write "Python" → "hello Python"', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/h', 'hello world');
      const h = await fs.open('/h', 'r+b');
      assert.equal(await h.seek(6), 6);
      assert.equal(await h.write(bytes('Python')), 6);
      await h.close();
      assert.equal(await get(fs, '/h'), 'hello Python');
    });
  });

  test('ab on "hello": seek(0) + write " world" → "hello world"', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/h', 'hello');
      const h = await fs.open('/h', 'ab');
      assert.equal(await h.seek(0), 0);
      await h.write(bytes(' world'));
      assert.equal(await h.tell(), 11);
      await h.close();
      assert.equal(await get(fs, '/h'), 'hello world');
    });
  });

  test('"abcdef" r+b: seek(6), truncate(3) → 3, tell 3; seek(2), truncate() → 2, "ab"', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/t', 'abcdef');
      const h = await fs.open('/t', 'r+b');
      await h.seek(6);
      assert.equal(await h.truncate(3), 3);
      assert.equal(await h.tell(), 3);
      await h.seek(2);
      assert.equal(await h.truncate(), 2);
      assert.equal(await h.tell(), 2);
      await h.close();
      assert.equal(await get(fs, '/t'), 'ab');
    });
  });

  test('readInto of 4 on "abcdef" → 4 ("abcd"), then read() "ef"', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/t', 'abcdef');
      const h = await fs.open('/t', 'rb');
      const buf = new Uint8Array(4);
      assert.equal(await h.readInto(buf), 4);
      assert.equal(text(buf), 'abcd');
      assert.equal(text(await h.read()), 'ef');
      const more = new Uint8Array(3).fill(9);
      assert.equal(await h.readInto(more), 0);
      assert.deepEqual(Array.from(more), [9, 9, 9]);
      assert.equal(await h.readInto(new Uint8Array(0)), 0);
      await h.close();
    });
  });

  test('readInto fills only a prefix near end; accepts a Buffer', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/t', 'abc');
      const h = await fs.open('/t', 'r+b');
      const b = Buffer.alloc(8, 0x2e);
      assert.equal(await h.readInto(b), 3);
      assert.equal(b.toString(), 'abc.....');
      assert.equal(await h.tell(), 3);
      await h.close();
    });
  });

  test('seek(100) on 10 bytes → 100, read() empty, tell() 100', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/t', filled(10));
      const h = await fs.open('/t', 'rb');
      assert.equal(await h.seek(100), 100);
      assert.equal((await h.read()).length, 0);
      assert.equal(await h.tell(), 100);
      await h.close();
    });
  });

  test('ten 100-byte writes read back as 1000 bytes', async () => {
    await withFs(build, {}, async (fs) => {
      const h = await fs.open('/t', 'wb');
      for (let i = 0; i < 10; i++) assert.equal(await h.write(filled(100, i)), 100);
      await h.close();
      const d = await fs.readFile('/t');
      assert.equal(d.length, 1000);
      for (let i = 0; i < 10; i++) assert.ok(d.subarray(i * 100, i * 100 + 100).every((v) => v === i));
    });
  });

  test('read(0) → empty; read(-7) → to end; read() default to end; cursor unchanged at end', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/t', 'abcdef');
      const h = await fs.open('/t', 'rb');
      assert.equal((await h.read(0)).length, 0);
      assert.equal(await h.tell(), 0);
      assert.equal(text(await h.read(-7)), 'abcdef');
      assert.equal((await h.read(5)).length, 0);
      assert.equal(await h.tell(), 6);
      await h.seek(1);
      assert.equal(text(await h.read(100)), 'bcdef');
      await h.close();
    });
  });

  test('read returns a fresh Uint8Array over a plain ArrayBuffer', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/t', 'abc');
      const h = await fs.open('/t', 'rb');
      const a = await h.read();
      assert.equal(Object.getPrototypeOf(a), Uint8Array.prototype);
      assert.ok(a.buffer instanceof ArrayBuffer);
      assert.ok(!(a.buffer instanceof SharedArrayBuffer));
      assert.equal(a.byteOffset, 0);
      assert.equal(a.buffer.byteLength, 3);
      a[0] = 0x7a;
      await h.close();
      assert.equal(await get(fs, '/t'), 'abc');
    });
  });

  // Big results are allocated without zero-filling where the engine allows it (Node): every
  // byte must still be the file's. A file of zeros read right after the process dropped many
  // buffers full of 0xAA (memory the allocator hands out again) shows any byte left unwritten.
  test('big read/readFile results: plain, exact, own buffers; never stale bytes', async () => {
    await withFs(build, { maxQuota: 16 * 1024 * 1024 }, async (fs) => {
      const sizes = [256 * 1024 - 1, 256 * 1024, 256 * 1024 + 3, 1024 * 1024, 3 * 1024 * 1024 + 5];
      for (const n of sizes) {
        const h = await fs.open(`/z${n}`, 'wb');
        await h.truncate(n); // zeros
        await h.close();
      }
      const seen = new Set();
      for (let round = 0; round < 3; round++) {
        for (let k = 0; k < 8; k++) new Uint8Array(4 * 1024 * 1024).fill(0xaa); // garbage to reuse
        if (typeof globalThis.gc === 'function') globalThis.gc();
        for (const n of sizes) {
          const h = await fs.open(`/z${n}`, 'rb');
          const whole = await h.read();
          await h.seek(0);
          const sized = await h.read(n + 10);
          await h.close();
          for (const a of [whole, sized, await fs.readFile(`/z${n}`)]) {
            assert.equal(Object.getPrototypeOf(a), Uint8Array.prototype);
            assert.ok(a.buffer instanceof ArrayBuffer && !(a.buffer instanceof SharedArrayBuffer));
            assert.equal(a.byteOffset, 0);
            assert.equal(a.length, n);
            assert.equal(a.buffer.byteLength, n);
            assert.ok(!seen.has(a.buffer), 'every result has its own buffer');
            seen.add(a.buffer);
            assert.equal(a.findIndex((b) => b !== 0), -1, `size ${n}: a byte that is not the file's`);
          }
        }
      }
    });
  });

  for (const m of ['wb', 'ab', 'xb']) {
    test(`read and readInto on ${m} → EBADF`, async () => {
      await withFs(build, {}, async (fs) => {
        const h = await fs.open(`/${m}`, m);
        await assertDMemFSError(h.read(), { code: 'EBADF', syscall: 'read', path: `/${m}` });
        await assertDMemFSError(h.readInto(new Uint8Array(2)), { code: 'EBADF', path: `/${m}` });
        await h.close();
      });
    });
  }

  test('write and truncate on rb → EBADF', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/r', 'abc');
      const h = await fs.open('/r', 'rb');
      await assertDMemFSError(h.write(bytes('x')), { code: 'EBADF', syscall: 'write', path: '/r' });
      await assertDMemFSError(h.truncate(1), { code: 'EBADF', syscall: 'truncate', path: '/r' });
      await assertDMemFSError(h.write(new Uint8Array(0)), { code: 'EBADF', syscall: 'write' });
      await h.close();
      assert.equal(await get(fs, '/r'), 'abc');
    });
  });

  test('write of 0 bytes → 0, nothing changes (not even the cursor in ab)', async () => {
    const c = fakeClock(1000);
    await withFs(build, { clock: c.fn }, async (fs) => {
      await put(fs, '/z', 'abc');
      const before = await fs.stat('/z');
      const u = await used(fs);
      c.now = 2000;
      const h = await fs.open('/z', 'ab');
      await h.seek(1);
      assert.equal(await h.write(new Uint8Array(0)), 0);
      assert.equal(await h.tell(), 1);
      await h.close();
      const h2 = await fs.open('/z', 'r+b');
      await h2.seek(1);
      assert.equal(await h2.write(new Uint8Array(0)), 0); // not at end: no promotion either
      await h2.close();
      assert.deepEqual(await fs.stat('/z'), before);
      assert.equal(await used(fs), u);
      assert.equal((await fs.stats()).chunkCount, 1);
    });
  });

  test('write success: cursor += n, generation +1 per call, modifiedAt = now, resolves n', async () => {
    const c = fakeClock(1000);
    await withFs(build, { clock: c.fn }, async (fs) => {
      const h = await fs.open('/w', 'wb');
      c.now = 1100;
      assert.equal(await h.write(bytes('abc')), 3);
      assert.equal(await h.tell(), 3);
      c.now = 1200;
      assert.equal(await h.write(bytes('de')), 2);
      await h.close();
      const s = await fs.stat('/w');
      assert.equal(s.generation, 2);
      assert.equal(s.modifiedAt, 1200);
      assert.equal(s.createdAt, 1000);
    });
  });

  test('a gap past the end is zero-filled', async () => {
    await withFs(build, {}, async (fs) => {
      const h = await fs.open('/g', 'wb');
      await h.write(bytes('ab'));
      await h.seek(5);
      await h.write(bytes('c'));
      await h.close();
      assert.deepEqual(Array.from(await fs.readFile('/g')), [97, 98, 0, 0, 0, 99]);
    });
  });

  test('write input is copied: mutating after the call has no effect', async () => {
    await withFs(build, {}, async (fs) => {
      const h = await fs.open('/c', 'wb');
      const u8 = bytes('abcd');
      const p = h.write(u8);
      u8.fill(0x7a); // before the promise settles
      assert.equal(await p, 4);
      u8.fill(0x79);
      await h.close();
      assert.equal(await get(fs, '/c'), 'abcd');
    });
  });

  test('a write queued behind a pending text operation stores its input as it was when called', async () => {
    await withFs(build, {}, async (fs) => {
      const h = await fs.open('/q', 'wb');
      const t = new TextHandle(h);
      const first = t.write('12'); // queued on the handle: the next write waits behind it
      const u8 = bytes('abcd');
      const p = h.write(u8);
      u8.fill(0x7a);
      await first;
      assert.equal(await p, 4);
      await h.close();
      assert.equal(await get(fs, '/q'), '12abcd');
    });
  });

  test('write accepts a Buffer and a subarray view (only its bytes)', async () => {
    await withFs(build, {}, async (fs) => {
      const h = await fs.open('/c', 'wb');
      assert.equal(await h.write(Buffer.from('xy')), 2);
      const big = bytes('0123456789');
      assert.equal(await h.write(big.subarray(3, 6)), 3);
      await h.close();
      assert.equal(await get(fs, '/c'), 'xy345');
    });
  });

  test('write ending past MAX_SAFE → EFBIG', async () => {
    await withFs(build, {}, async (fs) => {
      const h = await fs.open('/e', 'wb');
      await h.seek(MAX_SAFE);
      await assertDMemFSError(h.write(bytes('x')), { code: 'EFBIG', syscall: 'write', path: '/e' });
      await h.seek(MAX_SAFE - 1);
      await assertDMemFSError(h.write(bytes('xy')), { code: 'EFBIG' });
      await h.close();
      assert.equal(await fs.getSize('/e'), 0);
    });
  });

  test('seek rules: whence 0/1/2, past end allowed, EINVAL cases', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/s', 'abcdefghij');
      const h = await fs.open('/s', 'rb');
      assert.equal(await h.seek(3), 3);
      assert.equal(await h.seek(2, 1), 5);
      assert.equal(await h.seek(-1, 1), 4);
      assert.equal(await h.seek(0, 2), 10);
      assert.equal(await h.seek(-10, 2), 0);
      assert.equal(await h.seek(50, 0), 50);
      assert.equal(await h.seek(0, 0), 0);
      await assertDMemFSError(h.seek(-1), { code: 'EINVAL', syscall: 'seek', path: '/s' });
      await assertDMemFSError(h.seek(1, 2), { code: 'EINVAL', syscall: 'seek' });
      await assertDMemFSError(h.seek(0, 3), { code: 'EINVAL', syscall: 'seek' });
      await assertDMemFSError(h.seek(0, -1), { code: 'EINVAL', syscall: 'seek' });
      await assertDMemFSError(h.seek(-1, 1), { code: 'EINVAL', syscall: 'seek' });
      await assertDMemFSError(h.seek(-11, 2), { code: 'EINVAL', syscall: 'seek' });
      assert.equal(await h.tell(), 0);
      await h.seek(MAX_SAFE);
      await assertDMemFSError(h.seek(1, 1), { code: 'EINVAL', syscall: 'seek' });
      assert.equal(await h.tell(), MAX_SAFE);
      await assertRangeError(h.seek(2 ** 53));
      await h.close();
    });
  });

  test('truncate: grows zero-filled, shrinks, cursor clamp, EINVAL / EFBIG', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/t', 'abc');
      const h = await fs.open('/t', 'r+b');
      await h.seek(2);
      assert.equal(await h.truncate(6), 6);
      assert.equal(await h.tell(), 2);
      await h.seek(0);
      assert.deepEqual(Array.from(await h.read()), [97, 98, 99, 0, 0, 0]);
      await assertDMemFSError(h.truncate(-1), { code: 'EINVAL', syscall: 'truncate', path: '/t' });
      // 2**53 is not a safe integer: §2.1 makes it a RangeError before the core's EFBIG.
      await assertRangeError(h.truncate(2 ** 53));
      await assertRangeError(h.truncate(1.5));
      await assertTypeError(h.truncate('1'), 'ERR_INVALID_ARG_TYPE');
      assert.equal(await fs.getSize('/t'), 6);
      await h.close();
    });
  });

  test('truncate generation/modifiedAt: same size → no change; new size → +1 and now', async () => {
    const c = fakeClock(1000);
    await withFs(build, { clock: c.fn }, async (fs) => {
      await put(fs, '/t', 'ab'); // generation 1
      c.now = 2000;
      const h = await fs.open('/t', 'r+b');
      assert.equal(await h.truncate(2), 2);
      let s = await fs.stat('/t');
      assert.equal(s.generation, 1);
      assert.equal(s.modifiedAt, 1000);
      assert.equal(await h.truncate(1), 1);
      s = await fs.stat('/t');
      assert.equal(s.generation, 2);
      assert.equal(s.modifiedAt, 2000);
      await h.close();
    });
  });

  test("truncate never promotes (works under 'sequential'); in ab the next write lands at the new end", async () => {
    await withFs(build, { defaultStorage: 'sequential' }, async (fs) => {
      await put(fs, '/t', 'abcdef');
      const h = await fs.open('/t', 'ab');
      assert.equal(await h.truncate(2), 2);
      await h.write(bytes('Z'));
      assert.equal(await h.truncate(5), 5);
      await h.write(bytes('Y'));
      await h.close();
      assert.deepEqual(Array.from(await fs.readFile('/t')), [97, 98, 90, 0, 0, 89]);
    });
  });

  test('flush resolves; writes are visible to readers at once', async () => {
    await withFs(build, {}, async (fs) => {
      const h = await fs.open('/v', 'wb');
      await h.write(bytes('seen'));
      assert.equal(await fs.getSize('/v'), 4);
      assert.equal(await h.flush(), undefined);
      await h.close();
    });
  });

  test('§7.10 sequence: xb 0; empty write 0; 2-byte 1; truncate(2) 1; truncate(1) 2; wb 3; wb 4; ab 4; r+b prealloc 10 → 5; rename 5', async () => {
    await withFs(build, {}, async (fs) => {
      const gen = async (p = '/q') => (await fs.stat(p)).generation;
      let h = await fs.open('/q', 'xb');
      assert.equal(await gen(), 0);
      await h.write(new Uint8Array(0));
      assert.equal(await gen(), 0);
      await h.write(bytes('ab'));
      assert.equal(await gen(), 1);
      await h.truncate(2);
      assert.equal(await gen(), 1);
      await h.truncate(1);
      assert.equal(await gen(), 2);
      await h.close();
      await (await fs.open('/q', 'wb')).close();
      assert.equal(await gen(), 3);
      await (await fs.open('/q', 'wb')).close();
      assert.equal(await gen(), 4);
      await (await fs.open('/q', 'ab')).close();
      assert.equal(await gen(), 4);
      await (await fs.open('/q', 'r+b', { preallocate: 10 })).close();
      assert.equal(await gen(), 5);
      await fs.rename('/q', '/q2');
      assert.equal(await gen('/q2'), 5);
    });
  });

  test('§7.10 clock example: created 1000000, r+b write at 2000000', async () => {
    const c = fakeClock(1000000);
    await withFs(build, { clock: c.fn }, async (fs) => {
      await put(fs, '/f', 'initial');
      c.now = 2000000;
      const h = await fs.open('/f', 'r+b');
      await h.write(bytes('updated'));
      await h.close();
      const s = await fs.stat('/f');
      assert.equal(s.modifiedAt, 2000000);
      assert.equal(s.createdAt, 1000000);
    });
  });

  // ── closed handle ──
  test('every method but close() on a closed handle → EBADF; close is idempotent', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/c', 'abc');
      const h = await fs.open('/c', 'r+b');
      assert.equal(await h.close(), undefined);
      assert.equal(await h.close(), undefined);
      const calls = {
        read: () => h.read(), readInto: () => h.readInto(new Uint8Array(1)),
        write: () => h.write(bytes('x')), seek: () => h.seek(0), tell: () => h.tell(),
        truncate: () => h.truncate(0), flush: () => h.flush(),
      };
      for (const [name, fn] of Object.entries(calls)) {
        await assertDMemFSError(fn(), { code: 'EBADF', syscall: name, path: '/c' });
      }
      await h[Symbol.asyncDispose]();
      assert.equal(await get(fs, '/c'), 'abc');
    });
  });

  test('close releases the lock; asyncDispose = close', async () => {
    await withFs(build, {}, async (fs) => {
      const h = await fs.open('/l', 'wb');
      await h[Symbol.asyncDispose]();
      assert.equal(h.closed, true);
      const h2 = await fs.open('/l', 'wb', { lockTimeout: 0 });
      await h2.close();
    });
  });

  test('calls on one handle run one at a time in call order', async () => {
    await withFs(build, {}, async (fs) => {
      const h = await fs.open('/o', 'wb');
      const ps = [];
      for (let i = 0; i < 20; i++) ps.push(h.write(bytes(String.fromCharCode(65 + i))));
      ps.push(h.seek(0), h.write(bytes('z')), h.tell());
      const res = await Promise.all(ps);
      assert.equal(res[21], 1);
      assert.equal(res[22], 1);
      await h.close();
      assert.equal(await get(fs, '/o'), 'zBCDEFGHIJKLMNOPQRST');
    });
  });

  test('close queued after pending calls lets them finish first', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/o', 'abcdef');
      const h = await fs.open('/o', 'rb');
      const p1 = h.read(2);
      const p2 = h.read(2);
      const pc = h.close();
      const p3 = h.read(1);
      assert.equal(text(await p1), 'ab');
      assert.equal(text(await p2), 'cd');
      await pc;
      await assertDMemFSError(p3, { code: 'EBADF', syscall: 'read' });
    });
  });

  test('seek in any mode (wb, xb)', async () => {
    await withFs(build, {}, async (fs) => {
      const h = await fs.open('/a', 'wb');
      assert.equal(await h.seek(4), 4);
      await h.close();
      const x = await fs.open('/b', 'xb');
      assert.equal(await x.seek(0, 2), 0);
      await x.close();
    });
  });

  test('§10: read(1.5) RangeError, read(null) TypeError, write of non-Uint8Array TypeError', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/b', 'abc');
      const h = await fs.open('/b', 'r+b');
      await assertRangeError(h.read(1.5));
      await assertTypeError(h.read(null), 'ERR_INVALID_ARG_TYPE');
      await assertTypeError(h.write('text'), 'ERR_INVALID_ARG_TYPE');
      await assertTypeError(h.write(new Uint16Array(2)), 'ERR_INVALID_ARG_TYPE');
      await assertTypeError(h.write(new ArrayBuffer(2)), 'ERR_INVALID_ARG_TYPE');
      await assertTypeError(h.write(new DataView(new ArrayBuffer(2))), 'ERR_INVALID_ARG_TYPE');
      await assertTypeError(h.readInto([]), 'ERR_INVALID_ARG_TYPE');
      assert.equal(await h.tell(), 0);
      await h.close();
      assert.equal(await get(fs, '/b'), 'abc');
    });
  });
});
