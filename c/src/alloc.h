/* The one allocation choke point (DESIGN rule 3). Every byte the core allocates goes
 * through these, so dmfs_debug_fail_alloc() can make the N-th allocation fail and
 * dmfs_debug_heap_bytes() can account for every byte. Never abort: NULL means ENOMEM. */
#ifndef DMFS_ALLOC_H
#define DMFS_ALLOC_H
#include <stddef.h>
void *dmfs__malloc(size_t n);
void *dmfs__calloc(size_t count, size_t size);
void *dmfs__realloc(void *p, size_t n); /* on NULL return, p is untouched */
void dmfs__free(void *p);
char *dmfs__strndup(const char *s, size_t n);
#endif
