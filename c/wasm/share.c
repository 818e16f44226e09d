/* Worker sharing (SPEC §2.6): a user worker becomes a real pthread of this instance
 * (TOOLCHAIN §3). pthread_create allocates struct pthread, stack and TLS through the
 * normal path; the start routine never runs because the adopted worker ignores it. */
#include <pthread.h>
#include <malloc.h>
#include <emscripten/emscripten.h>

static int g_adopted; /* adopted threads currently attached */

static void *never_run(void *a) { return a; }

/* Called on the creating thread after the adapter is in PThread.unusedWorkers. 0 = failed. */
EMSCRIPTEN_KEEPALIVE pthread_t dmfsw_adopt_thread(void) {
    pthread_t t;
    pthread_attr_t at;
    if (pthread_attr_init(&at)) return 0;
    pthread_attr_setstacksize(&at, 256 * 1024);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    int rc = pthread_create(&t, &at, never_run, 0);
    pthread_attr_destroy(&at);
    if (rc) return 0;
    __atomic_add_fetch(&g_adopted, 1, __ATOMIC_SEQ_CST);
    return t;
}

/* Called by the adopted thread right before _emscripten_thread_exit. */
EMSCRIPTEN_KEEPALIVE void dmfsw_share_detached(void) {
    __atomic_sub_fetch(&g_adopted, 1, __ATOMIC_SEQ_CST);
}

EMSCRIPTEN_KEEPALIVE int dmfsw_share_adopted(void) {
    return __atomic_load_n(&g_adopted, __ATOMIC_SEQ_CST);
}

/* Bytes in use in the malloc heap (leak checks across attach/detach cycles). */
EMSCRIPTEN_KEEPALIVE double dmfsw_share_heap_used(void) {
    struct mallinfo mi = mallinfo();
    return (double)mi.uordblks;
}
