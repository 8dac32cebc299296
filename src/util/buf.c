/* buf.c — the growable, capped byte buffer (buf.h). */
#include "util/buf.h"

#include <stdio.h>
#include <string.h>

#include "plangate/alloc.h"
#include "util/grow.h"

void pg_buf_init(pg_buf *b, size_t max)
{
    b->ptr = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max ? max : (size_t)-1 - 1;
}

void pg_buf_dispose(pg_buf *b)
{
    if (!b)
        return;
    pg_free(b->ptr);
    b->ptr = NULL;
    b->len = 0;
    b->cap = 0;
}

void pg_buf_reset(pg_buf *b)
{
    b->len = 0;
    if (b->ptr)
        b->ptr[0] = '\0';
}

int pg_buf_reserve(pg_buf *b, size_t extra, pg_error *err)
{
    int overflow = 0;
    size_t need = pg_add_size(pg_add_size(b->len, extra, &overflow), 1, &overflow);
    size_t ncap;
    char *p;

    if (overflow || need - 1 > b->max)
        return pg_error_set(err, PG_ELIMIT, "text longer than %zu bytes", b->max);
    if (need <= b->cap)
        return 0;
    ncap = b->cap ? b->cap : 64;
    while (ncap < need)
        ncap = ncap > (size_t)-1 / 2 ? need : ncap * 2;
    p = pg_realloc(b->ptr, ncap);
    if (!p)
        return pg_error_oom(err);
    b->ptr = p;
    b->cap = ncap;
    return 0;
}

int pg_buf_add(pg_buf *b, const void *data, size_t len, pg_error *err)
{
    int rc = pg_buf_reserve(b, len, err);

    if (rc < 0)
        return rc;
    if (len)
        memcpy(b->ptr + b->len, data, len);
    b->len += len;
    b->ptr[b->len] = '\0';
    return 0;
}

int pg_buf_addc(pg_buf *b, char c, pg_error *err)
{
    return pg_buf_add(b, &c, 1, err);
}

int pg_buf_adds(pg_buf *b, const char *s, pg_error *err)
{
    return pg_buf_add(b, s, strlen(s), err);
}

int pg_buf_vaddf(pg_buf *b, pg_error *err, const char *fmt, va_list ap)
{
    va_list again;
    int n, rc;

    va_copy(again, ap);
    n = vsnprintf(NULL, 0, fmt, again);
    va_end(again);
    if (n < 0)
        return pg_error_set(err, PG_EINTERNAL, "bad format string");
    rc = pg_buf_reserve(b, (size_t)n, err);
    if (rc < 0)
        return rc;
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int pg_buf_addf(pg_buf *b, pg_error *err, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = pg_buf_vaddf(b, err, fmt, ap);
    va_end(ap);
    return rc;
}

char *pg_buf_detach(pg_buf *b, size_t *len_out)
{
    char *s = b->ptr;

    if (!s)
        s = pg_strdup("");
    if (len_out)
        *len_out = s ? b->len : 0;
    b->ptr = NULL;
    b->len = 0;
    b->cap = 0;
    return s;
}
