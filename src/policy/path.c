/* path.c — policy paths (SPEC §4): parse `after.tags.Environment`,
 * `["key.with.dots"]`, `[0]`, `[*]` and change fields, and find the values
 * a path reaches in a change, walking `after` and `after_unknown` side by
 * side so that a value Terraform will only know after apply is reported as
 * unknown rather than as absent.
 */
#include "policy/policy_internal.h"

#include <stdio.h>
#include <string.h>

#include "plangate/alloc.h"

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

/* Append the canonical text of the steps to `buf` (a growable string). */
static int render_steps(char **buf, size_t *len, size_t *cap, const pp_step *steps, size_t n, int lead_dot)
{
    size_t i;

    for (i = 0; i < n; i++) {
        char tmp[32];
        const char *piece = tmp;
        size_t need;
        char *quoted = NULL;

        if (steps[i].kind == PS_WILD) {
            piece = "[*]";
        } else if (steps[i].kind == PS_INDEX) {
            snprintf(tmp, sizeof tmp, "[%zu]", steps[i].index);
        } else if (is_simple_key(steps[i].key)) {
            size_t kl = strlen(steps[i].key);
            quoted = pg_malloc(kl + 2);
            if (!quoted)
                return PG_ENOMEM;
            snprintf(quoted, kl + 2, "%s%s", (i > 0 || lead_dot) ? "." : "", steps[i].key);
            piece = quoted;
        } else {
            const char *k = steps[i].key;
            size_t kl = strlen(k), j, o = 0;
            quoted = pg_malloc(2 * kl + 5);
            if (!quoted)
                return PG_ENOMEM;
            quoted[o++] = '[';
            quoted[o++] = '"';
            for (j = 0; j < kl; j++) {
                if (k[j] == '"' || k[j] == '\\')
                    quoted[o++] = '\\';
                quoted[o++] = k[j];
            }
            quoted[o++] = '"';
            quoted[o++] = ']';
            quoted[o] = '\0';
            piece = quoted;
        }
        need = strlen(piece);
        if (*len + need + 1 > *cap) {
            size_t c = (*len + need + 1) * 2;
            char *g = pg_realloc(*buf, c);
            if (!g) {
                pg_free(quoted);
                return PG_ENOMEM;
            }
            *buf = g;
            *cap = c;
        }
        memcpy(*buf + *len, piece, need + 1);
        *len += need;
        pg_free(quoted);
    }
    return PG_OK;
}

static int add_step(pg_ppath *p, pp_step_kind kind, const char *key, size_t key_len, size_t index,
                    char *msg, size_t msg_size)
{
    pp_step *s;

    if (p->n >= PG_POLICY_MAX_PATH_STEPS) {
        snprintf(msg, msg_size, "more than %u steps in a path (limit PG_POLICY_MAX_PATH_STEPS)",
                 PG_POLICY_MAX_PATH_STEPS);
        return PG_EPOLICY;
    }
    s = pg_realloc(p->steps, (p->n + 1) * sizeof *s);
    if (!s)
        goto nomem;
    p->steps = s;
    s = &p->steps[p->n];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->index = index;
    if (kind == PS_KEY && !(s->key = pg_strndup(key, key_len)))
        goto nomem;
    if (kind == PS_WILD)
        p->has_wild = 1;
    p->n++;
    return 0;
nomem:
    snprintf(msg, msg_size, "out of memory");
    return PG_ENOMEM;
}

/* One `[...]` segment starting at s[*i] == '['. */
static int parse_bracket(pg_ppath *p, const char *s, size_t *i, char *msg, size_t msg_size)
{
    size_t j = *i + 1;

    if (s[j] == '*' && s[j + 1] == ']') {
        *i = j + 2;
        return add_step(p, PS_WILD, NULL, 0, 0, msg, msg_size);
    }
    if (s[j] >= '0' && s[j] <= '9') {
        size_t v = 0;
        while (s[j] >= '0' && s[j] <= '9') {
            if (v > (SIZE_MAX - 9) / 10) {
                snprintf(msg, msg_size, "index too large in path '%s'", s);
                return PG_EPOLICY;
            }
            v = v * 10 + (size_t)(s[j] - '0');
            j++;
        }
        if (s[j] != ']') {
            snprintf(msg, msg_size, "expected ']' after the index in path '%s'", s);
            return PG_EPOLICY;
        }
        *i = j + 1;
        return add_step(p, PS_INDEX, NULL, 0, v, msg, msg_size);
    }
    if (s[j] == '"' || s[j] == '\'') {
        char q = s[j++];
        char *key = pg_malloc(strlen(s) + 1);
        size_t o = 0;
        int rc;
        if (!key) {
            snprintf(msg, msg_size, "out of memory");
            return PG_ENOMEM;
        }
        while (s[j] && s[j] != q) {
            if (s[j] == '\\' && s[j + 1])
                j++;
            key[o++] = s[j++];
        }
        if (s[j] != q || s[j + 1] != ']') {
            pg_free(key);
            snprintf(msg, msg_size, "unterminated [\"...\"] in path '%s'", s);
            return PG_EPOLICY;
        }
        *i = j + 2;
        rc = add_step(p, PS_KEY, key, o, 0, msg, msg_size);
        pg_free(key);
        return rc;
    }
    snprintf(msg, msg_size, "expected [N], [*] or [\"key\"] in path '%s'", s);
    return PG_EPOLICY;
}

static size_t ident_len(const char *s)
{
    size_t n = 0;
    while (s[n] && s[n] != '.' && s[n] != '[' && s[n] != ']')
        n++;
    return n;
}

int pg_policy__path_parse(pg_ppath *out, const char *text, int unrooted, char *msg, size_t msg_size)
{
    size_t i = 0, n, len = 0, cap = 0;
    char *rel = NULL;
    int rc, code = PG_EPOLICY; /* or PG_ENOMEM: how a failure is reported */

    memset(out, 0, sizeof *out);
    if (!text || !*text) {
        snprintf(msg, msg_size, "empty path");
        return PG_EPOLICY;
    }
    if (!(out->text = pg_strdup(text)))
        goto nomem;
    if (unrooted) {
        out->root = PR_NONE;
        if (strncmp(text, "before.", 7) == 0 || strncmp(text, "after.", 6) == 0 ||
            strcmp(text, "before") == 0 || strcmp(text, "after") == 0) {
            snprintf(msg, msg_size,
                     "changed compares before and after: write the path without its root ('%s')",
                     strchr(text, '.') ? strchr(text, '.') + 1 : text);
            goto fail;
        }
        if (text[0] != '[') {
            n = ident_len(text);
            if (n == 0) {
                snprintf(msg, msg_size, "path '%s' does not start with a key", text);
                goto fail;
            }
            if ((code = add_step(out, PS_KEY, text, n, 0, msg, msg_size)) != 0)
                goto fail;
            i = n;
        }
    } else {
        size_t f;
        n = ident_len(text);
        if (n == 6 && strncmp(text, "before", 6) == 0)
            out->root = PR_BEFORE;
        else if (n == 5 && strncmp(text, "after", 5) == 0)
            out->root = PR_AFTER;
        else if (n == 13 && strncmp(text, "after_unknown", 13) == 0)
            out->root = PR_AFTER_UNKNOWN;
        else {
            out->root = PR_FIELD;
            for (f = 0; f < PF_COUNT_; f++)
                if (strlen(field_names[f]) == n && strncmp(text, field_names[f], n) == 0)
                    break;
            if (f == PF_COUNT_) {
                snprintf(msg, msg_size,
                         "path '%s' must start with before., after., after_unknown. or a change field "
                         "(address, type, name, mode, module_address, provider_name, actions, "
                         "action_reason, replace_paths, index)",
                         text);
                goto fail;
            }
            out->field = (pp_field)f;
        }
        i = n;
    }
    while (text[i]) {
        if (text[i] == '.') {
            n = ident_len(text + i + 1);
            if (n == 0) {
                snprintf(msg, msg_size, "empty key after '.' in path '%s'", text);
                goto fail;
            }
            if ((code = add_step(out, PS_KEY, text + i + 1, n, 0, msg, msg_size)) != 0)
                goto fail;
            i += n + 1;
        } else if (text[i] == '[') {
            if ((code = parse_bracket(out, text, &i, msg, msg_size)) != 0)
                goto fail;
        } else {
            snprintf(msg, msg_size, "unexpected '%c' in path '%s'", text[i], text);
            goto fail;
        }
    }
    /* The canonical text without the root, as evidence names it (SPEC §5:
     * "path": "hash_key"). Fields and after_unknown keep their root. */
    if (out->root == PR_FIELD || out->root == PR_AFTER_UNKNOWN) {
        const char *r = out->root == PR_FIELD ? field_names[out->field] : "after_unknown";
        len = strlen(r);
        cap = len + 1;
        if (!(rel = pg_malloc(cap)))
            goto nomem;
        memcpy(rel, r, cap);
        rc = render_steps(&rel, &len, &cap, out->steps, out->n, 1);
    } else {
        if (!(rel = pg_malloc(cap = 1)))
            goto nomem;
        rel[0] = '\0';
        rc = render_steps(&rel, &len, &cap, out->steps, out->n, 0);
    }
    out->rel = rel;
    if (rc != PG_OK)
        goto nomem;
    return 0;
nomem:
    snprintf(msg, msg_size, "out of memory");
    code = PG_ENOMEM;
fail:
    pg_policy__path_dispose(out);
    return code ? code : PG_EPOLICY; /* 0: the step before the error went well */
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
    const pg_ppath *p;
    int with_steps;
    pg_path_step cur[PG_POLICY_MAX_PATH_STEPS];
} walker;

static int hit_add(walker *w, const json_t *v, int unknown, size_t depth)
{
    pp_hits *h = w->out;
    pp_hit *hit;

    if (!h->items) {
        h->items = h->small;
        h->cap = sizeof h->small / sizeof h->small[0];
    }
    if (h->count == h->cap) {
        size_t cap = h->cap * 2;
        pp_hit *g = pg_malloc(cap * sizeof *g);
        if (!g)
            return PG_ENOMEM;
        memcpy(g, h->items, h->count * sizeof *g);
        if (h->items != h->small)
            pg_free(h->items);
        h->items = g;
        h->cap = cap;
    }
    hit = &h->items[h->count];
    hit->value = v;
    hit->unknown = unknown;
    hit->n = w->with_steps ? depth : 0;
    hit->steps = NULL;
    if (depth && w->with_steps) {
        hit->steps = pg_malloc(depth * sizeof *hit->steps);
        if (!hit->steps)
            return PG_ENOMEM;
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

/* `mask` is after_unknown at the same place as `v` (NULL when the walk is
 * not on the after side). Recursion depth is at most the path's steps. */
static int walk(walker *w, const json_t *v, const json_t *mask, size_t i)
{
    const pp_step *st;
    int rc;

    if (json_is_true(mask))
        return hit_add(w, NULL, 1, i);
    if (i == w->p->n)
        return (v && !json_is_null(v)) ? hit_add(w, v, 0, i) : PG_OK;
    if (!v && !mask)
        return PG_OK;
    st = &w->p->steps[i];
    if (st->kind == PS_KEY || st->kind == PS_INDEX) {
        w->cur[i].key = st->kind == PS_KEY ? st->key : NULL;
        w->cur[i].index = st->index;
        return walk(w, child(v, &w->cur[i]), child(mask, &w->cur[i]), i + 1);
    }
    /* [*]: every element of an array, every value of an object. */
    if (json_is_array(v)) {
        size_t k;
        for (k = 0; k < json_array_size(v); k++) {
            w->cur[i].key = NULL;
            w->cur[i].index = k;
            if ((rc = walk(w, json_array_get(v, k), child(mask, &w->cur[i]), i + 1)) != PG_OK)
                return rc;
        }
    } else if (json_is_object(v)) {
        const char *key;
        json_t *val;
        json_object_foreach((json_t *)(uintptr_t)v, key, val) {
            w->cur[i].key = key;
            w->cur[i].index = 0;
            if ((rc = walk(w, val, child(mask, &w->cur[i]), i + 1)) != PG_OK)
                return rc;
        }
    } else if (json_is_array(mask)) {
        /* The value is absent but its elements are marked: each is unknown. */
        size_t k;
        for (k = 0; k < json_array_size(mask); k++) {
            w->cur[i].key = NULL;
            w->cur[i].index = k;
            if ((rc = walk(w, NULL, json_array_get(mask, k), i + 1)) != PG_OK)
                return rc;
        }
    }
    return PG_OK;
}

static json_t *field_value(const pg_change *c, pp_field f)
{
    const char *s = NULL;

    switch (f) {
    case PF_ADDRESS: s = c->address; break;
    case PF_TYPE: s = c->type; break;
    case PF_NAME: s = c->name; break;
    case PF_MODE: s = c->mode; break;
    case PF_MODULE_ADDRESS: s = c->module_address; break;
    case PF_PROVIDER_NAME: s = c->provider_name; break;
    case PF_ACTIONS: s = pg_action_name(c->action); break;
    case PF_ACTION_REASON: s = c->action_reason; break;
    case PF_REPLACE_PATHS: return c->replace_paths ? json_incref((json_t *)(uintptr_t)c->replace_paths) : NULL;
    case PF_INDEX: return c->index ? json_incref((json_t *)(uintptr_t)c->index) : NULL;
    case PF_COUNT_: break;
    }
    return s ? json_string(s) : NULL;
}

int pg_policy__path_eval(pp_hits *out, const pg_ppath *p, const pg_change *c, pg_side side, int with_steps)
{
    walker w;
    const json_t *start = NULL, *mask = NULL;

    out->items = NULL;
    out->count = out->cap = 0;
    out->temp = NULL;
    w.out = out;
    w.p = p;
    w.with_steps = with_steps;
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
        out->temp = field_value(c, p->field);
        start = out->temp;
        break;
    }
    return walk(&w, start, mask, 0);
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
