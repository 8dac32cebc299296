/* test_report_formats.c — what each format promises beyond its golden files:
 * the JSON schema shape, SARIF against the official schema, JUnit parsed
 * back, workflow-command and Markdown structure under hostile input, the
 * text layout, caps and limits, write failures, and that no format prints
 * more than the redacted model holds. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report/report_internal.h"
#include "util/utf8.h"
#include "support.h"
#include "test_report_support.h"

static const pg_report_format all_formats[] = {PG_FORMAT_TEXT,  PG_FORMAT_JSON,   PG_FORMAT_SARIF,
                                               PG_FORMAT_JUNIT, PG_FORMAT_GITHUB, PG_FORMAT_MARKDOWN};
#define N_FORMATS (sizeof all_formats / sizeof all_formats[0])

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0, k = strlen(needle);
    const char *p = hay;

    while ((p = strstr(p, needle)) != NULL) {
        n++;
        p += k;
    }
    return n;
}

/* MARK: dispatch */

Test(report_dispatch, format_names)
{
    size_t i;

    for (i = 0; i < N_FORMATS; i++)
        cr_assert_eq(pg_report_format_from_name(pg_report_format_name(all_formats[i])), (int)all_formats[i]);
    cr_assert_str_eq(pg_report_format_name(PG_FORMAT_TEXT), "text");
    cr_assert_str_eq(pg_report_format_name(PG_FORMAT_MARKDOWN), "markdown");
    cr_assert_eq(pg_report_format_from_name("xml"), -1);
    cr_assert_eq(pg_report_format_from_name("JSON"), -1);
    cr_assert_eq(pg_report_format_from_name(NULL), -1);
    cr_assert_str_eq(pg_report_format_name(PG_FORMAT_COUNT_), "unknown");
}

Test(report_dispatch, unknown_format_is_an_internal_error)
{
    pg_report r;
    pg_error err;

    rpt_fixture_pass(&r);
    pg_error_clear(&err);
    cr_assert_eq(pg_report_write(&r, PG_FORMAT_COUNT_, NULL, stdout, &err), PG_EINTERNAL);
    pg_report_dispose(&r);
}

Test(report_dispatch, write_failure_is_eio_in_every_format)
{
    pg_report r;
    size_t i;

    rpt_fixture_fail(&r);
    for (i = 0; i < N_FORMATS; i++) {
        FILE *full = fopen("/dev/full", "w");
        pg_error err;
        if (!full)
            cr_skip_test("/dev/full is absent");
        pg_error_clear(&err);
        cr_assert_eq(pg_report_write(&r, all_formats[i], NULL, full, &err), PG_EIO, "%s",
                     pg_report_format_name(all_formats[i]));
        cr_assert(strstr(err.message, "cannot write") != NULL, "%s", err.message);
        fclose(full);
    }
    pg_report_dispose(&r);
}

Test(report_dispatch, null_style_is_plain)
{
    pg_report r;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    pg_error err;

    rpt_fixture_fail(&r);
    cr_assert_eq(pg_report_write(&r, PG_FORMAT_TEXT, NULL, f, &err), 0);
    fclose(f);
    cr_assert_null(strchr(buf, '\033'), "no colour without a style");
    free(buf);
    pg_report_dispose(&r);
}

/* MARK: json */

static json_t *render_json(const pg_report *r)
{
    size_t len;
    char *out = rpt_render(r, PG_FORMAT_JSON, 0, 0, &len);
    json_error_t jerr;
    json_t *v = json_loadb(out, len, JSON_ALLOW_NUL, &jerr); /* a value may hold a NUL */

    cr_assert_not_null(v, "json report does not parse: %s", jerr.text);
    free(out);
    return v;
}

static void assert_keys(const json_t *obj, const char *const *keys)
{
    const char *key;
    json_t *val;
    size_t i = 0;

    /* jansson keeps insertion order when iterating (since 2.8) */
    json_object_foreach((json_t *)(uintptr_t)obj, key, val) {
        (void)val;
        cr_assert_not_null(keys[i], "unexpected key %s", key);
        cr_assert_str_eq(key, keys[i]);
        i++;
    }
    cr_assert_null(keys[i], "missing key %s", keys[i]);
}

Test(report_json, keys_in_documented_order)
{
    static const char *const top[] = {"schema", "plangate_version", "plan", "verdict", "fail_on", "findings",
                                      "waivers", "weakened", "drift", "destroys", "moves", "deposed", "imports", "forgotten", "totals",
                                      "errors", NULL};
    static const char *const plan[] = {"format_version", "terraform_version", "summary", "resource_changes",
                                       "errored", "complete", "applyable", NULL};
    static const char *const summary[] = {"create", "update", "replace", "delete", "read", "no-op", "forget", NULL};
    static const char *const finding[] = {"rule", "severity", "address", "type", "actions", "action",
                                          "action_reason", "message", "evidence", "remediation", "waived",
                                          "waiver_reason", "waiver_owner", "waiver_expired", "cause", "forced_by", NULL};
    static const char *const waiver[] = {"rule", "address", "status", "reason", "owner", "expires", "origin",
                                         "source", NULL};
    pg_report r;
    json_t *v;
    size_t i;

    rpt_fixture_fail(&r);
    v = render_json(&r);
    assert_keys(v, top);
    assert_keys(json_object_get(v, "plan"), plan);
    assert_keys(json_object_get(json_object_get(v, "plan"), "summary"), summary);
    for (i = 0; i < json_array_size(json_object_get(v, "findings")); i++)
        assert_keys(json_array_get(json_object_get(v, "findings"), i), finding);
    for (i = 0; i < json_array_size(json_object_get(v, "waivers")); i++)
        assert_keys(json_array_get(json_object_get(v, "waivers"), i), waiver);
    cr_assert_str_eq(json_string_value(json_object_get(v, "schema")), "plangate/report/v1");
    cr_assert_str_eq(json_string_value(json_object_get(v, "verdict")), "fail");
    cr_assert_eq(json_array_size(json_object_get(v, "errors")), 0);
    cr_assert_eq(json_array_size(json_object_get(v, "findings")), r.findings.count);
    json_decref(v);
    pg_report_dispose(&r);
}

Test(report_json, values)
{
    pg_report r;
    json_t *v, *f0, *ev, *w;

    rpt_fixture_fail(&r);
    v = render_json(&r);
    /* by consequence, grouped by rule: the key replacement of the protected orders table first */
    f0 = json_array_get(json_object_get(v, "findings"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(f0, "address")), "aws_dynamodb_table.orders");
    cr_assert_str_eq(json_string_value(json_object_get(f0, "cause")), "forced by: hash_key, attribute[0].type");
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(f0, "forced_by"), 1)), "attribute[0].type");
    cr_assert_str_eq(json_string_value(json_object_get(f0, "rule")), "dynamodb-key-replacement");
    cr_assert_str_eq(json_string_value(json_object_get(f0, "severity")), "critical");
    cr_assert_str_eq(json_string_value(json_object_get(f0, "action")), "replace");
    cr_assert_eq(json_array_size(json_object_get(f0, "actions")), 2);
    ev = json_array_get(json_object_get(f0, "evidence"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(ev, "path")), "hash_key");
    w = json_array_get(json_object_get(v, "waivers"), 2);
    cr_assert_str_eq(json_string_value(json_object_get(w, "status")), "expired");
    cr_assert(json_is_null(json_object_get(json_array_get(json_object_get(v, "waivers"), 1), "owner")));
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(v, "totals"), "destroys")), 5);
    /* destroys: protected and data loss (orders, legacy[0]: a blocking finding), then replaces (cache) */
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(v, "destroys"), 0), "cause")),
                     "forced by: hash_key, attribute[0].type");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(v, "destroys"), 1), "address")),
                     "aws_dynamodb_table.legacy[0]");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(v, "destroys"), 2),
                                                       "replace_order")),
                     "create-before-destroy");
    json_decref(v);
    pg_report_dispose(&r);
}

Test(report_json, nulls_and_unknown_counts)
{
    pg_report r;
    json_t *v, *plan;

    rpt_fixture_empty_error(&r);
    v = render_json(&r);
    plan = json_object_get(v, "plan");
    cr_assert(json_is_null(json_object_get(plan, "format_version")));
    cr_assert(json_is_null(json_object_get(plan, "terraform_version")));
    cr_assert(json_is_null(json_object_get(plan, "complete")), "-1 is null");
    cr_assert_null(json_object_get(json_object_get(plan, "summary"), "unknown"), "unknown only when non-zero");
    cr_assert_str_eq(json_string_value(json_object_get(v, "verdict")), "error");
    cr_assert_eq(json_array_size(json_object_get(v, "errors")), 1);
    json_decref(v);
    r.plan.counts[PG_ACTION_UNKNOWN] = 2;
    v = render_json(&r);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(json_object_get(v, "plan"), "summary"),
                                                    "unknown")),
                 2);
    json_decref(v);
    pg_report_dispose(&r);
}

Test(report_json, hostile_strings_round_trip)
{
    pg_report r;
    json_t *v, *d;
    size_t len;
    char *out;

    rpt_fixture_hostile(&r);
    out = rpt_render(&r, PG_FORMAT_JSON, 0, 0, &len);
    cr_assert(rpt_valid_utf8(out, len));
    cr_assert_null(memchr(out, '\x1b', len), "controls are \\u-escaped");
    free(out);
    v = render_json(&r);
    d = json_array_get(json_object_get(v, "destroys"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(d, "address")), "aws_s3_bucket.b[\"" RPT_HOSTILE "\"]");
    cr_assert_not_null(strstr(json_string_value(json_object_get(
                                  json_array_get(json_object_get(v, "findings"), 2), "message")),
                              "\xef\xbf\xbd"),
                       "invalid UTF-8 replaced");
    json_decref(v);
    pg_report_dispose(&r);
}

Test(report_json, non_ascii_kept)
{
    pg_report r;
    size_t len;
    char *out;

    rpt_fixture_fail(&r);
    out = rpt_render(&r, PG_FORMAT_JSON, 0, 0, &len);
    cr_assert_not_null(strstr(out, "→"), "UTF-8 kept, not \\u-escaped");
    cr_assert_not_null(strstr(out, "\n  \"plan\": {\n    \"format_version\": \"1.2\""), "two-space indent");
    free(out);
    pg_report_dispose(&r);
}

/* MARK: sarif */

static int have_python_jsonschema(void)
{
    return access("/usr/bin/python3", X_OK) == 0 &&
           system("/usr/bin/python3 -c 'import jsonschema' >/dev/null 2>&1") == 0;
}

static void validate_sarif(const pg_report *r)
{
    char schema[512], cmd[2048];
    size_t len;
    char *out = rpt_render(r, PG_FORMAT_SARIF, 0, 0, &len);
    const char *path = rpt_temp_file(out, len, ".sarif", 0);
    int status;

    snprintf(schema, sizeof schema, "%s/schemas/sarif-schema-2.1.0.json", PG_SHARED);
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c 'import json,sys,jsonschema; "
             "jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' '%s' '%s' 2>&1",
             schema, path);
    status = system(cmd);
    unlink(path);
    free(out);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "SARIF does not validate against %s", schema);
}

static void need_schema(void)
{
    char schema[512];

    snprintf(schema, sizeof schema, "%s/schemas/sarif-schema-2.1.0.json", PG_SHARED);
    if (access(schema, R_OK) != 0)
        cr_skip_test("%s is absent", schema);
    if (!have_python_jsonschema())
        cr_skip_test("python3-jsonschema is not installed");
}

Test(report_sarif, validates_against_the_official_schema)
{
    void (*fixtures[])(pg_report *) = {rpt_fixture_pass, rpt_fixture_fail, rpt_fixture_error,
                                       rpt_fixture_empty_error, rpt_fixture_hostile};
    size_t i;

    need_schema();
    for (i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++) {
        pg_report r;
        fixtures[i](&r);
        validate_sarif(&r);
        pg_report_dispose(&r);
    }
}

Test(report_sarif, the_validator_catches_a_broken_log)
{
    /* The schema check above could fail: a log without "version" does not validate. */
    char schema[512], cmd[2048];
    const char *path;
    int status;

    need_schema();
    path = rpt_temp_file("{\"runs\": []}", 12, ".sarif", 0);
    snprintf(schema, sizeof schema, "%s/schemas/sarif-schema-2.1.0.json", PG_SHARED);
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c 'import json,sys,jsonschema; "
             "jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' '%s' '%s' "
             ">/dev/null 2>&1",
             schema, path);
    status = system(cmd);
    unlink(path);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) != 0);
}

Test(report_sarif, rules_levels_suppressions)
{
    pg_report r;
    size_t len, i;
    char *out;
    json_t *v, *run, *rules, *results;

    rpt_fixture_fail(&r);
    out = rpt_render(&r, PG_FORMAT_SARIF, 0, 0, &len);
    v = json_loadb(out, len, JSON_ALLOW_NUL, NULL);
    cr_assert_not_null(v);
    run = json_array_get(json_object_get(v, "runs"), 0);
    rules = json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules");
    results = json_object_get(run, "results");
    cr_assert_eq(json_array_size(rules), r.n_rules, "every catalogue entry, none invented");
    cr_assert_eq(json_array_size(results), r.findings.count);
    for (i = 0; i < json_array_size(results); i++) {
        json_t *res = json_array_get(results, i);
        const pg_finding *f = r.findings.items[i];
        json_int_t idx = json_integer_value(json_object_get(res, "ruleIndex"));
        const char *level = json_string_value(json_object_get(res, "level"));
        cr_assert_str_eq(json_string_value(json_object_get(json_array_get(rules, (size_t)idx), "id")), f->rule);
        cr_assert_str_eq(level, f->severity >= PG_SEV_HIGH ? "error" : f->severity == PG_SEV_MEDIUM ? "warning" : "note");
        cr_assert_eq(json_object_get(res, "suppressions") != NULL, f->waived != 0);
    }
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(json_array_get(rules, 0),
                                                                        "shortDescription"), "text")),
                     r.rules[0].title);
    cr_assert_null(strstr(out, "\"time"), "no timestamps");
    json_decref(v);
    free(out);
    pg_report_dispose(&r);
}

Test(report_sarif, unknown_rule_gets_an_entry_and_artifact_is_encoded)
{
    pg_report r;
    size_t len;
    char *out;
    json_t *v, *run, *rules;

    rpt_fixture_hostile(&r);
    out = rpt_render(&r, PG_FORMAT_SARIF, 0, 0, &len);
    v = json_loadb(out, len, JSON_ALLOW_NUL, NULL);
    cr_assert_not_null(v);
    run = json_array_get(json_object_get(v, "runs"), 0);
    rules = json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules");
    cr_assert_eq(json_array_size(rules), 3, "1 catalogue entry + 2 ids only findings name");
    {
        const char *want = "dir%20with%20space/%3Cplan%3E&%22x%22a%22b'c%3Cd%3E&e%0Af::error::g%250Ah,i:j%7Ck%60l";
        const char *uri = json_string_value(
            json_object_get(json_object_get(json_array_get(json_object_get(run, "artifacts"), 0), "location"), "uri"));
        cr_assert_eq(strncmp(uri, want, strlen(want)), 0, "every byte a URI may not hold is percent-encoded: %s", uri);
    }
    cr_assert_eq(json_is_false(json_object_get(json_array_get(json_object_get(run, "invocations"), 0),
                                               "executionSuccessful")), 1);
    json_decref(v);
    free(out);
    pg_report_dispose(&r);
}

Test(report_sarif, results_are_capped_for_code_scanning)
{
    pg_report r;
    size_t len;
    char *out;
    json_t *v, *run;

    rpt_fixture_big(&r, 25003, 4);
    out = rpt_render(&r, PG_FORMAT_SARIF, 0, 0, &len);
    v = json_loadb(out, len, JSON_ALLOW_NUL, NULL);
    cr_assert_not_null(v);
    run = json_array_get(json_object_get(v, "runs"), 0);
    cr_assert_eq(json_array_size(json_object_get(run, "results")), 25000, "GitHub rejects more than 25 000");
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(run, "properties"), "results_omitted")), 3);
    cr_assert_not_null(strstr(out, "3 less severe findings are not in this log"));
    json_decref(v);
    free(out);
    pg_report_dispose(&r);
}

/* MARK: junit */

static void xmllint_ok(const char *xml, size_t len)
{
    const char *path;
    char cmd[512];
    int status;

    if (access("/usr/bin/xmllint", X_OK) != 0) {
        /* structural check: balanced testcase tags, no raw < inside attribute values */
        cr_assert_eq(count_of(xml, "<testcase "), count_of(xml, "</testcase>") + count_of(xml, "\"/>\n") - 4);
        return;
    }
    path = rpt_temp_file(xml, len, ".xml", 1);
    snprintf(cmd, sizeof cmd, "/usr/bin/xmllint --noout '%s'", path);
    status = system(cmd);
    unlink(path);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "xmllint rejects the JUnit report");
}

Test(report_junit, well_formed_for_every_fixture)
{
    void (*fixtures[])(pg_report *) = {rpt_fixture_pass, rpt_fixture_fail, rpt_fixture_error,
                                       rpt_fixture_empty_error, rpt_fixture_hostile};
    size_t i, len;

    for (i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++) {
        pg_report r;
        char *out;
        fixtures[i](&r);
        out = rpt_render(&r, PG_FORMAT_JUNIT, 0, 0, &len);
        xmllint_ok(out, len);
        free(out);
        pg_report_dispose(&r);
    }
}

Test(report_junit, the_parser_catches_broken_xml)
{
    const char bad[] = "<testsuites><testcase name=\"a<b\"/></testsuites>";
    const char *path;
    char cmd[512];
    int status;

    if (access("/usr/bin/xmllint", X_OK) != 0)
        cr_skip_test("xmllint is absent");
    path = rpt_temp_file(bad, sizeof bad - 1, ".xml", 1);
    snprintf(cmd, sizeof cmd, "/usr/bin/xmllint --noout '%s' 2>/dev/null", path);
    status = system(cmd);
    unlink(path);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) != 0);
}

Test(report_junit, same_rule_and_address_merge)
{
    pg_report r;
    pg_finding *f;
    size_t len;
    char *out;

    rpt_fixture_pass(&r);
    f = rpt_finding(&r, "lock-table-pitr", PG_SEV_CRITICAL,
                    "{'address':'aws_dynamodb_table.locks','type':'aws_dynamodb_table','change':{'actions':['update']}}",
                    "second finding on the same resource");
    (void)f;
    pg_findings_sort(&r.findings);
    out = rpt_render(&r, PG_FORMAT_JUNIT, 0, 0, &len);
    cr_assert_eq(count_of(out, "<testcase "), 2, "3 findings, 2 rule x address pairs:\n%s", out);
    cr_assert_eq(count_of(out, "<failure "), 1);
    cr_assert_not_null(strstr(out, "(2 findings)\" type=\"critical\""));
    cr_assert_not_null(strstr(out, "tests=\"2\" failures=\"1\" errors=\"0\""));
    xmllint_ok(out, len);
    free(out);
    pg_report_dispose(&r);
}

Test(report_junit, no_findings_is_one_passing_case)
{
    pg_report r;
    char *out;

    rpt_fixture_pass(&r);
    pg_findings_dispose(&r.findings);
    pg_findings_init(&r.findings);
    out = rpt_render(&r, PG_FORMAT_JUNIT, 0, 0, NULL);
    cr_assert_eq(count_of(out, "<testcase "), 1);
    cr_assert_not_null(strstr(out, "<testcase classname=\"plangate\" name=\"plan\" time=\"0\"/>"));
    cr_assert_not_null(strstr(out, "tests=\"1\" failures=\"0\" errors=\"0\""));
    free(out);
    pg_report_dispose(&r);
}

/* MARK: github */

Test(report_github, every_line_is_a_command_or_starts_with_a_fixed_word)
{
    pg_report r;
    size_t len;
    char *out, *line, *save = NULL;
    size_t lines = 0;

    rpt_fixture_hostile(&r);
    out = rpt_render(&r, PG_FORMAT_GITHUB, 0, 0, &len);
    for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        int ok = strncmp(line, "::error title=", 14) == 0 || strncmp(line, "::warning title=", 16) == 0 ||
                 strncmp(line, "::notice title=", 15) == 0 || strncmp(line, "::group::", 9) == 0 ||
                 strcmp(line, "::endgroup::") == 0 || strncmp(line, "plangate: ", 10) == 0 ||
                 strncmp(line, "replace  ", 9) == 0;
        cr_assert(ok, "unexpected line: %s", line);
        cr_assert_null(strchr(line, '\r'));
        lines++;
    }
    /* group + 1 destroy + endgroup + 1 blocking finding + 1 notice for the
     * 2 others + 1 error + verdict */
    cr_assert_eq(lines, 7, "a hostile newline started a line of its own");
    free(out);
    pg_report_dispose(&r);
}

Test(report_github, properties_end_at_the_separator)
{
    pg_report r;
    char *out, *p;

    rpt_fixture_hostile(&r);
    out = rpt_render(&r, PG_FORMAT_GITHUB, 0, 0, NULL);
    for (p = strstr(out, "::error title="); p; p = strstr(p + 1, "\n::error title=")) {
        const char *props = strstr(p, "title=") + 6;
        const char *sep = strstr(props, "::");
        const char *eol = strchr(props, '\n');
        const char *c;
        cr_assert_not_null(sep);
        cr_assert(sep < eol);
        for (c = props; c < sep; c++)
            cr_assert(*c != ':' && *c != ',', "raw %c in a property", *c);
    }
    free(out);
    pg_report_dispose(&r);
}

Test(report_github, severities_map_to_commands)
{
    pg_report r;
    char *out;

    rpt_fixture_fail(&r);
    out = rpt_render(&r, PG_FORMAT_GITHUB, 0, 0, NULL);
    /* 4 blocking (3 critical + 1 high) annotated; 1 waived and 2 below high
     * only counted, in one notice (the job summary has them) */
    cr_assert_eq(count_of(out, "\n::error title="), 4);
    cr_assert_eq(count_of(out, "\n::notice title="), 1);
    cr_assert_eq(count_of(out, "\n::warning title="), 0);
    cr_assert_not_null(strstr(out, "\n::notice title=plangate%3A 3 more findings::… and 3 more, see the job "
                                   "summary (2 below the threshold, 1 waived)\n"));
    cr_assert_not_null(strstr(out, "::error title=dynamodb-key-replacement%3A aws_dynamodb_table.orders::[critical] "));
    cr_assert_not_null(strstr(out, "%0AFix: Add a moved block:%0A  moved {%0A"));
    cr_assert_not_null(strstr(out, "plangate: FAIL: 4 findings at or above high (1 waived, 2 below the threshold)\n"));
    free(out);
    pg_report_dispose(&r);
}

/* MARK: markdown */

/* Pipes that split a GFM table cell: not preceded by a backslash. */
static size_t cell_pipes(const char *line, size_t n)
{
    size_t i, pipes = 0;

    for (i = 0; i < n; i++)
        if (line[i] == '|' && (i == 0 || line[i - 1] != '\\'))
            pipes++;
    return pipes;
}

/* Blank the content of every code span (a run of N backticks up to the next
 * run of exactly N on the same line), as CommonMark reads them. */
static void blank_code_spans(char *s)
{
    char *p = s;

    while ((p = strchr(p, '`')) != NULL) {
        size_t n = 0, m, slashes = 0;
        char *q;
        while (p - slashes > s && p[-1 - (ptrdiff_t)slashes] == '\\')
            slashes++;
        if (slashes % 2) { /* "\`" is a literal backtick: it opens no span */
            p++;
            continue;
        }
        while (p[n] == '`')
            n++;
        for (q = p + n; *q && *q != '\n'; q += m) {
            m = 1;
            if (*q == '`') {
                m = 0;
                while (q[m] == '`')
                    m++;
                if (m == n)
                    break;
            }
        }
        if (*q != '`') { /* no closing run: literal backticks */
            p += n;
            continue;
        }
        memset(p + n, ' ', (size_t)(q - p) - n);
        p = q + n;
    }
}

Test(report_markdown, hostile_rows_keep_their_shape)
{
    pg_report r;
    size_t len;
    char *out;
    const char *p;
    size_t rows = 0;

    rpt_fixture_hostile(&r);
    r.verdict = PG_VERDICT_FAIL; /* ERROR's Markdown shows only the errors */
    out = rpt_render(&r, PG_FORMAT_MARKDOWN, 0, 0, &len);
    for (p = out; *p;) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        if (n > 0 && p[0] == '|') {
            size_t pipes = cell_pipes(p, n);
            cr_assert(pipes >= 2 && pipes <= 6, "row with %zu pipes: %.*s", pipes, (int)n, p);
            rows++;
        }
        p += n + (eol ? 1 : 0);
    }
    cr_assert_gt(rows, 8);
    /* Outside code spans (where GitHub shows text literally) nothing is live. */
    blank_code_spans(out);
    cr_assert_null(strstr(out, "<script>"), "raw HTML outside a code span");
    cr_assert_null(strstr(out, "@everyone"), "a mention survived");
    cr_assert_null(strstr(out, "[x](y)"), "a link survived");
    cr_assert_null(strstr(out, "\xe2\x80\xae"), "a bidi override survived");
    cr_assert_null(memchr(out, '\x1b', len));
    cr_assert_null(memchr(out, '\r', len));
    free(out);
    pg_report_dispose(&r);
}

Test(report_markdown, findings_table_is_capped_at_100_rows)
{
    pg_report r;
    size_t len;
    char *out;

    rpt_fixture_big(&r, 150, 20);
    out = rpt_render(&r, PG_FORMAT_MARKDOWN, 0, 0, &len);
    cr_assert_eq(count_of(out, "| \xf0\x9f\x94\xb4 **critical** |"), 100);
    cr_assert_eq(count_of(out, "<details><summary>\xf0\x9f\x94\xb4 critical: "), 100);
    cr_assert_not_null(strstr(out, "… 50 more findings not shown here (**50 blocking**) to stay within GitHub's "
                                   "comment size limit"));
    free(out);
    pg_report_dispose(&r);
}

Test(report_markdown, stays_under_the_comment_limit)
{
    static const size_t sizes[][2] = {{5000, 20000}, {1000, 300}, {20000, 5}, {3, 200000}};
    size_t i;

    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        pg_report r;
        size_t len;
        char *out;
        rpt_fixture_big(&r, sizes[i][0], sizes[i][1]);
        out = rpt_render(&r, PG_FORMAT_MARKDOWN, 0, 0, &len);
        cr_assert_lt(len, 65536u - 4096u, "%zu findings of %zu chars: %zu bytes", sizes[i][0], sizes[i][1], len);
        cr_assert_not_null(strstr(out, "</details>"), "the comment is complete");
        cr_assert(rpt_valid_utf8(out, len));
        free(out);
        pg_report_dispose(&r);
    }
}

/* MARK: text */

static size_t max_line_width(const char *s, const char **widest)
{
    size_t best = 0;
    const char *p = s;

    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        size_t w = pg_utf8_count(p, n);
        if (w > best) {
            best = w;
            *widest = p;
        }
        p += n + (eol ? 1 : 0);
    }
    return best;
}

Test(report_text, fits_80_columns)
{
    pg_report r;
    const char *widest = NULL;
    char *out;
    size_t w;

    rpt_fixture_fail(&r);
    out = rpt_render(&r, PG_FORMAT_TEXT, 0, 0, NULL);
    w = max_line_width(out, &widest);
    cr_assert_leq(w, 80, "a line of %zu columns: %.100s", w, widest);
    free(out);
    pg_report_dispose(&r);
}

Test(report_text, colour_only_when_asked)
{
    pg_report r;
    char *plain, *color;

    rpt_fixture_fail(&r);
    plain = rpt_render(&r, PG_FORMAT_TEXT, 0, 0, NULL);
    color = rpt_render(&r, PG_FORMAT_TEXT, 1, 0, NULL);
    cr_assert_null(strchr(plain, '\033'));
    cr_assert_not_null(strstr(color, "\033[1;31mFAIL\033[0m"));
    free(plain);
    free(color);
    pg_report_dispose(&r);
}

Test(report_text, hostile_strings_cannot_drive_the_terminal)
{
    pg_report r;
    size_t len, i;
    char *out;

    rpt_fixture_hostile(&r);
    out = rpt_render(&r, PG_FORMAT_TEXT, 0, 0, &len);
    cr_assert(rpt_valid_utf8(out, len));
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)out[i];
        cr_assert(c >= 0x20 || c == '\n', "control byte 0x%02x at %zu", c, i);
        cr_assert(c != 0x7f);
    }
    cr_assert_null(strstr(out, "\xe2\x80\xae"), "bidi override printed raw");
    cr_assert_null(strstr(out, "\xc2\x9b"), "C1 CSI printed raw");
    cr_assert_not_null(strstr(out, "\\u001B[31mred"), "shown as stderr shows it");
    free(out);
    pg_report_dispose(&r);
}

Test(report_text, quiet_is_findings_and_verdict)
{
    pg_report r;
    char *out;

    rpt_fixture_fail(&r);
    out = rpt_render(&r, PG_FORMAT_TEXT, 0, 1, NULL);
    cr_assert_null(strstr(out, "Destroyed by this plan"));
    /* --quiet: one line per finding, the verdict first and last, and the waivers that need attention */
    cr_assert_not_null(strstr(out, "Waivers that need attention"));
    cr_assert_not_null(strstr(out, "  ✗ dynamodb-key-replacement       aws_dynamodb_table.orders: forced by: hash_key, "
                                   "attribute[0].type\n"),
                       "%s", out);
    cr_assert_null(strstr(out, "Fix:"));
    cr_assert_eq(strncmp(out, "FAIL: do not apply: 4 blocking findings", 39), 0, "%s", out);
    cr_assert_not_null(strstr(out, "\nFAIL: do not apply: 4 blocking findings"));
    cr_assert_neq(out[0], '\n', "no leading blank line");
    free(out);
    pg_report_dispose(&r);
}

Test(report_text, nothing_printed_twice)
{
    pg_report r;
    char *out;

    rpt_fixture_fail(&r);
    out = rpt_render(&r, PG_FORMAT_TEXT, 0, 0, NULL);
    /* the deposed object that is destroyed is listed once, under Destroyed */
    cr_assert_eq(count_of(out, "00000001"), 1, "%s", out);
    cr_assert_eq(count_of(out, "00000002"), 1);
    /* the verdict banner comes first and last, and nowhere else */
    cr_assert_eq(count_of(out, "FAIL"), 2);
    cr_assert_eq(strncmp(out, "FAIL: do not apply: 4 blocking findings (at or above high); every item of 3\n", 76),
                 0, "%s", out);
    cr_assert_not_null(strstr(out, "\nFAIL: do not apply: 4 blocking findings (at or above high); every item of 3\n"
                                   "      tables is lost\n"));
    cr_assert_eq(strlen(strstr(out, "\nFAIL: ")),
                 strlen("\nFAIL: do not apply: 4 blocking findings (at or above high); every item of 3\n"
                        "      tables is lost\n"));
    free(out);
    pg_report_dispose(&r);
}

Test(report_text, reasons_in_plain_words_unknown_verbatim)
{
    pg_report r;
    char *out;

    rpt_fixture_fail(&r);
    out = rpt_render(&r, PG_FORMAT_TEXT, 0, 0, NULL);
    /* the cause of each destroy, short: the forcing attributes, or what action_reason says */
    cr_assert_not_null(strstr(out, "aws_dynamodb_table.orders  PROTECTED\n           forced by: hash_key, "
                                   "attribute[0].type\n"), "%s", out);
    cr_assert_not_null(strstr(out, "aws_dynamodb_table.cache\n           replace requested (-replace) (create the new "
                                   "object first)\n"), "%s", out);
    cr_assert_not_null(strstr(out, "delete_because_a_future_reason"));
    cr_assert_not_null(strstr(out, "aws_dynamodb_table.legacy[0]: count index out of range"));
    cr_assert_not_null(strstr(out, "aws_dynamodb_table.accounts → aws_dynamodb_table.customers"));
    free(out);
    pg_report_dispose(&r);
}

Test(report_text, lists_say_how_many_more)
{
    pg_report r;
    char *out;

    rpt_fixture_fail(&r);
    r.destroys.total = 1234;
    r.drift.total = 7;
    out = rpt_render(&r, PG_FORMAT_TEXT, 0, 0, NULL);
    cr_assert_not_null(strstr(out, "Destroyed by this plan (1234)"));
    cr_assert_not_null(strstr(out, "  … and 1229 more\n"));
    cr_assert_not_null(strstr(out, "  … and 5 more\n"));
    free(out);
    pg_report_dispose(&r);
}

Test(report_text, pass_and_error_verdicts)
{
    pg_report r;
    char *out;

    rpt_fixture_pass(&r);
    out = rpt_render(&r, PG_FORMAT_TEXT, 0, 0, NULL);
    cr_assert_not_null(strstr(out, "\nPASS: 1 finding waived, 1 below the threshold (high)\n"), "%s", out);
    cr_assert_eq(strncmp(out, "PASS: 1 finding waived, 1 below the threshold (high)\n", 53), 0);
    cr_assert_not_null(strstr(out, "Nothing is destroyed by this plan."));
    free(out);
    pg_report_dispose(&r);
    rpt_fixture_empty_error(&r);
    out = rpt_render(&r, PG_FORMAT_TEXT, 0, 0, NULL);
    cr_assert_eq(strncmp(out, "ERROR: do not apply: the plan could not be evaluated\n  <stdin>: byte 0: the input is "
                              "empty", 88), 0,
                 "nothing read: no empty summary first:\n%s", out);
    free(out);
    pg_report_dispose(&r);
}

/* MARK: redaction */

Test(report_redaction, sensitive_evidence_stays_redacted_in_every_format)
{
    pg_report r;
    size_t i;

    rpt_fixture_fail(&r);
    for (i = 0; i < N_FORMATS; i++) {
        char *out = rpt_render(&r, all_formats[i], 0, 0, NULL);
        /* the fixture's protected-destroy evidence: tags.Secret is "(sensitive)" on both sides */
        cr_assert_not_null(strstr(out, "(sensitive)"), "%s does not show the marker",
                           pg_report_format_name(all_formats[i]));
        free(out);
    }
    pg_report_dispose(&r);
}

/* MARK: allocation failures (STYLE 18) */

static long alloc_countdown; /* fail the allocation when it reaches 0; negative: never */

static void *failing_malloc(void *ctx, size_t size)
{
    (void)ctx;
    if (alloc_countdown >= 0 && alloc_countdown-- == 0)
        return NULL;
    return malloc(size);
}

static void *failing_realloc(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    if (alloc_countdown >= 0 && alloc_countdown-- == 0)
        return NULL;
    return realloc(ptr, size);
}

static void plain_free(void *ctx, void *ptr)
{
    (void)ctx;
    free(ptr);
}

Test(report_alloc, every_failed_allocation_is_enomem)
{
    static const pg_alloc failing = {failing_malloc, failing_realloc, plain_free, NULL};
    void (*fixtures[])(pg_report *) = {rpt_fixture_fail, rpt_fixture_hostile};
    size_t fx, i;

    for (fx = 0; fx < sizeof fixtures / sizeof fixtures[0]; fx++) {
        pg_report r;
        fixtures[fx](&r);
        for (i = 0; i < N_FORMATS; i++) {
            long n;
            int rc = -1;
            for (n = 0; n < 100000 && rc != 0; n++) {
                char *buf = NULL;
                size_t len = 0;
                FILE *f = open_memstream(&buf, &len); /* libc's allocator: not counted */
                pg_error err;
                cr_assert_not_null(f);
                pg_error_clear(&err);
                alloc_countdown = n;
                pg_alloc_set(&failing);
                rc = pg_report_write(&r, all_formats[i], NULL, f, &err);
                pg_alloc_set(NULL);
                alloc_countdown = -1;
                fclose(f);
                free(buf);
                cr_assert(rc == 0 || rc == PG_ENOMEM, "%s, allocation %ld failed: rc %d (%s)",
                          pg_report_format_name(all_formats[i]), n, rc, err.message);
                if (rc == PG_ENOMEM)
                    cr_assert(strstr(err.message, "out of memory") != NULL);
            }
            cr_assert_eq(rc, 0, "%s never succeeded", pg_report_format_name(all_formats[i]));
            cr_assert_gt(n, 1, "%s allocates: the test exercised a failure", pg_report_format_name(all_formats[i]));
        }
        pg_report_dispose(&r);
    }
}

Test(report_text, a_partial_plan_never_promises_nothing_is_destroyed)
{
    pg_report r;
    char *text, *md;

    rpt_fixture_empty_error(&r);
    snprintf(r.plan.format_version, sizeof r.plan.format_version, "1.2"); /* read, then errored */
    r.plan.errored = 1;
    r.plan.resource_changes = 3;
    text = rpt_render(&r, PG_FORMAT_TEXT, 0, 0, NULL);
    md = rpt_render(&r, PG_FORMAT_MARKDOWN, 0, 0, NULL);
    cr_assert_null(strstr(text, "Nothing is destroyed by this plan"));
    cr_assert_not_null(strstr(text, "the plan is partial"));
    cr_assert_null(strstr(md, "Nothing is destroyed by this plan"));
    free(text);
    free(md);
    pg_report_dispose(&r);
}

Test(report_text, no_trailing_spaces)
{
    void (*fixtures[])(pg_report *) = {rpt_fixture_pass, rpt_fixture_fail, rpt_fixture_error, rpt_fixture_hostile};
    size_t i;

    for (i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++) {
        pg_report r;
        pg_finding *f;
        char *out;
        fixtures[i](&r);
        /* a message with a blank line and a trailing newline */
        f = rpt_finding(&r, "para", PG_SEV_INFO, NULL, "first paragraph\n\nsecond paragraph\n");
        (void)f;
        out = rpt_render(&r, PG_FORMAT_TEXT, 0, 0, NULL);
        cr_assert_null(strstr(out, " \n"), "a line ends with a space:\n%s", out);
        cr_assert_not_null(strstr(out, "    first paragraph\n\n    second paragraph\n"));
        free(out);
        pg_report_dispose(&r);
    }
}
