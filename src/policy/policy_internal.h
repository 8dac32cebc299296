/* policy_internal.h — what the files of src/policy/ share (not public).
 *
 * Data flow of a load:  text --yaml_adapter.c--> pn_node tree (line:col on
 * every node) --schema.c--> typed pieces in a staging pg_policy --merge.c-->
 * the caller's pg_policy. Evaluation: path.c finds values in a change,
 * eval.c applies operators and combinators, template.c renders messages,
 * waiver.c applies waivers, policy.c holds the public entry points.
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
} pn_doc;

/* Parse one YAML document. Errors are PG_EPOLICY with source `name` and the
 * line:column of the problem (libyaml's 0-based marks made 1-based). */
int pg_policy__yaml_parse(pn_doc *out, const char *name, const char *text, size_t len,
                          pg_error *err);
void pg_policy__yaml_free(pn_doc *d);

/* The value of key `key` in mapping `map`, or NULL. */
const pn_node *pg_policy__map_get(const pn_node *map, const char *key);
/* The node as a jansson value (new reference; NULL when out of memory). */
json_t *pg_policy__node_json(const pn_node *n);
/* "a string", "a mapping", "a list", "a number", "a boolean", "null". */
const char *pg_policy__node_kind_name(const pn_node *n);

/* PG_EPOLICY at the node's position in `source`. Returns PG_EPOLICY. */
int pg_policy__fail(pg_error *err, const char *source, const pn_node *at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* ==== MARK: glob (glob.c) ============================================== */

/* `*` matches any run of characters (dots and brackets too), `?` one
 * character, `\x` a literal x; everything else, `[` included, is literal
 * (Terraform addresses are full of brackets). `icase`: ASCII case folded. */
int pg_policy__glob(const char *pattern, const char *s, int icase);

/* ==== MARK: regular expressions (regex.c) ============================== */

/* Check the caps, then regcomp(REG_EXTENDED | REG_NOSUB [| REG_ICASE]).
 * 0, PG_EPOLICY with the reason in `msg`, or PG_ENOMEM. */
int pg_policy__regex_compile(regex_t *re, const char *pattern, int icase, char *msg, size_t size);

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
    size_t n;
    int has_wild;
    char *text;              /* as written */
    char *rel;               /* canonical text without the before./after. root */
} pg_ppath;

/* Parse `text`. `unrooted`: the path has no root (for `changed`). Returns
 * 0, PG_EPOLICY with the reason in `msg`, or PG_ENOMEM. */
int pg_policy__path_parse(pg_ppath *out, const char *text, int unrooted, char *msg, size_t msg_size);
void pg_policy__path_dispose(pg_ppath *p);

/* One value a path reached. */
typedef struct pp_hit {
    const json_t *value;     /* NULL when unknown */
    int unknown;             /* after_unknown covers it */
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
 * it runs on every change). 0 or PG_ENOMEM. */
int pg_policy__path_eval(pp_hits *out, const pg_ppath *p, const pg_change *c, pg_side side, int with_steps);
void pg_policy__hits_dispose(pp_hits *h);

/* ==== MARK: conditions (eval.c) ======================================== */

typedef enum pc_kind { PC_ALL = 0, PC_ANY, PC_NOT, PC_LEAF } pc_kind;

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
    json_t *value;           /* the operand (owned) */
    regex_t re;              /* OP_MATCHES */
    int has_re;
    int flag;                /* exists / changed: true or false */
    int every;
    int icase;
    pc_unknown if_unknown;
    char *text;              /* "after.x equals 1", for descriptions */
} pg_cond;

/* Three-valued logic: a value unknown at plan time is neither true nor false
 * until `if_unknown:` or the place the condition sits in decides. */
typedef enum pg_tri { PT_FALSE = 0, PT_TRUE = 1, PT_UNKNOWN = 2 } pg_tri;

int pg_policy__cond_eval(const pg_cond *cond, const pg_change *c, pg_tri *out);
/* Evidence for a condition that did not hold: each leaf's path, with
 * redacted before/after values. */
int pg_policy__cond_evidence(const pg_cond *cond, const pg_change *c, pg_finding *f);
void pg_policy__cond_free(pg_cond *cond);
/* Does a plan value equal a policy value (Terraform-style primitive conversion)? */
int pg_policy__values_equal(const json_t *plan, const json_t *want, int icase);

/* ==== MARK: templates (template.c) ===================================== */

typedef struct pt_seg {
    char *lit;               /* literal text, or NULL */
    pg_ppath path;           /* when lit is NULL */
    int is_rule;             /* {rule} */
} pt_seg;

typedef struct pg_template {
    pt_seg *segs;
    size_t n;
    char *text;              /* as written (explain shows it) */
} pg_template;

/* Parse: 0, PG_EPOLICY with the reason in `msg`, or PG_ENOMEM. */
int pg_policy__template_parse(pg_template *out, const char *text, char *msg, size_t msg_size);
/* Render for a change (sensitive and unknown values redacted). */
int pg_policy__template_render(const pg_template *t, const pg_change *c, const char *rule_id,
                               char **out);
void pg_policy__template_dispose(pg_template *t);

/* ==== MARK: the policy ================================================= */

typedef struct pg_rule {
    pg_rule_meta meta;       /* views of the owned strings below */
    char *id, *title, *description, *source;
    pg_severity severity;
    int waivable;
    char **types;            /* globs; n_types == 0: any type */
    size_t n_types;
    unsigned actions;        /* bit (1u << pg_action) */
    char *address;           /* glob, or NULL */
    pg_cond *where;          /* or NULL */
    pg_cond **require;
    size_t n_require;
    pg_template message;
    pg_template remediation; /* n == 0 when absent */
    int has_remediation;
    int line, col;           /* of the id, for duplicate errors */
} pg_rule;

typedef struct pg_tag_sel {
    char *key;
    json_t *values;          /* array: any of them */
} pg_tag_sel;

typedef struct pg_selector {
    char **types;
    size_t n_types;
    char *address;
    char *name;
    pg_tag_sel *tags;
    size_t n_tags;
    pg_cond *when;
    char *why;               /* the description pg_policy_protects hands out */
} pg_selector;

typedef struct pg_waiver {
    char *rule, *address, *reason, *owner, *expires, *source;
} pg_waiver;

typedef struct pg_detector_setting {
    char *id;
    int enabled;             /* -1 unset, 0, 1 */
    int severity;            /* -1 unset, else pg_severity */
} pg_detector_setting;

typedef struct pg_example_own {
    char *rule, *plan, *source;
    json_t *expect;
} pg_example_own;

struct pg_policy {
    pg_detector_setting *detectors;
    size_t n_detectors;
    char **lock_tables;
    size_t n_lock_tables;
    pg_selector **protect;
    size_t n_protect;
    pg_rule **rules;
    size_t n_rules;
    pg_waiver **waivers;
    size_t n_waivers;
    pg_example_own **examples_own;
    pg_policy_example *examples; /* views, rebuilt on merge */
    size_t n_examples;
};

/* Load one document into the staging policy `into`, checking rule ids
 * against `existing` too. `base_dir`: where example plans are relative to
 * (NULL: leave them unresolved). */
int pg_policy__schema_load(pg_policy *into, const pg_policy *existing, const pn_node *root,
                           const char *source, const char *base_dir, int resolve, pg_error *err);

/* Move everything of `from` into `p` (all or nothing); frees `from`. */
int pg_policy__merge(pg_policy *p, pg_policy *from, pg_error *err);

void pg_policy__rule_free(pg_rule *r);
void pg_policy__selector_free(pg_selector *s);
void pg_policy__waiver_free(pg_waiver *w);
void pg_policy__example_free(pg_example_own *e);

/* The *.yaml and *.yml files of a folder (no dotfiles, no subfolders),
 * sorted by name, as "DIR/NAME" strings (pg_free each and the array).
 * PG_EPOLICY when the folder cannot be read or holds none. Shared with
 * `plangate lint`, which reports files one by one. */
int pg_policy__list_folder(const char *dir, char ***out, size_t *count, pg_error *err);

/* Is "YYYY-MM-DD" a real calendar date? */
int pg_policy__valid_date(const char *s);

#endif
