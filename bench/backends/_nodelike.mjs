// Adapters over any node:fs-shaped API (node:fs, memfs Volume, @zenfs/core), sync or promises.
// Every operation keeps node semantics; paths are prefixed with `root` (a temp dir for node:fs).
// Methods live on prototypes, not in closures per filesystem or handle: a workload's call
// sites then see one target every sample (fresh closures would deoptimize them each sample),
// the same for every backend (see _dmemfs.mjs, map.mjs).
import { join } from 'node:path';
import { keepShapes } from '../lib/common.mjs';

const MODES = { rb: 'r', wb: 'w', 'r+b': 'r+', ab: 'a', xb: 'wx' };
const mode = (m) => { const r = MODES[m]; if (!r) throw new Error(`bad mode ${m}`); return r; };

// One node Buffer of `size` bytes; allocUnsafe is what fs.readFileSync itself uses.
const alloc = (n) => Buffer.allocUnsafe(n);

class Base {
  /** fs: the node:fs-shaped object; root: path prefix; onClose: what close() does. */
  constructor(fs, root, onClose) { this.fs = fs; this.root = root; this.onClose = onClose; }
  P(p) { return this.root ? join(this.root, p) : p; }
  share() { return { root: this.root }; }
  close() { if (this.onClose) this.onClose(); }
}

class SyncHandle {
  constructor(fs, fd) { this.fs = fs; this.fd = fd; this.pos = 0; }
  write(u8) {
    let off = 0;
    while (off < u8.length) { const n = this.fs.writeSync(this.fd, u8, off, u8.length - off, this.pos); off += n; this.pos += n; }
    return u8.length;
  }
  read(size = -1) {
    if (size < 0) size = Math.max(0, this.fs.fstatSync(this.fd).size - this.pos);
    const b = alloc(size); let got = 0;
    while (got < size) { const n = this.fs.readSync(this.fd, b, got, size - got, this.pos); if (n === 0) break; got += n; this.pos += n; }
    return got === size ? b : b.subarray(0, got);
  }
  seek(off) { this.pos = off; return off; }
  close() { this.fs.closeSync(this.fd); }
}

class SyncFs extends Base {
  mkdir(p) { this.fs.mkdirSync(this.P(p), { recursive: true }); }
  open(p, m) { return new SyncHandle(this.fs, this.fs.openSync(this.P(p), mode(m))); }
  stat(p) { const s = this.fs.statSync(this.P(p)); return { size: s.size, isDir: s.isDirectory() }; }
  listdir(p) { return this.fs.readdirSync(this.P(p)); }
  rename(a, b) { this.fs.renameSync(this.P(a), this.P(b)); }
  remove(p) { this.fs.unlinkSync(this.P(p)); }
  rmdir(p) { this.fs.rmdirSync(this.P(p)); }
  readFile(p) { return this.fs.readFileSync(this.P(p)); }
  writeFile(p, d) { this.fs.writeFileSync(this.P(p), d); }
}

class PromiseHandle {
  constructor(fh) { this.fh = fh; this.pos = 0; }
  async write(u8) {
    let off = 0;
    while (off < u8.length) { const { bytesWritten } = await this.fh.write(u8, off, u8.length - off, this.pos); off += bytesWritten; this.pos += bytesWritten; }
    return u8.length;
  }
  async read(size = -1) {
    if (size < 0) size = Math.max(0, (await this.fh.stat()).size - this.pos);
    const b = alloc(size); let got = 0;
    while (got < size) { const { bytesRead } = await this.fh.read(b, got, size - got, this.pos); if (bytesRead === 0) break; got += bytesRead; this.pos += bytesRead; }
    return got === size ? b : b.subarray(0, got);
  }
  async seek(off) { this.pos = off; return off; }
  async close() { await this.fh.close(); }
}

class PromiseFs extends Base {
  async mkdir(p) { await this.fs.mkdir(this.P(p), { recursive: true }); }
  async open(p, m) { return new PromiseHandle(await this.fs.open(this.P(p), mode(m))); }
  async stat(p) { const s = await this.fs.stat(this.P(p)); return { size: s.size, isDir: s.isDirectory() }; }
  listdir(p) { return this.fs.readdir(this.P(p)); }
  rename(a, b) { return this.fs.rename(this.P(a), this.P(b)); }
  remove(p) { return this.fs.unlink(this.P(p)); }
  rmdir(p) { return this.fs.rmdir(this.P(p)); }
  readFile(p) { return this.fs.readFile(this.P(p)); }
  writeFile(p, d) { return this.fs.writeFile(this.P(p), d); }
}

// One instance of each class lives for the whole process (see SHAPES in lib/common.mjs).
keepShapes(new SyncHandle(null, -1), new SyncFs(null, ''), new PromiseHandle(null), new PromiseFs(null, ''));

export const syncFs = (fs, root = '', onClose) => new SyncFs(fs, root, onClose);
export const promiseFs = (fsp, root = '', onClose) => new PromiseFs(fsp, root, onClose);
