/*
 * esc.c — one table per output language for util/esc.c's one loop, and the
 * functions the writers call with them (report_internal.h).
 *
 * Every string a report prints comes from the model, and the model holds
 * text that a plan or a policy author controls (addresses with for_each
 * keys, tag values quoted in messages, waiver reasons). Each language gets
 * its table here, and the writers never print a model string any other
 * way: a hostile key cannot add a JUnit element, run a workflow command,
 * ping a team, link an issue, or drive the operator's terminal. What no
 * output carries raw (controls, bidi and invisible characters, invalid
 * UTF-8) and the "##[" rule are util/esc.c's, the same for every table.
 */
#include "report/report_internal.h"

#include <string.h>

#include "util/quote.h"
#include "util/utf8.h"

#define ELLIPSIS "\xe2\x80\xa6" /* … */

/* MARK: text (terminal) */

/* util/quote's bare table, with a newline left as a line break. */
static const pg_esc_table text_prose = {
    "text",
    {['\n'] = PG_ESC_ASIS, ['\r'] = "\\r", ['\t'] = "\\t", ['#'] = PG_ESC_CONTEXT},
    PG_ESC_HIDDEN_UNICODE,
    NULL,
    "\\u0023",
};

void pg_report__esc_text(pg_report__out *o, const char *s, int keep_newlines)
{
    pg_report__esc(o, keep_newlines ? &text_prose : &pg_quote_bare_table, s);
}

/* MARK: XML */

#define XML_COMMON ['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['\r'] = "&#13;", ['#'] = PG_ESC_CONTEXT

static const pg_esc_table xml_content = {
    "xml", {XML_COMMON, ['\n'] = PG_ESC_ASIS, ['\t'] = PG_ESC_ASIS}, PG_ESC_HIDDEN_XML, NULL, "&#35;",
};

/* A parser normalises raw newlines and tabs in attributes to spaces:
 * character references keep them. */
static const pg_esc_table xml_attr = {
    "xml attribute",
    {XML_COMMON, ['"'] = "&quot;", ['\''] = "&apos;", ['\n'] = "&#10;", ['\t'] = "&#9;"},
    PG_ESC_HIDDEN_XML,
    NULL,
    "&#35;",
};

void pg_report__esc_xml(pg_report__out *o, const char *s, int attr)
{
    pg_report__esc(o, attr ? &xml_attr : &xml_content, s);
}

/* MARK: GitHub workflow commands */

/* The runner's own escapes (toolkit command.ts escapeData/escapeProperty;
 * actions/runner ActionCommand.cs undoes exactly these). */
#define GH_COMMON ['%'] = "%25", ['\r'] = "%0D", ['\n'] = "%0A", ['\t'] = " ", ['#'] = PG_ESC_CONTEXT

static const pg_esc_table gh_data = {
    "github", {GH_COMMON}, PG_ESC_HIDDEN_REPLACE, NULL, "\\u0023",
};

static const pg_esc_table gh_property = {
    "github property", {GH_COMMON, [':'] = "%3A", [','] = "%2C"}, PG_ESC_HIDDEN_REPLACE, NULL, "\\u0023",
};

void pg_report__esc_github(pg_report__out *o, const char *s, int property)
{
    pg_report__esc(o, property ? &gh_property : &gh_data, s);
}

/* MARK: Markdown */

static int is_word(uint32_t cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == '_';
}

static int digit_next(const char *s, size_t n)
{
    return n > 1 && s[1] >= '0' && s[1] <= '9';
}

static size_t put_form(char *out, const char *form)
{
    size_t k = strlen(form);

    memcpy(out, form, k);
    return k;
}

static const pg_esc_table md_br;
static const pg_esc_table md_html;

/*
 * GitHub reads a mention with the pattern (?:^|\W)@name (html-pipeline's
 * MentionFilter; \W is anything but [A-Za-z0-9_]), so an @ after '.', '-',
 * '+', a space or a line start notifies someone and one inside a word
 * (alice@example.com) does not. "#123", "org/repo#1" and "GH-123" link an
 * issue and leave a cross-reference on it, which notifies its subscribers:
 * also defused. A zero-width space (as an entity: it is hidden as a raw
 * character) breaks both patterns, where a backslash would not (GitHub
 * matches the rendered text).
 */
static size_t md_context(const pg_esc_table *t, const pg_esc_state *st, const char *s, size_t n, char *out)
{
    switch (s[0]) {
    case '@': return put_form(out, is_word(st->prev) ? "@" : "@&#8203;");
    case '#':
        /* raw HTML takes no backslash escape: an entity breaks "##[" there */
        if (t == &md_html)
            return put_form(out, digit_next(s, n) ? "&#35;&#8203;" : "&#35;");
        return put_form(out, digit_next(s, n) ? "\\#&#8203;" : "\\#");
    case '-':
    case '+':
        /* at the start of a line: a list item (or a rule, "---") */
        if (st->line_start && t != &md_html)
            return put_form(out, s[0] == '-' ? "\\-" : "\\+");
        if (s[0] == '+')
            return put_form(out, "+");
        return put_form(out, (st->prev == 'H' || st->prev == 'h') && (st->prev2 == 'G' || st->prev2 == 'g') &&
                                     digit_next(s, n)
                                 ? "-&#8203;"
                                 : "-");
    default: break;
    }
    /* ' ': keep the indentation of a multi-line fix (HTML collapses spaces) */
    return put_form(out, t == &md_br && st->line_start ? "&nbsp;" : " ");
}

#define MD_COMMON                                                                                     \
    ['\\'] = "\\\\", ['`'] = "\\`", ['*'] = "\\*", ['_'] = "\\_", ['['] = "\\[", [']'] = "\\]",           \
    ['~'] = "\\~", ['|'] = "\\|", ['<'] = "&lt;", ['>'] = "&gt;", ['&'] = "&amp;", ['\t'] = " ",         \
    ['\r'] = "", ['#'] = PG_ESC_CONTEXT, ['@'] = PG_ESC_CONTEXT, ['-'] = PG_ESC_CONTEXT, ['+'] = PG_ESC_CONTEXT

/* A table row is one line: a newline is a space in a cell. */
static const pg_esc_table md_cell = {
    "markdown", {MD_COMMON, ['\n'] = " "}, PG_ESC_HIDDEN_REPLACE, md_context, NULL,
};

static const pg_esc_table md_br = {
    "markdown", {MD_COMMON, ['\n'] = "<br>", [' '] = PG_ESC_CONTEXT}, PG_ESC_HIDDEN_REPLACE, md_context, NULL,
};

/* Raw HTML (a <summary> line: GitHub reads no Markdown there, so a
 * backslash would show): entities only, mentions and issue references
 * defused the same way, a newline as a space. The characters Markdown gives
 * meaning to are entities too, so the text stays inert even where a
 * renderer reads the line as Markdown after all. */
static const pg_esc_table md_html = {
    "html",
    {['<'] = "&lt;", ['>'] = "&gt;", ['&'] = "&amp;", ['"'] = "&quot;", ['\n'] = " ", ['\r'] = "",
     ['['] = "&#91;", [']'] = "&#93;", ['`'] = "&#96;", ['*'] = "&#42;", ['_'] = "&#95;", ['~'] = "&#126;",
     ['|'] = "&#124;", ['\\'] = "&#92;", ['!'] = "&#33;",
     ['\t'] = " ", ['#'] = PG_ESC_CONTEXT, ['@'] = PG_ESC_CONTEXT, ['-'] = PG_ESC_CONTEXT},
    PG_ESC_HIDDEN_REPLACE,
    md_context,
    NULL,
};

/* Inside a code span nothing is interpreted; GFM still splits a table
 * cell at '|' first. */
#define MD_CODE_COMMON ['\n'] = " ", ['\r'] = " ", ['\t'] = " "

static const pg_esc_table md_code = {
    "markdown code", {MD_CODE_COMMON}, PG_ESC_HIDDEN_REPLACE, NULL, NULL,
};

static const pg_esc_table md_code_cell = {
    "markdown code", {MD_CODE_COMMON, ['|'] = "\\|"}, PG_ESC_HIDDEN_REPLACE, NULL, NULL,
};

/* The bytes of the first `max` code points of s[0..n) (0: all of it). */
static size_t cut_chars(const char *s, size_t n, size_t max)
{
    size_t i = 0, count = 0;
    uint32_t cp;

    while (i < n && (max == 0 || count < max)) {
        i += pg_utf8_decode(s + i, n - i, &cp, NULL);
        count++;
    }
    return i;
}

/* The bytes of at most `max` code points of s[0..n), cut at a word
 * boundary when there is one in the second half (a sentence must never
 * read "Every item i…"), else at a character boundary; trailing blanks
 * dropped. All of it when it fits. */
static size_t cut_words(const char *s, size_t n, size_t max)
{
    size_t limit = cut_chars(s, n, max), i;

    if (limit >= n)
        return n;
    /* already at a boundary when the next character is a blank */
    if (s[limit] != ' ' && s[limit] != '\n') {
        size_t half = cut_chars(s, limit, max / 2);
        for (i = limit; i > half; i--)
            if (s[i - 1] == ' ' || s[i - 1] == '\n')
                break;
        if (i > half)
            limit = i;
    }
    while (limit > 0 && (s[limit - 1] == ' ' || s[limit - 1] == '\n'))
        limit--;
    return limit;
}

static void esc_capped(pg_report__out *o, const pg_esc_table *t, const char *s, size_t n, size_t max)
{
    size_t limit = cut_words(s, n, max);

    pg_report__escn(o, t, s, limit);
    if (limit < n)
        pg_report__puts(o, ELLIPSIS);
}

void pg_report__esc_md(pg_report__out *o, const char *s, size_t max, int br)
{
    if (s)
        esc_capped(o, br ? &md_br : &md_cell, s, strlen(s), max);
}

void pg_report__esc_html(pg_report__out *o, const char *s, size_t max)
{
    if (s)
        esc_capped(o, &md_html, s, strlen(s), max);
}

static int holds_command_marker(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i + 2 < n; i++)
        if (pg_esc_starts_command(s + i, n - i))
            return 1;
    return 0;
}

/* s[0..n) (n > 0) as one code span, capped at `max` code points. */
static void md_code_n(pg_report__out *o, const char *s, size_t n, size_t max, int in_table)
{
    size_t i, run = 0, longest = 0;
    int pad;

    if (holds_command_marker(s, cut_chars(s, n, max))) {
        /* a code span shows "##[" raw, and the runner would run it */
        pg_report__puts(o, "<code>");
        esc_capped(o, &md_cell, s, n, max);
        pg_report__puts(o, "</code>");
        return;
    }
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
    {
        /* a value is cut at a character: it has no words to keep whole */
        size_t limit = cut_chars(s, n, max);
        pg_report__escn(o, in_table ? &md_code_cell : &md_code, s, limit);
        if (limit < n)
            pg_report__puts(o, ELLIPSIS);
    }
    if (pad)
        pg_report__putc(o, ' ');
    pg_report__pad(o, '`', longest + 1);
}

void pg_report__esc_md_code(pg_report__out *o, const char *s, size_t max, int in_table)
{
    if (s && *s)
        md_code_n(o, s, strlen(s), max, in_table);
}

/* A fenced code block's content: lines kept, nothing interpreted. */
static const pg_esc_table md_fence = {
    "markdown code block", {['\n'] = PG_ESC_ASIS, ['\r'] = "", ['\t'] = " "}, PG_ESC_HIDDEN_REPLACE, NULL, NULL,
};

int pg_report__esc_md_block(pg_report__out *o, const char *s)
{
    size_t n, i, run = 0, longest = 0;

    if (!s || !*s)
        return 0;
    n = strlen(s);
    /* a code block shows "##[" raw, and the runner would run it */
    if (holds_command_marker(s, n))
        return 0;
    for (i = 0; i < n; i++) {
        run = s[i] == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    longest = longest < 3 ? 3 : longest + 1;
    pg_report__pad(o, '`', longest);
    pg_report__putc(o, '\n');
    pg_report__esc(o, &md_fence, s);
    if (s[n - 1] != '\n')
        pg_report__putc(o, '\n');
    pg_report__pad(o, '`', longest);
    pg_report__putc(o, '\n');
    return 1;
}

/* The length of the run of backticks at s[0..n). */
static size_t tick_run(const char *s, size_t n)
{
    size_t k = 0;

    while (k < n && s[k] == '`')
        k++;
    return k;
}

/* Where the run of exactly `k` backticks that closes a code span opened
 * before s[0..n) starts (CommonMark: the next run of the same length), or n. */
static size_t closing_run(const char *s, size_t n, size_t k)
{
    size_t i = 0;

    while (i < n) {
        size_t run = tick_run(s + i, n - i);
        if (run == k)
            return i;
        i += run ? run : 1;
    }
    return n;
}

void pg_report__esc_md_rich(pg_report__out *o, const char *s, size_t max, int br, int in_table)
{
    const pg_esc_table *prose = br ? &md_br : &md_cell;
    size_t n, limit, i = 0, start = 0;
    pg_esc_state st; /* across the pieces: a blank after a span does not start a line */

    if (!s || pg_report__out_failed(o))
        return;
    pg_esc_state_init(&st);
    n = strlen(s);
    limit = cut_words(s, n, max);
    while (i < limit) {
        size_t k, close;
        if (s[i] != '`') {
            i++;
            continue;
        }
        k = tick_run(s + i, limit - i);
        close = i + k + closing_run(s + i + k, limit - i - k, k);
        if (close >= limit || close == i + k) { /* no closing run, or empty: literal backticks */
            i += k;
            continue;
        }
        pg_esc_run(prose, &st, s + start, i - start, pg_report__out_piece, o);
        /* the span's own fence: longer than any run inside (md_code_n) */
        md_code_n(o, s + i + k, close - i - k, 0, in_table);
        st.prev2 = st.prev = '`';
        st.line_start = 0;
        i = start = close + k;
    }
    pg_esc_run(prose, &st, s + start, limit - start, pg_report__out_piece, o);
    if (limit < n)
        pg_report__puts(o, ELLIPSIS);
}
