/* test_detect_protect.c — protected-destroy, and the policy's say over the
 * detectors (enable/disable, severity overrides, lock_tables). */
#include <criterion/criterion.h>
#include <string.h>

#include "test_detect_support.h"
#include "support.h"

#define PROTECT_POLICY                                                                                          \
    "version: 1\n"                                                                                              \
    "protect:\n"                                                                                                \
    "  - type: aws_dynamodb_table\n"                                                                            \
    "    tags: { Environment: production }\n"                                                                   \
    "  - address: \"module.payments.*\"\n"

#define TABLE(addr, actions, reason, tags, after)                                                               \
    "{'address':'" addr "','mode':'managed','type':'aws_dynamodb_table','name':'t',"                             \
    "'provider_name':'registry.terraform.io/hashicorp/aws'" reason ",'change':{'actions':" actions ","          \
    "'before':{'name':'orders','hash_key':'id','attribute':[{'name':'id','type':'S'}],'tags':" tags "},"        \
    "'after':" after ",'after_unknown':{},'before_sensitive':{},'after_sensitive':false}}"
#define PROD "{'Environment':'production'}"
#define DEV "{'Environment':'dev'}"

Test(detect_protect, delete_of_protected_table)
{
    det_opts o = {.policy_yaml = PROTECT_POLICY};
    det_change ch[] = {
        PLANNED(TABLE("aws_dynamodb_table.orders", "['delete']", ",'action_reason':'delete_because_no_resource_config'",
                      PROD, "null")),
        DET_END};
    pg_findings f;
    const pg_finding *x;

    det_run(&f, &o, ch);
    x = det_find(&f, "protected-destroy", "aws_dynamodb_table.orders");
    cr_assert_not_null(x);
    cr_assert_eq(x->severity, PG_SEV_CRITICAL);
    cr_assert(det_has(x->message, "protected by the policy (type aws_dynamodb_table, tag Environment = production)"),
              "%s", x->message);
    cr_assert(det_has(x->message, "this plan destroys it, because its resource block is gone"), "%s", x->message);
    cr_assert(det_has(x->message, "Every item in the table is lost"), "%s", x->message);
    cr_assert(det_has(x->remediation, "moved"), "%s", x->remediation);
    cr_assert(det_has(x->remediation, "removed"), "%s", x->remediation);
    pg_findings_dispose(&f);
}

Test(detect_protect, every_replace_cause_counts)
{
    det_opts o = {.policy_yaml = PROTECT_POLICY};
    det_change ch[] = {
        PLANNED(TABLE("aws_dynamodb_table.tainted", "['delete','create']", ",'action_reason':'replace_because_tainted'",
                      PROD, "{'name':'orders'}")),
        PLANNED(TABLE("aws_dynamodb_table.requested", "['create','delete']", ",'action_reason':'replace_by_request'",
                      PROD, "{'name':'orders'}")),
        PLANNED("{'address':'module.payments.aws_instance.api[1]','mode':'managed','type':'aws_instance','name':'api',"
                "'index':1,'action_reason':'delete_because_count_index','change':{'actions':['delete'],"
                "'before':{'ami':'ami-1'},'after':null}}"),
        DET_END};
    pg_findings f;
    const pg_finding *x;

    det_run(&f, &o, ch);
    cr_assert_eq(det_count(&f, "protected-destroy", NULL), 3);
    x = det_find(&f, "protected-destroy", "aws_dynamodb_table.tainted");
    cr_assert(det_has(x->message, "tainted"), "%s", x->message);
    cr_assert(det_has(x->remediation, "terraform untaint"), "%s", x->remediation);
    x = det_find(&f, "protected-destroy", "aws_dynamodb_table.requested");
    cr_assert(det_has(x->message, "creates a new one first"), "%s", x->message);
    cr_assert(det_has(x->remediation, "-replace"), "%s", x->remediation);
    x = det_find(&f, "protected-destroy", "module.payments.aws_instance.api[1]");
    cr_assert(det_has(x->message, "address module.payments.*"), "%s", x->message);
    cr_assert(det_has(x->message, "count index"), "%s", x->message);
    cr_assert(!det_has(x->message, "item"), "%s", x->message);
    pg_findings_dispose(&f);
}

Test(detect_protect, not_for_forget_drift_unprotected_or_updates)
{
    det_opts o = {.policy_yaml = PROTECT_POLICY};
    det_change ch[] = {
        PLANNED(TABLE("aws_dynamodb_table.forgotten", "['forget']", "", PROD, "null")),
        PLANNED(TABLE("aws_dynamodb_table.forgotten2", "['create','forget']", "", PROD, "{'name':'orders'}")),
        DRIFT(TABLE("aws_dynamodb_table.drifted", "['delete']", "", PROD, "null")),
        PLANNED(TABLE("aws_dynamodb_table.dev", "['delete']", "", DEV, "null")),
        PLANNED(TABLE("aws_dynamodb_table.updated", "['update']", "", PROD, "{'name':'orders'}")),
        DET_END};
    pg_findings f;

    det_run(&f, &o, ch);
    cr_assert_eq(det_count(&f, "protected-destroy", NULL), 0);
    pg_findings_dispose(&f);
}

Test(detect_protect, replace_paths_become_evidence)
{
    det_opts o = {.policy_yaml = PROTECT_POLICY};
    det_change ch[] = {
        PLANNED("{'address':'module.payments.aws_db_instance.main','mode':'managed','type':'aws_db_instance',"
                "'name':'main','action_reason':'replace_because_cannot_update','change':{'actions':['delete','create'],"
                "'before':{'engine':'postgres','password':'hunter2','identifier':'pay'},"
                "'after':{'engine':'mysql','password':'hunter3','identifier':'pay'},'after_unknown':{},"
                "'before_sensitive':{'password':true},'after_sensitive':{'password':true},"
                "'replace_paths':[['engine'],['password']]}}"),
        DET_END};
    pg_findings f;
    const pg_finding *x;
    const pg_evidence *e;

    det_run(&f, &o, ch);
    x = det_find(&f, "protected-destroy", "module.payments.aws_db_instance.main");
    cr_assert_not_null(x);
    e = det_evidence(x, "engine");
    cr_assert_not_null(e);
    cr_assert_str_eq(json_string_value(e->before), "postgres");
    cr_assert_str_eq(json_string_value(e->after), "mysql");
    e = det_evidence(x, "password");
    cr_assert_not_null(e);
    cr_assert_str_eq(json_string_value(e->before), PG_SENSITIVE_TEXT);
    cr_assert_str_eq(json_string_value(e->after), PG_SENSITIVE_TEXT);
    pg_findings_dispose(&f);
}

Test(detect_protect, severity_override_and_disable)
{
    det_opts o = {.policy_yaml = PROTECT_POLICY
                  "detectors:\n"
                  "  protected-destroy: { severity: medium }\n"
                  "  dynamodb-deletion-protection: { enabled: false }\n"};
    det_change ch[] = {
        PLANNED("{'address':'aws_dynamodb_table.orders','mode':'managed','type':'aws_dynamodb_table','name':'orders',"
                "'change':{'actions':['delete'],'before':{'name':'orders','deletion_protection_enabled':true,"
                "'tags':{'Environment':'production'}},'after':null}}"),
        DET_END};
    pg_findings f;
    const pg_finding *x;

    det_run(&f, &o, ch);
    x = det_find(&f, "protected-destroy", "aws_dynamodb_table.orders");
    cr_assert_not_null(x);
    cr_assert_eq(x->severity, PG_SEV_MEDIUM);
    cr_assert_eq(det_count(&f, "dynamodb-deletion-protection", NULL), 0);
    pg_findings_dispose(&f);
}

Test(detect_protect, disabled_detectors_are_not_wanted)
{
    static const char yaml[] = "version: 1\n"
                               "detectors:\n"
                               "  protected-destroy: { enabled: false }\n"
                               /* data-loss too looks at any type's destroy (the catalogue is the policy's) */
                               "  data-loss: { enabled: false }\n";
    pg_policy *p = pg_test_policy_new();
    pg_detect_env env = {p, NULL};
    pg_detect_run *run = NULL;
    pg_error err;

    cr_assert_eq(pg_policy_load_string(p, "t.yaml", yaml, sizeof yaml - 1, &err), 0, "%s", err.message);
    cr_assert_eq(pg_detect_run_new(&run, &env, &err), 0);
    cr_assert_eq(pg_detect_run_wants(run, "aws_instance", PG_ACTION_DELETE), 0);
    cr_assert_eq(pg_detect_run_wants(run, "aws_dynamodb_table", PG_ACTION_DELETE), 1);
    pg_detect_run_free(run);
    pg_policy_free(p);
}

Test(detect_protect, lock_tables_from_the_policy)
{
    det_opts o = {.policy_yaml = "version: 1\nlock_tables: [terraform-state-locks]\n"};
    det_change ch[] = {
        PLANNED("{'address':'aws_dynamodb_table.locks','mode':'managed','type':'aws_dynamodb_table','name':'locks',"
                "'change':{'actions':['no-op'],'before':{'name':'terraform-state-locks','hash_key':'Id',"
                "'attribute':[{'name':'Id','type':'S'}],'range_key':null,"
                "'point_in_time_recovery':[{'enabled':false}]},'after':{'name':'terraform-state-locks',"
                "'hash_key':'Id','attribute':[{'name':'Id','type':'S'}],'range_key':null,"
                "'point_in_time_recovery':[{'enabled':false}]},'after_unknown':{}}}"),
        DET_END};
    pg_findings f;
    const pg_finding *x;

    det_run(&f, &o, ch);
    x = det_find(&f, "lock-table-key-schema", "aws_dynamodb_table.locks");
    cr_assert_not_null(x);
    cr_assert(det_has(x->message, "the policy lists it in lock_tables"), "%s", x->message);
    cr_assert(det_has(x->message, "hash_key is \"Id\", not \"LockID\""), "%s", x->message);
    cr_assert_not_null(det_find(&f, "lock-table-pitr", "aws_dynamodb_table.locks"));
    pg_findings_dispose(&f);
}
