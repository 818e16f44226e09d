/* File content. Sequential: immutable chunks, one per non-empty append, with cumulative end
 * offsets for O(log n) positioned reads. Random-access: one buffer. Every change is: check
 * the quota (ENOSPC before memory is touched), allocate, commit the ledger atomically (it may
 * still refuse if another thread took the space: free and fail), then apply — an apply never
 * fails, so nothing has to be undone. Caller holds the file lock. */
#include "internal.h"

uint64_t dmfs__usage(const dmfs_fs *fs, const dmfs__node *n) {
    uint64_t size = atomic_load(&n->size);
    if (n->storage == DMFS_STORAGE_RANDOM_ACCESS) return size;
    return size + (uint64_t)n->nchunks * fs->cfg.chunk_overhead;
}

uint64_t dmfs__fill_usage(const dmfs_fs *fs, int storage, uint64_t len) {
    if (storage == DMFS_STORAGE_RANDOM_ACCESS) return len;
    return len ? len + fs->cfg.chunk_overhead : 0;
}

static int precheck(dmfs_fs *fs, uint64_t charge) {
    uint64_t f = dmfs__quota_free(fs);
    return charge > f ? dmfs__fail_bytes(charge, f) : 0;
}

/* Overflow-safe a + b for charges (values ≤ MAX_SAFE + overhead ≤ 2^64). */
static uint64_t add_sat(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

static int chunks_reserve(dmfs__node *n, size_t extra) {
    if (n->nchunks + extra <= n->chunks_cap) return 0;
    size_t cap = n->chunks_cap ? n->chunks_cap * 2 : 1; /* most files have one chunk */
    while (cap < n->nchunks + extra) cap *= 2;
    dmfs__chunk **c = dmfs__realloc(n->chunks, cap * sizeof *c);
    if (!c) return DMFS_ENOMEM;
    n->chunks = c;
    uint64_t *e = dmfs__realloc(n->ends, cap * sizeof *e);
    if (!e) return DMFS_ENOMEM; /* chunks grew; harmless, cap stays */
    n->ends = e;
    n->chunks_cap = cap;
    return 0;
}

static dmfs__chunk *chunk_new(size_t len) {
    if (len > SIZE_MAX - sizeof(dmfs__chunk)) return NULL;
    dmfs__chunk *c = dmfs__malloc(sizeof *c + len);
    if (c) c->len = len;
    return c;
}

static void push_chunk(dmfs_fs *fs, dmfs__node *n, dmfs__chunk *c) {
    uint64_t end = (n->nchunks ? n->ends[n->nchunks - 1] : 0) + c->len;
    n->chunks[n->nchunks] = c;
    n->ends[n->nchunks] = end;
    n->nchunks++;
    atomic_fetch_add(&fs->chunk_count, 1);
    atomic_store(&n->size, end);
}

static size_t find_chunk(const dmfs__node *n, uint64_t off) {
    size_t lo = 0, hi = n->nchunks; /* first i with ends[i] > off */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (n->ends[mid] > off) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}

/* The walk over a sequential file's chunks: up to max spans covering [off, off + len), which
 * lies within the size; *count of them; returns the bytes they cover. Copies (seq_copy) and
 * zero-copy reads (dmfs__store_spans) both go through it. */
static size_t seq_spans(const dmfs__node *n, uint64_t off, size_t len, dmfs_span *spans, size_t max,
                        size_t *count) {
    size_t i = find_chunk(n, off), k = 0, done = 0;
    while (done < len && k < max) {
        uint64_t start = i ? n->ends[i - 1] : 0;
        size_t in = (size_t)(off - start), m = n->chunks[i]->len - in;
        if (m > len - done) m = len - done;
        spans[k].data = n->chunks[i]->data + in;
        spans[k].len = m;
        k++;
        done += m;
        off += m;
        i++;
    }
    *count = k;
    return done;
}

static void seq_copy(const dmfs__node *n, uint64_t off, uint8_t *dst, size_t len) {
    dmfs_span sp[16];
    while (len) {
        size_t count, got = seq_spans(n, off, len, sp, 16, &count);
        for (size_t k = 0; k < count; k++) {
            memcpy(dst, sp[k].data, sp[k].len);
            dst += sp[k].len;
        }
        off += got;
        len -= got;
    }
}

int64_t dmfs__store_read(const dmfs__node *n, uint64_t off, void *buf, size_t len) {
    uint64_t size = atomic_load(&n->size);
    if (off >= size || len == 0) return 0;
    if (len > size - off) len = (size_t)(size - off);
    if (n->storage == DMFS_STORAGE_RANDOM_ACCESS) memcpy(buf, n->buf + off, len);
    else seq_copy(n, off, buf, len);
    return (int64_t)len;
}

size_t dmfs__store_spans(const dmfs__node *n, uint64_t off, size_t len, dmfs_span *spans, size_t max,
                         size_t *count) {
    uint64_t size = atomic_load(&n->size);
    *count = 0;
    if (off >= size || len == 0 || max == 0) return 0;
    if (len > size - off) len = (size_t)(size - off);
    if (n->storage == DMFS_STORAGE_RANDOM_ACCESS) {
        spans[0].data = n->buf + off;
        spans[0].len = len;
        *count = 1;
        return len;
    }
    return seq_spans(n, off, len, spans, max, count);
}

static int ra_reserve(dmfs__node *n, uint64_t need) {
    if (need <= n->cap) return 0;
    if (need > SIZE_MAX) return DMFS_ENOMEM;
    uint64_t cap = n->cap + n->cap / 4 + 64;
    if (cap < need) cap = need;
    if (cap > SIZE_MAX) cap = need;
    uint8_t *b = dmfs__realloc(n->buf, (size_t)cap);
    if (!b && cap > need) {
        cap = need;
        b = dmfs__realloc(n->buf, (size_t)cap);
    }
    if (!b) return DMFS_ENOMEM;
    n->buf = b;
    n->cap = (size_t)cap;
    return 0;
}

/* Stores a write's bytes at `at`: data, or zeros when data is NULL; with dst, nothing but
 * *dst = at, where the caller stores them (dmfs_write_reserve). */
static void place(uint8_t *at, const void *data, size_t len, uint8_t **dst) {
    if (dst) *dst = at;
    else if (data) memcpy(at, data, len);
    else memset(at, 0, len);
}

/* Random-access write or extension; `data` NULL writes zeros. */
static int64_t ra_write(dmfs_fs *fs, dmfs__node *n, uint64_t off, const void *data, size_t len, uint8_t **dst) {
    uint64_t size = atomic_load(&n->size), end = off + len;
    uint64_t ext = end > size ? end - size : 0;
    int r;
    if (ext && (r = precheck(fs, ext))) return r;
    if (ra_reserve(n, end)) return dmfs__fail(DMFS_ENOMEM);
    if (ext && (r = dmfs__ledger_adjust(fs, ext, 0))) return r;
    if (off > size) memset(n->buf + size, 0, (size_t)(off - size));
    place(n->buf + off, data, len, dst);
    if (end > size) atomic_store(&n->size, end);
    return (int64_t)len;
}

static int64_t seq_append(dmfs_fs *fs, dmfs__node *n, const void *data, size_t len, uint8_t **dst) {
    uint64_t charge = add_sat(len, fs->cfg.chunk_overhead);
    int r = precheck(fs, charge);
    if (r) return r;
    if (chunks_reserve(n, 1)) return dmfs__fail(DMFS_ENOMEM);
    dmfs__chunk *c = chunk_new(len);
    if (!c) return dmfs__fail(DMFS_ENOMEM);
    if ((r = dmfs__ledger_adjust(fs, charge, 0))) {
        dmfs__free(c);
        return r;
    }
    place(c->data, data, len, dst);
    push_chunk(fs, n, c);
    return (int64_t)len;
}

static void free_chunks(dmfs_fs *fs, dmfs__node *n) {
    for (size_t i = 0; i < n->nchunks; i++) dmfs__free(n->chunks[i]);
    atomic_fetch_sub(&fs->chunk_count, n->nchunks);
    n->nchunks = 0;
}

static int64_t promote_write(dmfs_fs *fs, dmfs__node *n, uint64_t off, const void *data, size_t len,
                             uint8_t **dst) {
    uint64_t size = atomic_load(&n->size);
    if (size > fs->cfg.promotion_hard_limit) return dmfs__fail(DMFS_ENOTSUP);
    uint64_t released = (uint64_t)n->nchunks * fs->cfg.chunk_overhead;
    uint64_t end = off + len, ext = end > size ? end - size : 0;
    /* precheck with the §6.4 numbers, before touching memory */
    uint64_t f = dmfs__quota_free(fs);
    if (size > f) return dmfs__fail_bytes(size, f);
    if (ext > f - size + released) return dmfs__fail_bytes(ext, f - size + released);
    uint64_t cap = end > size ? end : size;
    if (cap > SIZE_MAX) return dmfs__fail(DMFS_ENOMEM);
    uint8_t *b = dmfs__malloc(cap ? (size_t)cap : 1);
    if (!b) return dmfs__fail(DMFS_ENOMEM);
    int r = dmfs__ledger_promote(fs, size, released, ext);
    if (r) {
        dmfs__free(b);
        return r;
    }
    if (size) seq_copy(n, 0, b, (size_t)size);
    if (off > size) memset(b + size, 0, (size_t)(off - size));
    place(b + off, data, len, dst);
    free_chunks(fs, n);
    dmfs__free(n->chunks);
    dmfs__free(n->ends);
    n->chunks = NULL;
    n->ends = NULL;
    n->chunks_cap = 0;
    n->buf = b;
    n->cap = (size_t)cap;
    n->storage = DMFS_STORAGE_RANDOM_ACCESS;
    atomic_store(&n->size, cap);
    return (int64_t)len;
}

int64_t dmfs__store_write(dmfs_fs *fs, dmfs__node *n, uint64_t off, const void *buf, size_t len, uint8_t **dst) {
    if (n->storage == DMFS_STORAGE_RANDOM_ACCESS) return ra_write(fs, n, off, buf, len, dst);
    if (off == atomic_load(&n->size)) return seq_append(fs, n, buf, len, dst);
    if (fs->cfg.default_storage == DMFS_STORAGE_SEQUENTIAL) return dmfs__fail(DMFS_ENOTSUP);
    return promote_write(fs, n, off, buf, len, dst);
}

int dmfs__store_truncate(dmfs_fs *fs, dmfs__node *n, uint64_t nsize) {
    uint64_t size = atomic_load(&n->size);
    if (nsize == size) return 0;
    if (nsize > size) {
        if (nsize - size > SIZE_MAX) { /* cannot be stored on this target: quota first, then memory */
            uint64_t charge = n->storage == DMFS_STORAGE_RANDOM_ACCESS ? nsize - size
                                                                      : add_sat(nsize - size, fs->cfg.chunk_overhead);
            int r = precheck(fs, charge);
            return r ? r : dmfs__fail(DMFS_ENOMEM);
        }
        int64_t r = n->storage == DMFS_STORAGE_RANDOM_ACCESS ? ra_write(fs, n, size, NULL, (size_t)(nsize - size), NULL)
                                                            : seq_append(fs, n, NULL, (size_t)(nsize - size), NULL);
        return r < 0 ? (int)r : 0;
    }
    if (n->storage == DMFS_STORAGE_RANDOM_ACCESS) {
        dmfs__ledger_release(fs, size - nsize);
        atomic_store(&n->size, nsize);
        if (size > 0 && nsize <= size / 4) { /* shrink rule §6.3: memory only */
            if (nsize == 0) {
                dmfs__free(n->buf);
                n->buf = NULL;
                n->cap = 0;
            } else {
                uint8_t *b = dmfs__realloc(n->buf, (size_t)nsize);
                if (b) {
                    n->buf = b;
                    n->cap = (size_t)nsize;
                }
            }
        }
        return 0;
    }
    /* Sequential shrink: keep the first nsize bytes as one chunk (none if 0). */
    uint64_t ov = fs->cfg.chunk_overhead;
    uint64_t before = size + n->nchunks * ov, after = nsize ? nsize + ov : 0;
    if (nsize == 0) {
        free_chunks(fs, n);
    } else if (n->ends[0] >= nsize) {
        n->chunks[0]->len = (size_t)nsize; /* the first chunk already holds them */
        for (size_t i = 1; i < n->nchunks; i++) dmfs__free(n->chunks[i]);
        atomic_fetch_sub(&fs->chunk_count, n->nchunks - 1);
        n->nchunks = 1;
        n->ends[0] = nsize;
    } else {
        dmfs__chunk *c = chunk_new((size_t)nsize);
        if (!c) return dmfs__fail(DMFS_ENOMEM);
        seq_copy(n, 0, c->data, (size_t)nsize);
        free_chunks(fs, n);
        n->chunks[0] = c;
        n->ends[0] = nsize;
        n->nchunks = 1;
        atomic_fetch_add(&fs->chunk_count, 1);
    }
    atomic_store(&n->size, nsize);
    dmfs__ledger_release(fs, before - after);
    return 0;
}

void dmfs__store_clear(dmfs_fs *fs, dmfs__node *n) {
    free_chunks(fs, n);
    dmfs__free(n->chunks);
    dmfs__free(n->ends);
    dmfs__free(n->buf);
    n->chunks = NULL;
    n->ends = NULL;
    n->chunks_cap = 0;
    n->buf = NULL;
    n->cap = 0;
    atomic_store(&n->size, 0);
}

int dmfs__store_fill(dmfs_fs *fs, dmfs__node *tmp, const void *data, size_t len) {
    if (len == 0) return 0;
    if (tmp->storage == DMFS_STORAGE_RANDOM_ACCESS) {
        if (ra_reserve(tmp, len)) return DMFS_ENOMEM;
        memcpy(tmp->buf, data, len);
        atomic_store(&tmp->size, len);
        return 0;
    }
    if (chunks_reserve(tmp, 1)) return DMFS_ENOMEM;
    dmfs__chunk *c = chunk_new(len);
    if (!c) return DMFS_ENOMEM;
    memcpy(c->data, data, len);
    push_chunk(fs, tmp, c);
    return 0;
}

void dmfs__store_swap(dmfs_fs *fs, dmfs__node *dst, dmfs__node *src) {
    dmfs__store_clear(fs, dst);
    dst->storage = src->storage;
    dst->chunks = src->chunks;
    dst->ends = src->ends;
    dst->nchunks = src->nchunks;
    dst->chunks_cap = src->chunks_cap;
    dst->buf = src->buf;
    dst->cap = src->cap;
    atomic_store(&dst->size, atomic_load(&src->size));
    src->chunks = NULL;
    src->ends = NULL;
    src->nchunks = src->chunks_cap = 0;
    src->buf = NULL;
    src->cap = 0;
    atomic_store(&src->size, 0);
}

int dmfs__store_copy_out(const dmfs__node *n, uint8_t **data, size_t *len) {
    uint64_t size = atomic_load(&n->size);
    *data = NULL;
    *len = 0;
    if (size == 0) return 0;
    if (size > SIZE_MAX) return DMFS_ENOMEM;
    uint8_t *b = dmfs__malloc((size_t)size);
    if (!b) return DMFS_ENOMEM;
    dmfs__store_read(n, 0, b, (size_t)size);
    *data = b;
    *len = (size_t)size;
    return 0;
}

/* dst (empty, detached) receives src's content as one chunk or buffer of dst's kind. */
int dmfs__store_clone(dmfs_fs *fs, dmfs__node *dst, const dmfs__node *src) {
    uint64_t size = atomic_load(&src->size);
    if (size == 0) return 0;
    if (size > SIZE_MAX) return DMFS_ENOMEM;
    if (dst->storage == DMFS_STORAGE_RANDOM_ACCESS) {
        if (ra_reserve(dst, size)) return DMFS_ENOMEM;
        dmfs__store_read(src, 0, dst->buf, (size_t)size);
        atomic_store(&dst->size, size);
        return 0;
    }
    if (chunks_reserve(dst, 1)) return DMFS_ENOMEM;
    dmfs__chunk *c = chunk_new((size_t)size);
    if (!c) return DMFS_ENOMEM;
    dmfs__store_read(src, 0, c->data, (size_t)size);
    push_chunk(fs, dst, c);
    return 0;
}
