/* test_detect_explain.c — `plangate explain RULE_ID` end to end. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

static int has(const char *hay, const char *needle)
{
    return hay && strstr(hay, needle) != NULL;
}

Test(detect_explain, detector)
{
    const char *argv[] = {"explain", "dynamodb-key-replacement", NULL};
    pg_test_run_result r;

    cr_assert_eq(pg_test_run(&r, argv, NULL, NULL), 0);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    cr_assert(has(r.out, "dynamodb-key-replacement: DynamoDB table replaced because its key schema changes"), "%s", r.out);
    cr_assert(has(r.out, "default severity: critical"), "%s", r.out);
    cr_assert(has(r.out, "What it checks:"), "%s", r.out);
    cr_assert(has(r.out, "Why it matters:"), "%s", r.out);
    cr_assert(has(r.out, "How to fix it:"), "%s", r.out);
    cr_assert(has(r.out, "    - rule: dynamodb-key-replacement\n"), "%s", r.out);
    cr_assert(has(r.out, "reason:"), "%s", r.out);
    pg_test_run_free(&r);
}

Test(detect_explain, every_detector_explains)
{
    static const char *const ids[] = {"protected-destroy", "lock-table-deprecated", "plan-incomplete",
                                      "dynamodb-provisioned-without-autoscaling"};
    size_t i;

    for (i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        const char *argv[] = {"explain", ids[i], NULL};
        pg_test_run_result r;

        cr_assert_eq(pg_test_run(&r, argv, NULL, NULL), 0);
        cr_assert_eq(r.exit_code, 0, "%s: %s", ids[i], r.err);
        cr_assert(has(r.out, ids[i]), "%s", r.out);
        pg_test_run_free(&r);
    }
}

Test(detect_explain, unknown_id_lists_known_ids)
{
    const char *argv[] = {"explain", "no-such-rule", NULL};
    const char *none[] = {"explain", NULL};
    pg_test_run_result r;

    cr_assert_eq(pg_test_run(&r, argv, NULL, NULL), 0);
    cr_assert_eq(r.exit_code, 2);
    cr_assert(has(r.err, "unknown rule id \"no-such-rule\""), "%s", r.err);
    cr_assert(has(r.err, "  lock-table-key-schema\n"), "%s", r.err);
    cr_assert(has(r.err, "  plan-incomplete\n"), "%s", r.err);
    cr_assert_eq(r.out_len, 0);
    pg_test_run_free(&r);

    cr_assert_eq(pg_test_run(&r, none, NULL, NULL), 0);
    cr_assert_eq(r.exit_code, 2);
    cr_assert(has(r.err, "dynamodb-key-replacement"), "%s", r.err);
    pg_test_run_free(&r);
}

Test(detect_explain, bad_option_is_usage)
{
    const char *argv[] = {"explain", "--bogus", "plan-incomplete", NULL};
    pg_test_run_result r;

    cr_assert_eq(pg_test_run(&r, argv, NULL, NULL), 0);
    cr_assert_eq(r.exit_code, 2);
    pg_test_run_free(&r);
}

static void write_policy(char *path, size_t size, const char *text)
{
    int fd;
    FILE *f;

    snprintf(path, size, "/tmp/pg-explain-XXXXXX");
    fd = mkstemp(path);
    cr_assert(fd >= 0);
    f = fdopen(fd, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

Test(detect_explain, custom_rule_from_policy)
{
    static const char yaml[] =
        "version: 1\n"
        "rules:\n"
        "  - id: team-no-scan-tables\n"
        "    title: Tables are not named scan-*\n"
        "    severity: low\n"
        "    description: Scan tables are a legacy pattern that the data team retired.\n"
        "    match: { type: aws_dynamodb_table }\n"
        "    require:\n"
        "      - { path: after.name, matches: \"^scan-\", if_unknown: pass }\n"
        "    remediation: Rename the table.\n"
        "    waivable: false\n";
    char path[64];
    const char *argv[] = {"explain", "--policy", path, "team-no-scan-tables", NULL};
    const char *bad[] = {"explain", "--policy", "/nonexistent/policy.yaml", "plan-incomplete", NULL};
    pg_test_run_result r;

    write_policy(path, sizeof path, yaml);
    cr_assert_eq(pg_test_run(&r, argv, NULL, NULL), 0);
    unlink(path);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    cr_assert(has(r.out, "team-no-scan-tables: Tables are not named scan-*"), "%s", r.out);
    cr_assert(has(r.out, "severity: low"), "%s", r.out);
    cr_assert(has(r.out, "legacy pattern"), "%s", r.out);
    cr_assert(has(r.out, "Rename the table."), "%s", r.out);
    cr_assert(has(r.out, "cannot be waived"), "%s", r.out);
    pg_test_run_free(&r);

    cr_assert_eq(pg_test_run(&r, bad, NULL, NULL), 0);
    cr_assert_neq(r.exit_code, 0);
    cr_assert(has(r.err, "/nonexistent/policy.yaml"), "%s", r.err);
    pg_test_run_free(&r);
}

Test(detect_explain, severity_override_is_shown)
{
    static const char yaml[] = "version: 1\n"
                               "detectors:\n"
                               "  lock-table-pitr: { severity: high }\n";
    char path[64];
    const char *argv[] = {"explain", "--policy", path, "lock-table-pitr", NULL};
    pg_test_run_result r;

    write_policy(path, sizeof path, yaml);
    cr_assert_eq(pg_test_run(&r, argv, NULL, NULL), 0);
    unlink(path);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    cr_assert(has(r.out, "default severity: medium (high in the loaded policies)"), "%s", r.out);
    pg_test_run_free(&r);
}
