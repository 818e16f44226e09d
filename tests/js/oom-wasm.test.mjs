// SPEC §10 (last paragraph): when the linear memory cannot grow, every operation fails with
// ENOMEM, changes nothing, and the filesystem stays usable once memory is freed.
// Uses test-only builds with a small maximum memory — wasm-single (16 MiB, compiled here with
// the flags of cmake/wasm-single.cmake) and wasm-threads (24 MiB: cmake/wasm-threads.cmake
// with DMFS_WASM_MAX_MEMORY) — swapped in for js/runtime-single.mjs and js/runtime-threads.mjs
// by a loader hook (no package file is edited).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUILDS = (process.env.DMEMFS_TEST_BUILDS || 'threads,single').split(',');
const MAX_MEMORY = { single: 16 * 1024 * 1024, threads: 24 * 1024 * 1024 };
const KiB = 1024;

const dir = mkdtempSync(join(tmpdir(), 'dmemfs-oom-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const js = pathToFileURL(join(ROOT, 'js/')).href;
const hooked = {}; // module URL → replacement source

if (BUILDS.includes('single')) {
  const WASM = join(dir, 'dmemfs-single-small.wasm');
  const src = readdirSync(join(ROOT, 'c/src')).filter((f) => f.endsWith('.c')).map((f) => join(ROOT, 'c/src', f));
  execFileSync('clang-14', ['--target=wasm32-wasi', '--sysroot=/usr', '-O2', '-mbulk-memory', '-mexec-model=reactor',
    '-DDMFS_THREADS=0', '-DDMFS_TEST_HOOKS=1', '-D_GNU_SOURCE',
    '-I', join(ROOT, 'c/include'), '-I', join(ROOT, 'c/src'),
    '-Wl,--strip-debug', `-Wl,--max-memory=${MAX_MEMORY.single}`,
    ...src, join(ROOT, 'c/wasm/exports.c'), join(ROOT, 'c/wasm/bulk.c'), '-o', WASM], { stdio: 'inherit' });
  // Same body as js/runtime-single.mjs, reading the small build instead of dist/.
  hooked[js + 'runtime-single.mjs'] = `import { Runtime } from '${js}runtime-common.mjs';
import { instantiateWasi } from '${js}wasi-shim.mjs';
import { readFileSync } from 'node:fs';
export async function loadSingle() {
  const module = await WebAssembly.compile(readFileSync(${JSON.stringify(WASM)}));
  const instance = await instantiateWasi(module);
  return new Runtime(instance.exports, instance.exports.memory, { build: 'single', shared: false, module });
}`;
}

if (BUILDS.includes('threads')) {
  const out = join(dir, 'threads');
  const env = { ...process.env, NODE_PATH: '/usr/share/nodejs' };
  execFileSync('cmake', ['-S', ROOT, '-B', out, '-DCMAKE_BUILD_TYPE=Release',
    '-DCMAKE_TOOLCHAIN_FILE=/usr/share/emscripten/cmake/Modules/Platform/Emscripten.cmake',
    '-DDMFS_BUILD_TESTS=OFF', `-DDMFS_WASM_MAX_MEMORY=${MAX_MEMORY.threads}`], { stdio: ['ignore', 'ignore', 'inherit'], env });
  execFileSync('cmake', ['--build', out, '-j2'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  // js/runtime-threads.mjs itself, reading the small build's glue and module instead of dist/.
  let source = readFileSync(join(ROOT, 'js/runtime-threads.mjs'), 'utf8');
  const swaps = [
    ["from './runtime-common.mjs'", `from '${js}runtime-common.mjs'`],
    ["from './runtime-load.mjs'", `from '${js}runtime-load.mjs'`],
    ["compileWasm('dmemfs-threads.wasm')", `WebAssembly.compile((await import('node:fs')).readFileSync(${JSON.stringify(join(out, 'dmemfs-threads.wasm'))}))`],
    ["distURL('dmemfs-threads.mjs').href", JSON.stringify(pathToFileURL(join(out, 'dmemfs-threads.mjs')).href)],
  ];
  for (const [from, to] of swaps) {
    assert.ok(source.includes(from), `js/runtime-threads.mjs no longer contains ${from}`);
    source = source.replace(from, to);
  }
  hooked[js + 'runtime-threads.mjs'] = source;
}

const hooks = `const HOOKED = ${JSON.stringify(hooked)};
export async function load(url, context, next) {
  if (Object.hasOwn(HOOKED, url)) return { format: 'module', source: HOOKED[url], shortCircuit: true };
  return next(url, context);
}`;
register('data:text/javascript,' + encodeURIComponent(hooks));

const { MemoryFileSystem } = await import('../../js/index.mjs');
const { debugCheck } = await import('../../js/testing-hooks.mjs');

const BIG = 1 << 30;   // quota far above the memory
const bytes = (n, seed) => { const b = new Uint8Array(n); for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 255; return b; };

async function isENOMEM(p) {
  try { await p; return false; } catch (e) {
    if (e && e.code === 'ENOMEM') return true;
    throw e;
  }
}

// Reserve in b, freed around each full snapshot of a (exportTree/walk need memory too).
// 128 KiB pieces fit the runtime's scratch, so rewriting them needs no extra temporary.
const RESERVE = 32, PIECE = 128 * KiB;
// When rewritten, nodes may no longer fit in old holes: a piece then shrinks instead of failing.
const reserved = [];
async function reserve(b, first = false) {
  for (let i = 0; i < RESERVE; i++) {
    for (let size = PIECE; size >= 1024; size >>= 1) {
      const p = b.writeFile(`/r${i}`, bytes(size, i));
      if (first) { await p; } else if (await isENOMEM(p)) continue;
      reserved.push(`/r${i}`);
      break;
    }
  }
}
async function unreserve(b) { while (reserved.length) await b.remove(reserved.pop()); }

/** Fills memory through filler fs b: the reserve, an N KiB gap file, everything else, then the gap freed. */
async function fill(b, gapKiB) {
  reserved.length = 0;
  await reserve(b, true);
  await b.writeFile('/hold', bytes(1, 0));
  if (gapKiB > 0) await b.writeFile('/gap', bytes(gapKiB * KiB, 7));
  let n = 0;
  for (let size = 1 << 20; size >= 16; size >>= 2) {
    for (let k = 0; k < 400; k++) {
      if (await isENOMEM(b.writeFile(`/f${n}`, bytes(size, n)))) break;
      n++;
    }
  }
  assert.ok(n > 0);
  if (gapKiB > 0) await b.remove('/gap');
  return n;
}

let topN = 0;
async function topUp(b) {
  for (let size = 4096; size >= 16; size >>= 2) {
    for (let k = 0; k < 50; k++) if (await isENOMEM(b.writeFile(`/t${topN++}`, bytes(size, 0)))) break;
  }
  // A failed write can leave a hole the size of its largest allocation: fill it with nodes.
  for (let k = 0; k < 50; k++) if (await isENOMEM(b.mkdir(`/t${topN++}`))) break;
  // Smaller still: read handles (one small calloc each), kept open until b closes.
  for (let k = 0; k < 500; k++) if (await isENOMEM(b.open('/hold', 'rb'))) break;
}

async function snap(a) {
  const stats = await a.stats();
  let tree = null;
  try {
    tree = [...(await a.exportTree())].map(([p, d]) => [p, Buffer.from(d).toString('hex')]).sort();
  } catch (e) { if (e.code !== 'ENOMEM') throw e; }
  let dirs = null;
  try { dirs = []; for await (const [d, ds, fs] of a.walk('/')) dirs.push([d, [...ds].sort(), [...fs].sort()]); dirs.sort(); } catch (e) {
    if (e.code !== 'ENOMEM') throw e; dirs = null;
  }
  return { stats, tree, dirs };
}

function sameState(x, y, what) {
  assert.deepEqual(y.stats, x.stats, `${what}: stats changed`);
  assert.deepEqual(y.tree, x.tree, `${what}: files changed`);
  assert.deepEqual(y.dirs, x.dirs, `${what}: tree changed`);
}

async function baseTree(a) {
  await a.mkdir('/d/sub/deep/x/y'); await a.mkdir('/e'); await a.mkdir('/n'); await a.mkdir('/w');
  await a.writeFile('/d/seq', bytes(200 * KiB, 1));        // sequential, 200 KiB
  await a.writeFile('/d/small', bytes(100, 2));
  await a.writeFile('/d/sub/ra', bytes(50 * KiB, 3));
  const h = await a.open('/d/sub/ra', 'r+b');               // promote to random-access
  await h.seek(10); await h.write(bytes(10, 4)); await h.close();
  await a.writeFile('/e/big', bytes(300 * KiB, 5));
}

const deep = '/m' + '/abcdefgh'.repeat(60);
const NEWDATA = bytes(100 * KiB, 9);

// Each op: a name and a function; handles opened inside are closed before it returns.
async function withHandle(a, path, mode, opts, fn) {
  const h = await a.open(path, mode, opts);
  try { await fn(h); } finally { await h.close(); }
}
const OPS = [
  ['open rb', (a) => withHandle(a, '/d/small', 'rb', undefined, async () => {})],
  ['open wb new', (a) => withHandle(a, '/n/wb', 'wb', undefined, async () => {})],
  ['open xb new', (a) => withHandle(a, '/n/xb', 'xb', undefined, async () => {})],
  ['open ab', (a) => withHandle(a, '/d/small', 'ab', undefined, async () => {})],
  ['open r+b', (a) => withHandle(a, '/d/small', 'r+b', undefined, async () => {})],
  ['open wb preallocate', (a) => withHandle(a, '/n/pre', 'wb', { preallocate: 256 * KiB }, async () => {})],
  ['open ab preallocate', (a) => withHandle(a, '/d/small', 'ab', { preallocate: 512 * KiB }, async () => {})],
  ['write seq append', (a) => withHandle(a, '/d/seq', 'ab', undefined, (h) => h.write(NEWDATA))],
  ['write RA past end', (a) => withHandle(a, '/d/sub/ra', 'r+b', undefined, async (h) => { await h.seek(400 * KiB); await h.write(NEWDATA); })],
  ['write promotion', (a) => withHandle(a, '/d/seq', 'r+b', undefined, (h) => h.write(bytes(10, 6)))],
  ['truncate up seq', (a) => withHandle(a, '/d/seq', 'r+b', undefined, (h) => h.truncate(700 * KiB))],
  ['truncate up RA', (a) => withHandle(a, '/d/sub/ra', 'r+b', undefined, (h) => h.truncate(900 * KiB))],
  ['mkdir deep', (a) => a.mkdir(deep)],
  ['rename', (a) => a.rename('/d/small', '/d/renamed-' + 'r'.repeat(240))],
  ['move with parents', (a) => a.move('/d/sub', '/p/q/r/s/t/sub')],
  ['copy', (a) => a.copy('/e/big', '/e/big2')],
  ['copyTree', (a) => a.copyTree('/d', '/dcopy')],
  ['importTree', (a) => a.importTree([['/imp/a/b', bytes(70 * KiB, 10)], ['/imp/c', bytes(5, 11)], ['/d/small', bytes(3, 12)]])],
  ['writeFile new', (a) => a.writeFile('/w/new', NEWDATA)],
  ['writeFile replace', (a) => a.writeFile('/e/big', bytes(400 * KiB, 13))],
  ['readFile', async (a) => { assert.ok((await a.readFile('/e/big')).length >= 300 * KiB); }],
  ['listdir', (a) => a.listdir('/d')],
  ['glob', (a) => a.glob('/**/*')],
  ['stat', (a) => a.stat('/e/big')],
  ['exportTree', (a) => a.exportTree()],
  ['walk', async (a) => { for await (const _ of a.walk('/')) { /* drain */ } }],
];

const GAPS = [0, 1, 2, 4, 8, 16, 32, 64, 128, 192, 320, 512];

for (const build of BUILDS) test(`small wasm-${build} (${MAX_MEMORY[build] >> 20} MiB): every operation at every fill level fails with ENOMEM or succeeds, state intact`, async (t) => {
  const counts = { enomem: 0, ok: 0 };
  const okNames = new Set(), failNames = new Set(), okAt = [];
  for (const gap of GAPS) {
    await t.test(`gap ${gap} KiB`, async () => {
      const a = await MemoryFileSystem.create({ build, maxQuota: BIG });
      const b = await MemoryFileSystem.create({ build, maxQuota: BIG });
      try {
        await baseTree(a);
        const base = await snap(a);
        assert.ok(base.tree && base.dirs);
        await fill(b, gap);
        // the small build is the one in use, and it is full
        assert.ok(a._rt.memory.buffer.byteLength <= MAX_MEMORY[build], `memory ${a._rt.memory.buffer.byteLength}`);
        assert.ok(a._rt.memory.buffer.byteLength > MAX_MEMORY[build] - 1024 * KiB, `memory ${a._rt.memory.buffer.byteLength}`);
        // Full state of a with the reserve freed, then the reserve (and, at gap 0, every hole) back.
        const verified = async (what) => {
          await unreserve(b);
          const s2 = await snap(a);
          assert.ok(s2.tree && s2.dirs, `${what}: snapshot needs more than the reserve`);
          await reserve(b);
          if (gap === 0) await topUp(b);
          return s2;
        };
        let expected = base;
        if (gap === 0) await topUp(b);
        for (const [name, op] of OPS) {
          const what = `${name} (gap ${gap} KiB)`;
          const before = await a.stats();
          let failed;
          try { await op(a); failed = false; } catch (e) {
            assert.equal(e.code, 'ENOMEM', `${what}: ${e.code} ${e.message}`);
            failed = true;
          }
          assert.equal(debugCheck(a), 0, `${what}: invariants`);
          if (failed) {
            counts.enomem++; failNames.add(name);
            assert.deepEqual(await a.stats(), before, `${what}: stats changed`);
            sameState(expected, await verified(what), what);
          } else {
            counts.ok++; okNames.add(name); okAt.push(`${name}@${gap}`);
            expected = await verified(what);
          }
        }
        assert.equal(debugCheck(b), 0);
        // Free memory: a usable filesystem with exact accounting.
        await b.close();
        const full = await snap(a);
        sameState(expected, full, `after freeing (gap ${gap} KiB)`);
        assert.ok(full.tree && full.dirs);
        const data = bytes(64 * KiB + 3, 99);
        await a.writeFile('/after', data);
        assert.deepEqual(await a.readFile('/after'), data);
        const st = await a.stats();
        assert.equal(st.usedBytes, full.stats.usedBytes + data.length + st.overheadPerChunk);
        assert.equal(st.fileCount, full.stats.fileCount + 1);
        assert.equal(debugCheck(a), 0);
      } finally {
        await a.close(); if (!b.closed) await b.close();
      }
    });
  }
  console.log(`wasm-${build}: ENOMEM ${counts.enomem}, succeeded ${counts.ok}; ` +
    `never failed: ${[...okNames].filter((n) => !failNames.has(n)).join(', ') || '-'}; ` +
    `failed at least once: ${failNames.size}/${OPS.length}`);
  console.log(`succeeded (op@gap KiB): ${okAt.join(', ')}`);
  // Gap 0 leaves no hole even for a handle: everything that allocates must have failed there.
  for (const [name] of OPS) {
    if (name !== 'stat') assert.ok(!okAt.includes(`${name}@0`), `${name} succeeded with no memory left`);
  }
});
