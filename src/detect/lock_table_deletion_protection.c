/* lock_table_deletion_protection.c — lock-table-deletion-protection (SPEC §3).
 *
 * A state-lock table (lock_table.c's one notion: hash key LockID, the
 * backend's table, a lock_tables: entry, or a case-variant key on a table
 * whose name or tags say Terraform state locking) created, updated or
 * replaced, or kept by a create-and-forget, without
 * deletion_protection_enabled = true.
 *
 * It was a rule of the default pack until issue 13: a rule can only match
 * `hash_key` by value, so any case-variant of LockID (an application table
 * keyed lockId) made a "state-lock table", a key known only after apply
 * did too, and the message then said "the state-lock table (known after
 * apply) has no deletion protection". As a detector it shares the lock-table
 * notion with the other lock-table-* detectors and says "may" where the
 * plan does not know (issue 15). */
#include <string.h>

#include "detect/detect_internal.h"

static pg_detect_change_fn on_change;
static pg_detect_wants_fn wants;

const pg_detector pg_detector_lock_table_deletion_protection = {
    "lock-table-deletion-protection",
    "State-lock tables have deletion protection",
    PG_SEV_MEDIUM,
    "A Terraform state-lock table (hash key LockID, the --backend file's dynamodb_table, a name in "
    "lock_tables:, or a case-variant of LockID on a table whose name or tags say Terraform state "
    "locking) created, updated or replaced, or kept by a create-and-forget, without "
    "deletion_protection_enabled = true. A value known only after apply is reported as one that may "
    "be off.",
    "If the lock table is deleted, no Terraform run can take the state lock, and every pipeline that "
    "uses the backend stops. Deletion protection makes AWS refuse the delete, whoever asks for it.",
    "Set deletion_protection_enabled = true on the lock table.",
    NULL, on_change, NULL, NULL, wants,
};

static int on_change(void *state, const pg_detect_env *env, const pg_change *c, const pg_detect_protection *prot,
                     pg_findings *out, pg_error *err)
{
    pg_path_step s = {"deletion_protection_enabled", 0};
    char why[PG_DET_TEXT + 64], name[PG_DET_TEXT];
    pg_finding *f = NULL;
    pg_lock_info li;
    int unknown, rc;

    (void)state;
    (void)prot;
    if (!pg_det__is_planned_table(c) || !pg_det__leaves_object(c))
        return PG_OK;
    pg_det__lock_info(env, c, PG_AFTER, &li);
    if (!li.is_lock || json_is_true(pg_change_get(c, PG_AFTER, &s, 1)))
        return PG_OK;
    unknown = pg_change_is_unknown(c, &s, 1);
    pg_det__name_text(li.name, li.name_sensitive, name, sizeof name);
    if ((rc = pg_det__finding_new(&f, &pg_detector_lock_table_deletion_protection, c, err)) == PG_OK &&
        (rc = pg_det__lock_why(env, c, PG_AFTER, &li, why, sizeof why, err)) == PG_OK &&
        (rc = pg_det__text(f, PG_DET_MESSAGE, err,
                           "%s (table %s) is a Terraform state-lock table (%s) %s: if it is deleted, no "
                           "terraform run can take the state lock and every pipeline that uses the backend "
                           "stops.",
                           c->address, li.name ? name : "whose name is known only after apply", why,
                           unknown ? "whose deletion protection is known only after apply (it may be off)"
                                   : "without deletion protection")) == PG_OK &&
        (rc = pg_det__text(f, PG_DET_REMEDIATION, err, "Set deletion_protection_enabled = true on %s.", c->address)) ==
            PG_OK)
        rc = pg_det__evidence(f, c, "deletion_protection_enabled", &s, 1, err);
    return pg_det__finish(out, f, rc, 1, err);
}

static int wants(const char *type, pg_action a)
{
    return (a == PG_ACTION_CREATE || a == PG_ACTION_UPDATE || a == PG_ACTION_REPLACE || a == PG_ACTION_FORGET) &&
           pg_det__is_table_type(type);
}
