/* change_read.c — what a detector reads from a change: is it managed, is it
 * a planned DynamoDB table, a string member, an unknown, a sensitive path,
 * the position of an `attribute` entry, and bounded comparisons of values
 * (plan values are input: no recursion follows them past PG_DET_MAX_DEPTH). */
#include <string.h>

#include "detect/detect_internal.h"

int pg_det__is_managed(const pg_change *c)
{
    /* Plans before 0.12-era tooling may lack "mode"; only "data" is not managed. */
    return !c->mode || strcmp(c->mode, "data") != 0;
}

int pg_det__is_planned_table(const pg_change *c)
{
    return c->origin == PG_ORIGIN_PLANNED && pg_det__is_table_type(c->type) && pg_det__is_managed(c);
}

int pg_det__leaves_object(const pg_change *c)
{
    switch (c->action) {
    case PG_ACTION_NOOP:
    case PG_ACTION_CREATE:
    case PG_ACTION_UPDATE:
    case PG_ACTION_REPLACE:
        return 1;
    case PG_ACTION_FORGET:
        /* ["create","forget"] / ["forget","create"]: the old object leaves
         * state untouched, the new one (after) is created and stays. A plain
         * forget has no after. */
        return json_is_object(c->after);
    default:
        return 0;
    }
}

const char *pg_det__str(const pg_change *c, pg_side side, const char *key)
{
    pg_path_step s = {key, 0};
    const json_t *v = pg_change_get(c, side, &s, 1);

    if (side == PG_AFTER && pg_change_is_unknown(c, &s, 1))
        return NULL;
    return json_is_string(v) ? json_string_value(v) : NULL;
}

const char *pg_det__str_plain(const pg_change *c, pg_side side, const char *key)
{
    pg_path_step s = {key, 0};
    const json_t *v = pg_change_get(c, side, &s, 1);
    const char *str = pg_det__str(c, side, key);

    /* A NUL inside would make strcmp see only its first part: "table/a\0b"
     * would match table a. Such a string matches nothing. */
    return str && !memchr(str, '\0', json_string_length(v)) ? str : NULL;
}

int pg_det__unknown(const pg_change *c, const char *key)
{
    pg_path_step s = {key, 0};
    return pg_change_is_unknown(c, &s, 1);
}

int pg_det__sensitive_pair(const pg_change *c, const pg_path_step *before, const pg_path_step *after, size_t n)
{
    return pg_change_is_sensitive(c, PG_BEFORE, before, n) || pg_change_is_sensitive(c, PG_AFTER, after, n);
}

int pg_det__sensitive(const pg_change *c, const pg_path_step *steps, size_t n)
{
    return pg_det__sensitive_pair(c, steps, steps, n);
}

int pg_det__block_sensitive(const pg_change *c, const char *key)
{
    pg_path_step s = {key, 0};

    return pg_det__sensitive(c, &s, 1) ||
           (json_is_object(c->before_sensitive) && pg_det__mask_any(json_object_get(c->before_sensitive, key))) ||
           (json_is_object(c->after_sensitive) && pg_det__mask_any(json_object_get(c->after_sensitive, key)));
}

static int mask_any_at(const json_t *mask, int depth)
{
    const char *key;
    json_t *v;
    size_t i;

    if (json_is_true(mask))
        return 1;
    if (!json_is_object(mask) && !json_is_array(mask))
        return 0;
    if (depth >= PG_DET_MAX_DEPTH)
        return 1; /* too deep to look at: assume a true is in there (fail closed) */
    if (json_is_object(mask)) {
        json_object_foreach ((json_t *)(uintptr_t)mask, key, v)
            if (mask_any_at(v, depth + 1))
                return 1;
    } else {
        json_array_foreach (mask, i, v)
            if (mask_any_at(v, depth + 1))
                return 1;
    }
    return 0;
}

int pg_det__mask_any(const json_t *mask)
{
    return mask_any_at(mask, 0);
}

static int equal_at(const json_t *a, const json_t *b, int depth)
{
    const char *key;
    json_t *v;
    size_t i;

    if (!a || !b) /* as json_equal: an absent value equals nothing */
        return 0;
    if (a == b)
        return 1;
    if (json_typeof(a) != json_typeof(b))
        return 0;
    if (json_is_object(a)) {
        if (depth >= PG_DET_MAX_DEPTH || json_object_size(a) != json_object_size(b))
            return 0;
        json_object_foreach ((json_t *)(uintptr_t)a, key, v)
            if (!equal_at(v, json_object_get(b, key), depth + 1))
                return 0;
        return 1;
    }
    if (json_is_array(a)) {
        if (depth >= PG_DET_MAX_DEPTH || json_array_size(a) != json_array_size(b))
            return 0;
        json_array_foreach (a, i, v)
            if (!equal_at(v, json_array_get(b, i), depth + 1))
                return 0;
        return 1;
    }
    return json_equal(a, b); /* a scalar: jansson compares it without recursing */
}

int pg_det__equal(const json_t *a, const json_t *b)
{
    return equal_at(a, b, 0);
}

int pg_det__attribute_index(const pg_change *c, pg_side side, const char *name, size_t *index_out)
{
    pg_path_step s = {"attribute", 0};
    const json_t *list = pg_change_get(c, side, &s, 1);
    size_t i;

    for (i = 0; name && json_is_array(list) && i < json_array_size(list); i++) {
        const json_t *n = json_object_get(json_array_get(list, i), "name");
        if (json_is_string(n) && strcmp(json_string_value(n), name) == 0) {
            *index_out = i;
            return 1;
        }
    }
    return 0;
}

void pg_det__attr_path(pg_det_attr *out, const char *path)
{
    size_t len = strlen(path), i = 0;
    char *t;

    out->n = 0;
    if (len >= sizeof out->text)
        return;
    memcpy(out->text, path, len + 1);
    t = out->text;
    while (i < len && out->n < PG_DATA_STORE_MAX_STEPS) {
        size_t start = i;
        while (i < len && t[i] != '.' && t[i] != '[')
            i++;
        out->steps[out->n++] = (pg_path_step){t + start, 0};
        while (i < len && t[i] == '[' && out->n < PG_DATA_STORE_MAX_STEPS) {
            size_t index = 0;
            t[i++] = '\0';
            while (i < len && t[i] >= '0' && t[i] <= '9')
                index = index * 10 + (size_t)(t[i++] - '0');
            i++; /* the ']' */
            out->steps[out->n++] = (pg_path_step){NULL, index};
        }
        if (i < len)
            t[i++] = '\0'; /* the '.' */
    }
}
