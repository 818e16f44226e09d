// wasm-threads: the Emscripten -pthread build (shared memory). Always instantiated through
// instantiateWasm with a module we compiled ourselves: the glue's own fetch is never used
// (it fails on Node 20), and we keep the module for share().
import { Runtime } from './runtime-common.mjs';
import { compileWasm, distURL } from './runtime-load.mjs';

let threadsOk; // asked once: a probe memory reserves address space until it is collected

export function threadsAvailable() {
  if (threadsOk === undefined) threadsOk = probeThreads();
  return threadsOk;
}

function probeThreads() {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return false;
  if (typeof Atomics.waitAsync !== 'function') return false;
  if (typeof globalThis.crossOriginIsolated === 'boolean' && !globalThis.crossOriginIsolated) return false;
  try {
    // eslint-disable-next-line no-new
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
}

export async function loadThreads() {
  const [module, glue] = await Promise.all([
    compileWasm('dmemfs-threads.wasm'),
    import(distURL('dmemfs-threads.mjs').href),
  ]);
  let instance = null;
  const M = await glue.default({
    instantiateWasm(imports, receive) {
      WebAssembly.instantiate(module, imports).then((inst) => { instance = inst; receive(inst, module); });
      return {};
    },
  });
  return new Runtime(instance.exports, M.wasmMemory, { build: 'threads', shared: true, module, extra: M });
}
