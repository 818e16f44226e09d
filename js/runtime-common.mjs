// What both wasm builds share once instantiated: memory views, string/byte marshalling
// through a reused scratch area, the error table, and asynchronous waiting on a wait word.
// One Runtime per module instance (per thread); every filesystem of it shares its memory.

const SCRATCH = 256 * 1024;   // reused for paths, small writes, read chunks
const OUT = 64;               // first bytes of scratch: out-parameters (8-aligned; the largest, 7 doubles)
// Then the five open modes, NUL-terminated, written once: open() passes a pointer instead of
// encoding the mode string every call.
const MODES = ['rb', 'wb', 'ab', 'r+b', 'xb'];
const MODES_BYTES = 16;       // 3 + 3 + 3 + 4 + 3
const SPAN_LIST = 32 * 1024;  // room for 4096 (pointer, length) spans
const BOUNCE_MIN = 4096;      // shorter misaligned copies are not worth two calls

// Results from this size on are allocated without zero-filling where the engine allows it
// (Node's Buffer.allocUnsafeSlow: a fresh, unpooled ArrayBuffer); every byte is written
// before the caller sees it. Zero-filling a 16 MiB result costs about a third of the read.
const UNZEROED_FROM = 256 * 1024;
const NodeBuffer = typeof globalThis.Buffer === 'function' && typeof globalThis.Buffer.allocUnsafeSlow === 'function'
  ? globalThis.Buffer : null;

/** A fresh Uint8Array of n bytes over a plain ArrayBuffer of its own, for the caller to fill. */
export function freshBytes(n) {
  if (n < UNZEROED_FROM || !NodeBuffer) return new Uint8Array(n);
  const b = NodeBuffer.allocUnsafeSlow(n);
  return new Uint8Array(b.buffer, b.byteOffset, n);
}

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
const utf8Encoder = new TextEncoder();
const LONG_STRING = 32; // from this length on, encodeAt prefers TextEncoder.encodeInto

export class Runtime {
  /**
   * @param {object} x raw wasm exports (dmfsw_*)
   * @param {WebAssembly.Memory} memory
   * @param {{build: string, shared: boolean, module: WebAssembly.Module}} info
   */
  constructor(x, memory, info) {
    this.x = x;
    this.memory = memory;
    this.build = info.build;
    this.shared = info.shared;
    this.module = info.module;
    this.extra = info.extra;
    this._buf = null;
    this._refresh();
    x.dmfsw_thread_init();
    const base = x.dmfsw_malloc(SCRATCH) >>> 0;
    if (!base) throw new Error('dmemfs: cannot allocate the scratch buffer');
    this.scratch = base;
    this.out = base;           // out-parameter area
    this._refresh(); // the malloc above may have grown (and so detached) the memory
    this._canEncodeInto = canEncodeInto(this.u8);
    this._modes = new Map();
    let m = base + OUT;
    for (const mode of MODES) { this._modes.set(mode, m); m = this.encodeAt(mode, m); }
    this.strBase = base + OUT + MODES_BYTES; // paths and data
    // The upper part of scratch doubles as the bounce area of put()/get(), never used by the
    // same call as a span list (which stays below it: SPAN_LIST bytes).
    this.bounce = this.strBase + SPAN_LIST;
    this.scratchEnd = base + SCRATCH;
    this._cur = this.strBase;
    this._temps = [];
    // The error table is not read here: scripts/dist.sh generated it from this same core
    // into dist/constants.mjs (js/internal.mjs), so every runtime start-up skips 3 calls per code.
    this.version = this.cstr(x.dmfsw_version() >>> 0);
    this._waiters = new Set();
  }

  _refresh() {
    const b = this.memory.buffer;
    if (b !== this._buf) {
      this._buf = b;
      this.u8 = new Uint8Array(b);
      this.u32 = new Uint32Array(b);
      this.i32 = new Int32Array(b);
      this.f64 = new Float64Array(b);
    }
  }

  /**
   * Makes the views cover [0, end). Reading `memory.buffer` costs a call into the engine
   * (for shared memory it checks whether another thread grew it), so it is read only when
   * the views end before `end`: a shared memory's old views stay valid for the bytes they
   * cover, and a non-shared memory that grew detached them (length 0).
   */
  _cover(end) {
    if (end > this.u8.length) this._refresh();
  }

  // ── Marshalling. begin() … end() brackets one synchronous C call. ──────────────
  begin() { this._cur = this.strBase; }

  end() {
    if (this._temps.length) {
      for (const p of this._temps) this.x.dmfsw_free(p);
      this._temps.length = 0;
    }
  }

  /** Start of the free rest of scratch (up to scratchEnd) after what this call has used. */
  rest() {
    return Math.min((this._cur + 7) & ~7, this.scratchEnd);
  }

  /** Space for n bytes in scratch, or a temporary malloc (0 when memory is exhausted). */
  alloc(n) {
    const p = (this._cur + 7) & ~7;
    if (p + n <= this.scratchEnd) { this._cur = p + n; return p; }
    const t = this.x.dmfsw_malloc(n) >>> 0;
    if (t) this._temps.push(t);
    return t;
  }

  /**
   * Encodes str as NUL-terminated UTF-8 by hand (Chromium rejects TextEncoder on shared
   * views). A NUL becomes C0 80 and a lone surrogate FF: both invalid UTF-8, so the core
   * rejects them (EINVAL) instead of cutting the string short. 0 = out of memory.
   */
  str(s) {
    const p = this.alloc(s.length * 3 + 1);
    if (!p) return 0;
    this.encodeAt(s, p);
    return p;
  }

  /** Writes s at p (room for 3 bytes per UTF-16 unit + 1); returns the end (after NUL). */
  encodeAt(s, p) {
    this._cover(p + 3 * s.length + 1);
    const u8 = this.u8;
    // A long string without NUL or lone surrogate: the engine's encoder (one native call
    // instead of a JS loop over every character, which costs most before the JIT warms up).
    if (s.length > LONG_STRING && this._canEncodeInto && s.indexOf('\0') < 0 && s.isWellFormed()) {
      const j = p + utf8Encoder.encodeInto(s, u8.subarray(p, p + 3 * s.length)).written;
      u8[j] = 0;
      return j + 1;
    }
    // ASCII without NUL (nearly every path) in a short loop; the rest out of line, so a
    // fresh worker's optimizing compiler inlines only this loop into every path call.
    for (let i = 0, n = s.length; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c === 0 || c >= 0x80) return encodeFrom(u8, s, i, p + i);
      u8[p + i] = c;
    }
    u8[p + s.length] = 0;
    return p + s.length + 1;
  }

  /** mode as a C string for this call: one of the five written once, else encoded. */
  mode(mode) {
    return this._modes.get(mode) ?? this.str(mode);
  }

  /**
   * Copies data (a Uint8Array) to p in wasm memory. Engines copy shared memory word by word
   * only when both sides are equally aligned, else byte by byte (4x slower): a misaligned
   * copy into shared memory goes through the bounce area at data's alignment, then
   * memory.copy inside wasm.
   */
  put(p, data) {
    const n = data.length;
    if (!this.shared || ((p - data.byteOffset) & 7) === 0 || n < BOUNCE_MIN) { this._cover(p + n); this.u8.set(data, p); return; }
    // Shared memory only: its views never detach, and they covered scratch from the start.
    const b = this.bounce + (data.byteOffset & 7), cap = (this.scratchEnd - b) & ~7;
    for (let k = 0; k < n; k += cap) {
      const m = Math.min(cap, n - k);
      this.u8.set(data.subarray(k, k + m), b);
      this.x.dmfsw_memcpy(p + k, b, m);
    }
  }

  /** Copies len bytes at p in wasm memory into target at offset o (aligned as put()). */
  get(target, o, p, len) {
    const at = target.byteOffset + o;
    if (!this.shared || ((p - at) & 7) === 0 || len < BOUNCE_MIN) { this._cover(p + len); target.set(this.u8.subarray(p, p + len), o); return; }
    const b = this.bounce + (at & 7), cap = (this.scratchEnd - b) & ~7;
    for (let k = 0; k < len; k += cap) {
      const m = Math.min(cap, len - k);
      this.x.dmfsw_memcpy(b, p + k, m);
      target.set(this.u8.subarray(b, b + m), o + k);
    }
  }

  /** Copies u8 into wasm memory (one set); 0 = out of memory. */
  bytes(u8) {
    const p = this.alloc(u8.length);
    if (!p && u8.length) return 0;
    if (u8.length) { this._cover(p + u8.length); this.u8.set(u8, p); }
    return p || this.strBase;
  }

  /** Decodes len bytes at p (copied out first: never decode a shared view). */
  text(p, len) {
    this._cover(p + len);
    const u8 = this.u8;
    let s = '';
    for (let i = 0; i < len; i++) {
      const c = u8[p + i];
      if (c >= 0x80) return utf8.decode(u8.slice(p, p + len));
      s += String.fromCharCode(c);
    }
    return s;
  }

  cstr(p) {
    if (!p) return '';
    this._refresh();
    const u8 = this.u8;
    let e = p;
    while (u8[e] !== 0) e++;
    return this.text(p, e - p);
  }

  /** A fresh Uint8Array over a plain ArrayBuffer holding len bytes at p. */
  copyOut(p, len) {
    const out = freshBytes(len);
    if (len) { this._cover(p + len); out.set(this.u8.subarray(p, p + len)); }
    return out;
  }

  /** Reads a dmfs_strlist (wasm32: count, items, lengths) into an array of strings. */
  strlist(listPtr) {
    this._refresh();
    const u32 = this.u32;
    const count = u32[listPtr >> 2], items = u32[(listPtr >> 2) + 1] >>> 0, lens = u32[(listPtr >> 2) + 2] >>> 0;
    const out = new Array(count);
    for (let i = 0; i < count; i++) out[i] = this.text(this.u32[(items >> 2) + i] >>> 0, this.u32[(lens >> 2) + i] >>> 0);
    return out;
  }

  /** A C array of n char* into strings. */
  cstrArray(p, n) {
    const out = new Array(n);
    for (let i = 0; i < n; i++) { this._refresh(); out[i] = this.cstr(this.u32[(p >> 2) + i] >>> 0); }
    return out;
  }

  /** Details of the calling thread's last failure (§4.3 needs them for ENOSPC). */
  lastError() {
    this.x.dmfsw_last_error(this.out);
    this._cover(this.scratchEnd);
    const f = this.f64, o = this.out >> 3;
    return { code: f[o], kind: f[o + 1], requested: f[o + 2], available: f[o + 3], current: f[o + 4], limit: f[o + 5], entry: f[o + 6] };
  }

  /** The normalized form of path, or undefined when it does not normalize. */
  normalize(path) {
    this.begin();
    const cap = 4097 + 8;
    const p = this.str(path);
    const o = p ? this.alloc(cap) : 0;
    let r;
    if (p && o) {
      const n = this.x.dmfsw_normalize(p, o, cap);
      if (n >= 0) r = this.text(o, n);
    }
    this.end();
    return r;
  }

  loadWord(addr) {
    this._cover(addr + 4);
    return this.shared ? Atomics.load(this.i32, addr >> 2) : this.i32[addr >> 2];
  }

  /**
   * Resolves when the word at addr (of filesystem fsId) may differ from seen, after `ms`
   * (may be Infinity), or when kick() is called. Never blocks the thread. In Node a ref'd
   * timer keeps the process alive meanwhile (a pending Atomics.waitAsync does not).
   */
  wait(addr, seen, ms, fsId) {
    return new Promise((resolve) => {
      let timer = null;
      const waiter = () => done();
      const done = () => {
        if (timer === null) return;
        clearTimeout(timer);
        timer = null;
        this._waiters.delete(waiter);
        if (this.shared) this.x.dmfsw_wait_register(fsId, 0);
        resolve();
      };
      this._waiters.add(waiter);
      if (this.shared) {
        // Unlocks notify only registered waiters (dmfs_wait_register); register before the
        // word is compared. Keep Node alive; the deadline is checked by the caller's loop.
        this.x.dmfsw_wait_register(fsId, 1);
        timer = setTimeout(done, ms === Infinity ? 0x7fffffff : Math.max(0, Math.ceil(ms)));
        this._refresh();
        const r = Atomics.waitAsync(this.i32, addr >> 2, seen | 0, ms === Infinity ? undefined : Math.max(0, ms));
        if (r.async) r.value.then(done); else queueMicrotask(done);
      } else {
        // wasm-single: the holder runs on this thread; retry soon, and at once on kick().
        this._backoff = Math.min((this._backoff || 1) * 2, 16);
        timer = setTimeout(done, Math.max(0, Math.min(ms, this._backoff)));
      }
    });
  }

  /** Wakes every pending wait of this runtime (after a close in JS, or fs destruction). */
  kick() {
    this._backoff = 1;
    if (this._waiters.size) for (const w of [...this._waiters]) w();
  }
}

/** encodeAt's general case: s[i…] at u8[j…] (NUL → C0 80, lone surrogate → FF); the end. */
function encodeFrom(u8, s, i, j) {
  for (const n = s.length; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      if (c === 0) { u8[j++] = 0xc0; u8[j++] = 0x80; } else u8[j++] = c;
    } else if (c < 0x800) {
      u8[j++] = 0xc0 | (c >> 6); u8[j++] = 0x80 | (c & 63);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); i++;
        u8[j++] = 0xf0 | (c >> 18); u8[j++] = 0x80 | ((c >> 12) & 63);
        u8[j++] = 0x80 | ((c >> 6) & 63); u8[j++] = 0x80 | (c & 63);
      } else u8[j++] = 0xff;
    } else {
      u8[j++] = 0xe0 | (c >> 12); u8[j++] = 0x80 | ((c >> 6) & 63); u8[j++] = 0x80 | (c & 63);
    }
  }
  u8[j] = 0;
  return j + 1;
}

/**
 * Whether TextEncoder.encodeInto can write into views of this memory: Chromium refuses views
 * of a SharedArrayBuffer, and without String.prototype.isWellFormed a lone surrogate could
 * not be told from U+FFFD (the core must reject it).
 */
function canEncodeInto(u8) {
  if (typeof String.prototype.isWellFormed !== 'function') return false;
  try {
    utf8Encoder.encodeInto('', u8.subarray(0, 0));
    return true;
  } catch {
    return false;
  }
}
