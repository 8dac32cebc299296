/* detect_internal.h — what the detector files share (not public).
 *
 * The catalogue (ids, titles, texts, severities) lives in registry.c so that
 * `explain`, SARIF and the policy loader see one table; each detector's
 * behaviour lives in its own file and is declared here. */
#ifndef PG_DETECT_INTERNAL_H
#define PG_DETECT_INTERNAL_H

#include <stddef.h>

#include "plangate/detect.h"

#define PG_TYPE_DYNAMODB_TABLE "aws_dynamodb_table"
#define PG_TYPE_AUTOSCALING_TARGET "aws_appautoscaling_target"
/* What Terraform's S3 backend keys its lock items by (case-sensitive). */
#define PG_LOCK_KEY "LockID"

/* Short text of a value in messages (old → new). */
#define PG_DET_TEXT 160

/* MARK: helpers (util.c) */

/** A managed resource (data sources are read, never destroyed). */
int pg_det__is_managed(const pg_change *c);
/** A managed aws_dynamodb_table change from resource_changes (never drift). */
int pg_det__is_planned_table(const pg_change *c);
/** A string member of before/after, or NULL. */
const char *pg_det__str(const pg_change *c, pg_side side, const char *key);
/** Is a top-level attribute of `after` unknown at plan time? */
int pg_det__unknown(const pg_change *c, const char *key);
/** The `type` of the entry named `name` in the side's `attribute` list; `*index_out` its position. */
const char *pg_det__attribute_type(const pg_change *c, pg_side side, const char *name, size_t *index_out);
/** Redacted text of the value at a one-step path `key` on `side`. */
void pg_det__text(const pg_change *c, pg_side side, const char *key, char *buf, size_t size);
/** Redacted text of a whole redacted value. */
void pg_det__json_text(const json_t *v, char *buf, size_t size);
/** New finding for detector `d` on change `c` (may be NULL); sets the message. NULL when out of memory. */
pg_finding *pg_det__finding(const pg_detector *d, const pg_change *c);
/** Plain words for why a change destroys its object (never NULL). */
const char *pg_det__reason_words(const pg_change *c);
/** "destroys it" / "replaces it (destroys it, then creates a new one)" … */
const char *pg_det__destroy_words(const pg_change *c);
/** The backend file's name for messages (without its directory; ".terraform/terraform.tfstate" kept whole). */
const char *pg_det__backend_name(const pg_backend *b);
/** Evidence `name`: the table's name before → after (redacted; null for a side that does not exist). */
int pg_det__name_evidence(pg_finding *f, const pg_change *c);
/** pg_findings_add with an out-of-memory check of `f`. */
int pg_det__add(pg_findings *out, pg_finding *f, pg_error *err);
/** Append to a growable array of strings (owned copies). */
int pg_det__strv_push(char ***v, size_t *n, size_t *cap, const char *s);
void pg_det__strv_free(char **v, size_t n);

/** Append printf-style text to a NUL-terminated buffer (truncates). */
void pg_det__append(char *buf, size_t size, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/** Does a mask (after_unknown, *_sensitive) hold `true` anywhere? */
int pg_det__mask_any(const json_t *mask);
/**
 * Key attributes (the hash and range key of the new table) whose `type`
 * differs between before and after, or is unknown after. Adds evidence to
 * `f` (when non-NULL), a description to `desc` (when non-NULL); returns the
 * count, or PG_ENOMEM.
 */
int pg_det__key_type_changes(const pg_change *c, pg_finding *f, char *desc, size_t size);

/* MARK: lock tables (lock_table.c) */

typedef struct pg_lock_info {
    int is_lock;          /**< any of the reasons below */
    int named_backend;    /**< the backend's dynamodb_table */
    int named_policy;     /**< in the policy's lock_tables */
    int lockid_key;       /**< hash_key is LockID or a case-variant */
    const char *name;     /**< the table's `name` on that side, or NULL */
    const char *hash_key; /**< or NULL */
    int hash_sensitive;   /**< hash_key is marked sensitive */
} pg_lock_info;

/** Is the table on `side` of `c` a lock table (SPEC §3)? */
void pg_det__lock_info(const pg_detect_env *env, const pg_change *c, pg_side side, pg_lock_info *out);

/** Why the table counts as a lock table, in words (into buf, returned). */
const char *pg_det__lock_why(const pg_detect_env *env, const pg_lock_info *li, char *buf, size_t size);

/**
 * Check a lock table's key schema on `side`; add one evidence entry per
 * problem to `f` when non-NULL and return the number of problems (or a
 * negative PG_ENOMEM). `summary` (may be NULL) receives a one-line summary.
 */
int pg_det__lock_schema_problems(const pg_change *c, pg_side side, pg_finding *f, char *summary,
                                 size_t size);

/* MARK: detector callbacks, one file each */

int pg_det__key_replacement_change(void *, const pg_detect_env *, const pg_change *, pg_findings *, pg_error *);
int pg_det__key_replacement_wants(const char *type, pg_action a);

int pg_det__key_type_change(void *, const pg_detect_env *, const pg_change *, pg_findings *, pg_error *);
int pg_det__key_type_wants(const char *type, pg_action a);

int pg_det__protected_change(void *, const pg_detect_env *, const pg_change *, pg_findings *, pg_error *);
int pg_det__protected_wants(const char *type, pg_action a);

int pg_det__deletion_protection_change(void *, const pg_detect_env *, const pg_change *, pg_findings *,
                                       pg_error *);
int pg_det__deletion_protection_wants(const char *type, pg_action a);

int pg_det__rename_begin(void **, const pg_detect_env *, pg_error *);
int pg_det__rename_change(void *, const pg_detect_env *, const pg_change *, pg_findings *, pg_error *);
int pg_det__rename_end(void *, const pg_detect_env *, const pg_plan_info *, pg_findings *, pg_error *);
void pg_det__rename_free(void *);
int pg_det__rename_wants(const char *type, pg_action a);

int pg_det__lock_schema_change(void *, const pg_detect_env *, const pg_change *, pg_findings *, pg_error *);
int pg_det__lock_destroy_change(void *, const pg_detect_env *, const pg_change *, pg_findings *, pg_error *);
int pg_det__lock_pitr_change(void *, const pg_detect_env *, const pg_change *, pg_findings *, pg_error *);
int pg_det__lock_backend_change(void *, const pg_detect_env *, const pg_change *, pg_findings *, pg_error *);
int pg_det__lock_deprecated_end(void *, const pg_detect_env *, const pg_plan_info *, pg_findings *,
                                pg_error *);
int pg_det__lock_wants(const char *type, pg_action a);
int pg_det__lock_pitr_wants(const char *type, pg_action a);

int pg_det__provisioned_begin(void **, const pg_detect_env *, pg_error *);
int pg_det__provisioned_change(void *, const pg_detect_env *, const pg_change *, pg_findings *, pg_error *);
int pg_det__provisioned_end(void *, const pg_detect_env *, const pg_plan_info *, pg_findings *, pg_error *);
void pg_det__provisioned_free(void *);
int pg_det__provisioned_wants(const char *type, pg_action a);

int pg_det__incomplete_end(void *, const pg_detect_env *, const pg_plan_info *, pg_findings *, pg_error *);
int pg_det__wants_nothing(const char *type, pg_action a);

#endif
