// node:fs on a real directory (tmpfs /dev/shm or disk under /tmp); a fresh temp dir per filesystem.
import * as fs from 'node:fs';
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { syncFs, promiseFs } from './_nodelike.mjs';

export function makeNodeFs({ name, label, base, api }) {
  // onClose: what close() does (the creator removes its temp dir; an attached worker nothing)
  const make = (root, onClose) => (api === 'sync' ? syncFs(fs, root, onClose) : promiseFs(fs.promises, root, onClose));
  return {
    info: { name, label, kind: 'peer', api, shareable: true },
    async available() {
      const s = statfsSync(base);
      if (base === '/dev/shm' && s.type !== 0x01021994) throw new Error('/dev/shm is not tmpfs');
    },
    async createFs() {
      const root = mkdtempSync(join(base, 'dmfs-bench-'));
      // the temp dir goes away when the filesystem is closed
      return make(root, () => rmSync(root, { recursive: true, force: true }));
    },
    async attach(shared) { return make(shared.root); },
  };
}
