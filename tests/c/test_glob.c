/* Unit tests of the glob rules (SPEC §7.8) through the internal dmfs__glob_* functions.
 * A tiny tree simulation (a list of paths) stands in for the walk in fs.c; a brute-force
 * recursive reference matcher cross-checks random patterns (seed: DMFS_SEED). */
#define _POSIX_C_SOURCE 200809L /* clock_gettime under -std=c11 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../c/src/glob.h"
#include "dmemfs.h"

#include "counting_check.h"

/* ── helpers ─────────────────────────────────────────────────────────────────────── */

static int match1(const char *pattern, const char *path) {
    dmfs__glob *g = NULL;
    int rc = dmfs__glob_compile(pattern, &g);
    if (rc != 0) return rc;
    int m = dmfs__glob_match(g, path, strlen(path));
    dmfs__glob_free(g);
    return m;
}

static int descend1(const char *pattern, const char *dir) {
    dmfs__glob *g = NULL;
    int rc = dmfs__glob_compile(pattern, &g);
    if (rc != 0) return rc;
    int m = dmfs__glob_may_descend(g, dir, strlen(dir));
    dmfs__glob_free(g);
    return m;
}

#define MAXN 64
typedef struct {
    char *p[MAXN];
    int n;
} strlist;

static void sl_add(strlist *l, const char *s, size_t n) {
    for (int i = 0; i < l->n; i++)
        if (strlen(l->p[i]) == n && memcmp(l->p[i], s, n) == 0) return;
    if (l->n == MAXN) abort();
    char *c = malloc(n + 1);
    memcpy(c, s, n);
    c[n] = 0;
    l->p[l->n++] = c;
}
static void sl_free(strlist *l) {
    for (int i = 0; i < l->n; i++) free(l->p[i]);
    l->n = 0;
}
static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b); /* byte order = code point order */
}

/* Every node of the tree given by `paths` (NULL-terminated; ancestors implied). */
static void tree_nodes(const char *const *paths, strlist *nodes) {
    for (int i = 0; paths[i]; i++) {
        const char *s = paths[i];
        size_t n = strlen(s);
        for (size_t k = 1; k <= n; k++)
            if (k == n || s[k] == '/') sl_add(nodes, s, k);
    }
}

/* glob over the tree: sorted matching nodes. With prune, a node is only considered when
 * may_descend holds for root and each proper ancestor, as a pruning walk would. Returns
 * the results joined with ',' ("" for none) or an error code string. */
static char *glob_tree(const char *pattern, const char *const *paths, int prune) {
    static char buf[4096];
    dmfs__glob *g = NULL;
    int rc = dmfs__glob_compile(pattern, &g);
    if (rc != 0) {
        snprintf(buf, sizeof buf, "rc=%d", rc);
        return buf;
    }
    strlist nodes = {0}, out = {0};
    tree_nodes(paths, &nodes);
    for (int i = 0; i < nodes.n; i++) {
        const char *s = nodes.p[i];
        size_t n = strlen(s);
        int ok = 1;
        if (prune) {
            ok = dmfs__glob_may_descend(g, "/", 1);
            for (size_t k = 1; k < n && ok; k++)
                if (s[k] == '/') ok = dmfs__glob_may_descend(g, s, k);
        }
        if (ok && dmfs__glob_match(g, s, n)) sl_add(&out, s, n);
    }
    qsort(out.p, (size_t)out.n, sizeof out.p[0], cmp_str);
    buf[0] = 0;
    for (int i = 0; i < out.n; i++) {
        if (i) strcat(buf, ",");
        strcat(buf, out.p[i]);
    }
    sl_free(&nodes);
    sl_free(&out);
    dmfs__glob_free(g);
    return buf;
}

#define GLOB_EQ(pattern, paths, expect)                                                     \
    do {                                                                                    \
        char *got_ = glob_tree(pattern, paths, 0);                                          \
        CHECK(strcmp(got_, expect) == 0, "glob %s: got [%s], want [%s]", pattern, got_, expect); \
        got_ = glob_tree(pattern, paths, 1);                                                \
        CHECK(strcmp(got_, expect) == 0, "pruned glob %s: got [%s], want [%s]", pattern, got_, \
              expect);                                                                      \
    } while (0)

/* ── SPEC §7.8 examples ──────────────────────────────────────────────────────────── */

static void test_spec_examples(void) {
    static const char *const t1[] = {"/a.bin", "/b.txt", NULL};
    GLOB_EQ("/*.bin", t1, "/a.bin");
    GLOB_EQ("*.bin", t1, "/a.bin"); /* leading '/' implied */
    GLOB_EQ("\\*.bin", t1, "/a.bin");

    static const char *const t2[] = {"/dir/b.txt", NULL};
    GLOB_EQ("/*.txt", t2, "");

    static const char *const t3[] = {"/dir/a.txt", "/dir/b.txt", "/dir/ab.txt", "/dir/c.txt", NULL};
    GLOB_EQ("/dir/?.txt", t3, "/dir/a.txt,/dir/b.txt,/dir/c.txt");
    GLOB_EQ("/dir/[ac].txt", t3, "/dir/a.txt,/dir/c.txt");

    static const char *const t4[] = {"/m1", "/mx/q", "/a", "/zm", NULL};
    GLOB_EQ("[!m]*", t4, "/a,/zm");

    static const char *const t5[] = {"/x/y/f", "/x/g", NULL};
    GLOB_EQ("/x/*", t5, "/x/g,/x/y");
    GLOB_EQ("/x/", t5, "/x");

    static const char *const t6[] = {"/top/a.bin", "/top/sub/b.bin", NULL};
    GLOB_EQ("/top/**", t6, "/top/a.bin,/top/sub,/top/sub/b.bin");

    static const char *const t7[] = {"/top.txt", "/x/mid.txt", "/x/y/deep.txt", NULL};
    GLOB_EQ("/**/*.txt", t7, "/top.txt,/x/mid.txt,/x/y/deep.txt");
    GLOB_EQ("/**/**/*.txt", t7, "/top.txt,/x/mid.txt,/x/y/deep.txt");
    GLOB_EQ("/**/y", t7, "/x/y");
    GLOB_EQ("/**/y/*", t7, "/x/y/deep.txt");

    static const char *const t8[] = {"/a/x.bin", "/a/b/y.bin", "/a/b/c/z.bin", "/a/b/c/n.txt",
                                     "/q.bin", NULL};
    GLOB_EQ("/a/**/*.bin", t8, "/a/b/c/z.bin,/a/b/y.bin,/a/x.bin");

    static const char *const t9[] = {"/dir/a.txt", "/dir/sub/b.txt", "/dir/sub/deep/c.txt",
                                     "/dir/sub/deep/d.bin", "/other/e.txt", NULL};
    GLOB_EQ("/dir/**/*.txt", t9, "/dir/a.txt,/dir/sub/b.txt,/dir/sub/deep/c.txt");

    /* No parts → nothing; root is never returned. */
    GLOB_EQ("", t9, "");
    GLOB_EQ("/", t9, "");
    GLOB_EQ("///", t9, "");
    GLOB_EQ("/**", t9, "/dir,/dir/a.txt,/dir/sub,/dir/sub/b.txt,/dir/sub/deep,/dir/sub/deep/c.txt,"
                       "/dir/sub/deep/d.bin,/other,/other/e.txt");
    GLOB_EQ("*", t9, "/dir,/other");
    /* Empty parts are dropped. */
    GLOB_EQ("//dir//*.txt/", t9, "/dir/a.txt");
    GLOB_EQ("\\dir\\sub\\*", t9, "/dir/sub/b.txt,/dir/sub/deep");
}

/* ── parts, sets, UTF-8 ──────────────────────────────────────────────────────────── */

static void test_nparts(void) {
    struct {
        const char *p;
        size_t n;
    } rows[] = {{"", 0},      {"/", 0},       {"//", 0},   {"\\", 0},        {"a", 1},
                {"/a/", 1},   {"a//b", 2},    {"**", 1},   {"/**/**/x", 3},  {"a\\b/c", 3},
                {"/./..", 2}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        dmfs__glob *g = NULL;
        int rc = dmfs__glob_compile(rows[i].p, &g);
        CHECK(rc == 0 && g, "compile '%s' rc=%d", rows[i].p, rc);
        if (rc == 0) {
            CHECK(dmfs__glob_nparts(g) == rows[i].n, "nparts '%s' = %zu, want %zu", rows[i].p,
                  dmfs__glob_nparts(g), rows[i].n);
            if (rows[i].n == 0) {
                CHECK(dmfs__glob_match(g, "/a", 2) == 0, "zero parts match '%s'", rows[i].p);
                CHECK(dmfs__glob_may_descend(g, "/", 1) == 0, "zero parts descend '%s'", rows[i].p);
            }
        }
        dmfs__glob_free(g);
    }
}

typedef struct {
    const char *pattern, *path;
    int want;
} mrow;

static void run_rows(const mrow *rows, size_t n) {
    for (size_t i = 0; i < n; i++) {
        int got = match1(rows[i].pattern, rows[i].path);
        CHECK(got == rows[i].want, "match('%s', '%s') = %d, want %d", rows[i].pattern,
              rows[i].path, got, rows[i].want);
    }
}

static void test_parts(void) {
    static const mrow rows[] = {
        /* `*` matches empty runs and leading dots */
        {"/*", "/.hidden", 1},
        {"/.*", "/.hidden", 1},
        {"/*", "/a", 1},
        {"/a*", "/a", 1},
        {"/*a", "/a", 1},
        {"/*a*", "/bab", 1},
        {"/*a*", "/bbb", 0},
        {"/a*b*c", "/aXbYc", 1},
        {"/a*b*c", "/aXbYcZ", 0},
        {"/a*b*c", "/abcbc", 1},
        {"/*.tar.gz", "/x.tar.gz", 1},
        {"/*.tar.gz", "/x.tar.gzz", 0},
        /* case-sensitive, whole-name */
        {"/A", "/a", 0},
        {"/a", "/ab", 0},
        {"/ab", "/a", 0},
        {"/a", "/a/b", 0},
        {"/a/b", "/a", 0},
        /* `?` exactly one */
        {"/?", "/a", 1},
        {"/?", "/ab", 0},
        {"/??", "/a", 0},
        {"/?", "/.", 1}, /* text-level; names are never '.' anyway */
        /* `**` inside a longer part is two `*` (within one name) */
        {"/a**b", "/ab", 1},
        {"/a**b", "/aXXb", 1},
        {"/a**b", "/a/b", 0},
        {"/a**b", "/a/x/b", 0},
        {"/**b", "/x/b", 0},
        {"/**b", "/xb", 1},
        {"/b**", "/b/x", 0},
        {"/***", "/a", 1},
        {"/***", "/a/b", 0},
        /* `.` and `..` are literal */
        {"/a/./b", "/a/b", 0},
        {"/a/../b", "/b", 0},
        {"/a/../b", "/a/b", 0},
        /* spaces and other bytes are literal */
        {"/ a ", "/ a ", 1},
        {"/a+b(c)", "/a+b(c)", 1},
        {"/a{b,c}", "/ab", 0},
        {"/a{b,c}", "/a{b,c}", 1},
        {"/^$", "/^$", 1},
    };
    run_rows(rows, sizeof rows / sizeof rows[0]);
}

static void test_sets(void) {
    static const mrow rows[] = {
        {"/[abc]", "/a", 1},
        {"/[abc]", "/d", 0},
        {"/[abc]", "/ab", 0},
        {"/[a-c]x", "/bx", 1},
        {"/[a-c]x", "/dx", 0},
        {"/[a-cx-z]", "/y", 1},
        {"/[a-cx-z]", "/m", 0},
        {"/[!a-c]", "/b", 0},
        {"/[!a-c]", "/m", 1},
        {"/[!a-c]", "/", 0}, /* a set still needs one character */
        /* `]` first is literal */
        {"/[]]", "/]", 1},
        {"/[]]", "/a", 0},
        {"/[]a]", "/a", 1},
        {"/[]a]", "/]", 1},
        {"/[!]]", "/]", 0},
        {"/[!]]", "/a", 1},
        {"/[!]a]", "/a", 0},
        {"/[!]a]", "/b", 1},
        {"/[]-a]", "/_", 1}, /* ']'(5D)..'a'(61) range */
        {"/[]-a]", "/b", 0},
        /* `[` without a closing `]` is literal */
        {"/[", "/[", 1},
        {"/[ab", "/[ab", 1},
        {"/[ab", "/a", 0},
        {"/a[", "/a[", 1},
        {"/[]", "/[]", 1},
        {"/[]", "/]", 0},
        {"/[!]", "/[!]", 1},
        {"/[!", "/[!", 1},
        {"/[[]", "/[", 1},
        {"/[[]x", "/[x", 1},
        {"/x[*", "/x[*", 1},
        {"/x[*", "/x[yy", 1}, /* '[' literal, '*' still a wildcard */
        {"/x[?", "/x[z", 1},
        /* A '/' splits the pattern, so a set never spans parts: "[a" and "b]" are literal. */
        {"/[a/b]", "/a/b]", 0},
        {"/[a/b]", "/[a/b]", 1},
        /* '-' first or last is literal */
        {"/[-a]", "/-", 1},
        {"/[a-]", "/-", 1},
        {"/[a-]", "/b", 0},
        {"/[!-]", "/-", 0},
        {"/[!-]", "/a", 1},
        /* wildcards inside a set are literal */
        {"/[*]", "/*", 1},
        {"/[*]", "/a", 0},
        {"/[?]", "/?", 1},
        {"/[?]", "/a", 0},
        {"/[!]", "/!", 0},
        {"/[a!]", "/!", 1},
        /* reversed range matches nothing */
        {"/[z-a]", "/m", 0},
        {"/[!z-a]", "/m", 1},
        /* sets combined with stars */
        {"/*[0-9]", "/file7", 1},
        {"/*[0-9]", "/file", 0},
        {"/[a-z]*[0-9]", "/x12", 1},
    };
    run_rows(rows, sizeof rows / sizeof rows[0]);
}

static void test_utf8(void) {
    static const mrow rows[] = {
        {"/?", "/\xC3\xA9", 1},                  /* é is one character */
        {"/??", "/\xC3\xA9", 0},
        {"/?", "/\xF0\x9F\x98\x80", 1},          /* 😀 is one character */
        {"/??", "/\xF0\x9F\x98\x80", 0},
        {"/????", "/\xF0\x9F\x98\x80", 0},
        {"/a?b", "/a\xF0\x9F\x98\x80" "b", 1},
        {"/?\xC3\xA9?", "/x\xC3\xA9\xF0\x9F\x98\x80", 1},
        {"/*\xC3\xA9", "/caf\xC3\xA9", 1},
        {"/caf\xC3\xA9", "/cafe\xCC\x81", 0},     /* NFC vs NFD differ */
        {"/[\xC3\xA9]", "/\xC3\xA9", 1},
        {"/[\xC3\xA9]", "/\xC3", 0},
        {"/[!\xC3\xA9]", "/\xC3\xA9", 0},
        {"/[!\xC3\xA9]", "/e", 1},
        {"/[a-\xC3\xBF]", "/\xC3\xA9", 1},       /* a..ÿ by code point */
        {"/[\xF0\x9F\x98\x80-\xF0\x9F\x98\x8F]", "/\xF0\x9F\x98\x85", 1},
        {"/[\xF0\x9F\x98\x80-\xF0\x9F\x98\x8F]", "/\xF0\x9F\x98\x90", 0},
        {"/[!a]", "/\xF0\x9F\x98\x80", 1},
        {"/*\xF0\x9F\x98\x80*", "/x\xF0\x9F\x98\x80y", 1},
        {"/*\xF0\x9F\x98\x80*", "/x\xF0\x9F\x98\x81y", 0},
        {"/\xC3\xA9/*", "/\xC3\xA9/x", 1},
    };
    run_rows(rows, sizeof rows / sizeof rows[0]);
}

static void test_globstar(void) {
    static const mrow rows[] = {
        /* last: one or more */
        {"/**", "/a", 1},
        {"/**", "/a/b/c", 1},
        {"/a/**", "/a", 0},
        {"/a/**", "/a/b", 1},
        {"/a/**", "/a/b/c", 1},
        {"/a/**", "/b/c", 0},
        /* followed: zero or more */
        {"/**/a", "/a", 1},
        {"/**/a", "/x/a", 1},
        {"/**/a", "/x/y/a", 1},
        {"/**/a", "/x/y/a/b", 0},
        {"/a/**/b", "/a/b", 1},
        {"/a/**/b", "/a/x/b", 1},
        {"/a/**/b", "/a/x/y/b", 1},
        {"/a/**/b", "/a/x/y/c", 0},
        {"/a/**/b", "/a", 0},
        {"/a/**/b/**", "/a/b", 0},
        {"/a/**/b/**", "/a/b/c", 1},
        {"/a/**/b/**", "/a/x/b/c/d", 1},
        {"/**/**", "/a", 1},
        {"/**/**", "/a/b", 1},
        {"/a/**/**", "/a", 0},
        {"/a/**/**", "/a/b", 1},
        {"/**/a/**/a", "/a/a", 1},
        {"/**/a/**/a", "/a", 0},
        {"/**/a/**/a", "/x/a/y/z/a", 1},
        {"/**/*/**", "/a", 0}, /* the last ** needs one more name */
        {"/**/*/**", "/a/b", 1},
        {"/**/*/*", "/a", 0},
        {"/**/*/*", "/a/b", 1},
        /* leading dots under ** */
        {"/**/*", "/.git/.config", 1},
        /* '**' part against '.'-like names is irrelevant: '..' literal part never matches */
        {"/**/..", "/a/..", 0},
    };
    run_rows(rows, sizeof rows / sizeof rows[0]);
}

static void test_errors(void) {
    static const char *bad[] = {
        "/\xC3",                 /* truncated */
        "/\xC0\xAF",             /* overlong '/' */
        "/\xE0\x80\xAF",         /* overlong 3-byte */
        "/\xED\xA0\x80",         /* U+D800 encoded */
        "/\xED\xBF\xBF",         /* U+DFFF encoded */
        "/\xF4\x90\x80\x80",     /* > U+10FFFF */
        "/\xF8\x88\x80\x80\x80", /* 5-byte form */
        "/\x80",                 /* stray continuation */
        "/a\xFF",
        "/\xF0\x9F\x98",         /* truncated emoji */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dmfs__glob *g = (dmfs__glob *)1;
        int rc = dmfs__glob_compile(bad[i], &g);
        CHECK(rc == DMFS_EINVAL, "bad utf8 #%zu rc=%d", i, rc);
        CHECK(g == NULL, "bad utf8 #%zu sets *out NULL", i);
    }
    dmfs__glob *g = NULL;
    CHECK(dmfs__glob_compile(NULL, &g) == DMFS_EINVAL, "NULL pattern");

    char *big = malloc(DMFS_PATH_MAX + 2);
    memset(big, 'a', DMFS_PATH_MAX + 1);
    big[DMFS_PATH_MAX + 1] = 0;
    g = (dmfs__glob *)1;
    int rc = dmfs__glob_compile(big, &g);
    CHECK(rc == DMFS_ENAMETOOLONG, "4097 bytes rc=%d", rc);
    CHECK(g == NULL, "4097 bytes sets *out NULL");
    big[DMFS_PATH_MAX] = 0; /* exactly 4096 bytes: accepted */
    rc = dmfs__glob_compile(big, &g);
    CHECK(rc == 0, "4096 bytes rc=%d", rc);
    if (rc == 0) {
        CHECK(dmfs__glob_nparts(g) == 1, "4096 bytes one part");
        /* A literal longer than a name can be never matches, and prunes. */
        CHECK(dmfs__glob_may_descend(g, "/", 1) == 0, "over-long literal prunes");
        dmfs__glob_free(g);
    }
    /* 4096 bytes of "a/": the most parts a pattern can have. */
    for (int i = 0; i < DMFS_PATH_MAX; i++) big[i] = (i & 1) ? '/' : 'a';
    big[DMFS_PATH_MAX] = 0;
    rc = dmfs__glob_compile(big, &g);
    CHECK(rc == 0, "2048 parts rc=%d", rc);
    if (rc == 0) {
        CHECK(dmfs__glob_nparts(g) == DMFS_PATH_MAX / 2, "2048 parts nparts=%zu", dmfs__glob_nparts(g));
        big[DMFS_PATH_MAX - 1] = 0; /* "a/a/.../a": 2048 names, as path with leading '/' */
        char *path = malloc(DMFS_PATH_MAX + 2);
        path[0] = '/';
        strcpy(path + 1, big);
        CHECK(dmfs__glob_match(g, path, strlen(path)) == 1, "2048 parts match");
        CHECK(dmfs__glob_match(g, path, strlen(path) - 2) == 0, "2047 names no match");
        CHECK(dmfs__glob_may_descend(g, path, strlen(path) - 2) == 1, "2047 names descend");
        CHECK(dmfs__glob_may_descend(g, path, strlen(path)) == 0, "2048 names no descend");
        free(path);
        dmfs__glob_free(g);
    }
    /* Backslashes count as bytes before conversion: 4097 of them is too long. */
    memset(big, '\\', DMFS_PATH_MAX + 1);
    big[DMFS_PATH_MAX + 1] = 0;
    CHECK(dmfs__glob_compile(big, &g) == DMFS_ENAMETOOLONG, "4097 backslashes");
    free(big);
}

static void test_may_descend(void) {
    /* literal first parts prune everything else */
    CHECK(descend1("/a/*", "/") == 1, "root");
    CHECK(descend1("/a/*", "/a") == 1, "/a");
    CHECK(descend1("/a/*", "/b") == 0, "/b pruned");
    CHECK(descend1("/a/*", "/a/x") == 0, "/a/x: nothing deeper can match");
    CHECK(descend1("/a/b/c", "/a/b") == 1, "/a/b");
    CHECK(descend1("/a/b/c", "/a/c") == 0, "/a/c pruned");
    CHECK(descend1("/a/b/c", "/a/b/c") == 0, "/a/b/c leaf");
    CHECK(descend1("/*", "/") == 1, "/* root");
    CHECK(descend1("/*", "/x") == 0, "/* no deeper");
    CHECK(descend1("/*.txt", "/dir") == 0, "/*.txt no deeper");
    CHECK(descend1("/**", "/x/y/z") == 1, "** anything");
    CHECK(descend1("/**/*.txt", "/x/y/z") == 1, "**/*.txt anything");
    CHECK(descend1("/a/**", "/a") == 1, "/a/**");
    CHECK(descend1("/a/**", "/b") == 0, "/a/** prunes /b");
    CHECK(descend1("/a/**", "/a/b/c/d") == 1, "/a/** deep");
    CHECK(descend1("/[ab]/x", "/c") == 0, "set prunes");
    CHECK(descend1("/[ab]/x", "/b") == 1, "set descends");
    CHECK(descend1("/a/./b", "/") == 0, "'.' part prunes from root");
    CHECK(descend1("/**/../x", "/a") == 0, "'..' part prunes");
    CHECK(descend1("", "/") == 0, "no parts");
}

/* ── polynomial time ─────────────────────────────────────────────────────────────── */

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_pathological(void) {
    char *path = malloc(DMFS_PATH_MAX + 1);
    path[0] = '/';
    memset(path + 1, 'a', DMFS_PATH_MAX - 1);
    path[DMFS_PATH_MAX] = 0;
    double t0 = now_s();
    CHECK(match1("/*a*a*a*a*a*a*a*a*b", path) == 0, "stars vs a's");
    CHECK(match1("/*a*a*a*a*a*a*a*a*a", path) == 1, "stars vs a's (match)");
    CHECK(match1("/*a*a*a*a*a*a*a*a*[!a]", path) == 0, "stars vs a's (set)");
    CHECK(match1("/?*?*?*?*?*?*?*?*?*?*?*?*b", path) == 0, "?* vs a's");

    /* ** vs a deep path: 2048 names "a", pattern of many ** and a final miss */
    for (int i = 0; i < DMFS_PATH_MAX; i += 2) path[i] = '/', path[i + 1] = 'a';
    path[DMFS_PATH_MAX] = 0;
    char pat[512] = "";
    for (int i = 0; i < 30; i++) strcat(pat, "/**/a");
    strcat(pat, "/b");
    CHECK(match1(pat, path) == 0, "**/a chain vs deep a's");
    pat[strlen(pat) - 1] = 'a';
    CHECK(match1(pat, path) == 1, "**/a chain vs deep a's (match)");
    /* ** with stars in each part */
    pat[0] = 0;
    for (int i = 0; i < 20; i++) strcat(pat, "/**/*a*");
    strcat(pat, "/*b*");
    CHECK(match1(pat, path) == 0, "**/*a* chain vs deep a's");
    CHECK(descend1(pat, path) == 1, "**/*a* chain may descend");
    double dt = now_s() - t0;
    CHECK(dt < 2.0, "pathological patterns took %.3f s", dt);
    printf("pathological patterns: %.3f s\n", dt);
    free(path);
}

/* ── allocation failures ─────────────────────────────────────────────────────────── */

static void test_oom(void) {
    uint64_t base = dmfs_debug_heap_bytes();
    int saw_ok = 0;
    for (uint64_t n = 1; n < 32 && !saw_ok; n++) {
        dmfs__glob *g = (dmfs__glob *)1;
        dmfs_debug_fail_alloc(n);
        int rc = dmfs__glob_compile("/a/**/[bc]*.txt", &g);
        dmfs_debug_fail_alloc(0);
        if (rc == 0) {
            saw_ok = 1;
            CHECK(dmfs__glob_match(g, "/a/x/b1.txt", 11) == 1, "after OOM loop");
            dmfs__glob_free(g);
        } else {
            CHECK(rc == DMFS_ENOMEM, "fail alloc %llu: rc=%d", (unsigned long long)n, rc);
            CHECK(g == NULL, "fail alloc %llu: *out NULL", (unsigned long long)n);
        }
        CHECK(dmfs_debug_heap_bytes() == base, "fail alloc %llu: leaked %lld bytes",
              (unsigned long long)n, (long long)(dmfs_debug_heap_bytes() - base));
    }
    CHECK(saw_ok, "compile eventually succeeds");
}

/* ── random cross-check against a brute-force reference ─────────────────────────── */

static uint64_t rng_state;
static uint32_t rnd(uint32_t n) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

/* Reference: code point arrays, plain recursion (exponential, inputs are tiny). */
#define RMAX 64
typedef struct {
    uint32_t c[RMAX];
    int n;
} cps;

static void to_cps(const char *s, size_t n, cps *out) {
    out->n = 0;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        uint32_t c;
        int l;
        if (u[i] < 0x80) c = u[i], l = 1;
        else if (u[i] < 0xE0) c = u[i] & 0x1F, l = 2;
        else if (u[i] < 0xF0) c = u[i] & 0x0F, l = 3;
        else c = u[i] & 0x07, l = 4;
        for (int k = 1; k < l; k++) c = (c << 6) | (u[i + k] & 0x3F);
        out->c[out->n++] = c;
        i += (size_t)l;
    }
}

/* Where the set starting at p[i] == '[' ends (index of its ']'), or -1 if literal. */
static int ref_set_end(const cps *p, int i) {
    int j = i + 1;
    if (j < p->n && p->c[j] == '!') j++;
    if (j < p->n && p->c[j] == ']') j++;
    for (; j < p->n; j++)
        if (p->c[j] == ']') return j;
    return -1;
}

static int ref_set_has(const cps *p, int i, int end, uint32_t ch) {
    int j = i + 1, neg = 0;
    if (p->c[j] == '!') neg = 1, j++;
    int in = 0;
    while (j < end) {
        if (j + 2 < end && p->c[j + 1] == '-') {
            if (p->c[j] <= ch && ch <= p->c[j + 2]) in = 1;
            j += 3;
        } else {
            if (p->c[j] == ch) in = 1;
            j++;
        }
    }
    return in != neg;
}

static int ref_name(const cps *p, int i, const cps *s, int k) {
    if (i == p->n) return k == s->n;
    uint32_t c = p->c[i];
    if (c == '*') return ref_name(p, i + 1, s, k) || (k < s->n && ref_name(p, i, s, k + 1));
    if (k == s->n) return 0;
    if (c == '?') return ref_name(p, i + 1, s, k + 1);
    if (c == '[') {
        int e = ref_set_end(p, i);
        if (e >= 0) return ref_set_has(p, i, e, s->c[k]) && ref_name(p, e + 1, s, k + 1);
    }
    return c == s->c[k] && ref_name(p, i + 1, s, k + 1);
}

typedef struct {
    char *s[RMAX];
    size_t n[RMAX];
    int count;
} parts;

static void split(char *text, parts *out) {
    out->count = 0;
    for (char *c = text; *c; c++)
        if (*c == '\\') *c = '/';
    char *p = text;
    while (*p) {
        if (*p == '/') {
            p++;
            continue;
        }
        char *e = p;
        while (*e && *e != '/') e++;
        out->s[out->count] = p;
        out->n[out->count++] = (size_t)(e - p);
        p = e;
    }
}

static int ref_path(const parts *pp, int i, const parts *nn, int k) {
    if (i == pp->count) return k == nn->count;
    if (pp->n[i] == 2 && memcmp(pp->s[i], "**", 2) == 0) {
        if (i + 1 == pp->count) return nn->count - k >= 1;
        for (int j = k; j <= nn->count; j++)
            if (ref_path(pp, i + 1, nn, j)) return 1;
        return 0;
    }
    if (k == nn->count) return 0;
    cps pc, nc;
    to_cps(pp->s[i], pp->n[i], &pc);
    to_cps(nn->s[k], nn->n[k], &nc);
    return ref_name(&pc, 0, &nc, 0) && ref_path(pp, i + 1, nn, k + 1);
}

static const char *const pat_alpha[] = {"a", "b", "a", "b", "*", "*", "?", "[", "]", "!", "-",
                                        "/", "/", "**", "\xC3\xA9", "\xF0\x9F\x98\x80", "\\",
                                        "c", "."};
static const char *const name_alpha[] = {"a", "b", "c", "-", "]", "!", "[", "*",
                                         "\xC3\xA9", "\xF0\x9F\x98\x80", "."};

static void test_random(uint64_t seed) {
    rng_state = seed ? seed : 1;
    int mismatches = 0, positives = 0;
    for (int iter = 0; iter < 20000 && mismatches < 10; iter++) {
        char pat[256] = "", path[128] = "";
        int units[4][3], ulen[4];
        int nnames = 1 + (int)rnd(4);
        for (int i = 0; i < nnames; i++) {
            strcat(path, "/");
            char name[32];
            do {
                name[0] = 0;
                ulen[i] = 1 + (int)rnd(3);
                for (int k = 0; k < ulen[i]; k++) {
                    units[i][k] = (int)rnd(sizeof name_alpha / sizeof name_alpha[0]);
                    strcat(name, name_alpha[units[i][k]]);
                }
            } while (!strcmp(name, ".") || !strcmp(name, ".."));
            strcat(path, name);
        }
        if (rnd(2)) {
            /* Fully random pattern. */
            int plen = (int)rnd(9);
            if (rnd(2)) strcat(pat, "/");
            for (int i = 0; i < plen; i++)
                strcat(pat, pat_alpha[rnd(sizeof pat_alpha / sizeof pat_alpha[0])]);
        } else {
            /* A mutation of the path, so that many cases match. */
            for (int i = 0; i < nnames; i++) {
                if (rnd(4) == 0) strcat(pat, "/**");
                if (rnd(6) == 0) continue; /* drop a name (maybe covered by a **) */
                strcat(pat, rnd(5) ? "/" : "\\");
                for (int k = 0; k < ulen[i]; k++) {
                    const char *u = name_alpha[units[i][k]];
                    switch (rnd(10)) {
                    case 0: strcat(pat, "?"); break;
                    case 1: strcat(pat, "*"); break;
                    case 2: strcat(pat, "["); strcat(pat, u); strcat(pat, "]"); break;
                    case 3: strcat(pat, "[!"); strcat(pat, u); strcat(pat, "]"); break;
                    case 4: strcat(pat, "[a-"); strcat(pat, u); strcat(pat, "]"); break;
                    default: strcat(pat, u);
                    }
                }
            }
            if (rnd(6) == 0) strcat(pat, "/**");
        }
        char pcopy[128], ncopy[128];
        strcpy(pcopy, pat);
        strcpy(ncopy, path);
        parts pp, nn;
        split(pcopy, &pp);
        split(ncopy, &nn);
        int want = pp.count > 0 && ref_path(&pp, 0, &nn, 0);
        positives += want;

        dmfs__glob *g = NULL;
        int rc = dmfs__glob_compile(pat, &g);
        if (rc != 0) {
            CHECK(0, "seed %llu: compile '%s' rc=%d", (unsigned long long)seed, pat, rc);
            mismatches++;
            continue;
        }
        int got = dmfs__glob_match(g, path, strlen(path));
        if (got != want) {
            CHECK(0, "seed %llu: match('%s', '%s') = %d, reference %d", (unsigned long long)seed,
                  pat, path, got, want);
            mismatches++;
        } else {
            g_pass++;
        }
        /* Over-approximation: every proper ancestor of a match may be descended. */
        if (want) {
            int ok = dmfs__glob_may_descend(g, "/", 1);
            for (size_t k = 1; k < strlen(path) && ok; k++)
                if (path[k] == '/') ok = dmfs__glob_may_descend(g, path, k);
            if (!ok) {
                CHECK(0, "seed %llu: may_descend pruned an ancestor of '%s' for '%s'",
                      (unsigned long long)seed, path, pat);
                mismatches++;
            } else {
                g_pass++;
            }
        }
        dmfs__glob_free(g);
    }
    /* The generator must produce matches too, or the cross-check proves little. */
    CHECK(positives > 2000, "random: only %d matching cases", positives);
    printf("random cross-check: %d matching cases\n", positives);
}

int main(void) {
    uint64_t seed;
    const char *env = getenv("DMFS_SEED");
    seed = env && *env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL);
    printf("test_glob: seed %llu (set DMFS_SEED to repeat)\n", (unsigned long long)seed);

    test_spec_examples();
    test_nparts();
    test_parts();
    test_sets();
    test_utf8();
    test_globstar();
    test_errors();
    test_may_descend();
    test_pathological();
    test_oom();
    test_random(seed);

    printf("%d passed, %d failed\n", g_pass, g_fail);
    return g_fail ? 1 : 0;
}
