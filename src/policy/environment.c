/* environment.c — environments (issue 13): the one named notion of
 * "production" and its siblings. A trusted file defines them,
 *
 *     environments:
 *       production:
 *         production: true
 *         tags: { keys: [environment, env, stage], values: [production, prod, prd, live] }
 *
 * and selectors, rules and detectors ask about them: `{ environment: NAME }`
 * and `{ production: true }` conditions, pg_policy_change_environment and
 * pg_policy_is_production. A change is in the environment the plan declares
 * (--env, pg_policy_set_plan_environment) and in every environment whose
 * tags it carries (tags.c says which attributes and which side): the
 * declaration adds, it never takes away, so a table tagged production in a
 * plan declared staging is still production. A tag that is unknown at plan
 * time may be production: conditions see unknown (fail closed), and
 * pg_policy_is_production answers 1.
 *
 * Keys and values are globs (glob.c) compared case-insensitively. A later
 * file's definition of a name replaces the earlier one whole, in its place
 * (a team changes "production" in one place); a `--waivers` file may not hold
 * the section (document.c). Conditions name environments that a file loaded
 * so far (or the same file) defines: checked when the file loads.
 */
#include "policy/policy_internal.h"

#include <stdio.h>
#include <string.h>

#include "plangate/alloc.h"
#include "util/buf.h"
#include "util/grow.h"
#include "util/suggest.h"

/* ---- loading -------------------------------------------------------------------------- */

void pg_policy__environment_free(pg_environment *e)
{
    if (!e)
        return;
    pg_free(e->name);
    pg_free(e->source);
    pg_policy__free_text_list(e->keys, e->n_keys);
    pg_policy__free_text_list(e->values, e->n_values);
    pg_free(e);
}

static int load_env_tags(const pn_ctx *x, const pn_node *n, pg_environment *e)
{
    static const char *const keys[] = {"keys", "values", NULL};
    const pn_node *k, *v;
    int rc;

    if ((rc = pg_policy__want_map(x, n, "tags")) != PG_OK || (rc = pg_policy__check_keys(x, n, "tags", keys)) != PG_OK)
        return rc;
    if (!(k = pg_policy__map_get(n, "keys")) || !(v = pg_policy__map_get(n, "values")))
        return pg_policy__fail(x, n, "an environment's tags need keys: (tag names) and values: (what they hold), "
                                     "e.g. { keys: [environment, env], values: [production, prod] }");
    if ((rc = pg_policy__get_text_list(x, k, "keys", &e->keys, &e->n_keys)) != PG_OK)
        return rc;
    return pg_policy__get_text_list(x, v, "values", &e->values, &e->n_values);
}

static int load_env(const pn_ctx *x, const pn_node *key, const pn_node *n, pg_environment **out)
{
    static const char *const keys[] = {"production", "tags", NULL};
    char q[PG_POLICY_QUOTE];
    pg_environment *e;
    const pn_node *v;
    int rc;

    *out = NULL;
    if (!pg_policy__valid_id(key->text))
        return pg_policy__fail(x, key,
                               "environment name %s may hold only letters, digits, '-', '_' and '.' (starting with a "
                               "letter or digit)",
                               pg_policy__quote(q, sizeof q, key->text));
    /* a valid name holds only [A-Za-z0-9._-]: it is shown as it is */
    if ((rc = pg_policy__want_map(x, n, "an environment")) != PG_OK ||
        (rc = pg_policy__check_keys(x, n, "an environment", keys)) != PG_OK)
        return rc;
    if (!(v = pg_policy__map_get(n, "production")))
        return pg_policy__fail(x, n, "environment '%s' needs production: true or false (does it hold production "
                                     "data?)",
                               key->text);
    if (!(e = pg_calloc(1, sizeof *e)))
        return pg_error_oom(x->err);
    if (!(e->name = pg_strdup(key->text)))
        rc = pg_error_oom(x->err);
    if (rc == PG_OK)
        rc = pg_policy__get_bool(x, v, "production", &e->production);
    if (rc == PG_OK)
        rc = pg_policy__source_of(x, key, &e->source);
    if (rc == PG_OK && (v = pg_policy__map_get(n, "tags")))
        rc = load_env_tags(x, v, e);
    if (rc != PG_OK) {
        pg_policy__environment_free(e);
        return rc;
    }
    *out = e;
    return PG_OK;
}

int pg_policy__load_environments(const pl_ctx *x, const pn_node *n)
{
    pg_policy *into = x->into;
    size_t i;
    int rc;

    if ((rc = pg_policy__want_map(&x->n, n, "environments")) != PG_OK)
        return rc;
    for (i = 0; i + 1 < n->n; i += 2) {
        if ((rc = PG_GROW(into->environments, into->cap_environments, into->n_environments + 1, x->n.err)) != PG_OK)
            return rc;
        /* lint goes on with the next environment (pg_policy__go_on) */
        if ((rc = load_env(&x->n, n->kids[i], n->kids[i + 1], &into->environments[into->n_environments])) != PG_OK) {
            if ((rc = pg_policy__go_on(&x->n, rc)) != PG_OK)
                return rc;
            continue;
        }
        into->n_environments++;
    }
    return PG_OK;
}

/* ---- names ---------------------------------------------------------------------------- */

const pg_environment *pg_policy__find_environment(const pg_policy *p, const char *name)
{
    size_t i;

    for (i = 0; p && name && i < p->n_environments; i++)
        if (strcmp(p->environments[i]->name, name) == 0)
            return p->environments[i];
    return NULL;
}

/* "production, staging" (or "none") for messages; names are [A-Za-z0-9._-]. */
/* "; did you mean `production`?" for the nearest defined environment, or "". */
static void nearest_env(char *buf, size_t size, const char *name, const pg_policy *a, const pg_policy *b)
{
    const pg_policy *both[2] = {a, b};
    pg_suggest sg;
    size_t i, k;

    pg_suggest_init(&sg, name);
    for (k = 0; k < 2; k++)
        for (i = 0; both[k] && i < both[k]->n_environments; i++)
            pg_suggest_add(&sg, both[k]->environments[i]->name);
    pg_policy__did_you_mean(buf, size, pg_suggest_best(&sg));
}

static void known_names(const pg_policy *a, const pg_policy *b, char *buf, size_t size)
{
    const pg_policy *both[2] = {a, b};
    size_t o = 0, i, k;

    buf[0] = '\0';
    for (k = 0; k < 2; k++)
        for (i = 0; both[k] && i < both[k]->n_environments && o < size; i++)
            o += (size_t)snprintf(buf + o, size - o, "%s%s", o ? ", " : "", both[k]->environments[i]->name);
    if (!buf[0])
        snprintf(buf, size, "none");
}

static int any_production(const pg_policy *p)
{
    size_t i;

    for (i = 0; p && i < p->n_environments; i++)
        if (p->environments[i]->production)
            return 1;
    return 0;
}

/* The environment conditions under `c` name environments that exist. */
static int check_cond(const pl_ctx *x, const pg_cond *c)
{
    char q[PG_POLICY_QUOTE], names[256], hint[PG_POLICY_QUOTE + 24];
    pn_node at;
    size_t i;
    int rc;

    for (i = 0; i < c->n; i++)
        if ((rc = check_cond(x, c->kids[i])) != PG_OK)
            return rc;
    if (c->kind != PC_ENV)
        return PG_OK;
    memset(&at, 0, sizeof at);
    at.line = c->line;
    at.col = c->col;
    if (c->env_production) {
        if (any_production(x->into) || any_production(x->existing))
            return PG_OK;
        return pg_policy__fail(&x->n, &at, "no environment says production: true (define one under environments:, "
                                           "in this file or one loaded before it)");
    }
    for (i = 0; i < json_array_size(c->value); i++) {
        const char *name = json_string_value(json_array_get(c->value, i));
        if (pg_policy__find_environment(x->into, name) || pg_policy__find_environment(x->existing, name))
            continue;
        known_names(x->existing, x->into, names, sizeof names);
        nearest_env(hint, sizeof hint, name, x->existing, x->into);
        return pg_policy__fail(&x->n, &at,
                               "unknown environment %s%s (defined so far: %s; environments: in this file or one "
                               "loaded before it defines them)",
                               pg_policy__quote(q, sizeof q, name), hint, names);
    }
    return PG_OK;
}

int pg_policy__check_environment_refs(const pl_ctx *x)
{
    const pg_policy *p = x->into;
    size_t i, k;
    int rc;

    for (i = 0; i < p->n_rules; i++) {
        if (p->rules[i]->where && (rc = check_cond(x, p->rules[i]->where)) != PG_OK)
            return rc;
        for (k = 0; k < p->rules[i]->n_require; k++)
            if ((rc = check_cond(x, p->rules[i]->require[k])) != PG_OK)
                return rc;
    }
    for (i = 0; i < p->n_protect; i++)
        if (p->protect[i]->when && (rc = check_cond(x, p->protect[i]->when)) != PG_OK)
            return rc;
    return PG_OK;
}

/* ---- the plan's environment ------------------------------------------------------------- */

int pg_policy_set_plan_environment(pg_policy *p, const char *name, pg_error *err)
{
    const pg_environment *e;
    char q[PG_POLICY_QUOTE], names[256];
    char *copy;

    if (!p)
        return pg_error_set(err, PG_EINTERNAL, "no policy");
    if (!name) {
        pg_free(p->plan_environment);
        p->plan_environment = NULL;
        return PG_OK;
    }
    if (!(e = pg_policy__find_environment(p, name))) {
        char hint[PG_POLICY_QUOTE + 24];
        known_names(p, NULL, names, sizeof names);
        nearest_env(hint, sizeof hint, name, p, NULL);
        return pg_error_set(err, PG_EUSAGE, "unknown environment %s%s (the loaded policies define: %s)",
                            pg_policy__quote(q, sizeof q, name), hint, names);
    }
    if (!(copy = pg_strdup(e->name)))
        return pg_error_oom(err);
    pg_free(p->plan_environment);
    p->plan_environment = copy;
    return PG_OK;
}

const char *pg_policy_plan_environment(const pg_policy *p)
{
    return p ? p->plan_environment : NULL;
}

size_t pg_policy_environment_count(const pg_policy *p)
{
    return p ? p->n_environments : 0;
}

const char *pg_policy_environment_name(const pg_policy *p, size_t i, int *production_out)
{
    if (!p || i >= p->n_environments)
        return NULL;
    if (production_out)
        *production_out = p->environments[i]->production;
    return p->environments[i]->name;
}

/* ---- membership ------------------------------------------------------------------------- */

/* Surrounding blanks (spaces, tabs, line ends) are no part of a tag's
 * meaning: "Environment " = "prod " is production. Trims [*s, *s + *len). */
static void trim(const char **s, size_t *len)
{
    while (*len && (**s == ' ' || **s == '\t' || **s == '\n' || **s == '\r')) {
        (*s)++;
        (*len)--;
    }
    while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t' || (*s)[*len - 1] == '\n' ||
                    (*s)[*len - 1] == '\r'))
        (*len)--;
}

/* Does one tag put the change in environment `ctx`? Keys and values compare
 * without regard to case and without surrounding blanks. */
static pg_tri env_tag(const void *ctx, const char *key, size_t key_len, const json_t *value, int unknown)
{
    const pg_environment *e = ctx;
    const char *v;
    size_t i, v_len;
    int key_hit = 0;

    if (!key)
        return PT_UNKNOWN;
    trim(&key, &key_len);
    for (i = 0; i < e->n_keys && !key_hit; i++)
        key_hit = pg_policy__glob_n(e->keys[i], key, key_len, 1);
    if (!key_hit)
        return PT_FALSE;
    if (unknown)
        return PT_UNKNOWN;
    if (!json_is_string(value))
        return PT_FALSE;
    v = json_string_value(value);
    v_len = json_string_length(value);
    trim(&v, &v_len);
    for (i = 0; i < e->n_values; i++)
        if (pg_policy__glob_n(e->values[i], v, v_len, 1))
            return PT_TRUE;
    return PT_FALSE;
}

/* By its tags only (the declared environment aside). */
static pg_tri tagged(const pg_environment *e, const pg_change *c)
{
    return e->n_keys ? pg_policy__tags_test(c, env_tag, e) : PT_FALSE;
}

static pg_tri member(const pg_policy *p, const pg_environment *e, const pg_change *c)
{
    if (p->plan_environment && strcmp(p->plan_environment, e->name) == 0)
        return PT_TRUE;
    return tagged(e, c);
}

static pg_tri or3(pg_tri a, pg_tri b)
{
    return a == PT_TRUE || b == PT_TRUE ? PT_TRUE : a == PT_UNKNOWN || b == PT_UNKNOWN ? PT_UNKNOWN : PT_FALSE;
}

static pg_tri production(const pg_policy *p, const pg_change *c)
{
    pg_tri t = PT_FALSE;
    size_t i;

    for (i = 0; p && i < p->n_environments && t != PT_TRUE; i++)
        if (p->environments[i]->production)
            t = or3(t, member(p, p->environments[i], c));
    return t;
}

pg_tri pg_policy__env_cond(const pg_policy *p, const pg_cond *cond, const pg_change *c)
{
    const pg_environment *e;
    pg_tri t = PT_FALSE;
    size_t i;

    if (cond->env_production) {
        t = production(p, c);
        return cond->flag ? t : t == PT_TRUE ? PT_FALSE : t == PT_FALSE ? PT_TRUE : PT_UNKNOWN;
    }
    for (i = 0; i < json_array_size(cond->value) && t != PT_TRUE; i++)
        /* a name no file defines (a policy built without the load-time check)
         * cannot be judged: unknown, which fails closed where it sits */
        t = or3(t, (e = pg_policy__find_environment(p, json_string_value(json_array_get(cond->value, i))))
                       ? member(p, e, c)
                       : PT_UNKNOWN);
    return t;
}

int pg_policy_change_environment(const pg_policy *p, const pg_change *c, const char **name_out, pg_error *err)
{
    const pg_environment *e;
    size_t i;

    (void)err; /* nothing here allocates; the signature leaves room */
    *name_out = NULL;
    if (!p || !c)
        return PG_OK;
    if ((e = pg_policy__find_environment(p, p->plan_environment))) {
        *name_out = e->name;
        return PG_OK;
    }
    for (i = 0; i < p->n_environments; i++)
        if (tagged(p->environments[i], c) == PT_TRUE) {
            *name_out = p->environments[i]->name;
            return PG_OK;
        }
    return PG_OK;
}

int pg_policy_is_production(const pg_policy *p, const pg_change *c, int *out, pg_error *err)
{
    (void)err;
    *out = p && c && production(p, c) != PT_FALSE;
    return PG_OK;
}
