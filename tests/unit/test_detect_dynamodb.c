/* test_detect_dynamodb.c — the DynamoDB detectors: key replacement, key type
 * change, deletion protection, rename without moved, provisioned without
 * autoscaling. Changes are written in Terraform's real shape (' for "). */
#include <criterion/criterion.h>
#include <string.h>

#include "test_detect_support.h"

/* MARK: fixtures */

#define ATTRS_ORDERS "[{'name':'createdAt','type':'N'},{'name':'orderId','type':'S'}]"
#define ORDERS(hash, range, attrs, lsi, extra)                                                                  \
    "{'attribute':" attrs ",'billing_mode':'PAY_PER_REQUEST','deletion_protection_enabled':false,"              \
    "'global_secondary_index':[],'hash_key':" hash ",'local_secondary_index':" lsi ",'name':'orders-prod',"     \
    "'point_in_time_recovery':[{'enabled':true,'recovery_period_in_days':35}],'range_key':" range ","           \
    "'read_capacity':0,'server_side_encryption':[],'stream_enabled':false,'tags':{'Environment':'production'},"  \
    "'ttl':[{'attribute_name':'','enabled':false}],'write_capacity':0" extra "}"
#define BEFORE ORDERS("'orderId'", "'createdAt'", ATTRS_ORDERS, "[]", "")
#define UNKNOWN_AFTER "{'arn':true,'id':true,'stream_arn':true,'stream_label':true,'attribute':[{},{}],'tags':{}}"
#define TABLE(addr, actions, reason, before, after, unknown, extra)                                             \
    "{'address':'" addr "','mode':'managed','type':'aws_dynamodb_table','name':'orders',"                        \
    "'provider_name':'registry.terraform.io/hashicorp/aws'" reason ",'change':{'actions':" actions ","          \
    "'before':" before ",'after':" after ",'after_unknown':" unknown ",'before_sensitive':{'tags':{}},"        \
    "'after_sensitive':{'tags':{}}" extra "}}"
#define REPLACE "['delete','create']"
#define CBD "['create','delete']"
#define CANNOT_UPDATE ",'action_reason':'replace_because_cannot_update'"

/* MARK: dynamodb-key-replacement */

Test(detect_dynamodb, key_replacement_hash_key_from_replace_paths)
{
    det_change ch[] = {
        PLANNED(TABLE("aws_dynamodb_table.orders", REPLACE, CANNOT_UPDATE, BEFORE,
                      ORDERS("'customerId'", "'createdAt'",
                             "[{'name':'createdAt','type':'N'},{'name':'customerId','type':'S'}]", "[]", ""),
                      UNKNOWN_AFTER, ",'replace_paths':[['hash_key']]")),
        DET_END};
    pg_findings f;
    const pg_finding *x;
    const pg_evidence *e;

    det_run(&f, NULL, ch);
    cr_assert_eq(det_count(&f, "dynamodb-key-replacement", NULL), 1);
    x = det_find(&f, "dynamodb-key-replacement", "aws_dynamodb_table.orders");
    cr_assert_not_null(x);
    cr_assert_eq(x->severity, PG_SEV_CRITICAL);
    cr_assert(det_has(x->message, "hash_key changes orderId → customerId"), "%s", x->message);
    cr_assert(det_has(x->message, "every item in the table is lost"), "%s", x->message);
    cr_assert(det_has(x->message, "table \"orders-prod\""), "%s", x->message);
    cr_assert(det_has(x->remediation, "hash_key = \"orderId\""), "%s", x->remediation);
    e = det_evidence(x, "hash_key");
    cr_assert_not_null(e);
    cr_assert_str_eq(json_string_value(e->before), "orderId");
    cr_assert_str_eq(json_string_value(e->after), "customerId");
    cr_assert_str_eq(x->action_reason, "replace_because_cannot_update");
    cr_assert_eq(x->action, PG_ACTION_REPLACE);
    /* A key change is not a key *type* change, and no protect selector exists. */
    cr_assert_eq(det_count(&f, "dynamodb-key-type-change", NULL), 0);
    cr_assert_eq(det_count(&f, "protected-destroy", NULL), 0);
    pg_findings_dispose(&f);
}

Test(detect_dynamodb, key_replacement_range_key_added_without_replace_paths)
{
    /* Format 0.1 plans have neither replace_paths nor action_reason. */
    det_change ch[] = {
        PLANNED(TABLE("module.store.aws_dynamodb_table.orders[0]", REPLACE, "",
                      ORDERS("'orderId'", "null", "[{'name':'orderId','type':'S'}]", "[]", ""),
                      ORDERS("'orderId'", "'createdAt'", ATTRS_ORDERS, "[]", ""), UNKNOWN_AFTER, "")),
        DET_END};
    pg_findings f;
    const pg_finding *x;

    det_run(&f, NULL, ch);
    x = det_find(&f, "dynamodb-key-replacement", "module.store.aws_dynamodb_table.orders[0]");
    cr_assert_not_null(x);
    /* An unset value reads as pg_value_text words "no value" (the one convention, finding.h). */
    cr_assert(det_has(x->message, det_words("range_key changes ", NULL, " → createdAt")), "%s", x->message);
    cr_assert(det_has(x->remediation, "remove range_key"), "%s", x->remediation);
    cr_assert_null(x->action_reason);
    cr_assert(json_is_null(det_evidence(x, "range_key")->before));
    pg_findings_dispose(&f);
}

Test(detect_dynamodb, key_replacement_create_before_destroy_same_name)
{
    det_change ch[] = {
        PLANNED(TABLE("aws_dynamodb_table.orders", CBD, CANNOT_UPDATE, BEFORE,
                      ORDERS("'orderId'", "'placedAt'",
                             "[{'name':'orderId','type':'S'},{'name':'placedAt','type':'N'}]", "[]", ""),
                      UNKNOWN_AFTER, ",'replace_paths':[['range_key']]")),
        DET_END};
    pg_findings f;
    const pg_finding *x;

    det_run(&f, NULL, ch);
    x = det_find(&f, "dynamodb-key-replacement", "aws_dynamodb_table.orders");
    cr_assert_not_null(x);
    cr_assert(det_has(x->message, "range_key changes createdAt → placedAt"), "%s", x->message);
    cr_assert(det_has(x->message, "create_before_destroy"), "%s", x->message);
    cr_assert(det_has(x->message, "still holds the name"), "%s", x->message);
    cr_assert_str_eq(det_json(x->actions), "[\"create\",\"delete\"]");
    pg_findings_dispose(&f);
}

Test(detect_dynamodb, key_replacement_unknown_hash_key_may_change)
{
    det_change ch[] = {
        PLANNED(TABLE("aws_dynamodb_table.orders", REPLACE, CANNOT_UPDATE, BEFORE,
                      ORDERS("null", "'createdAt'", ATTRS_ORDERS, "[]", ""),
                      "{'arn':true,'id':true,'hash_key':true,'attribute':[{},{}]}",
                      ",'replace_paths':[['hash_key']]")),
        DET_END};
    pg_findings f;
    const pg_finding *x;

    det_run(&f, NULL, ch);
    x = det_find(&f, "dynamodb-key-replacement", "aws_dynamodb_table.orders");
    cr_assert_not_null(x);
    cr_assert(det_has(x->message, "hash_key may change (orderId → known only after apply)"), "%s", x->message);
    cr_assert(det_has(x->message, "key schema may change"), "%s", x->message);
    cr_assert_str_eq(json_string_value(det_evidence(x, "hash_key")->after), PG_UNKNOWN_TEXT);
    pg_findings_dispose(&f);
}

Test(detect_dynamodb, key_replacement_key_attribute_type)
{
    det_change ch[] = {
        PLANNED(TABLE("aws_dynamodb_table.orders", REPLACE, CANNOT_UPDATE, BEFORE,
                      ORDERS("'orderId'", "'createdAt'", "[{'name':'createdAt','type':'S'},{'name':'orderId','type':'S'}]",
                             "[]", ""),
                      UNKNOWN_AFTER, ",'replace_paths':[['attribute']]")),
        DET_END};
    pg_findings f;
    const pg_finding *x;
    const pg_evidence *e;

    det_run(&f, NULL, ch);
    x = det_find(&f, "dynamodb-key-replacement", "aws_dynamodb_table.orders");
    cr_assert_not_null(x);
    cr_assert(det_has(x->message, "the type of key attribute \"createdAt\" changes N → S"), "%s", x->message);
    e = det_evidence(x, "attribute[0].type");
    cr_assert_not_null(e);
    cr_assert_str_eq(json_string_value(e->before), "N");
    cr_assert_str_eq(json_string_value(e->after), "S");
    cr_assert_eq(x->n_evidence, 1);
    pg_findings_dispose(&f);
}

Test(detect_dynamodb, key_replacement_local_secondary_index)
{
    det_change ch[] = {
        PLANNED(TABLE("aws_dynamodb_table.orders", REPLACE, CANNOT_UPDATE, BEFORE,
                      ORDERS("'orderId'", "'createdAt'", ATTRS_ORDERS,
                             "[{'name':'by_status','non_key_attributes':[],'projection_type':'ALL','range_key':'status'}]", ""),
                      UNKNOWN_AFTER, ",'replace_paths':[['local_secondary_index']]")),
        DET_END};
    pg_findings f;
    const pg_finding *x;

    det_run(&f, NULL, ch);
    x = det_find(&f, "dynamodb-key-replacement", "aws_dynamodb_table.orders");
    cr_assert_not_null(x);
    cr_assert(det_has(x->message, "local secondary indexes change [] → [by_status]"), "%s", x->message);
    cr_assert_not_null(det_evidence(x, "local_secondary_index"));
    pg_findings_dispose(&f);
}

Test(detect_dynamodb, key_replacement_not_for_tainted_without_key_change)
{
    det_change ch[] = {
        PLANNED(TABLE("aws_dynamodb_table.orders", REPLACE, ",'action_reason':'replace_because_tainted'", BEFORE,
                      BEFORE, UNKNOWN_AFTER, "")),
        PLANNED(TABLE("aws_dynamodb_table.sessions", REPLACE, ",'action_reason':'replace_by_request'", BEFORE,
                      BEFORE, UNKNOWN_AFTER, "")),
        DET_END};
    pg_findings f;

    det_run(&f, NULL, ch);
    cr_assert_eq(det_count(&f, "dynamodb-key-replacement", NULL), 0);
    pg_findings_dispose(&f);
}

Test(detect_dynamodb, key_replacement_tainted_with_key_change)
{
    det_change ch[] = {
        PLANNED(TABLE("aws_dynamodb_table.orders", REPLACE, ",'action_reason':'replace_because_tainted'", BEFORE,
                      ORDERS("'orderId'", "null", ATTRS_ORDERS, "[]", ""), UNKNOWN_AFTER, "")),
        DET_END};
    pg_findings f;

    det_run(&f, NULL, ch);
    cr_assert_eq(det_count(&f, "dynamodb-key-replacement", "aws_dynamodb_table.orders"), 1);
    cr_assert(det_has(det_find(&f, "dynamodb-key-replacement", NULL)->message,
                      det_words("range_key changes createdAt → ", NULL, "")));
    pg_findings_dispose(&f);
}

Test(detect_dynamodb, key_replacement_not_for_name_change)
{
    det_change ch[] = {
        PLANNED(TABLE("aws_dynamodb_table.orders", REPLACE, CANNOT_UPDATE, BEFORE,
                      "{'attribute':" ATTRS_ORDERS ",'billing_mode':'PAY_PER_REQUEST','hash_key':'orderId',"
                      "'local_secondary_index':[],'name':'orders-v2','range_key':'createdAt'}",
                      UNKNOWN_AFTER, ",'replace_paths':[['name']]")),
        DET_END};
    pg_findings f;

    det_run(&f, NULL, ch);
    cr_assert_eq(det_count(&f, "dynamodb-key-replacement", NULL), 0);
    pg_findings_dispose(&f);
}

Test(detect_dynamodb, gsi_only_update_is_not_a_finding)
{
    /* A new global secondary index (and its attribute) is an in-place update. */
    det_change ch[] = {
        PLANNED(TABLE("aws_dynamodb_table.orders", "['update']", "", BEFORE,
                      "{'attribute':[{'name':'createdAt','type':'N'},{'name':'orderId','type':'S'},"
                      "{'name':'status','type':'S'}],'billing_mode':'PAY_PER_REQUEST',"
                      "'deletion_protection_enabled':false,'global_secondary_index':[{'hash_key':'status',"
                      "'name':'by_status','non_key_attributes':[],'projection_type':'ALL','range_key':'',"
                      "'read_capacity':0,'write_capacity':0}],'hash_key':'orderId','local_secondary_index':[],"
                      "'name':'orders-prod','point_in_time_recovery':[{'enabled':true}],'range_key':'createdAt'}",
                      "{'attribute':[{},{},{}],'global_secondary_index':[{'non_key_attributes':[]}]}", "")),
        DET_END};
    pg_findings f;

    det_run(&f, NULL, ch);
    cr_assert_eq(det_count(&f, NULL, NULL), 0);
    pg_findings_dispose(&f);
}

Test(detect_dynamodb, non_dynamodb_replace_is_not_a_finding)
{
    det_change ch[] = {
        PLANNED("{'address':'aws_instance.web','mode':'managed','type':'aws_instance','name':'web',"
                "'provider_name':'registry.terraform.io/hashicorp/aws','action_reason':'replace_because_cannot_update',"
                "'change':{'actions':['delete','create'],'before':{'ami':'ami-1','hash_key':'a'},"
                "'after':{'ami':'ami-2','hash_key':'b'},'after_unknown':{'id':true},'replace_paths':[['ami']]}}"),
        DET_END};
    pg_findings f;

    det_run(&f, NULL, ch);
    cr_assert_eq(det_count(&f, NULL, NULL), 0);
    pg_findings_dispose(&f);
}

Test(detect_dynamodb, key_replacement_drift_is_never_a_finding)
{
    det_change ch[] = {
        DRIFT(TABLE("aws_dynamodb_table.orders", REPLACE, "", BEFORE,
                    ORDERS("'customerId'", "'createdAt'", ATTRS_ORDERS, "[]", ""), "{}", "")),
        DET_END};
    pg_findings f;

    det_run(&f, NULL, ch);
    cr_assert_eq(det_count(&f, NULL, NULL), 0);
    pg_findings_dispose(&f);
}

Test(detect_dynamodb, key_replacement_never_prints_sensitive_keys)
{
    det_change ch[] = {
        PLANNED("{'address':'aws_dynamodb_table.secret','mode':'managed','type':'aws_dynamodb_table','name':'secret',"
                "'change':{'actions':['delete','create'],"
                "'before':{'name':'t','hash_key':'s3cr3t-old','attribute':[{'name':'s3cr3t-old','type':'S'}]},"
                "'after':{'name':'t','hash_key':'s3cr3t-new','attribute':[{'name':'s3cr3t-new','type':'S'}]},"
                "'after_unknown':{},'before_sensitive':{'hash_key':true,'attribute':true},"
                "'after_sensitive':{'hash_key':true,'attribute':true}}}"),
        DET_END};
    pg_findings f;
    const pg_finding *x;

    det_run(&f, NULL, ch);
    x = det_find(&f, "dynamodb-key-replacement", NULL);
    cr_assert_not_null(x);
    cr_assert(!det_has(x->message, "s3cr3t"), "%s", x->message);
    cr_assert(!det_has(x->remediation, "s3cr3t"), "%s", x->remediation);
    cr_assert(det_has(x->message, "hash_key changes (sensitive) → (sensitive)"), "%s", x->message);
    cr_assert_str_eq(json_string_value(det_evidence(x, "hash_key")->before), PG_SENSITIVE_TEXT);
    pg_findings_dispose(&f);
}

/* MARK: dynamodb-key-type-change */

Test(detect_dynamodb, key_type_change_in_update)
{
    det_change ch[] = {
        PLANNED(TABLE("aws_dynamodb_table.orders", "['update']", "", BEFORE,
                      ORDERS("'orderId'", "'createdAt'", "[{'name':'createdAt','type':'N'},{'name':'orderId','type':'N'}]",
                             "[]", ""),
                      UNKNOWN_AFTER, "")),
        DET_END};
    pg_findings f;
    const pg_finding *x;

    det_run(&f, NULL, ch);
    cr_assert_eq(det_count(&f, NULL, NULL), 1);
    x = det_find(&f, "dynamodb-key-type-change", "aws_dynamodb_table.orders");
    cr_assert_not_null(x);
    cr_assert_eq(x->severity, PG_SEV_HIGH);
    cr_assert(det_has(x->message, "the type of key attribute \"orderId\" changes S → N"), "%s", x->message);
    cr_assert_str_eq(json_string_value(det_evidence(x, "attribute[1].type")->before), "S");
    pg_findings_dispose(&f);
}

Test(detect_dynamodb, key_type_change_not_for_non_key_attribute)
{
    det_change ch[] = {
        PLANNED(TABLE("aws_dynamodb_table.orders", "['update']", "",
                      ORDERS("'orderId'", "null", "[{'name':'orderId','type':'S'},{'name':'status','type':'S'}]", "[]", ""),
                      ORDERS("'orderId'", "null", "[{'name':'orderId','type':'S'},{'name':'status','type':'N'}]", "[]", ""),
                      UNKNOWN_AFTER, "")),
        DET_END};
    pg_findings f;

    det_run(&f, NULL, ch);
    cr_assert_eq(det_count(&f, NULL, NULL), 0);
    pg_findings_dispose(&f);
}

/* MARK: dynamodb-deletion-protection */

#define PROTECTED ORDERS("'orderId'", "'createdAt'", ATTRS_ORDERS, "[]", "")
#define WITH_DP(v) "{'name':'orders-prod','hash_key':'orderId','range_key':'createdAt','attribute':" ATTRS_ORDERS \
                   ",'local_secondary_index':[],'deletion_protection_enabled':" v "}"

Test(detect_dynamodb, deletion_protection_delete)
{
    det_change ch[] = {
        PLANNED(TABLE("aws_dynamodb_table.orders", "['delete']", ",'action_reason':'delete_because_no_resource_config'",
                      WITH_DP("true"), "null", "{}", "")),
        DET_END};
    pg_findings f;
    const pg_finding *x;

    det_run(&f, NULL, ch);
    x = det_find(&f, "dynamodb-deletion-protection", "aws_dynamodb_table.orders");
    cr_assert_not_null(x);
    cr_assert_eq(x->severity, PG_SEV_HIGH);
    cr_assert(det_has(x->message, "fails half-way"), "%s", x->message);
    cr_assert(det_has(x->message, "its resource block is gone"), "%s", x->message);
    cr_assert(det_has(x->remediation, "deletion_protection_enabled = false"), "%s", x->remediation);
    cr_assert(json_is_true(det_evidence(x, "deletion_protection_enabled")->before));
    pg_findings_dispose(&f);
}

Test(detect_dynamodb, deletion_protection_create_before_destroy)
{
    det_change ch[] = {
        PLANNED(TABLE("aws_dynamodb_table.orders", CBD, ",'action_reason':'replace_by_request'", WITH_DP("true"),
                      WITH_DP("true"), "{'arn':true}", "")),
        DET_END};
    pg_findings f;
    const pg_finding *x;

    det_run(&f, NULL, ch);
    x = det_find(&f, "dynamodb-deletion-protection", "aws_dynamodb_table.orders");
    cr_assert_not_null(x);
    cr_assert(det_has(x->message, "may already exist"), "%s", x->message);
    cr_assert(det_has(x->message, "-replace"), "%s", x->message);
    pg_findings_dispose(&f);
}

Test(detect_dynamodb, deletion_protection_not_when_off_forget_or_drift)
{
    det_change ch[] = {
        PLANNED(TABLE("aws_dynamodb_table.a", "['delete']", "", WITH_DP("false"), "null", "{}", "")),
        PLANNED(TABLE("aws_dynamodb_table.b", "['forget']", "", WITH_DP("true"), "null", "{}", "")),
        PLANNED(TABLE("aws_dynamodb_table.c", "['create','forget']", "", WITH_DP("true"), WITH_DP("true"), "{}", "")),
        DRIFT(TABLE("aws_dynamodb_table.d", "['delete']", "", WITH_DP("true"), "null", "{}", "")),
        PLANNED(TABLE("aws_dynamodb_table.e", "['update']", "", WITH_DP("true"), WITH_DP("false"), "{}", "")),
        DET_END};
    pg_findings f;

    det_run(&f, NULL, ch);
    cr_assert_eq(det_count(&f, "dynamodb-deletion-protection", NULL), 0);
    pg_findings_dispose(&f);
}

/* MARK: dynamodb-rename-without-moved */

#define NAMED(n) "{'name':'" n "','hash_key':'id','attribute':[{'name':'id','type':'S'}],'billing_mode':'PAY_PER_REQUEST'}"

Test(detect_dynamodb, rename_without_moved)
{
    det_change ch[] = {
        PLANNED(TABLE("module.data.aws_dynamodb_table.users", "['create']", "", "null", NAMED("users-prod"),
                      "{'arn':true}", "")),
        PLANNED(TABLE("aws_dynamodb_table.users", "['delete']", ",'action_reason':'delete_because_no_resource_config'",
                      NAMED("users-prod"), "null", "{}", "")),
        PLANNED(TABLE("aws_dynamodb_table.other", "['delete']", "", NAMED("other"), "null", "{}", "")),
        DET_END};
    pg_findings f;
    const pg_finding *x;

    det_run(&f, NULL, ch);
    cr_assert_eq(det_count(&f, "dynamodb-rename-without-moved", NULL), 1);
    x = det_find(&f, "dynamodb-rename-without-moved", "aws_dynamodb_table.users");
    cr_assert_not_null(x);
    cr_assert_eq(x->severity, PG_SEV_CRITICAL);
    cr_assert_str_eq(x->type, "aws_dynamodb_table");
    cr_assert_eq(x->action, PG_ACTION_DELETE);
    cr_assert(det_has(x->message, "module.data.aws_dynamodb_table.users"), "%s", x->message);
    cr_assert(det_has(x->message, "\"users-prod\""), "%s", x->message);
    cr_assert(det_has(x->remediation,
                      "moved {\n  from = aws_dynamodb_table.users\n  to   = module.data.aws_dynamodb_table.users\n}"),
              "%s", x->remediation);
    cr_assert_str_eq(det_json(x->actions), "[\"delete\"]");
    cr_assert_str_eq(x->action_reason, "delete_because_no_resource_config");
    pg_findings_dispose(&f);
}

Test(detect_dynamodb, rename_not_for_replace_forget_or_other_names)
{
    det_change ch[] = {
        /* replace at one address + create elsewhere: a name clash, not a rename (documented) */
        PLANNED(TABLE("aws_dynamodb_table.a", REPLACE, "", NAMED("t-a"), NAMED("t-a"), "{}", "")),
        PLANNED(TABLE("aws_dynamodb_table.a2", "['create']", "", "null", NAMED("t-a"), "{}", "")),
        /* removed { lifecycle { destroy = false } } + a new block: nothing is destroyed */
        PLANNED(TABLE("aws_dynamodb_table.b", "['forget']", "", NAMED("t-b"), "null", "{}", "")),
        PLANNED(TABLE("aws_dynamodb_table.b2", "['create']", "", "null", NAMED("t-b"), "{}", "")),
        /* different names */
        PLANNED(TABLE("aws_dynamodb_table.c", "['delete']", "", NAMED("t-c"), "null", "{}", "")),
        PLANNED(TABLE("aws_dynamodb_table.c2", "['create']", "", "null", NAMED("t-c2"), "{}", "")),
        /* a created table whose name is unknown cannot be matched */
        PLANNED(TABLE("aws_dynamodb_table.d", "['delete']", "", NAMED("t-d"), "null", "{}", "")),
        PLANNED(TABLE("aws_dynamodb_table.d2", "['create']", "", "null", "{'name':null}", "{'name':true}", "")),
        DET_END};
    pg_findings f;

    det_run(&f, NULL, ch);
    cr_assert_eq(det_count(&f, "dynamodb-rename-without-moved", NULL), 0);
    pg_findings_dispose(&f);
}

Test(detect_dynamodb, rename_first_create_in_plan_order_wins)
{
    det_change ch[] = {
        PLANNED(TABLE("aws_dynamodb_table.old", "['delete']", "", NAMED("t"), "null", "{}", "")),
        PLANNED(TABLE("aws_dynamodb_table.z_first", "['create']", "", "null", NAMED("t"), "{}", "")),
        PLANNED(TABLE("aws_dynamodb_table.a_second", "['create']", "", "null", NAMED("t"), "{}", "")),
        DET_END};
    pg_findings f;
    const pg_finding *x;

    det_run(&f, NULL, ch);
    x = det_find(&f, "dynamodb-rename-without-moved", "aws_dynamodb_table.old");
    cr_assert_not_null(x);
    cr_assert(det_has(x->remediation, "to   = aws_dynamodb_table.z_first"), "%s", x->remediation);
    pg_findings_dispose(&f);
}

/* MARK: dynamodb-provisioned-without-autoscaling */

#define PROV(n) "{'name':'" n "','billing_mode':'PROVISIONED','hash_key':'id','read_capacity':5,'write_capacity':5}"
#define TARGET(addr, actions, rid, dim)                                                                         \
    "{'address':'" addr "','mode':'managed','type':'aws_appautoscaling_target','name':'t',"                     \
    "'change':{'actions':" actions ",'before':null,'after':{'max_capacity':100,'min_capacity':5,"               \
    "'resource_id':" rid ",'scalable_dimension':'" dim "','service_namespace':'dynamodb'},"                     \
    "'after_unknown':{'id':true,'role_arn':true}}}"
#define READ "dynamodb:table:ReadCapacityUnits"
#define WRITE "dynamodb:table:WriteCapacityUnits"
/* A target-tracking policy on (rid, dim); `side` is 'before' or 'after' and `other` the other side's value. */
#define SCALING_POLICY(addr, actions, rid, dim, before, after)                                                  \
    "{'address':'" addr "','mode':'managed','type':'aws_appautoscaling_policy','name':'p',"                     \
    "'change':{'actions':" actions ",'before':" before ",'after':" after ",'after_unknown':{}}}"
#define POLICY_VALUES(rid, dim)                                                                                 \
    "{'name':'scale','policy_type':'TargetTrackingScaling','resource_id':" rid ",'scalable_dimension':'" dim     \
    "','service_namespace':'dynamodb','target_tracking_scaling_policy_configuration':[{'target_value':70}]}"
#define POLICY(addr, actions, rid, dim) SCALING_POLICY(addr, actions, rid, dim, "null", POLICY_VALUES(rid, dim))
#define TARGET_GONE(addr, rid, dim)                                                                             \
    "{'address':'" addr "','mode':'managed','type':'aws_appautoscaling_target','name':'t',"                     \
    "'change':{'actions':['delete'],'before':{'max_capacity':100,'min_capacity':5,'resource_id':" rid           \
    ",'scalable_dimension':'" dim "','service_namespace':'dynamodb'},'after':null,'after_unknown':{}}}"

Test(detect_dynamodb, provisioned_without_autoscaling)
{
    det_change ch[] = {
        PLANNED(TABLE("aws_dynamodb_table.p", "['create']", "", "null", PROV("p-tbl"), "{}", "")),
        PLANNED(TARGET("aws_appautoscaling_target.r", "['create']", "'table/p-tbl'", READ)),
        PLANNED(TABLE("aws_dynamodb_table.q", "['update']", "", PROV("q-tbl"), PROV("q-tbl"), "{}", "")),
        DET_END};
    pg_findings f;
    const pg_finding *x;

    det_run(&f, NULL, ch);
    cr_assert_eq(det_count(&f, "dynamodb-provisioned-without-autoscaling", NULL), 2);
    x = det_find(&f, "dynamodb-provisioned-without-autoscaling", "aws_dynamodb_table.p");
    cr_assert_not_null(x);
    cr_assert_eq(x->severity, PG_SEV_MEDIUM);
    cr_assert(det_has(x->message, "none for its write capacity"), "%s", x->message);
    cr_assert(det_has(x->remediation, "table/p-tbl"), "%s", x->remediation);
    cr_assert_str_eq(det_json(x->actions), "[\"create\"]");
    x = det_find(&f, "dynamodb-provisioned-without-autoscaling", "aws_dynamodb_table.q");
    cr_assert(det_has(x->message, "no autoscaling target for its read or write capacity"), "%s", x->message);
    cr_assert(det_has(x->message, "updated"), "%s", x->message);
    pg_findings_dispose(&f);
}

Test(detect_dynamodb, provisioned_with_autoscaling_in_any_order)
{
    det_change ch[] = {
        PLANNED(TARGET("aws_appautoscaling_target.w", "['no-op']", "'table/p-tbl'", WRITE)),
        PLANNED(TABLE("aws_dynamodb_table.p", "['create']", "", "null", PROV("p-tbl"), "{}", "")),
        PLANNED(TARGET("aws_appautoscaling_target.r", "['update']", "'table/p-tbl'", READ)),
        PLANNED(POLICY("aws_appautoscaling_policy.r", "['no-op']", "'table/p-tbl'", READ)),
        PLANNED(POLICY("aws_appautoscaling_policy.w", "['create']", "'table/p-tbl'", WRITE)),
        /* not changed by this plan, nor its scaling: not reported (documented) */
        PLANNED(TABLE("aws_dynamodb_table.n", "['no-op']", "", PROV("n-tbl"), PROV("n-tbl"), "{}", "")),
        /* on demand */
        PLANNED(TABLE("aws_dynamodb_table.o", "['create']", "", "null",
                      "{'name':'o','billing_mode':'PAY_PER_REQUEST'}", "{}", "")),
        DET_END};
    pg_findings f;

    det_run(&f, NULL, ch);
    cr_assert_eq(det_count(&f, NULL, NULL), 0);
    pg_findings_dispose(&f);
}

Test(detect_dynamodb, provisioned_target_deleted_or_index_only_does_not_count)
{
    det_change ch[] = {
        PLANNED(TABLE("aws_dynamodb_table.p", "['update']", "", PROV("p-tbl"), PROV("p-tbl"), "{}", "")),
        PLANNED(TARGET("aws_appautoscaling_target.r", "['delete']", "'table/p-tbl'", READ)),
        PLANNED(TARGET("aws_appautoscaling_target.w", "['create']", "'table/p-tbl/index/gsi'", WRITE)),
        PLANNED(TARGET("aws_appautoscaling_target.u", "['create']", "null", WRITE)),
        DET_END};
    pg_findings f;
    const pg_finding *x;

    /* the target with a null resource_id: mark it unknown */
    det_run(&f, NULL, ch);
    x = det_find(&f, "dynamodb-provisioned-without-autoscaling", "aws_dynamodb_table.p");
    cr_assert_not_null(x);
    cr_assert(det_has(x->message, "no autoscaling target for its read or write"), "%s", x->message);
    pg_findings_dispose(&f);
}

/* issue 13: a target without a policy scales nothing */
Test(detect_dynamodb, provisioned_targets_without_policies_do_not_count)
{
    det_change ch[] = {
        PLANNED(TABLE("aws_dynamodb_table.p", "['create']", "", "null", PROV("p-tbl"), "{}", "")),
        PLANNED(TARGET("aws_appautoscaling_target.r", "['create']", "'table/p-tbl'", READ)),
        PLANNED(TARGET("aws_appautoscaling_target.w", "['create']", "'table/p-tbl'", WRITE)),
        PLANNED(POLICY("aws_appautoscaling_policy.r", "['create']", "'table/p-tbl'", READ)),
        DET_END};
    pg_findings f;
    const pg_finding *x;

    det_run(&f, NULL, ch);
    x = det_find(&f, "dynamodb-provisioned-without-autoscaling", "aws_dynamodb_table.p");
    cr_assert_not_null(x);
    cr_assert(det_has(x->message, "autoscaling for its read capacity but none for its write capacity"), "%s",
              x->message);
    pg_findings_dispose(&f);
}

/* issue 13: an unchanged table whose target or policy the plan deletes loses its scaling */
Test(detect_dynamodb, provisioned_noop_table_losing_its_scaling)
{
    det_change ch[] = {
        /* the policy on write capacity is deleted */
        PLANNED(TABLE("aws_dynamodb_table.p", "['no-op']", "", PROV("p-tbl"), PROV("p-tbl"), "{}", "")),
        PLANNED(TARGET("aws_appautoscaling_target.pr", "['no-op']", "'table/p-tbl'", READ)),
        PLANNED(TARGET("aws_appautoscaling_target.pw", "['no-op']", "'table/p-tbl'", WRITE)),
        PLANNED(POLICY("aws_appautoscaling_policy.pr", "['no-op']", "'table/p-tbl'", READ)),
        PLANNED(SCALING_POLICY("aws_appautoscaling_policy.pw", "['delete']", "'table/p-tbl'", WRITE,
                               POLICY_VALUES("'table/p-tbl'", WRITE), "null")),
        /* an index's target is deleted */
        PLANNED(TABLE("aws_dynamodb_table.q", "['no-op']", "", PROV("q-tbl"), PROV("q-tbl"), "{}", "")),
        PLANNED(TARGET_GONE("aws_appautoscaling_target.qi", "'table/q-tbl/index/by_day'",
                            "dynamodb:index:ReadCapacityUnits")),
        /* a deleted target replaced by another at a new address: still scaled, nothing lost */
        PLANNED(TABLE("aws_dynamodb_table.s", "['no-op']", "", PROV("s-tbl"), PROV("s-tbl"), "{}", "")),
        PLANNED(TARGET_GONE("aws_appautoscaling_target.old", "'table/s-tbl'", READ)),
        PLANNED(TARGET("aws_appautoscaling_target.new", "['create']", "'table/s-tbl'", READ)),
        PLANNED(TARGET("aws_appautoscaling_target.sw", "['no-op']", "'table/s-tbl'", WRITE)),
        PLANNED(POLICY("aws_appautoscaling_policy.sr", "['no-op']", "'table/s-tbl'", READ)),
        PLANNED(POLICY("aws_appautoscaling_policy.sw", "['no-op']", "'table/s-tbl'", WRITE)),
        /* an unchanged table without autoscaling whose scaling this plan does not touch: not reported */
        PLANNED(TABLE("aws_dynamodb_table.n", "['no-op']", "", PROV("n-tbl"), PROV("n-tbl"), "{}", "")),
        DET_END};
    pg_findings f;
    const pg_finding *x;

    det_run(&f, NULL, ch);
    cr_assert_eq(det_count(&f, "dynamodb-provisioned-without-autoscaling", NULL), 2);
    x = det_find(&f, "dynamodb-provisioned-without-autoscaling", "aws_dynamodb_table.p");
    cr_assert_not_null(x);
    cr_assert_eq(x->severity, PG_SEV_MEDIUM);
    cr_assert(det_has(x->message, "does not change, but this plan deletes the autoscaling of its write capacity"),
              "%s", x->message);
    cr_assert_str_eq(det_json(x->actions), "[\"no-op\"]");
    x = det_find(&f, "dynamodb-provisioned-without-autoscaling", "aws_dynamodb_table.q");
    cr_assert_not_null(x);
    cr_assert(det_has(x->message, "the autoscaling of index \"by_day\"'s read capacity"), "%s", x->message);
    pg_findings_dispose(&f);
}

Test(detect_dynamodb, provisioned_unknown_target_is_mentioned)
{
    det_change ch[] = {
        PLANNED(TABLE("aws_dynamodb_table.p", "['create']", "", "null", PROV("p-tbl"), "{}", "")),
        PLANNED("{'address':'aws_appautoscaling_target.r','mode':'managed','type':'aws_appautoscaling_target',"
                "'name':'r','change':{'actions':['create'],'before':null,'after':{'scalable_dimension':'" READ "'},"
                "'after_unknown':{'resource_id':true}}}"),
        DET_END};
    pg_findings f;
    const pg_finding *x;

    det_run(&f, NULL, ch);
    x = det_find(&f, "dynamodb-provisioned-without-autoscaling", "aws_dynamodb_table.p");
    cr_assert_not_null(x);
    cr_assert(det_has(x->message, "known only after apply"), "%s", x->message);
    pg_findings_dispose(&f);
}

/* Regression: a table whose plan has no local_secondary_index attribute at
 * all (older providers) was reported as "local secondary indexes change
 * (none) → (none)". */
Test(detect_dynamodb, key_replacement_absent_lsi_is_no_change)
{
    det_change ch[] = {
        PLANNED("{'address':'aws_dynamodb_table.t','mode':'managed','type':'aws_dynamodb_table','name':'t',"
                "'change':{'actions':['delete','create'],"
                "'before':{'name':'t','hash_key':'id','attribute':[{'name':'id','type':'S'}]},"
                "'after':{'name':'t','hash_key':'pk','attribute':[{'name':'pk','type':'S'}]},"
                "'after_unknown':{},'before_sensitive':{},'after_sensitive':{}}}"),
        DET_END};
    pg_findings f;
    const pg_finding *x;

    det_run(&f, NULL, ch);
    x = det_find(&f, "dynamodb-key-replacement", "aws_dynamodb_table.t");
    cr_assert_not_null(x);
    cr_assert_null(det_evidence(x, "local_secondary_index"), "%s", x->message);
    cr_assert(!det_has(x->message, "local secondary indexes"), "%s", x->message);
    cr_assert(det_has(x->message, "hash_key changes id → pk"), "%s", x->message);
    pg_findings_dispose(&f);
}
