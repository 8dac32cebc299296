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
    pg_path_step key[1];  /* hash_key / range_key */
    pg_path_step type[3]; /* attribute[i].type */
    pg_path_step name[3]; /* attribute[i].name */
} key_at;

static void key_at_init(key_at *k, const char *key, size_t index)
{
    k->key[0] = (pg_path_step){key, 0};
    k->type[0] = k->name[0] = (pg_path_step){"attribute", 0};
    k->type[1] = k->name[1] = (pg_path_step){NULL, index};
    k->type[2] = (pg_path_step){"type", 0};
    k->name[2] = (pg_path_step){"name", 0};
}

/* Is the key's name a secret on either side? */
static int name_sensitive(const pg_change *c, const key_at *b, const key_at *a)
{
    return pg_det__sensitive(c, b->key, 1) || pg_change_is_sensitive(c, PG_BEFORE, b->name, 3) ||
           pg_change_is_sensitive(c, PG_AFTER, a->name, 3);
}

/* One key whose type changes: its description and evidence. */
static int describe(const pg_change *c, const char *name, const key_at *b, const key_at *a, int unknown, int first,
                    pg_finding *f, pg_buf *desc, pg_error *err)
{
    char quoted[PG_DET_TEXT], btext[PG_DET_TEXT], atext[PG_DET_TEXT], path[64];
    int rc;

    if (desc) {
        pg_det__name_text(name, name_sensitive(c, b, a), quoted, sizeof quoted);
        if ((rc = pg_det__pair_text(c, b->type, a->type, 3, btext, atext, sizeof btext, err)) != PG_OK)
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
    snprintf(path, sizeof path, "attribute[%zu].type", unknown ? b->type[1].index : a->type[1].index);
    /* An unknown new type is "(known after apply)" there (pg_change_redacted). */
    return pg_det__evidence_pair(f, c, path, b->type, a->type, 3, err);
}

int pg_det__key_type_changes(const pg_change *c, pg_finding *f, pg_buf *desc, pg_error *err)
{
    static const char *const key_names[2] = {"hash_key", "range_key"};
    const char *keys[2];
    size_t k, bi, ai;
    int n = 0, rc;

    /* The key names the new table uses; the old ones when the new are unknown. */
    for (k = 0; k < 2; k++) {
        keys[k] = pg_det__str(c, PG_AFTER, key_names[k]);
        if (!keys[k] && pg_det__unknown(c, key_names[k]))
            keys[k] = pg_det__str(c, PG_BEFORE, key_names[k]);
    }
    for (k = 0; k < 2; k++) {
        pg_path_step list = {"attribute", 0};
        key_at b, a;
        int unknown;

        if (!keys[k] || (k == 1 && keys[0] && strcmp(keys[0], keys[1]) == 0))
            continue;
        /* Only an attribute that exists on both sides can change type; a key
         * that is new or gone is a hash_key/range_key change, reported there. */
        if (!pg_det__attribute_index(c, PG_BEFORE, keys[k], &bi))
            continue;
        ai = 0;
        unknown = pg_change_is_unknown(c, &list, 1);
        if (!unknown && !pg_det__attribute_index(c, PG_AFTER, keys[k], &ai))
            continue;
        key_at_init(&b, key_names[k], bi);
        key_at_init(&a, key_names[k], ai);
        unknown = unknown || pg_change_is_unknown(c, a.type, 3);
        if (!unknown && pg_det__equal(pg_change_get(c, PG_BEFORE, b.type, 3), pg_change_get(c, PG_AFTER, a.type, 3)))
            continue;
        if ((rc = describe(c, keys[k], &b, &a, unknown, n == 0, f, desc, err)) != PG_OK)
            return rc;
        n++;
    }
    return n;
}
