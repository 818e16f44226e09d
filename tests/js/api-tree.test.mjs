// SPEC §7.3–§7.9: mkdir, rename, move, remove, rmtree, queries, copy, copyTree, walk, glob.
import { test } from 'node:test';
import {
  assert, forEachBuild, withFs, assertDMemFSError, assertUnchanged, put, get, bytes, filled,
  used, fakeClock, MemoryFileSystem,
} from './_helpers.mjs';

async function walkAll(fs, p) {
  const out = [];
  for await (const e of (p === undefined ? fs.walk() : fs.walk(p))) out.push(e);
  return out;
}

async function tree(fs, files, dirs = []) {
  for (const d of dirs) await fs.mkdir(d, { existOk: true });
  for (const f of files) {
    const parent = f.slice(0, f.lastIndexOf('/')) || '/';
    await fs.mkdir(parent, { existOk: true });
    await put(fs, f, f);
  }
}

forEachBuild('tree', (build) => {
  // ── §7.3 mkdir ──
  test('mkdir creates all missing parents, last in each parent', async () => {
    await withFs(build, {}, async (fs) => {
      await fs.mkdir('/z');
      await fs.mkdir('/a/b/c');
      assert.deepEqual(await fs.listdir('/'), ['z', 'a']);
      assert.deepEqual(await fs.listdir('/a'), ['b']);
      assert.deepEqual(await fs.listdir('/a/b/c'), []);
      assert.equal((await fs.stats()).dirCount, 5);
      assert.equal(await fs.mkdir('/a/x'), undefined);
    });
  });

  test('mkdir existing directory: EEXIST; existOk → nothing; mkdir("/") EEXIST', async () => {
    await withFs(build, {}, async (fs) => {
      await fs.mkdir('/d');
      await assertDMemFSError(fs.mkdir('/d'), { code: 'EEXIST', syscall: 'mkdir', path: '/d' });
      await assertDMemFSError(fs.mkdir('/'), { code: 'EEXIST', syscall: 'mkdir', path: '/' });
      await fs.mkdir('/d', { existOk: true });
      await fs.mkdir('/', { existOk: true });
      await fs.mkdir('/d', { existOk: false }).then(() => assert.fail('resolved'), () => {});
    });
  });

  test('mkdir on a file: EEXIST even with existOk; file as non-final component: ENOTDIR', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'x');
      await assertDMemFSError(fs.mkdir('/f'), { code: 'EEXIST', path: '/f' });
      await assertDMemFSError(fs.mkdir('/f', { existOk: true }), { code: 'EEXIST', path: '/f' });
      await assertDMemFSError(fs.mkdir('/f/g/h', { existOk: true }), { code: 'ENOTDIR', path: '/f/g/h' });
    });
  });

  test('mkdir is all-or-none under the node limit (§6.6 ex 20)', async () => {
    await withFs(build, { maxNodes: 3 }, async (fs) => {
      await fs.mkdir('/x');
      await assertUnchanged(fs, async () => {
        await assertDMemFSError(fs.mkdir('/x/y/z/w'), { code: 'ENOSPC', current: 2, limit: 3, requested: 3, available: 1 });
      });
      await fs.mkdir('/x/y');
      assert.equal((await fs.stats()).dirCount, 3);
    });
  });

  test('mkdir: directory timestamps = creation time, generation 0, size 0, forever', async () => {
    const c = fakeClock(1000);
    await withFs(build, { clock: c.fn }, async (fs) => {
      await fs.mkdir('/d');
      c.now = 2000;
      await put(fs, '/d/f', 'abc');
      await fs.mkdir('/d/e');
      await fs.remove('/d/f');
      assert.deepEqual(await fs.stat('/d'), { size: 0, createdAt: 1000, modifiedAt: 1000, generation: 0, isDir: true });
    });
  });

  // ── §7.4 rename / move ──
  test('rename of / → EINVAL; src missing → ENOENT; src below a file → ENOTDIR', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'x');
      await assertUnchanged(fs, async () => {
        await assertDMemFSError(fs.rename('/', '/x'), { code: 'EINVAL', syscall: 'rename', path: '/', dest: '/x' });
        await assertDMemFSError(fs.rename('/m', '/x'), { code: 'ENOENT', syscall: 'rename', path: '/m', dest: '/x' });
        await assertDMemFSError(fs.rename('/f/g', '/x'), { code: 'ENOTDIR', syscall: 'rename', path: '/f/g', dest: '/x' });
        await assertDMemFSError(fs.move('/', '/x'), { code: 'EINVAL', syscall: 'move', path: '/', dest: '/x' });
      });
    });
  });

  test('rename/move dst exists (any type, dst == src, ancestor of src) → EEXIST', async () => {
    await withFs(build, {}, async (fs) => {
      await tree(fs, ['/a/b/f', '/g']);
      await assertUnchanged(fs, async () => {
        for (const op of ['rename', 'move']) {
          await assertDMemFSError(fs[op]('/g', '/g'), { code: 'EEXIST', syscall: op, path: '/g', dest: '/g' });
          await assertDMemFSError(fs[op]('/g', '/a'), { code: 'EEXIST', syscall: op, path: '/g', dest: '/a' });
          await assertDMemFSError(fs[op]('/a/b/f', '/g'), { code: 'EEXIST', path: '/a/b/f', dest: '/g' });
          await assertDMemFSError(fs[op]('/a/b', '/a'), { code: 'EEXIST' });
          await assertDMemFSError(fs[op]('/a/b', '/'), { code: 'EEXIST', dest: '/' });
        }
      });
    });
  });

  test("rename/move into own subtree → EINVAL, nothing created (move('/a', '/a/b/c'))", async () => {
    await withFs(build, {}, async (fs) => {
      await fs.mkdir('/a');
      await assertUnchanged(fs, async () => {
        await assertDMemFSError(fs.move('/a', '/a/b/c'), { code: 'EINVAL', syscall: 'move', path: '/a', dest: '/a/b/c' });
        await assertDMemFSError(fs.rename('/a', '/a/b'), { code: 'EINVAL', syscall: 'rename', path: '/a', dest: '/a/b' });
      });
    });
  });

  test("rename('/a', '/x/y/b') with /x missing → ENOENT; move creates /x and /x/y", async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/a', 'A');
      await assertDMemFSError(fs.rename('/a', '/x/y/b'), { code: 'ENOENT', syscall: 'rename', path: '/a', dest: '/x/y/b' });
      assert.equal(await fs.exists('/x'), false);
      assert.equal(await fs.move('/a', '/x/y/b'), undefined);
      assert.equal(await get(fs, '/x/y/b'), 'A');
      assert.equal(await fs.isDir('/x/y'), true);
      assert.equal(await fs.exists('/a'), false);
    });
  });

  test('rename/move with a file in the dst chain → ENOTDIR', async () => {
    await withFs(build, {}, async (fs) => {
      await tree(fs, ['/a', '/f']);
      await assertUnchanged(fs, async () => {
        await assertDMemFSError(fs.rename('/a', '/f/b'), { code: 'ENOTDIR', dest: '/f/b' });
        await assertDMemFSError(fs.move('/a', '/f/x/b'), { code: 'ENOTDIR', syscall: 'move', dest: '/f/x/b' });
      });
    });
  });

  test('rename keeps storage, generation and timestamps; charges nothing; goes last', async () => {
    const c = fakeClock(1000);
    await withFs(build, { clock: c.fn }, async (fs) => {
      await tree(fs, ['/d/a', '/d/b', '/d/c']);
      const s = await fs.stat('/d/a');
      const u = await used(fs);
      c.now = 5000;
      await fs.rename('/d/a', '/d/a2');
      assert.deepEqual(await fs.listdir('/d'), ['b', 'c', 'a2']);
      assert.deepEqual(await fs.stat('/d/a2'), s);
      assert.equal(await used(fs), u);
      await fs.rename('/d/b', '/b');
      assert.deepEqual(await fs.listdir('/'), ['d', 'b']);
    });
  });

  test('rename of a directory moves the subtree', async () => {
    await withFs(build, {}, async (fs) => {
      await tree(fs, ['/a/b/f', '/a/g']);
      await fs.rename('/a', '/z');
      assert.equal(await get(fs, '/z/b/f'), '/a/b/f');
      assert.deepEqual(await fs.listdir('/z'), ['b', 'g']);
      assert.equal(await fs.exists('/a'), false);
    });
  });

  test('move is all-or-none under the node limit', async () => {
    await withFs(build, { maxNodes: 3 }, async (fs) => {
      await put(fs, '/a', 'x');
      await assertUnchanged(fs, async () => {
        await assertDMemFSError(fs.move('/a', '/p/q/a'), { code: 'ENOSPC', current: 2, limit: 3, requested: 2, available: 1, syscall: 'move' });
      });
      await fs.move('/a', '/p/a');
      assert.deepEqual(await fs.listdir('/p'), ['a']);
    });
  });

  test('rename/move that would put a path over 4096 bytes → ENAMETOOLONG', async () => {
    await withFs(build, {}, async (fs) => {
      const deep = Array.from({ length: 15 }, () => '/' + 'd'.repeat(255)).join(''); // 3840
      await fs.mkdir(deep);
      await fs.mkdir('/s/' + 'e'.repeat(200)); // /s/eee… : under /s a 202-byte suffix
      await assertUnchanged(fs, async () => {
        // dst itself is 3941 bytes; its subdirectory would be 4142.
        await assertDMemFSError(fs.rename('/s', deep + '/' + 'x'.repeat(100)), { code: 'ENAMETOOLONG', syscall: 'rename' });
        await assertDMemFSError(fs.move('/s', deep + '/' + 'x'.repeat(100)), { code: 'ENAMETOOLONG', syscall: 'move' });
      });
      await fs.rename('/s', deep + '/s');
      assert.equal(await fs.isDir(deep + '/s/' + 'e'.repeat(200)), true);
    });
  });

  test('rename of an open file or a directory holding one → EBUSY', async () => {
    await withFs(build, {}, async (fs) => {
      await tree(fs, ['/d/f']);
      const h = await fs.open('/d/f', 'rb');
      await assertUnchanged(fs, async () => {
        await assertDMemFSError(fs.rename('/d/f', '/g'), { code: 'EBUSY', syscall: 'rename', path: '/d/f', dest: '/g' });
        await assertDMemFSError(fs.rename('/d', '/e'), { code: 'EBUSY', syscall: 'rename', path: '/d', dest: '/e' });
        await assertDMemFSError(fs.move('/d', '/n/e'), { code: 'EBUSY', syscall: 'move' });
      });
      await h.close();
      await fs.move('/d', '/n/e');
      assert.equal(await fs.isFile('/n/e/f'), true);
    });
  });

  // ── §7.5 remove / rmtree ──
  test('remove: ENOENT, ENOTDIR, EISDIR (root too), releases usage', async () => {
    await withFs(build, {}, async (fs) => {
      await tree(fs, ['/d/f']);
      await put(fs, '/big', filled(1000));
      await assertDMemFSError(fs.remove('/m'), { code: 'ENOENT', syscall: 'remove', path: '/m' });
      await assertDMemFSError(fs.remove('/d/f/x'), { code: 'ENOTDIR', syscall: 'remove', path: '/d/f/x' });
      await assertDMemFSError(fs.remove('/d'), { code: 'EISDIR', syscall: 'remove', path: '/d' });
      await assertDMemFSError(fs.remove('/'), { code: 'EISDIR', syscall: 'remove', path: '/' });
      const u = await used(fs);
      assert.equal(await fs.remove('/big'), undefined);
      assert.equal(await used(fs), u - 1128);
      assert.equal((await fs.stats()).fileCount, 1);
    });
  });

  test('remove of an open file (any mode) → EBUSY; works after close', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'x');
      for (const m of ['rb', 'r+b', 'ab', 'wb']) {
        const h = await fs.open('/f', m);
        await assertDMemFSError(fs.remove('/f'), { code: 'EBUSY', syscall: 'remove', path: '/f' });
        await h.close();
      }
      await fs.remove('/f');
      assert.equal(await fs.exists('/f'), false);
    });
  });

  test('rmtree: / → EINVAL; ENOENT; a file → ENOTDIR; releases all usage of the subtree', async () => {
    await withFs(build, {}, async (fs) => {
      await tree(fs, ['/d/a', '/d/e/b', '/keep']);
      await assertDMemFSError(fs.rmtree('/'), { code: 'EINVAL', syscall: 'rmtree', path: '/' });
      await assertDMemFSError(fs.rmtree(''), { code: 'EINVAL', syscall: 'rmtree', path: '/' });
      await assertDMemFSError(fs.rmtree('/m'), { code: 'ENOENT', syscall: 'rmtree', path: '/m' });
      await assertDMemFSError(fs.rmtree('/keep'), { code: 'ENOTDIR', syscall: 'rmtree', path: '/keep' });
      await assertDMemFSError(fs.rmtree('/keep/x'), { code: 'ENOTDIR', path: '/keep/x' });
      assert.equal(await fs.rmtree('/d'), undefined);
      assert.deepEqual(await fs.listdir('/'), ['keep']);
      const s = await fs.stats();
      assert.equal(s.usedBytes, 5 + 128);
      assert.equal(s.fileCount, 1);
      assert.equal(s.dirCount, 1);
    });
  });

  test('rmtree with any busy file under it (rb counts) → EBUSY, nothing removed', async () => {
    await withFs(build, {}, async (fs) => {
      await tree(fs, ['/d/a', '/d/e/b']);
      const h = await fs.open('/d/e/b', 'rb');
      await assertUnchanged(fs, async () => {
        await assertDMemFSError(fs.rmtree('/d'), { code: 'EBUSY', syscall: 'rmtree', path: '/d' });
      });
      await h.close();
      await fs.rmtree('/d');
      assert.equal(await fs.exists('/d'), false);
    });
  });

  // ── §7.6 queries ──
  test('listdir: insertion order, fresh arrays, root via "", errors', async () => {
    await withFs(build, {}, async (fs) => {
      assert.deepEqual(await fs.listdir('/'), []);
      await tree(fs, ['/c', '/a', '/b'], ['/dir']);
      const l1 = await fs.listdir('');
      assert.deepEqual(l1, ['dir', 'c', 'a', 'b']);
      l1.push('junk');
      assert.deepEqual(await fs.listdir('/'), ['dir', 'c', 'a', 'b']);
      await assertDMemFSError(fs.listdir('/m'), { code: 'ENOENT', syscall: 'listdir', path: '/m' });
      await assertDMemFSError(fs.listdir('/a'), { code: 'ENOTDIR', syscall: 'listdir', path: '/a' });
    });
  });

  test('exists/isDir/isFile truth table', async () => {
    await withFs(build, {}, async (fs) => {
      await tree(fs, ['/d/f']);
      const rows = [
        ['/', true, true, false], ['', true, true, false], ['/d', true, true, false],
        ['/d/f', true, false, true], ['/d/g', false, false, false], ['/d/f/x', false, false, false],
        ['/..', false, false, false], ['a\0', false, false, false],
      ];
      for (const [p, e, d, f] of rows) {
        assert.equal(await fs.exists(p), e, `exists ${p}`);
        assert.equal(await fs.isDir(p), d, `isDir ${p}`);
        assert.equal(await fs.isFile(p), f, `isFile ${p}`);
      }
    });
  });

  test('stat of a file and of root; getSize; getSize of a directory → EISDIR', async () => {
    const c = fakeClock(4242);
    await withFs(build, { clock: c.fn }, async (fs) => {
      c.now = 5000;
      await put(fs, '/f', 'hello');
      assert.deepEqual(await fs.stat('/f'), { size: 5, createdAt: 5000, modifiedAt: 5000, generation: 1, isDir: false });
      assert.deepEqual(await fs.stat('/'), { size: 0, createdAt: 4242, modifiedAt: 4242, generation: 0, isDir: true });
      assert.equal(await fs.getSize('/f'), 5);
      await assertDMemFSError(fs.getSize('/'), { code: 'EISDIR', syscall: 'getSize', path: '/' });
      await assertDMemFSError(fs.getSize('/m'), { code: 'ENOENT', syscall: 'getSize', path: '/m' });
      await assertDMemFSError(fs.stat('/m'), { code: 'ENOENT', syscall: 'stat', path: '/m' });
    });
  });

  test('promotion keeps the size: "hello", r+b write "X" at 0 → 5', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'hello');
      const h = await fs.open('/f', 'r+b');
      await h.write(bytes('X'));
      await h.close();
      assert.equal((await fs.stat('/f')).size, 5);
      assert.equal(await get(fs, '/f'), 'Xello');
    });
  });

  test('queries work while a file is open for writing (no lock waits)', async () => {
    await withFs(build, { defaultLockTimeout: 10000 }, async (fs) => {
      await tree(fs, ['/d/f']);
      const h = await fs.open('/d/f', 'r+b');
      await h.write(bytes('XY'));
      const t0 = performance.now();
      await h.seek(0, 2);
      await h.write(bytes('Z'));
      assert.equal(await fs.getSize('/d/f'), 5); // '/d/f' (4 bytes) overwritten then extended
      assert.equal((await fs.stat('/d/f')).size, 5);
      assert.equal(await fs.exists('/d/f'), true);
      assert.deepEqual(await fs.listdir('/d'), ['f']);
      await fs.mkdir('/d/x');
      assert.deepEqual(await fs.glob('/d/*'), ['/d/f', '/d/x']);
      assert.equal((await walkAll(fs, '/d')).length, 2);
      assert.equal((await fs.stats()).fileCount, 1);
      assert.ok(performance.now() - t0 < 5000);
      await h.close();
    });
  });

  test('stats: two writes through one wb handle → chunkCount 2', async () => {
    await withFs(build, {}, async (fs) => {
      const h = await fs.open('/f', 'wb');
      await h.write(bytes('ab'));
      await h.write(bytes('cd'));
      await h.close();
      const s = await fs.stats();
      assert.equal(s.chunkCount, 2);
      assert.equal(s.usedBytes, 4 + 256);
      assert.equal(s.freeBytes, s.quotaBytes - s.usedBytes);
    });
  });

  // ── §7.7 copy ──
  test('copy: checks in order and error fields', async () => {
    await withFs(build, {}, async (fs) => {
      await tree(fs, ['/d/f', '/g']);
      await assertUnchanged(fs, async () => {
        await assertDMemFSError(fs.copy('/m', '/x'), { code: 'ENOENT', syscall: 'copy', path: '/m', dest: '/x' });
        await assertDMemFSError(fs.copy('/g/x', '/x'), { code: 'ENOTDIR', syscall: 'copy', path: '/g/x', dest: '/x' });
        await assertDMemFSError(fs.copy('/d', '/x'), { code: 'EISDIR', syscall: 'copy', path: '/d', dest: '/x' });
        await assertDMemFSError(fs.copy('/g', '/g'), { code: 'EEXIST', syscall: 'copy', path: '/g', dest: '/g' });
        await assertDMemFSError(fs.copy('/g', '/'), { code: 'EEXIST', dest: '/' });
        await assertDMemFSError(fs.copy('/g', '/d'), { code: 'EEXIST', dest: '/d' });
        await assertDMemFSError(fs.copy('/g', '/n/x'), { code: 'ENOENT', path: '/g', dest: '/n/x' });
        await assertDMemFSError(fs.copy('/g', '/g/x'), { code: 'ENOTDIR', path: '/g', dest: '/g/x' });
      });
    });
  });

  test('copy: independent, one chunk, generation 1, new timestamps, charged len + ov', async () => {
    const c = fakeClock(1000);
    await withFs(build, { clock: c.fn }, async (fs) => {
      const h = await fs.open('/s', 'wb');
      for (let i = 0; i < 10; i++) await h.write(filled(10, 48 + i));
      await h.close();
      assert.equal(await used(fs), 1380);
      c.now = 2000000;
      assert.equal(await fs.copy('/s', '/c'), undefined);
      assert.equal(await used(fs), 1380 + 228);
      assert.deepEqual(await fs.stat('/c'), { size: 100, createdAt: 2000000, modifiedAt: 2000000, generation: 1, isDir: false });
      assert.deepEqual(await fs.readFile('/c'), await fs.readFile('/s'));
      await put(fs, '/s', 'changed');
      assert.equal((await fs.readFile('/c')).length, 100);
      assert.equal((await fs.stats()).chunkCount, 2);
    });
  });

  test('copy of an empty file: generation 0, charged 0', async () => {
    await withFs(build, {}, async (fs) => {
      await (await fs.open('/e', 'wb')).close();
      await fs.copy('/e', '/e2');
      assert.equal((await fs.stat('/e2')).generation, 0);
      assert.equal(await used(fs), 0);
    });
  });

  test("copy under 'random_access': charged len", async () => {
    await withFs(build, { defaultStorage: 'random_access' }, async (fs) => {
      await put(fs, '/s', filled(50));
      await fs.copy('/s', '/c');
      assert.equal(await used(fs), 100);
    });
  });

  test('copy of a file open for reading works at once; failure leaves nothing at dst', async () => {
    await withFs(build, { maxQuota: 300 }, async (fs) => {
      await put(fs, '/s', filled(100)); // 228
      const h = await fs.open('/s', 'rb');
      await assertUnchanged(fs, async () => {
        await assertDMemFSError(fs.copy('/s', '/c', { lockTimeout: 0 }), { code: 'ENOSPC', requested: 228, available: 72, syscall: 'copy', path: '/s', dest: '/c' });
      });
      await h.close();
      assert.equal(await fs.exists('/c'), false);
    });
  });

  test('copy: a new entry goes last; no parents created', async () => {
    await withFs(build, {}, async (fs) => {
      await tree(fs, ['/d/a', '/d/b']);
      await fs.copy('/d/a', '/d/0');
      assert.deepEqual(await fs.listdir('/d'), ['a', 'b', '0']);
    });
  });

  // ── copyTree ──
  test('copyTree: errors in order with path/dest', async () => {
    await withFs(build, {}, async (fs) => {
      await tree(fs, ['/src/f', '/g'], ['/other']);
      await assertUnchanged(fs, async () => {
        await assertDMemFSError(fs.copyTree('/m', '/x'), { code: 'ENOENT', syscall: 'copyTree', path: '/m', dest: '/x' });
        await assertDMemFSError(fs.copyTree('/g/y', '/x'), { code: 'ENOTDIR', path: '/g/y', dest: '/x' });
        await assertDMemFSError(fs.copyTree('/g', '/x'), { code: 'ENOTDIR', syscall: 'copyTree', path: '/g', dest: '/x' });
        await assertDMemFSError(fs.copyTree('/src', '/other'), { code: 'EEXIST', path: '/src', dest: '/other' });
        await assertDMemFSError(fs.copyTree('/src', '/src'), { code: 'EEXIST' });
        await assertDMemFSError(fs.copyTree('/src', '/g'), { code: 'EEXIST' });
        await assertDMemFSError(fs.copyTree('/src', '/n/x'), { code: 'ENOENT', dest: '/n/x' });
        await assertDMemFSError(fs.copyTree('/src', '/g/x'), { code: 'ENOTDIR', dest: '/g/x' });
      });
    });
  });

  test('copyTree: structure, order, generation 0, new timestamps, one chunk per file', async () => {
    const c = fakeClock(1000);
    await withFs(build, { clock: c.fn }, async (fs) => {
      await fs.mkdir('/src/empty');
      const h = await fs.open('/src/f', 'wb');
      for (let i = 0; i < 10; i++) await h.write(filled(10));
      await h.close();
      await fs.mkdir('/src/sub');
      await put(fs, '/src/sub/g', 'gg');
      c.now = 3000;
      await fs.copyTree('/src', '/dst');
      assert.deepEqual(await walkAll(fs, '/dst'), [
        ['/dst', ['empty', 'sub'], ['f']], ['/dst/empty', [], []], ['/dst/sub', [], ['g']],
      ]);
      assert.deepEqual(await fs.listdir('/dst'), ['empty', 'f', 'sub']);
      assert.deepEqual(await fs.stat('/dst/f'), { size: 100, createdAt: 3000, modifiedAt: 3000, generation: 0, isDir: false });
      assert.equal((await fs.stat('/dst')).createdAt, 3000);
      assert.equal((await fs.stat('/dst/sub')).createdAt, 3000);
      assert.equal(await get(fs, '/dst/sub/g'), 'gg');
      // §6.6 ex 12: 10×10-byte source (1380) is charged 228 in the copy; rmtree returns exactly.
      const before = 1380 + 130;
      assert.equal(await used(fs), before + 228 + 130);
      await fs.rmtree('/dst');
      assert.equal(await used(fs), before);
    });
  });

  test("copyTree('/', '/backup') and copyTree('/a', '/a/b') copy the tree as it was", async () => {
    await withFs(build, {}, async (fs) => {
      await tree(fs, ['/a/f', '/g']);
      await fs.copyTree('/', '/backup');
      assert.deepEqual(await fs.listdir('/backup'), ['a', 'g']);
      assert.deepEqual(await fs.listdir('/backup/a'), ['f']);
      await fs.copyTree('/a', '/a/b');
      assert.deepEqual(await fs.listdir('/a'), ['f', 'b']);
      assert.deepEqual(await fs.listdir('/a/b'), ['f']);
    });
  });

  test('copyTree of an empty directory copies an empty directory', async () => {
    await withFs(build, {}, async (fs) => {
      await fs.mkdir('/e');
      await fs.copyTree('/e', '/e2');
      assert.deepEqual(await fs.listdir('/e2'), []);
      assert.equal((await fs.stats()).dirCount, 3);
    });
  });

  test('copyTree quota failure (§6.6 ex 11) and node limit failure leave nothing', async () => {
    await withFs(build, { maxQuota: 455 }, async (fs) => {
      await tree(fs, [], ['/src']);
      await put(fs, '/src/f', filled(100));
      await assertUnchanged(fs, async () => {
        await assertDMemFSError(fs.copyTree('/src', '/dst'), { code: 'ENOSPC', requested: 228, available: 227, syscall: 'copyTree', path: '/src', dest: '/dst' });
      });
      assert.equal(await fs.exists('/dst'), false);
    });
    await withFs(build, { maxNodes: 4 }, async (fs) => {
      await tree(fs, ['/src/f']); // 3 nodes
      await assertUnchanged(fs, async () => {
        await assertDMemFSError(fs.copyTree('/src', '/dst'), { code: 'ENOSPC', current: 3, limit: 4, requested: 2, available: 1 });
      });
    });
  });

  test('copyTree: shared locks on sources; an exclusive holder makes it wait then EAGAIN', async () => {
    await withFs(build, {}, async (fs) => {
      await tree(fs, ['/src/a', '/src/b']);
      const r = await fs.open('/src/a', 'rb');
      await fs.copyTree('/src', '/c1', { lockTimeout: 0 });
      await r.close();
      const w = await fs.open('/src/b', 'r+b');
      await assertUnchanged(fs, async () => {
        await assertDMemFSError(fs.copyTree('/src', '/c2', { lockTimeout: 30 }), { code: 'EAGAIN', syscall: 'copyTree', path: '/src', dest: '/c2' });
      });
      await w.close();
    });
  });

  // ── §7.8 walk ──
  test('walk example: /a/b (dir), /a/f.bin, /a/b/g.bin', async () => {
    await withFs(build, {}, async (fs) => {
      await fs.mkdir('/a/b');
      await put(fs, '/a/f.bin', 'f');
      await put(fs, '/a/b/g.bin', 'g');
      assert.deepEqual(await walkAll(fs, '/a'), [['/a', ['b'], ['f.bin']], ['/a/b', [], ['g.bin']]]);
      assert.deepEqual(await walkAll(fs), [['/', ['a'], []], ['/a', ['b'], ['f.bin']], ['/a/b', [], ['g.bin']]]);
    });
  });

  test('walk: depth-first pre-order, insertion order, normalized dirpath', async () => {
    await withFs(build, {}, async (fs) => {
      await fs.mkdir('/r/z/deep');
      await fs.mkdir('/r/a');
      await put(fs, '/r/f2', '');
      await put(fs, '/r/f1', '');
      assert.deepEqual(await walkAll(fs, 'r//'), [
        ['/r', ['z', 'a'], ['f2', 'f1']], ['/r/z', ['deep'], []], ['/r/z/deep', [], []], ['/r/a', [], []],
      ]);
    });
  });

  test('walk of an empty directory → one entry; of "" → root', async () => {
    await withFs(build, {}, async (fs) => {
      await fs.mkdir('/e');
      assert.deepEqual(await walkAll(fs, '/e'), [['/e', [], []]]);
      assert.deepEqual(await walkAll(fs, ''), [['/', ['e'], []], ['/e', [], []]]);
    });
  });

  test('walk returns an iterator at once; errors reject the first next()', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'x');
      for (const [p, code] of [['/m', 'ENOENT'], ['/f', 'ENOTDIR'], ['/..', 'EINVAL'], ['/f/x', 'ENOTDIR']]) {
        let it;
        assert.doesNotThrow(() => { it = fs.walk(p); });
        assert.equal(typeof it[Symbol.asyncIterator], 'function');
        await assertDMemFSError(it.next(), { code, syscall: 'walk' });
      }
    });
  });

  test('changing dirnames does not prune walk', async () => {
    await withFs(build, {}, async (fs) => {
      await fs.mkdir('/a/b');
      await fs.mkdir('/a/c');
      const seen = [];
      for await (const [d, dirs] of fs.walk('/a')) {
        seen.push(d);
        dirs.length = 0;
      }
      assert.deepEqual(seen, ['/a', '/a/b', '/a/c']);
    });
  });

  test('walk is weakly consistent: entries removed before their turn are skipped, no failure', async () => {
    await withFs(build, {}, async (fs) => {
      await fs.mkdir('/w/a');
      await fs.mkdir('/w/b');
      await fs.mkdir('/w/c');
      const seen = [];
      for await (const [d] of fs.walk('/w')) {
        seen.push(d);
        if (d === '/w') await fs.rmtree('/w/b');
      }
      assert.deepEqual(seen, ['/w', '/w/a', '/w/c']);
    });
  });

  test('walk: a directory renamed after its parent was read is visited under its old path', async () => {
    await withFs(build, {}, async (fs) => {
      await fs.mkdir('/w/a');
      await fs.mkdir('/w/b/inner');
      const seen = [];
      for await (const [d, dirs] of fs.walk('/w')) {
        seen.push([d, dirs]);
        if (d === '/w') await fs.rename('/w/b', '/w/zz');
      }
      assert.deepEqual(seen[0], ['/w', ['a', 'b']]);
      assert.ok(seen.every(([d]) => !d.startsWith('/w/zz')), JSON.stringify(seen));
      const b = seen.find(([d]) => d === '/w/b');
      assert.ok(b, `'/w/b' must be visited under its old path: ${JSON.stringify(seen)}`);
      assert.deepEqual(b[1], ['inner']);
    });
  });

  test('walk of a closed filesystem → EBADF at first next()', async () => {
    const fs = await MemoryFileSystem.create({ build });
    await fs.close();
    const it = fs.walk('/');
    await assertDMemFSError(it.next(), { code: 'EBADF' });
  });

  // ── glob ──
  const GLOB_CASES = [
    [['/a.bin', '/b.txt'], [], '/*.bin', ['/a.bin']],
    [['/a.txt', '/dir/b.txt'], [], '/*.txt', ['/a.txt']],
    [['/dir/a.txt', '/dir/b.txt', '/dir/ab.txt'], [], '/dir/?.txt', ['/dir/a.txt', '/dir/b.txt']],
    [['/dir/a.txt', '/dir/b.txt', '/dir/c.txt'], [], '/dir/[ac].txt', ['/dir/a.txt', '/dir/c.txt']],
    [['/apple', '/mango', '/melon', '/zed'], [], '/[!m]*', ['/apple', '/zed']],
    [['/x/f'], ['/x/y'], '/x/*', ['/x/f', '/x/y']],
    [['/x/f'], ['/x/y'], '/x/', ['/x']],
    [['/top/a.bin', '/top/sub/b.bin'], [], '/top/**', ['/top/a.bin', '/top/sub', '/top/sub/b.bin']],
    [['/top.txt', '/x/mid.txt', '/x/y/deep.txt'], [], '/**/*.txt', ['/top.txt', '/x/mid.txt', '/x/y/deep.txt']],
    [['/top.txt', '/x/mid.txt', '/x/y/deep.txt'], [], '/**/y', ['/x/y']],
    [['/top.txt', '/x/mid.txt', '/x/y/deep.txt'], [], '/**/y/*', ['/x/y/deep.txt']],
    [['/a/x.bin', '/a/b/y.bin', '/a/b/c/z.bin', '/a/b/c/n.txt'], [], '/a/**/*.bin', ['/a/b/c/z.bin', '/a/b/y.bin', '/a/x.bin']],
    [['/top.txt', '/x/mid.txt', '/x/y/deep.txt'], [], '/**/**/*.txt', ['/top.txt', '/x/mid.txt', '/x/y/deep.txt']],
    [['/dir/a.txt', '/dir/sub/b.txt', '/dir/sub/deep/c.txt', '/other.txt'], [], '/dir/**/*.txt', ['/dir/a.txt', '/dir/sub/b.txt', '/dir/sub/deep/c.txt']],
    [['/a.bin'], [], '*', ['/a.bin']],
    [['/a.bin'], [], '', []],
    [['/a.bin'], [], '/', []],
    [['/a.bin'], [], '//', []],
    [['/.hidden', '/vis'], [], '/*', ['/.hidden', '/vis']],
    [['/A.txt', '/a.txt'], [], '/a.*', ['/a.txt']],
    [['/d/x'], [], '/d/..', []],
    [['/d/x'], [], '/d/./x', []],
    [['/a]', '/b'], [], '/[]a]*', ['/a]']],
    [['/[x', '/x'], [], '/[x', ['/[x']],
    [['/a', '/b', '/c', '/d'], [], '/[a-c]', ['/a', '/b', '/c']],
    [['/a', '/b', '/c', '/d'], [], '/[!a-c]', ['/d']],
    [['/x/y/z'], [], '\\x\\*', ['/x/y']],
    [['/x/y/z'], [], 'x//y///z', ['/x/y/z']],
    [['/ab', '/a'], [], '/a**', ['/a', '/ab']],
    [['/q/1', '/q/2'], [], '/**', ['/q', '/q/1', '/q/2']],
    [['/é', '/z', '/Z', '/😀', '/\uff5e'], [], '/*', ['/Z', '/z', '/é', '/\uff5e', '/😀']],
    [['/a😀b'], [], '/a?b', ['/a😀b']],
  ];
  for (const [files, dirs, pattern, expected] of GLOB_CASES) {
    test(`glob ${JSON.stringify(pattern)} over ${JSON.stringify([...files, ...dirs])}`, async () => {
      await withFs(build, {}, async (fs) => {
        await tree(fs, files, dirs);
        assert.deepEqual(await fs.glob(pattern), expected);
      });
    });
  }

  test('glob errors: NUL / lone surrogate → EINVAL, over 4096 bytes → ENAMETOOLONG', async () => {
    await withFs(build, {}, async (fs) => {
      await assertDMemFSError(fs.glob('/a\0'), { code: 'EINVAL', syscall: 'glob' });
      await assertDMemFSError(fs.glob('/a\uD800'), { code: 'EINVAL', syscall: 'glob' });
      await assertDMemFSError(fs.glob('/' + 'x'.repeat(4096)), { code: 'ENAMETOOLONG', syscall: 'glob' });
      assert.deepEqual(await fs.glob('/' + 'x'.repeat(4095)), []);
    });
  });

  test('glob is not exponential: /**/**/**/**/**/**/**/**/*x over a deep tree', async () => {
    await withFs(build, {}, async (fs) => {
      await fs.mkdir('/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a');
      const t0 = performance.now();
      assert.deepEqual(await fs.glob('/**/**/**/**/**/**/**/**/**/**/*x'), []);
      assert.deepEqual(await fs.glob('/' + '*a'.repeat(30) + 'b'), []);
      assert.ok(performance.now() - t0 < 10000);
    });
  });

  // ── §7.9 table ──
  test('§7.9: open wb/ab/xb do not create parents', async () => {
    await withFs(build, {}, async (fs) => {
      for (const m of ['wb', 'ab', 'xb']) await assertDMemFSError(fs.open('/p/q', m), { code: 'ENOENT', syscall: 'open' });
      assert.equal(await fs.exists('/p'), false);
    });
  });

  test('§7.9: rename within the same parent moves the entry to the end', async () => {
    await withFs(build, {}, async (fs) => {
      await tree(fs, ['/a', '/b', '/c']);
      await fs.rename('/a', '/a2');
      assert.deepEqual(await fs.listdir('/'), ['b', 'c', 'a2']);
    });
  });

  test('§7.9: wb keeps the entry in place; move/copyTree entries go last', async () => {
    await withFs(build, {}, async (fs) => {
      await tree(fs, ['/a', '/b'], ['/d']); // dirs first: d, a, b
      assert.deepEqual(await fs.listdir('/'), ['d', 'a', 'b']);
      await put(fs, '/a', 'new');
      assert.deepEqual(await fs.listdir('/'), ['d', 'a', 'b']);
      await fs.copyTree('/d', '/c');
      await fs.move('/b', '/b2');
      assert.deepEqual(await fs.listdir('/'), ['d', 'a', 'c', 'b2']);
    });
  });
});
