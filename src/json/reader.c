/*
 * reader.c — the streaming JSON reader (include/plangate/json.h).
 *
 * A push parser: pg_json_feed() takes chunks of any size and runs one
 * hand-written state machine over them (core()). Inside a chunk the state
 * lives in local variables and control moves between labels with goto, so
 * the hot path has no per-token call, allocation or indirect call; at the end
 * of a chunk everything the next chunk needs is saved in the named fields of
 * struct pg_json_reader ("partial state" below) and the next core() call
 * jumps back to the label it left. docs/internals/json-reader.md has the
 * state diagram and the measurements.
 *
 * What is reported: keys of the top-level object (top_key), then — by the
 * mode top_key returned — nothing, the raw bytes of the value, or the raw
 * bytes of each element of an array value. Captured bytes are copied only
 * when a value spans chunks; a value inside one chunk is handed over in place.
 */
#include "json_internal.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "plangate/alloc.h"
#include "util/buf.h"
#include "util/grow.h"
#include "util/quote.h"
#include "util/utf8.h"

/* MARK: state ------------------------------------------------------------- */

/* Where core() resumes. The first group sits between tokens, the rest inside
 * one (a token cut by the end of a chunk). */
enum reader_state {
    S_TOP = 0,      /* before the top-level value (only whitespace so far) */
    S_MEMBER_VALUE, /* after ':' */
    S_ARRAY_FIRST,  /* after '[': a value or ']' */
    S_ARRAY_NEXT,   /* after ',' in an array */
    S_OBJECT_FIRST, /* after '{': a key or '}' */
    S_OBJECT_NEXT,  /* after ',' in an object */
    S_COLON,        /* after a key */
    S_AFTER_VALUE,  /* after a value inside a container: ',' or the close */
    S_DONE,         /* after the top-level value: only whitespace may follow */
    S_STRING,       /* inside a string, between characters */
    S_STR_ESC,      /* inside a string, just after '\' */
    S_STR_HEX,      /* inside \uXXXX: hex_left digits to go, ucs so far */
    S_STR_LOW_BS,   /* after a high surrogate escape: '\' of the low one expected */
    S_STR_LOW_U,    /* ... and then 'u' */
    S_STR_UTF8,     /* inside a multi-byte UTF-8 character */
    S_NUMBER,       /* inside a number (num_state says where) */
    S_LITERAL       /* inside true / false / null (lit, lit_pos) */
};

/* Where inside a number (RFC 8259 §6 grammar). */
enum number_state {
    N_MINUS,     /* after '-' */
    N_ZERO,      /* after a leading 0: '.', 'e' or the end */
    N_INT,       /* in the integer digits (not starting with 0) */
    N_DOT,       /* after '.': a digit must follow */
    N_FRAC,      /* in the fraction digits */
    N_EXP_MARK,  /* after 'e'/'E': sign or digit */
    N_EXP_SIGN,  /* after the exponent sign: a digit */
    N_EXP        /* in the exponent digits */
};

#define NO_WATCH UINT_MAX
/* UTF-16 input is transcoded in blocks of this many bytes, so the transcode
 * buffer is constant-size whatever the caller's chunk size. */
#define U16_BLOCK 16384u

struct pg_json_reader {
    pg_json_handler h;
    pg_json_limits lim;

    /* Once failed, every call returns this error again. */
    int failed;
    pg_error err;

    /* Encoding front end: up to 3 first bytes wait in bom[] until the BOM
     * question is decided; then UTF-16 goes through u16 + tbuf. */
    int enc_known;
    pg_json_encoding enc;
    unsigned char bom[3];
    unsigned bom_len;
    pg_json__u16 u16;
    unsigned char *tbuf;

    /* Absolute offset (in the UTF-8 text) of the first byte of the chunk
     * core() is reading; after it returns, the bytes consumed so far. It
     * starts at `origin` (0, or where pg_json_decode's buffer sits in its
     * document); `utf8_only` turns UTF-16 detection off (pg_json_decode). */
    uint64_t base;
    uint64_t origin;
    int utf8_only;

    /* Syntax: the state to resume in and the stack of open containers.
     * kind[d] is 1 for an object, 0 for an array, open_at[d] the offset of
     * its '{' / '[' (for "truncated inside the object started at ..."),
     * for d in 1..depth. The hot path pushes without a check until depth
     * reaches push_limit (the arrays' end or max_depth, whichever is lower). */
    int state;
    unsigned depth;
    unsigned push_limit;
    uint8_t *kind;
    uint64_t *open_at;
    size_t kind_cap;
    size_t open_cap;
    pg_json_type top_type;

    /* --- partial state of a token cut by the end of a chunk --- */
    uint64_t str_start;  /* offset of the opening quote of the current string */
    int str_key;         /* the string is an object key */
    int str_decode;      /* ... of the top-level object: decode it into key[] */
    unsigned hex_left;   /* \uXXXX: hex digits still to read */
    uint32_t ucs;        /* \uXXXX: value of the digits read so far */
    uint32_t high;       /* a high surrogate waiting for its low half, or 0 */
    unsigned utf8_need;  /* UTF-8: continuation bytes still expected */
    unsigned char utf8_lo; /* ... allowed range of the next one */
    unsigned char utf8_hi;
    uint8_t utf8_lead;   /* ... the lead byte (for the error message) */
    unsigned utf8_pos;   /* ... index of the next byte in the sequence */
    int num_state;       /* enum number_state */
    uint64_t num_start;  /* offset of the number's first byte */
    const char *lit;     /* the literal being matched: "true", "false", "null" */
    unsigned lit_len;
    unsigned lit_pos;    /* bytes of it matched so far */

    /* --- the top-level object --- */
    pg_buf key; /* decoded current key, NUL-terminated, may hold NUL */
    pg_json_capture mode; /* what top_key asked for the current member */

    /* --- capture --- The hot loop only compares depth with these two:
     * start_watch is the depth at which a starting value needs attention
     * (0: the top-level value; 1: a member asked for; 2: an element), and
     * any value ending at depth <= end_watch does (0 always: the top). */
    unsigned start_watch;
    unsigned end_watch;
    int capturing;
    unsigned cap_depth;
    long cap_index;
    uint64_t cap_start;                /* offset of the captured value */
    const unsigned char *cap_from;     /* its first byte in the current chunk */
    pg_buf cap;                        /* bytes from earlier chunks (reused) */
    int delivering_copy;               /* the value callback's raw is cap.ptr */
    int elements;                      /* inside an array read element by element */
    long elem_index;

    /* --- key index of a captured element (pg_json_reader_capture_keys) ---
     * Keys met at depth idx_lo (the element's own members) and idx_lo + 1
     * (members of its object-valued members), so a caller can find a few
     * members without scanning the element again. NO_WATCH: not indexing. */
    unsigned idx_lo;
    pg_json_key_pos *idx;
    size_t idx_n;
    int idx_overflow;
};

/* MARK: small helpers ----------------------------------------------------- */

static pg_json_type type_of(unsigned char c)
{
    switch (pg_json__class[c]) {
    case PG_JC_LBRACE: return PG_JSON_OBJECT;
    case PG_JC_LBRACKET: return PG_JSON_ARRAY;
    case PG_JC_QUOTE: return PG_JSON_STRING;
    case PG_JC_MINUS:
    case PG_JC_DIGIT: return PG_JSON_NUMBER;
    case PG_JC_T: return PG_JSON_TRUE;
    case PG_JC_F: return PG_JSON_FALSE;
    case PG_JC_N: return PG_JSON_NULL;
    default: return PG_JSON_NONE;
    }
}

static int is_string_state(int st)
{
    return st >= S_STRING && st <= S_STR_UTF8;
}

/* Every error of the state machine goes to r->err (the reader is then
 * stuck on it), with the offset of the offending byte. */
#define set_error(r, ...) pg_json__fail(&(r)->err, __VA_ARGS__)

static int key_put(pg_json_reader *r, const void *src, size_t n)
{
    return n ? pg_buf_add(&r->key, src, n, &r->err) : 0;
}

/*
 * A limit broken by the bytes before offset `upto`: the current string's
 * (when in_string) and the captured value's. The error names the first byte
 * past the limit, and the earliest limit wins, so the error is the same
 * however the input was cut into chunks — even when a syntax error follows
 * later in the same chunk (pg_json feeds check this before reporting it).
 */
static int check_limits(pg_json_reader *r, uint64_t upto, int in_string)
{
    uint64_t s_bad = UINT64_MAX, c_bad = UINT64_MAX;
    char quoted[120];

    if (in_string && upto - r->str_start - 1 > r->lim.max_string)
        s_bad = r->str_start + 1 + r->lim.max_string;
    if (r->capturing && upto - r->cap_start > r->lim.max_capture)
        c_bad = r->cap_start + r->lim.max_capture;
    if (s_bad == UINT64_MAX && c_bad == UINT64_MAX)
        return 0;
    if (s_bad <= c_bad)
        return pg_json__err_string_limit(&r->err, s_bad, r->str_start, r->lim.max_string);
    pg_quote_fixed(quoted, sizeof quoted, pg_buf_cstr(&r->key), r->key.len);
    if (r->cap_index >= 0)
        return set_error(r, PG_ELIMIT, c_bad,
                         "value too large: element %ld of %s (started at byte %llu) exceeds "
                         "%zu bytes (limit max_capture)",
                         r->cap_index, quoted, (unsigned long long)r->cap_start, r->lim.max_capture);
    return set_error(r, PG_ELIMIT, c_bad,
                     "value too large: the value of %s (started at byte %llu) exceeds %zu "
                     "bytes (limit max_capture)",
                     quoted, (unsigned long long)r->cap_start, r->lim.max_capture);
}

/* depth reached push_limit: fail with the depth limit (the 513th '[' by
 * default), or grow the stack. */
static int grow_stack(pg_json_reader *r, unsigned depth, uint64_t off)
{
    size_t n;

    if (depth >= r->lim.max_depth)
        return pg_json__err_depth(&r->err, off, r->lim.max_depth);
    if (PG_GROW(r->kind, r->kind_cap, (size_t)depth + 2, &r->err) != 0 ||
        PG_GROW(r->open_at, r->open_cap, (size_t)depth + 2, &r->err) != 0)
        return r->err.code;
    n = (r->kind_cap < r->open_cap ? r->kind_cap : r->open_cap) - 1;
    r->push_limit = n < r->lim.max_depth ? (unsigned)n : r->lim.max_depth;
    return 0;
}

/* MARK: capture hooks (off the hot path) ---------------------------------- */

/* The callbacks' error record: cleared before, completed after (a handler
 * that fails without a message still stops the reader with one). */
static int handler_result(pg_json_reader *r, int rc, const char *which)
{
    if (rc == 0)
        return 0;
    if (rc > 0)
        rc = PG_EINTERNAL;
    if (!r->err.message[0])
        pg_error_set(&r->err, rc, "the %s handler stopped the reader (code %d)", which, rc);
    r->err.code = rc;
    return rc;
}

/* A key of the top-level object is complete: ask the caller about it. */
static int on_top_key(pg_json_reader *r, uint64_t off)
{
    pg_json_capture mode = PG_JSON_SKIP;

    if (r->h.top_key)
        mode = r->h.top_key(r->h.ctx, pg_buf_cstr(&r->key), r->key.len);
    if (mode != PG_JSON_SKIP && mode != PG_JSON_VALUE && mode != PG_JSON_ELEMENTS)
        return set_error(r, PG_EINTERNAL, off, "top_key returned an unknown capture mode %d", (int)mode);
    r->mode = mode;
    r->start_watch = mode == PG_JSON_SKIP && !r->h.member_type ? NO_WATCH : 1u;
    return 0;
}

static void begin_capture(pg_json_reader *r, const unsigned char *p, uint64_t off, unsigned depth,
                          long index)
{
    if (index >= 0 && *p == '{') { /* an object element: index its keys */
        r->idx_lo = depth + 1;
        r->idx_n = 0;
        r->idx_overflow = 0;
    }
    r->capturing = 1;
    r->cap_depth = depth;
    r->cap_index = index;
    r->cap_start = off;
    r->cap_from = p;
    pg_buf_reset(&r->cap);
}

/* A key at depth idx_lo or idx_lo + 1 of a captured element (off: its quote). */
static void index_key(pg_json_reader *r, unsigned level, uint64_t off)
{
    if (r->idx_n == PG_JSON_MAX_INDEXED_KEYS || off - r->cap_start > UINT32_MAX) {
        r->idx_overflow = 1;
        return;
    }
    r->idx[r->idx_n].offset = (uint32_t)(off - r->cap_start);
    r->idx[r->idx_n].level = (uint8_t)level;
    r->idx_n++;
}

/* A value starts at depth == start_watch (p: its first byte). */
static int on_value_start(pg_json_reader *r, unsigned depth, const unsigned char *p, uint64_t off)
{
    if (depth == 0) {
        r->top_type = type_of(*p);
        r->start_watch = NO_WATCH;
    } else if (depth == 1) {
        r->start_watch = NO_WATCH;
        if (r->h.member_type) {
            pg_error_clear(&r->err);
            if (handler_result(r, r->h.member_type(r->h.ctx, pg_buf_cstr(&r->key), r->key.len, type_of(*p), off,
                                                   &r->err),
                               "member_type"))
                return r->err.code;
        }
        if (r->mode == PG_JSON_SKIP)
            return 0;
        if (r->mode == PG_JSON_ELEMENTS && *p == '[') {
            r->elements = 1;
            r->elem_index = 0;
            r->start_watch = 2;
            r->end_watch = 2;
        } else {
            begin_capture(r, p, off, 1, -1);
            r->end_watch = 1;
        }
    } else {
        begin_capture(r, p, off, depth, r->elem_index);
    }
    return 0;
}

/* Hand a complete captured value to the caller (vend: just past it). */
static int deliver(pg_json_reader *r, const unsigned char *vend, uint64_t end_off)
{
    size_t tail = (size_t)(vend - r->cap_from);
    const char *raw;
    size_t n;
    int rc;

    rc = check_limits(r, end_off, 0);
    if (rc)
        return rc;
    if (r->cap.len == 0) {
        /* The whole value is in this chunk: no copy. */
        raw = (const char *)r->cap_from;
        n = tail;
    } else {
        if ((rc = pg_buf_add(&r->cap, r->cap_from, tail, &r->err)) != 0)
            return rc;
        raw = r->cap.ptr;
        n = r->cap.len;
        r->delivering_copy = 1;
    }
    r->capturing = 0;
    if (r->h.value) {
        pg_error_clear(&r->err);
        rc = handler_result(r, r->h.value(r->h.ctx, pg_buf_cstr(&r->key), r->key.len, r->cap_index, raw, n,
                                          r->cap_start, &r->err),
                            "value");
    }
    r->delivering_copy = 0;
    r->idx_lo = NO_WATCH;
    pg_buf_reset(&r->cap);
    return rc;
}

/* A value ended at depth <= end_watch (vend: just past it). */
static int on_value_end(pg_json_reader *r, unsigned depth, const unsigned char *vend, uint64_t off)
{
    int rc;

    if (depth == 0)
        return 0;
    if (r->capturing && depth == r->cap_depth) {
        rc = deliver(r, vend, off);
        if (rc)
            return rc;
        if (r->elements)
            r->elem_index++;
        else
            r->end_watch = 0;
        return 0;
    }
    if (r->elements && depth == 1) {
        r->elements = 0;
        r->start_watch = NO_WATCH;
        r->end_watch = 0;
        if (r->h.elements_end) {
            pg_error_clear(&r->err);
            return handler_result(
                r, r->h.elements_end(r->h.ctx, pg_buf_cstr(&r->key), r->key.len, r->elem_index, &r->err),
                "elements_end");
        }
    }
    return 0;
}

/* MARK: messages of the state machine ------------------------------------- */

static const char *expected_value(int state)
{
    switch (state) {
    case S_MEMBER_VALUE: return "expected a value after ':'";
    case S_ARRAY_FIRST: return "expected a value or ']' after '['";
    case S_ARRAY_NEXT: return "expected a value after ',' in an array";
    default: return "expected a JSON value";
    }
}

static int err_escape(pg_json_reader *r, uint64_t off, unsigned char c)
{
    char q[16];

    return set_error(r, PG_ESYNTAX, off,
                     "invalid escape: unexpected %s after '\\' in the string started at byte %llu: "
                     "expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX",
                     pg_json__quote_byte(q, c), (unsigned long long)r->str_start);
}

static int err_surrogate(pg_json_reader *r, uint64_t off, const char *what, uint32_t unit)
{
    return set_error(r, PG_ESYNTAX, off,
                     "invalid string: %s \\u%04X in the string started at byte %llu "
                     "(a high surrogate \\uD800-\\uDBFF must be followed by a low one "
                     "\\uDC00-\\uDFFF)",
                     what, (unsigned)unit, (unsigned long long)r->str_start);
}

/* MARK: the state machine ------------------------------------------------- */

/* Skip whitespace; at the end of the chunk, suspend in `st`. */
#define SKIP_WS(st)                                                                                \
    do {                                                                                           \
        while (p < end && pg_json__class[*p] == PG_JC_WS)                                          \
            p++;                                                                                   \
        if (p == end) {                                                                            \
            state = (st);                                                                          \
            goto suspend;                                                                          \
        }                                                                                          \
    } while (0)

#define SUSPEND(st)                                                                                \
    do {                                                                                           \
        state = (st);                                                                              \
        goto suspend;                                                                              \
    } while (0)

#define ABS(q) (base + (uint64_t)((q) - buf))

/* Fail with a syntax error from pg_json__err_* (written into r->err). */
#define FAIL(expr)                                                                                 \
    do {                                                                                           \
        rc = (expr);                                                                               \
        goto failed;                                                                               \
    } while (0)
/* ... from inside a string (a string limit broken earlier takes precedence). */
#define FAIL_S(expr)                                                                               \
    do {                                                                                           \
        in_string = 1;                                                                             \
        rc = (expr);                                                                               \
        goto failed;                                                                               \
    } while (0)
#define CHECK(expr)                                                                                \
    do {                                                                                           \
        rc = (expr);                                                                               \
        if (rc)                                                                                    \
            goto failed;                                                                           \
    } while (0)

#define PUSH(k)                                                                                    \
    do {                                                                                           \
        if (depth == r->push_limit) {                                                              \
            CHECK(grow_stack(r, depth, ABS(p)));                                                   \
            kind = r->kind;                                                                        \
        }                                                                                          \
        depth++;                                                                                   \
        kind[depth] = (k);                                                                         \
        r->open_at[depth] = ABS(p);                                                                \
    } while (0)

static int core(pg_json_reader *r, const unsigned char *buf, size_t len)
{
    const unsigned char *p = buf;
    const unsigned char *const end = buf + len;
    const unsigned char *seg = buf; /* start of the key bytes not yet copied to key[] */
    const uint64_t base = r->base;
    unsigned depth = r->depth;
    uint8_t *kind = r->kind;
    int state = r->state;
    int is_key = r->str_key;
    int decode = r->str_decode;
    int ns = r->num_state;
    int in_string = 0;
    unsigned c;
    int rc;

    if (r->capturing)
        r->cap_from = buf;

    switch (state) {
    case S_TOP: goto top;
    case S_MEMBER_VALUE: goto member_value;
    case S_ARRAY_FIRST: goto array_first;
    case S_ARRAY_NEXT: goto array_next;
    case S_OBJECT_FIRST: goto object_first;
    case S_OBJECT_NEXT: goto object_next;
    case S_COLON: goto colon;
    case S_AFTER_VALUE: goto after_value;
    case S_DONE: goto done;
    case S_STRING: goto string_body;
    case S_STR_ESC: goto escape;
    case S_STR_HEX: goto hex;
    case S_STR_LOW_BS: goto low_bs;
    case S_STR_LOW_U: goto low_u;
    case S_STR_UTF8: goto utf8_cont;
    case S_NUMBER: goto number_body;
    case S_LITERAL: goto literal_body;
    default: break;
    }
    pg_error_clear(&r->err);
    rc = pg_error_set(&r->err, PG_EINTERNAL, "JSON reader in an unknown state %d", state);
    goto failed;

    /* --- between tokens --- */
top:
    SKIP_WS(S_TOP);
    state = S_TOP;
    goto value;
member_value:
    SKIP_WS(S_MEMBER_VALUE);
    state = S_MEMBER_VALUE;
    goto value;
array_next:
    SKIP_WS(S_ARRAY_NEXT);
    state = S_ARRAY_NEXT;
    goto value;
array_first:
    SKIP_WS(S_ARRAY_FIRST);
    if (*p == ']')
        goto close;
    state = S_ARRAY_FIRST;
    /* fall through to value */

value:
    if (depth == r->start_watch)
        CHECK(on_value_start(r, depth, p, ABS(p)));
    c = *p;
    switch (pg_json__class[c]) {
    case PG_JC_QUOTE:
        is_key = 0;
        decode = 0;
        goto string_open;
    case PG_JC_LBRACE:
        PUSH(1);
        p++;
        goto object_first;
    case PG_JC_LBRACKET:
        PUSH(0);
        p++;
        goto array_first;
    case PG_JC_MINUS:
    case PG_JC_DIGIT:
        goto number;
    case PG_JC_T:
    case PG_JC_F:
    case PG_JC_N:
        goto literal;
    default:
        FAIL(pg_json__err_unexpected(&r->err, ABS(p), (unsigned char)c, expected_value(state)));
    }

object_first:
    SKIP_WS(S_OBJECT_FIRST);
    c = *p;
    if (c == '"')
        goto key;
    if (c == '}')
        goto close;
    FAIL(pg_json__err_unexpected(&r->err, ABS(p), (unsigned char)c,
                                 "expected a string key or '}' after '{'"));
object_next:
    SKIP_WS(S_OBJECT_NEXT);
    c = *p;
    if (c == '"')
        goto key;
    FAIL(pg_json__err_unexpected(&r->err, ABS(p), (unsigned char)c,
                                 "expected a string key after ',' in an object"));
key:
    is_key = 1;
    /* One compare on the hot path: unsigned wrap-around keeps every depth
     * below idx_lo (and NO_WATCH) out. */
    if (depth - r->idx_lo <= 1u)
        index_key(r, depth - r->idx_lo, ABS(p));
    /* Keys at depth 1 are the top-level object's: the caller sees them. */
    decode = depth == 1;
    if (decode)
        pg_buf_reset(&r->key);
    goto string_open;

colon:
    SKIP_WS(S_COLON);
    c = *p;
    if (c != ':')
        FAIL(pg_json__err_unexpected(&r->err, ABS(p), (unsigned char)c,
                                     "expected ':' after an object key"));
    p++;
    goto member_value;

after_value:
    SKIP_WS(S_AFTER_VALUE);
    c = *p;
    if (c == ',') {
        p++;
        if (kind[depth])
            goto object_next;
        goto array_next;
    }
    if (kind[depth]) {
        if (c == '}')
            goto close;
        FAIL(pg_json__err_unexpected(&r->err, ABS(p), (unsigned char)c,
                                     "expected ',' or '}' after an object member"));
    }
    if (c == ']')
        goto close;
    FAIL(pg_json__err_unexpected(&r->err, ABS(p), (unsigned char)c,
                                 "expected ',' or ']' after an array element"));

close:
    depth--;
    p++;
    /* fall through to value_done */

value_done:
    if (depth <= r->end_watch) {
        CHECK(on_value_end(r, depth, p, ABS(p)));
        if (depth == 0)
            goto done;
    }
    goto after_value;

done:
    SKIP_WS(S_DONE);
    FAIL(pg_json__err_unexpected(&r->err, ABS(p), *p,
                                 "expected the end of input after the top-level value"));

    /* --- strings --- */
string_open:
    r->str_start = ABS(p);
    p++;
    seg = p;
string_body:
    p = pg_json__scan_string(p, end);
    if (p == end)
        SUSPEND(S_STRING);
    c = *p;
    if (c == '"') {
        if (ABS(p) - r->str_start - 1 > r->lim.max_string) {
            in_string = 1;
            CHECK(check_limits(r, ABS(p), 1));
        }
        if (is_key) {
            if (decode) {
                CHECK(key_put(r, seg, (size_t)(p - seg)));
                CHECK(on_top_key(r, r->str_start));
            }
            p++;
            goto colon;
        }
        p++;
        goto value_done;
    }
    if (c == '\\') {
        if (decode)
            CHECK(key_put(r, seg, (size_t)(p - seg)));
        p++;
        goto escape;
    }
    if (c < 0x20) {
        char q[16];
        in_string = 1;
        rc = set_error(r, PG_ESYNTAX, ABS(p),
                       "unexpected %s in the string started at byte %llu: control "
                       "characters must be escaped in strings (\\n, \\t, \\u0000, ...)",
                       pg_json__quote_byte(q, (unsigned char)c), (unsigned long long)r->str_start);
        goto failed;
    }
    /* c >= 0x80: a multi-byte UTF-8 character. */
    r->utf8_need = pg_utf8_lead((unsigned char)c, &r->utf8_lo, &r->utf8_hi);
    if (!r->utf8_need)
        FAIL_S(pg_json__err_utf8(&r->err, ABS(p), (unsigned char)c, 0, (unsigned char)c));
    r->utf8_lead = (uint8_t)c;
    r->utf8_pos = 1;
    p++;
utf8_cont:
    while (r->utf8_need) {
        if (p == end)
            SUSPEND(S_STR_UTF8);
        c = *p;
        if (c < r->utf8_lo || c > r->utf8_hi)
            FAIL_S(pg_json__err_utf8(&r->err, ABS(p), r->utf8_lead, r->utf8_pos, (unsigned char)c));
        p++;
        r->utf8_need--;
        r->utf8_pos++;
        r->utf8_lo = 0x80;
        r->utf8_hi = 0xBF;
    }
    goto string_body;

escape:
    if (p == end)
        SUSPEND(S_STR_ESC);
    c = pg_json__escape[*p];
    if (c > PG_JSON_ESC_U) {
        if (decode) {
            unsigned char b = (unsigned char)c;
            CHECK(key_put(r, &b, 1));
        }
        p++;
        seg = p;
        goto string_body;
    }
    if (c == 0) {
        in_string = 1;
        rc = err_escape(r, ABS(p), *p);
        goto failed;
    }
    p++;
    r->hex_left = 4;
    r->ucs = 0;
hex:
    while (r->hex_left) {
        if (p == end)
            SUSPEND(S_STR_HEX);
        c = pg_json__hex[*p];
        if (c == 0xff) {
            char q[16];
            in_string = 1;
            rc = set_error(r, PG_ESYNTAX, ABS(p),
                           "invalid \\u escape: unexpected %s in the string started at byte %llu: "
                           "expected 4 hex digits after \\u",
                           pg_json__quote_byte(q, *p), (unsigned long long)r->str_start);
            goto failed;
        }
        r->ucs = r->ucs << 4 | c;
        r->hex_left--;
        p++;
    }
    {
        /* \uXXXX is always 6 bytes: its '\' is 6 bytes back. */
        uint64_t esc_at = ABS(p) - 6;
        uint32_t u = r->ucs;
        unsigned char out[4];
        unsigned n = 0;

        if (r->high) {
            if (!PG_JSON_IS_LOW(u)) {
                in_string = 1;
                rc = err_surrogate(r, esc_at - 6, "high surrogate not followed by a low surrogate:",
                                   r->high);
                goto failed;
            }
            n = (unsigned)pg_utf8_encode(PG_JSON_PAIR(r->high, u), out);
            r->high = 0;
        } else if (PG_JSON_IS_HIGH(u)) {
            r->high = u;
            goto low_bs;
        } else if (PG_JSON_IS_LOW(u)) {
            in_string = 1;
            rc = err_surrogate(r, esc_at, "lone low surrogate", u);
            goto failed;
        } else {
            n = (unsigned)pg_utf8_encode(u, out);
        }
        if (decode)
            CHECK(key_put(r, out, n));
        seg = p;
        goto string_body;
    }
low_bs:
    if (p == end)
        SUSPEND(S_STR_LOW_BS);
    if (*p != '\\') {
        in_string = 1;
        rc = err_surrogate(r, ABS(p) - 6, "high surrogate not followed by a low surrogate:", r->high);
        goto failed;
    }
    p++;
low_u:
    if (p == end)
        SUSPEND(S_STR_LOW_U);
    if (*p != 'u') {
        in_string = 1;
        /* p - 1 is the '\' after the 6 bytes of the high surrogate escape. */
        rc = err_surrogate(r, ABS(p) - 7, "high surrogate not followed by a low surrogate:", r->high);
        goto failed;
    }
    p++;
    r->hex_left = 4;
    r->ucs = 0;
    goto hex;

    /* --- numbers (RFC 8259 §6) --- */
number:
    r->num_start = ABS(p);
    ns = c == '-' ? N_MINUS : c == '0' ? N_ZERO : N_INT;
    p++;
number_body:
    for (;;) {
        if (p == end)
            SUSPEND(S_NUMBER);
        c = *p;
        switch (ns) {
        case N_MINUS:
            if (c == '0')
                ns = N_ZERO;
            else if (c - '0' < 10u)
                ns = N_INT;
            else
                FAIL(pg_json__err_unexpected(&r->err, ABS(p), (unsigned char)c,
                                             "expected a digit after '-' in a number"));
            break;
        case N_ZERO:
            if (c == '.')
                ns = N_DOT;
            else if ((c | 0x20u) == 'e')
                ns = N_EXP_MARK;
            else if (c - '0' < 10u)
                FAIL(pg_json__err_unexpected(&r->err, ABS(p), (unsigned char)c,
                                             "a number cannot have a leading zero (expected '.', "
                                             "'e' or the end of the number after 0)"));
            else
                goto value_done;
            break;
        case N_INT:
            if (c - '0' < 10u)
                break;
            if (c == '.')
                ns = N_DOT;
            else if ((c | 0x20u) == 'e')
                ns = N_EXP_MARK;
            else
                goto value_done;
            break;
        case N_DOT:
            if (c - '0' < 10u)
                ns = N_FRAC;
            else
                FAIL(pg_json__err_unexpected(&r->err, ABS(p), (unsigned char)c,
                                             "expected a digit after the decimal point"));
            break;
        case N_FRAC:
            if (c - '0' < 10u)
                break;
            if ((c | 0x20u) == 'e')
                ns = N_EXP_MARK;
            else
                goto value_done;
            break;
        case N_EXP_MARK:
            if (c == '+' || c == '-')
                ns = N_EXP_SIGN;
            else if (c - '0' < 10u)
                ns = N_EXP;
            else
                FAIL(pg_json__err_unexpected(&r->err, ABS(p), (unsigned char)c,
                                             "expected a sign or a digit in the exponent"));
            break;
        case N_EXP_SIGN:
            if (c - '0' < 10u)
                ns = N_EXP;
            else
                FAIL(pg_json__err_unexpected(&r->err, ABS(p), (unsigned char)c,
                                             "expected a digit in the exponent"));
            break;
        default: /* N_EXP */
            if (c - '0' < 10u)
                break;
            goto value_done;
        }
        p++;
    }

    /* --- true, false, null --- */
literal:
    if (c == 't') {
        r->lit = "true";
        r->lit_len = 4;
    } else if (c == 'f') {
        r->lit = "false";
        r->lit_len = 5;
    } else {
        r->lit = "null";
        r->lit_len = 4;
    }
    if ((size_t)(end - p) >= r->lit_len && memcmp(p, r->lit, r->lit_len) == 0) {
        p += r->lit_len;
        goto value_done;
    }
    r->lit_pos = 0;
literal_body:
    while (r->lit_pos < r->lit_len) {
        if (p == end)
            SUSPEND(S_LITERAL);
        if (*p != (unsigned char)r->lit[r->lit_pos]) {
            char q[16];
            rc = set_error(r, PG_ESYNTAX, ABS(p),
                           "unexpected %s: expected the literal %s (started at byte %llu)",
                           pg_json__quote_byte(q, *p), r->lit,
                           (unsigned long long)(ABS(p) - r->lit_pos));
            goto failed;
        }
        p++;
        r->lit_pos++;
    }
    goto value_done;

    /* --- end of the chunk: save what the next one needs --- */
suspend:
    r->state = state;
    r->depth = depth;
    r->str_key = is_key;
    r->str_decode = decode;
    r->num_state = ns;
    in_string = is_string_state(state);
    CHECK(check_limits(r, ABS(end), in_string));
    /* Raw key bytes since seg (escape states have already emitted theirs). */
    if (decode && (state == S_STRING || state == S_STR_UTF8))
        CHECK(key_put(r, seg, (size_t)(end - seg)));
    if (r->capturing)
        CHECK(pg_buf_add(&r->cap, r->cap_from, (size_t)(end - r->cap_from), &r->err));
    r->base = ABS(end);
    return 0;

failed:
    /* A limit broken by the bytes before p is the real error: with smaller
     * chunks, the end-of-chunk check would have reported it before reaching
     * p. (p, where the error was found, not the offset reported: a bad
     * surrogate pair is reported at its first escape but found later.) */
    if (rc == PG_ESYNTAX || rc == PG_ELIMIT) {
        int lrc = check_limits(r, ABS(p), in_string);
        if (lrc)
            rc = lrc;
    }
    r->failed = 1;
    r->depth = depth;
    return rc;
}

#undef SKIP_WS
#undef SUSPEND
#undef ABS
#undef FAIL
#undef FAIL_S
#undef CHECK
#undef PUSH

/* MARK: encoding front end ------------------------------------------------ */

static int copy_error(const pg_json_reader *r, pg_error *err)
{
    pg_error_copy(err, &r->err);
    return r->err.code;
}

static int fail_u16(pg_json_reader *r, int bad, uint32_t unit)
{
    r->failed = 1;
    if (bad == PG_U16_LONE_LOW)
        return set_error(r, PG_ESYNTAX, r->base,
                         "invalid UTF-16: low surrogate 0x%04X without a high surrogate before it "
                         "(the offset counts bytes of the text transcoded to UTF-8)",
                         (unsigned)unit);
    return set_error(r, PG_ESYNTAX, r->base,
                     "invalid UTF-16: high surrogate 0x%04X not followed by a low surrogate (the "
                     "offset counts bytes of the text transcoded to UTF-8)",
                     (unsigned)unit);
}

static int feed_u16(pg_json_reader *r, const unsigned char *in, size_t len)
{
    while (len > 0) {
        size_t n = len < U16_BLOCK ? len : U16_BLOCK;
        int bad, rc;
        uint32_t unit;
        size_t m = pg_json__u16_transcode(&r->u16, in, n, r->tbuf, &bad, &unit);

        rc = core(r, r->tbuf, m);
        if (rc)
            return rc;
        if (bad)
            return fail_u16(r, bad, unit);
        in += n;
        len -= n;
    }
    return 0;
}

/*
 * Decide the encoding from the first bytes in bom[] (at most 3). Returns 1
 * when decided, 0 when more bytes are needed, or an error.
 */
static int detect(pg_json_reader *r, int at_end)
{
    const unsigned char *b = r->bom;
    unsigned n = r->bom_len;
    pg_json_encoding enc = PG_JSON_UTF8;
    int rc;

    if (b[0] == 0xEF) {
        if (n >= 2 && b[1] != 0xBB)
            goto plain;
        if (n < 3 && !at_end)
            return 0;
        if (n == 3 && b[2] == 0xBF)
            enc = PG_JSON_UTF8_BOM;
    } else if (!r->utf8_only && (b[0] == 0xFF || b[0] == 0xFE)) {
        if (n < 2 && !at_end)
            return 0;
        if (n == 2 && b[0] == 0xFF && b[1] == 0xFE)
            enc = PG_JSON_UTF16LE_BOM;
        else if (n == 2 && b[0] == 0xFE && b[1] == 0xFF)
            enc = PG_JSON_UTF16BE_BOM;
    }
    if (enc == PG_JSON_UTF8)
        goto plain;

    r->enc_known = 1;
    r->enc = enc;
    /* Offsets count the BOM as the 3 bytes of U+FEFF in UTF-8, in every
     * encoding: offsets are positions in the UTF-8 text the core reads. */
    r->base = r->origin + 3;
    if (enc != PG_JSON_UTF8_BOM) {
        r->u16.big_endian = enc == PG_JSON_UTF16BE_BOM;
        r->tbuf = pg_malloc(PG_JSON_U16_OUT(U16_BLOCK));
        if (!r->tbuf) {
            r->failed = 1;
            return pg_error_oom(&r->err);
        }
    }
    return 1;

plain:
    /* No BOM: the bytes held back are ordinary input. */
    r->enc_known = 1;
    r->enc = PG_JSON_UTF8;
    rc = core(r, b, n);
    return rc ? rc : 1;
}

/* MARK: public API -------------------------------------------------------- */

int pg_json_reader_capture_keys(const pg_json_reader *r, const pg_json_key_pos **keys, size_t *count)
{
    if (r->idx_lo == NO_WATCH || r->idx_overflow)
        return -1;
    *keys = r->idx;
    *count = r->idx_n;
    return 0;
}

int pg_json_reader_take_capture(pg_json_reader *r, char **buf)
{
    if (!r->delivering_copy)
        return -1;
    *buf = pg_buf_detach(&r->cap, NULL);
    r->delivering_copy = 0;
    return 0;
}

int pg_json_reader_new(pg_json_reader **out, const pg_json_handler *handler, const pg_json_limits *limits,
                       pg_error *err)
{
    pg_json_reader *r = NULL;
    int rc;

    *out = NULL;
    if (limits && limits->max_depth > PG_JSON_MAX_DEPTH_CEILING)
        return pg_error_set(err, PG_EUSAGE,
                            "a nesting limit (max_depth) of %u is above the most plangate reads, %u levels",
                            limits->max_depth, PG_JSON_MAX_DEPTH_CEILING);
    if (!(r = pg_calloc(1, sizeof *r)))
        return pg_error_oom(err);
    r->idx_lo = NO_WATCH;
    pg_buf_init(&r->key, 0);
    pg_buf_init(&r->cap, 0);
    if (handler)
        r->h = *handler;
    if (limits)
        r->lim = *limits;
    if (r->lim.max_depth == 0)
        r->lim.max_depth = PG_JSON_DEFAULT_MAX_DEPTH;
    if (r->lim.max_string == 0)
        r->lim.max_string = PG_JSON_DEFAULT_MAX_STRING;
    if (r->lim.max_capture == 0)
        r->lim.max_capture = PG_JSON_DEFAULT_MAX_CAPTURE;
    if (!(r->idx = pg_calloc(PG_JSON_MAX_INDEXED_KEYS, sizeof *r->idx))) {
        rc = pg_error_oom(err);
        goto fail;
    }
    /* The first frames: depth 0 (the document) and a few levels below it. */
    if ((rc = grow_stack(r, 0, 0)) != 0) {
        pg_error_copy(err, &r->err);
        goto fail;
    }
    r->kind[0] = 0;
    r->open_at[0] = 0;
    r->state = S_TOP;
    r->start_watch = 0;
    r->end_watch = 0;
    *out = r;
    return 0;
fail:
    pg_json_reader_free(r);
    return rc;
}

void pg_json__reader_origin(pg_json_reader *r, uint64_t origin, int utf8_only)
{
    r->origin = origin;
    r->base = origin;
    r->utf8_only = utf8_only;
}

void pg_json_reader_free(pg_json_reader *r)
{
    if (!r)
        return;
    pg_free(r->kind);
    pg_free(r->open_at);
    pg_free(r->tbuf);
    pg_buf_dispose(&r->key);
    pg_buf_dispose(&r->cap);
    pg_free(r->idx);
    pg_free(r);
}

int pg_json_feed(pg_json_reader *r, const char *buf, size_t len, pg_error *err)
{
    const unsigned char *in = (const unsigned char *)buf;
    int rc;

    if (r->failed)
        return copy_error(r, err);
    while (!r->enc_known && len > 0) {
        r->bom[r->bom_len++] = *in++;
        len--;
        rc = detect(r, 0);
        if (rc < 0)
            return copy_error(r, err);
    }
    if (len == 0)
        return 0;
    if (r->enc == PG_JSON_UTF16LE_BOM || r->enc == PG_JSON_UTF16BE_BOM)
        rc = feed_u16(r, in, len);
    else
        rc = core(r, in, len);
    return rc ? copy_error(r, err) : 0;
}

static int truncated(pg_json_reader *r, const char *what, uint64_t at)
{
    return set_error(r, PG_ESYNTAX, r->base,
                     "unexpected end of input: the JSON is truncated (inside %s started at byte %llu)",
                     what, (unsigned long long)at);
}

static int finish(pg_json_reader *r)
{
    int st = r->state;

    if (!r->enc_known && r->bom_len > 0) {
        int rc = detect(r, 1);
        if (rc < 0)
            return rc;
    }
    if (r->u16.have_byte) {
        return set_error(r, PG_ESYNTAX, r->base,
                         "unexpected end of input: the UTF-16 text ends in the middle of a code unit "
                         "(an odd number of bytes)");
    }
    if (r->u16.high) {
        return set_error(r, PG_ESYNTAX, r->base,
                         "unexpected end of input: the UTF-16 text ends with the high surrogate "
                         "0x%04X of an incomplete pair",
                         (unsigned)r->u16.high);
    }
    if (st == S_NUMBER && (r->num_state == N_ZERO || r->num_state == N_INT ||
                           r->num_state == N_FRAC || r->num_state == N_EXP)) {
        if (r->depth == 0) {
            /* A top-level number ends with the input. */
            r->state = S_DONE;
            return 0;
        }
    }
    switch (st) {
    case S_DONE:
        return 0;
    case S_TOP:
        if (r->base == r->origin || (r->base == r->origin + 3 && r->enc != PG_JSON_UTF8))
            return set_error(r, PG_ESYNTAX, r->base, "empty input: expected a JSON value");
        return set_error(r, PG_ESYNTAX, r->base,
                         "empty input: only whitespace, expected a JSON value");
    case S_STRING:
    case S_STR_ESC:
    case S_STR_HEX:
    case S_STR_LOW_BS:
    case S_STR_LOW_U:
    case S_STR_UTF8:
        return truncated(r, r->str_key ? "an object key" : "a string", r->str_start);
    case S_LITERAL:
        return truncated(r, r->lit[0] == 't' ? "the literal true"
                            : r->lit[0] == 'f' ? "the literal false"
                                               : "the literal null",
                         r->base - r->lit_pos);
    case S_NUMBER:
        if (r->depth == 0 || !(r->num_state == N_ZERO || r->num_state == N_INT ||
                               r->num_state == N_FRAC || r->num_state == N_EXP))
            return truncated(r, "a number", r->num_start);
        break;
    default:
        break;
    }
    return truncated(r, r->kind[r->depth] ? "an object" : "an array", r->open_at[r->depth]);
}

int pg_json_finish(pg_json_reader *r, pg_error *err)
{
    int rc;

    if (r->failed)
        return copy_error(r, err);
    rc = finish(r);
    if (rc) {
        r->failed = 1;
        return copy_error(r, err);
    }
    return 0;
}

pg_json_type pg_json_reader_top_type(const pg_json_reader *r)
{
    return r->top_type;
}

pg_json_encoding pg_json_reader_encoding(const pg_json_reader *r)
{
    return r->enc;
}

uint64_t pg_json_reader_offset(const pg_json_reader *r)
{
    return r->base + (r->enc_known ? 0 : r->bom_len);
}
