/*
 * redact.c — what of a plan value a finding may show: pg_change_redacted
 * (finding.h). A sensitive value or part becomes "(sensitive)", an unknown
 * one "(known after apply)", and a value past the evidence caps its summary,
 * before anything else sees it.
 */
#include "plangate/finding.h"

#include <stdint.h>

#include "finding/value.h"

/* Copy `v`, replacing every part that `mask` marks with `text`. Recursive,
 * but only on a value within the evidence caps (PG_EVIDENCE_MAX_DEPTH). */
static json_t *redact_copy(const json_t *v, const json_t *mask, const char *text)
{
    json_t *out;

    if (json_is_true(mask))
        return json_string(text);
    if (json_is_object(v) && json_is_object(mask)) {
        const char *key;
        json_t *child;

        if (!(out = json_object()))
            return NULL;
        json_object_foreach((json_t *)(uintptr_t)v, key, child) {
            json_t *c = redact_copy(child, json_object_get(mask, key), text);
            if (!c || json_object_set_new(out, key, c) != 0) {
                json_decref(out);
                return NULL;
            }
        }
        return out;
    }
    if (json_is_array(v) && json_is_array(mask)) {
        size_t i;

        out = json_array();
        for (i = 0; out && i < json_array_size(v); i++) {
            json_t *c = redact_copy(json_array_get(v, i), json_array_get(mask, i), text);
            if (!c || json_array_append_new(out, c) != 0) {
                json_decref(out);
                return NULL;
            }
        }
        return out;
    }
    return json_deep_copy(v);
}

static const json_t *mask_at(const json_t *mask, const pg_path_step *steps, size_t n)
{
    size_t i;

    for (i = 0; i < n && mask; i++) {
        if (steps[i].key)
            mask = json_is_object(mask) ? json_object_get(mask, steps[i].key) : NULL;
        else
            mask = json_is_array(mask) ? json_array_get(mask, steps[i].index) : NULL;
    }
    return mask;
}

/* Does a mask below the value mark some of its parts? */
static int marks_parts(const json_t *mask)
{
    return (json_is_object(mask) && json_object_size(mask) > 0) || (json_is_array(mask) && json_array_size(mask) > 0);
}

json_t *pg_change_redacted(const pg_change *c, pg_side side, const pg_path_step *steps, size_t n)
{
    const json_t *v;
    const json_t *smask = side == PG_BEFORE ? c->before_sensitive : c->after_sensitive;
    const json_t *sparts;
    json_t *masked, *out;

    if (pg_mask_covers(smask, steps, n))
        return json_string(PG_SENSITIVE_TEXT);
    v = pg_change_get(c, side, steps, n);
    if (side == PG_AFTER && pg_change_is_unknown(c, steps, n))
        return json_string(PG_UNKNOWN_TEXT);
    if (!v)
        return json_null();
    sparts = mask_at(smask, steps, n);
    /* Too large or too deep: its summary, never a copy (the size is left
     * out when a part of it is sensitive). */
    if (!pg_value__within_caps(v))
        return pg_value__summary(v, marks_parts(sparts));
    /* Parts of the value may be sensitive (one tag of a map, one attribute of a block). */
    masked = redact_copy(v, sparts, PG_SENSITIVE_TEXT);
    if (side == PG_BEFORE || !masked)
        out = masked;
    else {
        out = redact_copy(masked, mask_at(c->after_unknown, steps, n), PG_UNKNOWN_TEXT);
        json_decref(masked);
    }
    /* the markers may have made it larger than the caps */
    return pg_value__capped(out, marks_parts(sparts));
}
