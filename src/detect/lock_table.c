/* lock_table.c — what makes a table a Terraform state-lock table (SPEC §3),
 * and the key schema the S3 backend needs; shared by the lock-table-*
 * detectors (one file each).
 *
 * Terraform's S3 backend locks by PutItem of {"LockID": {"S": …}} with a
 * condition, and stores state digests the same way: the table must have the
 * string partition key LockID (case-sensitive) and no sort key. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "detect/detect_internal.h"

/* The one lookup of a lock table by name: the backend's, then the policy's. */
static int named(const pg_detect_env *env, const char *table_name, int *by_backend)
{
    size_t i, n;

    *by_backend = 0;
    if (!env || !table_name)
        return 0;
    if (env->backend && env->backend->dynamodb_table && strcmp(env->backend->dynamodb_table, table_name) == 0)
        return *by_backend = 1;
    n = env->policy ? pg_policy_lock_table_count(env->policy) : 0;
    for (i = 0; i < n; i++) {
        const char *t = pg_policy_lock_table(env->policy, i);
        if (t && strcmp(t, table_name) == 0)
            return 1;
    }
    return 0;
}

int pg_detect_is_named_lock_table(const pg_detect_env *env, const char *table_name)
{
    int by_backend;

    return named(env, table_name, &by_backend);
}

void pg_det__lock_info(const pg_detect_env *env, const pg_change *c, pg_side side, pg_lock_info *out)
{
    pg_path_step name = {"name", 0};
    const char *hash = pg_det__str(c, side, "hash_key");

    memset(out, 0, sizeof *out);
    out->name = pg_det__str(c, side, "name");
    out->name_sensitive = pg_det__sensitive(c, &name, 1);
    if (named(env, out->name, &out->named_backend))
        out->named_policy = !out->named_backend;
    out->lockid_key = hash && strcasecmp(hash, PG_LOCK_KEY) == 0;
    out->is_lock = out->named_backend || out->named_policy || out->lockid_key;
}

int pg_det__lock_why(const pg_detect_env *env, const pg_change *c, pg_side side, const pg_lock_info *li, char *buf,
                     size_t size, pg_error *err)
{
    pg_path_step hk = {"hash_key", 0};
    char key[PG_DET_TEXT];
    int rc;

    if (li->named_backend)
        snprintf(buf, size, "the backend in %s locks with it", pg_det__backend_name(env->backend));
    else if (li->named_policy)
        snprintf(buf, size, "the policy lists it in lock_tables");
    else if ((rc = pg_det__value_text(c, side, &hk, 1, key, sizeof key, err)) != PG_OK)
        return rc;
    else
        snprintf(buf, size, "its partition key is %s", key);
    return PG_OK;
}

/* One problem: its words in the summary, its evidence in the finding. */
static int problem(const pg_change *c, pg_finding *f, pg_buf *summary, int *n, const char *path,
                   const pg_path_step *steps, size_t n_steps, pg_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 9, 10)))
#endif
    ;

static int problem(const pg_change *c, pg_finding *f, pg_buf *summary, int *n, const char *path,
                   const pg_path_step *steps, size_t n_steps, pg_error *err, const char *fmt, ...)
{
    va_list ap;
    int rc = PG_OK;

    if (summary && (rc = pg_buf_adds(summary, *n ? "; " : "", err)) == PG_OK) {
        va_start(ap, fmt);
        rc = pg_buf_vaddf(summary, err, fmt, ap);
        va_end(ap);
    }
    (*n)++;
    if (rc == PG_OK && f)
        rc = pg_det__evidence(f, c, path, steps, n_steps, err);
    return rc;
}

int pg_det__lock_schema_problems(const pg_change *c, pg_side side, pg_finding *f, pg_buf *summary, pg_error *err)
{
    pg_path_step hk = {"hash_key", 0}, rk = {"range_key", 0};
    pg_path_step at[3] = {{"attribute", 0}, {NULL, 0}, {"type", 0}};
    pg_path_step an[3] = {{"attribute", 0}, {NULL, 0}, {"name", 0}};
    const json_t *rv = pg_change_get(c, side, &rk, 1);
    int hunknown = side == PG_AFTER && pg_change_is_unknown(c, &hk, 1);
    int runknown = side == PG_AFTER && pg_change_is_unknown(c, &rk, 1);
    const char *hash = hunknown ? NULL : pg_det__str(c, side, "hash_key");
    char name[PG_DET_TEXT], text[PG_DET_TEXT];
    size_t i;
    int n = 0, rc = PG_OK;

    if (hunknown) {
        rc = problem(c, f, summary, &n, "hash_key", &hk, 1, err,
                     "its hash_key is known only after apply, so it cannot be verified");
    } else if (!hash || strcmp(hash, PG_LOCK_KEY) != 0) {
        pg_det__name_text(hash, pg_det__sensitive(c, &hk, 1), name, sizeof name);
        rc = problem(c, f, summary, &n, "hash_key", &hk, 1, err, "its hash_key is %s, not \"LockID\"%s", name,
                     hash && strcasecmp(hash, PG_LOCK_KEY) == 0 ? " (the backend's key name is case-sensitive)" : "");
    }
    /* The key attribute's type: the entry named like the hash key. */
    if (rc == PG_OK && hash && pg_det__attribute_index(c, side, hash, &i)) {
        const json_t *ty;

        at[1].index = an[1].index = i;
        ty = pg_change_get(c, side, at, 3);
        if (!(side == PG_AFTER && pg_change_is_unknown(c, at, 3)) &&
            (!json_is_string(ty) || strcmp(json_string_value(ty), "S") != 0)) {
            char path[64];

            pg_det__name_text(hash, pg_det__sensitive(c, &hk, 1) || pg_change_is_sensitive(c, side, an, 3), name,
                              sizeof name);
            snprintf(path, sizeof path, "attribute[%zu].type", i);
            if ((rc = pg_det__value_text(c, side, at, 3, text, sizeof text, err)) == PG_OK)
                rc = problem(c, f, summary, &n, path, at, 3, err, "its key attribute %s is of type %s, not S (string)",
                             name, text);
        }
    }
    if (rc == PG_OK && runknown)
        rc = problem(c, f, summary, &n, "range_key", &rk, 1, err,
                     "its range_key is known only after apply (a lock table has none)");
    else if (rc == PG_OK && json_is_string(rv) && json_string_length(rv) > 0) {
        pg_det__name_text(json_string_value(rv), pg_det__sensitive(c, &rk, 1), name, sizeof name);
        rc = problem(c, f, summary, &n, "range_key", &rk, 1, err,
                     "it has a range_key (%s), which the backend never writes", name);
    }
    return rc != PG_OK ? rc : n;
}

int pg_det__lock_wants(const char *type, pg_action a)
{
    return a != PG_ACTION_READ && a != PG_ACTION_FORGET && strcmp(type, PG_TYPE_DYNAMODB_TABLE) == 0;
}
