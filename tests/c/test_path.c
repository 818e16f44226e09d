/* Unit tests of the path text rules (SPEC §5.1): dmfs__path_normalize, dmfs__utf8_valid,
 * dmfs__utf8_count. Random inputs (seed: DMFS_SEED) check idempotence and agreement with a
 * small reference normalizer written here. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime under -std=c11 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../c/src/path.h"
#include "dmemfs.h"

#include "counting_check.h"

static char out[DMFS_PATH_MAX + 1];

/* Normalizes `in` and checks the result: expect is the path, or NULL with code. */
static void norm_eq(const char *in, const char *expect, int code, int line) {
    memset(out, 0x55, sizeof out);
    int rc = dmfs__path_normalize(in, out);
    if (expect) {
        int ok = rc == (int)strlen(expect) && strcmp(out, expect) == 0;
        CHECK(ok, "line %d: normalize(\"%.60s\") = %d \"%.60s\", want \"%.60s\"", line, in, rc,
              rc > 0 ? out : "", expect);
    } else {
        CHECK(rc == code, "line %d: normalize(\"%.60s\") = %d, want %d (%s)", line, in, rc, code,
              dmfs_errname(code));
    }
}
#define NORM(in, expect) norm_eq(in, expect, 0, __LINE__)
#define NORM_ERR(in, code) norm_eq(in, NULL, code, __LINE__)

static void test_table(void) {
    /* Every row of the §5.1 table. */
    NORM("", "/");
    NORM("/", "/");
    NORM(".", "/");
    NORM("/.", "/");
    NORM("a/..", "/");
    NORM("//", "/");

    NORM("a/b/c", "/a/b/c");
    NORM("./a", "/a");
    NORM("a/b/..", "/a");

    NORM("/a/b/", "/a/b");
    NORM("/a//b", "/a/b");
    NORM("/a/./b/", "/a/b");

    NORM("/a/b/../c", "/a/c");

    NORM("\\a\\b", "/a/b");
    NORM("a\\b", "/a/b");

    NORM("///a", "/a");
    NORM("//a//b", "/a/b");
    NORM("\\\\a", "/a");

    NORM_ERR("..", DMFS_EINVAL);
    NORM_ERR("/..", DMFS_EINVAL);
    NORM_ERR("../x", DMFS_EINVAL);
    NORM_ERR("/a/../../x", DMFS_EINVAL);
    NORM_ERR("..\\x", DMFS_EINVAL);
    NORM_ERR("a/../..", DMFS_EINVAL);
    NORM_ERR("//..", DMFS_EINVAL);
    NORM_ERR("/../a", DMFS_EINVAL);

    NORM("...", "/...");
    NORM(" ", "/ ");
    NORM("/ a /", "/ a ");

    /* "a\0b": a C string cannot carry the NUL; the C API sees "a". (The JS layer rejects
     * the NUL with EINVAL before C is reached.) */
    NORM("a\0b", "/a");

    char buf[8192];
    strcpy(buf, "/");
    memset(buf + 1, 'x', 255);
    buf[256] = 0;
    NORM(buf, buf); /* "/" + 255 × x: accepted */
    buf[256] = 'x';
    buf[257] = 0;
    NORM_ERR(buf, DMFS_ENAMETOOLONG); /* + 256 × x */
    strcpy(buf, "/");
    for (int i = 0; i < 128; i++) strcat(buf, "\xC3\xA9");
    NORM_ERR(buf, DMFS_ENAMETOOLONG); /* + 128 × é (256 bytes) */

    /* 16 parts of 255 bytes = 4096 bytes: accepted; + "/b": too long. */
    buf[0] = 0;
    for (int i = 0; i < 16; i++) {
        size_t l = strlen(buf);
        buf[l] = '/';
        memset(buf + l + 1, (char)('a' + i), 255);
        buf[l + 256] = 0;
    }
    CHECK(strlen(buf) == 4096, "16 × 255 is 4096 bytes");
    NORM(buf, buf);
    strcat(buf, "/b");
    NORM_ERR(buf, DMFS_ENAMETOOLONG);
}

static void test_more(void) {
    char buf[8192], want[8192];
    /* Near the name limit with multi-byte text: 127 × é + "x" = 255 bytes. */
    strcpy(buf, "/");
    for (int i = 0; i < 127; i++) strcat(buf, "\xC3\xA9");
    strcat(buf, "x");
    NORM(buf, buf);
    /* 63 × 😀 + "abc" = 255 bytes; one more byte is too long. */
    strcpy(buf, "/");
    for (int i = 0; i < 63; i++) strcat(buf, "\xF0\x9F\x98\x80");
    strcat(buf, "abc");
    NORM(buf, buf);
    strcat(buf, "d");
    NORM_ERR(buf, DMFS_ENAMETOOLONG);

    /* The input may be any length: long inputs with a short result. */
    strcpy(buf, "/a");
    for (int i = 0; i < 3000; i++) strcat(buf, "/.");
    NORM(buf, "/a");
    buf[0] = 0;
    for (int i = 0; i < 1500; i++) strcat(buf, "q/../");
    strcat(buf, "b");
    NORM(buf, "/b");
    memset(buf, '/', 6000);
    strcpy(buf + 6000, "z");
    NORM(buf, "/z");
    /* ".." at depth: removes one part at a time. */
    NORM("/a/b/c/../../d", "/a/d");
    NORM("/a/b/c/../../../d", "/d");
    NORM_ERR("/a/b/c/../../../../d", DMFS_EINVAL);
    NORM("/a/../b/../c", "/c");
    NORM("/a/.../b", "/a/.../b");
    NORM("/a/..b/c", "/a/..b/c");
    NORM("/a/b..", "/a/b..");
    NORM("/.a", "/.a");
    NORM("a/./././b", "/a/b");
    NORM("\\", "/");
    NORM("/a\\..\\b", "/b");
    NORM("/A/a", "/A/a"); /* case kept */
    NORM("/caf\xC3\xA9", "/caf\xC3\xA9");
    NORM("/cafe\xCC\x81", "/cafe\xCC\x81"); /* NFD kept as is */
    NORM("/\xF0\x9F\x98\x80/x", "/\xF0\x9F\x98\x80/x");
    /* A 4096-byte result made of many small parts. */
    buf[0] = 0;
    for (int i = 0; i < 2048; i++) strcat(buf, "/k");
    NORM(buf, buf);
    strcpy(want, buf);
    strcat(buf, "/x/..");
    NORM(buf, want);
    strcat(buf, "/y");
    NORM_ERR(buf, DMFS_ENAMETOOLONG);

    /* Invalid UTF-8 → EINVAL. */
    static const char *bad[] = {
        "/\xC0\xAF",             /* overlong '/' */
        "/\xC1\xBF",             /* overlong 2-byte */
        "/\xE0\x80\xAF",         /* overlong 3-byte */
        "/\xF0\x80\x80\xAF",     /* overlong 4-byte */
        "/\xED\xA0\x80",         /* U+D800 encoded */
        "/a/\xED\xBF\xBF",       /* U+DFFF encoded */
        "/\xF4\x90\x80\x80",     /* U+110000 */
        "/\xF5\x80\x80\x80",     /* lead byte beyond range */
        "/\xC3",                 /* truncated 2-byte */
        "/\xE2\x82",             /* truncated 3-byte */
        "/\xF0\x9F\x98",         /* truncated 4-byte */
        "/\xC3x",                /* bad continuation */
        "/\x80",                 /* stray continuation */
        "/\xFF",
        "/\xFE",
        "/\xF8\x88\x80\x80\x80", /* 5-byte form */
        "/a/../\xC3",            /* invalid even where the part is removed */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = dmfs__path_normalize(bad[i], out);
        CHECK(rc == DMFS_EINVAL, "bad utf8 #%zu: rc=%d", i, rc);
        CHECK(dmfs__utf8_valid(bad[i], strlen(bad[i])) == 0, "utf8_valid bad #%zu", i);
    }
}

static void test_utf8(void) {
    static const struct {
        const char *s;
        size_t n, count;
    } good[] = {
        {"", 0, 0},
        {"a", 1, 1},
        {"abc", 3, 3},
        {"\xC3\xA9", 2, 1},
        {"\xF0\x9F\x98\x80", 4, 1},
        {"a\xC3\xA9\xF0\x9F\x98\x80z", 8, 4},
        {"\xC2\x80", 2, 1},             /* U+0080, smallest 2-byte */
        {"\xDF\xBF", 2, 1},             /* U+07FF */
        {"\xE0\xA0\x80", 3, 1},         /* U+0800, smallest 3-byte */
        {"\xED\x9F\xBF", 3, 1},         /* U+D7FF, just below surrogates */
        {"\xEE\x80\x80", 3, 1},         /* U+E000, just above */
        {"\xEF\xBF\xBF", 3, 1},         /* U+FFFF */
        {"\xF0\x90\x80\x80", 4, 1},     /* U+10000 */
        {"\xF4\x8F\xBF\xBF", 4, 1},     /* U+10FFFF */
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        CHECK(dmfs__utf8_valid(good[i].s, good[i].n) == 1, "utf8_valid good #%zu", i);
        CHECK(dmfs__utf8_count(good[i].s, good[i].n) == good[i].count, "utf8_count #%zu = %zu, want %zu",
              i, dmfs__utf8_count(good[i].s, good[i].n), good[i].count);
    }
    /* The length bounds the scan: a cut sequence is invalid, the prefix before it valid. */
    CHECK(dmfs__utf8_valid("\xC3\xA9", 1) == 0, "cut é");
    CHECK(dmfs__utf8_valid("a\xF0\x9F\x98\x80", 4) == 0, "cut 😀");
    CHECK(dmfs__utf8_valid("a\xF0\x9F\x98\x80", 1) == 1, "prefix before 😀");
    CHECK(dmfs__utf8_valid("\xC3\xA9\xFF", 2) == 1, "bytes past n are not read");
    CHECK(dmfs__utf8_count("\xC3\xA9\xC3\xA9\xC3\xA9", 4) == 2, "count bounded by n");
    /* 128 × é: 256 bytes, 128 code points. */
    char buf[300] = "";
    for (int i = 0; i < 128; i++) strcat(buf, "\xC3\xA9");
    CHECK(dmfs__utf8_valid(buf, 256) == 1, "128 × é valid");
    CHECK(dmfs__utf8_count(buf, 256) == 128, "128 × é count");
}

/* ── random: idempotence and a reference normalizer ───────────────────────────────── */

static uint64_t rng_state;
static uint32_t rnd(uint32_t n) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

/* Reference for short, valid inputs (no part near 255 bytes, result far below 4096). */
static int ref_normalize(const char *in, char *res) {
    char tmp[512];
    strcpy(tmp, in);
    for (char *c = tmp; *c; c++)
        if (*c == '\\') *c = '/';
    const char *st[256];
    size_t sl[256];
    int depth = 0;
    char *p = tmp;
    while (*p) {
        if (*p == '/') {
            p++;
            continue;
        }
        char *e = p;
        while (*e && *e != '/') e++;
        size_t l = (size_t)(e - p);
        if (l == 1 && p[0] == '.') {
        } else if (l == 2 && p[0] == '.' && p[1] == '.') {
            if (--depth < 0) return DMFS_EINVAL;
        } else {
            st[depth] = p;
            sl[depth++] = l;
        }
        p = e;
    }
    size_t n = 0;
    for (int i = 0; i < depth; i++) {
        res[n++] = '/';
        memcpy(res + n, st[i], sl[i]);
        n += sl[i];
    }
    if (n == 0) res[n++] = '/';
    res[n] = 0;
    return (int)n;
}

static void test_random(uint64_t seed) {
    static const char *const alpha[] = {"a", "b", "c", ".", ".", "..", "/", "/", "//", "\\",
                                        " ", "\xC3\xA9", "\xF0\x9F\x98\x80", "x"};
    rng_state = seed ? seed : 1;
    int fails = 0, accepted = 0;
    for (int iter = 0; iter < 20000 && fails < 10; iter++) {
        char in[256] = "";
        int n = (int)rnd(12);
        for (int i = 0; i < n; i++) strcat(in, alpha[rnd(sizeof alpha / sizeof alpha[0])]);
        char want[512], again[DMFS_PATH_MAX + 1];
        int wrc = ref_normalize(in, want);
        int rc = dmfs__path_normalize(in, out);
        int ok = rc == wrc && (rc < 0 || strcmp(out, want) == 0);
        if (!ok) {
            fails++;
            CHECK(0, "seed %llu: normalize(\"%s\") = %d \"%s\", reference %d \"%s\"",
                  (unsigned long long)seed, in, rc, rc > 0 ? out : "", wrc, wrc > 0 ? want : "");
            continue;
        }
        g_pass++;
        if (rc > 0) {
            accepted++;
            int rc2 = dmfs__path_normalize(out, again);
            int idem = rc2 == rc && strcmp(again, out) == 0;
            if (!idem) fails++;
            CHECK(idem, "seed %llu: not idempotent: \"%s\" → \"%s\" → %d \"%s\"",
                  (unsigned long long)seed, in, out, rc2, rc2 > 0 ? again : "");
        }
    }
    CHECK(accepted > 5000, "random: only %d accepted inputs", accepted);
}

int main(void) {
    const char *env = getenv("DMFS_SEED");
    uint64_t seed = env && *env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL);
    printf("test_path: seed %llu (set DMFS_SEED to repeat)\n", (unsigned long long)seed);
    test_table();
    test_more();
    test_utf8();
    test_random(seed);
    printf("%d passed, %d failed\n", g_pass, g_fail);
    return g_fail ? 1 : 0;
}
