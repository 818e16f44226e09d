import { makeNodeFs } from './_nodefs.mjs';
export default makeNodeFs({ name: 'nodefs-disk-sync', label: 'node:fs /tmp (sync)', base: '/tmp', api: 'sync' });
