// The core of the JS API suite (SPEC §2, §4.3, §6.6, §7, §9), registered on a given build so
// api.html (wasm-threads) and noiso.html (wasm-single) run the same tests.
import { test, ok, eq, deepEq, rejects, bytes } from './harness.mjs';

const enc = (s) => new TextEncoder().encode(s);
const dec = (u8) => new TextDecoder().decode(u8);

export function registerCore(api, build) {
  const { MemoryFileSystem, FileHandle, TextHandle, DMemFSError, QuotaExceededError,
    NodeLimitExceededError, constants, version } = api;
  const mk = (o = {}) => MemoryFileSystem.create(build === undefined ? o : { build, ...o });
  const t = (name, fn) => test(`[${build ?? 'default build'}] ${name}`, fn);
  async function withFs(o, fn) {
    const fs = await mk(o);
    try { return await fn(fs); } finally { await fs.close(); }
  }
  async function put(fs, p, s) {
    const h = await fs.open(p, 'wb');
    await h.write(typeof s === 'string' ? enc(s) : s);
    await h.close();
  }

  t('exports, constants and version', async () => {
    eq(typeof version, 'string');
    eq(constants.SEEK_SET, 0); eq(constants.SEEK_CUR, 1); eq(constants.SEEK_END, 2);
    eq(constants.DMFS_ENOSPC ?? constants.ENOSPC, -28);
    ok(Object.getPrototypeOf(QuotaExceededError.prototype) === DMemFSError.prototype);
    ok(Object.getPrototypeOf(NodeLimitExceededError.prototype) === QuotaExceededError.prototype);
    let threw = null; try { new FileHandle(); } catch (e) { threw = e; }
    ok(threw instanceof TypeError, 'new FileHandle() throws TypeError');
    eq(threw.code, 'ERR_ILLEGAL_CONSTRUCTOR');
  });

  t('create defaults and stats of a new filesystem', () => withFs({ maxQuota: 1048576 }, async (fs) => {
    deepEq(await fs.stats(), { usedBytes: 0, quotaBytes: 1048576, freeBytes: 1048576, fileCount: 0, dirCount: 1, chunkCount: 0, overheadPerChunk: 128 });
    eq(fs.closed, false);
    deepEq(await fs.listdir('/'), []);
  }));

  t('create rejects bad options', async () => {
    await rejects(mk({ maxQuota: -1 }), { type: RangeError, code: 'ERR_OUT_OF_RANGE' });
    await rejects(mk({ maxQuota: 'x' }), { type: TypeError, code: 'ERR_INVALID_ARG_TYPE' });
    await rejects(mk({ defaultStorage: 'nope' }), { type: TypeError, code: 'ERR_INVALID_ARG_VALUE' });
    await rejects(mk({ maxNodes: 0 }), { type: NodeLimitExceededError, current: 0, limit: 0 });
    await rejects(MemoryFileSystem.create({ build: 'wat' }), { type: TypeError, code: 'ERR_INVALID_ARG_VALUE' });
  });

  t('write/read/seek/tell on "hello world" (§7.2)', () => withFs({}, async (fs) => {
    await put(fs, '/h.txt', 'hello world');
    const h = await fs.open('/h.txt', 'rb');
    eq(dec(await h.read(5)), 'hello'); eq(dec(await h.read(6)), ' world');
    eq(await h.seek(-5, 2), 6); eq(dec(await h.read()), 'world');
    eq(await h.seek(100), 100); eq((await h.read()).length, 0); eq(await h.tell(), 100);
    eq(h.readable, true); eq(h.writable, false); eq(h.seekable, true); eq(h.mode, 'rb'); eq(h.path, '/h.txt');
    await h.close(); eq(h.closed, true); eq(h.readable, false);
    await h.close();
    await rejects(h.read(), { code: 'EBADF', syscall: 'read' });
  }));

  t('r+b overwrite and ab append (§7.2)', () => withFs({}, async (fs) => {
    await put(fs, '/h.txt', 'hello world');
    let h = await fs.open('/h.txt', 'r+b');
    await h.seek(6); eq(await h.write(enc('Python')), 6); await h.close();
    eq(dec(await fs.readFile('/h.txt')), 'hello Python');
    await put(fs, '/a.txt', 'hello');
    h = await fs.open('/a.txt', 'ab'); await h.seek(0); await h.write(enc(' world')); await h.close();
    eq(dec(await fs.readFile('/a.txt')), 'hello world');
  }));

  t('output is a fresh Uint8Array over a plain ArrayBuffer; inputs are copied', () => withFs({}, async (fs) => {
    const src = bytes(1, 2, 3);
    const h = await fs.open('/c', 'wb'); const p = h.write(src); src[0] = 9; await p; await h.close();
    const r = await fs.readFile('/c');
    ok(r instanceof Uint8Array); ok(r.buffer instanceof ArrayBuffer, 'plain ArrayBuffer');
    deepEq(r, bytes(1, 2, 3));
  }));

  t('write rejects non-Uint8Array with TypeError', () => withFs({}, async (fs) => {
    const h = await fs.open('/c', 'wb');
    await rejects(h.write('str'), { type: TypeError });
    await rejects(h.write(new ArrayBuffer(3)), { type: TypeError });
    await rejects(h.write(new Uint16Array(3)), { type: TypeError });
    await h.close();
  }));

  t('truncate and readInto examples (§7.2)', () => withFs({}, async (fs) => {
    await put(fs, '/t', 'abcdef');
    const h = await fs.open('/t', 'r+b');
    const buf = new Uint8Array(4); eq(await h.readInto(buf), 4); eq(dec(buf), 'abcd'); eq(dec(await h.read()), 'ef');
    await h.seek(6); eq(await h.truncate(3), 3); eq(await h.tell(), 3);
    await h.seek(2); eq(await h.truncate(), 2); await h.close();
    eq(dec(await fs.readFile('/t')), 'ab');
    const w = await fs.open('/t', 'r+b');
    await rejects(w.truncate(-1), { code: 'EINVAL' });
    await rejects(w.seek(0, 3), { code: 'EINVAL' });
    await rejects(w.seek(-1, 0), { code: 'EINVAL' });
    await rejects(w.seek(1, 2), { code: 'EINVAL' });
    await w.close();
  }));

  t('every mode: rb/wb/ab/r+b/xb rules (§7.1)', () => withFs({}, async (fs) => {
    await rejects(fs.open('/none', 'rb'), { code: 'ENOENT', syscall: 'open', path: '/none' });
    await rejects(fs.open('/none', 'r+b'), { code: 'ENOENT' });
    for (const m of ['r', 'w', 'rb+', 'br', 'w+b', 'a+b', 'x+b', 'rt', 'RB', '']) await rejects(fs.open('/x', m), { code: 'EINVAL' });
    let h = await fs.open('/f', 'xb'); await h.write(enc('AB')); await h.close();
    await rejects(fs.open('/f', 'xb'), { code: 'EEXIST' });
    h = await fs.open('/f', 'rb'); await rejects(h.write(enc('x')), { code: 'EBADF' }); await rejects(h.truncate(0), { code: 'EBADF' }); await h.close();
    for (const m of ['wb', 'ab', 'xb']) { h = await fs.open('/m-' + m, m); await rejects(h.read(), { code: 'EBADF' }); await h.close(); }
    h = await fs.open('/f', 'ab', { preallocate: 5 }); await h.write(enc('CD')); await h.close();
    deepEq(await fs.readFile('/f'), bytes(65, 66, 0, 0, 0, 67, 68));
    h = await fs.open('/f', 'wb'); await h.close(); eq(await fs.getSize('/f'), 0);
    await rejects(fs.open('/f', 'rb', { preallocate: 1 }), { code: 'EINVAL' });
    await rejects(fs.open('/f', 'wb', { preallocate: -1 }), { code: 'EINVAL' });
    await fs.mkdir('/d');
    await rejects(fs.open('/d', 'rb'), { code: 'EISDIR' });
    await rejects(fs.open('/', 'xb'), { code: 'EISDIR' });
    await rejects(fs.open('/f/x', 'wb'), { code: 'ENOTDIR' });
    await rejects(fs.open('/nodir/x', 'wb'), { code: 'ENOENT' });
  }));

  t('quota: exact requested/available and message (§4.3, §6.6 ex.1)', async () => {
    await withFs({ maxQuota: 138 }, async (fs) => { const h = await fs.open('/a.bin', 'wb'); await h.write(new Uint8Array(10)); await h.close(); eq((await fs.stats()).usedBytes, 138); });
    await withFs({ maxQuota: 137 }, async (fs) => {
      const h = await fs.open('/a.bin', 'wb');
      const e = await rejects(h.write(new Uint8Array(10)), { type: QuotaExceededError, code: 'ENOSPC', errno: -28, requested: 138, available: 137, syscall: 'write', path: '/a.bin' });
      ok(e instanceof DMemFSError);
      eq(e.message, "ENOSPC: no space left on device (quota exceeded: requested 138 bytes, available 137), write '/a.bin'");
      await h.close();
    });
  });

  t('quota examples 2, 4, 15 (§6.6)', async () => {
    await withFs({ maxQuota: 8 }, async (fs) => {
      const h = await fs.open('/f', 'wb');
      await rejects(h.write(new Uint8Array(10)), { requested: 138, available: 8 }); await h.close();
      eq(await fs.getSize('/f'), 0);
    });
    await withFs({ maxQuota: 10, defaultStorage: 'random_access' }, async (fs) => {
      const h = await fs.open('/f', 'wb'); await h.write(new Uint8Array(10));
      await rejects(h.write(bytes(1)), { requested: 1, available: 0 });
      await h.seek(0); eq(await h.write(new Uint8Array(10).fill(7)), 10); await h.close();
      eq((await fs.stats()).usedBytes, 10);
    });
    await withFs({ maxQuota: 1 << 20 }, async (fs) => {
      const h = await fs.open('/big', 'wb'); await h.write(new Uint8Array(700000));
      await rejects(h.write(new Uint8Array(700000)), { requested: 700128, available: 348448 }); await h.close();
      eq(await fs.getSize('/big'), 700000);
    });
  });

  t('preallocation and wb charges (§6.6 ex.5, 6)', () => withFs({}, async (fs) => {
    let h = await fs.open('/p', 'wb', { preallocate: 100 });
    eq(await h.tell(), 0); await h.close();
    let st = await fs.stat('/p'); eq(st.size, 100); eq(st.generation, 1);
    eq((await fs.stats()).usedBytes, 228);
    await put(fs, '/q', new Uint8Array(500)); eq((await fs.stats()).usedBytes, 228 + 628);
    await put(fs, '/q', 'small'); eq((await fs.stats()).usedBytes, 228 + 133);
  }));

  t('promotion failure rolls back (§6.6 ex.9)', () => withFs({ maxQuota: 330 }, async (fs) => {
    await put(fs, '/f', new Uint8Array(100).fill(1));
    const h = await fs.open('/f', 'r+b'); await h.seek(50);
    await rejects(h.write(new Uint8Array(200)), { requested: 150, available: 130 }); await h.close();
    const s = await fs.stats(); eq(s.usedBytes, 228); eq(s.chunkCount, 1); eq(await fs.getSize('/f'), 100);
  }));

  t('sequential truncate and promotion accounting (§6.2, §6.6 ex.10)', () => withFs({}, async (fs) => {
    const h = await fs.open('/s', 'wb');
    await h.write(new Uint8Array(10)); await h.write(new Uint8Array(10));
    let s = await fs.stats(); eq(s.usedBytes, 276); eq(s.chunkCount, 2);
    await h.truncate(15); s = await fs.stats(); eq(s.usedBytes, 143); eq(s.chunkCount, 1);
    await h.truncate(30); s = await fs.stats(); eq(s.usedBytes, 286); eq(s.chunkCount, 2);
    await h.seek(0); await h.write(bytes(1)); s = await fs.stats(); eq(s.usedBytes, 30); eq(s.chunkCount, 0);
    await h.close();
    const g = await fs.open('/p', 'wb'); await g.write(bytes(1, 2, 3, 4, 5, 6)); eq((await fs.stats()).usedBytes, 30 + 134);
    await g.seek(10); await g.write(bytes(7, 7, 7, 7, 7)); await g.close();
    eq((await fs.stats()).usedBytes, 30 + 15);
    deepEq(await fs.readFile('/p'), bytes(1, 2, 3, 4, 5, 6, 0, 0, 0, 0, 7, 7, 7, 7, 7));
  }));

  t("'sequential' storage: write not at end → ENOTSUP", () => withFs({ defaultStorage: 'sequential' }, async (fs) => {
    const h = await fs.open('/s', 'wb'); await h.write(enc('abc')); await h.seek(0);
    await rejects(h.write(enc('x')), { code: 'ENOTSUP', syscall: 'write', path: '/s' });
    eq(await h.truncate(1), 1); await h.close(); eq(dec(await fs.readFile('/s')), 'a');
  }));

  t('node limit errors (§6.6 ex.20, §4.3 message)', async () => {
    await withFs({ maxNodes: 3 }, async (fs) => {
      await put(fs, '/a.txt', 'a'); await put(fs, '/b.txt', 'b');
      const e = await rejects(fs.open('/c.txt', 'wb'), { type: NodeLimitExceededError, code: 'ENOSPC', current: 3, limit: 3, requested: 1, available: 0 });
      ok(e instanceof QuotaExceededError);
      ok(e.message.includes('(node limit exceeded: current 3, limit 3)'), e.message);
    });
    await withFs({ maxNodes: 3 }, async (fs) => {
      await rejects(fs.mkdir('/x/y/z'), { type: NodeLimitExceededError, current: 1, limit: 3, requested: 3, available: 2 });
      eq(await fs.exists('/x'), false);
    });
  });

  t('mkdir rules (§7.3)', () => withFs({}, async (fs) => {
    await fs.mkdir('/a/b/c'); eq(await fs.isDir('/a/b'), true);
    await rejects(fs.mkdir('/a/b'), { code: 'EEXIST' });
    await fs.mkdir('/a/b', { existOk: true });
    await rejects(fs.mkdir('/'), { code: 'EEXIST' });
    await put(fs, '/a/f', 'x');
    await rejects(fs.mkdir('/a/f', { existOk: true }), { code: 'EEXIST' });
    await rejects(fs.mkdir('/a/f/g'), { code: 'ENOTDIR' });
  }));

  t('rename and move (§7.4)', () => withFs({}, async (fs) => {
    await put(fs, '/a', 'A'); await put(fs, '/b', 'B');
    await rejects(fs.rename('/a', '/b'), { code: 'EEXIST', path: '/a', dest: '/b' });
    await rejects(fs.rename('/a', '/x/y/b'), { code: 'ENOENT' });
    await rejects(fs.rename('/', '/z'), { code: 'EINVAL' });
    await fs.rename('/a', '/c'); deepEq(await fs.listdir('/'), ['b', 'c']);
    await fs.move('/c', '/x/y/c'); eq(dec(await fs.readFile('/x/y/c')), 'A');
    await rejects(fs.move('/x', '/x/q/r'), { code: 'EINVAL' }); eq(await fs.exists('/x/q'), false);
    const h = await fs.open('/b', 'rb');
    await rejects(fs.rename('/b', '/b2'), { code: 'EBUSY' }); await h.close();
    const e = await rejects(fs.rename('/b', '/b'), { code: 'EEXIST', errno: -17, syscall: 'rename', path: '/b', dest: '/b' });
    eq(e.message, "EEXIST: file already exists, rename '/b' -> '/b'");
  }));

  t('remove and rmtree (§7.5)', () => withFs({}, async (fs) => {
    await fs.mkdir('/d/e'); await put(fs, '/d/x', new Uint8Array(1000)); await put(fs, '/d/e/y', 'y');
    eq((await fs.stats()).usedBytes, 1128 + 129);
    await rejects(fs.remove('/d'), { code: 'EISDIR' });
    await rejects(fs.remove('/'), { code: 'EISDIR' });
    await rejects(fs.rmtree('/'), { code: 'EINVAL' });
    await rejects(fs.rmtree('/d/x'), { code: 'ENOTDIR' });
    const h = await fs.open('/d/e/y', 'rb');
    await rejects(fs.rmtree('/d'), { code: 'EBUSY' }); await rejects(fs.remove('/d/e/y'), { code: 'EBUSY' });
    await h.close();
    await fs.remove('/d/x'); eq((await fs.stats()).usedBytes, 129);
    await fs.rmtree('/d'); eq((await fs.stats()).usedBytes, 0); eq(await fs.exists('/d'), false);
    await rejects(fs.remove('/nope'), { code: 'ENOENT' });
  }));

  t('queries: listdir/exists/isDir/isFile/stat/getSize (§7.6)', () => withFs({ clock: () => 1234.7 }, async (fs) => {
    await fs.mkdir('/z'); await put(fs, '/a', 'hello'); await fs.mkdir('/m');
    deepEq(await fs.listdir(''), ['z', 'a', 'm']);
    await rejects(fs.listdir('/a'), { code: 'ENOTDIR' }); await rejects(fs.listdir('/q'), { code: 'ENOENT' });
    eq(await fs.exists('/'), true); eq(await fs.exists(''), true); eq(await fs.isDir(''), true); eq(await fs.isFile('/'), false);
    eq(await fs.exists('/../x'), false); eq(await fs.isFile('/a'), true); eq(await fs.isDir('/a'), false);
    await rejects(fs.exists(5), { type: TypeError });
    const st = await fs.stat('/a'); deepEq(st, { size: 5, createdAt: 1234, modifiedAt: 1234, generation: 1, isDir: false });
    deepEq(await fs.stat('/z'), { size: 0, createdAt: 1234, modifiedAt: 1234, generation: 0, isDir: true });
    eq(await fs.getSize('/a'), 5); await rejects(fs.getSize('/z'), { code: 'EISDIR' });
    await rejects(fs.stat('/a/b'), { code: 'ENOTDIR' });
    await rejects(fs.open('/../x', 'wb'), { code: 'EINVAL', path: '/../x' });
  }));

  t('generation sequence and timestamps (§7.10)', async () => {
    let now = 1000000;
    await withFs({ clock: () => now }, async (fs) => {
      let h = await fs.open('/g', 'xb'); eq((await fs.stat('/g')).generation, 0);
      await h.write(new Uint8Array(0)); eq((await fs.stat('/g')).generation, 0);
      await h.write(bytes(1, 2)); eq((await fs.stat('/g')).generation, 1);
      await h.truncate(2); eq((await fs.stat('/g')).generation, 1);
      await h.truncate(1); eq((await fs.stat('/g')).generation, 2); await h.close();
      h = await fs.open('/g', 'wb'); await h.close(); eq((await fs.stat('/g')).generation, 3);
      h = await fs.open('/g', 'wb'); await h.close(); eq((await fs.stat('/g')).generation, 4);
      h = await fs.open('/g', 'ab'); await h.close(); eq((await fs.stat('/g')).generation, 4);
      h = await fs.open('/g', 'r+b', { preallocate: 10 }); await h.close(); eq((await fs.stat('/g')).generation, 5);
      await fs.rename('/g', '/g2'); eq((await fs.stat('/g2')).generation, 5);
      await put(fs, '/u', 'initial'); now = 2000000;
      h = await fs.open('/u', 'r+b'); await h.write(enc('updated')); await h.close();
      const st = await fs.stat('/u'); eq(st.modifiedAt, 2000000); eq(st.createdAt, 1000000);
      await fs.copy('/u', '/u2'); eq((await fs.stat('/u2')).createdAt, 2000000); eq((await fs.stat('/u2')).generation, 1);
    });
  });

  t('copy and copyTree (§7.7, §6.6 ex.11, 12)', async () => {
    await withFs({}, async (fs) => {
      await put(fs, '/s', 'data');
      await fs.copy('/s', '/c'); eq(dec(await fs.readFile('/c')), 'data');
      await rejects(fs.copy('/s', '/c'), { code: 'EEXIST', dest: '/c' });
      await fs.mkdir('/d'); await rejects(fs.copy('/d', '/e'), { code: 'EISDIR' });
      await rejects(fs.copy('/s', '/no/c'), { code: 'ENOENT' });
      const h = await fs.open('/s', 'rb'); await fs.copy('/s', '/c2'); await h.close();
      await fs.mkdir('/a/b/e'); await put(fs, '/a/x', 'X'); await fs.copyTree('/a', '/a/b/cp');
      deepEq(await fs.listdir('/a/b/cp'), ['b', 'x']); deepEq(await fs.listdir('/a/b/cp/b'), ['e']);
      await rejects(fs.copyTree('/s', '/t'), { code: 'ENOTDIR' });
    });
    await withFs({ maxQuota: 455 }, async (fs) => {
      await fs.mkdir('/src'); await put(fs, '/src/f', new Uint8Array(100));
      await rejects(fs.copyTree('/src', '/dst'), { type: QuotaExceededError, requested: 228, available: 227 });
      eq(await fs.exists('/dst'), false); eq((await fs.stats()).usedBytes, 228);
    });
    await withFs({}, async (fs) => {
      await fs.mkdir('/src'); const h = await fs.open('/src/f', 'wb');
      for (let i = 0; i < 10; i++) await h.write(new Uint8Array(10)); await h.close();
      eq((await fs.stats()).usedBytes, 1380);
      await fs.copyTree('/src', '/cp'); eq((await fs.stats()).usedBytes, 1380 + 228);
      await fs.rmtree('/cp'); eq((await fs.stats()).usedBytes, 1380);
    });
  });

  t('walk (§7.8)', () => withFs({}, async (fs) => {
    await fs.mkdir('/a/b'); await put(fs, '/a/f.bin', 'f'); await put(fs, '/a/b/g.bin', 'g'); await fs.mkdir('/e');
    const out = []; for await (const x of fs.walk('/a')) out.push(x);
    deepEq(out, [['/a', ['b'], ['f.bin']], ['/a/b', [], ['g.bin']]]);
    const e = []; for await (const x of fs.walk('/e')) e.push(x); deepEq(e, [['/e', [], []]]);
    const it = fs.walk('/a/f.bin'); ok(typeof it.next === 'function');
    await rejects(it.next(), { code: 'ENOTDIR' });
    await rejects(fs.walk('/missing').next(), { code: 'ENOENT' });
  }));

  t('glob (§7.8)', () => withFs({}, async (fs) => {
    await fs.mkdir('/dir/sub/deep'); await fs.mkdir('/x/y'); await fs.mkdir('/top/sub');
    for (const p of ['/a.bin', '/b.txt', '/dir/a.txt', '/dir/b.txt', '/dir/c.txt', '/dir/ab.txt', '/dir/sub/b.txt', '/dir/sub/deep/c.txt', '/top.txt', '/x/mid.txt', '/x/y/deep.txt', '/top/a.bin', '/top/sub/b.bin']) await put(fs, p, 'x');
    deepEq(await fs.glob('/*.bin'), ['/a.bin']);
    deepEq(await fs.glob('*.txt'), ['/b.txt', '/top.txt']);
    deepEq(await fs.glob('/dir/?.txt'), ['/dir/a.txt', '/dir/b.txt', '/dir/c.txt']);
    deepEq(await fs.glob('/dir/[ac].txt'), ['/dir/a.txt', '/dir/c.txt']);
    deepEq(await fs.glob('/x/*'), ['/x/mid.txt', '/x/y']);
    deepEq(await fs.glob('/x/'), ['/x']);
    deepEq(await fs.glob('/top/**'), ['/top/a.bin', '/top/sub', '/top/sub/b.bin']);
    deepEq(await fs.glob('/x/**/*.txt'), ['/x/mid.txt', '/x/y/deep.txt']);
    deepEq(await fs.glob('/**/y/*'), ['/x/y/deep.txt']);
    deepEq(await fs.glob('/dir/**/*.txt'), ['/dir/a.txt', '/dir/ab.txt', '/dir/b.txt', '/dir/c.txt', '/dir/sub/b.txt', '/dir/sub/deep/c.txt']);
    deepEq(await fs.glob(''), []); deepEq(await fs.glob('/'), []);
  }));

  t('glob sorts by code point, not UTF-16', () => withFs({}, async (fs) => {
    await put(fs, '/\u{1F600}', 'a'); await put(fs, '/\uFF5E', 'b');
    deepEq(await fs.glob('/*'), ['/\uFF5E', '/\u{1F600}']);
  }));

  t('readFile and writeFile (§9.1, §9.1b)', () => withFs({}, async (fs) => {
    await fs.writeFile('/w', enc('hello')); eq((await fs.stat('/w')).generation, 1);
    eq(dec(await fs.readFile('/w')), 'hello');
    await rejects(fs.readFile('/w', { maxSize: 4 }), { code: 'EFBIG' });
    eq((await fs.readFile('/w', { maxSize: 5 })).length, 5);
    await rejects(fs.readFile('/w', { maxSize: -1 }), { type: RangeError });
    await rejects(fs.writeFile('/w', 'str'), { type: TypeError });
    await rejects(fs.writeFile('/no/w', enc('x')), { code: 'ENOENT' });
    await fs.mkdir('/d'); await rejects(fs.readFile('/d'), { code: 'EISDIR' }); await rejects(fs.writeFile('/d', enc('x')), { code: 'EISDIR' });
    const snap = await fs.readFile('/w'); await fs.writeFile('/w', enc('bye')); eq(dec(snap), 'hello');
    eq((await fs.stat('/w')).generation, 2); eq((await fs.stats()).usedBytes, 131);
  }));

  t('exportTree / importTree round trip (§9.2, §9.3)', () => withFs({}, async (fs) => {
    await fs.importTree({ '/a': enc('1'), 'a': enc('22'), '/x/../a': enc('333'), '/new/path/f.bin': enc('F') });
    eq(dec(await fs.readFile('/a')), '333'); eq(await fs.isDir('/new/path'), true);
    await fs.writeFile('/dirty', enc('d'));
    const all = await fs.exportTree(); deepEq([...all.keys()], ['/a', '/new/path/f.bin', '/dirty']);
    deepEq([...(await fs.exportTree({ onlyDirty: true })).keys()], ['/dirty']);
    deepEq([...(await fs.exportTree({ prefix: '/nonexistent' })).keys()], []);
    deepEq([...(await fs.exportTree({ prefix: '/a' })).keys()], ['/a']);
    const it = []; for await (const [p, d] of fs.iterExportTree({ prefix: '/new' })) it.push([p, dec(d)]);
    deepEq(it, [['/new/path/f.bin', 'F']]);
    await rejects(fs.importTree({ '/new/deep/path/file.bin': enc('x'), '../invalid': enc('y') }), { code: 'EINVAL' });
    eq(await fs.exists('/new/deep'), false);
    await rejects(fs.importTree({ '/new': enc('x') }), { code: 'EISDIR' });
    await rejects(fs.importTree('abc'), { type: TypeError });
    const fs2 = await mk(); try { await fs2.importTree(all); for (const [p, d] of all) deepEq(await fs2.readFile(p), d); } finally { await fs2.close(); }
  }));

  t('importTree quota (§6.6 ex.3, 14)', async () => {
    await withFs({ maxQuota: 137 }, async (fs) => {
      const e = await rejects(fs.importTree({ '/a': new Uint8Array(10) }), { type: QuotaExceededError, requested: 138, available: 137, syscall: 'importTree' });
      eq(e.path, undefined); eq(await fs.exists('/a'), false); eq((await fs.stats()).usedBytes, 0);
    });
    await withFs({ maxQuota: 500 }, async (fs) => {
      await put(fs, '/existing.bin', new Uint8Array(200));
      await rejects(fs.importTree({ '/existing.bin': new Uint8Array(1000) }), { requested: 800, available: 172 });
      eq(await fs.getSize('/existing.bin'), 200);
    });
  });

  t('TextHandle examples (§2.5)', () => withFs({ maxQuota: 1 << 20 }, async (fs) => {
    const rd = async (s, fn) => { await fs.writeFile('/t', enc(s)); const h = await fs.open('/t', 'rb'); try { return await fn(new TextHandle(h)); } finally { await h.close(); } };
    deepEq(await rd('あいうえお', async (t) => [await t.read(2), await t.read(2), await t.read(2), await t.read(2)]), ['あい', 'うえ', 'お', '']);
    deepEq(await rd('あい\nうえ\n', async (t) => [await t.read(1), await t.readline(), await t.readline(), await t.readline()]), ['あ', 'い\n', 'うえ\n', '']);
    deepEq(await rd('line1\nline2\nline3', async (t) => { const o = []; for await (const l of t) o.push(l); return o; }), ['line1\n', 'line2\n', 'line3']);
    deepEq(await rd('line1\r\nline2\r\n', async (t) => [await t.readline(), await t.readline(), await t.readline()]), ['line1\r\n', 'line2\r\n', '']);
    deepEq(await rd('line1\rline2\r', async (t) => [await t.readline(), await t.readline(), await t.readline()]), ['line1\r', 'line2\r', '']);
    deepEq(await rd('😀x', async (t) => [await t.read(1), await t.read(0), await t.read(-1)]), ['😀', '', 'x']);
    const h = await fs.open('/w', 'wb'); const th = new TextHandle(h);
    eq(th.encoding, 'utf-8'); eq(th.errors, 'strict'); ok(th.handle === h);
    eq(await th.write('hello'), 5); eq(await th.write(''), 0);
    await rejects(th.write('\uD800'), { type: TypeError, code: 'ERR_INVALID_ARG_VALUE' });
    await rejects(th.write(5), { type: TypeError }); await h.close();
    eq(dec(await fs.readFile('/w')), 'hello');
    let thrown = null; try { new TextHandle(h, { encoding: 'latin1' }); } catch (e) { thrown = e; }
    ok(thrown instanceof RangeError, 'latin1 → RangeError'); eq(thrown.code, 'ERR_ENCODING_NOT_SUPPORTED');
    await fs.writeFile('/bad', bytes(0x61, 0xff, 0x62));
    const b = await fs.open('/bad', 'rb');
    await rejects(new TextHandle(b).read(), { type: TypeError, code: 'ERR_ENCODING_INVALID_ENCODED_DATA' });
    await b.seek(0); eq(await new TextHandle(b, { errors: 'replace' }).read(), 'a\uFFFDb'); await b.close();
  }));

  t('TextHandle quota: 46 chars into quota 10 → ENOSPC(174, 10)', () => withFs({ maxQuota: 10 }, async (fs) => {
    const h = await fs.open('/t', 'wb');
    await rejects(new TextHandle(h).write('x'.repeat(46)), { type: QuotaExceededError, requested: 174, available: 10 });
    await h.close(); eq(await fs.getSize('/t'), 0);
  }));

  t('lockTimeout 0 → EAGAIN; reader keeps original data (§7.1, §8.3)', () => withFs({}, async (fs) => {
    await put(fs, '/o', 'original data');
    const r = await fs.open('/o', 'rb');
    await rejects(fs.open('/o', 'wb', { lockTimeout: 0 }), { code: 'EAGAIN', syscall: 'open' });
    await rejects(fs.open('/o', 'r+b', { lockTimeout: 0 }), { code: 'EAGAIN' });
    await rejects(fs.open('/o', 'xb'), { code: 'EEXIST' });
    const r2 = await fs.open('/o', 'rb', { lockTimeout: 0 }); await r2.close();
    eq(dec(await r.read()), 'original data'); await r.close();
    const w = await fs.open('/o', 'ab');
    await rejects(fs.open('/o', 'rb', { lockTimeout: 0 }), { code: 'EAGAIN' });
    await rejects(fs.readFile('/o', { lockTimeout: 0 }), { code: 'EAGAIN' });
    await rejects(fs.copy('/o', '/o2', { lockTimeout: 0 }), { code: 'EAGAIN' }); eq(await fs.exists('/o2'), false);
    await rejects(fs.exportTree({ lockTimeout: 0 }), { code: 'EAGAIN' });
    await rejects(fs.open('/o', 'rb', { lockTimeout: -1 }), { type: RangeError });
    eq(await fs.getSize('/o'), 13); deepEq(await fs.listdir('/'), ['o']);
    await rejects(fs.importTree({ '/o': enc('z') }), { code: 'EBUSY' });
    await w.close();
  }));

  t('close(): handles closed, later calls EBADF, idempotent (§2.3)', async () => {
    const fs = await mk(); const h = await fs.open('/f', 'wb');
    await fs.close(); eq(fs.closed, true); eq(h.closed, true);
    await rejects(h.write(bytes(1)), { code: 'EBADF' });
    await rejects(fs.listdir('/'), { code: 'EBADF' }); await rejects(fs.exists('/'), { code: 'EBADF' });
    await fs.close();
  });

  t('two filesystems are independent', async () => {
    const a = await mk({ maxQuota: 1000 }); const b = await mk({ maxQuota: 2000 });
    try {
      await put(a, '/x', 'aaa'); eq(await b.exists('/x'), false);
      eq((await b.stats()).usedBytes, 0); eq((await b.stats()).quotaBytes, 2000);
      const h = await a.open('/x', 'r+b'); await put(b, '/x', 'b'); await h.close();
    } finally { await a.close(); await b.close(); }
  });

  t('waiting open resolves when the holder closes (§8.4)', () => withFs({}, async (fs) => {
    const h1 = await fs.open('/w', 'wb');
    let settled = false;
    const p = fs.open('/w', 'wb', { lockTimeout: 5000 }).then((h) => { settled = true; return h; });
    await new Promise((r) => setTimeout(r, 100)); eq(settled, false, 'second open still waiting');
    await h1.write(enc('one')); await h1.close();
    const h2 = await p; eq(await fs.getSize('/w'), 0); await h2.close();
  }));

  t('main thread stays responsive while a call waits for a lock, then EAGAIN (§8.4)', () => withFs({}, async (fs) => {
    const h1 = await fs.open('/w', 'wb');
    let ticks = 0; const iv = setInterval(() => ticks++, 20);
    const t0 = performance.now();
    try {
      await rejects(fs.open('/w', 'wb', { lockTimeout: 600 }), { code: 'EAGAIN' });
    } finally { clearInterval(iv); }
    const dt = performance.now() - t0;
    ok(dt >= 550, `waited ${dt.toFixed(0)} ms, expected ≈600`); ok(dt < 5000, `waited ${dt.toFixed(0)} ms`);
    ok(ticks >= 10, `setInterval ticked ${ticks} times during the wait`);
    await h1.close();
    const h = await fs.open('/w', 'wb', { lockTimeout: 0 }); await h.close();
  }));

  t('two wb opens started together: one wins, other waits and then EAGAIN (§8.4)', () => withFs({}, async (fs) => {
    const rs = await Promise.allSettled([fs.open('/r', 'wb', { lockTimeout: 200 }), fs.open('/r', 'wb', { lockTimeout: 200 })]);
    const ok1 = rs.filter((r) => r.status === 'fulfilled'); const bad = rs.filter((r) => r.status === 'rejected');
    eq(ok1.length, 1); eq(bad.length, 1); eq(bad[0].reason.code, 'EAGAIN');
    await ok1[0].value.close();
  }));

  t('Symbol.asyncDispose closes handle and filesystem', async () => {
    const fs = await mk(); const h = await fs.open('/f', 'wb');
    ok(typeof h[Symbol.asyncDispose] === 'function' || typeof Symbol.asyncDispose === 'undefined');
    if (typeof Symbol.asyncDispose !== 'undefined') { await h[Symbol.asyncDispose](); eq(h.closed, true); await fs[Symbol.asyncDispose](); eq(fs.closed, true); }
    else { await h.close(); await fs.close(); }
  });

  t('bad numbers are RangeError/TypeError (§2.1)', () => withFs({}, async (fs) => {
    const h = await fs.open('/n', 'wb');
    await rejects(h.seek(1.5), { type: RangeError, code: 'ERR_OUT_OF_RANGE' });
    await rejects(h.seek(NaN), { type: RangeError });
    await rejects(h.seek('1'), { type: TypeError });
    await rejects(h.seek(2 ** 53), { type: RangeError });
    await rejects(h.read(10n), { type: TypeError });
    await h.close();
  }));
}
