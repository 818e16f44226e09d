import type { MemoryFileSystem } from './index.js';

type Encoding = 'utf8' | 'utf-8' | 'latin1' | 'binary' | 'base64' | 'base64url' | 'hex'
  | 'ascii' | 'ucs2' | 'ucs-2' | 'utf16le' | 'utf-16le';
type OpenFlags = 'r' | 'rs' | 'sr' | 'r+' | 'rs+' | 'sr+' | 'w' | 'wx' | 'xw' | 'w+' | 'wx+'
  | 'xw+' | 'a' | 'ax' | 'xa' | 'as' | 'sa' | 'a+' | 'ax+' | 'xa+' | 'as+' | 'sa+' | number;
/** Uint8Array when Buffer is unavailable (browsers). */
type Bytes = Uint8Array;
type Data = string | ArrayBufferView | Iterable<string | ArrayBufferView>
  | AsyncIterable<string | ArrayBufferView>;

interface ReadOptions { encoding?: Encoding | null; flag?: OpenFlags; signal?: AbortSignal }
interface WriteOptions { encoding?: Encoding | null; flag?: OpenFlags; mode?: number; signal?: AbortSignal }

/** Node's system error shape: `ENOENT: no such file or directory, open '/x'`. */
export interface NodeFsError extends Error {
  code: string;
  /** Negative platform errno (os.constants.errno), e.g. -2 for ENOENT on Linux. */
  errno?: number;
  syscall: string;
  path?: string;
  dest?: string;
  /** The dmemfs error it was made from. */
  cause?: unknown;
  /** Quota errors (ENOSPC) keep the dmemfs fields. */
  requested?: number;
  available?: number;
  current?: number;
  limit?: number;
}

/** The file-type tests of Stats and Dirent: only files and directories exist here. */
interface FileTypeTests {
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): false;
  isBlockDevice(): false;
  isCharacterDevice(): false;
  isFIFO(): false;
  isSocket(): false;
}

export interface Stats<T extends number | bigint = number> extends FileTypeTests {}
export class Stats<T extends number | bigint = number> {
  private constructor();
  dev: T; mode: T; nlink: T; uid: T; gid: T; rdev: T; blksize: T; ino: T; size: T; blocks: T;
  atimeMs: T; mtimeMs: T; ctimeMs: T; birthtimeMs: T;
  atimeNs?: bigint; mtimeNs?: bigint; ctimeNs?: bigint; birthtimeNs?: bigint;
  atime: Date; mtime: Date; ctime: Date; birthtime: Date;
}

export interface Dirent<Name extends string | Bytes = string> extends FileTypeTests {}
export class Dirent<Name extends string | Bytes = string> {
  private constructor();
  name: Name;
  /** The directory argument as given to readdir (recursive: the entry's directory). */
  parentPath: string;
  /** Deprecated alias of parentPath. */
  path: string;
}

export class FileHandle {
  private constructor();
  /** A fake descriptor (not an OS one); -1 once closed. */
  readonly fd: number;
  read<B extends ArrayBufferView = Bytes>(buffer: B, offset?: number, length?: number,
    position?: number | bigint | null): Promise<{ bytesRead: number; buffer: B }>;
  read<B extends ArrayBufferView = Bytes>(buffer: B, options?: { offset?: number; length?: number;
    position?: number | bigint | null }): Promise<{ bytesRead: number; buffer: B }>;
  read<B extends ArrayBufferView = Bytes>(options?: { buffer?: B; offset?: number; length?: number;
    position?: number | bigint | null }): Promise<{ bytesRead: number; buffer: B }>;
  write<B extends ArrayBufferView>(buffer: B, offset?: number, length?: number,
    position?: number | null): Promise<{ bytesWritten: number; buffer: B }>;
  write<B extends ArrayBufferView>(buffer: B, options?: { offset?: number; length?: number;
    position?: number | null }): Promise<{ bytesWritten: number; buffer: B }>;
  write(data: string, position?: number | null, encoding?: Encoding):
    Promise<{ bytesWritten: number; buffer: string }>;
  /** From the current position to the end. */
  readFile(options?: { encoding?: null; signal?: AbortSignal } | null): Promise<Bytes>;
  readFile(options: Encoding | { encoding: Encoding; signal?: AbortSignal }): Promise<string>;
  /** Writes at the current position (at the end for append handles). */
  writeFile(data: Data, options?: Encoding | { encoding?: Encoding | null; signal?: AbortSignal } | null): Promise<void>;
  appendFile(data: Data, options?: Encoding | { encoding?: Encoding | null; signal?: AbortSignal } | null): Promise<void>;
  stat(options?: { bigint?: false }): Promise<Stats<number>>;
  stat(options: { bigint: true }): Promise<Stats<bigint>>;
  /** Like ftruncate: the position does not move. Read-only handle → EINVAL. */
  truncate(len?: number): Promise<void>;
  sync(): Promise<void>;
  datasync(): Promise<void>;
  /** Idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export const constants: Readonly<{
  F_OK: 0; R_OK: 4; W_OK: 2; X_OK: 1;
  COPYFILE_EXCL: 1; COPYFILE_FICLONE: 2; COPYFILE_FICLONE_FORCE: 4;
  O_RDONLY: number; O_WRONLY: number; O_RDWR: number; O_CREAT: number; O_EXCL: number;
  O_TRUNC: number; O_APPEND: number; O_SYNC: number;
  S_IFMT: number; S_IFREG: number; S_IFDIR: number;
}>;

/** The commonly used part of `node:fs/promises`, acting on one dmemfs filesystem. */
export interface NodeFsPromises {
  access(path: string, mode?: number): Promise<void>;
  appendFile(path: string | FileHandle, data: Data, options?: Encoding | WriteOptions | null): Promise<void>;
  copyFile(src: string, dest: string, mode?: number): Promise<void>;
  lstat(path: string, options?: { bigint?: false }): Promise<Stats<number>>;
  lstat(path: string, options: { bigint: true }): Promise<Stats<bigint>>;
  mkdir(path: string, options: { recursive: true; mode?: number }): Promise<string | undefined>;
  mkdir(path: string, options?: number | { recursive?: false; mode?: number } | null): Promise<undefined>;
  open(path: string, flags?: OpenFlags, mode?: number): Promise<FileHandle>;
  readFile(path: string | FileHandle, options?: { encoding?: null; flag?: OpenFlags; signal?: AbortSignal } | null): Promise<Bytes>;
  readFile(path: string | FileHandle, options: Encoding | { encoding: Encoding; flag?: OpenFlags; signal?: AbortSignal }): Promise<string>;
  readdir(path: string, options?: Encoding | { encoding?: Encoding | null; withFileTypes?: false; recursive?: boolean } | null): Promise<string[]>;
  readdir(path: string, options: 'buffer' | { encoding: 'buffer'; withFileTypes?: false; recursive?: boolean }): Promise<Bytes[]>;
  readdir(path: string, options: { encoding?: Encoding | null; withFileTypes: true; recursive?: boolean }): Promise<Dirent[]>;
  rename(oldPath: string, newPath: string): Promise<void>;
  rm(path: string, options?: { recursive?: boolean; force?: boolean }): Promise<void>;
  rmdir(path: string, options?: { recursive?: boolean }): Promise<void>;
  stat(path: string, options?: { bigint?: false }): Promise<Stats<number>>;
  stat(path: string, options: { bigint: true }): Promise<Stats<bigint>>;
  truncate(path: string, len?: number): Promise<void>;
  unlink(path: string): Promise<void>;
  writeFile(path: string | FileHandle, data: Data, options?: Encoding | WriteOptions | null): Promise<void>;
  constants: typeof constants;
}

/**
 * Wraps a MemoryFileSystem in the `node:fs/promises` shape, with Node's semantics and
 * error codes. `lockTimeout` (ms) bounds waits for file locks when opening files
 * (default: the filesystem's defaultLockTimeout).
 */
export function toNodeFsPromises(fs: MemoryFileSystem, options?: { lockTimeout?: number }): NodeFsPromises;
