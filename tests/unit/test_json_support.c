/* test_json_support.c — see test_json_support.h. */
#include "test_json_support.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

typedef struct tbuf {
    char *s;
    size_t len, cap;
} tbuf;

static void tb_put(tbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (b->len + n + 1 > cap)
            cap *= 2;
        b->s = realloc(b->s, cap);
        if (!b->s)
            abort();
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void tb_printf(tbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void tb_printf(tbuf *b, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        tb_put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* Bytes with anything unprintable as \xHH, so traces are readable lines. */
static void tb_bytes(tbuf *b, const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '\\')
            tb_put(b, (const char *)&c, 1);
        else
            tb_printf(b, "\\x%02x", c);
    }
}

typedef struct jt_ctx {
    const jt_opts *o;
    tbuf trace;
} jt_ctx;

static pg_json_capture jt_top_key(void *vctx, const char *key, size_t key_len)
{
    jt_ctx *c = vctx;
    const char *m = c->o ? c->o->modes : NULL;

    if (key[key_len] != '\0')
        abort(); /* the header promises a NUL-terminated key */
    tb_put(&c->trace, "key ", 4);
    tb_bytes(&c->trace, key, key_len);
    tb_put(&c->trace, "\n", 1);
    /* modes: "name=v,name=e", or "*=v" / "*=e" for every key */
    if (m && m[0] == '*' && m[1] == '=')
        return m[2] == 'v' ? PG_JSON_VALUE : m[2] == 'e' ? PG_JSON_ELEMENTS : PG_JSON_SKIP;
    while (m && *m) {
        const char *eq = strchr(m, '='), *comma;
        if (!eq)
            break;
        comma = strchr(eq, ',');
        if ((size_t)(eq - m) == key_len && memcmp(m, key, key_len) == 0)
            return eq[1] == 'v' ? PG_JSON_VALUE : eq[1] == 'e' ? PG_JSON_ELEMENTS : PG_JSON_SKIP;
        m = comma ? comma + 1 : NULL;
    }
    return PG_JSON_SKIP;
}

static int jt_value(void *vctx, const char *key, size_t key_len, long index, const char *raw,
                    size_t raw_len, uint64_t offset, pg_error *err)
{
    jt_ctx *c = vctx;

    tb_put(&c->trace, "value ", 6);
    tb_bytes(&c->trace, key, key_len);
    tb_printf(&c->trace, "[%ld] @%llu: ", index, (unsigned long long)offset);
    tb_bytes(&c->trace, raw, raw_len);
    tb_put(&c->trace, "\n", 1);
    if (c->o && c->o->fail_at_index != -2 && index == c->o->fail_at_index) {
        pg_error_set(err, PG_EPLAN, "test handler refuses element %ld", index);
        return PG_EPLAN;
    }
    return 0;
}

static int jt_elements_end(void *vctx, const char *key, size_t key_len, long count, pg_error *err)
{
    jt_ctx *c = vctx;

    (void)err;
    tb_put(&c->trace, "end ", 4);
    tb_bytes(&c->trace, key, key_len);
    tb_printf(&c->trace, " count=%ld\n", count);
    return 0;
}

void jt_run(jt_result *out, const char *doc, size_t len, size_t chunk, const jt_opts *o)
{
    jt_opts defaults;
    jt_ctx c;
    pg_json_handler h;
    pg_json_reader *r;
    size_t i = 0;
    unsigned seed = 12345;
    int rc = 0;

    memset(&defaults, 0, sizeof defaults);
    defaults.fail_at_index = -2;
    if (!o)
        o = &defaults;
    memset(out, 0, sizeof *out);
    memset(&c, 0, sizeof c);
    c.o = o;
    memset(&h, 0, sizeof h);
    h.top_key = jt_top_key;
    h.value = jt_value;
    h.elements_end = jt_elements_end;
    h.ctx = &c;
    if (pg_json_reader_new(&r, &h, &o->limits, NULL) != 0)
        abort();
    if (chunk == JT_WHOLE)
        chunk = len ? len : 1;
    while (i < len && rc == 0) {
        size_t n = chunk;
        if (chunk == JT_RANDOM) {
            seed = seed * 1103515245u + 12345u;
            n = 1 + (seed >> 16) % 64;
        }
        if (n > len - i)
            n = len - i;
        rc = pg_json_feed(r, doc + i, n, &out->err);
        i += n;
    }
    if (rc == 0)
        rc = pg_json_finish(r, &out->err);
    out->rc = rc;
    if (rc)
        tb_printf(&c.trace, "error %d @%llu: %s\n", rc, (unsigned long long)out->err.offset,
                  out->err.message);
    else
        tb_printf(&c.trace, "ok top=%d\n", (int)pg_json_reader_top_type(r));
    out->top = pg_json_reader_top_type(r);
    out->enc = pg_json_reader_encoding(r);
    out->offset = (unsigned long long)pg_json_reader_offset(r);
    out->trace = c.trace.s ? c.trace.s : calloc(1, 1);
    pg_json_reader_free(r);
}

void jt_result_free(jt_result *r)
{
    free(r->trace);
    r->trace = NULL;
}

int jt_check(const char *doc, pg_error *err)
{
    jt_result res;
    int rc;

    jt_run(&res, doc, strlen(doc), JT_WHOLE, NULL);
    rc = res.rc;
    if (err)
        *err = res.err;
    jt_result_free(&res);
    return rc;
}

char *jt_read(const char *path, size_t *len)
{
    return pg_test_read_file(path, len);
}
