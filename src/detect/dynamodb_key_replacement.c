/* dynamodb_key_replacement.c — dynamodb-key-replacement (SPEC §3).
 *
 * An aws_dynamodb_table replaced (any order, any cause) while its key schema
 * changes: hash_key, range_key, the type of a key attribute, or the local
 * secondary indexes. Terraform's replace_paths names the culprits when the
 * plan has it (format 1.0+); older plans and plans without it are compared
 * before/after. Both are used: a facet listed in replace_paths is reported
 * even when the values look equal (Terraform knows better), and a facet that
 * differs is reported even when replace_paths omits it.
 *
 * A replacement for another cause (taint, -replace, a new `name`) with no key
 * change is not this detector's business: protected-destroy covers it. A
 * change to global secondary indexes alone is an in-place update, never here. */
#include <stdio.h>
#include <string.h>

#include "detect/detect_internal.h"

enum {
    LISTED_HASH = 1,
    LISTED_RANGE = 2,
    LISTED_LSI = 4,
    LISTED_ATTR = 8
};

#define MSG_MAX 2048

/* Which key facets replace_paths names (its paths are lists of steps). */
static unsigned listed_facets(const pg_change *c)
{
    unsigned listed = 0;
    size_t i;

    for (i = 0; json_is_array(c->replace_paths) && i < json_array_size(c->replace_paths); i++) {
        const json_t *p = json_array_get(c->replace_paths, i);
        const json_t *first = json_is_array(p) ? json_array_get(p, 0) : NULL;
        const char *s = json_is_string(first) ? json_string_value(first) : "";

        if (strcmp(s, "hash_key") == 0)
            listed |= LISTED_HASH;
        else if (strcmp(s, "range_key") == 0)
            listed |= LISTED_RANGE;
        else if (strcmp(s, "local_secondary_index") == 0)
            listed |= LISTED_LSI;
        else if (strcmp(s, "attribute") == 0)
            listed |= LISTED_ATTR;
    }
    return listed;
}

/* Sets compare by membership: Terraform orders set elements by value, but
 * do not depend on it. */
static int same_set(const json_t *a, const json_t *b)
{
    size_t i, j;

    /* Absent, null and [] all mean "no index blocks" (plans before the
     * attribute existed omit it on both sides). */
    int a_none = !a || json_is_null(a) || (json_is_array(a) && json_array_size(a) == 0);
    int b_none = !b || json_is_null(b) || (json_is_array(b) && json_array_size(b) == 0);

    if (a_none || b_none)
        return a_none && b_none;
    if (!json_is_array(a) || !json_is_array(b) || json_array_size(a) != json_array_size(b))
        return json_equal(a, b);
    for (i = 0; i < json_array_size(a); i++) {
        int found = 0;
        for (j = 0; !found && j < json_array_size(b); j++)
            found = json_equal(json_array_get(a, i), json_array_get(b, j));
        if (!found)
            return 0;
    }
    return 1;
}

/* "[by_date, by_status]" from a list of index blocks. */
static void index_names(const json_t *list, char *buf, size_t size)
{
    size_t i;

    buf[0] = '\0';
    if (!json_is_array(list)) {
        pg_det__json_text(list, buf, size);
        return;
    }
    pg_det__append(buf, size, "[");
    for (i = 0; i < json_array_size(list); i++) {
        const json_t *n = json_object_get(json_array_get(list, i), "name");
        pg_det__append(buf, size, "%s%s", i ? ", " : "", json_is_string(n) ? json_string_value(n) : "?");
    }
    pg_det__append(buf, size, "]");
}

/* One of hash_key/range_key: changed, may change (unknown), or listed. */
static int key_facet(const pg_change *c, const char *key, int listed, pg_finding *f, char *desc,
                     char *revert, int *n)
{
    pg_path_step s = {key, 0};
    const json_t *b = pg_change_get(c, PG_BEFORE, &s, 1);
    const json_t *a = pg_change_get(c, PG_AFTER, &s, 1);
    int unknown = pg_change_is_unknown(c, &s, 1);
    char bt[PG_DET_TEXT], at[PG_DET_TEXT];
    json_t *bv, *av;
    int sensitive;

    /* An absent range_key and a null one are the same thing: no range key. */
    if (!unknown && !listed && (json_equal(b, a) || ((!b || json_is_null(b)) && (!a || json_is_null(a)))))
        return 0;
    bv = pg_change_redacted(c, PG_BEFORE, &s, 1);
    av = pg_change_redacted(c, PG_AFTER, &s, 1);
    if (!bv || !av) {
        json_decref(bv);
        json_decref(av);
        return PG_ENOMEM;
    }
    pg_det__json_text(bv, bt, sizeof bt);
    pg_det__json_text(av, at, sizeof at);
    sensitive = pg_change_is_sensitive(c, PG_BEFORE, &s, 1);
    if (unknown)
        pg_det__append(desc, MSG_MAX, "%s%s may change (%s → known only after apply)", *n ? "; " : "", key, bt);
    else
        pg_det__append(desc, MSG_MAX, "%s%s changes %s → %s", *n ? "; " : "", key, bt, at);
    if (sensitive)
        pg_det__append(revert, MSG_MAX, "%srestore %s to its current value", *n ? "; " : "", key);
    else if (!b || json_is_null(b))
        pg_det__append(revert, MSG_MAX, "%sremove %s", *n ? "; " : "", key);
    else
        pg_det__append(revert, MSG_MAX, "%s%s = \"%s\"", *n ? "; " : "", key, bt);
    (*n)++;
    return pg_finding_add_evidence(f, key, bv, av);
}

static int lsi_facet(const pg_change *c, int listed, pg_finding *f, char *desc, char *revert, int *n)
{
    pg_path_step s = {"local_secondary_index", 0};
    const json_t *b = pg_change_get(c, PG_BEFORE, &s, 1);
    const json_t *a = pg_change_get(c, PG_AFTER, &s, 1);
    const json_t *umask = c->after_unknown ? json_object_get(c->after_unknown, "local_secondary_index") : NULL;
    int unknown = pg_det__mask_any(umask);
    char bt[PG_DET_TEXT], at[PG_DET_TEXT];
    json_t *bv, *av;

    if (!unknown && !listed && same_set(b, a))
        return 0;
    bv = pg_change_redacted(c, PG_BEFORE, &s, 1);
    av = pg_change_redacted(c, PG_AFTER, &s, 1);
    if (!bv || !av) {
        json_decref(bv);
        json_decref(av);
        return PG_ENOMEM;
    }
    index_names(bv, bt, sizeof bt);
    if (pg_change_is_unknown(c, &s, 1))
        snprintf(at, sizeof at, "known only after apply");
    else
        index_names(av, at, sizeof at);
    if (unknown)
        pg_det__append(desc, MSG_MAX, "%sthe local secondary indexes may change (%s → %s, partly known only after apply)",
                       *n ? "; " : "", bt, at);
    else if (same_set(b, a))
        pg_det__append(desc, MSG_MAX, "%sTerraform says the local secondary indexes %s force the replacement",
                       *n ? "; " : "", bt);
    else
        pg_det__append(desc, MSG_MAX, "%sthe local secondary indexes change %s → %s", *n ? "; " : "", bt, at);
    if (!json_is_array(b) || json_array_size(b) == 0)
        pg_det__append(revert, MSG_MAX, "%sremove the local_secondary_index blocks (the table has none today)",
                       *n ? "; " : "");
    else
        pg_det__append(revert, MSG_MAX, "%srestore the local_secondary_index blocks as they are now (%s)",
                       *n ? "; " : "", bt);
    (*n)++;
    return pg_finding_add_evidence(f, "local_secondary_index", bv, av);
}

int pg_det__key_replacement_change(void *state, const pg_detect_env *env, const pg_change *c, pg_findings *out,
                                   pg_error *err)
{
    const pg_detector *d = pg_detector_find("dynamodb-key-replacement");
    char desc[MSG_MAX] = "", revert[MSG_MAX] = "", types[MSG_MAX] = "", tbl[PG_DET_TEXT];
    const char *bname, *aname;
    pg_finding *f;
    unsigned listed;
    int n = 0, rc, t, definite;
    size_t i;

    (void)state;
    (void)env;
    if (!pg_det__is_planned_table(c) || c->action != PG_ACTION_REPLACE)
        return PG_OK;
    listed = listed_facets(c);
    if (!(f = pg_det__finding(d, c)))
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    if ((rc = key_facet(c, "hash_key", (listed & LISTED_HASH) != 0, f, desc, revert, &n)) < 0 ||
        (rc = key_facet(c, "range_key", (listed & LISTED_RANGE) != 0, f, desc, revert, &n)) < 0)
        goto nomem;
    if ((t = pg_det__key_type_changes(c, f, types, sizeof types)) < 0)
        goto nomem;
    if (t > 0) {
        pg_det__append(desc, sizeof desc, "%s%s", n ? "; " : "", types);
        pg_det__append(revert, sizeof revert, "%srestore the key attribute's type", n ? "; " : "");
        n += t;
    }
    if ((rc = lsi_facet(c, (listed & LISTED_LSI) != 0, f, desc, revert, &n)) < 0)
        goto nomem;
    if (n == 0 && (listed & LISTED_ATTR)) {
        /* Terraform names `attribute` but no key type differs that we can see. */
        pg_path_step s = {"attribute", 0};
        json_t *bv = pg_change_redacted(c, PG_BEFORE, &s, 1), *av = pg_change_redacted(c, PG_AFTER, &s, 1);
        pg_det__append(desc, sizeof desc, "Terraform says the attribute definitions force the replacement");
        pg_det__append(revert, sizeof revert, "restore the attribute blocks as they are now");
        n++;
        if (!bv || !av) {
            json_decref(bv);
            json_decref(av);
            goto nomem;
        }
        if (pg_finding_add_evidence(f, "attribute", bv, av) != 0)
            goto nomem;
    }
    if (n == 0) {
        pg_finding_free(f);
        return PG_OK;
    }

    definite = 0;
    for (i = 0; i < f->n_evidence; i++) {
        const json_t *a = f->evidence[i].after;
        if (!json_is_string(a) || strcmp(json_string_value(a), PG_UNKNOWN_TEXT) != 0)
            definite = 1;
    }
    bname = pg_det__str(c, PG_BEFORE, "name");
    aname = pg_det__str(c, PG_AFTER, "name");
    if (bname && !pg_change_is_sensitive(c, PG_BEFORE, &(pg_path_step){"name", 0}, 1))
        snprintf(tbl, sizeof tbl, "table \"%s\"", bname);
    else
        snprintf(tbl, sizeof tbl, "the table");
    rc = pg_finding_set_message(
        f,
        "%s (%s) is REPLACED %s: %s. DynamoDB cannot change a key or a local secondary index in place, so "
        "Terraform destroys the table and creates a new, empty one: every item in the table is lost.%s",
        c->address, tbl,
        definite ? "because its key schema changes" : "and its key schema may change (known only after apply)",
        desc,
        c->replace_order != PG_REPLACE_CREATE_BEFORE_DESTROY ? ""
        : (bname && aname && strcmp(bname, aname) == 0)
            ? " (create_before_destroy: the new table is created first, which fails while the old table "
              "still holds the name.)"
            : " (create_before_destroy: the new table is created first, then the old one and its items are "
              "destroyed.)");
    if (rc == 0)
        rc = pg_finding_set_remediation(
            f,
            "If the items must survive, revert the change (%s) and plan again: %s must show no replace. To "
            "change the key for real, create a new table under a new name with the new key, copy the items "
            "(export to S3 and import, or a copy job), switch the application over, then remove the old "
            "table. Keep `lifecycle { prevent_destroy = true }` on tables that hold data. If losing every "
            "item is intended, waive dynamodb-key-replacement for %s with a reason.",
            revert, c->address, c->address);
    if (rc != 0)
        goto nomem;
    return pg_findings_add(out, f, err);

nomem:
    pg_finding_free(f);
    return pg_error_set(err, PG_ENOMEM, "out of memory");
}

int pg_det__key_replacement_wants(const char *type, pg_action a)
{
    return a == PG_ACTION_REPLACE && strcmp(type, PG_TYPE_DYNAMODB_TABLE) == 0;
}
