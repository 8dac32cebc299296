/* test_report_escape.c — each escaper of src/report/escape.c on hostile input,
 * byte for byte. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_internal.h"
#include "test_report_support.h"

typedef void (*esc_fn)(pg_report__out *o, const char *s, int flag);

static char *run(esc_fn fn, const char *s, int flag)
{
    pg_report__out o;
    char *copy;

    pg_report__out_memory(&o);
    fn(&o, s, flag);
    cr_assert_eq(o.failed, 0);
    copy = strdup(o.buf ? o.buf : "");
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

Test(report_escape, text_controls_are_visible)
{
    ESC_EQ(pg_report__esc_text, "a\x1b[31mb", 0, "a\\x1b[31mb");
    ESC_EQ(pg_report__esc_text, "bel\x07 del\x7f", 0, "bel\\x07 del\\x7f");
    ESC_EQ(pg_report__esc_text, "csi\xc2\x9b", 0, "csi\\u009b");
    ESC_EQ(pg_report__esc_text, "rtl\xe2\x80\xaeok", 0, "rtl\\u202eok");
    ESC_EQ(pg_report__esc_text, "cr\rx", 0, "cr\\x0dx");
}

Test(report_escape, text_newlines_and_utf8)
{
    ESC_EQ(pg_report__esc_text, "a\nb\tc", 0, "a b c");
    ESC_EQ(pg_report__esc_text, "a\nb", 1, "a\nb");
    ESC_EQ(pg_report__esc_text, "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x92\xa5", 0, "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x92\xa5");
    /* invalid, overlong and surrogate sequences become U+FFFD, one per byte */
    ESC_EQ(pg_report__esc_text, "x\xffy", 0, "x\xef\xbf\xbdy");
    ESC_EQ(pg_report__esc_text, "\xc0\xaf", 0, "\xef\xbf\xbd\xef\xbf\xbd");
    ESC_EQ(pg_report__esc_text, "\xed\xa0\x80", 0, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    ESC_EQ(pg_report__esc_text, "cut\xe2\x86", 0, "cut\xef\xbf\xbd\xef\xbf\xbd");
}

Test(report_escape, xml_content_and_attributes)
{
    ESC_EQ(pg_report__esc_xml, "a<b>&c\"d'e", 0, "a&lt;b&gt;&amp;c\"d'e");
    ESC_EQ(pg_report__esc_xml, "a<b>&c\"d'e", 1, "a&lt;b&gt;&amp;c&quot;d&apos;e");
    ESC_EQ(pg_report__esc_xml, "l1\nl2\tx\ry", 1, "l1&#10;l2&#9;x&#13;y");
    ESC_EQ(pg_report__esc_xml, "l1\nl2", 0, "l1\nl2");
    ESC_EQ(pg_report__esc_xml, "]]>", 0, "]]&gt;");
    /* XML 1.0 forbids most C0 controls and U+FFFE/U+FFFF even as references */
    ESC_EQ(pg_report__esc_xml, "a\x01\x1b" "b", 0, "a\xef\xbf\xbd\xef\xbf\xbd" "b");
    ESC_EQ(pg_report__esc_xml, "\xef\xbf\xbe", 0, "\xef\xbf\xbd");
    ESC_EQ(pg_report__esc_xml, "\xff", 1, "\xef\xbf\xbd");
    ESC_EQ(pg_report__esc_xml, "\xc3\xa9", 1, "\xc3\xa9");
}

Test(report_escape, github_data_and_properties)
{
    ESC_EQ(pg_report__esc_github, "100% done\r\nnext::x, y:z", 0, "100%25 done%0D%0Anext::x, y:z");
    ESC_EQ(pg_report__esc_github, "100% done\r\nnext::x, y:z", 1, "100%25 done%0D%0Anext%3A%3Ax%2C y%3Az");
    ESC_EQ(pg_report__esc_github, "%0A", 0, "%250A");
    ESC_EQ(pg_report__esc_github, "esc\x1b[0m", 0, "esc\xef\xbf\xbd[0m");
    ESC_EQ(pg_report__esc_github, "\xc3\xa9", 1, "\xc3\xa9");
}

Test(report_escape, markdown_prose)
{
    ESC_EQ(md_cell, "a|b", 0, "a\\|b");
    ESC_EQ(md_cell, "`code` *b* _i_ [l](u) ~s~ #1 \\", 0,
           "\\`code\\` \\*b\\* \\_i\\_ \\[l\\](u) \\~s\\~ \\#1 \\\\");
    ESC_EQ(md_cell, "<script>&amp;", 0, "&lt;script&gt;&amp;amp;");
    ESC_EQ(md_cell, "ping @org/team", 0, "ping @&#8203;org/team");
    ESC_EQ(md_cell, "l1\nl2", 0, "l1 l2");
    ESC_EQ(md_cell, "l1\nl2", 1, "l1<br>l2");
    ESC_EQ(md_cell, "a\x01\x1b" "b\xc2\x9b", 0, "ab");
}

Test(report_escape, markdown_cap)
{
    pg_report__out o;

    pg_report__out_memory(&o);
    pg_report__esc_md(&o, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 2, 0);
    cr_assert_str_eq(o.buf, "\xc3\xa9\xc3\xa9…");
    pg_report__out_reset(&o);
    pg_report__esc_md(&o, "ab", 2, 0);
    cr_assert_str_eq(o.buf, "ab", "no ellipsis when nothing was cut");
    pg_report__out_reset(&o);
    pg_report__esc_md_code(&o, "abcdef", 3, 1);
    cr_assert_str_eq(o.buf, "`abc…`");
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
    ESC_EQ(md_code_table, "", 1, "");
}

Test(report_escape, json_strings_are_valid_utf8)
{
    json_t *v = pg_report__json_str("ok \xc3\xa9");
    cr_assert_str_eq(json_string_value(v), "ok \xc3\xa9");
    json_decref(v);
    v = pg_report__json_str("bad \xff\xfe end");
    cr_assert_not_null(v, "invalid UTF-8 is repaired, not refused");
    cr_assert_str_eq(json_string_value(v), "bad \xef\xbf\xbd\xef\xbf\xbd end");
    json_decref(v);
    v = pg_report__json_str(NULL);
    cr_assert(json_is_null(v));
    json_decref(v);
}

Test(report_escape, value_text)
{
    json_t *v;
    char *s, big[600];

    s = pg_report__value_text(NULL);
    cr_assert_str_eq(s, "(none)");
    pg_free(s);
    v = json_string("orderId");
    s = pg_report__value_text(v);
    cr_assert_str_eq(s, "\"orderId\"");
    pg_free(s);
    json_decref(v);
    v = json_string(PG_SENSITIVE_TEXT);
    s = pg_report__value_text(v);
    cr_assert_str_eq(s, "(sensitive)");
    pg_free(s);
    json_decref(v);
    v = json_string(PG_UNKNOWN_TEXT);
    s = pg_report__value_text(v);
    cr_assert_str_eq(s, "(known after apply)");
    pg_free(s);
    json_decref(v);
    v = json_pack("{s:b,s:[i,s]}", "z", 1, "a", 2, "x\ny");
    s = pg_report__value_text(v);
    cr_assert_str_eq(s, "{\"a\":[2,\"x\\ny\"],\"z\":true}", "compact, keys sorted, newlines escaped");
    pg_free(s);
    json_decref(v);
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    big[PG_REPORT_VALUE_MAX - 2] = '\xc3'; /* a 2-byte character across the cut */
    big[PG_REPORT_VALUE_MAX - 1] = '\xa9';
    v = json_string(big);
    s = pg_report__value_text(v);
    cr_assert_leq(strlen(s), PG_REPORT_VALUE_MAX + strlen("…"));
    cr_assert(strstr(s, "…") != NULL);
    cr_assert(rpt_valid_utf8(s, strlen(s)), "cut on a code point boundary");
    pg_free(s);
    json_decref(v);
}

Test(report_escape, utf8_helpers)
{
    uint32_t cp;

    cr_assert_eq(pg_report__utf8_next("\xe2\x86\x92", 3, &cp), 3);
    cr_assert_eq(cp, 0x2192);
    cr_assert_eq(pg_report__utf8_next("\xe2\x86", 2, &cp), 1, "truncated sequence");
    cr_assert_eq(cp, 0xFFFD);
    cr_assert_eq(pg_report__utf8_next("\xf4\x90\x80\x80", 4, &cp), 1, "above U+10FFFF");
    cr_assert_eq(pg_report__utf8_width("a\xc3\xa9\xe2\x86\x92", 6), 3);
    cr_assert_eq(pg_report__utf8_cut("a\xc3\xa9" "b", 4, 2), 1, "never splits a character");
}
