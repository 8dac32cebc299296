/* registry.c — the catalogue of built-in detectors (SPEC §3) and the engine
 * that runs the enabled ones over a plan.
 *
 * The catalogue is one table so that `plangate explain`, SARIF rule
 * descriptions and the policy loader (which rejects unknown detector ids)
 * all read the same ids and texts. Behaviour lives in one file per detector
 * (detect_internal.h). */
#include <string.h>

#include "detect/detect_internal.h"
#include "plangate/alloc.h"

/* MARK: catalogue */

static const pg_detector detectors[] = {
    {
        "dynamodb-key-replacement",
        "DynamoDB table replaced because its key schema changes",
        PG_SEV_CRITICAL,
        "An aws_dynamodb_table that the plan replaces (destroys, then creates again) because its hash_key, "
        "its range_key, the type of a key attribute or a local_secondary_index changes. Terraform's "
        "replace_paths is used when the plan has it, else before and after are compared; a key whose new "
        "value is known only after apply is reported as one that may change.",
        "DynamoDB cannot change a table's key schema or local secondary indexes in place, so the provider "
        "destroys the table and creates a new, empty one: every item in the table is lost, and nothing in "
        "the plan output says so in words.",
        "Revert the key change if the data must survive. To really change the key, create a second table "
        "under a new name with the new schema, copy the items (export to S3 and import, or a copy job), "
        "switch readers and writers over, then remove the old table in a later change. Add "
        "`lifecycle { prevent_destroy = true }` to tables that hold data.",
        NULL, pg_det__key_replacement_change, NULL, NULL, pg_det__key_replacement_wants,
    },
    {
        "protected-destroy",
        "A protected resource is destroyed",
        PG_SEV_CRITICAL,
        "A delete or replace (for any reason: a changed argument, a taint, -replace, a removed resource "
        "block or module, a shifted count index or for_each key) of a resource that matches a `protect:` "
        "selector of the policy. Drift and forget (removed blocks with destroy = false) never count.",
        "`lifecycle { prevent_destroy = true }` cannot take a variable, so reusable modules cannot set it "
        "per environment; a rename without a `moved` block, a removed module or a shifted count index then "
        "destroys production data without a second look.",
        "If the resource was renamed or moved, add a `moved` block; if its block was removed by mistake, "
        "restore it; to stop managing it without destroying it, use a `removed` block with "
        "`lifecycle { destroy = false }`. If the destroy is intended, waive the finding for this address "
        "with a reason.",
        NULL, pg_det__protected_change, NULL, NULL, pg_det__protected_wants,
    },
    {
        "dynamodb-deletion-protection",
        "Destroying a DynamoDB table that has deletion protection",
        PG_SEV_HIGH,
        "A delete or replace of an aws_dynamodb_table whose current state (before) has "
        "deletion_protection_enabled = true.",
        "AWS refuses to delete the table, so the apply fails half-way: whatever was applied before it "
        "stays changed, and for a create-before-destroy replacement the new table may already exist.",
        "If the destroy is not intended, change the configuration so the plan no longer destroys the "
        "table. If it is intended, first set deletion_protection_enabled = false on the table and apply "
        "that on its own, then plan and apply the destroy.",
        NULL, pg_det__deletion_protection_change, NULL, NULL, pg_det__deletion_protection_wants,
    },
    {
        "dynamodb-rename-without-moved",
        "DynamoDB table moved to a new address without a moved block",
        PG_SEV_CRITICAL,
        "An aws_dynamodb_table deleted at one address while a table with the same `name` is created at "
        "another address in the same plan: a rename or refactor (into a module, to count/for_each) "
        "without a `moved` block. Reported at the deleted address.",
        "Terraform does not know the two addresses are the same table: it destroys the existing table with "
        "all its items and creates an empty one with the same name.",
        "Add a `moved { from = OLD_ADDRESS  to = NEW_ADDRESS }` block (Terraform 1.1+), or run "
        "`terraform state mv OLD_ADDRESS NEW_ADDRESS`, then plan again: the table must show no delete.",
        pg_det__rename_begin, pg_det__rename_change, pg_det__rename_end, pg_det__rename_free,
        pg_det__rename_wants,
    },
    {
        "lock-table-key-schema",
        "Terraform state-lock table has the wrong key schema",
        PG_SEV_CRITICAL,
        "A state-lock table (named by --backend, by the policy's lock_tables, or any aws_dynamodb_table "
        "keyed by LockID or a case-variant of it) whose hash_key is not exactly LockID, whose LockID "
        "attribute is not of type S, or which has a range_key.",
        "Terraform's S3 backend writes lock items keyed by the string attribute LockID (case-sensitive) "
        "and nothing else: with any other key schema every attempt to take the state lock fails, so every "
        "plan and apply that uses the backend fails, or runs unlocked where locking is turned off.",
        "Give the table hash_key = \"LockID\", one attribute { name = \"LockID\", type = \"S\" } and no "
        "range_key. The key schema cannot change in place: create a correct table (new name), point the "
        "backend's dynamodb_table at it, run terraform init -reconfigure, then remove the old one.",
        NULL, pg_det__lock_schema_change, NULL, NULL, pg_det__lock_wants,
    },
    {
        "lock-table-destroy",
        "Terraform state-lock table is destroyed",
        PG_SEV_CRITICAL,
        "A delete or replace of a state-lock table (named by --backend, by the policy's lock_tables, or "
        "keyed by LockID).",
        "While the table is gone, no terraform run can take the state lock; an apply that locks through "
        "this very table loses its own lock half-way and fails to release it, and concurrent runs can "
        "corrupt state.",
        "Do not destroy the lock table from a configuration whose state it locks. If it must change, create "
        "the new table first, move the backend to it (terraform init -reconfigure), then remove the old "
        "one; or move to the S3 backend's use_lockfile = true (Terraform 1.11+).",
        NULL, pg_det__lock_destroy_change, NULL, NULL, pg_det__lock_wants,
    },
    {
        "lock-table-pitr",
        "Terraform state-lock table without point-in-time recovery",
        PG_SEV_MEDIUM,
        "A state-lock table that is created, updated or kept (no-op) without "
        "point_in_time_recovery { enabled = true }.",
        "The lock table also holds the S3 backend's state digests; without point-in-time recovery an "
        "accidental delete or overwrite of its items cannot be undone.",
        "Add point_in_time_recovery { enabled = true } to the table.",
        NULL, pg_det__lock_pitr_change, NULL, NULL, pg_det__lock_pitr_wants,
    },
    {
        "lock-table-backend-mismatch",
        "The backend's lock table is destroyed or misconfigured by the plan",
        PG_SEV_HIGH,
        "With --backend: the dynamodb_table that the backend locks with is deleted or replaced by the plan, "
        "or appears in the plan with a key schema other than hash_key LockID of type S with no range_key.",
        "The backend configuration and the infrastructure disagree: after this apply, terraform runs "
        "against this backend cannot take the state lock.",
        "Keep the table named by the backend's dynamodb_table in place with hash_key LockID (type S) and "
        "no range_key, or point the backend at a correct table and run terraform init -reconfigure first.",
        NULL, pg_det__lock_backend_change, NULL, NULL, pg_det__lock_wants,
    },
    {
        "dynamodb-key-type-change",
        "In-place update changes the type of a DynamoDB key attribute",
        PG_SEV_HIGH,
        "An in-place update of an aws_dynamodb_table that changes the `type` of the attribute used as its "
        "hash_key or range_key (before and after attribute lists matched by name).",
        "DynamoDB cannot change the type of a key attribute, and the provider does not replace the table "
        "for it: the apply fails, or the configuration silently stops matching the table.",
        "Revert the attribute's type. To really change it, create a new table with the new schema, copy "
        "the items, and switch over.",
        NULL, pg_det__key_type_change, NULL, NULL, pg_det__key_type_wants,
    },
    {
        "dynamodb-provisioned-without-autoscaling",
        "PROVISIONED DynamoDB table without autoscaling",
        PG_SEV_MEDIUM,
        "An aws_dynamodb_table created, updated or replaced with billing_mode = \"PROVISIONED\" while the "
        "plan holds no aws_appautoscaling_target with resource_id \"table/NAME\" for both "
        "dynamodb:table:ReadCapacityUnits and dynamodb:table:WriteCapacityUnits.",
        "A fixed provisioned capacity throttles requests as soon as traffic exceeds it, and is paid for "
        "when idle. The house practice is PAY_PER_REQUEST unless autoscaling is in place.",
        "Use billing_mode = \"PAY_PER_REQUEST\", or add aws_appautoscaling_target (and policies) for the "
        "table's read and write capacity with resource_id = \"table/NAME\".",
        pg_det__provisioned_begin, pg_det__provisioned_change, pg_det__provisioned_end,
        pg_det__provisioned_free, pg_det__provisioned_wants,
    },
    {
        "lock-table-deprecated",
        "S3 backend still locks with a DynamoDB table",
        PG_SEV_LOW,
        "With --backend: an S3 backend configured with dynamodb_table. A plan-level finding (address \"\").",
        "Terraform 1.11 deprecates DynamoDB-based locking for the S3 backend in favour of use_lockfile = "
        "true (a lock file next to the state); a future release removes it.",
        "Set use_lockfile = true in the backend block, run terraform init -reconfigure, and once every user "
        "runs Terraform 1.11+ remove dynamodb_table.",
        NULL, NULL, pg_det__lock_deprecated_end, NULL, pg_det__wants_nothing,
    },
    {
        "plan-incomplete",
        "The plan is incomplete",
        PG_SEV_MEDIUM,
        "A plan that says complete: false, or that lists deferred_changes. A plan-level finding "
        "(address \"\").",
        "Terraform left part of the configuration for a later round (unknown count or for_each, providers "
        "configured from unknown values, deferred actions): what this gate checked is not the whole change.",
        "Apply it knowingly, then plan again and gate the next plan too; or resolve what was deferred "
        "(for example apply the dependency with -target first) so that one plan covers everything.",
        NULL, NULL, pg_det__incomplete_end, NULL, pg_det__wants_nothing,
    },
};

#define N_DETECTORS (sizeof detectors / sizeof detectors[0])

size_t pg_detector_count(void)
{
    return N_DETECTORS;
}

const pg_detector *pg_detector_at(size_t i)
{
    return i < N_DETECTORS ? &detectors[i] : NULL;
}

const pg_detector *pg_detector_find(const char *id)
{
    size_t i;

    if (!id)
        return NULL;
    for (i = 0; i < N_DETECTORS; i++)
        if (strcmp(detectors[i].id, id) == 0)
            return &detectors[i];
    return NULL;
}

/* MARK: engine */

typedef struct slot {
    const pg_detector *d;
    void *state;
    pg_severity severity; /* the policy's override, or the default */
} slot;

struct pg_detect_run {
    pg_detect_env env; /* pointers borrowed from the caller */
    slot slots[N_DETECTORS];
    size_t n;          /* enabled detectors, in catalogue order */
};

int pg_detect_run_new(pg_detect_run **out, const pg_detect_env *env, pg_error *err)
{
    pg_detect_run *run;
    size_t i;
    int rc;

    *out = NULL;
    run = pg_calloc(1, sizeof *run);
    if (!run)
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    run->env = *env;
    for (i = 0; i < N_DETECTORS; i++) {
        const pg_detector *d = &detectors[i];
        slot *s;

        if (!pg_policy_detector_enabled(env->policy, d->id))
            continue;
        s = &run->slots[run->n++];
        s->d = d;
        s->severity = pg_policy_detector_severity(env->policy, d->id, d->default_severity);
        if (d->begin && (rc = d->begin(&s->state, &run->env, err)) != 0) {
            pg_detect_run_free(run);
            return rc;
        }
    }
    *out = run;
    return PG_OK;
}

/* Findings a detector just added carry its configured severity (SPEC §4
 * `detectors: { id: { severity } }`): detectors report at their default. */
static void apply_severity(const slot *s, pg_findings *out, size_t from)
{
    size_t i;

    for (i = from; i < out->count; i++)
        out->items[i]->severity = s->severity;
}

static int slot_wants(const slot *s, const char *type, pg_action action)
{
    if (!s->d->on_change)
        return 0;
    return !s->d->wants || s->d->wants(type ? type : "", action);
}

int pg_detect_run_change(pg_detect_run *run, const pg_change *c, pg_findings *out, pg_error *err)
{
    size_t i, from;
    int rc;

    for (i = 0; i < run->n; i++) {
        slot *s = &run->slots[i];

        if (!slot_wants(s, c->type, c->action))
            continue;
        from = out->count;
        rc = s->d->on_change(s->state, &run->env, c, out, err);
        apply_severity(s, out, from);
        if (rc != 0)
            return rc;
    }
    return PG_OK;
}

int pg_detect_run_end(pg_detect_run *run, const pg_plan_info *info, pg_findings *out, pg_error *err)
{
    size_t i, from;
    int rc;

    for (i = 0; i < run->n; i++) {
        slot *s = &run->slots[i];

        if (!s->d->end)
            continue;
        from = out->count;
        rc = s->d->end(s->state, &run->env, info, out, err);
        apply_severity(s, out, from);
        if (rc != 0)
            return rc;
    }
    return PG_OK;
}

int pg_detect_run_wants(const pg_detect_run *run, const char *type, pg_action action)
{
    size_t i;

    for (i = 0; i < run->n; i++)
        if (slot_wants(&run->slots[i], type, action))
            return 1;
    return 0;
}

void pg_detect_run_free(pg_detect_run *run)
{
    size_t i;

    if (!run)
        return;
    for (i = 0; i < run->n; i++)
        if (run->slots[i].d->free_state && run->slots[i].state)
            run->slots[i].d->free_state(run->slots[i].state);
    pg_free(run);
}

int pg_detect_is_named_lock_table(const pg_detect_env *env, const char *table_name)
{
    size_t i, n;

    if (!env || !table_name)
        return 0;
    if (env->backend && env->backend->dynamodb_table &&
        strcmp(env->backend->dynamodb_table, table_name) == 0)
        return 1;
    n = env->policy ? pg_policy_lock_table_count(env->policy) : 0;
    for (i = 0; i < n; i++) {
        const char *t = pg_policy_lock_table(env->policy, i);
        if (t && strcmp(t, table_name) == 0)
            return 1;
    }
    return 0;
}
