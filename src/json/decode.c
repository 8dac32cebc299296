/*
 * decode.c — one JSON text to jansson values (pg_json_decode).
 *
 * Two steps, each done once. The streaming reader (reader.c) validates: it
 * holds the one grammar of the module (numbers, strings, UTF-8, nesting) and
 * its messages and offsets. The builder here turns bytes known to be valid
 * into values without checking them again. Plan changes arrive validated —
 * the reader captured them — so they skip the first step (opts->validated,
 * issue 12: a change is scanned once to validate it and once to build it).
 *
 * Why not json_loadb: jansson 2.14 fails a whole document on a number it
 * cannot hold (99999999999999999999, 1e400), which would make a valid plan
 * unreadable (SPEC §2); here such a number becomes its literal text. The
 * builder also rejects duplicate keys on request and hands strings to
 * jansson straight from the input (json_stringn_nocheck: the UTF-8 was
 * validated).
 *
 * Memory (issue 11): jansson spends up to 78 bytes per input byte (an empty
 * object costs 224 bytes in glibc chunks). The builder adds up what each
 * value will cost before it allocates it, with the sizes measured in
 * docs/performance.md, and stops with PG_ELIMIT once the total would pass
 * the budget (PG_JSON_DECODE_FACTOR × size + PG_JSON_DECODE_SLACK).
 *
 * The builder is iterative with an explicit stack, so no input depth can
 * overflow the C stack; it never reads outside its input, even when handed
 * bytes that are not JSON (PG_EINTERNAL then).
 */
#include "json_internal.h"

#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plangate/alloc.h"
#include "util/grow.h"
#include "util/quote.h"
#include "util/utf8.h"

/* MARK: what jansson's values cost ---------------------------------------- */

/*
 * Bytes of heap, allocator overhead included, for jansson 2.14 on glibc
 * (64-bit): a chunk is the request plus 8, rounded up to 16, at least 32.
 * Measured with mallinfo2 (docs/performance.md): an integer or real 32, an
 * empty array 128 (the value and its first 8 slots), an empty object 224
 * (the value and its first 8 buckets), a string 48 plus its text's chunk,
 * an object member its pair chunk (56 bytes plus the key) plus 32 for the
 * buckets it grows, an array element 16 for the slots it grows.
 */
#define COST_NUMBER 32u
#define COST_ARRAY 128u
#define COST_OBJECT 224u
#define COST_STRING 48u
#define COST_PAIR 56u
#define COST_BUCKETS 32u
#define COST_SLOT 16u

static size_t chunk(size_t n)
{
    size_t c = (n + 8u + 15u) & ~(size_t)15u;
    return c < n ? n : c < 32u ? 32u : c;
}

/* MARK: state --------------------------------------------------------------- */

/* One open container. For an object, the key whose value is being read. */
typedef struct frame {
    json_t *container;
    int is_object;
    const char *key;  /* in the input, or NULL: in b->keys at key_off */
    size_t key_off;
    size_t key_len;
    uint64_t key_at;  /* offset of the key's opening quote */
} frame;

typedef struct builder {
    const unsigned char *buf;
    const unsigned char *end;
    const unsigned char *p;
    uint64_t base;
    int reject_dups;
    unsigned max_depth;
    size_t budget;    /* bytes the values may take */
    size_t used;      /* ... estimated so far */
    size_t in_len;
    pg_error *err;
    char *text;       /* the decoded text of an escaped string value */
    size_t text_cap;
    char *keys;       /* decoded escaped keys of the open objects, as a stack */
    size_t keys_len;
    size_t keys_cap;
    frame *stack;
    size_t depth;
    size_t stack_cap;
} builder;

#define OFF(b, q) ((b)->base + (uint64_t)((q) - (b)->buf))

/* Bytes that are not the JSON the reader validated: a caller's bug. */
static int not_json(builder *b)
{
    return pg_json__fail(b->err, PG_EINTERNAL, OFF(b, b->p),
                         "the JSON decoder was handed bytes that are not valid JSON "
                         "(pg_json_decode with `validated` expects what the reader captured)");
}

static int oom(builder *b)
{
    pg_error_oom(b->err);
    pg_error_at_offset(b->err, OFF(b, b->p));
    return PG_ENOMEM;
}

/* Count `n` more bytes of values; PG_ELIMIT once past the budget. */
static int spend(builder *b, size_t n)
{
    if (n <= b->budget - b->used) {
        b->used += n;
        return 0;
    }
    return pg_json__fail(b->err, PG_ELIMIT, b->base,
                         "value too costly to decode: its %zu bytes would take more than %zu bytes of memory "
                         "as decoded values (limit max_decode_memory: %u bytes per byte + %zu MiB; small "
                         "values such as empty objects cost up to 80 bytes per byte)",
                         b->in_len, b->budget, PG_JSON_DECODE_FACTOR, PG_JSON_DECODE_SLACK >> 20);
}

/* MARK: strings ------------------------------------------------------------- */

/* Grow only when it must: escapes are appended a few bytes at a time, and
 * the plan benchmark has 3 million of them. */
static int append(builder *b, char **buf, size_t *cap, size_t *len, const void *src, size_t n)
{
    if (n == 0) /* an empty run between two escapes: *buf may still be NULL */
        return 0;
    if (n > *cap - *len) {
        int overflow = 0;
        size_t need = pg_add_size(*len, n, &overflow);
        if (overflow || PG_GROW(*buf, *cap, need, b->err) != 0)
            return oom(b);
    }
    memcpy(*buf + *len, src, n);
    *len += n;
    return 0;
}

static int hex4(const unsigned char *q, const unsigned char *end, uint32_t *out)
{
    uint32_t u = 0;
    int i;

    if (end - q < 4)
        return -1;
    for (i = 0; i < 4; i++) {
        if (pg_json__hex[q[i]] == 0xff)
            return -1;
        u = u << 4 | pg_json__hex[q[i]];
    }
    *out = u;
    return 0;
}

/*
 * The string at b->p (its opening quote). Without escapes *out points into
 * the input; with escapes the text is decoded into *buf from `*len` on
 * (growing it) and *out is NULL. *out_len is the text's length. b->p ends
 * after the closing quote.
 */
static int read_string(builder *b, const char **out, size_t *out_len, char **buf, size_t *cap, size_t *len)
{
    const unsigned char *p = b->p + 1, *seg = p, *end = b->end;
    size_t start = *len;
    int escaped = 0;

    for (;;) {
        unsigned char c, e;
        uint32_t u, lo;
        unsigned char utf[4];

        p = pg_json__scan_string(p, end);
        if (p == end)
            return not_json(b);
        c = *p;
        if (c != '"' && c != '\\') { /* UTF-8 or a control byte: validated already */
            p++;
            continue;
        }
        if (escaped || c == '\\') {
            if (append(b, buf, cap, len, seg, (size_t)(p - seg)) != 0)
                return PG_ENOMEM;
            escaped = 1;
        }
        if (c == '"')
            break;
        if (++p == end)
            return not_json(b);
        e = pg_json__escape[*p];
        if (e > PG_JSON_ESC_U) {
            if (append(b, buf, cap, len, &e, 1) != 0)
                return PG_ENOMEM;
            p++;
        } else if (e == PG_JSON_ESC_U && hex4(p + 1, end, &u) == 0) {
            p += 5;
            if (PG_JSON_IS_HIGH(u)) {
                if (end - p < 6 || p[0] != '\\' || p[1] != 'u' || hex4(p + 2, end, &lo) != 0 ||
                    !PG_JSON_IS_LOW(lo))
                    return not_json(b);
                u = PG_JSON_PAIR(u, lo);
                p += 6;
            } else if (PG_JSON_IS_LOW(u)) {
                return not_json(b);
            }
            if (append(b, buf, cap, len, utf, pg_utf8_encode(u, utf)) != 0)
                return PG_ENOMEM;
        } else {
            return not_json(b);
        }
        seg = p;
    }
    b->p = p + 1;
    if (escaped) {
        *out = NULL;
        *out_len = *len - start;
    } else {
        *out = (const char *)(seg);
        *out_len = (size_t)(p - seg);
    }
    return 0;
}

/* MARK: numbers --------------------------------------------------------------- */

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
    size_t i;

    /* strtod needs a terminated copy (the input goes on after the number)
     * and follows the locale's decimal point, as jansson's own loader
     * knows (jansson/src/strconv.c). */
    if (n >= sizeof local && !(txt = pg_malloc(n + 1)))
        return NULL;
    memcpy(txt, s, n);
    txt[n] = '\0';
    if (point != '.')
        for (i = 0; i < n; i++)
            if (txt[i] == '.')
                txt[i] = point;
    v = strtod(txt, &endp);
    if (txt != local)
        pg_free(txt);
    return isfinite(v) ? json_real(v) : number_text(s, n);
}

/* The number at b->p. Its grammar was checked by the reader: here it is
 * only told apart (integer or not) and converted. */
static int read_number(builder *b, json_t **out)
{
    const unsigned char *s = b->p, *p = s, *digits;
    int neg = *p == '-', is_int = 1, rc;
    size_t n;

    p += neg;
    digits = p;
    while (p < b->end && ((unsigned)(*p - '0') < 10u || *p == '.' || (*p | 0x20) == 'e' || *p == '+' ||
                          *p == '-')) {
        if ((unsigned)(*p - '0') >= 10u)
            is_int = 0;
        p++;
    }
    if (p == digits)
        return not_json(b);
    b->p = p;
    n = (size_t)(p - s);
    /* A number that may be kept as its text costs what a string does. */
    if ((rc = spend(b, is_int && p - digits <= 18 ? COST_NUMBER : COST_STRING + chunk(n + 1u))) != 0)
        return rc;
    if (is_int && p - digits <= 19) {
        /* 19 digits always fit a uint64_t; int64 needs a check. */
        uint64_t u = 0;
        const unsigned char *q;
        for (q = digits; q < p; q++)
            u = u * 10u + (uint64_t)(*q - '0');
        if (u <= (uint64_t)INT64_MAX)
            *out = json_integer(neg ? -(json_int_t)u : (json_int_t)u);
        else if (neg && u == (uint64_t)INT64_MAX + 1u)
            *out = json_integer(INT64_MIN);
        else
            *out = number_text(s, n);
    } else if (is_int) {
        *out = number_text(s, n);
    } else {
        *out = make_real(s, n);
    }
    return *out ? 0 : oom(b);
}

/* MARK: structure ------------------------------------------------------------- */

static void skip_ws(builder *b)
{
    while (b->p < b->end && pg_json__class[*b->p] == PG_JC_WS)
        b->p++;
}

static int push(builder *b, json_t *c, int is_object)
{
    frame *f;

    if (b->depth >= b->max_depth) {
        json_decref(c);
        return pg_json__err_depth(b->err, OFF(b, b->p), b->max_depth);
    }
    if (b->depth == b->stack_cap && PG_GROW(b->stack, b->stack_cap, b->depth + 1, b->err) != 0) {
        json_decref(c);
        return oom(b);
    }
    f = &b->stack[b->depth++];
    f->container = c;
    f->is_object = is_object;
    f->key = NULL;
    f->key_off = b->keys_len;
    f->key_len = 0;
    f->key_at = 0;
    return 0;
}

/* Read a key of the object on top of the stack (b->p at its quote). */
static int read_key(builder *b)
{
    frame *f = &b->stack[b->depth - 1];
    int rc;

    f->key_at = OFF(b, b->p);
    b->keys_len = f->key_off;
    rc = read_string(b, &f->key, &f->key_len, &b->keys, &b->keys_cap, &b->keys_len);
    if (rc)
        return rc;
    return spend(b, chunk(COST_PAIR + f->key_len + 1u) + COST_BUCKETS);
}

/* Attach `v` (stolen) to the container on top, or make it the result. */
static int attach(builder *b, json_t *v, json_t **root)
{
    frame *f;
    const char *k;
    char quoted[120];

    if (b->depth == 0) {
        *root = v;
        return 0;
    }
    f = &b->stack[b->depth - 1];
    if (!f->is_object) {
        if (json_array_append_new(f->container, v) != 0)
            return oom(b);
        return spend(b, COST_SLOT);
    }
    k = f->key ? f->key : b->keys + f->key_off;
    if (b->reject_dups && json_object_getn(f->container, k, f->key_len)) {
        json_decref(v);
        return pg_json__fail(b->err, PG_ESYNTAX, f->key_at,
                             "duplicate key %s: the object already has a member with this name",
                             pg_quote_fixed(quoted, sizeof quoted, k, f->key_len));
    }
    if (json_object_setn_new_nocheck(f->container, k, f->key_len, v) != 0)
        return oom(b);
    return 0;
}

/* One value at b->p (after whitespace) into *out, or a container pushed
 * (*out NULL, *opened set). */
static int read_value(builder *b, json_t **out, int *opened)
{
    const unsigned char *p = b->p;
    int rc;

    *out = NULL;
    *opened = 0;
    if (p == b->end)
        return not_json(b);
    switch (*p) {
    case '{':
    case '[': {
        int is_object = *p == '{';
        json_t *c;
        if ((rc = spend(b, is_object ? COST_OBJECT : COST_ARRAY)) != 0)
            return rc;
        if (!(c = is_object ? json_object() : json_array()))
            return oom(b);
        if ((rc = push(b, c, is_object)) != 0)
            return rc;
        b->p++;
        *opened = 1;
        return 0;
    }
    case '"': {
        const char *s;
        size_t n, len = 0;
        if ((rc = read_string(b, &s, &n, &b->text, &b->text_cap, &len)) != 0)
            return rc;
        if ((rc = spend(b, COST_STRING + chunk(n + 1u))) != 0)
            return rc;
        *out = json_stringn_nocheck(s ? s : b->text, n);
        return *out ? 0 : oom(b);
    }
    case 't':
    case 'f':
    case 'n': {
        size_t n = *p == 'f' ? 5u : 4u;
        if ((size_t)(b->end - p) < n)
            return not_json(b);
        b->p += n;
        *out = *p == 't' ? json_true() : *p == 'f' ? json_false() : json_null();
        return 0;
    }
    default:
        return read_number(b, out);
    }
}

static int run(builder *b, json_t **root)
{
    json_t *v;
    int rc, opened;

value:
    skip_ws(b);
    if ((rc = read_value(b, &v, &opened)) != 0)
        return rc;
    if (opened) {
        skip_ws(b);
        if (b->p == b->end)
            return not_json(b);
        if (*b->p == '}' || *b->p == ']')
            goto close;
        if (b->stack[b->depth - 1].is_object)
            goto key;
        goto value;
    }
    if ((rc = attach(b, v, root)) != 0)
        return rc;

after_value:
    skip_ws(b);
    if (b->depth == 0)
        return b->p == b->end ? 0 : not_json(b);
    if (b->p == b->end)
        return not_json(b);
    if (*b->p == ',') {
        b->p++;
        skip_ws(b);
        if (b->stack[b->depth - 1].is_object)
            goto key;
        goto value;
    }
    if (*b->p != '}' && *b->p != ']')
        return not_json(b);

close : {
    /* The container on top is complete: pop it and attach it below. */
    frame *f = &b->stack[--b->depth];
    b->p++;
    b->keys_len = f->key_off;
    if ((rc = attach(b, f->container, root)) != 0)
        return rc;
    goto after_value;
}

key:
    if (b->p == b->end || *b->p != '"')
        return not_json(b);
    if ((rc = read_key(b)) != 0)
        return rc;
    skip_ws(b);
    if (b->p == b->end || *b->p != ':')
        return not_json(b);
    b->p++;
    goto value;
}

/* MARK: public ------------------------------------------------------------- */

/* The reader's verdict on raw[0..len), with offsets from opts->base_offset. */
static int validate(const char *raw, size_t len, const pg_json_decode_options *opts, pg_error *err)
{
    pg_json_reader *r = NULL;
    int rc;

    if ((rc = pg_json_reader_new(&r, NULL, &opts->limits, err)) != 0)
        return rc;
    pg_json__reader_origin(r, opts->base_offset, 1);
    rc = pg_json_feed(r, raw, len, err);
    if (rc == 0)
        rc = pg_json_finish(r, err);
    pg_json_reader_free(r);
    return rc;
}

int pg_json_decode(json_t **out, const char *raw, size_t len, const pg_json_decode_options *opts,
                   pg_error *err)
{
    pg_json_decode_options o;
    builder b;
    json_t *root = NULL;
    size_t i;
    int rc, overflow = 0;

    *out = NULL;
    memset(&o, 0, sizeof o);
    if (opts)
        o = *opts;
    if (o.limits.max_depth > PG_JSON_MAX_DEPTH_CEILING)
        return pg_error_set(err, PG_EUSAGE,
                            "a nesting limit (max_depth) of %u is above the most plangate reads, %u levels",
                            o.limits.max_depth, PG_JSON_MAX_DEPTH_CEILING);
    if (o.limits.max_depth == 0)
        o.limits.max_depth = PG_JSON_DEFAULT_MAX_DEPTH;
    if (o.limits.max_capture == 0)
        o.limits.max_capture = PG_JSON_DEFAULT_MAX_CAPTURE;
    if (len > o.limits.max_capture)
        return pg_json__fail(err, PG_ELIMIT, o.base_offset + o.limits.max_capture,
                             "value too large: %zu bytes to decode exceed %zu bytes (limit max_capture)", len,
                             o.limits.max_capture);
    if (!o.validated && (rc = validate(raw, len, &o, err)) != 0)
        return rc;

    memset(&b, 0, sizeof b);
    b.buf = (const unsigned char *)raw;
    b.end = b.buf + len;
    b.p = b.buf;
    b.base = o.base_offset;
    b.reject_dups = o.reject_duplicate_keys;
    b.max_depth = o.limits.max_depth;
    b.err = err;
    b.in_len = len;
    b.budget = o.max_memory;
    if (!b.budget) {
        b.budget = pg_add_size(pg_mul_size(len, PG_JSON_DECODE_FACTOR, &overflow), PG_JSON_DECODE_SLACK, &overflow);
        if (overflow)
            b.budget = (size_t)-1;
    }
    /* A UTF-8 byte-order mark is skipped, as by the reader. */
    if (len >= 3 && memcmp(raw, "\xEF\xBB\xBF", 3) == 0)
        b.p += 3;
    rc = run(&b, &root);
    /* On failure, the open containers hold everything built so far. */
    if (rc) {
        for (i = 0; i < b.depth; i++)
            json_decref(b.stack[i].container);
        json_decref(root);
        root = NULL;
    }
    pg_free(b.text);
    pg_free(b.keys);
    pg_free(b.stack);
    *out = root;
    return rc;
}
