// The few WASI preview1 imports the wasm-single build uses (clocks; safe stubs for the
// rest). No node:wasi: it runs in browsers too. Returns errno numbers of WASI.
const SUCCESS = 0, EBADF = 8, ENOSYS = 52;

export function makeWasiImports(getMemory) {
  const view = () => new DataView(getMemory().buffer);
  const put64 = (ptr, n) => {   // n: a non-negative number of nanoseconds (no BigInt)
    const v = view();
    v.setUint32(ptr, n % 4294967296, true);
    v.setUint32(ptr + 4, Math.floor(n / 4294967296), true);
  };
  return {
    clock_time_get(id, _precision, ptr) {
      // 0 realtime, 1 monotonic (2, 3: CPU clocks, served as monotonic).
      const ms = id === 0 ? Date.now() : performance.timeOrigin + performance.now();
      put64(ptr, Math.round(ms * 1e6));
      return SUCCESS;
    },
    clock_res_get(_id, ptr) { put64(ptr, 1000); return SUCCESS; },
    random_get(ptr, len) {
      const tmp = new Uint8Array(len);
      for (let i = 0; i < len; i += 65536) crypto.getRandomValues(tmp.subarray(i, Math.min(len, i + 65536)));
      new Uint8Array(getMemory().buffer, ptr, len).set(tmp);
      return SUCCESS;
    },
    fd_write: () => EBADF, fd_close: () => EBADF, fd_seek: () => EBADF, fd_fdstat_get: () => EBADF,
    fd_read: () => EBADF, fd_prestat_get: () => EBADF, fd_prestat_dir_name: () => EBADF,
    environ_sizes_get(c, s) { const v = view(); v.setUint32(c, 0, true); v.setUint32(s, 0, true); return SUCCESS; },
    environ_get: () => SUCCESS,
    args_sizes_get(c, s) { const v = view(); v.setUint32(c, 0, true); v.setUint32(s, 0, true); return SUCCESS; },
    args_get: () => SUCCESS,
    sched_yield: () => SUCCESS,
    proc_exit(code) { throw new Error(`dmemfs: wasm called proc_exit(${code})`); },
  };
}

/** Instantiates a WASI reactor module; fills any other wasi import with an ENOSYS stub. */
export async function instantiateWasi(module) {
  let memory;
  const wasi = makeWasiImports(() => memory);
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.module === 'wasi_snapshot_preview1' && !(imp.name in wasi)) wasi[imp.name] = () => ENOSYS;
  }
  const instance = await WebAssembly.instantiate(module, { wasi_snapshot_preview1: wasi });
  memory = instance.exports.memory;
  if (typeof instance.exports._initialize === 'function') instance.exports._initialize();
  return instance;
}
