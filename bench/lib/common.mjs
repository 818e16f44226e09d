// Shared helpers of the benchmark: parameters, seeded RNG, stopwatch, verification.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const ROOT_DIR = dirname(BENCH_DIR);
export const KiB = 1024;
export const MiB = 1024 * 1024;

// Full parameters are fixed by the task; quick ones only shrink the big cases.
export function params({ quick = false, largeReadSize } = {}) {
  return {
    quick,
    smallFiles: 300, smallSize: 4096,
    streamChunk: 64 * KiB, streamWrites: 256,           // 16 MiB
    randomWrites: 256,
    largeChunk: MiB, largeWrites: quick ? 64 : 512,      // 512 MiB (quick: 64 MiB)
    largeReadSize: largeReadSize ?? MiB,
    manyFiles: quick ? 1000 : 10000, manySize: 4096, manyReads: quick ? 500 : 5000,
    deepLevels: 50, deepSize: 1024, deepReads: 1000,
    metaEntries: quick ? 1000 : 10000,
    poolWorkers: 4, poolFiles: 500, poolSize: 4096,
    seed: 42,
  };
}

// mulberry32: tiny, seedable, and trivial to reproduce bit-exactly in C (native_bench.c).
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
// floor(u * n / 2^32); exact while n <= 2^21 (C computes ((uint64)u * n) >> 32).
export function randIndex(next, n) {
  if (n > 2 ** 21) throw new RangeError('randIndex: n too large for exact arithmetic');
  return Math.floor((next() * n) / 4294967296);
}

export function loadOffsets() {
  return JSON.parse(readFileSync(join(BENCH_DIR, 'offsets-42.json'), 'utf8')).offsets;
}

// V8 keeps the shape (hidden class) of objects built field by field only while one of them
// lives. The harness collects garbage before every sample, and every adapter, handle wrapper
// and stopwatch of the previous sample is dead by then: their shapes went with them, and the
// workload's optimized code (built for those shapes) was thrown away and compiled again in
// the next sample ("weak objects" in --trace-deopt), a cost of the harness, not of the
// backend. Each backend file keeps one instance of each of its classes here for the whole
// process (built with empty fields: they hold no filesystem), the same for every backend.
const SHAPES = [];
export function keepShapes(...objects) { SHAPES.push(...objects); }

// Accumulates only the timed segments, so verification does not count.
export class Stopwatch {
  constructor() { this.total = 0; this.t0 = -1; }
  start() { this.t0 = performance.now(); }
  stop() { this.total += performance.now() - this.t0; this.t0 = -1; }
}
keepShapes(new Stopwatch());

export class VerifyError extends Error {}
export function check(cond, msg) { if (!cond) throw new VerifyError(`verification failed: ${msg}`); }
export function sameBytes(a, b) {
  if (!(a instanceof Uint8Array)) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
export function filled(n, byte) { return new Uint8Array(n).fill(byte); }
export const pad5 = (i) => String(i).padStart(5, '0');
