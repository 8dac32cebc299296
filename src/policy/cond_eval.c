/* cond_eval.c — evaluating conditions: operators, all/any/not, every:,
 * if_unknown: (SPEC §4).
 *
 * Evaluation is three-valued. A value that after_unknown covers is neither
 * true nor false: the leaf says PT_UNKNOWN, combinators follow Kleene's
 * logic (so `not:` cannot turn "unknown" into "holds"), `if_unknown:` on a
 * condition settles it, and what is still unknown at the top is settled by
 * where the condition sits: a `require` fails (fail closed), a `where:` or
 * `when:` selects (so the rule or the protection still applies).
 *
 * A value an operator cannot judge is unknown too: a string holding a NUL
 * character under a text operator (`matches`, `glob`, `contains` see C
 * strings, and "prod\u0000x" must not pass as "prod"), a `matches` subject
 * longer than PG_POLICY_MAX_MATCH_BYTES (regexec's cost), and two values
 * `changed` compares that are nested deeper than PG_JSON_MAX_DEPTH_CEILING.
 *
 * No operator recurses on the plan value's depth: path walks follow the
 * path's steps, comparisons follow the policy operand (compare.c), lengths
 * look at one level. Combinators recurse on the condition, whose nesting
 * the loader caps (PG_POLICY_MAX_DEPTH).
 */
#include "policy/policy_internal.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/utf8.h"

/* ---- operators on one known value ------------------------------------------------ */

/* A scalar as the text a text operator matches (`matches: "^5$"` on the
 * number 5): exact, never cut or quoted, so not pg_value_text, which is for
 * showing values. 0 for arrays and objects. */
static int scalar_text(const json_t *v, char *buf, size_t size, const char **out)
{
    if (pg_policy__is_exact_number(v)) {
        *out = pg_policy__exact_number_text(v);
        return 1;
    }
    if (json_is_string(v)) {
        *out = json_string_value(v);
        return 1;
    }
    if (pg_value_number_text(v, buf, size))
        ; /* shortest round-trip text: 0.1, not 0.10000000000000001 */
    else if (json_is_boolean(v))
        snprintf(buf, size, "%s", json_is_true(v) ? "true" : "false");
    else
        return 0;
    *out = buf;
    return 1;
}

static int contains_text(const char *hay, const char *needle, int icase)
{
    size_t n = strlen(needle), i;

    if (!icase)
        return strstr(hay, needle) != NULL;
    for (i = 0; hay[i]; i++)
        if (strncasecmp(hay + i, needle, n) == 0)
            return 1;
    return n == 0;
}

static int length_of(const json_t *v, size_t *out)
{
    if (json_is_string(v))
        *out = pg_utf8_count(json_string_value(v), json_string_length(v));
    else if (json_is_array(v))
        *out = json_array_size(v);
    else if (json_is_object(v))
        *out = json_object_size(v);
    else
        return 0;
    return 1;
}

/* A string a text operator cannot judge (see the top of this file). */
static int text_unjudgeable(const pg_cond *cond, const json_t *v)
{
    size_t len;

    if (!json_is_string(v) || (cond->op != OP_MATCHES && cond->op != OP_GLOB && cond->op != OP_CONTAINS))
        return 0;
    len = json_string_length(v);
    if (memchr(json_string_value(v), '\0', len))
        return 1;
    return cond->op == OP_MATCHES && len > PG_POLICY_MAX_MATCH_BYTES;
}

/* `after.tags` (any tag attribute, on before/after/changed): a map of tags,
 * whose keys compare case-insensitively (tags.c). */
static int tag_map_path(const pg_ppath *p)
{
    return (p->root == PR_BEFORE || p->root == PR_AFTER || p->root == PR_NONE) && p->n == 1 &&
           p->steps[0].kind == PS_KEY && pg_policy__is_tag_attr(p->steps[0].key);
}

/* Is the operand a string (a key `contains` may look for)? */
static int key_operand(const pg_cond *cond)
{
    return json_is_string(cond->value) && !pg_policy__is_exact_number(cond->value);
}

/* Does the mapping `obj` have the key `key` (ASCII case folded when `icase`)? */
static int has_key(const json_t *obj, const char *key, int icase)
{
    const char *k;
    size_t k_len;
    json_t *val;

    if (!icase)
        return json_object_get(obj, key) != NULL;
    json_object_keylen_foreach((json_t *)(uintptr_t)obj, k, k_len, val) {
        if (pg_policy__key_equal(k, k_len, key))
            return 1;
    }
    return 0;
}

static int contains(const pg_cond *cond, const json_t *v)
{
    char wbuf[64];
    const char *want;
    size_t i;

    if (tag_map_path(&cond->path) && (json_is_object(v) || json_is_array(v)) && key_operand(cond) &&
        pg_policy__tag_map_has(v, json_string_value(cond->value)))
        return 1;
    if (json_is_array(v)) {
        for (i = 0; i < json_array_size(v); i++)
            if (pg_policy__values_equal(json_array_get(v, i), cond->value, cond->icase))
                return 1;
        return 0;
    }
    if (json_is_object(v))
        return key_operand(cond) && has_key(v, json_string_value(cond->value), cond->icase);
    if (json_is_string(v))
        return scalar_text(cond->value, wbuf, sizeof wbuf, &want) &&
               contains_text(json_string_value(v), want, cond->icase);
    return 0;
}

/* `contains: KEY` on a map whose member KEY Terraform left out of `after`
 * as unknown: after_unknown names the key (true, or a container marking a
 * part of its value), so the map holds it, whatever its value will be. */
static int mask_names_key(const pg_cond *cond, const json_t *mask)
{
    const char *k, *want;
    size_t k_len;
    json_t *val;

    if (!json_is_object(mask) || !key_operand(cond))
        return 0;
    want = json_string_value(cond->value);
    json_object_keylen_foreach((json_t *)(uintptr_t)mask, k, k_len, val) {
        int same = (cond->icase || tag_map_path(&cond->path)) ? pg_policy__key_equal(k, k_len, want)
                                                              : strlen(want) == k_len && memcmp(k, want, k_len) == 0;
        if (same && !json_is_false(val))
            return 1;
    }
    return 0;
}

static int in_list(const pg_cond *cond, const json_t *v)
{
    size_t i;

    for (i = 0; i < json_array_size(cond->value); i++)
        if (pg_policy__values_equal(v, json_array_get(cond->value, i), cond->icase))
            return 1;
    return 0;
}

static int op_holds(const pg_cond *cond, const json_t *v)
{
    char buf[64];
    const char *text;
    size_t len;

    switch (cond->op) {
    case OP_EQUALS: return pg_policy__values_equal(v, cond->value, cond->icase);
    case OP_NOT_EQUALS: return !pg_policy__values_equal(v, cond->value, cond->icase);
    case OP_IN: return in_list(cond, v);
    case OP_NOT_IN: return !in_list(cond, v);
    case OP_MATCHES:
        return scalar_text(v, buf, sizeof buf, &text) && regexec(&cond->re, text, 0, NULL, 0) == 0;
    case OP_GLOB:
        return scalar_text(v, buf, sizeof buf, &text) &&
               pg_policy__glob(json_string_value(cond->value), text, cond->icase);
    case OP_CONTAINS: return contains(cond, v);
    case OP_GREATER_THAN: return pg_policy__values_order(v, cond->value, 1);
    case OP_LESS_THAN: return pg_policy__values_order(v, cond->value, 0);
    case OP_LENGTH_EQUALS: return length_of(v, &len) && (json_int_t)len == json_integer_value(cond->value);
    case OP_LENGTH_GREATER_THAN: return length_of(v, &len) && (json_int_t)len > json_integer_value(cond->value);
    case OP_LENGTH_LESS_THAN: return length_of(v, &len) && (json_int_t)len < json_integer_value(cond->value);
    case OP_EXISTS:
    case OP_CHANGED:
    case OP_COUNT_:
        break;
    }
    return 0;
}

/* ---- leaves ------------------------------------------------------------------------ */

static int eval_changed(const pg_cond *cond, const pg_change *c, pg_tri *out, pg_error *err)
{
    pp_hits hb, ha;
    pg_tri same = PT_TRUE;
    int rc;
    size_t i;

    memset(&ha, 0, sizeof ha);
    if ((rc = pg_policy__path_eval(&hb, &cond->path, c, PG_BEFORE, 0, err)) != PG_OK ||
        (rc = pg_policy__path_eval(&ha, &cond->path, c, PG_AFTER, 0, err)) != PG_OK)
        goto out;
    for (i = 0; i < ha.count && same != PT_UNKNOWN; i++)
        if (ha.items[i].unknown || ha.items[i].partial)
            same = PT_UNKNOWN;
    if (same != PT_UNKNOWN && hb.count != ha.count)
        same = PT_FALSE;
    for (i = 0; same == PT_TRUE && i < ha.count; i++)
        if ((rc = pg_policy__plan_equal(hb.items[i].value, ha.items[i].value, &same, err)) != PG_OK)
            goto out;
    if (same == PT_UNKNOWN)
        *out = PT_UNKNOWN;
    else
        *out = (cond->flag ? same == PT_FALSE : same == PT_TRUE) ? PT_TRUE : PT_FALSE;
out:
    pg_policy__hits_dispose(&hb);
    pg_policy__hits_dispose(&ha);
    return rc;
}

static int eval_leaf(const pg_cond *cond, const pg_change *c, pg_tri *out, pg_error *err)
{
    pp_hits h;
    size_t i;
    int rc, any_true = 0, any_false = 0, any_unknown = 0, any_known = 0;

    if (cond->op == OP_CHANGED)
        return eval_changed(cond, c, out, err);
    if ((rc = pg_policy__path_eval(&h, &cond->path, c, PG_AFTER, 0, err)) != PG_OK) {
        pg_policy__hits_dispose(&h);
        return rc;
    }
    for (i = 0; i < h.count; i++) {
        const pp_hit *hit = &h.items[i];
        if (hit->unknown || (hit->partial && cond->op != OP_EXISTS)) {
            /* A value unknown, or a map or list with an unknown member: a
             * whole-value operator cannot judge it (issue 13). `contains`
             * still can when a known member, or a key after_unknown names,
             * is the one it looks for; and a map's keys are all known (only
             * their values are not), so a key in neither is absent. */
            if (cond->op == OP_CONTAINS &&
                ((hit->value && contains(cond, hit->value)) || mask_names_key(cond, hit->mask)))
                any_true = 1;
            else if (cond->op == OP_CONTAINS && json_is_object(hit->mask) &&
                     (json_is_object(hit->value) || !hit->value))
                any_false = 1;
            else
                any_unknown = 1;
            if (hit->value)
                any_known = 1;
            continue;
        }
        any_known = 1;
        if (text_unjudgeable(cond, h.items[i].value)) {
            any_unknown = 1;
            continue;
        }
        if (cond->op != OP_EXISTS) {
            if (op_holds(cond, h.items[i].value))
                any_true = 1;
            else
                any_false = 1;
        }
    }
    if (cond->op == OP_EXISTS)
        *out = any_known ? (cond->flag ? PT_TRUE : PT_FALSE)
               : any_unknown ? PT_UNKNOWN
                             : (cond->flag ? PT_FALSE : PT_TRUE);
    else if (h.count == 0)
        *out = cond->every ? PT_TRUE : PT_FALSE; /* "all of none" holds; "any of none" does not */
    else if (cond->every)
        *out = any_false ? PT_FALSE : any_unknown ? PT_UNKNOWN : PT_TRUE;
    else
        *out = any_true ? PT_TRUE : any_unknown ? PT_UNKNOWN : PT_FALSE;
    pg_policy__hits_dispose(&h);
    return PG_OK;
}

/* ---- combinators --------------------------------------------------------------------- */

/* all: false if any part is, else unknown if any part is; any: the dual. */
static int eval_list(const pg_cond *cond, const pg_policy *p, const pg_change *c, pg_tri *out, pg_error *err)
{
    pg_tri stop = cond->kind == PC_ALL ? PT_FALSE : PT_TRUE, r = cond->kind == PC_ALL ? PT_TRUE : PT_FALSE, k;
    int rc, any_unknown = 0;
    size_t i;

    for (i = 0; i < cond->n && r != stop; i++) {
        if ((rc = pg_policy__cond_eval(cond->kids[i], p, c, &k, err)) != PG_OK)
            return rc;
        if (k == stop)
            r = stop;
        else if (k == PT_UNKNOWN)
            any_unknown = 1;
    }
    *out = r != stop && any_unknown ? PT_UNKNOWN : r;
    return PG_OK;
}

int pg_policy__cond_eval(const pg_cond *cond, const pg_policy *p, const pg_change *c, pg_tri *out, pg_error *err)
{
    pg_tri r = PT_FALSE, k;
    int rc;

    switch (cond->kind) {
    case PC_LEAF:
        if ((rc = eval_leaf(cond, c, &r, err)) != PG_OK)
            return rc;
        break;
    case PC_ENV:
        r = pg_policy__env_cond(p, cond, c);
        break;
    case PC_ALL:
    case PC_ANY:
        if ((rc = eval_list(cond, p, c, &r, err)) != PG_OK)
            return rc;
        break;
    case PC_NOT:
        if ((rc = pg_policy__cond_eval(cond->kids[0], p, c, &k, err)) != PG_OK)
            return rc;
        r = k == PT_TRUE ? PT_FALSE : k == PT_FALSE ? PT_TRUE : PT_UNKNOWN;
        break;
    }
    if (r == PT_UNKNOWN && cond->if_unknown != PU_DEFAULT)
        r = cond->if_unknown == PU_PASS ? PT_TRUE : PT_FALSE;
    *out = r;
    return PG_OK;
}
