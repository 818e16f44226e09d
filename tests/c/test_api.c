/* API surface: config validation, error table, NULL pointers, normalization, ownership,
 * iterators (SPEC §3, §4, §5.1, §7.8, §9.1, §9.2, §10). */
#include "harness.h"

TEST(config_defaults) {
    dmfs_config c;
    memset(&c, 0xAB, sizeof c);
    dmfs_config_init(&c);
    CHECK_EQ_U64(c.max_quota, 268435456ull);
    CHECK_EQ_U64(c.max_nodes, DMFS_UNLIMITED);
    CHECK_EQ_INT(c.default_storage, DMFS_STORAGE_AUTO);
    CHECK_EQ_U64(c.promotion_hard_limit, 536870912ull);
    CHECK_EQ_U64(c.chunk_overhead, 128);
    CHECK_EQ_INT(c.default_lock_timeout_ms, 30000);
    CHECK(c.clock_ms == NULL);
    dmfs_fs *fs = NULL;
    CHECK_OK(dmfs_create(NULL, &fs));
    dmfs_statsbuf s;
    CHECK_OK(dmfs_stats(fs, &s));
    CHECK_EQ_U64(s.used_bytes, 0);
    CHECK_EQ_U64(s.quota_bytes, 268435456ull);
    CHECK_EQ_U64(s.free_bytes, 268435456ull);
    CHECK_EQ_U64(s.file_count, 0);
    CHECK_EQ_U64(s.dir_count, 1);
    CHECK_EQ_U64(s.chunk_count, 0);
    CHECK_EQ_U64(s.overhead_per_chunk, 128);
    CHECK_OK(dmfs_destroy(fs));
}

TEST(config_stats_new_fs_1mib) {
    dmfs_fs *fs = th_fs_quota(1048576);
    dmfs_statsbuf s;
    CHECK_OK(dmfs_stats(fs, &s));
    CHECK_EQ_U64(s.used_bytes, 0);
    CHECK_EQ_U64(s.quota_bytes, 1048576);
    CHECK_EQ_U64(s.free_bytes, 1048576);
    CHECK_EQ_U64(s.file_count, 0);
    CHECK_EQ_U64(s.dir_count, 1);
    CHECK_EQ_U64(s.chunk_count, 0);
    CHECK_EQ_U64(s.overhead_per_chunk, 128);
    CHECK_OK(dmfs_destroy(fs));
}

static int try_create(void (*mut)(dmfs_config *)) {
    dmfs_config c;
    dmfs_config_init(&c);
    mut(&c);
    dmfs_fs *fs = (dmfs_fs *)(uintptr_t)0x1; /* must not be taken as a result */
    int rc = dmfs_create(&c, &fs);
    if (rc == 0) dmfs_destroy(fs);
    return rc;
}
static void m_quota_big(dmfs_config *c) { c->max_quota = DMFS_MAX_SAFE + 1; }
static void m_quota_max(dmfs_config *c) { c->max_quota = UINT64_MAX; }
static void m_quota_safe(dmfs_config *c) { c->max_quota = DMFS_MAX_SAFE; }
static void m_quota_zero(dmfs_config *c) { c->max_quota = 0; }
static void m_nodes_big(dmfs_config *c) { c->max_nodes = DMFS_MAX_SAFE + 1; }
static void m_nodes_safe(dmfs_config *c) { c->max_nodes = DMFS_MAX_SAFE; }
static void m_nodes_one(dmfs_config *c) { c->max_nodes = 1; }
static void m_ov_big(dmfs_config *c) { c->chunk_overhead = DMFS_MAX_SAFE + 1; }
static void m_ov_zero(dmfs_config *c) { c->chunk_overhead = 0; }
static void m_phl_big(dmfs_config *c) { c->promotion_hard_limit = UINT64_MAX; }
static void m_phl_zero(dmfs_config *c) { c->promotion_hard_limit = 0; }
static void m_storage_bad(dmfs_config *c) { c->default_storage = 3; }
static void m_storage_neg(dmfs_config *c) { c->default_storage = -1; }
static void m_storage_seq(dmfs_config *c) { c->default_storage = DMFS_STORAGE_SEQUENTIAL; }
static void m_storage_ra(dmfs_config *c) { c->default_storage = DMFS_STORAGE_RANDOM_ACCESS; }
static void m_to_m5(dmfs_config *c) { c->default_lock_timeout_ms = -5; }
static void m_to_m2(dmfs_config *c) { c->default_lock_timeout_ms = -2; }
static void m_to_m1(dmfs_config *c) { c->default_lock_timeout_ms = -1; }
static void m_to_0(dmfs_config *c) { c->default_lock_timeout_ms = 0; }
static void m_to_big(dmfs_config *c) { c->default_lock_timeout_ms = (int64_t)DMFS_MAX_SAFE + 1; }

TEST(config_validation) {
    uint64_t h0 = dmfs_debug_heap_bytes();
    CHECK_RC(try_create(m_quota_big), DMFS_EINVAL);
    CHECK_RC(try_create(m_quota_max), DMFS_EINVAL);
    CHECK_RC(try_create(m_nodes_big), DMFS_EINVAL);
    CHECK_RC(try_create(m_ov_big), DMFS_EINVAL);
    CHECK_RC(try_create(m_phl_big), DMFS_EINVAL);
    CHECK_RC(try_create(m_storage_bad), DMFS_EINVAL);
    CHECK_RC(try_create(m_storage_neg), DMFS_EINVAL);
    CHECK_RC(try_create(m_to_m5), DMFS_EINVAL);
    /* −2 is "the filesystem default" for calls, not a valid default itself (< −1). */
    CHECK_RC(try_create(m_to_m2), DMFS_EINVAL);
    CHECK_RC(try_create(m_to_big), DMFS_EINVAL);
    CHECK_EQ_U64(dmfs_debug_heap_bytes(), h0); /* nothing created */
    CHECK_OK(try_create(m_quota_safe));
    CHECK_OK(try_create(m_quota_zero));
    CHECK_OK(try_create(m_nodes_safe));
    CHECK_OK(try_create(m_nodes_one));
    CHECK_OK(try_create(m_ov_zero));
    CHECK_OK(try_create(m_phl_zero));
    CHECK_OK(try_create(m_storage_seq));
    CHECK_OK(try_create(m_storage_ra));
    CHECK_OK(try_create(m_to_m1));
    CHECK_OK(try_create(m_to_0));
    CHECK_EQ_U64(dmfs_debug_heap_bytes(), h0);
    CHECK_RC(dmfs_create(NULL, NULL), DMFS_EINVAL);
    dmfs_config c;
    dmfs_config_init(&c);
    CHECK_RC(dmfs_create(&c, NULL), DMFS_EINVAL);
}

TEST(config_max_nodes_zero) {
    dmfs_config c;
    dmfs_config_init(&c);
    c.max_nodes = 0;
    dmfs_fs *fs = NULL;
    CHECK_NOSPC_NODES(dmfs_create(&c, &fs), 0, 0, 1, 0);
    CHECK(fs == NULL);
}

TEST(max_nodes_one_every_create_fails) {
    dmfs_config c;
    dmfs_config_init(&c);
    c.max_nodes = 1;
    dmfs_fs *fs = th_fs_cfg(&c);
    dmfs_file *f = NULL;
    CHECK_NOSPC_NODES(dmfs_open(fs, "/a", "wb", 0, 0, &f), 1, 1, 1, 0);
    CHECK_NOSPC_NODES(dmfs_mkdir(fs, "/d", 0), 1, 1, 1, 0);
    dmfs_entry e = {"/x", "1", 1};
    CHECK_NOSPC_NODES(dmfs_import(fs, &e, 1), 1, 1, 1, 0);
    CHECK_NOSPC_NODES(dmfs_write_file(fs, "/w", "1", 1, 0), 1, 1, 1, 0);
    CHECK_OK(dmfs_mkdir(fs, "/", 1));
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

TEST(error_table) {
    static const struct {
        const char *name;
        int value;
        const char *msg;
    } rows[] = {
        {"OK", 0, "success"},
        {"ENOENT", -2, "no such file or directory"},
        {"EBADF", -9, "bad file descriptor"},
        {"EAGAIN", -11, "resource temporarily unavailable"},
        {"ENOMEM", -12, "not enough memory"},
        {"EBUSY", -16, "resource busy or locked"},
        {"EEXIST", -17, "file already exists"},
        {"ENOTDIR", -20, "not a directory"},
        {"EISDIR", -21, "illegal operation on a directory"},
        {"EINVAL", -22, "invalid argument"},
        {"EFBIG", -27, "file too large"},
        {"ENOSPC", -28, "no space left on device"},
        {"ENAMETOOLONG", -36, "name too long"},
        {"ENOTEMPTY", -39, "directory not empty"},
        {"ENOTSUP", -95, "operation not supported"},
        {"EDQUOT", -122, "disk quota exceeded"},
    };
    size_t n = sizeof rows / sizeof rows[0];
    CHECK_EQ_U64(dmfs_error_count(), n);
    for (size_t i = 0; i < n; i++) {
        CHECK_STR(dmfs_errname(rows[i].value), rows[i].name);
        CHECK_STR(dmfs_strerror(rows[i].value), rows[i].msg);
        const char *nm = NULL, *msg = NULL;
        int v = 12345;
        CHECK(dmfs_error_at(i, &nm, &v, &msg) != 0);
        CHECK_STR(nm, rows[i].name);
        CHECK_EQ_INT(v, rows[i].value);
        CHECK_STR(msg, rows[i].msg);
    }
    CHECK_EQ_INT(DMFS_ENOENT, -2);
    CHECK_EQ_INT(DMFS_EDQUOT, -122);
    CHECK_EQ_INT(DMFS_ENOTSUP, -95);
    const char *nm = NULL, *msg = NULL;
    int v = 0;
    CHECK_EQ_INT(dmfs_error_at(n, &nm, &v, &msg), 0);
    CHECK_EQ_INT(dmfs_error_at((size_t)-1, &nm, &v, &msg), 0);
    int unknown[] = {1, -1, -3, -10, -13, -100, -121, -123, 42, INT32_MIN, INT32_MAX};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        CHECK_STR(dmfs_errname(unknown[i]), "UNKNOWN");
        CHECK_STR(dmfs_strerror(unknown[i]), "unknown error");
    }
}

TEST(version) {
    CHECK_STR(dmfs_version(), "0.1.0");
    CHECK_STR(dmfs_version(), DMFS_VERSION_STRING);
}

TEST(null_pointers_einval) {
    dmfs_fs *fs = th_fs_quota(1 << 20);
    th_put_str(fs, "/f", "hello");
    dmfs_file *f = NULL;
    dmfs_strlist *l = NULL;
    dmfs_statbuf st;
    dmfs_statsbuf ss;
    uint8_t *d = NULL;
    size_t n = 0;
    CHECK_RC(dmfs_destroy(NULL), DMFS_EINVAL);
    CHECK_RC(dmfs_open(NULL, "/f", "rb", 0, 0, &f), DMFS_EINVAL);
    CHECK_RC(dmfs_open(fs, NULL, "rb", 0, 0, &f), DMFS_EINVAL);
    CHECK_RC(dmfs_open(fs, "/f", NULL, 0, 0, &f), DMFS_EINVAL);
    CHECK_RC(dmfs_open(fs, "/f", "rb", 0, 0, NULL), DMFS_EINVAL);
    CHECK_RC(dmfs_open(fs, "/new", "wb", 0, 0, NULL), DMFS_EINVAL);
    CHECK(!dmfs_exists(fs, "/new")); /* nothing created on EINVAL */
    CHECK_RC(dmfs_read(NULL, &n, 1), DMFS_EINVAL);
    CHECK_RC(dmfs_write(NULL, "x", 1), DMFS_EINVAL);
    CHECK_RC(dmfs_seek(NULL, 0, 0), DMFS_EINVAL);
    CHECK_RC(dmfs_tell(NULL), DMFS_EINVAL);
    CHECK_RC(dmfs_truncate(NULL, 0), DMFS_EINVAL);
    CHECK_RC(dmfs_file_size(NULL), DMFS_EINVAL);
    CHECK_RC(dmfs_flush(NULL), DMFS_EINVAL);
    CHECK_RC(dmfs_close(NULL), DMFS_EINVAL);
    CHECK_RC(dmfs_mkdir(NULL, "/d", 0), DMFS_EINVAL);
    CHECK_RC(dmfs_mkdir(fs, NULL, 0), DMFS_EINVAL);
    CHECK_RC(dmfs_rename(fs, NULL, "/x"), DMFS_EINVAL);
    CHECK_RC(dmfs_rename(fs, "/f", NULL), DMFS_EINVAL);
    CHECK_RC(dmfs_move(fs, "/f", NULL), DMFS_EINVAL);
    CHECK_RC(dmfs_move(NULL, "/f", "/g"), DMFS_EINVAL);
    CHECK_RC(dmfs_remove(fs, NULL), DMFS_EINVAL);
    CHECK_RC(dmfs_rmtree(fs, NULL), DMFS_EINVAL);
    CHECK_RC(dmfs_exists(fs, NULL), DMFS_EINVAL);
    CHECK_RC(dmfs_exists(NULL, "/f"), DMFS_EINVAL);
    CHECK_RC(dmfs_is_dir(fs, NULL), DMFS_EINVAL);
    CHECK_RC(dmfs_is_file(NULL, "/"), DMFS_EINVAL);
    CHECK_RC(dmfs_listdir(fs, NULL, &l), DMFS_EINVAL);
    CHECK_RC(dmfs_listdir(fs, "/", NULL), DMFS_EINVAL);
    CHECK_RC(dmfs_glob(fs, NULL, &l), DMFS_EINVAL);
    CHECK_RC(dmfs_glob(fs, "/*", NULL), DMFS_EINVAL);
    CHECK_RC(dmfs_stat(fs, "/f", NULL), DMFS_EINVAL);
    CHECK_RC(dmfs_stat(fs, NULL, &st), DMFS_EINVAL);
    CHECK_RC(dmfs_stats(fs, NULL), DMFS_EINVAL);
    CHECK_RC(dmfs_stats(NULL, &ss), DMFS_EINVAL);
    CHECK_RC(dmfs_get_size(fs, NULL), DMFS_EINVAL);
    CHECK_RC(dmfs_read_file(fs, "/f", -1, 0, NULL, &n), DMFS_EINVAL);
    CHECK_RC(dmfs_read_file(fs, "/f", -1, 0, &d, NULL), DMFS_EINVAL);
    CHECK_RC(dmfs_read_file(fs, NULL, -1, 0, &d, &n), DMFS_EINVAL);
    CHECK_RC(dmfs_write_file(fs, NULL, "x", 1, 0), DMFS_EINVAL);
    CHECK_RC(dmfs_write_file(fs, "/w", NULL, 1, 0), DMFS_EINVAL);
    CHECK(!dmfs_exists(fs, "/w"));
    CHECK_RC(dmfs_copy(fs, NULL, "/c", 0), DMFS_EINVAL);
    CHECK_RC(dmfs_copy(fs, "/f", NULL, 0), DMFS_EINVAL);
    CHECK_RC(dmfs_copy_tree(fs, NULL, "/c", 0), DMFS_EINVAL);
    CHECK_RC(dmfs_import(fs, NULL, 1), DMFS_EINVAL);
    dmfs_entry bad = {NULL, "x", 1};
    CHECK_RC(dmfs_import(fs, &bad, 1), DMFS_EINVAL);
    dmfs_entry bad2 = {"/i", NULL, 1};
    CHECK_RC(dmfs_import(fs, &bad2, 1), DMFS_EINVAL);
    CHECK(!dmfs_exists(fs, "/i"));
    dmfs_export *x = NULL;
    CHECK_RC(dmfs_export_open(fs, "/", 0, 0, NULL), DMFS_EINVAL);
    CHECK_RC(dmfs_export_open(NULL, "/", 0, 0, &x), DMFS_EINVAL);
    CHECK_RC(dmfs_export_close(NULL), DMFS_EINVAL);
    dmfs_walk *w = NULL;
    CHECK_RC(dmfs_walk_open(fs, NULL, &w), DMFS_EINVAL);
    CHECK_RC(dmfs_walk_open(fs, "/", NULL), DMFS_EINVAL);
    CHECK_RC(dmfs_walk_close(NULL), DMFS_EINVAL);
    char buf[16];
    CHECK_RC(dmfs_normalize_path(NULL, buf, sizeof buf), DMFS_EINVAL);
    CHECK_RC(dmfs_normalize_path("/a", NULL, 16), DMFS_EINVAL);
    CHECK_RC(dmfs_debug_check(NULL), DMFS_EINVAL);
    CHECK_RC(dmfs_debug_file_info(fs, NULL, NULL), DMFS_EINVAL);
    CHECK(dmfs_wait_word(fs) != NULL);
    dmfs_free(NULL);
    dmfs_strlist_free(NULL);
    CHECK_CONTENT(fs, "/f", "hello");
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

static void check_norm(const char *in, const char *want) {
    char out[DMFS_PATH_MAX + 1];
    int rc = dmfs_normalize_path(in, out, sizeof out);
    if (rc < 0) {
        TH_FAILF("normalize(\"%s\") → %s, expected \"%s\"", in, dmfs_errname(rc), want);
        return;
    }
    CHECK_EQ_INT(rc, strlen(want));
    CHECK_STR(out, want);
}
static void check_norm_err(const char *in, int code) {
    char out[DMFS_PATH_MAX + 1];
    int rc = dmfs_normalize_path(in, out, sizeof out);
    if (rc != code) TH_FAILF("normalize(\"%.60s\") → %d (%s), expected %s", in, rc, rc < 0 ? dmfs_errname(rc) : out, dmfs_errname(code));
}

TEST(normalize_path_table) {
    const char *root[] = {"", "/", ".", "/.", "a/..", "//"};
    for (size_t i = 0; i < 6; i++) check_norm(root[i], "/");
    check_norm("a/b/c", "/a/b/c");
    check_norm("./a", "/a");
    check_norm("a/b/..", "/a");
    check_norm("/a/b/", "/a/b");
    check_norm("/a//b", "/a/b");
    check_norm("/a/./b/", "/a/b");
    check_norm("/a/b/../c", "/a/c");
    check_norm("\\a\\b", "/a/b");
    check_norm("a\\b", "/a/b");
    check_norm("///a", "/a");
    check_norm("//a//b", "/a/b");
    check_norm("\\\\a", "/a");
    check_norm("...", "/...");
    check_norm(" ", "/ ");
    check_norm("/ a /", "/ a ");
    const char *bad[] = {"..", "/..", "../x", "/a/../../x", "..\\x", "a/../..", "//..", "/../a"};
    for (size_t i = 0; i < 8; i++) check_norm_err(bad[i], DMFS_EINVAL);
    check_norm_err("/a\xff", DMFS_EINVAL);
    check_norm_err("/\xc3", DMFS_EINVAL);
    check_norm_err("/\xed\xa0\x80", DMFS_EINVAL); /* encoded surrogate */
    check_norm_err("/\xc0\xaf", DMFS_EINVAL);     /* overlong */
    char p[DMFS_PATH_MAX + 64];
    p[0] = '/';
    memset(p + 1, 'x', 255);
    p[256] = 0;
    check_norm(p, p);
    memset(p + 1, 'x', 256);
    p[257] = 0;
    check_norm_err(p, DMFS_ENAMETOOLONG);
    p[0] = '/';
    for (int i = 0; i < 128; i++) memcpy(p + 1 + 2 * i, "\xc3\xa9", 2);
    p[257] = 0;
    check_norm_err(p, DMFS_ENAMETOOLONG);
    /* 16 parts of 255 bytes = 4096 bytes with the slashes */
    size_t k = 0;
    for (int i = 0; i < 16; i++) {
        p[k++] = '/';
        memset(p + k, 'a' + i, 255);
        k += 255;
    }
    p[k] = 0;
    CHECK_EQ_INT(k, 4096);
    check_norm(p, p);
    char out[DMFS_PATH_MAX + 1];
    CHECK_RC(dmfs_normalize_path(p, out, 4096), DMFS_EINVAL); /* no room for the NUL */
    CHECK_RC(dmfs_normalize_path(p, out, 4097), 4096);
    strcpy(p + k, "/b");
    check_norm_err(p, DMFS_ENAMETOOLONG);
    CHECK_RC(dmfs_normalize_path("/abc", out, 4), DMFS_EINVAL);
    CHECK_RC(dmfs_normalize_path("/abc", out, 5), 4);
    CHECK_RC(dmfs_normalize_path("/abc", out, 0), DMFS_EINVAL);
    /* idempotent */
    CHECK_RC(dmfs_normalize_path("//x/./y/../z/", out, sizeof out), 4);
    char out2[64];
    CHECK_RC(dmfs_normalize_path(out, out2, sizeof out2), 4);
    CHECK_STR(out2, "/x/z");
}

TEST(invalid_paths_in_ops) {
    dmfs_fs *fs = th_fs_quota(1 << 20);
    dmfs_file *f = NULL;
    CHECK_RC(dmfs_open(fs, "/..", "wb", 0, 0, &f), DMFS_EINVAL);
    CHECK_RC(dmfs_open(fs, "/a\xff", "wb", 0, 0, &f), DMFS_EINVAL);
    char p[400];
    p[0] = '/';
    memset(p + 1, 'x', 256);
    p[257] = 0;
    CHECK_RC(dmfs_open(fs, p, "wb", 0, 0, &f), DMFS_ENAMETOOLONG);
    CHECK_RC(dmfs_mkdir(fs, p, 0), DMFS_ENAMETOOLONG);
    CHECK_EQ_INT(dmfs_exists(fs, p), 0);
    CHECK_EQ_INT(dmfs_exists(fs, "/.."), 0);
    CHECK_EQ_INT(dmfs_is_dir(fs, "/.."), 0);
    CHECK_EQ_INT(dmfs_is_file(fs, "/a\xff"), 0);
    CHECK_EQ_INT(dmfs_exists(fs, "/"), 1);
    CHECK_EQ_INT(dmfs_exists(fs, ""), 1);
    CHECK_EQ_INT(dmfs_is_dir(fs, ""), 1);
    CHECK_EQ_INT(dmfs_is_file(fs, "/"), 0);
    dmfs_strlist *l = NULL;
    CHECK_RC(dmfs_listdir(fs, "../x", &l), DMFS_EINVAL);
    CHECK(l == NULL);
    dmfs_statsbuf s;
    CHECK_OK(dmfs_stats(fs, &s));
    CHECK_EQ_U64(s.file_count + s.dir_count, 1);
    CHECK_OK(dmfs_destroy(fs));
}

TEST(strlist_ownership) {
    dmfs_fs *fs = th_fs_quota(1 << 20);
    CHECK_OK(dmfs_mkdir(fs, "/d", 0));
    th_put_str(fs, "/d/b", "1");
    th_put_str(fs, "/d/a", "2");
    CHECK_OK(dmfs_mkdir(fs, "/d/c", 0));
    dmfs_strlist *l = NULL;
    CHECK_OK(dmfs_listdir(fs, "/d", &l));
    CHECK(l != NULL);
    CHECK_EQ_U64(l->count, 3);
    CHECK_STR(l->items[0], "b");
    CHECK_STR(l->items[1], "a");
    CHECK_STR(l->items[2], "c");
    for (size_t i = 0; i < l->count; i++) CHECK_EQ_U64(l->lengths[i], strlen(l->items[i]));
    /* the list is a copy: later changes do not show in it */
    CHECK_OK(dmfs_remove(fs, "/d/a"));
    CHECK_STR(l->items[1], "a");
    dmfs_strlist_free(l);
    CHECK_OK(dmfs_listdir(fs, "/d/c", &l));
    CHECK_EQ_U64(l->count, 0);
    dmfs_strlist_free(l);
    CHECK_OK(dmfs_listdir(fs, "", &l));
    CHECK_EQ_U64(l->count, 1);
    CHECK_STR(l->items[0], "d");
    dmfs_strlist_free(l);
    l = NULL;
    CHECK_RC(dmfs_listdir(fs, "/d/b", &l), DMFS_ENOTDIR);
    CHECK_RC(dmfs_listdir(fs, "/nope", &l), DMFS_ENOENT);
    CHECK_OK(dmfs_glob(fs, "/d/*", &l));
    CHECK_EQ_U64(l->count, 2);
    CHECK_STR(l->items[0], "/d/b");
    CHECK_STR(l->items[1], "/d/c");
    CHECK_EQ_U64(l->lengths[0], 4);
    dmfs_strlist_free(l);
    CHECK_OK(dmfs_glob(fs, "", &l));
    CHECK_EQ_U64(l->count, 0);
    dmfs_strlist_free(l);
    /* input strings are copied: mutating the caller's buffer afterwards changes nothing */
    char name[] = "/d/zz";
    th_put_str(fs, name, "q");
    name[3] = 'y';
    CHECK(dmfs_exists(fs, "/d/zz"));
    CHECK(!dmfs_exists(fs, "/d/yz"));
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

TEST(read_file_ownership_and_efbig) {
    dmfs_fs *fs = th_fs_quota(1 << 20);
    th_put_str(fs, "/f", "hello");
    th_put(fs, "/e", "", 0);
    CHECK_OK(dmfs_mkdir(fs, "/d", 0));
    uint8_t *d = (uint8_t *)"sentinel";
    size_t n = 99;
    CHECK_OK(dmfs_read_file(fs, "/e", -1, 0, &d, &n));
    CHECK(d == NULL);
    CHECK_EQ_U64(n, 0);
    CHECK_OK(dmfs_read_file(fs, "/f", 5, 0, &d, &n)); /* equal is fine */
    CHECK_EQ_U64(n, 5);
    CHECK(memcmp(d, "hello", 5) == 0);
    /* detached copy */
    th_put_str(fs, "/f", "HELLO!");
    CHECK(memcmp(d, "hello", 5) == 0);
    dmfs_free(d);
    CHECK_RC(dmfs_read_file(fs, "/f", 5, 0, &d, &n), DMFS_EFBIG);
    CHECK_RC(dmfs_read_file(fs, "/f", 0, 0, &d, &n), DMFS_EFBIG);
    CHECK_RC(dmfs_read_file(fs, "/d", -1, 0, &d, &n), DMFS_EISDIR);
    CHECK_RC(dmfs_read_file(fs, "/", -1, 0, &d, &n), DMFS_EISDIR);
    CHECK_RC(dmfs_read_file(fs, "/nope", -1, 0, &d, &n), DMFS_ENOENT);
    CHECK_RC(dmfs_read_file(fs, "/f/x", -1, 0, &d, &n), DMFS_ENOTDIR);
    CHECK_RC(dmfs_read_file(fs, "/f", -2, 0, &d, &n), DMFS_EINVAL);
    CHECK_RC(dmfs_read_file(fs, "/f", -1, -3, &d, &n), DMFS_EINVAL);
    /* order: EISDIR before the lock; lock (EAGAIN) before EFBIG */
    dmfs_file *w = NULL;
    CHECK_OK(dmfs_open(fs, "/f", "r+b", 0, 0, &w));
    CHECK_RC(dmfs_read_file(fs, "/f", 1, 0, &d, &n), DMFS_EAGAIN);
    CHECK_OK(dmfs_close(w));
    CHECK_EQ_U64(th_used(fs), 6 + 128);
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

TEST(last_error_fields) {
    dmfs_fs *fs = th_fs_quota(137);
    dmfs_file *f = NULL;
    CHECK_OK(dmfs_open(fs, "/a", "wb", 0, 0, &f));
    char buf[10] = {0};
    CHECK_NOSPC(dmfs_write(f, buf, 10), 138, 137);
    /* success does not reset it */
    CHECK_RC(dmfs_write(f, buf, 9), 9);
    CHECK_EQ_INT(dmfs_last_error()->code, DMFS_ENOSPC);
    CHECK_RC(dmfs_mkdir(fs, "/a", 0), DMFS_EEXIST);
    CHECK_EQ_INT(dmfs_last_error()->code, DMFS_EEXIST);
    CHECK_EQ_INT(dmfs_last_error()->kind, DMFS_KIND_NONE);
    CHECK_OK(dmfs_close(f));
    CHECK_OK(dmfs_destroy(fs));
}

typedef struct lt_arg {
    dmfs_fs *fs;
    pthread_barrier_t *bar;
    int code_after;
    int kind_after;
    uint64_t req_after;
} lt_arg;

static void *lt_thread(void *p) {
    lt_arg *a = (lt_arg *)p;
    /* this thread fails with ENOENT while the main thread has an ENOSPC pending */
    dmfs_file *f = NULL;
    int rc = dmfs_open(a->fs, "/missing", "rb", 0, 0, &f);
    pthread_barrier_wait(a->bar); /* 1: both failed */
    pthread_barrier_wait(a->bar); /* 2: main checked its own */
    a->code_after = dmfs_last_error()->code;
    a->kind_after = dmfs_last_error()->kind;
    a->req_after = dmfs_last_error()->requested;
    (void)rc;
    return NULL;
}

TEST(last_error_thread_local) {
    dmfs_fs *fs = th_fs_quota(100);
    pthread_barrier_t bar;
    pthread_barrier_init(&bar, NULL, 2);
    lt_arg a = {fs, &bar, 0, 0, 0};
    pthread_t t;
    CHECK(pthread_create(&t, NULL, lt_thread, &a) == 0);
    CHECK_NOSPC(dmfs_write_file(fs, "/big", "0123456789", 10, 0), 138, 100);
    pthread_barrier_wait(&bar);
    const dmfs_error_info *e = dmfs_last_error();
    CHECK_EQ_INT(e->code, DMFS_ENOSPC);
    CHECK_EQ_INT(e->kind, DMFS_KIND_BYTES);
    CHECK_EQ_U64(e->requested, 138);
    CHECK_EQ_U64(e->available, 100);
    pthread_barrier_wait(&bar);
    pthread_join(t, NULL);
    CHECK_EQ_INT(a.code_after, DMFS_ENOENT);
    CHECK_EQ_INT(a.kind_after, DMFS_KIND_NONE);
    CHECK_EQ_U64(a.req_after, 0);
    pthread_barrier_destroy(&bar);
    CHECK_OK(dmfs_destroy(fs));
}

/* ── export iterator (§9.2) ── */

TEST(export_iterator_basic) {
    dmfs_fs *fs = th_fs_quota(1 << 20);
    CHECK_OK(dmfs_mkdir(fs, "/dir/sub", 0));
    th_put_str(fs, "/dir/z.bin", "zz");
    th_put_str(fs, "/dir/sub/a.bin", "aaa");
    th_put_str(fs, "/other.bin", "o");
    th_put(fs, "/dir/empty", "", 0);
    dmfs_entry imp = {"/dir/imported", "imp", 3};
    CHECK_OK(dmfs_import(fs, &imp, 1));
    CHECK_OK(dmfs_mkdir(fs, "/emptydir", 0));
    /* depth-first pre-order, children in insertion order: /dir (sub, z.bin, empty,
     * imported) then /other.bin */
    const char *want[] = {"/dir/sub/a.bin", "/dir/z.bin", "/dir/empty", "/dir/imported", "/other.bin"};
    const char *wantd[] = {"aaa", "zz", "", "imp", "o"};
    dmfs_export *x = NULL;
    CHECK_OK(dmfs_export_open(fs, NULL, 0, 0, &x));
    const char *p;
    const uint8_t *d;
    size_t n;
    for (int i = 0; i < 5; i++) {
        CHECK_RC(dmfs_export_next(x, &p, &d, &n), 1);
        CHECK_STR(p, want[i]);
        CHECK_EQ_U64(n, strlen(wantd[i]));
        if (n) CHECK(memcmp(d, wantd[i], n) == 0);
        else CHECK(d == NULL);
    }
    CHECK_RC(dmfs_export_next(x, &p, &d, &n), 0);
    CHECK_RC(dmfs_export_next(x, &p, &d, &n), 0);
    CHECK_OK(dmfs_export_close(x));
    /* prefix /dir excludes /other.bin */
    CHECK_OK(dmfs_export_open(fs, "/dir", 0, 0, &x));
    int cnt = 0;
    while (dmfs_export_next(x, &p, &d, &n) == 1) {
        CHECK(strncmp(p, "/dir/", 5) == 0);
        cnt++;
    }
    CHECK_EQ_INT(cnt, 4);
    CHECK_OK(dmfs_export_close(x));
    /* missing prefix → nothing; file prefix → that file */
    CHECK_OK(dmfs_export_open(fs, "/nonexistent", 0, 0, &x));
    CHECK_RC(dmfs_export_next(x, &p, &d, &n), 0);
    CHECK_OK(dmfs_export_close(x));
    CHECK_OK(dmfs_export_open(fs, "/other.bin", 0, 0, &x));
    CHECK_RC(dmfs_export_next(x, &p, &d, &n), 1);
    CHECK_STR(p, "/other.bin");
    CHECK_RC(dmfs_export_next(x, &p, &d, &n), 0);
    CHECK_OK(dmfs_export_close(x));
    /* only_dirty: wb-written files, not the imported one, not the empty created one (gen 1
     * from wb? no: open wb on a NEW file is generation 0, so /dir/empty is clean) */
    CHECK_OK(dmfs_export_open(fs, "/", 1, 0, &x));
    const char *dirty[] = {"/dir/sub/a.bin", "/dir/z.bin", "/other.bin"};
    for (int i = 0; i < 3; i++) {
        CHECK_RC(dmfs_export_next(x, &p, &d, &n), 1);
        CHECK_STR(p, dirty[i]);
    }
    CHECK_RC(dmfs_export_next(x, &p, &d, &n), 0);
    CHECK_OK(dmfs_export_close(x));
    /* bad prefix fails at open */
    CHECK_RC(dmfs_export_open(fs, "/..", 0, 0, &x), DMFS_EINVAL);
    CHECK_RC(dmfs_export_open(fs, "/", 0, -3, &x), DMFS_EINVAL);
    CHECK_EQ_U64(th_used(fs), (2 + 128) + (3 + 128) + (1 + 128) + (3 + 128));
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

TEST(export_weak_consistency) {
    dmfs_fs *fs = th_fs_quota(1 << 20);
    th_put_str(fs, "/a.bin", "A");
    th_put_str(fs, "/b.bin", "B");
    th_put_str(fs, "/c.bin", "C");
    dmfs_export *x = NULL;
    const char *p;
    const uint8_t *d;
    size_t n;
    CHECK_OK(dmfs_export_open(fs, "/", 0, 0, &x));
    CHECK_RC(dmfs_export_next(x, &p, &d, &n), 1);
    CHECK_STR(p, "/a.bin");
    CHECK_OK(dmfs_remove(fs, "/b.bin"));          /* deleted: skipped */
    CHECK_OK(dmfs_rename(fs, "/c.bin", "/r.bin")); /* renamed: under its listed path */
    th_put_str(fs, "/new.bin", "N");               /* new: missed */
    CHECK_RC(dmfs_export_next(x, &p, &d, &n), 1);
    CHECK_STR(p, "/c.bin");
    CHECK_EQ_U64(n, 1);
    CHECK(d[0] == 'C');
    CHECK_RC(dmfs_export_next(x, &p, &d, &n), 0);
    CHECK_OK(dmfs_export_close(x));
    /* a write handle on a listed file → EAGAIN, the iterator may be retried */
    CHECK_OK(dmfs_export_open(fs, "/", 0, 0, &x));
    dmfs_file *w = NULL;
    CHECK_OK(dmfs_open(fs, "/a.bin", "ab", 0, 0, &w));
    CHECK_RC(dmfs_export_next(x, &p, &d, &n), DMFS_EAGAIN);
    CHECK_RC(dmfs_write(w, "2", 1), 1);
    CHECK_OK(dmfs_close(w));
    CHECK_RC(dmfs_export_next(x, &p, &d, &n), 1);
    CHECK_STR(p, "/a.bin");
    CHECK_EQ_U64(n, 2);
    CHECK(memcmp(d, "A2", 2) == 0);
    CHECK_OK(dmfs_export_close(x));
    /* an export left open is freed by destroy (ASan would report a leak otherwise) */
    CHECK_OK(dmfs_export_open(fs, "/", 0, 0, &x));
    CHECK_RC(dmfs_export_next(x, &p, &d, &n), 1);
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

TEST(export_import_roundtrip) {
    dmfs_fs *a = th_fs_quota(1 << 20);
    CHECK_OK(dmfs_mkdir(a, "/x/y", 0));
    th_put_str(a, "/x/y/1", "one");
    th_put_str(a, "/x/2", "two!");
    th_put(a, "/3", "", 0);
    dmfs_entry ents[8];
    char *paths[8];
    uint8_t *datas[8];
    size_t cnt = 0;
    dmfs_export *x = NULL;
    CHECK_OK(dmfs_export_open(a, "/", 0, 0, &x));
    const char *p;
    const uint8_t *d;
    size_t n;
    while (dmfs_export_next(x, &p, &d, &n) == 1 && cnt < 8) {
        paths[cnt] = strdup(p);
        datas[cnt] = malloc(n ? n : 1);
        if (n) memcpy(datas[cnt], d, n);
        ents[cnt].path = paths[cnt];
        ents[cnt].data = datas[cnt];
        ents[cnt].len = n;
        cnt++;
    }
    CHECK_OK(dmfs_export_close(x));
    CHECK_EQ_U64(cnt, 3);
    dmfs_fs *b = th_fs_quota(1 << 20);
    CHECK_OK(dmfs_import(b, ents, cnt));
    CHECK_CONTENT(b, "/x/y/1", "one");
    CHECK_CONTENT(b, "/x/2", "two!");
    CHECK_CONTENT(b, "/3", "");
    for (size_t i = 0; i < cnt; i++) {
        free(paths[i]);
        free(datas[i]);
    }
    CHECK_EQ_U64(th_used(a), th_used(b));
    CHECK_OK(dmfs_destroy(a));
    CHECK_OK(dmfs_destroy(b));
}

/* ── walk iterator (§7.8) ── */

TEST(walk_iterator) {
    dmfs_fs *fs = th_fs_quota(1 << 20);
    CHECK_OK(dmfs_mkdir(fs, "/a/b", 0));
    th_put_str(fs, "/a/f.bin", "f");
    th_put_str(fs, "/a/b/g.bin", "g");
    dmfs_walk *w = NULL;
    dmfs_walk_entry e;
    CHECK_OK(dmfs_walk_open(fs, "/a", &w));
    CHECK_RC(dmfs_walk_next(w, &e), 1);
    CHECK_STR(e.dirpath, "/a");
    CHECK_EQ_U64(e.ndirs, 1);
    CHECK_STR(e.dirnames[0], "b");
    CHECK_EQ_U64(e.nfiles, 1);
    CHECK_STR(e.filenames[0], "f.bin");
    CHECK_RC(dmfs_walk_next(w, &e), 1);
    CHECK_STR(e.dirpath, "/a/b");
    CHECK_EQ_U64(e.ndirs, 0);
    CHECK_EQ_U64(e.nfiles, 1);
    CHECK_STR(e.filenames[0], "g.bin");
    CHECK_RC(dmfs_walk_next(w, &e), 0);
    CHECK_OK(dmfs_walk_close(w));
    /* root walk, dirpath "/" */
    CHECK_OK(dmfs_walk_open(fs, "", &w));
    CHECK_RC(dmfs_walk_next(w, &e), 1);
    CHECK_STR(e.dirpath, "/");
    CHECK_EQ_U64(e.ndirs, 1);
    CHECK_EQ_U64(e.nfiles, 0);
    int more = 0;
    while (dmfs_walk_next(w, &e) == 1) more++;
    CHECK_EQ_INT(more, 2);
    CHECK_OK(dmfs_walk_close(w));
    /* empty dir: one entry */
    CHECK_OK(dmfs_mkdir(fs, "/empty", 0));
    CHECK_OK(dmfs_walk_open(fs, "/empty", &w));
    CHECK_RC(dmfs_walk_next(w, &e), 1);
    CHECK_STR(e.dirpath, "/empty");
    CHECK_EQ_U64(e.ndirs + e.nfiles, 0);
    CHECK_RC(dmfs_walk_next(w, &e), 0);
    CHECK_OK(dmfs_walk_close(w));
    CHECK_RC(dmfs_walk_open(fs, "/a/f.bin", &w), DMFS_ENOTDIR);
    CHECK_RC(dmfs_walk_open(fs, "/nope", &w), DMFS_ENOENT);
    CHECK_RC(dmfs_walk_open(fs, "/..", &w), DMFS_EINVAL);
    CHECK_RC(dmfs_walk_open(fs, "/a/f.bin/x", &w), DMFS_ENOTDIR);
    CHECK_OK(dmfs_destroy(fs));
}

TEST(walk_weak_consistency) {
    dmfs_fs *fs = th_fs_quota(1 << 20);
    CHECK_OK(dmfs_mkdir(fs, "/r/d1/x", 0));
    CHECK_OK(dmfs_mkdir(fs, "/r/d2", 0));
    CHECK_OK(dmfs_mkdir(fs, "/r/d3", 0));
    th_put_str(fs, "/r/d3/f", "1");
    dmfs_walk *w = NULL;
    dmfs_walk_entry e;
    CHECK_OK(dmfs_walk_open(fs, "/r", &w));
    CHECK_RC(dmfs_walk_next(w, &e), 1);
    CHECK_STR(e.dirpath, "/r");
    CHECK_EQ_U64(e.ndirs, 3);
    /* removed before its turn: skipped; renamed after its parent was read: old path */
    CHECK_OK(dmfs_rmtree(fs, "/r/d2"));
    CHECK_OK(dmfs_rename(fs, "/r/d3", "/moved"));
    CHECK_OK(dmfs_mkdir(fs, "/r/d1/new", 0));
    const char *seen[8];
    int k = 0;
    char store[8][64];
    while (k < 8) {
        int rc = dmfs_walk_next(w, &e);
        CHECK(rc >= 0);
        if (rc != 1) break;
        snprintf(store[k], sizeof store[k], "%s", e.dirpath);
        seen[k] = store[k];
        k++;
    }
    CHECK_OK(dmfs_walk_close(w));
    /* /r/d1 and its child(ren) come; /r/d2 does not; d3 shows under its old path */
    int has_d1 = 0, has_d2 = 0, has_d3 = 0, has_x = 0;
    for (int i = 0; i < k; i++) {
        if (!strcmp(seen[i], "/r/d1")) has_d1 = 1;
        if (!strcmp(seen[i], "/r/d2")) has_d2 = 1;
        if (!strcmp(seen[i], "/r/d3")) has_d3 = 1;
        if (!strcmp(seen[i], "/r/d1/x")) has_x = 1;
    }
    CHECK(has_d1);
    CHECK(has_x);
    CHECK(!has_d2);
    CHECK(has_d3);
    /* a walk left open is freed by destroy */
    CHECK_OK(dmfs_walk_open(fs, "/", &w));
    CHECK_RC(dmfs_walk_next(w, &e), 1);
    CHECK_OK(dmfs_destroy(fs));
}

TEST(handle_closed_by_destroy) {
    dmfs_fs *fs = th_fs_quota(1 << 20);
    dmfs_file *f = NULL, *g = NULL;
    CHECK_OK(dmfs_open(fs, "/a", "wb", 0, 0, &f));
    CHECK_OK(dmfs_open(fs, "/b", "wb", 0, 0, &g));
    CHECK_OK(dmfs_close(g));
    CHECK_RC(dmfs_write(f, "abc", 3), 3);
    CHECK_OK(dmfs_destroy(fs)); /* frees f too; LeakSanitizer would catch otherwise */
}

TEST(heap_returns_after_destroy) {
    uint64_t h0 = dmfs_debug_heap_bytes();
    dmfs_fs *fs = th_fs_quota(1 << 20);
    CHECK_OK(dmfs_mkdir(fs, "/a/b/c", 0));
    for (int i = 0; i < 50; i++) {
        char p[32];
        snprintf(p, sizeof p, "/a/b/f%d", i);
        th_put_str(fs, p, "some content");
    }
    CHECK(dmfs_debug_heap_bytes() > h0);
    CHECK_OK(dmfs_destroy(fs));
    CHECK_EQ_U64(dmfs_debug_heap_bytes(), h0);
}

TEST(iterator_results_valid_until_next_call) {
    dmfs_fs *fs = th_fs_quota(1 << 20);
    th_put_str(fs, "/a", "first");
    th_put_str(fs, "/b", "second");
    CHECK_OK(dmfs_mkdir(fs, "/d", 0));
    dmfs_export *x = NULL;
    const char *p;
    const uint8_t *d;
    size_t n;
    CHECK_OK(dmfs_export_open(fs, "/", 0, 0, &x));
    CHECK_RC(dmfs_export_next(x, &p, &d, &n), 1);
    /* other calls on the filesystem do not invalidate the pair; it is a copy */
    th_put_str(fs, "/a", "CHANGED!");
    CHECK_OK(dmfs_remove(fs, "/a"));
    CHECK_STR(p, "/a");
    CHECK_EQ_U64(n, 5);
    CHECK(memcmp(d, "first", 5) == 0);
    CHECK_RC(dmfs_export_next(x, &p, &d, &n), 1);
    CHECK_STR(p, "/b");
    CHECK_OK(dmfs_export_close(x));
    dmfs_walk *w = NULL;
    dmfs_walk_entry e;
    CHECK_OK(dmfs_walk_open(fs, "/", &w));
    CHECK_RC(dmfs_walk_next(w, &e), 1);
    CHECK_OK(dmfs_rmtree(fs, "/d"));
    CHECK_OK(dmfs_rename(fs, "/b", "/c"));
    CHECK_STR(e.dirpath, "/");
    CHECK_EQ_U64(e.ndirs, 1);
    CHECK_STR(e.dirnames[0], "d");
    CHECK_EQ_U64(e.nfiles, 1);
    CHECK_STR(e.filenames[0], "b");
    CHECK_RC(dmfs_walk_next(w, &e), 0); /* /d was removed before its turn */
    CHECK_OK(dmfs_walk_close(w));
    CHECK_OK(dmfs_destroy(fs));
}

/* dmfs_read_file_into: the size always; the bytes only when they fit. */
TEST(read_file_into_caller_buffer) {
    dmfs_fs *fs = th_fs_quota(1 << 20);
    th_put_str(fs, "/f", "hello");
    th_put(fs, "/empty", "", 0);
    CHECK_OK(dmfs_mkdir(fs, "/d", 0));
    char buf[8];
    memset(buf, '#', sizeof buf);
    CHECK_RC(dmfs_read_file_into(fs, "/f", -1, 0, buf, sizeof buf), 5);
    CHECK(memcmp(buf, "hello###", 8) == 0);
    memset(buf, '#', sizeof buf);
    CHECK_RC(dmfs_read_file_into(fs, "/f", -1, 0, buf, 4), 5); /* too small: untouched */
    CHECK(memcmp(buf, "########", 8) == 0);
    CHECK_RC(dmfs_read_file_into(fs, "/f", -1, 0, buf, 5), 5);  /* exactly fits */
    CHECK(memcmp(buf, "hello###", 8) == 0);
    CHECK_RC(dmfs_read_file_into(fs, "/empty", -1, 0, NULL, 0), 0);
    CHECK_RC(dmfs_read_file_into(fs, "/f", -1, 0, NULL, 0), 5);
    CHECK_RC(dmfs_read_file_into(fs, "/f", 4, 0, buf, sizeof buf), DMFS_EFBIG);
    CHECK_RC(dmfs_read_file_into(fs, "/d", -1, 0, buf, sizeof buf), DMFS_EISDIR);
    CHECK_RC(dmfs_read_file_into(fs, "/nope", -1, 0, buf, sizeof buf), DMFS_ENOENT);
    CHECK_RC(dmfs_read_file_into(fs, "/f/x", -1, 0, buf, sizeof buf), DMFS_ENOTDIR);
    CHECK_RC(dmfs_read_file_into(fs, "/../x", -1, 0, buf, sizeof buf), DMFS_EINVAL);
    CHECK_RC(dmfs_read_file_into(fs, "/f", -1, 0, NULL, 1), DMFS_EINVAL);
    CHECK_RC(dmfs_read_file_into(fs, "/f", -2, 0, buf, sizeof buf), DMFS_EINVAL);
    CHECK_RC(dmfs_read_file_into(NULL, "/f", -1, 0, buf, sizeof buf), DMFS_EINVAL);
    /* a writer holds the file: EAGAIN after the timeout, like dmfs_read_file */
    dmfs_file *w = NULL;
    CHECK_OK(dmfs_open(fs, "/f", "r+b", 0, 0, &w));
    CHECK_RC(dmfs_read_file_into(fs, "/f", -1, 0, buf, sizeof buf), DMFS_EAGAIN);
    CHECK_OK(dmfs_close(w));
    /* random-access content too */
    CHECK_OK(dmfs_open(fs, "/f", "r+b", 0, 0, &w));
    CHECK_RC(dmfs_seek(w, 1, DMFS_SEEK_SET), 1);
    CHECK_RC(dmfs_write(w, "EL", 2), 2);
    CHECK_OK(dmfs_close(w));
    CHECK_RC(dmfs_read_file_into(fs, "/f", -1, 0, buf, sizeof buf), 5);
    CHECK(memcmp(buf, "hELlo", 5) == 0);
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}
