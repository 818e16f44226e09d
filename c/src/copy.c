/* Whole-file and multi-node operations: read_file, write_file, copy, copy_tree, import.
 * Each checks everything, allocates everything aside, commits the ledger once, then
 * applies steps that cannot fail (DESIGN rule 2). */
#include "internal.h"
#include "path.h"
#include <stdlib.h>

/* Read-locks the file at path (structure lock released again); the caller copies, then
 * unlocks the file and calls dmfs__leave. On failure nothing is held. */
static int read_lock_file(dmfs_fs *fs, const char *p, int64_t max_size, int64_t timeout_ms, dmfs__node **out) {
    int64_t deadline = dmfs__deadline(fs, timeout_ms);
    int r = dmfs__begin(fs, deadline);
    if (r) return r;
    dmfs__node *n, *held = NULL;
    for (;;) {
        if ((r = dmfs__resolve(fs, p, &n))) break;
        if (n->is_dir) {
            r = DMFS_EISDIR;
            break;
        }
        r = dmfs__acquire(fs, n, false, deadline, &held);
        if (r != DMFS__RETRY) break;
    }
    if (held) dmfs__rw_unlock(fs, &held->lock);
    if (r) return dmfs__end(fs, dmfs__fail(r));
    if (max_size >= 0 && atomic_load(&n->size) > (uint64_t)max_size) {
        dmfs__rw_unlock(fs, &n->lock);
        return dmfs__end(fs, dmfs__fail(DMFS_EFBIG));
    }
    dmfs__sunlock(fs); /* the read lock keeps the file from being removed or replaced */
    *out = n;
    return 0;
}

int dmfs_read_file(dmfs_fs *fs, const char *path, int64_t max_size, int64_t timeout_ms, uint8_t **data,
                   size_t *len) {
    if (!fs || !path || !data || !len || max_size < -1 || timeout_ms < -2) return dmfs__fail(DMFS_EINVAL);
    DMFS__NORM(p, path);
    dmfs__node *n;
    int r = read_lock_file(fs, p, max_size, timeout_ms, &n);
    if (r) return r;
    r = dmfs__store_copy_out(n, data, len);
    dmfs__rw_unlock(fs, &n->lock);
    dmfs__leave(fs);
    return r ? dmfs__fail(r) : 0;
}

int64_t dmfs_read_file_into(dmfs_fs *fs, const char *path, int64_t max_size, int64_t timeout_ms, void *buf,
                            size_t cap) {
    if (!fs || !path || (!buf && cap) || max_size < -1 || timeout_ms < -2) return dmfs__fail(DMFS_EINVAL);
    DMFS__NORM(p, path);
    dmfs__node *n;
    int r = read_lock_file(fs, p, max_size, timeout_ms, &n);
    if (r) return r;
    uint64_t size = atomic_load(&n->size);
    if (size <= cap) dmfs__store_read(n, 0, buf, (size_t)size);
    dmfs__rw_unlock(fs, &n->lock);
    dmfs__leave(fs);
    return (int64_t)size;
}

int dmfs_write_file(dmfs_fs *fs, const char *path, const void *data, size_t len, int64_t timeout_ms) {
    if (!fs || !path || (!data && len) || timeout_ms < -2) return dmfs__fail(DMFS_EINVAL);
    DMFS__NORM(p, path);
    int64_t deadline = dmfs__deadline(fs, timeout_ms);
    int r = dmfs__begin(fs, deadline);
    if (r) return r;
    dmfs__node *parent, *n, *held = NULL;
    const char *name;
    size_t nlen;
    for (;;) {
        if (strcmp(p, "/") == 0) {
            r = DMFS_EISDIR;
            break;
        }
        if ((r = dmfs__resolve_parent(fs, p, &parent, &name, &nlen))) break;
        n = dmfs__child(parent, name, nlen);
        if (n && n->is_dir) {
            r = DMFS_EISDIR;
            break;
        }
        if (!n) break;
        r = dmfs__acquire(fs, n, true, deadline, &held);
        if (r != DMFS__RETRY) break;
    }
    if (held) dmfs__rw_unlock(fs, &held->lock);
    if (r) return dmfs__end(fs, dmfs__fail(r));
    if (!n && (r = dmfs__nodes_check(fs, 1))) return dmfs__end(fs, r);
    int storage = n ? (fs->cfg.default_storage == DMFS_STORAGE_RANDOM_ACCESS ? DMFS_STORAGE_RANDOM_ACCESS
                                                                             : DMFS_STORAGE_SEQUENTIAL)
                    : fs->cfg.default_storage;
    uint64_t newu = dmfs__fill_usage(fs, storage, len), oldu = n ? dmfs__usage(fs, n) : 0;
    uint64_t f = dmfs__quota_free(fs);
    if (newu > oldu && newu - oldu > f) {
        if (n) dmfs__rw_unlock(fs, &n->lock);
        return dmfs__end(fs, dmfs__fail_bytes(newu - oldu, f));
    }
    int64_t now = dmfs__now(fs);
    dmfs__node tmp, *fresh = NULL;
    memset(&tmp, 0, sizeof tmp);
    tmp.storage = storage == DMFS_STORAGE_RANDOM_ACCESS ? DMFS_STORAGE_RANDOM_ACCESS : DMFS_STORAGE_SEQUENTIAL;
    if ((!n && (!(fresh = dmfs__node_new(false, name, nlen, now, storage)) || dmfs__index_reserve(parent, 1))) ||
        dmfs__store_fill(fs, &tmp, data, len)) {
        if (fresh) dmfs__node_free(fs, fresh);
        dmfs__store_clear(fs, &tmp);
        if (n) dmfs__rw_unlock(fs, &n->lock);
        return dmfs__end(fs, dmfs__fail(DMFS_ENOMEM));
    }
    if ((r = dmfs__ledger_adjust(fs, newu, oldu))) {
        const dmfs_error_info *e = dmfs_last_error();
        dmfs__fail_bytes(newu - oldu, e->available - oldu);
        if (fresh) dmfs__node_free(fs, fresh);
        dmfs__store_clear(fs, &tmp);
        if (n) dmfs__rw_unlock(fs, &n->lock);
        return dmfs__end(fs, r);
    }
    if (n) {
        dmfs__store_swap(fs, n, &tmp);
        atomic_fetch_add(&n->generation, 1);
        atomic_store(&n->modified_at, now);
        dmfs__rw_unlock(fs, &n->lock);
    } else {
        dmfs__store_swap(fs, fresh, &tmp);
        atomic_store(&fresh->generation, len ? 1 : 0);
        dmfs__attach(parent, fresh);
        fs->nodes++;
        fs->nfiles++;
    }
    return dmfs__end(fs, 0);
}

int dmfs_copy(dmfs_fs *fs, const char *src, const char *dst, int64_t timeout_ms) {
    if (!fs || !src || !dst || timeout_ms < -2) return dmfs__fail(DMFS_EINVAL);
    DMFS__NORM(s, src);
    DMFS__NORM(d, dst);
    int64_t deadline = dmfs__deadline(fs, timeout_ms);
    int r = dmfs__begin(fs, deadline);
    if (r) return r;
    dmfs__node *sn, *dn, *parent, *held = NULL;
    const char *name;
    size_t nlen;
    for (;;) {
        if ((r = dmfs__resolve(fs, s, &sn))) break;
        if (sn->is_dir) {
            r = DMFS_EISDIR;
            break;
        }
        if (dmfs__resolve(fs, d, &dn) == 0) {
            r = DMFS_EEXIST;
            break;
        }
        if ((r = dmfs__resolve_parent(fs, d, &parent, &name, &nlen))) break;
        r = dmfs__acquire(fs, sn, false, deadline, &held);
        if (r != DMFS__RETRY) break;
    }
    if (held) dmfs__rw_unlock(fs, &held->lock);
    if (r) return dmfs__end(fs, dmfs__fail(r));
    if ((r = dmfs__nodes_check(fs, 1))) goto out;
    uint64_t size = atomic_load(&sn->size);
    uint64_t charge = dmfs__fill_usage(fs, fs->cfg.default_storage, size), f = dmfs__quota_free(fs);
    if (charge > f) {
        r = dmfs__fail_bytes(charge, f);
        goto out;
    }
    int64_t now = dmfs__now(fs);
    dmfs__node *c = dmfs__node_new(false, name, nlen, now, fs->cfg.default_storage);
    if (!c || dmfs__index_reserve(parent, 1) || dmfs__store_clone(fs, c, sn)) {
        if (c) dmfs__node_free(fs, c);
        r = dmfs__fail(DMFS_ENOMEM);
        goto out;
    }
    if ((r = dmfs__ledger_adjust(fs, charge, 0))) {
        dmfs__node_free(fs, c);
        goto out;
    }
    atomic_store(&c->generation, size ? 1 : 0);
    dmfs__attach(parent, c);
    fs->nodes++;
    fs->nfiles++;
out:
    dmfs__rw_unlock(fs, &sn->lock);
    return dmfs__end(fs, r);
}

/* ── copy_tree ───────────────────────────────────────────────────────────────────── */

/* Pre-order successor inside top (NULL when done). */
static dmfs__node *next_in(const dmfs__node *top, dmfs__node *n) {
    if (n->is_dir && n->first) return n->first;
    while (n != top && !n->next) n = n->parent;
    return n == top ? NULL : n->next;
}

static void unlock_files(dmfs_fs *fs, dmfs__node *top, dmfs__node *stop) {
    for (dmfs__node *n = top; n && n != stop; n = next_in(top, n))
        if (!n->is_dir) dmfs__rw_unlock(fs, &n->lock);
}

/* Tries shared locks on every file under top. On failure returns the busy file. */
static dmfs__node *lock_files(dmfs_fs *fs, dmfs__node *top) {
    for (dmfs__node *n = top; n; n = next_in(top, n)) {
        if (!n->is_dir && !dmfs__rw_tryrd(&n->lock)) {
            unlock_files(fs, top, n);
            return n;
        }
    }
    return NULL;
}

size_t dmfs__subtree_depth_len(const dmfs__node *top) {
    size_t best = 0;
    for (const dmfs__node *n = next_in(top, (dmfs__node *)top); n; n = next_in(top, (dmfs__node *)n)) {
        size_t len = 0;
        for (const dmfs__node *c = n; c != top; c = c->parent) len += c->name_len + 1;
        if (len > best) best = len;
    }
    return best;
}

int dmfs_copy_tree(dmfs_fs *fs, const char *src, const char *dst, int64_t timeout_ms) {
    if (!fs || !src || !dst || timeout_ms < -2) return dmfs__fail(DMFS_EINVAL);
    DMFS__NORM(s, src);
    DMFS__NORM(d, dst);
    int64_t deadline = dmfs__deadline(fs, timeout_ms);
    int r = dmfs__begin(fs, deadline);
    if (r) return r;
    dmfs__node *sn, *dn, *parent;
    const char *name;
    size_t nlen;
    for (;;) {
        if ((r = dmfs__resolve(fs, s, &sn))) return dmfs__end(fs, dmfs__fail(r));
        if (!sn->is_dir) return dmfs__end(fs, dmfs__fail(DMFS_ENOTDIR));
        if (dmfs__resolve(fs, d, &dn) == 0) return dmfs__end(fs, dmfs__fail(DMFS_EEXIST));
        if ((r = dmfs__resolve_parent(fs, d, &parent, &name, &nlen))) return dmfs__end(fs, dmfs__fail(r));
        dmfs__node *busy = lock_files(fs, sn);
        if (!busy) break;
        if (deadline == 0 || dmfs__nonblocking()) return dmfs__end(fs, dmfs__fail(DMFS_EAGAIN));
        busy->pins++; /* wait for any unlock, then check everything again */
        dmfs__sunlock(fs);
        uint32_t seen = atomic_load(&fs->wait_word);
        bool free_now = dmfs__rw_tryrd(&busy->lock);
        if (free_now) dmfs__rw_unlock(fs, &busy->lock);
        r = free_now ? 0 : dmfs__wait(fs, seen, deadline);
        dmfs__slock_must(fs);
        dmfs__unpin(fs, busy);
        if (r < 0) return dmfs__end(fs, dmfs__fail(r));
    }
    uint64_t count = 0, files = 0, charge = 0;
    for (dmfs__node *n = sn; n; n = next_in(sn, n)) {
        count++;
        if (!n->is_dir) {
            files++;
            charge += dmfs__fill_usage(fs, fs->cfg.default_storage, atomic_load(&n->size));
        }
    }
    uint64_t f;
    dmfs__node *top = NULL;
    if (strlen(d) + dmfs__subtree_depth_len(sn) > DMFS_PATH_MAX) {
        r = dmfs__fail(DMFS_ENAMETOOLONG);
        goto out;
    }
    if ((r = dmfs__nodes_check(fs, count))) goto out;
    f = dmfs__quota_free(fs);
    if (charge > f) {
        r = dmfs__fail_bytes(charge, f);
        goto out;
    }
    /* Build the copy detached, walking source and copy in step. */
    int64_t now = dmfs__now(fs);
    top = dmfs__node_new(true, name, nlen, now, 0);
    r = top && dmfs__index_reserve(parent, 1) == 0 ? 0 : DMFS_ENOMEM;
    for (dmfs__node *n = sn->first, *cp = top; n && r == 0;) {
        dmfs__node *c = dmfs__node_new(n->is_dir, n->name, n->name_len, now, fs->cfg.default_storage);
        if (!c || (!n->is_dir && dmfs__store_clone(fs, c, n)) || dmfs__attach(cp, c)) {
            if (c) dmfs__node_free(fs, c);
            r = DMFS_ENOMEM;
            break;
        }
        if (n->is_dir && n->first) {
            n = n->first;
            cp = c;
            continue;
        }
        while (n != sn && !n->next) {
            n = n->parent;
            cp = cp->parent;
        }
        if (n == sn) break;
        n = n->next;
    }
    if (r == 0) r = dmfs__ledger_adjust(fs, charge, 0);
    else r = dmfs__fail(r);
    if (r) {
        if (top) dmfs__free_subtree(fs, top);
        goto out;
    }
    unlock_files(fs, sn, NULL); /* before attaching: the copy may lie under sn */
    sn = NULL;
    dmfs__attach(parent, top);
    fs->nodes += count;
    fs->nfiles += files;
    fs->ndirs += count - files;
out:
    if (sn) unlock_files(fs, sn, NULL);
    return dmfs__end(fs, r);
}

/* ── import ──────────────────────────────────────────────────────────────────────── */

typedef struct {
    char *path;
    size_t order;
} norm_key;

static int cmp_key(const void *a, const void *b) {
    const norm_key *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    return c ? c : (x->order < y->order ? -1 : 1);
}

typedef struct {
    const char *path;
    const dmfs_entry *value; /* the last value for this path */
    size_t first;            /* position of the first occurrence */
    dmfs__node *node;
    bool replaced;
    dmfs__node tmp;
} plan_entry;

/* Room for one more node in import's list of placeholders it created. */
static int grow_created(dmfs__node ***list, size_t *cap, size_t n) {
    if (n < *cap) return 0;
    size_t nc = *cap ? *cap * 2 : 16;
    dmfs__node **g = dmfs__realloc(*list, nc * sizeof *g);
    if (!g) return DMFS_ENOMEM;
    *list = g;
    *cap = nc;
    return 0;
}

static int cmp_first(const void *a, const void *b) {
    const plan_entry *x = a, *y = b;
    return x->first < y->first ? -1 : x->first > y->first;
}

int dmfs_import(dmfs_fs *fs, const dmfs_entry *entries, size_t count) {
    if (!fs || (!entries && count)) return dmfs__fail(DMFS_EINVAL);
    for (size_t i = 0; i < count; i++)
        if (!entries[i].path || (!entries[i].data && entries[i].len)) return dmfs__fail(DMFS_EINVAL);
    int r = dmfs__enter(fs);
    if (r) return r;
    if (count == 0) {
        dmfs__leave(fs);
        return 0;
    }
    norm_key *keys = dmfs__calloc(count, sizeof *keys);
    plan_entry *plan = dmfs__calloc(count, sizeof *plan);
    dmfs__node **created = NULL;
    size_t ncreated = 0, cap_created = 0, nplan = 0;
    int64_t bad = -1; /* the entry an EINVAL/ENAMETOOLONG/EISDIR/ENOTDIR/EBUSY is about */
    bool locked = false;
    if (!keys || !plan) {
        r = DMFS_ENOMEM;
        goto done;
    }
    char buf[DMFS_PATH_MAX + 1];
    for (size_t i = 0; i < count; i++) {
        int nr = dmfs__path_normalize(entries[i].path, buf);
        if (nr < 0) {
            r = nr;
            bad = (int64_t)i;
            goto done;
        }
        if (!(keys[i].path = dmfs__strndup(buf, (size_t)nr))) {
            r = DMFS_ENOMEM;
            goto done;
        }
        keys[i].order = i;
    }
    /* Equal keys become one entry at the first one's place with the last value (§9.3). */
    qsort(keys, count, sizeof *keys, cmp_key);
    for (size_t i = 0; i < count;) {
        size_t j = i;
        while (j + 1 < count && strcmp(keys[j + 1].path, keys[i].path) == 0) j++;
        plan[nplan].path = keys[i].path;
        plan[nplan].first = keys[i].order;
        plan[nplan].value = &entries[keys[j].order];
        nplan++;
        i = j + 1;
    }
    qsort(plan, nplan, sizeof *plan, cmp_first);
    if ((r = dmfs__slock(fs, dmfs__nonblocking() ? 0 : dmfs__deadline(fs, DMFS_TIMEOUT_DEFAULT)))) goto done;
    locked = true;
    int64_t now = dmfs__now(fs);
    uint64_t newdirs = 0, newfiles = 0;
    /* Pass 1: checks, as if earlier entries were applied; placeholders are attached (the
     * structure lock hides them) and detached again on any failure. */
    for (size_t k = 0; k < nplan && r == 0; k++) {
        const char *p = plan[k].path;
        bad = (int64_t)plan[k].first;
        if (strcmp(p, "/") == 0) {
            r = DMFS_EISDIR;
            break;
        }
        dmfs__node *cur = fs->root;
        const char *q = p + 1;
        for (;;) {
            const char *e = strchr(q, '/');
            size_t len = e ? (size_t)(e - q) : strlen(q);
            dmfs__node *c = dmfs__child(cur, q, len);
            if (e) {
                if (c && !c->is_dir) {
                    r = DMFS_ENOTDIR;
                    break;
                }
                if (!c) {
                    c = dmfs__node_new(true, q, len, now, 0);
                    if (!c || grow_created(&created, &cap_created, ncreated) || dmfs__attach(cur, c)) {
                        if (c) dmfs__node_free(fs, c);
                        r = DMFS_ENOMEM;
                        break;
                    }
                    created[ncreated++] = c;
                    newdirs++;
                }
                cur = c;
                q = e + 1;
                continue;
            }
            if (c) {
                if (c->is_dir) r = DMFS_EISDIR;
                else if (atomic_load(&c->lock.state)) r = DMFS_EBUSY;
                else {
                    plan[k].node = c;
                    plan[k].replaced = true;
                }
                break;
            }
            c = dmfs__node_new(false, q, len, now, fs->cfg.default_storage);
            if (!c || grow_created(&created, &cap_created, ncreated) || dmfs__attach(cur, c)) {
                if (c) dmfs__node_free(fs, c);
                r = DMFS_ENOMEM;
                break;
            }
            created[ncreated++] = c;
            newfiles++;
            plan[k].node = c;
            break;
        }
    }
    if (r != DMFS_EISDIR && r != DMFS_ENOTDIR && r != DMFS_EBUSY) bad = -1;
    uint64_t newsum = 0, oldsum = 0;
    if (r == 0) r = dmfs__nodes_check(fs, newdirs + newfiles);
    if (r == 0) {
        for (size_t k = 0; k < nplan; k++) {
            newsum += dmfs__fill_usage(fs, fs->cfg.default_storage, plan[k].value->len);
            if (plan[k].replaced) oldsum += dmfs__usage(fs, plan[k].node);
        }
        uint64_t f = dmfs__quota_free(fs);
        if (newsum > oldsum && newsum - oldsum > f) r = dmfs__fail_bytes(newsum - oldsum, f);
    }
    for (size_t k = 0; k < nplan && r == 0; k++) {
        plan[k].tmp.storage = fs->cfg.default_storage == DMFS_STORAGE_RANDOM_ACCESS ? DMFS_STORAGE_RANDOM_ACCESS
                                                                                   : DMFS_STORAGE_SEQUENTIAL;
        if (dmfs__store_fill(fs, &plan[k].tmp, plan[k].value->data, plan[k].value->len)) r = DMFS_ENOMEM;
    }
    if (r == 0 && (r = dmfs__ledger_adjust(fs, newsum, oldsum))) {
        const dmfs_error_info *e = dmfs_last_error();
        dmfs__fail_bytes(newsum - oldsum, e->available - oldsum);
    }
    if (r == 0) {
        for (size_t k = 0; k < nplan; k++) {
            dmfs__node *n = plan[k].node;
            dmfs__store_swap(fs, n, &plan[k].tmp);
            atomic_store(&n->generation, 0);
            n->created_at = now;
            atomic_store(&n->modified_at, now);
        }
        fs->nodes += newdirs + newfiles;
        fs->ndirs += newdirs;
        fs->nfiles += newfiles;
    } else {
        for (size_t k = 0; k < nplan; k++) dmfs__store_clear(fs, &plan[k].tmp);
        for (size_t i = ncreated; i-- > 0;) { /* children were created after parents */
            dmfs__detach(created[i]);
            dmfs__node_free(fs, created[i]);
        }
    }
done:
    if (locked) dmfs__sunlock(fs);
    dmfs__leave(fs);
    if (keys)
        for (size_t i = 0; i < count; i++) dmfs__free(keys[i].path);
    dmfs__free(keys);
    dmfs__free(plan);
    dmfs__free(created);
    if (r < 0 && bad >= 0) dmfs__fail_entry(r, bad);
    else if (r < 0 && dmfs_last_error()->code != r) dmfs__fail(r);
    return r;
}
