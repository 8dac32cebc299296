/* shape.h — what Terraform writes in a resource change: the JSON types each
 * member may have (internal/command/jsonplan, issue 11). One table, read by
 * the decoder's checks (change.c) and by the fast skip on raw bytes
 * (skip.c), so a change is refused or accepted the same way whether or not
 * anybody wants it decoded. docs/internals/plan.md lists the rules and why. */
#ifndef PG_PLAN_SHAPE_H
#define PG_PLAN_SHAPE_H

#include <stddef.h>

#include <jansson.h>

#include "plangate/plan.h"

/* JSON types, as bits of a set. */
enum {
    PG_SHAPE_OBJECT = 1u << 0,
    PG_SHAPE_ARRAY = 1u << 1,
    PG_SHAPE_STRING = 1u << 2,
    PG_SHAPE_INTEGER = 1u << 3,
    PG_SHAPE_REAL = 1u << 4,
    PG_SHAPE_BOOL = 1u << 5,
    PG_SHAPE_NULL = 1u << 6
};

/* Where a member sits: in the change itself, or in its "change" object. */
enum { PG_SHAPE_TOP = 0, PG_SHAPE_CHANGE = 1 };

/* The members the table knows, in table order. */
typedef enum pg_shape_id {
    PG_SHAPE_ADDRESS = 0,
    PG_SHAPE_PREVIOUS_ADDRESS,
    PG_SHAPE_MODULE_ADDRESS,
    PG_SHAPE_MODE,
    PG_SHAPE_TYPE,
    PG_SHAPE_NAME,
    PG_SHAPE_INDEX,
    PG_SHAPE_PROVIDER_NAME,
    PG_SHAPE_DEPOSED,
    PG_SHAPE_ACTION_REASON,
    PG_SHAPE_CHANGE_OBJECT,
    PG_SHAPE_ACTIONS,
    PG_SHAPE_BEFORE,
    PG_SHAPE_AFTER,
    PG_SHAPE_AFTER_UNKNOWN,
    PG_SHAPE_BEFORE_SENSITIVE,
    PG_SHAPE_AFTER_SENSITIVE,
    PG_SHAPE_REPLACE_PATHS,
    PG_SHAPE_IMPORTING,
    PG_SHAPE_COUNT_
} pg_shape_id;

typedef struct pg_shape_rule {
    const char *key;   /* "address", "before", ... */
    size_t key_len;
    unsigned level;    /* PG_SHAPE_TOP or PG_SHAPE_CHANGE */
    unsigned types;    /* the types it may have when present */
    int required;      /* absent is an error */
    const char *name;  /* for messages: "change.before" */
    const char *types_words; /* "an object or null" */
} pg_shape_rule;

/* Indexed by pg_shape_id. */
extern const pg_shape_rule pg_plan__shape[PG_SHAPE_COUNT_];
#define pg_plan__shape_count ((size_t)PG_SHAPE_COUNT_)

/* The type bit of a decoded value. (A number beyond int64 or a double is
 * kept as its text by the decoder, so it shows as a string.) */
unsigned pg_plan__shape_of(const json_t *v);

/* The type bit of a raw value (validated JSON, `len` > 0): its first byte,
 * and for a number whether it has a fraction or an exponent. */
unsigned pg_plan__shape_of_raw(const char *v, size_t len);

/* "a string", "an object", ... for the type bit `t`. */
const char *pg_plan__shape_word(unsigned t);

/* The rule for `key` (len bytes, no escapes) at `level`, or NULL. */
const pg_shape_rule *pg_plan__shape_find(unsigned level, const char *key, size_t len);

/* Is `s` (len bytes) an action name Terraform could write: one or more of
 * a-z, '-' and '_', starting with a letter ("no-op", "delete", a future
 * verb)? "Delete", "", "de lete" are not. */
int pg_plan__action_word(const char *s, size_t len);

/* One word of an action list, not NUL-terminated (raw bytes or a json string). */
typedef struct pg_action_word {
    const char *s;
    size_t len;
} pg_action_word;

/* The longest action list normalised by name; longer ones are unknown. */
#define PG_ACTION_MAX_WORDS 4

/* pg_action_normalise on a list of words (action.c): the one normalisation,
 * for decoded lists and for the raw ones the skip reads. */
pg_action pg_plan__normalise_words(const pg_action_word *w, size_t n, pg_replace_order *order_out,
                                   int *destructive_out);

/*
 * Check a change built by pg_change_init against what Terraform writes
 * (issue 11): every member of its type, a non-empty address and type, mode
 * "managed" or "data", a non-empty list of action words, replace_paths a
 * list of paths, and for a change that destroys an object, `before` that
 * object, a `name`, and not mode "data". PG_EPLAN with a message naming the
 * change (its address quoted) and the member.
 */
int pg_plan__check_change(const pg_change *c, pg_error *err);

#endif
