// SPEC §2.2 (create options), §10 create rows, §7.6 stats() defaults, clock rules.
import { test } from 'node:test';
import {
  assert, forEachBuild, withFs, MemoryFileSystem, MAX_SAFE, assertDMemFSError,
  assertTypeError, assertRangeError, assertUnchanged, fakeClock, put, used, bytes, filled,
} from './_helpers.mjs';

const create = (build, opts) => MemoryFileSystem.create({ ...opts, build });

async function createOk(build, opts) {
  const fs = await create(build, opts);
  return fs;
}

forEachBuild('create', (build) => {
  test('defaults through stats(): 256 MiB quota, ov 128, root only', async () => {
    await withFs(build, {}, async (fs) => {
      assert.deepEqual(await fs.stats(), {
        usedBytes: 0, quotaBytes: 268435456, freeBytes: 268435456,
        fileCount: 0, dirCount: 1, chunkCount: 0, overheadPerChunk: 128,
      });
      assert.deepEqual(await fs.listdir('/'), []);
      assert.equal(fs.closed, false);
    });
  });

  test('create() with no argument uses the defaults', async () => {
    // build omitted: the loader chooses; only the defaults are checked.
    const fs = await MemoryFileSystem.create();
    try {
      const s = await fs.stats();
      assert.equal(s.quotaBytes, 268435456);
      assert.equal(s.overheadPerChunk, 128);
    } finally { await fs.close(); }
  });

  test('§7.6 example: quota 1048576 → 0, 1048576, 1048576, 0, 1, 0, 128', async () => {
    await withFs(build, { maxQuota: 1048576 }, async (fs) => {
      assert.deepEqual(await fs.stats(), {
        usedBytes: 0, quotaBytes: 1048576, freeBytes: 1048576,
        fileCount: 0, dirCount: 1, chunkCount: 0, overheadPerChunk: 128,
      });
    });
  });

  test('unknown option keys are ignored', async () => {
    await withFs(build, { foo: 1, maxQuota: 500, bar: 'x' }, async (fs) => {
      assert.equal((await fs.stats()).quotaBytes, 500);
    });
  });

  test('resolves to a MemoryFileSystem (static create returns a promise)', async () => {
    const p = MemoryFileSystem.create({ build });
    assert.ok(p instanceof Promise);
    const fs = await p;
    try { assert.ok(fs instanceof MemoryFileSystem); } finally { await fs.close(); }
  });

  // maxQuota
  test('maxQuota 0 is valid: an empty open works, no non-empty write fits', async () => {
    await withFs(build, { maxQuota: 0 }, async (fs) => {
      const h = await fs.open('/f', 'wb');
      assert.equal(await h.write(new Uint8Array(0)), 0);
      await assertDMemFSError(h.write(bytes('x')), { code: 'ENOSPC', requested: 129, available: 0, syscall: 'write', path: '/f' });
      await h.close();
      assert.equal((await fs.stats()).quotaBytes, 0);
    });
  });

  test('maxQuota MAX_SAFE is valid', async () => {
    await withFs(build, { maxQuota: MAX_SAFE }, async (fs) => {
      const s = await fs.stats();
      assert.equal(s.quotaBytes, MAX_SAFE);
      assert.equal(s.freeBytes, MAX_SAFE);
    });
  });

  for (const v of [-1, NaN, 1.5, 2 ** 53, Infinity, -Infinity]) {
    test(`maxQuota ${v} → RangeError ERR_OUT_OF_RANGE`, async () => {
      await assertRangeError(create(build, { maxQuota: v }));
    });
  }
  for (const v of ['1', 1n, {}, true]) {
    test(`maxQuota ${typeof v} → TypeError ERR_INVALID_ARG_TYPE`, async () => {
      await assertTypeError(create(build, { maxQuota: v }), 'ERR_INVALID_ARG_TYPE');
    });
  }

  // maxNodes
  test('maxNodes default Infinity: 300 nodes are fine', async () => {
    await withFs(build, { maxQuota: 1 << 20 }, async (fs) => {
      for (let i = 0; i < 300; i++) await fs.mkdir(`/d${i}`);
      assert.equal((await fs.stats()).dirCount, 301);
    });
  });
  test('maxNodes Infinity explicitly', async () => {
    await withFs(build, { maxNodes: Infinity }, async (fs) => {
      await fs.mkdir('/a/b/c');
      assert.equal((await fs.stats()).dirCount, 4);
    });
  });
  test('maxNodes MAX_SAFE valid', async () => {
    await withFs(build, { maxNodes: MAX_SAFE }, async (fs) => { await fs.mkdir('/a'); });
  });
  test('maxNodes 1 counts root: every create fails (nodes 1/1)', async () => {
    await withFs(build, { maxNodes: 1 }, async (fs) => {
      await assertDMemFSError(fs.mkdir('/d'), { code: 'ENOSPC', current: 1, limit: 1, requested: 1, available: 0, syscall: 'mkdir', path: '/d' });
      await assertDMemFSError(fs.open('/f', 'wb'), { code: 'ENOSPC', current: 1, limit: 1, requested: 1, available: 0, syscall: 'open', path: '/f' });
      assert.deepEqual(await fs.listdir('/'), []);
    });
  });
  test('maxNodes 2: one mkdir works, the second → ENOSPC(nodes 2/2)', async () => {
    await withFs(build, { maxNodes: 2 }, async (fs) => {
      await fs.mkdir('/d1');
      await assertDMemFSError(fs.mkdir('/d2'), { code: 'ENOSPC', current: 2, limit: 2, requested: 1, available: 0 });
    });
  });
  test('maxNodes 0 → NodeLimitExceededError (nodes 0/0)', async () => {
    await assertDMemFSError(create(build, { maxNodes: 0 }), { code: 'ENOSPC', current: 0, limit: 0 });
  });
  for (const v of [-1, 1.5, NaN, 2 ** 53, -Infinity]) {
    test(`maxNodes ${v} → RangeError`, async () => {
      await assertRangeError(create(build, { maxNodes: v }));
    });
  }
  test('maxNodes "3" → TypeError ERR_INVALID_ARG_TYPE', async () => {
    await assertTypeError(create(build, { maxNodes: '3' }), 'ERR_INVALID_ARG_TYPE');
  });

  // defaultStorage
  test("defaultStorage 'auto' (default): seq then promoted by a write not at end", async () => {
    await withFs(build, {}, async (fs) => {
      const h = await fs.open('/f', 'wb');
      await h.write(filled(10));
      assert.equal(await used(fs), 138);
      await h.seek(0);
      await h.write(bytes('x'));
      await h.close();
      assert.equal(await used(fs), 10);
      assert.equal((await fs.stats()).chunkCount, 0);
    });
  });
  test("defaultStorage 'auto' explicitly", async () => {
    await withFs(build, { defaultStorage: 'auto' }, async (fs) => {
      await put(fs, '/f', filled(10));
      assert.equal(await used(fs), 138);
    });
  });
  test("defaultStorage 'sequential': a write not at end → ENOTSUP", async () => {
    await withFs(build, { defaultStorage: 'sequential' }, async (fs) => {
      const h = await fs.open('/f', 'wb');
      await h.write(filled(10));
      await h.seek(0);
      await assertDMemFSError(h.write(bytes('x')), { code: 'ENOTSUP', syscall: 'write', path: '/f' });
      await h.close();
      assert.equal(await used(fs), 138);
    });
  });
  test("defaultStorage 'random_access': usage is the size", async () => {
    await withFs(build, { defaultStorage: 'random_access' }, async (fs) => {
      await put(fs, '/f', filled(10));
      assert.equal(await used(fs), 10);
      assert.equal((await fs.stats()).chunkCount, 0);
    });
  });
  for (const v of ['x', 'AUTO', 'random-access', 'randomAccess', '']) {
    test(`defaultStorage ${JSON.stringify(v)} → TypeError ERR_INVALID_ARG_VALUE`, async () => {
      await assertTypeError(create(build, { defaultStorage: v }), 'ERR_INVALID_ARG_VALUE');
    });
  }
  test('defaultStorage 1 → TypeError', async () => {
    await assertTypeError(create(build, { defaultStorage: 1 }));
  });

  // promotionHardLimit
  test('promotionHardLimit: exactly the limit promotes, one more → ENOTSUP', async () => {
    await withFs(build, { promotionHardLimit: 10 }, async (fs) => {
      await put(fs, '/a', filled(10));
      await put(fs, '/b', filled(11));
      const a = await fs.open('/a', 'r+b');
      assert.equal(await a.write(bytes('x')), 1);
      await a.close();
      const b = await fs.open('/b', 'r+b');
      await assertDMemFSError(b.write(bytes('x')), { code: 'ENOTSUP', syscall: 'write', path: '/b' });
      await b.close();
      assert.equal(await used(fs), 10 + 11 + 128);
    });
  });
  test('promotionHardLimit 0: only an empty file promotes', async () => {
    await withFs(build, { promotionHardLimit: 0 }, async (fs) => {
      const h = await fs.open('/e', 'wb');
      await h.seek(3); // write past the end of an empty file: not at end → promotion of size 0
      assert.equal(await h.write(bytes('x')), 1);
      await h.close();
      assert.equal(await used(fs), 4);
      await put(fs, '/f', 'a');
      const g = await fs.open('/f', 'r+b');
      await assertDMemFSError(g.write(bytes('b')), { code: 'ENOTSUP' });
      await g.close();
    });
  });
  test('promotionHardLimit default 536870912 reported nowhere but accepted explicitly', async () => {
    await withFs(build, { promotionHardLimit: 536870912 }, async (fs) => { await put(fs, '/a', 'x'); });
  });
  for (const v of [-1, 1.5, NaN, 2 ** 53, Infinity]) {
    test(`promotionHardLimit ${v} → RangeError`, async () => {
      await assertRangeError(create(build, { promotionHardLimit: v }));
    });
  }
  test('promotionHardLimit "1" → TypeError', async () => {
    await assertTypeError(create(build, { promotionHardLimit: '1' }), 'ERR_INVALID_ARG_TYPE');
  });

  // chunkOverhead
  test('chunkOverhead 0: a 10-byte write costs 10', async () => {
    await withFs(build, { chunkOverhead: 0 }, async (fs) => {
      await put(fs, '/f', filled(10));
      const s = await fs.stats();
      assert.equal(s.usedBytes, 10);
      assert.equal(s.overheadPerChunk, 0);
      assert.equal(s.chunkCount, 1);
    });
  });
  test('chunkOverhead 100: a 3-byte write → 103 (§6.6 ex 17)', async () => {
    await withFs(build, { chunkOverhead: 100 }, async (fs) => {
      await put(fs, '/f', 'abc');
      assert.equal(await used(fs), 103);
      assert.equal((await fs.stats()).overheadPerChunk, 100);
    });
  });
  for (const v of [-1, 1.5, NaN, 2 ** 53, Infinity]) {
    test(`chunkOverhead ${v} → RangeError`, async () => {
      await assertRangeError(create(build, { chunkOverhead: v }));
    });
  }
  test('chunkOverhead "0" → TypeError', async () => {
    await assertTypeError(create(build, { chunkOverhead: '0' }), 'ERR_INVALID_ARG_TYPE');
  });

  // defaultLockTimeout
  test('defaultLockTimeout 0: a contended open fails at once with EAGAIN', async () => {
    await withFs(build, { defaultLockTimeout: 0 }, async (fs) => {
      const h = await fs.open('/f', 'wb');
      const t0 = performance.now();
      await assertDMemFSError(fs.open('/f', 'rb'), { code: 'EAGAIN', syscall: 'open', path: '/f' });
      assert.ok(performance.now() - t0 < 1000);
      await h.close();
    });
  });
  test('defaultLockTimeout 60: a contended open waits about 60 ms then EAGAIN', async () => {
    await withFs(build, { defaultLockTimeout: 60 }, async (fs) => {
      const h = await fs.open('/f', 'wb');
      const t0 = performance.now();
      await assertDMemFSError(fs.open('/f', 'r+b'), { code: 'EAGAIN' });
      const dt = performance.now() - t0;
      assert.ok(dt >= 55, `waited ${dt} ms`);
      assert.ok(dt < 5000, `waited ${dt} ms`);
      await h.close();
    });
  });
  test('defaultLockTimeout Infinity and MAX_SAFE are valid', async () => {
    await withFs(build, { defaultLockTimeout: Infinity }, async (fs) => { await put(fs, '/a', 'x'); });
    await withFs(build, { defaultLockTimeout: MAX_SAFE }, async (fs) => { await put(fs, '/a', 'x'); });
  });
  for (const v of [-5, -1, 1.5, NaN, 2 ** 53, -Infinity]) {
    test(`defaultLockTimeout ${v} → RangeError`, async () => {
      await assertRangeError(create(build, { defaultLockTimeout: v }));
    });
  }
  test('defaultLockTimeout "5" → TypeError', async () => {
    await assertTypeError(create(build, { defaultLockTimeout: '5' }), 'ERR_INVALID_ARG_TYPE');
  });

  // clock
  test('clock: injected stamps on files, directories and root', async () => {
    const c = fakeClock(1000000);
    await withFs(build, { clock: c.fn }, async (fs) => {
      assert.equal((await fs.stat('/')).createdAt, 1000000);
      c.now = 1500000;
      await fs.mkdir('/d');
      await put(fs, '/d/f', 'x');
      const sd = await fs.stat('/d');
      assert.equal(sd.createdAt, 1500000);
      assert.equal(sd.modifiedAt, 1500000);
      c.now = 2000000;
      const h = await fs.open('/d/f', 'r+b');
      await h.write(bytes('y'));
      await h.close();
      const sf = await fs.stat('/d/f');
      assert.equal(sf.createdAt, 1500000);
      assert.equal(sf.modifiedAt, 2000000);
      assert.equal((await fs.stat('/')).modifiedAt, 1000000);
    });
  });
  test('clock result is floored', async () => {
    const c = fakeClock(1234.9);
    await withFs(build, { clock: c.fn }, async (fs) => {
      await put(fs, '/f', 'x');
      const s = await fs.stat('/f');
      assert.equal(s.createdAt, 1234);
      assert.ok(Number.isInteger(s.modifiedAt));
    });
  });
  test('clock is read at most once per operation and all stamps of one operation are equal', async () => {
    let n = 5000;
    let calls = 0;
    const clock = () => { calls++; return n++; };
    await withFs(build, { clock }, async (fs) => {
      const before = calls;
      await fs.mkdir('/a/b/c');
      assert.ok(calls - before <= 1, `clock called ${calls - before} times`);
      const [a, b, c] = await Promise.all(['/a', '/a/b', '/a/b/c'].map((p) => fs.stat(p)));
      assert.equal(a.createdAt, b.createdAt);
      assert.equal(b.createdAt, c.createdAt);
      const b2 = calls;
      await put(fs, '/a/f', 'x'); // open + write + close: three operations
      assert.ok(calls - b2 <= 3);
    });
  });
  test('Date.now is the default clock', async () => {
    const t0 = Date.now();
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'x');
      const s = await fs.stat('/f');
      assert.ok(s.createdAt >= t0 - 1 && s.createdAt <= Date.now() + 1);
    });
  });
  for (const v of [NaN, Infinity, -Infinity]) {
    test(`clock returning ${v}: TypeError ERR_INVALID_RETURN_VALUE, nothing changed`, async () => {
      const c = fakeClock(1000000);
      await withFs(build, { clock: c.fn, maxQuota: 4096 }, async (fs) => {
        await put(fs, '/keep', 'keep');
        await assertUnchanged(fs, async () => {
          c.now = v;
          await assertTypeError(fs.open('/new', 'wb'), 'ERR_INVALID_RETURN_VALUE');
          await assertTypeError(fs.mkdir('/dir'), 'ERR_INVALID_RETURN_VALUE');
          c.now = 1000000;
        });
        assert.equal(await fs.exists('/new'), false);
        // A write through an open handle: also rejected, content and generation unchanged.
        const h = await fs.open('/keep', 'r+b');
        await assertUnchanged(fs, async () => {
          c.now = v;
          await assertTypeError(h.write(bytes('ZZ')), 'ERR_INVALID_RETURN_VALUE');
          c.now = 1000000;
        });
        await h.close();
      });
    });
  }
  for (const v of [5, 'now', {}, null]) {
    test(`clock ${v === null ? 'null' : typeof v} → TypeError`, async () => {
      await assertTypeError(create(build, { clock: v }), 'ERR_INVALID_ARG_TYPE');
    });
  }

  // build
  test(`build '${build}' is accepted`, async () => {
    const fs = await create(build, {});
    try { await put(fs, '/x', 'y'); } finally { await fs.close(); }
  });
  for (const v of ['x', 'THREADS', 'wasm-single', '']) {
    test(`build ${JSON.stringify(v)} → TypeError ERR_INVALID_ARG_VALUE`, async () => {
      await assertTypeError(MemoryFileSystem.create({ build: v }), 'ERR_INVALID_ARG_VALUE');
    });
  }
  test('build 1 → TypeError', async () => {
    await assertTypeError(MemoryFileSystem.create({ build: 1 }));
  });

  // non-object options
  for (const [label, v] of [['number', 5], ['string', 'x'], ['null', null], ['boolean', true]]) {
    test(`options ${label} → TypeError ERR_INVALID_ARG_TYPE`, async () => {
      await assertTypeError(MemoryFileSystem.create(v), 'ERR_INVALID_ARG_TYPE');
    });
  }

  test('invalid options are reported by rejection, never a synchronous throw', async () => {
    let p;
    assert.doesNotThrow(() => { p = MemoryFileSystem.create({ maxQuota: -1, build }); });
    await assertRangeError(p);
  });

  test('two filesystems never share quota, nodes or locks', async () => {
    await withFs(build, { maxQuota: 138, maxNodes: 2 }, async (a) => {
      await withFs(build, { maxQuota: 138, maxNodes: 2 }, async (b) => {
        const ha = await a.open('/f', 'wb', { lockTimeout: 0 });
        await ha.write(filled(10));
        const hb = await b.open('/f', 'wb', { lockTimeout: 0 });
        await hb.write(filled(10));
        assert.equal(await used(a), 138);
        assert.equal(await used(b), 138);
        await ha.close();
        await hb.close();
      });
    });
  });
});

// Build selection in a child process (environment and flags differ per process).
const INDEX_URL = new URL('../../js/index.mjs', import.meta.url).href;
async function runChild(code, { env = {}, flags = [] } = {}) {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile(process.execPath, [...flags, '--input-type=module', '-e', code],
      { env: { ...process.env, ...env }, timeout: 60000 },
      (err, stdout, stderr) => resolve({ code: err ? err.code : 0, stdout: stdout.trim(), stderr }));
  });
}
const PROBE = `
  const { MemoryFileSystem } = await import(${JSON.stringify(INDEX_URL)});
  const fs = await MemoryFileSystem.create();
  let kind;
  try { fs.share(); kind = 'threads'; } catch (e) { kind = e.code === 'ENOTSUP' ? 'single' : 'error ' + e.code; }
  await fs.close();
  console.log(kind);`;

for (const b of ['threads', 'single']) {
  test(`DMEMFS_BUILD=${b} gives the default build on Node`, async () => {
    const r = await runChild(PROBE, { env: { DMEMFS_BUILD: b } });
    assert.equal(r.stdout, b, r.stderr);
  });
}

test("build 'threads' without SharedArrayBuffer → ENOTSUP; 'single' still works", async () => {
  const code = `
    const { MemoryFileSystem, DMemFSError } = await import(${JSON.stringify(INDEX_URL)});
    const out = {};
    try { const fs = await MemoryFileSystem.create({ build: 'threads' }); out.threads = 'created'; await fs.close(); }
    catch (e) { out.threads = (e instanceof DMemFSError) + ' ' + e.code; }
    try { const fs = await MemoryFileSystem.create({ build: 'single' }); await fs.mkdir('/x'); out.single = String(await fs.isDir('/x')); await fs.close(); }
    catch (e) { out.single = 'error ' + e.code; }
    console.log(JSON.stringify(out));`;
  const r = await runChild(code, { flags: ['--no-harmony-sharedarraybuffer'] });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { threads: 'true ENOTSUP', single: 'true' });
});
