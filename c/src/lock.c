/* Locks as atomic state words (not owner-bound: any thread may release). Every unlock bumps
 * fs->wait_word; a waiter reads the word, tries, and sleeps until the word changes or its
 * deadline passes. Unlock notifies only while someone sleeps: C sleepers and JS waiters
 * (dmfs_wait_register) count themselves in fs->waiters. Skipping the notify matters under
 * Emscripten, where it is a CAS on a process-wide word plus Atomics.notify, which takes a
 * global mutex in V8: with several workers every unlock contended on both. In non-blocking
 * mode the structure lock spins briefly before EAGAIN: it is held for microseconds, and an
 * asynchronous wait in JS costs far more. With DMFS_THREADS=0 nothing ever sleeps. */
#include "internal.h"
#include <time.h>
#if DMFS_THREADS
#if defined(__EMSCRIPTEN__)
#include <emscripten/threading.h>
#include <math.h>
#else
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif
static _Thread_local int nonblocking;
static _Thread_local uint64_t sleeps; /* this thread's sleeps on the wait word (test hook) */
#else
static int nonblocking;
#endif


void dmfs_set_nonblocking(int on) { nonblocking = on != 0; }

uint64_t dmfs_debug_wait_count(void) {
#if DMFS_THREADS
    return sleeps;
#else
    return 0;
#endif
}
bool dmfs__nonblocking(void) { return nonblocking != 0; }
const volatile uint32_t *dmfs_wait_word(dmfs_fs *fs) { return fs ? (const volatile uint32_t *)&fs->wait_word : NULL; }

int64_t dmfs__mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t dmfs__deadline(const dmfs_fs *fs, int64_t timeout_ms) {
    if (timeout_ms == DMFS_TIMEOUT_DEFAULT) timeout_ms = fs->cfg.default_lock_timeout_ms;
    if (timeout_ms < 0) return -1;
    if (timeout_ms == 0) return 0;
    /* Nothing ever sleeps in non-blocking mode (the JS binding's) or without threads: no
     * clock read (under Emscripten one goes out to JS and costs more than a short call). */
    if (nonblocking || !DMFS_THREADS) return -1;
    if (timeout_ms > INT64_MAX / 2000000) return -1; /* beyond any real wait */
    return dmfs__mono_ns() + timeout_ms * 1000000;
}

/* The structure lock is held only briefly by live threads, so a call that asked to try its
 * file lock once (deadline 0) still waits for the structure lock up to the filesystem
 * default; in non-blocking mode nothing waits. */
int64_t dmfs__struct_deadline(const dmfs_fs *fs, int64_t file_deadline) {
    if (nonblocking) return 0;
    return file_deadline == 0 ? dmfs__deadline(fs, DMFS_TIMEOUT_DEFAULT) : file_deadline;
}

static void notify_all(dmfs_fs *fs) {
#if DMFS_THREADS
#if defined(__EMSCRIPTEN__)
    emscripten_futex_wake((void *)&fs->wait_word, INT32_MAX);
#else
    syscall(SYS_futex, (uint32_t *)&fs->wait_word, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL, NULL, 0);
#endif
#else
    (void)fs;
#endif
}

/* The bump is seq_cst before the load of waiters; a waiter counts itself before it
 * compares the word (futex / Atomics.wait): one of the two sees the other. */
void dmfs__wake(dmfs_fs *fs) {
    atomic_fetch_add(&fs->wait_word, 1);
    if (atomic_load(&fs->waiters)) notify_all(fs);
}

/* For destroy: also wakes waiters that did not register (bounded waits, old protocol). */
void dmfs__wake_all(dmfs_fs *fs) {
    atomic_fetch_add(&fs->wait_word, 1);
    notify_all(fs);
}

void dmfs_wait_register(dmfs_fs *fs, int on) {
    if (!fs) return;
    if (on) atomic_fetch_add(&fs->waiters, 1);
    else atomic_fetch_sub(&fs->waiters, 1);
}

#if DMFS_THREADS
/* Sleeps until wait_word != seen, or left_ns passes (< 0: no limit). */
static void sleep_on(dmfs_fs *fs, uint32_t seen, int64_t left_ns) {
    sleeps++;
    atomic_fetch_add(&fs->waiters, 1);
#if defined(__EMSCRIPTEN__)
    emscripten_futex_wait((void *)&fs->wait_word, seen, left_ns < 0 ? INFINITY : (double)left_ns / 1e6);
#else
    struct timespec ts, *tp = NULL;
    if (left_ns >= 0) {
        ts.tv_sec = left_ns / 1000000000;
        ts.tv_nsec = left_ns % 1000000000;
        tp = &ts;
    }
    syscall(SYS_futex, (uint32_t *)&fs->wait_word, FUTEX_WAIT_PRIVATE, seen, tp, NULL, 0);
#endif
    atomic_fetch_sub(&fs->waiters, 1);
}
#endif

int dmfs__wait(dmfs_fs *fs, uint32_t seen, int64_t deadline) {
    if (atomic_load(&fs->destroyed)) return DMFS_EBADF;
#if DMFS_THREADS
    if (nonblocking || deadline == 0) return DMFS_EAGAIN;
    int64_t left = -1;
    if (deadline > 0) {
        left = deadline - dmfs__mono_ns();
        if (left <= 0) return DMFS_EAGAIN;
    }
    sleep_on(fs, seen, left);
    if (atomic_load(&fs->destroyed)) return DMFS_EBADF;
    return 0;
#else
    (void)seen;
    (void)deadline;
    return DMFS_EAGAIN;
#endif
}

/* Takes the structure lock whatever happens (also during destroy, which waits for this
 * call to finish): for clean-up after a wait, where the caller must unpin and re-check. */
void dmfs__slock_must(dmfs_fs *fs) {
#if DMFS_THREADS
    for (;;) {
        uint32_t seen = atomic_load(&fs->wait_word);
        uint32_t z = 0;
        if (atomic_compare_exchange_strong_explicit(&fs->slock, &z, 1, memory_order_acquire, memory_order_relaxed))
            return;
        sleep_on(fs, seen, 1000000); /* 1 ms: a waker may have gone before we slept */
    }
#else
    (void)fs;
#endif
}

#if DMFS_THREADS
/* Waits (busy) up to DMFS__SPIN loads for the structure lock to look free. */
#define DMFS__SPIN 4096
static bool spin_free(dmfs_fs *fs) {
    for (int i = 0; i < DMFS__SPIN; i++)
        if (atomic_load_explicit(&fs->slock, memory_order_relaxed) == 0) return true;
    return false;
}
#endif

int dmfs__slock(dmfs_fs *fs, int64_t deadline) {
#if DMFS_THREADS
    for (int spun = 0;;) {
        uint32_t seen = atomic_load(&fs->wait_word);
        uint32_t z = 0;
        if (atomic_compare_exchange_strong_explicit(&fs->slock, &z, 1, memory_order_acquire, memory_order_relaxed))
            return 0;
        /* Non-blocking threads (JS) spin a few rounds before EAGAIN: their alternative is an
         * asynchronous wait, far slower than the lock is held. Blocking threads do not spin:
         * spinners would always beat the sleepers the unlock wakes, and starve them. */
        if (nonblocking && spun < 4 && !atomic_load(&fs->destroyed)) {
            spun++;
            if (spin_free(fs)) continue;
        }
        int r = dmfs__wait(fs, seen, deadline);
        /* recorded here: an EAGAIN says it was the structure lock, not a file lock */
        if (r < 0) return r == DMFS_EAGAIN ? dmfs__fail_kind(r, DMFS_KIND_STRUCTURE) : dmfs__fail(r);
    }
#else
    (void)fs;
    (void)deadline;
    return 0;
#endif
}

void dmfs__sunlock(dmfs_fs *fs) {
#if DMFS_THREADS
    atomic_store_explicit(&fs->slock, 0, memory_order_release);
    dmfs__wake(fs);
#else
    (void)fs;
#endif
}

bool dmfs__rw_tryrd(dmfs__rw *l) {
    uint32_t s = atomic_load_explicit(&l->state, memory_order_relaxed);
    while (!(s & DMFS__WRITER))
        if (atomic_compare_exchange_weak_explicit(&l->state, &s, s + 1, memory_order_acquire, memory_order_relaxed))
            return true;
    return false;
}

bool dmfs__rw_trywr(dmfs__rw *l) {
    uint32_t z = 0;
    return atomic_compare_exchange_strong_explicit(&l->state, &z, DMFS__WRITER, memory_order_acquire,
                                                   memory_order_relaxed);
}

void dmfs__rw_unlock(dmfs_fs *fs, dmfs__rw *l) {
    uint32_t s = atomic_load_explicit(&l->state, memory_order_relaxed);
    if (s & DMFS__WRITER) atomic_store_explicit(&l->state, 0, memory_order_release);
    else atomic_fetch_sub_explicit(&l->state, 1, memory_order_release);
    dmfs__wake(fs);
}

void dmfs__hlock(dmfs_fs *fs) {
#if DMFS_THREADS
    uint32_t z;
    do z = 0;
    while (!atomic_compare_exchange_weak_explicit(&fs->hlock, &z, 1, memory_order_acquire, memory_order_relaxed));
#else
    (void)fs;
#endif
}

void dmfs__hunlock(dmfs_fs *fs) {
#if DMFS_THREADS
    atomic_store_explicit(&fs->hlock, 0, memory_order_release);
#else
    (void)fs;
#endif
}
