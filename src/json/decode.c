/*
 * decode.c — one complete JSON text to jansson values (pg_json_decode).
 *
 * Why not json_loadb: jansson 2.14 fails a whole document on a number it
 * cannot hold (99999999999999999999, 1e400), which would make a valid plan
 * unreadable (SPEC §2); here such a number becomes its literal text. It also
 * lets us reject duplicate keys on request, report errors with the same
 * messages and absolute offsets as the reader, and build strings straight
 * from the input (json_stringn_nocheck: we validated the UTF-8 already).
 *
 * The parser is iterative with an explicit stack capped by max_depth, so a
 * caller's large max_depth cannot overflow the C stack. Every plan change
 * goes through here, so strings without escapes are handed to jansson
 * straight from the input, and keys with escapes are decoded once into a
 * stack of pending keys.
 */
#include "json_internal.h"

#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plangate/alloc.h"

/* One open container. For an object, the key whose value is being read. */
typedef struct dframe {
    json_t *container;
    int is_object;
    const char *key;   /* in the input, or NULL: in d->keys at key_off */
    size_t key_off;
    size_t key_len;
    uint64_t key_at;   /* offset of the key's opening quote */
    uint64_t open_at;  /* offset of the '{' / '[' */
} dframe;

typedef struct decoder {
    const unsigned char *buf;
    const unsigned char *end;
    const unsigned char *p;
    uint64_t base;
    pg_json_limits lim;
    int reject_dups;
    pg_error *err;
    char *scratch; /* the decoded text of an escaped string value */
    size_t scratch_cap;
    char *keys; /* decoded escaped keys of the open objects, as a stack */
    size_t keys_len;
    size_t keys_cap;
    dframe *stack;
    unsigned depth;
    unsigned cap;
} decoder;

#define OFF(d, q) ((d)->base + (uint64_t)((q) - (d)->buf))

/* MARK: errors ------------------------------------------------------------ */

static int fail(decoder *d, int code, uint64_t off, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static int fail(decoder *d, int code, uint64_t off, const char *fmt, ...)
{
    va_list ap;

    if (!d->err)
        return code;
    pg_error_clear(d->err);
    d->err->code = code;
    va_start(ap, fmt);
    vsnprintf(d->err->message, sizeof d->err->message, fmt, ap);
    va_end(ap);
    pg_error_at_offset(d->err, off);
    return code;
}

static int unexpected(decoder *d, const unsigned char *q, const char *expected)
{
    pg_error_clear(d->err);
    return pg_json__err_unexpected(d->err, OFF(d, q), *q, expected);
}

static int truncated(decoder *d, const char *what, uint64_t at)
{
    return fail(d, PG_ESYNTAX, OFF(d, d->end),
                "unexpected end of input: the JSON is truncated (inside %s started at byte %llu)", what,
                (unsigned long long)at);
}

static int nomem(decoder *d)
{
    return fail(d, PG_ENOMEM, OFF(d, d->p), "out of memory while decoding JSON");
}

/* MARK: strings ----------------------------------------------------------- */

/*
 * The string at d->p (its opening quote). Without escapes, *out points into
 * the input; with escapes the string is decoded into *buf from offset `at`
 * (growing it) and *out is NULL (the text is at *buf + at, *out_len bytes).
 * d->p ends after the closing quote.
 */
static int parse_string(decoder *d, int is_key, const char **out, size_t *out_len, char **buf,
                        size_t *cap, size_t at)
{
    const unsigned char *start = d->p;
    const unsigned char *p = d->p + 1;
    const unsigned char *end = d->end;
    const unsigned char *seg;
    const uint64_t str_at = OFF(d, start);
    size_t n = at; /* write position in *buf once escaped */
    int escaped = 0;

/* Before any error found at q: a string limit broken by the bytes before q
 * wins, as in the reader (where a chunk end may fall just before q). */
#define LIMIT_BEFORE(q)                                                                            \
    do {                                                                                           \
        if ((size_t)((q)-start - 1) > d->lim.max_string) {                                         \
            pg_error_clear(d->err);                                                                \
            return pg_json__err_string_limit(d->err, str_at + 1 + d->lim.max_string, str_at,       \
                                             d->lim.max_string);                                   \
        }                                                                                          \
    } while (0)

    seg = p;
    for (;;) {
        unsigned c;

        p = pg_json__scan_string(p, end);
        LIMIT_BEFORE(p);
        if (p == end)
            return truncated(d, is_key ? "an object key" : "a string", str_at);
        c = *p;
        if (c == '"' || c == '\\') {
            if (escaped || c == '\\') {
                size_t k = (size_t)(p - seg);
                if (pg_json__reserve(buf, cap, n + k + 8))
                    return nomem(d);
                memcpy(*buf + n, seg, k);
                n += k;
                escaped = 1;
            }
            if (c == '"') {
                d->p = p + 1;
                if (escaped) {
                    *out = NULL;
                    *out_len = n - at;
                } else {
                    *out = (const char *)(start + 1);
                    *out_len = (size_t)(p - start - 1);
                }
                return 0;
            }
            /* An escape: n has room for 8 more bytes. */
            p++;
            LIMIT_BEFORE(p);
            if (p == end)
                return truncated(d, is_key ? "an object key" : "a string", str_at);
            c = pg_json__escape[*p];
            if (c > PG_JSON_ESC_U) {
                (*buf)[n++] = (char)c;
                p++;
            } else if (c == PG_JSON_ESC_U) {
                uint32_t u = 0, lo = 0;
                const unsigned char *esc = p - 1;
                int i;
                p++;
                for (i = 0; i < 4; i++, p++) {
                    LIMIT_BEFORE(p);
                    if (p == end)
                        return truncated(d, is_key ? "an object key" : "a string", str_at);
                    if (pg_json__hex[*p] == 0xff) {
                        char q[16];
                        return fail(d, PG_ESYNTAX, OFF(d, p),
                                    "invalid \\u escape: unexpected %s in the string started at "
                                    "byte %llu: expected 4 hex digits after \\u",
                                    pg_json__quote_byte(q, *p), (unsigned long long)str_at);
                    }
                    u = u << 4 | pg_json__hex[*p];
                }
                LIMIT_BEFORE(p);
                if (PG_JSON_IS_LOW(u))
                    return fail(d, PG_ESYNTAX, OFF(d, esc),
                                "invalid string: lone low surrogate \\u%04X in the string "
                                "started at byte %llu (a high surrogate \\uD800-\\uDBFF must be "
                                "followed by a low one \\uDC00-\\uDFFF)",
                                (unsigned)u, (unsigned long long)str_at);
                if (PG_JSON_IS_HIGH(u)) {
                    /* Must be followed by \uDC00-\uDFFF. */
                    int ok = end - p >= 6 && p[0] == '\\' && p[1] == 'u';
                    for (i = 2; ok && i < 6; i++) {
                        if (pg_json__hex[p[i]] == 0xff)
                            ok = 0;
                        else
                            lo = lo << 4 | pg_json__hex[p[i]];
                    }
                    if (!ok || !PG_JSON_IS_LOW(lo)) {
                        /* Report what the reader reports: the first bad byte,
                         * or truncation. */
                        const unsigned char *q = p;
                        if (q < end && *q == '\\') {
                            q++;
                            if (q < end && *q == 'u') {
                                for (i = 0, q++; i < 4 && q < end && pg_json__hex[*q] != 0xff; i++)
                                    q++;
                                LIMIT_BEFORE(q);
                                if (i < 4 && q < end) {
                                    char qb[16];
                                    return fail(d, PG_ESYNTAX, OFF(d, q),
                                                "invalid \\u escape: unexpected %s in the string "
                                                "started at byte %llu: expected 4 hex digits "
                                                "after \\u",
                                                pg_json__quote_byte(qb, *q),
                                                (unsigned long long)str_at);
                                }
                            }
                        }
                        LIMIT_BEFORE(q);
                        if (q == end)
                            return truncated(d, is_key ? "an object key" : "a string", str_at);
                        return fail(d, PG_ESYNTAX, OFF(d, esc),
                                    "invalid string: high surrogate not followed by a low surrogate: "
                                    "\\u%04X in the string started at byte %llu (a high "
                                    "surrogate \\uD800-\\uDBFF must be followed by a low one "
                                    "\\uDC00-\\uDFFF)",
                                    (unsigned)u, (unsigned long long)str_at);
                    }
                    p += 6;
                    u = 0x10000u + ((u - 0xD800u) << 10) + (lo - 0xDC00u);
                }
                n += pg_json__put_utf8((unsigned char *)*buf + n, u);
            } else {
                char q[16];
                return fail(d, PG_ESYNTAX, OFF(d, p),
                            "invalid escape: unexpected %s after '\\' in the string "
                            "started at byte %llu: expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t "
                            "\\uXXXX",
                            pg_json__quote_byte(q, *p), (unsigned long long)str_at);
            }
            seg = p;
            continue;
        }
        if (c < 0x20) {
            char q[16];
            return fail(d, PG_ESYNTAX, OFF(d, p),
                        "unexpected %s in the string started at byte %llu: control "
                        "characters must be escaped in strings (\\n, \\t, \\u0000, ...)",
                        pg_json__quote_byte(q, (unsigned char)c), (unsigned long long)str_at);
        }
        /* c >= 0x80: one UTF-8 character, checked in place. */
        {
            const pg_json__utf8_lead *L = &pg_json__utf8[c];
            unsigned i;
            if (!L->need) {
                pg_error_clear(d->err);
                return pg_json__err_utf8(d->err, OFF(d, p), (unsigned char)c, 0, (unsigned char)c);
            }
            for (i = 1; i <= L->need; i++) {
                unsigned lo = i == 1 ? L->lo : 0x80, hi = i == 1 ? L->hi : 0xBF;
                LIMIT_BEFORE(p + i);
                if (p + i == end)
                    return truncated(d, is_key ? "an object key" : "a string", str_at);
                if (p[i] < lo || p[i] > hi) {
                    pg_error_clear(d->err);
                    return pg_json__err_utf8(d->err, OFF(d, p + i), (unsigned char)c, i, p[i]);
                }
            }
            p += L->need + 1;
        }
    }
}

#undef LIMIT_BEFORE

/* MARK: numbers ----------------------------------------------------------- */

/* The text of a number as a json string (SPEC §2: never rejected). */
static json_t *number_text(const unsigned char *s, size_t n)
{
    return json_stringn_nocheck((const char *)s, n);
}

static json_t *make_real(const unsigned char *s, size_t n)
{
    char local[64];
    char *txt = local, *endp;
    char point = localeconv()->decimal_point[0];
    double v;
    json_t *j;
    size_t i;

    /* strtod needs a terminated copy (the input goes on after the number)
     * and follows the locale's decimal point, as jansson's own loader
     * knows (jansson/src/strconv.c). */
    if (n >= sizeof local) {
        txt = pg_malloc(n + 1);
        if (!txt)
            return NULL;
    }
    memcpy(txt, s, n);
    txt[n] = '\0';
    if (point != '.')
        for (i = 0; i < n; i++)
            if (txt[i] == '.')
                txt[i] = point;
    v = strtod(txt, &endp);
    if (txt != local)
        pg_free(txt);
    if (!isfinite(v))
        return number_text(s, n);
    j = json_real(v);
    return j;
}

/* The number at d->p; *out gets the new value. */
static int parse_number(decoder *d, json_t **out)
{
    const unsigned char *s = d->p, *p = d->p, *end = d->end, *digits;
    int neg = 0, is_int = 1;

    if (*p == '-') {
        neg = 1;
        p++;
    }
    digits = p;
    if (p == end)
        return truncated(d, "a number", OFF(d, s));
    if (*p == '0') {
        p++;
        if (p < end && (unsigned)(*p - '0') < 10u)
            return unexpected(d, p,
                              "a number cannot have a leading zero (expected '.', 'e' or the end of "
                              "the number after 0)");
    } else if ((unsigned)(*p - '0') < 10u) {
        while (p < end && (unsigned)(*p - '0') < 10u)
            p++;
    } else {
        return unexpected(d, p, "expected a digit after '-' in a number");
    }
    if (p < end && *p == '.') {
        is_int = 0;
        p++;
        if (p == end)
            return truncated(d, "a number", OFF(d, s));
        if ((unsigned)(*p - '0') >= 10u)
            return unexpected(d, p, "expected a digit after the decimal point");
        while (p < end && (unsigned)(*p - '0') < 10u)
            p++;
    }
    if (p < end && (*p | 0x20) == 'e') {
        is_int = 0;
        p++;
        if (p < end && (*p == '+' || *p == '-')) {
            p++;
            if (p == end)
                return truncated(d, "a number", OFF(d, s));
            if ((unsigned)(*p - '0') >= 10u)
                return unexpected(d, p, "expected a digit in the exponent");
        }
        if (p == end)
            return truncated(d, "a number", OFF(d, s));
        if ((unsigned)(*p - '0') >= 10u)
            return unexpected(d, p, "expected a sign or a digit in the exponent");
        while (p < end && (unsigned)(*p - '0') < 10u)
            p++;
    }
    d->p = p;

    if (is_int && p - digits <= 19) {
        /* 19 digits always fit a uint64_t; int64 needs a check. */
        uint64_t u = 0;
        const unsigned char *q;
        for (q = digits; q < p; q++)
            u = u * 10u + (uint64_t)(*q - '0');
        if (!neg && u <= (uint64_t)INT64_MAX)
            *out = json_integer((json_int_t)u);
        else if (neg && u <= (uint64_t)INT64_MAX)
            *out = json_integer(-(json_int_t)u);
        else if (neg && u == (uint64_t)INT64_MAX + 1u)
            *out = json_integer(INT64_MIN);
        else
            *out = number_text(s, (size_t)(p - s));
    } else if (is_int) {
        *out = number_text(s, (size_t)(p - s));
    } else {
        *out = make_real(s, (size_t)(p - s));
    }
    return *out ? 0 : nomem(d);
}

/* MARK: structure --------------------------------------------------------- */

static void skip_ws(decoder *d)
{
    const unsigned char *p = d->p;
    while (p < d->end && pg_json__class[*p] == PG_JC_WS)
        p++;
    d->p = p;
}

static int push(decoder *d, json_t *c, int is_object)
{
    dframe *f;

    if (d->depth >= d->lim.max_depth) {
        json_decref(c);
        pg_error_clear(d->err);
        return pg_json__err_depth(d->err, OFF(d, d->p), d->lim.max_depth);
    }
    if (d->depth == d->cap) {
        unsigned ncap = d->cap ? d->cap * 2 : 16;
        dframe *ns = pg_realloc(d->stack, (size_t)ncap * sizeof *ns);
        if (!ns) {
            json_decref(c);
            return nomem(d);
        }
        d->stack = ns;
        d->cap = ncap;
    }
    f = &d->stack[d->depth++];
    f->container = c;
    f->is_object = is_object;
    f->key = NULL;
    f->key_off = d->keys_len;
    f->key_len = 0;
    f->key_at = 0;
    f->open_at = OFF(d, d->p);
    return 0;
}

/* Read a key of the object on top of the stack (d->p at its quote). */
static int read_key(decoder *d)
{
    dframe *f = &d->stack[d->depth - 1];
    const char *k;
    size_t klen;
    int rc;

    f->key_at = OFF(d, d->p);
    d->keys_len = f->key_off;
    rc = parse_string(d, 1, &k, &klen, &d->keys, &d->keys_cap, d->keys_len);
    if (rc)
        return rc;
    f->key = k;
    f->key_len = klen;
    if (!k)
        d->keys_len = f->key_off + klen;
    return 0;
}

/* Attach `v` (stolen) to the container on top, or make it the result. */
static int attach(decoder *d, json_t *v, json_t **root)
{
    dframe *f;
    const char *k;

    if (d->depth == 0) {
        *root = v;
        return 0;
    }
    f = &d->stack[d->depth - 1];
    if (!f->is_object)
        return json_array_append_new(f->container, v) ? nomem(d) : 0;
    k = f->key ? f->key : d->keys + f->key_off;
    if (d->reject_dups && json_object_getn(f->container, k, f->key_len)) {
        json_decref(v);
        return fail(d, PG_ESYNTAX, f->key_at,
                    "duplicate key \"%.*s\": the object already has a member with this name",
                    (int)(f->key_len > 80 ? 80 : f->key_len), k);
    }
    if (json_object_setn_new_nocheck(f->container, k, f->key_len, v))
        return nomem(d);
    return 0;
}

static const char *expected_after(const dframe *f)
{
    return f->is_object ? "expected ',' or '}' after an object member"
                        : "expected ',' or ']' after an array element";
}

static int run(decoder *d, json_t **root)
{
    json_t *v = NULL;
    const char *vexp = "expected a JSON value";
    int rc;

value:
    skip_ws(d);
    if (d->p == d->end) {
        if (d->depth == 0)
            return fail(d, PG_ESYNTAX, OFF(d, d->p),
                        d->p == d->buf ? "empty input: expected a JSON value"
                                       : "empty input: only whitespace, expected a JSON value");
        goto eof_in_container;
    }
    switch (pg_json__class[*d->p]) {
    case PG_JC_LBRACE:
        if (!(v = json_object()))
            return nomem(d);
        if ((rc = push(d, v, 1)) != 0)
            return rc;
        d->p++;
        skip_ws(d);
        if (d->p == d->end)
            goto eof_in_container;
        if (*d->p == '}') {
            d->p++;
            goto close;
        }
        if (*d->p != '"')
            return unexpected(d, d->p, "expected a string key or '}' after '{'");
        goto key;
    case PG_JC_LBRACKET:
        if (!(v = json_array()))
            return nomem(d);
        if ((rc = push(d, v, 0)) != 0)
            return rc;
        d->p++;
        skip_ws(d);
        if (d->p == d->end)
            goto eof_in_container;
        if (*d->p == ']') {
            d->p++;
            goto close;
        }
        vexp = "expected a value or ']' after '['";
        goto value;
    case PG_JC_QUOTE: {
        const char *s;
        size_t n;
        if ((rc = parse_string(d, 0, &s, &n, &d->scratch, &d->scratch_cap, 0)) != 0)
            return rc;
        v = json_stringn_nocheck(s ? s : d->scratch, n);
        if (!v)
            return nomem(d);
        break;
    }
    case PG_JC_MINUS:
    case PG_JC_DIGIT:
        if ((rc = parse_number(d, &v)) != 0)
            return rc;
        break;
    case PG_JC_T:
    case PG_JC_F:
    case PG_JC_N: {
        const char *lit = *d->p == 't' ? "true" : *d->p == 'f' ? "false" : "null";
        size_t n = strlen(lit), i;
        const unsigned char *s = d->p;
        for (i = 0; i < n; i++) {
            if (s + i == d->end)
                return truncated(d, *lit == 't'   ? "the literal true"
                                    : *lit == 'f' ? "the literal false"
                                                  : "the literal null",
                                 OFF(d, s));
            if (s[i] != (unsigned char)lit[i]) {
                char q[16];
                return fail(d, PG_ESYNTAX, OFF(d, s + i),
                            "unexpected %s: expected the literal %s (started at byte %llu)",
                            pg_json__quote_byte(q, s[i]), lit, (unsigned long long)OFF(d, s));
            }
        }
        d->p = s + n;
        v = *lit == 't' ? json_true() : *lit == 'f' ? json_false() : json_null();
        break;
    }
    default:
        return unexpected(d, d->p, vexp);
    }
    if ((rc = attach(d, v, root)) != 0)
        return rc;

after_value:
    if (d->depth == 0) {
        skip_ws(d);
        if (d->p != d->end)
            return unexpected(d, d->p, "expected the end of input after the top-level value");
        return 0;
    }
    skip_ws(d);
    if (d->p == d->end)
        goto eof_in_container;
    {
        dframe *f = &d->stack[d->depth - 1];
        unsigned char c = *d->p;
        if (c == ',') {
            d->p++;
            if (f->is_object) {
                skip_ws(d);
                if (d->p == d->end)
                    goto eof_in_container;
                if (*d->p != '"')
                    return unexpected(d, d->p, "expected a string key after ',' in an object");
                goto key;
            }
            vexp = "expected a value after ',' in an array";
            goto value;
        }
        if (c != (f->is_object ? '}' : ']'))
            return unexpected(d, d->p, expected_after(f));
        d->p++;
    }

close : {
    /* The container on top is complete: pop it and attach it below. */
    dframe *f = &d->stack[--d->depth];
    d->keys_len = f->key_off;
    if ((rc = attach(d, f->container, root)) != 0)
        return rc;
    goto after_value;
}

key:
    if ((rc = read_key(d)) != 0)
        return rc;
    skip_ws(d);
    if (d->p == d->end)
        goto eof_in_container;
    if (*d->p != ':')
        return unexpected(d, d->p, "expected ':' after an object key");
    d->p++;
    vexp = "expected a value after ':'";
    goto value;

eof_in_container : {
    dframe *f = &d->stack[d->depth - 1];
    return truncated(d, f->is_object ? "an object" : "an array", f->open_at);
}
}

/* MARK: public ------------------------------------------------------------ */

int pg_json_decode(json_t **out, const char *raw, size_t len, const pg_json_decode_options *opts,
                   pg_error *err)
{
    decoder d;
    json_t *root = NULL;
    int rc;
    unsigned i;

    memset(&d, 0, sizeof d);
    d.buf = (const unsigned char *)raw;
    d.end = d.buf + len;
    d.p = d.buf;
    d.err = err;
    if (opts) {
        d.lim = opts->limits;
        d.reject_dups = opts->reject_duplicate_keys;
        d.base = opts->base_offset;
    }
    if (d.lim.max_depth == 0)
        d.lim.max_depth = PG_JSON_DEFAULT_MAX_DEPTH;
    if (d.lim.max_string == 0)
        d.lim.max_string = PG_JSON_DEFAULT_MAX_STRING;
    if (d.lim.max_capture == 0)
        d.lim.max_capture = PG_JSON_DEFAULT_MAX_CAPTURE;
    *out = NULL;

    if (len > d.lim.max_capture) {
        rc = fail(&d, PG_ELIMIT, d.base + d.lim.max_capture,
                  "value too large: %zu bytes to decode exceed %zu bytes (limit max_capture)", len,
                  d.lim.max_capture);
        goto out;
    }
    /* A UTF-8 byte-order mark is skipped, as by the reader. */
    if (len >= 3 && memcmp(raw, "\xEF\xBB\xBF", 3) == 0)
        d.p += 3;
    rc = run(&d, &root);
out:
    /* On failure, the open containers hold everything built so far. */
    if (rc) {
        for (i = 0; i < d.depth; i++)
            json_decref(d.stack[i].container);
        json_decref(root);
        root = NULL;
    }
    pg_free(d.scratch);
    pg_free(d.keys);
    pg_free(d.stack);
    *out = root;
    return rc;
}
