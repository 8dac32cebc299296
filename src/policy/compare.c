/* compare.c — how values compare (SPEC §4, docs/policies.md "How values
 * compare"): a plan value against a policy operand, with Terraform's own
 * primitive conversions, and two plan values against each other (`changed`).
 *
 * Comparisons follow Terraform: a tag set to `true` in HCL is the string
 * "true" in the plan, a number in a map(string) is a string too, so a YAML
 * boolean equals the strings "true"/"false" and a YAML number equals a
 * string holding that number.
 *
 * Numbers compare exactly, as decimal text (issue 13; `dec` below), never
 * as doubles: 12345678901234567890 is not 12345678901234567891.
 *
 * Depth: a policy operand is at most a few dozen levels deep (the YAML
 * loader caps nesting), so comparing against one may recurse along it. Two
 * plan values are compared without recursion, on an explicit stack, and a
 * pair nested deeper than PG_JSON_MAX_DEPTH_CEILING is unknown: a plan
 * value must never decide how deep the C stack goes (issue 11).
 */
#include "policy/policy_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plangate/alloc.h"
#include "plangate/finding.h"
#include "util/grow.h"

/* ---- a plan value against a policy value ---------------------------------------- */

const char *pg_policy__skip_exponent(const char *p)
{
    if (*p != 'e' && *p != 'E')
        return p;
    p++;
    if (*p == '+' || *p == '-')
        p++;
    if (!(*p >= '0' && *p <= '9'))
        return NULL;
    while (*p >= '0' && *p <= '9')
        p++;
    return p;
}

/* Strict JSON number syntax (strtod alone would take "0x10", "inf", " 1"). */
static int numeric_text(const char *s)
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
    return (p = pg_policy__skip_exponent(p)) != NULL && *p == '\0';
}

/*
 * Numbers compare exactly, as decimals (issue 13): a plan keeps a number
 * beyond int64 as its text (json/decode.c), and a policy keeps the text of
 * a number a double cannot hold (exact_number below), so
 * 12345678901234567890 and ...891 differ although they are one double. A
 * JSON integer is its digits, a real its shortest round-trip text (which
 * orders and equals exactly as the doubles do).
 *
 * A decimal is read without copying: its value is 0.D * 10^exp, D the
 * significant digits from `first` to `last` (a '.' between them skipped).
 */
typedef struct dec {
    int neg, zero;
    const char *first, *last; /* last: one past the last significant digit */
    long long exp;
} dec;

#define DEC_EXP_CAP 1000000000000000LL /* beyond it, every exponent is as far */

/* Read a decimal ([+-]digits[.digits][e[+-]digits], at least one digit).
 * 0 when the text is not one. */
static int dec_read(const char *s, size_t n, dec *d)
{
    const char *p = s, *end = s + n;
    long long int_digits = 0, idx = 0, k = 0, e = 0;
    int seen_dot = 0, any = 0, eneg = 0;

    memset(d, 0, sizeof *d);
    if (p < end && (*p == '-' || *p == '+'))
        d->neg = *p++ == '-';
    /* D: the digits, the point skipped; I of them before the point; k the
     * index of the first that is not 0: the value is 0.D[k..] * 10^(I-k+e) */
    for (; p < end && ((*p >= '0' && *p <= '9') || (*p == '.' && !seen_dot)); p++) {
        if (*p == '.') {
            seen_dot = 1;
            continue;
        }
        any = 1;
        if (!seen_dot && int_digits < DEC_EXP_CAP)
            int_digits++;
        if (*p != '0') {
            if (!d->first) {
                d->first = p;
                k = idx;
            }
            d->last = p + 1;
        }
        if (idx < DEC_EXP_CAP)
            idx++;
    }
    if (!any)
        return 0;
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            eneg = *p++ == '-';
        if (p == end || !(*p >= '0' && *p <= '9'))
            return 0;
        for (; p < end && *p >= '0' && *p <= '9'; p++)
            if (e < DEC_EXP_CAP)
                e = e * 10 + (*p - '0');
    }
    if (p != end)
        return 0;
    if (!d->first) {
        d->zero = 1;
        d->neg = 0;
        return 1;
    }
    d->exp = int_digits - k + (eneg ? -e : e);
    return 1;
}

static int dec_cmp(const dec *a, const dec *b)
{
    const char *p, *q;
    int sign;

    if (a->zero || b->zero)
        return a->zero && b->zero ? 0 : a->zero ? (b->neg ? 1 : -1) : (a->neg ? -1 : 1);
    if (a->neg != b->neg)
        return a->neg ? -1 : 1;
    sign = a->neg ? -1 : 1;
    if (a->exp != b->exp)
        return a->exp > b->exp ? sign : -sign;
    for (p = a->first, q = b->first; p < a->last && q < b->last; p++, q++) {
        if (*p == '.')
            p++;
        if (*q == '.')
            q++;
        if (*p != *q)
            return *p > *q ? sign : -sign;
    }
    /* trailing zeros are not significant: the longer one is further from 0 */
    return p < a->last ? sign : q < b->last ? -sign : 0;
}

/* Policy numbers a double cannot hold are kept as their text behind a NUL
 * byte (no YAML scalar holds one, and only operands are read this way). */
static int exact_text(const json_t *v, const char **t, size_t *n)
{
    if (!json_is_string(v) || json_string_length(v) < 2 || json_string_value(v)[0] != '\0')
        return 0;
    *t = json_string_value(v) + 1;
    *n = json_string_length(v) - 1;
    return 1;
}

int pg_policy__is_exact_number(const json_t *v)
{
    const char *t;
    size_t n;

    return exact_text(v, &t, &n);
}

const char *pg_policy__exact_number_text(const json_t *v)
{
    const char *t;
    size_t n;

    return exact_text(v, &t, &n) ? t : NULL;
}

int pg_policy__exact_number(const char *text, double approx, json_t **out)
{
    char shortest[32], *buf;
    json_t *real;
    dec a, b;
    size_t n = strlen(text);

    *out = NULL;
    if (!isfinite(approx)) {
        /* beyond a double (1e400): only its text can say what it is */
        if (!dec_read(text, n, &a))
            return PG_EPOLICY; /* .inf, .nan: no number */
        goto exact;
    }
    if (!(real = json_real(approx)))
        return PG_ENOMEM;
    pg_value_number_text(real, shortest, sizeof shortest);
    if (!dec_read(text, n, &a) || !dec_read(shortest, strlen(shortest), &b) || dec_cmp(&a, &b) == 0) {
        *out = real; /* the double is exact (or the text is 0x..., 0o...) */
        return PG_OK;
    }
    json_decref(real);
exact:
    if (!(buf = pg_malloc(n + 2)))
        return PG_ENOMEM;
    buf[0] = '\0';
    memcpy(buf + 1, text, n + 1);
    *out = json_stringn(buf, n + 1);
    pg_free(buf);
    return *out ? PG_OK : PG_ENOMEM;
}

/* A value as a decimal: a JSON number, a string that holds one (the reader
 * keeps numbers beyond int64 as text; map(string) values), a policy's exact
 * number. `buf` (32 bytes) holds the text of a JSON number. */
static int as_dec(const json_t *v, char *buf, size_t size, dec *d)
{
    const char *t;
    size_t n;

    if (exact_text(v, &t, &n))
        return dec_read(t, n, d);
    if (pg_value_number_text(v, buf, size))
        return dec_read(buf, strlen(buf), d);
    if (json_is_string(v) && numeric_text(json_string_value(v)))
        return dec_read(json_string_value(v), json_string_length(v), d);
    return 0;
}

/* -2 when either is not a number, else -1, 0 or 1. */
static int numbers_cmp(const json_t *a, const json_t *b)
{
    char ba[32], bb[32];
    dec x, y;

    if (json_is_integer(a) && json_is_integer(b))
        return json_integer_value(a) < json_integer_value(b) ? -1 : json_integer_value(a) > json_integer_value(b);
    if (!as_dec(a, ba, sizeof ba, &x) || !as_dec(b, bb, sizeof bb, &y))
        return -2;
    return dec_cmp(&x, &y);
}

static int numbers_equal(const json_t *a, const json_t *b)
{
    return numbers_cmp(a, b) == 0;
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

static int arrays_equal(const json_t *plan, const json_t *want, int icase)
{
    size_t i;

    if (json_array_size(plan) != json_array_size(want))
        return 0;
    for (i = 0; i < json_array_size(plan); i++)
        if (!pg_policy__values_equal(json_array_get(plan, i), json_array_get(want, i), icase))
            return 0;
    return 1;
}

static int objects_equal(const json_t *plan, const json_t *want, int icase)
{
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

int pg_policy__values_equal(const json_t *plan, const json_t *want, int icase)
{
    if (!plan || !want)
        return 0;
    if (pg_policy__is_exact_number(want))
        return (json_is_number(plan) || json_is_string(plan)) && numbers_equal(plan, want);
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
    /* Recursion follows `want`, a policy operand (bounded by the loader). */
    if (json_is_array(plan) && json_is_array(want))
        return arrays_equal(plan, want, icase);
    if (json_is_object(plan) && json_is_object(want))
        return objects_equal(plan, want, icase);
    return 0;
}

int pg_policy__values_order(const json_t *plan, const json_t *want, int greater)
{
    int c = numbers_cmp(plan, want);

    return c != -2 && (greater ? c > 0 : c < 0);
}

/* ---- two plan values, without recursion ----------------------------------------- */

/* One pair of containers being compared: the next child is at `i` (arrays)
 * or `it` (objects). */
typedef struct eq_frame {
    const json_t *a, *b;
    size_t i;
    void *it;
} eq_frame;

typedef struct eq_walk {
    eq_frame *stack;
    size_t n, cap;
    pg_error *err;
} eq_walk;

static int is_container(const json_t *v)
{
    return json_is_array(v) || json_is_object(v);
}

/* Compare a pair as far as it goes without looking inside: the result, or
 * a new frame pushed for two containers of the same kind and size. */
static int pair(eq_walk *w, const json_t *a, const json_t *b, pg_tri *out)
{
    eq_frame *f;

    if (!a || !b || json_typeof(a) != json_typeof(b)) {
        *out = !a && !b ? PT_TRUE : PT_FALSE;
        return PG_OK;
    }
    if (!is_container(a)) {
        *out = json_equal(a, b) ? PT_TRUE : PT_FALSE; /* a scalar: no recursion */
        return PG_OK;
    }
    if (json_is_array(a) ? json_array_size(a) != json_array_size(b) : json_object_size(a) != json_object_size(b)) {
        *out = PT_FALSE;
        return PG_OK;
    }
    if (w->n >= PG_JSON_MAX_DEPTH_CEILING) {
        *out = PT_UNKNOWN;
        return PG_OK;
    }
    if (PG_GROW(w->stack, w->cap, w->n + 1, w->err) != PG_OK)
        return PG_ENOMEM;
    f = &w->stack[w->n++];
    f->a = a;
    f->b = b;
    f->i = 0;
    f->it = json_is_object(a) ? json_object_iter((json_t *)(uintptr_t)a) : NULL;
    *out = PT_TRUE;
    return PG_OK;
}

/* The next pair of children of the top frame; 0 when it has none left. */
static int next_children(eq_frame *f, const json_t **ca, const json_t **cb)
{
    if (json_is_array(f->a)) {
        if (f->i >= json_array_size(f->a))
            return 0;
        *ca = json_array_get(f->a, f->i);
        *cb = json_array_get(f->b, f->i);
        f->i++;
        return 1;
    }
    if (!f->it)
        return 0;
    *ca = json_object_iter_value(f->it);
    *cb = json_object_get(f->b, json_object_iter_key(f->it));
    f->it = json_object_iter_next((json_t *)(uintptr_t)f->a, f->it);
    return 1;
}

int pg_policy__plan_equal(const json_t *a, const json_t *b, pg_tri *out, pg_error *err)
{
    eq_walk w = {NULL, 0, 0, err};
    const json_t *ca, *cb;
    pg_tri t = PT_FALSE;
    int rc;

    if ((rc = pair(&w, a, b, &t)) != PG_OK)
        goto out;
    while (t == PT_TRUE && w.n > 0) {
        if (!next_children(&w.stack[w.n - 1], &ca, &cb))
            w.n--;
        else if ((rc = pair(&w, ca, cb, &t)) != PG_OK)
            goto out;
    }
out:
    pg_free(w.stack);
    *out = t;
    return rc;
}

int pg_policy__too_deep(const json_t *v, int *out, pg_error *err)
{
    pg_tri t = PT_TRUE;
    int rc;

    /* A value compared with itself is walked whole, and only depth can make
     * the answer anything but "equal". */
    *out = 0;
    if (!v || !is_container(v))
        return PG_OK;
    if ((rc = pg_policy__plan_equal(v, v, &t, err)) != PG_OK)
        return rc;
    *out = t == PT_UNKNOWN;
    return PG_OK;
}
