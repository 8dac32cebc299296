/* lock_table.c — what makes a table a Terraform state-lock table (SPEC §3),
 * and the key schema the S3 backend needs; shared by the lock-table-*
 * detectors (one file each).
 *
 * Terraform's S3 backend locks by PutItem of {"LockID": {"S": …}} with a
 * condition, and stores state digests the same way: the table must have the
 * string partition key LockID (case-sensitive) and no sort key. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "detect/detect_internal.h"

void pg_det__lock_info(const pg_detect_env *env, const pg_change *c, pg_side side, pg_lock_info *out)
{
    size_t i, n;

    memset(out, 0, sizeof *out);
    out->name = pg_det__str(c, side, "name");
    out->hash_key = pg_det__str(c, side, "hash_key");
    out->hash_sensitive = pg_change_is_sensitive(c, side, &(pg_path_step){"hash_key", 0}, 1);
    if (out->name && env->backend && env->backend->dynamodb_table)
        out->named_backend = strcmp(out->name, env->backend->dynamodb_table) == 0;
    n = out->name ? pg_policy_lock_table_count(env->policy) : 0;
    for (i = 0; i < n && !out->named_policy; i++) {
        const char *t = pg_policy_lock_table(env->policy, i);
        out->named_policy = t && strcmp(t, out->name) == 0;
    }
    out->lockid_key = out->hash_key && strcasecmp(out->hash_key, PG_LOCK_KEY) == 0;
    out->is_lock = out->named_backend || out->named_policy || out->lockid_key;
}

/* Evidence for one path: the change's before and after there (redacted). */
static int evidence(const pg_change *c, pg_finding *f, const char *path, const pg_path_step *steps, size_t n)
{
    json_t *b, *a;

    if (!f)
        return PG_OK;
    b = c->before && !json_is_null(c->before) ? pg_change_redacted(c, PG_BEFORE, steps, n) : json_null();
    a = c->after && !json_is_null(c->after) ? pg_change_redacted(c, PG_AFTER, steps, n) : json_null();
    if (!b || !a) {
        json_decref(b);
        json_decref(a);
        return PG_ENOMEM;
    }
    return pg_finding_add_evidence(f, path, b, a);
}

int pg_det__lock_schema_problems(const pg_change *c, pg_side side, pg_finding *f, char *summary, size_t size)
{
    pg_path_step hk = {"hash_key", 0}, rk = {"range_key", 0};
    pg_path_step at[3] = {{"attribute", 0}, {NULL, 0}, {"type", 0}};
    const json_t *hv = pg_change_get(c, side, &hk, 1);
    const json_t *rv = pg_change_get(c, side, &rk, 1);
    int hunknown = side == PG_AFTER && pg_change_is_unknown(c, &hk, 1);
    int runknown = side == PG_AFTER && pg_change_is_unknown(c, &rk, 1);
    int hsens = pg_change_is_sensitive(c, side, &hk, 1);
    const char *hash = json_is_string(hv) ? json_string_value(hv) : NULL;
    char buf[PG_DET_TEXT], path[64];
    int n = 0;

    if (summary && size)
        summary[0] = '\0';
    if (hunknown) {
        n++;
        if (summary)
            pg_det__append(summary, size, "its hash_key is known only after apply, so it cannot be verified");
        if (evidence(c, f, "hash_key", &hk, 1) != 0)
            return PG_ENOMEM;
    } else if (!hash || strcmp(hash, PG_LOCK_KEY) != 0) {
        n++;
        snprintf(buf, sizeof buf, "%s", hsens ? PG_SENSITIVE_TEXT : hash ? hash : "(none)");
        if (summary)
            pg_det__append(summary, size, "its hash_key is \"%s\", not \"LockID\"%s", buf,
                           hash && strcasecmp(hash, PG_LOCK_KEY) == 0
                               ? " (the backend's key name is case-sensitive)"
                               : "");
        if (evidence(c, f, "hash_key", &hk, 1) != 0)
            return PG_ENOMEM;
    }
    if (hash) {
        /* The key attribute's type: the entry named like the hash key. */
        pg_path_step as = {"attribute", 0};
        const json_t *list = pg_change_get(c, side, &as, 1);
        size_t i;

        for (i = 0; json_is_array(list) && i < json_array_size(list); i++) {
            const json_t *e = json_array_get(list, i);
            const json_t *nm = json_object_get(e, "name"), *ty = json_object_get(e, "type");

            if (!json_is_string(nm) || strcmp(json_string_value(nm), hash) != 0)
                continue;
            at[1].index = i;
            if (side == PG_AFTER && pg_change_is_unknown(c, at, 3))
                break;
            if (!json_is_string(ty) || strcmp(json_string_value(ty), "S") != 0) {
                n++;
                pg_value_text(ty, buf, sizeof buf);
                if (summary)
                    pg_det__append(summary, size, "%sits key attribute \"%s\" is of type %s, not S (string)",
                                   n > 1 ? "; " : "", hsens ? PG_SENSITIVE_TEXT : hash,
                                   pg_change_is_sensitive(c, side, at, 3) ? PG_SENSITIVE_TEXT : buf);
                snprintf(path, sizeof path, "attribute[%zu].type", i);
                if (evidence(c, f, path, at, 3) != 0)
                    return PG_ENOMEM;
            }
            break;
        }
    }
    if (runknown || (json_is_string(rv) && json_string_length(rv) > 0)) {
        n++;
        pg_value_text(rv, buf, sizeof buf);
        if (summary) {
            if (runknown)
                pg_det__append(summary, size, "%sits range_key is known only after apply (a lock table has none)",
                               n > 1 ? "; " : "");
            else
                pg_det__append(summary, size, "%sit has a range_key (\"%s\"), which the backend never writes",
                               n > 1 ? "; " : "", pg_change_is_sensitive(c, side, &rk, 1) ? PG_SENSITIVE_TEXT : buf);
        }
        if (evidence(c, f, "range_key", &rk, 1) != 0)
            return PG_ENOMEM;
    }
    return n;
}

/* Why this table counts as a lock table, in words. */
const char *pg_det__lock_why(const pg_detect_env *env, const pg_lock_info *li, char *buf, size_t size)
{
    if (li->named_backend)
        snprintf(buf, size, "the backend in %s locks with it", pg_det__backend_name(env->backend));
    else if (li->named_policy)
        snprintf(buf, size, "the policy lists it in lock_tables");
    else
        snprintf(buf, size, "its partition key is %s", li->hash_sensitive ? PG_SENSITIVE_TEXT : li->hash_key);
    return buf;
}

int pg_det__lock_wants(const char *type, pg_action a)
{
    return a != PG_ACTION_READ && a != PG_ACTION_FORGET && strcmp(type, PG_TYPE_DYNAMODB_TABLE) == 0;
}
