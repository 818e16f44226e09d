// One worker of worker_pool's pool. The pool is started once per child process and stays
// attached to one shared filesystem (a worker pool is long-lived; the warm-up sample warms
// these workers as it warms the main thread in the other cases). On 'prep' (untimed): remove
// this worker's files of the previous sample, so each sample starts empty. On 'go': write
// this worker's 500 files, wait at a barrier for all workers, read all files of all workers;
// then (untimed) verify them.
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { BENCH_DIR, filled, sameBytes } from './lib/common.mjs';

const { backend, shared, id, p, sab } = workerData;
const counter = new Int32Array(sab);
const fileByte = (w, i) => (w * 31 + i) & 0xff;
const pathOf = (w, i) => `/w${w}/f${String(i).padStart(5, '0')}.bin`;
const fail = (e) => parentPort.postMessage({ type: 'error', message: String(e?.stack ?? e) });

try {
  const b = (await import(pathToFileURL(join(BENCH_DIR, 'backends', `${backend}.mjs`)).href)).default;
  const f = await b.attach(shared);
  let written = false;
  const bufs = Array.from({ length: 256 }, (_, v) => filled(p.poolSize, v));
  parentPort.on('message', async (m) => {
    try {
      if (m === 'end') { await f.close?.(); parentPort.postMessage({ type: 'ended' }); return; }
      if (m === 'prep') { // untimed: remove the previous sample's files, so each sample starts empty
        if (written) {
          for (let i = 0; i < p.poolFiles; i++) await f.remove(pathOf(id, i));
          await f.rmdir(`/w${id}`);
          written = false;
        }
        parentPort.postMessage({ type: 'prepared' });
        return;
      }
      await f.mkdir(`/w${id}`);
      for (let i = 0; i < p.poolFiles; i++) {
        const h = await f.open(pathOf(id, i), 'wb');
        await h.write(bufs[fileByte(id, i)]);
        await h.close();
      }
      written = true;
      Atomics.add(counter, 0, 1);
      Atomics.notify(counter, 0);
      for (let v; (v = Atomics.load(counter, 0)) < p.poolWorkers;) Atomics.wait(counter, 0, v, 10000);
      const got = [];
      for (let w = 0; w < p.poolWorkers; w++) for (let i = 0; i < p.poolFiles; i++) got.push(await f.readFile(pathOf(w, i)));
      parentPort.postMessage({ type: 'done' });
      let k = 0, bad = null;
      for (let w = 0; w < p.poolWorkers && !bad; w++) for (let i = 0; i < p.poolFiles; i++, k++) {
        if (!sameBytes(got[k], bufs[fileByte(w, i)])) { bad = `worker ${id} read wrong data in ${pathOf(w, i)}`; break; }
      }
      parentPort.postMessage(bad ? { type: 'error', message: `verification failed: ${bad}` } : { type: 'verified' });
    } catch (e) { fail(e); }
  });
  parentPort.postMessage({ type: 'ready' });
} catch (e) { fail(e); }
