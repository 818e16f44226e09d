// MemoryFileSystem (SPEC §2.2, §2.3). No filesystem logic here: check argument types,
// marshal, call the core in non-blocking mode, wait asynchronously on EAGAIN, map errors.
import {
  invalidArgType, invalidArgValue, illegalConstructor, invalidReturnValue,
} from './errors.mjs';
import {
  validatePath, validateOptions, validateInteger, validateNonNegative, validateTimeout,
  validateBoolean, validateBytes, validateFunction, validateOneOf,
} from './validate.mjs';
import { TOKEN, E, makeError, KIND_STRUCTURE, noop } from './internal.mjs';
import { DMemFSError } from './errors.mjs';
import { FileHandle } from './handle.mjs';
import { isNode } from './runtime-load.mjs';
import { threadsAvailable } from './runtime-threads.mjs';

const STORAGE = { auto: 0, sequential: 1, random_access: 2 };
const BUILDS = ['threads', 'single'];
const POLL_MS = 20; // longest sleep between tries of a lock wait

const runtimes = new Map();

/** The runtime (one module instance per build and thread), loaded once. */
export function getRuntime(build) {
  let p = runtimes.get(build);
  if (!p) {
    p = (build === 'threads'
      ? import('./runtime-threads.mjs').then((m) => m.loadThreads())
      : import('./runtime-single.mjs').then((m) => m.loadSingle()));
    p.catch(() => runtimes.delete(build));
    runtimes.set(build, p);
  }
  return p;
}

export function defaultBuild() {
  if (isNode) {
    const env = process.env.DMEMFS_BUILD;
    if (env === 'threads' || env === 'single') return env;
  }
  return threadsAvailable() ? 'threads' : 'single';
}

let shareMod = null; // js/share.mjs, loaded by create() on wasm-threads so share() stays synchronous

/** The channel name for a descriptor: served by the creating thread (js/share.mjs). */
function shareChannel(fs) {
  if (fs._shareChannel) return fs._shareChannel; // attached: the creator's channel
  if (!shareMod) throw makeError(E.ENOTSUP, 'share', undefined, undefined, 'sharing is not loaded');
  return shareMod.hostChannel(fs._rt);
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export class MemoryFileSystem {
  constructor(token, rt, id, opts) {
    if (token !== TOKEN) throw illegalConstructor();
    this._rt = rt;
    this._x = rt.x;
    this._id = id;
    this._word = rt.x.dmfsw_wait_word(id) >>> 0;
    this._closed = false;
    this._clock = opts.clock;
    this._defTimeout = opts.defaultLockTimeout;
    this._handles = new Set();
  }

  /** Resolves to a new filesystem holding only root (§2.2). */
  static async create(options) {
    const o = validateOptions(options);
    const maxQuota = o.maxQuota === undefined ? 268435456 : validateNonNegative(o.maxQuota, 'maxQuota');
    const maxNodes = o.maxNodes === undefined ? Infinity : validateNonNegative(o.maxNodes, 'maxNodes', true);
    const storage = o.defaultStorage === undefined ? 'auto'
      : validateOneOf(o.defaultStorage, 'defaultStorage', Object.keys(STORAGE));
    const hardLimit = o.promotionHardLimit === undefined ? 536870912
      : validateNonNegative(o.promotionHardLimit, 'promotionHardLimit');
    const overhead = o.chunkOverhead === undefined ? 128 : validateNonNegative(o.chunkOverhead, 'chunkOverhead');
    const defTimeout = o.defaultLockTimeout === undefined ? 30000
      : validateNonNegative(o.defaultLockTimeout, 'defaultLockTimeout', true);
    const clock = o.clock === undefined ? Date.now : validateFunction(o.clock, 'clock');
    const build = o.build === undefined ? defaultBuild() : validateOneOf(o.build, 'build', BUILDS);
    if (build === 'threads' && !threadsAvailable()) {
      throw makeError(E.ENOTSUP, 'create', undefined, undefined, 'SharedArrayBuffer is not available');
    }
    const rt = await getRuntime(build);
    if (build === 'threads' && !shareMod) shareMod = await import('./share.mjs');
    const t = readClock(clock);
    rt.x.dmfsw_set_now(t);
    const id = rt.x.dmfsw_create(maxQuota, maxNodes === Infinity ? -1 : maxNodes, STORAGE[storage],
      hardLimit, overhead, defTimeout === Infinity ? -1 : defTimeout);
    if (id < 0) throw makeError(id, 'create', undefined, undefined, undefined, rt.lastError());
    return new MemoryFileSystem(TOKEN, rt, id, { clock, defaultLockTimeout: defTimeout });
  }

  /** §2.6: an instance on the filesystem of a share() descriptor (js/share.mjs). */
  static async attach(descriptor, options) {
    if (descriptor === null || typeof descriptor !== 'object' || descriptor.kind !== 'dmemfs-share' ||
        descriptor.build !== 'threads' || !(descriptor.module instanceof WebAssembly.Module) ||
        !(descriptor.memory instanceof WebAssembly.Memory) || !Number.isInteger(descriptor.fsId) ||
        typeof descriptor.channel !== 'string') {
      throw invalidArgValue('descriptor', descriptor, 'is not a descriptor from share()');
    }
    const o = validateOptions(options);
    const clock = o.clock === undefined ? Date.now : validateFunction(o.clock, 'clock');
    shareMod ??= await import('./share.mjs');
    const { rt, detach } = await shareMod.attachRuntime(descriptor);
    const word = rt.x.dmfsw_wait_word(descriptor.fsId);
    if (!word) {
      detach();
      throw makeError(E.EBADF, 'attach', undefined, undefined, 'filesystem is closed');
    }
    const fs = new MemoryFileSystem(TOKEN, rt, descriptor.fsId,
      { clock, defaultLockTimeout: descriptor.defaultLockTimeout });
    fs._detach = detach;
    fs._shareChannel = descriptor.channel;
    return fs;
  }

  /**
   * §2.6: a structured-cloneable descriptor (compiled module, shared memory, filesystem
   * id, name of a BroadcastChannel the creating thread serves). Throws EBADF when closed
   * and ENOTSUP on wasm-single.
   */
  share() {
    if (this._closed) throw makeError(E.EBADF, 'share', undefined, undefined, 'filesystem is closed');
    if (this._rt.build !== 'threads') {
      throw makeError(E.ENOTSUP, 'share', undefined, undefined, 'wasm-single cannot share memory');
    }
    return {
      kind: 'dmemfs-share', build: 'threads', module: this._rt.module, memory: this._rt.memory,
      fsId: this._id, defaultLockTimeout: this._defTimeout, channel: shareChannel(this),
    };
  }

  get closed() { return this._closed; }

  /** 'threads' or 'single': the build this instance runs on. */
  get build() { return this._rt.build; }

  async close() {
    if (this._closed) return;
    this._closed = true;
    if (this._detach) { // attached (§2.6): close our handles, leave the thread; fs lives on
      for (const h of this._handles) { h._markClosed(); this._x.dmfsw_close(h._id); }
      this._handles.clear();
      this._rt.kick();
      this._detach();
      return;
    }
    for (const h of this._handles) h._markClosed();
    this._handles.clear();
    this._x.dmfsw_destroy(this._id);
    this._rt.kick();
  }

  [Symbol.asyncDispose]() { return this.close(); }

  // ── internals ─────────────────────────────────────────────────────────────────
  _checkOpen(syscall, path, dest) {
    if (this._closed) throw makeError(E.EBADF, syscall, path, dest, 'filesystem is closed');
  }

  /** The clock, once per operation (§2.2): floored; non-finite → TypeError, nothing done. */
  _now() { return readClock(this._clock); }

  /**
   * Runs attempt() (synchronous; returns the core's code). Not EAGAIN: returns the code
   * (>= 0) or throws the §4.3 error at once, so the common case costs no promise of its
   * own (every caller is async and awaits the result). EAGAIN with a timeout: a promise of
   * _retry(). beforeWait() runs once before the first wait (to copy inputs).
   * Timeout 0 tries the file lock once (§8.2), but the structure lock is only ever held
   * briefly: an EAGAIN the core marks as the structure lock's waits for it like any call
   * (up to the default deadline), and the file lock is then tried once again.
   */
  _do(syscall, timeout, path, dest, attempt, beforeWait) {
    const rc = attempt();
    return rc >= 0 ? rc : this._settle(rc, syscall, timeout, path, dest, attempt, beforeWait);
  }

  /** _do() after a first try that returned rc < 0 (callers that tried without a closure). */
  _settle(rc, syscall, timeout, path, dest, attempt, beforeWait) {
    if (rc !== E.EAGAIN) throw this._error(rc, syscall, path, dest, this._rt.lastError());
    const fileOnce = timeout === 0;
    if (fileOnce && !this._structureBusy()) throw this._error(rc, syscall, path, dest);
    if (beforeWait) beforeWait();
    return this._retry(syscall, fileOnce ? this._defTimeout : timeout, path, dest, attempt, fileOnce);
  }

  _structureBusy() { return this._rt.lastError().kind === KIND_STRUCTURE; }

  /** Tries again whenever the wait word changes, until the deadline; waits asynchronously. */
  async _retry(syscall, timeout, path, dest, attempt, fileOnce) {
    const rt = this._rt;
    const deadline = timeout === Infinity ? Infinity : now() + timeout;
    let rc = E.EAGAIN, info;
    for (;;) {
      // The word is read after the try: the try's own unlocks change it too. A release
      // between the try and this read is caught by the bounded wait (POLL_MS).
      const seen = rt.loadWord(this._word);
      const rem = deadline - now();
      if (rem <= 0) break;
      await rt.wait(this._word, seen, Math.min(rem, POLL_MS), this._id);
      if (this._closed) { rc = E.EBADF; break; }
      rc = attempt();
      if (rc !== E.EAGAIN) { info = rc < 0 ? rt.lastError() : undefined; break; }
      if (fileOnce && !this._structureBusy()) break; // the file lock, tried once
    }
    if (rc < 0) throw this._error(rc, syscall, path, dest, info);
    return rc;
  }

  _error(rc, syscall, path, dest, info, detail) {
    const rt = this._rt;
    if (rc === E.EBADF && this._closed && !detail) detail = 'filesystem is closed';
    const np = path === undefined ? undefined : (rt.normalize(path) ?? path);
    const nd = dest === undefined ? undefined : (rt.normalize(dest) ?? dest);
    return makeError(rc, syscall, np, nd, detail, info);
  }

  /**
   * A call with one path: call(x, id, pathPtr, a, rt, b) → a code < 0, or the call's result
   * (what it read from the core, undefined, or a code >= 0). Always a promise of the result.
   * The first try makes no closure (most calls never wait); one is made only when the core
   * says EAGAIN and the call must wait for a lock (_settle), and the result of the try that
   * succeeds is kept, read before any other call can reuse the scratch area. copyA: `a` is
   * the caller's bytes, copied before a wait (inputs are taken when the call is made, §2.1).
   */
  _path1(syscall, path, timeout, call, clockValue, a, b, copyA) {
    const r = this._try1(path, call, clockValue, a, b);
    if (typeof r !== 'number' || r >= 0) return Promise.resolve(r);
    let out;
    return this._settle(r, syscall, timeout, path, undefined, () => {
      const v = this._try1(path, call, clockValue, a, b);
      if (typeof v === 'number' && v < 0) return v;
      out = v;
      return 0;
    }, copyA ? () => { a = a.slice(); } : undefined).then(() => out);
  }

  /** One try of a _path1 call, inside one begin() … end() bracket. */
  _try1(path, call, clockValue, a, b) {
    const rt = this._rt, x = this._x;
    rt.begin();
    if (clockValue !== undefined) x.dmfsw_set_now(clockValue);
    const p = rt.str(path);
    const r = p ? call(x, this._id, p, a, rt, b) : E.ENOMEM;
    rt.end();
    return r;
  }

  /** Two paths: call(x, id, srcPtr, dstPtr, arg) → a code (resolves undefined on success). */
  _path2(syscall, src, dst, timeout, call, clockValue, arg) {
    const rc = this._try2(src, dst, call, clockValue, arg);
    if (rc >= 0) return Promise.resolve();
    return this._settle(rc, syscall, timeout, src, dst, () => this._try2(src, dst, call, clockValue, arg)).then(noop);
  }

  _try2(src, dst, call, clockValue, arg) {
    const rt = this._rt, x = this._x;
    rt.begin();
    x.dmfsw_set_now(clockValue);
    const s = rt.str(src), d = s ? rt.str(dst) : 0;
    const rc = d ? call(x, this._id, s, d, arg) : E.ENOMEM;
    rt.end();
    return rc;
  }

  // ── §2.3 members ──────────────────────────────────────────────────────────────
  // open() is the hot path of small-file work: a plain function that settles its promise
  // itself (an async function compiles to a resumable state machine, several times the
  // optimizing compiler's work while a fresh process warms up). Like _path1 it tries once
  // without a closure, and turns the id into a handle without a promise of its own.
  open(path, mode = 'rb', options) {
    try {
      validatePath(path);
      if (typeof mode !== 'string') throw invalidArgType('mode', 'of type string', mode);
      const o = validateOptions(options);
      const pre = o.preallocate === undefined ? 0 : validateInteger(o.preallocate, 'preallocate');
      const timeout = validateTimeout(o.lockTimeout, this._defTimeout);
      this._checkOpen('open', path);
      const t = mode === 'rb' ? undefined : this._now();
      const rc = this._try1(path, OPEN, t, mode, pre);
      if (rc >= 0) return Promise.resolve(this._opened(rc, path, mode));
      const id = this._settle(rc, 'open', timeout, path, undefined, () => this._try1(path, OPEN, t, mode, pre));
      return id.then((v) => this._opened(v, path, mode));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** The handle for a core id from open (closed at once if the filesystem closed meanwhile). */
  _opened(id, path, mode) {
    if (this._closed) { this._x.dmfsw_close(id); throw makeError(E.EBADF, 'open', path, undefined, 'filesystem is closed'); }
    const h = new FileHandle(TOKEN, this, id, isNormal(path) ? path : (this._rt.normalize(path) ?? path), mode);
    this._handles.add(h);
    return h;
  }

  // The calls below are plain functions settling their own promise (see open()); every
  // error, argument errors included, is a rejection.
  mkdir(path, options) {
    try {
      validatePath(path);
      const o = validateOptions(options);
      const existOk = validateBoolean(o.existOk, 'existOk', false);
      this._checkOpen('mkdir', path);
      return this._path1('mkdir', path, this._defTimeout, MKDIR, this._now(), existOk ? 1 : 0);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  rename(src, dst) { return pair(this, 'rename', src, dst, RENAME); }

  move(src, dst) { return pair(this, 'move', src, dst, MOVE); }

  remove(path) { return simple(this, 'remove', path, REMOVE); }

  rmtree(path) { return simple(this, 'rmtree', path, RMTREE); }

  listdir(path) { return simple(this, 'listdir', path, LISTDIR); }

  glob(pattern) { return simple(this, 'glob', pattern, GLOB, 'pattern'); }

  exists(path) { return simple(this, 'exists', path, EXISTS); }

  isDir(path) { return simple(this, 'isDir', path, IS_DIR); }

  isFile(path) { return simple(this, 'isFile', path, IS_FILE); }

  stat(path) { return simple(this, 'stat', path, STAT); }

  getSize(path) { return simple(this, 'getSize', path, GET_SIZE); }

  async stats() {
    this._checkOpen('stats');
    const rt = this._rt, x = this._x;
    let st;
    await this._do('stats', this._defTimeout, undefined, undefined, () => {
      const rc = x.dmfsw_stats(this._id, rt.out);
      if (rc >= 0) {
        rt._cover(rt.scratchEnd);
        const f = rt.f64, o = rt.out >> 3;
        st = { usedBytes: f[o], quotaBytes: f[o + 1], freeBytes: f[o + 2], fileCount: f[o + 3],
          dirCount: f[o + 4], chunkCount: f[o + 5], overheadPerChunk: f[o + 6] };
      }
      return rc;
    });
    return st;
  }

  readFile(path, options) {
    try {
      validatePath(path);
      const o = validateOptions(options);
      const maxSize = o.maxSize === undefined ? Infinity : validateNonNegative(o.maxSize, 'maxSize', true);
      const timeout = validateTimeout(o.lockTimeout, this._defTimeout);
      this._checkOpen('readFile', path);
      return this._path1('readFile', path, timeout, READ_FILE, undefined, maxSize === Infinity ? -1 : maxSize);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  writeFile(path, data, options) {
    try {
      validatePath(path);
      validateBytes(data, 'data');
      const o = validateOptions(options);
      const timeout = validateTimeout(o.lockTimeout, this._defTimeout);
      this._checkOpen('writeFile', path);
      return this._path1('writeFile', path, timeout, WRITE_FILE, this._now(), data, undefined, true);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  async copy(src, dst, options) {
    validatePath(src, 'src'); validatePath(dst, 'dst');
    const o = validateOptions(options);
    const timeout = validateTimeout(o.lockTimeout, this._defTimeout);
    this._checkOpen('copy', src, dst);
    const t = this._now();
    await this._path2('copy', src, dst, timeout, COPY, t);
  }

  async copyTree(src, dst, options) {
    validatePath(src, 'src'); validatePath(dst, 'dst');
    const o = validateOptions(options);
    const timeout = validateTimeout(o.lockTimeout, this._defTimeout);
    const onProgress = progressOption(o);
    this._checkOpen('copyTree', src, dst);
    const t = this._now();
    // One atomic C call: {0, 1} before it, {1, 1} only after success.
    if (onProgress) onProgress({ done: 0, total: 1 });
    await this._path2('copyTree', src, dst, timeout, COPY_TREE, t);
    if (onProgress) onProgress({ done: 1, total: 1 });
  }

  // onProgress (importTree, copyTree, exportTree, iterExportTree): called synchronously with a
  // fresh {done, total}. importTree is one atomic C call: {0, n} before it and {n, n} after
  // success, n = entries given (duplicate keys merge only in C). A callback that throws rejects
  // the call with its error; a failed call never reports done === total.
  async importTree(entries, options) {
    const list = readEntries(entries);
    const onProgress = progressOption(validateOptions(options));
    this._checkOpen('importTree');
    if (list.length === 0) {
      if (onProgress) { onProgress({ done: 0, total: 0 }); onProgress({ done: 0, total: 0 }); }
      return;
    }
    const t = this._now();
    const rt = this._rt, x = this._x;
    let entry = -1;
    // One block: count × {path, data, len} (wasm32 dmfs_entry), then the paths, then the data.
    let size = list.length * 12;
    for (const [k, v] of list) size += k.length * 3 + 1 + v.length + 8;
    const block = x.dmfsw_malloc(size) >>> 0;
    if (!block) throw makeError(E.ENOMEM, 'importTree');
    try {
      rt._refresh();
      let cur = block + list.length * 12;
      for (let i = 0; i < list.length; i++) {
        const [k, v] = list[i];
        const start = cur;
        cur = rt.encodeAt(k, cur);
        rt.u8.set(v, cur);
        const e = (block >> 2) + i * 3;
        rt.u32[e] = start; rt.u32[e + 1] = cur; rt.u32[e + 2] = v.length;
        cur += v.length;
      }
      if (onProgress) onProgress({ done: 0, total: list.length });
      await this._do('importTree', this._defTimeout, undefined, undefined, () => {
        x.dmfsw_set_now(t);
        const rc = x.dmfsw_import(this._id, block, list.length);
        // The core names the entry an error is about; read it before anything else runs.
        entry = rc < 0 && rc !== E.EAGAIN ? rt.lastError().entry : -1;
        return rc;
      });
    } catch (err) {
      // §4.3: the entry concerned is the error's path (normalized, or as given if it does not).
      if (err instanceof DMemFSError && entry >= 0 && entry < list.length) {
        const key = list[entry][0];
        throw makeError(err.errno, 'importTree', rt.normalize(key) ?? key);
      }
      throw err;
    } finally {
      x.dmfsw_free(block);
    }
    if (onProgress) onProgress({ done: list.length, total: list.length });
  }

  async exportTree(options) {
    const map = new Map();
    for await (const [p, d] of this._export('exportTree', options)) map.set(p, d);
    return map;
  }

  iterExportTree(options) {
    return this._export('iterExportTree', options);
  }

  async *_export(syscall, options) {
    const o = validateOptions(options);
    const prefix = o.prefix === undefined ? '/' : validatePath(o.prefix, 'prefix');
    const onlyDirty = validateBoolean(o.onlyDirty, 'onlyDirty', false);
    const timeout = validateTimeout(o.lockTimeout, this._defTimeout);
    const onProgress = progressOption(o);
    this._checkOpen(syscall, prefix);
    const rt = this._rt, x = this._x;
    const xid = await this._path1(syscall, prefix, this._defTimeout,
      (x2, id, p) => x2.dmfsw_export_open(id, p, onlyDirty ? 1 : 0, 0));
    try {
      // {0, total} once the list is known, then done + 1 as each pair is produced (before it is
      // yielded). Deleted files are skipped, so a complete export may end with done < total.
      let done = 0, total = 0;
      if (onProgress) {
        total = x.dmfsw_export_count(xid);
        if (total < 0) throw this._error(total, syscall, prefix);
        onProgress({ done, total });
      }
      for (;;) {
        let item;
        const rc = await this._do(syscall, timeout, prefix, undefined, () => {
          const r = x.dmfsw_export_next(xid, rt.out);
          if (r === 1) {
            rt._refresh();
            const o3 = rt.out >> 2;
            const pathPtr = rt.u32[o3] >>> 0, dataPtr = rt.u32[o3 + 1] >>> 0, len = rt.u32[o3 + 2] >>> 0;
            item = [rt.cstr(pathPtr), rt.copyOut(dataPtr, len)];
          }
          return r;
        });
        if (rc === 0) return;
        if (onProgress) {
          done++;
          onProgress({ done, total });
        }
        yield item;
      }
    } finally {
      x.dmfsw_export_close(xid);
    }
  }

  walk(path = '/') {
    return this._walk(path);
  }

  async *_walk(path) {
    validatePath(path);
    this._checkOpen('walk', path);
    const rt = this._rt, x = this._x;
    const wid = await this._path1('walk', path, this._defTimeout, (x2, id, p) => x2.dmfsw_walk_open(id, p));
    try {
      for (;;) {
        let entry;
        const rc = await this._do('walk', this._defTimeout, path, undefined, () => {
          const r = x.dmfsw_walk_next(wid, rt.out);
          if (r === 1) {
            rt._refresh();
            const o = rt.out >> 2, u = rt.u32;
            const dirPtr = u[o] >>> 0, nd = u[o + 1] >>> 0, dp = u[o + 2] >>> 0, nf = u[o + 3] >>> 0, fp = u[o + 4] >>> 0;
            entry = [rt.cstr(dirPtr), rt.cstrArray(dp, nd), rt.cstrArray(fp, nf)];
          }
          return r;
        });
        if (rc === 0) return;
        yield entry;
      }
    } finally {
      x.dmfsw_walk_close(wid);
    }
  }
}

/**
 * True when path is already in §5.1 normal form, for a path the core accepted: absolute,
 * no backslash, no empty, `.` or `..` part, no trailing slash (the core's own fast path,
 * normal_fast in c/src/path.c, tests the same). Saves open() a second call into the core
 * to learn the handle's path.
 */
function isNormal(path) {
  return NORMAL.test(path) && !DOT_PART.test(path);
}
const NORMAL = /^(?:\/[^/\\]+)+$/;
const DOT_PART = /\/\.\.?(?:\/|$)/;

/** options.onProgress: undefined, or a function (anything else → TypeError). */
function progressOption(o) {
  return o.onProgress === undefined ? undefined : validateFunction(o.onProgress, 'onProgress');
}

// What the calls of _path1/_path2 do in the core (module functions: no closure per call).
// _path1 calls: (x, id, pathPtr, a, rt, b) → a code < 0 or the result.
const undef = (rc) => (rc < 0 ? rc : undefined);
const bool = (rc) => (rc < 0 ? rc : rc === 1);
const MKDIR = (x, id, p, existOk) => undef(x.dmfsw_mkdir(id, p, existOk));
const REMOVE = (x, id, p) => undef(x.dmfsw_remove(id, p));
const RMTREE = (x, id, p) => undef(x.dmfsw_rmtree(id, p));
const EXISTS = (x, id, p) => bool(x.dmfsw_exists(id, p));
const IS_DIR = (x, id, p) => bool(x.dmfsw_is_dir(id, p));
const IS_FILE = (x, id, p) => bool(x.dmfsw_is_file(id, p));
const GET_SIZE = (x, id, p) => x.dmfsw_get_size(id, p);
const OPEN = (x, id, p, mode, rt, pre) => {
  const m = rt.mode(mode);
  return m ? x.dmfsw_open(id, p, m, pre, 0) : E.ENOMEM;
};
const WRITE_FILE = (x, id, p, data, rt) => {
  const d = rt.bytes(data);
  return d ? undef(x.dmfsw_write_file(id, p, d, data.length, 0)) : E.ENOMEM;
};
const LISTDIR = (x, id, p, arg, rt) => names(x, rt, x.dmfsw_listdir(id, p, rt.out));
const GLOB = (x, id, p, arg, rt) => names(x, rt, x.dmfsw_glob(id, p, rt.out));
const STAT = (x, id, p, arg, rt) => {
  const rc = x.dmfsw_stat(id, p, rt.out);
  if (rc < 0) return rc;
  rt._cover(rt.scratchEnd);
  const f = rt.f64, o = rt.out >> 3;
  return { size: f[o], createdAt: f[o + 1], modifiedAt: f[o + 2], generation: f[o + 3], isDir: f[o + 4] === 1 };
};
const READ_FILE = (x, id, p, max, rt) => {
  // Into the rest of the scratch area when it fits (no malloc in the core), else a copy the
  // core allocates.
  const b = rt.rest(), cap = rt.scratchEnd - b;
  const n = x.dmfsw_read_file_into(id, p, max, 0, b, cap);
  if (n < 0 || n <= cap) return n < 0 ? n : rt.copyOut(b, n);
  const rc = x.dmfsw_read_file(id, p, max, 0, rt.out);
  if (rc < 0) return rc;
  rt._refresh();
  const ptr = rt.u32[rt.out >> 2] >>> 0, len = rt.u32[(rt.out >> 2) + 1] >>> 0;
  const data = rt.copyOut(ptr, len);
  if (ptr) x.dmfsw_core_free(ptr);
  return data;
};
// _path2 calls: (x, id, srcPtr, dstPtr, arg) → a code.
const RENAME = (x, id, s, d) => x.dmfsw_rename(id, s, d);
const MOVE = (x, id, s, d) => x.dmfsw_move(id, s, d);
const COPY = (x, id, s, d) => x.dmfsw_copy(id, s, d, 0);
const COPY_TREE = (x, id, s, d) => x.dmfsw_copy_tree(id, s, d, 0);

/**
 * A call with one path, no options, the default lock timeout. Module functions, not methods:
 * every error, a foreign `this` included, is a rejection.
 */
function simple(fs, syscall, path, call, name) {
  try {
    validatePath(path, name);
    fs._checkOpen(syscall, path);
    return fs._path1(syscall, path, fs._defTimeout, call);
  } catch (e) {
    return Promise.reject(e);
  }
}

/** A call with two paths (rename, move). */
function pair(fs, syscall, src, dst, call) {
  try {
    validatePath(src, 'src'); validatePath(dst, 'dst');
    fs._checkOpen(syscall, src, dst);
    return fs._path2(syscall, src, dst, fs._defTimeout, call, fs._now());
  } catch (e) {
    return Promise.reject(e);
  }
}

/** The names of a dmfs_strlist the call (code rc) left in rt.out; freed here. */
function names(x, rt, rc) {
  if (rc < 0) return rc;
  rt._cover(rt.scratchEnd); // the core may have grown (and so detached) the memory
  const list = rt.u32[rt.out >> 2] >>> 0;
  const out = rt.strlist(list);
  x.dmfsw_strlist_free(list);
  return out;
}

function readClock(clock) {
  const v = clock();
  if (typeof v !== 'number' || !Number.isFinite(v)) throw invalidReturnValue('clock', v);
  return Math.floor(v);
}

/** §9.3 entries: a Map, a plain object, or an iterable of [path, Uint8Array] pairs. */
function readEntries(entries) {
  if (entries === null || entries === undefined || typeof entries === 'string' ||
      (typeof entries !== 'object' && typeof entries !== 'function')) {
    throw invalidArgType('entries', 'a Map, an object or an iterable of [path, Uint8Array] pairs', entries);
  }
  const out = [];
  const add = (k, v) => {
    if (typeof k !== 'string') throw invalidArgType('entries key', 'of type string', k);
    if (!(v instanceof Uint8Array)) throw invalidArgType(`entries['${k}']`, 'an instance of Uint8Array', v);
    out.push([k, v]);
  };
  if (entries instanceof Map) {
    for (const [k, v] of entries) add(k, v);
  } else if (typeof entries[Symbol.iterator] === 'function') {
    for (const pair of entries) {
      if (pair === null || typeof pair !== 'object' || typeof pair[Symbol.iterator] !== 'function') {
        throw invalidArgType('entries pair', 'a [path, Uint8Array] pair', pair);
      }
      const a = Array.from(pair);
      if (a.length !== 2) throw invalidArgType('entries pair', 'a [path, Uint8Array] pair', pair);
      add(a[0], a[1]);
    }
  } else {
    for (const k of Object.keys(entries)) add(k, entries[k]);
  }
  return out;
}
