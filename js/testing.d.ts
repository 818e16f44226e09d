import type { MemoryFileSystem } from './index.js';

/** MemoryFileSystem.create() options, plus files to import before the test. */
export interface MemoryFsOptions {
  maxQuota?: number;
  maxNodes?: number;
  defaultStorage?: 'auto' | 'sequential' | 'random_access';
  promotionHardLimit?: number;
  chunkOverhead?: number;
  defaultLockTimeout?: number;
  clock?: () => number;
  build?: 'threads' | 'single';
  /** path → content (strings are stored as UTF-8), imported with importTree. */
  files?: Record<string, string | Uint8Array> | Map<string, string | Uint8Array>;
}

/**
 * Registers node:test beforeEach/afterEach hooks on the current suite: each test gets a
 * fresh filesystem, closed after the test. The accessor throws outside a running test.
 */
export function useMemoryFs(options?: MemoryFsOptions): () => MemoryFileSystem;

/** Runs fn with a fresh filesystem and closes it afterwards (also on failure). */
export function withMemoryFs<T>(fn: (fs: MemoryFileSystem) => T | Promise<T>): Promise<T>;
export function withMemoryFs<T>(
  options: MemoryFsOptions | undefined,
  fn: (fs: MemoryFileSystem) => T | Promise<T>,
): Promise<T>;
