/* test_report_markdown.c — issue 15: the Markdown pull-request comment and
 * the github format, on the big, the mixed and the error cases.
 *
 * - Goldens (testdata/reports/md-*.md, *.github.txt; PG_UPDATE_GOLDEN=1).
 * - The comment rendered as GFM by cmark-gfm (Debian package cmark-gfm,
 *   scripts/deps.sh): one findings <table> with the expected header and row
 *   count, <details> blocks that open and close, under GitHub's limit. The
 *   GFM tests skip, saying so, only when cmark-gfm is absent.
 * - Hostile text per class (|, <, backticks, @mentions, <!--, links, "##[")
 *   in every field, checked in the rendered HTML.
 * - Sentences cut at word boundaries, never the message; the github
 *   annotations capped, lower severities only counted. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plangate/alloc.h"
#include "report/report_internal.h"
#include "test_report_support.h"

#define T "'type':'aws_dynamodb_table'"

static size_t count_in(const char *s, const char *needle)
{
    size_t n = 0, k = strlen(needle);
    const char *p = s;

    while ((p = strstr(p, needle)) != NULL) {
        n++;
        p += k;
    }
    return n;
}

static pg_rule_meta meta(const char *id, const char *title, pg_severity sev)
{
    pg_rule_meta m;

    memset(&m, 0, sizeof m);
    m.id = id;
    m.title = title;
    m.severity = sev;
    m.waivable = 1;
    m.source = "built-in";
    return m;
}

/* MARK: fixtures */

/* 400 deletes of workers (no finding), 3 protected tables deleted, 120
 * tables replaced because their hash key changes, 40 PROVISIONED tables
 * (below the threshold), 2 waived: the plan of the issue. */
static void md_fixture_big(pg_report *r)
{
    char change[320], msg[320];
    size_t i;

    pg_report_init(r);
    r->source = pg_strdup("stacks/prod/plan.json");
    r->plan.has_resource_changes = 1;
    r->plan.complete = 1;
    r->plan.applyable = 1;
    snprintf(r->plan.format_version, sizeof r->plan.format_version, "1.2");
    snprintf(r->plan.terraform_version, sizeof r->plan.terraform_version, "1.13.0");
    r->plan.counts[PG_ACTION_DELETE] = 403;
    r->plan.counts[PG_ACTION_REPLACE] = 120;
    r->plan.counts[PG_ACTION_CREATE] = 40;
    r->plan.counts[PG_ACTION_NOOP] = 900;
    r->fail_on = PG_SEV_HIGH;
    for (i = 0; i < 3; i++) {
        pg_finding *f;
        snprintf(change, sizeof change,
                 "{'address':'aws_dynamodb_table.ledger[%zu]'," T ",'action_reason':'delete_because_no_resource_config',"
                 "'change':{'actions':['delete']}}",
                 i);
        rpt_list_add(&r->destroys, change, 1);
        snprintf(msg, sizeof msg,
                 "aws_dynamodb_table.ledger[%zu] is protected (a DynamoDB table in production) and this plan "
                 "destroys it, because its resource block is gone from the configuration. Every item in the "
                 "table is lost.",
                 i);
        f = rpt_finding(r, "protected-destroy", PG_SEV_CRITICAL, change, msg);
        rpt_evidence(f, "tags.Environment", "'production'", NULL);
        pg_finding_set_remediation(f, "Restore the resource block, or add a `removed` block with "
                                      "`lifecycle { destroy = false }` to keep the table.");
    }
    for (i = 0; i < 120; i++) {
        pg_finding *f;
        snprintf(change, sizeof change,
                 "{'address':'aws_dynamodb_table.orders[\\\"shard-%03zu\\\"]'," T
                 ",'action_reason':'replace_because_cannot_update','change':{'actions':['delete','create']}}",
                 i);
        rpt_list_add(&r->destroys, change, 0);
        snprintf(msg, sizeof msg,
                 "aws_dynamodb_table.orders[\"shard-%03zu\"] is REPLACED because its key schema changes: "
                 "hash_key changes orderId → customerId. Every item in the table is lost.",
                 i);
        f = rpt_finding(r, "dynamodb-key-replacement", PG_SEV_CRITICAL, change, msg);
        rpt_evidence(f, "hash_key", "'orderId'", "'customerId'");
        pg_finding_set_remediation(f, "Keep the key schema, or create a new table, copy the items, then switch.");
        if (i >= 118) {
            f->waived = 1;
            f->waiver_reason = pg_strdup("OPS-77: the last two shards are empty");
        }
    }
    for (i = 0; i < 400; i++) {
        snprintf(change, sizeof change,
                 "{'address':'aws_instance.worker[%zu]','type':'aws_instance',"
                 "'action_reason':'delete_because_no_resource_config','change':{'actions':['delete']}}",
                 i);
        rpt_list_add(&r->destroys, change, 0);
    }
    for (i = 0; i < 40; i++) {
        pg_finding *f;
        snprintf(change, sizeof change,
                 "{'address':'aws_dynamodb_table.events[%zu]'," T ",'change':{'actions':['create']}}", i);
        f = rpt_finding(r, "dynamodb-provisioned-without-autoscaling", PG_SEV_MEDIUM, change,
                        "The table is PROVISIONED, and the plan holds no aws_appautoscaling_target for it.");
        rpt_evidence(f, "billing_mode", NULL, "'PROVISIONED'");
    }
    pg_findings_sort(&r->findings);
    r->rules = pg_calloc(3, sizeof *r->rules);
    cr_assert_not_null(r->rules);
    r->rules[0] = meta("protected-destroy", "Protected resource destroyed", PG_SEV_CRITICAL);
    r->rules[1] = meta("dynamodb-key-replacement", "DynamoDB table replaced because its key schema changes",
                       PG_SEV_CRITICAL);
    r->rules[2] = meta("dynamodb-provisioned-without-autoscaling", "PROVISIONED table without autoscaling",
                       PG_SEV_MEDIUM);
    r->n_rules = 3;
    r->verdict = PG_VERDICT_FAIL;
}

static pg_report_weakened mixed_weakened[2];
static pg_waiver_status *mixed_waivers;

/* Every kind at once: the fail fixture (blocking, waived, below the
 * threshold, an expired waiver, every list), a weakened gate, a waiver from
 * the change, a message with code spans and one long enough to be cut in a
 * cell, an address with a pipe and a mention. */
static void md_fixture_mixed(pg_report *r)
{
    pg_finding *f;
    size_t i;

    rpt_fixture_fail(r);
    f = rpt_finding(r, "policy-no-public-acl", PG_SEV_HIGH,
                    "{'address':'aws_s3_bucket.logs[\\\"a|b @ops\\\"]','type':'aws_s3_bucket',"
                    "'change':{'actions':['update']}}",
                    "The bucket gets `acl = \"public-read\"`: run `terraform plan -target=aws_s3_bucket.logs` to "
                    "see it, and keep buckets private. Every object in it becomes readable by anyone on the "
                    "internet, including the access logs of every service that writes there, which hold "
                    "client addresses and request paths.");
    rpt_evidence(f, "acl", "'private'", "'public-read'");
    f = rpt_finding(r, "policy-tag-owner", PG_SEV_LOW,
                    "{'address':'aws_s3_bucket.tmp','type':'aws_s3_bucket','change':{'actions':['create']}}",
                    "The bucket has no Owner tag: a rule with ``double `ticks` inside`` and a lone ` tick.");
    (void)f;
    pg_findings_sort(&r->findings);
    mixed_weakened[0] = (pg_report_weakened){"dynamodb-deletion-protection", 1, PG_SEV_INFO, PG_SEV_HIGH,
                                             "policies/relax.yaml:4"};
    mixed_weakened[1] = (pg_report_weakened){"lock-table-pitr", 0, PG_SEV_LOW, PG_SEV_HIGH, "policies/relax.yaml:9"};
    r->weakened = pg_calloc(2, sizeof *r->weakened);
    cr_assert_not_null(r->weakened);
    memcpy(r->weakened, mixed_weakened, sizeof mixed_weakened);
    r->n_weakened = 2;
    mixed_waivers = pg_calloc(r->n_waivers + 1, sizeof *mixed_waivers);
    cr_assert_not_null(mixed_waivers);
    for (i = 0; i < r->n_waivers; i++)
        mixed_waivers[i] = r->waivers[i];
    mixed_waivers[i] = (pg_waiver_status){"policy-no-public-acl", "aws_s3_bucket.other",
                                          "temporary, @security-team approved", NULL, "2026-12-01",
                                          "plangate-waivers.yaml:2", PG_WAIVER_UNUSED, 0, 1};
    pg_free(r->waivers);
    r->waivers = mixed_waivers;
    r->n_waivers++;
    {
        pg_rule_meta *rules = pg_calloc(r->n_rules + 2, sizeof *rules);
        cr_assert_not_null(rules);
        memcpy(rules, r->rules, r->n_rules * sizeof *rules);
        rules[r->n_rules] = meta("policy-no-public-acl", "S3 bucket | made public", PG_SEV_HIGH);
        rules[r->n_rules + 1] = meta("policy-tag-owner", "Bucket without an Owner tag", PG_SEV_LOW);
        pg_free(r->rules);
        r->rules = rules;
        r->n_rules += 2;
    }
}

/* MARK: goldens */

static void golden(void (*fixture)(pg_report *), const char *name, pg_report_format format)
{
    pg_report r;
    char file[128];
    size_t len, len2;
    char *out, *again;

    fixture(&r);
    out = rpt_render(&r, format, 0, 0, &len);
    again = rpt_render(&r, format, 0, 0, &len2);
    cr_assert_eq(len, len2, "%s: two renderings differ in length", name);
    cr_assert_eq(memcmp(out, again, len), 0, "%s: two renderings differ", name);
    cr_assert(rpt_valid_utf8(out, len), "%s: output is valid UTF-8", name);
    cr_assert_null(rpt_forged_command(out, len, format == PG_FORMAT_GITHUB), "%s: a forged command", name);
    cr_assert_null(rpt_raw_unsafe(out, len, 0), "%s: a raw hidden character", name);
    snprintf(file, sizeof file, "%s.%s", name, format == PG_FORMAT_GITHUB ? "github.txt" : "md");
    rpt_golden(file, out, len);
    free(out);
    free(again);
    pg_report_dispose(&r);
}

/* The hostile fixture is an ERROR report (its Markdown shows only the
 * errors): the same as FAIL, so every hostile field has a golden. */
static void md_fixture_hostile_fail(pg_report *r)
{
    rpt_fixture_hostile(r);
    r->verdict = PG_VERDICT_FAIL;
}

Test(report_md_golden, hostile_as_fail_markdown) { golden(md_fixture_hostile_fail, "md-hostile-fail", PG_FORMAT_MARKDOWN); }
Test(report_md_golden, hostile_as_fail_github) { golden(md_fixture_hostile_fail, "md-hostile-fail", PG_FORMAT_GITHUB); }
Test(report_md_golden, big_markdown) { golden(md_fixture_big, "md-big", PG_FORMAT_MARKDOWN); }
Test(report_md_golden, big_github) { golden(md_fixture_big, "md-big", PG_FORMAT_GITHUB); }
Test(report_md_golden, mixed_markdown) { golden(md_fixture_mixed, "md-mixed", PG_FORMAT_MARKDOWN); }
Test(report_md_golden, mixed_github) { golden(md_fixture_mixed, "md-mixed", PG_FORMAT_GITHUB); }
Test(report_md_golden, empty_error_markdown) { golden(rpt_fixture_empty_error, "empty-error", PG_FORMAT_MARKDOWN); }
Test(report_md_golden, empty_error_github) { golden(rpt_fixture_empty_error, "empty-error", PG_FORMAT_GITHUB); }

/* MARK: the comment as GitHub renders it (cmark-gfm) */

/* The Markdown report without its first line, the hidden marker every
 * comment starts with (many.c; checked here): what the reader sees. */
static char *md_body(const pg_report *r, size_t *len)
{
    static const char marker[] = "<!-- plangate -->\n";
    char *out = rpt_render(r, PG_FORMAT_MARKDOWN, 0, 0, len);

    cr_assert(strncmp(out, marker, sizeof marker - 1) == 0, "no marker first: %.80s", out);
    *len -= sizeof marker - 1;
    memmove(out, out + sizeof marker - 1, *len + 1);
    return out;
}

static int have_cmark(void)
{
    return system("command -v cmark-gfm >/dev/null 2>&1") == 0;
}

#define NEED_CMARK()                                                                                  \
    do {                                                                                              \
        if (!have_cmark())                                                                            \
            cr_skip_test("cmark-gfm is absent: install it (apt-get install cmark-gfm, or make deps) " \
                         "to render the Markdown report as GFM");                                     \
    } while (0)

/* The HTML cmark-gfm makes of `md` (GFM tables; raw HTML kept, as GitHub
 * keeps <details>, <summary>, <code>, <br>, <sub>). malloc'd. */
static char *render_gfm(const char *md, size_t len)
{
    const char *path = rpt_temp_file(md, len, ".md", 0);
    char cmd[512];
    FILE *p;
    char *html = NULL;
    size_t hlen = 0, cap = 0, n;
    int status;

    snprintf(cmd, sizeof cmd, "cmark-gfm --unsafe -e table '%s'", path);
    p = popen(cmd, "r");
    cr_assert_not_null(p);
    do {
        if (hlen + 4096 + 1 > cap) {
            cap = cap ? 2 * cap : 65536;
            html = realloc(html, cap);
            cr_assert_not_null(html);
        }
        n = fread(html + hlen, 1, 4096, p);
        hlen += n;
    } while (n > 0);
    html[hlen] = '\0';
    status = pclose(p);
    cr_assert_eq(status, 0, "cmark-gfm failed");
    unlink(path);
    return html;
}

/* The n-th (0-based) <table>...</table> of html, as a malloc'd string, or NULL. */
static char *nth_table(const char *html, size_t n)
{
    const char *p = html, *end;
    char *t;

    while ((p = strstr(p, "<table>")) != NULL && n > 0) {
        p += 7;
        n--;
    }
    if (!p)
        return NULL;
    end = strstr(p, "</table>");
    cr_assert_not_null(end, "a <table> without its end");
    t = strndup(p, (size_t)(end - p) + 8);
    cr_assert_not_null(t);
    return t;
}

/* Body rows of a rendered table, each with `cells` cells. */
static size_t body_rows(const char *table, size_t cells)
{
    const char *body = strstr(table, "<tbody>");
    const char *p;
    size_t rows = 0;

    if (!body)
        return 0;
    for (p = strstr(body, "<tr>"); p; p = strstr(p + 4, "<tr>")) {
        const char *end = strstr(p, "</tr>");
        size_t k = 0;
        const char *c;
        cr_assert_not_null(end);
        for (c = strstr(p, "<td"); c && c < end; c = strstr(c + 3, "<td"))
            k++;
        cr_assert_eq(k, cells, "a row of %zu cells, not %zu: %.300s", k, cells, p);
        rows++;
    }
    return rows;
}

static const char findings_head[] =
    "<thead>\n<tr>\n<th>Severity</th>\n<th>Finding</th>\n<th>Evidence</th>\n<th>Status</th>\n</tr>\n</thead>";

/* One findings table, its header as expected, every row
 * of 4 cells; <details> and </details> pair up, each with a <summary>.
 * Returns the findings table's body rows. */
static size_t check_structure(const char *md, size_t len, const char *html, size_t *details)
{
    char *t = NULL;
    size_t rows, i;

    for (i = 0; (t = nth_table(html, i)) != NULL && !strstr(t, findings_head); i++)
        free(t);
    cr_assert_not_null(t, "no findings table (with its header) in: %.400s", html);
    cr_assert_eq(count_in(html, findings_head), 1, "one findings table");
    rows = body_rows(t, 4);
    free(t);
    *details = count_in(html, "<details>");
    cr_assert_eq(*details, count_in(html, "</details>"), "every <details> ends");
    cr_assert_eq(*details, count_in(html, "<details><summary>"), "every <details> opens with its <summary>");
    cr_assert_eq(count_in(html, "<summary>"), count_in(html, "</summary>"));
    cr_assert_lt(len, 65536u, "within GitHub's comment limit");
    cr_assert_eq(count_in(md, "\n### "), 0, "one heading, at the top");
    return rows;
}

Test(report_gfm, mixed_renders_every_finding)
{
    pg_report r;
    size_t len, details;
    char *out, *html;

    NEED_CMARK();
    md_fixture_mixed(&r);
    out = md_body(&r, &len);
    html = render_gfm(out, len);
    cr_assert_eq(check_structure(out, len, html, &details), r.findings.count);
    /* a <details> per finding, and the full summary */
    cr_assert_eq(details, r.findings.count + 1);
    cr_assert(strncmp(html, "<h3>\xe2\x9d\x8c plangate: FAIL \xe2\x80\x94 do not apply</h3>", 38) == 0, "%.80s",
              html);
    /* the decisive evidence is in the table, not only in a collapsed block */
    cr_assert_not_null(strstr(html, "<td><code>hash_key</code>: <code>orderId \xe2\x86\x92 customerId</code>"));
    /* the author's code spans are code, with no backslash shown */
    cr_assert_not_null(strstr(html, "<code>acl = &quot;public-read&quot;</code>"), "%s", html);
    cr_assert_not_null(strstr(html, "<code>double `ticks` inside</code> and a lone ` tick."));
    cr_assert_null(strstr(html, "\\`"), "a backslash before a backtick is shown");
    /* the pipe in the title and the address stay in their cells */
    cr_assert_not_null(strstr(html, "<strong>S3 bucket | made public</strong>"));
    cr_assert_not_null(strstr(html, "<code>aws_s3_bucket.logs[&quot;a|b @ops&quot;]</code>"));
    /* the weakened gate and the change's waivers, visible */
    cr_assert_not_null(strstr(html, "Gate weakened by the loaded policies (2)"));
    cr_assert_not_null(strstr(html, "Waivers from the change under review (1)"));
    cr_assert_null(strstr(html, "@security-team"), "a mention survived");
    free(html);
    free(out);
    pg_report_dispose(&r);
}

Test(report_gfm, big_keeps_the_blocking_findings_and_says_what_was_cut)
{
    pg_report r;
    size_t len, details, rows;
    char *out, *html, line[160];
    pg_report__tally c;

    NEED_CMARK();
    md_fixture_big(&r);
    out = md_body(&r, &len);
    html = render_gfm(out, len);
    rows = check_structure(out, len, html, &details);
    cr_assert_eq(rows, 100, "the findings table shows 100 rows");
    /* every row shown is blocking: the 40 below the threshold and the 2
     * waived make room for them */
    cr_assert_eq(count_in(html, "<td><strong>blocking</strong></td>"), 100);
    pg_report__count(&r, &c);
    snprintf(line, sizeof line, "\xe2\x80\xa6 %zu more findings not shown here (<strong>%zu blocking</strong>, %zu below "
             "the threshold, %zu waived)", r.findings.count - rows, c.blocking - rows, c.below, c.waived);
    cr_assert_not_null(strstr(html, line), "%s", line);
    cr_assert_gt(details, 10, "the full text of the first findings");
    cr_assert_not_null(strstr(html, "more finding texts not shown here"), "the cut <details> are counted");
    /* the protected tables come first in the model, so in the table */
    cr_assert_lt(strstr(html, "ledger[2]") - html, strstr(html, "shard-000") - html);
    cr_assert_not_null(strstr(html, "Destroyed or replaced (523)"));
    cr_assert_not_null(strstr(html, "to stay within GitHub's comment size limit"));
    cr_assert_not_null(strstr(html, "The blocking ones not in the table: <code>aws_dynamodb_table.orders[&quot;"
                                    "shard-097&quot;]</code>"), "the blocking findings without a row are named");
    free(html);
    free(out);
    pg_report_dispose(&r);
}

Test(report_gfm, an_unreadable_plan_says_only_what_could_not_be_read)
{
    void (*const fixtures[])(pg_report *) = {rpt_fixture_error, rpt_fixture_empty_error};
    size_t i;

    NEED_CMARK();
    for (i = 0; i < 2; i++) {
        pg_report r;
        size_t len;
        char *out, *html;
        fixtures[i](&r);
        out = md_body(&r, &len);
        html = render_gfm(out, len);
        cr_assert(strncmp(html, "<h3>\xe2\x9a\xa0\xef\xb8\x8f plangate: plan could not be read</h3>", 44) == 0,
                  "%.80s", html);
        cr_assert_null(strstr(html, "<table>"), "no table");
        cr_assert_null(strstr(html, "<details>"), "nothing collapsed");
        cr_assert_null(strstr(html, "No findings"));
        cr_assert_null(strstr(html, "no changes"));
        cr_assert_null(strstr(html, "Nothing is destroyed"));
        cr_assert_null(strstr(html, "PASS"));
        /* the reason, in full, with its code span */
        cr_assert_eq(count_in(html, "<li>"), r.n_errors);
        if (i == 1)
            cr_assert_not_null(strstr(html, "<code>terraform show -json PLANFILE</code>"), "%s", html);
        free(html);
        free(out);
        pg_report_dispose(&r);
    }
}

/* One class of hostile text in every field; the rendered HTML holds no
 * element, link, image, comment or mention that plangate did not write, and
 * the findings table keeps its 4 cells per row. */
static const char *const hostile_classes[] = {
    "a|b||c\\|d",
    "<img src=x onerror=alert(1)><script>alert(1)</script>",
    "a`b``c```d` `",
    "@everyone @org/team cc.@octocat",
    "<!-- x --> <!-- y",
    "[link](https://evil.example) ![img](https://evil.example/x.png) <https://evil.example>",
    "x##[error]forged ::error::y",
    "line\n# heading\n- item\n| a | b |\n\n<details>",
    "**bold** _em_ ~~s~~ \\ & &amp; &#64;x",
    "</summary></details></code></td></tr></table>",
};

/* html with the content of every <code> element blanked: GitHub's mention
 * and reference filters skip code (malloc'd). */
static char *without_code(const char *html)
{
    char *s = strdup(html), *p = s;

    cr_assert_not_null(s);
    while ((p = strstr(p, "<code>")) != NULL) {
        char *end = strstr(p, "</code>");
        cr_assert_not_null(end);
        memset(p + 6, ' ', (size_t)(end - p) - 6);
        p = end + 7;
    }
    return s;
}

static void check_hostile_html(const char *html, const char *cls)
{
    const char *p;
    char *text = without_code(html);

    cr_assert_null(strstr(html, "<script"), "%s: a script element", cls);
    cr_assert_null(strstr(html, "<img"), "%s: an image", cls);
    cr_assert_null(strstr(html, "<a "), "%s: a link", cls);
    cr_assert_null(strstr(html, "<h1"), "%s: a heading", cls);
    cr_assert_null(strstr(html, "<em>"), "%s: emphasis", cls);
    cr_assert_null(strstr(html, "<strong>bold"), "%s: emphasis", cls);
    cr_assert_null(strstr(html, "<del>"), "%s: strike-through", cls);
    cr_assert_null(strstr(html, "<!--"), "%s: an HTML comment", cls);
    cr_assert_null(strstr(text, "@everyone"), "%s: a mention", cls);
    cr_assert_null(strstr(text, "@org/team"), "%s: a team mention", cls);
    cr_assert_null(strstr(text, "@octocat"), "%s: a mention after a dot", cls);
    free(text);
    /* "##[" may be in the HTML (\#\#\[ renders as it): the runner reads
     * the Markdown source, checked by rpt_forged_command */
    for (p = strstr(html, "<details>"); p; p = strstr(p + 1, "<details>"))
        cr_assert(strncmp(p, "<details><summary>", 18) == 0, "%s: a <details> of the input", cls);
}

Test(report_gfm, hostile_text_per_class)
{
    size_t c;

    NEED_CMARK();
    for (c = 0; c < sizeof hostile_classes / sizeof hostile_classes[0]; c++) {
        int v;
        for (v = 0; v < 2; v++) {
            pg_report r;
            size_t len, details;
            char *out, *html;
            rpt_fixture_text(&r, hostile_classes[c]);
            /* the fixture is an ERROR report: as FAIL every field is shown */
            if (v == 0)
                r.verdict = PG_VERDICT_FAIL;
            out = md_body(&r, &len);
            cr_assert_null(rpt_forged_command(out, len, 0), "%s: a forged command", hostile_classes[c]);
            html = render_gfm(out, len);
            check_hostile_html(html, hostile_classes[c]);
            if (v == 0) {
                cr_assert_eq(check_structure(out, len, html, &details), r.findings.count, "%s",
                             hostile_classes[c]);
                cr_assert_eq(details, r.findings.count + 1, "%s", hostile_classes[c]);
            } else {
                cr_assert_null(strstr(html, "<table>"), "%s", hostile_classes[c]);
            }
            free(html);
            free(out);
            pg_report_dispose(&r);
        }
    }
}

/* MARK: cutting */

Test(report_md_cut, sentences_are_cut_at_a_word_boundary)
{
    pg_report__out o;

    pg_report__out_memory(&o, NULL);
    pg_report__esc_md(&o, "Every item in the table is lost", 12, 0);
    cr_assert_str_eq(pg_report__out_text(&o), "Every item…", "not \"Every item i…\"");
    pg_report__out_reset(&o);
    pg_report__esc_md(&o, "Every item in", 13, 0);
    cr_assert_str_eq(pg_report__out_text(&o), "Every item in", "nothing cut when it fits");
    pg_report__out_reset(&o);
    pg_report__esc_md(&o, "Every item in the table", 14, 0);
    cr_assert_str_eq(pg_report__out_text(&o), "Every item in…", "a blank next: already a boundary");
    pg_report__out_reset(&o);
    pg_report__esc_md(&o, "a supercalifragilistic", 10, 0);
    cr_assert_str_eq(pg_report__out_text(&o), "a supercal…", "no boundary in the second half: a character");
    pg_report__out_reset(&o);
    pg_report__esc_md_rich(&o, "run `terraform plan -out=x` then go", 30, 0, 1);
    cr_assert_str_eq(pg_report__out_text(&o), "run `terraform plan -out=x`…", "the code span kept whole");
    pg_report__out_dispose(&o);
}

Test(report_md_cut, the_message_is_never_cut)
{
    pg_report r;
    char *out, *msg;
    size_t i, len;

    rpt_fixture_fail(&r);
    msg = malloc(6001);
    cr_assert_not_null(msg);
    for (i = 0; i < 6000; i++)
        msg[i] = "word "[i % 5];
    memcpy(msg + 5990, "LAST WORDS", 10);
    msg[6000] = '\0';
    cr_assert_eq(pg_finding_set_message(r.findings.items[0], "%s", msg), 0);
    out = md_body(&r, &len);
    cr_assert_not_null(strstr(out, "LAST WORDS"), "the <details> holds the whole message");
    cr_assert_null(strstr(out, "wor…"), "a cell is cut at a word");
    free(out);
    free(msg);
    pg_report_dispose(&r);
}

/* MARK: github */

Test(report_md_github, at_most_ten_annotations_then_one_notice)
{
    pg_report r;
    size_t len;
    char *out;

    md_fixture_big(&r);
    out = rpt_render(&r, PG_FORMAT_GITHUB, 0, 0, &len);
    cr_assert_eq(count_in(out, "\n::error title="), 10);
    cr_assert_eq(count_in(out, "\n::warning title="), 0, "below the threshold: in the job summary only");
    cr_assert_eq(count_in(out, "\n::notice title="), 1);
    /* 121 blocking (3 protected + 118 replaced), 40 below, 2 waived */
    cr_assert_not_null(strstr(out, "\n::notice title=plangate%3A 153 more findings::\xe2\x80\xa6 and 153 more, see the "
                                   "job summary (111 blocking, 40 below the threshold, 2 waived)\n"),
                       "%s", out);
    /* the protected tables first (the model's order) */
    cr_assert_not_null(strstr(out, "::endgroup::\n::error title=protected-destroy%3A aws_dynamodb_table.ledger[0]::"));
    cr_assert_not_null(strstr(out, "and 423 more, see the job summary\n::endgroup::"));
    cr_assert_lt(len, 40000u, "a bounded log: %zu bytes", len);
    cr_assert_null(rpt_forged_command(out, len, 1));
    free(out);
    pg_report_dispose(&r);
}

Test(report_md_github, a_pass_with_lower_findings_annotates_nothing)
{
    pg_report r;
    char *out;

    rpt_fixture_pass(&r);
    out = rpt_render(&r, PG_FORMAT_GITHUB, 0, 0, NULL);
    cr_assert_eq(count_in(out, "::error "), 0);
    cr_assert_eq(count_in(out, "::warning "), 0);
    cr_assert_not_null(strstr(out, "::notice title=plangate%3A 2 more findings::\xe2\x80\xa6 and 2 more, see the job "
                                   "summary (1 below the threshold, 1 waived)\n"));
    free(out);
    pg_report_dispose(&r);
}

/* A message or a fix that starts like a list item or a rule reads as text
 * in its <details>, where it starts a line. */
Test(report_gfm, block_syntax_at_the_start_of_a_message_stays_text)
{
    static const char *const starts[][2] = {
        {"- not a list item", "<p>- not a list item</p>"},
        {"+ not one either", "<p>+ not one either</p>"},
        {"--- not a rule", "<p>--- not a rule</p>"},
        {"    not code", "<p>\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0not code</p>"},
        {"# not a heading", "<p># not a heading</p>"},
        {"> not a quote", "<p>&gt; not a quote</p>"},
    };
    size_t i;

    NEED_CMARK();
    for (i = 0; i < sizeof starts / sizeof starts[0]; i++) {
        pg_report r;
        size_t len;
        char *out, *html;
        rpt_fixture_pass(&r);
        cr_assert_eq(pg_finding_set_message(r.findings.items[0], "%s", starts[i][0]), 0);
        out = md_body(&r, &len);
        html = render_gfm(out, len);
        cr_assert_not_null(strstr(html, starts[i][1]), "%s: %s", starts[i][0], html);
        free(html);
        free(out);
        pg_report_dispose(&r);
    }
}
