/* Operations §7.1–§7.7, §7.9, §7.10, and the single-thread conflict matrix §8.3. */
#include "harness.h"

static dmfs_fs *newfs(void) { return th_fs_quota(1 << 20); }

static dmfs_file *op(dmfs_fs *fs, const char *p, const char *mode) {
    dmfs_file *f = NULL;
    int rc = dmfs_open(fs, p, mode, 0, 0, &f);
    if (rc != 0) TH_FAILF("open %s %s: %s", p, mode, dmfs_errname(rc));
    return f;
}

static uint64_t gen(dmfs_fs *fs, const char *p) {
    dmfs_statbuf st;
    int rc = dmfs_stat(fs, p, &st);
    if (rc) TH_FAILF("stat %s: %s", p, dmfs_errname(rc));
    return st.generation;
}

static void check_list(dmfs_fs *fs, const char *dir, const char *const *names, size_t n) {
    dmfs_strlist *l = NULL;
    int rc = dmfs_listdir(fs, dir, &l);
    if (rc) TH_FAILF("listdir %s: %s", dir, dmfs_errname(rc));
    int ok = l->count == n;
    for (size_t i = 0; ok && i < n; i++) ok = strcmp(l->items[i], names[i]) == 0;
    if (!ok) {
        char got[512] = "";
        for (size_t i = 0; i < l->count; i++) {
            strncat(got, l->items[i], sizeof got - strlen(got) - 2);
            strncat(got, ",", sizeof got - strlen(got) - 1);
        }
        dmfs_strlist_free(l);
        TH_FAILF("listdir %s: got [%s]", dir, got);
    }
    dmfs_strlist_free(l);
}

/* ── §7.1 open ── */

TEST(open_modes_invalid) {
    dmfs_fs *fs = newfs();
    const char *bad[] = {"r", "w", "rb+", "br", "w+b", "a+b", "x+b", "rt", "RB", "", "wbx", "rb "};
    dmfs_file *f = NULL;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) CHECK_RC(dmfs_open(fs, "/f", bad[i], 0, 0, &f), DMFS_EINVAL);
    CHECK_RC(dmfs_open(fs, "/f", "wb", -1, 0, &f), DMFS_EINVAL);
    th_put_str(fs, "/f", "x");
    CHECK_RC(dmfs_open(fs, "/f", "rb", 1, 0, &f), DMFS_EINVAL);
    CHECK_RC(dmfs_open(fs, "/f", "rb", -1, 0, &f), DMFS_EINVAL);
    CHECK_RC(dmfs_open(fs, "/f", "rb", 0, -3, &f), DMFS_EINVAL);
    /* check order: mode before path; preallocate before path */
    CHECK_RC(dmfs_open(fs, "/..", "zz", 0, 0, &f), DMFS_EINVAL);
    CHECK_RC(dmfs_open(fs, "/nope/x", "rb", 1, 0, &f), DMFS_EINVAL);
    CHECK_RC(dmfs_open(fs, "/", "wb", 0, 0, &f), DMFS_EISDIR);
    CHECK_RC(dmfs_open(fs, "/", "xb", 0, 0, &f), DMFS_EISDIR);
    CHECK_RC(dmfs_open(fs, "/", "rb", 0, 0, &f), DMFS_EISDIR);
    CHECK_OK(dmfs_mkdir(fs, "/d", 0));
    CHECK_RC(dmfs_open(fs, "/d", "ab", 0, 0, &f), DMFS_EISDIR);
    CHECK_RC(dmfs_open(fs, "/d/", "r+b", 0, 0, &f), DMFS_EISDIR);
    CHECK_RC(dmfs_open(fs, "/nope", "rb", 0, 0, &f), DMFS_ENOENT);
    CHECK_RC(dmfs_open(fs, "/nope", "r+b", 0, 0, &f), DMFS_ENOENT);
    CHECK_RC(dmfs_open(fs, "/nope/x", "wb", 0, 0, &f), DMFS_ENOENT);
    CHECK_RC(dmfs_open(fs, "/f/x", "rb", 0, 0, &f), DMFS_ENOTDIR);
    CHECK_RC(dmfs_open(fs, "/f/x", "wb", 0, 0, &f), DMFS_ENOTDIR);
    CHECK_RC(dmfs_open(fs, "/missing/f/x", "wb", 0, 0, &f), DMFS_ENOENT);
    CHECK_RC(dmfs_open(fs, "/f", "xb", 0, 0, &f), DMFS_EEXIST);
    CHECK_CONTENT(fs, "/f", "x");
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

TEST(open_modes_semantics) {
    dmfs_fs *fs = newfs();
    th_put_str(fs, "/f", "hello");
    char buf[32];
    dmfs_file *f = op(fs, "/f", "rb");
    CHECK_RC(dmfs_write(f, "x", 1), DMFS_EBADF);
    CHECK_RC(dmfs_truncate(f, 0), DMFS_EBADF);
    CHECK_RC(dmfs_read(f, buf, 32), 5);
    CHECK_EQ_INT(dmfs_file_size(f), 5);
    CHECK_OK(dmfs_close(f));
    f = op(fs, "/f", "ab");
    CHECK_EQ_INT(dmfs_tell(f), 5);
    CHECK_RC(dmfs_read(f, buf, 1), DMFS_EBADF);
    CHECK_RC(dmfs_seek(f, 0, DMFS_SEEK_SET), 0);
    CHECK_RC(dmfs_write(f, " world", 6), 6);
    CHECK_EQ_INT(dmfs_tell(f), 11);
    CHECK_OK(dmfs_close(f));
    CHECK_CONTENT(fs, "/f", "hello world");
    f = op(fs, "/f", "r+b");
    CHECK_EQ_INT(dmfs_tell(f), 0);
    CHECK_RC(dmfs_seek(f, 6, DMFS_SEEK_SET), 6);
    CHECK_RC(dmfs_write(f, "Python", 6), 6);
    CHECK_OK(dmfs_close(f));
    CHECK_CONTENT(fs, "/f", "hello Python");
    f = op(fs, "/x", "xb");
    CHECK_RC(dmfs_read(f, buf, 1), DMFS_EBADF);
    CHECK_RC(dmfs_write(f, "new", 3), 3);
    CHECK_OK(dmfs_close(f));
    f = op(fs, "/f", "wb");
    CHECK_EQ_INT(dmfs_file_size(f), 0);
    CHECK_RC(dmfs_read(f, buf, 1), DMFS_EBADF);
    CHECK_OK(dmfs_close(f));
    CHECK_CONTENT(fs, "/f", "");
    /* trailing slash creates a file */
    f = op(fs, "/t/", "wb");
    CHECK_OK(dmfs_close(f));
    CHECK(dmfs_is_file(fs, "/t"));
    /* ab + preallocate: AB\0\0\0CD */
    th_put_str(fs, "/ab", "AB");
    CHECK_OK(dmfs_open(fs, "/ab", "ab", 5, 0, &f));
    CHECK_EQ_INT(dmfs_tell(f), 5);
    CHECK_RC(dmfs_write(f, "CD", 2), 2);
    CHECK_OK(dmfs_close(f));
    size_t n;
    uint8_t *d = th_get(fs, "/ab", &n);
    CHECK_EQ_U64(n, 7);
    CHECK(memcmp(d, "AB\0\0\0CD", 7) == 0);
    dmfs_free(d);
    /* preallocate ≤ size does nothing */
    uint64_t g = gen(fs, "/ab");
    CHECK_OK(dmfs_open(fs, "/ab", "r+b", 3, 0, &f));
    CHECK_EQ_INT(dmfs_file_size(f), 7);
    CHECK_OK(dmfs_close(f));
    CHECK_EQ_U64(gen(fs, "/ab"), g);
    /* new file goes last in parent */
    const char *names[] = {"f", "x", "t", "ab"};
    check_list(fs, "/", names, 4);
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

TEST(preallocate_all_or_nothing) {
    dmfs_fs *fs = th_fs_quota(300);
    th_put(fs, "/f", "0123456789", 10); /* 138 */
    dmfs_file *f = NULL;
    /* wb would release 138: check is ENOSPC(charge, free + 138) */
    CHECK_NOSPC(dmfs_open(fs, "/f", "wb", 400, 0, &f), 528, 300);
    CHECK_CONTENT(fs, "/f", "0123456789");
    CHECK_EQ_U64(gen(fs, "/f"), 1);
    CHECK_NOSPC(dmfs_open(fs, "/new", "wb", 400, 0, &f), 528, 162);
    CHECK(!dmfs_exists(fs, "/new"));
    CHECK_NOSPC(dmfs_open(fs, "/new", "xb", 400, 0, &f), 528, 162);
    CHECK(!dmfs_exists(fs, "/new"));
    CHECK_NOSPC(dmfs_open(fs, "/f", "ab", 400, 0, &f), 390 + 128, 162);
    CHECK_EQ_U64(th_used(fs), 138);
    CHECK_OK(dmfs_open(fs, "/f", "wb", 172, 0, &f)); /* 172 + 128 = 300 = free + 138 */
    CHECK_EQ_U64(th_used(fs), 300);
    CHECK_OK(dmfs_close(f));
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

TEST(reader_never_sees_truncation) {
    dmfs_fs *fs = newfs();
    th_put_str(fs, "/p", "original data");
    dmfs_file *r = op(fs, "/p", "rb");
    dmfs_file *w = NULL;
    CHECK_RC(dmfs_open(fs, "/p", "wb", 0, 0, &w), DMFS_EAGAIN);
    char buf[32];
    CHECK_RC(dmfs_read(r, buf, sizeof buf), 13);
    CHECK(memcmp(buf, "original data", 13) == 0);
    CHECK_OK(dmfs_close(r));
    CHECK_EQ_U64(gen(fs, "/p"), 1);
    CHECK_OK(dmfs_destroy(fs));
}

/* ── §7.2 handle ops ── */

TEST(handle_ops_examples) {
    dmfs_fs *fs = newfs();
    th_put_str(fs, "/h", "hello world");
    char buf[64];
    dmfs_file *f = op(fs, "/h", "rb");
    CHECK_RC(dmfs_read(f, buf, 5), 5);
    CHECK(memcmp(buf, "hello", 5) == 0);
    CHECK_RC(dmfs_read(f, buf, 6), 6);
    CHECK(memcmp(buf, " world", 6) == 0);
    CHECK_RC(dmfs_read(f, buf, 6), 0);
    CHECK_RC(dmfs_read(f, buf, 0), 0);
    CHECK_RC(dmfs_seek(f, -5, DMFS_SEEK_END), 6);
    CHECK_RC(dmfs_read(f, buf, 64), 5);
    CHECK(memcmp(buf, "world", 5) == 0);
    CHECK_RC(dmfs_seek(f, 100, DMFS_SEEK_SET), 100);
    CHECK_RC(dmfs_read(f, buf, 64), 0);
    CHECK_EQ_INT(dmfs_tell(f), 100);
    /* seek errors */
    CHECK_RC(dmfs_seek(f, -1, DMFS_SEEK_SET), DMFS_EINVAL);
    CHECK_RC(dmfs_seek(f, 1, DMFS_SEEK_END), DMFS_EINVAL);
    CHECK_RC(dmfs_seek(f, 0, 3), DMFS_EINVAL);
    CHECK_RC(dmfs_seek(f, 0, -1), DMFS_EINVAL);
    CHECK_RC(dmfs_seek(f, 0, DMFS_SEEK_SET), 0);
    CHECK_RC(dmfs_seek(f, -1, DMFS_SEEK_CUR), DMFS_EINVAL);
    CHECK_RC(dmfs_seek(f, (int64_t)DMFS_MAX_SAFE, DMFS_SEEK_SET), (int64_t)DMFS_MAX_SAFE);
    CHECK_RC(dmfs_seek(f, 1, DMFS_SEEK_CUR), DMFS_EINVAL);
    CHECK_RC(dmfs_seek(f, (int64_t)DMFS_MAX_SAFE + 1, DMFS_SEEK_SET), DMFS_EINVAL);
    CHECK_RC(dmfs_seek(f, INT64_MAX, DMFS_SEEK_CUR), DMFS_EINVAL);
    CHECK_RC(dmfs_seek(f, INT64_MIN, DMFS_SEEK_END), DMFS_EINVAL);
    CHECK_EQ_INT(dmfs_tell(f), (int64_t)DMFS_MAX_SAFE);
    CHECK_OK(dmfs_close(f));
    /* abcdef r+b truncates */
    th_put_str(fs, "/t", "abcdef");
    f = op(fs, "/t", "r+b");
    CHECK_RC(dmfs_seek(f, 6, DMFS_SEEK_SET), 6);
    CHECK_RC(dmfs_truncate(f, 3), 3);
    CHECK_EQ_INT(dmfs_tell(f), 3);
    CHECK_RC(dmfs_seek(f, 2, DMFS_SEEK_SET), 2);
    CHECK_RC(dmfs_truncate(f, dmfs_tell(f)), 2);
    CHECK_OK(dmfs_flush(f));
    CHECK_OK(dmfs_close(f));
    CHECK_CONTENT(fs, "/t", "ab");
    /* readInto 4 then rest */
    th_put_str(fs, "/r", "abcdef");
    f = op(fs, "/r", "r+b");
    CHECK_RC(dmfs_read(f, buf, 4), 4);
    CHECK(memcmp(buf, "abcd", 4) == 0);
    CHECK_RC(dmfs_read(f, buf, 64), 2);
    CHECK(memcmp(buf, "ef", 2) == 0);
    CHECK_OK(dmfs_close(f));
    /* ten 100-byte writes */
    f = op(fs, "/ten", "wb");
    char blk[100];
    for (int i = 0; i < 10; i++) {
        memset(blk, '0' + i, 100);
        CHECK_RC(dmfs_write(f, blk, 100), 100);
    }
    CHECK_OK(dmfs_close(f));
    size_t n;
    uint8_t *d = th_get(fs, "/ten", &n);
    CHECK_EQ_U64(n, 1000);
    for (int i = 0; i < 1000; i++)
        if (d[i] != '0' + i / 100) {
            TH_FAILF("byte %d", i);
            break;
        }
    dmfs_free(d);
    /* ab: truncate then write lands at the new end */
    f = op(fs, "/ten", "ab");
    CHECK_RC(dmfs_truncate(f, 3), 3);
    CHECK_RC(dmfs_write(f, "Z", 1), 1);
    CHECK_OK(dmfs_close(f));
    CHECK_CONTENT(fs, "/ten", "000Z");
    /* zero-byte write in ab does not move the cursor */
    f = op(fs, "/ten", "ab");
    CHECK_RC(dmfs_seek(f, 1, DMFS_SEEK_SET), 1);
    CHECK_RC(dmfs_write(f, "", 0), 0);
    CHECK_EQ_INT(dmfs_tell(f), 1);
    CHECK_OK(dmfs_close(f));
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

/* dmfs_read_spans: the spans are the file's bytes in order, the cursor moves past them,
 * max bounds the count, and modes/arguments are checked as dmfs_read's. */
TEST(read_spans) {
    dmfs_fs *fs = newfs();
    dmfs_file *w = op(fs, "/s", "wb");
    const char *parts[] = {"abc", "defgh", "i", "jklmnop"};
    for (int i = 0; i < 4; i++) CHECK_RC(dmfs_write(w, parts[i], strlen(parts[i])), (int64_t)strlen(parts[i]));
    CHECK_OK(dmfs_close(w));
    dmfs_file *f = op(fs, "/s", "rb");
    dmfs_span sp[8];
    size_t count = 99;
    CHECK_RC(dmfs_seek(f, 2, DMFS_SEEK_SET), 2);
    CHECK_RC(dmfs_read_spans(f, 100, sp, 8, &count), 14); /* "cdefghijklmnop" in 4 spans */
    CHECK_EQ_INT(count, 4);
    char got[32] = "";
    for (size_t i = 0; i < count; i++) strncat(got, sp[i].data, sp[i].len);
    CHECK_STR(got, "cdefghijklmnop");
    for (size_t i = 1; i < count; i++) CHECK((uintptr_t)sp[i].data % 8 == 0); /* chunk starts */
    CHECK_EQ_INT(dmfs_tell(f), 16);
    CHECK_RC(dmfs_read_spans(f, 100, sp, 8, &count), 0); /* at the end */
    CHECK_EQ_INT(count, 0);
    CHECK_RC(dmfs_seek(f, 1, DMFS_SEEK_SET), 1);
    CHECK_RC(dmfs_read_spans(f, 100, sp, 2, &count), 7); /* max 2 spans: "bc", "defgh" */
    CHECK_EQ_INT(count, 2);
    CHECK(sp[0].len == 2 && memcmp(sp[0].data, "bc", 2) == 0);
    CHECK(sp[1].len == 5 && memcmp(sp[1].data, "defgh", 5) == 0);
    CHECK_RC(dmfs_read_spans(f, 3, sp, 8, &count), 3); /* n bounds the bytes: "i", "jk" */
    CHECK_EQ_INT(count, 2);
    CHECK(sp[1].len == 2 && memcmp(sp[1].data, "jk", 2) == 0);
    CHECK_EQ_INT(dmfs_tell(f), 11);
    CHECK_RC(dmfs_read_spans(f, 0, sp, 0, &count), 0); /* nothing asked: fine even with max 0 */
    CHECK_RC(dmfs_read_spans(f, 1, sp, 0, &count), DMFS_EINVAL);
    CHECK_RC(dmfs_read_spans(f, 1, NULL, 8, &count), DMFS_EINVAL);
    CHECK_RC(dmfs_read_spans(f, 1, sp, 8, NULL), DMFS_EINVAL);
    CHECK_RC(dmfs_read_spans(NULL, 1, sp, 8, &count), DMFS_EINVAL);
    CHECK_EQ_INT(dmfs_tell(f), 11);
    CHECK_OK(dmfs_close(f));
    /* random-access storage: one span; write-only handle: EBADF */
    dmfs_file *r = op(fs, "/s", "r+b");
    CHECK_RC(dmfs_seek(r, 4, DMFS_SEEK_SET), 4);
    CHECK_RC(dmfs_write(r, "XY", 2), 2); /* promotes */
    CHECK_RC(dmfs_seek(r, 3, DMFS_SEEK_SET), 3);
    CHECK_RC(dmfs_read_spans(r, 5, sp, 8, &count), 5);
    CHECK_EQ_INT(count, 1);
    CHECK(memcmp(sp[0].data, "dXYgh", 5) == 0);
    CHECK_OK(dmfs_close(r));
    dmfs_file *a = op(fs, "/s", "ab");
    CHECK_RC(dmfs_read_spans(a, 1, sp, 8, &count), DMFS_EBADF);
    CHECK_OK(dmfs_close(a));
    dmfs_destroy(fs);
}

/* dmfs_write_reserve: the same write as dmfs_write (quota, chunks, cursor, generation, all or
 * nothing), the caller stores the bytes; both storages and append. */
TEST(write_reserve) {
    dmfs_fs *fs = th_fs_quota(4096);
    dmfs_file *f = op(fs, "/w", "wb");
    void *dst = (void *)1;
    CHECK_RC(dmfs_write_reserve(f, 0, &dst), 0);
    CHECK(dst == NULL);
    CHECK_RC(dmfs_write_reserve(f, 5, &dst), 5);
    CHECK(dst != NULL);
    memcpy(dst, "hello", 5);
    CHECK_RC(dmfs_write(f, " you", 4), 4);
    CHECK_EQ_INT(dmfs_tell(f), 9);
    dmfs_statsbuf st;
    CHECK_OK(dmfs_stats(fs, &st));
    CHECK_EQ_U64(st.chunk_count, 2);
    CHECK_EQ_U64(st.used_bytes, 9 + 2 * st.overhead_per_chunk);
    /* over the quota: ENOSPC, nothing changes, dst NULL */
    dst = (void *)1;
    CHECK_RC(dmfs_write_reserve(f, 4000, &dst), DMFS_ENOSPC);
    CHECK(dst == NULL);
    CHECK_OK(dmfs_stats(fs, &st));
    CHECK_EQ_U64(st.chunk_count, 2);
    CHECK_EQ_INT(dmfs_tell(f), 9);
    CHECK_RC(dmfs_write_reserve(f, 1, NULL), DMFS_EINVAL);
    CHECK_RC(dmfs_write_reserve(NULL, 1, &dst), DMFS_EINVAL);
    CHECK_OK(dmfs_close(f));
    CHECK_EQ_U64(gen(fs, "/w"), 2);
    /* r+b in the middle: promotes, the reserved bytes land there */
    dmfs_file *r = op(fs, "/w", "r+b");
    CHECK_RC(dmfs_seek(r, 2, DMFS_SEEK_SET), 2);
    CHECK_RC(dmfs_write_reserve(r, 3, &dst), 3);
    memcpy(dst, "LLO", 3);
    CHECK_EQ_INT(dmfs_tell(r), 5);
    CHECK_RC(dmfs_seek(r, 9, DMFS_SEEK_SET), 9); /* random access, extending */
    CHECK_RC(dmfs_write_reserve(r, 1, &dst), 1);
    memcpy(dst, "!", 1);
    CHECK_OK(dmfs_close(r));
    dmfs_file *a = op(fs, "/w", "ab");
    CHECK_RC(dmfs_write_reserve(a, 1, &dst), 1);
    memcpy(dst, "?", 1);
    CHECK_OK(dmfs_close(a));
    dmfs_file *rb = op(fs, "/w", "rb");
    char buf[32] = "";
    CHECK_RC(dmfs_read(rb, buf, sizeof buf - 1), 11);
    CHECK_STR(buf, "heLLO you!?");
    CHECK_RC(dmfs_write_reserve(rb, 1, &dst), DMFS_EBADF);
    CHECK(dst == NULL);
    CHECK_OK(dmfs_close(rb));
    dmfs_destroy(fs);
}

TEST(sequential_storage_enotsup) {
    dmfs_config c;
    dmfs_config_init(&c);
    c.default_storage = DMFS_STORAGE_SEQUENTIAL;
    dmfs_fs *fs = th_fs_cfg(&c);
    dmfs_file *f = op(fs, "/s", "wb");
    CHECK_RC(dmfs_write(f, "abcdef", 6), 6);
    CHECK_RC(dmfs_seek(f, 0, DMFS_SEEK_SET), 0);
    CHECK_RC(dmfs_write(f, "X", 1), DMFS_ENOTSUP);
    CHECK_RC(dmfs_seek(f, 10, DMFS_SEEK_SET), 10);
    CHECK_RC(dmfs_write(f, "X", 1), DMFS_ENOTSUP);
    CHECK_RC(dmfs_truncate(f, 10), 10); /* truncate never promotes */
    CHECK_RC(dmfs_write(f, "X", 1), 1);
    CHECK_OK(dmfs_close(f));
    CHECK_EQ_U64(th_used(fs), 6 + 4 + 1 + 3 * 128);
    CHECK_OK(dmfs_destroy(fs));
}

TEST(promotion_hard_limit) {
    dmfs_config c;
    dmfs_config_init(&c);
    c.promotion_hard_limit = 10;
    dmfs_fs *fs = th_fs_cfg(&c);
    th_put(fs, "/a", "0123456789", 10); /* exactly the limit promotes */
    th_put(fs, "/b", "0123456789A", 11);
    dmfs_file *f = op(fs, "/a", "r+b");
    CHECK_RC(dmfs_write(f, "x", 1), 1);
    CHECK_OK(dmfs_close(f));
    f = op(fs, "/b", "r+b");
    CHECK_RC(dmfs_write(f, "x", 1), DMFS_ENOTSUP);
    CHECK_OK(dmfs_close(f));
    CHECK_CONTENT(fs, "/b", "0123456789A");
    CHECK_OK(dmfs_destroy(fs));
    c.promotion_hard_limit = 0;
    fs = th_fs_cfg(&c);
    f = op(fs, "/e", "wb");
    CHECK_RC(dmfs_seek(f, 3, DMFS_SEEK_SET), 3);
    CHECK_RC(dmfs_write(f, "x", 1), 1); /* empty file promotes */
    CHECK_OK(dmfs_close(f));
    th_put(fs, "/g", "1", 1);
    f = op(fs, "/g", "r+b");
    CHECK_RC(dmfs_write(f, "x", 1), DMFS_ENOTSUP);
    CHECK_OK(dmfs_close(f));
    CHECK_OK(dmfs_destroy(fs));
}

TEST(closed_handle_ebadf_via_destroy_order) {
    /* a handle stays usable until close; after close it must not be used (UB in C), so we
     * only check that close releases the lock */
    dmfs_fs *fs = newfs();
    dmfs_file *f = op(fs, "/f", "wb");
    dmfs_file *g = NULL;
    CHECK_RC(dmfs_open(fs, "/f", "rb", 0, 0, &g), DMFS_EAGAIN);
    CHECK_OK(dmfs_close(f));
    CHECK_OK(dmfs_open(fs, "/f", "rb", 0, 0, &g));
    CHECK_OK(dmfs_close(g));
    CHECK_OK(dmfs_destroy(fs));
}

/* ── §7.3 mkdir ── */

TEST(mkdir_rules) {
    dmfs_fs *fs = newfs();
    CHECK_RC(dmfs_mkdir(fs, "/", 0), DMFS_EEXIST);
    CHECK_OK(dmfs_mkdir(fs, "/", 1));
    CHECK_OK(dmfs_mkdir(fs, "/a/b/c", 0));
    CHECK(dmfs_is_dir(fs, "/a/b"));
    CHECK_RC(dmfs_mkdir(fs, "/a/b", 0), DMFS_EEXIST);
    CHECK_OK(dmfs_mkdir(fs, "/a/b", 1));
    th_put_str(fs, "/a/f", "x");
    CHECK_RC(dmfs_mkdir(fs, "/a/f", 1), DMFS_EEXIST);
    CHECK_RC(dmfs_mkdir(fs, "/a/f", 0), DMFS_EEXIST);
    CHECK_RC(dmfs_mkdir(fs, "/a/f/x", 1), DMFS_ENOTDIR);
    CHECK_RC(dmfs_mkdir(fs, "/a/f/x/y", 0), DMFS_ENOTDIR);
    dmfs_statbuf st;
    CHECK_OK(dmfs_stat(fs, "/a", &st));
    CHECK(st.is_dir);
    CHECK_EQ_U64(st.size, 0);
    CHECK_EQ_U64(st.generation, 0);
    CHECK_RC(dmfs_stat(fs, "/a/f/x", &st), DMFS_ENOTDIR);
    CHECK_RC(dmfs_stat(fs, "/zz/f", &st), DMFS_ENOENT);
    CHECK_EQ_INT(dmfs_exists(fs, "/a/f/x"), 0);
    CHECK_RC(dmfs_get_size(fs, "/a"), DMFS_EISDIR);
    CHECK_RC(dmfs_get_size(fs, "/a/f"), 1);
    CHECK_RC(dmfs_get_size(fs, "/nope"), DMFS_ENOENT);
    CHECK_OK(dmfs_destroy(fs));
}

/* ── §7.4 rename / move ── */

TEST(rename_rules) {
    dmfs_fs *fs = newfs();
    CHECK_OK(dmfs_mkdir(fs, "/d/sub", 0));
    th_put_str(fs, "/d/sub/f", "F");
    th_put_str(fs, "/a", "A");
    th_put_str(fs, "/b", "B");
    CHECK_RC(dmfs_rename(fs, "/", "/x"), DMFS_EINVAL);
    CHECK_RC(dmfs_rename(fs, "/nope", "/x"), DMFS_ENOENT);
    CHECK_RC(dmfs_rename(fs, "/a/x", "/x"), DMFS_ENOTDIR);
    CHECK_RC(dmfs_rename(fs, "/a", "/b"), DMFS_EEXIST);
    CHECK_RC(dmfs_rename(fs, "/a", "/a"), DMFS_EEXIST);
    CHECK_RC(dmfs_rename(fs, "/d/sub", "/d"), DMFS_EEXIST); /* ancestor */
    CHECK_RC(dmfs_rename(fs, "/d", "/d/sub/x"), DMFS_EINVAL);
    CHECK_RC(dmfs_rename(fs, "/d", "/d/new"), DMFS_EINVAL);
    CHECK_RC(dmfs_rename(fs, "/a", "/x/y/b"), DMFS_ENOENT);
    CHECK_RC(dmfs_rename(fs, "/a", "/b/y"), DMFS_ENOTDIR);
    CHECK_RC(dmfs_rename(fs, "/..", "/y"), DMFS_EINVAL);
    CHECK(!dmfs_exists(fs, "/x"));
    /* rename within a directory moves the entry to the end */
    CHECK_OK(dmfs_rename(fs, "/a", "/a2"));
    const char *names[] = {"d", "b", "a2"};
    check_list(fs, "/", names, 3);
    /* keeps generation and timestamps */
    dmfs_statbuf s1, s2;
    CHECK_OK(dmfs_stat(fs, "/b", &s1));
    CHECK_OK(dmfs_rename(fs, "/b", "/d/b"));
    CHECK_OK(dmfs_stat(fs, "/d/b", &s2));
    CHECK_EQ_U64(s1.generation, s2.generation);
    CHECK_EQ_INT(s1.created_at, s2.created_at);
    CHECK_EQ_INT(s1.modified_at, s2.modified_at);
    /* directories move with their subtree */
    CHECK_OK(dmfs_rename(fs, "/d/sub", "/sub2"));
    CHECK_CONTENT(fs, "/sub2/f", "F");
    /* busy */
    dmfs_file *r = op(fs, "/sub2/f", "rb");
    CHECK_RC(dmfs_rename(fs, "/sub2", "/sub3"), DMFS_EBUSY);
    CHECK_RC(dmfs_rename(fs, "/sub2/f", "/g"), DMFS_EBUSY);
    CHECK_RC(dmfs_move(fs, "/sub2/f", "/new/g"), DMFS_EBUSY);
    CHECK(!dmfs_exists(fs, "/new"));
    CHECK_OK(dmfs_close(r));
    CHECK_EQ_U64(th_used(fs), 3 * 129);
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

TEST(move_rules) {
    dmfs_fs *fs = newfs();
    th_put_str(fs, "/a", "A");
    th_put_str(fs, "/f", "F");
    CHECK_OK(dmfs_move(fs, "/a", "/x/y/b"));
    CHECK_CONTENT(fs, "/x/y/b", "A");
    CHECK_RC(dmfs_move(fs, "/x", "/x/b/c"), DMFS_EINVAL);
    CHECK(!dmfs_exists(fs, "/x/b"));
    CHECK_RC(dmfs_move(fs, "/x/y/b", "/f/z/b"), DMFS_ENOTDIR);
    CHECK(!dmfs_exists(fs, "/f/z"));
    CHECK_RC(dmfs_move(fs, "/x/y/b", "/f"), DMFS_EEXIST);
    CHECK_RC(dmfs_move(fs, "/", "/q"), DMFS_EINVAL);
    /* node limit applies to created parents, all or none */
    dmfs_config c;
    dmfs_config_init(&c);
    c.max_nodes = 4;
    dmfs_fs *g = th_fs_cfg(&c);
    th_put_str(g, "/a", "A");
    CHECK_NOSPC_NODES(dmfs_move(g, "/a", "/p/q/r/a"), 2, 4, 3, 2);
    CHECK(!dmfs_exists(g, "/p"));
    CHECK_OK(dmfs_move(g, "/a", "/p/q/a"));
    CHECK_OK(dmfs_destroy(g));
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

TEST(move_nametoolong) {
    dmfs_fs *fs = newfs();
    /* a deep tree near the 4096-byte limit; moving it under a longer prefix overflows */
    char p[DMFS_PATH_MAX + 300];
    size_t k = 0;
    p[k++] = '/';
    p[k++] = 's';
    for (int i = 0; i < 15; i++) {
        p[k++] = '/';
        memset(p + k, 'a' + i, 250);
        k += 250;
    }
    p[k] = 0; /* 2 + 15*251 = 3767 */
    CHECK_OK(dmfs_mkdir(fs, p, 0));
    strcpy(p + k, "/leaf");
    th_put_str(fs, p, "L");
    char dst[600];
    dst[0] = '/';
    memset(dst + 1, 'z', 255);
    dst[256] = '/';
    memset(dst + 257, 'y', 100);
    dst[357] = 0;
    CHECK_OK(dmfs_mkdir(fs, "/t", 0));
    /* /s → dst: the leaf would be 3767 + 5 − 2 + 357 > 4096 */
    CHECK_RC(dmfs_move(fs, "/s", dst), DMFS_ENAMETOOLONG);
    CHECK(!dmfs_exists(fs, "/zzzzz"));
    dst[256] = 0;
    CHECK(!dmfs_exists(fs, dst));
    dst[256] = '/';
    CHECK_OK(dmfs_mkdir(fs, "/q", 0));
    CHECK_RC(dmfs_rename(fs, "/s", dst), DMFS_ENOENT); /* parent missing comes first */
    dst[256] = 0;
    CHECK_OK(dmfs_mkdir(fs, dst, 0));
    dst[256] = '/';
    CHECK_RC(dmfs_rename(fs, "/s", dst), DMFS_ENAMETOOLONG);
    CHECK_RC(dmfs_copy_tree(fs, "/s", dst, 0), DMFS_ENAMETOOLONG);
    CHECK(dmfs_exists(fs, p));
    CHECK_OK(dmfs_rename(fs, "/s", "/u")); /* shorter is fine */
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

/* ── §7.5 remove / rmtree ── */

TEST(remove_rmtree_rules) {
    dmfs_fs *fs = newfs();
    CHECK_OK(dmfs_mkdir(fs, "/d/e", 0));
    th_put_str(fs, "/d/e/f", "12345");
    th_put_str(fs, "/d/g", "1");
    th_put_str(fs, "/h", "1");
    CHECK_RC(dmfs_remove(fs, "/d"), DMFS_EISDIR);
    CHECK_RC(dmfs_remove(fs, "/"), DMFS_EISDIR);
    CHECK_RC(dmfs_remove(fs, "/nope"), DMFS_ENOENT);
    CHECK_RC(dmfs_remove(fs, "/h/x"), DMFS_ENOTDIR);
    CHECK_RC(dmfs_rmtree(fs, "/"), DMFS_EINVAL);
    CHECK_RC(dmfs_rmtree(fs, ""), DMFS_EINVAL);
    CHECK_RC(dmfs_rmtree(fs, "/h"), DMFS_ENOTDIR);
    CHECK_RC(dmfs_rmtree(fs, "/nope"), DMFS_ENOENT);
    dmfs_file *r = op(fs, "/d/e/f", "rb");
    CHECK_RC(dmfs_rmtree(fs, "/d"), DMFS_EBUSY);
    CHECK_RC(dmfs_remove(fs, "/d/e/f"), DMFS_EBUSY);
    CHECK(dmfs_exists(fs, "/d/g"));
    CHECK_OK(dmfs_close(r));
    uint64_t u = th_used(fs);
    CHECK_OK(dmfs_rmtree(fs, "/d"));
    CHECK_EQ_U64(th_used(fs), u - 133 - 129);
    CHECK(!dmfs_exists(fs, "/d"));
    dmfs_statsbuf s;
    CHECK_OK(dmfs_stats(fs, &s));
    CHECK_EQ_U64(s.file_count, 1);
    CHECK_EQ_U64(s.dir_count, 1);
    CHECK_OK(dmfs_remove(fs, "/h"));
    CHECK_EQ_U64(th_used(fs), 0);
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

/* ── §7.7 copy / copyTree ── */

TEST(copy_rules) {
    dmfs_fs *fs = newfs();
    th_put_str(fs, "/s", "source");
    th_put_str(fs, "/o", "o");
    th_put(fs, "/e", "", 0);
    CHECK_OK(dmfs_mkdir(fs, "/d", 0));
    CHECK_RC(dmfs_copy(fs, "/nope", "/c", 0), DMFS_ENOENT);
    CHECK_RC(dmfs_copy(fs, "/s/x", "/c", 0), DMFS_ENOTDIR);
    CHECK_RC(dmfs_copy(fs, "/d", "/c", 0), DMFS_EISDIR);
    CHECK_RC(dmfs_copy(fs, "/s", "/o", 0), DMFS_EEXIST);
    CHECK_RC(dmfs_copy(fs, "/s", "/s", 0), DMFS_EEXIST);
    CHECK_RC(dmfs_copy(fs, "/s", "/", 0), DMFS_EEXIST);
    CHECK_RC(dmfs_copy(fs, "/s", "/d", 0), DMFS_EEXIST);
    CHECK_RC(dmfs_copy(fs, "/s", "/x/c", 0), DMFS_ENOENT);
    CHECK_RC(dmfs_copy(fs, "/s", "/o/c", 0), DMFS_ENOTDIR);
    /* source open for reading can be copied at once; for writing → EAGAIN */
    dmfs_file *r = op(fs, "/s", "rb");
    CHECK_OK(dmfs_copy(fs, "/s", "/c1", 0));
    CHECK_OK(dmfs_close(r));
    dmfs_file *w = op(fs, "/s", "ab");
    CHECK_RC(dmfs_copy(fs, "/s", "/c2", 0), DMFS_EAGAIN);
    CHECK(!dmfs_exists(fs, "/c2"));
    CHECK_OK(dmfs_close(w));
    CHECK_CONTENT(fs, "/c1", "source");
    CHECK_EQ_U64(gen(fs, "/c1"), 1);
    CHECK_OK(dmfs_copy(fs, "/e", "/c3", 0));
    CHECK_EQ_U64(gen(fs, "/c3"), 0);
    /* independent */
    th_put_str(fs, "/s", "changed");
    CHECK_CONTENT(fs, "/c1", "source");
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

TEST(copytree_rules_and_snapshot) {
    dmfs_fs *fs = newfs();
    CHECK_OK(dmfs_mkdir(fs, "/a/b", 0));
    CHECK_OK(dmfs_mkdir(fs, "/a/empty", 0));
    th_put_str(fs, "/a/f", "ff");
    th_put_str(fs, "/a/b/g", "ggg");
    CHECK_RC(dmfs_copy_tree(fs, "/nope", "/z", 0), DMFS_ENOENT);
    CHECK_RC(dmfs_copy_tree(fs, "/a/f", "/z", 0), DMFS_ENOTDIR);
    CHECK_RC(dmfs_copy_tree(fs, "/a/f/q", "/z", 0), DMFS_ENOTDIR);
    CHECK_RC(dmfs_copy_tree(fs, "/a", "/a", 0), DMFS_EEXIST);
    CHECK_RC(dmfs_copy_tree(fs, "/a", "/a/f", 0), DMFS_EEXIST);
    CHECK_RC(dmfs_copy_tree(fs, "/a", "/x/y", 0), DMFS_ENOENT);
    CHECK_RC(dmfs_copy_tree(fs, "/a", "/a/f/y", 0), DMFS_ENOTDIR);
    dmfs_file *w = op(fs, "/a/b/g", "r+b");
    CHECK_RC(dmfs_copy_tree(fs, "/a", "/z", 0), DMFS_EAGAIN);
    CHECK(!dmfs_exists(fs, "/z"));
    CHECK_OK(dmfs_close(w));
    /* copyTree('/a', '/a/b/c') copies the tree as it was */
    CHECK_OK(dmfs_copy_tree(fs, "/a", "/a/b/c", 0));
    CHECK(dmfs_is_dir(fs, "/a/b/c/b"));
    CHECK(dmfs_is_dir(fs, "/a/b/c/empty"));
    CHECK(!dmfs_exists(fs, "/a/b/c/b/c"));
    CHECK_CONTENT(fs, "/a/b/c/b/g", "ggg");
    CHECK_EQ_U64(gen(fs, "/a/b/c/f"), 0);
    /* copyTree('/', '/backup') */
    dmfs_statsbuf s0, s1;
    CHECK_OK(dmfs_stats(fs, &s0));
    CHECK_OK(dmfs_copy_tree(fs, "/", "/backup", 0));
    CHECK_OK(dmfs_stats(fs, &s1));
    CHECK_EQ_U64(s1.file_count, 2 * s0.file_count);
    CHECK_EQ_U64(s1.dir_count, 2 * s0.dir_count); /* root's copy is /backup */
    CHECK(!dmfs_exists(fs, "/backup/backup"));
    CHECK_CONTENT(fs, "/backup/a/b/c/b/g", "ggg");
    const char *names[] = {"a", "backup"};
    check_list(fs, "/", names, 2);
    CHECK_EQ_U64(s1.used_bytes, 2 * s0.used_bytes);
    /* an rb handle does not block copyTree */
    dmfs_file *r = op(fs, "/a/f", "rb");
    CHECK_OK(dmfs_copy_tree(fs, "/a", "/a2", 0));
    CHECK_OK(dmfs_close(r));
    /* node limit for the whole subtree */
    dmfs_config c;
    dmfs_config_init(&c);
    c.max_nodes = 6;
    dmfs_fs *g = th_fs_cfg(&c);
    CHECK_OK(dmfs_mkdir(g, "/s/t", 0));
    th_put_str(g, "/s/f", "1");
    CHECK_NOSPC_NODES(dmfs_copy_tree(g, "/s", "/d", 0), 4, 6, 3, 2);
    CHECK(!dmfs_exists(g, "/d"));
    CHECK_OK(dmfs_destroy(g));
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

/* ── §9.3 import ── */

TEST(import_rules) {
    dmfs_fs *fs = newfs();
    CHECK_OK(dmfs_import(fs, NULL, 0));
    dmfs_entry e1[] = {{"/a", "1", 1}, {"a", "22", 2}, {"/x/../a", "333", 3}};
    CHECK_OK(dmfs_import(fs, e1, 3));
    CHECK_CONTENT(fs, "/a", "333");
    CHECK_EQ_U64(gen(fs, "/a"), 0);
    dmfs_entry e2[] = {{"/new/deep/path/file.bin", "x", 1}, {"../invalid", "y", 1}};
    CHECK_RC(dmfs_import(fs, e2, 2), DMFS_EINVAL);
    CHECK(!dmfs_exists(fs, "/new"));
    dmfs_entry e3[] = {{"/new/path/f.bin", "f", 1}};
    CHECK_OK(dmfs_import(fs, e3, 1));
    CHECK(dmfs_is_dir(fs, "/new/path"));
    dmfs_entry e4[] = {{"/", "x", 1}};
    CHECK_RC(dmfs_import(fs, e4, 1), DMFS_EISDIR);
    dmfs_entry e5[] = {{"/new", "x", 1}};
    CHECK_RC(dmfs_import(fs, e5, 1), DMFS_EISDIR);
    dmfs_entry e6[] = {{"/m/f", "x", 1}, {"/m", "y", 1}};
    CHECK_RC(dmfs_import(fs, e6, 2), DMFS_EISDIR);
    CHECK(!dmfs_exists(fs, "/m"));
    dmfs_entry e7[] = {{"/a/b", "x", 1}};
    CHECK_RC(dmfs_import(fs, e7, 1), DMFS_ENOTDIR);
    dmfs_entry e8[] = {{"/m", "x", 1}, {"/m/c", "y", 1}};
    CHECK_RC(dmfs_import(fs, e8, 2), DMFS_ENOTDIR);
    CHECK(!dmfs_exists(fs, "/m"));
    dmfs_file *r = op(fs, "/a", "rb");
    dmfs_entry e9[] = {{"/z", "z", 1}, {"/a", "busy", 4}};
    CHECK_RC(dmfs_import(fs, e9, 2), DMFS_EBUSY);
    CHECK(!dmfs_exists(fs, "/z"));
    CHECK_OK(dmfs_close(r));
    /* replaced keeps its place, generation reset to 0 */
    th_put_str(fs, "/a", "dirty"); /* wb on an existing file +1, the write +1 */
    CHECK_EQ_U64(gen(fs, "/a"), 2);
    dmfs_entry e10[] = {{"/a", "clean", 5}, {"/zz", "n", 1}};
    CHECK_OK(dmfs_import(fs, e10, 2));
    CHECK_EQ_U64(gen(fs, "/a"), 0);
    const char *names[] = {"a", "new", "zz"};
    check_list(fs, "/", names, 3);
    /* input buffers are copied */
    char buf[4] = "abc";
    dmfs_entry e11[] = {{"/cp", buf, 3}};
    CHECK_OK(dmfs_import(fs, e11, 1));
    buf[0] = 'X';
    CHECK_CONTENT(fs, "/cp", "abc");
    /* replacing needs no spare node */
    dmfs_config c;
    dmfs_config_init(&c);
    c.max_nodes = 2;
    dmfs_fs *g = th_fs_cfg(&c);
    dmfs_entry e12[] = {{"/only", "1", 1}};
    CHECK_OK(dmfs_import(g, e12, 1));
    CHECK_OK(dmfs_import(g, e12, 1));
    dmfs_entry e13[] = {{"/only", "1", 1}, {"/more", "1", 1}};
    CHECK_NOSPC_NODES(dmfs_import(g, e13, 2), 2, 2, 1, 0);
    CHECK_OK(dmfs_destroy(g));
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

/* ── §7.9 order ── */

TEST(insertion_order) {
    dmfs_fs *fs = newfs();
    th_put_str(fs, "/c", "");
    CHECK_OK(dmfs_mkdir(fs, "/a", 0));
    th_put_str(fs, "/b", "");
    CHECK_OK(dmfs_copy(fs, "/c", "/0", 0));
    CHECK_OK(dmfs_copy_tree(fs, "/a", "/aa", 0));
    CHECK_OK(dmfs_move(fs, "/b", "/b2"));
    const char *names[] = {"c", "a", "0", "aa", "b2"};
    check_list(fs, "/", names, 5);
    th_put_str(fs, "/c", "again"); /* wb keeps place */
    check_list(fs, "/", names, 5);
    CHECK_OK(dmfs_destroy(fs));
}

/* ── §7.10 generation and timestamps ── */

static int64_t fake_now;
static int fake_calls;
static int64_t fake_clock(void *ctx) {
    (void)ctx;
    __atomic_add_fetch(&fake_calls, 1, __ATOMIC_RELAXED);
    return __atomic_load_n(&fake_now, __ATOMIC_RELAXED);
}

TEST(generation_sequence) {
    dmfs_fs *fs = newfs();
    dmfs_file *f = NULL;
    CHECK_OK(dmfs_open(fs, "/g", "xb", 0, 0, &f));
    CHECK_EQ_U64(gen(fs, "/g"), 0);
    CHECK_RC(dmfs_write(f, "", 0), 0);
    CHECK_EQ_U64(gen(fs, "/g"), 0);
    CHECK_RC(dmfs_write(f, "ab", 2), 2);
    CHECK_EQ_U64(gen(fs, "/g"), 1);
    CHECK_RC(dmfs_truncate(f, 2), 2);
    CHECK_EQ_U64(gen(fs, "/g"), 1);
    CHECK_RC(dmfs_truncate(f, 1), 1);
    CHECK_EQ_U64(gen(fs, "/g"), 2);
    CHECK_OK(dmfs_close(f));
    f = op(fs, "/g", "wb");
    CHECK_OK(dmfs_close(f));
    CHECK_EQ_U64(gen(fs, "/g"), 3);
    f = op(fs, "/g", "wb");
    CHECK_OK(dmfs_close(f));
    CHECK_EQ_U64(gen(fs, "/g"), 4);
    f = op(fs, "/g", "ab");
    CHECK_OK(dmfs_close(f));
    CHECK_EQ_U64(gen(fs, "/g"), 4);
    CHECK_OK(dmfs_open(fs, "/g", "r+b", 10, 0, &f));
    CHECK_OK(dmfs_close(f));
    CHECK_EQ_U64(gen(fs, "/g"), 5);
    CHECK_OK(dmfs_rename(fs, "/g", "/g2"));
    CHECK_EQ_U64(gen(fs, "/g2"), 5);
    /* promotion: no extra bump */
    th_put_str(fs, "/p", "hello");
    f = op(fs, "/p", "r+b");
    CHECK_RC(dmfs_write(f, "X", 1), 1);
    CHECK_OK(dmfs_close(f));
    CHECK_EQ_U64(gen(fs, "/p"), 2);
    dmfs_statbuf st;
    CHECK_OK(dmfs_stat(fs, "/p", &st));
    CHECK_EQ_U64(st.size, 5);
    CHECK_OK(dmfs_destroy(fs));
}

TEST(timestamps_injected_clock) {
    dmfs_config c;
    dmfs_config_init(&c);
    c.clock_ms = fake_clock;
    fake_now = 1000000;
    dmfs_fs *fs = th_fs_cfg(&c);
    dmfs_statbuf st;
    CHECK_OK(dmfs_stat(fs, "/", &st));
    CHECK_EQ_INT(st.created_at, 1000000);
    dmfs_file *f = op(fs, "/t", "wb");
    CHECK_RC(dmfs_write(f, "initial", 7), 7);
    CHECK_OK(dmfs_close(f));
    CHECK_OK(dmfs_mkdir(fs, "/dir", 0));
    fake_now = 2000000;
    f = op(fs, "/t", "r+b");
    CHECK_RC(dmfs_write(f, "updated", 7), 7);
    CHECK_OK(dmfs_close(f));
    CHECK_OK(dmfs_stat(fs, "/t", &st));
    CHECK_EQ_INT(st.modified_at, 2000000);
    CHECK_EQ_INT(st.created_at, 1000000);
    CHECK_OK(dmfs_copy(fs, "/t", "/c", 0));
    CHECK_OK(dmfs_stat(fs, "/c", &st));
    CHECK_EQ_INT(st.created_at, 2000000);
    CHECK_EQ_INT(st.modified_at, 2000000);
    CHECK_EQ_U64(st.generation, 1);
    fake_now = 3000000;
    /* preallocation bumps generation, not modifiedAt */
    CHECK_OK(dmfs_open(fs, "/c", "r+b", 100, 0, &f));
    CHECK_OK(dmfs_close(f));
    CHECK_OK(dmfs_stat(fs, "/c", &st));
    CHECK_EQ_INT(st.modified_at, 2000000);
    CHECK_EQ_U64(st.generation, 2);
    /* wb on existing: +1 and now, even empty */
    f = op(fs, "/c", "wb");
    CHECK_OK(dmfs_close(f));
    CHECK_OK(dmfs_stat(fs, "/c", &st));
    CHECK_EQ_INT(st.modified_at, 3000000);
    CHECK_EQ_U64(st.generation, 3);
    /* rb / ab / r+b opens, zero write, same-size truncate change nothing */
    fake_now = 4000000;
    f = op(fs, "/c", "r+b");
    CHECK_RC(dmfs_write(f, "", 0), 0);
    CHECK_RC(dmfs_truncate(f, 0), 0);
    CHECK_OK(dmfs_close(f));
    CHECK_OK(dmfs_stat(fs, "/c", &st));
    CHECK_EQ_INT(st.modified_at, 3000000);
    /* directory timestamps never change */
    CHECK_OK(dmfs_stat(fs, "/dir", &st));
    CHECK_EQ_INT(st.created_at, 1000000);
    CHECK_EQ_INT(st.modified_at, 1000000);
    th_put_str(fs, "/dir/child", "x");
    CHECK_OK(dmfs_stat(fs, "/dir", &st));
    CHECK_EQ_INT(st.modified_at, 1000000);
    /* copyTree / import: generation 0, created = modified = now */
    CHECK_OK(dmfs_copy_tree(fs, "/dir", "/dir2", 0));
    CHECK_OK(dmfs_stat(fs, "/dir2/child", &st));
    CHECK_EQ_U64(st.generation, 0);
    CHECK_EQ_INT(st.created_at, 4000000);
    CHECK_EQ_INT(st.modified_at, 4000000);
    CHECK_OK(dmfs_stat(fs, "/dir2", &st));
    CHECK_EQ_INT(st.created_at, 4000000);
    /* the clock is read at most once per operation */
    fake_calls = 0;
    CHECK_OK(dmfs_mkdir(fs, "/m1/m2/m3", 0));
    CHECK(fake_calls <= 1);
    fake_calls = 0;
    dmfs_entry e[] = {{"/i/a", "1", 1}, {"/i/b", "2", 1}};
    CHECK_OK(dmfs_import(fs, e, 2));
    CHECK(fake_calls <= 1);
    CHECK_OK(dmfs_destroy(fs));
}

/* ── §8.3 conflict matrix on one thread ── */

TEST(conflict_matrix_single_thread) {
    dmfs_fs *fs = newfs();
    th_put_str(fs, "/f", "data");
    const char *ex[] = {"wb", "ab", "r+b"};
    dmfs_file *h = NULL, *g = NULL;
    /* held shared */
    h = op(fs, "/f", "rb");
    CHECK_OK(dmfs_open(fs, "/f", "rb", 0, 0, &g));
    CHECK_OK(dmfs_close(g));
    for (int i = 0; i < 3; i++) CHECK_RC(dmfs_open(fs, "/f", ex[i], 0, 0, &g), DMFS_EAGAIN);
    CHECK_RC(dmfs_open(fs, "/f", "xb", 0, 0, &g), DMFS_EEXIST);
    CHECK_RC(dmfs_remove(fs, "/f"), DMFS_EBUSY);
    CHECK_RC(dmfs_rename(fs, "/f", "/g"), DMFS_EBUSY);
    CHECK_RC(dmfs_move(fs, "/f", "/g"), DMFS_EBUSY);
    dmfs_entry e = {"/f", "x", 1};
    CHECK_RC(dmfs_import(fs, &e, 1), DMFS_EBUSY);
    CHECK_RC(dmfs_write_file(fs, "/f", "x", 1, 0), DMFS_EAGAIN);
    CHECK_OK(dmfs_close(h));
    /* held exclusive */
    for (int j = 0; j < 3; j++) {
        h = op(fs, "/f", ex[j]);
        CHECK_RC(dmfs_open(fs, "/f", "rb", 0, 0, &g), DMFS_EAGAIN);
        for (int i = 0; i < 3; i++) CHECK_RC(dmfs_open(fs, "/f", ex[i], 0, 0, &g), DMFS_EAGAIN);
        CHECK_RC(dmfs_open(fs, "/f", "xb", 0, 0, &g), DMFS_EEXIST);
        CHECK_RC(dmfs_remove(fs, "/f"), DMFS_EBUSY);
        CHECK_RC(dmfs_rmtree(fs, "/"), DMFS_EINVAL);
        uint8_t *d;
        size_t n;
        CHECK_RC(dmfs_read_file(fs, "/f", -1, 0, &d, &n), DMFS_EAGAIN);
        CHECK_RC(dmfs_copy(fs, "/f", "/c", 0), DMFS_EAGAIN);
        /* queries ignore file locks */
        dmfs_statbuf st;
        CHECK_OK(dmfs_stat(fs, "/f", &st));
        CHECK(dmfs_exists(fs, "/f"));
        CHECK_OK(dmfs_close(h));
    }
    /* a short positive timeout waits then EAGAIN */
    h = op(fs, "/f", "wb");
    int64_t t0 = th_now_ms();
    CHECK_RC(dmfs_open(fs, "/f", "rb", 0, 30, &g), DMFS_EAGAIN);
    CHECK(th_now_ms() - t0 >= 29);
    CHECK_OK(dmfs_close(h));
    /* default timeout −2 uses the fs default (set to 0 here) */
    dmfs_config c;
    dmfs_config_init(&c);
    c.default_lock_timeout_ms = 0;
    dmfs_fs *g2 = th_fs_cfg(&c);
    th_put_str(g2, "/f", "x");
    h = op(g2, "/f", "wb");
    t0 = th_now_ms();
    CHECK_RC(dmfs_open(g2, "/f", "rb", 0, DMFS_TIMEOUT_DEFAULT, &g), DMFS_EAGAIN);
    CHECK(th_now_ms() - t0 < 1000);
    CHECK_OK(dmfs_close(h));
    CHECK_OK(dmfs_destroy(g2));
    /* rmtree of a dir with an open file */
    CHECK_OK(dmfs_mkdir(fs, "/d", 0));
    th_put_str(fs, "/d/x", "1");
    h = op(fs, "/d/x", "rb");
    CHECK_RC(dmfs_rmtree(fs, "/d"), DMFS_EBUSY);
    CHECK_OK(dmfs_close(h));
    CHECK_OK(dmfs_rmtree(fs, "/d"));
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

TEST(stats_counts) {
    dmfs_fs *fs = newfs();
    dmfs_file *f = op(fs, "/a", "wb");
    CHECK_RC(dmfs_write(f, "1", 1), 1);
    CHECK_RC(dmfs_write(f, "2", 1), 1);
    CHECK_OK(dmfs_close(f));
    CHECK_OK(dmfs_mkdir(fs, "/d/e", 0));
    dmfs_statsbuf s;
    CHECK_OK(dmfs_stats(fs, &s));
    CHECK_EQ_U64(s.chunk_count, 2);
    CHECK_EQ_U64(s.file_count, 1);
    CHECK_EQ_U64(s.dir_count, 3);
    CHECK_EQ_U64(s.used_bytes, 258);
    CHECK_EQ_U64(s.free_bytes, (1 << 20) - 258);
    CHECK_OK(dmfs_destroy(fs));
}

TEST(glob_basic) {
    dmfs_fs *fs = newfs();
    CHECK_OK(dmfs_mkdir(fs, "/x/y", 0));
    th_put_str(fs, "/top.txt", "");
    th_put_str(fs, "/x/mid.txt", "");
    th_put_str(fs, "/x/y/deep.txt", "");
    dmfs_strlist *l;
    CHECK_OK(dmfs_glob(fs, "/**/*.txt", &l));
    CHECK_EQ_U64(l->count, 3);
    if (l->count == 3) {
        CHECK_STR(l->items[0], "/top.txt");
        CHECK_STR(l->items[1], "/x/mid.txt");
        CHECK_STR(l->items[2], "/x/y/deep.txt");
    }
    dmfs_strlist_free(l);
    CHECK_OK(dmfs_glob(fs, "/x/", &l));
    CHECK_EQ_U64(l->count, 1);
    dmfs_strlist_free(l);
    CHECK_RC(dmfs_glob(fs, "/a\xff", &l), DMFS_EINVAL);
    CHECK_OK(dmfs_destroy(fs));
}
