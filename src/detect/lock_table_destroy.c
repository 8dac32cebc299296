/* lock_table_destroy.c — lock-table-destroy (SPEC §3): a lock table (as it
 * is now, before) that the plan deletes or replaces. */
#include "detect/detect_internal.h"

static pg_detect_change_fn on_change;

const pg_detector pg_detector_lock_table_destroy = {
    "lock-table-destroy",
    "Terraform state-lock table is destroyed",
    PG_SEV_CRITICAL,
    "A delete or replace of a state-lock table (named by --backend, by the policy's lock_tables, "
    "keyed by LockID, or keyed by a case-variant of LockID with a name or tag that says Terraform state "
    "locking).",
    "While the table is gone, no terraform run can take the state lock; an apply that locks through "
    "this very table loses its own lock half-way and fails to release it, and concurrent runs can "
    "corrupt state.",
    "Do not destroy the lock table from a configuration whose state it locks. If it must change, create "
    "the new table first, move the backend to it (terraform init -reconfigure), then remove the old "
    "one; or move to the S3 backend's use_lockfile = true (Terraform 1.11+).",
    NULL, on_change, NULL, NULL, pg_det__lock_wants,
};

static int on_change(void *state, const pg_detect_env *env, const pg_change *c, const pg_detect_protection *prot,
                     pg_findings *out, pg_error *err)
{
    pg_path_step name = {pg_det__table_name_attr(c), 0};
    char why[PG_DET_TEXT + 64], reason[PG_DET_TEXT + 32];
    pg_finding *f = NULL;
    pg_lock_info li;
    int rc;

    (void)state;
    (void)prot;
    if (!pg_det__is_planned_table(c) || !c->destructive)
        return PG_OK;
    pg_det__lock_info(env, c, PG_BEFORE, &li);
    if (!li.is_lock)
        return PG_OK;
    if ((rc = pg_det__finding_new(&f, &pg_detector_lock_table_destroy, c, err)) == PG_OK &&
        (rc = pg_det__lock_why(env, c, PG_BEFORE, &li, why, sizeof why, err)) == PG_OK &&
        (rc = pg_det__text(f, PG_DET_MESSAGE, err,
                           "%s is a Terraform state-lock table (%s) and this plan %s, because %s. While it is "
                           "gone no terraform run can take the state lock; an apply that locks through this "
                           "very table loses its own lock half-way and cannot release it, and concurrent runs "
                           "are no longer kept apart.",
                           c->address, why, pg_det__destroy_words(c),
                           pg_det__reason_words(c, reason, sizeof reason))) == PG_OK &&
        (rc = pg_det__text(f, PG_DET_REMEDIATION, err,
                           "Do not destroy the lock table from a configuration whose state it locks: keep "
                           "%s (add a `moved` block if it only changed address, revert what forces the "
                           "replacement). To move to another table, create it first, point the backend at "
                           "it and run `terraform init -reconfigure`, then remove the old one; or switch "
                           "the S3 backend to use_lockfile = true (Terraform 1.11+).",
                           c->address)) == PG_OK)
        rc = pg_det__evidence(f, c, name.key, &name, 1, err);
    return pg_det__finish(out, f, rc, 1, err);
}
