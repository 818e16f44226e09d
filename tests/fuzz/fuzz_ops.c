/* libFuzzer target: decodes the input into a sequence of dmemfs C API calls, runs each
 * against dmemfs and against the reference model (model.c), and aborts on any difference
 * in return code, contents, sizes, generations, storage or the ledger. dmfs_debug_check
 * runs after every step. With bit 7 of the second byte set, steps may run with the n-th
 * allocation made to fail: dmemfs must then either behave as the model or return
 * DMFS_ENOMEM having changed nothing (the model is rolled back and the whole state compared).
 * Build and run: tests/fuzz/run.sh [seconds]. */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dmemfs.h"
#include "model.h"

typedef struct {
    const uint8_t *p;
    size_t n;
} input;

static unsigned take(input *in) {
    if (!in->n) return 0;
    in->n--;
    return *in->p++;
}

#define FAILF(...)                                          \
    do {                                                    \
        fprintf(stderr, "fuzz_ops mismatch (step %d): ", step); \
        fprintf(stderr, __VA_ARGS__);                       \
        fputc('\n', stderr);                                \
        abort();                                            \
    } while (0)
#define EQ(a, b, what)                                                                    \
    do {                                                                                  \
        long long a_ = (long long)(a), b_ = (long long)(b);                               \
        if (trace > 0) fprintf(stderr, "  %d %s: %lld / %lld\n", step, what, a_, b_);     \
        if (a_ != b_ && oom_armed && a_ == DMFS_ENOMEM) longjmp(oom_jmp, 1);              \
        if (a_ != b_) FAILF("%s: dmemfs %lld (%s), model %lld (%s)", what, a_, dmfs_errname((int)a_), \
                            b_, dmfs_errname((int)b_));                                   \
    } while (0)

static int step, trace = -1;
/* Allocation-failure mode: state that must survive a longjmp lives in statics. */
static jmp_buf oom_jmp;
static int oom_armed;
static model saved;
static input in;
static dmfs_fs *fs;
static dmfs_file *fh[M_HANDLES];
static dmfs_export *cur_x;
static dmfs_walk *cur_w;
static dmfs_strlist *cur_l;

static const char *const PATHS[] = {
    "/a", "/b", "/a/b", "/a/c", "/b/a", "/a/b/c", "/c", "/", "a", "/a/", "/b/../a", "/..",
    "/a/b/c/a", "\\b\\c", "/c/a", "",
};
#define NPATHS (sizeof PATHS / sizeof PATHS[0])
static const char *const MODES[] = {"rb", "wb", "ab", "r+b", "xb", "r", "wb", "r+b"};
static const char *const PATTERNS[] = {"/*", "/a/*", "/**", "/**/b", "*/c", "/[ab]", "/a/**",
                                       "/?/?", "/[!a]*/**", "", "/", "/**/*/**", "b*/**/c"};
static const uint64_t QUOTAS[] = {0, 40, 150, 300, 600, 1000};
static const uint64_t OVS[] = {0, 3, 128};
static const uint64_t HARD[] = {0, 8, 536870912};
static const int64_t MAXSIZES[] = {-1, 0, 5, 100};

static int64_t fixed_clock(void *ctx) {
    (void)ctx;
    return 1000000;
}

static const char *path_of(input *in) {
    return PATHS[take(in) % NPATHS];
}

/* Compares the whole tree, the handles and the ledger. */
static void compare(dmfs_fs *fs, model *m, dmfs_file **fh) {
    EQ(dmfs_debug_check(fs), 0, "dmfs_debug_check");
    dmfs_statsbuf st;
    EQ(dmfs_stats(fs, &st), 0, "stats rc");
    uint64_t files = 0, dirs = 0, chunks = 0;
    for (int i = 0; i < M_NODES; i++) {
        if (!m->n[i].used) continue;
        if (m->n[i].is_dir) dirs++;
        else files++, chunks += m->n[i].ra ? 0 : m->n[i].chunks;
    }
    EQ(st.used_bytes, m->used, "stats used");
    EQ(st.quota_bytes, m->quota, "stats quota");
    EQ(st.free_bytes, m->quota - m->used, "stats free");
    EQ(st.file_count, files, "stats file_count");
    EQ(st.dir_count, dirs, "stats dir_count");
    EQ(st.chunk_count, chunks, "stats chunk_count");
    EQ(st.overhead_per_chunk, m->ov, "stats overhead");

    char path[4097];
    for (int i = 0; i < M_NODES; i++) {
        if (!m->n[i].used) continue;
        const mnode *f = &m->n[i];
        m_path(m, i, path);
        dmfs_statbuf sb;
        EQ(dmfs_stat(fs, path, &sb), 0, path);
        EQ(sb.is_dir, f->is_dir, "stat is_dir");
        if (f->is_dir) {
            dmfs_strlist *l = NULL;
            EQ(dmfs_listdir(fs, path, &l), 0, "listdir rc");
            EQ(l->count, f->nkids, "listdir count");
            for (size_t k = 0; k < l->count; k++)
                if (strcmp(l->items[k], m->n[f->kids[k]].name) != 0)
                    FAILF("listdir %s [%zu]: %s vs %s", path, k, l->items[k], m->n[f->kids[k]].name);
            dmfs_strlist_free(l);
            continue;
        }
        EQ(sb.size, f->size, "stat size");
        EQ(sb.generation, f->gen, "stat generation");
        dmfs_file_info fi;
        EQ(dmfs_debug_file_info(fs, path, &fi), 0, "file_info rc");
        EQ(fi.storage, f->ra ? DMFS_STORAGE_RANDOM_ACCESS : DMFS_STORAGE_SEQUENTIAL, "storage");
        EQ(fi.usage, m_usage(m, i), "usage");
        if (!f->ra) EQ(fi.chunks, f->chunks, "chunks");
        if (!f->writer) {
            uint8_t *data = NULL;
            size_t len = 0;
            EQ(dmfs_read_file(fs, path, -1, 0, &data, &len), 0, "read_file (compare)");
            EQ(len, f->size, "read_file len");
            if (len && memcmp(data, f->data, len) != 0) FAILF("contents of %s differ", path);
            dmfs_free(data);
        }
    }
    for (int s = 0; s < M_HANDLES; s++) {
        if (!m->h[s].open) continue;
        EQ(dmfs_tell(fh[s]), m->h[s].cursor, "tell");
        EQ(dmfs_file_size(fh[s]), m->n[m->h[s].node].size, "file_size");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    in.p = data, in.n = size;
    if (trace < 0) trace = getenv("FUZZ_TRACE") != NULL;
    static model m;
    dmfs_config cfg;
    dmfs_config_init(&cfg);
    unsigned b0 = take(&in), b1 = take(&in), b2 = take(&in);
    cfg.max_quota = QUOTAS[b0 % 6];
    cfg.max_nodes = 1 + b1 % 20;
    cfg.default_storage = (int)(b2 % 3);
    cfg.chunk_overhead = OVS[(b2 / 3) % 3];
    cfg.promotion_hard_limit = HARD[(b2 / 9) % 3];
    cfg.clock_ms = fixed_clock;
    cfg.default_lock_timeout_ms = 0;
    int oom_mode = b1 >= 128;
    fs = NULL;
    step = 0;
    EQ(dmfs_create(&cfg, &fs), 0, "create");
    m_init(&m, cfg.max_quota, cfg.max_nodes, cfg.default_storage, cfg.chunk_overhead,
           cfg.promotion_hard_limit);
    memset(fh, 0, sizeof fh);
    uint8_t buf[256], mbuf[256];
    static char gl[M_NODES][4097];

    while (in.n) {
        step++;
        unsigned op = take(&in) % 22;
        int slot = (int)(take(&in) % M_HANDLES);
        unsigned fail_n = oom_mode ? take(&in) : 255;
        if (fail_n < 96) {
            saved = m;
            if (setjmp(oom_jmp)) {
                /* dmemfs said ENOMEM: nothing may have changed */
                dmfs_debug_fail_alloc(0);
                oom_armed = 0;
                if (trace) fprintf(stderr, "  %d: ENOMEM, model rolled back\n", step);
                m = saved;
                if (cur_x) dmfs_export_close(cur_x);
                if (cur_w) dmfs_walk_close(cur_w);
                if (cur_l) dmfs_strlist_free(cur_l);
                cur_x = NULL, cur_w = NULL, cur_l = NULL;
                compare(fs, &m, fh);
                continue;
            }
            oom_armed = 1;
            dmfs_debug_fail_alloc(1 + fail_n % 8);
        }
        if (trace) fprintf(stderr, "step %d: op %u slot %d, next bytes %u %u %u\n", step, op, slot,
                           in.n > 0 ? in.p[0] : 0, in.n > 1 ? in.p[1] : 0, in.n > 2 ? in.p[2] : 0);
        int r1, r2;
        switch (op) {
        case 0: { /* open */
            if (m.h[slot].open) break;
            const char *p = path_of(&in);
            const char *mode = MODES[take(&in) % 8];
            unsigned pb = take(&in);
            int64_t pre = pb < 160 ? 0 : pb < 170 ? -1 : (int64_t)(pb % 120);
            r1 = dmfs_open(fs, p, mode, pre, 0, &fh[slot]);
            r2 = m_open(&m, slot, p, mode, pre);
            EQ(r1, r2, "open");
            break;
        }
        case 1: { /* read */
            if (!m.h[slot].open) break;
            size_t n = take(&in) % 40;
            int64_t a, b = m_read(&m, slot, n, mbuf);
            if (step & 1) { /* zero-copy read: the spans gathered must be the same bytes */
                dmfs_span sp[40];
                size_t count = 0;
                a = dmfs_read_spans(fh[slot], n, sp, 40, &count);
                size_t at = 0;
                for (size_t i = 0; i < count; i++) {
                    memcpy(buf + at, sp[i].data, sp[i].len);
                    at += sp[i].len;
                }
                if (a >= 0 && at != (size_t)a) FAILF("spans cover %zu bytes, returned %lld", at, (long long)a);
            } else {
                a = dmfs_read(fh[slot], buf, n);
            }
            EQ(a, b, "read");
            if (a > 0 && memcmp(buf, mbuf, (size_t)a)) FAILF("read bytes differ");
            break;
        }
        case 2: { /* write */
            if (!m.h[slot].open) break;
            size_t n = take(&in) % 60;
            memset(buf, (int)(step & 0xFF), n);
            int64_t a;
            if (step & 1) { /* zero-copy write: reserve, then store the bytes */
                void *dst = NULL;
                a = dmfs_write_reserve(fh[slot], n, &dst);
                if (a > 0) memcpy(dst, buf, n);
                else if (dst) FAILF("write_reserve %lld set dst", (long long)a);
            } else {
                a = dmfs_write(fh[slot], buf, n);
            }
            EQ(a, m_write(&m, slot, buf, n), "write");
            break;
        }
        case 3: { /* seek */
            if (!m.h[slot].open) break;
            int64_t off = (int8_t)take(&in);
            int wh = (int)(take(&in) % 4);
            EQ(dmfs_seek(fh[slot], off, wh), m_seek(&m, slot, off, wh), "seek");
            break;
        }
        case 4: { /* truncate */
            if (!m.h[slot].open) break;
            unsigned t = take(&in);
            int64_t sz = t == 255 ? -1 : (int64_t)(t % 90);
            EQ(dmfs_truncate(fh[slot], sz), m_truncate(&m, slot, sz), "truncate");
            break;
        }
        case 5: /* close */
            if (!m.h[slot].open) break;
            EQ(dmfs_close(fh[slot]), m_close(&m, slot), "close");
            fh[slot] = NULL;
            break;
        case 6: {
            const char *p = path_of(&in);
            int eo = (int)(take(&in) & 1);
            EQ(dmfs_mkdir(fs, p, eo), m_mkdir(&m, p, eo), "mkdir");
            break;
        }
        case 7:
        case 8: {
            const char *s = path_of(&in), *d = path_of(&in);
            r1 = op == 7 ? dmfs_rename(fs, s, d) : dmfs_move(fs, s, d);
            EQ(r1, m_rename(&m, s, d, op == 8), op == 7 ? "rename" : "move");
            break;
        }
        case 9: {
            const char *p = path_of(&in);
            EQ(dmfs_remove(fs, p), m_remove(&m, p), "remove");
            break;
        }
        case 10: {
            const char *p = path_of(&in);
            EQ(dmfs_rmtree(fs, p), m_rmtree(&m, p), "rmtree");
            break;
        }
        case 11: {
            const char *s = path_of(&in), *d = path_of(&in);
            EQ(dmfs_copy(fs, s, d, 0), m_copy(&m, s, d), "copy");
            break;
        }
        case 12: {
            const char *s = path_of(&in), *d = path_of(&in);
            EQ(dmfs_copy_tree(fs, s, d, 0), m_copy_tree(&m, s, d), "copy_tree");
            break;
        }
        case 13: { /* import */
            size_t cnt = take(&in) % 4;
            dmfs_entry e[3];
            m_entry me[3];
            static uint8_t idata[3][40];
            for (size_t k = 0; k < cnt; k++) {
                e[k].path = me[k].path = path_of(&in);
                e[k].len = me[k].len = take(&in) % 40;
                memset(idata[k], (int)(k + 'A'), sizeof idata[k]);
                e[k].data = me[k].data = idata[k];
            }
            EQ(dmfs_import(fs, e, cnt), m_import(&m, me, cnt), "import");
            break;
        }
        case 14: { /* write_file */
            const char *p = path_of(&in);
            size_t n = take(&in) % 50;
            memset(buf, (int)('a' + step % 26), n);
            EQ(dmfs_write_file(fs, p, buf, n, 0), m_write_file(&m, p, buf, n), "write_file");
            break;
        }
        case 15: { /* read_file */
            const char *p = path_of(&in);
            int64_t mx = MAXSIZES[take(&in) % 4];
            uint8_t *d = NULL;
            size_t len = 0;
            int node = -1;
            r2 = m_read_file(&m, p, mx, &node);
            if (step % 2) { /* read_file_into a 64-byte buffer: the size, bytes when they fit */
                uint8_t into[64];
                memset(into, 0xee, sizeof into);
                int64_t got = dmfs_read_file_into(fs, p, mx, 0, into, sizeof into);
                EQ(got < 0 ? got : 0, r2, "read_file_into");
                if (got >= 0) {
                    EQ((size_t)got, m.n[node].size, "read_file_into size");
                    if (got <= (int64_t)sizeof into) {
                        if (got && memcmp(into, m.n[node].data, (size_t)got)) FAILF("read_file_into bytes differ");
                    } else {
                        for (size_t i = 0; i < sizeof into; i++)
                            if (into[i] != 0xee) FAILF("read_file_into wrote a buffer too small");
                    }
                }
                break;
            }
            r1 = dmfs_read_file(fs, p, mx, 0, &d, &len);
            EQ(r1, r2, "read_file");
            if (r1 == 0) {
                EQ(len, m.n[node].size, "read_file len");
                if (len && memcmp(d, m.n[node].data, len)) FAILF("read_file bytes differ");
                dmfs_free(d);
            }
            break;
        }
        case 16: { /* stat / get_size / exists / is_dir / is_file */
            const char *p = path_of(&in);
            dmfs_statbuf sb;
            int n = m_resolve(&m, p);
            r1 = dmfs_stat(fs, p, &sb);
            EQ(r1, n < 0 ? n : 0, "stat");
            int64_t gs = dmfs_get_size(fs, p);
            EQ(gs, n < 0 ? n : m.n[n].is_dir ? DMFS_EISDIR : (int64_t)m.n[n].size, "get_size");
            EQ(dmfs_exists(fs, p), n >= 0, "exists");
            EQ(dmfs_is_dir(fs, p), n >= 0 && m.n[n].is_dir, "is_dir");
            EQ(dmfs_is_file(fs, p), n >= 0 && !m.n[n].is_dir, "is_file");
            break;
        }
        case 17: { /* listdir */
            const char *p = path_of(&in);
            int n = m_resolve(&m, p);
            dmfs_strlist *l = NULL;
            r1 = dmfs_listdir(fs, p, &l);
            EQ(r1, n < 0 ? n : m.n[n].is_dir ? 0 : DMFS_ENOTDIR, "listdir");
            if (r1 == 0) {
                EQ(l->count, m.n[n].nkids, "listdir count");
                dmfs_strlist_free(l);
            }
            break;
        }
        case 18: { /* glob */
            const char *pat = PATTERNS[take(&in) % (sizeof PATTERNS / sizeof PATTERNS[0])];
            dmfs_strlist *l = NULL;
            r1 = dmfs_glob(fs, pat, &l);
            EQ(r1, 0, "glob rc");
            cur_l = l;
            int cnt = m_glob(&m, pat, gl, M_NODES);
            EQ(l->count, cnt, "glob count");
            for (int k = 0; k < cnt; k++)
                if (strcmp(l->items[k], gl[k])) FAILF("glob %s [%d]: %s vs %s", pat, k, l->items[k], gl[k]);
            dmfs_strlist_free(l);
            cur_l = NULL;
            break;
        }
        case 19: { /* export */
            const char *p = path_of(&in);
            int dirty = (int)(take(&in) & 1);
            int list[M_NODES];
            int cnt = m_export_list(&m, p, dirty, list, M_NODES);
            dmfs_export *x = NULL;
            r1 = dmfs_export_open(fs, p, dirty, 0, &x);
            if (r1 == 0) cur_x = x;
            if (cnt < 0) {
                /* errors may come at open or at the first next() */
                if (r1 == 0) {
                    const char *ep;
                    const uint8_t *ed;
                    size_t el;
                    EQ(dmfs_export_next(x, &ep, &ed, &el), cnt, "export_next error");
                    dmfs_export_close(x);
                    cur_x = NULL;
                } else {
                    EQ(r1, cnt, "export_open");
                }
                break;
            }
            EQ(r1, 0, "export_open");
            for (int k = 0;; k++) {
                const char *ep;
                const uint8_t *ed;
                size_t el;
                int r = dmfs_export_next(x, &ep, &ed, &el);
                if (k == cnt) {
                    EQ(r, 0, "export end");
                    break;
                }
                if (m.n[list[k]].writer) {
                    EQ(r, DMFS_EAGAIN, "export_next locked");
                    break;
                }
                EQ(r, 1, "export_next");
                char mp[4097];
                m_path(&m, list[k], mp);
                if (strcmp(ep, mp)) FAILF("export [%d]: %s vs %s", k, ep, mp);
                EQ(el, m.n[list[k]].size, "export len");
                if (el && memcmp(ed, m.n[list[k]].data, el)) FAILF("export bytes differ");
            }
            cur_x = NULL;
            EQ(dmfs_export_close(x), 0, "export_close");
            break;
        }
        case 20: { /* walk */
            const char *p = path_of(&in);
            int n = m_resolve(&m, p);
            dmfs_walk *w = NULL;
            r1 = dmfs_walk_open(fs, p, &w);
            if (r1 == 0) cur_w = w;
            EQ(r1, n < 0 ? n : m.n[n].is_dir ? 0 : DMFS_ENOTDIR, "walk_open");
            if (r1) break;
            /* model pre-order over directories */
            int stack[M_NODES], sp = 0;
            stack[sp++] = n;
            while (1) {
                dmfs_walk_entry we;
                int r = dmfs_walk_next(w, &we);
                if (!sp) {
                    EQ(r, 0, "walk end");
                    break;
                }
                EQ(r, 1, "walk_next");
                int d = stack[--sp];
                char mp[4097];
                m_path(&m, d, mp);
                if (strcmp(we.dirpath, mp)) FAILF("walk dirpath %s vs %s", we.dirpath, mp);
                size_t nd = 0, nf = 0;
                for (int k = 0; k < m.n[d].nkids; k++) {
                    const mnode *c = &m.n[m.n[d].kids[k]];
                    if (c->is_dir) {
                        if (nd >= we.ndirs || strcmp(we.dirnames[nd], c->name)) FAILF("walk dirnames of %s", mp);
                        nd++;
                    } else {
                        if (nf >= we.nfiles || strcmp(we.filenames[nf], c->name)) FAILF("walk filenames of %s", mp);
                        nf++;
                    }
                }
                EQ(we.ndirs, nd, "walk ndirs");
                EQ(we.nfiles, nf, "walk nfiles");
                for (int k = m.n[d].nkids; k-- > 0;)
                    if (m.n[m.n[d].kids[k]].is_dir) stack[sp++] = m.n[d].kids[k];
            }
            cur_w = NULL;
            EQ(dmfs_walk_close(w), 0, "walk_close");
            break;
        }
        case 21: /* flush */
            if (!m.h[slot].open) break;
            EQ(dmfs_flush(fh[slot]), 0, "flush");
            break;
        }
        dmfs_debug_fail_alloc(0);
        oom_armed = 0;
        compare(fs, &m, fh);
    }
    for (int s = 0; s < M_HANDLES; s++)
        if (m.h[s].open) {
            EQ(dmfs_close(fh[s]), 0, "final close");
            m_close(&m, s);
        }
    compare(fs, &m, fh);
    EQ(dmfs_destroy(fs), 0, "destroy");
    return 0;
}
