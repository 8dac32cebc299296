/* test_report_support.h — hand-built pg_report fixtures shared by the report
 * suites, rendering to memory, and golden-file comparison. */
#ifndef PG_TEST_REPORT_SUPPORT_H
#define PG_TEST_REPORT_SUPPORT_H

#include <stddef.h>

#include "plangate/plangate.h"

/* The fixtures (pg_report_dispose them). Each is deterministic. */
void rpt_fixture_pass(pg_report *r);   /* creates and updates; a waived and a below-threshold finding */
void rpt_fixture_fail(pg_report *r);   /* every kind of finding, list and waiver */
void rpt_fixture_error(pg_report *r);  /* "errored": true, with what was read */
void rpt_fixture_empty_error(pg_report *r); /* nothing could be read at all */
/* Hostile strings in every field a writer prints (see RPT_HOSTILE). */
void rpt_fixture_hostile(pg_report *r);
/* The same with `text` (valid UTF-8) in every field, values and errors included. */
void rpt_fixture_text(pg_report *r, const char *text);
/* `n` findings with long messages, `n` destroys (caps and limits). */
void rpt_fixture_big(pg_report *r, size_t n, size_t message_len);

/* The hostile text used in rpt_fixture_hostile: quotes, <, &, newlines, ::, %,
 * comma, |, backticks, unicode, controls, a bidi override, mentions (also
 * after '.', '-', '+'), issue references, both workflow-command syntaxes
 * (after a newline, leading spaces and a tab, a no-break space, and the
 * legacy ##[ anywhere), a soft hyphen between the two '#'. */
#define RPT_HOSTILE                                                                                  \
    "a\"b'c<d>&e\nf::error::g%0Ah,i:j|k`l``m ]]> @everyone \xe2\x80\xae" "rtl \xc3\xa9\xe2\x86\x92" \
    "\xf0\x9f\x92\xa5 \x1b[31mred\x1b[0m \x07\x01\x7f\xc2\x9b \r\n::stop-commands::x ![x](y) <script>"   \
    "\n  \t::error title=forged::PASS x##[notice]forged #123 org/repo#1 GH-9 cc.@acme/team -@octocat "   \
    "+@x \xc2\xa0::warning::nbsp #\xc2\xad#[error]shy"

/* Add a change-based item to a list / a finding to a report (asserting success).
 * `json` uses ' for " (readability). */
void rpt_list_add(pg_report_list *l, const char *json, int is_protected);
pg_finding *rpt_finding(pg_report *r, const char *rule, pg_severity sev, const char *change_json,
                        const char *message);
/* Evidence from JSON texts (NULL for "not applicable"). */
void rpt_evidence(pg_finding *f, const char *path, const char *before_json, const char *after_json);

/* Render to a malloc'd NUL-terminated buffer; asserts that pg_report_write returned 0. */
char *rpt_render(const pg_report *r, pg_report_format format, int color, int quiet, size_t *len_out);

/* Compare with testdata/reports/<name>; PG_UPDATE_GOLDEN=1 rewrites the file instead. */
void rpt_golden(const char *name, const char *actual, size_t len);

/* The first line of `out` on which GitHub's runner would run a workflow
 * command that plangate did not write (actions/runner ActionCommand.cs:
 * "::" after TrimStart, "##[" anywhere, as ICU compares: ignoring invisible
 * characters), or NULL. `github`: the github writer's own command lines are
 * allowed. */
const char *rpt_forged_command(const char *out, size_t len, int github);
/* The first raw control (but newline, and tab when `allow_tab`), hidden
 * character (but U+FFFD) or invalid byte in `out`, or NULL. */
const char *rpt_raw_unsafe(const char *out, size_t len, int allow_tab);

/* A value `depth` arrays deep (levels[0] is the outermost), and its levels,
 * so that rpt_free_nested can free it without jansson's recursive decref
 * (which a 100 000-deep value would overflow). Other references to
 * levels[0] stay valid (it is left empty). */
json_t *rpt_nested(size_t depth, json_t ***levels_out);
void rpt_free_nested(json_t **levels, size_t depth);

/* Is `s` valid UTF-8? */
int rpt_valid_utf8(const char *s, size_t n);

/* Write `data` to a new temporary file; returns its path (static buffer per call slot 0/1). */
const char *rpt_temp_file(const char *data, size_t len, const char *suffix, int slot);

#endif
