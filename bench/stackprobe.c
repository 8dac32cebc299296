/* stackprobe.c — stack high-water of one evaluation (issue 11,
 * docs/robustness.md): pg_check_run on a thread of its own with a painted
 * stack, single-threaded inside (so the detectors and policies run on the
 * probed stack, as they do on the worker), on a plan nested up to the depth
 * ceiling, with the default pack and a rule that compares, copies and prints
 * the deep value; with a second argument, every report writer too.
 *
 *   cc -O2 -Iinclude -o /tmp/stackprobe bench/stackprobe.c build/libplangate.a -ljansson -lyaml -lpthread
 *   python3 bench/deepplan.py 4096 > /tmp/deep.json && /tmp/stackprobe /tmp/deep.json [reports]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plangate/check.h"
#include "plangate/policy.h"
#include "plangate/report.h"

#define PROBE_STACK ((size_t)256 << 20)

static const char probe_policy[] =
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

static const char *probe_path;
static int probe_reports;

static void *probe_run(void *arg)
{
    pg_policy *policy = pg_policy_new();
    pg_check_options o;
    pg_report rep;
    pg_report_style style;
    pg_error err;
    int rc, f;

    (void)arg;
    if (!policy || pg_policy_load_defaults(policy, &err) != 0 ||
        pg_policy_load_string(policy, "probe.yaml", probe_policy, strlen(probe_policy), &err) != 0) {
        fprintf(stderr, "stackprobe: policy: %s\n", err.message);
        exit(2);
    }
    memset(&o, 0, sizeof o);
    o.plan_path = probe_path;
    o.policy = policy;
    o.fail_on = PG_SEV_HIGH;
    o.today = "2025-06-01";
    o.threads = PG_PLAN_THREADS_NEVER;
    o.limits.max_depth = PG_JSON_MAX_DEPTH_CEILING;
    rc = pg_check_run(&o, &rep, &err);
    fprintf(stderr, "stackprobe: rc %d, %zu findings\n", rc, rep.findings.count);
    if (probe_reports) {
        FILE *sink = fopen("/dev/null", "w");
        memset(&style, 0, sizeof style);
        style.version = "probe";
        for (f = 0; sink && f < (int)PG_FORMAT_COUNT_; f++)
            pg_report_write(&rep, (pg_report_format)f, &style, sink, &err);
        if (sink)
            fclose(sink);
    }
    pg_report_dispose(&rep);
    pg_policy_free(policy);
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_attr_t attr;
    pthread_t t;
    unsigned char *stack;
    size_t untouched = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: stackprobe PLAN.json [reports]\n");
        return 2;
    }
    probe_path = argv[1];
    probe_reports = argc > 2;
    if (!(stack = aligned_alloc(4096, PROBE_STACK)))
        return 2;
    memset(stack, 0xAB, PROBE_STACK); /* the stack grows down: untouched bytes stay 0xAB */
    pthread_attr_init(&attr);
    pthread_attr_setstack(&attr, stack, PROBE_STACK);
    if (pthread_create(&t, &attr, probe_run, NULL) != 0)
        return 2;
    pthread_join(t, NULL);
    while (untouched < PROBE_STACK && stack[untouched] == 0xAB)
        untouched++;
    printf("stack used: %zu KiB%s\n", (PROBE_STACK - untouched) / 1024,
           probe_reports ? " (with every report writer)" : "");
    free(stack);
    return 0;
}
