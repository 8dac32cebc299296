/*
 * value.c — a plan value as text: the one walker over json values
 * (pg_value__dump), pg_value_text, and the evidence caps (value.h).
 */
#include "finding/value.h"

#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "util/quote.h"
#include "util/utf8.h"

/* MARK: the walker */

typedef struct frame {
    const json_t *c;   /* the container */
    size_t n;          /* members or elements written */
    void *iter;        /* the next member, in the object's own order */
    const char *last;  /* the last key written, in sorted order */
    size_t last_len;
} frame;

typedef struct walk {
    const pg_value_layout *l;
    pg_esc_sink_fn sink;
    void *ctx;
    int stopped;
} walk;

static void put(walk *w, const char *s, size_t n)
{
    if (!w->stopped && n > 0 && w->sink(w->ctx, s, n, 1, 1) < n)
        w->stopped = 1;
}

static void newline(walk *w, size_t depth)
{
    static const char spaces[] = "                                ";
    size_t n = w->l->indent * (w->l->base + depth);

    put(w, "\n", 1);
    while (n > 0 && !w->stopped) {
        size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        put(w, spaces, k);
        n -= k;
    }
}

static void put_string(walk *w, const char *s, size_t n)
{
    put(w, "\"", 1);
    if (!w->l->strings)
        put(w, s, n);
    else if (!w->stopped && pg_esc_run(w->l->strings, NULL, s, n, w->sink, w->ctx) < n)
        w->stopped = 1;
    put(w, "\"", 1);
}

static void put_scalar(walk *w, const json_t *v)
{
    char num[64];
    size_t n;

    if (json_is_string(v)) {
        put_string(w, json_string_value(v), json_string_length(v));
        return;
    }
    /* A number: its shortest round-trip text (pg_value_number_text); true,
     * false or null: jansson's own spelling (no recursion). */
    if (pg_value_number_text(v, num, sizeof num)) {
        put(w, num, strlen(num));
        return;
    }
    n = json_dumpb(v, num, sizeof num, JSON_ENCODE_ANY);
    if (n == 0 || n > sizeof num)
        put(w, "null", 4);
    else
        put(w, num, n);
}

int pg_value_number_text(const json_t *v, char *buf, size_t size)
{
    char point = localeconv()->decimal_point[0], *c;
    double d;
    int prec;

    if (!size || !json_is_number(v))
        return 0;
    if (json_is_integer(v)) {
        snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return 1;
    }
    /* The fewest significant digits that read back as the same double (17
     * always do). strtod follows the locale as snprintf does. */
    d = json_real_value(v);
    for (prec = 1; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    if (point != '.' && (c = strchr(buf, point)) != NULL)
        *c = '.';
    return 1;
}

static int key_cmp(const char *a, size_t al, const char *b, size_t bl)
{
    int c = memcmp(a, b, al < bl ? al : bl);

    return c != 0 ? c : al < bl ? -1 : al > bl;
}

/* The member of `obj` with the smallest key after `last` (the first when
 * last is NULL). Linear per member written, but no allocation: the output
 * that asks for sorted keys (a message) is short. */
static void *next_sorted(json_t *obj, const char *last, size_t last_len)
{
    void *it, *best = NULL;
    const char *bk = NULL;
    size_t bl = 0;

    for (it = json_object_iter(obj); it; it = json_object_iter_next(obj, it)) {
        const char *k = json_object_iter_key(it);
        size_t kl = json_object_iter_key_len(it);
        if (last && key_cmp(k, kl, last, last_len) <= 0)
            continue;
        if (!best || key_cmp(k, kl, bk, bl) < 0) {
            best = it;
            bk = k;
            bl = kl;
        }
    }
    return best;
}

/* The next member or element of the innermost container, or NULL at its end. */
static const json_t *next_child(const pg_value_layout *l, frame *f, const char **key, size_t *key_len)
{
    json_t *c = (json_t *)(uintptr_t)f->c; /* jansson's iterators take a non-const object */
    void *it;

    *key = NULL;
    if (json_is_array(c))
        return f->n < json_array_size(c) ? json_array_get(c, f->n) : NULL;
    if (l->sort_keys) {
        it = next_sorted(c, f->n ? f->last : NULL, f->last_len);
        if (it) {
            f->last = json_object_iter_key(it);
            f->last_len = json_object_iter_key_len(it);
        }
    } else {
        it = f->iter;
        if (it)
            f->iter = json_object_iter_next(c, it);
    }
    if (!it)
        return NULL;
    *key = json_object_iter_key(it);
    *key_len = json_object_iter_key_len(it);
    return json_object_iter_value(it);
}

int pg_value__dump(const json_t *v, const pg_value_layout *l, pg_esc_sink_fn sink, void *ctx)
{
    frame st[PG_VALUE_WALK_MAX_DEPTH];
    size_t depth = 0, max = l->max_depth && l->max_depth < PG_VALUE_WALK_MAX_DEPTH ? l->max_depth
                                                                                   : PG_VALUE_WALK_MAX_DEPTH;
    walk w = {l, sink, ctx, 0};
    const json_t *next = v; /* a value to write; NULL: go on with the innermost container */

    while (!w.stopped) {
        const char *key;
        size_t key_len = 0;
        frame *f;

        if (next) {
            if (!json_is_object(next) && !json_is_array(next)) {
                put_scalar(&w, next);
            } else if (depth == max) {
                return PG_VALUE_TOO_DEEP;
            } else {
                put(&w, json_is_object(next) ? "{" : "[", 1);
                st[depth].c = next;
                st[depth].n = 0;
                st[depth].iter = json_is_object(next) ? json_object_iter((json_t *)(uintptr_t)next) : NULL;
                st[depth].last = NULL;
                st[depth].last_len = 0;
                depth++;
            }
            next = NULL;
            continue;
        }
        if (depth == 0)
            break;
        f = &st[depth - 1];
        if (!(next = next_child(l, f, &key, &key_len))) {
            depth--; /* the container ends */
            if (f->n > 0 && l->indent)
                newline(&w, depth);
            put(&w, json_is_array(f->c) ? "]" : "}", 1);
            continue;
        }
        if (f->n++ > 0)
            put(&w, ",", 1);
        if (l->indent)
            newline(&w, depth);
        if (key) {
            put_string(&w, key, key_len);
            put(&w, l->indent ? ": " : ":", l->indent ? 2 : 1);
        }
    }
    return w.stopped ? PG_VALUE_STOPPED : 0;
}

/* MARK: pg_value_text */

static const char *const marker_prefixes[] = {"(object ", "(array ", "(string of "};

int pg_value__is_marker(const char *s, size_t len)
{
    size_t i;

    if (strlen(s) != len) /* "(sensitive)\0tail" is a plan's string, not our word */
        return 0;
    if (strcmp(s, PG_SENSITIVE_TEXT) == 0 || strcmp(s, PG_UNKNOWN_TEXT) == 0)
        return 1;
    for (i = 0; i < sizeof marker_prefixes / sizeof marker_prefixes[0]; i++)
        if (strncmp(s, marker_prefixes[i], strlen(marker_prefixes[i])) == 0 && s[len - 1] == ')')
            return 1;
    return 0;
}

typedef struct text_sink {
    char *buf;
    size_t cap; /* bytes of text it may hold (the buffer less its NUL) */
    size_t len;
    int cut;
} text_sink;

static size_t to_text(void *ctx, const char *piece, size_t n, size_t rest, int plain)
{
    text_sink *t = ctx;
    size_t take = n <= t->cap - t->len ? n : t->cap - t->len;

    (void)rest;
    (void)plain;
    while (take < n && take > 0 && ((unsigned char)piece[take] & 0xC0) == 0x80)
        take--; /* never split a character */
    memcpy(t->buf + t->len, piece, take);
    t->len += take;
    if (take < n)
        t->cut = 1;
    return take;
}

#define ELLIPSIS "\xe2\x80\xa6" /* … */

/*
 * Does a string need its quotes to read as itself? A plain string (a key
 * name, a type, a table name, an address) reads best bare, as messages have
 * always shown it; one that holds a character util/quote escapes (a
 * control, a hidden character, invalid UTF-8, the "##[" marker), that is
 * empty, that starts or ends with a space, or that reads as PG_NONE_TEXT
 * would be misread, and is shown as a JSON literal.
 */
static int needs_quotes(const char *s, size_t n)
{
    size_t i = 0;

    if (n == 0 || s[0] == ' ' || s[n - 1] == ' ' ||
        (n == sizeof PG_NONE_TEXT - 1 && memcmp(s, PG_NONE_TEXT, n) == 0))
        return 1;
    while (i < n) {
        uint32_t cp;
        int valid;
        size_t k = pg_utf8_decode(s + i, n - i, &cp, &valid);
        if (!valid || pg_esc_is_hidden(cp) || pg_esc_starts_command(s + i, n - i))
            return 1;
        i += k;
    }
    return 0;
}

void pg_value_text(const json_t *v, char *buf, size_t size)
{
    static const pg_value_layout compact = {&pg_quote_table, 0, 0, 1, 0};
    text_sink t = {buf, size ? size - 1 : 0, 0, 0};

    if (size == 0)
        return;
    if (!v || json_is_null(v))
        to_text(&t, PG_NONE_TEXT, sizeof PG_NONE_TEXT - 1, 0, 1);
    else if (json_is_string(v) && (pg_value__is_marker(json_string_value(v), json_string_length(v)) ||
                                   !needs_quotes(json_string_value(v), json_string_length(v))))
        to_text(&t, json_string_value(v), json_string_length(v), 0, 0);
    else if (pg_value__dump(v, &compact, to_text, &t) != 0)
        t.cut = 1;
    if (t.cut && t.cap >= sizeof ELLIPSIS - 1) {
        /* make room for the mark, stepping back to a character boundary */
        if (t.len > t.cap - (sizeof ELLIPSIS - 1))
            t.len = t.cap - (sizeof ELLIPSIS - 1);
        while (t.len > 0 && ((unsigned char)buf[t.len] & 0xC0) == 0x80)
            t.len--;
        memcpy(buf + t.len, ELLIPSIS, sizeof ELLIPSIS - 1);
        t.len += sizeof ELLIPSIS - 1;
    }
    buf[t.len] = '\0';
}

/* MARK: evidence caps */

typedef struct count_sink {
    size_t bytes, stop_after; /* stop_after 0: count all of it */
} count_sink;

static size_t to_count(void *ctx, const char *piece, size_t n, size_t rest, int plain)
{
    count_sink *c = ctx;

    (void)piece;
    (void)rest;
    (void)plain;
    c->bytes += n;
    return c->stop_after && c->bytes > c->stop_after ? 0 : n;
}

/* About the size of v as compact JSON (strings unescaped), up to
 * `stop_after` bytes (0: all); PG_VALUE_TOO_DEEP past the depth cap. */
static int measure(const json_t *v, size_t stop_after, size_t *bytes)
{
    static const pg_value_layout raw = {NULL, 0, 0, 0, PG_EVIDENCE_MAX_DEPTH};
    count_sink c = {0, stop_after};
    int rc = pg_value__dump(v, &raw, to_count, &c);

    *bytes = c.bytes;
    return rc;
}

int pg_value__within_caps(const json_t *v)
{
    size_t bytes;

    if (json_is_string(v))
        return json_string_length(v) <= PG_EVIDENCE_MAX_BYTES - 2;
    if (!json_is_object(v) && !json_is_array(v))
        return 1;
    return measure(v, PG_EVIDENCE_MAX_BYTES, &bytes) == 0 && bytes <= PG_EVIDENCE_MAX_BYTES;
}

static void size_words(char *out, size_t size, size_t bytes)
{
    if (bytes < 1024)
        snprintf(out, size, "%zu bytes", bytes);
    else if (bytes < 1024u * 1024u)
        snprintf(out, size, "%zu KB", (bytes + 512) / 1024);
    else
        snprintf(out, size, "%zu MB", (bytes + 512u * 1024u) / (1024u * 1024u));
}

json_t *pg_value__summary(const json_t *v, int hide_size)
{
    char text[128], size[32];
    size_t bytes, n;
    const char *kind = json_is_object(v) ? "object" : "array";

    if (json_is_string(v)) {
        size_words(size, sizeof size, json_string_length(v));
        snprintf(text, sizeof text, "(string of %s)", size);
        return json_string(text);
    }
    if (measure(v, 0, &bytes) == PG_VALUE_TOO_DEEP) {
        snprintf(text, sizeof text, "(%s nested deeper than %u levels)", kind, PG_EVIDENCE_MAX_DEPTH);
        return json_string(text);
    }
    n = json_is_object(v) ? json_object_size(v) : json_array_size(v);
    if (hide_size)
        snprintf(size, sizeof size, "too large to show");
    else
        size_words(size, sizeof size, bytes);
    snprintf(text, sizeof text, "(%s with %zu %s%s, %s)", kind, n, json_is_object(v) ? "key" : "element",
             n == 1 ? "" : "s", size);
    return json_string(text);
}

json_t *pg_value__capped(json_t *v, int hide_size)
{
    json_t *s;

    if (!v || pg_value__within_caps(v))
        return v;
    s = pg_value__summary(v, hide_size);
    json_decref(v);
    return s;
}

json_t *pg_value__copy_capped(const json_t *v)
{
    /* within the caps, jansson's recursive copy is bounded */
    return pg_value__within_caps(v) ? json_deep_copy(v) : pg_value__summary(v, 0);
}
