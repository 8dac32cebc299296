/* error.c — the one error record (include/plangate/error.h). */
#include "plangate/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void pg_error_clear(pg_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

int pg_error_set(pg_error *err, int code, const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return code;
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}

int pg_error_oom(pg_error *err)
{
    return pg_error_set(err, PG_ENOMEM, "out of memory");
}

void pg_error_copy(pg_error *dst, const pg_error *src)
{
    char source[PG_ERROR_SOURCE_MAX];

    if (!dst || dst == src)
        return;
    memcpy(source, dst->source, sizeof source);
    *dst = *src;
    if (!src->source[0])
        memcpy(dst->source, source, sizeof source);
}

void pg_error_at_offset(pg_error *err, uint64_t offset)
{
    if (!err)
        return;
    err->has_offset = 1;
    err->offset = offset;
}

void pg_error_at_line(pg_error *err, int line, int column)
{
    if (!err)
        return;
    err->line = line;
    err->column = column;
}

void pg_error_set_source(pg_error *err, const char *source)
{
    if (!err)
        return;
    snprintf(err->source, sizeof err->source, "%s", source ? source : "");
}

void pg_error_format(const pg_error *err, char *buf, size_t size)
{
    const char *src;

    if (size == 0)
        return;
    if (!err) {
        buf[0] = '\0';
        return;
    }
    src = err->source;
    if (err->line > 0)
        snprintf(buf, size, "%s:%d:%d: %s", src[0] ? src : "<input>", err->line, err->column,
                 err->message);
    else if (err->has_offset)
        snprintf(buf, size, "%s%sbyte %llu: %s", src, src[0] ? ": " : "",
                 (unsigned long long)err->offset, err->message);
    else
        snprintf(buf, size, "%s%s%s", src, src[0] ? ": " : "", err->message);
}

const char *pg_error_code_name(int code)
{
    switch (code) {
    case PG_OK: return "ok";
    case PG_ENOMEM: return "out of memory";
    case PG_EIO: return "i/o";
    case PG_ESYNTAX: return "syntax";
    case PG_ELIMIT: return "limit";
    case PG_EPLAN: return "not a plan";
    case PG_EPOLICY: return "policy";
    case PG_EUSAGE: return "usage";
    case PG_EERRORED: return "errored plan";
    case PG_EINTERNAL: return "internal";
    default: return "error";
    }
}
