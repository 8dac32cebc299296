/* esc.c — the one escaping loop and the set of hidden characters (esc.h). */
#include "util/esc.h"

#include <stdio.h>
#include <string.h>

#include "util/utf8.h"

const char pg_esc_asis[] = "";
const char pg_esc_context[] = "";

/* MARK: hidden characters */

/*
 * Sorted, non-overlapping. Unicode's Default_Ignorable_Code_Point
 * (DerivedCoreProperties.txt), the White_Space characters other than
 * U+0020 and the C0 ones (.NET's TrimStart trims them all), the
 * interlinear annotation controls, U+FFFD and the two non-characters.
 */
static const struct {
    uint32_t lo, hi;
} hidden_ranges[] = {
    {0x0080, 0x00A0},   /* C1 controls (NEL among them), no-break space */
    {0x00AD, 0x00AD},   /* soft hyphen */
    {0x034F, 0x034F},   /* combining grapheme joiner */
    {0x061C, 0x061C},   /* Arabic letter mark */
    {0x115F, 0x1160},   /* Hangul fillers */
    {0x1680, 0x1680},   /* Ogham space mark */
    {0x17B4, 0x17B5},   /* Khmer inherent vowels */
    {0x180B, 0x180F},   /* Mongolian variation selectors and vowel separator */
    {0x2000, 0x200F},   /* spaces, zero-width space and joiners, LRM, RLM */
    {0x2028, 0x202F},   /* line and paragraph separators, bidi embeddings and overrides, narrow NBSP */
    {0x205F, 0x206F},   /* medium mathematical space, word joiner, invisible operators, bidi isolates */
    {0x3000, 0x3000},   /* ideographic space */
    {0x3164, 0x3164},   /* Hangul filler */
    {0xFE00, 0xFE0F},   /* variation selectors */
    {0xFEFF, 0xFEFF},   /* zero-width no-break space (BOM) */
    {0xFFA0, 0xFFA0},   /* halfwidth Hangul filler */
    {0xFFF0, 0xFFFB},   /* unassigned ignorables, interlinear annotation */
    {0xFFFD, 0xFFFF},   /* replacement character (and every invalid byte), non-characters */
    {0x1BCA0, 0x1BCA3}, /* shorthand format controls */
    {0x1D173, 0x1D17A}, /* musical symbol format controls */
    {0xE0000, 0xE0FFF}, /* tags, variation selectors supplement */
};

int pg_esc_is_hidden(uint32_t cp)
{
    size_t lo = 0, hi = sizeof hidden_ranges / sizeof hidden_ranges[0];

    if (cp < 0x80)
        return cp < 0x20 || cp == 0x7F;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp < hidden_ranges[mid].lo)
            hi = mid;
        else if (cp > hidden_ranges[mid].hi)
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

/* XML 1.0 forbids these even as character references. */
static int xml_forbidden(uint32_t cp)
{
    return (cp < 0x20 && cp != 0x9 && cp != 0xA && cp != 0xD) || cp == 0xFFFE || cp == 0xFFFF;
}

static size_t hidden_form(const pg_esc_table *t, uint32_t cp, char *out)
{
    switch (t->hidden) {
    case PG_ESC_HIDDEN_XML:
        return (size_t)snprintf(out, PG_ESC_PIECE_MAX, "&#x%X;", (unsigned)(xml_forbidden(cp) ? 0xFFFD : cp));
    case PG_ESC_HIDDEN_REPLACE:
        memcpy(out, "\xEF\xBF\xBD", 3);
        return 3;
    case PG_ESC_HIDDEN_UNICODE:
        break;
    }
    if (cp > 0xFFFF) { /* JSON spells it as a surrogate pair */
        uint32_t v = cp - 0x10000;
        return (size_t)snprintf(out, PG_ESC_PIECE_MAX, "\\u%04X\\u%04X", (unsigned)(0xD800 | (v >> 10)),
                                (unsigned)(0xDC00 | (v & 0x3FF)));
    }
    return (size_t)snprintf(out, PG_ESC_PIECE_MAX, "\\u%04X", (unsigned)cp);
}

/* MARK: the loop */

void pg_esc_state_init(pg_esc_state *st)
{
    st->prev = ' ';
    st->prev2 = ' ';
    st->line_start = 1;
}

static void advance(pg_esc_state *st, uint32_t cp)
{
    st->prev2 = st->prev;
    st->prev = cp;
    if (cp == '\n')
        st->line_start = 1;
    else if (cp != ' ')
        st->line_start = 0;
}

int pg_esc_starts_command(const char *s, size_t n)
{
    return n >= 3 && s[0] == '#' && s[1] == '#' && s[2] == '[';
}

/* A byte the table copies as is, in a run. */
static int plain(const pg_esc_table *t, unsigned char b)
{
    return b >= 0x20 && b < 0x7F && t->ascii[b] == NULL;
}

/* The form of the ASCII byte at s[0] (`r` is its table entry). */
static size_t ascii_form(const pg_esc_table *t, const pg_esc_state *st, const char *s, size_t n, const char *r,
                         char *out)
{
    if (r == PG_ESC_ASIS) {
        out[0] = s[0];
        return 1;
    }
    if (r == PG_ESC_CONTEXT) {
        if (t->context)
            return t->context(t, st, s, n, out);
        if (pg_esc_starts_command(s, n) && t->hash) {
            size_t k = strlen(t->hash);
            memcpy(out, t->hash, k);
            return k;
        }
        out[0] = s[0];
        return 1;
    }
    if (r) {
        size_t k = strlen(r);
        memcpy(out, r, k);
        return k;
    }
    return hidden_form(t, (unsigned char)s[0], out); /* a control or DEL the table does not name */
}

size_t pg_esc_run(const pg_esc_table *t, pg_esc_state *st, const char *s, size_t len, pg_esc_sink_fn sink,
                  void *ctx)
{
    pg_esc_state local;
    char piece[PG_ESC_PIECE_MAX];
    size_t i = 0;

    if (!st) {
        pg_esc_state_init(&local);
        st = &local;
    }
    while (i < len) {
        unsigned char b = (unsigned char)s[i];
        size_t used, k, took;
        uint32_t cp;

        if (plain(t, b)) { /* the common case: copy a run of plain ASCII at once */
            size_t j = i + 1, m;
            while (j < len && plain(t, (unsigned char)s[j]))
                j++;
            took = sink(ctx, s + i, j - i, len - j, 1);
            for (m = i; m < i + took; m++)
                advance(st, (unsigned char)s[m]);
            if (took < j - i)
                return i + took;
            i = j;
            continue;
        }
        if (b < 0x80) {
            used = 1;
            cp = b;
            k = ascii_form(t, st, s + i, len - i, t->ascii[b], piece);
        } else {
            used = pg_utf8_decode(s + i, len - i, &cp, NULL); /* an invalid byte reads as U+FFFD */
            if (pg_esc_is_hidden(cp)) {
                k = hidden_form(t, cp, piece);
            } else {
                memcpy(piece, s + i, used);
                k = used;
            }
        }
        if (sink(ctx, piece, k, len - i - used, 0) < k)
            return i;
        advance(st, cp);
        i += used;
    }
    return i;
}
