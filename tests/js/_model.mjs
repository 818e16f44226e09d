// Independent reference model of SPEC.md (§1, §6, §7, §9), written from the SPEC only.
// Paths given to it must already be normalized (absolute, no '.', '..', '//' or trailing '/'),
// except where a method says otherwise. Errors are thrown as ModelError {code, ...}.

export class ModelError extends Error {
  constructor(code, extra = {}) { super(code); this.code = code; Object.assign(this, extra); }
}
const E = (code, extra) => new ModelError(code, extra);

const parts = (p) => p.split('/').filter(Boolean);
const join = (ps) => '/' + ps.join('/');

export class Model {
  constructor({ maxQuota, maxNodes = Infinity, defaultStorage = 'auto', chunkOverhead = 128 }) {
    this.quota = maxQuota; this.used = 0; this.maxNodes = maxNodes;
    this.storage = defaultStorage; this.ov = chunkOverhead;
    this.root = { dir: true, children: new Map() };
    this.nodes = 1;
  }
  get free() { return this.quota - this.used; }
  usage(f) { return f.kind === 'seq' ? f.data.length + f.chunks * this.ov : f.data.length; }
  newUsage(len) { return this.storage === 'random_access' ? len : (len > 0 ? len + this.ov : 0); }
  charge(n) { if (n > 0) { if (n > this.free) throw E('ENOSPC', { requested: n, available: this.free }); this.used += n; } }
  nodeCheck(k) {
    if (k > 0 && this.nodes + k > this.maxNodes) {
      throw E('ENOSPC', { current: this.nodes, limit: this.maxNodes, requested: k,
        available: this.maxNodes - this.nodes, nodeLimit: true });
    }
  }
  newFile(data, gen) {
    return { dir: false, data, kind: this.storage === 'random_access' ? 'ra' : 'seq',
      chunks: this.storage !== 'random_access' && data.length > 0 ? 1 : 0,
      gen, readers: 0, writer: false };
  }

  // §5.2: null when missing; ENOTDIR for a file with components after it.
  lookup(p) {
    let n = this.root;
    for (const name of parts(p)) {
      if (!n.dir) throw E('ENOTDIR');
      n = n.children.get(name);
      if (!n) return null;
    }
    return n;
  }
  resolve(p) { const n = this.lookup(p); if (!n) throw E('ENOENT'); return n; }
  // Parent directory of p (must exist, no parent creation).
  parentOf(p) {
    const ps = parts(p);
    const d = this.resolve(join(ps.slice(0, -1)));
    if (!d.dir) throw E('ENOTDIR');
    return [d, ps[ps.length - 1]];
  }
  // Missing parent components of p for move/mkdir; ENOTDIR for a file in the chain.
  missingChain(ps) {
    let n = this.root; let k = 0;
    for (const name of ps) {
      if (k > 0) { k++; continue; }
      if (!n.dir) throw E('ENOTDIR');
      const c = n.children.get(name);
      if (!c) { k = 1; continue; }
      n = c;
    }
    if (k === 0 && !n.dir) throw E('ENOTDIR');
    return k;
  }
  ensureDirs(ps) {
    let n = this.root;
    for (const name of ps) {
      let c = n.children.get(name);
      if (!c) { c = { dir: true, children: new Map() }; n.children.set(name, c); this.nodes++; }
      n = c;
    }
    return n;
  }
  *files(n, p) { // depth-first pre-order, insertion order
    if (!n.dir) { yield [p, n]; return; }
    for (const [name, c] of n.children) yield* this.files(c, p === '/' ? '/' + name : p + '/' + name);
  }
  countNodes(n) { let k = 1; if (n.dir) for (const c of n.children.values()) k += this.countNodes(c); return k; }
  busy(f) { return f.readers > 0 || f.writer; }
  anyBusy(n) { for (const [, f] of this.files(n, '')) if (this.busy(f)) return true; return false; }

  // §7.1 (lockTimeout 0 assumed)
  open(p, mode, preallocate = 0) {
    if (!['rb', 'wb', 'ab', 'r+b', 'xb'].includes(mode)) throw E('EINVAL');
    if (preallocate < 0 || (preallocate > 0 && mode === 'rb')) throw E('EINVAL');
    const ps = parts(p);
    let f;
    if (ps.length === 0) f = this.root; else {
      const [d, name] = this.parentOrMissing(ps);
      f = d ? d.children.get(name) : undefined;
      if (!d && (mode === 'rb' || mode === 'r+b' || true)) throw E('ENOENT');
    }
    if (f && f.dir) throw E('EISDIR');
    if (!f && (mode === 'rb' || mode === 'r+b')) throw E('ENOENT');
    if (f && mode === 'xb') throw E('EEXIST');
    if (f) {
      if (mode === 'rb' ? f.writer : (f.writer || f.readers > 0)) throw E('EAGAIN');
    } else this.nodeCheck(1);
    const base = f && mode !== 'wb' ? f.data.length : 0;
    const release = f && mode === 'wb' ? this.usage(f) : 0;
    let pre = 0;
    if (preallocate > base) {
      const kind = f ? f.kind : (this.storage === 'random_access' ? 'ra' : 'seq');
      pre = preallocate - base + (kind === 'seq' ? this.ov : 0);
      if (pre > this.free + release) throw E('ENOSPC', { requested: pre, available: this.free + release });
    }
    if (!f) {
      f = this.newFile(new Uint8Array(0), 0);
      this.parentOf(p)[0].children.set(ps[ps.length - 1], f); this.nodes++;
    } else if (mode === 'wb') {
      this.used -= release; f.data = new Uint8Array(0); f.chunks = 0; f.gen++;
    }
    if (pre > 0) {
      this.used += pre;
      const d = new Uint8Array(preallocate); d.set(f.data); f.data = d;
      if (f.kind === 'seq') f.chunks++;
      f.gen++;
    }
    if (mode === 'rb') f.readers++; else f.writer = true;
    return { f, mode, cursor: mode === 'ab' ? f.data.length : 0, closed: false };
  }
  parentOrMissing(ps) {
    let n = this.root;
    for (const name of ps.slice(0, -1)) {
      if (!n.dir) throw E('ENOTDIR');
      n = n.children.get(name);
      if (!n) return [null, null];
    }
    if (!n.dir) throw E('ENOTDIR');
    return [n, ps[ps.length - 1]];
  }

  // §7.2
  read(h, size = -1) {
    if (h.closed || ['wb', 'ab', 'xb'].includes(h.mode)) throw E('EBADF');
    const d = h.f.data;
    if (h.cursor >= d.length) return new Uint8Array(0);
    const n = size < 0 ? d.length - h.cursor : Math.min(size, d.length - h.cursor);
    const out = d.slice(h.cursor, h.cursor + n); h.cursor += n; return out;
  }
  write(h, u8) {
    if (h.closed || h.mode === 'rb') throw E('EBADF');
    const n = u8.length; if (n === 0) return 0;
    const f = h.f;
    // 'ab' writes at the end; a failed write leaves the cursor as it was (all or nothing).
    const size = f.data.length, c = h.mode === 'ab' ? size : h.cursor;
    if (f.kind === 'seq' && c === size) {
      this.charge(n + this.ov);
      const d = new Uint8Array(size + n); d.set(f.data); d.set(u8, size); f.data = d; f.chunks++;
    } else {
      const ext = Math.max(0, c + n - size);
      if (f.kind === 'seq') {
        if (this.storage === 'sequential') throw E('ENOTSUP');
        if (this.free < size) throw E('ENOSPC', { requested: size, available: this.free });
        const freeThen = this.free - size + f.chunks * this.ov;
        if (ext > freeThen) throw E('ENOSPC', { requested: ext, available: freeThen });
        this.used += -f.chunks * this.ov + ext; f.kind = 'ra'; f.chunks = 0;
      } else this.charge(ext);
      const d = new Uint8Array(Math.max(size, c + n)); d.set(f.data); d.set(u8, c); f.data = d;
    }
    h.cursor = c + n; f.gen++; return n;
  }
  seek(h, off, whence = 0) {
    if (h.closed) throw E('EBADF');
    if (![0, 1, 2].includes(whence)) throw E('EINVAL');
    if ((whence === 0 && off < 0) || (whence === 2 && off > 0)) throw E('EINVAL');
    const r = whence === 0 ? off : whence === 1 ? h.cursor + off : h.f.data.length + off;
    if (r < 0) throw E('EINVAL');
    return (h.cursor = r);
  }
  tell(h) { if (h.closed) throw E('EBADF'); return h.cursor; }
  truncate(h, size) {
    if (h.closed || h.mode === 'rb') throw E('EBADF');
    if (size === undefined) size = h.cursor;
    if (size < 0) throw E('EINVAL');
    const f = h.f, old = f.data.length;
    if (size !== old) {
      if (f.kind === 'seq') {
        if (size > old) { this.charge(size - old + this.ov); f.chunks++; }
        else { const u = this.usage(f); f.chunks = size > 0 ? 1 : 0; this.used -= u - (size + f.chunks * this.ov); }
      } else if (size > old) this.charge(size - old); else this.used -= old - size;
      const d = new Uint8Array(size); d.set(f.data.subarray(0, Math.min(size, old))); f.data = d;
      f.gen++;
    }
    if (h.cursor > size) h.cursor = size;
    return size;
  }
  close(h) { if (h.closed) return; h.closed = true; if (h.mode === 'rb') h.f.readers--; else h.f.writer = false; }

  // §7.3
  mkdir(p, existOk = false) {
    const ps = parts(p);
    const k = this.missingChainMkdir(ps);
    if (k === 0) { const n = this.lookup(p); if (!n.dir || !existOk) throw E('EEXIST'); return; }
    this.nodeCheck(k); this.ensureDirs(ps);
  }
  missingChainMkdir(ps) {
    let n = this.root;
    for (let i = 0; i < ps.length; i++) {
      if (!n.dir) throw E('ENOTDIR');
      const c = n.children.get(ps[i]);
      if (!c) return ps.length - i;
      n = c;
    }
    return 0;
  }
  // §7.4
  rename(src, dst, move = false) {
    if (src === '/') throw E('EINVAL');
    const node = this.resolve(src);
    let exists; try { exists = this.lookup(dst); } catch { exists = null; }
    if (exists) throw E('EEXIST');
    if (dst.startsWith(src + '/')) throw E('EINVAL');
    const dps = parts(dst);
    let k = 0;
    if (move) k = this.missingChain(dps.slice(0, -1)); else this.parentOf(dst);
    if (this.anyBusy(node)) throw E('EBUSY');
    this.nodeCheck(k);
    const [sp, sname] = this.parentOf(src);
    const d = this.ensureDirs(dps.slice(0, -1));
    sp.children.delete(sname); d.children.set(dps[dps.length - 1], node);
  }
  // §7.5
  remove(p) {
    const n = this.resolve(p);
    if (n.dir) throw E('EISDIR');
    if (this.busy(n)) throw E('EBUSY');
    const [d, name] = this.parentOf(p);
    d.children.delete(name); this.used -= this.usage(n); this.nodes--;
  }
  rmtree(p) {
    if (p === '/') throw E('EINVAL');
    const n = this.resolve(p);
    if (!n.dir) throw E('ENOTDIR');
    if (this.anyBusy(n)) throw E('EBUSY');
    for (const [, f] of this.files(n, '')) this.used -= this.usage(f);
    this.nodes -= this.countNodes(n);
    const [d, name] = this.parentOf(p); d.children.delete(name);
  }
  // §7.6
  listdir(p) { const n = this.resolve(p); if (!n.dir) throw E('ENOTDIR'); return [...n.children.keys()]; }
  exists(p) { try { return !!this.lookup(p); } catch { return false; } }
  stat(p) { const n = this.resolve(p); return n.dir ? { size: 0, generation: 0, isDir: true } : { size: n.data.length, generation: n.gen, isDir: false }; }
  getSize(p) { const n = this.resolve(p); if (n.dir) throw E('EISDIR'); return n.data.length; }
  stats() {
    let files = 0, dirs = 0, chunks = 0;
    const walk = (n) => { if (n.dir) { dirs++; for (const c of n.children.values()) walk(c); } else { files++; if (n.kind === 'seq') chunks += n.chunks; } };
    walk(this.root);
    return { usedBytes: this.used, quotaBytes: this.quota, freeBytes: this.free, fileCount: files,
      dirCount: dirs, chunkCount: chunks, overheadPerChunk: this.ov };
  }
  // §7.7
  checkDst(dst) {
    let ex; try { ex = this.lookup(dst); } catch { ex = null; }
    if (ex || dst === '/') throw E('EEXIST');
    return this.parentOf(dst);
  }
  copy(src, dst) {
    const n = this.resolve(src);
    if (n.dir) throw E('EISDIR');
    const [d, name] = this.checkDst(dst);
    if (n.writer) throw E('EAGAIN');
    this.nodeCheck(1);
    this.charge(this.newUsage(n.data.length));
    d.children.set(name, this.newFile(n.data.slice(), n.data.length > 0 ? 1 : 0)); this.nodes++;
  }
  copyTree(src, dst) {
    const n = this.resolve(src);
    if (!n.dir) throw E('ENOTDIR');
    const [d, name] = this.checkDst(dst);
    let total = 0;
    for (const [, f] of this.files(n, '')) { if (f.writer) throw E('EAGAIN'); total += this.newUsage(f.data.length); }
    const k = this.countNodes(n);
    this.nodeCheck(k); this.charge(total);
    const clone = (x) => x.dir ? { dir: true, children: new Map([...x.children].map(([a, c]) => [a, clone(c)])) }
      : this.newFile(x.data.slice(), 0);
    d.children.set(name, clone(n)); this.nodes += k;
  }
  // §7.8 (patterns: literal parts, '*', '?', '**')
  glob(pattern) {
    const pp = parts(pattern.replace(/\\/g, '/'));
    if (pp.length === 0) return [];
    const all = [];
    const walk = (n, ps) => { for (const [name, c] of n.children) { const q = [...ps, name]; all.push(q); if (c.dir) walk(c, q); } };
    walk(this.root, []);
    const esc = (ch) => ch.replace(/[.*+?^${}()|[\]\\\-]/g, '\\$&');
    const rx = (part) => { // §7.8: *, ?, [seq], [!seq], ']' first literal, unclosed '[' literal
      const cs = [...part]; let out = '';
      for (let i = 0; i < cs.length; i++) {
        const ch = cs[i];
        if (ch === '*') out += '.*';
        else if (ch === '?') out += '.';
        else if (ch === '[') {
          let j = i + 1; const neg = cs[j] === '!'; if (neg) j++;
          const st = j; if (cs[j] === ']') j++;
          while (j < cs.length && cs[j] !== ']') j++;
          if (j >= cs.length) { out += esc(ch); continue; }
          const body = cs.slice(st, j); let set = '';
          for (let k = 0; k < body.length; k++) {
            if (body[k + 1] === '-' && k + 2 < body.length) { set += esc(body[k]) + '-' + esc(body[k + 2]); k += 2; } else set += esc(body[k]);
          }
          out += (neg ? '[^' : '[') + set + ']'; i = j;
        } else out += esc(ch);
      }
      return new RegExp('^' + out + '$', 'su');
    };
    const match = (pi, ni, names) => {
      if (pi === pp.length) return ni === names.length;
      if (pp[pi] === '**') {
        const min = pi === pp.length - 1 ? 1 : 0;
        for (let k = ni + min; k <= names.length; k++) if (match(pi + 1, k, names)) return true;
        return false;
      }
      return ni < names.length && rx(pp[pi]).test(names[ni]) && match(pi + 1, ni + 1, names);
    };
    return all.filter((q) => match(0, 0, q)).map(join).sort();
  }
  // §9
  readFile(p) { const n = this.resolve(p); if (n.dir) throw E('EISDIR'); if (n.writer) throw E('EAGAIN'); return n.data.slice(); }
  writeFile(p, u8) {
    if (p === '/') throw E('EISDIR');
    const [d, name] = this.parentOf(p);
    const f = d.children.get(name);
    if (f && f.dir) throw E('EISDIR');
    if (f) { if (this.busy(f)) throw E('EAGAIN'); } else this.nodeCheck(1);
    this.charge(this.newUsage(u8.length) - (f ? this.usage(f) : 0));
    if (f) {
      this.used -= Math.min(0, this.newUsage(u8.length) - this.usage(f)) * -1;
      const nf = this.newFile(u8.slice(), f.gen + 1); Object.assign(f, { data: nf.data, kind: nf.kind, chunks: nf.chunks, gen: nf.gen });
    } else { d.children.set(name, this.newFile(u8.slice(), u8.length > 0 ? 1 : 0)); this.nodes++; }
  }
  exportTree(prefix = '/', onlyDirty = false) {
    let n; try { n = this.lookup(prefix); } catch { n = null; }
    const out = new Map();
    if (!n) return out;
    for (const [p, f] of this.files(n, prefix)) {
      if (onlyDirty && f.gen === 0) continue;
      if (f.writer) throw E('EAGAIN');
      out.set(p, f.data.slice());
    }
    return out;
  }
  // entries: array of [normalizedPathOrNull(=invalid), Uint8Array]
  importTree(entries) {
    if (entries.length === 0) return;
    const m = new Map();
    for (const [p, v] of entries) { if (p === null) throw E('EINVAL'); m.set(p, v); }
    const vdirs = new Set(), vfiles = new Set(); let net = 0;
    for (const [p, v] of m) {
      const ps = parts(p);
      if (ps.length === 0) throw E('EISDIR');
      let real = this.root;
      for (let i = 0; i < ps.length - 1; i++) {
        const q = join(ps.slice(0, i + 1));
        if (real) real = real.children.get(ps[i]);
        if (real && !real.dir) throw E('ENOTDIR');
        if (!real) { if (vfiles.has(q)) throw E('ENOTDIR'); vdirs.add(q); }
      }
      const t = real ? real.children.get(ps[ps.length - 1]) : undefined;
      if ((t && t.dir) || vdirs.has(p)) throw E('EISDIR');
      if (t) { if (this.busy(t)) throw E('EBUSY'); net -= this.usage(t); } else vfiles.add(p);
      net += this.newUsage(v.length);
    }
    this.nodeCheck(vdirs.size + vfiles.size);
    this.charge(net);
    if (net < 0) this.used += net;
    for (const [p, v] of m) {
      const ps = parts(p);
      const d = this.ensureDirs(ps.slice(0, -1));
      const name = ps[ps.length - 1];
      const nf = this.newFile(v.slice(), 0);
      const old = d.children.get(name);
      if (old) Object.assign(old, { data: nf.data, kind: nf.kind, chunks: nf.chunks, gen: 0 });
      else { d.children.set(name, nf); this.nodes++; }
    }
  }
}
