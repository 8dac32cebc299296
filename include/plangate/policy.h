/**
 * plangate/policy.h — YAML policies (SPEC §4): loading, merging, evaluation.
 *
 * A pg_policy is the merge of every policy file loaded into it, in load
 * order: the default pack first (unless --no-default-policies), then each
 * --policy PATH in command-line order, a folder's *.yaml and *.yml files in
 * byte order of their names, then each --waivers FILE. Errors name
 * file:line:column (PG_EPOLICY).
 *
 * Trust model (README "Trust model", docs/policies.md): files loaded with
 * pg_policy_load_path/_string/_defaults are trusted — they may configure
 * detectors, protect resources, add rules and waive findings. Files loaded
 * with pg_policy_load_waivers come from the change under review: they may
 * hold only `version:` and `waivers:`, and each waiver must give a reason,
 * an expiry within the trusted `waiver_limits: { max_days }`, and an
 * address that names resources (docs/policies.md defines the class).
 *
 * The policy module knows no detector: it keeps `detectors:` settings as
 * data with their positions, and the caller validates them
 * (pg_detect_check_policy in detect.h, installed with pg_policy_set_check).
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
#define PG_POLICY_MAX_DEPTH 64u                    /**< condition nesting (all:/any:/not:) */
/** YAML nesting: room for PG_POLICY_MAX_DEPTH levels of conditions inside a
 * rule's `require` or `match.where` (each level of all:/any: opens two
 * collections: its mapping and its list) and the sections around them. */
#define PG_POLICY_MAX_YAML_DEPTH (2u * PG_POLICY_MAX_DEPTH + 8u)
#define PG_POLICY_MAX_PATH_STEPS 64u               /**< steps in one path */
/**
 * The longest value `matches:` is tried on. glibc's regexec is quadratic on
 * some patterns ("(a|aa)+c" takes 0.5 s on 16 KiB, 6.6 s on 64 KiB); a longer
 * value is not matched but counts as unknown (a `require` fails closed). 64
 * KiB holds every policy document AWS accepts (IAM 10 KB, S3 20 KB, KMS 32 KB).
 */
#define PG_POLICY_MAX_MATCH_BYTES 65536u
/**
 * How far ahead a waiver from the change may expire, in days from today,
 * when no trusted file sets `waiver_limits: { max_days: N }`; and the
 * largest N a trusted file may set.
 */
#define PG_POLICY_DEFAULT_WAIVER_MAX_DAYS 30
#define PG_POLICY_MAX_WAIVER_DAYS 3650

typedef struct pg_policy pg_policy;

/** An empty policy in *out: PG_OK, or PG_ENOMEM (set in `err`) with *out NULL. */
int pg_policy_new(pg_policy **out, pg_error *err);
void pg_policy_free(pg_policy *p);

/**
 * A check run on every file after it loads and before it merges (so a file
 * with an error changes nothing, as for any other error). `file` is a
 * policy holding that file alone. The detector module's
 * pg_detect_check_policy is the one plangate installs: it rejects unknown
 * detector ids and rule ids that are detector ids.
 */
typedef int (*pg_policy_check_fn)(const pg_policy *file, pg_error *err);
void pg_policy_set_check(pg_policy *p, pg_policy_check_fn check);

/**
 * Load and merge one trusted file, or every *.yaml and *.yml of a folder
 * (sorted). In a folder, a symbolic link whose target is outside the folder
 * is an error (PG_EPOLICY, naming the link, never quoting the target); a
 * file named directly is followed wherever it points (the operator chose it).
 */
int pg_policy_load_path(pg_policy *p, const char *path, pg_error *err);
/** Load and merge trusted policy text; `name` is used in error positions. */
int pg_policy_load_string(pg_policy *p, const char *name, const char *text, size_t len, pg_error *err);

/**
 * Load a waiver file from the change under review (--waivers), after every
 * trusted file: it is checked against what they set (waivable: false rules,
 * waiver_limits). `today` ("YYYY-MM-DD") is the day expiry bounds count
 * from. The file must be a regular file, not a symbolic link. Its waivers
 * are reported as from the change (pg_waiver_status.from_change).
 */
int pg_policy_load_waivers(pg_policy *p, const char *path, const char *today, pg_error *err);
/** The same from text; `name` is used in error positions. */
int pg_policy_load_waivers_string(pg_policy *p, const char *name, const char *text, size_t len,
                                  const char *today, pg_error *err);

/**
 * The policy files of a folder as `plangate lint` checks them one by one:
 * "DIR/NAME" strings sorted by name (pg_policy_list_free them). PG_EPOLICY
 * when the folder cannot be read, holds none, or holds a link that leaves it.
 */
int pg_policy_list_folder(const char *dir, char ***out, size_t *count, pg_error *err);
void pg_policy_list_free(char **list, size_t count);

/** The default pack compiled into the binary: its files, by index. */
size_t pg_policy_default_count(void);
/** The file name of pack file i ("detectors.yaml"), or NULL. Its errors and
 * rules name it PG_POLICY_BUILTIN_PREFIX + that name. */
const char *pg_policy_default_file(size_t i);
#define PG_POLICY_BUILTIN_PREFIX "<builtin>/"
int pg_policy_load_default(pg_policy *p, size_t i, pg_error *err);
/** Load every file of the pack. Example plans are left unresolved. */
int pg_policy_load_defaults(pg_policy *p, pg_error *err);
/** Does `dir` hold the pack's files, byte for byte (the source tree's policies/)? */
int pg_policy_is_pack_dir(const char *dir);
/**
 * Load the pack with its examples' plans resolved relative to `pack_dir`
 * when pg_policy_is_pack_dir(pack_dir), else unresolved (`plangate test`
 * skips them). `pack_dir` may be NULL.
 */
int pg_policy_load_defaults_with_examples(pg_policy *p, const char *pack_dir, pg_error *err);

/** Where something was written in a policy file. */
typedef struct pg_policy_position {
    const char *file;
    int line;   /**< 1-based */
    int column; /**< 1-based */
} pg_policy_position;

/** One `detectors:` entry, merged across files key by key. Borrowed. */
typedef struct pg_policy_detector_setting {
    const char *id;
    int enabled;                 /**< -1 unset, 0 or 1 */
    int severity;                /**< -1 unset, else a pg_severity */
    pg_policy_position at;       /**< the id key, where a file first named it */
    const char *enabled_source;  /**< "file:line" of the `enabled:` in force, or NULL */
    const char *severity_source; /**< "file:line" of the `severity:` in force, or NULL */
} pg_policy_detector_setting;

size_t pg_policy_detector_setting_count(const pg_policy *p);
const pg_policy_detector_setting *pg_policy_detector_setting_at(const pg_policy *p, size_t i);

/** Built-in detector settings (`detectors:`), by id. */
int pg_policy_detector_enabled(const pg_policy *p, const char *detector_id);
pg_severity pg_policy_detector_severity(const pg_policy *p, const char *detector_id, pg_severity dflt);

/** `waiver_limits: { max_days }` in force (PG_POLICY_DEFAULT_WAIVER_MAX_DAYS when unset). */
int pg_policy_waiver_max_days(const pg_policy *p);

/** `lock_tables:` names. Borrowed. */
size_t pg_policy_lock_table_count(const pg_policy *p);
const char *pg_policy_lock_table(const pg_policy *p, size_t i);

/**
 * Environments (`environments:`, docs/policies.md "Environments"): named
 * sets of tag keys and values, each saying whether it holds production
 * data. A change is in the environment the plan declares (--env) and in
 * every environment whose tags it carries: tags, tags_all, labels,
 * effective_labels, terraform_labels, and the Cloud Control { key, value }
 * list; keys and values compared case-insensitively; `before` for a change
 * that destroys an object, `after` for one that leaves one behind, both for
 * a replace. A tag value unknown at plan time may be production.
 */

/** Declare the environment of the whole plan (--env); NULL clears it. PG_EUSAGE for an unknown name
 *  (the message names the known ones). */
int pg_policy_set_plan_environment(pg_policy *p, const char *name, pg_error *err);
/** The declared environment, or NULL. Borrowed. */
const char *pg_policy_plan_environment(const pg_policy *p);
/** The environment of `c` (the plan's declared one first, else the first `environments:` entry whose
 *  tags match, reading the sides described above); *name_out is NULL when none; borrowed. An unknown
 *  tag names no environment here: ask pg_policy_is_production. 0 (nothing here fails today). */
int pg_policy_change_environment(const pg_policy *p, const pg_change *c, const char **name_out, pg_error *err);
/** A test of one tag of a change: `key` NULL when the key is unknown (a whole map, a list element's
 *  key); `value` NULL when the value is unknown at plan time. Nonzero: the tag says what is asked. */
typedef int (*pg_policy_tag_fn)(void *ctx, const char *key, size_t key_len, const json_t *value);
/** Does any tag of `c` (every place and side described above) pass `fn`? 1 or 0. For detectors that
 *  read a tag's meaning (a state-lock table's Purpose tag) through the one tag reader. */
int pg_policy_any_tag(const pg_change *c, pg_policy_tag_fn fn, void *ctx);
/** Is `c` in an environment marked production (or may it be: an unknown tag value counts)? *out 0/1.
 *  The declared environment adds to what the tags say: a table tagged production is production in a
 *  plan declared staging. 0 (nothing here fails today). */
int pg_policy_is_production(const pg_policy *p, const pg_change *c, int *out, pg_error *err);
/** The defined environments, in the order first defined: name i (borrowed; NULL when out of range), and
 *  whether it says production: true (*production_out, may be NULL). */
size_t pg_policy_environment_count(const pg_policy *p);
const char *pg_policy_environment_name(const pg_policy *p, size_t i, int *production_out);
/**
 * Load only the `environments:` of the default pack: what `plangate lint` and
 * `plangate test` give the files they load without the pack, so that a file
 * may use `{ environment: production }` and `{ production: true }`.
 */
int pg_policy_load_default_environments(pg_policy *p, pg_error *err);

/**
 * Does a `protect:` selector match `c`? Selectors test the change's
 * type glob, address pattern and name glob, and its tags and conditions
 * (`tags:` and environments on the sides described above; `when:` paths as
 * written, usually `before`: what is about to be destroyed). *protected_out is 1 or 0; on a match, `*why_out`
 * (may be NULL) gets a short borrowed description of the selector ("type
 * aws_dynamodb_table when before.tags.Environment equals production"), else
 * NULL. 0, or PG_ENOMEM (*protected_out is then 1: the caller must stop, but
 * nothing reads it as "unprotected").
 */
int pg_policy_protects(const pg_policy *p, const pg_change *c, int *protected_out, const char **why_out,
                       pg_error *err);

/**
 * Does the address pattern `pattern` cover `address`? The one notion of
 * coverage (docs/policies.md "Address patterns"), used by `protect:`
 * `address`, rule `match.address` and waivers: Terraform's address grammar,
 * where a module or resource name the pattern does not give an instance key
 * covers all its instances (`module.m.*` covers `module.m["eu"].t.n`), `[N]`
 * and `["key"]` name one instance, `[*]` and wildcards inside `["..."]`
 * match keys, and `*` outside keys matches any run of steps. *out 1 or 0.
 * 0, PG_EPOLICY for a malformed pattern (the reason in err), or PG_ENOMEM.
 */
int pg_policy_address_covers(const char *pattern, const char *address, int *out, pg_error *err);

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
/** Where rule i's id is written. Borrowed; NULL when out of range. */
const pg_policy_position *pg_policy_rule_position(const pg_policy *p, size_t i);

/** The waivers loaded (trusted files and --waivers files). */
size_t pg_policy_waiver_count(const pg_policy *p);
/** Waiver i's rule id, and in *at (when not NULL) where its `rule:` value is
 * written (`plangate lint` checks the id). Borrowed; NULL when out of range. */
const char *pg_policy_waiver_rule(const pg_policy *p, size_t i, pg_policy_position *at);

/** The errors `plangate lint` shows for one file, at most
 * PG_POLICY_MAX_ERRORS; `more` counts those past the cap. */
#define PG_POLICY_MAX_ERRORS 50u
typedef struct pg_policy_errors {
    pg_error items[PG_POLICY_MAX_ERRORS];
    size_t count, more;
} pg_policy_errors;

/**
 * pg_policy_load_path, going on after an error where the structure allows
 * (the next top-level section, rule, protect selector, waiver), so that
 * every error of a file is found; each is appended to *errs (not cleared
 * first). A YAML syntax error still stops its file, and a file with an
 * error changes nothing in `p`. Returns PG_EPOLICY (err: the first error)
 * when any was found.
 */
int pg_policy_load_path_all(pg_policy *p, const char *path, pg_policy_errors *errs, pg_error *err);

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
    int from_change;      /**< 1: from a --waivers file (the change under review), 0: a trusted policy */
} pg_waiver_status;

/**
 * Apply waivers to `findings` as of `today` ("YYYY-MM-DD"; NULL: the system
 * clock): marks covered findings waived (with reason and owner), notes an
 * expired waiver on the findings it would have covered, honours waivable:
 * false. Writes one status per waiver into a new array (*out, pg_free it;
 * may be NULL when count is 0) — strings in it are borrowed from `p`.
 */
int pg_policy_apply_waivers(const pg_policy *p, pg_findings *findings, const char *today,
                            pg_waiver_status **out, size_t *count_out, pg_error *err);

/** One `examples:` entry of a rule, for `plangate test`. */
typedef struct pg_policy_example {
    const char *rule;       /**< the rule that carries it */
    const char *plan;       /**< resolved path of the plan fixture, or NULL (unresolved) */
    const char *source;     /**< file:line of the example */
    json_t *expect;         /**< borrowed: array of { address[, rule] } objects */
} pg_policy_example;

size_t pg_policy_example_count(const pg_policy *p);
const pg_policy_example *pg_policy_example_at(const pg_policy *p, size_t i);

/**
 * The catalogue of data stores (`data_stores:`, docs/policies.md "Data
 * stores", issue 14): resource types that hold data, what a destroy loses,
 * the attributes that hold the physical name and those that soften or
 * harden the loss. The default pack's policies/catalogue.yaml fills it; a
 * later file's entry for a type replaces the earlier one whole, and
 * `{ enabled: false }` takes the type out. Everything is owned by the
 * policy and borrowed by callers.
 */
/** The most steps an attribute path of the catalogue has (names and [N] indexes). */
#define PG_DATA_STORE_MAX_STEPS 8

typedef enum pg_store_effect {
    PG_STORE_SOFTENS = 0, /**< something is kept or recoverable */
    PG_STORE_HARDENS,     /**< nothing is kept */
    PG_STORE_BLOCKS,      /**< the provider or the cloud refuses: the apply stops half-way */
    PG_STORE_SPARES       /**< the object is not deleted, only forgotten */
} pg_store_effect;

/** "softens", "hardens", "blocks", "spares". */
const char *pg_store_effect_name(pg_store_effect e);

/** One `outcome:` entry of a data store. */
typedef struct pg_store_outcome {
    char *attribute;        /**< an attribute path: `force_destroy`, `settings[0].deletion_protection_enabled` */
    int when_set;           /**< `when:` written (else: any value that is set) */
    json_t *when;           /**< the value (json null: "not set"); NULL when !when_set */
    pg_store_effect effect;
    char *says;             /**< words; {path} is the redacted value of an attribute path */
} pg_store_outcome;

typedef struct pg_data_store {
    char *type;             /**< a resource type, or a glob with `*` (aws_fsx_*) */
    int enabled;            /**< 0: `{ enabled: false }` (the type is not catalogued) */
    char *holds;            /**< what is lost, in words (NULL when disabled) */
    char **names;           /**< physical-name attribute paths, first set wins */
    size_t n_names;
    pg_store_outcome *outcomes;
    size_t n_outcomes;
    char *source;           /**< "file:line" of the definition in force */
} pg_data_store;

/** The catalogue entry for a resource type (exact types first, then globs
 *  in the order first defined), or NULL (not catalogued, or disabled). */
const pg_data_store *pg_policy_data_store_find(const pg_policy *p, const char *type);
/** Every entry, disabled ones too (look at `enabled`), in the order first defined. */
size_t pg_policy_data_store_count(const pg_policy *p);
const pg_data_store *pg_policy_data_store_at(const pg_policy *p, size_t i);
/**
 * Does a value (the object's current `before` value of o->attribute; NULL
 * when absent) match the outcome? `when` omitted: any value that is set;
 * `when: null`: not set; else equal (primitives compare as Terraform
 * converts them: "0" equals 0).
 */
int pg_policy_store_outcome_matches(const pg_store_outcome *o, const json_t *value);

#ifdef __cplusplus
}
#endif

#endif
