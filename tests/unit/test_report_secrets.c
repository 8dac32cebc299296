/* test_report_secrets.c — SPEC §6 "no secret leaks", end to end through the
 * library: a plan with a secret in a sensitive tag and in a sensitive nested
 * block goes through pg_check_run with rules that quote those values in
 * their messages, match on them and protect on them; no report format may
 * contain either secret. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_report_support.h"

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
    pg_policy *policy = pg_policy_new();
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
