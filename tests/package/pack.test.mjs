// The packed tarball installs offline into a fresh project and works from there on both builds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installConsumer, packStaged } from './stage.mjs';

const script = `
import { MemoryFileSystem, QuotaExceededError, DMemFSError, constants, version } from 'dmemfs';
import { toNodeFsPromises } from 'dmemfs/node-fs';
import { withMemoryFs, useMemoryFs } from 'dmemfs/testing';
import pkg from 'dmemfs/package.json' with { type: 'json' };
import assert from 'node:assert/strict';

assert.equal(typeof useMemoryFs, 'function');
assert.equal(typeof version, 'string');
assert.equal(constants.ENOSPC, -28);
const out = { name: pkg.name };
for (const build of ['threads', 'single']) {
  const fs = await MemoryFileSystem.create({ build, maxQuota: 4096 });
  assert.equal(fs.build, build);
  await fs.mkdir('/d');
  await fs.writeFile('/d/a.txt', new TextEncoder().encode('hello ' + build));
  const back = new TextDecoder().decode(await fs.readFile('/d/a.txt'));
  assert.equal(back, 'hello ' + build);
  let err = null;
  try { await fs.writeFile('/big', new Uint8Array(1 << 20)); } catch (e) { err = e; }
  assert.ok(err instanceof QuotaExceededError, 'quota error, got ' + err);
  assert.ok(err instanceof DMemFSError);
  assert.equal(err.code, 'ENOSPC');
  const nfs = toNodeFsPromises(fs);
  assert.equal(await nfs.readFile('/d/a.txt', 'utf8'), 'hello ' + build);
  await nfs.writeFile('/d/b.txt', 'via node-fs');
  assert.deepEqual((await fs.listdir('/d')).sort(), ['a.txt', 'b.txt']);
  await fs.close();
  assert.equal(fs.closed, true);
  out[build] = back;
}
out.testing = await withMemoryFs({ build: 'single', files: { '/x': 'y' } },
  async (fs) => new TextDecoder().decode(await fs.readFile('/x')));
console.log(JSON.stringify(out));
`;

test('npm pack → offline install → import on both builds', { timeout: 120_000 }, () => {
  const { root, tgz, size, unpackedSize, files } = packStaged();
  try {
    console.log(`tarball ${tgz.split('/').pop()}: ${size} bytes packed, ${unpackedSize} unpacked, ${files.length} files`);
    for (const f of files.filter((x) => x.endsWith('.wasm'))) console.log(`  ${f}`);
    const bad = files.filter((f) => /^(tests|c|build|scripts|bench|docs|examples|cmake)\//.test(f) || f === 'CMakeLists.txt');
    assert.deepEqual(bad, [], 'tarball must not ship tests/c/build/…');
    for (const need of ['package.json', 'README.md', 'js/index.mjs', 'js/index.d.ts', 'js/node-fs.mjs',
      'js/node-fs.d.ts', 'js/testing.mjs', 'js/testing.d.ts', 'js/runtime-load.mjs',
      'dist/dmemfs-single.wasm', 'dist/dmemfs-threads.wasm', 'dist/dmemfs-threads.mjs',
      'dist/dmemfs-threads.worker.js', 'dist/constants.mjs']) {
      assert.ok(files.includes(need), `tarball lacks ${need}`);
    }
    assert.ok(size < 1 << 20, `tarball is ${size} bytes`);

    const dir = installConsumer(root, tgz);
    const installed = join(dir, 'node_modules', 'dmemfs');
    assert.ok(statSync(join(installed, 'dist', 'dmemfs-threads.wasm')).size > 0);
    assert.equal(JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).name, 'dmemfs');
    writeFileSync(join(dir, 'main.mjs'), script);
    // Must exit by itself: a hung worker would hit the timeout.
    const stdout = execFileSync(process.execPath, ['main.mjs'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    const res = JSON.parse(stdout.trim().split('\n').pop());
    assert.deepEqual(res, { name: 'dmemfs', threads: 'hello threads', single: 'hello single', testing: 'y' });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
