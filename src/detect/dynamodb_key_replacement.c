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
#include "util/quote.h"

static pg_detect_change_fn on_change;
static pg_detect_wants_fn wants;

const pg_detector pg_detector_dynamodb_key_replacement = {
    "dynamodb-key-replacement",
    "DynamoDB table replaced because its key schema changes",
    PG_SEV_CRITICAL,
    "A DynamoDB table (aws_dynamodb_table, or awscc_dynamodb_table and its key_schema) that the plan "
    "replaces (destroys, then creates again) because its hash_key, its range_key, the type of a key "
    "attribute or a local secondary index changes. Terraform's "
    "replace_paths is used when the plan has it, else before and after are compared; a key whose new "
    "value is known only after apply is reported as one that may change.",
    "DynamoDB cannot change a table's key schema or local secondary indexes in place, so the provider "
    "destroys the table and creates a new, empty one: every item in the table is lost, and nothing in "
    "the plan output says so in words.",
    "Revert the key change if the data must survive. To really change the key, create a second table "
    "under a new name with the new schema, copy the items (export to S3 and import, or a copy job), "
    "switch readers and writers over, then remove the old table in a later change. Add "
    "`lifecycle { prevent_destroy = true }` to tables that hold data.",
    NULL, on_change, NULL, NULL, wants,
};

enum { LISTED_HASH = 1, LISTED_RANGE = 2, LISTED_LSI = 4, LISTED_ATTR = 8 };

/* What the facets found so far: the description, the revert advice, how many. */
typedef struct facets {
    pg_finding *f;
    pg_buf desc, revert;
    int n;
    int unsure; /* facets that only "may" change (an unreadable key_schema) */
} facets;

/* Which key facets replace_paths names (its paths are lists of steps). */
static unsigned listed_facets(const pg_change *c)
{
    unsigned listed = 0;
    size_t i;

    for (i = 0; json_is_array(c->replace_paths) && i < json_array_size(c->replace_paths); i++) {
        const json_t *p = json_array_get(c->replace_paths, i);
        const json_t *first = json_is_array(p) ? json_array_get(p, 0) : NULL;
        const char *s = json_is_string(first) ? json_string_value(first) : "";

        if (strcmp(s, "hash_key") == 0 || strcmp(s, "key_schema") == 0)
            listed |= LISTED_HASH;
        else if (strcmp(s, "range_key") == 0)
            listed |= LISTED_RANGE;
        else if (strcmp(s, "local_secondary_index") == 0 || strcmp(s, "local_secondary_indexes") == 0)
            listed |= LISTED_LSI;
        else if (strcmp(s, "attribute") == 0 || strcmp(s, "attribute_definitions") == 0)
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
        return pg_det__equal(a, b);
    for (i = 0; i < json_array_size(a); i++) {
        int found = 0;
        for (j = 0; !found && j < json_array_size(b); j++)
            found = pg_det__equal(json_array_get(a, i), json_array_get(b, j));
        if (!found)
            return 0;
    }
    return 1;
}

/* "[by_date, by_status]" from a redacted list of index blocks; a list past
 * PG_DET_TEXT bytes ends in "…". */
static int index_names(pg_buf *out, const json_t *list, pg_error *err)
{
    char text[PG_DET_TEXT];
    size_t i;
    int rc;

    if (!json_is_array(list)) {
        pg_value_text(json_is_null(list) ? NULL : list, text, sizeof text);
        return pg_buf_adds(out, text, err);
    }
    rc = pg_buf_addc(out, '[', err);
    for (i = 0; rc == PG_OK && i < json_array_size(list); i++) {
        const json_t *e = json_array_get(list, i);
        const json_t *n = json_object_get(e, "name") ? json_object_get(e, "name") : json_object_get(e, "index_name");

        if (out->len > PG_DET_TEXT) {
            rc = pg_buf_adds(out, ", \xe2\x80\xa6", err);
            break;
        }
        if (json_is_string(n))
            pg_value_text(n, text, sizeof text);
        rc = pg_buf_addf(out, err, "%s%s", i ? ", " : "", json_is_string(n) ? text : "?");
    }
    return rc == PG_OK ? pg_buf_addc(out, ']', err) : rc;
}

/* One of hash_key/range_key: changed, may change (unknown), or listed. */
static int key_facet(const pg_change *c, const char *key, int listed, facets *fx, pg_error *err)
{
    pg_path_step s = {key, 0};
    const json_t *b = pg_change_get(c, PG_BEFORE, &s, 1);
    const json_t *a = pg_change_get(c, PG_AFTER, &s, 1);
    int unknown = pg_change_is_unknown(c, &s, 1);
    const char *sep = fx->n ? "; " : "";
    char bt[PG_DET_TEXT], at[PG_DET_TEXT], old[PG_DET_TEXT];
    int rc;

    /* An absent range_key and a null one are the same thing: no range key. */
    if (!unknown && !listed && (pg_det__equal(b, a) || ((!b || json_is_null(b)) && (!a || json_is_null(a)))))
        return PG_OK;
    if ((rc = pg_det__pair_text(c, &s, &s, 1, bt, at, sizeof bt, err)) != PG_OK)
        return rc;
    if (unknown)
        rc = pg_buf_addf(&fx->desc, err, "%s%s may change (%s → known only after apply)", sep, key, bt);
    else
        rc = pg_buf_addf(&fx->desc, err, "%s%s changes %s → %s", sep, key, bt, at);
    if (rc != PG_OK)
        return rc;
    if (pg_det__sensitive(c, &s, 1)) {
        rc = pg_buf_addf(&fx->revert, err, "%srestore %s to its current value", sep, key);
    } else if (!b || json_is_null(b)) {
        rc = pg_buf_addf(&fx->revert, err, "%sremove %s", sep, key);
    } else {
        /* The HCL to write back: the old value as a quoted string. */
        pg_det__name_text(json_is_string(b) ? json_string_value(b) : bt, 0, old, sizeof old);
        rc = pg_buf_addf(&fx->revert, err, "%s%s = %s", sep, key, old);
    }
    fx->n++;
    return rc == PG_OK ? pg_det__evidence(fx->f, c, key, &s, 1, err) : rc;
}

/* The Cloud Control shape: one key_schema (a JSON string or a list) holds
 * both keys. Read through the one table reader; an unreadable schema "may
 * change" like an unknown one. */
static int schema_facet(const pg_change *c, int listed, facets *fx, pg_error *err)
{
    static const char *const words[2] = {"the partition key (HASH)", "the sort key (RANGE)"};
    pg_path_step s = {"key_schema", 0};
    pg_det_keys b, a;
    char bt[PG_DET_TEXT], at[PG_DET_TEXT];
    int r, n0 = fx->n, rc = PG_OK;

    pg_det__table_keys(c, PG_BEFORE, &b);
    pg_det__table_keys(c, PG_AFTER, &a);
    if (a.unreadable || b.unreadable) {
        /* Not a key schema: it may hold any key. One facet, never "no key". */
        pg_det__key_text(&b, 0, bt, sizeof bt);
        rc = pg_buf_addf(&fx->desc, err,
                         "%sthe key_schema %s cannot be read as a key schema, so the key may change (partition key "
                         "today %s)",
                         fx->n ? "; " : "", a.unreadable ? "after the change" : "today", bt);
        if (rc == PG_OK)
            rc = pg_buf_addf(&fx->revert, err, "%srestore key_schema to its current value", fx->n ? "; " : "");
        fx->n++;
        fx->unsure++;
    }
    for (r = 0; r < 2 && rc == PG_OK && !a.unreadable && !b.unreadable; r++) {
        int bh = r ? b.has_range : b.has_hash, ah = r ? a.has_range : a.has_hash;
        const char *bn = r ? b.range : b.hash, *an = r ? a.range : a.hash;
        int may = (r ? a.range_unknown : a.hash_unknown);
        const char *sep = fx->n ? "; " : "";

        if (!may && bh == ah && (!bh || strcmp(bn, an) == 0))
            continue;
        pg_det__key_text(&b, r, bt, sizeof bt);
        pg_det__key_text(&a, r, at, sizeof at);
        rc = may ? pg_buf_addf(&fx->desc, err, "%s%s may change (%s → %s)", sep, words[r], bt, at)
                 : pg_buf_addf(&fx->desc, err, "%s%s changes %s → %s", sep, words[r], bt, at);
        if (rc == PG_OK)
            rc = pg_buf_addf(&fx->revert, err, "%srestore key_schema to its current value", sep);
        fx->n++;
    }
    if (rc == PG_OK && fx->n == n0 && listed) {
        fx->n++;
        if ((rc = pg_buf_addf(&fx->desc, err, "%sTerraform says the key_schema forces the replacement",
                              n0 ? "; " : "")) == PG_OK)
            rc = pg_buf_addf(&fx->revert, err, "%srestore key_schema to its current value", n0 ? "; " : "");
    }
    if (rc == PG_OK && fx->n > n0)
        rc = pg_det__block_sensitive(c, s.key) ? pg_det__evidence_take(fx->f, "key_schema",
                                                                        json_string(PG_SENSITIVE_TEXT),
                                                                        json_string(PG_SENSITIVE_TEXT), err)
                                               : pg_det__evidence(fx->f, c, "key_schema", &s, 1, err);
    return rc;
}

/* The type of the key attributes. */
static int type_facet(const pg_change *c, facets *fx, pg_error *err)
{
    pg_buf types;
    int t, rc;

    pg_buf_init(&types, 0);
    t = pg_det__key_type_changes(c, fx->f, &types, err);
    rc = t < 0 ? t : PG_OK;
    if (t > 0 && (rc = pg_buf_addf(&fx->desc, err, "%s%s", fx->n ? "; " : "", pg_buf_cstr(&types))) == PG_OK &&
        (rc = pg_buf_addf(&fx->revert, err, "%srestore the key attribute's type", fx->n ? "; " : "")) == PG_OK)
        fx->n += t;
    pg_buf_dispose(&types);
    return rc;
}

static int lsi_facet(const pg_change *c, int listed, facets *fx, pg_error *err)
{
    pg_path_step s = {pg_det__is_awscc_table(c) ? "local_secondary_indexes" : "local_secondary_index", 0};
    const json_t *b = pg_change_get(c, PG_BEFORE, &s, 1);
    const json_t *a = pg_change_get(c, PG_AFTER, &s, 1);
    const json_t *umask = c->after_unknown ? json_object_get(c->after_unknown, s.key) : NULL;
    int unknown = pg_det__mask_any(umask);
    const char *sep = fx->n ? "; " : "";
    json_t *bv = NULL, *av = NULL;
    pg_buf bt, at;
    int rc;

    if (!unknown && !listed && same_set(b, a))
        return PG_OK;
    pg_buf_init(&bt, 0);
    pg_buf_init(&at, 0);
    if (pg_det__block_sensitive(c, s.key)) {
        bv = json_string(PG_SENSITIVE_TEXT);
        av = json_string(PG_SENSITIVE_TEXT);
    } else {
        bv = pg_change_redacted(c, PG_BEFORE, &s, 1);
        av = pg_change_redacted(c, PG_AFTER, &s, 1);
    }
    if (!bv || !av)
        rc = pg_error_oom(err);
    else if ((rc = index_names(&bt, bv, err)) == PG_OK)
        rc = pg_change_is_unknown(c, &s, 1) ? pg_buf_adds(&at, "known only after apply", err)
                                            : index_names(&at, av, err);
    if (rc == PG_OK) {
        if (unknown)
            rc = pg_buf_addf(&fx->desc, err,
                             "%sthe local secondary indexes may change (%s → %s, partly known only after apply)", sep,
                             pg_buf_cstr(&bt), pg_buf_cstr(&at));
        else if (same_set(b, a))
            rc = pg_buf_addf(&fx->desc, err, "%sTerraform says the local secondary indexes %s force the replacement",
                             sep, pg_buf_cstr(&bt));
        else
            rc = pg_buf_addf(&fx->desc, err, "%sthe local secondary indexes change %s → %s", sep, pg_buf_cstr(&bt),
                             pg_buf_cstr(&at));
    }
    if (rc == PG_OK)
        rc = !json_is_array(b) || json_array_size(b) == 0
                 ? pg_buf_addf(&fx->revert, err, "%sremove the local_secondary_index blocks (the table has none today)",
                               sep)
                 : pg_buf_addf(&fx->revert, err, "%srestore the local_secondary_index blocks as they are now (%s)", sep,
                               pg_buf_cstr(&bt));
    pg_buf_dispose(&bt);
    pg_buf_dispose(&at);
    fx->n++;
    if (rc != PG_OK) {
        json_decref(bv);
        json_decref(av);
        return rc;
    }
    return pg_det__evidence_take(fx->f, s.key, bv, av, err);
}

/* Terraform names `attribute` but no key type differs that we can see. */
static int attribute_facet(const pg_change *c, unsigned listed, facets *fx, pg_error *err)
{
    pg_path_step s = {pg_det__is_awscc_table(c) ? "attribute_definitions" : "attribute", 0};
    int rc;

    if (fx->n > 0 || !(listed & LISTED_ATTR))
        return PG_OK;
    fx->n++;
    if ((rc = pg_buf_adds(&fx->desc, "Terraform says the attribute definitions force the replacement", err)) != PG_OK ||
        (rc = pg_buf_adds(&fx->revert, "restore the attribute blocks as they are now", err)) != PG_OK)
        return rc;
    if (pg_det__block_sensitive(c, s.key))
        return pg_det__evidence_take(fx->f, s.key, json_string(PG_SENSITIVE_TEXT), json_string(PG_SENSITIVE_TEXT),
                                     err);
    return pg_det__evidence(fx->f, c, s.key, &s, 1, err);
}

/* The message and remediation, once the facets are known. */
static int say(const pg_change *c, const facets *fx, pg_error *err)
{
    int name_sensitive;
    const char *bname = pg_det__table_name(c, PG_BEFORE, &name_sensitive), *aname = pg_det__table_name(c, PG_AFTER, NULL);
    char tbl[PG_DET_TEXT + 8], quoted[PG_DET_TEXT];
    int definite = 0, rc;
    size_t i;

    for (i = 0; i < fx->f->n_evidence; i++) {
        const json_t *a = fx->f->evidence[i].after;
        if (!json_is_string(a) || strcmp(json_string_value(a), PG_UNKNOWN_TEXT) != 0)
            definite = 1;
    }
    if (fx->unsure == fx->n)
        definite = 0;
    if (bname && !name_sensitive)
        snprintf(tbl, sizeof tbl, "table %s", pg_quote_str(quoted, sizeof quoted, bname));
    else
        snprintf(tbl, sizeof tbl, "the table");
    rc = pg_det__text(
        fx->f, PG_DET_MESSAGE, err,
        "%s (%s) is REPLACED %s: %s. DynamoDB cannot change a key or a local secondary index in place, so "
        "Terraform destroys the table and creates a new, empty one: every item in the table is lost.%s",
        c->address, tbl,
        definite     ? "because its key schema changes"
        : fx->unsure ? "and its key schema may change (it cannot be read)"
                     : "and its key schema may change (known only after apply)",
        pg_buf_cstr(&fx->desc),
        c->replace_order != PG_REPLACE_CREATE_BEFORE_DESTROY ? ""
        : (bname && aname && strcmp(bname, aname) == 0)
            ? " (create_before_destroy: the new table is created first, which fails while the old table "
              "still holds the name.)"
            : " (create_before_destroy: the new table is created first, then the old one and its items are "
              "destroyed.)");
    if (rc == PG_OK)
        rc = pg_det__text(
            fx->f, PG_DET_REMEDIATION, err,
            "If the items must survive, revert the change (%s) and plan again: %s must show no replace. To "
            "change the key for real, create a new table under a new name with the new key, copy the items "
            "(export to S3 and import, or a copy job), switch the application over, then remove the old "
            "table. Keep `lifecycle { prevent_destroy = true }` on tables that hold data. If losing every "
            "item is intended, waive dynamodb-key-replacement for %s with a reason.",
            pg_buf_cstr(&fx->revert), c->address, c->address);
    return rc;
}

static int on_change(void *state, const pg_detect_env *env, const pg_change *c, const pg_detect_protection *prot,
                     pg_findings *out, pg_error *err)
{
    facets fx;
    unsigned listed;
    int rc;

    (void)state;
    (void)env;
    (void)prot;
    if (!pg_det__is_planned_table(c) || c->action != PG_ACTION_REPLACE)
        return PG_OK;
    listed = listed_facets(c);
    memset(&fx, 0, sizeof fx);
    pg_buf_init(&fx.desc, 0);
    pg_buf_init(&fx.revert, 0);
    if ((rc = pg_det__finding_new(&fx.f, &pg_detector_dynamodb_key_replacement, c, err)) == PG_OK &&
        (rc = pg_det__is_awscc_table(c) ? schema_facet(c, (listed & (LISTED_HASH | LISTED_RANGE)) != 0, &fx, err)
                                        : key_facet(c, "hash_key", (listed & LISTED_HASH) != 0, &fx, err)) == PG_OK &&
        (rc = pg_det__is_awscc_table(c) ? PG_OK : key_facet(c, "range_key", (listed & LISTED_RANGE) != 0, &fx, err)) ==
            PG_OK &&
        (rc = type_facet(c, &fx, err)) == PG_OK && (rc = lsi_facet(c, (listed & LISTED_LSI) != 0, &fx, err)) == PG_OK &&
        (rc = attribute_facet(c, listed, &fx, err)) == PG_OK && fx.n > 0)
        rc = say(c, &fx, err);
    pg_buf_dispose(&fx.desc);
    pg_buf_dispose(&fx.revert);
    return pg_det__finish(out, fx.f, rc, fx.n > 0, err);
}

static int wants(const char *type, pg_action a)
{
    return a == PG_ACTION_REPLACE && pg_det__is_table_type(type);
}
