/*
 * sarif.c — SARIF 2.1.0 for code-scanning UIs (SPEC §5).
 *
 * One run; tool.driver.rules is the catalogue of every detector and rule
 * that ran (pg_report.rules), plus an entry for any rule id a finding names
 * that the catalogue lacks, so every result has a valid ruleIndex. Each
 * result points at the plan file (GitHub code scanning refuses a result
 * without a physical location) and names the resource as a logical
 * location. Waived findings carry an external, accepted suppression with the
 * waiver's reason. No timestamps: the same input gives the same bytes.
 * The log is streamed through pg_report__jw, one result's tree at a time.
 * Validated against the official schema in tests/unit/test_report_formats.c.
 */
#include "report/report_internal.h"

#include <stdio.h>
#include <string.h>

#include "plangate/alloc.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
/*
 * GitHub code scanning rejects a whole upload with more than 25 000 results
 * in a run (and keeps the 5 000 most severe). A rejected upload shows
 * nothing, so the most severe PG_SARIF_MAX_RESULTS findings are written (the
 * findings are sorted) and the log says how many were left out.
 */
#define PG_SARIF_MAX_RESULTS 25000u
/* tool.driver.informationUri is optional and left out: plangate has no
 * public home page yet, and an invented URL would mislead. */

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

static json_t *text_object(const char *s)
{
    json_t *t = json_object(), *v = pg_report__json_str(s);

    if (!t || !v) {
        json_decref(t);
        json_decref(v);
        return NULL;
    }
    if (json_object_set_new(t, "text", v) != 0) { /* v is released by jansson */
        json_decref(t);
        return NULL;
    }
    return t;
}

/* critical/high fail a code-scanning check by default, medium warns, low and info inform. */
static const char *level_of(pg_severity s)
{
    if (s >= PG_SEV_HIGH)
        return "error";
    if (s == PG_SEV_MEDIUM)
        return "warning";
    return "note";
}

/* MARK: the plan file as an artifact */

/*
 * A URI reference for the plan file: an absolute path becomes a file:// URI,
 * a relative one stays relative (GitHub resolves it against the checkout),
 * and bytes a URI may not hold are percent-encoded. Standard input has no
 * name: "stdin" keeps the result uploadable.
 */
static char *artifact_uri(const char *source)
{
    static const char hex[] = "0123456789ABCDEF";
    pg_report__out o;
    const unsigned char *p;
    char *uri;

    if (!source || !*source || strcmp(source, "<stdin>") == 0 || strcmp(source, "-") == 0)
        source = "stdin";
    pg_report__out_memory(&o);
    if (source[0] == '/')
        pg_report__puts(&o, "file://");
    for (p = (const unsigned char *)source; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/!$&'()*+,;=:@", *p)) {
            pg_report__putc(&o, (char)*p);
        } else {
            char enc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            pg_report__write(&o, enc, 3);
        }
    }
    uri = o.failed ? NULL : pg_strdup(o.buf);
    pg_report__out_dispose(&o);
    return uri;
}

/* MARK: rules */

static json_t *rule_object(const pg_rule_meta *m, int *ok)
{
    json_t *o = json_object(), *cfg = json_object(), *props = json_object();

    if (!o || !cfg || !props) {
        json_decref(o);
        json_decref(cfg);
        json_decref(props);
        *ok = 0;
        return NULL;
    }
    put(o, "id", pg_report__json_str(m->id), ok);
    put(o, "name", pg_report__json_str(m->id), ok);
    put(o, "shortDescription", text_object(m->title && *m->title ? m->title : m->id), ok);
    if (m->description && *m->description)
        put(o, "fullDescription", text_object(m->description), ok);
    if (m->remediation && *m->remediation)
        put(o, "help", text_object(m->remediation), ok);
    put(cfg, "level", json_string(level_of(m->severity)), ok);
    put(o, "defaultConfiguration", cfg, ok);
    put(props, "severity", json_string(pg_severity_name(m->severity)), ok);
    put(props, "waivable", json_boolean(m->waivable), ok);
    if (m->source)
        put(props, "source", pg_report__json_str(m->source), ok);
    put(o, "properties", props, ok);
    return o;
}

/* The catalogue plus the ids only findings name, in order of first use. */
typedef struct rule_table {
    const char **extra;   /* borrowed from findings */
    size_t n_extra;
} rule_table;

static long rule_index(const pg_report *r, const rule_table *t, const char *id)
{
    size_t i;

    for (i = 0; i < r->n_rules; i++)
        if (r->rules[i].id && strcmp(r->rules[i].id, id) == 0)
            return (long)i;
    for (i = 0; i < t->n_extra; i++)
        if (strcmp(t->extra[i], id) == 0)
            return (long)(r->n_rules + i);
    return -1;
}

static int collect_extra(const pg_report *r, rule_table *t)
{
    size_t i;

    t->extra = NULL;
    t->n_extra = 0;
    if (r->findings.count == 0)
        return PG_OK;
    t->extra = pg_calloc(r->findings.count, sizeof *t->extra);
    if (!t->extra)
        return PG_ENOMEM;
    for (i = 0; i < r->findings.count; i++) {
        const char *id = r->findings.items[i]->rule;
        if (rule_index(r, t, id) < 0)
            t->extra[t->n_extra++] = id;
    }
    return PG_OK;
}

/* MARK: results */

static void append_value_line(pg_report__out *o, const pg_evidence *e)
{
    char *before = e->before ? pg_report__value_text(e->before) : NULL;
    char *after = e->after ? pg_report__value_text(e->after) : NULL;

    if ((e->before && !before) || (e->after && !after)) {
        o->failed = 1;
    } else {
        pg_report__printf(o, "\n%s: ", e->path ? e->path : "");
        if (before && after)
            pg_report__printf(o, "%s → %s", before, after);
        else
            pg_report__puts(o, before ? before : after ? after : "(none)");
    }
    pg_free(before);
    pg_free(after);
}

/* message.text: the message, then the evidence and the fix, one per line. */
static json_t *result_message(const pg_finding *f)
{
    pg_report__out o;
    json_t *t = NULL;
    size_t i;

    pg_report__out_memory(&o);
    pg_report__puts(&o, f->message && *f->message ? f->message : f->rule);
    if (f->n_evidence > 0)
        pg_report__putc(&o, '\n');
    for (i = 0; i < f->n_evidence; i++)
        append_value_line(&o, &f->evidence[i]);
    if (f->remediation && *f->remediation)
        pg_report__printf(&o, "\n\nFix: %s", f->remediation);
    if (!o.failed)
        t = text_object(o.buf);
    pg_report__out_dispose(&o);
    return t;
}

static json_t *location_object(const char *uri, const pg_finding *f, int *ok)
{
    json_t *loc = json_object(), *phys = json_object(), *art = json_object(), *region = json_object();

    if (!loc || !phys || !art || !region) {
        json_decref(loc);
        json_decref(phys);
        json_decref(art);
        json_decref(region);
        *ok = 0;
        return NULL;
    }
    put(art, "uri", pg_report__json_str(uri), ok);
    put(art, "index", json_integer(0), ok);
    put(phys, "artifactLocation", art, ok);
    /* A plan has no line for a resource: point at the file, line 1. */
    put(region, "startLine", json_integer(1), ok);
    put(phys, "region", region, ok);
    put(loc, "physicalLocation", phys, ok);
    if (f->address && *f->address) {
        json_t *logicals = json_array(), *logical = json_object();
        if (!logicals || !logical) {
            json_decref(logicals);
            json_decref(logical);
            *ok = 0;
            return loc;
        }
        put(logical, "fullyQualifiedName", pg_report__json_str(f->address), ok);
        put(logical, "kind", json_string("resource"), ok);
        push(logicals, logical, ok);
        put(loc, "logicalLocations", logicals, ok);
    }
    return loc;
}

static json_t *fingerprint(const pg_finding *f)
{
    pg_report__out o;
    json_t *fp = json_object(), *v = NULL;

    if (!fp)
        return NULL;
    /* Stable across runs, so code scanning tracks one alert per rule × resource. */
    pg_report__out_memory(&o);
    pg_report__printf(&o, "%s|%s", f->rule, f->address);
    if (!o.failed)
        v = pg_report__json_str(o.buf);
    pg_report__out_dispose(&o);
    if (!v || json_object_set_new(fp, "plangateFinding/v1", v) != 0) {
        json_decref(fp);
        return NULL;
    }
    return fp;
}

static json_t *evidence_array(const pg_finding *f, int *ok)
{
    json_t *a = json_array();
    size_t i;

    if (!a) {
        *ok = 0;
        return NULL;
    }
    for (i = 0; i < f->n_evidence; i++) {
        json_t *e = json_object();
        if (!e) {
            *ok = 0;
            break;
        }
        put(e, "path", pg_report__json_str(f->evidence[i].path), ok);
        put(e, "before", f->evidence[i].before ? json_incref(f->evidence[i].before) : json_null(), ok);
        put(e, "after", f->evidence[i].after ? json_incref(f->evidence[i].after) : json_null(), ok);
        push(a, e, ok);
    }
    return a;
}

static json_t *result_object(const pg_report *r, const rule_table *t, const char *uri,
                             const pg_finding *f, int *ok)
{
    json_t *o = json_object(), *locs = json_array(), *props = json_object();
    long idx = rule_index(r, t, f->rule);

    if (!o || !locs || !props) {
        json_decref(o);
        json_decref(locs);
        json_decref(props);
        *ok = 0;
        return NULL;
    }
    put(o, "ruleId", pg_report__json_str(f->rule), ok);
    if (idx >= 0)
        put(o, "ruleIndex", json_integer(idx), ok);
    put(o, "level", json_string(level_of(f->severity)), ok);
    put(o, "message", result_message(f), ok);
    push(locs, location_object(uri, f, ok), ok);
    put(o, "locations", locs, ok);
    put(o, "partialFingerprints", fingerprint(f), ok);
    if (f->waived) {
        json_t *sups = json_array(), *sup = json_object();
        if (!sups || !sup) {
            json_decref(sups);
            json_decref(sup);
            *ok = 0;
        } else {
            put(sup, "kind", json_string("external"), ok);
            put(sup, "status", json_string("accepted"), ok);
            put(sup, "justification", pg_report__json_str(f->waiver_reason ? f->waiver_reason : ""), ok);
            if (f->waiver_owner) {
                json_t *sp = json_object();
                put(sp, "owner", pg_report__json_str(f->waiver_owner), ok);
                put(sup, "properties", sp, ok);
            }
            push(sups, sup, ok);
            put(o, "suppressions", sups, ok);
        }
    }
    put(props, "severity", json_string(pg_severity_name(f->severity)), ok);
    put(props, "action", json_string(pg_action_name(f->action)), ok);
    if (f->actions)
        put(props, "actions", json_incref(f->actions), ok);
    if (f->action_reason)
        put(props, "action_reason", pg_report__json_str(f->action_reason), ok);
    put(props, "evidence", evidence_array(f, ok), ok);
    if (f->remediation)
        put(props, "remediation", pg_report__json_str(f->remediation), ok);
    put(props, "blocking", json_boolean(pg_report__blocks(r, f)), ok);
    if (f->waiver_expired)
        put(props, "waiver_expired", pg_report__json_str(f->waiver_expired), ok);
    put(o, "properties", props, ok);
    return o;
}

static json_t *tool_object(const pg_report *r, const pg_report_style *style, const rule_table *t, int *ok)
{
    json_t *tool = json_object(), *driver = json_object(), *rules = json_array();
    size_t i;

    if (!tool || !driver || !rules) {
        json_decref(tool);
        json_decref(driver);
        json_decref(rules);
        *ok = 0;
        return NULL;
    }
    put(driver, "name", json_string("plangate"), ok);
    put(driver, "version", pg_report__json_str(style->version), ok);
    for (i = 0; i < r->n_rules && *ok; i++)
        push(rules, rule_object(&r->rules[i], ok), ok);
    for (i = 0; i < t->n_extra && *ok; i++) {
        pg_rule_meta m;
        memset(&m, 0, sizeof m);
        m.id = t->extra[i];
        m.severity = PG_SEV_INFO;
        m.waivable = 1;
        push(rules, rule_object(&m, ok), ok);
    }
    put(driver, "rules", rules, ok);
    put(tool, "driver", driver, ok);
    return tool;
}

static json_t *notification(const char *level, const char *text, int *ok)
{
    json_t *n = json_object();

    if (!n) {
        *ok = 0;
        return NULL;
    }
    put(n, "level", json_string(level), ok);
    put(n, "message", text_object(text), ok);
    return n;
}

/* MARK: the weakened gate (issue 11): warnings a code-scanning UI shows
 * with the run, and the same as data in the run's properties */

static json_t *gate_note(pg_report__out *text, int *ok)
{
    if (text->failed) {
        *ok = 0;
        return NULL;
    }
    return notification("warning", text->buf ? text->buf : "", ok);
}

static void gate_notes(json_t *notes, const pg_report *r, int *ok)
{
    pg_report__out text;
    size_t i;

    pg_report__out_memory(&text);
    for (i = 0; i < r->n_weakened && *ok; i++) {
        pg_report__out_reset(&text);
        pg_report__printf(&text, "the loaded policies weaken %s: ", r->weakened[i].detector);
        pg_report__weakened_words(&text, r, &r->weakened[i]);
        pg_report__printf(&text, " by %s", r->weakened[i].source ? r->weakened[i].source : "a policy file");
        push(notes, gate_note(&text, ok), ok);
    }
    for (i = 0; i < r->n_waivers && *ok; i++) {
        const pg_waiver_status *w = &r->waivers[i];
        if (!w->from_change)
            continue;
        pg_report__out_reset(&text);
        pg_report__printf(&text, "a waiver from the change under review (%s): %s on %s, %s: %s",
                          w->source ? w->source : "?", w->rule, w->address, pg_report__waiver_state_word(w->state),
                          w->reason ? w->reason : "");
        push(notes, gate_note(&text, ok), ok);
    }
    pg_report__out_dispose(&text);
}

static json_t *gate_properties(const pg_report *r, int *ok)
{
    json_t *weak = json_array(), *change = json_array(), *props = json_object();
    size_t i;

    if (!weak || !change || !props) {
        json_decref(weak);
        json_decref(change);
        json_decref(props);
        *ok = 0;
        return NULL;
    }
    for (i = 0; i < r->n_weakened; i++)
        push(weak, pg_report__json_str(r->weakened[i].detector), ok);
    for (i = 0; i < r->n_waivers; i++)
        if (r->waivers[i].from_change)
            push(change, pg_report__json_str(r->waivers[i].source), ok);
    put(props, "weakened_detectors", weak, ok);
    put(props, "waivers_from_change", change, ok);
    return props;
}

static json_t *invocations_array(const pg_report *r, size_t omitted, int *ok)
{
    json_t *invs = json_array(), *inv = json_object(), *notes = NULL;
    size_t i;

    if (!invs || !inv) {
        json_decref(invs);
        json_decref(inv);
        *ok = 0;
        return NULL;
    }
    put(inv, "executionSuccessful", json_boolean(r->verdict != PG_VERDICT_ERROR), ok);
    if (r->n_errors > 0 || omitted > 0 || pg_report__gate_weakened(r)) {
        if (!(notes = json_array()))
            *ok = 0;
        for (i = 0; notes && i < r->n_errors && *ok; i++)
            push(notes, notification("error", r->errors[i], ok), ok);
        if (notes && omitted > 0 && *ok) {
            char text[256];
            snprintf(text, sizeof text,
                     "%zu less severe findings are not in this log: code scanning accepts at most %u "
                     "results per run (the json report has them all)",
                     omitted, PG_SARIF_MAX_RESULTS);
            push(notes, notification("warning", text, ok), ok);
        }
        if (notes && *ok)
            gate_notes(notes, r, ok);
        put(inv, "toolExecutionNotifications", notes, ok);
    }
    push(invs, inv, ok);
    return invs;
}

static json_t *artifacts_array(const char *uri, int *ok)
{
    json_t *arts = json_array(), *art = json_object(), *loc = json_object();

    if (!arts || !art || !loc) {
        json_decref(arts);
        json_decref(art);
        json_decref(loc);
        *ok = 0;
        return NULL;
    }
    put(loc, "uri", pg_report__json_str(uri), ok);
    put(art, "location", loc, ok);
    push(arts, art, ok);
    return arts;
}

static json_t *run_properties(const pg_report *r, size_t omitted, int *ok)
{
    json_t *props = json_object();

    if (!props) {
        *ok = 0;
        return NULL;
    }
    put(props, "verdict", json_string(pg_report__verdict_name(r->verdict)), ok);
    put(props, "fail_on", json_string(pg_severity_name(r->fail_on)), ok);
    if (omitted > 0)
        put(props, "results_omitted", json_integer((json_int_t)omitted), ok);
    if (pg_report__gate_weakened(r))
        put(props, "gate", gate_properties(r, ok), ok);
    return props;
}

/* MARK: the log, streamed: one result's tree at a time */

static int write_sarif(const pg_report *r, const pg_report_style *style, FILE *out, pg_error *err)
{
    size_t omitted = r->findings.count > PG_SARIF_MAX_RESULTS ? r->findings.count - PG_SARIF_MAX_RESULTS : 0;
    rule_table t = {NULL, 0};
    char *uri = artifact_uri(r->source);
    pg_report__out o;
    pg_report__jw w;
    int ok = 1, rc = PG_OK;
    size_t i;

    if (!uri || collect_extra(r, &t) != 0) {
        rc = pg_error_set(err, PG_ENOMEM, "out of memory while writing the sarif report");
        goto out;
    }
    pg_report__out_stream(&o, out);
    pg_report__jw_init(&w, &o);
    pg_report__jw_open(&w, '{');
    pg_report__jw_member(&w, "$schema", json_string(SARIF_SCHEMA), NULL);
    pg_report__jw_member(&w, "version", json_string("2.1.0"), NULL);
    pg_report__jw_key(&w, "runs");
    pg_report__jw_open(&w, '[');
    pg_report__jw_elem(&w);
    pg_report__jw_open(&w, '{');
    pg_report__jw_member(&w, "tool", tool_object(r, style, &t, &ok), &ok);
    pg_report__jw_member(&w, "invocations", invocations_array(r, omitted, &ok), &ok);
    pg_report__jw_member(&w, "artifacts", artifacts_array(uri, &ok), &ok);
    pg_report__jw_key(&w, "results");
    pg_report__jw_open(&w, '[');
    for (i = 0; i < r->findings.count - omitted && ok && !w.oom && !o.failed; i++)
        pg_report__jw_element(&w, result_object(r, &t, uri, r->findings.items[i], &ok), &ok);
    pg_report__jw_close(&w, ']');
    pg_report__jw_member(&w, "properties", run_properties(r, omitted, &ok), &ok);
    pg_report__jw_close(&w, '}');
    pg_report__jw_close(&w, ']');
    pg_report__jw_close(&w, '}');
    pg_report__putc(&o, '\n');
    if (w.oom || !ok)
        rc = pg_error_set(err, PG_ENOMEM, "out of memory while writing the sarif report");
out:
    pg_free(t.extra);
    pg_free(uri);
    return rc; /* a failed write stays in the stream: pg_report_write reports it */
}

const pg_report_writer pg_report__sarif_writer = {"sarif", write_sarif};
