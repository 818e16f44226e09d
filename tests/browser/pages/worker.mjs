// Module worker for workers.html: attaches to a shared filesystem and runs commands.
// Messages: {id, op, args}; replies {id, ok, value} or {id, ok: false, error: {name, code, message}}.
import { MemoryFileSystem } from '../../../js/index.mjs';

let fs = null;
const held = new Map();
const enc = (s) => new TextEncoder().encode(s);
const dec = (u8) => new TextDecoder().decode(u8);

const ops = {
  async attach(descriptor) { fs = await MemoryFileSystem.attach(descriptor); return true; },
  async write(path, text) { const h = await fs.open(path, 'wb'); await h.write(enc(text)); await h.close(); return text.length; },
  async read(path) { return dec(await fs.readFile(path)); },
  async listdir(path) { return fs.listdir(path); },
  async hold(path, mode) { const h = await fs.open(path, mode, { lockTimeout: 0 }); held.set(path, h); return true; },
  async release(path) { const h = held.get(path); held.delete(path); await h.close(); return true; },
  async stats() { return fs.stats(); },
  async detach() { await fs.close(); return true; },
};

self.onmessage = async ({ data: { id, op, args } }) => {
  try {
    self.postMessage({ id, ok: true, value: await ops[op](...args) });
  } catch (e) {
    self.postMessage({ id, ok: false, error: { name: e?.name, code: e?.code, message: e?.message } });
  }
};
self.postMessage({ ready: true });
