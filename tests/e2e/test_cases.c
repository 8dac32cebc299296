/* test_cases.c — end-to-end: run the built binary on every testdata/plans/<case>/
 * and compare its exit code (expect.exit) and JSON report (expect.json).
 *
 * A case folder holds: plan.* (the input), expect.exit (one number),
 * optional args (extra arguments, one per line; "{dir}" is the case folder, and stands for it in expect.json),
 * optional expect.json (the whole JSON report), optional stdin (a marker:
 * feed the plan on standard input as "-"). PG_UPDATE_GOLDEN=1 rewrites
 * expect.json from the binary's output (review the diff by hand). */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support.h"

#define PLANS PG_TESTDATA "/plans"
/* 2026-11-24T00:00:00Z: waiver expiry is judged against a fixed day. */
#define FIXED_EPOCH "SOURCE_DATE_EPOCH=1795478400"

struct plan_case {
    char name[128];
};

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static int cmp_case(const void *a, const void *b)
{
    return strcmp(((const struct plan_case *)a)->name, ((const struct plan_case *)b)->name);
}

static void free_cases(struct criterion_test_params *p)
{
    cr_free(p->params);
}

ParameterizedTestParameters(e2e, plans)
{
    DIR *d = opendir(PLANS);
    struct dirent *e;
    size_t n = 0, cap = 512;
    struct plan_case *cases = cr_malloc(cap * sizeof *cases);

    while (d && (e = readdir(d)) != NULL) {
        char path[1024];
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len >= sizeof cases[0].name)
            continue;
        snprintf(path, sizeof path, "%s/%s/expect.exit", PLANS, e->d_name);
        if (!file_exists(path) || n == cap)
            continue;
        memcpy(cases[n].name, e->d_name, len + 1);
        n++;
    }
    if (d)
        closedir(d);
    qsort(cases, n, sizeof *cases, cmp_case);
    return cr_make_param_array(struct plan_case, cases, n, free_cases);
}

static char *find_plan(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char *found = NULL;

    while (d && (e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, "plan.", 5) == 0) {
            found = malloc(strlen(dir) + strlen(e->d_name) + 2);
            sprintf(found, "%s/%s", dir, e->d_name);
            break;
        }
    }
    if (d)
        closedir(d);
    return found;
}

/* The report with every occurrence of the case folder's absolute path
 * written as "{dir}" (malloc'd): a golden that quotes the plan's path (an
 * error line) stays the same in every checkout. */
static char *with_dir_placeholder(const char *out, size_t len, const char *dir, size_t *len_out)
{
    size_t dlen = strlen(dir), n = 0, i = 0;
    char *res = malloc(len + 1);

    cr_assert_not_null(res);
    while (i < len) {
        if (len - i >= dlen && memcmp(out + i, dir, dlen) == 0) {
            memcpy(res + n, "{dir}", 5); /* 5 <= dlen: the folder path is longer */
            n += 5;
            i += dlen;
        } else {
            res[n++] = out[i++];
        }
    }
    res[n] = '\0';
    *len_out = n;
    return res;
}

/* Replace "{dir}" in a line of the args file. */
static char *expand(const char *line, const char *dir)
{
    const char *at = strstr(line, "{dir}");
    char *out;

    if (!at)
        return strdup(line);
    out = malloc(strlen(line) + strlen(dir) + 1);
    sprintf(out, "%.*s%s%s", (int)(at - line), line, dir, at + 5);
    return out;
}

ParameterizedTest(struct plan_case *c, e2e, plans)
{
    char dir[512], path[1024];
    char *argv[64];
    size_t argc = 0, i;
    char *args_text, *plan, *exit_text;
    int use_stdin, expected_exit;
    pg_test_run_result r;
    char *report;
    size_t report_len;
    const char *env[] = {FIXED_EPOCH, "NO_COLOR=1", NULL};

    snprintf(dir, sizeof dir, "%s/%s", PLANS, c->name);
    snprintf(path, sizeof path, "%s/expect.exit", dir);
    exit_text = pg_test_read_file(path, NULL);
    cr_assert_not_null(exit_text, "%s: cannot read expect.exit", c->name);
    expected_exit = atoi(exit_text);
    free(exit_text);

    argv[argc++] = strdup("check");
    argv[argc++] = strdup("--format");
    argv[argc++] = strdup("json");
    snprintf(path, sizeof path, "%s/args", dir);
    if ((args_text = pg_test_read_file(path, NULL)) != NULL) {
        char *save = NULL, *line;
        for (line = strtok_r(args_text, "\n", &save); line && argc < 60; line = strtok_r(NULL, "\n", &save))
            if (line[0])
                argv[argc++] = expand(line, dir);
        free(args_text);
    }
    snprintf(path, sizeof path, "%s/stdin", dir);
    use_stdin = file_exists(path);
    plan = find_plan(dir);
    cr_assert_not_null(plan, "%s: no plan.* file", c->name);
    argv[argc++] = strdup(use_stdin ? "-" : plan);
    argv[argc] = NULL;

    cr_assert_eq(pg_test_run(&r, (const char *const *)argv, use_stdin ? plan : NULL, env), 0);
    cr_assert_eq(r.signal, 0, "%s: killed by signal %d\n%s", c->name, r.signal, r.err);
    cr_assert_eq(r.exit_code, expected_exit, "%s: exit %d, expected %d\nstderr: %s", c->name, r.exit_code,
                 expected_exit, r.err);

    snprintf(path, sizeof path, "%s/expect.json", dir);
    /* Only an existing expect.json is rewritten: a case without one checks
     * the exit code alone. The case folder's path is "{dir}" in a golden. */
    report = with_dir_placeholder(r.out, r.out_len, dir, &report_len);
    if (getenv("PG_UPDATE_GOLDEN") && *getenv("PG_UPDATE_GOLDEN") && file_exists(path)) {
        FILE *f = fopen(path, "w");
        cr_assert_not_null(f);
        fwrite(report, 1, report_len, f);
        fclose(f);
    } else if (file_exists(path)) {
        json_error_t je;
        /* A plan value may hold \u0000 (pol-nul-in-value): allow it, exactly. */
        json_t *want = json_load_file(path, JSON_ALLOW_NUL, &je);
        json_t *got = json_loadb(report, report_len, JSON_ALLOW_NUL, &je);
        cr_assert_not_null(want, "%s: expect.json does not parse", c->name);
        cr_assert_not_null(got, "%s: the report is not JSON: %s\n%s", c->name, je.text, r.out);
        if (!json_equal(want, got)) {
            char *w = json_dumps(want, JSON_INDENT(2) | JSON_SORT_KEYS);
            char *g = json_dumps(got, JSON_INDENT(2) | JSON_SORT_KEYS);
            cr_assert_fail("%s: the JSON report differs from expect.json\n--- expected\n%s\n--- got\n%s",
                           c->name, w, g);
        }
        json_decref(want);
        json_decref(got);
    } else {
        /* Without a golden file, the report must still be a JSON report. */
        json_error_t je;
        json_t *got = json_loadb(r.out, r.out_len, JSON_ALLOW_NUL, &je);
        cr_assert_not_null(got, "%s: the report is not JSON: %s\n%s", c->name, je.text, r.out);
        json_decref(got);
    }
    for (i = 0; i < argc; i++)
        free(argv[i]);
    free(plan);
    free(report);
    pg_test_run_free(&r);
}
