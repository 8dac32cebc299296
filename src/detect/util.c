/* util.c — small helpers every detector uses: reading a table's attributes,
 * redacted text for messages, plain words for destroy causes. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "detect/detect_internal.h"
#include "plangate/alloc.h"

int pg_det__is_managed(const pg_change *c)
{
    /* Plans before 0.12-era tooling may lack "mode"; only "data" is not managed. */
    return !c->mode || strcmp(c->mode, "data") != 0;
}

int pg_det__is_planned_table(const pg_change *c)
{
    return c->origin == PG_ORIGIN_PLANNED && c->type && strcmp(c->type, PG_TYPE_DYNAMODB_TABLE) == 0 &&
           pg_det__is_managed(c);
}

const char *pg_det__str(const pg_change *c, pg_side side, const char *key)
{
    pg_path_step s = {key, 0};
    const json_t *v = pg_change_get(c, side, &s, 1);

    if (side == PG_AFTER && pg_change_is_unknown(c, &s, 1))
        return NULL;
    return json_is_string(v) ? json_string_value(v) : NULL;
}

int pg_det__unknown(const pg_change *c, const char *key)
{
    pg_path_step s = {key, 0};
    return pg_change_is_unknown(c, &s, 1);
}

const char *pg_det__attribute_type(const pg_change *c, pg_side side, const char *name, size_t *index_out)
{
    pg_path_step s = {"attribute", 0};
    const json_t *list = pg_change_get(c, side, &s, 1);
    size_t i;

    if (!name || !json_is_array(list))
        return NULL;
    for (i = 0; i < json_array_size(list); i++) {
        const json_t *a = json_array_get(list, i);
        const json_t *n = json_object_get(a, "name");
        const json_t *t = json_object_get(a, "type");

        if (json_is_string(n) && strcmp(json_string_value(n), name) == 0) {
            if (index_out)
                *index_out = i;
            return json_is_string(t) ? json_string_value(t) : NULL;
        }
    }
    return NULL;
}

void pg_det__json_text(const json_t *v, char *buf, size_t size)
{
    if (json_is_null(v)) {
        /* "null" means nothing to an operator: the value is not set. */
        snprintf(buf, size, "(none)");
        return;
    }
    pg_value_text(v, buf, size);
}

void pg_det__text(const pg_change *c, pg_side side, const char *key, char *buf, size_t size)
{
    pg_path_step s = {key, 0};
    json_t *v = pg_change_redacted(c, side, &s, 1);

    if (!v) {
        snprintf(buf, size, "(unavailable)");
        return;
    }
    pg_det__json_text(v, buf, size);
    json_decref(v);
}

pg_finding *pg_det__finding(const pg_detector *d, const pg_change *c)
{
    return pg_finding_new(d->id, d->default_severity, c);
}

const char *pg_det__reason_words(const pg_change *c)
{
    const char *w = pg_action_reason_words(c->action_reason);

    if (w)
        return w;
    if (c->action_reason)
        return c->action_reason; /* a future value, verbatim (SPEC §2) */
    if (c->deposed)
        return "it is a deposed object left over from an earlier create-before-destroy replacement";
    if (c->action == PG_ACTION_REPLACE)
        return "the plan does not say why (no action_reason): usually an argument that cannot change in place";
    if (c->action == PG_ACTION_DELETE)
        return "the plan does not say why (no action_reason): usually its block, module or count/for_each "
               "instance is gone from the configuration";
    return "the plan does not say why";
}

const char *pg_det__destroy_words(const pg_change *c)
{
    if (c->action == PG_ACTION_REPLACE)
        return c->replace_order == PG_REPLACE_CREATE_BEFORE_DESTROY
                   ? "replaces it (creates a new one first, then destroys the existing one)"
                   : "replaces it (destroys the existing one, then creates a new one)";
    if (c->action == PG_ACTION_DELETE)
        return "destroys it";
    return "destroys it (action list holds \"delete\")";
}

int pg_det__add(pg_findings *out, pg_finding *f, pg_error *err)
{
    if (!f)
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    return pg_findings_add(out, f, err);
}

int pg_det__strv_push(char ***v, size_t *n, size_t *cap, const char *s)
{
    char *copy;

    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        char **g = pg_realloc(*v, ncap * sizeof *g);
        if (!g)
            return PG_ENOMEM;
        *v = g;
        *cap = ncap;
    }
    if (!(copy = pg_strdup(s ? s : "")))
        return PG_ENOMEM;
    (*v)[(*n)++] = copy;
    return PG_OK;
}

void pg_det__strv_free(char **v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        pg_free(v[i]);
    pg_free(v);
}

void pg_det__append(char *buf, size_t size, const char *fmt, ...)
{
    size_t len = strnlen(buf, size);
    va_list ap;

    if (len + 1 >= size)
        return;
    va_start(ap, fmt);
    vsnprintf(buf + len, size - len, fmt, ap);
    va_end(ap);
}

int pg_det__mask_any(const json_t *mask)
{
    const char *key;
    json_t *v;
    size_t i;

    if (json_is_true(mask))
        return 1;
    if (json_is_object(mask)) {
        json_object_foreach((json_t *)(uintptr_t)mask, key, v)
            if (pg_det__mask_any(v))
                return 1;
    } else if (json_is_array(mask)) {
        json_array_foreach(mask, i, v)
            if (pg_det__mask_any(v))
                return 1;
    }
    return 0;
}

/* The position of the `attribute` entry named `name` on `side`; 0 when absent. */
static int attribute_index(const pg_change *c, pg_side side, const char *name, size_t *index_out)
{
    pg_path_step s = {"attribute", 0};
    const json_t *list = pg_change_get(c, side, &s, 1);
    size_t i;

    for (i = 0; json_is_array(list) && i < json_array_size(list); i++) {
        const json_t *n = json_object_get(json_array_get(list, i), "name");
        if (json_is_string(n) && strcmp(json_string_value(n), name) == 0) {
            *index_out = i;
            return 1;
        }
    }
    return 0;
}

int pg_det__key_type_changes(const pg_change *c, pg_finding *f, char *desc, size_t size)
{
    const char *keys[2];
    size_t k;
    int n = 0;

    /* The key names the new table uses; the old ones when the new are unknown. */
    keys[0] = pg_det__str(c, PG_AFTER, "hash_key");
    keys[1] = pg_det__str(c, PG_AFTER, "range_key");
    if (!keys[0] && pg_det__unknown(c, "hash_key"))
        keys[0] = pg_det__str(c, PG_BEFORE, "hash_key");
    if (!keys[1] && pg_det__unknown(c, "range_key"))
        keys[1] = pg_det__str(c, PG_BEFORE, "range_key");
    for (k = 0; k < 2; k++) {
        pg_path_step bs[3] = {{"attribute", 0}, {NULL, 0}, {"type", 0}};
        pg_path_step as[3] = {{"attribute", 0}, {NULL, 0}, {"type", 0}};
        char path[96], btext[PG_DET_TEXT], atext[PG_DET_TEXT];
        const json_t *bt, *at;
        json_t *bv, *av;
        int unknown;

        if (!keys[k] || (k == 1 && keys[0] && strcmp(keys[0], keys[1]) == 0))
            continue;
        /* Only an attribute that exists on both sides can change type; a key
         * that is new or gone is a hash_key/range_key change, reported there. */
        if (!attribute_index(c, PG_BEFORE, keys[k], &bs[1].index))
            continue;
        unknown = pg_change_is_unknown(c, as, 1);
        if (!unknown) {
            if (!attribute_index(c, PG_AFTER, keys[k], &as[1].index))
                continue;
            unknown = pg_change_is_unknown(c, as, 3);
        }
        bt = pg_change_get(c, PG_BEFORE, bs, 3);
        at = pg_change_get(c, PG_AFTER, as, 3);
        if (!unknown && json_equal(bt, at))
            continue;
        n++;
        bv = pg_change_redacted(c, PG_BEFORE, bs, 3);
        av = unknown ? json_string(PG_UNKNOWN_TEXT) : pg_change_redacted(c, PG_AFTER, as, 3);
        if (!bv || !av) {
            json_decref(bv);
            json_decref(av);
            return PG_ENOMEM;
        }
        pg_det__json_text(bv, btext, sizeof btext);
        pg_det__json_text(av, atext, sizeof atext);
        snprintf(path, sizeof path, "attribute[%zu].type", unknown ? bs[1].index : as[1].index);
        if (desc) {
            if (unknown)
                pg_det__append(desc, size, "%sthe type of key attribute \"%s\" may change (%s → known only after apply)",
                               n > 1 ? "; " : "", keys[k], btext);
            else
                pg_det__append(desc, size, "%sthe type of key attribute \"%s\" changes %s → %s",
                               n > 1 ? "; " : "", keys[k], btext, atext);
        }
        if (f) {
            if (pg_finding_add_evidence(f, path, bv, av) != 0)
                return PG_ENOMEM;
        } else {
            json_decref(bv);
            json_decref(av);
        }
    }
    return n;
}

const char *pg_det__backend_name(const pg_backend *b)
{
    static const char dotdir[] = ".terraform/terraform.tfstate";
    const char *src = b && b->source ? b->source : NULL, *slash;
    size_t n;

    /* Messages name the file without the directory it was found in: the
     * operator knows which file they passed, and reports stay the same
     * wherever the check runs. */
    if (!src || !*src)
        return "the --backend file";
    n = strlen(src);
    if (n >= sizeof dotdir - 1 && strcmp(src + n - (sizeof dotdir - 1), dotdir) == 0 &&
        (n == sizeof dotdir - 1 || src[n - sizeof dotdir] == '/'))
        return src + n - (sizeof dotdir - 1);
    slash = strrchr(src, '/');
    return slash ? slash + 1 : src;
}

int pg_det__name_evidence(pg_finding *f, const pg_change *c)
{
    pg_path_step s = {"name", 0};
    json_t *b = c->before && !json_is_null(c->before) ? pg_change_redacted(c, PG_BEFORE, &s, 1) : json_null();
    json_t *a = c->after && !json_is_null(c->after) ? pg_change_redacted(c, PG_AFTER, &s, 1) : json_null();

    if (!b || !a) {
        json_decref(b);
        json_decref(a);
        return PG_ENOMEM;
    }
    return pg_finding_add_evidence(f, "name", b, a);
}
