// onProgress({done, total}) of importTree, copyTree, exportTree and iterExportTree (js/fs.mjs).
import { test } from 'node:test';
import {
  assert, forEachBuild, withFs, assertDMemFSError, assertTypeError, put, get, bytes, filled,
} from './_helpers.mjs';

/** A callback that records copies of what it gets; throwAt(i) makes call i throw. */
function recorder(throwAt = -1, error = new Error('boom')) {
  const calls = [];
  const seen = [];
  const fn = (p) => {
    seen.push(p);
    calls.push({ ...p });
    if (calls.length - 1 === throwAt) throw error;
  };
  return { fn, calls, seen, error };
}

const BAD = [5, null, 'f', {}, true];

forEachBuild('progress', (build) => {
  // ── importTree ──
  test('importTree: {0, n} before, {n, n} after; n = entries given', async () => {
    await withFs(build, {}, async (fs) => {
      const r = recorder();
      const entries = new Map([['/a', bytes('1')], ['/d/b', bytes('22')], ['/c', bytes('')]]);
      assert.equal(await fs.importTree(entries, { onProgress: r.fn }), undefined);
      assert.deepEqual(r.calls, [{ done: 0, total: 3 }, { done: 3, total: 3 }]);
      assert.notEqual(r.seen[0], r.seen[1]); // a fresh object per call
      assert.equal(await get(fs, '/d/b'), '22');
      // Duplicate keys merge in C; total counts the entries given.
      const r2 = recorder();
      await fs.importTree({ '/x': bytes('1'), x: bytes('22') }, { onProgress: r2.fn });
      assert.deepEqual(r2.calls, [{ done: 0, total: 2 }, { done: 2, total: 2 }]);
      assert.equal(await get(fs, '/x'), '22');
      const r3 = recorder();
      await fs.importTree([], { onProgress: r3.fn });
      assert.deepEqual(r3.calls, [{ done: 0, total: 0 }, { done: 0, total: 0 }]);
      // Without the option (and with onProgress undefined) nothing changes.
      await fs.importTree({ '/y': bytes('y') });
      await fs.importTree({ '/z': bytes('z') }, {});
      await fs.importTree({ '/w': bytes('w') }, { onProgress: undefined });
      assert.deepEqual(await fs.listdir('/'), ['a', 'd', 'c', 'x', 'y', 'z', 'w']);
    });
  });

  test('importTree: bad onProgress or options → TypeError, nothing imported', async () => {
    await withFs(build, {}, async (fs) => {
      for (const v of BAD) {
        await assertTypeError(fs.importTree({ '/a': bytes('1') }, { onProgress: v }), 'ERR_INVALID_ARG_TYPE');
      }
      await assertTypeError(fs.importTree({ '/a': bytes('1') }, 5), 'ERR_INVALID_ARG_TYPE');
      await assertTypeError(fs.importTree({ '/a': bytes('1') }, null), 'ERR_INVALID_ARG_TYPE');
      assert.equal(await fs.exists('/a'), false);
    });
  });

  test('importTree: failed import (quota, EINVAL, EISDIR) reports only the start', async () => {
    await withFs(build, { maxQuota: 300 }, async (fs) => {
      const r = recorder();
      await assertDMemFSError(fs.importTree({ '/small': filled(10), '/big': filled(500) }, { onProgress: r.fn }),
        { code: 'ENOSPC', syscall: 'importTree' });
      assert.deepEqual(r.calls, [{ done: 0, total: 2 }]);
      assert.equal(await fs.exists('/small'), false);
      const r2 = recorder();
      await assertDMemFSError(fs.importTree({ '/n/f': bytes('1'), '../bad': bytes('2') }, { onProgress: r2.fn }),
        { code: 'EINVAL' });
      assert.deepEqual(r2.calls, [{ done: 0, total: 2 }]);
      assert.equal(await fs.exists('/n'), false);
      const r3 = recorder();
      await assertDMemFSError(fs.importTree({ '/': bytes('1') }, { onProgress: r3.fn }), { code: 'EISDIR' });
      assert.deepEqual(r3.calls, [{ done: 0, total: 1 }]);
    });
  });

  test('importTree: a throwing callback rejects with its error', async () => {
    await withFs(build, {}, async (fs) => {
      const r = recorder(0);
      await assert.rejects(fs.importTree({ '/a': bytes('1') }, { onProgress: r.fn }), (e) => e === r.error);
      assert.deepEqual(r.calls, [{ done: 0, total: 1 }]);
      assert.equal(await fs.exists('/a'), false); // thrown before the import
      const r2 = recorder(1);
      await assert.rejects(fs.importTree({ '/b': bytes('2') }, { onProgress: r2.fn }), (e) => e === r2.error);
      assert.deepEqual(r2.calls, [{ done: 0, total: 1 }, { done: 1, total: 1 }]);
      assert.equal(await get(fs, '/b'), '2'); // thrown after the atomic import
      // The filesystem stays usable (the entry block was freed, no lock held).
      await fs.importTree({ '/c': bytes('3') });
      assert.equal(await get(fs, '/c'), '3');
    });
  });

  // ── copyTree ──
  test('copyTree: {0, 1} then {1, 1}; lockTimeout still honoured', async () => {
    await withFs(build, {}, async (fs) => {
      await fs.importTree({ '/s/a': bytes('a'), '/s/t/b': bytes('bb') });
      const r = recorder();
      assert.equal(await fs.copyTree('/s', '/c', { lockTimeout: 0, onProgress: r.fn }), undefined);
      assert.deepEqual(r.calls, [{ done: 0, total: 1 }, { done: 1, total: 1 }]);
      assert.equal(await get(fs, '/c/t/b'), 'bb');
      await fs.copyTree('/s', '/c2', {});
      assert.equal(await get(fs, '/c2/a'), 'a');
    });
  });

  test('copyTree: failure (EEXIST, ENOSPC, EAGAIN) never reports done', async () => {
    await withFs(build, { maxQuota: 400 }, async (fs) => {
      await fs.importTree({ '/s/a': filled(100), '/s/b': filled(10) });
      const r = recorder();
      await assertDMemFSError(fs.copyTree('/s', '/s', { onProgress: r.fn }), { code: 'EEXIST', syscall: 'copyTree' });
      assert.deepEqual(r.calls, [{ done: 0, total: 1 }]);
      const r2 = recorder();
      await assertDMemFSError(fs.copyTree('/s', '/c', { onProgress: r2.fn }), { code: 'ENOSPC', syscall: 'copyTree' });
      assert.deepEqual(r2.calls, [{ done: 0, total: 1 }]);
      assert.equal(await fs.exists('/c'), false);
      const h = await fs.open('/s/b', 'r+b'); // exclusive: copyTree's shared lock waits
      const r3 = recorder();
      await assertDMemFSError(fs.copyTree('/s', '/c', { lockTimeout: 0, onProgress: r3.fn }), { code: 'EAGAIN' });
      assert.deepEqual(r3.calls, [{ done: 0, total: 1 }]);
      await h.close();
    });
  });

  test('copyTree: bad onProgress → TypeError; a throwing callback rejects with its error', async () => {
    await withFs(build, {}, async (fs) => {
      await fs.mkdir('/s');
      for (const v of BAD) {
        await assertTypeError(fs.copyTree('/s', '/c', { onProgress: v }), 'ERR_INVALID_ARG_TYPE');
      }
      assert.equal(await fs.exists('/c'), false);
      const r = recorder(0);
      await assert.rejects(fs.copyTree('/s', '/c', { onProgress: r.fn }), (e) => e === r.error);
      assert.equal(await fs.exists('/c'), false);
      const r2 = recorder(1);
      await assert.rejects(fs.copyTree('/s', '/c', { onProgress: r2.fn }), (e) => e === r2.error);
      assert.deepEqual(r2.calls, [{ done: 0, total: 1 }, { done: 1, total: 1 }]);
      assert.equal(await fs.isDir('/c'), true);
    });
  });

  // ── exportTree / iterExportTree ──
  test('exportTree: {0, total} then one step per file', async () => {
    await withFs(build, {}, async (fs) => {
      await fs.importTree({ '/a': bytes('1'), '/d/b': bytes('22'), '/d/e/c': bytes('') });
      await fs.mkdir('/empty');
      const r = recorder();
      const m = await fs.exportTree({ onProgress: r.fn });
      assert.deepEqual([...m.keys()], ['/a', '/d/b', '/d/e/c']);
      assert.deepEqual(r.calls, [0, 1, 2, 3].map((done) => ({ done, total: 3 })));
      const r2 = recorder();
      await fs.exportTree({ prefix: '/d/', onProgress: r2.fn });
      assert.deepEqual(r2.calls, [0, 1, 2].map((done) => ({ done, total: 2 })));
      const r3 = recorder();
      assert.equal((await fs.exportTree({ prefix: '/nope', onProgress: r3.fn })).size, 0);
      assert.deepEqual(r3.calls, [{ done: 0, total: 0 }]);
      const r4 = recorder();
      assert.equal((await fs.exportTree({ prefix: '/empty', onProgress: r4.fn })).size, 0);
      assert.deepEqual(r4.calls, [{ done: 0, total: 0 }]);
      const r5 = recorder();
      await fs.exportTree({ prefix: '/d/b', onProgress: r5.fn });
      assert.deepEqual(r5.calls, [{ done: 0, total: 1 }, { done: 1, total: 1 }]);
    });
  });

  test('exportTree onlyDirty: total counts the dirty files only', async () => {
    await withFs(build, {}, async (fs) => {
      await fs.importTree({ '/clean': bytes('1'), '/d/clean2': bytes('2') });
      await put(fs, '/d/dirty', 'x');
      await put(fs, '/dirty2', 'y');
      const r = recorder();
      const m = await fs.exportTree({ onlyDirty: true, onProgress: r.fn });
      assert.deepEqual([...m.keys()].sort(), ['/d/dirty', '/dirty2']);
      assert.deepEqual(r.calls, [0, 1, 2].map((done) => ({ done, total: 2 })));
      const r2 = recorder();
      await fs.exportTree({ prefix: '/clean', onlyDirty: true, onProgress: r2.fn });
      assert.deepEqual(r2.calls, [{ done: 0, total: 0 }]);
    });
  });

  test('iterExportTree: each step is reported as its pair is produced', async () => {
    await withFs(build, {}, async (fs) => {
      await fs.importTree({ '/a': bytes('1'), '/b': bytes('2'), '/c': bytes('3') });
      const r = recorder();
      const it = fs.iterExportTree({ onProgress: r.fn });
      assert.deepEqual(r.calls, []); // nothing before the first next()
      const first = await it.next();
      assert.equal(first.value[0], '/a');
      assert.deepEqual(r.calls, [{ done: 0, total: 3 }, { done: 1, total: 3 }]);
      await it.next();
      assert.deepEqual(r.calls.at(-1), { done: 2, total: 3 });
      await it.next();
      assert.deepEqual(r.calls.at(-1), { done: 3, total: 3 });
      assert.equal((await it.next()).done, true);
      assert.equal(r.calls.length, 4);
    });
  });

  test('iterExportTree: a file removed meanwhile is skipped, done stays below total', async () => {
    await withFs(build, {}, async (fs) => {
      await fs.importTree({ '/a': bytes('1'), '/b': bytes('2') });
      const r = recorder();
      const got = [];
      for await (const [p] of fs.iterExportTree({ onProgress: r.fn })) {
        got.push(p);
        if (p === '/a') await fs.remove('/b');
      }
      assert.deepEqual(got, ['/a']);
      assert.deepEqual(r.calls, [{ done: 0, total: 2 }, { done: 1, total: 2 }]);
    });
  });

  test('export: a throwing callback stops the export and rejects with its error', async () => {
    await withFs(build, {}, async (fs) => {
      await fs.importTree({ '/a': bytes('1'), '/b': bytes('2'), '/c': bytes('3') });
      const r = recorder(2);
      await assert.rejects(fs.exportTree({ onProgress: r.fn }), (e) => e === r.error);
      assert.deepEqual(r.calls, [{ done: 0, total: 3 }, { done: 1, total: 3 }, { done: 2, total: 3 }]);
      const r2 = recorder(0);
      await assert.rejects(fs.exportTree({ onProgress: r2.fn }), (e) => e === r2.error);
      assert.equal(r2.calls.length, 1);
      const r3 = recorder(1);
      const it = fs.iterExportTree({ onProgress: r3.fn });
      await assert.rejects(it.next(), (e) => e === r3.error);
      assert.deepEqual(await it.next(), { value: undefined, done: true });
      assert.equal(r3.calls.length, 2);
      // The iterators were closed: files are not pinned, removal works.
      await fs.remove('/a');
      assert.equal((await fs.exportTree()).size, 2);
    });
  });

  test('export: a lock timeout (EAGAIN) never reports completion', async () => {
    await withFs(build, {}, async (fs) => {
      await fs.importTree({ '/a': bytes('1'), '/b': bytes('2') });
      const h = await fs.open('/b', 'r+b');
      const r = recorder();
      await assertDMemFSError(fs.exportTree({ lockTimeout: 0, onProgress: r.fn }), { code: 'EAGAIN' });
      assert.deepEqual(r.calls, [{ done: 0, total: 2 }, { done: 1, total: 2 }]);
      await h.close();
    });
  });

  test('export: bad onProgress → TypeError (iterExportTree: at the first next())', async () => {
    await withFs(build, {}, async (fs) => {
      await fs.importTree({ '/a': bytes('1') });
      for (const v of BAD) {
        await assertTypeError(fs.exportTree({ onProgress: v }), 'ERR_INVALID_ARG_TYPE');
        const it = fs.iterExportTree({ onProgress: v });
        await assertTypeError(it.next(), 'ERR_INVALID_ARG_TYPE');
      }
    });
  });
});
