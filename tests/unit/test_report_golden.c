/* test_report_golden.c — every format of every fixture against its golden
 * file in testdata/reports/ (PG_UPDATE_GOLDEN=1 rewrites them), and
 * byte-identical output on a second rendering. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "test_report_support.h"

static const char *ext(pg_report_format f)
{
    switch (f) {
    case PG_FORMAT_TEXT: return "txt";
    case PG_FORMAT_JSON: return "json";
    case PG_FORMAT_SARIF: return "sarif";
    case PG_FORMAT_JUNIT: return "junit.xml";
    case PG_FORMAT_GITHUB: return "github.txt";
    case PG_FORMAT_MARKDOWN: return "md";
    default: break;
    }
    return "?";
}

static void golden(void (*fixture)(pg_report *), const char *name, pg_report_format format, int color,
                   int quiet)
{
    pg_report r;
    char file[128];
    size_t len, len2;
    char *out, *again;

    fixture(&r);
    out = rpt_render(&r, format, color, quiet, &len);
    again = rpt_render(&r, format, color, quiet, &len2);
    cr_assert_eq(len, len2, "%s: two renderings differ in length", name);
    cr_assert_eq(memcmp(out, again, len), 0, "%s: two renderings differ", name);
    cr_assert(len > 0 && out[len - 1] == '\n', "%s: output ends with a newline", name);
    cr_assert(rpt_valid_utf8(out, len), "%s: output is valid UTF-8", name);
    snprintf(file, sizeof file, "%s%s%s.%s", name, color ? ".color" : "", quiet ? ".quiet" : "", ext(format));
    rpt_golden(file, out, len);
    free(out);
    free(again);
    pg_report_dispose(&r);
}

#define GOLDEN_ALL(fx, name)                                                                         \
    Test(report_golden, name##_text) { golden(fx, #name, PG_FORMAT_TEXT, 0, 0); }                    \
    Test(report_golden, name##_json) { golden(fx, #name, PG_FORMAT_JSON, 0, 0); }                    \
    Test(report_golden, name##_sarif) { golden(fx, #name, PG_FORMAT_SARIF, 0, 0); }                  \
    Test(report_golden, name##_junit) { golden(fx, #name, PG_FORMAT_JUNIT, 0, 0); }                  \
    Test(report_golden, name##_github) { golden(fx, #name, PG_FORMAT_GITHUB, 0, 0); }                \
    Test(report_golden, name##_markdown) { golden(fx, #name, PG_FORMAT_MARKDOWN, 0, 0); }

GOLDEN_ALL(rpt_fixture_pass, pass)
GOLDEN_ALL(rpt_fixture_fail, fail)
GOLDEN_ALL(rpt_fixture_error, error)
GOLDEN_ALL(rpt_fixture_hostile, hostile)

Test(report_golden, fail_text_color) { golden(rpt_fixture_fail, "fail", PG_FORMAT_TEXT, 1, 0); }
Test(report_golden, fail_text_quiet) { golden(rpt_fixture_fail, "fail", PG_FORMAT_TEXT, 0, 1); }
Test(report_golden, pass_text_quiet) { golden(rpt_fixture_pass, "pass", PG_FORMAT_TEXT, 0, 1); }
Test(report_golden, empty_error_text) { golden(rpt_fixture_empty_error, "empty-error", PG_FORMAT_TEXT, 0, 0); }
Test(report_golden, empty_error_json) { golden(rpt_fixture_empty_error, "empty-error", PG_FORMAT_JSON, 0, 0); }
Test(report_golden, empty_error_junit) { golden(rpt_fixture_empty_error, "empty-error", PG_FORMAT_JUNIT, 0, 0); }
