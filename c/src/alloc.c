/* The allocation choke point. A 16-byte header records each block's size so the heap
 * figure is exact; the fail-N hook makes one chosen allocation return NULL. */
#include "internal.h"
#include <stdlib.h>

static _Atomic uint64_t alloc_count, heap_bytes, fail_at;

#define HDR 16

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
    if (should_fail() || n > SIZE_MAX - HDR) return NULL;
    unsigned char *p = malloc(n + HDR);
    if (!p) return NULL;
    memcpy(p, &n, sizeof n);
    atomic_fetch_add(&heap_bytes, n);
    return p + HDR;
}

void *dmfs__calloc(size_t count, size_t size) {
    if (size && count > SIZE_MAX / size) return NULL;
    void *p = dmfs__malloc(count * size);
    if (p) memset(p, 0, count * size);
    return p;
}

void *dmfs__realloc(void *p, size_t n) {
    if (!p) return dmfs__malloc(n);
    if (should_fail() || n > SIZE_MAX - HDR) return NULL;
    unsigned char *b = (unsigned char *)p - HDR;
    size_t old;
    memcpy(&old, b, sizeof old);
    unsigned char *nb = realloc(b, n + HDR);
    if (!nb) return NULL;
    memcpy(nb, &n, sizeof n);
    atomic_fetch_add(&heap_bytes, n);
    atomic_fetch_sub(&heap_bytes, old);
    return nb + HDR;
}

void dmfs__free(void *p) {
    if (!p) return;
    unsigned char *b = (unsigned char *)p - HDR;
    size_t n;
    memcpy(&n, b, sizeof n);
    atomic_fetch_sub(&heap_bytes, n);
    free(b);
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
