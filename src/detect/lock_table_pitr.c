/* lock_table_pitr.c — lock-table-pitr (SPEC §3): a lock table created,
 * updated, replaced, kept (no-op) or created by a create-and-forget without
 * point-in-time recovery enabled (the table reader's path for its type).
 *
 * A PITR block that is not configured shows as known-after-apply in a plan
 * (the provider computes it) and comes out disabled: unknown counts as
 * "not enabled", and the message says so. */
#include <string.h>

#include "detect/detect_internal.h"

static pg_detect_change_fn on_change;
static pg_detect_wants_fn wants;

const pg_detector pg_detector_lock_table_pitr = {
    "lock-table-pitr",
    "Terraform state-lock table without point-in-time recovery",
    PG_SEV_MEDIUM,
    "A state-lock table that is created, updated, kept (no-op) or created by a create-and-forget "
    "without point-in-time recovery enabled (point_in_time_recovery { enabled = true }, or "
    "point_in_time_recovery_specification for awscc_dynamodb_table); known only after apply: it may "
    "stay off.",
    "The lock table also holds the S3 backend's state digests; without point-in-time recovery an "
    "accidental delete or overwrite of its items cannot be undone.",
    "Add point_in_time_recovery { enabled = true } to the table.",
    NULL, on_change, NULL, NULL, wants,
};

/* What the plan says about PITR, in words that do not show a sensitive value. */
static const char *pitr_words(const pg_change *c, const pg_path_step *p, size_t n)
{
    if (pg_change_is_unknown(c, p, n))
        return "known only after apply: it may stay off, DynamoDB's default";
    if (pg_det__sensitive(c, p, n))
        return "enabled is not true";
    if (!pg_change_get(c, PG_AFTER, p, n) || json_is_null(pg_change_get(c, PG_AFTER, p, n)))
        return "not configured";
    return "enabled is false";
}

static int on_change(void *state, const pg_detect_env *env, const pg_change *c, const pg_detect_protection *prot,
                     pg_findings *out, pg_error *err)
{
    pg_path_step p[3];
    const char *path;
    size_t np = pg_det__pitr_steps(c, p, &path);
    char why[PG_DET_TEXT + 64];
    pg_finding *f = NULL;
    pg_lock_info li;
    int rc;

    (void)state;
    (void)prot;
    if (!pg_det__is_planned_table(c) || !wants(c->type, c->action) || !pg_det__leaves_object(c))
        return PG_OK;
    pg_det__lock_info(env, c, PG_AFTER, &li);
    if (!li.is_lock || json_is_true(pg_change_get(c, PG_AFTER, p, np)))
        return PG_OK;
    if ((rc = pg_det__finding_new(&f, &pg_detector_lock_table_pitr, c, err)) == PG_OK &&
        (rc = pg_det__evidence(f, c, path, p, np, err)) == PG_OK &&
        (rc = pg_det__lock_why(env, c, PG_AFTER, &li, why, sizeof why, err)) == PG_OK &&
        (rc = pg_det__text(f, PG_DET_MESSAGE, err,
                           "%s is a Terraform state-lock table (%s) %s point-in-time recovery (%s). The "
                           "table also holds the S3 backend's state digests: without PITR an accidental "
                           "delete or overwrite of its items cannot be undone.",
                           c->address, why, pg_change_is_unknown(c, p, np) ? "that may be left without" : "without",
                           pitr_words(c, p, np))) == PG_OK)
        rc = pg_det__text(f, PG_DET_REMEDIATION, err, "%s %s.",
                          pg_det__is_awscc_table(c)
                              ? "Set point_in_time_recovery_specification = { point_in_time_recovery_enabled = true } on"
                              : "Add point_in_time_recovery { enabled = true } to",
                          c->address);
    return pg_det__finish(out, f, rc, 1, err);
}

static int wants(const char *type, pg_action a)
{
    return (a == PG_ACTION_NOOP || a == PG_ACTION_CREATE || a == PG_ACTION_UPDATE || a == PG_ACTION_REPLACE ||
            a == PG_ACTION_FORGET) &&
           pg_det__is_table_type(type);
}
