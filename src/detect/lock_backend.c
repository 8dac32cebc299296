/* lock_backend.c — the two detectors that need --backend (SPEC §3):
 *
 * lock-table-backend-mismatch: the table named by the backend's
 *   dynamodb_table is deleted or replaced by the plan, or appears in it
 *   (create, update, no-op) with a key schema the backend cannot use.
 * lock-table-deprecated: the S3 backend still locks with dynamodb_table,
 *   which Terraform 1.11 deprecates for use_lockfile. A plan-level finding:
 *   its address is "" like every plan-level finding (the backend file is
 *   named in the message), so a waiver covers it with address "" or "*". */
#include <string.h>

#include "detect/detect_internal.h"

#define MSG_MAX 1024

int pg_det__lock_backend_change(void *state, const pg_detect_env *env, const pg_change *c, pg_findings *out,
                                pg_error *err)
{
    const pg_detector *d = pg_detector_find("lock-table-backend-mismatch");
    const char *table = env->backend ? env->backend->dynamodb_table : NULL;
    const char *src = pg_det__backend_name(env->backend);
    char summary[MSG_MAX];
    pg_finding *f;
    const char *name;
    int n, rc;

    (void)state;
    if (!table || !pg_det__is_planned_table(c) || c->action == PG_ACTION_FORGET || c->action == PG_ACTION_READ)
        return PG_OK;
    if (c->destructive) {
        name = pg_det__str(c, PG_BEFORE, "name");
        if (!name || strcmp(name, table) != 0)
            return PG_OK;
        if (!(f = pg_det__finding(d, c)))
            return pg_error_set(err, PG_ENOMEM, "out of memory");
        rc = pg_finding_set_message(f,
                                    "The backend in %s locks state with the DynamoDB table \"%s\", and this plan "
                                    "%s (%s), because %s: after this apply, terraform runs against this backend "
                                    "cannot take the state lock.",
                                    src, table, pg_det__destroy_words(c), c->address, pg_det__reason_words(c));
        if (rc == 0)
            rc = pg_det__name_evidence(f, c);
    } else {
        name = pg_det__str(c, PG_AFTER, "name");
        if (!name || strcmp(name, table) != 0)
            return PG_OK;
        if (!(f = pg_det__finding(d, c)))
            return pg_error_set(err, PG_ENOMEM, "out of memory");
        if ((n = pg_det__lock_schema_problems(c, PG_AFTER, f, summary, sizeof summary)) <= 0) {
            pg_finding_free(f);
            return n < 0 ? pg_error_set(err, PG_ENOMEM, "out of memory") : PG_OK;
        }
        rc = pg_finding_set_message(f,
                                    "The backend in %s locks state with the DynamoDB table \"%s\", which this plan "
                                    "defines at %s, but %s: terraform runs against this backend cannot take the "
                                    "state lock.",
                                    src, table, c->address, summary);
    }
    if (rc == 0)
        rc = pg_finding_set_remediation(f,
                                        "Keep \"%s\" in place with hash_key = \"LockID\", attribute { name = "
                                        "\"LockID\" type = \"S\" } and no range_key; or create a correct table, "
                                        "point the backend's dynamodb_table at it and run `terraform init "
                                        "-reconfigure` before applying this plan.",
                                        table);
    if (rc != 0) {
        pg_finding_free(f);
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    }
    return pg_findings_add(out, f, err);
}

int pg_det__lock_deprecated_end(void *state, const pg_detect_env *env, const pg_plan_info *info, pg_findings *out,
                                pg_error *err)
{
    const pg_detector *d = pg_detector_find("lock-table-deprecated");
    const pg_backend *b = env->backend;
    pg_finding *f;
    int rc;

    (void)state;
    (void)info;
    if (!b || !b->dynamodb_table || (b->type && strcmp(b->type, "s3") != 0))
        return PG_OK;
    if (!(f = pg_det__finding(d, NULL)))
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    if (b->use_lockfile)
        rc = pg_finding_set_message(f,
                                    "The S3 backend in %s locks with both use_lockfile and the DynamoDB table "
                                    "\"%s\". Terraform 1.11 deprecates dynamodb_table; keep both only while some "
                                    "users still run an older Terraform.",
                                    pg_det__backend_name(b), b->dynamodb_table);
    else
        rc = pg_finding_set_message(f,
                                    "The S3 backend in %s still locks state with the DynamoDB table \"%s\". "
                                    "Terraform 1.11 deprecates dynamodb_table in favour of use_lockfile = true "
                                    "(a lock file next to the state), and a future release removes it.",
                                    pg_det__backend_name(b), b->dynamodb_table);
    if (rc == 0)
        rc = pg_finding_set_remediation(
            f, b->use_lockfile
                   ? "Once every user and pipeline runs Terraform 1.11+, remove dynamodb_table from the backend "
                     "block and run `terraform init -reconfigure`."
                   : "Add use_lockfile = true to the backend block and run `terraform init -reconfigure`; once "
                     "every user and pipeline runs Terraform 1.11+, remove dynamodb_table.");
    if (rc != 0) {
        pg_finding_free(f);
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    }
    return pg_findings_add(out, f, err);
}
