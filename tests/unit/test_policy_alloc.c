/* test_policy_alloc.c — failure injection (STYLE §18): fail allocation N
 * for N = 0, 1, 2, ... while loading, evaluating and waiving; every run
 * must end in success or PG_ENOMEM, with no allocation left behind. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plangate/plangate.h"
#include "support.h"

static long calls, fail_at = -1, live;
static int failed;

static void *t_malloc(void *ctx, size_t size)
{
    void *p;

    (void)ctx;
    if (fail_at >= 0 && calls++ == fail_at) {
        failed = 1;
        return NULL;
    }
    p = malloc(size);
    if (p)
        live++;
    return p;
}

static void *t_realloc(void *ctx, void *ptr, size_t size)
{
    void *p;

    (void)ctx;
    if (fail_at >= 0 && calls++ == fail_at) {
        failed = 1;
        return NULL;
    }
    p = realloc(ptr, size);
    if (p && !ptr)
        live++;
    return p;
}

static void t_free(void *ctx, void *ptr)
{
    (void)ctx;
    if (ptr)
        live--;
    free(ptr);
}

static const pg_alloc counting = {t_malloc, t_realloc, t_free, NULL};

static const char *CHANGE =
    "{\"address\":\"module.db.aws_dynamodb_table.orders\",\"module_address\":\"module.db\",\"mode\":\"managed\","
    "\"type\":\"aws_dynamodb_table\",\"name\":\"orders\",\"provider_name\":\"registry.terraform.io/hashicorp/aws\","
    "\"change\":{\"actions\":[\"delete\",\"create\"],"
    "\"before\":{\"name\":\"orders\",\"hash_key\":\"status\",\"stream_enabled\":true,\"tags\":{\"Environment\":\"production\"},"
    "\"deletion_protection_enabled\":true,\"global_secondary_index\":[{\"projection_type\":\"ALL\"}]},"
    "\"after\":{\"name\":\"orders\",\"hash_key\":\"status\",\"stream_enabled\":false,\"tags\":{\"Environment\":\"production\"},"
    "\"global_secondary_index\":[{\"projection_type\":\"ALL\"},{\"projection_type\":\"KEYS_ONLY\"}],"
    "\"attribute\":[{\"name\":\"status\",\"type\":\"S\"}],\"secret\":\"x\"},"
    "\"after_unknown\":{\"point_in_time_recovery\":true,\"server_side_encryption\":[{\"kms_key_arn\":true}]},"
    "\"after_sensitive\":{\"secret\":true}}}";

/* One run with allocation `n` failing. Returns the status; *hit says
 * whether the failure point was reached. */
static int one_run(long n, const char *extra, int defaults, int *hit)
{
    pg_policy *p;
    pg_change c;
    pg_findings f;
    pg_waiver_status *st = NULL;
    size_t ns = 0;
    pg_error err;
    json_error_t jerr;
    json_t *v;
    int rc = PG_OK;

    live = 0;
    calls = 0;
    fail_at = -1;
    failed = 0;
    pg_alloc_set(&counting);
    v = json_loads(CHANGE, 0, &jerr);
    cr_assert(v);
    cr_assert_eq(pg_change_init(&c, v, PG_ORIGIN_PLANNED, &err), 0);
    pg_findings_init(&f);
    fail_at = n; /* armed */
    p = pg_test_policy_new();
    if (!p)
        rc = PG_ENOMEM;
    if (rc == PG_OK && defaults)
        rc = pg_policy_load_defaults(p, &err);
    if (rc == PG_OK && extra)
        rc = pg_policy_load_string(p, "extra.yaml", extra, strlen(extra), &err);
    if (rc == PG_OK)
        rc = pg_policy_eval_change(p, &c, &f, &err);
    if (rc == PG_OK) {
        /* out of memory while deciding is an error now, not "protected" */
        int prot = 0;
        rc = pg_policy_protects(p, &c, &prot, NULL, &err);
    }
    if (rc == PG_OK)
        rc = pg_policy_apply_waivers(p, &f, "2025-01-01", &st, &ns, &err);
    fail_at = -1; /* disarmed */
    *hit = failed;
    if (rc == PG_OK) {
        cr_assert_gt(f.count, 0);
    }
    pg_free(st);
    pg_findings_dispose(&f);
    pg_policy_free(p);
    pg_change_dispose(&c);
    pg_alloc_set(NULL);
    cr_assert_eq(live, 0, "allocation %ld failing: %ld allocations leaked (rc %d: %s)", n, live, rc, err.message);
    return rc;
}

static const char *EXTRA =
    "version: 1\n"
    "detectors:\n  lock-table-pitr: { enabled: false }\n"
    "lock_tables: [a, b]\n"
    "protect:\n"
    "  - { type: aws_dynamodb_table, tags: { Environment: [production, prod] } }\n"
    "  - { address: \"module.*\", when: { any: [ { path: before.x, exists: true }, { not: { path: name, equals: y } } ] } }\n"
    "rules:\n"
    "  - id: every-part\n"
    "    title: Every part\n"
    "    severity: high\n"
    "    description: d\n"
    "    match: { type: [\"aws_*\"], actions: [replace], address: \"module.*\", where: { path: \"after.tags[*]\", equals: production } }\n"
    "    require:\n"
    "      - { path: \"after.global_secondary_index[*].projection_type\", not_equals: ALL, every: true }\n"
    "      - { path: hash_key, changed: true }\n"
    "      - { path: after.name, matches: \"^x\", ignore_case: true }\n"
    "      - { path: after.secret, equals: y }\n"
    "      - { path: \"after.point_in_time_recovery[0].enabled\", equals: true }\n"
    "      - { path: \"replace_paths[*][0]\", in: [a, b] }\n"
    "    message: \"{address} {after.secret} {after.global_secondary_index[*].projection_type} {before.tags}\"\n"
    "    remediation: \"fix { it } {rule}\"\n"
    "    examples:\n"
    "      - { plan: x.json, expect: [ { address: a }, { address: b, rule: r } ] }\n"
    "waivers:\n"
    "  - { rule: every-part, address: \"module.*\", reason: r, owner: o }\n"
    "  - { rule: dynamodb-streams-kept, address: \"*\", reason: r, expires: 2024-01-01 }\n";

Test(policy_alloc, every_failure_point_of_a_custom_policy)
{
    long n;
    int hit = 1, rc;

    for (n = 0; hit; n++) {
        rc = one_run(n, EXTRA, 0, &hit);
        cr_assert(rc == PG_OK || rc == PG_ENOMEM, "allocation %ld failing gave %d", n, rc);
        cr_assert(hit || rc == PG_OK);
    }
    cr_assert_gt(n, 100); /* the loop did reach a run with no failure */
}

Test(policy_alloc, failure_points_of_the_default_pack)
{
    long n;
    int hit = 1, rc;

    /* Every 3rd point: the pack is a few thousand allocations long. */
    for (n = 0; hit; n += 3) {
        rc = one_run(n, NULL, 1, &hit);
        cr_assert(rc == PG_OK || rc == PG_ENOMEM, "allocation %ld failing gave %d", n, rc);
    }
    cr_assert_gt(n, 300);
}
