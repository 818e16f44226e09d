// Attaches to a shared filesystem (threads build) and reads a file the page wrote.
import { MemoryFileSystem } from 'dmemfs';

self.onmessage = async ({ data }) => {
  try {
    self.postMessage({ step: 'attaching' });
    const fs = await MemoryFileSystem.attach(data);
    self.postMessage({ step: 'attached' });
    const text = new TextDecoder().decode(await fs.readFile('/docs/a.txt'));
    await fs.writeFile('/docs/from-worker.txt', new TextEncoder().encode('worker was here'));
    await fs.close();
    self.postMessage({ text });
  } catch (e) {
    self.postMessage({ error: String((e && e.stack) || e) });
  }
};
