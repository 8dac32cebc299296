/* multi.h — many plans in one run (issue 17): the pool that evaluates
 * them, and a plan's path relative to the repository root (SARIF). */
#ifndef PG_CLI_MULTI_H
#define PG_CLI_MULTI_H

#include <stddef.h>

#include "plangate/check.h"

/* One plan of the run: its path as given and what pg_check_run made of it. */
typedef struct pg_cli_plan_run {
    const char *path; /* borrowed: "-" is standard input */
    pg_report report; /* pg_report_dispose it */
    int rc;           /* pg_check_run's return */
    pg_error err;     /* its error when rc != 0 */
} pg_cli_plan_run;

/*
 * Evaluate runs[i].path for every i with `opts` (plan_path replaced) on at
 * most `jobs` threads, the calling one included: each plan in constant
 * memory as pg_check_run reads it, every result in its own slot, so the
 * order of completion never shows. A thread that cannot be started leaves
 * its share to the others (the calling thread at least).
 */
void pg_cli_run_plans(pg_cli_plan_run *runs, size_t n, const pg_check_options *opts, size_t jobs);

/* The machine's online CPUs (1 when unknown). */
size_t pg_cli_online_cpus(void);

/*
 * `plan` relative to the repository root (malloc'd), or NULL when it is not
 * inside one or cannot be resolved: the root is `workspace`
 * (GITHUB_WORKSPACE, may be NULL) when set, else the nearest folder upward
 * from the current one that holds .git.
 */
char *pg_cli_repo_path(const char *plan, const char *workspace);

#endif
