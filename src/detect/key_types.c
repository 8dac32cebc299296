/* key_types.c — the type of a table's key attributes before and after, for
 * dynamodb-key-replacement and dynamodb-key-type-change.
 *
 * A key attribute's name is a plan value too: it comes from hash_key /
 * range_key and from the `attribute` list, and when any of them is marked
 * sensitive (on either side, at the value or at a block above it) the name
 * reads "(sensitive)", like the types themselves (issue 11). */
#include <string.h>

#include "detect/detect_internal.h"

/* Where the key's name and its type live on one side. */
typedef struct key_at {
    pg_path_step key[1]; /* hash_key / range_key / key_schema */
    pg_det_key_attr attr;
} key_at;

/* Is the key's name a secret on either side? */
static int name_sensitive(const pg_change *c, const key_at *b, const key_at *a)
{
    /* Cloud Control: the name sits inside key_schema, whose parts may be marked one by one. */
    return pg_det__sensitive(c, b->key, 1) || pg_change_is_sensitive(c, PG_BEFORE, b->attr.name_steps, 3) ||
           pg_change_is_sensitive(c, PG_AFTER, a->attr.name_steps, 3) ||
           (pg_det__is_awscc_table(c) && pg_det__block_sensitive(c, "key_schema"));
}

/* One key whose type changes: its description and evidence. */
static int describe(const pg_change *c, const char *name, const key_at *b, const key_at *a, int unknown, int first,
                    pg_finding *f, pg_buf *desc, pg_error *err)
{
    char quoted[PG_DET_TEXT], btext[PG_DET_TEXT], atext[PG_DET_TEXT], path[96];
    int rc;

    if (desc) {
        pg_det__name_text(name, name_sensitive(c, b, a), quoted, sizeof quoted);
        if ((rc = pg_det__pair_text(c, b->attr.steps, a->attr.steps, 3, btext, atext, sizeof btext, err)) != PG_OK)
            return rc;
        rc = unknown ? pg_buf_addf(desc, err, "%sthe type of key attribute %s may change (%s → known only after apply)",
                                   first ? "" : "; ", quoted, btext)
                     : pg_buf_addf(desc, err, "%sthe type of key attribute %s changes %s → %s", first ? "" : "; ",
                                   quoted, btext, atext);
        if (rc != PG_OK)
            return rc;
    }
    if (!f)
        return PG_OK;
    snprintf(path, sizeof path, "%s[%zu].%s", b->attr.list, unknown ? b->attr.index : a->attr.index,
             b->attr.steps[2].key);
    /* An unknown new type is "(known after apply)" there (pg_change_redacted). */
    return pg_det__evidence_pair(f, c, path, b->attr.steps, a->attr.steps, 3, err);
}

int pg_det__key_type_changes(const pg_change *c, pg_finding *f, pg_buf *desc, pg_error *err)
{
    static const char *const key_names[2] = {"hash_key", "range_key"};
    pg_det_keys bk, ak;
    const char *keys[2];
    size_t k;
    int n = 0, rc, awscc = pg_det__is_awscc_table(c);

    /* The key names the new table uses; the old ones when the new are unknown. */
    pg_det__table_keys(c, PG_BEFORE, &bk);
    pg_det__table_keys(c, PG_AFTER, &ak);
    keys[0] = ak.has_hash ? ak.hash : (ak.hash_unknown || ak.unreadable) && bk.has_hash ? bk.hash : NULL;
    keys[1] = ak.has_range ? ak.range : (ak.range_unknown || ak.unreadable) && bk.has_range ? bk.range : NULL;
    for (k = 0; k < 2; k++) {
        pg_path_step list = {awscc ? "attribute_definitions" : "attribute", 0};
        key_at b, a;
        int unknown;

        if (!keys[k] || (k == 1 && keys[0] && strcmp(keys[0], keys[1]) == 0))
            continue;
        /* Only an attribute that exists on both sides can change type; a key
         * that is new or gone is a key schema change, reported there. */
        b.key[0] = a.key[0] = (pg_path_step){awscc ? "key_schema" : key_names[k], 0};
        if (!pg_det__key_attr(c, PG_BEFORE, keys[k], &b.attr))
            continue;
        unknown = pg_change_is_unknown(c, &list, 1);
        if (!pg_det__key_attr(c, PG_AFTER, keys[k], &a.attr) && !unknown)
            continue;
        if (unknown)
            a.attr = b.attr;
        unknown = unknown || pg_change_is_unknown(c, a.attr.steps, 3);
        if (!unknown && pg_det__equal(pg_change_get(c, PG_BEFORE, b.attr.steps, 3),
                                      pg_change_get(c, PG_AFTER, a.attr.steps, 3)))
            continue;
        if ((rc = describe(c, keys[k], &b, &a, unknown, n == 0, f, desc, err)) != PG_OK)
            return rc;
        n++;
    }
    return n;
}
