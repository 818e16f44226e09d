// SPEC §10 (limits and bad input: every row, every method it applies to) and the §2.1
// check order. A bad value never changes the filesystem (snapshot before/after).
import { test } from 'node:test';
import {
  assert, forEachBuild, withFs, assertDMemFSError, assertTypeError, assertRangeError,
  assertUnchanged, put, bytes, MemoryFileSystem, TextHandle, MAX_SAFE,
} from './_helpers.mjs';

/** Calls an iterator-returning method (must not throw) and returns its first next(). */
function firstNext(make) {
  let it;
  try { it = make(); } catch (e) {
    assert.fail(`iterator method threw synchronously: ${e && e.message}`);
  }
  assert.equal(typeof it.next, 'function');
  return it.next();
}

// Every path position of every method: [label, call(fs, p), role, syscall, boolean query?]
const PATH_POSITIONS = [
  ['open wb', (fs, p) => fs.open(p, 'wb'), 'path', 'open'],
  ['open rb', (fs, p) => fs.open(p, 'rb'), 'path', 'open'],
  ['mkdir', (fs, p) => fs.mkdir(p), 'path', 'mkdir'],
  ['mkdir existOk', (fs, p) => fs.mkdir(p, { existOk: true }), 'path', 'mkdir'],
  ['rename src', (fs, p) => fs.rename(p, '/z'), 'path', 'rename'],
  ['rename dst', (fs, p) => fs.rename('/f', p), 'dest', 'rename'],
  ['move src', (fs, p) => fs.move(p, '/z'), 'path', 'move'],
  ['move dst', (fs, p) => fs.move('/f', p), 'dest', 'move'],
  ['remove', (fs, p) => fs.remove(p), 'path', 'remove'],
  ['rmtree', (fs, p) => fs.rmtree(p), 'path', 'rmtree'],
  ['listdir', (fs, p) => fs.listdir(p), 'path', 'listdir'],
  ['stat', (fs, p) => fs.stat(p), 'path', 'stat'],
  ['getSize', (fs, p) => fs.getSize(p), 'path', 'getSize'],
  ['readFile', (fs, p) => fs.readFile(p), 'path', 'readFile'],
  ['writeFile', (fs, p) => fs.writeFile(p, bytes('x')), 'path', 'writeFile'],
  ['copy src', (fs, p) => fs.copy(p, '/z'), 'path', 'copy'],
  ['copy dst', (fs, p) => fs.copy('/f', p), 'dest', 'copy'],
  ['copyTree src', (fs, p) => fs.copyTree(p, '/z'), 'path', 'copyTree'],
  ['copyTree dst', (fs, p) => fs.copyTree('/d', p), 'dest', 'copyTree'],
  ['walk', (fs, p) => firstNext(() => fs.walk(p)), 'path', 'walk', false, true],
  ['exportTree prefix', (fs, p) => fs.exportTree({ prefix: p }), 'path', 'exportTree', false, true],
  ['iterExportTree prefix', (fs, p) => firstNext(() => fs.iterExportTree({ prefix: p })), 'path', 'iterExportTree', false, true],
  ['importTree Map key', (fs, p) => fs.importTree(new Map([[p, bytes('x')]])), 'path', 'importTree'],
  ['exists', (fs, p) => fs.exists(p), 'path', 'exists', true],
  ['isDir', (fs, p) => fs.isDir(p), 'path', 'isDir', true],
  ['isFile', (fs, p) => fs.isFile(p), 'path', 'isFile', true],
];

const TYPE_BAD = [
  ['42', 42], ['null', null], ['undefined', undefined], ['URL', new URL('file:///f')],
  ['Buffer', Buffer.from('/f')], ['Uint8Array', new Uint8Array([47, 102])],
  ['{toString}', { toString: () => '/f' }],
];
const VALUE_BAD = [
  ['NUL', '/a\0b', 'EINVAL'], ['lone surrogate', '/a\uD800', 'EINVAL'],
  ['traversal', '/../x', 'EINVAL'], ['name > 255', '/' + 'n'.repeat(256), 'ENAMETOOLONG'],
  ['path > 4096', '/' + Array.from({ length: 17 }, () => 'p'.repeat(250)).join('/'), 'ENAMETOOLONG'],
];

async function setup(fs) {
  await fs.mkdir('/d');
  await put(fs, '/d/in', 'inner');
  await put(fs, '/f', 'data');
}

forEachBuild('badinput', (build) => {
  for (const [label, call, role, syscall, isQuery, hasDefault] of PATH_POSITIONS) {
    test(`§10 path types → TypeError: ${label}`, async () => {
      await withFs(build, {}, async (fs) => {
        await setup(fs);
        await assertUnchanged(fs, async () => {
          for (const [vl, v] of TYPE_BAD) {
            if (hasDefault && v === undefined) continue; // walk(undefined) / prefix undefined = default
            await assertTypeError(call(fs, v), 'ERR_INVALID_ARG_TYPE').catch((e) => { e.message = `${vl}: ${e.message}`; throw e; });
          }
        });
      });
    });

    test(`§10 NUL / surrogate / traversal / too long: ${label}`, async () => {
      await withFs(build, {}, async (fs) => {
        await setup(fs);
        await assertUnchanged(fs, async () => {
          for (const [vl, v, code] of VALUE_BAD) {
            if (isQuery) {
              assert.equal(await call(fs, v), false, `${label} ${vl}`);
              continue;
            }
            const exp = { code, syscall };
            if (role === 'path') exp.path = v; else exp.dest = v;
            await assertDMemFSError(call(fs, v), exp).catch((e) => { e.message = `${vl}: ${e.message}`; throw e; });
          }
        });
      });
    });
  }

  test('glob pattern: non-string → TypeError; NUL / surrogate → EINVAL; > 4096 bytes → ENAMETOOLONG', async () => {
    await withFs(build, {}, async (fs) => {
      await setup(fs);
      await assertUnchanged(fs, async () => {
        for (const [, v] of TYPE_BAD) await assertTypeError(fs.glob(v), 'ERR_INVALID_ARG_TYPE');
        await assertDMemFSError(fs.glob('/a\0'), { code: 'EINVAL', syscall: 'glob' });
        await assertDMemFSError(fs.glob('/\uDC00'), { code: 'EINVAL', syscall: 'glob' });
        await assertDMemFSError(fs.glob('/' + 'g'.repeat(4096)), { code: 'ENAMETOOLONG', syscall: 'glob' });
        assert.deepEqual(await fs.glob('/../*'), []); // '..' is literal in patterns
      });
    });
  });

  test('§10 mode: not one of the five → EINVAL; not a string → TypeError', async () => {
    await withFs(build, {}, async (fs) => {
      await setup(fs);
      await assertUnchanged(fs, async () => {
        for (const m of ['r', 'w', 'rb+', 'br', 'w+b', 'a+b', 'x+b', 'rt', 'RB', '']) {
          await assertDMemFSError(fs.open('/f', m), { code: 'EINVAL', syscall: 'open', path: '/f' });
        }
        for (const m of [1, null, {}, ['rb'], Buffer.from('rb')]) {
          await assertTypeError(fs.open('/f', m), 'ERR_INVALID_ARG_TYPE');
        }
      });
    });
  });

  test('§10 preallocate: −1 / with rb → EINVAL; 1.5 → RangeError; 2^50 → ENOSPC; "1" → TypeError', async () => {
    await withFs(build, { maxQuota: 1 << 20 }, async (fs) => {
      await setup(fs);
      await assertUnchanged(fs, async () => {
        await assertDMemFSError(fs.open('/n', 'wb', { preallocate: -1 }), { code: 'EINVAL', syscall: 'open' });
        await assertDMemFSError(fs.open('/f', 'rb', { preallocate: 1 }), { code: 'EINVAL', syscall: 'open' });
        await assertRangeError(fs.open('/n', 'wb', { preallocate: 1.5 }));
        await assertRangeError(fs.open('/n', 'wb', { preallocate: NaN }));
        await assertRangeError(fs.open('/n', 'wb', { preallocate: 2 ** 53 }));
        await assertRangeError(fs.open('/n', 'wb', { preallocate: Infinity }));
        await assertDMemFSError(fs.open('/n', 'wb', { preallocate: 2 ** 50 }), { code: 'ENOSPC', requested: 2 ** 50 + 128, available: (1 << 20) - 2 * 128 - 9 });
        await assertTypeError(fs.open('/n', 'wb', { preallocate: '1' }), 'ERR_INVALID_ARG_TYPE');
      });
      assert.equal(await fs.exists('/n'), false);
    });
  });

  const LOCK_METHODS = [
    ['open', (fs, o) => fs.open('/f', 'rb', o)],
    ['readFile', (fs, o) => fs.readFile('/f', o)],
    ['writeFile', (fs, o) => fs.writeFile('/f', bytes('zz'), o)],
    ['exportTree', (fs, o) => fs.exportTree(o)],
    ['iterExportTree', (fs, o) => firstNext(() => fs.iterExportTree(o))],
    ['copy', (fs, o) => fs.copy('/f', '/z', o)],
    ['copyTree', (fs, o) => fs.copyTree('/d', '/z', o)],
  ];
  for (const [name, call] of LOCK_METHODS) {
    test(`§10 lockTimeout −1 / NaN / 1.5 / -Infinity / 2^53 → RangeError, "5" → TypeError: ${name}`, async () => {
      await withFs(build, {}, async (fs) => {
        await setup(fs);
        await assertUnchanged(fs, async () => {
          for (const v of [-1, NaN, 1.5, -Infinity, 2 ** 53]) await assertRangeError(call(fs, { lockTimeout: v }));
          await assertTypeError(call(fs, { lockTimeout: '5' }), 'ERR_INVALID_ARG_TYPE');
          await assertTypeError(call(fs, { lockTimeout: null }), 'ERR_INVALID_ARG_TYPE');
        });
        // valid: 0, Infinity, undefined
        for (const v of [0, Infinity, undefined]) {
          const r = await call(fs, { lockTimeout: v });
          if (r && typeof r.close === 'function') await r.close();
          if (name === 'copy' || name === 'copyTree') await (name === 'copy' ? fs.remove('/z') : fs.rmtree('/z'));
        }
      });
    });
  }

  test('§10 maxSize −1 → RangeError (also NaN, 1.5)', async () => {
    await withFs(build, {}, async (fs) => {
      await setup(fs);
      for (const v of [-1, NaN, 1.5]) await assertRangeError(fs.readFile('/f', { maxSize: v }));
    });
  });

  test('§10 read(-7) to end / read(1.5) RangeError / read(null) TypeError; readInto([]) TypeError', async () => {
    await withFs(build, {}, async (fs) => {
      await setup(fs);
      const h = await fs.open('/f', 'rb');
      await assertRangeError(h.read(1.5));
      await assertRangeError(h.read(NaN));
      await assertRangeError(h.read(2 ** 53));
      await assertTypeError(h.read(null), 'ERR_INVALID_ARG_TYPE');
      await assertTypeError(h.read('1'), 'ERR_INVALID_ARG_TYPE');
      await assertTypeError(h.readInto([]), 'ERR_INVALID_ARG_TYPE');
      await assertTypeError(h.readInto(new Uint16Array(2)), 'ERR_INVALID_ARG_TYPE');
      await assertTypeError(h.readInto(new ArrayBuffer(2)), 'ERR_INVALID_ARG_TYPE');
      assert.equal(await h.tell(), 0);
      assert.deepEqual(Array.from(await h.read(-7)), Array.from(bytes('data')));
      await h.close();
    });
  });

  test("§10 write('text') / Uint16Array / ArrayBuffer / DataView / number → TypeError, nothing written", async () => {
    await withFs(build, {}, async (fs) => {
      await setup(fs);
      const h = await fs.open('/f', 'r+b');
      await assertUnchanged(fs, async () => {
        for (const v of ['text', new Uint16Array(2), new ArrayBuffer(2), new DataView(new ArrayBuffer(2)), 5, null, undefined, [1], new Int8Array(2)]) {
          await assertTypeError(h.write(v), 'ERR_INVALID_ARG_TYPE');
        }
      });
      assert.equal(await h.tell(), 0);
      await h.close();
    });
  });

  test('§10 seek(-1), seek(1, 2), seek(0, 3), seek(-1, 1) at 0, seek(1, 1) at MAX_SAFE → EINVAL; seek(2**53) → RangeError', async () => {
    await withFs(build, {}, async (fs) => {
      await setup(fs);
      const h = await fs.open('/f', 'rb');
      await assertDMemFSError(h.seek(-1), { code: 'EINVAL', syscall: 'seek', path: '/f' });
      await assertDMemFSError(h.seek(1, 2), { code: 'EINVAL', syscall: 'seek' });
      await assertDMemFSError(h.seek(0, 3), { code: 'EINVAL', syscall: 'seek' });
      await assertDMemFSError(h.seek(-1, 1), { code: 'EINVAL', syscall: 'seek' });
      assert.equal(await h.tell(), 0);
      await h.seek(MAX_SAFE);
      await assertDMemFSError(h.seek(1, 1), { code: 'EINVAL', syscall: 'seek' });
      await assertRangeError(h.seek(2 ** 53));
      await assertRangeError(h.seek(0, 1.5));
      await assertRangeError(h.seek(1.5));
      await assertTypeError(h.seek('1'), 'ERR_INVALID_ARG_TYPE');
      await assertTypeError(h.seek(0, '1'), 'ERR_INVALID_ARG_TYPE');
      assert.equal(await h.tell(), MAX_SAFE);
      await h.close();
    });
  });

  test('§10 truncate(-1) → EINVAL; a write ending past MAX_SAFE → EFBIG', async () => {
    await withFs(build, {}, async (fs) => {
      await setup(fs);
      const h = await fs.open('/f', 'r+b');
      await assertUnchanged(fs, async () => {
        await assertDMemFSError(h.truncate(-1), { code: 'EINVAL', syscall: 'truncate', path: '/f' });
        await h.seek(MAX_SAFE - 2);
        await assertDMemFSError(h.write(bytes('abc')), { code: 'EFBIG', syscall: 'write', path: '/f' });
      });
      await h.close();
    });
  });

  test('§10 huge truncate / preallocate / write far past the end → ENOSPC', async () => {
    await withFs(build, { maxQuota: 4096 }, async (fs) => {
      await setup(fs);
      const h = await fs.open('/f', 'r+b');
      await assertUnchanged(fs, async () => {
        await assertDMemFSError(h.truncate(MAX_SAFE), { code: 'ENOSPC', syscall: 'truncate' });
        await h.seek(2 ** 45);
        await assertDMemFSError(h.write(bytes('x')), { code: 'ENOSPC', syscall: 'write' });
        await assertDMemFSError(fs.open('/g', 'wb', { preallocate: MAX_SAFE }), { code: 'ENOSPC', syscall: 'open' });
      });
      await h.close();
    });
  });

  test('§10 any call on a closed instance → EBADF', async () => {
    const fs = await MemoryFileSystem.create({ build });
    await setup(fs);
    await fs.close();
    const calls = {
      open: () => fs.open('/f', 'rb'), mkdir: () => fs.mkdir('/x'), rename: () => fs.rename('/f', '/g'),
      move: () => fs.move('/f', '/g'), remove: () => fs.remove('/f'), rmtree: () => fs.rmtree('/d'),
      listdir: () => fs.listdir('/'), exists: () => fs.exists('/'), isDir: () => fs.isDir('/'),
      isFile: () => fs.isFile('/f'), stat: () => fs.stat('/'), stats: () => fs.stats(),
      getSize: () => fs.getSize('/f'), readFile: () => fs.readFile('/f'),
      writeFile: () => fs.writeFile('/f', bytes('x')), exportTree: () => fs.exportTree(),
      iterExportTree: () => firstNext(() => fs.iterExportTree()), importTree: () => fs.importTree({ '/x': bytes('x') }),
      copy: () => fs.copy('/f', '/g'), copyTree: () => fs.copyTree('/d', '/e'),
      walk: () => firstNext(() => fs.walk('/')), glob: () => fs.glob('/*'),
    };
    for (const [name, fn] of Object.entries(calls)) {
      await assertDMemFSError(fn(), { code: 'EBADF', syscall: name }).catch((e) => { e.message = `${name}: ${e.message}`; throw e; });
    }
    assert.equal(fs.closed, true);
    await fs.close();
  });

  test('§10 any handle call but close() on a closed handle → EBADF', async () => {
    await withFs(build, {}, async (fs) => {
      await setup(fs);
      for (const mode of ['rb', 'r+b', 'wb', 'ab']) {
        const h = await fs.open('/f', mode);
        await h.close();
        for (const [name, fn] of [['read', () => h.read()], ['readInto', () => h.readInto(new Uint8Array(1))],
          ['write', () => h.write(bytes('x'))], ['seek', () => h.seek(0)], ['tell', () => h.tell()],
          ['truncate', () => h.truncate(0)], ['flush', () => h.flush()]]) {
          await assertDMemFSError(fn(), { code: 'EBADF', syscall: name, path: '/f' });
        }
        await h.close();
      }
    });
  });

  test("§10 importTree('x') / null / string value / malformed pair → TypeError", async () => {
    await withFs(build, {}, async (fs) => {
      await setup(fs);
      await assertUnchanged(fs, async () => {
        for (const v of ['x', null, 5, true, { '/a': 'text' }, [['/a']], [['/a', bytes('x'), 'extra']], [['/a', 'str']], ['/a'], new Map([['/a', 'str']]), { '/a': [1, 2] }]) {
          await assertTypeError(fs.importTree(v), 'ERR_INVALID_ARG_TYPE');
        }
      });
    });
  });

  test('importTree: a bad value after good entries still changes nothing', async () => {
    await withFs(build, {}, async (fs) => {
      await setup(fs);
      await assertUnchanged(fs, async () => {
        await assertTypeError(fs.importTree([['/ok1', bytes('1')], ['/new/ok2', bytes('2')], ['/bad', 'str']]), 'ERR_INVALID_ARG_TYPE');
        await assertTypeError(fs.importTree({ '/ok': bytes('1'), '/bad': 42 }), 'ERR_INVALID_ARG_TYPE');
      });
    });
  });

  test("§10 mkdir(p, {existOk: 'yes'}), exportTree({onlyDirty: 1}) → TypeError", async () => {
    await withFs(build, {}, async (fs) => {
      await setup(fs);
      await assertUnchanged(fs, async () => {
        await assertTypeError(fs.mkdir('/new', { existOk: 'yes' }), 'ERR_INVALID_ARG_TYPE');
        await assertTypeError(fs.mkdir('/new', { existOk: 1 }), 'ERR_INVALID_ARG_TYPE');
        await assertTypeError(fs.exportTree({ onlyDirty: 1 }), 'ERR_INVALID_ARG_TYPE');
        await assertTypeError(firstNext(() => fs.iterExportTree({ onlyDirty: 1 })), 'ERR_INVALID_ARG_TYPE');
      });
    });
  });

  test('§10 new TextHandle({}) TypeError / latin1 RangeError / text write(42) TypeError', async () => {
    await withFs(build, {}, async (fs) => {
      await setup(fs);
      await assertTypeError(() => new TextHandle({}));
      const h = await fs.open('/f', 'r+b');
      await assertRangeError(() => new TextHandle(h, { encoding: 'latin1' }), 'ERR_ENCODING_NOT_SUPPORTED');
      await assertUnchanged(fs, async () => {
        await assertTypeError(new TextHandle(h).write(42));
      });
      await h.close();
    });
  });

  test('§10 attach({}) → TypeError ERR_INVALID_ARG_VALUE', async () => {
    await assertTypeError(MemoryFileSystem.attach({}), 'ERR_INVALID_ARG_VALUE');
  });

  // ── §2.1 check order ──
  test('order: a closed fs with a bad-type argument gives TypeError, not EBADF', async () => {
    const fs = await MemoryFileSystem.create({ build });
    await fs.close();
    await assertTypeError(fs.stat(42), 'ERR_INVALID_ARG_TYPE');
    await assertTypeError(fs.open('/a', 7), 'ERR_INVALID_ARG_TYPE');
    await assertRangeError(fs.open('/a', 'wb', { preallocate: 1.5 }));
    await assertRangeError(fs.readFile('/a', { lockTimeout: -1 }));
    await assertTypeError(fs.importTree('x'), 'ERR_INVALID_ARG_TYPE');
    await assertTypeError(fs.writeFile('/a', 'str'), 'ERR_INVALID_ARG_TYPE');
    await assertTypeError(fs.exists(null), 'ERR_INVALID_ARG_TYPE');
  });

  test('order: a closed fs with a bad mode / bad path gives EBADF (step 2 before 3 and 4)', async () => {
    const fs = await MemoryFileSystem.create({ build });
    await fs.close();
    await assertDMemFSError(fs.open('/a', 'r'), { code: 'EBADF', syscall: 'open' });
    await assertDMemFSError(fs.open('/..', 'rb'), { code: 'EBADF', syscall: 'open' });
    await assertDMemFSError(fs.open('/a', 'wb', { preallocate: -1 }), { code: 'EBADF' });
    await assertDMemFSError(fs.exists('/..'), { code: 'EBADF', syscall: 'exists' });
  });

  test('order: closed handle + bad-type argument → TypeError; closed handle + bad whence → EBADF', async () => {
    await withFs(build, {}, async (fs) => {
      await setup(fs);
      const h = await fs.open('/f', 'r+b');
      await h.close();
      await assertTypeError(h.write('str'), 'ERR_INVALID_ARG_TYPE');
      await assertRangeError(h.read(1.5));
      await assertTypeError(h.seek('0'), 'ERR_INVALID_ARG_TYPE');
      await assertDMemFSError(h.seek(0, 9), { code: 'EBADF', syscall: 'seek' });
      await assertDMemFSError(h.truncate(-1), { code: 'EBADF', syscall: 'truncate' });
    });
  });

  test('order: mode / preallocate (step 3) before path normalization (step 4) and resolution', async () => {
    await withFs(build, {}, async (fs) => {
      await setup(fs);
      await assertDMemFSError(fs.open('/missing', 'r'), { code: 'EINVAL', syscall: 'open', path: '/missing' });
      await assertDMemFSError(fs.open('/' + 'x'.repeat(300), 'bad'), { code: 'EINVAL', syscall: 'open' });
      await assertDMemFSError(fs.open('/missing', 'rb', { preallocate: 5 }), { code: 'EINVAL' });
      await assertDMemFSError(fs.open('/d', 'wb', { preallocate: -1 }), { code: 'EINVAL' });
    });
  });

  test('order: normalization of each path, source first, before the method checks', async () => {
    await withFs(build, {}, async (fs) => {
      await setup(fs);
      await assertDMemFSError(fs.rename('/' + 'x'.repeat(256), '/..'), { code: 'ENAMETOOLONG', syscall: 'rename' });
      await assertDMemFSError(fs.rename('/..', '/' + 'x'.repeat(256)), { code: 'EINVAL', syscall: 'rename', path: '/..' });
      await assertDMemFSError(fs.copy('/missing', '/../x'), { code: 'EINVAL', syscall: 'copy', path: '/missing', dest: '/../x' });
      await assertDMemFSError(fs.rename('/', '/a\0'), { code: 'EINVAL', syscall: 'rename', dest: '/a\0' });
      await assertDMemFSError(fs.move('/missing', '/' + 'y'.repeat(256)), { code: 'ENAMETOOLONG', syscall: 'move' });
    });
  });

  test('order: lock wait (step 6) before node limit and quota (step 7)', async () => {
    await withFs(build, { maxQuota: 0 }, async (fs) => {
      await put(fs, '/f', '');
      const h = await fs.open('/f', 'wb');
      await assertDMemFSError(fs.open('/f', 'wb', { preallocate: 100, lockTimeout: 0 }), { code: 'EAGAIN', syscall: 'open' });
      await assertDMemFSError(fs.writeFile('/f', bytes('abc'), { lockTimeout: 0 }), { code: 'EAGAIN', syscall: 'writeFile' });
      await h.close();
      await assertDMemFSError(fs.open('/f', 'wb', { preallocate: 100, lockTimeout: 0 }), { code: 'ENOSPC', requested: 228, available: 0 });
    });
  });

  test('order: EISDIR before lock and quota for open; EEXIST for xb at once even if locked', async () => {
    await withFs(build, { maxQuota: 0 }, async (fs) => {
      await fs.mkdir('/dd');
      await assertDMemFSError(fs.open('/dd', 'wb', { preallocate: 10 }), { code: 'EISDIR' });
      await (await fs.open('/e', 'wb')).close();
      const h = await fs.open('/e', 'r+b');
      const t0 = performance.now();
      await assertDMemFSError(fs.open('/e', 'xb', { lockTimeout: 5000 }), { code: 'EEXIST', syscall: 'open', path: '/e' });
      assert.ok(performance.now() - t0 < 2000);
      await h.close();
    });
  });

  test('options arguments that are not objects → TypeError', async () => {
    await withFs(build, {}, async (fs) => {
      await setup(fs);
      await assertUnchanged(fs, async () => {
        await assertTypeError(fs.open('/f', 'rb', 5), 'ERR_INVALID_ARG_TYPE');
        await assertTypeError(fs.mkdir('/n', 'yes'), 'ERR_INVALID_ARG_TYPE');
        await assertTypeError(fs.readFile('/f', 5), 'ERR_INVALID_ARG_TYPE');
        await assertTypeError(fs.exportTree('x'), 'ERR_INVALID_ARG_TYPE');
        await assertTypeError(fs.copy('/f', '/z', 7), 'ERR_INVALID_ARG_TYPE');
      });
    });
  });
});
