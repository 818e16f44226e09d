// Cross-product sweep: every public method × every bad value class that applies (SPEC §2.1
// check order, §2.2, §4.3, §10). Each case must reject (methods) or throw (constructors) with
// the SPEC error and leave the filesystem exactly as it was (stats, export, listing, stat).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MemoryFileSystem, FileHandle, TextHandle, DMemFSError, NodeLimitExceededError,
} from '../../js/index.mjs';

const BUILDS = (process.env.DMEMFS_TEST_BUILDS || 'threads,single').split(',');
const B = (s) => new TextEncoder().encode(s);

// Wrong-type classes per expected kind.
const NOT_STRING = [['number', 42], ['object', {}], ['null', null], ['Symbol', Symbol('s')],
  ['BigInt', 1n], ['function', () => '/f'], ['array', ['/f']], ['Buffer', Buffer.from('/f')],
  ['URL', new URL('file:///f')], ['{toString}', { toString: () => '/f' }]];
const NOT_NUMBER = [['string', '1'], ['object', {}], ['null', null], ['Symbol', Symbol('n')],
  ['BigInt', 1n], ['function', () => 1], ['array', [1]]];
const BAD_RANGE = [['NaN', NaN], ['fractional', 1.5], ['2^53', 2 ** 53], ['huge', 1e300],
  ['-Infinity', -Infinity]];
const NOT_BYTES = [['string', 'text'], ['number', 42], ['null', null], ['object', {}],
  ['array', [1, 2]], ['ArrayBuffer', new ArrayBuffer(2)], ['DataView', new DataView(new ArrayBuffer(2))],
  ['Uint16Array', new Uint16Array(2)], ['Int8Array', new Int8Array(2)], ['Symbol', Symbol('b')],
  ['BigInt', 2n], ['function', () => 0]];

async function snapshot(fs) {
  const st = await fs.stats();
  // /h is held open r+b by the fixture: its size and generation come from stat() below.
  const ex = [...(await fs.exportTree({ prefix: '/d', lockTimeout: 0 }))].map(([k, v]) => [k, Array.from(v)]);
  ex.push(['/f', Array.from(await fs.readFile('/f', { lockTimeout: 0 }))]);
  const tree = [];
  for await (const [d, dirs, files] of fs.walk('/')) {
    tree.push([d, dirs, files]);
    for (const n of [...dirs, ...files]) {
      const s = await fs.stat(d === '/' ? '/' + n : d + '/' + n);
      tree.push([n, s.size, s.generation, s.createdAt, s.modifiedAt]);
    }
  }
  return { st, ex, tree };
}

async function expectFailure(call, exp) {
  let p;
  try { p = call(); } catch (e) {
    if (!exp.sync) assert.fail(`threw synchronously instead of rejecting: ${e && e.message}`);
    return check(e, exp);
  }
  if (exp.sync) assert.fail('expected a synchronous throw');
  assert.ok(p && typeof p.then === 'function', 'did not return a promise');
  let r;
  try { r = await p; } catch (e) { return check(e, exp); }
  assert.fail(`resolved to ${String(r)}; expected ${exp.cls.name} ${exp.code}`);
}
function check(e, exp) {
  if (exp.anyOf) { assert.ok(exp.anyOf.some((x) => e instanceof x.cls && (!x.code || e.code === x.code)), `got ${e && e.constructor.name} ${e && e.code}`); return; }
  assert.ok(e instanceof exp.cls, `expected ${exp.cls.name}, got ${e && e.constructor && e.constructor.name}: ${e && e.message}`);
  if (exp.code) assert.equal(e.code, exp.code, `code: ${e.message}`);
}
const TYPE = { cls: TypeError, code: 'ERR_INVALID_ARG_TYPE' };
const VALUE = { cls: TypeError, code: 'ERR_INVALID_ARG_VALUE' };
const RANGE = { cls: RangeError, code: 'ERR_OUT_OF_RANGE' };
const D = (code) => ({ cls: DMemFSError, code });

// Builds the case list against a live fixture: [label, (ctx) => promise, expected].
function cases() {
  const L = [];
  const add = (label, fn, exp) => L.push([label, fn, exp]);
  const pathMethods = [
    ['open', (c, p) => c.fs.open(p, 'rb')], ['mkdir', (c, p) => c.fs.mkdir(p)],
    ['rename src', (c, p) => c.fs.rename(p, '/z')], ['rename dst', (c, p) => c.fs.rename('/f', p)],
    ['move src', (c, p) => c.fs.move(p, '/z')], ['move dst', (c, p) => c.fs.move('/f', p)],
    ['remove', (c, p) => c.fs.remove(p)], ['rmtree', (c, p) => c.fs.rmtree(p)],
    ['listdir', (c, p) => c.fs.listdir(p)], ['exists', (c, p) => c.fs.exists(p)],
    ['isDir', (c, p) => c.fs.isDir(p)], ['isFile', (c, p) => c.fs.isFile(p)],
    ['stat', (c, p) => c.fs.stat(p)], ['getSize', (c, p) => c.fs.getSize(p)],
    ['readFile', (c, p) => c.fs.readFile(p)], ['writeFile', (c, p) => c.fs.writeFile(p, B('x'))],
    ['copy src', (c, p) => c.fs.copy(p, '/z')], ['copy dst', (c, p) => c.fs.copy('/f', p)],
    ['copyTree src', (c, p) => c.fs.copyTree(p, '/z')], ['copyTree dst', (c, p) => c.fs.copyTree('/d', p)],
    ['glob', (c, p) => c.fs.glob(p)],
    ['exportTree prefix', (c, p) => c.fs.exportTree({ prefix: p }), true],
    ['walk', (c, p) => c.fs.walk(p).next(), true],
    ['iterExportTree prefix', (c, p) => c.fs.iterExportTree({ prefix: p }).next(), true],
    ['importTree key', (c, p) => c.fs.importTree(new Map([[p, B('x')]]))],
  ];
  for (const [m, fn, undefOk] of pathMethods) {
    for (const [k, v] of NOT_STRING) add(`${m}(${k})`, (c) => fn(c, v), TYPE);
    if (!undefOk) add(`${m}(undefined)`, (c) => fn(c, undefined), TYPE);
  }
  // Number arguments: [label, call(c, v), negative expectation or null]
  const numArgs = [
    ['open preallocate', (c, v) => c.fs.open('/n', 'wb', { preallocate: v }), D('EINVAL')],
    ['open lockTimeout', (c, v) => c.fs.open('/f', 'rb', { lockTimeout: v }), RANGE],
    ['readFile maxSize', (c, v) => c.fs.readFile('/f', { maxSize: v }), RANGE],
    ['readFile lockTimeout', (c, v) => c.fs.readFile('/f', { lockTimeout: v }), RANGE],
    ['writeFile lockTimeout', (c, v) => c.fs.writeFile('/f', B('zz'), { lockTimeout: v }), RANGE],
    ['copy lockTimeout', (c, v) => c.fs.copy('/f', '/z', { lockTimeout: v }), RANGE],
    ['copyTree lockTimeout', (c, v) => c.fs.copyTree('/d', '/z', { lockTimeout: v }), RANGE],
    ['exportTree lockTimeout', (c, v) => c.fs.exportTree({ lockTimeout: v }), RANGE],
    ['read size', (c, v) => c.h.read(v), null],
    ['seek offset', (c, v) => c.h.seek(v), D('EINVAL')],
    ['seek whence', (c, v) => c.h.seek(0, v), D('EINVAL')],
    ['truncate size', (c, v) => c.h.truncate(v), D('EINVAL')],
    ['text read', (c, v) => c.t.read(v), null],
    ['text readline', (c, v) => c.t.readline(v), null],
  ];
  for (const [m, fn, neg] of numArgs) {
    for (const [k, v] of NOT_NUMBER) add(`${m}=${k}`, (c) => fn(c, v), TYPE);
    const infOk = /lockTimeout|maxSize/.test(m);
    for (const [k, v] of BAD_RANGE) if (!(infOk && v === Infinity)) add(`${m}=${k}`, (c) => fn(c, v), RANGE);
    if (!infOk) add(`${m}=Infinity`, (c) => fn(c, Infinity), RANGE);
    if (neg) add(`${m}=-1`, (c) => fn(c, -1), neg);
  }
  add('seek(-1, 1) at 0', (c) => c.h.seek(-1, 1), D('EINVAL'));
  add('seek(1, 2)', (c) => c.h.seek(1, 2), D('EINVAL'));
  add('preallocate with rb', (c) => c.fs.open('/f', 'rb', { preallocate: 1 }), D('EINVAL'));
  add('preallocate 2^50', (c) => c.fs.open('/n', 'wb', { preallocate: 2 ** 50 }), D('ENOSPC'));
  add('truncate huge', (c) => c.h.truncate(2 ** 50), D('ENOSPC'));
  // Bytes arguments.
  for (const [k, v] of NOT_BYTES) {
    add(`write(${k})`, (c) => c.h.write(v), TYPE);
    add(`readInto(${k})`, (c) => c.h.readInto(v), TYPE);
    add(`writeFile data ${k}`, (c) => c.fs.writeFile('/f', v), TYPE);
    add(`importTree value ${k}`, (c) => c.fs.importTree(new Map([['/i', v]])), TYPE);
  }
  for (const [k, v] of [['string', 'x'], ['null', null], ['number', 1], ['undefined', undefined]]) {
    add(`importTree(${k})`, (c) => c.fs.importTree(v), TYPE);
  }
  add('importTree malformed pair', (c) => c.fs.importTree([['/i']]), TYPE);
  add('importTree bad key after good', (c) => c.fs.importTree([['/i', B('x')], ['../x', B('y')]]), D('EINVAL'));
  // Modes and enumerations.
  for (const mode of ['r', 'w', 'rb+', 'br', 'w+b', 'a+b', 'x+b', 'rt', 'RB', '']) {
    add(`open mode '${mode}'`, (c) => c.fs.open('/f', mode), D('EINVAL'));
  }
  for (const [k, v] of NOT_STRING.filter(([k]) => k !== 'Buffer' && k !== 'URL')) add(`open mode ${k}`, (c) => c.fs.open('/f', v), TYPE);
  add('mkdir existOk string', (c) => c.fs.mkdir('/q', { existOk: 'yes' }), TYPE);
  add('exportTree onlyDirty 1', (c) => c.fs.exportTree({ onlyDirty: 1 }), TYPE);
  add('text write(42)', (c) => c.t.write(42), TYPE);
  add('text write(lone surrogate)', (c) => c.t.write('a\uD800'), VALUE);
  // Order: a type error wins over a closed handle / bad mode.
  add('closed handle write(string)', (c) => c.hc.write('x'), TYPE);
  add('bad mode + negative preallocate', (c) => c.fs.open('/f', 'zz', { preallocate: -1 }), D('EINVAL'));
  // Closed handle: everything but close() → EBADF.
  for (const [m, fn] of [['read', (h) => h.read()], ['readInto', (h) => h.readInto(new Uint8Array(2))],
    ['write', (h) => h.write(B('x'))], ['seek', (h) => h.seek(0)], ['tell', (h) => h.tell()],
    ['truncate', (h) => h.truncate(0)], ['flush', (h) => h.flush()]]) {
    add(`closed handle ${m}`, (c) => fn(c.hc), D('EBADF'));
  }
  add('text over closed handle read', (c) => new TextHandle(c.hc).read(), D('EBADF'));
  add('text over closed handle write', (c) => new TextHandle(c.hc).write('x'), D('EBADF'));
  // Foreign objects (SPEC is silent on the exact error: a TypeError or EBADF, never success).
  const FOREIGN = { anyOf: [{ cls: TypeError }, { cls: DMemFSError, code: 'EBADF' }] };
  for (const [k, mk] of [['plain object', () => ({ path: '/f', mode: 'r+b', closed: false })],
    ['Object.create(FileHandle.prototype)', () => Object.create(FileHandle.prototype)]]) {
    for (const m of ['read', 'readInto', 'write', 'seek', 'tell', 'truncate', 'flush']) {
      const arg = m === 'write' ? B('x') : m === 'readInto' ? new Uint8Array(2) : 0;
      add(`FileHandle.prototype.${m} on ${k}`, () => FileHandle.prototype[m].call(mk(), arg), FOREIGN);
    }
  }
  // The same for the filesystem's methods: a foreign `this` rejects, never throws.
  const FS_CALLS = [['open', ['/f', 'rb']], ['mkdir', ['/q']], ['rename', ['/f', '/z']], ['move', ['/f', '/z']],
    ['remove', ['/f']], ['rmtree', ['/d']], ['listdir', ['/']], ['glob', ['*']], ['exists', ['/']],
    ['isDir', ['/']], ['isFile', ['/f']], ['stat', ['/']], ['getSize', ['/f']], ['readFile', ['/f']],
    ['writeFile', ['/f', B('x')]], ['copy', ['/f', '/z']], ['stats', []]];
  for (const [k, mk] of [['plain object', () => ({ closed: false })],
    ['Object.create(MemoryFileSystem.prototype)', () => Object.create(MemoryFileSystem.prototype)]]) {
    for (const [m, args] of FS_CALLS) {
      add(`MemoryFileSystem.prototype.${m} on ${k}`, () => MemoryFileSystem.prototype[m].call(mk(), ...args), FOREIGN);
    }
  }
  add('new FileHandle()', () => new FileHandle(), { cls: TypeError, code: 'ERR_ILLEGAL_CONSTRUCTOR', sync: true });
  add('new TextHandle({})', () => new TextHandle({}), { cls: TypeError, sync: true });
  // SPEC names only `new TextHandle({})`; for a prototype-only fake, accept a TypeError at
  // construction or at first use, but never success.
  add('TextHandle over FileHandle proto: read', () => { try { return new TextHandle(Object.create(FileHandle.prototype)).read(); } catch (e) { return Promise.reject(e); } }, FOREIGN);
  add('TextHandle encoding latin1', (c) => new TextHandle(c.h, { encoding: 'latin1' }), { cls: RangeError, code: 'ERR_ENCODING_NOT_SUPPORTED', sync: true });
  add('TextHandle errors x', (c) => new TextHandle(c.h, { errors: 'x' }), { ...VALUE, sync: true });
  return L;
}

const CREATE_BAD = [
  [{ maxQuota: -1 }, RANGE], [{ maxQuota: NaN }, RANGE], [{ maxQuota: 1.5 }, RANGE], [{ maxQuota: 2 ** 53 }, RANGE],
  [{ maxQuota: '1' }, TYPE], [{ maxQuota: 1n }, TYPE], [{ maxQuota: null }, TYPE],
  [{ maxNodes: -1 }, RANGE], [{ maxNodes: 1.5 }, RANGE], [{ maxNodes: NaN }, RANGE], [{ maxNodes: '3' }, TYPE],
  [{ maxNodes: 0 }, { cls: NodeLimitExceededError, code: 'ENOSPC' }],
  [{ defaultStorage: 'x' }, VALUE], [{ defaultStorage: 5 }, TYPE],
  [{ chunkOverhead: -1 }, RANGE], [{ chunkOverhead: 0.5 }, RANGE], [{ chunkOverhead: {} }, TYPE],
  [{ promotionHardLimit: -1 }, RANGE], [{ promotionHardLimit: Infinity }, RANGE],
  [{ defaultLockTimeout: -5 }, RANGE], [{ defaultLockTimeout: NaN }, RANGE], [{ defaultLockTimeout: '1' }, TYPE],
  [{ clock: 5 }, TYPE], [{ build: 'x' }, VALUE], [{ build: 3 }, TYPE],
];

for (const build of BUILDS) {
  test(`sweep-badinput create() options [${build}]`, async () => {
    let n = 0;
    for (const [o, exp] of CREATE_BAD) {
      await expectFailure(() => MemoryFileSystem.create({ build, ...o }), exp).catch((e) => { e.message = `create(${JSON.stringify(o, (k, v) => (typeof v === 'bigint' ? `${v}n` : v))}): ${e.message}`; throw e; });
      n++;
    }
    for (const o of [5, 'x', true]) { await expectFailure(() => MemoryFileSystem.create(o), TYPE); n++; }
    console.log(`create cases [${build}]`, n);
  });

  test(`sweep-badinput methods [${build}]`, async () => {
    const fs = await MemoryFileSystem.create({ build, maxQuota: 10000, maxNodes: 50 });
    try {
      await fs.writeFile('/f', B('hello world'));
      await fs.mkdir('/d/e');
      await fs.writeFile('/d/g', B('gg'));
      const h = await fs.open('/h', 'wb');
      await h.write(B('abc'));
      await h.close();
      const ctx = { fs, h: await fs.open('/h', 'r+b'), hc: await fs.open('/d/g', 'rb') };
      await ctx.hc.close();
      ctx.t = new TextHandle(ctx.h);
      const before = await snapshot(fs);
      const all = cases();
      const failures = [];
      for (const [label, fn, exp] of all) {
        try {
          await expectFailure(() => fn(ctx), exp);
          assert.equal(await ctx.h.tell(), 0, 'cursor moved');
          assert.deepEqual(await snapshot(fs), before, 'filesystem changed');
        } catch (e) {
          failures.push(`${label}: ${e.message.split('\n')[0]}`);
          await ctx.h.seek(0);
        }
      }
      // Closed filesystem: every method → EBADF (after type checks).
      await ctx.h.close();
      await fs.close();
      const closed = [
        ['open', () => fs.open('/f', 'rb')], ['mkdir', () => fs.mkdir('/q')], ['rename', () => fs.rename('/f', '/z')],
        ['move', () => fs.move('/f', '/z')], ['remove', () => fs.remove('/f')], ['rmtree', () => fs.rmtree('/d')],
        ['listdir', () => fs.listdir('/')], ['exists', () => fs.exists('/')], ['isDir', () => fs.isDir('/')],
        ['isFile', () => fs.isFile('/f')], ['stat', () => fs.stat('/')], ['stats', () => fs.stats()],
        ['getSize', () => fs.getSize('/f')], ['readFile', () => fs.readFile('/f')],
        ['writeFile', () => fs.writeFile('/f', B('x'))], ['exportTree', () => fs.exportTree()],
        ['iterExportTree', () => fs.iterExportTree().next()], ['importTree', () => fs.importTree({ '/x': B('x') })],
        ['copy', () => fs.copy('/f', '/z')], ['copyTree', () => fs.copyTree('/d', '/z')],
        ['walk', () => fs.walk('/').next()], ['glob', () => fs.glob('*')],
        ['handle read', () => ctx.h.read()], ['handle tell', () => ctx.h.tell()],
      ];
      for (const [label, fn] of closed) {
        try { await expectFailure(fn, D('EBADF')); } catch (e) { failures.push(`closed fs ${label}: ${e.message.split('\n')[0]}`); }
      }
      try { await expectFailure(() => fs.open(42, 'rb'), TYPE); } catch (e) { failures.push(`closed fs open(42): ${e.message}`); }
      try { fs.share(); failures.push('closed fs share() did not throw'); } catch (e) {
        if (!(e instanceof DMemFSError && e.code === 'EBADF')) failures.push(`closed fs share(): ${e.code}`);
      }
      console.log(`method cases [${build}]`, all.length + closed.length + 2, 'failures', failures.length);
      assert.deepEqual(failures, []);
    } finally { await fs.close(); }
  });
}
