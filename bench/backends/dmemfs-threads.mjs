import { makeDmemfs } from './_dmemfs.mjs';
export default makeDmemfs('threads');
