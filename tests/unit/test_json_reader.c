/* test_json_reader.c — the streaming reader: every token kind, every error
 * kind with its exact byte offset and message, limits, capture modes,
 * encodings. Each error case is run whole and one byte at a time. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plangate/json.h"
#include "test_json_support.h"

/* Run doc whole and in 1-byte chunks; both must fail with code at off and a
 * message containing `part`. */
static void expect_err_n(const char *doc, size_t len, int code, unsigned long long off,
                         const char *part)
{
    size_t chunks[2] = {JT_WHOLE, 1};
    int i;

    for (i = 0; i < 2; i++) {
        jt_result r;
        jt_run(&r, doc, len, chunks[i], NULL);
        cr_assert_eq(r.rc, code, "doc %s (chunk %zu): code %d, expected %d: %s", doc, chunks[i],
                     r.rc, code, r.err.message);
        cr_assert_eq(r.err.has_offset, 1, "doc %s: no offset", doc);
        cr_assert_eq(r.err.offset, off, "doc %s (chunk %zu): offset %llu, expected %llu (%s)", doc,
                     chunks[i], (unsigned long long)r.err.offset, off, r.err.message);
        cr_assert(strstr(r.err.message, part) != NULL,
                  "doc %s: message \"%s\" lacks \"%s\"", doc, r.err.message, part);
        jt_result_free(&r);
    }
}

static void expect_err(const char *doc, int code, unsigned long long off, const char *part)
{
    expect_err_n(doc, strlen(doc), code, off, part);
}

static void expect_ok_n(const char *doc, size_t len, pg_json_type top)
{
    size_t chunks[2] = {JT_WHOLE, 1};
    int i;

    for (i = 0; i < 2; i++) {
        jt_result r;
        jt_run(&r, doc, len, chunks[i], NULL);
        cr_assert_eq(r.rc, 0, "doc %s (chunk %zu) rejected: %s", doc, chunks[i], r.err.message);
        cr_assert_eq(r.top, top, "doc %s: top type %d, expected %d", doc, (int)r.top, (int)top);
        jt_result_free(&r);
    }
}

static void expect_ok(const char *doc, pg_json_type top)
{
    expect_ok_n(doc, strlen(doc), top);
}

/* MARK: tokens ------------------------------------------------------------ */

Test(json_reader, every_token_kind)
{
    expect_ok("{}", PG_JSON_OBJECT);
    expect_ok("[]", PG_JSON_ARRAY);
    expect_ok("\"\"", PG_JSON_STRING);
    expect_ok("\"a \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uD83D\\uDE00 \\u0000\"", PG_JSON_STRING);
    expect_ok("\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf\"", PG_JSON_STRING);
    expect_ok("0", PG_JSON_NUMBER);
    expect_ok("-0", PG_JSON_NUMBER);
    expect_ok("-0.0e-0", PG_JSON_NUMBER);
    expect_ok("123456789012345678901234567890", PG_JSON_NUMBER);
    expect_ok("1.5E+10", PG_JSON_NUMBER);
    expect_ok("1e400", PG_JSON_NUMBER);
    expect_ok("true", PG_JSON_TRUE);
    expect_ok("false", PG_JSON_FALSE);
    expect_ok("null", PG_JSON_NULL);
    expect_ok(" \t\r\n{ \"a\" : [ 1 , true , null , { } , [ ] , \"x\" ] } \t\r\n", PG_JSON_OBJECT);
    expect_ok("[[[[[[[[[[]]]]]]]]]]", PG_JSON_ARRAY);
    expect_ok("{\"a\":{\"a\":{\"a\":{}}},\"a\":1}", PG_JSON_OBJECT);
}

Test(json_reader, top_type_none_until_first_byte)
{
    jt_result r;

    jt_run(&r, "   ", 3, JT_WHOLE, NULL);
    cr_assert_eq(r.top, PG_JSON_NONE);
    jt_result_free(&r);
    jt_run(&r, "  [1]", 5, 1, NULL);
    cr_assert_eq(r.top, PG_JSON_ARRAY);
    cr_assert_eq(r.offset, 5);
    jt_result_free(&r);
}

/* MARK: structure errors -------------------------------------------------- */

Test(json_reader, structure_errors_name_byte_and_expectation)
{
    expect_err("{\"a\" 1}", PG_ESYNTAX, 5,
               "unexpected '1' (0x31): expected ':' after an object key");
    expect_err("{\"a\":1 \"b\":2}", PG_ESYNTAX, 7,
               "unexpected '\"' (0x22): expected ',' or '}' after an object member");
    expect_err("{\"format_version\":\"1.2\"x", PG_ESYNTAX, 23,
               "unexpected 'x' (0x78): expected ',' or '}' after an object member");
    expect_err("[1 2]", PG_ESYNTAX, 3, "expected ',' or ']' after an array element");
    expect_err("[1}", PG_ESYNTAX, 2, "unexpected '}' (0x7d): expected ',' or ']'");
    expect_err("{\"a\":1]", PG_ESYNTAX, 6, "expected ',' or '}' after an object member");
    expect_err("[1,]", PG_ESYNTAX, 3,
               "unexpected ']' (0x5d): expected a value after ',' in an array");
    expect_err("{\"a\":1,}", PG_ESYNTAX, 7, "expected a string key after ',' in an object");
    expect_err("{,}", PG_ESYNTAX, 1, "expected a string key or '}' after '{'");
    expect_err("{1:2}", PG_ESYNTAX, 1, "expected a string key or '}' after '{'");
    expect_err("[,1]", PG_ESYNTAX, 1, "expected a value or ']' after '['");
    expect_err("{\"a\":}", PG_ESYNTAX, 5, "unexpected '}' (0x7d): expected a value after ':'");
    expect_err("x", PG_ESYNTAX, 0, "unexpected 'x' (0x78): expected a JSON value");
    expect_err("{} x", PG_ESYNTAX, 3, "expected the end of input after the top-level value");
    expect_err("{}{}", PG_ESYNTAX, 2, "expected the end of input after the top-level value");
    expect_err("1 2", PG_ESYNTAX, 2, "expected the end of input");
    expect_err("True", PG_ESYNTAX, 0, "expected a JSON value");
    expect_err("'a'", PG_ESYNTAX, 0, "unexpected ''' (0x27)");
}

Test(json_reader, only_four_whitespace_bytes)
{
    expect_err("[\f1]", PG_ESYNTAX, 1, "unexpected byte 0x0c: expected a value or ']'");
    expect_err("[\v1]", PG_ESYNTAX, 1, "byte 0x0b");
    expect_err("\xc2\xa0[]", PG_ESYNTAX, 0, "unexpected byte 0xc2");
    expect_err_n("[1\x00]", 4, PG_ESYNTAX, 2, "byte 0x00");
}

/* MARK: string errors ----------------------------------------------------- */

Test(json_reader, string_errors)
{
    expect_err("\"a\x01" "b\"", PG_ESYNTAX, 2,
               "unexpected byte 0x01 in the string started at byte 0: control "
               "characters must be escaped");
    expect_err("[\"ab\ncd\"]", PG_ESYNTAX, 4, "byte 0x0a in the string started at byte 1");
    expect_err("\"\t\"", PG_ESYNTAX, 1, "byte 0x09");
    expect_err("\"\x1f\"", PG_ESYNTAX, 1, "byte 0x1f");
    expect_err("\"\\x\"", PG_ESYNTAX, 2, "invalid escape: unexpected 'x' (0x78) after '\\'");
    expect_err("\"\\'\"", PG_ESYNTAX, 2, "invalid escape");
    expect_err("\"\\U0041\"", PG_ESYNTAX, 2, "invalid escape");
    expect_err("\"\\u12G4\"", PG_ESYNTAX, 5,
               "invalid \\u escape: unexpected 'G' (0x47) in the string started at byte 0");
    expect_err("\"\\u12\"", PG_ESYNTAX, 5, "invalid \\u escape: unexpected '\"'");
    expect_err("{\"k\\q\":1}", PG_ESYNTAX, 4, "invalid escape");
}

Test(json_reader, surrogate_errors)
{
    /* A lone or reversed surrogate is an error, at the escape's '\'. */
    expect_err("\"\\uDC00\"", PG_ESYNTAX, 1, "lone low surrogate \\uDC00");
    expect_err("\"ab\\uDFFF\"", PG_ESYNTAX, 3, "lone low surrogate \\uDFFF");
    expect_err("\"\\uD800\"", PG_ESYNTAX, 1, "high surrogate not followed by a low surrogate: \\uD800");
    expect_err("\"\\uD800x\"", PG_ESYNTAX, 1, "high surrogate not followed");
    expect_err("\"\\uD800\\n\"", PG_ESYNTAX, 1, "high surrogate not followed");
    expect_err("\"\\uD800\\u0041\"", PG_ESYNTAX, 1, "high surrogate not followed");
    expect_err("\"\\uD800\\uD800\"", PG_ESYNTAX, 1, "high surrogate not followed");
    expect_err("\"\\uDE00\\uD83D\"", PG_ESYNTAX, 1, "lone low surrogate \\uDE00");
    expect_err("\"\\uD800\\u12x4\"", PG_ESYNTAX, 11, "invalid \\u escape: unexpected 'x'");
    expect_ok("\"\\uD83D\\uDE00\\uDBFF\\uDFFF\\ud800\\udc00\"", PG_JSON_STRING);
}

Test(json_reader, utf8_errors_name_the_byte)
{
    expect_err("\"\xc0\x80\"", PG_ESYNTAX, 1,
               "invalid UTF-8: byte 0xc0 starts an overlong encoding");
    expect_err("\"\xc1\xbf\"", PG_ESYNTAX, 1, "byte 0xc1 starts an overlong");
    expect_err("\"\xe0\x80\xaf\"", PG_ESYNTAX, 2, "invalid UTF-8: byte 0x80 makes an overlong");
    expect_err("\"\xf0\x8f\xbf\xbf\"", PG_ESYNTAX, 2, "byte 0x8f makes an overlong");
    expect_err("\"\xed\xa0\x80\"", PG_ESYNTAX, 2, "byte 0xa0 encodes a UTF-16 surrogate");
    expect_err("\"\xf4\x90\x80\x80\"", PG_ESYNTAX, 2, "byte 0x90 encodes a code point above U+10FFFF");
    expect_err("\"\xf5\x80\x80\x80\"", PG_ESYNTAX, 1, "byte 0xf5 cannot start a character");
    expect_err("\"\xff\"", PG_ESYNTAX, 1, "byte 0xff cannot start");
    expect_err("\"\x80\"", PG_ESYNTAX, 1, "byte 0x80 is a continuation byte with no lead");
    expect_err("\"a\xc3(\"", PG_ESYNTAX, 3, "byte 0x28 where a continuation byte");
    expect_err("\"\xe2\x82\"", PG_ESYNTAX, 3, "byte 0x22 where a continuation byte");
    expect_err("\"\xf0\x9f\x98\"", PG_ESYNTAX, 4, "where a continuation byte");
    expect_err("{\"k\xe9y\":1}", PG_ESYNTAX, 4, "invalid UTF-8: byte 0x79");
}

/* MARK: number and literal errors ----------------------------------------- */

Test(json_reader, number_errors)
{
    expect_err("01", PG_ESYNTAX, 1, "unexpected '1' (0x31): a number cannot have a leading zero");
    expect_err("[-012]", PG_ESYNTAX, 3, "leading zero");
    expect_err("[00]", PG_ESYNTAX, 2, "leading zero");
    expect_err("-a", PG_ESYNTAX, 1, "unexpected 'a' (0x61): expected a digit after '-'");
    expect_err("[-]", PG_ESYNTAX, 2, "expected a digit after '-'");
    expect_err("1.e5", PG_ESYNTAX, 2, "expected a digit after the decimal point");
    expect_err("[1.]", PG_ESYNTAX, 3, "expected a digit after the decimal point");
    expect_err(".5", PG_ESYNTAX, 0, "expected a JSON value");
    expect_err("+1", PG_ESYNTAX, 0, "unexpected '+' (0x2b)");
    expect_err("[1ex]", PG_ESYNTAX, 3, "expected a sign or a digit in the exponent");
    expect_err("[1e+x]", PG_ESYNTAX, 4, "expected a digit in the exponent");
    expect_err("[1e]", PG_ESYNTAX, 3, "expected a sign or a digit");
    expect_err("[1.5.3]", PG_ESYNTAX, 4, "expected ',' or ']'");
    expect_err("[0x10]", PG_ESYNTAX, 2, "expected ',' or ']' after an array element");
    expect_err("[Infinity]", PG_ESYNTAX, 1, "expected a value or ']'");
    expect_err("[NaN]", PG_ESYNTAX, 1, "expected a value or ']'");
    expect_err("[1a]", PG_ESYNTAX, 2, "expected ',' or ']'");
}

Test(json_reader, literal_errors)
{
    expect_err("trux", PG_ESYNTAX, 3, "unexpected 'x' (0x78): expected the literal true (started at byte 0)");
    expect_err("[nul]", PG_ESYNTAX, 4, "expected the literal null (started at byte 1)");
    expect_err("[fals]", PG_ESYNTAX, 5, "expected the literal false");
    expect_err("[tRue]", PG_ESYNTAX, 2, "expected the literal true");
    expect_err("[truefalse]", PG_ESYNTAX, 5, "expected ',' or ']'");
    expect_err("nulll", PG_ESYNTAX, 4, "expected the end of input");
}

/* MARK: end of input ------------------------------------------------------ */

Test(json_reader, empty_input)
{
    expect_err_n("", 0, PG_ESYNTAX, 0, "empty input");
    expect_err(" \t\r\n", PG_ESYNTAX, 4, "empty input: only whitespace");
    expect_err("\xef\xbb\xbf", PG_ESYNTAX, 3, "empty input");
}

Test(json_reader, truncated_input_says_where)
{
    expect_err("{\"a\":[1,2", PG_ESYNTAX, 9,
               "unexpected end of input: the JSON is truncated (inside an array started at byte 5)");
    expect_err("{", PG_ESYNTAX, 1, "truncated (inside an object started at byte 0)");
    expect_err("{\"a\":1", PG_ESYNTAX, 6, "(inside an object started at byte 0)");
    expect_err("{\"a\"", PG_ESYNTAX, 4, "(inside an object started at byte 0)");
    expect_err("{\"ab", PG_ESYNTAX, 4, "truncated (inside an object key started at byte 1)");
    expect_err("[\"ab", PG_ESYNTAX, 4, "truncated (inside a string started at byte 1)");
    expect_err("[\"ab\\", PG_ESYNTAX, 5, "(inside a string started at byte 1)");
    expect_err("[\"\\u12", PG_ESYNTAX, 6, "(inside a string started at byte 1)");
    expect_err("[\"\\uD800", PG_ESYNTAX, 8, "(inside a string started at byte 1)");
    expect_err("[\"\\uD800\\", PG_ESYNTAX, 9, "(inside a string started at byte 1)");
    expect_err("\"\xe2\x82", PG_ESYNTAX, 3, "(inside a string started at byte 0)");
    expect_err("-", PG_ESYNTAX, 1, "truncated (inside a number started at byte 0)");
    expect_err("[1.", PG_ESYNTAX, 3, "(inside a number started at byte 1)");
    expect_err("12e+", PG_ESYNTAX, 4, "(inside a number started at byte 0)");
    expect_err("[12", PG_ESYNTAX, 3, "(inside an array started at byte 0)");
    expect_err("tr", PG_ESYNTAX, 2, "truncated (inside the literal true started at byte 0)");
    expect_err("[fal", PG_ESYNTAX, 4, "(inside the literal false started at byte 1)");
    expect_err("[[[]]", PG_ESYNTAX, 5, "(inside an array started at byte 0)");
}

Test(json_reader, top_level_number_ends_with_input)
{
    expect_ok("12", PG_JSON_NUMBER);
    expect_ok("-1.5e7", PG_JSON_NUMBER);
    expect_ok("0 ", PG_JSON_NUMBER);
}

/* MARK: stuck after an error ---------------------------------------------- */

Test(json_reader, stuck_after_error)
{
    pg_json_reader *r = NULL;
    pg_error e1, e2, e3;

    cr_assert_eq(pg_json_reader_new(&r, NULL, NULL, NULL), 0);
    cr_assert_not_null(r);
    cr_assert_eq(pg_json_feed(r, "[1,", 3, &e1), 0);
    cr_assert_eq(pg_json_feed(r, "x]", 2, &e1), PG_ESYNTAX);
    cr_assert_eq(e1.offset, 3);
    cr_assert_eq(pg_json_feed(r, "1]", 2, &e2), PG_ESYNTAX);
    cr_assert_eq(pg_json_finish(r, &e3), PG_ESYNTAX);
    cr_assert_str_eq(e2.message, e1.message);
    cr_assert_str_eq(e3.message, e1.message);
    cr_assert_eq(e3.offset, 3);
    /* err may be NULL */
    cr_assert_eq(pg_json_feed(r, "1", 1, NULL), PG_ESYNTAX);
    pg_json_reader_free(r);
    pg_json_reader_free(NULL);
}

Test(json_reader, offset_counts_bytes_consumed)
{
    pg_json_reader *r = NULL;

    cr_assert_eq(pg_json_reader_new(&r, NULL, NULL, NULL), 0);
    cr_assert_eq(pg_json_reader_offset(r), 0);
    cr_assert_eq(pg_json_feed(r, "[1, ", 4, NULL), 0);
    cr_assert_eq(pg_json_reader_offset(r), 4);
    cr_assert_eq(pg_json_feed(r, "2]", 2, NULL), 0);
    cr_assert_eq(pg_json_reader_offset(r), 6);
    cr_assert_eq(pg_json_finish(r, NULL), 0);
    pg_json_reader_free(r);
}

/* MARK: limits ------------------------------------------------------------ */

static char *nested(size_t open, size_t close)
{
    char *s = malloc(open + close + 1);
    cr_assert_not_null(s);
    memset(s, '[', open);
    memset(s + open, ']', close);
    s[open + close] = '\0';
    return s;
}

Test(json_reader, depth_512_accepted_513_rejected)
{
    char *ok = nested(PG_JSON_DEFAULT_MAX_DEPTH, PG_JSON_DEFAULT_MAX_DEPTH);
    char *bad = nested(PG_JSON_DEFAULT_MAX_DEPTH + 1, PG_JSON_DEFAULT_MAX_DEPTH + 1);

    expect_ok(ok, PG_JSON_ARRAY);
    expect_err(bad, PG_ELIMIT, 512, "nesting too deep: more than 512 levels");
    free(ok);
    free(bad);
}

Test(json_reader, depth_100000_open_brackets)
{
    char *s = nested(100000, 0);
    jt_result r;

    jt_run(&r, s, 100000, JT_WHOLE, NULL);
    cr_assert_eq(r.rc, PG_ELIMIT);
    cr_assert_eq(r.err.offset, 512);
    cr_assert(strstr(r.err.message, "(limit max_depth)"));
    jt_result_free(&r);
    jt_run(&r, s, 100000, 1, NULL);
    cr_assert_eq(r.rc, PG_ELIMIT);
    cr_assert_eq(r.err.offset, 512);
    jt_result_free(&r);
    free(s);
}

Test(json_reader, depth_custom_limit_objects_and_arrays)
{
    jt_opts o;
    jt_result r;
    const char *doc = "{\"a\":[{\"b\":1}]}";

    memset(&o, 0, sizeof o);
    o.fail_at_index = -2;
    o.limits.max_depth = 3;
    jt_run(&r, doc, strlen(doc), JT_WHOLE, &o);
    cr_assert_eq(r.rc, 0, "%s", r.err.message);
    jt_result_free(&r);
    o.limits.max_depth = 2;
    jt_run(&r, doc, strlen(doc), JT_WHOLE, &o);
    cr_assert_eq(r.rc, PG_ELIMIT);
    cr_assert_eq(r.err.offset, 6);
    cr_assert(strstr(r.err.message, "more than 2 levels"));
    jt_result_free(&r);
}

Test(json_reader, string_limit)
{
    jt_opts o;
    jt_result r;

    memset(&o, 0, sizeof o);
    o.fail_at_index = -2;
    o.limits.max_string = 5;
    jt_run(&r, "[\"abcde\"]", 9, 1, &o);
    cr_assert_eq(r.rc, 0, "%s", r.err.message);
    jt_result_free(&r);
    /* Content byte 6 (at offset 2 + 5) is one too many. */
    jt_run(&r, "[\"abcdef\"]", 10, JT_WHOLE, &o);
    cr_assert_eq(r.rc, PG_ELIMIT);
    cr_assert_eq(r.err.offset, 7);
    cr_assert(strstr(r.err.message, "string too long: the string started at byte 1 exceeds 5 bytes "
                                    "(limit max_string)"),
              "%s", r.err.message);
    jt_result_free(&r);
    /* Escapes count as their raw bytes; keys are strings too. */
    jt_run(&r, "{\"\\n\\n\\n\":1}", 12, 2, &o);
    cr_assert_eq(r.rc, PG_ELIMIT);
    cr_assert_eq(r.err.offset, 7);
    jt_result_free(&r);
    /* The limit wins over a later error in the same string, whatever the chunking. */
    jt_run(&r, "[\"abcdefgh\x01\"]", 13, JT_WHOLE, &o);
    cr_assert_eq(r.rc, PG_ELIMIT);
    cr_assert_eq(r.err.offset, 7);
    jt_result_free(&r);
    jt_run(&r, "[\"abcdefgh\x01\"]", 13, 1, &o);
    cr_assert_eq(r.rc, PG_ELIMIT);
    cr_assert_eq(r.err.offset, 7);
    jt_result_free(&r);
    /* ... but not over an error before the limit. */
    jt_run(&r, "[\"ab\x01" "cdefgh\"]", 13, JT_WHOLE, &o);
    cr_assert_eq(r.rc, PG_ESYNTAX);
    cr_assert_eq(r.err.offset, 4);
    jt_result_free(&r);
    /* An unterminated long string is a limit error, not a truncation. */
    jt_run(&r, "[\"abcdefgh", 10, JT_WHOLE, &o);
    cr_assert_eq(r.rc, PG_ELIMIT);
    jt_result_free(&r);
}

Test(json_reader, capture_limit)
{
    jt_opts o;
    jt_result r;
    const char *doc = "{\"a\":[1,2,3,4,5,6],\"b\":[\"0123456789\",\"01234567890\"]}";

    memset(&o, 0, sizeof o);
    o.fail_at_index = -2;
    o.modes = "a=v";
    o.limits.max_capture = 13;
    jt_run(&r, doc, strlen(doc), 3, &o);
    cr_assert_eq(r.rc, 0, "%s", r.err.message);
    jt_result_free(&r);
    o.limits.max_capture = 12;
    jt_run(&r, doc, strlen(doc), JT_WHOLE, &o);
    cr_assert_eq(r.rc, PG_ELIMIT);
    cr_assert_eq(r.err.offset, 5 + 12);
    cr_assert(strstr(r.err.message, "value too large: the value of \"a\" (started at byte 5) exceeds "
                                    "12 bytes (limit max_capture)"),
              "%s", r.err.message);
    jt_result_free(&r);
    /* Per element: "0123456789" is 12 bytes, the next one 13. */
    o.modes = "b=e";
    jt_run(&r, doc, strlen(doc), 1, &o);
    cr_assert_eq(r.rc, PG_ELIMIT);
    cr_assert_eq(r.err.offset, 37 + 12);
    cr_assert(strstr(r.err.message, "element 1 of \"b\""), "%s", r.err.message);
    cr_assert(strstr(r.trace, "value b[0] @24: \"0123456789\"\n"), "%s", r.trace);
    jt_result_free(&r);
    /* Skipped values are never limited by max_capture. */
    o.modes = NULL;
    o.limits.max_capture = 1;
    jt_run(&r, doc, strlen(doc), JT_WHOLE, &o);
    cr_assert_eq(r.rc, 0, "%s", r.err.message);
    jt_result_free(&r);
}

/* MARK: capture ----------------------------------------------------------- */

static void expect_trace(const char *doc, const char *modes, const char *want)
{
    size_t chunks[3] = {JT_WHOLE, 1, 5};
    jt_opts o;
    int i;

    memset(&o, 0, sizeof o);
    o.fail_at_index = -2;
    o.modes = modes;
    for (i = 0; i < 3; i++) {
        jt_result r;
        jt_run(&r, doc, strlen(doc), chunks[i], &o);
        cr_assert_str_eq(r.trace, want, "chunk %zu of %s:\n%s", chunks[i], doc, r.trace);
        jt_result_free(&r);
    }
}

Test(json_reader, capture_modes)
{
    expect_trace("{\"a\":1,\"b\":[1,{\"x\":[2]}, \"s\" ,-0.5e1,true,null],\"c\":{\"d\":[]},\"e\":\"x\"}",
                 "b=e,c=v,e=v",
                 "key a\n"
                 "key b\n"
                 "value b[0] @12: 1\n"
                 "value b[1] @14: {\"x\":[2]}\n"
                 "value b[2] @25: \"s\"\n"
                 "value b[3] @30: -0.5e1\n"
                 "value b[4] @37: true\n"
                 "value b[5] @42: null\n"
                 "end b count=6\n"
                 "key c\n"
                 "value c[-1] @52: {\"d\":[]}\n"
                 "key e\n"
                 "value e[-1] @65: \"x\"\n"
                 "ok top=1\n");
}

Test(json_reader, capture_excludes_surrounding_whitespace)
{
    expect_trace("{ \"a\" :  [ 1 , 2 ]  ,\n\"b\": [ 3 ,\t{ } ] }", "a=v,b=e",
                 "key a\n"
                 "value a[-1] @9: [ 1 , 2 ]\n"
                 "key b\n"
                 "value b[0] @29: 3\n"
                 "value b[1] @33: { }\n"
                 "end b count=2\n"
                 "ok top=1\n");
}

Test(json_reader, elements_of_non_array_and_empty_array)
{
    expect_trace("{\"a\":{\"k\":1},\"b\":[],\"c\":null,\"d\":12}", "a=e,b=e,c=e,d=e",
                 "key a\n"
                 "value a[-1] @5: {\"k\":1}\n"
                 "key b\n"
                 "end b count=0\n"
                 "key c\n"
                 "value c[-1] @24: null\n"
                 "key d\n"
                 "value d[-1] @33: 12\n"
                 "ok top=1\n");
}

Test(json_reader, only_top_level_keys_reported_duplicates_each_time)
{
    expect_trace("{\"a\":{\"inner\":{\"deep\":1}},\"a\":[{\"x\":1}],\"b\":2}", "a=e",
                 "key a\n"
                 "value a[-1] @5: {\"inner\":{\"deep\":1}}\n"
                 "key a\n"
                 "value a[0] @31: {\"x\":1}\n"
                 "end a count=1\n"
                 "key b\n"
                 "ok top=1\n");
    /* A top-level array has no keys. */
    expect_trace("[{\"a\":1}]", "a=v", "ok top=2\n");
}

Test(json_reader, keys_are_decoded)
{
    expect_trace("{\"a\\u0000b\\n\\uD83D\\uDE00\\\"\\/caf\xc3\xa9\":1}", NULL,
                 "key a\\x00b\\x0a\\xf0\\x9f\\x98\\x80\"/caf\\xc3\\xa9\n"
                 "ok top=1\n");
    expect_trace("{\"\":1}", NULL, "key \nok top=1\n");
}

Test(json_reader, captured_raw_bytes_are_verbatim)
{
    expect_trace("{\"a\":[\"\\u00e9\\n\",\"\xc3\xa9\"]}", "a=e",
                 "key a\n"
                 "value a[0] @6: \"\\x5cu00e9\\x5cn\"\n"
                 "value a[1] @17: \"\\xc3\\xa9\"\n"
                 "end a count=2\n"
                 "ok top=1\n");
}

Test(json_reader, value_callback_error_stops_and_sticks)
{
    jt_opts o;
    jt_result r;
    const char *doc = "{\"a\":[1,2,3]}";

    memset(&o, 0, sizeof o);
    o.modes = "a=e";
    o.fail_at_index = 1;
    jt_run(&r, doc, strlen(doc), JT_WHOLE, &o);
    cr_assert_eq(r.rc, PG_EPLAN);
    cr_assert_str_eq(r.err.message, "test handler refuses element 1");
    cr_assert_str_eq(r.trace, "key a\nvalue a[0] @6: 1\nvalue a[1] @8: 2\n"
                              "error -5 @0: test handler refuses element 1\n");
    jt_result_free(&r);
}

Test(json_reader, no_handler_is_fine)
{
    pg_json_handler h;
    pg_json_reader *r;

    memset(&h, 0, sizeof h);
    cr_assert_eq(pg_json_reader_new(&r, &h, NULL, NULL), 0);
    cr_assert_eq(pg_json_feed(r, "{\"a\":[1]}", 9, NULL), 0);
    cr_assert_eq(pg_json_finish(r, NULL), 0);
    pg_json_reader_free(r);
}

/* MARK: encodings --------------------------------------------------------- */

/* UTF-8 text → UTF-16 (le or be) with a BOM, into out; returns the length. */
static size_t to_utf16(const char *s, int be, unsigned char *out)
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)s;

    out[n++] = be ? 0xFE : 0xFF;
    out[n++] = be ? 0xFF : 0xFE;
    while (*p) {
        uint32_t cp;
        uint32_t units[2];
        int k, nu = 1;
        if (*p < 0x80) {
            cp = *p++;
        } else if (*p < 0xE0) {
            cp = (uint32_t)(*p & 0x1F) << 6 | (p[1] & 0x3F);
            p += 2;
        } else if (*p < 0xF0) {
            cp = (uint32_t)(*p & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
            p += 3;
        } else {
            cp = (uint32_t)(*p & 0x07) << 18 | (uint32_t)(p[1] & 0x3F) << 12 |
                 (uint32_t)(p[2] & 0x3F) << 6 | (p[3] & 0x3F);
            p += 4;
        }
        units[0] = cp;
        if (cp >= 0x10000) {
            units[0] = 0xD800 + ((cp - 0x10000) >> 10);
            units[1] = 0xDC00 + ((cp - 0x10000) & 0x3FF);
            nu = 2;
        }
        for (k = 0; k < nu; k++) {
            out[n++] = (unsigned char)(be ? units[k] >> 8 : units[k] & 0xFF);
            out[n++] = (unsigned char)(be ? units[k] & 0xFF : units[k] >> 8);
        }
    }
    return n;
}

Test(json_reader, utf8_bom_skipped)
{
    jt_opts o;
    jt_result r;
    const char *doc = "\xef\xbb\xbf{\"a\":[1]}";
    size_t chunk[2] = {JT_WHOLE, 1};
    int i;

    memset(&o, 0, sizeof o);
    o.fail_at_index = -2;
    o.modes = "a=v";
    for (i = 0; i < 2; i++) {
        jt_run(&r, doc, strlen(doc), chunk[i], &o);
        cr_assert_eq(r.rc, 0, "%s", r.err.message);
        cr_assert_eq(r.enc, PG_JSON_UTF8_BOM);
        cr_assert_str_eq(r.trace, "key a\nvalue a[-1] @8: [1]\nok top=1\n");
        cr_assert_eq(r.offset, 12);
        jt_result_free(&r);
    }
    jt_run(&r, "{}", 2, JT_WHOLE, &o);
    cr_assert_eq(r.enc, PG_JSON_UTF8);
    jt_result_free(&r);
}

Test(json_reader, utf16_with_bom_transcoded)
{
    const char *doc = "{\"k\\u00e9\xc3\xa9\":[\"\xf0\x9f\x98\x80\", \"\xe2\x82\xac\"],\"x\":1}";
    unsigned char buf[256];
    size_t n, chunks[5] = {JT_WHOLE, 1, 2, 3, 7};
    jt_opts o;
    int be, i;

    memset(&o, 0, sizeof o);
    o.fail_at_index = -2;
    o.modes = "k\xc3\xa9\xc3\xa9=e";
    for (be = 0; be < 2; be++) {
        n = to_utf16(doc, be, buf);
        for (i = 0; i < 5; i++) {
            jt_result r;
            jt_run(&r, (const char *)buf, n, chunks[i], &o);
            cr_assert_eq(r.rc, 0, "be=%d chunk=%zu: %s", be, chunks[i], r.err.message);
            cr_assert_eq(r.enc, be ? PG_JSON_UTF16BE_BOM : PG_JSON_UTF16LE_BOM);
            /* Offsets count UTF-8 bytes of the transcoded text, BOM = 3. */
            cr_assert_str_eq(r.trace,
                             "key k\\xc3\\xa9\\xc3\\xa9\n"
                             "value k\\xc3\\xa9\\xc3\\xa9[0] @17: \"\\xf0\\x9f\\x98\\x80\"\n"
                             "value k\\xc3\\xa9\\xc3\\xa9[1] @25: \"\\xe2\\x82\\xac\"\n"
                             "end k\\xc3\\xa9\\xc3\\xa9 count=2\n"
                             "key x\n"
                             "ok top=1\n",
                             "be=%d chunk=%zu: %s", be, chunks[i], r.trace);
            cr_assert_eq(r.offset, strlen(doc) + 3);
            jt_result_free(&r);
        }
    }
}

Test(json_reader, utf16_errors)
{
    unsigned char buf[64];
    jt_result r;
    size_t n;

    /* A lone low surrogate (LE): 0xDC00 after "[" */
    n = to_utf16("[", 0, buf);
    buf[n++] = 0x00;
    buf[n++] = 0xDC;
    jt_run(&r, (const char *)buf, n, 1, NULL);
    cr_assert_eq(r.rc, PG_ESYNTAX);
    cr_assert_eq(r.err.offset, 4);
    cr_assert(strstr(r.err.message, "invalid UTF-16: low surrogate 0xDC00 without a high"), "%s",
              r.err.message);
    jt_result_free(&r);
    /* A high surrogate followed by a non-surrogate (BE). */
    n = to_utf16("[\"", 1, buf);
    buf[n++] = 0xD8;
    buf[n++] = 0x3D;
    buf[n++] = 0x00;
    buf[n++] = 0x41;
    jt_run(&r, (const char *)buf, n, JT_WHOLE, NULL);
    cr_assert_eq(r.rc, PG_ESYNTAX);
    cr_assert_eq(r.err.offset, 5);
    cr_assert(strstr(r.err.message, "high surrogate 0xD83D not followed"), "%s", r.err.message);
    jt_result_free(&r);
    /* An odd number of bytes. */
    n = to_utf16("[]", 0, buf);
    buf[n++] = ' ';
    jt_run(&r, (const char *)buf, n, JT_WHOLE, NULL);
    cr_assert_eq(r.rc, PG_ESYNTAX);
    cr_assert(strstr(r.err.message, "middle of a code unit"), "%s", r.err.message);
    jt_result_free(&r);
    /* Ends in a high surrogate. */
    n = to_utf16("[]", 0, buf);
    buf[n++] = 0x3D;
    buf[n++] = 0xD8;
    jt_run(&r, (const char *)buf, n, 3, NULL);
    cr_assert_eq(r.rc, PG_ESYNTAX);
    cr_assert(strstr(r.err.message, "ends with the high surrogate 0xD83D"), "%s", r.err.message);
    jt_result_free(&r);
    /* Only a BOM. */
    jt_run(&r, "\xff\xfe", 2, 1, NULL);
    cr_assert_eq(r.rc, PG_ESYNTAX);
    cr_assert(strstr(r.err.message, "empty input"), "%s", r.err.message);
    cr_assert_eq(r.enc, PG_JSON_UTF16LE_BOM);
    jt_result_free(&r);
    /* UTF-16 content is validated as JSON too: a NUL code unit. */
    n = to_utf16("[", 0, buf);
    buf[n++] = 0;
    buf[n++] = 0;
    jt_run(&r, (const char *)buf, n, JT_WHOLE, NULL);
    cr_assert_eq(r.rc, PG_ESYNTAX);
    cr_assert_eq(r.err.offset, 4);
    cr_assert(strstr(r.err.message, "byte 0x00"), "%s", r.err.message);
    jt_result_free(&r);
}

Test(json_reader, no_bom_means_utf8)
{
    /* UTF-16LE without a BOM: the NUL after '[' is not JSON. */
    expect_err_n("[\0\"\0]\0", 6, PG_ESYNTAX, 1, "unexpected byte 0x00");
    /* A partial BOM is just bad bytes. */
    expect_err_n("\xef\xbb", 2, PG_ESYNTAX, 0, "unexpected byte 0xef");
    expect_err_n("\xef\xbb[]", 4, PG_ESYNTAX, 0, "unexpected byte 0xef");
    expect_err_n("\xfe[]", 3, PG_ESYNTAX, 0, "unexpected byte 0xfe");
    expect_err_n("\xff", 1, PG_ESYNTAX, 0, "unexpected byte 0xff");
    expect_err_n("\xef\xbb\xbf\xef\xbb\xbf{}", 8, PG_ESYNTAX, 3, "unexpected byte 0xef");
}

/* Found by fuzz_json_chunks (crash-13de9e6e): a bad surrogate pair is
 * reported at its first escape but only found 6+ bytes later; a string limit
 * broken in between must win at every chunking, and in the decoder too. */
Test(json_reader, limit_wins_over_bad_surrogate_found_later)
{
    const char *doc = "[\"\\\" \\\\ \\/ \\b\\uD800 \\r\"]";
    size_t chunks[4] = {JT_WHOLE, 1, 2, 3};
    jt_opts o;
    pg_json_decode_options d;
    json_t *v = NULL;
    pg_error err;
    int i;

    memset(&o, 0, sizeof o);
    o.fail_at_index = -2;
    o.limits.max_string = 16;
    for (i = 0; i < 4; i++) {
        jt_result r;
        jt_run(&r, doc, strlen(doc), chunks[i], &o);
        cr_assert_eq(r.rc, PG_ELIMIT, "chunk %zu: %s", chunks[i], r.err.message);
        cr_assert_eq(r.err.offset, 18, "chunk %zu: offset %llu", chunks[i],
                     (unsigned long long)r.err.offset);
        jt_result_free(&r);
    }
    memset(&d, 0, sizeof d);
    d.limits.max_string = 16;
    cr_assert_eq(pg_json_decode(&v, doc, strlen(doc), &d, &err), PG_ELIMIT, "%s", err.message);
    cr_assert_eq(err.offset, 18);
    /* Without the limit it is the surrogate error, at the high escape. */
    o.limits.max_string = 0;
    {
        jt_result r;
        jt_run(&r, doc, strlen(doc), 1, &o);
        cr_assert_eq(r.rc, PG_ESYNTAX);
        cr_assert_eq(r.err.offset, 13);
        cr_assert(strstr(r.err.message, "high surrogate not followed"), "%s", r.err.message);
        jt_result_free(&r);
    }
}

/* MARK: member_type and take_capture ---------------------------------------- */

typedef struct mt_ctx {
    char trace[512];
    pg_json_reader *r;
    int taken;
    int stop_at;
} mt_ctx;

static pg_json_capture mt_key(void *ctx, const char *key, size_t key_len)
{
    (void)ctx;
    (void)key_len;
    return key[0] == 'v' ? PG_JSON_VALUE : key[0] == 'e' ? PG_JSON_ELEMENTS : PG_JSON_SKIP;
}

static int mt_type(void *ctx, const char *key, size_t key_len, pg_json_type type, uint64_t offset, pg_error *err)
{
    mt_ctx *c = ctx;
    size_t n = strlen(c->trace);

    (void)key_len;
    snprintf(c->trace + n, sizeof c->trace - n, "%s:%d@%llu ", key, (int)type, (unsigned long long)offset);
    if (c->stop_at == (int)offset)
        return pg_error_set(err, PG_EPLAN, "stop at %llu", (unsigned long long)offset);
    return 0;
}

static int mt_value(void *ctx, const char *key, size_t key_len, long index, const char *raw, size_t raw_len,
                    uint64_t offset, pg_error *err)
{
    mt_ctx *c = ctx;
    char *buf = NULL;

    (void)key;
    (void)key_len;
    (void)index;
    (void)offset;
    (void)err;
    if (pg_json_reader_take_capture(c->r, &buf) == 0) {
        cr_assert_eq(buf, raw, "the buffer taken is the one raw points into");
        cr_assert_eq(memcmp(buf, raw, raw_len), 0);
        cr_assert_eq(pg_json_reader_take_capture(c->r, &buf), -1, "taken once");
        free(buf);
        c->taken++;
    }
    return 0;
}

static int mt_run(mt_ctx *c, const char *doc, size_t chunk, pg_error *err)
{
    pg_json_handler h;
    size_t len = strlen(doc), i;
    int rc = 0;

    memset(&h, 0, sizeof h);
    h.top_key = mt_key;
    h.value = mt_value;
    h.member_type = mt_type;
    h.ctx = c;
    cr_assert_eq(pg_json_reader_new(&c->r, &h, NULL, NULL), 0);
    for (i = 0; i < len && rc == 0; i += chunk)
        rc = pg_json_feed(c->r, doc + i, len - i < chunk ? len - i : chunk, err);
    if (rc == 0)
        rc = pg_json_finish(c->r, err);
    pg_json_reader_free(c->r);
    return rc;
}

/* Every top-level value reports its type and offset, whatever its mode. */
Test(json_reader, member_type_for_every_top_level_value)
{
    static const char doc[] = "{\"s\":{\"x\":1},\"v\":\"str\",\"e\":[1,2],\"n\":null,\"t\":true,\"d\":-1}";
    size_t chunks[] = {1, 3, 4096}, i;

    for (i = 0; i < 3; i++) {
        mt_ctx c;
        pg_error err;
        memset(&c, 0, sizeof c);
        c.stop_at = -1;
        cr_assert_eq(mt_run(&c, doc, chunks[i], &err), 0, "%s", err.message);
        cr_assert_str_eq(c.trace, "s:1@5 v:3@17 e:2@27 n:7@37 t:5@46 d:4@55 ");
    }
}

Test(json_reader, member_type_can_stop_the_reader)
{
    mt_ctx c;
    pg_error err;

    memset(&c, 0, sizeof c);
    c.stop_at = 17;
    cr_assert_eq(mt_run(&c, "{\"s\":{\"x\":1},\"v\":\"str\",\"e\":[1,2]}", 4096, &err), PG_EPLAN);
    cr_assert_str_eq(err.message, "stop at 17");
    cr_assert_str_eq(c.trace, "s:1@5 v:3@17 ");
}

/* A value that spans chunks lives in the reader's buffer and can be taken;
 * one inside a chunk cannot (it is the caller's memory). */
Test(json_reader, take_capture_hands_over_a_copied_value)
{
    static const char doc[] = "{\"e\":[{\"a\":\"0123456789\"},{\"b\":[1,2,3]}],\"v\":{\"c\":\"d\"}}";
    mt_ctx c;
    pg_error err;

    memset(&c, 0, sizeof c);
    c.stop_at = -1;
    cr_assert_eq(mt_run(&c, doc, 4096, &err), 0);
    cr_assert_eq(c.taken, 0, "nothing was copied in one chunk");
    memset(&c, 0, sizeof c);
    c.stop_at = -1;
    cr_assert_eq(mt_run(&c, doc, 5, &err), 0);
    cr_assert_eq(c.taken, 3, "every value spanning 5-byte chunks was copied and taken");
}
