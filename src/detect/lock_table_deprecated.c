/* lock_table_deprecated.c — lock-table-deprecated (SPEC §3), with
 * --backend: the S3 backend still locks with dynamodb_table, which
 * Terraform 1.11 deprecates for use_lockfile.
 *
 * Decision: a plan-level finding (address "", like every plan-level
 * finding; the backend file is named in the message), so a waiver covers it
 * with address "" or "*". The table's name comes from the backend file; when
 * the plan shows that table with its name marked sensitive, the message
 * says "(sensitive)" instead (issue 11): the changes are watched for that. */
#include <string.h>

#include "detect/detect_internal.h"
#include "plangate/alloc.h"

static pg_detect_begin_fn begin;
static pg_detect_change_fn on_change;
static pg_detect_end_fn end;

const pg_detector pg_detector_lock_table_deprecated = {
    "lock-table-deprecated",
    "S3 backend still locks with a DynamoDB table",
    PG_SEV_LOW,
    "With --backend: an S3 backend configured with dynamodb_table. A plan-level finding (address \"\").",
    "Terraform 1.11 deprecates DynamoDB-based locking for the S3 backend in favour of use_lockfile = "
    "true (a lock file next to the state); a future release removes it.",
    "Set use_lockfile = true in the backend block, run terraform init -reconfigure, and once every user "
    "runs Terraform 1.11+ remove dynamodb_table.",
    begin, on_change, end, pg_free, pg_det__lock_wants,
};

typedef struct deprecated_state {
    int name_sensitive; /* a change marks the backend table's name sensitive */
} deprecated_state;

static int begin(void **state_out, const pg_detect_env *env, pg_error *err)
{
    (void)env;
    return pg_det__state_new(state_out, sizeof(deprecated_state), err);
}

static int on_change(void *state, const pg_detect_env *env, const pg_change *c, const pg_detect_protection *prot,
                     pg_findings *out, pg_error *err)
{
    deprecated_state *st = state;
    const char *table = env->backend ? env->backend->dynamodb_table : NULL;
    int sensitive;
    const char *b = pg_det__table_name(c, PG_BEFORE, &sensitive), *a = pg_det__table_name(c, PG_AFTER, NULL);

    (void)prot;
    (void)out;
    (void)err;
    if (table && pg_det__is_planned_table(c) && ((b && strcmp(b, table) == 0) || (a && strcmp(a, table) == 0)) &&
        sensitive)
        st->name_sensitive = 1;
    return PG_OK;
}

static int end(void *state, const pg_detect_env *env, const pg_plan_info *info, pg_findings *out, pg_error *err)
{
    const deprecated_state *st = state;
    const pg_backend *b = env->backend;
    char table[PG_DET_TEXT];
    pg_finding *f = NULL;
    int rc;

    (void)info;
    if (!b || !b->dynamodb_table || (b->type && strcmp(b->type, "s3") != 0))
        return PG_OK;
    pg_det__name_text(b->dynamodb_table, st->name_sensitive, table, sizeof table);
    if ((rc = pg_det__finding_new(&f, &pg_detector_lock_table_deprecated, NULL, err)) != PG_OK)
        return rc;
    if (b->use_lockfile)
        rc = pg_det__text(f, PG_DET_MESSAGE, err,
                          "The S3 backend in %s locks with both use_lockfile and the DynamoDB table %s. "
                          "Terraform 1.11 deprecates dynamodb_table; keep both only while some users still "
                          "run an older Terraform.",
                          pg_det__backend_name(b), table);
    else
        rc = pg_det__text(f, PG_DET_MESSAGE, err,
                          "The S3 backend in %s still locks state with the DynamoDB table %s. Terraform 1.11 "
                          "deprecates dynamodb_table in favour of use_lockfile = true (a lock file next to the "
                          "state), and a future release removes it.",
                          pg_det__backend_name(b), table);
    if (rc == PG_OK)
        rc = pg_det__text(f, PG_DET_REMEDIATION, err, "%s",
                          b->use_lockfile
                              ? "Once every user and pipeline runs Terraform 1.11+, remove dynamodb_table from the "
                                "backend block and run `terraform init -reconfigure`."
                              : "Add use_lockfile = true to the backend block and run `terraform init -reconfigure`; "
                                "once every user and pipeline runs Terraform 1.11+, remove dynamodb_table.");
    return pg_det__finish(out, f, rc, 1, err);
}
