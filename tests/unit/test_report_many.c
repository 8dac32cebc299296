/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_report_many.c — pg_report_write_many (src/report/many.c): one plan is
 * exactly pg_report_write; several give one section per plan and an overall
 * verdict in every format; a multi-plan JSON holds each plan's one-plan
 * object; SARIF stays valid with a run per plan; the Markdown comment stays
 * within GitHub's limit with failing plans first and says what it cut; the
 * comment marker cannot be broken out of; the output is deterministic.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report/report_internal.h"
#include "support.h"
#include "test_report_support.h"

/* The one-plan comment's verdict headings (markdown.c). */
#define MD_PASS "\n### \xe2\x9c\x85 plangate: PASS"
#define MD_FAIL "\n### \xe2\x9d\x8c plangate: FAIL"
#define MD_ERROR " plangate: plan could not be read\n"

static char *render_many(const pg_report *const *rs, size_t n, pg_report_format format, size_t *len_out)
{
    pg_report_style st = {.color = 0, .quiet = 0, .version = "0.1.0"};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    pg_error err;
    int rc;

    cr_assert_not_null(f);
    pg_error_clear(&err);
    rc = pg_report_write_many(rs, n, format, &st, f, &err);
    cr_assert_eq(rc, 0, "pg_report_write_many(%s): %s", pg_report_format_name(format), err.message);
    cr_assert_eq(fclose(f), 0);
    cr_assert_not_null(buf);
    if (len_out)
        *len_out = len;
    return buf;
}

static size_t count(const char *s, const char *needle)
{
    size_t n = 0;

    for (s = strstr(s, needle); s; s = strstr(s + 1, needle))
        n++;
    return n;
}

/* Three reports: fail, pass, error, named a.json, b.json, c.json. */
static void three(pg_report rs[3], const pg_report *ptrs[3])
{
    static const char *const names[] = {"stacks/a.json", "stacks/b.json", "stacks/c.json"};
    size_t i;

    rpt_fixture_fail(&rs[0]);
    rpt_fixture_pass(&rs[1]);
    rpt_fixture_error(&rs[2]);
    for (i = 0; i < 3; i++) {
        free(rs[i].source);
        rs[i].source = strdup(names[i]);
        ptrs[i] = &rs[i];
    }
}

static void dispose_all(pg_report *rs, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        pg_report_dispose(&rs[i]);
}

Test(report_many, one_plan_is_the_one_plan_report)
{
    pg_report r;
    const pg_report *p = &r;
    int f;

    rpt_fixture_fail(&r);
    for (f = 0; f < (int)PG_FORMAT_COUNT_; f++) {
        size_t a_len, b_len;
        char *a = rpt_render(&r, (pg_report_format)f, 0, 0, &a_len);
        char *b = render_many(&p, 1, (pg_report_format)f, &b_len);
        cr_assert_eq(a_len, b_len, "%s", pg_report_format_name((pg_report_format)f));
        cr_assert(memcmp(a, b, a_len) == 0, "%s", pg_report_format_name((pg_report_format)f));
        free(a);
        free(b);
    }
    pg_report_dispose(&r);
}

Test(report_many, verdict_of_a_run)
{
    pg_report rs[3];
    const pg_report *p[3];

    three(rs, p);
    cr_assert_eq(pg_report_verdict_many(p, 0), PG_VERDICT_ERROR);
    cr_assert_eq(pg_report_verdict_many(p + 1, 1), PG_VERDICT_PASS);
    cr_assert_eq(pg_report_verdict_many(p, 2), PG_VERDICT_FAIL);
    cr_assert_eq(pg_report_verdict_many(p, 3), PG_VERDICT_ERROR);
    cr_assert_eq(pg_report_verdict_many(p + 1, 2), PG_VERDICT_ERROR);
    dispose_all(rs, 3);
}

Test(report_many, no_report_is_an_internal_error)
{
    pg_error err;
    FILE *f = fopen("/dev/null", "w");

    cr_assert_not_null(f);
    pg_error_clear(&err);
    cr_assert_eq(pg_report_write_many(NULL, 0, PG_FORMAT_TEXT, NULL, f, &err), PG_EINTERNAL);
    fclose(f);
}

Test(report_many, every_format_has_a_section_per_plan_and_is_deterministic)
{
    pg_report rs[3];
    const pg_report *p[3];
    size_t len, len2;
    char *out, *again;
    int f;

    three(rs, p);
    for (f = 0; f < (int)PG_FORMAT_COUNT_; f++) {
        out = render_many(p, 3, (pg_report_format)f, &len);
        again = render_many(p, 3, (pg_report_format)f, &len2);
        cr_assert(len == len2 && memcmp(out, again, len) == 0, "%s", pg_report_format_name((pg_report_format)f));
        cr_assert_eq(count(out, "stacks/a.json") >= 1 && count(out, "stacks/b.json") >= 1 &&
                         count(out, "stacks/c.json") >= 1,
                     1, "%s names every plan", pg_report_format_name((pg_report_format)f));
        cr_assert_null(rpt_forged_command(out, len, f == PG_FORMAT_GITHUB));
        switch (f) {
        case PG_FORMAT_TEXT:
            cr_assert_eq(count(out, "=== plan "), 3);
            cr_assert(strstr(out, "=== plan 1 of 3: stacks/a.json ===\n") <
                      strstr(out, "=== plan 2 of 3: stacks/b.json ===\n"));
            cr_assert(strstr(out, "\nERROR: 3 plans: 1 failed, 1 unreadable, 1 passed\n"), "%s", out);
            break;
        case PG_FORMAT_JUNIT:
            cr_assert_eq(count(out, "<testsuite name="), 3);
            cr_assert(strstr(out, "<testsuites name=\"plangate\""));
            break;
        case PG_FORMAT_GITHUB:
            cr_assert(strstr(out, "plangate: plan 3 of 3: stacks/c.json\n"), "%s", out);
            cr_assert(strstr(out, "plangate: ERROR: 3 plans: 1 failed, 1 unreadable, 1 passed\n"), "%s", out);
            break;
        case PG_FORMAT_MARKDOWN:
            cr_assert(strncmp(out, "<!-- plangate -->\n", 18) == 0, "%.80s", out);
            cr_assert_eq(count(out, "\n### "), 3, "a verdict heading per plan");
            /* unreadable, then failing, then passing */
            cr_assert(strstr(out, MD_ERROR) < strstr(out, MD_FAIL));
            cr_assert(strstr(out, MD_FAIL) && strstr(out, MD_FAIL) < strstr(out, MD_PASS));
            cr_assert_eq(count(out, "<sub>plangate "), 1, "one footer");
            cr_assert_eq(count(out, "<!-- plangate"), 1, "one marker");
            break;
        default: break;
        }
        free(out);
        free(again);
    }
    dispose_all(rs, 3);
}

Test(report_many, json_holds_each_one_plan_object)
{
    pg_report rs[3];
    const pg_report *p[3];
    json_error_t e;
    json_t *doc, *plans;
    size_t len, i;
    char *out;

    three(rs, p);
    out = render_many(p, 3, PG_FORMAT_JSON, &len);
    doc = json_loadb(out, len, 0, &e);
    cr_assert(doc, "%s", e.text);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "verdict")), "error");
    cr_assert_eq(json_integer_value(json_object_get(doc, "exit_code")), 3);
    cr_assert_null(json_object_get(doc, "audit"));
    plans = json_object_get(doc, "plans");
    cr_assert_eq(json_array_size(plans), 3);
    for (i = 0; i < 3; i++) {
        size_t one_len;
        char *one = rpt_render(p[i], PG_FORMAT_JSON, 0, 0, &one_len);
        json_t *want = json_loadb(one, one_len, 0, &e), *got = json_deep_copy(json_array_get(plans, i));
        cr_assert(want, "%s", e.text);
        cr_assert_str_eq(json_string_value(json_object_get(got, "path")), p[i]->source);
        json_object_del(got, "path");
        cr_assert(json_equal(want, got), "plan %zu is not its one-plan object", i);
        json_decref(want);
        json_decref(got);
        free(one);
    }
    json_decref(doc);
    free(out);
    dispose_all(rs, 3);
}

Test(report_many, audit_and_title_are_the_runs)
{
    pg_report rs[3];
    const pg_report *p[3];
    size_t len, i;
    char *out;

    three(rs, p);
    for (i = 0; i < 3; i++) {
        rs[i].audit = 1;
        rs[i].title = strdup("platform");
    }
    out = render_many(p, 2, PG_FORMAT_JSON, &len); /* fail and pass: exit 0 in audit mode */
    cr_assert(strstr(out, "\"title\": \"platform\",\n  \"verdict\": \"fail\",\n  \"exit_code\": 0,"), "%s", out);
    cr_assert(strstr(out, "\"audit\": true,\n  \"summary\""), "%s", out);
    cr_assert_eq(count(out, "\"title\""), 1, "the title once, for the run");
    free(out);
    out = render_many(p, 2, PG_FORMAT_TEXT, &len);
    cr_assert(strncmp(out, "plangate: platform\n", 19) == 0, "%.80s", out);
    cr_assert(strstr(out, "\nAUDIT: would fail: 1 of 2 plans ("), "%s", out);
    cr_assert_eq(count(out, "AUDIT"), 1, "%s", out);
    free(out);
    out = render_many(p, 3, PG_FORMAT_MARKDOWN, &len);
    cr_assert(strncmp(out, "<!-- plangate: platform -->\n## platform\n", 40) == 0, "%.80s", out);
    cr_assert(strstr(out, "AUDIT: 1 of 3 plans could not be evaluated"), "%s", out);
    free(out);
    out = render_many(p, 3, PG_FORMAT_SARIF, &len);
    cr_assert(strstr(out, "\"id\": \"plangate/platform/stacks/a.json/\""), "%s", out);
    cr_assert(strstr(out, "\"plangateFinding/v2\": \"platform|stacks/a.json|"), "%s", out);
    free(out);
    dispose_all(rs, 3);
}

static int have_schema(char *schema, size_t size)
{
    snprintf(schema, size, "%s/schemas/sarif-schema-2.1.0.json", PG_SHARED);
    return access(schema, R_OK) == 0 && access("/usr/bin/python3", X_OK) == 0 &&
           system("/usr/bin/python3 -c 'import jsonschema' >/dev/null 2>&1") == 0;
}

Test(report_many, sarif_has_a_run_per_plan_and_stays_valid)
{
    pg_report rs[3];
    const pg_report *p[3];
    char schema[512], cmd[2048];
    json_error_t e;
    json_t *doc, *runs;
    size_t len, i;
    char *out;

    three(rs, p);
    free(rs[1].artifact);
    rs[1].artifact = strdup("infra/b/plan.json");
    out = render_many(p, 3, PG_FORMAT_SARIF, &len);
    doc = json_loadb(out, len, 0, &e);
    cr_assert(doc, "%s", e.text);
    runs = json_object_get(doc, "runs");
    cr_assert_eq(json_array_size(runs), 3);
    for (i = 0; i < 3; i++) {
        json_t *run = json_array_get(runs, i);
        json_t *loc = json_object_get(json_array_get(json_object_get(run, "artifacts"), 0), "location");
        const char *id = json_string_value(json_object_get(json_object_get(run, "automationDetails"), "id"));
        cr_assert(id && strncmp(id, "plangate/", 9) == 0 && id[strlen(id) - 1] == '/', "%s", id ? id : "(none)");
        if (i == 1) {
            /* relative to the repository root, as the CLI found it */
            cr_assert_str_eq(json_string_value(json_object_get(loc, "uri")), "infra/b/plan.json");
            cr_assert_str_eq(json_string_value(json_object_get(loc, "uriBaseId")), "%SRCROOT%");
            cr_assert_str_eq(id, "plangate/infra/b/plan.json/");
        } else {
            cr_assert_null(json_object_get(loc, "uriBaseId"));
        }
    }
    /* every rule has a security-severity and tags */
    {
        json_t *rules = json_object_get(json_object_get(json_object_get(json_array_get(runs, 0), "tool"), "driver"),
                                        "rules");
        cr_assert_gt(json_array_size(rules), 0);
        for (i = 0; i < json_array_size(rules); i++) {
            json_t *props = json_object_get(json_array_get(rules, i), "properties");
            cr_assert(json_is_string(json_object_get(props, "security-severity")));
            cr_assert(json_is_array(json_object_get(props, "tags")));
        }
    }
    json_decref(doc);
    if (have_schema(schema, sizeof schema)) {
        const char *path = rpt_temp_file(out, len, ".sarif", 0);
        int status;
        snprintf(cmd, sizeof cmd,
                 "/usr/bin/python3 -c 'import json,sys,jsonschema; "
                 "jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' '%s' '%s' 2>&1",
                 schema, path);
        status = system(cmd);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "SARIF does not validate against %s", schema);
    }
    free(out);
    dispose_all(rs, 3);
}

Test(report_many, markdown_stays_within_the_limit_failing_first)
{
    enum { N = 12 };
    pg_report rs[N];
    const pg_report *p[N];
    size_t len, i;
    char *out, name[32];

    /* big failing plans at the end of the arguments, small passing ones first */
    for (i = 0; i < N; i++) {
        if (i < 4)
            rpt_fixture_pass(&rs[i]);
        else
            rpt_fixture_big(&rs[i], 400, 300);
        free(rs[i].source);
        snprintf(name, sizeof name, "s%02zu.json", i);
        rs[i].source = strdup(name);
        p[i] = &rs[i];
    }
    cr_assert_eq(rs[N - 1].verdict, PG_VERDICT_FAIL);
    out = render_many(p, N, PG_FORMAT_MARKDOWN, &len);
    cr_assert_lt(len, 65536u);
    /* the failing plans first: the first big plan is in full (its own
     * table), the rest compact, and every plan has its heading */
    cr_assert(strstr(out, "`s04.json`") < strstr(out, "`s00.json`"), "failing first");
    cr_assert_eq(count(out, "\n### "), N, "every plan is shown");
    cr_assert(strstr(out, "Its details are cut to keep this comment within GitHub's 65,536-character limit"));
    cr_assert(strstr(out, "are cut to keep this comment within GitHub"), "a line says what was cut");
    free(out);
    dispose_all(rs, N);
}

Test(report_many, markdown_counts_the_plans_it_cannot_show)
{
    enum { N = 400 };
    pg_report *rs = calloc(N, sizeof *rs);
    const pg_report **p = calloc(N, sizeof *p);
    size_t len, i;
    char *out, name[300];

    cr_assert(rs && p);
    for (i = 0; i < N; i++) {
        rpt_fixture_pass(&rs[i]);
        free(rs[i].source);
        /* long paths: the compact sections of 400 plans do not fit */
        snprintf(name, sizeof name, "stacks/%0200zu/plan.json", i);
        rs[i].source = strdup(name);
        p[i] = &rs[i];
    }
    out = render_many(p, N, PG_FORMAT_MARKDOWN, &len);
    cr_assert_lt(len, 65536u);
    cr_assert(strstr(out, "more plans (0 failing or unreadable) not shown"), "%.300s", out + len - 300);
    cr_assert_null(rpt_raw_unsafe(out, len, 0));
    free(out);
    dispose_all(rs, N);
    free(rs);
    free(p);
}

static char *marker(const char *title)
{
    pg_report__out o;
    char *s;

    pg_report__out_memory(&o, NULL);
    pg_report__md_marker(&o, title);
    cr_assert(!pg_report__out_failed(&o));
    s = strdup(pg_report__out_text(&o));
    pg_report__out_dispose(&o);
    return s;
}

Test(report_many, the_marker_cannot_be_broken_out_of)
{
    static const char *const hostile[] = {
        "-->", "--!>", "a--b", "---", "-", "x-", "<!--", "a\nb\rc\td", "&lt;", "##[group]x",
        RPT_HOSTILE, "\xff\xfe bad utf-8 \xc3", "--\xe2\x80\x94-->",
    };
    size_t i;
    char *m;

    m = marker(NULL);
    cr_assert_str_eq(m, "<!-- plangate -->\n");
    free(m);
    m = marker("prod-eu-west-1 (stack A)");
    cr_assert_str_eq(m, "<!-- plangate: prod-eu-west-1 (stack A) -->\n");
    free(m);
    m = marker("a--b-->");
    cr_assert_str_eq(m, "<!-- plangate: a-&#45;b-&#45;&gt; -->\n");
    free(m);
    for (i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        size_t len;
        char *inner;
        m = marker(hostile[i]);
        len = strlen(m);
        cr_assert(strncmp(m, "<!-- plangate: ", 15) == 0 && len > 20 && strcmp(m + len - 5, " -->\n") == 0, "%s", m);
        inner = strndup(m + 4, len - 9);
        cr_assert_null(strstr(inner, "--"), "%s", m);
        cr_assert_null(strchr(inner, '>'), "%s", m);
        cr_assert_null(strchr(inner, '<'), "%s", m);
        cr_assert_null(strchr(inner, '\n'), "%s", m);
        cr_assert_null(strstr(inner, "##["), "%s", m);
        cr_assert(rpt_valid_utf8(m, len), "%s", m);
        cr_assert_null(rpt_raw_unsafe(m, len, 0), "%s", m);
        free(inner);
        free(m);
    }
}

Test(report_many, github_annotations_are_capped_across_plans)
{
    enum { N = 3 };
    pg_report rs[N];
    const pg_report *p[N];
    size_t len, i, errors = 0;
    char *out, name[32];
    const char *line;

    for (i = 0; i < N; i++) {
        rpt_fixture_big(&rs[i], 40, 50);
        free(rs[i].source);
        snprintf(name, sizeof name, "s%zu.json", i);
        rs[i].source = strdup(name);
        p[i] = &rs[i];
    }
    out = render_many(p, N, PG_FORMAT_GITHUB, &len);
    for (line = out; line; line = strchr(line, '\n'), line = line ? line + 1 : NULL)
        errors += strncmp(line, "::error ", 8) == 0;
    cr_assert_eq(errors, 10, "the one-plan cap holds across the plans: %zu", errors);
    cr_assert_eq(count(out, "::notice title=plangate%3A "), 1, "one notice for the rest: %s", out);
    cr_assert(strstr(out, " more in 3 plans, see the job summary ("), "%s", out);
    cr_assert_null(rpt_forged_command(out, len, 1));
    free(out);
    dispose_all(rs, N);
}
