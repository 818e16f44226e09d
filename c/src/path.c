/* Path text rules (SPEC §5.1). No allocation: `..` is resolved right to left with a skip
 * counter, so inputs of any length normalize in O(n) time and O(1) extra space. */
#include "internal.h"
#include "path.h"

int dmfs__utf8_valid(const char *s, size_t n) {
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    while (p < e) {
        unsigned c = *p;
        if (c < 0x80) { p++; continue; }
        size_t k;
        unsigned cp, min;
        if (c >= 0xC2 && c <= 0xDF) { k = 1; cp = c & 0x1F; min = 0x80; }
        else if (c >= 0xE0 && c <= 0xEF) { k = 2; cp = c & 0x0F; min = 0x800; }
        else if (c >= 0xF0 && c <= 0xF4) { k = 3; cp = c & 0x07; min = 0x10000; }
        else return 0;
        if ((size_t)(e - p) <= k) return 0;
        for (size_t i = 1; i <= k; i++) {
            if ((p[i] & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
        p += k + 1;
    }
    return 1;
}

size_t dmfs__utf8_count(const char *s, size_t n) {
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) c++;
    return c;
}

static bool is_sep(char c) { return c == '/' || c == '\\'; }

/* Walks the '/'-separated parts of in[0..n) right to left, resolving ".." with a skip
 * counter. Without out: sums the kept parts into *total (each + 1 for its '/'), checking the
 * name and path limits. With out: writes them end-aligned below out + *total. */
static int scan_parts(const char *in, size_t n, char *out, size_t *total) {
    size_t skip = 0, w = *total;
    for (size_t j = n; j > 0;) {
        while (j > 0 && is_sep(in[j - 1])) j--;
        size_t i = j;
        while (i > 0 && !is_sep(in[i - 1])) i--;
        size_t len = j - i;
        if (len == 2 && in[i] == '.' && in[i + 1] == '.') skip++;
        else if (len > 0 && !(len == 1 && in[i] == '.')) {
            if (skip) skip--;
            else if (out) {
                w -= len;
                memcpy(out + w, in + i, len);
                out[--w] = '/';
            } else {
                if (len > DMFS_NAME_MAX) return DMFS_ENAMETOOLONG;
                *total += len + 1;
                if (*total > DMFS_PATH_MAX) return DMFS_ENAMETOOLONG;
            }
        }
        j = i;
    }
    return 0;
}

/* The common case, a path already in normal form: ASCII, absolute, no backslash, no empty,
 * "." or ".." part, no trailing slash, within the limits. One pass and a copy instead of
 * five passes; anything else (or "/") returns -1 and takes the full rules below. */
static int normal_fast(const char *in, char *out) {
    if (in[0] != '/') return -1;
    size_t i = 1, part = 0;
    for (;; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c == '/' || c == 0) {
            if (part == 0 || part > DMFS_NAME_MAX) return -1;
            if (part <= 2 && in[i - 1] == '.' && (part == 1 || in[i - 2] == '.')) return -1;
            if (c == 0) break;
            part = 0;
        } else if (c == '\\' || c >= 0x80) {
            return -1;
        } else {
            part++;
        }
        if (i >= DMFS_PATH_MAX) return -1;
    }
    memcpy(out, in, i + 1);
    return (int)i;
}

int dmfs__path_normalize(const char *in, char *out) {
    int fast = normal_fast(in, out);
    if (fast >= 0) return fast;
    size_t n = strlen(in);
    if (!dmfs__utf8_valid(in, n)) return DMFS_EINVAL;
    /* Traversal check, left to right (§5.1 step 4). */
    long depth = 0;
    for (size_t i = 0; i < n;) {
        while (i < n && is_sep(in[i])) i++;
        size_t j = i;
        while (j < n && !is_sep(in[j])) j++;
        size_t len = j - i;
        if (len == 2 && in[i] == '.' && in[i + 1] == '.') {
            if (--depth < 0) return DMFS_EINVAL;
        } else if (len > 0 && !(len == 1 && in[i] == '.')) {
            depth++;
        }
        i = j;
    }
    /* Right to left: measure the kept parts, then write them end-aligned. */
    size_t total = 0;
    int r = scan_parts(in, n, NULL, &total);
    if (r < 0) return r;
    if (total == 0) {
        out[0] = '/';
        out[1] = 0;
        return 1;
    }
    out[total] = 0;
    scan_parts(in, n, out, &total);
    return (int)total;
}

int dmfs_normalize_path(const char *path, char *out, size_t cap) {
    if (!path || !out) return dmfs__fail(DMFS_EINVAL);
    char buf[DMFS_PATH_MAX + 1];
    int r = dmfs__path_normalize(path, buf);
    if (r < 0) return dmfs__fail(r);
    if ((size_t)r + 1 > cap) return dmfs__fail(DMFS_EINVAL);
    memcpy(out, buf, (size_t)r + 1);
    return r;
}
