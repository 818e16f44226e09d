// Physical copy limits in JS, printed as JSON lines: Uint8Array.set and wasm memory.copy
// (a hand-assembled module, so no toolchain is needed). Copy 64 MiB, best of 12.
const N = 64 * 1024 * 1024;
const best = (fn) => { let b = Infinity; for (let i = 0; i < 12; i++) { const t0 = performance.now(); fn(); b = Math.min(b, performance.now() - t0); } return b; };
const gbps = (ms) => N / (ms / 1e3) / 1e9;

const src = new Uint8Array(N).fill(1), dst = new Uint8Array(N).fill(2);
console.log(JSON.stringify({ limit: 'js_u8_set', label: 'JS Uint8Array.set (64 MiB)', gbps: +gbps(best(() => dst.set(src))).toFixed(3) }));

// (module (memory (export "mem") 2049) (func (export "copy") (param i32 i32 i32)
//   local.get 0 local.get 1 local.get 2 memory.copy))
const bytes = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x07, 0x01, 0x60, 0x03, 0x7f, 0x7f, 0x7f, 0x00,
  0x03, 0x02, 0x01, 0x00,
  0x05, 0x04, 0x01, 0x00, 0x81, 0x10,
  0x07, 0x0e, 0x02, 0x04, 0x63, 0x6f, 0x70, 0x79, 0x00, 0x00, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00,
  0x0a, 0x0e, 0x01, 0x0c, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfc, 0x0a, 0x00, 0x00, 0x0b,
]);
const { instance } = await WebAssembly.instantiate(bytes);
const { copy, mem } = instance.exports;
new Uint8Array(mem.buffer, 0, N).fill(3);
new Uint8Array(mem.buffer, N, N).fill(4);
const ms = best(() => copy(N, 0, N));
const check = new Uint8Array(mem.buffer);
if (check[N] !== 3 || check[2 * N - 1] !== 3 || check[0] !== 3) throw new Error('memory.copy did not copy');
console.log(JSON.stringify({ limit: 'wasm_memory_copy', label: 'wasm memory.copy (64 MiB)', gbps: +gbps(ms).toFixed(3) }));
