/* engine.c — a run of the enabled built-in detectors over one plan
 * (pg_detect_run_*): which detectors run, at which severity, which changes
 * they see, and the state each keeps between changes. */
#include "plangate/alloc.h"
#include "plangate/detect.h"

typedef struct slot {
    const pg_detector *d;
    void *state;
    pg_severity severity; /* the policy's override, or the default */
} slot;

struct pg_detect_run {
    pg_detect_env env; /* pointers borrowed from the caller */
    slot *slots;       /* the enabled detectors, in catalogue order */
    size_t n;
};

int pg_detect_run_new(pg_detect_run **out, const pg_detect_env *env, pg_error *err)
{
    size_t i, all = pg_detector_count();
    pg_detect_run *run;
    int rc;

    *out = NULL;
    if (!(run = pg_calloc(1, sizeof *run)) || !(run->slots = pg_calloc(all, sizeof *run->slots))) {
        pg_free(run);
        return pg_error_oom(err);
    }
    run->env = *env;
    for (i = 0; i < all; i++) {
        const pg_detector *d = pg_detector_at(i);
        slot *s;

        if (!pg_policy_detector_enabled(env->policy, d->id))
            continue;
        s = &run->slots[run->n++];
        s->d = d;
        s->severity = pg_policy_detector_severity(env->policy, d->id, d->default_severity);
        if (d->begin && (rc = d->begin(&s->state, &run->env, err)) != 0) {
            pg_detect_run_free(run);
            return rc;
        }
    }
    *out = run;
    return PG_OK;
}

/* Findings a detector just added carry its configured severity (SPEC §4
 * `detectors: { id: { severity } }`): detectors report at their default.
 * A finding a detector raised above its default on purpose (data-loss on a
 * production or protected store is critical, issue 14) keeps what it was
 * raised to when the setting is lower: a setting tunes the ordinary case,
 * it never quiets the production one (disable the detector or waive). */
static void apply_severity(const slot *s, pg_findings *out, size_t from)
{
    size_t i;

    for (i = from; i < out->count; i++)
        if (out->items[i]->severity == s->d->default_severity || out->items[i]->severity < s->severity)
            out->items[i]->severity = s->severity;
}

static int slot_wants(const slot *s, const char *type, pg_action action)
{
    if (!s->d->on_change)
        return 0;
    return !s->d->wants || s->d->wants(type ? type : "", action);
}

int pg_detect_run_change(pg_detect_run *run, const pg_change *c, const pg_detect_protection *prot, pg_findings *out,
                         pg_error *err)
{
    static const pg_detect_protection unprotected = {0, NULL};
    size_t i, from;
    int rc;

    if (!prot) {
        /* A destroy whose protection nobody asked about would pass
         * protected-destroy unseen: that is the caller's bug, not a pass. */
        if (c->origin == PG_ORIGIN_PLANNED && c->destructive)
            return pg_error_set(err, PG_EINTERNAL, "the protect: selectors were not asked about a destroy");
        prot = &unprotected;
    }
    for (i = 0; i < run->n; i++) {
        slot *s = &run->slots[i];

        if (!slot_wants(s, c->type, c->action))
            continue;
        from = out->count;
        rc = s->d->on_change(s->state, &run->env, c, prot, out, err);
        apply_severity(s, out, from);
        if (rc != 0)
            return rc;
    }
    return PG_OK;
}

int pg_detect_run_end(pg_detect_run *run, const pg_plan_info *info, pg_findings *out, pg_error *err)
{
    size_t i, from;
    int rc;

    for (i = 0; i < run->n; i++) {
        slot *s = &run->slots[i];

        if (!s->d->end)
            continue;
        from = out->count;
        rc = s->d->end(s->state, &run->env, info, out, err);
        apply_severity(s, out, from);
        if (rc != 0)
            return rc;
    }
    return PG_OK;
}

int pg_detect_run_wants(const pg_detect_run *run, const char *type, pg_action action)
{
    size_t i;

    for (i = 0; i < run->n; i++)
        if (slot_wants(&run->slots[i], type, action))
            return 1;
    return 0;
}

void pg_detect_run_free(pg_detect_run *run)
{
    size_t i;

    if (!run)
        return;
    for (i = 0; i < run->n; i++)
        if (run->slots[i].d->free_state && run->slots[i].state)
            run->slots[i].d->free_state(run->slots[i].state);
    pg_free(run->slots);
    pg_free(run);
}
