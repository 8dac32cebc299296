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
    case '#': return put_form(out, digit_next(s, n) ? "\\#&#8203;" : "\\#");
    case '-':
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
    ['\r'] = "", ['#'] = PG_ESC_CONTEXT, ['@'] = PG_ESC_CONTEXT, ['-'] = PG_ESC_CONTEXT

/* A table row is one line: a newline is a space in a cell. */
static const pg_esc_table md_cell = {
    "markdown", {MD_COMMON, ['\n'] = " "}, PG_ESC_HIDDEN_REPLACE, md_context, NULL,
};

static const pg_esc_table md_br = {
    "markdown", {MD_COMMON, ['\n'] = "<br>", [' '] = PG_ESC_CONTEXT}, PG_ESC_HIDDEN_REPLACE, md_context, NULL,
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

static void esc_capped(pg_report__out *o, const pg_esc_table *t, const char *s, size_t n, size_t max)
{
    size_t limit = cut_chars(s, n, max);

    pg_report__escn(o, t, s, limit);
    if (limit < n)
        pg_report__puts(o, ELLIPSIS);
}

void pg_report__esc_md(pg_report__out *o, const char *s, size_t max, int br)
{
    if (s)
        esc_capped(o, br ? &md_br : &md_cell, s, strlen(s), max);
}

static int holds_command_marker(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i + 2 < n; i++)
        if (pg_esc_starts_command(s + i, n - i))
            return 1;
    return 0;
}

void pg_report__esc_md_code(pg_report__out *o, const char *s, size_t max, int in_table)
{
    size_t n, i, run = 0, longest = 0;
    int pad;

    if (!s || !*s)
        return;
    n = strlen(s);
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
    esc_capped(o, in_table ? &md_code_cell : &md_code, s, n, max);
    if (pad)
        pg_report__putc(o, ' ');
    pg_report__pad(o, '`', longest + 1);
}
