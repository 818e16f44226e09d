/* A small tour of the C API: create a filesystem with a 1 KiB quota, write, read back,
 * and watch the quota refuse a write before any byte changes. */
#include <dmemfs.h>
#include <stdio.h>
#include <string.h>

static int check(int rc, const char *what) {
    if (rc < 0) fprintf(stderr, "%s: %s (%s)\n", what, dmfs_errname(rc), dmfs_strerror(rc));
    return rc;
}

int main(void) {
    dmfs_config cfg;
    dmfs_config_init(&cfg);
    cfg.max_quota = 1024;
    dmfs_fs *fs;
    if (check(dmfs_create(&cfg, &fs), "create") < 0) return 1;
    printf("dmemfs %s\n", dmfs_version());

    check(dmfs_mkdir(fs, "/docs", 0), "mkdir");
    dmfs_file *f;
    if (check(dmfs_open(fs, "/docs/hello.txt", "wb", 0, DMFS_TIMEOUT_DEFAULT, &f), "open") == 0) {
        const char *msg = "hello, quota-limited world\n";
        check((int)dmfs_write(f, msg, strlen(msg)), "write");
        dmfs_close(f);
    }
    uint8_t *data; size_t len;
    if (check(dmfs_read_file(fs, "/docs/hello.txt", -1, DMFS_TIMEOUT_DEFAULT, &data, &len), "read_file") == 0) {
        printf("read back %zu bytes: %.*s", len, (int)len, (const char *)data);
        dmfs_free(data);
    }
    /* 2000 bytes cannot fit in 1 KiB: refused before anything changes. */
    static char big[2000];
    if (dmfs_open(fs, "/docs/big.bin", "wb", 0, DMFS_TIMEOUT_DEFAULT, &f) == 0) {
        int64_t rc = dmfs_write(f, big, sizeof big);
        const dmfs_error_info *e = dmfs_last_error();
        printf("write of %zu bytes: %s (requested %llu, available %llu)\n", sizeof big, dmfs_errname((int)rc),
               (unsigned long long)e->requested, (unsigned long long)e->available);
        dmfs_close(f);
    }
    dmfs_statsbuf st;
    dmfs_stats(fs, &st);
    printf("used %llu of %llu bytes, %llu files, %llu dirs\n", (unsigned long long)st.used_bytes,
           (unsigned long long)st.quota_bytes, (unsigned long long)st.file_count, (unsigned long long)st.dir_count);
    dmfs_destroy(fs);
    return 0;
}
