/* quote.c — untrusted text quoted for messages (quote.h): the message
 * targets of the one escaping loop (util/esc.c). */
#include "util/quote.h"

#include <string.h>

#include "util/utf8.h"

#define ELLIPSIS "\xe2\x80\xa6" /* … */

/* A JSON string literal's escapes; every other control and every hidden
 * character is \uXXXX (esc.c). */
#define QUOTE_COMMON                                                                                  \
    ['\n'] = "\\n", ['\r'] = "\\r", ['\t'] = "\\t", ['#'] = PG_ESC_CONTEXT

const pg_esc_table pg_quote_table = {
    "quote", {QUOTE_COMMON, ['"'] = "\\\"", ['\\'] = "\\\\"}, PG_ESC_HIDDEN_UNICODE, NULL, "\\u0023",
};

/* The same without the quotes: " and \ stay as they are, so that text
 * pg_quote produced passes through unchanged (idempotent). */
const pg_esc_table pg_quote_bare_table = {
    "bare", {QUOTE_COMMON}, PG_ESC_HIDDEN_UNICODE, NULL, "\\u0023",
};

/* MARK: into a pg_buf */

typedef struct buf_sink {
    pg_buf *out;
    pg_error *err;
    int rc;
} buf_sink;

static size_t to_buf(void *ctx, const char *piece, size_t n, size_t rest, int plain)
{
    buf_sink *b = ctx;

    (void)rest;
    (void)plain;
    if ((b->rc = pg_buf_add(b->out, piece, n, b->err)) < 0)
        return 0;
    return n;
}

static int escape_into(pg_buf *out, const pg_esc_table *t, const char *s, size_t len, pg_error *err)
{
    buf_sink b = {out, err, 0};

    pg_esc_run(t, NULL, s, len, to_buf, &b);
    return b.rc;
}

int pg_quote(pg_buf *out, const char *s, size_t len, size_t max, pg_error *err)
{
    size_t limit = max && max < len ? pg_utf8_cut(s, len, max) : len;
    int rc;

    if ((rc = pg_buf_addc(out, '"', err)) < 0 || (rc = escape_into(out, &pg_quote_table, s, limit, err)) < 0)
        return rc;
    if (limit < len && (rc = pg_buf_adds(out, ELLIPSIS, err)) < 0)
        return rc;
    return pg_buf_addc(out, '"', err);
}

int pg_escape_text(pg_buf *out, const char *s, size_t len, pg_error *err)
{
    return escape_into(out, &pg_quote_bare_table, s, len, err);
}

/* MARK: into a fixed buffer */

typedef struct fixed_sink {
    char *dst;
    size_t size, o;
    int cut;
} fixed_sink;

/* Room kept for the ellipsis (3 bytes), the closing quote and the NUL. */
#define FIXED_TAIL (sizeof ELLIPSIS - 1 + 2)

static size_t to_fixed(void *ctx, const char *piece, size_t n, size_t rest, int plain)
{
    fixed_sink *f = ctx;
    size_t take = n;

    /* The last piece may use the ellipsis room only if it ends the input. */
    if (f->o + n + (rest ? FIXED_TAIL : 2) > f->size) {
        /* a plain run is cut where the ellipsis still fits (input follows
         * the cut); the form of one character is whole or nothing */
        take = plain && f->size > f->o + FIXED_TAIL ? f->size - f->o - FIXED_TAIL : 0;
        if (take >= n)
            take = n - 1;
        f->cut = 1;
    }
    memcpy(f->dst + f->o, piece, take);
    f->o += take;
    return take;
}

char *pg_quote_fixed(char *dst, size_t size, const char *s, size_t len)
{
    fixed_sink f = {dst, size, 0, 0};

    if (size == 0)
        return dst;
    if (size < 6) {
        dst[0] = '\0';
        return dst;
    }
    dst[f.o++] = '"';
    pg_esc_run(&pg_quote_table, NULL, s, len, to_fixed, &f);
    if (f.cut) {
        memcpy(dst + f.o, ELLIPSIS, sizeof ELLIPSIS - 1);
        f.o += sizeof ELLIPSIS - 1;
    }
    dst[f.o++] = '"';
    dst[f.o] = '\0';
    return dst;
}

int pg_quote_plain_key(const char *k)
{
    size_t i;

    for (i = 0; k[i]; i++) {
        char ch = k[i];
        if (i >= PG_QUOTE_DEFAULT_MAX || !((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                                           (ch >= '0' && ch <= '9') || ch == '_' || ch == '-'))
            return 0;
    }
    return i > 0;
}

char *pg_quote_str(char *dst, size_t size, const char *s)
{
    if (!s)
        s = "(null)";
    return pg_quote_fixed(dst, size, s, strlen(s));
}

/* What the runner's message.TrimStart() (.NET char.IsWhiteSpace) skips
 * before it looks for "::" (actions/runner, ActionCommand.TryParseV2). */
static int runner_blank(uint32_t cp)
{
    return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
           cp == 0x3000;
}

int pg_escape_line(pg_buf *out, const char *s, size_t len, pg_error *err)
{
    size_t blanks = 0, k;
    uint32_t cp;
    int rc;

    while (blanks < len && (k = pg_utf8_decode(s + blanks, len - blanks, &cp, NULL)) && runner_blank(cp))
        blanks += k;
    if (len - blanks < 2 || s[blanks] != ':' || s[blanks + 1] != ':')
        return pg_escape_text(out, s, len, err);
    if ((rc = pg_escape_text(out, s, blanks, err)) < 0 || (rc = pg_buf_adds(out, "\\u003A", err)) < 0)
        return rc;
    return pg_escape_text(out, s + blanks + 1, len - blanks - 1, err);
}
