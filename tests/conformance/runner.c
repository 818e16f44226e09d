/* Conformance runner (native C): executes every scenario file (*.txt) of a directory against the
 * public C API. Format: tests/conformance/FORMAT.md. Expected values come from SPEC.md. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dmemfs.h"

/* ── values ──────────────────────────────────────────────────────────────────────── */
enum { V_STR, V_LIST };
typedef struct val {
    int kind;
    int bare;        /* V_STR written without quotes */
    char *s;         /* bytes (NUL-terminated copy; may contain NULs) */
    size_t len;
    struct val **items;
    size_t n;
    char *key;       /* key=value argument; NULL if positional */
} val;

static void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) { fprintf(stderr, "runner: out of memory\n"); exit(2); }
    return p;
}
static void *xrealloc(void *p, size_t n) {
    p = realloc(p, n ? n : 1);
    if (!p) { fprintf(stderr, "runner: out of memory\n"); exit(2); }
    return p;
}

static void val_free(val *v) {
    if (!v) return;
    for (size_t i = 0; i < v->n; i++) val_free(v->items[i]);
    free(v->items);
    free(v->s);
    free(v->key);
    free(v);
}

typedef struct { char *b; size_t n, cap; } buf;
static void buf_put(buf *b, const void *p, size_t n) {
    if (b->n + n + 1 > b->cap) {
        while (b->n + n + 1 > b->cap) b->cap = b->cap ? b->cap * 2 : 64;
        b->b = xrealloc(b->b, b->cap);
    }
    memcpy(b->b + b->n, p, n);
    b->n += n;
    b->b[b->n] = 0;
}

static char perr[256];

static int hexv(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* "..." with escapes, at *p (pointing at the quote) */
static int parse_quoted(const char **pp, buf *out) {
    const char *p = *pp + 1;
    buf t = {0};
    buf_put(&t, "", 0);
    for (;;) {
        char c = *p;
        if (!c) { snprintf(perr, sizeof perr, "unterminated string"); free(t.b); return -1; }
        if (c == '"') { p++; break; }
        if (c == '\\') {
            char e = p[1];
            char ch;
            if (e == 'x') {
                int h = hexv(p[2]), l = h < 0 ? -1 : hexv(p[3]);
                if (h < 0 || l < 0) { snprintf(perr, sizeof perr, "bad \\x escape"); free(t.b); return -1; }
                ch = (char)(h * 16 + l);
                p += 4;
            } else {
                switch (e) {
                case '\\': ch = '\\'; break;
                case '"': ch = '"'; break;
                case 'n': ch = '\n'; break;
                case 'r': ch = '\r'; break;
                case 't': ch = '\t'; break;
                case '0': ch = '\0'; break;
                default: snprintf(perr, sizeof perr, "bad escape \\%c", e); free(t.b); return -1;
                }
                p += 2;
            }
            buf_put(&t, &ch, 1);
            continue;
        }
        buf_put(&t, p, 1);
        p++;
    }
    long long rep = 1;
    if (*p == '*') {
        char *end;
        errno = 0;
        rep = strtoll(p + 1, &end, 10);
        if (end == p + 1 || rep < 0 || errno) { snprintf(perr, sizeof perr, "bad repeat count"); free(t.b); return -1; }
        p = end;
    }
    for (long long i = 0; i < rep; i++) buf_put(out, t.b, t.n);
    free(t.b);
    *pp = p;
    return 0;
}

/* expr := term ('+' term)* ; term := quoted ('*' N)? | '(' expr ')' ('*' N)? */
static int parse_expr(const char **pp, buf *out) {
    const char *p = *pp;
    for (;;) {
        if (*p == '"') {
            if (parse_quoted(&p, out) < 0) return -1;
        } else if (*p == '(') {
            buf g = {0};
            buf_put(&g, "", 0);
            p++;
            if (parse_expr(&p, &g) < 0) { free(g.b); return -1; }
            if (*p != ')') { snprintf(perr, sizeof perr, "missing ')'"); free(g.b); return -1; }
            p++;
            long long rep = 1;
            if (*p == '*') {
                char *end;
                rep = strtoll(p + 1, &end, 10);
                if (end == p + 1 || rep < 0) { snprintf(perr, sizeof perr, "bad repeat count"); free(g.b); return -1; }
                p = end;
            }
            for (long long i = 0; i < rep; i++) buf_put(out, g.b, g.n);
            free(g.b);
        } else {
            snprintf(perr, sizeof perr, "expected a string");
            return -1;
        }
        if (*p == '+' && (p[1] == '"' || p[1] == '(')) { p++; continue; }
        break;
    }
    *pp = p;
    return 0;
}

/* List nesting depth while parsing: a bare word ends at whitespace, and inside a list
 * also at ',' or ']'. */
static int list_depth;
static int is_sep(char c) {
    return c == 0 || c == ' ' || c == '\t' || c == '\r' || c == '\n' || (list_depth > 0 && (c == ',' || c == ']'));
}

static val *parse_value(const char **pp);

static val *parse_list(const char **pp) {
    const char *p = *pp + 1;
    val *v = xmalloc(sizeof *v);
    memset(v, 0, sizeof *v);
    v->kind = V_LIST;
    list_depth++;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == ',') p++;
        if (*p == ']') { p++; break; }
        if (!*p) { snprintf(perr, sizeof perr, "unterminated list"); val_free(v); list_depth--; return NULL; }
        val *it = parse_value(&p);
        if (!it) { val_free(v); list_depth--; return NULL; }
        v->items = xrealloc(v->items, (v->n + 1) * sizeof *v->items);
        v->items[v->n++] = it;
    }
    list_depth--;
    *pp = p;
    return v;
}

/* value := list | string-expr | bare ; string-expr := quoted ('*' N)? ('+' quoted ('*' N)?)* */
static val *parse_value(const char **pp) {
    const char *p = *pp;
    if (*p == '[') return parse_list(pp);
    val *v = xmalloc(sizeof *v);
    memset(v, 0, sizeof *v);
    v->kind = V_STR;
    buf b = {0};
    buf_put(&b, "", 0);
    if (*p == '"' || *p == '(') {
        if (parse_expr(&p, &b) < 0) { free(b.b); free(v); return NULL; }
        if (!is_sep(*p)) { snprintf(perr, sizeof perr, "junk after string"); free(b.b); free(v); return NULL; }
    } else {
        v->bare = 1;
        const char *s = p;
        while (!is_sep(*p)) p++;
        buf_put(&b, s, (size_t)(p - s));
    }
    v->s = b.b;
    v->len = b.n;
    *pp = p;
    return v;
}

/* A top-level token: key=value or value. */
static val *parse_arg(const char **pp) {
    const char *p = *pp;
    const char *q = p;
    while (*q && (*q == '_' || (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9'))) q++;
    if (q > p && *q == '=' && *p != '"' && *p != '[') {
        char *key = xmalloc((size_t)(q - p) + 1);
        memcpy(key, p, (size_t)(q - p));
        key[q - p] = 0;
        q++;
        val *v = parse_value(&q);
        if (!v) { free(key); return NULL; }
        v->key = key;
        *pp = q;
        return v;
    }
    return parse_value(pp);
}

typedef struct { val **v; size_t n; } vec;
static void vec_free(vec *a) {
    for (size_t i = 0; i < a->n; i++) val_free(a->v[i]);
    free(a->v);
    a->v = NULL;
    a->n = 0;
}

/* Splits a line into op args and expected tokens (after "->"). */
static int parse_line(const char *line, vec *args, vec *exp, int *has_arrow) {
    const char *p = line;
    list_depth = 0;
    vec *cur = args;
    *has_arrow = 0;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') p++;
        if (!*p) break;
        if (p[0] == '-' && p[1] == '>' && (p[2] == 0 || p[2] == ' ' || p[2] == '\t' || p[2] == '\r' || p[2] == '\n')) {
            if (*has_arrow) { snprintf(perr, sizeof perr, "two '->'"); return -1; }
            *has_arrow = 1;
            cur = exp;
            p += 2;
            continue;
        }
        val *v = parse_arg(&p);
        if (!v) return -1;
        cur->v = xrealloc(cur->v, (cur->n + 1) * sizeof *cur->v);
        cur->v[cur->n++] = v;
    }
    return 0;
}

/* ── rendering ───────────────────────────────────────────────────────────────────── */
static void render_bytes(buf *o, const char *s, size_t n) {
    buf_put(o, "\"", 1);
    size_t lim = n > 80 ? 60 : n;
    for (size_t i = 0; i < lim; i++) {
        unsigned char c = (unsigned char)s[i];
        char t[8];
        if (c == '"' || c == '\\') { t[0] = '\\'; t[1] = (char)c; buf_put(o, t, 2); }
        else if (c < 0x20 || c == 0x7f) { snprintf(t, sizeof t, "\\x%02x", c); buf_put(o, t, 4); }
        else buf_put(o, &c, 1);
    }
    buf_put(o, "\"", 1);
    if (lim < n) {
        char t[64];
        snprintf(t, sizeof t, "...(%zu bytes)", n);
        buf_put(o, t, strlen(t));
    }
}
static void render(buf *o, const val *v) {
    if (v->key) { buf_put(o, v->key, strlen(v->key)); buf_put(o, "=", 1); }
    if (v->kind == V_LIST) {
        buf_put(o, "[", 1);
        for (size_t i = 0; i < v->n; i++) {
            if (i) buf_put(o, ",", 1);
            render(o, v->items[i]);
        }
        buf_put(o, "]", 1);
    } else if (v->bare) buf_put(o, v->s, v->len);
    else render_bytes(o, v->s, v->len);
}
static char *render_vec(const vec *a, size_t from) {
    buf o = {0};
    buf_put(&o, "", 0);
    for (size_t i = from; i < a->n; i++) {
        if (i > from) buf_put(&o, " ", 1);
        render(&o, a->v[i]);
    }
    return o.b;
}

/* Structural equality: strings by bytes, bare or quoted alike. */
static int val_eq(const val *a, const val *b) {
    if (a->kind != b->kind) return 0;
    if (a->kind == V_STR) return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
    if (a->n != b->n) return 0;
    for (size_t i = 0; i < a->n; i++)
        if (!val_eq(a->items[i], b->items[i])) return 0;
    return 1;
}

static val *mk_str(const char *s, size_t n) {
    val *v = xmalloc(sizeof *v);
    memset(v, 0, sizeof *v);
    v->kind = V_STR;
    v->s = xmalloc(n + 1);
    if (n) memcpy(v->s, s, n);
    v->s[n] = 0;
    v->len = n;
    return v;
}
static val *mk_list(void) {
    val *v = xmalloc(sizeof *v);
    memset(v, 0, sizeof *v);
    v->kind = V_LIST;
    return v;
}
static void list_push(val *l, val *it) {
    l->items = xrealloc(l->items, (l->n + 1) * sizeof *l->items);
    l->items[l->n++] = it;
}

/* ── scenario state ──────────────────────────────────────────────────────────────── */
typedef struct {
    char name[64];
    dmfs_file *f;
} handle;

typedef struct {
    char name[64];
    dmfs_export *x; /* one of x / w is set while open */
    dmfs_walk *w;
} iter;

typedef struct {
    dmfs_fs *fs;
    dmfs_config cfg;
    int64_t clock;
    handle h[64];
    size_t nh;
    iter it[16];
    size_t nit;
    int configured; /* fs created */
} state;

static int64_t test_clock(void *ctx) { return ((state *)ctx)->clock; }

static int get_int(const val *v, long long *out) {
    if (!v || v->kind != V_STR || !v->bare) return 0;
    if (!strcmp(v->s, "unlimited")) { *out = -1; return 1; }
    char *end;
    errno = 0;
    long long x = strtoll(v->s, &end, 0);
    if (end == v->s || *end || errno) {
        unsigned long long u = strtoull(v->s, &end, 0);
        if (end == v->s || *end) return 0;
        x = (long long)u;
    }
    *out = x;
    return 1;
}

/* Reports a failure for the current line. */
static const char *cur_file;
static int cur_lineno;
static const char *cur_line;
static int line_failed;
static void failf(const char *fmt, ...) {
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    printf("%s:%d: %s\n    %s\n", cur_file, cur_lineno, cur_line, msg);
    line_failed = 1;
}

static const val *kwarg(const vec *a, const char *key) {
    for (size_t i = 0; i < a->n; i++)
        if (a->v[i]->key && !strcmp(a->v[i]->key, key)) return a->v[i];
    return NULL;
}
static const val *posarg(const vec *a, size_t idx) {
    size_t k = 0;
    for (size_t i = 0; i < a->n; i++) {
        if (a->v[i]->key) continue;
        if (k == idx) return a->v[i];
        k++;
    }
    return NULL;
}
static size_t npos(const vec *a) {
    size_t k = 0;
    for (size_t i = 0; i < a->n; i++)
        if (!a->v[i]->key) k++;
    return k;
}

static int is_errname(const val *v) {
    if (!v || v->key || v->kind != V_STR || !v->bare || v->len < 2 || v->s[0] != 'E') return 0;
    for (size_t i = 1; i < v->len; i++)
        if (v->s[i] < 'A' || v->s[i] > 'Z') return 0;
    return 1;
}

/* Checks rc (< 0 error) against the expectation. Returns 1 when the caller should go on
 * comparing success values (rc >= 0 and success expected). exp index 0 is the first token
 * after "->". */
static int check_rc(long long rc, const vec *exp) {
    const val *first = exp->n ? exp->v[0] : NULL;
    if (is_errname(first)) {
        if (rc >= 0) { failf("expected %s, got success (%lld)", first->s, rc); return 0; }
        const char *got = dmfs_errname((int)rc);
        if (strcmp(got, first->s)) { failf("expected %s, got %s", first->s, got); return 0; }
        const dmfs_error_info *ei = dmfs_last_error();
        for (size_t i = 1; i < exp->n; i++) {
            const val *kv = exp->v[i];
            long long want;
            if (!kv->key) { failf("bad error detail token"); return 0; }
            if (!strcmp(kv->key, "kind")) {
                const char *k = ei->kind == DMFS_KIND_BYTES ? "bytes" : ei->kind == DMFS_KIND_NODES ? "nodes" : "none";
                if (strcmp(k, kv->s)) { failf("expected kind=%s, got kind=%s", kv->s, k); return 0; }
                continue;
            }
            if (!get_int(kv, &want)) { failf("bad number in %s", kv->key); return 0; }
            uint64_t g;
            if (!strcmp(kv->key, "requested")) g = ei->requested;
            else if (!strcmp(kv->key, "available")) g = ei->available;
            else if (!strcmp(kv->key, "current")) g = ei->current;
            else if (!strcmp(kv->key, "limit")) g = ei->limit;
            else { failf("unknown error detail %s", kv->key); return 0; }
            if (g != (uint64_t)want) {
                failf("expected %s %s=%lld, got %s=%llu", first->s, kv->key, want, kv->key, (unsigned long long)g);
                return 0;
            }
        }
        return 0;
    }
    if (rc < 0) {
        char *e = render_vec(exp, 0);
        failf("expected %s, got %s", exp->n ? e : "success", dmfs_errname((int)rc));
        free(e);
        return 0;
    }
    return 1;
}

static int exp_is_ok(const vec *exp) {
    return exp->n == 0 || (exp->n == 1 && exp->v[0]->bare && !exp->v[0]->key && !strcmp(exp->v[0]->s, "ok"));
}

/* Compare an integer result with a single expected integer (or "ok"/none). */
static void expect_int(long long got, const vec *exp) {
    if (exp_is_ok(exp)) return;
    long long want;
    if (exp->n != 1 || !get_int(exp->v[0], &want)) { failf("expected value must be one integer"); return; }
    if (got != want) failf("expected %lld, got %lld", want, got);
}

static void expect_val(val *got, const vec *exp) {
    if (exp_is_ok(exp)) { val_free(got); return; }
    if (exp->n != 1) { failf("expected exactly one value"); val_free(got); return; }
    if (!val_eq(got, exp->v[0])) {
        buf a = {0}, b = {0};
        buf_put(&a, "", 0);
        buf_put(&b, "", 0);
        render(&a, exp->v[0]);
        render(&b, got);
        failf("expected %s, got %s", a.b, b.b);
        free(a.b);
        free(b.b);
    }
    val_free(got);
}

static void expect_bool(int got, const vec *exp) {
    if (exp_is_ok(exp)) return;
    if (exp->n != 1 || !exp->v[0]->bare) { failf("expected true or false"); return; }
    int want = !strcmp(exp->v[0]->s, "true") ? 1 : !strcmp(exp->v[0]->s, "false") ? 0 : -1;
    if (want < 0) { failf("expected true or false"); return; }
    if (got != want) failf("expected %s, got %s", want ? "true" : "false", got ? "true" : "false");
}

/* key=value expectations against named fields. */
typedef struct { const char *key; long long v; } field;
static void expect_fields(const field *fs, size_t nf, const vec *exp) {
    if (exp_is_ok(exp)) return;
    for (size_t i = 0; i < exp->n; i++) {
        const val *kv = exp->v[i];
        long long want;
        if (!kv->key || !get_int(kv, &want)) { failf("expected key=integer fields"); return; }
        size_t j;
        for (j = 0; j < nf; j++)
            if (!strcmp(fs[j].key, kv->key)) break;
        if (j == nf) { failf("unknown field %s", kv->key); return; }
        if (fs[j].v != want) { failf("expected %s=%lld, got %s=%lld", kv->key, want, kv->key, fs[j].v); return; }
    }
}

static handle *find_handle(state *st, const val *name, int create) {
    if (!name || name->kind != V_STR) return NULL;
    for (size_t i = 0; i < st->nh; i++)
        if (!strcmp(st->h[i].name, name->s)) return &st->h[i];
    if (!create || st->nh == 64 || name->len >= 64) return NULL;
    handle *h = &st->h[st->nh++];
    memset(h, 0, sizeof *h);
    memcpy(h->name, name->s, name->len + 1);
    return h;
}

static int parse_storage(const char *s) {
    if (!strcmp(s, "auto")) return DMFS_STORAGE_AUTO;
    if (!strcmp(s, "sequential")) return DMFS_STORAGE_SEQUENTIAL;
    if (!strcmp(s, "random_access")) return DMFS_STORAGE_RANDOM_ACCESS;
    return atoi(s);
}

/* Applies config keys to cfg; returns 0 or -1 (bad key). */
static int apply_config(dmfs_config *cfg, int64_t *clock, const vec *args, size_t from) {
    for (size_t i = from; i < args->n; i++) {
        const val *kv = args->v[i];
        long long x = 0;
        if (!kv->key) { failf("config takes key=value"); return -1; }
        if (!strcmp(kv->key, "storage")) { cfg->default_storage = parse_storage(kv->s); continue; }
        if (!get_int(kv, &x)) { failf("bad number for %s", kv->key); return -1; }
        if (!strcmp(kv->key, "quota")) cfg->max_quota = (uint64_t)x;
        else if (!strcmp(kv->key, "nodes")) cfg->max_nodes = x == -1 && !strcmp(kv->s, "unlimited") ? DMFS_UNLIMITED : (uint64_t)x;
        else if (!strcmp(kv->key, "overhead")) cfg->chunk_overhead = (uint64_t)x;
        else if (!strcmp(kv->key, "promotion")) cfg->promotion_hard_limit = (uint64_t)x;
        else if (!strcmp(kv->key, "locktimeout")) cfg->default_lock_timeout_ms = x;
        else if (!strcmp(kv->key, "clock")) *clock = x;
        else { failf("unknown config key %s", kv->key); return -1; }
    }
    return 0;
}

static int ensure_fs(state *st) {
    if (st->fs) return 0;
    int rc = dmfs_create(&st->cfg, &st->fs);
    if (rc < 0) { failf("dmfs_create failed: %s", dmfs_errname(rc)); st->fs = NULL; return -1; }
    return 0;
}

static void close_all(state *st) {
    for (size_t i = 0; i < st->nit; i++) {
        if (st->it[i].x) dmfs_export_close(st->it[i].x);
        if (st->it[i].w) dmfs_walk_close(st->it[i].w);
    }
    st->nit = 0;
    for (size_t i = 0; i < st->nh; i++)
        if (st->h[i].f) { dmfs_close(st->h[i].f); st->h[i].f = NULL; }
    st->nh = 0;
}

static iter *find_iter(state *st, const val *name, int create) {
    if (!name || name->kind != V_STR) return NULL;
    for (size_t i = 0; i < st->nit; i++)
        if (!strcmp(st->it[i].name, name->s)) return &st->it[i];
    if (!create || st->nit == 16 || name->len >= 64) return NULL;
    iter *it = &st->it[st->nit++];
    memset(it, 0, sizeof *it);
    memcpy(it->name, name->s, name->len + 1);
    return it;
}

static val *walk_entry_val(const dmfs_walk_entry *we) {
    val *ent = mk_list(), *ds = mk_list(), *fl = mk_list();
    list_push(ent, mk_str(we->dirpath, strlen(we->dirpath)));
    for (size_t i = 0; i < we->ndirs; i++) list_push(ds, mk_str(we->dirnames[i], strlen(we->dirnames[i])));
    for (size_t i = 0; i < we->nfiles; i++) list_push(fl, mk_str(we->filenames[i], strlen(we->filenames[i])));
    list_push(ent, ds);
    list_push(ent, fl);
    return ent;
}

static int64_t timeout_arg(const vec *a) {
    const val *t = kwarg(a, "timeout");
    long long x;
    if (t && get_int(t, &x)) return x;
    return DMFS_TIMEOUT_DEFAULT;
}

static const char *pstr(const vec *a, size_t i) {
    const val *v = posarg(a, i);
    return v && v->kind == V_STR ? v->s : NULL;
}

static val *strlist_to_val(dmfs_strlist *l) {
    val *v = mk_list();
    for (size_t i = 0; i < l->count; i++) list_push(v, mk_str(l->items[i], l->lengths[i]));
    return v;
}

/* Runs one operation line. */
static void run_op(state *st, const char *op, const vec *args, const vec *exp) {
    /* args->v[0] is the op name itself; positional args start at posarg index 1 */
    if (!strcmp(op, "config")) {
        if (st->fs) { failf("config after the first operation"); return; }
        apply_config(&st->cfg, &st->clock, args, 1);
        return;
    }
    if (!strcmp(op, "clock")) {
        long long x;
        if (ensure_fs(st) < 0) return;
        if (!get_int(posarg(args, 1), &x)) { failf("clock needs an integer"); return; }
        st->clock = x;
        return;
    }
    if (!strcmp(op, "create")) {
        dmfs_config c;
        int64_t dummy = 0;
        dmfs_config_init(&c);
        if (apply_config(&c, &dummy, args, 1) < 0) return;
        dmfs_fs *tmp = NULL;
        int rc = dmfs_create(&c, &tmp);
        if (check_rc(rc, exp)) expect_int(0, exp);
        if (rc >= 0) dmfs_destroy(tmp);
        return;
    }
    if (!strcmp(op, "failalloc")) {
        long long x;
        if (!get_int(posarg(args, 1), &x)) { failf("failalloc needs an integer"); return; }
        if (ensure_fs(st) < 0) return;
        dmfs_debug_fail_alloc((uint64_t)x);
        return; /* reset by the caller after the next operation */
    }
    if (ensure_fs(st) < 0) return;
    dmfs_fs *fs = st->fs;

    if (!strcmp(op, "open")) {
        handle *h = find_handle(st, posarg(args, 1), 1);
        const char *path = pstr(args, 2), *mode = pstr(args, 3);
        if (!h || !path || !mode) { failf("usage: open H PATH MODE [prealloc=N] [timeout=N]"); return; }
        long long pre = 0;
        const val *pv = kwarg(args, "prealloc");
        if (pv && !get_int(pv, &pre)) { failf("bad prealloc"); return; }
        if (h->f) { failf("handle %s is still open", h->name); return; }
        dmfs_file *f = NULL;
        int rc = dmfs_open(fs, path, mode, pre, timeout_arg(args), &f);
        if (rc >= 0) h->f = f;
        if (check_rc(rc, exp)) expect_int(0, exp);
        return;
    }
    static const char *const hops[] = {"read", "readinto", "write", "seek", "tell", "truncate", "flush", "close", "fsize", NULL};
    for (int k = 0; hops[k]; k++) {
        if (strcmp(op, hops[k])) continue;
        handle *h = find_handle(st, posarg(args, 1), 0);
        if (!h) { failf("unknown handle"); return; }
        dmfs_file *f = h->f;
        if (!f && strcmp(op, "close")) {
            /* A handle closed by the scenario: every call but close is EBADF (§7.2). */
            if (check_rc(DMFS_EBADF, exp)) failf("closed handle: expected success, got EBADF");
            return;
        }
        long long n = -1;
        if (!strcmp(op, "read")) {
            if (npos(args) > 2 && !get_int(posarg(args, 2), &n)) { failf("bad size"); return; }
            buf b = {0};
            buf_put(&b, "", 0);
            long long rc = 0;
            if (n < 0) {
                char tmp[65536];
                for (;;) {
                    rc = dmfs_read(f, tmp, sizeof tmp);
                    if (rc <= 0) break;
                    buf_put(&b, tmp, (size_t)rc);
                }
            } else {
                char *tmp = xmalloc((size_t)n + 1);
                rc = dmfs_read(f, tmp, (size_t)n);
                if (rc > 0) buf_put(&b, tmp, (size_t)rc);
                free(tmp);
            }
            if (check_rc(rc, exp)) expect_val(mk_str(b.b, b.n), exp);
            free(b.b);
        } else if (!strcmp(op, "readinto")) {
            if (!get_int(posarg(args, 2), &n) || n < 0) { failf("usage: readinto H N -> COUNT DATA"); return; }
            char *tmp = xmalloc((size_t)n + 1);
            long long rc = dmfs_read(f, tmp, (size_t)n);
            if (check_rc(rc, exp) && !exp_is_ok(exp)) {
                long long want;
                if (exp->n != 2 || !get_int(exp->v[0], &want)) failf("usage: readinto H N -> COUNT DATA");
                else if (want != rc) failf("expected count %lld, got %lld", want, rc);
                else {
                    vec one = {(val **)&exp->v[1], 1};
                    expect_val(mk_str(tmp, (size_t)rc), &one);
                }
            }
            free(tmp);
        } else if (!strcmp(op, "write")) {
            const val *d = posarg(args, 2);
            if (!d || d->kind != V_STR) { failf("usage: write H DATA"); return; }
            long long rc = dmfs_write(f, d->s, d->len);
            if (check_rc(rc, exp)) expect_int(rc, exp);
        } else if (!strcmp(op, "seek")) {
            long long off, wh = 0;
            if (!get_int(posarg(args, 2), &off) || (npos(args) > 3 && !get_int(posarg(args, 3), &wh))) { failf("usage: seek H OFF [WHENCE]"); return; }
            long long rc = dmfs_seek(f, off, (int)wh);
            if (check_rc(rc, exp)) expect_int(rc, exp);
        } else if (!strcmp(op, "tell")) {
            long long rc = dmfs_tell(f);
            if (check_rc(rc, exp)) expect_int(rc, exp);
        } else if (!strcmp(op, "fsize")) {
            long long rc = dmfs_file_size(f);
            if (check_rc(rc, exp)) expect_int(rc, exp);
        } else if (!strcmp(op, "truncate")) {
            long long sz;
            if (npos(args) > 2) {
                if (!get_int(posarg(args, 2), &sz)) { failf("bad size"); return; }
            } else {
                sz = dmfs_tell(f);
                if (sz < 0) { check_rc(sz, exp); return; }
            }
            long long rc = dmfs_truncate(f, sz);
            if (check_rc(rc, exp)) expect_int(rc, exp);
        } else if (!strcmp(op, "flush")) {
            int rc = dmfs_flush(f);
            if (check_rc(rc, exp)) expect_int(0, exp);
        } else if (!strcmp(op, "close")) {
            int rc = 0;
            if (f) rc = dmfs_close(f); /* close is idempotent (§7.2) */
            h->f = NULL;
            if (check_rc(rc, exp)) expect_int(0, exp);
        }
        return;
    }
    if (!strcmp(op, "mkdir")) {
        const char *p = pstr(args, 1);
        long long eo = 0;
        const val *e = kwarg(args, "existok");
        if (e) get_int(e, &eo);
        int rc = dmfs_mkdir(fs, p ? p : "", (int)eo);
        if (check_rc(rc, exp)) expect_int(0, exp);
        return;
    }
    struct { const char *name; int (*fn)(dmfs_fs *, const char *, const char *); } two[] = {
        {"rename", dmfs_rename}, {"move", dmfs_move}, {NULL, NULL}};
    for (int k = 0; two[k].name; k++) {
        if (strcmp(op, two[k].name)) continue;
        const char *a = pstr(args, 1), *b = pstr(args, 2);
        if (!a || !b) { failf("usage: %s SRC DST", op); return; }
        int rc = two[k].fn(fs, a, b);
        if (check_rc(rc, exp)) expect_int(0, exp);
        return;
    }
    if (!strcmp(op, "copy") || !strcmp(op, "copytree")) {
        const char *a = pstr(args, 1), *b = pstr(args, 2);
        if (!a || !b) { failf("usage: %s SRC DST [timeout=N]", op); return; }
        int rc = op[4] ? dmfs_copy_tree(fs, a, b, timeout_arg(args)) : dmfs_copy(fs, a, b, timeout_arg(args));
        if (check_rc(rc, exp)) expect_int(0, exp);
        return;
    }
    if (!strcmp(op, "remove") || !strcmp(op, "rmtree")) {
        const char *a = pstr(args, 1);
        if (!a) { failf("usage: %s PATH", op); return; }
        int rc = op[0] == 'r' && op[1] == 'e' ? dmfs_remove(fs, a) : dmfs_rmtree(fs, a);
        if (check_rc(rc, exp)) expect_int(0, exp);
        return;
    }
    if (!strcmp(op, "exists") || !strcmp(op, "isdir") || !strcmp(op, "isfile")) {
        const char *a = pstr(args, 1);
        if (!a) { failf("usage: %s PATH", op); return; }
        int rc = op[0] == 'e' ? dmfs_exists(fs, a) : op[2] == 'd' ? dmfs_is_dir(fs, a) : dmfs_is_file(fs, a);
        if (check_rc(rc, exp)) expect_bool(rc, exp);
        return;
    }
    if (!strcmp(op, "listdir") || !strcmp(op, "glob")) {
        const char *a = pstr(args, 1);
        if (!a) { failf("usage: %s PATH", op); return; }
        dmfs_strlist *l = NULL;
        int rc = op[0] == 'l' ? dmfs_listdir(fs, a, &l) : dmfs_glob(fs, a, &l);
        if (check_rc(rc, exp)) expect_val(strlist_to_val(l), exp);
        if (rc >= 0) dmfs_strlist_free(l);
        return;
    }
    if (!strcmp(op, "stat")) {
        const char *a = pstr(args, 1);
        if (!a) { failf("usage: stat PATH"); return; }
        dmfs_statbuf sb;
        int rc = dmfs_stat(fs, a, &sb);
        if (check_rc(rc, exp)) {
            field f[] = {{"size", (long long)sb.size}, {"generation", (long long)sb.generation},
                         {"isdir", sb.is_dir}, {"created", sb.created_at}, {"modified", sb.modified_at}};
            expect_fields(f, 5, exp);
        }
        return;
    }
    if (!strcmp(op, "stats")) {
        dmfs_statsbuf sb;
        int rc = dmfs_stats(fs, &sb);
        if (check_rc(rc, exp)) {
            field f[] = {{"used", (long long)sb.used_bytes}, {"quota", (long long)sb.quota_bytes},
                         {"free", (long long)sb.free_bytes}, {"files", (long long)sb.file_count},
                         {"dirs", (long long)sb.dir_count}, {"chunks", (long long)sb.chunk_count},
                         {"overhead", (long long)sb.overhead_per_chunk}};
            expect_fields(f, 7, exp);
        }
        return;
    }
    if (!strcmp(op, "info")) {
        const char *a = pstr(args, 1);
        dmfs_file_info fi;
        int rc = dmfs_debug_file_info(fs, a ? a : "", &fi);
        if (check_rc(rc, exp) && !exp_is_ok(exp)) {
            for (size_t i = 0; i < exp->n; i++) {
                const val *kv = exp->v[i];
                if (!kv->key) { failf("info expects key=value"); return; }
                if (!strcmp(kv->key, "storage")) {
                    const char *g = fi.storage == DMFS_STORAGE_SEQUENTIAL ? "sequential" : "random_access";
                    if (strcmp(g, kv->s)) { failf("expected storage=%s, got storage=%s", kv->s, g); return; }
                    continue;
                }
                field f[] = {{"chunks", (long long)fi.chunks}, {"capacity", (long long)fi.capacity}, {"usage", (long long)fi.usage}};
                vec one = {(val **)&exp->v[i], 1};
                expect_fields(f, 3, &one);
                if (line_failed) return;
            }
        }
        return;
    }
    if (!strcmp(op, "getsize")) {
        const char *a = pstr(args, 1);
        long long rc = dmfs_get_size(fs, a ? a : "");
        if (check_rc(rc, exp)) expect_int(rc, exp);
        return;
    }
    if (!strcmp(op, "readfile")) {
        const char *a = pstr(args, 1);
        long long mx = -1;
        const val *m = kwarg(args, "max");
        if (m) get_int(m, &mx);
        uint8_t *data = NULL;
        size_t len = 0;
        int rc = dmfs_read_file(fs, a ? a : "", mx, timeout_arg(args), &data, &len);
        if (rc >= 0 && len == 0 && data) failf("read_file: data not NULL for length 0");
        if (check_rc(rc, exp)) expect_val(mk_str((const char *)data, len), exp);
        if (rc >= 0) dmfs_free(data);
        return;
    }
    if (!strcmp(op, "writefile")) {
        const char *a = pstr(args, 1);
        const val *d = posarg(args, 2);
        if (!a || !d || d->kind != V_STR) { failf("usage: writefile PATH DATA"); return; }
        int rc = dmfs_write_file(fs, a, d->s, d->len, timeout_arg(args));
        if (check_rc(rc, exp)) expect_int(0, exp);
        return;
    }
    if (!strcmp(op, "import")) {
        const val *l = posarg(args, 1);
        if (!l || l->kind != V_LIST) { failf("usage: import [[PATH,DATA],...]"); return; }
        dmfs_entry *e = xmalloc(sizeof *e * (l->n + 1));
        for (size_t i = 0; i < l->n; i++) {
            const val *pr = l->items[i];
            if (pr->kind != V_LIST || pr->n != 2 || pr->items[0]->kind != V_STR || pr->items[1]->kind != V_STR) {
                failf("import entry %zu is not [PATH,DATA]", i);
                free(e);
                return;
            }
            e[i].path = pr->items[0]->s;
            e[i].data = pr->items[1]->s;
            e[i].len = pr->items[1]->len;
        }
        int rc = dmfs_import(fs, e, l->n);
        free(e);
        if (check_rc(rc, exp)) expect_int(0, exp);
        return;
    }
    if (!strcmp(op, "export")) {
        const val *pv = kwarg(args, "prefix");
        long long dirty = 0;
        const val *dv = kwarg(args, "dirty");
        if (dv) get_int(dv, &dirty);
        dmfs_export *x = NULL;
        int rc = dmfs_export_open(fs, pv ? pv->s : "/", (int)dirty, timeout_arg(args), &x);
        val *res = mk_list();
        while (rc >= 0) {
            const char *path;
            const uint8_t *data;
            size_t len;
            int r = dmfs_export_next(x, &path, &data, &len);
            if (r < 0) { rc = r; break; }
            if (r == 0) break;
            val *pr = mk_list();
            list_push(pr, mk_str(path, strlen(path)));
            list_push(pr, mk_str((const char *)data, len));
            list_push(res, pr);
        }
        if (x) dmfs_export_close(x);
        if (check_rc(rc, exp)) expect_val(res, exp);
        else val_free(res);
        return;
    }
    if (!strcmp(op, "iexport") || !strcmp(op, "iwalk")) {
        iter *it = find_iter(st, posarg(args, 1), 1);
        if (!it) { failf("usage: %s NAME ...", op); return; }
        if (it->x || it->w) { failf("iterator %s is still open", it->name); return; }
        int rc;
        if (op[1] == 'e') {
            const val *pv = kwarg(args, "prefix");
            long long dirty = 0;
            const val *dv = kwarg(args, "dirty");
            if (dv) get_int(dv, &dirty);
            rc = dmfs_export_open(fs, pv ? pv->s : "/", (int)dirty, timeout_arg(args), &it->x);
        } else {
            const char *a = pstr(args, 2);
            rc = dmfs_walk_open(fs, a ? a : "/", &it->w);
        }
        if (check_rc(rc, exp)) expect_int(0, exp);
        return;
    }
    if (!strcmp(op, "inext") || !strcmp(op, "iclose")) {
        iter *it = find_iter(st, posarg(args, 1), 0);
        if (!it || (!it->x && !it->w)) { failf("unknown or closed iterator"); return; }
        if (op[1] == 'c') {
            if (it->x) dmfs_export_close(it->x);
            if (it->w) dmfs_walk_close(it->w);
            it->x = NULL;
            it->w = NULL;
            return;
        }
        val *res = NULL;
        int r;
        if (it->x) {
            const char *path;
            const uint8_t *data;
            size_t len;
            r = dmfs_export_next(it->x, &path, &data, &len);
            if (r == 1) {
                res = mk_list();
                list_push(res, mk_str(path, strlen(path)));
                list_push(res, mk_str((const char *)data, len));
            }
        } else {
            dmfs_walk_entry we;
            r = dmfs_walk_next(it->w, &we);
            if (r == 1) res = walk_entry_val(&we);
        }
        if (r == 0) {
            val *e = mk_str("end", 3);
            e->bare = 1;
            res = e;
        }
        if (check_rc(r, exp)) {
            if (exp_is_ok(exp)) val_free(res);
            else expect_val(res, exp);
        } else val_free(res);
        return;
    }
    if (!strcmp(op, "walk")) {
        const char *a = pstr(args, 1);
        dmfs_walk *w = NULL;
        int rc = dmfs_walk_open(fs, a ? a : "/", &w);
        val *res = mk_list();
        while (rc >= 0) {
            dmfs_walk_entry we;
            int r = dmfs_walk_next(w, &we);
            if (r < 0) { rc = r; break; }
            if (r == 0) break;
            list_push(res, walk_entry_val(&we));
        }
        if (w) dmfs_walk_close(w);
        if (check_rc(rc, exp)) expect_val(res, exp);
        else val_free(res);
        return;
    }
    if (!strcmp(op, "check")) {
        int rc = dmfs_debug_check(fs);
        if (rc != 0) failf("dmfs_debug_check failed: %s", dmfs_errname(rc));
        return;
    }
    failf("unknown operation '%s'", op);
}

/* ── files and scenarios ─────────────────────────────────────────────────────────── */
typedef struct {
    int total, passed, failed, lines;
} tally;

static int scenario_selected(const char *name) {
    const char *sel = getenv("DMFS_SCENARIO");
    return !sel || !*sel || strstr(name, sel) != NULL;
}

static void state_init(state *st) {
    memset(st, 0, sizeof *st);
    dmfs_config_init(&st->cfg);
    st->clock = 1000000;
    st->cfg.clock_ms = test_clock;
    st->cfg.clock_ctx = st;
}

static int finish_scenario(state *st, const char *file, int line, const char *name, int failed, tally *t) {
    if (st->fs) {
        int rc = dmfs_debug_check(st->fs);
        if (rc != 0) {
            printf("%s:%d: scenario %s: dmfs_debug_check after the scenario failed: %s\n", file, line, name, dmfs_errname(rc));
            failed = 1;
        }
    }
    close_all(st);
    if (st->fs) dmfs_destroy(st->fs);
    st->fs = NULL;
    t->total++;
    if (failed) t->failed++;
    else t->passed++;
    return 0;
}

static int run_file(const char *path, tally *t) {
    FILE *fp = fopen(path, "r");
    if (!fp) { fprintf(stderr, "cannot open %s\n", path); return -1; }
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    int lineno = 0;
    int in_scn = 0, skip = 0, failed = 0, scn_line = 0;
    char name[256] = "";
    state *st = xmalloc(sizeof *st);
    state_init(st);
    cur_file = path;
    while ((got = getline(&line, &cap, fp)) >= 0) {
        lineno++;
        while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r')) line[--got] = 0;
        const char *p = line;
        while (*p == ' ' || *p == '\t') p++;
        if (!*p || *p == '#') continue;
        cur_lineno = lineno;
        cur_line = line;
        line_failed = 0;
        if (!strncmp(p, "scenario ", 9)) {
            if (in_scn && !skip) finish_scenario(st, path, scn_line, name, failed, t);
            state_init(st);
            snprintf(name, sizeof name, "%s", p + 9);
            in_scn = 1;
            skip = !scenario_selected(name);
            failed = 0;
            scn_line = lineno;
            continue;
        }
        if (!in_scn) { printf("%s:%d: operation outside a scenario\n", path, lineno); t->failed++; t->total++; continue; }
        if (skip) continue;
        if (!strncmp(p, "@js ", 4)) continue; /* JS-only line */
        if (!strncmp(p, "@c ", 3)) p += 3;
        vec args = {0}, exp = {0};
        int arrow;
        if (parse_line(p, &args, &exp, &arrow) < 0 || args.n == 0 || args.v[0]->kind != V_STR || !args.v[0]->bare) {
            failf("parse error: %s", perr);
            failed = 1;
            vec_free(&args);
            vec_free(&exp);
            continue;
        }
        t->lines++;
        int armed = !strcmp(args.v[0]->s, "failalloc");
        run_op(st, args.v[0]->s, &args, &exp);
        if (!armed) dmfs_debug_fail_alloc(0);
        if (line_failed) failed = 1;
        vec_free(&args);
        vec_free(&exp);
    }
    if (in_scn && !skip) finish_scenario(st, path, scn_line, name, failed, t);
    free(st);
    free(line);
    fclose(fp);
    return 0;
}

static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s SCENARIO_DIR\n", argv[0]);
        return 2;
    }
    DIR *d = opendir(argv[1]);
    if (!d) { fprintf(stderr, "cannot open directory %s\n", argv[1]); return 2; }
    char **files = NULL;
    size_t nf = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l < 5 || strcmp(de->d_name + l - 4, ".txt")) continue;
        files = xrealloc(files, (nf + 1) * sizeof *files);
        files[nf] = xmalloc(strlen(argv[1]) + l + 2);
        sprintf(files[nf], "%s/%s", argv[1], de->d_name);
        nf++;
    }
    closedir(d);
    qsort(files, nf, sizeof *files, cmpstr);
    tally t = {0};
    for (size_t i = 0; i < nf; i++) {
        if (run_file(files[i], &t) < 0) t.failed++, t.total++;
        free(files[i]);
    }
    free(files);
    printf("%d passed, %d failed\n", t.passed, t.failed);
    return t.failed ? 1 : 0;
}
