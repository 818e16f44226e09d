// The floor: a plain Map from normalized path to entry, synchronous, no checks beyond what the
// workloads need. A file is one growable Uint8Array (doubling), reads return fresh copies.
import { keepShapes } from '../lib/common.mjs';

const NO_SHARE = 'a Map lives in one isolate';
const err = (code, p) => Object.assign(new Error(`${code}: ${p}`), { code });
const parentOf = (p) => p.slice(0, Math.max(1, p.lastIndexOf('/')));
const baseOf = (p) => p.slice(p.lastIndexOf('/') + 1);

// Classes, not closures per filesystem or handle, like every adapter (see _nodelike.mjs).
class MapHandle {
  constructor(f) { this.f = f; this.pos = 0; }
  write(u8) {
    const f = this.f;
    ensure(f, this.pos + u8.length); f.buf.set(u8, this.pos); this.pos += u8.length;
    if (this.pos > f.size) f.size = this.pos;
    return u8.length;
  }
  read(size = -1) {
    const f = this.f, end = size < 0 ? f.size : Math.min(f.size, this.pos + size);
    const out = f.buf.slice(this.pos, Math.max(this.pos, end)); this.pos += out.length; return out;
  }
  seek(off) { this.pos = off; return off; }
  close() {}
}

function ensure(f, end) {
  if (end <= f.buf.length) return;
  let cap = Math.max(f.buf.length * 2, 4096); while (cap < end) cap *= 2;
  const b = new Uint8Array(cap); b.set(f.buf.subarray(0, f.size)); f.buf = b;
}

class MapFs {
  constructor() { this.nodes = new Map([['/', { isDir: true, children: new Set() }]]); }
  dir(p) { const n = this.nodes.get(p); if (!n) throw err('ENOENT', p); if (!n.isDir) throw err('ENOTDIR', p); return n; }
  file(p) { const n = this.nodes.get(p); if (!n) throw err('ENOENT', p); if (n.isDir) throw err('EISDIR', p); return n; }
  link(p, n) { this.dir(parentOf(p)).children.add(baseOf(p)); this.nodes.set(p, n); }
  unlink(p) { this.nodes.get(parentOf(p)).children.delete(baseOf(p)); this.nodes.delete(p); }
  mkdir(p) {
    let cur = '';
    for (const part of p.split('/').filter(Boolean)) {
      cur += '/' + part;
      const n = this.nodes.get(cur);
      if (!n) this.link(cur, { isDir: true, children: new Set() });
      else if (!n.isDir) throw err('EEXIST', cur);
    }
  }
  open(p, mode) {
    let f = this.nodes.get(p);
    if (mode === 'wb') {
      if (f && f.isDir) throw err('EISDIR', p);
      if (!f) this.link(p, (f = { isDir: false, buf: new Uint8Array(0), size: 0 }));
      else f.size = 0;
    } else f = this.file(p);
    return new MapHandle(f);
  }
  stat(p) { const n = this.nodes.get(p); if (!n) throw err('ENOENT', p); return { size: n.isDir ? 0 : n.size, isDir: n.isDir }; }
  listdir(p) { return [...this.dir(p).children]; }
  rename(a, b) {
    const n = this.nodes.get(a); if (!n) throw err('ENOENT', a); if (this.nodes.has(b)) throw err('EEXIST', b);
    if (n.isDir && n.children.size) throw err('ENOTSUP', 'the floor renames only leaves');
    this.unlink(a); this.link(b, n);
  }
  remove(p) { this.file(p); this.unlink(p); }
  rmdir(p) { if (this.dir(p).children.size) throw err('ENOTEMPTY', p); this.unlink(p); }
  readFile(p) { const f = this.file(p); return f.buf.slice(0, f.size); }
  writeFile(p, d) {
    const f = this.nodes.get(p), nf = { isDir: false, buf: d.slice(), size: d.length };
    if (f) { if (f.isDir) throw err('EISDIR', p); this.nodes.set(p, nf); } else this.link(p, nf);
  }
  close() { this.nodes.clear(); }
}

// One instance of each class lives for the whole process (see SHAPES in lib/common.mjs).
keepShapes(new MapHandle(null), new MapFs());

export default {
  info: { name: 'map', label: 'plain Map (floor)', kind: 'floor', api: 'sync', shareable: false, noShareReason: NO_SHARE },
  async available() {},
  async createFs() { return new MapFs(); },
};
