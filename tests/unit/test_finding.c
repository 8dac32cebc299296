/* test_finding.c — pg_value_text, the one way a value becomes text
 * (src/finding/value.c); the evidence caps and redaction
 * (src/finding/redact.c); the finding list. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "finding/value.h"
#include "plangate/finding.h"
#include "test_report_support.h"
#include "support.h"

static void expect_text(json_t *v, size_t size, const char *want)
{
    char buf[300];

    cr_assert(size <= sizeof buf);
    memset(buf, 'X', sizeof buf);
    pg_value_text(v, buf, size);
    cr_assert_str_eq(buf, want);
    json_decref(v);
}

/* MARK: the convention */

Test(finding, value_text_plain_values)
{
    expect_text(json_string("production"), 64, "production");
    expect_text(json_string("aws_s3_bucket.b[\"x\"]"), 64, "aws_s3_bucket.b[\"x\"]");
    expect_text(json_integer(42), 64, "42");
    expect_text(json_real(2.5), 64, "2.5");
    expect_text(json_true(), 64, "true");
    expect_text(json_pack("{s:i,s:s}", "b", 1, "a", "x"), 64, "{\"a\":\"x\",\"b\":1}");
    expect_text(json_pack("[s,{s:n}]", "p q", "k"), 64, "[\"p q\",{\"k\":null}]");
}

/* One word for "not there": absent (NULL) and null (not set) alike. */
Test(finding, value_text_absent_and_null_are_none)
{
    expect_text(NULL, 64, "(none)");
    expect_text(json_null(), 64, "(none)");
    /* the string "(none)" is a value, and must not read as absent */
    expect_text(json_string("(none)"), 64, "\"(none)\"");
}

Test(finding, value_text_markers_are_bare)
{
    expect_text(json_string(PG_SENSITIVE_TEXT), 64, "(sensitive)");
    expect_text(json_string(PG_UNKNOWN_TEXT), 64, "(known after apply)");
    expect_text(json_string("(object with 3 keys, 5 KB)"), 64, "(object with 3 keys, 5 KB)");
    /* a plan's "(sensitive)" with a NUL tail is its own string */
    expect_text(json_stringn("(sensitive)\0x", 13), 64, "\"(sensitive)\\u0000x\"");
}

/* A NUL, a newline, an escape sequence, a bidi override, a no-break space or
 * the "##[" marker in a plan value must be seen, not acted on: the string is
 * quoted as util/quote quotes every message. */
Test(finding, value_text_quotes_what_would_be_misread)
{
    expect_text(json_stringn("dev\0production", 14), 64, "\"dev\\u0000production\"");
    expect_text(json_string("a\nb"), 64, "\"a\\nb\"");
    expect_text(json_string("\x1b[31mred"), 64, "\"\\u001B[31mred\"");
    expect_text(json_string("\x1b]0;t\x07"), 64, "\"\\u001B]0;t\\u0007\"");
    expect_text(json_string("rtl\xe2\x80\xaetxt"), 64, "\"rtl\\u202Etxt\"");
    expect_text(json_string("a\xc2\xa0::b"), 64, "\"a\\u00A0::b\"");
    expect_text(json_string("x##[error]y"), 64, "\"x\\u0023#[error]y\"");
    expect_text(json_string(""), 64, "\"\"");
    expect_text(json_string(" padded "), 64, "\" padded \"");
    expect_text(json_pack("{s:s}", "k\x1b", "v##["), 64, "{\"k\\u001B\":\"v\\u0023#[\"}");
}

Test(finding, value_text_cuts_with_an_ellipsis_on_a_character_boundary)
{
    expect_text(json_string("abcdefghij"), 11, "abcdefghij"); /* fits exactly */
    expect_text(json_string("abcdefghijk"), 11, "abcdefg…");  /* one byte too many */
    /* "é" is two bytes: the cut steps back before it rather than split it */
    expect_text(json_string("abcdef\xc3\xa9ghij"), 11, "abcdef…");
    expect_text(json_string("abcdef"), 1, "");
    expect_text(json_string("abcdef"), 3, "ab");
    expect_text(json_integer(1234567890), 8, "1234…");
    expect_text(json_pack("[s,s]", "aaaa", "bbbb"), 10, "[\"aaaa…");
}

/* MARK: no recursion, whatever the depth */

Test(finding, value_text_of_a_deep_value)
{
    static const size_t depths[] = {PG_EVIDENCE_MAX_DEPTH, PG_VALUE_WALK_MAX_DEPTH, 4096, 100000};
    size_t d;

    for (d = 0; d < sizeof depths / sizeof depths[0]; d++) {
        json_t **levels;
        json_t *v = rpt_nested(depths[d], &levels);
        char buf[64];

        pg_value_text(v, buf, sizeof buf);
        cr_assert_eq(strlen(buf), sizeof buf - 1, "depth %zu: as much as fits, then cut", depths[d]);
        cr_assert_eq(strncmp(buf, "[[[[", 4), 0);
        cr_assert_not_null(strstr(buf, "…"));
        cr_assert_not(pg_value__within_caps(v), "depth %zu is past the caps", depths[d]);
        rpt_free_nested(levels, depths[d]);
    }
}

/* MARK: the evidence caps */

Test(finding, evidence_within_the_caps_is_kept)
{
    pg_finding *f = pg_test_finding_new("r", PG_SEV_HIGH, NULL);
    json_t **levels;
    json_t *v = rpt_nested(PG_EVIDENCE_MAX_DEPTH - 1, &levels);

    cr_assert_not_null(f);
    cr_assert(pg_value__within_caps(v));
    cr_assert_eq(pg_finding_add_evidence(f, "deep", json_incref(v), json_string("x")), 0);
    cr_assert_eq(f->evidence[0].before, v, "kept as it is");
    pg_finding_free(f);
    rpt_free_nested(levels, PG_EVIDENCE_MAX_DEPTH - 1);
}

Test(finding, evidence_past_the_caps_is_a_summary)
{
    pg_finding *f = pg_test_finding_new("r", PG_SEV_HIGH, NULL);
    json_t *obj = json_object(), *arr = json_array(), **levels;
    json_t *deep = rpt_nested(PG_EVIDENCE_MAX_DEPTH, &levels);
    size_t i, big = 50u * 1024u * 1024u;
    char *s = malloc(big + 1);
    char key[16];

    cr_assert_not_null(f);
    cr_assert_not_null(s);
    for (i = 0; i < 120; i++) {
        snprintf(key, sizeof key, "k%03zu", i);
        json_object_set_new(obj, key, json_string("0123456789012345678901234567890123456789"));
    }
    for (i = 0; i < 5000; i++)
        json_array_append_new(arr, json_integer((json_int_t)i));
    memset(s, 's', big);
    s[big] = '\0';
    cr_assert_eq(pg_finding_add_evidence(f, "tags", obj, NULL), 0);
    cr_assert_eq(pg_finding_add_evidence(f, "list", NULL, arr), 0);
    cr_assert_eq(pg_finding_add_evidence(f, "text", json_stringn_nocheck(s, big), NULL), 0);
    free(s);
    cr_assert_eq(pg_finding_add_evidence(f, "deep", json_incref(deep), NULL), 0);
    cr_assert_str_eq(json_string_value(f->evidence[0].before), "(object with 120 keys, 6 KB)");
    cr_assert_str_eq(json_string_value(f->evidence[1].after), "(array with 5000 elements, 23 KB)");
    cr_assert_str_eq(json_string_value(f->evidence[2].before), "(string of 50 MB)");
    cr_assert_str_eq(json_string_value(f->evidence[3].before), "(array nested deeper than 32 levels)");
    cr_assert_null(f->evidence[0].after, "a side that does not apply stays NULL");
    pg_finding_free(f);
    rpt_free_nested(levels, PG_EVIDENCE_MAX_DEPTH);
}

Test(finding, messages_are_capped)
{
    pg_finding *f = pg_test_finding_new("r", PG_SEV_HIGH, NULL);
    char *s = malloc(PG_FINDING_MAX_TEXT * 2);

    cr_assert_not_null(s);
    memset(s, 'm', PG_FINDING_MAX_TEXT * 2 - 1);
    s[PG_FINDING_MAX_TEXT * 2 - 1] = '\0';
    cr_assert_eq(pg_finding_set_message(f, "%s", s), 0);
    cr_assert_eq(strlen(f->message), PG_FINDING_MAX_TEXT);
    cr_assert_str_eq(f->message + PG_FINDING_MAX_TEXT - 3, "…");
    cr_assert_eq(pg_finding_set_remediation(f, "short %d", 1), 0);
    cr_assert_str_eq(f->remediation, "short 1");
    free(s);
    pg_finding_free(f);
}

/* MARK: redaction */

static pg_change change_of(const char *json)
{
    json_error_t jerr;
    json_t *v = json_loads(json, 0, &jerr);
    pg_change c;
    pg_error err;

    cr_assert_not_null(v, "%s", jerr.text);
    cr_assert_eq(pg_change_init(&c, v, PG_ORIGIN_PLANNED, &err), 0, "%s", err.message);
    return c;
}

static void expect_redacted(const pg_change *c, pg_side side, const char *key, const char *want)
{
    pg_path_step s = {key, 0};
    json_t *v = pg_change_redacted(c, side, key ? &s : NULL, key ? 1 : 0);
    char buf[256];

    cr_assert_not_null(v);
    pg_value_text(v, buf, sizeof buf);
    cr_assert_str_eq(buf, want, "%s.%s", side == PG_BEFORE ? "before" : "after", key ? key : "");
    json_decref(v);
}

Test(finding, redaction_at_every_level)
{
    pg_change c = change_of(
        "{\"address\":\"a.b\",\"type\":\"a\",\"change\":{\"actions\":[\"update\"],"
        "\"before\":{\"k\":\"hunter2\",\"tags\":{\"Secret\":\"hunter2\",\"Env\":\"prod\"},\"blk\":[{\"x\":\"hunter2\"}],"
        "\"plain\":\"p\"},"
        "\"after\":{\"k\":\"hunter2\",\"tags\":{\"Secret\":\"hunter2\",\"Env\":\"prod\"},\"blk\":[{\"x\":\"hunter2\"}],"
        "\"plain\":\"p\"},"
        "\"after_unknown\":{\"plain\":true},"
        "\"before_sensitive\":{\"k\":true,\"tags\":{\"Secret\":true},\"blk\":true},"
        "\"after_sensitive\":true}}");

    expect_redacted(&c, PG_BEFORE, "k", "(sensitive)");
    expect_redacted(&c, PG_BEFORE, "tags", "{\"Env\":\"prod\",\"Secret\":\"(sensitive)\"}");
    expect_redacted(&c, PG_BEFORE, "blk", "(sensitive)");
    expect_redacted(&c, PG_BEFORE, NULL, "{\"blk\":\"(sensitive)\",\"k\":\"(sensitive)\",\"plain\":\"p\",\"tags\":"
                                         "{\"Env\":\"prod\",\"Secret\":\"(sensitive)\"}}");
    expect_redacted(&c, PG_BEFORE, "plain", "p");
    /* after_sensitive: true covers the whole object */
    expect_redacted(&c, PG_AFTER, NULL, "(sensitive)");
    expect_redacted(&c, PG_AFTER, "tags", "(sensitive)");
    expect_redacted(&c, PG_BEFORE, "missing", "(none)");
    pg_change_dispose(&c);
}

/* A map member Terraform left out of after as unknown, a list element
 * unknown or past after's end, a map absent with marked members: shown as
 * (known after apply), so a partly unknown value never looks whole (issue 13). */
Test(finding, redaction_shows_unknown_members)
{
    pg_change c = change_of(
        "{\"address\":\"a.b\",\"type\":\"a\",\"change\":{\"actions\":[\"update\"],"
        "\"before\":{\"tags\":{\"a\":\"1\"}},"
        "\"after\":{\"tags\":{\"a\":\"1\",\"s\":\"hunter2\"},\"x\":[\"a\",null],\"y\":[\"a\"],\"z\":{}},"
        "\"after_unknown\":{\"tags\":{\"b\":true},\"x\":[false,true],\"y\":[false,true],"
        "\"w\":{\"k\":true},\"z\":{\"n\":{\"m\":[true]}}},"
        "\"before_sensitive\":{},\"after_sensitive\":{\"tags\":{\"s\":true}}}}");

    expect_redacted(&c, PG_AFTER, "tags", "{\"a\":\"1\",\"b\":\"(known after apply)\",\"s\":\"(sensitive)\"}");
    expect_redacted(&c, PG_AFTER, "x", "[\"a\",\"(known after apply)\"]");
    expect_redacted(&c, PG_AFTER, "y", "[\"a\",\"(known after apply)\"]");
    expect_redacted(&c, PG_AFTER, "w", "(known after apply)");
    expect_redacted(&c, PG_AFTER, "z", "{\"n\":\"(known after apply)\"}");
    /* before is never unknown */
    expect_redacted(&c, PG_BEFORE, "tags", "{\"a\":\"1\"}");
    expect_redacted(&c, PG_BEFORE, "w", "(none)");
    pg_change_dispose(&c);
}

Test(finding, redaction_past_the_caps_hides_the_size_of_sensitive_parts)
{
    char *json = malloc(64 * 1024), *p;
    pg_change c;
    int i;

    cr_assert_not_null(json);
    p = json + sprintf(json, "{\"address\":\"a.b\",\"type\":\"a\",\"change\":{\"actions\":[\"update\"],\"before\":{\"tags\":{");
    for (i = 0; i < 300; i++)
        p += sprintf(p, "%s\"t%03d\":\"0123456789012345678901234567890123456789\"", i ? "," : "", i);
    p += sprintf(p, "}},\"after\":{\"tags\":{");
    for (i = 0; i < 300; i++)
        p += sprintf(p, "%s\"t%03d\":\"0123456789012345678901234567890123456789\"", i ? "," : "", i);
    sprintf(p, "}},\"before_sensitive\":{\"tags\":{\"t007\":true}},\"after_sensitive\":{}}}");
    c = change_of(json);
    free(json);
    expect_redacted(&c, PG_BEFORE, "tags", "(object with 300 keys, too large to show)");
    expect_redacted(&c, PG_AFTER, "tags", "(object with 300 keys, 15 KB)");
    pg_change_dispose(&c);
}

/* MARK: the list */

Test(finding, list_grows_and_stops_at_its_limit)
{
    pg_findings l;
    pg_error err;
    size_t i;

    pg_findings_init(&l);
    l.max = 40;
    for (i = 0; i < 40; i++)
        cr_assert_eq(pg_findings_add(&l, pg_test_finding_new("r", PG_SEV_LOW, NULL), &err), 0);
    cr_assert_eq(pg_findings_add(&l, pg_test_finding_new("r", PG_SEV_LOW, NULL), &err), PG_ELIMIT);
    cr_assert_eq(l.count, 40);
    cr_assert_eq(pg_findings_add(&l, NULL, &err), PG_ENOMEM);
    cr_assert_str_eq(err.message, "out of memory");
    pg_findings_dispose(&l);
}
