/*
 * escape.c — the output sink and one escaper per output language.
 *
 * Every string a report prints comes from the model, and the model holds
 * text that a plan author controls (addresses with for_each keys, tag
 * values quoted in messages, policy text). So each language gets exactly one
 * escaper here, and the writers never print a model string any other way:
 * a hostile key cannot add a JUnit element, a workflow command, a Markdown
 * link that pings a team, or a terminal escape sequence.
 */
#include "report/report_internal.h"

#include <stdarg.h>
#include <string.h>

#include "plangate/alloc.h"

/* MARK: output sink */

void pg_report__out_stream(pg_report__out *o, FILE *f)
{
    memset(o, 0, sizeof *o);
    o->f = f;
}

void pg_report__out_memory(pg_report__out *o)
{
    memset(o, 0, sizeof *o);
}

void pg_report__out_dispose(pg_report__out *o)
{
    pg_free(o->buf);
    memset(o, 0, sizeof *o);
}

void pg_report__out_reset(pg_report__out *o)
{
    o->len = 0;
    if (o->buf)
        o->buf[0] = '\0';
}

void pg_report__write(pg_report__out *o, const char *s, size_t n)
{
    if (n == 0 || o->failed)
        return;
    if (o->f) {
        /* Errors stay in the stream (ferror), checked once by pg_report_write. */
        if (fwrite(s, 1, n, o->f) != n)
            o->failed = 1;
        return;
    }
    if (o->cap - o->len <= n) {
        size_t cap = o->cap ? o->cap : 256;
        char *grown;
        while (cap - o->len <= n) {
            if (cap > ((size_t)-1) / 2) {
                o->failed = 1;
                return;
            }
            cap *= 2;
        }
        if (!(grown = pg_realloc(o->buf, cap))) {
            o->failed = 1;
            return;
        }
        o->buf = grown;
        o->cap = cap;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = '\0';
}

void pg_report__puts(pg_report__out *o, const char *s)
{
    pg_report__write(o, s, strlen(s));
}

void pg_report__putc(pg_report__out *o, char c)
{
    pg_report__write(o, &c, 1);
}

void pg_report__pad(pg_report__out *o, char c, size_t n)
{
    char chunk[64];

    memset(chunk, c, sizeof chunk);
    while (n > 0) {
        size_t k = n < sizeof chunk ? n : sizeof chunk;
        pg_report__write(o, chunk, k);
        n -= k;
    }
}

void pg_report__printf(pg_report__out *o, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        o->failed = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        pg_report__write(o, small, (size_t)n);
    } else {
        char *big = pg_malloc((size_t)n + 1);
        if (!big) {
            o->failed = 1;
            return;
        }
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        pg_report__write(o, big, (size_t)n);
        pg_free(big);
    }
}

/* MARK: UTF-8 */

size_t pg_report__utf8_next(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    uint32_t c, min;
    size_t len, i;

    if (u[0] < 0x80) {
        *cp = u[0];
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
    return len;
invalid:
    *cp = 0xFFFD;
    return 1;
}

size_t pg_report__utf8_width(const char *s, size_t n)
{
    size_t i = 0, w = 0;
    uint32_t cp;

    while (i < n) {
        i += pg_report__utf8_next(s + i, n - i, &cp);
        w++;
    }
    return w;
}

size_t pg_report__utf8_cut(const char *s, size_t n, size_t max)
{
    size_t i = 0;
    uint32_t cp;

    while (i < n) {
        size_t k = pg_report__utf8_next(s + i, n - i, &cp);
        if (i + k > max)
            break;
        i += k;
    }
    return i;
}

/* Write one code point as UTF-8. */
static void put_cp(pg_report__out *o, uint32_t cp)
{
    char b[4];

    if (cp < 0x80) {
        b[0] = (char)cp;
        pg_report__write(o, b, 1);
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        pg_report__write(o, b, 2);
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        pg_report__write(o, b, 3);
    } else {
        b[0] = (char)(0xF0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        pg_report__write(o, b, 4);
    }
}

#define REPLACEMENT 0xFFFDu

/* MARK: text (terminal) */

/* Bidirectional overrides and isolates reorder what the operator sees
 * ("Trojan Source"): show them, never apply them. */
static int is_bidi_control(uint32_t cp)
{
    return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E ||
           cp == 0x200F || cp == 0x061C;
}

void pg_report__esc_text(pg_report__out *o, const char *s, int keep_newlines)
{
    size_t n, i = 0;

    if (!s)
        return;
    n = strlen(s);
    while (i < n) {
        uint32_t cp;
        size_t k = pg_report__utf8_next(s + i, n - i, &cp);
        size_t run = i;

        /* Copy plain runs in one write: most text is printable ASCII. */
        while (i < n && (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7F)
            i++;
        if (i > run) {
            pg_report__write(o, s + run, i - run);
            continue;
        }
        if (cp == '\n')
            pg_report__putc(o, keep_newlines ? '\n' : ' ');
        else if (cp == '\t')
            pg_report__putc(o, ' ');
        else if (cp < 0x20 || cp == 0x7F)
            pg_report__printf(o, "\\x%02x", (unsigned)cp);
        else if ((cp >= 0x80 && cp <= 0x9F) || is_bidi_control(cp))
            pg_report__printf(o, "\\u%04x", (unsigned)cp);
        else
            put_cp(o, cp);
        i += k;
    }
}

/* MARK: XML */

static int xml_allowed(uint32_t cp)
{
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
           (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

void pg_report__esc_xml(pg_report__out *o, const char *s, int attr)
{
    size_t n, i = 0;

    if (!s)
        return;
    n = strlen(s);
    while (i < n) {
        uint32_t cp;
        size_t k = pg_report__utf8_next(s + i, n - i, &cp);

        if (k == 1 && cp == REPLACEMENT) {
            put_cp(o, REPLACEMENT); /* an invalid byte */
            i++;
            continue;
        }
        i += k;
        if (!xml_allowed(cp)) {
            put_cp(o, REPLACEMENT);
            continue;
        }
        switch (cp) {
        case '&': pg_report__puts(o, "&amp;"); break;
        case '<': pg_report__puts(o, "&lt;"); break;
        case '>': pg_report__puts(o, "&gt;"); break;
        case '"': pg_report__puts(o, attr ? "&quot;" : "\""); break;
        case '\'': pg_report__puts(o, attr ? "&apos;" : "'"); break;
        /* A parser normalises raw newlines and tabs in attributes to spaces and
         * CR everywhere: character references keep them. */
        case '\n': pg_report__puts(o, attr ? "&#10;" : "\n"); break;
        case '\t': pg_report__puts(o, attr ? "&#9;" : "\t"); break;
        case '\r': pg_report__puts(o, "&#13;"); break;
        default: put_cp(o, cp); break;
        }
    }
}

/* MARK: GitHub workflow commands */

void pg_report__esc_github(pg_report__out *o, const char *s, int property)
{
    size_t n, i = 0;

    if (!s)
        return;
    n = strlen(s);
    while (i < n) {
        uint32_t cp;
        size_t k = pg_report__utf8_next(s + i, n - i, &cp);

        i += k;
        switch (cp) {
        /* The runner's own escapes (toolkit command.ts escapeData/escapeProperty). */
        case '%': pg_report__puts(o, "%25"); break;
        case '\r': pg_report__puts(o, "%0D"); break;
        case '\n': pg_report__puts(o, "%0A"); break;
        case ':':
            if (property)
                pg_report__puts(o, "%3A");
            else
                pg_report__putc(o, ':');
            break;
        case ',':
            if (property)
                pg_report__puts(o, "%2C");
            else
                pg_report__putc(o, ',');
            break;
        case '\t': pg_report__putc(o, ' '); break;
        default:
            /* Other controls have no escape the runner undoes: make them visible. */
            if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || is_bidi_control(cp))
                put_cp(o, REPLACEMENT);
            else
                put_cp(o, cp);
            break;
        }
    }
}

/* MARK: Markdown */

static int is_word_char(uint32_t cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == '_' ||
           cp == '.' || cp == '-' || cp == '+';
}

void pg_report__esc_md(pg_report__out *o, const char *s, size_t max, int br)
{
    size_t n, i = 0, count = 0;
    uint32_t prev = ' ';
    int line_start = 1;

    if (!s)
        return;
    n = strlen(s);
    while (i < n) {
        uint32_t cp;
        size_t k = pg_report__utf8_next(s + i, n - i, &cp);

        if (max && count == max) {
            pg_report__puts(o, "…");
            return;
        }
        count++;
        i += k;
        if (cp == ' ' && line_start && br) {
            /* keep the indentation of a multi-line fix (HTML collapses spaces) */
            pg_report__puts(o, "&nbsp;");
            continue;
        }
        line_start = cp == '\n';
        switch (cp) {
        case '\\': case '`': case '*': case '_': case '[': case ']': case '~': case '|': case '#':
            pg_report__putc(o, '\\');
            pg_report__putc(o, (char)cp);
            break;
        case '<': pg_report__puts(o, "&lt;"); break;
        case '>': pg_report__puts(o, "&gt;"); break;
        case '&': pg_report__puts(o, "&amp;"); break;
        /* A zero-width space after @ keeps "@org/team" in a message from
         * notifying anyone, which a backslash does not. An @ inside a word
         * (alice@example.com) mentions nobody and stays as is. */
        case '@': pg_report__puts(o, is_word_char(prev) ? "@" : "@&#8203;"); break;
        case '\n': pg_report__puts(o, br ? "<br>" : " "); break;
        case '\t': pg_report__putc(o, ' '); break;
        default:
            if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
                break; /* a table row is one line: drop controls */
            put_cp(o, is_bidi_control(cp) ? REPLACEMENT : cp);
            break;
        }
        prev = cp;
    }
}

void pg_report__esc_md_code(pg_report__out *o, const char *s, size_t max, int in_table)
{
    size_t n, i, run = 0, longest = 0, count = 0;
    int pad;

    if (!s || !*s)
        return;
    n = strlen(s);
    for (i = 0; i < n; i++) {
        run = s[i] == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    /* CommonMark strips one space from each side when both are present, and
     * a backtick at either end would merge with the fence. */
    pad = s[0] == '`' || s[n - 1] == '`' || s[0] == ' ' || s[n - 1] == ' ';
    pg_report__pad(o, '`', longest + 1);
    if (pad)
        pg_report__putc(o, ' ');
    i = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = pg_report__utf8_next(s + i, n - i, &cp);

        if (max && count == max) {
            pg_report__puts(o, "…");
            break;
        }
        count++;
        i += k;
        if (cp == '|' && in_table)
            pg_report__puts(o, "\\|"); /* GFM splits cells before code spans */
        else if (cp == '\n' || cp == '\r' || cp == '\t')
            pg_report__putc(o, ' ');
        else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
            continue;
        else
            put_cp(o, is_bidi_control(cp) ? REPLACEMENT : cp);
    }
    if (pad)
        pg_report__putc(o, ' ');
    pg_report__pad(o, '`', longest + 1);
}

/* MARK: JSON */

json_t *pg_report__json_str(const char *s)
{
    pg_report__out clean;
    size_t n, i = 0;
    json_t *v;

    if (!s)
        return json_null();
    n = strlen(s);
    for (;;) { /* the common case: already valid */
        uint32_t cp;
        size_t k;
        if (i == n)
            return json_stringn(s, n);
        k = pg_report__utf8_next(s + i, n - i, &cp);
        if (k == 1 && cp == REPLACEMENT)
            break;
        i += k;
    }
    pg_report__out_memory(&clean);
    pg_report__write(&clean, s, i);
    while (i < n) {
        uint32_t cp;
        i += pg_report__utf8_next(s + i, n - i, &cp);
        put_cp(&clean, cp);
    }
    v = clean.failed ? NULL : json_stringn(clean.buf, clean.len);
    pg_report__out_dispose(&clean);
    return v;
}

/* MARK: streaming JSON */

void pg_report__jw_init(pg_report__jw *w, pg_report__out *o)
{
    memset(w, 0, sizeof *w);
    w->o = o;
}

static void jw_indent(pg_report__jw *w, size_t depth)
{
    pg_report__putc(w->o, '\n');
    pg_report__pad(w->o, ' ', 2 * depth);
}

static void jw_next(pg_report__jw *w)
{
    if (w->depth == 0)
        return;
    if (!w->empty[w->depth - 1])
        pg_report__putc(w->o, ',');
    w->empty[w->depth - 1] = 0;
    jw_indent(w, w->depth);
}

void pg_report__jw_key(pg_report__jw *w, const char *key)
{
    jw_next(w);
    pg_report__printf(w->o, "\"%s\": ", key);
}

void pg_report__jw_elem(pg_report__jw *w)
{
    jw_next(w);
}

typedef struct indent_sink {
    pg_report__out *o;
    size_t depth;
} indent_sink;

/* jansson's dump of a nested value starts at column 0: indent each line.
 * A raw newline only ever separates members (strings escape theirs). */
static int indent_cb(const char *buffer, size_t size, void *data)
{
    indent_sink *k = data;
    size_t i, start = 0;

    for (i = 0; i < size; i++) {
        if (buffer[i] == '\n') {
            pg_report__write(k->o, buffer + start, i + 1 - start);
            pg_report__pad(k->o, ' ', 2 * k->depth);
            start = i + 1;
        }
    }
    pg_report__write(k->o, buffer + start, size - start);
    return k->o->failed ? -1 : 0;
}

void pg_report__jw_value(pg_report__jw *w, json_t *v)
{
    indent_sink k = {w->o, w->depth};

    if (!v) {
        w->oom = 1;
        return;
    }
    if (json_dump_callback(v, indent_cb, &k, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY) != 0 &&
        !w->o->failed)
        w->oom = 1; /* jansson allocates while dumping; a failed write is the stream's to report */
    json_decref(v);
}

/* Write `v`, or record the failure its builder reported through `ok`. */
static void jw_checked_value(pg_report__jw *w, json_t *v, const int *ok)
{
    if (ok && !*ok) {
        json_decref(v);
        v = NULL;
    }
    pg_report__jw_value(w, v);
}

void pg_report__jw_member(pg_report__jw *w, const char *key, json_t *v, const int *ok)
{
    pg_report__jw_key(w, key);
    jw_checked_value(w, v, ok);
}

void pg_report__jw_element(pg_report__jw *w, json_t *v, const int *ok)
{
    pg_report__jw_elem(w);
    jw_checked_value(w, v, ok);
}

void pg_report__jw_open(pg_report__jw *w, char bracket)
{
    pg_report__putc(w->o, bracket);
    if (w->depth >= PG_REPORT_JW_MAX_DEPTH) {
        w->oom = 1; /* a programming error: the writers nest 5 deep at most */
        return;
    }
    w->empty[w->depth++] = 1;
}

void pg_report__jw_close(pg_report__jw *w, char bracket)
{
    if (w->depth == 0)
        return;
    w->depth--;
    if (!w->empty[w->depth])
        jw_indent(w, w->depth);
    pg_report__putc(w->o, bracket);
}

/* MARK: values */

char *pg_report__value_text(const json_t *v)
{
    char *dump, *out;
    size_t n, cut;

    if (!v)
        return pg_strdup("(none)");
    if (json_is_string(v) && (strcmp(json_string_value(v), PG_SENSITIVE_TEXT) == 0 ||
                              strcmp(json_string_value(v), PG_UNKNOWN_TEXT) == 0))
        return pg_strdup(json_string_value(v));
    /* Dump once to learn the size, then into our own buffer, so what this
     * returns is plainly pg_malloc'd. */
    n = json_dumpb(v, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
    if (n == 0 || !(dump = pg_malloc(n + 1)))
        return NULL;
    if (json_dumpb(v, dump, n, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS) != n) {
        pg_free(dump);
        return NULL;
    }
    dump[n] = '\0';
    if (n <= PG_REPORT_VALUE_MAX)
        return dump;
    cut = pg_report__utf8_cut(dump, n, PG_REPORT_VALUE_MAX);
    out = pg_malloc(cut + sizeof "…");
    if (out) {
        memcpy(out, dump, cut);
        memcpy(out + cut, "…", sizeof "…");
    }
    pg_free(dump);
    return out;
}
