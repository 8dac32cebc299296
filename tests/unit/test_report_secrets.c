/* test_report_secrets.c — SPEC §6 "no secret leaks", end to end through the
 * library: plans with a secret in every sensitive position (the mask true at
 * the attribute, at a parent block, the whole before/after_sensitive true;
 * key attributes, table names, tags, nested blocks, both sides) go through
 * pg_check_run with the default pack and rules that quote those values in
 * their messages and fixes, match on them and protect on them; no report
 * format, in colour or not, may contain any secret. (The key-type wording
 * of dynamodb-key-replacement / dynamodb-key-type-change is the detect
 * module's test: no plan here changes a sensitive attribute's type.) */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_report_support.h"
#include "support.h"

#define SECRET_TAG "SECRET-TAG-hunter2"
#define SECRET_ARN "arn:aws:kms:eu-west-1:111122223333:key/SECRET-KMS-hunter2"

static const char plan_json[] =
    "{\"format_version\":\"1.2\",\"terraform_version\":\"1.9.5\",\"resource_changes\":[{"
    "\"address\":\"aws_dynamodb_table.orders\",\"mode\":\"managed\",\"type\":\"aws_dynamodb_table\","
    "\"name\":\"orders\",\"provider_name\":\"registry.terraform.io/hashicorp/aws\","
    "\"action_reason\":\"replace_because_cannot_update\",\"change\":{\"actions\":[\"delete\",\"create\"],"
    "\"before\":{\"name\":\"orders\",\"hash_key\":\"orderId\",\"billing_mode\":\"PAY_PER_REQUEST\","
    "\"attribute\":[{\"name\":\"orderId\",\"type\":\"S\"}],"
    "\"tags\":{\"Environment\":\"production\",\"Secret\":\"" SECRET_TAG "\"},"
    "\"tags_all\":{\"Environment\":\"production\",\"Secret\":\"" SECRET_TAG "\"},"
    "\"server_side_encryption\":[{\"enabled\":true,\"kms_key_arn\":\"" SECRET_ARN "\"}],"
    "\"point_in_time_recovery\":[{\"enabled\":false}]},"
    "\"after\":{\"name\":\"orders\",\"hash_key\":\"customerId\",\"billing_mode\":\"PAY_PER_REQUEST\","
    "\"attribute\":[{\"name\":\"customerId\",\"type\":\"S\"}],"
    "\"tags\":{\"Environment\":\"production\",\"Secret\":\"" SECRET_TAG "\"},"
    "\"tags_all\":{\"Environment\":\"production\",\"Secret\":\"" SECRET_TAG "\"},"
    "\"server_side_encryption\":[{\"enabled\":true,\"kms_key_arn\":\"" SECRET_ARN "\"}],"
    "\"point_in_time_recovery\":[{\"enabled\":false}]},"
    "\"after_unknown\":{},"
    "\"before_sensitive\":{\"tags\":{\"Secret\":true},\"tags_all\":{\"Secret\":true},\"server_side_encryption\":true},"
    "\"after_sensitive\":{\"tags\":{\"Secret\":true},\"tags_all\":{\"Secret\":true},\"server_side_encryption\":true},"
    "\"replace_paths\":[[\"hash_key\"]]}}]}";

static const char policy_yaml[] =
    "version: 1\n"
    "protect:\n"
    "  - type: aws_dynamodb_table\n"
    "    when:\n"
    "      all:\n"
    "        - { path: before.tags.Secret, equals: \"" SECRET_TAG "\" }\n"
    "rules:\n"
    "  - id: quotes-a-sensitive-tag\n"
    "    title: A rule whose message quotes sensitive values\n"
    "    severity: high\n"
    "    match:\n"
    "      type: aws_dynamodb_table\n"
    "    require:\n"
    "      - { path: after.tags.Secret, equals: \"something else\" }\n"
    "    message: \"{address}: tag {after.tags.Secret}, was {before.tags.Secret}, block "
    "{after.server_side_encryption}, arn {after.server_side_encryption[0].kms_key_arn}\"\n"
    "    remediation: \"set the tag to something other than {after.tags.Secret}\"\n"
    "  - id: quotes-a-sensitive-block\n"
    "    title: A rule on a sensitive nested block\n"
    "    severity: medium\n"
    "    match:\n"
    "      type: aws_dynamodb_table\n"
    "    require:\n"
    "      - { path: \"after.server_side_encryption[0].kms_key_arn\", equals: \"arn:aws:kms:other\" }\n"
    "    message: \"kms key is {after.server_side_encryption[0].kms_key_arn}\"\n";

static const char quoting_policy[] =
    "version: 1\n"
    "lock_tables: [locks-table]\n"
    "protect:\n"
    "  - type: aws_dynamodb_table\n"
    "    when: { path: before.tags.Owner, matches: \"^hunt\" }\n"
    "rules:\n"
    "  - id: quotes-everything\n"
    "    title: A rule that quotes every sensitive position\n"
    "    severity: high\n"
    "    match: { type: aws_dynamodb_table }\n"
    "    require:\n"
    "      - { path: after.name, equals: \"never\" }\n"
    "      - { path: after.hash_key, equals: \"never\" }\n"
    "      - { path: \"after.tags.Owner\", equals: \"never\" }\n"
    "      - { path: \"after.global_secondary_index[*].name\", equals: \"never\" }\n"
    "      - { path: \"after.server_side_encryption[0].kms_key_arn\", equals: \"never\" }\n"
    "      - { path: before.range_key, equals: \"never\" }\n"
    "    message: \"{address} {name} {before.name} {after.name} {after.hash_key} {before.hash_key} {after.range_key} "
    "{after.tags} {before.tags.Owner} {after.tags_all} {after.global_secondary_index} "
    "{after.global_secondary_index[*].name} {after.server_side_encryption} {after.attribute} {after} {before}\"\n"
    "    remediation: \"restore {before.name} with key {before.hash_key} and owner {before.tags.Owner}\"\n";

/* A table whose every printed value is a secret, in three shapes of mask. */
#define SECRET_TABLE(addr, action, before_mask, after_mask)                                          \
    "{\"address\":\"" addr "\",\"mode\":\"managed\",\"type\":\"aws_dynamodb_table\",\"name\":\"t\","          \
    "\"provider_name\":\"registry.terraform.io/hashicorp/aws\",\"change\":{\"actions\":" action ","            \
    "\"before\":{\"name\":\"hunter2-name\",\"hash_key\":\"hunter2-hk-b\",\"range_key\":\"hunter2-rk-b\","  \
    "\"billing_mode\":\"PROVISIONED\",\"deletion_protection_enabled\":true,"                                \
    "\"attribute\":[{\"name\":\"hunter2-hk-b\",\"type\":\"S\"},{\"name\":\"hunter2-rk-b\",\"type\":\"S\"}],"  \
    "\"tags\":{\"Owner\":\"hunter2-owner\",\"Environment\":\"production\"},"                               \
    "\"tags_all\":{\"Owner\":\"hunter2-owner\",\"Environment\":\"production\"},"                           \
    "\"global_secondary_index\":[{\"name\":\"hunter2-gsi-b\",\"hash_key\":\"hunter2-hk-b\",\"projection_type\":\"ALL\"}]," \
    "\"server_side_encryption\":[{\"enabled\":true,\"kms_key_arn\":\"arn:aws:kms:x:1:key/hunter2-kms\"}],"      \
    "\"point_in_time_recovery\":[{\"enabled\":false}],\"stream_enabled\":true},"                              \
    "\"after\":{\"name\":\"hunter2-name\",\"hash_key\":\"hunter2-hk-a\",\"range_key\":\"hunter2-rk-a\","   \
    "\"billing_mode\":\"PROVISIONED\",\"deletion_protection_enabled\":false,"                               \
    "\"attribute\":[{\"name\":\"hunter2-hk-a\",\"type\":\"S\"},{\"name\":\"hunter2-rk-a\",\"type\":\"S\"}],"  \
    "\"tags\":{\"Owner\":\"hunter2-owner\",\"Environment\":\"production\"},"                               \
    "\"tags_all\":{\"Owner\":\"hunter2-owner\",\"Environment\":\"production\"},"                           \
    "\"global_secondary_index\":[{\"name\":\"hunter2-gsi-a\",\"hash_key\":\"hunter2-hk-a\",\"projection_type\":\"ALL\"}]," \
    "\"server_side_encryption\":[{\"enabled\":true,\"kms_key_arn\":\"arn:aws:kms:x:1:key/hunter2-kms\"}],"      \
    "\"point_in_time_recovery\":[{\"enabled\":false}],\"stream_enabled\":false},"                             \
    "\"after_unknown\":{},\"before_sensitive\":" before_mask ",\"after_sensitive\":" after_mask ","            \
    "\"replace_paths\":[[\"hash_key\"],[\"range_key\"]]}}"

/* A state-lock table (hash_key LockID) with a range key and no PITR, its
 * key schema sensitive. */
#define LOCK_TABLE(mask)                                                                               \
    "{\"address\":\"aws_dynamodb_table.locks\",\"mode\":\"managed\",\"type\":\"aws_dynamodb_table\","       \
    "\"name\":\"locks\",\"change\":{\"actions\":[\"delete\",\"create\"],"                                  \
    "\"before\":{\"name\":\"hunter2-locks\",\"hash_key\":\"LockID\",\"range_key\":\"hunter2-lock-rk\","    \
    "\"attribute\":[{\"name\":\"LockID\",\"type\":\"S\"}],\"point_in_time_recovery\":[{\"enabled\":false}]}," \
    "\"after\":{\"name\":\"hunter2-locks\",\"hash_key\":\"LockID\",\"range_key\":\"hunter2-lock-rk\","     \
    "\"attribute\":[{\"name\":\"LockID\",\"type\":\"S\"}],\"point_in_time_recovery\":[{\"enabled\":false}]}," \
    "\"after_unknown\":{},\"before_sensitive\":" mask ",\"after_sensitive\":" mask "}}"

/* The mask at each attribute, at each parent block, and on the whole object. */
#define MASK_ATTRS                                                                                     \
    "{\"name\":true,\"hash_key\":true,\"range_key\":true,\"attribute\":[{\"name\":true},{\"name\":true}],"   \
    "\"tags\":{\"Owner\":true},\"tags_all\":{\"Owner\":true},"                                               \
    "\"global_secondary_index\":[{\"name\":true,\"hash_key\":true}],"                                        \
    "\"server_side_encryption\":[{\"kms_key_arn\":true}]}"
#define MASK_BLOCKS                                                                                    \
    "{\"name\":true,\"hash_key\":true,\"range_key\":true,\"attribute\":true,\"tags\":true,\"tags_all\":true," \
    "\"global_secondary_index\":true,\"server_side_encryption\":true}"
#define MASK_ALL "true"

/* replaced (key change), deleted (a rename to a created twin), updated,
 * created: every detector's path, in each shape of mask (each string stays
 * under C's 4095-byte limit: the plan is joined at run time). */
#define N_TABLES 5
#define TABLES(mask)                                                                                   \
    {SECRET_TABLE("aws_dynamodb_table.replaced", "[\"delete\",\"create\"]", mask, mask),                      \
     SECRET_TABLE("aws_dynamodb_table.deleted", "[\"delete\"]", mask, mask),                                  \
     SECRET_TABLE("aws_dynamodb_table.created", "[\"create\"]", mask, mask),                                  \
     SECRET_TABLE("aws_dynamodb_table.updated", "[\"update\"]", mask, mask), LOCK_TABLE(mask)}

static const char *const secret_plans[][N_TABLES] = {TABLES(MASK_ATTRS), TABLES(MASK_BLOCKS), TABLES(MASK_ALL)};

static char *plan_of(const char *const tables[N_TABLES], int incomplete)
{
    size_t n = 256, i;
    char *json;

    for (i = 0; i < N_TABLES; i++)
        n += strlen(tables[i]) + 1;
    json = malloc(n);
    cr_assert_not_null(json);
    snprintf(json, n, "{\"format_version\":\"1.2\",%s\"resource_changes\":[",
             incomplete ? "\"complete\":false," : "");
    for (i = 0; i < N_TABLES; i++) {
        strcat(json, tables[i]);
        strcat(json, i < N_TABLES - 1 ? "," : "]}");
    }
    return json;
}

static const pg_report_format formats[] = {PG_FORMAT_TEXT,  PG_FORMAT_JSON,   PG_FORMAT_SARIF,
                                           PG_FORMAT_JUNIT, PG_FORMAT_GITHUB, PG_FORMAT_MARKDOWN};

static void check_no_leak(const pg_report *r)
{
    size_t i;

    for (i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        int color;
        for (color = 0; color <= 1; color++) {
            char *out = rpt_render(r, formats[i], color, 0, NULL);
            cr_assert_null(strstr(out, "hunter2"), "%s report leaks a sensitive value:\n%s",
                           pg_report_format_name(formats[i]), out);
            free(out);
        }
    }
}

Test(report_secrets, no_format_prints_a_sensitive_value)
{
    const char *path = rpt_temp_file(plan_json, sizeof plan_json - 1, ".json", 0);
    pg_policy *policy = pg_test_policy_new();
    pg_check_options opts;
    pg_report r;
    pg_error err;
    size_t i, quoted = 0;
    int rc;

    cr_assert_not_null(policy);
    pg_error_clear(&err);
    rc = pg_policy_load_defaults(policy, &err);
    cr_assert_eq(rc, 0, "defaults: %s", err.message);
    rc = pg_policy_load_string(policy, "secrets.yaml", policy_yaml, sizeof policy_yaml - 1, &err);
    cr_assert_eq(rc, 0, "policy: %s:%d:%d: %s", err.source, err.line, err.column, err.message);

    memset(&opts, 0, sizeof opts);
    opts.plan_path = path;
    opts.policy = policy;
    opts.fail_on = PG_SEV_HIGH;
    opts.today = "2025-01-01";
    rc = pg_check_run(&opts, &r, &err);
    unlink(path);
    cr_assert_eq(rc, 0, "check: %s", err.message);

    /* Not vacuous: the rules that quote the secrets ran and reported. */
    for (i = 0; i < r.findings.count; i++)
        if (strncmp(r.findings.items[i]->rule, "quotes-a-sensitive-", 19) == 0)
            quoted++;
    cr_assert_eq(quoted, 2, "both quoting rules report (found %zu of %zu findings)", quoted, r.findings.count);
    cr_assert_eq(r.destroys.count, 1);
    cr_assert(r.destroys.items[0].is_protected, "protected through the sensitive tag");
    check_no_leak(&r);
    pg_report_dispose(&r);
    pg_policy_free(policy);
}

Test(report_secrets, the_leak_check_can_fail)
{
    /* The same check sees a secret that a model does hold. */
    pg_report r;
    char *out;

    rpt_fixture_pass(&r);
    pg_free(r.findings.items[0]->message);
    r.findings.items[0]->message = pg_strdup("oops " SECRET_TAG);
    out = rpt_render(&r, PG_FORMAT_JUNIT, 0, 0, NULL);
    cr_assert_not_null(strstr(out, "hunter2"));
    free(out);
    pg_report_dispose(&r);
}

/* Every plan through every detector, the default pack and a rule that
 * quotes every sensitive position, in every format: no secret anywhere,
 * and the run did report (not vacuous). */
Test(report_secrets, every_sensitive_position_in_every_format)
{
    size_t p;

    for (p = 0; p < sizeof secret_plans / sizeof secret_plans[0]; p++) {
        char *json = plan_of(secret_plans[p], p == 0);
        const char *path = rpt_temp_file(json, strlen(json), ".json", 0);
        pg_policy *policy = pg_test_policy_new();
        pg_check_options opts;
        pg_report r;
        pg_error err;
        size_t i, quoted = 0, rules_seen = 0;
        int rc;

        cr_assert_not_null(policy);
        pg_error_clear(&err);
        cr_assert_eq(pg_policy_load_defaults(policy, &err), 0, "defaults: %s", err.message);
        rc = pg_policy_load_string(policy, "quoting.yaml", quoting_policy, sizeof quoting_policy - 1, &err);
        cr_assert_eq(rc, 0, "policy: %s:%d:%d: %s", err.source, err.line, err.column, err.message);
        memset(&opts, 0, sizeof opts);
        opts.plan_path = path;
        opts.policy = policy;
        opts.fail_on = PG_SEV_HIGH;
        opts.today = "2025-01-01";
        rc = pg_check_run(&opts, &r, &err);
        unlink(path);
        free(json);
        cr_assert_eq(rc, 0, "plan %zu: check: %s", p, err.message);
        for (i = 0; i < r.findings.count; i++) {
            if (strcmp(r.findings.items[i]->rule, "quotes-everything") == 0)
                quoted++;
            if (i == 0 || strcmp(r.findings.items[i]->rule, r.findings.items[i - 1]->rule) != 0)
                rules_seen++;
        }
        cr_assert_geq(quoted, 3, "plan %zu: the quoting rule reported (%zu of %zu findings)", p, quoted,
                      r.findings.count);
        /* key replacement, protected destroy, deletion protection, rename (its `moved` advice names
         * the tables), the lock-table checks, the default pack's rules, and the quoting rule */
        cr_assert_geq(rules_seen, 12, "plan %zu: only %zu rules reported", p, rules_seen);
        cr_assert(r.destroys.total >= 2);
        check_no_leak(&r);
        pg_report_dispose(&r);
        pg_policy_free(policy);
    }
}
