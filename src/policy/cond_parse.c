/* cond_parse.c — the condition language (SPEC §4): a mapping with a path and
 * one operator, an environment test (`environment:`, `production:`; issue
 * 13), or all:/any:/not: combinators, parsed from the node tree into
 * pg_cond, with every operator, operand, regex and modifier checked at load
 * time so that evaluation (cond_eval.c) cannot fail on a malformed
 * condition. Each condition also gets a one-line text for descriptions
 * ("after.x equals 1"), built from pg_value_text like every value shown.
 */
#include "policy/policy_internal.h"

#include <stdio.h>
#include <string.h>

#include "plangate/alloc.h"
#include "util/suggest.h"

const char *const pg_policy__op_names[OP_COUNT_] = {
    "equals",   "not_equals",   "in",      "not_in",        "matches",
    "glob",     "exists",       "contains", "greater_than", "less_than",
    "changed",  "length_equals", "length_greater_than", "length_less_than",
};

/* Descriptions are for a human reading a report line: this long at most. */
#define COND_TEXT_MAX 512u

static const char *const leaf_extra_keys[] = {"path", "every", "if_unknown", "ignore_case", NULL};

static int op_from_name(const char *k)
{
    int i;

    for (i = 0; i < (int)OP_COUNT_; i++)
        if (strcmp(k, pg_policy__op_names[i]) == 0)
            return i;
    return -1;
}

static int is_extra_key(const char *k)
{
    size_t i;

    for (i = 0; leaf_extra_keys[i]; i++)
        if (strcmp(k, leaf_extra_keys[i]) == 0)
            return 1;
    return 0;
}

/* "equals, not_equals, ..." */
static void op_list(char *buf, size_t size)
{
    size_t o = 0, i;

    buf[0] = '\0';
    for (i = 0; i < OP_COUNT_ && o < size; i++)
        o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? ", " : "", pg_policy__op_names[i]);
}

/* ---- descriptions --------------------------------------------------------------- */

/* The operand as descriptions show it: pg_value_text, but an exact number
 * (compare.c) as its text, also as an item of a list. */
static void operand_text(const json_t *v, char *buf, size_t size)
{
    size_t o, i;

    if (pg_policy__is_exact_number(v)) {
        snprintf(buf, size, "%s", pg_policy__exact_number_text(v));
        return;
    }
    for (i = 0; json_is_array(v) && i < json_array_size(v); i++)
        if (pg_policy__is_exact_number(json_array_get(v, i)))
            break;
    if (!json_is_array(v) || i == json_array_size(v)) {
        pg_value_text(v, buf, size);
        return;
    }
    o = (size_t)snprintf(buf, size, "[");
    for (i = 0; i < json_array_size(v) && o < size; i++) {
        o += (size_t)snprintf(buf + o, size - o, "%s", i ? "," : "");
        if (o < size)
            operand_text(json_array_get(v, i), buf + o, size - o);
        o += strlen(buf + o);
    }
    if (o < size)
        snprintf(buf + o, size - o, "]");
}

static int leaf_text(const pn_ctx *x, pg_cond *c)
{
    char val[160], buf[COND_TEXT_MAX];

    if (c->op == OP_EXISTS)
        snprintf(buf, sizeof buf, "%s %s", c->path.text, c->flag ? "exists" : "is absent");
    else if (c->op == OP_CHANGED)
        snprintf(buf, sizeof buf, "%s %s", c->path.text, c->flag ? "changed" : "is unchanged");
    else {
        operand_text(c->value, val, sizeof val);
        snprintf(buf, sizeof buf, "%s%s %s %s", c->every ? "every " : "", c->path.text,
                 pg_policy__op_names[c->op], val);
    }
    return (c->text = pg_strdup(buf)) ? PG_OK : pg_error_oom(x->err);
}

static int combo_text(const pn_ctx *x, pg_cond *c)
{
    char buf[COND_TEXT_MAX];
    size_t o, i;

    o = (size_t)snprintf(buf, sizeof buf, "%s",
                         c->kind == PC_ALL ? "all of (" : c->kind == PC_ANY ? "any of (" : "not (");
    for (i = 0; i < c->n && o < sizeof buf; i++)
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s", i ? "; " : "", c->kids[i]->text);
    if (o < sizeof buf)
        snprintf(buf + o, sizeof buf - o, ")");
    return (c->text = pg_strdup(buf)) ? PG_OK : pg_error_oom(x->err);
}

/* ---- combinators ------------------------------------------------------------------ */

static int parse_if_unknown(const pn_ctx *x, const pn_node *v, pc_unknown *out)
{
    char q[PG_POLICY_QUOTE];

    if (v->kind == PN_SCALAR && v->stype == PS_STR && strcmp(v->text, "pass") == 0)
        *out = PU_PASS;
    else if (v->kind == PN_SCALAR && v->stype == PS_STR && strcmp(v->text, "fail") == 0)
        *out = PU_FAIL;
    else
        return pg_policy__fail(x, v, "if_unknown must be pass or fail, not %s",
                               v->text ? pg_policy__quote(q, sizeof q, v->text) : pg_policy__node_kind_name(v));
    return PG_OK;
}

static pg_cond *cond_new(const pn_ctx *x, pc_kind kind, size_t kids)
{
    pg_cond *c = pg_calloc(1, sizeof *c);

    if (c && kids && !(c->kids = pg_calloc(kids, sizeof *c->kids))) {
        pg_free(c);
        c = NULL;
    }
    if (!c)
        pg_error_oom(x->err);
    else
        c->kind = kind;
    return c;
}

/* A list of conditions (all of them, or any), from a list node. */
static int parse_cond_list(const pn_ctx *x, const pn_node *n, unsigned depth, pc_kind kind, pg_cond **out)
{
    pg_cond *c;
    size_t i;
    int rc;

    if (n->n == 0)
        return pg_policy__fail(x, n, "%s needs at least one condition",
                               kind == PC_ANY ? "'any'" : "a list of conditions");
    if (!(c = cond_new(x, kind, n->n)))
        return PG_ENOMEM;
    for (i = 0; i < n->n; i++) {
        if ((rc = pg_policy__cond_parse(x, n->kids[i], depth + 1, &c->kids[i])) != PG_OK) {
            pg_policy__cond_free(c);
            return rc;
        }
        c->n++;
    }
    if ((rc = combo_text(x, c)) != PG_OK) {
        pg_policy__cond_free(c);
        return rc;
    }
    *out = c;
    return PG_OK;
}

static int parse_not(const pn_ctx *x, const pn_node *val, unsigned depth, pg_cond **out)
{
    pg_cond *inner = NULL, *c;
    int rc;

    if (val->kind == PN_SEQ)
        rc = parse_cond_list(x, val, depth + 1, PC_ALL, &inner);
    else
        rc = pg_policy__cond_parse(x, val, depth + 1, &inner);
    if (rc != PG_OK)
        return rc;
    if (!(c = cond_new(x, PC_NOT, 1))) {
        pg_policy__cond_free(inner);
        return PG_ENOMEM;
    }
    c->kids[0] = inner;
    c->n = 1;
    if ((rc = combo_text(x, c)) != PG_OK) {
        pg_policy__cond_free(c);
        return rc;
    }
    *out = c;
    return PG_OK;
}

static int parse_combinator(const pn_ctx *x, const pn_node *n, const pn_node *key, const pn_node *val,
                            unsigned depth, pg_cond **out)
{
    pg_cond *c = NULL;
    const pn_node *iu;
    char q[PG_POLICY_QUOTE];
    size_t i;
    int rc;

    for (i = 0; i + 1 < n->n; i += 2) {
        const char *k = n->kids[i]->text;
        if (n->kids[i] != key && strcmp(k, "if_unknown") != 0)
            return pg_policy__fail(x, n->kids[i], "a condition with '%s' takes no other key than if_unknown (found %s)",
                                   key->text, pg_policy__quote(q, sizeof q, k));
    }
    if (strcmp(key->text, "not") == 0) {
        rc = parse_not(x, val, depth, &c);
    } else {
        if (val->kind != PN_SEQ)
            return pg_policy__fail(x, val, "'%s' takes a list of conditions, not %s", key->text,
                                   pg_policy__node_kind_name(val));
        rc = parse_cond_list(x, val, depth, strcmp(key->text, "all") == 0 ? PC_ALL : PC_ANY, &c);
    }
    if (rc != PG_OK)
        return rc;
    if ((iu = pg_policy__map_get(n, "if_unknown")) && (rc = parse_if_unknown(x, iu, &c->if_unknown)) != PG_OK) {
        pg_policy__cond_free(c);
        return rc;
    }
    *out = c;
    return PG_OK;
}

/* ---- leaves ------------------------------------------------------------------------- */

static int is_string_op(pc_op op)
{
    return op == OP_EQUALS || op == OP_NOT_EQUALS || op == OP_IN || op == OP_NOT_IN || op == OP_MATCHES ||
           op == OP_GLOB || op == OP_CONTAINS;
}

static int null_operand(const pn_ctx *x, const pn_node *v, const char *op)
{
    return pg_policy__fail(x, v, "%s: null is no value here; test a missing or null value with exists: false", op);
}

static int is_null(const pn_node *v)
{
    return v->kind == PN_SCALAR && v->stype == PS_NULL;
}

/* A number operand (a scalar, or an item of a list operand) that a double
 * cannot hold exactly, 1e400 included, is its exact text (compare.c, issue
 * 13); anything else is pg_policy__node_json's (.inf and .nan: an error). */
static int is_number(const pn_node *v)
{
    return v->kind == PN_SCALAR && (v->stype == PS_FLOAT || (v->stype == PS_INT && !v->int_fits));
}

static int operand_json(const pn_ctx *x, const pn_node *v, int items, json_t **out)
{
    json_t *kid;
    size_t i;
    int rc;

    *out = NULL;
    if (is_number(v)) {
        if ((rc = pg_policy__exact_number(v->text, v->real, out)) == PG_ENOMEM)
            return pg_error_oom(x->err);
        if (rc == PG_OK)
            return PG_OK;
        /* not a decimal (.inf, .nan): the loader's own error */
        return pg_policy__node_json(x, v, out);
    }
    if (!items || v->kind != PN_SEQ)
        return pg_policy__node_json(x, v, out);
    if (!(*out = json_array()))
        return pg_error_oom(x->err);
    for (i = 0; i < v->n; i++) {
        if ((rc = operand_json(x, v->kids[i], 0, &kid)) != PG_OK) {
            json_decref(*out);
            *out = NULL;
            return rc;
        }
        if (json_array_append_new(*out, kid) != 0) {
            json_decref(*out);
            *out = NULL;
            return pg_error_oom(x->err);
        }
    }
    return PG_OK;
}

static int check_operand(const pn_ctx *x, pg_cond *c, const pn_node *v)
{
    const char *op = pg_policy__op_names[c->op];
    size_t i;

    switch (c->op) {
    case OP_EQUALS:
    case OP_NOT_EQUALS:
    case OP_CONTAINS:
        if (is_null(v))
            return null_operand(x, v, op);
        break;
    case OP_IN:
    case OP_NOT_IN:
        if (v->kind != PN_SEQ)
            return pg_policy__fail(x, v, "%s takes a list of values, not %s", op, pg_policy__node_kind_name(v));
        for (i = 0; i < v->n; i++)
            if (is_null(v->kids[i]))
                return null_operand(x, v->kids[i], op);
        break;
    case OP_MATCHES:
    case OP_GLOB:
        if (v->kind != PN_SCALAR || v->stype != PS_STR)
            return pg_policy__fail(x, v, "%s takes a string, not %s", op, pg_policy__node_kind_name(v));
        break;
    case OP_EXISTS:
    case OP_CHANGED:
        return pg_policy__get_bool(x, v, op, &c->flag);
    case OP_GREATER_THAN:
    case OP_LESS_THAN:
        if (v->kind != PN_SCALAR || (v->stype != PS_INT && v->stype != PS_FLOAT))
            return pg_policy__fail(x, v, "%s takes a number, not %s", op, pg_policy__node_kind_name(v));
        break;
    case OP_LENGTH_EQUALS:
    case OP_LENGTH_GREATER_THAN:
    case OP_LENGTH_LESS_THAN:
        if (v->kind != PN_SCALAR || v->stype != PS_INT || !v->int_fits || v->integer < 0)
            /* an integer's text is digits, a sign or 0x/0o: nothing to escape */
            return pg_policy__fail(x, v, "%s takes a whole number of 0 or more, not %s", op,
                                   v->kind == PN_SCALAR && v->stype == PS_INT ? v->text : pg_policy__node_kind_name(v));
        break;
    case OP_COUNT_:
        break;
    }
    /* Numbers a double cannot hold keep their text (issue 13), as the
     * operand and as the items of a list operand. */
    return operand_json(x, v, 1, &c->value);
}

/* The operator key of a leaf (exactly one), and that no other key is unknown. */
static int find_operator(const pn_ctx *x, const pn_node *n, pg_cond *c, const pn_node **opkey)
{
    char list[320], q[PG_POLICY_QUOTE];
    size_t i;

    *opkey = NULL;
    for (i = 0; i + 1 < n->n; i += 2) {
        const pn_node *k = n->kids[i];
        int op = op_from_name(k->text);
        if (op >= 0) {
            if (*opkey)
                return pg_policy__fail(x, k,
                                       "a condition takes one operator: found '%s' and '%s' (write two conditions under all:)",
                                       (*opkey)->text, k->text);
            *opkey = k;
            c->op = (pc_op)op;
        } else if (!is_extra_key(k->text)) {
            char hint[PG_POLICY_QUOTE + 24];
            pg_suggest s;
            size_t j;
            pg_suggest_init(&s, k->text);
            for (j = 0; j < OP_COUNT_; j++)
                pg_suggest_add(&s, pg_policy__op_names[j]);
            for (j = 0; leaf_extra_keys[j]; j++)
                pg_suggest_add(&s, leaf_extra_keys[j]);
            pg_suggest_add(&s, "all");
            pg_suggest_add(&s, "any");
            pg_suggest_add(&s, "not");
            pg_policy__did_you_mean(hint, sizeof hint, pg_suggest_best(&s));
            op_list(list, sizeof list);
            return pg_policy__fail(x, k, "unknown operator %s%s (expected one of: %s; or all, any, not)",
                                   pg_policy__quote(q, sizeof q, k->text), hint, list);
        }
    }
    return PG_OK;
}

static int parse_modifiers(const pn_ctx *x, const pn_node *n, const pn_node *opkey, pg_cond *c)
{
    const pn_node *v;
    int rc;

    if ((v = pg_policy__map_get(n, "every"))) {
        if ((rc = pg_policy__get_bool(x, v, "every", &c->every)) != PG_OK)
            return rc;
        if (c->op == OP_EXISTS || c->op == OP_CHANGED)
            return pg_policy__fail(x, v, "every has no meaning with %s", opkey->text);
    }
    if ((v = pg_policy__map_get(n, "if_unknown")) && (rc = parse_if_unknown(x, v, &c->if_unknown)) != PG_OK)
        return rc;
    if ((v = pg_policy__map_get(n, "ignore_case"))) {
        if ((rc = pg_policy__get_bool(x, v, "ignore_case", &c->icase)) != PG_OK)
            return rc;
        if (!is_string_op(c->op))
            return pg_policy__fail(x, v, "ignore_case has no meaning with %s", opkey->text);
    }
    return PG_OK;
}

static int parse_leaf(const pn_ctx *x, const pn_node *n, pg_cond **out)
{
    pg_cond *c = cond_new(x, PC_LEAF, 0);
    const pn_node *opkey = NULL, *path = NULL;
    char list[320], q[PG_POLICY_QUOTE];
    int rc = PG_OK;

    if (!c)
        return PG_ENOMEM;
    if ((rc = find_operator(x, n, c, &opkey)) != PG_OK)
        goto fail;
    if (!(path = pg_policy__map_get(n, "path"))) {
        rc = pg_policy__fail(x, n, "a condition needs a path (e.g. { path: after.tags.Environment, equals: production })");
        goto fail;
    }
    if (!opkey) {
        op_list(list, sizeof list);
        rc = pg_policy__fail(x, n, "the condition on %s has no operator (expected one of: %s)",
                             path->text ? pg_policy__quote(q, sizeof q, path->text) : "?", list);
        goto fail;
    }
    if ((rc = pg_policy__want_text(x, path, "path")) != PG_OK)
        goto fail;
    if ((rc = pg_policy__path_parse(&c->path, path->text, c->op == OP_CHANGED, x->err)) != PG_OK) {
        rc = rc == PG_EPOLICY ? pg_policy__at(x, path) : rc;
        goto fail;
    }
    if ((rc = parse_modifiers(x, n, opkey, c)) != PG_OK)
        goto fail;
    if ((rc = check_operand(x, c, pg_policy__map_get(n, opkey->text))) != PG_OK)
        goto fail;
    if (c->op == OP_MATCHES) {
        const pn_node *pattern = pg_policy__map_get(n, opkey->text);
        if ((rc = pg_policy__regex_compile(&c->re, pattern->text, c->icase, x->err)) != PG_OK) {
            rc = rc == PG_EPOLICY ? pg_policy__at(x, pattern) : rc;
            goto fail;
        }
        c->has_re = 1;
    }
    if ((rc = leaf_text(x, c)) != PG_OK)
        goto fail;
    *out = c;
    return PG_OK;
fail:
    pg_policy__cond_free(c);
    return rc;
}

/* ---- environments ------------------------------------------------------------------- */

/* `{ environment: NAME }`, `{ environment: [A, B] }` (in one of them), or
 * `{ production: true|false }` (in an environment marked production). The
 * names are checked once the whole file has loaded (environment.c): a
 * file may define an environment below the rule that uses it. */
static int parse_env(const pn_ctx *x, const pn_node *n, const pn_node *key, pg_cond **out)
{
    char q[PG_POLICY_QUOTE], buf[COND_TEXT_MAX];
    const pn_node *v = pg_policy__map_get(n, key->text), *iu;
    pg_cond *c;
    size_t i, o;
    int rc = PG_OK;

    for (i = 0; i + 1 < n->n; i += 2)
        if (n->kids[i] != key && strcmp(n->kids[i]->text, "if_unknown") != 0)
            return pg_policy__fail(x, n->kids[i], "a condition with '%s' takes no other key than if_unknown (found %s)",
                                   key->text, pg_policy__quote(q, sizeof q, n->kids[i]->text));
    if (!(c = cond_new(x, PC_ENV, 0)))
        return PG_ENOMEM;
    c->line = key->line;
    c->col = key->col;
    c->env_production = strcmp(key->text, "production") == 0;
    if (c->env_production) {
        rc = pg_policy__get_bool(x, v, "production", &c->flag);
        snprintf(buf, sizeof buf, "%s", c->flag ? "production" : "not production");
    } else if (v->kind == PN_SEQ && v->n == 0) {
        rc = pg_policy__fail(x, v, "environment must not be an empty list");
    } else if (!(c->value = json_array())) {
        rc = pg_error_oom(x->err);
    } else {
        o = (size_t)snprintf(buf, sizeof buf, "environment ");
        for (i = 0; rc == PG_OK && i < (v->kind == PN_SEQ ? v->n : 1); i++) {
            const pn_node *name = v->kind == PN_SEQ ? v->kids[i] : v;
            if ((rc = pg_policy__want_text(x, name, "an environment name")) != PG_OK)
                break;
            if (json_array_append_new(c->value, json_string(name->text)) != 0)
                rc = pg_error_oom(x->err);
            else if (o < sizeof buf)
                o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s", i ? " or " : "",
                                      pg_policy__quote(q, sizeof q, name->text));
        }
    }
    if (rc == PG_OK && (iu = pg_policy__map_get(n, "if_unknown")))
        rc = parse_if_unknown(x, iu, &c->if_unknown);
    if (rc == PG_OK && !(c->text = pg_strdup(buf)))
        rc = pg_error_oom(x->err);
    if (rc != PG_OK) {
        pg_policy__cond_free(c);
        return rc;
    }
    *out = c;
    return PG_OK;
}

int pg_policy__cond_parse(const pn_ctx *x, const pn_node *n, unsigned depth, pg_cond **out)
{
    const pn_node *combo = NULL, *combo_val = NULL;
    size_t i;

    *out = NULL;
    if (depth > PG_POLICY_MAX_DEPTH)
        return pg_policy__fail(x, n, "conditions nested deeper than %u levels (limit PG_POLICY_MAX_DEPTH)",
                               PG_POLICY_MAX_DEPTH);
    if (n->kind == PN_SEQ)
        return parse_cond_list(x, n, depth, PC_ALL, out);
    if (n->kind != PN_MAP)
        return pg_policy__fail(x, n, "a condition is a mapping such as { path: after.x, equals: 1 }, not %s",
                               pg_policy__node_kind_name(n));
    if (n->n == 0)
        return pg_policy__fail(x, n, "an empty condition");
    for (i = 0; i + 1 < n->n; i += 2) {
        const char *k = n->kids[i]->text;
        if ((strcmp(k, "environment") == 0 || strcmp(k, "production") == 0) && !pg_policy__map_get(n, "path"))
            return parse_env(x, n, n->kids[i], out);
        if (strcmp(k, "all") == 0 || strcmp(k, "any") == 0 || strcmp(k, "not") == 0) {
            if (combo)
                return pg_policy__fail(x, n->kids[i],
                                       "a condition takes one of all, any, not: found '%s' and '%s' (nest them)",
                                       combo->text, k);
            combo = n->kids[i];
            combo_val = n->kids[i + 1];
        }
    }
    if (combo)
        return parse_combinator(x, n, combo, combo_val, depth, out);
    return parse_leaf(x, n, out);
}

void pg_policy__cond_free(pg_cond *cond)
{
    size_t i;

    if (!cond)
        return;
    for (i = 0; i < cond->n; i++)
        pg_policy__cond_free(cond->kids[i]);
    pg_free(cond->kids);
    pg_policy__path_dispose(&cond->path);
    json_decref(cond->value);
    if (cond->has_re)
        regfree(&cond->re);
    pg_free(cond->text);
    pg_free(cond);
}
