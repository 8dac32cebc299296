/* yaml_adapter.c — libyaml events become a small node tree, and libyaml's
 * conventions (1/0 returns, 0-based marks, its own error fields) become
 * pg_error here and nowhere else (STYLE §10).
 *
 * libyaml 0.2.5 has no nesting limit and expands nothing itself, but a
 * naive tree builder that copies aliased nodes is a billion-laughs victim.
 * Here an alias shares the anchored node (the tree is a DAG), and three caps
 * keep every later walk bounded: PG_POLICY_MAX_DEPTH open collections,
 * PG_POLICY_MAX_ALIASES alias uses, and PG_POLICY_MAX_ALIAS_EXPANSION nodes
 * reachable through aliases (counted with repetition).
 */
#include "policy/policy_internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "plangate/alloc.h"

int pg_policy__fail(pg_error *err, const char *source, const pn_node *at, const char *fmt, ...)
{
    va_list ap;
    char msg[PG_ERROR_MESSAGE_MAX];

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pg_error_set(err, PG_EPOLICY, "%s", msg);
    pg_error_set_source(err, source);
    if (at)
        pg_error_at_line(err, at->line, at->col);
    return PG_EPOLICY;
}

static int fail_mark(pg_error *err, const char *source, yaml_mark_t mark, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static int fail_mark(pg_error *err, const char *source, yaml_mark_t mark, const char *fmt, ...)
{
    va_list ap;
    char msg[PG_ERROR_MESSAGE_MAX];

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pg_error_set(err, PG_EPOLICY, "%s", msg);
    pg_error_set_source(err, source);
    pg_error_at_line(err, (int)mark.line + 1, (int)mark.column + 1);
    return PG_EPOLICY;
}

/* ---- scalars ------------------------------------------------------------ */

static int all_digits(const char *s, const char *set)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!strchr(set, *s))
            return 0;
    return 1;
}

static int is_float_text(const char *s)
{
    const char *p = s;
    int digits = 0;

    if (*p == '+' || *p == '-')
        p++;
    if (strcmp(p, ".inf") == 0 || strcmp(p, ".Inf") == 0 || strcmp(p, ".INF") == 0)
        return 1;
    if (p == s && (strcmp(p, ".nan") == 0 || strcmp(p, ".NaN") == 0 || strcmp(p, ".NAN") == 0))
        return 1;
    while (*p >= '0' && *p <= '9') {
        p++;
        digits++;
    }
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9') {
            p++;
            digits++;
        }
    }
    if (!digits)
        return 0;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return *p == '\0';
}

static void set_float(pn_node *n)
{
    const char *p = n->text;
    int neg = *p == '-';

    n->stype = PS_FLOAT;
    if (*p == '+' || *p == '-')
        p++;
    if (p[0] == '.' && (p[1] == 'i' || p[1] == 'I'))
        n->real = neg ? -HUGE_VAL : HUGE_VAL;
    else if (p[0] == '.' && (p[1] == 'n' || p[1] == 'N'))
        n->real = (double)NAN;
    else
        n->real = strtod(n->text, NULL);
}

static int set_int(pn_node *n)
{
    const char *t = n->text;
    const char *digits = t;
    int base = 10, neg = 0;
    unsigned long long v;
    char *end;

    if (*digits == '+' || *digits == '-') {
        neg = *digits == '-';
        digits++;
    }
    if (digits == t && strncmp(t, "0x", 2) == 0 && all_digits(t + 2, "0123456789abcdefABCDEF")) {
        base = 16;
        digits = t + 2;
    } else if (digits == t && strncmp(t, "0o", 2) == 0 && all_digits(t + 2, "01234567")) {
        base = 8;
        digits = t + 2;
    } else if (!all_digits(digits, "0123456789")) {
        return 0;
    }
    n->stype = PS_INT;
    errno = 0;
    v = strtoull(digits, &end, base);
    if (errno == 0 && *end == '\0' && (neg ? v <= (unsigned long long)INT64_MAX + 1u : v <= (unsigned long long)INT64_MAX)) {
        n->int_fits = 1;
        n->integer = neg ? (json_int_t)(0 - v) : (json_int_t)v;
        n->real = (double)n->integer;
    } else {
        /* Beyond int64: kept as a real (compared numerically). */
        n->int_fits = 0;
        n->real = base == 10 ? strtod(t, NULL) : (neg ? -1.0 : 1.0) * (double)strtoull(digits, NULL, base);
    }
    return 1;
}

/* YAML 1.2 core schema resolution of a plain scalar. `yes`/`no`/`on`/`off`
 * stay strings (YAML 1.1's booleans surprise people: Norway's "NO"). */
static void resolve_plain(pn_node *n)
{
    const char *t = n->text;

    if (!*t || strcmp(t, "~") == 0 || strcmp(t, "null") == 0 || strcmp(t, "Null") == 0 ||
        strcmp(t, "NULL") == 0) {
        n->stype = PS_NULL;
    } else if (strcmp(t, "true") == 0 || strcmp(t, "True") == 0 || strcmp(t, "TRUE") == 0) {
        n->stype = PS_BOOL;
        n->boolean = 1;
    } else if (strcmp(t, "false") == 0 || strcmp(t, "False") == 0 || strcmp(t, "FALSE") == 0) {
        n->stype = PS_BOOL;
        n->boolean = 0;
    } else if (set_int(n)) {
        /* typed */
    } else if (is_float_text(t)) {
        set_float(n);
    } else {
        n->stype = PS_STR;
    }
}

#define TAG_PREFIX "tag:yaml.org,2002:"

/* An explicit tag on a scalar. 0, or -1 when the tag or the value is not
 * acceptable (the message goes to `msg`). */
static int resolve_tagged(pn_node *n, const char *tag, char *msg, size_t size)
{
    const char *t;

    if (strcmp(tag, "!") == 0 || strcmp(tag, TAG_PREFIX "str") == 0) {
        n->stype = PS_STR;
        return 0;
    }
    if (strncmp(tag, TAG_PREFIX, strlen(TAG_PREFIX)) != 0) {
        snprintf(msg, size, "unsupported YAML tag '%s'", tag);
        return -1;
    }
    t = tag + strlen(TAG_PREFIX);
    resolve_plain(n);
    if ((strcmp(t, "null") == 0 && n->stype == PS_NULL) ||
        (strcmp(t, "bool") == 0 && n->stype == PS_BOOL) ||
        (strcmp(t, "int") == 0 && n->stype == PS_INT))
        return 0;
    if (strcmp(t, "float") == 0 && (n->stype == PS_FLOAT || n->stype == PS_INT)) {
        if (n->stype == PS_INT)
            n->real = n->int_fits ? (double)n->integer : n->real;
        n->stype = PS_FLOAT;
        return 0;
    }
    if (strcmp(t, "null") == 0 || strcmp(t, "bool") == 0 || strcmp(t, "int") == 0 ||
        strcmp(t, "float") == 0)
        snprintf(msg, size, "'%s' is not a valid !!%s", n->text, t);
    else
        snprintf(msg, size, "unsupported YAML tag '!!%s'", t);
    return -1;
}

/* ---- the builder ---------------------------------------------------------- */

typedef struct anchor {
    char *name;
    pn_node *node;
} anchor;

typedef struct builder {
    const char *source;
    pn_doc *doc;
    pn_node *stack[PG_POLICY_MAX_DEPTH];
    size_t depth;
    anchor *anchors;
    size_t n_anchors, cap_anchors;
    unsigned aliases;
    size_t expanded;
    int documents;
} builder;

static pn_node *node_new(builder *b, pn_kind kind, yaml_mark_t mark)
{
    pn_node *n = pg_calloc(1, sizeof *n);

    if (!n)
        return NULL;
    n->kind = kind;
    n->line = (int)mark.line + 1;
    n->col = (int)mark.column + 1;
    n->weight = 1;
    n->next_alloc = b->doc->all;
    b->doc->all = n;
    return n;
}

static int kid_add(pn_node *parent, pn_node *kid)
{
    if (parent->n == parent->cap) {
        size_t cap = parent->cap ? parent->cap * 2 : 8;
        pn_node **k = pg_realloc(parent->kids, cap * sizeof *k);
        if (!k)
            return PG_ENOMEM;
        parent->kids = k;
        parent->cap = cap;
    }
    parent->kids[parent->n++] = kid;
    parent->weight += kid->weight;
    return PG_OK;
}

static int anchor_set(builder *b, const char *name, pn_node *node)
{
    size_t i;
    char *copy;

    /* YAML lets a later anchor reuse a name: later aliases see the new node. */
    for (i = 0; i < b->n_anchors; i++)
        if (strcmp(b->anchors[i].name, name) == 0) {
            b->anchors[i].node = node;
            return PG_OK;
        }
    if (b->n_anchors == b->cap_anchors) {
        size_t cap = b->cap_anchors ? b->cap_anchors * 2 : 8;
        anchor *a = pg_realloc(b->anchors, cap * sizeof *a);
        if (!a)
            return PG_ENOMEM;
        b->anchors = a;
        b->cap_anchors = cap;
    }
    if (!(copy = pg_strdup(name)))
        return PG_ENOMEM;
    b->anchors[b->n_anchors].name = copy;
    b->anchors[b->n_anchors].node = node;
    b->n_anchors++;
    return PG_OK;
}

static int cmp_keys(const void *x, const void *y)
{
    const pn_node *a = *(pn_node *const *)x, *b = *(pn_node *const *)y;
    int c = strcmp(a->text, b->text);

    if (c)
        return c;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    return a->col < b->col ? -1 : a->col > b->col;
}

/* Duplicate keys are an error (jansson and many YAML loaders keep the last
 * one silently; a policy that says two things about one key is a mistake).
 * Sorting a copy of the keys keeps a 4 MiB one-mapping file from taking
 * quadratic time. */
static int check_duplicate_keys(builder *b, const pn_node *map, pg_error *err)
{
    size_t pairs = map->n / 2, i;
    const pn_node **keys;
    int rc = PG_OK;

    if (pairs < 2)
        return PG_OK;
    keys = pg_malloc(pairs * sizeof *keys);
    if (!keys)
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    for (i = 0; i < pairs; i++)
        keys[i] = map->kids[2 * i];
    qsort(keys, pairs, sizeof *keys, cmp_keys);
    for (i = 1; i < pairs; i++)
        if (strcmp(keys[i - 1]->text, keys[i]->text) == 0) {
            rc = pg_policy__fail(err, b->source, keys[i], "duplicate key '%s' (first at line %d)",
                                 keys[i]->text, keys[i - 1]->line);
            break;
        }
    pg_free(keys);
    return rc;
}

/* Attach a finished node to the open collection (or make it the root). */
static int attach(builder *b, pn_node *n, pg_error *err)
{
    pn_node *parent;

    if (b->depth == 0) {
        b->doc->root = n;
        return PG_OK;
    }
    parent = b->stack[b->depth - 1];
    if (parent->kind == PN_MAP && parent->n % 2 == 0 && n->kind != PN_SCALAR)
        return pg_policy__fail(err, b->source, n, "a mapping key must be a scalar, not %s",
                               pg_policy__node_kind_name(n));
    if (kid_add(parent, n) != PG_OK)
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    return PG_OK;
}

static int on_scalar(builder *b, const yaml_event_t *ev, pg_error *err)
{
    pn_node *n = node_new(b, PN_SCALAR, ev->start_mark);
    const char *value = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    const char *tag = (const char *)ev->data.scalar.tag;
    char msg[PG_ERROR_MESSAGE_MAX];
    int rc;

    if (!n)
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    if (memchr(value, '\0', len))
        return pg_policy__fail(err, b->source, n, "a NUL character in a scalar is not supported");
    if (!(n->text = pg_strndup(value, len)))
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    n->len = len;
    if (tag) {
        if (resolve_tagged(n, tag, msg, sizeof msg) != 0)
            return pg_policy__fail(err, b->source, n, "%s", msg);
    } else if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
        resolve_plain(n);
    } else {
        n->stype = PS_STR;
    }
    if ((rc = attach(b, n, err)) != PG_OK)
        return rc;
    if (ev->data.scalar.anchor && anchor_set(b, (const char *)ev->data.scalar.anchor, n) != PG_OK)
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    return PG_OK;
}

static int on_start(builder *b, const yaml_event_t *ev, pn_kind kind, pg_error *err)
{
    const char *tag = (const char *)(kind == PN_MAP ? ev->data.mapping_start.tag
                                                    : ev->data.sequence_start.tag);
    pn_node *n;

    if (b->depth >= PG_POLICY_MAX_DEPTH)
        return fail_mark(err, b->source, ev->start_mark,
                         "nesting deeper than %u levels (limit PG_POLICY_MAX_DEPTH)",
                         PG_POLICY_MAX_DEPTH);
    if (tag && strcmp(tag, kind == PN_MAP ? TAG_PREFIX "map" : TAG_PREFIX "seq") != 0 &&
        strcmp(tag, "!") != 0)
        return fail_mark(err, b->source, ev->start_mark, "unsupported YAML tag '%s'", tag);
    if (!(n = node_new(b, kind, ev->start_mark)))
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    b->stack[b->depth++] = n;
    return PG_OK;
}

static int on_end(builder *b, const yaml_event_t *start_anchor_ev, pg_error *err)
{
    pn_node *n = b->stack[--b->depth];
    int rc;

    (void)start_anchor_ev;
    if (n->kind == PN_MAP && (rc = check_duplicate_keys(b, n, err)) != PG_OK)
        return rc;
    return attach(b, n, err);
}

static int on_alias(builder *b, const yaml_event_t *ev, pg_error *err)
{
    const char *name = (const char *)ev->data.alias.anchor;
    pn_node *target = NULL;
    size_t i;

    if (++b->aliases > PG_POLICY_MAX_ALIASES)
        return fail_mark(err, b->source, ev->start_mark,
                         "more than %u alias uses (limit PG_POLICY_MAX_ALIASES)",
                         PG_POLICY_MAX_ALIASES);
    for (i = 0; i < b->n_anchors; i++)
        if (strcmp(b->anchors[i].name, name) == 0)
            target = b->anchors[i].node;
    /* Anchors are registered when their node is complete, so an alias to an
     * enclosing collection (a cycle) is "unknown" here too. */
    if (!target)
        return fail_mark(err, b->source, ev->start_mark, "unknown alias '*%s'", name);
    b->expanded += target->weight;
    if (b->expanded > PG_POLICY_MAX_ALIAS_EXPANSION)
        return fail_mark(err, b->source, ev->start_mark,
                         "aliases expand to more than %u nodes (limit PG_POLICY_MAX_ALIAS_EXPANSION)",
                         PG_POLICY_MAX_ALIAS_EXPANSION);
    if (b->depth > 0 && b->stack[b->depth - 1]->kind == PN_MAP && b->stack[b->depth - 1]->n % 2 == 0 &&
        target->kind != PN_SCALAR)
        return fail_mark(err, b->source, ev->start_mark, "a mapping key must be a scalar, not %s",
                         pg_policy__node_kind_name(target));
    if (b->depth == 0) {
        b->doc->root = target;
        return PG_OK;
    }
    if (kid_add(b->stack[b->depth - 1], target) != PG_OK)
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    return PG_OK;
}

/* libyaml's own error, with its 0-based mark made 1-based. */
static int parser_error(builder *b, const yaml_parser_t *parser, const char *text, size_t len,
                        pg_error *err)
{
    yaml_mark_t mark = parser->problem_mark;
    const char *problem = parser->problem ? parser->problem : "invalid YAML";

    if (parser->error == YAML_MEMORY_ERROR)
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    if (parser->error == YAML_READER_ERROR) {
        /* Reader errors (bad UTF-8, control characters) carry a byte offset only. */
        size_t i, off = parser->problem_offset < len ? parser->problem_offset : len;
        mark.line = 0;
        mark.column = 0;
        for (i = 0; i < off; i++) {
            if (text[i] == '\n') {
                mark.line++;
                mark.column = 0;
            } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
                mark.column++;
            }
        }
        return fail_mark(err, b->source, mark, "YAML: %s", problem);
    }
    if (mark.index < len && text[mark.index] == '\t')
        return fail_mark(err, b->source, mark, "YAML: %s (a tab: YAML indents with spaces)", problem);
    if (parser->context && (parser->context_mark.line != mark.line || parser->context_mark.column != mark.column))
        return fail_mark(err, b->source, mark, "YAML: %s (%s at line %d, column %d)", problem,
                         parser->context, (int)parser->context_mark.line + 1,
                         (int)parser->context_mark.column + 1);
    return fail_mark(err, b->source, mark, "YAML: %s", problem);
}

int pg_policy__yaml_parse(pn_doc *out, const char *name, const char *text, size_t len,
                          pg_error *err)
{
    yaml_parser_t parser;
    yaml_event_t ev;
    builder b;
    int rc = PG_OK, done = 0;
    size_t i;

    memset(out, 0, sizeof *out);
    memset(&b, 0, sizeof b);
    b.source = name;
    b.doc = out;
    if (len > PG_POLICY_MAX_FILE_BYTES) {
        rc = pg_error_set(err, PG_EPOLICY, "the file is larger than %zu bytes (limit PG_POLICY_MAX_FILE_BYTES)",
                          PG_POLICY_MAX_FILE_BYTES);
        pg_error_set_source(err, name);
        return rc;
    }
    if (!yaml_parser_initialize(&parser))
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    while (!done && rc == PG_OK) {
        if (!yaml_parser_parse(&parser, &ev)) {
            rc = parser_error(&b, &parser, text, len, err);
            break;
        }
        switch (ev.type) {
        case YAML_DOCUMENT_START_EVENT:
            if (++b.documents > 1)
                rc = fail_mark(err, name, ev.start_mark,
                               "a policy file holds one YAML document (found a second '---')");
            break;
        case YAML_SCALAR_EVENT:
            rc = on_scalar(&b, &ev, err);
            break;
        case YAML_SEQUENCE_START_EVENT:
            rc = on_start(&b, &ev, PN_SEQ, err);
            if (rc == PG_OK && ev.data.sequence_start.anchor) {
                /* Registered at the end: remember the name on the node's slot. */
                pn_node *n = b.stack[b.depth - 1];
                n->text = pg_strdup((const char *)ev.data.sequence_start.anchor);
                if (!n->text)
                    rc = pg_error_set(err, PG_ENOMEM, "out of memory");
            }
            break;
        case YAML_MAPPING_START_EVENT:
            rc = on_start(&b, &ev, PN_MAP, err);
            if (rc == PG_OK && ev.data.mapping_start.anchor) {
                pn_node *n = b.stack[b.depth - 1];
                n->text = pg_strdup((const char *)ev.data.mapping_start.anchor);
                if (!n->text)
                    rc = pg_error_set(err, PG_ENOMEM, "out of memory");
            }
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: {
            pn_node *n = b.stack[b.depth - 1];
            rc = on_end(&b, &ev, err);
            /* A collection's `text` holds its anchor name until it is complete. */
            if (rc == PG_OK && n->text) {
                if (anchor_set(&b, n->text, n) != PG_OK)
                    rc = pg_error_set(err, PG_ENOMEM, "out of memory");
            }
            break;
        }
        case YAML_ALIAS_EVENT:
            rc = on_alias(&b, &ev, err);
            break;
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    for (i = 0; i < b.n_anchors; i++)
        pg_free(b.anchors[i].name);
    pg_free(b.anchors);
    /* Collections no longer need their anchor names. */
    if (rc == PG_OK) {
        pn_node *n;
        for (n = out->all; n; n = n->next_alloc)
            if (n->kind != PN_SCALAR && n->text) {
                pg_free(n->text);
                n->text = NULL;
            }
    }
    if (rc != PG_OK)
        pg_policy__yaml_free(out);
    return rc;
}

void pg_policy__yaml_free(pn_doc *d)
{
    pn_node *n, *next;

    if (!d)
        return;
    for (n = d->all; n; n = next) {
        next = n->next_alloc;
        pg_free(n->text);
        pg_free(n->kids);
        pg_free(n);
    }
    d->all = NULL;
    d->root = NULL;
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

json_t *pg_policy__node_json(const pn_node *n)
{
    json_t *out = NULL;
    size_t i;

    switch (n->kind) {
    case PN_SCALAR:
        switch (n->stype) {
        case PS_NULL: return json_null();
        case PS_BOOL: return json_boolean(n->boolean);
        case PS_INT: return n->int_fits ? json_integer(n->integer) : json_real(n->real);
        case PS_FLOAT: return json_real(n->real);
        case PS_STR: return json_stringn(n->text, n->len);
        }
        return NULL;
    case PN_SEQ:
        out = json_array();
        for (i = 0; out && i < n->n; i++) {
            json_t *v = pg_policy__node_json(n->kids[i]);
            if (!v || json_array_append_new(out, v) != 0) {
                json_decref(out);
                return NULL;
            }
        }
        return out;
    case PN_MAP:
        out = json_object();
        for (i = 0; out && i + 1 < n->n; i += 2) {
            json_t *v = pg_policy__node_json(n->kids[i + 1]);
            if (!v || json_object_set_new(out, n->kids[i]->text, v) != 0) {
                json_decref(out);
                return NULL;
            }
        }
        return out;
    }
    return NULL;
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
