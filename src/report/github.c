/*
 * github.c — GitHub Actions workflow commands (SPEC §5, issue 15).
 *
 * The run page is for what blocks the merge: one ::error annotation per
 * blocking finding (unwaived, at or above fail_on), at most
 * GH_MAX_ANNOTATIONS of them in the model's order (by consequence), then one
 * ::notice "… and N more, see the job summary" naming what was left out;
 * findings below the threshold and waived ones are not annotated (the job
 * summary, the Markdown report the CLI appends to GITHUB_STEP_SUMMARY, has
 * them all). The destroyed resources go in a collapsed log group (at most
 * GH_MAX_GROUP_LINES lines); one ::error per evaluation error; the gate's
 * weakening as warnings and notices (issue 11); a last plain line with the
 * verdict. A big plan writes a bounded log, whatever its size.
 *
 * Every model string is escaped as the runner expects (data: % CR LF;
 * properties also : and ,), so nothing in a plan can end a command early
 * or start a new one: every line this writer prints starts with "::" + a
 * command it chose, or with a fixed word, and the "##[" marker the runner
 * reads anywhere in a line is escaped too (esc.c).
 */
#include "report/report_internal.h"

#include <string.h>

/* Annotations GitHub shows per step are limited (10 errors, 10 warnings),
 * and a reviewer reads the first few: the rest is in the job summary. */
#define GH_MAX_ANNOTATIONS 10u
/* Lines of the destroyed group, and errors and waivers from the change
 * annotated: the log stays short whatever the plan holds. */
#define GH_MAX_GROUP_LINES 100u
#define GH_MAX_OWN 10u

static void body(pg_report__out *b, const pg_finding *f)
{
    size_t i;

    pg_report__printf(b, "[%s] %s", pg_severity_name(f->severity),
                      f->message && *f->message ? f->message : f->rule);
    for (i = 0; i < f->n_evidence; i++) {
        pg_report__printf(b, "\n%s: ", f->evidence[i].path);
        pg_report__evidence_values(b, &f->evidence[i]);
    }
    if (f->cause) /* issue 15: why its resource is destroyed, in every format */
        pg_report__printf(b, "\n%s%s", f->action == PG_ACTION_REPLACE ? "Why replaced: " : "Why destroyed: ", f->cause);
    if (f->remediation && *f->remediation)
        pg_report__printf(b, "\nFix: %s", f->remediation);
    /* only blocking findings are annotated: no waiver applies */
    if (f->waiver_expired)
        pg_report__printf(b, "\nA waiver for this finding expired on %s: it no longer applies.",
                          f->waiver_expired);
}

static void annotation(pg_report__out *o, pg_report__out *b, const pg_finding *f)
{
    pg_report__puts(o, "::error title=");
    pg_report__esc_github(o, f->rule, 1);
    if (f->address && *f->address) {
        pg_report__esc_github(o, ": ", 1);
        pg_report__esc_github(o, f->address, 1);
    }
    pg_report__puts(o, "::");
    pg_report__out_reset(b);
    body(b, f);
    pg_report__esc_github(o, pg_report__out_text(b), 0);
    pg_report__putc(o, '\n');
}

static void destroyed_group(pg_report__out *o, const pg_report *r)
{
    const pg_report_list *l = &r->destroys;
    size_t i;

    if (l->total == 0)
        return;
    pg_report__printf(o, "::group::plangate: %zu resource%s destroyed by this plan\n", l->total,
                      l->total == 1 ? "" : "s");
    for (i = 0; i < l->count && i < GH_MAX_GROUP_LINES; i++) {
        const pg_report_item *it = &l->items[i];
        /* the attributes that force it when the plan names them (issue 15), else the reason's words */
        const char *reason = it->forced_by ? it->cause : pg_report__reason_text(it->action_reason);
        /* A fixed word first: a log line must never start with "::". */
        pg_report__printf(o, "%-8s ", pg_action_name(it->action));
        pg_report__esc_github(o, it->address, 0);
        if (it->deposed) {
            pg_report__puts(o, " (deposed ");
            pg_report__esc_github(o, it->deposed, 0);
            pg_report__putc(o, ')');
        }
        if (it->is_protected)
            pg_report__puts(o, " [protected]");
        if (it->replace_order == PG_REPLACE_DELETE_BEFORE_CREATE)
            pg_report__puts(o, " - destroy first, then create");
        else if (it->replace_order == PG_REPLACE_CREATE_BEFORE_DESTROY)
            pg_report__puts(o, " - create first, then destroy");
        if (reason) {
            pg_report__puts(o, " - ");
            pg_report__esc_github(o, reason, 0);
        }
        pg_report__putc(o, '\n');
    }
    if (l->total > i)
        pg_report__printf(o, "and %zu more, see the job summary\n", l->total - i);
    pg_report__puts(o, "::endgroup::\n");
}

void pg_report__gh_budget_init(pg_report__gh_budget *g)
{
    memset(g, 0, sizeof *g);
    g->left = GH_MAX_ANNOTATIONS;
}

/* The first GH_MAX_ANNOTATIONS blocking findings, in the model's order, and
 * one notice for the rest: "… and 194 more, see the job summary (184
 * blocking, 10 below the threshold)". With a run's budget (several plans,
 * many.c) the cap is the run's and the rest is counted there, for one
 * notice after the last plan. */
static void findings_annotations(pg_report__out *o, pg_report__out *b, const pg_report *r,
                                 const pg_report__tally *c, pg_report__gh_budget *g)
{
    size_t i, shown = 0, rest, max = g ? g->left : GH_MAX_ANNOTATIONS;

    for (i = 0; i < r->findings.count && shown < max; i++) {
        if (!pg_report__blocks(r, r->findings.items[i]))
            continue;
        annotation(o, b, r->findings.items[i]);
        shown++;
    }
    rest = c->blocking + c->below + c->waived - shown;
    if (g) {
        g->left -= shown;
        g->blocking += c->blocking - shown;
        g->below += c->below;
        g->waived += c->waived;
        g->plans += rest > 0;
        return;
    }
    if (rest == 0)
        return;
    pg_report__printf(o, "::notice title=plangate%%3A %zu more finding%s::… and %zu more, see the job summary ",
                      rest, rest == 1 ? "" : "s", rest);
    pg_report__gh_left_words(o, c->blocking - shown, c->below, c->waived);
}

void pg_report__gh_left_words(pg_report__out *o, size_t blocking, size_t below, size_t waived)
{
    const char *sep = "";

    pg_report__putc(o, '(');
    if (blocking) {
        pg_report__printf(o, "%zu blocking", blocking);
        sep = ", ";
    }
    if (below) {
        pg_report__printf(o, "%s%zu below the threshold", sep, below);
        sep = ", ";
    }
    if (waived)
        pg_report__printf(o, "%s%zu waived", sep, waived);
    pg_report__puts(o, ")\n");
}

/* "::cmd title=TITLE::TEXT": an annotation of plangate's own (fixed title). */
static void own_annotation(pg_report__out *o, const char *cmd, const char *title, const char *text)
{
    pg_report__printf(o, "::%s title=", cmd);
    pg_report__esc_github(o, title, 1);
    pg_report__puts(o, "::");
    pg_report__esc_github(o, text, 0);
    pg_report__putc(o, '\n');
}

/* MARK: the weakened gate (issue 11): a warning per weakened detector and
 * a notice per waiver from the change, so the run page shows both */

static void gate_annotations(pg_report__out *o, pg_report__out *b, const pg_report *r)
{
    size_t i, shown;

    for (i = 0; i < r->n_weakened; i++) {
        pg_report__out_reset(b);
        pg_report__printf(b, "%s is ", r->weakened[i].detector);
        pg_report__weakened_words(b, r, &r->weakened[i]);
        pg_report__printf(b, " by %s", r->weakened[i].source ? r->weakened[i].source : "a policy file");
        own_annotation(o, "warning", "plangate: gate weakened by the loaded policies", pg_report__out_text(b));
    }
    for (i = 0, shown = 0; i < r->n_waivers; i++) {
        const pg_waiver_status *w = &r->waivers[i];
        if (!w->from_change)
            continue;
        /* a change can bring any number of waivers: a few, then a count */
        if (shown++ == GH_MAX_OWN) {
            pg_report__out_reset(b);
            pg_report__printf(b, "… and %zu more waivers from the change under review, see the job summary",
                              pg_report__change_waiver_count(r) - GH_MAX_OWN);
            own_annotation(o, "notice", "plangate: a waiver from the change under review",
                           pg_report__out_text(b));
            break;
        }
        pg_report__out_reset(b);
        pg_report__printf(b, "%s on %s, %s: %s (expires %s; %s)", w->rule, w->address,
                          pg_report__waiver_state_word(w->state), w->reason ? w->reason : "",
                          w->expires ? w->expires : "?", w->source ? w->source : "?");
        own_annotation(o, "notice", "plangate: a waiver from the change under review", pg_report__out_text(b));
    }
}

void pg_report__github_plan(pg_report__out *o, const pg_report *r, const pg_report_style *style,
                            pg_report__gh_budget *g)
{
    pg_report__out b;
    pg_report__tally c;
    size_t i;

    pg_report__out_memory(&b, o);
    /* A fixed word first: the title can never start a workflow command. */
    if (r->title && !style->section) {
        pg_report__puts(o, "plangate: ");
        pg_report__esc_github(o, r->title, 0);
        pg_report__putc(o, '\n');
    }
    pg_report__count(r, &c);
    destroyed_group(o, r);
    findings_annotations(o, &b, r, &c, g);
    gate_annotations(o, &b, r);
    for (i = 0; i < r->n_errors && i < GH_MAX_OWN; i++)
        own_annotation(o, "error", "plangate: the plan could not be evaluated", r->errors[i]);
    if (r->n_errors > GH_MAX_OWN) {
        pg_report__out_reset(&b);
        pg_report__printf(&b, "… and %zu more errors, see the job summary", r->n_errors - GH_MAX_OWN);
        own_annotation(o, "error", "plangate: the plan could not be evaluated", pg_report__out_text(&b));
    }
    switch (r->verdict) {
    case PG_VERDICT_PASS:
        pg_report__printf(o, "plangate: PASS: no unwaived finding at or above %s", pg_severity_name(r->fail_on));
        break;
    case PG_VERDICT_FAIL:
        pg_report__printf(o, "plangate: FAIL: %zu finding%s at or above %s", c.blocking,
                          c.blocking == 1 ? "" : "s", pg_severity_name(r->fail_on));
        break;
    case PG_VERDICT_ERROR:
        pg_report__puts(o, "plangate: ERROR: the plan could not be evaluated");
        break;
    }
    pg_report__tally_note(o, &c);
    pg_report__putc(o, '\n');
    if (r->audit && !style->section) { /* on the run page, and as the log's last line */
        pg_report__out_reset(&b);
        pg_report__audit_words(&b, r);
        own_annotation(o, "notice", "plangate: audit mode (--fail-on none)", pg_report__out_text(&b));
        pg_report__puts(o, "plangate: ");
        pg_report__audit_words(o, r);
        pg_report__putc(o, '\n');
    }
    pg_report__out_dispose(&b);
}

static int write_github(const pg_report *r, const pg_report_style *style, FILE *out, pg_error *err)
{
    pg_report__out o;
    int rc;

    pg_report__out_stream(&o, out, "github");
    pg_report__github_plan(&o, r, style, NULL);
    rc = pg_report__out_finish(&o, err);
    pg_report__out_dispose(&o);
    return rc;
}

const pg_report_writer pg_report__github_writer = {"github", write_github};
