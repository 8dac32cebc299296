/*
 * json.c — the machine-readable report, schema "plangate/report/v1" (SPEC §5).
 *
 * Written through pg_report__jw: the layout of jansson's JSON_INDENT(2)
 * with keys in the documented order, UTF-8 kept as is, a trailing newline;
 * the findings are streamed, one finding's jansson tree at a time. Decisions (docs/ci.md § "The JSON report"):
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

/* Every builder below goes through put(): a NULL value (out of memory)
 * or a failed insert sets *ok to 0, and the tree is dropped at the end. */
static void put(json_t *obj, const char *key, json_t *v, int *ok)
{
    if (!v || json_object_set_new(obj, key, v) != 0)
        *ok = 0;
}

static void push(json_t *arr, json_t *v, int *ok)
{
    if (!v || json_array_append_new(arr, v) != 0)
        *ok = 0;
}

static json_t *str_or_null(const char *s)
{
    return pg_report__json_str(s);
}

static json_t *nonempty_or_null(const char *s)
{
    return pg_report__json_str(s && *s ? s : NULL);
}

static json_t *tristate(int v)
{
    return v < 0 ? json_null() : json_boolean(v);
}

/* A borrowed json value from the model: shared, not copied. */
static json_t *share(json_t *v)
{
    return v ? json_incref(v) : json_null();
}

/* The summary keys, in the order SPEC §5 documents them. */
static const pg_action summary_order[] = {
    PG_ACTION_CREATE, PG_ACTION_UPDATE, PG_ACTION_REPLACE, PG_ACTION_DELETE,
    PG_ACTION_READ,   PG_ACTION_NOOP,   PG_ACTION_FORGET,
};

static json_t *plan_object(const pg_plan_info *p, int *ok)
{
    json_t *plan = json_object(), *summary = json_object();
    size_t i;

    if (!plan || !summary) {
        json_decref(plan);
        json_decref(summary);
        *ok = 0;
        return NULL;
    }
    put(plan, "format_version", nonempty_or_null(p->format_version), ok);
    put(plan, "terraform_version", nonempty_or_null(p->terraform_version), ok);
    for (i = 0; i < sizeof summary_order / sizeof summary_order[0]; i++)
        put(summary, pg_action_name(summary_order[i]), json_integer(p->counts[summary_order[i]]), ok);
    if (p->counts[PG_ACTION_UNKNOWN] != 0)
        put(summary, "unknown", json_integer(p->counts[PG_ACTION_UNKNOWN]), ok);
    put(plan, "summary", summary, ok);
    put(plan, "resource_changes", json_integer(p->resource_changes), ok);
    put(plan, "errored", json_boolean(p->errored), ok);
    put(plan, "complete", tristate(p->complete), ok);
    put(plan, "applyable", tristate(p->applyable), ok);
    return plan;
}

static json_t *finding_object(const pg_finding *f, int *ok)
{
    json_t *o = json_object(), *ev = json_array();
    size_t i;

    if (!o || !ev) {
        json_decref(o);
        json_decref(ev);
        *ok = 0;
        return NULL;
    }
    put(o, "rule", str_or_null(f->rule), ok);
    put(o, "severity", json_string(pg_severity_name(f->severity)), ok);
    put(o, "address", str_or_null(f->address), ok);
    put(o, "type", str_or_null(f->type), ok);
    put(o, "actions", share(f->actions), ok);
    put(o, "action", json_string(pg_action_name(f->action)), ok);
    put(o, "action_reason", str_or_null(f->action_reason), ok);
    put(o, "message", str_or_null(f->message), ok);
    for (i = 0; i < f->n_evidence; i++) {
        json_t *e = json_object();
        if (!e) {
            *ok = 0;
            break;
        }
        put(e, "path", str_or_null(f->evidence[i].path), ok);
        put(e, "before", share(f->evidence[i].before), ok);
        put(e, "after", share(f->evidence[i].after), ok);
        push(ev, e, ok);
    }
    put(o, "evidence", ev, ok);
    put(o, "remediation", str_or_null(f->remediation), ok);
    put(o, "waived", json_boolean(f->waived), ok);
    put(o, "waiver_reason", str_or_null(f->waiver_reason), ok);
    put(o, "waiver_owner", str_or_null(f->waiver_owner), ok);
    put(o, "waiver_expired", str_or_null(f->waiver_expired), ok);
    return o;
}

static const char *waiver_state_name(pg_waiver_state s)
{
    switch (s) {
    case PG_WAIVER_USED: return "used";
    case PG_WAIVER_EXPIRED: return "expired";
    case PG_WAIVER_UNUSED: break;
    }
    return "unused";
}

/* Where a waiver came from: a trusted policy, or the change under review. */
static void waiver_origin(json_t *o, const pg_waiver_status *w, int *ok)
{
    put(o, "origin", json_string(w->from_change ? "change" : "policy"), ok);
    put(o, "source", str_or_null(w->source), ok);
}

static json_t *waiver_object(const pg_waiver_status *w, int *ok)
{
    json_t *o = json_object();

    if (!o) {
        *ok = 0;
        return NULL;
    }
    put(o, "rule", str_or_null(w->rule), ok);
    put(o, "address", str_or_null(w->address), ok);
    put(o, "status", json_string(waiver_state_name(w->state)), ok);
    put(o, "reason", str_or_null(w->reason), ok);
    put(o, "owner", str_or_null(w->owner), ok);
    put(o, "expires", str_or_null(w->expires), ok);
    waiver_origin(o, w, ok);
    return o;
}

/* MARK: the weakened gate (issue 11; docs/ci.md "The JSON report") */

static json_t *weakened_object(const pg_report *r, const pg_report_weakened *w, int *ok)
{
    json_t *o = json_object();

    (void)r;
    if (!o) {
        *ok = 0;
        return NULL;
    }
    put(o, "detector", str_or_null(w->detector), ok);
    put(o, "disabled", json_boolean(w->disabled), ok);
    put(o, "severity", w->disabled ? json_null() : json_string(pg_severity_name(w->severity)), ok);
    put(o, "default_severity", json_string(pg_severity_name(w->default_severity)), ok);
    put(o, "source", str_or_null(w->source), ok);
    return o;
}

static void weakened_member(pg_report__jw *w, const pg_report *r, int *ok)
{
    size_t i;

    pg_report__jw_key(w, "weakened");
    pg_report__jw_open(w, '[');
    for (i = 0; i < r->n_weakened && !w->oom; i++)
        pg_report__jw_element(w, weakened_object(r, &r->weakened[i], ok), ok);
    pg_report__jw_close(w, ']');
}

typedef enum list_kind { LIST_DESTROYS, LIST_MOVES, LIST_DEPOSED, LIST_DRIFT, LIST_IMPORTS } list_kind;

static json_t *item_object(const pg_report_item *it, list_kind kind, int *ok)
{
    json_t *o = json_object();
    const char *order;

    if (!o) {
        *ok = 0;
        return NULL;
    }
    switch (kind) {
    case LIST_DESTROYS:
        order = pg_report__replace_order_name(it->replace_order);
        put(o, "address", str_or_null(it->address), ok);
        put(o, "type", str_or_null(it->type), ok);
        put(o, "action", json_string(pg_action_name(it->action)), ok);
        put(o, "actions", share(it->actions), ok);
        put(o, "action_reason", str_or_null(it->action_reason), ok);
        put(o, "replace_order", order ? json_string(order) : json_null(), ok);
        put(o, "protected", json_boolean(it->is_protected), ok);
        put(o, "deposed", str_or_null(it->deposed), ok);
        break;
    case LIST_MOVES:
        put(o, "previous_address", str_or_null(it->previous_address), ok);
        put(o, "address", str_or_null(it->address), ok);
        put(o, "action", json_string(pg_action_name(it->action)), ok);
        break;
    case LIST_DEPOSED:
        put(o, "address", str_or_null(it->address), ok);
        put(o, "deposed", str_or_null(it->deposed), ok);
        put(o, "actions", share(it->actions), ok);
        break;
    case LIST_DRIFT:
        put(o, "address", str_or_null(it->address), ok);
        put(o, "actions", share(it->actions), ok);
        break;
    case LIST_IMPORTS:
        put(o, "address", str_or_null(it->address), ok);
        put(o, "type", str_or_null(it->type), ok);
        break;
    }
    return o;
}

static json_t *list_array(const pg_report_list *l, list_kind kind, int *ok)
{
    json_t *a = json_array();
    size_t i;

    if (!a) {
        *ok = 0;
        return NULL;
    }
    for (i = 0; i < l->count && *ok; i++)
        push(a, item_object(&l->items[i], kind, ok), ok);
    return a;
}

static json_t *totals_object(const pg_report *r, int *ok)
{
    json_t *totals = json_object();

    if (!totals) {
        *ok = 0;
        return NULL;
    }
    put(totals, "drift", json_integer((json_int_t)r->drift.total), ok);
    put(totals, "destroys", json_integer((json_int_t)r->destroys.total), ok);
    put(totals, "moves", json_integer((json_int_t)r->moves.total), ok);
    put(totals, "deposed", json_integer((json_int_t)r->deposed.total), ok);
    put(totals, "imports", json_integer((json_int_t)r->imports.total), ok);
    return totals;
}

static int write_json(const pg_report *r, const pg_report_style *style, FILE *out, pg_error *err)
{
    pg_report__out o;
    pg_report__jw w;
    int ok = 1;
    size_t i;

    pg_report__out_stream(&o, out);
    pg_report__jw_init(&w, &o);
    pg_report__jw_open(&w, '{');
    pg_report__jw_member(&w, "schema", json_string(PG_REPORT_SCHEMA), NULL);
    pg_report__jw_member(&w, "plangate_version", str_or_null(style->version), NULL);
    pg_report__jw_member(&w, "plan", plan_object(&r->plan, &ok), &ok);
    pg_report__jw_member(&w, "verdict", json_string(pg_report__verdict_name(r->verdict)), NULL);
    pg_report__jw_member(&w, "fail_on", json_string(pg_severity_name(r->fail_on)), NULL);

    /* The findings are streamed: one finding's tree at a time. */
    pg_report__jw_key(&w, "findings");
    pg_report__jw_open(&w, '[');
    for (i = 0; i < r->findings.count && !w.oom && !o.failed; i++)
        pg_report__jw_element(&w, finding_object(r->findings.items[i], &ok), &ok);
    pg_report__jw_close(&w, ']');

    pg_report__jw_key(&w, "waivers");
    pg_report__jw_open(&w, '[');
    for (i = 0; i < r->n_waivers && !w.oom; i++)
        pg_report__jw_element(&w, waiver_object(&r->waivers[i], &ok), &ok);
    pg_report__jw_close(&w, ']');
    weakened_member(&w, r, &ok);

    pg_report__jw_member(&w, "drift", list_array(&r->drift, LIST_DRIFT, &ok), &ok);
    pg_report__jw_member(&w, "destroys", list_array(&r->destroys, LIST_DESTROYS, &ok), &ok);
    pg_report__jw_member(&w, "moves", list_array(&r->moves, LIST_MOVES, &ok), &ok);
    pg_report__jw_member(&w, "deposed", list_array(&r->deposed, LIST_DEPOSED, &ok), &ok);
    pg_report__jw_member(&w, "imports", list_array(&r->imports, LIST_IMPORTS, &ok), &ok);
    pg_report__jw_member(&w, "totals", totals_object(r, &ok), &ok);

    pg_report__jw_key(&w, "errors");
    pg_report__jw_open(&w, '[');
    for (i = 0; i < r->n_errors && !w.oom; i++)
        pg_report__jw_element(&w, str_or_null(r->errors[i]), NULL);
    pg_report__jw_close(&w, ']');
    pg_report__jw_close(&w, '}');
    pg_report__putc(&o, '\n');
    if (w.oom || !ok)
        return pg_error_set(err, PG_ENOMEM, "out of memory while writing the json report");
    return PG_OK; /* a failed write stays in the stream: pg_report_write reports it */
}

const pg_report_writer pg_report__json_writer = {"json", write_json};
