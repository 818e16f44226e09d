/*
 * The flat export layer for the JS package (both wasm builds). No filesystem logic:
 * argument marshalling, a registry of ids, and the clock hand-off.
 *
 * - 64-bit numbers cross the boundary as double (all are <= 2^53 - 1), so neither build
 *   needs BigInt. Pointers are u32.
 * - JS never holds a C pointer to a filesystem, handle or iterator: it holds an id
 *   (slot index + generation) checked here, so a call on a destroyed filesystem or a
 *   freed handle returns DMFS_EBADF instead of touching freed memory. Handles and
 *   iterators record their filesystem's slot; destroying it invalidates them all.
 * - The clock: JS calls its own clock once per operation and stores the floored value
 *   with dmfsw_set_now(); the C clock callback only reads it (per thread).
 */
#include "dmemfs.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if DMFS_THREADS
#include <pthread.h>
#include <sched.h>
#define TLS _Thread_local
#else
#define TLS
#endif

#ifdef __EMSCRIPTEN__
#include <emscripten/emscripten.h>
#define EXPORT(name) EMSCRIPTEN_KEEPALIVE
#else
#define EXPORT(name) __attribute__((used, export_name(#name)))
#endif

#define W(name) EXPORT(name) name

/* ── Clock ──────────────────────────────────────────────────────────────────────── */
static TLS int64_t g_now;

static int64_t clock_cb(void *ctx) {
    (void)ctx;
    return g_now;
}

/* JS has already rejected non-finite values; floor and clamp to the int64 range. */
void W(dmfsw_set_now)(double ms) {
    if (ms != ms) ms = 0;
    if (ms >= 9.2e18) ms = 9.2e18;
    if (ms <= -9.2e18) ms = -9.2e18;
    int64_t v = (int64_t)ms;
    if ((double)v > ms) v--; /* floor for negatives */
    g_now = v;
}

/* ── Registry ───────────────────────────────────────────────────────────────────
 * Slots live in segments that are allocated once and never move or go away, so a call
 * finds its slot without a lock: pin() checks the slot, counts itself in the owning fs
 * slot's refs, then checks again (destroy and close mark a slot first, then wait for refs
 * or free: one of the two sees the other). Only adding and releasing slots take the lock.
 * A global mutex on every call made the workers of one filesystem queue on it. */
enum { T_FREE = 0, T_FS = 1, T_FILE = 2, T_EXPORT = 3, T_WALK = 4 };
#define IDX_BITS 20
#define IDX_MASK ((1u << IDX_BITS) - 1)
#define GEN_MASK 0x7ffu /* ids stay positive int32 */
#define SEG_BITS 8
#define SEG_SIZE (1u << SEG_BITS)
#define NSEG ((IDX_MASK + 1u) >> SEG_BITS)

typedef struct slot {
    void *ptr;              /* atomic (relaxed): valid while type and gen, checked after, match */
    uint32_t gen;           /* atomic: read without the lock */
    int type;               /* atomic: published last */
    uint32_t owner;         /* atomic (relaxed): fs slot index for handles and iterators */
    int refs;               /* atomic: calls in progress on this fs (fs slots only) */
    uint32_t next_free;
} slot;

static slot *g_seg[NSEG]; /* atomic pointers: set once, under the lock */
static uint32_t g_nslots; /* atomic: slots handed out so far */
static uint32_t g_free_head = UINT32_MAX;

#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_SEQ_CST)
#define STORE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_SEQ_CST)

#if DMFS_THREADS
static pthread_mutex_t g_reg = PTHREAD_MUTEX_INITIALIZER;
#define REG_LOCK() pthread_mutex_lock(&g_reg)
#define REG_UNLOCK() pthread_mutex_unlock(&g_reg)
#else
#define REG_LOCK() ((void)0)
#define REG_UNLOCK() ((void)0)
#endif

/* The slot at index i, or NULL when it was never handed out. */
static slot *slot_at(uint32_t i) {
    if (i >= LOAD(g_nslots)) return NULL;
    slot *seg = __atomic_load_n(&g_seg[i >> SEG_BITS], __ATOMIC_ACQUIRE);
    return seg ? &seg[i & (SEG_SIZE - 1)] : NULL;
}

static int reg_add(void *ptr, int type, uint32_t owner) {
    REG_LOCK();
    /* A handle or iterator is registered only while its filesystem is: dmfsw_destroy marks
     * the fs slot and releases the objects it owns under this lock, so one registered after
     * that (an open that finished while destroy waited) would outlive what dmfs_destroy frees. */
    if (type != T_FS) {
        slot *o = slot_at(owner);
        if (!o || LOAD(o->type) != T_FS) {
            REG_UNLOCK();
            return DMFS_EBADF;
        }
    }
    uint32_t i;
    slot *s;
    if (g_free_head != UINT32_MAX) {
        i = g_free_head;
        s = slot_at(i);
        g_free_head = s->next_free;
    } else {
        i = g_nslots;
        if (i > IDX_MASK) { REG_UNLOCK(); return DMFS_ENOMEM; }
        slot *seg = g_seg[i >> SEG_BITS];
        if (!seg) {
            seg = calloc(SEG_SIZE, sizeof *seg);
            if (!seg) { REG_UNLOCK(); return DMFS_ENOMEM; }
            __atomic_store_n(&g_seg[i >> SEG_BITS], seg, __ATOMIC_RELEASE);
        }
        s = &seg[i & (SEG_SIZE - 1)];
        STORE(s->gen, 1u);
        STORE(g_nslots, i + 1);
    }
    /* refs is not reset: a stale pin() may have counted itself here and not yet taken
     * itself off again; every increment is matched by a decrement. */
    __atomic_store_n(&s->ptr, ptr, __ATOMIC_RELAXED);
    __atomic_store_n(&s->owner, owner, __ATOMIC_RELAXED);
    STORE(s->type, type);
    int id = (int)(((LOAD(s->gen) & GEN_MASK) << IDX_BITS) | i);
    REG_UNLOCK();
    return id;
}

/* Caller holds the lock. */
static void reg_release_slot(uint32_t i) {
    slot *s = slot_at(i);
    STORE(s->type, T_FREE);
    uint32_t gen = (LOAD(s->gen) + 1) & GEN_MASK;
    STORE(s->gen, gen ? gen : 1u);
    __atomic_store_n(&s->ptr, NULL, __ATOMIC_RELAXED);
    s->next_free = g_free_head;
    g_free_head = i;
}

/* The live slot of id with this type, or NULL. */
static slot *reg_find(int id, int type) {
    if (id <= 0) return NULL;
    uint32_t gen = ((uint32_t)id >> IDX_BITS) & GEN_MASK;
    slot *s = slot_at((uint32_t)id & IDX_MASK);
    if (!s || LOAD(s->type) != type || (LOAD(s->gen) & GEN_MASK) != gen) return NULL;
    return s;
}

/* Closes a handle or iterator by its type. */
static int close_ptr(void *p, int type) {
    return type == T_FILE ? dmfs_close(p) : type == T_EXPORT ? dmfs_export_close(p) : dmfs_walk_close(p);
}

/* The id of an object just opened on fs slot owner (rc: the open's result); closes the
 * object again if no id can be had (EBADF: the filesystem is being destroyed). */
static int reg_opened(int rc, void *p, int type, uint32_t owner) {
    if (rc < 0) return rc;
    int id = reg_add(p, type, owner);
    if (id < 0) close_ptr(p, type);
    return id;
}

/* Pins the filesystem a call works on until unpin(); NULL when the id is stale. */
static void *pin(int id, int type, uint32_t *fs_index) {
    slot *s = reg_find(id, type);
    if (!s) return NULL;
    void *p = __atomic_load_n(&s->ptr, __ATOMIC_RELAXED);
    uint32_t fi = type == T_FS ? (uint32_t)id & IDX_MASK : __atomic_load_n(&s->owner, __ATOMIC_RELAXED);
    slot *f = slot_at(fi);
    if (!f) return NULL;
    __atomic_add_fetch(&f->refs, 1, __ATOMIC_SEQ_CST);
    /* Still the same object, and its filesystem not being destroyed: p stays valid now. */
    if (reg_find(id, type) != s || LOAD(f->type) != T_FS) {
        __atomic_sub_fetch(&f->refs, 1, __ATOMIC_SEQ_CST);
        return NULL;
    }
    *fs_index = fi;
    return p;
}

static void unpin(uint32_t fs_index) {
    __atomic_sub_fetch(&slot_at(fs_index)->refs, 1, __ATOMIC_SEQ_CST);
}

#define PIN_FS(id)                                   \
    uint32_t fsi_;                                   \
    dmfs_fs *fs = pin((id), T_FS, &fsi_);            \
    if (!fs) return DMFS_EBADF
#define PIN_OBJ(type, ctype, var, id)                \
    uint32_t fsi_;                                   \
    ctype *var = pin((id), (type), &fsi_);           \
    if (!var) return DMFS_EBADF
#define UNPIN() unpin(fsi_)

/* ── Init, errors, version, memory ──────────────────────────────────────────────── */
/* Called once per JS thread: every lock wait becomes EAGAIN, JS waits asynchronously. */
void W(dmfsw_thread_init)(void) { dmfs_set_nonblocking(1); }

int W(dmfsw_error_count)(void) { return (int)dmfs_error_count(); }
const char *W(dmfsw_error_name)(int i) {
    const char *n = NULL, *m = NULL; int v = 0;
    return dmfs_error_at((size_t)i, &n, &v, &m) ? n : NULL;
}
const char *W(dmfsw_error_message)(int i) {
    const char *n = NULL, *m = NULL; int v = 0;
    return dmfs_error_at((size_t)i, &n, &v, &m) ? m : NULL;
}
int W(dmfsw_error_value)(int i) {
    const char *n = NULL, *m = NULL; int v = 0;
    return dmfs_error_at((size_t)i, &n, &v, &m) ? v : 1;
}
const char *W(dmfsw_version)(void) { return dmfs_version(); }

/* out[0..6] = code, kind, requested, available, current, limit, entry (import: −1 none). */
void W(dmfsw_last_error)(double *out) {
    const dmfs_error_info *e = dmfs_last_error();
    out[0] = e->code;
    out[1] = e->kind;
    out[2] = (double)e->requested;
    out[3] = (double)e->available;
    out[4] = (double)e->current;
    out[5] = (double)e->limit;
    out[6] = (double)e->entry;
}

void *W(dmfsw_malloc)(size_t n) { return malloc(n ? n : 1); }
void W(dmfsw_free)(void *p) { free(p); }
void W(dmfsw_core_free)(void *p) { dmfs_free(p); }

int W(dmfsw_normalize)(const char *path, char *out, int cap) {
    return dmfs_normalize_path(path, out, (size_t)cap);
}

/* ── Filesystem ─────────────────────────────────────────────────────────────────── */
static int64_t to_i64(double d) { return (int64_t)d; }

/* max_nodes < 0 = unlimited; default_timeout < 0 = forever. */
int W(dmfsw_create)(double max_quota, double max_nodes, int storage, double hard_limit,
                    double overhead, double default_timeout) {
    dmfs_config cfg;
    dmfs_config_init(&cfg);
    cfg.max_quota = (uint64_t)max_quota;
    cfg.max_nodes = max_nodes < 0 ? DMFS_UNLIMITED : (uint64_t)max_nodes;
    cfg.default_storage = storage;
    cfg.promotion_hard_limit = (uint64_t)hard_limit;
    cfg.chunk_overhead = (uint64_t)overhead;
    cfg.default_lock_timeout_ms = default_timeout < 0 ? DMFS_WAIT_FOREVER : to_i64(default_timeout);
    cfg.clock_ms = clock_cb;
    cfg.clock_ctx = NULL;
    dmfs_fs *fs = NULL;
    int rc = dmfs_create(&cfg, &fs);
    if (rc < 0) return rc;
    int id = reg_add(fs, T_FS, 0);
    if (id < 0) dmfs_destroy(fs);
    return id;
}

int W(dmfsw_destroy)(int id) {
    REG_LOCK();
    slot *s = reg_find(id, T_FS);
    if (!s) { REG_UNLOCK(); return DMFS_EBADF; }
    uint32_t fi = (uint32_t)id & IDX_MASK;
    dmfs_fs *fs = s->ptr;
    /* Invalidate the handles and iterators first: dmfs_destroy frees them. */
    for (uint32_t i = 0, n = LOAD(g_nslots); i < n; i++) {
        slot *o = slot_at(i);
        int t = LOAD(o->type);
        if (t != T_FREE && t != T_FS && o->owner == fi) reg_release_slot(i);
    }
    STORE(s->type, T_FREE); /* no new pins; the slot is recycled once the last pin is gone */
    REG_UNLOCK();
#if DMFS_THREADS
    /* Pinned calls run in non-blocking mode and end quickly. */
    while (LOAD(s->refs) > 0) sched_yield();
#endif
    int rc = dmfs_destroy(fs);
    REG_LOCK();
    reg_release_slot(fi);
    REG_UNLOCK();
    return rc;
}

/* Address of the wait word, 0 when the id is stale. The word lives as long as the fs. */
uint32_t W(dmfsw_wait_word)(int id) {
    uint32_t fsi_;
    dmfs_fs *fs = pin(id, T_FS, &fsi_);
    if (!fs) return 0;
    uint32_t a = (uint32_t)(uintptr_t)dmfs_wait_word(fs);
    UNPIN();
    return a;
}

/* JS waiters count themselves around Atomics.waitAsync so unlocks notify (stale id: no-op). */
void W(dmfsw_wait_register)(int id, int on) {
    uint32_t fsi_;
    dmfs_fs *fs = pin(id, T_FS, &fsi_);
    if (!fs) return;
    dmfs_wait_register(fs, on);
    UNPIN();
}

/* ── Handles ────────────────────────────────────────────────────────────────────── */
int W(dmfsw_open)(int id, const char *path, const char *mode, double prealloc, double timeout) {
    PIN_FS(id);
    dmfs_file *f = NULL;
    int rc = dmfs_open(fs, path, mode, to_i64(prealloc), to_i64(timeout), &f);
    rc = reg_opened(rc, f, T_FILE, fsi_); /* f is read after the open: its own statement */
    UNPIN();
    return rc;
}

double W(dmfsw_read)(int fid, void *buf, size_t n) {
    PIN_OBJ(T_FILE, dmfs_file, f, fid);
    double r = (double)dmfs_read(f, buf, n);
    UNPIN();
    return r;
}

/* The end of a call whose result JS still copies in or out of the file's storage: with r > 0
 * the filesystem stays pinned (out_info[1] names the pin), so a destroy on another thread
 * waits until JS calls dmfsw_unpin (synchronously, in a finally); otherwise it is unpinned. */
static double keep_pin(int64_t r, uint32_t fs_index, uint32_t *out_info) {
    if (r > 0) out_info[1] = fs_index;
    else unpin(fs_index);
    return (double)r;
}

/* dmfs_read_spans with the spans as u32 (pointer, length) pairs at out (at most max) and
 * out_info[0] = their number; pinned as keep_pin says. */
double W(dmfsw_read_spans)(int fid, size_t n, dmfs_span *out, int max, uint32_t *out_info) {
    PIN_OBJ(T_FILE, dmfs_file, f, fid);
    size_t count = 0;
    int64_t r = dmfs_read_spans(f, n, out, max > 0 ? (size_t)max : 0, &count);
    out_info[0] = (uint32_t)count;
    return keep_pin(r, fsi_, out_info);
}

/* dmfs_write_reserve with out_info[0] = where JS must store the n bytes; pinned as keep_pin
 * says. */
double W(dmfsw_write_reserve)(int fid, size_t n, uint32_t *out_info) {
    PIN_OBJ(T_FILE, dmfs_file, f, fid);
    void *dst = NULL;
    int64_t r = dmfs_write_reserve(f, n, &dst);
    out_info[0] = (uint32_t)(uintptr_t)dst;
    return keep_pin(r, fsi_, out_info);
}

void W(dmfsw_unpin)(uint32_t fs_index) { unpin(fs_index); }

/* memcpy for JS (memory.copy): engines copy shared memory word by word only when source and
 * destination are equally aligned, else byte by byte; JS bounces misaligned copies through
 * its scratch area with this. */
void W(dmfsw_memcpy)(void *dst, const void *src, size_t n) { memcpy(dst, src, n); }

/* Bytes between the cursor and the end (0 past the end), or an error. */
double W(dmfsw_read_avail)(int fid) {
    PIN_OBJ(T_FILE, dmfs_file, f, fid);
    int64_t size = dmfs_file_size(f), pos = dmfs_tell(f);
    UNPIN();
    if (size < 0) return (double)size;
    if (pos < 0) return (double)pos;
    return size > pos ? (double)(size - pos) : 0.0;
}

double W(dmfsw_write)(int fid, const void *buf, size_t n) {
    PIN_OBJ(T_FILE, dmfs_file, f, fid);
    double r = (double)dmfs_write(f, buf, n);
    UNPIN();
    return r;
}

double W(dmfsw_seek)(int fid, double off, int whence) {
    PIN_OBJ(T_FILE, dmfs_file, f, fid);
    double r = (double)dmfs_seek(f, to_i64(off), whence);
    UNPIN();
    return r;
}

double W(dmfsw_tell)(int fid) {
    PIN_OBJ(T_FILE, dmfs_file, f, fid);
    double r = (double)dmfs_tell(f);
    UNPIN();
    return r;
}

/* size is at most 2^53 (JS checked representability); larger values pass as is. */
double W(dmfsw_truncate)(int fid, double size) {
    PIN_OBJ(T_FILE, dmfs_file, f, fid);
    int64_t s = size >= 9.2e18 ? INT64_MAX : to_i64(size);
    double r = (double)dmfs_truncate(f, s);
    UNPIN();
    return r;
}

double W(dmfsw_file_size)(int fid) {
    PIN_OBJ(T_FILE, dmfs_file, f, fid);
    double r = (double)dmfs_file_size(f);
    UNPIN();
    return r;
}

int W(dmfsw_flush)(int fid) {
    PIN_OBJ(T_FILE, dmfs_file, f, fid);
    int r = dmfs_flush(f);
    UNPIN();
    return r;
}

static int close_obj(int id, int type) {
    REG_LOCK();
    slot *s = reg_find(id, type);
    if (!s) { REG_UNLOCK(); return DMFS_EBADF; }
    void *p = s->ptr;
    uint32_t fi = s->owner;
    reg_release_slot((uint32_t)id & IDX_MASK);
    __atomic_add_fetch(&slot_at(fi)->refs, 1, __ATOMIC_SEQ_CST); /* destroy waits for this call */
    REG_UNLOCK();
    int rc = close_ptr(p, type);
    unpin(fi);
    return rc;
}

int W(dmfsw_close)(int fid) { return close_obj(fid, T_FILE); }

/* ── Tree operations ────────────────────────────────────────────────────────────── */
#define FS_CALL(expr) \
    PIN_FS(id);       \
    int rc = (expr);  \
    UNPIN();          \
    return rc

int W(dmfsw_mkdir)(int id, const char *p, int exist_ok) { FS_CALL(dmfs_mkdir(fs, p, exist_ok)); }
int W(dmfsw_rename)(int id, const char *s, const char *d) { FS_CALL(dmfs_rename(fs, s, d)); }
int W(dmfsw_move)(int id, const char *s, const char *d) { FS_CALL(dmfs_move(fs, s, d)); }
int W(dmfsw_remove)(int id, const char *p) { FS_CALL(dmfs_remove(fs, p)); }
int W(dmfsw_rmtree)(int id, const char *p) { FS_CALL(dmfs_rmtree(fs, p)); }
int W(dmfsw_exists)(int id, const char *p) { FS_CALL(dmfs_exists(fs, p)); }
int W(dmfsw_is_dir)(int id, const char *p) { FS_CALL(dmfs_is_dir(fs, p)); }
int W(dmfsw_is_file)(int id, const char *p) { FS_CALL(dmfs_is_file(fs, p)); }
int W(dmfsw_copy)(int id, const char *s, const char *d, double t) {
    FS_CALL(dmfs_copy(fs, s, d, to_i64(t)));
}
int W(dmfsw_copy_tree)(int id, const char *s, const char *d, double t) {
    FS_CALL(dmfs_copy_tree(fs, s, d, to_i64(t)));
}

/* *out = the dmfs_strlist (free with dmfsw_strlist_free); returns its count. */
int W(dmfsw_listdir)(int id, const char *p, dmfs_strlist **out) {
    PIN_FS(id);
    int rc = dmfs_listdir(fs, p, out);
    UNPIN();
    return rc < 0 ? rc : (int)(*out)->count;
}
int W(dmfsw_glob)(int id, const char *p, dmfs_strlist **out) {
    PIN_FS(id);
    int rc = dmfs_glob(fs, p, out);
    UNPIN();
    return rc < 0 ? rc : (int)(*out)->count;
}
void W(dmfsw_strlist_free)(dmfs_strlist *l) { dmfs_strlist_free(l); }

/* out[0..4] = size, createdAt, modifiedAt, generation, isDir. */
int W(dmfsw_stat)(int id, const char *p, double *out) {
    PIN_FS(id);
    dmfs_statbuf st;
    int rc = dmfs_stat(fs, p, &st);
    UNPIN();
    if (rc < 0) return rc;
    out[0] = (double)st.size;
    out[1] = (double)st.created_at;
    out[2] = (double)st.modified_at;
    out[3] = (double)st.generation;
    out[4] = st.is_dir ? 1 : 0;
    return rc;
}

/* out[0..6] = used, quota, free, files, dirs, chunks, overhead per chunk. */
int W(dmfsw_stats)(int id, double *out) {
    PIN_FS(id);
    dmfs_statsbuf st;
    int rc = dmfs_stats(fs, &st);
    UNPIN();
    if (rc < 0) return rc;
    out[0] = (double)st.used_bytes;
    out[1] = (double)st.quota_bytes;
    out[2] = (double)st.free_bytes;
    out[3] = (double)st.file_count;
    out[4] = (double)st.dir_count;
    out[5] = (double)st.chunk_count;
    out[6] = (double)st.overhead_per_chunk;
    return rc;
}

double W(dmfsw_get_size)(int id, const char *p) {
    PIN_FS(id);
    double r = (double)dmfs_get_size(fs, p);
    UNPIN();
    return r;
}

/* out[0] = data pointer (free with dmfsw_core_free), out[1] = length. max_size < 0 = none. */
int W(dmfsw_read_file)(int id, const char *p, double max_size, double timeout, uint32_t *out) {
    PIN_FS(id);
    uint8_t *data = NULL;
    size_t len = 0;
    int rc = dmfs_read_file(fs, p, max_size < 0 ? -1 : to_i64(max_size), to_i64(timeout), &data, &len);
    UNPIN();
    if (rc < 0) return rc;
    out[0] = (uint32_t)(uintptr_t)data;
    out[1] = (uint32_t)len;
    return rc;
}

/* Into buf when the file fits in cap (JS passes its scratch area): no malloc, one copy. */
double W(dmfsw_read_file_into)(int id, const char *p, double max_size, double timeout, void *buf, size_t cap) {
    PIN_FS(id);
    int64_t r = dmfs_read_file_into(fs, p, max_size < 0 ? -1 : to_i64(max_size), to_i64(timeout), buf, cap);
    UNPIN();
    return (double)r;
}

int W(dmfsw_write_file)(int id, const char *p, const void *data, size_t len, double timeout) {
    FS_CALL(dmfs_write_file(fs, p, data, len, to_i64(timeout)));
}

/* entries: count × {path ptr, data ptr, len} (wasm32 dmfs_entry). */
int W(dmfsw_import)(int id, const dmfs_entry *entries, size_t count) {
    FS_CALL(dmfs_import(fs, entries, count));
}

/* ── Iterators ──────────────────────────────────────────────────────────────────── */
int W(dmfsw_export_open)(int id, const char *prefix, int only_dirty, double timeout) {
    PIN_FS(id);
    dmfs_export *x = NULL;
    int rc = dmfs_export_open(fs, prefix, only_dirty, to_i64(timeout), &x);
    rc = reg_opened(rc, x, T_EXPORT, fsi_);
    UNPIN();
    return rc;
}

/* out[0..2] = path, data, len (valid until the next call on the iterator). */
int W(dmfsw_export_next)(int xid, uint32_t *out) {
    PIN_OBJ(T_EXPORT, dmfs_export, x, xid);
    const char *path = NULL;
    const uint8_t *data = NULL;
    size_t len = 0;
    int rc = dmfs_export_next(x, &path, &data, &len);
    UNPIN();
    if (rc == 1) {
        out[0] = (uint32_t)(uintptr_t)path;
        out[1] = (uint32_t)(uintptr_t)data;
        out[2] = (uint32_t)len;
    }
    return rc;
}

/* Files listed at open (for progress); < 0 for a bad id. */
double W(dmfsw_export_count)(int xid) {
    PIN_OBJ(T_EXPORT, dmfs_export, x, xid);
    size_t n = dmfs_export_count(x);
    UNPIN();
    return (double)n;
}

int W(dmfsw_export_close)(int xid) { return close_obj(xid, T_EXPORT); }

int W(dmfsw_walk_open)(int id, const char *path) {
    PIN_FS(id);
    dmfs_walk *w = NULL;
    int rc = dmfs_walk_open(fs, path, &w);
    rc = reg_opened(rc, w, T_WALK, fsi_);
    UNPIN();
    return rc;
}

/* out[0..4] = dirpath, ndirs, dirnames, nfiles, filenames. */
int W(dmfsw_walk_next)(int wid, uint32_t *out) {
    PIN_OBJ(T_WALK, dmfs_walk, w, wid);
    dmfs_walk_entry e;
    int rc = dmfs_walk_next(w, &e);
    UNPIN();
    if (rc == 1) {
        out[0] = (uint32_t)(uintptr_t)e.dirpath;
        out[1] = (uint32_t)e.ndirs;
        out[2] = (uint32_t)(uintptr_t)e.dirnames;
        out[3] = (uint32_t)e.nfiles;
        out[4] = (uint32_t)(uintptr_t)e.filenames;
    }
    return rc;
}

int W(dmfsw_walk_close)(int wid) { return close_obj(wid, T_WALK); }

/* ── Test hooks ─────────────────────────────────────────────────────────────────── */
#ifdef DMFS_TEST_HOOKS
int W(dmfsw_debug_check)(int id) { FS_CALL(dmfs_debug_check(fs)); }

/* Test hook: live handles and iterators whose filesystem is gone or going (always 0: their
 * ids would lead to memory dmfs_destroy freed). */
int W(dmfsw_debug_orphans)(void) {
    REG_LOCK();
    int n = 0;
    for (uint32_t i = 0, k = LOAD(g_nslots); i < k; i++) {
        slot *o = slot_at(i);
        int t = LOAD(o->type);
        if (t == T_FREE || t == T_FS) continue;
        slot *f = slot_at(o->owner);
        if (!f || LOAD(f->type) != T_FS) n++;
    }
    REG_UNLOCK();
    return n;
}
void W(dmfsw_debug_fail_alloc)(double n) { dmfs_debug_fail_alloc((uint64_t)n); }
double W(dmfsw_debug_alloc_count)(void) { return (double)dmfs_debug_alloc_count(); }
double W(dmfsw_debug_heap_bytes)(void) { return (double)dmfs_debug_heap_bytes(); }
#endif
