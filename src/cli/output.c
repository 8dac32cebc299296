/* output.c — report output with every write checked (STYLE 19). */
#include "cli/output.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void print_error(const char *what, const pg_error *err)
{
    char line[PG_ERROR_MESSAGE_MAX + PG_ERROR_SOURCE_MAX + 64];

    pg_error_format(err, line, sizeof line);
    fprintf(stderr, "plangate: %s: %s\n", what, line);
}

int pg_cli_write_stdout(const pg_report *r, pg_report_format format, const pg_report_style *style)
{
    pg_error err;
    int rc;

    /* A reader that went away (`plangate check | head`) must not kill us
     * silently with SIGPIPE: we want to say so and exit non-zero. */
    signal(SIGPIPE, SIG_IGN);
    pg_error_clear(&err);
    rc = pg_report_write(r, format, style, stdout, &err);
    if (rc == 0 && (fflush(stdout) != 0 || ferror(stdout))) {
        pg_error_set(&err, PG_EIO, "%s", strerror(errno));
        rc = PG_EIO;
    }
    if (rc != 0) {
        print_error("cannot write the report to stdout", &err);
        return -1;
    }
    return 0;
}

int pg_cli_write_file(const pg_report *r, pg_report_format format, const pg_report_style *style,
                      const char *path, int append)
{
    pg_error err;
    char tmp[4096];
    FILE *f;
    struct stat st;
    int rc, fd = -1, direct = 0;

    pg_error_clear(&err);
    /* A device or a pipe (/dev/null, /dev/stdout, a FIFO) is written in
     * place: a temporary file renamed over it would replace the device node
     * itself (as root, `--report json=/dev/null` would clobber /dev/null). */
    if (!append && stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
        direct = 1;
    if (append || direct) {
        f = fopen(path, append ? "a" : "w");
    } else {
        if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path) >= sizeof tmp) {
            fprintf(stderr, "plangate: report path too long: %s\n", path);
            return -1;
        }
        fd = mkstemp(tmp);
        if (fd >= 0) { /* mkstemp makes it 0600: give the report the usual mode */
            mode_t um = umask(0);
            umask(um);
            (void)fchmod(fd, 0666 & ~um);
        }
        f = fd >= 0 ? fdopen(fd, "w") : NULL;
    }
    if (!f) {
        fprintf(stderr, "plangate: cannot write the report %s: %s\n", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        return -1;
    }
    rc = pg_report_write(r, format, style, f, &err);
    if (rc == 0 && (fflush(f) != 0 || ferror(f))) {
        pg_error_set(&err, PG_EIO, "%s", strerror(errno));
        rc = PG_EIO;
    }
    if (fclose(f) != 0 && rc == 0) {
        pg_error_set(&err, PG_EIO, "%s", strerror(errno));
        rc = PG_EIO;
    }
    if (rc == 0 && !append && !direct && rename(tmp, path) != 0) {
        pg_error_set(&err, PG_EIO, "cannot rename into place: %s", strerror(errno));
        rc = PG_EIO;
    }
    if (rc != 0) {
        if (!append && !direct)
            unlink(tmp);
        pg_error_set_source(&err, path);
        print_error("cannot write a report", &err);
        return -1;
    }
    return 0;
}
