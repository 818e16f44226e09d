// Test-only access to the core's debug hooks (built with DMFS_TEST_HOOKS). Not part of the API.
/** 0 when every §1 invariant holds for fs, else the core's error code. */
export function debugCheck(fs) { return fs._x.dmfsw_debug_check(fs._id); }
/** Makes the n-th allocation from now fail on fs's module instance (0 = off). */
export function debugFailAlloc(fs, n) { fs._x.dmfsw_debug_fail_alloc(n); }
export function debugAllocCount(fs) { return fs._x.dmfsw_debug_alloc_count(); }
export function debugHeapBytes(fs) { return fs._x.dmfsw_debug_heap_bytes(); }
