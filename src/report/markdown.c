/*
 * markdown.c — a pull-request comment (SPEC §5), also what the CLI appends
 * to GITHUB_STEP_SUMMARY (issue 15).
 *
 * Read on GitHub, top to bottom: a verdict heading with an icon
 * (md_verdict_heading, which names what is lost in the words of the text
 * report's banner: verdict.c), the plan in one line with a symbol per action, the
 * weakened gate, a table of findings (severity, a short title with the
 * address, the decisive evidence, a status: blocking / below threshold /
 * waived), then the full text of each finding in its own <details>, the
 * destroyed and replaced resources, and a collapsed summary (counts,
 * moves, drift, deposed objects, imports, waivers). A plan that could not
 * be read (exit 3) gives only what could not be read: no counts, no "no
 * findings" that a reader could take for a clean plan.
 *
 * Findings and items are printed in the order the model gives (by
 * consequence). Sentences are never cut inside a word, and the full message
 * is always in the finding's <details>; only cells are capped.
 *
 * GitHub refuses a comment longer than 65 536 characters, and a refused
 * comment is a gate that says nothing. So the comment is built in memory
 * and every row is rendered first and kept only if it fits its section's
 * byte budget (bytes >= characters, so a byte budget is safe). Blocking
 * findings are chosen first and may use a larger budget than the others;
 * what does not fit is counted and named ("… 12 more findings not shown
 * (3 blocking, 9 below the threshold)"). The verdict is never cut.
 */
#include "report/report_internal.h"

#include <stdlib.h>
#include <string.h>

#define MD_MAX_FINDING_ROWS 100u
#define MD_MAX_LIST_ROWS 50u
#define MD_MAX_MISSES 64u /* rows tried in a row that did not fit, before giving up */
#define MD_MAX_EVIDENCE_CELL 3u /* evidence lines in a table cell; all of them in <details> */
#define MD_CELL_TITLE 100u      /* code points */
#define MD_CELL_ADDRESS 160u
#define MD_CELL_RULE 80u
#define MD_CELL_VALUE 80u       /* an evidence value in a cell */
#define MD_CELL_REASON 240u
#define MD_CELL_NOTE 160u       /* the message in the evidence cell when there is no evidence */
/* Where each part must end (bytes from the start of the comment). The
 * blocking findings may run on to the _HARD budget, past what the other
 * findings may use, so a long list of lesser findings cannot push them out. */
#define MD_BUDGET_TABLE 26000u
#define MD_BUDGET_TABLE_HARD 40000u
#define MD_BUDGET_TABLE_BLOCKING_LIST 44000u /* the blocking findings without a row, by name */
#define MD_BUDGET_DETAILS 42000u
#define MD_BUDGET_DETAILS_HARD 48000u
#define MD_BUDGET_DESTROYED 54000u
#define MD_BUDGET_TOTAL 60000u /* the whole comment, well under 65 536 */
#define MD_TAIL_RESERVE 400u   /* "… N more" and closing tags */

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

/* "… and N more[ things], not shown: …" when rows were left out. */
static void more_rows(md_ctx *m, size_t left, const char *noun, int by_limit)
{
    if (left == 0)
        return;
    pg_report__printf(&m->doc, "\n… and %zu more", left);
    if (noun)
        pg_report__printf(&m->doc, " %s%s", noun, left == 1 ? "" : "s");
    pg_report__puts(&m->doc, by_limit ? ", not shown here to stay within GitHub's comment size limit "
                                        "(`plangate check` prints them all).\n"
                                      : ".\n");
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

/* U+FE0F asks for the emoji form of 🗑 ✏ ↪ ⚠ 🛡. It is a default-ignorable
 * character, which no output carries raw (util/esc.h): an entity, which
 * GitHub renders the same. */
#define MD_VS16 "&#xFE0F;"

/* The symbol and words of an action in the plan line and the lists. */
static const char *action_symbol(pg_action a)
{
    switch (a) {
    case PG_ACTION_DELETE: return "\xf0\x9f\x97\x91" MD_VS16; /* 🗑️ */
    case PG_ACTION_REPLACE: return "\xf0\x9f\x94\x84";           /* 🔄 */
    case PG_ACTION_CREATE: return "\xe2\x9e\x95";                /* ➕ */
    case PG_ACTION_UPDATE: return "\xe2\x9c\x8f" MD_VS16;       /* ✏️ */
    case PG_ACTION_FORGET: return "\xf0\x9f\x91\x8b";            /* 👋 */
    case PG_ACTION_READ: return "\xf0\x9f\x93\x96";              /* 📖 */
    case PG_ACTION_NOOP: return "\xe2\x9a\xaa";                  /* ⚪ */
    default: break;
    }
    return "\xe2\x9d\x93"; /* ❓ */
}
#define MD_MOVE_SYMBOL "\xe2\x86\xaa" MD_VS16 /* ↪️ */

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

static const char *severity_symbol(pg_severity s)
{
    switch (s) {
    case PG_SEV_CRITICAL: return "\xf0\x9f\x94\xb4"; /* 🔴 */
    case PG_SEV_HIGH: return "\xf0\x9f\x9f\xa0";     /* 🟠 */
    case PG_SEV_MEDIUM: return "\xf0\x9f\x9f\xa1";   /* 🟡 */
    case PG_SEV_LOW: return "\xf0\x9f\x94\xb5";      /* 🔵 */
    case PG_SEV_INFO: break;
    }
    return "\xe2\x9a\xaa"; /* ⚪ */
}

/* The text report's words for what is lost (verdict.c), so the comment and
 * the terminal say the same: "; every item of 1 table is lost". */
static void md_loss(md_ctx *m, const char *lead)
{
    pg_buf b;

    pg_buf_init(&b, 0);
    if (pg_report__verdict_loss(m->r, &b, lead, NULL) != PG_OK)
        pg_report__out_fail(&m->doc, PG_ENOMEM, "out of memory");
    else if (b.len) /* fixed words and counts: no escaping needed, none harms */
        pg_report__esc_md_rich(&m->doc, pg_buf_cstr(&b), 0, 0, 0);
    pg_buf_dispose(&b);
}

/*
 * The verdict heading and the sentence under it: the first thing a reviewer
 * reads, never cut. The counts are the comment's own (bold, with the
 * threshold); what is lost is the banner's (md_loss).
 */
static void md_verdict_heading(md_ctx *m)
{
    const pg_report *r = m->r;
    pg_report__out *o = &m->doc;
    const char *fail_on = pg_severity_name(r->fail_on);
    pg_report__tally c;

    pg_report__count(r, &c);
    switch (r->verdict) {
    case PG_VERDICT_PASS:
        pg_report__puts(o, "### \xe2\x9c\x85 plangate: PASS\n\n"); /* ✅ */
        pg_report__printf(o, "No unwaived finding at or above **%s**", fail_on);
        pg_report__tally_note(o, &c);
        md_loss(m, "; note: ");
        pg_report__puts(o, ".\n");
        break;
    case PG_VERDICT_FAIL:
        pg_report__puts(o, "### \xe2\x9d\x8c plangate: FAIL \xe2\x80\x94 do not apply\n\n"); /* ❌ — */
        pg_report__printf(o, "**%zu blocking finding%s** at or above **%s**", c.blocking,
                          c.blocking == 1 ? "" : "s", fail_on);
        pg_report__tally_note(o, &c);
        md_loss(m, "; ");
        pg_report__puts(o, ".\n");
        break;
    case PG_VERDICT_ERROR:
        pg_report__puts(o, "### \xe2\x9a\xa0" MD_VS16 " plangate: plan could not be read\n\n"); /* ⚠️ */
        pg_report__puts(o, "plangate could not evaluate ");
        pg_report__esc_md_code(o, r->source ? r->source : "<stdin>", MD_CELL_ADDRESS, 0);
        pg_report__puts(o, ", so this is no review of its changes: fix what is below and run plangate again.\n");
        break;
    }
}

/* What could not be read (exit 3), one item per error, in full. */
static void errors_list(md_ctx *m)
{
    const pg_report *r = m->r;
    size_t i, shown = 0;

    if (r->n_errors == 0) {
        if (r->verdict == PG_VERDICT_ERROR)
            pg_report__puts(&m->doc, "\n- No reason was recorded: run `plangate check` for the details.\n");
        return;
    }
    pg_report__putc(&m->doc, '\n');
    for (i = 0; i < r->n_errors && shown < MD_MAX_LIST_ROWS; i++) {
        pg_report__out *o = &m->row;
        pg_report__out_reset(o);
        pg_report__puts(o, "- ");
        pg_report__esc_md_rich(o, r->errors[i], 0, 1, 0);
        pg_report__putc(o, '\n');
        if (!keep_row(m, MD_BUDGET_TABLE_HARD, &shown))
            break;
    }
    more_rows(m, r->n_errors - shown, "error", 1);
}

/* "Plan `x`: 🗑️ **3 to delete** · 🔄 **2 to replace** · ➕ 1 to create …" */
static void plan_line(md_ctx *m)
{
    const pg_report *r = m->r;
    pg_report__out *o = &m->doc;
    size_t i, shown = 0;

    pg_report__puts(o, "\nPlan ");
    pg_report__esc_md_code(o, r->source ? r->source : "<stdin>", MD_CELL_ADDRESS, 0);
    pg_report__puts(o, ": ");
    for (i = 0; i < sizeof summary_order / sizeof summary_order[0]; i++) {
        pg_action a = summary_order[i];
        long n = r->plan.counts[a];
        int loud = (a == PG_ACTION_DELETE || a == PG_ACTION_REPLACE);
        if (n == 0)
            continue;
        if (a == PG_ACTION_NOOP && r->moves.total > 0) {
            pg_report__printf(o, "%s" MD_MOVE_SYMBOL " %zu to move", shown ? " \xc2\xb7 " : "", r->moves.total);
            shown++;
        }
        pg_report__printf(o, "%s%s %s%ld %s%s", shown ? " \xc2\xb7 " : "", action_symbol(a), loud ? "**" : "", n,
                          summary_words(a), loud ? "**" : "");
        shown++;
    }
    if (r->plan.counts[PG_ACTION_NOOP] == 0 && r->moves.total > 0) {
        pg_report__printf(o, "%s" MD_MOVE_SYMBOL " %zu to move", shown ? " \xc2\xb7 " : "", r->moves.total);
        shown++;
    }
    if (!shown)
        pg_report__puts(o, pg_report__plan_is_whole(r) ? "no changes" : "no changes in what was planned so far");
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
        if (!keep_row(m, MD_BUDGET_TABLE, &shown))
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
        if (!keep_row(m, MD_BUDGET_TABLE, &shown))
            break;
    }
    more_rows(m, n - shown, NULL, 0);
}

/* MARK: findings table */

/* The catalogue title of a rule ("DynamoDB table replaced because its key
 * schema changes"), or NULL. */
static const char *rule_title(const pg_report *r, const char *rule)
{
    size_t i;

    for (i = 0; rule && i < r->n_rules; i++)
        if (r->rules[i].id && strcmp(r->rules[i].id, rule) == 0)
            return r->rules[i].title && *r->rules[i].title ? r->rules[i].title : NULL;
    return NULL;
}

static const char *status_word(const pg_report *r, const pg_finding *f)
{
    if (f->waived)
        return "waived";
    return pg_report__blocks(r, f) ? "**blocking**" : "below threshold";
}

/* "`path`: `before → after`": one evidence line, the words of every
 * text-like format (pg_report__evidence_values) in one code span. */
static void evidence_line(md_ctx *m, pg_report__out *o, const pg_evidence *e, size_t max, int in_table)
{
    pg_report__out v;

    pg_report__esc_md_code(o, e->path && *e->path ? e->path : "(value)", MD_CELL_RULE, in_table);
    pg_report__puts(o, ": ");
    pg_report__out_memory(&v, &m->doc);
    pg_report__evidence_values(&v, e);
    pg_report__esc_md_code(o, pg_report__out_text(&v), max, in_table);
    pg_report__out_dispose(&v);
}

static void finding_row(md_ctx *m, const pg_finding *f)
{
    pg_report__out *o = &m->row;
    const char *title = rule_title(m->r, f->rule);
    int blocks = pg_report__blocks(m->r, f);
    size_t j;

    pg_report__out_reset(o);
    pg_report__printf(o, blocks ? "| %s **%s** | " : "| %s %s | ", severity_symbol(f->severity),
                      pg_severity_name(f->severity));
    /* Finding: the short title, then where and which rule */
    if (title) {
        pg_report__puts(o, "**");
        pg_report__esc_md(o, title, MD_CELL_TITLE, 0);
        pg_report__puts(o, "**<br>");
    }
    cell_code(o, f->address, MD_CELL_ADDRESS);
    pg_report__puts(o, " \xc2\xb7 ");
    cell_code(o, f->rule, MD_CELL_RULE);
    pg_report__puts(o, " | ");
    /* Evidence: the decisive values, in the table, not only in <details> */
    for (j = 0; j < f->n_evidence && j < MD_MAX_EVIDENCE_CELL; j++) {
        if (j)
            pg_report__puts(o, "<br>");
        evidence_line(m, o, &f->evidence[j], MD_CELL_VALUE, 1);
    }
    if (f->n_evidence > MD_MAX_EVIDENCE_CELL)
        pg_report__printf(o, "<br>and %zu more", f->n_evidence - MD_MAX_EVIDENCE_CELL);
    if (f->n_evidence == 0)
        pg_report__esc_md_rich(o, f->message && *f->message ? f->message : f->rule, MD_CELL_NOTE, 0, 1);
    pg_report__printf(o, " | %s", status_word(m->r, f));
    if (f->waived && f->waiver_owner) {
        pg_report__puts(o, " (owner: ");
        pg_report__esc_md(o, f->waiver_owner, MD_CELL_RULE, 0);
        pg_report__putc(o, ')');
    }
    if (f->waiver_expired) {
        pg_report__puts(o, "<br>a waiver expired on ");
        pg_report__esc_md(o, f->waiver_expired, 20, 0);
    }
    pg_report__puts(o, " |\n");
}

/* "**Fix:** first line", and the lines after it (a moved block, a
 * lifecycle block) as a code block, which keeps their indentation. */
static void fix(md_ctx *m, pg_report__out *o, const char *text)
{
    const char *nl;
    pg_report__out first;

    if (!text || !*text)
        return;
    pg_report__puts(o, "\n**Fix:** ");
    nl = strchr(text, '\n');
    if (!nl || !nl[1]) {
        pg_report__esc_md_rich(o, text, 0, 1, 0);
        pg_report__putc(o, '\n');
        return;
    }
    pg_report__out_memory(&first, &m->doc);
    pg_report__write(&first, text, (size_t)(nl - text));
    pg_report__esc_md_rich(o, pg_report__out_text(&first), 0, 1, 0);
    pg_report__out_dispose(&first);
    pg_report__puts(o, "\n\n");
    if (!pg_report__esc_md_block(o, nl + 1)) {
        /* "##[" in it: prose, each line a <br> */
        pg_report__esc_md_rich(o, nl + 1, 0, 1, 0);
        pg_report__putc(o, '\n');
    }
}

/* A finding's full text: its message uncut, every evidence line, the
 * waiver, the rule, the fix. */
static void finding_details(md_ctx *m, const pg_finding *f)
{
    pg_report__out *o = &m->row;
    const char *title = rule_title(m->r, f->rule);
    size_t j;

    pg_report__out_reset(o);
    /* A <summary> is raw HTML: GitHub reads no Markdown in it. */
    pg_report__printf(o, "\n<details><summary>%s %s: ", severity_symbol(f->severity), pg_severity_name(f->severity));
    pg_report__esc_html(o, title ? title : f->rule, MD_CELL_TITLE);
    if (f->address && *f->address) {
        pg_report__puts(o, " \xc2\xb7 <code>");
        pg_report__esc_html(o, f->address, MD_CELL_ADDRESS);
        pg_report__puts(o, "</code>");
    }
    pg_report__puts(o, "</summary>\n\n");
    pg_report__esc_md_rich(o, f->message && *f->message ? f->message : f->rule, 0, 1, 0);
    pg_report__puts(o, "\n\n");
    for (j = 0; j < f->n_evidence; j++) {
        pg_report__puts(o, "- ");
        evidence_line(m, o, &f->evidence[j], 0, 0);
        pg_report__putc(o, '\n');
    }
    if (f->cause) { /* issue 15: why its resource is destroyed, in every format */
        pg_report__puts(o, f->action == PG_ACTION_REPLACE ? "- Why replaced: " : "- Why destroyed: ");
        pg_report__esc_md(o, f->cause, MD_CELL_REASON, 0);
        pg_report__putc(o, '\n');
    }
    if (f->waived) {
        pg_report__puts(o, "- **Waived:** ");
        reason_owner(o, f->waiver_reason ? f->waiver_reason : "(no reason)", f->waiver_owner);
        pg_report__putc(o, '\n');
    } else if (!pg_report__blocks(m->r, f)) {
        pg_report__printf(o, "- Below the fail-on threshold (%s): reported, not blocking.\n",
                          pg_severity_name(m->r->fail_on));
    }
    if (f->waiver_expired) {
        pg_report__puts(o, "- A waiver for this finding expired on ");
        pg_report__esc_md(o, f->waiver_expired, 20, 0);
        pg_report__puts(o, ": it no longer applies.\n");
    }
    pg_report__puts(o, "- Rule: ");
    pg_report__esc_md_code(o, f->rule, MD_CELL_RULE, 0);
    pg_report__putc(o, '\n');
    fix(m, o, f->remediation);
    pg_report__puts(o, "\n</details>\n");
}

/*
 * Which findings fit: `keep[i]` set for each one rendered by `render`
 * (into m->row) that fits. Blocking findings are chosen first, in order,
 * within `hard`; then the others within `soft`, with the room the blocking
 * ones take counted; at most `max_rows` in all. Only findings with
 * `eligible[i]` set (NULL: all) are considered. Returns how many were kept.
 */
static size_t choose(md_ctx *m, void (*render)(md_ctx *, const pg_finding *), const unsigned char *eligible,
                     unsigned char *keep, size_t soft, size_t hard, size_t max_rows)
{
    const pg_findings *l = &m->r->findings;
    size_t used = pg_report__out_len(&m->doc) + MD_TAIL_RESERVE, kept = 0, i, misses = 0;
    int pass;

    for (pass = 0; pass < 2; pass++) {
        size_t budget = pass == 0 ? hard : soft;
        /* past MD_MAX_MISSES rows in a row that did not fit, the rest will
         * not either: 100 000 findings are not all rendered for nothing */
        for (i = 0; i < l->count && kept < max_rows && misses < MD_MAX_MISSES; i++) {
            const pg_finding *f = l->items[i];
            if ((eligible && !eligible[i]) || keep[i] || pg_report__blocks(m->r, f) != (pass == 0))
                continue;
            render(m, f);
            if (pg_report__out_failed(&m->row))
                return kept;
            if (used + pg_report__out_len(&m->row) > budget) {
                if (pass == 0)
                    break; /* blocking findings stay in order: no later one jumps a gap */
                misses++;
                continue;
            }
            misses = 0;
            used += pg_report__out_len(&m->row);
            keep[i] = 1;
            kept++;
        }
    }
    return kept;
}

/* "… N more findings not shown (3 blocking, 9 below the threshold, 1 waived)". */
static void findings_not_shown(md_ctx *m, const unsigned char *keep, const char *what)
{
    const pg_findings *l = &m->r->findings;
    size_t i, left = 0, blocking = 0, waived = 0;

    for (i = 0; i < l->count; i++) {
        if (keep[i])
            continue;
        left++;
        if (l->items[i]->waived)
            waived++;
        else if (pg_report__blocks(m->r, l->items[i]))
            blocking++;
    }
    if (left == 0)
        return;
    pg_report__printf(&m->doc, "\n… %zu more %s%s not shown here (", left, what, left == 1 ? "" : "s");
    if (blocking)
        pg_report__printf(&m->doc, "**%zu blocking**%s", blocking, left > blocking ? ", " : "");
    if (left - blocking - waived)
        pg_report__printf(&m->doc, "%zu below the threshold%s", left - blocking - waived, waived ? ", " : "");
    if (waived)
        pg_report__printf(&m->doc, "%zu waived", waived);
    pg_report__puts(&m->doc, ") to stay within GitHub's comment size limit: `plangate check` prints them all.\n");
}

/* The blocking findings the table had no room for, by address and rule in
 * one paragraph: a blocking finding is never only a count while there is
 * room for its name. */
static void blocking_not_shown(md_ctx *m, const unsigned char *in_table)
{
    const pg_findings *l = &m->r->findings;
    size_t i, left = 0, shown = 0;

    for (i = 0; i < l->count; i++)
        left += !in_table[i] && pg_report__blocks(m->r, l->items[i]) ? 1u : 0u;
    if (left == 0)
        return;
    pg_report__puts(&m->doc, "\nThe blocking ones not in the table: ");
    for (i = 0; i < l->count; i++) {
        const pg_finding *f = l->items[i];
        pg_report__out *o = &m->row;
        if (in_table[i] || !pg_report__blocks(m->r, f))
            continue;
        pg_report__out_reset(o);
        if (shown)
            pg_report__puts(o, ", ");
        cell_code(o, f->address, MD_CELL_ADDRESS);
        pg_report__puts(o, " (");
        pg_report__esc_md_code(o, f->rule, MD_CELL_RULE, 0);
        pg_report__putc(o, ')');
        if (!keep_row(m, MD_BUDGET_TABLE_BLOCKING_LIST, &shown))
            break;
    }
    if (left > shown)
        pg_report__printf(&m->doc, "%sand %zu more", shown ? ", " : "", left - shown);
    pg_report__puts(&m->doc, ".\n");
}

/* The table, then one <details> per finding the table shows. */
static void findings_section(md_ctx *m)
{
    const pg_findings *l = &m->r->findings;
    unsigned char *in_table, *in_details;
    size_t i;

    if (l->count == 0) {
        pg_report__puts(&m->doc, "\nNo findings.\n");
        return;
    }
    in_table = calloc(l->count, 1);
    in_details = calloc(l->count, 1);
    if (!in_table || !in_details) {
        free(in_table);
        free(in_details);
        pg_report__out_fail(&m->doc, PG_ENOMEM, "out of memory");
        return;
    }
    pg_report__printf(&m->doc, "\n#### Findings (%zu)\n\n", l->count);
    pg_report__puts(&m->doc, "| Severity | Finding | Evidence | Status |\n| --- | --- | --- | --- |\n");
    choose(m, finding_row, NULL, in_table, MD_BUDGET_TABLE, MD_BUDGET_TABLE_HARD, MD_MAX_FINDING_ROWS);
    for (i = 0; i < l->count; i++) {
        if (!in_table[i])
            continue;
        finding_row(m, l->items[i]);
        pg_report__write(&m->doc, pg_report__out_text(&m->row), pg_report__out_len(&m->row));
    }
    findings_not_shown(m, in_table, "finding");
    blocking_not_shown(m, in_table);
    choose(m, finding_details, in_table, in_details, MD_BUDGET_DETAILS, MD_BUDGET_DETAILS_HARD,
           MD_MAX_FINDING_ROWS);
    for (i = 0; i < l->count; i++) {
        if (!in_details[i])
            continue;
        finding_details(m, l->items[i]);
        pg_report__write(&m->doc, pg_report__out_text(&m->row), pg_report__out_len(&m->row));
    }
    /* a row without its <details>: say so, or the reader looks for it */
    for (i = 0; i < l->count; i++)
        in_details[i] = (unsigned char)(in_details[i] || !in_table[i]);
    findings_not_shown(m, in_details, "finding text");
    free(in_table);
    free(in_details);
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
        /* the attributes that force it when the plan names them (issue 15), else the reason's words */
        const char *reason = it->forced_by ? it->cause : pg_report__reason_text(it->action_reason);
        pg_report__out *o = &m->row;

        pg_report__out_reset(o);
        pg_report__printf(o, "| %s **%s**", action_symbol(it->action), pg_action_name(it->action));
        if (it->replace_order == PG_REPLACE_DELETE_BEFORE_CREATE)
            pg_report__puts(o, ", destroy first");
        else if (it->replace_order == PG_REPLACE_CREATE_BEFORE_DESTROY)
            pg_report__puts(o, ", create first");
        if (it->is_protected)
            pg_report__puts(o, ", \xf0\x9f\x9b\xa1" MD_VS16 " **protected**"); /* 🛡️ */
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

static void details(md_ctx *m)
{
    const pg_plan_info *p = &m->r->plan;
    size_t i, shown;

    pg_report__puts(&m->doc, "\n<details><summary>Full plan summary</summary>\n\n");
    /* only the actions the plan has: a column of zeros says nothing */
    for (i = 0, shown = 0; i < sizeof summary_order / sizeof summary_order[0]; i++) {
        pg_action a = summary_order[i];
        if (p->counts[a] == 0)
            continue;
        if (shown++ == 0)
            pg_report__puts(&m->doc, "| Action | Count |\n| --- | ---: |\n");
        pg_report__printf(&m->doc, "| %s %s | %ld |\n", action_symbol(a), pg_action_name(a), p->counts[a]);
    }
    if (m->r->moves.total)
        pg_report__printf(&m->doc, "%s| " MD_MOVE_SYMBOL " move | %zu |\n",
                          shown++ ? "" : "| Action | Count |\n| --- | ---: |\n", m->r->moves.total);
    if (shown == 0)
        pg_report__puts(&m->doc, "No planned changes.\n");
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
    md_verdict_heading(&m);
    errors_list(&m);
    if (r->verdict != PG_VERDICT_ERROR)
        plan_line(&m);
    if (r->audit && !style->section) {
        pg_report__puts(&m.doc, "\n**");
        pg_report__audit_words(&m.doc, r);
        pg_report__puts(&m.doc, "**\n");
    }
    /* a weakened gate is shown in every run (issue 11): it says nothing of the plan */
    gate_weakened(&m);
    gate_change_waivers(&m);
    if (r->verdict != PG_VERDICT_ERROR) {
        /* exit 3 says only what could not be read: any count or "no
         * findings" from a plan that was not evaluated would read as a review */
        findings_section(&m);
        destroyed_table(&m);
        details(&m);
    }
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
