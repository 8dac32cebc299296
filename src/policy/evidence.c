/* evidence.c — what a failed condition shows (SPEC §5 "evidence"): each
 * leaf's path with the before and after values there, redacted
 * (pg_change_redacted: a sensitive value is "(sensitive)", an unknown one
 * "(known after apply)").
 *
 * A value nested deeper than PG_JSON_MAX_DEPTH_CEILING is shown as
 * PG_POLICY_TOO_DEEP_TEXT instead: copying, redacting or printing it would
 * recurse as deep as the plan says (issue 11). Values that need no redaction
 * (change fields, after_unknown) are shared, not copied.
 */
#include "policy/policy_internal.h"

#include <string.h>

/* The raw value at `steps` below `v` (NULL when there is none). */
static const json_t *value_at(const json_t *v, const pg_path_step *steps, size_t n)
{
    size_t i;

    for (i = 0; i < n && v; i++) {
        if (steps[i].key)
            v = json_is_object(v) ? json_object_get(v, steps[i].key) : NULL;
        else
            v = json_is_array(v) ? json_array_get(v, steps[i].index) : NULL;
    }
    return v;
}

static int too_deep_text(json_t **out, pg_error *err)
{
    return (*out = json_string(PG_POLICY_TOO_DEEP_TEXT)) ? PG_OK : pg_error_oom(err);
}

/* `raw` as it is shown: shared, or the marker when it is too deep. */
static int shown_plain(const json_t *raw, json_t **out, pg_error *err)
{
    int deep, rc;

    if ((rc = pg_policy__too_deep(raw, &deep, err)) != PG_OK)
        return rc;
    if (deep)
        return too_deep_text(out, err);
    *out = raw ? json_incref((json_t *)(uintptr_t)raw) : json_null();
    return *out ? PG_OK : pg_error_oom(err);
}

/* The value at `steps` on `side`, redacted, or the marker when too deep. */
static int shown_redacted(const pg_change *c, pg_side side, const json_t *raw, const pg_path_step *steps,
                          size_t n, json_t **out, pg_error *err)
{
    int deep, rc;

    if ((rc = pg_policy__too_deep(raw, &deep, err)) != PG_OK)
        return rc;
    if (deep)
        return too_deep_text(out, err);
    return (*out = pg_change_redacted(c, side, steps, n)) ? PG_OK : pg_error_oom(err);
}

int pg_policy__shown_hit(const pg_change *c, const pg_ppath *p, pg_side side, const pp_hit *hit, json_t **out,
                         pg_error *err)
{
    if (p->root == PR_FIELD || p->root == PR_AFTER_UNKNOWN)
        return shown_plain(hit->value, out, err);
    if (p->root != PR_NONE)
        side = p->root == PR_BEFORE ? PG_BEFORE : PG_AFTER;
    return shown_redacted(c, side, hit->value, hit->steps, hit->n, out, err);
}

/* Append `v` (stolen) to the array *arr. */
static int push(json_t *arr, json_t *v, pg_error *err)
{
    return json_array_append_new(arr, v) == 0 ? PG_OK : pg_error_oom(err);
}

/* The redacted values a path reaches on one side: the value itself for a
 * path that reaches one value, an array of values for a path with [*]. A
 * tag key (`after.tags.Environment`, matched in every case-spelling) shows
 * the one value it found, or the array when it found several. */
static int side_values(const pg_cond *cond, const pg_change *c, pg_side side, json_t **out, pg_error *err)
{
    pg_path_step steps[PG_POLICY_MAX_PATH_STEPS];
    pg_ppath rel = cond->path;
    pp_hits h;
    json_t *arr = NULL, *v;
    size_t i;
    int rc = PG_OK;

    *out = NULL;
    for (i = 0; i < cond->path.n; i++) {
        steps[i].key = cond->path.steps[i].kind == PS_KEY ? cond->path.steps[i].key : NULL;
        steps[i].index = cond->path.steps[i].index;
    }
    if (!cond->path.has_wild && !cond->path.tag_key)
        return shown_redacted(c, side, value_at(side == PG_BEFORE ? c->before : c->after, steps, cond->path.n),
                              steps, cond->path.n, out, err);
    rel.root = PR_NONE;
    if ((rc = pg_policy__path_eval(&h, &rel, c, side, 1, err)) != PG_OK) {
        pg_policy__hits_dispose(&h);
        return rc;
    }
    if (!cond->path.has_wild && h.count <= 1) {
        rc = h.count ? pg_policy__shown_hit(c, &rel, side, &h.items[0], out, err)
                     : shown_redacted(c, side, NULL, steps, cond->path.n, out, err);
        pg_policy__hits_dispose(&h);
        return rc;
    }
    if (!(arr = json_array()))
        rc = pg_error_oom(err);
    for (i = 0; rc == PG_OK && i < h.count; i++)
        if ((rc = pg_policy__shown_hit(c, &rel, side, &h.items[i], &v, err)) == PG_OK)
            rc = push(arr, v, err);
    pg_policy__hits_dispose(&h);
    if (rc != PG_OK) {
        json_decref(arr);
        return rc;
    }
    *out = arr;
    return PG_OK;
}

/* Change fields and after_unknown hold nothing sensitive: one side, shared. */
static int plain_values(const pg_cond *cond, const pg_change *c, json_t **out, pg_error *err)
{
    pp_hits h;
    json_t *v;
    size_t i;
    int rc;

    *out = NULL;
    if ((rc = pg_policy__path_eval(&h, &cond->path, c, PG_AFTER, 0, err)) == PG_OK) {
        if (!cond->path.has_wild)
            rc = shown_plain(h.count ? h.items[0].value : NULL, out, err);
        else if (!(*out = json_array()))
            rc = pg_error_oom(err);
        for (i = 0; cond->path.has_wild && rc == PG_OK && i < h.count; i++)
            if ((rc = pg_policy__shown_hit(c, &cond->path, PG_AFTER, &h.items[i], &v, err)) == PG_OK)
                rc = push(*out, v, err);
    }
    pg_policy__hits_dispose(&h);
    if (rc != PG_OK) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

static int leaf_evidence(const pg_cond *cond, const pg_change *c, pg_finding *f, pg_error *err)
{
    json_t *before = NULL, *after = NULL;
    int rc;

    if (pg_finding_has_evidence(f, cond->path.rel))
        return PG_OK;
    if (cond->path.root == PR_FIELD || cond->path.root == PR_AFTER_UNKNOWN)
        rc = plain_values(cond, c, &after, err);
    else if ((rc = side_values(cond, c, PG_BEFORE, &before, err)) == PG_OK)
        rc = side_values(cond, c, PG_AFTER, &after, err);
    if (rc != PG_OK) {
        json_decref(before);
        json_decref(after);
        return rc;
    }
    return pg_finding_add_evidence(f, cond->path.rel, before, after) == 0 ? PG_OK : pg_error_oom(err);
}

int pg_policy__cond_evidence(const pg_cond *cond, const pg_change *c, pg_finding *f, pg_error *err)
{
    size_t i;
    int rc;

    if (cond->kind == PC_LEAF)
        return leaf_evidence(cond, c, f, err);
    /* an environment test names no value of the change: the message says it */
    if (cond->kind == PC_ENV)
        return PG_OK;
    for (i = 0; i < cond->n; i++)
        if ((rc = pg_policy__cond_evidence(cond->kids[i], c, f, err)) != PG_OK)
            return rc;
    return PG_OK;
}
