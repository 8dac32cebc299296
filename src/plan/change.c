/* change.c — one resource change: a decoded element normalised into a
 * pg_change (the plan reader then checks it against what Terraform writes,
 * shape.c); lookups by path and through the sensitive/unknown masks. */
#include "plangate/plan.h"

#include <stdio.h>
#include <string.h>

#include "plangate/alloc.h"
#include "util/quote.h"

static const char *str_member(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A field that names the change (address, type, ...): str_member, and the
 * first such key whose string holds a NUL goes to *nul_key. These fields are
 * used as C strings (globs, waivers, detectors), which would read "t\0x" as
 * "t". */
static const char *name_member(const json_t *obj, const char *key, const char **nul_key)
{
    const json_t *v = json_object_get(obj, key);

    if (!json_is_string(v))
        return NULL;
    if (!*nul_key && strlen(json_string_value(v)) != json_string_length(v))
        *nul_key = key;
    return json_string_value(v);
}

/* Terraform 1.0.0 wrote resource_drift entries without "address" (seen in
 * real plans): rebuild it from module_address, mode, type, name and index,
 * the way Terraform prints addresses. Stored in the element, which owns it. */
static const char *compose_address(json_t *element)
{
    const char *module = str_member(element, "module_address");
    const char *mode = str_member(element, "mode");
    const char *type = str_member(element, "type");
    const char *name = str_member(element, "name");
    const json_t *index = json_object_get(element, "index");
    char idx[300] = "";
    char *addr;
    json_t *v;
    int n;

    if (!type || !name)
        return NULL;
    if (json_is_integer(index))
        snprintf(idx, sizeof idx, "[%lld]", (long long)json_integer_value(index));
    else if (json_is_string(index))
        snprintf(idx, sizeof idx, "[\"%s\"]", json_string_value(index));
    n = snprintf(NULL, 0, "%s%s%s%s.%s%s", module ? module : "", module ? "." : "",
                 mode && strcmp(mode, "data") == 0 ? "data." : "", type, name, idx);
    if (n < 0 || !(addr = pg_malloc((size_t)n + 1)))
        return NULL;
    snprintf(addr, (size_t)n + 1, "%s%s%s%s.%s%s", module ? module : "", module ? "." : "",
             mode && strcmp(mode, "data") == 0 ? "data." : "", type, name, idx);
    v = json_string(addr);
    pg_free(addr);
    if (!v || json_object_set_new(element, "address", v) != 0)
        return NULL;
    return str_member(element, "address");
}

int pg_change_init(pg_change *out, json_t *element, pg_change_origin origin, pg_error *err)
{
    const json_t *change;
    const char *nul_key = NULL;
    char q[140];

    memset(out, 0, sizeof *out);
    if (!json_is_object(element)) {
        json_decref(element);
        return pg_error_set(err, PG_EPLAN, "a resource change is not a JSON object");
    }
    out->root = element;
    out->origin = origin;
    out->address = name_member(element, "address", &nul_key);
    if (!out->address && !json_object_get(element, "address"))
        out->address = compose_address(element);
    out->previous_address = name_member(element, "previous_address", &nul_key);
    out->module_address = name_member(element, "module_address", &nul_key);
    out->mode = name_member(element, "mode", &nul_key);
    out->type = name_member(element, "type", &nul_key);
    out->name = name_member(element, "name", &nul_key);
    out->index = json_object_get(element, "index");
    out->provider_name = name_member(element, "provider_name", &nul_key);
    out->deposed = name_member(element, "deposed", &nul_key);
    out->action_reason = name_member(element, "action_reason", &nul_key);

    if (nul_key) {
        pg_error_set(err, PG_EPLAN,
                     "a resource change has a NUL character (\\u0000) in \"%s\": Terraform never "
                     "writes one, and every name, glob and waiver match would see only the part "
                     "before it",
                     nul_key);
        pg_change_dispose(out);
        return PG_EPLAN;
    }
    change = json_object_get(element, "change");
    if (!out->address || !out->type || !json_is_object(change) || !json_object_get(change, "actions")) {
        const char *missing = !out->address ? "\"address\""
                              : !out->type  ? "\"type\""
                              : !json_is_object(change) ? "\"change\""
                                                        : "\"change.actions\"";
        pg_error_set(err, PG_EPLAN, "a resource change%s%s lacks %s", out->address ? " at " : "",
                     out->address ? pg_quote_str(q, sizeof q, out->address) : "", missing);
        pg_change_dispose(out);
        return PG_EPLAN;
    }
    out->actions = json_object_get(change, "actions");
    out->action = pg_action_normalise(out->actions, &out->replace_order, &out->destructive);
    out->before = json_object_get(change, "before");
    out->after = json_object_get(change, "after");
    out->after_unknown = json_object_get(change, "after_unknown");
    out->before_sensitive = json_object_get(change, "before_sensitive");
    out->after_sensitive = json_object_get(change, "after_sensitive");
    out->replace_paths = json_object_get(change, "replace_paths");
    out->importing = json_object_get(change, "importing");
    return PG_OK;
}

void pg_change_dispose(pg_change *c)
{
    if (!c)
        return;
    json_decref(c->root);
    memset(c, 0, sizeof *c);
}

static const json_t *step(const json_t *v, const pg_path_step *s)
{
    if (s->key)
        return json_is_object(v) ? json_object_get(v, s->key) : NULL;
    return json_is_array(v) ? json_array_get(v, s->index) : NULL;
}

const json_t *pg_change_get(const pg_change *c, pg_side side, const pg_path_step *steps, size_t n)
{
    const json_t *v = side == PG_BEFORE ? c->before : c->after;
    size_t i;

    for (i = 0; v && i < n; i++)
        v = step(v, &steps[i]);
    return v;
}

/* Terraform's masks mirror the value's shape: `true` at a node covers the
 * whole subtree, objects and arrays descend, `false` and null (and a missing
 * node) cover nothing. A number or a string, which Terraform never writes,
 * covers its subtree: a mask we cannot read fails closed (sensitive: never
 * printed; unknown: may change). */
int pg_mask_covers(const json_t *mask, const pg_path_step *steps, size_t n)
{
    size_t i;

    for (i = 0; mask; i++) {
        if (json_is_true(mask))
            return 1;
        if (!json_is_object(mask) && !json_is_array(mask))
            return !json_is_false(mask) && !json_is_null(mask);
        if (i == n)
            return 0;
        mask = step(mask, &steps[i]);
    }
    return 0;
}

int pg_change_is_sensitive(const pg_change *c, pg_side side, const pg_path_step *steps, size_t n)
{
    return pg_mask_covers(side == PG_BEFORE ? c->before_sensitive : c->after_sensitive, steps, n);
}

int pg_change_is_unknown(const pg_change *c, const pg_path_step *steps, size_t n)
{
    return pg_mask_covers(c->after_unknown, steps, n);
}
