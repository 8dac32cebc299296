/* fuzz_policy.c — the YAML policy loader, and what a loaded policy does
 * (STYLE 20).
 *
 * The input is one policy file given to pg_policy_load_string. When it
 * loads, every rule is evaluated on a few fixed changes (a key replacement
 * with tags, sensitive and unknown values, a plain create, a drift entry),
 * protect selectors and waivers are applied, and the metadata is walked —
 * so conditions, paths, globs, regexes and templates the fuzzer invents
 * are run, not only parsed. The same input is then loaded as a waiver file
 * from the change (--waivers) into a policy that already holds it, so the
 * limits on such files run too. Invariants: a failure is PG_EPOLICY (or
 * PG_ENOMEM) with a message and a line; a success leaves a usable policy.
 *
 * The target uses the policy module alone (no detector, no check, no
 * report): fuzz/Makefile links it without src/detect (issue 12). */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "plangate/alloc.h"
#include "plangate/plan.h"
#include "plangate/policy.h"

static const char *const policy_changes[] = {
    "{\"address\":\"module.db.aws_dynamodb_table.orders[\\\"a\\\"]\",\"module_address\":\"module.db\","
    "\"mode\":\"managed\",\"type\":\"aws_dynamodb_table\",\"name\":\"orders\",\"index\":\"a\","
    "\"provider_name\":\"registry.terraform.io/hashicorp/aws\",\"action_reason\":\"replace_because_cannot_update\","
    "\"change\":{\"actions\":[\"delete\",\"create\"],"
    "\"before\":{\"name\":\"orders\",\"hash_key\":\"id\",\"range_key\":null,\"billing_mode\":\"PROVISIONED\","
    "\"read_capacity\":5,\"tags\":{\"Environment\":\"production\",\"Owner\":\"x\"},"
    "\"attribute\":[{\"name\":\"id\",\"type\":\"S\"}],\"point_in_time_recovery\":[{\"enabled\":true}],"
    "\"global_secondary_index\":[{\"name\":\"g\",\"projection_type\":\"ALL\"}],\"big\":123456789012345678901234567890},"
    "\"after\":{\"name\":\"orders\",\"hash_key\":\"pk\",\"billing_mode\":\"PAY_PER_REQUEST\",\"read_capacity\":0,"
    "\"tags\":{\"Environment\":\"production\",\"Cost.Centre\":42},\"attribute\":[{\"name\":\"pk\",\"type\":\"N\"}],"
    "\"point_in_time_recovery\":[],\"secret\":\"hunter2\",\"server_side_encryption\":[{\"kms_key_arn\":null}]},"
    "\"after_unknown\":{\"arn\":true,\"server_side_encryption\":[{\"kms_key_arn\":true}]},"
    "\"before_sensitive\":{\"tags\":{\"Owner\":true}},\"after_sensitive\":{\"secret\":true},"
    "\"replace_paths\":[[\"hash_key\"],[\"attribute\",0,\"type\"]]}}",
    "{\"address\":\"aws_dynamodb_table.locks\",\"mode\":\"managed\",\"type\":\"aws_dynamodb_table\","
    "\"name\":\"locks\",\"provider_name\":\"aws\",\"change\":{\"actions\":[\"create\"],\"before\":null,"
    "\"after\":{\"name\":\"terraform-locks\",\"hash_key\":\"LockID\",\"attribute\":[{\"name\":\"LockID\",\"type\":\"S\"}]},"
    "\"after_unknown\":true,\"before_sensitive\":false,\"after_sensitive\":[],\"importing\":{\"id\":\"x\"}}}",
    "{\"address\":\"aws_s3_bucket.b[3]\",\"previous_address\":\"aws_s3_bucket.old\",\"deposed\":\"00aa\","
    "\"type\":\"aws_s3_bucket\",\"name\":\"b\",\"index\":3,\"change\":{\"actions\":[\"no-op\"],"
    "\"before\":{\"bucket\":\"x\",\"list\":[1,2.5,true,null,\"s\"]},\"after\":{\"bucket\":\"x\",\"list\":[]}}}",
    /* the other tag shapes (issue 13): the Cloud Control list, Google's labels, unknown members */
    "{\"address\":\"module.m[\\\"a.b*[c]\\\"].awscc_dynamodb_table.t[0]\",\"type\":\"awscc_dynamodb_table\",\"name\":\"t\","
    "\"change\":{\"actions\":[\"create\",\"delete\"],\"before\":{\"tags\":[{\"key\":\"Stage\",\"value\":\"prd\"},"
    "{\"key\":\"x\"},7],\"labels\":{\"env\":\"dev\"},\"effective_labels\":{\"ENV\":\"live\"}},"
    "\"after\":{\"tags\":[{\"key\":\"Environment\",\"value\":null}],\"tags_all\":{\"Owner\":\"x\"}},"
    "\"after_unknown\":{\"tags\":[{\"value\":true},true],\"tags_all\":{\"Environment\":true}}}}",
};

/* Environments (issue 13): the answers are 0/1 and a name the policy
 * defines; a declared environment is one of them and makes the change
 * production when it says production. */
static void environment_exercise(const pg_policy *p, const pg_change *c)
{
    const char *name = NULL;
    pg_error err;
    size_t i, n = pg_policy_environment_count(p);
    int prod = -1, is_prod = 0, found = 0;

    if (pg_policy_is_production(p, c, &prod, &err) != 0 || (prod != 0 && prod != 1))
        abort();
    if (pg_policy_change_environment(p, c, &name, &err) != 0)
        abort();
    for (i = 0; name && i < n; i++)
        if (pg_policy_environment_name(p, i, &is_prod) == name) {
            found = 1;
            if (is_prod && !prod)
                abort(); /* in a production environment, so production */
        }
    if (name && !found)
        abort();
    if (pg_policy_plan_environment(p) && !name)
        abort(); /* a declared environment is always the change's */
}

/* A policy that loaded must be usable: evaluate it on the fixed changes. */
static void policy_exercise(const pg_policy *p)
{
    static const char *const types[] = {"aws_dynamodb_table", "aws_s3_bucket", ""};
    pg_findings findings;
    pg_waiver_status *waivers = NULL;
    size_t i, n_waivers = 0, n;
    pg_error err;

    pg_findings_init(&findings);
    for (i = 0; i < sizeof policy_changes / sizeof policy_changes[0]; i++) {
        pg_change c;
        json_t *element = NULL;
        const char *why = NULL;
        int prot = 0;
        if (pg_json_decode(&element, policy_changes[i], strlen(policy_changes[i]), NULL, &err) != 0)
            continue; /* out of memory */
        if (pg_change_init(&c, element, i == 2 ? PG_ORIGIN_DRIFT : PG_ORIGIN_PLANNED, &err) != 0)
            abort(); /* fixed, valid changes */
        pg_error_clear(&err);
        if (pg_policy_protects(p, &c, &prot, &why, &err) != 0 ? err.code != PG_ENOMEM : (prot && !why))
            abort(); /* only memory can fail; a match says why */
        if (why && strlen(why) > 1000000)
            abort();
        pg_error_clear(&err);
        if (pg_policy_eval_change(p, &c, &findings, &err) != 0 && err.message[0] == '\0')
            abort();
        environment_exercise(p, &c);
        pg_change_dispose(&c);
    }
    for (i = 0; i < (size_t)PG_ACTION_COUNT_; i++)
        (void)pg_policy_wants(p, types[i % 3], (pg_action)i);
    pg_error_clear(&err);
    if (pg_policy_apply_waivers(p, &findings, "2025-06-01", &waivers, &n_waivers, &err) == 0) {
        for (i = 0; i < n_waivers; i++)
            if (!waivers[i].rule)
                abort();
    }
    pg_free(waivers);
    for (i = 0, n = pg_policy_detector_setting_count(p); i < n; i++) {
        const pg_policy_detector_setting *s = pg_policy_detector_setting_at(p, i);
        if (!s || !s->id || !s->at.file || s->at.line < 1)
            abort();
        (void)pg_policy_detector_enabled(p, s->id);
        (void)pg_policy_detector_severity(p, s->id, PG_SEV_HIGH);
    }
    for (i = 0, n = pg_policy_rule_count(p); i < n; i++) {
        const pg_rule_meta *m = pg_policy_rule(p, i);
        const pg_policy_position *at = pg_policy_rule_position(p, i);
        if (!m || !m->id || !at || !at->file || at->line < 1)
            abort();
    }
    for (i = 0, n = pg_policy_lock_table_count(p); i < n; i++)
        if (!pg_policy_lock_table(p, i))
            abort();
    for (i = 0, n = pg_policy_example_count(p); i < n; i++)
        if (!pg_policy_example_at(p, i))
            abort();
    pg_findings_dispose(&findings);
}

int pg_fuzz_policy(const uint8_t *data, size_t size)
{
    pg_policy *p = NULL;
    pg_error err;
    int rc;

    if (pg_policy_new(&p, &err) != 0)
        return 0;
    /* PG_FUZZ_SKIP_PLUS=1 skips inputs with more than 8 '+': it let a run go
     * on past bug F4 of docs/robustness.md (stacked `+` in a regex blew up
     * regcomp) before its fix. The replay and the tests never set it. */
    if (getenv("PG_FUZZ_SKIP_PLUS")) {
        size_t i, plus = 0;
        for (i = 0; i < size; i++)
            plus += data[i] == '+';
        if (plus > 8) {
            pg_policy_free(p);
            return 0;
        }
    }
    pg_error_clear(&err);
    rc = pg_policy_load_string(p, "fuzz.yaml", (const char *)data, size, &err);
    if (rc == 0) {
        policy_exercise(p);
        /* again with the plan declared in its first environment (--env) */
        if (pg_policy_environment_count(p) > 0 &&
            pg_policy_set_plan_environment(p, pg_policy_environment_name(p, 0, NULL), &err) == 0)
            policy_exercise(p);
    }
    else if ((rc != PG_EPOLICY && rc != PG_ENOMEM) || err.code != rc || err.message[0] == '\0')
        abort(); /* a bad policy is PG_EPOLICY, with a message */
    /* The same text as a waiver file from the change: limited, never a crash. */
    pg_error_clear(&err);
    rc = pg_policy_load_waivers_string(p, "change.yaml", (const char *)data, size, "2025-06-01", &err);
    if (rc == 0)
        policy_exercise(p);
    else if ((rc != PG_EPOLICY && rc != PG_ENOMEM) || err.code != rc || err.message[0] == '\0')
        abort();
    pg_policy_free(p);
    return 0;
}

PG_FUZZ_ENTRY(pg_fuzz_policy)
