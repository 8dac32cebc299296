/* test_finding.c — pg_value_text, the one way a value is quoted in a
 * message (src/finding/finding.c). */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "plangate/finding.h"

static void expect_text(json_t *v, size_t size, const char *want)
{
    char buf[64];

    cr_assert(size <= sizeof buf);
    memset(buf, 'X', sizeof buf);
    pg_value_text(v, buf, size);
    cr_assert_str_eq(buf, want);
    json_decref(v);
}

Test(finding, value_text_plain_values)
{
    expect_text(json_string("production"), 64, "production");
    expect_text(json_integer(42), 64, "42");
    expect_text(json_true(), 64, "true");
    expect_text(json_pack("{s:i,s:s}", "b", 1, "a", "x"), 64, "{\"a\":\"x\",\"b\":1}");
    expect_text(NULL, 64, "(absent)");
}

/* A NUL or a newline in a plan value must be seen, not acted on: the text
 * of "dev\0production" is not "dev". */
Test(finding, value_text_quotes_control_characters)
{
    expect_text(json_stringn("dev\0production", 14), 64, "\"dev\\u0000production\"");
    expect_text(json_string("a\nb"), 64, "\"a\\nb\"");
    expect_text(json_string("\x1b[31mred"), 64, "\"\\u001B[31mred\"");
}

Test(finding, value_text_truncates_on_a_character_boundary)
{
    expect_text(json_string("abcdefghij"), 11, "abcdefghij");  /* fits exactly */
    expect_text(json_string("abcdefghijk"), 11, "abcdefg..."); /* one byte too many */
    /* "é" is two bytes: the cut steps back before it rather than split it */
    expect_text(json_string("abcdef\xc3\xa9ghij"), 11, "abcdef...");
    expect_text(json_string("abcdef"), 1, "");
    expect_text(json_integer(1234567890), 8, "1234...");
    expect_text(json_pack("[s,s]", "aaaa", "bbbb"), 10, "[\"aaaa...");
}
