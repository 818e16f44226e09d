/* Real pthreads against one filesystem: stress (§8.7), torn reads, lock timeouts (§8.2),
 * cross-thread close, destroy with waiters, non-blocking mode + wait word (§8.4). */
#include "harness.h"

#include <stdatomic.h>
#include <time.h>
#if defined(__EMSCRIPTEN__)
#include <emscripten/threading.h>
#else
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

static int allowed_8_7(int64_t rc) {
    return rc >= 0 || rc == DMFS_EEXIST || rc == DMFS_ENOENT || rc == DMFS_EBUSY || rc == DMFS_EAGAIN ||
           rc == DMFS_ENOSPC;
}

/* ── 50 threads of mixed operations ── */

typedef struct mix_arg {
    dmfs_fs *fs;
    uint64_t seed;
    int id;
    atomic_int *bad;
    atomic_long *ok_ops;
} mix_arg;

#define MIX_THREADS 50
#define MIX_OPS 400

/* walk, glob (weakly consistent) and stats never fail because of concurrent changes */
static void mix_strict(mix_arg *a, const char *what, int64_t rc) {
    if (rc < 0) {
        fprintf(stderr, "  thread %d: %s → %lld (%s)\n", a->id, what, (long long)rc, dmfs_errname((int)rc));
        atomic_fetch_add(a->bad, 1);
    }
}

static void mix_note(mix_arg *a, const char *what, int64_t rc) {
    if (!allowed_8_7(rc)) {
        fprintf(stderr, "  thread %d: %s → %lld (%s)\n", a->id, what, (long long)rc, dmfs_errname((int)rc));
        atomic_fetch_add(a->bad, 1);
    } else if (rc >= 0) {
        atomic_fetch_add(a->ok_ops, 1);
    }
}

/* Files are /dK/fN or /fN, directories /dK (K, N small): names never change kind, so
 * ENOTDIR/EISDIR cannot happen and only the §8.7 errors may. */
static void *mix_thread(void *p) {
    mix_arg *a = (mix_arg *)p;
    uint64_t st = a->seed;
    char path[64], path2[64], buf[256];
    memset(buf, 'a' + a->id % 26, sizeof buf);
    for (int i = 0; i < MIX_OPS; i++) {
        int d = (int)th_rand_below(&st, 4), fno = (int)th_rand_below(&st, 6);
        int d2 = (int)th_rand_below(&st, 4), f2 = (int)th_rand_below(&st, 6);
        if (th_rand_below(&st, 3) == 0) snprintf(path, sizeof path, "/f%d", fno);
        else snprintf(path, sizeof path, "/d%d/f%d", d, fno);
        snprintf(path2, sizeof path2, "/d%d/f%d", d2, f2);
        char dir[16];
        snprintf(dir, sizeof dir, "/d%d", d);
        int64_t to = (int64_t)th_rand_below(&st, 3) - 1 + 1; /* 0, 1 or 2 ms */
        dmfs_file *f = NULL;
        int64_t rc;
        switch (th_rand_below(&st, 14)) {
        case 0: rc = dmfs_mkdir(a->fs, dir, (int)th_rand_below(&st, 2)); mix_note(a, "mkdir", rc); break;
        case 1: rc = dmfs_rmtree(a->fs, dir); mix_note(a, "rmtree", rc); break;
        case 2: {
            dmfs_strlist *l = NULL;
            rc = dmfs_listdir(a->fs, dir, &l);
            mix_note(a, "listdir", rc);
            dmfs_strlist_free(l);
            break;
        }
        case 3:
        case 4: {
            static const char *modes[] = {"wb", "ab", "r+b", "xb", "rb"};
            const char *m = modes[th_rand_below(&st, 5)];
            rc = dmfs_open(a->fs, path, m, (int64_t)th_rand_below(&st, 2) * (m[0] == 'r' && m[1] == 'b' ? 0 : 20), to, &f);
            mix_note(a, "open", rc);
            if (rc == 0) {
                if (m[0] != 'r' || m[1] == '+') {
                    int64_t w = dmfs_write(f, buf, 1 + th_rand_below(&st, 100));
                    mix_note(a, "write", w);
                    if (th_rand_below(&st, 3) == 0) {
                        dmfs_seek(f, 0, DMFS_SEEK_SET);
                        mix_note(a, "write0", dmfs_write(f, buf, 3));
                    }
                    if (th_rand_below(&st, 4) == 0) mix_note(a, "truncate", dmfs_truncate(f, (int64_t)th_rand_below(&st, 50)));
                }
                if (m[0] == 'r') {
                    char rb[128];
                    mix_note(a, "read", dmfs_read(f, rb, sizeof rb));
                }
                mix_note(a, "close", dmfs_close(f));
            }
            break;
        }
        case 5: rc = dmfs_remove(a->fs, path); mix_note(a, "remove", rc); break;
        case 6: rc = dmfs_rename(a->fs, path, path2); mix_note(a, "rename", rc); break;
        case 7: rc = dmfs_move(a->fs, path, path2); mix_note(a, "move", rc); break;
        case 8: rc = dmfs_copy(a->fs, path, path2, to); mix_note(a, "copy", rc); break;
        case 9: {
            uint8_t *data = NULL;
            size_t n = 0;
            rc = dmfs_read_file(a->fs, path, -1, to, &data, &n);
            mix_note(a, "read_file", rc);
            dmfs_free(data);
            break;
        }
        case 10: rc = dmfs_write_file(a->fs, path, buf, th_rand_below(&st, 200), to); mix_note(a, "write_file", rc); break;
        case 11: {
            dmfs_entry e[2] = {{path, buf, 10}, {path2, buf, 20}};
            rc = dmfs_import(a->fs, e, 2);
            mix_note(a, "import", rc);
            break;
        }
        case 12: {
            dmfs_strlist *l = NULL;
            rc = dmfs_glob(a->fs, "/**/f*", &l);
            mix_strict(a, "glob", rc);
            dmfs_strlist_free(l);
            dmfs_statsbuf s;
            mix_strict(a, "stats", dmfs_stats(a->fs, &s));
            if (rc == 0 && s.used_bytes > s.quota_bytes) mix_note(a, "used>quota", DMFS_EINVAL);
            break;
        }
        default: {
            dmfs_walk *w = NULL;
            rc = dmfs_walk_open(a->fs, "/", &w);
            mix_strict(a, "walk_open", rc);
            if (rc == 0) {
                dmfs_walk_entry we;
                int64_t r2;
                int guard = 0;
                while ((r2 = dmfs_walk_next(w, &we)) == 1 && guard++ < 100) {
                }
                mix_strict(a, "walk_next", r2);
                dmfs_walk_close(w);
            }
            dmfs_export *x = NULL;
            rc = dmfs_export_open(a->fs, "/", 0, to, &x);
            mix_note(a, "export_open", rc);
            if (rc == 0) {
                const char *pp;
                const uint8_t *dd;
                size_t nn;
                int64_t r2;
                int guard = 0;
                while ((r2 = dmfs_export_next(x, &pp, &dd, &nn)) == 1 && guard++ < 100) {
                }
                mix_note(a, "export_next", r2);
                dmfs_export_close(x);
            }
            break;
        }
        }
    }
    return NULL;
}

TEST(stress_50_threads_mixed) {
    uint64_t seed = th_seed();
    dmfs_fs *fs = th_fs_quota(8192); /* small: ENOSPC happens */
    atomic_int bad = 0;
    atomic_long okops = 0;
    mix_arg args[MIX_THREADS];
    pthread_t t[MIX_THREADS];
    for (int i = 0; i < MIX_THREADS; i++) {
        args[i] = (mix_arg){fs, seed ^ (0x1000193ull * (uint64_t)(i + 1)), i, &bad, &okops};
        CHECK(pthread_create(&t[i], NULL, mix_thread, &args[i]) == 0);
    }
    for (int i = 0; i < MIX_THREADS; i++) pthread_join(t[i], NULL);
    CHECK_EQ_INT(atomic_load(&bad), 0);
    CHECK(atomic_load(&okops) > MIX_THREADS * 10);
    CHECK_INVARIANTS(fs);
    dmfs_statsbuf s;
    CHECK_OK(dmfs_stats(fs, &s));
    CHECK(s.used_bytes <= 8192);
    /* nothing is left locked: every file can be opened exclusively at once */
    dmfs_strlist *l = NULL;
    CHECK_OK(dmfs_glob(fs, "/**/f*", &l));
    for (size_t i = 0; i < l->count; i++) {
        if (!dmfs_is_file(fs, l->items[i])) continue;
        dmfs_file *f = NULL;
        CHECK_RC(dmfs_open(fs, l->items[i], "r+b", 0, 0, &f), 0);
        if (f) dmfs_close(f);
    }
    dmfs_strlist_free(l);
    CHECK_OK(dmfs_destroy(fs));
}

/* ── torn reads: 20 writers, 20 readers ── */

typedef struct torn_arg {
    dmfs_fs *fs;
    int id;
    atomic_int *bad;
    atomic_int *writes;
    atomic_int *reads;
    atomic_int *stop;
    pthread_barrier_t *start;
} torn_arg;

static void *torn_writer(void *p) {
    torn_arg *a = (torn_arg *)p;
    uint8_t blk[128];
    memset(blk, (uint8_t)(a->id + 1), sizeof blk);
    pthread_barrier_wait(a->start);
    for (int i = 0; i < 50; i++) {
        struct timespec pause = {0, 200000};
        nanosleep(&pause, NULL);
        dmfs_file *f = NULL;
        int rc = dmfs_open(a->fs, "/shared", (i & 1) ? "r+b" : "wb", 0, 5000, &f);
        if (rc == DMFS_EAGAIN) continue;
        if (rc != 0) {
            fprintf(stderr, "  writer %d open: %s\n", a->id, dmfs_errname(rc));
            atomic_fetch_add(a->bad, 1);
            continue;
        }
        int64_t w = dmfs_write(f, blk, sizeof blk);
        if (w != 128) {
            fprintf(stderr, "  writer %d write: %lld\n", a->id, (long long)w);
            atomic_fetch_add(a->bad, 1);
        } else {
            atomic_fetch_add(a->writes, 1);
        }
        dmfs_close(f);
    }
    return NULL;
}

static int check_block(const uint8_t *d, int64_t n) {
    if (n == 0) return 1;
    if (n != 128) return 0;
    if (d[0] < 1 || d[0] > 20) return 0;
    for (int i = 1; i < 128; i++)
        if (d[i] != d[0]) return 0;
    return 1;
}

static void *torn_reader(void *p) {
    torn_arg *a = (torn_arg *)p;
    uint8_t buf[512];
    int seen_data = 0; /* once written, the file is never seen empty: wb truncates under the lock */
    pthread_barrier_wait(a->start);
    while (!atomic_load(a->stop)) {
        dmfs_file *f = NULL;
        int rc = dmfs_open(a->fs, "/shared", "rb", 0, 5000, &f);
        if (rc == DMFS_EAGAIN) continue;
        if (rc != 0) {
            atomic_fetch_add(a->bad, 1);
            break;
        }
        int64_t n = dmfs_read(f, buf, sizeof buf);
        dmfs_close(f);
        if (n > 0) seen_data = 1;
        if (!check_block(buf, n) || (seen_data && n == 0)) {
            fprintf(stderr, "  reader %d: torn read of %lld bytes (first %d)\n", a->id, (long long)n, n > 0 ? buf[0] : -1);
            atomic_fetch_add(a->bad, 1);
        }
        /* read_file must never be torn either */
        uint8_t *d = NULL;
        size_t len = 0;
        rc = dmfs_read_file(a->fs, "/shared", -1, 5000, &d, &len);
        if (rc == 0 && (!check_block(d, (int64_t)len) || (seen_data && len == 0))) {
            fprintf(stderr, "  reader %d: torn read_file of %zu bytes\n", a->id, len);
            atomic_fetch_add(a->bad, 1);
        } else if (rc != 0 && rc != DMFS_EAGAIN) {
            atomic_fetch_add(a->bad, 1);
        }
        dmfs_free(d);
        /* exports and copies take the shared lock too: never torn */
        dmfs_export *x = NULL;
        rc = dmfs_export_open(a->fs, "/shared", 0, 5000, &x);
        if (rc == 0) {
            const char *ep;
            const uint8_t *ed;
            size_t en;
            int r2 = dmfs_export_next(x, &ep, &ed, &en);
            if (r2 == 1 && !check_block(ed, (int64_t)en)) {
                fprintf(stderr, "  reader %d: torn export of %zu bytes\n", a->id, en);
                atomic_fetch_add(a->bad, 1);
            } else if (r2 != 1 && r2 != DMFS_EAGAIN) {
                atomic_fetch_add(a->bad, 1);
            }
            dmfs_export_close(x);
        } else {
            atomic_fetch_add(a->bad, 1);
        }
        char cp[32];
        snprintf(cp, sizeof cp, "/copy%d", a->id);
        rc = dmfs_copy(a->fs, "/shared", cp, 5000);
        if (rc == 0) {
            d = NULL;
            len = 0;
            if (dmfs_read_file(a->fs, cp, -1, 0, &d, &len) != 0 || !check_block(d, (int64_t)len)) {
                fprintf(stderr, "  reader %d: torn copy of %zu bytes\n", a->id, len);
                atomic_fetch_add(a->bad, 1);
            }
            dmfs_free(d);
            if (dmfs_remove(a->fs, cp) != 0) atomic_fetch_add(a->bad, 1);
        } else if (rc != DMFS_EAGAIN) {
            atomic_fetch_add(a->bad, 1);
        }
        /* size from a query is one the file really had */
        int64_t sz = dmfs_get_size(a->fs, "/shared");
        /* queries ignore locks: 0 is possible while a wb holder has truncated the file */
        if (sz != 0 && sz != 128) {
            fprintf(stderr, "  reader %d: get_size %lld\n", a->id, (long long)sz);
            atomic_fetch_add(a->bad, 1);
        }
        atomic_fetch_add(a->reads, 1);
        th_sleep_ms(1); /* readers are not fair to writers: give them room */
    }
    return NULL;
}

TEST(torn_reads_20_writers_20_readers) {
    dmfs_fs *fs = th_fs_quota(1 << 20);
    th_put(fs, "/shared", "", 0);
    atomic_int bad = 0, writes = 0, reads = 0, stop = 0;
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, 40);
    torn_arg wa[20], ra[20];
    pthread_t wt[20], rt[20];
    for (int i = 0; i < 20; i++) {
        ra[i] = (torn_arg){fs, i, &bad, &writes, &reads, &stop, &start};
        CHECK(pthread_create(&rt[i], NULL, torn_reader, &ra[i]) == 0);
    }
    for (int i = 0; i < 20; i++) {
        wa[i] = (torn_arg){fs, i, &bad, &writes, &reads, &stop, &start};
        CHECK(pthread_create(&wt[i], NULL, torn_writer, &wa[i]) == 0);
    }
    for (int i = 0; i < 20; i++) pthread_join(wt[i], NULL);
    atomic_store(&stop, 1);
    for (int i = 0; i < 20; i++) pthread_join(rt[i], NULL);
    pthread_barrier_destroy(&start);
    CHECK_EQ_INT(atomic_load(&bad), 0);
    CHECK(atomic_load(&writes) > 0);
    CHECK(atomic_load(&reads) > 0);
    printf("  writes=%d reads=%d\n", atomic_load(&writes), atomic_load(&reads));
    CHECK_EQ_INT(dmfs_get_size(fs, "/shared"), 128);
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

/* ── lock timeouts ── */

typedef struct hold_arg {
    dmfs_fs *fs;
    const char *mode;
    int64_t hold_ms;
    pthread_barrier_t *bar;
    int rc;
} hold_arg;

static void *holder(void *p) {
    hold_arg *a = (hold_arg *)p;
    dmfs_file *f = NULL;
    a->rc = dmfs_open(a->fs, "/l", a->mode, 0, 0, &f);
    pthread_barrier_wait(a->bar);
    if (a->rc == 0) {
        th_sleep_ms(a->hold_ms);
        dmfs_close(f);
    }
    return NULL;
}

TEST(lock_timeouts) {
    dmfs_fs *fs = th_fs_quota(1 << 20);
    th_put_str(fs, "/l", "x");
    pthread_barrier_t bar;
    pthread_barrier_init(&bar, NULL, 2);
    hold_arg h = {fs, "wb", 200, &bar, -1};
    pthread_t t;
    /* timeout 50 → EAGAIN after ≥ 50 ms and well before 200 */
    CHECK(pthread_create(&t, NULL, holder, &h) == 0);
    pthread_barrier_wait(&bar);
    CHECK_OK(h.rc);
    dmfs_file *f = NULL;
    int64_t t0 = th_now_ms();
    CHECK_RC(dmfs_open(fs, "/l", "rb", 0, 50, &f), DMFS_EAGAIN);
    int64_t el = th_now_ms() - t0;
    if (el < 50 || el >= 2000) TH_FAILF("timeout 50 took %lld ms", (long long)el); /* upper bound: a hang, not noise */
    /* timeout 0: try once */
    t0 = th_now_ms();
    uint64_t sleeps0 = dmfs_debug_wait_count();
    CHECK_RC(dmfs_open(fs, "/l", "r+b", 0, 0, &f), DMFS_EAGAIN);
    CHECK_EQ_U64(dmfs_debug_wait_count(), sleeps0); /* timeout 0 never sleeps */
    uint8_t *d;
    size_t n;
    CHECK_RC(dmfs_read_file(fs, "/l", -1, 0, &d, &n), DMFS_EAGAIN);
    CHECK_RC(dmfs_copy(fs, "/l", "/c", 0), DMFS_EAGAIN);
    /* −1 waits until release (the holder closes about 200 ms after it opened) */
    CHECK_OK(dmfs_open(fs, "/l", "rb", 0, DMFS_WAIT_FOREVER, &f));
    el = th_now_ms() - t0;
    CHECK(el >= 100);
    CHECK_OK(dmfs_close(f));
    pthread_join(t, NULL);
    /* a waiting copy gets the source once released */
    h = (hold_arg){fs, "ab", 100, &bar, -1};
    CHECK(pthread_create(&t, NULL, holder, &h) == 0);
    pthread_barrier_wait(&bar);
    CHECK_OK(dmfs_copy(fs, "/l", "/c", 2000));
    pthread_join(t, NULL);
    /* held shared: rb granted at once while wb waits out its timeout */
    h = (hold_arg){fs, "rb", 150, &bar, -1};
    CHECK(pthread_create(&t, NULL, holder, &h) == 0);
    pthread_barrier_wait(&bar);
    CHECK_OK(dmfs_open(fs, "/l", "rb", 0, 0, &f));
    CHECK_OK(dmfs_close(f));
    t0 = th_now_ms();
    CHECK_RC(dmfs_open(fs, "/l", "wb", 0, 30, &f), DMFS_EAGAIN);
    CHECK(th_now_ms() - t0 >= 30);
    CHECK_RC(dmfs_remove(fs, "/l"), DMFS_EBUSY);
    CHECK_OK(dmfs_open(fs, "/l", "wb", 0, 2000, &f));
    CHECK_OK(dmfs_close(f));
    pthread_join(t, NULL);
    pthread_barrier_destroy(&bar);
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

/* ── close from another thread ── */

typedef struct xclose_arg {
    dmfs_fs *fs;
    dmfs_file *f;
    int rc;
    int64_t waited;
} xclose_arg;

static void *xclose_closer(void *p) {
    xclose_arg *a = (xclose_arg *)p;
    th_sleep_ms(80);
    a->rc = dmfs_close(a->f);
    return NULL;
}
static void *xclose_waiter(void *p) {
    xclose_arg *a = (xclose_arg *)p;
    dmfs_file *g = NULL;
    int64_t t0 = th_now_ms();
    a->rc = dmfs_open(a->fs, "/x", "r+b", 0, 5000, &g);
    a->waited = th_now_ms() - t0;
    if (a->rc == 0) {
        if (dmfs_write(g, "W", 1) != 1) a->rc = -1000;
        dmfs_close(g);
    }
    return NULL;
}

TEST(close_from_other_thread) {
    dmfs_fs *fs = th_fs_quota(1 << 20);
    dmfs_file *f = NULL;
    CHECK_OK(dmfs_open(fs, "/x", "wb", 0, 0, &f));
    CHECK_RC(dmfs_write(f, "abc", 3), 3);
    xclose_arg c = {fs, f, -1, 0}, w = {fs, NULL, -1, 0};
    pthread_t tc, tw;
    CHECK(pthread_create(&tw, NULL, xclose_waiter, &w) == 0);
    CHECK(pthread_create(&tc, NULL, xclose_closer, &c) == 0);
    pthread_join(tc, NULL);
    pthread_join(tw, NULL);
    CHECK_OK(c.rc);
    CHECK_OK(w.rc);
    CHECK(w.waited >= 40);
    CHECK_CONTENT(fs, "/x", "Wbc");
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

/* ── destroy while a thread waits ── */

typedef struct dw_arg {
    dmfs_fs *fs;
    atomic_int started;
    int rc;
} dw_arg;

static void *dw_waiter(void *p) {
    dw_arg *a = (dw_arg *)p;
    dmfs_file *g = NULL;
    atomic_store(&a->started, 1);
    a->rc = dmfs_open(a->fs, "/w", "rb", 0, DMFS_WAIT_FOREVER, &g);
    return NULL;
}

TEST(destroy_wakes_waiters) {
    dmfs_fs *fs = th_fs_quota(1 << 20);
    dmfs_file *f = NULL;
    CHECK_OK(dmfs_open(fs, "/w", "wb", 0, 0, &f));
    dw_arg a = {fs, 0, 12345};
    pthread_t t;
    CHECK(pthread_create(&t, NULL, dw_waiter, &a) == 0);
    while (!atomic_load(&a.started)) th_sleep_ms(1);
    th_sleep_ms(100); /* let it block in the wait */
    int64_t t0 = th_now_ms();
    CHECK_OK(dmfs_destroy(fs));
    pthread_join(t, NULL);
    CHECK_RC(a.rc, DMFS_EBADF);
    CHECK(th_now_ms() - t0 < 2000);
}

/* ── non-blocking mode and the wait word ── */

typedef struct nb_arg {
    dmfs_fs *fs;
    int first_rc, final_rc, first_kind;
    int64_t first_ms;
    int woke;
    pthread_barrier_t *bar;
} nb_arg;

static void *nb_thread(void *p) {
    nb_arg *a = (nb_arg *)p;
    dmfs_set_nonblocking(1);
    const volatile uint32_t *word = dmfs_wait_word(a->fs);
    pthread_barrier_wait(a->bar); /* main holds the lock now */
    uint32_t w0 = __atomic_load_n(word, __ATOMIC_SEQ_CST);
    dmfs_file *f = NULL;
    int64_t t0 = th_now_ms();
    a->first_rc = dmfs_open(a->fs, "/n", "rb", 0, DMFS_WAIT_FOREVER, &f);
    a->first_ms = th_now_ms() - t0;
    a->first_kind = dmfs_last_error()->kind; /* the file lock was busy, not the structure lock */
    pthread_barrier_wait(a->bar); /* tell main to release */
    a->final_rc = a->first_rc;
    /* the thread's own failed attempts also change the word: bound the loop by time */
    int64_t deadline = th_now_ms() + 2000;
    while (a->final_rc == DMFS_EAGAIN && th_now_ms() < deadline) {
        if (__atomic_load_n(word, __ATOMIC_SEQ_CST) != w0) {
            a->woke = 1;
            w0 = __atomic_load_n(word, __ATOMIC_SEQ_CST);
            a->final_rc = dmfs_open(a->fs, "/n", "rb", 0, DMFS_WAIT_FOREVER, &f);
        } else {
            th_sleep_ms(1);
        }
    }
    if (a->final_rc == 0) dmfs_close(f);
    dmfs_set_nonblocking(0);
    return NULL;
}

TEST(nonblocking_and_wait_word) {
    dmfs_fs *fs = th_fs_quota(1 << 20);
    th_put_str(fs, "/n", "x");
    const volatile uint32_t *word = dmfs_wait_word(fs);
    CHECK(word != NULL);
    CHECK(word == dmfs_wait_word(fs));
    pthread_barrier_t bar;
    pthread_barrier_init(&bar, NULL, 2);
    nb_arg a = {fs, 1, 1, -1, 0, 0, &bar};
    pthread_t t;
    CHECK(pthread_create(&t, NULL, nb_thread, &a) == 0);
    dmfs_file *f = NULL;
    CHECK_OK(dmfs_open(fs, "/n", "wb", 0, 0, &f));
    pthread_barrier_wait(&bar);
    pthread_barrier_wait(&bar);
    th_sleep_ms(20);
    uint32_t before = __atomic_load_n(word, __ATOMIC_SEQ_CST);
    CHECK_OK(dmfs_close(f));
    CHECK(__atomic_load_n(word, __ATOMIC_SEQ_CST) != before); /* unlock changes the word */
    pthread_join(t, NULL);
    CHECK_RC(a.first_rc, DMFS_EAGAIN);
    CHECK_EQ_INT(a.first_kind, DMFS_KIND_NONE);
    CHECK(a.first_ms < 5000); /* a real wait here would deadlock: main releases only after the barrier */
    CHECK(a.woke);
    CHECK_OK(a.final_rc);
    /* non-blocking is per thread: this thread still waits normally */
    CHECK_OK(dmfs_open(fs, "/n", "rb", 0, 100, &f));
    CHECK_OK(dmfs_close(f));
    /* uncontended calls work in non-blocking mode */
    dmfs_set_nonblocking(1);
    CHECK_OK(dmfs_mkdir(fs, "/nb", 0));
    CHECK_OK(dmfs_open(fs, "/n", "r+b", 0, DMFS_WAIT_FOREVER, &f));
    dmfs_file *g = NULL;
    int64_t t0 = th_now_ms();
    CHECK_RC(dmfs_open(fs, "/n", "rb", 0, 5000, &g), DMFS_EAGAIN);
    CHECK(th_now_ms() - t0 < 50);
    CHECK_OK(dmfs_close(f));
    dmfs_set_nonblocking(0);
    pthread_barrier_destroy(&bar);
    CHECK_OK(dmfs_destroy(fs));
}

/* ── registered waiters are notified (dmfs_wait_register) ── */

/* Sleeps on the wait word as a binding does: until it differs from seen, or ms pass. */
static void word_sleep(const volatile uint32_t *word, uint32_t seen, int64_t ms) {
#if defined(__EMSCRIPTEN__)
    emscripten_futex_wait((volatile void *)word, seen, (double)ms);
#else
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT_PRIVATE, seen, &ts, NULL, 0);
#endif
}

typedef struct reg_arg {
    dmfs_fs *fs;
    int first_rc;
    int64_t slept_ms;
    int changed;
    pthread_barrier_t *bar;
} reg_arg;

static void *reg_thread(void *p) {
    reg_arg *a = (reg_arg *)p;
    dmfs_set_nonblocking(1);
    const volatile uint32_t *word = dmfs_wait_word(a->fs);
    pthread_barrier_wait(a->bar); /* main holds /n for writing */
    dmfs_file *f = NULL;
    a->first_rc = dmfs_open(a->fs, "/n", "rb", 0, DMFS_WAIT_FOREVER, &f);
    uint32_t seen = __atomic_load_n(word, __ATOMIC_SEQ_CST);
    dmfs_wait_register(a->fs, 1);
    pthread_barrier_wait(a->bar); /* main releases after this */
    int64_t t0 = th_now_ms();
    /* one long sleep: only a notify from the unlock ends it early */
    while (__atomic_load_n(word, __ATOMIC_SEQ_CST) == seen && th_now_ms() - t0 < 10000)
        word_sleep(word, seen, 10000);
    a->slept_ms = th_now_ms() - t0;
    a->changed = __atomic_load_n(word, __ATOMIC_SEQ_CST) != seen;
    dmfs_wait_register(a->fs, 0);
    dmfs_set_nonblocking(0);
    return NULL;
}

TEST(registered_waiter_is_notified) {
    dmfs_fs *fs = th_fs_quota(1 << 20);
    th_put_str(fs, "/n", "x");
    pthread_barrier_t bar;
    pthread_barrier_init(&bar, NULL, 2);
    reg_arg a = {fs, 1, 0, 0, &bar};
    pthread_t t;
    CHECK(pthread_create(&t, NULL, reg_thread, &a) == 0);
    dmfs_file *f = NULL;
    CHECK_OK(dmfs_open(fs, "/n", "wb", 0, 0, &f));
    pthread_barrier_wait(&bar);
    pthread_barrier_wait(&bar);
    th_sleep_ms(50);
    CHECK_OK(dmfs_close(f));
    pthread_join(t, NULL);
    CHECK_RC(a.first_rc, DMFS_EAGAIN);
    CHECK(a.changed);
    CHECK(a.slept_ms < 5000); /* woken by the unlock's notify, not by its 10 s bound */
    dmfs_wait_register(NULL, 1); /* no filesystem: ignored */
    pthread_barrier_destroy(&bar);
    CHECK_OK(dmfs_destroy(fs));
}

/* ── racing xb / remove on one name ── */

typedef struct xb_arg {
    dmfs_fs *fs;
    atomic_int *bad;
    atomic_int *created;
} xb_arg;

static void *xb_thread(void *p) {
    xb_arg *a = (xb_arg *)p;
    for (int i = 0; i < 200; i++) {
        dmfs_file *f = NULL;
        int rc = dmfs_open(a->fs, "/race", "xb", 0, 0, &f);
        if (rc == 0) {
            atomic_fetch_add(a->created, 1);
            dmfs_close(f);
            rc = dmfs_remove(a->fs, "/race");
            if (rc != 0 && rc != DMFS_ENOENT && rc != DMFS_EBUSY) atomic_fetch_add(a->bad, 1);
        } else if (rc != DMFS_EEXIST && rc != DMFS_EAGAIN) {
            atomic_fetch_add(a->bad, 1);
        }
    }
    return NULL;
}

TEST(racing_xb_remove) {
    dmfs_fs *fs = th_fs_quota(1 << 20);
    atomic_int bad = 0, created = 0;
    xb_arg a = {fs, &bad, &created};
    pthread_t t[8];
    for (int i = 0; i < 8; i++) CHECK(pthread_create(&t[i], NULL, xb_thread, &a) == 0);
    for (int i = 0; i < 8; i++) pthread_join(t[i], NULL);
    CHECK_EQ_INT(atomic_load(&bad), 0);
    CHECK(atomic_load(&created) > 0);
    dmfs_statsbuf s;
    CHECK_OK(dmfs_stats(fs, &s));
    CHECK(s.file_count <= 1);
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

/* ── small quota under concurrent writers: the ledger never exceeds it ── */

typedef struct q_arg {
    dmfs_fs *fs;
    int id;
    uint64_t seed;
    atomic_int *bad;
} q_arg;

static void *q_thread(void *p) {
    q_arg *a = (q_arg *)p;
    char path[32], buf[64];
    snprintf(path, sizeof path, "/q%d", a->id);
    memset(buf, 'q', sizeof buf);
    uint64_t st = a->seed;
    for (int i = 0; i < 200; i++) {
        dmfs_file *f = NULL;
        int rc = dmfs_open(a->fs, path, th_rand_below(&st, 3) ? "ab" : "wb", 0, 0, &f);
        if (rc) {
            atomic_fetch_add(a->bad, 1);
            continue;
        }
        int64_t w = dmfs_write(f, buf, 1 + th_rand_below(&st, 63));
        if (w < 0 && w != DMFS_ENOSPC) atomic_fetch_add(a->bad, 1);
        dmfs_close(f);
        dmfs_statsbuf s;
        if (dmfs_stats(a->fs, &s) != 0 || s.used_bytes > s.quota_bytes) atomic_fetch_add(a->bad, 1);
    }
    return NULL;
}

TEST(small_quota_concurrent_writers) {
    uint64_t seed = th_seed();
    dmfs_fs *fs = th_fs_quota(3000);
    atomic_int bad = 0;
    q_arg a[10];
    pthread_t t[10];
    for (int i = 0; i < 10; i++) {
        a[i] = (q_arg){fs, i, seed + (uint64_t)i * 7919, &bad};
        CHECK(pthread_create(&t[i], NULL, q_thread, &a[i]) == 0);
    }
    for (int i = 0; i < 10; i++) pthread_join(t[i], NULL);
    CHECK_EQ_INT(atomic_load(&bad), 0);
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

/* ── destroy wakes waiters of every kind ── */

typedef struct dk_arg {
    dmfs_fs *fs;
    int kind;
    dmfs_export *x;
    atomic_int *started;
    int rc;
} dk_arg;

static void *dk_thread(void *p) {
    dk_arg *a = (dk_arg *)p;
    atomic_fetch_add(a->started, 1);
    switch (a->kind) {
    case 0: {
        dmfs_file *g = NULL;
        a->rc = dmfs_open(a->fs, "/w", "wb", 0, DMFS_WAIT_FOREVER, &g);
        break;
    }
    case 1: {
        uint8_t *d = NULL;
        size_t n = 0;
        a->rc = dmfs_read_file(a->fs, "/w", -1, DMFS_WAIT_FOREVER, &d, &n);
        break;
    }
    case 2: a->rc = dmfs_copy(a->fs, "/w", "/c", DMFS_WAIT_FOREVER); break;
    case 3: a->rc = dmfs_copy_tree(a->fs, "/", "/backup", DMFS_WAIT_FOREVER); break;
    case 4: a->rc = dmfs_write_file(a->fs, "/w", "z", 1, DMFS_WAIT_FOREVER); break;
    default: {
        const char *pp;
        const uint8_t *dd;
        size_t nn;
        a->rc = dmfs_export_next(a->x, &pp, &dd, &nn);
        break;
    }
    }
    return NULL;
}

TEST(destroy_wakes_every_kind_of_waiter) {
    dmfs_fs *fs = th_fs_quota(1 << 20);
    th_put_str(fs, "/w", "data");
    dmfs_file *f = NULL;
    CHECK_OK(dmfs_open(fs, "/w", "r+b", 0, 0, &f));
    dmfs_export *x = NULL;
    CHECK_OK(dmfs_export_open(fs, "/", 0, DMFS_WAIT_FOREVER, &x));
    atomic_int started = 0;
    dk_arg a[6];
    pthread_t t[6];
    for (int i = 0; i < 6; i++) {
        a[i] = (dk_arg){fs, i, x, &started, 12345};
        CHECK(pthread_create(&t[i], NULL, dk_thread, &a[i]) == 0);
    }
    while (atomic_load(&started) < 6) th_sleep_ms(1);
    th_sleep_ms(150);
    for (int i = 0; i < 6; i++) CHECK_EQ_INT(a[i].rc, 12345); /* all still waiting */
    CHECK_OK(dmfs_destroy(fs));
    for (int i = 0; i < 6; i++) {
        pthread_join(t[i], NULL);
        if (a[i].rc != DMFS_EBADF) TH_FAILF("waiter kind %d returned %d (%s), expected EBADF", i, a[i].rc, dmfs_errname(a[i].rc));
    }
}

/* ── wb truncates only once its lock is held ── */

typedef struct wbw_arg {
    dmfs_fs *fs;
    int rc;
} wbw_arg;

static void *wbw_thread(void *p) {
    wbw_arg *a = (wbw_arg *)p;
    dmfs_file *g = NULL;
    a->rc = dmfs_open(a->fs, "/o", "wb", 0, 5000, &g);
    if (a->rc == 0) dmfs_close(g);
    return NULL;
}

TEST(wb_waiting_does_not_truncate) {
    dmfs_fs *fs = th_fs_quota(1 << 20);
    th_put_str(fs, "/o", "original data");
    dmfs_file *r = NULL;
    CHECK_OK(dmfs_open(fs, "/o", "rb", 0, 0, &r));
    wbw_arg a = {fs, 12345};
    pthread_t t;
    CHECK(pthread_create(&t, NULL, wbw_thread, &a) == 0);
    th_sleep_ms(80);
    CHECK_EQ_INT(dmfs_get_size(fs, "/o"), 13);
    dmfs_statbuf st;
    CHECK_OK(dmfs_stat(fs, "/o", &st));
    CHECK_EQ_U64(st.generation, 1);
    char buf[32];
    CHECK_RC(dmfs_read(r, buf, sizeof buf), 13);
    CHECK_EQ_INT(a.rc, 12345);
    CHECK_OK(dmfs_close(r));
    pthread_join(t, NULL);
    CHECK_OK(a.rc);
    CHECK_EQ_INT(dmfs_get_size(fs, "/o"), 0);
    CHECK_OK(dmfs_stat(fs, "/o", &st));
    CHECK_EQ_U64(st.generation, 2);
    CHECK_EQ_U64(th_used(fs), 0);
    CHECK_OK(dmfs_destroy(fs));
}

/* ── a waiter never ends up holding a file that is not at its path (§1 invariant 5) ── */

typedef struct rw_arg {
    dmfs_fs *fs;
    const char *mode;
    int rc;
    int bad;
} rw_arg;

static void *rw_waiter(void *p) {
    rw_arg *a = (rw_arg *)p;
    dmfs_file *g = NULL;
    a->rc = dmfs_open(a->fs, "/f", a->mode, 0, 2000, &g);
    if (a->rc == 0) {
        /* while held, /f is this handle's file: nothing can remove, rename or replace it */
        int64_t sz = dmfs_file_size(g);
        if (dmfs_is_file(a->fs, "/f") != 1 || dmfs_get_size(a->fs, "/f") != sz) a->bad = 1;
        if (a->mode[0] != 'r' || a->mode[1] == '+') {
            if (dmfs_write(g, "W", 1) != 1 || dmfs_get_size(a->fs, "/f") != dmfs_file_size(g)) a->bad = 2;
        }
        th_sleep_ms(2);
        if (dmfs_is_file(a->fs, "/f") != 1) a->bad = 3;
        dmfs_close(g);
    }
    return NULL;
}

TEST(waiter_rechecks_after_remove_or_rename) {
    uint64_t st = th_seed();
    static const char *modes[] = {"rb", "wb", "ab", "r+b"};
    int outcomes[2][2] = {{0, 0}, {0, 0}};
    for (int i = 0; i < 120; i++) {
        dmfs_fs *fs = th_fs_quota(1 << 20);
        th_put_str(fs, "/f", "orig");
        dmfs_file *h = NULL;
        CHECK_OK(dmfs_open(fs, "/f", "wb", 0, 0, &h));
        rw_arg a = {fs, modes[th_rand_below(&st, 4)], 12345, 0};
        pthread_t t;
        CHECK(pthread_create(&t, NULL, rw_waiter, &a) == 0);
        th_sleep_ms(1 + (int64_t)th_rand_below(&st, 3));
        int use_rename = (int)th_rand_below(&st, 2);
        CHECK_OK(dmfs_close(h));
        if (th_rand_below(&st, 2)) th_sleep_ms(1); /* let the waiter win sometimes */
        int rc = use_rename ? dmfs_rename(fs, "/f", "/g") : dmfs_remove(fs, "/f");
        pthread_join(t, NULL);
        CHECK(rc == 0 || rc == DMFS_EBUSY);
        outcomes[use_rename][rc == 0]++;
        if (a.bad) TH_FAILF("iteration %d mode %s %s rc=%d: waiter saw a foreign file (%d)", i, a.mode,
                            use_rename ? "rename" : "remove", rc, a.bad);
        if (rc == 0 && a.mode[0] == 'r' && a.rc != 0 && a.rc != DMFS_ENOENT)
            TH_FAILF("rb/r+b waiter after unlink: %s", dmfs_errname(a.rc));
        if (a.mode[0] != 'r' && a.rc != 0) TH_FAILF("%s waiter: %s", a.mode, dmfs_errname(a.rc));
        if (rc == DMFS_EBUSY && a.rc != 0) TH_FAILF("remove was busy but the waiter failed: %s", dmfs_errname(a.rc));
        /* everything is closed: no file may be left locked */
        const char *names[] = {"/f", "/g"};
        for (int k = 0; k < 2; k++) {
            if (!dmfs_is_file(fs, names[k])) continue;
            dmfs_file *g = NULL;
            int orc = dmfs_open(fs, names[k], "r+b", 0, 0, &g);
            if (orc != 0)
                TH_FAILF("iteration %d: waiter mode %s, %s rc=%d, waiter rc=%d: %s left locked (%s)", i, a.mode,
                         use_rename ? "rename" : "remove", rc, a.rc, names[k], dmfs_errname(orc));
            dmfs_close(g);
        }
        CHECK_INVARIANTS(fs);
        CHECK_OK(dmfs_destroy(fs));
    }
    printf("  remove ok/busy %d/%d, rename ok/busy %d/%d\n", outcomes[0][1], outcomes[0][0], outcomes[1][1],
           outcomes[1][0]);
}

/* ── destroy waits for handle I/O in progress on other threads ── */

typedef struct big_arg {
    dmfs_file *f;
    const uint8_t *buf;
    size_t n;
    atomic_int *started;
    int64_t rc;
} big_arg;

static void *big_writer(void *p) {
    big_arg *a = (big_arg *)p;
    atomic_store(a->started, 1);
    a->rc = dmfs_write(a->f, a->buf, a->n);
    return NULL;
}

TEST(destroy_waits_for_inflight_io) {
    size_t n = 64u << 20;
    uint8_t *buf = malloc(n);
    CHECK(buf != NULL);
    memset(buf, 7, n);
    for (int round = 0; round < 5; round++) {
        dmfs_fs *fs = th_fs_quota(256u << 20);
        dmfs_file *f = NULL;
        CHECK_OK(dmfs_open(fs, "/big", "wb", 0, 0, &f));
        atomic_int started = 0;
        big_arg a = {f, buf, n, &started, 12345};
        pthread_t t;
        CHECK(pthread_create(&t, NULL, big_writer, &a) == 0);
        while (!atomic_load(&started)) th_sleep_ms(1);
        /* a call must be in progress, not about to start (starting one concurrently with
         * destroy is the caller's error): give the writer time to enter the core */
        th_sleep_ms(5 + round);
        CHECK_OK(dmfs_destroy(fs)); /* must not free f under the writer (ASan would see it) */
        pthread_join(t, NULL);
        CHECK(a.rc == (int64_t)n || a.rc == DMFS_EBADF);
    }
    free(buf);
}

/* ── handle I/O alongside structure queries (TSan checks the size and ledger reads) ── */

typedef struct io_arg {
    dmfs_fs *fs;
    atomic_int *stop;
    atomic_int *bad;
} io_arg;

static void *io_appender(void *p) {
    io_arg *a = (io_arg *)p;
    dmfs_file *f = NULL;
    if (dmfs_open(a->fs, "/grow", "ab", 0, 5000, &f) != 0) {
        atomic_fetch_add(a->bad, 1);
        return NULL;
    }
    for (int i = 0; i < 20000; i++) {
        if (dmfs_write(f, "0123456789abcdef", 16) != 16) atomic_fetch_add(a->bad, 1);
        if (i % 500 == 499 && dmfs_truncate(f, 0) != 0) atomic_fetch_add(a->bad, 1);
        if (i % 700 == 0) dmfs_seek(f, 0, DMFS_SEEK_SET); /* in ab every write still goes to the end */
    }
    dmfs_close(f);
    atomic_store(a->stop, 1);
    return NULL;
}

#define IO_BAD(what)                                                            \
    do {                                                                        \
        fprintf(stderr, "  querier: %s\n", what);                              \
        atomic_fetch_add(a->bad, 1);                                            \
    } while (0)

static void *io_querier(void *p) {
    io_arg *a = (io_arg *)p;
    char snap[32];
    snprintf(snap, sizeof snap, "/snap%p", (void *)&snap);
    while (!atomic_load(a->stop)) {
        dmfs_statsbuf s;
        dmfs_statbuf st;
        if (dmfs_stats(a->fs, &s) != 0 || s.used_bytes > s.quota_bytes) IO_BAD("stats");
        int64_t sz = dmfs_get_size(a->fs, "/grow");
        if (sz < 0 || sz % 16 != 0) IO_BAD("get_size");
        if (dmfs_stat(a->fs, "/grow", &st) != 0 || st.size % 16 != 0) IO_BAD("stat");
        dmfs_strlist *l = NULL;
        if (dmfs_glob(a->fs, "/*", &l) != 0) IO_BAD("glob");
        dmfs_strlist_free(l);
        int rc = dmfs_copy(a->fs, "/grow", snap, 0); /* EAGAIN while the writer holds it */
        if (rc != DMFS_EAGAIN && rc != 0) IO_BAD("copy");
        if (rc == 0 && dmfs_remove(a->fs, snap) != 0) IO_BAD("remove");
    }
    return NULL;
}

TEST(handle_io_with_concurrent_queries) {
    dmfs_fs *fs = th_fs_quota(1 << 20);
    th_put(fs, "/grow", "", 0);
    atomic_int stop = 0, bad = 0;
    io_arg a = {fs, &stop, &bad};
    pthread_t w, q[3];
    for (int i = 0; i < 3; i++) CHECK(pthread_create(&q[i], NULL, io_querier, &a) == 0);
    CHECK(pthread_create(&w, NULL, io_appender, &a) == 0);
    pthread_join(w, NULL);
    for (int i = 0; i < 3; i++) pthread_join(q[i], NULL);
    CHECK_EQ_INT(atomic_load(&bad), 0);
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

/* ── parent creation races: move / import / mkdir creating the same parents ── */

typedef struct par_arg {
    dmfs_fs *fs;
    int id;
    atomic_int *bad;
} par_arg;

static void *par_thread(void *p) {
    par_arg *a = (par_arg *)p;
    char src[32], dst[64];
    for (int i = 0; i < 30; i++) {
        int rc;
        snprintf(src, sizeof src, "/s%d_%d", a->id, i);
        switch ((a->id + i) % 3) {
        case 0:
            th_put_str(a->fs, src, "m");
            snprintf(dst, sizeof dst, "/p%d/q/%s", i % 3, src + 1);
            rc = dmfs_move(a->fs, src, dst);
            break;
        case 1: {
            snprintf(dst, sizeof dst, "/p%d/q/i%d_%d", i % 3, a->id, i);
            dmfs_entry e = {dst, "i", 1};
            rc = dmfs_import(a->fs, &e, 1);
            break;
        }
        default:
            snprintf(dst, sizeof dst, "/p%d/q/d%d_%d", i % 3, a->id, i);
            rc = dmfs_mkdir(a->fs, dst, 0);
            break;
        }
        if (rc != 0) {
            fprintf(stderr, "  parent race %s: %s\n", dst, dmfs_errname(rc));
            atomic_fetch_add(a->bad, 1);
        }
    }
    return NULL;
}

TEST(parent_creation_races) {
    dmfs_fs *fs = th_fs_quota(1 << 20);
    atomic_int bad = 0;
    par_arg a[12];
    pthread_t t[12];
    for (int i = 0; i < 12; i++) {
        a[i] = (par_arg){fs, i, &bad};
        CHECK(pthread_create(&t[i], NULL, par_thread, &a[i]) == 0);
    }
    for (int i = 0; i < 12; i++) pthread_join(t[i], NULL);
    CHECK_EQ_INT(atomic_load(&bad), 0);
    /* one /pK/q each, holding every entry exactly once */
    int total = 0;
    for (int k = 0; k < 3; k++) {
        char d[16];
        snprintf(d, sizeof d, "/p%d", k);
        dmfs_strlist *l = NULL;
        CHECK_OK(dmfs_listdir(fs, d, &l));
        CHECK_EQ_U64(l->count, 1);
        dmfs_strlist_free(l);
        snprintf(d, sizeof d, "/p%d/q", k);
        CHECK_OK(dmfs_listdir(fs, d, &l));
        for (size_t i = 0; i < l->count; i++)
            for (size_t j = i + 1; j < l->count; j++)
                if (!strcmp(l->items[i], l->items[j])) TH_FAILF("duplicate name %s in %s", l->items[i], d);
        total += (int)l->count;
        dmfs_strlist_free(l);
    }
    CHECK_EQ_INT(total, 12 * 30);
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

/* ── non-blocking mode never waits for the structure lock either ── */

typedef struct nbs_arg {
    dmfs_fs *fs;
    atomic_int *stop;
    int64_t max_ms;
    int eagain, ok, bad;
    uint64_t sleeps;
    atomic_int calls, saw_eagain; /* read by main while the thread runs */
} nbs_arg;

static void *nbs_thread(void *p) {
    nbs_arg *a = (nbs_arg *)p;
    dmfs_set_nonblocking(1);
    while (!atomic_load(a->stop)) {
        int64_t t0 = th_now_ms();
        dmfs_statsbuf s;
        int rc = dmfs_stats(a->fs, &s);
        /* an EAGAIN here can only be the structure lock, and says so */
        if (rc == DMFS_EAGAIN && dmfs_last_error()->kind != DMFS_KIND_STRUCTURE) a->bad++;
        int rc2 = dmfs_mkdir(a->fs, "/nbdir", 1);
        if (rc2 == DMFS_EAGAIN && dmfs_last_error()->kind != DMFS_KIND_STRUCTURE) a->bad++;
        int64_t el = th_now_ms() - t0;
        if (el > a->max_ms) a->max_ms = el;
        if (rc == DMFS_EAGAIN || rc2 == DMFS_EAGAIN) {
            a->eagain++;
            atomic_store(&a->saw_eagain, 1);
        }
        atomic_fetch_add(&a->calls, 1);
        if (rc == 0 && rc2 == 0) a->ok++;
        if ((rc != 0 && rc != DMFS_EAGAIN) || (rc2 != 0 && rc2 != DMFS_EAGAIN)) a->bad++;
    }
    a->sleeps = dmfs_debug_wait_count(); /* this thread's sleeps on any lock */
    dmfs_set_nonblocking(0);
    return NULL;
}

TEST(nonblocking_structure_lock) {
    dmfs_fs *fs = th_fs_quota(256u << 20);
    size_t n = 32u << 20;
    uint8_t *buf = calloc(1, n);
    CHECK(buf != NULL);
    CHECK_OK(dmfs_mkdir(fs, "/src", 0));
    th_put(fs, "/src/big", buf, n);
    free(buf);
    atomic_int stop = 0;
    nbs_arg a = {fs, &stop, 0, 0, 0, 0, 0, 0, 0};
    pthread_t t;
    CHECK(pthread_create(&t, NULL, nbs_thread, &a) == 0);
    /* the thread is running before the copies start (a loaded machine may start it late),
     * and copies go on until one of them was seen (at least 3, at most 100) */
    while (atomic_load(&a.calls) == 0) th_sleep_ms(1);
    for (int i = 0; i < 100 && (i < 3 || !atomic_load(&a.saw_eagain)); i++) {
        CHECK_OK(dmfs_copy_tree(fs, "/src", "/dst", 0));
        CHECK_OK(dmfs_rmtree(fs, "/dst"));
    }
    atomic_store(&stop, 1);
    pthread_join(t, NULL);
    printf("  non-blocking calls: ok %d, EAGAIN %d, slowest %lld ms\n", a.ok, a.eagain, (long long)a.max_ms);
    CHECK_EQ_INT(a.bad, 0);
    /* Never sleeps: counted by the core, not timed (a preempted call may still be slow). */
    CHECK_EQ_U64(a.sleeps, 0);
    CHECK(a.eagain > 0); /* the copies really held the structure lock against it */
    CHECK_INVARIANTS(fs);
    CHECK_OK(dmfs_destroy(fs));
}

/* Last in the file: under ASan a failure here aborts the process. */
/* The test hook is a call on the filesystem like any other (the header: a dmfs_fs may be used
 * by many threads at once), so it must not race with handle I/O. */
static void *fi_querier(void *p) {
    io_arg *a = (io_arg *)p;
    while (!atomic_load(a->stop)) {
        dmfs_file_info fi;
        if (dmfs_debug_file_info(a->fs, "/grow", &fi) != 0) atomic_fetch_add(a->bad, 1);
        else if (fi.usage > 1 << 20) atomic_fetch_add(a->bad, 1);
    }
    return NULL;
}

TEST(debug_file_info_with_concurrent_io) {
    dmfs_fs *fs = th_fs_quota(1 << 20);
    th_put(fs, "/grow", "", 0);
    atomic_int stop = 0, bad = 0;
    io_arg a = {fs, &stop, &bad};
    pthread_t w, q;
    CHECK(pthread_create(&q, NULL, fi_querier, &a) == 0);
    CHECK(pthread_create(&w, NULL, io_appender, &a) == 0);
    pthread_join(w, NULL);
    pthread_join(q, NULL);
    CHECK_EQ_INT(atomic_load(&bad), 0);
    CHECK_OK(dmfs_destroy(fs));
}
