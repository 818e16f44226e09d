// dmemfs/node-fs against real node:fs/promises: one test body per case runs on a fresh
// temporary directory (paths prefixed with it) and on a fresh MemoryFileSystem through
// the adapter (paths prefixed with '/'); the outcomes — values, error name/code/errno/
// syscall/path/dest/message, with the prefix removed — must be equal.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import nodeFs from 'node:fs/promises';
import os from 'node:os';
import pathMod from 'node:path';
import { toNodeFsPromises, Dirent, Stats, FileHandle } from '../../js/node-fs.mjs';

const BUILDS = (process.env.DMEMFS_TEST_BUILDS || 'threads,single').split(',');
const { COPYFILE_EXCL, X_OK, W_OK, R_OK } = nodeFs.constants;

// Every string in `v` with `prefix` removed; Buffers and class instances kept.
function strip(v, prefix) {
  if (typeof v === 'string') return prefix ? v.replaceAll(prefix, '') : v;
  if (Array.isArray(v)) return v.map((x) => strip(x, prefix));
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, strip(x, prefix)]));
  }
  return v;
}

async function outcome(fn, prefix) {
  try {
    return { value: strip(await fn(), prefix) };
  } catch (e) {
    const code = e?.code;
    // A test-body bug (TypeError without a code) would otherwise compare equal on both sides.
    assert.ok(typeof code === 'string' && /^(E[A-Z]+|ERR_[A-Z_]+)$/.test(code),
      `unexpected non-system error: ${e?.stack ?? e}`);
    return {
      error: strip({
        name: e.name, code, errno: e.errno, syscall: e.syscall, path: e.path, dest: e.dest,
        message: e.message,
      }, prefix),
    };
  }
}

// Environment of one side: `fs` (node:fs/promises-like) and `P` (prefixes a '/x' path).
async function nodeSide() {
  const dir = await nodeFs.mkdtemp(pathMod.join(os.tmpdir(), 'dmemfs-nodefs-'));
  return {
    fs: nodeFs, P: (p) => dir + p, prefix: dir,
    cleanup: () => nodeFs.rm(dir, { recursive: true, force: true }),
  };
}
let MemoryFileSystem = null;
async function adapterSide(build) {
  const mfs = await MemoryFileSystem.create({ build });
  // lockTimeout 0: a handle a test body forgot to close fails fast instead of waiting.
  return {
    fs: toNodeFsPromises(mfs, { lockTimeout: 0 }), P: (p) => p, prefix: '', mfs,
    cleanup: () => mfs.close(),
  };
}

// Helpers used inside test bodies; they work on either side.
const names = async (fs, p) => (await fs.readdir(p)).sort();
const dirents = async (fs, p, opts = {}) => (await fs.readdir(p, { withFileTypes: true, ...opts }))
  .map((d) => [d.name, d.isFile(), d.isDirectory(), d.isSymbolicLink(), d.parentPath, d.path])
  .sort((a, b) => (a[4] + '/' + a[0] < b[4] + '/' + b[0] ? -1 : 1));
const fileStat = (s) => ({
  size: s.size, isFile: s.isFile(), isDirectory: s.isDirectory(), isSymbolicLink: s.isSymbolicLink(),
  type: s.mode & 0o170000, mtimeMs: typeof s.mtimeMs, ctimeMs: typeof s.ctimeMs,
  birthtimeMs: typeof s.birthtimeMs, mtime: s.mtime instanceof Date, birthtime: s.birthtime instanceof Date,
  blksize: typeof s.blksize, nlink: s.nlink >= 1,
});
const dirStat = (s) => { const o = fileStat(s); delete o.size; return o; };
async function seed(fs, P) {
  await fs.writeFile(P('/f'), 'hello');
  await fs.mkdir(P('/d'));
  await fs.writeFile(P('/d/x'), 'x');
  await fs.mkdir(P('/e'));
}
async function withOpen(fs, p, flags, fn) {
  const h = await fs.open(p, flags);
  try { return await fn(h); } finally { await h.close(); }
}

// name → body(fs, P). Each body runs on a fresh tree; seed() adds /f, /d/x, /e.
const CASES = {
  // readFile
  'readFile → Buffer': async (fs, P) => { await seed(fs, P); return fs.readFile(P('/f')); },
  'readFile utf8 (string option)': async (fs, P) => { await fs.writeFile(P('/u'), 'héllo ✓ 😀'); return fs.readFile(P('/u'), 'utf8'); },
  'readFile latin1/hex/base64': async (fs, P) => {
    await fs.writeFile(P('/b'), new Uint8Array([0xe9, 0x00, 0xff, 0x41]));
    return [await fs.readFile(P('/b'), { encoding: 'latin1' }), await fs.readFile(P('/b'), 'hex'),
      await fs.readFile(P('/b'), { encoding: 'base64' }), await fs.readFile(P('/b'), 'utf-8')];
  },
  'readFile missing → ENOENT': (fs, P) => fs.readFile(P('/nope')),
  'readFile directory → EISDIR read': async (fs, P) => { await seed(fs, P); return fs.readFile(P('/d')); },
  'readFile under a file → ENOTDIR': async (fs, P) => { await seed(fs, P); return fs.readFile(P('/f/x')); },
  'readFile trailing slash on a file → ENOTDIR': async (fs, P) => { await seed(fs, P); return fs.readFile(P('/f/')); },
  'readFile flag wx on existing → EEXIST': async (fs, P) => { await seed(fs, P); return fs.readFile(P('/f'), { flag: 'wx' }); },
  'readFile flag a+ creates': async (fs, P) => [await fs.readFile(P('/n'), { flag: 'a+', encoding: 'utf8' }), await names(fs, P('/'))],
  'readFile bad encoding → ERR_INVALID_ARG_VALUE': async (fs, P) => { await seed(fs, P); return fs.readFile(P('/f'), { encoding: 'nope' }); },
  // writeFile
  'writeFile utf8 multibyte: content and size': async (fs, P) => {
    await fs.writeFile(P('/m'), 'あい😀');
    return [await fs.readFile(P('/m'), 'utf8'), (await fs.stat(P('/m'))).size];
  },
  'writeFile encodings hex/base64/latin1': async (fs, P) => {
    await fs.writeFile(P('/h'), '00ff41', 'hex');
    await fs.writeFile(P('/b'), 'AAEC/w==', { encoding: 'base64' });
    await fs.writeFile(P('/l'), 'é', 'latin1');
    return [await fs.readFile(P('/h')), await fs.readFile(P('/b')), await fs.readFile(P('/l'))];
  },
  'writeFile typed arrays': async (fs, P) => {
    await fs.writeFile(P('/t16'), new Uint16Array([1, 2, 3]));
    await fs.writeFile(P('/dv'), new DataView(new ArrayBuffer(5)));
    return [(await fs.stat(P('/t16'))).size, await fs.readFile(P('/dv'))];
  },
  'writeFile replaces a longer file': async (fs, P) => {
    await fs.writeFile(P('/f'), 'a long first content');
    await fs.writeFile(P('/f'), 'short');
    return fs.readFile(P('/f'), 'utf8');
  },
  'writeFile flag a appends': async (fs, P) => {
    await fs.writeFile(P('/f'), 'ab');
    await fs.writeFile(P('/f'), 'cd', { flag: 'a' });
    return fs.readFile(P('/f'), 'utf8');
  },
  'writeFile flag wx: new ok, existing EEXIST': async (fs, P) => {
    await fs.writeFile(P('/w'), 'one', { flag: 'wx' });
    return fs.writeFile(P('/w'), 'two', { flag: 'wx' });
  },
  'writeFile missing parent → ENOENT': (fs, P) => fs.writeFile(P('/no/x'), 'x'),
  'writeFile onto a directory → EISDIR': async (fs, P) => { await seed(fs, P); return fs.writeFile(P('/d'), 'x'); },
  'writeFile trailing slash, new → EISDIR': (fs, P) => fs.writeFile(P('/new/'), 'x'),
  'writeFile iterable of chunks': async (fs, P) => {
    await fs.writeFile(P('/i'), ['ab', 'cd', 'é']);
    return fs.readFile(P('/i'), 'utf8');
  },
  // appendFile
  'appendFile creates then appends': async (fs, P) => {
    await fs.appendFile(P('/a'), 'one');
    await fs.appendFile(P('/a'), Buffer.from('two'));
    await fs.appendFile(P('/a'), '7468726565', 'hex');
    return fs.readFile(P('/a'), 'utf8');
  },
  'appendFile to a directory → EISDIR': async (fs, P) => { await seed(fs, P); return fs.appendFile(P('/d'), 'x'); },
  'appendFile missing parent → ENOENT': (fs, P) => fs.appendFile(P('/no/a'), 'x'),
  'appendFile flag ax on existing → EEXIST': async (fs, P) => { await seed(fs, P); return fs.appendFile(P('/f'), 'x', { flag: 'ax' }); },
  // mkdir
  'mkdir creates one level': async (fs, P) => [await fs.mkdir(P('/m')), await dirents(fs, P('/'))],
  'mkdir existing directory → EEXIST': async (fs, P) => { await seed(fs, P); return fs.mkdir(P('/d')); },
  'mkdir on a file → EEXIST': async (fs, P) => { await seed(fs, P); return fs.mkdir(P('/f')); },
  'mkdir missing parent → ENOENT': (fs, P) => fs.mkdir(P('/a/b')),
  'mkdir under a file → ENOTDIR': async (fs, P) => { await seed(fs, P); return fs.mkdir(P('/f/b')); },
  'mkdir recursive returns the first created': async (fs, P) => {
    await seed(fs, P);
    return [await fs.mkdir(P('/d/r/s/t'), { recursive: true }), await fs.mkdir(P('/q/'), { recursive: true }),
      await names(fs, P('/d/r/s'))];
  },
  'mkdir recursive on existing directory → undefined': async (fs, P) => { await seed(fs, P); return [await fs.mkdir(P('/d'), { recursive: true })]; },
  'mkdir recursive on a file → EEXIST': async (fs, P) => { await seed(fs, P); return fs.mkdir(P('/f'), { recursive: true }); },
  'mkdir recursive under a file → ENOTDIR': async (fs, P) => { await seed(fs, P); return fs.mkdir(P('/f/a/b'), { recursive: true }); },
  // readdir
  'readdir names': async (fs, P) => { await seed(fs, P); await fs.writeFile(P('/d/y'), ''); return [await names(fs, P('/')), await names(fs, P('/d'))]; },
  'readdir withFileTypes': async (fs, P) => { await seed(fs, P); return [await dirents(fs, P('/')), await dirents(fs, P('/d/'))]; },
  'readdir empty directory': async (fs, P) => { await seed(fs, P); return fs.readdir(P('/e')); },
  'readdir missing → ENOENT scandir': (fs, P) => fs.readdir(P('/nope')),
  'readdir of a file → ENOTDIR scandir': async (fs, P) => { await seed(fs, P); return fs.readdir(P('/f')); },
  'readdir recursive (names and Dirents)': async (fs, P) => {
    await seed(fs, P);
    await fs.mkdir(P('/d/s/t'), { recursive: true });
    await fs.writeFile(P('/d/s/t/z'), 'z');
    return [(await fs.readdir(P('/'), { recursive: true })).sort(), await dirents(fs, P('/d'), { recursive: true })];
  },
  // stat / lstat
  'stat of a file': async (fs, P) => { await seed(fs, P); return fileStat(await fs.stat(P('/f'))); },
  'stat of a directory': async (fs, P) => { await seed(fs, P); return dirStat(await fs.stat(P('/d'))); },
  'lstat of a file': async (fs, P) => { await seed(fs, P); return fileStat(await fs.lstat(P('/d/x'))); },
  'stat times are consistent': async (fs, P) => {
    const before = Date.now();
    await fs.writeFile(P('/t'), 'x');
    const s = await fs.stat(P('/t'));
    return [s.mtimeMs >= before - 1000 && s.mtimeMs <= Date.now() + 1000,
      s.birthtimeMs <= s.mtimeMs + 1, Math.abs(s.mtime.getTime() - s.mtimeMs) < 1];
  },
  'stat missing → ENOENT': (fs, P) => fs.stat(P('/nope')),
  'lstat missing → ENOENT lstat': (fs, P) => fs.lstat(P('/nope')),
  'stat under a file → ENOTDIR': async (fs, P) => { await seed(fs, P); return fs.stat(P('/f/x')); },
  'stat trailing slash on a file → ENOTDIR': async (fs, P) => { await seed(fs, P); return fs.stat(P('/f/')); },
  'stat bigint': async (fs, P) => { await seed(fs, P); const s = await fs.stat(P('/f'), { bigint: true }); return [typeof s.size, s.size, s.isFile()]; },
  // rm
  'rm a file': async (fs, P) => { await seed(fs, P); await fs.rm(P('/f')); return names(fs, P('/')); },
  'rm missing → ENOENT lstat': (fs, P) => fs.rm(P('/nope')),
  'rm missing with force': async (fs, P) => [await fs.rm(P('/nope'), { force: true }), await fs.rm(P('/no/pe'), { force: true, recursive: true })],
  'rm directory without recursive → ERR_FS_EISDIR': async (fs, P) => { await seed(fs, P); return fs.rm(P('/d')); },
  'rm directory with force only → ERR_FS_EISDIR': async (fs, P) => { await seed(fs, P); return fs.rm(P('/d'), { force: true }); },
  'rm recursive': async (fs, P) => { await seed(fs, P); await fs.rm(P('/d'), { recursive: true }); await fs.rm(P('/f'), { recursive: true }); return names(fs, P('/')); },
  'rm under a file with force → ENOTDIR lstat': async (fs, P) => { await seed(fs, P); return fs.rm(P('/f/x'), { force: true }); },
  // rmdir
  'rmdir an empty directory': async (fs, P) => { await seed(fs, P); await fs.rmdir(P('/e')); return names(fs, P('/')); },
  'rmdir non-empty → ENOTEMPTY': async (fs, P) => { await seed(fs, P); return fs.rmdir(P('/d')); },
  'rmdir a file → ENOTDIR': async (fs, P) => { await seed(fs, P); return fs.rmdir(P('/f')); },
  'rmdir missing → ENOENT': (fs, P) => fs.rmdir(P('/nope')),
  'rmdir missing parent → ENOENT': (fs, P) => fs.rmdir(P('/nope/x')),
  // unlink
  'unlink a file': async (fs, P) => { await seed(fs, P); await fs.unlink(P('/d/x')); return names(fs, P('/d')); },
  'unlink a directory → EISDIR': async (fs, P) => { await seed(fs, P); return fs.unlink(P('/e')); },
  'unlink missing → ENOENT': (fs, P) => fs.unlink(P('/nope')),
  'unlink trailing slash on a file → ENOTDIR': async (fs, P) => { await seed(fs, P); return fs.unlink(P('/f/')); },
  // rename
  'rename a file': async (fs, P) => { await seed(fs, P); await fs.rename(P('/f'), P('/g')); return [await names(fs, P('/')), await fs.readFile(P('/g'), 'utf8')]; },
  'rename across directories': async (fs, P) => { await seed(fs, P); await fs.rename(P('/d/x'), P('/e/y')); return [await names(fs, P('/d')), await names(fs, P('/e'))]; },
  'rename a file over an existing file replaces it': async (fs, P) => {
    await seed(fs, P);
    await fs.rename(P('/f'), P('/d/x'));
    return [await names(fs, P('/')), await names(fs, P('/d')), await fs.readFile(P('/d/x'), 'utf8')];
  },
  'rename a directory over an empty directory': async (fs, P) => {
    await seed(fs, P);
    await fs.rename(P('/d'), P('/e'));
    return [await names(fs, P('/')), await names(fs, P('/e'))];
  },
  'rename a directory over a non-empty one → ENOTEMPTY': async (fs, P) => { await seed(fs, P); return fs.rename(P('/e'), P('/d')); },
  'rename a file over a directory → EISDIR': async (fs, P) => { await seed(fs, P); return fs.rename(P('/f'), P('/e')); },
  'rename a directory over a file → ENOTDIR': async (fs, P) => { await seed(fs, P); return fs.rename(P('/d'), P('/f')); },
  'rename into its own subtree → EINVAL': async (fs, P) => { await seed(fs, P); return fs.rename(P('/d'), P('/d/sub')); },
  'rename missing → ENOENT with dest': (fs, P) => fs.rename(P('/nope'), P('/z')),
  'rename to a missing parent → ENOENT': async (fs, P) => { await seed(fs, P); return fs.rename(P('/f'), P('/no/z')); },
  'rename to itself is a no-op': async (fs, P) => { await seed(fs, P); await fs.rename(P('/f'), P('/f')); return fs.readFile(P('/f'), 'utf8'); },
  // copyFile
  'copyFile to a new file': async (fs, P) => { await seed(fs, P); await fs.copyFile(P('/f'), P('/e/c')); return [await fs.readFile(P('/e/c'), 'utf8'), await fs.readFile(P('/f'), 'utf8')]; },
  'copyFile overwrites': async (fs, P) => { await seed(fs, P); await fs.copyFile(P('/f'), P('/d/x')); return fs.readFile(P('/d/x'), 'utf8'); },
  'copyFile COPYFILE_EXCL on existing → EEXIST': async (fs, P) => { await seed(fs, P); return fs.copyFile(P('/f'), P('/d/x'), COPYFILE_EXCL); },
  'copyFile COPYFILE_EXCL to a new file': async (fs, P) => { await seed(fs, P); await fs.copyFile(P('/f'), P('/n'), COPYFILE_EXCL); return fs.readFile(P('/n'), 'utf8'); },
  'copyFile missing source → ENOENT': (fs, P) => fs.copyFile(P('/nope'), P('/z')),
  'copyFile directory source → EISDIR': async (fs, P) => { await seed(fs, P); return fs.copyFile(P('/d'), P('/z')); },
  'copyFile onto a directory → EISDIR': async (fs, P) => { await seed(fs, P); return fs.copyFile(P('/f'), P('/d')); },
  'copyFile to itself': async (fs, P) => { await seed(fs, P); await fs.copyFile(P('/f'), P('/f')); return fs.readFile(P('/f'), 'utf8'); },
  'copyFile to a missing parent → ENOENT': async (fs, P) => { await seed(fs, P); return fs.copyFile(P('/f'), P('/no/z')); },
  // access
  'access existing file and directory': async (fs, P) => { await seed(fs, P); return [await fs.access(P('/f')), await fs.access(P('/d'), R_OK | W_OK)]; },
  'access missing → ENOENT': (fs, P) => fs.access(P('/nope')),
  'access under a file → ENOTDIR': async (fs, P) => { await seed(fs, P); return fs.access(P('/f/x')); },
  'access X_OK on a 0644 file → EACCES': async (fs, P) => { await seed(fs, P); return fs.access(P('/f'), X_OK); },
  // open / FileHandle
  'open r: read into a buffer': async (fs, P) => {
    await seed(fs, P);
    return withOpen(fs, P('/f'), 'r', async (h) => {
      const b = Buffer.alloc(8);
      const r1 = await h.read(b, 0, 3, null);
      const r2 = await h.read(b, 3, 5);
      const r3 = await h.read(b, 0, 1);
      return [r1.bytesRead, r2.bytesRead, r3.bytesRead, b, r1.buffer === b];
    });
  },
  'open missing → ENOENT': (fs, P) => fs.open(P('/nope')),
  'open a directory for writing → EISDIR': async (fs, P) => { await seed(fs, P); return fs.open(P('/d'), 'w'); },
  'open wx on existing → EEXIST': async (fs, P) => { await seed(fs, P); return fs.open(P('/f'), 'wx'); },
  'open r+ on missing → ENOENT': (fs, P) => fs.open(P('/nope'), 'r+'),
  'open with an invalid flag → ERR_INVALID_ARG_VALUE': async (fs, P) => { await seed(fs, P); return fs.open(P('/f'), 'q'); },
  'open w: write string and buffer': async (fs, P) => {
    await seed(fs, P);
    const w = await withOpen(fs, P('/f'), 'w', async (h) => {
      const a = await h.write('héllo');
      const b = await h.write(Buffer.from('--xyz--'), 2, 3);
      return [a.bytesWritten, a.buffer, b.bytesWritten];
    });
    return [w, await fs.readFile(P('/f'), 'utf8')];
  },
  'open r+: positioned write and read': async (fs, P) => {
    await fs.writeFile(P('/f'), 'hello world');
    const r = await withOpen(fs, P('/f'), 'r+', async (h) => {
      await h.write('Py', 6);
      const b = Buffer.alloc(5);
      const { bytesRead } = await h.read(b, 0, 5, null); // position unchanged by the pwrite
      return [bytesRead, b.toString()];
    });
    return [r, await fs.readFile(P('/f'), 'utf8')];
  },
  'open a: writes go to the end, position ignored': async (fs, P) => {
    await fs.writeFile(P('/f'), 'abc');
    await withOpen(fs, P('/f'), 'a', async (h) => { await h.write('D'); await h.write('E', 0); });
    return fs.readFile(P('/f'), 'utf8');
  },
  'open a+: read after append': async (fs, P) => {
    const r = await withOpen(fs, P('/ap'), 'a+', async (h) => {
      await h.write('abc');
      await h.write('X', 0);
      const b = Buffer.alloc(10);
      const { bytesRead } = await h.read(b, 0, 10, 0);
      return b.toString('utf8', 0, bytesRead);
    });
    return r;
  },
  'open w+: truncates, then reads back': async (fs, P) => {
    await seed(fs, P);
    return withOpen(fs, P('/f'), 'w+', async (h) => {
      const before = (await h.stat()).size;
      await h.write('xyz');
      const b = Buffer.alloc(3);
      await h.read(b, 0, 3, 0);
      return [before, b.toString()];
    });
  },
  'open wx+ creates and reads': async (fs, P) => withOpen(fs, P('/n'), 'wx+', async (h) => {
    await h.write('new');
    return (await h.read({ buffer: Buffer.alloc(3), position: 0 })).buffer.toString();
  }),
  'FileHandle.read with a position keeps the cursor': async (fs, P) => {
    await fs.writeFile(P('/f'), 'abcdef');
    return withOpen(fs, P('/f'), 'r', async (h) => {
      const b = Buffer.alloc(2);
      await h.read(b, 0, 2, 4);
      const first = b.toString();
      await h.read(b, 0, 2);
      return [first, b.toString()];
    });
  },
  'FileHandle.read() without arguments': async (fs, P) => {
    await seed(fs, P);
    return withOpen(fs, P('/f'), 'r', async (h) => {
      const r = await h.read();
      return [r.bytesRead, r.buffer.length, r.buffer.subarray(0, r.bytesRead).toString()];
    });
  },
  'FileHandle.readFile from the current position': async (fs, P) => {
    await fs.writeFile(P('/f'), 'hello world');
    return withOpen(fs, P('/f'), 'r', async (h) => {
      await h.read(Buffer.alloc(6), 0, 6, null);
      return [await h.readFile('utf8'), await h.readFile({ encoding: 'utf8' })];
    });
  },
  'FileHandle.writeFile at the current position': async (fs, P) => {
    await withOpen(fs, P('/w'), 'w', async (h) => { await h.write('hello world'); await h.writeFile('AB'); });
    return fs.readFile(P('/w'), 'utf8');
  },
  'FileHandle.truncate and stat': async (fs, P) => {
    await fs.writeFile(P('/f'), 'abcdef');
    return withOpen(fs, P('/f'), 'r+', async (h) => {
      await h.read(Buffer.alloc(5), 0, 5);
      await h.truncate(2);
      const s1 = (await h.stat()).size;
      await h.write('Z'); // at position 5: a zero-filled gap
      await h.truncate();
      return [s1, (await h.stat()).size, fileStat(await h.stat())];
    });
  },
  'FileHandle.truncate read-only → EINVAL ftruncate': async (fs, P) => { await seed(fs, P); return withOpen(fs, P('/f'), 'r', (h) => h.truncate(1)); },
  'FileHandle.write read-only → EBADF': async (fs, P) => { await seed(fs, P); return withOpen(fs, P('/f'), 'r', (h) => h.write('zz')); },
  'FileHandle.read write-only → EBADF': (fs, P) => withOpen(fs, P('/g'), 'w', (h) => h.read(Buffer.alloc(3), 0, 3, 0)),
  'FileHandle.readFile write-only → EBADF': (fs, P) => withOpen(fs, P('/g'), 'w', (h) => h.readFile()),
  'FileHandle.writeFile read-only → EBADF': async (fs, P) => { await seed(fs, P); return withOpen(fs, P('/f'), 'r', (h) => h.writeFile('x')); },
  'closed FileHandle: read/write/stat → EBADF file closed, close idempotent': async (fs, P) => {
    await seed(fs, P);
    const h = await fs.open(P('/f'), 'r+');
    const fd = typeof h.fd;
    await h.close();
    const res = [];
    for (const call of [() => h.read(Buffer.alloc(1), 0, 1, 0), () => h.write('x'), () => h.stat(), () => h.truncate(0)]) {
      try { await call(); res.push('ok'); } catch (e) { res.push([e.code, e.syscall, e.message]); }
    }
    return [fd, h.fd, res, await h.close()];
  },
  'truncate(path, len)': async (fs, P) => {
    await fs.writeFile(P('/f'), 'abcdef');
    await fs.truncate(P('/f'), 3);
    const a = await fs.readFile(P('/f'), 'utf8');
    await fs.truncate(P('/f'));
    return [a, (await fs.stat(P('/f'))).size];
  },
  'truncate missing → ENOENT open': (fs, P) => fs.truncate(P('/nope'), 1),
};

describe('node-fs shared body [node:fs/promises reference]', () => {
  // The reference side alone: proves every body runs and records what Node does.
  for (const [name, body] of Object.entries(CASES)) {
    test(name, async () => {
      const side = await nodeSide();
      try {
        await outcome(() => body(side.fs, side.P), side.prefix);
      } finally {
        await side.cleanup();
      }
    });
  }
});

let coreLoaded = true;
try {
  ({ MemoryFileSystem } = await import('../../js/index.mjs'));
} catch (e) {
  coreLoaded = e;
}

for (const build of BUILDS) {
  describe(`node-fs adapter equals node:fs/promises [${build}]`, () => {
    if (coreLoaded !== true) {
      test('dmemfs core loads', () => { throw coreLoaded; });
      return;
    }
    for (const [name, body] of Object.entries(CASES)) {
      test(name, async () => {
        const ref = await nodeSide();
        const ad = await adapterSide(build);
        try {
          const want = await outcome(() => body(ref.fs, ref.P), ref.prefix);
          const got = await outcome(() => body(ad.fs, ad.P), ad.prefix);
          assert.deepStrictEqual(got, want);
        } finally {
          await ref.cleanup();
          await ad.cleanup();
        }
      });
    }

    test('Stats, Dirent and FileHandle classes; quota errors keep their fields', async () => {
      const mfs = await MemoryFileSystem.create({ build, maxQuota: 10, chunkOverhead: 0 });
      try {
        const fs = toNodeFsPromises(mfs);
        await fs.mkdir('/d');
        await fs.writeFile('/d/a', 'abc');
        assert.ok((await fs.stat('/d/a')) instanceof Stats);
        assert.ok((await fs.readdir('/d', { withFileTypes: true }))[0] instanceof Dirent);
        const h = await fs.open('/d/a');
        assert.ok(h instanceof FileHandle);
        await h.close();
        const err = await fs.writeFile('/d/b', 'more than ten bytes').then(() => null, (e) => e);
        assert.equal(err?.code, 'ENOSPC');
        assert.equal(err.errno, -os.constants.errno.ENOSPC);
        assert.equal(err.syscall, 'write');
        assert.equal(err.path, '/d/b');
        assert.equal(typeof err.requested, 'number');
        assert.equal(typeof err.available, 'number');
        assert.match(err.message, /^ENOSPC: no space left on device, write '\/d\/b'$/);
        assert.equal(await mfs.exists('/d/b'), false);
      } finally {
        await mfs.close();
      }
    });

    test('insertion order of readdir and the rename temporary name does not leak', async () => {
      const mfs = await MemoryFileSystem.create({ build });
      try {
        const fs = toNodeFsPromises(mfs);
        for (const n of ['c', 'a', 'b']) await fs.writeFile('/' + n, n);
        assert.deepEqual(await fs.readdir('/'), ['c', 'a', 'b']);
        await fs.rename('/c', '/a');
        assert.deepEqual((await fs.readdir('/')).sort(), ['a', 'b']);
        assert.equal(await fs.readFile('/a', 'utf8'), 'c');
      } finally {
        await mfs.close();
      }
    });

    test('documented differences: busy files, lock timeout, root, directories', async () => {
      const mfs = await MemoryFileSystem.create({ build });
      try {
        const fs = toNodeFsPromises(mfs, { lockTimeout: 0 });
        await fs.mkdir('/d/e', { recursive: true });
        await fs.writeFile('/d/f', 'x');
        const h = await fs.open('/d/f', 'r+');
        await assert.rejects(fs.unlink('/d/f'), { code: 'EBUSY', syscall: 'unlink', path: '/d/f', errno: -os.constants.errno.EBUSY });
        await assert.rejects(fs.open('/d/f', 'r'), { code: 'EAGAIN', syscall: 'open', path: '/d/f' });
        await assert.rejects(fs.rm('/d', { recursive: true }), { code: 'EBUSY', syscall: 'rmdir', path: '/d' });
        await h.close();
        await assert.rejects(fs.open('/d', 'r'), { code: 'EISDIR', syscall: 'open', path: '/d' });
        await assert.rejects(fs.rmdir('/'), { code: 'EBUSY', syscall: 'rmdir', path: '/' });
        await assert.rejects(fs.mkdir('/'), { code: 'EEXIST', syscall: 'mkdir', path: '/' });
        await assert.rejects(fs.readFile(new URL('file:///d/f')), { code: 'ERR_INVALID_ARG_TYPE' });
        await assert.rejects(fs.readFile('/../x'), { code: 'EINVAL', syscall: 'open', path: '/../x' });
        // rm of '/' empties it and then fails like rmdir('/') on Linux.
        await assert.rejects(fs.rm('/', { recursive: true }), { code: 'EBUSY', syscall: 'rmdir', path: '/' });
        assert.deepEqual(await fs.readdir('/'), []);
        assert.equal((await mfs.stats()).usedBytes, 0);
      } finally {
        await mfs.close();
      }
    });

    test('calls on one FileHandle run in call order', async () => {
      const mfs = await MemoryFileSystem.create({ build });
      try {
        const fs = toNodeFsPromises(mfs);
        const h = await fs.open('/f', 'w+');
        const writes = Array.from({ length: 20 }, (_, i) => h.write(String.fromCharCode(97 + i), i % 2 ? 100 + i : null));
        const reads = [h.read(Buffer.alloc(4), 0, 4, 0), h.stat()];
        await Promise.all(writes);
        const [r, st] = await Promise.all(reads);
        await h.close();
        // Positioned writes (odd i) do not move the cursor; the others land at 0..9.
        assert.equal((await fs.readFile('/f', 'latin1')).slice(0, 10), 'acegikmoqs');
        assert.equal(r.buffer.toString(), 'aceg');
        assert.equal(st.size, 120);
        assert.equal(h.fd, -1);
      } finally {
        await mfs.close();
      }
    });

    test('rename over a busy destination fails with EBUSY and restores the source', async () => {
      const mfs = await MemoryFileSystem.create({ build });
      try {
        const fs = toNodeFsPromises(mfs, { lockTimeout: 0 });
        await fs.writeFile('/src', 'S');
        await fs.writeFile('/dst', 'D');
        const h = await fs.open('/dst', 'r');
        const err = await fs.rename('/src', '/dst').then(() => null, (e) => e);
        await h.close();
        assert.equal(err?.code, 'EBUSY');
        assert.equal(err.syscall, 'rename');
        assert.equal(err.path, '/src');
        assert.equal(err.dest, '/dst');
        assert.deepEqual((await fs.readdir('/')).sort(), ['dst', 'src']);
        assert.equal(await fs.readFile('/src', 'utf8'), 'S');
        assert.equal(await fs.readFile('/dst', 'utf8'), 'D');
      } finally {
        await mfs.close();
      }
    });
  });
}

// Without Buffer (browsers) the adapter encodes and decodes by itself; its results must
// equal Buffer's. Runs in a child process so that removing Buffer affects nothing else.
test('encodings without Buffer equal Buffer\'s', { skip: coreLoaded !== true }, async () => {
  const { execFile } = await import('node:child_process');
  const samples = [
    ['utf8', 'héllo ✓ 😀'], ['latin1', 'é\u00ff A'], ['hex', '00ff41e9'], ['hex', '0a1'],
    ['base64', 'AAEC/w=='], ['base64', 'aGk'], ['base64url', 'AAEC_w'], ['ascii', 'abc'],
    ['utf16le', 'añ€'],
  ];
  const script = async (samples, nodeFsUrl, indexUrl, build) => {
    const { toNodeFsPromises } = await import(nodeFsUrl);
    const { MemoryFileSystem } = await import(indexUrl);
    const mfs = await MemoryFileSystem.create({ build });
    const fs = toNodeFsPromises(mfs);
    const out = [];
    for (const [enc, s] of samples) {
      await fs.writeFile('/f', s, enc);
      const bytes = Array.from(await fs.readFile('/f'));
      const back = await fs.readFile('/f', enc);
      const asBase64 = await fs.readFile('/f', 'base64');
      const asLatin1 = await fs.readFile('/f', 'latin1');
      out.push([bytes, back, asBase64, asLatin1]);
    }
    await mfs.close();
    return { hasBuffer: typeof globalThis.Buffer, out };
  };
  const nodeFsUrl = new URL('../../js/node-fs.mjs', import.meta.url).href;
  const indexUrl = new URL('../../js/index.mjs', import.meta.url).href;
  const withBuffer = await script(samples, nodeFsUrl, indexUrl, BUILDS[0]);
  const code = `delete globalThis.Buffer;
    (${script.toString()})(${JSON.stringify(samples)}, ${JSON.stringify(nodeFsUrl)}, ${JSON.stringify(indexUrl)}, ${JSON.stringify(BUILDS[0])})
      .then((r) => process.stdout.write(JSON.stringify(r)), (e) => { console.error(e); process.exit(1); });`;
  const stdout = await new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', code], (err, out, errOut) => (err ? reject(new Error(errOut)) : resolve(out)));
  });
  const without = JSON.parse(stdout);
  assert.equal(without.hasBuffer, 'undefined');
  assert.equal(withBuffer.hasBuffer, 'function');
  assert.deepEqual(without.out, withBuffer.out);
});
