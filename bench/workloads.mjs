// The eight workloads. Each takes an adapter filesystem `f`, the parameters `p` and a Stopwatch
// `sw`; only what runs between sw.start() and sw.stop() is timed. Every byte read is verified
// (outside the timed segments) and a mismatch throws VerifyError.
import { check, sameBytes, filled, pad5, mulberry32, randIndex, loadOffsets } from './lib/common.mjs';

export const CASES = ['small_files_rw', 'stream_write_read', 'random_access_rw', 'large_stream_write_read',
  'many_files_random_read', 'deep_tree_read', 'metadata_ops', 'worker_pool'];

// Bytes moved per case (written + read), for GB/s.
export function bytesMoved(name, p) {
  switch (name) {
    case 'small_files_rw': return 2 * p.smallFiles * p.smallSize;
    case 'stream_write_read': return 2 * p.streamWrites * p.streamChunk;
    case 'random_access_rw': return 2 * p.streamWrites * p.streamChunk + p.randomWrites * p.streamChunk;
    case 'large_stream_write_read': return 2 * p.largeWrites * p.largeChunk;
    case 'many_files_random_read': return (p.manyFiles + p.manyReads) * p.manySize;
    case 'deep_tree_read': return p.deepReads * p.deepSize;
    case 'worker_pool': return p.poolWorkers * p.poolFiles * p.poolSize * (1 + p.poolWorkers);
    default: return 0;
  }
}

// Quota a dmemfs filesystem needs for the case (content + chunk overhead, with margin).
export function quotaFor(name, p) {
  if (name === 'large_stream_write_read') return p.largeWrites * p.largeChunk + 64 * 1024 * 1024;
  return 256 * 1024 * 1024;
}

// The content random_access_rw must read back, built once per process: a fresh 16 MiB buffer
// per sample would be freed together with the result at the next collection, and glibc then
// returns the pair to the kernel, so every sample's read would pay first-touch page faults
// for memory the harness (not the backend) churned.
let randomExpect = null;
function randomExpected(p, chunk, patch, offsets) {
  if (!randomExpect) {
    const e = new Uint8Array(p.streamWrites * p.streamChunk);
    for (let i = 0; i < p.streamWrites; i++) e.set(chunk, i * p.streamChunk);
    for (const off of offsets) e.set(patch, off);
    randomExpect = e;
  }
  return randomExpect;
}

async function writeStream(f, path, chunk, count) {
  const h = await f.open(path, 'wb');
  for (let i = 0; i < count; i++) await h.write(chunk);
  await h.close();
}

export const workloads = {
  async small_files_rw(f, p, sw) {
    const data = filled(p.smallSize, 0x78); // 'x'
    const got = new Array(p.smallFiles);
    sw.start();
    await f.mkdir('/bench');
    for (let i = 0; i < p.smallFiles; i++) {
      const h = await f.open(`/bench/f${pad5(i)}.bin`, 'wb');
      await h.write(data);
      await h.close();
    }
    for (let i = 0; i < p.smallFiles; i++) {
      const h = await f.open(`/bench/f${pad5(i)}.bin`, 'rb');
      got[i] = await h.read();
      await h.close();
    }
    sw.stop();
    for (let i = 0; i < p.smallFiles; i++) check(sameBytes(got[i], data), `small file ${i}`);
  },

  async stream_write_read(f, p, sw) {
    const chunk = streamChunk(p);
    sw.start();
    await writeStream(f, '/stream.bin', chunk, p.streamWrites);
    const h = await f.open('/stream.bin', 'rb');
    const all = await h.read();
    await h.close();
    sw.stop();
    check(all.length === p.streamWrites * p.streamChunk, `stream size ${all.length}`);
    for (let i = 0; i < p.streamWrites; i++) check(sameBytes(all.subarray(i * p.streamChunk, (i + 1) * p.streamChunk), chunk), `stream chunk ${i}`);
  },

  async random_access_rw(f, p, sw) {
    const chunk = streamChunk(p);
    const patch = filled(p.streamChunk, 0xa5);
    const offsets = loadOffsets().slice(0, p.randomWrites);
    sw.start();
    await writeStream(f, '/random.bin', chunk, p.streamWrites);
    const h = await f.open('/random.bin', 'r+b');
    for (const off of offsets) { await h.seek(off); await h.write(patch); }
    await h.close();
    const r = await f.open('/random.bin', 'rb');
    const all = await r.read();
    await r.close();
    sw.stop();
    const size = p.streamWrites * p.streamChunk;
    check(all.length === size, `random size ${all.length}`);
    check(sameBytes(all, randomExpected(p, chunk, patch, offsets)), 'random_access content');
  },

  async large_stream_write_read(f, p, sw) {
    const chunk = new Uint8Array(p.largeChunk);
    for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 7 + 3) & 0xff;
    sw.start();
    await writeStream(f, '/large.bin', chunk, p.largeWrites);
    const h = await f.open('/large.bin', 'rb');
    sw.stop();
    // reads of readSize; each is compared (untimed) against the expected slice of the pattern
    const total = p.largeWrites * p.largeChunk;
    let pos = 0;
    for (;;) {
      sw.start();
      const b = await h.read(p.largeReadSize);
      sw.stop();
      if (b.length === 0) break;
      check(b.length <= p.largeReadSize, 'large read too long');
      let off = 0;
      while (off < b.length) {
        const inChunk = (pos + off) % p.largeChunk;
        const n = Math.min(b.length - off, p.largeChunk - inChunk);
        check(sameBytes(b.subarray(off, off + n), chunk.subarray(inChunk, inChunk + n)), `large content at ${pos + off}`);
        off += n;
      }
      pos += b.length;
    }
    sw.start();
    await h.close();
    sw.stop();
    check(pos === total, `large size ${pos}`);
  },

  async many_files_random_read(f, p, sw) {
    const bufs = Array.from({ length: 256 }, (_, b) => filled(p.manySize, b));
    const next = mulberry32(p.seed);
    const picks = Array.from({ length: p.manyReads }, () => randIndex(next, p.manyFiles));
    const got = new Array(p.manyReads);
    sw.start();
    for (let i = 0; i < p.manyFiles; i++) await f.writeFile(`/m${pad5(i)}.bin`, bufs[i & 255]);
    for (let k = 0; k < p.manyReads; k++) got[k] = await f.readFile(`/m${pad5(picks[k])}.bin`);
    sw.stop();
    for (let k = 0; k < p.manyReads; k++) check(sameBytes(got[k], bufs[picks[k] & 255]), `many_files read ${k} (file ${picks[k]})`);
  },

  async deep_tree_read(f, p, sw) {
    let dir = '';
    for (let i = 0; i < p.deepLevels; i++) dir += `/d${String(i).padStart(2, '0')}`;
    const data = new Uint8Array(p.deepSize);
    for (let i = 0; i < data.length; i++) data[i] = i & 0xff;
    const path = `${dir}/leaf.bin`;
    await f.mkdir(dir);          // setup is not timed: the case measures lookups through 50 levels
    await f.writeFile(path, data);
    const got = new Array(p.deepReads);
    sw.start();
    for (let i = 0; i < p.deepReads; i++) got[i] = await f.readFile(path);
    sw.stop();
    for (let i = 0; i < p.deepReads; i++) check(sameBytes(got[i], data), `deep read ${i}`);
  },

  // Entries are directories: mkdir creates them, rmdir-equivalent removes them
  // (dmemfs: rmtree, since remove() of a directory is EISDIR by SPEC §7.5).
  async metadata_ops(f, p, sw) {
    const n = p.metaEntries;
    const stats = new Array(n);
    sw.start();
    await f.mkdir('/meta');
    for (let i = 0; i < n; i++) await f.mkdir(`/meta/d${pad5(i)}`);
    for (let i = 0; i < n; i++) stats[i] = await f.stat(`/meta/d${pad5(i)}`);
    const listed = await f.listdir('/meta');
    for (let i = 0; i < n; i++) await f.rename(`/meta/d${pad5(i)}`, `/meta/r${pad5(i)}`);
    const renamed = await f.listdir('/meta');
    for (let i = 0; i < n; i++) await f.rmdir(`/meta/r${pad5(i)}`);
    const left = await f.listdir('/meta');
    sw.stop();
    for (let i = 0; i < n; i++) check(stats[i].isDir === true, `stat ${i} not a directory`);
    check(listed.length === n && new Set(listed).size === n && listed.every((x) => /^d\d{5}$/.test(x)), 'listdir after mkdir');
    check(renamed.length === n && renamed.every((x) => /^r\d{5}$/.test(x)), 'listdir after rename');
    check(left.length === 0, 'listdir after remove');
  },
};

function streamChunk(p) {
  const c = new Uint8Array(p.streamChunk);
  for (let i = 0; i < c.length; i++) c[i] = (i * 31 + 1) & 0xff;
  return c;
}
