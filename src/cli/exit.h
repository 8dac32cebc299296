/* exit.h — the stable exit codes (SPEC §1) and the one place that maps library errors to them. */
#ifndef PG_CLI_EXIT_H
#define PG_CLI_EXIT_H

enum {
    PG_EXIT_PASS = 0,    /* no unwaived finding at or above --fail-on */
    PG_EXIT_FAIL = 1,    /* at least one such finding */
    PG_EXIT_USAGE = 2,   /* unknown flag, missing argument */
    PG_EXIT_PLAN = 3,    /* the plan could not be evaluated */
    PG_EXIT_POLICY = 4   /* a policy file is invalid */
};

/* The exit code for a library error code (pg_error_code). */
int pg_exit_for_error(int code);

#endif
