/* test_detect_engine.c — the catalogue, the engine (wants, severity
 * overrides, enable/disable), plan-incomplete, and pg_backend_load. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "detect/detect_internal.h"
#include "test_detect_support.h"

static const char *const spec_ids[] = {
    "dynamodb-key-replacement", "protected-destroy", "dynamodb-deletion-protection",
    "dynamodb-rename-without-moved", "lock-table-key-schema", "lock-table-destroy", "lock-table-pitr",
    "lock-table-backend-mismatch", "dynamodb-key-type-change", "dynamodb-provisioned-without-autoscaling",
    "lock-table-deprecated", "lock-table-deletion-protection", "dynamodb-replica-removed", "plan-incomplete",
    "data-loss",
};

/* MARK: catalogue */

Test(detect_engine, catalogue_holds_every_spec_detector)
{
    size_t i, j;

    cr_assert_eq(pg_detector_count(), sizeof spec_ids / sizeof spec_ids[0]);
    for (i = 0; i < sizeof spec_ids / sizeof spec_ids[0]; i++) {
        const pg_detector *d = pg_detector_find(spec_ids[i]);
        cr_assert_not_null(d, "%s", spec_ids[i]);
        cr_assert_str_eq(d->id, spec_ids[i]);
        cr_assert(d->title && *d->title && d->checks && *d->checks && d->why && *d->why && d->fix && *d->fix,
                  "%s lacks a text", d->id);
        cr_assert(d->on_change || d->end, "%s does nothing", d->id);
    }
    for (i = 0; i < pg_detector_count(); i++)
        for (j = i + 1; j < pg_detector_count(); j++)
            cr_assert_str_neq(pg_detector_at(i)->id, pg_detector_at(j)->id);
    cr_assert_null(pg_detector_at(pg_detector_count()));
    cr_assert_null(pg_detector_find("no-such-detector"));
    cr_assert_null(pg_detector_find(NULL));
}

Test(detect_engine, default_severities_follow_the_spec)
{
    cr_assert_eq(pg_detector_find("dynamodb-key-replacement")->default_severity, PG_SEV_CRITICAL);
    cr_assert_eq(pg_detector_find("protected-destroy")->default_severity, PG_SEV_CRITICAL);
    cr_assert_eq(pg_detector_find("dynamodb-deletion-protection")->default_severity, PG_SEV_HIGH);
    cr_assert_eq(pg_detector_find("dynamodb-rename-without-moved")->default_severity, PG_SEV_CRITICAL);
    cr_assert_eq(pg_detector_find("lock-table-key-schema")->default_severity, PG_SEV_CRITICAL);
    cr_assert_eq(pg_detector_find("lock-table-destroy")->default_severity, PG_SEV_CRITICAL);
    cr_assert_eq(pg_detector_find("lock-table-pitr")->default_severity, PG_SEV_MEDIUM);
    cr_assert_eq(pg_detector_find("lock-table-backend-mismatch")->default_severity, PG_SEV_HIGH);
    cr_assert_eq(pg_detector_find("dynamodb-key-type-change")->default_severity, PG_SEV_HIGH);
    cr_assert_eq(pg_detector_find("dynamodb-provisioned-without-autoscaling")->default_severity, PG_SEV_MEDIUM);
    cr_assert_eq(pg_detector_find("lock-table-deprecated")->default_severity, PG_SEV_LOW);
    cr_assert_eq(pg_detector_find("plan-incomplete")->default_severity, PG_SEV_MEDIUM);
}

/* MARK: wants — the reader skips decoding what nobody wants */

Test(detect_engine, wants_skips_uninteresting_changes)
{
    pg_policy *p = pg_test_policy_new();
    pg_detect_env env = {p, NULL};
    pg_detect_run *run = NULL;
    pg_error err;

    cr_assert_eq(pg_detect_run_new(&run, &env, &err), 0);
    cr_assert_eq(pg_detect_run_wants(run, "aws_instance", PG_ACTION_NOOP), 0);
    cr_assert_eq(pg_detect_run_wants(run, "aws_instance", PG_ACTION_UPDATE), 0);
    cr_assert_eq(pg_detect_run_wants(run, "aws_instance", PG_ACTION_CREATE), 0);
    cr_assert_eq(pg_detect_run_wants(run, "aws_instance", PG_ACTION_READ), 0);
    cr_assert_eq(pg_detect_run_wants(run, "aws_instance", PG_ACTION_FORGET), 0);
    /* destroys of anything may be protected */
    cr_assert_eq(pg_detect_run_wants(run, "aws_instance", PG_ACTION_DELETE), 1);
    cr_assert_eq(pg_detect_run_wants(run, "aws_instance", PG_ACTION_REPLACE), 1);
    cr_assert_eq(pg_detect_run_wants(run, "aws_instance", PG_ACTION_UNKNOWN), 1);
    /* lock-table checks see no-op tables; autoscaling targets count when kept */
    cr_assert_eq(pg_detect_run_wants(run, "aws_dynamodb_table", PG_ACTION_NOOP), 1);
    cr_assert_eq(pg_detect_run_wants(run, "aws_appautoscaling_target", PG_ACTION_NOOP), 1);
    cr_assert_eq(pg_detect_run_wants(run, "aws_appautoscaling_target", PG_ACTION_DELETE), 1); /* protect */
    cr_assert_eq(pg_detect_run_wants(run, "aws_dynamodb_table", PG_ACTION_READ), 0);
    pg_detect_run_free(run);
    pg_policy_free(p);
}

/* MARK: plan-incomplete */

Test(detect_engine, plan_incomplete)
{
    pg_plan_info info;
    det_opts o = {.info = &info};
    pg_findings f;
    const pg_finding *x;

    memset(&info, 0, sizeof info);
    info.complete = 0;
    det_run(&f, &o, NULL);
    x = det_find(&f, "plan-incomplete", "");
    cr_assert_not_null(x);
    cr_assert_eq(x->severity, PG_SEV_MEDIUM);
    cr_assert(det_has(x->message, "complete: false"), "%s", x->message);
    cr_assert_not_null(x->remediation);
    pg_findings_dispose(&f);

    info.complete = 1;
    info.deferred_changes = 2;
    det_run(&f, &o, NULL);
    x = det_find(&f, "plan-incomplete", "");
    cr_assert_not_null(x);
    cr_assert(det_has(x->message, "deferred 2 changes"), "%s", x->message);
    pg_findings_dispose(&f);

    /* OpenTofu and older Terraform have no "complete": absent is not incomplete */
    info.complete = -1;
    info.deferred_changes = 0;
    det_run(&f, &o, NULL);
    cr_assert_eq(f.count, 0);
    pg_findings_dispose(&f);
}

/* MARK: backend files */

#define BACKEND(name) PG_TESTDATA "/backend/" name

Test(detect_engine, backend_s3)
{
    pg_backend b;
    pg_error err;

    cr_assert_eq(pg_backend_load(&b, BACKEND("s3.tfstate"), &err), 0, "%s", err.message);
    cr_assert_str_eq(b.type, "s3");
    cr_assert_str_eq(b.dynamodb_table, "terraform-state-locks");
    cr_assert_eq(b.use_lockfile, 0);
    cr_assert_str_eq(b.source, BACKEND("s3.tfstate"));
    pg_backend_dispose(&b);
    cr_assert_null(b.type);
    pg_backend_dispose(&b); /* twice is harmless */
}

Test(detect_engine, backend_variants)
{
    pg_backend b;
    pg_error err;

    cr_assert_eq(pg_backend_load(&b, BACKEND("s3-lockfile-and-table.tfstate"), &err), 0, "%s", err.message);
    cr_assert_str_eq(b.dynamodb_table, "terraform-state-locks");
    cr_assert_eq(b.use_lockfile, 1);
    pg_backend_dispose(&b);

    cr_assert_eq(pg_backend_load(&b, BACKEND("s3-lockfile-only.tfstate"), &err), 0, "%s", err.message);
    cr_assert_null(b.dynamodb_table);
    cr_assert_eq(b.use_lockfile, 1);
    pg_backend_dispose(&b);

    cr_assert_eq(pg_backend_load(&b, BACKEND("pre-0.9-remote.tfstate"), &err), 0, "%s", err.message);
    cr_assert_str_eq(b.type, "s3");
    cr_assert_str_eq(b.dynamodb_table, "legacy-locks");
    pg_backend_dispose(&b);

    cr_assert_eq(pg_backend_load(&b, BACKEND("gcs.tfstate"), &err), 0, "%s", err.message);
    cr_assert_str_eq(b.type, "gcs");
    cr_assert_null(b.dynamodb_table);
    pg_backend_dispose(&b);

    cr_assert_eq(pg_backend_load(&b, BACKEND("no-config.tfstate"), &err), 0, "%s", err.message);
    cr_assert_str_eq(b.type, "s3");
    cr_assert_null(b.dynamodb_table);
    pg_backend_dispose(&b);
}

Test(detect_engine, backend_errors_say_what_is_wrong)
{
    pg_backend b;
    pg_error err;

    cr_assert_eq(pg_backend_load(&b, BACKEND("not-backend-state.tfstate"), &err), PG_EPLAN);
    cr_assert(det_has(err.message, "state file"), "%s", err.message);
    cr_assert_str_eq(err.source, BACKEND("not-backend-state.tfstate"));
    cr_assert_eq(pg_backend_load(&b, BACKEND("not-backend-plan.json"), &err), PG_EPLAN);
    cr_assert(det_has(err.message, "this is a plan"), "%s", err.message);
    cr_assert_eq(pg_backend_load(&b, BACKEND("not-backend-truncated.tfstate"), &err), PG_EPLAN);
    cr_assert(det_has(err.message, "invalid JSON"), "%s", err.message);
    cr_assert_eq(err.line, 1);
    cr_assert_eq(pg_backend_load(&b, BACKEND("not-backend-array.json"), &err), PG_EPLAN);
    cr_assert(det_has(err.message, "JSON object"), "%s", err.message);
    cr_assert_eq(pg_backend_load(&b, BACKEND("does-not-exist.tfstate"), &err), PG_EIO);
    cr_assert(det_has(err.message, "cannot read"), "%s", err.message);
    cr_assert_null(b.type);
}

/* MARK: lock table names */

Test(detect_engine, is_named_lock_table)
{
    pg_backend b;
    pg_policy *p = pg_test_policy_new();
    pg_detect_env env = {p, &b};

    memset(&b, 0, sizeof b);
    b.dynamodb_table = (char *)(uintptr_t) "locks";
    cr_assert_eq(pg_detect_is_named_lock_table(&env, "locks"), 1);
    cr_assert_eq(pg_detect_is_named_lock_table(&env, "Locks"), 0);
    cr_assert_eq(pg_detect_is_named_lock_table(&env, NULL), 0);
    env.backend = NULL;
    cr_assert_eq(pg_detect_is_named_lock_table(&env, "locks"), 0);
    pg_policy_free(p);
}

/* MARK: allocation failures — every failure is PG_ENOMEM, never a crash or a leak (run under ASan) */

static long fail_at, calls;

static void *failing_malloc(void *ctx, size_t n)
{
    (void)ctx;
    return calls++ == fail_at ? NULL : malloc(n);
}

static void *failing_realloc(void *ctx, void *p, size_t n)
{
    (void)ctx;
    return calls++ == fail_at ? NULL : realloc(p, n);
}

static void plain_free(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

Test(detect_engine, allocation_failures_are_enomem)
{
    static const char *const changes[] = {
        "{'address':'aws_dynamodb_table.a','mode':'managed','type':'aws_dynamodb_table','name':'a',"
        "'action_reason':'replace_because_cannot_update','change':{'actions':['create','delete'],"
        "'before':{'name':'t-a','hash_key':'id','range_key':'ts','attribute':[{'name':'id','type':'S'},"
        "{'name':'ts','type':'N'}],'local_secondary_index':[],'deletion_protection_enabled':true,"
        "'tags':{'Environment':'production'}},"
        "'after':{'name':'t-a','hash_key':'pk','range_key':'ts','attribute':[{'name':'pk','type':'S'},"
        "{'name':'ts','type':'S'}],'local_secondary_index':[{'name':'l','range_key':'x'}],"
        "'deletion_protection_enabled':true,'billing_mode':'PROVISIONED'},"
        "'after_unknown':{'arn':true},'replace_paths':[['hash_key'],['local_secondary_index']]}}",
        "{'address':'aws_dynamodb_table.old','mode':'managed','type':'aws_dynamodb_table','name':'old',"
        "'change':{'actions':['delete'],'before':{'name':'t-r','hash_key':'lockid','attribute':"
        "[{'name':'lockid','type':'N'}],'range_key':'x'},'after':null}}",
        "{'address':'aws_dynamodb_table.new','mode':'managed','type':'aws_dynamodb_table','name':'new',"
        "'change':{'actions':['create'],'before':null,'after':{'name':'t-r','hash_key':'LockID','attribute':"
        "[{'name':'LockID','type':'S'}],'billing_mode':'PROVISIONED'},'after_unknown':{}}}",
        "{'address':'aws_appautoscaling_target.r','mode':'managed','type':'aws_appautoscaling_target','name':'r',"
        "'change':{'actions':['create'],'before':null,'after':{'resource_id':'table/t-r',"
        "'scalable_dimension':'dynamodb:table:ReadCapacityUnits'},'after_unknown':{}}}",
        /* issue 13: replicas lost, a replica resource deleted, a Cloud Control replace, lost index scaling */
        "{'address':'aws_dynamodb_table.g','mode':'managed','type':'aws_dynamodb_table','name':'g',"
        "'change':{'actions':['update'],'before':{'name':'t-g','hash_key':'id','billing_mode':'PROVISIONED',"
        "'replica':[{'region_name':'eu-west-1'},{'region_name':'us-west-2'}],'tags':{'Environment':'production'}},"
        "'after':{'name':'t-g','hash_key':'id','billing_mode':'PROVISIONED','replica':[{'region_name':'us-west-2'}],"
        "'tags':{'Environment':'production'}},'after_unknown':{}}}",
        "{'address':'aws_dynamodb_table_replica.r','mode':'managed','type':'aws_dynamodb_table_replica','name':'r',"
        "'change':{'actions':['delete'],'before':{'arn':'arn:aws:dynamodb:sa-east-1:1:table/t-g'},'after':null}}",
        "{'address':'awscc_dynamodb_table.c','mode':'managed','type':'awscc_dynamodb_table','name':'c',"
        "'change':{'actions':['delete','create'],'before':{'table_name':'t-c',"
        "'key_schema':'[{\\'AttributeName\\':\\'LockId\\',\\'KeyType\\':\\'HASH\\'}]',"
        "'attribute_definitions':[{'attribute_name':'LockId','attribute_type':'S'}],"
        "'tags':[{'key':'Purpose','value':'terraform-state-locking'}]},'after':{'table_name':'t-c',"
        "'key_schema':[{'attribute_name':'pk','key_type':'HASH'}],"
        "'attribute_definitions':[{'attribute_name':'pk','attribute_type':'N'}]},'after_unknown':{}}}",
        "{'address':'aws_appautoscaling_policy.i','mode':'managed','type':'aws_appautoscaling_policy','name':'i',"
        "'change':{'actions':['delete'],'before':{'resource_id':'table/t-g/index/by_day',"
        "'scalable_dimension':'dynamodb:index:ReadCapacityUnits'},'after':null}}",
    };
    static const char yaml[] = "version: 1\nprotect:\n  - type: aws_dynamodb_table\n";
    pg_alloc failing = {failing_malloc, failing_realloc, plain_free, NULL};
    pg_change cs[sizeof changes / sizeof changes[0]];
    pg_plan_info info;
    pg_backend backend;
    pg_policy *p = pg_test_policy_new();
    pg_detect_env env = {p, &backend};
    pg_error err;
    size_t i, most = 0;
    int rc, finished = 0;

    memset(&info, 0, sizeof info);
    info.complete = 0;
    memset(&backend, 0, sizeof backend);
    backend.type = (char *)(uintptr_t) "s3";
    backend.dynamodb_table = (char *)(uintptr_t) "t-r";
    cr_assert_eq(pg_policy_load_string(p, "t.yaml", yaml, sizeof yaml - 1, &err), 0, "%s", err.message);
    for (i = 0; i < sizeof changes / sizeof changes[0]; i++)
        det_change_from(&cs[i], changes[i], PG_ORIGIN_PLANNED);
    for (fail_at = 0; !finished && fail_at < 5000; fail_at++) {
        pg_detect_run *run = NULL;
        pg_findings f;

        pg_findings_init(&f);
        pg_error_clear(&err);
        calls = 0;
        pg_alloc_set(&failing);
        rc = pg_detect_run_new(&run, &env, &err);
        for (i = 0; rc == 0 && i < sizeof changes / sizeof changes[0]; i++) {
            pg_detect_protection prot = det_protection(p, &cs[i]);
            rc = pg_detect_run_change(run, &cs[i], &prot, &f, &err);
        }
        if (rc == 0)
            rc = pg_detect_run_end(run, &info, &f, &err);
        pg_detect_run_free(run);
        pg_alloc_set(NULL);
        cr_assert(rc == 0 || rc == PG_ENOMEM, "fail_at %ld: rc %d (%s)", fail_at, rc, err.message);
        if (rc == PG_ENOMEM)
            cr_assert_eq(err.code, PG_ENOMEM, "fail_at %ld", fail_at);
        if (rc == 0 && calls <= fail_at) {
            finished = 1;
            most = f.count;
            /* the issue-13 paths ran too */
            cr_assert_eq(det_count(&f, "dynamodb-replica-removed", NULL), 2);
            cr_assert_not_null(det_find(&f, "dynamodb-key-replacement", "awscc_dynamodb_table.c"));
            cr_assert_not_null(det_find(&f, "lock-table-destroy", "awscc_dynamodb_table.c"));
            cr_assert_not_null(det_find(&f, "dynamodb-provisioned-without-autoscaling", "aws_dynamodb_table.g"));
        }
        pg_findings_dispose(&f);
    }
    cr_assert(finished, "never ran to the end without an allocation failure");
    /* key-replacement, protected, deletion-protection, key-schema (old), lock-destroy, backend-mismatch,
     * rename, provisioned ×2… at least these: */
    cr_assert_geq(most, 8, "only %zu findings", most);
    for (i = 0; i < sizeof changes / sizeof changes[0]; i++)
        pg_change_dispose(&cs[i]);
    pg_policy_free(p);
}

/* MARK: self-describing detectors (issue 12) */

/* Each file exports its own descriptor; the catalogue holds exactly those. */
extern const pg_detector pg_detector_dynamodb_key_replacement, pg_detector_protected_destroy,
    pg_detector_dynamodb_deletion_protection, pg_detector_dynamodb_rename_without_moved,
    pg_detector_lock_table_key_schema, pg_detector_lock_table_destroy, pg_detector_lock_table_pitr,
    pg_detector_lock_table_backend_mismatch, pg_detector_dynamodb_key_type_change,
    pg_detector_dynamodb_provisioned_without_autoscaling, pg_detector_lock_table_deprecated,
    pg_detector_lock_table_deletion_protection, pg_detector_dynamodb_replica_removed,
    pg_detector_plan_incomplete, pg_detector_data_loss;

Test(detect_engine, the_catalogue_points_at_each_files_descriptor)
{
    const pg_detector *const own[] = {
        &pg_detector_dynamodb_key_replacement,    &pg_detector_protected_destroy,
        &pg_detector_dynamodb_deletion_protection, &pg_detector_dynamodb_rename_without_moved,
        &pg_detector_lock_table_key_schema,        &pg_detector_lock_table_destroy,
        &pg_detector_lock_table_pitr,              &pg_detector_lock_table_backend_mismatch,
        &pg_detector_dynamodb_key_type_change,     &pg_detector_dynamodb_provisioned_without_autoscaling,
        &pg_detector_lock_table_deprecated,        &pg_detector_lock_table_deletion_protection,
        &pg_detector_dynamodb_replica_removed,     &pg_detector_plan_incomplete,
        &pg_detector_data_loss,
    };
    size_t i;

    cr_assert_eq(pg_detector_count(), sizeof own / sizeof own[0]);
    for (i = 0; i < sizeof own / sizeof own[0]; i++) {
        cr_assert_eq(pg_detector_at(i), own[i], "catalogue entry %zu", i);
        cr_assert_eq(pg_detector_find(own[i]->id), own[i], "%s", own[i]->id);
    }
}

/* No detector finds its metadata by id string: a typo there gave NULL at run
 * time. Only registry.c (the lookup itself) and the policy checker may call
 * pg_detector_find in src/detect. */
Test(detect_engine, no_detector_looks_itself_up_by_id)
{
    static const char *const allowed[] = {"registry.c", "policy_check.c"};
    char cmd[512], line[1024];
    size_t i, hits = 0;
    FILE *p;

    snprintf(cmd, sizeof cmd, "grep -l 'pg_detector_find *(' %s/src/detect/*.c", PG_SRCDIR);
    p = popen(cmd, "r");
    cr_assert_not_null(p);
    while (fgets(line, sizeof line, p)) {
        const char *base = strrchr(line, '/');
        int ok = 0;

        line[strcspn(line, "\n")] = '\0';
        base = base ? base + 1 : line;
        for (i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
            ok |= strcmp(base, allowed[i]) == 0;
        cr_assert(ok, "%s looks a detector up by its id", line);
        hits++;
    }
    pclose(p);
    cr_assert_geq(hits, 1, "the grep found not even registry.c: is PG_SRCDIR right?");
}

/* MARK: the protect: answer, asked once by the caller (issue 12) */

#define PROTECTABLE                                                                                             \
    "{'address':'aws_dynamodb_table.t','mode':'managed','type':'aws_dynamodb_table','name':'t',"                \
    "'action_reason':'delete_because_no_resource_config','change':{'actions':['delete'],"                       \
    "'before':{'name':'t','hash_key':'id','tags':{'Environment':'production'}},'after':null}}"

static size_t protected_findings(const char *policy_yaml, const pg_detect_protection *prot, int *rc_out)
{
    pg_policy *p = pg_test_policy_new();
    pg_detect_env env = {p, NULL};
    pg_detect_run *run = NULL;
    pg_findings f;
    pg_change c;
    pg_error err;
    size_t n;

    cr_assert_not_null(p);
    pg_error_clear(&err);
    if (policy_yaml)
        cr_assert_eq(pg_policy_load_string(p, "t.yaml", policy_yaml, strlen(policy_yaml), &err), 0, "%s",
                     err.message);
    det_change_from(&c, PROTECTABLE, PG_ORIGIN_PLANNED);
    pg_findings_init(&f);
    cr_assert_eq(pg_detect_run_new(&run, &env, &err), 0);
    *rc_out = pg_detect_run_change(run, &c, prot, &f, &err);
    n = det_count(&f, "protected-destroy", NULL);
    if (n)
        cr_assert(det_has(det_find(&f, "protected-destroy", NULL)->message, prot->why), "%s",
                  det_find(&f, "protected-destroy", NULL)->message);
    pg_findings_dispose(&f);
    pg_change_dispose(&c);
    pg_detect_run_free(run);
    pg_policy_free(p);
    return n;
}

Test(detect_engine, protected_destroy_reads_the_callers_answer)
{
    static const char protects_all[] = "version: 1\nprotect:\n  - type: aws_dynamodb_table\n";
    pg_detect_protection yes = {1, "the answer the caller computed"}, no = {0, NULL};
    int rc;

    /* The policy protects nothing, but the caller says protected: reported, with its words. */
    cr_assert_eq(protected_findings(NULL, &yes, &rc), 1);
    cr_assert_eq(rc, 0);
    /* The policy protects everything, but the caller says no: the detector does not ask again. */
    cr_assert_eq(protected_findings(protects_all, &no, &rc), 0);
    cr_assert_eq(rc, 0);
}

Test(detect_engine, a_destroy_without_an_answer_is_an_internal_error)
{
    int rc;

    cr_assert_eq(protected_findings(NULL, NULL, &rc), 0);
    cr_assert_eq(rc, PG_EINTERNAL, "a destroy nobody asked the protect: selectors about must not pass");
}

/* MARK: input depth — no recursion follows a plan value past PG_DET_MAX_DEPTH */

static json_t *deep_array(size_t depth)
{
    json_t *v = json_string("leaf");
    size_t i;

    for (i = 0; v && i < depth; i++) {
        json_t *a = json_array();
        cr_assert_not_null(a);
        cr_assert_eq(json_array_append_new(a, v), 0);
        v = a;
    }
    cr_assert_not_null(v);
    return v;
}

Test(detect_engine, deep_values_compare_as_different_and_masks_as_holding_true)
{
    json_t *shallow = deep_array(10), *shallow2 = deep_array(10);
    json_t *deep = deep_array(5000), *deep2 = deep_array(5000);

    cr_assert_eq(pg_det__equal(shallow, shallow2), 1);
    cr_assert_eq(pg_det__equal(shallow, deep), 0);
    /* Equal, but past PG_DET_MAX_DEPTH: a change as far as a detector knows (fail closed). */
    cr_assert_eq(pg_det__equal(deep, deep2), 0);
    cr_assert_eq(pg_det__equal(NULL, NULL), 0, "as json_equal: an absent value equals nothing");
    /* A mask with no true in it, but too deep to look through: assume one is there. */
    cr_assert_eq(pg_det__mask_any(shallow), 0);
    cr_assert_eq(pg_det__mask_any(deep), 1);
    json_decref(shallow);
    json_decref(shallow2);
    json_decref(deep);
    json_decref(deep2);
}
