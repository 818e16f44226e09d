/* Reference model for the differential fuzzer; see model.h. Written from SPEC.md alone:
 * checks in the SPEC's order, and every mutating operation works on a scratch copy that
 * is committed only on success (so "failure leaves no trace" holds by construction). */
#include "model.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "dmemfs.h"

#define MAXD 64 /* path depth handled by the model */

typedef struct {
    char s[MAXD][M_NAME];
    int n;
} names;

/* §5.1 on the model's small alphabet (names shorter than M_NAME). */
static int norm(const char *in, names *out) {
    out->n = 0;
    char buf[4200];
    size_t len = strlen(in);
    if (len >= sizeof buf) return DMFS_ENAMETOOLONG;
    for (size_t i = 0; i <= len; i++) buf[i] = in[i] == '\\' ? '/' : in[i];
    char *p = buf;
    while (*p) {
        if (*p == '/') {
            p++;
            continue;
        }
        char *e = p;
        while (*e && *e != '/') e++;
        size_t l = (size_t)(e - p);
        if (l == 1 && p[0] == '.') {
        } else if (l == 2 && p[0] == '.' && p[1] == '.') {
            if (out->n == 0) return DMFS_EINVAL;
            out->n--;
        } else {
            if (l >= M_NAME || out->n == MAXD) return DMFS_ENAMETOOLONG;
            memcpy(out->s[out->n], p, l);
            out->s[out->n++][l] = 0;
        }
        p = e;
    }
    return 0;
}

static int child(const model *m, int dir, const char *name) {
    for (int k = 0; k < m->n[dir].nkids; k++)
        if (strcmp(m->n[m->n[dir].kids[k]].name, name) == 0) return m->n[dir].kids[k];
    return -1;
}

/* Walk: *node = target (or -1), *parent = its parent dir when every non-final component
 * resolved to a directory. Returns 0, DMFS_ENOENT (non-final missing) or DMFS_ENOTDIR. */
static int walk(const model *m, const names *p, int *node, int *parent) {
    int cur = 0;
    *parent = -1;
    *node = 0;
    for (int i = 0; i < p->n; i++) {
        int c = child(m, cur, p->s[i]);
        if (c < 0) {
            if (i == p->n - 1) {
                *parent = cur;
                *node = -1;
                return 0;
            }
            return DMFS_ENOENT;
        }
        if (i < p->n - 1 && !m->n[c].is_dir) return DMFS_ENOTDIR;
        *parent = cur;
        cur = c;
    }
    *node = cur;
    return 0;
}

void m_init(model *m, uint64_t quota, uint64_t max_nodes, int storage, uint64_t ov, uint64_t hard) {
    memset(m, 0, sizeof *m);
    m->quota = quota, m->max_nodes = max_nodes, m->storage = storage, m->ov = ov;
    m->hard_limit = hard;
    m->nodes = 1;
    m->n[0].used = 1, m->n[0].is_dir = 1, m->n[0].parent = -1;
}

void m_path(const model *m, int i, char *buf) {
    int chain[MAXD * 4], n = 0;
    for (int c = i; c > 0; c = m->n[c].parent) chain[n++] = c;
    buf[0] = 0;
    if (n == 0) {
        strcpy(buf, "/");
        return;
    }
    while (n--) {
        strcat(buf, "/");
        strcat(buf, m->n[chain[n]].name);
    }
}

int m_lookup(const model *m, const char *path) {
    names p;
    int node, parent;
    if (norm(path, &p) || walk(m, &p, &node, &parent)) return -1;
    return node;
}

int m_resolve(const model *m, const char *path) {
    names p;
    int node, parent;
    int rc = norm(path, &p);
    if (rc) return rc;
    rc = walk(m, &p, &node, &parent);
    if (rc) return rc;
    return node < 0 ? DMFS_ENOENT : node;
}

uint64_t m_usage(const model *m, int i) {
    const mnode *f = &m->n[i];
    if (f->is_dir) return 0;
    return f->ra ? f->size : f->size + f->chunks * m->ov;
}

static uint64_t mfree(const model *m) {
    return m->quota - m->used;
}

static int new_node(model *m, int parent, const char *name, int is_dir) {
    for (int i = 1; i < M_NODES; i++) {
        if (m->n[i].used) continue;
        if (m->n[parent].nkids == M_KIDS) abort(); /* model capacity: fuzzer keeps below */
        memset(&m->n[i], 0, sizeof m->n[i]);
        m->n[i].used = 1, m->n[i].is_dir = is_dir, m->n[i].parent = parent;
        strcpy(m->n[i].name, name);
        m->n[i].ra = m->storage == M_RA;
        m->n[parent].kids[m->n[parent].nkids++] = i;
        m->nodes++;
        return i;
    }
    abort(); /* model capacity: the fuzzer keeps max_nodes below M_NODES */
}

static void unlink_node(model *m, int i) {
    mnode *p = &m->n[m->n[i].parent];
    for (int k = 0; k < p->nkids; k++)
        if (p->kids[k] == i) {
            memmove(&p->kids[k], &p->kids[k + 1], (size_t)(p->nkids - k - 1) * sizeof(int));
            p->nkids--;
            return;
        }
}

/* Pre-order list of the subtree at i (i first). */
static int subtree(const model *m, int i, int *out) {
    int n = 0, stack[M_NODES], sp = 0;
    stack[sp++] = i;
    while (sp) {
        int c = stack[--sp];
        out[n++] = c;
        for (int k = m->n[c].nkids; k-- > 0;) stack[sp++] = m->n[c].kids[k];
    }
    return n;
}

static void free_subtree(model *m, int i) {
    int list[M_NODES];
    int n = subtree(m, i, list);
    unlink_node(m, i);
    for (int k = 0; k < n; k++) {
        m->used -= m_usage(m, list[k]);
        m->n[list[k]].used = 0;
        m->nodes--;
    }
}

static int busy(const model *m, int i) {
    return m->n[i].readers > 0 || m->n[i].writer;
}

static int subtree_busy(const model *m, int i) {
    int list[M_NODES];
    int n = subtree(m, i, list);
    for (int k = 0; k < n; k++)
        if (busy(m, list[k])) return 1;
    return 0;
}

static int nodes_ok(const model *m, uint64_t add) {
    return m->nodes + add <= m->max_nodes;
}

/* Stores data as one chunk / buffer of the default storage. */
static void store_one(model *m, int i, const uint8_t *data, size_t len) {
    mnode *f = &m->n[i];
    f->ra = m->storage == M_RA;
    memcpy(f->data, data, len);
    f->size = len;
    f->chunks = f->ra || len == 0 ? 0 : 1;
}

static uint64_t one_usage(const model *m, size_t len) {
    if (m->storage == M_RA) return len;
    return len ? len + m->ov : 0;
}

/* ── handles ─────────────────────────────────────────────────────────────────────── */

int m_open(model *m, int slot, const char *path, const char *mode, int64_t prealloc) {
    static const char *const modes[] = {"rb", "wb", "ab", "r+b", "xb"};
    int md = -1;
    for (int i = 0; i < 5; i++)
        if (strcmp(mode, modes[i]) == 0) md = i;
    if (md < 0) return DMFS_EINVAL;
    if (prealloc < 0 || (prealloc > 0 && md == MODE_RB)) return DMFS_EINVAL;
    names p;
    int node, parent, rc = norm(path, &p);
    if (rc) return rc;
    if ((rc = walk(m, &p, &node, &parent))) return rc;
    if (node >= 0 && m->n[node].is_dir) return DMFS_EISDIR;
    if (node < 0 && (md == MODE_RB || md == MODE_RPB)) return DMFS_ENOENT;
    if (node >= 0 && md == MODE_XB) return DMFS_EEXIST;
    if (node >= 0) {
        if (md == MODE_RB ? m->n[node].writer : busy(m, node)) return DMFS_EAGAIN;
    } else if (!nodes_ok(m, 1)) {
        return DMFS_ENOSPC;
    }
    uint64_t size0 = node >= 0 && md != MODE_WB ? m->n[node].size : 0;
    int ra = node >= 0 ? m->n[node].ra : m->storage == M_RA;
    uint64_t release = node >= 0 && md == MODE_WB ? m_usage(m, node) : 0;
    if ((uint64_t)prealloc > size0) {
        uint64_t charge = (uint64_t)prealloc - size0 + (ra ? 0 : m->ov);
        if (charge > mfree(m) + release) return DMFS_ENOSPC;
    }
    int existed = node >= 0;
    if (!existed) node = new_node(m, parent, p.s[p.n - 1], 0);
    mnode *f = &m->n[node];
    if (md == MODE_WB && existed) {
        /* truncated once the lock is held: generation +1 even when already empty */
        m->used -= release;
        f->size = 0, f->chunks = 0;
        f->gen++;
    }
    if ((uint64_t)prealloc > f->size) {
        uint64_t add = (uint64_t)prealloc - f->size;
        memset(f->data + f->size, 0, add);
        m->used += add + (f->ra ? 0 : m->ov);
        if (!f->ra) f->chunks++;
        f->size = (uint64_t)prealloc;
        f->gen++;
    }
    if (md == MODE_RB) f->readers++;
    else f->writer = 1;
    m->h[slot].open = 1, m->h[slot].node = node, m->h[slot].mode = md;
    m->h[slot].cursor = md == MODE_AB ? f->size : 0;
    return 0;
}

int64_t m_read(model *m, int slot, size_t n, uint8_t *out) {
    mhandle *h = &m->h[slot];
    if (h->mode != MODE_RB && h->mode != MODE_RPB) return DMFS_EBADF;
    mnode *f = &m->n[h->node];
    if (h->cursor >= f->size) return 0;
    uint64_t k = f->size - h->cursor;
    if (k > n) k = n;
    memcpy(out, f->data + h->cursor, k);
    h->cursor += k;
    return (int64_t)k;
}

int64_t m_write(model *m, int slot, const uint8_t *buf, size_t n) {
    mhandle *h = &m->h[slot];
    if (h->mode == MODE_RB) return DMFS_EBADF;
    if (n == 0) return 0;
    mnode *f = &m->n[h->node];
    /* ab writes at the end; a failed write leaves the cursor as it was (all or nothing) */
    uint64_t c = h->mode == MODE_AB ? f->size : h->cursor, end = c + n;
    uint64_t ext = end > f->size ? end - f->size : 0;
    if (!f->ra) {
        if (c == f->size) {
            if (n + m->ov > mfree(m)) return DMFS_ENOSPC;
            if (end > M_DATA) abort();
            m->used += n + m->ov;
            f->chunks++;
        } else {
            if (m->storage == M_SEQ) return DMFS_ENOTSUP;
            if (f->size > m->hard_limit) return DMFS_ENOTSUP;
            if (f->size > mfree(m)) return DMFS_ENOSPC;
            /* temporary copy charged, chunk overhead released, then the extension */
            uint64_t used_mid = m->used + f->size - f->chunks * m->ov;
            if (ext > m->quota - used_mid) return DMFS_ENOSPC;
            m->used = m->used - (f->size + f->chunks * m->ov) + f->size + ext;
            f->ra = 1, f->chunks = 0;
        }
    } else {
        if (ext > mfree(m)) return DMFS_ENOSPC;
        m->used += ext;
    }
    if (end > M_DATA) abort();
    if (c > f->size) memset(f->data + f->size, 0, c - f->size);
    memcpy(f->data + c, buf, n);
    if (end > f->size) f->size = end;
    h->cursor = end;
    f->gen++;
    return (int64_t)n;
}

int64_t m_seek(model *m, int slot, int64_t off, int whence) {
    mhandle *h = &m->h[slot];
    int64_t base;
    if (whence == 0) {
        if (off < 0) return DMFS_EINVAL;
        base = 0;
    } else if (whence == 1) {
        base = (int64_t)h->cursor;
    } else if (whence == 2) {
        if (off > 0) return DMFS_EINVAL;
        base = (int64_t)m->n[h->node].size;
    } else {
        return DMFS_EINVAL;
    }
    int64_t r = base + off;
    if (r < 0 || (uint64_t)r > DMFS_MAX_SAFE) return DMFS_EINVAL;
    h->cursor = (uint64_t)r;
    return r;
}

int64_t m_truncate(model *m, int slot, int64_t size) {
    mhandle *h = &m->h[slot];
    if (h->mode == MODE_RB) return DMFS_EBADF;
    if (size < 0) return DMFS_EINVAL;
    mnode *f = &m->n[h->node];
    uint64_t s = (uint64_t)size;
    if (s > f->size) {
        uint64_t charge = s - f->size + (f->ra ? 0 : m->ov);
        if (charge > mfree(m)) return DMFS_ENOSPC;
        if (s > M_DATA) abort();
        memset(f->data + f->size, 0, s - f->size);
        m->used += charge;
        if (!f->ra) f->chunks++;
        f->size = s;
        f->gen++;
    } else if (s < f->size) {
        uint64_t old = m_usage(m, h->node);
        f->size = s;
        if (!f->ra) f->chunks = s ? 1 : 0;
        m->used -= old - m_usage(m, h->node);
        f->gen++;
    }
    if (h->cursor > s) h->cursor = s;
    return size;
}

int m_close(model *m, int slot) {
    mhandle *h = &m->h[slot];
    mnode *f = &m->n[h->node];
    if (h->mode == MODE_RB) f->readers--;
    else f->writer = 0;
    h->open = 0;
    return 0;
}

/* ── tree ────────────────────────────────────────────────────────────────────────── */

int m_mkdir(model *m, const char *path, int exist_ok) {
    names p;
    int rc = norm(path, &p);
    if (rc) return rc;
    int cur = 0, i = 0;
    for (; i < p.n; i++) {
        int c = child(m, cur, p.s[i]);
        if (c < 0) break;
        if (!m->n[c].is_dir) return i < p.n - 1 ? DMFS_ENOTDIR : DMFS_EEXIST;
        cur = c;
    }
    if (i == p.n) return exist_ok ? 0 : DMFS_EEXIST;
    if (!nodes_ok(m, (uint64_t)(p.n - i))) return DMFS_ENOSPC;
    for (; i < p.n; i++) cur = new_node(m, cur, p.s[i], 1);
    return 0;
}

static int is_inside(const model *m, int node, int top) {
    for (int c = node; c >= 0; c = m->n[c].parent)
        if (c == top) return 1;
    return 0;
}

int m_rename(model *m, const char *src, const char *dst, int is_move) {
    names ps, pd;
    int rc = norm(src, &ps);
    if (rc) return rc;
    if ((rc = norm(dst, &pd))) return rc;
    if (ps.n == 0) return DMFS_EINVAL;
    int sn, sp, dn, dp;
    if ((rc = walk(m, &ps, &sn, &sp))) return rc;
    if (sn < 0) return DMFS_ENOENT;
    int drc = walk(m, &pd, &dn, &dp);
    if (drc == 0 && dn >= 0) return DMFS_EEXIST;
    /* dst inside src's subtree: src's names are a proper prefix of dst's */
    if (pd.n > ps.n) {
        int pre = 1;
        for (int i = 0; i < ps.n; i++) pre &= strcmp(ps.s[i], pd.s[i]) == 0;
        if (pre) return DMFS_EINVAL;
    }
    /* dst's parent chain */
    int cur = 0, i = 0;
    for (; i < pd.n - 1; i++) {
        int c = child(m, cur, pd.s[i]);
        if (c < 0) break;
        if (!m->n[c].is_dir) return DMFS_ENOTDIR;
        cur = c;
    }
    int missing = pd.n - 1 - i;
    if (missing > 0) {
        if (!is_move) return DMFS_ENOENT;
        /* move: only a file in the chain is an error; the rest of the chain is missing */
    }
    if (subtree_busy(m, sn)) return DMFS_EBUSY;
    if (missing > 0 && !nodes_ok(m, (uint64_t)missing)) return DMFS_ENOSPC;
    for (; i < pd.n - 1; i++) cur = new_node(m, cur, pd.s[i], 1);
    (void)is_inside;
    unlink_node(m, sn);
    mnode *p = &m->n[cur];
    p->kids[p->nkids++] = sn;
    m->n[sn].parent = cur;
    strcpy(m->n[sn].name, pd.s[pd.n - 1]);
    return 0;
}

int m_remove(model *m, const char *path) {
    int n = m_resolve(m, path);
    if (n < 0) return n;
    if (m->n[n].is_dir) return DMFS_EISDIR;
    if (busy(m, n)) return DMFS_EBUSY;
    free_subtree(m, n);
    return 0;
}

int m_rmtree(model *m, const char *path) {
    names p;
    int rc = norm(path, &p);
    if (rc) return rc;
    if (p.n == 0) return DMFS_EINVAL;
    int n = m_resolve(m, path);
    if (n < 0) return n;
    if (!m->n[n].is_dir) return DMFS_ENOTDIR;
    if (subtree_busy(m, n)) return DMFS_EBUSY;
    free_subtree(m, n);
    return 0;
}

/* dst checks shared by copy and copyTree: exists → EEXIST, parent chain. */
static int dst_parent(const model *m, const names *pd, int *parent) {
    int dn, dp;
    int rc = walk(m, pd, &dn, &dp);
    if (rc == 0 && dn >= 0) return DMFS_EEXIST;
    if (rc) return rc;
    *parent = dp;
    return 0;
}

/* copy and copy_tree: both paths normalized (source first), the source must exist. */
static int copy_source(model *m, const char *src, const char *dst, names *pd, int *sn) {
    names ps;
    int rc = norm(src, &ps);
    if (rc) return rc;
    if ((rc = norm(dst, pd))) return rc;
    int sp;
    if ((rc = walk(m, &ps, sn, &sp))) return rc;
    return *sn < 0 ? DMFS_ENOENT : 0;
}

int m_copy(model *m, const char *src, const char *dst) {
    names pd;
    int sn, rc = copy_source(m, src, dst, &pd, &sn);
    if (rc) return rc;
    if (m->n[sn].is_dir) return DMFS_EISDIR;
    int parent;
    if ((rc = dst_parent(m, &pd, &parent))) return rc;
    if (m->n[sn].writer) return DMFS_EAGAIN;
    if (!nodes_ok(m, 1)) return DMFS_ENOSPC;
    uint64_t u = one_usage(m, m->n[sn].size);
    if (u > mfree(m)) return DMFS_ENOSPC;
    int c = new_node(m, parent, pd.s[pd.n - 1], 0);
    store_one(m, c, m->n[sn].data, m->n[sn].size);
    m->n[c].gen = m->n[sn].size ? 1 : 0;
    m->used += u;
    return 0;
}

int m_copy_tree(model *m, const char *src, const char *dst) {
    names pd;
    int sn, rc = copy_source(m, src, dst, &pd, &sn);
    if (rc) return rc;
    if (!m->n[sn].is_dir) return DMFS_ENOTDIR;
    int parent;
    if ((rc = dst_parent(m, &pd, &parent))) return rc;
    if (pd.n == 0) return DMFS_EEXIST;
    int list[M_NODES];
    int n = subtree(m, sn, list);
    uint64_t total = 0;
    for (int k = 0; k < n; k++) {
        if (m->n[list[k]].writer) return DMFS_EAGAIN;
    }
    for (int k = 0; k < n; k++)
        if (!m->n[list[k]].is_dir) total += one_usage(m, m->n[list[k]].size);
    if (!nodes_ok(m, (uint64_t)n)) return DMFS_ENOSPC;
    if (total > mfree(m)) return DMFS_ENOSPC;
    /* Build the copy from the snapshot list, attaching the top last. */
    int map[M_NODES];
    model snap = *m;
    for (int k = 0; k < n; k++) {
        const mnode *s = &snap.n[list[k]];
        int par = k == 0 ? parent : map[0];
        if (k > 0) {
            for (int q = 0; q < k; q++)
                if (list[q] == s->parent) par = map[q];
        }
        int c = new_node(m, par, k == 0 ? pd.s[pd.n - 1] : s->name, s->is_dir);
        map[k] = c;
        if (!s->is_dir) store_one(m, c, s->data, s->size);
    }
    m->used += total;
    return 0;
}

int m_import(model *m, const m_entry *e, size_t count) {
    if (count == 0) return 0;
    names p[8];
    int idx[8], ne = 0; /* distinct keys, first place, last value */
    const m_entry *val[8];
    for (size_t i = 0; i < count; i++) {
        names t;
        int rc = norm(e[i].path, &t);
        if (rc) return rc;
        int found = -1;
        for (int k = 0; k < ne; k++) {
            if (p[k].n != t.n) continue;
            int eq = 1;
            for (int q = 0; q < t.n; q++) eq &= strcmp(p[k].s[q], t.s[q]) == 0;
            if (eq) found = k;
        }
        if (found >= 0) {
            val[found] = &e[i];
        } else {
            p[ne] = t;
            val[ne] = &e[i];
            idx[ne] = ne;
            ne++;
        }
    }
    (void)idx;
    /* Apply to a scratch copy; commit only when every check passes. */
    model *s = malloc(sizeof *s);
    *s = *m;
    uint64_t new_nodes = 0;
    int64_t net = 0;
    int rc = 0;
    for (int k = 0; k < ne && !rc; k++) {
        if (p[k].n == 0) {
            rc = DMFS_EISDIR;
            break;
        }
        int cur = 0;
        for (int q = 0; q < p[k].n && !rc; q++) {
            int c = child(s, cur, p[k].s[q]);
            int last = q == p[k].n - 1;
            if (c < 0) {
                if (s->nodes + 1 > M_NODES - 1) abort();
                c = new_node(s, cur, p[k].s[q], !last);
                new_nodes++;
                if (last) {
                    store_one(s, c, val[k]->data, val[k]->len);
                    net += (int64_t)m_usage(s, c);
                }
            } else if (last) {
                if (s->n[c].is_dir) rc = DMFS_EISDIR;
                else if (busy(s, c)) rc = DMFS_EBUSY;
                else {
                    net -= (int64_t)m_usage(s, c);
                    store_one(s, c, val[k]->data, val[k]->len);
                    net += (int64_t)m_usage(s, c);
                }
            } else if (!s->n[c].is_dir) {
                rc = DMFS_ENOTDIR;
            }
            if (!rc && last) s->n[c].gen = 0;
            cur = c;
        }
    }
    if (!rc && m->nodes + new_nodes > m->max_nodes) rc = DMFS_ENOSPC;
    if (!rc && net > 0 && (uint64_t)net > mfree(m)) rc = DMFS_ENOSPC;
    if (!rc) {
        s->used = (uint64_t)((int64_t)m->used + net);
        *m = *s;
    }
    free(s);
    return rc;
}

int m_write_file(model *m, const char *path, const uint8_t *data, size_t len) {
    names p;
    int rc = norm(path, &p);
    if (rc) return rc;
    if (p.n == 0) return DMFS_EISDIR;
    int node, parent;
    if ((rc = walk(m, &p, &node, &parent))) return rc;
    if (node >= 0 && m->n[node].is_dir) return DMFS_EISDIR;
    if (node >= 0 && busy(m, node)) return DMFS_EAGAIN;
    if (node < 0 && !nodes_ok(m, 1)) return DMFS_ENOSPC;
    uint64_t old = node >= 0 ? m_usage(m, node) : 0, nu = one_usage(m, len);
    if (nu > old && nu - old > mfree(m)) return DMFS_ENOSPC;
    uint64_t gen;
    if (node < 0) {
        node = new_node(m, parent, p.s[p.n - 1], 0);
        gen = len ? 1 : 0;
    } else {
        gen = m->n[node].gen + 1;
    }
    store_one(m, node, data, len);
    m->n[node].gen = gen;
    m->used = m->used - old + nu;
    return 0;
}

int m_read_file(model *m, const char *path, int64_t max_size, int *node) {
    int n = m_resolve(m, path);
    if (n < 0) return n;
    if (m->n[n].is_dir) return DMFS_EISDIR;
    if (m->n[n].writer) return DMFS_EAGAIN;
    if (max_size >= 0 && m->n[n].size > (uint64_t)max_size) return DMFS_EFBIG;
    *node = n;
    return 0;
}

/* ── glob / export ───────────────────────────────────────────────────────────────── */

typedef struct {
    const char *s[64];
    size_t n[64];
    int count;
} parts;

static void split(const char *text, parts *out) {
    out->count = 0;
    const char *p = text;
    while (*p) {
        if (*p == '/') {
            p++;
            continue;
        }
        const char *e = p;
        while (*e && *e != '/') e++;
        out->s[out->count] = p;
        out->n[out->count++] = (size_t)(e - p);
        p = e;
    }
}

static int part_eq(const char *s, size_t n, const char *lit) {
    return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

/* Exponential reference; inputs are tiny. fnmatch without flags: '*' matches leading dots,
 * sets with '!' and ranges; the fuzzer's patterns carry no backslash. */
static int gmatch(const parts *pp, int i, const parts *nn, int k) {
    if (i == pp->count) return k == nn->count;
    if (part_eq(pp->s[i], pp->n[i], "**")) {
        if (i + 1 == pp->count) return nn->count - k >= 1;
        for (int j = k; j <= nn->count; j++)
            if (gmatch(pp, i + 1, nn, j)) return 1;
        return 0;
    }
    if (k == nn->count) return 0;
    char pat[256], name[256];
    memcpy(pat, pp->s[i], pp->n[i]);
    pat[pp->n[i]] = 0;
    memcpy(name, nn->s[k], nn->n[k]);
    name[nn->n[k]] = 0;
    return fnmatch(pat, name, 0) == 0 && gmatch(pp, i + 1, nn, k + 1);
}

static int cmp_path(const void *a, const void *b) {
    return strcmp((const char *)a, (const char *)b);
}

int m_glob(const model *m, const char *pattern, char (*out)[4097], int cap) {
    char pat[4200];
    strcpy(pat, pattern);
    for (char *c = pat; *c; c++)
        if (*c == '\\') *c = '/';
    parts pp;
    split(pat, &pp);
    int cnt = 0;
    if (pp.count == 0) return 0;
    for (int i = 1; i < M_NODES; i++) {
        if (!m->n[i].used) continue;
        char path[4097];
        m_path(m, i, path);
        parts nn;
        split(path, &nn);
        if (gmatch(&pp, 0, &nn, 0)) {
            if (cnt == cap) abort();
            strcpy(out[cnt++], path);
        }
    }
    qsort(out, (size_t)cnt, sizeof out[0], cmp_path);
    return cnt;
}

int m_export_list(const model *m, const char *prefix, int only_dirty, int *out, int cap) {
    int n = m_resolve(m, prefix ? prefix : "/");
    if (n == DMFS_EINVAL || n == DMFS_ENAMETOOLONG) return n;
    if (n < 0) return 0;
    int list[M_NODES];
    int k = subtree(m, n, list), cnt = 0;
    for (int i = 0; i < k; i++) {
        const mnode *f = &m->n[list[i]];
        if (f->is_dir || (only_dirty && f->gen == 0)) continue;
        if (cnt == cap) abort();
        out[cnt++] = list[i];
    }
    return cnt;
}
