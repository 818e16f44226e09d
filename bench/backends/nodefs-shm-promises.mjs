import { makeNodeFs } from './_nodefs.mjs';
export default makeNodeFs({ name: 'nodefs-shm-promises', label: 'node:fs /dev/shm (promises)', base: '/dev/shm', api: 'promises' });
