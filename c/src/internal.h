/* Internal structures of the core. Locking rules (DESIGN rule 4, SPEC §8.1):
 *
 *   lock order: structure lock (fs->slock) → file lock (node->lock) → ledger (atomic CAS).
 *   Holding the structure lock, a thread only *tries* file locks; to wait it pins the node,
 *   drops the structure lock, waits, re-takes it and re-checks everything.
 *
 *   guarded by fs->slock:   the tree (parent, prev/next, children, index, name), node->pins,
 *                           node->removed, fs->nodes/nfiles/ndirs, iterator lists.
 *   guarded by node->lock:  file content (chunks / buf), handle cursors. Exclusive for
 *                           writers; shared for readers. Structural replacement of content
 *                           (import) holds the structure lock and requires the lock free.
 *   atomics (read anywhere): node->size, generation, modified_at; fs->used (the ledger),
 *                           fs->chunk_count, fs->wait_word.
 *   fs->hlock (leaf spin):  the list of open handles (close never takes the structure lock).
 */
#ifndef DMFS_INTERNAL_H
#define DMFS_INTERNAL_H

#include "dmemfs.h"
#include "alloc.h"
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#ifndef DMFS_THREADS
#define DMFS_THREADS 1
#endif

#define DMFS__WRITER 0x80000000u

typedef struct dmfs__rw {
    _Atomic uint32_t state; /* 0 free; DMFS__WRITER held exclusively; else reader count */
} dmfs__rw;

typedef struct dmfs__chunk {
    size_t len;
    /* 8-aligned on wasm32 too: engines copy shared memory out word by word only when source
     * and destination are equally aligned, else byte by byte (4x slower, measured). */
    _Alignas(8) uint8_t data[];
} dmfs__chunk;

typedef struct dmfs__node dmfs__node;
struct dmfs__node {
    dmfs__node *parent, *prev, *next; /* sibling list in insertion order */
    char *name;
    uint32_t name_len, hash;
    uint8_t is_dir, removed;
    uint32_t pins; /* waiters/iterators holding a reference (structure lock) */
    int64_t created_at;
    _Atomic int64_t modified_at;
    /* directory */
    dmfs__node *first, *last;
    dmfs__node **index; /* open addressing, NULL = empty, tombstones as DMFS__TOMB */
    uint32_t index_cap, index_used, nchildren;
    /* file */
    /* storage, nchunks and cap change only under the exclusive file lock; they are atomic
     * so dmfs_debug_file_info may read them while a handle writes. */
    _Atomic int storage; /* DMFS_STORAGE_SEQUENTIAL or _RANDOM_ACCESS */
    _Atomic uint64_t size, generation;
    dmfs__chunk **chunks; /* sequential */
    uint64_t *ends;       /* ends[i] = cumulative size through chunk i */
    _Atomic size_t nchunks;
    size_t chunks_cap;
    uint8_t *buf; /* random access */
    _Atomic size_t cap;
    dmfs__rw lock;
};

typedef struct dmfs__iter_link {
    struct dmfs__iter_link *prev, *next;
    int kind; /* 1 export, 2 walk */
} dmfs__iter_link;

struct dmfs_file {
    dmfs_fs *fs;
    dmfs__node *node;
    int mode; /* DMFS__M_* */
    uint64_t cursor;
    dmfs_file *hprev, *hnext;
};

enum { DMFS__M_RB, DMFS__M_WB, DMFS__M_AB, DMFS__M_RPB, DMFS__M_XB };

struct dmfs_fs {
    dmfs_config cfg;
    _Atomic uint32_t wait_word; /* bumped on every unlock of any lock of this fs */
    _Atomic uint32_t waiters;   /* sleepers on wait_word: C threads and registered JS waits */
    _Atomic uint32_t slock;     /* structure lock: 0 free, 1 held */
    _Atomic uint32_t hlock;     /* handle list spin lock (leaf) */
    _Atomic uint64_t used;      /* the ledger */
    _Atomic uint64_t chunk_count;
    _Atomic int destroyed;
    _Atomic uint32_t active; /* public calls in progress */
    uint64_t nodes, nfiles, ndirs;
    dmfs__node *root;
    dmfs_file *handles;
    dmfs__iter_link *iters;
};

/* error.c */
int dmfs__fail(int code);
int dmfs__fail_kind(int code, int kind);
int dmfs__fail_bytes(uint64_t requested, uint64_t available);
int dmfs__fail_entry(int code, int64_t entry);
int dmfs__fail_nodes(uint64_t current, uint64_t limit, uint64_t requested);

/* lock.c */
int64_t dmfs__mono_ns(void);
int64_t dmfs__deadline(const dmfs_fs *fs, int64_t timeout_ms); /* −1 forever, 0 try, else abs ns */
int64_t dmfs__struct_deadline(const dmfs_fs *fs, int64_t file_deadline);
int dmfs__slock(dmfs_fs *fs, int64_t deadline); /* 0, or EAGAIN/EBADF already recorded */
void dmfs__slock_must(dmfs_fs *fs);
void dmfs__sunlock(dmfs_fs *fs);
bool dmfs__rw_tryrd(dmfs__rw *l);
bool dmfs__rw_trywr(dmfs__rw *l);
void dmfs__rw_unlock(dmfs_fs *fs, dmfs__rw *l);
/* Waits until wait_word != seen or the deadline; returns 0 or DMFS_EAGAIN / DMFS_EBADF. */
int dmfs__wait(dmfs_fs *fs, uint32_t seen, int64_t deadline);
bool dmfs__nonblocking(void);
void dmfs__hlock(dmfs_fs *fs);
void dmfs__hunlock(dmfs_fs *fs);
void dmfs__wake(dmfs_fs *fs);
void dmfs__wake_all(dmfs_fs *fs);

/* quota.c — the ledger: the only place that says yes or no to growth */
uint64_t dmfs__quota_free(dmfs_fs *fs);
/* Atomically: if charge > free + credit → ENOSPC(charge, free + credit), nothing
 * recorded; else used += charge − credit. */
int dmfs__ledger_adjust(dmfs_fs *fs, uint64_t charge, uint64_t credit);
void dmfs__ledger_release(dmfs_fs *fs, uint64_t n);
/* Node limit: creating `add` nodes. */
int dmfs__nodes_check(dmfs_fs *fs, uint64_t add);
int dmfs__ledger_promote(dmfs_fs *fs, uint64_t size, uint64_t released, uint64_t ext);

/* tree.c */
uint32_t dmfs__hash(const char *s, size_t n);
dmfs__node *dmfs__node_new(bool is_dir, const char *name, size_t len, int64_t now, int storage);
void dmfs__node_free(dmfs_fs *fs, dmfs__node *n); /* content + node (not children) */
dmfs__node *dmfs__child(const dmfs__node *dir, const char *name, size_t len);
int dmfs__attach(dmfs__node *dir, dmfs__node *child); /* last in dir; ENOMEM */
int dmfs__index_reserve(dmfs__node *dir, uint32_t extra); /* so attach cannot fail */
void dmfs__detach(dmfs__node *child);
/* Resolves a normalized path. Returns 0 with *out, or ENOENT / ENOTDIR. With want_parent,
 * resolves the parent directory (ENOENT/ENOTDIR per §5.2) and gives the last name. */
int dmfs__resolve(dmfs_fs *fs, const char *path, dmfs__node **out);
int dmfs__resolve_parent(dmfs_fs *fs, const char *path, dmfs__node **parent, const char **name, size_t *len);
void dmfs__unpin(dmfs_fs *fs, dmfs__node *n);
/* Frees a detached subtree (iteratively); pinned nodes are marked removed instead. */
void dmfs__free_subtree(dmfs_fs *fs, dmfs__node *top);
size_t dmfs__path_of(const dmfs__node *n, char *out, size_t cap);

/* store.c — content; caller holds the file lock (exclusive for changes) */
uint64_t dmfs__usage(const dmfs_fs *fs, const dmfs__node *n);
int64_t dmfs__store_read(const dmfs__node *n, uint64_t off, void *buf, size_t len);
/* Spans of up to len bytes at off (at most max); *count of them; returns the bytes covered. */
size_t dmfs__store_spans(const dmfs__node *n, uint64_t off, size_t len, dmfs_span *spans, size_t max,
                         size_t *count);
/* dst non-NULL: everything but storing the bytes; *dst = where the caller must store them. */
int64_t dmfs__store_write(dmfs_fs *fs, dmfs__node *n, uint64_t off, const void *buf, size_t len, uint8_t **dst);
int dmfs__store_truncate(dmfs_fs *fs, dmfs__node *n, uint64_t size);
void dmfs__store_clear(dmfs_fs *fs, dmfs__node *n); /* drop content, release usage */
/* Builds fresh content holding data (one chunk or buffer) for storage kind `storage`
 * into a detached temporary node; used by copy/import/write_file. */
int dmfs__store_fill(dmfs_fs *fs, dmfs__node *tmp, const void *data, size_t len);
uint64_t dmfs__fill_usage(const dmfs_fs *fs, int storage, uint64_t len);
/* Moves the content of src (a temporary) into dst, releasing nothing (ledger done by caller). */
void dmfs__store_swap(dmfs_fs *fs, dmfs__node *dst, dmfs__node *src);
int dmfs__store_clone(dmfs_fs *fs, dmfs__node *dst, const dmfs__node *src);
int dmfs__store_copy_out(const dmfs__node *n, uint8_t **data, size_t *len);

/* handle.c: with the structure lock held, lock a file for this call (see handle.c). */
#define DMFS__RETRY 1
int dmfs__acquire(dmfs_fs *fs, dmfs__node *n, bool write, int64_t deadline, dmfs__node **held);

/* fs.c: every public tree operation is dmfs__begin (enter + structure lock) … dmfs__end. */
int dmfs__begin(dmfs_fs *fs, int64_t deadline);
int dmfs__end(dmfs_fs *fs, int r);
/* Declares `char buf[]` holding the normalized path, or returns the error. */
#define DMFS__NORM(buf, in)                                                         \
    char buf[DMFS_PATH_MAX + 1];                                                    \
    do {                                                                            \
        int nr_ = dmfs__path_normalize((in), buf);                                  \
        if (nr_ < 0) return dmfs__fail(nr_);                                        \
    } while (0)

/* handle / fs helpers */
int64_t dmfs__now(dmfs_fs *fs);
int dmfs__enter(dmfs_fs *fs);
void dmfs__leave(dmfs_fs *fs);

#endif
