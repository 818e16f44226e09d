/* glob pattern rules of SPEC §7.8 (pure functions, no tree access). The tree walk that
 * uses them lives in fs.c. */
#ifndef DMFS_GLOB_H
#define DMFS_GLOB_H
#include <stddef.h>
typedef struct dmfs__glob dmfs__glob;
/* Compiles pattern: '\' → '/', leading '/' implied, split on '/', empty parts dropped.
 * Returns 0 and *out (free with dmfs__glob_free; *out has zero parts for "" or "/"), or
 * DMFS_EINVAL (invalid UTF-8) / DMFS_ENAMETOOLONG (> 4096 bytes) / DMFS_ENOMEM. */
int dmfs__glob_compile(const char *pattern, dmfs__glob **out);
void dmfs__glob_free(dmfs__glob *g);
size_t dmfs__glob_nparts(const dmfs__glob *g);
/* 1 when the normalized absolute path (not "/") matches the whole pattern. Polynomial time. */
int dmfs__glob_match(const dmfs__glob *g, const char *path, size_t len);
/* 1 when some path strictly below directory `dir` (normalized, "/" for root) could match,
 * so a walk may skip subtrees that return 0. May over-approximate (return 1), never under. */
int dmfs__glob_may_descend(const dmfs__glob *g, const char *dir, size_t len);
#endif
