/* support.h — helpers shared by the Criterion tests. */
#ifndef PG_TEST_SUPPORT_H
#define PG_TEST_SUPPORT_H

#include <stddef.h>

#include "plangate/finding.h"
#include "plangate/policy.h"

/* Paths baked in by the Makefile. */
#ifndef PG_TESTDATA
#define PG_TESTDATA "testdata"
#endif
#ifndef PG_SHARED
#define PG_SHARED "../shared"
#endif

/* The constructors as tests use them: the object, or NULL when out of
 * memory (the allocation-failure tests count on that NULL). */
pg_policy *pg_test_policy_new(void);
pg_finding *pg_test_finding_new(const char *rule, pg_severity severity, const pg_change *change);

/* The CLI under test: $PG_TEST_BINARY (set by `make asan`/`valgrind`), else the built one. */
const char *pg_test_binary(void);

/* Read a whole file (malloc'd, NUL-terminated); NULL when unreadable. */
char *pg_test_read_file(const char *path, size_t *len_out);

/* Does a directory exist (for ../shared/corpus, skipped cleanly when absent)? */
int pg_test_dir_exists(const char *path);

/* Result of running the CLI. */
typedef struct pg_test_run_result {
    int exit_code;   /* -1 when killed by a signal */
    int signal;      /* the signal, or 0 */
    char *out;       /* stdout, malloc'd */
    size_t out_len;
    char *err;       /* stderr, malloc'd */
    size_t err_len;
} pg_test_run_result;

/*
 * Run `pg_test_binary()` with argv (NULL-terminated, without argv[0]), with
 * stdin from `stdin_path` (NULL: /dev/null), and extra environment
 * assignments `env` ("NAME=value", NULL-terminated, may be NULL).
 */
int pg_test_run(pg_test_run_result *r, const char *const *argv, const char *stdin_path,
                const char *const *env);
void pg_test_run_free(pg_test_run_result *r);

/* pg_test_run with more to say; zeros are pg_test_run's defaults. */
typedef struct pg_test_run_opts {
    const char *stdin_path;  /* NULL: /dev/null */
    const char *const *env;  /* extra "NAME=value" */
    const char *cwd;         /* NULL: the test's own */
    const char *stdout_path; /* stdout to this file (created) instead of captured; NULL: captured */
} pg_test_run_opts;
int pg_test_run_ex(pg_test_run_result *r, const char *const *argv, const pg_test_run_opts *o);

/* ---- scratch files ----------------------------------------------------------------- */

/* A fresh directory under $TMPDIR (or /tmp), mode 0777, into dir[size]; aborts the test on failure. */
void pg_test_scratch(char *dir, size_t size);
/* Remove `path` and everything below it (symbolic links are removed, not followed). */
void pg_test_rmtree(const char *path);
/* Write `len` bytes of `data` to `path` (created or truncated); aborts the test on failure. */
void pg_test_write_file(const char *path, const char *data, size_t len);
/* A plan of 3000 deleted buckets: its JSON report (about 290 KB) outgrows a pipe's buffer. */
void pg_test_write_big_plan(const char *path);
/* Names in directory `dir` other than . and .. (-1 when it cannot be opened). */
int pg_test_count_entries(const char *dir);

#endif
