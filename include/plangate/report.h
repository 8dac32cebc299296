/**
 * plangate/report.h — the report model and its writers (SPEC §5).
 *
 * pg_check_run() (check.h) fills a pg_report; each format is one writer
 * (src/report/<format>.c) behind one small vtable. Writers print what the
 * model holds: findings are already sorted and redacted. Output is
 * deterministic: the same plan and policies give byte-identical reports.
 */
#ifndef PLANGATE_REPORT_H
#define PLANGATE_REPORT_H

#include <stdio.h>

#include "plangate/error.h"
#include "plangate/finding.h"
#include "plangate/plan.h"
#include "plangate/policy.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PG_REPORT_SCHEMA "plangate/report/v1"
/** Resources listed per section (deletes, moves, drift…); the rest are counted. */
#define PG_REPORT_MAX_ITEMS 1000u

/** A resource shown in the plan summary (a delete, a replace, a move, a drift…). */
typedef struct pg_report_item {
    char *address;
    char *type;
    char *physical_name; /**< the name an operator types in the console (catalogue), or NULL */
    char *previous_address; /**< for moves, else NULL */
    char *deposed;          /**< deposed key, else NULL */
    char *action_reason;    /**< or NULL */
    json_t *actions;        /**< owned copy of the raw list */
    pg_action action;
    pg_replace_order replace_order;
    int is_protected;       /**< matched a protect: selector */
    /* Why it is destroyed and how much it matters (issue 15; docs/internals/report.md). */
    char *cause;            /**< short cause: "forced by: name, hash_key", "tainted", … or NULL (nothing known) */
    json_t *forced_by;      /**< replace_paths as redacted path strings (owned), or NULL when the plan has none */
    int rank;               /**< consequence: PG_RANK_LOSS, PG_RANK_REPLACE, PG_RANK_DELETE, PG_RANK_OTHER */
    pg_severity severity;   /**< the highest severity of a finding on it (PG_SEV_INFO when none) */
} pg_report_item;

/**
 * Consequence ranks, the first key of every list's order: data loss (a
 * blocking finding on a destroy) and protected resources, then the other
 * replaces, then deletes, then everything else.
 */
enum { PG_RANK_LOSS = 0, PG_RANK_REPLACE = 1, PG_RANK_DELETE = 2, PG_RANK_OTHER = 3 };

typedef struct pg_report_list {
    pg_report_item *items;
    size_t count;           /**< items held (<= PG_REPORT_MAX_ITEMS) */
    size_t total;           /**< items seen */
    size_t cap;             /**< items allocated */
} pg_report_list;

/**
 * A built-in detector the loaded policies switched off, or set below the
 * fail threshold from a default at or above it: a weakened gate is shown in
 * the same run (issue 11). Strings are borrowed (detector table, policy).
 */
typedef struct pg_report_weakened {
    const char *detector;         /**< the detector id */
    int disabled;                 /**< `enabled: false` */
    pg_severity severity;         /**< the severity in force (meaningful when not disabled) */
    pg_severity default_severity;
    const char *source;           /**< "file:line" of the setting in force */
} pg_report_weakened;

typedef enum pg_verdict {
    PG_VERDICT_PASS = 0,
    PG_VERDICT_FAIL,
    PG_VERDICT_ERROR       /**< the plan could not be evaluated (exit 3) */
} pg_verdict;

typedef struct pg_report {
    char *source;                 /**< plan file name or "<stdin>" */
    pg_plan_info plan;
    pg_findings findings;         /**< sorted */
    pg_waiver_status *waivers;    /**< strings borrowed from the policy */
    size_t n_waivers;
    pg_report_list destroys;      /**< delete and replace (planned) */
    pg_report_list moves;         /**< previous_address set */
    pg_report_list deposed;
    pg_report_list drift;         /**< resource_drift entries */
    pg_report_list imports;
    pg_report_list forgotten;     /**< forget: removed from the state, the object is kept */
    pg_rule_meta *rules;          /**< catalogue of every detector and rule that ran (strings borrowed) */
    size_t n_rules;
    pg_severity fail_on;
    pg_verdict verdict;
    char **errors;                /**< why the plan could not be evaluated (exit 3) */
    size_t n_errors;
    size_t errors_cap;            /**< entries allocated in errors */
    pg_report_weakened *weakened; /**< detectors the policies weaken, in catalogue order */
    size_t n_weakened;
    char *config_path;            /**< the config file the run used (.plangate.yaml, --config; owned), or NULL */
    char *title;                  /**< --title: the name of the run or stack (owned), or NULL */
    char *artifact;               /**< the plan's path relative to the repository root, for SARIF
                                       (set by the CLI; owned), or NULL: SARIF uses source */
    int audit;                    /**< --fail-on none: findings never fail the run; verdict is the one
                                       the gate would give at fail_on (high) */
} pg_report;

void pg_report_init(pg_report *r);
void pg_report_dispose(pg_report *r);
/** Append an error line (copied). PG_OK or PG_ENOMEM (set in `err`). */
int pg_report_add_error(pg_report *r, const char *message, pg_error *err);
/** Append an item built from a change to a list (keeps the first
 * PG_REPORT_MAX_ITEMS, counts the rest; when full, a protected item or a
 * replace takes the place of the last delete). PG_OK or PG_ENOMEM (set in
 * `err`). */
int pg_report_list_add(pg_report_list *l, const pg_change *c, int is_protected, pg_error *err);
/** The same, and `*out` is the item (NULL when only counted), for the caller to complete. */
int pg_report_list_put(pg_report_list *l, const pg_change *c, int is_protected, pg_report_item **out,
                       pg_error *err);
/**
 * What destroys `c`, in a few words (`*cause`, NULL when nothing is known)
 * and, when the plan has replace_paths, the attributes that force it as
 * path strings (`*forced_by`, a json array, NULL otherwise). A path stops at
 * a sensitive value (the keys of a sensitive map are secret) and quotes a
 * key that is not a plain name. Both owned by the caller. PG_OK or
 * PG_ENOMEM (set in `err`).
 */
int pg_report_cause(const pg_change *c, char **cause, json_t **forced_by, pg_error *err);
/** Order the report's lists by consequence (after the findings are final):
 * findings grouped by rule, the destroy list by rank, severity, address. */
void pg_report_order(pg_report *r);
/** Addresses in reading order: runs of digits compare as numbers (worker[2] < worker[10]). */
int pg_report_address_cmp(const char *a, const char *b);
/** Number of unwaived findings at or above the fail-on threshold. */
size_t pg_report_failing(const pg_report *r);

typedef enum pg_report_format {
    PG_FORMAT_TEXT = 0,
    PG_FORMAT_JSON,
    PG_FORMAT_SARIF,
    PG_FORMAT_JUNIT,
    PG_FORMAT_GITHUB,
    PG_FORMAT_MARKDOWN,
    PG_FORMAT_COUNT_
} pg_report_format;

/** Parse "text", "json", …; -1 when unknown. */
int pg_report_format_from_name(const char *name);
const char *pg_report_format_name(pg_report_format f);

typedef struct pg_report_style {
    int color;              /**< ANSI colour and bold (text only) */
    int quiet;              /**< text: verdict and findings only */
    const char *version;    /**< plangate version string */
    int width;              /**< text: columns to wrap at (0 = 80; the CLI passes the terminal's) */
    int section;            /**< the report is one plan's section of a multi-plan report
                                 (pg_report_write_many): markdown leaves out the comment marker
                                 and the footer, which frame the whole comment */
} pg_report_style;

/** Write `r` as `format` to `out`. PG_EIO when a write fails. */
int pg_report_write(const pg_report *r, pg_report_format format, const pg_report_style *style,
                    FILE *out, pg_error *err);

/**
 * Write the reports of one run over several plans (`plangate check A B …`)
 * as one document in `format`: one section per plan and an overall verdict
 * (docs/ci.md "Many plans in one run" documents each format's shape). The
 * reports share title and audit (reports[0]'s are the run's). n == 1 is
 * exactly pg_report_write(reports[0]); n == 0 is PG_EINTERNAL. Output
 * depends only on the reports, in the order given: byte-identical from run
 * to run. PG_EIO when a write fails, PG_ENOMEM.
 */
int pg_report_write_many(const pg_report *const *reports, size_t n, pg_report_format format,
                         const pg_report_style *style, FILE *out, pg_error *err);

/** The verdict of a run over several plans: error over fail over pass (n == 0: error). */
pg_verdict pg_report_verdict_many(const pg_report *const *reports, size_t n);

/** Writer vtable: one per format, in src/report/<format>.c. */
typedef struct pg_report_writer {
    const char *name;
    int (*write)(const pg_report *r, const pg_report_style *style, FILE *out, pg_error *err);
} pg_report_writer;

#ifdef __cplusplus
}
#endif

#endif
