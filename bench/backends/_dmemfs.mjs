// dmemfs through its promise API (js/index.mjs), wasm-threads or wasm-single.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT_DIR, keepShapes } from '../lib/common.mjs';

const ENTRY = join(ROOT_DIR, 'js', 'index.mjs');
const hooks = () => import(pathToFileURL(join(ROOT_DIR, 'js', 'testing-hooks.mjs')).href);
async function load() {
  if (!existsSync(ENTRY)) throw new Error('js/index.mjs does not exist yet');
  return import(pathToFileURL(ENTRY).href);
}

// Memory of a dmemfs instance against the bound (wasm memory in use ≤ stored bytes +
// 256 bytes per node): the core's own allocation count (test hook, every byte the core has
// malloc'ed and not freed: nodes, names, indexes, chunks), the bytes stored (stats() minus
// the chunk overhead it charges) and the nodes; plus the size of the wasm memory.
async function memoryOf(fs) {
  const st = await fs.stats();
  return {
    wasmBytes: fs._rt.memory.buffer.byteLength,
    coreHeapBytes: (await hooks()).debugHeapBytes(fs),
    storedBytes: st.usedBytes - st.chunkCount * st.overheadPerChunk,
    chargedBytes: st.usedBytes,
    nodes: st.fileCount + st.dirCount,
    chunks: st.chunkCount,
  };
}

// Methods on prototypes, not closures per filesystem or handle: the workloads' call sites
// then see one target each sample (a fresh closure per object deoptimizes them every sample).
class Handle {
  constructor(h) { this.h = h; }
  write(u8) { return this.h.write(u8); }
  read(n = -1) { return this.h.read(n); }
  seek(off) { return this.h.seek(off, 0); }
  close() { return this.h.close(); }
}

class Adapter {
  constructor(fs) { this.fs = fs; }
  mkdir(p) { return this.fs.mkdir(p, { existOk: true }); }
  async open(p, mode) { return new Handle(await this.fs.open(p, mode)); }
  stat(p) { return this.fs.stat(p); }
  listdir(p) { return this.fs.listdir(p); }
  rename(a, b) { return this.fs.rename(a, b); }
  remove(p) { return this.fs.remove(p); }
  rmdir(p) { return this.fs.rmtree(p); } // remove() on a directory is EISDIR (SPEC §7.5); rmtree is the way
  readFile(p) { return this.fs.readFile(p); }
  writeFile(p, d) { return this.fs.writeFile(p, d); }
  share() { return this.fs.share(); }
  memory() { return memoryOf(this.fs); }
  close() { return this.fs.close(); }
}

// One instance of each class lives for the whole process (see SHAPES in lib/common.mjs).
keepShapes(new Handle(null), new Adapter(null));

export function makeDmemfs(build) {
  return {
    info: {
      name: `dmemfs-${build}`, label: `dmemfs wasm-${build}`, kind: 'dmemfs', api: 'promises',
      shareable: build === 'threads',
      noShareReason: build === 'single' ? 'wasm-single has no shared memory: share() is ENOTSUP by design (SPEC §2.6)' : undefined,
    },
    async available() {
      const m = await load();
      const fs = await m.MemoryFileSystem.create({ build, maxQuota: 1 << 20 });
      try {
        if (build === 'threads') {
          // worker_pool needs share()/attach(); report precisely when they do not work yet
          try {
            if (typeof m.MemoryFileSystem.attach !== 'function') throw new Error('MemoryFileSystem.attach is missing');
            fs.share();
            this.info.shareable = true;
          } catch (e) {
            this.info.shareable = false;
            this.info.noShareReason = `share()/attach() not usable yet: ${e?.message ?? e}`;
          }
        }
      } finally { await fs.close(); }
    },
    async createFs({ quota } = {}) {
      const m = await load();
      return new Adapter(await m.MemoryFileSystem.create({ build, maxQuota: quota ?? 256 * 1024 * 1024 }));
    },
    async attach(shared) {
      const m = await load();
      return new Adapter(await m.MemoryFileSystem.attach(shared));
    },
  };
}
