/* test_report_commands.c — issue 11, by class: no line of any format carries
 * a workflow command plangate did not choose, and no raw control, bidi or
 * invisible character, whatever a plan or policy string holds and wherever
 * it lands (every field of the model, the start of a field, after a
 * newline, after leading blanks, at the start of a line the text format
 * wrapped at 80 columns). The runner's rules are emulated in
 * rpt_forged_command (test_report_support.c). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_report_support.h"
#include "support.h"

static const pg_report_format formats[] = {PG_FORMAT_TEXT,  PG_FORMAT_JSON,   PG_FORMAT_SARIF,
                                           PG_FORMAT_JUNIT, PG_FORMAT_GITHUB, PG_FORMAT_MARKDOWN};
#define N_FORMATS (sizeof formats / sizeof formats[0])

/* One string per class, each also at the very start of a field. */
static const char *const classes[] = {
    "\x07\x08\x0b\x0c\x7f controls",
    "line\n::error title=plangate::PASS",
    "cr\r::error::forged",
    "\x1b]0;title\x07 osc \x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
    "\x1b[2J\x1b[31mcsi\xc2\x9b" "31m",
    "bidi \xe2\x80\xae" "cba\xe2\x80\xac \xe2\x81\xa6x\xe2\x81\xa9",
    "zero\xe2\x80\x8bwidth\xe2\x80\x8d\xef\xbb\xbf",
    "::error title=plangate::PASS",
    "::stop-commands::tok",
    "::STOP-COMMANDS::tok",
    "##[error]forged",
    "x##[stop-commands]tok",
    "#\xc2\xad#[notice]soft hyphen",
    "#\xe2\x80\x8b#[notice]zero width",
    "   \t::warning::leading blanks",
    "\n\t  ::notice::after a newline",
    "\xc2\xa0::error::nbsp \xe3\x80\x80::error::ideographic",
    "ls\xe2\x80\xa8::error::line separator\xe2\x80\xa9::error::paragraph",
    "\xc2\x85::error::nel",
};

static void check_report_once(const pg_report *r, const char *what);

/* As it is, and when its verdict is not ERROR too: an unreadable plan's
 * Markdown shows only what could not be read, and every field must still
 * be checked there. A shallow copy, only read. */
static void check_report(const pg_report *r, const char *what)
{
    check_report_once(r, what);
    if (r->verdict == PG_VERDICT_ERROR) {
        pg_report as_fail = *r;
        as_fail.verdict = PG_VERDICT_FAIL;
        check_report_once(&as_fail, what);
    }
}

static void check_report_once(const pg_report *r, const char *what)
{
    size_t i;

    for (i = 0; i < N_FORMATS; i++) {
        int color;
        for (color = 0; color <= 1; color++) {
            size_t len;
            char *out = rpt_render(r, formats[i], color, 0, &len);
            const char *bad = rpt_forged_command(out, len, formats[i] == PG_FORMAT_GITHUB);
            const char *raw;
            cr_assert_null(bad, "%s (%s): a runnable workflow command: %s", pg_report_format_name(formats[i]),
                           what, bad);
            /* text in colour writes its own ESC sequences; otherwise nothing raw */
            if (!(formats[i] == PG_FORMAT_TEXT && color)) {
                raw = rpt_raw_unsafe(out, len, formats[i] == PG_FORMAT_JUNIT);
                cr_assert_null(raw, "%s (%s): raw byte 0x%02x at %td", pg_report_format_name(formats[i]), what,
                               raw ? (unsigned char)*raw : 0u, raw ? raw - out : 0);
            }
            free(out);
        }
    }
}

Test(report_commands, every_class_in_every_field_of_every_format)
{
    size_t c;

    for (c = 0; c < sizeof classes / sizeof classes[0]; c++) {
        pg_report r;
        rpt_fixture_text(&r, classes[c]);
        check_report(&r, classes[c]);
        pg_report_dispose(&r);
    }
}

/* The trust-model lines (issue 11: the detectors the policies weaken, the
 * waivers from the change) hold policy text too: a policy file's name in
 * every source, the change's rule, address and reason. Every class there,
 * in every format, and each format shows the lines (not vacuous). */
Test(report_commands, every_class_in_the_weakened_gate_lines)
{
    static const struct {
        pg_report_format f;
        const char *weak, *change;
    } shows[] = {
        {PG_FORMAT_TEXT, "Gate weakened by the loaded policies (2)", "Waivers from the change under review (1)"},
        {PG_FORMAT_JSON, "\"weakened\": [\n    {", "\"origin\": \"change\""},
        {PG_FORMAT_SARIF, "\"weakened_detectors\": [", "a waiver from the change under review"},
        {PG_FORMAT_JUNIT, "<property name=\"weakened\"", "<property name=\"waiver_from_change\""},
        {PG_FORMAT_GITHUB, "::warning title=plangate%3A gate weakened", "::notice title=plangate%3A a waiver from"},
        {PG_FORMAT_MARKDOWN, "**Gate weakened by the loaded policies (2)**",
         "**Waivers from the change under review (1)**"},
    };
    static char det_s[1024], src_s[1024];
    size_t c, i;

    for (c = 0; c < sizeof classes / sizeof classes[0]; c++) {
        pg_report r;
        rpt_fixture_text(&r, classes[c]);
        r.waivers[0].from_change = 1;
        snprintf(det_s, sizeof det_s, "det %s", classes[c]);
        snprintf(src_s, sizeof src_s, "%s.yaml:3", classes[c]);
        r.weakened = pg_calloc(2, sizeof *r.weakened);
        cr_assert_not_null(r.weakened);
        r.weakened[0] = (pg_report_weakened){det_s, 1, PG_SEV_INFO, PG_SEV_CRITICAL, src_s};
        r.weakened[1] = (pg_report_weakened){det_s, 0, PG_SEV_LOW, PG_SEV_HIGH, src_s};
        r.n_weakened = 2;
        check_report(&r, classes[c]);
        for (i = 0; i < sizeof shows / sizeof shows[0]; i++) {
            size_t len;
            char *out = rpt_render(&r, shows[i].f, 0, 0, &len);
            cr_assert_not_null(strstr(out, shows[i].weak), "%s lacks %s", pg_report_format_name(shows[i].f),
                               shows[i].weak);
            cr_assert_not_null(strstr(out, shows[i].change), "%s lacks %s", pg_report_format_name(shows[i].f),
                               shows[i].change);
            free(out);
        }
        pg_report_dispose(&r);
    }
}

/* The checker sees what it is meant to see (not vacuous). */
Test(report_commands, the_runner_emulation_catches_forgeries)
{
    static const char *const forged[] = {
        "::error::x", "  \t::warning::x", "ok\n::notice::x", "ok\r::x::y", "a ##[error]b", "#\xc2\xad#[x]",
        "\xc2\xa0::error::x", "\xe2\x80\xa8::x::y"};
    static const char *const fine[] = {"a ::error::x", "#[x] ## [", "\\u003A:error::x", "&#58;:x", "plangate: ok"};
    size_t i;

    for (i = 0; i < sizeof forged / sizeof forged[0]; i++)
        cr_assert_not_null(rpt_forged_command(forged[i], strlen(forged[i]), 0), "%s", forged[i]);
    for (i = 0; i < sizeof fine / sizeof fine[0]; i++)
        cr_assert_null(rpt_forged_command(fine[i], strlen(fine[i]), 0), "%s", fine[i]);
    cr_assert_null(rpt_forged_command("::error title=x::y", 18, 1), "the github writer's own line");
    cr_assert_not_null(rpt_forged_command("::set-output name=x::y", 22, 1));
    cr_assert_not_null(rpt_raw_unsafe("a\x1b", 2, 0));
    cr_assert_not_null(rpt_raw_unsafe("a\xe2\x80\xae", 4, 0));
    cr_assert_null(rpt_raw_unsafe("a\xef\xbf\xbd\n", 5, 0));
}

/* The text format wraps prose at 80 columns: whichever word lands at the
 * start of a continuation line, a ':' there is escaped. */
Test(report_commands, wrapping_never_starts_a_line_with_input)
{
    size_t pad, escaped = 0;

    for (pad = 1; pad <= 90; pad++) {
        pg_report r;
        pg_finding *f;
        char message[256];
        size_t len, i;
        char *out;

        rpt_fixture_pass(&r);
        f = r.findings.items[0];
        for (i = 0; i < pad; i++)
            message[i] = 'w';
        snprintf(message + pad, sizeof message - pad, " ::error title=plangate::PASS and ##[notice]x");
        cr_assert_eq(pg_finding_set_message(f, "%s", message), 0);
        cr_assert_eq(pg_finding_set_remediation(f, "%s", message), 0);
        check_report(&r, message);
        out = rpt_render(&r, PG_FORMAT_TEXT, 0, 0, &len);
        if (strstr(out, "\n    \\u003A:error title=plangate::PASS"))
            escaped++;
        free(out);
        pg_report_dispose(&r);
    }
    cr_assert_gt(escaped, 0, "some width put the command at the start of a wrapped line");
}

/* A value with a NUL reaches every format quoted, never cut at the NUL. */
Test(report_commands, a_nul_in_a_value_is_shown)
{
    pg_report r;
    size_t i;

    rpt_fixture_text(&r, "dev");
    r.verdict = PG_VERDICT_FAIL; /* ERROR's Markdown shows only the errors */
    for (i = 0; i < N_FORMATS; i++) {
        size_t len;
        char *out = rpt_render(&r, formats[i], 0, 0, &len);
        cr_assert_null(memchr(out, '\0', len), "%s: a raw NUL", pg_report_format_name(formats[i]));
        cr_assert_not_null(strstr(out, "dev\\u0000dev"), "%s shows the NUL", pg_report_format_name(formats[i]));
        free(out);
    }
    pg_report_dispose(&r);
}

/* The plan's file name and the reader's error lines (which quote it) reach
 * every format escaped, end to end through pg_check_run: for a plan that
 * cannot be read (exit 3) and for one that passes. */
Test(report_commands, a_hostile_plan_file_name_in_errors_and_headers)
{
    static const char *const contents[] = {
        "{\"format_version\":\"1.2\",\"resource_changes\":[{\"address\":",
        "{\"format_version\":\"1.2\",\"terraform_version\":\"1.9.5\",\"planned_values\":{},\"resource_changes\":"
        "[{\"address\":\"aws_dynamodb_table.t\",\"mode\":\"managed\",\"type\":\"aws_dynamodb_table\",\"name\":\"t\","
        "\"change\":{\"actions\":[\"delete\"],\"before\":{\"name\":\"t\",\"hash_key\":\"id\","
        "\"tags\":{\"Environment\":\"production\"}},\"after\":null}}]}"};
    char dir[] = "/tmp/plangate-name-XXXXXX", path[512];
    pg_policy *policy = pg_test_policy_new();
    size_t i;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/x\n::error title=forged::PASS\x1b]0;t\x07\xe2\x80\xae##[stop-commands]tok\r.json",
             dir);
    cr_assert_not_null(policy);
    for (i = 0; i < sizeof contents / sizeof contents[0]; i++) {
        FILE *f = fopen(path, "wb");
        pg_check_options opts;
        pg_report r;
        pg_error err;
        int rc;

        cr_assert_not_null(f);
        cr_assert_eq(fputs(contents[i], f) >= 0, 1);
        cr_assert_eq(fclose(f), 0);
        memset(&opts, 0, sizeof opts);
        opts.plan_path = path;
        opts.policy = policy;
        opts.fail_on = PG_SEV_HIGH;
        opts.today = "2025-01-01";
        rc = pg_check_run(&opts, &r, &err);
        cr_assert_eq(rc != 0, i == 0, "the truncated plan is an error, the other one is read (rc %d: %s)", rc,
                     err.message);
        if (i == 0)
            cr_assert_gt(r.n_errors, 0);
        check_report(&r, "a hostile file name");
        pg_report_dispose(&r);
    }
    unlink(path);
    rmdir(dir);
    pg_policy_free(policy);
}
