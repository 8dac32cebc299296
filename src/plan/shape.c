/* shape.c — what Terraform writes in a resource change (shape.h): the types
 * of its members, the type of a value (decoded or raw), and the check of a
 * decoded change against all of it, with a message naming the member. */
#include "plan/shape.h"

#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/quote.h"

#define OBJ PG_SHAPE_OBJECT
#define ARR PG_SHAPE_ARRAY
#define STR PG_SHAPE_STRING
#define INT PG_SHAPE_INTEGER
#define BOOL PG_SHAPE_BOOL
#define NUL PG_SHAPE_NULL

/* Terraform's jsonplan.ResourceChange and jsonplan.Change: strings with
 * omitempty (absent or a string; null accepted where real plans write it, as
 * module_address, or where it reads as "none"), the index an int or a
 * string, before/after an object or null, the masks an object or a bool. */
#define RULE(id, key, level, types, required, name, words) \
    [id] = {key, sizeof key - 1, level, types, required, name, words}

const pg_shape_rule pg_plan__shape[PG_SHAPE_COUNT_] = {
    RULE(PG_SHAPE_ADDRESS, "address", PG_SHAPE_TOP, STR, 0, "address", "a string"),
    RULE(PG_SHAPE_PREVIOUS_ADDRESS, "previous_address", PG_SHAPE_TOP, STR | NUL, 0, "previous_address",
         "a string or null"),
    RULE(PG_SHAPE_MODULE_ADDRESS, "module_address", PG_SHAPE_TOP, STR | NUL, 0, "module_address",
         "a string or null"),
    RULE(PG_SHAPE_MODE, "mode", PG_SHAPE_TOP, STR, 0, "mode", "a string"),
    RULE(PG_SHAPE_TYPE, "type", PG_SHAPE_TOP, STR, 1, "type", "a string"),
    RULE(PG_SHAPE_NAME, "name", PG_SHAPE_TOP, STR, 0, "name", "a string"),
    RULE(PG_SHAPE_INDEX, "index", PG_SHAPE_TOP, INT | STR, 0, "index", "an integer or a string"),
    RULE(PG_SHAPE_PROVIDER_NAME, "provider_name", PG_SHAPE_TOP, STR, 0, "provider_name", "a string"),
    RULE(PG_SHAPE_DEPOSED, "deposed", PG_SHAPE_TOP, STR | NUL, 0, "deposed", "a string or null"),
    RULE(PG_SHAPE_ACTION_REASON, "action_reason", PG_SHAPE_TOP, STR | NUL, 0, "action_reason", "a string or null"),
    RULE(PG_SHAPE_CHANGE_OBJECT, "change", PG_SHAPE_TOP, OBJ, 1, "change", "an object"),
    RULE(PG_SHAPE_ACTIONS, "actions", PG_SHAPE_CHANGE, ARR, 1, "change.actions", "a list"),
    RULE(PG_SHAPE_BEFORE, "before", PG_SHAPE_CHANGE, OBJ | NUL, 0, "change.before", "an object or null"),
    RULE(PG_SHAPE_AFTER, "after", PG_SHAPE_CHANGE, OBJ | NUL, 0, "change.after", "an object or null"),
    RULE(PG_SHAPE_AFTER_UNKNOWN, "after_unknown", PG_SHAPE_CHANGE, OBJ | BOOL | NUL, 0, "change.after_unknown",
         "an object, a boolean or null"),
    RULE(PG_SHAPE_BEFORE_SENSITIVE, "before_sensitive", PG_SHAPE_CHANGE, OBJ | BOOL | NUL, 0,
         "change.before_sensitive", "an object, a boolean or null"),
    RULE(PG_SHAPE_AFTER_SENSITIVE, "after_sensitive", PG_SHAPE_CHANGE, OBJ | BOOL | NUL, 0,
         "change.after_sensitive", "an object, a boolean or null"),
    RULE(PG_SHAPE_REPLACE_PATHS, "replace_paths", PG_SHAPE_CHANGE, ARR | NUL, 0, "change.replace_paths",
         "a list or null"),
    RULE(PG_SHAPE_IMPORTING, "importing", PG_SHAPE_CHANGE, OBJ | NUL, 0, "change.importing", "an object or null"),
};

unsigned pg_plan__shape_of(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return OBJ;
    case JSON_ARRAY: return ARR;
    case JSON_STRING: return STR;
    case JSON_INTEGER: return INT;
    case JSON_REAL: return PG_SHAPE_REAL;
    case JSON_TRUE:
    case JSON_FALSE: return BOOL;
    default: return NUL;
    }
}

unsigned pg_plan__shape_of_raw(const char *v, size_t len)
{
    size_t i;

    switch (v[0]) {
    case '{': return OBJ;
    case '[': return ARR;
    case '"': return STR;
    case 't':
    case 'f': return BOOL;
    case 'n': return NUL;
    default:
        for (i = 0; i < len; i++)
            if (v[i] == '.' || v[i] == 'e' || v[i] == 'E')
                return PG_SHAPE_REAL;
        /* (Beyond int64 the decoder keeps the digits as a string, which a
         * string member then accepts: harmless, docs/internals/plan.md.) */
        return INT;
    }
}

const char *pg_plan__shape_word(unsigned t)
{
    switch (t) {
    case OBJ: return "an object";
    case ARR: return "a list";
    case STR: return "a string";
    case INT: return "an integer";
    case PG_SHAPE_REAL: return "a number with a fraction";
    case BOOL: return "a boolean";
    default: return "null";
    }
}

const pg_shape_rule *pg_plan__shape_find(unsigned level, const char *key, size_t len)
{
    size_t i;

    for (i = 0; i < pg_plan__shape_count; i++)
        if (pg_plan__shape[i].key_len == len && pg_plan__shape[i].key[0] == key[0] &&
            pg_plan__shape[i].level == level && memcmp(pg_plan__shape[i].key, key, len) == 0)
            return &pg_plan__shape[i];
    return NULL;
}

int pg_plan__action_word(const char *s, size_t len)
{
    size_t i;

    if (len == 0 || s[0] < 'a' || s[0] > 'z')
        return 0;
    for (i = 1; i < len; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '-' || s[i] == '_'))
            return 0;
    return 1;
}

/* MARK: the check of a decoded change -------------------------------------- */

/* "a resource change at "ADDRESS"" (quoted: the address is plan text), or
 * "a resource change" before the address is known. */
static const char *who(const json_t *element, char *buf, size_t size)
{
    const json_t *a = json_object_get(element, "address");
    char q[140];

    if (!json_is_string(a))
        return "a resource change";
    snprintf(buf, size, "a resource change at %s",
             pg_quote_fixed(q, sizeof q, json_string_value(a), json_string_length(a)));
    return buf;
}

/* A value as a message shows it: its JSON (ASCII only, then escaped as
 * every message quoting input is, util/quote), or its type when long. */
static const char *shown(const json_t *v, char *buf, size_t size)
{
    char json[96];
    pg_buf b;
    size_t n;

    if (!v)
        return "missing";
    n = json_dumpb(v, json, sizeof json, JSON_COMPACT | JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
    pg_buf_init(&b, size - 1);
    if (n == 0 || n > sizeof json || pg_escape_text(&b, json, n, NULL) != 0) {
        pg_buf_dispose(&b);
        return pg_plan__shape_word(pg_plan__shape_of(v));
    }
    snprintf(buf, size, "%s", pg_buf_cstr(&b));
    pg_buf_dispose(&b);
    return buf;
}

/* Every member Terraform gives a type has that type (shape.c's table). */
static int check_shape(const json_t *element, const json_t *change, pg_error *err)
{
    char w[200];
    size_t i;

    for (i = 0; i < pg_plan__shape_count; i++) {
        const pg_shape_rule *rule = &pg_plan__shape[i];
        const json_t *parent = rule->level == PG_SHAPE_TOP ? element : change;
        const json_t *v = json_object_get(parent, rule->key);
        unsigned t;

        if (!v) {
            if (rule->required)
                return pg_error_set(err, PG_EPLAN, "%s lacks \"%s\"", who(element, w, sizeof w), rule->name);
            continue;
        }
        t = pg_plan__shape_of(v);
        if (!(t & rule->types))
            return pg_error_set(err, PG_EPLAN, "%s: \"%s\" must be %s, not %s", who(element, w, sizeof w),
                                rule->name, rule->types_words, pg_plan__shape_word(t));
    }
    return PG_OK;
}

/* change.actions: a non-empty list of lowercase action names (an unknown
 * verb is kept, and normalises to PG_ACTION_UNKNOWN). */
static int check_actions(const json_t *element, const json_t *actions, pg_error *err)
{
    char w[200], v[120];
    size_t i, n = json_array_size(actions);

    for (i = 0; i < n; i++) {
        const json_t *a = json_array_get(actions, i);
        if (!json_is_string(a) || !pg_plan__action_word(json_string_value(a), json_string_length(a)))
            break;
    }
    if (n > 0 && i == n)
        return PG_OK;
    return pg_error_set(err, PG_EPLAN,
                        "%s: \"change.actions\" must be a non-empty list of lowercase action names (such as "
                        "[\"delete\"] or [\"create\",\"delete\"]), not %s",
                        who(element, w, sizeof w), shown(actions, v, sizeof v));
}

/* replace_paths: a list of paths, each a non-empty list of attribute names
 * and indexes (the key detector reads them). */
static int check_replace_paths(const json_t *element, const json_t *paths, pg_error *err)
{
    char w[200], v[120];
    size_t i, j;

    for (i = 0; i < json_array_size(paths); i++) {
        const json_t *path = json_array_get(paths, i);
        int ok = json_is_array(path) && json_array_size(path) > 0;
        for (j = 0; ok && j < json_array_size(path); j++)
            ok = json_is_string(json_array_get(path, j)) || json_is_integer(json_array_get(path, j));
        if (!ok)
            return pg_error_set(err, PG_EPLAN,
                                "%s: \"change.replace_paths\" must be a list of paths (lists of attribute "
                                "names and indexes), not %s",
                                who(element, w, sizeof w), shown(paths, v, sizeof v));
    }
    return PG_OK;
}

/*
 * What a change that destroys an object must carry (issue 11): the object
 * itself in `before` (Terraform always writes it; every detector and
 * protect selector reads it), a name (name globs read it), and a managed
 * mode (Terraform never destroys a data source, and detectors skip those).
 */
static int check_destroy(const pg_change *c, pg_error *err)
{
    char w[200], v[120], a[120];
    const json_t *change = json_object_get(c->root, "change");
    const json_t *before = json_object_get(change, "before");

    if (!json_is_object(before))
        return pg_error_set(err, PG_EPLAN,
                            "%s destroys an object (change.actions %s) but \"change.before\" is %s: "
                            "Terraform always writes the object it destroys",
                            who(c->root, w, sizeof w), shown(c->actions, a, sizeof a),
                            before ? shown(before, v, sizeof v) : "missing");
    if (!c->name)
        return pg_error_set(err, PG_EPLAN,
                            "%s destroys an object but has no \"name\": Terraform always writes it, and "
                            "protect selectors match it",
                            who(c->root, w, sizeof w));
    if (c->mode && strcmp(c->mode, "data") == 0)
        return pg_error_set(err, PG_EPLAN,
                            "%s destroys an object but its mode is \"data\": Terraform only reads data "
                            "sources, and detectors do not look at them",
                            who(c->root, w, sizeof w));
    return PG_OK;
}

int pg_plan__check_change(const pg_change *c, pg_error *err)
{
    const json_t *change = json_object_get(c->root, "change");
    char w[200], v[120];
    int rc;

    if ((rc = check_shape(c->root, change, err)) != 0)
        return rc;
    if (!c->address[0] || !c->type[0])
        return pg_error_set(err, PG_EPLAN, "%s has an empty \"%s\"", who(c->root, w, sizeof w),
                            !c->address[0] ? "address" : "type");
    if (c->mode && strcmp(c->mode, "managed") != 0 && strcmp(c->mode, "data") != 0)
        return pg_error_set(err, PG_EPLAN, "%s: \"mode\" must be \"managed\" or \"data\", not %s",
                            who(c->root, w, sizeof w), shown(json_object_get(c->root, "mode"), v, sizeof v));
    if ((rc = check_actions(c->root, c->actions, err)) != 0)
        return rc;
    if ((rc = check_replace_paths(c->root, c->replace_paths, err)) != 0)
        return rc;
    return c->destructive ? check_destroy(c, err) : PG_OK;
}
