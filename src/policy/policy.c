/* policy.c — the public face of a loaded policy: settings, protect
 * selectors, rule evaluation (SPEC §4).
 *
 * Rules see planned changes only: drift (resource_drift) already happened
 * and is the detectors' business, never a rule's (SPEC §3).
 */
#include "policy/policy_internal.h"

#include <string.h>

#include "plangate/alloc.h"

pg_policy *pg_policy_new(void)
{
    return pg_calloc(1, sizeof(pg_policy));
}

void pg_policy_free(pg_policy *p)
{
    size_t i;

    if (!p)
        return;
    for (i = 0; i < p->n_detectors; i++)
        pg_free(p->detectors[i].id);
    pg_free(p->detectors);
    for (i = 0; i < p->n_lock_tables; i++)
        pg_free(p->lock_tables[i]);
    pg_free(p->lock_tables);
    for (i = 0; i < p->n_protect; i++)
        pg_policy__selector_free(p->protect[i]);
    pg_free(p->protect);
    for (i = 0; i < p->n_rules; i++)
        pg_policy__rule_free(p->rules[i]);
    pg_free(p->rules);
    for (i = 0; i < p->n_waivers; i++)
        pg_policy__waiver_free(p->waivers[i]);
    pg_free(p->waivers);
    for (i = 0; i < p->n_examples; i++)
        pg_policy__example_free(p->examples_own[i]);
    pg_free(p->examples_own);
    pg_free(p->examples);
    pg_free(p);
}

/* ---- settings ---------------------------------------------------------------- */

static const pg_detector_setting *setting(const pg_policy *p, const char *id)
{
    size_t i;

    if (!p || !id)
        return NULL;
    for (i = 0; i < p->n_detectors; i++)
        if (strcmp(p->detectors[i].id, id) == 0)
            return &p->detectors[i];
    return NULL;
}

int pg_policy_detector_enabled(const pg_policy *p, const char *detector_id)
{
    const pg_detector_setting *s = setting(p, detector_id);

    return !(s && s->enabled == 0);
}

pg_severity pg_policy_detector_severity(const pg_policy *p, const char *detector_id, pg_severity dflt)
{
    const pg_detector_setting *s = setting(p, detector_id);

    return s && s->severity >= 0 ? (pg_severity)s->severity : dflt;
}

size_t pg_policy_lock_table_count(const pg_policy *p)
{
    return p ? p->n_lock_tables : 0;
}

const char *pg_policy_lock_table(const pg_policy *p, size_t i)
{
    return p && i < p->n_lock_tables ? p->lock_tables[i] : NULL;
}

size_t pg_policy_rule_count(const pg_policy *p)
{
    return p ? p->n_rules : 0;
}

const pg_rule_meta *pg_policy_rule(const pg_policy *p, size_t i)
{
    return p && i < p->n_rules ? &p->rules[i]->meta : NULL;
}

size_t pg_policy_example_count(const pg_policy *p)
{
    return p ? p->n_examples : 0;
}

const pg_policy_example *pg_policy_example_at(const pg_policy *p, size_t i)
{
    return p && i < p->n_examples ? &p->examples[i] : NULL;
}

/* ---- protect ------------------------------------------------------------------- */

static int any_glob(char *const *globs, size_t n, const char *s)
{
    size_t i;

    if (!s)
        return 0;
    for (i = 0; i < n; i++)
        if (pg_policy__glob(globs[i], s, 0))
            return 1;
    return 0;
}

/* A tag of what is about to be destroyed: `tags`, then `tags_all` (which
 * holds the provider's default_tags, where Environment often lives). */
static const json_t *before_tag(const pg_change *c, const char *key)
{
    const json_t *v = json_object_get(json_object_get(c->before, "tags"), key);

    if (!v || json_is_null(v))
        v = json_object_get(json_object_get(c->before, "tags_all"), key);
    return v;
}

static int selector_matches(const pg_selector *s, const pg_change *c, int *match)
{
    size_t i, j;

    *match = 0;
    if (s->n_types && !any_glob(s->types, s->n_types, c->type))
        return PG_OK;
    if (s->address && !(c->address && pg_policy__glob(s->address, c->address, 0)))
        return PG_OK;
    if (s->name) {
        const json_t *n = json_object_get(c->before, "name");
        const char *name = json_is_string(n) ? json_string_value(n) : c->name;
        if (!name || !pg_policy__glob(s->name, name, 0))
            return PG_OK;
    }
    for (i = 0; i < s->n_tags; i++) {
        const json_t *v = before_tag(c, s->tags[i].key);
        int ok = 0;
        for (j = 0; v && !ok && j < json_array_size(s->tags[i].values); j++)
            ok = pg_policy__values_equal(v, json_array_get(s->tags[i].values, j), 0);
        if (!ok)
            return PG_OK;
    }
    if (s->when) {
        pg_tri t;
        int rc = pg_policy__cond_eval(s->when, c, &t);
        if (rc != PG_OK)
            return rc;
        /* Unknown protects: failing closed here means keeping the table. */
        if (t == PT_FALSE)
            return PG_OK;
    }
    *match = 1;
    return PG_OK;
}

int pg_policy_protects(const pg_policy *p, const pg_change *c, const char **why_out)
{
    size_t i;
    int match;

    if (why_out)
        *why_out = NULL;
    if (!p || !c)
        return 0;
    for (i = 0; i < p->n_protect; i++) {
        /* Out of memory while deciding: say "protected" (fail closed). */
        if (selector_matches(p->protect[i], c, &match) != PG_OK || match) {
            if (why_out)
                *why_out = p->protect[i]->why;
            return 1;
        }
    }
    return 0;
}

/* ---- rules ------------------------------------------------------------------------ */

static int rule_accepts(const pg_rule *r, const char *type, pg_action action)
{
    if ((unsigned)action >= PG_ACTION_COUNT_ || !(r->actions & (1u << action)))
        return 0;
    return r->n_types == 0 || !type || any_glob(r->types, r->n_types, type);
}

int pg_policy_wants(const pg_policy *p, const char *type, pg_action action)
{
    size_t i;

    if (!p)
        return 0;
    for (i = 0; i < p->n_rules; i++)
        if (rule_accepts(p->rules[i], type, action))
            return 1;
    return 0;
}

static int selects(const pg_rule *r, const pg_change *c, int *out)
{
    pg_tri t;
    int rc;

    *out = 0;
    if (!rule_accepts(r, c->type, c->action))
        return PG_OK;
    if (!c->type)
        return PG_OK;
    if (r->address && !(c->address && pg_policy__glob(r->address, c->address, 0)))
        return PG_OK;
    if (r->where) {
        if ((rc = pg_policy__cond_eval(r->where, c, &t)) != PG_OK)
            return rc;
        /* An unknown value selects: the rule then decides (fail closed). */
        if (t == PT_FALSE)
            return PG_OK;
    }
    *out = 1;
    return PG_OK;
}

static int eval_rule(const pg_rule *r, const pg_change *c, pg_findings *out, pg_error *err)
{
    pg_finding *f = NULL;
    char *text = NULL;
    unsigned char failing_small[16];
    unsigned char *failing = failing_small;
    size_t i, n_failing = 0;
    int rc = PG_OK, sel;

    if ((rc = selects(r, c, &sel)) != PG_OK)
        goto nomem;
    if (!sel)
        return PG_OK;
    if (r->n_require > sizeof failing_small && !(failing = pg_calloc(r->n_require, 1)))
        goto nomem;
    for (i = 0; i < r->n_require; i++) {
        pg_tri t;
        if ((rc = pg_policy__cond_eval(r->require[i], c, &t)) != PG_OK)
            goto nomem;
        /* Unknown at the top of require fails: fail closed (SPEC §4). */
        failing[i] = t != PT_TRUE;
        n_failing += failing[i];
    }
    if (r->n_require > 0 && n_failing == 0)
        goto out;
    if (!(f = pg_finding_new(r->id, r->severity, c)))
        goto nomem;
    f->waivable = r->waivable;
    if (pg_policy__template_render(&r->message, c, r->id, &text) != PG_OK)
        goto nomem;
    f->message = text;
    text = NULL;
    if (r->has_remediation) {
        if (pg_policy__template_render(&r->remediation, c, r->id, &text) != PG_OK)
            goto nomem;
        f->remediation = text;
        text = NULL;
    }
    for (i = 0; i < r->n_require; i++)
        if (failing[i] && pg_policy__cond_evidence(r->require[i], c, f) != PG_OK)
            goto nomem;
    rc = pg_findings_add(out, f, err);
    f = NULL;
    goto out;
nomem:
    rc = pg_error_set(err, PG_ENOMEM, "out of memory");
out:
    pg_finding_free(f);
    if (failing != failing_small)
        pg_free(failing);
    return rc;
}

int pg_policy_eval_change(const pg_policy *p, const pg_change *c, pg_findings *out, pg_error *err)
{
    size_t i;
    int rc;

    if (!p || !c || c->origin != PG_ORIGIN_PLANNED)
        return PG_OK;
    for (i = 0; i < p->n_rules; i++)
        if ((rc = eval_rule(p->rules[i], c, out, err)) != PG_OK)
            return rc;
    return PG_OK;
}
