/* merge.c — merging one loaded file (a staging pg_policy) into the policy,
 * all or nothing.
 *
 * Later files override earlier `detectors:` settings key by key (the
 * setting remembers the file:line of the value in force, for the report's
 * "weakened" list), the `waiver_limits` they set and the environments they
 * define (a name defined again is replaced whole) and the data stores
 * (catalogue.c: a type defined again is replaced whole); `lock_tables` (first
 * occurrence kept), `protect`, `rules`, `waivers` and `examples`
 * accumulate. A rule id may be defined once across all files (rule_load.c
 * checks it before this point).
 */
#include "policy/policy_internal.h"

#include <string.h>

#include "plangate/alloc.h"
#include "util/grow.h"

static pg_setting *find_setting(pg_policy *p, const char *id)
{
    size_t i;

    for (i = 0; i < p->n_detectors; i++)
        if (strcmp(p->detectors[i].id, id) == 0)
            return &p->detectors[i];
    return NULL;
}

static int has_lock_table(const pg_policy *p, const char *name)
{
    size_t i;

    for (i = 0; i < p->n_lock_tables; i++)
        if (strcmp(p->lock_tables[i], name) == 0)
            return 1;
    return 0;
}

/* Room for everything `from` brings: after this nothing can fail, so a
 * file is merged whole or not at all. */
static int reserve(pg_policy *p, const pg_policy *from, pg_error *err)
{
    if (PG_GROW(p->detectors, p->cap_detectors, p->n_detectors + from->n_detectors, err) != PG_OK ||
        PG_GROW(p->lock_tables, p->cap_lock_tables, p->n_lock_tables + from->n_lock_tables, err) != PG_OK ||
        PG_GROW(p->protect, p->cap_protect, p->n_protect + from->n_protect, err) != PG_OK ||
        PG_GROW(p->rules, p->cap_rules, p->n_rules + from->n_rules, err) != PG_OK ||
        PG_GROW(p->waivers, p->cap_waivers, p->n_waivers + from->n_waivers, err) != PG_OK ||
        PG_GROW(p->environments, p->cap_environments, p->n_environments + from->n_environments, err) != PG_OK ||
        PG_GROW(p->examples_own, p->cap_examples, p->n_examples + from->n_examples, err) != PG_OK ||
        PG_GROW(p->examples, p->cap_example_views, p->n_examples + from->n_examples, err) != PG_OK ||
        pg_policy__reserve_data_stores(p, from, err) != PG_OK)
        return PG_ENOMEM;
    return PG_OK;
}

/* Take `s->field` (and its source) into `old` when `s` sets it. */
static void override(int *old_value, char **old_source, int value, char **source)
{
    if (value < 0)
        return;
    *old_value = value;
    pg_free(*old_source);
    *old_source = *source;
    *source = NULL;
}

static void merge_settings(pg_policy *p, pg_policy *from)
{
    size_t i;

    for (i = 0; i < from->n_detectors; i++) {
        pg_setting *s = &from->detectors[i], *old = find_setting(p, s->id);
        if (!old) {
            p->detectors[p->n_detectors++] = *s; /* the views point at heap strings: still valid */
            continue;
        }
        override(&old->pub.enabled, &old->enabled_source, s->pub.enabled, &s->enabled_source);
        override(&old->pub.severity, &old->severity_source, s->pub.severity, &s->severity_source);
        old->pub.enabled_source = old->enabled_source;
        old->pub.severity_source = old->severity_source;
        pg_policy__setting_dispose(s);
    }
    from->n_detectors = 0;
    if (from->waiver_max_days >= 0) {
        p->waiver_max_days = from->waiver_max_days;
        pg_free(p->waiver_max_days_source);
        p->waiver_max_days_source = from->waiver_max_days_source;
        from->waiver_max_days_source = NULL;
    }
}

/* A later definition of an environment replaces the earlier one whole, in
 * its place: the order of first definition is the order
 * pg_policy_change_environment tries them in. */
static void merge_environments(pg_policy *p, pg_policy *from)
{
    size_t i, k;

    for (i = 0; i < from->n_environments; i++) {
        pg_environment *e = from->environments[i];
        for (k = 0; k < p->n_environments && strcmp(p->environments[k]->name, e->name) != 0; k++)
            ;
        if (k < p->n_environments)
            pg_policy__environment_free(p->environments[k]);
        else
            p->n_environments++;
        p->environments[k] = e;
    }
    from->n_environments = 0;
}

int pg_policy__merge(pg_policy *p, pg_policy *from, pg_error *err)
{
    size_t i;

    if (reserve(p, from, err) != PG_OK) {
        pg_policy_free(from);
        return PG_ENOMEM;
    }
    merge_settings(p, from);
    merge_environments(p, from);
    pg_policy__merge_data_stores(p, from);
    for (i = 0; i < from->n_lock_tables; i++) {
        if (has_lock_table(p, from->lock_tables[i]))
            pg_free(from->lock_tables[i]);
        else
            p->lock_tables[p->n_lock_tables++] = from->lock_tables[i];
    }
    from->n_lock_tables = 0;
    for (i = 0; i < from->n_protect; i++)
        p->protect[p->n_protect++] = from->protect[i];
    from->n_protect = 0;
    for (i = 0; i < from->n_rules; i++)
        p->rules[p->n_rules++] = from->rules[i];
    from->n_rules = 0;
    for (i = 0; i < from->n_waivers; i++)
        p->waivers[p->n_waivers++] = from->waivers[i];
    from->n_waivers = 0;
    for (i = 0; i < from->n_examples; i++) {
        pg_example_own *e = from->examples_own[i];
        pg_policy_example *view = &p->examples[p->n_examples];
        p->examples_own[p->n_examples++] = e;
        view->rule = e->rule;
        view->plan = e->plan;
        view->source = e->source;
        view->expect = e->expect;
    }
    from->n_examples = 0;
    pg_policy_free(from);
    return PG_OK;
}
