/*
 * sarif.c — SARIF 2.1.0 for code-scanning UIs (SPEC §5).
 *
 * One run per plan (a multi-plan report has several: many.c); tool.driver.rules is the catalogue of every detector and rule
 * that ran (pg_report.rules), plus an entry for any rule id a finding names
 * that the catalogue lacks, so every result has a valid ruleIndex. Each
 * result points at the plan file (GitHub code scanning refuses a result
 * without a physical location) and names the resource as a logical
 * location. Waived findings carry an external, accepted suppression with the
 * waiver's reason. No timestamps: the same input gives the same bytes.
 * The log is streamed through pg_report__jw (jw.c): nothing is built as a
 * tree, strings are escaped as the json report escapes them.
 * Validated against the official schema in tests/unit/test_report_formats.c.
 *
 * For GitHub code scanning (issue 16): every rule has
 * properties.security-severity (the CVSS-like score code scanning ranks
 * alerts by: critical 9.5, high 8.0, medium 5.5, low 3.0, info 0.0) and
 * properties.tags ("security" makes code scanning use that score); a run
 * has automationDetails.id "plangate/[TITLE/]PATH/" so each plan is its own
 * category; fingerprints include the plan's identity (title and path: two
 * root modules may hold the same address); the artifact is the plan's path
 * relative to the repository root with uriBaseId %SRCROOT% when the CLI
 * found it (pg_report.artifact), else the path as given.
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

/* {"text": s} as the value of `key`. */
static void text_member(pg_report__jw *w, const char *key, const char *s)
{
    pg_report__jw_key(w, key);
    pg_report__jw_open(w, '{');
    pg_report__jw_mstr(w, "text", s);
    pg_report__jw_close(w, '}');
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
 * A URI reference for the plan file into `o`: an absolute path becomes a
 * file:// URI, a relative one stays relative (GitHub resolves it against
 * the checkout), and bytes a URI may not hold are percent-encoded.
 * Standard input has no name: "stdin" keeps the result uploadable.
 */
static void artifact_uri(pg_report__out *o, const char *source)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p;

    if (!source || !*source || strcmp(source, "<stdin>") == 0 || strcmp(source, "-") == 0)
        source = "stdin";
    if (source[0] == '/')
        pg_report__puts(o, "file://");
    for (p = (const unsigned char *)source; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/!$&'()*+,;=:@", *p)) {
            pg_report__putc(o, (char)*p);
        } else {
            char enc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            pg_report__write(o, enc, 3);
        }
    }
}

/* MARK: rules */

/* properties.security-severity: GitHub ranks an alert critical at >= 9.0,
 * high at >= 7.0, medium at >= 4.0, low above 0 (docs/ci.md). */
static const char *security_severity(pg_severity s)
{
    switch (s) {
    case PG_SEV_CRITICAL: return "9.5";
    case PG_SEV_HIGH: return "8.0";
    case PG_SEV_MEDIUM: return "5.5";
    case PG_SEV_LOW: return "3.0";
    case PG_SEV_INFO: break;
    }
    return "0.0";
}

static void rule_object(pg_report__jw *w, const pg_rule_meta *m)
{
    pg_report__jw_open(w, '{');
    pg_report__jw_mstr(w, "id", m->id);
    pg_report__jw_mstr(w, "name", m->id);
    text_member(w, "shortDescription", m->title && *m->title ? m->title : m->id);
    if (m->description && *m->description)
        text_member(w, "fullDescription", m->description);
    if (m->remediation && *m->remediation)
        text_member(w, "help", m->remediation);
    pg_report__jw_key(w, "defaultConfiguration");
    pg_report__jw_open(w, '{');
    pg_report__jw_mstr(w, "level", level_of(m->severity));
    pg_report__jw_close(w, '}');
    pg_report__jw_key(w, "properties");
    pg_report__jw_open(w, '{');
    pg_report__jw_mstr(w, "severity", pg_severity_name(m->severity));
    pg_report__jw_mstr(w, "security-severity", security_severity(m->severity));
    pg_report__jw_key(w, "tags");
    pg_report__jw_open(w, '[');
    pg_report__jw_elem(w);
    pg_report__jw_str(w, "security");
    pg_report__jw_elem(w);
    pg_report__jw_str(w, "terraform");
    pg_report__jw_elem(w);
    pg_report__jw_str(w, m->source && strcmp(m->source, "built-in") == 0 ? "built-in" : "policy");
    pg_report__jw_close(w, ']');
    pg_report__jw_mbool(w, "waivable", m->waivable);
    if (m->source)
        pg_report__jw_mstr(w, "source", m->source);
    pg_report__jw_close(w, '}');
    pg_report__jw_close(w, '}');
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

static int collect_extra(const pg_report *r, rule_table *t, pg_error *err)
{
    size_t i;

    t->extra = NULL;
    t->n_extra = 0;
    if (r->findings.count == 0)
        return PG_OK;
    t->extra = pg_calloc(r->findings.count, sizeof *t->extra);
    if (!t->extra)
        return pg_error_oom(err);
    for (i = 0; i < r->findings.count; i++) {
        const char *id = r->findings.items[i]->rule;
        if (rule_index(r, t, id) < 0)
            t->extra[t->n_extra++] = id;
    }
    return PG_OK;
}

static void tool_object(pg_report__jw *w, const pg_report *r, const pg_report_style *style, const rule_table *t)
{
    size_t i;

    pg_report__jw_key(w, "tool");
    pg_report__jw_open(w, '{');
    pg_report__jw_key(w, "driver");
    pg_report__jw_open(w, '{');
    pg_report__jw_mstr(w, "name", "plangate");
    pg_report__jw_mstr(w, "version", style->version);
    pg_report__jw_key(w, "rules");
    pg_report__jw_open(w, '[');
    for (i = 0; i < r->n_rules; i++) {
        pg_report__jw_elem(w);
        rule_object(w, &r->rules[i]);
    }
    for (i = 0; i < t->n_extra; i++) {
        pg_rule_meta m;
        memset(&m, 0, sizeof m);
        m.id = t->extra[i];
        m.severity = PG_SEV_INFO;
        m.waivable = 1;
        pg_report__jw_elem(w);
        rule_object(w, &m);
    }
    pg_report__jw_close(w, ']');
    pg_report__jw_close(w, '}');
    pg_report__jw_close(w, '}');
}

/* MARK: results */

/* message.text: the message, then the evidence and the fix, one per line. */
static void result_message(pg_report__jw *w, pg_report__out *scratch, const pg_finding *f)
{
    size_t i;

    pg_report__out_reset(scratch);
    pg_report__puts(scratch, f->message && *f->message ? f->message : f->rule);
    if (f->n_evidence > 0)
        pg_report__putc(scratch, '\n');
    for (i = 0; i < f->n_evidence; i++) {
        pg_report__printf(scratch, "\n%s: ", f->evidence[i].path ? f->evidence[i].path : "");
        pg_report__evidence_values(scratch, &f->evidence[i]);
    }
    if (f->cause) /* issue 15: what forces the replacement, in every format */
        pg_report__printf(scratch, "\n\n%s%s", f->action == PG_ACTION_REPLACE ? "Why replaced: " : "Why destroyed: ",
                          f->cause);
    if (f->remediation && *f->remediation)
        pg_report__printf(scratch, "\n\nFix: %s", f->remediation);
    text_member(w, "message", pg_report__out_text(scratch));
}

/* The plan's URI is relative to the repository root when the CLI found it. */
static void uri_members(pg_report__jw *w, const pg_report *r, const char *uri)
{
    pg_report__jw_mstr(w, "uri", uri);
    if (r->artifact)
        pg_report__jw_mstr(w, "uriBaseId", "%SRCROOT%");
}

static void location_object(pg_report__jw *w, const pg_report *r, const char *uri, const pg_finding *f)
{
    pg_report__jw_open(w, '{');
    pg_report__jw_key(w, "physicalLocation");
    pg_report__jw_open(w, '{');
    pg_report__jw_key(w, "artifactLocation");
    pg_report__jw_open(w, '{');
    uri_members(w, r, uri);
    pg_report__jw_mint(w, "index", 0);
    pg_report__jw_close(w, '}');
    /* A plan has no line for a resource: point at the file, line 1. */
    pg_report__jw_key(w, "region");
    pg_report__jw_open(w, '{');
    pg_report__jw_mint(w, "startLine", 1);
    pg_report__jw_close(w, '}');
    pg_report__jw_close(w, '}');
    if (f->address && *f->address) {
        pg_report__jw_key(w, "logicalLocations");
        pg_report__jw_open(w, '[');
        pg_report__jw_elem(w);
        pg_report__jw_open(w, '{');
        pg_report__jw_mstr(w, "fullyQualifiedName", f->address);
        pg_report__jw_mstr(w, "kind", "resource");
        pg_report__jw_close(w, '}');
        pg_report__jw_close(w, ']');
    }
    pg_report__jw_close(w, '}');
}

static void suppressions(pg_report__jw *w, const pg_finding *f)
{
    pg_report__jw_key(w, "suppressions");
    pg_report__jw_open(w, '[');
    pg_report__jw_elem(w);
    pg_report__jw_open(w, '{');
    pg_report__jw_mstr(w, "kind", "external");
    pg_report__jw_mstr(w, "status", "accepted");
    pg_report__jw_mstr(w, "justification", f->waiver_reason ? f->waiver_reason : "");
    if (f->waiver_owner) {
        pg_report__jw_key(w, "properties");
        pg_report__jw_open(w, '{');
        pg_report__jw_mstr(w, "owner", f->waiver_owner);
        pg_report__jw_close(w, '}');
    }
    pg_report__jw_close(w, '}');
    pg_report__jw_close(w, ']');
}

static void result_object(pg_report__jw *w, pg_report__out *scratch, const pg_report *r, const rule_table *t,
                          const char *uri, const char *identity, const pg_finding *f)
{
    long idx = rule_index(r, t, f->rule);

    pg_report__jw_open(w, '{');
    pg_report__jw_mstr(w, "ruleId", f->rule);
    if (idx >= 0)
        pg_report__jw_mint(w, "ruleIndex", idx);
    pg_report__jw_mstr(w, "level", level_of(f->severity));
    result_message(w, scratch, f);
    pg_report__jw_key(w, "locations");
    pg_report__jw_open(w, '[');
    pg_report__jw_elem(w);
    location_object(w, r, uri, f);
    pg_report__jw_close(w, ']');
    /* Stable across runs, so code scanning tracks one alert per plan × rule
     * × resource: the plan's identity (title and path) comes first, as two
     * root modules may hold the same address (v2: v1 had no identity). */
    pg_report__out_reset(scratch);
    pg_report__printf(scratch, "%s|%s|%s", identity, f->rule, f->address);
    pg_report__jw_key(w, "partialFingerprints");
    pg_report__jw_open(w, '{');
    pg_report__jw_mstr(w, "plangateFinding/v2", pg_report__out_text(scratch));
    pg_report__jw_close(w, '}');
    if (f->waived)
        suppressions(w, f);
    pg_report__jw_key(w, "properties");
    pg_report__jw_open(w, '{');
    pg_report__jw_mstr(w, "severity", pg_severity_name(f->severity));
    pg_report__jw_mstr(w, "action", pg_action_name(f->action));
    if (f->actions)
        pg_report__jw_mvalue(w, "actions", f->actions);
    if (f->action_reason)
        pg_report__jw_mstr(w, "action_reason", f->action_reason);
    if (f->cause)
        pg_report__jw_mstr(w, "cause", f->cause);
    if (f->forced_by)
        pg_report__jw_mvalue(w, "forced_by", f->forced_by);
    pg_report__jw_evidence(w, f);
    if (f->remediation)
        pg_report__jw_mstr(w, "remediation", f->remediation);
    pg_report__jw_mbool(w, "blocking", pg_report__blocks(r, f));
    if (f->waiver_expired)
        pg_report__jw_mstr(w, "waiver_expired", f->waiver_expired);
    pg_report__jw_close(w, '}');
    pg_report__jw_close(w, '}');
}

/* MARK: the run */

static void notification(pg_report__jw *w, const char *level, const char *text)
{
    pg_report__jw_elem(w);
    pg_report__jw_open(w, '{');
    pg_report__jw_mstr(w, "level", level);
    text_member(w, "message", text);
    pg_report__jw_close(w, '}');
}

/* MARK: the weakened gate (issue 11): warnings a code-scanning UI shows
 * with the run, and the same as data in the run's properties */

static void gate_notes(pg_report__jw *w, pg_report__out *text, const pg_report *r)
{
    size_t i;

    for (i = 0; i < r->n_weakened; i++) {
        pg_report__out_reset(text);
        pg_report__printf(text, "the loaded policies weaken %s: ", r->weakened[i].detector);
        pg_report__weakened_words(text, r, &r->weakened[i]);
        pg_report__printf(text, " by %s", r->weakened[i].source ? r->weakened[i].source : "a policy file");
        notification(w, "warning", pg_report__out_text(text));
    }
    for (i = 0; i < r->n_waivers; i++) {
        const pg_waiver_status *ws = &r->waivers[i];
        if (!ws->from_change)
            continue;
        pg_report__out_reset(text);
        pg_report__printf(text, "a waiver from the change under review (%s): %s on %s, %s: %s",
                          ws->source ? ws->source : "?", ws->rule, ws->address,
                          pg_report__waiver_state_word(ws->state), ws->reason ? ws->reason : "");
        notification(w, "warning", pg_report__out_text(text));
    }
}

static void gate_properties(pg_report__jw *w, const pg_report *r)
{
    size_t i;

    pg_report__jw_key(w, "gate");
    pg_report__jw_open(w, '{');
    pg_report__jw_key(w, "weakened_detectors");
    pg_report__jw_open(w, '[');
    for (i = 0; i < r->n_weakened; i++) {
        pg_report__jw_elem(w);
        pg_report__jw_str(w, r->weakened[i].detector);
    }
    pg_report__jw_close(w, ']');
    pg_report__jw_key(w, "waivers_from_change");
    pg_report__jw_open(w, '[');
    for (i = 0; i < r->n_waivers; i++) {
        if (!r->waivers[i].from_change)
            continue;
        pg_report__jw_elem(w);
        pg_report__jw_str(w, r->waivers[i].source);
    }
    pg_report__jw_close(w, ']');
    pg_report__jw_close(w, '}');
}

static void invocations_array(pg_report__jw *w, pg_report__out *scratch, const pg_report *r, size_t omitted)
{
    size_t i;

    pg_report__jw_key(w, "invocations");
    pg_report__jw_open(w, '[');
    pg_report__jw_elem(w);
    pg_report__jw_open(w, '{');
    pg_report__jw_mbool(w, "executionSuccessful", r->verdict != PG_VERDICT_ERROR);
    if (r->n_errors > 0 || omitted > 0 || pg_report__gate_weakened(r) || r->audit) {
        pg_report__jw_key(w, "toolExecutionNotifications");
        pg_report__jw_open(w, '[');
        for (i = 0; i < r->n_errors; i++)
            notification(w, "error", r->errors[i]);
        if (omitted > 0) {
            char text[256];
            snprintf(text, sizeof text,
                     "%zu less severe findings are not in this log: code scanning accepts at most %u "
                     "results per run (the json report has them all)",
                     omitted, PG_SARIF_MAX_RESULTS);
            notification(w, "warning", text);
        }
        gate_notes(w, scratch, r);
        if (r->audit) { /* --fail-on none: shown with the run, beside the results it did not fail on */
            pg_report__out_reset(scratch);
            pg_report__audit_words(scratch, r);
            notification(w, "note", pg_report__out_text(scratch));
        }
        pg_report__jw_close(w, ']');
    }
    pg_report__jw_close(w, '}');
    pg_report__jw_close(w, ']');
}

static void artifacts_array(pg_report__jw *w, const pg_report *r, const char *uri)
{
    pg_report__jw_key(w, "artifacts");
    pg_report__jw_open(w, '[');
    pg_report__jw_elem(w);
    pg_report__jw_open(w, '{');
    pg_report__jw_key(w, "location");
    pg_report__jw_open(w, '{');
    uri_members(w, r, uri);
    pg_report__jw_close(w, '}');
    pg_report__jw_close(w, '}');
    pg_report__jw_close(w, ']');
}

static void run_properties(pg_report__jw *w, const pg_report *r, size_t omitted)
{
    pg_report__jw_key(w, "properties");
    pg_report__jw_open(w, '{');
    if (r->title)
        pg_report__jw_mstr(w, "title", r->title);
    pg_report__jw_mstr(w, "plan", r->source ? r->source : "<stdin>");
    pg_report__jw_mstr(w, "verdict", pg_report__verdict_name(r->verdict));
    pg_report__jw_mstr(w, "fail_on", pg_severity_name(r->fail_on));
    if (r->audit)
        pg_report__jw_mbool(w, "audit", 1);
    if (omitted > 0)
        pg_report__jw_mint(w, "results_omitted", (long long)omitted);
    if (pg_report__gate_weakened(r))
        gate_properties(w, r);
    pg_report__jw_close(w, '}');
}

/* The plan's path in ids and fingerprints: relative to the repository root when known. */
static const char *plan_path(const pg_report *r)
{
    if (r->artifact)
        return r->artifact;
    return r->source && strcmp(r->source, "<stdin>") != 0 ? r->source : "stdin";
}

int pg_report__sarif_run(pg_report__jw *w, const pg_report *r, const pg_report_style *style, int many,
                         pg_error *err)
{
    size_t omitted = r->findings.count > PG_SARIF_MAX_RESULTS ? r->findings.count - PG_SARIF_MAX_RESULTS : 0;
    rule_table t = {NULL, 0};
    pg_report__out uri, scratch, ident;
    size_t i;
    int rc;

    pg_report__out_memory(&uri, w->o);
    pg_report__out_memory(&scratch, w->o);
    pg_report__out_memory(&ident, w->o);
    if ((rc = collect_extra(r, &t, err)) != 0)
        goto out;
    artifact_uri(&uri, r->artifact ? r->artifact : r->source);
    /* "plangate/TITLE/PATH/" (the trailing '/' makes the whole id the
     * category): the title alone names a one-plan run, the path a plan. */
    pg_report__puts(&ident, "plangate/");
    if (r->title) {
        pg_report__puts(&ident, r->title);
        pg_report__putc(&ident, '/');
    }
    if (many || !r->title) {
        pg_report__puts(&ident, plan_path(r));
        pg_report__putc(&ident, '/');
    }
    pg_report__jw_open(w, '{');
    tool_object(w, r, style, &t);
    invocations_array(w, &scratch, r, omitted);
    pg_report__jw_key(w, "automationDetails");
    pg_report__jw_open(w, '{');
    pg_report__jw_mstr(w, "id", pg_report__out_text(&ident));
    pg_report__jw_close(w, '}');
    artifacts_array(w, r, pg_report__out_text(&uri));
    /* the fingerprint's identity: the title and the path */
    pg_report__out_reset(&ident);
    pg_report__printf(&ident, "%s|%s", r->title ? r->title : "", plan_path(r));
    pg_report__jw_key(w, "results");
    pg_report__jw_open(w, '[');
    for (i = 0; i < r->findings.count - omitted && !pg_report__out_failed(w->o); i++) {
        pg_report__jw_elem(w);
        result_object(w, &scratch, r, &t, pg_report__out_text(&uri), pg_report__out_text(&ident),
                      r->findings.items[i]);
    }
    pg_report__jw_close(w, ']');
    run_properties(w, r, omitted);
    pg_report__jw_close(w, '}');
out:
    pg_free(t.extra);
    pg_report__out_dispose(&ident);
    pg_report__out_dispose(&scratch);
    pg_report__out_dispose(&uri);
    return rc;
}

void pg_report__sarif_open(pg_report__jw *w)
{
    pg_report__jw_open(w, '{');
    pg_report__jw_mstr(w, "$schema", SARIF_SCHEMA);
    pg_report__jw_mstr(w, "version", "2.1.0");
    pg_report__jw_key(w, "runs");
    pg_report__jw_open(w, '[');
}

void pg_report__sarif_close(pg_report__jw *w)
{
    pg_report__jw_close(w, ']');
    pg_report__jw_close(w, '}');
    pg_report__putc(w->o, '\n');
}

static int write_sarif(const pg_report *r, const pg_report_style *style, FILE *out, pg_error *err)
{
    pg_report__out o;
    pg_report__jw w;
    int rc;

    pg_report__out_stream(&o, out, "sarif");
    pg_report__jw_init(&w, &o);
    pg_report__sarif_open(&w);
    pg_report__jw_elem(&w);
    if ((rc = pg_report__sarif_run(&w, r, style, 0, err)) == 0) {
        pg_report__sarif_close(&w);
        rc = pg_report__out_finish(&o, err);
    }
    pg_report__out_dispose(&o);
    return rc;
}

const pg_report_writer pg_report__sarif_writer = {"sarif", write_sarif};
