/* test_cli_usage.c — the CLI's usage errors, help and version (exit codes, SPEC §1). */
#include <criterion/criterion.h>
#include <string.h>

#include "support.h"

static int run(pg_test_run_result *r, const char *const *argv)
{
    cr_assert_eq(pg_test_run(r, argv, NULL, NULL), 0);
    return r->exit_code;
}

Test(cli_usage, no_command_is_usage_error)
{
    pg_test_run_result r;
    const char *argv[] = {NULL};

    cr_assert_eq(run(&r, argv), 2);
    cr_assert(strstr(r.err, "usage: plangate") != NULL);
    pg_test_run_free(&r);
}

Test(cli_usage, unknown_command_and_flags)
{
    pg_test_run_result r;
    const char *a1[] = {"frobnicate", NULL};
    const char *a2[] = {"check", "--no-such-flag", NULL};
    const char *a3[] = {"check", "--format", NULL};
    const char *a4[] = {"check", "--format", "yaml", "x.json", NULL};
    const char *a5[] = {"check", "--fail-on", "severe", "x.json", NULL};
    const char *a6[] = {"check", "a.json", "b.json", NULL};
    const char *a7[] = {"check", "--report", "json", "x.json", NULL};
    const char *a8[] = {"check", "--color", "sometimes", "x.json", NULL};

    cr_assert_eq(run(&r, a1), 2);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, a2), 2);
    cr_assert(strstr(r.err, "--no-such-flag") != NULL, "%s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, a3), 2);
    cr_assert(strstr(r.err, "needs an argument") != NULL, "%s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, a4), 2);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, a5), 2);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, a6), 2);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, a7), 2);
    cr_assert(strstr(r.err, "FORMAT=PATH") != NULL, "%s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, a8), 2);
    pg_test_run_free(&r);
}

Test(cli_usage, help_and_version)
{
    pg_test_run_result r;
    const char *a1[] = {"--help", NULL};
    const char *a2[] = {"check", "--help", NULL};
    const char *a3[] = {"version", NULL};

    cr_assert_eq(run(&r, a1), 0);
    cr_assert(strstr(r.out, "check") != NULL);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, a2), 0);
    cr_assert(strstr(r.out, "--fail-on") != NULL);
    cr_assert(strstr(r.out, "--no-default-policies") != NULL);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, a3), 0);
    cr_assert_str_eq(r.out, "plangate 0.1.0\n");
    pg_test_run_free(&r);
}

Test(cli_usage, unreadable_plan_is_exit_3)
{
    pg_test_run_result r;
    const char *argv[] = {"check", "/nonexistent/plan.json", NULL};

    cr_assert_eq(run(&r, argv), 3);
    cr_assert(strstr(r.err, "/nonexistent/plan.json") != NULL, "%s", r.err);
    pg_test_run_free(&r);
}
