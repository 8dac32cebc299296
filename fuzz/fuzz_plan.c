/* fuzz_plan.c — the whole check path on a fixed policy (STYLE 20).
 *
 * The input is a plan. It is written to a temporary file and evaluated by
 * pg_check_run — plan reader, detectors, rules, waivers, report model —
 * with the default pack plus a policy that uses every operator, then every
 * report format is written (to /dev/null). The decoding thread is off
 * (PG_PLAN_THREADS_NEVER) so a run is deterministic; the tests cover the
 * threaded path. Invariants (abort() when broken):
 *   - fail closed: a run that succeeds (or stops at "errored": true) read a
 *     document that a strict reference parser (jansson) accepts, unless the
 *     difference is a documented one (numbers beyond int64/double, NUL in a
 *     key, a byte-order mark: SPEC §2, README "Decisions");
 *   - no false syntax error: a document jansson accepts is never PG_ESYNTAX;
 *   - the verdict matches the result: ERROR with a message on failure,
 *     PASS or FAIL on success. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "plangate/alloc.h"
#include "plangate/check.h"
#include "plangate/report.h"

static const char plan_policy_text[] =
    "version: 1\n"
    "detectors:\n"
    "  dynamodb-key-replacement: { severity: critical }\n"
    "lock_tables: [terraform-locks, \"tf-*\"]\n"
    "protect:\n"
    "  - type: aws_dynamodb_table\n"
    "    when: { path: before.tags.Environment, equals: production }\n"
    "  - address: \"module.payments.*\"\n"
    "rules:\n"
    "  - id: fuzz-rule\n"
    "    title: every operator\n"
    "    severity: high\n"
    "    match:\n"
    "      type: [\"aws_*\", \"*\"]\n"
    "      actions: [create, update, replace, delete, no-op, read, forget]\n"
    "      where:\n"
    "        - any:\n"
    "          - { path: after.name, exists: true }\n"
    "          - { path: before.name, matches: \"^[a-z].*$\", ignore_case: true }\n"
    "          - not: { path: type, equals: x }\n"
    "    require:\n"
    "      - { path: \"after.point_in_time_recovery[0].enabled\", equals: true, if_unknown: pass }\n"
    "      - { path: \"after.attribute[*].type\", in: [S, N, B], every: true }\n"
    "      - { path: after.tags, length_greater_than: 0 }\n"
    "      - { path: after.read_capacity, less_than: 100 }\n"
    "      - { path: hash_key, changed: false }\n"
    "      - { path: \"after.tags['Cost.Centre']\", not_equals: 0 }\n"
    "      - { path: address, glob: \"*\" }\n"
    "      - { path: after.name, contains: a }\n"
    "      - { path: actions, not_in: [delete] }\n"
    "    message: \"{address} {type} {after.name} {before.tags.Owner} {after.attribute[*].name}\"\n"
    "    remediation: fix it\n"
    "waivers:\n"
    "  - rule: fuzz-rule\n"
    "    address: \"aws_s3_bucket.*\"\n"
    "    reason: fuzz\n"
    "  - rule: dynamodb-key-replacement\n"
    "    address: aws_dynamodb_table.sessions\n"
    "    reason: old\n"
    "    expires: 2020-01-01\n";

/* Built once: the policy is fixed, and loading the pack per input would
 * dominate the run time. Reachable from here, so never reported as a leak. */
static pg_policy *plan_policy;

static const pg_policy *plan_get_policy(void)
{
    pg_error err;

    if (plan_policy)
        return plan_policy;
    if (pg_policy_new(&plan_policy, &err) != 0 || pg_policy_load_defaults(plan_policy, &err) != 0 ||
        pg_policy_load_string(plan_policy, "fuzz-policy.yaml", plan_policy_text, sizeof plan_policy_text - 1,
                              &err) != 0)
        abort();
    return plan_policy;
}

/* jansson's differences from our reader that are decisions, not bugs. */
static int plan_known_difference(const uint8_t *data, size_t size, const json_error_t *jerr)
{
    if (size >= 2 && ((data[0] == 0xFF && data[1] == 0xFE) || (data[0] == 0xFE && data[1] == 0xFF)))
        return 1; /* UTF-16 with a BOM is transcoded */
    if (size >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF)
        return 1; /* a UTF-8 BOM is skipped */
    return strstr(jerr->text, "too big") != NULL || strstr(jerr->text, "overflow") != NULL ||
           strstr(jerr->text, "NUL byte in object key") != NULL;
}

/* Write `data` to a new temporary file; its path goes to `path`. 0 or -1. */
static int plan_temp_file(char *path, size_t size, const uint8_t *data, size_t len)
{
    const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    size_t off = 0;
    int fd;

    snprintf(path, size, "%s/pg-fuzz-plan.XXXXXX", dir);
    if ((fd = mkstemp(path)) < 0)
        return -1;
    while (off < len) {
        ssize_t n = write(fd, data + off, len - off);
        if (n <= 0) {
            close(fd);
            unlink(path);
            return -1;
        }
        off += (size_t)n;
    }
    close(fd);
    return 0;
}

int pg_fuzz_plan(const uint8_t *data, size_t size)
{
    pg_check_options opts;
    pg_report report;
    pg_report_style style;
    pg_error err;
    json_error_t jerr;
    json_t *ref;
    char path[64];
    FILE *sink;
    int rc, f;

    memset(&opts, 0, sizeof opts);
    opts.threads = PG_PLAN_THREADS_NEVER;
    opts.policy = plan_get_policy();
    opts.fail_on = PG_SEV_HIGH;
    opts.today = "2025-06-01";
    if (plan_temp_file(path, sizeof path, data, size) != 0)
        abort();
    opts.plan_path = path;
    pg_error_clear(&err);
    rc = pg_check_run(&opts, &report, &err);
    unlink(path);

    if (rc != 0 && (report.verdict != PG_VERDICT_ERROR || report.n_errors == 0 || err.message[0] == '\0'))
        abort();
    if (rc == 0 && report.verdict == PG_VERDICT_ERROR)
        abort();
    if (getenv("PG_FUZZ_DEBUG"))
        fprintf(stderr, "fuzz_plan: rc %d verdict %d findings %zu: %s\n", rc, (int)report.verdict,
                report.findings.count, err.message);
    if (rc == 0 || rc == PG_EERRORED || rc == PG_ESYNTAX) {
        ref = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
        if (rc != PG_ESYNTAX && !ref && !plan_known_difference(data, size, &jerr))
            abort(); /* we evaluated a document that is not JSON: fail-open */
        /* jansson's json_loadb takes a NUL byte after the value for the end
         * of input ("5\0" loads); RFC 8259 does not, nor do we. */
        if (rc == PG_ESYNTAX && ref && !memchr(data, 0, size)) {
            /* A duplicated key inside a resource change is refused as a
             * syntax error (README "Decisions"): valid only without them. */
            json_t *strict = json_loadb((const char *)data, size,
                                        JSON_DECODE_ANY | JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES, &jerr);
            if (strict || !strstr(err.message, "duplicate key"))
                abort(); /* we refused valid JSON */
        }
        json_decref(ref);
    }
    if ((sink = fopen("/dev/null", "w")) != NULL) {
        memset(&style, 0, sizeof style);
        style.version = "fuzz";
        for (f = 0; f < (int)PG_FORMAT_COUNT_; f++) {
            style.color = f == 0 && (size & 1);
            style.quiet = f == 0 && (size & 2);
            if (pg_report_write(&report, (pg_report_format)f, &style, sink, &err) != 0 && err.code != PG_ENOMEM)
                abort(); /* /dev/null never fails a write */
        }
        /* the same report as two plans of one run (many.c), with the input's
         * first bytes as the title now and then (the comment marker) */
        if (size & 4) {
            size_t tl = strnlen((const char *)data, size < 64 ? size : 64);
            char *title = pg_malloc(tl + 1);
            if (title) {
                memcpy(title, data, tl);
                title[tl] = '\0';
                report.title = title;
            }
        }
        for (f = 0; f < (int)PG_FORMAT_COUNT_; f++) {
            const pg_report *two[2] = {&report, &report};
            if (pg_report_write_many(two, 2, (pg_report_format)f, &style, sink, &err) != 0 &&
                err.code != PG_ENOMEM)
                abort();
        }
        fclose(sink);
    }
    pg_report_dispose(&report);
    return 0;
}

PG_FUZZ_ENTRY(pg_fuzz_plan)
