/* physical_name.c — the name an operator types in the console, for the
 * report's resource lists (issue 14): the catalogue of data stores says
 * which attribute holds it; the value reaches the report through the
 * redaction (wording.c), never raw. */
#include "detect/detect_internal.h"
#include "plangate/alloc.h"

int pg_detect_physical_name(const pg_policy *p, const pg_change *c, char **out, pg_error *err)
{
    const pg_data_store *d = pg_policy_data_store_find(p, c->type);
    static const pg_side sides[] = {PG_BEFORE, PG_AFTER};
    char text[PG_DET_TEXT];
    size_t i, k;
    int rc;

    *out = NULL;
    if (!d)
        return PG_OK;
    for (k = 0; k < 2; k++)
        for (i = 0; i < d->n_names; i++) {
            pg_det_attr s;
            const json_t *v;

            pg_det__attr_path(&s, d->names[i]);
            v = pg_change_get(c, sides[k], s.steps, s.n);
            if ((!v || json_is_null(v)) && !(sides[k] == PG_AFTER && pg_change_is_unknown(c, s.steps, s.n)))
                continue;
            if ((rc = pg_det__value_text(c, sides[k], s.steps, s.n, text, sizeof text, err)) != PG_OK)
                return rc;
            return (*out = pg_strdup(text)) ? PG_OK : pg_error_oom(err);
        }
    return PG_OK;
}
