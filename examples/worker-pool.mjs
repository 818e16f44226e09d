// ETL staging across a pool of 4 worker_threads sharing one quota-limited dmemfs
// (SPEC §2.6): raw → processed → output. Run: node examples/worker-pool.mjs
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { MemoryFileSystem } from '../js/index.mjs';

const WORKERS = 4, BATCHES = 24, ROWS = 200;
const enc = new TextEncoder(), dec = new TextDecoder();

if (isMainThread) {
  const fs = await MemoryFileSystem.create({ maxQuota: 256 * 1024 });
  for (const d of ['/raw', '/processed', '/output']) await fs.mkdir(d);
  // Stage raw CSV batches.
  for (let b = 0; b < BATCHES; b++) {
    let csv = 'id,amount\n';
    for (let r = 0; r < ROWS; r++) csv += `${b * ROWS + r},${((b * 31 + r * 17) % 1000) / 10}\n`;
    await fs.writeFile(`/raw/batch-${String(b).padStart(2, '0')}.csv`, enc.encode(csv));
  }
  let done = 0;
  const bar = () => {
    const w = 30, f = Math.round((done / BATCHES) * w);
    process.stdout.write(`\r[${'#'.repeat(f)}${'.'.repeat(w - f)}] ${done}/${BATCHES} batches`);
  };
  bar();
  const jobs = Array.from({ length: BATCHES }, (_, b) => b);
  const workers = Array.from({ length: WORKERS }, (_, id) => {
    const d = fs.share();
    const w = new Worker(new URL(import.meta.url), { workerData: { d, id } });
    return new Promise((resolve, reject) => {
      const next = () => w.postMessage(jobs.length ? { batch: jobs.shift() } : { stop: true });
      w.on('message', (m) => {
        if (m.ready) return next();
        if (m.done !== undefined) { done++; bar(); return next(); }
        if (m.stopped) resolve();
      });
      w.on('error', reject);
    });
  });
  await Promise.all(workers);
  process.stdout.write('\n');
  // One report file too big for what is left of the quota: rejected cleanly, nothing written.
  const st = await fs.stats();
  try {
    await fs.writeFile('/output/report-full.bin', new Uint8Array(st.freeBytes + 1));
  } catch (e) {
    if (e.code !== 'ENOSPC') throw e;
    console.log(`quota: report rejected (${e.code}): requested ${e.requested} B, available ${e.available} B`);
  }
  const out = await fs.listdir('/output');
  let total = 0;
  for (const n of out) total += JSON.parse(dec.decode(await fs.readFile(`/output/${n}`))).total;
  console.log(`outputs: ${out.length}, grand total ${total.toFixed(1)}`);
  console.log('stats:', await fs.stats());
  await fs.close();
} else {
  const fs = await MemoryFileSystem.attach(workerData.d);
  parentPort.on('message', async ({ batch, stop }) => {
    if (stop) { await fs.close(); parentPort.postMessage({ stopped: true }); parentPort.close(); return; }
    const name = `batch-${String(batch).padStart(2, '0')}`;
    // raw → processed: parse and normalize, then drop the raw file to free quota.
    const rows = dec.decode(await fs.readFile(`/raw/${name}.csv`)).trim().split('\n').slice(1)
      .map((l) => { const [id, amount] = l.split(','); return { id: +id, cents: Math.round(+amount * 100) }; });
    await fs.writeFile(`/processed/${name}.json`, enc.encode(JSON.stringify(rows)));
    await fs.remove(`/raw/${name}.csv`);
    // processed → output: aggregate.
    const p = JSON.parse(dec.decode(await fs.readFile(`/processed/${name}.json`)));
    const total = p.reduce((a, r) => a + r.cents, 0) / 100;
    await fs.writeFile(`/output/${name}.json`, enc.encode(JSON.stringify({ batch, rows: p.length, total, by: workerData.id })));
    await fs.remove(`/processed/${name}.json`);
    parentPort.postMessage({ done: batch });
  });
  parentPort.postMessage({ ready: true });
}
