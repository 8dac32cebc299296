/* test_policy_cli.c — `plangate lint` and `plangate test`: output and exit
 * codes (0 ok, 1 an example failed, 2 usage, 4 invalid policy). */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "support.h"

#define POL PG_TESTDATA "/policies"

static pg_test_run_result run(const char *const *argv)
{
    pg_test_run_result r;

    cr_assert_eq(pg_test_run(&r, argv, NULL, NULL), 0);
    return r;
}

Test(policy_cli, lint_default_pack)
{
    const char *argv[] = {"lint", NULL};
    pg_test_run_result r = run(argv);

    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "<builtin>/detectors.yaml: ok\n<builtin>/dynamodb.yaml: ok\n<builtin>/protect.yaml: ok\n");
    cr_assert_str_eq(r.err, "");
    pg_test_run_free(&r);
}

Test(policy_cli, lint_reports_file_line_col)
{
    const char *argv[] = {"lint", POL "/ok-anchors/policy.yaml", POL "/err-bad-regex/policy.yaml", NULL};
    pg_test_run_result r = run(argv);

    cr_assert_eq(r.exit_code, 4);
    cr_assert_str_eq(r.out, POL "/ok-anchors/policy.yaml: ok\n");
    cr_assert_str_eq(r.err, POL "/err-bad-regex/policy.yaml:6:38: invalid regular expression \"prod-(\": Unmatched ( or \\(\n");
    pg_test_run_free(&r);
}

Test(policy_cli, lint_folder_file_by_file)
{
    const char *argv[] = {"lint", POL "/err-duplicate-rule-id-across-files", NULL};
    pg_test_run_result r = run(argv);

    cr_assert_eq(r.exit_code, 4);
    cr_assert_str_eq(r.out, POL "/err-duplicate-rule-id-across-files/first.yaml: ok\n");
    cr_assert_str_eq(r.err, POL "/err-duplicate-rule-id-across-files/policy.yaml:5:9: duplicate rule id 'pitr' "
                                "(first defined at " POL "/err-duplicate-rule-id-across-files/first.yaml:3)\n");
    pg_test_run_free(&r);
}

Test(policy_cli, lint_usage_and_missing)
{
    const char *bad_flag[] = {"lint", "--frobnicate", NULL};
    const char *missing[] = {"lint", "/nonexistent.yaml", NULL};
    const char *help[] = {"lint", "--help", NULL};
    pg_test_run_result r = run(bad_flag);

    cr_assert_eq(r.exit_code, 2);
    pg_test_run_free(&r);
    r = run(missing);
    cr_assert_eq(r.exit_code, 4);
    cr_assert_str_eq(r.err, "/nonexistent.yaml: cannot read the policy path: No such file or directory\n");
    pg_test_run_free(&r);
    r = run(help);
    cr_assert_eq(r.exit_code, 0);
    cr_assert(strstr(r.out, "usage: plangate lint"));
    pg_test_run_free(&r);
}

Test(policy_cli, test_default_pack_passes)
{
    const char *argv[] = {"test", NULL};
    pg_test_run_result r = run(argv);

    cr_assert_eq(r.exit_code, 0, "%s%s", r.out, r.err);
    cr_assert(strstr(r.out, "PASS dynamodb-pitr-production example#1 ("), "%s", r.out);
    cr_assert(strstr(r.out, "PASS dynamodb-gsi-projection-all example#1 ("), "%s", r.out);
    cr_assert(strstr(r.out, "\n6 passed, 0 failed\n"), "%s", r.out);
    cr_assert_null(strstr(r.out, "FAIL"));
    pg_test_run_free(&r);
}

Test(policy_cli, test_reports_a_failing_example)
{
    const char *argv[] = {"test", POL "/cli-test", NULL};
    pg_test_run_result r = run(argv);

    cr_assert_eq(r.exit_code, 1, "%s%s", r.out, r.err);
    cr_assert_str_eq(r.out,
                     "PASS cli-prod-pitr example#1 (" POL "/cli-test/../../plans/pol-pitr/plan.json)\n"
                     "FAIL cli-prod-pitr example#2 (" POL "/cli-test/../../plans/pol-pitr/plan.json): "
                     "cli-prod-pitr expected [aws_dynamodb_table.users] got [aws_dynamodb_table.orders]\n"
                     "PASS cli-prod-pitr example#3 (" POL "/cli-test/../../plans/pol-kms/plan.json)\n"
                     "PASS cli-prod-pitr example#4 (" POL "/cli-test/../../plans/pol-lock-table/plan.json)\n"
                     "3 passed, 1 failed\n");
    pg_test_run_free(&r);
}

Test(policy_cli, test_invalid_policy)
{
    const char *argv[] = {"test", POL "/err-bad-severity/policy.yaml", NULL};
    pg_test_run_result r = run(argv);

    cr_assert_eq(r.exit_code, 4);
    cr_assert_str_eq(r.err, POL "/err-bad-severity/policy.yaml:4:15: unknown severity \"hgh\" "
                                "(expected critical, high, medium, low or info)\n");
    pg_test_run_free(&r);
}

Test(policy_cli, test_skips_pack_examples_without_a_source_tree)
{
    char dir[] = "/tmp/pg_policy_cli_XXXXXX", cmd[2048], out[600], *text;
    size_t len;
    int rc;

    cr_assert(mkdtemp(dir));
    /* A copy of the binary, run from a folder with no policies/: like an installed one. */
    snprintf(cmd, sizeof cmd, "cp '%s' '%s/plangate' && cd '%s' && ./plangate test > out 2>&1", pg_test_binary(), dir, dir);
    rc = system(cmd);
    cr_assert(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "rc %d", rc);
    snprintf(out, sizeof out, "%s/out", dir);
    text = pg_test_read_file(out, &len);
    cr_assert(text);
    cr_assert(strstr(text, "SKIP dynamodb-pitr-production example#1 (<builtin>/dynamodb.yaml:"), "%s", text);
    cr_assert(strstr(text, "\n0 passed, 0 failed, 6 skipped\n"), "%s", text);
    free(text);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}
