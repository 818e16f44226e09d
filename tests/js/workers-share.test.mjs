// SPEC §2.6, §8.4–§8.7 on wasm-threads: filesystems shared with worker_threads workers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { MemoryFileSystem } from '../../js/index.mjs';

const SEED = process.env.DMFS_SEED ? Number(process.env.DMFS_SEED) : (Date.now() % 1e9);
console.log(`workers-share: DMFS_SEED=${SEED}`);
const WORKER = new URL('./_worker-ops.mjs', import.meta.url);

function spawn(fs, task, id, args) {
  const d = fs.share();
  const w = new Worker(WORKER, { workerData: { d, task, id, args } });
  const done = new Promise((resolve, reject) => {
    w.on('message', (m) => {
      if (m.held) return;
      if (m.ok) resolve(m.result); else reject(Object.assign(new Error(`worker ${id} (${task}): ${m.error.message}\n${m.error.stack}`), { code: m.error.code }));
    });
    w.on('error', reject);
  });
  return { w, done };
}
const run = (fs, task, n, args) => Promise.all(Array.from({ length: n }, (_, i) => spawn(fs, task, i, args).done));
const check = (fs) => assert.equal(fs._x.dmfsw_debug_check(fs._id), 0, 'dmfs_debug_check');
const pool = (fs) => fs._rt.extra.PThread;
const tick = () => new Promise((r) => setTimeout(r, 30));

async function create(o = {}) { return MemoryFileSystem.create({ build: 'threads', ...o }); }

test('share(): descriptor shape, EBADF when closed, ENOTSUP on wasm-single', async () => {
  const fs = await create();
  const d = fs.share();
  assert.equal(d.kind, 'dmemfs-share');
  assert.ok(d.module instanceof WebAssembly.Module);
  assert.ok(d.memory.buffer instanceof SharedArrayBuffer);
  structuredClone(d); // no transfer list needed
  await fs.close();
  assert.throws(() => fs.share(), { code: 'EBADF' });
  const s = await MemoryFileSystem.create({ build: 'single' });
  assert.throws(() => s.share(), { code: 'ENOTSUP' });
  await s.close();
});

test('attach({}) → TypeError ERR_INVALID_ARG_VALUE; attach after close → EBADF', async () => {
  await assert.rejects(MemoryFileSystem.attach({}), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
  await assert.rejects(MemoryFileSystem.attach(null), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
  const fs = await create();
  const d = fs.share();
  await fs.close();
  await assert.rejects(MemoryFileSystem.attach(d), { code: 'EBADF' });
  // the failed attach left its thread: nothing adopted, pool clean
  await tick();
  assert.equal(fs._x.dmfsw_share_adopted(), 0);
  assert.equal(pool(fs).unusedWorkers.length, 0);
});

test('same filesystem in the same thread via attach: tree, ledger, detach', async () => {
  const fs = await create({ maxQuota: 100000 });
  await fs.writeFile('/a', new Uint8Array([1, 2, 3]));
  const g = await MemoryFileSystem.attach(fs.share());
  assert.deepEqual([...await g.readFile('/a')], [1, 2, 3]);
  await g.writeFile('/b', new Uint8Array(10));
  assert.deepEqual((await fs.stats()).usedBytes, (await g.stats()).usedBytes);
  const h = await g.open('/c', 'wb');
  const it = g.walk('/');
  await it.next(); // suspended iterator across the detach
  await g.close();
  assert.ok(h.closed);
  await assert.rejects(g.stat('/a'), { code: 'EBADF' });
  await assert.rejects(h.write(new Uint8Array(1)), { code: 'EBADF' });
  await it.next().then((r) => assert.equal(r.done, true), (e) => assert.equal(e.code, 'EBADF'));
  assert.throws(() => g.share(), { code: 'EBADF' });
  const h2 = await fs.open('/c', 'wb', { lockTimeout: 0 }); // the detach released the lock
  await h2.close();
  assert.deepEqual(await fs.listdir('/'), ['a', 'b', 'c']);
  await tick();
  assert.equal(fs._x.dmfsw_share_adopted(), 0);
  await fs.close();
});

test('an attached instance can share() again; a grandchild sees the tree', async () => {
  const fs = await create();
  await fs.writeFile('/z', new Uint8Array(5));
  const g = await MemoryFileSystem.attach(fs.share());
  const gg = await MemoryFileSystem.attach(structuredClone(g.share()));
  await g.close();
  assert.equal((await gg.stat('/z')).size, 5);
  await gg.writeFile('/y', new Uint8Array(1));
  await gg.close();
  assert.deepEqual((await fs.listdir('/')).sort(), ['y', 'z']);
  await tick();
  assert.equal(fs._x.dmfsw_share_adopted(), 0);
  await fs.close();
});

test('private files per worker (6 workers)', async () => {
  const fs = await create();
  const r = await run(fs, 'private', 6, { files: 20 });
  assert.deepEqual(r, Array(6).fill(20));
  assert.equal((await fs.listdir('/')).length, 6);
  check(fs);
  await fs.close();
});

test('one shared file: 20 writers of 128 bytes of their id, 20 readers, across 8 workers; no torn read', async () => {
  const fs = await create();
  await fs.writeFile('/shared.bin', new Uint8Array(128).fill(64));
  const ws = Array.from({ length: 4 }, (_, i) => spawn(fs, 'writers', i, { rounds: 40, tasks: 5 }).done);
  const rs = Array.from({ length: 4 }, (_, i) => spawn(fs, 'readers', 10 + i, { rounds: 40, tasks: 5, writers: 20 }).done);
  const [wn, rn] = await Promise.all([Promise.all(ws), Promise.all(rs)]);
  assert.ok(wn.reduce((a, b) => a + b) > 0 && rn.reduce((a, b) => a + b) > 0, `writes ${wn} reads ${rn}`);
  check(fs);
  await fs.close();
});

test('racing xb/remove and mkdir/listdir/rmtree (4 + 4 workers)', async () => {
  const fs = await create();
  await fs.mkdir('/race');
  const [a, b] = await Promise.all([run(fs, 'xbRemove', 4, { rounds: 200, seed: SEED }), run(fs, 'treeRace', 4, { rounds: 200, seed: SEED })]);
  assert.ok(a.every((c) => c.ok > 0), JSON.stringify(a));
  assert.ok(b.every((c) => c.ok > 0), JSON.stringify(b));
  check(fs);
  await fs.close();
});

test('many writers against a small quota: ENOSPC exact, usedBytes exact', async () => {
  const quota = 20000, size = 1000;
  const fs = await create({ maxQuota: quota, chunkOverhead: 0 });
  await fs.mkdir('/q');
  const r = await run(fs, 'quota', 6, { rounds: 8, size });
  const accepted = r.flatMap((x) => x.accepted).reduce((a, b) => a + b, 0);
  const rejected = r.flatMap((x) => x.rejected);
  assert.ok(accepted <= quota, `${accepted} > ${quota}`);
  assert.equal(accepted, quota); // 48 writes of 1000 into 20000: it fills exactly
  assert.equal(rejected.length, 48 - quota / size);
  // Every charge is a multiple of `size` (chunkOverhead 0), so a rejection sees exactly 0 free.
  for (const e of rejected) assert.deepEqual(e, { requested: size, available: 0, name: 'QuotaExceededError', errno: rejected[0].errno });
  assert.equal((await fs.stats()).usedBytes, accepted);
  check(fs);
  await fs.close();
});

test('attach/detach in a loop: no memory growth, pool clean', async () => {
  const fs = await create();
  await run(fs, 'loop', 2, { rounds: 5 }); // warm-up (glue, registry, allocator)
  await tick();
  const heap0 = fs._x.dmfsw_share_heap_used(), bytes0 = fs._rt.memory.buffer.byteLength;
  await run(fs, 'loop', 4, { rounds: 25 });
  await tick();
  const heap1 = fs._x.dmfsw_share_heap_used(), bytes1 = fs._rt.memory.buffer.byteLength;
  console.log(`attach/detach x100: heap ${heap0} → ${heap1}, memory ${bytes0} → ${bytes1}`);
  assert.equal(bytes1, bytes0);
  assert.ok(heap1 <= heap0 + 4096, `heap grew ${heap1 - heap0}`);
  assert.equal(fs._x.dmfsw_share_adopted(), 0);
  assert.equal(pool(fs).unusedWorkers.length, 0);
  assert.equal(pool(fs).runningWorkers.length, 0);
  await fs.close();
});

test('dead holder (§8.6): terminated worker holding wb', async () => {
  const fs = await create({ defaultLockTimeout: 200 });
  await fs.writeFile('/other', new Uint8Array(3));
  await fs.mkdir('/hd');
  const { w, done } = spawn(fs, 'hold', 0, {});
  done.catch(() => {});
  await new Promise((resolve) => w.on('message', (m) => m.held && resolve()));
  await w.terminate();
  const t0 = Date.now();
  await assert.rejects(fs.open('/hd/held.bin', 'rb', { lockTimeout: 150 }), { code: 'EAGAIN' });
  assert.ok(Date.now() - t0 >= 140);
  await assert.rejects(fs.open('/hd/held.bin', 'wb'), { code: 'EAGAIN' }); // default deadline
  await assert.rejects(fs.remove('/hd/held.bin'), { code: 'EBUSY' });
  await assert.rejects(fs.rename('/hd/held.bin', '/x'), { code: 'EBUSY' });
  await assert.rejects(fs.rmtree('/hd'), { code: 'EBUSY' });
  await assert.rejects(fs.move('/hd/held.bin', '/y'), { code: 'EBUSY' });
  assert.ok(await fs.exists('/hd/held.bin'));
  await fs.mkdir('/d');
  await fs.rmtree('/d');
  assert.equal((await fs.readFile('/other')).length, 3);
  assert.equal((await fs.stat('/hd/held.bin')).size, 4);
  // a worker attached later also times out, and does not hang
  const g = await MemoryFileSystem.attach(fs.share());
  await assert.rejects(g.open('/hd/held.bin', 'rb', { lockTimeout: 50 }), { code: 'EAGAIN' });
  await g.close();
  await fs.close();
});

// The creator destroys the filesystem while 4 workers are mid-call (pins, handle ids and the
// registry without a global lock): each worker ends on EBADF, and the runtime stays usable.
test('close() by the creator while workers are busy: EBADF everywhere, no crash, runtime fine', async () => {
  for (let round = 0; round < 3; round++) {
    const fs = await create();
    const ws = Array.from({ length: 4 }, (_, i) => spawn(fs, 'untilClosed', i, {}));
    await Promise.all(ws.map(({ w }) => new Promise((resolve) => w.on('message', (m) => m.held && resolve()))));
    await new Promise((r) => setTimeout(r, 30 + round * 20));
    await fs.close();
    const done = await Promise.all(ws.map((x) => x.done));
    console.log(`round ${round}: loops done before EBADF per worker ${done.join(' ')}`);
    assert.ok(done.every((n) => Number.isInteger(n) && n >= 0), JSON.stringify(done));
    const again = await create();
    await again.writeFile('/x', new Uint8Array([1, 2, 3]));
    assert.deepEqual([...await again.readFile('/x')], [1, 2, 3]);
    check(again);
    await again.close();
  }
});

// The race behind it, made likely: opens finishing while the destroy waits for running calls.
// Every worker ends on EBADF and closes what it holds without touching freed memory.
test('close() by the creator during open/close churn: no handle outlives the filesystem', async () => {
  let orphans = 0;
  for (let round = 0; round < 8; round++) {
    const fs = await create();
    const ws = Array.from({ length: 4 }, (_, i) => spawn(fs, 'openChurn', i, {}));
    await Promise.all(ws.map(({ w }) => new Promise((resolve) => w.on('message', (m) => m.held && resolve()))));
    await new Promise((r) => setTimeout(r, 5 + round * 5));
    const x = fs._x;
    await fs.close();
    orphans += x.dmfsw_debug_orphans(); // right away, before the workers close what they hold
    const done = await Promise.all(ws.map((w) => w.done));
    assert.ok(done.every((n) => Number.isInteger(n) && n >= 0), JSON.stringify(done));
  }
  assert.equal(orphans, 0, 'handle ids registered after their filesystem was destroyed');
  const again = await create();
  await again.writeFile('/x', new Uint8Array([4, 5]));
  assert.deepEqual([...await again.readFile('/x')], [4, 5]);
  check(again);
  await again.close();
});

// §8.2: lockTimeout 0 tries the file lock once; the structure lock (held for milliseconds by a
// worker's copyTree of 16 MiB) is waited for, so no call on a free file fails with EAGAIN.
test('lockTimeout 0 never fails because another worker holds the structure lock', async () => {
  const fs = await create({ maxQuota: 256 * 1024 * 1024 });
  await fs.mkdir('/big');
  for (let i = 0; i < 16; i++) await fs.writeFile(`/big/f${i}`, new Uint8Array(1024 * 1024).fill(i));
  await fs.writeFile('/free', new Uint8Array([1, 2, 3]));
  const { w, done } = spawn(fs, 'copyLoop', 0, { rounds: 40 });
  await new Promise((resolve) => w.on('message', (m) => m.held && resolve()));
  let calls = 0, finished = false;
  done.finally(() => { finished = true; });
  while (!finished) {
    const h = await fs.open('/free', 'rb', { lockTimeout: 0 });
    await h.close();
    assert.deepEqual([...await fs.readFile('/free', { lockTimeout: 0 })], [1, 2, 3]);
    await fs.copy('/free', '/free2', { lockTimeout: 0 });
    await fs.remove('/free2');
    calls += 4;
    await new Promise(setImmediate); // settled calls never yield: let the worker's messages in
  }
  assert.equal(await done, 40);
  console.log(`lockTimeout 0 during 40 copyTrees of 16 MiB: ${calls} calls, none failed`);
  // a file lock that really is held still fails at once
  const hw = await fs.open('/free', 'r+b');
  await assert.rejects(fs.open('/free', 'rb', { lockTimeout: 0 }), { code: 'EAGAIN' });
  await hw.close();
  await fs.close();
});

test('cost: stat on the creating thread vs in an attached worker', async () => {
  const fs = await create();
  await fs.writeFile('/bench', new Uint8Array(1));
  const N = 20000;
  for (let i = 0; i < 2000; i++) await fs.stat('/bench');
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await fs.stat('/bench');
  const main = (performance.now() - t0) / N;
  const [worker] = await run(fs, 'bench', 1, { rounds: N });
  console.log(`stat: creating thread ${(main * 1000).toFixed(2)} µs/call, attached worker ${(worker * 1000).toFixed(2)} µs/call`);
  assert.ok(worker < 1 && main < 1); // both well under a millisecond: direct calls, no proxy
  await fs.close();
});

test('creating thread gone: attach ends at the default deadline with EAGAIN, no hang', async () => {
  const url = new URL('../../js/index.mjs', import.meta.url).href;
  const w = new Worker(`const { parentPort } = require('node:worker_threads');
    import(${JSON.stringify(url)}).then(async ({ MemoryFileSystem }) => {
      const fs = await MemoryFileSystem.create({ build: 'threads', defaultLockTimeout: 300 });
      parentPort.postMessage(fs.share());
    });`, { eval: true });
  // Listen for 'exit' before awaiting the message: a worker that posts and ends has its
  // last messages delivered and 'exit' emitted in one go, before the await resumes.
  const exited = new Promise((r) => w.once('exit', r));
  const d = await new Promise((r) => w.once('message', r));
  await exited;
  const t0 = Date.now();
  await assert.rejects(MemoryFileSystem.attach(d), { code: 'EAGAIN' });
  assert.ok(Date.now() - t0 >= 900);
});
