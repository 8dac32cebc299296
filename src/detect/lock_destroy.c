/* lock_destroy.c — lock-table-destroy (SPEC §3): a lock table (as it is
 * now, before) that the plan deletes or replaces. */
#include <string.h>

#include "detect/detect_internal.h"

int pg_det__lock_destroy_change(void *state, const pg_detect_env *env, const pg_change *c, pg_findings *out,
                                pg_error *err)
{
    const pg_detector *d = pg_detector_find("lock-table-destroy");
    char why[256];
    pg_lock_info li;
    pg_finding *f;

    (void)state;
    if (!pg_det__is_planned_table(c) || !c->destructive)
        return PG_OK;
    pg_det__lock_info(env, c, PG_BEFORE, &li);
    if (!li.is_lock)
        return PG_OK;
    if (!(f = pg_det__finding(d, c)))
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    if (pg_finding_set_message(f,
                               "%s is a Terraform state-lock table (%s) and this plan %s, because %s. While it "
                               "is gone no terraform run can take the state lock; an apply that locks through "
                               "this very table loses its own lock half-way and cannot release it, and "
                               "concurrent runs are no longer kept apart.",
                               c->address, pg_det__lock_why(env, &li, why, sizeof why), pg_det__destroy_words(c),
                               pg_det__reason_words(c)) != 0 ||
        pg_finding_set_remediation(f,
                                   "Do not destroy the lock table from a configuration whose state it locks: keep "
                                   "%s (add a `moved` block if it only changed address, revert what forces the "
                                   "replacement). To move to another table, create it first, point the backend "
                                   "at it and run `terraform init -reconfigure`, then remove the old one; or "
                                   "switch the S3 backend to use_lockfile = true (Terraform 1.11+).",
                                   c->address) != 0 ||
        pg_det__name_evidence(f, c) != 0) {
        pg_finding_free(f);
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    }
    return pg_findings_add(out, f, err);
}
