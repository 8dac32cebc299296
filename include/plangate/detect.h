/**
 * plangate/detect.h — the built-in detectors (SPEC §3) behind one interface.
 *
 * Each detector is one file, src/detect/<name>.c, that exports one
 * `const pg_detector pg_detector_<name>`: its id, title, default severity,
 * the checks / why / fix texts, and its callbacks. src/detect/registry.c is
 * the table of pointers to them (adding a detector is its file and one line
 * there), and nothing inside a detector looks itself up by id.
 *
 * A run (src/detect/engine.c) creates each enabled detector's state, shows
 * it every change it wants (planned and drift) in plan order, then calls
 * `end` once with the plan-level facts. What the policy's protect:
 * selectors say about a change is computed once, by the caller, and handed
 * to every detector (pg_detect_protection). State across changes is kept to
 * what is necessary (e.g. names of deleted and created tables), never the
 * whole plan.
 */
#ifndef PLANGATE_DETECT_H
#define PLANGATE_DETECT_H

#include <stddef.h>

#include "plangate/error.h"
#include "plangate/finding.h"
#include "plangate/plan.h"
#include "plangate/policy.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What the backend file (.terraform/terraform.tfstate) says. */
typedef struct pg_backend {
    char *type;            /**< "s3", "remote", … or NULL */
    char *dynamodb_table;  /**< backend.config.dynamodb_table, or NULL */
    int use_lockfile;      /**< backend.config.use_lockfile is true */
    char *source;          /**< the file it came from */
} pg_backend;

/**
 * Read a backend file. Tolerates the older layouts (a top-level "backend"
 * object with "config"; "remote" pre-0.9 layouts). PG_EIO when unreadable,
 * PG_EPLAN (with the reason) when it is not a backend file.
 * `out` is caller-owned: pg_backend_dispose() it.
 */
int pg_backend_load(pg_backend *out, const char *path, pg_error *err);
void pg_backend_dispose(pg_backend *b);

/** What every detector can see. */
typedef struct pg_detect_env {
    const pg_policy *policy;    /**< never NULL */
    const pg_backend *backend;  /**< NULL without --backend */
} pg_detect_env;

/**
 * What the policy's protect: selectors say about one change. The caller
 * asks the policy (pg_policy_protects) once per planned change that
 * destroys something, and the same answer goes to the report's destroy
 * list and to every detector.
 */
typedef struct pg_detect_protection {
    int is_protected;  /**< a protect: selector matches the change */
    const char *why;   /**< that selector's description (borrowed from the policy), or NULL */
} pg_detect_protection;

/*
 * The callbacks of a detector, as function types, so that a detector file
 * declares its own in one line each (`static pg_detect_change_fn on_change;`).
 */
/** Create the state (*state_out may stay NULL when there is none). */
typedef int pg_detect_begin_fn(void **state_out, const pg_detect_env *env, pg_error *err);
/**
 * One change (planned or drift: look at c->origin), with what the protect:
 * selectors say about it (never NULL).
 */
typedef int pg_detect_change_fn(void *state, const pg_detect_env *env, const pg_change *c,
                                const pg_detect_protection *prot, pg_findings *out, pg_error *err);
/** After the last change, with the plan-level facts. */
typedef int pg_detect_end_fn(void *state, const pg_detect_env *env, const pg_plan_info *info,
                             pg_findings *out, pg_error *err);
typedef void pg_detect_free_fn(void *state);
/**
 * Does this detector need to see a change of this type and action? The
 * reader skips decoding changes that nobody wants.
 */
typedef int pg_detect_wants_fn(const char *type, pg_action action);

/** A detector's descriptor: what it is and its callbacks (NULL: none). */
typedef struct pg_detector {
    const char *id;
    const char *title;
    pg_severity default_severity;
    const char *checks;       /**< what it checks (explain, SARIF full description) */
    const char *why;          /**< why it matters */
    const char *fix;          /**< how to fix it */
    pg_detect_begin_fn *begin;
    pg_detect_change_fn *on_change;
    pg_detect_end_fn *end;
    pg_detect_free_fn *free_state;
    pg_detect_wants_fn *wants; /**< NULL: every change (when on_change is set) */
} pg_detector;

/** Every built-in detector, in a stable order. */
size_t pg_detector_count(void);
const pg_detector *pg_detector_at(size_t i);
/** By id; NULL when unknown (for `explain` and the policy checker: no detector calls it). */
const pg_detector *pg_detector_find(const char *id);

/**
 * A run of every enabled detector. The engine applies the policy's
 * severity overrides to what detectors report.
 */
typedef struct pg_detect_run pg_detect_run;

int pg_detect_run_new(pg_detect_run **out, const pg_detect_env *env, pg_error *err);
/**
 * Show one change to every enabled detector that wants it. `prot` is what
 * the protect: selectors say about it: required for a planned change that
 * destroys something (c->destructive; without it PG_EINTERNAL, since a
 * destroy must never go unchecked), NULL otherwise (not protected).
 */
int pg_detect_run_change(pg_detect_run *run, const pg_change *c, const pg_detect_protection *prot,
                         pg_findings *out, pg_error *err);
int pg_detect_run_end(pg_detect_run *run, const pg_plan_info *info, pg_findings *out, pg_error *err);
/** Does any enabled detector want this (type, action)? */
int pg_detect_run_wants(const pg_detect_run *run, const char *type, pg_action action);
void pg_detect_run_free(pg_detect_run *run);

/**
 * Check the detector ids a policy names (src/detect/policy_check.c): every
 * `detectors:` key must be a built-in detector, and no rule id may be one.
 * PG_EPOLICY at the file:line:column of the offending id. Its signature is
 * pg_policy_check_fn: pg_policy_set_check(p, pg_detect_check_policy) runs it
 * on each file as it loads, so a file with an error changes nothing.
 */
int pg_detect_check_policy(const pg_policy *p, pg_error *err);

/**
 * The physical name of a resource the policy's catalogue of data stores
 * lists (`data_stores:` name attributes, the first one set, on `before`,
 * else on `after`), redacted as every plan value is: "(sensitive)" for a
 * sensitive one, "(known after apply)" for an unknown new one. *out is NULL
 * (not an error) when the type is not catalogued or no name is set; else
 * pg_free it. 0 or PG_ENOMEM.
 */
int pg_detect_physical_name(const pg_policy *p, const pg_change *c, char **out, pg_error *err);

/** Is this table (by its `name` attribute) a lock table under env (policy lock_tables, backend)? */
int pg_detect_is_named_lock_table(const pg_detect_env *env, const char *table_name);

#ifdef __cplusplus
}
#endif

#endif
