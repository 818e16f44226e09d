/* A counting CHECK for the table-driven unit tests (test_path.c, test_glob.c), which run tens
 * of thousands of checks and report `N passed, N failed` at the end. */
#ifndef DMFS_COUNTING_CHECK_H
#define DMFS_COUNTING_CHECK_H
#include <stdio.h>

static int g_pass, g_fail;
#define CHECK(cond, ...)                                                    \
    do {                                                                    \
        if (cond) {                                                         \
            g_pass++;                                                       \
        } else {                                                            \
            g_fail++;                                                       \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                   \
            fputc('\n', stderr);                                            \
        }                                                                   \
    } while (0)
#endif
