/* schema.c — typed loading of a policy document (SPEC §4, version 1).
 *
 * Every key is checked against the keys its place allows, every value
 * against its type, every operator, regex, date, severity and action name
 * at load time, so a policy that loads cannot fail later for being
 * malformed. Each error points at the offending node (file:line:column).
 * Everything lands in a staging pg_policy; merge.c moves it into the
 * caller's policy only when the whole file loaded.
 */
#include "policy/policy_internal.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plangate/alloc.h"
#include "plangate/detect.h"

typedef struct ctx {
    const char *src;
    pg_error *err;
    pg_policy *into;
    const pg_policy *existing;
    const char *base_dir;
    int resolve;
} ctx;

#define FAIL(x, at, ...) pg_policy__fail((x)->err, (x)->src, (at), __VA_ARGS__)
#define NOMEM(x) pg_error_set((x)->err, PG_ENOMEM, "out of memory")

/* ---- small helpers ----------------------------------------------------------- */

/* "a, b, c" from the first `n` names, or up to a NULL when n is SIZE_MAX. */
static void join_n(char *buf, size_t size, const char *const *names, size_t n)
{
    size_t o = 0, i;

    buf[0] = '\0';
    for (i = 0; i < n && names[i] && o < size; i++)
        o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? ", " : "", names[i]);
}

static void join_names(char *buf, size_t size, const char *const *names)
{
    join_n(buf, size, names, SIZE_MAX);
}

static void join_ops(char *buf, size_t size)
{
    join_n(buf, size, pg_policy__op_names, OP_COUNT_);
}

static int check_keys(ctx *x, const pn_node *map, const char *what, const char *const *allowed)
{
    size_t i, j;
    char list[256];

    for (i = 0; i + 1 < map->n; i += 2) {
        const char *k = map->kids[i]->text;
        for (j = 0; allowed[j]; j++)
            if (strcmp(k, allowed[j]) == 0)
                break;
        if (!allowed[j]) {
            join_names(list, sizeof list, allowed);
            return FAIL(x, map->kids[i], "unknown key '%s' in %s (expected one of: %s)", k, what, list);
        }
    }
    return PG_OK;
}

static int want_map(ctx *x, const pn_node *n, const char *what)
{
    if (n->kind != PN_MAP)
        return FAIL(x, n, "%s must be a mapping, not %s", what, pg_policy__node_kind_name(n));
    return PG_OK;
}

static int want_seq(ctx *x, const pn_node *n, const char *what)
{
    if (n->kind != PN_SEQ)
        return FAIL(x, n, "%s must be a list, not %s", what, pg_policy__node_kind_name(n));
    return PG_OK;
}

/* Strings are lenient about numbers (`reason: 2024` is the text "2024"),
 * strict about null, booleans and collections. */
static int want_text(ctx *x, const pn_node *n, const char *what)
{
    if (n->kind != PN_SCALAR || n->stype == PS_NULL || n->stype == PS_BOOL)
        return FAIL(x, n, "%s must be a string, not %s", what, pg_policy__node_kind_name(n));
    return PG_OK;
}

/* Trailing whitespace goes: a folded block (`description: >`) ends with a
 * newline that no report wants. */
static char *dup_trimmed(const char *s)
{
    size_t n = strlen(s);

    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    return pg_strndup(s, n);
}

static int get_nonempty_text(ctx *x, const pn_node *n, const char *what, char **out)
{
    int rc = want_text(x, n, what);

    if (rc != PG_OK)
        return rc;
    if (!(*out = dup_trimmed(n->text)))
        return NOMEM(x);
    if (**out == '\0') {
        pg_free(*out);
        *out = NULL;
        return FAIL(x, n, "%s must not be empty", what);
    }
    return PG_OK;
}

static int get_bool(ctx *x, const pn_node *n, const char *what, int *out)
{
    if (n->kind != PN_SCALAR || n->stype != PS_BOOL)
        return FAIL(x, n, "%s must be true or false, not %s", what, pg_policy__node_kind_name(n));
    *out = n->boolean;
    return PG_OK;
}

static int get_severity(ctx *x, const pn_node *n, pg_severity *out)
{
    int s;

    if (want_text(x, n, "severity") != PG_OK)
        return PG_EPOLICY;
    s = pg_severity_from_name(n->text);
    if (s < 0)
        return FAIL(x, n, "unknown severity '%s' (expected critical, high, medium, low or info)", n->text);
    *out = (pg_severity)s;
    return PG_OK;
}

/* `type: x` or `type: [x, y]`: a list of strings. */
static int get_text_list(ctx *x, const pn_node *n, const char *what, char ***out, size_t *count)
{
    size_t i, k = n->kind == PN_SEQ ? n->n : 1;
    char **list;

    if (n->kind == PN_SEQ && n->n == 0)
        return FAIL(x, n, "%s must not be an empty list", what);
    list = pg_calloc(k, sizeof *list);
    if (!list)
        return NOMEM(x);
    for (i = 0; i < k; i++) {
        const pn_node *item = n->kind == PN_SEQ ? n->kids[i] : n;
        int rc = get_nonempty_text(x, item, what, &list[i]);
        if (rc != PG_OK) {
            while (i > 0)
                pg_free(list[--i]);
            pg_free(list);
            return rc;
        }
    }
    *out = list;
    *count = k;
    return PG_OK;
}

static void free_text_list(char **list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        pg_free(list[i]);
    pg_free(list);
}

int pg_policy__valid_date(const char *s)
{
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d, i;

    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !(s[i] >= '0' && s[i] <= '9'))
            return 0;
    y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    m = (s[5] - '0') * 10 + (s[6] - '0');
    d = (s[8] - '0') * 10 + (s[9] - '0');
    if (m < 1 || m > 12 || d < 1 || d > days[m - 1])
        return 0;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 0;
    return 1;
}

/* ---- conditions ---------------------------------------------------------------- */

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

static void value_text(const json_t *v, char *buf, size_t size)
{
    if (json_is_string(v)) {
        snprintf(buf, size, "%s", json_string_value(v));
        return;
    }
    pg_value_text(v, buf, size);
}

static int leaf_text(pg_cond *c)
{
    char val[160], buf[512];

    if (c->op == OP_EXISTS)
        snprintf(buf, sizeof buf, "%s %s", c->path.text, c->flag ? "exists" : "is absent");
    else if (c->op == OP_CHANGED)
        snprintf(buf, sizeof buf, "%s %s", c->path.text, c->flag ? "changed" : "is unchanged");
    else {
        value_text(c->value, val, sizeof val);
        snprintf(buf, sizeof buf, "%s%s %s %s", c->every ? "every " : "", c->path.text,
                 pg_policy__op_names[c->op], val);
    }
    return (c->text = pg_strdup(buf)) ? PG_OK : PG_ENOMEM;
}

static int combo_text(pg_cond *c)
{
    char buf[512];
    size_t o, i;

    o = (size_t)snprintf(buf, sizeof buf, "%s", c->kind == PC_ALL ? "all of (" : c->kind == PC_ANY ? "any of (" : "not (");
    for (i = 0; i < c->n && o < sizeof buf; i++)
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s", i ? "; " : "", c->kids[i]->text);
    if (o < sizeof buf)
        snprintf(buf + o, sizeof buf - o, ")");
    return (c->text = pg_strdup(buf)) ? PG_OK : PG_ENOMEM;
}

static int parse_cond(ctx *x, const pn_node *n, unsigned depth, pg_cond **out);

static int parse_if_unknown(ctx *x, const pn_node *v, pc_unknown *out)
{
    if (v->kind == PN_SCALAR && v->stype == PS_STR && strcmp(v->text, "pass") == 0)
        *out = PU_PASS;
    else if (v->kind == PN_SCALAR && v->stype == PS_STR && strcmp(v->text, "fail") == 0)
        *out = PU_FAIL;
    else
        return FAIL(x, v, "if_unknown must be pass or fail, not '%s'", v->text ? v->text : pg_policy__node_kind_name(v));
    return PG_OK;
}

/* A list of conditions (all of them), from a list node. */
static int parse_cond_list(ctx *x, const pn_node *n, unsigned depth, pc_kind kind, pg_cond **out)
{
    pg_cond *c;
    size_t i;
    int rc;

    if (n->n == 0)
        return FAIL(x, n, "%s needs at least one condition",
                    kind == PC_ANY ? "'any'" : "a list of conditions");
    if (!(c = pg_calloc(1, sizeof *c)))
        return NOMEM(x);
    c->kind = kind;
    if (!(c->kids = pg_calloc(n->n, sizeof *c->kids))) {
        pg_free(c);
        return NOMEM(x);
    }
    for (i = 0; i < n->n; i++) {
        if ((rc = parse_cond(x, n->kids[i], depth + 1, &c->kids[i])) != PG_OK) {
            pg_policy__cond_free(c);
            return rc;
        }
        c->n++;
    }
    if (combo_text(c) != PG_OK) {
        pg_policy__cond_free(c);
        return NOMEM(x);
    }
    *out = c;
    return PG_OK;
}

static int parse_combinator(ctx *x, const pn_node *n, const pn_node *key, const pn_node *val,
                            unsigned depth, pg_cond **out)
{
    pg_cond *c = NULL;
    const pn_node *iu;
    size_t i;
    int rc;

    for (i = 0; i + 1 < n->n; i += 2) {
        const char *k = n->kids[i]->text;
        if (n->kids[i] != key && strcmp(k, "if_unknown") != 0)
            return FAIL(x, n->kids[i], "a condition with '%s' takes no other key than if_unknown (found '%s')",
                        key->text, k);
    }
    if (strcmp(key->text, "not") == 0) {
        pg_cond *inner = NULL;
        if (val->kind == PN_SEQ)
            rc = parse_cond_list(x, val, depth + 1, PC_ALL, &inner);
        else
            rc = parse_cond(x, val, depth + 1, &inner);
        if (rc != PG_OK)
            return rc;
        if (!(c = pg_calloc(1, sizeof *c)) || !(c->kids = pg_calloc(1, sizeof *c->kids))) {
            pg_free(c);
            pg_policy__cond_free(inner);
            return NOMEM(x);
        }
        c->kind = PC_NOT;
        c->kids[0] = inner;
        c->n = 1;
        if (combo_text(c) != PG_OK) {
            pg_policy__cond_free(c);
            return NOMEM(x);
        }
    } else {
        if (val->kind != PN_SEQ)
            return FAIL(x, val, "'%s' takes a list of conditions, not %s", key->text,
                        pg_policy__node_kind_name(val));
        if ((rc = parse_cond_list(x, val, depth, strcmp(key->text, "all") == 0 ? PC_ALL : PC_ANY, &c)) != PG_OK)
            return rc;
    }
    if ((iu = pg_policy__map_get(n, "if_unknown")) && (rc = parse_if_unknown(x, iu, &c->if_unknown)) != PG_OK) {
        pg_policy__cond_free(c);
        return rc;
    }
    *out = c;
    return PG_OK;
}

static int is_string_op(pc_op op)
{
    return op == OP_EQUALS || op == OP_NOT_EQUALS || op == OP_IN || op == OP_NOT_IN ||
           op == OP_MATCHES || op == OP_GLOB || op == OP_CONTAINS;
}

static int check_operand(ctx *x, pg_cond *c, const pn_node *v)
{
    const char *op = pg_policy__op_names[c->op];
    size_t i;

    switch (c->op) {
    case OP_EQUALS:
    case OP_NOT_EQUALS:
    case OP_CONTAINS:
        if (v->kind == PN_SCALAR && v->stype == PS_NULL)
            return FAIL(x, v, "%s: null is no value here; test a missing or null value with exists: false", op);
        break;
    case OP_IN:
    case OP_NOT_IN:
        if (v->kind != PN_SEQ)
            return FAIL(x, v, "%s takes a list of values, not %s", op, pg_policy__node_kind_name(v));
        for (i = 0; i < v->n; i++)
            if (v->kids[i]->kind == PN_SCALAR && v->kids[i]->stype == PS_NULL)
                return FAIL(x, v->kids[i], "%s: null is no value here; test a missing or null value with exists: false", op);
        break;
    case OP_MATCHES:
    case OP_GLOB:
        if (v->kind != PN_SCALAR || v->stype != PS_STR)
            return FAIL(x, v, "%s takes a string, not %s", op, pg_policy__node_kind_name(v));
        break;
    case OP_EXISTS:
    case OP_CHANGED:
        return get_bool(x, v, op, &c->flag);
    case OP_GREATER_THAN:
    case OP_LESS_THAN:
        if (v->kind != PN_SCALAR || (v->stype != PS_INT && v->stype != PS_FLOAT))
            return FAIL(x, v, "%s takes a number, not %s", op, pg_policy__node_kind_name(v));
        break;
    case OP_LENGTH_EQUALS:
    case OP_LENGTH_GREATER_THAN:
    case OP_LENGTH_LESS_THAN:
        if (v->kind != PN_SCALAR || v->stype != PS_INT || !v->int_fits || v->integer < 0)
            return FAIL(x, v, "%s takes a whole number of 0 or more, not %s", op,
                        v->kind == PN_SCALAR && v->stype == PS_INT ? v->text : pg_policy__node_kind_name(v));
        break;
    case OP_COUNT_:
        break;
    }
    if (!(c->value = pg_policy__node_json(v)))
        return NOMEM(x);
    return PG_OK;
}

static int parse_leaf(ctx *x, const pn_node *n, pg_cond **out)
{
    pg_cond *c = pg_calloc(1, sizeof *c);
    const pn_node *opkey = NULL, *opval = NULL, *path = NULL, *v;
    char msg[PG_ERROR_MESSAGE_MAX - 64], list[320];
    size_t i;
    int rc = PG_OK;

    if (!c)
        return NOMEM(x);
    for (i = 0; i + 1 < n->n; i += 2) {
        const pn_node *k = n->kids[i];
        int op = op_from_name(k->text);
        if (op >= 0) {
            if (opkey) {
                rc = FAIL(x, k, "a condition takes one operator: found '%s' and '%s' (write two conditions under all:)",
                          opkey->text, k->text);
                goto fail;
            }
            opkey = k;
            opval = n->kids[i + 1];
            c->op = (pc_op)op;
        } else if (!is_extra_key(k->text)) {
            join_ops(list, sizeof list);
            rc = FAIL(x, k, "unknown operator '%s' (expected one of: %s; or all, any, not)", k->text, list);
            goto fail;
        }
    }
    if (!(path = pg_policy__map_get(n, "path"))) {
        rc = FAIL(x, n, "a condition needs a path (e.g. { path: after.tags.Environment, equals: production })");
        goto fail;
    }
    if (!opkey) {
        join_ops(list, sizeof list);
        rc = FAIL(x, n, "the condition on '%s' has no operator (expected one of: %s)",
                  path->text ? path->text : "?", list);
        goto fail;
    }
    c->kind = PC_LEAF;
    if ((rc = want_text(x, path, "path")) != PG_OK)
        goto fail;
    if ((rc = pg_policy__path_parse(&c->path, path->text, c->op == OP_CHANGED, msg, sizeof msg)) != 0) {
        rc = rc == PG_ENOMEM ? NOMEM(x) : FAIL(x, path, "%s", msg);
        goto fail;
    }
    if ((v = pg_policy__map_get(n, "every"))) {
        if ((rc = get_bool(x, v, "every", &c->every)) != PG_OK)
            goto fail;
        if (c->op == OP_EXISTS || c->op == OP_CHANGED) {
            rc = FAIL(x, v, "every has no meaning with %s", opkey->text);
            goto fail;
        }
    }
    if ((v = pg_policy__map_get(n, "if_unknown")) && (rc = parse_if_unknown(x, v, &c->if_unknown)) != PG_OK)
        goto fail;
    if ((v = pg_policy__map_get(n, "ignore_case"))) {
        if ((rc = get_bool(x, v, "ignore_case", &c->icase)) != PG_OK)
            goto fail;
        if (!is_string_op(c->op)) {
            rc = FAIL(x, v, "ignore_case has no meaning with %s", opkey->text);
            goto fail;
        }
    }
    if ((rc = check_operand(x, c, opval)) != PG_OK)
        goto fail;
    if (c->op == OP_MATCHES) {
        if ((rc = pg_policy__regex_compile(&c->re, opval->text, c->icase, msg, sizeof msg)) != PG_OK) {
            rc = rc == PG_ENOMEM ? NOMEM(x) : FAIL(x, opval, "%s", msg);
            goto fail;
        }
        c->has_re = 1;
    }
    if (leaf_text(c) != PG_OK) {
        rc = NOMEM(x);
        goto fail;
    }
    *out = c;
    return PG_OK;
fail:
    pg_policy__cond_free(c);
    return rc;
}

static int parse_cond(ctx *x, const pn_node *n, unsigned depth, pg_cond **out)
{
    size_t i;
    const pn_node *combo = NULL, *combo_val = NULL;

    if (depth > PG_POLICY_MAX_DEPTH)
        return FAIL(x, n, "conditions nested deeper than %u levels (limit PG_POLICY_MAX_DEPTH)", PG_POLICY_MAX_DEPTH);
    if (n->kind == PN_SEQ)
        return parse_cond_list(x, n, depth, PC_ALL, out);
    if (n->kind != PN_MAP)
        return FAIL(x, n, "a condition is a mapping such as { path: after.x, equals: 1 }, not %s",
                    pg_policy__node_kind_name(n));
    if (n->n == 0)
        return FAIL(x, n, "an empty condition");
    for (i = 0; i + 1 < n->n; i += 2) {
        const char *k = n->kids[i]->text;
        if (strcmp(k, "all") == 0 || strcmp(k, "any") == 0 || strcmp(k, "not") == 0) {
            if (combo)
                return FAIL(x, n->kids[i], "a condition takes one of all, any, not: found '%s' and '%s' (nest them)",
                            combo->text, k);
            combo = n->kids[i];
            combo_val = n->kids[i + 1];
        }
    }
    if (combo)
        return parse_combinator(x, n, combo, combo_val, depth, out);
    return parse_leaf(x, n, out);
}

/* ---- detectors, lock_tables ------------------------------------------------------ */

static int load_detectors(ctx *x, const pn_node *n)
{
    static const char *const keys[] = {"enabled", "severity", NULL};
    size_t i;
    int rc;

    if ((rc = want_map(x, n, "detectors")) != PG_OK)
        return rc;
    x->into->detectors = pg_calloc(n->n / 2 + 1, sizeof *x->into->detectors);
    if (!x->into->detectors)
        return NOMEM(x);
    for (i = 0; i + 1 < n->n; i += 2) {
        const pn_node *k = n->kids[i], *v = n->kids[i + 1], *e;
        pg_detector_setting *s = &x->into->detectors[x->into->n_detectors];
        pg_severity sev = PG_SEV_INFO; /* set by get_severity; gcc -O3 cannot see it */
        char what[160];

        if (!pg_detector_find(k->text))
            return FAIL(x, k, "unknown detector '%s' (`plangate explain` lists the built-in detectors)", k->text);
        snprintf(what, sizeof what, "the settings of detector '%s'", k->text);
        if ((rc = want_map(x, v, what)) != PG_OK || (rc = check_keys(x, v, what, keys)) != PG_OK)
            return rc;
        if (!(s->id = pg_strdup(k->text)))
            return NOMEM(x);
        s->enabled = -1;
        s->severity = -1;
        x->into->n_detectors++;
        if ((e = pg_policy__map_get(v, "enabled")) && (rc = get_bool(x, e, "enabled", &s->enabled)) != PG_OK)
            return rc;
        if ((e = pg_policy__map_get(v, "severity"))) {
            if ((rc = get_severity(x, e, &sev)) != PG_OK)
                return rc;
            s->severity = (int)sev;
        }
    }
    return PG_OK;
}

static int load_lock_tables(ctx *x, const pn_node *n)
{
    size_t i;
    int rc;

    if ((rc = want_seq(x, n, "lock_tables")) != PG_OK)
        return rc;
    if (!(x->into->lock_tables = pg_calloc(n->n + 1, sizeof *x->into->lock_tables)))
        return NOMEM(x);
    for (i = 0; i < n->n; i++) {
        if ((rc = get_nonempty_text(x, n->kids[i], "a lock_tables entry", &x->into->lock_tables[i])) != PG_OK)
            return rc;
        x->into->n_lock_tables++;
    }
    return PG_OK;
}

/* ---- protect --------------------------------------------------------------------- */

static int selector_why(pg_selector *s)
{
    char buf[512], v[200];
    size_t o = 0, i, j;

#define PUT(...) do { if (o < sizeof buf) o += (size_t)snprintf(buf + o, sizeof buf - o, __VA_ARGS__); } while (0)
    if (s->n_types) {
        PUT("type %s", s->types[0]);
        for (i = 1; i < s->n_types; i++)
            PUT(" or %s", s->types[i]);
    }
    if (s->address)
        PUT("%saddress %s", o ? ", " : "", s->address);
    if (s->name)
        PUT("%sname %s", o ? ", " : "", s->name);
    for (i = 0; i < s->n_tags; i++) {
        PUT("%stag %s = ", o ? ", " : "", s->tags[i].key);
        for (j = 0; j < json_array_size(s->tags[i].values); j++) {
            value_text(json_array_get(s->tags[i].values, j), v, sizeof v);
            PUT("%s%s", j ? " or " : "", v);
        }
    }
    if (s->when)
        PUT("%swhen %s", o ? ", " : "", s->when->text);
#undef PUT
    return (s->why = pg_strdup(buf)) ? PG_OK : PG_ENOMEM;
}

static int load_selector(ctx *x, const pn_node *n, pg_selector **out)
{
    static const char *const keys[] = {"type", "address", "name", "tags", "when", "description", NULL};
    pg_selector *s;
    const pn_node *v;
    int rc;
    size_t i;

    if ((rc = want_map(x, n, "a protect selector")) != PG_OK ||
        (rc = check_keys(x, n, "a protect selector", keys)) != PG_OK)
        return rc;
    if (!pg_policy__map_get(n, "type") && !pg_policy__map_get(n, "address") && !pg_policy__map_get(n, "name") &&
        !pg_policy__map_get(n, "tags") && !pg_policy__map_get(n, "when"))
        return FAIL(x, n, "a protect selector needs at least one of type, address, name, tags, when "
                          "(to protect everything, write address: \"*\")");
    if (!(s = pg_calloc(1, sizeof *s)))
        return NOMEM(x);
    if ((v = pg_policy__map_get(n, "type")) && (rc = get_text_list(x, v, "type", &s->types, &s->n_types)) != PG_OK)
        goto fail;
    if ((v = pg_policy__map_get(n, "address")) && (rc = get_nonempty_text(x, v, "address", &s->address)) != PG_OK)
        goto fail;
    if ((v = pg_policy__map_get(n, "name")) && (rc = get_nonempty_text(x, v, "name", &s->name)) != PG_OK)
        goto fail;
    if ((v = pg_policy__map_get(n, "tags"))) {
        if ((rc = want_map(x, v, "tags")) != PG_OK)
            goto fail;
        if (v->n == 0) {
            rc = FAIL(x, v, "tags must name at least one tag");
            goto fail;
        }
        if (!(s->tags = pg_calloc(v->n / 2, sizeof *s->tags))) {
            rc = NOMEM(x);
            goto fail;
        }
        for (i = 0; i + 1 < v->n; i += 2) {
            const pn_node *tv = v->kids[i + 1];
            pg_tag_sel *t = &s->tags[s->n_tags++];
            size_t j;
            if (!(t->key = pg_strdup(v->kids[i]->text)) || !(t->values = json_array())) {
                rc = NOMEM(x);
                goto fail;
            }
            for (j = 0; j < (tv->kind == PN_SEQ ? tv->n : 1); j++) {
                const pn_node *item = tv->kind == PN_SEQ ? tv->kids[j] : tv;
                if (item->kind != PN_SCALAR || item->stype == PS_NULL) {
                    rc = FAIL(x, item, "the value of tag '%s' must be a string or a list of strings, not %s",
                              t->key, pg_policy__node_kind_name(item));
                    goto fail;
                }
                if (json_array_append_new(t->values, pg_policy__node_json(item)) != 0) {
                    rc = NOMEM(x);
                    goto fail;
                }
            }
            if (json_array_size(t->values) == 0) {
                rc = FAIL(x, tv, "the value of tag '%s' must not be an empty list", t->key);
                goto fail;
            }
        }
    }
    if ((v = pg_policy__map_get(n, "when")) && (rc = parse_cond(x, v, 1, &s->when)) != PG_OK)
        goto fail;
    if ((v = pg_policy__map_get(n, "description"))) {
        if ((rc = get_nonempty_text(x, v, "description", &s->why)) != PG_OK)
            goto fail;
    } else if (selector_why(s) != PG_OK) {
        rc = NOMEM(x);
        goto fail;
    }
    *out = s;
    return PG_OK;
fail:
    pg_policy__selector_free(s);
    return rc;
}

static int load_protect(ctx *x, const pn_node *n)
{
    size_t i;
    int rc;

    if ((rc = want_seq(x, n, "protect")) != PG_OK)
        return rc;
    if (!(x->into->protect = pg_calloc(n->n + 1, sizeof *x->into->protect)))
        return NOMEM(x);
    for (i = 0; i < n->n; i++) {
        if ((rc = load_selector(x, n->kids[i], &x->into->protect[i])) != PG_OK)
            return rc;
        x->into->n_protect++;
    }
    return PG_OK;
}

/* ---- rules ----------------------------------------------------------------------- */

static const pg_rule *find_rule(const pg_policy *p, const char *id)
{
    size_t i;

    if (!p)
        return NULL;
    for (i = 0; i < p->n_rules; i++)
        if (strcmp(p->rules[i]->id, id) == 0)
            return p->rules[i];
    return NULL;
}

static int valid_id(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_' || *s == '.'))
            return 0;
    return 1;
}

static int load_match(ctx *x, pg_rule *r, const pn_node *n)
{
    static const char *const keys[] = {"type", "actions", "address", "where", NULL};
    const pn_node *v;
    int rc;
    size_t i;

    if ((rc = want_map(x, n, "match")) != PG_OK || (rc = check_keys(x, n, "match", keys)) != PG_OK)
        return rc;
    if ((v = pg_policy__map_get(n, "type")) && (rc = get_text_list(x, v, "type", &r->types, &r->n_types)) != PG_OK)
        return rc;
    if ((v = pg_policy__map_get(n, "address")) && (rc = get_nonempty_text(x, v, "address", &r->address)) != PG_OK)
        return rc;
    if ((v = pg_policy__map_get(n, "actions"))) {
        if (v->kind == PN_SEQ && v->n == 0)
            return FAIL(x, v, "actions must not be an empty list");
        r->actions = 0;
        for (i = 0; i < (v->kind == PN_SEQ ? v->n : 1); i++) {
            const pn_node *a = v->kind == PN_SEQ ? v->kids[i] : v;
            int act;
            if ((rc = want_text(x, a, "an action")) != PG_OK)
                return rc;
            act = pg_action_from_name(a->text);
            if (act < 0)
                return FAIL(x, a, "unknown action '%s' (expected create, update, replace, delete, read, no-op, forget or unknown)",
                            a->text);
            r->actions |= 1u << act;
        }
    }
    if ((v = pg_policy__map_get(n, "where")) && (rc = parse_cond(x, v, 1, &r->where)) != PG_OK)
        return rc;
    return PG_OK;
}

static int load_template(ctx *x, const pn_node *n, const char *what, pg_template *out)
{
    char msg[PG_ERROR_MESSAGE_MAX - 64];
    int rc;

    char *text;

    if ((rc = want_text(x, n, what)) != PG_OK)
        return rc;
    if (!(text = dup_trimmed(n->text)))
        return NOMEM(x);
    rc = pg_policy__template_parse(out, text, msg, sizeof msg);
    pg_free(text);
    if (rc == PG_ENOMEM)
        return NOMEM(x);
    if (rc != 0)
        return FAIL(x, n, "%s: %s", what, msg);
    return PG_OK;
}

/* The title as a template that prints it verbatim (braces doubled). */
static int title_template(ctx *x, pg_rule *r)
{
    size_t len = strlen(r->title), i, o = 0;
    char *esc = pg_malloc(2 * len + 1), msg[64];
    int rc;

    if (!esc)
        return NOMEM(x);
    for (i = 0; i < len; i++) {
        if (r->title[i] == '{' || r->title[i] == '}')
            esc[o++] = r->title[i];
        esc[o++] = r->title[i];
    }
    esc[o] = '\0';
    rc = pg_policy__template_parse(&r->message, esc, msg, sizeof msg);
    pg_free(esc);
    return rc == 0 ? PG_OK : NOMEM(x);
}

static char *resolve_plan(ctx *x, const char *path)
{
    size_t n;
    char *out;

    if (!x->resolve)
        return NULL;
    if (path[0] == '/' || !x->base_dir || !*x->base_dir)
        return pg_strdup(path);
    n = strlen(x->base_dir) + strlen(path) + 2;
    if ((out = pg_malloc(n)))
        snprintf(out, n, "%s/%s", x->base_dir, path);
    return out;
}

static int load_examples(ctx *x, pg_rule *r, const pn_node *n, pg_example_own ***list, size_t *count)
{
    static const char *const keys[] = {"plan", "expect", NULL};
    static const char *const expect_keys[] = {"address", "rule", NULL};
    size_t i, j;
    int rc;

    if ((rc = want_seq(x, n, "examples")) != PG_OK)
        return rc;
    if (!(*list = pg_calloc(n->n + 1, sizeof **list)))
        return NOMEM(x);
    for (i = 0; i < n->n; i++) {
        const pn_node *e = n->kids[i], *plan, *expect;
        pg_example_own *ex;
        char src[PG_ERROR_SOURCE_MAX + 32];

        if ((rc = want_map(x, e, "an example")) != PG_OK || (rc = check_keys(x, e, "an example", keys)) != PG_OK)
            return rc;
        if (!(plan = pg_policy__map_get(e, "plan")))
            return FAIL(x, e, "an example needs plan: (the plan fixture, relative to this file)");
        if (!(expect = pg_policy__map_get(e, "expect")))
            return FAIL(x, e, "an example needs expect: (a list of { address: ... }, [] when the rule must not fire)");
        if ((rc = want_text(x, plan, "plan")) != PG_OK || (rc = want_seq(x, expect, "expect")) != PG_OK)
            return rc;
        for (j = 0; j < expect->n; j++) {
            const pn_node *item = expect->kids[j], *a, *ru;
            if ((rc = want_map(x, item, "an expect entry")) != PG_OK ||
                (rc = check_keys(x, item, "an expect entry", expect_keys)) != PG_OK)
                return rc;
            if (!(a = pg_policy__map_get(item, "address")))
                return FAIL(x, item, "an expect entry needs address:");
            if ((rc = want_text(x, a, "address")) != PG_OK)
                return rc;
            if ((ru = pg_policy__map_get(item, "rule")) && (rc = want_text(x, ru, "rule")) != PG_OK)
                return rc;
        }
        if (!(ex = pg_calloc(1, sizeof *ex)))
            return NOMEM(x);
        (*list)[(*count)++] = ex;
        snprintf(src, sizeof src, "%s:%d", x->src, e->line);
        if (!(ex->rule = pg_strdup(r->id)) || !(ex->source = pg_strdup(src)) ||
            !(ex->expect = pg_policy__node_json(expect)))
            return NOMEM(x);
        ex->plan = resolve_plan(x, plan->text);
        if (x->resolve && !ex->plan)
            return NOMEM(x);
    }
    return PG_OK;
}

static int load_rule(ctx *x, const pn_node *n, pg_rule **out, pg_example_own ***ex, size_t *n_ex)
{
    static const char *const keys[] = {"id", "title", "severity", "description", "match", "require",
                                       "message", "remediation", "waivable", "examples", NULL};
    pg_rule *r;
    const pn_node *v, *id;
    const pg_rule *dup;
    char src[PG_ERROR_SOURCE_MAX + 32];
    int rc;
    size_t i;

    if ((rc = want_map(x, n, "a rule")) != PG_OK || (rc = check_keys(x, n, "a rule", keys)) != PG_OK)
        return rc;
    if (!(id = pg_policy__map_get(n, "id")))
        return FAIL(x, n, "a rule needs an id");
    if ((rc = want_text(x, id, "id")) != PG_OK)
        return rc;
    if (!valid_id(id->text))
        return FAIL(x, id, "rule id '%s' may hold only letters, digits, '-', '_' and '.' (starting with a letter or digit)",
                    id->text);
    if (pg_detector_find(id->text))
        return FAIL(x, id, "rule id '%s' is the id of a built-in detector (configure it under detectors:)", id->text);
    if ((dup = find_rule(x->into, id->text)) || (dup = find_rule(x->existing, id->text)))
        return FAIL(x, id, "duplicate rule id '%s' (first defined at %s)", id->text, dup->source);
    if (!pg_policy__map_get(n, "severity"))
        return FAIL(x, n, "rule '%s' needs a severity (critical, high, medium, low or info)", id->text);
    if (!(r = pg_calloc(1, sizeof *r)))
        return NOMEM(x);
    r->waivable = 1;
    r->line = id->line;
    r->col = id->col;
    r->actions = (1u << PG_ACTION_CREATE) | (1u << PG_ACTION_UPDATE) | (1u << PG_ACTION_REPLACE);
    snprintf(src, sizeof src, "%s:%d", x->src, n->line);
    if (!(r->id = pg_strdup(id->text)) || !(r->source = pg_strdup(src))) {
        rc = NOMEM(x);
        goto fail;
    }
    if ((rc = get_severity(x, pg_policy__map_get(n, "severity"), &r->severity)) != PG_OK)
        goto fail;
    if ((v = pg_policy__map_get(n, "title"))) {
        if ((rc = get_nonempty_text(x, v, "title", &r->title)) != PG_OK)
            goto fail;
    } else if (!(r->title = pg_strdup(r->id))) {
        rc = NOMEM(x);
        goto fail;
    }
    if ((v = pg_policy__map_get(n, "description")) && (rc = get_nonempty_text(x, v, "description", &r->description)) != PG_OK)
        goto fail;
    if ((v = pg_policy__map_get(n, "waivable")) && (rc = get_bool(x, v, "waivable", &r->waivable)) != PG_OK)
        goto fail;
    if ((v = pg_policy__map_get(n, "match")) && (rc = load_match(x, r, v)) != PG_OK)
        goto fail;
    if ((v = pg_policy__map_get(n, "require"))) {
        if ((v->kind == PN_SEQ && v->n == 0) || (v->kind == PN_SCALAR && v->stype == PS_NULL)) {
            rc = FAIL(x, v, "require is empty (leave require out to forbid every change the rule matches)");
            goto fail;
        }
        if (v->kind == PN_SEQ) {
            if (!(r->require = pg_calloc(v->n, sizeof *r->require))) {
                rc = NOMEM(x);
                goto fail;
            }
            for (i = 0; i < v->n; i++) {
                if ((rc = parse_cond(x, v->kids[i], 1, &r->require[i])) != PG_OK)
                    goto fail;
                r->n_require++;
            }
        } else {
            if (!(r->require = pg_calloc(1, sizeof *r->require))) {
                rc = NOMEM(x);
                goto fail;
            }
            if ((rc = parse_cond(x, v, 1, &r->require[0])) != PG_OK)
                goto fail;
            r->n_require = 1;
        }
    }
    if ((v = pg_policy__map_get(n, "message"))) {
        if ((rc = load_template(x, v, "message", &r->message)) != PG_OK)
            goto fail;
    } else if ((rc = title_template(x, r)) != PG_OK) {
        goto fail;
    }
    if ((v = pg_policy__map_get(n, "remediation"))) {
        if ((rc = load_template(x, v, "remediation", &r->remediation)) != PG_OK)
            goto fail;
        r->has_remediation = 1;
    }
    if ((v = pg_policy__map_get(n, "examples")) && (rc = load_examples(x, r, v, ex, n_ex)) != PG_OK)
        goto fail;
    r->meta.id = r->id;
    r->meta.title = r->title;
    r->meta.severity = r->severity;
    r->meta.description = r->description;
    r->meta.remediation = r->has_remediation ? r->remediation.text : NULL;
    r->meta.waivable = r->waivable;
    r->meta.source = r->source;
    *out = r;
    return PG_OK;
fail:
    pg_policy__rule_free(r);
    return rc;
}

static int load_rules(ctx *x, const pn_node *n)
{
    size_t i;
    int rc;

    if ((rc = want_seq(x, n, "rules")) != PG_OK)
        return rc;
    if (!(x->into->rules = pg_calloc(n->n + 1, sizeof *x->into->rules)))
        return NOMEM(x);
    for (i = 0; i < n->n; i++) {
        pg_example_own **ex = NULL;
        size_t n_ex = 0, j;
        rc = load_rule(x, n->kids[i], &x->into->rules[x->into->n_rules], &ex, &n_ex);
        if (rc == PG_OK) {
            x->into->n_rules++;
            if (n_ex) {
                pg_example_own **g = pg_realloc(x->into->examples_own, (x->into->n_examples + n_ex) * sizeof *g);
                if (!g) {
                    rc = NOMEM(x);
                } else {
                    x->into->examples_own = g;
                    for (j = 0; j < n_ex; j++)
                        g[x->into->n_examples++] = ex[j];
                    n_ex = 0;
                }
            }
        }
        for (j = 0; j < n_ex; j++)
            pg_policy__example_free(ex[j]);
        pg_free(ex);
        if (rc != PG_OK)
            return rc;
    }
    return PG_OK;
}

/* ---- waivers ------------------------------------------------------------------------ */

static int load_waiver(ctx *x, const pn_node *n, pg_waiver **out)
{
    static const char *const keys[] = {"rule", "address", "reason", "owner", "expires", NULL};
    pg_waiver *w;
    const pn_node *v;
    char src[PG_ERROR_SOURCE_MAX + 32];
    int rc;

    if ((rc = want_map(x, n, "a waiver")) != PG_OK || (rc = check_keys(x, n, "a waiver", keys)) != PG_OK)
        return rc;
    if (!pg_policy__map_get(n, "rule"))
        return FAIL(x, n, "a waiver needs rule: (the rule or detector id it waives)");
    if (!pg_policy__map_get(n, "address"))
        return FAIL(x, n, "a waiver needs address: (a glob of the addresses it covers)");
    if (!pg_policy__map_get(n, "reason"))
        return FAIL(x, n, "a waiver needs reason: (why the finding is accepted, e.g. a ticket)");
    if (!(w = pg_calloc(1, sizeof *w)))
        return NOMEM(x);
    snprintf(src, sizeof src, "%s:%d", x->src, n->line);
    if (!(w->source = pg_strdup(src))) {
        rc = NOMEM(x);
        goto fail;
    }
    if ((rc = get_nonempty_text(x, pg_policy__map_get(n, "rule"), "rule", &w->rule)) != PG_OK ||
        (rc = get_nonempty_text(x, pg_policy__map_get(n, "address"), "address", &w->address)) != PG_OK ||
        (rc = get_nonempty_text(x, pg_policy__map_get(n, "reason"), "reason", &w->reason)) != PG_OK)
        goto fail;
    if ((v = pg_policy__map_get(n, "owner")) && (rc = get_nonempty_text(x, v, "owner", &w->owner)) != PG_OK)
        goto fail;
    if ((v = pg_policy__map_get(n, "expires"))) {
        if (v->kind != PN_SCALAR || v->stype == PS_NULL || v->stype == PS_BOOL || !pg_policy__valid_date(v->text)) {
            rc = FAIL(x, v, "invalid date '%s' for expires (expected YYYY-MM-DD)",
                      v->kind == PN_SCALAR ? v->text : pg_policy__node_kind_name(v));
            goto fail;
        }
        if (!(w->expires = pg_strdup(v->text))) {
            rc = NOMEM(x);
            goto fail;
        }
    }
    *out = w;
    return PG_OK;
fail:
    pg_policy__waiver_free(w);
    return rc;
}

static int load_waivers(ctx *x, const pn_node *n)
{
    size_t i;
    int rc;

    if ((rc = want_seq(x, n, "waivers")) != PG_OK)
        return rc;
    if (!(x->into->waivers = pg_calloc(n->n + 1, sizeof *x->into->waivers)))
        return NOMEM(x);
    for (i = 0; i < n->n; i++) {
        if ((rc = load_waiver(x, n->kids[i], &x->into->waivers[i])) != PG_OK)
            return rc;
        x->into->n_waivers++;
    }
    return PG_OK;
}

/* ---- the document ---------------------------------------------------------------------- */

static const pn_node *section(const pn_node *root, const char *key)
{
    const pn_node *v = pg_policy__map_get(root, key);

    return v && v->kind == PN_SCALAR && v->stype == PS_NULL ? NULL : v;
}

int pg_policy__schema_load(pg_policy *into, const pg_policy *existing, const pn_node *root,
                           const char *source, const char *base_dir, int resolve, pg_error *err)
{
    static const char *const keys[] = {"version", "detectors", "lock_tables", "protect", "rules", "waivers", NULL};
    ctx x;
    const pn_node *v;
    int rc;

    x.src = source;
    x.err = err;
    x.into = into;
    x.existing = existing;
    x.base_dir = base_dir;
    x.resolve = resolve;
    if (!root || (root->kind == PN_SCALAR && root->stype == PS_NULL)) {
        pg_error_set(err, PG_EPOLICY, "empty policy file (expected a mapping that starts with version: 1)");
        pg_error_set_source(err, source);
        pg_error_at_line(err, 1, 1);
        return PG_EPOLICY;
    }
    if (root->kind != PN_MAP)
        return FAIL(&x, root, "a policy file is a mapping that starts with version: 1, not %s",
                    pg_policy__node_kind_name(root));
    if ((rc = check_keys(&x, root, "the policy file", keys)) != PG_OK)
        return rc;
    if (!(v = pg_policy__map_get(root, "version")))
        return FAIL(&x, root, "missing version: 1 (the policy language version)");
    if (v->kind != PN_SCALAR || v->stype != PS_INT || !v->int_fits || v->integer != 1)
        return FAIL(&x, v, "unsupported version '%s' (this plangate reads version: 1)",
                    v->kind == PN_SCALAR ? v->text : pg_policy__node_kind_name(v));
    /* A section left empty (`waivers:` with every entry commented out) is
     * null: it says nothing, which is what its author meant. */
    if ((v = section(root, "detectors")) && (rc = load_detectors(&x, v)) != PG_OK)
        return rc;
    if ((v = section(root, "lock_tables")) && (rc = load_lock_tables(&x, v)) != PG_OK)
        return rc;
    if ((v = section(root, "protect")) && (rc = load_protect(&x, v)) != PG_OK)
        return rc;
    if ((v = section(root, "rules")) && (rc = load_rules(&x, v)) != PG_OK)
        return rc;
    if ((v = section(root, "waivers")) && (rc = load_waivers(&x, v)) != PG_OK)
        return rc;
    return PG_OK;
}

/* ---- freeing ------------------------------------------------------------------------------ */

void pg_policy__rule_free(pg_rule *r)
{
    size_t i;

    if (!r)
        return;
    pg_free(r->id);
    pg_free(r->title);
    pg_free(r->description);
    pg_free(r->source);
    free_text_list(r->types, r->n_types);
    pg_free(r->address);
    pg_policy__cond_free(r->where);
    for (i = 0; i < r->n_require; i++)
        pg_policy__cond_free(r->require[i]);
    pg_free(r->require);
    pg_policy__template_dispose(&r->message);
    pg_policy__template_dispose(&r->remediation);
    pg_free(r);
}

void pg_policy__selector_free(pg_selector *s)
{
    size_t i;

    if (!s)
        return;
    free_text_list(s->types, s->n_types);
    pg_free(s->address);
    pg_free(s->name);
    for (i = 0; i < s->n_tags; i++) {
        pg_free(s->tags[i].key);
        json_decref(s->tags[i].values);
    }
    pg_free(s->tags);
    pg_policy__cond_free(s->when);
    pg_free(s->why);
    pg_free(s);
}

void pg_policy__waiver_free(pg_waiver *w)
{
    if (!w)
        return;
    pg_free(w->rule);
    pg_free(w->address);
    pg_free(w->reason);
    pg_free(w->owner);
    pg_free(w->expires);
    pg_free(w->source);
    pg_free(w);
}

void pg_policy__example_free(pg_example_own *e)
{
    if (!e)
        return;
    pg_free(e->rule);
    pg_free(e->plan);
    pg_free(e->source);
    json_decref(e->expect);
    pg_free(e);
}
