/* detect_internal.h — what the detector files share (not public).
 *
 * Every detector is one file that exports its own descriptor (detect.h);
 * registry.c lists them. The helpers they call live one job per file:
 *
 *   change_read.c  what a detector reads from a change (managed, planned
 *                  table, string members, unknowns, the attribute list)
 *   wording.c      plan values and causes in words: redacted value text,
 *                  quoted names, paths, plain words for destroy causes
 *   emit.c         a finding built from a detector's descriptor, its
 *                  message, remediation and evidence, handed to the list
 *   key_types.c    the type of key attributes before and after
 *   lock_table.c   what makes a table a state-lock table, and the key
 *                  schema the S3 backend needs
 *   table_read.c   the one reader of a table whatever its provider's shape
 *                  (aws_dynamodb_table, awscc_dynamodb_table): name, key
 *                  schema, key attribute types
 *
 * Errors: every fallible helper returns 0 or a negative PG_E* code and
 * takes `pg_error *err` last; out of memory is reported by pg_error_oom. */
#ifndef PG_DETECT_INTERNAL_H
#define PG_DETECT_INTERNAL_H

#include <stddef.h>

#include "plangate/detect.h"
#include "util/buf.h"

#define PG_TYPE_DYNAMODB_TABLE "aws_dynamodb_table"
#define PG_TYPE_AWSCC_DYNAMODB_TABLE "awscc_dynamodb_table"
#define PG_TYPE_AUTOSCALING_TARGET "aws_appautoscaling_target"
#define PG_TYPE_AUTOSCALING_POLICY "aws_appautoscaling_policy"
/* What Terraform's S3 backend keys its lock items by (case-sensitive). */
#define PG_LOCK_KEY "LockID"

/* Short text of a value or a quoted name in messages (old → new). */
#define PG_DET_TEXT 160
/* How deep detectors compare or scan a plan value: deeper counts as
 * "different" / "unknown" (fail closed), and no recursion follows input
 * further than this. Terraform's DynamoDB values are 4 levels deep. */
#define PG_DET_MAX_DEPTH 64

/* MARK: reading a change (change_read.c) */

/** A managed resource (data sources are read, never destroyed). */
int pg_det__is_managed(const pg_change *c);
/** A managed table change (aws_ or awscc_dynamodb_table) from resource_changes (never drift). */
int pg_det__is_planned_table(const pg_change *c);
/**
 * Does the change leave an object behind, to be judged on `after`: no-op,
 * create, update, replace, and the create-and-forget pairs (Terraform's
 * ["create","forget"], OpenTofu's ["forget","create"]: PG_ACTION_FORGET with
 * an `after` object). Nothing of a forget is destroyed.
 */
int pg_det__leaves_object(const pg_change *c);
/** A string member of before/after (NULL when absent, not a string, or unknown after). */
const char *pg_det__str(const pg_change *c, pg_side side, const char *key);
/** pg_det__str, NULL also when the string holds a NUL (so that C string comparisons judge all of it). */
const char *pg_det__str_plain(const pg_change *c, pg_side side, const char *key);
/** Is a top-level attribute of `after` unknown at plan time? */
int pg_det__unknown(const pg_change *c, const char *key);
/**
 * Is the value sensitive on either side: before at `before` or after at
 * `after` (the same attribute, which may sit at another index in a list)?
 * One secret on one side is a secret on both: the old value of a key that is
 * now sensitive, next to "it changed", tells what the new one is.
 */
int pg_det__sensitive_pair(const pg_change *c, const pg_path_step *before, const pg_path_step *after, size_t n);
/** pg_det__sensitive_pair at the same path on both sides. */
int pg_det__sensitive(const pg_change *c, const pg_path_step *steps, size_t n);
/**
 * Is any part of the top-level block `key` (a list of nested blocks, a map)
 * sensitive on either side? Its elements do not pair up by position between
 * before and after, so one marked element makes the block a secret when both
 * sides are shown together.
 */
int pg_det__block_sensitive(const pg_change *c, const char *key);
/** Does a mask (after_unknown, *_sensitive) hold `true` anywhere? (Past PG_DET_MAX_DEPTH: yes.) */
int pg_det__mask_any(const json_t *mask);
/** json_equal (NULL equals nothing), to PG_DET_MAX_DEPTH levels: deeper values compare as different. */
int pg_det__equal(const json_t *a, const json_t *b);
/** The position of the `attribute` entry named `name` on `side`; 0 when absent. */
int pg_det__attribute_index(const pg_change *c, pg_side side, const char *name, size_t *index_out);
/** One attribute path of the catalogue of data stores, as steps. */
typedef struct pg_det_attr {
    char text[256];                                /**< the path, cut into its names */
    pg_path_step steps[PG_DATA_STORE_MAX_STEPS];
    size_t n;                                      /**< 0: not a path (never from a loaded policy) */
} pg_det_attr;
/** Read `path` (`settings[0].deletion_protection_enabled`, the grammar
 * catalogue.c checks) into `out`. */
void pg_det__attr_path(pg_det_attr *out, const char *path);

/* MARK: reading a table (table_read.c) */

/* DynamoDB's longest attribute name is 255 bytes. */
#define PG_DET_KEY_NAME 256

/** aws_dynamodb_table or awscc_dynamodb_table. */
int pg_det__is_table_type(const char *type);
int pg_det__is_awscc_table(const pg_change *c);
/** The attribute that holds the table's name: "name" or "table_name". */
const char *pg_det__table_name_attr(const pg_change *c);
/** The table's name on `side` (NULL: absent or unknown); `*sensitive` when marked (may be NULL). */
const char *pg_det__table_name(const pg_change *c, pg_side side, int *sensitive);

/** A table's key schema on one side, whatever the shape. */
typedef struct pg_det_keys {
    char hash[PG_DET_KEY_NAME], range[PG_DET_KEY_NAME];
    int has_hash, has_range;
    int hash_unknown, range_unknown; /**< known only after apply (after side only) */
    int unreadable;                  /**< present but not a key schema (a string that does not parse): not "no key" */
    int absent;                      /**< no key schema at all on this side */
    int sensitive;                   /**< any part of it is marked sensitive */
    const char *path;                /**< evidence path: "hash_key" or "key_schema" */
} pg_det_keys;
void pg_det__table_keys(const pg_change *c, pg_side side, pg_det_keys *out);
/** Known only after apply or unreadable: every judgement on it says "may". */
int pg_det__keys_uncertain(const pg_det_keys *k);

/** Where the definition of key attribute `name` lives on one side. */
typedef struct pg_det_key_attr {
    pg_path_step steps[3];      /**< attribute[i].type / attribute_definitions[i].attribute_type */
    pg_path_step name_steps[3]; /**< attribute[i].name / attribute_definitions[i].attribute_name */
    const char *list;           /**< "attribute" / "attribute_definitions" */
    size_t index;
} pg_det_key_attr;
/** Where "point-in-time recovery is enabled" lives for the table's type: the steps, their count, the evidence path. */
size_t pg_det__pitr_steps(const pg_change *c, pg_path_step steps[3], const char **path);
/** Find the definition of `name` on `side`; 0 when absent. */
int pg_det__key_attr(const pg_change *c, pg_side side, const char *name, pg_det_key_attr *out);

/* MARK: wording (wording.c) — every plan value reaches text through here */

/**
 * The value at `steps` on `side` as text for a message, redacted: written
 * by pg_value_text from pg_change_redacted ("(known after apply)"…), an
 * unset value (absent or null) as pg_value_text words "no value", and
 * "(sensitive)" when either side is sensitive there. 0 or PG_ENOMEM.
 */
int pg_det__value_text(const pg_change *c, pg_side side, const pg_path_step *steps, size_t n, char *buf, size_t size,
                       pg_error *err);
/**
 * The redacted values before at `bsteps` and after at `asteps`, as new
 * json values: json null for a side the change does not have, both
 * "(sensitive)" when either side is (pg_det__sensitive_pair).
 */
int pg_det__redacted_pair(const pg_change *c, const pg_path_step *bsteps, const pg_path_step *asteps, size_t n,
                          json_t **before, json_t **after, pg_error *err);
/**
 * The old value (before at `bsteps`) and the new one (after at `asteps`) of
 * one attribute, as pg_det__value_text writes them; both "(sensitive)" when
 * either side is (pg_det__sensitive_pair).
 */
int pg_det__pair_text(const pg_change *c, const pg_path_step *bsteps, const pg_path_step *asteps, size_t n, char *btext,
                      char *atext, size_t size, pg_error *err);
/**
 * A name from the plan (a table name, a key name) for a message, quoted with
 * pg_quote ("orders"): `"(sensitive)"` when `sensitive`, pg_value_text's
 * "no value" (unquoted) when `s` is NULL. Always NUL-terminates.
 */
void pg_det__name_text(const char *s, int sensitive, char *buf, size_t size);
/* pg_det__name_text of a json string, quoted whole (a NUL inside included). */
void pg_det__name_json(const json_t *v, int sensitive, char *buf, size_t size);
/**
 * One key of a table (`range`: the sort key, else the partition key) for a
 * message: quoted, "(sensitive)", "no value" (none), "known only after
 * apply", or "a key_schema that cannot be read". Always NUL-terminates.
 */
void pg_det__key_text(const pg_det_keys *k, int range, char *buf, size_t size);
/**
 * `steps` as an evidence path ("tags.Name", "attribute[0].type"). A step
 * under a sensitive value (a key of a sensitive map) is a secret too: the
 * path stops there with ".(sensitive)". Keys that are not plain words are
 * written ["quoted"].
 */
int pg_det__path_text(const pg_change *c, const pg_path_step *steps, size_t n, pg_buf *out, pg_error *err);
/** One element of `replace_paths` as steps (keys and non-negative indices,
 * at most PG_POLICY_MAX_PATH_STEPS, up to the first step of another kind);
 * the number of steps, 0 when it is not a path. */
size_t pg_det__replace_path_steps(const json_t *p, pg_path_step steps[PG_POLICY_MAX_PATH_STEPS]);
/** Plain words for why a change destroys its object (a future action_reason quoted). */
const char *pg_det__reason_words(const pg_change *c, char *buf, size_t size);
/** "destroys it" / "replaces it (destroys the existing one, then creates a new one)" … */
const char *pg_det__destroy_words(const pg_change *c);
/** The backend file's name for messages (the operator's argument, not plan
 * input): without its directory, ".terraform/terraform.tfstate" kept whole. */
const char *pg_det__backend_name(const pg_backend *b);

/* MARK: building findings (emit.c) */

/** A new finding of `d` for `c` (NULL: plan-level) at d's default severity. */
int pg_det__finding_new(pg_finding **out, const pg_detector *d, const pg_change *c, pg_error *err);
typedef enum pg_det_field { PG_DET_MESSAGE, PG_DET_REMEDIATION } pg_det_field;
/** Set the finding's message or remediation (printf-style). 0 or PG_ENOMEM. */
int pg_det__text(pg_finding *f, pg_det_field field, pg_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/**
 * Evidence `path`: the redacted values before at `bsteps` and after at
 * `asteps` (json null for a side the change does not have); both
 * "(sensitive)" when either side is (pg_det__sensitive_pair).
 */
int pg_det__evidence_pair(pg_finding *f, const pg_change *c, const char *path, const pg_path_step *bsteps,
                          const pg_path_step *asteps, size_t n, pg_error *err);
/** pg_det__evidence_pair at the same path on both sides. */
int pg_det__evidence(pg_finding *f, const pg_change *c, const char *path, const pg_path_step *steps, size_t n,
                     pg_error *err);
/** Evidence with values in hand (stolen, even on failure; NULL is out of memory). */
int pg_det__evidence_take(pg_finding *f, const char *path, json_t *before, json_t *after, pg_error *err);
/**
 * The end of every detector: when rc is 0 and `keep` (something was found),
 * hand `f` to `out`; otherwise free it and return rc. `f` is taken either way.
 */
int pg_det__finish(pg_findings *out, pg_finding *f, int rc, int keep, pg_error *err);
/** A detector's zeroed state of `size` bytes (for `begin`). */
int pg_det__state_new(void **state_out, size_t size, pg_error *err);
/**
 * What a finding copies from a change, for findings made in `end` when the
 * change is gone: address, resource type, action list, normalised action, reason.
 */
typedef struct pg_det_origin {
    char *address;
    json_t *actions;
    pg_action action;
    char *reason;
    char *type; /* the change's resource type (a table of either provider, a replica, …) */
} pg_det_origin;
int pg_det__origin_keep(pg_det_origin *o, const pg_change *c, pg_error *err);
void pg_det__origin_dispose(pg_det_origin *o);
/** A finding of `d` for a kept origin. */
int pg_det__finding_from(pg_finding **out, const pg_detector *d, const pg_det_origin *o, pg_error *err);

/* MARK: key attribute types (key_types.c) */

/**
 * Key attributes (the hash and range key of the new table) whose `type`
 * differs between before and after, or is unknown after. Adds evidence to
 * `f` and a description to `desc` (when non-NULL); returns the count, or a
 * negative PG_E* code.
 */
int pg_det__key_type_changes(const pg_change *c, pg_finding *f, pg_buf *desc, pg_error *err);

/* MARK: lock tables (lock_table.c) */

typedef struct pg_lock_info {
    int is_lock;        /**< any of the reasons below */
    int named_backend;  /**< the backend's dynamodb_table */
    int named_policy;   /**< in the policy's lock_tables */
    int lockid_key;     /**< the hash key is exactly LockID, or a case-variant on a table that says_lock */
    int variant_key;    /**< the hash key is a case-variant of LockID (not LockID itself) */
    int says_lock;      /**< its name or a tag says Terraform state locking */
    int key_uncertain;  /**< its key schema is known only after apply or unreadable */
    const char *name;   /**< the table's name on that side, or NULL */
    int name_sensitive; /**< that name is marked sensitive */
    pg_det_keys keys;   /**< its key schema on that side */
} pg_lock_info;

/**
 * Does a name or tag text say Terraform state locking: "terraform",
 * "tfstate", "tf-state" or "tf_state" together with "lock" (ASCII case
 * ignored)?
 */
int pg_det__says_state_lock(const char *s, size_t n);

/** Is the table on `side` of `c` a lock table (SPEC §3)? */
void pg_det__lock_info(const pg_detect_env *env, const pg_change *c, pg_side side, pg_lock_info *out);

/** Why the table counts as a lock table, in words. 0 or PG_ENOMEM. */
int pg_det__lock_why(const pg_detect_env *env, const pg_change *c, pg_side side, const pg_lock_info *li, char *buf,
                     size_t size, pg_error *err);

/**
 * Check a lock table's key schema on `side`; add one evidence entry per
 * problem to `f` when non-NULL, a one-line summary to `summary` when
 * non-NULL, and return the number of problems (or a negative PG_E* code).
 */
int pg_det__lock_schema_problems(const pg_change *c, pg_side side, pg_finding *f, pg_buf *summary, pg_error *err);

/** The changes the lock-table detectors look at. */
int pg_det__lock_wants(const char *type, pg_action a);

#endif
