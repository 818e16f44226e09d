// share()/attach() across module Web Workers (SPEC §2.6, §8.4, §8.5). Tests are reported as
// skipped, with the reason, while share()/attach() are not available; never as passed.
import { test, ok, eq, deepEq, rejects, run, fatal } from './harness.mjs';

function spawn() {
  const w = new Worker(new URL('./worker.mjs', import.meta.url), { type: 'module' });
  let next = 0; const pending = new Map();
  const ready = new Promise((resolve, reject) => {
    w.onerror = (e) => reject(new Error(`worker error: ${e.message}`));
    w.onmessage = ({ data }) => {
      if (data.ready) { resolve(); return; }
      const p = pending.get(data.id); pending.delete(data.id);
      if (data.ok) p.resolve(data.value);
      else p.reject(Object.assign(new Error(data.error.message), data.error));
    };
  });
  const call = (op, ...args) => new Promise((resolve, reject) => {
    const id = next++; pending.set(id, { resolve, reject }); w.postMessage({ id, op, args });
  });
  // Transfers the descriptor's MessagePorts (if any) instead of relying on plain cloning.
  const callTransfer = (op, ...args) => new Promise((resolve, reject) => {
    const id = next++; pending.set(id, { resolve, reject });
    const ports = args.flatMap((a) => (a && typeof a === 'object' ? Object.values(a).filter((v) => v instanceof MessagePort) : []));
    w.postMessage({ id, op, args }, ports);
  });
  return { w, ready, call, callTransfer, end: () => w.terminate() };
}

try {
  const api = await import('../../../js/index.mjs');
  const { MemoryFileSystem } = api;
  const enc = (s) => new TextEncoder().encode(s);
  const dec = (u8) => new TextDecoder().decode(u8);

  // Probe: is sharing implemented in this build of the library?
  let skipReason = null;
  {
    const fs = await MemoryFileSystem.create({ build: 'threads' });
    try { fs.share(); } catch (e) { skipReason = `share() not available: ${e.code}: ${e.message}`; }
    await fs.close();
  }
  if (typeof MemoryFileSystem.attach !== 'function') skipReason = 'MemoryFileSystem.attach does not exist';

  async function withShared(n, fn) {
    if (skipReason) return { skip: skipReason };
    const fs = await MemoryFileSystem.create({ build: 'threads', maxQuota: 1 << 20 });
    const ws = Array.from({ length: n }, spawn);
    try {
      await Promise.all(ws.map((w) => w.ready));
      // One share() per worker (SPEC §2.6 allows any number); ports transferred: plain
      // cloning of the descriptor is tested separately below.
      try {
        await Promise.all(ws.map((w) => w.callTransfer('attach', fs.share())));
      } catch (e) {
        if (e.code === 'ENOTSUP') return { skip: `attach() in a worker not available: ${e.message}` };
        throw e;
      }
      await fn(fs, ws);
    } finally {
      for (const w of ws) w.end();
      await fs.close();
    }
    return undefined;
  }

  test('share() descriptor is structured-cloneable: postMessage without a transfer list (§2.6)', async () => {
    if (skipReason) return { skip: skipReason };
    const fs = await MemoryFileSystem.create({ build: 'threads' });
    const w = spawn();
    try {
      await w.ready;
      const d = fs.share();
      structuredClone(d);
      await w.call('attach', d);
      await w.call('write', '/c', 'cloned'); eq(dec(await fs.readFile('/c')), 'cloned');
    } finally { w.end(); await fs.close(); }
    return undefined;
  });

  test('attach rejects a non-descriptor with TypeError ERR_INVALID_ARG_VALUE (§2.6)', async () => {
    if (skipReason) return { skip: skipReason };
    await rejects(MemoryFileSystem.attach({}), { type: TypeError, code: 'ERR_INVALID_ARG_VALUE' });
    return undefined;
  });

  test('two workers attach and read each other\'s files and the page\'s (§2.6, §8.5)', () => withShared(2, async (fs, [a, b]) => {
    await fs.writeFile('/page.txt', enc('from page'));
    await a.call('write', '/a.txt', 'from A');
    await b.call('write', '/b.txt', 'from B');
    eq(await a.call('read', '/b.txt'), 'from B');
    eq(await b.call('read', '/a.txt'), 'from A');
    eq(await a.call('read', '/page.txt'), 'from page');
    eq(dec(await fs.readFile('/a.txt')), 'from A');
    deepEq(await b.call('listdir', '/'), ['page.txt', 'a.txt', 'b.txt']);
    const s = await a.call('stats'); eq(s.usedBytes, (await fs.stats()).usedBytes); eq(s.fileCount, 3);
  }));

  test('worker holds a write handle: page stays responsive, then EAGAIN at its deadline (§8.4)', () => withShared(1, async (fs, [w]) => {
    await fs.writeFile('/f', enc('x'));
    await w.call('hold', '/f', 'r+b');
    let ticks = 0; const iv = setInterval(() => ticks++, 20);
    const t0 = performance.now();
    try { await rejects(fs.open('/f', 'rb', { lockTimeout: 600 }), { code: 'EAGAIN' }); } finally { clearInterval(iv); }
    const dt = performance.now() - t0;
    ok(dt >= 550 && dt < 5000, `waited ${dt.toFixed(0)} ms`); ok(ticks >= 10, `ticked ${ticks}`);
    await rejects(fs.remove('/f'), { code: 'EBUSY' });
    await w.call('release', '/f');
  }));

  test('page waiting for a worker-held lock gets it when the worker closes (§8.4)', () => withShared(1, async (fs, [w]) => {
    await fs.writeFile('/f', enc('x'));
    await w.call('hold', '/f', 'wb');
    let ticks = 0; const iv = setInterval(() => ticks++, 20);
    let got = false;
    const p = fs.open('/f', 'r+b', { lockTimeout: 10000 }).then((h) => { got = true; return h; });
    await new Promise((r) => setTimeout(r, 300));
    eq(got, false, 'still waiting while the worker holds the lock');
    await w.call('release', '/f');
    const t0 = performance.now(); const h = await p; clearInterval(iv);
    ok(performance.now() - t0 < 3000, 'woken soon after release'); ok(ticks >= 10, `ticked ${ticks}`);
    eq(await fs.getSize('/f'), 0, 'wb truncated under the worker\'s lock'); await h.close();
  }));

  test('detaching a worker keeps the filesystem alive (§2.6)', () => withShared(1, async (fs, [w]) => {
    await w.call('write', '/k', 'kept'); await w.call('detach');
    eq(dec(await fs.readFile('/k')), 'kept');
    await rejects(w.call('read', '/k'), { code: 'EBADF' });
  }));

  test('attach after the filesystem is destroyed rejects EBADF (§2.6)', async () => {
    if (skipReason) return { skip: skipReason };
    const fs = await MemoryFileSystem.create({ build: 'threads' });
    const w = spawn();
    try {
      await w.ready;
      const d = fs.share(); await fs.close();
      let err = null;
      try { await w.callTransfer('attach', d); } catch (e) { err = e; }
      ok(err, 'attach resolved on a destroyed filesystem'); eq(err.code, 'EBADF');
    } finally { w.end(); }
    return undefined;
  });

  await run();
} catch (e) { fatal(e); }
