/*
 * out.c — the output sink of the report writers (report_internal.h): a
 * stream or a memory buffer (util/buf), the line guard, and the first
 * failure kept as a pg_error that the writer returns.
 */
#include "report/report_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

void pg_report__out_stream(pg_report__out *o, FILE *f, const char *name)
{
    memset(o, 0, sizeof *o);
    o->f = f;
    o->name = name;
    o->line_start = 1;
    o->err = &o->own;
    pg_buf_init(&o->buf, 0);
}

void pg_report__out_memory(pg_report__out *o, pg_report__out *parent)
{
    memset(o, 0, sizeof *o);
    o->name = parent ? parent->name : "report";
    o->line_start = 1;
    o->err = parent ? parent->err : &o->own;
    pg_buf_init(&o->buf, 0);
}

void pg_report__out_guard(pg_report__out *o, const char *colon)
{
    o->colon = colon;
}

void pg_report__out_dispose(pg_report__out *o)
{
    pg_buf_dispose(&o->buf);
}

void pg_report__out_reset(pg_report__out *o)
{
    pg_buf_reset(&o->buf);
    o->line_start = 1;
}

const char *pg_report__out_text(const pg_report__out *o)
{
    return pg_buf_cstr(&o->buf);
}

size_t pg_report__out_len(const pg_report__out *o)
{
    return o->buf.len;
}

int pg_report__out_failed(const pg_report__out *o)
{
    return o->err->code != 0;
}

int pg_report__out_fail(pg_report__out *o, int code, const char *fmt, ...)
{
    va_list ap;

    if (o->err->code != 0)
        return o->err->code;
    va_start(ap, fmt);
    vsnprintf(o->err->message, sizeof o->err->message, fmt, ap);
    va_end(ap);
    o->err->code = code;
    return code;
}

int pg_report__out_finish(const pg_report__out *o, pg_error *err)
{
    if (o->err->code == 0)
        return PG_OK;
    pg_error_copy(err, o->err);
    return o->err->code;
}

/* MARK: writing */

static void emit(pg_report__out *o, const char *s, size_t n)
{
    pg_error e;

    if (n == 0 || o->err->code != 0)
        return;
    if (o->f) {
        errno = 0;
        if (fwrite(s, 1, n, o->f) != n)
            pg_report__out_fail(o, PG_EIO, "cannot write the %s report: %s", o->name,
                                errno ? strerror(errno) : "write error");
        return;
    }
    pg_error_clear(&e);
    if (pg_buf_add(&o->buf, s, n, &e) < 0 && o->err->code == 0)
        pg_error_copy(o->err, &e);
}

void pg_report__write(pg_report__out *o, const char *s, size_t n)
{
    size_t i = 0, start = 0;

    if (!o->colon) {
        emit(o, s, n);
        return;
    }
    while (i < n) {
        if (o->line_start) {
            /* The runner trims blanks, then looks for "::": a ':' here is escaped. */
            if (s[i] == ':') {
                emit(o, s + start, i - start);
                emit(o, o->colon, strlen(o->colon));
                start = i + 1;
                o->line_start = 0;
            } else if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n') {
                o->line_start = 0;
            }
            i++;
        } else {
            const char *nl = memchr(s + i, '\n', n - i);
            if (!nl)
                break;
            i = (size_t)(nl - s) + 1;
            o->line_start = 1;
        }
    }
    emit(o, s + start, n - start);
}

void pg_report__puts(pg_report__out *o, const char *s)
{
    pg_report__write(o, s, strlen(s));
}

void pg_report__putc(pg_report__out *o, char c)
{
    pg_report__write(o, &c, 1);
}

void pg_report__pad(pg_report__out *o, char c, size_t n)
{
    char chunk[64];

    memset(chunk, c, sizeof chunk);
    while (n > 0) {
        size_t k = n < sizeof chunk ? n : sizeof chunk;
        pg_report__write(o, chunk, k);
        n -= k;
    }
}

void pg_report__printf(pg_report__out *o, const char *fmt, ...)
{
    va_list ap;
    pg_buf b;
    pg_error e;

    if (o->err->code != 0)
        return;
    pg_buf_init(&b, 0);
    pg_error_clear(&e);
    va_start(ap, fmt);
    if (pg_buf_vaddf(&b, &e, fmt, ap) < 0)
        pg_error_copy(o->err, &e);
    else
        pg_report__write(o, pg_buf_cstr(&b), b.len);
    va_end(ap);
    pg_buf_dispose(&b);
}

/* MARK: through the escaping loop */

size_t pg_report__out_piece(void *ctx, const char *piece, size_t n, size_t rest, int plain)
{
    pg_report__out *o = ctx;

    (void)rest;
    (void)plain;
    pg_report__write(o, piece, n);
    return o->err->code == 0 ? n : 0;
}

void pg_report__escn(pg_report__out *o, const pg_esc_table *t, const char *s, size_t len)
{
    if (s && o->err->code == 0)
        pg_esc_run(t, NULL, s, len, pg_report__out_piece, o);
}

void pg_report__esc(pg_report__out *o, const pg_esc_table *t, const char *s)
{
    if (s)
        pg_report__escn(o, t, s, strlen(s));
}
