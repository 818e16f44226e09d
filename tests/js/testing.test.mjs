// dmemfs/testing: fresh filesystem per test, closed afterwards.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { useMemoryFs, withMemoryFs } from '../../js/testing.mjs';
import { MemoryFileSystem } from '../../js/index.mjs';

const BUILDS = (process.env.DMEMFS_TEST_BUILDS || 'threads,single').split(',');
const dec = new TextDecoder();

for (const build of BUILDS) {
  describe(`useMemoryFs [${build}]`, () => {
    const getFs = useMemoryFs({ build, maxQuota: 4096, chunkOverhead: 0 });
    const seen = [];

    test('the accessor gives a MemoryFileSystem during a test', () => {
      // Outside a test it throws: checked in the after() hook below.
      assert.ok(getFs() instanceof MemoryFileSystem);
    });

    test('first test writes a file', async () => {
      const fs = getFs();
      seen.push(fs);
      assert.equal(fs.closed, false);
      assert.equal(getFs(), fs, 'same instance within one test');
      await fs.writeFile('/a.txt', new TextEncoder().encode('one'));
      assert.equal(await fs.exists('/a.txt'), true);
      assert.equal((await fs.stats()).quotaBytes, 4096);
    });

    test('second test gets a fresh filesystem; the first one is closed', async () => {
      const fs = getFs();
      seen.push(fs);
      assert.notEqual(fs, seen[0]);
      assert.equal(seen[0].closed, true);
      await assert.rejects(seen[0].exists('/a.txt'), { code: 'EBADF' });
      assert.equal(await fs.exists('/a.txt'), false);
      assert.deepEqual(await fs.listdir('/'), []);
    });

    after(() => {
      assert.equal(seen.length, 2);
      assert.ok(seen.every((fs) => fs.closed), 'every filesystem closed after its test');
      assert.throws(() => getFs(), /only while a test/);
    });
  });

  describe(`useMemoryFs with files [${build}]`, () => {
    const getFs = useMemoryFs({ build, files: { '/cfg/app.json': '{"a":1}', '/bin/x': new Uint8Array([1, 2]) } });

    test('files are imported before the test', async () => {
      const fs = getFs();
      assert.equal(dec.decode(await fs.readFile('/cfg/app.json')), '{"a":1}');
      assert.deepEqual([...await fs.readFile('/bin/x')], [1, 2]);
      await fs.remove('/bin/x');
    });

    test('and again, unchanged, for the next test', async () => {
      assert.deepEqual(await getFs().listdir('/bin'), ['x']);
    });
  });

  describe(`withMemoryFs [${build}]`, () => {
    test('returns fn\'s result and closes the filesystem', async () => {
      let kept;
      const r = await withMemoryFs({ build, maxQuota: 100 }, async (fs) => {
        kept = fs;
        assert.equal(fs.closed, false);
        return (await fs.stats()).quotaBytes;
      });
      assert.equal(r, 100);
      assert.equal(kept.closed, true);
    });

    test('closes the filesystem when fn throws, and rethrows', async () => {
      let kept;
      const boom = new Error('boom');
      await assert.rejects(withMemoryFs({ build }, (fs) => { kept = fs; throw boom; }), (e) => e === boom);
      assert.equal(kept.closed, true);
    });

    test('options may be omitted', async () => {
      let kept;
      assert.equal(await withMemoryFs(async (fs) => { kept = fs; return fs.isDir('/'); }), true);
      assert.equal(kept.closed, true);
    });

    test('files option and a fresh instance per call', async () => {
      const a = await withMemoryFs({ build, files: new Map([['/x', 'y']]) }, async (fs) => [fs, await fs.listdir('/')]);
      const b = await withMemoryFs({ build }, async (fs) => [fs, await fs.listdir('/')]);
      assert.deepEqual(a[1], ['x']);
      assert.deepEqual(b[1], []);
      assert.notEqual(a[0], b[0]);
    });

    test('invalid arguments', async () => {
      await assert.rejects(withMemoryFs({ build }), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
      await assert.rejects(withMemoryFs(5, () => {}), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
      await assert.rejects(withMemoryFs({ build, maxQuota: -1 }, () => {}), RangeError);
    });

    test('a failing files import creates nothing left open', async () => {
      await assert.rejects(withMemoryFs({ build, maxQuota: 1, files: { '/big': 'too large' } }, () => {}),
        { code: 'ENOSPC' });
    });
  });
}

test('useMemoryFs closes the filesystem after a failing test (child node --test run)', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dmemfs-testing-'));
  try {
    const file = path.join(dir, 'fixture.test.mjs');
    const url = new URL('../../js/testing.mjs', import.meta.url).href;
    await writeFile(file, `
      import { test, after } from 'node:test';
      import { useMemoryFs } from ${JSON.stringify(url)};
      const getFs = useMemoryFs({ build: ${JSON.stringify(BUILDS[0])} });
      let kept;
      test('fails', async () => { kept = getFs(); await kept.mkdir('/d'); throw new Error('intended'); });
      after(() => { console.log('CLOSED=' + kept.closed); });
    `);
    const out = await new Promise((resolve) => {
      // Without NODE_TEST_CONTEXT the child reports on its own instead of to this runner.
      const env = { ...process.env };
      delete env.NODE_TEST_CONTEXT;
      execFile(process.execPath, ['--test-reporter=tap', file], { env },
        (error, stdout, stderr) => resolve({ code: error?.code ?? 0, stdout, stderr }));
    });
    assert.notEqual(out.code, 0, 'the fixture test must fail');
    assert.match(out.stdout, /intended/);
    assert.match(out.stdout + out.stderr, /CLOSED=true/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
