// One soak agent (tests/soak/soak.mjs): random operations on a shared wasm-threads
// filesystem. Private files under /w<id> with exactly known contents; shared files under
// /shared (self-describing records, no torn reads; an append-only log whose entries the
// main thread counts); racing creates/renames/removes/copies under /race. Every result is
// checked against what the rules allow; anything else is a violation.
// Loaded by soak.mjs (main agent) and run as a worker (workerData.role 'dmemfs-soak').
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { MemoryFileSystem } from '../../js/index.mjs';

export function rng(seed) { // mulberry32
  let a = seed >>> 0;
  return () => { a = (a + 0x6D2B79F5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

// Record: 'R', owner, generation (u32 LE), length (u16 LE), then a body derived from all three.
export function record(owner, gen, len) {
  const b = new Uint8Array(len);
  b[0] = 0x52; b[1] = owner; b[2] = gen & 255; b[3] = (gen >>> 8) & 255; b[4] = (gen >>> 16) & 255; b[5] = gen >>> 24;
  b[6] = len & 255; b[7] = len >>> 8;
  for (let i = 8; i < len; i++) b[i] = (owner * 131 + gen * 17 + i * 7) & 255;
  return b;
}
/** null when b is empty or one whole record, else what is wrong with it. */
export function badRecord(b) {
  if (b.length === 0) return null;
  if (b.length < 8 || b[0] !== 0x52) return `not a record (${b.length} bytes, first ${b[0]})`;
  const owner = b[1], gen = b[2] | (b[3] << 8) | (b[4] << 16) | (b[5] << 24) >>> 0, len = b[6] | (b[7] << 8);
  if (len !== b.length) return `record of owner ${owner} gen ${gen} says ${len} bytes, has ${b.length}`;
  for (let i = 8; i < len; i++) if (b[i] !== ((owner * 131 + gen * 17 + i * 7) & 255)) return `torn record: owner ${owner} gen ${gen} byte ${i}`;
  return null;
}
// Log entry (8 bytes): 'L', owner, sequence (u32 LE), epoch, xor of bytes 1..5.
export function logEntry(owner, seq, epoch) {
  const b = new Uint8Array([0x4C, owner, seq & 255, (seq >>> 8) & 255, (seq >>> 16) & 255, seq >>> 24, epoch & 255, 0]);
  b[7] = b[1] ^ b[2] ^ b[3] ^ b[4] ^ b[5] ^ b[6];
  return b;
}
export const eq = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
export const SHARED = 4;
export const RACE_FILES = ['/race/x0', '/race/x1', '/race/x2', '/race/x3'];
export const RACE_DIRS = ['/race/d0', '/race/d1', '/race/d2'];

class Violation extends Error {}
const ENC = new TextEncoder();

export class Agent {
  /** cfg: {bigMax, lockMax}; id: 0..254 (owner byte). */
  constructor(fs, id, seed, cfg) {
    this.fs = fs; this.id = id; this.R = rng(seed); this.cfg = cfg;
    this.dir = `/w${id}`;
    this.expected = new Map(); // path under this.dir → Uint8Array
    this.dirs = new Set([this.dir]);
    this.gen = 1;
    this.logSeq = 0; this.epoch = 0;
    this.counts = {}; // kind → {ok, <code>: n}
    this.ops = 0;
    this.violations = [];
    this.history = [];
    this.long = null; // a private 'ab' handle kept open across steps: [path, handle]
    this.eagainStruct = 0; // EAGAIN that only the structure lock explains (see call())
  }
  pick(a) { return a[Math.floor(this.R() * a.length)]; }
  int(n) { return Math.floor(this.R() * n); }
  bad(msg) {
    const v = `agent ${this.id}: ${msg}\n  recent: ${this.history.slice(-12).join(' | ')}`;
    this.violations.push(v);
    if (process.env.SOAK_DEBUG) process._rawDebug(`[${this.id}] ${v}`);
    throw new Violation(v);
  }
  count(kind, code) {
    const c = (this.counts[kind] ??= {});
    c[code] = (c[code] || 0) + 1;
    this.ops++;
  }
  // Runs one library call; codes it may fail with (else a violation). Returns {ok, v} / {code}.
  // short: the call has a short lockTimeout (0–200 ms) and no file-lock conflict is possible,
  // so an EAGAIN can only come from the structure lock, whose wait the JS layer bounds by
  // that lockTimeout rather than the filesystem default (SPEC §8.6 expects none with live
  // threads). Counted apart; a violation with cfg.strict.
  async call(kind, allowed, fn, short = false) {
    if (this.status) { this.status.fill(0); ENC.encodeInto(`${this.ops} ${this.history.slice(-6).join(' | ')} | ${kind}`.slice(-250), this.status); }
    this.history.push(kind);
    if (this.history.length > 40) this.history.splice(0, 20);
    try {
      const v = await fn();
      this.count(kind, 'ok');
      return { ok: true, v };
    } catch (e) {
      if (e instanceof Violation) throw e;
      const code = e && e.code;
      this.count(kind, code || 'THROW');
      this.history[this.history.length - 1] += `→${code}`;
      if (code === 'EAGAIN' && short && !allowed.includes(code)) {
        this.eagainStruct++;
        if (!this.cfg.strict) return { ok: false, code, e };
      }
      if (!code || !allowed.includes(code)) this.bad(`${kind} failed with ${code || ''} ${e && e.message}`);
      return { ok: false, code, e };
    }
  }
  lt() { return this.int(this.cfg.lockMax + 1); }
  privName() { return `${this.dir}/f${this.int(8)}`; }
  setFile(p, b) { this.expected.set(p, b); }
  checkBytes(what, p, got) {
    const want = this.expected.get(p);
    if (!want) this.bad(`${what} ${p}: exists, expected absent`);
    if (!eq(got, want)) this.bad(`${what} ${p}: ${got.length} bytes differ from the ${want.length} last written`);
  }

  async step() {
    const r = this.R();
    if (r < 0.50) await this.privateOp();
    else if (r < 0.80) await this.sharedOp();
    else await this.raceOp();
  }

  // ── private files: exact contents known ───────────────────────────────────────────
  async privateOp() {
    const fs = this.fs, p = this.privName(), has = this.expected.has(p);
    const q = this.privName(), op = this.int(14);
    // Our own 'ab' handle write-locks its file: anything else on it would wait out its
    // timeout (locks are not re-entrant, §8.1). Close it first.
    if (op !== 4 && this.long && (this.long[0] === p || this.long[0] === q || op === 12)) await this.closeLong();
    switch (op) {
      case 0: case 1: { // writeFile: replaced whole, or nothing on ENOSPC
        const b = record(this.id, this.gen++, 8 + this.int(3000));
        const lt0 = this.R() < 0.3;
        const r = await this.call('p.writeFile', ['ENOSPC'], () => fs.writeFile(p, b, { lockTimeout: lt0 ? 0 : 1000 }), lt0);
        if (r.ok) this.setFile(p, b);
        break;
      }
      case 2: case 3: { // readFile
        const lt0 = this.R() < 0.3;
        const r = await this.call('p.readFile', has ? [] : ['ENOENT'], () => fs.readFile(p, { lockTimeout: lt0 ? 0 : 1000 }), lt0);
        if (r.ok) this.checkBytes('readFile', p, r.v);
        break;
      }
      case 4: { // append through a handle kept open across steps
        if (this.long && this.R() < 0.3) { await this.closeLong(); break; }
        if (!this.long) {
          const r = await this.call('p.open ab', has ? [] : ['ENOSPC'], () => fs.open(p, 'ab', { lockTimeout: 1000 }));
          if (!r.ok) break;
          if (!has) this.setFile(p, new Uint8Array(0));
          this.long = [p, r.v];
        }
        const [lp, h] = this.long;
        const b = record(this.id, this.gen++, 8 + this.int(200));
        const w = await this.call('p.append', ['ENOSPC'], () => h.write(b));
        if (w.ok) { const old = this.expected.get(lp); const n = new Uint8Array(old.length + b.length); n.set(old); n.set(b, old.length); this.setFile(lp, n); }
        break;
      }
      case 5: { // r+b: overwrite inside (promotion), maybe truncate, read back everything
        const r = await this.call('p.open r+b', has ? [] : ['ENOENT'], () => fs.open(p, 'r+b', { lockTimeout: 1000 }));
        if (!r.ok) break;
        if (!has) { await r.v.close(); this.bad(`open r+b ${p}: opened a file that should not exist`); }
        const h = r.v;
        try {
          let cur = this.expected.get(p);
          const off = this.int(cur.length + 1), b = record(this.id, this.gen++, 8 + this.int(500));
          await this.call('h.seek', [], () => h.seek(off));
          const w = await this.call('h.write', ['ENOSPC'], () => h.write(b));
          if (w.ok) { const n = new Uint8Array(Math.max(cur.length, off + b.length)); n.set(cur); n.set(b, off); cur = n; this.setFile(p, cur); }
          if (this.R() < 0.5) {
            const size = this.int(cur.length + 600);
            const t = await this.call('h.truncate', ['ENOSPC'], () => h.truncate(size));
            if (t.ok) { const n = new Uint8Array(size); n.set(cur.subarray(0, Math.min(size, cur.length))); cur = n; this.setFile(p, cur); }
          }
          await this.call('h.seek', [], () => h.seek(0));
          const rd = await this.call('h.read', [], () => h.read(-1));
          this.checkBytes('r+b read-back', p, rd.v);
        } finally { await h.close(); }
        break;
      }
      case 6: { // wb with preallocation
        const pre = this.int(4000), b = record(this.id, this.gen++, 8 + this.int(pre + 8));
        const r = await this.call('p.open wb', ['ENOSPC'], () => fs.open(p, 'wb', { preallocate: pre, lockTimeout: 1000 }));
        if (!r.ok) break;
        const h = r.v;
        let cur = new Uint8Array(pre);
        this.setFile(p, cur);
        const w = await this.call('h.write', ['ENOSPC'], () => h.write(b));
        if (w.ok) { const n = new Uint8Array(Math.max(pre, b.length)); n.set(b); cur = n; this.setFile(p, cur); }
        await h.close();
        break;
      }
      case 7: { // rename
        const qs = this.expected.has(q);
        const r = await this.call('p.rename', !has ? ['ENOENT'] : qs ? ['EEXIST'] : [], () => fs.rename(p, q));
        if (r.ok) { if (!has || qs) this.bad(`rename ${p} ${q} succeeded`); this.setFile(q, this.expected.get(p)); this.expected.delete(p); }
        break;
      }
      case 8: { // copy
        const qs = this.expected.has(q);
        const r = await this.call('p.copy', [!has ? 'ENOENT' : qs ? 'EEXIST' : 'ENOSPC'], () => fs.copy(p, q, { lockTimeout: 0 }), true);
        if (r.ok) { if (!has || qs) this.bad(`copy ${p} ${q} succeeded`); this.setFile(q, this.expected.get(p).slice()); }
        break;
      }
      case 9: { // remove
        const r = await this.call('p.remove', has ? [] : ['ENOENT'], () => fs.remove(p));
        if (r.ok) this.expected.delete(p);
        break;
      }
      case 10: { // balloon: big files that fill the quota, removed at random
        const bp = `${this.dir}/big${this.int(3)}`;
        if (this.expected.has(bp) && this.R() < 0.5) {
          await this.call('p.remove', [], () => fs.remove(bp));
          this.expected.delete(bp);
        } else {
          const b = new Uint8Array(4096 + this.int(this.cfg.bigMax)).fill(this.id);
          b[0] = this.gen++ & 255;
          const r = await this.call('p.balloon', ['ENOSPC'], () => fs.writeFile(bp, b, { lockTimeout: 1000 }));
          if (r.ok) this.setFile(bp, b);
        }
        break;
      }
      case 11: { // a subdirectory: importTree / move into it / copyTree / rmtree
        const sub = `${this.dir}/sub`, sub2 = `${this.dir}/sub2`;
        const k = this.int(4);
        if (k === 0) {
          const es = Array.from({ length: 1 + this.int(3) }, () => [`${sub}/g${this.int(4)}`, record(this.id, this.gen++, 8 + this.int(300))]);
          const r = await this.call('p.importTree', ['ENOSPC'], () => fs.importTree(es));
          if (r.ok) { this.dirs.add(sub); for (const [k2, v] of es) this.setFile(k2, v); }
        } else if (k === 1) {
          if (!has) break;
          const dst = `${sub}/m${this.int(2)}`;
          const r = await this.call('p.move', [this.expected.has(dst) ? 'EEXIST' : 'ENOSPC'], () => fs.move(p, dst));
          if (r.ok) { this.dirs.add(sub); this.setFile(dst, this.expected.get(p)); this.expected.delete(p); }
        } else if (k === 2) {
          const r = await this.call('p.copyTree', [!this.dirs.has(sub) ? 'ENOENT' : this.dirs.has(sub2) ? 'EEXIST' : 'ENOSPC'], () => fs.copyTree(sub, sub2, { lockTimeout: 0 }), true);
          if (r.ok) {
            this.dirs.add(sub2);
            for (const [k2, v] of [...this.expected]) if (k2.startsWith(`${sub}/`)) this.setFile(sub2 + k2.slice(sub.length), v.slice());
          }
        } else {
          const d = this.pick([sub, sub2]);
          const r = await this.call('p.rmtree', this.dirs.has(d) ? [] : ['ENOENT'], () => fs.rmtree(d));
          if (r.ok) { this.dirs.delete(d); for (const k2 of [...this.expected.keys()]) if (k2.startsWith(`${d}/`)) this.expected.delete(k2); }
        }
        break;
      }
      case 12: { // export of the private directory: exactly the expected files
        const r = await this.call('p.exportTree', [], () => fs.exportTree({ prefix: this.dir, lockTimeout: 0 }), true);
        if (!r.ok) break;
        if (r.v.size !== this.expected.size) this.bad(`exportTree ${this.dir}: ${r.v.size} files, expected ${this.expected.size}`);
        for (const [k2, v] of r.v) this.checkBytes('exportTree', k2, v);
        break;
      }
      default: { // stat / getSize / listdir
        const r = await this.call('p.stat', has ? [] : ['ENOENT'], () => fs.stat(p));
        if (r.ok !== has) this.bad(`stat ${p}: exists ${r.ok}, expected ${has}`);
        if (r.ok && r.v.size !== this.expected.get(p).length) this.bad(`stat ${p}: size ${r.v.size}, expected ${this.expected.get(p).length}`);
        const l = await this.call('p.listdir', [], () => fs.listdir(this.dir));
        const want = new Set([...this.expected.keys(), ...this.dirs].filter((k2) => k2 !== this.dir && k2.lastIndexOf('/') === this.dir.length).map((k2) => k2.slice(this.dir.length + 1)));
        if (l.v.length !== want.size || !l.v.every((n) => want.has(n))) this.bad(`listdir ${this.dir}: [${l.v}] expected [${[...want]}]`);
      }
    }
  }

  async closeLong() {
    if (!this.long) return;
    const [, h] = this.long;
    this.long = null;
    await this.call('h.close', [], () => h.close());
  }

  // ── shared files: records, never torn; the log: every acknowledged append kept ─────
  async sharedOp() {
    const fs = this.fs, s = `/shared/s${this.int(SHARED)}`;
    const lockTimeout = this.lt();
    const verify = (what, b) => { const w = badRecord(b); if (w) this.bad(`${what} ${s}: ${w}`); };
    switch (this.int(7)) {
      case 0: { const r = await this.call('s.writeFile', ['EAGAIN', 'ENOSPC'], () => fs.writeFile(s, record(this.id, this.gen++, 8 + this.int(2000)), { lockTimeout })); break; }
      case 1: { const r = await this.call('s.readFile', ['EAGAIN'], () => fs.readFile(s, { lockTimeout })); if (r.ok) verify('readFile', r.v); break; }
      case 2: { // wb, written in pieces; a failed piece empties the file (empty is valid)
        const r = await this.call('s.open wb', ['EAGAIN'], () => fs.open(s, 'wb', { lockTimeout }));
        if (!r.ok) break;
        const h = r.v, b = record(this.id, this.gen++, 8 + this.int(3000));
        try {
          for (let at = 0; at < b.length;) {
            const n = Math.min(b.length - at, 1 + this.int(1200));
            const w = await this.call('h.write', ['ENOSPC'], () => h.write(b.subarray(at, at + n)));
            if (!w.ok) { await this.call('h.truncate', [], () => h.truncate(0)); break; }
            at += n;
          }
        } finally { await h.close(); }
        break;
      }
      case 3: { // r+b: read, check, replace in place with a new record
        const r = await this.call('s.open r+b', ['EAGAIN'], () => fs.open(s, 'r+b', { lockTimeout }));
        if (!r.ok) break;
        const h = r.v;
        try {
          const rd = await this.call('h.read', [], () => h.read(-1));
          verify('r+b read', rd.v);
          const b = record(this.id, this.gen++, 8 + this.int(2000));
          await this.call('h.seek', [], () => h.seek(0));
          const w = await this.call('h.write', ['ENOSPC'], () => h.write(b));
          if (w.ok && b.length < rd.v.length) await this.call('h.truncate', [], () => h.truncate(b.length));
        } finally { await h.close(); }
        break;
      }
      case 4: { const r = await this.call('s.open rb', ['EAGAIN'], () => fs.open(s, 'rb', { lockTimeout }));
        if (r.ok) { try { verify('rb read', (await this.call('h.read', [], () => r.v.read(-1))).v); } finally { await r.v.close(); } }
        break; }
      case 5: { // append one entry to the log; main counts them at the barrier
        const r = await this.call('log.open ab', ['EAGAIN'], () => fs.open('/shared/log', 'ab', { lockTimeout }));
        if (!r.ok) break;
        try {
          const w = await this.call('log.append', ['ENOSPC'], () => r.v.write(logEntry(this.id, this.logSeq, this.epoch)));
          if (w.ok) this.logSeq++;
        } finally { await r.v.close(); }
        break;
      }
      default: { // snapshot a shared file into the private directory
        const snap = `${this.dir}/snap`;
        if (this.expected.has(snap)) { await this.call('p.remove', [], () => fs.remove(snap)); this.expected.delete(snap); }
        const r = await this.call('s.copy', ['EAGAIN', 'ENOSPC'], () => fs.copy(s, snap, { lockTimeout }));
        if (!r.ok) break;
        const b = (await this.call('p.readFile', [], () => fs.readFile(snap, { lockTimeout: 1000 }))).v;
        verify('copy', b);
        this.setFile(snap, b);
      }
    }
  }

  // ── racing structure changes: only the errors the rules allow ───────────────────────
  async raceOp() {
    const fs = this.fs, x = this.pick(RACE_FILES), y = this.pick(RACE_FILES), d = this.pick(RACE_DIRS), e = this.pick(RACE_DIRS);
    const lockTimeout = this.lt();
    const verify = (what, p, b) => { const w = badRecord(b); if (w) this.bad(`${what} ${p}: ${w}`); };
    switch (this.int(11)) {
      case 0: { // xb: create, write a record, close (an ENOSPC write leaves it empty)
        const r = await this.call('r.open xb', ['EEXIST', 'ENOSPC'], () => fs.open(x, 'xb', { lockTimeout }), true);
        if (r.ok) { try { await this.call('h.write', ['ENOSPC'], () => r.v.write(record(this.id, this.gen++, 8 + this.int(800)))); } finally { await r.v.close(); } }
        break;
      }
      case 1: await this.call('r.remove', ['ENOENT', 'EBUSY'], () => fs.remove(x)); break;
      case 2: await this.call('r.rename', ['ENOENT', 'EEXIST', 'EBUSY'], () => fs.rename(x, y)); break;
      case 3: await this.call('r.copy', ['ENOENT', 'EEXIST', 'EAGAIN', 'ENOSPC'], () => fs.copy(x, y, { lockTimeout })); break;
      case 4: { const r = await this.call('r.readFile', ['ENOENT', 'EAGAIN'], () => fs.readFile(x, { lockTimeout })); if (r.ok) verify('readFile', x, r.v); break; }
      case 5: await this.call('r.mkdir', ['ENOSPC'], () => fs.mkdir(`${d}/s${this.int(2)}`, { existOk: true })); break;
      case 6: await this.call('r.rmtree', ['ENOENT', 'EBUSY'], () => fs.rmtree(d)); break;
      case 7: await this.call('r.copyTree', ['ENOENT', 'EEXIST', 'EAGAIN', 'ENOSPC'], () => fs.copyTree(d, e, { lockTimeout })); break;
      case 8: await this.call('r.writeFile', ['ENOENT', 'EAGAIN', 'ENOSPC'], () => fs.writeFile(`${d}/f`, record(this.id, this.gen++, 8 + this.int(500)), { lockTimeout })); break;
      case 9: { const r = await this.call('r.readFile', ['ENOENT', 'EAGAIN'], () => fs.readFile(`${d}/f`, { lockTimeout })); if (r.ok) verify('readFile', `${d}/f`, r.v); break; }
      default: { // weakly consistent listings never fail
        const w = await this.call('r.walk', [], async () => { const out = []; for await (const en of fs.walk('/race')) out.push(en); return out; });
        for (const [dp, dn, fn] of w.v) if (!dp.startsWith('/race') || dn.some((n) => !/^(d\d|s\d)$/.test(n)) || fn.some((n) => !/^(x\d|f)$/.test(n))) this.bad(`walk /race: odd entry ${JSON.stringify([dp, dn, fn])}`);
        await this.call('r.glob', [], () => fs.glob('/race/**'));
      }
    }
  }

  /** Closes every handle; the state main checks at a barrier. */
  async quiesce() {
    await this.closeLong();
    return { id: this.id, expected: [...this.expected], dirs: [...this.dirs], logSeq: this.logSeq,
      epoch: this.epoch, ops: this.ops, counts: this.counts, eagainStruct: this.eagainStruct,
      violations: this.violations.splice(0) };
  }

  /** Steps until stop(); at pause() quiesces and awaits onPaused(report) → {stop, epoch}. */
  async run(onPaused) {
    for (;;) {
      if (this.pauseReq) {
        this.pauseReq = false;
        const { stop, epoch } = await onPaused(await this.quiesce());
        if (stop) return;
        if (epoch !== this.epoch) { this.epoch = epoch; this.logSeq = 0; }
        continue;
      }
      // Uncontended calls settle without a macrotask; yield so 'pause' (and, on the main
      // thread, the barrier timer) can run.
      await new Promise((r) => setImmediate(r));
      // A violation ends the step; it is reported at the next barrier, where main stops.
      try { await this.step(); } catch (e) {
        if (!(e instanceof Violation)) {
          if (process.env.SOAK_DEBUG) process._rawDebug(`[${this.id}] ${e && e.stack}`);
          this.violations.push(`agent ${this.id}: ${e && e.stack}\n  recent: ${this.history.slice(-12).join(' | ')}`);
        }
        if (this.violations.length > 20) this.violations.length = 20;
      }
    }
  }
}

// ── worker entry ─────────────────────────────────────────────────────────────────────
if (!isMainThread && workerData && workerData.role === 'dmemfs-soak') {
  const { d, id, seed, cfg } = workerData;
  const fs = await MemoryFileSystem.attach(d);
  const agent = new Agent(fs, id, seed, cfg);
  agent.status = new Uint8Array(workerData.status); // what it is doing, readable while it is stuck
  let resume = null;
  parentPort.on('message', (m) => {
    if (m.cmd === 'pause') agent.pauseReq = true;
    else if (m.cmd === 'status') parentPort.postMessage({ type: 'status', history: agent.history });
    else if (m.cmd === 'resume' && resume) { const r = resume; resume = null; r(m); }
  });
  parentPort.postMessage({ type: 'ready' });
  await agent.run((report) => new Promise((r) => { resume = r; parentPort.postMessage({ type: 'paused', report }); }));
  await fs.close(); // detach: the filesystem lives on
  parentPort.postMessage({ type: 'stopped' });
  parentPort.close();
}
