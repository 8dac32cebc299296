/* eval.c — conditions: operators, all/any/not, every:, if_unknown: (SPEC §4).
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
 * strings, and "prod\u0000x" must not pass as "prod"), and a `matches`
 * subject longer than PG_POLICY_MAX_MATCH_BYTES (regexec's cost).
 *
 * Comparisons follow Terraform's own primitive conversions: a tag set to
 * `true` in HCL is the string "true" in the plan, a number in a map(string)
 * is a string too, so a YAML boolean equals the strings "true"/"false" and
 * a YAML number equals a string holding that number (docs/policies.md).
 */
#include "policy/policy_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plangate/alloc.h"

const char *const pg_policy__op_names[OP_COUNT_] = {
    "equals",   "not_equals",   "in",      "not_in",        "matches",
    "glob",     "exists",       "contains", "greater_than", "less_than",
    "changed",  "length_equals", "length_greater_than", "length_less_than",
};

/* ---- values ----------------------------------------------------------------- */

/* Strict JSON number syntax (strtod alone would take "0x10", "inf", " 1"). */
static int numeric_text(const char *s, double *out)
{
    const char *p = s;

    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (*p >= '0' && *p <= '9')
            p++;
    else
        return 0;
    if (*p == '.') {
        p++;
        if (!(*p >= '0' && *p <= '9'))
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p)
        return 0;
    *out = strtod(s, NULL);
    return 1;
}

/* A plan value as a number: JSON numbers, and strings that hold one (the
 * reader keeps numbers beyond int64/double as text; map(string) values). */
static int as_number(const json_t *v, double *out)
{
    if (json_is_number(v)) {
        *out = json_number_value(v);
        return 1;
    }
    if (json_is_string(v))
        return numeric_text(json_string_value(v), out);
    return 0;
}

static int numbers_equal(const json_t *a, const json_t *b)
{
    double x, y;

    if (json_is_integer(a) && json_is_integer(b))
        return json_integer_value(a) == json_integer_value(b);
    if (!as_number(a, &x) || !as_number(b, &y))
        return 0;
    return x == y && !(x != x);
}

static int strings_equal(const json_t *a, const json_t *b, int icase)
{
    size_t la = json_string_length(a), lb = json_string_length(b);

    if (la != lb)
        return 0;
    if (icase)
        return strncasecmp(json_string_value(a), json_string_value(b), la) == 0;
    return memcmp(json_string_value(a), json_string_value(b), la) == 0;
}

static int string_is_bool(const json_t *s, int b)
{
    return strcmp(json_string_value(s), b ? "true" : "false") == 0;
}

int pg_policy__values_equal(const json_t *plan, const json_t *want, int icase)
{
    if (!plan || !want)
        return 0;
    if (json_is_string(plan) && json_is_string(want))
        return strings_equal(plan, want, icase);
    if (json_is_number(plan) || json_is_number(want)) {
        /* number vs number, or number vs a string that holds a number */
        if ((json_is_number(plan) || json_is_string(plan)) && (json_is_number(want) || json_is_string(want)))
            return numbers_equal(plan, want);
        return 0;
    }
    if (json_is_boolean(plan) && json_is_boolean(want))
        return json_is_true(plan) == json_is_true(want);
    if (json_is_string(plan) && json_is_boolean(want))
        return string_is_bool(plan, json_is_true(want));
    if (json_is_boolean(plan) && json_is_string(want))
        return string_is_bool(want, json_is_true(plan));
    if (json_is_null(plan) || json_is_null(want))
        return json_is_null(plan) && json_is_null(want);
    if (json_is_array(plan) && json_is_array(want)) {
        size_t i;
        if (json_array_size(plan) != json_array_size(want))
            return 0;
        for (i = 0; i < json_array_size(plan); i++)
            if (!pg_policy__values_equal(json_array_get(plan, i), json_array_get(want, i), icase))
                return 0;
        return 1;
    }
    if (json_is_object(plan) && json_is_object(want)) {
        const char *key;
        json_t *v;
        if (json_object_size(plan) != json_object_size(want))
            return 0;
        json_object_foreach((json_t *)(uintptr_t)want, key, v) {
            if (!pg_policy__values_equal(json_object_get(plan, key), v, icase))
                return 0;
        }
        return 1;
    }
    return 0;
}

/* A scalar as text (for matches, glob, contains); 0 for arrays/objects. */
static int scalar_text(const json_t *v, char *buf, size_t size, const char **out)
{
    if (json_is_string(v)) {
        *out = json_string_value(v);
        return 1;
    }
    if (json_is_integer(v))
        snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else if (json_is_real(v))
        snprintf(buf, size, "%.17g", json_real_value(v));
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

static size_t utf8_count(const char *s, size_t len)
{
    size_t i, n = 0;

    for (i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

static int length_of(const json_t *v, size_t *out)
{
    if (json_is_string(v))
        *out = utf8_count(json_string_value(v), json_string_length(v));
    else if (json_is_array(v))
        *out = json_array_size(v);
    else if (json_is_object(v))
        *out = json_object_size(v);
    else
        return 0;
    return 1;
}

static int compare_order(const json_t *plan, const json_t *want, int greater)
{
    double x, y;

    if (json_is_integer(plan) && json_is_integer(want))
        return greater ? json_integer_value(plan) > json_integer_value(want)
                       : json_integer_value(plan) < json_integer_value(want);
    if (!as_number(plan, &x) || !as_number(want, &y))
        return 0;
    return greater ? x > y : x < y;
}

/* One known value against one leaf. */
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

static int op_holds(const pg_cond *cond, const json_t *v)
{
    char buf[64];
    const char *text;
    size_t len, i;

    switch (cond->op) {
    case OP_EQUALS:
        return pg_policy__values_equal(v, cond->value, cond->icase);
    case OP_NOT_EQUALS:
        return !pg_policy__values_equal(v, cond->value, cond->icase);
    case OP_IN:
    case OP_NOT_IN: {
        int found = 0;
        for (i = 0; i < json_array_size(cond->value) && !found; i++)
            found = pg_policy__values_equal(v, json_array_get(cond->value, i), cond->icase);
        return cond->op == OP_IN ? found : !found;
    }
    case OP_MATCHES:
        return scalar_text(v, buf, sizeof buf, &text) && regexec(&cond->re, text, 0, NULL, 0) == 0;
    case OP_GLOB:
        return scalar_text(v, buf, sizeof buf, &text) &&
               pg_policy__glob(json_string_value(cond->value), text, cond->icase);
    case OP_CONTAINS:
        if (json_is_array(v)) {
            for (i = 0; i < json_array_size(v); i++)
                if (pg_policy__values_equal(json_array_get(v, i), cond->value, cond->icase))
                    return 1;
            return 0;
        }
        if (json_is_object(v))
            return json_is_string(cond->value) && json_object_get(v, json_string_value(cond->value)) != NULL;
        if (json_is_string(v)) {
            char wbuf[64];
            const char *want;
            return scalar_text(cond->value, wbuf, sizeof wbuf, &want) &&
                   contains_text(json_string_value(v), want, cond->icase);
        }
        return 0;
    case OP_GREATER_THAN:
        return compare_order(v, cond->value, 1);
    case OP_LESS_THAN:
        return compare_order(v, cond->value, 0);
    case OP_LENGTH_EQUALS:
        return length_of(v, &len) && (json_int_t)len == json_integer_value(cond->value);
    case OP_LENGTH_GREATER_THAN:
        return length_of(v, &len) && (json_int_t)len > json_integer_value(cond->value);
    case OP_LENGTH_LESS_THAN:
        return length_of(v, &len) && (json_int_t)len < json_integer_value(cond->value);
    case OP_EXISTS:
    case OP_CHANGED:
    case OP_COUNT_:
        break;
    }
    return 0;
}

/* ---- leaves and combinators --------------------------------------------------- */

static int eval_changed(const pg_cond *cond, const pg_change *c, pg_tri *out)
{
    pp_hits hb, ha;
    int rc, diff = 0;
    size_t i;

    memset(&ha, 0, sizeof ha);
    if ((rc = pg_policy__path_eval(&hb, &cond->path, c, PG_BEFORE, 0)) != PG_OK ||
        (rc = pg_policy__path_eval(&ha, &cond->path, c, PG_AFTER, 0)) != PG_OK) {
        pg_policy__hits_dispose(&hb);
        pg_policy__hits_dispose(&ha);
        return rc;
    }
    for (i = 0; i < ha.count; i++)
        if (ha.items[i].unknown) {
            *out = PT_UNKNOWN;
            goto out;
        }
    if (hb.count != ha.count)
        diff = 1;
    for (i = 0; !diff && i < ha.count; i++)
        diff = !json_equal(hb.items[i].value, ha.items[i].value);
    *out = (cond->flag ? diff : !diff) ? PT_TRUE : PT_FALSE;
out:
    pg_policy__hits_dispose(&hb);
    pg_policy__hits_dispose(&ha);
    return PG_OK;
}

static int eval_leaf(const pg_cond *cond, const pg_change *c, pg_tri *out)
{
    pp_hits h;
    size_t i;
    int rc, any_true = 0, any_false = 0, any_unknown = 0, any_known = 0;

    if (cond->op == OP_CHANGED)
        return eval_changed(cond, c, out);
    if ((rc = pg_policy__path_eval(&h, &cond->path, c, PG_AFTER, 0)) != PG_OK) {
        pg_policy__hits_dispose(&h);
        return rc;
    }
    for (i = 0; i < h.count; i++) {
        if (h.items[i].unknown) {
            any_unknown = 1;
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

int pg_policy__cond_eval(const pg_cond *cond, const pg_change *c, pg_tri *out)
{
    size_t i;
    int rc, any_unknown = 0;
    pg_tri r = PT_FALSE, k;

    switch (cond->kind) {
    case PC_LEAF:
        if ((rc = eval_leaf(cond, c, &r)) != PG_OK)
            return rc;
        break;
    case PC_ALL:
        r = PT_TRUE;
        for (i = 0; i < cond->n && r != PT_FALSE; i++) {
            if ((rc = pg_policy__cond_eval(cond->kids[i], c, &k)) != PG_OK)
                return rc;
            if (k == PT_FALSE)
                r = PT_FALSE;
            else if (k == PT_UNKNOWN)
                any_unknown = 1;
        }
        if (r == PT_TRUE && any_unknown)
            r = PT_UNKNOWN;
        break;
    case PC_ANY:
        r = PT_FALSE;
        for (i = 0; i < cond->n && r != PT_TRUE; i++) {
            if ((rc = pg_policy__cond_eval(cond->kids[i], c, &k)) != PG_OK)
                return rc;
            if (k == PT_TRUE)
                r = PT_TRUE;
            else if (k == PT_UNKNOWN)
                any_unknown = 1;
        }
        if (r == PT_FALSE && any_unknown)
            r = PT_UNKNOWN;
        break;
    case PC_NOT:
        if ((rc = pg_policy__cond_eval(cond->kids[0], c, &k)) != PG_OK)
            return rc;
        r = k == PT_TRUE ? PT_FALSE : k == PT_FALSE ? PT_TRUE : PT_UNKNOWN;
        break;
    }
    if (r == PT_UNKNOWN && cond->if_unknown != PU_DEFAULT)
        r = cond->if_unknown == PU_PASS ? PT_TRUE : PT_FALSE;
    *out = r;
    return PG_OK;
}

/* ---- evidence ------------------------------------------------------------------ */

static int has_evidence(const pg_finding *f, const char *path)
{
    size_t i;

    for (i = 0; i < f->n_evidence; i++)
        if (strcmp(f->evidence[i].path, path) == 0)
            return 1;
    return 0;
}

/* The redacted values a path reaches on one side: the value itself for a
 * path without [*], an array of values otherwise. */
static json_t *side_values(const pg_cond *cond, const pg_change *c, pg_side side)
{
    pg_path_step steps[PG_POLICY_MAX_PATH_STEPS];
    pg_ppath rel = cond->path;
    pp_hits h;
    json_t *arr;
    size_t i;

    if (!cond->path.has_wild) {
        for (i = 0; i < cond->path.n; i++) {
            steps[i].key = cond->path.steps[i].kind == PS_KEY ? cond->path.steps[i].key : NULL;
            steps[i].index = cond->path.steps[i].index;
        }
        return pg_change_redacted(c, side, steps, cond->path.n);
    }
    rel.root = PR_NONE;
    if (pg_policy__path_eval(&h, &rel, c, side, 1) != PG_OK) {
        pg_policy__hits_dispose(&h);
        return NULL;
    }
    arr = json_array();
    for (i = 0; arr && i < h.count; i++) {
        json_t *v = pg_change_redacted(c, side, h.items[i].steps, h.items[i].n);
        if (!v || json_array_append_new(arr, v) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    }
    pg_policy__hits_dispose(&h);
    return arr;
}

static int leaf_evidence(const pg_cond *cond, const pg_change *c, pg_finding *f)
{
    json_t *before = NULL, *after = NULL;

    if (has_evidence(f, cond->path.rel))
        return PG_OK;
    if (cond->path.root == PR_FIELD || cond->path.root == PR_AFTER_UNKNOWN) {
        pp_hits h;
        size_t i;
        if (pg_policy__path_eval(&h, &cond->path, c, PG_AFTER, 0) != PG_OK) {
            pg_policy__hits_dispose(&h);
            return PG_ENOMEM;
        }
        if (!cond->path.has_wild)
            after = h.count ? json_deep_copy(h.items[0].value) : json_null();
        else
            for (after = json_array(), i = 0; after && i < h.count; i++)
                if (json_array_append_new(after, json_deep_copy(h.items[i].value)) != 0) {
                    json_decref(after);
                    after = NULL;
                }
        pg_policy__hits_dispose(&h);
        if (!after)
            return PG_ENOMEM;
        return pg_finding_add_evidence(f, cond->path.rel, NULL, after);
    }
    before = side_values(cond, c, PG_BEFORE);
    after = side_values(cond, c, PG_AFTER);
    if (!before || !after) {
        json_decref(before);
        json_decref(after);
        return PG_ENOMEM;
    }
    return pg_finding_add_evidence(f, cond->path.rel, before, after);
}

int pg_policy__cond_evidence(const pg_cond *cond, const pg_change *c, pg_finding *f)
{
    size_t i;
    int rc;

    if (cond->kind == PC_LEAF)
        return leaf_evidence(cond, c, f);
    for (i = 0; i < cond->n; i++)
        if ((rc = pg_policy__cond_evidence(cond->kids[i], c, f)) != PG_OK)
            return rc;
    return PG_OK;
}

void pg_policy__cond_free(pg_cond *cond)
{
    size_t i;

    if (!cond)
        return;
    for (i = 0; i < cond->n; i++)
        pg_policy__cond_free(cond->kids[i]);
    pg_free(cond->kids);
    pg_policy__path_dispose(&cond->path);
    json_decref(cond->value);
    if (cond->has_re)
        regfree(&cond->re);
    pg_free(cond->text);
    pg_free(cond);
}
