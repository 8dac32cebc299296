/* check.c — one evaluation: plan reader → changes → detectors and rules →
 * findings → waivers → report (include/plangate/check.h). */
#include "plangate/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plangate/alloc.h"
#include "util/date.h"
#include "util/grow.h"

typedef struct check_state {
    const pg_check_options *opts;
    pg_report *report;
    pg_detect_run *detect;
    pg_detect_env env;
} check_state;

/* A change in one of the report's lists (PG_ENOMEM is the only failure),
 * with the physical name of a catalogued data store (issue 14), redacted. */
static int list_add(pg_report_list *l, const pg_change *c, int is_protected, const pg_policy *policy,
                    pg_error *err)
{
    pg_report_item *it;
    int rc;

    /* the item may take the place of a delete in a full list (issue 15), so
     * it is the one pg_report_list_put says, not the last one */
    if ((rc = pg_report_list_put(l, c, is_protected, &it, err)) != PG_OK)
        return rc;
    if (!it)
        return PG_OK; /* counted, not listed */
    return pg_detect_physical_name(policy, c, &it->physical_name, err);
}

/* The cause of a destroy on the findings this change produced (from `first`
 * on), so that every format names it next to the finding. */
static int findings_cause(pg_findings *l, size_t first, const pg_change *c, pg_error *err)
{
    char *cause = NULL;
    json_t *forced_by = NULL;
    size_t i;
    int rc = PG_OK;

    if (!c->destructive || first >= l->count)
        return PG_OK;
    if ((rc = pg_report_cause(c, &cause, &forced_by, err)) != PG_OK)
        return rc;
    for (i = first; i < l->count && rc == PG_OK; i++) {
        pg_finding *f = l->items[i];
        if (f->cause || f->forced_by || !f->address || !c->address || strcmp(f->address, c->address) != 0)
            continue;
        if (cause && !(f->cause = pg_strdup(cause)))
            rc = pg_error_oom(err);
        f->forced_by = forced_by ? json_incref(forced_by) : NULL;
    }
    pg_free(cause);
    json_decref(forced_by);
    return rc;
}

static int on_change(void *ctx, const pg_change *c, pg_error *err)
{
    check_state *st = ctx;
    pg_report *rep = st->report;
    pg_detect_protection prot = {0, NULL};
    size_t first = rep->findings.count;
    int rc;

    if (c->origin == PG_ORIGIN_DRIFT) {
        if ((rc = list_add(&rep->drift, c, 0, st->opts->policy, err)) != 0)
            return rc;
    } else {
        if (c->destructive) {
            /* The one question to the protect: selectors for this change: the
             * destroy list and protected-destroy read the same answer. */
            if ((rc = pg_policy_protects(st->opts->policy, c, &prot.is_protected, &prot.why, err)) != 0)
                return rc;
            if ((rc = list_add(&rep->destroys, c, prot.is_protected, st->opts->policy, err)) != 0)
                return rc;
        }
        if (c->action == PG_ACTION_FORGET && (rc = list_add(&rep->forgotten, c, 0, st->opts->policy, err)) != 0)
            return rc;
        if (c->previous_address && c->address && strcmp(c->previous_address, c->address) != 0 &&
            (rc = list_add(&rep->moves, c, 0, st->opts->policy, err)) != 0)
            return rc;
        if (c->deposed && (rc = list_add(&rep->deposed, c, 0, st->opts->policy, err)) != 0)
            return rc;
        if (c->importing && !json_is_null(c->importing) && (rc = list_add(&rep->imports, c, 0, st->opts->policy, err)) != 0)
            return rc;
    }
    if ((rc = pg_detect_run_change(st->detect, c, &prot, &rep->findings, err)) != 0)
        return rc;
    if (c->origin == PG_ORIGIN_PLANNED &&
        (rc = pg_policy_eval_change(st->opts->policy, c, &rep->findings, err)) != 0)
        return rc;
    return findings_cause(&rep->findings, first, c, err);
}

/* Does anyone need this change decoded? (plan.h: pg_plan_filter_fn) */
static int wants_change(void *ctx, const char *type, pg_action action)
{
    check_state *st = ctx;

    /* the report lists what is forgotten (issue 15), whoever else wants it */
    return action == PG_ACTION_FORGET || pg_detect_run_wants(st->detect, type, action) ||
           pg_policy_wants(st->opts->policy, type, action);
}

/* The rule catalogue (for SARIF and explain): enabled detectors, then policy rules. */
static int build_catalogue(pg_report *rep, const pg_policy *policy, pg_error *err)
{
    size_t nd = pg_detector_count(), nr = pg_policy_rule_count(policy), i, n = 0;

    rep->rules = pg_calloc(nd + nr + 1, sizeof *rep->rules);
    if (!rep->rules)
        return pg_error_oom(err);
    for (i = 0; i < nd; i++) {
        const pg_detector *d = pg_detector_at(i);
        pg_rule_meta *m;
        if (!d || !pg_policy_detector_enabled(policy, d->id))
            continue;
        m = &rep->rules[n++];
        m->id = d->id;
        m->title = d->title;
        m->severity = pg_policy_detector_severity(policy, d->id, d->default_severity);
        m->description = d->checks;
        m->remediation = d->fix;
        m->waivable = 1;
        m->source = "built-in";
    }
    for (i = 0; i < nr; i++) {
        const pg_rule_meta *m = pg_policy_rule(policy, i);
        if (m)
            rep->rules[n++] = *m;
    }
    rep->n_rules = n;
    return PG_OK;
}

int pg_check_today(char buf[11], const char *source_date_epoch, pg_error *err)
{
    return pg_date_today(buf, source_date_epoch, err);
}

/* MARK: the weakened gate (issue 11) */

static const pg_policy_detector_setting *setting_of(const pg_policy *policy, const char *id)
{
    size_t i, n = pg_policy_detector_setting_count(policy);

    for (i = 0; i < n; i++) {
        const pg_policy_detector_setting *s = pg_policy_detector_setting_at(policy, i);
        if (strcmp(s->id, id) == 0)
            return s;
    }
    return NULL;
}

/* Every detector the policy switches off, or sets below fail_on from a
 * default at or above it, with the file:line of the setting in force. */
static int build_weakened(pg_report *rep, const pg_policy *policy, pg_severity fail_on, pg_error *err)
{
    size_t i, n = pg_detector_count(), cap = 0;
    int rc;

    for (i = 0; i < n; i++) {
        const pg_detector *d = pg_detector_at(i);
        const pg_policy_detector_setting *s = setting_of(policy, d->id);
        pg_report_weakened *w;
        int off = s && s->enabled == 0;
        int lowered = s && s->severity >= 0 && d->default_severity >= fail_on && (pg_severity)s->severity < fail_on;
        if (!off && !lowered)
            continue;
        if ((rc = PG_GROW(rep->weakened, cap, rep->n_weakened + 1, err)) != PG_OK)
            return rc;
        w = &rep->weakened[rep->n_weakened++];
        w->detector = d->id;
        w->disabled = off;
        w->default_severity = d->default_severity;
        w->severity = s->severity >= 0 ? (pg_severity)s->severity : d->default_severity;
        w->source = off ? s->enabled_source : s->severity_source;
    }
    return PG_OK;
}

int pg_check_run(const pg_check_options *opts, pg_report *report, pg_error *err)
{
    check_state st;
    char today[11];
    char line[PG_ERROR_MESSAGE_MAX + PG_ERROR_SOURCE_MAX + 64];
    int rc, end_rc;

    pg_report_init(report);
    memset(&st, 0, sizeof st);
    st.opts = opts;
    st.report = report;
    st.env.policy = opts->policy;
    st.env.backend = opts->backend;
    report->fail_on = opts->fail_on;
    report->source = pg_strdup(!opts->plan_path || strcmp(opts->plan_path, "-") == 0 ? "<stdin>"
                                                                                       : opts->plan_path);
    if (!report->source) {
        rc = pg_error_oom(err);
        goto out;
    }
    if ((rc = build_catalogue(report, opts->policy, err)) != PG_OK)
        goto out;
    /* A policy loaded without the check hook is checked here, once. */
    if ((rc = pg_detect_check_policy(opts->policy, err)) != 0 ||
        (rc = build_weakened(report, opts->policy, opts->fail_on, err)) != 0)
        goto out;
    if (opts->today && !pg_date_valid(opts->today)) {
        rc = pg_error_set(err, PG_EUSAGE, "the date for waiver expiry is not a YYYY-MM-DD date");
        goto out;
    }
    if (opts->today)
        snprintf(today, sizeof today, "%s", opts->today);
    else if ((rc = pg_check_today(today, NULL, err)) != 0)
        goto out;
    if ((rc = pg_detect_run_new(&st.detect, &st.env, err)) != 0)
        goto out;

    {
        pg_plan_read_options ro;
        memset(&ro, 0, sizeof ro);
        ro.fn = on_change;
        ro.filter = wants_change;
        ro.ctx = &st;
        ro.limits = opts->limits;
        ro.threads = opts->threads;
        rc = pg_plan_read(opts->plan_path, &ro, &report->plan, err);
    }
    /* Plan-level detectors run even on an errored plan: the operator must see
     * why it failed (SPEC §2), but never on a document we could not read. */
    if (rc == 0 || rc == PG_EERRORED) {
        pg_error end_err;
        pg_error_clear(&end_err);
        end_rc = pg_detect_run_end(st.detect, &report->plan, &report->findings, &end_err);
        if (end_rc != 0 && rc == 0) {
            rc = end_rc;
            if (err)
                *err = end_err;
        }
    }
    {
        pg_error w_err;
        pg_error_clear(&w_err);
        end_rc = pg_policy_apply_waivers(opts->policy, &report->findings, today, &report->waivers,
                                         &report->n_waivers, &w_err);
        if (end_rc != 0 && rc == 0) {
            rc = end_rc;
            if (err)
                *err = w_err;
        }
    }
    pg_findings_sort(&report->findings);
    pg_report_order(report); /* by consequence, once the findings and their waivers are final */
out:
    if (rc != 0) {
        report->verdict = PG_VERDICT_ERROR;
        if (err) {
            /* The line may not fit in memory: the verdict stays ERROR and
             * `err` keeps the cause, which the caller prints. */
            pg_error add_err;
            pg_error_clear(&add_err);
            pg_error_format(err, line, sizeof line);
            (void)pg_report_add_error(report, line, &add_err);
        }
    } else {
        report->verdict = pg_report_failing(report) > 0 ? PG_VERDICT_FAIL : PG_VERDICT_PASS;
    }
    pg_detect_run_free(st.detect);
    return rc;
}
