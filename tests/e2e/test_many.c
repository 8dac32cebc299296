/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_many.c — many plans in one run, audit mode, --title and the comment
 * marker (issues 15, 16, 17), end to end through the CLI.
 *
 * The monorepo case generates a 50-stack tree in a scratch folder (a .git
 * folder marks the repository root, one .plangate.yaml at the root, one
 * folder per stack holding a passing, failing or unreadable plan copied
 * from testdata/plans), runs one `plangate check` over every stack with a
 * report file per format, and checks the exit code, each format's sections
 * (count and order), the overall verdict, and that a rerun, a sequential
 * run (--jobs 1, PLANGATE_NO_THREADS) and a parallel one give the same bytes.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../unit/test_report_support.h"
#include "support.h"

#define N_STACKS 50
#define DEMO_PLAN PG_TESTDATA "/plans/demo/plan.json"             /* FAIL at high */
#define PASS_PLAN PG_TESTDATA "/plans/in-no-changes/plan.json"    /* PASS */
#define MEDIUM_PLAN PG_TESTDATA "/plans/det-provisioned/plan.json" /* PASS at high, FAIL at medium */
#define BAD_PLAN PG_TESTDATA "/plans/in-truncated/plan.json"      /* exit 3 */
#define BAD_POLICY PG_TESTDATA "/policies/err-bad-severity/policy.yaml"

/* The one-plan comment's verdict headings (markdown.c). */
#define MD_PASS "\n### \xe2\x9c\x85 plangate: PASS"
#define MD_FAIL "\n### \xe2\x9d\x8c plangate: FAIL"
#define MD_ERROR " plangate: plan could not be read\n"

static const char *const formats[] = {"json", "sarif", "junit", "markdown", "github"};
#define N_FORMATS (sizeof formats / sizeof formats[0])

typedef enum { K_PASS, K_FAIL, K_BAD, K_MEDIUM } kind;

/* The plan of stack i: 30 pass (10 of them with a medium finding), 10 fail, 10 unreadable. */
static kind kind_of(size_t i)
{
    switch (i % 5) {
    case 2: return K_FAIL;
    case 3: return K_BAD;
    case 4: return K_MEDIUM;
    default: return K_PASS;
    }
}

static const char *const fixture[] = {PASS_PLAN, DEMO_PLAN, BAD_PLAN, MEDIUM_PLAN};

static void put(const char *root, const char *rel, const char *data, size_t len)
{
    char path[700], *slash;

    snprintf(path, sizeof path, "%s/%s", root, rel);
    for (slash = strchr(path + strlen(root) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        cr_assert(mkdir(path, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", path, strerror(errno));
        *slash = '/';
    }
    pg_test_write_file(path, data, len);
}

static void copy_in(const char *root, const char *rel, const char *from)
{
    size_t len;
    char *data = pg_test_read_file(from, &len);

    cr_assert(data, "cannot read %s", from);
    put(root, rel, data, len);
    free(data);
}

/* The tree: root/.git, root/.plangate.yaml, root/stacks/sNN/plan.json. */
static void make_tree(char *root, size_t size, size_t n, int with_bad)
{
    char rel[64], path[700];
    size_t i;

    pg_test_scratch(root, size);
    snprintf(path, sizeof path, "%s/.git", root);
    cr_assert(mkdir(path, 0755) == 0);
    put(root, ".plangate.yaml", "title: monorepo\ncolor: never\n", 29);
    for (i = 0; i < n; i++) {
        kind k = kind_of(i);
        if (k == K_BAD && !with_bad)
            k = K_PASS;
        snprintf(rel, sizeof rel, "stacks/s%02zu/plan.json", i);
        copy_in(root, rel, fixture[k]);
    }
    snprintf(path, sizeof path, "%s/out", root);
    cr_assert(mkdir(path, 0755) == 0);
}

typedef struct run_out {
    int exit_code;
    char *text;             /* stdout */
    char *err;              /* stderr */
    char *file[N_FORMATS];  /* each --report file */
    size_t len[N_FORMATS];
} run_out;

/* plangate check --jobs JOBS -o FMT=out/r-TAG.FMT... stacks/s00/plan.json ... in root. */
static void run_tree(run_out *o, const char *root, size_t n, const char *jobs, const char *tag,
                     const char *const *env)
{
    const char *argv[8 + 2 * N_FORMATS + N_STACKS + 1];
    char reports[N_FORMATS][64], plans[N_STACKS][64], path[700];
    pg_test_run_opts opts;
    pg_test_run_result r;
    size_t k = 0, i;

    argv[k++] = "check";
    if (jobs) {
        argv[k++] = "--jobs";
        argv[k++] = jobs;
    }
    for (i = 0; i < N_FORMATS; i++) {
        snprintf(reports[i], sizeof reports[i], "%s=out/r-%s.%s", formats[i], tag, formats[i]);
        argv[k++] = "-o";
        argv[k++] = reports[i];
    }
    for (i = 0; i < n; i++) {
        snprintf(plans[i], sizeof plans[i], "stacks/s%02zu/plan.json", i);
        argv[k++] = plans[i];
    }
    argv[k] = NULL;
    memset(&opts, 0, sizeof opts);
    opts.cwd = root;
    opts.env = env;
    cr_assert_eq(pg_test_run_ex(&r, argv, &opts), 0);
    memset(o, 0, sizeof *o);
    o->exit_code = r.exit_code;
    o->text = r.out;
    o->err = r.err;
    for (i = 0; i < N_FORMATS; i++) {
        snprintf(path, sizeof path, "%s/out/r-%s.%s", root, tag, formats[i]);
        o->file[i] = pg_test_read_file(path, &o->len[i]);
        cr_assert(o->file[i], "no %s report", formats[i]);
    }
}

static void run_out_free(run_out *o)
{
    size_t i;

    free(o->text);
    free(o->err);
    for (i = 0; i < N_FORMATS; i++)
        free(o->file[i]);
}

static size_t count(const char *s, const char *needle)
{
    size_t n = 0;

    for (s = strstr(s, needle); s; s = strstr(s + 1, needle))
        n++;
    return n;
}

static void same_output(const run_out *a, const run_out *b, const char *what)
{
    size_t i;

    cr_assert_eq(a->exit_code, b->exit_code, "%s: exit code", what);
    cr_assert_str_eq(a->text, b->text, "%s: the text report differs", what);
    cr_assert_str_eq(a->err, b->err, "%s: stderr differs", what);
    for (i = 0; i < N_FORMATS; i++) {
        cr_assert_eq(a->len[i], b->len[i], "%s: the %s report differs in length", what, formats[i]);
        cr_assert(memcmp(a->file[i], b->file[i], a->len[i]) == 0, "%s: the %s report differs", what, formats[i]);
    }
}

/* Lines of `s` that start with `word`. */
static size_t lines_starting(const char *s, const char *word)
{
    size_t n = 0, wl = strlen(word);
    const char *line;

    for (line = s; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL)
        n += strncmp(line, word, wl) == 0;
    return n;
}

/* The same count in the text report of `plan` checked alone. */
static size_t lines_alone(const char *plan, const char *word)
{
    const char *argv[] = {"check", "--no-config", "--color=never", plan, NULL};
    pg_test_run_result r;
    size_t n;

    cr_assert_eq(pg_test_run(&r, argv, NULL, NULL), 0);
    n = lines_starting(r.out, word);
    pg_test_run_free(&r);
    return n;
}

/* Every format has one section per plan, in argument order (Markdown: failing first). */
static void check_sections(const run_out *o, size_t n, int with_bad)
{
    size_t n_fail = 0, n_bad = 0, n_pass = 0, i;
    char needle[256], summary[128];
    const char *prev, *at;
    json_error_t jerr;
    json_t *doc, *plans, *runs;

    for (i = 0; i < n; i++) {
        kind k = kind_of(i);
        if (k == K_BAD && !with_bad)
            k = K_PASS;
        n_fail += k == K_FAIL;
        n_bad += k == K_BAD;
        n_pass += k == K_PASS || k == K_MEDIUM;
    }

    /* text: the title once, a header per plan in order, one overall verdict line */
    cr_assert(strncmp(o->text, "plangate: monorepo\n", 19) == 0, "%.200s", o->text);
    for (prev = o->text, i = 0; i < n; i++) {
        snprintf(needle, sizeof needle, "=== plan %zu of %zu: stacks/s%02zu/plan.json ===\n", i + 1, n, i);
        at = strstr(prev, needle);
        cr_assert(at, "text: no section %s", needle);
        prev = at + 1;
    }
    cr_assert_eq(count(o->text, "=== plan "), n);
    if (with_bad)
        snprintf(summary, sizeof summary, "\nERROR: %zu plans: %zu failed, %zu unreadable, %zu passed\n", n, n_fail,
                 n_bad, n_pass);
    else
        snprintf(summary, sizeof summary, "\nFAIL: %zu plans: %zu failed, %zu passed\n", n, n_fail, n_pass);
    cr_assert(strstr(o->text, summary), "text: no %s", summary);
    /* each plan's section is its report alone (verdict lines and all), and
     * the run's verdict line comes last */
    {
        size_t fail_lines = lines_alone(DEMO_PLAN, "FAIL: "), error_lines = lines_alone(BAD_PLAN, "ERROR: ");
        cr_assert_gt(fail_lines, 0u);
        cr_assert_gt(error_lines, 0u);
        cr_assert_eq(lines_starting(o->text, "FAIL: "), n_fail * fail_lines + (with_bad ? 0u : 1u), "%s", o->text);
        cr_assert_eq(lines_starting(o->text, "ERROR: "), n_bad * error_lines + (with_bad ? 1u : 0u), "%s", o->text);
    }

    /* json: the multi-plan shape */
    doc = json_loadb(o->file[0], o->len[0], 0, &jerr);
    cr_assert(doc, "json: %s", jerr.text);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "schema")), "plangate/report/v1");
    cr_assert_str_eq(json_string_value(json_object_get(doc, "title")), "monorepo");
    cr_assert_str_eq(json_string_value(json_object_get(doc, "verdict")), with_bad ? "error" : "fail");
    cr_assert_eq(json_integer_value(json_object_get(doc, "exit_code")), with_bad ? 3 : 1);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(doc, "summary"), "plans")), (json_int_t)n);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(doc, "summary"), "failed")), (json_int_t)n_fail);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(doc, "summary"), "unreadable")),
                 (json_int_t)n_bad);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(doc, "summary"), "passed")), (json_int_t)n_pass);
    plans = json_object_get(doc, "plans");
    cr_assert_eq(json_array_size(plans), n);
    for (i = 0; i < n; i++) {
        json_t *p = json_array_get(plans, i);
        kind k = kind_of(i);
        if (k == K_BAD && !with_bad)
            k = K_PASS;
        snprintf(needle, sizeof needle, "stacks/s%02zu/plan.json", i);
        cr_assert_str_eq(json_string_value(json_object_get(p, "path")), needle);
        /* the one-plan object, as `plangate check` of that plan alone writes it */
        cr_assert_str_eq(json_string_value(json_object_get(p, "schema")), "plangate/report/v1");
        cr_assert(json_is_array(json_object_get(p, "findings")));
        cr_assert_str_eq(json_string_value(json_object_get(p, "verdict")),
                         k == K_FAIL ? "fail" : k == K_BAD ? "error" : "pass", "%s", needle);
    }
    json_decref(doc);

    /* sarif: one run per plan, each its own category */
    doc = json_loadb(o->file[1], o->len[1], 0, &jerr);
    cr_assert(doc, "sarif: %s", jerr.text);
    runs = json_object_get(doc, "runs");
    cr_assert_eq(json_array_size(runs), n);
    for (i = 0; i < n; i++) {
        json_t *run = json_array_get(runs, i);
        json_t *art = json_array_get(json_object_get(run, "artifacts"), 0);
        snprintf(needle, sizeof needle, "plangate/monorepo/stacks/s%02zu/plan.json/", i);
        cr_assert_str_eq(json_string_value(json_object_get(json_object_get(run, "automationDetails"), "id")), needle);
        snprintf(needle, sizeof needle, "stacks/s%02zu/plan.json", i);
        /* relative to the repository root (the tree's .git) */
        cr_assert_str_eq(json_string_value(json_object_get(json_object_get(art, "location"), "uri")), needle);
        cr_assert_str_eq(json_string_value(json_object_get(json_object_get(art, "location"), "uriBaseId")),
                         "%SRCROOT%");
    }
    json_decref(doc);

    /* junit: one suite per plan, named by its path, in order, inside the titled <testsuites> */
    cr_assert(strstr(o->file[2], "<testsuites name=\"monorepo\""), "%.300s", o->file[2]);
    cr_assert_eq(count(o->file[2], "<testsuite name="), n);
    for (prev = o->file[2], i = 0; i < n; i++) {
        snprintf(needle, sizeof needle, "<testsuite name=\"stacks/s%02zu/plan.json\"", i);
        at = strstr(prev, needle);
        cr_assert(at, "junit: no suite %s", needle);
        prev = at + 1;
    }

    /* markdown: within GitHub's limit, the marker first, every plan there or
     * counted, unreadable then failing plans before the passing ones */
    cr_assert_lt(o->len[3], 65536u);
    cr_assert(strncmp(o->file[3], "<!-- plangate: monorepo -->\n", 28) == 0, "%.100s", o->file[3]);
    {
        size_t shown = count(o->file[3], "\n### ");
        const char *more = strstr(o->file[3], "more plan");
        const char *last_bad = NULL, *last_fail = NULL, *first_pass = strstr(o->file[3], MD_PASS);
        for (at = strstr(o->file[3], MD_ERROR); at; at = strstr(at + 1, MD_ERROR))
            last_bad = at;
        for (at = strstr(o->file[3], MD_FAIL); at; at = strstr(at + 1, MD_FAIL))
            last_fail = at;
        cr_assert(shown == n || more, "markdown: %zu of %zu plans and no line saying what was cut", shown, n);
        cr_assert(last_fail, "markdown: no failing plan");
        if (with_bad)
            cr_assert(last_bad && last_bad < strstr(o->file[3], MD_FAIL),
                      "markdown: unreadable plans come first");
        if (first_pass)
            cr_assert(last_fail < first_pass && (!last_bad || last_bad < first_pass),
                      "markdown: failing plans before passing ones");
    }

    /* github: a fixed line per plan, in order, and the overall verdict last */
    for (prev = o->file[4], i = 0; i < n; i++) {
        snprintf(needle, sizeof needle, "plangate: plan %zu of %zu: stacks/s%02zu/plan.json\n", i + 1, n, i);
        at = strstr(prev, needle);
        cr_assert(at, "github: no line %s", needle);
        prev = at + 1;
    }
    snprintf(needle, sizeof needle, "plangate: %s", summary + 1);
    cr_assert(strstr(o->file[4], needle), "github: no %s", needle);
    cr_assert_null(rpt_forged_command(o->file[4], o->len[4], 1));
}

Test(many, fifty_stacks_in_one_run)
{
    static const char *const no_threads[] = {"PLANGATE_NO_THREADS=1", NULL};
    char root[256];
    run_out a, b, seq, nothreads;

    make_tree(root, sizeof root, N_STACKS, 1);
    run_tree(&a, root, N_STACKS, "4", "a", NULL);
    cr_assert_eq(a.exit_code, 3, "an unreadable plan never hides behind a passing one: %s", a.err);
    check_sections(&a, N_STACKS, 1);
    /* stderr names each unreadable plan once, in argument order */
    cr_assert_eq(count(a.err, "stacks/s"), N_STACKS / 5, "%s", a.err);

    run_tree(&b, root, N_STACKS, "4", "b", NULL);
    same_output(&a, &b, "a rerun");
    run_tree(&seq, root, N_STACKS, "1", "c", NULL);
    same_output(&a, &seq, "--jobs 1 against --jobs 4");
    run_tree(&nothreads, root, N_STACKS, NULL, "d", no_threads);
    same_output(&a, &nothreads, "PLANGATE_NO_THREADS against --jobs 4");

    run_out_free(&a);
    run_out_free(&b);
    run_out_free(&seq);
    run_out_free(&nothreads);
    pg_test_rmtree(root);
}

Test(many, failing_stacks_exit_1)
{
    char root[256];
    run_out a;

    make_tree(root, sizeof root, 20, 0);
    run_tree(&a, root, 20, NULL, "a", NULL);
    cr_assert_eq(a.exit_code, 1, "%s", a.err);
    check_sections(&a, 20, 0);
    run_out_free(&a);
    pg_test_rmtree(root);
}

/* MARK: small runs */

static int run(pg_test_run_result *r, const char *const *argv, const char *const *env)
{
    cr_assert_eq(pg_test_run(r, argv, NULL, env), 0);
    return r->exit_code;
}

Test(many, passing_plans_exit_0_and_one_plan_is_unchanged)
{
    const char *two[] = {"check", "-f", "json", PASS_PLAN, MEDIUM_PLAN, NULL};
    const char *one_many[] = {"check", "-f", "json", PASS_PLAN, NULL};
    pg_test_run_result r;

    cr_assert_eq(run(&r, two, NULL), 0, "%s", r.err);
    cr_assert(strstr(r.out, "\"exit_code\": 0"), "%s", r.out);
    cr_assert(strstr(r.out, "\"passed\": 2"), "%s", r.out);
    pg_test_run_free(&r);
    /* one plan: the one-plan document (no "plans", no "path") */
    cr_assert_eq(run(&r, one_many, NULL), 0, "%s", r.err);
    cr_assert_null(strstr(r.out, "\"plans\""));
    cr_assert_null(strstr(r.out, "\"path\""));
    pg_test_run_free(&r);
}

Test(many, the_failing_plan_decides_whatever_the_order)
{
    const char *ab[] = {"check", "-q", DEMO_PLAN, PASS_PLAN, NULL};
    const char *ba[] = {"check", "-q", PASS_PLAN, DEMO_PLAN, NULL};
    const char *bad_last[] = {"check", "-q", PASS_PLAN, DEMO_PLAN, BAD_PLAN, NULL};
    const char *bad_first[] = {"check", "-q", BAD_PLAN, DEMO_PLAN, PASS_PLAN, NULL};
    pg_test_run_result r;

    cr_assert_eq(run(&r, ab, NULL), 1);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, ba, NULL), 1);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, bad_last, NULL), 3);
    cr_assert(strstr(r.out, "ERROR: 3 plans: 1 failed, 1 unreadable, 1 passed\n"), "%s", r.out);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, bad_first, NULL), 3);
    pg_test_run_free(&r);
}

Test(many, stdin_once)
{
    const char *twice[] = {"check", "-", PASS_PLAN, "-", NULL};
    const char *once[] = {"check", "-f", "junit", PASS_PLAN, "-", NULL};
    pg_test_run_result r;

    cr_assert_eq(run(&r, twice, NULL), 2);
    cr_assert(strstr(r.err, "'-' (standard input) may be given once"), "%s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(pg_test_run(&r, once, DEMO_PLAN, NULL), 0);
    cr_assert_eq(r.exit_code, 1, "%s", r.err);
    cr_assert(strstr(r.out, "<testsuite name=\"&lt;stdin&gt;\""), "%s", r.out);
    pg_test_run_free(&r);
}

Test(many, a_bad_policy_is_4_before_any_plan)
{
    const char *argv[] = {"check", "-p", BAD_POLICY, DEMO_PLAN, "/nonexistent/plan.json", NULL};
    pg_test_run_result r;

    cr_assert_eq(run(&r, argv, NULL), 4, "%s", r.err);
    cr_assert_null(strstr(r.err, "/nonexistent/plan.json"), "no plan is read: %s", r.err);
    cr_assert_eq(r.out_len, 0u);
    pg_test_run_free(&r);
}

Test(many, bad_jobs_is_a_usage_error)
{
    const char *zero[] = {"check", "--jobs", "0", PASS_PLAN, NULL};
    const char *word[] = {"check", "--jobs", "many", PASS_PLAN, NULL};
    pg_test_run_result r;

    cr_assert_eq(run(&r, zero, NULL), 2);
    cr_assert(strstr(r.err, "--jobs"), "%s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, word, NULL), 2);
    pg_test_run_free(&r);
}

/* MARK: audit mode */

Test(many, audit_mode_passes_findings_but_not_broken_input)
{
    static const char *const env_none[] = {"PLANGATE_FAIL_ON=none", NULL};
    const char *text[] = {"check", "--fail-on", "none", DEMO_PLAN, NULL};
    const char *json[] = {"check", "--fail-on", "none", "-f", "json", DEMO_PLAN, NULL};
    const char *by_env[] = {"check", "-q", DEMO_PLAN, NULL};
    const char *bad_plan[] = {"check", "--fail-on", "none", DEMO_PLAN, BAD_PLAN, NULL};
    const char *bad_policy[] = {"check", "--fail-on", "none", "-p", BAD_POLICY, DEMO_PLAN, NULL};
    const char *many[] = {"check", "--fail-on", "none", "-f", "json", DEMO_PLAN, PASS_PLAN, NULL};
    const char *fmts[] = {"sarif", "junit", "markdown", "github"};
    pg_test_run_result r;
    size_t i;

    cr_assert_eq(run(&r, text, NULL), 0, "%s", r.err);
    cr_assert(strstr(r.out, "\nAUDIT: would fail: ") && strstr(r.out, " blocking findings at or above high; audit mode"),
              "%s", r.out);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, json, NULL), 0, "%s", r.err);
    cr_assert(strstr(r.out, "\"verdict\": \"fail\",\n  \"fail_on\": \"high\",\n  \"audit\": true,"), "%s", r.out);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, by_env, env_none), 0, "%s", r.err);
    cr_assert(strstr(r.out, "AUDIT: would fail"), "%s", r.out);
    pg_test_run_free(&r);
    for (i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
        const char *argv[] = {"check", "--fail-on", "none", "-f", fmts[i], DEMO_PLAN, NULL};
        cr_assert_eq(run(&r, argv, NULL), 0, "%s: %s", fmts[i], r.err);
        cr_assert(strstr(r.out, "AUDIT: would fail") || strstr(r.out, "\"audit\": true"), "%s: %s", fmts[i],
                  r.out);
        pg_test_run_free(&r);
    }
    /* an unreadable plan is 3 and a bad policy 4 in audit mode too */
    cr_assert_eq(run(&r, bad_plan, NULL), 3);
    cr_assert(strstr(r.out, "could not be evaluated, which fails the run in audit mode too"), "%s", r.out);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, bad_policy, NULL), 4);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, many, NULL), 0, "%s", r.err);
    cr_assert(strstr(r.out, "\"exit_code\": 0"), "%s", r.out);
    cr_assert(strstr(r.out, "\"verdict\": \"fail\""), "%s", r.out);
    pg_test_run_free(&r);
}

/* MARK: --title and the marker */

#define HOSTILE_TITLE "prod --> <img src=x onerror=alert(1)>\n::error::forged ##[group]x -- -->"

Test(many, a_hostile_title_is_inert_everywhere)
{
    const char *md[] = {"check", "-f", "markdown", "--title", HOSTILE_TITLE, DEMO_PLAN, NULL};
    const char *md_many[] = {"check", "-f", "markdown", "--title", HOSTILE_TITLE, DEMO_PLAN, PASS_PLAN, NULL};
    const char *text[] = {"check", "--title", HOSTILE_TITLE, DEMO_PLAN, NULL};
    const char *gh[] = {"check", "-f", "github", "--title", HOSTILE_TITLE, DEMO_PLAN, PASS_PLAN, NULL};
    const char *json[] = {"check", "-f", "json", "--title", HOSTILE_TITLE, DEMO_PLAN, NULL};
    const char *junit[] = {"check", "-f", "junit", "--title", HOSTILE_TITLE, DEMO_PLAN, NULL};
    const char *const *mds[] = {md, md_many};
    pg_test_run_result r;
    size_t i;

    for (i = 0; i < 2; i++) {
        const char *end;
        cr_assert_eq(run(&r, mds[i], NULL), 1, "%s", r.err);
        /* the marker is one line, one comment: nothing in it ends it early */
        cr_assert(strncmp(r.out, "<!-- plangate: ", 15) == 0, "%.200s", r.out);
        end = strchr(r.out, '\n');
        cr_assert(end && end - r.out > 4 && strncmp(end - 4, " -->", 4) == 0, "%.200s", r.out);
        cr_assert_null(memchr(r.out + 4, '>', (size_t)(end - 4 - r.out - 4)), "%.200s", r.out);
        {
            const char *dd = strstr(r.out + 4, "--");
            cr_assert(dd == end - 3, "a \"--\" inside the marker: %.200s", r.out);
        }
        cr_assert_null(strstr(r.out, "<img"), "%s", r.out);
        cr_assert_null(rpt_forged_command(r.out, r.out_len, 0));
        pg_test_run_free(&r);
    }
    cr_assert_eq(run(&r, text, NULL), 1);
    cr_assert(strncmp(r.out, "plangate: prod --> <img", 23) == 0, "%.200s", r.out);
    cr_assert_null(rpt_forged_command(r.out, r.out_len, 0));
    /* the title's newline is shown escaped: its "::error" stays on the title line */
    cr_assert(strstr(r.out, "::error::forged") && strstr(r.out, "::error::forged") < strchr(r.out, '\n'), "%.200s",
              r.out);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, gh, NULL), 1);
    cr_assert_null(rpt_forged_command(r.out, r.out_len, 1), "%s", r.out);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, json, NULL), 1);
    {
        json_error_t e;
        json_t *doc = json_loadb(r.out, r.out_len, 0, &e);
        cr_assert(doc, "%s", e.text);
        cr_assert_str_eq(json_string_value(json_object_get(doc, "title")), HOSTILE_TITLE);
        json_decref(doc);
    }
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, junit, NULL), 1);
    cr_assert(strstr(r.out, "<testsuite name=\"prod --&gt; &lt;img"), "%.400s", r.out);
    cr_assert_null(rpt_forged_command(r.out, r.out_len, 0));
    pg_test_run_free(&r);
}

Test(many, marker_without_title_and_title_from_the_environment)
{
    static const char *const env[] = {"PLANGATE_TITLE=stack-a", NULL};
    const char *md[] = {"check", "-f", "markdown", PASS_PLAN, NULL};
    const char *sarif[] = {"check", "-f", "sarif", PASS_PLAN, NULL};
    pg_test_run_result r;

    cr_assert_eq(run(&r, md, NULL), 0);
    cr_assert(strncmp(r.out, "<!-- plangate -->" MD_PASS, 17 + sizeof MD_PASS - 1) == 0, "%.100s", r.out);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, md, env), 0);
    cr_assert(strncmp(r.out, "<!-- plangate: stack-a -->\n## stack-a\n", 38) == 0, "%.100s", r.out);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, sarif, env), 0);
    cr_assert(strstr(r.out, "\"id\": \"plangate/stack-a/\""), "%s", r.out);
    cr_assert(strstr(r.out, "\"title\": \"stack-a\""), "%s", r.out);
    pg_test_run_free(&r);
}

Test(many, an_empty_title_is_none_and_a_huge_one_is_refused)
{
    char huge[300];
    const char *empty[] = {"check", "-f", "markdown", "--title", "", PASS_PLAN, NULL};
    const char *big[] = {"check", "--title", huge, PASS_PLAN, NULL};
    pg_test_run_result r;

    memset(huge, 'x', sizeof huge - 1);
    huge[sizeof huge - 1] = '\0';
    cr_assert_eq(run(&r, empty, NULL), 0);
    cr_assert(strncmp(r.out, "<!-- plangate -->" MD_PASS, 17 + sizeof MD_PASS - 1) == 0, "%.100s", r.out);
    pg_test_run_free(&r);
    cr_assert_eq(run(&r, big, NULL), 2);
    cr_assert(strstr(r.err, "--title wants at most 256 bytes"), "%s", r.err);
    cr_assert_eq(r.out_len, 0u);
    pg_test_run_free(&r);
}

/* MARK: goldens (testdata/many) */

#include "plangate/plangate.h" /* PG_VERSION */

/* `text` with the version written as {version}, so a release changes no golden. */
static char *unversioned(const char *text, int want_version)
{
    size_t vl = strlen(PG_VERSION), n = 0;
    char *out = malloc(strlen(text) * 2 + 16), *o = out;
    const char *p;

    cr_assert_not_null(out);
    for (p = text; *p;) {
        if (strncmp(p, PG_VERSION, vl) == 0 && (p == text || p[-1] == '"' || p[-1] == ' ')) {
            memcpy(o, "{version}", 9);
            o += 9;
            p += vl;
            n++;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    if (want_version)
        cr_assert_gt(n, 0u, "the version is in every report");
    return out;
}

static void golden(const char *name, const char *actual, int want_version)
{
    char path[600];
    char *want, *got = unversioned(actual, want_version);
    const char *update = getenv("PG_UPDATE_GOLDEN");

    snprintf(path, sizeof path, "%s/many/%s", PG_TESTDATA, name);
    if (update && *update) {
        pg_test_write_file(path, got, strlen(got));
    } else {
        want = pg_test_read_file(path, NULL);
        cr_assert_not_null(want, "no golden %s (PG_UPDATE_GOLDEN=1 writes it)", path);
        cr_assert_str_eq(got, want, "%s differs from its golden (PG_UPDATE_GOLDEN=1 rewrites it)", name);
        free(want);
    }
    free(got);
}

/* Three stacks (unreadable, passing, failing) with a title, every format. */
Test(many, goldens_of_three_stacks)
{
    static const char *const names[] = {"expect.json", "expect.sarif", "expect.junit.xml", "expect.md",
                                        "expect.github.txt"};
    char dir[512], ws[600], scratch[256], reports[N_FORMATS][400];
    const char *env[] = {ws, NULL};
    const char *argv[8 + 2 * N_FORMATS];
    pg_test_run_opts opts;
    pg_test_run_result r;
    size_t k = 0, i;

    snprintf(dir, sizeof dir, "%s/many", PG_TESTDATA);
    snprintf(ws, sizeof ws, "GITHUB_WORKSPACE=%s", dir);
    pg_test_scratch(scratch, sizeof scratch);
    argv[k++] = "check";
    argv[k++] = "--no-config";
    argv[k++] = "--color=never";
    argv[k++] = "--title=checkout";
    for (i = 0; i < N_FORMATS; i++) {
        snprintf(reports[i], sizeof reports[i], "%s=%s/%s", formats[i], scratch, names[i]);
        argv[k++] = "-o";
        argv[k++] = reports[i];
    }
    argv[k++] = "broken/plan.json";
    argv[k++] = "network/plan.json";
    argv[k++] = "orders/plan.json";
    argv[k] = NULL;
    memset(&opts, 0, sizeof opts);
    opts.cwd = dir;
    opts.env = env;
    cr_assert_eq(pg_test_run_ex(&r, argv, &opts), 0);
    cr_assert_eq(r.exit_code, 3, "%s", r.err);
    golden("expect.txt", r.out, 0); /* the text report names no version */
    golden("expect.err", r.err, 0);
    for (i = 0; i < N_FORMATS; i++) {
        char path[700], *text;
        snprintf(path, sizeof path, "%s/%s", scratch, names[i]);
        text = pg_test_read_file(path, NULL);
        cr_assert_not_null(text, "%s", path);
        golden(names[i], text, strcmp(formats[i], "github") != 0); /* github names no version */
        free(text);
    }
    pg_test_run_free(&r);
    pg_test_rmtree(scratch);
}

/* MARK: the SARIF artifact: relative to the repository root, or as given */

Test(many, sarif_uri_is_relative_to_the_repository_root_or_as_given)
{
    char root[256], outside[256], plan_out[600], ws[600];
    const char *env_ws[] = {ws, NULL};
    const char *in_repo[] = {"check", "--no-config", "-f", "sarif", "../stacks/a/plan.json", NULL};
    const char *not_in[] = {"check", "--no-config", "-f", "sarif", plan_out, NULL};
    pg_test_run_opts opts;
    pg_test_run_result r;
    char cwd[600];

    make_tree(root, sizeof root, 0, 0);
    copy_in(root, "stacks/a/plan.json", PASS_PLAN);
    copy_in(root, "sub/.keep", PASS_PLAN);
    pg_test_scratch(outside, sizeof outside);
    snprintf(plan_out, sizeof plan_out, "%s/plan.json", outside);
    copy_in(outside, "plan.json", PASS_PLAN);
    memset(&opts, 0, sizeof opts);
    snprintf(cwd, sizeof cwd, "%s/sub", root);
    opts.cwd = cwd;

    /* found by the .git upward from the current folder */
    cr_assert_eq(pg_test_run_ex(&r, in_repo, &opts), 0);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\"uri\": \"stacks/a/plan.json\","), "%s", r.out);
    cr_assert(strstr(r.out, "\"uriBaseId\": \"%SRCROOT%\""), "%s", r.out);
    cr_assert(strstr(r.out, "\"id\": \"plangate/stacks/a/plan.json/\""), "%s", r.out);
    pg_test_run_free(&r);
    /* GITHUB_WORKSPACE wins over .git */
    snprintf(ws, sizeof ws, "GITHUB_WORKSPACE=%s/stacks", root);
    opts.env = env_ws;
    cr_assert_eq(pg_test_run_ex(&r, in_repo, &opts), 0);
    cr_assert(strstr(r.out, "\"uri\": \"a/plan.json\","), "%s", r.out);
    cr_assert(strstr(r.out, "\"id\": \"plangate/a/plan.json/\""), "%s", r.out);
    pg_test_run_free(&r);
    /* outside the root: the path as given, without a base */
    opts.env = NULL;
    cr_assert_eq(pg_test_run_ex(&r, not_in, &opts), 0);
    cr_assert(strstr(r.out, "\"uri\": \"file://"), "%s", r.out);
    cr_assert_null(strstr(r.out, "uriBaseId"), "%s", r.out);
    pg_test_run_free(&r);
    pg_test_rmtree(outside);
    pg_test_rmtree(root);
}
