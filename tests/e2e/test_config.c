/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_config.c — where `plangate check` takes its settings from (issue 17):
 * .plangate.yaml found in . or a parent up to the repository root, or named
 * with --config / PLANGATE_CONFIG; PLANGATE_* variables; the command line
 * over the environment over the file, lists replaced whole; paths relative
 * to the file; file:line:col errors, exit 2; the trust rule for a file found
 * in the checkout; the report names the file used.
 *
 * Each case builds a tree in a scratch folder (a `.git` folder marks a
 * repository root) and runs the CLI in one of its folders.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"

/* One medium finding: exit 0 at the default --fail-on high, 1 at medium. */
#define MEDIUM_PLAN PG_TESTDATA "/plans/det-provisioned/plan.json"
#define DEMO_PLAN PG_TESTDATA "/plans/demo/plan.json"

typedef struct tree {
    char root[256];
} tree;

static void tree_new(tree *t)
{
    pg_test_scratch(t->root, sizeof t->root);
}

/* Write `text` at root/rel, creating the folders on the way. */
static void put(const tree *t, const char *rel, const char *text)
{
    char path[600], *slash;

    snprintf(path, sizeof path, "%s/%s", t->root, rel);
    for (slash = strchr(path + strlen(t->root) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        cr_assert(mkdir(path, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", path, strerror(errno));
        *slash = '/';
    }
    if (text)
        pg_test_write_file(path, text, strlen(text));
    else
        cr_assert(mkdir(path, 0755) == 0 || errno == EEXIST);
}

static int present(const tree *t, const char *rel)
{
    char path[600];
    struct stat st;

    snprintf(path, sizeof path, "%s/%s", t->root, rel);
    return stat(path, &st) == 0;
}

/* Run in root/cwd_rel with `env` (NULL-terminated "NAME=value", may be NULL). */
static int run_in(pg_test_run_result *r, const tree *t, const char *cwd_rel, const char *const *argv,
                  const char *const *env)
{
    char cwd[600];
    pg_test_run_opts o;

    snprintf(cwd, sizeof cwd, "%s/%s", t->root, cwd_rel);
    memset(&o, 0, sizeof o);
    o.cwd = cwd;
    o.env = env;
    cr_assert_eq(pg_test_run_ex(r, argv, &o), 0);
    return r->exit_code;
}

static void tree_free(tree *t)
{
    pg_test_rmtree(t->root);
}

/* ---- finding the file ------------------------------------------------------------ */

Test(config, found_in_a_parent_up_to_the_repository_root)
{
    tree t;
    pg_test_run_result r;
    const char *argv[] = {"check", "-f", "json", MEDIUM_PLAN, NULL};

    tree_new(&t);
    put(&t, "repo/.git/", NULL);
    put(&t, "repo/.plangate.yaml", "quiet: true\n");
    put(&t, "repo/stacks/eu/", NULL);
    cr_assert_eq(run_in(&r, &t, "repo/stacks/eu", argv, NULL), 0, "%s", r.err);
    cr_assert_not_null(strstr(r.out, "\"config\": \"../../.plangate.yaml\""), "the report names the file: %s",
                       r.out);
    pg_test_run_free(&r);

    /* The nearest one wins. */
    put(&t, "repo/stacks/.plangate.yaml", "quiet: false\n");
    cr_assert_eq(run_in(&r, &t, "repo/stacks/eu", argv, NULL), 0, "%s", r.err);
    cr_assert_not_null(strstr(r.out, "\"config\": \"../.plangate.yaml\""), "%s", r.out);
    pg_test_run_free(&r);
    tree_free(&t);
}

Test(config, never_above_the_repository_root_nor_above_a_folder_outside_one)
{
    tree t;
    pg_test_run_result r;
    const char *argv[] = {"check", "-f", "json", MEDIUM_PLAN, NULL};

    tree_new(&t);
    /* Above the root: a file there belongs to another project. */
    put(&t, ".plangate.yaml", "fail_on: medium\n");
    put(&t, "repo/.git", "gitdir: /elsewhere\n"); /* a worktree's .git is a file */
    put(&t, "repo/sub/", NULL);
    cr_assert_eq(run_in(&r, &t, "repo/sub", argv, NULL), 0, "%s", r.err);
    cr_assert_null(strstr(r.out, "\"config\""), "%s", r.out);
    pg_test_run_free(&r);
    /* Outside any repository: the current folder only. */
    put(&t, "plain/sub/", NULL);
    put(&t, "plain/.plangate.yaml", "fail_on: [not, valid]\n");
    cr_assert_eq(run_in(&r, &t, "plain/sub", argv, NULL), 0, "%s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(run_in(&r, &t, "plain", argv, NULL), 2, "the current folder's file is read: %s", r.err);
    pg_test_run_free(&r);
    tree_free(&t);
}

Test(config, no_config_and_config_choose_the_file)
{
    tree t;
    pg_test_run_result r;
    const char *named[] = {"check", "--config", "trusted/gate.yaml", MEDIUM_PLAN, NULL};
    const char *none[] = {"check", "--no-config", MEDIUM_PLAN, NULL};
    const char *both[] = {"check", "--no-config", "-c", "trusted/gate.yaml", MEDIUM_PLAN, NULL};
    const char *plain[] = {"check", MEDIUM_PLAN, NULL};
    const char *env_named[] = {"PLANGATE_CONFIG=trusted/gate.yaml", NULL};
    const char *env_none[] = {"PLANGATE_NO_CONFIG=1", NULL};
    const char *missing[] = {"check", "--config", "nowhere.yaml", MEDIUM_PLAN, NULL};

    tree_new(&t);
    put(&t, ".git/", NULL);
    put(&t, ".plangate.yaml", "quiet: [broken\n");
    put(&t, "trusted/gate.yaml", "fail_on: medium\n");
    cr_assert_eq(run_in(&r, &t, ".", plain, NULL), 2, "the found file is read: %s", r.err);
    cr_assert_not_null(strstr(r.err, ".plangate.yaml:"), "%s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(run_in(&r, &t, ".", none, NULL), 0, "%s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(run_in(&r, &t, ".", plain, env_none), 0, "%s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(run_in(&r, &t, ".", named, NULL), 1, "fail_on: medium from the named file: %s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(run_in(&r, &t, ".", plain, env_named), 1, "PLANGATE_CONFIG names it: %s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(run_in(&r, &t, ".", both, NULL), 2, "%s", r.err);
    cr_assert_not_null(strstr(r.err, "exclude each other"), "%s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(run_in(&r, &t, ".", missing, NULL), 2, "%s", r.err);
    cr_assert_not_null(strstr(r.err, "nowhere.yaml: cannot open the config file"), "%s", r.err);
    pg_test_run_free(&r);
    tree_free(&t);
}

/* ---- precedence ------------------------------------------------------------------ */

Test(config, command_line_over_environment_over_file)
{
    tree t;
    pg_test_run_result r;
    const char *plain[] = {"check", "-c", "gate.yaml", MEDIUM_PLAN, NULL};
    const char *flag_high[] = {"check", "-c", "gate.yaml", "--fail-on", "high", MEDIUM_PLAN, NULL};
    const char *flag_medium[] = {"check", "-c", "high.yaml", "--fail-on=medium", MEDIUM_PLAN, NULL};
    const char *env_high[] = {"PLANGATE_FAIL_ON=high", NULL};
    const char *env_medium[] = {"PLANGATE_FAIL_ON=medium", NULL};
    const char *high_file[] = {"check", "-c", "high.yaml", MEDIUM_PLAN, NULL};

    tree_new(&t);
    put(&t, "gate.yaml", "fail_on: medium\n");
    put(&t, "high.yaml", "fail_on: high\n");
    cr_assert_eq(run_in(&r, &t, ".", plain, NULL), 1, "the file: %s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(run_in(&r, &t, ".", flag_high, NULL), 0, "the flag over the file: %s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(run_in(&r, &t, ".", plain, env_high), 0, "the environment over the file: %s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(run_in(&r, &t, ".", high_file, env_medium), 1, "%s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(run_in(&r, &t, ".", flag_medium, env_high), 1, "the flag over the environment: %s", r.err);
    pg_test_run_free(&r);
    tree_free(&t);
}

/* A list from a higher layer replaces the lower one's whole. */
Test(config, lists_are_replaced_whole)
{
    tree t;
    pg_test_run_result r;
    const char *plain[] = {"check", "-c", "gate.yaml", MEDIUM_PLAN, NULL};
    const char *flag[] = {"check", "-c", "gate.yaml", "-o", "json=c.json", MEDIUM_PLAN, NULL};
    const char *env[] = {"PLANGATE_REPORT=json=b1.json::text=b2.txt", NULL};

    tree_new(&t);
    put(&t, "gate.yaml", "report: [json=a1.json, text=a2.txt]\n");
    cr_assert_eq(run_in(&r, &t, ".", plain, NULL), 0, "%s", r.err);
    cr_assert(present(&t, "a1.json") && present(&t, "a2.txt"));
    pg_test_run_free(&r);
    cr_assert_eq(run_in(&r, &t, ".", plain, env), 0, "%s", r.err);
    cr_assert(present(&t, "b1.json") && present(&t, "b2.txt"), "the variable's list, split at ':'");
    pg_test_run_free(&r);
    cr_assert_eq(run_in(&r, &t, ".", flag, env), 0, "%s", r.err);
    cr_assert(present(&t, "c.json"));
    pg_test_run_free(&r);
    /* Only the winning layer wrote: remove all, run the flag case again. */
    tree_free(&t);
    tree_new(&t);
    put(&t, "gate.yaml", "report: [json=a1.json]\n");
    cr_assert_eq(run_in(&r, &t, ".", flag, env), 0, "%s", r.err);
    cr_assert(present(&t, "c.json") && !present(&t, "a1.json") && !present(&t, "b1.json"));
    pg_test_run_free(&r);
    tree_free(&t);
}

/* A flag set to false in a higher layer takes the lower layer's back. */
Test(config, flags_from_every_layer)
{
    tree t;
    pg_test_run_result r;
    const char *argv[] = {"check", "-c", "gate.yaml", DEMO_PLAN, NULL};
    const char *off[] = {"PLANGATE_QUIET=0", NULL};
    const char *bad[] = {"PLANGATE_QUIET=maybe", NULL};
    size_t quiet_len;

    tree_new(&t);
    put(&t, "gate.yaml", "quiet: true\n");
    cr_assert_eq(run_in(&r, &t, ".", argv, NULL), 1, "%s", r.err);
    quiet_len = r.out_len;
    pg_test_run_free(&r);
    cr_assert_eq(run_in(&r, &t, ".", argv, off), 1, "%s", r.err);
    cr_assert_gt(r.out_len, quiet_len, "PLANGATE_QUIET=0 undoes quiet: true");
    pg_test_run_free(&r);
    cr_assert_eq(run_in(&r, &t, ".", argv, bad), 2, "%s", r.err);
    cr_assert_not_null(strstr(r.err, "PLANGATE_QUIET: wants 1 or 0"), "%s", r.err);
    pg_test_run_free(&r);
    put(&t, "gate.yaml", "quiet: \"yes\"\n");
    cr_assert_eq(run_in(&r, &t, ".", argv, NULL), 2, "%s", r.err);
    cr_assert_not_null(strstr(r.err, "gate.yaml:1:8: quiet wants true or false"), "%s", r.err);
    pg_test_run_free(&r);
    tree_free(&t);
}

/* ---- paths and values ------------------------------------------------------------ */

Test(config, paths_are_relative_to_the_file)
{
    tree t;
    pg_test_run_result r;
    const char *argv[] = {"check", "--config", "../conf/gate.yaml", MEDIUM_PLAN, NULL};

    tree_new(&t);
    put(&t, "conf/gate.yaml", "policy: [pol/]\nreport: [json=out/r.json]\n");
    put(&t, "conf/pol/bad.yaml", "version: 1\nrules: 7\n");
    put(&t, "conf/out/", NULL);
    put(&t, "work/", NULL);
    cr_assert_eq(run_in(&r, &t, "work", argv, NULL), 4, "the policy under conf/ is loaded: %s", r.err);
    cr_assert_not_null(strstr(r.err, "../conf/pol/bad.yaml:2:"), "%s", r.err);
    pg_test_run_free(&r);
    put(&t, "conf/pol/bad.yaml", "version: 1\n");
    cr_assert_eq(run_in(&r, &t, "work", argv, NULL), 0, "%s", r.err);
    cr_assert(present(&t, "conf/out/r.json"), "the report beside the file");
    pg_test_run_free(&r);
    tree_free(&t);
}

Test(config, invalid_files_say_file_line_col_and_exit_2)
{
    static const struct {
        const char *text, *err;
    } cases[] = {
        {"fail_on: [high\n", "gate.yaml:2:1: "},
        {"fail-on: high\n", "gate.yaml:1:1: unknown key \"fail-on\", write _ for -"},
        {"colour: never\n", "gate.yaml:1:1: unknown key \"colour\""},
        {"config: other.yaml\n", "gate.yaml:1:1: unknown key \"config\""},
        {"help: true\n", "gate.yaml:1:1: unknown key \"help\""},
        {"fail_on: [high, low]\n", "gate.yaml:1:1: fail_on takes one value, not a list"},
        {"fail_on:\n  level: high\n", "gate.yaml:2:3: the value of fail_on is a mapping"},
        {"policy: [[a]]\n", "gate.yaml:1:10: an item of policy holds a list"},
        {"fail_on: high\nfail_on: low\n", "gate.yaml:2:1: duplicate key \"fail_on\""},
        {"fail_on: hgih\n", "gate.yaml:1:10: unknown --fail-on \"hgih\""},
        {"format: yaml\n", "gate.yaml:1:9: unknown --format \"yaml\""},
        {"color: sometimes\n", "gate.yaml:1:8: unknown --color \"sometimes\""},
        {"max_depth: 99999\n", "gate.yaml:1:12: --max-depth wants a number"},
        {"fail_on:\n", "gate.yaml:1:9: fail_on wants SEVERITY, not an empty value"},
        {"backend: true\n", "gate.yaml:1:10: backend wants FILE, not a boolean"},
        {"report: [out.json]\n", "gate.yaml:1:10: report wants FORMAT=PATH"},
        {"- fail_on\n", "gate.yaml:1:1: a config file is a mapping of settings"},
        {"fail_on: &a high\nformat: *a\n", "unknown --format \"high\""},
    };
    tree t;
    pg_test_run_result r;
    const char *argv[] = {"check", "-c", "gate.yaml", MEDIUM_PLAN, NULL};
    size_t i;

    tree_new(&t);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        put(&t, "gate.yaml", cases[i].text);
        cr_assert_eq(run_in(&r, &t, ".", argv, NULL), 2, "%s: %s", cases[i].text, r.err);
        cr_assert_not_null(strstr(r.err, cases[i].err), "%s: wanted %s in %s", cases[i].text, cases[i].err, r.err);
        cr_assert_eq(r.out_len, 0, "nothing on stdout");
        pg_test_run_free(&r);
    }
    /* An empty file sets nothing. */
    put(&t, "gate.yaml", "");
    cr_assert_eq(run_in(&r, &t, ".", argv, NULL), 0, "%s", r.err);
    pg_test_run_free(&r);
    put(&t, "gate.yaml", "# nothing yet\n");
    cr_assert_eq(run_in(&r, &t, ".", argv, NULL), 0, "%s", r.err);
    pg_test_run_free(&r);
    tree_free(&t);
}

Test(config, help_reads_no_config)
{
    tree t;
    pg_test_run_result r;
    const char *argv[] = {"check", "-h", NULL};
    const char *env[] = {"PLANGATE_FAIL_ON=bogus", NULL};

    tree_new(&t);
    put(&t, ".plangate.yaml", "broken: [\n");
    cr_assert_eq(run_in(&r, &t, ".", argv, env), 0, "%s", r.err);
    cr_assert_not_null(strstr(r.out, "PLANGATE_"), "the help names the variables: %s", r.out);
    cr_assert_not_null(strstr(r.out, "-c, --config FILE"), "%s", r.out);
    pg_test_run_free(&r);
    tree_free(&t);
}

Test(config, every_variable_of_the_keys)
{
    tree t;
    pg_test_run_result r;
    const char *argv[] = {"check", "--no-config", MEDIUM_PLAN, NULL};
    const char *fmt[] = {"PLANGATE_FORMAT=json", NULL};
    const char *pol[] = {"PLANGATE_POLICY=pol", NULL};
    const char *nodef[] = {"PLANGATE_NO_DEFAULT_POLICIES=1", "PLANGATE_FAIL_ON=info", NULL};
    const char *depth[] = {"PLANGATE_MAX_DEPTH=0", NULL};
    const char *elem[] = {"PLANGATE_MAX_ELEMENT_BYTES=x", NULL};
    const char *color[] = {"PLANGATE_COLOR=always", NULL};
    const char *waivers[] = {"PLANGATE_WAIVERS=w.yaml", NULL};
    const char *backend[] = {"PLANGATE_BACKEND=nowhere.tfstate", NULL};
    const char *empty[] = {"PLANGATE_FAIL_ON=", NULL};

    tree_new(&t);
    put(&t, "pol/bad.yaml", "nonsense: 1\n");
    put(&t, "w.yaml", "version: 1\nrules: []\n");
    cr_assert_eq(run_in(&r, &t, ".", argv, fmt), 0, "%s", r.err);
    cr_assert_eq(r.out[0], '{', "%s", r.out);
    pg_test_run_free(&r);
    cr_assert_eq(run_in(&r, &t, ".", argv, pol), 4, "%s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(run_in(&r, &t, ".", argv, nodef), 1, "%s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(run_in(&r, &t, ".", argv, depth), 2, "%s", r.err);
    cr_assert_not_null(strstr(r.err, "PLANGATE_MAX_DEPTH: --max-depth wants"), "%s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(run_in(&r, &t, ".", argv, elem), 2, "%s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(run_in(&r, &t, ".", argv, color), 0, "%s", r.err);
    cr_assert_not_null(strstr(r.out, "\x1b["), "colour on a pipe: %s", r.out);
    pg_test_run_free(&r);
    cr_assert_eq(run_in(&r, &t, ".", argv, waivers), 4, "the waivers file is loaded: %s", r.err);
    cr_assert_not_null(strstr(r.err, "w.yaml"), "%s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(run_in(&r, &t, ".", argv, backend), 3, "%s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(run_in(&r, &t, ".", argv, empty), 0, "an empty variable is unset: %s", r.err);
    pg_test_run_free(&r);
    tree_free(&t);
}

/* ---- trust ----------------------------------------------------------------------- */

/* A .plangate.yaml found in the checkout is the change's: it cannot loosen
 * the gate; the same lines in a file the pipeline names are fine. */
Test(config, a_found_file_may_not_weaken_the_gate)
{
    static const char *const trusted_only[] = {
        "policy: [p/]\n", "fail_on: critical\n", "no_default_policies: true\n", "backend: b.tfstate\n",
    };
    char *state = pg_test_read_file(PG_TESTDATA "/backend/s3.tfstate", NULL);
    tree t;
    pg_test_run_result r;
    const char *found[] = {"check", MEDIUM_PLAN, NULL};
    const char *named[] = {"check", "--config", ".plangate.yaml", MEDIUM_PLAN, NULL};
    size_t i;

    tree_new(&t);
    put(&t, ".git/", NULL);
    put(&t, "p/ok.yaml", "version: 1\n");
    cr_assert_not_null(state);
    put(&t, "b.tfstate", state); /* a backend names the state-lock table: a forged one hides the real one */
    free(state);
    for (i = 0; i < sizeof trusted_only / sizeof trusted_only[0]; i++) {
        put(&t, ".plangate.yaml", trusted_only[i]);
        cr_assert_eq(run_in(&r, &t, ".", found, NULL), 2, "%s: %s", trusted_only[i], r.err);
        cr_assert_not_null(strstr(r.err, "found in the checkout is part of the change under review"), "%s",
                           r.err);
        cr_assert_not_null(strstr(r.err, ".plangate.yaml:1:1: "), "%s", r.err);
        pg_test_run_free(&r);
        cr_assert_eq(run_in(&r, &t, ".", named, NULL), 0, "%s from --config: %s", trusted_only[i], r.err);
        pg_test_run_free(&r);
    }
    /* What the change may say: its waivers, how the report looks, where it goes. */
    put(&t, "w.yaml", "version: 1\nwaivers: []\n");
    put(&t, "out/", NULL);
    put(&t, ".plangate.yaml", "waivers: [w.yaml]\nformat: json\nreport: [text=out/r.txt]\nquiet: true\n"
                              "color: never\nmax_depth: 600\n");
    cr_assert_eq(run_in(&r, &t, ".", found, NULL), 0, "%s", r.err);
    cr_assert(present(&t, "out/r.txt"));
    pg_test_run_free(&r);
    tree_free(&t);
}

Test(config, a_found_file_writes_reports_only_inside_its_folder)
{
    static const char *const outside[] = {
        "report: [json=../r.json]\n",   "report: [json=/tmp/pg-config-abs.json]\n",
        "report: [json=a/../../r.json]\n", "report: [json=.git/hooks/post-checkout]\n",
        "report: [json=link/r.json]\n",
    };
    tree t;
    pg_test_run_result r;
    const char *found[] = {"check", MEDIUM_PLAN, NULL};
    char link_path[600];
    size_t i;

    tree_new(&t);
    put(&t, "repo/.git/hooks/", NULL);
    put(&t, "repo/a/", NULL);
    put(&t, "elsewhere/", NULL);
    snprintf(link_path, sizeof link_path, "%s/repo/link", t.root);
    cr_assert_eq(symlink("../elsewhere", link_path), 0);
    for (i = 0; i < sizeof outside / sizeof outside[0]; i++) {
        put(&t, "repo/.plangate.yaml", outside[i]);
        cr_assert_eq(run_in(&r, &t, "repo", found, NULL), 2, "%s: %s", outside[i], r.err);
        cr_assert_not_null(strstr(r.err, "stays inside that folder"), "%s", r.err);
        pg_test_run_free(&r);
    }
    cr_assert(!present(&t, "elsewhere/r.json") && !present(&t, "r.json"));
    /* The pipeline may name any place. */
    put(&t, "repo/.plangate.yaml", "report: [json=link/r.json]\n");
    {
        const char *named[] = {"check", "-c", ".plangate.yaml", MEDIUM_PLAN, NULL};
        cr_assert_eq(run_in(&r, &t, "repo", named, NULL), 0, "%s", r.err);
        cr_assert(present(&t, "elsewhere/r.json"));
        pg_test_run_free(&r);
    }
    tree_free(&t);
}
