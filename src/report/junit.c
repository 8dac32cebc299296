/*
 * junit.c — JUnit XML for CI test-report views (GitLab, Jenkins, GitHub
 * test-report actions) (SPEC §5).
 *
 * <testsuites> holds one <testsuite name="plangate"> (or the --title; a
 * multi-plan report has one suite per plan, named by its path: many.c), and
 * in it one test case
 * per rule × address (classname = rule, name = address): findings of the same
 * rule on the same resource merge into one case, in the order of their first
 * finding. A case fails when one of its findings blocks the plan (unwaived,
 * at or above fail_on); waived and below-threshold findings make a passing
 * case whose <system-out> says what was found. A plan with nothing to report
 * is one passing case "plan"; a plan that could not be evaluated adds an
 * <error> case "plan" first. time="0" everywhere: strict consumers want the
 * attribute, and a measured time would make the output differ run to run.
 */
#include "report/report_internal.h"

#include <stdlib.h>
#include <string.h>

#include "plangate/alloc.h"

typedef struct entry {
    const pg_finding *f;
    size_t index; /* position in the sorted findings */
} entry;

typedef struct group {
    size_t first; /* index of its first finding: groups are printed in this order */
    size_t start; /* into the entries sorted by (rule, address, index) */
    size_t len;
    int fails;
} group;

static int cmp_entry(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    int c;

    if ((c = strcmp(x->f->rule, y->f->rule)) != 0)
        return c;
    if ((c = strcmp(x->f->address, y->f->address)) != 0)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

static int cmp_group(const void *a, const void *b)
{
    const group *x = a, *y = b;

    return x->first < y->first ? -1 : x->first > y->first;
}

static const char *case_name(const pg_finding *f)
{
    return f->address && *f->address ? f->address : "(plan)";
}

/* What a finding says, as plain text, each model string escaped. */
static void finding_text(pg_report__out *o, pg_report__out *scratch, const pg_report *r, const pg_finding *f)
{
    size_t i;

    pg_report__printf(o, "[%s] ", pg_severity_name(f->severity));
    pg_report__esc_xml(o, f->message && *f->message ? f->message : f->rule, 0);
    pg_report__putc(o, '\n');
    for (i = 0; i < f->n_evidence; i++) {
        pg_report__out_reset(scratch);
        pg_report__printf(scratch, "%s: ", f->evidence[i].path);
        pg_report__evidence_values(scratch, &f->evidence[i]);
        pg_report__esc_xml(o, pg_report__out_text(scratch), 0);
        pg_report__putc(o, '\n');
    }
    if (f->cause) { /* issue 15: what forces the replacement, in every format */
        pg_report__puts(o, f->action == PG_ACTION_REPLACE ? "Why replaced: " : "Why destroyed: ");
        pg_report__esc_xml(o, f->cause, 0);
        pg_report__putc(o, '\n');
    }
    if (f->remediation && *f->remediation) {
        pg_report__puts(o, "Fix: ");
        pg_report__esc_xml(o, f->remediation, 0);
        pg_report__putc(o, '\n');
    }
    if (f->waived) {
        pg_report__puts(o, "Waived: ");
        pg_report__esc_xml(o, f->waiver_reason ? f->waiver_reason : "(no reason)", 0);
        if (f->waiver_owner) {
            pg_report__puts(o, " (owner: ");
            pg_report__esc_xml(o, f->waiver_owner, 0);
            pg_report__putc(o, ')');
        }
        pg_report__putc(o, '\n');
    } else if (!pg_report__blocks(r, f)) {
        pg_report__printf(o, "Below the fail-on threshold (%s): reported, not blocking.\n",
                          pg_severity_name(r->fail_on));
    }
    if (f->waiver_expired) {
        pg_report__puts(o, "A waiver for this finding expired on ");
        pg_report__esc_xml(o, f->waiver_expired, 0);
        pg_report__puts(o, ": it no longer applies.\n");
    }
}

static void write_group(pg_report__out *o, pg_report__out *scratch, const pg_report *r, const entry *e,
                        const group *g)
{
    const pg_finding *head = e[g->start].f, *first_fail = NULL;
    pg_severity worst = head->severity;
    size_t i;

    for (i = g->start; i < g->start + g->len; i++) {
        if (e[i].f->severity > worst)
            worst = e[i].f->severity;
        if (!first_fail && pg_report__blocks(r, e[i].f))
            first_fail = e[i].f;
    }
    pg_report__puts(o, "    <testcase classname=\"");
    pg_report__esc_xml(o, head->rule, 1);
    pg_report__puts(o, "\" name=\"");
    pg_report__esc_xml(o, case_name(head), 1);
    pg_report__puts(o, "\" time=\"0\">\n");
    if (first_fail) {
        pg_report__puts(o, "      <failure message=\"");
        pg_report__esc_xml(o, first_fail->message && *first_fail->message ? first_fail->message : head->rule, 1);
        if (g->len > 1)
            pg_report__printf(o, " (%zu findings)", g->len);
        pg_report__printf(o, "\" type=\"%s\">", pg_severity_name(worst));
    } else {
        pg_report__puts(o, "      <system-out>");
    }
    for (i = g->start; i < g->start + g->len; i++) {
        if (i > g->start)
            pg_report__putc(o, '\n');
        finding_text(o, scratch, r, e[i].f);
    }
    pg_report__puts(o, first_fail ? "</failure>\n" : "</system-out>\n");
    pg_report__puts(o, "    </testcase>\n");
}

/* MARK: the weakened gate (issue 11): one property per weakened detector
 * and per waiver from the change under review */

static void gate_properties(pg_report__out *o, pg_report__out *words, const pg_report *r)
{
    size_t i;

    for (i = 0; i < r->n_weakened; i++) {
        pg_report__out_reset(words);
        pg_report__printf(words, "%s ", r->weakened[i].detector);
        pg_report__weakened_words(words, r, &r->weakened[i]);
        pg_report__printf(words, " by %s", r->weakened[i].source ? r->weakened[i].source : "a policy file");
        pg_report__puts(o, "      <property name=\"weakened\" value=\"");
        pg_report__esc_xml(o, pg_report__out_text(words), 1);
        pg_report__puts(o, "\"/>\n");
    }
    for (i = 0; i < r->n_waivers; i++) {
        const pg_waiver_status *w = &r->waivers[i];
        if (!w->from_change)
            continue;
        pg_report__puts(o, "      <property name=\"waiver_from_change\" value=\"");
        pg_report__esc_xml(o, w->rule, 1);
        pg_report__puts(o, " on ");
        pg_report__esc_xml(o, w->address, 1);
        pg_report__printf(o, ", %s (", pg_report__waiver_state_word(w->state));
        pg_report__esc_xml(o, w->source ? w->source : "?", 1);
        pg_report__puts(o, ")\"/>\n");
    }
}

/*
 * One <testsuite> for `r` into `o` (a memory sink: the <testsuites> line
 * before it needs the counts), named `name`; its counts are added to *sum.
 */
int pg_report__junit_suite(pg_report__out *o, const pg_report *r, const pg_report_style *style, const char *name,
                           pg_report__junit_counts *sum, pg_error *err)
{
    size_t n = r->findings.count, n_groups = 0, failures = 0, tests, i;
    int errored = r->verdict == PG_VERDICT_ERROR;
    entry *e = NULL;
    group *g = NULL;
    pg_report__out scratch;
    int rc = PG_OK;

    pg_report__out_memory(&scratch, o);
    if (n > 0) {
        e = pg_calloc(n, sizeof *e);
        g = pg_calloc(n, sizeof *g);
        if (!e || !g) {
            rc = pg_error_oom(err);
            goto out;
        }
    }
    for (i = 0; i < n; i++) {
        e[i].f = r->findings.items[i];
        e[i].index = i;
    }
    if (n > 1)
        qsort(e, n, sizeof *e, cmp_entry);
    for (i = 0; i < n; i++) {
        if (i == 0 || strcmp(e[i].f->rule, e[i - 1].f->rule) != 0 ||
            strcmp(e[i].f->address, e[i - 1].f->address) != 0) {
            g[n_groups].first = e[i].index;
            g[n_groups].start = i;
            n_groups++;
        }
        g[n_groups - 1].len++;
        if (pg_report__blocks(r, e[i].f))
            g[n_groups - 1].fails = 1;
    }
    if (n_groups > 1)
        qsort(g, n_groups, sizeof *g, cmp_group);
    for (i = 0; i < n_groups; i++)
        failures += g[i].fails ? 1u : 0u;
    tests = n_groups + (errored || n_groups == 0 ? 1u : 0u);
    sum->tests += tests;
    sum->failures += failures;
    sum->errors += errored ? 1u : 0u;

    pg_report__puts(o, "  <testsuite name=\"");
    pg_report__esc_xml(o, name, 1);
    pg_report__printf(o, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%d\" skipped=\"0\" time=\"0\">\n", tests,
                      failures, errored);
    pg_report__puts(o, "    <properties>\n");
    pg_report__puts(o, "      <property name=\"plangate_version\" value=\"");
    pg_report__esc_xml(o, style->version, 1);
    pg_report__puts(o, "\"/>\n      <property name=\"plan\" value=\"");
    pg_report__esc_xml(o, r->source ? r->source : "<stdin>", 1);
    pg_report__puts(o, "\"/>\n");
    if (r->title) {
        pg_report__puts(o, "      <property name=\"title\" value=\"");
        pg_report__esc_xml(o, r->title, 1);
        pg_report__puts(o, "\"/>\n");
    }
    pg_report__printf(o, "      <property name=\"verdict\" value=\"%s\"/>\n", pg_report__verdict_name(r->verdict));
    pg_report__printf(o, "      <property name=\"fail_on\" value=\"%s\"/>\n", pg_severity_name(r->fail_on));
    if (r->audit) {
        /* --fail-on none: the failures are what the gate would block; the run does not fail on them */
        pg_report__puts(o, "      <property name=\"audit\" value=\"");
        pg_report__out_reset(&scratch);
        pg_report__audit_words(&scratch, r);
        pg_report__esc_xml(o, pg_report__out_text(&scratch), 1);
        pg_report__puts(o, "\"/>\n");
    }
    gate_properties(o, &scratch, r);
    pg_report__puts(o, "    </properties>\n");

    if (errored) {
        pg_report__puts(o, "    <testcase classname=\"plangate\" name=\"plan\" time=\"0\">\n");
        pg_report__puts(o, "      <error message=\"the plan could not be evaluated\" type=\"error\">");
        for (i = 0; i < r->n_errors; i++) {
            pg_report__esc_xml(o, r->errors[i], 0);
            pg_report__putc(o, '\n');
        }
        pg_report__puts(o, "</error>\n    </testcase>\n");
    } else if (n_groups == 0) {
        pg_report__puts(o, "    <testcase classname=\"plangate\" name=\"plan\" time=\"0\"/>\n");
    }
    for (i = 0; i < n_groups; i++)
        write_group(o, &scratch, r, e, &g[i]);
    pg_report__puts(o, "  </testsuite>\n");
out:
    pg_report__out_dispose(&scratch);
    pg_free(e);
    pg_free(g);
    return rc;
}

void pg_report__junit_head(pg_report__out *o, const char *name, const pg_report__junit_counts *sum)
{
    pg_report__puts(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"");
    pg_report__esc_xml(o, name, 1);
    pg_report__printf(o, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" time=\"0\">\n", sum->tests,
                      sum->failures, sum->errors);
}

static int write_junit(const pg_report *r, const pg_report_style *style, FILE *out, pg_error *err)
{
    pg_report__junit_counts sum = {0, 0, 0};
    pg_report__out o, suite;
    int rc;

    pg_report__out_stream(&o, out, "junit");
    /* Character data keeps newlines: a value after one must not start a
     * line with ':' (a workflow command when the XML is printed in CI). */
    pg_report__out_guard(&o, "&#58;");
    pg_report__out_memory(&suite, &o);
    pg_report__out_guard(&suite, "&#58;");
    /* --title names the suite (the one test suite is the run) */
    if ((rc = pg_report__junit_suite(&suite, r, style, r->title ? r->title : "plangate", &sum, err)) == 0) {
        pg_report__junit_head(&o, "plangate", &sum);
        pg_report__write(&o, pg_report__out_text(&suite), pg_report__out_len(&suite));
        pg_report__puts(&o, "</testsuites>\n");
        rc = pg_report__out_finish(&o, err);
    }
    pg_report__out_dispose(&suite);
    pg_report__out_dispose(&o);
    return rc;
}

const pg_report_writer pg_report__junit_writer = {"junit", write_junit};
