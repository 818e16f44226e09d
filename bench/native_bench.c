/*
 * native_bench.c — the bench/ workloads in C, through the dmemfs C API and through POSIX
 * calls on a tmpfs directory, plus the memcpy limit. Prints one JSON object per line.
 *
 *   native_bench [--quick] [--warmup N] [--repeat N] [--large-read-size N]
 *                [--offsets bench/offsets-42.json] [--posix-root /dev/shm] [--cases a,b]
 *
 * Built by bench/run.mjs: with -DHAVE_DMEMFS and libdmemfs.a when the library exists, else
 * POSIX and memcpy only. Every read is verified; a mismatch or failed call ends that case
 * with "status":"error" and the message, and the program goes on with the next case.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_DMEMFS
#include "dmemfs.h"
#pragma weak dmfs_debug_heap_bytes
#endif

#define KIB 1024ull
#define MIB (1024ull * 1024ull)

/* ── parameters (same as bench/lib/common.mjs) ─────────────────────────────────── */
static struct {
    int quick;
    size_t small_files, small_size;
    size_t stream_chunk, stream_writes, random_writes;
    size_t large_chunk, large_writes, large_read_size;
    size_t many_files, many_size, many_reads;
    size_t deep_levels, deep_size, deep_reads;
    size_t meta_entries;
    size_t pool_workers, pool_files, pool_size;
    uint32_t seed;
} P;

static uint64_t *g_offsets;
static size_t g_noffsets;

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

typedef struct { double total, t0; } stopwatch;
static void sw_start(stopwatch *s) { s->t0 = now_ms(); }
static void sw_stop(stopwatch *s) { s->total += now_ms() - s->t0; }

/* mulberry32, bit-identical to the JS one */
static uint32_t mb_state;
static uint32_t mb_next(void) {
    uint32_t t = (mb_state += 0x6d2b79f5u);
    t = (t ^ (t >> 15)) * (t | 1u);
    t ^= t + (t ^ (t >> 7)) * (t | 61u);
    return t ^ (t >> 14);
}
static size_t rand_index(size_t n) { return (size_t)(((uint64_t)mb_next() * n) >> 32); }

/* ── failure: longjmp-free; each case returns a message or NULL ───────────────────── */
static char g_err[512];
static int failf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g_err, sizeof g_err, fmt, ap);
    va_end(ap);
    return -1;
}
#define CHECK(cond, ...) do { if (!(cond)) return failf(__VA_ARGS__); } while (0)

/* ── backend interface ─────────────────────────────────────────────────────────────── */
typedef struct backend {
    const char *name;
    void *(*setup)(uint64_t quota);
    void (*teardown)(void *ctx);
    int (*mkdir)(void *ctx, const char *path); /* one level; parent exists */
    void *(*open)(void *ctx, const char *path, const char *mode);
    int64_t (*write)(void *h, const void *buf, size_t n);
    int64_t (*read)(void *h, void *buf, size_t n);
    int (*seek)(void *h, uint64_t off);
    int64_t (*fsize)(void *h);
    int (*close)(void *h);
    int (*stat_isdir)(void *ctx, const char *path); /* 1 dir, 0 file, <0 error */
    int64_t (*listdir)(void *ctx, const char *path, char first); /* count; all names start with first */
    int (*rename)(void *ctx, const char *a, const char *b);
    int (*remove)(void *ctx, const char *path);
    int (*rmdir)(void *ctx, const char *path);
    uint8_t *(*readfile)(void *ctx, const char *path, size_t *len);
    int (*writefile)(void *ctx, const char *path, const void *data, size_t len);
    const char *(*lasterr)(int rc);
} backend;

/* ---- POSIX on a tmpfs directory ---- */
typedef struct { char root[256]; } px_ctx;
typedef struct { int fd; } px_file;
static __thread char px_buf[2][4352];
static const char *px_path(void *ctx, const char *p, int k) {
    snprintf(px_buf[k], sizeof px_buf[k], "%s%s", ((px_ctx *)ctx)->root, p);
    return px_buf[k];
}
static char g_posix_base[200] = "/dev/shm";
static void *px_setup(uint64_t quota) {
    (void)quota;
    px_ctx *c = malloc(sizeof *c);
    snprintf(c->root, sizeof c->root, "%s/dmfs-native-XXXXXX", g_posix_base);
    if (!mkdtemp(c->root)) { free(c); return NULL; }
    return c;
}
static void px_teardown(void *ctx) {
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", ((px_ctx *)ctx)->root);
    if (system(cmd) != 0) fprintf(stderr, "native_bench: could not remove %s\n", ((px_ctx *)ctx)->root);
    free(ctx);
}
static int px_mkdir(void *ctx, const char *p) { return mkdir(px_path(ctx, p, 0), 0777) ? -errno : 0; }
static void *px_open(void *ctx, const char *p, const char *mode) {
    int fl = !strcmp(mode, "rb") ? O_RDONLY : !strcmp(mode, "wb") ? O_WRONLY | O_CREAT | O_TRUNC : O_RDWR;
    int fd = open(px_path(ctx, p, 0), fl, 0666);
    if (fd < 0) return NULL;
    px_file *f = malloc(sizeof *f);
    f->fd = fd;
    return f;
}
static int64_t px_write(void *h, const void *buf, size_t n) {
    size_t done = 0;
    while (done < n) {
        ssize_t r = write(((px_file *)h)->fd, (const char *)buf + done, n - done);
        if (r < 0) return -errno;
        done += (size_t)r;
    }
    return (int64_t)n;
}
static int64_t px_read(void *h, void *buf, size_t n) {
    size_t done = 0;
    while (done < n) {
        ssize_t r = read(((px_file *)h)->fd, (char *)buf + done, n - done);
        if (r < 0) return -errno;
        if (r == 0) break;
        done += (size_t)r;
    }
    return (int64_t)done;
}
static int px_seek(void *h, uint64_t off) { return lseek(((px_file *)h)->fd, (off_t)off, SEEK_SET) < 0 ? -errno : 0; }
static int64_t px_fsize(void *h) {
    struct stat st;
    return fstat(((px_file *)h)->fd, &st) ? -errno : (int64_t)st.st_size;
}
static int px_close(void *h) { int r = close(((px_file *)h)->fd); free(h); return r ? -errno : 0; }
static int px_stat_isdir(void *ctx, const char *p) {
    struct stat st;
    return stat(px_path(ctx, p, 0), &st) ? -errno : S_ISDIR(st.st_mode) ? 1 : 0;
}
static int64_t px_listdir(void *ctx, const char *p, char first) {
    DIR *d = opendir(px_path(ctx, p, 0));
    if (!d) return -errno;
    int64_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (e->d_name[0] != first) { closedir(d); return -EINVAL; }
        n++;
    }
    closedir(d);
    return n;
}
static int px_rename(void *ctx, const char *a, const char *b) {
    return rename(px_path(ctx, a, 0), px_path(ctx, b, 1)) ? -errno : 0;
}
static int px_remove(void *ctx, const char *p) { return unlink(px_path(ctx, p, 0)) ? -errno : 0; }
static int px_rmdir(void *ctx, const char *p) { return rmdir(px_path(ctx, p, 0)) ? -errno : 0; }
static uint8_t *px_readfile(void *ctx, const char *p, size_t *len) {
    int fd = open(px_path(ctx, p, 0), O_RDONLY);
    if (fd < 0) return NULL;
    struct stat st;
    if (fstat(fd, &st)) { close(fd); return NULL; }
    uint8_t *b = malloc(st.st_size ? (size_t)st.st_size : 1);
    px_file f = {fd};
    int64_t r = px_read(&f, b, (size_t)st.st_size);
    close(fd);
    if (r != st.st_size) { free(b); return NULL; }
    *len = (size_t)r;
    return b;
}
static int px_writefile(void *ctx, const char *p, const void *data, size_t len) {
    int fd = open(px_path(ctx, p, 0), O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd < 0) return -errno;
    px_file f = {fd};
    int64_t r = px_write(&f, data, len);
    close(fd);
    return r < 0 ? (int)r : 0;
}
static const char *px_lasterr(int rc) { return strerror(-rc); }

static const backend POSIX = {"posix-shm-c", px_setup, px_teardown, px_mkdir, px_open, px_write,
                              px_read, px_seek, px_fsize, px_close, px_stat_isdir, px_listdir,
                              px_rename, px_remove, px_rmdir, px_readfile, px_writefile, px_lasterr};

#ifdef HAVE_DMEMFS
/* ---- dmemfs C API ---- */
static void *dm_setup(uint64_t quota) {
    dmfs_config cfg;
    dmfs_config_init(&cfg);
    cfg.max_quota = quota;
    dmfs_fs *fs = NULL;
    return dmfs_create(&cfg, &fs) ? NULL : fs;
}
static void dm_teardown(void *ctx) { dmfs_destroy(ctx); }
static int dm_mkdir(void *ctx, const char *p) { return dmfs_mkdir(ctx, p, 0); }
static void *dm_open(void *ctx, const char *p, const char *mode) {
    dmfs_file *f = NULL;
    return dmfs_open(ctx, p, mode, 0, DMFS_TIMEOUT_DEFAULT, &f) ? NULL : f;
}
static int64_t dm_write(void *h, const void *buf, size_t n) { return dmfs_write(h, buf, n); }
static int64_t dm_read(void *h, void *buf, size_t n) { return dmfs_read(h, buf, n); }
static int dm_seek(void *h, uint64_t off) { int64_t r = dmfs_seek(h, (int64_t)off, DMFS_SEEK_SET); return r < 0 ? (int)r : 0; }
static int64_t dm_fsize(void *h) { return dmfs_file_size(h); }
static int dm_close(void *h) { return dmfs_close(h); }
static int dm_stat_isdir(void *ctx, const char *p) {
    dmfs_statbuf st;
    int r = dmfs_stat(ctx, p, &st);
    return r ? r : st.is_dir ? 1 : 0;
}
static int64_t dm_listdir(void *ctx, const char *p, char first) {
    dmfs_strlist *l = NULL;
    int r = dmfs_listdir(ctx, p, &l);
    if (r) return r;
    int64_t n = (int64_t)l->count;
    for (size_t i = 0; i < l->count; i++)
        if (l->items[i][0] != first) n = DMFS_EINVAL;
    dmfs_strlist_free(l);
    return n;
}
static int dm_rename(void *ctx, const char *a, const char *b) { return dmfs_rename(ctx, a, b); }
static int dm_remove(void *ctx, const char *p) { return dmfs_remove(ctx, p); }
/* dmfs_remove on a directory is EISDIR (SPEC §7.5); rmtree removes an empty one */
static int dm_rmdir(void *ctx, const char *p) { return dmfs_rmtree(ctx, p); }
static uint8_t *dm_readfile(void *ctx, const char *p, size_t *len) {
    uint8_t *d = NULL;
    if (dmfs_read_file(ctx, p, -1, DMFS_TIMEOUT_DEFAULT, &d, len)) return NULL;
    return d;
}
static int dm_writefile(void *ctx, const char *p, const void *data, size_t len) {
    return dmfs_write_file(ctx, p, data, len, DMFS_TIMEOUT_DEFAULT);
}
static const char *dm_lasterr(int rc) { return dmfs_errname(rc); }
static const backend DMEMFS = {"dmemfs-native", dm_setup, dm_teardown, dm_mkdir, dm_open, dm_write,
                               dm_read, dm_seek, dm_fsize, dm_close, dm_stat_isdir, dm_listdir,
                               dm_rename, dm_remove, dm_rmdir, dm_readfile, dm_writefile, dm_lasterr};
#endif

/* Buffers from readfile: dmemfs's must go back through dmfs_free. */
static void free_buf(const backend *b, void *p) {
#ifdef HAVE_DMEMFS
    if (b == &DMEMFS) { dmfs_free(p); return; }
#endif
    (void)b;
    free(p);
}

/* ── workloads ───────────────────────────────────────────────────────────────────── */
static uint8_t *filled(size_t n, int byte) { uint8_t *b = malloc(n); memset(b, byte, n); return b; }

static int write_stream(const backend *b, void *ctx, const char *path, const uint8_t *chunk, size_t len, size_t count) {
    void *h = b->open(ctx, path, "wb");
    CHECK(h, "open %s wb failed", path);
    for (size_t i = 0; i < count; i++) {
        int64_t r = b->write(h, chunk, len);
        CHECK(r == (int64_t)len, "write %zu to %s: %lld (%s)", i, path, (long long)r, b->lasterr((int)r));
    }
    CHECK(b->close(h) == 0, "close %s", path);
    return 0;
}

/* read(-1) as the JS adapters do it: size, one fresh buffer, read */
static uint8_t *read_all(const backend *b, void *h, size_t *len) {
    int64_t sz = b->fsize(h);
    if (sz < 0) return NULL;
    uint8_t *buf = malloc(sz ? (size_t)sz : 1);
    int64_t r = b->read(h, buf, (size_t)sz);
    if (r != sz) { free(buf); return NULL; }
    *len = (size_t)sz;
    return buf;
}

static int small_files_rw(const backend *b, void *ctx, stopwatch *sw) {
    uint8_t *data = filled(P.small_size, 'x');
    uint8_t **got = calloc(P.small_files, sizeof *got);
    size_t *lens = calloc(P.small_files, sizeof *lens);
    char path[64];
    int rc = 0;
    sw_start(sw);
    if (b->mkdir(ctx, "/bench")) rc = failf("mkdir /bench");
    for (size_t i = 0; !rc && i < P.small_files; i++) {
        snprintf(path, sizeof path, "/bench/f%05zu.bin", i);
        void *h = b->open(ctx, path, "wb");
        if (!h || b->write(h, data, P.small_size) != (int64_t)P.small_size || b->close(h)) rc = failf("write %s", path);
    }
    for (size_t i = 0; !rc && i < P.small_files; i++) {
        snprintf(path, sizeof path, "/bench/f%05zu.bin", i);
        void *h = b->open(ctx, path, "rb");
        if (!h || !(got[i] = read_all(b, h, &lens[i])) || b->close(h)) rc = failf("read %s", path);
    }
    sw_stop(sw);
    for (size_t i = 0; !rc && i < P.small_files; i++)
        if (lens[i] != P.small_size || memcmp(got[i], data, P.small_size)) rc = failf("verification failed: small file %zu", i);
    for (size_t i = 0; i < P.small_files; i++) free(got[i]);
    free(got); free(lens); free(data);
    return rc;
}

static uint8_t *stream_chunk(void) {
    uint8_t *c = malloc(P.stream_chunk);
    for (size_t i = 0; i < P.stream_chunk; i++) c[i] = (uint8_t)((i * 31 + 1) & 0xff);
    return c;
}

static int stream_write_read(const backend *b, void *ctx, stopwatch *sw) {
    uint8_t *chunk = stream_chunk(), *all = NULL;
    size_t len = 0;
    int rc;
    sw_start(sw);
    rc = write_stream(b, ctx, "/stream.bin", chunk, P.stream_chunk, P.stream_writes);
    if (!rc) {
        void *h = b->open(ctx, "/stream.bin", "rb");
        if (!h || !(all = read_all(b, h, &len)) || b->close(h)) rc = failf("read back /stream.bin");
    }
    sw_stop(sw);
    if (!rc && len != P.stream_writes * P.stream_chunk) rc = failf("verification failed: stream size %zu", len);
    for (size_t i = 0; !rc && i < P.stream_writes; i++)
        if (memcmp(all + i * P.stream_chunk, chunk, P.stream_chunk)) rc = failf("verification failed: stream chunk %zu", i);
    free(all); free(chunk);
    return rc;
}

static int random_access_rw(const backend *b, void *ctx, stopwatch *sw) {
    uint8_t *chunk = stream_chunk(), *patch = filled(P.stream_chunk, 0xa5), *all = NULL;
    size_t len = 0, size = P.stream_writes * P.stream_chunk;
    int rc;
    CHECK(g_noffsets >= P.random_writes, "offsets file has %zu offsets", g_noffsets);
    sw_start(sw);
    rc = write_stream(b, ctx, "/random.bin", chunk, P.stream_chunk, P.stream_writes);
    if (!rc) {
        void *h = b->open(ctx, "/random.bin", "r+b");
        if (!h) rc = failf("open r+b");
        for (size_t i = 0; !rc && i < P.random_writes; i++)
            if (b->seek(h, g_offsets[i]) || b->write(h, patch, P.stream_chunk) != (int64_t)P.stream_chunk) rc = failf("random write %zu", i);
        if (h && b->close(h)) rc = failf("close r+b");
    }
    if (!rc) {
        void *h = b->open(ctx, "/random.bin", "rb");
        if (!h || !(all = read_all(b, h, &len)) || b->close(h)) rc = failf("read back /random.bin");
    }
    sw_stop(sw);
    if (!rc) {
        uint8_t *expect = malloc(size);
        for (size_t i = 0; i < P.stream_writes; i++) memcpy(expect + i * P.stream_chunk, chunk, P.stream_chunk);
        for (size_t i = 0; i < P.random_writes; i++) memcpy(expect + g_offsets[i], patch, P.stream_chunk);
        if (len != size || memcmp(all, expect, size)) rc = failf("verification failed: random_access content");
        free(expect);
    }
    free(all); free(chunk); free(patch);
    return rc;
}

static int large_stream_write_read(const backend *b, void *ctx, stopwatch *sw) {
    uint8_t *chunk = malloc(P.large_chunk), *buf = malloc(P.large_read_size);
    for (size_t i = 0; i < P.large_chunk; i++) chunk[i] = (uint8_t)((i * 7 + 3) & 0xff);
    int rc;
    uint64_t pos = 0, total = (uint64_t)P.large_writes * P.large_chunk;
    sw_start(sw);
    rc = write_stream(b, ctx, "/large.bin", chunk, P.large_chunk, P.large_writes);
    void *h = rc ? NULL : b->open(ctx, "/large.bin", "rb");
    sw_stop(sw);
    if (!rc && !h) rc = failf("open /large.bin rb");
    while (!rc) {
        /* buf is reused as a JS caller would reuse nothing: C callers do reuse it */
        sw_start(sw);
        int64_t n = b->read(h, buf, P.large_read_size);
        sw_stop(sw);
        if (n < 0) { rc = failf("large read at %llu: %lld", (unsigned long long)pos, (long long)n); break; }
        if (n == 0) break;
        for (int64_t off = 0; off < n;) {
            size_t in = (size_t)((pos + (uint64_t)off) % P.large_chunk);
            size_t k = (size_t)n - (size_t)off < P.large_chunk - in ? (size_t)n - (size_t)off : P.large_chunk - in;
            if (memcmp(buf + off, chunk + in, k)) { rc = failf("verification failed: large content at %llu", (unsigned long long)(pos + off)); break; }
            off += (int64_t)k;
        }
        pos += (uint64_t)n;
    }
    if (h) { sw_start(sw); b->close(h); sw_stop(sw); }
    if (!rc && pos != total) rc = failf("verification failed: large size %llu", (unsigned long long)pos);
    free(chunk); free(buf);
    return rc;
}

static int many_files_random_read(const backend *b, void *ctx, stopwatch *sw) {
    uint8_t *bufs[256];
    for (int v = 0; v < 256; v++) bufs[v] = filled(P.many_size, v);
    size_t *picks = malloc(P.many_reads * sizeof *picks), *lens = calloc(P.many_reads, sizeof *lens);
    uint8_t **got = calloc(P.many_reads, sizeof *got);
    mb_state = P.seed;
    for (size_t k = 0; k < P.many_reads; k++) picks[k] = rand_index(P.many_files);
    char path[64];
    int rc = 0;
    sw_start(sw);
    for (size_t i = 0; !rc && i < P.many_files; i++) {
        snprintf(path, sizeof path, "/m%05zu.bin", i);
        if (b->writefile(ctx, path, bufs[i & 255], P.many_size)) rc = failf("writefile %s", path);
    }
    for (size_t k = 0; !rc && k < P.many_reads; k++) {
        snprintf(path, sizeof path, "/m%05zu.bin", picks[k]);
        if (!(got[k] = b->readfile(ctx, path, &lens[k]))) rc = failf("readfile %s", path);
    }
    sw_stop(sw);
    for (size_t k = 0; !rc && k < P.many_reads; k++)
        if (lens[k] != P.many_size || memcmp(got[k], bufs[picks[k] & 255], P.many_size))
            rc = failf("verification failed: many_files read %zu (file %zu)", k, picks[k]);
    for (size_t k = 0; k < P.many_reads; k++) if (got[k]) free_buf(b, got[k]);
    for (int v = 0; v < 256; v++) free(bufs[v]);
    free(picks); free(lens); free(got);
    return rc;
}

static int deep_tree_read(const backend *b, void *ctx, stopwatch *sw) {
    char dir[512] = "", path[600];
    for (size_t i = 0; i < P.deep_levels; i++) {
        size_t l = strlen(dir);
        snprintf(dir + l, sizeof dir - l, "/d%02zu", i);
        CHECK(b->mkdir(ctx, dir) == 0, "mkdir %s", dir);
    }
    snprintf(path, sizeof path, "%s/leaf.bin", dir);
    uint8_t *data = malloc(P.deep_size);
    for (size_t i = 0; i < P.deep_size; i++) data[i] = (uint8_t)i;
    CHECK(b->writefile(ctx, path, data, P.deep_size) == 0, "writefile %s", path);
    uint8_t **got = calloc(P.deep_reads, sizeof *got);
    size_t *lens = calloc(P.deep_reads, sizeof *lens);
    int rc = 0;
    sw_start(sw);
    for (size_t i = 0; !rc && i < P.deep_reads; i++)
        if (!(got[i] = b->readfile(ctx, path, &lens[i]))) rc = failf("readfile %s", path);
    sw_stop(sw);
    for (size_t i = 0; !rc && i < P.deep_reads; i++)
        if (lens[i] != P.deep_size || memcmp(got[i], data, P.deep_size)) rc = failf("verification failed: deep read %zu", i);
    for (size_t i = 0; i < P.deep_reads; i++) if (got[i]) free_buf(b, got[i]);
    free(got); free(lens); free(data);
    return rc;
}

static int metadata_ops(const backend *b, void *ctx, stopwatch *sw) {
    size_t n = P.meta_entries;
    char path[64], path2[64];
    int rc = 0, *isdir = calloc(n, sizeof *isdir);
    int64_t listed = -1, renamed = -1, left = -1;
    sw_start(sw);
    if (b->mkdir(ctx, "/meta")) rc = failf("mkdir /meta");
    for (size_t i = 0; !rc && i < n; i++) {
        snprintf(path, sizeof path, "/meta/d%05zu", i);
        if (b->mkdir(ctx, path)) rc = failf("mkdir %s", path);
    }
    for (size_t i = 0; !rc && i < n; i++) {
        snprintf(path, sizeof path, "/meta/d%05zu", i);
        if ((isdir[i] = b->stat_isdir(ctx, path)) < 0) rc = failf("stat %s", path);
    }
    if (!rc) listed = b->listdir(ctx, "/meta", 'd');
    for (size_t i = 0; !rc && i < n; i++) {
        snprintf(path, sizeof path, "/meta/d%05zu", i);
        snprintf(path2, sizeof path2, "/meta/r%05zu", i);
        if (b->rename(ctx, path, path2)) rc = failf("rename %s", path);
    }
    if (!rc) renamed = b->listdir(ctx, "/meta", 'r');
    for (size_t i = 0; !rc && i < n; i++) {
        snprintf(path, sizeof path, "/meta/r%05zu", i);
        if (b->rmdir(ctx, path)) rc = failf("remove %s", path);
    }
    if (!rc) left = b->listdir(ctx, "/meta", 'x');
    sw_stop(sw);
    for (size_t i = 0; !rc && i < n; i++) if (isdir[i] != 1) rc = failf("verification failed: stat %zu not a directory", i);
    if (!rc && listed != (int64_t)n) rc = failf("verification failed: listdir after mkdir: %lld", (long long)listed);
    if (!rc && renamed != (int64_t)n) rc = failf("verification failed: listdir after rename: %lld", (long long)renamed);
    if (!rc && left != 0) rc = failf("verification failed: listdir after remove: %lld", (long long)left);
    free(isdir);
    return rc;
}

/* worker_pool: 4 threads on one filesystem (dmemfs: one dmfs_fs; POSIX: one directory) */
typedef struct {
    const backend *b;
    void *ctx;
    size_t id;
    pthread_barrier_t *start, *mid;
    uint8_t **bufs;
    double done_ms;
    char err[256];
} pool_arg;

static void *pool_thread(void *v) {
    pool_arg *a = v;
    char path[64];
    uint8_t **got = calloc(P.pool_workers * P.pool_files, sizeof *got);
    size_t *lens = calloc(P.pool_workers * P.pool_files, sizeof *lens);
    int ok = 1;
    pthread_barrier_wait(a->start);
    snprintf(path, sizeof path, "/w%zu", a->id);
    if (a->b->mkdir(a->ctx, path)) { snprintf(a->err, sizeof a->err, "mkdir %s", path); ok = 0; }
    for (size_t i = 0; ok && i < P.pool_files; i++) {
        snprintf(path, sizeof path, "/w%zu/f%05zu.bin", a->id, i);
        void *h = a->b->open(a->ctx, path, "wb");
        if (!h || a->b->write(h, a->bufs[(a->id * 31 + i) & 255], P.pool_size) != (int64_t)P.pool_size || a->b->close(h)) {
            snprintf(a->err, sizeof a->err, "write %s", path);
            ok = 0;
        }
    }
    pthread_barrier_wait(a->mid); /* always reached, so no thread is left waiting */
    for (size_t w = 0, k = 0; ok && w < P.pool_workers; w++)
        for (size_t i = 0; ok && i < P.pool_files; i++, k++) {
            snprintf(path, sizeof path, "/w%zu/f%05zu.bin", w, i);
            if (!(got[k] = a->b->readfile(a->ctx, path, &lens[k]))) { snprintf(a->err, sizeof a->err, "readfile %s", path); ok = 0; }
        }
    a->done_ms = now_ms();
    for (size_t w = 0, k = 0; ok && w < P.pool_workers; w++)
        for (size_t i = 0; ok && i < P.pool_files; i++, k++)
            if (lens[k] != P.pool_size || memcmp(got[k], a->bufs[(w * 31 + i) & 255], P.pool_size)) {
                snprintf(a->err, sizeof a->err, "verification failed: worker %zu read wrong data in /w%zu/f%05zu.bin", a->id, w, i);
                ok = 0;
            }
    for (size_t k = 0; k < P.pool_workers * P.pool_files; k++) if (got[k]) free_buf(a->b, got[k]);
    free(got); free(lens);
    return NULL;
}

static int worker_pool(const backend *b, void *ctx, stopwatch *sw) {
    uint8_t *bufs[256];
    for (int v = 0; v < 256; v++) bufs[v] = filled(P.pool_size, v);
    pthread_barrier_t start, mid;
    pthread_barrier_init(&start, NULL, (unsigned)P.pool_workers + 1);
    pthread_barrier_init(&mid, NULL, (unsigned)P.pool_workers);
    pool_arg args[16];
    pthread_t th[16];
    for (size_t i = 0; i < P.pool_workers; i++) {
        args[i] = (pool_arg){b, ctx, i, &start, &mid, bufs, 0, ""};
        pthread_create(&th[i], NULL, pool_thread, &args[i]);
    }
    double t0 = now_ms();
    pthread_barrier_wait(&start);
    double end = t0;
    int rc = 0;
    for (size_t i = 0; i < P.pool_workers; i++) {
        pthread_join(th[i], NULL);
        if (args[i].done_ms > end) end = args[i].done_ms;
        if (args[i].err[0] && !rc) rc = failf("%s", args[i].err);
    }
    sw->total += end - t0;
    pthread_barrier_destroy(&start);
    pthread_barrier_destroy(&mid);
    for (int v = 0; v < 256; v++) free(bufs[v]);
    return rc;
}

typedef int (*case_fn)(const backend *, void *, stopwatch *);
static const struct { const char *name; case_fn fn; } CASES[] = {
    {"small_files_rw", small_files_rw},
    {"stream_write_read", stream_write_read},
    {"random_access_rw", random_access_rw},
    {"large_stream_write_read", large_stream_write_read},
    {"many_files_random_read", many_files_random_read},
    {"deep_tree_read", deep_tree_read},
    {"metadata_ops", metadata_ops},
    {"worker_pool", worker_pool},
};

static long rss_kib(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, res = 0;
    if (f) { if (fscanf(f, "%ld %ld", &pages, &res) != 2) res = 0; fclose(f); }
    return res * (sysconf(_SC_PAGESIZE) / 1024);
}

static void json_str(const char *s) {
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') printf("\\%c", *s);
        else if ((unsigned char)*s < 0x20) printf("\\u%04x", *s);
        else putchar(*s);
    }
    putchar('"');
}

static void run_case(const backend *b, size_t ci, int warmup, int repeat) {
    uint64_t quota = !strcmp(CASES[ci].name, "large_stream_write_read") ? P.large_writes * P.large_chunk + 64 * MIB : 256 * MIB;
    double samples[64];
    long rss_delta = 0;
    long long heap_delta = -1;
    int n = 0;
    for (int it = 0; it < warmup + repeat; it++) {
        long rss0 = rss_kib();
#ifdef HAVE_DMEMFS
        uint64_t heap0 = (b == &DMEMFS && dmfs_debug_heap_bytes) ? dmfs_debug_heap_bytes() : 0;
#endif
        void *ctx = b->setup(quota);
        if (!ctx) {
            printf("{\"backend\":\"%s\",\"case\":\"%s\",\"status\":\"error\",\"reason\":\"setup failed\"}\n", b->name, CASES[ci].name);
            return;
        }
        stopwatch sw = {0, 0};
        g_err[0] = 0;
        int rc = CASES[ci].fn(b, ctx, &sw);
        if (it == 0) {
            rss_delta = rss_kib() - rss0;
#ifdef HAVE_DMEMFS
            if (b == &DMEMFS && dmfs_debug_heap_bytes) heap_delta = (long long)(dmfs_debug_heap_bytes() - heap0);
#endif
        }
        b->teardown(ctx);
        if (rc) {
            printf("{\"backend\":\"%s\",\"case\":\"%s\",\"status\":\"error\",\"reason\":", b->name, CASES[ci].name);
            json_str(g_err);
            printf("}\n");
            fflush(stdout);
            return;
        }
        if (it >= warmup) samples[n++] = sw.total;
    }
    printf("{\"backend\":\"%s\",\"case\":\"%s\",\"status\":\"ok\",\"samples\":[", b->name, CASES[ci].name);
    for (int i = 0; i < n; i++) printf("%s%.4f", i ? "," : "", samples[i]);
    printf("],\"memory\":{\"rss\":%ld", rss_delta * 1024);
    if (heap_delta >= 0) printf(",\"heapBytes\":%lld", heap_delta);
    printf("}}\n");
    fflush(stdout);
}

static void memcpy_limit(void) {
    size_t n = 64 * MIB;
    uint8_t *a = malloc(n), *b = malloc(n);
    memset(a, 1, n);
    memset(b, 2, n);
    double best = 1e30;
    for (int i = 0; i < 12; i++) {
        double t0 = now_ms();
        memcpy(b, a, n);
        double t = now_ms() - t0;
        if (t < best) best = t;
        a[i] ^= b[n - 1 - (size_t)i]; /* keep the copies observable */
    }
    printf("{\"limit\":\"c_memcpy\",\"label\":\"C memcpy (64 MiB)\",\"gbps\":%.3f}\n", (double)n / (best / 1e3) / 1e9);
    free(a);
    free(b);
}

static int load_offsets(const char *file) {
    FILE *f = fopen(file, "r");
    if (!f) return -1;
    static char text[1 << 16];
    size_t len = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[len] = 0;
    char *p = strstr(text, "\"offsets\"");
    if (!p || !(p = strchr(p, '['))) return -1;
    g_offsets = malloc(1024 * sizeof *g_offsets);
    for (p++; g_noffsets < 1024;) {
        while (*p == ' ' || *p == ',' || *p == '\n') p++;
        if (*p == ']' || !*p) break;
        char *e;
        g_offsets[g_noffsets++] = strtoull(p, &e, 10);
        if (e == p) return -1;
        p = e;
    }
    return 0;
}

int main(int argc, char **argv) {
    int warmup = 1, repeat = 5;
    const char *offsets = "bench/offsets-42.json", *cases = NULL;
    size_t large_read = MIB;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--quick")) P.quick = 1;
        else if (!strcmp(argv[i], "--warmup") && i + 1 < argc) warmup = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--repeat") && i + 1 < argc) repeat = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--large-read-size") && i + 1 < argc) large_read = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--offsets") && i + 1 < argc) offsets = argv[++i];
        else if (!strcmp(argv[i], "--posix-root") && i + 1 < argc) snprintf(g_posix_base, sizeof g_posix_base, "%s", argv[++i]);
        else if (!strcmp(argv[i], "--cases") && i + 1 < argc) cases = argv[++i];
        else { fprintf(stderr, "native_bench: unknown argument %s\n", argv[i]); return 2; }
    }
    if (repeat < 1 || repeat > 60 || warmup < 0 || large_read == 0) { fprintf(stderr, "native_bench: bad --repeat/--warmup/--large-read-size\n"); return 2; }
    P.small_files = 300; P.small_size = 4096;
    P.stream_chunk = 64 * KIB; P.stream_writes = 256; P.random_writes = 256;
    P.large_chunk = MIB; P.large_writes = P.quick ? 64 : 512; P.large_read_size = large_read;
    P.many_files = P.quick ? 1000 : 10000; P.many_size = 4096; P.many_reads = P.quick ? 500 : 5000;
    P.deep_levels = 50; P.deep_size = 1024; P.deep_reads = 1000;
    P.meta_entries = P.quick ? 1000 : 10000;
    P.pool_workers = 4; P.pool_files = 500; P.pool_size = 4096;
    P.seed = 42;
    if (load_offsets(offsets)) { fprintf(stderr, "native_bench: cannot read offsets from %s\n", offsets); return 2; }

    memcpy_limit();
    const backend *backends[2];
    int nb = 0;
#ifdef HAVE_DMEMFS
    backends[nb++] = &DMEMFS;
#else
    printf("{\"backend\":\"dmemfs-native\",\"status\":\"na\",\"reason\":\"libdmemfs.a was not built when native_bench was compiled\"}\n");
#endif
    backends[nb++] = &POSIX;
    for (int bi = 0; bi < nb; bi++)
        for (size_t ci = 0; ci < sizeof CASES / sizeof CASES[0]; ci++) {
            if (cases) {
                const char *hit = strstr(cases, CASES[ci].name);
                size_t l = strlen(CASES[ci].name);
                if (!hit || (hit[l] && hit[l] != ',')) continue;
            }
            run_case(backends[bi], ci, warmup, repeat);
        }
    return 0;
}
