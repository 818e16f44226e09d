// memfs: a JS in-memory implementation of the node:fs API; one Volume per filesystem.
import { syncFs, promiseFs } from './_nodelike.mjs';
const NO_SHARE = 'memfs keeps its tree in JS objects of one isolate; it cannot be shared between workers';
export function makeMemfs(api) {
  return {
    info: { name: `memfs-${api}`, label: `memfs (${api})`, kind: 'peer', api, shareable: false, noShareReason: NO_SHARE },
    async available() { await import('memfs'); },
    async createFs() {
      const { Volume } = await import('memfs');
      const vol = new Volume();
      const reset = () => { vol.reset(); };
      return api === 'sync' ? syncFs(vol, '', reset) : promiseFs(vol.promises, '', reset);
    },
  };
}
