/*
 * value.h — plan values as text inside the library (finding/ and report/):
 * the one walker over a json value, and the evidence caps.
 *
 * pg_value__dump is the only code that turns a json value into JSON text:
 * pg_value_text (messages, compact, keys sorted, into a fixed buffer) and
 * the JSON and SARIF reports (indented like jansson's JSON_INDENT(2), keys in
 * their order) both use it. It walks with an explicit stack, never
 * recursing, and escapes every string through a util/esc table, so a
 * plan string reaches the output only in the target's escaped form.
 * jansson's own dump, copy and equal recurse on the input's depth: values
 * are handed to them only once within the caps (pg_value__capped).
 */
#ifndef PG_FINDING_VALUE_H
#define PG_FINDING_VALUE_H

#include <stddef.h>

#include <jansson.h>

#include "plangate/finding.h"
#include "plangate/json.h"
#include "util/esc.h"

/** The deepest nesting pg_value__dump writes (evidence is capped well below). */
#define PG_VALUE_WALK_MAX_DEPTH 64u

#if PG_EVIDENCE_MAX_DEPTH >= PG_VALUE_WALK_MAX_DEPTH || PG_VALUE_WALK_MAX_DEPTH > PG_JSON_MAX_DEPTH_CEILING
#error "the walker must hold every capped value, and stay under the reader's ceiling"
#endif

typedef struct pg_value_layout {
    /** How strings and keys are escaped inside their quotes; NULL: as they
     * are, in one piece (only for measuring a value, never for output). */
    const pg_esc_table *strings;
    unsigned indent;   /**< 0: compact; else spaces per level (",\n" and ": " as jansson) */
    size_t base;       /**< levels already open around the value (indentation) */
    int sort_keys;     /**< else the object's own order */
    size_t max_depth;  /**< 0: PG_VALUE_WALK_MAX_DEPTH (and never more) */
} pg_value_layout;

/** pg_value__dump's results besides 0 (all of it written). */
#define PG_VALUE_STOPPED 1 /**< the sink took less than it was given */
#define PG_VALUE_TOO_DEEP 2 /**< nested deeper than the layout's max_depth: cut there */

/**
 * Write `v` (not NULL) as JSON text through `sink` (a plain piece may be cut
 * by it; see util/esc.h), without recursion. Returns 0, PG_VALUE_STOPPED or
 * PG_VALUE_TOO_DEEP; what was written before stays written.
 */
int pg_value__dump(const json_t *v, const pg_value_layout *l, pg_esc_sink_fn sink, void *ctx);

/** Is s[0..len) plangate's own word for a value ("(sensitive)", "(known
 * after apply)", a summary), which pg_value_text prints bare? */
int pg_value__is_marker(const char *s, size_t len);

/**
 * `v` itself (stolen) when it is within the evidence caps, else a new string
 * summarising it ("(object with 120 keys, 48 KB)", "(string of 50 MB)",
 * "(array nested deeper than 32 levels)"); `hide_size` leaves the size out
 * (parts of the value are sensitive). NULL passes through; NULL when out of
 * memory (v is released).
 */
json_t *pg_value__capped(json_t *v, int hide_size);

/** The summary of `v` (a string, an array or an object) as a new json
 * string, whatever its size. NULL when out of memory. */
json_t *pg_value__summary(const json_t *v, int hide_size);

/** Is `v` within the evidence caps (so jansson's recursive functions are safe on it)? */
int pg_value__within_caps(const json_t *v);

/** A copy of `v` within the caps, or its summary. NULL when out of memory. */
json_t *pg_value__copy_capped(const json_t *v);

#endif
