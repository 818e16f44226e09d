/* Quick checks of the core against SPEC §6.6 worked examples and a few concurrency rules.
 * Plain main(); exit code 0 when every check passes. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dmemfs.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int g_fail, g_checks;
#define CHECK(c) do { g_checks++; if (!(c)) { g_fail++; fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #c); } } while (0)
#define EQ(a, b) do { long long _a = (long long)(a), _b = (long long)(b); g_checks++; if (_a != _b) { g_fail++; fprintf(stderr, "%s:%d: %s == %lld, want %lld\n", __FILE__, __LINE__, #a, _a, _b); } } while (0)

static dmfs_fs *mk(uint64_t quota, int storage, uint64_t ov) {
    dmfs_config c;
    dmfs_config_init(&c);
    c.max_quota = quota;
    c.default_storage = storage;
    c.chunk_overhead = ov;
    dmfs_fs *fs = NULL;
    if (dmfs_create(&c, &fs) != 0) { fprintf(stderr, "create failed\n"); exit(2); }
    return fs;
}
static uint64_t used(dmfs_fs *fs) { dmfs_statsbuf s; dmfs_stats(fs, &s); return s.used_bytes; }
static void nospc(int64_t rc, uint64_t req, uint64_t avail, int line) {
    const dmfs_error_info *e = dmfs_last_error();
    g_checks++;
    if (rc != DMFS_ENOSPC || e->kind != DMFS_KIND_BYTES || e->requested != req || e->available != avail) {
        g_fail++;
        fprintf(stderr, "line %d: got rc %lld ENOSPC(%llu,%llu), want ENOSPC(%llu,%llu)\n", line, (long long)rc,
                (unsigned long long)e->requested, (unsigned long long)e->available, (unsigned long long)req,
                (unsigned long long)avail);
    }
}
#define NOSPC(rc, r, a) nospc((rc), (r), (a), __LINE__)
static dmfs_file *op(dmfs_fs *fs, const char *p, const char *m) {
    dmfs_file *f = NULL;
    int rc = dmfs_open(fs, p, m, 0, 0, &f);
    if (rc) { fprintf(stderr, "open %s %s: %s\n", p, m, dmfs_errname(rc)); g_fail++; }
    return f;
}
static int wr(dmfs_fs *fs, const char *p, const char *s) { return dmfs_write_file(fs, p, s, strlen(s), 0); }
static int content_is(dmfs_fs *fs, const char *p, const void *want, size_t n) {
    uint8_t *d; size_t len;
    if (dmfs_read_file(fs, p, -1, 0, &d, &len) != 0) return 0;
    int ok = len == n && (n == 0 || memcmp(d, want, n) == 0);
    dmfs_free(d);
    return ok;
}

static void examples(void) {
    char ten[10] = "0123456789", big[10000] = {0};
    dmfs_fs *fs; dmfs_file *f;
    /* 1 */
    fs = mk(138, 0, 128); f = op(fs, "/a", "wb"); EQ(dmfs_write(f, ten, 10), 10); dmfs_close(f); EQ(used(fs), 138); dmfs_destroy(fs);
    fs = mk(137, 0, 128); f = op(fs, "/a", "wb"); NOSPC(dmfs_write(f, ten, 10), 138, 137); dmfs_close(f); EQ(used(fs), 0); dmfs_destroy(fs);
    /* 2 */
    fs = mk(8, 0, 128); f = op(fs, "/f", "wb"); NOSPC(dmfs_write(f, ten, 10), 138, 8); dmfs_close(f); EQ(dmfs_get_size(fs, "/f"), 0); dmfs_destroy(fs);
    /* 3 */
    dmfs_entry e = {"/a", ten, 10};
    fs = mk(138, 0, 128); EQ(dmfs_import(fs, &e, 1), 0); EQ(used(fs), 138); dmfs_destroy(fs);
    fs = mk(137, 0, 128); NOSPC(dmfs_import(fs, &e, 1), 138, 137); EQ(used(fs), 0); EQ(dmfs_exists(fs, "/a"), 0); dmfs_destroy(fs);
    /* 4 */
    fs = mk(10, 2, 128); f = op(fs, "/a", "wb"); EQ(dmfs_write(f, ten, 10), 10); EQ(used(fs), 10);
    NOSPC(dmfs_write(f, "x", 1), 1, 0); EQ(dmfs_seek(f, 0, 0), 0); EQ(dmfs_write(f, ten, 10), 10); EQ(used(fs), 10); dmfs_close(f); dmfs_destroy(fs);
    /* 5 */
    fs = mk(1 << 20, 0, 128);
    EQ(dmfs_open(fs, "/p", "wb", 100, 0, &f), 0); EQ(used(fs), 228); EQ(dmfs_file_size(f), 100); EQ(dmfs_tell(f), 0); dmfs_close(f);
    dmfs_statbuf st; EQ(dmfs_stat(fs, "/p", &st), 0); EQ(st.generation, 1);
    EQ(dmfs_remove(fs, "/p"), 0);
    EQ(dmfs_open(fs, "/p", "wb", 1024, 0, &f), 0); EQ(used(fs), 1152); dmfs_close(f); dmfs_remove(fs, "/p");
    EQ(dmfs_open(fs, "/p", "wb", 8, 0, &f), 0); EQ(used(fs), 136); dmfs_close(f); dmfs_remove(fs, "/p");
    /* 6, 7 */
    f = op(fs, "/s", "wb"); EQ(dmfs_write(f, big, 500), 500); dmfs_close(f); EQ(used(fs), 628);
    f = op(fs, "/s", "wb"); EQ(dmfs_write(f, "small", 5), 5); dmfs_close(f); EQ(used(fs), 133); dmfs_remove(fs, "/s");
    f = op(fs, "/k", "wb"); EQ(dmfs_write(f, big, 1000), 1000); dmfs_close(f); EQ(used(fs), 1128); EQ(dmfs_remove(fs, "/k"), 0); EQ(used(fs), 0);
    dmfs_destroy(fs);
    /* 8 */
    fs = mk(1000, 0, 128); f = op(fs, "/s", "wb"); dmfs_write(f, big, 500); dmfs_close(f);
    f = op(fs, "/s", "r+b"); NOSPC(dmfs_write(f, "x", 1), 500, 372); dmfs_close(f); EQ(used(fs), 628); dmfs_remove(fs, "/s");
    EQ(dmfs_open(fs, "/s", "wb", 500, 0, &f), 0); NOSPC(dmfs_write(f, "x", 1), 500, 372); dmfs_close(f); dmfs_destroy(fs);
    fs = mk(1000, 2, 128); EQ(dmfs_open(fs, "/s", "wb", 500, 0, &f), 0); EQ(used(fs), 500); EQ(dmfs_write(f, "x", 1), 1); EQ(used(fs), 500); dmfs_close(f); dmfs_destroy(fs);
    /* 9 */
    fs = mk(330, 0, 128); f = op(fs, "/n", "wb"); dmfs_write(f, big, 100); EQ(used(fs), 228); dmfs_seek(f, 50, 0);
    NOSPC(dmfs_write(f, big, 200), 150, 130); EQ(used(fs), 228); dmfs_close(f);
    dmfs_file_info fi; EQ(dmfs_debug_file_info(fs, "/n", &fi), 0); EQ(fi.storage, DMFS_STORAGE_SEQUENTIAL); EQ(fi.chunks, 1); EQ(dmfs_get_size(fs, "/n"), 100);
    EQ(dmfs_debug_check(fs), 0); dmfs_destroy(fs);
    /* 10 */
    fs = mk(1 << 20, 0, 128); f = op(fs, "/t", "wb"); dmfs_write(f, "abcdef", 6); EQ(used(fs), 134); dmfs_seek(f, 10, 0);
    EQ(dmfs_write(f, "ghijk", 5), 5); EQ(used(fs), 15); dmfs_close(f);
    EQ(content_is(fs, "/t", "abcdef\0\0\0\0ghijk", 15), 1); dmfs_destroy(fs);
    /* 11 */
    fs = mk(455, 0, 128); dmfs_mkdir(fs, "/src", 0); f = op(fs, "/src/f", "wb"); dmfs_write(f, big, 100); dmfs_close(f);
    NOSPC(dmfs_copy_tree(fs, "/src", "/dst", 0), 228, 227); EQ(dmfs_exists(fs, "/dst"), 0); EQ(used(fs), 228); dmfs_destroy(fs);
    /* 12 */
    fs = mk(1 << 20, 0, 128); dmfs_mkdir(fs, "/src", 0); f = op(fs, "/src/f", "wb");
    for (int i = 0; i < 10; i++) dmfs_write(f, ten, 10);
    dmfs_close(f); EQ(used(fs), 1380); EQ(dmfs_copy_tree(fs, "/src", "/cp", 0), 0); EQ(used(fs), 1608);
    EQ(dmfs_rmtree(fs, "/cp"), 0); EQ(used(fs), 1380); dmfs_destroy(fs);
    /* 14 */
    fs = mk(500, 0, 128); f = op(fs, "/existing.bin", "wb"); dmfs_write(f, big, 200); dmfs_close(f);
    dmfs_entry e2 = {"/existing.bin", big, 1000}; NOSPC(dmfs_import(fs, &e2, 1), 800, 172); EQ(dmfs_get_size(fs, "/existing.bin"), 200); dmfs_destroy(fs);
    /* 15 */
    fs = mk(1024, 0, 128); f = op(fs, "/b", "wb"); NOSPC(dmfs_write(f, big, 10000), 10128, 1024); dmfs_close(f); dmfs_destroy(fs);
    {
        char *m = calloc(1, 700000);
        fs = mk(1 << 20, 0, 128); f = op(fs, "/b", "wb"); EQ(dmfs_write(f, m, 700000), 700000);
        NOSPC(dmfs_write(f, m, 700000), 700128, 348448); EQ(dmfs_file_size(f), 700000); dmfs_close(f); dmfs_destroy(fs); free(m);
    }
    /* 16, 17 */
    fs = mk(500, 0, 0); f = op(fs, "/x", "wb"); memset(big, 'x', 100); dmfs_write(f, big, 100); dmfs_close(f);
    f = op(fs, "/x", "ab"); memset(big, 'y', 1000); NOSPC(dmfs_write(f, big, 1000), 1000, 400); dmfs_close(f); EQ(dmfs_get_size(fs, "/x"), 100); dmfs_destroy(fs);
    fs = mk(1000, 0, 100); f = op(fs, "/x", "wb"); dmfs_write(f, "abc", 3); dmfs_close(f); EQ(used(fs), 103); dmfs_destroy(fs);
    /* 18 */
    fs = mk(1 << 20, 2, 128); f = op(fs, "/r", "wb"); dmfs_write(f, big, 10000); EQ(dmfs_truncate(f, 100), 100); dmfs_close(f); EQ(used(fs), 100);
    EQ(dmfs_debug_file_info(fs, "/r", &fi), 0); EQ(fi.capacity, 100); dmfs_destroy(fs);
    /* 20 */
    dmfs_config c; dmfs_config_init(&c); c.max_nodes = 3; EQ(dmfs_create(&c, &fs), 0);
    EQ(wr(fs, "/a.txt", "a"), 0); EQ(wr(fs, "/b.txt", "b"), 0); EQ(wr(fs, "/c.txt", "c"), DMFS_ENOSPC);
    EQ(dmfs_last_error()->kind, DMFS_KIND_NODES); EQ(dmfs_last_error()->current, 3); EQ(dmfs_last_error()->limit, 3); dmfs_destroy(fs);
    c.max_nodes = 3; dmfs_create(&c, &fs); EQ(dmfs_mkdir(fs, "/x/y/z", 0), DMFS_ENOSPC); EQ(dmfs_last_error()->current, 1);
    EQ(dmfs_last_error()->requested, 3); EQ(dmfs_last_error()->available, 2); EQ(dmfs_exists(fs, "/x"), 0); dmfs_destroy(fs);
    c.max_nodes = 0; EQ(dmfs_create(&c, &fs), DMFS_ENOSPC);
    /* §6.2 example */
    fs = mk(1 << 20, 0, 128); f = op(fs, "/q", "wb"); dmfs_write(f, ten, 10); dmfs_write(f, ten, 10); EQ(used(fs), 276);
    EQ(dmfs_truncate(f, 15), 15); EQ(used(fs), 143); EQ(dmfs_truncate(f, 30), 30); EQ(used(fs), 286);
    EQ(dmfs_debug_file_info(fs, "/q", &fi), 0); EQ(fi.chunks, 2); dmfs_seek(f, 0, 0); EQ(dmfs_write(f, "Z", 1), 1); EQ(used(fs), 30);
    EQ(dmfs_debug_file_info(fs, "/q", &fi), 0); EQ(fi.chunks, 0); EQ(fi.storage, DMFS_STORAGE_RANDOM_ACCESS); dmfs_close(f);
    EQ(dmfs_debug_check(fs), 0); dmfs_destroy(fs);
}

static void generations(void) {
    dmfs_fs *fs = mk(1 << 20, 0, 128); dmfs_file *f; dmfs_statbuf st;
#define GEN(g) do { EQ(dmfs_stat(fs, "/g", &st), 0); EQ(st.generation, g); } while (0)
    f = op(fs, "/g", "xb"); GEN(0); dmfs_write(f, "", 0); GEN(0); dmfs_write(f, "ab", 2); GEN(1);
    dmfs_truncate(f, 2); GEN(1); dmfs_truncate(f, 1); GEN(2); dmfs_close(f);
    f = op(fs, "/g", "wb"); GEN(3); dmfs_close(f); f = op(fs, "/g", "wb"); GEN(4); dmfs_close(f);
    f = op(fs, "/g", "ab"); GEN(4); dmfs_close(f);
    EQ(dmfs_open(fs, "/g", "r+b", 10, 0, &f), 0); GEN(5); dmfs_close(f);
    EQ(dmfs_rename(fs, "/g", "/h"), 0); EQ(dmfs_stat(fs, "/h", &st), 0); EQ(st.generation, 5);
    EQ(dmfs_open(fs, "/h", "xb", 0, 0, &f), DMFS_EEXIST);
    /* ab + preallocate */
    EQ(wr(fs, "/ab", "AB"), 0); EQ(dmfs_open(fs, "/ab", "ab", 5, 0, &f), 0); EQ(dmfs_write(f, "CD", 2), 2); dmfs_close(f);
    EQ(content_is(fs, "/ab", "AB\0\0\0CD", 7), 1);
    dmfs_destroy(fs);
}

static int64_t fake_clock(void *ctx) { return *(int64_t *)ctx; }

static void tree_ops(void) {
    int64_t now = 1000000;
    dmfs_config c; dmfs_config_init(&c); c.clock_ms = fake_clock; c.clock_ctx = &now;
    dmfs_fs *fs; EQ(dmfs_create(&c, &fs), 0);
    dmfs_file *f; dmfs_statbuf st;
    f = op(fs, "/c", "wb"); dmfs_write(f, "initial", 7); dmfs_close(f); now = 2000000;
    f = op(fs, "/c", "r+b"); dmfs_write(f, "updated", 7); dmfs_close(f);
    EQ(dmfs_stat(fs, "/c", &st), 0); EQ(st.modified_at, 2000000); EQ(st.created_at, 1000000);
    EQ(dmfs_copy(fs, "/c", "/c2", 0), 0); EQ(dmfs_stat(fs, "/c2", &st), 0); EQ(st.created_at, 2000000); EQ(st.generation, 1);
    EQ(dmfs_mkdir(fs, "/a/b", 0), 0); EQ(wr(fs, "/a/f", "x"), 0);
    EQ(dmfs_rename(fs, "/a", "/a/b/c"), DMFS_EINVAL); EQ(dmfs_move(fs, "/a", "/a/b/c"), DMFS_EINVAL); EQ(dmfs_exists(fs, "/a/b/c"), 0);
    EQ(dmfs_rename(fs, "/a", "/x/y/b"), DMFS_ENOENT); EQ(dmfs_move(fs, "/a", "/x/y/b"), 0); EQ(dmfs_is_file(fs, "/x/y/b/f"), 1);
    EQ(dmfs_rename(fs, "/", "/z"), DMFS_EINVAL); EQ(dmfs_rename(fs, "/c", "/c"), DMFS_EEXIST);
    EQ(dmfs_move(fs, "/c", "/c2/x"), DMFS_ENOTDIR);
    EQ(dmfs_stat(fs, "/c/x", &st), DMFS_ENOTDIR); EQ(dmfs_stat(fs, "/missing/c/x", &st), DMFS_ENOENT);
    EQ(dmfs_mkdir(fs, "/c", 1), DMFS_EEXIST); EQ(dmfs_mkdir(fs, "/", 0), DMFS_EEXIST); EQ(dmfs_mkdir(fs, "/", 1), 0);
    /* busy */
    f = op(fs, "/c", "rb"); EQ(dmfs_remove(fs, "/c"), DMFS_EBUSY); EQ(dmfs_rename(fs, "/c", "/d"), DMFS_EBUSY);
    dmfs_file *g = NULL; EQ(dmfs_open(fs, "/c", "wb", 0, 0, &g), DMFS_EAGAIN); EQ(dmfs_open(fs, "/c", "rb", 0, 0, &g), 0); dmfs_close(g);
    EQ(dmfs_copy(fs, "/c", "/c3", 0), 0); dmfs_close(f);
    EQ(content_is(fs, "/c3", "updated", 7), 1);
    /* rename moves to end */
    dmfs_strlist *l; EQ(dmfs_rename(fs, "/c", "/c9"), 0); EQ(dmfs_listdir(fs, "/", &l), 0);
    CHECK(l->count >= 1 && strcmp(l->items[l->count - 1], "c9") == 0); dmfs_strlist_free(l);
    /* import */
    dmfs_entry ents[3] = {{"/a", "1", 1}, {"a", "22", 2}, {"/x/../a", "333", 3}};
    EQ(dmfs_import(fs, ents, 3), 0); EQ(content_is(fs, "/a", "333", 3), 1);
    dmfs_entry bad[2] = {{"/new/deep/path/file.bin", "x", 1}, {"../invalid", "y", 1}};
    EQ(dmfs_import(fs, bad, 2), DMFS_EINVAL); EQ(dmfs_exists(fs, "/new"), 0);
    dmfs_entry isd[1] = {{"/x", "y", 1}}; EQ(dmfs_import(fs, isd, 1), DMFS_EISDIR);
    dmfs_entry chain[2] = {{"/q", "y", 1}, {"/q/r", "y", 1}}; EQ(dmfs_import(fs, chain, 2), DMFS_ENOTDIR); EQ(dmfs_exists(fs, "/q"), 0);
    /* import all-or-nothing under ENOMEM */
    EQ(wr(fs, "/existing.bin", "original"), 0);
    dmfs_entry two[2] = {{"/existing.bin", "replaced", 8}, {"/new.bin", "data", 4}};
    int ok = 0;
    for (uint64_t n = 1; n < 200 && !ok; n++) {
        dmfs_statsbuf s0, s1; dmfs_stats(fs, &s0);
        dmfs_debug_fail_alloc(n); int rc = dmfs_import(fs, two, 2); dmfs_debug_fail_alloc(0);
        if (rc == 0) { ok = 1; break; }
        EQ(rc, DMFS_ENOMEM); EQ(content_is(fs, "/existing.bin", "original", 8), 1); EQ(dmfs_exists(fs, "/new.bin"), 0);
        dmfs_stats(fs, &s1); EQ(s1.used_bytes, s0.used_bytes); EQ(s1.file_count, s0.file_count);
    }
    CHECK(ok); EQ(content_is(fs, "/existing.bin", "replaced", 8), 1);
    /* copyTree into own subtree */
    EQ(dmfs_mkdir(fs, "/t/u", 0), 0); EQ(wr(fs, "/t/u/f", "z"), 0); EQ(dmfs_copy_tree(fs, "/t", "/t/u/v", 0), 0);
    EQ(dmfs_is_file(fs, "/t/u/v/u/f"), 1); EQ(dmfs_exists(fs, "/t/u/v/u/v"), 0);
    /* glob */
    EQ(dmfs_glob(fs, "/t/**", &l), 0); EQ(l->count, 5);
    if (l->count == 5) { CHECK(strcmp(l->items[0], "/t/u") == 0); CHECK(strcmp(l->items[4], "/t/u/v/u/f") == 0); }
    dmfs_strlist_free(l);
    EQ(dmfs_debug_check(fs), 0);
    dmfs_destroy(fs);
}

static void norm(void) {
    char out[DMFS_PATH_MAX + 1];
    EQ(dmfs_normalize_path("//a//b/", out, sizeof out), 4); CHECK(strcmp(out, "/a/b") == 0);
    EQ(dmfs_normalize_path("/a/../../x", out, sizeof out), DMFS_EINVAL);
    EQ(dmfs_normalize_path("a/..", out, sizeof out), 1);
    EQ(dmfs_normalize_path("\\a\\b", out, sizeof out), 4);
    char longp[5000]; memset(longp, 'x', 300); longp[0] = '/'; longp[300] = 0;
    EQ(dmfs_normalize_path(longp, out, sizeof out), DMFS_ENAMETOOLONG);
    EQ(dmfs_normalize_path("\xff", out, sizeof out), DMFS_EINVAL);
}

/* Two threads: one holds a write handle, the other waits for it with a timeout. */
struct waitarg { dmfs_fs *fs; int64_t timeout; int rc; double ms; };
static double mono_ms(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e3 + t.tv_nsec / 1e6; }
static void *waiter(void *p) {
    struct waitarg *a = p; dmfs_file *f = NULL; double t0 = mono_ms();
    a->rc = dmfs_open(a->fs, "/w", "wb", 0, a->timeout, &f);
    a->ms = mono_ms() - t0;
    if (a->rc == 0) dmfs_close(f);
    return NULL;
}
static void threads(void) {
    dmfs_fs *fs = mk(1 << 20, 0, 128); dmfs_file *f = op(fs, "/w", "wb");
    struct waitarg a = {fs, 100, 1, 0}; pthread_t t;
    pthread_create(&t, NULL, waiter, &a); pthread_join(t, NULL);
    EQ(a.rc, DMFS_EAGAIN); CHECK(a.ms >= 90 && a.ms < 2000);
    struct waitarg b = {fs, 5000, 1, 0};
    pthread_create(&t, NULL, waiter, &b); usleep(50000); dmfs_close(f); pthread_join(t, NULL);
    EQ(b.rc, 0); CHECK(b.ms < 4000);
    /* readFile waits for a writer too */
    f = op(fs, "/w", "ab"); uint8_t *d; size_t len;
    EQ(dmfs_read_file(fs, "/w", -1, 0, &d, &len), DMFS_EAGAIN); dmfs_close(f);
    /* destroy with open handles and an iterator */
    f = op(fs, "/w", "r+b"); dmfs_file *g = op(fs, "/other", "wb"); dmfs_write(g, "abc", 3);
    dmfs_walk *w; EQ(dmfs_walk_open(fs, "/", &w), 0);
    dmfs_export *x; EQ(dmfs_export_open(fs, "/", 0, 0, &x), 0);
    EQ(dmfs_destroy(fs), 0);
    /* an iterator's pinned node that was removed meanwhile is freed by destroy */
    fs = mk(1 << 20, 0, 128); EQ(wr(fs, "/d/x", "1"), DMFS_ENOENT); dmfs_mkdir(fs, "/d/e", 0); wr(fs, "/d/x", "1"); wr(fs, "/d/y", "2");
    EQ(dmfs_export_open(fs, "/", 0, 0, &x), 0); EQ(dmfs_walk_open(fs, "/", &w), 0);
    dmfs_walk_entry we; EQ(dmfs_walk_next(w, &we), 1);
    EQ(dmfs_remove(fs, "/d/y"), 0); EQ(dmfs_rmtree(fs, "/d"), 0);
    const char *xp; const uint8_t *xd; size_t xl; EQ(dmfs_export_next(x, &xp, &xd, &xl), 0);
    EQ(dmfs_debug_check(fs), 0); EQ(dmfs_destroy(fs), 0);
}

/* A waiter blocked on a lock is released with EBADF by destroy. */
static void *blocked(void *p) { struct waitarg *a = p; dmfs_file *f = NULL; a->rc = dmfs_open(a->fs, "/w", "wb", -1, DMFS_WAIT_FOREVER, &f); return NULL; }
static void destroy_wakes(void) {
    dmfs_fs *fs = mk(1 << 20, 0, 128); op(fs, "/w", "wb");
    struct waitarg a = {fs, -1, 1, 0}; pthread_t t;
    pthread_create(&t, NULL, blocked, &a); usleep(50000);
    EQ(dmfs_destroy(fs), 0); pthread_join(t, NULL);
    CHECK(a.rc == DMFS_EBADF || a.rc == DMFS_EINVAL);
}


/* §8.7 in miniature: writers rewrite /shared with 128 bytes of their id, readers must never
 * see a mix; others race xb/remove and mkdir/listdir/rmtree. Seed from DMFS_SEED. */
static unsigned g_seed;
struct sarg { dmfs_fs *fs; int id; int bad; unsigned rng; };
#define BADRC(rc) do { a->bad++; fprintf(stderr, "thread %d line %d: rc %d\n", a->id, __LINE__, (int)(rc)); } while (0)
static unsigned rnd(unsigned *s) { *s = *s * 1103515245u + 12345u; return *s >> 16; }
static void *s_writer(void *p) {
    struct sarg *a = p; uint8_t buf[128]; memset(buf, 'A' + a->id, sizeof buf);
    for (int i = 0; i < 300; i++) {
        int rc = dmfs_write_file(a->fs, "/shared", buf, sizeof buf, 1000);
        if (rc != 0 && rc != DMFS_EAGAIN) BADRC(rc);
        dmfs_file *f;
        rc = dmfs_open(a->fs, "/shared", "r+b", 0, 1000, &f);
        if (rc == 0) { if (dmfs_write(f, buf, sizeof buf) != 128) BADRC(rc); dmfs_close(f); }
        else if (rc != DMFS_EAGAIN) BADRC(rc);
    }
    return NULL;
}
static void *s_reader(void *p) {
    struct sarg *a = p;
    for (int i = 0; i < 300; i++) {
        uint8_t *d; size_t len;
        int rc = dmfs_read_file(a->fs, "/shared", -1, 1000, &d, &len);
        if (rc == 0) {
            if (len != 128) BADRC(rc);
            for (size_t k = 1; k < len; k++) if (d[k] != d[0]) { BADRC(rc); break; }
            dmfs_free(d);
        } else if (rc != DMFS_EAGAIN) BADRC(rc);
    }
    return NULL;
}
static void *s_racer(void *p) {
    struct sarg *a = p; char path[32];
    for (int i = 0; i < 400; i++) {
        unsigned r = rnd(&a->rng);
        snprintf(path, sizeof path, "/r%u", r % 4);
        dmfs_file *f; int rc;
        switch (r % 5) {
        case 0: rc = dmfs_open(a->fs, path, "xb", 0, 0, &f); if (rc == 0) { dmfs_write(f, "x", 1); dmfs_close(f); } else if (rc != DMFS_EEXIST && rc != DMFS_ENOSPC && rc != DMFS_EAGAIN) BADRC(rc); break;
        case 1: rc = dmfs_remove(a->fs, path); if (rc && rc != DMFS_ENOENT && rc != DMFS_EBUSY && rc != DMFS_EISDIR) BADRC(rc); break;
        case 2: rc = dmfs_mkdir(a->fs, "/m/n/o", 1); if (rc && rc != DMFS_ENOSPC) BADRC(rc); break;
        case 3: { dmfs_strlist *l; rc = dmfs_listdir(a->fs, "/m/n", &l); if (rc == 0) dmfs_strlist_free(l); else if (rc != DMFS_ENOENT) BADRC(rc); break; }
        default: rc = dmfs_rmtree(a->fs, "/m"); if (rc && rc != DMFS_ENOENT) BADRC(rc); break;
        }
    }
    return NULL;
}
static void stress(void) {
    dmfs_fs *fs = mk(4096, 0, 128);
    /* readers must find the file even if they run before any writer */
    uint8_t init[128]; memset(init, 'Z', sizeof init);
    EQ(dmfs_write_file(fs, "/shared", init, sizeof init, 0), 0);
    pthread_t t[10]; struct sarg a[10];
    for (int i = 0; i < 10; i++) {
        a[i] = (struct sarg){fs, i, 0, g_seed + (unsigned)i};
        pthread_create(&t[i], NULL, i < 4 ? s_writer : i < 8 ? s_reader : s_racer, &a[i]);
    }
    for (int i = 0; i < 10; i++) { pthread_join(t[i], NULL); EQ(a[i].bad, 0); }
    EQ(dmfs_debug_check(fs), 0);
    dmfs_destroy(fs);
}

/* Every allocation failure is ENOMEM with nothing changed (ledger, counts, invariants). */
static int oom_op(dmfs_fs *fs, int which) {
    dmfs_file *f; dmfs_strlist *l; int rc;
    switch (which) {
    case 0: return dmfs_mkdir(fs, "/o/p/q", 0);
    case 1: rc = dmfs_open(fs, "/o1", "wb", 50, 0, &f); if (rc == 0) dmfs_close(f); return rc;
    case 2: rc = dmfs_open(fs, "/base", "ab", 0, 0, &f); if (rc) return rc; rc = (int)dmfs_write(f, "0123456789", 10); dmfs_close(f); return rc < 0 ? rc : 0;
    case 3: rc = dmfs_open(fs, "/base", "r+b", 0, 0, &f); if (rc) return rc; rc = (int)dmfs_write(f, "Z", 1); dmfs_close(f); return rc < 0 ? rc : 0;
    case 4: return dmfs_copy(fs, "/base", "/c1", 0);
    case 5: return dmfs_copy_tree(fs, "/d", "/d2", 0);
    case 6: return dmfs_move(fs, "/d", "/m1/m2/d");
    case 7: return dmfs_write_file(fs, "/base", "new content", 11, 0);
    case 8: rc = dmfs_glob(fs, "/**", &l); if (rc == 0) dmfs_strlist_free(l); return rc;
    case 9: rc = dmfs_listdir(fs, "/d", &l); if (rc == 0) dmfs_strlist_free(l); return rc;
    case 10: { dmfs_entry e[3] = {{"/base", "r", 1}, {"/i/j/k", "kk", 2}, {"/i/z", "", 0}}; return dmfs_import(fs, e, 3); }
    case 11: return dmfs_rename(fs, "/d", "/renamed");
    default: { rc = dmfs_open(fs, "/base", "r+b", 0, 0, &f); if (rc) return rc; rc = (int)dmfs_truncate(f, 3); dmfs_close(f); return rc < 0 ? rc : 0; }
    }
}
static void oom(void) {
    uint64_t heap0 = dmfs_debug_heap_bytes();
    for (int which = 0; which <= 12; which++) {
        for (uint64_t n = 1; n < 100; n++) {
            dmfs_fs *fs = mk(1 << 20, 0, 128);
            dmfs_write_file(fs, "/base", "0123456789", 10, 0);
            dmfs_file *f; dmfs_open(fs, "/base", "ab", 0, 0, &f); dmfs_write(f, "abc", 3); dmfs_close(f);
            dmfs_mkdir(fs, "/d/e", 0); dmfs_write_file(fs, "/d/e/f", "xyz", 3, 0); dmfs_write_file(fs, "/d/g", "12", 2, 0);
            dmfs_statsbuf a, b; dmfs_stats(fs, &a);
            dmfs_debug_fail_alloc(n);
            int rc = oom_op(fs, which);
            dmfs_debug_fail_alloc(0);
            dmfs_stats(fs, &b);
            if (rc == DMFS_ENOMEM) {
                EQ(b.used_bytes, a.used_bytes); EQ(b.file_count, a.file_count); EQ(b.dir_count, a.dir_count); EQ(b.chunk_count, a.chunk_count);
                EQ(dmfs_get_size(fs, "/base"), 13);
            } else if (rc != 0) {
                fprintf(stderr, "op %d alloc %llu: %s\n", which, (unsigned long long)n, dmfs_errname(rc)); g_fail++;
            }
            EQ(dmfs_debug_check(fs), 0);
            dmfs_destroy(fs);
            if (rc == 0) break;
        }
    }
    EQ(dmfs_debug_heap_bytes(), heap0);
}

int main(void) {
    const char *sd = getenv("DMFS_SEED");
    g_seed = sd ? (unsigned)strtoul(sd, NULL, 10) : (unsigned)time(NULL);
    printf("seed %u\n", g_seed);
    norm();
    examples();
    generations();
    tree_ops();
    threads();
    destroy_wakes();
    stress();
    oom();
    printf("%d checks, %d failed\n", g_checks, g_fail);
    return g_fail ? 1 : 0;
}
