import { makeZenfs } from './_zenfs.mjs';
export default makeZenfs('promises');
