/*
 * test_io.c — signals and I/O failures of the CLI (STYLE 18, 19): a reader
 * that goes away, a report that cannot be written, a plan that cannot be
 * read. Each one is a clear message on stderr and a non-zero exit (3), and
 * a --report file that failed leaves nothing behind: neither a partial file
 * that looks complete nor its temporary file (src/cli/tmpfile.c writes to
 * DIR/.plangate.tmp.XXXXXX and renames). Signals: test_signals.c; report
 * paths: test_report_paths.c.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

#define DEMO PG_TESTDATA "/plans/demo/plan.json"

/* RLIMIT_FSIZE of the report-write tests: smaller than every report of the
 * demo plan (the text one is 2.6 KB), larger than the log valgrind writes for
 * a clean run (about 900 bytes), which the same limit applies to under
 * `make valgrind`. */
#define IO_FSIZE 2048

typedef enum io_stdout { IO_OUT_FILE = 0, IO_OUT_CLOSED_PIPE, IO_OUT_READ_ONE_BYTE } io_stdout;

typedef struct io_opts {
    io_stdout out;
    int close_stdin;       /* run with fd 0 closed */
    long fsize_limit;      /* > 0: RLIMIT_FSIZE in bytes (writes past it fail with EFBIG) */
    int drop_root;         /* when root, run as nobody (so file modes apply) */
} io_opts;

typedef struct io_result {
    int exit_code; /* -1 when killed */
    int signal;
    char err[8192];
    size_t out_len;
} io_result;

/* A scratch directory of this test (removed by io_rmdir). */
static void io_mkdtemp(char *dir, size_t size)
{
    snprintf(dir, size, "%s/pg-io.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
    cr_assert_eq(chmod(dir, 0777), 0);
}

/* Names in `dir` (0 when empty), the first one copied to `first`. */
static int io_count_entries(const char *dir, char *first, size_t size)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    cr_assert_not_null(d, "opendir %s", dir);
    if (first && size)
        first[0] = '\0';
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (n++ == 0 && first)
            snprintf(first, size, "%s", e->d_name);
    }
    closedir(d);
    return n;
}

static void io_rmdir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[1024];

    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

/* Run the CLI with argv (NULL-terminated, no argv[0]) under `o`. */
static void io_run(io_result *r, const char *const *argv, const io_opts *o)
{
    char outpath[] = "/tmp/pg-io-out.XXXXXX";
    const char *args[32];
    int outfd = mkstemp(outpath), pfd[2] = {-1, -1}, efd[2] = {-1, -1}, status = 0;
    size_t argc = 0, elen = 0;
    pid_t pid;
    ssize_t n;

    memset(r, 0, sizeof *r);
    cr_assert(outfd >= 0);
    /* stderr is a pipe: RLIMIT_FSIZE must not cut the messages we check. */
    cr_assert_eq(pipe(efd), 0);
    args[argc++] = pg_test_binary();
    while (*argv && argc < 31)
        args[argc++] = *argv++;
    args[argc] = NULL;
    if (o->out != IO_OUT_FILE)
        cr_assert_eq(pipe(pfd), 0);
    if (o->out == IO_OUT_CLOSED_PIPE) {
        /* Nobody will ever read: close the read end before the fork, or the
         * child may write into the pipe's buffer before the parent closes
         * its copy (the test then saw a successful write now and then). */
        close(pfd[0]);
        pfd[0] = -1;
    }
    fflush(NULL);
    pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);
        dup2(in, 0);
        close(in);
        if (o->close_stdin)
            close(0);
        if (o->out == IO_OUT_FILE && o->fsize_limit > 0) {
            int null = open("/dev/null", O_WRONLY); /* only the --report file hits the limit */
            dup2(null, 1);
            close(null);
        } else {
            dup2(o->out == IO_OUT_FILE ? outfd : pfd[1], 1);
        }
        dup2(efd[1], 2);
        close(efd[0]);
        close(efd[1]);
        if (pfd[0] >= 0)
            close(pfd[0]);
        if (o->fsize_limit > 0) {
            struct rlimit rl = {(rlim_t)o->fsize_limit, (rlim_t)o->fsize_limit};
            signal(SIGXFSZ, SIG_IGN); /* then the write fails with EFBIG */
            setrlimit(RLIMIT_FSIZE, &rl);
        }
        if (o->drop_root && geteuid() == 0) {
            if (setgid(65534) != 0 || setuid(65534) != 0)
                _exit(125);
            /* Under `make valgrind` the log of this pid was made by root at
             * the fork; the Makefile's log name takes this tag, so nobody
             * writes a log of its own. */
            setenv("PG_VG_TAG", ".nobody", 1);
        }
        execv(args[0], (char *const *)(uintptr_t)args);
        _exit(127);
    }
    close(efd[1]);
    if (o->out == IO_OUT_CLOSED_PIPE) {
        close(pfd[1]);
    } else if (o->out == IO_OUT_READ_ONE_BYTE) {
        char c;
        close(pfd[1]);
        n = read(pfd[0], &c, 1); /* `| head -c1` */
        r->out_len = n > 0 ? (size_t)n : 0;
        close(pfd[0]);
    }
    while ((n = read(efd[0], r->err + elen, sizeof r->err - 1 - elen)) > 0 || (n < 0 && errno == EINTR))
        elen += n > 0 ? (size_t)n : 0;
    r->err[elen] = '\0';
    close(efd[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status)) {
        r->exit_code = WEXITSTATUS(status);
    } else {
        r->exit_code = -1;
        r->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    }
    if (o->out == IO_OUT_FILE) {
        struct stat st;
        fstat(outfd, &st);
        r->out_len = (size_t)st.st_size;
    }
    close(outfd);
    unlink(outpath);
}

static void io_expect_error(const io_result *r, const char *what, const char *needle)
{
    cr_assert_eq(r->signal, 0, "%s: killed by signal %d (stderr: %s)", what, r->signal, r->err);
    cr_assert_eq(r->exit_code, 3, "%s: exit %d, expected 3 (stderr: %s)", what, r->exit_code, r->err);
    cr_assert_not_null(strstr(r->err, needle), "%s: stderr lacks '%s':\n%s", what, needle, r->err);
}

/* ---- stdout: a reader that went away --------------------------------------------- */

Test(io, stdout_pipe_closed_before_writing)
{
    const char *argv[] = {"check", DEMO, NULL};
    io_opts o = {IO_OUT_CLOSED_PIPE, 0, 0, 0};
    io_result r;

    io_run(&r, argv, &o);
    /* Not killed by SIGPIPE: the gate says what happened and fails closed. */
    io_expect_error(&r, "closed stdout", "cannot write the report to stdout");
}

/* A report larger than a pipe's buffer (64 KiB), read by `head -c1`. */
Test(io, stdout_reader_takes_one_byte_then_exits)
{
    char dir[256], plan[300];
    const char *argv[] = {"check", "--format", "json", plan, NULL};
    io_opts o = {IO_OUT_READ_ONE_BYTE, 0, 0, 0};
    io_result r;

    io_mkdtemp(dir, sizeof dir);
    snprintf(plan, sizeof plan, "%s/plan.json", dir);
    pg_test_write_big_plan(plan);
    io_run(&r, argv, &o);
    cr_assert_eq(r.out_len, 1, "the reader got its byte");
    io_expect_error(&r, "head -c1", "cannot write the report to stdout");
    io_rmdir(dir);
}

/* ---- --report: the file cannot be written ---------------------------------------- */

Test(io, report_in_a_missing_directory)
{
    char dir[256], path[400];
    const char *argv[] = {"check", "--report", path, DEMO, NULL};
    io_opts o = {IO_OUT_FILE, 0, 0, 0};
    io_result r;

    io_mkdtemp(dir, sizeof dir);
    snprintf(path, sizeof path, "json=%s/missing/report.json", dir);
    io_run(&r, argv, &o);
    io_expect_error(&r, "missing directory", "cannot write the report");
    cr_assert_not_null(strstr(r.err, "No such file or directory"), "%s", r.err);
    cr_assert_eq(io_count_entries(dir, NULL, 0), 0, "nothing may be created");
    io_rmdir(dir);
}

/* The disk fills up half-way through the report: nothing is left behind. */
Test(io, report_write_fails_half_way_leaves_no_file)
{
    static const char *const formats[] = {"json", "sarif", "junit", "markdown", "text"};
    char dir[256], path[400], first[256];
    const char *argv[] = {"check", "--format", "github", "--report", path, DEMO, NULL};
    io_opts o = {IO_OUT_FILE, 0, IO_FSIZE, 0};
    io_result r;
    size_t i;

    io_mkdtemp(dir, sizeof dir);
    for (i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        snprintf(path, sizeof path, "%s=%s/report.out", formats[i], dir);
        io_run(&r, argv, &o);
        io_expect_error(&r, formats[i], "cannot write the report");
        cr_assert_not_null(strstr(r.err, "report.out"), "the message names the file: %s", r.err);
        cr_assert_eq(io_count_entries(dir, first, sizeof first), 0, "%s: left behind: %s", formats[i], first);
    }
    io_rmdir(dir);
}

/* An existing report is not replaced by a half-written one. */
Test(io, failed_report_keeps_the_previous_file_intact)
{
    char dir[256], path[400], file[300];
    const char *argv[] = {"check", "--report", path, DEMO, NULL};
    io_opts o = {IO_OUT_FILE, 0, IO_FSIZE, 0};
    io_result r;
    size_t len = 0;
    char *text;
    FILE *f;

    io_mkdtemp(dir, sizeof dir);
    snprintf(file, sizeof file, "%s/report.json", dir);
    snprintf(path, sizeof path, "json=%s", file);
    cr_assert_not_null(f = fopen(file, "w"));
    fputs("previous\n", f);
    fclose(f);
    io_run(&r, argv, &o);
    io_expect_error(&r, "existing report", "cannot write the report");
    cr_assert_not_null(text = pg_test_read_file(file, &len));
    cr_assert_str_eq(text, "previous\n");
    free(text);
    cr_assert_eq(io_count_entries(dir, NULL, 0), 1, "no temporary file left");
    io_rmdir(dir);
}

/* A device or a pipe is written in place, never replaced by a renamed
 * temporary file (as root that would clobber /dev/null). */
Test(io, report_to_a_fifo_and_to_dev_full)
{
    char dir[256], fifo[300], got[300], path[400];
    const char *argv[] = {"check", "--report", path, DEMO, NULL};
    io_opts o = {IO_OUT_FILE, 0, 0, 0};
    io_result r;
    struct stat st;
    pid_t reader;
    int status;
    char *text;

    io_mkdtemp(dir, sizeof dir);
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    snprintf(got, sizeof got, "%s/got", dir);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    fflush(NULL);
    reader = fork();
    if (reader == 0) { /* cat fifo > got */
        char buf[4096];
        ssize_t n;
        int in = open(fifo, O_RDONLY), out = open(got, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
            if (write(out, buf, (size_t)n) != n)
                _exit(1);
        _exit(0);
    }
    snprintf(path, sizeof path, "json=%s", fifo);
    io_run(&r, argv, &o);
    waitpid(reader, &status, 0);
    cr_assert_eq(r.exit_code, 1, "the demo plan fails: %s", r.err);
    cr_assert_eq(lstat(fifo, &st), 0);
    cr_assert(S_ISFIFO(st.st_mode), "the FIFO was replaced by a regular file");
    cr_assert_eq(io_count_entries(dir, NULL, 0), 2, "no temporary file beside the FIFO");
    cr_assert_not_null(text = pg_test_read_file(got, NULL));
    cr_assert_not_null(strstr(text, "\"plangate/report/v1\""), "the report went through the FIFO: %.200s", text);
    free(text);
    io_rmdir(dir);

    /* Only now that a special file is known to be written in place: the
     * device that is always full. */
    cr_assert_eq(stat("/dev/full", &st), 0);
    cr_assert(S_ISCHR(st.st_mode));
    snprintf(path, sizeof path, "json=/dev/full");
    io_run(&r, argv, &o);
    io_expect_error(&r, "/dev/full", "No space left on device");
    cr_assert_eq(stat("/dev/full", &st), 0);
    cr_assert(S_ISCHR(st.st_mode), "/dev/full is still a device");
}

/* ---- the plan cannot be read -------------------------------------------------------- */

Test(io, plan_missing)
{
    const char *argv[] = {"check", PG_TESTDATA "/plans/no-such-plan.json", NULL};
    io_opts o = {IO_OUT_FILE, 0, 0, 0};
    io_result r;

    io_run(&r, argv, &o);
    io_expect_error(&r, "missing plan", "cannot open the plan: No such file or directory");
    cr_assert_not_null(strstr(r.err, "no-such-plan.json"), "%s", r.err);
}

Test(io, plan_is_a_directory)
{
    const char *argv[] = {"check", PG_TESTDATA "/plans", NULL};
    io_opts o = {IO_OUT_FILE, 0, 0, 0};
    io_result r;

    io_run(&r, argv, &o);
    io_expect_error(&r, "directory", "Is a directory");
}

Test(io, plan_without_read_permission)
{
    char dir[256], plan[300];
    const char *argv[] = {"check", plan, NULL};
    io_opts o = {IO_OUT_FILE, 0, 0, 1};
    io_result r;
    FILE *f;

    io_mkdtemp(dir, sizeof dir);
    snprintf(plan, sizeof plan, "%s/plan.json", dir);
    cr_assert_not_null(f = fopen(plan, "w"));
    fputs("{\"format_version\":\"1.2\",\"planned_values\":{}}", f);
    fclose(f);
    cr_assert_eq(chmod(plan, 0), 0);
    io_run(&r, argv, &o);
    io_expect_error(&r, "mode 000", "Permission denied");
    io_rmdir(dir);
}

/* A read that fails after the open succeeded (EIO from /proc/self/mem at offset 0). */
Test(io, plan_read_error_after_open)
{
    const char *argv[] = {"check", "/proc/self/mem", NULL};
    io_opts o = {IO_OUT_FILE, 0, 0, 0};
    io_result r;

    io_run(&r, argv, &o);
    io_expect_error(&r, "EIO", "cannot read the plan");
}

Test(io, stdin_closed)
{
    const char *argv[] = {"check", "-", NULL};
    io_opts o = {IO_OUT_FILE, 1, 0, 0};
    io_result r;

    io_run(&r, argv, &o);
    cr_assert_eq(r.signal, 0);
    cr_assert_eq(r.exit_code, 3, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.err, "<stdin>"), "%s", r.err);
}

/* ---- what an error line says ---------------------------------------------------------- */

/* The reader's error and the decoder's (handed up through the plan module)
 * both name the plan file and say the offset once (R4 in docs/robustness.md). */
Test(io, reader_error_names_the_file_and_the_offset_once)
{
    static const char deep_head[] = "{\"format_version\":\"1.2\",\"planned_values\":";
    static const char dup[] = "{\"format_version\":\"1.2\",\"resource_changes\":[{\"address\":\"a.b\","
                              "\"type\":\"aws_dynamodb_table\",\"address\":\"x\","
                              "\"change\":{\"actions\":[\"delete\"]}}]}";
    char dir[256], deep[300], dupp[300], want[600];
    const char *argv_deep[] = {"check", "--max-depth", "40", deep, NULL};
    const char *argv_dup[] = {"check", dupp, NULL};
    io_opts o = {IO_OUT_FILE, 0, 0, 0};
    io_result r;
    FILE *f;
    int i;

    io_mkdtemp(dir, sizeof dir);
    snprintf(deep, sizeof deep, "%s/deep.json", dir);
    snprintf(dupp, sizeof dupp, "%s/dup.json", dir);
    cr_assert_not_null(f = fopen(deep, "w"));
    fputs(deep_head, f);
    for (i = 0; i < 45; i++)
        fputc('[', f);
    for (i = 0; i < 45; i++)
        fputc(']', f);
    fputc('}', f);
    fclose(f);
    cr_assert_not_null(f = fopen(dupp, "w"));
    fputs(dup, f);
    fclose(f);

    /* The object is level 1, so the 40th '[' (byte 41 + 39) is the 41st level. */
    io_run(&r, argv_deep, &o);
    snprintf(want, sizeof want,
             "plangate: %s: byte %zu: nesting too deep: more than 40 levels of arrays and objects "
             "(limit max_depth)\n",
             deep, sizeof deep_head - 1 + 39);
    io_expect_error(&r, "depth", want);

    io_run(&r, argv_dup, &o);
    snprintf(want, sizeof want,
             "plangate: %s: byte %zu: duplicate key \"address\": the object already has a member "
             "with this name\n",
             dupp, (size_t)(strstr(dup, "\"address\":\"x\"") - dup));
    io_expect_error(&r, "duplicate key", want);
    io_rmdir(dir);
}
