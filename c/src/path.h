/* Path text rules of SPEC §5.1 (pure functions, no tree access). */
#ifndef DMFS_PATH_H
#define DMFS_PATH_H
#include <stddef.h>
/* 1 when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates, ≤ U+10FFFF). */
int dmfs__utf8_valid(const char *s, size_t n);
/* Number of code points in well-formed UTF-8 s[0..n). */
size_t dmfs__utf8_count(const char *s, size_t n);
/* Normalizes path per §5.1 into out, which must hold DMFS_PATH_MAX + 1 bytes.
 * Returns the length (≥ 1, out is NUL-terminated and starts with '/'), or DMFS_EINVAL
 * (invalid UTF-8, traversal above root) / DMFS_ENAMETOOLONG (a name > 255 bytes or a
 * result > 4096 bytes). The input may be any length. */
int dmfs__path_normalize(const char *in, char *out);
#endif
