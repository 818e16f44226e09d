/* open() and handle I/O. Handle I/O never takes the structure lock: the handle's file lock
 * guards the content and the cursor. */
#include "internal.h"
#include "path.h"

#define MAX_SAFE ((uint64_t)DMFS_MAX_SAFE)


static int parse_mode(const char *m) {
    static const char *const names[] = {"rb", "wb", "ab", "r+b", "xb"};
    for (int i = 0; i < 5; i++)
        if (strcmp(m, names[i]) == 0) return i;
    return -1;
}

/* Called with the structure lock held. Tries the file lock; to wait, pins the node, drops
 * the structure lock, waits, re-takes it (§8.1). Returns 0 (lock held, no wait), DMFS__RETRY
 * after a wait (lock held in *held, or the node was removed meanwhile: nothing held) — the
 * caller re-resolves and re-checks everything — or an error with nothing held. The
 * structure lock is held on return in every case. */
static int lock_node(dmfs_fs *fs, dmfs__node *n, bool write, int64_t deadline, dmfs__node **held) {
    if (write ? dmfs__rw_trywr(&n->lock) : dmfs__rw_tryrd(&n->lock)) return 0;
    if (deadline == 0 || dmfs__nonblocking()) return DMFS_EAGAIN;
    n->pins++;
    dmfs__sunlock(fs);
    int r = 0;
    for (;;) {
        uint32_t seen = atomic_load(&fs->wait_word);
        if (write ? dmfs__rw_trywr(&n->lock) : dmfs__rw_tryrd(&n->lock)) break;
        if ((r = dmfs__wait(fs, seen, deadline)) < 0) break;
    }
    dmfs__slock_must(fs); /* holders are brief; needed to unpin */
    if (r == 0 && n->removed) {
        dmfs__rw_unlock(fs, &n->lock);
        dmfs__unpin(fs, n);
        return DMFS__RETRY;
    }
    if (r == 0) {
        n->pins--;
        *held = n;
        return DMFS__RETRY;
    }
    dmfs__unpin(fs, n);
    return r;
}

/* Lock n for the caller's loop: a lock kept from an earlier wait counts if it is the same
 * node; a lock on a node the path no longer names is dropped. */
int dmfs__acquire(dmfs_fs *fs, dmfs__node *n, bool write, int64_t deadline, dmfs__node **held) {
    if (*held == n) {
        *held = NULL;
        return 0;
    }
    if (*held) {
        dmfs__rw_unlock(fs, &(*held)->lock);
        *held = NULL;
    }
    return lock_node(fs, n, write, deadline, held);
}

static void handle_link(dmfs_fs *fs, dmfs_file *h) {
    dmfs__hlock(fs);
    h->hprev = NULL;
    h->hnext = fs->handles;
    if (fs->handles) fs->handles->hprev = h;
    fs->handles = h;
    dmfs__hunlock(fs);
}

static void handle_unlink(dmfs_fs *fs, dmfs_file *h) {
    dmfs__hlock(fs);
    if (h->hprev) h->hprev->hnext = h->hnext;
    else fs->handles = h->hnext;
    if (h->hnext) h->hnext->hprev = h->hprev;
    dmfs__hunlock(fs);
}

int dmfs_open(dmfs_fs *fs, const char *path, const char *mode, int64_t preallocate, int64_t timeout_ms,
              dmfs_file **out) {
    if (!fs || !path || !mode || !out) return dmfs__fail(DMFS_EINVAL);
    int m = parse_mode(mode);
    if (m < 0 || preallocate < 0 || (preallocate > 0 && m == DMFS__M_RB) || timeout_ms < -2)
        return dmfs__fail(DMFS_EINVAL);
    if ((uint64_t)preallocate > MAX_SAFE) return dmfs__fail(DMFS_EFBIG);
    char p[DMFS_PATH_MAX + 1];
    int r = dmfs__path_normalize(path, p);
    if (r < 0) return dmfs__fail(r);
    if ((r = dmfs__enter(fs))) return r;
    int64_t deadline = dmfs__deadline(fs, timeout_ms);
    if ((r = dmfs__slock(fs, dmfs__struct_deadline(fs, deadline)))) {
        dmfs__leave(fs);
        return r; /* dmfs__slock recorded it */
    }
    dmfs_file *h = dmfs__calloc(1, sizeof *h);
    dmfs__node *held = NULL, *n = NULL;
    bool write = m != DMFS__M_RB;
    uint64_t prealloc = (uint64_t)preallocate;
    if (!h) {
        r = DMFS_ENOMEM;
        goto fail;
    }
    for (;;) {
        if (strcmp(p, "/") == 0) {
            r = DMFS_EISDIR;
            goto fail;
        }
        dmfs__node *parent;
        const char *name;
        size_t len;
        if ((r = dmfs__resolve_parent(fs, p, &parent, &name, &len))) goto fail;
        n = dmfs__child(parent, name, len);
        if (n && n->is_dir) {
            r = DMFS_EISDIR;
            goto fail;
        }
        if (!n) {
            if (m == DMFS__M_RB || m == DMFS__M_RPB) {
                r = DMFS_ENOENT;
                goto fail;
            }
            /* new file: its lock is free, so creating never waits */
            if ((r = dmfs__nodes_check(fs, 1))) goto fail_noset;
            int storage = fs->cfg.default_storage;
            uint64_t charge = prealloc ? dmfs__fill_usage(fs, storage, prealloc) : 0;
            uint64_t f = dmfs__quota_free(fs);
            if (charge > f) {
                r = dmfs__fail_bytes(charge, f);
                goto fail_noset;
            }
            int64_t now = dmfs__now(fs);
            n = dmfs__node_new(false, name, len, now, storage);
            if (!n || dmfs__index_reserve(parent, 1) ||
                prealloc > SIZE_MAX) {
                if (n) dmfs__node_free(fs, n);
                r = DMFS_ENOMEM;
                goto fail;
            }
            if (prealloc) {
                /* grow the detached node: charge through the ledger like any growth */
                int64_t w = dmfs__store_truncate(fs, n, prealloc);
                if (w < 0) {
                    dmfs__node_free(fs, n);
                    r = (int)w;
                    goto fail_noset;
                }
                atomic_store(&n->generation, 1);
            }
            dmfs__attach(parent, n);
            dmfs__rw_trywr(&n->lock);
            fs->nodes++;
            fs->nfiles++;
            break;
        }
        if (m == DMFS__M_XB) {
            r = DMFS_EEXIST;
            goto fail;
        }
        r = dmfs__acquire(fs, n, write, deadline, &held);
        if (r == DMFS__RETRY) continue;
        if (r < 0) goto fail;
        /* lock held: the mode's truncation and the preallocation, all or nothing */
        uint64_t size = atomic_load(&n->size);
        bool wb = m == DMFS__M_WB;
        uint64_t base = wb ? 0 : size;
        if (prealloc > base) {
            uint64_t credit = wb ? dmfs__usage(fs, n) : 0;
            uint64_t charge = dmfs__fill_usage(fs, n->storage, prealloc - base);
            uint64_t avail = dmfs__quota_free(fs) + credit;
            if (charge > avail) {
                dmfs__rw_unlock(fs, &n->lock);
                r = dmfs__fail_bytes(charge, avail);
                goto fail_noset;
            }
            if (wb) {
                dmfs__node tmp;
                memset(&tmp, 0, sizeof tmp);
                tmp.storage = n->storage;
                /* zero content built aside, then swapped in under one ledger commit */
                uint8_t *zeros = prealloc <= SIZE_MAX ? dmfs__calloc(1, (size_t)prealloc) : NULL;
                if (!zeros || dmfs__store_fill(fs, &tmp, zeros, (size_t)prealloc)) {
                    dmfs__free(zeros);
                    dmfs__store_clear(fs, &tmp);
                    dmfs__rw_unlock(fs, &n->lock);
                    r = DMFS_ENOMEM;
                    goto fail;
                }
                dmfs__free(zeros);
                if ((r = dmfs__ledger_adjust(fs, dmfs__fill_usage(fs, n->storage, prealloc), credit))) {
                    dmfs__store_clear(fs, &tmp);
                    dmfs__rw_unlock(fs, &n->lock);
                    goto fail_noset;
                }
                dmfs__store_swap(fs, n, &tmp);
                atomic_fetch_add(&n->generation, 2);
                atomic_store(&n->modified_at, dmfs__now(fs));
            } else {
                if ((r = dmfs__store_truncate(fs, n, prealloc)) < 0) {
                    dmfs__rw_unlock(fs, &n->lock);
                    goto fail_noset;
                }
                atomic_fetch_add(&n->generation, 1);
            }
        } else if (wb) {
            uint64_t usage = dmfs__usage(fs, n);
            dmfs__store_clear(fs, n);
            dmfs__ledger_release(fs, usage);
            atomic_fetch_add(&n->generation, 1);
            atomic_store(&n->modified_at, dmfs__now(fs));
        }
        break;
    }
    if (held) { /* a lock kept from a wait on a node the path no longer names */
        dmfs__rw_unlock(fs, &held->lock);
        held = NULL;
    }
    h->fs = fs;
    h->node = n;
    h->mode = m;
    h->cursor = m == DMFS__M_AB ? atomic_load(&n->size) : 0;
    handle_link(fs, h);
    *out = h;
    dmfs__sunlock(fs);
    dmfs__leave(fs);
    return 0;
fail:
    dmfs__fail(r);
fail_noset:
    if (held) dmfs__rw_unlock(fs, &held->lock);
    dmfs__free(h);
    dmfs__sunlock(fs);
    dmfs__leave(fs);
    return r;
}

static int readable(const dmfs_file *f) { return f->mode == DMFS__M_RB || f->mode == DMFS__M_RPB; }

int64_t dmfs_read(dmfs_file *f, void *buf, size_t n) {
    if (!f || (!buf && n)) return dmfs__fail(DMFS_EINVAL);
    if (!readable(f)) return dmfs__fail(DMFS_EBADF);
    if (dmfs__enter(f->fs)) return DMFS_EBADF;
    int64_t r = dmfs__store_read(f->node, f->cursor, buf, n);
    f->cursor += (uint64_t)r;
    dmfs__leave(f->fs);
    return r;
}

int64_t dmfs_read_spans(dmfs_file *f, size_t n, dmfs_span *spans, size_t max, size_t *count) {
    if (!f || !spans || !count || (max == 0 && n)) return dmfs__fail(DMFS_EINVAL);
    *count = 0;
    if (!readable(f)) return dmfs__fail(DMFS_EBADF);
    if (dmfs__enter(f->fs)) return DMFS_EBADF;
    size_t r = dmfs__store_spans(f->node, f->cursor, n, spans, max, count);
    f->cursor += (uint64_t)r;
    dmfs__leave(f->fs);
    return (int64_t)r;
}

static int64_t write_at_cursor(dmfs_file *f, const void *buf, size_t n, uint8_t **dst) {
    if (f->mode == DMFS__M_RB) return dmfs__fail(DMFS_EBADF);
    if (n == 0) return 0;
    dmfs_fs *fs = f->fs;
    dmfs__node *node = f->node;
    uint64_t off = f->mode == DMFS__M_AB ? atomic_load(&node->size) : f->cursor;
    if ((uint64_t)n > MAX_SAFE || off > MAX_SAFE - (uint64_t)n) return dmfs__fail(DMFS_EFBIG);
    if (dmfs__enter(fs)) return DMFS_EBADF;
    int64_t r = dmfs__store_write(fs, node, off, buf, n, dst);
    if (r >= 0) {
        f->cursor = off + n;
        atomic_fetch_add(&node->generation, 1);
        atomic_store(&node->modified_at, dmfs__now(fs));
    }
    dmfs__leave(fs); /* destroy waits for calls in progress, handle I/O included */
    return r;
}

int64_t dmfs_write(dmfs_file *f, const void *buf, size_t n) {
    if (!f || (!buf && n)) return dmfs__fail(DMFS_EINVAL);
    return write_at_cursor(f, buf, n, NULL);
}

int64_t dmfs_write_reserve(dmfs_file *f, size_t n, void **dst) {
    if (!f || !dst) return dmfs__fail(DMFS_EINVAL);
    *dst = NULL;
    uint8_t *d = NULL;
    int64_t r = write_at_cursor(f, NULL, n, &d);
    if (r > 0) *dst = d;
    return r;
}

int64_t dmfs_seek(dmfs_file *f, int64_t offset, int whence) {
    if (!f) return dmfs__fail(DMFS_EINVAL);
    int64_t base;
    switch (whence) {
    case DMFS_SEEK_SET:
        if (offset < 0) return dmfs__fail(DMFS_EINVAL);
        base = 0;
        break;
    case DMFS_SEEK_CUR: base = (int64_t)f->cursor; break;
    case DMFS_SEEK_END:
        if (offset > 0) return dmfs__fail(DMFS_EINVAL);
        base = (int64_t)atomic_load(&f->node->size);
        break;
    default: return dmfs__fail(DMFS_EINVAL);
    }
    if ((offset > 0 && base > (int64_t)MAX_SAFE - offset) || base + offset < 0 ||
        base + offset > (int64_t)MAX_SAFE)
        return dmfs__fail(DMFS_EINVAL);
    f->cursor = (uint64_t)(base + offset);
    return (int64_t)f->cursor;
}

int64_t dmfs_tell(dmfs_file *f) { return f ? (int64_t)f->cursor : dmfs__fail(DMFS_EINVAL); }

int64_t dmfs_file_size(dmfs_file *f) { return f ? (int64_t)atomic_load(&f->node->size) : dmfs__fail(DMFS_EINVAL); }

int64_t dmfs_truncate(dmfs_file *f, int64_t size) {
    if (!f) return dmfs__fail(DMFS_EINVAL);
    if (f->mode == DMFS__M_RB) return dmfs__fail(DMFS_EBADF);
    if (size < 0) return dmfs__fail(DMFS_EINVAL);
    if ((uint64_t)size > MAX_SAFE) return dmfs__fail(DMFS_EFBIG);
    dmfs__node *n = f->node;
    if (dmfs__enter(f->fs)) return DMFS_EBADF;
    uint64_t old = atomic_load(&n->size);
    int r = dmfs__store_truncate(f->fs, n, (uint64_t)size);
    if (r == 0) {
        if (old != (uint64_t)size) {
            atomic_fetch_add(&n->generation, 1);
            atomic_store(&n->modified_at, dmfs__now(f->fs));
        }
        if (f->cursor > (uint64_t)size) f->cursor = (uint64_t)size;
    }
    dmfs__leave(f->fs);
    return r < 0 ? r : size;
}

int dmfs_flush(dmfs_file *f) { return f ? 0 : dmfs__fail(DMFS_EINVAL); }

int dmfs_close(dmfs_file *f) {
    if (!f) return dmfs__fail(DMFS_EINVAL);
    dmfs_fs *fs = f->fs;
    if (dmfs__enter(fs)) return DMFS_EBADF;
    handle_unlink(fs, f);
    dmfs__rw_unlock(fs, &f->node->lock);
    dmfs__free(f);
    dmfs__leave(fs);
    return 0;
}
