// node:fs on a real directory (tmpfs /dev/shm or disk under /tmp); a fresh temp dir per filesystem.
import * as fs from 'node:fs';
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { syncFs, promiseFs } from './_nodelike.mjs';

export function makeNodeFs({ name, label, base, api }) {
  const make = (root) => {
    const ops = api === 'sync' ? syncFs(fs, root) : promiseFs(fs.promises, root);
    return { ...ops, share: () => ({ root }), close: () => {} };
  };
  return {
    info: { name, label, kind: 'peer', api, shareable: true },
    async available() {
      const s = statfsSync(base);
      if (base === '/dev/shm' && s.type !== 0x01021994) throw new Error('/dev/shm is not tmpfs');
    },
    async createFs() {
      const root = mkdtempSync(join(base, 'dmfs-bench-'));
      const f = make(root);
      // the temp dir goes away when the filesystem is closed
      f.close = () => rmSync(root, { recursive: true, force: true });
      return f;
    },
    async attach(shared) { return make(shared.root); },
  };
}
