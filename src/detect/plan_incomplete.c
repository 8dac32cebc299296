/* plan_incomplete.c — plan-incomplete (SPEC §3): a plan-level finding
 * (address "") when the plan says complete: false or defers changes. */
#include "detect/detect_internal.h"

int pg_det__incomplete_end(void *state, const pg_detect_env *env, const pg_plan_info *info, pg_findings *out,
                           pg_error *err)
{
    const pg_detector *d = pg_detector_find("plan-incomplete");
    pg_finding *f;
    int rc;

    (void)state;
    (void)env;
    if (!info || (info->complete != 0 && info->deferred_changes <= 0))
        return PG_OK;
    if (!(f = pg_det__finding(d, NULL)))
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    if (info->deferred_changes > 0)
        rc = pg_finding_set_message(f,
                                    "The plan is incomplete: Terraform deferred %ld change%s to a later plan%s. "
                                    "What this gate checked is not the whole change.",
                                    info->deferred_changes, info->deferred_changes == 1 ? "" : "s",
                                    info->complete == 0 ? " and says complete: false" : "");
    else
        rc = pg_finding_set_message(f, "The plan is incomplete (complete: false): Terraform will need another "
                                       "plan and apply round after this one. What this gate checked is not the "
                                       "whole change.");
    if (rc == 0)
        rc = pg_finding_set_remediation(
            f, "Apply it knowingly, then plan again and gate the next plan too; or resolve what was deferred "
               "(unknown count/for_each, providers configured from values known only after apply: apply those "
               "dependencies first with -target) so that one plan covers everything.");
    if (rc != 0) {
        pg_finding_free(f);
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    }
    return pg_findings_add(out, f, err);
}

int pg_det__wants_nothing(const char *type, pg_action a)
{
    (void)type;
    (void)a;
    return 0;
}
