/* output.h — writing a report where the user asked, checking every write. */
#ifndef PG_CLI_OUTPUT_H
#define PG_CLI_OUTPUT_H

#include <stdio.h>

#include "cli/tmpfile.h"
#include "plangate/report.h"

/* Write to stdout and flush; 0, or -1 after printing why (a closed pipe is an error too). */
int pg_cli_write_stdout(const pg_report *r, pg_report_format format, const pg_report_style *style);
/* The same for the reports of a run over several plans (pg_report_write_many; n == 1 is one report). */
int pg_cli_write_stdout_many(const pg_report *const *rs, size_t n, pg_report_format format,
                             const pg_report_style *style);

/*
 * A report file on its way: written first, put in place last, so that a run
 * whose stdout blocks or fails, or that a signal stops, leaves no partial
 * file that looks complete (tmpfile.h).
 *
 * How each path is written:
 *   - a regular file, or a name that does not exist yet: into a temporary
 *     beside it, renamed over it by pg_cli_out_commit. A symbolic link there
 *     is replaced, never written through: a pull request's checkout may hold
 *     one that points anywhere.
 *   - a character device, a FIFO or a socket (/dev/null, a named pipe):
 *     written in place; a temporary renamed over it would replace the node
 *     itself. Through a symbolic link only to a FIFO or socket, or to a
 *     device that is one of plangate's standard streams or /dev/null
 *     (/dev/stdout, /dev/fd/N of `>(cmd)`); never into a block device.
 *   - with `append` (GITHUB_STEP_SUMMARY): appended to, in place.
 */
typedef struct pg_cli_out {
    const char *path;
    int kind;            /* private: how it is written */
    pg_cli_tmp tmp;
} pg_cli_out;

/* Write the report to `path` (not yet in place for a temporary): 0, or -1
 * after printing why, with nothing left behind. */
int pg_cli_out_write(pg_cli_out *o, const pg_report *r, pg_report_format format, const pg_report_style *style,
                     const char *path, int append);

/* pg_cli_out_write for the reports of a run over several plans. */
int pg_cli_out_write_many(pg_cli_out *o, const pg_report *const *rs, size_t n, pg_report_format format,
                          const pg_report_style *style, const char *path, int append);

/* Put a written report in place: 0, or -1 after printing why. */
int pg_cli_out_commit(pg_cli_out *o);

#endif
