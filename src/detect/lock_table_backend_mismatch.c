/* lock_table_backend_mismatch.c — lock-table-backend-mismatch (SPEC §3),
 * with --backend: the table named by the backend's dynamodb_table is
 * deleted or replaced by the plan, or appears in it (create, update,
 * no-op) with a key schema the backend cannot use.
 *
 * The backend file names the table; when the plan marks that table's name
 * sensitive, the message says "(sensitive)" instead of the name: it is the
 * same secret (issue 11). */
#include <string.h>

#include "detect/detect_internal.h"

static pg_detect_change_fn on_change;

const pg_detector pg_detector_lock_table_backend_mismatch = {
    "lock-table-backend-mismatch",
    "The backend's lock table is destroyed or misconfigured by the plan",
    PG_SEV_HIGH,
    "With --backend: the dynamodb_table that the backend locks with is deleted or replaced by the plan, "
    "or appears in the plan with a key schema other than hash_key LockID of type S with no range_key.",
    "The backend configuration and the infrastructure disagree: after this apply, terraform runs "
    "against this backend cannot take the state lock.",
    "Keep the table named by the backend's dynamodb_table in place with hash_key LockID (type S) and "
    "no range_key, or point the backend at a correct table and run terraform init -reconfigure first.",
    NULL, on_change, NULL, NULL, pg_det__lock_wants,
};

/* The message for a destroy of the backend's table. */
static int say_destroyed(const pg_change *c, const char *src, const char *table, pg_finding *f, pg_error *err)
{
    pg_path_step name = {pg_det__table_name_attr(c), 0};
    char reason[PG_DET_TEXT + 32];
    int rc;

    if ((rc = pg_det__text(f, PG_DET_MESSAGE, err,
                           "The backend in %s locks state with the DynamoDB table %s, and this plan %s (%s), "
                           "because %s: after this apply, terraform runs against this backend cannot take the "
                           "state lock.",
                           src, table, pg_det__destroy_words(c), c->address,
                           pg_det__reason_words(c, reason, sizeof reason))) != PG_OK)
        return rc;
    return pg_det__evidence(f, c, name.key, &name, 1, err);
}

/* The message for the backend's table defined with a schema it cannot use; 0 problems: no finding. */
static int say_misconfigured(const pg_change *c, const char *src, const char *table, pg_finding *f, int *n,
                             pg_error *err)
{
    pg_buf summary;
    int rc;

    pg_buf_init(&summary, 0);
    if ((rc = *n = pg_det__lock_schema_problems(c, PG_AFTER, f, &summary, err)) > 0)
        rc = pg_det__text(f, PG_DET_MESSAGE, err,
                          "The backend in %s locks state with the DynamoDB table %s, which this plan defines at "
                          "%s, but %s: terraform runs against this backend cannot take the state lock.",
                          src, table, c->address, pg_buf_cstr(&summary));
    pg_buf_dispose(&summary);
    return rc < 0 ? rc : PG_OK;
}

static int on_change(void *state, const pg_detect_env *env, const pg_change *c, const pg_detect_protection *prot,
                     pg_findings *out, pg_error *err)
{
    const char *table = env->backend ? env->backend->dynamodb_table : NULL;
    const char *src = pg_det__backend_name(env->backend);
    const char *name;
    int sensitive;
    char quoted[PG_DET_TEXT];
    pg_finding *f = NULL;
    int n = 1, rc;

    (void)state;
    (void)prot;
    if (!table || !pg_det__is_planned_table(c) || c->action == PG_ACTION_READ ||
        (c->action == PG_ACTION_FORGET && !pg_det__leaves_object(c)))
        return PG_OK;
    name = pg_det__table_name(c, c->destructive ? PG_BEFORE : PG_AFTER, &sensitive);
    if (!name || strcmp(name, table) != 0)
        return PG_OK;
    pg_det__name_text(table, sensitive, quoted, sizeof quoted);
    if ((rc = pg_det__finding_new(&f, &pg_detector_lock_table_backend_mismatch, c, err)) == PG_OK &&
        (rc = c->destructive ? say_destroyed(c, src, quoted, f, err) : say_misconfigured(c, src, quoted, f, &n, err)) ==
            PG_OK &&
        n > 0)
        rc = pg_det__text(f, PG_DET_REMEDIATION, err,
                          "Keep %s in place with hash_key = \"LockID\", attribute { name = \"LockID\" type = "
                          "\"S\" } and no range_key; or create a correct table, point the backend's "
                          "dynamodb_table at it and run `terraform init -reconfigure` before applying this "
                          "plan.",
                          quoted);
    return pg_det__finish(out, f, rc, n > 0, err);
}
