/* Allocation-failure sweep: for every operation, make the 1st, 2nd, … allocation fail until
 * the operation succeeds. While it fails it must return DMFS_ENOMEM with the observable state
 * (stats, every path, its metadata and content, the handle's cursor and size) unchanged and
 * dmfs_debug_check passing. Heap bytes return to the baseline after destroy (no leak). */
#include "harness.h"

/* ── snapshot ── */

typedef struct sbuf {
    char *p;
    size_t n, cap;
} sbuf;

static void sb_add(sbuf *b, const void *d, size_t n) {
    if (b->n + n + 1 > b->cap) {
        size_t c = b->cap ? b->cap * 2 : 4096;
        while (c < b->n + n + 1) c *= 2;
        b->p = realloc(b->p, c);
        b->cap = c;
    }
    memcpy(b->p + b->n, d, n);
    b->n += n;
    b->p[b->n] = 0;
}
static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#include <stdarg.h>
static void sb_printf(sbuf *b, const char *fmt, ...) {
    char tmp[8192];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    sb_add(b, tmp, (size_t)n);
}

static void snap_node(sbuf *b, dmfs_fs *fs, const char *path) {
    dmfs_statbuf st;
    int rc = dmfs_stat(fs, path, &st);
    sb_printf(b, "%s rc=%d dir=%d size=%llu gen=%llu c=%lld m=%lld\n", path, rc, st.is_dir, (unsigned long long)st.size,
              (unsigned long long)st.generation, (long long)st.created_at, (long long)st.modified_at);
    if (rc == 0 && !st.is_dir) {
        dmfs_file_info fi;
        if (dmfs_debug_file_info(fs, path, &fi) == 0)
            sb_printf(b, " storage=%d chunks=%llu usage=%llu\n", fi.storage, (unsigned long long)fi.chunks,
                      (unsigned long long)fi.usage);
        uint8_t *d = NULL;
        size_t n = 0;
        /* timeout 0: a handle the test holds makes this EAGAIN, which is recorded as such */
        rc = dmfs_read_file(fs, path, -1, 0, &d, &n);
        sb_printf(b, " read=%d len=%zu:", rc, n);
        if (n) sb_add(b, d, n);
        sb_add(b, "\n", 1);
        dmfs_free(d);
    }
}

/* Everything observable, taken with allocation failures off. */
static char *snapshot(dmfs_fs *fs, dmfs_file *h) {
    sbuf b = {0};
    dmfs_statsbuf s;
    int rc = dmfs_stats(fs, &s);
    sb_printf(&b, "stats rc=%d used=%llu quota=%llu free=%llu files=%llu dirs=%llu chunks=%llu\n", rc,
              (unsigned long long)s.used_bytes, (unsigned long long)s.quota_bytes, (unsigned long long)s.free_bytes,
              (unsigned long long)s.file_count, (unsigned long long)s.dir_count, (unsigned long long)s.chunk_count);
    if (h) sb_printf(&b, "handle tell=%lld size=%lld\n", (long long)dmfs_tell(h), (long long)dmfs_file_size(h));
    dmfs_walk *w = NULL;
    rc = dmfs_walk_open(fs, "/", &w);
    if (rc != 0) {
        sb_printf(&b, "walk_open %d\n", rc);
        return b.p;
    }
    dmfs_walk_entry e;
    while ((rc = dmfs_walk_next(w, &e)) == 1) {
        snap_node(&b, fs, e.dirpath);
        char p[DMFS_PATH_MAX + 300];
        for (size_t i = 0; i < e.ndirs; i++) sb_printf(&b, " d %s\n", e.dirnames[i]);
        for (size_t i = 0; i < e.nfiles; i++) {
            snprintf(p, sizeof p, "%s/%s", strcmp(e.dirpath, "/") ? e.dirpath : "", e.filenames[i]);
            snap_node(&b, fs, p);
        }
    }
    sb_printf(&b, "walk end %d\n", rc);
    dmfs_walk_close(w);
    return b.p;
}

/* ── the driver ── */

enum { MAXH = 4 };
typedef struct octx {
    dmfs_file *h[MAXH]; /* handles the setup opened (closed after each round) */
    dmfs_file *out;     /* a handle the op produced */
    dmfs_export *x;
    dmfs_walk *w;
    dmfs_strlist *list;
    uint8_t *data;
    size_t len;
    int storage;
    uint64_t ov;
} octx;

typedef void (*setup_fn)(dmfs_fs *, octx *);
typedef int64_t (*op_fn)(dmfs_fs *, octx *);
typedef void (*verify_fn)(dmfs_fs *, octx *, int64_t);

static void release_ctx(octx *c) {
    for (int i = 0; i < MAXH; i++)
        if (c->h[i]) dmfs_close(c->h[i]);
    if (c->out) dmfs_close(c->out);
    if (c->x) dmfs_export_close(c->x);
    if (c->w) dmfs_walk_close(c->w);
    dmfs_strlist_free(c->list);
    dmfs_free(c->data);
    memset(c, 0, sizeof *c);
}

static void sweep(const char *name, int storage, setup_fn setup, op_fn op, verify_fn verify, int64_t want) {
    int done = 0;
    for (uint64_t n = 1; n <= 400 && !done; n++) {
        uint64_t heap0 = dmfs_debug_heap_bytes();
        dmfs_config cfg;
        dmfs_config_init(&cfg);
        cfg.max_quota = 1 << 20;
        cfg.default_storage = storage;
        dmfs_fs *fs = th_fs_cfg(&cfg);
        octx c;
        memset(&c, 0, sizeof c);
        c.storage = storage;
        if (setup) setup(fs, &c);
        char *before = snapshot(fs, c.h[0]);
        CHECK_OK(dmfs_debug_check(fs));
        dmfs_debug_fail_alloc(n);
        int64_t rc = op(fs, &c);
        dmfs_debug_fail_alloc(0);
        if (rc == DMFS_ENOMEM) {
            char *after = snapshot(fs, c.h[0]);
            if (strcmp(before, after) != 0) {
                fprintf(stderr, "  %s: state changed by a failed op at allocation %llu\n--- before\n%s--- after\n%s",
                        name, (unsigned long long)n, before, after);
                free(after);
                free(before);
                TH_FAILF("%s: ENOMEM at N=%llu left a trace", name, (unsigned long long)n);
            }
            free(after);
            int chk = dmfs_debug_check(fs);
            if (chk) TH_FAILF("%s: debug_check after ENOMEM at N=%llu: %s", name, (unsigned long long)n, dmfs_errname(chk));
            if (c.out || c.list || c.data) TH_FAILF("%s: ENOMEM at N=%llu produced an output", name, (unsigned long long)n);
        } else if (rc == want || (want == 1 && rc > 0)) {
            if (verify) verify(fs, &c, rc);
            CHECK_OK(dmfs_debug_check(fs));
            printf("  %s: ok after %llu failing allocation points\n", name, (unsigned long long)(n - 1));
            done = 1;
        } else {
            free(before);
            TH_FAILF("%s: at N=%llu got %lld (%s), expected ENOMEM or %lld", name, (unsigned long long)n, (long long)rc,
                     dmfs_errname((int)rc), (long long)want);
        }
        free(before);
        release_ctx(&c);
        CHECK_OK(dmfs_destroy(fs));
        uint64_t heap1 = dmfs_debug_heap_bytes();
        if (heap1 != heap0)
            TH_FAILF("%s: heap %llu → %llu after destroy (N=%llu)", name, (unsigned long long)heap0,
                     (unsigned long long)heap1, (unsigned long long)n);
    }
    if (!done) TH_FAILF("%s: never succeeded", name);
}

/* ── setups ── */

static void put(dmfs_fs *fs, const char *p, const char *s) { th_put(fs, p, s, strlen(s)); }

static void s_basic(dmfs_fs *fs, octx *c) {
    CHECK_OK(dmfs_mkdir(fs, "/d/e", 0));
    put(fs, "/f", "hello");
    put(fs, "/d/g", "ggg");
    put(fs, "/d/e/h", "hhhh");
    dmfs_file *f = NULL;
    CHECK_OK(dmfs_open(fs, "/multi", "wb", 0, 0, &f));
    for (int i = 0; i < 4; i++) CHECK_RC(dmfs_write(f, "0123456789", 10), 10);
    CHECK_OK(dmfs_close(f));
}
static void s_handle_ab(dmfs_fs *fs, octx *c) {
    s_basic(fs, c);
    CHECK_OK(dmfs_open(fs, "/f", "ab", 0, 0, &c->h[0]));
}
static void s_handle_rpb(dmfs_fs *fs, octx *c) {
    s_basic(fs, c);
    CHECK_OK(dmfs_open(fs, "/multi", "r+b", 0, 0, &c->h[0]));
}

/* ── ops and checks ── */

static int64_t o_open_rb(dmfs_fs *fs, octx *c) { return dmfs_open(fs, "/f", "rb", 0, 0, &c->out); }
static int64_t o_open_wb_existing(dmfs_fs *fs, octx *c) { return dmfs_open(fs, "/f", "wb", 0, 0, &c->out); }
static int64_t o_open_wb_new(dmfs_fs *fs, octx *c) { return dmfs_open(fs, "/d/new", "wb", 0, 0, &c->out); }
static int64_t o_open_ab(dmfs_fs *fs, octx *c) { return dmfs_open(fs, "/f", "ab", 0, 0, &c->out); }
static int64_t o_open_rpb(dmfs_fs *fs, octx *c) { return dmfs_open(fs, "/f", "r+b", 0, 0, &c->out); }
static int64_t o_open_xb(dmfs_fs *fs, octx *c) { return dmfs_open(fs, "/x", "xb", 0, 0, &c->out); }
static int64_t o_open_wb_pre(dmfs_fs *fs, octx *c) { return dmfs_open(fs, "/f", "wb", 100, 0, &c->out); }
static int64_t o_open_xb_pre(dmfs_fs *fs, octx *c) { return dmfs_open(fs, "/x", "xb", 100, 0, &c->out); }
static int64_t o_open_ab_pre(dmfs_fs *fs, octx *c) { return dmfs_open(fs, "/f", "ab", 50, 0, &c->out); }
static void v_has_out(dmfs_fs *fs, octx *c, int64_t rc) { CHECK(c->out != NULL); }
static void v_wb_existing(dmfs_fs *fs, octx *c, int64_t rc) {
    CHECK(c->out != NULL);
    CHECK_EQ_INT(dmfs_get_size(fs, "/f"), 0);
}
static void v_pre(dmfs_fs *fs, octx *c, int64_t rc) {
    CHECK(c->out != NULL);
    CHECK_EQ_INT(dmfs_file_size(c->out), 100);
}

static int64_t o_write_seq(dmfs_fs *fs, octx *c) { return dmfs_write(c->h[0], " world", 6); }
static void v_write_seq(dmfs_fs *fs, octx *c, int64_t rc) { CHECK_EQ_INT(dmfs_file_size(c->h[0]), 11); }
static int64_t o_write_promote(dmfs_fs *fs, octx *c) { return dmfs_write(c->h[0], "ABC", 3); }
static void v_write_promote(dmfs_fs *fs, octx *c, int64_t rc) {
    dmfs_file_info fi;
    CHECK_OK(dmfs_debug_file_info(fs, "/multi", &fi));
    CHECK_EQ_INT(fi.storage, c->storage == DMFS_STORAGE_AUTO ? DMFS_STORAGE_RANDOM_ACCESS : fi.storage);
    CHECK_EQ_INT(dmfs_tell(c->h[0]), 3);
}
static void s_handle_rpb_35(dmfs_fs *fs, octx *c) {
    s_handle_rpb(fs, c);
    CHECK_RC(dmfs_seek(c->h[0], 35, DMFS_SEEK_SET), 35);
}
static int64_t o_write_extend(dmfs_fs *fs, octx *c) { return dmfs_write(c->h[0], "0123456789", 10); }
static void v_write_extend(dmfs_fs *fs, octx *c, int64_t rc) { CHECK_EQ_INT(dmfs_file_size(c->h[0]), 45); }
static int64_t o_trunc_up(dmfs_fs *fs, octx *c) { return dmfs_truncate(c->h[0], 100); }
static void v_trunc_up(dmfs_fs *fs, octx *c, int64_t rc) { CHECK_EQ_INT(dmfs_get_size(fs, "/multi"), 100); }
static int64_t o_trunc_down(dmfs_fs *fs, octx *c) { return dmfs_truncate(c->h[0], 15); }
static void v_trunc_down(dmfs_fs *fs, octx *c, int64_t rc) { CHECK_EQ_INT(dmfs_get_size(fs, "/multi"), 15); }
static int64_t o_trunc_zero(dmfs_fs *fs, octx *c) { return dmfs_truncate(c->h[0], 0); }

static int64_t o_mkdir_deep(dmfs_fs *fs, octx *c) { return dmfs_mkdir(fs, "/d/n1/n2/n3/n4/n5", 0); }
static void v_mkdir(dmfs_fs *fs, octx *c, int64_t rc) { CHECK(dmfs_is_dir(fs, "/d/n1/n2/n3/n4/n5")); }
static int64_t o_rename(dmfs_fs *fs, octx *c) { return dmfs_rename(fs, "/d/e", "/renamed"); }
static void v_rename(dmfs_fs *fs, octx *c, int64_t rc) { CHECK_CONTENT(fs, "/renamed/h", "hhhh"); }
static int64_t o_rename_file(dmfs_fs *fs, octx *c) { return dmfs_rename(fs, "/f", "/d/e/f2"); }
static int64_t o_move(dmfs_fs *fs, octx *c) { return dmfs_move(fs, "/d/g", "/p/q/r/g"); }
static void v_move(dmfs_fs *fs, octx *c, int64_t rc) { CHECK_CONTENT(fs, "/p/q/r/g", "ggg"); }
static int64_t o_remove(dmfs_fs *fs, octx *c) { return dmfs_remove(fs, "/d/g"); }
static void v_remove(dmfs_fs *fs, octx *c, int64_t rc) { CHECK(!dmfs_exists(fs, "/d/g")); }
static int64_t o_rmtree(dmfs_fs *fs, octx *c) { return dmfs_rmtree(fs, "/d"); }
static void v_rmtree(dmfs_fs *fs, octx *c, int64_t rc) { CHECK(!dmfs_exists(fs, "/d")); }
static int64_t o_copy(dmfs_fs *fs, octx *c) { return dmfs_copy(fs, "/multi", "/d/copy", 0); }
static void v_copy(dmfs_fs *fs, octx *c, int64_t rc) { CHECK_EQ_INT(dmfs_get_size(fs, "/d/copy"), 40); }
static int64_t o_copy_tree(dmfs_fs *fs, octx *c) { return dmfs_copy_tree(fs, "/", "/backup", 0); }
static void v_copy_tree(dmfs_fs *fs, octx *c, int64_t rc) {
    CHECK_CONTENT(fs, "/backup/d/e/h", "hhhh");
    CHECK(!dmfs_exists(fs, "/backup/backup"));
}
static int64_t o_import(dmfs_fs *fs, octx *c) {
    dmfs_entry e[] = {{"/f", "replaced", 8}, {"/new/a/b.bin", "data", 4}, {"/d/g", "g2", 2}, {"/new/c", "", 0}};
    return dmfs_import(fs, e, 4);
}
static void v_import(dmfs_fs *fs, octx *c, int64_t rc) {
    CHECK_CONTENT(fs, "/f", "replaced");
    CHECK_CONTENT(fs, "/new/a/b.bin", "data");
    CHECK_CONTENT(fs, "/d/g", "g2");
}
static int64_t o_write_file_replace(dmfs_fs *fs, octx *c) { return dmfs_write_file(fs, "/f", "replacement", 11, 0); }
static void v_write_file_replace(dmfs_fs *fs, octx *c, int64_t rc) { CHECK_CONTENT(fs, "/f", "replacement"); }
static int64_t o_write_file_new(dmfs_fs *fs, octx *c) { return dmfs_write_file(fs, "/d/wf", "new", 3, 0); }
static void v_write_file_new(dmfs_fs *fs, octx *c, int64_t rc) { CHECK_CONTENT(fs, "/d/wf", "new"); }
static int64_t o_read_file(dmfs_fs *fs, octx *c) { return dmfs_read_file(fs, "/multi", -1, 0, &c->data, &c->len); }
static void v_read_file(dmfs_fs *fs, octx *c, int64_t rc) {
    CHECK_EQ_U64(c->len, 40);
    CHECK(c->data && memcmp(c->data, "0123456789", 10) == 0);
}
static int64_t o_listdir(dmfs_fs *fs, octx *c) { return dmfs_listdir(fs, "/d", &c->list); }
static void v_listdir(dmfs_fs *fs, octx *c, int64_t rc) {
    CHECK(c->list && c->list->count == 2);
    if (c->list && c->list->count == 2) {
        CHECK_STR(c->list->items[0], "e");
        CHECK_STR(c->list->items[1], "g");
    }
}
static int64_t o_glob(dmfs_fs *fs, octx *c) { return dmfs_glob(fs, "/**/*", &c->list); }
static void v_glob(dmfs_fs *fs, octx *c, int64_t rc) {
    CHECK(c->list && c->list->count == 6);
    if (c->list && c->list->count == 6) {
        CHECK_STR(c->list->items[0], "/d");
        CHECK_STR(c->list->items[5], "/multi");
    }
}
static int64_t o_stat(dmfs_fs *fs, octx *c) {
    dmfs_statbuf st;
    int rc = dmfs_stat(fs, "/d/e/h", &st);
    if (rc == 0 && st.size != 4) return -1000;
    return rc;
}
static int64_t o_stats(dmfs_fs *fs, octx *c) {
    dmfs_statsbuf s;
    return dmfs_stats(fs, &s);
}
static int64_t o_export_open(dmfs_fs *fs, octx *c) { return dmfs_export_open(fs, "/", 0, 0, &c->x); }
static void v_export_open(dmfs_fs *fs, octx *c, int64_t rc) {
    const char *p;
    const uint8_t *d;
    size_t n;
    CHECK_RC(dmfs_export_next(c->x, &p, &d, &n), 1);
    CHECK_STR(p, "/d/e/h"); /* depth-first pre-order */
}
static void s_export(dmfs_fs *fs, octx *c) {
    s_basic(fs, c);
    CHECK_OK(dmfs_export_open(fs, "/d", 0, 0, &c->x));
}
static int64_t o_export_next(dmfs_fs *fs, octx *c) {
    const char *p;
    const uint8_t *d;
    size_t n;
    int rc = dmfs_export_next(c->x, &p, &d, &n);
    if (rc == 1 && (strcmp(p, "/d/e/h") != 0 || n != 4 || memcmp(d, "hhhh", 4) != 0)) return -1000;
    return rc;
}
static void v_export_next(dmfs_fs *fs, octx *c, int64_t rc) {
    const char *p;
    const uint8_t *d;
    size_t n;
    CHECK_RC(dmfs_export_next(c->x, &p, &d, &n), 1);
    CHECK_STR(p, "/d/g");
    CHECK_RC(dmfs_export_next(c->x, &p, &d, &n), 0);
}
static int64_t o_walk_open(dmfs_fs *fs, octx *c) { return dmfs_walk_open(fs, "/d", &c->w); }
static void v_walk_open(dmfs_fs *fs, octx *c, int64_t rc) {
    dmfs_walk_entry e;
    CHECK_RC(dmfs_walk_next(c->w, &e), 1);
    CHECK_STR(e.dirpath, "/d");
}
static void s_walk(dmfs_fs *fs, octx *c) {
    s_basic(fs, c);
    CHECK_OK(dmfs_walk_open(fs, "/d", &c->w));
}
static int64_t o_walk_next(dmfs_fs *fs, octx *c) {
    dmfs_walk_entry e;
    int rc = dmfs_walk_next(c->w, &e);
    if (rc == 1 && (strcmp(e.dirpath, "/d") || e.ndirs != 1 || e.nfiles != 1 || strcmp(e.dirnames[0], "e") ||
                    strcmp(e.filenames[0], "g")))
        return -1000;
    return rc;
}
static void v_walk_next(dmfs_fs *fs, octx *c, int64_t rc) {
    dmfs_walk_entry e;
    CHECK_RC(dmfs_walk_next(c->w, &e), 1);
    CHECK_STR(e.dirpath, "/d/e");
    CHECK_RC(dmfs_walk_next(c->w, &e), 0);
}

TEST(oom_create) {
    int done = 0;
    for (uint64_t n = 1; n <= 100 && !done; n++) {
        uint64_t h0 = dmfs_debug_heap_bytes();
        dmfs_fs *fs = NULL;
        dmfs_debug_fail_alloc(n);
        int rc = dmfs_create(NULL, &fs);
        dmfs_debug_fail_alloc(0);
        if (rc == DMFS_ENOMEM) {
            CHECK(fs == NULL);
            CHECK_EQ_U64(dmfs_debug_heap_bytes(), h0);
            CHECK_EQ_INT(dmfs_last_error()->code, DMFS_ENOMEM);
        } else {
            CHECK_OK(rc);
            CHECK_OK(dmfs_debug_check(fs));
            CHECK_OK(dmfs_destroy(fs));
            CHECK_EQ_U64(dmfs_debug_heap_bytes(), h0);
            done = 1;
        }
    }
    CHECK(done);
}

TEST(oom_open) {
    for (int s = 0; s < 3; s++) {
        sweep("open rb", s, s_basic, o_open_rb, v_has_out, 0);
        sweep("open wb existing", s, s_basic, o_open_wb_existing, v_wb_existing, 0);
        sweep("open wb new", s, s_basic, o_open_wb_new, v_has_out, 0);
        sweep("open ab", s, s_basic, o_open_ab, v_has_out, 0);
        sweep("open r+b", s, s_basic, o_open_rpb, v_has_out, 0);
        sweep("open xb", s, s_basic, o_open_xb, v_has_out, 0);
        sweep("open wb preallocate", s, s_basic, o_open_wb_pre, v_pre, 0);
        sweep("open xb preallocate", s, s_basic, o_open_xb_pre, v_pre, 0);
        sweep("open ab preallocate", s, s_basic, o_open_ab_pre, v_has_out, 0);
    }
}

TEST(oom_write) {
    sweep("write seq", DMFS_STORAGE_AUTO, s_handle_ab, o_write_seq, v_write_seq, 6);
    sweep("write seq (sequential)", DMFS_STORAGE_SEQUENTIAL, s_handle_ab, o_write_seq, v_write_seq, 6);
    sweep("write RA", DMFS_STORAGE_RANDOM_ACCESS, s_handle_ab, o_write_seq, v_write_seq, 6);
    sweep("write promotion", DMFS_STORAGE_AUTO, s_handle_rpb, o_write_promote, v_write_promote, 3);
    sweep("write RA overwrite", DMFS_STORAGE_RANDOM_ACCESS, s_handle_rpb, o_write_promote, v_write_promote, 3);
    sweep("write promotion + extend", DMFS_STORAGE_AUTO, s_handle_rpb_35, o_write_extend, v_write_extend, 10);
    sweep("write RA extend", DMFS_STORAGE_RANDOM_ACCESS, s_handle_rpb_35, o_write_extend, v_write_extend, 10);
}

TEST(oom_truncate) {
    for (int s = 0; s < 3; s++) {
        sweep("truncate up", s, s_handle_rpb, o_trunc_up, v_trunc_up, 100);
        sweep("truncate down", s, s_handle_rpb, o_trunc_down, v_trunc_down, 15);
        sweep("truncate 0", s, s_handle_rpb, o_trunc_zero, NULL, 0);
    }
}

TEST(oom_tree_ops) {
    sweep("mkdir deep", 0, s_basic, o_mkdir_deep, v_mkdir, 0);
    sweep("rename dir", 0, s_basic, o_rename, v_rename, 0);
    sweep("rename file", 0, s_basic, o_rename_file, NULL, 0);
    sweep("move with parents", 0, s_basic, o_move, v_move, 0);
    sweep("remove", 0, s_basic, o_remove, v_remove, 0);
    sweep("rmtree", 0, s_basic, o_rmtree, v_rmtree, 0);
}

TEST(oom_copy_import) {
    for (int s = 0; s < 3; s++) {
        sweep("copy", s, s_basic, o_copy, v_copy, 0);
        sweep("copyTree", s, s_basic, o_copy_tree, v_copy_tree, 0);
        sweep("import", s, s_basic, o_import, v_import, 0);
        sweep("write_file replace", s, s_basic, o_write_file_replace, v_write_file_replace, 0);
        sweep("write_file new", s, s_basic, o_write_file_new, v_write_file_new, 0);
    }
}

TEST(oom_queries) {
    sweep("read_file", 0, s_basic, o_read_file, v_read_file, 0);
    sweep("listdir", 0, s_basic, o_listdir, v_listdir, 0);
    sweep("glob", 0, s_basic, o_glob, v_glob, 0);
    sweep("stat", 0, s_basic, o_stat, NULL, 0);
    sweep("stats", 0, s_basic, o_stats, NULL, 0);
}

TEST(oom_iterators) {
    sweep("export_open", 0, s_basic, o_export_open, v_export_open, 0);
    sweep("export_next", 0, s_export, o_export_next, v_export_next, 1);
    sweep("walk_open", 0, s_basic, o_walk_open, v_walk_open, 0);
    sweep("walk_next", 0, s_walk, o_walk_next, v_walk_next, 1);
}

/* §9.3 example: second allocation of an import fails → /existing.bin keeps "original" */
TEST(oom_import_example) {
    int saw_enomem = 0;
    for (uint64_t n = 1; n <= 200; n++) {
        dmfs_fs *fs = th_fs_quota(1 << 20);
        th_put_str(fs, "/existing.bin", "original");
        dmfs_entry e[] = {{"/existing.bin", "replaced", 8}, {"/new.bin", "data", 4}};
        dmfs_debug_fail_alloc(n);
        int rc = dmfs_import(fs, e, 2);
        dmfs_debug_fail_alloc(0);
        if (rc == DMFS_ENOMEM) {
            saw_enomem = 1;
            CHECK_CONTENT(fs, "/existing.bin", "original");
            CHECK(!dmfs_exists(fs, "/new.bin"));
            CHECK_EQ_U64(th_used(fs), 8 + 128);
            CHECK_OK(dmfs_destroy(fs));
            continue;
        }
        CHECK_OK(rc);
        CHECK_CONTENT(fs, "/existing.bin", "replaced");
        CHECK_OK(dmfs_destroy(fs));
        break;
    }
    CHECK(saw_enomem);
}
