/* message.c — what the reader and the decoder share beyond the tables: the
 * error messages, so one mistake reads the same wherever it is found (STYLE 7:
 * quote the byte), and the growth of their buffers. */
#include "json_internal.h"

#include <stdint.h>
#include <stdio.h>

#include "plangate/alloc.h"

const char *pg_json__quote_byte(char buf[16], unsigned char c)
{
    if (c >= 0x20 && c < 0x7f)
        snprintf(buf, 16, "'%c' (0x%02x)", c, c);
    else
        snprintf(buf, 16, "byte 0x%02x", c);
    return buf;
}

int pg_json__err_unexpected(pg_error *err, uint64_t off, unsigned char c, const char *expected)
{
    char q[16];

    pg_error_set(err, PG_ESYNTAX, "unexpected %s: %s", pg_json__quote_byte(q, c), expected);
    pg_error_at_offset(err, off);
    return PG_ESYNTAX;
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
    pg_error_set(err, PG_ESYNTAX, "invalid UTF-8: byte 0x%02x %s", c, why);
    pg_error_at_offset(err, off);
    return PG_ESYNTAX;
}

int pg_json__err_depth(pg_error *err, uint64_t off, unsigned max_depth)
{
    pg_error_set(err, PG_ELIMIT,
                 "nesting too deep: more than %u levels of arrays and objects (limit max_depth)",
                 max_depth);
    pg_error_at_offset(err, off);
    return PG_ELIMIT;
}

int pg_json__err_string_limit(pg_error *err, uint64_t off, uint64_t str_start, size_t max_string)
{
    pg_error_set(err, PG_ELIMIT,
                 "string too long: the string started at byte %llu exceeds %zu bytes (limit max_string)",
                 (unsigned long long)str_start, max_string);
    pg_error_at_offset(err, off);
    return PG_ELIMIT;
}

int pg_json__reserve(char **buf, size_t *cap, size_t need)
{
    size_t n;
    char *nb;

    if (need <= *cap)
        return 0;
    n = *cap ? *cap : 256;
    while (n < need)
        n = n > SIZE_MAX / 2 ? need : n * 2;
    nb = pg_realloc(*buf, n);
    if (!nb)
        return PG_ENOMEM;
    *buf = nb;
    *cap = n;
    return 0;
}
