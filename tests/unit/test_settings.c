/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_settings.c — the flat YAML settings reader behind .plangate.yaml
 * (src/policy/settings.c, issue 17): values and their positions, the errors
 * with file:line:col, the caps of the policy YAML adapter, and every
 * allocation failure becoming PG_ENOMEM without a leak (STYLE 18).
 */
#include <criterion/criterion.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plangate/alloc.h"
#include "plangate/policy.h"
#include "policy/settings.h"
#include "support.h"

static void write_settings(char *path, size_t size, const char *dir, const char *text)
{
    snprintf(path, size, "%s/settings.yaml", dir);
    pg_test_write_file(path, text, strlen(text));
}

Test(settings, values_types_and_positions)
{
    char dir[256], path[400];
    pg_settings s;
    pg_error err;

    pg_test_scratch(dir, sizeof dir);
    write_settings(path, sizeof path, dir,
                   "# a comment\nfail_on: high\npolicy: [a/, \"b c\"]\nquiet: true\nmax_depth: 600\n"
                   "waivers: []\nreport:\n  - json=r.json\n  - text=-\n");
    pg_error_clear(&err);
    cr_assert_eq(pg_settings_read(&s, path, &err), PG_OK, "%s", err.message);
    cr_assert_eq(s.n, 6);
    cr_assert_str_eq(s.items[0].key, "fail_on");
    cr_assert_eq(s.items[0].line, 2);
    cr_assert_eq(s.items[0].col, 1);
    cr_assert_eq(s.items[0].is_list, 0);
    cr_assert_eq(s.items[0].n_values, 1);
    cr_assert_str_eq(s.items[0].values[0].text, "high");
    cr_assert_eq(s.items[0].values[0].col, 10);
    cr_assert_eq(s.items[1].is_list, 1);
    cr_assert_eq(s.items[1].n_values, 2);
    cr_assert_str_eq(s.items[1].values[1].text, "b c");
    cr_assert_eq(s.items[1].values[1].type, PG_SETTINGS_TEXT);
    cr_assert_eq(s.items[2].values[0].type, PG_SETTINGS_BOOL);
    cr_assert_eq(s.items[2].values[0].boolean, 1);
    cr_assert_str_eq(s.items[3].values[0].text, "600", "a number keeps its text");
    cr_assert_eq(s.items[4].is_list, 1);
    cr_assert_eq(s.items[4].n_values, 0, "an empty list");
    cr_assert_eq(s.items[5].n_values, 2);
    cr_assert_eq(s.items[5].values[1].line, 9);
    pg_settings_dispose(&s);
    pg_test_rmtree(dir);
}

Test(settings, errors_name_file_line_col)
{
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"a: [1\n", ":2:1: "},
        {"a: {b: 1}\n", ":1:4: the value of a is a mapping"},
        {"a: [x, {b: 1}]\n", ":1:8: an item of a holds a mapping"},
        {"? [a]\n: 1\n", ":1:3: a mapping key must be a scalar"},
        {"~: 1\n", ":1:1: a key must be a name, not null"},
        {"a: 1\na: 2\n", ":2:1: duplicate key"},
        {"just text\n", ":1:1: a config file is a mapping of settings"},
        {"a: &x [1]\nb: *x\n", ""},
    };
    char dir[256], path[400], line[1024];
    pg_settings s;
    pg_error err;
    size_t i;

    pg_test_scratch(dir, sizeof dir);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_settings(path, sizeof path, dir, cases[i].text);
        pg_error_clear(&err);
        if (!cases[i].want[0]) {
            cr_assert_eq(pg_settings_read(&s, path, &err), PG_OK, "%s: %s", cases[i].text, err.message);
            cr_assert_eq(s.items[1].n_values, 1, "an alias is the anchored value");
            pg_settings_dispose(&s);
            continue;
        }
        cr_assert_eq(pg_settings_read(&s, path, &err), PG_EPOLICY, "%s", cases[i].text);
        cr_assert_eq(s.n, 0, "nothing is left after an error");
        pg_error_format(&err, line, sizeof line);
        cr_assert_not_null(strstr(line, "settings.yaml"), "%s", line);
        cr_assert_not_null(strstr(line, cases[i].want), "%s: wanted %s in %s", cases[i].text, cases[i].want, line);
    }
    pg_test_rmtree(dir);
}

Test(settings, files_that_are_not_settings)
{
    char dir[256], path[400], line[1024];
    pg_settings s;
    pg_error err;
    FILE *f;

    pg_test_scratch(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/none.yaml", dir);
    pg_error_clear(&err);
    cr_assert_eq(pg_settings_read(&s, path, &err), PG_EPOLICY);
    pg_error_format(&err, line, sizeof line);
    cr_assert_not_null(strstr(line, "cannot open the config file"), "%s", line);
    cr_assert_eq(pg_settings_read(&s, dir, &err), PG_EPOLICY, "a folder");
    pg_error_format(&err, line, sizeof line);
    cr_assert_not_null(strstr(line, "not a regular file"), "%s", line);
    snprintf(path, sizeof path, "%s/big.yaml", dir);
    cr_assert_not_null(f = fopen(path, "w"));
    cr_assert_eq(fseek(f, (long)PG_POLICY_MAX_FILE_BYTES + 1, SEEK_SET), 0);
    fputc('\n', f);
    fclose(f);
    cr_assert_eq(pg_settings_read(&s, path, &err), PG_EPOLICY, "past the policy file cap");
    pg_error_format(&err, line, sizeof line);
    cr_assert_not_null(strstr(line, "larger than"), "%s", line);
    write_settings(path, sizeof path, dir, "");
    cr_assert_eq(pg_settings_read(&s, path, &err), PG_OK, "an empty file is no settings");
    cr_assert_eq(s.n, 0);
    pg_settings_dispose(&s);
    pg_test_rmtree(dir);
}

/* ---- allocation failures ----------------------------------------------------------- */

static atomic_long st_calls, st_live;
static long st_fail_at;

static void *st_malloc(void *ctx, size_t size)
{
    void *p;

    (void)ctx;
    if (atomic_fetch_add(&st_calls, 1) == st_fail_at)
        return NULL;
    if ((p = malloc(size)) != NULL)
        atomic_fetch_add(&st_live, 1);
    return p;
}

static void *st_realloc(void *ctx, void *ptr, size_t size)
{
    void *p;

    (void)ctx;
    if (atomic_fetch_add(&st_calls, 1) == st_fail_at)
        return NULL;
    if ((p = realloc(ptr, size)) != NULL && !ptr)
        atomic_fetch_add(&st_live, 1);
    return p;
}

static void st_free(void *ctx, void *ptr)
{
    (void)ctx;
    if (ptr)
        atomic_fetch_sub(&st_live, 1);
    free(ptr);
}

Test(settings, every_allocation_failure_is_enomem_without_a_leak)
{
    pg_alloc a = {st_malloc, st_realloc, st_free, NULL};
    char dir[256], path[400];
    pg_settings s;
    pg_error err;
    long n;
    int rc;

    pg_test_scratch(dir, sizeof dir);
    write_settings(path, sizeof path, dir, "fail_on: high\npolicy: [a/, b/, c/, d/, e/, f/, g/, h/, i/]\nquiet: true\n");
    for (n = 0;; n++) {
        cr_assert_lt(n, 100000, "the loop never ends");
        atomic_store(&st_calls, 0);
        atomic_store(&st_live, 0);
        st_fail_at = n;
        pg_alloc_set(&a);
        pg_error_clear(&err);
        rc = pg_settings_read(&s, path, &err);
        if (rc == PG_OK)
            pg_settings_dispose(&s);
        pg_alloc_set(NULL);
        cr_assert_eq(atomic_load(&st_live), 0, "allocation %ld failed: %ld blocks leaked", n, atomic_load(&st_live));
        if (rc == PG_OK) {
            cr_assert_leq(atomic_load(&st_calls), n, "a failed allocation went unnoticed at %ld", n);
            break;
        }
        cr_assert_eq(rc, PG_ENOMEM, "allocation %ld: %d %s", n, rc, err.message);
    }
    cr_assert_gt(n, 10, "the file needs allocations");
    pg_test_rmtree(dir);
}
