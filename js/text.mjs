// TextHandle (SPEC §2.5): UTF-8 text over a FileHandle it does not own. It reads ahead in
// chunks and decodes one code point at a time (WHATWG UTF-8 rules, so 'replace' yields the
// same U+FFFD as TextDecoder) to know exactly how many bytes the returned text used.
import {
  invalidArgType, invalidArgValue, encodingNotSupported, invalidEncodedData,
} from './errors.mjs';
import { validateOptions, validateInteger } from './validate.mjs';
import { FileHandle } from './handle.mjs';

const CHUNK = 8192;
const NEED_MORE = -1;
const encoder = new TextEncoder();

function isWellFormed(s) {
  if (typeof s.isWellFormed === 'function') return s.isWellFormed();
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

function codePoints(s) {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { n--; i++; }
    }
  }
  return n;
}

export class TextHandle {
  constructor(handle, options) {
    if (!(handle instanceof FileHandle)) throw invalidArgType('handle', 'an instance of FileHandle', handle);
    const o = validateOptions(options);
    const enc = o.encoding === undefined ? 'utf-8' : o.encoding;
    if (typeof enc !== 'string') throw invalidArgType('encoding', 'of type string', enc);
    const lower = enc.replace(/[A-Z]/g, (c) => c.toLowerCase());
    if (lower !== 'utf-8' && lower !== 'utf8') throw encodingNotSupported(enc);
    const errors = o.errors === undefined ? 'strict' : o.errors;
    if (errors !== 'strict' && errors !== 'replace') {
      throw invalidArgValue('errors', errors, "must be 'strict' or 'replace'");
    }
    this._h = handle;
    this._errors = errors;
    this._buf = new Uint8Array(0); // read-ahead bytes; _pos = first unreturned byte
    this._pos = 0;
    this._eof = false;
  }

  get handle() { return this._h; }
  get encoding() { return 'utf-8'; }
  get errors() { return this._errors; }

  async write(str) {
    if (typeof str !== 'string') throw invalidArgType('str', 'of type string', str);
    return this._h._enqueue(() => {
      this._h._check('write');
      if (this._errors === 'strict' && !isWellFormed(str)) {
        throw invalidArgValue('str', str, 'contains a lone surrogate');
      }
      if (str === '') return 0;
      this._dropReadAhead();
      this._h._write(encoder.encode(str)); // one write: all or nothing
      return codePoints(str);
    });
  }

  async read(chars = -1) {
    validateInteger(chars, 'chars');
    return this._h._enqueue(() => {
      this._h._check('read');
      this._eof = false;
      if (chars === 0) return '';
      if (chars < 0) return this._readAll();
      let out = '';
      for (let i = 0; i < chars; i++) {
        const c = this._next(true);
        if (c === null) break;
        out += c;
      }
      return out;
    });
  }

  async readline(limit = -1) {
    validateInteger(limit, 'limit');
    return this._h._enqueue(() => {
      this._h._check('read');
      this._eof = false;
      if (limit === 0) return '';
      let out = '';
      let n = 0;
      for (;;) {
        const c = this._next(true);
        if (c === null) break;
        out += c;
        n++;
        if (c === '\n') break;
        if (c === '\r') {
          if (this._next(false) === '\n') out += this._next(true); // never split \r\n
          break;
        }
        if (limit > 0 && n >= limit) break;
      }
      return out;
    });
  }

  async *[Symbol.asyncIterator]() {
    for (;;) {
      const line = await this.readline();
      if (line === '') return;
      yield line;
    }
  }

  // ── internals ─────────────────────────────────────────────────────────────────
  /** Moves the cursor back to just after the last returned character. */
  _dropReadAhead() {
    const unread = this._buf.length - this._pos;
    if (unread > 0) this._h._seek(-unread, 1);
    this._buf = new Uint8Array(0);
    this._pos = 0;
  }

  _fill() {
    if (this._eof) return false;
    const chunk = this._h._read(CHUNK);
    if (chunk.length === 0) { this._eof = true; return false; }
    const rest = this._buf.length - this._pos;
    const b = new Uint8Array(rest + chunk.length);
    b.set(this._buf.subarray(this._pos), 0);
    b.set(chunk, rest);
    this._buf = b;
    this._pos = 0;
    return true;
  }

  _readAll() {
    const rest = this._h._read(-1);
    let bytes = rest;
    if (this._pos < this._buf.length) {
      bytes = new Uint8Array(this._buf.length - this._pos + rest.length);
      bytes.set(this._buf.subarray(this._pos), 0);
      bytes.set(rest, this._buf.length - this._pos);
    }
    this._buf = new Uint8Array(0);
    this._pos = 0;
    try {
      return new TextDecoder('utf-8', { fatal: this._errors === 'strict', ignoreBOM: true }).decode(bytes);
    } catch {
      throw invalidEncodedData('utf-8');
    }
  }

  /** The next character (consumed or only peeked), or null at end of file. */
  _next(consume) {
    for (;;) {
      if (this._pos >= this._buf.length && !this._fill()) return null;
      const r = this._decode();
      if (r === NEED_MORE) {
        if (!this._fill()) continue; // at EOF now: _decode treats the tail as invalid
        continue;
      }
      const [ch, len] = r;
      if (consume) this._pos += len;
      return ch;
    }
  }

  /** [char, bytes] at _pos, or NEED_MORE when a sequence is cut by the buffer end. */
  _decode() {
    const b = this._buf, i = this._pos, L = b.length;
    const b0 = b[i];
    if (b0 < 0x80) return [String.fromCharCode(b0), 1];
    let need, cp, lower = 0x80, upper = 0xbf;
    if (b0 >= 0xc2 && b0 <= 0xdf) { need = 1; cp = b0 & 0x1f; }
    else if (b0 >= 0xe0 && b0 <= 0xef) {
      need = 2; cp = b0 & 0xf;
      if (b0 === 0xe0) lower = 0xa0;
      if (b0 === 0xed) upper = 0x9f;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      need = 3; cp = b0 & 7;
      if (b0 === 0xf0) lower = 0x90;
      if (b0 === 0xf4) upper = 0x8f;
    } else return this._invalid(1);
    for (let k = 1; k <= need; k++) {
      if (i + k >= L) return this._eof ? this._invalid(k) : NEED_MORE;
      const c = b[i + k];
      if (c < lower || c > upper) return this._invalid(k);
      lower = 0x80; upper = 0xbf;
      cp = (cp << 6) | (c & 0x3f);
    }
    return [String.fromCodePoint(cp), need + 1];
  }

  _invalid(len) {
    if (this._errors === 'strict') throw invalidEncodedData('utf-8');
    return ['\uFFFD', len];
  }
}
