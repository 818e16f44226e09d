// FileHandle.readableWebStream / writableWebStream over both wasm builds.
// Quota numbers follow SPEC §6.2 (sequential write at end: n + ov, ov 128).
import { test } from 'node:test';
import {
  assert, forEachBuild, withFs, assertDMemFSError, assertTypeError, assertRangeError,
  put, bytes, text, filled, used, QuotaExceededError, DMemFSError,
} from './_helpers.mjs';

const OV = 128;

/** Deterministic, non-periodic-at-chunk-boundaries content. */
function pattern(n, salt = 0) {
  const u8 = new Uint8Array(n);
  for (let i = 0; i < n; i++) u8[i] = (i * 31 + (i >>> 8) * 7 + salt) & 255;
  return u8;
}

function concat(chunks) {
  const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let o = 0;
  for (const c of chunks) { out.set(c, o); o += c.length; }
  return out;
}

/** A WritableStream that records every chunk it receives. */
function collector() {
  const chunks = [];
  const stream = new WritableStream({ write(c) { chunks.push(c); } });
  return { chunks, stream };
}

/** A plain ReadableStream of the given chunks; records a cancel reason. */
function source(chunks) {
  const state = { cancelled: false, reason: undefined, pulled: 0 };
  let i = 0;
  const stream = new ReadableStream({
    pull(c) {
      if (i < chunks.length) { state.pulled++; c.enqueue(chunks[i++]); } else c.close();
    },
    cancel(r) { state.cancelled = true; state.reason = r; },
  }, { highWaterMark: 0 });
  return { stream, state };
}

async function readAll(readable) {
  const chunks = [];
  for await (const c of readable) chunks.push(c);
  return chunks;
}

async function rejection(p) {
  try { await p; } catch (e) { return e; }
  assert.fail('expected a rejection');
}

forEachBuild('streams', (build) => {
  test('pipeTo copies one dmemfs file to another; handles stay open', async () => {
    await withFs(build, {}, async (fs) => {
      const data = pattern(200_000);
      await put(fs, '/src', data);
      const src = await fs.open('/src', 'rb');
      const dst = await fs.open('/dst', 'wb');
      await src.readableWebStream().pipeTo(dst.writableWebStream());
      assert.equal(src.closed, false);
      assert.equal(dst.closed, false);
      assert.equal(await src.tell(), data.length);
      assert.equal(await dst.tell(), data.length);
      assert.equal((await src.read()).length, 0);
      await dst.write(bytes('!')); // still usable after the stream closed
      await src.close();
      await dst.close();
      const got = await fs.readFile('/dst');
      assert.deepEqual(got.subarray(0, data.length), data);
      assert.equal(text(got.subarray(data.length)), '!');
    });
  });

  test('pipeTo with chunkSize: one sequential chunk per streamed chunk, ledger exact', async () => {
    await withFs(build, {}, async (fs) => {
      const data = pattern(10_000, 3);
      await put(fs, '/src', data);
      const before = await used(fs); // 10000 + ov
      const src = await fs.open('/src', 'rb');
      const dst = await fs.open('/dst', 'wb');
      await src.readableWebStream({ chunkSize: 3000 }).pipeTo(dst.writableWebStream());
      await src.close();
      await dst.close();
      assert.deepEqual(await fs.readFile('/dst'), data);
      // 4 writes at end (3000, 3000, 3000, 1000) → 4 chunks, 10000 + 4 ov.
      assert.equal(await used(fs), before + 10_000 + 4 * OV);
      assert.equal((await fs.stats()).chunkCount, 1 + 4);
    });
  });

  test('readable starts at the cursor', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'hello, world');
      const h = await fs.open('/f', 'rb');
      await h.seek(7);
      assert.equal(text(concat(await readAll(h.readableWebStream()))), 'world');
      await h.close();
    });
  });

  test('plain ReadableStream → dmemfs (wb, ab, r+b)', async () => {
    await withFs(build, {}, async (fs) => {
      const parts = ['alpha-', 'beta-', '', 'gamma'].map(bytes);
      let h = await fs.open('/w', 'wb');
      const { stream, state } = source(parts);
      await stream.pipeTo(h.writableWebStream());
      assert.equal(state.pulled, 4);
      assert.equal(state.cancelled, false);
      assert.equal(await h.tell(), 16);
      await h.close();
      assert.equal(text(await fs.readFile('/w')), 'alpha-beta-gamma');

      h = await fs.open('/w', 'ab');
      await source([bytes('+tail')]).stream.pipeTo(h.writableWebStream());
      await h.close();
      assert.equal(text(await fs.readFile('/w')), 'alpha-beta-gamma+tail');

      h = await fs.open('/w', 'r+b');
      await h.seek(6);
      await source([bytes('BETA')]).stream.pipeTo(h.writableWebStream());
      assert.equal(await h.tell(), 10);
      await h.close();
      assert.equal(text(await fs.readFile('/w')), 'alpha-BETA-gamma+tail');
    });
  });

  test('Buffer chunks (a Uint8Array subclass) are accepted', async () => {
    await withFs(build, {}, async (fs) => {
      const h = await fs.open('/b', 'wb');
      const w = h.writableWebStream().getWriter();
      await w.write(Buffer.from('buf'));
      await w.write(new Uint8Array([0x21]));
      await w.close();
      await h.close();
      assert.equal(text(await fs.readFile('/b')), 'buf!');
    });
  });

  test('dmemfs → collecting WritableStream', async () => {
    await withFs(build, {}, async (fs) => {
      const data = pattern(150_000, 9);
      await put(fs, '/f', data);
      const h = await fs.open('/f', 'rb');
      const { chunks, stream } = collector();
      await h.readableWebStream().pipeTo(stream);
      for (const c of chunks) assert.ok(c instanceof Uint8Array);
      assert.deepEqual(chunks.map((c) => c.length), [65536, 65536, 150_000 - 131072]);
      assert.deepEqual(concat(chunks), data);
      await h.close();
    });
  });

  test('empty file → stream closes with no chunk', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/e', '');
      const h = await fs.open('/e', 'rb');
      assert.deepEqual(await readAll(h.readableWebStream()), []);
      await h.close();
    });
  });

  test('chunkSize respected (3000, 1, larger than the file)', async () => {
    await withFs(build, {}, async (fs) => {
      const data = pattern(10_000, 1);
      await put(fs, '/f', data);
      const h = await fs.open('/f', 'rb');
      let chunks = await readAll(h.readableWebStream({ chunkSize: 3000 }));
      assert.deepEqual(chunks.map((c) => c.length), [3000, 3000, 3000, 1000]);
      assert.deepEqual(concat(chunks), data);

      await h.seek(9995);
      chunks = await readAll(h.readableWebStream({ chunkSize: 1 }));
      assert.deepEqual(chunks.map((c) => c.length), [1, 1, 1, 1, 1]);
      assert.deepEqual(concat(chunks), data.subarray(9995));

      await h.seek(0);
      chunks = await readAll(h.readableWebStream({ chunkSize: 1 << 20 }));
      assert.deepEqual(chunks.map((c) => c.length), [10_000]);
      await h.close();
    });
  });

  test('no read-ahead: cancel leaves the cursor after the chunks read, handle open', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', pattern(1000));
      const h = await fs.open('/f', 'rb');
      const rs = h.readableWebStream({ chunkSize: 100 });
      await new Promise((r) => setTimeout(r, 10));
      assert.equal(await h.tell(), 0, 'nothing read before a reader asks');
      const reader = rs.getReader();
      const first = await reader.read();
      assert.equal(first.value.length, 100);
      assert.equal(await h.tell(), 100);
      await reader.cancel('stop');
      assert.equal(h.closed, false);
      assert.equal(await h.tell(), 100);
      assert.equal((await h.read(5)).length, 5);
      await h.close();
    });
  });

  test('bad chunkSize / options → argument errors, thrown at creation', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'x');
      const h = await fs.open('/f', 'rb');
      for (const cs of [0, -1, 1.5, Number.MAX_SAFE_INTEGER + 1, NaN, Infinity]) {
        await assertRangeError(() => h.readableWebStream({ chunkSize: cs }));
      }
      for (const cs of ['10', null, 10n]) {
        await assertTypeError(() => h.readableWebStream({ chunkSize: cs }), 'ERR_INVALID_ARG_TYPE');
      }
      await assertTypeError(() => h.readableWebStream(null), 'ERR_INVALID_ARG_TYPE');
      await assertTypeError(() => h.readableWebStream(5), 'ERR_INVALID_ARG_TYPE');
      assert.equal(await h.tell(), 0);
      await h.close();
    });
  });

  test('ENOSPC: pipeTo rejects with QuotaExceededError; only accepted chunks stored', async () => {
    // Three 100-byte writes fit (3 × 228 = 684); the fourth asks 228 with 50 free.
    await withFs(build, { maxQuota: 3 * (100 + OV) + 50 }, async (fs) => {
      const parts = [1, 2, 3, 4, 5].map((v) => filled(100, 0x30 + v));
      const h = await fs.open('/q', 'wb');
      const { stream, state } = source(parts);
      const e = await rejection(stream.pipeTo(h.writableWebStream()));
      assert.ok(e instanceof QuotaExceededError, `got ${e && e.constructor.name}: ${e && e.message}`);
      assert.ok(e instanceof DMemFSError);
      assert.equal(e.code, 'ENOSPC');
      assert.equal(e.requested, 100 + OV);
      assert.equal(e.available, 50);
      assert.equal(e.syscall, 'write');
      assert.equal(e.path, '/q');
      assert.equal(state.cancelled, true, 'source cancelled by pipeTo');
      assert.equal(state.reason, e);
      assert.ok(state.pulled <= 5);
      assert.equal(h.closed, false);
      assert.equal(await h.tell(), 300);
      await h.close();
      assert.deepEqual(await fs.readFile('/q'), concat(parts.slice(0, 3)));
      assert.equal(await used(fs), 3 * (100 + OV));
    });
  });

  test('ENOSPC between two dmemfs files; writer errored afterwards', async () => {
    await withFs(build, { maxQuota: 20_000 + OV + 2 * (4000 + OV) + 10 }, async (fs) => {
      const data = pattern(20_000, 5);
      await put(fs, '/src', data);
      const src = await fs.open('/src', 'rb');
      const dst = await fs.open('/dst', 'wb');
      const ws = dst.writableWebStream();
      await assertDMemFSError(src.readableWebStream({ chunkSize: 4000 }).pipeTo(ws),
        { code: 'ENOSPC', requested: 4000 + OV, available: 10, syscall: 'write', path: '/dst' });
      const e2 = await rejection(ws.getWriter().write(filled(1)));
      assert.equal(e2.code, 'ENOSPC', 'the errored stream keeps its error');
      assert.equal(dst.closed, false);
      assert.equal(await dst.tell(), 8000);
      await src.close();
      await dst.close();
      assert.deepEqual(await fs.readFile('/dst'), data.subarray(0, 8000));
    });
  });

  test('closed handle: creating either stream → EBADF', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'abc');
      const h = await fs.open('/f', 'r+b');
      await h.close();
      await assertDMemFSError(() => h.readableWebStream(),
        { code: 'EBADF', syscall: 'read', path: '/f', messageIncludes: 'handle is closed' });
      await assertDMemFSError(() => h.writableWebStream(),
        { code: 'EBADF', syscall: 'write', path: '/f', messageIncludes: 'handle is closed' });
    });
  });

  test('handle closed after creation: read / write / close of the stream → EBADF', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'abc');
      const h = await fs.open('/f', 'r+b');
      const rs = h.readableWebStream();
      const ws = h.writableWebStream();
      const ws2 = h.writableWebStream();
      await h.close();
      await assertDMemFSError(rs.getReader().read(), { code: 'EBADF', syscall: 'read', path: '/f' });
      await assertDMemFSError(ws.getWriter().write(bytes('x')), { code: 'EBADF', syscall: 'write', path: '/f' });
      await assertDMemFSError(ws2.getWriter().close(), { code: 'EBADF', syscall: 'flush', path: '/f' });
      assert.equal(text(await fs.readFile('/f')), 'abc');
    });
  });

  test('filesystem closed → the handle\'s streams error EBADF', async () => {
    const { MemoryFileSystem } = await import('./_helpers.mjs');
    const fs = await MemoryFileSystem.create({ build });
    await put(fs, '/f', 'abc');
    const h = await fs.open('/f', 'rb');
    const rs = h.readableWebStream();
    await fs.close();
    await assertDMemFSError(rs.getReader().read(), { code: 'EBADF', syscall: 'read' });
    await assertDMemFSError(() => h.readableWebStream(), { code: 'EBADF', syscall: 'read' });
  });

  test('mode rules: readable on wb/ab/xb and writable on rb → EBADF when used', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'abc');
      for (const [path, m] of [['/f', 'wb'], ['/f', 'ab'], ['/x', 'xb']]) {
        const h = await fs.open(path, m);
        const e = await assertDMemFSError(h.readableWebStream().getReader().read(),
          { code: 'EBADF', syscall: 'read', path });
        assert.match(e.message, /not open for reading/);
        await h.close();
      }
      await put(fs, '/f', 'abc');
      const h = await fs.open('/f', 'rb');
      const { stream, state } = source([bytes('zzz')]);
      const e = await assertDMemFSError(stream.pipeTo(h.writableWebStream()),
        { code: 'EBADF', syscall: 'write', path: '/f' });
      assert.match(e.message, /not open for writing/);
      assert.equal(state.cancelled, true);
      await h.close();
      assert.equal(text(await fs.readFile('/f')), 'abc');
    });
  });

  test('wrong chunk type → TypeError errors the stream; nothing written', async () => {
    await withFs(build, {}, async (fs) => {
      for (const bad of ['text', new ArrayBuffer(4), new Int8Array(4), new DataView(new ArrayBuffer(2)), [1, 2], 7, null]) {
        const h = await fs.open('/t', 'wb');
        const ws = h.writableWebStream();
        const w = ws.getWriter();
        await w.write(bytes('ok'));
        const e = await assertTypeError(w.write(bad), 'ERR_INVALID_ARG_TYPE');
        assert.match(e.message, /"chunk" argument must be an instance of Uint8Array/);
        // The stream is errored with that TypeError from now on.
        assert.equal(await rejection(w.write(bytes('more'))), e);
        assert.equal(await rejection(w.closed), e);
        assert.equal(h.closed, false);
        await h.close();
        assert.equal(text(await fs.readFile('/t')), 'ok', `after ${Object.prototype.toString.call(bad)}`);
      }
      // Through pipeTo from a stream of strings.
      const h = await fs.open('/t', 'wb');
      const { stream, state } = source([bytes('a'), 'b', bytes('c')]);
      await assertTypeError(stream.pipeTo(h.writableWebStream()), 'ERR_INVALID_ARG_TYPE');
      assert.equal(state.cancelled, true);
      await h.close();
      assert.equal(text(await fs.readFile('/t')), 'a');
    });
  });

  test('stream writes keep order with direct handle calls (queued)', async () => {
    await withFs(build, {}, async (fs) => {
      const h = await fs.open('/o', 'wb');
      const w = h.writableWebStream().getWriter();
      const p1 = w.write(bytes('one-'));
      const p2 = h.write(bytes('two-'));
      const p3 = w.write(bytes('three'));
      await Promise.all([p1, p2, p3, w.close()]);
      await h.close();
      const s = text(await fs.readFile('/o'));
      // The writable sink runs one chunk at a time; the direct write lands between them or first.
      assert.ok(['one-two-three', 'two-one-three'].includes(s), s);
    });
  });
});
