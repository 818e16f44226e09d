import { makeMemfs } from './_memfs.mjs';
export default makeMemfs('sync');
