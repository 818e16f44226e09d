// SPEC §4.1 (codes through `constants`), §4.3 (error classes, fields, message format), §2.1.
import { test } from 'node:test';
import {
  assert, forEachBuild, withFs, assertDMemFSError, assertTypeError, assertRangeError, put,
  bytes, ERRNO, constants, MemoryFileSystem, DMemFSError, QuotaExceededError, NodeLimitExceededError,
} from './_helpers.mjs';

// Build-independent checks on the exports.
test('constants: SEEK_SET 0, SEEK_CUR 1, SEEK_END 2', () => {
  assert.equal(constants.SEEK_SET, 0);
  assert.equal(constants.SEEK_CUR, 1);
  assert.equal(constants.SEEK_END, 2);
});

for (const [name, value] of Object.entries(ERRNO)) {
  if (name === 'OK') continue;
  test(`constants.${name} === ${value} (§4.1)`, () => {
    assert.equal(constants[name], value);
  });
}

test('constants values are plain numbers (no BigInt)', () => {
  for (const [k, v] of Object.entries(constants)) assert.equal(typeof v, 'number', k);
});

test('class hierarchy: NodeLimitExceededError ⊂ QuotaExceededError ⊂ DMemFSError ⊂ Error', () => {
  assert.ok(DMemFSError.prototype instanceof Error);
  assert.ok(QuotaExceededError.prototype instanceof DMemFSError);
  assert.ok(NodeLimitExceededError.prototype instanceof QuotaExceededError);
  assert.equal(DMemFSError.prototype.name, 'DMemFSError');
});

forEachBuild('errors', (build) => {
  test('ENOENT error object: every field and the exact message', async () => {
    await withFs(build, {}, async (fs) => {
      const e = await assertDMemFSError(fs.open('/missing.bin', 'rb'), {
        code: 'ENOENT', syscall: 'open', path: '/missing.bin', dest: undefined,
      });
      assert.equal(e.name, 'DMemFSError');
      assert.equal(e.errno, -2);
      assert.ok(/^ENOENT: no such file or directory( \([^)]*\))?, open '\/missing\.bin'$/.test(e.message), e.message);
      assert.equal(typeof e.stack, 'string');
    });
  });

  test('message with dest: rename src -> dst', async () => {
    await withFs(build, {}, async (fs) => {
      const e = await assertDMemFSError(fs.rename('/nope', '/other'), { code: 'ENOENT', syscall: 'rename', path: '/nope', dest: '/other' });
      assert.ok(/^ENOENT: no such file or directory( \([^)]*\))?, rename '\/nope' -> '\/other'$/.test(e.message), e.message);
    });
  });

  test('path and dest are normalized in errors', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/a', 'x');
      await assertDMemFSError(fs.copy('a', '//a/'), { code: 'EEXIST', syscall: 'copy', path: '/a', dest: '/a' });
      await assertDMemFSError(fs.move('\\a', 'a/./'), { code: 'EEXIST', syscall: 'move', path: '/a', dest: '/a' });
      await assertDMemFSError(fs.copyTree('/x/../zz', '/b'), { code: 'ENOENT', syscall: 'copyTree', path: '/zz', dest: '/b' });
    });
  });

  test('a path that fails normalization is reported as given', async () => {
    await withFs(build, {}, async (fs) => {
      await assertDMemFSError(fs.stat('../up'), { code: 'EINVAL', syscall: 'stat', path: '../up' });
      await put(fs, '/a', 'x');
      await assertDMemFSError(fs.rename('/a', '/../b'), { code: 'EINVAL', syscall: 'rename', path: '/a', dest: '/../b' });
    });
  });

  test('handle errors carry the handle path and the method as syscall', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/dir-less.bin', 'x');
      const h = await fs.open('dir-less.bin', 'rb');
      const e = await assertDMemFSError(h.write(bytes('x')), { code: 'EBADF', syscall: 'write', path: '/dir-less.bin' });
      assert.ok(e.message.endsWith(", write '/dir-less.bin'"), e.message);
      await assertDMemFSError(h.seek(0, 7), { code: 'EINVAL', syscall: 'seek', path: '/dir-less.bin' });
      await h.close();
      await assertDMemFSError(h.tell(), { code: 'EBADF', syscall: 'tell', path: '/dir-less.bin' });
    });
  });

  test('closed instance: EBADF with the method as syscall', async () => {
    const fs = await MemoryFileSystem.create({ build });
    await fs.close();
    await assertDMemFSError(fs.mkdir('/x'), { code: 'EBADF', syscall: 'mkdir' });
    await assertDMemFSError(fs.stats(), { code: 'EBADF', syscall: 'stats', path: undefined });
  });

  test('byte-quota error: QuotaExceededError fields; no node fields required', async () => {
    await withFs(build, { maxQuota: 137 }, async (fs) => {
      const h = await fs.open('/a.bin', 'wb');
      const e = await assertDMemFSError(h.write(new Uint8Array(10)), { code: 'ENOSPC', requested: 138, available: 137, syscall: 'write', path: '/a.bin' });
      assert.equal(e.message, "ENOSPC: no space left on device (quota exceeded: requested 138 bytes, available 137), write '/a.bin'");
      assert.equal(typeof e.requested, 'number');
      assert.equal(typeof e.available, 'number');
      await h.close();
    });
  });

  test('node-limit error: NodeLimitExceededError with current, limit, requested, available', async () => {
    await withFs(build, { maxNodes: 3 }, async (fs) => {
      await fs.mkdir('/a');
      await fs.mkdir('/b');
      const e = await assertDMemFSError(fs.mkdir('/c'), { code: 'ENOSPC', current: 3, limit: 3, requested: 1, available: 0, syscall: 'mkdir', path: '/c' });
      assert.equal(e.message, "ENOSPC: no space left on device (node limit exceeded: current 3, limit 3), mkdir '/c'");
      assert.equal(e.errno, -28);
    });
  });

  test('EISDIR / ENOTDIR / EEXIST / EBUSY / EAGAIN / EFBIG / ENOTSUP / ENAMETOOLONG have their §4.1 numbers', async () => {
    await withFs(build, { defaultStorage: 'sequential' }, async (fs) => {
      await put(fs, '/f', 'abc');
      await fs.mkdir('/d');
      await assertDMemFSError(fs.remove('/d'), { code: 'EISDIR', errno: -21 });
      await assertDMemFSError(fs.listdir('/f'), { code: 'ENOTDIR', errno: -20 });
      await assertDMemFSError(fs.mkdir('/d'), { code: 'EEXIST', errno: -17 });
      await assertDMemFSError(fs.readFile('/f', { maxSize: 1 }), { code: 'EFBIG', errno: -27 });
      await assertDMemFSError(fs.stat('/' + 'n'.repeat(256)), { code: 'ENAMETOOLONG', errno: -36 });
      const h = await fs.open('/f', 'r+b');
      await assertDMemFSError(fs.remove('/f'), { code: 'EBUSY', errno: -16 });
      await assertDMemFSError(fs.open('/f', 'rb', { lockTimeout: 0 }), { code: 'EAGAIN', errno: -11 });
      await assertDMemFSError(h.write(bytes('x')), { code: 'ENOTSUP', errno: -95 });
      await h.close();
    });
  });

  test('argument errors are not DMemFSErrors: TypeError / RangeError with codes', async () => {
    await withFs(build, {}, async (fs) => {
      const t = await assertTypeError(fs.stat(42), 'ERR_INVALID_ARG_TYPE');
      assert.ok(!(t instanceof DMemFSError));
      await assertTypeError(fs.open('/a', 5), 'ERR_INVALID_ARG_TYPE');
      await assertRangeError(fs.open('/a', 'wb', { preallocate: 1.5 }), 'ERR_OUT_OF_RANGE');
      await assertRangeError(fs.open('/a', 'wb', { lockTimeout: -1 }), 'ERR_OUT_OF_RANGE');
    });
  });

  test('errors are reported by rejection, never a synchronous throw', async () => {
    await withFs(build, {}, async (fs) => {
      const calls = [
        () => fs.stat(42), () => fs.open(null), () => fs.mkdir('/x', 5), () => fs.readFile('/m'),
        () => fs.importTree('x'), () => fs.glob(5), () => fs.copy(1, 2), () => fs.writeFile('/a', 'str'),
      ];
      for (const c of calls) {
        let p;
        assert.doesNotThrow(() => { p = c(); });
        assert.ok(p instanceof Promise);
        await p.catch(() => {});
      }
    });
  });

  // syscall is the method name for every method (§4.3); each row triggers a real failure.
  const SYSCALL_ROWS = [
    ['open', (fs) => fs.open('/missing', 'rb'), 'ENOENT', '/missing'],
    ['mkdir', (fs) => fs.mkdir('/f'), 'EEXIST', '/f'],
    ['rename', (fs) => fs.rename('/missing', '/z'), 'ENOENT', '/missing', '/z'],
    ['move', (fs) => fs.move('/missing', '/z'), 'ENOENT', '/missing', '/z'],
    ['remove', (fs) => fs.remove('/d'), 'EISDIR', '/d'],
    ['rmtree', (fs) => fs.rmtree('/f'), 'ENOTDIR', '/f'],
    ['listdir', (fs) => fs.listdir('/f'), 'ENOTDIR', '/f'],
    ['stat', (fs) => fs.stat('/missing'), 'ENOENT', '/missing'],
    ['getSize', (fs) => fs.getSize('/d'), 'EISDIR', '/d'],
    ['readFile', (fs) => fs.readFile('/d'), 'EISDIR', '/d'],
    ['writeFile', (fs) => fs.writeFile('/d', bytes('x')), 'EISDIR', '/d'],
    ['exportTree', (fs) => fs.exportTree({ prefix: '/..' }), 'EINVAL', '/..'],
    ['iterExportTree', (fs) => fs.iterExportTree({ prefix: '/..' }).next(), 'EINVAL', '/..'],
    ['importTree', (fs) => fs.importTree({ '/d': bytes('x') }), 'EISDIR', '/d'],
    ['copy', (fs) => fs.copy('/d', '/z'), 'EISDIR', '/d', '/z'],
    ['copyTree', (fs) => fs.copyTree('/f', '/z'), 'ENOTDIR', '/f', '/z'],
    ['walk', (fs) => fs.walk('/f').next(), 'ENOTDIR', '/f'],
    ['glob', (fs) => fs.glob('/\0'), 'EINVAL'],
  ];
  for (const [syscall, call, code, path, dest] of SYSCALL_ROWS) {
    test(`syscall '${syscall}' on ${code}`, async () => {
      await withFs(build, {}, async (fs) => {
        await put(fs, '/f', 'x');
        await fs.mkdir('/d');
        const exp = { code, syscall };
        if (path !== undefined) exp.path = path;
        if (dest !== undefined) exp.dest = dest;
        await assertDMemFSError(call(fs), exp);
      });
    });
  }

  const HANDLE_ROWS = [
    ['read', (h) => h.read(), 'wb'], ['readInto', (h) => h.readInto(new Uint8Array(1)), 'ab'],
    ['write', (h) => h.write(bytes('x')), 'rb'], ['truncate', (h) => h.truncate(0), 'rb'],
    ['seek', (h) => h.seek(-1), 'rb'],
  ];
  for (const [syscall, call, mode] of HANDLE_ROWS) {
    test(`handle syscall '${syscall}' (${mode})`, async () => {
      await withFs(build, {}, async (fs) => {
        await put(fs, '/h.bin', 'abc');
        const h = await fs.open('/h.bin', mode);
        await assertDMemFSError(call(h), { code: syscall === 'seek' ? 'EINVAL' : 'EBADF', syscall, path: '/h.bin' });
        await h.close();
      });
    });
  }

  for (const q of ['exists', 'isDir', 'isFile', 'stats', 'listdir', 'glob']) {
    test(`closed instance: ${q} rejects EBADF with syscall '${q}'`, async () => {
      const fs = await MemoryFileSystem.create({ build });
      await fs.close();
      await assertDMemFSError(q === 'stats' ? fs.stats() : fs[q]('/'), { code: 'EBADF', syscall: q });
    });
  }

  test('messages include a detail in parentheses only as "(…)" right after the description', async () => {
    await withFs(build, {}, async (fs) => {
      const e = await fs.stat('/..').catch((x) => x);
      assert.ok(/^EINVAL: invalid argument( \([^)]+\))?, stat '\/\.\.'$/.test(e.message), e.message);
      const h = await fs.open('/a', 'wb');
      await h.close();
      const e2 = await h.read().catch((x) => x);
      assert.ok(/^EBADF: bad file descriptor( \([^)]+\))?, read '\/a'$/.test(e2.message), e2.message);
    });
  });

  test('error objects are distinct per failure (no shared mutable instance)', async () => {
    await withFs(build, {}, async (fs) => {
      const a = await fs.stat('/x').catch((e) => e);
      const b = await fs.stat('/y').catch((e) => e);
      assert.notEqual(a, b);
      assert.equal(a.path, '/x');
      assert.equal(b.path, '/y');
    });
  });
});
