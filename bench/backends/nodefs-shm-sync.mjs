import { makeNodeFs } from './_nodefs.mjs';
export default makeNodeFs({ name: 'nodefs-shm-sync', label: 'node:fs /dev/shm (sync)', base: '/dev/shm', api: 'sync' });
