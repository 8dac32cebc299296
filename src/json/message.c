/* message.c — the error messages of the JSON module: one wording per mistake,
 * whether the reader or the decoder finds it (STYLE 7: quote the byte, name
 * the limit), each recorded through pg_error_set with its offset. */
#include "json_internal.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

const char *pg_json__quote_byte(char buf[16], unsigned char c)
{
    if (c >= 0x20 && c < 0x7f)
        snprintf(buf, 16, "'%c' (0x%02x)", c, c);
    else
        snprintf(buf, 16, "byte 0x%02x", c);
    return buf;
}

int pg_json__fail(pg_error *err, int code, uint64_t off, const char *fmt, ...)
{
    char msg[PG_ERROR_MESSAGE_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pg_error_clear(err);
    pg_error_set(err, code, "%s", msg);
    pg_error_at_offset(err, off);
    return code;
}

int pg_json__err_unexpected(pg_error *err, uint64_t off, unsigned char c, const char *expected)
{
    char q[16];

    return pg_json__fail(err, PG_ESYNTAX, off, "unexpected %s: %s", pg_json__quote_byte(q, c), expected);
}

int pg_json__err_utf8(pg_error *err, uint64_t off, unsigned char lead, unsigned pos, unsigned char c)
{
    const char *why;

    if (pos == 0) {
        if (c >= 0x80 && c <= 0xBF)
            why = "is a continuation byte with no lead byte before it";
        else if (c == 0xC0 || c == 0xC1)
            why = "starts an overlong encoding";
        else
            why = "cannot start a character (UTF-8 ends at U+10FFFF)";
    } else if (c < 0x80 || c > 0xBF) {
        why = "where a continuation byte (0x80-0xbf) was expected: the character is truncated";
    } else if (pos == 1 && (lead == 0xE0 || lead == 0xF0)) {
        why = "makes an overlong encoding";
    } else if (pos == 1 && lead == 0xED) {
        why = "encodes a UTF-16 surrogate (U+D800-U+DFFF), which UTF-8 forbids";
    } else if (pos == 1 && lead == 0xF4) {
        why = "encodes a code point above U+10FFFF";
    } else {
        why = "is out of place";
    }
    return pg_json__fail(err, PG_ESYNTAX, off, "invalid UTF-8: byte 0x%02x %s", c, why);
}

int pg_json__err_depth(pg_error *err, uint64_t off, unsigned max_depth)
{
    return pg_json__fail(err, PG_ELIMIT, off,
                         "nesting too deep: more than %u levels of arrays and objects (limit max_depth)",
                         max_depth);
}

int pg_json__err_string_limit(pg_error *err, uint64_t off, uint64_t str_start, size_t max_string)
{
    return pg_json__fail(err, PG_ELIMIT, off,
                         "string too long: the string started at byte %llu exceeds %zu bytes (limit max_string)",
                         (unsigned long long)str_start, max_string);
}
