// Stages dmemfs as the repo ships it (package.json files/exports), packs it, and installs the tarball
// into fresh temp projects. Shared by the tests in this directory.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const here = fileURLToPath(new URL('.', import.meta.url));
export const repo = resolve(here, '../..');

const npmEnv = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };

export function npm(args, cwd) {
  return execFileSync('npm', args, { cwd, env: npmEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Copies what the package would ship into a temp dir and packs it. → { tgz, size, files } */
export function packStaged() {
  for (const f of ['dmemfs-single.wasm', 'dmemfs-threads.wasm', 'dmemfs-threads.mjs', 'dmemfs-threads.worker.js']) {
    if (!existsSync(join(repo, 'dist', f))) {
      throw new Error(`dist/${f} missing: run bash scripts/build.sh threads single && bash scripts/dist.sh`);
    }
  }
  const root = mkdtempSync(join(tmpdir(), 'dmemfs-pkg-'));
  const stage = join(root, 'stage');
  mkdirSync(stage);
  // Copy the whole repo minus heavy/irrelevant dirs: the `files` whitelist must do the filtering.
  for (const name of readdirSync(repo)) {
    if (['node_modules', 'build', '.git'].includes(name)) continue;
    cpSync(join(repo, name), join(stage, name), { recursive: true });
  }
  // build/ must be excluded by `files` too: put a marker there to prove it.
  mkdirSync(join(stage, 'build'), { recursive: true });
  writeFileSync(join(stage, 'build', 'marker.txt'), 'must not be packed\n');
  // The repo's own package.json is packed as it is: its exports and files are under test.
  const out = join(root, 'out');
  mkdirSync(out);
  const info = JSON.parse(npm(['pack', '--json', '--pack-destination', out], stage))[0];
  const tgz = join(out, info.filename);
  return { root, tgz, size: statSync(tgz).size, unpackedSize: info.unpackedSize, files: info.files.map((f) => f.path) };
}

/** A fresh project with the tarball installed from the file, offline. */
export function installConsumer(root, tgz, name = 'consumer') {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, version: '0.0.0', type: 'module' }));
  npm(['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock', tgz], dir);
  return dir;
}
