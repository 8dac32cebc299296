/* waiver_load.c — the `waivers:` section (SPEC §4), and the limits on
 * waivers that come from the change under review (--waivers; the trust
 * model of docs/policies.md and README "Trust model").
 *
 * A trusted waiver needs rule, address and reason; owner and expires are
 * optional. A waiver from the change is accepted only when it
 * - gives a reason and an expiry,
 * - expires at most `waiver_limits.max_days` days after today (the trusted
 *   policies set the bound; PG_POLICY_DEFAULT_WAIVER_MAX_DAYS otherwise),
 * - names a rule that does not say `waivable: false`, and
 * - names resources: its address pattern holds wildcards only inside
 *   instance keys (`aws_dynamodb_table.t[*]`, `module.app[*].x.y["tmp-*"]`).
 *   Under the pattern rules of address.c such a pattern covers instances of
 *   one resource block and nothing else: every name is literal, and a key
 *   pattern matches exactly one key. A `*` or `?` outside a key could cover
 *   every resource of the plan, of a module or of a type (`*`, `**`, `*.*`,
 *   `module.*`, `module.app.*`, `aws_dynamodb_table.*`,
 *   `module.*.aws_s3_bucket.logs`, `aws_s3_bucket.log*`), and is an error.
 *   A name without a key covers all its instances (`module.app.x.y` covers
 *   `module.app["eu"].x.y`): still the one resource block, so allowed.
 */
#include "policy/policy_internal.h"

#include <string.h>

#include "plangate/alloc.h"
#include "util/date.h"
#include "util/grow.h"

/* ---- one waiver -------------------------------------------------------------------------- */

static int load_expires(const pl_ctx *x, const pn_node *v, pg_waiver *w)
{
    char q[PG_POLICY_QUOTE];

    if (v->kind != PN_SCALAR || v->stype == PS_NULL || v->stype == PS_BOOL || !pg_date_valid(v->text))
        return pg_policy__fail(&x->n, v, "invalid date %s for expires (expected YYYY-MM-DD)",
                               v->kind == PN_SCALAR ? pg_policy__quote(q, sizeof q, v->text)
                                                    : pg_policy__node_kind_name(v));
    return (w->expires = pg_strdup(v->text)) ? PG_OK : pg_error_oom(x->n.err);
}

/* The limits on a waiver from the change (see the top of this file). */
static int check_from_change(const pl_ctx *x, const pn_node *n, const pg_waiver *w)
{
    const pg_rule *r = pg_policy__find_rule(x->existing, w->rule);
    int max_days = pg_policy_waiver_max_days(x->existing);
    char bound[11], q[PG_POLICY_QUOTE];
    long ahead;

    if (!w->expires)
        return pg_policy__fail(&x->n, n, "a waiver from the change (--waivers) needs expires: (a date at most %d days "
                                         "ahead; waiver_limits.max_days in a --policy file sets the bound)",
                               max_days);
    ahead = pg_date_days(w->expires) - pg_date_days(x->today);
    if (ahead > max_days) {
        if (pg_date_from_days(pg_date_days(x->today) + max_days, bound, NULL) != PG_OK)
            bound[0] = '\0';
        return pg_policy__fail(&x->n, pg_policy__map_get(n, "expires"),
                               "expires %s is %ld days after today (%s): a waiver from the change may run at most "
                               "%d days, until %s (waiver_limits.max_days in a --policy file sets the bound)",
                               w->expires, ahead, x->today, max_days, bound);
    }
    if (r && !r->waivable)
        return pg_policy__fail(&x->n, pg_policy__map_get(n, "rule"),
                               "rule %s says waivable: false (%s): no waiver can accept its findings",
                               pg_policy__quote(q, sizeof q, w->rule), r->source);
    if (!pg_policy__addr_names_resources(w->pattern))
        return pg_policy__fail(&x->n, pg_policy__map_get(n, "address"),
                               "address %s could cover every resource of the plan, of a module or of a type: a waiver "
                               "from the change names the resources it waives (an address whose wildcards sit only "
                               "inside instance keys, such as aws_dynamodb_table.t[*])",
                               pg_policy__quote(q, sizeof q, w->address));
    return PG_OK;
}

static int load_waiver(const pl_ctx *x, const pn_node *n, pg_waiver **out)
{
    static const char *const keys[] = {"rule", "address", "reason", "owner", "expires", NULL};
    pg_waiver *w;
    const pn_node *v;
    int rc;

    *out = NULL;
    if ((rc = pg_policy__want_map(&x->n, n, "a waiver")) != PG_OK ||
        (rc = pg_policy__check_keys(&x->n, n, "a waiver", keys)) != PG_OK)
        return rc;
    if (!pg_policy__map_get(n, "rule"))
        return pg_policy__fail(&x->n, n, "a waiver needs rule: (the rule or detector id it waives)");
    if (!pg_policy__map_get(n, "address"))
        return pg_policy__fail(&x->n, n, "a waiver needs address: (a glob of the addresses it covers)");
    if (!pg_policy__map_get(n, "reason"))
        return pg_policy__fail(&x->n, n, "a waiver needs reason: (why the finding is accepted, e.g. a ticket)");
    if (!(w = pg_calloc(1, sizeof *w)))
        return pg_error_oom(x->n.err);
    w->from_change = x->from_change;
    if ((rc = pg_policy__source_of(&x->n, n, &w->source)) != PG_OK ||
        (rc = pg_policy__get_text(&x->n, pg_policy__map_get(n, "rule"), "rule", &w->rule)) != PG_OK ||
        (rc = pg_policy__get_text(&x->n, pg_policy__map_get(n, "address"), "address", &w->address)) != PG_OK ||
        (rc = pg_policy__get_address(&x->n, pg_policy__map_get(n, "address"), "address", &w->pattern)) != PG_OK ||
        (rc = pg_policy__get_text(&x->n, pg_policy__map_get(n, "reason"), "reason", &w->reason)) != PG_OK)
        goto fail;
    if (!(w->file = pg_strdup(x->n.source))) {
        rc = pg_error_oom(x->n.err);
        goto fail;
    }
    w->rule_line = pg_policy__map_get(n, "rule")->line;
    w->rule_col = pg_policy__map_get(n, "rule")->col;
    if ((v = pg_policy__map_get(n, "owner")) && (rc = pg_policy__get_text(&x->n, v, "owner", &w->owner)) != PG_OK)
        goto fail;
    if ((v = pg_policy__map_get(n, "expires")) && (rc = load_expires(x, v, w)) != PG_OK)
        goto fail;
    if (x->from_change && (rc = check_from_change(x, n, w)) != PG_OK)
        goto fail;
    *out = w;
    return PG_OK;
fail:
    pg_policy__waiver_free(w);
    return rc;
}

int pg_policy__load_waivers(const pl_ctx *x, const pn_node *n)
{
    pg_policy *into = x->into;
    size_t i;
    int rc;

    if ((rc = pg_policy__want_seq(&x->n, n, "waivers")) != PG_OK)
        return rc;
    for (i = 0; i < n->n; i++) {
        if ((rc = PG_GROW(into->waivers, into->cap_waivers, into->n_waivers + 1, x->n.err)) != PG_OK)
            return rc;
        if ((rc = load_waiver(x, n->kids[i], &into->waivers[into->n_waivers])) != PG_OK) {
            if ((rc = pg_policy__go_on(&x->n, rc)) != PG_OK)
                return rc;
            continue;
        }
        into->n_waivers++;
    }
    return PG_OK;
}
