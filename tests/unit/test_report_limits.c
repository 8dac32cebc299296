/* test_report_limits.c — issue 11, depth and size: a value 4096 deep (the
 * reader's ceiling), 100 000 deep (past it, built in memory) and a 50 MB
 * string reach findings through pg_change_redacted, pg_value_text and
 * pg_finding_add_evidence, and every format writes a small report without
 * a crash; the same end to end through pg_check_run (decoding thread
 * included). No recursion on the input's depth in report/ or finding/. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_report_support.h"
#include "support.h"

static const pg_report_format formats[] = {PG_FORMAT_TEXT,  PG_FORMAT_JSON,   PG_FORMAT_SARIF,
                                           PG_FORMAT_JUNIT, PG_FORMAT_GITHUB, PG_FORMAT_MARKDOWN};
#define N_FORMATS (sizeof formats / sizeof formats[0])
/* Every format's report of these fixtures stays far below this. */
#define BOUNDED_OUTPUT (64u * 1024u)

static void render_bounded(const pg_report *r, const char *const *must_hold)
{
    size_t i, k;

    for (i = 0; i < N_FORMATS; i++) {
        size_t len;
        char *out = rpt_render(r, formats[i], 0, 0, &len);
        cr_assert_lt(len, BOUNDED_OUTPUT, "%s: %zu bytes", pg_report_format_name(formats[i]), len);
        for (k = 0; must_hold[k]; k++)
            cr_assert_not_null(strstr(out, must_hold[k]), "%s lacks %s", pg_report_format_name(formats[i]),
                               must_hold[k]);
        free(out);
    }
}

/* A finding as a rule makes one: evidence from pg_change_redacted, a
 * message quoting the value through pg_value_text. */
static void add_finding(pg_report *r, const pg_change *c, const char *key)
{
    pg_path_step s = {key, 0};
    pg_finding *f = pg_test_finding_new("limits", PG_SEV_HIGH, c);
    json_t *b = pg_change_redacted(c, PG_BEFORE, &s, 1), *a = pg_change_redacted(c, PG_AFTER, &s, 1);
    char text[256];
    pg_error err;

    cr_assert(f && b && a);
    pg_value_text(a, text, sizeof text);
    cr_assert_eq(pg_finding_set_message(f, "%s is %s", key, text), 0);
    cr_assert_eq(pg_finding_add_evidence(f, key, b, a), 0);
    cr_assert_eq(pg_findings_add(&r->findings, f, &err), 0);
}

Test(report_limits, deep_and_huge_values_in_every_format)
{
    static const size_t depths[] = {4096, 100000};
    static const char *const must_hold[] = {"(array nested deeper than 32 levels)", "(string of 50 MB)", NULL};
    size_t d, big = 50u * 1024u * 1024u;
    char *s = malloc(big + 1);

    cr_assert_not_null(s);
    memset(s, 'x', big);
    s[big] = '\0';
    for (d = 0; d < sizeof depths / sizeof depths[0]; d++) {
        json_t **bl, **al;
        json_t *bdeep = rpt_nested(depths[d], &bl), *adeep = rpt_nested(depths[d], &al);
        json_t *str = json_stringn_nocheck(s, big);
        json_t *el = json_pack("{s:s,s:s,s:{s:[s,s],s:{s:O,s:O},s:{s:O,s:O},s:{},s:{},s:{}}}", "address",
                               "aws_dynamodb_table.t", "type", "aws_dynamodb_table", "change", "actions", "delete",
                               "create", "before", "deep", bdeep, "big", str, "after", "deep", adeep, "big", str,
                               "after_unknown", "before_sensitive", "after_sensitive");
        pg_change c;
        pg_report r;
        pg_error err;

        cr_assert_not_null(el);
        json_decref(str);
        cr_assert_eq(pg_change_init(&c, el, PG_ORIGIN_PLANNED, &err), 0, "%s", err.message);
        pg_report_init(&r);
        r.source = pg_strdup("limits.json");
        cr_assert_eq(pg_report_list_add(&r.destroys, &c, 1, NULL), 0);
        add_finding(&r, &c, "deep");
        add_finding(&r, &c, "big");
        pg_findings_sort(&r.findings);
        r.verdict = PG_VERDICT_FAIL;
        render_bounded(&r, must_hold);
        pg_report_dispose(&r);
        /* jansson frees recursively: empty the deep values first */
        rpt_free_nested(bl, depths[d]);
        rpt_free_nested(al, depths[d]);
        pg_change_dispose(&c);
    }
    free(s);
}

/* The same values given straight to pg_finding_add_evidence, as a detector
 * might, are capped there. */
Test(report_limits, evidence_added_directly_is_capped)
{
    static const char *const must_hold[] = {"(array nested deeper than 32 levels)", NULL};
    json_t **levels;
    json_t *deep = rpt_nested(100000, &levels);
    pg_report r;
    pg_finding *f;

    rpt_fixture_pass(&r);
    f = r.findings.items[0];
    /* blocking, so that every format shows it (github annotates only those) */
    f->waived = 0;
    r.fail_on = PG_SEV_INFO;
    r.verdict = PG_VERDICT_FAIL;
    cr_assert_eq(pg_finding_add_evidence(f, "deep", json_incref(deep), json_incref(deep)), 0);
    render_bounded(&r, must_hold);
    pg_report_dispose(&r);
    rpt_free_nested(levels, 100000);
}

/* End to end: the plan reader (on its decoding thread: the file is larger
 * than the threshold), the detectors, a rule that quotes both values. */
Test(report_limits, through_pg_check_run)
{
    static const char *const must_hold[] = {"(array nested deeper than 32 levels)", "(string of 5 MB)", NULL};
    static const char policy_yaml[] =
        "version: 1\n"
        "rules:\n"
        "  - id: quotes-deep\n"
        "    title: quotes deep values\n"
        "    severity: high\n"
        "    match: { type: aws_dynamodb_table }\n"
        "    require:\n"
        "      - { path: after.big, equals: never }\n"
        "    message: \"deep {after.deep} big {after.big}\"\n"
        "    remediation: \"was {before.deep}\"\n";
    /* the values sit 5 levels down ({ [ { { {): the whole document stays at the ceiling */
    size_t depth = PG_JSON_MAX_DEPTH_CEILING - 5, big = 5u * 1024u * 1024u, n = 2 * big + 8 * depth + 1024, o = 0, i, side;
    char *plan = malloc(n);
    pg_policy *policy = pg_test_policy_new();
    pg_check_options opts;
    const char *path;
    pg_report r;
    pg_error err;
    int rc;

    cr_assert(plan && policy);
    o += (size_t)snprintf(plan + o, n - o,
                          "{\"format_version\":\"1.2\",\"resource_changes\":[{\"address\":\"aws_dynamodb_table.t\","
                          "\"mode\":\"managed\",\"type\":\"aws_dynamodb_table\",\"name\":\"t\",\"change\":{"
                          "\"actions\":[\"update\"]");
    for (side = 0; side < 2; side++) {
        o += (size_t)snprintf(plan + o, n - o, ",\"%s\":{\"name\":\"t\",\"deep\":", side ? "after" : "before");
        for (i = 0; i < depth; i++)
            plan[o++] = '[';
        for (i = 0; i < depth; i++)
            plan[o++] = ']';
        o += (size_t)snprintf(plan + o, n - o, ",\"big\":\"");
        memset(plan + o, 'x', big);
        o += big;
        o += (size_t)snprintf(plan + o, n - o, "\"}");
    }
    o += (size_t)snprintf(plan + o, n - o, ",\"after_unknown\":{},\"before_sensitive\":{},\"after_sensitive\":{}}}]}");
    path = rpt_temp_file(plan, o, ".json", 0);
    free(plan);
    pg_error_clear(&err);
    cr_assert_eq(pg_policy_load_string(policy, "deep.yaml", policy_yaml, sizeof policy_yaml - 1, &err), 0, "%s",
                 err.message);
    memset(&opts, 0, sizeof opts);
    opts.plan_path = path;
    opts.policy = policy;
    opts.fail_on = PG_SEV_HIGH;
    opts.today = "2025-01-01";
    opts.limits.max_depth = PG_JSON_MAX_DEPTH_CEILING;
    rc = pg_check_run(&opts, &r, &err);
    unlink(path);
    cr_assert_eq(rc, 0, "check: %s", err.message);
    cr_assert_eq(r.findings.count, 1);
    render_bounded(&r, must_hold);
    pg_report_dispose(&r);
    pg_policy_free(policy);
}
