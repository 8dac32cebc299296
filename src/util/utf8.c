/* utf8.c — UTF-8 decoding, encoding and measuring (utf8.h). */
#include "util/utf8.h"

size_t pg_utf8_seq_len(unsigned char lead)
{
    if (lead >= 0xF0 && lead <= 0xF4)
        return 4;
    if (lead >= 0xE0 && lead <= 0xEF)
        return 3;
    if (lead >= 0xC2 && lead <= 0xDF)
        return 2;
    return 1;
}

unsigned pg_utf8_lead(unsigned char lead, unsigned char *lo, unsigned char *hi)
{
    *lo = 0x80;
    *hi = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF)
        return 1;
    if (lead >= 0xE0 && lead <= 0xEF) {
        if (lead == 0xE0)
            *lo = 0xA0;
        else if (lead == 0xED)
            *hi = 0x9F;
        return 2;
    }
    if (lead >= 0xF0 && lead <= 0xF4) {
        if (lead == 0xF0)
            *lo = 0x90;
        else if (lead == 0xF4)
            *hi = 0x8F;
        return 3;
    }
    return 0;
}

size_t pg_utf8_decode(const char *s, size_t n, uint32_t *cp, int *valid_out)
{
    const unsigned char *u = (const unsigned char *)s;
    uint32_t c, min;
    size_t len, i;

    if (u[0] < 0x80) {
        *cp = u[0];
        if (valid_out)
            *valid_out = 1;
        return 1;
    }
    if ((u[0] & 0xE0) == 0xC0) {
        len = 2;
        c = u[0] & 0x1Fu;
        min = 0x80;
    } else if ((u[0] & 0xF0) == 0xE0) {
        len = 3;
        c = u[0] & 0x0Fu;
        min = 0x800;
    } else if ((u[0] & 0xF8) == 0xF0) {
        len = 4;
        c = u[0] & 0x07u;
        min = 0x10000;
    } else {
        goto invalid;
    }
    if (len > n)
        goto invalid;
    for (i = 1; i < len; i++) {
        if ((u[i] & 0xC0) != 0x80)
            goto invalid;
        c = (c << 6) | (u[i] & 0x3Fu);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        goto invalid;
    *cp = c;
    if (valid_out)
        *valid_out = 1;
    return len;
invalid:
    *cp = PG_UTF8_REPLACEMENT;
    if (valid_out)
        *valid_out = 0;
    return 1;
}

size_t pg_utf8_encode(uint32_t cp, unsigned char out[4])
{
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xC0u | (cp >> 6));
        out[1] = (unsigned char)(0x80u | (cp & 0x3Fu));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xE0u | (cp >> 12));
        out[1] = (unsigned char)(0x80u | ((cp >> 6) & 0x3Fu));
        out[2] = (unsigned char)(0x80u | (cp & 0x3Fu));
        return 3;
    }
    out[0] = (unsigned char)(0xF0u | (cp >> 18));
    out[1] = (unsigned char)(0x80u | ((cp >> 12) & 0x3Fu));
    out[2] = (unsigned char)(0x80u | ((cp >> 6) & 0x3Fu));
    out[3] = (unsigned char)(0x80u | (cp & 0x3Fu));
    return 4;
}

int pg_utf8_valid(const char *s, size_t n)
{
    size_t i = 0;
    uint32_t cp;
    int ok;

    while (i < n) {
        i += pg_utf8_decode(s + i, n - i, &cp, &ok);
        if (!ok)
            return 0;
    }
    return 1;
}

size_t pg_utf8_count(const char *s, size_t n)
{
    size_t i = 0, count = 0;
    uint32_t cp;

    while (i < n) {
        i += pg_utf8_decode(s + i, n - i, &cp, NULL);
        count++;
    }
    return count;
}

size_t pg_utf8_cut(const char *s, size_t n, size_t max)
{
    size_t i = 0;
    uint32_t cp;

    while (i < n) {
        size_t k = pg_utf8_decode(s + i, n - i, &cp, NULL);
        if (i + k > max)
            break;
        i += k;
    }
    return i;
}
