// Package-private pieces shared by fs.mjs, handle.mjs and text.mjs (not exported by index.mjs).
import { DMemFSError, QuotaExceededError, NodeLimitExceededError } from './errors.mjs';
import table from '../dist/constants.mjs';

export const TOKEN = Symbol('dmemfs.internal');
export const noop = () => {};

/** The core's error table (generated into dist/ from dmfs_error_at by scripts/dist.sh). */
export const ERRORS = table.errors;
export const E = Object.fromEntries(ERRORS.map((e) => [e.name, e.value]));
const BY_VALUE = new Map(ERRORS.map((e) => [e.value, e]));

export const KIND_BYTES = 1, KIND_NODES = 2;
/** lastError().kind of an EAGAIN that only the (briefly held) structure lock caused. */
export const KIND_STRUCTURE = 3;

/**
 * The §4.3 error object for a negative code. info: lastError() captured right after the
 * failing call (only ENOSPC uses it).
 */
export function makeError(errno, syscall, path, dest, detail, info) {
  const row = BY_VALUE.get(errno) || { name: 'UNKNOWN', message: 'unknown error' };
  const base = { code: row.name, errno, description: row.message, syscall, path, dest, detail };
  if (errno === E.ENOSPC && info && info.kind === KIND_NODES) {
    return new NodeLimitExceededError({ ...base, detail: undefined, current: info.current, limit: info.limit,
      requested: info.requested, available: info.available });
  }
  if (errno === E.ENOSPC && info && info.kind === KIND_BYTES) {
    return new QuotaExceededError({ ...base, detail: undefined, requested: info.requested, available: info.available });
  }
  return new DMemFSError(base);
}
