// dmemfs/node-fs: the commonly used part of `node:fs/promises` over a dmemfs
// MemoryFileSystem, built only on its public promise API (SPEC §2).
//
// Errors look like Node's: `ENOENT: no such file or directory, open '/x'` with `code`,
// `errno` (the platform's negative errno, from os.constants.errno when available, else
// Linux numbers), `syscall`, `path` (as the caller wrote it) and `dest`. The dmemfs error
// is kept as `cause`; quota errors keep `requested`/`available` (and the node-limit
// fields). Argument errors of the core (TypeError/RangeError) pass through unchanged.
//
// Where dmemfs and Node differ, Node's behaviour is built from dmemfs calls:
// - rename overwrites an existing destination (file over file, directory over an empty
//   directory): src is renamed to a temporary name in dst's parent, dst is removed, the
//   temporary entry is renamed to dst; if removing dst fails the source is renamed back
//   (it then sits last in its parent). rename(p, p) is a no-op. The type checks
//   (EISDIR, ENOTDIR, ENOTEMPTY, EINVAL for a move into its own subtree) are made here.
// - copyFile overwrites an existing destination file (readFile + writeFile, which is
//   atomic); COPYFILE_EXCL maps to dmemfs `copy`, which never overwrites.
// - mkdir without `recursive` creates one level: missing parent → ENOENT, existing
//   entry → EEXIST, a file as parent → ENOTDIR. Checked here, then dmemfs mkdir runs;
//   the check and the creation are two steps, not one atomic call.
// - rmdir refuses a non-empty directory (ENOTEMPTY) and '/' (EBUSY, as Linux); it lists
//   the directory, then removes it with rmtree (two steps). rm follows Node 20: lstat
//   errors, ERR_FS_EISDIR without `recursive`, `force` ignores ENOENT only; rm('/',
//   {recursive}) empties root and then fails with EBUSY like rmdir('/').
// - mkdir {recursive} returns the first directory it created (normalized; the argument
//   itself when that was the one), or undefined.
// - open flags map to dmemfs modes; read+write flags ('r+', 'w+', 'a+', 'wx+', 'ax+')
//   open 'r+b' after creating the file if needed ('w+' then truncates), and the wrapper
//   enforces readability/writability itself (EBADF as in Node). Append handles write at
//   the end whatever `position` says (Linux O_APPEND). Positioned reads/writes seek,
//   act, and seek back; calls on one handle run one at a time.
// - A path with a trailing slash naming a file → ENOTDIR; creating a file through such a
//   path → EISDIR (Linux). `readFile` of a directory → EISDIR with syscall 'read' and no
//   path, as Node reports it.
// Emulations made of several dmemfs calls (rename over an entry, non-recursive mkdir,
// rmdir, open with '+' flags, positioned I/O) are not atomic towards other tasks or
// workers using the same filesystem; each dmemfs call still is.
// Differences that remain (dmemfs semantics, documented rather than emulated):
// - Paths are strings only (no Buffer or URL). Relative paths act as absolute, `..` is
//   resolved on the text (§5.1), above root is EINVAL, `\` is a separator.
// - dmemfs file locks: opening a file held by another handle waits up to the lock
//   timeout (`options.lockTimeout` of toNodeFsPromises, default: the filesystem's)
//   and then fails with EAGAIN; removing, renaming or replacing an open file → EBUSY.
//   Node (Linux) allows all of these.
// - No permissions, owners, links or times other than dmemfs's: Stats.mode is 0o100644
//   (files) / 0o40755 (directories), uid/gid/dev/ino 0, nlink 1, atime = ctime = mtime,
//   directories report size 0. access(X_OK) on a file → EACCES, everything else passes.
// - open() of a directory rejects with EISDIR at once (Node opens it read-only and fails
//   on read). unlink of a directory → EISDIR (Linux; macOS says EPERM).
// - FileHandle.fd is a fake number (not an OS descriptor; -1 once closed).
// - Not provided: streams, watch, symlinks, chmod/chown/utimes, opendir, cp, glob.
import { invalidArgType, invalidArgValue } from './errors.mjs';
import { validatePath } from './validate.mjs';

const FD_BASE = 0x40000000; // fake descriptors start here

// Node built-ins when running on Node (also in bundles for browsers, where they are absent).
const nodeMods = await loadNodeBuiltins();
async function loadNodeBuiltins() {
  const out = { os: null, util: null, fs: null };
  const proc = globalThis.process;
  if (!proc?.versions?.node) return out;
  for (const name of ['os', 'util', 'fs']) {
    try {
      out[name] = typeof proc.getBuiltinModule === 'function'
        ? proc.getBuiltinModule(name)
        : await import(/* webpackIgnore: true */ `node:${name}`);
    } catch { /* not available: fall back to the Linux tables below */ }
  }
  return out;
}

const LINUX_ERRNO = {
  EPERM: 1, ENOENT: 2, EBADF: 9, EAGAIN: 11, ENOMEM: 12, EACCES: 13, EBUSY: 16,
  EEXIST: 17, ENOTDIR: 20, EISDIR: 21, EINVAL: 22, EFBIG: 27, ENOSPC: 28,
  ENAMETOOLONG: 36, ENOTEMPTY: 39, ENOTSUP: 95, EDQUOT: 122,
};
// libuv's descriptions (uv_strerror), used when util.getSystemErrorMap is unavailable.
const UV_DESCRIPTION = {
  EPERM: 'operation not permitted', ENOENT: 'no such file or directory',
  EBADF: 'bad file descriptor', EAGAIN: 'resource temporarily unavailable',
  ENOMEM: 'not enough memory', EACCES: 'permission denied',
  EBUSY: 'resource busy or locked', EEXIST: 'file already exists',
  ENOTDIR: 'not a directory', EISDIR: 'illegal operation on a directory',
  EINVAL: 'invalid argument', EFBIG: 'file too large', ENOSPC: 'no space left on device',
  ENAMETOOLONG: 'name too long', ENOTEMPTY: 'directory not empty',
  ENOTSUP: 'operation not supported on socket', EDQUOT: 'disk quota exceeded',
};
const errnoTable = nodeMods.os?.constants?.errno ?? LINUX_ERRNO;
let systemErrorMap = null;
try { systemErrorMap = nodeMods.util?.getSystemErrorMap?.() ?? null; } catch { /* old Node */ }

function positiveErrno(code) {
  return errnoTable[code] ?? LINUX_ERRNO[code];
}
function describe(code) {
  const n = positiveErrno(code);
  const entry = n !== undefined ? systemErrorMap?.get(-n) : undefined;
  return entry && entry[0] === code ? entry[1] : (UV_DESCRIPTION[code] ?? code);
}

/** A Node-style system error (what libuv-backed fs calls reject with). */
function uvError(code, syscall, path, dest, cause) {
  let message = `${code}: ${describe(code)}, ${syscall}`;
  if (path !== undefined) message += ` '${path}'`;
  if (dest !== undefined) message += ` -> '${dest}'`;
  const err = new Error(message, cause ? { cause } : undefined);
  err[NODE_ERROR] = true;
  const n = positiveErrno(code);
  if (n !== undefined) err.errno = -n;
  err.code = code;
  err.syscall = syscall;
  if (path !== undefined) err.path = path;
  if (dest !== undefined) err.dest = dest;
  if (cause) {
    for (const k of ['requested', 'available', 'current', 'limit']) {
      if (k in cause) err[k] = cause[k];
    }
  }
  return err;
}

const NODE_ERROR = Symbol('node-fs error');
function isCoreError(e) {
  return e instanceof Error && !e[NODE_ERROR] && typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)
    && typeof e.errno === 'number';
}

/** Rethrows a dmemfs error as Node's; anything else unchanged. */
function mapError(e, syscall, path, dest) {
  if (!isCoreError(e)) return e;
  return uvError(e.code, syscall, path, dest, e);
}

function closedError(syscall) {
  const err = new Error('file closed');
  err.code = 'EBADF';
  err.syscall = syscall;
  return err;
}

function abortError(signal) {
  const err = new Error('The operation was aborted', { cause: signal?.reason });
  err.name = 'AbortError';
  err.code = 'ABORT_ERR';
  return err;
}
function checkAborted(options) {
  if (options?.signal?.aborted) throw abortError(options.signal);
}

// ---------------------------------------------------------------------------------------
// Paths (text only; dmemfs normalizes again and reports its own errors)

/** SPEC §5.1 normalization, for comparisons only; null when dmemfs would reject it. */
function normalize(p) {
  const parts = [];
  for (const part of p.replaceAll('\\', '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return null;
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  return '/' + parts.join('/');
}
function parentOf(np) {
  const i = np.lastIndexOf('/');
  return i <= 0 ? '/' : np.slice(0, i);
}
/** Whether the text says "directory" (Linux: trailing '/', '/.' or '/..'). */
function endsAsDir(p) {
  const s = p.replaceAll('\\', '/');
  return /\/(\.\.?)?$/.test(s) && normalize(s) !== '/';
}

// ---------------------------------------------------------------------------------------
// Bytes and encodings

const HAS_BUFFER = typeof globalThis.Buffer === 'function';
const ENCODINGS = new Set(['utf8', 'utf-8', 'latin1', 'binary', 'base64', 'base64url',
  'hex', 'ascii', 'ucs2', 'ucs-2', 'utf16le', 'utf-16le']);

function checkEncoding(enc) {
  if (enc === undefined || enc === null || enc === 'buffer') return null;
  if (typeof enc === 'string') {
    const lower = enc.toLowerCase();
    if (HAS_BUFFER ? globalThis.Buffer.isEncoding(lower) : ENCODINGS.has(lower)) return lower;
  }
  throw invalidArgValue('encoding', enc, 'is invalid encoding');
}

const utf8Encoder = new TextEncoder();
function encodeString(str, enc) {
  enc = enc ?? 'utf8';
  if (HAS_BUFFER) return globalThis.Buffer.from(str, enc);
  switch (enc) {
    case 'utf8': case 'utf-8': return utf8Encoder.encode(str);
    case 'latin1': case 'binary': case 'ascii':
      return Uint8Array.from(str, (c) => c.charCodeAt(0) & 0xff);
    case 'hex': {
      const n = str.length >> 1;
      const out = new Uint8Array(n);
      let i = 0;
      for (; i < n; i++) {
        const v = parseInt(str.slice(2 * i, 2 * i + 2), 16);
        if (Number.isNaN(v)) break; // Buffer stops at the first bad pair
        out[i] = v;
      }
      return out.subarray(0, i);
    }
    case 'base64': case 'base64url': {
      const s = str.replace(/[^A-Za-z0-9+/_-]/g, '').replace(/-/g, '+').replace(/_/g, '/');
      const bin = atob(s + '='.repeat((4 - (s.length % 4)) % 4));
      return Uint8Array.from(bin, (c) => c.charCodeAt(0));
    }
    default: { // utf16le
      const out = new Uint8Array(str.length * 2);
      for (let i = 0; i < str.length; i++) {
        const c = str.charCodeAt(i);
        out[2 * i] = c & 0xff;
        out[2 * i + 1] = c >> 8;
      }
      return out;
    }
  }
}
function decodeBytes(u8, enc) {
  if (enc === null) {
    return HAS_BUFFER ? globalThis.Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength) : u8;
  }
  if (HAS_BUFFER) {
    return globalThis.Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength).toString(enc);
  }
  switch (enc) {
    case 'utf8': case 'utf-8': return new TextDecoder().decode(u8);
    case 'latin1': case 'binary': return String.fromCharCode(...u8);
    case 'ascii': return String.fromCharCode(...u8.map((b) => b & 0x7f));
    case 'hex': return Array.from(u8, (b) => b.toString(16).padStart(2, '0')).join('');
    case 'base64': case 'base64url': {
      let bin = '';
      for (const b of u8) bin += String.fromCharCode(b);
      const s = btoa(bin);
      return enc === 'base64' ? s : s.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    }
    default: return new TextDecoder('utf-16le').decode(u8);
  }
}
function viewOf(data) {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return null;
}
/** writeFile/appendFile data: string, ArrayBufferView, or an (async) iterable of them. */
async function dataToBytes(data, enc) {
  if (typeof data === 'string') return encodeString(data, enc);
  const v = viewOf(data);
  if (v) return v;
  if (data && typeof data === 'object'
      && (typeof data[Symbol.asyncIterator] === 'function'
          || typeof data[Symbol.iterator] === 'function')) {
    const chunks = [];
    let total = 0;
    for await (const chunk of data) {
      const b = typeof chunk === 'string' ? encodeString(chunk, enc) : viewOf(chunk);
      if (!b) throw invalidArgType('data', 'of type string or an instance of Buffer, TypedArray, or DataView', chunk);
      chunks.push(b);
      total += b.byteLength;
    }
    const out = new Uint8Array(total);
    let off = 0;
    for (const c of chunks) { out.set(c, off); off += c.byteLength; }
    return out;
  }
  throw invalidArgType('data', 'of type string or an instance of Buffer, TypedArray, or DataView', data);
}

function parseOptions(options, defaults) {
  if (options === undefined || options === null) return { ...defaults };
  if (typeof options === 'string') return { ...defaults, encoding: options };
  if (typeof options !== 'object') throw invalidArgType('options', 'of type object', options);
  return { ...defaults, ...options };
}

// ---------------------------------------------------------------------------------------
// Flags

const NODE_FS_CONSTANTS = nodeMods.fs?.constants ?? {};
const O = {
  O_RDONLY: NODE_FS_CONSTANTS.O_RDONLY ?? 0,
  O_WRONLY: NODE_FS_CONSTANTS.O_WRONLY ?? 1,
  O_RDWR: NODE_FS_CONSTANTS.O_RDWR ?? 2,
  O_CREAT: NODE_FS_CONSTANTS.O_CREAT ?? 0o100,
  O_EXCL: NODE_FS_CONSTANTS.O_EXCL ?? 0o200,
  O_TRUNC: NODE_FS_CONSTANTS.O_TRUNC ?? 0o1000,
  O_APPEND: NODE_FS_CONSTANTS.O_APPEND ?? 0o2000,
  O_SYNC: NODE_FS_CONSTANTS.O_SYNC ?? 0o4010000,
};
export const constants = Object.freeze({
  F_OK: 0, R_OK: 4, W_OK: 2, X_OK: 1,
  COPYFILE_EXCL: 1, COPYFILE_FICLONE: 2, COPYFILE_FICLONE_FORCE: 4,
  ...O,
  S_IFMT: 0o170000, S_IFREG: 0o100000, S_IFDIR: 0o40000,
});

const STRING_FLAGS = {
  r: 'r', rs: 'r', sr: 'r',
  'r+': 'r+', 'rs+': 'r+', 'sr+': 'r+',
  w: 'w', wx: 'wx', xw: 'wx', 'w+': 'w+', 'wx+': 'wx+', 'xw+': 'wx+',
  a: 'a', ax: 'ax', xa: 'ax', as: 'a', sa: 'a',
  'a+': 'a+', 'ax+': 'ax+', 'xa+': 'ax+', 'as+': 'a+', 'sa+': 'a+',
};
/** → {read, write, create, trunc, excl, append} */
function parseFlags(flags) {
  if (flags === undefined || flags === null) flags = 'r';
  let bits;
  if (typeof flags === 'string') {
    const f = STRING_FLAGS[flags];
    if (f === undefined) throw invalidArgValue('flags', flags);
    bits = {
      r: O.O_RDONLY, 'r+': O.O_RDWR, w: O.O_TRUNC | O.O_CREAT | O.O_WRONLY,
      wx: O.O_TRUNC | O.O_CREAT | O.O_WRONLY | O.O_EXCL,
      'w+': O.O_TRUNC | O.O_CREAT | O.O_RDWR,
      'wx+': O.O_TRUNC | O.O_CREAT | O.O_RDWR | O.O_EXCL,
      a: O.O_APPEND | O.O_CREAT | O.O_WRONLY,
      ax: O.O_APPEND | O.O_CREAT | O.O_WRONLY | O.O_EXCL,
      'a+': O.O_APPEND | O.O_CREAT | O.O_RDWR,
      'ax+': O.O_APPEND | O.O_CREAT | O.O_RDWR | O.O_EXCL,
    }[f];
  } else if (Number.isInteger(flags)) {
    bits = flags;
  } else {
    throw invalidArgType('flags', 'of type string or number', flags);
  }
  const acc = bits & 3;
  return {
    read: acc === O.O_RDONLY || acc === O.O_RDWR,
    write: acc === O.O_WRONLY || acc === O.O_RDWR,
    create: (bits & O.O_CREAT) !== 0,
    excl: (bits & O.O_CREAT) !== 0 && (bits & O.O_EXCL) !== 0,
    trunc: (bits & O.O_TRUNC) !== 0,
    append: (bits & O.O_APPEND) !== 0,
  };
}

// ---------------------------------------------------------------------------------------
// Stats and Dirent

const S_IFREG = 0o100000;
const S_IFDIR = 0o40000;

/** Stats-like object from a dmemfs stat(); field order as Node's. */
export class Stats {
  constructor(st, bigint = false) {
    const size = st.isDir ? 0 : st.size;
    const c = bigint ? BigInt : Number;
    this.dev = c(0);
    this.mode = c(st.isDir ? S_IFDIR | 0o755 : S_IFREG | 0o644);
    this.nlink = c(1);
    this.uid = c(0);
    this.gid = c(0);
    this.rdev = c(0);
    this.blksize = c(4096);
    this.ino = c(0);
    this.size = c(size);
    this.blocks = c(Math.ceil(size / 4096) * 8);
    this.atimeMs = c(st.modifiedAt);
    this.mtimeMs = c(st.modifiedAt);
    this.ctimeMs = c(st.modifiedAt);
    this.birthtimeMs = c(st.createdAt);
    if (bigint) {
      this.atimeNs = BigInt(st.modifiedAt) * 1000000n;
      this.mtimeNs = BigInt(st.modifiedAt) * 1000000n;
      this.ctimeNs = BigInt(st.modifiedAt) * 1000000n;
      this.birthtimeNs = BigInt(st.createdAt) * 1000000n;
    }
    this.atime = new Date(st.modifiedAt);
    this.mtime = new Date(st.modifiedAt);
    this.ctime = new Date(st.modifiedAt);
    this.birthtime = new Date(st.createdAt);
  }
  #is(type) { return (Number(this.mode) & 0o170000) === type; }
  isFile() { return this.#is(S_IFREG); }
  isDirectory() { return this.#is(S_IFDIR); }
  isSymbolicLink() { return false; }
  isBlockDevice() { return false; }
  isCharacterDevice() { return false; }
  isFIFO() { return false; }
  isSocket() { return false; }
}

/** Dirent-like entry of readdir({withFileTypes: true}). */
export class Dirent {
  #dir;
  constructor(name, parentPath, isDir) {
    this.name = name;
    this.parentPath = parentPath;
    this.path = parentPath; // deprecated alias, still set by Node 20
    this.#dir = isDir;
  }
  isFile() { return !this.#dir; }
  isDirectory() { return this.#dir; }
  isSymbolicLink() { return false; }
  isBlockDevice() { return false; }
  isCharacterDevice() { return false; }
  isFIFO() { return false; }
  isSocket() { return false; }
}

// ---------------------------------------------------------------------------------------
// FileHandle

let nextFd = FD_BASE;

/** FileHandle-like object of open(); wraps one dmemfs FileHandle. */
export class FileHandle {
  #h;
  #fs;
  #read;
  #write;
  #append;
  #queue = Promise.resolve();
  #fd;

  /** @internal Use toNodeFsPromises(fs).open(). */
  constructor(token, h, fs, flags) {
    if (token !== HANDLE_TOKEN) throw new TypeError('Illegal constructor');
    this.#h = h;
    this.#fs = fs;
    this.#read = flags.read;
    this.#write = flags.write;
    this.#append = flags.append;
    this.#fd = nextFd++;
  }

  get fd() { return this.#h.closed ? -1 : this.#fd; }

  // One call at a time: positioned reads and writes are seek + act + seek back.
  #run(syscall, fn) {
    const p = this.#queue.then(async () => {
      if (this.#h.closed) throw closedError(syscall);
      try {
        return await fn(this.#h);
      } catch (e) {
        throw mapError(e, syscall);
      }
    });
    this.#queue = p.catch(() => {});
    return p;
  }

  async #at(h, position, fn) {
    if (position === null || position === undefined || position === -1 || position === -1n) {
      return fn();
    }
    const saved = await h.tell();
    await h.seek(Number(position));
    try {
      return await fn();
    } finally {
      await h.seek(saved);
    }
  }

  /**
   * read(buffer, offset?, length?, position?) | read(buffer, {offset, length, position})
   * | read({buffer, offset, length, position}) | read() → {bytesRead, buffer}
   */
  read(buffer, offset, length, position) {
    if (buffer !== undefined && !ArrayBuffer.isView(buffer)) {
      ({ buffer, offset, length, position } = buffer ?? {});
    } else if (offset !== null && typeof offset === 'object') {
      ({ offset, length, position } = offset);
    }
    if (buffer === undefined) buffer = HAS_BUFFER ? globalThis.Buffer.alloc(16384) : new Uint8Array(16384);
    if (!ArrayBuffer.isView(buffer)) {
      return Promise.reject(invalidArgType('buffer', 'an instance of Buffer, TypedArray, or DataView', buffer));
    }
    offset = offset ?? 0;
    length = length ?? buffer.byteLength - offset;
    if (!Number.isInteger(offset) || offset < 0 || offset > buffer.byteLength
        || !Number.isInteger(length) || length < 0 || offset + length > buffer.byteLength) {
      const err = new RangeError('The value of "offset" or "length" is out of range.');
      err.code = 'ERR_OUT_OF_RANGE';
      return Promise.reject(err);
    }
    return this.#run('read', async (h) => {
      if (!this.#read) throw uvError('EBADF', 'read');
      if (length === 0) return { bytesRead: 0, buffer };
      const u8 = new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length);
      const bytesRead = await this.#at(h, position, () => h.readInto(u8));
      return { bytesRead, buffer };
    });
  }

  /**
   * write(buffer, offset?, length?, position?) | write(buffer, {offset, length, position})
   * | write(string, position?, encoding?) → {bytesWritten, buffer}
   */
  write(data, a, b, c) {
    let bytes, position;
    try {
      if (typeof data === 'string') {
        position = a;
        bytes = encodeString(data, checkEncoding(b ?? 'utf8'));
      } else if (ArrayBuffer.isView(data)) {
        let offset = a, length = b;
        position = c;
        if (a !== null && typeof a === 'object') ({ offset, length, position } = a);
        const v = viewOf(data);
        offset = offset ?? 0;
        length = length ?? v.byteLength - offset;
        if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(length) || length < 0
            || offset + length > v.byteLength) {
          const err = new RangeError('The value of "offset" or "length" is out of range.');
          err.code = 'ERR_OUT_OF_RANGE';
          throw err;
        }
        bytes = v.subarray(offset, offset + length);
      } else {
        throw invalidArgType('buffer', 'of type string or an instance of Buffer, TypedArray, or DataView', data);
      }
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#run('write', async (h) => {
      if (!this.#write) throw uvError('EBADF', 'write');
      const bytesWritten = await this.#writeBytes(h, bytes, position);
      return { bytesWritten, buffer: data };
    });
  }

  async #writeBytes(h, bytes, position) {
    if (this.#append) {
      await h.seek(0, 2);
      return h.write(bytes);
    }
    return this.#at(h, position, () => h.write(bytes));
  }

  /** From the current position to the end. */
  readFile(options) {
    let enc;
    try {
      const o = parseOptions(options, {});
      checkAborted(o);
      enc = checkEncoding(o.encoding);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#run('read', async (h) => {
      if (!this.#read) throw uvError('EBADF', 'read');
      return decodeBytes(await h.read(), enc);
    });
  }

  /** Writes at the current position (at the end for append handles), as Node does. */
  writeFile(data, options) {
    return this.#run('write', async (h) => {
      const o = parseOptions(options, { encoding: 'utf8' });
      checkAborted(o);
      const bytes = await dataToBytes(data, checkEncoding(o.encoding) ?? 'utf8');
      if (!this.#write) throw uvError('EBADF', 'write');
      await this.#writeBytes(h, bytes, null);
    });
  }

  appendFile(data, options) { return this.writeFile(data, options); }

  stat(options) {
    return this.#run('fstat', async (h) => new Stats(await this.#fs.stat(h.path), !!options?.bigint));
  }

  /** Like ftruncate: the position does not move. */
  truncate(len = 0) {
    return this.#run('ftruncate', async (h) => {
      if (!this.#write) throw uvError('EINVAL', 'ftruncate');
      const saved = await h.tell();
      await h.truncate(Math.max(0, Number(len)));
      if ((await h.tell()) !== saved) await h.seek(saved);
    });
  }

  sync() { return this.#run('fsync', async () => {}); }
  datasync() { return this.#run('fdatasync', async () => {}); }

  /** Idempotent. */
  close() {
    const p = this.#queue.then(() => this.#h.close());
    this.#queue = p.catch(() => {});
    return p;
  }

  [Symbol.asyncDispose]() { return this.close(); }
}
const HANDLE_TOKEN = Symbol('FileHandle');

// ---------------------------------------------------------------------------------------

/**
 * Returns an object with the commonly used functions of `node:fs/promises`, acting on
 * the dmemfs filesystem `fs`. Paths are dmemfs paths ('/a/b').
 * @param {object} fs a MemoryFileSystem
 * @param {{lockTimeout?: number}} [options] lock timeout for opening files
 */
export function toNodeFsPromises(fs, { lockTimeout } = {}) {
  if (!fs || typeof fs.open !== 'function' || typeof fs.listdir !== 'function') {
    throw invalidArgType('fs', 'a MemoryFileSystem', fs);
  }
  const lockOpts = lockTimeout === undefined ? {} : { lockTimeout };

  async function statOrNull(p) {
    try {
      return await fs.stat(p);
    } catch (e) {
      if (isCoreError(e) && (e.code === 'ENOENT' || e.code === 'ENOTDIR')) return null;
      throw e;
    }
  }

  // Trailing-slash rules of Linux for calls that want a file.
  async function checkFileSyntax(p, syscall, creating) {
    if (!endsAsDir(p)) return;
    const st = await statOrNull(p);
    if (st && !st.isDir) throw uvError('ENOTDIR', syscall, p);
    if (!st && creating) throw uvError('EISDIR', syscall, p);
  }

  async function coreOpen(p, mode, extra = {}) {
    try {
      return await fs.open(p, mode, { ...lockOpts, ...extra });
    } catch (e) {
      throw mapError(e, 'open', p);
    }
  }

  async function open(path, flags = 'r', _mode) {
    validatePath(path);
    const f = parseFlags(flags);
    await checkFileSyntax(path, 'open', f.create);
    let h;
    if (!f.write) {
      if (f.create) await (await coreOpen(path, f.excl ? 'xb' : 'ab')).close();
      h = await coreOpen(path, 'rb');
    } else if (f.excl && !f.read) {
      h = await coreOpen(path, 'xb');
    } else if (f.create && f.trunc && !f.read) {
      h = await coreOpen(path, 'wb');
    } else if (f.create && f.append && !f.read) {
      h = await coreOpen(path, 'ab');
    } else {
      if (f.create) await (await coreOpen(path, f.excl ? 'xb' : 'ab')).close();
      h = await coreOpen(path, 'r+b');
      if (f.trunc) {
        try {
          await h.truncate(0);
        } catch (e) {
          await h.close();
          throw mapError(e, 'open', path);
        }
      }
    }
    return new FileHandle(HANDLE_TOKEN, h, fs, f);
  }

  async function readFile(path, options) {
    const o = parseOptions(options, { flag: 'r' });
    const enc = checkEncoding(o.encoding);
    checkAborted(o);
    if (path instanceof FileHandle) return path.readFile({ encoding: o.encoding, signal: o.signal });
    validatePath(path);
    const f = parseFlags(o.flag);
    if (f.read && !f.write && !f.create) {
      await checkFileSyntax(path, 'open', false);
      let data;
      try {
        data = await fs.readFile(path, lockOpts);
      } catch (e) {
        if (isCoreError(e) && e.code === 'EISDIR') throw uvError('EISDIR', 'read', undefined, undefined, e);
        throw mapError(e, 'open', path);
      }
      checkAborted(o);
      return decodeBytes(data, enc);
    }
    const h = await open(path, o.flag);
    try {
      return await h.readFile({ encoding: o.encoding, signal: o.signal });
    } finally {
      await h.close();
    }
  }

  async function writeOrAppend(path, data, options, defaultFlag) {
    const o = parseOptions(options, { encoding: 'utf8', flag: defaultFlag });
    const enc = checkEncoding(o.encoding) ?? 'utf8';
    checkAborted(o);
    if (path instanceof FileHandle) return path.writeFile(data, { encoding: o.encoding, signal: o.signal });
    validatePath(path);
    const f = parseFlags(o.flag);
    const bytes = await dataToBytes(data, enc);
    checkAborted(o);
    if (f.write && f.create && f.trunc && !f.excl) {
      await checkFileSyntax(path, 'open', true);
      try {
        await fs.writeFile(path, bytes, lockOpts);
      } catch (e) {
        throw mapError(e, isCoreError(e) && e.code === 'ENOSPC' ? 'write' : 'open', path);
      }
      return;
    }
    const h = await open(path, o.flag);
    try {
      await h.writeFile(bytes);
    } finally {
      await h.close();
    }
  }
  const writeFile = (path, data, options) => writeOrAppend(path, data, options, 'w');
  const appendFile = (path, data, options) => writeOrAppend(path, data, options, 'a');

  async function mkdir(path, options) {
    validatePath(path);
    const recursive = typeof options === 'object' && options !== null && !!options.recursive;
    const np = normalize(path);
    if (np === null) {
      try { await fs.mkdir(path); } catch (e) { throw mapError(e, 'mkdir', path); }
      throw uvError('EINVAL', 'mkdir', path);
    }
    if (!recursive) {
      if (np === '/') throw uvError('EEXIST', 'mkdir', path);
      let parent;
      try {
        parent = await fs.stat(parentOf(np));
      } catch (e) {
        throw mapError(e, 'mkdir', path);
      }
      if (!parent.isDir) throw uvError('ENOTDIR', 'mkdir', path);
      if (await fs.exists(np)) throw uvError('EEXIST', 'mkdir', path);
      try { await fs.mkdir(np); } catch (e) { throw mapError(e, 'mkdir', path); }
      return undefined;
    }
    // First missing component, walking down; a file on the way fails in fs.mkdir.
    let first;
    let prefix = '';
    for (const part of np.split('/').slice(1)) {
      if (part === '') break; // np is '/'
      prefix += '/' + part;
      const st = await statOrNull(prefix);
      if (st === null) { first = prefix; break; }
      if (!st.isDir) break;
    }
    try {
      await fs.mkdir(np, { existOk: true });
    } catch (e) {
      throw mapError(e, 'mkdir', path);
    }
    return first === np ? path : first; // Node returns the argument when it made it
  }

  async function readdir(path, options) {
    validatePath(path);
    const o = parseOptions(options, {});
    const enc = o.encoding === 'buffer' ? 'buffer' : checkEncoding(o.encoding);
    const nameOut = (n) => (enc === 'buffer' ? encodeString(n, 'utf8')
      : enc && enc !== 'utf8' && enc !== 'utf-8' ? decodeBytes(encodeString(n, 'utf8'), enc) : n);
    let listed;
    try {
      listed = await fs.listdir(path);
    } catch (e) {
      throw mapError(e, 'scandir', path);
    }
    if (!o.recursive) {
      if (!o.withFileTypes) return listed.map(nameOut);
      const dirs = await childDirs(path, listed);
      return listed.map((n) => new Dirent(nameOut(n), path, dirs.has(n)));
    }
    // Recursive: depth-first, each directory's children in insertion order.
    const out = [];
    const base = normalize(path);
    const sep = base === '/' ? '' : '/';
    const stack = [[path, '', listed]];
    while (stack.length) {
      const [dirPath, rel, names] = stack.pop();
      const dirs = await childDirs(dirPath, names);
      const sub = [];
      for (const n of names) {
        const relName = rel ? `${rel}/${n}` : n;
        out.push(o.withFileTypes ? new Dirent(nameOut(n), dirPath, dirs.has(n)) : nameOut(relName));
        if (dirs.has(n)) {
          const childPath = `${dirPath}${dirPath.endsWith('/') ? '' : '/'}${n}`;
          let childNames;
          try {
            childNames = await fs.listdir(base + sep + relName);
          } catch (e) {
            if (isCoreError(e) && (e.code === 'ENOENT' || e.code === 'ENOTDIR')) continue;
            throw mapError(e, 'scandir', childPath);
          }
          sub.push([childPath, relName, childNames]);
        }
      }
      for (let i = sub.length - 1; i >= 0; i--) stack.push(sub[i]);
    }
    return out;
  }

  // Names of `dir` that are directories: one walk() step, then isDir for names it missed.
  async function childDirs(dir, names) {
    const dirs = new Set();
    const files = new Set();
    const it = fs.walk(dir);
    try {
      const r = await it.next();
      if (!r.done) {
        for (const d of r.value[1]) dirs.add(d);
        for (const f of r.value[2]) files.add(f);
      }
    } catch (e) {
      throw mapError(e, 'scandir', dir);
    } finally {
      await it.return?.();
    }
    const base = normalize(dir);
    for (const n of names) {
      if (!dirs.has(n) && !files.has(n) && await fs.isDir(`${base === '/' ? '' : base}/${n}`)) dirs.add(n);
    }
    return dirs;
  }

  async function statCall(path, options, syscall) {
    validatePath(path);
    let st;
    try {
      st = await fs.stat(path);
    } catch (e) {
      throw mapError(e, syscall, path);
    }
    if (!st.isDir && endsAsDir(path)) throw uvError('ENOTDIR', syscall, path);
    return new Stats(st, !!options?.bigint);
  }
  const stat = (path, options) => statCall(path, options, 'stat');
  const lstat = (path, options) => statCall(path, options, 'lstat');

  async function access(path, mode = constants.F_OK) {
    const st = await statCall(path, undefined, 'access');
    if ((mode & constants.X_OK) && st.isFile()) throw uvError('EACCES', 'access', path);
  }

  async function rm(path, options = {}) {
    validatePath(path);
    const { recursive = false, force = false } = options ?? {};
    let st;
    try {
      st = await fs.stat(path);
    } catch (e) {
      if (force && isCoreError(e) && e.code === 'ENOENT') return;
      throw mapError(e, 'lstat', path);
    }
    if (!st.isDir && endsAsDir(path)) throw uvError('ENOTDIR', 'lstat', path);
    if (st.isDir && !recursive) throw fsEisdir('rm', path);
    try {
      if (!st.isDir) {
        await fs.remove(path);
      } else if (normalize(path) === '/') {
        for (const n of await fs.listdir('/')) {
          if (await fs.isDir('/' + n)) await fs.rmtree('/' + n);
          else await fs.remove('/' + n);
        }
        throw uvError('EBUSY', 'rmdir', path);
      } else {
        await fs.rmtree(path);
      }
    } catch (e) {
      if (force && isCoreError(e) && e.code === 'ENOENT') return;
      throw mapError(e, st.isDir ? 'rmdir' : 'unlink', path);
    }
  }

  async function rmdir(path, options) {
    validatePath(path);
    let st;
    try {
      st = await fs.stat(path);
    } catch (e) {
      throw mapError(e, 'rmdir', path);
    }
    if (!st.isDir) throw uvError('ENOTDIR', 'rmdir', path);
    if (normalize(path) === '/') throw uvError('EBUSY', 'rmdir', path);
    try {
      if (!options?.recursive && (await fs.listdir(path)).length > 0) {
        throw uvError('ENOTEMPTY', 'rmdir', path);
      }
      await fs.rmtree(path);
    } catch (e) {
      throw mapError(e, 'rmdir', path);
    }
  }

  async function unlink(path) {
    validatePath(path);
    await checkFileSyntax(path, 'unlink', false);
    try {
      await fs.remove(path);
    } catch (e) {
      throw mapError(e, 'unlink', path);
    }
  }

  let tmpCounter = 0;
  async function tempNameIn(dir) {
    for (;;) {
      const name = `${dir === '/' ? '' : dir}/.~dmfs${(tmpCounter++).toString(36)}${
        Math.floor(Math.random() * 36 ** 4).toString(36)}`;
      if (!(await fs.exists(name))) return name;
    }
  }

  async function rename(oldPath, newPath) {
    validatePath(oldPath, 'oldPath');
    validatePath(newPath, 'newPath');
    const fail = (code, cause) => uvError(code, 'rename', oldPath, newPath, cause);
    const ns = normalize(oldPath);
    const nd = normalize(newPath);
    if (ns !== null && ns === nd) {
      try { await fs.stat(ns); } catch (e) { throw mapError(e, 'rename', oldPath, newPath); }
      return;
    }
    try {
      await fs.rename(oldPath, newPath);
      return;
    } catch (e) {
      if (!isCoreError(e) || e.code !== 'EEXIST') throw mapError(e, 'rename', oldPath, newPath);
    }
    // dst exists: Node replaces it when the types allow.
    const src = await fs.stat(ns);
    const dst = await fs.stat(nd);
    if (ns.startsWith(nd + '/') || nd === '/') throw fail('ENOTEMPTY');
    if (nd.startsWith(ns + '/')) throw fail('EINVAL');
    if (!src.isDir && dst.isDir) throw fail('EISDIR');
    if (src.isDir && !dst.isDir) throw fail('ENOTDIR');
    if (dst.isDir && (await fs.listdir(nd)).length > 0) throw fail('ENOTEMPTY');
    const tmp = await tempNameIn(parentOf(nd));
    try {
      await fs.rename(ns, tmp);
    } catch (e) {
      throw mapError(e, 'rename', oldPath, newPath);
    }
    try {
      if (dst.isDir) await fs.rmtree(nd);
      else await fs.remove(nd);
      await fs.rename(tmp, nd);
    } catch (e) {
      await fs.rename(tmp, ns).catch(() => {});
      throw mapError(e, 'rename', oldPath, newPath);
    }
  }

  async function copyFile(src, dest, mode = 0) {
    validatePath(src, 'src');
    validatePath(dest, 'dest');
    const map = (e) => mapError(e, 'copyfile', src, dest);
    await checkFileSyntax(src, 'copyfile', false);
    await checkFileSyntax(dest, 'copyfile', true);
    if (mode & constants.COPYFILE_EXCL) {
      try { await fs.copy(src, dest, lockOpts); } catch (e) { throw map(e); }
      return;
    }
    const ns = normalize(src);
    if (ns !== null && ns === normalize(dest)) {
      let st;
      try { st = await fs.stat(ns); } catch (e) { throw map(e); }
      if (st.isDir) throw uvError('EISDIR', 'copyfile', src, dest);
      return;
    }
    try {
      await fs.copy(src, dest, lockOpts);
      return;
    } catch (e) {
      if (!isCoreError(e) || e.code !== 'EEXIST') throw map(e);
    }
    try {
      if (await fs.isDir(dest)) throw uvError('EISDIR', 'copyfile', src, dest);
      await fs.writeFile(dest, await fs.readFile(src, lockOpts), lockOpts);
    } catch (e) {
      throw map(e);
    }
  }

  async function truncate(path, len = 0) {
    const h = await open(path, 'r+');
    try {
      await h.truncate(len);
    } finally {
      await h.close();
    }
  }

  return Object.freeze({
    access, appendFile, copyFile, lstat, mkdir, open, readFile, readdir, rename, rm, rmdir,
    stat, truncate, unlink, writeFile, constants,
  });
}

/** Node 20's rm of a directory without `recursive`: SystemError ERR_FS_EISDIR. */
function fsEisdir(syscall, path) {
  const n = positiveErrno('EISDIR');
  const info = { code: 'EISDIR', message: 'is a directory', path, syscall, errno: n };
  const err = new Error(`Path is a directory: ${syscall} returned EISDIR (is a directory) ${path}`);
  err.name = 'SystemError';
  err.code = 'ERR_FS_EISDIR';
  err.info = info;
  err.errno = n;
  err.syscall = syscall;
  err.path = path;
  err.toString = function toString() { return `${this.name} [${this.code}]: ${this.message}`; };
  return err;
}
