// Shared pieces of tests/js/model-workers.test.mjs: one op format (plain, structured-
// cloneable data) executed on a library instance (main thread or attached worker) and on
// the model of tests/js/_model.mjs. Run as a worker (workerData.role 'dmemfs-model-worker')
// it attaches to workerData.d and executes the ops it is sent, one at a time.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { MemoryFileSystem } from '../../js/index.mjs';
import { ModelError } from './_model.mjs';

export function rng(seed) { // mulberry32, as in model-random.test.mjs
  let a = seed >>> 0;
  return () => { a = (a + 0x6D2B79F5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

export function norm(v) {
  if (v instanceof Uint8Array) return { bytes: Array.from(v) };
  if (v instanceof Map) return { map: [...v].map(([k, x]) => [k, Array.from(x)]) };
  return v === undefined ? null : v;
}

// Same shape as errShape in model-random.test.mjs; a non-library error becomes {weird}.
export function errShape(e, lib) {
  if (!(e instanceof Error) && !(e instanceof ModelError)) return { weird: String(e) };
  if (lib && typeof e.code !== 'string') return { weird: `${e.name}: ${e.message}` };
  const s = { code: e.code };
  if (e.code === 'ENOSPC') {
    s.requested = e.requested; s.available = e.available;
    if (lib) s.nodeLimit = e.constructor.name === 'NodeLimitExceededError';
    else s.nodeLimit = !!e.nodeLimit;
    if (s.nodeLimit) { s.current = e.current; s.limit = e.limit; }
  }
  return s;
}

// ── the model side of operations _model.mjs has no method for ───────────────────────
function modelIsDir(m, p) { try { const n = m.lookup(p); return !!n && n.dir; } catch { return false; } }
function modelIsFile(m, p) { try { const n = m.lookup(p); return !!n && !n.dir; } catch { return false; } }
// §7.8: [dirpath, dirnames, filenames], pre-order, insertion order.
function modelWalk(m, p) {
  const n = m.resolve(p);
  if (!n.dir) throw new ModelError('ENOTDIR');
  const out = [];
  const visit = (d, path) => {
    const dirs = [], files = [];
    for (const [name, c] of d.children) (c.dir ? dirs : files).push(name);
    out.push([path, dirs, files]);
    for (const name of dirs) visit(d.children.get(name), path === '/' ? `/${name}` : `${path}/${name}`);
  };
  visit(n, p);
  return out;
}

/**
 * Runs op on the model; handles: id → model handle. Returns {ok} or {err} (errShape),
 * the value normalized like the library side's.
 */
export function runModel(m, handles, op) {
  let v;
  try {
    const h = handles.get(op.h);
    switch (op.k) {
      case 'open': handles.set(op.h, m.open(op.p, op.mode, op.pre)); v = 'handle'; break;
      case 'write': v = m.write(h, op.b); break;
      case 'read': v = m.read(h, op.n); break;
      case 'seek': v = m.seek(h, op.o, op.w); break;
      case 'tell': v = m.tell(h); break;
      case 'truncate': v = m.truncate(h, op.s); break;
      case 'close': m.close(h); handles.delete(op.h); break;
      case 'mkdir': m.mkdir(op.p, op.ok); break;
      case 'rename': m.rename(op.p, op.q); break;
      case 'move': m.rename(op.p, op.q, true); break;
      case 'remove': m.remove(op.p); break;
      case 'rmtree': m.rmtree(op.p); break;
      case 'copy': m.copy(op.p, op.q); break;
      case 'copyTree': m.copyTree(op.p, op.q); break;
      case 'importTree': m.importTree(op.es.map(([k, b]) => [k === '../x' ? null : k, b])); break;
      case 'exportTree': v = m.exportTree(op.p, op.d); break;
      case 'writeFile': m.writeFile(op.p, op.b); break;
      case 'readFile': v = m.readFile(op.p); break;
      case 'listdir': v = m.listdir(op.p); break;
      case 'stat': v = m.stat(op.p); break;
      case 'getSize': v = m.getSize(op.p); break;
      case 'exists': v = m.exists(op.p); break;
      case 'isDir': v = modelIsDir(m, op.p); break;
      case 'isFile': v = modelIsFile(m, op.p); break;
      case 'glob': v = m.glob(op.g); break;
      case 'walk': v = modelWalk(m, op.p); break;
      case 'stats': v = m.stats(); break;
      case 'check': v = 0; break;
      default: throw new Error(`unknown op ${op.k}`);
    }
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    return { err: errShape(e, false) };
  }
  return { ok: norm(v) };
}

/** Runs op on the library instance fs; handles: id → FileHandle of this thread. */
export async function runLib(fs, handles, op) {
  let v;
  try {
    const h = handles.get(op.h);
    if (op.h !== undefined && op.k !== 'open' && !h) throw new Error(`no handle #${op.h} in this thread`);
    switch (op.k) {
      case 'open': handles.set(op.h, await fs.open(op.p, op.mode, { preallocate: op.pre, lockTimeout: 0 })); v = 'handle'; break;
      case 'write': v = await h.write(op.b); break;
      case 'read': v = await h.read(op.n); break;
      case 'seek': v = await h.seek(op.o, op.w); break;
      case 'tell': v = await h.tell(); break;
      case 'truncate': v = await (op.s === undefined ? h.truncate() : h.truncate(op.s)); break;
      case 'close': await h.close(); handles.delete(op.h); break;
      case 'mkdir': await fs.mkdir(op.p, { existOk: op.ok }); break;
      case 'rename': await fs.rename(op.p, op.q); break;
      case 'move': await fs.move(op.p, op.q); break;
      case 'remove': await fs.remove(op.p); break;
      case 'rmtree': await fs.rmtree(op.p); break;
      case 'copy': await fs.copy(op.p, op.q, { lockTimeout: 0 }); break;
      case 'copyTree': await fs.copyTree(op.p, op.q, { lockTimeout: 0 }); break;
      case 'importTree': await fs.importTree(op.es); break;
      case 'exportTree': v = await fs.exportTree({ prefix: op.p, onlyDirty: op.d, lockTimeout: 0 }); break;
      case 'writeFile': await fs.writeFile(op.p, op.b, { lockTimeout: 0 }); break;
      case 'readFile': v = await fs.readFile(op.p, { lockTimeout: 0 }); break;
      case 'listdir': v = await fs.listdir(op.p); break;
      case 'stat': { const s = await fs.stat(op.p); v = { size: s.size, generation: s.generation, isDir: s.isDir }; break; }
      case 'getSize': v = await fs.getSize(op.p); break;
      case 'exists': v = await fs.exists(op.p); break;
      case 'isDir': v = await fs.isDir(op.p); break;
      case 'isFile': v = await fs.isFile(op.p); break;
      case 'glob': v = await fs.glob(op.g); break;
      case 'walk': v = []; for await (const e of fs.walk(op.p)) v.push(e); break;
      case 'stats': v = await fs.stats(); break;
      case 'check': v = fs._x.dmfsw_debug_check(fs._id); break; // test hooks: 0 = §1 invariants hold
      default: throw new Error(`unknown op ${op.k}`);
    }
  } catch (e) {
    return { err: errShape(e, true) };
  }
  return { ok: norm(v) };
}

// ── worker side ─────────────────────────────────────────────────────────────────────
// Messages: {id, op} → {id, res}; op.k 'reattach' closes the instance (detach: its handles
// close but stay in the table, so later ops on them must give EBADF) and attaches again;
// 'detach' closes it. Both reply {ok: null}.
if (!isMainThread && workerData && workerData.role === 'dmemfs-model-worker') {
  let fs = await MemoryFileSystem.attach(workerData.d);
  const handles = new Map();
  let queue = Promise.resolve();
  parentPort.on('message', ({ id, op }) => {
    queue = queue.then(async () => {
      let res;
      try {
        if (op.k === 'reattach' || op.k === 'detach') {
          await fs.close();
          if (op.k === 'reattach') fs = await MemoryFileSystem.attach(workerData.d);
          res = { ok: null };
        } else res = await runLib(fs, handles, op);
      } catch (e) {
        res = { err: { weird: `${e && e.name}: ${e && e.message}` } };
      }
      parentPort.postMessage({ id, res });
      if (op.k === 'detach') parentPort.close();
    });
  });
  parentPort.postMessage({ ready: true });
}
