// wasm-single: clang wasm32-wasi reactor, no threads, loaded with our own WASI shim.
import { Runtime } from './runtime-common.mjs';
import { compileWasm } from './runtime-load.mjs';
import { instantiateWasi } from './wasi-shim.mjs';

export async function loadSingle() {
  const module = await compileWasm('dmemfs-single.wasm');
  const instance = await instantiateWasi(module);
  return new Runtime(instance.exports, instance.exports.memory, { build: 'single', shared: false, module });
}
