/*
 * markdown.c — a pull-request comment (SPEC §5), also what the CLI appends
 * to GITHUB_STEP_SUMMARY.
 *
 * A verdict heading, a table of findings, the destroyed and replaced
 * resources, and a collapsed <details> with the full summary (counts, moves,
 * drift, deposed objects, imports, waivers, evidence and fixes).
 *
 * GitHub refuses a comment longer than 65 536 characters, and a refused
 * comment is a gate that says nothing. So the comment is built in memory
 * and every table row is rendered first and kept only if it fits its
 * section's byte budget (bytes >= characters, so a byte budget is safe);
 * what does not fit is counted ("… and N more findings (see the full
 * report)"). Cells are capped too, so one huge message cannot crowd out
 * the rest. Budgets are in bytes of output, after escaping.
 */
#include "report/report_internal.h"

#include <string.h>

#define MD_MAX_FINDING_ROWS 100u
#define MD_MAX_LIST_ROWS 50u
#define MD_CELL_MESSAGE 300u /* code points of a message in a cell */
#define MD_CELL_ADDRESS 160u
#define MD_CELL_RULE 80u
#define MD_CELL_REASON 240u
/* Where each part must end: findings first, then destroyed, then the details. */
#define MD_BUDGET_FINDINGS 36000u
#define MD_BUDGET_DESTROYED 46000u
#define MD_BUDGET_TOTAL 60000u /* the whole comment, well under 65 536 */
#define MD_TAIL_RESERVE 200u   /* "… and N more" and closing tags */

typedef struct md_ctx {
    pg_report__out doc;
    pg_report__out row; /* one row being rendered */
    const pg_report *r;
} md_ctx;

/* Keep the rendered row if the document stays within `budget`, and count it. */
static int keep_row(md_ctx *m, size_t budget, size_t *shown)
{
    if (pg_report__out_failed(&m->row) ||
        pg_report__out_len(&m->doc) + pg_report__out_len(&m->row) + MD_TAIL_RESERVE > budget)
        return 0;
    pg_report__write(&m->doc, pg_report__out_text(&m->row), pg_report__out_len(&m->row));
    (*shown)++;
    return 1;
}

/* "… and N more[ things][ (see the full report)]" when rows were left out. */
static void more_rows(md_ctx *m, size_t left, const char *noun, int see_full)
{
    if (left == 0)
        return;
    pg_report__printf(&m->doc, "\n… and %zu more", left);
    if (noun)
        pg_report__printf(&m->doc, " %s%s", noun, left == 1 ? "" : "s");
    pg_report__puts(&m->doc, see_full ? " (see the full report)\n" : "\n");
}

static void cell_code(pg_report__out *o, const char *s, size_t max)
{
    if (s && *s)
        pg_report__esc_md_code(o, s, max, 1);
    else
        pg_report__puts(o, "(plan)");
}

/* "`rule` | `address` | ": the two code cells both tables start with. */
static void rule_address_cells(pg_report__out *o, const char *rule, const char *address)
{
    cell_code(o, rule, MD_CELL_RULE);
    pg_report__puts(o, " | ");
    cell_code(o, address, MD_CELL_ADDRESS);
    pg_report__puts(o, " | ");
}

/* A waiver's reason and owner, as the findings and waivers tables show them. */
static void reason_owner(pg_report__out *o, const char *reason, const char *owner)
{
    pg_report__esc_md(o, reason, MD_CELL_REASON, 0);
    if (owner) {
        pg_report__puts(o, " (owner: ");
        pg_report__esc_md(o, owner, MD_CELL_RULE, 0);
        pg_report__putc(o, ')');
    }
}

/* MARK: heading */

static const pg_action summary_order[] = {
    PG_ACTION_DELETE, PG_ACTION_REPLACE, PG_ACTION_CREATE, PG_ACTION_UPDATE,
    PG_ACTION_FORGET, PG_ACTION_READ,    PG_ACTION_UNKNOWN, PG_ACTION_NOOP,
};

static const char *summary_words(pg_action a)
{
    switch (a) {
    case PG_ACTION_DELETE: return "to delete";
    case PG_ACTION_REPLACE: return "to replace";
    case PG_ACTION_CREATE: return "to create";
    case PG_ACTION_UPDATE: return "to update";
    case PG_ACTION_FORGET: return "to forget";
    case PG_ACTION_READ: return "to read";
    case PG_ACTION_NOOP: return "unchanged";
    default: break;
    }
    return "with unknown actions";
}

static void heading(md_ctx *m)
{
    const pg_report *r = m->r;
    pg_report__out *o = &m->doc;
    const char *fail_on = pg_severity_name(r->fail_on);
    pg_report__tally c;
    size_t i, shown = 0;

    pg_report__count(r, &c);
    switch (r->verdict) {
    case PG_VERDICT_PASS:
        pg_report__puts(o, "### plangate: PASS\n\n");
        pg_report__printf(o, "No unwaived finding at or above **%s**", fail_on);
        break;
    case PG_VERDICT_FAIL:
        pg_report__puts(o, "### plangate: FAIL\n\n");
        pg_report__printf(o, "**%zu finding%s at or above %s** block%s this plan", c.blocking,
                          c.blocking == 1 ? "" : "s", fail_on, c.blocking == 1 ? "s" : "");
        break;
    case PG_VERDICT_ERROR:
        pg_report__puts(o, "### plangate: ERROR\n\n");
        pg_report__puts(o, "**The plan could not be evaluated**");
        break;
    }
    pg_report__tally_note(o, &c);
    pg_report__puts(o, ".\n\n");
    for (i = 0; i < r->n_errors && i < 10; i++) {
        pg_report__puts(o, "- ");
        pg_report__esc_md(o, r->errors[i], MD_CELL_MESSAGE, 0);
        pg_report__putc(o, '\n');
    }
    if (r->n_errors)
        pg_report__putc(o, '\n');

    pg_report__puts(o, "Plan ");
    pg_report__esc_md_code(o, r->source ? r->source : "<stdin>", MD_CELL_ADDRESS, 0);
    pg_report__puts(o, ": ");
    for (i = 0; i < sizeof summary_order / sizeof summary_order[0]; i++) {
        pg_action a = summary_order[i];
        long n = r->plan.counts[a];
        int loud = (a == PG_ACTION_DELETE || a == PG_ACTION_REPLACE);
        if (n == 0)
            continue;
        pg_report__printf(o, "%s%s%ld %s%s", shown ? ", " : "", loud ? "**" : "", n, summary_words(a),
                          loud ? "**" : "");
        shown++;
    }
    if (!shown)
        pg_report__puts(o, "no changes");
    pg_report__puts(o, ".\n");
}

/* "| STATUS | RULE | ADDRESS | REASON (owner: …) | EXPIRES |" into a reset
 * row: the waivers table and the change's waivers (which add a cell). */
static void waiver_cells(pg_report__out *o, const pg_waiver_status *w, const char *state)
{
    pg_report__out_reset(o);
    pg_report__printf(o, "| %s | ", state);
    rule_address_cells(o, w->rule, w->address);
    reason_owner(o, w->reason ? w->reason : "", w->owner);
    pg_report__puts(o, " | ");
    pg_report__esc_md(o, w->expires ? w->expires : "", 20, 0);
    pg_report__puts(o, " |");
}

/* MARK: the weakened gate (issue 11): right under the verdict, never
 * collapsed — a reviewer must see that the gate was loosened */

static void gate_weakened(md_ctx *m)
{
    const pg_report *r = m->r;
    size_t i, shown = 0;

    if (r->n_weakened == 0)
        return;
    pg_report__printf(&m->doc, "\n**Gate weakened by the loaded policies (%zu)**\n\n", r->n_weakened);
    for (i = 0; i < r->n_weakened && shown < MD_MAX_LIST_ROWS; i++) {
        const pg_report_weakened *w = &r->weakened[i];
        pg_report__out *o = &m->row;
        pg_report__out_reset(o);
        pg_report__puts(o, "- ");
        pg_report__esc_md_code(o, w->detector, MD_CELL_RULE, 0);
        pg_report__putc(o, ' ');
        pg_report__weakened_words(o, r, w);
        pg_report__puts(o, " by ");
        pg_report__esc_md_code(o, w->source ? w->source : "a policy file", MD_CELL_ADDRESS, 0);
        pg_report__putc(o, '\n');
        if (!keep_row(m, MD_BUDGET_FINDINGS, &shown))
            break;
    }
    more_rows(m, r->n_weakened - shown, NULL, 0);
}

static void gate_change_waivers(md_ctx *m)
{
    const pg_report *r = m->r;
    size_t i, n = pg_report__change_waiver_count(r), shown = 0;

    if (n == 0)
        return;
    pg_report__printf(&m->doc, "\n**Waivers from the change under review (%zu)**\n\n"
                               "| Status | Rule | Address | Reason | Expires | Source |\n"
                               "| --- | --- | --- | --- | --- | --- |\n",
                      n);
    for (i = 0; i < r->n_waivers && shown < MD_MAX_LIST_ROWS; i++) {
        const pg_waiver_status *w = &r->waivers[i];
        pg_report__out *o = &m->row;
        if (!w->from_change)
            continue;
        waiver_cells(o, w, pg_report__waiver_state_word(w->state));
        pg_report__putc(o, ' ');
        cell_code(o, w->source, MD_CELL_ADDRESS);
        pg_report__puts(o, " |\n");
        if (!keep_row(m, MD_BUDGET_FINDINGS, &shown))
            break;
    }
    more_rows(m, n - shown, NULL, 0);
}

/* MARK: findings table */

static void finding_row(md_ctx *m, const pg_finding *f)
{
    pg_report__out *o = &m->row;
    int blocks = pg_report__blocks(m->r, f);

    pg_report__out_reset(o);
    pg_report__printf(o, blocks ? "| **%s** | " : "| %s | ", pg_severity_name(f->severity));
    rule_address_cells(o, f->rule, f->address);
    pg_report__esc_md(o, f->message && *f->message ? f->message : f->rule, MD_CELL_MESSAGE, 1);
    if (f->waived) {
        pg_report__puts(o, "<br>*Waived:* ");
        reason_owner(o, f->waiver_reason ? f->waiver_reason : "(no reason)", f->waiver_owner);
    }
    if (f->waiver_expired) {
        pg_report__puts(o, "<br>*A waiver expired on ");
        pg_report__esc_md(o, f->waiver_expired, 20, 0);
        pg_report__puts(o, ": it no longer applies.*");
    }
    pg_report__puts(o, " |\n");
}

static void findings_table(md_ctx *m)
{
    const pg_findings *l = &m->r->findings;
    size_t i, shown = 0;

    if (l->count == 0) {
        pg_report__puts(&m->doc, "\nNo findings.\n");
        return;
    }
    pg_report__printf(&m->doc, "\n#### Findings (%zu)\n\n", l->count);
    pg_report__puts(&m->doc, "| Severity | Rule | Address | Message |\n| --- | --- | --- | --- |\n");
    for (i = 0; i < l->count && shown < MD_MAX_FINDING_ROWS; i++) {
        finding_row(m, l->items[i]);
        if (!keep_row(m, MD_BUDGET_FINDINGS, &shown))
            break;
    }
    more_rows(m, l->count - shown, "finding", 1);
}

/* MARK: destroyed */

static void destroyed_table(md_ctx *m)
{
    const pg_report_list *l = &m->r->destroys;
    size_t i, shown = 0;

    if (l->total == 0) {
        pg_report__printf(&m->doc, "\n%s\n", pg_report__nothing_destroyed(m->r));
        return;
    }
    pg_report__printf(&m->doc, "\n#### Destroyed or replaced (%zu)\n\n", l->total);
    pg_report__puts(&m->doc, "| Action | Address | Why |\n| --- | --- | --- |\n");
    for (i = 0; i < l->count && shown < MD_MAX_LIST_ROWS; i++) {
        const pg_report_item *it = &l->items[i];
        const char *reason = pg_report__reason_text(it->action_reason);
        pg_report__out *o = &m->row;

        pg_report__out_reset(o);
        pg_report__printf(o, "| **%s**", pg_action_name(it->action));
        if (it->replace_order == PG_REPLACE_DELETE_BEFORE_CREATE)
            pg_report__puts(o, ", destroy first");
        else if (it->replace_order == PG_REPLACE_CREATE_BEFORE_DESTROY)
            pg_report__puts(o, ", create first");
        if (it->is_protected)
            pg_report__puts(o, ", **protected**");
        pg_report__puts(o, " | ");
        cell_code(o, it->address, MD_CELL_ADDRESS);
        if (it->deposed) {
            pg_report__puts(o, " deposed ");
            pg_report__esc_md_code(o, it->deposed, 40, 1);
        }
        pg_report__puts(o, " | ");
        pg_report__esc_md(o, reason ? reason : "", MD_CELL_REASON, 0);
        pg_report__puts(o, " |\n");
        if (!keep_row(m, MD_BUDGET_DESTROYED, &shown))
            break;
    }
    more_rows(m, l->total - shown, NULL, 1);
}

/* MARK: details */

static const char *waiver_state_name(pg_waiver_state s)
{
    switch (s) {
    case PG_WAIVER_USED: return "used";
    case PG_WAIVER_EXPIRED: return "**expired**";
    case PG_WAIVER_UNUSED: break;
    }
    return "**unused**";
}

typedef enum list_kind { L_MOVES, L_DRIFT, L_DEPOSED, L_IMPORTS } list_kind;

static void list_section(md_ctx *m, const pg_report_list *l, list_kind kind)
{
    static const char *const titles[] = {"Moved", "Changed outside Terraform (drift)", "Deposed objects",
                                         "Imported"};
    static const char *const heads[] = {"| From | To |\n| --- | --- |\n",
                                        "| Action | Address |\n| --- | --- |\n",
                                        "| Address | Deposed key | Action |\n| --- | --- | --- |\n",
                                        "| Address |\n| --- |\n"};
    size_t i, shown = 0, hidden = 0;

    /* A deposed object that is destroyed is already in the destroyed table. */
    for (i = 0; kind == L_DEPOSED && i < l->count; i++)
        hidden += pg_report__deposed_is_destroyed(m->r, &l->items[i]) ? 1u : 0u;
    if (l->total == hidden)
        return;
    pg_report__printf(&m->doc, "\n**%s (%zu)**\n\n%s", titles[kind], l->total - hidden, heads[kind]);
    for (i = 0; i < l->count && shown < MD_MAX_LIST_ROWS; i++) {
        const pg_report_item *it = &l->items[i];
        pg_report__out *o = &m->row;

        if (kind == L_DEPOSED && pg_report__deposed_is_destroyed(m->r, it))
            continue;

        pg_report__out_reset(o);
        pg_report__puts(o, "| ");
        switch (kind) {
        case L_MOVES:
            cell_code(o, it->previous_address, MD_CELL_ADDRESS);
            pg_report__puts(o, " | ");
            cell_code(o, it->address, MD_CELL_ADDRESS);
            break;
        case L_DRIFT:
            pg_report__printf(o, "%s | ", pg_action_name(it->action));
            cell_code(o, it->address, MD_CELL_ADDRESS);
            break;
        case L_DEPOSED:
            cell_code(o, it->address, MD_CELL_ADDRESS);
            pg_report__puts(o, " | ");
            cell_code(o, it->deposed, 40);
            pg_report__printf(o, " | %s", pg_action_name(it->action));
            break;
        case L_IMPORTS:
            cell_code(o, it->address, MD_CELL_ADDRESS);
            break;
        }
        pg_report__puts(o, " |\n");
        if (!keep_row(m, MD_BUDGET_TOTAL, &shown))
            break;
    }
    more_rows(m, l->total - hidden - shown, NULL, 0);
}

static void waivers_section(md_ctx *m)
{
    const pg_report *r = m->r;
    size_t i, shown = 0;

    if (r->n_waivers == 0)
        return;
    pg_report__printf(&m->doc, "\n**Waivers (%zu)**\n\n| Status | Rule | Address | Reason | Expires |\n"
                               "| --- | --- | --- | --- | --- |\n",
                      r->n_waivers);
    for (i = 0; i < r->n_waivers && shown < MD_MAX_LIST_ROWS; i++) {
        const pg_waiver_status *w = &r->waivers[i];
        pg_report__out *o = &m->row;

        waiver_cells(o, w, waiver_state_name(w->state));
        pg_report__putc(o, '\n');
        if (!keep_row(m, MD_BUDGET_TOTAL, &shown))
            break;
    }
    more_rows(m, r->n_waivers - shown, NULL, 0);
}

/* Evidence and fixes, which the findings table has no room for. */
static void details_findings(md_ctx *m)
{
    const pg_findings *l = &m->r->findings;
    size_t i, j, shown = 0, with = 0;

    for (i = 0; i < l->count; i++)
        if (l->items[i]->n_evidence || l->items[i]->remediation)
            with++;
    if (with == 0)
        return;
    pg_report__puts(&m->doc, "\n**Evidence and fixes**\n\n");
    for (i = 0; i < l->count && shown < MD_MAX_FINDING_ROWS; i++) {
        const pg_finding *f = l->items[i];
        pg_report__out *o = &m->row;

        if (!f->n_evidence && !f->remediation)
            continue;
        pg_report__out_reset(o);
        pg_report__puts(o, "- ");
        pg_report__esc_md_code(o, f->rule, MD_CELL_RULE, 0);
        pg_report__puts(o, " on ");
        if (f->address && *f->address)
            pg_report__esc_md_code(o, f->address, MD_CELL_ADDRESS, 0);
        else
            pg_report__puts(o, "the plan");
        pg_report__putc(o, '\n');
        for (j = 0; j < f->n_evidence; j++) {
            const pg_evidence *e = &f->evidence[j];
            pg_report__value before, after;
            pg_report__puts(o, "  - ");
            pg_report__esc_md_code(o, e->path, MD_CELL_RULE, 0);
            pg_report__puts(o, ": ");
            pg_report__esc_md_code(o, pg_report__value_text(&before, e->before ? e->before : e->after),
                                   MD_CELL_REASON, 0);
            if (e->before && e->after) {
                pg_report__puts(o, " → ");
                pg_report__esc_md_code(o, pg_report__value_text(&after, e->after), MD_CELL_REASON, 0);
            }
            pg_report__putc(o, '\n');
        }
        if (f->remediation && *f->remediation) {
            pg_report__puts(o, "  - Fix: ");
            pg_report__esc_md(o, f->remediation, MD_CELL_MESSAGE, 1);
            pg_report__putc(o, '\n');
        }
        if (!keep_row(m, MD_BUDGET_TOTAL, &shown))
            break;
    }
    more_rows(m, with - shown, NULL, 1);
}

static void details(md_ctx *m)
{
    const pg_plan_info *p = &m->r->plan;
    size_t i;

    pg_report__puts(&m->doc, "\n<details><summary>Full plan summary</summary>\n\n");
    pg_report__puts(&m->doc, "| Action | Count |\n| --- | ---: |\n");
    for (i = 0; i < sizeof summary_order / sizeof summary_order[0]; i++) {
        pg_action a = summary_order[i];
        if (a == PG_ACTION_UNKNOWN && p->counts[a] == 0)
            continue;
        pg_report__printf(&m->doc, "| %s | %ld |\n", pg_action_name(a), p->counts[a]);
    }
    if (p->format_version[0] || p->terraform_version[0]) {
        pg_report__puts(&m->doc, "\nPlan format ");
        pg_report__esc_md(&m->doc, p->format_version[0] ? p->format_version : "?", 32, 0);
        if (p->terraform_version[0]) {
            pg_report__puts(&m->doc, ", Terraform ");
            pg_report__esc_md(&m->doc, p->terraform_version, 64, 0);
        }
        pg_report__puts(&m->doc, ".\n");
    }
    list_section(m, &m->r->moves, L_MOVES);
    list_section(m, &m->r->drift, L_DRIFT);
    list_section(m, &m->r->deposed, L_DEPOSED);
    list_section(m, &m->r->imports, L_IMPORTS);
    waivers_section(m);
    details_findings(m);
    pg_report__puts(&m->doc, "\n</details>\n");
}

static int write_markdown(const pg_report *r, const pg_report_style *style, FILE *out, pg_error *err)
{
    pg_report__out o;
    md_ctx m;
    int rc;

    memset(&m, 0, sizeof m);
    m.r = r;
    pg_report__out_stream(&o, out, "markdown");
    /* No line starts with model text; if one ever did, no "::" command. */
    pg_report__out_guard(&o, "&#58;");
    pg_report__out_memory(&m.doc, &o);
    pg_report__out_memory(&m.row, &o);
    /* The marker a workflow finds its own comment by, and the title; a
     * multi-plan comment has them once, above the plans (many.c). */
    if (!style->section) {
        pg_report__md_marker(&m.doc, r->title);
        if (r->title) {
            pg_report__puts(&m.doc, "## ");
            pg_report__esc_md(&m.doc, r->title, 200, 0);
            pg_report__puts(&m.doc, "\n\n");
        }
    }
    heading(&m);
    if (r->audit && !style->section) {
        pg_report__puts(&m.doc, "\n**");
        pg_report__audit_words(&m.doc, r);
        pg_report__puts(&m.doc, "**\n");
    }
    gate_weakened(&m);
    gate_change_waivers(&m);
    findings_table(&m);
    destroyed_table(&m);
    details(&m);
    if (!style->section) {
        pg_report__puts(&m.doc, "\n<sub>plangate ");
        pg_report__esc_md(&m.doc, style->version, 32, 0);
        pg_report__puts(&m.doc, "</sub>\n");
    }
    /* all or nothing: a comment cut by a failure would say less than it should */
    if (!pg_report__out_failed(&o))
        pg_report__write(&o, pg_report__out_text(&m.doc), pg_report__out_len(&m.doc));
    rc = pg_report__out_finish(&o, err);
    pg_report__out_dispose(&m.doc);
    pg_report__out_dispose(&m.row);
    pg_report__out_dispose(&o);
    return rc;
}

const pg_report_writer pg_report__markdown_writer = {"markdown", write_markdown};
