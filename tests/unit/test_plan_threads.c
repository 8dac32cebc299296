/* test_plan_threads.c — the plan reader with its decoding thread (issue 11):
 * an exit-3 report is the same every time and the same as without the
 * thread; a non-blocking pipe whose writer pauses is waited on; a change
 * nested PG_JSON_MAX_DEPTH_CEILING deep goes through decode and the
 * policies on the worker. Every test proves the thread ran
 * (pg_plan_threads_started). These are the tests `make tsan` runs. No
 * .timeout here nor on the slow tests of test_plan_model.c: Criterion
 * 2.4.1's runner leaks a 48-byte timeout record (its own calloc) when
 * tests with timeouts overlap just so, which fails `make asan`. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plangate/check.h"
#include "plangate/policy.h"
#include "plangate/report.h"
#include "support.h"

/* MARK: helpers ------------------------------------------------------------ */

typedef struct th_buf {
    char *s;
    size_t len, cap;
} th_buf;

static void th_add(th_buf *b, const char *s)
{
    size_t n = strlen(s);
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        cr_assert_not_null(b->s);
    }
    memcpy(b->s + b->len, s, n + 1);
    b->len += n;
}

static void th_write(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(text, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
}

static void th_temp(char *path, size_t size)
{
    int fd;
    snprintf(path, size, "/tmp/pg-threads-XXXXXX");
    cr_assert((fd = mkstemp(path)) >= 0);
    close(fd);
}

/* pg_check_run on `path` with the default pack (and `extra` policy text),
 * the JSON report into *json (malloc'd); returns pg_check_run's code. */
static int th_check(const char *path, pg_plan_threads threads, const char *extra, const pg_json_limits *lim,
                    char **json)
{
    pg_policy *policy = pg_test_policy_new();
    pg_check_options opts;
    pg_report report;
    pg_report_style style;
    pg_error err;
    size_t len = 0;
    FILE *mem;
    int rc;

    cr_assert_not_null(policy);
    cr_assert_eq(pg_policy_load_defaults(policy, &err), 0, "%s", err.message);
    if (extra)
        cr_assert_eq(pg_policy_load_string(policy, "extra.yaml", extra, strlen(extra), &err), 0, "%s",
                     err.message);
    memset(&opts, 0, sizeof opts);
    opts.plan_path = path;
    opts.policy = policy;
    opts.fail_on = PG_SEV_HIGH;
    opts.today = "2025-06-01";
    opts.threads = threads;
    if (lim)
        opts.limits = *lim;
    pg_error_clear(&err);
    rc = pg_check_run(&opts, &report, &err);
    memset(&style, 0, sizeof style);
    style.version = "test";
    cr_assert_not_null(mem = open_memstream(json, &len));
    cr_assert_eq(pg_report_write(&report, PG_FORMAT_JSON, &style, mem, &err), 0, "%s", err.message);
    cr_assert_eq(fclose(mem), 0);
    pg_report_dispose(&report);
    pg_policy_free(policy);
    return rc;
}

/* A change the detectors want, planned_values before it, `n` skipped no-ops after. */
static const char th_table[] =
    "{\"address\":\"aws_dynamodb_table.t%d\",\"mode\":\"managed\",\"type\":\"aws_dynamodb_table\",\"name\":\"t%d\","
    "\"change\":{\"actions\":[\"delete\",\"create\"],\"before\":{\"name\":\"t%d\",\"hash_key\":\"id\"},"
    "\"after\":{\"name\":\"t%d\",\"hash_key\":\"pk\"},\"after_unknown\":{}},"
    "\"action_reason\":\"replace_because_cannot_update\"}";
static const char th_noop[] =
    "{\"address\":\"aws_s3_bucket.b%d\",\"mode\":\"managed\",\"type\":\"aws_s3_bucket\",\"name\":\"b%d\","
    "\"change\":{\"actions\":[\"no-op\"],\"before\":{\"bucket\":\"b\"},\"after\":{\"bucket\":\"b\"}}}";

/* MARK: an exit-3 report is deterministic ------------------------------------ */

/*
 * The worker fails on change 3 (a destroy without its before object) while
 * the reader has gone on counting hundreds of skipped no-ops and reading
 * the keys after resource_changes. The report must say what a read without
 * the thread says: counts as of change 3, its error, the findings before it.
 */
static char *th_broken_plan(size_t *len)
{
    th_buf b = {NULL, 0, 0};
    char part[700];
    int i;

    th_add(&b, "{\"format_version\":\"1.2\",\"planned_values\":{},\"resource_changes\":[");
    for (i = 0; i < 3; i++) {
        snprintf(part, sizeof part, th_table, i, i, i, i);
        th_add(&b, part);
        th_add(&b, ",");
        snprintf(part, sizeof part, th_noop, i, i);
        th_add(&b, part);
        th_add(&b, ",");
    }
    th_add(&b, "{\"address\":\"aws_dynamodb_table.broken\",\"mode\":\"managed\",\"type\":\"aws_dynamodb_table\","
               "\"name\":\"broken\",\"change\":{\"actions\":[\"delete\"],\"before\":null,\"after\":null}}");
    for (i = 0; i < 2000; i++) {
        snprintf(part, sizeof part, th_noop, 100 + i, 100 + i);
        th_add(&b, ",");
        th_add(&b, part);
    }
    th_add(&b, "],\"complete\":false,\"applyable\":false,\"terraform_version\":\"9.9.9\",\"resource_drift\":[");
    snprintf(part, sizeof part, th_table, 9, 9, 9, 9);
    th_add(&b, part);
    th_add(&b, "]}");
    *len = b.len;
    return b.s;
}

/* `doc` through the thread `runs` times: each report is byte-identical to
 * the one without the thread, and each run started the worker. */
static void th_same_every_time(const char *doc, size_t len, int runs, int rc)
{
    char path[64], *plain = NULL;
    unsigned long started = pg_plan_threads_started();
    int i;

    th_temp(path, sizeof path);
    th_write(path, doc, len);
    cr_assert_eq(th_check(path, PG_PLAN_THREADS_NEVER, NULL, NULL, &plain), rc);
    cr_assert_not_null(strstr(plain, "aws_dynamodb_table.broken"), "the error names the change: %s", plain);
    cr_assert_eq(pg_plan_threads_started(), started);
    for (i = 0; i < runs; i++) {
        char *threaded = NULL;
        cr_assert_eq(th_check(path, PG_PLAN_THREADS_ALWAYS, NULL, NULL, &threaded), rc);
        cr_assert_str_eq(threaded, plain, "run %d with the thread differs from the run without it", i);
        free(threaded);
    }
    cr_assert_eq(pg_plan_threads_started() - started, (unsigned long)runs, "the worker ran every time");
    free(plain);
    unlink(path);
}

Test(plan_threads, an_exit_3_report_is_the_same_every_time)
{
    size_t len;
    char *doc = th_broken_plan(&len);

    th_same_every_time(doc, len, 40, PG_EPLAN);
    free(doc);
}

/* The same with a syntax error further on: the worker's earlier error wins,
 * as it does without the thread (the reader stops at it there). */
Test(plan_threads, the_first_error_in_the_document_wins)
{
    size_t len;
    char *doc = th_broken_plan(&len);

    cr_assert_gt(len, 100);
    doc[len - 2] = '}'; /* "]}" becomes "}}": the drift array never closes */
    th_same_every_time(doc, len, 10, PG_EPLAN);
    free(doc);
}

/* A valid plan gives the same report with and without the thread, counts
 * of skipped and decoded changes added up after the join. */
Test(plan_threads, a_valid_plan_reads_the_same_on_both_paths)
{
    char path[64], *plain = NULL, *threaded = NULL;
    size_t len;
    char *doc = th_broken_plan(&len);
    char *broken = strstr(doc, "\"before\":null,\"after\":null");

    cr_assert_not_null(broken);
    memcpy(broken, "\"before\":{}  ", 13); /* now a well-formed destroy */
    th_temp(path, sizeof path);
    th_write(path, doc, len);
    cr_assert_eq(th_check(path, PG_PLAN_THREADS_NEVER, NULL, NULL, &plain), 0);
    cr_assert_eq(th_check(path, PG_PLAN_THREADS_ALWAYS, NULL, NULL, &threaded), 0);
    cr_assert_str_eq(threaded, plain);
    cr_assert_not_null(strstr(plain, "\"no-op\": 2003"), "%s", plain);
    free(plain);
    free(threaded);
    free(doc);
    unlink(path);
}

/* MARK: non-blocking stdin ------------------------------------------------- */

static int th_count(void *ctx, const pg_change *c, pg_error *err)
{
    (void)c;
    (void)err;
    (*(long *)ctx)++;
    return 0;
}

/*
 * stdin is a pipe whose read end has O_NONBLOCK (node and make leave it so):
 * the writer sends part of the plan, pauses, then sends the rest. Reads
 * meet EAGAIN in the pause; the reader must wait, not fail.
 */
static void th_nonblocking_stdin(pg_plan_threads threads)
{
    size_t len;
    char *doc = th_broken_plan(&len);
    char *broken = strstr(doc, "\"before\":null,\"after\":null");
    int fds[2], status, saved;
    pid_t writer;
    pg_plan_read_options o;
    pg_plan_info info;
    pg_error err;
    long decoded = 0;
    int rc;

    memcpy(broken, "\"before\":{}  ", 13);
    cr_assert_eq(pipe(fds), 0);
    writer = fork();
    cr_assert(writer >= 0);
    if (writer == 0) {
        size_t half = len / 3, off = 0;
        close(fds[0]);
        while (off < len) {
            size_t n = off < half ? half - off : len - off;
            ssize_t k = write(fds[1], doc + off, n);
            if (k <= 0)
                _exit(1);
            off += (size_t)k;
            if (off == half)
                usleep(300 * 1000); /* the pause: the reader sees EAGAIN */
        }
        _exit(0);
    }
    close(fds[1]);
    cr_assert_eq(fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK), 0);
    saved = dup(STDIN_FILENO);
    cr_assert_eq(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
    close(fds[0]);
    memset(&o, 0, sizeof o);
    o.fn = th_count;
    o.ctx = &decoded;
    o.threads = threads;
    pg_error_clear(&err);
    rc = pg_plan_read("-", &o, &info, &err);
    dup2(saved, STDIN_FILENO);
    close(saved);
    cr_assert_eq(waitpid(writer, &status, 0), writer);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the writer failed");
    cr_assert_eq(rc, 0, "a paused non-blocking pipe is not an error: %s", err.message);
    cr_assert_eq(info.resource_changes, 2007);
    cr_assert_eq(info.drift, 1);
    cr_assert_eq(decoded, 2008, "every change was decoded (no filter)");
    free(doc);
}

Test(plan_threads, nonblocking_stdin_with_a_pausing_writer)
{
    unsigned long started = pg_plan_threads_started();

    th_nonblocking_stdin(PG_PLAN_THREADS_AUTO); /* a pipe: AUTO starts the thread */
    cr_assert_eq(pg_plan_threads_started() - started, 1);
    th_nonblocking_stdin(PG_PLAN_THREADS_NEVER);
    cr_assert_eq(pg_plan_threads_started() - started, 1);
}

/* MARK: the depth ceiling on the worker ---------------------------------------- */

/* Every operator that walks a value, on the deep one. */
static const char th_deep_policy[] =
    "version: 1\n"
    "protect:\n"
    "  - type: aws_dynamodb_table\n"
    "    when: { path: before.deep, exists: true }\n"
    "rules:\n"
    "  - id: deep-value\n"
    "    title: deep values are compared, copied and shown\n"
    "    severity: high\n"
    "    match: { type: aws_dynamodb_table }\n"
    "    require:\n"
    "      - { path: deep, changed: false }\n"
    "      - { path: after.deep, equals: [] }\n"
    "      - { path: \"after.deep[*]\", exists: false }\n"
    "    message: \"{address}: {after.deep}\"\n"
    "    remediation: none\n";

/* A plan whose deepest value is `depth` levels down (the document counts). */
static char *th_deep_plan(unsigned depth, size_t *len)
{
    /* Levels: the document 1, resource_changes 2, the change 3, change 4,
     * before/after 5: the deep value starts at level 6. */
    unsigned inner = depth - 5, i;
    th_buf b = {NULL, 0, 0}, d = {NULL, 0, 0};

    for (i = 0; i < inner; i++)
        th_add(&d, i % 2 ? "{\"k\":" : "[");
    th_add(&d, "1");
    for (i = inner; i-- > 0;)
        th_add(&d, i % 2 ? "}" : "]");
    th_add(&b, "{\"format_version\":\"1.2\",\"planned_values\":{},\"resource_changes\":[{\"address\":"
               "\"aws_dynamodb_table.deep\",\"mode\":\"managed\",\"type\":\"aws_dynamodb_table\",\"name\":\"deep\","
               "\"change\":{\"actions\":[\"delete\",\"create\"],\"before\":{\"name\":\"deep\",\"hash_key\":\"id\","
               "\"deep\":");
    th_add(&b, d.s);
    th_add(&b, "},\"after\":{\"name\":\"deep\",\"hash_key\":\"pk\",\"deep\":");
    th_add(&b, d.s);
    th_add(&b, "},\"after_unknown\":{}}}]}");
    free(d.s);
    *len = b.len;
    return b.s;
}

Test(plan_threads, a_change_at_the_depth_ceiling_on_the_worker)
{
    char path[64], *json = NULL;
    size_t len;
    char *doc = th_deep_plan(PG_JSON_MAX_DEPTH_CEILING, &len);
    pg_json_limits lim;
    unsigned long started = pg_plan_threads_started();
    int rc;

    memset(&lim, 0, sizeof lim);
    lim.max_depth = PG_JSON_MAX_DEPTH_CEILING;
    th_temp(path, sizeof path);
    th_write(path, doc, len);
    rc = th_check(path, PG_PLAN_THREADS_ALWAYS, th_deep_policy, &lim, &json);
    cr_assert_eq(rc, 0, "rc %d: %.600s", rc, json);
    cr_assert_eq(pg_plan_threads_started() - started, 1);
    cr_assert_not_null(strstr(json, "\"verdict\": \"fail\""), "%.400s", json);
    cr_assert_not_null(strstr(json, "dynamodb-key-replacement"), "the detectors ran");
    cr_assert_not_null(strstr(json, "deep-value"), "the rule ran");
    free(json);
    free(doc);
    /* One level more is the reader's depth error, on the same path. */
    doc = th_deep_plan(PG_JSON_MAX_DEPTH_CEILING + 1, &len);
    th_write(path, doc, len);
    cr_assert_eq(th_check(path, PG_PLAN_THREADS_ALWAYS, th_deep_policy, &lim, &json), PG_ELIMIT);
    cr_assert_not_null(strstr(json, "(limit max_depth)"), "%.400s", json);
    free(json);
    free(doc);
    unlink(path);
}
