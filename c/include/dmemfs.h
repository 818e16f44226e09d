/*
 * dmemfs.h — an in-process virtual filesystem with a hard byte quota.
 *
 * This header is the manual of the C API. The behaviour contract is SPEC.md; section
 * numbers (§) below refer to it. Where this header and SPEC.md disagree, SPEC.md wins.
 *
 * ── Conventions ─────────────────────────────────────────────────────────────────────
 * Returns   0 (DMFS_OK), or a count / position / boolean >= 0 on success; a negative
 *           DMFS_E* code (fixed numbers, below) on failure. Nothing aborts, exits or prints.
 * Failure   leaves no trace: tree, contents, node count, ledger, generations and timestamps
 *           are as before (§1 invariant 6). Details of the last failure of the *calling
 *           thread* are in dmfs_last_error().
 * Memory    every allocation failure is DMFS_ENOMEM with nothing changed. Inputs are copied;
 *           no caller pointer is kept after a call returns. Outputs documented as "owned
 *           by the caller" are released with dmfs_free() / dmfs_strlist_free().
 * Strings   paths, patterns and modes are NUL-terminated UTF-8. A required pointer that is
 *           NULL → DMFS_EINVAL. Invalid UTF-8 in a path → DMFS_EINVAL.
 * Numbers   sizes and positions are at most DMFS_MAX_SAFE (2^53 − 1).
 * Timeouts  timeout_ms: DMFS_WAIT_FOREVER (−1) forever, 0 try once, > 0 milliseconds on a
 *           monotonic clock, DMFS_TIMEOUT_DEFAULT (−2) the filesystem default; < −2 →
 *           DMFS_EINVAL. All waits of one call share one deadline.
 *
 * ── Threads ─────────────────────────────────────────────────────────────────────────
 * A dmfs_fs may be used by many threads at once. A dmfs_file or iterator is used by one
 * thread at a time; dmfs_close() may come from another thread if no other call on that
 * handle is in progress (locks are not owner-bound). Lock order: structure → file →
 * ledger. No call ever waits for a file lock while holding the structure lock (§8.1).
 * Built with DMFS_THREADS=0 (the wasm-single build) every lock compiles to nothing and a
 * contended file lock returns DMFS_EAGAIN at once whatever the timeout.
 *
 * ── Caveats ─────────────────────────────────────────────────────────────────────────
 * - Using a handle, iterator or filesystem after it was freed is undefined behaviour in C.
 * - File locks are neither fair nor re-entrant: a thread holding a write handle that calls
 *   dmfs_read_file() on the same file waits out its timeout and gets DMFS_EAGAIN.
 * - max_quota is a ceiling, not a reservation: allocation can fail (DMFS_ENOMEM) first.
 */
#ifndef DMEMFS_H
#define DMEMFS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && defined(DMFS_SHARED_BUILD)
#define DMFS_API __declspec(dllexport)
#elif defined(__GNUC__) || defined(__clang__)
#define DMFS_API __attribute__((visibility("default")))
#else
#define DMFS_API
#endif

#define DMFS_VERSION_STRING "0.1.0"
#define DMFS_MAX_SAFE 9007199254740991ULL /* 2^53 − 1 */
#define DMFS_UNLIMITED UINT64_MAX         /* max_nodes: no limit */
#define DMFS_WAIT_FOREVER (-1)
#define DMFS_TIMEOUT_DEFAULT (-2)
#define DMFS_NAME_MAX 255   /* bytes of UTF-8 in one name */
#define DMFS_PATH_MAX 4096  /* bytes of a normalized path, leading '/' included */

/* ── Errors (§4.1) ──────────────────────────────────────────────────────────────────
 * The one error table. Numbers are fixed and written literally: errno values differ
 * between Linux, Emscripten and WASI. X(NAME, value, description). */
#define DMFS_ERROR_TABLE(X)                                             \
    X(OK, 0, "success")                                                 \
    X(ENOENT, -2, "no such file or directory")                          \
    X(EBADF, -9, "bad file descriptor")                                 \
    X(EAGAIN, -11, "resource temporarily unavailable")                  \
    X(ENOMEM, -12, "not enough memory")                                 \
    X(EBUSY, -16, "resource busy or locked")                            \
    X(EEXIST, -17, "file already exists")                               \
    X(ENOTDIR, -20, "not a directory")                                  \
    X(EISDIR, -21, "illegal operation on a directory")                  \
    X(EINVAL, -22, "invalid argument")                                  \
    X(EFBIG, -27, "file too large")                                     \
    X(ENOSPC, -28, "no space left on device")                           \
    X(ENAMETOOLONG, -36, "name too long")                               \
    X(ENOTEMPTY, -39, "directory not empty")                            \
    X(ENOTSUP, -95, "operation not supported")                          \
    X(EDQUOT, -122, "disk quota exceeded")

typedef enum dmfs_error {
#define DMFS__ENUM(name, value, msg) DMFS_##name = value,
    DMFS_ERROR_TABLE(DMFS__ENUM)
#undef DMFS__ENUM
} dmfs_error;

/* Number of rows in the error table, and row i (0-based): name without prefix
 * ("ENOENT"), value, description. Returns 0 for i out of range. For bindings. */
DMFS_API size_t dmfs_error_count(void);
DMFS_API int dmfs_error_at(size_t i, const char **name, int *value, const char **message);

/* "ENOENT" for −2; "OK" for 0; "UNKNOWN" for any other number. Static strings. */
DMFS_API const char *dmfs_errname(int code);
/* The description column; "unknown error" for any other number. Static strings. */
DMFS_API const char *dmfs_strerror(int code);

enum { DMFS_KIND_NONE = 0, DMFS_KIND_BYTES = 1, DMFS_KIND_NODES = 2, DMFS_KIND_STRUCTURE = 3 };

/* Details of the last failing dmfs_ call on the calling thread. For DMFS_ENOSPC, kind is
 * BYTES (requested = bytes asked of the ledger, available = free then) or NODES
 * (current = nodes incl. root, limit, requested = nodes to add, available = limit −
 * current). For DMFS_EAGAIN, kind is STRUCTURE when the structure lock was busy (only
 * in non-blocking mode, where a caller that asked to try its file lock once should wait
 * for the structure lock and retry) and NONE when a file lock was. Successful calls do not reset it. Never NULL; valid until the thread's next
 * dmfs_ call. */
typedef struct dmfs_error_info {
    int code;
    int kind;
    uint64_t requested, available, current, limit;
    int64_t entry; /* dmfs_import: index of the entry concerned (EINVAL, ENAMETOOLONG, EISDIR,
                      ENOTDIR, EBUSY); −1 when no single entry is (quota, ENOMEM, others) */
} dmfs_error_info;
DMFS_API const dmfs_error_info *dmfs_last_error(void);

/* "0.1.0" — equal to the npm package version. */
DMFS_API const char *dmfs_version(void);

/* ── Filesystem ─────────────────────────────────────────────────────────────────────── */
typedef struct dmfs_fs dmfs_fs;
typedef struct dmfs_file dmfs_file;

enum { DMFS_STORAGE_AUTO = 0, DMFS_STORAGE_SEQUENTIAL = 1, DMFS_STORAGE_RANDOM_ACCESS = 2 };

typedef struct dmfs_config {
    uint64_t max_quota;               /* bytes; default 268435456 (256 MiB); 0..MAX_SAFE     */
    uint64_t max_nodes;               /* nodes incl. root; default DMFS_UNLIMITED; 0 → ENOSPC */
    int default_storage;              /* DMFS_STORAGE_*; default AUTO                         */
    uint64_t promotion_hard_limit;    /* bytes; default 536870912 (512 MiB)                   */
    uint64_t chunk_overhead;          /* bytes charged per sequential chunk; default 128      */
    int64_t default_lock_timeout_ms;  /* default 30000; −1 forever; 0 try once               */
    int64_t (*clock_ms)(void *ctx);   /* ms since the epoch; NULL = wall clock. Called at most
                                         once per operation, possibly under internal locks:
                                         it must be fast and must not call dmfs_.            */
    void *clock_ctx;
} dmfs_config;

/* Fills cfg with the defaults above. */
DMFS_API void dmfs_config_init(dmfs_config *cfg);

/* Creates a filesystem holding only root. cfg NULL = defaults.
 * DMFS_EINVAL: a value above MAX_SAFE (max_nodes may be DMFS_UNLIMITED), unknown storage,
 *              default_lock_timeout_ms < −1, out NULL.
 * DMFS_ENOSPC: max_nodes == 0 (kind NODES, current 0, limit 0, requested 1, available 0).
 * DMFS_ENOMEM. */
DMFS_API int dmfs_create(const dmfs_config *cfg, dmfs_fs **out);

/* Destroys fs: closes and frees every handle and iterator of it, wakes every waiter (they
 * return DMFS_EBADF), waits for calls in progress on other threads, frees all memory.
 * NULL → DMFS_EINVAL. The caller must not start new calls on fs concurrently. */
DMFS_API int dmfs_destroy(dmfs_fs *fs);

/* ── Handles (§7.1, §7.2) ────────────────────────────────────────────────────────────
 * mode: exactly "rb", "wb", "ab", "r+b" or "xb" (else DMFS_EINVAL).
 * preallocate: 0 none; < 0 or > 0 with "rb" → DMFS_EINVAL; else the file is grown to it
 * all-or-nothing with the open (§7.1). timeout_ms bounds the file-lock wait (DMFS_EAGAIN).
 * Check order and every rule: §7.1. On success *out is a new handle holding the file lock
 * (shared for rb, exclusive otherwise) until dmfs_close(). */
DMFS_API int dmfs_open(dmfs_fs *fs, const char *path, const char *mode, int64_t preallocate,
                       int64_t timeout_ms, dmfs_file **out);

/* Reads up to n bytes at the cursor into buf; returns the count (0 at or past the end),
 * advances the cursor. DMFS_EBADF: closed, or mode is wb/ab/xb. Allocates nothing. */
DMFS_API int64_t dmfs_read(dmfs_file *f, void *buf, size_t n);

/* Zero-copy read: describes up to n bytes at the cursor as at most max (pointer, length)
 * spans of the file's own storage, sets *count to their number and advances the cursor past
 * them; returns the bytes described (0 at or past the end, *count 0). The spans are
 * read-only and stay valid until this handle writes, truncates or closes, or the filesystem
 * is destroyed: the handle's lock keeps every other handle and path call from changing the
 * file. DMFS_EBADF as dmfs_read; DMFS_EINVAL: spans or count NULL, or max 0 with n > 0.
 * Allocates nothing. */
typedef struct dmfs_span {
    const void *data;
    size_t len;
} dmfs_span;
DMFS_API int64_t dmfs_read_spans(dmfs_file *f, size_t n, dmfs_span *spans, size_t max, size_t *count);

/* Writes n bytes at the cursor (at the end in ab); returns n. All or nothing.
 * n == 0 → 0, nothing changes. DMFS_EBADF (closed, rb), DMFS_EFBIG (end > MAX_SAFE),
 * DMFS_ENOTSUP (not at end under 'sequential'; promotion above the hard limit),
 * DMFS_ENOSPC, DMFS_ENOMEM. */
DMFS_API int64_t dmfs_write(dmfs_file *f, const void *buf, size_t n);

/* Zero-copy write: everything dmfs_write(f, data, n) does (checks, quota, cursor,
 * generation, modification time, all or nothing) except storing the bytes; on success
 * *dst is where the file now expects them, and the caller must store exactly n bytes there
 * before its next call on this handle (the handle's exclusive lock keeps every reader away
 * until then; until they are stored the file holds whatever that memory held). Returns n;
 * n == 0 → 0 and *dst NULL. Errors as dmfs_write, and DMFS_EINVAL when dst is NULL. */
DMFS_API int64_t dmfs_write_reserve(dmfs_file *f, size_t n, void **dst);

enum { DMFS_SEEK_SET = 0, DMFS_SEEK_CUR = 1, DMFS_SEEK_END = 2 };
/* Returns the new cursor. DMFS_EINVAL per §7.2 (bad whence; SET with offset < 0; END with
 * offset > 0; result < 0 or > MAX_SAFE). Past the end is allowed. */
DMFS_API int64_t dmfs_seek(dmfs_file *f, int64_t offset, int whence);
DMFS_API int64_t dmfs_tell(dmfs_file *f);

/* Sets the size; returns it. size < 0 → DMFS_EINVAL, > MAX_SAFE → DMFS_EFBIG; DMFS_EBADF
 * for rb or closed; DMFS_ENOSPC / DMFS_ENOMEM when growing. Never promotes. §7.2. */
DMFS_API int64_t dmfs_truncate(dmfs_file *f, int64_t size);
/* Current size of the open file (also for rb). DMFS_EBADF when closed. */
DMFS_API int64_t dmfs_file_size(dmfs_file *f);
/* Nothing to do (writes are visible at once); DMFS_EBADF when closed. */
DMFS_API int dmfs_flush(dmfs_file *f);
/* Releases the lock and frees the handle. NULL → DMFS_EINVAL. */
DMFS_API int dmfs_close(dmfs_file *f);

/* ── Tree operations (§7.3–§7.7) ───────────────────────────────────────────────────── */
DMFS_API int dmfs_mkdir(dmfs_fs *fs, const char *path, int exist_ok);
DMFS_API int dmfs_rename(dmfs_fs *fs, const char *src, const char *dst);
DMFS_API int dmfs_move(dmfs_fs *fs, const char *src, const char *dst);
DMFS_API int dmfs_remove(dmfs_fs *fs, const char *path);
DMFS_API int dmfs_rmtree(dmfs_fs *fs, const char *path);
/* 1 / 0. Any path that fails normalization or resolution → 0. fs or path NULL → EINVAL. */
DMFS_API int dmfs_exists(dmfs_fs *fs, const char *path);
DMFS_API int dmfs_is_dir(dmfs_fs *fs, const char *path);
DMFS_API int dmfs_is_file(dmfs_fs *fs, const char *path);

/* A list of strings owned by the caller: free with dmfs_strlist_free (one block). */
typedef struct dmfs_strlist {
    size_t count;
    char **items;     /* items[i] is NUL-terminated UTF-8 */
    size_t *lengths;  /* lengths[i] == strlen(items[i]) */
} dmfs_strlist;
DMFS_API void dmfs_strlist_free(dmfs_strlist *list);

/* Child names in insertion order. */
DMFS_API int dmfs_listdir(dmfs_fs *fs, const char *path, dmfs_strlist **out);
/* Matching absolute paths, de-duplicated, sorted by byte (code point) order. §7.8. */
DMFS_API int dmfs_glob(dmfs_fs *fs, const char *pattern, dmfs_strlist **out);

typedef struct dmfs_statbuf {
    uint64_t size;
    int64_t created_at, modified_at; /* ms since the epoch, from the filesystem's clock */
    uint64_t generation;
    int is_dir;
} dmfs_statbuf;
DMFS_API int dmfs_stat(dmfs_fs *fs, const char *path, dmfs_statbuf *out);

typedef struct dmfs_statsbuf {
    uint64_t used_bytes, quota_bytes, free_bytes;
    uint64_t file_count, dir_count; /* dir_count includes root */
    uint64_t chunk_count;           /* chunks of sequential files */
    uint64_t overhead_per_chunk;
} dmfs_statsbuf;
DMFS_API int dmfs_stats(dmfs_fs *fs, dmfs_statsbuf *out);

/* The file's size; a directory → DMFS_EISDIR. */
DMFS_API int64_t dmfs_get_size(dmfs_fs *fs, const char *path);

/* ── Whole files (§9.1, §9.1b) ─────────────────────────────────────────────────────
 * read_file: max_size −1 = no limit; size > max_size → DMFS_EFBIG. On success *data is
 * owned by the caller (dmfs_free), NULL when *len is 0. */
DMFS_API int dmfs_read_file(dmfs_fs *fs, const char *path, int64_t max_size, int64_t timeout_ms,
                            uint8_t **data, size_t *len);
/* read_file into the caller's buffer, without an allocation: returns the file's size; the
 * bytes are copied only when size <= cap (else buf is untouched: retry with a larger
 * buffer, or use dmfs_read_file). Same checks and errors as dmfs_read_file. */
DMFS_API int64_t dmfs_read_file_into(dmfs_fs *fs, const char *path, int64_t max_size, int64_t timeout_ms,
                                     void *buf, size_t cap);
/* Create or replace atomically (§9.1b). Parents are not created. */
DMFS_API int dmfs_write_file(dmfs_fs *fs, const char *path, const void *data, size_t len,
                             int64_t timeout_ms);

DMFS_API int dmfs_copy(dmfs_fs *fs, const char *src, const char *dst, int64_t timeout_ms);
DMFS_API int dmfs_copy_tree(dmfs_fs *fs, const char *src, const char *dst, int64_t timeout_ms);

/* ── Import / export (§9.2, §9.3) ──────────────────────────────────────────────────── */
typedef struct dmfs_entry {
    const char *path;
    const void *data;
    size_t len;
} dmfs_entry;
/* All-or-nothing import of count entries (§9.3). count 0 → 0, nothing touched. */
DMFS_API int dmfs_import(dmfs_fs *fs, const dmfs_entry *entries, size_t count);

typedef struct dmfs_export dmfs_export;
/* Lists the files under prefix (NULL = "/") at once; only_dirty keeps generation > 0. */
DMFS_API int dmfs_export_open(dmfs_fs *fs, const char *prefix, int only_dirty, int64_t timeout_ms,
                              dmfs_export **out);
/* 1 and the next pair (valid until the next call on x), 0 at the end, or < 0
 * (DMFS_EAGAIN: a file lock was not obtained in time; the iterator may be retried).
 * *data is NULL when *len is 0. */
DMFS_API int dmfs_export_next(dmfs_export *x, const char **path, const uint8_t **data, size_t *len);
/* Number of files listed at open (files removed since are still counted; they are skipped
 * by dmfs_export_next). For progress reports. */
DMFS_API size_t dmfs_export_count(const dmfs_export *x);
DMFS_API int dmfs_export_close(dmfs_export *x);

typedef struct dmfs_walk dmfs_walk;
typedef struct dmfs_walk_entry {
    const char *dirpath;
    size_t ndirs;
    const char *const *dirnames;
    size_t nfiles;
    const char *const *filenames;
} dmfs_walk_entry;
/* Validates path (EINVAL, ENOENT, ENOTDIR for a file) at open. */
DMFS_API int dmfs_walk_open(dmfs_fs *fs, const char *path, dmfs_walk **out);
/* 1 and the next entry (valid until the next call on w), 0 at the end, < 0 on error. */
DMFS_API int dmfs_walk_next(dmfs_walk *w, dmfs_walk_entry *out);
DMFS_API int dmfs_walk_close(dmfs_walk *w);

/* ── Utilities ─────────────────────────────────────────────────────────────────────── */
/* Normalizes path per §5.1 into out (cap bytes incl. NUL); returns the length, or
 * DMFS_EINVAL / DMFS_ENAMETOOLONG; DMFS_EINVAL also when cap is too small. */
DMFS_API int dmfs_normalize_path(const char *path, char *out, size_t cap);
DMFS_API void dmfs_free(void *p);

/* ── Asynchronous waiting (for bindings such as the JS layer, §8.4) ───────────────────
 * dmfs_set_nonblocking(1) makes every lock acquisition of the calling thread that would
 * wait — structure lock or file lock — fail at once with DMFS_EAGAIN instead, whatever
 * the timeout. dmfs_wait_word(fs) is the address of a 32-bit word that changes on every
 * unlock of any lock of fs — including the caller's own: the failed call itself takes and
 * releases the structure lock, so a value read before the call always differs after it.
 * Protocol: make the call; on DMFS_EAGAIN read the word, dmfs_wait_register(fs, 1), wait
 * until the word differs from what was read or a short bound passes (the JS layer uses
 * 20 ms: a release between the call and the read is only seen at the bound), then
 * dmfs_wait_register(fs, 0); retry, until the caller's own deadline. Unlocks notify the
 * word only while a waiter is registered (or a C thread sleeps in a blocking call); an
 * unregistered waiter still sees the change, but only at its bound. */
DMFS_API void dmfs_set_nonblocking(int on);
DMFS_API const volatile uint32_t *dmfs_wait_word(dmfs_fs *fs);
DMFS_API void dmfs_wait_register(dmfs_fs *fs, int on);

/* ── Test hooks (built with DMFS_TEST_HOOKS) ─────────────────────────────────────────── */
/* 0 when every §1 invariant holds (ledger == Σ usage, every node reachable, counts exact,
 * sequential files have chunks iff non-empty, used ≤ quota); else DMFS_EINVAL. */
DMFS_API int dmfs_debug_check(dmfs_fs *fs);
/* Makes the n-th allocation from now (process-wide) fail; 0 = off. */
DMFS_API void dmfs_debug_fail_alloc(uint64_t n);
/* How many times the calling thread has slept waiting for a lock (0 in non-blocking mode). */
DMFS_API uint64_t dmfs_debug_wait_count(void);
/* Allocations made so far (process-wide), and bytes currently allocated (the usable size of
 * every live block, as the C library reports it). */
DMFS_API uint64_t dmfs_debug_alloc_count(void);
DMFS_API uint64_t dmfs_debug_heap_bytes(void);
typedef struct dmfs_file_info {
    int storage;        /* DMFS_STORAGE_SEQUENTIAL or DMFS_STORAGE_RANDOM_ACCESS (current) */
    uint64_t chunks;    /* sequential: chunk count; random-access: 0 */
    uint64_t capacity;  /* bytes allocated for content */
    uint64_t usage;     /* bytes charged to the ledger */
} dmfs_file_info;
DMFS_API int dmfs_debug_file_info(dmfs_fs *fs, const char *path, dmfs_file_info *out);

#ifdef __cplusplus
}
#endif
#endif /* DMEMFS_H */
