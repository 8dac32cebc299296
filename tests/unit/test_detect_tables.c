/* test_detect_tables.c — the one reader of a DynamoDB table (table_read.c)
 * in both providers' shapes, what makes a name or tag say "Terraform state
 * locking" (lock_table.c), and dynamodb-replica-removed (issue 13). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect_internal.h"
#include "test_detect_support.h"

#define CC(actions, before, after, unknown)                                                                     \
    "{'address':'awscc_dynamodb_table.t','mode':'managed','type':'awscc_dynamodb_table','name':'t',"            \
    "'provider_name':'registry.terraform.io/hashicorp/awscc','change':{'actions':" actions ",'before':" before   \
    ",'after':" after ",'after_unknown':" unknown ",'before_sensitive':{},'after_sensitive':{}}}"

static void keys_of(const char *json, pg_side side, pg_det_keys *k)
{
    pg_change c;

    det_change_from(&c, json, PG_ORIGIN_PLANNED);
    pg_det__table_keys(&c, side, k);
    pg_change_dispose(&c);
}

Test(detect_tables, key_schema_as_a_cloudformation_string)
{
    pg_det_keys k;

    keys_of(CC("['create']", "null",
               "{'table_name':'t','key_schema':'[{\\'AttributeName\\':\\'pk\\',\\'KeyType\\':\\'HASH\\'},"
               "{\\'AttributeName\\':\\'sk\\',\\'KeyType\\':\\'RANGE\\'}]'}",
               "{}"),
            PG_AFTER, &k);
    cr_assert(k.has_hash && k.has_range, "hash %d range %d unreadable %d", k.has_hash, k.has_range, k.unreadable);
    cr_assert_str_eq(k.hash, "pk");
    cr_assert_str_eq(k.range, "sk");
    cr_assert_str_eq(k.path, "key_schema");
    cr_assert_not(pg_det__keys_uncertain(&k));
}

Test(detect_tables, key_schema_as_a_snake_case_string_or_a_list)
{
    pg_det_keys k;

    keys_of(CC("['create']", "null",
               "{'key_schema':'[{\\'attribute_name\\':\\'id\\',\\'key_type\\':\\'HASH\\'}]'}", "{}"),
            PG_AFTER, &k);
    cr_assert(k.has_hash && !k.has_range);
    cr_assert_str_eq(k.hash, "id");
    keys_of(CC("['create']", "null",
               "{'key_schema':[{'attribute_name':'LockID','key_type':'HASH'}]}", "{}"),
            PG_AFTER, &k);
    cr_assert(k.has_hash && !k.has_range);
    cr_assert_str_eq(k.hash, "LockID");
}

Test(detect_tables, a_key_schema_that_does_not_parse_is_unreadable_never_no_key)
{
    static const char *const bad[] = {
        CC("['create']", "null", "{'key_schema':'[{\\'AttributeName\\':\\'pk\\''}", "{}"),  /* cut */
        CC("['create']", "null", "{'key_schema':'{}'}", "{}"),                                      /* an object */
        CC("['create']", "null", "{'key_schema':'[]'}", "{}"),                                      /* no HASH */
        CC("['create']", "null",
           "{'key_schema':[{'attribute_name':'a','key_type':'HASH'},{'attribute_name':'b','key_type':'HASH'}]}",
           "{}"),                                                                                   /* two HASH */
        CC("['create']", "null", "{'key_schema':[{'attribute_name':7,'key_type':'HASH'}]}", "{}"), /* not a name */
    };
    size_t i;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pg_det_keys k;

        keys_of(bad[i], PG_AFTER, &k);
        cr_assert(k.unreadable, "case %zu", i);
        cr_assert_not(k.has_hash, "case %zu", i);
        cr_assert(pg_det__keys_uncertain(&k), "case %zu", i);
    }
}

Test(detect_tables, an_unknown_key_schema_is_uncertain_and_absent_is_absent)
{
    pg_det_keys k;

    keys_of(CC("['create']", "null", "{'table_name':'t'}", "{'key_schema':true}"), PG_AFTER, &k);
    cr_assert(k.hash_unknown && pg_det__keys_uncertain(&k));
    keys_of(CC("['create']", "null", "{'table_name':'t'}", "{}"), PG_AFTER, &k);
    cr_assert(k.absent && !pg_det__keys_uncertain(&k) && !k.has_hash);
}

Test(detect_tables, names_and_tags_that_say_state_locking)
{
    static const char *const yes[] = {"terraform-state-lock", "tfstate-locks", "TF_STATE_LOCK", "tf-locks",
                                      "acme-terraform-locking", "TerraformLock"};
    static const char *const no[] = {"order-service-locks", "locks", "terraform-state", "tf-state", "platform-mutex",
                                     "blocklist-terraform"};
    size_t i;

    for (i = 0; i < sizeof yes / sizeof yes[0]; i++)
        cr_assert(pg_det__says_state_lock(yes[i], strlen(yes[i])), "%s", yes[i]);
    for (i = 0; i < sizeof no / sizeof no[0] - 1; i++)
        cr_assert_not(pg_det__says_state_lock(no[i], strlen(no[i])), "%s", no[i]);
    /* "blocklist" holds "lock": a name with terraform in it and "lock" anywhere says it (documented) */
    cr_assert(pg_det__says_state_lock(no[5], strlen(no[5])));
    cr_assert_not(pg_det__says_state_lock("terraform\0lock", 14));
}

#define AWS_TBL(addr, actions, before, after, unknown)                                                          \
    "{'address':'" addr "','mode':'managed','type':'aws_dynamodb_table','name':'t',"                            \
    "'provider_name':'registry.terraform.io/hashicorp/aws','change':{'actions':" actions ",'before':" before    \
    ",'after':" after ",'after_unknown':" unknown ",'before_sensitive':{},'after_sensitive':{}}}"
#define LOCKISH(name, key, tags)                                                                                \
    "{'name':'" name "','hash_key':'" key "','range_key':null,'attribute':[{'name':'" key "','type':'S'}],"     \
    "'deletion_protection_enabled':false,'point_in_time_recovery':[{'enabled':false}],'tags':" tags "}"

Test(detect_tables, a_case_variant_key_is_a_lock_table_only_when_name_or_tags_say_so)
{
    det_change ch[] = {
        PLANNED(AWS_TBL("aws_dynamodb_table.app", "['create']", "null", LOCKISH("order-service-locks", "lockId", "{}"),
                        "{}")),
        PLANNED(AWS_TBL("aws_dynamodb_table.named", "['create']", "null", LOCKISH("tf-state-lock", "lockId", "{}"),
                        "{}")),
        PLANNED(AWS_TBL("aws_dynamodb_table.tagged", "['create']", "null",
                        LOCKISH("mutex", "LOCKID", "{'purpose':'terraform-state-locking'}"), "{}")),
        /* a tag whose value is unknown says nothing */
        PLANNED(AWS_TBL("aws_dynamodb_table.unknown_tag", "['create']", "null", LOCKISH("mutex2", "lockid", "{}"),
                        "{'tags':{'Purpose':true}}")),
        DET_END};
    pg_findings f;

    det_run(&f, NULL, ch);
    cr_assert_eq(det_count(&f, NULL, "aws_dynamodb_table.app"), 0);
    cr_assert_eq(det_count(&f, NULL, "aws_dynamodb_table.unknown_tag"), 0);
    cr_assert_not_null(det_find(&f, "lock-table-key-schema", "aws_dynamodb_table.named"));
    cr_assert_not_null(det_find(&f, "lock-table-key-schema", "aws_dynamodb_table.tagged"));
    cr_assert(det_has(det_find(&f, "lock-table-key-schema", "aws_dynamodb_table.tagged")->message, "its tags say"),
              "%s", det_find(&f, "lock-table-key-schema", "aws_dynamodb_table.tagged")->message);
    cr_assert_not_null(det_find(&f, "lock-table-deletion-protection", "aws_dynamodb_table.named"));
    pg_findings_dispose(&f);
}

/* MARK: dynamodb-replica-removed */

#define REPL(regions) "{'name':'g','hash_key':'id','replica':" regions ",'tags':{}}"

Test(detect_tables, replica_regions_compare_as_sets)
{
    det_change ch[] = {
        /* reordered, one added: nothing lost */
        PLANNED(AWS_TBL("aws_dynamodb_table.a", "['update']", REPL("[{'region_name':'eu-west-1'},{'region_name':'us-west-2'}]"),
                        REPL("[{'region_name':'us-west-2'},{'region_name':'ap-south-1'},{'region_name':'eu-west-1'}]"),
                        "{}")),
        /* two lost */
        PLANNED(AWS_TBL("aws_dynamodb_table.b", "['update']",
                        REPL("[{'region_name':'eu-west-1'},{'region_name':'us-west-2'},{'region_name':'ap-south-1'}]"),
                        REPL("[{'region_name':'us-west-2'}]"), "{}")),
        /* one new region's name is unknown: every region not known to stay may be lost */
        PLANNED(AWS_TBL("aws_dynamodb_table.c", "['update']",
                        REPL("[{'region_name':'eu-west-1'},{'region_name':'us-west-2'}]"),
                        REPL("[{'region_name':'us-west-2'},{}]"), "{'replica':[{},{'region_name':true}]}")),
        DET_END};
    pg_findings f;
    const pg_finding *x;

    det_run(&f, NULL, ch);
    cr_assert_eq(det_count(&f, "dynamodb-replica-removed", "aws_dynamodb_table.a"), 0);
    x = det_find(&f, "dynamodb-replica-removed", "aws_dynamodb_table.b");
    cr_assert_not_null(x);
    cr_assert_eq(x->severity, PG_SEV_HIGH);
    cr_assert(det_has(x->message, "loses its replicas in \"eu-west-1\", \"ap-south-1\""), "%s", x->message);
    cr_assert(det_has(x->message, "every item"), "%s", x->message);
    x = det_find(&f, "dynamodb-replica-removed", "aws_dynamodb_table.c");
    cr_assert_not_null(x);
    cr_assert(det_has(x->message, "may lose its replica in \"eu-west-1\""), "%s", x->message);
    cr_assert_str_eq(det_json(det_evidence(x, "replica[*].region_name")->after), "\"(known after apply)\"");
    pg_findings_dispose(&f);
}

Test(detect_tables, replica_removed_is_critical_on_production)
{
    det_opts o = {.defaults = 1};
    det_change ch[] = {
        PLANNED(AWS_TBL("aws_dynamodb_table.p", "['update']",
                        "{'name':'p','hash_key':'id','replica':[{'region_name':'eu-west-1'}],'tags':{'env':'prod'}}",
                        "{'name':'p','hash_key':'id','replica':[],'tags':{'env':'prod'}}", "{}")),
        PLANNED("{'address':'aws_dynamodb_table_replica.r','mode':'managed','type':'aws_dynamodb_table_replica',"
                "'name':'r','change':{'actions':['delete'],'before':{'arn':'arn:aws:dynamodb:sa-east-1:1:table/p',"
                "'global_table_arn':'arn:aws:dynamodb:us-east-1:1:table/p','tags':{}},'after':null,"
                "'after_unknown':{}}}"),
        DET_END};
    pg_findings f;
    const pg_finding *x;

    det_run(&f, &o, ch);
    x = det_find(&f, "dynamodb-replica-removed", "aws_dynamodb_table.p");
    cr_assert_not_null(x);
    cr_assert_eq(x->severity, PG_SEV_CRITICAL);
    x = det_find(&f, "dynamodb-replica-removed", "aws_dynamodb_table_replica.r");
    cr_assert_not_null(x);
    cr_assert_eq(x->severity, PG_SEV_HIGH);
    cr_assert(det_has(x->message, "in region \"sa-east-1\""), "%s", x->message);
    pg_findings_dispose(&f);
}

Test(detect_tables, a_lower_policy_severity_never_quiets_the_production_finding)
{
    det_opts o = {.defaults = 1, .policy_yaml = "version: 1\ndetectors:\n  dynamodb-replica-removed: { severity: medium }\n"};
    det_change ch[] = {
        PLANNED(AWS_TBL("aws_dynamodb_table.p", "['update']",
                        "{'name':'p','hash_key':'id','replica':[{'region_name':'eu-west-1'}],'tags':{'env':'prod'}}",
                        "{'name':'p','hash_key':'id','replica':[],'tags':{'env':'prod'}}", "{}")),
        PLANNED(AWS_TBL("aws_dynamodb_table.d", "['update']",
                        "{'name':'d','hash_key':'id','replica':[{'region_name':'eu-west-1'}],'tags':{'env':'dev'}}",
                        "{'name':'d','hash_key':'id','replica':[],'tags':{'env':'dev'}}", "{}")),
        DET_END};
    pg_findings f;

    det_run(&f, &o, ch);
    cr_assert_eq(det_find(&f, "dynamodb-replica-removed", "aws_dynamodb_table.p")->severity, PG_SEV_CRITICAL);
    cr_assert_eq(det_find(&f, "dynamodb-replica-removed", "aws_dynamodb_table.d")->severity, PG_SEV_MEDIUM);
    pg_findings_dispose(&f);
}

/* Hostile input: a NUL inside a region name is part of it (C string
 * comparison would see "eu-west-1" on both sides and call the region kept). */
Test(detect_tables, a_nul_inside_a_region_is_part_of_the_name)
{
    det_change ch[] = {
        PLANNED(AWS_TBL("aws_dynamodb_table.n", "['update']", REPL("[{'region_name':'eu-west-1\\u0000a'}]"),
                        REPL("[{'region_name':'eu-west-1\\u0000b'}]"), "{}")),
        DET_END};
    pg_findings f;
    const pg_finding *x;

    det_run(&f, NULL, ch);
    x = det_find(&f, "dynamodb-replica-removed", "aws_dynamodb_table.n");
    cr_assert_not_null(x);
    cr_assert(det_has(x->message, "\"eu-west-1\\u0000a\""), "%s", x->message);
    pg_findings_dispose(&f);
}

/* ... and an autoscaling resource_id with a NUL inside covers no table. */
Test(detect_tables, a_nul_inside_a_resource_id_covers_nothing)
{
    det_change ch[] = {
        PLANNED(AWS_TBL("aws_dynamodb_table.p", "['create']", "null",
                        "{'name':'p','hash_key':'id','billing_mode':'PROVISIONED','read_capacity':5,'write_capacity':5}",
                        "{}")),
        PLANNED("{'address':'aws_appautoscaling_target.r','mode':'managed','type':'aws_appautoscaling_target',"
                "'name':'r','change':{'actions':['create'],'before':null,'after':{'resource_id':'table/p\\u0000x',"
                "'scalable_dimension':'dynamodb:table:ReadCapacityUnits'},'after_unknown':{}}}"),
        PLANNED("{'address':'aws_appautoscaling_target.w','mode':'managed','type':'aws_appautoscaling_target',"
                "'name':'w','change':{'actions':['create'],'before':null,'after':{'resource_id':'table/p\\u0000x',"
                "'scalable_dimension':'dynamodb:table:WriteCapacityUnits'},'after_unknown':{}}}"),
        DET_END};
    pg_findings f;

    det_run(&f, NULL, ch);
    cr_assert_not_null(det_find(&f, "dynamodb-provisioned-without-autoscaling", "aws_dynamodb_table.p"));
    pg_findings_dispose(&f);
}

/* A key_schema string past any real one's length is not parsed: unreadable. */
Test(detect_tables, an_oversized_key_schema_string_is_unreadable)
{
    static const char head[] = "{'address':'awscc_dynamodb_table.t','mode':'managed','type':'awscc_dynamodb_table',"
                               "'name':'t','change':{'actions':['create'],'before':null,'after':{'key_schema':'[";
    static const char tail[] = "{\\'AttributeName\\':\\'pk\\',\\'KeyType\\':\\'HASH\\'}]'},'after_unknown':{}}}";
    char *json = malloc(sizeof head + 5000 + sizeof tail);
    pg_det_keys k;

    cr_assert_not_null(json);
    memcpy(json, head, sizeof head - 1);
    memset(json + sizeof head - 1, ' ', 5000);
    memcpy(json + sizeof head - 1 + 5000, tail, sizeof tail);
    keys_of(json, PG_AFTER, &k);
    cr_assert(k.unreadable && !k.has_hash);
    free(json);
}

/* The backend's lock table in the Cloud Control shape: named by table_name. */
Test(detect_tables, the_backends_lock_table_in_the_cloud_control_shape)
{
    pg_backend b;
    det_opts o;
    det_change ch[] = {
        PLANNED(CC("['create']", "null",
                   "{'table_name':'tf-locks','key_schema':[{'attribute_name':'Id','key_type':'HASH'}],"
                   "'attribute_definitions':[{'attribute_name':'Id','attribute_type':'S'}],"
                   "'deletion_protection_enabled':true,"
                   "'point_in_time_recovery_specification':{'point_in_time_recovery_enabled':true}}",
                   "{}")),
        DET_END};
    pg_findings f;
    const pg_finding *x;

    memset(&b, 0, sizeof b);
    b.type = (char *)(uintptr_t) "s3";
    b.dynamodb_table = (char *)(uintptr_t) "tf-locks";
    b.source = (char *)(uintptr_t) ".terraform/terraform.tfstate";
    memset(&o, 0, sizeof o);
    o.backend = &b;
    det_run(&f, &o, ch);
    x = det_find(&f, "lock-table-key-schema", "awscc_dynamodb_table.t");
    cr_assert_not_null(x);
    cr_assert(det_has(x->message, "the backend in .terraform/terraform.tfstate locks with it"), "%s", x->message);
    cr_assert(det_has(x->message, "its partition key (key_schema HASH) is \"Id\", not \"LockID\""), "%s", x->message);
    cr_assert_not_null(det_find(&f, "lock-table-backend-mismatch", "awscc_dynamodb_table.t"));
    cr_assert_eq(det_count(&f, "lock-table-pitr", NULL), 0);
    cr_assert_eq(det_count(&f, "lock-table-deletion-protection", NULL), 0);
    pg_findings_dispose(&f);
}

/* An in-place update that changes a Cloud Control key attribute's type. */
Test(detect_tables, a_cloud_control_key_type_change_in_place)
{
    det_change ch[] = {
        PLANNED(CC("['update']",
                   "{'table_name':'t','key_schema':'[{\\'AttributeName\\':\\'pk\\',\\'KeyType\\':\\'HASH\\'}]',"
                   "'attribute_definitions':[{'attribute_name':'pk','attribute_type':'S'}]}",
                   "{'table_name':'t','key_schema':'[{\\'AttributeName\\':\\'pk\\',\\'KeyType\\':\\'HASH\\'}]',"
                   "'attribute_definitions':[{'attribute_name':'pk','attribute_type':'N'}]}",
                   "{}")),
        DET_END};
    pg_findings f;
    const pg_finding *x;

    det_run(&f, NULL, ch);
    x = det_find(&f, "dynamodb-key-type-change", "awscc_dynamodb_table.t");
    cr_assert_not_null(x);
    cr_assert(det_has(x->message, "the type of key attribute \"pk\" changes S → N"), "%s", x->message);
    cr_assert_not_null(det_evidence(x, "attribute_definitions[0].attribute_type"));
    pg_findings_dispose(&f);
}
