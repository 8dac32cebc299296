/* test_corpus.c — real plans from ../shared/corpus (read in place, never
 * copied): every plan is read, per-action counts equal a straightforward
 * whole-document count, stdin and file agree, and the edge inputs behave as
 * SPEC §2 says. Skips cleanly when ../shared is absent. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define CORPUS PG_SHARED "/corpus"

struct corpus_file {
    char path[600];
};

static void free_files(struct criterion_test_params *p)
{
    cr_free(p->params);
}

static int cmp_file(const void *a, const void *b)
{
    return strcmp(((const struct corpus_file *)a)->path, ((const struct corpus_file *)b)->path);
}

/* Every *.json under `root` (two levels: <source>/<case>.json). */
static struct criterion_test_params list_json(const char *root)
{
    size_t n = 0, cap = 1024;
    struct corpus_file *files = cr_malloc(cap * sizeof *files);
    DIR *d = opendir(root);
    struct dirent *e;

    while (d && (e = readdir(d)) != NULL) {
        char sub[300];
        DIR *d2;
        struct dirent *e2;
        if (e->d_name[0] == '.')
            continue;
        snprintf(sub, sizeof sub, "%s/%s", root, e->d_name);
        if (!(d2 = opendir(sub)))
            continue;
        while ((e2 = readdir(d2)) != NULL && n < cap) {
            size_t len = strlen(e2->d_name);
            if (len > 5 && strcmp(e2->d_name + len - 5, ".json") == 0)
                snprintf(files[n++].path, sizeof files[0].path, "%s/%s", sub, e2->d_name);
        }
        closedir(d2);
    }
    if (d)
        closedir(d);
    qsort(files, n, sizeof *files, cmp_file);
    if (n == 0) { /* ../shared absent: one placeholder that skips */
        snprintf(files[0].path, sizeof files[0].path, "%s", "");
        n = 1;
    }
    return cr_make_param_array(struct corpus_file, files, n, free_files);
}

/* The straightforward count: whole document in memory, actions joined. */
static const char *plain_action(const json_t *actions)
{
    char joined[128] = "";
    size_t i;

    for (i = 0; i < json_array_size(actions); i++) {
        const char *s = json_string_value(json_array_get(actions, i));
        strncat(joined, i ? "," : "", sizeof joined - strlen(joined) - 1);
        strncat(joined, s ? s : "?", sizeof joined - strlen(joined) - 1);
    }
    if (!strcmp(joined, "no-op")) return "no-op";
    if (!strcmp(joined, "create")) return "create";
    if (!strcmp(joined, "read")) return "read";
    if (!strcmp(joined, "update")) return "update";
    if (!strcmp(joined, "delete")) return "delete";
    if (!strcmp(joined, "delete,create") || !strcmp(joined, "create,delete")) return "replace";
    if (!strcmp(joined, "forget") || !strcmp(joined, "forget,create") || !strcmp(joined, "create,forget"))
        return "forget";
    return "unknown";
}

/* A change Terraform cannot write (issue 11), which plangate refuses: an
 * action list that is not a non-empty list of lowercase names, or a change
 * that destroys an object without it in `before`. Two corpus files have
 * one: hand-edited fixtures of other projects. */
static int terraform_never_writes(const json_t *doc)
{
    const json_t *rc = json_object_get(doc, "resource_changes");
    size_t i, j;

    for (i = 0; i < json_array_size(rc); i++) {
        const json_t *change = json_object_get(json_array_get(rc, i), "change");
        const json_t *actions = json_object_get(change, "actions");
        int deletes = 0;
        if (json_array_size(actions) == 0)
            return 1;
        for (j = 0; j < json_array_size(actions); j++) {
            const char *a = json_string_value(json_array_get(actions, j));
            if (!a || !a[0] || strspn(a, "abcdefghijklmnopqrstuvwxyz-_") != strlen(a))
                return 1;
            deletes |= strcmp(a, "delete") == 0;
        }
        if (deletes && !json_is_object(json_object_get(change, "before")))
            return 1;
    }
    return 0;
}

static json_t *run_json(const char *path, int via_stdin, int *exit_out)
{
    const char *argv[] = {"check", "--format", "json", via_stdin ? "-" : path, NULL};
    pg_test_run_result r;
    json_error_t je;
    json_t *rep;

    cr_assert_eq(pg_test_run(&r, argv, via_stdin ? path : NULL, NULL), 0);
    cr_assert_eq(r.signal, 0, "%s: crashed (signal %d)", path, r.signal);
    *exit_out = r.exit_code;
    rep = json_loadb(r.out, r.out_len, 0, &je);
    cr_assert_not_null(rep, "%s: the report is not JSON (%s)\nstderr: %s", path, je.text, r.err);
    pg_test_run_free(&r);
    return rep;
}

ParameterizedTestParameters(corpus, plans)
{
    return list_json(CORPUS "/plans");
}

ParameterizedTest(struct corpus_file *f, corpus, plans)
{
    json_error_t je;
    json_t *doc, *rep, *rep_stdin, *summary, *rc;
    const char *names[] = {"no-op", "create", "read", "update", "delete", "replace", "forget"};
    long want[8] = {0};
    size_t i;
    int code, code_stdin, errored;

    if (!f->path[0])
        cr_skip_test("%s is absent: the real-plan corpus tests are skipped", CORPUS);
    doc = json_load_file(f->path, JSON_DECODE_INT_AS_REAL, &je);
    cr_assert_not_null(doc, "%s: %s", f->path, je.text);
    errored = json_is_true(json_object_get(doc, "errored"));
    rc = json_object_get(doc, "resource_changes");
    for (i = 0; i < json_array_size(rc); i++) {
        const char *a = plain_action(json_object_get(json_object_get(json_array_get(rc, i), "change"), "actions"));
        size_t k;
        for (k = 0; k < 7; k++)
            if (!strcmp(a, names[k]))
                want[k]++;
    }

    rep = run_json(f->path, 0, &code);
    if (errored)
        cr_assert_eq(code, 3, "%s: an errored plan exits 3", f->path);
    else if (terraform_never_writes(doc)) {
        const char *e = json_string_value(json_array_get(json_object_get(rep, "errors"), 0));
        cr_assert_eq(code, 3, "%s: a change Terraform never writes exits 3", f->path);
        cr_assert(e && (strstr(e, "change.actions") || strstr(e, "change.before")), "%s: %s", f->path, e);
        json_decref(rep);
        json_decref(doc);
        return;
    } else
        cr_assert(code == 0 || code == 1, "%s: exit %d\n%s", f->path, code,
                  json_dumps(json_object_get(rep, "errors"), 0));
    summary = json_object_get(json_object_get(rep, "plan"), "summary");
    cr_assert_not_null(summary, "%s: no plan.summary", f->path);
    for (i = 0; i < 7; i++)
        cr_assert_eq(json_integer_value(json_object_get(summary, names[i])), want[i], "%s: %s count %lld, expected %ld",
                     f->path, names[i], json_integer_value(json_object_get(summary, names[i])), want[i]);

    /* The same plan through a pipe gives the same verdict, findings and summary. */
    rep_stdin = run_json(f->path, 1, &code_stdin);
    cr_assert_eq(code_stdin, code, "%s: stdin exit %d, file exit %d", f->path, code_stdin, code);
    cr_assert(json_equal(json_object_get(rep, "findings"), json_object_get(rep_stdin, "findings")), "%s", f->path);
    cr_assert(json_equal(json_object_get(rep, "plan"), json_object_get(rep_stdin, "plan")), "%s", f->path);
    json_decref(rep_stdin);
    json_decref(rep);
    json_decref(doc);
}

ParameterizedTestParameters(corpus, edge)
{
    return list_json(CORPUS "/edge");
}

/* edge/<source>/<kind>__<case>.json: the kind says what must happen. */
ParameterizedTest(struct corpus_file *f, corpus, edge)
{
    const char *base;
    json_t *rep;
    int code;

    if (!f->path[0])
        cr_skip_test("%s is absent: the real-plan corpus tests are skipped", CORPUS);
    base = strrchr(f->path, '/') + 1;
    rep = run_json(f->path, 0, &code);
    if (!strncmp(base, "utf16le-bom__", 13) || !strncmp(base, "tfc-redacted__", 14)) {
        cr_assert(code == 0 || code == 1, "%s: exit %d: %s", base, code,
                  json_dumps(json_object_get(rep, "errors"), 0));
        cr_assert_eq(json_array_size(json_object_get(rep, "errors")), 0);
    } else {
        /* state-not-plan, empty-object, broken-json, and anything new: fail closed. */
        cr_assert_eq(code, 3, "%s: exit %d", base, code);
        cr_assert_eq(json_array_size(json_object_get(rep, "errors")), 1, "%s: one error explains why", base);
        if (!strncmp(base, "state-not-plan__", 16))
            cr_assert(strstr(json_string_value(json_array_get(json_object_get(rep, "errors"), 0)), "state") != NULL);
    }
    json_decref(rep);
}
