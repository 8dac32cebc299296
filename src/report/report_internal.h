/*
 * report_internal.h — what the report writers share (src/report/ only).
 *
 * Every format is one file behind the pg_report_writer vtable (report.h);
 * report.c holds the table. The hand-written formats (text, junit, github,
 * markdown) print through pg_report__out, which writes either to a stream
 * or to a growable memory buffer (markdown renders a row before deciding
 * whether it still fits GitHub's comment limit). The escapers in escape.c
 * are the only places that decide how a model string reaches the output:
 * writers never print a model string without one of them.
 */
#ifndef PG_REPORT_INTERNAL_H
#define PG_REPORT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "plangate/report.h"

/* MARK: writers (one per format, each in its own file) */

extern const pg_report_writer pg_report__text_writer;
extern const pg_report_writer pg_report__json_writer;
extern const pg_report_writer pg_report__sarif_writer;
extern const pg_report_writer pg_report__junit_writer;
extern const pg_report_writer pg_report__github_writer;
extern const pg_report_writer pg_report__markdown_writer;

/* MARK: output sink */

typedef struct pg_report__out {
    FILE *f;      /**< stream target, or NULL for memory */
    char *buf;    /**< memory target (pg_malloc'd), NUL-terminated when len > 0 */
    size_t len;
    size_t cap;
    int failed;   /**< out of memory (memory target); streams report through ferror */
} pg_report__out;

/** A sink writing to `f` (borrowed). */
void pg_report__out_stream(pg_report__out *o, FILE *f);
/** A sink collecting into memory; pg_report__out_dispose() it. */
void pg_report__out_memory(pg_report__out *o);
void pg_report__out_dispose(pg_report__out *o);
/** Forget what a memory sink holds (keeps its buffer). */
void pg_report__out_reset(pg_report__out *o);

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

/* MARK: UTF-8 */

/** Decode one code point from s[0..n) (n >= 1). Invalid, overlong or
 * surrogate sequences decode as U+FFFD consuming one byte. Returns bytes used. */
size_t pg_report__utf8_next(const char *s, size_t n, uint32_t *cp);
/** Code points in s (the text format's idea of display width). */
size_t pg_report__utf8_width(const char *s, size_t n);
/** Length of the longest prefix of s[0..n) of at most `max` bytes that ends on a
 * code point boundary. */
size_t pg_report__utf8_cut(const char *s, size_t n, size_t max);

/* MARK: escapers (escape.c) — one per output language */

/**
 * Terminal-safe text: valid UTF-8 (invalid bytes become U+FFFD); tabs become
 * a space; newlines kept when `keep_newlines`, else a space; every other C0
 * or C1 control and DEL is shown as a visible "\xNN" escape, so a hostile
 * address can never move the cursor or recolour the operator's terminal.
 */
void pg_report__esc_text(pg_report__out *o, const char *s, int keep_newlines);

/** XML 1.0 character data (`attr` = 0) or a double-quoted attribute value
 * (`attr` = 1): & < > " ' escaped, newline/tab/CR as character references in
 * attributes, characters XML 1.0 forbids (most C0 controls, U+FFFE/U+FFFF,
 * invalid UTF-8) replaced by U+FFFD. */
void pg_report__esc_xml(pg_report__out *o, const char *s, int attr);

/** GitHub workflow-command data (% \r \n) or property value (also : and ,);
 * other controls and bidirectional overrides become U+FFFD. */
void pg_report__esc_github(pg_report__out *o, const char *s, int property);

/**
 * Markdown prose inside a table cell or paragraph: backslash-escapes the
 * characters Markdown gives meaning to (| ` * _ [ ] ~ \ #), writes < > & as
 * entities, defuses @mentions, turns newlines into " " (cell) or "<br>"
 * (`br`, where leading spaces of a line become &nbsp;), drops controls,
 * shows bidirectional overrides as U+FFFD. Stops after `max` source code points with "…"
 * (0 = no cap).
 */
void pg_report__esc_md(pg_report__out *o, const char *s, size_t max, int br);
/** A Markdown code span holding `s` literally (fence longer than any backtick
 * run inside, newlines as spaces, | escaped when `in_table`: GFM splits cells
 * before it sees code spans), capped like esc_md. */
void pg_report__esc_md_code(pg_report__out *o, const char *s, size_t max, int in_table);

/**
 * A json string for `s` that jansson accepts: invalid UTF-8 becomes U+FFFD.
 * NULL gives json null. NULL only when out of memory.
 */
json_t *pg_report__json_str(const char *s);

/* MARK: streaming JSON (escape.c) */

/*
 * A JSON document written as it is built, in exactly jansson's
 * JSON_INDENT(2) | JSON_PRESERVE_ORDER layout: the json and sarif writers
 * keep the skeleton here and build one jansson value at a time (a finding,
 * a result), so a report of 100 000 findings never holds a second copy of
 * them as one tree.
 */
#define PG_REPORT_JW_MAX_DEPTH 16u

typedef struct pg_report__jw {
    pg_report__out *o;
    size_t depth;                         /**< containers open */
    int empty[PG_REPORT_JW_MAX_DEPTH];    /**< nothing written yet in the container at this depth */
    int oom;                              /**< a value could not be built or dumped */
} pg_report__jw;

void pg_report__jw_init(pg_report__jw *w, pg_report__out *o);
/** Start a member: `key` is a plain ASCII literal (written as is). */
void pg_report__jw_key(pg_report__jw *w, const char *key);
/** Start an array element. */
void pg_report__jw_elem(pg_report__jw *w);
/** Write a value after a key or element start (or at the top); `v` is stolen
 * and may be NULL (out of memory: sets oom). */
void pg_report__jw_value(pg_report__jw *w, json_t *v);
/** A whole member: key, then `v` (stolen). `ok` is the flag the builder of
 * `v` cleared when it ran out of memory (NULL: nothing can fail), read here,
 * after `v` was built: an `int` argument could be read before the call that
 * builds `v` (argument order is unspecified). A cleared flag drops `v` and
 * records the failure. */
void pg_report__jw_member(pg_report__jw *w, const char *key, json_t *v, const int *ok);
/** A whole array element: jw_elem, then `v` as jw_member takes it. */
void pg_report__jw_element(pg_report__jw *w, json_t *v, const int *ok);
/** Open '{' or '[' after a key or element start (or at the top). */
void pg_report__jw_open(pg_report__jw *w, char bracket);
/** Close the innermost container with '}' or ']'. */
void pg_report__jw_close(pg_report__jw *w, char bracket);

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

/**
 * An evidence value as one line of text: strings as JSON strings
 * ("orderId"), the redaction markers (sensitive) and (known after apply)
 * bare, other values as compact JSON with sorted keys, NULL (not
 * applicable) as "(none)". Cut at PG_REPORT_VALUE_MAX bytes on a code point
 * boundary with "…". Returns a pg_malloc'd string, or NULL when out of memory.
 */
char *pg_report__value_text(const json_t *v);

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
