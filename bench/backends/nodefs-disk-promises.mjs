import { makeNodeFs } from './_nodefs.mjs';
export default makeNodeFs({ name: 'nodefs-disk-promises', label: 'node:fs /tmp (promises)', base: '/tmp', api: 'promises' });
