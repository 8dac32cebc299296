/*
 * many.c — the reports of one run over several plans as one document
 * (issue 17): `plangate check stacks/A/plan.json stacks/B/plan.json` prints one section per
 * plan and an overall verdict, in every format. Also what belongs to the
 * run rather than to one plan: the audit-mode words and the Markdown
 * comment marker.
 *
 * Each plan's section is that plan's own report, written by its format's
 * writer with style.section set (the writers then leave out what frames a
 * whole document: the title, the marker, the footer), so a plan reads the
 * same alone or among others and the one-plan path stays unchanged. The
 * frame around the sections is written here:
 *
 *   text      the title, "=== plan 2 of 3: PATH ===" before each plan (in
 *             argument order), one last verdict line with the counts
 *   json      {"schema", "plangate_version", "title"?, "verdict",
 *             "exit_code", "fail_on", "audit"?, "summary", "plans": [the
 *             one-plan object of each plan with "path" first]}
 *   sarif     one run per plan (sarif.c), each with its automationDetails.id
 *   junit     one <testsuite> per plan, named by its path, in <testsuites>
 *             named by the title
 *   markdown  the marker and the title once, the overall verdict, then the
 *             failing and unreadable plans first; the whole comment within
 *             GitHub's limit (see write_markdown)
 *   github    "plangate: plan 2 of 3: PATH" before each plan's commands,
 *             the one-plan cap on annotations across all plans and one
 *             notice for the rest, one last verdict line with the counts
 *
 * The output depends only on the reports and their order: byte-identical
 * from run to run however the plans were evaluated.
 */
#include "report/report_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plangate/alloc.h"
#include "plangate/plangate.h" /* PG_VERSION */
#include "util/utf8.h"

/* The whole multi-plan comment, as the one-plan writer's MD_BUDGET_TOTAL:
 * well under GitHub's 65 536 characters (bytes >= characters). */
#define MANY_MD_BUDGET 60000u
#define MANY_MD_TAIL 400u /* the "… and N more plans" line and the footer */
#define MANY_MD_PATH 160u /* code points of a plan path in a compact section */

#define SGR_RESET "\033[0m"
#define SGR_BOLD_RED "\033[1;31m"
#define SGR_BOLD_GREEN "\033[1;32m"

/* MARK: counts and wording */

typedef struct run_tally {
    size_t passed, failed, unreadable;
    size_t blocking; /* blocking findings over the failed plans */
} run_tally;

static void tally_run(run_tally *t, const pg_report *const *reports, size_t n)
{
    size_t i;

    memset(t, 0, sizeof *t);
    for (i = 0; i < n; i++) {
        pg_report__tally c;
        switch (reports[i]->verdict) {
        case PG_VERDICT_PASS: t->passed++; break;
        case PG_VERDICT_FAIL:
            t->failed++;
            pg_report__count(reports[i], &c);
            t->blocking += c.blocking;
            break;
        case PG_VERDICT_ERROR: t->unreadable++; break;
        }
    }
}

pg_verdict pg_report_verdict_many(const pg_report *const *reports, size_t n)
{
    run_tally t;

    if (n == 0)
        return PG_VERDICT_ERROR;
    tally_run(&t, reports, n);
    return t.unreadable ? PG_VERDICT_ERROR : t.failed ? PG_VERDICT_FAIL : PG_VERDICT_PASS;
}

/* The exit code SPEC §1 gives the run (in audit mode findings fail nothing). */
static int exit_code(pg_verdict v, int audit)
{
    return v == PG_VERDICT_ERROR ? 3 : v == PG_VERDICT_FAIL && !audit ? 1 : 0;
}

static const char *verdict_word(pg_verdict v)
{
    return v == PG_VERDICT_PASS ? "PASS" : v == PG_VERDICT_FAIL ? "FAIL" : "ERROR";
}

/* "3 plans: 1 failed, 1 unreadable, 1 passed" (the parts that are not zero). */
static void counts_words(pg_report__out *o, const run_tally *t, size_t n)
{
    const char *sep = ": ";

    pg_report__printf(o, "%zu plans", n);
    if (t->failed) {
        pg_report__printf(o, "%s%zu failed", sep, t->failed);
        sep = ", ";
    }
    if (t->unreadable) {
        pg_report__printf(o, "%s%zu unreadable", sep, t->unreadable);
        sep = ", ";
    }
    if (t->passed)
        pg_report__printf(o, "%s%zu passed", sep, t->passed);
}

void pg_report__audit_words(pg_report__out *o, const pg_report *r)
{
    pg_report__tally c;

    pg_report__count(r, &c);
    switch (r->verdict) {
    case PG_VERDICT_FAIL:
        pg_report__printf(o,
                          "AUDIT: would fail: %zu blocking finding%s at or above %s; audit mode (--fail-on none) "
                          "does not fail the run on findings",
                          c.blocking, c.blocking == 1 ? "" : "s", pg_severity_name(r->fail_on));
        break;
    case PG_VERDICT_PASS:
        pg_report__printf(o, "AUDIT: would pass: no blocking finding at or above %s (audit mode, --fail-on none)",
                          pg_severity_name(r->fail_on));
        break;
    case PG_VERDICT_ERROR:
        pg_report__puts(o, "AUDIT: the plan could not be evaluated, which fails the run in audit mode too");
        break;
    }
}

/* The run's audit line over several plans. */
static void audit_words_many(pg_report__out *o, const run_tally *t, size_t n, pg_severity fail_on)
{
    if (t->unreadable)
        pg_report__printf(o, "AUDIT: %zu of %zu plans could not be evaluated, which fails the run in audit mode too",
                          t->unreadable, n);
    else if (t->failed)
        pg_report__printf(o,
                          "AUDIT: would fail: %zu of %zu plans (%zu blocking finding%s at or above %s); audit mode "
                          "(--fail-on none) does not fail the run on findings",
                          t->failed, n, t->blocking, t->blocking == 1 ? "" : "s", pg_severity_name(fail_on));
    else
        pg_report__printf(o, "AUDIT: would pass: no blocking finding at or above %s in %zu plans (audit mode, "
                             "--fail-on none)",
                          pg_severity_name(fail_on), n);
}

/* MARK: the Markdown marker */

void pg_report__md_marker(pg_report__out *o, const char *title)
{
    const unsigned char *p, *end;
    int dash = 0; /* the last character written was '-' */

    if (!title) {
        pg_report__puts(o, "<!-- plangate -->\n");
        return;
    }
    end = (const unsigned char *)title + strlen(title);
    pg_report__puts(o, "<!-- plangate: ");
    for (p = (const unsigned char *)title; *p; p++) {
        if (*p == '-') {
            /* "--" may not appear in a comment (and "-->" ends it) */
            pg_report__puts(o, dash ? "&#45;" : "-");
            dash = !dash;
            continue;
        }
        dash = 0;
        if (*p < 0x20 || *p == 0x7f)
            pg_report__putc(o, ' ');
        else if (*p == '<')
            pg_report__puts(o, "&lt;");
        else if (*p == '>')
            pg_report__puts(o, "&gt;");
        else if (*p == '&')
            pg_report__puts(o, "&amp;");
        else if (*p == '#') /* "##[" is a runner command anywhere in a log line */
            pg_report__puts(o, "&#35;");
        else if (*p < 0x80)
            pg_report__putc(o, (char)*p);
        else {
            /* a UTF-8 sequence: a valid one as it is (nothing outside ASCII
             * can end a comment), an invalid or hidden one (a bidi
             * override, a zero-width space) as U+FFFD */
            uint32_t cp;
            int valid;
            size_t k = pg_utf8_decode((const char *)p, (size_t)(end - p), &cp, &valid);
            if (k == 0)
                k = 1;
            if (valid && cp >= 0xA0 && !pg_esc_is_hidden(cp))
                pg_report__write(o, (const char *)p, k);
            else
                pg_report__puts(o, "\xef\xbf\xbd");
            p += k - 1;
        }
    }
    pg_report__puts(o, " -->\n");
}

/* MARK: rendering one plan's section */

/* Write `r` as `format` with `style` (section set) into the memory sink `dst`. */
static int render(pg_report__out *dst, const pg_report *r, pg_report_format format, const pg_report_style *style,
                  pg_error *err)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    int rc;

    if (!m)
        return pg_error_oom(err);
    rc = pg_report_write(r, format, style, m, err);
    if (fclose(m) != 0 && rc == 0)
        rc = pg_error_oom(err);
    if (rc == 0)
        pg_report__write(dst, text, len);
    free(text); /* open_memstream's buffer comes from malloc */
    return rc;
}

static const char *path_of(const pg_report *r)
{
    return r->source ? r->source : "<stdin>";
}

/* MARK: text and github */

static int write_text(const pg_report *const *rs, size_t n, const pg_report_style *st, pg_report__out *o,
                      pg_error *err)
{
    pg_report_style sec = *st;
    pg_verdict v = pg_report_verdict_many(rs, n);
    run_tally t;
    size_t i;
    int rc = 0;

    sec.section = 1;
    tally_run(&t, rs, n);
    if (rs[0]->title) {
        pg_report__puts(o, "plangate: ");
        pg_report__esc_text(o, rs[0]->title, 0);
        pg_report__puts(o, "\n\n");
    }
    for (i = 0; i < n && rc == 0; i++) {
        pg_report__printf(o, "%s=== plan %zu of %zu: ", i ? "\n" : "", i + 1, n);
        pg_report__esc_text(o, path_of(rs[i]), 0);
        pg_report__puts(o, " ===\n");
        rc = render(o, rs[i], PG_FORMAT_TEXT, &sec, err);
    }
    if (rc != 0)
        return rc;
    pg_report__putc(o, '\n');
    if (st->color)
        pg_report__puts(o, v == PG_VERDICT_PASS ? SGR_BOLD_GREEN : SGR_BOLD_RED);
    pg_report__puts(o, verdict_word(v));
    if (st->color)
        pg_report__puts(o, SGR_RESET);
    pg_report__puts(o, ": ");
    counts_words(o, &t, n);
    pg_report__putc(o, '\n');
    if (rs[0]->audit) {
        audit_words_many(o, &t, n, rs[0]->fail_on);
        pg_report__putc(o, '\n');
    }
    return 0;
}

/* The annotations GitHub shows are capped per step: the one-plan writer's
 * cap holds across the plans (the first blocking findings in argument
 * order), and one notice after the last plan counts what was left out. */
static int write_github(const pg_report *const *rs, size_t n, const pg_report_style *st, pg_report__out *o,
                        pg_error *err)
{
    pg_report_style sec = *st;
    pg_verdict v = pg_report_verdict_many(rs, n);
    pg_report__gh_budget g;
    run_tally t;
    size_t i, rest;

    (void)err;
    sec.section = 1;
    tally_run(&t, rs, n);
    pg_report__gh_budget_init(&g);
    /* every line this frame writes starts with the fixed word "plangate:" */
    if (rs[0]->title) {
        pg_report__puts(o, "plangate: ");
        pg_report__esc_github(o, rs[0]->title, 0);
        pg_report__putc(o, '\n');
    }
    for (i = 0; i < n; i++) {
        pg_report__printf(o, "plangate: plan %zu of %zu: ", i + 1, n);
        pg_report__esc_github(o, path_of(rs[i]), 0);
        pg_report__putc(o, '\n');
        pg_report__github_plan(o, rs[i], &sec, &g);
    }
    if ((rest = g.blocking + g.below + g.waived) > 0) {
        pg_report__printf(o,
                          "::notice title=plangate%%3A %zu more finding%s::… and %zu more in %zu plan%s, see the job "
                          "summary ",
                          rest, rest == 1 ? "" : "s", rest, g.plans, g.plans == 1 ? "" : "s");
        pg_report__gh_left_words(o, g.blocking, g.below, g.waived);
    }
    pg_report__printf(o, "plangate: %s: ", verdict_word(v));
    counts_words(o, &t, n);
    pg_report__putc(o, '\n');
    if (rs[0]->audit) { /* on the run page, and as the log's last line */
        pg_report__puts(o, "::notice title=plangate%3A audit mode (--fail-on none)::");
        audit_words_many(o, &t, n, rs[0]->fail_on); /* fixed words and counts: nothing to escape */
        pg_report__putc(o, '\n');
        pg_report__puts(o, "plangate: ");
        audit_words_many(o, &t, n, rs[0]->fail_on);
        pg_report__putc(o, '\n');
    }
    return 0;
}

/* MARK: json */

static int write_json(const pg_report *const *rs, size_t n, const pg_report_style *st, pg_report__out *o,
                      pg_error *err)
{
    pg_report_style sec = *st;
    pg_verdict v = pg_report_verdict_many(rs, n);
    pg_report__out one;
    pg_report__jw w;
    run_tally t;
    size_t i;
    int rc = 0;

    sec.section = 1;
    tally_run(&t, rs, n);
    pg_report__out_memory(&one, o);
    pg_report__jw_init(&w, o);
    pg_report__jw_open(&w, '{');
    pg_report__jw_mstr(&w, "schema", PG_REPORT_SCHEMA);
    pg_report__jw_mstr(&w, "plangate_version", st->version);
    if (rs[0]->title)
        pg_report__jw_mstr(&w, "title", rs[0]->title);
    pg_report__jw_mstr(&w, "verdict", pg_report__verdict_name(v));
    pg_report__jw_mint(&w, "exit_code", exit_code(v, rs[0]->audit));
    pg_report__jw_mstr(&w, "fail_on", pg_severity_name(rs[0]->fail_on));
    if (rs[0]->audit)
        pg_report__jw_mbool(&w, "audit", 1);
    pg_report__jw_key(&w, "summary");
    pg_report__jw_open(&w, '{');
    pg_report__jw_mint(&w, "plans", (long long)n);
    pg_report__jw_mint(&w, "failed", (long long)t.failed);
    pg_report__jw_mint(&w, "unreadable", (long long)t.unreadable);
    pg_report__jw_mint(&w, "passed", (long long)t.passed);
    pg_report__jw_mint(&w, "blocking_findings", (long long)t.blocking);
    pg_report__jw_close(&w, '}');
    pg_report__jw_key(&w, "plans");
    pg_report__jw_open(&w, '[');
    for (i = 0; i < n && rc == 0; i++) {
        const char *s, *nl;
        pg_report__out_reset(&one);
        if ((rc = render(&one, rs[i], PG_FORMAT_JSON, &sec, err)) != 0 || pg_report__out_failed(&one))
            break; /* a failed sink is reported by pg_report__out_finish */
        /*
         * The one-plan document, indented one level deeper: jansson's layout
         * puts every member on its own line and a JSON string never holds a
         * raw newline, so indenting each line nests the object exactly, and
         * "path" goes in as its first member.
         */
        pg_report__jw_elem(&w);
        s = pg_report__out_text(&one);
        if (*s != '{') {
            rc = pg_error_set(err, PG_EINTERNAL, "the json report of a plan does not start with '{'");
            break;
        }
        pg_report__puts(o, "{\n      \"path\": ");
        pg_report__jw_str(&w, path_of(rs[i]));
        pg_report__putc(o, ',');
        for (s = strchr(s, '\n'); s && s[1]; s = nl) {
            nl = strchr(s + 1, '\n');
            pg_report__puts(o, "\n    ");
            pg_report__write(o, s + 1, nl ? (size_t)(nl - s - 1) : strlen(s + 1));
            if (!nl)
                break;
        }
    }
    pg_report__out_dispose(&one);
    if (rc != 0)
        return rc;
    pg_report__jw_close(&w, ']');
    pg_report__jw_close(&w, '}');
    pg_report__putc(o, '\n');
    return 0;
}

/* MARK: sarif and junit */

static int write_sarif(const pg_report *const *rs, size_t n, const pg_report_style *st, pg_report__out *o,
                       pg_error *err)
{
    pg_report__jw w;
    size_t i;
    int rc = 0;

    pg_report__jw_init(&w, o);
    pg_report__sarif_open(&w);
    for (i = 0; i < n && rc == 0; i++) {
        pg_report__jw_elem(&w);
        rc = pg_report__sarif_run(&w, rs[i], st, 1, err);
    }
    if (rc == 0)
        pg_report__sarif_close(&w);
    return rc;
}

static int write_junit(const pg_report *const *rs, size_t n, const pg_report_style *st, pg_report__out *o,
                       pg_error *err)
{
    pg_report__junit_counts sum = {0, 0, 0};
    pg_report__out suites;
    size_t i;
    int rc = 0;

    pg_report__out_memory(&suites, o);
    pg_report__out_guard(&suites, "&#58;");
    for (i = 0; i < n && rc == 0; i++)
        rc = pg_report__junit_suite(&suites, rs[i], st, path_of(rs[i]), &sum, err);
    if (rc == 0) {
        pg_report__junit_head(o, rs[0]->title ? rs[0]->title : "plangate", &sum);
        pg_report__write(o, pg_report__out_text(&suites), pg_report__out_len(&suites));
        pg_report__puts(o, "</testsuites>\n");
    }
    pg_report__out_dispose(&suites);
    return rc;
}

/* MARK: markdown */

/* Failing and unreadable plans first (what a reviewer must act on), then
 * the passing ones; argument order within each. */
static int md_rank(const pg_report *r)
{
    return r->verdict == PG_VERDICT_ERROR ? 0 : r->verdict == PG_VERDICT_FAIL ? 1 : 2;
}

/* The verdict headings of the one-plan comment (markdown.c), so a compact
 * section reads like a full one. */
#define MD_VS16 "&#xFE0F;"
#define MD_HEAD_PASS "### \xe2\x9c\x85 plangate: PASS"                         /* ✅ */
#define MD_HEAD_FAIL "### \xe2\x9d\x8c plangate: FAIL \xe2\x80\x94 do not apply" /* ❌ — */
#define MD_HEAD_ERROR "### \xe2\x9a\xa0" MD_VS16 " plangate: plan could not be read" /* ⚠️ */

static const char *md_icon(pg_verdict v)
{
    return v == PG_VERDICT_PASS ? "\xe2\x9c\x85" : v == PG_VERDICT_FAIL ? "\xe2\x9d\x8c" : "\xe2\x9a\xa0" MD_VS16;
}

/* A plan's section when its full report does not fit: the verdict only. */
static void md_compact(pg_report__out *o, const pg_report *r)
{
    pg_report__tally c;

    pg_report__count(r, &c);
    pg_report__puts(o, r->verdict == PG_VERDICT_PASS   ? MD_HEAD_PASS
                       : r->verdict == PG_VERDICT_FAIL ? MD_HEAD_FAIL
                                                       : MD_HEAD_ERROR);
    pg_report__puts(o, "\n\nPlan ");
    pg_report__esc_md_code(o, path_of(r), MANY_MD_PATH, 0);
    if (r->verdict == PG_VERDICT_FAIL)
        pg_report__printf(o, ": **%zu blocking finding%s** at or above **%s**", c.blocking,
                          c.blocking == 1 ? "" : "s", pg_severity_name(r->fail_on));
    else if (r->verdict == PG_VERDICT_ERROR)
        pg_report__puts(o, ": **could not be evaluated**");
    else
        pg_report__printf(o, ": no unwaived finding at or above **%s**", pg_severity_name(r->fail_on));
    pg_report__puts(o, ". Its details are cut to keep this comment within GitHub's 65,536-character limit: "
                       "see the full report.\n");
}

/*
 * The comment holds every plan it can: the plans in rank order, each in
 * full when that still leaves room for a compact section of every plan
 * after it, else compact; a plan whose compact section does not fit either
 * is counted in a last line. So the failing plans come first and in full
 * where possible, and no plan disappears without a word.
 */
static int write_markdown(const pg_report *const *rs, size_t n, const pg_report_style *st, pg_report__out *o,
                          pg_error *err)
{
    pg_report_style sec = *st;
    pg_verdict v = pg_report_verdict_many(rs, n);
    pg_report__out doc, part;
    size_t *order = NULL, *compact = NULL, rest = 0, i, k = 0, cut = 0, left = 0, left_bad = 0;
    run_tally t;
    int rank, rc = 0;

    sec.section = 1;
    tally_run(&t, rs, n);
    pg_report__out_memory(&doc, o);
    pg_report__out_memory(&part, o);
    pg_report__out_guard(&doc, "&#58;");
    pg_report__out_guard(&part, "&#58;");
    order = pg_calloc(n, sizeof *order);
    compact = pg_calloc(n, sizeof *compact);
    if (!order || !compact) {
        rc = pg_error_oom(err);
        goto out;
    }
    for (rank = 0; rank < 3; rank++)
        for (i = 0; i < n; i++)
            if (md_rank(rs[i]) == rank)
                order[k++] = i;

    pg_report__md_marker(&doc, rs[0]->title);
    if (rs[0]->title) {
        pg_report__puts(&doc, "## ");
        pg_report__esc_md(&doc, rs[0]->title, 200, 0);
        pg_report__puts(&doc, "\n\n");
    }
    pg_report__printf(&doc, "**%s plangate: %s: ", md_icon(v), verdict_word(v));
    counts_words(&doc, &t, n);
    pg_report__puts(&doc, ".**\n");
    if (rs[0]->audit) {
        pg_report__puts(&doc, "\n**");
        audit_words_many(&doc, &t, n, rs[0]->fail_on);
        pg_report__puts(&doc, "**\n");
    }

    /* the size of every compact section, to keep room for the plans after */
    for (k = 0; k < n; k++) {
        pg_report__out_reset(&part);
        md_compact(&part, rs[order[k]]);
        compact[k] = pg_report__out_len(&part) + 6; /* and "\n---\n\n" */
        rest += compact[k];
    }
    for (k = 0; k < n && rc == 0; k++) {
        const pg_report *r = rs[order[k]];
        size_t used = pg_report__out_len(&doc);
        rest -= compact[k];
        pg_report__out_reset(&part);
        if ((rc = render(&part, r, PG_FORMAT_MARKDOWN, &sec, err)) != 0)
            break;
        if (used + 6 + pg_report__out_len(&part) + rest + MANY_MD_TAIL <= MANY_MD_BUDGET) {
            pg_report__puts(&doc, "\n---\n\n");
            pg_report__write(&doc, pg_report__out_text(&part), pg_report__out_len(&part));
            continue;
        }
        pg_report__out_reset(&part);
        md_compact(&part, r);
        if (used + 6 + pg_report__out_len(&part) + MANY_MD_TAIL <= MANY_MD_BUDGET) {
            pg_report__puts(&doc, "\n---\n\n");
            pg_report__write(&doc, pg_report__out_text(&part), pg_report__out_len(&part));
            cut++;
            continue;
        }
        left++;
        left_bad += r->verdict != PG_VERDICT_PASS;
    }
    if (rc != 0)
        goto out;
    if (left)
        pg_report__printf(&doc, "\n---\n\n… and %zu more plan%s (%zu failing or unreadable) not shown: this comment "
                                "stays within GitHub's 65,536-character limit; see the full report.\n",
                          left, left == 1 ? "" : "s", left_bad);
    else if (cut)
        pg_report__printf(&doc, "\n---\n\nThe details of %zu plan%s are cut to keep this comment within GitHub's "
                                "65,536-character limit: see the full report.\n",
                          cut, cut == 1 ? "" : "s");
    pg_report__puts(&doc, "\n<sub>plangate ");
    pg_report__esc_md(&doc, st->version, 32, 0);
    pg_report__puts(&doc, "</sub>\n");
    /* all or nothing, as the one-plan writer */
    if (!pg_report__out_failed(o))
        pg_report__write(o, pg_report__out_text(&doc), pg_report__out_len(&doc));
out:
    pg_free(order);
    pg_free(compact);
    pg_report__out_dispose(&part);
    pg_report__out_dispose(&doc);
    return rc;
}

/* MARK: the entry point */

typedef int (*many_fn)(const pg_report *const *rs, size_t n, const pg_report_style *st, pg_report__out *o,
                       pg_error *err);

int pg_report_write_many(const pg_report *const *reports, size_t n, pg_report_format format,
                         const pg_report_style *style, FILE *out, pg_error *err)
{
    /* Indexed by pg_report_format, as report.c's table. */
    static const many_fn fns[PG_FORMAT_COUNT_] = {
        write_text, write_json, write_sarif, write_junit, write_github, write_markdown,
    };
    static const pg_report_style plain = {.color = 0, .quiet = 0, .version = PG_VERSION, .width = 0, .section = 0};
    pg_report_style st;
    pg_report__out o;
    int rc;

    if (n == 0 || !reports)
        return pg_error_set(err, PG_EINTERNAL, "no report to write");
    if (n == 1)
        return pg_report_write(reports[0], format, style, out, err);
    if ((unsigned)format >= PG_FORMAT_COUNT_)
        return pg_error_set(err, PG_EINTERNAL, "unknown report format %d", (int)format);
    st = style ? *style : plain;
    if (!st.version)
        st.version = plain.version;
    st.section = 0;
    pg_report__out_stream(&o, out, pg_report_format_name(format));
    /* The frame's own lines never start with ':'; the text-like formats
     * guard as their one-plan writers do (github's lines start with "::"
     * on purpose and a fixed word otherwise). */
    if (format == PG_FORMAT_TEXT)
        pg_report__out_guard(&o, "\\u003A");
    else if (format == PG_FORMAT_MARKDOWN || format == PG_FORMAT_JUNIT)
        pg_report__out_guard(&o, "&#58;");
    rc = fns[format](reports, n, &st, &o, err);
    if (rc == 0)
        rc = pg_report__out_finish(&o, err);
    pg_report__out_dispose(&o);
    if (rc == 0 && (ferror(out) || fflush(out) != 0))
        rc = pg_error_set(err, PG_EIO, "cannot write the %s report", pg_report_format_name(format));
    return rc;
}
