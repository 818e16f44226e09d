// Exercises every public member of dmemfs, dmemfs/node-fs and dmemfs/testing with the
// published types. Checked by ../tsc.test.mjs with `tsc --noEmit --strict` against the
// installed tarball; each @ts-expect-error must stay an error or tsc fails.
import {
  MemoryFileSystem, FileHandle, TextHandle, DMemFSError, QuotaExceededError,
  NodeLimitExceededError, constants, version,
} from 'dmemfs';
import type {
  Build, Storage, OpenMode, CreateOptions, LockOptions, OpenOptions, ReadFileOptions,
  ExportOptions, Stat, Stats, ShareDescriptor, ImportEntries, TextHandleOptions,
  DMemFSErrorOptions,
} from 'dmemfs';
import { toNodeFsPromises, constants as nodeConstants } from 'dmemfs/node-fs';
import type { NodeFsPromises, NodeFsError, Stats as NodeStats, Dirent, FileHandle as NodeFileHandle } from 'dmemfs/node-fs';
import { useMemoryFs, withMemoryFs } from 'dmemfs/testing';
import type { MemoryFsOptions } from 'dmemfs/testing';

const bytes = new Uint8Array([1, 2, 3]);

async function core(): Promise<void> {
  const build: Build = 'single';
  const storage: Storage = 'random_access';
  const opts: CreateOptions = {
    maxQuota: 1 << 20, maxNodes: Infinity, defaultStorage: storage, promotionHardLimit: 1 << 16,
    chunkOverhead: 64, defaultLockTimeout: 1000, clock: () => Date.now(), build,
  };
  const fs: MemoryFileSystem = await MemoryFileSystem.create(opts);
  await MemoryFileSystem.create();
  const closed: boolean = fs.closed;
  const b: Build = fs.build;
  const mode: OpenMode = 'wb';
  const openOpts: OpenOptions = { preallocate: 10, lockTimeout: 5 };
  const h: FileHandle = await fs.open('/a', mode, openOpts);
  await fs.open('/a');
  const hp: string = h.path;
  const hm: OpenMode = h.mode;
  const flags: boolean[] = [h.closed, h.readable, h.writable, h.seekable];
  const n: number = await h.write(bytes);
  const pos: number = await h.seek(0, constants.SEEK_SET);
  await h.seek(1);
  const t: number = await h.tell();
  const r: Uint8Array = await h.read(2);
  await h.read();
  const got: number = await h.readInto(new Uint8Array(4));
  const rs: ReadableStream<Uint8Array> = h.readableWebStream({ chunkSize: 4096 });
  const ws: WritableStream<Uint8Array> = h.writableWebStream();
  void rs; void ws;
  const sz: number = await h.truncate(1);
  await h.truncate();
  await h.flush();
  await h.close();
  await h[Symbol.asyncDispose]();
  {
    await using auto = await fs.open('/u', 'xb');
    await auto.write(bytes);
  }

  const th = new TextHandle(await fs.open('/t', 'r+b'), { encoding: 'utf-8', errors: 'replace' } satisfies TextHandleOptions);
  new TextHandle(h);
  const thh: FileHandle = th.handle;
  const enc: 'utf-8' = th.encoding;
  const errs: 'strict' | 'replace' = th.errors;
  const wn: number = await th.write('héllo\n');
  const s1: string = await th.read(3);
  await th.read();
  const line: string = await th.readline(80);
  await th.readline();
  for await (const l of th) { const s: string = l; void s; }

  await fs.mkdir('/d', { existOk: true });
  await fs.mkdir('/e');
  await fs.rename('/a', '/b');
  await fs.move('/b', '/d/b');
  await fs.remove('/d/b');
  await fs.rmtree('/e');
  const names: string[] = await fs.listdir('/');
  const ex: boolean = (await fs.exists('/d')) && (await fs.isDir('/d')) && !(await fs.isFile('/d'));
  const st: Stat = await fs.stat('/d');
  const stFields: [number, number, number, number, boolean] = [st.size, st.createdAt, st.modifiedAt, st.generation, st.isDir];
  const sts: Stats = await fs.stats();
  const stsFields: number[] = [sts.usedBytes, sts.quotaBytes, sts.freeBytes, sts.fileCount, sts.dirCount, sts.chunkCount, sts.overheadPerChunk];
  const size: number = await fs.getSize('/u');
  const rfo: ReadFileOptions = { maxSize: 100, lockTimeout: 1 };
  const data: Uint8Array = await fs.readFile('/u', rfo);
  await fs.readFile('/u');
  const lo: LockOptions = { lockTimeout: 0 };
  await fs.writeFile('/w', bytes, lo);
  await fs.writeFile('/w', bytes);
  const eo: ExportOptions = { prefix: '/d', onlyDirty: true, lockTimeout: 1 };
  const tree: Map<string, Uint8Array> = await fs.exportTree(eo);
  await fs.exportTree();
  for await (const [p, c] of fs.iterExportTree(eo)) { const x: string = p; const y: Uint8Array = c; void x; void y; }
  const entries: ImportEntries[] = [tree, { '/r': bytes }, [['/i', bytes]] as const];
  for (const e of entries) await fs.importTree(e);
  await fs.copy('/w', '/w2', lo);
  await fs.copy('/w', '/w3');
  await fs.copyTree('/d', '/d2', lo);
  await fs.copyTree('/d', '/d3');
  await fs.copyTree('/d', '/d4', { onProgress: (p) => { const d: number = p.done; const t: number = p.total; void d; void t; } });
  await fs.importTree({ '/p.bin': new Uint8Array(1) }, { onProgress: ({ done, total }) => void (done + total) });
  await fs.exportTree({ onProgress: () => {} });
  for await (const [dir, dirs, files] of fs.walk('/')) { const x: [string, string[], string[]] = [dir, dirs, files]; void x; }
  fs.walk();
  const matches: string[] = await fs.glob('/**/*.txt');
  const desc: ShareDescriptor = fs.share();
  const descFields: ['dmemfs-share', 'threads', WebAssembly.Module, WebAssembly.Memory, number, number] =
    [desc.kind, desc.build, desc.module, desc.memory, desc.fsId, desc.defaultLockTimeout];
  const other: MemoryFileSystem = await MemoryFileSystem.attach(desc, { clock: () => 0 });
  await MemoryFileSystem.attach(desc);
  await other.close();
  await fs[Symbol.asyncDispose]();
  await fs.close();

  try { await fs.writeFile('/big', bytes); } catch (e) {
    if (e instanceof NodeLimitExceededError) { const x: number[] = [e.current, e.limit, e.requested, e.available]; void x; }
    if (e instanceof QuotaExceededError) { const c: 'ENOSPC' = e.code; void c; }
    if (e instanceof DMemFSError) {
      const x: [string, number, string, string | undefined, string | undefined, string] = [e.code, e.errno, e.syscall, e.path, e.dest, e.message];
      void x;
    }
  }
  const eopts: DMemFSErrorOptions = { code: 'ENOENT', errno: constants.ENOENT, description: 'no such file', syscall: 'open', path: '/x', dest: '/y', detail: 'd' };
  const err1: Error = new DMemFSError(eopts);
  const err2: DMemFSError = new QuotaExceededError({ ...eopts, code: 'ENOSPC', requested: 1, available: 0 });
  const err3: QuotaExceededError = new NodeLimitExceededError({ ...eopts, requested: 1, available: 0, current: 5, limit: 5 });
  const cs: number[] = [constants.SEEK_CUR, constants.SEEK_END, constants.OK, constants.EBADF, constants.EAGAIN,
    constants.ENOMEM, constants.EBUSY, constants.EEXIST, constants.ENOTDIR, constants.EISDIR, constants.EINVAL,
    constants.EFBIG, constants.ENOSPC, constants.ENAMETOOLONG, constants.ENOTEMPTY, constants.ENOTSUP, constants.EDQUOT];
  const v: string = version;
  void [closed, b, hp, hm, flags, n, pos, t, r, got, sz, thh, enc, errs, wn, s1, line, names, ex, stFields, stsFields,
    size, data, matches, descFields, err1, err2, err3, cs, v];

  // Misuse the types must reject.
  // @ts-expect-error write() takes bytes, not a string
  await h.write('text');
  // @ts-expect-error writeFile() needs data
  await fs.writeFile('/x');
  // @ts-expect-error open() needs a path
  await fs.open();
  // @ts-expect-error unknown open mode
  await fs.open('/x', 'w');
  // @ts-expect-error maxQuota is a number
  await MemoryFileSystem.create({ maxQuota: '1MB' });
  // @ts-expect-error unknown build
  await MemoryFileSystem.create({ build: 'native' });
  // @ts-expect-error seek whence is 0 | 1 | 2
  await h.seek(0, 3);
  // @ts-expect-error the constructor is private
  new MemoryFileSystem();
  // @ts-expect-error constants are read-only
  constants.ENOENT = -1;
  // @ts-expect-error clock must return a number
  await MemoryFileSystem.create({ clock: () => 'now' });
  // @ts-expect-error readFile returns bytes, not a string
  const notString: string = await fs.readFile('/x');
  void notString;
}

async function nodeFs(fs: MemoryFileSystem): Promise<void> {
  const p: NodeFsPromises = toNodeFsPromises(fs, { lockTimeout: 10 });
  toNodeFsPromises(fs);
  await p.access('/a', p.constants.R_OK);
  await p.access('/a');
  await p.appendFile('/a', 'x', 'utf8');
  await p.appendFile('/a', bytes, { encoding: null, flag: 'a', mode: 0o644 });
  await p.copyFile('/a', '/b', nodeConstants.COPYFILE_EXCL);
  await p.copyFile('/a', '/c');
  const ls: NodeStats = await p.lstat('/a');
  const lsb: NodeStats<bigint> = await p.lstat('/a', { bigint: true });
  const made: string | undefined = await p.mkdir('/d/e', { recursive: true });
  const notMade: undefined = await p.mkdir('/f');
  const fh: NodeFileHandle = await p.open('/a', 'r+', 0o644);
  await p.open('/a', nodeConstants.O_RDONLY);
  const fd: number = fh.fd;
  const rr: { bytesRead: number; buffer: Uint8Array } = await fh.read(new Uint8Array(4), 0, 4, 0);
  await fh.read(new Uint8Array(4), { offset: 0, length: 2, position: null });
  await fh.read({ buffer: new Uint8Array(2) });
  await fh.read();
  const ww: { bytesWritten: number; buffer: Uint8Array } = await fh.write(bytes, 0, 3, null);
  await fh.write(bytes, { offset: 0, length: 1, position: 0 });
  const ws: { bytesWritten: number; buffer: string } = await fh.write('str', null, 'utf8');
  const fb: Uint8Array = await fh.readFile();
  const fsx: string = await fh.readFile('utf8');
  await fh.readFile({ encoding: 'hex' });
  await fh.writeFile('x', 'utf8');
  await fh.appendFile([bytes, 'y']);
  const fst: NodeStats<number> = await fh.stat();
  const fstb: NodeStats<bigint> = await fh.stat({ bigint: true });
  await fh.truncate(1);
  await fh.sync();
  await fh.datasync();
  await fh.close();
  await fh[Symbol.asyncDispose]();
  const buf: Uint8Array = await p.readFile('/a');
  const txt: string = await p.readFile('/a', 'utf8');
  await p.readFile(fh, { encoding: 'base64', flag: 'r' });
  const names: string[] = await p.readdir('/', { recursive: true });
  const raw: Uint8Array[] = await p.readdir('/', 'buffer');
  const ents: Dirent[] = await p.readdir('/', { withFileTypes: true });
  for (const d of ents) {
    const x: [string, string, string, boolean, boolean, false, false, false, false, false] = [d.name, d.parentPath, d.path,
      d.isFile(), d.isDirectory(), d.isSymbolicLink(), d.isBlockDevice(), d.isCharacterDevice(), d.isFIFO(), d.isSocket()];
    void x;
  }
  await p.rename('/a', '/z');
  await p.rm('/d', { recursive: true, force: true });
  await p.rmdir('/f', { recursive: false });
  const s: NodeStats = await p.stat('/z');
  const sb: NodeStats<bigint> = await p.stat('/z', { bigint: true });
  const fields: number[] = [s.dev, s.mode, s.nlink, s.uid, s.gid, s.rdev, s.blksize, s.ino, s.size, s.blocks,
    s.atimeMs, s.mtimeMs, s.ctimeMs, s.birthtimeMs];
  const times: Date[] = [s.atime, s.mtime, s.ctime, s.birthtime];
  const ns: (bigint | undefined)[] = [sb.atimeNs, sb.mtimeNs, sb.ctimeNs, sb.birthtimeNs];
  const preds: boolean[] = [s.isFile(), s.isDirectory(), s.isSymbolicLink(), s.isBlockDevice(), s.isCharacterDevice(), s.isFIFO(), s.isSocket()];
  await p.truncate('/z', 0);
  await p.unlink('/z');
  await p.writeFile('/n', 'text', { encoding: 'utf8', flag: 'w', signal: new AbortController().signal });
  await p.writeFile('/n', bytes);
  const c: number[] = [nodeConstants.F_OK, nodeConstants.W_OK, nodeConstants.X_OK, nodeConstants.COPYFILE_FICLONE,
    nodeConstants.COPYFILE_FICLONE_FORCE, nodeConstants.O_WRONLY, nodeConstants.O_RDWR, nodeConstants.O_CREAT,
    nodeConstants.O_EXCL, nodeConstants.O_TRUNC, nodeConstants.O_APPEND, nodeConstants.O_SYNC,
    nodeConstants.S_IFMT, nodeConstants.S_IFREG, nodeConstants.S_IFDIR];
  try { await p.stat('/missing'); } catch (e) {
    const ne = e as NodeFsError;
    const x: [string, number | undefined, string, string | undefined, string | undefined, unknown,
      number | undefined, number | undefined, number | undefined, number | undefined] =
      [ne.code, ne.errno, ne.syscall, ne.path, ne.dest, ne.cause, ne.requested, ne.available, ne.current, ne.limit];
    void x;
  }
  void [ls, lsb, made, notMade, fd, rr, ww, ws, fb, fsx, fst, fstb, buf, txt, raw, names, sb, fields, times, ns, preds, c];

  // @ts-expect-error readFile with an encoding is a string
  const notBytes: Uint8Array = await p.readFile('/a', 'utf8');
  // @ts-expect-error unknown encoding
  await p.readFile('/a', 'utf32');
  // @ts-expect-error unknown open flag
  await p.open('/a', 'q');
  // @ts-expect-error toNodeFsPromises needs a filesystem
  toNodeFsPromises();
  void notBytes;
}

async function testing(): Promise<void> {
  const fsOpts: MemoryFsOptions = { maxQuota: 1024, build: 'single', files: { '/a': 'x', '/b': bytes } };
  const get: () => MemoryFileSystem = useMemoryFs(fsOpts);
  useMemoryFs({ files: new Map([['/c', 'y']]) });
  useMemoryFs();
  const n: number = await withMemoryFs(async (fs) => (await fs.readFile('/a')).length);
  const s: string = await withMemoryFs(fsOpts, (fs) => fs.build);
  await withMemoryFs(undefined, (fs) => fs.close());
  void [get, n, s];
  // @ts-expect-error files values are strings or bytes
  useMemoryFs({ files: { '/a': 1 } });
  // @ts-expect-error withMemoryFs needs a callback
  await withMemoryFs({ maxQuota: 1 });
}

export { core, nodeFs, testing };
