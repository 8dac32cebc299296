/**
 * plangate/plan.h — the plan model: Terraform's `show -json` format.
 *
 * A pg_change is one element of `resource_changes` (or `resource_drift`),
 * decoded and normalised. pg_plan_reader drives the streaming JSON reader
 * over a whole plan and calls back once per change, so memory never grows
 * with the plan; plan-level facts (format_version, errored, complete,
 * counts per action…) are collected in a pg_plan_info.
 */
#ifndef PLANGATE_PLAN_H
#define PLANGATE_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "plangate/error.h"
#include "plangate/json.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Normalised action (SPEC §2). */
typedef enum pg_action {
    PG_ACTION_NOOP = 0,
    PG_ACTION_CREATE,
    PG_ACTION_READ,
    PG_ACTION_UPDATE,
    PG_ACTION_DELETE,
    PG_ACTION_REPLACE,
    PG_ACTION_FORGET,
    PG_ACTION_UNKNOWN, /**< an action list we do not know; kept verbatim */
    PG_ACTION_COUNT_
} pg_action;

/** For PG_ACTION_REPLACE: which half runs first. */
typedef enum pg_replace_order {
    PG_REPLACE_NONE = 0,
    PG_REPLACE_DELETE_BEFORE_CREATE, /**< ["delete","create"] */
    PG_REPLACE_CREATE_BEFORE_DESTROY /**< ["create","delete"] */
} pg_replace_order;

/** "no-op", "create", "read", "update", "delete", "replace", "forget", "unknown". */
const char *pg_action_name(pg_action a);
/** Parse a normalised action name (as policies write them); -1 when unknown. */
int pg_action_from_name(const char *name);

/**
 * Normalise Terraform's action list (a json array of strings).
 * `*destructive_out` is set when the change destroys an object: delete,
 * replace, or an unknown list that holds "delete". Forget destroys nothing.
 * A list that is not an array of strings gives PG_ACTION_UNKNOWN.
 */
pg_action pg_action_normalise(const json_t *actions, pg_replace_order *order_out,
                              int *destructive_out);

/**
 * Plain words for an action_reason value ("the resource was tainted…").
 * Unknown (future) values return NULL: show them verbatim.
 */
const char *pg_action_reason_words(const char *reason);

/** Where a change came from. */
typedef enum pg_change_origin {
    PG_ORIGIN_PLANNED = 0, /**< resource_changes */
    PG_ORIGIN_DRIFT        /**< resource_drift: already happened outside Terraform */
} pg_change_origin;

/**
 * One resource change. Every pointer is borrowed from `root` (the decoded
 * element), which the pg_change owns: valid until pg_change_dispose().
 * Absent string fields are NULL; absent json fields are NULL (a JSON null
 * stays a json null, so "before": null is json_null(), not NULL).
 */
typedef struct pg_change {
    json_t *root;                 /**< owned: the whole element */
    pg_change_origin origin;
    long index_in_plan;           /**< position in its array */
    uint64_t offset;              /**< byte offset of the element in the input */

    const char *address;
    const char *previous_address; /**< a move (moved block) */
    const char *module_address;
    const char *mode;             /**< "managed" / "data" */
    const char *type;
    const char *name;
    const json_t *index;          /**< count index (integer) or for_each key (string) */
    const char *provider_name;
    const char *deposed;          /**< deposed object key */
    const char *action_reason;

    pg_action action;
    pg_replace_order replace_order;
    int destructive;              /**< destroys an existing object */
    const json_t *actions;        /**< the raw action list, as Terraform wrote it */

    const json_t *before;
    const json_t *after;
    const json_t *after_unknown;
    const json_t *before_sensitive;
    const json_t *after_sensitive;
    const json_t *replace_paths;
    const json_t *importing;
} pg_change;

/**
 * Fill `out` from a decoded element, taking ownership of `element` (stolen,
 * even on failure). Fails with PG_EPLAN when the element is not an object,
 * lacks `address` (and the parts to rebuild it) / `type` / `change.actions`,
 * or has a NUL in a name, naming what is wrong. The plan reader then checks
 * the change against what Terraform writes (docs/internals/plan.md).
 */
int pg_change_init(pg_change *out, json_t *element, pg_change_origin origin, pg_error *err);

/** Release what `c` owns; `c` may then be reused. Accepts NULL. */
void pg_change_dispose(pg_change *c);

/** Which value of a change a path starts from. */
typedef enum pg_side { PG_BEFORE = 0, PG_AFTER } pg_side;

/** One step of a path inside a value: an object key or an array index. */
typedef struct pg_path_step {
    const char *key; /**< non-NULL: object member; NULL: array element `index` */
    size_t index;
} pg_path_step;

/** The value at `steps` under before/after, or NULL when absent. Borrowed. */
const json_t *pg_change_get(const pg_change *c, pg_side side, const pg_path_step *steps, size_t n);

/**
 * Is the value at `steps` marked sensitive (before_sensitive /
 * after_sensitive)? True when the mask is true at the path or at any prefix
 * of it (a whole block marked sensitive covers everything under it).
 */
int pg_change_is_sensitive(const pg_change *c, pg_side side, const pg_path_step *steps, size_t n);

/**
 * Is the after value at `steps` unknown at plan time (after_unknown true at
 * the path or any prefix)?
 */
int pg_change_is_unknown(const pg_change *c, const pg_path_step *steps, size_t n);

/** Same mask lookup on any mask value (true/false/object/array; a number
 * or a string, which Terraform never writes, covers everything below it). */
int pg_mask_covers(const json_t *mask, const pg_path_step *steps, size_t n);

/** Facts about the whole plan, gathered while streaming. */
typedef struct pg_plan_info {
    char format_version[32];       /**< "" when absent */
    char terraform_version[64];    /**< "" when absent */
    int hcp_redacted;              /**< plan_format_version (HCP Terraform) */
    int errored;                   /**< "errored": true */
    int complete;                  /**< 1, 0, or -1 when absent */
    int applyable;                 /**< 1, 0, or -1 when absent */
    long deferred_changes;         /**< elements of deferred_changes */
    long counts[PG_ACTION_COUNT_]; /**< planned changes per normalised action */
    long resource_changes;         /**< elements of resource_changes */
    long drift;                    /**< elements of resource_drift */
    int has_resource_changes;      /**< the key was present */
    int looks_like_state;          /**< keys of a state file, not of a plan */
    int seen_plan_keys;            /**< any plan-only key was seen */
} pg_plan_info;

/**
 * Called for each decoded change (planned and drift). The change is borrowed
 * and disposed of after the callback returns. Return 0, or a negative code
 * (err filled in) to stop.
 */
typedef int (*pg_plan_change_fn)(void *ctx, const pg_change *c, pg_error *err);

typedef struct pg_plan_reader pg_plan_reader;

/**
 * A streaming plan reader into *out. `limits` may be NULL. `fn` may be NULL
 * (then only pg_plan_info is gathered). PG_ENOMEM, or PG_EUSAGE when
 * limits->max_depth is above PG_JSON_MAX_DEPTH_CEILING (the CLI: exit 2).
 */
int pg_plan_reader_new(pg_plan_reader **out, pg_plan_change_fn fn, void *ctx, const pg_json_limits *limits,
                       pg_error *err);
void pg_plan_reader_free(pg_plan_reader *r);

/** Feed bytes (see pg_json_feed). The error message says how to fix common wrong inputs. */
int pg_plan_feed(pg_plan_reader *r, const char *buf, size_t len, pg_error *err);

/**
 * End of input: completes validation and checks that the document is a plan
 * we support: a version (format_version major 0 or 1, or HCP's
 * plan_format_version; both present must be equal) and what a plan has —
 * `resource_changes` as a list or `planned_values` as an object.
 * Returns PG_EERRORED for "errored": true after everything was read (all
 * changes were still reported). On failure the message names the byte offset
 * and the fix ("run `terraform show -json` on it", "turn the wrapper off"…).
 */
int pg_plan_finish(pg_plan_reader *r, pg_error *err);

/** The facts gathered; the counts per action are complete once
 * pg_plan_finish returned. Borrowed. */
const pg_plan_info *pg_plan_reader_info(const pg_plan_reader *r);

/** pg_plan_read with PG_PLAN_THREADS_AUTO and no filter. */
int pg_plan_read_file(const char *path, pg_plan_change_fn fn, void *ctx,
                      const pg_json_limits *limits, pg_plan_info *info_out, pg_error *err);

/**
 * A filter lets the reader skip decoding a change that nobody needs: it is
 * asked with the change's type and normalised action (read from the raw
 * bytes without decoding) and returns non-zero when the change must be
 * decoded and passed to the change callback. Changes that destroy
 * something, move, are deposed or are imported are always decoded (reports
 * list them); drift entries too. Skipped changes still count in
 * pg_plan_info. Without a filter every change is decoded.
 */
typedef int (*pg_plan_filter_fn)(void *ctx, const char *type, pg_action action);

void pg_plan_reader_set_filter(pg_plan_reader *r, pg_plan_filter_fn fn, void *ctx);

/**
 * Decode changes and run the change callback on a second thread, while the
 * calling thread reads and validates (the callback then runs on that
 * thread, in plan order). 0, or an error when no thread can be started (the
 * reader then stays single-threaded). Call before the first feed.
 */
int pg_plan_reader_use_thread(pg_plan_reader *r, pg_error *err);

/** Whether reading a file decodes on a second thread. */
typedef enum pg_plan_threads {
    PG_PLAN_THREADS_AUTO = 0, /**< for pipes and files of PG_PLAN_THREAD_MIN_BYTES or more */
    PG_PLAN_THREADS_NEVER,    /**< all on the calling thread (same results, slower) */
    PG_PLAN_THREADS_ALWAYS    /**< whatever the input (tests of the threaded path) */
} pg_plan_threads;

/** A regular file smaller than this is read faster than a thread starts. */
#define PG_PLAN_THREAD_MIN_BYTES ((size_t)4 << 20)

/** What pg_plan_read needs; zeros are the defaults. */
typedef struct pg_plan_read_options {
    pg_plan_change_fn fn;      /**< may be NULL */
    pg_plan_filter_fn filter;  /**< may be NULL: decode every change */
    void *ctx;                 /**< for fn and filter */
    pg_json_limits limits;     /**< zeros: defaults */
    pg_plan_threads threads;
} pg_plan_read_options;

/**
 * Read a whole plan file ("-" or NULL for stdin) through a fixed-size
 * buffer (memory does not grow with the plan); a non-blocking pipe is
 * waited on. `info_out` may be NULL; it is filled on every path, after the
 * worker thread (if any) has stopped: an error report says the same for the
 * same input every time. Sets the error's source to the file name. When the
 * callback fails on a change, that error and the facts as of that change
 * stand, as they would without the thread.
 */
int pg_plan_read(const char *path, const pg_plan_read_options *opts, pg_plan_info *info_out, pg_error *err);

/** pg_plan_read with PG_PLAN_THREADS_AUTO and a filter (may be NULL). */
int pg_plan_read_file_filtered(const char *path, pg_plan_change_fn fn, pg_plan_filter_fn filter, void *ctx,
                               const pg_json_limits *limits, pg_plan_info *info_out, pg_error *err);

/** Worker threads the plan readers of this process started (a test's proof
 * that the threaded path ran). */
unsigned long pg_plan_threads_started(void);

#ifdef __cplusplus
}
#endif

#endif
