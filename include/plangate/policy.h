/**
 * plangate/policy.h — YAML policies (SPEC §4): loading, merging, evaluation.
 *
 * A pg_policy is the merge of every policy file loaded into it, in load
 * order: the default pack first (unless --no-default-policies), then each
 * --policy PATH in command-line order, a folder's *.yaml and *.yml files in
 * byte order of their names. Errors name file:line:column (PG_EPOLICY).
 */
#ifndef PLANGATE_POLICY_H
#define PLANGATE_POLICY_H

#include <stddef.h>

#include "plangate/error.h"
#include "plangate/finding.h"
#include "plangate/plan.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Named limits of the loader. */
#define PG_POLICY_MAX_FILE_BYTES ((size_t)4 << 20) /**< one YAML file */
#define PG_POLICY_MAX_ALIASES 1000u                /**< alias uses per file */
#define PG_POLICY_MAX_DEPTH 64u                    /**< YAML nesting, and condition nesting */
#define PG_POLICY_MAX_PATH_STEPS 64u               /**< steps in one path */
/**
 * The longest value `matches:` is tried on. glibc's regexec is quadratic on
 * some patterns ("(a|aa)+c" takes 0.5 s on 16 KiB, 6.6 s on 64 KiB); a longer
 * value is not matched but counts as unknown (a `require` fails closed). 64
 * KiB holds every policy document AWS accepts (IAM 10 KB, S3 20 KB, KMS 32 KB).
 */
#define PG_POLICY_MAX_MATCH_BYTES 65536u

typedef struct pg_policy pg_policy;

pg_policy *pg_policy_new(void);
void pg_policy_free(pg_policy *p);

/** Load and merge one file, or every *.yaml and *.yml of a folder (sorted). */
int pg_policy_load_path(pg_policy *p, const char *path, pg_error *err);
/** Load and merge policy text; `name` is used in error positions. */
int pg_policy_load_string(pg_policy *p, const char *name, const char *text, size_t len, pg_error *err);
/** Load and merge the default pack compiled into the binary. */
int pg_policy_load_defaults(pg_policy *p, pg_error *err);

/** Built-in detector settings (`detectors:`). Unknown ids are a load error. */
int pg_policy_detector_enabled(const pg_policy *p, const char *detector_id);
pg_severity pg_policy_detector_severity(const pg_policy *p, const char *detector_id, pg_severity dflt);

/** `lock_tables:` names. Borrowed. */
size_t pg_policy_lock_table_count(const pg_policy *p);
const char *pg_policy_lock_table(const pg_policy *p, size_t i);

/**
 * Does a `protect:` selector match `c`? Selectors test the change's
 * type/address/name globs, tags and conditions against `before` (what is
 * about to be destroyed). On a match, `*why_out` (may be NULL) gets a short
 * borrowed description of the selector ("type aws_dynamodb_table when
 * before.tags.Environment equals production").
 */
int pg_policy_protects(const pg_policy *p, const pg_change *c, const char **why_out);

/** Evaluate every rule (`rules:`) on one change, appending findings. */
int pg_policy_eval_change(const pg_policy *p, const pg_change *c, pg_findings *out, pg_error *err);

/** Does any rule need to see changes with this type and action? (skip fast path) */
int pg_policy_wants(const pg_policy *p, const char *type, pg_action action);

/** What a rule (or detector, through detect.h) is, for explain/SARIF. */
typedef struct pg_rule_meta {
    const char *id;
    const char *title;
    pg_severity severity;
    const char *description; /**< what it checks and why */
    const char *remediation; /**< how to fix it */
    int waivable;
    const char *source;      /**< the policy file, or "built-in" */
} pg_rule_meta;

size_t pg_policy_rule_count(const pg_policy *p);
/** Borrowed; valid while `p` lives. */
const pg_rule_meta *pg_policy_rule(const pg_policy *p, size_t i);

/** A waiver's state after a run. */
typedef enum pg_waiver_state { PG_WAIVER_UNUSED = 0, PG_WAIVER_USED, PG_WAIVER_EXPIRED } pg_waiver_state;

typedef struct pg_waiver_status {
    const char *rule;     /**< borrowed from the policy */
    const char *address;
    const char *reason;
    const char *owner;    /**< or NULL */
    const char *expires;  /**< "YYYY-MM-DD" or NULL */
    const char *source;   /**< file:line */
    pg_waiver_state state;
    size_t matched;       /**< findings covered (or that it would have covered, when expired) */
} pg_waiver_status;

/**
 * Apply waivers to `findings` as of `today` ("YYYY-MM-DD"): marks covered
 * findings waived (with reason and owner), notes an expired waiver on the
 * findings it would have covered, honours waivable: false. Writes one
 * status per waiver into a new array (*out, pg_free it; may be NULL when
 * count is 0) — strings in it are borrowed from `p`.
 */
int pg_policy_apply_waivers(const pg_policy *p, pg_findings *findings, const char *today,
                            pg_waiver_status **out, size_t *count_out, pg_error *err);

/** One `examples:` entry of a rule, for `plangate test`. */
typedef struct pg_policy_example {
    const char *rule;       /**< the rule that carries it */
    const char *plan;       /**< resolved path of the plan fixture */
    const char *source;     /**< file:line of the example */
    json_t *expect;         /**< borrowed: array of { address[, rule] } objects */
} pg_policy_example;

size_t pg_policy_example_count(const pg_policy *p);
const pg_policy_example *pg_policy_example_at(const pg_policy *p, size_t i);

#ifdef __cplusplus
}
#endif

#endif
