/* Quota accounting: every worked example of SPEC §6.6 to the byte, boundaries need−1 /
 * need / need+1 for each charging operation (§6.5), the shrink rule (§6.3). */
#include "harness.h"

static dmfs_fs *mkfs(uint64_t quota, int storage, uint64_t ov) {
    dmfs_config c;
    dmfs_config_init(&c);
    c.max_quota = quota;
    c.default_storage = storage;
    c.chunk_overhead = ov;
    return th_fs_cfg(&c);
}

static dmfs_file_info finfo(dmfs_fs *fs, const char *p) {
    dmfs_file_info i;
    memset(&i, 0, sizeof i);
    int rc = dmfs_debug_file_info(fs, p, &i);
    if (rc != 0) TH_FAILF("file_info %s: %s", p, dmfs_errname(rc));
    return i;
}

static uint64_t chunks_total(dmfs_fs *fs) {
    dmfs_statsbuf s;
    CHECK_OK(dmfs_stats(fs, &s));
    return s.chunk_count;
}

static char zeros[1 << 20];
static char xs[1 << 20];

static dmfs_file *open_or_fail(dmfs_fs *fs, const char *p, const char *mode, int64_t pre) {
    dmfs_file *f = NULL;
    int rc = dmfs_open(fs, p, mode, pre, 0, &f);
    if (rc != 0) TH_FAILF("open %s %s pre %lld: %s", p, mode, (long long)pre, dmfs_errname(rc));
    return f;
}

/* 1 */
TEST(ex01_ten_byte_write) {
    dmfs_fs *fs = mkfs(138, 0, 128);
    dmfs_file *f = open_or_fail(fs, "/f", "wb", 0);
    CHECK_RC(dmfs_write(f, xs, 10), 10);
    CHECK_EQ_U64(th_used(fs), 138);
    CHECK_OK(dmfs_close(f));
    CHECK_OK(dmfs_destroy(fs));
    fs = mkfs(137, 0, 128);
    f = open_or_fail(fs, "/f", "wb", 0);
    CHECK_NOSPC(dmfs_write(f, xs, 10), 138, 137);
    CHECK_EQ_U64(th_used(fs), 0);
    CHECK_EQ_INT(dmfs_tell(f), 0);
    CHECK_OK(dmfs_close(f));
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

/* 2 */
TEST(ex02_quota8) {
    dmfs_fs *fs = mkfs(8, 0, 128);
    dmfs_file *f = open_or_fail(fs, "/f", "wb", 0);
    CHECK_NOSPC(dmfs_write(f, xs, 10), 138, 8);
    CHECK_OK(dmfs_close(f));
    CHECK(dmfs_is_file(fs, "/f"));
    CHECK_EQ_INT(dmfs_get_size(fs, "/f"), 0);
    CHECK_EQ_U64(finfo(fs, "/f").chunks, 0);
    CHECK_OK(dmfs_destroy(fs));
}

/* 3 */
TEST(ex03_import) {
    dmfs_entry e = {"/a", xs, 10};
    dmfs_fs *fs = mkfs(138, 0, 128);
    CHECK_OK(dmfs_import(fs, &e, 1));
    CHECK_EQ_U64(th_used(fs), 138);
    CHECK_OK(dmfs_destroy(fs));
    fs = mkfs(137, 0, 128);
    CHECK_NOSPC(dmfs_import(fs, &e, 1), 138, 137);
    CHECK_EQ_U64(th_used(fs), 0);
    CHECK(!dmfs_exists(fs, "/a"));
    CHECK_OK(dmfs_destroy(fs));
}

/* 4 */
TEST(ex04_random_access) {
    dmfs_fs *fs = mkfs(10, DMFS_STORAGE_RANDOM_ACCESS, 128);
    dmfs_file *f = open_or_fail(fs, "/f", "wb", 0);
    CHECK_RC(dmfs_write(f, xs, 10), 10);
    CHECK_EQ_U64(th_used(fs), 10);
    CHECK_NOSPC(dmfs_write(f, xs, 1), 1, 0);
    CHECK_RC(dmfs_seek(f, 0, DMFS_SEEK_SET), 0);
    CHECK_RC(dmfs_write(f, "0123456789", 10), 10);
    CHECK_EQ_U64(th_used(fs), 10);
    CHECK_OK(dmfs_close(f));
    CHECK_CONTENT(fs, "/f", "0123456789");
    CHECK_EQ_INT(finfo(fs, "/f").storage, DMFS_STORAGE_RANDOM_ACCESS);
    CHECK_OK(dmfs_destroy(fs));
}

/* 5 */
TEST(ex05_preallocate) {
    dmfs_fs *fs = mkfs(1 << 20, 0, 128);
    dmfs_file *f = open_or_fail(fs, "/p", "wb", 100);
    CHECK_EQ_U64(th_used(fs), 228);
    CHECK_EQ_INT(dmfs_file_size(f), 100);
    CHECK_EQ_INT(dmfs_tell(f), 0);
    CHECK_OK(dmfs_close(f));
    dmfs_statbuf st;
    CHECK_OK(dmfs_stat(fs, "/p", &st));
    CHECK_EQ_U64(st.generation, 1);
    CHECK_EQ_U64(st.size, 100);
    struct {
        int64_t n;
        uint64_t used;
    } rows[] = {{1024, 1152}, {1000, 1128}, {8, 136}};
    for (int i = 0; i < 3; i++) {
        char p[16];
        snprintf(p, sizeof p, "/q%d", i);
        dmfs_fs *g = mkfs(1 << 20, 0, 128);
        f = open_or_fail(g, p, "wb", rows[i].n);
        CHECK_EQ_U64(th_used(g), rows[i].used);
        CHECK_EQ_U64(finfo(g, p).chunks, 1);
        CHECK_OK(dmfs_close(f));
        CHECK_OK(dmfs_destroy(g));
    }
    CHECK_OK(dmfs_destroy(fs));
}

/* 6, 7 */
TEST(ex06_07_rewrite_and_remove) {
    dmfs_fs *fs = mkfs(1 << 20, 0, 128);
    th_put(fs, "/f", xs, 500);
    CHECK_EQ_U64(th_used(fs), 628);
    dmfs_file *f = open_or_fail(fs, "/f", "wb", 0);
    CHECK_EQ_U64(th_used(fs), 0);
    CHECK_RC(dmfs_write(f, "small", 5), 5);
    CHECK_OK(dmfs_close(f));
    CHECK_EQ_U64(th_used(fs), 133);
    th_put(fs, "/k", xs, 1000);
    CHECK_EQ_U64(th_used(fs), 133 + 1128);
    CHECK_OK(dmfs_remove(fs, "/k"));
    CHECK_EQ_U64(th_used(fs), 133);
    CHECK_OK(dmfs_remove(fs, "/f"));
    CHECK_EQ_U64(th_used(fs), 0);
    CHECK_OK(dmfs_destroy(fs));
}

/* 8 */
TEST(ex08_promotion_needs_size) {
    dmfs_fs *fs = mkfs(1000, 0, 128);
    th_put(fs, "/f", xs, 500);
    CHECK_EQ_U64(th_used(fs), 628);
    dmfs_file *f = open_or_fail(fs, "/f", "r+b", 0);
    CHECK_NOSPC(dmfs_write(f, "y", 1), 500, 372);
    CHECK_EQ_U64(th_used(fs), 628);
    CHECK_EQ_INT(finfo(fs, "/f").storage, DMFS_STORAGE_SEQUENTIAL);
    CHECK_EQ_INT(dmfs_tell(f), 0);
    CHECK_OK(dmfs_close(f));
    dmfs_statbuf st;
    CHECK_OK(dmfs_stat(fs, "/f", &st));
    CHECK_EQ_U64(st.generation, 1);
    CHECK_OK(dmfs_remove(fs, "/f"));
    /* same inside preallocated space */
    f = open_or_fail(fs, "/g", "wb", 500);
    CHECK_EQ_U64(th_used(fs), 628);
    CHECK_NOSPC(dmfs_write(f, "y", 1), 500, 372);
    CHECK_EQ_U64(th_used(fs), 628);
    CHECK_OK(dmfs_close(f));
    CHECK_OK(dmfs_destroy(fs));
    /* random_access: preallocation costs 500, writes inside cost 0 */
    fs = mkfs(1000, DMFS_STORAGE_RANDOM_ACCESS, 128);
    f = open_or_fail(fs, "/g", "wb", 500);
    CHECK_EQ_U64(th_used(fs), 500);
    CHECK_RC(dmfs_write(f, xs, 500), 500);
    CHECK_EQ_U64(th_used(fs), 500);
    CHECK_OK(dmfs_close(f));
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

/* 9 */
TEST(ex09_promotion_extension_rollback) {
    dmfs_fs *fs = mkfs(330, 0, 128);
    th_put(fs, "/f", xs, 100);
    CHECK_EQ_U64(th_used(fs), 228);
    dmfs_file *f = open_or_fail(fs, "/f", "r+b", 0);
    CHECK_RC(dmfs_seek(f, 50, DMFS_SEEK_SET), 50);
    CHECK_NOSPC(dmfs_write(f, zeros, 200), 150, 130);
    CHECK_EQ_U64(th_used(fs), 228);
    dmfs_file_info i = finfo(fs, "/f");
    CHECK_EQ_INT(i.storage, DMFS_STORAGE_SEQUENTIAL);
    CHECK_EQ_U64(i.chunks, 1);
    CHECK_EQ_U64(i.usage, 228);
    CHECK_EQ_INT(dmfs_file_size(f), 100);
    CHECK_EQ_INT(dmfs_tell(f), 50);
    CHECK_OK(dmfs_close(f));
    size_t n;
    uint8_t *d = th_get(fs, "/f", &n);
    CHECK_EQ_U64(n, 100);
    CHECK(memcmp(d, xs, 100) == 0);
    dmfs_free(d);
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

/* 10 */
TEST(ex10_gap_promotion) {
    dmfs_fs *fs = mkfs(1 << 20, 0, 128);
    dmfs_file *f = open_or_fail(fs, "/f", "wb", 0);
    CHECK_RC(dmfs_write(f, "abcdef", 6), 6);
    CHECK_EQ_U64(th_used(fs), 134);
    CHECK_RC(dmfs_seek(f, 10, DMFS_SEEK_SET), 10);
    CHECK_RC(dmfs_write(f, "ghijk", 5), 5);
    CHECK_OK(dmfs_close(f));
    CHECK_EQ_U64(th_used(fs), 15);
    dmfs_file_info i = finfo(fs, "/f");
    CHECK_EQ_INT(i.storage, DMFS_STORAGE_RANDOM_ACCESS);
    CHECK_EQ_U64(i.chunks, 0);
    size_t n;
    uint8_t *d = th_get(fs, "/f", &n);
    CHECK_EQ_U64(n, 15);
    CHECK(memcmp(d, "abcdef\0\0\0\0ghijk", 15) == 0);
    dmfs_free(d);
    CHECK_EQ_U64(chunks_total(fs), 0);
    CHECK_OK(dmfs_destroy(fs));
}

/* 11 */
TEST(ex11_copytree_quota) {
    dmfs_fs *fs = mkfs(455, 0, 128);
    CHECK_OK(dmfs_mkdir(fs, "/src", 0));
    th_put(fs, "/src/f", xs, 100);
    CHECK_NOSPC(dmfs_copy_tree(fs, "/src", "/dst", 0), 228, 227);
    CHECK(!dmfs_exists(fs, "/dst"));
    CHECK_EQ_U64(th_used(fs), 228);
    CHECK_OK(dmfs_destroy(fs));
    fs = mkfs(655, 0, 128);
    CHECK_OK(dmfs_mkdir(fs, "/src", 0));
    th_put(fs, "/src/f", xs, 200);
    CHECK_EQ_U64(th_used(fs), 328);
    CHECK_NOSPC(dmfs_copy_tree(fs, "/src", "/dst", 0), 328, 327);
    CHECK_EQ_U64(th_used(fs), 328);
    CHECK(!dmfs_exists(fs, "/dst"));
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

/* 12 */
TEST(ex12_copytree_charges_copies) {
    dmfs_fs *fs = mkfs(1 << 20, 0, 128);
    CHECK_OK(dmfs_mkdir(fs, "/src", 0));
    dmfs_file *f = open_or_fail(fs, "/src/f", "wb", 0);
    for (int i = 0; i < 10; i++) CHECK_RC(dmfs_write(f, xs, 10), 10);
    CHECK_OK(dmfs_close(f));
    CHECK_EQ_U64(th_used(fs), 1380);
    CHECK_OK(dmfs_copy_tree(fs, "/src", "/dst", 0));
    CHECK_EQ_U64(th_used(fs), 1380 + 228);
    CHECK_EQ_U64(finfo(fs, "/dst/f").chunks, 1);
    CHECK_OK(dmfs_rmtree(fs, "/dst"));
    CHECK_EQ_U64(th_used(fs), 1380);
    /* promoted 10-byte source costs 138 as a sequential copy */
    th_put(fs, "/p", xs, 10);
    f = open_or_fail(fs, "/p", "r+b", 0);
    CHECK_RC(dmfs_write(f, "Z", 1), 1);
    CHECK_OK(dmfs_close(f));
    CHECK_EQ_INT(finfo(fs, "/p").storage, DMFS_STORAGE_RANDOM_ACCESS);
    CHECK_EQ_U64(th_used(fs), 1380 + 10);
    CHECK_OK(dmfs_mkdir(fs, "/s2", 0));
    CHECK_OK(dmfs_rename(fs, "/p", "/s2/p"));
    CHECK_OK(dmfs_copy_tree(fs, "/s2", "/d2", 0));
    CHECK_EQ_U64(th_used(fs), 1380 + 10 + 138);
    CHECK_EQ_INT(finfo(fs, "/d2/p").storage, DMFS_STORAGE_SEQUENTIAL);
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

/* 13 */
TEST(ex13_ra_import_remove) {
    dmfs_fs *fs = mkfs(1 << 20, DMFS_STORAGE_RANDOM_ACCESS, 128);
    dmfs_entry e = {"/a", xs, 10};
    CHECK_OK(dmfs_import(fs, &e, 1));
    CHECK_EQ_U64(th_used(fs), 10);
    CHECK_OK(dmfs_remove(fs, "/a"));
    CHECK_EQ_U64(th_used(fs), 0);
    CHECK_OK(dmfs_destroy(fs));
}

/* 14 */
TEST(ex14_import_net) {
    dmfs_fs *fs = mkfs(500, 0, 128);
    th_put(fs, "/existing.bin", xs, 200);
    CHECK_EQ_U64(th_used(fs), 328);
    dmfs_entry e = {"/existing.bin", zeros, 1000};
    CHECK_NOSPC(dmfs_import(fs, &e, 1), 800, 172);
    CHECK_EQ_U64(th_used(fs), 328);
    CHECK_EQ_INT(dmfs_get_size(fs, "/existing.bin"), 200);
    CHECK_OK(dmfs_destroy(fs));
}

/* 15 */
TEST(ex15_big_writes) {
    dmfs_fs *fs = mkfs(1024, 0, 128);
    static char big[700000];
    dmfs_file *f = open_or_fail(fs, "/f", "wb", 0);
    CHECK_NOSPC(dmfs_write(f, big, 10000), 10128, 1024);
    CHECK_OK(dmfs_close(f));
    CHECK_OK(dmfs_destroy(fs));
    fs = mkfs(1 << 20, 0, 128);
    f = open_or_fail(fs, "/f", "wb", 0);
    CHECK_RC(dmfs_write(f, big, 700000), 700000);
    CHECK_NOSPC(dmfs_write(f, big, 700000), 700128, 348448);
    CHECK_EQ_INT(dmfs_file_size(f), 700000);
    CHECK_OK(dmfs_close(f));
    CHECK_EQ_INT(dmfs_get_size(fs, "/f"), 700000);
    CHECK_OK(dmfs_destroy(fs));
}

/* 16 */
TEST(ex16_overhead_zero) {
    dmfs_fs *fs = mkfs(500, 0, 0);
    th_put(fs, "/f", xs, 100);
    dmfs_file *f = open_or_fail(fs, "/f", "ab", 0);
    static char ys[1000];
    memset(ys, 'y', sizeof ys);
    CHECK_NOSPC(dmfs_write(f, ys, 1000), 1000, 400);
    CHECK_OK(dmfs_close(f));
    CHECK_EQ_INT(dmfs_get_size(fs, "/f"), 100);
    CHECK_OK(dmfs_destroy(fs));
    fs = mkfs(2048, 0, 0);
    th_put(fs, "/a", xs, 1000);
    CHECK_OK(dmfs_remove(fs, "/a"));
    th_put(fs, "/b", xs, 1000);
    CHECK_EQ_U64(th_used(fs), 1000);
    CHECK_OK(dmfs_destroy(fs));
}

/* 17 */
TEST(ex17_overhead_100) {
    dmfs_fs *fs = mkfs(1 << 20, 0, 100);
    th_put(fs, "/f", "abc", 3);
    CHECK_EQ_U64(th_used(fs), 103);
    dmfs_statsbuf s;
    CHECK_OK(dmfs_stats(fs, &s));
    CHECK_EQ_U64(s.overhead_per_chunk, 100);
    CHECK_OK(dmfs_destroy(fs));
}

/* 18 + shrink rule §6.3 */
TEST(ex18_shrink_rule) {
    dmfs_fs *fs = mkfs(1 << 20, DMFS_STORAGE_RANDOM_ACCESS, 128);
    dmfs_file *f = open_or_fail(fs, "/f", "wb", 0);
    CHECK_RC(dmfs_write(f, xs, 10000), 10000);
    CHECK(finfo(fs, "/f").capacity >= 10000);
    CHECK_RC(dmfs_truncate(f, 100), 100);
    CHECK_EQ_U64(th_used(fs), 100);
    CHECK_EQ_U64(finfo(fs, "/f").capacity, 100);
    /* 100 → 50: not ≤ 100/4, no reallocation */
    CHECK_RC(dmfs_truncate(f, 50), 50);
    CHECK_EQ_U64(finfo(fs, "/f").capacity, 100);
    CHECK_EQ_U64(th_used(fs), 50);
    /* 50 → 12 (≤ 12.5): reallocates to exactly 12 */
    CHECK_RC(dmfs_truncate(f, 12), 12);
    CHECK_EQ_U64(finfo(fs, "/f").capacity, 12);
    CHECK_OK(dmfs_close(f));
    f = open_or_fail(fs, "/g", "wb", 0);
    CHECK_RC(dmfs_write(f, xs, 1000), 1000);
    CHECK_RC(dmfs_truncate(f, 0), 0);
    CHECK_EQ_U64(finfo(fs, "/g").capacity, 0);
    CHECK_EQ_INT(finfo(fs, "/g").storage, DMFS_STORAGE_RANDOM_ACCESS);
    CHECK_OK(dmfs_close(f));
    CHECK_EQ_U64(th_used(fs), 12);
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

/* 19: seeded random 1–50-byte writes into quota 400 */
TEST(ex19_random_small_writes) {
    uint64_t st = th_seed();
    for (int round = 0; round < 40; round++) {
        int storage = (int)th_rand_below(&st, 3);
        dmfs_fs *fs = mkfs(400, storage, 128);
        dmfs_file *f = open_or_fail(fs, "/f", "wb", 0);
        for (int i = 0; i < 60; i++) {
            uint64_t n = 1 + th_rand_below(&st, 50);
            uint64_t before = th_used(fs);
            int64_t size0 = dmfs_file_size(f);
            if (th_rand_below(&st, 4) == 0 && size0 > 0) {
                int64_t pos = (int64_t)th_rand_below(&st, (uint64_t)size0 + 1);
                CHECK_RC(dmfs_seek(f, pos, DMFS_SEEK_SET), pos);
            }
            int64_t r = dmfs_write(f, xs, n);
            CHECK(r == (int64_t)n || r == DMFS_ENOSPC || (storage == DMFS_STORAGE_SEQUENTIAL && r == DMFS_ENOTSUP));
            uint64_t after = th_used(fs);
            CHECK(after <= 400);
            if (r < 0) {
                CHECK_EQ_U64(after, before);
                CHECK_EQ_INT(dmfs_file_size(f), size0);
            }
            CHECK_EQ_U64(finfo(fs, "/f").usage, after);
        }
        CHECK_OK(dmfs_close(f));
        CHECK_INVARIANTS(fs);
        CHECK_OK(dmfs_destroy(fs));
    }
}

/* 20 */
TEST(ex20_node_limits) {
    dmfs_config c;
    dmfs_config_init(&c);
    c.max_nodes = 3;
    dmfs_fs *fs = th_fs_cfg(&c);
    th_put_str(fs, "/a.txt", "");
    th_put_str(fs, "/b.txt", "");
    dmfs_file *f = NULL;
    CHECK_NOSPC_NODES(dmfs_open(fs, "/c.txt", "wb", 0, 0, &f), 3, 3, 1, 0);
    CHECK_OK(dmfs_destroy(fs));
    c.max_nodes = 2;
    fs = th_fs_cfg(&c);
    CHECK_OK(dmfs_mkdir(fs, "/d1", 0));
    CHECK_NOSPC_NODES(dmfs_mkdir(fs, "/d2", 0), 2, 2, 1, 0);
    CHECK_OK(dmfs_destroy(fs));
    c.max_nodes = 3;
    fs = th_fs_cfg(&c);
    CHECK_NOSPC_NODES(dmfs_mkdir(fs, "/x/y/z", 0), 1, 3, 3, 2);
    CHECK(!dmfs_exists(fs, "/x"));
    dmfs_statsbuf s;
    CHECK_OK(dmfs_stats(fs, &s));
    CHECK_EQ_U64(s.dir_count, 1);
    CHECK_OK(dmfs_destroy(fs));
}

/* §6.2 example */
TEST(seq_truncate_example) {
    dmfs_fs *fs = mkfs(1 << 20, 0, 128);
    dmfs_file *f = open_or_fail(fs, "/f", "wb", 0);
    CHECK_RC(dmfs_write(f, xs, 10), 10);
    CHECK_RC(dmfs_write(f, xs, 10), 10);
    CHECK_EQ_U64(th_used(fs), 276);
    CHECK_EQ_U64(finfo(fs, "/f").chunks, 2);
    CHECK_EQ_U64(chunks_total(fs), 2);
    CHECK_RC(dmfs_truncate(f, 15), 15);
    CHECK_EQ_U64(th_used(fs), 143);
    CHECK_EQ_U64(finfo(fs, "/f").chunks, 1);
    CHECK_RC(dmfs_truncate(f, 30), 30);
    CHECK_EQ_U64(th_used(fs), 286);
    CHECK_EQ_U64(finfo(fs, "/f").chunks, 2);
    CHECK_RC(dmfs_seek(f, 0, DMFS_SEEK_SET), 0);
    CHECK_RC(dmfs_write(f, "Q", 1), 1);
    CHECK_EQ_U64(th_used(fs), 30);
    CHECK_EQ_U64(finfo(fs, "/f").chunks, 0);
    CHECK_OK(dmfs_close(f));
    CHECK_OK(dmfs_destroy(fs));
}

/* ── boundaries: quota = need − 1 fails with ENOSPC(need_req, avail), need and need + 1 pass ── */

typedef int (*bound_op)(dmfs_fs *fs, void *ctx);
typedef void (*bound_setup)(dmfs_fs *fs);

/* Runs setup in a fresh fs with quota q, measures used u0, runs op. */
static int run_bound(uint64_t q, int storage, bound_setup setup, bound_op op, uint64_t *used_before, uint64_t *used_after) {
    dmfs_fs *fs = mkfs(q, storage, 128);
    if (!fs) return -1000;
    if (setup) setup(fs);
    *used_before = th_used(fs);
    int rc = op(fs, NULL);
    *used_after = th_used(fs);
    if (dmfs_debug_check(fs) != 0) TH_FAILF("invariants broken after op at quota %llu", (unsigned long long)q);
    dmfs_destroy(fs);
    return rc;
}

/* need = the smallest quota for which op succeeds (== setup usage + charge). At need − 1 the
 * error must be ENOSPC(req, avail) with req and avail as given (avail = need − 1 − base). */
static void check_bound(const char *what, int storage, bound_setup setup, bound_op op, uint64_t need, uint64_t req, uint64_t final_used) {
    uint64_t u0, u1;
    int rc = run_bound(need - 1, storage, setup, op, &u0, &u1);
    if (rc != DMFS_ENOSPC) TH_FAILF("%s at need-1=%llu: got %d (%s)", what, (unsigned long long)(need - 1), rc, dmfs_errname(rc));
    const dmfs_error_info *e = dmfs_last_error();
    CHECK_EQ_INT(e->kind, DMFS_KIND_BYTES);
    if (e->requested != req || e->available != need - 1 - u0)
        TH_FAILF("%s: ENOSPC(%llu, %llu), expected (%llu, %llu)", what, (unsigned long long)e->requested,
                 (unsigned long long)e->available, (unsigned long long)req, (unsigned long long)(need - 1 - u0));
    if (u1 != u0) TH_FAILF("%s: failed op changed used %llu → %llu", what, (unsigned long long)u0, (unsigned long long)u1);
    for (uint64_t q = need; q <= need + 1; q++) {
        rc = run_bound(q, storage, setup, op, &u0, &u1);
        if (rc < 0) TH_FAILF("%s at quota %llu: %s", what, (unsigned long long)q, dmfs_errname(rc));
        if (u1 != final_used) TH_FAILF("%s at quota %llu: used %llu, expected %llu", what, (unsigned long long)q, (unsigned long long)u1, (unsigned long long)final_used);
    }
}

static int op_write_seq(dmfs_fs *fs, void *c) {
    dmfs_file *f;
    int rc = dmfs_open(fs, "/f", "ab", 0, 0, &f);
    if (rc) return rc;
    int64_t r = dmfs_write(f, xs, 40);
    dmfs_close(f);
    return r < 0 ? (int)r : 0;
}
static void setup_seq100(dmfs_fs *fs) { th_put(fs, "/f", xs, 100); }
static int op_write_ra_extend(dmfs_fs *fs, void *c) {
    dmfs_file *f;
    int rc = dmfs_open(fs, "/f", "r+b", 0, 0, &f);
    if (rc) return rc;
    dmfs_seek(f, 90, DMFS_SEEK_SET);
    int64_t r = dmfs_write(f, xs, 40); /* extends by 30 */
    dmfs_close(f);
    return r < 0 ? (int)r : 0;
}
static int op_promote(dmfs_fs *fs, void *c) {
    dmfs_file *f;
    int rc = dmfs_open(fs, "/f", "r+b", 0, 0, &f);
    if (rc) return rc;
    int64_t r = dmfs_write(f, "y", 1);
    dmfs_close(f);
    return r < 0 ? (int)r : 0;
}
static int op_prealloc_new(dmfs_fs *fs, void *c) {
    dmfs_file *f;
    int rc = dmfs_open(fs, "/n", "wb", 300, 0, &f);
    if (rc) return rc;
    return dmfs_close(f);
}
static int op_prealloc_wb_existing(dmfs_fs *fs, void *c) {
    dmfs_file *f;
    int rc = dmfs_open(fs, "/f", "wb", 300, 0, &f); /* releases 228 first, charges 428 */
    if (rc) return rc;
    return dmfs_close(f);
}
static int op_copy(dmfs_fs *fs, void *c) { return dmfs_copy(fs, "/f", "/c", 0); }
static void setup_tree(dmfs_fs *fs) {
    dmfs_mkdir(fs, "/t/u", 0);
    th_put(fs, "/t/a", xs, 100);
    th_put(fs, "/t/u/b", xs, 50);
    th_put(fs, "/t/e", xs, 0);
}
static int op_copytree(dmfs_fs *fs, void *c) { return dmfs_copy_tree(fs, "/t", "/t2", 0); }
static int op_import_net(dmfs_fs *fs, void *c) {
    dmfs_entry e[2] = {{"/f", xs, 150}, {"/new/g", xs, 10}};
    return dmfs_import(fs, e, 2);
}
static int op_write_file_net(dmfs_fs *fs, void *c) { return dmfs_write_file(fs, "/f", xs, 150, 0); }
static int op_truncate_up(dmfs_fs *fs, void *c) {
    dmfs_file *f;
    int rc = dmfs_open(fs, "/f", "r+b", 0, 0, &f);
    if (rc) return rc;
    int64_t r = dmfs_truncate(f, 250);
    dmfs_close(f);
    return r < 0 ? (int)r : 0;
}

TEST(boundaries) {
    /* seq write at end: 228 + 168 */
    check_bound("write seq", 0, setup_seq100, op_write_seq, 228 + 168, 168, 396);
    /* RA write extending by 30 */
    check_bound("write RA", DMFS_STORAGE_RANDOM_ACCESS, setup_seq100, op_write_ra_extend, 130, 30, 130);
    /* promotion of a 100-byte file by a 1-byte overwrite: needs free ≥ 100 */
    check_bound("promotion", 0, setup_seq100, op_promote, 328, 100, 100);
    /* promotion plus extension: 100-byte file, write 40 at 90: charge 100 (temp), release
     * 128, extension 30 → peak 228 + 100 = 328; final 130 */
    check_bound("promotion+extend", 0, setup_seq100, op_write_ra_extend, 328, 100, 130);
    /* preallocate a new file */
    check_bound("preallocate new", 0, NULL, op_prealloc_new, 428, 428, 428);
    /* preallocate with wb truncation credit: ENOSPC(428, free + 228) */
    {
        uint64_t u0, u1;
        int rc = run_bound(427, 0, setup_seq100, op_prealloc_wb_existing, &u0, &u1);
        CHECK_RC(rc, DMFS_ENOSPC);
        CHECK_EQ_U64(dmfs_last_error()->requested, 428);
        CHECK_EQ_U64(dmfs_last_error()->available, 427);
        CHECK_EQ_U64(u1, 228);
        rc = run_bound(428, 0, setup_seq100, op_prealloc_wb_existing, &u0, &u1);
        CHECK_OK(rc);
        CHECK_EQ_U64(u1, 428);
        rc = run_bound(429, 0, setup_seq100, op_prealloc_wb_existing, &u0, &u1);
        CHECK_OK(rc);
        CHECK_EQ_U64(u1, 428);
    }
    check_bound("copy", 0, setup_seq100, op_copy, 456, 228, 456);
    check_bound("copy RA", DMFS_STORAGE_RANDOM_ACCESS, setup_seq100, op_copy, 200, 100, 200);
    /* copyTree: (100+128) + (50+128) + 0 */
    check_bound("copyTree", 0, setup_tree, op_copytree, 406 * 2, 406, 812);
    /* import: replace 100 (228) by 150 (278), new 10 (138): net 188 */
    check_bound("import net", 0, setup_seq100, op_import_net, 228 + 188, 188, 416);
    /* write_file net: 278 − 228 = 50 */
    check_bound("write_file net", 0, setup_seq100, op_write_file_net, 278, 50, 278);
    /* truncate up 100 → 250: +150 + ov */
    check_bound("truncate up", 0, setup_seq100, op_truncate_up, 228 + 278, 278, 506);
    check_bound("truncate up RA", DMFS_STORAGE_RANDOM_ACCESS, setup_seq100, op_truncate_up, 250, 150, 250);
}

TEST(write_file_rules) {
    dmfs_fs *fs = mkfs(1 << 20, 0, 128);
    CHECK_OK(dmfs_write_file(fs, "/f", "abc", 3, 0));
    dmfs_statbuf st;
    CHECK_OK(dmfs_stat(fs, "/f", &st));
    CHECK_EQ_U64(st.generation, 1);
    CHECK_EQ_U64(th_used(fs), 131);
    CHECK_OK(dmfs_write_file(fs, "/e", "", 0, 0));
    CHECK_OK(dmfs_stat(fs, "/e", &st));
    CHECK_EQ_U64(st.generation, 0);
    CHECK_OK(dmfs_write_file(fs, "/e", "", 0, 0));
    CHECK_OK(dmfs_stat(fs, "/e", &st));
    CHECK_EQ_U64(st.generation, 1);
    CHECK_OK(dmfs_write_file(fs, "/f", "", 0, 0));
    CHECK_EQ_U64(th_used(fs), 0);
    CHECK_EQ_U64(finfo(fs, "/f").chunks, 0);
    CHECK_RC(dmfs_write_file(fs, "/nope/f", "x", 1, 0), DMFS_ENOENT);
    CHECK_RC(dmfs_write_file(fs, "/f/x", "x", 1, 0), DMFS_ENOTDIR);
    CHECK_RC(dmfs_write_file(fs, "/", "x", 1, 0), DMFS_EISDIR);
    CHECK_OK(dmfs_mkdir(fs, "/d", 0));
    CHECK_RC(dmfs_write_file(fs, "/d", "x", 1, 0), DMFS_EISDIR);
    /* keeps place in parent */
    CHECK_OK(dmfs_write_file(fs, "/f", "zz", 2, 0));
    dmfs_strlist *l;
    CHECK_OK(dmfs_listdir(fs, "/", &l));
    CHECK_EQ_U64(l->count, 3);
    CHECK_STR(l->items[0], "f");
    dmfs_strlist_free(l);
    /* exclusive lock on an existing file */
    dmfs_file *r;
    CHECK_OK(dmfs_open(fs, "/f", "rb", 0, 0, &r));
    CHECK_RC(dmfs_write_file(fs, "/f", "q", 1, 0), DMFS_EAGAIN);
    CHECK_OK(dmfs_close(r));
    CHECK_CONTENT(fs, "/f", "zz");
    CHECK_OK(dmfs_destroy(fs));
    /* ENOSPC keeps the old content */
    fs = mkfs(200, 0, 128);
    CHECK_OK(dmfs_write_file(fs, "/f", xs, 50, 0));
    CHECK_NOSPC(dmfs_write_file(fs, "/f", xs, 80, 0), 30, 22);
    CHECK_EQ_INT(dmfs_get_size(fs, "/f"), 50);
    CHECK_OK(dmfs_destroy(fs));
}

TEST(zero_quota) {
    dmfs_fs *fs = mkfs(0, 0, 128);
    dmfs_file *f = open_or_fail(fs, "/f", "wb", 0);
    CHECK_RC(dmfs_write(f, xs, 0), 0);
    CHECK_NOSPC(dmfs_write(f, xs, 1), 129, 0);
    CHECK_OK(dmfs_close(f));
    CHECK_OK(dmfs_mkdir(fs, "/d/e", 0));
    CHECK_OK(dmfs_copy(fs, "/f", "/g", 0)); /* empty copy costs 0 */
    CHECK_EQ_U64(th_used(fs), 0);
    CHECK_OK(dmfs_destroy(fs));
}

TEST(huge_requests_enospc_before_memory) {
    dmfs_fs *fs = mkfs(1 << 20, 0, 128);
    dmfs_file *f = open_or_fail(fs, "/f", "wb", 0);
    CHECK_RC(dmfs_truncate(f, (int64_t)DMFS_MAX_SAFE), DMFS_ENOSPC);
    CHECK_RC(dmfs_truncate(f, (int64_t)DMFS_MAX_SAFE + 1), DMFS_EFBIG);
    CHECK_RC(dmfs_truncate(f, -1), DMFS_EINVAL);
    CHECK_RC(dmfs_seek(f, (int64_t)1 << 50, DMFS_SEEK_SET), (int64_t)1 << 50);
    CHECK_RC(dmfs_write(f, "x", 1), DMFS_ENOSPC);
    CHECK_RC(dmfs_seek(f, (int64_t)DMFS_MAX_SAFE, DMFS_SEEK_SET), (int64_t)DMFS_MAX_SAFE);
    CHECK_RC(dmfs_write(f, "x", 1), DMFS_EFBIG);
    CHECK_OK(dmfs_close(f));
    CHECK_RC(dmfs_open(fs, "/g", "wb", (int64_t)1 << 50, 0, &f), DMFS_ENOSPC);
    CHECK(!dmfs_exists(fs, "/g"));
    CHECK_EQ_U64(th_used(fs), 0);
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}
