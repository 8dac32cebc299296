/* policy_internal.h — what the files of src/policy/ share (not public).
 *
 * Data flow of a load (load.c):  text --yaml_adapter.c--> pn_node tree
 * (line:col on every node) --document.c, rule_load.c, protect.c,
 * waiver_load.c, cond_parse.c (typed reading through node.c)--> a staging
 * pg_policy --the caller's check (pg_policy_set_check)--> merge.c --> the
 * caller's pg_policy (model.c owns it). Evaluation: path.c finds values in a
 * change, cond_eval.c applies operators and combinators (compare.c says how
 * values compare), evidence.c shows why a condition failed, template.c
 * renders messages, rule_eval.c runs the rules, protect.c the selectors,
 * waiver.c applies waivers. pack.c holds the default pack.
 *
 * The policy module links against json/plan/finding/util only: it knows no
 * detector. Detector ids are checked by src/detect/policy_check.c, which
 * reads the settings through the public accessors (issue 12).
 */
#ifndef PG_POLICY_INTERNAL_H
#define PG_POLICY_INTERNAL_H

#include <regex.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "plangate/error.h"
#include "plangate/finding.h"
#include "plangate/plan.h"
#include "plangate/policy.h"

/* Aliases may share a node many times (billion laughs): the nodes reachable
 * through aliases, counted with repetition, are capped here, on top of
 * PG_POLICY_MAX_ALIASES alias uses. */
#define PG_POLICY_MAX_ALIAS_EXPANSION 100000u
/* `matches:` patterns (regex.c): glibc's regcomp expands bounded
 * repetitions, so their bounds and nesting are capped, and their length. */
#define PG_POLICY_MAX_REGEX_BYTES 512u
#define PG_POLICY_MAX_REGEX_REPEAT 100u
/* The text they are matched against: PG_POLICY_MAX_MATCH_BYTES (policy.h). */
/* Rendered messages are cut here (a template can quote whole blocks). */
#define PG_POLICY_MAX_MESSAGE 4096u
/* The room a message gives one quoted piece of input (util/quote cuts it
 * on a character boundary with "…"): a hostile file cannot fill an error
 * line, and what it holds reaches stderr escaped. */
#define PG_POLICY_QUOTE 96u

/* The deepest plan value an operator or a message looks into (issue 11) is
 * the reader's PG_JSON_MAX_DEPTH_CEILING (json.h, through plan.h): a deeper
 * value (only one built by hand can be) is one an operator cannot judge:
 * unknown, and shown as PG_POLICY_TOO_DEEP_TEXT. */
#define PG_POLICY_TOO_DEEP_TEXT "(a value nested too deep to show)"

/* ==== MARK: YAML node tree (yaml_adapter.c) ============================ */

typedef enum pn_kind { PN_SCALAR = 0, PN_SEQ, PN_MAP } pn_kind;

/* Scalar types of the YAML 1.2 core schema (plain scalars resolve by their
 * text; quoted scalars are strings; explicit !!tags are honoured). */
typedef enum pn_stype { PS_STR = 0, PS_NULL, PS_BOOL, PS_INT, PS_FLOAT } pn_stype;

typedef struct pn_node {
    pn_kind kind;
    pn_stype stype;          /* scalars */
    int line, col;           /* 1-based */
    char *text;              /* scalars: the value, NUL-terminated (never holds NUL) */
    size_t len;
    int boolean;             /* PS_BOOL */
    json_int_t integer;      /* PS_INT that fits */
    double real;             /* PS_FLOAT, or PS_INT that does not fit */
    int int_fits;            /* PS_INT: `integer` is exact */
    struct pn_node **kids;   /* SEQ: items; MAP: key0, value0, key1, value1, ... */
    size_t n, cap;           /* entries of kids (a MAP holds n/2 pairs) */
    size_t weight;           /* nodes reachable from here, aliases counted again */
    struct pn_node *next_alloc;
} pn_node;

typedef struct pn_doc {
    pn_node *root;           /* NULL for an empty stream */
    pn_node *all;            /* every node, for freeing */
    /* A tree made from the pre-compiled default pack (pack.c) is three
     * blocks instead: its nodes, their kid pointers and their text. */
    pn_node *block_nodes;
    pn_node **block_kids;
    char *block_text;
} pn_doc;

/* Parse one YAML document. Errors are PG_EPOLICY with source `name` and the
 * line:column of the problem (libyaml's 0-based marks made 1-based). */
int pg_policy__yaml_parse(pn_doc *out, const char *name, const char *text, size_t len,
                          pg_error *err);
void pg_policy__yaml_free(pn_doc *d);

/* ==== MARK: reading nodes (node.c) ===================================== */

/* Where errors about a node go: the file's name and the caller's record. */
typedef struct pn_ctx {
    const char *source;
    pg_error *err;
    pg_policy_errors *collect; /* lint: every error is kept here and loading goes on; else NULL */
} pn_ctx;

/* After a part of a file (a section, a rule, a selector, a waiver) failed
 * with rc: in a collecting load, keep err's error in x->collect, clear it,
 * and return PG_OK so that loading goes on with the next part; otherwise
 * (and for PG_ENOMEM) return rc. */
int pg_policy__go_on(const pn_ctx *x, int rc);

/* The one place a position is added: `err` already holds the message (a
 * sub-parser set it); the source and the node's line:col are added here.
 * Returns err's code (PG_EPOLICY unless it was out of memory). */
int pg_policy__at(const pn_ctx *x, const pn_node *at);
/* PG_EPOLICY with a message at the node's position. Returns PG_EPOLICY. */
int pg_policy__fail(const pn_ctx *x, const pn_node *at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* `s` quoted for a message (util/quote: a JSON literal, escaped, cut to
 * fit `size`). Returns buf. */
const char *pg_policy__quote(char *buf, size_t size, const char *s);

/* "; did you mean `WORD`?" for a suggestion (util/suggest.h), "" for NULL. */
void pg_policy__did_you_mean(char *buf, size_t size, const char *suggestion);
/* The value of key `key` in mapping `map`, or NULL. */
const pn_node *pg_policy__map_get(const pn_node *map, const char *key);
/* The node as a jansson value (*out: a new reference). A number that is not
 * finite (.inf, .nan, 1e999) is PG_EPOLICY at its position: jansson holds
 * no such number, and no plan value can equal it. */
int pg_policy__node_json(const pn_ctx *x, const pn_node *n, json_t **out);
/* "a string", "a mapping", "a list", "a number", "a boolean", "null". */
const char *pg_policy__node_kind_name(const pn_node *n);

/* Typed getters: each checks the node and fails at its position. */
int pg_policy__want_map(const pn_ctx *x, const pn_node *n, const char *what);
int pg_policy__want_seq(const pn_ctx *x, const pn_node *n, const char *what);
/* A string; numbers are taken as their text (`reason: 2024`). */
int pg_policy__want_text(const pn_ctx *x, const pn_node *n, const char *what);
/* The length of a scalar's text without trailing whitespace (a folded
 * block, `description: >`, ends with a newline that no report wants). */
size_t pg_policy__trimmed_len(const pn_node *n);
/* A non-empty string, trailing whitespace removed (*out: pg_free it). */
int pg_policy__get_text(const pn_ctx *x, const pn_node *n, const char *what, char **out);
int pg_policy__get_bool(const pn_ctx *x, const pn_node *n, const char *what, int *out);
int pg_policy__get_severity(const pn_ctx *x, const pn_node *n, pg_severity *out);
/* `type: x` or `type: [x, y]` (*out: pg_policy__free_text_list it). */
int pg_policy__get_text_list(const pn_ctx *x, const pn_node *n, const char *what, char ***out, size_t *count);
void pg_policy__free_text_list(char **list, size_t n);
/* Every key of `map` is one of `allowed` (NULL-terminated). */
int pg_policy__check_keys(const pn_ctx *x, const pn_node *map, const char *what, const char *const *allowed);
/* A rule id or environment name: [A-Za-z0-9][A-Za-z0-9._-]*. */
int pg_policy__valid_id(const char *s);
/* "FILE:LINE" of a node, for sources shown in reports (*out: pg_free it). */
int pg_policy__source_of(const pn_ctx *x, const pn_node *n, char **out);

/* ==== MARK: glob (glob.c) ============================================== */

/* `*` matches any run of characters (dots and brackets too), `?` one
 * character, `\x` a literal x; everything else, `[` included, is literal
 * (Terraform addresses are full of brackets). `icase`: ASCII case folded. */
int pg_policy__glob(const char *pattern, const char *s, int icase);
/* The same on the `len` bytes at `s` (no NUL needed there). */
int pg_policy__glob_n(const char *pattern, const char *s, size_t len, int icase);
/* Does any of the n globs match s (case-sensitive)? 0 for a NULL s. */
int pg_policy__glob_any(char *const *globs, size_t n, const char *s);

/* ==== MARK: address patterns (address.c) =============================== */

/* A compiled address pattern (docs/policies.md "Address patterns"): the
 * glob above, read with Terraform's address grammar, where a name without
 * an instance key covers all its instances. */
typedef struct pg_addr_pat pg_addr_pat;

/* 0, PG_EPOLICY (the reason in err, no position yet) or PG_ENOMEM. */
int pg_policy__addr_compile(pg_addr_pat **out, const char *text, pg_error *err);
void pg_policy__addr_free(pg_addr_pat *p);
/* The text as written (for descriptions and waiver statuses). */
const char *pg_policy__addr_text(const pg_addr_pat *p);
/* *out 1 when `p` covers `address` (0 for a NULL address). 0 or PG_ENOMEM. */
int pg_policy__addr_match(const pg_addr_pat *p, const char *address, int *out, pg_error *err);
/* Does the pattern name the instances of one resource (no `*` or `?`
 * outside instance keys)? The trust model's rule for change waivers. */
int pg_policy__addr_names_resources(const pg_addr_pat *p);
/* A non-empty string node compiled as an address pattern; errors at the node. */
int pg_policy__get_address(const pn_ctx *x, const pn_node *n, const char *what, pg_addr_pat **out);

/* ==== MARK: regular expressions (regex.c) ============================== */

/* Check the caps, then regcomp(REG_EXTENDED | REG_NOSUB [| REG_ICASE]).
 * 0, PG_EPOLICY (the reason in err, no position yet) or PG_ENOMEM. */
int pg_policy__regex_compile(regex_t *re, const char *pattern, int icase, pg_error *err);

/* ==== MARK: paths (path.c) ============================================= */

typedef enum pp_root {
    PR_BEFORE = 0,
    PR_AFTER,
    PR_AFTER_UNKNOWN,
    PR_FIELD,   /* a change field: address, type, ... */
    PR_NONE     /* no root: `changed` looks at before and after */
} pp_root;

typedef enum pp_field {
    PF_ADDRESS = 0,
    PF_TYPE,
    PF_NAME,
    PF_MODE,
    PF_MODULE_ADDRESS,
    PF_PROVIDER_NAME,
    PF_ACTIONS,
    PF_ACTION_REASON,
    PF_REPLACE_PATHS,
    PF_INDEX,
    PF_COUNT_
} pp_field;

typedef enum pp_step_kind { PS_KEY = 0, PS_INDEX, PS_WILD } pp_step_kind;

typedef struct pp_step {
    pp_step_kind kind;
    char *key;
    size_t index;
} pp_step;

typedef struct pg_ppath {
    pp_root root;
    pp_field field;          /* PR_FIELD */
    pp_step *steps;
    size_t n, cap;
    int has_wild;
    int tag_key;             /* step 1 is a tag key (path.c): case-insensitive, may reach several values */
    char *text;              /* as written */
    char *rel;               /* canonical text without the before./after. root */
} pg_ppath;

/* Parse `text`. `unrooted`: the path has no root (for `changed`). Returns
 * 0, PG_EPOLICY (the reason in err, no position yet) or PG_ENOMEM. */
int pg_policy__path_parse(pg_ppath *out, const char *text, int unrooted, pg_error *err);
void pg_policy__path_dispose(pg_ppath *p);

/* One value a path reached. */
typedef struct pp_hit {
    const json_t *value;     /* NULL when unknown */
    int unknown;             /* after_unknown covers it */
    int partial;             /* a map or list some member of which is unknown (issue 13) */
    const json_t *mask;      /* after_unknown at the same place, or NULL */
    pg_path_step *steps;     /* concrete steps from the root (owned by the list) */
    size_t n;
} pp_hit;

typedef struct pp_hits {
    pp_hit *items;           /* `small` until more are needed */
    size_t count, cap;
    json_t *temp;            /* owned: the value of a change field */
    pp_hit small[4];         /* most paths reach one value: no allocation */
} pp_hits;

/* Every value `p` reaches in `c` (JSON nulls are no value). For PR_NONE,
 * `side` says which of before/after to walk. `with_steps`: record each
 * hit's concrete steps (for redaction; evaluation does not need them, and
 * it runs on every change). 0 or PG_ENOMEM. Recursion is bounded by the
 * path's steps (PG_POLICY_MAX_PATH_STEPS), never by the value's depth. */
int pg_policy__path_eval(pp_hits *out, const pg_ppath *p, const pg_change *c, pg_side side, int with_steps,
                         pg_error *err);
void pg_policy__hits_dispose(pp_hits *h);

/* ==== MARK: conditions (cond_parse.c, cond_eval.c) ===================== */

/* PC_ENV: `{ environment: NAME }` or `{ production: BOOL }` (environment.c). */
typedef enum pc_kind { PC_ALL = 0, PC_ANY, PC_NOT, PC_LEAF, PC_ENV } pc_kind;

typedef enum pc_op {
    OP_EQUALS = 0,
    OP_NOT_EQUALS,
    OP_IN,
    OP_NOT_IN,
    OP_MATCHES,
    OP_GLOB,
    OP_EXISTS,
    OP_CONTAINS,
    OP_GREATER_THAN,
    OP_LESS_THAN,
    OP_CHANGED,
    OP_LENGTH_EQUALS,
    OP_LENGTH_GREATER_THAN,
    OP_LENGTH_LESS_THAN,
    OP_COUNT_
} pc_op;

extern const char *const pg_policy__op_names[OP_COUNT_];

typedef enum pc_unknown { PU_DEFAULT = 0, PU_PASS, PU_FAIL } pc_unknown;

typedef struct pg_cond {
    pc_kind kind;
    struct pg_cond **kids;   /* ALL/ANY: n kids; NOT: one */
    size_t n;
    pg_ppath path;           /* LEAF */
    pc_op op;
    json_t *value;           /* the operand (owned); PC_ENV: the array of environment names */
    regex_t re;              /* OP_MATCHES */
    int has_re;
    int flag;                /* exists / changed / production: true or false */
    int env_production;      /* PC_ENV: 1 `production:` (flag), 0 `environment:` (value) */
    int line, col;           /* PC_ENV: where it is written (names are checked after the file loads) */
    int every;
    int icase;
    pc_unknown if_unknown;
    char *text;              /* "after.x equals 1", for descriptions */
} pg_cond;

/* Parse a condition (a mapping, or a list meaning all of them) at nesting
 * `depth` (1 at the top; at most PG_POLICY_MAX_DEPTH). */
int pg_policy__cond_parse(const pn_ctx *x, const pn_node *n, unsigned depth, pg_cond **out);
void pg_policy__cond_free(pg_cond *cond);

/* Three-valued logic: a value unknown at plan time is neither true nor false
 * until `if_unknown:` or the place the condition sits in decides. */
typedef enum pg_tri { PT_FALSE = 0, PT_TRUE = 1, PT_UNKNOWN = 2 } pg_tri;

/* `p` is the policy whose environments the PC_ENV conditions ask about. */
int pg_policy__cond_eval(const pg_cond *cond, const pg_policy *p, const pg_change *c, pg_tri *out, pg_error *err);

/* ==== MARK: tags (tags.c) ============================================== */

/* Is `name` an attribute that holds tags (tags, tags_all, labels,
 * effective_labels, terraform_labels)? */
int pg_policy__is_tag_attr(const char *name);
/* Tag keys compare case-insensitively (ASCII): a[0..a_len) against b. */
int pg_policy__key_equal(const char *a, size_t a_len, const char *b);
/* Which sides of a change its tags are read on (see tags.c). */
int pg_policy__reads_before(const pg_change *c);
int pg_policy__reads_after(const pg_change *c);
/* A test of one tag: `key` NULL when the key is unknown (a whole map, a
 * list element's key); `unknown` when the value is (value is then NULL). */
typedef pg_tri (*pg_tag_test_fn)(const void *ctx, const char *key, size_t key_len, const json_t *value, int unknown);
/* Every tag of the change on the sides it is read on, through `fn`:
 * PT_TRUE when one tag gives true, else PT_UNKNOWN when one gives unknown. */
pg_tri pg_policy__tags_test(const pg_change *c, pg_tag_test_fn fn, const void *ctx);
/* Does a tag map (or a Cloud Control { key, value } list) hold `key`,
 * compared case-insensitively? */
int pg_policy__tag_map_has(const json_t *tags, const char *key);

/* ==== MARK: comparing values (compare.c) =============================== */

/* After the digits of a number: skip an exponent ("e+5") if there is one.
 * The end of what was read, or NULL when an exponent has no digit. Shared by
 * the YAML float grammar and the JSON number grammar, which differ before it. */
const char *pg_policy__skip_exponent(const char *p);

/* Does a plan value equal a policy value (Terraform-style primitive
 * conversion)? Recursion follows the policy value, whose depth the YAML
 * loader bounds. */
int pg_policy__values_equal(const json_t *plan, const json_t *want, int icase);
/* A policy number operand read from its YAML text (`approx`: its double):
 * a json real when the double is that number exactly, else its exact text
 * in a form only the functions below read (issue 13: 12345678901234567891
 * is not 12345678901234567890; 1e400 is a number too). *out: a new
 * reference. 0, PG_ENOMEM, or PG_EPOLICY (no message) for a text that is
 * no decimal and no finite double (.inf, .nan). */
int pg_policy__exact_number(const char *text, double approx, json_t **out);
/* Is `v` such an exact number? Its text, or NULL. */
int pg_policy__is_exact_number(const json_t *v);
const char *pg_policy__exact_number_text(const json_t *v);
/* Is the plan value `plan` ordered against the number `want`? */
int pg_policy__values_order(const json_t *plan, const json_t *want, int greater);
/* Are two plan values equal (json_equal without recursion)? PT_TRUE,
 * PT_FALSE, or PT_UNKNOWN when either is nested deeper than
 * PG_JSON_MAX_DEPTH_CEILING. 0 or PG_ENOMEM. */
int pg_policy__plan_equal(const json_t *a, const json_t *b, pg_tri *out, pg_error *err);
/* Is `v` nested deeper than PG_JSON_MAX_DEPTH_CEILING? (*out 1 or 0) 0 or PG_ENOMEM. */
int pg_policy__too_deep(const json_t *v, int *out, pg_error *err);

/* ==== MARK: evidence (evidence.c) ====================================== */

/* Evidence for a condition that did not hold: each leaf's path, with
 * redacted before/after values. */
int pg_policy__cond_evidence(const pg_cond *cond, const pg_change *c, pg_finding *f, pg_error *err);
/* The value a hit of path `p` shows (evidence, messages): redacted when it
 * comes from before/after (`side` for an unrooted path), shared otherwise,
 * and PG_POLICY_TOO_DEEP_TEXT for a value no writer could show without
 * recursing as deep as it goes. *out: a new reference. 0 or PG_ENOMEM. */
int pg_policy__shown_hit(const pg_change *c, const pg_ppath *p, pg_side side, const pp_hit *hit, json_t **out,
                         pg_error *err);

/* ==== MARK: templates (template.c) ===================================== */

typedef struct pt_seg {
    char *lit;               /* literal text, or NULL */
    pg_ppath path;           /* when lit is NULL */
    int is_rule;             /* {rule} */
} pt_seg;

typedef struct pg_template {
    pt_seg *segs;
    size_t n, cap;
    char *text;              /* as written (explain shows it) */
} pg_template;

/* Parse: 0, PG_EPOLICY (the reason in err, no position yet) or PG_ENOMEM. */
int pg_policy__template_parse(pg_template *out, const char *text, pg_error *err);
/* Render for a change (sensitive and unknown values redacted). */
int pg_policy__template_render(const pg_template *t, const pg_change *c, const char *rule_id,
                               char **out, pg_error *err);
void pg_policy__template_dispose(pg_template *t);

/* ==== MARK: the policy (model.c) ======================================= */

typedef struct pg_rule {
    pg_rule_meta meta;       /* views of the owned strings below */
    char *id, *title, *description, *source;
    char *file;              /* the policy file (rule positions) */
    pg_policy_position at;   /* of the id; at.file is `file` */
    pg_severity severity;
    int waivable;
    char **types;            /* globs; n_types == 0: any type */
    size_t n_types;
    unsigned actions;        /* bit (1u << pg_action) */
    pg_addr_pat *address;    /* or NULL: any */
    pg_cond *where;          /* or NULL */
    pg_cond **require;
    size_t n_require;
    pg_template message;
    pg_template remediation; /* n == 0 when absent */
    int has_remediation;
} pg_rule;

typedef struct pg_tag_sel {
    char *key;
    json_t *values;          /* array: any of them */
} pg_tag_sel;

typedef struct pg_selector {
    char **types;
    size_t n_types;
    pg_addr_pat *address;
    char *name;
    pg_tag_sel *tags;
    size_t n_tags;
    pg_cond *when;
    char *why;               /* the description pg_policy_protects hands out */
} pg_selector;

typedef struct pg_environment {
    char *name;
    int production;          /* holds production data (pg_policy_is_production) */
    char **keys, **values;   /* tag key and value globs, case-insensitive; n_keys 0: no tags */
    size_t n_keys, n_values;
    char *source;            /* "file:line" of the definition in force */
} pg_environment;

typedef struct pg_waiver {
    char *rule, *address, *reason, *owner, *expires, *source;
    char *file;              /* the policy file, and where `rule:`'s value is (lint) */
    int rule_line, rule_col;
    pg_addr_pat *pattern;    /* `address`, compiled */
    int from_change;         /* loaded from a --waivers file */
} pg_waiver;

/* One detector id's settings, merged key by key across files. */
typedef struct pg_setting {
    pg_policy_detector_setting pub; /* views of the owned strings below */
    char *id, *file, *enabled_source, *severity_source;
} pg_setting;

typedef struct pg_example_own {
    char *rule, *plan, *source;
    json_t *expect;
} pg_example_own;

struct pg_policy {
    pg_setting *detectors;
    size_t n_detectors, cap_detectors;
    char **lock_tables;
    size_t n_lock_tables, cap_lock_tables;
    pg_selector **protect;
    size_t n_protect, cap_protect;
    pg_rule **rules;
    size_t n_rules, cap_rules;
    pg_waiver **waivers;
    size_t n_waivers, cap_waivers;
    pg_environment **environments; /* in the order first defined */
    size_t n_environments, cap_environments;
    pg_data_store **stores;      /* data_stores: (catalogue.c), in the order first defined */
    size_t n_stores, cap_stores;
    char *plan_environment;      /* --env, or NULL */
    pg_example_own **examples_own;
    pg_policy_example *examples; /* views, rebuilt on merge */
    size_t n_examples, cap_examples, cap_example_views;
    int waiver_max_days;         /* -1: unset (PG_POLICY_DEFAULT_WAIVER_MAX_DAYS) */
    char *waiver_max_days_source;
    pg_policy_check_fn check;    /* run on each file before it merges, or NULL */
};

void pg_policy__rule_free(pg_rule *r);
void pg_policy__selector_free(pg_selector *s);
void pg_policy__waiver_free(pg_waiver *w);
void pg_policy__environment_free(pg_environment *e);
/* The environment with this name, or NULL (NULL name: NULL). */
const pg_environment *pg_policy__find_environment(const pg_policy *p, const char *name);
/* A PC_ENV condition on a change. */
pg_tri pg_policy__env_cond(const pg_policy *p, const pg_cond *cond, const pg_change *c);
void pg_policy__example_free(pg_example_own *e);
void pg_policy__setting_dispose(pg_setting *s);
/* The rule with this id, or NULL. */
const pg_rule *pg_policy__find_rule(const pg_policy *p, const char *id);

/* ==== MARK: loading (document.c and the section files) ================= */

/* What a load is allowed to hold and where it lands. */
typedef struct pl_ctx {
    pn_ctx n;                /* source name and error record */
    pg_policy *into;         /* the staging policy of this file */
    const pg_policy *existing; /* the policy it will merge into (rule ids, waiver limits) */
    const char *base_dir;    /* example plans are relative to it */
    int resolve;             /* resolve example plans (0: leave them unresolved) */
    int from_change;         /* a --waivers file: version: and waivers: only, limited waivers */
    int only_environments;   /* load the file's environments: and nothing else (lint, test) */
    const char *today;       /* from_change: "YYYY-MM-DD" the expiry bound counts from */
} pl_ctx;

/* Load one document into x->into. */
int pg_policy__load_document(const pl_ctx *x, const pn_node *root);
/* The sections, each into x->into. */
int pg_policy__load_rules(const pl_ctx *x, const pn_node *n);
int pg_policy__load_protect(const pl_ctx *x, const pn_node *n);
int pg_policy__load_waivers(const pl_ctx *x, const pn_node *n);
int pg_policy__load_environments(const pl_ctx *x, const pn_node *n);
/* After a file loaded: its environment conditions name environments that
 * it or a file loaded before it defines. */
int pg_policy__check_environment_refs(const pl_ctx *x);
/* data_stores: (catalogue.c): load into x->into; room in p for what `from`
 * brings, then the merge (an entry replaces the one of its type, in its
 * place); free them all. */
int pg_policy__load_data_stores(const pl_ctx *x, const pn_node *n);
int pg_policy__reserve_data_stores(pg_policy *p, const pg_policy *from, pg_error *err);
void pg_policy__merge_data_stores(pg_policy *p, pg_policy *from);
void pg_policy__data_stores_free(pg_policy *p);

/* Move everything of `from` into `p` (all or nothing); frees `from`. */
int pg_policy__merge(pg_policy *p, pg_policy *from, pg_error *err);

/* Parse, load into a staging policy, run p's check, merge. */
int pg_policy__load_text(pg_policy *p, const pl_ctx *how, const char *text, size_t len, pg_error *err);
/* The same from a parsed tree (the pre-compiled default pack): load, check,
 * merge. `doc` is the caller's; it is freed here (pg_policy__yaml_free). */
int pg_policy__load_tree(pg_policy *p, const pl_ctx *how, pn_doc *doc, pg_error *err);

/* The pre-compiled tree of default pack file i (pack.c): what
 * pg_policy__yaml_parse builds from its text, node for node. PG_EINTERNAL
 * when the file has no pre-compiled tree. */
int pg_policy__pack_tree(size_t i, pn_doc *out, pg_error *err);
/* The same for any table tools/embed.c wrote (default_pack.h). */
struct pg_default_policy;
int pg_policy__tree_of(const struct pg_default_policy *d, pn_doc *out, pg_error *err);
/* Load default pack file i from its text with libyaml, as before the tree
 * was pre-compiled (for the test that compares the two ways). */
int pg_policy__load_default_text(pg_policy *p, size_t i, pg_error *err);

#endif
