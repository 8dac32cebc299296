/* rule_eval.c — running the rules (SPEC §4) on one change: which rules
 * select it (type, actions, address, where), which of their `require`
 * conditions fail, and the finding each failing rule reports (message,
 * remediation, evidence).
 *
 * Rules see planned changes only: drift (resource_drift) already happened
 * and is the detectors' business, never a rule's (SPEC §3).
 */
#include "policy/policy_internal.h"

#include <string.h>

#include "plangate/alloc.h"

/* `creates`: the change is a create-and-forget (Terraform's
 * ["create","forget"], OpenTofu's ["forget","create"]: normalised to forget,
 * with an `after` object). Nothing is destroyed, but a new object is
 * created and stays: a rule that looks at creates judges it too (issue 13). */
static int rule_accepts(const pg_rule *r, const char *type, pg_action action, int creates)
{
    if ((unsigned)action >= PG_ACTION_COUNT_)
        return 0;
    if (!(r->actions & (1u << action)) && !(creates && (r->actions & (1u << PG_ACTION_CREATE))))
        return 0;
    return r->n_types == 0 || !type || pg_policy__glob_any(r->types, r->n_types, type);
}

int pg_policy_wants(const pg_policy *p, const char *type, pg_action action)
{
    size_t i;

    if (!p)
        return 0;
    for (i = 0; i < p->n_rules; i++)
        /* a forget may be a create-and-forget: decode it for the create rules */
        if (rule_accepts(p->rules[i], type, action, action == PG_ACTION_FORGET))
            return 1;
    return 0;
}

static int selects(const pg_policy *p, const pg_rule *r, const pg_change *c, int *out, pg_error *err)
{
    pg_tri t;
    int rc;

    *out = 0;
    if (!c->type || !rule_accepts(r, c->type, c->action, c->action == PG_ACTION_FORGET && json_is_object(c->after)))
        return PG_OK;
    if (r->address) {
        if ((rc = pg_policy__addr_match(r->address, c->address, out, err)) != PG_OK || !*out)
            return rc;
        *out = 0;
    }
    if (r->where) {
        if ((rc = pg_policy__cond_eval(r->where, p, c, &t, err)) != PG_OK)
            return rc;
        /* An unknown value selects: the rule then decides (fail closed). */
        if (t == PT_FALSE)
            return PG_OK;
    }
    *out = 1;
    return PG_OK;
}

/* The finding of a rule whose require failed (failing[i]: condition i did not hold). */
static int report(const pg_rule *r, const pg_change *c, const unsigned char *failing, pg_findings *out, pg_error *err)
{
    pg_finding *f;
    size_t i;
    int rc;

    if ((rc = pg_finding_new(&f, r->id, r->severity, c, err)) != PG_OK)
        return rc;
    f->waivable = r->waivable;
    rc = pg_policy__template_render(&r->message, c, r->id, &f->message, err);
    if (rc == PG_OK && r->has_remediation)
        rc = pg_policy__template_render(&r->remediation, c, r->id, &f->remediation, err);
    for (i = 0; rc == PG_OK && i < r->n_require; i++)
        if (failing[i])
            rc = pg_policy__cond_evidence(r->require[i], c, f, err);
    if (rc != PG_OK) {
        pg_finding_free(f);
        return rc;
    }
    return pg_findings_add(out, f, err);
}

static int eval_rule(const pg_policy *p, const pg_rule *r, const pg_change *c, pg_findings *out, pg_error *err)
{
    unsigned char failing_small[16];
    unsigned char *failing = failing_small;
    size_t i, n_failing = 0;
    int rc, sel;
    pg_tri t;

    if ((rc = selects(p, r, c, &sel, err)) != PG_OK || !sel)
        return rc;
    if (r->n_require > sizeof failing_small && !(failing = pg_calloc(r->n_require, 1)))
        return pg_error_oom(err);
    for (i = 0; i < r->n_require; i++) {
        if ((rc = pg_policy__cond_eval(r->require[i], p, c, &t, err)) != PG_OK)
            goto out;
        /* Unknown at the top of require fails: fail closed (SPEC §4). */
        failing[i] = t != PT_TRUE;
        n_failing += failing[i];
    }
    if (r->n_require == 0 || n_failing > 0)
        rc = report(r, c, failing, out, err);
out:
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
        if ((rc = eval_rule(p, p->rules[i], c, out, err)) != PG_OK)
            return rc;
    return PG_OK;
}
