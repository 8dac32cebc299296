/* cmd_test.c — plangate test [POLICY_PATH...] (SPEC §1, §4).
 *
 * Runs the `examples:` that rules carry. Every PATH is merged into one
 * policy (the default pack is not included); with no PATH, the default
 * pack is tested. For each example the plan fixture is checked with that
 * policy (pg_check_run: detectors, rules and waivers, as `check` does) and
 * the findings are compared with `expect`: for the example's rule, and for
 * every other rule or detector an expect entry names with `rule:`, the
 * addresses that fired must be exactly the listed ones (`expect: []`: the
 * rule must not fire). Prints PASS/FAIL/SKIP per example and a summary
 * "N passed, M failed[, K skipped]". Exit 1 on any failure, 4 on an
 * invalid policy or when the files hold rules but no example at all
 * (untested rules are a misconfiguration: "FILE: no examples to run"), 2
 * on bad usage. Files with no rule at all (settings, waivers) have nothing
 * to test: "FILE: no rules, nothing to test" on stderr, exit 0. An example whose plan could not be
 * located (the default pack of an installed binary has no fixtures beside
 * it) is skipped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/diag.h"
#include "cli/exit.h"
#include "cli/opt.h"
#include "plangate/plangate.h"
#include "util/buf.h"
#include "util/quote.h"

enum { OPT_HELP = 1 };

static const pg_opt_spec test_opts[] = {
    {"help", OPT_HELP, NULL, "show this help"},
    {NULL, 0, NULL, NULL},
};

static void test_usage(FILE *out)
{
    fprintf(out, "usage: plangate test [POLICY_PATH...]\n\n"
                 "Run the examples that policy rules carry (examples: plan + expect) and check\n"
                 "that each rule fires on exactly the expected addresses. Without a path, the\n"
                 "default pack is tested. Exit 0 when all pass, 1 when one fails, 4 when a\n"
                 "policy is invalid or its rules carry no example at all.\n\n"
                 "options:\n");
    pg_opt_help(out, test_opts);
}

typedef struct strlist {
    const char **items;
    size_t n;
} strlist;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted, without duplicates: "fires at" is a set of addresses. */
static void normalise(strlist *l)
{
    size_t i, o = 0;

    if (l->n == 0)
        return;
    qsort(l->items, l->n, sizeof *l->items, cmp_str);
    for (i = 1; i < l->n; i++)
        if (strcmp(l->items[i], l->items[o]) != 0)
            l->items[++o] = l->items[i];
    l->n = o + 1;
}

static int same(const strlist *a, const strlist *b)
{
    size_t i;

    if (a->n != b->n)
        return 0;
    for (i = 0; i < a->n; i++)
        if (strcmp(a->items[i], b->items[i]) != 0)
            return 0;
    return 1;
}

/* Addresses (from plans) and labels (plan paths from policy files) are
 * input: written through pg_escape_text, never raw. */
static void put_escaped(FILE *out, const char *s)
{
    pg_buf b;

    pg_buf_init(&b, 0);
    if (pg_escape_text(&b, s, strlen(s), NULL) == 0)
        fputs(pg_buf_cstr(&b), out);
    pg_buf_dispose(&b);
}

static void print_list(FILE *out, const strlist *l)
{
    size_t i;

    fputc('[', out);
    for (i = 0; i < l->n; i++) {
        fputs(i ? ", " : "", out);
        put_escaped(out, l->items[i]);
    }
    fputc(']', out);
}

static const char *entry_rule(const json_t *e, const char *dflt)
{
    const json_t *r = json_object_get(e, "rule");

    return json_is_string(r) ? json_string_value(r) : dflt;
}

/* Compare one rule's findings with what the example expects of it. Prints
 * the mismatch (on the FAIL line) and returns 0 when they differ. */
static int compare_rule(const char *rule, const pg_policy_example *ex, const pg_report *rep,
                        const char *label, int *printed)
{
    strlist want = {NULL, 0}, got = {NULL, 0};
    size_t i, n_expect = json_array_size(ex->expect);
    int ok;

    want.items = calloc(n_expect + 1, sizeof *want.items);
    got.items = calloc(rep->findings.count + 1, sizeof *got.items);
    if (!want.items || !got.items) {
        free(want.items);
        free(got.items);
        return 0;
    }
    for (i = 0; i < n_expect; i++) {
        const json_t *e = json_array_get(ex->expect, i);
        const json_t *a = json_object_get(e, "address");
        if (strcmp(entry_rule(e, ex->rule), rule) == 0 && json_is_string(a))
            want.items[want.n++] = json_string_value(a);
    }
    for (i = 0; i < rep->findings.count; i++)
        if (strcmp(rep->findings.items[i]->rule, rule) == 0)
            got.items[got.n++] = rep->findings.items[i]->address;
    normalise(&want);
    normalise(&got);
    ok = same(&want, &got);
    if (!ok) {
        if (!*printed) {
            printf("FAIL ");
            put_escaped(stdout, label);
            printf(":");
        }
        printf(" ");
        put_escaped(stdout, rule);
        printf(" expected ");
        print_list(stdout, &want);
        printf(" got ");
        print_list(stdout, &got);
        *printed = 1;
    }
    free(want.items);
    free(got.items);
    return ok;
}

/* 1 pass, 0 fail. */
static int run_example(const pg_policy *policy, const pg_policy_example *ex, const char *label, const char *today)
{
    pg_check_options opts;
    pg_report rep;
    pg_error err;
    char line[PG_ERROR_MESSAGE_MAX + PG_ERROR_SOURCE_MAX + 64];
    size_t i, j;
    int rc, ok = 1, printed = 0;

    memset(&opts, 0, sizeof opts);
    opts.plan_path = ex->plan;
    opts.policy = policy;
    opts.fail_on = PG_SEV_HIGH;
    opts.today = today;
    pg_error_clear(&err);
    rc = pg_check_run(&opts, &rep, &err);
    /* An errored plan is still evaluated (SPEC §2): its findings count. */
    if (rc != PG_OK && rc != PG_EERRORED) {
        pg_error_format(&err, line, sizeof line);
        printf("FAIL ");
        put_escaped(stdout, label);
        printf(": the plan could not be evaluated: ");
        put_escaped(stdout, line);
        printf("\n");
        pg_report_dispose(&rep);
        return 0;
    }
    ok = compare_rule(ex->rule, ex, &rep, label, &printed);
    /* Other rules or detectors the expect entries name, each once. */
    for (i = 0; i < json_array_size(ex->expect); i++) {
        const char *r = entry_rule(json_array_get(ex->expect, i), ex->rule);
        int seen = strcmp(r, ex->rule) == 0;
        for (j = 0; j < i && !seen; j++)
            seen = strcmp(entry_rule(json_array_get(ex->expect, j), ex->rule), r) == 0;
        if (!seen && !compare_rule(r, ex, &rep, label, &printed))
            ok = 0;
    }
    if (ok) {
        printf("PASS ");
        put_escaped(stdout, label);
        printf("\n");
    }
    else
        printf("\n");
    pg_report_dispose(&rep);
    return ok;
}

/* The source tree's policies/ folder: ./policies, or policies/ beside one
 * of the executable's parent folders (build/x/plangate sits two levels
 * under the tree). NULL when there is none (an installed binary). */
static const char *find_pack_dir(char *buf, size_t size)
{
    char exe[4096];
    ssize_t n;
    int level;

    if (pg_policy_is_pack_dir("policies"))
        return "policies";
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    for (level = 0; level < 4; level++) {
        char *slash = strrchr(exe, '/');
        if (!slash || slash == exe)
            break;
        *slash = '\0';
        if ((size_t)snprintf(buf, size, "%s/policies", exe) < size && pg_policy_is_pack_dir(buf))
            return buf;
    }
    return NULL;
}

static int load_policies(pg_policy *policy, const char *const *paths, size_t n)
{
    char line[PG_ERROR_MESSAGE_MAX + PG_ERROR_SOURCE_MAX + 64], dir[4200];
    pg_error err;
    size_t i;
    int rc;

    pg_error_clear(&err);
    pg_policy_set_check(policy, pg_detect_check_policy);
    /* Files tested without the pack still see its environments: (issue 13). */
    rc = n == 0 ? pg_policy_load_defaults_with_examples(policy, find_pack_dir(dir, sizeof dir), &err)
                : pg_policy_load_default_environments(policy, &err);
    for (i = 0; i < n && rc == PG_OK; i++)
        rc = pg_policy_load_path(policy, paths[i], &err);
    if (rc == PG_OK)
        return PG_EXIT_PASS;
    pg_error_format(&err, line, sizeof line);
    pg_cli_errorf("%s", line);
    return pg_exit_for_error(rc);
}

int pg_cmd_test(int argc, char **argv)
{
    const char *paths[256], *value;
    size_t n = 0, i, j, passed = 0, failed = 0, skipped = 0;
    int opt, rc;
    pg_opt_parser p;
    pg_policy *policy;
    pg_error err;
    char line[PG_ERROR_MESSAGE_MAX + PG_ERROR_SOURCE_MAX + 64], today[11];

    pg_opt_init(&p, test_opts, argc, argv);
    while ((opt = pg_opt_next(&p, &value)) != PG_OPT_END) {
        switch (opt) {
        case OPT_HELP:
            test_usage(stdout);
            return fflush(stdout) == 0 && !ferror(stdout) ? PG_EXIT_PASS : PG_EXIT_PLAN;
        case PG_OPT_POSITIONAL:
            if (n == sizeof paths / sizeof paths[0]) {
                pg_cli_errorf("plangate test: at most %zu paths", n);
                return PG_EXIT_USAGE;
            }
            paths[n++] = value;
            break;
        default:
            pg_cli_errorf("plangate test: %s", p.error);
            pg_cli_error_usage(test_usage);
            return PG_EXIT_USAGE;
        }
    }
    pg_error_clear(&err);
    if (pg_check_today(today, getenv("SOURCE_DATE_EPOCH"), &err) != PG_OK) {
        pg_error_format(&err, line, sizeof line);
        pg_cli_errorf("plangate test: %s", line);
        return pg_exit_for_error(err.code);
    }
    if (pg_policy_new(&policy, &err) != PG_OK) {
        pg_cli_error_oom("plangate test");
        return PG_EXIT_PLAN;
    }
    if ((rc = load_policies(policy, paths, n)) != PG_EXIT_PASS) {
        pg_policy_free(policy);
        return rc;
    }
    if (pg_policy_example_count(policy) == 0 && pg_policy_rule_count(policy) > 0) {
        /* Rules that no example tests: a test run that tests nothing is a
         * misconfiguration (a wrong path, examples under the wrong key):
         * say so, and fail as an unusable policy would, rather than print
         * "0 passed" and pass. (pg_cli_errorf escapes what a path holds.) */
        for (i = 0; i < n; i++)
            pg_cli_errorf("plangate test: %s: no examples to run (its rules carry no examples: list, with plan: "
                          "and expect:)",
                          paths[i]);
        if (n == 0)
            pg_cli_errorf("plangate test: the default pack has no examples to run");
        pg_policy_free(policy);
        return PG_EXIT_POLICY;
    }
    if (pg_policy_rule_count(policy) == 0) {
        /* No rule at all (detector settings, environments, waivers): there
         * is nothing to test, which is not an error (a pre-commit hook runs
         * on such a file too), but it is said. */
        for (i = 0; i < n; i++)
            pg_cli_errorf("plangate test: %s: no rules, nothing to test", paths[i]);
    }
    for (i = 0; i < pg_policy_example_count(policy); i++) {
        const pg_policy_example *ex = pg_policy_example_at(policy, i);
        size_t nth = 1;
        char label[512];

        /* Examples are numbered per rule, from 1, in file order. */
        for (j = 0; j < i; j++)
            if (strcmp(pg_policy_example_at(policy, j)->rule, ex->rule) == 0)
                nth++;
        snprintf(label, sizeof label, "%s example#%zu (%s)", ex->rule, nth, ex->plan ? ex->plan : ex->source);
        if (!ex->plan) {
            printf("SKIP ");
            put_escaped(stdout, label);
            printf(": its plan fixture is not installed (run plangate test from the source tree)\n");
            skipped++;
        } else if (run_example(policy, ex, label, today)) {
            passed++;
        } else {
            failed++;
        }
    }
    if (skipped)
        printf("%zu passed, %zu failed, %zu skipped\n", passed, failed, skipped);
    else
        printf("%zu passed, %zu failed\n", passed, failed);
    pg_policy_free(policy);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        pg_cli_errorf("plangate test: cannot write to standard output");
        return PG_EXIT_PLAN;
    }
    return failed ? PG_EXIT_FAIL : PG_EXIT_PASS;
}
