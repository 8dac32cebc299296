/*
 * test_alloc_fail.c — allocation-failure injection (STYLE 12, 18; after
 * jansson/test/suites/api/test_chaos.c).
 *
 * pg_alloc_set() installs an allocator that fails exactly the Nth
 * allocation (malloc or realloc, through pg_* and jansson alike), for N = 0,
 * 1, 2, … until a run makes fewer than N allocations. Every run must either
 * succeed with the same result as the run without failures, or return
 * PG_ENOMEM — never crash, never another error, and never a *different*
 * verdict (a swallowed failure that drops a finding would turn FAIL into
 * PASS). The allocator counts live blocks, so a leak on any error path is
 * an assertion here; `make asan` adds LSan on top (libyaml allocates with
 * plain malloc, which only LSan sees).
 */
#include <criterion/criterion.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plangate/alloc.h"
#include "plangate/check.h"
#include "plangate/policy.h"
#include "plangate/report.h"
#include "support.h"

#define AF_PLAN PG_TESTDATA "/plans/demo/plan.json"
/* A run needs far fewer; past this the loop has a bug. */
#define AF_MAX_N 200000L

typedef struct af_state {
    atomic_long calls;  /* allocations attempted */
    atomic_long live;   /* blocks allocated and not freed */
    long fail_at;       /* the allocation that fails (-1: none) */
    atomic_long failed; /* how many failed */
} af_state;

static af_state af;

static int af_should_fail(void)
{
    long n = atomic_fetch_add(&af.calls, 1);
    if (n == af.fail_at) {
        atomic_fetch_add(&af.failed, 1);
        return 1;
    }
    return 0;
}

static void *af_malloc(void *ctx, size_t size)
{
    void *p;

    (void)ctx;
    if (af_should_fail())
        return NULL;
    if ((p = malloc(size)) != NULL)
        atomic_fetch_add(&af.live, 1);
    return p;
}

static void *af_realloc(void *ctx, void *ptr, size_t size)
{
    void *p;

    (void)ctx;
    if (af_should_fail())
        return NULL;
    p = realloc(ptr, size);
    if (p && !ptr)
        atomic_fetch_add(&af.live, 1);
    return p;
}

static void af_free(void *ctx, void *ptr)
{
    (void)ctx;
    if (ptr)
        atomic_fetch_sub(&af.live, 1);
    free(ptr);
}

/* Install the failing allocator: allocation `fail_at` (0-based) fails. */
static void af_begin(long fail_at)
{
    pg_alloc a = {af_malloc, af_realloc, af_free, NULL};

    atomic_store(&af.calls, 0);
    atomic_store(&af.live, 0);
    atomic_store(&af.failed, 0);
    af.fail_at = fail_at;
    pg_alloc_set(&a);
}

static void af_end(void)
{
    pg_alloc_set(NULL);
}

/* ---- the check path: reader, detectors, rules, waivers, report model ---------------- */

typedef struct af_outcome {
    int rc;
    pg_verdict verdict;
    size_t findings;
    size_t destroys;
    long calls;
    long live;
    long failed;
} af_outcome;

static void af_check_once(const pg_policy *policy, long fail_at, pg_plan_threads threads, af_outcome *o)
{
    pg_check_options opts;
    pg_report report;
    pg_error err;

    memset(&opts, 0, sizeof opts);
    opts.plan_path = AF_PLAN;
    opts.policy = policy;
    opts.fail_on = PG_SEV_HIGH;
    opts.today = "2025-06-01";
    opts.threads = threads;
    pg_error_clear(&err);
    af_begin(fail_at);
    o->rc = pg_check_run(&opts, &report, &err);
    o->verdict = report.verdict;
    o->findings = report.findings.count;
    o->destroys = report.destroys.total;
    pg_report_dispose(&report);
    o->calls = atomic_load(&af.calls);
    o->live = atomic_load(&af.live);
    o->failed = atomic_load(&af.failed);
    af_end();
}

static void af_check_every_n(const char *threads)
{
    pg_policy *policy = pg_test_policy_new();
    pg_error err;
    af_outcome ref, o;
    long n, enomem = 0;
    /* The demo plan is a small file: only ALWAYS makes it reach the thread. */
    pg_plan_threads mode = threads ? PG_PLAN_THREADS_ALWAYS : PG_PLAN_THREADS_NEVER;
    unsigned long started = pg_plan_threads_started();

    cr_assert_not_null(policy);
    cr_assert_eq(pg_policy_load_defaults(policy, &err), 0, "%s", err.message);
    af_check_once(policy, -1, mode, &ref);
    cr_assert_eq(ref.rc, 0);
    cr_assert_eq(ref.verdict, PG_VERDICT_FAIL, "the demo plan fails");
    cr_assert(ref.findings > 0);
    cr_assert_eq(ref.live, 0, "the reference run leaks %ld blocks", ref.live);
    for (n = 0; n < AF_MAX_N; n++) {
        af_check_once(policy, n, mode, &o);
        if (o.failed == 0)
            break; /* the run needed fewer than n allocations: done */
        cr_assert(o.rc == 0 || o.rc == PG_ENOMEM, "allocation %ld failed: rc %d (expected PG_ENOMEM)", n, o.rc);
        cr_assert_eq(o.live, 0, "allocation %ld failed: %ld blocks leaked", n, o.live);
        if (o.rc == 0) {
            cr_assert_eq(o.verdict, ref.verdict, "allocation %ld failed, yet the verdict changed", n);
            cr_assert_eq(o.findings, ref.findings, "allocation %ld failed, yet rc 0 with %zu findings, not %zu",
                         n, o.findings, ref.findings);
            cr_assert_eq(o.destroys, ref.destroys, "allocation %ld", n);
        } else {
            cr_assert_eq(o.verdict, PG_VERDICT_ERROR, "allocation %ld: an error must not pass", n);
            enomem++;
        }
    }
    cr_assert(n > 10 && n < AF_MAX_N, "%ld runs", n);
    cr_assert(enomem > n / 2, "only %ld of %ld failed allocations were reported", enomem, n);
    if (threads)
        cr_assert_gt(pg_plan_threads_started() - started, (unsigned long)n / 2,
                     "the decoding thread ran in too few of %ld runs", n);
    else
        cr_assert_eq(pg_plan_threads_started(), started, "no thread without threads");
    cr_log_info("check (%s): %ld allocations, each failed once: %ld runs said PG_ENOMEM",
                threads ? "threads" : "no threads", n, enomem);
    pg_policy_free(policy);
}

Test(alloc_fail, check_run_every_allocation_no_threads)
{
    af_check_every_n(NULL);
}

/* With the decoding thread the order of allocations varies between runs, so
 * "the Nth" is not always the same one; the invariants hold all the same. */
Test(alloc_fail, check_run_every_allocation_threads)
{
    af_check_every_n("threads");
}

/* ---- the policy loader ---------------------------------------------------------------- */

static void af_policy_every_n(const char *name, const char *text, size_t len)
{
    pg_policy *p;
    pg_error err;
    long n, ref_calls;
    size_t ref_rules;
    int rc;

    cr_assert_not_null(p = pg_test_policy_new());
    af_begin(-1);
    rc = pg_policy_load_string(p, name, text, len, &err);
    ref_calls = atomic_load(&af.calls);
    af_end();
    cr_assert_eq(rc, 0, "%s", err.message);
    ref_rules = pg_policy_rule_count(p);
    pg_policy_free(p);
    for (n = 0; n < AF_MAX_N; n++) {
        long live, failed;
        af_begin(n);
        p = pg_test_policy_new();
        if (p) {
            pg_error_clear(&err);
            rc = pg_policy_load_string(p, name, text, len, &err);
            if (rc == 0)
                cr_assert_eq(pg_policy_rule_count(p), ref_rules, "allocation %ld: rc 0 but rules lost", n);
            pg_policy_free(p);
        } else {
            rc = PG_ENOMEM;
        }
        live = atomic_load(&af.live);
        failed = atomic_load(&af.failed);
        af_end();
        if (failed == 0)
            break;
        cr_assert(rc == 0 || rc == PG_ENOMEM, "%s: allocation %ld failed: rc %d (%s), expected PG_ENOMEM", name, n,
                  rc, err.message);
        cr_assert_eq(live, 0, "%s: allocation %ld failed: %ld blocks leaked", name, n, live);
    }
    cr_assert(n >= ref_calls, "%s: %ld runs for %ld allocations", name, n, ref_calls);
}

Test(alloc_fail, policy_load_every_allocation)
{
    static const char *const files[] = {"ok-spec-example", "ok-every-operator", "ok-anchors"};
    size_t i;

    for (i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[512];
        size_t len = 0;
        char *text;
        snprintf(path, sizeof path, "%s/policies/%s/policy.yaml", PG_TESTDATA, files[i]);
        cr_assert_not_null(text = pg_test_read_file(path, &len), "%s", path);
        af_policy_every_n(files[i], text, len);
        free(text);
    }
}

/* ---- the report writers ------------------------------------------------------------------ */

Test(alloc_fail, report_writers_every_allocation)
{
    pg_policy *policy = pg_test_policy_new();
    pg_check_options opts;
    pg_report report;
    pg_report_style style;
    pg_error err;
    FILE *sink = fopen("/dev/null", "w");
    int f;

    cr_assert_not_null(sink);
    cr_assert_eq(pg_policy_load_defaults(policy, &err), 0);
    memset(&opts, 0, sizeof opts);
    opts.plan_path = AF_PLAN;
    opts.policy = policy;
    opts.fail_on = PG_SEV_HIGH;
    opts.today = "2025-06-01";
    opts.threads = PG_PLAN_THREADS_NEVER;
    cr_assert_eq(pg_check_run(&opts, &report, &err), 0);
    memset(&style, 0, sizeof style);
    style.version = "test";
    for (f = 0; f < (int)PG_FORMAT_COUNT_; f++) {
        long n;
        for (n = 0; n < AF_MAX_N; n++) {
            long live, failed;
            int rc;
            af_begin(n);
            rc = pg_report_write(&report, (pg_report_format)f, &style, sink, &err);
            live = atomic_load(&af.live);
            failed = atomic_load(&af.failed);
            af_end();
            if (failed == 0)
                break;
            cr_assert(rc == 0 || rc == PG_ENOMEM, "%s: allocation %ld failed: rc %d",
                      pg_report_format_name((pg_report_format)f), n, rc);
            cr_assert_eq(live, 0, "%s: allocation %ld failed: %ld blocks leaked",
                         pg_report_format_name((pg_report_format)f), n, live);
        }
    }
    pg_report_dispose(&report);
    pg_policy_free(policy);
    fclose(sink);
}

/* Several plans as one document (many.c): the same report twice is two plans. */
Test(alloc_fail, report_write_many_every_allocation)
{
    pg_policy *policy = pg_test_policy_new();
    pg_check_options opts;
    pg_report report;
    const pg_report *two[2] = {&report, &report};
    pg_report_style style;
    pg_error err;
    FILE *sink = fopen("/dev/null", "w");
    int f;

    cr_assert_not_null(sink);
    cr_assert_eq(pg_policy_load_defaults(policy, &err), 0);
    memset(&opts, 0, sizeof opts);
    opts.plan_path = AF_PLAN;
    opts.policy = policy;
    opts.fail_on = PG_SEV_HIGH;
    opts.today = "2025-06-01";
    opts.threads = PG_PLAN_THREADS_NEVER;
    cr_assert_eq(pg_check_run(&opts, &report, &err), 0);
    memset(&style, 0, sizeof style);
    style.version = "test";
    for (f = 0; f < (int)PG_FORMAT_COUNT_; f++) {
        long n;
        for (n = 0; n < AF_MAX_N; n++) {
            long live, failed;
            int rc;
            af_begin(n);
            rc = pg_report_write_many(two, 2, (pg_report_format)f, &style, sink, &err);
            live = atomic_load(&af.live);
            failed = atomic_load(&af.failed);
            af_end();
            if (failed == 0)
                break;
            /* as the one-plan writers: a failure is ENOMEM, or one they absorb */
            cr_assert(rc == 0 || rc == PG_ENOMEM, "%s: allocation %ld failed: rc %d",
                      pg_report_format_name((pg_report_format)f), n, rc);
            cr_assert_eq(live, 0, "%s: allocation %ld failed: %ld blocks leaked",
                         pg_report_format_name((pg_report_format)f), n, live);
        }
        cr_assert_lt(n, AF_MAX_N, "%s: more allocations than the test tries", pg_report_format_name((pg_report_format)f));
    }
    pg_report_dispose(&report);
    pg_policy_free(policy);
    fclose(sink);
}
