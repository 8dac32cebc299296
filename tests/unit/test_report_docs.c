/* test_report_docs.c — the man page and docs/ci.md keep up with the CLI:
 * every option that `--help` prints is documented, every exit code is
 * explained, and the page renders without groff warnings. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

#ifndef PG_SRCDIR
#define PG_SRCDIR "."
#endif

static char *read_doc(const char *rel)
{
    char path[512];
    char *text;

    snprintf(path, sizeof path, "%s/%s", PG_SRCDIR, rel);
    text = pg_test_read_file(path, NULL);
    cr_assert_not_null(text, "cannot read %s", path);
    return text;
}

/* Every "--option" of `plangate CMD --help` appears in the man page (as \-\-option). */
static void options_documented(const char *cmd, const char *man)
{
    const char *argv[] = {cmd, "--help", NULL};
    pg_test_run_result r;
    const char *p;
    size_t found = 0;

    cr_assert_eq(pg_test_run(&r, argv, NULL, NULL), 0);
    cr_assert_eq(r.exit_code, 0, "plangate %s --help", cmd);
    for (p = r.out; (p = strstr(p, "\n  ")) != NULL; p += 3) {
        char opt[64], roff[160];
        size_t n = 0, i, k = 0;
        const char *o = p + 3;
        /* "  --name", or with aliases "  -x, --name" and "      --name" */
        if (o[0] == '-' && o[1] && o[1] != '-' && o[2] == ',' && o[3] == ' ')
            o += 4;
        else if (strncmp(o, "    ", 4) == 0)
            o += 4;
        if (strncmp(o, "--", 2) != 0)
            continue;
        o += 2;
        while (o[n] && o[n] != ' ' && o[n] != '\n' && n < sizeof opt - 1)
            n++;
        memcpy(opt, o, n);
        opt[n] = '\0';
        /* roff writes each '-' as "\-" */
        k = (size_t)snprintf(roff, sizeof roff, "\\-\\-");
        for (i = 0; i < n && k + 3 < sizeof roff; i++) {
            if (opt[i] == '-') {
                roff[k++] = '\\';
                roff[k++] = '-';
            } else {
                roff[k++] = opt[i];
            }
        }
        roff[k] = '\0';
        cr_assert_not_null(strstr(man, roff), "plangate %s --%s is not in docs/plangate.1", cmd, opt);
        found++;
    }
    cr_assert_gt(found, 0, "no option parsed from plangate %s --help", cmd);
    pg_test_run_free(&r);
}

Test(report_docs, man_page_has_every_command_and_option)
{
    static const char *const commands[] = {".B plangate check", ".B plangate lint", ".B plangate test",
                                           ".B plangate explain", ".B plangate version"};
    char *man = read_doc("docs/plangate.1");
    size_t i;

    for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
        cr_assert_not_null(strstr(man, commands[i]), "%s missing from the synopsis", commands[i]);
    options_documented("check", man);
    options_documented("explain", man);
    for (i = 0; i <= 4; i++) {
        char code[16];
        snprintf(code, sizeof code, ".TP\n.B %zu\n", i);
        cr_assert_not_null(strstr(man, code), "exit code %zu is not documented", i);
    }
    cr_assert_not_null(strstr(man, "NO_COLOR"));
    cr_assert_not_null(strstr(man, "GITHUB_STEP_SUMMARY"));
    free(man);
}

Test(report_docs, man_page_renders_cleanly)
{
    char cmd[1024];
    int status;

    if (access("/usr/bin/groff", X_OK) != 0)
        cr_skip_test("groff is absent");
    /* `make valgrind` traces children, and groff's own leaks would fail it:
     * valgrind puts its preload library in the environment of what it runs. */
    if (getenv("LD_PRELOAD") && strstr(getenv("LD_PRELOAD"), "vgpreload"))
        cr_skip_test("groff is not ours to check under valgrind");
    /* -ww: every warning; any output on stderr fails */
    snprintf(cmd, sizeof cmd, "/usr/bin/groff -man -Tutf8 -ww -z '%s/docs/plangate.1' 2>&1 | grep -q .",
             PG_SRCDIR);
    status = system(cmd);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1, "groff warns about docs/plangate.1");
}

Test(report_docs, ci_guide_covers_every_system_and_exit_code)
{
    static const char *const needles[] = {"upload-sarif",       "GITHUB_STEP_SUMMARY", "reports:\n      junit:",
                                          "merge_requests/",    "$SHOWFILE",           "$PLANFILE",
                                          "terraform_wrapper: false", "| 0 |", "| 1 |", "| 2 |", "| 3 |", "| 4 |"};
    char *ci = read_doc("docs/ci.md");
    size_t i;

    for (i = 0; i < sizeof needles / sizeof needles[0]; i++)
        cr_assert_not_null(strstr(ci, needles[i]), "docs/ci.md lacks %s", needles[i]);
    free(ci);
}
