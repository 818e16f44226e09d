// SPEC §9: readFile, writeFile, exportTree / iterExportTree, importTree, round trip.
import { test } from 'node:test';
import {
  assert, forEachBuild, withFs, assertDMemFSError, assertTypeError, assertRangeError,
  assertUnchanged, put, get, bytes, text, filled, used, fakeClock, MemoryFileSystem,
} from './_helpers.mjs';

const mapText = (m) => [...m].map(([k, v]) => [k, text(v)]);

forEachBuild('files', (build) => {
  // ── §9.1 readFile ──
  test('readFile: content, detached copy over a plain ArrayBuffer, not charged', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'hello');
      const u = await used(fs);
      const d = await fs.readFile('/f');
      assert.equal(Object.getPrototypeOf(d), Uint8Array.prototype);
      assert.ok(d.buffer instanceof ArrayBuffer);
      assert.equal(text(d), 'hello');
      assert.equal(await used(fs), u);
      await put(fs, '/f', 'other');
      assert.equal(text(d), 'hello');
      d[0] = 0;
      assert.equal(await get(fs, '/f'), 'other');
    });
  });

  // readFile copies through the runtime's 256 KiB scratch area when the file fits behind the
  // path, else through a buffer the core allocates: both sides of the edge, short and long paths.
  test('readFile: sizes around the scratch area, exact bytes either way', async () => {
    await withFs(build, { maxQuota: 64 * 1024 * 1024 }, async (fs) => {
      const long = `/${'p'.repeat(200)}/${'q'.repeat(200)}`;
      await fs.mkdir(long);
      for (const size of [0, 1, 256 * 1024 - 200, 256 * 1024 - 64, 256 * 1024, 256 * 1024 + 1, 3 * 1024 * 1024 + 7]) {
        const data = new Uint8Array(size);
        for (let i = 0; i < size; i++) data[i] = (i * 131 + size) & 255;
        for (const path of ['/f', `${long}/f`]) {
          await fs.writeFile(path, data);
          const got = await fs.readFile(path);
          assert.equal(got.length, size, `${path} size ${size}`);
          assert.ok(Buffer.compare(Buffer.from(got), Buffer.from(data)) === 0, `${path} bytes of ${size}`);
          if (size) await assertDMemFSError(fs.readFile(path, { maxSize: size - 1 }), { code: 'EFBIG' });
        }
      }
    });
  });

  test('readFile of an empty file → empty Uint8Array', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/e', '');
      const d = await fs.readFile('/e');
      assert.ok(d instanceof Uint8Array);
      assert.equal(d.length, 0);
    });
  });

  test('readFile errors: ENOENT, ENOTDIR, EISDIR (root too)', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'x');
      await fs.mkdir('/d');
      await assertDMemFSError(fs.readFile('/m'), { code: 'ENOENT', syscall: 'readFile', path: '/m' });
      await assertDMemFSError(fs.readFile('/f/x'), { code: 'ENOTDIR', syscall: 'readFile', path: '/f/x' });
      await assertDMemFSError(fs.readFile('/d'), { code: 'EISDIR', syscall: 'readFile', path: '/d' });
      await assertDMemFSError(fs.readFile('/'), { code: 'EISDIR', syscall: 'readFile', path: '/' });
    });
  });

  test('readFile maxSize: equal is fine, larger → EFBIG; Infinity default', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'hello');
      assert.equal(text(await fs.readFile('/f', { maxSize: 5 })), 'hello');
      assert.equal(text(await fs.readFile('/f', { maxSize: Infinity })), 'hello');
      await assertDMemFSError(fs.readFile('/f', { maxSize: 4 }), { code: 'EFBIG', syscall: 'readFile', path: '/f' });
      await assertDMemFSError(fs.readFile('/f', { maxSize: 0 }), { code: 'EFBIG' });
      await put(fs, '/e', '');
      assert.equal((await fs.readFile('/e', { maxSize: 0 })).length, 0);
    });
  });

  for (const v of [-1, 1.5, NaN, -Infinity, 2 ** 53]) {
    test(`readFile maxSize ${v} → RangeError`, async () => {
      await withFs(build, {}, async (fs) => {
        await put(fs, '/f', 'x');
        await assertRangeError(fs.readFile('/f', { maxSize: v }));
      });
    });
  }

  test('readFile maxSize "5" → TypeError', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'x');
      await assertTypeError(fs.readFile('/f', { maxSize: '5' }), 'ERR_INVALID_ARG_TYPE');
    });
  });

  test('readFile acts like rb: works beside an rb handle; an exclusive holder → EAGAIN', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'abc');
      const r = await fs.open('/f', 'rb');
      assert.equal(await get(fs, '/f'), 'abc');
      await r.close();
      const w = await fs.open('/f', 'r+b');
      await assertDMemFSError(fs.readFile('/f', { lockTimeout: 0 }), { code: 'EAGAIN', syscall: 'readFile', path: '/f' });
      await assertDMemFSError(fs.readFile('/f', { lockTimeout: 20 }), { code: 'EAGAIN' });
      await w.close();
    });
  });

  // ── §9.1b writeFile ──
  test('writeFile creates a new file: generation 1 (0 if empty), one chunk, resolves undefined', async () => {
    const c = fakeClock(1000);
    await withFs(build, { clock: c.fn }, async (fs) => {
      assert.equal(await fs.writeFile('/a', bytes('hello')), undefined);
      assert.deepEqual(await fs.stat('/a'), { size: 5, createdAt: 1000, modifiedAt: 1000, generation: 1, isDir: false });
      assert.equal(await used(fs), 133);
      assert.equal((await fs.stats()).chunkCount, 1);
      await fs.writeFile('/e', new Uint8Array(0));
      assert.equal((await fs.stat('/e')).generation, 0);
      assert.equal(await used(fs), 133);
    });
  });

  test('writeFile replaces: keeps place and createdAt, generation +1, modifiedAt now (also when empty)', async () => {
    const c = fakeClock(1000);
    await withFs(build, { clock: c.fn }, async (fs) => {
      await put(fs, '/a', 'x');
      await put(fs, '/b', 'y');
      const h = await fs.open('/a', 'ab');
      await h.write(bytes('1'));
      await h.write(bytes('2'));
      await h.close();
      const g = (await fs.stat('/a')).generation;
      c.now = 2000;
      await fs.writeFile('/a', bytes('new'));
      assert.deepEqual(await fs.listdir('/'), ['a', 'b']);
      assert.deepEqual(await fs.stat('/a'), { size: 3, createdAt: 1000, modifiedAt: 2000, generation: g + 1, isDir: false });
      assert.equal(await used(fs), 3 + 128 + 1 + 128);
      c.now = 3000;
      await fs.writeFile('/a', new Uint8Array(0));
      assert.deepEqual(await fs.stat('/a'), { size: 0, createdAt: 1000, modifiedAt: 3000, generation: g + 2, isDir: false });
    });
  });

  test("writeFile under 'random_access' charges len", async () => {
    await withFs(build, { defaultStorage: 'random_access' }, async (fs) => {
      await fs.writeFile('/a', filled(50));
      assert.equal(await used(fs), 50);
    });
  });

  test('writeFile errors: parents not created (ENOENT), ENOTDIR, EISDIR, EAGAIN', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'x');
      await fs.mkdir('/d');
      await assertUnchanged(fs, async () => {
        await assertDMemFSError(fs.writeFile('/n/a', bytes('x')), { code: 'ENOENT', syscall: 'writeFile', path: '/n/a' });
        await assertDMemFSError(fs.writeFile('/f/a', bytes('x')), { code: 'ENOTDIR', syscall: 'writeFile', path: '/f/a' });
        await assertDMemFSError(fs.writeFile('/d', bytes('x')), { code: 'EISDIR', syscall: 'writeFile', path: '/d' });
        await assertDMemFSError(fs.writeFile('/', bytes('x')), { code: 'EISDIR', path: '/' });
      });
      const r = await fs.open('/f', 'rb');
      await assertDMemFSError(fs.writeFile('/f', bytes('zz'), { lockTimeout: 0 }), { code: 'EAGAIN', syscall: 'writeFile', path: '/f' });
      await r.close();
      assert.equal(await get(fs, '/f'), 'x');
    });
  });

  for (const [label, v] of [['string', 'text'], ['ArrayBuffer', new ArrayBuffer(2)], ['Uint16Array', new Uint16Array(1)], ['null', null], ['array', [1, 2]], ['DataView', new DataView(new ArrayBuffer(1))]]) {
    test(`writeFile data ${label} → TypeError`, async () => {
      await withFs(build, {}, async (fs) => {
        await assertTypeError(fs.writeFile('/a', v), 'ERR_INVALID_ARG_TYPE');
        assert.equal(await fs.exists('/a'), false);
      });
    });
  }

  test('writeFile copies data before returning', async () => {
    await withFs(build, {}, async (fs) => {
      const d = bytes('abc');
      const p = fs.writeFile('/a', d);
      d.fill(0);
      await p;
      assert.equal(await get(fs, '/a'), 'abc');
    });
  });

  // ── §9.2 exports ──
  // Files come before the subdirectory in /dir, so every reading of "pre-order" agrees.
  async function exampleTree(fs) {
    await fs.mkdir('/dir');
    await put(fs, '/dir/a.bin', 'A');
    await fs.mkdir('/dir/sub');
    await put(fs, '/dir/sub/b.bin', 'B');
    await fs.mkdir('/empty');
    await put(fs, '/other.bin', 'O');
  }

  test('exportTree: files only, depth-first pre-order, insertion order', async () => {
    await withFs(build, {}, async (fs) => {
      await exampleTree(fs);
      const m = await fs.exportTree();
      assert.ok(m instanceof Map);
      assert.deepEqual(mapText(m), [['/dir/a.bin', 'A'], ['/dir/sub/b.bin', 'B'], ['/other.bin', 'O']]);
      for (const v of m.values()) {
        assert.equal(Object.getPrototypeOf(v), Uint8Array.prototype);
        assert.ok(v.buffer instanceof ArrayBuffer);
      }
    });
  });

  test('exportTree pre-order over nodes: a subdirectory inserted before a file is exported first', async () => {
    await withFs(build, {}, async (fs) => {
      await fs.mkdir('/x/sub');
      await put(fs, '/x/sub/b', 'b');
      await put(fs, '/x/a', 'a');
      await put(fs, '/0', '0');
      assert.deepEqual([...(await fs.exportTree()).keys()], ['/x/sub/b', '/x/a', '/0']);
    });
  });

  test("exportTree prefix: '/dir' excludes /other.bin; '/nonexistent' → empty; a file → that file", async () => {
    await withFs(build, {}, async (fs) => {
      await exampleTree(fs);
      await put(fs, '/f.bin', 'hello');
      assert.deepEqual([...(await fs.exportTree({ prefix: '/dir' })).keys()], ['/dir/a.bin', '/dir/sub/b.bin']);
      assert.equal((await fs.exportTree({ prefix: '/nonexistent' })).size, 0);
      assert.deepEqual(mapText(await fs.exportTree({ prefix: '/f.bin' })), [['/f.bin', 'hello']]);
      assert.deepEqual([...(await fs.exportTree({ prefix: 'dir//sub/' })).keys()], ['/dir/sub/b.bin']);
      assert.equal((await fs.exportTree({ prefix: '/empty' })).size, 0);
    });
  });

  test('exportTree prefix errors reject: EINVAL / ENAMETOOLONG', async () => {
    await withFs(build, {}, async (fs) => {
      await assertDMemFSError(fs.exportTree({ prefix: '/..' }), { code: 'EINVAL', syscall: 'exportTree', path: '/..' });
      await assertDMemFSError(fs.exportTree({ prefix: '/' + 'x'.repeat(256) }), { code: 'ENAMETOOLONG', syscall: 'exportTree' });
      await assertTypeError(fs.exportTree({ prefix: 5 }), 'ERR_INVALID_ARG_TYPE');
    });
  });

  test('onlyDirty: includes a file written through wb, not a freshly imported one', async () => {
    await withFs(build, {}, async (fs) => {
      await fs.importTree({ '/imp.bin': bytes('i'), '/imp2.bin': bytes('j') });
      await put(fs, '/w.bin', 'w');
      await fs.writeFile('/imp2.bin', bytes('changed'));
      await put(fs, '/clean-empty', '');
      assert.deepEqual([...(await fs.exportTree({ onlyDirty: true })).keys()], ['/imp2.bin', '/w.bin']);
      assert.deepEqual([...(await fs.exportTree({ onlyDirty: false })).keys()], ['/imp.bin', '/imp2.bin', '/w.bin', '/clean-empty']);
      await fs.importTree({ '/w.bin': bytes('reset') });
      assert.deepEqual([...(await fs.exportTree({ onlyDirty: true })).keys()], ['/imp2.bin']);
    });
  });

  test('exportTree: an exclusive holder makes it EAGAIN (lockTimeout); shared holder is fine', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/a', 'a');
      const r = await fs.open('/a', 'rb');
      assert.equal((await fs.exportTree({ lockTimeout: 0 })).size, 1);
      await r.close();
      const w = await fs.open('/a', 'ab');
      await assertDMemFSError(fs.exportTree({ lockTimeout: 0 }), { code: 'EAGAIN', syscall: 'exportTree' });
      await assertDMemFSError(fs.exportTree({ lockTimeout: 25 }), { code: 'EAGAIN' });
      await w.close();
    });
  });

  test('iterExportTree: returned synchronously, lazy, same order as exportTree', async () => {
    await withFs(build, {}, async (fs) => {
      await exampleTree(fs);
      let it;
      assert.doesNotThrow(() => { it = fs.iterExportTree(); });
      assert.equal(typeof it[Symbol.asyncIterator], 'function');
      const got = [];
      for await (const [p, d] of it) got.push([p, text(d)]);
      assert.deepEqual(got, mapText(await fs.exportTree()));
    });
  });

  test('iterExportTree errors carried by the first next()', async () => {
    await withFs(build, {}, async (fs) => {
      const it = fs.iterExportTree({ prefix: '/..' });
      await assertDMemFSError(it.next(), { code: 'EINVAL', syscall: 'iterExportTree' });
    });
  });

  test('iterExportTree lists at the first next(): files created before it are seen', async () => {
    await withFs(build, {}, async (fs) => {
      const it = fs.iterExportTree();
      await put(fs, '/late', 'L');
      const r = await it.next();
      assert.equal(r.done, false);
      assert.equal(r.value[0], '/late');
    });
  });

  test('weak consistency: /b.bin removed after /a.bin was produced does not follow', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/a.bin', 'a');
      await put(fs, '/b.bin', 'b');
      await put(fs, '/c.bin', 'c');
      const got = [];
      for await (const [p] of fs.iterExportTree()) {
        got.push(p);
        if (p === '/a.bin') {
          await fs.remove('/b.bin');
          await put(fs, '/new.bin', 'n');
        }
      }
      assert.deepEqual(got, ['/a.bin', '/c.bin']);
    });
  });

  test('weak consistency: contents are as read; a renamed file is reported under its listed path', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/a.bin', 'a');
      await put(fs, '/b.bin', 'old');
      const got = [];
      for await (const [p, d] of fs.iterExportTree()) {
        got.push([p, text(d)]);
        if (p === '/a.bin') {
          await put(fs, '/b.bin', 'new');
          await fs.rename('/b.bin', '/renamed.bin');
        }
      }
      assert.deepEqual(got, [['/a.bin', 'a'], ['/b.bin', 'new']]);
    });
  });

  test('exportTree onlyDirty must be boolean; options must be an object', async () => {
    await withFs(build, {}, async (fs) => {
      await assertTypeError(fs.exportTree({ onlyDirty: 1 }), 'ERR_INVALID_ARG_TYPE');
      await assertTypeError(fs.exportTree({ onlyDirty: 'yes' }), 'ERR_INVALID_ARG_TYPE');
      await assertRangeError(fs.exportTree({ lockTimeout: -1 }));
    });
  });

  // ── §9.3 importTree ──
  test('importTree with a Map, a plain object and an iterable of pairs', async () => {
    await withFs(build, {}, async (fs) => {
      assert.equal(await fs.importTree(new Map([['/m1', bytes('1')], ['/m2', bytes('2')]])), undefined);
      await fs.importTree({ '/o1': bytes('3'), '/o2': bytes('4') });
      await fs.importTree([['/i1', bytes('5')], ['/i2', bytes('6')]]);
      function* gen() { yield ['/g1', bytes('7')]; yield ['/g2', Buffer.from('8')]; }
      await fs.importTree(gen());
      assert.deepEqual(await fs.listdir('/'), ['m1', 'm2', 'o1', 'o2', 'i1', 'i2', 'g1', 'g2']);
      assert.equal(await get(fs, '/g2'), '8');
    });
  });

  test('importTree: no entries resolves touching nothing', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/k', 'k');
      await assertUnchanged(fs, async () => {
        await fs.importTree({});
        await fs.importTree(new Map());
        await fs.importTree([]);
      });
    });
  });

  test('importTree: plain object keys in property order', async () => {
    await withFs(build, {}, async (fs) => {
      await fs.importTree({ '/z': bytes('z'), '/a': bytes('a'), '/m': bytes('m') });
      assert.deepEqual(await fs.listdir('/'), ['z', 'a', 'm']);
    });
  });

  test("normalization merge: {'/a': '1', 'a': '22', '/x/../a': '333'} → /a = '333'", async () => {
    await withFs(build, {}, async (fs) => {
      await fs.importTree({ '/a': bytes('1'), '/b': bytes('b'), a: bytes('22'), '/x/../a': bytes('333') });
      assert.equal(await get(fs, '/a'), '333');
      assert.deepEqual(await fs.listdir('/'), ['a', 'b']);
      assert.equal(await used(fs), 3 + 128 + 1 + 128);
      assert.equal(await fs.exists('/x'), false);
    });
  });

  test('importTree creates missing parents: {"/new/path/f.bin"}', async () => {
    await withFs(build, {}, async (fs) => {
      await fs.importTree({ '/new/path/f.bin': bytes('f') });
      assert.equal(await fs.isDir('/new'), true);
      assert.equal(await fs.isDir('/new/path'), true);
      assert.equal(await get(fs, '/new/path/f.bin'), 'f');
    });
  });

  test("importTree {'/new/deep/path/file.bin', '../invalid'} → EINVAL, no /new", async () => {
    await withFs(build, {}, async (fs) => {
      await assertUnchanged(fs, async () => {
        await assertDMemFSError(fs.importTree({ '/new/deep/path/file.bin': bytes('x'), '../invalid': bytes('y') }), { code: 'EINVAL', syscall: 'importTree', path: '../invalid' });
      });
      assert.equal(await fs.exists('/new'), false);
    });
  });

  test('importTree: ENAMETOOLONG key rejects before any change', async () => {
    await withFs(build, {}, async (fs) => {
      await assertUnchanged(fs, async () => {
        await assertDMemFSError(fs.importTree({ '/ok': bytes('x'), ['/' + 'n'.repeat(256)]: bytes('y') }), { code: 'ENAMETOOLONG', syscall: 'importTree' });
      });
    });
  });

  test('importTree: replaced files keep their place, generation 0, timestamps now; new ones last', async () => {
    const c = fakeClock(1000);
    await withFs(build, { clock: c.fn }, async (fs) => {
      await put(fs, '/a', 'a');
      await put(fs, '/b', 'b');
      c.now = 2000;
      await fs.importTree({ '/c': bytes('c'), '/a': bytes('AA') });
      assert.deepEqual(await fs.listdir('/'), ['a', 'b', 'c']);
      assert.deepEqual(await fs.stat('/a'), { size: 2, createdAt: 2000, modifiedAt: 2000, generation: 0, isDir: false });
      assert.deepEqual(await fs.stat('/c'), { size: 1, createdAt: 2000, modifiedAt: 2000, generation: 0, isDir: false });
      assert.equal(await used(fs), 2 + 128 + 1 + 128 + 1 + 128);
    });
  });

  test('importTree conflicts: /, existing dir, dir created for earlier entry → EISDIR; file in chain → ENOTDIR', async () => {
    await withFs(build, {}, async (fs) => {
      await fs.mkdir('/d');
      await put(fs, '/f', 'f');
      await assertUnchanged(fs, async () => {
        await assertDMemFSError(fs.importTree({ '/': bytes('x') }), { code: 'EISDIR', syscall: 'importTree', path: '/' });
        await assertDMemFSError(fs.importTree({ '/ok': bytes('x'), '/d': bytes('x') }), { code: 'EISDIR', path: '/d' });
        await assertDMemFSError(fs.importTree({ '/n/x': bytes('x'), '/n': bytes('x') }), { code: 'EISDIR', path: '/n' });
        await assertDMemFSError(fs.importTree({ '/f/x': bytes('x') }), { code: 'ENOTDIR', path: '/f/x' });
        await assertDMemFSError(fs.importTree({ '/g': bytes('x'), '/g/h': bytes('x') }), { code: 'ENOTDIR', path: '/g/h' });
      });
      assert.equal(await fs.exists('/ok'), false);
      assert.equal(await fs.exists('/n'), false);
    });
  });

  test('importTree of a busy file → EBUSY at once, nothing changes', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'old');
      const h = await fs.open('/f', 'rb');
      await assertUnchanged(fs, async () => {
        await assertDMemFSError(fs.importTree({ '/new': bytes('n'), '/f': bytes('x') }), { code: 'EBUSY', syscall: 'importTree', path: '/f' });
      });
      await h.close();
    });
  });

  test('importTree values are copied when the call is made', async () => {
    await withFs(build, {}, async (fs) => {
      const d = bytes('abc');
      const entries = new Map([['/a', d]]);
      const p = fs.importTree(entries);
      d.fill(0x7a);
      entries.set('/b', bytes('late'));
      await p;
      assert.equal(await get(fs, '/a'), 'abc');
      assert.equal(await fs.exists('/b'), false);
    });
  });

  for (const [label, v] of [
    ['string', 'x'], ['null', null], ['undefined', undefined], ['number', 5],
    ['string value', { '/a': 'text' }], ['ArrayBuffer value', { '/a': new ArrayBuffer(1) }],
    ['Uint16Array value', { '/a': new Uint16Array(1) }], ['malformed pair', [['/a']]],
    ['non-pair item', [5]], ['numeric key in Map', new Map([[5, bytes('x')]])],
    ['null value in Map', new Map([['/a', null]])],
  ]) {
    test(`importTree(${label}) → TypeError, nothing changes`, async () => {
      await withFs(build, {}, async (fs) => {
        await assertUnchanged(fs, async () => {
          await assertTypeError(fs.importTree(v), 'ERR_INVALID_ARG_TYPE');
        });
      });
    });
  }

  test('importTree ex 14 (all-or-nothing on quota): nothing replaced, no dirs created', async () => {
    await withFs(build, { maxQuota: 500 }, async (fs) => {
      await put(fs, '/existing.bin', filled(200));
      await assertUnchanged(fs, async () => {
        await assertDMemFSError(fs.importTree({ '/newdir/x': bytes('x'), '/existing.bin': filled(1000) }), { code: 'ENOSPC', syscall: 'importTree' });
      });
      assert.equal(await fs.exists('/newdir'), false);
    });
  });

  test('importTree node limit counts created directories plus new files', async () => {
    await withFs(build, { maxNodes: 3 }, async (fs) => {
      await put(fs, '/f', 'x'); // 2 nodes; /d and /d/e need 2, the replacement of /f none
      await assertUnchanged(fs, async () => {
        await assertDMemFSError(fs.importTree({ '/d/e': bytes('x'), '/f': bytes('y') }), { code: 'ENOSPC', current: 2, limit: 3, requested: 2, available: 1, syscall: 'importTree' });
      });
    });
    await withFs(build, { maxNodes: 4 }, async (fs) => {
      await put(fs, '/f', 'x');
      await fs.importTree({ '/d/e': bytes('x'), '/f': bytes('y') });
      assert.equal((await fs.stats()).fileCount + (await fs.stats()).dirCount, 4);
      await assertDMemFSError(fs.importTree({ '/g': bytes('x') }), { code: 'ENOSPC', current: 4, limit: 4, requested: 1, available: 0 });
    });
  });

  test('round trip: an export imported into a new filesystem reads back identically', async () => {
    await withFs(build, {}, async (src) => {
      await exampleTree(src);
      await src.writeFile('/dir/bin', new Uint8Array([0, 255, 1, 254]));
      const exp = await src.exportTree();
      const dst = await MemoryFileSystem.create({ build });
      try {
        await dst.importTree(exp);
        assert.deepEqual(mapText(await dst.exportTree()), mapText(exp));
        assert.deepEqual(Array.from(await dst.readFile('/dir/bin')), [0, 255, 1, 254]);
        assert.equal(await dst.exists('/empty'), false); // empty dirs do not survive
      } finally {
        await dst.close();
      }
    });
  });
});
