/* glob pattern rules of SPEC §7.8.
 *
 * A compiled pattern is a list of parts; each part is either the globstar `**`, a plain
 * literal (compared with memcmp) or a token string (literal code point, `?`, `*`, set).
 * Matching is iterative and polynomial:
 * - one part against one name: the classic single-star backtracking wildcard match,
 *   O(name × tokens) in the worst case (only the last `*` is ever retried);
 * - a path against the parts: a forward NFA simulation over part indices, one step per
 *   name, so every (part, name) pair is matched at most once. */
#include "glob.h"

#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "dmemfs.h"

enum { TK_LIT, TK_ANY, TK_STAR, TK_SET, TK_NSET };

typedef struct {
    uint8_t kind;
    uint32_t cp;       /* TK_LIT: the code point */
    uint32_t set_off;  /* TK_SET/TK_NSET: first range in g->ranges */
    uint32_t set_len;  /* number of ranges */
} glob_tok;

typedef struct {
    uint32_t lo, hi;
} glob_range;

enum { PART_GLOBSTAR = 1, PART_LITERAL = 2, PART_NEVER = 4 };

typedef struct {
    uint32_t flags;
    uint32_t tok_off, tok_len; /* tokens (not PART_LITERAL / PART_GLOBSTAR) */
    uint32_t raw_off, raw_len; /* the part's bytes in g->raw (PART_LITERAL) */
} glob_part;

/* A pattern of at most DMFS_PATH_MAX bytes has at most DMFS_PATH_MAX / 2 + 1 parts. */
#define GLOB_MAX_PARTS (DMFS_PATH_MAX / 2 + 1)
#define GLOB_WORDS ((GLOB_MAX_PARTS + 1 + 63) / 64)

struct dmfs__glob {
    size_t nparts_given; /* non-empty parts of the pattern, as written */
    size_t nparts;       /* after merging runs of `**` (equivalent, see compile) */
    glob_part *parts;
    glob_tok *toks;
    glob_range *ranges;
    char *raw;
};

/* Decodes one code point of well-formed UTF-8 at s[0..n); returns its length, or 0 when
 * ill-formed (overlong, surrogate, > U+10FFFF, truncated, stray continuation byte). */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp) {
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    *cp = v;
    return len;
}

/* Like utf8_decode, but never fails: an ill-formed byte becomes a value above U+10FFFF
 * that no pattern literal or set can equal (only `?` and `*` match it). */
static size_t decode_any(const unsigned char *s, size_t n, uint32_t *cp) {
    size_t l = utf8_decode(s, n, cp);
    if (l) return l;
    *cp = 0x110000u + s[0];
    return 1;
}

void dmfs__glob_free(dmfs__glob *g) {
    if (!g) return;
    dmfs__free(g->parts);
    dmfs__free(g->toks);
    dmfs__free(g->ranges);
    dmfs__free(g->raw);
    dmfs__free(g);
}

size_t dmfs__glob_nparts(const dmfs__glob *g) {
    return g ? g->nparts_given : 0;
}

/* Tokenizes one part (code points cps[0..n)) into g->toks / g->ranges. */
static void compile_part(dmfs__glob *g, glob_part *p, const uint32_t *cps, size_t n,
                         size_t *ntok, size_t *nrange) {
    p->tok_off = (uint32_t)*ntok;
    size_t i = 0;
    while (i < n) {
        uint32_t c = cps[i];
        glob_tok *t = &g->toks[*ntok];
        if (c == '*') {
            /* Runs of `*` inside a part are one `*`. */
            if (*ntok > p->tok_off && g->toks[*ntok - 1].kind == TK_STAR) {
                i++;
                continue;
            }
            t->kind = TK_STAR;
            (*ntok)++, i++;
            continue;
        }
        if (c == '?') {
            t->kind = TK_ANY;
            (*ntok)++, i++;
            continue;
        }
        if (c == '[') {
            size_t j = i + 1;
            int neg = 0;
            if (j < n && cps[j] == '!') neg = 1, j++;
            size_t first = j;
            if (j < n && cps[j] == ']') j++; /* `]` first is literal */
            while (j < n && cps[j] != ']') j++;
            if (j < n) {
                /* A set: items cps[first..j), ranges `a-z`. */
                t->kind = neg ? TK_NSET : TK_SET;
                t->set_off = (uint32_t)*nrange;
                size_t k = first;
                while (k < j) {
                    glob_range *r = &g->ranges[*nrange];
                    if (k + 2 < j && cps[k + 1] == '-') {
                        r->lo = cps[k], r->hi = cps[k + 2];
                        k += 3;
                    } else {
                        r->lo = r->hi = cps[k];
                        k += 1;
                    }
                    (*nrange)++;
                }
                t->set_len = (uint32_t)(*nrange - t->set_off);
                (*ntok)++;
                i = j + 1;
                continue;
            }
            /* No closing `]`: the `[` is literal. */
        }
        t->kind = TK_LIT;
        t->cp = c;
        (*ntok)++, i++;
    }
    p->tok_len = (uint32_t)(*ntok - p->tok_off);
}

int dmfs__glob_compile(const char *pattern, dmfs__glob **out) {
    if (!out) return DMFS_EINVAL;
    *out = NULL;
    if (!pattern) return DMFS_EINVAL;
    size_t len = strlen(pattern);
    const unsigned char *s = (const unsigned char *)pattern;
    /* Validate first: ill-formed text is EINVAL whatever its length. */
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t l = utf8_decode(s + i, len - i, &cp);
        if (!l) return DMFS_EINVAL;
        i += l;
    }
    if (len > DMFS_PATH_MAX) return DMFS_ENAMETOOLONG;

    dmfs__glob *g = dmfs__calloc(1, sizeof *g);
    uint32_t *cps = dmfs__malloc((len + 1) * sizeof *cps);
    if (!g || !cps) goto oom;
    g->parts = dmfs__malloc((len / 2 + 1) * sizeof *g->parts);
    g->toks = dmfs__malloc((len + 1) * sizeof *g->toks);
    g->ranges = dmfs__malloc((len + 1) * sizeof *g->ranges);
    g->raw = dmfs__malloc(len + 1);
    if (!g->parts || !g->toks || !g->ranges || !g->raw) goto oom;
    for (size_t i = 0; i < len; i++) g->raw[i] = pattern[i] == '\\' ? '/' : pattern[i];
    g->raw[len] = 0;

    size_t ntok = 0, nrange = 0, i = 0;
    while (i < len) {
        if (g->raw[i] == '/') {
            i++;
            continue;
        }
        size_t start = i;
        while (i < len && g->raw[i] != '/') i++;
        size_t plen = i - start;
        const char *ps = g->raw + start;
        g->nparts_given++;
        int globstar = plen == 2 && ps[0] == '*' && ps[1] == '*';
        if (globstar && g->nparts > 0 && (g->parts[g->nparts - 1].flags & PART_GLOBSTAR)) {
            /* `**` `**` ≡ `**`: zero-or-more twice is zero-or-more, and zero-or-more then
             * one-or-more (last) is one-or-more. Merging keeps the NFA small. */
            continue;
        }
        glob_part *p = &g->parts[g->nparts++];
        memset(p, 0, sizeof *p);
        p->raw_off = (uint32_t)start;
        p->raw_len = (uint32_t)plen;
        if (globstar) {
            p->flags = PART_GLOBSTAR;
            continue;
        }
        if (!memchr(ps, '*', plen) && !memchr(ps, '?', plen) && !memchr(ps, '[', plen)) {
            p->flags = PART_LITERAL;
            /* Names are never `.` or `..` and never longer than DMFS_NAME_MAX bytes. */
            if ((plen == 1 && ps[0] == '.') || (plen == 2 && ps[0] == '.' && ps[1] == '.') ||
                plen > DMFS_NAME_MAX)
                p->flags |= PART_NEVER;
            continue;
        }
        size_t n = 0;
        for (size_t k = 0; k < plen;) {
            k += utf8_decode((const unsigned char *)ps + k, plen - k, &cps[n]);
            n++;
        }
        compile_part(g, p, cps, n, &ntok, &nrange);
    }
    dmfs__free(cps);
    *out = g;
    return 0;
oom:
    dmfs__free(cps);
    dmfs__glob_free(g);
    return DMFS_ENOMEM;
}

static int tok_match(const dmfs__glob *g, const glob_tok *t, uint32_t c) {
    switch (t->kind) {
    case TK_LIT:
        return t->cp == c;
    case TK_ANY:
        return 1;
    case TK_SET:
    case TK_NSET: {
        int in = 0;
        for (uint32_t k = 0; k < t->set_len && !in; k++) {
            const glob_range *r = &g->ranges[t->set_off + k];
            in = r->lo <= c && c <= r->hi;
        }
        return t->kind == TK_SET ? in : !in;
    }
    default:
        return 0;
    }
}

/* One non-globstar part against one name s[0..n). */
static int part_match(const dmfs__glob *g, const glob_part *p, const char *name, size_t n) {
    if (p->flags & PART_NEVER) return 0;
    if (p->flags & PART_LITERAL) return n == p->raw_len && memcmp(name, g->raw + p->raw_off, n) == 0;
    const unsigned char *s = (const unsigned char *)name;
    const glob_tok *t = g->toks + p->tok_off;
    size_t nt = p->tok_len, ti = 0, si = 0;
    size_t star_t = SIZE_MAX, star_s = 0;
    /* Only the latest `*` is retried: an earlier `*` can absorb whatever a retry of it
     * would, so the search is O(n × nt) and never exponential. */
    while (si < n) {
        if (ti < nt && t[ti].kind == TK_STAR) {
            star_t = ti++;
            star_s = si;
            continue;
        }
        uint32_t c;
        size_t l = decode_any(s + si, n - si, &c);
        if (ti < nt && tok_match(g, &t[ti], c)) {
            ti++;
            si += l;
            continue;
        }
        if (star_t == SIZE_MAX) return 0;
        ti = star_t + 1;
        star_s += decode_any(s + star_s, n - star_s, &c);
        si = star_s;
    }
    while (ti < nt && t[ti].kind == TK_STAR) ti++;
    return ti == nt;
}

/* State i = "parts [0, i) matched, part i next"; nparts = accepted. */
#define BIT_SET(a, i) ((a)[(i) >> 6] |= (uint64_t)1 << ((i)&63))
#define BIT_GET(a, i) (((a)[(i) >> 6] >> ((i)&63)) & 1)

/* Adds the zero-name moves: a `**` with parts after it may match nothing. States only
 * move forward, so one ascending pass is the closure. */
static void closure(const dmfs__glob *g, uint64_t *st) {
    for (size_t i = 0; i + 1 < g->nparts; i++)
        if (BIT_GET(st, i) && (g->parts[i].flags & PART_GLOBSTAR)) BIT_SET(st, i + 1);
}

/* Runs the NFA over the names of path[0..len); st ends as the reachable states.
 * Returns 0 when no state is left (the caller may stop early). */
static int simulate(const dmfs__glob *g, const char *path, size_t len, uint64_t *st) {
    uint64_t next[GLOB_WORDS];
    size_t words = (g->nparts + 1 + 63) / 64;
    memset(st, 0, words * sizeof *st);
    BIT_SET(st, 0);
    closure(g, st);
    size_t i = 0;
    while (i < len) {
        if (path[i] == '/') {
            i++;
            continue;
        }
        size_t start = i;
        while (i < len && path[i] != '/') i++;
        const char *name = path + start;
        size_t n = i - start;
        memset(next, 0, words * sizeof *next);
        int any = 0;
        for (size_t k = 0; k < g->nparts; k++) {
            if (!BIT_GET(st, k)) continue;
            const glob_part *p = &g->parts[k];
            if (p->flags & PART_GLOBSTAR) {
                BIT_SET(next, k);
                if (k + 1 == g->nparts) BIT_SET(next, k + 1);
                any = 1;
            } else if (part_match(g, p, name, n)) {
                BIT_SET(next, k + 1);
                any = 1;
            }
        }
        memcpy(st, next, words * sizeof *st);
        if (!any) return 0;
        closure(g, st);
    }
    return 1;
}

int dmfs__glob_match(const dmfs__glob *g, const char *path, size_t len) {
    if (!g || !path || g->nparts == 0) return 0;
    uint64_t st[GLOB_WORDS];
    if (!simulate(g, path, len, st)) return 0;
    return (int)BIT_GET(st, g->nparts);
}

int dmfs__glob_may_descend(const dmfs__glob *g, const char *dir, size_t len) {
    if (!g || !dir || g->nparts == 0) return 0;
    uint64_t st[GLOB_WORDS];
    if (!simulate(g, dir, len, st)) return 0;
    /* Some live state before the end whose remaining parts can all match some name. */
    size_t never_from = g->nparts; /* smallest i with a PART_NEVER at or after i */
    for (size_t k = g->nparts; k-- > 0;) {
        if (g->parts[k].flags & PART_NEVER) break;
        never_from = k;
    }
    for (size_t k = never_from; k < g->nparts; k++)
        if (BIT_GET(st, k)) return 1;
    return 0;
}
