/* path.c — policy paths (SPEC §4): parse `after.tags.Environment`,
 * `["key.with.dots"]`, `[0]`, `[*]` and change fields, and find the values
 * a path reaches in a change, walking `after` and `after_unknown` side by
 * side so that a value Terraform will only know after apply is reported as
 * unknown rather than as absent.
 *
 * Terraform leaves a map member whose value is unknown out of `after` and
 * marks it `true` in `after_unknown`; a list element unknown is null in
 * `after` and `true` at its index (issue 13). So `[*]` visits the members
 * of both, each unknown member is an unknown hit (an `every:` is then not
 * vacuously true), and a map or list reached whole with an unknown member
 * anywhere inside is `partial`: the operators that judge a whole value
 * (cond_eval.c) cannot judge it.
 *
 * A key right under a tag attribute (`tags`, `tags_all`, `labels`, ...:
 * tags.c) is a tag key: it matches every case-spelling present, and reads
 * the Cloud Control list of { key, value } objects as a map (issue 13), so
 * `after.tags.Environment` finds `environment = "prod"` too.
 */
#include "policy/policy_internal.h"

#include <stdio.h>
#include <string.h>

#include "plangate/alloc.h"
#include "util/buf.h"
#include "util/grow.h"

static const char *const field_names[PF_COUNT_] = {
    "address", "type", "name", "mode", "module_address", "provider_name",
    "actions", "action_reason", "replace_paths", "index",
};

/* ---- parsing -------------------------------------------------------------- */

static int is_simple_key(const char *k)
{
    if (!*k)
        return 0;
    for (; *k; k++)
        if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9') ||
              *k == '_' || *k == '-'))
            return 0;
    return 1;
}

/* Append the canonical text of the steps to `b`. */
static int render_steps(pg_buf *b, const pp_step *steps, size_t n, int lead_dot, pg_error *err)
{
    size_t i, j;
    int rc = PG_OK;

    for (i = 0; i < n && rc == PG_OK; i++) {
        if (steps[i].kind == PS_WILD) {
            rc = pg_buf_adds(b, "[*]", err);
        } else if (steps[i].kind == PS_INDEX) {
            rc = pg_buf_addf(b, err, "[%zu]", steps[i].index);
        } else if (is_simple_key(steps[i].key)) {
            rc = pg_buf_addf(b, err, "%s%s", (i > 0 || lead_dot) ? "." : "", steps[i].key);
        } else {
            const char *k = steps[i].key;
            rc = pg_buf_adds(b, "[\"", err);
            for (j = 0; k[j] && rc == PG_OK; j++) {
                if (k[j] == '"' || k[j] == '\\')
                    rc = pg_buf_addc(b, '\\', err);
                if (rc == PG_OK)
                    rc = pg_buf_addc(b, k[j], err);
            }
            if (rc == PG_OK)
                rc = pg_buf_adds(b, "\"]", err);
        }
    }
    return rc == PG_OK ? PG_OK : pg_error_oom(err);
}

static int add_step(pg_ppath *p, pp_step_kind kind, const char *key, size_t key_len, size_t index, pg_error *err)
{
    pp_step *s;
    int rc;

    if (p->n >= PG_POLICY_MAX_PATH_STEPS)
        return pg_error_set(err, PG_EPOLICY, "more than %u steps in a path (limit PG_POLICY_MAX_PATH_STEPS)",
                            PG_POLICY_MAX_PATH_STEPS);
    if ((rc = PG_GROW(p->steps, p->cap, p->n + 1, err)) != PG_OK)
        return rc;
    s = &p->steps[p->n];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->index = index;
    if (kind == PS_KEY && !(s->key = pg_strndup(key, key_len)))
        return pg_error_oom(err);
    if (kind == PS_WILD)
        p->has_wild = 1;
    p->n++;
    return PG_OK;
}

/* A path error: the path is input, so it is quoted (util/quote). */
static int bad_path(pg_error *err, const char *what, const char *text)
{
    char q[PG_POLICY_QUOTE];

    return pg_error_set(err, PG_EPOLICY, "%s in path %s", what, pg_policy__quote(q, sizeof q, text));
}

/* One `[...]` segment starting at s[*i] == '['. */
static int parse_bracket(pg_ppath *p, const char *s, size_t *i, pg_error *err)
{
    size_t j = *i + 1;

    if (s[j] == '*' && s[j + 1] == ']') {
        *i = j + 2;
        return add_step(p, PS_WILD, NULL, 0, 0, err);
    }
    if (s[j] >= '0' && s[j] <= '9') {
        size_t v = 0;
        while (s[j] >= '0' && s[j] <= '9') {
            if (v > (SIZE_MAX - 9) / 10)
                return bad_path(err, "index too large", s);
            v = v * 10 + (size_t)(s[j] - '0');
            j++;
        }
        if (s[j] != ']')
            return bad_path(err, "expected ']' after the index", s);
        *i = j + 1;
        return add_step(p, PS_INDEX, NULL, 0, v, err);
    }
    if (s[j] == '"' || s[j] == '\'') {
        char q = s[j++];
        pg_buf key;
        int rc = PG_OK;
        pg_buf_init(&key, 0);
        while (s[j] && s[j] != q && rc == PG_OK) {
            if (s[j] == '\\' && s[j + 1])
                j++;
            rc = pg_buf_addc(&key, s[j++], err);
        }
        if (rc == PG_OK && (s[j] != q || s[j + 1] != ']'))
            rc = bad_path(err, "unterminated [\"...\"]", s);
        if (rc == PG_OK) {
            *i = j + 2;
            rc = add_step(p, PS_KEY, pg_buf_cstr(&key), key.len, 0, err);
        }
        pg_buf_dispose(&key);
        return rc == PG_ELIMIT ? pg_error_oom(err) : rc;
    }
    return bad_path(err, "expected [N], [*] or [\"key\"]", s);
}

static size_t ident_len(const char *s)
{
    size_t n = 0;
    while (s[n] && s[n] != '.' && s[n] != '[' && s[n] != ']')
        n++;
    return n;
}

/* The root of an unrooted path (`changed`): a first key, or none. */
static int parse_unrooted_start(pg_ppath *out, const char *text, size_t *i, pg_error *err)
{
    char q[PG_POLICY_QUOTE];
    size_t n;

    out->root = PR_NONE;
    if (strncmp(text, "before.", 7) == 0 || strncmp(text, "after.", 6) == 0 || strcmp(text, "before") == 0 ||
        strcmp(text, "after") == 0)
        return pg_error_set(err, PG_EPOLICY,
                            "changed compares before and after: write the path without its root (%s)",
                            pg_policy__quote(q, sizeof q, strchr(text, '.') ? strchr(text, '.') + 1 : text));
    if (text[0] == '[')
        return PG_OK;
    if ((n = ident_len(text)) == 0)
        return pg_error_set(err, PG_EPOLICY, "path %s does not start with a key", pg_policy__quote(q, sizeof q, text));
    *i = n;
    return add_step(out, PS_KEY, text, n, 0, err);
}

static int parse_root(pg_ppath *out, const char *text, size_t *i, pg_error *err)
{
    char q[PG_POLICY_QUOTE];
    size_t n = ident_len(text), f;

    *i = n;
    if (n == 6 && strncmp(text, "before", 6) == 0) {
        out->root = PR_BEFORE;
        return PG_OK;
    }
    if (n == 5 && strncmp(text, "after", 5) == 0) {
        out->root = PR_AFTER;
        return PG_OK;
    }
    if (n == 13 && strncmp(text, "after_unknown", 13) == 0) {
        out->root = PR_AFTER_UNKNOWN;
        return PG_OK;
    }
    out->root = PR_FIELD;
    for (f = 0; f < PF_COUNT_; f++)
        if (strlen(field_names[f]) == n && strncmp(text, field_names[f], n) == 0) {
            out->field = (pp_field)f;
            return PG_OK;
        }
    return pg_error_set(err, PG_EPOLICY,
                        "path %s must start with before., after., after_unknown. or a change field "
                        "(address, type, name, mode, module_address, provider_name, actions, "
                        "action_reason, replace_paths, index)",
                        pg_policy__quote(q, sizeof q, text));
}

/* The canonical text without the root, as evidence names it (SPEC §5:
 * "path": "hash_key"). Fields and after_unknown keep their root. */
static int canonical_rel(pg_ppath *out, pg_error *err)
{
    pg_buf b;
    int rc = PG_OK, keep_root = out->root == PR_FIELD || out->root == PR_AFTER_UNKNOWN;

    pg_buf_init(&b, 0);
    if (keep_root)
        rc = pg_buf_adds(&b, out->root == PR_FIELD ? field_names[out->field] : "after_unknown", err);
    if (rc == PG_OK)
        rc = render_steps(&b, out->steps, out->n, keep_root, err);
    if (rc != PG_OK || !(out->rel = pg_buf_detach(&b, NULL))) {
        pg_buf_dispose(&b);
        return pg_error_oom(err);
    }
    return PG_OK;
}

int pg_policy__path_parse(pg_ppath *out, const char *text, int unrooted, pg_error *err)
{
    char q[PG_POLICY_QUOTE];
    size_t i = 0, n;
    int rc;

    memset(out, 0, sizeof *out);
    if (!text || !*text)
        return pg_error_set(err, PG_EPOLICY, "empty path");
    if (!(out->text = pg_strdup(text)))
        return pg_error_oom(err);
    rc = unrooted ? parse_unrooted_start(out, text, &i, err) : parse_root(out, text, &i, err);
    while (rc == PG_OK && text[i]) {
        if (text[i] == '.') {
            if ((n = ident_len(text + i + 1)) == 0)
                rc = bad_path(err, "empty key after '.'", text);
            else
                rc = add_step(out, PS_KEY, text + i + 1, n, 0, err);
            i += n + 1;
        } else if (text[i] == '[') {
            rc = parse_bracket(out, text, &i, err);
        } else {
            char c[2] = {text[i], '\0'}, qc[16];
            rc = pg_error_set(err, PG_EPOLICY, "unexpected %s in path %s", pg_policy__quote(qc, sizeof qc, c),
                              pg_policy__quote(q, sizeof q, text));
        }
    }
    if (rc == PG_OK)
        rc = canonical_rel(out, err);
    if (rc != PG_OK)
        pg_policy__path_dispose(out);
    /* `after.tags.Environment`: a tag key, compared case-insensitively */
    else
        out->tag_key = out->root != PR_FIELD && out->n >= 2 && out->steps[0].kind == PS_KEY &&
                       pg_policy__is_tag_attr(out->steps[0].key) && out->steps[1].kind == PS_KEY;
    return rc;
}

void pg_policy__path_dispose(pg_ppath *p)
{
    size_t i;

    if (!p)
        return;
    for (i = 0; i < p->n; i++)
        pg_free(p->steps[i].key);
    pg_free(p->steps);
    pg_free(p->text);
    pg_free(p->rel);
    memset(p, 0, sizeof *p);
}

/* ---- evaluation ------------------------------------------------------------ */

typedef struct walker {
    pp_hits *out;
    pg_error *err;
    const pg_ppath *p;
    int with_steps;
    const json_t *mask_here; /* after_unknown where the hit being added was found */
    /* one more than the path's steps: a tag key in a Cloud Control list is
     * two steps of the value (`[i].value`) for one of the path */
    pg_path_step cur[PG_POLICY_MAX_PATH_STEPS + 1];
} walker;

/* One container of a mask being searched: the next child is at `i`
 * (arrays) or `it` (objects). */
typedef struct mk_frame {
    const json_t *c;
    size_t i;
    void *it;
} mk_frame;

/* Does the after_unknown value `mask` mark anything inside as unknown? The
 * walk uses an explicit stack (the mask is plan data: its depth is not the
 * C stack's to follow); one nested deeper than PG_JSON_MAX_DEPTH_CEILING is
 * taken as partly unknown, which fails closed. 0 or PG_ENOMEM. */
static int mask_has_unknown(const json_t *mask, int *out, pg_error *err)
{
    mk_frame *st = NULL;
    size_t n = 0, cap = 0;
    const json_t *kid;
    int rc = PG_OK;

    *out = json_is_true(mask);
    if (*out || !(json_is_array(mask) || json_is_object(mask)))
        return PG_OK;
    if (PG_GROW(st, cap, 1, err) != PG_OK)
        return PG_ENOMEM;
    st[n++] = (mk_frame){mask, 0, json_is_object(mask) ? json_object_iter((json_t *)(uintptr_t)mask) : NULL};
    while (n > 0 && !*out) {
        mk_frame *f = &st[n - 1];
        if (json_is_array(f->c)) {
            kid = f->i < json_array_size(f->c) ? json_array_get(f->c, f->i++) : NULL;
        } else {
            kid = f->it ? json_object_iter_value(f->it) : NULL;
            if (f->it)
                f->it = json_object_iter_next((json_t *)(uintptr_t)f->c, f->it);
        }
        if (!kid) {
            n--;
        } else if (json_is_true(kid)) {
            *out = 1;
        } else if (json_is_array(kid) || json_is_object(kid)) {
            if (n >= PG_JSON_MAX_DEPTH_CEILING) {
                *out = 1;
            } else if ((rc = PG_GROW(st, cap, n + 1, err)) == PG_OK) {
                st[n++] = (mk_frame){kid, 0, json_is_object(kid) ? json_object_iter((json_t *)(uintptr_t)kid) : NULL};
            } else {
                break;
            }
        }
    }
    pg_free(st);
    return rc == PG_OK ? PG_OK : PG_ENOMEM;
}

static int hit_add(walker *w, const json_t *v, int unknown, size_t depth)
{
    pp_hits *h = w->out;
    pp_hit *hit;

    if (!h->items) {
        h->items = h->small;
        h->cap = sizeof h->small / sizeof h->small[0];
    }
    if (h->count == h->cap && h->items == h->small) {
        /* Leave the inline array: move to the heap, then grow as usual. */
        pp_hit *heap = NULL;
        size_t cap = 0;
        if (PG_GROW(heap, cap, h->count + 1, w->err) != PG_OK)
            return PG_ENOMEM;
        memcpy(heap, h->small, h->count * sizeof *heap);
        h->items = heap;
        h->cap = cap;
    } else if (PG_GROW(h->items, h->cap, h->count + 1, w->err) != PG_OK) {
        return PG_ENOMEM;
    }
    hit = &h->items[h->count];
    hit->value = v;
    hit->unknown = unknown;
    hit->partial = 0;
    hit->mask = w->mask_here;
    if (w->mask_here && !unknown && mask_has_unknown(w->mask_here, &hit->partial, w->err) != PG_OK)
        return PG_ENOMEM;
    hit->n = w->with_steps ? depth : 0;
    hit->steps = NULL;
    if (depth && w->with_steps) {
        if (!(hit->steps = pg_calloc(depth, sizeof *hit->steps)))
            return pg_error_oom(w->err);
        memcpy(hit->steps, w->cur, depth * sizeof *hit->steps);
    }
    h->count++;
    return PG_OK;
}

static const json_t *child(const json_t *v, const pg_path_step *s)
{
    if (!v)
        return NULL;
    if (s->key)
        return json_is_object(v) ? json_object_get(v, s->key) : NULL;
    return json_is_array(v) ? json_array_get(v, s->index) : NULL;
}

static int walk(walker *w, const json_t *v, const json_t *mask, size_t i, size_t d);

static const json_t *member_n(const json_t *obj, const char *key, size_t len)
{
    return json_is_object(obj) ? json_object_getn(obj, key, len) : NULL;
}

/*
 * Step i is a tag key (`after.tags.Environment`): keys compare
 * case-insensitively, so every spelling present is a value of the path; a
 * member Terraform left out of `after` as unknown is found in the mask; the
 * Cloud Control list of { key, value } objects is read as a map (tags.c).
 */
static int walk_tag(walker *w, const json_t *v, const json_t *mask, size_t i, size_t d)
{
    const char *want = w->p->steps[i].key, *k;
    size_t k_len, j, n;
    json_t *val;
    int rc;

    if (json_is_object(v) || json_is_object(mask)) {
        if (json_is_object(v))
            json_object_keylen_foreach((json_t *)(uintptr_t)v, k, k_len, val) {
                if (!pg_policy__key_equal(k, k_len, want))
                    continue;
                w->cur[d] = (pg_path_step){k, 0};
                if ((rc = walk(w, val, member_n(mask, k, k_len), i + 1, d + 1)) != PG_OK)
                    return rc;
            }
        if (json_is_object(mask))
            json_object_keylen_foreach((json_t *)(uintptr_t)mask, k, k_len, val) {
                if (!pg_policy__key_equal(k, k_len, want) || member_n(v, k, k_len))
                    continue;
                w->cur[d] = (pg_path_step){k, 0};
                if ((rc = walk(w, NULL, val, i + 1, d + 1)) != PG_OK)
                    return rc;
            }
        return PG_OK;
    }
    n = json_array_size(v) > json_array_size(mask) ? json_array_size(v) : json_array_size(mask);
    for (j = 0; j < n; j++) {
        const json_t *e = json_array_get(v, j), *m = json_array_get(mask, j);
        const json_t *key = json_object_get(e, "key");
        w->cur[d] = (pg_path_step){NULL, j};
        /* an element, or its key, unknown: it may be this tag */
        if (json_is_true(m) || json_is_true(json_object_get(m, "key"))) {
            w->mask_here = m;
            rc = hit_add(w, NULL, 1, d + 1);
        } else if (json_is_string(key) && pg_policy__key_equal(json_string_value(key), json_string_length(key), want)) {
            w->cur[d + 1] = (pg_path_step){"value", 0};
            rc = walk(w, json_object_get(e, "value"), json_object_get(m, "value"), i + 1, d + 2);
        } else
            rc = PG_OK;
        if (rc != PG_OK)
            return rc;
    }
    return PG_OK;
}

/* `mask` is after_unknown at the same place as `v` (NULL when the walk is
 * not on the after side); `i` is the path's step, `d` the value's depth (one
 * more after a Cloud Control tag). Recursion depth is at most the path's
 * steps. */
static int walk(walker *w, const json_t *v, const json_t *mask, size_t i, size_t d)
{
    const pp_step *st;
    int rc;

    if (json_is_true(mask)) {
        w->mask_here = mask;
        return hit_add(w, NULL, 1, d);
    }
    if (i == w->p->n) {
        int part;
        w->mask_here = mask;
        if (v && !json_is_null(v))
            return hit_add(w, v, 0, d);
        /* absent from after, yet after_unknown marks members of it: the
         * value is there, and not known */
        if (mask_has_unknown(mask, &part, w->err) != PG_OK)
            return PG_ENOMEM;
        return part ? hit_add(w, NULL, 1, d) : PG_OK;
    }
    if (!v && !mask)
        return PG_OK;
    st = &w->p->steps[i];
    if (i == 1 && w->p->tag_key)
        return walk_tag(w, v, mask, i, d);
    if (st->kind == PS_KEY || st->kind == PS_INDEX) {
        w->cur[d].key = st->kind == PS_KEY ? st->key : NULL;
        w->cur[d].index = st->index;
        return walk(w, child(v, &w->cur[d]), child(mask, &w->cur[d]), i + 1, d + 1);
    }
    /* [*]: every element of an array, every value of an object, and every
     * member after_unknown marks that `after` leaves out (issue 13). */
    if (json_is_array(v) || (!v && json_is_array(mask))) {
        size_t k, n = json_array_size(v) > json_array_size(mask) ? json_array_size(v) : json_array_size(mask);
        for (k = 0; k < n; k++) {
            w->cur[d].key = NULL;
            w->cur[d].index = k;
            if ((rc = walk(w, json_array_get(v, k), json_array_get(mask, k), i + 1, d + 1)) != PG_OK)
                return rc;
        }
    } else if (json_is_object(v) || (!v && json_is_object(mask))) {
        const char *key;
        json_t *val;
        if (json_is_object(v))
            json_object_foreach((json_t *)(uintptr_t)v, key, val) {
                w->cur[d].key = key;
                w->cur[d].index = 0;
                if ((rc = walk(w, val, child(mask, &w->cur[d]), i + 1, d + 1)) != PG_OK)
                    return rc;
            }
        if (json_is_object(mask))
            json_object_foreach((json_t *)(uintptr_t)mask, key, val) {
                if (json_is_object(v) && json_object_get(v, key))
                    continue;
                w->cur[d].key = key;
                w->cur[d].index = 0;
                if ((rc = walk(w, NULL, val, i + 1, d + 1)) != PG_OK)
                    return rc;
            }
    }
    return PG_OK;
}

/* The value of a change field as JSON (*out NULL when the change has none). */
static int field_value(const pg_change *c, pp_field f, json_t **out, pg_error *err)
{
    const char *s = NULL;

    *out = NULL;
    switch (f) {
    case PF_ADDRESS: s = c->address; break;
    case PF_TYPE: s = c->type; break;
    case PF_NAME: s = c->name; break;
    case PF_MODE: s = c->mode; break;
    case PF_MODULE_ADDRESS: s = c->module_address; break;
    case PF_PROVIDER_NAME: s = c->provider_name; break;
    case PF_ACTIONS: s = pg_action_name(c->action); break;
    case PF_ACTION_REASON: s = c->action_reason; break;
    case PF_REPLACE_PATHS:
        *out = c->replace_paths ? json_incref((json_t *)(uintptr_t)c->replace_paths) : NULL;
        return PG_OK;
    case PF_INDEX:
        *out = c->index ? json_incref((json_t *)(uintptr_t)c->index) : NULL;
        return PG_OK;
    case PF_COUNT_: break;
    }
    /* names are UTF-8 without NUL (the plan model checks): only memory can fail */
    if (s && !(*out = json_string(s)))
        return pg_error_oom(err);
    return PG_OK;
}

int pg_policy__path_eval(pp_hits *out, const pg_ppath *p, const pg_change *c, pg_side side, int with_steps,
                         pg_error *err)
{
    walker w;
    const json_t *start = NULL, *mask = NULL;

    out->items = NULL;
    out->count = out->cap = 0;
    out->temp = NULL;
    w.out = out;
    w.err = err;
    w.p = p;
    w.with_steps = with_steps;
    w.mask_here = NULL;
    switch (p->root) {
    case PR_BEFORE:
        start = c->before;
        break;
    case PR_AFTER:
        start = c->after;
        mask = c->after_unknown;
        break;
    case PR_AFTER_UNKNOWN:
        start = c->after_unknown;
        break;
    case PR_NONE:
        start = side == PG_BEFORE ? c->before : c->after;
        mask = side == PG_BEFORE ? NULL : c->after_unknown;
        break;
    case PR_FIELD:
        if (field_value(c, p->field, &out->temp, err) != PG_OK)
            return PG_ENOMEM;
        start = out->temp;
        break;
    }
    return walk(&w, start, mask, 0, 0);
}

void pg_policy__hits_dispose(pp_hits *h)
{
    size_t i;

    if (!h)
        return;
    for (i = 0; i < h->count; i++)
        pg_free(h->items[i].steps);
    if (h->items != h->small)
        pg_free(h->items);
    json_decref(h->temp);
    h->items = NULL;
    h->count = h->cap = 0;
    h->temp = NULL;
}
