// Adapters over any node:fs-shaped API (node:fs, memfs Volume, @zenfs/core), sync or promises.
// Every operation keeps node semantics; paths are prefixed with `root` (a temp dir for node:fs).
import { join } from 'node:path';

const MODES = { rb: 'r', wb: 'w', 'r+b': 'r+', ab: 'a', xb: 'wx' };
const mode = (m) => { const r = MODES[m]; if (!r) throw new Error(`bad mode ${m}`); return r; };
const P = (root, p) => (root ? join(root, p) : p);

// One node Buffer of `size` bytes; allocUnsafe is what fs.readFileSync itself uses.
const alloc = (n) => Buffer.allocUnsafe(n);

export function syncFs(fs, root = '') {
  return {
    mkdir: (p) => { fs.mkdirSync(P(root, p), { recursive: true }); },
    open: (p, m) => {
      const fd = fs.openSync(P(root, p), mode(m));
      let pos = 0;
      return {
        write: (u8) => { let off = 0; while (off < u8.length) { const n = fs.writeSync(fd, u8, off, u8.length - off, pos); off += n; pos += n; } return u8.length; },
        read: (size = -1) => {
          if (size < 0) size = Math.max(0, fs.fstatSync(fd).size - pos);
          const b = alloc(size); let got = 0;
          while (got < size) { const n = fs.readSync(fd, b, got, size - got, pos); if (n === 0) break; got += n; pos += n; }
          return got === size ? b : b.subarray(0, got);
        },
        seek: (off) => { pos = off; return pos; },
        close: () => { fs.closeSync(fd); },
      };
    },
    stat: (p) => { const s = fs.statSync(P(root, p)); return { size: s.size, isDir: s.isDirectory() }; },
    listdir: (p) => fs.readdirSync(P(root, p)),
    rename: (a, b) => { fs.renameSync(P(root, a), P(root, b)); },
    remove: (p) => { fs.unlinkSync(P(root, p)); },
    rmdir: (p) => { fs.rmdirSync(P(root, p)); },
    readFile: (p) => fs.readFileSync(P(root, p)),
    writeFile: (p, d) => { fs.writeFileSync(P(root, p), d); },
  };
}

export function promiseFs(fsp, root = '') {
  return {
    mkdir: async (p) => { await fsp.mkdir(P(root, p), { recursive: true }); },
    open: async (p, m) => {
      const fh = await fsp.open(P(root, p), mode(m));
      let pos = 0;
      return {
        write: async (u8) => { let off = 0; while (off < u8.length) { const { bytesWritten } = await fh.write(u8, off, u8.length - off, pos); off += bytesWritten; pos += bytesWritten; } return u8.length; },
        read: async (size = -1) => {
          if (size < 0) size = Math.max(0, (await fh.stat()).size - pos);
          const b = alloc(size); let got = 0;
          while (got < size) { const { bytesRead } = await fh.read(b, got, size - got, pos); if (bytesRead === 0) break; got += bytesRead; pos += bytesRead; }
          return got === size ? b : b.subarray(0, got);
        },
        seek: async (off) => { pos = off; return pos; },
        close: async () => { await fh.close(); },
      };
    },
    stat: async (p) => { const s = await fsp.stat(P(root, p)); return { size: s.size, isDir: s.isDirectory() }; },
    listdir: (p) => fsp.readdir(P(root, p)),
    rename: (a, b) => fsp.rename(P(root, a), P(root, b)),
    remove: (p) => fsp.unlink(P(root, p)),
    rmdir: (p) => fsp.rmdir(P(root, p)),
    readFile: (p) => fsp.readFile(P(root, p)),
    writeFile: (p, d) => fsp.writeFile(P(root, p), d),
  };
}
