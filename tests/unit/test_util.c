/* test_util.c — the shared helpers of src/util: the capped buffer, array
 * growth with overflow checks, and the UTF-8 module. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "plangate/alloc.h"
#include "plangate/error.h"
#include "util/buf.h"
#include "util/grow.h"
#include "util/suggest.h"
#include "util/utf8.h"

Test(util_buf, appends_and_detaches)
{
    pg_buf b;
    pg_error err;
    char *s;
    size_t len;

    pg_error_clear(&err);
    pg_buf_init(&b, 0);
    cr_assert_str_eq(pg_buf_cstr(&b), "");
    cr_assert_eq(pg_buf_adds(&b, "plan", &err), 0);
    cr_assert_eq(pg_buf_addc(&b, '-', &err), 0);
    cr_assert_eq(pg_buf_addf(&b, &err, "%d:%s", 42, "gate"), 0);
    for (int i = 0; i < 100; i++)
        cr_assert_eq(pg_buf_add(&b, "xy", 2, &err), 0);
    cr_assert_eq(b.len, 12 + 200);
    cr_assert_eq(strncmp(pg_buf_cstr(&b), "plan-42:gatexy", 14), 0);
    s = pg_buf_detach(&b, &len);
    cr_assert_eq(len, 212);
    cr_assert_eq(strlen(s), 212);
    cr_assert_null(b.ptr);
    pg_free(s);
    s = pg_buf_detach(&b, &len); /* empty: still an allocated "" */
    cr_assert_not_null(s);
    cr_assert_str_eq(s, "");
    cr_assert_eq(len, 0);
    pg_free(s);
}

Test(util_buf, refuses_to_grow_past_its_cap_and_keeps_what_it_had)
{
    pg_buf b;
    pg_error err;

    pg_error_clear(&err);
    pg_buf_init(&b, 8);
    cr_assert_eq(pg_buf_adds(&b, "12345678", &err), 0);
    cr_assert_eq(pg_buf_addc(&b, '9', &err), PG_ELIMIT);
    cr_assert_eq(err.code, PG_ELIMIT);
    cr_assert_str_eq(pg_buf_cstr(&b), "12345678");
    cr_assert_eq(pg_buf_addf(&b, &err, "%s", "x"), PG_ELIMIT);
    cr_assert_eq(b.len, 8);
    pg_buf_reset(&b);
    cr_assert_str_eq(pg_buf_cstr(&b), "");
    cr_assert_eq(pg_buf_adds(&b, "abc", &err), 0);
    pg_buf_dispose(&b);
    pg_buf_dispose(NULL);
}

Test(util_buf, length_overflow_is_a_limit_not_a_wrap)
{
    pg_buf b;
    pg_error err;

    pg_buf_init(&b, 0);
    cr_assert_eq(pg_buf_adds(&b, "a", &err), 0);
    cr_assert_eq(pg_buf_reserve(&b, SIZE_MAX, &err), PG_ELIMIT);
    cr_assert_eq(pg_buf_reserve(&b, SIZE_MAX - 1, &err), PG_ELIMIT);
    pg_buf_dispose(&b);
}

static int fail_all;
static void *failing_malloc(void *ctx, size_t n)
{
    (void)ctx;
    return fail_all ? NULL : malloc(n);
}
static void *failing_realloc(void *ctx, void *p, size_t n)
{
    (void)ctx;
    return fail_all ? NULL : realloc(p, n);
}
static void plain_free(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

Test(util_buf, out_of_memory_is_reported_and_leaves_the_buffer_intact)
{
    pg_alloc a = {failing_malloc, failing_realloc, plain_free, NULL};
    pg_buf b;
    pg_error err;

    pg_alloc_set(&a);
    pg_buf_init(&b, 0);
    cr_assert_eq(pg_buf_adds(&b, "ok", &err), 0);
    fail_all = 1;
    cr_assert_eq(pg_buf_reserve(&b, 1000, &err), PG_ENOMEM);
    cr_assert_str_eq(err.message, "out of memory");
    cr_assert_str_eq(pg_buf_cstr(&b), "ok");
    fail_all = 0;
    pg_buf_dispose(&b);
    pg_alloc_set(NULL);
}

Test(util_grow, doubles_and_checks_overflow)
{
    int *items = NULL;
    size_t cap = 0;
    pg_error err;
    uint64_t *big = NULL;
    size_t bigcap = 0;

    cr_assert_eq(PG_GROW(items, cap, 1, &err), 0);
    cr_assert_eq(cap, 8);
    cr_assert_eq(PG_GROW(items, cap, 8, &err), 0);
    cr_assert_eq(cap, 8);
    cr_assert_eq(PG_GROW(items, cap, 9, &err), 0);
    cr_assert_eq(cap, 16);
    cr_assert_eq(PG_GROW(items, cap, 100, &err), 0);
    cr_assert_eq(cap, 128);
    items[99] = 7;
    cr_assert_eq(PG_GROW(items, cap, SIZE_MAX / 2, &err), PG_ENOMEM);
    cr_assert_eq(cap, 128);
    cr_assert_eq(items[99], 7);
    pg_free(items);
    cr_assert_eq(PG_GROW(big, bigcap, SIZE_MAX / 4, &err), PG_ENOMEM);
    cr_assert_null(big);
    cr_assert_eq(bigcap, 0);
}

Test(util_utf8, decodes_valid_and_replaces_invalid)
{
    uint32_t cp;
    int ok;

    cr_assert_eq(pg_utf8_decode("A", 1, &cp, &ok), 1);
    cr_assert(ok && cp == 'A');
    cr_assert_eq(pg_utf8_decode("\xc3\xa9", 2, &cp, &ok), 2);
    cr_assert(ok && cp == 0xE9);
    cr_assert_eq(pg_utf8_decode("\xe2\x86\x92", 3, &cp, &ok), 3);
    cr_assert(ok && cp == 0x2192);
    cr_assert_eq(pg_utf8_decode("\xf0\x9f\x92\xa5", 4, &cp, &ok), 4);
    cr_assert(ok && cp == 0x1F4A5);
    /* overlong, surrogate, above U+10FFFF, truncated, stray continuation */
    const char *bad[] = {"\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x86", "\x80"};
    const size_t len[] = {2, 3, 4, 2, 1};
    for (size_t i = 0; i < 5; i++) {
        cr_assert_eq(pg_utf8_decode(bad[i], len[i], &cp, &ok), 1, "case %zu", i);
        cr_assert(!ok && cp == PG_UTF8_REPLACEMENT, "case %zu", i);
    }
}

Test(util_utf8, encode_round_trips)
{
    const uint32_t cps[] = {0, 0x7F, 0x80, 0x7FF, 0x800, 0xFFFF, 0x10000, 0x10FFFF};
    unsigned char out[4];
    uint32_t back;
    int ok;

    for (size_t i = 0; i < sizeof cps / sizeof *cps; i++) {
        size_t n = pg_utf8_encode(cps[i], out);
        cr_assert_eq(pg_utf8_decode((const char *)out, n, &back, &ok), n);
        cr_assert(ok && back == cps[i], "U+%X", (unsigned)cps[i]);
    }
}

Test(util_utf8, measures_validates_and_cuts_on_boundaries)
{
    const char *s = "a\xc3\xa9\xe2\x86\x92z"; /* a é → z : 7 bytes, 4 characters */

    cr_assert_eq(pg_utf8_count(s, 7), 4);
    cr_assert(pg_utf8_valid(s, 7));
    cr_assert(!pg_utf8_valid("a\xff", 2));
    cr_assert_eq(pg_utf8_count("a\xff", 2), 2);
    cr_assert_eq(pg_utf8_cut(s, 7, 7), 7);
    cr_assert_eq(pg_utf8_cut(s, 7, 6), 6);
    cr_assert_eq(pg_utf8_cut(s, 7, 5), 3); /* never inside the arrow */
    cr_assert_eq(pg_utf8_cut(s, 7, 2), 1); /* never inside é */
    cr_assert_eq(pg_utf8_cut(s, 7, 0), 0);
    cr_assert_eq(pg_utf8_seq_len(0xF0), 4);
    cr_assert_eq(pg_utf8_seq_len(0x80), 1);
}

#include "util/quote.h"

static void expect_quote(const char *in, size_t len, size_t max, const char *want)
{
    pg_buf b;
    pg_error err;

    pg_buf_init(&b, 0);
    cr_assert_eq(pg_quote(&b, in, len, max, &err), 0);
    cr_assert_str_eq(pg_buf_cstr(&b), want);
    pg_buf_dispose(&b);
}

Test(util_quote, plain_text_is_a_json_string)
{
    expect_quote("aws_dynamodb_table.orders", 25, 0, "\"aws_dynamodb_table.orders\"");
    expect_quote("x[\"eu\"]", 7, 0, "\"x[\\\"eu\\\"]\"");
    expect_quote("caf\xc3\xa9", 5, 0, "\"caf\xc3\xa9\"");
}

/* The classes of hostile text: terminal control, line breaks, NUL, C1,
 * bidirectional overrides, invalid UTF-8, and workflow commands. */
Test(util_quote, hostile_text_is_escaped)
{
    expect_quote("a\nb\r\tc", 6, 0, "\"a\\nb\\r\\tc\"");
    expect_quote("\x1b]0;title\x07", 10, 0, "\"\\u001B]0;title\\u0007\"");
    expect_quote("dev\0prod", 8, 0, "\"dev\\u0000prod\"");
    expect_quote("\xc2\x9b" "31m", 5, 0, "\"\\u009B31m\"");
    expect_quote("\xe2\x80\xaetxt", 6, 0, "\"\\u202Etxt\"");
    expect_quote("\xff\xfe", 2, 0, "\"\\uFFFD\\uFFFD\"");
    expect_quote("x##[error]forged", 16, 0, "\"x\\u0023#[error]forged\"");
    expect_quote("###[", 4, 0, "\"#\\u0023#[\"");
}

Test(util_quote, long_input_is_cut_on_a_character_boundary)
{
    expect_quote("abcdef", 6, 4, "\"abcd\xe2\x80\xa6\"");
    expect_quote("ab\xc3\xa9z", 5, 3, "\"ab\xe2\x80\xa6\"");
    expect_quote("abc", 3, 3, "\"abc\"");
}

Test(util_quote, fixed_buffer_always_holds_a_whole_literal)
{
    char buf[12];

    cr_assert_str_eq(pg_quote_str(buf, sizeof buf, "short"), "\"short\"");
    cr_assert_str_eq(pg_quote_str(buf, sizeof buf, "0123456789abc"), "\"012345\xe2\x80\xa6\"");
    cr_assert_eq(strlen(buf), 11);
    cr_assert_str_eq(pg_quote_str(buf, sizeof buf, "\n\n\n\n"), "\"\\n\\n\\n\\n\"");
    cr_assert_str_eq(pg_quote_str(buf, sizeof buf, "\n\n\n\n\n"), "\"\\n\\n\\n\xe2\x80\xa6\"");
    cr_assert_str_eq(pg_quote_str(buf, sizeof buf, NULL), "\"(null)\"");
    cr_assert_str_eq(pg_quote_str(buf, 5, "abc"), "");
}

Test(util_quote, bare_text_escapes_the_same_and_is_idempotent)
{
    const char *in = "plangate: x[\"a\\b\"] \x1b[2J\n##[error]x";
    pg_buf once, twice, quoted;
    pg_error err;

    pg_buf_init(&once, 0);
    pg_buf_init(&twice, 0);
    pg_buf_init(&quoted, 0);
    cr_assert_eq(pg_escape_text(&once, in, strlen(in), &err), 0);
    cr_assert_str_eq(pg_buf_cstr(&once), "plangate: x[\"a\\b\"] \\u001B[2J\\n\\u0023#[error]x");
    cr_assert_eq(pg_escape_text(&twice, once.ptr, once.len, &err), 0);
    cr_assert_str_eq(pg_buf_cstr(&twice), pg_buf_cstr(&once));
    cr_assert_eq(pg_quote(&quoted, in, strlen(in), 0, &err), 0);
    pg_buf_reset(&twice);
    cr_assert_eq(pg_escape_text(&twice, quoted.ptr, quoted.len, &err), 0);
    cr_assert_str_eq(pg_buf_cstr(&twice), pg_buf_cstr(&quoted));
    pg_buf_dispose(&once);
    pg_buf_dispose(&twice);
    pg_buf_dispose(&quoted);
}

/* pg_escape_line (policy text on stdout/stderr, rebuilt on util/esc.c with
 * the rest of quote.c): a "::" that would start the line, after any blank
 * the runner trims, loses its first ':'; the line stays one line; the
 * result is a fixed point. */
Test(util_quote, line_escape_defuses_a_leading_command_and_is_idempotent)
{
    static const char *const leading[] = {"::error::x", "  ::error::x", "\t::error::x", " \t \r\n::x::y",
                                          "\xc2\xa0::x::y", "\xe3\x80\x80::x::y", "\xe2\x80\xa8::x::y",
                                          "\xc2\x85::x::y", "\xe1\x9a\x80::x::y"};
    pg_buf once, twice;
    pg_error err;
    size_t i;

    pg_buf_init(&once, 0);
    pg_buf_init(&twice, 0);
    for (i = 0; i < sizeof leading / sizeof leading[0]; i++) {
        const char *out;
        pg_buf_reset(&once);
        pg_buf_reset(&twice);
        cr_assert_eq(pg_escape_line(&once, leading[i], strlen(leading[i]), &err), 0);
        out = pg_buf_cstr(&once);
        cr_assert_null(strchr(out, '\n'), "%s: one line", out);
        cr_assert_not_null(strstr(out, "\\u003A:"), "%s: the first ':' escaped", out);
        out += strspn(out, " ");
        cr_assert_neq(strncmp(out, "::", 2), 0, "%s", out);
        cr_assert_eq(pg_escape_line(&twice, once.ptr, once.len, &err), 0);
        cr_assert_str_eq(pg_buf_cstr(&twice), pg_buf_cstr(&once));
    }
    pg_buf_reset(&once);
    cr_assert_eq(pg_escape_line(&once, "  ::error::x", 12, &err), 0);
    cr_assert_str_eq(pg_buf_cstr(&once), "  \\u003A:error::x");
    pg_buf_reset(&once);
    cr_assert_eq(pg_escape_line(&once, "a ::b ##[c", 10, &err), 0);
    cr_assert_str_eq(pg_buf_cstr(&once), "a ::b \\u0023#[c"); /* "::" mid-line is text, "##[" is not */
    pg_buf_dispose(&once);
    pg_buf_dispose(&twice);
}

/* ---- did you mean (util/suggest) ------------------------------------------------ */

Test(util_suggest, distance)
{
    cr_assert_eq(pg_suggest_distance("mesage", "message", 5), 1);
    cr_assert_eq(pg_suggest_distance("dynamodb-key-replacment", "dynamodb-key-replacement", 5), 1);
    cr_assert_eq(pg_suggest_distance("sevreity", "severity", 5), 1); /* a swap */
    cr_assert_eq(pg_suggest_distance("Message", "message", 5), 0);    /* case folded */
    cr_assert_eq(pg_suggest_distance("abc", "abc", 5), 0);
    cr_assert_eq(pg_suggest_distance("", "abc", 5), 3);
    cr_assert_eq(pg_suggest_distance("kitten", "sitting", 5), 3);
    cr_assert_eq(pg_suggest_distance("kitten", "sitting", 2), 3); /* cap + 1: further than the cap */
    cr_assert_eq(pg_suggest_distance("a", "abcdefgh", 2), 3);
}

Test(util_suggest, nearest_within_the_threshold)
{
    static const char *const keys[] = {"id", "title", "description", "severity", "message", "match", NULL};
    pg_suggest s;
    char longword[PG_SUGGEST_MAX_LEN + 8];

    cr_assert_str_eq(pg_suggest_from("mesage", keys), "message");
    cr_assert_str_eq(pg_suggest_from("titel", keys), "title");
    cr_assert_str_eq(pg_suggest_from("Severity", keys), "severity");
    cr_assert_str_eq(pg_suggest_from("descripton", keys), "description");
    cr_assert_str_eq(pg_suggest_from("mach", keys), "match");
    cr_assert_null(pg_suggest_from("message", keys)); /* itself: nothing to suggest */
    cr_assert_null(pg_suggest_from("owner", keys));   /* nothing near */
    cr_assert_null(pg_suggest_from("x", keys));       /* one letter: no guess */
    cr_assert_null(pg_suggest_from("zzzzzzzzzz", keys));
    /* the nearest wins, then the first */
    pg_suggest_init(&s, "matc");
    pg_suggest_add(&s, "mat");
    pg_suggest_add(&s, "match");
    pg_suggest_add(&s, NULL);
    cr_assert_str_eq(pg_suggest_best(&s), "mat");
    memset(longword, 'a', sizeof longword - 1);
    longword[sizeof longword - 1] = '\0';
    cr_assert_null(pg_suggest_from(longword, keys));
}
