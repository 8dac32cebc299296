/* lock_key_schema.c — lock-table-key-schema (SPEC §3).
 *
 * A lock table whose hash_key is not exactly LockID, whose key attribute is
 * not of type S, or which has a range_key. The table as it will be (after)
 * is checked for create, update, replace and no-op — an existing broken lock
 * table is reported on every plan — and as it is (before) for a delete. */
#include <string.h>

#include "detect/detect_internal.h"

#define MSG_MAX 1024

int pg_det__lock_schema_change(void *state, const pg_detect_env *env, const pg_change *c, pg_findings *out,
                               pg_error *err)
{
    const pg_detector *d = pg_detector_find("lock-table-key-schema");
    pg_side side = c->destructive && c->action != PG_ACTION_REPLACE ? PG_BEFORE : PG_AFTER;
    char summary[MSG_MAX], why[256];
    pg_lock_info li;
    pg_finding *f;
    int n;

    (void)state;
    if (!pg_det__is_planned_table(c) || c->action == PG_ACTION_FORGET || c->action == PG_ACTION_READ)
        return PG_OK;
    pg_det__lock_info(env, c, side, &li);
    if (!li.is_lock)
        return PG_OK;
    if (!(f = pg_det__finding(d, c)))
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    if ((n = pg_det__lock_schema_problems(c, side, f, summary, sizeof summary)) <= 0) {
        pg_finding_free(f);
        return n < 0 ? pg_error_set(err, PG_ENOMEM, "out of memory") : PG_OK;
    }
    if (pg_finding_set_message(f,
                               "%s is a Terraform state-lock table (%s) but %s. The S3 backend writes lock "
                               "items keyed by the string attribute LockID and nothing else, so every attempt "
                               "to take the state lock fails: terraform plan and apply against this backend "
                               "fail.",
                               c->address, pg_det__lock_why(env, &li, why, sizeof why), summary) != 0 ||
        pg_finding_set_remediation(f,
                                   "Define the table with hash_key = \"LockID\", one attribute { name = \"LockID\" "
                                   "type = \"S\" } and no range_key. A key schema cannot change in place: create "
                                   "a correct table under a new name, point the backend's dynamodb_table at it, "
                                   "run `terraform init -reconfigure`, then remove %s.",
                                   c->address) != 0) {
        pg_finding_free(f);
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    }
    return pg_findings_add(out, f, err);
}
