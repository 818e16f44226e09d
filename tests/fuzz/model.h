/* A deliberately simple reference model of SPEC semantics (§5–§9) for the differential
 * fuzzer: fixed arrays, single-threaded, no sharing with c/src. Sizes are small: quota ≤
 * M_DATA keeps every file within one fixed buffer. Functions mirror the C API and return
 * the code the SPEC prescribes. */
#ifndef DMFS_FUZZ_MODEL_H
#define DMFS_FUZZ_MODEL_H
#include <stddef.h>
#include <stdint.h>

#define M_NODES 64
#define M_KIDS 24
#define M_DATA 1024
#define M_NAME 8
#define M_HANDLES 4

enum { M_AUTO = 0, M_SEQ = 1, M_RA = 2 };
enum { MODE_RB, MODE_WB, MODE_AB, MODE_RPB, MODE_XB };

typedef struct {
    int used, is_dir, parent;
    char name[M_NAME];
    int kids[M_KIDS], nkids;
    uint8_t data[M_DATA];
    uint64_t size, chunks, gen;
    int ra; /* random-access storage */
    int readers, writer;
} mnode;

typedef struct {
    int open, node, mode;
    uint64_t cursor;
} mhandle;

typedef struct {
    uint64_t quota, used, max_nodes, nodes, ov, hard_limit;
    int storage;
    mnode n[M_NODES];
    mhandle h[M_HANDLES];
} model;

void m_init(model *m, uint64_t quota, uint64_t max_nodes, int storage, uint64_t ov, uint64_t hard);
/* Normalized path of node i into buf (NUL-terminated). */
void m_path(const model *m, int i, char *buf);
/* Node at a normalized path or -1. */
int m_lookup(const model *m, const char *path);
uint64_t m_usage(const model *m, int i);

int m_open(model *m, int slot, const char *path, const char *mode, int64_t prealloc);
int64_t m_read(model *m, int slot, size_t n, uint8_t *out);
int64_t m_write(model *m, int slot, const uint8_t *buf, size_t n);
int64_t m_seek(model *m, int slot, int64_t off, int whence);
int64_t m_truncate(model *m, int slot, int64_t size);
int m_close(model *m, int slot);
int m_mkdir(model *m, const char *path, int exist_ok);
int m_rename(model *m, const char *src, const char *dst, int is_move);
int m_remove(model *m, const char *path);
int m_rmtree(model *m, const char *path);
int m_copy(model *m, const char *src, const char *dst);
int m_copy_tree(model *m, const char *src, const char *dst);
typedef struct {
    const char *path;
    const uint8_t *data;
    size_t len;
} m_entry;
int m_import(model *m, const m_entry *e, size_t count);
int m_write_file(model *m, const char *path, const uint8_t *data, size_t len);
/* On success *node is the file (contents in m->n[*node]). */
int m_read_file(model *m, const char *path, int64_t max_size, int *node);
/* Resolves path to a node for queries: ≥ 0 node, or ENOENT / ENOTDIR / EINVAL. */
int m_resolve(const model *m, const char *path);
/* Glob: fills out (sorted) with up to cap paths of size 4097; returns the count or error. */
int m_glob(const model *m, const char *pattern, char (*out)[4097], int cap);
/* Export listing: nodes of the files under prefix in pre-order (count). */
int m_export_list(const model *m, const char *prefix, int only_dirty, int *out, int cap);
#endif
