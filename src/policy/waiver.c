/* waiver.c — applying `waivers:` to findings (SPEC §4).
 *
 * A waiver covers a finding when its rule is the finding's rule (or
 * detector) id and its address pattern covers the finding's address
 * (address.c: the one notion of coverage, shared with protect: and rules). The
 * first valid waiver that covers a finding waives it (reason and owner are
 * copied onto the finding); every valid waiver that covers it counts it.
 * A waiver is expired when today is after its `expires` date: it then
 * waives nothing, and the findings it would have covered carry its date in
 * waiver_expired. A finding whose rule says `waivable: false` is covered by
 * no waiver at all: a waiver aimed only at such findings reports "unused"
 * (docs/policies.md says so). Waivers from the change under review
 * (--waivers) apply the same way once loaded: their limits are checked at
 * load time (waiver_load.c), and their status says where they came from.
 */
#include "policy/policy_internal.h"

#include <string.h>

#include "plangate/alloc.h"
#include "util/date.h"

/* The waiver's address pattern (address.c) against the finding's address;
 * a plan-level finding has address "". */
static int covers(const pg_waiver *w, const pg_finding *f, int *out, pg_error *err)
{
    *out = 0;
    if (strcmp(w->rule, f->rule) != 0)
        return PG_OK;
    return pg_policy__addr_match(w->pattern, f->address ? f->address : "", out, err);
}

int pg_policy_apply_waivers(const pg_policy *p, pg_findings *findings, const char *today,
                            pg_waiver_status **out, size_t *count_out, pg_error *err)
{
    pg_waiver_status *st = NULL;
    unsigned char *expired = NULL;
    char now[11];
    size_t n = p ? p->n_waivers : 0, i, k;

    *out = NULL;
    *count_out = 0;
    if (n == 0)
        return PG_OK;
    if (!today) {
        int rc = pg_date_today(now, NULL, err);
        if (rc != PG_OK)
            return rc;
        today = now;
    }
    st = pg_calloc(n, sizeof *st);
    expired = pg_calloc(n, 1);
    if (!st || !expired)
        goto nomem;
    for (i = 0; i < n; i++) {
        const pg_waiver *w = p->waivers[i];
        st[i].rule = w->rule;
        st[i].address = w->address;
        st[i].reason = w->reason;
        st[i].owner = w->owner;
        st[i].expires = w->expires;
        st[i].source = w->source;
        st[i].from_change = w->from_change;
        /* YYYY-MM-DD compares as text; the waiver still holds on its date. */
        expired[i] = w->expires && strcmp(today, w->expires) > 0;
    }
    for (k = 0; findings && k < findings->count; k++) {
        pg_finding *f = findings->items[k];
        const pg_waiver *applied = NULL, *lapsed = NULL;

        if (!f->waivable || f->waived)
            continue;
        for (i = 0; i < n; i++) {
            const pg_waiver *w = p->waivers[i];
            int hit;
            if (covers(w, f, &hit, err) != PG_OK)
                goto fail;
            if (!hit)
                continue;
            st[i].matched++;
            if (expired[i]) {
                if (!lapsed)
                    lapsed = w;
            } else if (!applied) {
                applied = w;
            }
        }
        if (applied) {
            f->waived = 1;
            if (!(f->waiver_reason = pg_strdup(applied->reason)))
                goto nomem;
            if (applied->owner && !(f->waiver_owner = pg_strdup(applied->owner)))
                goto nomem;
        } else if (lapsed) {
            if (!(f->waiver_expired = pg_strdup(lapsed->expires)))
                goto nomem;
        }
    }
    for (i = 0; i < n; i++)
        st[i].state = expired[i] ? PG_WAIVER_EXPIRED : st[i].matched ? PG_WAIVER_USED : PG_WAIVER_UNUSED;
    pg_free(expired);
    *out = st;
    *count_out = n;
    return PG_OK;
nomem:
    pg_error_oom(err);
fail:
    pg_free(st);
    pg_free(expired);
    return PG_ENOMEM;
}

size_t pg_policy_waiver_count(const pg_policy *p)
{
    return p ? p->n_waivers : 0;
}

const char *pg_policy_waiver_rule(const pg_policy *p, size_t i, pg_policy_position *at)
{
    const pg_waiver *w;

    if (!p || i >= p->n_waivers)
        return NULL;
    w = p->waivers[i];
    if (at) {
        at->file = w->file;
        at->line = w->rule_line;
        at->column = w->rule_col;
    }
    return w->rule;
}
