/*
 * report_internal.h — what the report writers share (src/report/ only).
 *
 * Every format is one file behind the pg_report_writer vtable (report.h);
 * report.c holds the table. Writers print through a pg_report__out sink
 * (out.c), which writes to a stream or to a growable memory buffer
 * (markdown renders a row before deciding whether it still fits GitHub's
 * comment limit) and keeps the first failure as a pg_error. A model string
 * reaches the output only through its format's escaper (esc.c, the tables
 * of util/esc.c's one loop) or, in json and sarif, through the streaming
 * JSON writer (jw.c), which escapes the same way.
 */
#ifndef PG_REPORT_INTERNAL_H
#define PG_REPORT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "plangate/report.h"
#include "util/buf.h"
#include "util/esc.h"

/* MARK: writers (one per format, each in its own file) */

extern const pg_report_writer pg_report__text_writer;
extern const pg_report_writer pg_report__json_writer;
extern const pg_report_writer pg_report__sarif_writer;
extern const pg_report_writer pg_report__junit_writer;
extern const pg_report_writer pg_report__github_writer;
extern const pg_report_writer pg_report__markdown_writer;

/* MARK: output sink (out.c) */

typedef struct pg_report__out {
    FILE *f;           /**< stream target, or NULL for memory */
    pg_buf buf;        /**< memory target */
    const char *name;  /**< the format, for the error message */
    const char *colon; /**< line guard: how a ':' that would start a line is written (NULL: off) */
    int line_start;    /**< only blanks written since the last newline */
    pg_error own;      /**< the record of a sink without a parent */
    pg_error *err;     /**< where failures go: &own, or the parent's record */
} pg_report__out;

/** A sink writing to `f` (borrowed) for the format `name`. */
void pg_report__out_stream(pg_report__out *o, FILE *f, const char *name);
/** A sink collecting into memory; its failures go to `parent`'s record
 * (NULL: its own). pg_report__out_dispose() it. */
void pg_report__out_memory(pg_report__out *o, pg_report__out *parent);
/**
 * Turn on the line guard: GitHub's runner runs "::command" at the start of
 * a line, after leading blanks, so a format whose lines never start with
 * "::" on purpose writes a ':' that would start a line as `colon` (its own
 * escape of ':'), whatever put it there (a wrapped word, a value after a
 * newline). Call before writing.
 */
void pg_report__out_guard(pg_report__out *o, const char *colon);
void pg_report__out_dispose(pg_report__out *o);
/** Forget what a memory sink holds (keeps its buffer). */
void pg_report__out_reset(pg_report__out *o);
/** What a memory sink holds ("" when empty), and its length. */
const char *pg_report__out_text(const pg_report__out *o);
size_t pg_report__out_len(const pg_report__out *o);
/** Has anything failed yet (in this sink's record)? */
int pg_report__out_failed(const pg_report__out *o);
/** Record a failure (the first one is kept); returns its code. */
int pg_report__out_fail(pg_report__out *o, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/** The first failure into `err` (0 and nothing copied when none): what a writer returns. */
int pg_report__out_finish(const pg_report__out *o, pg_error *err);

void pg_report__write(pg_report__out *o, const char *s, size_t n);
void pg_report__puts(pg_report__out *o, const char *s);
void pg_report__putc(pg_report__out *o, char c);
/** Repeat `c` n times (padding). */
void pg_report__pad(pg_report__out *o, char c, size_t n);
void pg_report__printf(pg_report__out *o, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/** The util/esc sink that writes pieces to the pg_report__out `ctx`. */
size_t pg_report__out_piece(void *ctx, const char *piece, size_t n, size_t rest, int plain);
/** s[0..len) through the escaping loop with table `t` (NULL s: nothing). */
void pg_report__escn(pg_report__out *o, const pg_esc_table *t, const char *s, size_t len);
void pg_report__esc(pg_report__out *o, const pg_esc_table *t, const char *s);

/* MARK: escapers (esc.c) — one table per output language */

/**
 * Terminal text, exactly as stderr shows it (util/quote's bare table): a
 * control, a hidden character or an invalid byte is a visible \uXXXX (\n,
 * \r, \t), the '#' of "##[" is \u0023. With `keep_newlines` (prose that
 * the text format wraps) a newline stays a line break. The text writer's
 * sink also guards line starts (':' as \u003A).
 */
void pg_report__esc_text(pg_report__out *o, const char *s, int keep_newlines);

/** XML 1.0 character data (`attr` = 0) or a double-quoted attribute value
 * (`attr` = 1): & < > (and " ' in attributes) as entities, CR always and
 * newline/tab in attributes as character references, hidden characters as
 * character references (&#xFFFD; for what XML forbids), the '#' of "##[" as
 * &#35;. */
void pg_report__esc_xml(pg_report__out *o, const char *s, int attr);

/** GitHub workflow-command data (% CR LF as the runner's %XX) or property
 * value (also : and ,); a tab is a space, the '#' of "##[" is \u0023, and
 * controls and hidden characters become U+FFFD (the runner undoes nothing
 * else). */
void pg_report__esc_github(pg_report__out *o, const char *s, int property);

/**
 * Markdown prose inside a table cell or paragraph: backslash-escapes the
 * characters Markdown gives meaning to (| ` * _ [ ] ~ \ #), writes < > & as
 * entities, defuses every @ that GitHub would read as a mention (its
 * pattern: an @ at the start or after a character other than [A-Za-z0-9_])
 * and every issue reference (#123, org/repo#1, GH-123) with a zero-width
 * space, turns newlines into " " (cell) or "<br>" (`br`, where leading
 * spaces of a line become &nbsp;), shows controls and hidden characters as
 * U+FFFD. Stops after `max` source code points with "…" (0 = no cap).
 */
void pg_report__esc_md(pg_report__out *o, const char *s, size_t max, int br);
/**
 * Markdown prose in which the author's code spans stay code spans: a run of
 * backticks up to the next run of the same length (CommonMark's rule) is
 * written as a code span with its own fence (longer than any run inside,
 * so text holding backticks never turns into literal backslashes); the rest
 * as pg_report__esc_md. Cut at a word boundary after `max` code points with
 * "…" (0 = no cap). `in_table`: escape '|' inside the spans too.
 */
void pg_report__esc_md_rich(pg_report__out *o, const char *s, size_t max, int br, int in_table);
/** `s` as a fenced code block (its lines kept, a fence longer than any
 * backtick run inside, hidden characters as U+FFFD), ending in a newline;
 * 0 and nothing written when it cannot be one (empty, or holding "##[",
 * which a code block would show raw to the runner). */
int pg_report__esc_md_block(pg_report__out *o, const char *s);
/** Text inside raw HTML (a <summary>): & < > " as entities, mentions and
 * issue references defused like esc_md, '#' as &#35;, newlines as spaces,
 * hidden characters as U+FFFD; cut at a word boundary after `max` code
 * points. No Markdown is read there, so nothing is backslash-escaped. */
void pg_report__esc_html(pg_report__out *o, const char *s, size_t max);
/** A Markdown code span holding `s` literally (fence longer than any
 * backtick run inside, newlines as spaces, | escaped when `in_table`: GFM
 * splits cells before it sees code spans), capped like esc_md. A code span
 * cannot escape, so text holding "##[" is written as <code> with escaped
 * prose inside, which reads the same. */
void pg_report__esc_md_code(pg_report__out *o, const char *s, size_t max, int in_table);

/* MARK: streaming JSON (jw.c) */

/*
 * A JSON document written as it goes, in exactly jansson's
 * JSON_INDENT(2) | JSON_PRESERVE_ORDER layout (the layout of schema v1):
 * the json and sarif writers hold no tree of the report, so 100 000
 * findings never exist twice. Strings are escaped with util/quote's table
 * (the same JSON a message quotes), values from the plan are written by
 * finding/value.h's walker, without recursion.
 */
#define PG_REPORT_JW_MAX_DEPTH 16u

typedef struct pg_report__jw {
    pg_report__out *o;
    size_t depth;                                 /**< containers open */
    unsigned char empty[PG_REPORT_JW_MAX_DEPTH];  /**< nothing written yet in the container at this depth */
} pg_report__jw;

void pg_report__jw_init(pg_report__jw *w, pg_report__out *o);
/** Start a member: `key` is the writer's own ASCII literal (written as is). */
void pg_report__jw_key(pg_report__jw *w, const char *key);
/** Start an array element. */
void pg_report__jw_elem(pg_report__jw *w);
/** Open '{' or '[' after a key or element start (or at the top). */
void pg_report__jw_open(pg_report__jw *w, char bracket);
/** Close the innermost container with '}' or ']'. */
void pg_report__jw_close(pg_report__jw *w, char bracket);
/** Values, after a key or element start: a model string (NULL: null), an
 * integer, a boolean, a tri-state (negative: null), null, a plan value
 * (NULL: null). */
void pg_report__jw_str(pg_report__jw *w, const char *s);
void pg_report__jw_int(pg_report__jw *w, long long v);
void pg_report__jw_bool(pg_report__jw *w, int v);
void pg_report__jw_tristate(pg_report__jw *w, int v);
void pg_report__jw_null(pg_report__jw *w);
void pg_report__jw_value(pg_report__jw *w, const json_t *v);
/** Whole members: the key, then the value. */
void pg_report__jw_mstr(pg_report__jw *w, const char *key, const char *s);
void pg_report__jw_mint(pg_report__jw *w, const char *key, long long v);
void pg_report__jw_mbool(pg_report__jw *w, const char *key, int v);
void pg_report__jw_mvalue(pg_report__jw *w, const char *key, const json_t *v);
/** The member "evidence": [{path, before, after}...] of a finding (json and sarif). */
void pg_report__jw_evidence(pg_report__jw *w, const pg_finding *f);

/* MARK: shared wording */

const char *pg_report__verdict_name(pg_verdict v);   /* "pass", "fail", "error" */
/** "delete-before-create", "create-before-destroy", or NULL. */
const char *pg_report__replace_order_name(pg_replace_order o);
/** The plain words of an action_reason, or the value verbatim when unknown; NULL for NULL. */
const char *pg_report__reason_text(const char *reason);
/** Was the whole plan read and complete (not errored, not partial, nothing deferred)? */
int pg_report__plan_is_whole(const pg_report *r);
/** What to say when the plan destroys nothing: only a whole plan can promise
 * that (an errored or incomplete one says so instead). */
const char *pg_report__nothing_destroyed(const pg_report *r);
/** Is this deposed object also in r->destroys (so it is listed once)? */
int pg_report__deposed_is_destroyed(const pg_report *r, const pg_report_item *it);
/** Does `f` block the plan (unwaived and at or above fail_on)? */
int pg_report__blocks(const pg_report *r, const pg_finding *f);

/** The largest evidence value the text-like formats show, in bytes. */
#define PG_REPORT_VALUE_MAX 200u

/** An evidence value as the text-like formats show it: pg_value_text
 * (finding.h, the one convention) cut at PG_REPORT_VALUE_MAX bytes. */
typedef struct pg_report__value {
    char text[PG_REPORT_VALUE_MAX + 1];
} pg_report__value;
const char *pg_report__value_text(pg_report__value *buf, const json_t *v);

/** "before → after", or the one side there is, or "(none)": an evidence
 * line's value part, as every text-like format writes it. */
void pg_report__evidence_values(pg_report__out *o, const pg_evidence *e);

/* MARK: the run: title, audit mode, many plans (many.c) */

/** "AUDIT: would fail: 2 blocking findings at or above high; …" (no
 * newline): what an audit-mode report (--fail-on none) says about `r`,
 * fixed words and counts only. */
void pg_report__audit_words(pg_report__out *o, const pg_report *r);
/** The hidden Markdown comment a workflow finds its own PR comment by:
 * "<!-- plangate: TITLE -->" (no title: "<!-- plangate -->") and a newline.
 * The title cannot end the comment or inject markup: controls and
 * newlines become spaces, & < > # entities, every second '-' of a "--"
 * is &#45;, hidden and invalid characters U+FFFD (docs/ci.md). */
void pg_report__md_marker(pg_report__out *o, const char *title);

/* MARK: junit suites (junit.c), for the one-plan and the many-plan writer */

typedef struct pg_report__junit_counts {
    size_t tests, failures, errors;
} pg_report__junit_counts;

/** One <testsuite name="NAME"> for `r` into the memory sink `o`, its
 * counts added to *sum (the <testsuites> line, written first, needs them). */
int pg_report__junit_suite(pg_report__out *o, const pg_report *r, const pg_report_style *style, const char *name,
                           pg_report__junit_counts *sum, pg_error *err);
/** The XML declaration and <testsuites name="NAME" …> with the counts. */
void pg_report__junit_head(pg_report__out *o, const char *name, const pg_report__junit_counts *sum);

/* MARK: github across plans (github.c, many.c) */

/** A run's annotations: the one-plan writer's cap (10 blocking findings)
 * holds across all plans; what is left out is counted for one notice. */
typedef struct pg_report__gh_budget {
    size_t left;                   /**< annotations still to write */
    size_t blocking, below, waived; /**< findings not annotated, over the run */
    size_t plans;                  /**< plans with findings not annotated */
} pg_report__gh_budget;

void pg_report__gh_budget_init(pg_report__gh_budget *g);
/** One plan's workflow commands into `o`; `g` NULL: the one-plan writer
 * (its own cap and "… and N more" notice), else the run's budget. */
void pg_report__github_plan(pg_report__out *o, const pg_report *r, const pg_report_style *style,
                            pg_report__gh_budget *g);
/** "(2 blocking, 3 below the threshold, 1 waived)\n", leaving out zeros: what
 * the "… and N more" notice did not annotate (fixed words and counts). */
void pg_report__gh_left_words(pg_report__out *o, size_t blocking, size_t below, size_t waived);

/* MARK: sarif runs (sarif.c) */

/** The SARIF log up to the open "runs" array, and its end (with a newline). */
void pg_report__sarif_open(pg_report__jw *w);
void pg_report__sarif_close(pg_report__jw *w);
/** One run object for `r`, after a pg_report__jw_elem; `many`: one plan of
 * several (its automationDetails.id names the path even with a title). */
int pg_report__sarif_run(pg_report__jw *w, const pg_report *r, const pg_report_style *style, int many,
                         pg_error *err);

/* MARK: the reading order (fold.c; the order itself is pg_report_order, model.c) */

/** Do addresses a and b differ only in their last index, b's count index
 * following a's, or both being for_each keys? */
int pg_report__index_follows(const char *a, const char *b);
/** "worker[0..399]" (count indices) or `q[*]` (keys) for a run from first
 * to last; `first` alone when they are one. Raw model text: escape it. */
void pg_report__fold_label(pg_report__out *o, const char *first, const char *last);
/** May destroy item b be folded after a (same change, same cause, next index)? */
int pg_report__item_folds(const pg_report_item *a, const pg_report_item *b);
/** How many items from i on fold into one line (at least 1). */
size_t pg_report__item_run(const pg_report_list *l, size_t i);
/** Texts equal once each one's own address (and, with `names`, "quoted"
 * names) are set aside. */
int pg_report__same_words(const char *a, const char *addr_a, const char *b, const char *addr_b, int names);
/** Do findings a and b say the same thing (rule, severity, waiver, cause,
 * evidence equal; message equal but for addresses and quoted names)? */
int pg_report__finding_folds(const pg_finding *a, const pg_finding *b);

/* MARK: the verdict sentence (verdict.c) */

/**
 * The one-line verdict every format can lead with: "FAIL: do not apply: 2
 * blocking findings; every item of 1 table is lost", "PASS: 3 findings
 * below the threshold (high)", "ERROR: the plan could not be
 * evaluated: do not apply". Fixed words and counts only (no plan text).
 * Appends to `out`; PG_ENOMEM or 0.
 */
int pg_report__verdict_sentence(const pg_report *r, pg_buf *out, pg_error *err);
/* The loss part of that sentence alone ("every item of 1 table is lost"),
 * after `lead`; nothing when no data store loses data. */
int pg_report__verdict_loss(const pg_report *r, pg_buf *out, const char *lead, pg_error *err);
/** What loses data, counted from the destroy list (deposed objects aside):
 * `stores`, the destroys the data-loss detector has a finding on (without
 * that detector, the DynamoDB tables), and `tables`, the DynamoDB tables
 * among them. Never fails (without memory: the tables only). */
void pg_report__data_lost(const pg_report *r, size_t *stores, size_t *tables);

/* MARK: the weakened gate (gate.c) */

/** Waivers that came from the change under review (--waivers). */
size_t pg_report__change_waiver_count(const pg_report *r);
/** Does the report have a weakened detector or a waiver from the change to show? */
int pg_report__gate_weakened(const pg_report *r);
/** "disabled", or "lowered to low, below --fail-on high (default critical)": fixed words only. */
void pg_report__weakened_words(pg_report__out *o, const pg_report *r, const pg_report_weakened *w);
/** "used", "unused", "expired". */
const char *pg_report__waiver_state_word(pg_waiver_state s);

/** Tallies used by every verdict line. */
typedef struct pg_report__tally {
    size_t blocking;  /**< unwaived, at or above fail_on */
    size_t waived;
    size_t below;     /**< unwaived, below fail_on */
} pg_report__tally;

void pg_report__count(const pg_report *r, pg_report__tally *t);
/** " (N waived, M below the threshold)" naming only the non-zero parts, or nothing. */
void pg_report__tally_note(pg_report__out *o, const pg_report__tally *t);

#endif
