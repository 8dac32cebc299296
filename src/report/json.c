/*
 * json.c — the machine-readable report, schema "plangate/report/v1" (SPEC §5).
 *
 * Streamed through pg_report__jw (jw.c): the layout of jansson's
 * JSON_INDENT(2) with keys in the documented order, UTF-8 kept as is
 * (controls, hidden characters and the '#' of "##[" as \u escapes: the same
 * strings), a trailing newline; nothing of the report is built as a tree.
 * Decisions (docs/ci.md § "The JSON report"):
 * - plan.summary has the seven normalised actions in the documented order,
 *   and "unknown" only when the plan held an action list we do not know
 *   (the documented shape stays the same for every ordinary plan);
 * - optional strings are null, never absent, so every finding has every key;
 * - evidence before/after is null when a side does not apply;
 * - each resource list holds at most PG_REPORT_MAX_ITEMS entries, and
 *   "totals" says how many the plan had.
 */
#include "report/report_internal.h"

#include <string.h>

static void mstr_nonempty(pg_report__jw *w, const char *key, const char *s)
{
    pg_report__jw_mstr(w, key, s && *s ? s : NULL);
}

/* The summary keys, in the order SPEC §5 documents them. */
static const pg_action summary_order[] = {
    PG_ACTION_CREATE, PG_ACTION_UPDATE, PG_ACTION_REPLACE, PG_ACTION_DELETE,
    PG_ACTION_READ,   PG_ACTION_NOOP,   PG_ACTION_FORGET,
};

static void plan_object(pg_report__jw *w, const pg_plan_info *p)
{
    size_t i;

    pg_report__jw_open(w, '{');
    mstr_nonempty(w, "format_version", p->format_version);
    mstr_nonempty(w, "terraform_version", p->terraform_version);
    pg_report__jw_key(w, "summary");
    pg_report__jw_open(w, '{');
    for (i = 0; i < sizeof summary_order / sizeof summary_order[0]; i++)
        pg_report__jw_mint(w, pg_action_name(summary_order[i]), p->counts[summary_order[i]]);
    if (p->counts[PG_ACTION_UNKNOWN] != 0)
        pg_report__jw_mint(w, "unknown", p->counts[PG_ACTION_UNKNOWN]);
    pg_report__jw_close(w, '}');
    pg_report__jw_mint(w, "resource_changes", p->resource_changes);
    pg_report__jw_mbool(w, "errored", p->errored);
    pg_report__jw_key(w, "complete");
    pg_report__jw_tristate(w, p->complete);
    pg_report__jw_key(w, "applyable");
    pg_report__jw_tristate(w, p->applyable);
    pg_report__jw_close(w, '}');
}

static void finding_object(pg_report__jw *w, const pg_finding *f)
{
    pg_report__jw_open(w, '{');
    pg_report__jw_mstr(w, "rule", f->rule);
    pg_report__jw_mstr(w, "severity", pg_severity_name(f->severity));
    pg_report__jw_mstr(w, "address", f->address);
    pg_report__jw_mstr(w, "type", f->type);
    pg_report__jw_mvalue(w, "actions", f->actions);
    pg_report__jw_mstr(w, "action", pg_action_name(f->action));
    pg_report__jw_mstr(w, "action_reason", f->action_reason);
    pg_report__jw_mstr(w, "message", f->message);
    pg_report__jw_evidence(w, f);
    pg_report__jw_mstr(w, "remediation", f->remediation);
    pg_report__jw_mbool(w, "waived", f->waived);
    pg_report__jw_mstr(w, "waiver_reason", f->waiver_reason);
    pg_report__jw_mstr(w, "waiver_owner", f->waiver_owner);
    pg_report__jw_mstr(w, "waiver_expired", f->waiver_expired);
    /* issue 15: why its resource is destroyed (null when it is not) */
    pg_report__jw_mstr(w, "cause", f->cause);
    pg_report__jw_mvalue(w, "forced_by", f->forced_by);
    pg_report__jw_close(w, '}');
}

static void waiver_object(pg_report__jw *w, const pg_waiver_status *ws)
{
    pg_report__jw_open(w, '{');
    pg_report__jw_mstr(w, "rule", ws->rule);
    pg_report__jw_mstr(w, "address", ws->address);
    pg_report__jw_mstr(w, "status", pg_report__waiver_state_word(ws->state));
    pg_report__jw_mstr(w, "reason", ws->reason);
    pg_report__jw_mstr(w, "owner", ws->owner);
    pg_report__jw_mstr(w, "expires", ws->expires);
    /* where it came from: a trusted policy, or the change under review */
    pg_report__jw_mstr(w, "origin", ws->from_change ? "change" : "policy");
    pg_report__jw_mstr(w, "source", ws->source);
    pg_report__jw_close(w, '}');
}

/* MARK: the weakened gate (issue 11; docs/ci.md "The JSON report") */

static void weakened_object(pg_report__jw *w, const pg_report_weakened *wk)
{
    pg_report__jw_open(w, '{');
    pg_report__jw_mstr(w, "detector", wk->detector);
    pg_report__jw_mbool(w, "disabled", wk->disabled);
    pg_report__jw_mstr(w, "severity", wk->disabled ? NULL : pg_severity_name(wk->severity));
    pg_report__jw_mstr(w, "default_severity", pg_severity_name(wk->default_severity));
    pg_report__jw_mstr(w, "source", wk->source);
    pg_report__jw_close(w, '}');
}

typedef enum list_kind { LIST_DESTROYS, LIST_MOVES, LIST_DEPOSED, LIST_DRIFT, LIST_IMPORTS, LIST_FORGOTTEN } list_kind;

static void item_object(pg_report__jw *w, const pg_report_item *it, list_kind kind)
{
    pg_report__jw_open(w, '{');
    switch (kind) {
    case LIST_DESTROYS:
        pg_report__jw_mstr(w, "address", it->address);
        pg_report__jw_mstr(w, "type", it->type);
        pg_report__jw_mstr(w, "action", pg_action_name(it->action));
        pg_report__jw_mvalue(w, "actions", it->actions);
        pg_report__jw_mstr(w, "action_reason", it->action_reason);
        pg_report__jw_mstr(w, "replace_order", pg_report__replace_order_name(it->replace_order));
        pg_report__jw_mbool(w, "protected", it->is_protected);
        pg_report__jw_mstr(w, "deposed", it->deposed);
        /* issue 15: the name in the console, the cause, the attributes that force it */
        pg_report__jw_mstr(w, "physical_name", it->physical_name);
        pg_report__jw_mstr(w, "cause", it->cause);
        pg_report__jw_mvalue(w, "forced_by", it->forced_by);
        break;
    case LIST_FORGOTTEN:
        pg_report__jw_mstr(w, "address", it->address);
        pg_report__jw_mstr(w, "type", it->type);
        break;
    case LIST_MOVES:
        pg_report__jw_mstr(w, "previous_address", it->previous_address);
        pg_report__jw_mstr(w, "address", it->address);
        pg_report__jw_mstr(w, "action", pg_action_name(it->action));
        break;
    case LIST_DEPOSED:
        pg_report__jw_mstr(w, "address", it->address);
        pg_report__jw_mstr(w, "deposed", it->deposed);
        pg_report__jw_mvalue(w, "actions", it->actions);
        break;
    case LIST_DRIFT:
        pg_report__jw_mstr(w, "address", it->address);
        pg_report__jw_mvalue(w, "actions", it->actions);
        break;
    case LIST_IMPORTS:
        pg_report__jw_mstr(w, "address", it->address);
        pg_report__jw_mstr(w, "type", it->type);
        break;
    }
    pg_report__jw_close(w, '}');
}

static void list_array(pg_report__jw *w, const char *key, const pg_report_list *l, list_kind kind)
{
    size_t i;

    pg_report__jw_key(w, key);
    pg_report__jw_open(w, '[');
    for (i = 0; i < l->count; i++) {
        pg_report__jw_elem(w);
        item_object(w, &l->items[i], kind);
    }
    pg_report__jw_close(w, ']');
}

static void totals_object(pg_report__jw *w, const pg_report *r)
{
    pg_report__jw_key(w, "totals");
    pg_report__jw_open(w, '{');
    pg_report__jw_mint(w, "drift", (long long)r->drift.total);
    pg_report__jw_mint(w, "destroys", (long long)r->destroys.total);
    pg_report__jw_mint(w, "moves", (long long)r->moves.total);
    pg_report__jw_mint(w, "deposed", (long long)r->deposed.total);
    pg_report__jw_mint(w, "imports", (long long)r->imports.total);
    pg_report__jw_mint(w, "forgotten", (long long)r->forgotten.total);
    pg_report__jw_close(w, '}');
}

static int write_json(const pg_report *r, const pg_report_style *style, FILE *out, pg_error *err)
{
    pg_report__out o;
    pg_report__jw w;
    size_t i;
    int rc;

    pg_report__out_stream(&o, out, "json");
    pg_report__jw_init(&w, &o);
    pg_report__jw_open(&w, '{');
    pg_report__jw_mstr(&w, "schema", PG_REPORT_SCHEMA);
    pg_report__jw_mstr(&w, "plangate_version", style->version);
    if (r->title && !style->section) /* only with --title: reports without one stay as they were */
        pg_report__jw_mstr(&w, "title", r->title);
    pg_report__jw_key(&w, "plan");
    plan_object(&w, &r->plan);
    pg_report__jw_mstr(&w, "verdict", pg_report__verdict_name(r->verdict));
    pg_report__jw_mstr(&w, "fail_on", pg_severity_name(r->fail_on));
    if (r->audit) /* --fail-on none: "verdict" is the one the gate would give at fail_on */
        pg_report__jw_mbool(&w, "audit", 1);
    if (r->config_path) /* only when a config file was used: the reports without one stay as they were */
        pg_report__jw_mstr(&w, "config", r->config_path);

    pg_report__jw_key(&w, "findings");
    pg_report__jw_open(&w, '[');
    for (i = 0; i < r->findings.count && !pg_report__out_failed(&o); i++) {
        pg_report__jw_elem(&w);
        finding_object(&w, r->findings.items[i]);
    }
    pg_report__jw_close(&w, ']');

    pg_report__jw_key(&w, "waivers");
    pg_report__jw_open(&w, '[');
    for (i = 0; i < r->n_waivers; i++) {
        pg_report__jw_elem(&w);
        waiver_object(&w, &r->waivers[i]);
    }
    pg_report__jw_close(&w, ']');

    pg_report__jw_key(&w, "weakened");
    pg_report__jw_open(&w, '[');
    for (i = 0; i < r->n_weakened; i++) {
        pg_report__jw_elem(&w);
        weakened_object(&w, &r->weakened[i]);
    }
    pg_report__jw_close(&w, ']');

    list_array(&w, "drift", &r->drift, LIST_DRIFT);
    list_array(&w, "destroys", &r->destroys, LIST_DESTROYS);
    list_array(&w, "moves", &r->moves, LIST_MOVES);
    list_array(&w, "deposed", &r->deposed, LIST_DEPOSED);
    list_array(&w, "imports", &r->imports, LIST_IMPORTS);
    list_array(&w, "forgotten", &r->forgotten, LIST_FORGOTTEN);
    totals_object(&w, r);

    pg_report__jw_key(&w, "errors");
    pg_report__jw_open(&w, '[');
    for (i = 0; i < r->n_errors; i++) {
        pg_report__jw_elem(&w);
        pg_report__jw_str(&w, r->errors[i]);
    }
    pg_report__jw_close(&w, ']');
    pg_report__jw_close(&w, '}');
    pg_report__putc(&o, '\n');
    rc = pg_report__out_finish(&o, err);
    pg_report__out_dispose(&o);
    return rc; /* a failed write is PG_EIO from the sink; pg_report_write checks the stream too */
}

const pg_report_writer pg_report__json_writer = {"json", write_json};
