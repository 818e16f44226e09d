// Worker side of tests/js/workers-*.test.mjs: attaches to the descriptor in workerData and
// runs one named task; posts {ok, result} or {ok:false, error}.
import { parentPort, workerData } from 'node:worker_threads';
import { MemoryFileSystem } from '../../js/index.mjs';

const { d, task, id, args = {} } = workerData;
const enc = (s) => new TextEncoder().encode(s);

function rng(seed) { // mulberry32
  let a = seed >>> 0;
  return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}
const codeOf = (e) => e && e.code;
function allowOnly(e, codes) {
  if (!codes.includes(codeOf(e))) throw e;
  return codeOf(e);
}

const tasks = {
  async private(fs) {
    const dir = `/w${id}`;
    await fs.mkdir(dir);
    for (let i = 0; i < args.files; i++) await fs.writeFile(`${dir}/f${i}`, enc(`${id}:${i}`));
    const names = (await fs.listdir(dir)).sort();
    for (let i = 0; i < args.files; i++) {
      const got = new TextDecoder().decode(await fs.readFile(`${dir}/f${i}`));
      if (got !== `${id}:${i}`) throw new Error(`private file ${dir}/f${i} holds ${got}`);
    }
    return names.length;
  },
  async writer(fs) {
    const buf = new Uint8Array(128).fill(65 + id);
    let n = 0;
    for (let i = 0; i < args.rounds; i++) {
      try { await fs.writeFile('/shared.bin', buf, { lockTimeout: 2000 }); n++; } catch (e) { allowOnly(e, ['EAGAIN']); }
    }
    return n;
  },
  async reader(fs) {
    let n = 0;
    for (let i = 0; i < args.rounds; i++) {
      let b;
      try { b = await fs.readFile('/shared.bin', { lockTimeout: 2000 }); } catch (e) { allowOnly(e, ['EAGAIN', 'ENOENT']); continue; }
      if (b.length !== 128) throw new Error(`torn read: ${b.length} bytes`);
      for (let j = 1; j < 128; j++) if (b[j] !== b[0]) throw new Error(`torn read: byte ${j} is ${b[j]}, byte 0 is ${b[0]}`);
      n++;
    }
    return n;
  },
  // args.tasks concurrent loops in this worker: writer k writes 128 bytes of its own id.
  async writers(fs) {
    const loops = Array.from({ length: args.tasks }, async (_, k) => {
      const buf = new Uint8Array(128).fill(65 + id * args.tasks + k);
      let n = 0;
      for (let i = 0; i < args.rounds; i++) {
        try { await fs.writeFile('/shared.bin', buf, { lockTimeout: 5000 }); n++; } catch (e) { allowOnly(e, ['EAGAIN']); }
      }
      return n;
    });
    return (await Promise.all(loops)).reduce((a, b) => a + b, 0);
  },
  // args.tasks concurrent reader loops: every read is 128 bytes of ONE id (64 = initial content).
  async readers(fs) {
    const loops = Array.from({ length: args.tasks }, async () => {
      let n = 0;
      for (let i = 0; i < args.rounds; i++) {
        let b;
        try { b = await fs.readFile('/shared.bin', { lockTimeout: 5000 }); } catch (e) { allowOnly(e, ['EAGAIN']); continue; }
        if (b.length !== 128) throw new Error(`torn read: ${b.length} bytes`);
        for (let j = 1; j < 128; j++) if (b[j] !== b[0]) throw new Error(`torn read: byte ${j} is ${b[j]}, byte 0 is ${b[0]}`);
        if (b[0] !== 64 && (b[0] < 65 || b[0] >= 65 + args.writers)) throw new Error(`unknown id ${b[0]}`);
        n++;
      }
      return n;
    });
    return (await Promise.all(loops)).reduce((a, b) => a + b, 0);
  },
  async xbRemove(fs) {
    const r = rng(args.seed + id);
    const counts = {};
    for (let i = 0; i < args.rounds; i++) {
      const p = `/race/x${Math.floor(r() * 3)}`;
      let c = 'ok';
      try {
        if (r() < 0.5) { const h = await fs.open(p, 'xb', { lockTimeout: 0 }); await h.write(enc('x')); await h.close(); } else await fs.remove(p);
      } catch (e) { c = allowOnly(e, ['EEXIST', 'ENOENT', 'EBUSY', 'EAGAIN']); }
      counts[c] = (counts[c] || 0) + 1;
    }
    return counts;
  },
  async treeRace(fs) {
    const r = rng(args.seed + 1000 + id);
    const counts = {};
    for (let i = 0; i < args.rounds; i++) {
      const a = `/tree/d${Math.floor(r() * 2)}`, b = `${a}/s${Math.floor(r() * 2)}`;
      const k = r();
      let c = 'ok';
      try {
        if (k < 0.4) await fs.mkdir(k < 0.2 ? a : b, { existOk: r() < 0.5 });
        else if (k < 0.8) await fs.listdir(k < 0.6 ? a : b);
        else await fs.rmtree(a);
      } catch (e) { c = allowOnly(e, ['EEXIST', 'ENOENT', 'EBUSY', 'EAGAIN']); }
      counts[c] = (counts[c] || 0) + 1;
    }
    return counts;
  },
  async quota(fs) {
    const accepted = [], rejected = [];
    for (let i = 0; i < args.rounds; i++) {
      const size = args.size;
      try { await fs.writeFile(`/q/w${id}-${i}`, new Uint8Array(size)); accepted.push(size); } catch (e) {
        allowOnly(e, ['ENOSPC']);
        rejected.push({ requested: e.requested, available: e.available, name: e.constructor.name, errno: e.errno });
      }
    }
    return { accepted, rejected };
  },
  async loop(fs0) {
    await fs0.close();
    for (let i = 0; i < args.rounds; i++) {
      const fs = await MemoryFileSystem.attach(d);
      const h = await fs.open(`/loop${id}`, 'wb');
      await h.write(enc('x'));
      await fs.close(); // closes h too
      if (!h.closed) throw new Error('handle not closed by detach');
    }
    return args.rounds;
  },
  // Opens and closes handles (several held at once) until the creator closes the filesystem:
  // an open that finishes while the destroy waits for running calls must not leave a handle
  // id behind whose memory the destroy freed (closing it would work on freed memory).
  async openChurn(fs) {
    await fs.writeFile(`/c${id}`, enc('c'));
    parentPort.postMessage({ held: true });
    let n = 0;
    const held = [];
    for (;;) {
      try {
        held.push(await fs.open(`/c${id}`, 'rb'));
        if (held.length === 4) { for (const h of held.splice(0)) await h.close(); }
        n++;
      } catch (e) {
        if (e.code !== 'EBADF') throw e;
        break;
      }
    }
    for (const h of held) await h.close(); // handles the destroy closed: no-ops, no crash
    return n;
  },
  // Mixed calls until the creator closes the filesystem under us: afterwards every call must
  // fail with EBADF (no other code, no crash, no wrong data before it).
  async untilClosed(fs) {
    const dir = `/u${id}`;
    await fs.mkdir(dir);
    parentPort.postMessage({ held: true });
    let ok = 0, i = 0;
    for (;;) {
      const p = `${dir}/f${i % 8}`, body = enc(`${id}:${i}`);
      try {
        await fs.writeFile(p, body);
        const back = new TextDecoder().decode(await fs.readFile(p));
        if (back !== `${id}:${i}`) throw new Error(`read back ${back} for ${id}:${i}`);
        const h = await fs.open(p, 'r+b');
        await h.seek(0, 2);
        await h.write(enc('!'));
        await h.close();
        await fs.stat(p);
        await fs.listdir(dir);
        ok++;
      } catch (e) {
        if (e.code !== 'EBADF') throw e;
        break;
      }
      i++;
    }
    for (const call of [() => fs.stat(dir), () => fs.readFile(`${dir}/f0`), () => fs.mkdir('/late'), () => fs.open('/late', 'wb')]) {
      await call().then(() => { throw new Error('a call after close succeeded'); }, (e) => { if (e.code !== 'EBADF') throw e; });
    }
    return ok;
  },
  // Holds the structure lock for milliseconds at a time: copyTree of a large tree, args.rounds times.
  async copyLoop(fs) {
    parentPort.postMessage({ held: true });
    for (let i = 0; i < args.rounds; i++) {
      await fs.copyTree('/big', `/copy${id}`);
      await fs.rmtree(`/copy${id}`);
    }
    return args.rounds;
  },
  async hold(fs) {
    const h = await fs.open('/hd/held.bin', 'wb');
    await h.write(enc('held'));
    parentPort.postMessage({ held: true });
    await new Promise(() => {}); // terminated by the test while holding h
  },
  async bench(fs) {
    await fs.writeFile('/bench', enc('b'));
    for (let i = 0; i < 2000; i++) await fs.stat('/bench');
    const t0 = performance.now();
    for (let i = 0; i < args.rounds; i++) await fs.stat('/bench');
    return (performance.now() - t0) / args.rounds;
  },
};

try {
  const fs = await MemoryFileSystem.attach(d);
  const result = await tasks[task](fs);
  if (!fs.closed) await fs.close();
  parentPort.postMessage({ ok: true, result });
} catch (e) {
  parentPort.postMessage({ ok: false, error: { message: e.message, code: e.code, stack: e.stack } });
}
