/*
 * buf.h — the one growable byte buffer of the library (curl's dynbuf, git's
 * strbuf are the models).
 *
 * A pg_buf owns a NUL-terminated byte string that grows by doubling, with
 * every size computed with overflow checks, and refuses to grow past its
 * `max` (PG_ELIMIT): no input can make it allocate without bound. A failed
 * append leaves the buffer as it was. Functions return 0 or a negative
 * PG_E* code and take `pg_error *err` last (may be NULL).
 */
#ifndef PG_UTIL_BUF_H
#define PG_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "plangate/error.h"

typedef struct pg_buf {
    char *ptr;   /**< NULL until the first append; then NUL-terminated */
    size_t len;  /**< bytes held, without the NUL */
    size_t cap;  /**< bytes allocated */
    size_t max;  /**< the most `len` may reach; 0 means SIZE_MAX - 1 */
} pg_buf;

/** A caller-owned, empty buffer that may hold up to `max` bytes (0: no cap). */
void pg_buf_init(pg_buf *b, size_t max);
/** Release what `b` owns; `b` is empty (and reusable) afterwards. Accepts NULL. */
void pg_buf_dispose(pg_buf *b);
/** Forget the contents, keep the allocation. */
void pg_buf_reset(pg_buf *b);
/** Make room for `extra` more bytes (and the NUL). PG_ENOMEM or PG_ELIMIT. */
int pg_buf_reserve(pg_buf *b, size_t extra, pg_error *err);

int pg_buf_add(pg_buf *b, const void *data, size_t len, pg_error *err);
int pg_buf_addc(pg_buf *b, char c, pg_error *err);
int pg_buf_adds(pg_buf *b, const char *s, pg_error *err);
int pg_buf_addf(pg_buf *b, pg_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
int pg_buf_vaddf(pg_buf *b, pg_error *err, const char *fmt, va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 0)))
#endif
    ;

/**
 * Hand the string out (the caller pg_free()s it) and leave `b` empty. An
 * empty buffer gives an allocated "" so that NULL always means out of memory.
 * `len_out` may be NULL.
 */
char *pg_buf_detach(pg_buf *b, size_t *len_out);

/** The contents as a C string, "" when empty. Borrowed. */
static inline const char *pg_buf_cstr(const pg_buf *b)
{
    return b->ptr ? b->ptr : "";
}

#endif
