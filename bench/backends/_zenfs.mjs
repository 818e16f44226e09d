// @zenfs/core with the InMemory backend mounted at '/'; its fs is process-global, so each
// filesystem re-configures the root mount with a fresh InMemory store.
import { syncFs, promiseFs } from './_nodelike.mjs';
const NO_SHARE = 'the InMemory store lives in one isolate; @zenfs/core shares only through its Port backend (RPC to one owner), not a shared filesystem';
export function makeZenfs(api) {
  return {
    info: { name: `zenfs-${api}`, label: `@zenfs/core InMemory (${api})`, kind: 'peer', api, shareable: false, noShareReason: NO_SHARE },
    async available() { await import('@zenfs/core'); },
    async createFs() {
      const { configureSingle, InMemory, fs } = await import('@zenfs/core');
      await configureSingle({ backend: InMemory });
      return api === 'sync' ? syncFs(fs) : promiseFs(fs.promises);
    },
  };
}
