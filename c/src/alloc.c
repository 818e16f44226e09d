/* The allocation choke point. The heap figure counts each block's usable size as the C
 * library reports it (what the block really holds, rounding included), so no header is
 * needed per block; the fail-N hook makes one chosen allocation return NULL. */
#include "internal.h"
#include <stdlib.h>
#if defined(__APPLE__)
#include <malloc/malloc.h>
#define block_size(p) malloc_size(p)
#else
#include <malloc.h> /* glibc, musl (Emscripten), wasi-libc: malloc_usable_size */
#define block_size(p) malloc_usable_size(p)
#endif

static _Atomic uint64_t alloc_count, heap_bytes, fail_at;

static bool should_fail(void) {
    uint64_t n = atomic_fetch_add(&alloc_count, 1) + 1;
    uint64_t f = atomic_load(&fail_at);
    if (f && n == f) {
        atomic_store(&fail_at, 0);
        return true;
    }
    return false;
}

void *dmfs__malloc(size_t n) {
    if (should_fail()) return NULL;
    void *p = malloc(n ? n : 1);
    if (!p) return NULL;
    atomic_fetch_add(&heap_bytes, block_size(p));
    return p;
}

void *dmfs__calloc(size_t count, size_t size) {
    if (size && count > SIZE_MAX / size) return NULL;
    void *p = dmfs__malloc(count * size);
    if (p) memset(p, 0, count * size);
    return p;
}

void *dmfs__realloc(void *p, size_t n) {
    if (!p) return dmfs__malloc(n);
    if (should_fail()) return NULL;
    size_t old = block_size(p);
    void *np = realloc(p, n ? n : 1);
    if (!np) return NULL;
    atomic_fetch_add(&heap_bytes, block_size(np));
    atomic_fetch_sub(&heap_bytes, old);
    return np;
}

void dmfs__free(void *p) {
    if (!p) return;
    atomic_fetch_sub(&heap_bytes, block_size(p));
    free(p);
}

char *dmfs__strndup(const char *s, size_t n) {
    char *d = dmfs__malloc(n + 1);
    if (!d) return NULL;
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

void dmfs_free(void *p) { dmfs__free(p); }
void dmfs_debug_fail_alloc(uint64_t n) { atomic_store(&fail_at, n ? atomic_load(&alloc_count) + n : 0); }
uint64_t dmfs_debug_alloc_count(void) { return atomic_load(&alloc_count); }
uint64_t dmfs_debug_heap_bytes(void) { return atomic_load(&heap_bytes); }
