/*
 * target.h — where `plangate check` writes its reports, checked before the
 * plan is read (issue 11).
 *
 * Standard output carries exactly one report: the `--format` one (text by
 * default), or the one `--report FORMAT=-` names instead. Asking for two
 * (`--format json --report sarif=-`, or `-` twice) is a usage error: one
 * stream holding two documents is of no use to any reader.
 *
 * A report path may not name a file the run reads or writes otherwise: the
 * plan, the --backend file, a --policy file, a regular file that a standard
 * stream is redirected to (`> out.txt` with `--report json=out.txt`), or
 * another report. Files are compared by identity, not spelling: the same
 * directory entry (the directory resolved, so `./plan.json` and
 * `dir/../plan.json` match) or, for regular files, the same device and
 * inode (a symbolic link or a hard link to the plan). Each is a usage error
 * (exit 2), found before anything is read or written.
 */
#ifndef PG_CLI_TARGET_H
#define PG_CLI_TARGET_H

#include <stddef.h>

#include "plangate/report.h"

typedef struct pg_cli_target {
    pg_report_format format;
    const char *path;    /* NULL: standard output */
    const char *option;  /* as given, for messages: "json=out.json", or the --format value */
    int is_format;       /* from --format (else --report) */
} pg_cli_target;

/* A file the run reads (or appends to) that no report may replace. */
typedef struct pg_cli_input {
    const char *what;    /* "the plan", "the --backend file", … */
    const char *path;
} pg_cli_input;

/* "FORMAT=PATH" ("-" is standard output) into *t: 0, or PG_EXIT_USAGE after saying why. */
int pg_cli_target_parse(pg_cli_target *t, const char *spec);

/* The rules above over every target and input: 0, or PG_EXIT_USAGE after saying why. */
int pg_cli_targets_check(const pg_cli_target *targets, size_t n, const pg_cli_input *inputs, size_t n_inputs);

#endif
