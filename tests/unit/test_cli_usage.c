/* test_cli_usage.c — the CLI's usage errors, help and version (exit codes, SPEC §1), and the
 * range of every --max-* flag (issue 11: crash-free for each value it accepts). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
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
    /* several plans are one run (issue 17), standard input only once */
    const char *a6[] = {"check", "-", "a.json", "-", NULL};
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
    cr_assert(strstr(r.err, "standard input") != NULL, "%s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, a7), 2);
    cr_assert(strstr(r.err, "FORMAT=PATH") != NULL, "%s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, a8), 2);
    pg_test_run_free(&r);
}

/* "did you mean" for a misspelt command or option (util/suggest), and no
 * guess when nothing is near. */
Test(cli_usage, suggests_the_nearest_command_and_option)
{
    pg_test_run_result r;
    const char *a1[] = {"chekc", NULL};
    const char *a2[] = {"check", "--polcy", "p.yaml", "x.json", NULL};
    const char *a3[] = {"check", "--fail_on=low", "x.json", NULL};
    const char *a4[] = {"lint", "--hlep", NULL};
    const char *a5[] = {"frobnicate", NULL};
    const char *a6[] = {"check", "--zzzzzz", NULL};

    cr_assert_eq(run(&r, a1), 2);
    cr_assert(strstr(r.err, "plangate: unknown command \"chekc\"; did you mean `check`?\n"), "%s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, a2), 2);
    cr_assert(strstr(r.err, "unknown option \"--polcy\"; did you mean `--policy`? (see --help)"), "%s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, a3), 2);
    cr_assert(strstr(r.err, "unknown option \"--fail_on\"; did you mean `--fail-on`?"), "%s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, a4), 2);
    cr_assert(strstr(r.err, "did you mean `--help`?"), "%s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, a5), 2);
    cr_assert(strstr(r.err, "unknown command \"frobnicate\"\n"), "%s", r.err);
    cr_assert_null(strstr(r.err, "did you mean"), "%s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, a6), 2);
    cr_assert_null(strstr(r.err, "did you mean"), "%s", r.err);
    pg_test_run_free(&r);
}

/* A misspelt value of --format, --fail-on or --color gets the nearest
 * choice; a value near none gets only the list. */
Test(cli_usage, suggests_the_nearest_value)
{
    pg_test_run_result r;
    const char *a1[] = {"check", "--format", "jsno", "x.json", NULL};
    const char *a2[] = {"check", "--fail-on", "hgh", "x.json", NULL};
    const char *a3[] = {"check", "--color=allways", "x.json", NULL};
    const char *a4[] = {"check", "--format", "zzzzzz", "x.json", NULL};

    cr_assert_eq(run(&r, a1), 2);
    cr_assert(strstr(r.err, "unknown --format \"jsno\" (text, json, sarif, junit, github, markdown); did you mean "
                            "`json`?\n"), "%s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, a2), 2);
    cr_assert(strstr(r.err, "unknown --fail-on \"hgh\" (critical, high, medium, low, info, none); did you mean "
                            "`high`?\n"), "%s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, a3), 2);
    cr_assert(strstr(r.err, "did you mean `always`?"), "%s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, a4), 2);
    cr_assert(strstr(r.err, "unknown --format \"zzzzzz\""), "%s", r.err);
    cr_assert_null(strstr(r.err, "did you mean"), "%s", r.err);
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

/* ---- --max-* values: every one the CLI accepts is one the gate survives (issue 11) ----- */

#define DEMO PG_TESTDATA "/plans/demo/plan.json"

static void limit_case(const char *flag, const char *value, int expect_exit, const char *needle)
{
    pg_test_run_result r;
    const char *argv[] = {"check", flag, value, DEMO, NULL};

    cr_assert_eq(run(&r, argv), expect_exit, "%s %s: exit %d: %s", flag, value, r.exit_code, r.err);
    if (needle)
        cr_assert(strstr(r.err, needle) != NULL, "%s %s: %s", flag, value, r.err);
    pg_test_run_free(&r);
}

Test(cli_usage, max_depth_range)
{
    static const char *const bad[] = {"0", "4097", "100000", "-1", "+5", " 5", "5 ", "1e3", "0x10", "", "abc",
                                      "99999999999999999999999999"};
    size_t i;

    limit_case("--max-depth", "1", 3, "(limit max_depth)"); /* the plan's object is level 1, its members deeper */
    limit_case("--max-depth", "4096", 1, NULL);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        limit_case("--max-depth", bad[i], 2, "from 1 to 4096");
}

Test(cli_usage, max_element_bytes_range)
{
    static const char *const bad[] = {"0", "1073741825", "18446744073709551615", "18446744073709551616", "-1",
                                      "1GiB", "1e9", ""};
    size_t i;

    limit_case("--max-element-bytes", "1073741824", 1, NULL);
    limit_case("--max-element-bytes", "1", 3, "(limit max_capture)");
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        limit_case("--max-element-bytes", bad[i], 2, "from 1 to 1073741824");
}

/* The help and the man page say the ceilings. */
Test(cli_usage, help_says_the_ceilings)
{
    pg_test_run_result r;
    const char *argv[] = {"check", "--help", NULL};
    char *man;

    cr_assert_eq(run(&r, argv), 0);
    cr_assert(strstr(r.out, "at most 4096") != NULL, "%s", r.out);
    cr_assert(strstr(r.out, "at most 1 GiB") != NULL, "%s", r.out);
    cr_assert(strstr(r.out, "PATH - is stdout") != NULL, "%s", r.out);
    pg_test_run_free(&r);
    cr_assert_not_null(man = pg_test_read_file(PG_SRCDIR "/docs/plangate.1", NULL));
    cr_assert(strstr(man, "4096") != NULL, "the man page says the depth ceiling");
    cr_assert(strstr(man, "1 GiB") != NULL, "the man page says the element ceiling");
    free(man);
}

/* A change nested as deep as the ceiling allows, decoded (a rule reads it and
 * quotes it in its message), through every writer, from a file and from
 * stdin, with the largest values of both flags: a verdict, never a crash.
 * One level deeper is refused with exit 3, naming the limit. */
Test(cli_usage, the_deepest_accepted_change_survives_every_format)
{
    static const char *const formats[] = {"text", "json", "sarif", "junit", "github", "markdown"};
    static const char head[] = "{\"format_version\":\"1.2\",\"resource_changes\":[{\"address\":\"aws_dynamodb_table.t\","
                               "\"mode\":\"managed\",\"type\":\"aws_dynamodb_table\",\"name\":\"t\","
                               "\"provider_name\":\"registry.terraform.io/hashicorp/aws\",\"change\":{\"actions\":"
                               "[\"update\"],\"before\":{\"x\":1},\"after\":{\"x\":";
    static const char tail[] = "},\"after_unknown\":{}}}]}";
    static const char policy_text[] = "version: 1\nrules:\n  - id: deep-value\n    title: deep value\n"
                                      "    severity: high\n    match:\n      type: aws_dynamodb_table\n"
                                      "    require:\n      - { path: after.x, equals: 1 }\n"
                                      "    message: \"{address}: x is {after.x}\"\n";
    /* levels: the document, resource_changes, the change, "change", "after", then the arrays */
    const unsigned opened = 5, arrays = 4096 - opened;
    char dir[256], plan[300], deeper[300], policy[300];
    size_t len, i, k;
    char *doc;
    pg_test_run_result r;

    pg_test_scratch(dir, sizeof dir);
    snprintf(plan, sizeof plan, "%s/plan.json", dir);
    snprintf(deeper, sizeof deeper, "%s/deeper.json", dir);
    snprintf(policy, sizeof policy, "%s/policy.yaml", dir);
    pg_test_write_file(policy, policy_text, sizeof policy_text - 1);
    len = sizeof head - 1 + 2 * (size_t)(arrays + 1) + sizeof tail - 1;
    cr_assert_not_null(doc = malloc(len + 1));
    for (k = 0; k < 2; k++) { /* 0: at the ceiling; 1: one level past it */
        size_t n = arrays + k, o = 0;
        memcpy(doc + o, head, sizeof head - 1);
        o += sizeof head - 1;
        memset(doc + o, '[', n);
        o += n;
        memset(doc + o, ']', n);
        o += n;
        memcpy(doc + o, tail, sizeof tail - 1);
        o += sizeof tail - 1;
        pg_test_write_file(k ? deeper : plan, doc, o);
    }
    free(doc);
    for (i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        const char *argv[] = {"check", "--policy", policy, "--max-depth", "4096", "--max-element-bytes",
                              "1073741824", "--format", formats[i], plan, NULL};
        const char *via_stdin[] = {"check", "--policy", policy, "--max-depth", "4096", "--format", formats[i],
                                   "-", NULL};
        const char *past[] = {"check", "--max-depth", "4096", "--format", formats[i], deeper, NULL};
        cr_assert_eq(run(&r, argv), 1, "%s: exit %d (signal %d): %s", formats[i], r.exit_code, r.signal, r.err);
        pg_test_run_free(&r);
        cr_assert_eq(pg_test_run(&r, via_stdin, plan, NULL), 0);
        cr_assert_eq(r.exit_code, 1, "%s from stdin: exit %d (signal %d): %s", formats[i], r.exit_code, r.signal,
                     r.err);
        pg_test_run_free(&r);
        cr_assert_eq(run(&r, past), 3, "%s one level past: exit %d (signal %d)", formats[i], r.exit_code, r.signal);
        cr_assert(strstr(r.err, "more than 4096 levels") != NULL, "%s", r.err);
        pg_test_run_free(&r);
    }
    pg_test_rmtree(dir);
}

/* ---- conventions (issue 16): short options, version, colour ---------------------- */

static int run_env(pg_test_run_result *r, const char *const *argv, const char *const *env)
{
    cr_assert_eq(pg_test_run(r, argv, NULL, env), 0);
    return r->exit_code;
}

#define USAGE_DEMO PG_TESTDATA "/plans/demo/plan.json"

Test(cli_usage, short_options_are_the_long_ones)
{
    pg_test_run_result a, b;
    const char *longs[] = {"check", "--no-config", "--format", "json", "--quiet", "--policy",
                           PG_TESTDATA "/policies", USAGE_DEMO, NULL};
    const char *shorts[] = {"check", "--no-config", "-f", "json", "-q", "-p", PG_TESTDATA "/policies", USAGE_DEMO,
                            NULL};
    const char *glued[] = {"check", "--no-config", "-qfjson", "-p" PG_TESTDATA "/policies", USAGE_DEMO, NULL};
    const char *report[] = {"check", "--no-config", "-o", "json=-", USAGE_DEMO, NULL};
    const char *unknown[] = {"check", "-x", USAGE_DEMO, NULL};
    const char *missing[] = {"check", USAGE_DEMO, "-f", NULL};
    const char *dir_policy[] = {"check", "--no-config", "-f", "json", USAGE_DEMO, NULL};

    cr_assert_eq(pg_test_run(&a, longs, NULL, NULL), 0);
    cr_assert_eq(pg_test_run(&b, shorts, NULL, NULL), 0);
    cr_assert_eq(a.exit_code, b.exit_code, "%s", b.err);
    cr_assert_str_eq(a.out, b.out);
    pg_test_run_free(&b);
    cr_assert_eq(pg_test_run(&b, glued, NULL, NULL), 0);
    cr_assert_str_eq(a.out, b.out, "%s", b.err);
    pg_test_run_free(&b);
    pg_test_run_free(&a);
    cr_assert_eq(pg_test_run(&a, report, NULL, NULL), 0);
    cr_assert_eq(pg_test_run(&b, dir_policy, NULL, NULL), 0);
    cr_assert_str_eq(a.out, b.out, "-o json=- is --report json=-");
    pg_test_run_free(&a);
    pg_test_run_free(&b);
    cr_assert_eq(run(&a, unknown), 2);
    cr_assert_not_null(strstr(a.err, "unknown option \"-x\""), "%s", a.err);
    pg_test_run_free(&a);
    cr_assert_eq(run(&a, missing), 2);
    cr_assert_not_null(strstr(a.err, "-f needs an argument (FORMAT)"), "%s", a.err);
    pg_test_run_free(&a);
}

Test(cli_usage, help_documents_the_short_options)
{
    pg_test_run_result r;
    const char *argv[] = {"check", "--help", NULL};
    static const char *const want[] = {"-p, --policy PATH", "-f, --format FORMAT", "-o, --report FORMAT=PATH",
                                       "-q, --quiet", "-c, --config FILE", "-h, --help", "--no-config"};
    size_t i;

    cr_assert_eq(run(&r, argv), 0);
    for (i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_assert_not_null(strstr(r.out, want[i]), "%s missing from:\n%s", want[i], r.out);
    pg_test_run_free(&r);
}

Test(cli_usage, version_everywhere)
{
    pg_test_run_result r;
    const char *v1[] = {"-V", NULL};
    const char *v2[] = {"--version", NULL};
    const char *h1[] = {"version", "--help", NULL};
    const char *h2[] = {"version", "-h", NULL};
    const char *bad1[] = {"version", "extra", NULL};
    const char *bad2[] = {"version", "--frob", NULL};

    cr_assert_eq(run(&r, v1), 0);
    cr_assert_str_eq(r.out, "plangate 0.1.0\n");
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, v2), 0);
    cr_assert_str_eq(r.out, "plangate 0.1.0\n");
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, h1), 0);
    cr_assert_not_null(strstr(r.out, "usage: plangate version"), "%s", r.out);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, h2), 0);
    cr_assert_not_null(strstr(r.out, "usage: plangate version"), "%s", r.out);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, bad1), 2);
    cr_assert_not_null(strstr(r.err, "takes no argument"), "%s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, bad2), 2);
    pg_test_run_free(&r);
}

/* stdout is a pipe here: colour only when something forces it. */
Test(cli_usage, force_color_and_clicolor_force)
{
    static const struct {
        const char *env[3];
        const char *flag;
        int colour;
    } cases[] = {
        {{NULL}, NULL, 0},
        {{"FORCE_COLOR=1", NULL}, NULL, 1},
        {{"FORCE_COLOR=0", NULL}, NULL, 1}, /* force-color.org: any value but empty */
        {{"FORCE_COLOR=", NULL}, NULL, 0},
        {{"CLICOLOR_FORCE=1", NULL}, NULL, 1},
        {{"CLICOLOR_FORCE=0", NULL}, NULL, 0},
        {{"NO_COLOR=1", "CLICOLOR_FORCE=1", NULL}, NULL, 0}, /* NO_COLOR wins over CLICOLOR_FORCE */
        {{"NO_COLOR=1", "FORCE_COLOR=1", NULL}, NULL, 1},    /* FORCE_COLOR is checked after NO_COLOR */
        {{"FORCE_COLOR=1", NULL}, "--color=never", 0},
        {{"TERM=dumb", "FORCE_COLOR=1", NULL}, NULL, 1},
        {{"NO_COLOR=1", NULL}, "--color=always", 1},
    };
    pg_test_run_result r;
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *argv[] = {"check", "--no-config", cases[i].flag ? cases[i].flag : USAGE_DEMO,
                              cases[i].flag ? USAGE_DEMO : NULL, NULL};
        /* The runner's own colour variables are emptied (empty = unset) first. */
        const char *env[] = {"FORCE_COLOR=", "NO_COLOR=", "CLICOLOR_FORCE=", "TERM=xterm",
                             cases[i].env[0], cases[i].env[0] ? cases[i].env[1] : NULL, NULL};
        cr_assert_eq(run_env(&r, argv, env), 1, "case %zu: %s", i, r.err);
        cr_assert_eq(strstr(r.out, "\x1b[") != NULL, cases[i].colour, "case %zu (%s %s)", i,
                     cases[i].env[0] ? cases[i].env[0] : "", cases[i].flag ? cases[i].flag : "");
        pg_test_run_free(&r);
    }
}
