// FileHandle (SPEC §2.4, §7.2). Handle I/O never waits for a lock, so an operation runs
// synchronously when nothing is queued on the handle; otherwise it is queued behind the
// pending ones (a TextHandle operation), keeping call order (§2.1).
import { illegalConstructor, outOfRange } from './errors.mjs';
import { validateInteger, validateBytes, validateOptions, MAX_SAFE } from './validate.mjs';
import { TOKEN, E, makeError, noop } from './internal.mjs';
import { freshBytes } from './runtime-common.mjs';

const SEEK = [0, 1, 2];
// Writes from this size on are stored straight into the file (dmfsw_write_reserve); smaller
// ones go through scratch (one call instead of two). Always below the scratch size.
const RESERVE_FROM = 4096;
const RESOLVED = Promise.resolve();

// V8 keeps the shape (hidden class) of an object built field by field only while some object
// has it: once every handle and filesystem is collected, the next ones get fresh shapes and
// all optimized code built for the old ones is thrown away and compiled again (a
// "weak objects" deoptimization after every major collection that finds no live handle).
// The newest handle (and through it its filesystem object) is kept so the shapes live on.
let newest = null;

/**
 * Checks arg, then runs op(handle, arg) now, or queued behind pending operations (copyArg:
 * arg is the caller's bytes, copied when queued: inputs are taken when the call is made,
 * §2.1). Always a promise: every error, a foreign `this` included, is a rejection.
 */
function run(h, op, arg, check, name, copyArg) {
  try {
    check(arg, name);
    if (!h._pending) return Promise.resolve(op(h, arg));
    const a = copyArg ? arg.slice() : arg;
    return h._enqueue(() => op(h, a));
  } catch (e) {
    return Promise.reject(e);
  }
}
const READ = (h, size) => h._read(size);
const READ_INTO = (h, buffer) => h._readInto(buffer);
const WRITE = (h, data) => h._write(data);
const CLOSE = (h) => h._close();

export class FileHandle {
  constructor(token, fs, id, path, mode) {
    if (token !== TOKEN) throw illegalConstructor();
    this._fs = fs;
    this._rt = fs._rt;
    this._id = id;
    this._path = path;
    this._mode = mode;
    this._closed = false;
    this._pending = 0;
    this._tail = null; // last queued operation, once one was queued
    newest = this;
  }

  get path() { return this._path; }
  get mode() { return this._mode; }
  get closed() { return this._closed || this._fs._closed; }
  get readable() { return !this.closed && (this._mode === 'rb' || this._mode === 'r+b'); }
  get writable() { return !this.closed && this._mode !== 'rb'; }
  get seekable() { return !this.closed; }

  // read/readInto/write/close are plain functions that settle their promise themselves: an
  // async function compiles to a resumable state machine, several times the optimizing
  // compiler's work while a fresh process warms up, for a body that never awaits.
  read(size = -1) { return run(this, READ, size, validateInteger, 'size'); }

  readInto(buffer) { return run(this, READ_INTO, buffer, validateBytes, 'buffer'); }

  write(data) { return run(this, WRITE, data, validateBytes, 'data', true); }

  async seek(offset, whence = 0) {
    validateInteger(offset, 'offset');
    validateInteger(whence, 'whence');
    return this._pending ? this._enqueue(() => this._seek(offset, whence)) : this._seek(offset, whence);
  }

  async tell() {
    return this._pending ? this._enqueue(() => this._tell()) : this._tell();
  }

  async truncate(size) {
    if (size !== undefined) validateInteger(size, 'size');
    return this._pending ? this._enqueue(() => this._truncate(size)) : this._truncate(size);
  }

  async flush() {
    return this._pending ? this._enqueue(() => this._flush()) : this._flush();
  }

  close() { return run(this, CLOSE, undefined, noop); }

  [Symbol.asyncDispose]() { return this.close(); }

  // Web Streams over the cursor. Neither cancel/abort nor close closes the handle.
  readableWebStream(options) {
    const { chunkSize = 65536 } = validateOptions(options);
    validateInteger(chunkSize, 'chunkSize');
    if (chunkSize < 1) throw outOfRange('chunkSize', `an integer >= 1 and <= ${MAX_SAFE}`, chunkSize);
    this._check('read');
    return new ReadableStream({
      pull: async (controller) => {
        const chunk = await this.read(chunkSize);
        if (chunk.length === 0) controller.close();
        else controller.enqueue(chunk);
      },
      cancel: noop,
    }, { highWaterMark: 0 }); // no read-ahead: the cursor only moves for chunks asked for
  }

  writableWebStream() {
    this._check('write');
    return new WritableStream({
      write: async (chunk) => { await this.write(validateBytes(chunk, 'chunk')); },
      close: () => this.flush(), // queued behind pending handle operations; EBADF if closed
      abort: noop,
    });
  }

  // ── internals (also used by TextHandle inside its queued operations) ─────────────
  _enqueue(fn) {
    this._pending++;
    const p = (this._tail ?? RESOLVED).then(fn);
    this._tail = p.then(noop, noop).then(() => { this._pending--; });
    return p;
  }

  _markClosed() { this._closed = true; }

  _check(syscall) {
    if (this.closed) throw makeError(E.EBADF, syscall, this._path, undefined, 'handle is closed');
  }

  _fail(rc, syscall) {
    const info = rc === E.ENOSPC ? this._rt.lastError() : undefined;
    let detail;
    if (rc === E.EBADF) {
      if (this.closed) detail = 'handle is closed';
      else if (syscall === 'read' || syscall === 'readInto') detail = 'not open for reading';
      else if (syscall === 'write' || syscall === 'truncate') detail = 'not open for writing';
    }
    return makeError(rc, syscall, this._path, undefined, detail, info);
  }

  _read(size, syscall = 'read') {
    this._check(syscall);
    const rt = this._rt, x = rt.x, id = this._id;
    const buf = rt.strBase, cap = rt.scratchEnd - rt.strBase;
    if (size > cap) {
      // Longer than scratch: sized once, then straight from the file's storage (a first part
      // through scratch would be copied twice). Nothing left: the call below checks the mode.
      const avail = x.dmfsw_read_avail(id);
      if (avail < 0) throw this._fail(avail, syscall);
      if (avail > 0) {
        const out = freshBytes(size < avail ? size : avail);
        const got = this._copySpans(out, 0, syscall);
        return got === out.length ? out : out.slice(0, got);
      }
    }
    // One call for a read that fits the scratch area (size 0 too: the core's mode check);
    // only a longer one asks for the size, to allocate the result once.
    const first = size < 0 || size > cap ? cap : size;
    const rc = x.dmfsw_read(id, buf, first);
    if (rc < 0) throw this._fail(rc, syscall);
    if (rc < first || rc === size) return rt.copyOut(buf, rc);
    const avail = x.dmfsw_read_avail(id);
    if (avail < 0) throw this._fail(avail, syscall);
    const n = rc + (size < 0 || size - rc > avail ? avail : size - rc);
    const out = freshBytes(n);
    rt._cover(buf + rc);
    out.set(rt.u8.subarray(buf, buf + rc));
    const got = rc + this._copySpans(out, rc, syscall);
    return got === n ? out : out.slice(0, got);
  }

  /**
   * Fills target from offset `at` on straight from the file's storage (one copy: the core
   * describes where the bytes are, JS copies them); returns the count (less at the end).
   * The filesystem stays pinned while JS copies, so a destroy on another thread waits.
   */
  _copySpans(target, at, syscall) {
    const rt = this._rt, x = rt.x, id = this._id;
    const spans = rt.strBase, max = (rt.bounce - rt.strBase) >> 3, info = rt.out >> 2;
    let got = 0;
    while (at + got < target.length) {
      const r = x.dmfsw_read_spans(id, target.length - at - got, spans, max, rt.out);
      if (r < 0) throw this._fail(r, syscall);
      if (r === 0) break;
      rt._cover(rt.scratchEnd);
      const u32 = rt.u32;
      try {
        const count = u32[info];
        for (let i = 0, o = at + got, q = spans >> 2; i < count; i++, q += 2) {
          const p = u32[q] >>> 0, len = u32[q + 1] >>> 0;
          rt.get(target, o, p, len);
          o += len;
        }
      } finally {
        x.dmfsw_unpin(u32[info + 1]);
      }
      got += r;
    }
    return got;
  }

  _readInto(target) {
    this._check('readInto');
    const rt = this._rt, x = rt.x, id = this._id;
    const buf = rt.strBase, cap = rt.scratchEnd - rt.strBase;
    const n = target.length;
    // Up to the scratch size in one call (also the mode check when n is 0), the rest straight
    // from the file's storage.
    const rc = x.dmfsw_read(id, buf, Math.min(cap, n));
    if (rc < 0) throw this._fail(rc, 'readInto');
    rt._cover(buf + rc);
    target.set(rt.u8.subarray(buf, buf + rc));
    return rc < Math.min(cap, n) || rc === n ? rc : rc + this._copySpans(target, rc, 'readInto');
  }

  _write(data) {
    this._check('write');
    const rt = this._rt, x = rt.x;
    const t = this._fs._now();
    x.dmfsw_set_now(t);
    const n = data.length;
    if (n < RESERVE_FROM) {
      if (n) { rt._cover(rt.strBase + n); rt.u8.set(data, rt.strBase); }
      const rc = x.dmfsw_write(this._id, rt.strBase, n);
      if (rc < 0) throw this._fail(rc, 'write');
      return n;
    }
    // One copy: the core does the write except storing the bytes and says where they go; the
    // filesystem stays pinned (a destroy elsewhere waits) until they are there.
    const rc = x.dmfsw_write_reserve(this._id, n, rt.out);
    if (rc < 0) throw this._fail(rc, 'write');
    rt._cover(rt.scratchEnd);
    const u32 = rt.u32, o = rt.out >> 2;
    try {
      rt.put(u32[o] >>> 0, data);
    } finally {
      x.dmfsw_unpin(u32[o + 1]);
    }
    return n;
  }

  _seek(offset, whence) {
    this._check('seek');
    // A whence the core cannot receive as an int is invalid all the same.
    const w = SEEK.includes(whence) ? whence : -1;
    const rc = this._rt.x.dmfsw_seek(this._id, offset, w);
    if (rc < 0) throw this._fail(rc, 'seek');
    return rc;
  }

  _tell() {
    this._check('tell');
    const rc = this._rt.x.dmfsw_tell(this._id);
    if (rc < 0) throw this._fail(rc, 'tell');
    return rc;
  }

  _truncate(size) {
    this._check('truncate');
    const x = this._rt.x;
    let s = size;
    if (s === undefined) {
      s = x.dmfsw_tell(this._id);
      if (s < 0) throw this._fail(s, 'truncate');
    }
    x.dmfsw_set_now(this._fs._now());
    const rc = x.dmfsw_truncate(this._id, s);
    if (rc < 0) throw this._fail(rc, 'truncate');
    return rc;
  }

  _flush() {
    this._check('flush');
    const rc = this._rt.x.dmfsw_flush(this._id);
    if (rc < 0) throw this._fail(rc, 'flush');
  }

  _close() {
    if (this._closed) return;
    this._closed = true;
    const fs = this._fs;
    fs._handles.delete(this);
    if (!fs._closed) {
      this._rt.x.dmfsw_close(this._id);
      this._rt.kick(); // its lock is free: waiters on this thread retry now
    }
  }
}
