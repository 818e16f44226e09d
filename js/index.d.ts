// Types for the dmemfs package (SPEC §2).

export type Build = 'threads' | 'single';
export type Storage = 'auto' | 'sequential' | 'random_access';
export type OpenMode = 'rb' | 'wb' | 'ab' | 'r+b' | 'xb';

export interface CreateOptions {
  /** Bytes; integer 0…2^53−1; default 268435456. */
  maxQuota?: number;
  /** Nodes including root; integer or Infinity (default). */
  maxNodes?: number;
  defaultStorage?: Storage;
  promotionHardLimit?: number;
  chunkOverhead?: number;
  /** ms; integer or Infinity; default 30000. */
  defaultLockTimeout?: number;
  /** Synchronous; ms since the epoch; called at most once per operation. */
  clock?: () => number;
  build?: Build;
}

export interface LockOptions { lockTimeout?: number }
export interface OpenOptions extends LockOptions { preallocate?: number }
export interface ReadFileOptions extends LockOptions { maxSize?: number }
export interface ExportOptions extends LockOptions { prefix?: string; onlyDirty?: boolean; onProgress?: ProgressCallback }

export interface Progress { done: number; total: number }
/**
 * Called synchronously with a fresh object; if it throws, the call rejects with that error
 * (an export stops). A failed call never reports done === total.
 * - importTree: {done: 0, total: n} before the atomic import, {done: n, total: n} after
 *   success; n = number of entries given (before duplicate keys are merged).
 * - copyTree: {done: 0, total: 1} before the atomic copy, {done: 1, total: 1} after success.
 * - exportTree / iterExportTree: {done: 0, total} once the file list is known (total = files
 *   listed), then done + 1 as each file is produced; deleted files are skipped, so a
 *   complete export may end with done < total.
 */
export type ProgressCallback = (progress: Progress) => void;
export interface ImportOptions { onProgress?: ProgressCallback }
export interface CopyTreeOptions extends LockOptions { onProgress?: ProgressCallback }

export interface Stat { size: number; createdAt: number; modifiedAt: number; generation: number; isDir: boolean }
export interface Stats {
  usedBytes: number; quotaBytes: number; freeBytes: number; fileCount: number;
  dirCount: number; chunkCount: number; overheadPerChunk: number;
}

/** Structured-cloneable; from share(). */
export interface ShareDescriptor {
  readonly kind: 'dmemfs-share';
  readonly build: 'threads';
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly fsId: number;
  readonly defaultLockTimeout: number;
  /** Name of the BroadcastChannel the creating thread serves for attach(); no transfer list needed. */
  readonly channel: string;
}

export type ImportEntries =
  | Map<string, Uint8Array>
  | Record<string, Uint8Array>
  | Iterable<readonly [string, Uint8Array]>;

export declare class MemoryFileSystem implements AsyncDisposable {
  private constructor();
  static create(options?: CreateOptions): Promise<MemoryFileSystem>;
  static attach(descriptor: ShareDescriptor, options?: { clock?: () => number }): Promise<MemoryFileSystem>;
  readonly closed: boolean;
  /** The build this instance runs on. */
  readonly build: Build;
  open(path: string, mode?: OpenMode, options?: OpenOptions): Promise<FileHandle>;
  mkdir(path: string, options?: { existOk?: boolean }): Promise<void>;
  rename(src: string, dst: string): Promise<void>;
  move(src: string, dst: string): Promise<void>;
  remove(path: string): Promise<void>;
  rmtree(path: string): Promise<void>;
  listdir(path: string): Promise<string[]>;
  exists(path: string): Promise<boolean>;
  isDir(path: string): Promise<boolean>;
  isFile(path: string): Promise<boolean>;
  stat(path: string): Promise<Stat>;
  stats(): Promise<Stats>;
  getSize(path: string): Promise<number>;
  readFile(path: string, options?: ReadFileOptions): Promise<Uint8Array>;
  writeFile(path: string, data: Uint8Array, options?: LockOptions): Promise<void>;
  exportTree(options?: ExportOptions): Promise<Map<string, Uint8Array>>;
  iterExportTree(options?: ExportOptions): AsyncIterableIterator<[string, Uint8Array]>;
  importTree(entries: ImportEntries, options?: ImportOptions): Promise<void>;
  copy(src: string, dst: string, options?: LockOptions): Promise<void>;
  copyTree(src: string, dst: string, options?: CopyTreeOptions): Promise<void>;
  walk(path?: string): AsyncIterableIterator<[string, string[], string[]]>;
  glob(pattern: string): Promise<string[]>;
  share(): ShareDescriptor;
  /**
   * Destroys the filesystem (an attached instance only detaches); every handle is closed.
   * Calls take effect in call order: an open() made before close() resolves to a handle
   * that this close() closed, and a call still waiting for a lock rejects with EBADF.
   */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export declare class FileHandle implements AsyncDisposable {
  private constructor();
  readonly path: string;
  readonly mode: OpenMode;
  readonly closed: boolean;
  readonly readable: boolean;
  readonly writable: boolean;
  readonly seekable: boolean;
  read(size?: number): Promise<Uint8Array>;
  readInto(buffer: Uint8Array): Promise<number>;
  write(data: Uint8Array): Promise<number>;
  seek(offset: number, whence?: 0 | 1 | 2): Promise<number>;
  tell(): Promise<number>;
  truncate(size?: number): Promise<number>;
  flush(): Promise<void>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
  readableWebStream(options?: { chunkSize?: number }): ReadableStream<Uint8Array>;
  writableWebStream(): WritableStream<Uint8Array>;
}

export interface TextHandleOptions { encoding?: string; errors?: 'strict' | 'replace' }

export declare class TextHandle implements AsyncIterable<string> {
  constructor(handle: FileHandle, options?: TextHandleOptions);
  readonly handle: FileHandle;
  readonly encoding: 'utf-8';
  readonly errors: 'strict' | 'replace';
  write(str: string): Promise<number>;
  read(chars?: number): Promise<string>;
  readline(limit?: number): Promise<string>;
  [Symbol.asyncIterator](): AsyncIterableIterator<string>;
}

export interface DMemFSErrorOptions {
  code: string; errno: number; description: string; syscall: string;
  path?: string; dest?: string; detail?: string;
}

export declare class DMemFSError extends Error {
  constructor(options: DMemFSErrorOptions);
  readonly code: string;
  readonly errno: number;
  readonly syscall: string;
  readonly path?: string;
  readonly dest?: string;
}

export declare class QuotaExceededError extends DMemFSError {
  constructor(options: DMemFSErrorOptions & { requested: number; available: number });
  readonly code: 'ENOSPC';
  readonly requested: number;
  readonly available: number;
}

export declare class NodeLimitExceededError extends QuotaExceededError {
  constructor(options: DMemFSErrorOptions & { requested: number; available: number; current: number; limit: number });
  readonly current: number;
  readonly limit: number;
}

export declare const constants: Readonly<{
  SEEK_SET: 0; SEEK_CUR: 1; SEEK_END: 2;
  OK: 0; ENOENT: -2; EBADF: -9; EAGAIN: -11; ENOMEM: -12; EBUSY: -16; EEXIST: -17;
  ENOTDIR: -20; EISDIR: -21; EINVAL: -22; EFBIG: -27; ENOSPC: -28; ENAMETOOLONG: -36;
  ENOTEMPTY: -39; ENOTSUP: -95; EDQUOT: -122;
}>;

export declare const version: string;
