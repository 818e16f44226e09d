/* The error table (generated from DMFS_ERROR_TABLE) and the per-thread last error. */
#include "internal.h"

static const struct { const char *name; int value; const char *msg; } table[] = {
#define ROW(n, v, m) {#n, v, m},
    DMFS_ERROR_TABLE(ROW)
#undef ROW
};
#define NROWS (sizeof table / sizeof table[0])

#if DMFS_THREADS
static _Thread_local dmfs_error_info last;
#else
static dmfs_error_info last;
#endif

size_t dmfs_error_count(void) { return NROWS; }

int dmfs_error_at(size_t i, const char **name, int *value, const char **message) {
    if (i >= NROWS) return 0;
    if (name) *name = table[i].name;
    if (value) *value = table[i].value;
    if (message) *message = table[i].msg;
    return 1;
}

const char *dmfs_errname(int code) {
    for (size_t i = 0; i < NROWS; i++)
        if (table[i].value == code) return table[i].name;
    return "UNKNOWN";
}

const char *dmfs_strerror(int code) {
    for (size_t i = 0; i < NROWS; i++)
        if (table[i].value == code) return table[i].msg;
    return "unknown error";
}

const dmfs_error_info *dmfs_last_error(void) { return &last; }
const char *dmfs_version(void) { return DMFS_VERSION_STRING; }

int dmfs__fail(int code) { return dmfs__fail_kind(code, DMFS_KIND_NONE); }

int dmfs__fail_kind(int code, int kind) {
    dmfs_error_info e = {code, kind, 0, 0, 0, 0, -1};
    last = e;
    return code;
}

int dmfs__fail_bytes(uint64_t requested, uint64_t available) {
    dmfs_error_info e = {DMFS_ENOSPC, DMFS_KIND_BYTES, requested, available, 0, 0, -1};
    last = e;
    return DMFS_ENOSPC;
}

int dmfs__fail_nodes(uint64_t current, uint64_t limit, uint64_t requested) {
    dmfs_error_info e = {DMFS_ENOSPC, DMFS_KIND_NODES, requested, limit > current ? limit - current : 0,
                         current, limit, -1};
    last = e;
    return DMFS_ENOSPC;
}

int dmfs__fail_entry(int code, int64_t entry) {
    dmfs__fail(code);
    last.entry = entry;
    return code;
}
