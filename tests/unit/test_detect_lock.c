/* test_detect_lock.c — the lock-table-* detectors (SPEC §3). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "test_detect_support.h"

#define LOCK(name, hash, htype, range, pitr)                                                                    \
    "{'attribute':[{'name':" hash ",'type':'" htype "'}],'billing_mode':'PAY_PER_REQUEST',"                       \
    "'deletion_protection_enabled':true,'global_secondary_index':[],'hash_key':" hash ","                       \
    "'local_secondary_index':[],'name':'" name "','point_in_time_recovery':" pitr ",'range_key':" range ","        \
    "'tags':{'Purpose':'terraform-lock'}}"
#define PITR_ON "[{'enabled':true,'recovery_period_in_days':35}]"
#define PITR_OFF "[{'enabled':false,'recovery_period_in_days':0}]"
#define GOOD(name) LOCK(name, "'LockID'", "S", "null", PITR_ON)
#define TBL(addr, actions, reason, before, after, unknown)                                                      \
    "{'address':'" addr "','mode':'managed','type':'aws_dynamodb_table','name':'locks',"                         \
    "'provider_name':'registry.terraform.io/hashicorp/aws'" reason ",'change':{'actions':" actions ","          \
    "'before':" before ",'after':" after ",'after_unknown':" unknown "}}"

static pg_backend s3_backend(const char *table, int use_lockfile)
{
    pg_backend b;

    memset(&b, 0, sizeof b);
    b.type = (char *)(uintptr_t) "s3";
    b.dynamodb_table = (char *)(uintptr_t)table;
    b.use_lockfile = use_lockfile;
    b.source = (char *)(uintptr_t) ".terraform/terraform.tfstate";
    return b;
}

Test(detect_lock, correct_lock_table_is_silent)
{
    det_change ch[] = {
        PLANNED(TBL("aws_dynamodb_table.locks", "['create']", "", "null", GOOD("tf-locks"), "{'arn':true}")),
        PLANNED(TBL("aws_dynamodb_table.locks2", "['no-op']", "", GOOD("tf-locks-2"), GOOD("tf-locks-2"), "{}")),
        DET_END};
    pg_findings f;

    det_run(&f, NULL, ch);
    cr_assert_eq(det_count(&f, NULL, NULL), 0);
    pg_findings_dispose(&f);
}

Test(detect_lock, case_variant_of_lockid)
{
    det_change ch[] = {
        PLANNED(TBL("aws_dynamodb_table.locks", "['create']", "", "null",
                    LOCK("tf-locks", "'lockid'", "S", "null", PITR_ON), "{'arn':true}")),
        DET_END};
    pg_findings f;
    const pg_finding *x;

    det_run(&f, NULL, ch);
    cr_assert_eq(det_count(&f, NULL, NULL), 1);
    x = det_find(&f, "lock-table-key-schema", "aws_dynamodb_table.locks");
    cr_assert_not_null(x);
    cr_assert_eq(x->severity, PG_SEV_CRITICAL);
    cr_assert(det_has(x->message, "hash_key is \"lockid\", not \"LockID\""), "%s", x->message);
    cr_assert(det_has(x->message, "case-sensitive"), "%s", x->message);
    cr_assert(det_has(x->message, "partition key is \"lockid\" and its name says Terraform state locking"), "%s",
              x->message);
    cr_assert_str_eq(json_string_value(det_evidence(x, "hash_key")->after), "lockid");
    pg_findings_dispose(&f);
}

Test(detect_lock, wrong_type_and_range_key)
{
    det_change ch[] = {
        PLANNED(TBL("aws_dynamodb_table.n", "['no-op']", "", LOCK("n-locks", "'LockID'", "N", "null", PITR_ON),
                    LOCK("n-locks", "'LockID'", "N", "null", PITR_ON), "{}")),
        PLANNED(TBL("aws_dynamodb_table.r", "['update']", "", LOCK("r-locks", "'LockID'", "S", "'Info'", PITR_OFF),
                    LOCK("r-locks", "'LockID'", "S", "'Info'", PITR_ON), "{}")),
        DET_END};
    pg_findings f;
    const pg_finding *x;

    det_run(&f, NULL, ch);
    x = det_find(&f, "lock-table-key-schema", "aws_dynamodb_table.n");
    cr_assert_not_null(x);
    cr_assert(det_has(x->message, "key attribute \"LockID\" is of type N, not S"), "%s", x->message);
    cr_assert_not_null(det_evidence(x, "attribute[0].type"));
    x = det_find(&f, "lock-table-key-schema", "aws_dynamodb_table.r");
    cr_assert_not_null(x);
    cr_assert(det_has(x->message, "it has a range_key (\"Info\")"), "%s", x->message);
    cr_assert_eq(det_count(&f, "lock-table-pitr", NULL), 0);
    pg_findings_dispose(&f);
}

Test(detect_lock, named_by_policy_or_backend_with_other_key)
{
    pg_backend b = s3_backend("backend-locks", 0);
    det_opts o = {.backend = &b};
    det_change ch[] = {
        PLANNED(TBL("aws_dynamodb_table.b", "['no-op']", "", LOCK("backend-locks", "'id'", "S", "null", PITR_ON),
                    LOCK("backend-locks", "'id'", "S", "null", PITR_ON), "{}")),
        PLANNED(TBL("aws_dynamodb_table.plain", "['no-op']", "", LOCK("app-data", "'id'", "S", "null", PITR_OFF),
                    LOCK("app-data", "'id'", "S", "null", PITR_OFF), "{}")),
        DET_END};
    pg_findings f;
    const pg_finding *x;

    det_run(&f, &o, ch);
    x = det_find(&f, "lock-table-key-schema", "aws_dynamodb_table.b");
    cr_assert_not_null(x);
    cr_assert(det_has(x->message, "the backend in .terraform/terraform.tfstate locks with it"), "%s", x->message);
    x = det_find(&f, "lock-table-backend-mismatch", "aws_dynamodb_table.b");
    cr_assert_not_null(x);
    cr_assert_eq(x->severity, PG_SEV_HIGH);
    cr_assert(det_has(x->message, "\"backend-locks\""), "%s", x->message);
    /* an ordinary table keyed by id is nobody's lock table */
    cr_assert_eq(det_count(&f, NULL, "aws_dynamodb_table.plain"), 0);
    /* plan-level: the S3 backend still uses dynamodb_table */
    x = det_find(&f, "lock-table-deprecated", "");
    cr_assert_not_null(x);
    cr_assert_eq(x->severity, PG_SEV_LOW);
    cr_assert(det_has(x->message, "use_lockfile"), "%s", x->message);
    pg_findings_dispose(&f);
}

Test(detect_lock, destroy_of_lock_table)
{
    pg_backend b = s3_backend("tf-locks", 0);
    det_opts o = {.backend = &b};
    det_change ch[] = {
        PLANNED(TBL("aws_dynamodb_table.locks", "['delete']", ",'action_reason':'delete_because_no_resource_config'",
                    GOOD("tf-locks"), "null", "{}")),
        PLANNED(TBL("aws_dynamodb_table.other", "['delete','create']", ",'action_reason':'replace_because_tainted'",
                    GOOD("other-locks"), GOOD("other-locks"), "{'arn':true}")),
        DET_END};
    pg_findings f;
    const pg_finding *x;

    det_run(&f, &o, ch);
    x = det_find(&f, "lock-table-destroy", "aws_dynamodb_table.locks");
    cr_assert_not_null(x);
    cr_assert(det_has(x->message, "destroys it"), "%s", x->message);
    cr_assert(det_has(x->message, "its resource block is gone"), "%s", x->message);
    cr_assert_str_eq(json_string_value(det_evidence(x, "name")->before), "tf-locks");
    cr_assert(json_is_null(det_evidence(x, "name")->after));
    x = det_find(&f, "lock-table-destroy", "aws_dynamodb_table.other");
    cr_assert_not_null(x);
    cr_assert(det_has(x->message, "tainted"), "%s", x->message);
    x = det_find(&f, "lock-table-backend-mismatch", "aws_dynamodb_table.locks");
    cr_assert_not_null(x);
    cr_assert(det_has(x->message, "destroys it"), "%s", x->message);
    cr_assert_eq(det_count(&f, "lock-table-backend-mismatch", NULL), 1);
    /* a correct lock table being deleted has no schema problem to report */
    cr_assert_eq(det_count(&f, "lock-table-key-schema", NULL), 0);
    pg_findings_dispose(&f);
}

Test(detect_lock, forget_and_drift_are_not_destroys)
{
    det_change ch[] = {
        PLANNED(TBL("aws_dynamodb_table.a", "['forget']", "", GOOD("a-locks"), "null", "{}")),
        DRIFT(TBL("aws_dynamodb_table.b", "['delete']", "", GOOD("b-locks"), "null", "{}")),
        DET_END};
    pg_findings f;

    det_run(&f, NULL, ch);
    cr_assert_eq(det_count(&f, NULL, NULL), 0);
    pg_findings_dispose(&f);
}

Test(detect_lock, pitr_missing_or_unknown)
{
    det_change ch[] = {
        PLANNED(TBL("aws_dynamodb_table.off", "['no-op']", "", LOCK("off", "'LockID'", "S", "null", PITR_OFF),
                    LOCK("off", "'LockID'", "S", "null", PITR_OFF), "{}")),
        /* not configured: the provider computes it, the plan shows it unknown */
        PLANNED(TBL("aws_dynamodb_table.unset", "['create']", "", "null",
                    "{'name':'unset','hash_key':'LockID','attribute':[{'name':'LockID','type':'S'}],'range_key':null}",
                    "{'arn':true,'point_in_time_recovery':true}")),
        DET_END};
    pg_findings f;
    const pg_finding *x;

    det_run(&f, NULL, ch);
    cr_assert_eq(det_count(&f, "lock-table-pitr", NULL), 2);
    x = det_find(&f, "lock-table-pitr", "aws_dynamodb_table.off");
    cr_assert_not_null(x);
    cr_assert_eq(x->severity, PG_SEV_MEDIUM);
    cr_assert(det_has(x->message, "enabled is false"), "%s", x->message);
    x = det_find(&f, "lock-table-pitr", "aws_dynamodb_table.unset");
    cr_assert_not_null(x);
    cr_assert(det_has(x->message, "known only after apply"), "%s", x->message);
    cr_assert_str_eq(json_string_value(det_evidence(x, "point_in_time_recovery[0].enabled")->after),
                     PG_UNKNOWN_TEXT);
    pg_findings_dispose(&f);
}

Test(detect_lock, backend_detectors_need_a_backend)
{
    det_change ch[] = {
        PLANNED(TBL("aws_dynamodb_table.locks", "['delete']", "", LOCK("tf-locks", "'id'", "S", "null", PITR_ON),
                    "null", "{}")),
        DET_END};
    pg_findings f;

    det_run(&f, NULL, ch);
    cr_assert_eq(det_count(&f, NULL, NULL), 1); /* dynamodb-deletion-protection only */
    cr_assert_eq(det_count(&f, "dynamodb-deletion-protection", NULL), 1);
    pg_findings_dispose(&f);
}

Test(detect_lock, deprecated_with_lockfile_or_other_backends)
{
    pg_backend both = s3_backend("tf-locks", 1), gcs = s3_backend(NULL, 0), nolock = s3_backend(NULL, 1);
    det_opts o1 = {.backend = &both}, o2 = {.backend = &gcs}, o3 = {.backend = &nolock};
    pg_findings f;
    const pg_finding *x;

    gcs.type = (char *)(uintptr_t) "gcs";
    det_run(&f, &o1, NULL);
    x = det_find(&f, "lock-table-deprecated", "");
    cr_assert_not_null(x);
    cr_assert(det_has(x->message, "both use_lockfile"), "%s", x->message);
    cr_assert_null(x->type);
    pg_findings_dispose(&f);
    det_run(&f, &o2, NULL);
    cr_assert_eq(f.count, 0);
    pg_findings_dispose(&f);
    det_run(&f, &o3, NULL);
    cr_assert_eq(f.count, 0);
    pg_findings_dispose(&f);
}
