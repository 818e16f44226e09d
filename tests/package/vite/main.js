// Imports dmemfs as a bundled dependency; reports per build into #out and window.__result.
import { MemoryFileSystem, QuotaExceededError, version } from 'dmemfs';

// share() → a Vite-bundled module Worker → attach(): reads the page's file, writes one back.
async function viaWorker(fs) {
  const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  const steps = []; // progress from the worker, for the failure message
  try {
    const reply = await new Promise((resolve, reject) => {
      w.onmessage = (e) => (e.data.step ? steps.push(e.data.step) : resolve(e.data));
      w.onerror = (e) => reject(new Error(`worker error: ${e.message}`));
      setTimeout(() => reject(new Error(`no reply from the worker in 15 s; steps: ${steps.join(',') || 'none'}`)), 15_000);
      w.postMessage(fs.share());
    });
    if (reply.error) return reply;
    const back = new TextDecoder().decode(await fs.readFile('/docs/from-worker.txt'));
    return { read: reply.text, wrote: back };
  } finally {
    w.terminate();
  }
}

async function run(build) {
  const fs = await MemoryFileSystem.create({ build, maxQuota: 4096 });
  try {
    await fs.mkdir('/docs');
    await fs.writeFile('/docs/a.txt', new TextEncoder().encode(`hello from ${build}`));
    const text = new TextDecoder().decode(await fs.readFile('/docs/a.txt'));
    let quota = 'none';
    try { await fs.writeFile('/big', new Uint8Array(1 << 20)); } catch (e) {
      quota = e instanceof QuotaExceededError ? e.code : `wrong: ${e}`;
    }
    const out = { build: fs.build, text, quota, listing: await fs.listdir('/docs') };
    if (build === 'threads') {
      try { result.share = await viaWorker(fs); } catch (e) { result.share = { error: String(e) }; }
    }
    return out;
  } finally {
    await fs.close();
  }
}

// No top-level await: Vite's default build target (es2020) rejects it.
const result = { version, crossOriginIsolated: globalThis.crossOriginIsolated === true };
async function main() {
  for (const build of ['single', 'threads']) {
    try { result[build] = await run(build); } catch (e) { result[build] = { error: String((e && e.stack) || e) }; }
  }
  document.getElementById('out').textContent = JSON.stringify(result, null, 2);
  window.__result = result;
}
main();
