// dmemfs: an in-memory filesystem with a hard byte quota (SPEC §2).
import table from '../dist/constants.mjs';

export { MemoryFileSystem } from './fs.mjs';
export { FileHandle } from './handle.mjs';
export { TextHandle } from './text.mjs';
export { DMemFSError, QuotaExceededError, NodeLimitExceededError } from './errors.mjs';

/** SEEK_* and the error numbers of §4.1, from the core's table. */
export const constants = Object.freeze({
  SEEK_SET: 0, SEEK_CUR: 1, SEEK_END: 2,
  ...Object.fromEntries(table.errors.map((e) => [e.name, e.value])),
});

/** The package version; equal to dmfs_version(). */
export const version = table.version;
