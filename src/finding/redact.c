/*
 * redact.c — what of a plan value a finding may show: pg_change_redacted
 * (finding.h). A sensitive value or part becomes "(sensitive)", an unknown
 * one "(known after apply)", and a value past the evidence caps its summary,
 * before anything else sees it.
 */
#include "plangate/finding.h"

#include <stdint.h>

#include "finding/value.h"

/* Does `mask` mark something inside as true? Bounded by the evidence caps:
 * a mask deeper than them counts as marking (it is only shown). */
static int has_true(const json_t *mask, size_t depth)
{
    const char *key;
    json_t *m;
    size_t i;

    if (json_is_true(mask) || depth > PG_EVIDENCE_MAX_DEPTH)
        return json_is_true(mask) || json_is_array(mask) || json_is_object(mask);
    if (json_is_object(mask)) {
        json_object_foreach((json_t *)(uintptr_t)mask, key, m) {
            if (has_true(m, depth + 1))
                return 1;
        }
    }
    for (i = 0; json_is_array(mask) && i < json_array_size(mask); i++)
        if (has_true(json_array_get(mask, i), depth + 1))
            return 1;
    return 0;
}

/* Copy `v`, replacing every part that `mask` marks with `text`. Recursive,
 * but only on a value within the evidence caps (PG_EVIDENCE_MAX_DEPTH).
 * `add_missing` (the unknown pass): a map member Terraform left out of
 * `after` because its value is unknown, or a list element past its end, is
 * shown as `text` too, so a partly unknown map does not look whole (issue 13). */
static json_t *redact_copy(const json_t *v, const json_t *mask, const char *text, int add_missing)
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
            json_t *c = redact_copy(child, json_object_get(mask, key), text, add_missing);
            if (!c || json_object_set_new(out, key, c) != 0) {
                json_decref(out);
                return NULL;
            }
        }
        json_object_foreach((json_t *)(uintptr_t)mask, key, child) {
            json_t *c;
            if (!add_missing || json_object_get(v, key) || !has_true(child, 0))
                continue;
            if (!(c = json_string(text)) || json_object_set_new(out, key, c) != 0) {
                json_decref(out);
                return NULL;
            }
        }
        return out;
    }
    if (json_is_array(v) && json_is_array(mask)) {
        size_t i, n = json_array_size(v);

        if (add_missing && json_array_size(mask) > n)
            n = json_array_size(mask);
        out = json_array();
        for (i = 0; out && i < n; i++) {
            json_t *c = i < json_array_size(v)
                            ? redact_copy(json_array_get(v, i), json_array_get(mask, i), text, add_missing)
                            : has_true(json_array_get(mask, i), 0) ? json_string(text) : json_null();
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
    /* absent from after, yet after_unknown marks members of it: unknown */
    if (!v && side == PG_AFTER && has_true(mask_at(c->after_unknown, steps, n), 0))
        return json_string(PG_UNKNOWN_TEXT);
    if (!v)
        return json_null();
    sparts = mask_at(smask, steps, n);
    /* Too large or too deep: its summary, never a copy (the size is left
     * out when a part of it is sensitive). */
    if (!pg_value__within_caps(v))
        return pg_value__summary(v, marks_parts(sparts));
    /* Parts of the value may be sensitive (one tag of a map, one attribute of a block). */
    masked = redact_copy(v, sparts, PG_SENSITIVE_TEXT, 0);
    if (side == PG_BEFORE || !masked)
        out = masked;
    else {
        out = redact_copy(masked, mask_at(c->after_unknown, steps, n), PG_UNKNOWN_TEXT, 1);
        json_decref(masked);
    }
    /* the markers may have made it larger than the caps */
    return pg_value__capped(out, marks_parts(sparts));
}
