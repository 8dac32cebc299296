/* node.c — reading the YAML node tree: lookups, typed getters, conversion
 * to jansson values, and errors at a node's position (the one place a
 * position is added to a policy error).
 *
 * Every message that shows what a file holds quotes it through util/quote
 * (pg_policy__quote): a key or value from a hostile file reaches stderr as a
 * short JSON literal, never as raw control characters (issue 11).
 */
#include "policy/policy_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "plangate/alloc.h"
#include "util/buf.h"
#include "util/quote.h"
#include "util/suggest.h"

/* ---- errors ------------------------------------------------------------------- */

int pg_policy__at(const pn_ctx *x, const pn_node *at)
{
    if (!x->err)
        return PG_EPOLICY;
    if (x->err->code == PG_ENOMEM)
        return PG_ENOMEM;
    x->err->code = PG_EPOLICY;
    pg_error_set_source(x->err, x->source);
    if (at)
        pg_error_at_line(x->err, at->line, at->col);
    return PG_EPOLICY;
}

int pg_policy__fail(const pn_ctx *x, const pn_node *at, const char *fmt, ...)
{
    va_list ap;
    char msg[PG_ERROR_MESSAGE_MAX];

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pg_error_set(x->err, PG_EPOLICY, "%s", msg);
    return pg_policy__at(x, at);
}

const char *pg_policy__quote(char *buf, size_t size, const char *s)
{
    return pg_quote_str(buf, size, s);
}

int pg_policy__source_of(const pn_ctx *x, const pn_node *n, char **out)
{
    pg_buf b;

    pg_buf_init(&b, 0);
    if (pg_buf_addf(&b, x->err, "%s:%d", x->source, n->line) != PG_OK)
        return pg_error_oom(x->err);
    if (!(*out = pg_buf_detach(&b, NULL)))
        return pg_error_oom(x->err);
    return PG_OK;
}

/* ---- lookups and conversion --------------------------------------------------- */

int pg_policy__go_on(const pn_ctx *x, int rc)
{
    pg_policy_errors *c = x->collect;

    if (rc != PG_EPOLICY || !c)
        return rc;
    if (c->count < PG_POLICY_MAX_ERRORS)
        c->items[c->count++] = *x->err;
    else
        c->more++;
    pg_error_clear(x->err);
    return PG_OK;
}

void pg_policy__did_you_mean(char *buf, size_t size, const char *suggestion)
{
    /* Suggestions are known words (keys, ids, operators: no quoting needed
     * for keys and operators, and rule ids are [A-Za-z0-9._-]). */
    if (suggestion)
        snprintf(buf, size, "; did you mean `%s`?", suggestion);
    else if (size)
        buf[0] = '\0';
}

const pn_node *pg_policy__map_get(const pn_node *map, const char *key)
{
    size_t i;

    if (!map || map->kind != PN_MAP)
        return NULL;
    for (i = 0; i + 1 < map->n; i += 2)
        if (strcmp(map->kids[i]->text, key) == 0)
            return map->kids[i + 1];
    return NULL;
}

static int scalar_json(const pn_ctx *x, const pn_node *n, json_t **out)
{
    char q[PG_POLICY_QUOTE];
    double real = n->stype == PS_INT && n->int_fits ? 0.0 : n->real;

    if ((n->stype == PS_FLOAT || (n->stype == PS_INT && !n->int_fits)) && !isfinite(real))
        return pg_policy__fail(x, n, "%s is not a finite number (.inf and .nan are no numbers; a number "
                                     "beyond a double is kept exactly only as an operand or an item of a list "
                                     "operand)",
                               pg_policy__quote(q, sizeof q, n->text));
    switch (n->stype) {
    case PS_NULL: *out = json_null(); break;
    case PS_BOOL: *out = json_boolean(n->boolean); break;
    case PS_INT: *out = n->int_fits ? json_integer(n->integer) : json_real(n->real); break;
    case PS_FLOAT: *out = json_real(n->real); break;
    case PS_STR: *out = json_stringn(n->text, n->len); break;
    }
    return *out ? PG_OK : pg_error_oom(x->err);
}

int pg_policy__node_json(const pn_ctx *x, const pn_node *n, json_t **out)
{
    json_t *v = NULL, *kid = NULL;
    size_t i;
    int rc;

    *out = NULL;
    if (n->kind == PN_SCALAR)
        return scalar_json(x, n, out);
    if (!(v = n->kind == PN_SEQ ? json_array() : json_object()))
        return pg_error_oom(x->err);
    for (i = n->kind == PN_SEQ ? 0 : 1; i < n->n; i += n->kind == PN_SEQ ? 1 : 2) {
        /* Recursion follows the YAML nesting, which the parser caps at
         * PG_POLICY_MAX_YAML_DEPTH open collections. */
        if ((rc = pg_policy__node_json(x, n->kids[i], &kid)) != PG_OK) {
            json_decref(v);
            return rc;
        }
        if ((n->kind == PN_SEQ ? json_array_append_new(v, kid) : json_object_set_new(v, n->kids[i - 1]->text, kid)) !=
            0) {
            json_decref(v);
            return pg_error_oom(x->err);
        }
    }
    *out = v;
    return PG_OK;
}

const char *pg_policy__node_kind_name(const pn_node *n)
{
    if (!n)
        return "nothing";
    switch (n->kind) {
    case PN_MAP: return "a mapping";
    case PN_SEQ: return "a list";
    case PN_SCALAR:
        switch (n->stype) {
        case PS_NULL: return "null";
        case PS_BOOL: return "a boolean";
        case PS_INT: return "an integer";
        case PS_FLOAT: return "a number";
        case PS_STR: return "a string";
        }
    }
    return "a value";
}

/* ---- typed getters -------------------------------------------------------------- */

int pg_policy__check_keys(const pn_ctx *x, const pn_node *map, const char *what, const char *const *allowed)
{
    size_t i, j, o;
    char list[256], q[PG_POLICY_QUOTE];

    for (i = 0; i + 1 < map->n; i += 2) {
        const char *k = map->kids[i]->text;
        for (j = 0; allowed[j]; j++)
            if (strcmp(k, allowed[j]) == 0)
                break;
        if (allowed[j])
            continue;
        list[0] = '\0';
        for (j = 0, o = 0; allowed[j] && o < sizeof list; j++)
            o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", j ? ", " : "", allowed[j]);
        {
            const char *near = pg_suggest_from(k, allowed);
            int rc;
            /* "unknown key "mesage"; did you mean `message`? (in a rule: ...)" */
            if (near)
                rc = pg_policy__fail(x, map->kids[i], "unknown key %s; did you mean `%s`? (in %s: expected one of: %s)",
                                     pg_policy__quote(q, sizeof q, k), near, what, list);
            else
                rc = pg_policy__fail(x, map->kids[i], "unknown key %s in %s (expected one of: %s)",
                                     pg_policy__quote(q, sizeof q, k), what, list);
            /* lint: an unknown key is ignored by what reads the mapping, so
             * the other keys (and their errors) are still read */
            if ((rc = pg_policy__go_on(x, rc)) != PG_OK)
                return rc;
        }
    }
    return PG_OK;
}

int pg_policy__want_map(const pn_ctx *x, const pn_node *n, const char *what)
{
    if (n->kind != PN_MAP)
        return pg_policy__fail(x, n, "%s must be a mapping, not %s", what, pg_policy__node_kind_name(n));
    return PG_OK;
}

int pg_policy__want_seq(const pn_ctx *x, const pn_node *n, const char *what)
{
    if (n->kind != PN_SEQ)
        return pg_policy__fail(x, n, "%s must be a list, not %s", what, pg_policy__node_kind_name(n));
    return PG_OK;
}

/* Strings are lenient about numbers (`reason: 2024` is the text "2024"),
 * strict about null, booleans and collections. */
int pg_policy__want_text(const pn_ctx *x, const pn_node *n, const char *what)
{
    if (n->kind != PN_SCALAR || n->stype == PS_NULL || n->stype == PS_BOOL)
        return pg_policy__fail(x, n, "%s must be a string, not %s", what, pg_policy__node_kind_name(n));
    return PG_OK;
}

size_t pg_policy__trimmed_len(const pn_node *n)
{
    size_t len = n->len;

    while (len > 0 && (n->text[len - 1] == '\n' || n->text[len - 1] == ' ' || n->text[len - 1] == '\t' ||
                       n->text[len - 1] == '\r'))
        len--;
    return len;
}

int pg_policy__get_text(const pn_ctx *x, const pn_node *n, const char *what, char **out)
{
    size_t len;
    int rc;

    *out = NULL;
    if ((rc = pg_policy__want_text(x, n, what)) != PG_OK)
        return rc;
    if ((len = pg_policy__trimmed_len(n)) == 0)
        return pg_policy__fail(x, n, "%s must not be empty", what);
    if (!(*out = pg_strndup(n->text, len)))
        return pg_error_oom(x->err);
    return PG_OK;
}

int pg_policy__get_bool(const pn_ctx *x, const pn_node *n, const char *what, int *out)
{
    if (n->kind != PN_SCALAR || n->stype != PS_BOOL)
        return pg_policy__fail(x, n, "%s must be true or false, not %s", what, pg_policy__node_kind_name(n));
    *out = n->boolean;
    return PG_OK;
}

int pg_policy__get_severity(const pn_ctx *x, const pn_node *n, pg_severity *out)
{
    char q[PG_POLICY_QUOTE];
    int s, rc;

    if ((rc = pg_policy__want_text(x, n, "severity")) != PG_OK)
        return rc;
    if ((s = pg_severity_from_name(n->text)) < 0) {
        static const char *const names[] = {"critical", "high", "medium", "low", "info", NULL};
        char hint[48];
        pg_policy__did_you_mean(hint, sizeof hint, pg_suggest_from(n->text, names));
        return pg_policy__fail(x, n, "unknown severity %s%s (expected critical, high, medium, low or info)",
                               pg_policy__quote(q, sizeof q, n->text), hint);
    }
    *out = (pg_severity)s;
    return PG_OK;
}

int pg_policy__get_text_list(const pn_ctx *x, const pn_node *n, const char *what, char ***out, size_t *count)
{
    size_t i, k = n->kind == PN_SEQ ? n->n : 1;
    char **list;
    int rc;

    *out = NULL;
    *count = 0;
    if (n->kind == PN_SEQ && n->n == 0)
        return pg_policy__fail(x, n, "%s must not be an empty list", what);
    if (!(list = pg_calloc(k, sizeof *list)))
        return pg_error_oom(x->err);
    for (i = 0; i < k; i++) {
        if ((rc = pg_policy__get_text(x, n->kind == PN_SEQ ? n->kids[i] : n, what, &list[i])) != PG_OK) {
            pg_policy__free_text_list(list, i);
            return rc;
        }
    }
    *out = list;
    *count = k;
    return PG_OK;
}

void pg_policy__free_text_list(char **list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        pg_free(list[i]);
    pg_free(list);
}

/* Rule ids and environment names: letters, digits, '-', '_' and '.',
 * starting with a letter or digit (so messages show them as they are). */
int pg_policy__valid_id(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '-' ||
              *s == '_' || *s == '.'))
            return 0;
    return 1;
}
