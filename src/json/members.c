/* members.c — walk an object's members in validated raw bytes without
 * decoding (include/plangate/json.h: pg_json_object_next). Used to look at
 * a resource change's type and actions before deciding to decode it.
 * The bytes were validated by the reader, so this only has to skip: strings
 * are jumped over with memchr, containers by counting brackets outside
 * strings. It still never reads past `len`. */
#include "plangate/json.h"

#include "json_internal.h"

#include <string.h>

static size_t skip_ws(const char *p, size_t i, size_t n)
{
    while (i < n && (p[i] == ' ' || p[i] == '\n' || p[i] == '\r' || p[i] == '\t'))
        i++;
    return i;
}

/* p[i] is the opening quote; returns the index after the closing quote, or
 * n. The word-at-a-time scan of the reader skips ordinary bytes 8 at a time:
 * most strings of a plan are short, and a memchr call per string cost more
 * than the scan itself. */
static size_t skip_string(const char *p, size_t i, size_t n, int *has_escape)
{
    const unsigned char *q = (const unsigned char *)p + i + 1;
    const unsigned char *end = (const unsigned char *)p + n;

    while (q < end) {
        q = pg_json__scan_string(q, end);
        if (q >= end)
            break;
        if (*q == '"')
            return (size_t)(q - (const unsigned char *)p) + 1;
        if (*q == '\\') {
            if (has_escape)
                *has_escape = 1;
            q += 2;
        } else {
            q++; /* a UTF-8 byte: validated already */
        }
    }
    return n;
}

/* Returns the index after the value that starts at p[i], or n. */
static size_t skip_value(const char *p, size_t i, size_t n)
{
    size_t depth = 0;

    if (i >= n)
        return n;
    if (p[i] == '"')
        return skip_string(p, i, n, NULL);
    if (p[i] != '{' && p[i] != '[') {
        /* number or literal: up to the next delimiter */
        while (i < n && p[i] != ',' && p[i] != '}' && p[i] != ']' && p[i] != ' ' && p[i] != '\n' &&
               p[i] != '\r' && p[i] != '\t')
            i++;
        return i;
    }
    while (i < n) {
        char c = p[i];
        if (c == '"') {
            i = skip_string(p, i, n, NULL);
            continue;
        }
        if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (--depth == 0)
                return i + 1;
        }
        i++;
    }
    return n;
}

int pg_json_object_next(const char *raw, size_t len, size_t *pos, pg_json_member *out)
{
    size_t i = skip_ws(raw, *pos, len), k0, v0;

    if (i >= len)
        return -1;
    if (*pos == 0 || raw[i] == '{') {
        if (raw[i] != '{')
            return -1;
        i = skip_ws(raw, i + 1, len);
    } else if (raw[i] == ',') {
        i = skip_ws(raw, i + 1, len);
    }
    if (i >= len)
        return -1;
    if (raw[i] == '}') {
        *pos = i + 1;
        return 0;
    }
    if (raw[i] != '"')
        return -1;
    memset(out, 0, sizeof *out);
    k0 = i;
    i = skip_string(raw, i, len, &out->key_has_escape);
    if (i >= len)
        return -1;
    out->key = raw + k0 + 1;
    out->key_len = i - k0 - 2;
    i = skip_ws(raw, i, len);
    if (i >= len || raw[i] != ':')
        return -1;
    i = skip_ws(raw, i + 1, len);
    v0 = i;
    i = skip_value(raw, i, len);
    if (i > len || i == v0)
        return -1;
    out->value = raw + v0;
    out->value_len = i - v0;
    *pos = i;
    return 1;
}
