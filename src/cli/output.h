/* output.h — writing reports where the user asked, checking every write. */
#ifndef PG_CLI_OUTPUT_H
#define PG_CLI_OUTPUT_H

#include "plangate/report.h"

/* Write to stdout and flush; 0, or -1 after printing why (a closed pipe is an error too). */
int pg_cli_write_stdout(const pg_report *r, pg_report_format format, const pg_report_style *style);

/* Write to `path` through a temporary file renamed into place, so no partial
 * report is ever left that looks complete; with `append`, append instead
 * (GITHUB_STEP_SUMMARY). 0, or -1 after printing why. */
int pg_cli_write_file(const pg_report *r, pg_report_format format, const pg_report_style *style,
                      const char *path, int append);

#endif
