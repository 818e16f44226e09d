/* Check orders and edge cases across §2.1 (general order), §6, §7: node limit before bytes,
 * EBADF before value checks, storage kind after wb / write_file / import, deep trees. */
#include "harness.h"

static dmfs_file_info finfo(dmfs_fs *fs, const char *p) {
    dmfs_file_info i;
    memset(&i, 0, sizeof i);
    int rc = dmfs_debug_file_info(fs, p, &i);
    if (rc != 0) TH_FAILF("file_info %s: %s", p, dmfs_errname(rc));
    return i;
}

TEST(node_limit_before_bytes) {
    dmfs_config c;
    dmfs_config_init(&c);
    c.max_nodes = 3;
    c.max_quota = 10;
    dmfs_fs *fs = th_fs_cfg(&c);
    CHECK_OK(dmfs_mkdir(fs, "/d", 0));
    th_put(fs, "/e", "", 0);
    /* nodes full (3/3) and the bytes would not fit either: the node limit decides */
    dmfs_file *f = NULL;
    CHECK_NOSPC_NODES(dmfs_open(fs, "/n", "wb", 100, 0, &f), 3, 3, 1, 0);
    CHECK_NOSPC_NODES(dmfs_write_file(fs, "/n", "0123456789ABCDEF", 16, 0), 3, 3, 1, 0);
    CHECK_NOSPC_NODES(dmfs_copy(fs, "/e", "/n", 0), 3, 3, 1, 0);
    dmfs_entry e = {"/n", "0123456789ABCDEF", 16};
    CHECK_NOSPC_NODES(dmfs_import(fs, &e, 1), 3, 3, 1, 0);
    CHECK_NOSPC_NODES(dmfs_copy_tree(fs, "/d", "/d2", 0), 3, 3, 1, 0);
    /* replacing an existing file needs no node, only bytes */
    CHECK_NOSPC(dmfs_write_file(fs, "/e", "0123456789ABCDEF", 16, 0), 144, 10);
    CHECK_OK(dmfs_write_file(fs, "/e", "", 0, 0));
    CHECK_OK(dmfs_remove(fs, "/e"));
    CHECK_NOSPC(dmfs_open(fs, "/n", "wb", 100, 0, &f), 228, 10);
    CHECK(!dmfs_exists(fs, "/n"));
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

TEST(handle_check_order) {
    dmfs_fs *fs = th_fs_quota(1 << 20);
    th_put_str(fs, "/f", "abc");
    dmfs_file *r = NULL, *w = NULL;
    CHECK_OK(dmfs_open(fs, "/f", "rb", 0, 0, &r));
    char b[4];
    CHECK_RC(dmfs_write(r, "", 0), DMFS_EBADF);      /* rb before the zero-byte rule */
    CHECK_RC(dmfs_truncate(r, -1), DMFS_EBADF);      /* rb before the value check */
    CHECK_RC(dmfs_truncate(r, (int64_t)DMFS_MAX_SAFE + 1), DMFS_EBADF);
    CHECK_RC(dmfs_seek(r, 0, 2), 3);                 /* seeking works in rb */
    CHECK_OK(dmfs_close(r));
    CHECK_OK(dmfs_open(fs, "/w", "wb", 0, 0, &w));
    CHECK_RC(dmfs_read(w, b, 0), DMFS_EBADF);
    CHECK_RC(dmfs_truncate(w, -1), DMFS_EINVAL);
    CHECK_RC(dmfs_truncate(w, (int64_t)DMFS_MAX_SAFE + 1), DMFS_EFBIG);
    CHECK_RC(dmfs_truncate(w, INT64_MAX), DMFS_EFBIG);
    CHECK_OK(dmfs_close(w));
    CHECK_OK(dmfs_destroy(fs));
}

TEST(efbig_before_enotsup_and_enospc) {
    dmfs_config c;
    dmfs_config_init(&c);
    c.default_storage = DMFS_STORAGE_SEQUENTIAL;
    c.max_quota = 10;
    dmfs_fs *fs = th_fs_cfg(&c);
    dmfs_file *f = NULL;
    CHECK_OK(dmfs_open(fs, "/f", "wb", 0, 0, &f));
    CHECK_RC(dmfs_seek(f, (int64_t)DMFS_MAX_SAFE - 1, DMFS_SEEK_SET), (int64_t)DMFS_MAX_SAFE - 1);
    CHECK_RC(dmfs_write(f, "ab", 2), DMFS_EFBIG);   /* end = MAX_SAFE + 1 */
    CHECK_RC(dmfs_write(f, "a", 1), DMFS_ENOTSUP);  /* end = MAX_SAFE: not at end → ENOTSUP */
    CHECK_RC(dmfs_seek(f, 0, DMFS_SEEK_SET), 0);
    CHECK_RC(dmfs_write(f, "0123456789", 10), DMFS_ENOSPC);
    CHECK_OK(dmfs_close(f));
    CHECK_EQ_INT(dmfs_get_size(fs, "/f"), 0);
    CHECK_OK(dmfs_destroy(fs));
}

TEST(storage_after_wb_write_file_import) {
    dmfs_fs *fs = th_fs_quota(1 << 20);
    th_put_str(fs, "/p", "hello");
    dmfs_file *f = NULL;
    CHECK_OK(dmfs_open(fs, "/p", "r+b", 0, 0, &f));
    CHECK_RC(dmfs_write(f, "H", 1), 1);
    CHECK_OK(dmfs_close(f));
    CHECK_EQ_INT(finfo(fs, "/p").storage, DMFS_STORAGE_RANDOM_ACCESS);
    /* reopening with wb keeps the file random-access (§6.3) */
    CHECK_OK(dmfs_open(fs, "/p", "wb", 0, 0, &f));
    CHECK_EQ_INT(finfo(fs, "/p").storage, DMFS_STORAGE_RANDOM_ACCESS);
    CHECK_RC(dmfs_write(f, "abc", 3), 3);
    CHECK_RC(dmfs_truncate(f, 0), 0);
    CHECK_EQ_INT(finfo(fs, "/p").storage, DMFS_STORAGE_RANDOM_ACCESS);
    CHECK_RC(dmfs_write(f, "xyz", 3), 3);
    CHECK_OK(dmfs_close(f));
    CHECK_EQ_U64(th_used(fs), 3);
    /* write_file stores one chunk of the default storage: sequential again under auto */
    CHECK_OK(dmfs_write_file(fs, "/p", "12345", 5, 0));
    dmfs_file_info i = finfo(fs, "/p");
    CHECK_EQ_INT(i.storage, DMFS_STORAGE_SEQUENTIAL);
    CHECK_EQ_U64(i.chunks, 1);
    CHECK_EQ_U64(th_used(fs), 133);
    /* import too */
    CHECK_OK(dmfs_open(fs, "/p", "r+b", 0, 0, &f));
    CHECK_RC(dmfs_write(f, "X", 1), 1);
    CHECK_OK(dmfs_close(f));
    CHECK_EQ_U64(th_used(fs), 5);
    dmfs_entry e = {"/p", "abcdefg", 7};
    CHECK_OK(dmfs_import(fs, &e, 1));
    CHECK_EQ_INT(finfo(fs, "/p").storage, DMFS_STORAGE_SEQUENTIAL);
    CHECK_EQ_U64(th_used(fs), 135);
    /* empty write_file: usage 0, no chunk */
    CHECK_OK(dmfs_write_file(fs, "/p", "", 0, 0));
    CHECK_EQ_U64(finfo(fs, "/p").chunks, 0);
    CHECK_EQ_U64(th_used(fs), 0);
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

TEST(truncate_timestamps_and_cursor) {
    static int64_t now = 5000;
    dmfs_config c;
    dmfs_config_init(&c);
    c.clock_ms = NULL;
    dmfs_fs *fs = th_fs_cfg(&c);
    (void)now;
    dmfs_file *f = NULL;
    CHECK_OK(dmfs_open(fs, "/t", "wb", 0, 0, &f));
    CHECK_RC(dmfs_write(f, "0123456789", 10), 10);
    CHECK_RC(dmfs_seek(f, 4, DMFS_SEEK_SET), 4);
    CHECK_RC(dmfs_truncate(f, 8), 8);
    CHECK_EQ_INT(dmfs_tell(f), 4); /* cursor not beyond: stays */
    CHECK_RC(dmfs_truncate(f, 20), 20);
    CHECK_EQ_INT(dmfs_tell(f), 4);
    CHECK_OK(dmfs_close(f));
    size_t n;
    uint8_t *d = th_get(fs, "/t", &n);
    CHECK_EQ_U64(n, 20);
    CHECK(memcmp(d, "01234567\0\0\0\0\0\0\0\0\0\0\0\0", 20) == 0);
    dmfs_free(d);
    /* §6.2: truncate up adds one chunk, shrink compacts to one chunk */
    CHECK_EQ_U64(finfo(fs, "/t").chunks, 2);
    CHECK_EQ_U64(th_used(fs), 20 + 2 * 128);
    CHECK_OK(dmfs_destroy(fs));
}

/* Depth is limited only by the 4096-byte path: 2048 levels of "/a". */
TEST(deep_tree_iterative) {
    dmfs_fs *fs = th_fs_quota(1 << 20);
    static char p[DMFS_PATH_MAX + 8];
    size_t k = 0;
    for (int i = 0; i < 2047; i++) {
        p[k++] = '/';
        p[k++] = 'a';
    }
    p[k] = 0; /* 4094 bytes */
    CHECK_OK(dmfs_mkdir(fs, p, 0));
    strcpy(p + k, "/f"); /* 4096 */
    th_put_str(fs, p, "deep");
    CHECK_CONTENT(fs, p, "deep");
    dmfs_statsbuf s;
    CHECK_OK(dmfs_stats(fs, &s));
    CHECK_EQ_U64(s.dir_count, 2048);
    CHECK_INVARIANTS(fs);
    /* walk visits every level */
    dmfs_walk *w = NULL;
    CHECK_OK(dmfs_walk_open(fs, "/", &w));
    dmfs_walk_entry e;
    int levels = 0, rc;
    while ((rc = dmfs_walk_next(w, &e)) == 1) levels++;
    CHECK_EQ_INT(rc, 0);
    CHECK_EQ_INT(levels, 2048);
    CHECK_OK(dmfs_walk_close(w));
    /* glob, export */
    dmfs_strlist *l = NULL;
    CHECK_OK(dmfs_glob(fs, "/**/f", &l));
    CHECK_EQ_U64(l->count, 1);
    dmfs_strlist_free(l);
    dmfs_export *x = NULL;
    CHECK_OK(dmfs_export_open(fs, "/", 0, 0, &x));
    const char *pp;
    const uint8_t *dd;
    size_t nn;
    CHECK_RC(dmfs_export_next(x, &pp, &dd, &nn), 1);
    CHECK_EQ_U64(strlen(pp), 4096);
    CHECK_OK(dmfs_export_close(x));
    /* a copy one level shorter fits; one that would pass 4096 bytes does not */
    CHECK_RC(dmfs_copy_tree(fs, "/a", "/bb", 0), DMFS_ENAMETOOLONG);
    CHECK_OK(dmfs_copy_tree(fs, "/a", "/b", 0));
    CHECK_OK(dmfs_stats(fs, &s));
    CHECK_EQ_U64(s.dir_count, 4095);
    CHECK_EQ_U64(s.file_count, 2);
    CHECK_RC(dmfs_move(fs, "/b", "/a/b"), DMFS_ENAMETOOLONG);
    CHECK_RC(dmfs_rename(fs, "/b", "/cc"), DMFS_ENAMETOOLONG);
    CHECK_OK(dmfs_rename(fs, "/b", "/c"));
    CHECK_OK(dmfs_rmtree(fs, "/a"));
    CHECK_OK(dmfs_rmtree(fs, "/c"));
    CHECK_OK(dmfs_stats(fs, &s));
    CHECK_EQ_U64(s.dir_count, 1);
    CHECK_EQ_U64(s.used_bytes, 0);
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

TEST(timeouts_below_minus_two) {
    dmfs_fs *fs = th_fs_quota(1 << 20);
    th_put_str(fs, "/f", "x");
    CHECK_OK(dmfs_mkdir(fs, "/d", 0));
    dmfs_file *f = NULL;
    uint8_t *d;
    size_t n;
    dmfs_export *x;
    CHECK_RC(dmfs_open(fs, "/new", "wb", 0, -3, &f), DMFS_EINVAL);
    CHECK(!dmfs_exists(fs, "/new"));
    CHECK_RC(dmfs_read_file(fs, "/f", -1, INT64_MIN, &d, &n), DMFS_EINVAL);
    CHECK_RC(dmfs_write_file(fs, "/f", "y", 1, -3), DMFS_EINVAL);
    CHECK_RC(dmfs_copy(fs, "/f", "/c", -3), DMFS_EINVAL);
    CHECK_RC(dmfs_copy_tree(fs, "/d", "/e", -3), DMFS_EINVAL);
    CHECK_RC(dmfs_export_open(fs, "/", 0, -3, &x), DMFS_EINVAL);
    CHECK(!dmfs_exists(fs, "/c"));
    CHECK(!dmfs_exists(fs, "/e"));
    CHECK_CONTENT(fs, "/f", "x");
    /* −1 and −2 are valid and uncontended locks are granted at once */
    CHECK_OK(dmfs_open(fs, "/f", "rb", 0, DMFS_WAIT_FOREVER, &f));
    CHECK_OK(dmfs_close(f));
    CHECK_OK(dmfs_open(fs, "/f", "rb", 0, DMFS_TIMEOUT_DEFAULT, &f));
    CHECK_OK(dmfs_close(f));
    CHECK_OK(dmfs_destroy(fs));
}

TEST(xb_eexist_when_locked_and_with_preallocate) {
    dmfs_fs *fs = th_fs_quota(1 << 20);
    th_put_str(fs, "/f", "x");
    dmfs_file *h = NULL, *g = NULL;
    CHECK_OK(dmfs_open(fs, "/f", "wb", 0, 0, &h));
    int64_t t0 = th_now_ms();
    CHECK_RC(dmfs_open(fs, "/f", "xb", 5, 1000, &g), DMFS_EEXIST); /* at once, not after 1 s */
    CHECK(th_now_ms() - t0 < 500);
    CHECK_OK(dmfs_close(h));
    CHECK_OK(dmfs_destroy(fs));
}

TEST(rename_moves_last_and_across) {
    dmfs_fs *fs = th_fs_quota(1 << 20);
    CHECK_OK(dmfs_mkdir(fs, "/x", 0));
    CHECK_OK(dmfs_mkdir(fs, "/y", 0));
    th_put_str(fs, "/x/1", "1");
    th_put_str(fs, "/x/2", "2");
    th_put_str(fs, "/y/3", "3");
    CHECK_OK(dmfs_rename(fs, "/x/1", "/y/1"));
    dmfs_strlist *l = NULL;
    CHECK_OK(dmfs_listdir(fs, "/y", &l));
    CHECK_EQ_U64(l->count, 2);
    CHECK_STR(l->items[1], "1");
    dmfs_strlist_free(l);
    /* a directory with an rb handle somewhere below is busy for rename and move */
    dmfs_file *r = NULL;
    CHECK_OK(dmfs_open(fs, "/y/3", "rb", 0, 0, &r));
    CHECK_RC(dmfs_rename(fs, "/y", "/z"), DMFS_EBUSY);
    CHECK_RC(dmfs_move(fs, "/y", "/q/z"), DMFS_EBUSY);
    CHECK(!dmfs_exists(fs, "/q"));
    CHECK_OK(dmfs_rename(fs, "/x", "/z")); /* unrelated subtree works */
    CHECK_OK(dmfs_close(r));
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

TEST(copy_tree_waits_for_all_sources) {
    /* single-thread: with one source locked exclusively, a positive timeout expires → EAGAIN
     * after about that long, nothing attached */
    dmfs_fs *fs = th_fs_quota(1 << 20);
    CHECK_OK(dmfs_mkdir(fs, "/s/t", 0));
    th_put_str(fs, "/s/a", "a");
    th_put_str(fs, "/s/t/b", "b");
    dmfs_file *w = NULL;
    CHECK_OK(dmfs_open(fs, "/s/t/b", "ab", 0, 0, &w));
    int64_t t0 = th_now_ms();
    CHECK_RC(dmfs_copy_tree(fs, "/s", "/d", 40), DMFS_EAGAIN);
    int64_t el = th_now_ms() - t0;
    CHECK(el >= 39);
    CHECK(el < 1000);
    CHECK(!dmfs_exists(fs, "/d"));
    /* the other source is not left locked */
    dmfs_file *g = NULL;
    CHECK_OK(dmfs_open(fs, "/s/a", "wb", 0, 0, &g));
    CHECK_OK(dmfs_close(g));
    CHECK_OK(dmfs_close(w));
    CHECK_OK(dmfs_copy_tree(fs, "/s", "/d", 0));
    CHECK_CONTENT(fs, "/d/t/b", "b");
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

TEST(dotdot_is_textual) {
    dmfs_fs *fs = th_fs_quota(1 << 20);
    th_put_str(fs, "/f", "x");
    th_put_str(fs, "/f/../g", "g"); /* /g, even though /f is a file */
    CHECK_CONTENT(fs, "/g", "g");
    CHECK(dmfs_exists(fs, "/f/../g"));
    CHECK(dmfs_is_file(fs, "\\g"));
    CHECK(dmfs_is_dir(fs, "//"));
    CHECK_OK(dmfs_destroy(fs));
}

TEST(check_order_paths_source_first) {
    dmfs_fs *fs = th_fs_quota(1 << 20);
    th_put_str(fs, "/ok", "x");
    char longp[300];
    longp[0] = '/';
    memset(longp + 1, 'x', 256);
    longp[257] = 0;
    /* normalization of every path (source first) comes before the operation's own checks */
    CHECK_RC(dmfs_rename(fs, longp, "/.."), DMFS_ENAMETOOLONG);
    CHECK_RC(dmfs_rename(fs, "/..", longp), DMFS_EINVAL);
    CHECK_RC(dmfs_rename(fs, "/nope", "/.."), DMFS_EINVAL);
    CHECK_RC(dmfs_move(fs, "/nope", longp), DMFS_ENAMETOOLONG);
    CHECK_RC(dmfs_copy(fs, "/nope", "/..", 0), DMFS_EINVAL);
    CHECK_RC(dmfs_copy_tree(fs, "/nope", "/a\xff", 0), DMFS_EINVAL);
    CHECK_RC(dmfs_rename(fs, "/", "/.."), DMFS_EINVAL);
    CHECK_RC(dmfs_mkdir(fs, longp, 1), DMFS_ENAMETOOLONG);
    CHECK_RC(dmfs_rmtree(fs, "/.."), DMFS_EINVAL);
    CHECK_RC(dmfs_remove(fs, longp), DMFS_ENAMETOOLONG);
    CHECK_RC(dmfs_get_size(fs, "/"), DMFS_EISDIR);
    dmfs_file *f = NULL;
    CHECK_RC(dmfs_open(fs, "/", "wb", 1 << 30, 0, &f), DMFS_EISDIR); /* before the quota */
    /* import keys: the first failing key decides */
    dmfs_entry e1[] = {{longp, "1", 1}, {"/..", "2", 1}};
    CHECK_RC(dmfs_import(fs, e1, 2), DMFS_ENAMETOOLONG);
    dmfs_entry e2[] = {{"/a\xff", "1", 1}, {longp, "2", 1}};
    CHECK_RC(dmfs_import(fs, e2, 2), DMFS_EINVAL);
    /* then each entry in order: busy before a later directory target, and vice versa */
    CHECK_OK(dmfs_mkdir(fs, "/d", 0));
    dmfs_file *r = NULL;
    CHECK_OK(dmfs_open(fs, "/ok", "rb", 0, 0, &r));
    dmfs_entry e3[] = {{"/ok", "1", 1}, {"/d", "2", 1}};
    CHECK_RC(dmfs_import(fs, e3, 2), DMFS_EBUSY);
    dmfs_entry e4[] = {{"/d", "1", 1}, {"/ok", "2", 1}};
    CHECK_RC(dmfs_import(fs, e4, 2), DMFS_EISDIR);
    /* structural errors of entries come before node limit and quota */
    dmfs_entry e5[] = {{"/huge", NULL, 0}, {"/ok/x", "2", 1}};
    e5[0].data = "";
    CHECK_RC(dmfs_import(fs, e5, 2), DMFS_ENOTDIR);
    CHECK(!dmfs_exists(fs, "/huge"));
    CHECK_OK(dmfs_close(r));
    CHECK_CONTENT(fs, "/ok", "x");
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

TEST(glob_pattern_limits) {
    dmfs_fs *fs = th_fs_quota(1 << 20);
    static char pat[DMFS_PATH_MAX + 16];
    pat[0] = '/';
    memset(pat + 1, '*', DMFS_PATH_MAX);
    pat[DMFS_PATH_MAX + 1] = 0; /* 4097 bytes */
    dmfs_strlist *l = NULL;
    CHECK_RC(dmfs_glob(fs, pat, &l), DMFS_ENAMETOOLONG);
    CHECK(l == NULL);
    CHECK_OK(dmfs_glob(fs, "/", &l));
    CHECK_EQ_U64(l->count, 0);
    dmfs_strlist_free(l);
    th_put_str(fs, "/.hidden", "");
    CHECK_OK(dmfs_glob(fs, "*", &l)); /* a bare star is rooted and matches a leading dot */
    CHECK_EQ_U64(l->count, 1);
    if (l->count == 1) CHECK_STR(l->items[0], "/.hidden");
    dmfs_strlist_free(l);
    CHECK_OK(dmfs_destroy(fs));
}

TEST(last_error_enomem_kind_none) {
    dmfs_fs *fs = th_fs_quota(1 << 20);
    int rc = 0;
    for (uint64_t n = 1; n < 50; n++) {
        dmfs_debug_fail_alloc(n);
        rc = dmfs_mkdir(fs, "/a/b/c", 0);
        dmfs_debug_fail_alloc(0);
        if (rc == DMFS_ENOMEM) break;
    }
    CHECK_RC(rc, DMFS_ENOMEM);
    CHECK_EQ_INT(dmfs_last_error()->code, DMFS_ENOMEM);
    CHECK_EQ_INT(dmfs_last_error()->kind, DMFS_KIND_NONE);
    CHECK_OK(dmfs_destroy(fs));
}

TEST(promotion_hard_limit_before_quota) {
    dmfs_config c;
    dmfs_config_init(&c);
    c.promotion_hard_limit = 10;
    c.max_quota = 11 + 128 + 5; /* free 5 < 11: the quota would also refuse */
    dmfs_fs *fs = th_fs_cfg(&c);
    th_put(fs, "/f", "0123456789A", 11);
    dmfs_file *f = NULL;
    CHECK_OK(dmfs_open(fs, "/f", "r+b", 0, 0, &f));
    CHECK_RC(dmfs_write(f, "x", 1), DMFS_ENOTSUP); /* step 1 of §6.4 comes first */
    CHECK_OK(dmfs_close(f));
    CHECK_EQ_U64(th_used(fs), 139);
    CHECK_OK(dmfs_destroy(fs));
}

TEST(import_empty_and_duplicates) {
    dmfs_config c;
    dmfs_config_init(&c);
    c.max_nodes = 3;
    dmfs_fs *fs = th_fs_cfg(&c);
    /* three keys naming one file: one node, last value */
    dmfs_entry e[] = {{"/a/x", "1", 1}, {"a/x", "22", 2}, {"/a/./x", "", 0}};
    CHECK_OK(dmfs_import(fs, e, 3));
    CHECK_CONTENT(fs, "/a/x", "");
    dmfs_file_info fi;
    CHECK_OK(dmfs_debug_file_info(fs, "/a/x", &fi));
    CHECK_EQ_U64(fi.chunks, 0);
    CHECK_EQ_U64(th_used(fs), 0);
    dmfs_statsbuf s;
    CHECK_OK(dmfs_stats(fs, &s));
    CHECK_EQ_U64(s.file_count, 1);
    CHECK_EQ_U64(s.dir_count, 2);
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

/* A directory's index shrinks as it empties (bench memory bound: an emptied directory keeps
 * no memory of its largest size); a rename inside a shrinking directory cannot fail on it. */
TEST(directory_index_shrinks_after_removals) {
    dmfs_fs *fs = th_fs_quota(64u << 20);
    CHECK_OK(dmfs_mkdir(fs, "/d", 0));
    uint64_t h0 = dmfs_debug_heap_bytes();
    char p[32], q[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(p, sizeof p, "/d/f%05d", i);
        CHECK_OK(dmfs_mkdir(fs, p, 0));
    }
    uint64_t full = dmfs_debug_heap_bytes();
    for (int i = 0; i < 5000; i++) {
        snprintf(p, sizeof p, "/d/f%05d", i);
        CHECK_OK(dmfs_rmtree(fs, p));
    }
    /* only the smallest index remains: 8 pointers (the C library may round the block up) */
    CHECK(dmfs_debug_heap_bytes() < h0 + 16 * sizeof(void *));
    CHECK(full - h0 > 5000 * sizeof(void *));
    CHECK_INVARIANTS(fs);

    /* 100 children (index of 256), then down to 32: the rename's detach leaves 31 and
     * shrinks. With that allocation failing the rename still succeeds on the old index. */
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 100; i++) {
            snprintf(p, sizeof p, "/d/g%03d", i);
            th_put_str(fs, p, "x");
        }
        for (int i = 32; i < 100; i++) {
            snprintf(p, sizeof p, "/d/g%03d", i);
            CHECK_OK(dmfs_remove(fs, p));
        }
        uint64_t before = dmfs_debug_heap_bytes();
        if (round == 1) dmfs_debug_fail_alloc(2); /* 1: the new name, 2: the smaller index */
        CHECK_OK(dmfs_rename(fs, "/d/g000", "/d/renamed"));
        dmfs_debug_fail_alloc(0);
        if (round == 0) CHECK(dmfs_debug_heap_bytes() < before);
        else CHECK(dmfs_debug_heap_bytes() >= before);
        CHECK_INVARIANTS(fs);
        CHECK_EQ_INT(dmfs_exists(fs, "/d/renamed"), 1);
        CHECK_EQ_INT(dmfs_exists(fs, "/d/g000"), 0);
        for (int i = 1; i < 32; i++) {
            snprintf(q, sizeof q, "/d/g%03d", i);
            CHECK_EQ_INT(dmfs_is_file(fs, q), 1);
        }
        CHECK_OK(dmfs_rmtree(fs, "/d"));
        CHECK_OK(dmfs_mkdir(fs, "/d", 0));
    }
    CHECK_OK(dmfs_destroy(fs));
}
