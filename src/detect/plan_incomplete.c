/* plan_incomplete.c — plan-incomplete (SPEC §3): a plan-level finding
 * (address "") when the plan says complete: false or defers changes. */
#include "detect/detect_internal.h"

static pg_detect_end_fn end;

const pg_detector pg_detector_plan_incomplete = {
    "plan-incomplete",
    "The plan is incomplete",
    PG_SEV_MEDIUM,
    "A plan that says complete: false, or that lists deferred_changes. A plan-level finding "
    "(address \"\").",
    "Terraform left part of the configuration for a later round (unknown count or for_each, providers "
    "configured from unknown values, deferred actions): what this gate checked is not the whole change.",
    "Apply it knowingly, then plan again and gate the next plan too; or resolve what was deferred "
    "(for example apply the dependency with -target first) so that one plan covers everything.",
    NULL, NULL, end, NULL, NULL, /* plan-level: no change needs decoding for it */
};

static int end(void *state, const pg_detect_env *env, const pg_plan_info *info, pg_findings *out, pg_error *err)
{
    pg_finding *f = NULL;
    int rc;

    (void)state;
    (void)env;
    if (!info || (info->complete != 0 && info->deferred_changes <= 0))
        return PG_OK;
    if ((rc = pg_det__finding_new(&f, &pg_detector_plan_incomplete, NULL, err)) != PG_OK)
        return rc;
    if (info->deferred_changes > 0)
        rc = pg_det__text(f, PG_DET_MESSAGE, err,
                          "The plan is incomplete: Terraform deferred %ld change%s to a later plan%s. What this "
                          "gate checked is not the whole change.",
                          info->deferred_changes, info->deferred_changes == 1 ? "" : "s",
                          info->complete == 0 ? " and says complete: false" : "");
    else
        rc = pg_det__text(f, PG_DET_MESSAGE, err, "%s",
                          "The plan is incomplete (complete: false): Terraform will need another plan and apply "
                          "round after this one. What this gate checked is not the whole change.");
    if (rc == PG_OK)
        rc = pg_det__text(
            f, PG_DET_REMEDIATION, err, "%s",
            "Apply it knowingly, then plan again and gate the next plan too; or resolve what was deferred "
            "(unknown count/for_each, providers configured from values known only after apply: apply those "
            "dependencies first with -target) so that one plan covers everything.");
    return pg_det__finish(out, f, rc, 1, err);
}
