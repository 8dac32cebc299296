/* rule_load.c — the `rules:` section (SPEC §4): each rule's id, title,
 * severity, match (types, actions, address, where), require, message and
 * remediation templates, and its examples for `plangate test`.
 *
 * A rule id may be defined once across all files (checked against the
 * staging file and the policy it merges into). That a rule id is not the id
 * of a built-in detector is the detector module's check
 * (pg_detect_check_policy): the policy knows no detector (issue 12), so
 * each rule keeps the position of its id for it.
 */
#include "policy/policy_internal.h"

#include <stdio.h>
#include <string.h>

#include "plangate/alloc.h"
#include "util/buf.h"
#include "util/grow.h"
#include "util/suggest.h"

static int load_actions(const pn_ctx *x, pg_rule *r, const pn_node *v)
{
    char q[PG_POLICY_QUOTE];
    size_t i;
    int rc, act;

    if (v->kind == PN_SEQ && v->n == 0)
        return pg_policy__fail(x, v, "actions must not be an empty list");
    r->actions = 0;
    for (i = 0; i < (v->kind == PN_SEQ ? v->n : 1); i++) {
        const pn_node *a = v->kind == PN_SEQ ? v->kids[i] : v;
        if ((rc = pg_policy__want_text(x, a, "an action")) != PG_OK)
            return rc;
        if ((act = pg_action_from_name(a->text)) < 0) {
            static const char *const names[] = {"create", "update",  "replace", "delete", "read",
                                                "no-op",  "forget", "unknown", NULL};
            char hint[48];
            pg_policy__did_you_mean(hint, sizeof hint, pg_suggest_from(a->text, names));
            return pg_policy__fail(
                x, a, "unknown action %s%s (expected create, update, replace, delete, read, no-op, forget or unknown)",
                pg_policy__quote(q, sizeof q, a->text), hint);
        }
        r->actions |= 1u << act;
    }
    return PG_OK;
}

static int load_match(const pn_ctx *x, pg_rule *r, const pn_node *n)
{
    static const char *const keys[] = {"type", "actions", "address", "where", NULL};
    const pn_node *v;
    int rc;

    if ((rc = pg_policy__want_map(x, n, "match")) != PG_OK || (rc = pg_policy__check_keys(x, n, "match", keys)) != PG_OK)
        return rc;
    if ((v = pg_policy__map_get(n, "type")) && (rc = pg_policy__get_text_list(x, v, "type", &r->types, &r->n_types)) != PG_OK)
        return rc;
    if ((v = pg_policy__map_get(n, "address")) && (rc = pg_policy__get_address(x, v, "address", &r->address)) != PG_OK)
        return rc;
    if ((v = pg_policy__map_get(n, "actions")) && (rc = load_actions(x, r, v)) != PG_OK)
        return rc;
    if ((v = pg_policy__map_get(n, "where")) && (rc = pg_policy__cond_parse(x, v, 1, &r->where)) != PG_OK)
        return rc;
    return PG_OK;
}

/* A template from a node; trailing whitespace goes (YAML's `|` and `>`
 * blocks end with a newline), and an empty one is allowed. */
static int load_template(const pn_ctx *x, const pn_node *n, const char *what, pg_template *out)
{
    char *text, why[PG_ERROR_MESSAGE_MAX];
    int rc;

    if ((rc = pg_policy__want_text(x, n, what)) != PG_OK)
        return rc;
    if (!(text = pg_strndup(n->text, pg_policy__trimmed_len(n))))
        return pg_error_oom(x->err);
    rc = pg_policy__template_parse(out, text, x->err);
    pg_free(text);
    if (rc != PG_EPOLICY)
        return rc;
    snprintf(why, sizeof why, "%s", x->err ? x->err->message : "");
    return pg_policy__fail(x, n, "%s: %s", what, why);
}

/* The title as a template that prints it verbatim (braces doubled). */
static int title_template(const pn_ctx *x, pg_rule *r)
{
    pg_buf esc;
    const char *t;
    int rc = PG_OK;

    pg_buf_init(&esc, 0);
    for (t = r->title; *t && rc == PG_OK; t++) {
        if (*t == '{' || *t == '}')
            rc = pg_buf_addc(&esc, *t, x->err);
        if (rc == PG_OK)
            rc = pg_buf_addc(&esc, *t, x->err);
    }
    if (rc == PG_OK)
        rc = pg_policy__template_parse(&r->message, pg_buf_cstr(&esc), x->err);
    pg_buf_dispose(&esc);
    return rc == PG_OK ? PG_OK : pg_error_oom(x->err); /* a doubled brace cannot fail to parse */
}

/* ---- examples ---------------------------------------------------------------------- */

static int resolve_plan(const pl_ctx *x, const char *path, char **out)
{
    pg_buf b;

    *out = NULL;
    if (!x->resolve)
        return PG_OK;
    if (path[0] == '/' || !x->base_dir || !*x->base_dir)
        return (*out = pg_strdup(path)) ? PG_OK : pg_error_oom(x->n.err);
    pg_buf_init(&b, 0);
    if (pg_buf_addf(&b, x->n.err, "%s/%s", x->base_dir, path) != PG_OK || !(*out = pg_buf_detach(&b, NULL))) {
        pg_buf_dispose(&b);
        return pg_error_oom(x->n.err);
    }
    return PG_OK;
}

static int check_expect(const pn_ctx *x, const pn_node *expect)
{
    static const char *const expect_keys[] = {"address", "rule", NULL};
    size_t j;
    int rc;

    for (j = 0; j < expect->n; j++) {
        const pn_node *item = expect->kids[j], *a, *ru;
        if ((rc = pg_policy__want_map(x, item, "an expect entry")) != PG_OK ||
            (rc = pg_policy__check_keys(x, item, "an expect entry", expect_keys)) != PG_OK)
            return rc;
        if (!(a = pg_policy__map_get(item, "address")))
            return pg_policy__fail(x, item, "an expect entry needs address:");
        if ((rc = pg_policy__want_text(x, a, "address")) != PG_OK)
            return rc;
        if ((ru = pg_policy__map_get(item, "rule")) && (rc = pg_policy__want_text(x, ru, "rule")) != PG_OK)
            return rc;
    }
    return PG_OK;
}

static int load_example(const pl_ctx *x, const pg_rule *r, const pn_node *e)
{
    static const char *const keys[] = {"plan", "expect", NULL};
    pg_policy *into = x->into;
    const pn_node *plan, *expect;
    pg_example_own *ex;
    int rc;

    if ((rc = pg_policy__want_map(&x->n, e, "an example")) != PG_OK ||
        (rc = pg_policy__check_keys(&x->n, e, "an example", keys)) != PG_OK)
        return rc;
    if (!(plan = pg_policy__map_get(e, "plan")))
        return pg_policy__fail(&x->n, e, "an example needs plan: (the plan fixture, relative to this file)");
    if (!(expect = pg_policy__map_get(e, "expect")))
        return pg_policy__fail(&x->n, e, "an example needs expect: (a list of { address: ... }, [] when the rule must not fire)");
    if ((rc = pg_policy__want_text(&x->n, plan, "plan")) != PG_OK ||
        (rc = pg_policy__want_seq(&x->n, expect, "expect")) != PG_OK || (rc = check_expect(&x->n, expect)) != PG_OK)
        return rc;
    if ((rc = PG_GROW(into->examples_own, into->cap_examples, into->n_examples + 1, x->n.err)) != PG_OK)
        return rc;
    if (!(ex = pg_calloc(1, sizeof *ex)))
        return pg_error_oom(x->n.err);
    into->examples_own[into->n_examples++] = ex;
    if (!(ex->rule = pg_strdup(r->id)))
        return pg_error_oom(x->n.err);
    if ((rc = pg_policy__source_of(&x->n, e, &ex->source)) != PG_OK ||
        (rc = pg_policy__node_json(&x->n, expect, &ex->expect)) != PG_OK)
        return rc;
    return resolve_plan(x, plan->text, &ex->plan);
}

static int load_examples(const pl_ctx *x, const pg_rule *r, const pn_node *n)
{
    size_t i;
    int rc;

    if ((rc = pg_policy__want_seq(&x->n, n, "examples")) != PG_OK)
        return rc;
    for (i = 0; i < n->n; i++)
        if ((rc = load_example(x, r, n->kids[i])) != PG_OK)
            return rc;
    return PG_OK;
}

/* ---- a rule ------------------------------------------------------------------------ */

static int load_require(const pn_ctx *x, pg_rule *r, const pn_node *v)
{
    size_t i, k = v->kind == PN_SEQ ? v->n : 1;
    int rc;

    if ((v->kind == PN_SEQ && v->n == 0) || (v->kind == PN_SCALAR && v->stype == PS_NULL))
        return pg_policy__fail(x, v, "require is empty (leave require out to forbid every change the rule matches)");
    if (!(r->require = pg_calloc(k, sizeof *r->require)))
        return pg_error_oom(x->err);
    for (i = 0; i < k; i++) {
        if ((rc = pg_policy__cond_parse(x, v->kind == PN_SEQ ? v->kids[i] : v, 1, &r->require[i])) != PG_OK)
            return rc;
        r->n_require++;
    }
    return PG_OK;
}

/* The id: well-formed, and defined once across the files. */
static int check_id(const pl_ctx *x, const pn_node *n, const pn_node **out)
{
    const pn_node *id = pg_policy__map_get(n, "id");
    const pg_rule *dup;
    char q[PG_POLICY_QUOTE];
    int rc;

    *out = id;
    if (!id)
        return pg_policy__fail(&x->n, n, "a rule needs an id");
    if ((rc = pg_policy__want_text(&x->n, id, "id")) != PG_OK)
        return rc;
    if (!pg_policy__valid_id(id->text))
        return pg_policy__fail(&x->n, id,
                               "rule id %s may hold only letters, digits, '-', '_' and '.' (starting with a letter or digit)",
                               pg_policy__quote(q, sizeof q, id->text));
    /* a valid id holds only [A-Za-z0-9._-]: it is shown as it is */
    if ((dup = pg_policy__find_rule(x->into, id->text)) || (dup = pg_policy__find_rule(x->existing, id->text)))
        return pg_policy__fail(&x->n, id, "duplicate rule id '%s' (first defined at %s)", id->text, dup->source);
    if (!pg_policy__map_get(n, "severity"))
        return pg_policy__fail(&x->n, n, "rule '%s' needs a severity (critical, high, medium, low or info)", id->text);
    return PG_OK;
}

static int load_texts(const pn_ctx *x, pg_rule *r, const pn_node *n)
{
    const pn_node *v;
    int rc;

    if ((rc = pg_policy__get_severity(x, pg_policy__map_get(n, "severity"), &r->severity)) != PG_OK)
        return rc;
    if ((v = pg_policy__map_get(n, "title")))
        rc = pg_policy__get_text(x, v, "title", &r->title);
    else if (!(r->title = pg_strdup(r->id)))
        rc = pg_error_oom(x->err);
    if (rc == PG_OK && (v = pg_policy__map_get(n, "description")))
        rc = pg_policy__get_text(x, v, "description", &r->description);
    if (rc == PG_OK && (v = pg_policy__map_get(n, "waivable")))
        rc = pg_policy__get_bool(x, v, "waivable", &r->waivable);
    return rc;
}

static int load_behaviour(const pn_ctx *x, pg_rule *r, const pn_node *n)
{
    const pn_node *v;
    int rc = PG_OK;

    if ((v = pg_policy__map_get(n, "match")) && (rc = load_match(x, r, v)) != PG_OK)
        return rc;
    if ((v = pg_policy__map_get(n, "require")) && (rc = load_require(x, r, v)) != PG_OK)
        return rc;
    if ((v = pg_policy__map_get(n, "message")))
        rc = load_template(x, v, "message", &r->message);
    else
        rc = title_template(x, r);
    if (rc == PG_OK && (v = pg_policy__map_get(n, "remediation"))) {
        rc = load_template(x, v, "remediation", &r->remediation);
        r->has_remediation = rc == PG_OK;
    }
    return rc;
}

static void set_views(pg_rule *r)
{
    r->meta.id = r->id;
    r->meta.title = r->title;
    r->meta.severity = r->severity;
    r->meta.description = r->description;
    r->meta.remediation = r->has_remediation ? r->remediation.text : NULL;
    r->meta.waivable = r->waivable;
    r->meta.source = r->source;
    r->at.file = r->file;
}

static int load_rule(const pl_ctx *x, const pn_node *n, pg_rule **out)
{
    static const char *const keys[] = {"id", "title", "severity", "description", "match", "require",
                                       "message", "remediation", "waivable", "examples", NULL};
    const pn_node *id, *v;
    pg_rule *r;
    int rc;

    *out = NULL;
    if ((rc = pg_policy__want_map(&x->n, n, "a rule")) != PG_OK ||
        (rc = pg_policy__check_keys(&x->n, n, "a rule", keys)) != PG_OK || (rc = check_id(x, n, &id)) != PG_OK)
        return rc;
    if (!(r = pg_calloc(1, sizeof *r)))
        return pg_error_oom(x->n.err);
    r->waivable = 1;
    r->at.line = id->line;
    r->at.column = id->col;
    r->actions = (1u << PG_ACTION_CREATE) | (1u << PG_ACTION_UPDATE) | (1u << PG_ACTION_REPLACE);
    if (!(r->id = pg_strdup(id->text)) || !(r->file = pg_strdup(x->n.source)))
        rc = pg_error_oom(x->n.err);
    if (rc == PG_OK)
        rc = pg_policy__source_of(&x->n, n, &r->source);
    if (rc == PG_OK)
        rc = load_texts(&x->n, r, n);
    if (rc == PG_OK)
        rc = load_behaviour(&x->n, r, n);
    if (rc == PG_OK && (v = pg_policy__map_get(n, "examples")))
        rc = load_examples(x, r, v);
    if (rc != PG_OK) {
        pg_policy__rule_free(r);
        return rc;
    }
    set_views(r);
    *out = r;
    return PG_OK;
}

int pg_policy__load_rules(const pl_ctx *x, const pn_node *n)
{
    pg_policy *into = x->into;
    size_t i;
    int rc;

    if ((rc = pg_policy__want_seq(&x->n, n, "rules")) != PG_OK)
        return rc;
    for (i = 0; i < n->n; i++) {
        if ((rc = PG_GROW(into->rules, into->cap_rules, into->n_rules + 1, x->n.err)) != PG_OK)
            return rc;
        /* lint goes on with the next rule (pg_policy__go_on) */
        if ((rc = load_rule(x, n->kids[i], &into->rules[into->n_rules])) != PG_OK) {
            if ((rc = pg_policy__go_on(&x->n, rc)) != PG_OK)
                return rc;
            continue;
        }
        into->n_rules++;
    }
    return PG_OK;
}
