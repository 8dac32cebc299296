/* document.c — one policy document (SPEC §4, version 1): its top-level keys
 * and version, the settings sections (`detectors:`, `lock_tables:`,
 * `waiver_limits:`), and the dispatch to the section loaders of
 * environment.c, catalogue.c (`data_stores:`), protect.c, rule_load.c and waiver_load.c.
 *
 * Every key is checked against the keys its place allows, every value
 * against its type, so a policy that loads cannot fail later for being
 * malformed. Each error points at the offending node (file:line:column).
 * Everything lands in the staging policy x->into; load.c merges it only
 * when the whole file loaded.
 *
 * A file from the change under review (--waivers, x->from_change) may hold
 * `version:` and `waivers:` only: the trust model of docs/policies.md
 * (so never `environments:`, which says what production is).
 * Detector ids are not checked here (the policy knows no detector): the
 * setting keeps its position for pg_detect_check_policy.
 */
#include "policy/policy_internal.h"

#include <stdio.h>
#include <string.h>

#include "plangate/alloc.h"
#include "util/grow.h"

/* ---- detectors, lock_tables, waiver_limits ------------------------------------------ */

static int load_setting(const pl_ctx *x, const pn_node *k, const pn_node *v, pg_setting *s)
{
    static const char *const keys[] = {"enabled", "severity", NULL};
    char what[PG_POLICY_QUOTE + 40], q[PG_POLICY_QUOTE];
    const pn_node *e;
    pg_severity sev;
    int rc;

    snprintf(what, sizeof what, "the settings of detector %s", pg_policy__quote(q, sizeof q, k->text));
    if ((rc = pg_policy__want_map(&x->n, v, what)) != PG_OK || (rc = pg_policy__check_keys(&x->n, v, what, keys)) != PG_OK)
        return rc;
    if (!(s->id = pg_strdup(k->text)) || !(s->file = pg_strdup(x->n.source)))
        return pg_error_oom(x->n.err);
    s->pub.enabled = -1;
    s->pub.severity = -1;
    s->pub.at.line = k->line;
    s->pub.at.column = k->col;
    if ((e = pg_policy__map_get(v, "enabled"))) {
        if ((rc = pg_policy__get_bool(&x->n, e, "enabled", &s->pub.enabled)) != PG_OK ||
            (rc = pg_policy__source_of(&x->n, e, &s->enabled_source)) != PG_OK)
            return rc;
    }
    if ((e = pg_policy__map_get(v, "severity"))) {
        if ((rc = pg_policy__get_severity(&x->n, e, &sev)) != PG_OK ||
            (rc = pg_policy__source_of(&x->n, e, &s->severity_source)) != PG_OK)
            return rc;
        s->pub.severity = (int)sev;
    }
    return PG_OK;
}

static int load_detectors(const pl_ctx *x, const pn_node *n)
{
    pg_policy *into = x->into;
    size_t i;
    int rc;

    if ((rc = pg_policy__want_map(&x->n, n, "detectors")) != PG_OK)
        return rc;
    for (i = 0; i + 1 < n->n; i += 2) {
        pg_setting *s;
        if ((rc = PG_GROW(into->detectors, into->cap_detectors, into->n_detectors + 1, x->n.err)) != PG_OK)
            return rc;
        s = &into->detectors[into->n_detectors++];
        memset(s, 0, sizeof *s);
        rc = load_setting(x, n->kids[i], n->kids[i + 1], s);
        /* the views point at the owned strings (set even on failure: freeing reads only those) */
        s->pub.id = s->id;
        s->pub.at.file = s->file;
        s->pub.enabled_source = s->enabled_source;
        s->pub.severity_source = s->severity_source;
        /* lint goes on with the next detector (the entry stays: it is freed
         * with the staging policy, which a file with an error never merges) */
        if (rc != PG_OK && (rc = pg_policy__go_on(&x->n, rc)) != PG_OK)
            return rc;
    }
    return PG_OK;
}

static int load_lock_tables(const pl_ctx *x, const pn_node *n)
{
    pg_policy *into = x->into;
    size_t i;
    int rc;

    if ((rc = pg_policy__want_seq(&x->n, n, "lock_tables")) != PG_OK)
        return rc;
    for (i = 0; i < n->n; i++) {
        if ((rc = PG_GROW(into->lock_tables, into->cap_lock_tables, into->n_lock_tables + 1, x->n.err)) != PG_OK ||
            (rc = pg_policy__get_text(&x->n, n->kids[i], "a lock_tables entry", &into->lock_tables[into->n_lock_tables])) !=
                PG_OK)
            return rc;
        into->n_lock_tables++;
    }
    return PG_OK;
}

/* waiver_limits: { max_days: N } — how far ahead a waiver from the change
 * may expire (docs/policies.md "Trust model"). */
static int load_waiver_limits(const pl_ctx *x, const pn_node *n)
{
    static const char *const keys[] = {"max_days", NULL};
    const pn_node *v;
    int rc;

    if ((rc = pg_policy__want_map(&x->n, n, "waiver_limits")) != PG_OK ||
        (rc = pg_policy__check_keys(&x->n, n, "waiver_limits", keys)) != PG_OK)
        return rc;
    if (!(v = pg_policy__map_get(n, "max_days")))
        return pg_policy__fail(&x->n, n, "waiver_limits needs max_days: (how many days ahead a waiver from "
                                         "--waivers may expire)");
    if (v->kind != PN_SCALAR || v->stype != PS_INT || !v->int_fits || v->integer < 0 ||
        v->integer > PG_POLICY_MAX_WAIVER_DAYS)
        return pg_policy__fail(&x->n, v, "max_days must be a whole number from 0 to %d, not %s",
                               PG_POLICY_MAX_WAIVER_DAYS,
                               v->kind == PN_SCALAR && v->stype == PS_INT ? v->text : pg_policy__node_kind_name(v));
    x->into->waiver_max_days = (int)v->integer;
    return pg_policy__source_of(&x->n, v, &x->into->waiver_max_days_source);
}

/* ---- the document -------------------------------------------------------------------- */

static const pn_node *section(const pn_node *root, const char *key)
{
    const pn_node *v = pg_policy__map_get(root, key);

    return v && v->kind == PN_SCALAR && v->stype == PS_NULL ? NULL : v;
}

/* A waiver file names no key but version and waivers: the message says why. */
static int check_change_keys(const pl_ctx *x, const pn_node *root)
{
    char q[PG_POLICY_QUOTE];
    size_t i;

    for (i = 0; i + 1 < root->n; i += 2) {
        const char *k = root->kids[i]->text;
        if (strcmp(k, "version") == 0 || strcmp(k, "waivers") == 0)
            continue;
        return pg_policy__fail(&x->n, root->kids[i],
                               "a waiver file (--waivers) may hold only version: and waivers:, not %s "
                               "(detector settings, protect selectors and rules come from --policy files)",
                               pg_policy__quote(q, sizeof q, k));
    }
    return PG_OK;
}

static int check_version(const pl_ctx *x, const pn_node *root)
{
    const pn_node *v = pg_policy__map_get(root, "version");
    char q[PG_POLICY_QUOTE];

    if (!v)
        return pg_policy__fail(&x->n, root, "missing version: 1 (the policy language version)");
    if (v->kind != PN_SCALAR || v->stype != PS_INT || !v->int_fits || v->integer != 1)
        return pg_policy__fail(&x->n, v, "unsupported version %s (this plangate reads version: 1)",
                               v->kind == PN_SCALAR ? pg_policy__quote(q, sizeof q, v->text)
                                                    : pg_policy__node_kind_name(v));
    return PG_OK;
}

int pg_policy__load_document(const pl_ctx *x, const pn_node *root)
{
    static const char *const keys[] = {"version", "detectors",     "lock_tables",  "protect", "rules",
                                       "waivers", "waiver_limits", "environments", "data_stores", NULL};
    const pn_node *v;
    int rc;

    if (!root || (root->kind == PN_SCALAR && root->stype == PS_NULL)) {
        pn_node start;
        memset(&start, 0, sizeof start);
        start.line = start.col = 1;
        return pg_policy__fail(&x->n, &start, "empty policy file (expected a mapping that starts with version: 1)");
    }
    if (root->kind != PN_MAP)
        return pg_policy__fail(&x->n, root, "a policy file is a mapping that starts with version: 1, not %s",
                               pg_policy__node_kind_name(root));
    /* Each check and section goes on after an error in a collecting load
     * (lint: pg_policy__go_on), so one run shows every error it can. */
    rc = x->from_change ? check_change_keys(x, root) : pg_policy__check_keys(&x->n, root, "the policy file", keys);
    if ((rc = pg_policy__go_on(&x->n, rc)) != PG_OK || (rc = pg_policy__go_on(&x->n, check_version(x, root))) != PG_OK)
        return rc;
    /* A section left empty (`waivers:` with every entry commented out) is
     * null: it says nothing, which is what its author meant. */
    if ((v = section(root, "environments")) &&
        (rc = pg_policy__go_on(&x->n, pg_policy__load_environments(x, v))) != PG_OK)
        return rc;
    if (x->only_environments)
        return PG_OK;
    if ((v = section(root, "detectors")) && (rc = pg_policy__go_on(&x->n, load_detectors(x, v))) != PG_OK)
        return rc;
    if ((v = section(root, "lock_tables")) && (rc = pg_policy__go_on(&x->n, load_lock_tables(x, v))) != PG_OK)
        return rc;
    if ((v = section(root, "waiver_limits")) && (rc = pg_policy__go_on(&x->n, load_waiver_limits(x, v))) != PG_OK)
        return rc;
    if ((v = section(root, "data_stores")) &&
        (rc = pg_policy__go_on(&x->n, pg_policy__load_data_stores(x, v))) != PG_OK)
        return rc;
    if ((v = section(root, "protect")) && (rc = pg_policy__go_on(&x->n, pg_policy__load_protect(x, v))) != PG_OK)
        return rc;
    if ((v = section(root, "rules")) && (rc = pg_policy__go_on(&x->n, pg_policy__load_rules(x, v))) != PG_OK)
        return rc;
    if ((v = section(root, "waivers")) && (rc = pg_policy__go_on(&x->n, pg_policy__load_waivers(x, v))) != PG_OK)
        return rc;
    return pg_policy__check_environment_refs(x);
}
