// Module worker of the dmemfs browser demo: attaches to the page's filesystem through the
// share() descriptor and writes files beside the page. Reports each write so the page can
// refresh its tree. Messages in: a share() descriptor, then {op: 'write-more'}.
import { MemoryFileSystem } from '../../js/index.mjs';

let fs = null;
let n = 0;
const enc = new TextEncoder();

async function writeOne(path, data) {
  await fs.writeFile(path, data);
  self.postMessage({ type: 'wrote', path, size: data.length });
}

async function firstBatch() {
  await fs.mkdir('/worker/data', { existOk: true });
  await writeOne('/worker/hello.txt', enc.encode(`Hello from a Web Worker at ${new Date().toISOString()}\n`));
  const rows = ['n,square,cube'];
  for (let i = 1; i <= 200; i++) rows.push(`${i},${i * i},${i * i * i}`);
  await writeOne('/worker/data/numbers.csv', enc.encode(rows.join('\n') + '\n'));
  const noise = new Uint8Array(16384);
  crypto.getRandomValues(noise);
  await writeOne('/worker/data/random.bin', noise);
}

self.onmessage = async ({ data }) => {
  try {
    if (data?.op === 'write-more' && !fs) throw new Error('not attached yet');
    if (data && data.op === undefined) { // anything but a command is taken as the descriptor
      fs = await MemoryFileSystem.attach(data);
      self.postMessage({ type: 'attached' });
      await firstBatch();
      self.postMessage({ type: 'done' });
    } else if (data.op === 'write-more') {
      n++;
      await writeOne(`/worker/extra-${n}.txt`, enc.encode(`extra file #${n} written by the worker\n`.repeat(50)));
    }
  } catch (e) {
    self.postMessage({ type: 'error', name: e?.name, code: e?.code, message: e?.message });
  }
};
self.postMessage({ type: 'ready' });
