/* catalogue.c — the catalogue of data stores (issue 14): the `data_stores:`
 * section, loaded, merged across files and looked up.
 *
 *     data_stores:
 *       aws_db_instance:
 *         holds: "every row of every database on the instance"
 *         name: [identifier]
 *         outcome:
 *           - { attribute: skip_final_snapshot, when: false, effect: softens,
 *               says: "a final snapshot {final_snapshot_identifier} is taken first" }
 *       aws_sqs_queue: { enabled: false }
 *
 * A type key is a resource type or a glob with `*` ([a-z0-9_*], what
 * Terraform's resource type names are made of). A later file's entry for a
 * type replaces the earlier one whole, in its place (a team overrides one
 * type without restating the others); `{ enabled: false }` takes the type
 * out, and no glob catches it then. Only a trusted file (--policy, the pack)
 * may hold the section: document.c refuses it in a --waivers file, since a
 * change under review must not be able to say its own database holds
 * nothing.
 *
 * Attributes are paths (`settings[0].deletion_protection_enabled`); `says`
 * placeholders are `{path}`: checked
 * here, rendered by the data-loss detector through the redaction.
 */
#include "policy/policy_internal.h"

#include <string.h>

#include "plangate/alloc.h"
#include "util/grow.h"

/* ---- freeing ---------------------------------------------------------------------------- */

static void store_free(pg_data_store *d)
{
    size_t i;

    if (!d)
        return;
    pg_free(d->type);
    pg_free(d->holds);
    pg_free(d->source);
    pg_policy__free_text_list(d->names, d->n_names);
    for (i = 0; i < d->n_outcomes; i++) {
        pg_free(d->outcomes[i].attribute);
        pg_free(d->outcomes[i].says);
        json_decref(d->outcomes[i].when);
    }
    pg_free(d->outcomes);
    pg_free(d);
}

void pg_policy__data_stores_free(pg_policy *p)
{
    size_t i;

    for (i = 0; i < p->n_stores; i++)
        store_free(p->stores[i]);
    pg_free(p->stores);
    p->stores = NULL;
    p->n_stores = p->cap_stores = 0;
}

/* ---- loading ---------------------------------------------------------------------------- */

static int valid_type(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '*'))
            return 0;
    return 1;
}

/* An attribute path: names ([A-Za-z0-9_-]) joined by '.', each optionally
 * followed by list indexes ([0]), at most PG_DATA_STORE_MAX_STEPS steps:
 * `skip_final_snapshot`, `settings[0].deletion_protection_enabled`. The
 * detector reads it with the same grammar (pg_det__attr_path). */
static int valid_attribute(const char *s, size_t n)
{
    size_t i = 0, steps = 0;

    if (n >= 256) /* the detector's room for one path (pg_det_attr) */
        return 0;
    while (i < n) {
        size_t start = i;
        while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
                         (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
            i++;
        if (i == start)
            return 0;
        steps++;
        while (i < n && s[i] == '[') {
            size_t d = ++i;
            while (i < n && s[i] >= '0' && s[i] <= '9')
                i++;
            if (i == d || i - d > 6 || i >= n || s[i] != ']')
                return 0;
            i++;
            steps++;
        }
        if (steps > PG_DATA_STORE_MAX_STEPS)
            return 0;
        if (i < n && (s[i] != '.' || ++i == n))
            return 0;
    }
    return n > 0;
}

/* `{attr}` placeholders only: a `{` without its `}` or around anything else
 * is refused at the node, so a message never prints a half placeholder. */
static int check_says(const pn_ctx *x, const pn_node *n, const char *s)
{
    const char *p = s, *open, *close;

    while ((open = strchr(p, '{')) != NULL) {
        close = strchr(open + 1, '}');
        if (!close || !valid_attribute(open + 1, (size_t)(close - open - 1)))
            return pg_policy__fail(x, n, "says: a placeholder is {attribute} (an attribute path, e.g. "
                                         "{final_snapshot_identifier}); a lone '{' is not allowed");
        p = close + 1;
    }
    if (strchr(p, '}'))
        return pg_policy__fail(x, n, "says: a '}' without its '{'");
    return PG_OK;
}

static int load_effect(const pn_ctx *x, const pn_node *n, pg_store_effect *out)
{
    static const char *const names[] = {"softens", "hardens", "blocks", "spares"};
    char q[PG_POLICY_QUOTE];
    size_t i;
    int rc;

    if ((rc = pg_policy__want_text(x, n, "effect")) != PG_OK)
        return rc;
    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(n->text, names[i]) == 0) {
            *out = (pg_store_effect)i;
            return PG_OK;
        }
    return pg_policy__fail(x, n, "effect must be softens, hardens, blocks or spares, not %s",
                           pg_policy__quote(q, sizeof q, n->text));
}

static int load_outcome(const pn_ctx *x, const pn_node *n, pg_store_outcome *o)
{
    static const char *const keys[] = {"attribute", "when", "effect", "says", NULL};
    const pn_node *v;
    char q[PG_POLICY_QUOTE];
    int rc;

    if ((rc = pg_policy__want_map(x, n, "an outcome")) != PG_OK ||
        (rc = pg_policy__check_keys(x, n, "an outcome", keys)) != PG_OK)
        return rc;
    if (!pg_policy__map_get(n, "attribute") || !pg_policy__map_get(n, "effect") || !pg_policy__map_get(n, "says"))
        return pg_policy__fail(x, n, "an outcome needs attribute:, effect: and says: (when: is optional), e.g. "
                                     "{ attribute: force_destroy, when: true, effect: hardens, says: \"...\" }");
    v = pg_policy__map_get(n, "attribute");
    if ((rc = pg_policy__get_text(x, v, "attribute", &o->attribute)) != PG_OK)
        return rc;
    if (!valid_attribute(o->attribute, strlen(o->attribute)))
        return pg_policy__fail(x, v, "attribute %s is an attribute path (names and [N] indexes joined by '.', "
                                     "e.g. settings[0].deletion_protection_enabled)",
                               pg_policy__quote(q, sizeof q, o->attribute));
    if ((rc = load_effect(x, pg_policy__map_get(n, "effect"), &o->effect)) != PG_OK)
        return rc;
    v = pg_policy__map_get(n, "says");
    if ((rc = pg_policy__get_text(x, v, "says", &o->says)) != PG_OK || (rc = check_says(x, v, o->says)) != PG_OK)
        return rc;
    if ((v = pg_policy__map_get(n, "when"))) {
        if (v->kind != PN_SCALAR)
            return pg_policy__fail(x, v, "when: is one value (true, 0, \"ACTIVE\", null), not %s",
                                   pg_policy__node_kind_name(v));
        o->when_set = 1;
        return pg_policy__node_json(x, v, &o->when);
    }
    return PG_OK;
}

static int load_names(const pn_ctx *x, const pn_node *n, pg_data_store *d)
{
    size_t i;
    int rc;

    if ((rc = pg_policy__get_text_list(x, n, "name", &d->names, &d->n_names)) != PG_OK)
        return rc;
    for (i = 0; i < d->n_names; i++)
        if (!valid_attribute(d->names[i], strlen(d->names[i])))
            return pg_policy__fail(x, n, "name: lists attribute paths (names and [N] indexes joined by '.')");
    return PG_OK;
}

static int load_store(const pn_ctx *x, const pn_node *key, const pn_node *n, pg_data_store *d)
{
    static const char *const keys[] = {"enabled", "holds", "name", "outcome", NULL};
    char q[PG_POLICY_QUOTE];
    const pn_node *v;
    size_t i;
    int rc;

    if (!valid_type(key->text))
        return pg_policy__fail(x, key, "data store %s is a resource type (lower-case letters, digits, '_') or a glob "
                                       "of one with '*' (aws_fsx_*)",
                               pg_policy__quote(q, sizeof q, key->text));
    if (!(d->type = pg_strdup(key->text)))
        return pg_error_oom(x->err);
    if ((rc = pg_policy__source_of(x, key, &d->source)) != PG_OK)
        return rc;
    if ((rc = pg_policy__want_map(x, n, "a data store")) != PG_OK ||
        (rc = pg_policy__check_keys(x, n, "a data store", keys)) != PG_OK)
        return rc;
    d->enabled = 1;
    if ((v = pg_policy__map_get(n, "enabled")) && (rc = pg_policy__get_bool(x, v, "enabled", &d->enabled)) != PG_OK)
        return rc;
    if (!d->enabled) {
        if (n->n != 2)
            return pg_policy__fail(x, n, "a data store with enabled: false takes the type out of the catalogue and "
                                         "holds nothing else");
        return PG_OK;
    }
    if (!(v = pg_policy__map_get(n, "holds")))
        return pg_policy__fail(x, n, "data store '%s' needs holds: (what a destroy loses, in words: \"every row of "
                                     "the database\")",
                               key->text);
    if ((rc = pg_policy__get_text(x, v, "holds", &d->holds)) != PG_OK)
        return rc;
    if ((v = pg_policy__map_get(n, "name")) && (rc = load_names(x, v, d)) != PG_OK)
        return rc;
    if (!(v = pg_policy__map_get(n, "outcome")) || (v->kind == PN_SCALAR && v->stype == PS_NULL))
        return PG_OK;
    if ((rc = pg_policy__want_seq(x, v, "outcome")) != PG_OK)
        return rc;
    if (v->n && !(d->outcomes = pg_calloc(v->n, sizeof *d->outcomes)))
        return pg_error_oom(x->err);
    for (i = 0; i < v->n; i++) {
        d->n_outcomes = i + 1; /* what is freed on failure */
        if ((rc = load_outcome(x, v->kids[i], &d->outcomes[i])) != PG_OK)
            return rc;
    }
    return PG_OK;
}

int pg_policy__load_data_stores(const pl_ctx *x, const pn_node *n)
{
    pg_policy *into = x->into;
    size_t i;
    int rc;

    if ((rc = pg_policy__want_map(&x->n, n, "data_stores")) != PG_OK)
        return rc;
    for (i = 0; i + 1 < n->n; i += 2) {
        pg_data_store *d;
        if ((rc = PG_GROW(into->stores, into->cap_stores, into->n_stores + 1, x->n.err)) != PG_OK)
            return rc;
        if (!(d = pg_calloc(1, sizeof *d)))
            return pg_error_oom(x->n.err);
        into->stores[into->n_stores++] = d; /* owned by the staging policy, even half-loaded */
        if ((rc = load_store(&x->n, n->kids[i], n->kids[i + 1], d)) != PG_OK)
            return rc;
    }
    return PG_OK;
}

/* ---- merging ---------------------------------------------------------------------------- */

int pg_policy__reserve_data_stores(pg_policy *p, const pg_policy *from, pg_error *err)
{
    return PG_GROW(p->stores, p->cap_stores, p->n_stores + from->n_stores, err);
}

/* A later definition of a type replaces the earlier one whole, in its
 * place: the order of first definition is the order globs are tried in.
 * Room was reserved (pg_policy__reserve_data_stores): nothing fails. */
void pg_policy__merge_data_stores(pg_policy *p, pg_policy *from)
{
    size_t i, k;

    for (i = 0; i < from->n_stores; i++) {
        pg_data_store *d = from->stores[i];
        for (k = 0; k < p->n_stores && strcmp(p->stores[k]->type, d->type) != 0; k++)
            ;
        if (k < p->n_stores)
            store_free(p->stores[k]);
        else
            p->n_stores++;
        p->stores[k] = d;
    }
    from->n_stores = 0;
}

/* ---- lookups ---------------------------------------------------------------------------- */

const char *pg_store_effect_name(pg_store_effect e)
{
    switch (e) {
    case PG_STORE_SOFTENS:
        return "softens";
    case PG_STORE_HARDENS:
        return "hardens";
    case PG_STORE_BLOCKS:
        return "blocks";
    case PG_STORE_SPARES:
        return "spares";
    }
    return "?";
}

const pg_data_store *pg_policy_data_store_find(const pg_policy *p, const char *type)
{
    size_t i;

    if (!p || !type)
        return NULL;
    for (i = 0; i < p->n_stores; i++)
        if (strcmp(p->stores[i]->type, type) == 0)
            return p->stores[i]->enabled ? p->stores[i] : NULL;
    for (i = 0; i < p->n_stores; i++)
        if (p->stores[i]->enabled && strchr(p->stores[i]->type, '*') && pg_policy__glob(p->stores[i]->type, type, 0))
            return p->stores[i];
    return NULL;
}

size_t pg_policy_data_store_count(const pg_policy *p)
{
    return p ? p->n_stores : 0;
}

const pg_data_store *pg_policy_data_store_at(const pg_policy *p, size_t i)
{
    return p && i < p->n_stores ? p->stores[i] : NULL;
}

int pg_policy_store_outcome_matches(const pg_store_outcome *o, const json_t *value)
{
    int unset = !value || json_is_null(value);

    if (!o->when_set)
        return !unset;
    if (json_is_null(o->when))
        return unset;
    return !unset && pg_policy__values_equal(value, o->when, 0);
}
