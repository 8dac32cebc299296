/*
 * test_signals.c — the CLI as a process among others (issue 11 "Process
 * robustness", issue 15):
 *   - SIGTERM, SIGINT or SIGHUP while reports are being written (a CI runner
 *     cancelling the job) leave no temporary file behind, and the process
 *     still dies of that signal (src/cli/tmpfile.c);
 *   - a signal that was ignored when plangate started stays ignored;
 *   - `plangate check` with no file on a terminal says it is reading
 *     standard input.
 *
 * No timing: the report files are written before stdout, and stdout is a
 * pipe that nobody reads, so the process is held with its temporaries on
 * disk until the test signals it. The test waits for the temporaries to
 * appear (a bounded wait, not an assertion on time).
 */
#define _XOPEN_SOURCE 700 /* posix_openpt, grantpt, unlockpt, ptsname */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

/* Temporaries (.plangate.tmp.*) in `dir`, and all entries. */
static int sig_count_tmp(const char *dir, int *all)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    *all = 0;
    cr_assert_not_null(d);
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        (*all)++;
        if (strncmp(e->d_name, ".plangate.tmp.", 14) == 0)
            n++;
    }
    closedir(d);
    return n;
}

/* Start `check --format json --report json=DIR/r.json --report sarif=DIR/r.sarif
 * PLAN` with stdout a pipe whose read end stays open and unread; *out_fd gets
 * that end. `ignore`: a signal the child ignores before exec (0: none). */
static pid_t sig_start(const char *dir, const char *plan, int ignore, int *out_fd)
{
    char r1[400], r2[400];
    const char *argv[] = {pg_test_binary(), "check", "--format", "json", "--report", r1, "--report", r2, plan, NULL};
    int p[2];
    pid_t pid;

    snprintf(r1, sizeof r1, "json=%s/r.json", dir);
    snprintf(r2, sizeof r2, "sarif=%s/r.sarif", dir);
    cr_assert_eq(pipe(p), 0);
    fflush(NULL);
    pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(p[1], 1);
        dup2(null, 2);
        close(p[0]);
        close(p[1]);
        close(null);
        if (ignore)
            signal(ignore, SIG_IGN);
        execv(argv[0], (char *const *)(uintptr_t)argv);
        _exit(127);
    }
    close(p[1]);
    *out_fd = p[0];
    return pid;
}

/* Wait (bounded: a broken build must fail, not hang) until both temporaries exist. */
static void sig_wait_for_tmp(const char *dir, pid_t pid)
{
    struct timespec tick = {0, 5 * 1000 * 1000};
    int i, all, status;

    for (i = 0; i < 60 * 200; i++) {
        if (sig_count_tmp(dir, &all) == 2)
            return;
        cr_assert_eq(waitpid(pid, &status, WNOHANG), 0, "plangate ended before its reports were in place");
        nanosleep(&tick, NULL);
    }
    cr_assert_fail("the temporaries never appeared in %s", dir);
}

static void sig_case(int sig, const char *name)
{
    char dir[256], plandir[256], plan[300];
    int out, status, all;
    pid_t pid;

    pg_test_scratch(dir, sizeof dir);
    pg_test_scratch(plandir, sizeof plandir);
    snprintf(plan, sizeof plan, "%s/plan.json", plandir);
    pg_test_write_big_plan(plan);
    pid = sig_start(dir, plan, 0, &out);
    sig_wait_for_tmp(dir, pid);
    cr_assert_eq(kill(pid, sig), 0);
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    close(out);
    cr_assert(WIFSIGNALED(status), "%s: plangate exited (status %d) instead of dying of the signal", name, status);
    cr_assert_eq(WTERMSIG(status), sig, "%s: killed by signal %d", name, WTERMSIG(status));
    cr_assert_eq(sig_count_tmp(dir, &all), 0, "%s: temporaries left behind", name);
    cr_assert_eq(all, 0, "%s: no report was put in place half-way", name);
    pg_test_rmtree(dir);
    pg_test_rmtree(plandir);
}

Test(signals, sigterm_removes_the_temporaries)
{
    sig_case(SIGTERM, "SIGTERM");
}

Test(signals, sigint_removes_the_temporaries)
{
    sig_case(SIGINT, "SIGINT");
}

Test(signals, sighup_removes_the_temporaries)
{
    sig_case(SIGHUP, "SIGHUP");
}

/* `nohup plangate …`: SIGHUP was ignored at start and stays ignored; the run
 * finishes and both reports are in place. */
Test(signals, an_ignored_signal_stays_ignored)
{
    char dir[256], plandir[256], plan[300], buf[65536];
    int out, status, all;
    pid_t pid;
    ssize_t n;

    pg_test_scratch(dir, sizeof dir);
    pg_test_scratch(plandir, sizeof plandir);
    snprintf(plan, sizeof plan, "%s/plan.json", plandir);
    pg_test_write_big_plan(plan);
    pid = sig_start(dir, plan, SIGHUP, &out);
    sig_wait_for_tmp(dir, pid);
    cr_assert_eq(kill(pid, SIGHUP), 0); /* discarded when sent: it is ignored */
    while ((n = read(out, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
        ;
    close(out);
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status), "status %d", status);
    cr_assert_eq(WEXITSTATUS(status), 0, "the plan passes: no default rule covers S3 buckets");
    cr_assert_eq(sig_count_tmp(dir, &all), 0);
    cr_assert_eq(all, 2, "r.json and r.sarif are in place");
    pg_test_rmtree(dir);
    pg_test_rmtree(plandir);
}

/* ---- a terminal on stdin ------------------------------------------------------------- */

/* Type a line, then Ctrl-D at the start of the next: the end of the input. */
static void sig_type(int master, const char *typed)
{
    cr_assert_eq(write(master, typed, strlen(typed)), (ssize_t)strlen(typed));
    cr_assert_eq(write(master, "\n\x04", 2), 2);
}

/* Run `check` (with `args`) with stdin a pseudo-terminal; type `typed`
 * there (then Ctrl-D) once stderr has said `wait_for`, or at once when
 * NULL. Returns the exit code; stderr in err[size]. */
static int sig_tty_run(const char *const *args, const char *wait_for, const char *typed, char *err, size_t size)
{
    const char *argv[8];
    int master, slave, ep[2], status;
    size_t n = 0, elen = 0;
    struct termios t;
    pid_t pid;
    ssize_t k;

    argv[n++] = pg_test_binary();
    while (*args && n < 7)
        argv[n++] = *args++;
    argv[n] = NULL;
    cr_assert((master = posix_openpt(O_RDWR | O_NOCTTY)) >= 0, "posix_openpt: %s", strerror(errno));
    cr_assert_eq(grantpt(master), 0);
    cr_assert_eq(unlockpt(master), 0);
    cr_assert((slave = open(ptsname(master), O_RDWR | O_NOCTTY)) >= 0);
    cr_assert_eq(tcgetattr(slave, &t), 0);
    t.c_lflag &= ~(tcflag_t)ECHO; /* nobody reads the echo */
    cr_assert_eq(tcsetattr(slave, TCSANOW, &t), 0);
    cr_assert_eq(pipe(ep), 0);
    fflush(NULL);
    pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(slave, 0);
        dup2(null, 1);
        dup2(ep[1], 2);
        close(master);
        close(slave);
        close(ep[0]);
        close(ep[1]);
        execv(argv[0], (char *const *)(uintptr_t)argv);
        _exit(127);
    }
    close(slave);
    close(ep[1]);
    for (;;) { /* read stderr until `wait_for` shows (a minute at most: a
                * build that never says it must fail, not hang), or to its end */
        struct pollfd pfd = {ep[0], POLLIN, 0};
        int ready;

        err[elen] = '\0';
        if (wait_for && strstr(err, wait_for)) {
            wait_for = NULL;
            sig_type(master, typed);
        }
        ready = poll(&pfd, 1, wait_for ? 60 * 1000 : -1);
        if (ready == 0) {
            wait_for = NULL;
            sig_type(master, typed);
            continue;
        }
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready < 0)
            break;
        k = read(ep[0], err + elen, size - 1 - elen);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        elen += (size_t)k;
    }
    err[elen] = '\0';
    close(ep[0]);
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    close(master);
    cr_assert(WIFEXITED(status), "killed: %d", status);
    return WEXITSTATUS(status);
}

#define PROMPT "plangate: reading the plan from standard input (Ctrl-D to end)\xe2\x80\xa6\n"

Test(signals, a_terminal_on_stdin_is_told_what_is_expected)
{
    static const char plan[] = "{\"format_version\":\"1.2\",\"planned_values\":{}}";
    const char *no_file[] = {"check", NULL};
    const char *dash[] = {"check", "-", NULL};
    char err[8192];
    int code;

    code = sig_tty_run(no_file, PROMPT, plan, err, sizeof err);
    cr_assert_eq(code, 0, "the typed plan passes: %s", err);
    cr_assert_str_eq(err, PROMPT);
    code = sig_tty_run(dash, PROMPT, plan, err, sizeof err);
    cr_assert_eq(code, 0, "%s", err);
    cr_assert_str_eq(err, PROMPT);
}

/* Not on a terminal (a pipe, a file, /dev/null): no prompt. */
Test(signals, no_prompt_without_a_terminal)
{
    const char *argv[] = {"check", NULL};
    pg_test_run_result r;

    cr_assert_eq(pg_test_run(&r, argv, PG_TESTDATA "/plans/demo/plan.json", NULL), 0);
    cr_assert_eq(r.exit_code, 1, "%s", r.err);
    cr_assert_null(strstr(r.err, "reading the plan"), "%s", r.err);
    pg_test_run_free(&r);
}
