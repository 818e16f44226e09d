/* Public operations: check arguments, take the structure lock, call internals, unlock.
 * Check orders follow SPEC §2.1 and §7; the first failure decides the error. */
#include "internal.h"
#include "path.h"
#include <time.h>
#if DMFS_THREADS && !defined(__EMSCRIPTEN__)
#include <sched.h>
#endif

#define MAX_SAFE ((uint64_t)DMFS_MAX_SAFE)

void dmfs_config_init(dmfs_config *cfg) {
    if (!cfg) return;
    memset(cfg, 0, sizeof *cfg);
    cfg->max_quota = 268435456;
    cfg->max_nodes = DMFS_UNLIMITED;
    cfg->default_storage = DMFS_STORAGE_AUTO;
    cfg->promotion_hard_limit = 536870912;
    cfg->chunk_overhead = 128;
    cfg->default_lock_timeout_ms = 30000;
}

static int64_t wall_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t dmfs__now(dmfs_fs *fs) { return fs->cfg.clock_ms ? fs->cfg.clock_ms(fs->cfg.clock_ctx) : wall_ms(); }

int dmfs__enter(dmfs_fs *fs) {
    if (atomic_load(&fs->destroyed)) return dmfs__fail(DMFS_EBADF);
    atomic_fetch_add(&fs->active, 1);
    if (atomic_load(&fs->destroyed)) {
        atomic_fetch_sub(&fs->active, 1);
        return dmfs__fail(DMFS_EBADF);
    }
    return 0;
}

void dmfs__leave(dmfs_fs *fs) { atomic_fetch_sub(&fs->active, 1); }

int dmfs_create(const dmfs_config *cfg, dmfs_fs **out) {
    dmfs_config c;
    if (cfg) c = *cfg;
    else dmfs_config_init(&c);
    if (!out || c.max_quota > MAX_SAFE || (c.max_nodes > MAX_SAFE && c.max_nodes != DMFS_UNLIMITED) ||
        c.promotion_hard_limit > MAX_SAFE || c.chunk_overhead > MAX_SAFE || c.default_lock_timeout_ms < -1 ||
        c.default_lock_timeout_ms > (int64_t)MAX_SAFE ||
        c.default_storage < DMFS_STORAGE_AUTO || c.default_storage > DMFS_STORAGE_RANDOM_ACCESS)
        return dmfs__fail(DMFS_EINVAL);
    if (c.max_nodes == 0) return dmfs__fail_nodes(0, 0, 1);
    dmfs_fs *fs = dmfs__calloc(1, sizeof *fs);
    if (!fs) return dmfs__fail(DMFS_ENOMEM);
    fs->cfg = c;
    int64_t now = dmfs__now(fs);
    fs->root = dmfs__node_new(true, "", 0, now, 0);
    if (!fs->root) {
        dmfs__free(fs);
        return dmfs__fail(DMFS_ENOMEM);
    }
    fs->nodes = 1;
    fs->ndirs = 1;
    *out = fs;
    return 0;
}

void dmfs__iters_free_all(dmfs_fs *fs); /* iter.c */

int dmfs_destroy(dmfs_fs *fs) {
    if (!fs) return dmfs__fail(DMFS_EINVAL);
    if (atomic_exchange(&fs->destroyed, 1)) return dmfs__fail(DMFS_EBADF);
    dmfs__wake_all(fs);
    while (atomic_load(&fs->active)) { /* calls in progress finish or see `destroyed` */
        dmfs__wake_all(fs);
#if DMFS_THREADS && !defined(__EMSCRIPTEN__)
        sched_yield();
#endif
    }
    for (dmfs_file *h = fs->handles, *next; h; h = next) {
        next = h->hnext;
        dmfs__free(h);
    }
    dmfs__iters_free_all(fs);
    dmfs__free_subtree(fs, fs->root);
    dmfs__free(fs);
    return 0;
}

/* ── helpers shared by operations ───────────────────────────────────────────────────── */

int dmfs__begin(dmfs_fs *fs, int64_t deadline) {
    int r = dmfs__enter(fs);
    if (r) return r;
    if ((r = dmfs__slock(fs, dmfs__struct_deadline(fs, deadline)))) {
        dmfs__leave(fs);
        return r; /* dmfs__slock recorded it */
    }
    return 0;
}

int dmfs__end(dmfs_fs *fs, int r) {
    dmfs__sunlock(fs);
    dmfs__leave(fs);
    return r;
}

#define STRUCT_DEADLINE(fs) dmfs__deadline((fs), DMFS_TIMEOUT_DEFAULT)

/* Busy: some lock of a file under n is held (§8.3). Iterative pre-order. */
static bool subtree_busy(const dmfs__node *top) {
    const dmfs__node *n = top;
    for (;;) {
        if (!n->is_dir && atomic_load(&n->lock.state)) return true;
        if (n->is_dir && n->first) n = n->first;
        else {
            while (n != top && !n->next) n = n->parent;
            if (n == top) return false;
            n = n->next;
        }
    }
}

/* Longest path length below top, relative to top ("/x/y" under top → 4). */
static size_t subtree_depth_len(const dmfs__node *top) {
    size_t best = 0, cur = 0;
    const dmfs__node *n = top;
    for (;;) {
        if (n != top && cur > best) best = cur;
        if (n->is_dir && n->first) {
            n = n->first;
            cur += n->name_len + 1;
        } else {
            while (n != top && !n->next) {
                cur -= n->name_len + 1;
                n = n->parent;
            }
            if (n == top) return best;
            cur -= n->name_len + 1;
            n = n->next;
            cur += n->name_len + 1;
        }
    }
}

static void subtree_totals(const dmfs_fs *fs, const dmfs__node *top, uint64_t *nodes, uint64_t *files,
                           uint64_t *usage) {
    const dmfs__node *n = top;
    *nodes = *files = *usage = 0;
    for (;;) {
        (*nodes)++;
        if (!n->is_dir) {
            (*files)++;
            *usage += dmfs__usage(fs, n);
        }
        if (n->is_dir && n->first) n = n->first;
        else {
            while (n != top && !n->next) n = n->parent;
            if (n == top) return;
            n = n->next;
        }
    }
}

/* Resolves the parent chain of dst for move/mkdir style creation: returns the deepest
 * existing directory and how many components are missing (a file in the chain → ENOTDIR). */
static int resolve_existing_prefix(dmfs_fs *fs, const char *path, dmfs__node **deepest, const char **rest,
                                   uint64_t *missing) {
    dmfs__node *cur = fs->root;
    const char *p = path + 1;
    *missing = 0;
    while (*p) {
        const char *e = strchr(p, '/');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (!cur->is_dir) return DMFS_ENOTDIR;
        dmfs__node *c = dmfs__child(cur, p, len);
        if (!c) break;
        cur = c;
        if (!e) {
            p += len;
            break;
        }
        p = e + 1;
    }
    *deepest = cur;
    *rest = p;
    for (const char *q = p; *q;) {
        (*missing)++;
        const char *e = strchr(q, '/');
        if (!e) break;
        q = e + 1;
    }
    return 0;
}

/* Builds a detached chain of directories for the components in `rest` (a/b/c), attached
 * to each other; *top is the first. All allocations happen here, so attaching *top to its
 * parent (index reserved by the caller) cannot fail. */
static int build_chain(const char *rest, int64_t now, dmfs__node **top, dmfs__node **bottom) {
    dmfs__node *first = NULL, *prev = NULL;
    for (const char *q = rest; *q;) {
        const char *e = strchr(q, '/');
        size_t len = e ? (size_t)(e - q) : strlen(q);
        dmfs__node *d = dmfs__node_new(true, q, len, now, 0);
        if (!d || (prev && dmfs__attach(prev, d))) {
            if (d) dmfs__node_free(NULL, d);
            if (first) dmfs__free_subtree(NULL, first);
            return DMFS_ENOMEM;
        }
        if (!first) first = d;
        prev = d;
        if (!e) break;
        q = e + 1;
    }
    *top = first;
    *bottom = prev;
    return 0;
}

/* ── tree operations ────────────────────────────────────────────────────────────────── */

int dmfs_mkdir(dmfs_fs *fs, const char *path, int exist_ok) {
    if (!fs || !path) return dmfs__fail(DMFS_EINVAL);
    DMFS__NORM(p, path);
    int r = dmfs__begin(fs, STRUCT_DEADLINE(fs));
    if (r) return r;
    dmfs__node *deep;
    const char *rest;
    uint64_t missing;
    if ((r = resolve_existing_prefix(fs, p, &deep, &rest, &missing))) return dmfs__end(fs, dmfs__fail(r));
    if (missing == 0) {
        if (!deep->is_dir) return dmfs__end(fs, dmfs__fail(DMFS_EEXIST));
        return dmfs__end(fs, exist_ok ? 0 : dmfs__fail(DMFS_EEXIST));
    }
    if (!deep->is_dir) return dmfs__end(fs, dmfs__fail(DMFS_ENOTDIR));
    if ((r = dmfs__nodes_check(fs, missing))) return dmfs__end(fs, r);
    dmfs__node *top, *bottom;
    if (dmfs__index_reserve(deep, 1) || build_chain(rest, dmfs__now(fs), &top, &bottom))
        return dmfs__end(fs, dmfs__fail(DMFS_ENOMEM));
    dmfs__attach(deep, top);
    fs->nodes += missing;
    fs->ndirs += missing;
    return dmfs__end(fs, 0);
}

static int do_rename(dmfs_fs *fs, const char *src, const char *dst, bool create_parents) {
    if (!fs || !src || !dst) return dmfs__fail(DMFS_EINVAL);
    DMFS__NORM(s, src);
    DMFS__NORM(d, dst);
    if (strcmp(s, "/") == 0) return dmfs__fail(DMFS_EINVAL);
    int r = dmfs__begin(fs, STRUCT_DEADLINE(fs));
    if (r) return r;
    dmfs__node *sn, *dn;
    if ((r = dmfs__resolve(fs, s, &sn))) return dmfs__end(fs, dmfs__fail(r));
    if (dmfs__resolve(fs, d, &dn) == 0) return dmfs__end(fs, dmfs__fail(DMFS_EEXIST));
    size_t sl = strlen(s), dl = strlen(d);
    if (dl > sl && strncmp(d, s, sl) == 0 && d[sl] == '/') return dmfs__end(fs, dmfs__fail(DMFS_EINVAL));
    dmfs__node *deep;
    const char *rest;
    uint64_t missing;
    if ((r = resolve_existing_prefix(fs, d, &deep, &rest, &missing))) return dmfs__end(fs, dmfs__fail(r));
    /* rest holds the missing components incl. the final name; parents missing = missing − 1 */
    if (!deep->is_dir) return dmfs__end(fs, dmfs__fail(DMFS_ENOTDIR));
    if (missing > 1 && !create_parents) return dmfs__end(fs, dmfs__fail(DMFS_ENOENT));
    if (sn->is_dir && dl + subtree_depth_len(sn) > DMFS_PATH_MAX) return dmfs__end(fs, dmfs__fail(DMFS_ENAMETOOLONG));
    if (subtree_busy(sn)) return dmfs__end(fs, dmfs__fail(DMFS_EBUSY));
    const char *name = strrchr(d, '/') + 1;
    size_t nlen = strlen(name);
    char *nname = dmfs__strndup(name, nlen);
    if (!nname) return dmfs__end(fs, dmfs__fail(DMFS_ENOMEM));
    dmfs__node *parent = deep, *top = NULL, *bottom = NULL;
    if (missing > 1) {
        if ((r = dmfs__nodes_check(fs, missing - 1))) {
            dmfs__free(nname);
            return dmfs__end(fs, r);
        }
        char chain[DMFS_PATH_MAX + 1];
        size_t clen = (size_t)(name - rest) - 1;
        memcpy(chain, rest, clen);
        chain[clen] = 0;
        if (build_chain(chain, dmfs__now(fs), &top, &bottom)) {
            dmfs__free(nname);
            return dmfs__end(fs, dmfs__fail(DMFS_ENOMEM));
        }
        parent = bottom;
    }
    if (dmfs__index_reserve(parent, 1) || (top && dmfs__index_reserve(deep, 1))) {
        dmfs__free(nname);
        if (top) dmfs__free_subtree(NULL, top);
        return dmfs__end(fs, dmfs__fail(DMFS_ENOMEM));
    }
    if (top) {
        dmfs__attach(deep, top);
        fs->nodes += missing - 1;
        fs->ndirs += missing - 1;
    }
    dmfs__detach(sn);
    dmfs__free(sn->name);
    sn->name = nname;
    sn->name_len = (uint32_t)nlen;
    sn->hash = dmfs__hash(nname, nlen);
    dmfs__attach(parent, sn);
    return dmfs__end(fs, 0);
}

int dmfs_rename(dmfs_fs *fs, const char *src, const char *dst) { return do_rename(fs, src, dst, false); }
int dmfs_move(dmfs_fs *fs, const char *src, const char *dst) { return do_rename(fs, src, dst, true); }

int dmfs_remove(dmfs_fs *fs, const char *path) {
    if (!fs || !path) return dmfs__fail(DMFS_EINVAL);
    DMFS__NORM(p, path);
    int r = dmfs__begin(fs, STRUCT_DEADLINE(fs));
    if (r) return r;
    dmfs__node *n;
    if ((r = dmfs__resolve(fs, p, &n))) return dmfs__end(fs, dmfs__fail(r));
    if (n->is_dir) return dmfs__end(fs, dmfs__fail(DMFS_EISDIR));
    if (atomic_load(&n->lock.state)) return dmfs__end(fs, dmfs__fail(DMFS_EBUSY));
    uint64_t usage = dmfs__usage(fs, n);
    dmfs__detach(n);
    dmfs__free_subtree(fs, n);
    dmfs__ledger_release(fs, usage);
    fs->nodes--;
    fs->nfiles--;
    return dmfs__end(fs, 0);
}

int dmfs_rmtree(dmfs_fs *fs, const char *path) {
    if (!fs || !path) return dmfs__fail(DMFS_EINVAL);
    DMFS__NORM(p, path);
    if (strcmp(p, "/") == 0) return dmfs__fail(DMFS_EINVAL);
    int r = dmfs__begin(fs, STRUCT_DEADLINE(fs));
    if (r) return r;
    dmfs__node *n;
    if ((r = dmfs__resolve(fs, p, &n))) return dmfs__end(fs, dmfs__fail(r));
    if (!n->is_dir) return dmfs__end(fs, dmfs__fail(DMFS_ENOTDIR));
    if (subtree_busy(n)) return dmfs__end(fs, dmfs__fail(DMFS_EBUSY));
    uint64_t nodes, files, usage;
    subtree_totals(fs, n, &nodes, &files, &usage);
    dmfs__detach(n);
    dmfs__free_subtree(fs, n);
    dmfs__ledger_release(fs, usage);
    fs->nodes -= nodes;
    fs->nfiles -= files;
    fs->ndirs -= nodes - files;
    return dmfs__end(fs, 0);
}

static int query_node(dmfs_fs *fs, const char *path, int want) {
    if (!fs || !path) return dmfs__fail(DMFS_EINVAL);
    char p[DMFS_PATH_MAX + 1];
    if (dmfs__path_normalize(path, p) < 0) return 0;
    int r = dmfs__begin(fs, STRUCT_DEADLINE(fs));
    if (r) return r;
    dmfs__node *n;
    int found = dmfs__resolve(fs, p, &n) == 0;
    int res = found && (want == 0 || (want == 1 && n->is_dir) || (want == 2 && !n->is_dir));
    return dmfs__end(fs, res);
}

int dmfs_exists(dmfs_fs *fs, const char *path) { return query_node(fs, path, 0); }
int dmfs_is_dir(dmfs_fs *fs, const char *path) { return query_node(fs, path, 1); }
int dmfs_is_file(dmfs_fs *fs, const char *path) { return query_node(fs, path, 2); }

int dmfs_stat(dmfs_fs *fs, const char *path, dmfs_statbuf *out) {
    if (!fs || !path || !out) return dmfs__fail(DMFS_EINVAL);
    DMFS__NORM(p, path);
    int r = dmfs__begin(fs, STRUCT_DEADLINE(fs));
    if (r) return r;
    dmfs__node *n;
    if ((r = dmfs__resolve(fs, p, &n))) return dmfs__end(fs, dmfs__fail(r));
    out->is_dir = n->is_dir;
    out->created_at = n->created_at;
    out->modified_at = n->is_dir ? n->created_at : atomic_load(&n->modified_at);
    out->size = n->is_dir ? 0 : atomic_load(&n->size);
    out->generation = n->is_dir ? 0 : atomic_load(&n->generation);
    return dmfs__end(fs, 0);
}

int64_t dmfs_get_size(dmfs_fs *fs, const char *path) {
    if (!fs || !path) return dmfs__fail(DMFS_EINVAL);
    DMFS__NORM(p, path);
    int r = dmfs__begin(fs, STRUCT_DEADLINE(fs));
    if (r) return r;
    dmfs__node *n;
    if ((r = dmfs__resolve(fs, p, &n))) return dmfs__end(fs, dmfs__fail(r));
    if (n->is_dir) return dmfs__end(fs, dmfs__fail(DMFS_EISDIR));
    int64_t size = (int64_t)atomic_load(&n->size);
    dmfs__sunlock(fs);
    dmfs__leave(fs);
    return size;
}

int dmfs_stats(dmfs_fs *fs, dmfs_statsbuf *out) {
    if (!fs || !out) return dmfs__fail(DMFS_EINVAL);
    int r = dmfs__begin(fs, STRUCT_DEADLINE(fs));
    if (r) return r;
    out->used_bytes = atomic_load(&fs->used);
    out->quota_bytes = fs->cfg.max_quota;
    out->free_bytes = out->quota_bytes - out->used_bytes;
    out->file_count = fs->nfiles;
    out->dir_count = fs->ndirs;
    out->chunk_count = atomic_load(&fs->chunk_count);
    out->overhead_per_chunk = fs->cfg.chunk_overhead;
    return dmfs__end(fs, 0);
}
