/* tags.c — the one reader of a change's tags (issue 13): which attributes
 * hold them, in which shapes, on which side of the change, and what an
 * unknown one means. Environments (environment.c), `protect:` selectors'
 * `tags:` and rule paths under a tag attribute (path.c, cond_eval.c) all
 * read tags through here.
 *
 * Where real plans carry tags (docs/policies.md "Tags"):
 *   - `tags` and `tags_all` (AWS: the provider's default_tags show up only
 *     in tags_all; Azure: tags), maps of strings;
 *   - `labels`, `effective_labels`, `terraform_labels` (Google: the
 *     provider's default_labels show up only in the last two), and a Cloud
 *     SQL instance's `settings[*].user_labels`;
 *   - the Cloud Control shape (awscc_*): `tags` is a list of
 *     `{ "key": ..., "value": ... }` objects.
 * A list of strings (a Google instance's network `tags`) holds no key/value
 * pairs and is not read. Keys compare case-insensitively (ASCII), wherever
 * a selector or a rule reads a tag.
 *
 * Which side: a change that destroys an object is judged on `before` (a plan
 * that drops the tag and replaces the table still destroys a tagged table),
 * one that leaves an object behind on `after`; a replace on both. A change
 * with no `after` object (delete, forget) is judged on `before`.
 *
 * Unknown at plan time (after_unknown): a whole map, a member Terraform
 * left out of `after` and marked in after_unknown, a list element's key or
 * value. The reader hands such a tag over as unknown (its key NULL when the
 * key itself is unknown), and the tests say "unknown": a tag that may turn
 * out to match fails closed. A key or value holding a NUL character, which
 * no comparison here can judge, counts as unknown too.
 */
#include "policy/policy_internal.h"

#include <string.h>

static const char *const tag_attrs[] = {"tags", "tags_all", "labels", "effective_labels", "terraform_labels", NULL};

int pg_policy__is_tag_attr(const char *name)
{
    size_t i;

    for (i = 0; name && tag_attrs[i]; i++)
        if (strcmp(name, tag_attrs[i]) == 0)
            return 1;
    return 0;
}

int pg_policy__key_equal(const char *a, size_t a_len, const char *b)
{
    size_t i;

    for (i = 0; i < a_len; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (y == '\0')
            return 0;
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y - 'A' + 'a');
        if (x != y)
            return 0;
    }
    return b[a_len] == '\0';
}

int pg_policy__reads_before(const pg_change *c)
{
    return json_is_object(c->before) && (c->destructive || !json_is_object(c->after));
}

int pg_policy__reads_after(const pg_change *c)
{
    return json_is_object(c->after);
}

/* The reader's walk over one side: `fn` per tag, results or-ed (true wins,
 * then unknown). */
typedef struct tag_walk {
    pg_tag_test_fn fn;
    const void *ctx;
    pg_tri result;
} tag_walk;

/* One tag: key (NULL: unknown) and its length, value (may be NULL or null:
 * none), `unknown`: the value is. A key or value with a NUL inside cannot be
 * judged: unknown. */
static void visit(tag_walk *w, const char *key, size_t key_len, const json_t *value, int unknown)
{
    pg_tri t;

    if (w->result == PT_TRUE)
        return;
    if (key && memchr(key, '\0', key_len))
        key = NULL;
    if (!key || (json_is_string(value) && memchr(json_string_value(value), '\0', json_string_length(value))))
        unknown = 1;
    t = w->fn(w->ctx, key, key ? key_len : 0, unknown ? NULL : value, unknown);
    if (t == PT_TRUE || (t == PT_UNKNOWN && w->result == PT_FALSE))
        w->result = t;
}

/* A map of tags, with its after_unknown mask (NULL on the before side). */
static void visit_map(tag_walk *w, const json_t *map, const json_t *mask)
{
    const char *key;
    size_t key_len;
    json_t *v;

    if (json_is_object(map))
        json_object_keylen_foreach((json_t *)(uintptr_t)map, key, key_len, v) {
            const json_t *m = json_is_object(mask) ? json_object_getn(mask, key, key_len) : NULL;
            if (!json_is_null(v) || json_is_true(m))
                visit(w, key, key_len, v, json_is_true(m));
        }
    /* A member whose value is unknown is left out of `after` and marked true
     * in after_unknown. */
    if (json_is_object(mask))
        json_object_keylen_foreach((json_t *)(uintptr_t)mask, key, key_len, v)
            if (json_is_true(v) && !(json_is_object(map) && json_object_getn(map, key, key_len)))
                visit(w, key, key_len, NULL, 1);
}

/* The Cloud Control list of { key, value } objects. */
static void visit_list(tag_walk *w, const json_t *list, const json_t *mask)
{
    size_t i, n = json_array_size(list);

    if (json_is_array(mask) && json_array_size(mask) > n)
        n = json_array_size(mask);
    for (i = 0; i < n; i++) {
        const json_t *e = json_array_get(list, i), *m = json_array_get(mask, i);
        const json_t *k = json_object_get(e, "key"), *mk = json_object_get(m, "key");
        if (json_is_true(m) || json_is_true(mk))
            visit(w, NULL, 0, NULL, 1);
        else if (json_is_string(k))
            visit(w, json_string_value(k), json_string_length(k), json_object_get(e, "value"),
                  json_is_true(json_object_get(m, "value")));
    }
}

static void visit_side(tag_walk *w, const json_t *side, const json_t *mask)
{
    size_t i;

    if (json_is_true(mask)) {
        visit(w, NULL, 0, NULL, 1);
        return;
    }
    for (i = 0; tag_attrs[i] && w->result != PT_TRUE; i++) {
        const json_t *v = json_object_get(side, tag_attrs[i]), *m = json_object_get(mask, tag_attrs[i]);
        if (json_is_true(m))
            visit(w, NULL, 0, NULL, 1);
        else if (json_is_array(v) || json_is_array(m))
            visit_list(w, v, m);
        else
            visit_map(w, v, m);
    }
    /* Cloud SQL (google_sql_database_instance) keeps its labels in the
     * settings block: settings[*].user_labels. */
    {
        const json_t *set = json_object_get(side, "settings"), *smask = json_object_get(mask, "settings");
        size_t n = json_array_size(set);
        if (json_is_array(smask) && json_array_size(smask) > n)
            n = json_array_size(smask);
        for (i = 0; i < n && w->result != PT_TRUE; i++) {
            const json_t *e = json_array_get(set, i), *em = json_array_get(smask, i);
            const json_t *m = json_is_true(em) ? em : json_object_get(em, "user_labels");
            if (json_is_true(m))
                visit(w, NULL, 0, NULL, 1);
            else
                visit_map(w, json_object_get(e, "user_labels"), m);
        }
    }
}

pg_tri pg_policy__tags_test(const pg_change *c, pg_tag_test_fn fn, const void *ctx)
{
    tag_walk w = {fn, ctx, PT_FALSE};

    if (pg_policy__reads_before(c))
        visit_side(&w, c->before, NULL);
    if (pg_policy__reads_after(c))
        visit_side(&w, c->after, c->after_unknown);
    return w.result;
}

typedef struct any_tag {
    pg_policy_tag_fn fn;
    void *ctx;
} any_tag;

static pg_tri any_tag_test(const void *ctx, const char *key, size_t key_len, const json_t *value, int unknown)
{
    const any_tag *a = ctx;
    return a->fn(a->ctx, key, key_len, unknown ? NULL : value) ? PT_TRUE : PT_FALSE;
}

int pg_policy_any_tag(const pg_change *c, pg_policy_tag_fn fn, void *ctx)
{
    any_tag a = {fn, ctx};
    return pg_policy__tags_test(c, any_tag_test, &a) == PT_TRUE;
}

int pg_policy__tag_map_has(const json_t *tags, const char *key)
{
    const char *k;
    size_t k_len, i;
    json_t *v;

    if (json_is_object(tags)) {
        json_object_keylen_foreach((json_t *)(uintptr_t)tags, k, k_len, v)
            if (pg_policy__key_equal(k, k_len, key))
                return 1;
        return 0;
    }
    for (i = 0; i < json_array_size(tags); i++) {
        const json_t *name = json_object_get(json_array_get(tags, i), "key");
        if (json_is_string(name) && pg_policy__key_equal(json_string_value(name), json_string_length(name), key))
            return 1;
    }
    return 0;
}
