/* test_detect_engine.c — the catalogue, the engine (wants, severity
 * overrides, enable/disable), plan-incomplete, and pg_backend_load. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "test_detect_support.h"

static const char *const spec_ids[] = {
    "dynamodb-key-replacement", "protected-destroy", "dynamodb-deletion-protection",
    "dynamodb-rename-without-moved", "lock-table-key-schema", "lock-table-destroy", "lock-table-pitr",
    "lock-table-backend-mismatch", "dynamodb-key-type-change", "dynamodb-provisioned-without-autoscaling",
    "lock-table-deprecated", "plan-incomplete",
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
    pg_policy *p = pg_policy_new();
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
    pg_policy *p = pg_policy_new();
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
    };
    static const char yaml[] = "version: 1\nprotect:\n  - type: aws_dynamodb_table\n";
    pg_alloc failing = {failing_malloc, failing_realloc, plain_free, NULL};
    pg_change cs[sizeof changes / sizeof changes[0]];
    pg_plan_info info;
    pg_backend backend;
    pg_policy *p = pg_policy_new();
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
        for (i = 0; rc == 0 && i < sizeof changes / sizeof changes[0]; i++)
            rc = pg_detect_run_change(run, &cs[i], &f, &err);
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
