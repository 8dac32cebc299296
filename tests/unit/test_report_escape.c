/* test_report_escape.c — each table of src/report/esc.c (and the sink's line
 * guard, src/report/out.c) on hostile input, byte for byte, and the one
 * escaping loop of src/util/esc.c they all run through. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_internal.h"
#include "test_report_support.h"
#include "util/esc.h"
#include "util/quote.h"

typedef void (*esc_fn)(pg_report__out *o, const char *s, int flag);

static char *run(esc_fn fn, const char *s, int flag)
{
    pg_report__out o;
    char *copy;

    pg_report__out_memory(&o, NULL);
    fn(&o, s, flag);
    cr_assert_eq(pg_report__out_failed(&o), 0);
    copy = strdup(pg_report__out_text(&o));
    pg_report__out_dispose(&o);
    return copy;
}

#define ESC_EQ(fn, in, flag, expect)                                                                  \
    do {                                                                                           \
        char *got_ = run(fn, in, flag);                                                            \
        cr_assert_str_eq(got_, expect, "%s(%s)", #fn, #in);                                        \
        free(got_);                                                                                \
    } while (0)

static void md_cell(pg_report__out *o, const char *s, int br) { pg_report__esc_md(o, s, 0, br); }
static void md_code_table(pg_report__out *o, const char *s, int in_table) { pg_report__esc_md_code(o, s, 0, in_table); }

/* MARK: the loop */

Test(util_esc, hidden_characters)
{
    static const uint32_t hidden[] = {0x00,   0x1B,   0x7F,   0x85,   0x9B,    0xA0,    0xAD,   0x34F,
                                      0x61C,  0x180E, 0x200B, 0x200D, 0x200E,  0x2028,  0x202E, 0x202F,
                                      0x2060, 0x2066, 0x2069, 0x3000, 0xFE0F,  0xFEFF,  0xFFFD, 0xFFFF,
                                      0x1D173, 0xE0001, 0xE007F};
    static const uint32_t shown[] = {' ', 'a', '#', ':', 0xE9, 0x2192, 0x1F4A5, 0x4E2D, 0xFF03, 0x10FFFF};
    size_t i;

    for (i = 0; i < sizeof hidden / sizeof hidden[0]; i++)
        cr_assert(pg_esc_is_hidden(hidden[i]), "U+%04X is hidden", (unsigned)hidden[i]);
    for (i = 0; i < sizeof shown / sizeof shown[0]; i++)
        cr_assert_not(pg_esc_is_hidden(shown[i]), "U+%04X is shown", (unsigned)shown[i]);
}

Test(util_esc, every_table_writes_the_command_marker_escaped)
{
    ESC_EQ(pg_report__esc_text, "x##[error]y", 0, "x\\u0023#[error]y");
    ESC_EQ(pg_report__esc_xml, "x##[error]y", 0, "x&#35;#[error]y");
    ESC_EQ(pg_report__esc_xml, "x##[error]y", 1, "x&#35;#[error]y");
    ESC_EQ(pg_report__esc_github, "x##[error]y", 0, "x\\u0023#[error]y");
    ESC_EQ(pg_report__esc_github, "x##[error]y", 1, "x\\u0023#[error]y");
    ESC_EQ(md_cell, "x##[error]y", 0, "x\\#\\#\\[error\\]y");
    /* one '#' or no '[' is not the marker */
    ESC_EQ(pg_report__esc_text, "#[x] ## x#", 0, "#[x] ## x#");
}

/* MARK: text */

Test(report_escape, text_is_what_stderr_shows)
{
    ESC_EQ(pg_report__esc_text, "a\x1b[31mb", 0, "a\\u001B[31mb");
    ESC_EQ(pg_report__esc_text, "osc\x1b]0;title\x07", 0, "osc\\u001B]0;title\\u0007");
    ESC_EQ(pg_report__esc_text, "bel\x07 del\x7f", 0, "bel\\u0007 del\\u007F");
    ESC_EQ(pg_report__esc_text, "csi\xc2\x9b", 0, "csi\\u009B");
    ESC_EQ(pg_report__esc_text, "rtl\xe2\x80\xaeok", 0, "rtl\\u202Eok");
    ESC_EQ(pg_report__esc_text, "nbsp\xc2\xa0shy\xc2\xad", 0, "nbsp\\u00A0shy\\u00AD");
    ESC_EQ(pg_report__esc_text, "cr\rx", 0, "cr\\rx");
    /* the same bytes as util/quote's bare form, the last line of defence on stderr */
    {
        const char *in = "a\x1b[31m\xe2\x80\xae\t\r\n##[x]\xff";
        pg_buf b;
        char *got = run(pg_report__esc_text, in, 0);
        pg_buf_init(&b, 0);
        cr_assert_eq(pg_escape_text(&b, in, strlen(in), NULL), 0);
        cr_assert_str_eq(got, pg_buf_cstr(&b));
        pg_buf_dispose(&b);
        free(got);
    }
}

Test(report_escape, text_newlines_and_utf8)
{
    ESC_EQ(pg_report__esc_text, "a\nb\tc", 0, "a\\nb\\tc");
    ESC_EQ(pg_report__esc_text, "a\nb\tc", 1, "a\nb\\tc");
    ESC_EQ(pg_report__esc_text, "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x92\xa5", 0, "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x92\xa5");
    /* invalid, overlong and surrogate sequences: one \uFFFD per byte */
    ESC_EQ(pg_report__esc_text, "x\xffy", 0, "x\\uFFFDy");
    ESC_EQ(pg_report__esc_text, "\xc0\xaf", 0, "\\uFFFD\\uFFFD");
    ESC_EQ(pg_report__esc_text, "\xed\xa0\x80", 0, "\\uFFFD\\uFFFD\\uFFFD");
    ESC_EQ(pg_report__esc_text, "cut\xe2\x86", 0, "cut\\uFFFD\\uFFFD");
    /* above U+FFFF a hidden character is a surrogate pair, as in JSON */
    ESC_EQ(pg_report__esc_text, "tag\xf3\xa0\x80\x81", 0, "tag\\uDB40\\uDC01");
}

/* MARK: XML */

Test(report_escape, xml_content_and_attributes)
{
    ESC_EQ(pg_report__esc_xml, "a<b>&c\"d'e", 0, "a&lt;b&gt;&amp;c\"d'e");
    ESC_EQ(pg_report__esc_xml, "a<b>&c\"d'e", 1, "a&lt;b&gt;&amp;c&quot;d&apos;e");
    ESC_EQ(pg_report__esc_xml, "l1\nl2\tx\ry", 1, "l1&#10;l2&#9;x&#13;y");
    ESC_EQ(pg_report__esc_xml, "l1\nl2\tx", 0, "l1\nl2\tx");
    ESC_EQ(pg_report__esc_xml, "]]>", 0, "]]&gt;");
    /* XML 1.0 forbids most C0 controls and U+FFFE/U+FFFF even as references */
    ESC_EQ(pg_report__esc_xml, "a\x01\x1b" "b", 0, "a&#xFFFD;&#xFFFD;b");
    ESC_EQ(pg_report__esc_xml, "\xef\xbf\xbe", 0, "&#xFFFD;");
    ESC_EQ(pg_report__esc_xml, "\xff", 1, "&#xFFFD;");
    /* what XML allows stays the same value, written as a reference */
    ESC_EQ(pg_report__esc_xml, "d\x7f" "c1\xc2\x9b" "rtl\xe2\x80\xae", 0, "d&#x7F;c1&#x9B;rtl&#x202E;");
    ESC_EQ(pg_report__esc_xml, "\xc3\xa9", 1, "\xc3\xa9");
}

/* MARK: GitHub */

Test(report_escape, github_data_and_properties)
{
    ESC_EQ(pg_report__esc_github, "100% done\r\nnext::x, y:z", 0, "100%25 done%0D%0Anext::x, y:z");
    ESC_EQ(pg_report__esc_github, "100% done\r\nnext::x, y:z", 1, "100%25 done%0D%0Anext%3A%3Ax%2C y%3Az");
    ESC_EQ(pg_report__esc_github, "%0A", 0, "%250A");
    ESC_EQ(pg_report__esc_github, "esc\x1b[0m", 0, "esc\xef\xbf\xbd[0m");
    ESC_EQ(pg_report__esc_github, "rtl\xe2\x80\xae nbsp\xc2\xa0", 0, "rtl\xef\xbf\xbd nbsp\xef\xbf\xbd");
    ESC_EQ(pg_report__esc_github, "tab\there", 0, "tab here");
    ESC_EQ(pg_report__esc_github, "\xc3\xa9", 1, "\xc3\xa9");
}

/* MARK: Markdown */

Test(report_escape, markdown_prose)
{
    ESC_EQ(md_cell, "a|b", 0, "a\\|b");
    ESC_EQ(md_cell, "`code` *b* _i_ [l](u) ~s~ # \\", 0, "\\`code\\` \\*b\\* \\_i\\_ \\[l\\](u) \\~s\\~ \\# \\\\");
    ESC_EQ(md_cell, "<script>&amp;", 0, "&lt;script&gt;&amp;amp;");
    ESC_EQ(md_cell, "l1\nl2", 0, "l1 l2");
    ESC_EQ(md_cell, "l1\nl2", 1, "l1<br>l2");
    ESC_EQ(md_cell, "l1\n  x", 1, "l1<br>&nbsp;&nbsp;x");
    /* controls and hidden characters are seen, not acted on */
    ESC_EQ(md_cell, "a\x01\x1b" "b\xc2\x9b", 0, "a\xef\xbf\xbd\xef\xbf\xbd" "b\xef\xbf\xbd");
    ESC_EQ(md_cell, "rtl\xe2\x80\xae" "x\xe2\x80\x8by", 0, "rtl\xef\xbf\xbdx\xef\xbf\xbdy");
}

/* GitHub's mention pattern is (?:^|\W)@name: every @ that could mention is
 * defused, the one inside a word is left alone. */
Test(report_escape, markdown_mentions_follow_githubs_pattern)
{
    ESC_EQ(md_cell, "@org/team", 0, "@&#8203;org/team");
    ESC_EQ(md_cell, "ping @octocat", 0, "ping @&#8203;octocat");
    ESC_EQ(md_cell, "cc.@acme/team", 0, "cc.@&#8203;acme/team");
    /* (a '-' or '+' that starts the text is escaped too: a list item) */
    ESC_EQ(md_cell, "-@octocat", 0, "\\-@&#8203;octocat");
    ESC_EQ(md_cell, "+@x", 0, "\\+@&#8203;x");
    ESC_EQ(md_cell, "a -@octocat +@x", 0, "a -@&#8203;octocat +@&#8203;x");
    ESC_EQ(md_cell, "(@x) \"@y\" '@z' /@w", 0, "(@&#8203;x) \"@&#8203;y\" '@&#8203;z' /@&#8203;w");
    ESC_EQ(md_cell, "l1\n@x", 1, "l1<br>@&#8203;x");
    ESC_EQ(md_cell, "\xc3\xa9@x", 0, "\xc3\xa9@&#8203;x"); /* \W is ASCII: é is not a word character */
    /* inside a word it is not a mention (an e-mail address) */
    ESC_EQ(md_cell, "alice@example.com a_@b A1@c", 0, "alice@example.com a\\_@b A1@c");
}

/* "#123", "org/repo#1" and "GH-9" link an issue (and leave a cross-reference
 * on it): defused; a lone '#' is only escaped. */
Test(report_escape, markdown_issue_references)
{
    ESC_EQ(md_cell, "#123", 0, "\\#&#8203;123");
    ESC_EQ(md_cell, "org/repo#1", 0, "org/repo\\#&#8203;1");
    ESC_EQ(md_cell, "GH-9 gh-10", 0, "GH-&#8203;9 gh-&#8203;10");
    ESC_EQ(md_cell, "#x GH-x a-9", 0, "\\#x GH-x a-9");
}

Test(report_escape, markdown_cap)
{
    pg_report__out o;

    pg_report__out_memory(&o, NULL);
    pg_report__esc_md(&o, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 2, 0);
    cr_assert_str_eq(pg_report__out_text(&o), "\xc3\xa9\xc3\xa9…");
    pg_report__out_reset(&o);
    pg_report__esc_md(&o, "ab", 2, 0);
    cr_assert_str_eq(pg_report__out_text(&o), "ab", "no ellipsis when nothing was cut");
    pg_report__out_reset(&o);
    pg_report__esc_md_code(&o, "abcdef", 3, 1);
    cr_assert_str_eq(pg_report__out_text(&o), "`abc…`");
    pg_report__out_dispose(&o);
}

Test(report_escape, markdown_code_spans)
{
    ESC_EQ(md_code_table, "aws_s3_bucket.b", 1, "`aws_s3_bucket.b`");
    ESC_EQ(md_code_table, "a`b", 1, "``a`b``");
    ESC_EQ(md_code_table, "a``b`", 1, "``` a``b` ```");
    ESC_EQ(md_code_table, "a|b", 1, "`a\\|b`");
    ESC_EQ(md_code_table, "a|b", 0, "`a|b`");
    ESC_EQ(md_code_table, "l1\nl2<x>", 1, "`l1 l2<x>`");
    ESC_EQ(md_code_table, "rtl\xe2\x80\xae\x1b", 1, "`rtl\xef\xbf\xbd\xef\xbf\xbd`");
    ESC_EQ(md_code_table, "", 1, "");
    /* a code span cannot escape "##[": <code> with escaped prose, which reads the same */
    ESC_EQ(md_code_table, "x[\"##[error]y\"]", 1, "<code>x\\[\"\\#\\#\\[error\\]y\"\\]</code>");
}

/* MARK: the line guard */

static char *guarded(const char *colon, const char *const *writes)
{
    pg_report__out o;
    char *copy;

    pg_report__out_memory(&o, NULL);
    pg_report__out_guard(&o, colon);
    for (; *writes; writes++)
        pg_report__puts(&o, *writes);
    copy = strdup(pg_report__out_text(&o));
    pg_report__out_dispose(&o);
    return copy;
}

Test(report_out, a_colon_never_starts_a_line)
{
    static const char *const once[] = {"::error::x\n  \t::warning::y\nok: ::z\n", NULL};
    /* the same, split where a writer splits: padding, then the word */
    static const char *const split[] = {"a\n", "    ", ":", ":error::x", "\n", "\n", ":", NULL};
    char *got;

    got = guarded("\\u003A", once);
    cr_assert_str_eq(got, "\\u003A:error::x\n  \t\\u003A:warning::y\nok: ::z\n");
    free(got);
    got = guarded("&#58;", split);
    cr_assert_str_eq(got, "a\n    &#58;:error::x\n\n&#58;");
    free(got);
}

Test(report_out, failures_are_one_pg_error)
{
    pg_report__out o, child;
    pg_error err;

    pg_report__out_memory(&o, NULL);
    pg_report__out_memory(&child, &o);
    cr_assert_eq(pg_report__out_failed(&o), 0);
    cr_assert_eq(pg_report__out_fail(&child, PG_ENOMEM, "first"), PG_ENOMEM);
    cr_assert_eq(pg_report__out_fail(&o, PG_EIO, "second"), PG_ENOMEM, "the first failure is kept");
    cr_assert(pg_report__out_failed(&o), "a child's failure is the parent's");
    pg_report__puts(&o, "dropped");
    cr_assert_str_eq(pg_report__out_text(&o), "", "nothing is written after a failure");
    pg_error_clear(&err);
    cr_assert_eq(pg_report__out_finish(&o, &err), PG_ENOMEM);
    cr_assert_str_eq(err.message, "first");
    pg_report__out_dispose(&child);
    pg_report__out_dispose(&o);
}

/* MARK: JSON strings */

Test(report_escape, json_strings_agree_with_messages)
{
    pg_report__out o;
    pg_report__jw w;
    pg_buf q;
    const char *in = "bad \xff\xfe end \x1b\x7f\xe2\x80\xae ##[x] \"\\";

    pg_report__out_memory(&o, NULL);
    pg_report__jw_init(&w, &o);
    pg_report__jw_str(&w, in);
    pg_buf_init(&q, 0);
    cr_assert_eq(pg_quote(&q, in, strlen(in), 0, NULL), 0);
    cr_assert_str_eq(pg_report__out_text(&o), pg_buf_cstr(&q), "a report string is the literal a message quotes");
    cr_assert_str_eq(pg_report__out_text(&o),
                     "\"bad \\uFFFD\\uFFFD end \\u001B\\u007F\\u202E \\u0023#[x] \\\"\\\\\"");
    pg_buf_dispose(&q);
    pg_report__out_reset(&o);
    pg_report__jw_str(&w, NULL);
    cr_assert_str_eq(pg_report__out_text(&o), "null");
    pg_report__out_dispose(&o);
}

/* Reals are written as the shortest text that reads back as the same double
 * (pg_value_number_text, issue 13), not jansson's %.17g. */
Test(report_jw, values_shortest_reals)
{
    json_t *v = json_pack("[f, f, f, f, f]", 0.1, -3e-7, 1.0, 1e300, 1.0 / 3.0);
    pg_report__out o;
    pg_report__jw w;

    cr_assert_not_null(v);
    pg_report__out_memory(&o, NULL);
    pg_report__jw_init(&w, &o);
    pg_report__jw_value(&w, v);
    cr_assert_str_eq(pg_report__out_text(&o),
                     "[\n  0.1,\n  -3e-07,\n  1,\n  1e+300,\n  0.3333333333333333\n]");
    pg_report__out_dispose(&o);
    json_decref(v);
}

/* The JSON writer's layout is jansson's JSON_INDENT(2): the same bytes
 * (reals whose %.17g is their shortest form; see values_shortest_reals). */
Test(report_jw, values_in_janssons_layout)
{
    static const char *const docs[] = {
        "{\"a\": [1, 2.5, -0.25, 0.5, true, null, \"s\"], \"b\": {}, \"c\": [], \"d\": {\"e\": {\"f\": [[]]}}}",
        "[\"delete\", \"create\"]", "\"plain\"", "12345678901234567", "[{\"k\": \"v\"}, {}]"};
    size_t i;

    for (i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        json_t *v = json_loads(docs[i], JSON_DECODE_ANY, NULL);
        char *want = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
        pg_report__out o;
        pg_report__jw w;

        cr_assert_not_null(want);
        pg_report__out_memory(&o, NULL);
        pg_report__jw_init(&w, &o);
        pg_report__jw_value(&w, v);
        cr_assert_str_eq(pg_report__out_text(&o), want, "%s", docs[i]);
        pg_report__out_dispose(&o);
        free(want);
        json_decref(v);
    }
}

/* MARK: the evidence value text */

Test(report_escape, value_text)
{
    pg_report__value b;
    json_t *v;
    char big[600];

    cr_assert_str_eq(pg_report__value_text(&b, NULL), "(none)");
    v = json_null();
    cr_assert_str_eq(pg_report__value_text(&b, v), "(none)", "null is not set, as absent");
    json_decref(v);
    v = json_string("orderId");
    cr_assert_str_eq(pg_report__value_text(&b, v), "orderId");
    json_decref(v);
    v = json_string(PG_SENSITIVE_TEXT);
    cr_assert_str_eq(pg_report__value_text(&b, v), "(sensitive)");
    json_decref(v);
    v = json_string(PG_UNKNOWN_TEXT);
    cr_assert_str_eq(pg_report__value_text(&b, v), "(known after apply)");
    json_decref(v);
    v = json_pack("{s:b,s:[i,s]}", "z", 1, "a", 2, "x\ny");
    cr_assert_str_eq(pg_report__value_text(&b, v), "{\"a\":[2,\"x\\ny\"],\"z\":true}", "compact, keys sorted");
    json_decref(v);
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    big[PG_REPORT_VALUE_MAX - 5] = '\xc3'; /* a 2-byte character across the cut */
    big[PG_REPORT_VALUE_MAX - 4] = '\xa9';
    v = json_string(big);
    pg_report__value_text(&b, v);
    cr_assert_leq(strlen(b.text), PG_REPORT_VALUE_MAX);
    cr_assert_not_null(strstr(b.text, "…"));
    cr_assert(rpt_valid_utf8(b.text, strlen(b.text)), "cut on a code point boundary");
    json_decref(v);
}
