// dmemfs/testing: a fresh MemoryFileSystem per node:test test, closed afterwards
// (the counterpart of D-MemFS's pytest fixture).
import { beforeEach, afterEach } from 'node:test';
import { MemoryFileSystem } from './index.mjs';

const utf8 = new TextEncoder();

function splitOptions(options) {
  if (options === undefined || options === null) return { create: {}, files: null };
  if (typeof options !== 'object') {
    const err = new TypeError(`The "options" argument must be of type object. Received ${typeof options}`);
    err.code = 'ERR_INVALID_ARG_TYPE';
    throw err;
  }
  const { files = null, ...create } = options;
  return { create, files };
}

/** Creates the filesystem and imports `files` (strings are stored as UTF-8). */
async function createFs({ create, files }) {
  const fs = await MemoryFileSystem.create(create);
  if (files) {
    try {
      const entries = files instanceof Map ? [...files] : Object.entries(files);
      await fs.importTree(entries.map(([p, v]) => [p, typeof v === 'string' ? utf8.encode(v) : v]));
    } catch (e) {
      await fs.close();
      throw e;
    }
  }
  return fs;
}

/**
 * Registers beforeEach/afterEach hooks on the current suite (or the file, at top level):
 * every test gets a new filesystem created with `options` (MemoryFileSystem.create
 * options, plus `files`: path → string | Uint8Array to import first), closed after the
 * test whatever its outcome. Returns an accessor for the current test's filesystem.
 * @returns {() => MemoryFileSystem}
 */
export function useMemoryFs(options) {
  const opts = splitOptions(options);
  let current = null;
  beforeEach(async () => {
    current = await createFs(opts);
  });
  afterEach(async () => {
    const fs = current;
    current = null;
    if (fs) await fs.close();
  });
  return function memoryFs() {
    if (current === null) {
      throw new Error('useMemoryFs(): the filesystem exists only while a test of this suite runs');
    }
    return current;
  };
}

/**
 * Runs `fn(fs)` with a new filesystem and closes it afterwards, also when `fn` throws.
 * `options` may be omitted: withMemoryFs(fn).
 */
export async function withMemoryFs(options, fn) {
  if (typeof options === 'function' && fn === undefined) {
    fn = options;
    options = undefined;
  }
  if (typeof fn !== 'function') {
    const err = new TypeError(`The "fn" argument must be of type function. Received ${typeof fn}`);
    err.code = 'ERR_INVALID_ARG_TYPE';
    throw err;
  }
  const fs = await createFs(splitOptions(options));
  try {
    return await fn(fs);
  } finally {
    await fs.close();
  }
}
