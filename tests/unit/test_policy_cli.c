/* test_policy_cli.c — `plangate lint` and `plangate test`: output and exit
 * codes (0 ok, 1 an example failed, 2 usage, 4 invalid policy). */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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
    cr_assert_str_eq(r.out, "<builtin>/catalogue.yaml: ok\n<builtin>/detectors.yaml: ok\n<builtin>/dynamodb.yaml: ok\n<builtin>/protect.yaml: ok\n");
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
    cr_assert(strstr(r.out, "\n7 passed, 0 failed\n"), "%s", r.out);
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
    cr_assert_str_eq(r.err, POL "/err-bad-severity/policy.yaml:4:15: unknown severity \"hgh\"; did you mean `high`? "
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
    cr_assert(strstr(text, "\n0 passed, 0 failed, 7 skipped\n"), "%s", text);
    free(text);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

/* ---- hostile text from policy files (issue 11) ---------------------------------------------- */

/* Each class of text a policy file can hold that must not reach a terminal
 * or a CI log as is, written as YAML double-quoted escapes. */
static const struct {
    const char *name, *yaml;
} hostile[] = {
    {"ESC", "\\e[31mred\\e[0m"},
    {"OSC", "\\e]8;;https://evil.example/\\ahere\\e]8;;\\a"},
    {"newline", "one\\n::error title=forged::PASS"},
    {"bidi", "safe\\u202Eexe.yaml"},
    {"legacy command", "x ##[set-output name=v;]PASS"},
    {"command at line start", "::stop-commands::token"},
    {"command after blanks", " \\t\\u00A0::error::forged"},
};

/* Nothing in `s` can drive a terminal or run a workflow command. */
static void assert_clean(const char *s, const char *what)
{
    const char *line = s;

    cr_assert_null(strchr(s, '\x1b'), "%s: raw ESC in\n%s", what, s);
    cr_assert_null(strchr(s, '\a'), "%s: raw BEL in\n%s", what, s);
    cr_assert_null(strstr(s, "\xe2\x80\xae"), "%s: raw U+202E in\n%s", what, s);
    cr_assert_null(strstr(s, "##["), "%s: ##[ in\n%s", what, s);
    while (line && *line) {
        const char *p = line;
        while (*p == ' ' || *p == '\t' || (p[0] == '\xc2' && p[1] == '\xa0' && ++p))
            p++;
        cr_assert(strncmp(p, "::", 2) != 0, "%s: a line starts a workflow command:\n%s", what, line);
        line = strchr(line, '\n');
        line = line ? line + 1 : NULL;
    }
}

static char *write_tmp(char *dir, size_t size, const char *name, const char *text)
{
    static char path[512];
    FILE *f;

    if (!dir[0]) {
        snprintf(dir, size, "/tmp/pg_hostile_XXXXXX");
        cr_assert(mkdtemp(dir));
    }
    snprintf(path, sizeof path, "%s/%s", dir, name);
    cr_assert((f = fopen(path, "w")));
    fputs(text, f);
    fclose(f);
    return path;
}

Test(policy_cli, hostile_text_in_errors_is_escaped)
{
    char dir[64] = "", doc[1024], cmd[600];
    size_t i;

    for (i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        /* an unknown key, an unknown severity, a bad path: each message quotes input */
        static const char *const shapes[][2] = {
            {"version: 1\n\"", "\": 1\n"},
            {"version: 1\nrules:\n  - { id: r, severity: \"", "\" }\n"},
            {"version: 1\nrules:\n  - { id: r, severity: low, require: { path: \"", "\", exists: true } }\n"}};
        size_t k;
        for (k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
            const char *path;
            const char *lint[] = {"lint", NULL, NULL};
            const char *check[] = {"check", "--policy", NULL, PG_TESTDATA "/plans/in-no-changes/plan.json", NULL};
            pg_test_run_result r;
            snprintf(doc, sizeof doc, "%s%s%s", shapes[k][0], hostile[i].yaml, shapes[k][1]);
            path = write_tmp(dir, sizeof dir, "p.yaml", doc);
            lint[1] = check[2] = path;
            r = run(lint);
            cr_assert_eq(r.exit_code, 4, "%s: %s", hostile[i].name, r.err);
            cr_assert(strstr(r.err, "p.yaml:"), "%s", r.err);
            cr_assert_eq(strchr(r.err, '\n'), r.err + r.err_len - 1, "%s: one line:\n%s", hostile[i].name, r.err);
            assert_clean(r.err, hostile[i].name);
            pg_test_run_free(&r);
            r = run(check);
            cr_assert_eq(r.exit_code, 4, "%s: %s", hostile[i].name, r.err);
            assert_clean(r.err, hostile[i].name);
            pg_test_run_free(&r);
        }
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

Test(policy_cli, hostile_text_in_explain_is_escaped)
{
    char dir[64] = "", doc[4096], cmd[600];
    size_t i;

    for (i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        const char *argv[] = {"explain", "--policy", NULL, "r", NULL};
        pg_test_run_result r;
        /* title, description (long enough to wrap, so a "::" can fall at a
         * line start), remediation */
        snprintf(doc, sizeof doc,
                 "version: 1\nrules:\n  - id: r\n    severity: low\n    title: \"%s\"\n"
                 "    description: \"aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee ffffffffff gggggg %s "
                 "and then some more words\"\n    remediation: \"%s\"\n",
                 hostile[i].yaml, hostile[i].yaml, hostile[i].yaml);
        argv[2] = write_tmp(dir, sizeof dir, "p.yaml", doc);
        r = run(argv);
        cr_assert_eq(r.exit_code, 0, "%s: %s", hostile[i].name, r.err);
        cr_assert(strncmp(r.out, "r: ", 3) == 0, "%s", r.out);
        assert_clean(r.out, hostile[i].name);
        pg_test_run_free(&r);
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

Test(policy_cli, hostile_text_in_test_output_is_escaped)
{
    char dir[64] = "", doc[1024], cmd[600];
    size_t i;

    for (i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        const char *argv[] = {"test", NULL, NULL};
        pg_test_run_result r;
        /* the plan path is printed on the FAIL line; the expected address too */
        snprintf(doc, sizeof doc,
                 "version: 1\nrules:\n  - id: r\n    severity: low\n    examples:\n"
                 "      - { plan: \"%s\", expect: [{ address: \"%s\" }] }\n",
                 hostile[i].yaml, hostile[i].yaml);
        argv[1] = write_tmp(dir, sizeof dir, "p.yaml", doc);
        r = run(argv);
        cr_assert_eq(r.exit_code, 1, "%s: %s%s", hostile[i].name, r.out, r.err);
        assert_clean(r.out, hostile[i].name);
        assert_clean(r.err, hostile[i].name);
        pg_test_run_free(&r);
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

/* A run that tests nothing is a misconfiguration: exit 4, saying so. */
Test(policy_cli, test_without_examples_fails)
{
    const char *argv[] = {"test", POL "/pol/no-examples/policy.yaml", NULL};
    const char *two[] = {"test", POL "/pol/no-examples/policy.yaml", POL "/pol/numbers.yaml", NULL};
    pg_test_run_result r = run(argv);

    cr_assert_eq(r.exit_code, 4, "%s", r.err);
    cr_assert_str_eq(r.out, "");
    cr_assert_str_eq(r.err, "plangate test: " POL "/pol/no-examples/policy.yaml: no examples to run "
                            "(its rules carry no examples: list, with plan: and expect:)\n");
    pg_test_run_free(&r);
    r = run(two);
    cr_assert_eq(r.exit_code, 4, "%s", r.err);
    cr_assert(strstr(r.err, "/pol/numbers.yaml: no examples to run"), "%s", r.err);
    pg_test_run_free(&r);
}

/* A file with no rule at all (settings, waivers: what a pre-commit hook may
 * be given) has nothing to test: said, and exit 0. */
Test(policy_cli, test_without_rules_passes_and_says_so)
{
    const char *argv[] = {"test", POL "/pol/waiver-folder/a-waivers.yaml", NULL};
    pg_test_run_result r = run(argv);

    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "0 passed, 0 failed\n");
    cr_assert_str_eq(r.err, "plangate test: " POL "/pol/waiver-folder/a-waivers.yaml: no rules, nothing to test\n");
    pg_test_run_free(&r);
}

/* explain names the nearest rule id (util/suggest). */
Test(policy_cli, explain_suggests_the_nearest_id)
{
    const char *argv[] = {"explain", "dynamodb-key-replacment", NULL};
    const char *far[] = {"explain", "no-such-thing-at-all", NULL};
    pg_test_run_result r = run(argv);

    cr_assert_eq(r.exit_code, 2);
    cr_assert(strstr(r.err, "plangate explain: unknown rule id \"dynamodb-key-replacment\"; did you mean "
                            "`dynamodb-key-replacement`? known ids:\n"),
              "%s", r.err);
    pg_test_run_free(&r);
    r = run(far);
    cr_assert_eq(r.exit_code, 2);
    cr_assert(strstr(r.err, "unknown rule id \"no-such-thing-at-all\"; known ids:\n"), "%s", r.err);
    pg_test_run_free(&r);
}

/* lint: a waiver for a rule id that no detector, default-pack rule or
 * linted rule has is an error with file:line:col and the nearest id
 * (issue 15); every such waiver is reported; `check` keeps it unused. */
Test(policy_cli, lint_checks_waiver_rule_ids)
{
    const char *argv[] = {"lint", POL "/pol/waiver-typo/policy.yaml", POL "/pol/waiver-folder", NULL};
    const char *check[] = {"check", "--policy", POL "/pol/waiver-typo/policy.yaml", "--format", "json",
                           PG_TESTDATA "/plans/pol-kms/plan.json", NULL};
    pg_test_run_result r = run(argv);

    cr_assert_eq(r.exit_code, 4, "%s", r.err);
    /* a folder whose files waive each other's rules is fine */
    cr_assert_str_eq(r.out, POL "/pol/waiver-folder/a-waivers.yaml: ok\n" POL "/pol/waiver-folder/b-rules.yaml: ok\n");
    cr_assert_str_eq(r.err,
                     POL "/pol/waiver-typo/policy.yaml:11:11: waiver for unknown rule \"dynamodb-key-replacment\": no "
                         "built-in detector or loaded rule has this id; did you mean `dynamodb-key-replacement`?\n" POL
                         "/pol/waiver-typo/policy.yaml:14:11: waiver for unknown rule \"orders-pay-per-requst\": no "
                         "built-in detector or loaded rule has this id; did you mean `orders-pay-per-request`?\n" POL
                         "/pol/waiver-typo/policy.yaml:23:11: waiver for unknown rule \"something-else-entirely\": no "
                         "built-in detector or loaded rule has this id (`plangate explain` lists the known ids)\n");
    pg_test_run_free(&r);
    r = run(check);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\"rule\": \"dynamodb-key-replacment\""), "%s", r.out);
    cr_assert(strstr(r.out, "\"status\": \"unused\""), "%s", r.out);
    pg_test_run_free(&r);
    {
        /* a waiver file linted beside the rules it waives (another PATH): fine; alone: not */
        const char *beside[] = {"lint", POL "/pol/waiver-folder/a-waivers.yaml", POL "/pol/waiver-folder/b-rules.yaml",
                                NULL};
        const char *alone[] = {"lint", POL "/pol/waiver-folder/a-waivers.yaml", NULL};
        r = run(beside);
        cr_assert_eq(r.exit_code, 0, "%s", r.err);
        pg_test_run_free(&r);
        r = run(alone);
        cr_assert_eq(r.exit_code, 4, "%s", r.err);
        cr_assert_str_eq(r.out, "");
        cr_assert(strstr(r.err, "a-waivers.yaml:4:11: waiver for unknown rule \"team-billing\""), "%s", r.err);
        pg_test_run_free(&r);
    }
}

/* lint reports every error of a file, in the file's order (issue 15), and
 * caps them at PG_POLICY_MAX_ERRORS with "and N more". */
Test(policy_cli, lint_reports_every_error_of_a_file)
{
    const char *argv[] = {"lint", POL "/pol/many-errors/policy.yaml", POL "/err-yaml-syntax/policy.yaml", NULL};
    char path[] = "/tmp/pg_lint_many_XXXXXX", yaml[16384];
    const char *capped[] = {"lint", path, NULL};
    pg_test_run_result r = run(argv);
    size_t o = 0, lines = 0, i;
    const char *s;
    FILE *f;
    int fd;

    cr_assert_eq(r.exit_code, 4, "%s", r.err);
    cr_assert_str_eq(r.out, "");
#define M POL "/pol/many-errors/policy.yaml:"
    cr_assert(strstr(r.err,
                     M "3:31: unknown key \"severty\"; did you mean `severity`? (in the settings of detector "
                       "\"dynamodb-key-replacement\": expected one of: enabled, severity)\n" M
                       "5:5: unknown key \"tag\"; did you mean `tags`? (in a protect selector: expected one of:"),
              "%s", r.err);
    cr_assert(strstr(r.err, "\n" M "8:5: unknown key \"titel\"; did you mean `title`? (in a rule: expected"), "%s",
              r.err);
    cr_assert(strstr(r.err, "\n" M "13:15: unknown severity \"hgh\""), "%s", r.err);
    cr_assert(strstr(r.err, "\n" M "18:33: unknown operator \"equal\"; did you mean `equals`?"), "%s", r.err);
    cr_assert(strstr(r.err, "\n" M "24:5: a waiver needs reason:"), "%s", r.err);
    cr_assert(strstr(r.err, "\n" M "29:1: unknown key \"bogus\" in the policy file"), "%s", r.err);
    for (s = r.err; (s = strchr(s, '\n')) != NULL; s++)
        lines++;
    /* the selector whose only key is unknown selects nothing: said too */
    cr_assert(strstr(r.err, "\n" M "5:5: a protect selector needs at least one of"), "%s", r.err);
    /* 8 errors in the first file; a YAML syntax error stops the second at one */
    cr_assert_eq(lines, 9, "%s", r.err);
#undef M
    pg_test_run_free(&r);

    /* detectors: and environments: entries go on too, and the detector ids */
    {
        const char *settings[] = {"lint", POL "/pol/many-errors/settings.yaml", NULL};
        r = run(settings);
        cr_assert_eq(r.exit_code, 4);
        cr_assert_str_eq(r.err,
                         POL "/pol/many-errors/settings.yaml:3:3: unknown detector \"nope-detector\" (`plangate explain` "
                             "lists the built-in detectors)\n" POL
                             "/pol/many-errors/settings.yaml:4:40: enabled must be true or false, not a string\n" POL
                             "/pol/many-errors/settings.yaml:6:3: environment name \"bad name\" may hold only letters, "
                             "digits, '-', '_' and '.' (starting with a letter or digit)\n" POL
                             "/pol/many-errors/settings.yaml:7:26: production must be true or false, not a string\n");
        pg_test_run_free(&r);
    }
    /* 60 bad rules: 50 shown, then "and 10 more" */
    o += (size_t)snprintf(yaml + o, sizeof yaml - o, "version: 1\nrules:\n");
    for (i = 0; i < 60; i++)
        o += (size_t)snprintf(yaml + o, sizeof yaml - o, "  - { id: r%zu, title: T, severity: hgh }\n", i);
    cr_assert((fd = mkstemp(path)) >= 0);
    cr_assert((f = fdopen(fd, "w")) != NULL);
    cr_assert_eq(fwrite(yaml, 1, o, f), o);
    cr_assert_eq(fclose(f), 0);
    r = run(capped);
    cr_assert_eq(r.exit_code, 4);
    for (lines = 0, s = r.err; (s = strchr(s, '\n')) != NULL; s++)
        lines++;
    cr_assert_eq(lines, 51, "%s", r.err);
    cr_assert(strstr(r.err, ":52:"), "%s", r.err);  /* the 50th: line 52 */
    cr_assert_null(strstr(r.err, ":53:"), "%s", r.err);
    cr_assert(strstr(r.err, ": and 10 more errors (lint shows the first 50)\n"), "%s", r.err);
    pg_test_run_free(&r);
    unlink(path);
}

/* The real plan of issue 13 (../shared/corpus, when present): its
 * data.null_data_source.baz has `inputs: {}` with both members unknown.
 * every: over them and length_* are unknown (the rules report), contains of
 * a member after_unknown names holds. */
Test(policy_cli, corpus_plan_with_unknown_map_members)
{
    const char *plan = PG_SHARED "/corpus/plans/terraform-json/basic.json";
    const char *argv[] = {"check", "--no-default-policies", "--policy", POL "/pol/unknown-inputs.yaml",
                          "--format", "json", plan, NULL};
    pg_test_run_result r;
    FILE *f = fopen(plan, "rb");

    if (!f)
        cr_skip_test("%s is absent: the real-plan corpus tests are skipped", plan);
    fclose(f);
    r = run(argv);
    cr_assert_eq(r.exit_code, 1, "%s", r.err);
    cr_assert(strstr(r.out, "\"rule\": \"inputs-all-known-values\""), "%s", r.out);
    cr_assert(strstr(r.out, "\"rule\": \"inputs-two-members\""), "%s", r.out);
    cr_assert_null(strstr(r.out, "\"rule\": \"inputs-has-bar\""), "%s", r.out);
    pg_test_run_free(&r);
}
