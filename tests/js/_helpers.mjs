// Shared helpers for the JS API suites (tests/js/api-*.test.mjs).
// Expected values in the suites come from SPEC.md; these helpers only check shapes.
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  MemoryFileSystem, FileHandle, TextHandle, DMemFSError, QuotaExceededError,
  NodeLimitExceededError, constants, version,
} from '../../js/index.mjs';

export {
  MemoryFileSystem, FileHandle, TextHandle, DMemFSError, QuotaExceededError,
  NodeLimitExceededError, constants, version, assert,
};

export const BUILDS = (process.env.DMEMFS_TEST_BUILDS || 'threads,single').split(',');
export const MAX_SAFE = Number.MAX_SAFE_INTEGER;

// SPEC §4.1, written literally (never taken from the implementation).
export const ERRNO = {
  OK: 0, ENOENT: -2, EBADF: -9, EAGAIN: -11, ENOMEM: -12, EBUSY: -16, EEXIST: -17,
  ENOTDIR: -20, EISDIR: -21, EINVAL: -22, EFBIG: -27, ENOSPC: -28, ENAMETOOLONG: -36,
  ENOTEMPTY: -39, ENOTSUP: -95, EDQUOT: -122,
};
export const DESCRIPTION = {
  OK: 'success', ENOENT: 'no such file or directory', EBADF: 'bad file descriptor',
  EAGAIN: 'resource temporarily unavailable', ENOMEM: 'not enough memory',
  EBUSY: 'resource busy or locked', EEXIST: 'file already exists',
  ENOTDIR: 'not a directory', EISDIR: 'illegal operation on a directory',
  EINVAL: 'invalid argument', EFBIG: 'file too large', ENOSPC: 'no space left on device',
  ENAMETOOLONG: 'name too long', ENOTEMPTY: 'directory not empty (reserved, never returned)',
  ENOTSUP: 'operation not supported', EDQUOT: 'disk quota exceeded (reserved, never returned)',
};
// §4.1's table appends "(reserved, never returned)" as a remark; the description proper:
DESCRIPTION.ENOTEMPTY = 'directory not empty';
DESCRIPTION.EDQUOT = 'disk quota exceeded';

/** One describe() per build; fn(build) registers the tests. */
export function forEachBuild(name, fn) {
  for (const build of BUILDS) {
    describe(`${name} [${build}]`, () => fn(build));
  }
}

/** Creates a filesystem on `build`, runs fn(fs), always closes it. */
export async function withFs(build, options, fn) {
  if (typeof options === 'function') { fn = options; options = {}; }
  const fs = await MemoryFileSystem.create({ ...options, build });
  try {
    return await fn(fs);
  } finally {
    await fs.close();
  }
}

async function settle(promiseOrFn) {
  let p = promiseOrFn;
  if (typeof p === 'function') {
    try { p = p(); } catch (e) { return { threw: true, sync: true, error: e }; }
  }
  if (!p || typeof p.then !== 'function') return { threw: false, value: p };
  try {
    const value = await p;
    return { threw: false, value };
  } catch (e) {
    return { threw: true, error: e };
  }
}

const PAIR_SYSCALLS = new Set(['rename', 'move', 'copy', 'copyTree']);

/**
 * Awaits `promise` (or calls a function, for synchronous throws) and checks the
 * DMemFSError field by field. Keys present in `exp` are checked; `path: undefined` /
 * `dest: undefined` mean "absent". Returns the error.
 */
export async function assertDMemFSError(promise, exp) {
  const r = await settle(promise);
  assert.ok(r.threw, `expected ${exp.code}, but it resolved to ${fmt(r.value)}`);
  const e = r.error;
  assert.ok(e instanceof DMemFSError,
    `expected DMemFSError ${exp.code}, got ${e && e.constructor && e.constructor.name}: ${e && e.message}`);
  assert.ok(e instanceof Error);
  assert.equal(e.code, exp.code, `code (message: ${e.message})`);
  assert.equal(e.errno, ERRNO[exp.code], `errno of ${exp.code} (§4.1)`);
  assert.equal(e.errno, constants[exp.code], 'errno equals constants[code]');
  if (exp.errno !== undefined) assert.equal(e.errno, exp.errno);
  const isNodes = exp.current !== undefined || exp.limit !== undefined || exp.kind === 'nodes';
  const isBytes = !isNodes && (exp.requested !== undefined || exp.available !== undefined || exp.kind === 'bytes');
  if (exp.code === 'ENOSPC' && isNodes) {
    assert.ok(e instanceof NodeLimitExceededError, `NodeLimitExceededError expected, got ${e.constructor.name}`);
    assert.ok(e instanceof QuotaExceededError);
    assert.ok(['NodeLimitExceededError', 'DMemFSError'].includes(e.name), `name ${e.name}`);
  } else if (exp.code === 'ENOSPC' && isBytes) {
    assert.ok(e instanceof QuotaExceededError, `QuotaExceededError expected, got ${e.constructor.name}`);
    assert.ok(!(e instanceof NodeLimitExceededError), 'byte quota error must not be a NodeLimitExceededError');
    assert.ok(['QuotaExceededError', 'DMemFSError'].includes(e.name), `name ${e.name}`);
  } else if (exp.code !== 'ENOSPC') {
    assert.ok(!(e instanceof QuotaExceededError), `${exp.code} must not be a QuotaExceededError`);
    assert.equal(e.name, 'DMemFSError');
  }
  for (const k of ['requested', 'available', 'current', 'limit']) {
    if (exp[k] !== undefined) assert.equal(e[k], exp[k], `${k} (message: ${e.message})`);
  }
  if (exp.syscall !== undefined) assert.equal(e.syscall, exp.syscall, 'syscall');
  if ('path' in exp) assert.equal(e.path, exp.path, 'path');
  if ('dest' in exp) assert.equal(e.dest, exp.dest, 'dest');
  else if (typeof e.syscall === 'string' && !PAIR_SYSCALLS.has(e.syscall)) {
    assert.equal(e.dest, undefined, `dest must be absent for ${e.syscall}`);
  }
  // §4.3 message format, built from the error's own fields.
  assert.equal(typeof e.message, 'string');
  assert.ok(e.message.startsWith(`${exp.code}: ${DESCRIPTION[exp.code]}`),
    `message must start with "${exp.code}: ${DESCRIPTION[exp.code]}": ${e.message}`);
  if (typeof e.syscall === 'string') {
    const tail = `, ${e.syscall}` + (e.path !== undefined ? ` '${e.path}'` : '') +
      (e.dest !== undefined ? ` -> '${e.dest}'` : '');
    assert.ok(e.message.endsWith(tail), `message must end with "${tail}": ${e.message}`);
  }
  if (exp.code === 'ENOSPC' && isBytes && exp.requested !== undefined && exp.available !== undefined) {
    assert.ok(e.message.includes(`(quota exceeded: requested ${exp.requested} bytes, available ${exp.available})`),
      `exact quota detail: ${e.message}`);
  }
  if (exp.code === 'ENOSPC' && isNodes && exp.current !== undefined && exp.limit !== undefined) {
    assert.ok(e.message.includes(`(node limit exceeded: current ${exp.current}, limit ${exp.limit})`),
      `exact node detail: ${e.message}`);
  }
  if (exp.messageIncludes !== undefined) {
    for (const s of [].concat(exp.messageIncludes)) assert.ok(e.message.includes(s), `message includes ${s}: ${e.message}`);
  }
  if (exp.message !== undefined) assert.equal(e.message, exp.message);
  return e;
}

function assertArgError(r, Ctor, code, label) {
  assert.ok(r.threw, `expected ${Ctor.name} ${code || ''}, but it resolved to ${fmt(r.value)}`);
  const e = r.error;
  assert.ok(e instanceof Ctor, `expected ${Ctor.name}${code ? ' ' + code : ''}, got ${e && e.constructor && e.constructor.name}: ${e && e.message} (${e && e.code})`);
  assert.ok(!(e instanceof DMemFSError), `${label}: argument errors are not DMemFSErrors`);
  if (code !== undefined) assert.equal(e.code, code, `${label}: code (message: ${e.message})`);
  return e;
}

/** Rejection (or, for a function, throw/rejection) with TypeError and optional `.code`. */
export async function assertTypeError(promise, code) {
  return assertArgError(await settle(promise), TypeError, code, 'TypeError');
}

/** RangeError, `.code` defaulting to ERR_OUT_OF_RANGE (§2.1). */
export async function assertRangeError(promise, code = 'ERR_OUT_OF_RANGE') {
  return assertArgError(await settle(promise), RangeError, code, 'RangeError');
}

/** Asserts a call rejects (never throws synchronously): returns the promise. */
export function asyncCall(fn) {
  let p;
  try { p = fn(); } catch (e) {
    assert.fail(`method threw synchronously instead of rejecting: ${e && e.constructor && e.constructor.name}: ${e && e.message}`);
  }
  assert.ok(p && typeof p.then === 'function', 'method must return a promise');
  return p;
}

function fmt(v) {
  try { return v instanceof Uint8Array ? `Uint8Array(${v.length})` : JSON.stringify(v); } catch { return String(v); }
}

const enc = new TextEncoder();
const dec = new TextDecoder();
export const bytes = (s) => enc.encode(s);
export const text = (u8) => dec.decode(u8);
export const filled = (n, v = 0x61) => new Uint8Array(n).fill(v);

/** Creates/replaces `path` with `data` (string or bytes) through open('wb') + write. */
export async function put(fs, path, data, opts) {
  const h = await fs.open(path, 'wb', opts);
  try {
    const u8 = typeof data === 'string' ? bytes(data) : data;
    if (u8.length) await h.write(u8);
  } finally {
    await h.close();
  }
}

/** Whole content as a string through readFile. */
export async function get(fs, path) {
  return text(await fs.readFile(path));
}

/** Used bytes from stats(). */
export async function used(fs) {
  return (await fs.stats()).usedBytes;
}

/**
 * A full observable snapshot: stats(), every node (walk order) with stat(), and every
 * file's content. Used to prove that failed calls leave no trace (§1 invariant 6).
 */
export async function snapshot(fs) {
  const nodes = [];
  for await (const [dir, dirs, files] of fs.walk('/')) {
    nodes.push([dir, 'dir', await fs.stat(dir)]);
    for (const f of files) {
      const p = dir === '/' ? `/${f}` : `${dir}/${f}`;
      const st = await fs.stat(p);
      nodes.push([p, 'file', st, Array.from(await fs.readFile(p, { lockTimeout: 0 }).catch(() => new Uint8Array([255, 255, 255])))]);
    }
    void dirs;
  }
  return { stats: await fs.stats(), nodes };
}

/** Runs fn, then asserts the snapshot is unchanged. */
export async function assertUnchanged(fs, fn) {
  const before = await snapshot(fs);
  await fn();
  const after = await snapshot(fs);
  assert.deepEqual(after, before, 'a failed call must leave no trace');
}

/** Controllable clock for MemoryFileSystem.create({clock}). */
export function fakeClock(start = 1000000) {
  const c = { now: start, calls: 0 };
  c.fn = () => { c.calls++; return c.now; };
  return c;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resolves to 'pending' if p has not settled after `ms` (macrotask turns). */
export async function stateAfter(p, ms = 20) {
  let state = 'pending';
  p.then(() => { state = 'resolved'; }, () => { state = 'rejected'; });
  await sleep(ms);
  return state;
}
