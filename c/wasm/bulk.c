/*
 * wasm-single: memcpy, memmove and memset as the bulk-memory instructions (memory.copy,
 * memory.fill). Debian's wasi-libc is built without bulk memory, so its versions are byte
 * and word loops: moving file content through them ran at about a third of the speed of
 * memory.copy. Compiled with -mbulk-memory, where clang lowers these builtins to the
 * instructions for every size (no call back into the functions themselves). Every engine
 * that runs wasm-single's other features has bulk memory (Chrome 75, Firefox 79,
 * Safari 15, Node 12.5).
 */
#include <stddef.h>

#if !defined(__wasm_bulk_memory__)
#error "bulk.c must be compiled with -mbulk-memory"
#endif

void *memcpy(void *restrict dst, const void *restrict src, size_t n) {
    __builtin_memcpy(dst, src, n);
    return dst;
}

void *memmove(void *dst, const void *src, size_t n) {
    __builtin_memmove(dst, src, n);
    return dst;
}

void *memset(void *dst, int c, size_t n) {
    __builtin_memset(dst, c, n);
    return dst;
}
