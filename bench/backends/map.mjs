// The floor: a plain Map from normalized path to entry, synchronous, no checks beyond what the
// workloads need. A file is one growable Uint8Array (doubling), reads return fresh copies.
const NO_SHARE = 'a Map lives in one isolate';
const err = (code, p) => Object.assign(new Error(`${code}: ${p}`), { code });
const parentOf = (p) => p.slice(0, Math.max(1, p.lastIndexOf('/')));
const baseOf = (p) => p.slice(p.lastIndexOf('/') + 1);

function createMapFs() {
  const nodes = new Map([['/', { isDir: true, children: new Set() }]]);
  const dir = (p) => { const n = nodes.get(p); if (!n) throw err('ENOENT', p); if (!n.isDir) throw err('ENOTDIR', p); return n; };
  const file = (p) => { const n = nodes.get(p); if (!n) throw err('ENOENT', p); if (n.isDir) throw err('EISDIR', p); return n; };
  const link = (p, n) => { dir(parentOf(p)).children.add(baseOf(p)); nodes.set(p, n); };
  const unlink = (p) => { nodes.get(parentOf(p)).children.delete(baseOf(p)); nodes.delete(p); };
  const ensure = (f, end) => {
    if (end <= f.buf.length) return;
    let cap = Math.max(f.buf.length * 2, 4096); while (cap < end) cap *= 2;
    const b = new Uint8Array(cap); b.set(f.buf.subarray(0, f.size)); f.buf = b;
  };
  return {
    mkdir(p) {
      let cur = '';
      for (const part of p.split('/').filter(Boolean)) {
        cur += '/' + part;
        const n = nodes.get(cur);
        if (!n) link(cur, { isDir: true, children: new Set() });
        else if (!n.isDir) throw err('EEXIST', cur);
      }
    },
    open(p, mode) {
      let f = nodes.get(p);
      if (mode === 'wb') {
        if (f && f.isDir) throw err('EISDIR', p);
        if (!f) link(p, (f = { isDir: false, buf: new Uint8Array(0), size: 0 }));
        else f.size = 0;
      } else f = file(p);
      let pos = 0;
      return {
        write(u8) { ensure(f, pos + u8.length); f.buf.set(u8, pos); pos += u8.length; if (pos > f.size) f.size = pos; return u8.length; },
        read(size = -1) {
          const end = size < 0 ? f.size : Math.min(f.size, pos + size);
          const out = f.buf.slice(pos, Math.max(pos, end)); pos += out.length; return out;
        },
        seek(off) { pos = off; return pos; },
        close() {},
      };
    },
    stat(p) { const n = nodes.get(p); if (!n) throw err('ENOENT', p); return { size: n.isDir ? 0 : n.size, isDir: n.isDir }; },
    listdir(p) { return [...dir(p).children]; },
    rename(a, b) {
      const n = nodes.get(a); if (!n) throw err('ENOENT', a); if (nodes.has(b)) throw err('EEXIST', b);
      if (n.isDir && n.children.size) throw err('ENOTSUP', 'the floor renames only leaves');
      unlink(a); link(b, n);
    },
    remove(p) { file(p); unlink(p); },
    rmdir(p) { if (dir(p).children.size) throw err('ENOTEMPTY', p); unlink(p); },
    readFile(p) { const f = file(p); return f.buf.slice(0, f.size); },
    writeFile(p, d) { const f = nodes.get(p); const nf = { isDir: false, buf: d.slice(), size: d.length }; if (f) { if (f.isDir) throw err('EISDIR', p); nodes.set(p, nf); } else link(p, nf); },
    close() { nodes.clear(); },
  };
}

export default {
  info: { name: 'map', label: 'plain Map (floor)', kind: 'floor', api: 'sync', shareable: false, noShareReason: NO_SHARE },
  async available() {},
  async createFs() { return createMapFs(); },
};
