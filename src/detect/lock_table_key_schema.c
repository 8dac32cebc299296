/* lock_table_key_schema.c — lock-table-key-schema (SPEC §3).
 *
 * A lock table whose hash_key is not exactly LockID, whose key attribute is
 * not of type S, or which has a range_key. The table as it will be (after)
 * is checked for create, update, replace and no-op — an existing broken lock
 * table is reported on every plan — and as it is (before) for a delete. */
#include "detect/detect_internal.h"

static pg_detect_change_fn on_change;

const pg_detector pg_detector_lock_table_key_schema = {
    "lock-table-key-schema",
    "Terraform state-lock table has the wrong key schema",
    PG_SEV_CRITICAL,
    "A state-lock table (named by --backend, by the policy's lock_tables, keyed by LockID, or keyed by "
    "a case-variant of LockID with a name or tag that says Terraform state locking; aws_ or "
    "awscc_dynamodb_table) whose partition key is not exactly LockID, whose LockID attribute is not of "
    "type S, or which has a sort key (range_key).",
    "Terraform's S3 backend writes lock items keyed by the string attribute LockID (case-sensitive) "
    "and nothing else: with any other key schema every attempt to take the state lock fails, so every "
    "plan and apply that uses the backend fails, or runs unlocked where locking is turned off.",
    "Give the table hash_key = \"LockID\", one attribute { name = \"LockID\", type = \"S\" } and no "
    "range_key. The key schema cannot change in place: create a correct table (new name), point the "
    "backend's dynamodb_table at it, run terraform init -reconfigure, then remove the old one.",
    NULL, on_change, NULL, NULL, pg_det__lock_wants,
};

static int on_change(void *state, const pg_detect_env *env, const pg_change *c, const pg_detect_protection *prot,
                     pg_findings *out, pg_error *err)
{
    pg_side side = c->destructive && c->action != PG_ACTION_REPLACE ? PG_BEFORE : PG_AFTER;
    char why[PG_DET_TEXT + 64];
    pg_finding *f = NULL;
    pg_lock_info li;
    pg_buf summary;
    int n = 0, rc;

    (void)state;
    (void)prot;
    if (!pg_det__is_planned_table(c) || c->action == PG_ACTION_READ ||
        (c->action == PG_ACTION_FORGET && !pg_det__leaves_object(c)))
        return PG_OK;
    pg_det__lock_info(env, c, side, &li);
    if (!li.is_lock)
        return PG_OK;
    pg_buf_init(&summary, 0);
    if ((rc = pg_det__finding_new(&f, &pg_detector_lock_table_key_schema, c, err)) == PG_OK &&
        (rc = n = pg_det__lock_schema_problems(c, side, f, &summary, err)) > 0 &&
        (rc = pg_det__lock_why(env, c, side, &li, why, sizeof why, err)) == PG_OK &&
        (rc = pg_det__text(f, PG_DET_MESSAGE, err,
                           "%s is a Terraform state-lock table (%s) but %s. The S3 backend writes lock items "
                           "keyed by the string attribute LockID and nothing else, so every attempt to take "
                           "the state lock fails: terraform plan and apply against this backend fail.",
                           c->address, why, pg_buf_cstr(&summary))) == PG_OK)
        rc = pg_det__text(f, PG_DET_REMEDIATION, err,
                          "Define the table with hash_key = \"LockID\", one attribute { name = \"LockID\" "
                          "type = \"S\" } and no range_key. A key schema cannot change in place: create a "
                          "correct table under a new name, point the backend's dynamodb_table at it, run "
                          "`terraform init -reconfigure`, then remove %s.",
                          c->address);
    pg_buf_dispose(&summary);
    return pg_det__finish(out, f, rc, n > 0, err);
}
