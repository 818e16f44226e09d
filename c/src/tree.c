/* Nodes and the per-directory index: an open-addressing hash of child pointers (O(1)
 * lookup per path component) beside an intrusive list that keeps insertion order. */
#include "internal.h"

#define TOMB ((dmfs__node *)(uintptr_t)1)

uint32_t dmfs__hash(const char *s, size_t n) {
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

dmfs__node *dmfs__node_new(bool is_dir, const char *name, size_t len, int64_t now, int storage) {
    dmfs__node *n = dmfs__calloc(1, sizeof *n);
    if (!n) return NULL;
    n->name = dmfs__strndup(name, len);
    if (!n->name) {
        dmfs__free(n);
        return NULL;
    }
    n->name_len = (uint32_t)len;
    n->hash = dmfs__hash(name, len);
    n->is_dir = is_dir;
    n->created_at = now;
    atomic_init(&n->modified_at, now);
    n->storage = storage == DMFS_STORAGE_RANDOM_ACCESS ? DMFS_STORAGE_RANDOM_ACCESS : DMFS_STORAGE_SEQUENTIAL;
    return n;
}

void dmfs__node_free(dmfs_fs *fs, dmfs__node *n) {
    if (!n->is_dir) dmfs__store_clear(fs, n);
    dmfs__free(n->index);
    dmfs__free(n->name);
    dmfs__free(n);
}

dmfs__node *dmfs__child(const dmfs__node *dir, const char *name, size_t len) {
    if (!dir->index_cap) return NULL;
    uint32_t h = dmfs__hash(name, len), mask = dir->index_cap - 1;
    for (uint32_t i = h & mask;; i = (i + 1) & mask) {
        dmfs__node *c = dir->index[i];
        if (!c) return NULL;
        if (c != TOMB && c->hash == h && c->name_len == len && memcmp(c->name, name, len) == 0) return c;
    }
}

static void index_put(dmfs__node **idx, uint32_t cap, dmfs__node *c) {
    uint32_t mask = cap - 1;
    uint32_t i = c->hash & mask;
    while (idx[i] && idx[i] != TOMB) i = (i + 1) & mask;
    idx[i] = c;
}

int dmfs__index_reserve(dmfs__node *dir, uint32_t extra) {
    uint64_t need = (uint64_t)dir->index_used + extra;
    if (need * 4 < (uint64_t)dir->index_cap * 3) return 0;
    uint64_t cap = dir->index_cap ? dir->index_cap : 8;
    uint64_t live = (uint64_t)dir->nchildren + extra;
    while (live * 4 >= cap * 3) cap *= 2;
    if (cap > UINT32_MAX / 2) return DMFS_ENOMEM;
    dmfs__node **idx = dmfs__calloc((size_t)cap, sizeof *idx);
    if (!idx) return DMFS_ENOMEM;
    for (dmfs__node *c = dir->first; c; c = c->next) index_put(idx, (uint32_t)cap, c);
    dmfs__free(dir->index);
    dir->index = idx;
    dir->index_cap = (uint32_t)cap;
    dir->index_used = dir->nchildren;
    return 0;
}

int dmfs__attach(dmfs__node *dir, dmfs__node *child) {
    if (dmfs__index_reserve(dir, 1)) return DMFS_ENOMEM;
    index_put(dir->index, dir->index_cap, child);
    dir->index_used++;
    dir->nchildren++;
    child->parent = dir;
    child->next = NULL;
    child->prev = dir->last;
    if (dir->last) dir->last->next = child;
    else dir->first = child;
    dir->last = child;
    return 0;
}

/* After removals: a directory's index shrinks when it is under 1/8 full, so an emptied
 * directory does not keep the memory of its largest size. Best effort (on allocation
 * failure the old index stays), and the new one has room for one more child: a rename
 * reserves before it detaches, and its attach must not allocate. */
static void index_shrink(dmfs__node *dir) {
    if (dir->index_cap <= 8 || (uint64_t)dir->nchildren * 8 >= dir->index_cap) return;
    uint64_t cap = 8;
    while (((uint64_t)dir->nchildren + 1) * 4 >= cap * 3) cap *= 2;
    dmfs__node **idx = dmfs__calloc((size_t)cap, sizeof *idx);
    if (!idx) return;
    for (dmfs__node *c = dir->first; c; c = c->next) index_put(idx, (uint32_t)cap, c);
    dmfs__free(dir->index);
    dir->index = idx;
    dir->index_cap = (uint32_t)cap;
    dir->index_used = dir->nchildren;
}

void dmfs__detach(dmfs__node *child) {
    dmfs__node *dir = child->parent;
    if (!dir) return;
    uint32_t mask = dir->index_cap - 1;
    for (uint32_t i = child->hash & mask;; i = (i + 1) & mask) {
        if (dir->index[i] == child) {
            dir->index[i] = dir->index[(i + 1) & mask] ? TOMB : NULL;
            if (!dir->index[i]) dir->index_used--;
            break;
        }
    }
    if (child->prev) child->prev->next = child->next;
    else dir->first = child->next;
    if (child->next) child->next->prev = child->prev;
    else dir->last = child->prev;
    dir->nchildren--;
    child->parent = child->prev = child->next = NULL;
    index_shrink(dir);
}

/* Walks a normalized path; the first problem from the root wins (§5.2). */
int dmfs__resolve(dmfs_fs *fs, const char *path, dmfs__node **out) {
    dmfs__node *cur = fs->root;
    const char *p = path + 1;
    while (*p) {
        const char *e = strchr(p, '/');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (!cur->is_dir) return DMFS_ENOTDIR;
        dmfs__node *c = dmfs__child(cur, p, len);
        if (!c) return DMFS_ENOENT;
        cur = c;
        if (!e) break;
        p = e + 1;
    }
    *out = cur;
    return 0;
}

int dmfs__resolve_parent(dmfs_fs *fs, const char *path, dmfs__node **parent, const char **name, size_t *len) {
    const char *slash = strrchr(path, '/');
    dmfs__node *cur = fs->root;
    const char *p = path + 1;
    while (p < slash + 1 && p <= slash) {
        const char *e = strchr(p, '/');
        if (!e || e > slash) break;
        size_t l = (size_t)(e - p);
        if (!cur->is_dir) return DMFS_ENOTDIR;
        dmfs__node *c = dmfs__child(cur, p, l);
        if (!c) return DMFS_ENOENT;
        cur = c;
        p = e + 1;
    }
    if (!cur->is_dir) return DMFS_ENOTDIR;
    *parent = cur;
    *name = slash + 1;
    *len = strlen(slash + 1);
    return 0;
}

void dmfs__unpin(dmfs_fs *fs, dmfs__node *n) {
    if (--n->pins == 0 && n->removed) dmfs__node_free(fs, n);
}

static void drop_node(dmfs_fs *fs, dmfs__node *n) {
    if (n->pins) {
        n->removed = 1;
        n->first = n->last = NULL;
        n->nchildren = 0;
        dmfs__free(n->index);
        n->index = NULL;
        n->index_cap = n->index_used = 0;
        if (!n->is_dir) dmfs__store_clear(fs, n);
    } else {
        dmfs__node_free(fs, n);
    }
}

/* Post-order without recursion: descend to a leaf, free it, continue with its sibling or
 * climb. `top` must already be detached. Ledger and counts are the caller's business. */
void dmfs__free_subtree(dmfs_fs *fs, dmfs__node *top) {
    dmfs__node *n = top;
    for (;;) {
        while (n->is_dir && n->first) n = n->first;
        if (n == top) {
            drop_node(fs, n);
            return;
        }
        dmfs__node *parent = n->parent, *next = n->next;
        parent->first = next;
        if (next) next->prev = NULL;
        else parent->last = NULL;
        parent->nchildren--;
        n->parent = n->prev = n->next = NULL;
        drop_node(fs, n);
        n = next ? next : parent;
    }
}

size_t dmfs__path_of(const dmfs__node *n, char *out, size_t cap) {
    size_t total = 0;
    for (const dmfs__node *c = n; c->parent; c = c->parent) total += c->name_len + 1;
    if (total == 0) total = 1;
    if (total + 1 > cap) return 0;
    out[total] = 0;
    if (!n->parent) {
        out[0] = '/';
        return 1;
    }
    size_t w = total;
    for (const dmfs__node *c = n; c->parent; c = c->parent) {
        w -= c->name_len;
        memcpy(out + w, c->name, c->name_len);
        out[--w] = '/';
    }
    return total;
}
