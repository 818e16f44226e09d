/* Lists and iterators: listdir, glob, export, walk; plus the invariant checker. Iterators
 * pin the nodes they still have to visit, so removed nodes are skipped safely and a renamed
 * node is still found (weak consistency, §7.8, §9.2). */
#include "internal.h"
#include "glob.h"
#include "path.h"
#include <stdlib.h>

/* ── string lists ─────────────────────────────────────────────────────────────────── */

typedef struct {
    const char **s;
    size_t *len;
    size_t n, cap, bytes;
    char **owned; /* strings to free afterwards (glob paths) */
} strvec;

static int sv_push(strvec *v, const char *s, size_t len) {
    if (v->n == v->cap) {
        size_t nc = v->cap ? v->cap * 2 : 16;
        const char **ns = dmfs__realloc(v->s, nc * sizeof *ns);
        if (!ns) return DMFS_ENOMEM;
        v->s = ns;
        size_t *nl = dmfs__realloc(v->len, nc * sizeof *nl);
        if (!nl) return DMFS_ENOMEM;
        v->len = nl;
        v->cap = nc;
    }
    v->s[v->n] = s;
    v->len[v->n] = len;
    v->n++;
    v->bytes += len + 1;
    return 0;
}

static void sv_free(strvec *v) {
    dmfs__free(v->s);
    dmfs__free(v->len);
}

static int sv_pack(const strvec *v, dmfs_strlist **out) {
    size_t head = sizeof(dmfs_strlist) + v->n * (sizeof(char *) + sizeof(size_t));
    dmfs_strlist *l = dmfs__malloc(head + v->bytes);
    if (!l) return DMFS_ENOMEM;
    l->count = v->n;
    l->items = (char **)(l + 1);
    l->lengths = (size_t *)(l->items + v->n);
    char *w = (char *)l + head;
    for (size_t i = 0; i < v->n; i++) {
        l->items[i] = w;
        l->lengths[i] = v->len[i];
        memcpy(w, v->s[i], v->len[i]);
        w[v->len[i]] = 0;
        w += v->len[i] + 1;
    }
    *out = l;
    return 0;
}

void dmfs_strlist_free(dmfs_strlist *list) { dmfs__free(list); }

static int begin(dmfs_fs *fs) { return dmfs__begin(fs, dmfs__deadline(fs, DMFS_TIMEOUT_DEFAULT)); }

int dmfs_listdir(dmfs_fs *fs, const char *path, dmfs_strlist **out) {
    if (!fs || !path || !out) return dmfs__fail(DMFS_EINVAL);
    char p[DMFS_PATH_MAX + 1];
    int r = dmfs__path_normalize(path, p);
    if (r < 0) return dmfs__fail(r);
    if ((r = begin(fs))) return r;
    dmfs__node *n;
    if ((r = dmfs__resolve(fs, p, &n))) return dmfs__end(fs, dmfs__fail(r));
    if (!n->is_dir) return dmfs__end(fs, dmfs__fail(DMFS_ENOTDIR));
    strvec v = {0};
    for (dmfs__node *c = n->first; c && r == 0; c = c->next) r = sv_push(&v, c->name, c->name_len);
    if (r == 0) r = sv_pack(&v, out);
    sv_free(&v);
    return dmfs__end(fs, r ? dmfs__fail(r) : 0);
}

/* ── glob ─────────────────────────────────────────────────────────────────────────── */

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int dmfs_glob(dmfs_fs *fs, const char *pattern, dmfs_strlist **out) {
    if (!fs || !pattern || !out) return dmfs__fail(DMFS_EINVAL);
    dmfs__glob *g;
    int r = dmfs__glob_compile(pattern, &g);
    if (r < 0) return dmfs__fail(r);
    if ((r = begin(fs))) {
        dmfs__glob_free(g);
        return r;
    }
    char **found = NULL;
    size_t nfound = 0, capf = 0;
    char path[DMFS_PATH_MAX + 1];
    size_t plen = 0;
    dmfs__node *n = fs->root;
    /* Pre-order walk with the path kept in `path`; subtrees the pattern cannot reach are skipped. */
    if (dmfs__glob_nparts(g) > 0 && dmfs__glob_may_descend(g, "/", 1) && n->first) {
        n = n->first;
        for (;;) {
            size_t base = plen;
            path[plen] = '/';
            memcpy(path + plen + 1, n->name, n->name_len);
            plen += n->name_len + 1;
            path[plen] = 0;
            if (dmfs__glob_match(g, path, plen)) {
                if (nfound == capf) {
                    size_t nc = capf ? capf * 2 : 16;
                    char **nf = dmfs__realloc(found, nc * sizeof *nf);
                    if (!nf) {
                        r = DMFS_ENOMEM;
                        break;
                    }
                    found = nf;
                    capf = nc;
                }
                if (!(found[nfound] = dmfs__strndup(path, plen))) {
                    r = DMFS_ENOMEM;
                    break;
                }
                nfound++;
            }
            if (n->is_dir && n->first && dmfs__glob_may_descend(g, path, plen)) {
                n = n->first;
                continue;
            }
            plen = base;
            while (n->parent != fs->root && !n->next) {
                n = n->parent;
                plen -= n->name_len + 1;
            }
            if (!n->next) break;
            n = n->next;
        }
    }
    dmfs__glob_free(g);
    if (r == 0) {
        if (nfound) qsort(found, nfound, sizeof *found, cmp_str);
        strvec v = {0};
        for (size_t i = 0; i < nfound && r == 0; i++)
            if (i == 0 || strcmp(found[i], found[i - 1])) r = sv_push(&v, found[i], strlen(found[i]));
        if (r == 0) r = sv_pack(&v, out);
        sv_free(&v);
    }
    for (size_t i = 0; i < nfound; i++) dmfs__free(found[i]);
    dmfs__free(found);
    return dmfs__end(fs, r ? dmfs__fail(r) : 0);
}

/* ── iterator registry (destroy frees what is left) ──────────────────────────────── */

static void iter_link(dmfs_fs *fs, dmfs__iter_link *l, int kind) {
    l->kind = kind;
    l->prev = NULL;
    l->next = fs->iters;
    if (fs->iters) fs->iters->prev = l;
    fs->iters = l;
}

static void iter_unlink(dmfs_fs *fs, dmfs__iter_link *l) {
    if (l->prev) l->prev->next = l->next;
    else fs->iters = l->next;
    if (l->next) l->next->prev = l->prev;
}

/* ── export ───────────────────────────────────────────────────────────────────────── */

struct dmfs_export {
    dmfs__iter_link link; /* first member */
    dmfs_fs *fs;
    dmfs__node **nodes;
    char **paths;
    size_t n, i;
    int64_t timeout_ms;
    uint8_t *data;
};

static void export_release(dmfs_export *x, bool unpin) {
    for (size_t k = x->i; k < x->n; k++) {
        if (unpin) dmfs__unpin(x->fs, x->nodes[k]);
    }
    for (size_t k = 0; k < x->n; k++) dmfs__free(x->paths[k]);
    dmfs__free(x->paths);
    dmfs__free(x->nodes);
    dmfs__free(x->data);
    dmfs__free(x);
}

int dmfs_export_open(dmfs_fs *fs, const char *prefix, int only_dirty, int64_t timeout_ms, dmfs_export **out) {
    if (!fs || !out || timeout_ms < -2) return dmfs__fail(DMFS_EINVAL);
    char p[DMFS_PATH_MAX + 1];
    int r = dmfs__path_normalize(prefix ? prefix : "/", p);
    if (r < 0) return dmfs__fail(r);
    if ((r = begin(fs))) return r;
    dmfs_export *x = dmfs__calloc(1, sizeof *x);
    if (!x) return dmfs__end(fs, dmfs__fail(DMFS_ENOMEM));
    x->fs = fs;
    x->timeout_ms = timeout_ms;
    dmfs__node *top;
    size_t cap = 0;
    if (dmfs__resolve(fs, p, &top) == 0) {
        for (dmfs__node *n = top; n && r == 0;) {
            if (!n->is_dir && (!only_dirty || atomic_load(&n->generation) > 0)) {
                if (x->n == cap) {
                    size_t nc = cap ? cap * 2 : 16;
                    dmfs__node **nn = dmfs__realloc(x->nodes, nc * sizeof *nn);
                    if (nn) x->nodes = nn;
                    char **np = nn ? dmfs__realloc(x->paths, nc * sizeof *np) : NULL;
                    if (np) x->paths = np;
                    if (!nn || !np) {
                        r = DMFS_ENOMEM;
                        break;
                    }
                    cap = nc;
                }
                char buf[DMFS_PATH_MAX + 1];
                size_t len = dmfs__path_of(n, buf, sizeof buf);
                if (!(x->paths[x->n] = dmfs__strndup(buf, len))) {
                    r = DMFS_ENOMEM;
                    break;
                }
                x->nodes[x->n++] = n;
            }
            if (n->is_dir && n->first) n = n->first;
            else {
                while (n != top && !n->next) n = n->parent;
                n = n == top ? NULL : n->next;
            }
        }
    }
    if (r) {
        x->i = x->n; /* nothing pinned yet */
        export_release(x, false);
        return dmfs__end(fs, dmfs__fail(r));
    }
    for (size_t k = 0; k < x->n; k++) x->nodes[k]->pins++;
    iter_link(fs, &x->link, 1);
    *out = x;
    return dmfs__end(fs, 0);
}

int dmfs_export_next(dmfs_export *x, const char **path, const uint8_t **data, size_t *len) {
    if (!x || !path || !data || !len) return dmfs__fail(DMFS_EINVAL);
    dmfs_fs *fs = x->fs;
    dmfs__free(x->data);
    x->data = NULL;
    int r = begin(fs);
    if (r) return r;
    int64_t deadline = dmfs__deadline(fs, x->timeout_ms);
    while (x->i < x->n) {
        dmfs__node *n = x->nodes[x->i];
        if (n->removed) {
            dmfs__unpin(fs, n);
            x->i++;
            continue;
        }
        if (!dmfs__rw_tryrd(&n->lock)) {
            if (deadline == 0 || dmfs__nonblocking()) return dmfs__end(fs, dmfs__fail(DMFS_EAGAIN));
            dmfs__sunlock(fs);
            uint32_t seen = atomic_load(&fs->wait_word);
            bool free_now = dmfs__rw_tryrd(&n->lock);
            if (free_now) dmfs__rw_unlock(fs, &n->lock);
            r = free_now ? 0 : dmfs__wait(fs, seen, deadline);
            dmfs__slock_must(fs);
            if (r < 0) return dmfs__end(fs, dmfs__fail(r));
            continue;
        }
        uint8_t *buf;
        size_t blen;
        r = dmfs__store_copy_out(n, &buf, &blen);
        dmfs__rw_unlock(fs, &n->lock);
        if (r) return dmfs__end(fs, dmfs__fail(r));
        dmfs__unpin(fs, n);
        x->data = buf;
        *path = x->paths[x->i];
        *data = buf;
        *len = blen;
        x->i++;
        return dmfs__end(fs, 1);
    }
    return dmfs__end(fs, 0);
}

size_t dmfs_export_count(const dmfs_export *x) { return x ? x->n : 0; }

/* Closing an iterator: unpin what it still holds, under the structure lock. */
static int iter_close(dmfs_fs *fs, dmfs__iter_link *link, void (*release)(void *, bool), void *it) {
    int r = dmfs__enter(fs);
    if (r) return r;
    dmfs__slock_must(fs);
    iter_unlink(fs, link);
    release(it, true);
    dmfs__sunlock(fs);
    dmfs__leave(fs);
    return 0;
}

static void export_release_cb(void *x, bool unpin) { export_release((dmfs_export *)x, unpin); }

int dmfs_export_close(dmfs_export *x) {
    if (!x) return dmfs__fail(DMFS_EINVAL);
    return iter_close(x->fs, &x->link, export_release_cb, x);
}

/* ── walk ─────────────────────────────────────────────────────────────────────────── */

typedef struct {
    dmfs__node *node;
    char *path;
} walk_item;

struct dmfs_walk {
    dmfs__iter_link link; /* first member */
    dmfs_fs *fs;
    walk_item *stack;
    size_t n, cap;
    char *cur_path;
    const char **names; /* dirnames then filenames */
    char *name_buf;
};

static void walk_free_entry(dmfs_walk *w) {
    dmfs__free(w->cur_path);
    dmfs__free(w->names);
    dmfs__free(w->name_buf);
    w->cur_path = NULL;
    w->names = NULL;
    w->name_buf = NULL;
}

int dmfs_walk_open(dmfs_fs *fs, const char *path, dmfs_walk **out) {
    if (!fs || !path || !out) return dmfs__fail(DMFS_EINVAL);
    char p[DMFS_PATH_MAX + 1];
    int r = dmfs__path_normalize(path, p);
    if (r < 0) return dmfs__fail(r);
    size_t plen = (size_t)r;
    if ((r = begin(fs))) return r;
    dmfs__node *n;
    if ((r = dmfs__resolve(fs, p, &n))) return dmfs__end(fs, dmfs__fail(r));
    if (!n->is_dir) return dmfs__end(fs, dmfs__fail(DMFS_ENOTDIR));
    dmfs_walk *w = dmfs__calloc(1, sizeof *w);
    walk_item *st = dmfs__malloc(8 * sizeof *st);
    char *ps = dmfs__strndup(p, plen);
    if (!w || !st || !ps) {
        dmfs__free(w);
        dmfs__free(st);
        dmfs__free(ps);
        return dmfs__end(fs, dmfs__fail(DMFS_ENOMEM));
    }
    w->fs = fs;
    w->stack = st;
    w->cap = 8;
    w->stack[0].node = n;
    w->stack[0].path = ps;
    w->n = 1;
    n->pins++;
    iter_link(fs, &w->link, 2);
    *out = w;
    return dmfs__end(fs, 0);
}

int dmfs_walk_next(dmfs_walk *w, dmfs_walk_entry *out) {
    if (!w || !out) return dmfs__fail(DMFS_EINVAL);
    dmfs_fs *fs = w->fs;
    int r = begin(fs);
    if (r) return r;
    walk_free_entry(w);
    while (w->n > 0 && w->stack[w->n - 1].node->removed) {
        w->n--;
        dmfs__unpin(fs, w->stack[w->n].node);
        dmfs__free(w->stack[w->n].path);
    }
    if (w->n == 0) return dmfs__end(fs, 0);
    walk_item top = w->stack[w->n - 1];
    size_t nd = 0, nf = 0, bytes = 0;
    for (dmfs__node *c = top.node->first; c; c = c->next) {
        if (c->is_dir) nd++;
        else nf++;
        bytes += c->name_len + 1;
    }
    size_t plen = strlen(top.path);
    const char **names = dmfs__malloc((nd + nf + 1) * sizeof *names);
    char *nb = dmfs__malloc(bytes + 1);
    char **subpaths = nd ? dmfs__calloc(nd, sizeof *subpaths) : NULL;
    bool ok = names && nb && (nd == 0 || subpaths);
    if (ok && w->n - 1 + nd > w->cap) {
        size_t nc = w->cap;
        while (nc < w->n - 1 + nd) nc *= 2;
        walk_item *ns = dmfs__realloc(w->stack, nc * sizeof *ns);
        if (ns) {
            w->stack = ns;
            w->cap = nc;
        } else ok = false;
    }
    size_t di = 0;
    for (dmfs__node *c = top.node->first; ok && c; c = c->next) {
        if (!c->is_dir) continue;
        size_t l = (plen == 1 ? 0 : plen) + 1 + c->name_len;
        char *sp = dmfs__malloc(l + 1);
        if (!sp) {
            ok = false;
            break;
        }
        memcpy(sp, top.path, plen == 1 ? 0 : plen);
        sp[plen == 1 ? 0 : plen] = '/';
        memcpy(sp + (plen == 1 ? 0 : plen) + 1, c->name, c->name_len);
        sp[l] = 0;
        subpaths[di++] = sp;
    }
    if (!ok) {
        for (size_t i = 0; i < di; i++) dmfs__free(subpaths[i]);
        dmfs__free(subpaths);
        dmfs__free(names);
        dmfs__free(nb);
        return dmfs__end(fs, dmfs__fail(DMFS_ENOMEM));
    }
    /* Fill names: dirs first, then files, each in insertion order. */
    char *wp = nb;
    size_t k = 0;
    for (int pass = 0; pass < 2; pass++)
        for (dmfs__node *c = top.node->first; c; c = c->next) {
            if ((pass == 0) != (c->is_dir != 0)) continue;
            memcpy(wp, c->name, c->name_len);
            wp[c->name_len] = 0;
            names[k++] = wp;
            wp += c->name_len + 1;
        }
    /* Pop top, push subdirectories in reverse so the first is visited next (pre-order). */
    w->n--;
    w->cur_path = top.path;
    size_t idx = nd;
    for (dmfs__node *c = top.node->last; c; c = c->prev) {
        if (!c->is_dir) continue;
        idx--;
        c->pins++;
        w->stack[w->n].node = c;
        w->stack[w->n].path = subpaths[idx];
        w->n++;
    }
    dmfs__free(subpaths);
    dmfs__unpin(fs, top.node);
    w->names = names;
    w->name_buf = nb;
    out->dirpath = w->cur_path;
    out->ndirs = nd;
    out->dirnames = names;
    out->nfiles = nf;
    out->filenames = names + nd;
    return dmfs__end(fs, 1);
}

static void walk_release(dmfs_walk *w, bool unpin) {
    for (size_t i = 0; i < w->n; i++) {
        if (unpin) dmfs__unpin(w->fs, w->stack[i].node);
        dmfs__free(w->stack[i].path);
    }
    walk_free_entry(w);
    dmfs__free(w->stack);
    dmfs__free(w);
}

static void walk_release_cb(void *w, bool unpin) { walk_release((dmfs_walk *)w, unpin); }

int dmfs_walk_close(dmfs_walk *w) {
    if (!w) return dmfs__fail(DMFS_EINVAL);
    return iter_close(w->fs, &w->link, walk_release_cb, w);
}

/* Called by dmfs_destroy with no call in progress. Pins are dropped so that removed nodes
 * kept alive only by an iterator are freed here; the rest goes with the tree. */
void dmfs__iters_free_all(dmfs_fs *fs) {
    for (dmfs__iter_link *l = fs->iters, *next; l; l = next) {
        next = l->next;
        if (l->kind == 1) {
            export_release((dmfs_export *)l, true);
        } else {
            walk_release((dmfs_walk *)l, true);
        }
    }
    fs->iters = NULL;
}

/* ── test hooks ───────────────────────────────────────────────────────────────────── */

int dmfs_debug_check(dmfs_fs *fs) {
    if (!fs) return dmfs__fail(DMFS_EINVAL);
    int r = begin(fs);
    if (r) return r;
    uint64_t nodes = 0, files = 0, dirs = 0, usage = 0, chunks = 0;
    bool ok = true;
    dmfs__node *top = fs->root;
    for (dmfs__node *n = top; n;) {
        nodes++;
        if (n->is_dir) {
            dirs++;
            uint32_t kids = 0;
            for (dmfs__node *c = n->first; c; c = c->next) {
                kids++;
                if (c->parent != n || dmfs__child(n, c->name, c->name_len) != c) ok = false;
            }
            if (kids != n->nchildren) ok = false;
        } else {
            files++;
            usage += dmfs__usage(fs, n);
            uint64_t size = atomic_load(&n->size);
            if (n->storage == DMFS_STORAGE_SEQUENTIAL) {
                chunks += n->nchunks;
                if ((n->nchunks == 0) != (size == 0)) ok = false;
                if (n->nchunks && n->ends[n->nchunks - 1] != size) ok = false;
                uint64_t sum = 0;
                for (size_t i = 0; i < n->nchunks; i++) {
                    sum += n->chunks[i]->len;
                    if (n->chunks[i]->len == 0 || n->ends[i] != sum) ok = false;
                }
            } else if (size > n->cap) ok = false;
        }
        if (n->is_dir && n->first) n = n->first;
        else {
            while (n != top && !n->next) n = n->parent;
            n = n == top ? NULL : n->next;
        }
    }
    uint64_t used = atomic_load(&fs->used);
    if (used != usage || used > fs->cfg.max_quota || nodes != fs->nodes || files != fs->nfiles ||
        dirs != fs->ndirs || chunks != atomic_load(&fs->chunk_count) ||
        (fs->cfg.max_nodes != DMFS_UNLIMITED && nodes > fs->cfg.max_nodes))
        ok = false;
    return dmfs__end(fs, ok ? 0 : dmfs__fail(DMFS_EINVAL));
}

int dmfs_debug_file_info(dmfs_fs *fs, const char *path, dmfs_file_info *out) {
    if (!fs || !path || !out) return dmfs__fail(DMFS_EINVAL);
    char p[DMFS_PATH_MAX + 1];
    int r = dmfs__path_normalize(path, p);
    if (r < 0) return dmfs__fail(r);
    if ((r = begin(fs))) return r;
    dmfs__node *n;
    if ((r = dmfs__resolve(fs, p, &n))) return dmfs__end(fs, dmfs__fail(r));
    if (n->is_dir) return dmfs__end(fs, dmfs__fail(DMFS_EISDIR));
    /* No file lock: a handle may be writing. Only atomic fields are read; a sequential
     * file's chunks hold exactly its size. */
    int storage = atomic_load(&n->storage);
    out->storage = storage;
    out->chunks = storage == DMFS_STORAGE_SEQUENTIAL ? atomic_load(&n->nchunks) : 0;
    out->capacity = storage == DMFS_STORAGE_SEQUENTIAL ? atomic_load(&n->size) : atomic_load(&n->cap);
    out->usage = dmfs__usage(fs, n);
    return dmfs__end(fs, 0);
}
