// tsc --strict over types/usage.ts against the installed tarball (types resolved through
// the package's `exports`), plus a control file with an error tsc must report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { here, installConsumer, packStaged, repo } from './stage.mjs';

const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');

function runTsc(cwd, project) {
  const r = spawnSync(process.execPath, [tsc, '-p', project, '--noEmit', '--strict'], { cwd, encoding: 'utf8', timeout: 90_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('types: usage.ts compiles under --strict, misuse is rejected', {
  timeout: 150_000,
  skip: existsSync(tsc) ? false : 'typescript missing: npm install --no-save --no-package-lock typescript@5',
}, () => {
  const { root, tgz } = packStaged();
  try {
    const dir = installConsumer(root, tgz);
    copyFileSync(join(here, 'types', 'usage.ts'), join(dir, 'usage.ts'));
    copyFileSync(join(here, 'types', 'tsconfig.json'), join(dir, 'tsconfig.json'));
    const ok = runTsc(dir, 'tsconfig.json');
    assert.equal(ok.status, 0, ok.out);

    // Control: the same setup must fail on a real type error.
    writeFileSync(join(dir, 'bad.ts'), `import { MemoryFileSystem } from 'dmemfs';
export async function f(fs: MemoryFileSystem) { const h = await fs.open('/a', 'wb'); await h.write('text'); }\n`);
    writeFileSync(join(dir, 'tsconfig.bad.json'), JSON.stringify({ extends: './tsconfig.json', files: ['bad.ts'] }));
    const bad = runTsc(dir, 'tsconfig.bad.json');
    assert.notEqual(bad.status, 0, 'tsc accepted write(string)');
    assert.match(bad.out, /bad\.ts.*TS2345/s);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
