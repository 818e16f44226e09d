/*
 * harness.h — a libuv-style mini test registry for the dmemfs C tests (header-only; include
 * it from exactly one .c file per executable, it defines main()).
 *
 *   TEST(name) { CHECK(x); CHECK_EQ_INT(a, b); CHECK_RC(dmfs_mkdir(fs, "/d", 0), DMFS_OK); }
 *
 * Every registered test runs in registration order. DMFS_TEST=substr runs only tests whose
 * name contains substr. Each test has a watchdog thread that aborts the process, naming the
 * test, after DMFS_TEST_TIMEOUT seconds (default 60). A failed CHECK reports file:line and
 * ends the current test (the rest of the file goes on). Exit status 1 if any test failed.
 */
#ifndef DMFS_TEST_HARNESS_H
#define DMFS_TEST_HARNESS_H

#define _GNU_SOURCE 1
#include <dmemfs.h>
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef void (*th_fn)(void);
typedef struct th_test {
    const char *name;
    th_fn fn;
} th_test;

#define TH_UNUSED __attribute__((unused))
#define TH_MAX_TESTS 512
static th_test th_tests[TH_MAX_TESTS];
static int th_ntests;
static int th_cur_failed;
static const char *th_cur_name = "";
static jmp_buf th_jmp;
static int th_jmp_armed;

static void th_register(const char *name, th_fn fn) {
    if (th_ntests >= TH_MAX_TESTS) {
        fprintf(stderr, "harness: too many tests\n");
        abort();
    }
    th_tests[th_ntests].name = name;
    th_tests[th_ntests].fn = fn;
    th_ntests++;
}

#define TEST(name)                                                              \
    static void th_test_##name(void);                                           \
    __attribute__((constructor)) static void th_reg_##name(void) {              \
        th_register(#name, th_test_##name);                                     \
    }                                                                           \
    static void th_test_##name(void)

/* A failure in the main test thread ends the test; in a helper thread it is only recorded
 * (helper threads must not longjmp into the main thread's stack). */
static pthread_t th_main_thread;
static pthread_mutex_t th_fail_mu = PTHREAD_MUTEX_INITIALIZER;
static void th_fail(const char *file, int line, const char *msg) {
    pthread_mutex_lock(&th_fail_mu);
    fprintf(stderr, "  FAIL %s:%d [%s] %s\n", file, line, th_cur_name, msg);
    fflush(stderr);
    th_cur_failed = 1;
    pthread_mutex_unlock(&th_fail_mu);
    if (th_jmp_armed && pthread_equal(pthread_self(), th_main_thread)) longjmp(th_jmp, 1);
}

#define TH_FAILF(...)                                                           \
    do {                                                                        \
        char th_buf_[512];                                                      \
        snprintf(th_buf_, sizeof th_buf_, __VA_ARGS__);                         \
        th_fail(__FILE__, __LINE__, th_buf_);                                   \
    } while (0)

#define CHECK(cond)                                                             \
    do {                                                                        \
        if (!(cond)) TH_FAILF("CHECK(%s)", #cond);                              \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                      \
    do {                                                                        \
        long long th_a_ = (long long)(a), th_b_ = (long long)(b);               \
        if (th_a_ != th_b_)                                                     \
            TH_FAILF("%s == %s: got %lld, expected %lld", #a, #b, th_a_, th_b_); \
    } while (0)

#define CHECK_EQ_U64(a, b)                                                      \
    do {                                                                        \
        unsigned long long th_a_ = (unsigned long long)(a),                     \
                           th_b_ = (unsigned long long)(b);                     \
        if (th_a_ != th_b_)                                                     \
            TH_FAILF("%s == %s: got %llu, expected %llu", #a, #b, th_a_, th_b_); \
    } while (0)

#define CHECK_STR(a, b)                                                         \
    do {                                                                        \
        const char *th_a_ = (a), *th_b_ = (b);                                  \
        if (!th_a_ || !th_b_ || strcmp(th_a_, th_b_) != 0)                      \
            TH_FAILF("%s == %s: got \"%s\", expected \"%s\"", #a, #b,           \
                     th_a_ ? th_a_ : "(null)", th_b_ ? th_b_ : "(null)");       \
    } while (0)

/* call returns a dmfs code (or a count when want >= 0). */
#define CHECK_RC(call, want)                                                    \
    do {                                                                        \
        long long th_r_ = (long long)(call), th_w_ = (long long)(want);         \
        if (th_r_ != th_w_)                                                     \
            TH_FAILF("%s: got %lld (%s), expected %lld (%s)", #call, th_r_,     \
                     th_r_ <= 0 ? dmfs_errname((int)th_r_) : "count", th_w_,    \
                     th_w_ <= 0 ? dmfs_errname((int)th_w_) : "count");          \
    } while (0)

#define CHECK_OK(call) CHECK_RC(call, DMFS_OK)

/* ENOSPC with byte details. */
#define CHECK_NOSPC(call, req, avail)                                           \
    do {                                                                        \
        CHECK_RC(call, DMFS_ENOSPC);                                            \
        const dmfs_error_info *th_e_ = dmfs_last_error();                       \
        CHECK_EQ_INT(th_e_->code, DMFS_ENOSPC);                                 \
        CHECK_EQ_INT(th_e_->kind, DMFS_KIND_BYTES);                             \
        CHECK_EQ_U64(th_e_->requested, (req));                                  \
        CHECK_EQ_U64(th_e_->available, (avail));                                \
    } while (0)

/* ENOSPC with node details. */
#define CHECK_NOSPC_NODES(call, cur, lim, req, avail)                           \
    do {                                                                        \
        CHECK_RC(call, DMFS_ENOSPC);                                            \
        const dmfs_error_info *th_e_ = dmfs_last_error();                       \
        CHECK_EQ_INT(th_e_->code, DMFS_ENOSPC);                                 \
        CHECK_EQ_INT(th_e_->kind, DMFS_KIND_NODES);                             \
        CHECK_EQ_U64(th_e_->current, (cur));                                    \
        CHECK_EQ_U64(th_e_->limit, (lim));                                      \
        CHECK_EQ_U64(th_e_->requested, (req));                                  \
        CHECK_EQ_U64(th_e_->available, (avail));                                \
    } while (0)

/* ── seeds ── */
static uint64_t th_seed_value;
static int th_seed_set;
/* DMFS_SEED or one from the clock; always printed so a failure can be replayed. */
TH_UNUSED static uint64_t th_seed(void) {
    if (!th_seed_set) {
        const char *s = getenv("DMFS_SEED");
        if (s && *s) {
            th_seed_value = strtoull(s, NULL, 0);
        } else {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            th_seed_value = (uint64_t)ts.tv_sec * 1000003u ^ (uint64_t)ts.tv_nsec;
        }
        th_seed_set = 1;
    }
    printf("  seed=%" PRIu64 " (%s)\n", th_seed_value, th_cur_name);
    fflush(stdout);
    return th_seed_value;
}

/* splitmix64: small, good enough, one state per thread. */
static inline uint64_t th_rand(uint64_t *st) {
    uint64_t z = (*st += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static inline uint64_t th_rand_below(uint64_t *st, uint64_t n) { return n ? th_rand(st) % n : 0; }

TH_UNUSED static int64_t th_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
TH_UNUSED static void th_sleep_ms(int64_t ms) {
    struct timespec ts = {(time_t)(ms / 1000), (long)((ms % 1000) * 1000000)};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

/* ── watchdog ── */
static pthread_mutex_t th_wd_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t th_wd_cv;
static int th_wd_done;
static int th_wd_seconds = 60;

static void *th_watchdog(void *arg) {
    const char *name = (const char *)arg;
    struct timespec dl;
    clock_gettime(CLOCK_MONOTONIC, &dl);
    dl.tv_sec += th_wd_seconds;
    pthread_mutex_lock(&th_wd_mu);
    while (!th_wd_done) {
        if (pthread_cond_timedwait(&th_wd_cv, &th_wd_mu, &dl) != 0 && !th_wd_done) {
            fprintf(stderr, "TIMEOUT: test %s exceeded %d s\n", name, th_wd_seconds);
            fflush(stderr);
            abort();
        }
    }
    pthread_mutex_unlock(&th_wd_mu);
    return NULL;
}

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    const char *filter = getenv("DMFS_TEST");
    const char *tos = getenv("DMFS_TEST_TIMEOUT");
    if (tos && atoi(tos) > 0) th_wd_seconds = atoi(tos);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&th_wd_cv, &ca);
    th_main_thread = pthread_self();
    setvbuf(stdout, NULL, _IOLBF, 0);
    /* volatile: kept across the longjmp out of a failed test */
    volatile int passed = 0, failed = 0;
    for (volatile int i = 0; i < th_ntests; i++) {
        const th_test *t = &th_tests[i];
        if (filter && *filter && !strstr(t->name, filter)) continue;
        th_cur_name = t->name;
        th_cur_failed = 0;
        th_wd_done = 0;
        pthread_t wd;
        if (pthread_create(&wd, NULL, th_watchdog, (void *)t->name) != 0) {
            fprintf(stderr, "harness: cannot start watchdog\n");
            return 2;
        }
        int64_t t0 = th_now_ms();
        th_jmp_armed = 1;
        if (setjmp(th_jmp) == 0) t->fn();
        th_jmp_armed = 0;
        pthread_mutex_lock(&th_wd_mu);
        th_wd_done = 1;
        pthread_cond_signal(&th_wd_cv);
        pthread_mutex_unlock(&th_wd_mu);
        pthread_join(wd, NULL);
        dmfs_debug_fail_alloc(0); /* a failed OOM test must not leak its armed failure */
        dmfs_set_nonblocking(0);
        if (th_cur_failed) {
            failed++;
            printf("not ok %s (%lld ms)\n", t->name, (long long)(th_now_ms() - t0));
        } else {
            passed++;
            printf("ok %s (%lld ms)\n", t->name, (long long)(th_now_ms() - t0));
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

/* ── dmemfs helpers shared by the test files ── */

TH_UNUSED static dmfs_fs *th_fs_quota(uint64_t quota) {
    dmfs_config c;
    dmfs_config_init(&c);
    c.max_quota = quota;
    dmfs_fs *fs = NULL;
    int rc = dmfs_create(&c, &fs);
    if (rc != 0) TH_FAILF("dmfs_create(quota %llu): %s", (unsigned long long)quota, dmfs_errname(rc));
    return fs;
}

TH_UNUSED static dmfs_fs *th_fs_cfg(const dmfs_config *c) {
    dmfs_fs *fs = NULL;
    int rc = dmfs_create(c, &fs);
    if (rc != 0) TH_FAILF("dmfs_create: %s", dmfs_errname(rc));
    return fs;
}

TH_UNUSED static uint64_t th_used(dmfs_fs *fs) {
    dmfs_statsbuf s;
    int rc = dmfs_stats(fs, &s);
    if (rc != 0) TH_FAILF("dmfs_stats: %s", dmfs_errname(rc));
    return s.used_bytes;
}

/* Writes len bytes of content to path with open wb / write / close (fails the test on error). */
TH_UNUSED static void th_put(dmfs_fs *fs, const char *path, const void *data, size_t len) {
    dmfs_file *f = NULL;
    int rc = dmfs_open(fs, path, "wb", 0, 0, &f);
    if (rc != 0) TH_FAILF("open %s wb: %s", path, dmfs_errname(rc));
    if (len) {
        int64_t w = dmfs_write(f, data, len);
        if (w != (int64_t)len) {
            dmfs_close(f);
            TH_FAILF("write %s: %lld (%s)", path, (long long)w, dmfs_errname((int)w));
        }
    }
    dmfs_close(f);
}
TH_UNUSED static void th_put_str(dmfs_fs *fs, const char *path, const char *s) { th_put(fs, path, s, strlen(s)); }

/* Whole content of path (caller frees with dmfs_free), length in *len. */
TH_UNUSED static uint8_t *th_get(dmfs_fs *fs, const char *path, size_t *len) {
    uint8_t *d = NULL;
    size_t n = 0;
    int rc = dmfs_read_file(fs, path, -1, 0, &d, &n);
    if (rc != 0) TH_FAILF("read_file %s: %s", path, dmfs_errname(rc));
    *len = n;
    return d;
}

#define CHECK_CONTENT(fs, path, str)                                            \
    do {                                                                        \
        size_t th_n_ = 0;                                                       \
        uint8_t *th_d_ = th_get((fs), (path), &th_n_);                          \
        size_t th_l_ = strlen(str);                                             \
        int th_ok_ = th_n_ == th_l_ && (th_l_ == 0 || memcmp(th_d_, (str), th_l_) == 0); \
        if (!th_ok_)                                                            \
            TH_FAILF("content of %s: got %zu bytes \"%.*s\", expected \"%s\"", (path), th_n_, \
                     (int)(th_n_ > 80 ? 80 : th_n_), th_d_ ? (const char *)th_d_ : "", (str)); \
        dmfs_free(th_d_);                                                       \
    } while (0)

#define CHECK_INVARIANTS(fs) CHECK_OK(dmfs_debug_check(fs))

#endif
