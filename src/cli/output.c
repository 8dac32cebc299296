/* output.c — report output with every write checked (STYLE 19), files put in place last (output.h). */
#include "cli/output.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/diag.h"

enum { OUT_NONE = 0, OUT_TEMP, OUT_DIRECT, OUT_APPEND };

static void print_failure(const char *path, const char *why)
{
    char q[PG_CLI_QUOTE_SIZE];

    if (path)
        pg_cli_errorf("plangate: cannot write the report %s: %s", pg_cli_quote(q, path), why);
    else
        pg_cli_errorf("plangate: cannot write the report to stdout: %s", why);
}

/* Write, flush and check; closes `f`. 0 or -1 with the reason in *err. */
static int write_report(FILE *f, int close_it, const pg_report *const *rs, size_t n, pg_report_format format,
                        const pg_report_style *style, pg_error *err)
{
    int rc = pg_report_write_many(rs, n, format, style, f, err);

    if (rc == 0 && (fflush(f) != 0 || ferror(f)))
        rc = pg_error_set(err, PG_EIO, "%s", strerror(errno));
    if (close_it && fclose(f) != 0 && rc == 0)
        rc = pg_error_set(err, PG_EIO, "%s", strerror(errno));
    return rc;
}

int pg_cli_write_stdout(const pg_report *r, pg_report_format format, const pg_report_style *style)
{
    return pg_cli_write_stdout_many(&r, 1, format, style);
}

int pg_cli_write_stdout_many(const pg_report *const *rs, size_t n, pg_report_format format,
                             const pg_report_style *style)
{
    pg_error err;

    /* A reader that went away (`plangate check | head`) must not kill us
     * silently with SIGPIPE: we want to say so and exit non-zero. */
    signal(SIGPIPE, SIG_IGN);
    pg_error_clear(&err);
    if (write_report(stdout, 0, rs, n, format, style, &err) != 0) {
        print_failure(NULL, err.message);
        return -1;
    }
    return 0;
}

static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* A device reached through a symbolic link is written only when it is one of
 * our own standard streams (/dev/stdout, /dev/stderr on a terminal) or
 * /dev/null: a link planted in a checkout must not aim a report at a disk,
 * a console or /dev/watchdog. */
static int own_device(const struct stat *st)
{
    struct stat s;
    int fd;

    for (fd = 0; fd <= 2; fd++)
        if (fstat(fd, &s) == 0 && same_file(&s, st))
            return 1;
    return stat("/dev/null", &s) == 0 && same_file(&s, st);
}

/* How `path` is written (output.h), or OUT_NONE with *why set. *target gets
 * what a direct write must find open (to notice a swap in between). */
static int choose(const char *path, struct stat *target, const char **why)
{
    struct stat l;

    if (lstat(path, &l) != 0)
        return OUT_TEMP; /* a new name, or an error the temporary reports better */
    *target = l;
    if (S_ISLNK(l.st_mode) && stat(path, target) != 0)
        return OUT_TEMP; /* a dangling link: replaced */
    if (S_ISREG(target->st_mode))
        return OUT_TEMP;
    if (S_ISDIR(target->st_mode)) {
        *why = strerror(EISDIR);
        return OUT_NONE;
    }
    if (S_ISBLK(target->st_mode)) {
        *why = "it is a block device";
        return OUT_NONE;
    }
    if (S_ISLNK(l.st_mode) && S_ISCHR(target->st_mode) && !own_device(target)) {
        *why = "it is a symbolic link to a device (write to the device's own path)";
        return OUT_NONE;
    }
    return OUT_DIRECT; /* a character device, a FIFO, a socket */
}

static FILE *open_direct(const char *path, const struct stat *want, const char **why)
{
    struct stat got;
    FILE *f;
    int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);

    if (fd < 0) {
        *why = strerror(errno);
        return NULL;
    }
    if (fstat(fd, &got) != 0 || !same_file(&got, want)) {
        *why = "it changed while it was being opened";
        close(fd);
        return NULL;
    }
    if (!(f = fdopen(fd, "w"))) {
        *why = strerror(errno);
        close(fd);
    }
    return f;
}

int pg_cli_out_write(pg_cli_out *o, const pg_report *r, pg_report_format format, const pg_report_style *style,
                     const char *path, int append)
{
    return pg_cli_out_write_many(o, &r, 1, format, style, path, append);
}

int pg_cli_out_write_many(pg_cli_out *o, const pg_report *const *rs, size_t n, pg_report_format format,
                          const pg_report_style *style, const char *path, int append)
{
    struct stat target;
    const char *why = NULL;
    pg_error err;
    FILE *f = NULL;
    int fd;

    memset(o, 0, sizeof *o);
    o->path = path;
    o->tmp.slot = -1;
    pg_error_clear(&err);
    o->kind = append ? OUT_APPEND : choose(path, &target, &why);
    switch (o->kind) {
    case OUT_APPEND:
        if (!(f = fopen(path, "a")))
            why = strerror(errno);
        break;
    case OUT_DIRECT:
        f = open_direct(path, &target, &why);
        break;
    case OUT_TEMP:
        if ((fd = pg_cli_tmp_open(&o->tmp, path)) < 0) {
            why = strerror(errno);
        } else if (!(f = fdopen(fd, "w"))) {
            why = strerror(errno);
            close(fd);
            pg_cli_tmp_discard(&o->tmp);
        }
        break;
    default:
        break;
    }
    if (!f) {
        print_failure(path, why ? why : strerror(EINVAL));
        o->kind = OUT_NONE;
        return -1;
    }
    if (write_report(f, 1, rs, n, format, style, &err) != 0) {
        pg_cli_tmp_discard(&o->tmp);
        print_failure(path, err.message);
        o->kind = OUT_NONE;
        return -1;
    }
    return 0;
}

int pg_cli_out_commit(pg_cli_out *o)
{
    char why[256];

    if (o->kind != OUT_TEMP)
        return 0;
    o->kind = OUT_NONE;
    if (pg_cli_tmp_commit(&o->tmp) != 0) {
        snprintf(why, sizeof why, "cannot rename into place: %s", strerror(errno));
        print_failure(o->path, why);
        return -1;
    }
    return 0;
}
