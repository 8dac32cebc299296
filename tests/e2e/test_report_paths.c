/*
 * test_report_paths.c — where `--report` writes (src/cli/target.c,
 * src/cli/output.c, src/cli/tmpfile.c; issue 11):
 *   - every name that fits the file system fits its temporary too (245–255
 *     bytes, and a path of nearly PATH_MAX bytes);
 *   - FORMAT=- is standard output, which carries one report;
 *   - a report may not replace the plan, the backend file, a policy file,
 *     the file a standard stream goes to, or another report, however the
 *     path is spelled (./x, dir/../x, a symbolic link, a hard link): exit 2,
 *     before anything is read or written;
 *   - a symbolic link at a report's path is replaced, never written
 *     through, unless it leads to a pipe or to our own standard stream.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"

#define DEMO PG_TESTDATA "/plans/demo/plan.json"
#define BACKEND PG_TESTDATA "/backend/s3.tfstate"
#define POLICY PG_TESTDATA "/policies/ok-spec-example/policy.yaml"

/* Run in `cwd` (NULL: here); stdout captured. */
static void rp_run(pg_test_run_result *r, const char *cwd, const char *const *argv)
{
    pg_test_run_opts o;

    memset(&o, 0, sizeof o);
    o.cwd = cwd;
    cr_assert_eq(pg_test_run_ex(r, argv, &o), 0);
    cr_assert_eq(r->signal, 0, "killed by signal %d: %s", r->signal, r->err);
}

static int has(const char *hay, const char *needle)
{
    return strstr(hay, needle) != NULL;
}

/* ---- long names ------------------------------------------------------------------- */

Test(report_paths, names_of_245_to_255_bytes)
{
    char dir[256], name[300], path[600], spec[700];
    const char *argv[] = {"check", "--report", spec, DEMO, NULL};
    pg_test_run_result r;
    struct stat st;
    size_t len;

    pg_test_scratch(dir, sizeof dir);
    for (len = 245; len <= 256; len++) {
        memset(name, 'r', len);
        memcpy(name + len - 5, ".json", 5);
        name[len] = '\0';
        snprintf(path, sizeof path, "%s/%s", dir, name);
        snprintf(spec, sizeof spec, "json=%s", path);
        rp_run(&r, NULL, argv);
        if (len <= 255) {
            cr_assert_eq(r.exit_code, 1, "a %zu-byte name: exit %d: %s", len, r.exit_code, r.err);
            cr_assert_eq(stat(path, &st), 0, "a %zu-byte name was not written", len);
            cr_assert(st.st_size > 0);
            cr_assert_eq(pg_test_count_entries(dir), 1, "a %zu-byte name left a temporary beside it", len);
            unlink(path);
        } else { /* past NAME_MAX: the final name itself does not fit */
            cr_assert_eq(r.exit_code, 3, "%s", r.err);
            cr_assert(has(r.err, "File name too long"), "%s", r.err);
            cr_assert_eq(pg_test_count_entries(dir), 0);
        }
        pg_test_run_free(&r);
    }
    pg_test_rmtree(dir);
}

/* A report path of 4095 bytes (PATH_MAX less its NUL): the temporary is made
 * relative to the directory, so it fits as the final path does. */
Test(report_paths, path_of_nearly_path_max_bytes)
{
    char dir[256], *path, *spec;
    const char *argv[] = {"check", "--report", NULL, DEMO, NULL};
    pg_test_run_result r;
    size_t len, need;
    struct stat st;
    int fd, sub;

    pg_test_scratch(dir, sizeof dir);
    cr_assert_not_null(path = malloc(4200));
    cr_assert_not_null(spec = malloc(4300));
    len = (size_t)snprintf(path, 4200, "%s", dir);
    cr_assert((fd = open(dir, O_RDONLY | O_DIRECTORY)) >= 0);
    /* Directories of up to 200 bytes, made one below the other (mkdirat: no
     * long path needed), until a 100-byte name ends the path at 4095 bytes. */
    need = 4095 - len - 1 - 100; /* the bytes of the "/dir" parts */
    if (need == 1)
        need = 2; /* then the name is 99 bytes */
    while (need > 0) {
        char comp[201];
        size_t c = need >= 203 ? 200 : need - 1;
        memset(comp, 'd', c);
        comp[c] = '\0';
        cr_assert_eq(mkdirat(fd, comp, 0777), 0, "%s", strerror(errno));
        cr_assert((sub = openat(fd, comp, O_RDONLY | O_DIRECTORY)) >= 0);
        close(fd);
        fd = sub;
        len += (size_t)snprintf(path + len, 4200 - len, "/%s", comp);
        need -= c + 1;
    }
    close(fd);
    path[len++] = '/';
    memset(path + len, 'r', 4095 - len);
    path[4095] = '\0';
    cr_assert_eq(strlen(path), 4095);
    cr_assert(strlen(strrchr(path, '/') + 1) <= 100);
    snprintf(spec, 4300, "json=%s", path);
    argv[2] = spec;
    rp_run(&r, NULL, argv);
    cr_assert_eq(r.exit_code, 1, "exit %d: %s", r.exit_code, r.err);
    cr_assert_eq(stat(path, &st), 0, "the report was not written: %s", strerror(errno));
    pg_test_run_free(&r);
    free(spec);
    free(path);
    pg_test_rmtree(dir);
}

/* ---- standard output --------------------------------------------------------------- */

Test(report_paths, dash_is_standard_output)
{
    char dir[256];
    const char *sarif[] = {"check", "--report", "sarif=-", DEMO, NULL};
    const char *with_file[] = {"check", "--report", "json=-", "--report", "text=r.txt", DEMO, NULL};
    pg_test_run_result r;
    char path[300], *text;

    pg_test_scratch(dir, sizeof dir);
    rp_run(&r, dir, sarif);
    cr_assert_eq(r.exit_code, 1, "%s", r.err);
    cr_assert(has(r.out, "\"version\": \"2.1.0\"") || has(r.out, "\"version\":\"2.1.0\""),
              "stdout is the SARIF report: %.300s", r.out);
    cr_assert(!has(r.out, "Verdict") && !has(r.out, "VERDICT"), "and nothing else: %.300s", r.out);
    cr_assert_eq(pg_test_count_entries(dir), 0, "no file named '-'");
    pg_test_run_free(&r);

    rp_run(&r, dir, with_file);
    cr_assert_eq(r.exit_code, 1, "%s", r.err);
    cr_assert(has(r.out, "\"plangate/report/v1\""), "%.200s", r.out);
    cr_assert_eq(pg_test_count_entries(dir), 1, "only r.txt");
    snprintf(path, sizeof path, "%s/r.txt", dir);
    cr_assert_not_null(text = pg_test_read_file(path, NULL));
    cr_assert(has(text, "FAIL"), "the text report went to its file: %.200s", text);
    free(text);
    pg_test_run_free(&r);
    pg_test_rmtree(dir);
}

/* Standard output carries one report: two asking for it is a usage error,
 * said before anything is written. */
Test(report_paths, two_reports_on_standard_output)
{
    static const char *const cases[][8] = {
        {"check", "--format", "json", "--report", "sarif=-", DEMO, NULL},
        {"check", "--report", "json=-", "--report", "sarif=-", DEMO, NULL},
        {"check", "--report", "json=-", "--format", "json", DEMO, NULL},
        {"check", "--format", "text", "--report", "text=-", "--report", "json=r.json", DEMO},
    };
    char dir[256];
    pg_test_run_result r;
    size_t i;

    pg_test_scratch(dir, sizeof dir);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *argv[10] = {0};
        size_t k;
        for (k = 0; k < 8 && cases[i][k]; k++)
            argv[k] = cases[i][k];
        rp_run(&r, dir, argv);
        cr_assert_eq(r.exit_code, 2, "case %zu: exit %d: %s", i, r.exit_code, r.err);
        cr_assert(has(r.err, "standard output, which carries one report"), "case %zu: %s", i, r.err);
        cr_assert_eq(r.out_len, 0, "case %zu: nothing written", i);
        cr_assert_eq(pg_test_count_entries(dir), 0, "case %zu: no file", i);
        pg_test_run_free(&r);
    }
    pg_test_rmtree(dir);
}

/* ---- a report may not replace what the run reads ---------------------------------------- */

/* Copy the demo plan to dir/plan.json; make links to it. */
static void rp_fixture(const char *dir)
{
    char path[400], *plan;
    size_t len;

    cr_assert_not_null(plan = pg_test_read_file(DEMO, &len));
    snprintf(path, sizeof path, "%s/plan.json", dir);
    pg_test_write_file(path, plan, len);
    free(plan);
    snprintf(path, sizeof path, "%s/sub", dir);
    cr_assert_eq(mkdir(path, 0777), 0);
    snprintf(path, sizeof path, "%s/link.json", dir);
    cr_assert_eq(symlink("plan.json", path), 0);
    snprintf(path, sizeof path, "%s/hard.json", dir);
    {
        char target[400];
        snprintf(target, sizeof target, "%s/plan.json", dir);
        cr_assert_eq(link(target, path), 0);
    }
}

static void rp_expect_refused(const char *dir, const char *const *argv, const char *needle, const char *what)
{
    char path[400], *before, *after;
    pg_test_run_result r;
    size_t n_before = 0, n_after = 0;

    snprintf(path, sizeof path, "%s/plan.json", dir);
    cr_assert_not_null(before = pg_test_read_file(path, &n_before));
    rp_run(&r, dir, argv);
    cr_assert_eq(r.exit_code, 2, "%s: exit %d: %s", what, r.exit_code, r.err);
    cr_assert(has(r.err, needle), "%s: stderr lacks '%s': %s", what, needle, r.err);
    cr_assert_eq(r.out_len, 0, "%s: refused before the report is written", what);
    cr_assert_not_null(after = pg_test_read_file(path, &n_after));
    cr_assert(n_before == n_after && memcmp(before, after, n_before) == 0, "%s: the plan changed", what);
    cr_assert_eq(pg_test_count_entries(dir), 4, "%s: no file was added or removed", what);
    free(before);
    free(after);
    pg_test_run_free(&r);
}

Test(report_paths, report_would_replace_the_plan)
{
    static const char *const spellings[][2] = {
        {"json=plan.json", "plan.json"},       {"json=./plan.json", "plan.json"},
        {"json=sub/../plan.json", "plan.json"}, {"sarif=link.json", "plan.json"}, /* a symbolic link */
        {"json=plan.json", "link.json"},       /* the plan through a link, the report at its target */
        {"json=link.json", "link.json"},       {"junit=hard.json", "plan.json"}, /* a hard link */
        {"json=plan.json", "./link.json"},
    };
    char dir[256], abs_spec[400];
    size_t i;

    pg_test_scratch(dir, sizeof dir);
    rp_fixture(dir);
    for (i = 0; i < sizeof spellings / sizeof spellings[0]; i++) {
        const char *argv[] = {"check", "--report", spellings[i][0], spellings[i][1], NULL};
        char what[200];
        snprintf(what, sizeof what, "--report %s %s", spellings[i][0], spellings[i][1]);
        rp_expect_refused(dir, argv, "would replace the plan", what);
    }
    /* an absolute spelling against a relative one */
    snprintf(abs_spec, sizeof abs_spec, "json=%s/plan.json", dir);
    {
        const char *argv[] = {"check", "--report", abs_spec, "plan.json", NULL};
        rp_expect_refused(dir, argv, "would replace the plan", "absolute report, relative plan");
    }
    pg_test_rmtree(dir);
}

Test(report_paths, the_same_report_path_twice)
{
    static const char *const pairs[][2] = {
        {"json=r.json", "sarif=r.json"},
        {"json=r.json", "sarif=./r.json"},
        {"json=sub/r.json", "text=sub/../sub/r.json"},
    };
    char dir[256];
    size_t i;

    pg_test_scratch(dir, sizeof dir);
    rp_fixture(dir);
    for (i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        const char *argv[] = {"check", "--report", pairs[i][0], "--report", pairs[i][1], "plan.json", NULL};
        rp_expect_refused(dir, argv, "name the same file", pairs[i][1]);
    }
    pg_test_rmtree(dir);
}

Test(report_paths, report_would_replace_another_input)
{
    char dir[256], backend[400], policy[400], *text;
    size_t len;
    const char *argv_backend[] = {"check", "--backend", backend, "--report", "json=./s3.tfstate", "plan.json", NULL};
    const char *argv_policy[] = {"check", "--policy", policy, "--report", "markdown=policy.yaml", "plan.json", NULL};

    pg_test_scratch(dir, sizeof dir);
    rp_fixture(dir);
    snprintf(backend, sizeof backend, "%s/s3.tfstate", dir);
    cr_assert_not_null(text = pg_test_read_file(BACKEND, &len));
    pg_test_write_file(backend, text, len);
    free(text);
    snprintf(policy, sizeof policy, "%s/policy.yaml", dir);
    cr_assert_not_null(text = pg_test_read_file(POLICY, &len));
    pg_test_write_file(policy, text, len);
    free(text);
    /* rp_expect_refused counts 4 entries: move the extra two into sub/ instead */
    {
        char b2[400], p2[400];
        snprintf(b2, sizeof b2, "%s/sub/s3.tfstate", dir);
        snprintf(p2, sizeof p2, "%s/sub/policy.yaml", dir);
        cr_assert_eq(rename(backend, b2), 0);
        cr_assert_eq(rename(policy, p2), 0);
        snprintf(backend, sizeof backend, "%s", b2);
        snprintf(policy, sizeof policy, "%s", p2);
    }
    argv_backend[4] = "json=sub/./s3.tfstate";
    rp_expect_refused(dir, argv_backend, "would replace the --backend file", "backend");
    argv_policy[4] = "markdown=sub/policy.yaml";
    rp_expect_refused(dir, argv_policy, "would replace the --policy", "policy");
    pg_test_rmtree(dir);
}

/* `plangate check --report json=out.txt plan.json > out.txt`, and /dev/stdout
 * when stdout is a file: the report would replace what stdout writes. */
Test(report_paths, report_is_the_file_stdout_goes_to)
{
    static const char *const specs[] = {"json=out.txt", "json=/dev/stdout", "sarif=/proc/self/fd/1"};
    char dir[256], out[400];
    pg_test_run_opts o;
    pg_test_run_result r;
    struct stat st;
    size_t i;

    pg_test_scratch(dir, sizeof dir);
    snprintf(out, sizeof out, "%s/out.txt", dir);
    for (i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        const char *argv[] = {"check", "--report", specs[i], DEMO, NULL};
        memset(&o, 0, sizeof o);
        o.cwd = dir;
        o.stdout_path = out;
        cr_assert_eq(pg_test_run_ex(&r, argv, &o), 0);
        cr_assert_eq(r.exit_code, 2, "%s: exit %d: %s", specs[i], r.exit_code, r.err);
        cr_assert(has(r.err, "the file standard output goes to"), "%s: %s", specs[i], r.err);
        cr_assert(has(r.err, "FORMAT=-"), "the message says what to use: %s", r.err);
        cr_assert_eq(lstat("/dev/stdout", &st), 0);
        cr_assert(S_ISLNK(st.st_mode), "/dev/stdout is still a symbolic link");
        cr_assert_eq(pg_test_count_entries(dir), 1, "%s: only out.txt", specs[i]);
        pg_test_run_free(&r);
    }
    pg_test_rmtree(dir);
}

/* ---- symbolic links at a report's path ------------------------------------------------ */

/* A link planted where the report goes (a pull request's checkout can hold
 * one) is replaced by the report; what it pointed at is left alone. */
Test(report_paths, link_to_a_file_is_replaced_not_followed)
{
    char dir[256], link_path[400], victim[400], *text;
    const char *argv[] = {"check", "--report", "json=plangate.json", DEMO, NULL};
    pg_test_run_result r;
    struct stat st;

    pg_test_scratch(dir, sizeof dir);
    snprintf(victim, sizeof victim, "%s/victim.txt", dir);
    pg_test_write_file(victim, "keep me\n", 8);
    snprintf(link_path, sizeof link_path, "%s/plangate.json", dir);
    cr_assert_eq(symlink("victim.txt", link_path), 0);
    rp_run(&r, dir, argv);
    cr_assert_eq(r.exit_code, 1, "%s", r.err);
    cr_assert_eq(lstat(link_path, &st), 0);
    cr_assert(S_ISREG(st.st_mode), "the link was replaced by the report");
    cr_assert_not_null(text = pg_test_read_file(victim, NULL));
    cr_assert_str_eq(text, "keep me\n");
    free(text);
    pg_test_run_free(&r);
    pg_test_rmtree(dir);
}

/* A link to a device that is not one of our standard streams is refused:
 * /dev/full stands for a disk, a console or a watchdog. */
Test(report_paths, link_to_a_device_is_refused)
{
    char dir[256], link_path[400];
    const char *argv[] = {"check", "--report", "json=plangate.json", DEMO, NULL};
    pg_test_run_result r;
    struct stat st;

    pg_test_scratch(dir, sizeof dir);
    snprintf(link_path, sizeof link_path, "%s/plangate.json", dir);
    cr_assert_eq(symlink("/dev/full", link_path), 0);
    rp_run(&r, dir, argv);
    cr_assert_eq(r.exit_code, 3, "%s", r.err);
    cr_assert(has(r.err, "symbolic link to a device"), "%s", r.err);
    cr_assert(!has(r.err, "No space left"), "the device was not written: %s", r.err);
    cr_assert_eq(lstat(link_path, &st), 0);
    cr_assert(S_ISLNK(st.st_mode), "the link is left as it was");
    pg_test_run_free(&r);
    pg_test_rmtree(dir);
}

/* /dev/stdout when stdout is a pipe (what `--report json=/dev/stdout` in a CI
 * step means) is written in place, after the stdout report. */
Test(report_paths, dev_stdout_on_a_pipe)
{
    const char *argv[] = {"check", "--format", "text", "--report", "json=/dev/stdout", DEMO, NULL};
    pg_test_run_result r;
    struct stat st;

    rp_run(&r, NULL, argv);
    cr_assert_eq(r.exit_code, 1, "%s", r.err);
    cr_assert(has(r.out, "FAIL"), "the text report: %.200s", r.out);
    cr_assert(has(r.out, "\"plangate/report/v1\""), "then the JSON one: %.200s", r.out);
    cr_assert_eq(lstat("/dev/stdout", &st), 0);
    cr_assert(S_ISLNK(st.st_mode));
    pg_test_run_free(&r);
}
