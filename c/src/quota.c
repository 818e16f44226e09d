/* The ledger: the single place that says yes or no to growth (DESIGN rule 2). Lock-free:
 * one CAS decides, so a refusal records nothing and concurrent writers can never push
 * `used` past `quota`. Callers allocate *before* committing a charge and apply infallibly
 * after it, so no charge ever has to be undone into space someone else took meanwhile. */
#include "internal.h"

uint64_t dmfs__quota_free(dmfs_fs *fs) { return fs->cfg.max_quota - atomic_load(&fs->used); }

int dmfs__ledger_adjust(dmfs_fs *fs, uint64_t charge, uint64_t credit) {
    uint64_t used = atomic_load(&fs->used);
    for (;;) {
        uint64_t avail = fs->cfg.max_quota - used + credit;
        if (charge > avail) return dmfs__fail_bytes(charge, avail);
        uint64_t next = used - credit + charge;
        if (atomic_compare_exchange_weak(&fs->used, &used, next)) return 0;
    }
}

void dmfs__ledger_release(dmfs_fs *fs, uint64_t n) {
    if (n) atomic_fetch_sub(&fs->used, n);
}

int dmfs__nodes_check(dmfs_fs *fs, uint64_t add) {
    uint64_t limit = fs->cfg.max_nodes;
    if (limit == DMFS_UNLIMITED || add == 0) return 0;
    if (fs->nodes > limit || add > limit - fs->nodes) return dmfs__fail_nodes(fs->nodes, limit, add);
    return 0;
}

/* Promotion (§6.4) as one decision: step 2 needs free ≥ size (the temporary copy); after
 * releasing chunks × ov, step 4 needs the extension to fit. The temporary charge is added
 * and released inside the same commit, so it is never visible to other threads. */
int dmfs__ledger_promote(dmfs_fs *fs, uint64_t size, uint64_t released, uint64_t ext) {
    uint64_t used = atomic_load(&fs->used);
    for (;;) {
        uint64_t free_now = fs->cfg.max_quota - used;
        if (size > free_now) return dmfs__fail_bytes(size, free_now);
        uint64_t free_after = free_now - size + released;
        if (ext > free_after) return dmfs__fail_bytes(ext, free_after);
        uint64_t next = used - released + ext;
        if (atomic_compare_exchange_weak(&fs->used, &used, next)) return 0;
    }
}
