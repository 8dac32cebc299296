/* protect.c — `protect:` selectors (SPEC §4): loading them, and deciding
 * whether one matches a change about to be destroyed (pg_policy_protects,
 * which the protected-destroy detector and the report's destroy list ask).
 *
 * `address:` is an address pattern (address.c); `tags:` and environment
 * conditions read the change's tags through tags.c (what is destroyed, and
 * for a replace what replaces it too); `when:` paths say their side. A value
 * unknown at plan time makes `tags:` and `when:` hold: an unknown protects
 * (fail closed).
 */
#include "policy/policy_internal.h"

#include <stdio.h>
#include <string.h>

#include "plangate/alloc.h"
#include "util/buf.h"
#include "util/grow.h"

/* ---- loading ------------------------------------------------------------------------ */

/* "type aws_dynamodb_table, tag Environment = production or prod": what
 * reports say about a selector that has no description. */
static int selector_why(const pn_ctx *x, pg_selector *s)
{
    char v[200];
    pg_buf b;
    size_t i, j;
    int rc = PG_OK;

    pg_buf_init(&b, 511);
    for (i = 0; rc == PG_OK && i < s->n_types; i++)
        rc = pg_buf_addf(&b, NULL, "%s%s", i ? " or " : "type ", s->types[i]);
    if (rc == PG_OK && s->address)
        rc = pg_buf_addf(&b, NULL, "%saddress %s", b.len ? ", " : "", pg_policy__addr_text(s->address));
    if (rc == PG_OK && s->name)
        rc = pg_buf_addf(&b, NULL, "%sname %s", b.len ? ", " : "", s->name);
    for (i = 0; rc == PG_OK && i < s->n_tags; i++) {
        rc = pg_buf_addf(&b, NULL, "%stag %s = ", b.len ? ", " : "", s->tags[i].key);
        for (j = 0; rc == PG_OK && j < json_array_size(s->tags[i].values); j++) {
            pg_value_text(json_array_get(s->tags[i].values, j), v, sizeof v);
            rc = pg_buf_addf(&b, NULL, "%s%s", j ? " or " : "", v);
        }
    }
    if (rc == PG_OK && s->when)
        rc = pg_buf_addf(&b, NULL, "%swhen %s", b.len ? ", " : "", s->when->text);
    /* A description past the cap ends at the last part that fitted. */
    if (rc == PG_ENOMEM || !(s->why = pg_buf_detach(&b, NULL))) {
        pg_buf_dispose(&b);
        return pg_error_oom(x->err);
    }
    return PG_OK;
}

static int load_tag(const pn_ctx *x, const pn_node *key, const pn_node *tv, pg_tag_sel *t)
{
    char q[PG_POLICY_QUOTE];
    json_t *v;
    size_t j;
    int rc;

    if (!(t->key = pg_strdup(key->text)) || !(t->values = json_array()))
        return pg_error_oom(x->err);
    for (j = 0; j < (tv->kind == PN_SEQ ? tv->n : 1); j++) {
        const pn_node *item = tv->kind == PN_SEQ ? tv->kids[j] : tv;
        if (item->kind != PN_SCALAR || item->stype == PS_NULL)
            return pg_policy__fail(x, item, "the value of tag %s must be a string or a list of strings, not %s",
                                   pg_policy__quote(q, sizeof q, t->key), pg_policy__node_kind_name(item));
        if ((rc = pg_policy__node_json(x, item, &v)) != PG_OK)
            return rc;
        if (json_array_append_new(t->values, v) != 0)
            return pg_error_oom(x->err);
    }
    if (json_array_size(t->values) == 0)
        return pg_policy__fail(x, tv, "the value of tag %s must not be an empty list",
                               pg_policy__quote(q, sizeof q, t->key));
    return PG_OK;
}

static int load_tags(const pn_ctx *x, const pn_node *v, pg_selector *s)
{
    size_t i;
    int rc;

    if ((rc = pg_policy__want_map(x, v, "tags")) != PG_OK)
        return rc;
    if (v->n == 0)
        return pg_policy__fail(x, v, "tags must name at least one tag");
    if (!(s->tags = pg_calloc(v->n / 2, sizeof *s->tags)))
        return pg_error_oom(x->err);
    for (i = 0; i + 1 < v->n; i += 2)
        if ((rc = load_tag(x, v->kids[i], v->kids[i + 1], &s->tags[s->n_tags++])) != PG_OK)
            return rc;
    return PG_OK;
}

static int load_selector(const pn_ctx *x, const pn_node *n, pg_selector **out)
{
    static const char *const keys[] = {"type", "address", "name", "tags", "when", "description", NULL};
    pg_selector *s;
    const pn_node *v;
    int rc;

    if ((rc = pg_policy__want_map(x, n, "a protect selector")) != PG_OK ||
        (rc = pg_policy__check_keys(x, n, "a protect selector", keys)) != PG_OK)
        return rc;
    if (!pg_policy__map_get(n, "type") && !pg_policy__map_get(n, "address") && !pg_policy__map_get(n, "name") &&
        !pg_policy__map_get(n, "tags") && !pg_policy__map_get(n, "when"))
        return pg_policy__fail(x, n, "a protect selector needs at least one of type, address, name, tags, when "
                                     "(to protect everything, write address: \"*\")");
    if (!(s = pg_calloc(1, sizeof *s)))
        return pg_error_oom(x->err);
    if ((v = pg_policy__map_get(n, "type")) && (rc = pg_policy__get_text_list(x, v, "type", &s->types, &s->n_types)) != PG_OK)
        goto fail;
    if ((v = pg_policy__map_get(n, "address")) && (rc = pg_policy__get_address(x, v, "address", &s->address)) != PG_OK)
        goto fail;
    if ((v = pg_policy__map_get(n, "name")) && (rc = pg_policy__get_text(x, v, "name", &s->name)) != PG_OK)
        goto fail;
    if ((v = pg_policy__map_get(n, "tags")) && (rc = load_tags(x, v, s)) != PG_OK)
        goto fail;
    if ((v = pg_policy__map_get(n, "when")) && (rc = pg_policy__cond_parse(x, v, 1, &s->when)) != PG_OK)
        goto fail;
    if ((v = pg_policy__map_get(n, "description")))
        rc = pg_policy__get_text(x, v, "description", &s->why);
    else
        rc = selector_why(x, s);
    if (rc != PG_OK)
        goto fail;
    *out = s;
    return PG_OK;
fail:
    pg_policy__selector_free(s);
    return rc;
}

int pg_policy__load_protect(const pl_ctx *x, const pn_node *n)
{
    pg_policy *into = x->into;
    size_t i;
    int rc;

    if ((rc = pg_policy__want_seq(&x->n, n, "protect")) != PG_OK)
        return rc;
    for (i = 0; i < n->n; i++) {
        if ((rc = PG_GROW(into->protect, into->cap_protect, into->n_protect + 1, x->n.err)) != PG_OK)
            return rc;
        if ((rc = load_selector(&x->n, n->kids[i], &into->protect[into->n_protect])) != PG_OK) {
            if ((rc = pg_policy__go_on(&x->n, rc)) != PG_OK)
                return rc;
            continue;
        }
        into->n_protect++;
    }
    return PG_OK;
}

/* ---- matching ------------------------------------------------------------------------ */

/* Does one tag hold one of the selector tag's values? Keys and values
 * compare case-insensitively (issue 13); an unknown value may. */
static pg_tri selector_tag(const void *ctx, const char *key, size_t key_len, const json_t *value, int unknown)
{
    const pg_tag_sel *t = ctx;
    size_t j;

    if (!key)
        return PT_UNKNOWN;
    if (!pg_policy__key_equal(key, key_len, t->key))
        return PT_FALSE;
    if (unknown)
        return PT_UNKNOWN;
    for (j = 0; value && j < json_array_size(t->values); j++)
        if (pg_policy__values_equal(value, json_array_get(t->values, j), 1))
            return PT_TRUE;
    return PT_FALSE;
}

/* Every listed tag must hold (tags.c reads them: every tag attribute, the
 * sides the change is judged on). Unknown protects: fail closed. */
static int tags_match(const pg_selector *s, const pg_change *c)
{
    size_t i;

    for (i = 0; i < s->n_tags; i++)
        if (pg_policy__tags_test(c, selector_tag, &s->tags[i]) == PT_FALSE)
            return 0;
    return 1;
}

static int selector_matches(const pg_policy *p, const pg_selector *s, const pg_change *c, int *match, pg_error *err)
{
    pg_tri t;
    int rc;

    *match = 0;
    if (s->n_types && !pg_policy__glob_any(s->types, s->n_types, c->type))
        return PG_OK;
    if (s->address) {
        if ((rc = pg_policy__addr_match(s->address, c->address, match, err)) != PG_OK || !*match)
            return rc;
        *match = 0;
    }
    if (s->name) {
        const json_t *n = json_object_get(c->before, "name");
        const char *name = json_is_string(n) ? json_string_value(n) : c->name;
        if (!name || !pg_policy__glob(s->name, name, 0))
            return PG_OK;
    }
    if (!tags_match(s, c))
        return PG_OK;
    if (s->when) {
        if ((rc = pg_policy__cond_eval(s->when, p, c, &t, err)) != PG_OK)
            return rc;
        /* Unknown protects: failing closed here means keeping the table. */
        if (t == PT_FALSE)
            return PG_OK;
    }
    *match = 1;
    return PG_OK;
}

int pg_policy_protects(const pg_policy *p, const pg_change *c, int *protected_out, const char **why_out,
                       pg_error *err)
{
    size_t i;
    int match, rc;

    *protected_out = 0;
    if (why_out)
        *why_out = NULL;
    if (!p || !c)
        return PG_OK;
    for (i = 0; i < p->n_protect; i++) {
        if ((rc = selector_matches(p, p->protect[i], c, &match, err)) != PG_OK) {
            /* the caller stops on the error; a stray read still says "protected" */
            *protected_out = 1;
            return rc;
        }
        if (match) {
            *protected_out = 1;
            if (why_out)
                *why_out = p->protect[i]->why;
            return PG_OK;
        }
    }
    return PG_OK;
}
