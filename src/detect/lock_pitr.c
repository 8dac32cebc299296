/* lock_pitr.c — lock-table-pitr (SPEC §3): a lock table created, updated,
 * replaced or kept (no-op) without point_in_time_recovery { enabled = true }.
 *
 * A PITR block that is not configured shows as known-after-apply in a plan
 * (the provider computes it) and comes out disabled: unknown counts as
 * "not enabled", and the message says so. */
#include <string.h>

#include "detect/detect_internal.h"

int pg_det__lock_pitr_change(void *state, const pg_detect_env *env, const pg_change *c, pg_findings *out,
                             pg_error *err)
{
    const pg_detector *d = pg_detector_find("lock-table-pitr");
    pg_path_step p[3] = {{"point_in_time_recovery", 0}, {NULL, 0}, {"enabled", 0}};
    char why[256], now[PG_DET_TEXT] = "";
    pg_lock_info li;
    pg_finding *f;
    json_t *bv, *av;
    int unknown;

    (void)state;
    if (!pg_det__is_planned_table(c) || !pg_det__lock_pitr_wants(c->type, c->action))
        return PG_OK;
    pg_det__lock_info(env, c, PG_AFTER, &li);
    if (!li.is_lock || json_is_true(pg_change_get(c, PG_AFTER, p, 3)))
        return PG_OK;
    unknown = pg_change_is_unknown(c, p, 3);
    if (!(f = pg_det__finding(d, c)))
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    bv = c->before && !json_is_null(c->before) ? pg_change_redacted(c, PG_BEFORE, p, 3) : json_null();
    av = pg_change_redacted(c, PG_AFTER, p, 3);
    if (av)
        pg_det__json_text(av, now, sizeof now);
    if (!av || !bv || pg_finding_add_evidence(f, "point_in_time_recovery[0].enabled", bv, av) != 0 ||
        pg_finding_set_message(
            f,
            "%s is a Terraform state-lock table (%s) without point-in-time recovery (%s). The table also "
            "holds the S3 backend's state digests: without PITR an accidental delete or overwrite of its "
            "items cannot be undone.",
            c->address, pg_det__lock_why(env, &li, why, sizeof why),
            unknown ? "not configured: known only after apply, and DynamoDB's default is off"
                    : strcmp(now, "(none)") == 0 ? "not configured" : "enabled is false") != 0 ||
        pg_finding_set_remediation(f, "Add point_in_time_recovery { enabled = true } to %s.", c->address) != 0) {
        if (!av || !bv) {
            json_decref(av);
            json_decref(bv);
        }
        pg_finding_free(f);
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    }
    return pg_findings_add(out, f, err);
}

int pg_det__lock_pitr_wants(const char *type, pg_action a)
{
    return (a == PG_ACTION_NOOP || a == PG_ACTION_CREATE || a == PG_ACTION_UPDATE || a == PG_ACTION_REPLACE) &&
           strcmp(type, PG_TYPE_DYNAMODB_TABLE) == 0;
}
