/**
 * plangate/finding.h — what detectors and rules report.
 *
 * A pg_finding owns copies of everything it shows (the change it came from
 * is gone by the time reports are written). Values in evidence are already
 * redacted: a sensitive value is the string "(sensitive)", an unknown one
 * "(known after apply)" — report writers print what they are given.
 *
 * Memory never grows with a plan value's size: a value bigger than the
 * evidence caps (PG_EVIDENCE_MAX_BYTES, PG_EVIDENCE_MAX_DEPTH) is replaced,
 * where it enters (pg_change_redacted, pg_finding_add_evidence), by a short
 * summary such as "(object with 120 keys, 48 KB)". Nothing here recurses on
 * a depth the input chooses beyond those caps.
 */
#ifndef PLANGATE_FINDING_H
#define PLANGATE_FINDING_H

#include <stddef.h>

#include <jansson.h>

#include "plangate/error.h"
#include "plangate/plan.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pg_severity {
    PG_SEV_INFO = 0,
    PG_SEV_LOW,
    PG_SEV_MEDIUM,
    PG_SEV_HIGH,
    PG_SEV_CRITICAL
} pg_severity;

/** "info", "low", "medium", "high", "critical". */
const char *pg_severity_name(pg_severity s);
/** Parse a severity name; -1 when unknown. */
int pg_severity_from_name(const char *name);

/** The text shown instead of a sensitive value, everywhere. */
#define PG_SENSITIVE_TEXT "(sensitive)"
/** The text shown for a value known only after apply. */
#define PG_UNKNOWN_TEXT "(known after apply)"
/** The text of an absent value, and of null (an attribute that is not set). */
#define PG_NONE_TEXT "(none)"

/** The largest evidence value kept, in bytes of compact JSON (about). */
#define PG_EVIDENCE_MAX_BYTES 4096u
/** The deepest nesting of an evidence value kept. */
#define PG_EVIDENCE_MAX_DEPTH 32u
/** The longest message or remediation kept, in bytes (cut with "…"). */
#define PG_FINDING_MAX_TEXT 8192u

typedef struct pg_evidence {
    char *path;      /**< "hash_key", "attribute[0].type", … */
    json_t *before;  /**< owned; NULL when not applicable; redacted */
    json_t *after;   /**< owned; NULL when not applicable; redacted */
} pg_evidence;

typedef struct pg_finding {
    char *rule;               /**< rule or detector id */
    pg_severity severity;
    char *address;            /**< resource address ("" for plan-level findings) */
    char *type;               /**< resource type, or NULL */
    json_t *actions;          /**< owned copy of Terraform's action list, or NULL */
    pg_action action;         /**< normalised */
    pg_change_origin origin;
    char *action_reason;      /**< or NULL */
    char *message;
    char *remediation;        /**< or NULL */
    pg_evidence *evidence;
    size_t n_evidence;
    int waivable;             /**< 0 when the rule says waivable: false */
    int waived;
    char *waiver_reason;      /**< set when waived */
    char *waiver_owner;       /**< or NULL */
    char *waiver_expired;     /**< an expired waiver would have covered it: its expiry date */
    /* Set by the check for a finding on a destroy (issue 15, report.h pg_report_cause). */
    char *cause;              /**< "forced by: name", "tainted", … or NULL */
    json_t *forced_by;        /**< replace_paths as path strings, or NULL */
} pg_finding;

/**
 * A new finding for `change` (may be NULL for plan-level findings) in *out:
 * copies address, type, actions and action_reason. PG_OK, or PG_ENOMEM
 * (set in `err`) with *out NULL.
 */
int pg_finding_new(pg_finding **out, const char *rule, pg_severity severity, const pg_change *change,
                   pg_error *err);
void pg_finding_free(pg_finding *f);

/** Replace the message / remediation (printf-style), cut at
 * PG_FINDING_MAX_TEXT bytes on a character boundary. 0 or PG_ENOMEM. */
int pg_finding_set_message(pg_finding *f, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
int pg_finding_set_remediation(pg_finding *f, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/**
 * Add evidence. `before`/`after` are stolen (json_decref'd on failure) and
 * may be NULL; a value past the evidence caps is kept as its summary.
 * 0 or PG_ENOMEM.
 */
int pg_finding_add_evidence(pg_finding *f, const char *path, json_t *before, json_t *after);
/** Does `f` hold evidence at `path` already? 1 or 0. */
int pg_finding_has_evidence(const pg_finding *f, const char *path);

/**
 * The value at `steps` on `side` of `c`, redacted, as a new json value:
 * "(sensitive)" when masked sensitive, "(known after apply)" when unknown
 * (after side), json null when absent; sensitive and unknown parts inside
 * are replaced the same way. A value past the evidence caps is its summary
 * (without its size when parts of it are sensitive). Never NULL unless out
 * of memory.
 */
json_t *pg_change_redacted(const pg_change *c, pg_side side, const pg_path_step *steps, size_t n);

/**
 * THE value-to-text of plangate (messages, evidence lines, templates): one
 * convention everywhere.
 * - absent (NULL) and null (not set): "(none)";
 * - the redaction markers "(sensitive)", "(known after apply)" and the
 *   summaries of values past the caps: as they are, bare;
 * - a plain string (a key name, a type, a table name, an address) bare, as
 *   messages have always shown it: orderId, S, aws_s3_bucket.b["x"];
 * - a string that would be misread bare (a control, a hidden or bidi
 *   character, invalid UTF-8, the "##[" marker, empty, a leading or trailing
 *   space, or "(none)") as a JSON literal escaped as util/quote escapes every
 *   message: "dev\u0000prod", "\u001B[31m", "", " x";
 * - numbers, booleans: as JSON; arrays and objects: compact JSON with keys
 *   sorted, strings inside quoted the same way.
 * Cut to `size` - 1 bytes on a character boundary, ending in "…" when cut.
 * No recursion, no allocation, never fails. Always NUL-terminates.
 */
void pg_value_text(const json_t *v, char *buf, size_t size);

/**
 * THE number-to-text of plangate (messages, evidence, reports, and the text
 * `matches`/`glob`/`contains` see): an integer as its digits; a real as the
 * shortest text that reads back as the same double (`0.1`, not
 * `0.10000000000000001`; `1` for 1.0, no ".0"; `1e+20`), with a '.' whatever
 * the locale. Returns 1 for a number (buf holds its text, always
 * NUL-terminated), 0 otherwise (buf untouched). 32 bytes always suffice.
 */
int pg_value_number_text(const json_t *v, char *buf, size_t size);

/** Default cap on findings held in memory (a limit with its own error). */
#define PG_DEFAULT_MAX_FINDINGS 100000u

/** A growable list of findings, which owns them. */
typedef struct pg_findings {
    pg_finding **items;
    size_t count;
    size_t cap;
    size_t max;   /**< 0 means PG_DEFAULT_MAX_FINDINGS */
} pg_findings;

void pg_findings_init(pg_findings *l);
void pg_findings_dispose(pg_findings *l);
/** Append, taking `f` (freed on failure). PG_ENOMEM, or PG_ELIMIT past `max`. */
int pg_findings_add(pg_findings *l, pg_finding *f, pg_error *err);
/** Sort: severity (highest first), then address, then rule id. */
void pg_findings_sort(pg_findings *l);

#ifdef __cplusplus
}
#endif

#endif
