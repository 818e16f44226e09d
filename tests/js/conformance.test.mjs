// Conformance runner for the JS API: runs tests/conformance/scenarios/*.txt (format:
// tests/conformance/FORMAT.md) against MemoryFileSystem on every build in
// DMEMFS_TEST_BUILDS (default 'threads,single'). DMFS_SCENARIO=<substring> selects.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import {
  MemoryFileSystem, QuotaExceededError, NodeLimitExceededError,
} from '../../js/index.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const SCENARIO_DIR = process.env.DMFS_SCENARIO_DIR || path.join(here, '..', 'conformance', 'scenarios');
const BUILDS = (process.env.DMEMFS_TEST_BUILDS || 'threads,single').split(',');
const SELECT = process.env.DMFS_SCENARIO || '';

// ── parsing (mirrors runner.c) ──────────────────────────────────────────────────────
class ParseError extends Error {}
const enc = new TextEncoder();

// A value: {kind:'str', bytes:Uint8Array, bare:bool, text:string|undefined} or
// {kind:'list', items:[…]}; key=value args carry .key.
function parseLine(line) {
  let i = 0;
  let depth = 0;
  const n = line.length;
  const isSep = (c) => c === undefined || c === ' ' || c === '\t' || c === '\r' || c === '\n' ||
    (depth > 0 && (c === ',' || c === ']'));
  const hex = (c) => parseInt(c, 16);

  function quoted() { // at '"' → array of bytes
    i++;
    const out = [];
    for (;;) {
      if (i >= n) throw new ParseError('unterminated string');
      const c = line[i];
      if (c === '"') { i++; break; }
      if (c === '\\') {
        const e = line[i + 1];
        if (e === 'x') {
          const h = hex(line[i + 2]); const l = hex(line[i + 3]);
          if (Number.isNaN(h) || Number.isNaN(l) || !/^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
            throw new ParseError('bad \\x escape');
          }
          out.push(h * 16 + l); i += 4; continue;
        }
        const map = { '\\': 92, '"': 34, n: 10, r: 13, t: 9, 0: 0 };
        if (!(e in map)) throw new ParseError(`bad escape \\${e}`);
        out.push(map[e]); i += 2; continue;
      }
      // one code point of the line → its UTF-8 bytes
      const cp = line.codePointAt(i);
      const s = String.fromCodePoint(cp);
      for (const b of enc.encode(s)) out.push(b);
      i += s.length;
    }
    return repeat(out);
  }
  function repeat(arr) {
    if (line[i] !== '*') return arr;
    const m = /^\*(\d+)/.exec(line.slice(i));
    if (!m) throw new ParseError('bad repeat count');
    i += m[0].length;
    const k = Number(m[1]);
    const out = new Array(arr.length * k);
    for (let r = 0; r < k; r++) for (let j = 0; j < arr.length; j++) out[r * arr.length + j] = arr[j];
    return out;
  }
  function expr() {
    let out = [];
    for (;;) {
      if (line[i] === '"') out = out.concat(quoted());
      else if (line[i] === '(') {
        i++;
        const g = expr();
        if (line[i] !== ')') throw new ParseError("missing ')'");
        i++;
        out = out.concat(repeat(g));
      } else throw new ParseError('expected a string');
      if (line[i] === '+' && (line[i + 1] === '"' || line[i + 1] === '(')) { i++; continue; }
      return out;
    }
  }
  function value() {
    if (line[i] === '[') {
      i++; depth++;
      const items = [];
      for (;;) {
        while (line[i] === ' ' || line[i] === '\t' || line[i] === ',') i++;
        if (line[i] === ']') { i++; break; }
        if (i >= n) throw new ParseError('unterminated list');
        items.push(value());
      }
      depth--;
      return { kind: 'list', items };
    }
    if (line[i] === '"' || line[i] === '(') {
      const bytes = Uint8Array.from(expr());
      if (!isSep(line[i])) throw new ParseError('junk after string');
      return { kind: 'str', bytes, bare: false };
    }
    const s = i;
    while (!isSep(line[i])) i++;
    const text = line.slice(s, i);
    return { kind: 'str', bytes: enc.encode(text), bare: true, text };
  }
  function arg() {
    const m = /^[A-Za-z0-9_]+=/.exec(line.slice(i));
    if (m) {
      const key = m[0].slice(0, -1);
      i += m[0].length;
      const v = value();
      v.key = key;
      return v;
    }
    return value();
  }
  const args = []; const exp = []; let arrow = false; let cur = args;
  for (;;) {
    while (line[i] === ' ' || line[i] === '\t' || line[i] === '\r' || line[i] === '\n') i++;
    if (i >= n) break;
    if (line[i] === '-' && line[i + 1] === '>' && (i + 2 >= n || /\s/.test(line[i + 2]))) {
      if (arrow) throw new ParseError("two '->'");
      arrow = true; cur = exp; i += 2; continue;
    }
    cur.push(arg());
  }
  return { args, exp };
}

function parseFile(file) {
  const scenarios = [];
  let cur = null;
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((raw, idx) => {
    const line = raw.replace(/\r$/, '');
    const t = line.trimStart();
    if (!t || t.startsWith('#')) return;
    if (t.startsWith('scenario ')) {
      cur = { name: t.slice(9), file: path.basename(file), line: idx + 1, ops: [] };
      scenarios.push(cur);
      return;
    }
    if (!cur) throw new Error(`${file}:${idx + 1}: operation outside a scenario`);
    if (t.startsWith('@c ')) return; // C-only line
    const body = t.startsWith('@js ') ? t.slice(4) : t;
    cur.ops.push({ lineno: idx + 1, text: line, body });
  });
  return scenarios;
}

// ── values ──────────────────────────────────────────────────────────────────────────
const strv = (bytes) => ({ kind: 'str', bytes });
const listv = (items) => ({ kind: 'list', items });
const fromText = (s) => strv(enc.encode(s));

function eq(a, b) {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'str') {
    if (a.bytes.length !== b.bytes.length) return false;
    for (let i = 0; i < a.bytes.length; i++) if (a.bytes[i] !== b.bytes[i]) return false;
    return true;
  }
  return a.items.length === b.items.length && a.items.every((x, k) => eq(x, b.items[k]));
}
function render(v) {
  const pre = v.key ? `${v.key}=` : '';
  if (v.kind === 'list') return `${pre}[${v.items.map(render).join(',')}]`;
  if (v.bare) return pre + v.text;
  let s = '';
  const lim = v.bytes.length > 80 ? 60 : v.bytes.length;
  for (let i = 0; i < lim; i++) {
    const c = v.bytes[i];
    if (c === 34 || c === 92) s += `\\${String.fromCharCode(c)}`;
    else if (c < 0x20 || c === 0x7f) s += `\\x${c.toString(16).padStart(2, '0')}`;
    else s += String.fromCharCode(c);
  }
  return `${pre}"${s}"${lim < v.bytes.length ? `...(${v.bytes.length} bytes)` : ''}`;
}

// UTF-8 bytes → JS string. The encoded-surrogate form ED A0..BF xx becomes a lone
// surrogate; any other ill-formed input cannot be expressed (returns null).
function bytesToString(b) {
  let s = '';
  for (let i = 0; i < b.length;) {
    const c = b[i];
    let cp; let len;
    if (c < 0x80) { cp = c; len = 1; }
    else if (c >= 0xc2 && c < 0xe0) { cp = c & 0x1f; len = 2; }
    else if (c >= 0xe0 && c < 0xf0) { cp = c & 0x0f; len = 3; }
    else if (c >= 0xf0 && c < 0xf5) { cp = c & 0x07; len = 4; }
    else return null;
    if (i + len > b.length) return null;
    for (let k = 1; k < len; k++) {
      if ((b[i + k] & 0xc0) !== 0x80) return null;
      cp = (cp << 6) | (b[i + k] & 0x3f);
    }
    if ((len === 3 && cp < 0x800) || (len === 4 && (cp < 0x10000 || cp > 0x10ffff))) return null;
    s += String.fromCharCode(...(cp >= 0x10000 ? [0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff)] : [cp]));
    i += len;
  }
  return s;
}

class Skip extends Error {}
class Fail extends Error {}

const getInt = (v) => {
  if (!v || v.kind !== 'str' || !v.bare) return undefined;
  if (v.text === 'unlimited') return Infinity;
  if (!/^-?\d+$/.test(v.text)) return undefined;
  return Number(v.text);
};
const isErrName = (v) => v && !v.key && v.kind === 'str' && v.bare && /^E[A-Z]+$/.test(v.text);
const isOk = (exp) => exp.length === 0 || (exp.length === 1 && exp[0].bare && !exp[0].key && exp[0].text === 'ok');

function pathArg(v) {
  if (!v || v.kind !== 'str') throw new Fail('missing path argument');
  const s = bytesToString(v.bytes);
  if (s === null) throw new Skip('path not expressible in JS');
  return s;
}
const timeoutOf = (kw) => {
  if (!('timeout' in kw)) return undefined;
  const t = getInt(kw.timeout);
  return t === -1 ? Infinity : t;
};

// Test hooks: optional; the JS layer exposes them only in test builds (SPEC §3).
function hooks(fs) {
  const h = fs && (fs[Symbol.for('dmemfs.testHooks')] || fs._testHooks);
  return h && typeof h === 'object' ? h : null;
}

// ── execution ───────────────────────────────────────────────────────────────────────
async function runScenario(build, sc) {
  const failures = [];
  let skipped = 0;
  const cfg = { build };
  let clockValue = 1000000;
  let fs = null;
  const handles = new Map();
  const iters = new Map();
  let skipNext = false;

  const ensure = async () => {
    if (!fs) fs = await MemoryFileSystem.create({ ...cfg, clock: () => clockValue });
    return fs;
  };

  function checkError(e, exp) {
    const first = exp[0];
    if (isErrName(first)) {
      if (!e || typeof e.code !== 'string') throw new Fail(`expected ${first.text}, got ${e ? `${e.name}: ${e.message}` : 'success'}`);
      if (e.code !== first.text) throw new Fail(`expected ${first.text}, got ${e.code} (${e.message})`);
      for (const kv of exp.slice(1)) {
        if (kv.key === 'kind') {
          const k = e instanceof NodeLimitExceededError ? 'nodes' : e instanceof QuotaExceededError ? 'bytes' : 'none';
          if (k !== kv.text) throw new Fail(`expected kind=${kv.text}, got kind=${k}`);
          continue;
        }
        const want = getInt(kv);
        if (e[kv.key] !== want) throw new Fail(`expected ${first.text} ${kv.key}=${want}, got ${kv.key}=${e[kv.key]}`);
      }
      return false;
    }
    if (e) {
      const what = e.code || `${e.name}: ${e.message}`;
      throw new Fail(`expected ${exp.length ? exp.map(render).join(' ') : 'success'}, got ${what}`);
    }
    return true;
  }
  async function call(exp, fn) {
    let res; let err = null;
    try { res = await fn(); } catch (e) { err = e; }
    if (!checkError(err, exp)) return { ok: false };
    return { ok: true, res };
  }
  const expectInt = (got, exp) => {
    if (isOk(exp)) return;
    const want = getInt(exp[0]);
    if (exp.length !== 1 || want === undefined) throw new Fail('expected value must be one integer');
    if (got !== want) throw new Fail(`expected ${want}, got ${got}`);
  };
  const expectVal = (got, exp) => {
    if (isOk(exp)) return;
    if (exp.length !== 1) throw new Fail('expected exactly one value');
    if (!eq(got, exp[0])) throw new Fail(`expected ${render(exp[0])}, got ${render(got)}`);
  };
  const expectBool = (got, exp) => {
    if (isOk(exp)) return;
    const t = exp[0].text;
    if (t !== 'true' && t !== 'false') throw new Fail('expected true or false');
    if (got !== (t === 'true')) throw new Fail(`expected ${t}, got ${got}`);
  };
  const expectFields = (obj, exp) => {
    if (isOk(exp)) return;
    for (const kv of exp) {
      if (!kv.key || !(kv.key in obj)) throw new Fail(`unknown field ${kv.key}`);
      const want = getInt(kv);
      if (obj[kv.key] !== want) throw new Fail(`expected ${kv.key}=${want}, got ${kv.key}=${obj[kv.key]}`);
    }
  };

  async function op(args, exp) {
    const name = args[0].text;
    const pos = args.slice(1).filter((a) => !a.key);
    const kw = Object.fromEntries(args.filter((a) => a.key).map((a) => [a.key, a]));
    if (name === 'config') {
      if (fs) throw new Fail('config after the first operation');
      for (const a of args.slice(1)) {
        const v = getInt(a);
        switch (a.key) {
          case 'quota': cfg.maxQuota = v; break;
          case 'nodes': cfg.maxNodes = v; break;
          case 'storage': cfg.defaultStorage = a.text; break;
          case 'overhead': cfg.chunkOverhead = v; break;
          case 'promotion': cfg.promotionHardLimit = v; break;
          case 'locktimeout': cfg.defaultLockTimeout = v === -1 ? Infinity : v; break;
          case 'clock': clockValue = v; break;
          default: throw new Fail(`unknown config key ${a.key}`);
        }
      }
      return;
    }
    if (name === 'create' || name === 'fsize' || name === 'info') throw new Skip(`${name} is C-only`);
    if (name === 'failalloc') {
      const h = hooks(await ensure());
      if (!h || typeof h.failAlloc !== 'function') { skipNext = true; throw new Skip('no failAlloc hook'); }
      h.failAlloc(getInt(pos[0]));
      return;
    }
    const f = await ensure();
    if (name === 'clock') { clockValue = getInt(pos[0]); return; }
    if (name === 'check') {
      const h = hooks(f);
      if (!h || typeof h.check !== 'function') throw new Skip('no check hook');
      const rc = await h.check();
      if (rc !== 0 && rc !== undefined && rc !== true) throw new Fail(`invariant check failed: ${rc}`);
      return;
    }
    const handleOps = ['read', 'readinto', 'write', 'seek', 'tell', 'truncate', 'flush', 'close'];
    if (name === 'open') {
      const hname = pos[0].text;
      const opts = {};
      if (kw.prealloc) opts.preallocate = getInt(kw.prealloc);
      const t = timeoutOf(kw);
      if (t !== undefined) opts.lockTimeout = t;
      const mode = bytesToString(pos[2].bytes);
      const r = await call(exp, () => f.open(pathArg(pos[1]), mode, opts));
      if (r.ok) { handles.set(hname, r.res); expectInt(0, isOk(exp) ? [] : exp); }
      return;
    }
    if (handleOps.includes(name)) {
      const h = handles.get(pos[0].text);
      if (!h) {
        // never opened successfully: behave like the C runner (closed handle)
        if (name === 'close') return;
        checkError({ code: 'EBADF' }, exp);
        return;
      }
      switch (name) {
        case 'read': {
          const nArg = pos.length > 1 ? getInt(pos[1]) : undefined;
          const r = await call(exp, () => (nArg === undefined ? h.read() : h.read(nArg)));
          if (r.ok) expectVal(strv(r.res), exp);
          return;
        }
        case 'readinto': {
          const buf = new Uint8Array(getInt(pos[1]));
          const r = await call(exp, () => h.readInto(buf));
          if (r.ok && !isOk(exp)) {
            if (exp.length !== 2) throw new Fail('usage: readinto H N -> COUNT DATA');
            if (r.res !== getInt(exp[0])) throw new Fail(`expected count ${getInt(exp[0])}, got ${r.res}`);
            expectVal(strv(buf.slice(0, r.res)), [exp[1]]);
          }
          return;
        }
        case 'write': {
          const r = await call(exp, () => h.write(pos[1].bytes.slice()));
          if (r.ok) expectInt(r.res, exp);
          return;
        }
        case 'seek': {
          const off = getInt(pos[1]);
          const wh = pos.length > 2 ? getInt(pos[2]) : 0;
          const r = await call(exp, () => h.seek(off, wh));
          if (r.ok) expectInt(r.res, exp);
          return;
        }
        case 'tell': { const r = await call(exp, () => h.tell()); if (r.ok) expectInt(r.res, exp); return; }
        case 'truncate': {
          const r = await call(exp, () => (pos.length > 1 ? h.truncate(getInt(pos[1])) : h.truncate()));
          if (r.ok) expectInt(r.res, exp);
          return;
        }
        case 'flush': await call(exp, () => h.flush()); return;
        case 'close': await call(exp, () => h.close()); return;
        default: break;
      }
    }
    const t = timeoutOf(kw);
    const lt = t === undefined ? {} : { lockTimeout: t };
    switch (name) {
      case 'mkdir': {
        const opts = kw.existok ? { existOk: getInt(kw.existok) !== 0 } : {};
        await call(exp, () => f.mkdir(pathArg(pos[0]), opts));
        return;
      }
      case 'rename': case 'move': case 'copy': case 'copytree': {
        const m = { rename: 'rename', move: 'move', copy: 'copy', copytree: 'copyTree' }[name];
        const a = pathArg(pos[0]); const b = pathArg(pos[1]);
        await call(exp, () => (name.startsWith('copy') ? f[m](a, b, lt) : f[m](a, b)));
        return;
      }
      case 'remove': case 'rmtree': { const p = pathArg(pos[0]); await call(exp, () => f[name](p)); return; }
      case 'exists': case 'isdir': case 'isfile': {
        const m = { exists: 'exists', isdir: 'isDir', isfile: 'isFile' }[name];
        const p = pathArg(pos[0]);
        const r = await call(exp, () => f[m](p));
        if (r.ok) expectBool(r.res, exp);
        return;
      }
      case 'listdir': case 'glob': {
        const p = pathArg(pos[0]);
        const r = await call(exp, () => f[name](p));
        if (r.ok) expectVal(listv(r.res.map(fromText)), exp);
        return;
      }
      case 'stat': {
        const p = pathArg(pos[0]);
        const r = await call(exp, () => f.stat(p));
        if (r.ok) {
          const s = r.res;
          expectFields({ size: s.size, generation: s.generation, isdir: s.isDir ? 1 : 0, created: s.createdAt, modified: s.modifiedAt }, exp);
        }
        return;
      }
      case 'stats': {
        const r = await call(exp, () => f.stats());
        if (r.ok) {
          const s = r.res;
          expectFields({ used: s.usedBytes, quota: s.quotaBytes, free: s.freeBytes, files: s.fileCount, dirs: s.dirCount, chunks: s.chunkCount, overhead: s.overheadPerChunk }, exp);
        }
        return;
      }
      case 'getsize': {
        const p = pathArg(pos[0]);
        const r = await call(exp, () => f.getSize(p));
        if (r.ok) expectInt(r.res, exp);
        return;
      }
      case 'readfile': {
        const p = pathArg(pos[0]);
        const opts = { ...lt };
        if (kw.max) opts.maxSize = getInt(kw.max) < 0 ? Infinity : getInt(kw.max);
        const r = await call(exp, () => f.readFile(p, opts));
        if (r.ok) expectVal(strv(r.res), exp);
        return;
      }
      case 'writefile': {
        const p = pathArg(pos[0]);
        await call(exp, () => f.writeFile(p, pos[1].bytes.slice(), lt));
        return;
      }
      case 'import': {
        const entries = pos[0].items.map((pr) => [pathArg(pr.items[0]), pr.items[1].bytes.slice()]);
        await call(exp, () => f.importTree(entries));
        return;
      }
      case 'export': {
        const opts = { ...lt };
        if (kw.prefix) opts.prefix = pathArg(kw.prefix);
        if (kw.dirty) opts.onlyDirty = getInt(kw.dirty) !== 0;
        const r = await call(exp, () => f.exportTree(opts));
        if (r.ok) expectVal(listv([...r.res].map(([k, v]) => listv([fromText(k), strv(v)]))), exp);
        return;
      }
      case 'iexport': case 'iwalk': {
        const iname = pos[0].text;
        if (name === 'iexport') {
          const opts = { ...lt };
          if (kw.prefix) opts.prefix = pathArg(kw.prefix);
          if (kw.dirty) opts.onlyDirty = getInt(kw.dirty) !== 0;
          const r = await call(exp, () => ({ it: f.iterExportTree(opts), kind: 'export' }));
          if (r.ok) iters.set(iname, r.res);
        } else {
          const p = pathArg(pos[1]);
          const r = await call(exp, () => ({ it: f.walk(p), kind: 'walk' }));
          if (r.ok) iters.set(iname, r.res);
        }
        return;
      }
      case 'inext': {
        const e = iters.get(pos[0].text);
        if (!e) throw new Fail('unknown iterator');
        const r = await call(exp, () => e.it.next());
        if (!r.ok) return;
        let v;
        if (r.res.done) v = { kind: 'str', bytes: enc.encode('end'), bare: true, text: 'end' };
        else if (e.kind === 'export') v = listv([fromText(r.res.value[0]), strv(r.res.value[1])]);
        else {
          const [d, ds, fl] = r.res.value;
          v = listv([fromText(d), listv(ds.map(fromText)), listv(fl.map(fromText))]);
        }
        expectVal(v, exp);
        return;
      }
      case 'iclose': {
        const e = iters.get(pos[0].text);
        if (!e) throw new Fail('unknown iterator');
        iters.delete(pos[0].text);
        if (typeof e.it.return === 'function') await e.it.return();
        return;
      }
      case 'walk': {
        const p = pathArg(pos[0]);
        const r = await call(exp, async () => {
          const out = [];
          for await (const [d, ds, fl] of f.walk(p)) out.push(listv([fromText(d), listv(ds.map(fromText)), listv(fl.map(fromText))]));
          return out;
        });
        if (r.ok) expectVal(listv(r.res), exp);
        return;
      }
      default: throw new Fail(`unknown operation '${name}'`);
    }
  }

  try {
    for (const o of sc.ops) {
      if (skipNext) { skipNext = false; skipped++; continue; }
      let parsed;
      try {
        parsed = parseLine(o.body);
      } catch (e) {
        failures.push(`${sc.file}:${o.lineno}: ${o.text}\n    parse error: ${e.message}`);
        continue;
      }
      try {
        await op(parsed.args, parsed.exp);
      } catch (e) {
        if (e instanceof Skip) { skipped++; continue; }
        const msg = e instanceof Fail ? e.message : `runner error: ${e && e.stack}`;
        failures.push(`${sc.file}:${o.lineno}: ${o.text}\n    ${msg}`);
      }
    }
    if (fs) {
      const h = hooks(fs);
      if (h && typeof h.check === 'function') {
        const rc = await h.check();
        if (rc !== 0 && rc !== undefined && rc !== true) failures.push(`${sc.file}:${sc.line}: invariant check after the scenario failed: ${rc}`);
      }
    }
  } finally {
    for (const e of iters.values()) { try { await e.it.return?.(); } catch { /* ended */ } }
    for (const h of handles.values()) { try { await h.close(); } catch { /* closed already */ } }
    if (fs) await fs.close();
  }
  return { failures, skipped };
}

const files = readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.txt')).sort();
const all = files.flatMap((f) => parseFile(path.join(SCENARIO_DIR, f)))
  .filter((s) => !SELECT || s.name.includes(SELECT));

for (const build of BUILDS) {
  const tally = { passed: 0, failed: 0, skippedLines: 0 };
  describe(`conformance [${build}]`, () => {
    for (const sc of all) {
      test(sc.name, async () => {
        const { failures, skipped } = await runScenario(build, sc);
        tally.skippedLines += skipped;
        if (failures.length) { tally.failed++; assert.fail(`\n${failures.join('\n')}`); }
        tally.passed++;
      });
    }
    after(() => {
      console.log(`[${build}] ${tally.passed} passed, ${tally.failed} failed (${tally.skippedLines} lines skipped)`);
    });
  });
}
