/* model.c — the loaded policy as data: creating and freeing it and its
 * parts, and the read-only accessors of policy.h (settings, lock tables,
 * rules and their positions, examples, waiver limits).
 */
#include "policy/policy_internal.h"

#include <string.h>

#include "plangate/alloc.h"

int pg_policy_new(pg_policy **out, pg_error *err)
{
    pg_policy *p = pg_calloc(1, sizeof(pg_policy));

    *out = p;
    if (!p)
        return pg_error_oom(err);
    p->waiver_max_days = -1;
    return PG_OK;
}

void pg_policy_set_check(pg_policy *p, pg_policy_check_fn check)
{
    if (p)
        p->check = check;
}

void pg_policy__setting_dispose(pg_setting *s)
{
    pg_free(s->id);
    pg_free(s->file);
    pg_free(s->enabled_source);
    pg_free(s->severity_source);
    memset(s, 0, sizeof *s);
}

void pg_policy__rule_free(pg_rule *r)
{
    size_t i;

    if (!r)
        return;
    pg_free(r->id);
    pg_free(r->title);
    pg_free(r->description);
    pg_free(r->source);
    pg_free(r->file);
    pg_policy__free_text_list(r->types, r->n_types);
    pg_policy__addr_free(r->address);
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
    pg_policy__free_text_list(s->types, s->n_types);
    pg_policy__addr_free(s->address);
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
    pg_policy__addr_free(w->pattern);
    pg_free(w->reason);
    pg_free(w->owner);
    pg_free(w->expires);
    pg_free(w->source);
    pg_free(w->file);
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

void pg_policy_free(pg_policy *p)
{
    size_t i;

    if (!p)
        return;
    for (i = 0; i < p->n_detectors; i++)
        pg_policy__setting_dispose(&p->detectors[i]);
    pg_free(p->detectors);
    pg_policy__free_text_list(p->lock_tables, p->n_lock_tables);
    for (i = 0; i < p->n_protect; i++)
        pg_policy__selector_free(p->protect[i]);
    pg_free(p->protect);
    for (i = 0; i < p->n_rules; i++)
        pg_policy__rule_free(p->rules[i]);
    pg_free(p->rules);
    for (i = 0; i < p->n_waivers; i++)
        pg_policy__waiver_free(p->waivers[i]);
    pg_free(p->waivers);
    for (i = 0; i < p->n_environments; i++)
        pg_policy__environment_free(p->environments[i]);
    pg_free(p->environments);
    pg_policy__data_stores_free(p);
    pg_free(p->plan_environment);
    for (i = 0; i < p->n_examples; i++)
        pg_policy__example_free(p->examples_own[i]);
    pg_free(p->examples_own);
    pg_free(p->examples);
    pg_free(p->waiver_max_days_source);
    pg_free(p);
}

/* ---- settings ---------------------------------------------------------------- */

size_t pg_policy_detector_setting_count(const pg_policy *p)
{
    return p ? p->n_detectors : 0;
}

const pg_policy_detector_setting *pg_policy_detector_setting_at(const pg_policy *p, size_t i)
{
    return p && i < p->n_detectors ? &p->detectors[i].pub : NULL;
}

static const pg_policy_detector_setting *setting(const pg_policy *p, const char *id)
{
    size_t i;

    if (!p || !id)
        return NULL;
    for (i = 0; i < p->n_detectors; i++)
        if (strcmp(p->detectors[i].id, id) == 0)
            return &p->detectors[i].pub;
    return NULL;
}

int pg_policy_detector_enabled(const pg_policy *p, const char *detector_id)
{
    const pg_policy_detector_setting *s = setting(p, detector_id);

    return !(s && s->enabled == 0);
}

pg_severity pg_policy_detector_severity(const pg_policy *p, const char *detector_id, pg_severity dflt)
{
    const pg_policy_detector_setting *s = setting(p, detector_id);

    return s && s->severity >= 0 ? (pg_severity)s->severity : dflt;
}

int pg_policy_waiver_max_days(const pg_policy *p)
{
    return p && p->waiver_max_days >= 0 ? p->waiver_max_days : PG_POLICY_DEFAULT_WAIVER_MAX_DAYS;
}

size_t pg_policy_lock_table_count(const pg_policy *p)
{
    return p ? p->n_lock_tables : 0;
}

const char *pg_policy_lock_table(const pg_policy *p, size_t i)
{
    return p && i < p->n_lock_tables ? p->lock_tables[i] : NULL;
}

/* ---- rules and examples ----------------------------------------------------------- */

const pg_rule *pg_policy__find_rule(const pg_policy *p, const char *id)
{
    size_t i;

    if (!p)
        return NULL;
    for (i = 0; i < p->n_rules; i++)
        if (strcmp(p->rules[i]->id, id) == 0)
            return p->rules[i];
    return NULL;
}

size_t pg_policy_rule_count(const pg_policy *p)
{
    return p ? p->n_rules : 0;
}

const pg_rule_meta *pg_policy_rule(const pg_policy *p, size_t i)
{
    return p && i < p->n_rules ? &p->rules[i]->meta : NULL;
}

const pg_policy_position *pg_policy_rule_position(const pg_policy *p, size_t i)
{
    return p && i < p->n_rules ? &p->rules[i]->at : NULL;
}

size_t pg_policy_example_count(const pg_policy *p)
{
    return p ? p->n_examples : 0;
}

const pg_policy_example *pg_policy_example_at(const pg_policy *p, size_t i)
{
    /* a staging policy (what a check hook sees) has no views yet */
    return p && p->examples && i < p->n_examples ? &p->examples[i] : NULL;
}
