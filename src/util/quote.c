/* quote.c — untrusted text quoted for messages (quote.h). */
#include "util/quote.h"

#include <stdio.h>
#include <string.h>

#include "util/utf8.h"

#define ELLIPSIS "\xe2\x80\xa6" /* … */

static int needs_escape(uint32_t cp)
{
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C ||
           (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E) ||
           (cp >= 0x2060 && cp <= 0x206F) || cp == 0xFEFF || cp == PG_UTF8_REPLACEMENT;
}

/* The escaped form of the character at s[i] (n bytes left) into out; returns
 * its length and sets *used to the input bytes it covers. */
static size_t quote_char(char out[16], const char *s, size_t n, size_t *used, int bare)
{
    uint32_t cp;
    int valid;
    size_t k = pg_utf8_decode(s, n, &cp, &valid);

    *used = k;
    switch (cp) {
    case '"':
    case '\\':
        if (bare)
            break;
        out[0] = '\\';
        out[1] = (char)cp;
        return 2;
    case '\n': memcpy(out, "\\n", 2); return 2;
    case '\r': memcpy(out, "\\r", 2); return 2;
    case '\t': memcpy(out, "\\t", 2); return 2;
    case '#':
        /* "##[" anywhere in a line is a legacy workflow command. */
        if (n >= 3 && s[1] == '#' && s[2] == '[') {
            memcpy(out, "\\u0023", 6);
            return 6;
        }
        break;
    default:
        break;
    }
    if (needs_escape(cp)) {
        /* an invalid byte is U+FFFD; a literal U+FFFD is too (it reads the same) */
        snprintf(out, 16, "\\u%04X", (unsigned)cp);
        return 6;
    }
    memcpy(out, s, k);
    return k;
}

int pg_quote(pg_buf *out, const char *s, size_t len, size_t max, pg_error *err)
{
    size_t i = 0, used, k, limit = max && max < len ? pg_utf8_cut(s, len, max) : len;
    char piece[16];
    int rc;

    if ((rc = pg_buf_addc(out, '"', err)) < 0)
        return rc;
    while (i < limit) {
        k = quote_char(piece, s + i, len - i, &used, 0);
        if ((rc = pg_buf_add(out, piece, k, err)) < 0)
            return rc;
        i += used;
    }
    if (limit < len && (rc = pg_buf_adds(out, ELLIPSIS, err)) < 0)
        return rc;
    return pg_buf_addc(out, '"', err);
}

char *pg_quote_fixed(char *dst, size_t size, const char *s, size_t len)
{
    /* room kept for the ellipsis (3 bytes), the closing quote and the NUL */
    const size_t tail = sizeof ELLIPSIS - 1 + 2;
    size_t o = 0, i = 0, used, k;
    char piece[16];

    if (size == 0)
        return dst;
    if (size < 6) {
        dst[0] = '\0';
        return dst;
    }
    dst[o++] = '"';
    while (i < len) {
        k = quote_char(piece, s + i, len - i, &used, 0);
        /* the last piece may use the ellipsis room only if it ends the input */
        if (o + k + (i + used < len ? tail : 2) > size) {
            memcpy(dst + o, ELLIPSIS, sizeof ELLIPSIS - 1);
            o += sizeof ELLIPSIS - 1;
            break;
        }
        memcpy(dst + o, piece, k);
        o += k;
        i += used;
    }
    dst[o++] = '"';
    dst[o] = '\0';
    return dst;
}

char *pg_quote_str(char *dst, size_t size, const char *s)
{
    if (!s)
        s = "(null)";
    return pg_quote_fixed(dst, size, s, strlen(s));
}

int pg_escape_text(pg_buf *out, const char *s, size_t len, pg_error *err)
{
    size_t i = 0, used, k;
    char piece[16];
    int rc;

    while (i < len) {
        k = quote_char(piece, s + i, len - i, &used, 1);
        if ((rc = pg_buf_add(out, piece, k, err)) < 0)
            return rc;
        i += used;
    }
    return 0;
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
