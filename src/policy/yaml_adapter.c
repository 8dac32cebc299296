/* yaml_adapter.c — libyaml events become a small node tree, and libyaml's
 * conventions (1/0 returns, 0-based marks, its own error fields) become
 * pg_error here and nowhere else (STYLE §10).
 *
 * libyaml 0.2.5 has no nesting limit and expands nothing itself, but a
 * naive tree builder that copies aliased nodes is a billion-laughs victim.
 * Here an alias shares the anchored node (the tree is a DAG), and three caps
 * keep every later walk bounded: PG_POLICY_MAX_YAML_DEPTH open collections,
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
#include "util/grow.h"

/* An error at a libyaml mark: made a position like any node's (node.c adds
 * positions in one place). */
static int fail_mark(const pn_ctx *x, yaml_mark_t mark, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int fail_mark(const pn_ctx *x, yaml_mark_t mark, const char *fmt, ...)
{
    va_list ap;
    char msg[PG_ERROR_MESSAGE_MAX];
    pn_node at;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    memset(&at, 0, sizeof at);
    at.line = (int)mark.line + 1;
    at.col = (int)mark.column + 1;
    return pg_policy__fail(x, &at, "%s", msg);
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
    if (!digits || !(p = pg_policy__skip_exponent(p)))
        return 0;
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

/* ---- the builder ---------------------------------------------------------- */

typedef struct anchor {
    char *name;
    pn_node *node;
} anchor;

typedef struct builder {
    pn_ctx x;                /* source name and error record */
    pn_doc *doc;
    pn_node *stack[PG_POLICY_MAX_YAML_DEPTH];
    size_t depth;
    anchor *anchors;
    size_t n_anchors, cap_anchors;
    unsigned aliases;
    size_t expanded;
    int documents;
} builder;

/* An explicit tag on a scalar. */
static int resolve_tagged(builder *b, pn_node *n, const char *tag)
{
    char q[PG_POLICY_QUOTE];
    const char *t;

    if (strcmp(tag, "!") == 0 || strcmp(tag, TAG_PREFIX "str") == 0) {
        n->stype = PS_STR;
        return PG_OK;
    }
    if (strncmp(tag, TAG_PREFIX, strlen(TAG_PREFIX)) != 0)
        return pg_policy__fail(&b->x, n, "unsupported YAML tag %s", pg_policy__quote(q, sizeof q, tag));
    t = tag + strlen(TAG_PREFIX);
    resolve_plain(n);
    if ((strcmp(t, "null") == 0 && n->stype == PS_NULL) ||
        (strcmp(t, "bool") == 0 && n->stype == PS_BOOL) ||
        (strcmp(t, "int") == 0 && n->stype == PS_INT))
        return PG_OK;
    if (strcmp(t, "float") == 0 && (n->stype == PS_FLOAT || n->stype == PS_INT)) {
        if (n->stype == PS_INT)
            n->real = n->int_fits ? (double)n->integer : n->real;
        n->stype = PS_FLOAT;
        return PG_OK;
    }
    if (strcmp(t, "null") == 0 || strcmp(t, "bool") == 0 || strcmp(t, "int") == 0 || strcmp(t, "float") == 0)
        return pg_policy__fail(&b->x, n, "%s is not a valid !!%s", pg_policy__quote(q, sizeof q, n->text), t);
    return pg_policy__fail(&b->x, n, "unsupported YAML tag %s", pg_policy__quote(q, sizeof q, tag));
}

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

static int kid_add(builder *b, pn_node *parent, pn_node *kid)
{
    int rc;

    if ((rc = PG_GROW(parent->kids, parent->cap, parent->n + 1, b->x.err)) != PG_OK)
        return rc;
    parent->kids[parent->n++] = kid;
    parent->weight += kid->weight;
    return PG_OK;
}

static int anchor_set(builder *b, const char *name, pn_node *node)
{
    size_t i;
    char *copy;
    int rc;

    /* YAML lets a later anchor reuse a name: later aliases see the new node. */
    for (i = 0; i < b->n_anchors; i++)
        if (strcmp(b->anchors[i].name, name) == 0) {
            b->anchors[i].node = node;
            return PG_OK;
        }
    if ((rc = PG_GROW(b->anchors, b->cap_anchors, b->n_anchors + 1, b->x.err)) != PG_OK)
        return rc;
    if (!(copy = pg_strdup(name)))
        return pg_error_oom(b->x.err);
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
static int check_duplicate_keys(builder *b, const pn_node *map)
{
    size_t pairs = map->n / 2, i;
    const pn_node **keys;
    char q[PG_POLICY_QUOTE];
    int rc = PG_OK;

    if (pairs < 2)
        return PG_OK;
    if (!(keys = pg_calloc(pairs, sizeof *keys)))
        return pg_error_oom(b->x.err);
    for (i = 0; i < pairs; i++)
        keys[i] = map->kids[2 * i];
    qsort(keys, pairs, sizeof *keys, cmp_keys);
    for (i = 1; i < pairs; i++)
        if (strcmp(keys[i - 1]->text, keys[i]->text) == 0) {
            rc = pg_policy__fail(&b->x, keys[i], "duplicate key %s (first at line %d)",
                                 pg_policy__quote(q, sizeof q, keys[i]->text), keys[i - 1]->line);
            break;
        }
    pg_free(keys);
    return rc;
}

/* Attach a finished node to the open collection (or make it the root). */
static int attach(builder *b, pn_node *n)
{
    pn_node *parent;

    if (b->depth == 0) {
        b->doc->root = n;
        return PG_OK;
    }
    parent = b->stack[b->depth - 1];
    if (parent->kind == PN_MAP && parent->n % 2 == 0 && n->kind != PN_SCALAR)
        return pg_policy__fail(&b->x, n, "a mapping key must be a scalar, not %s", pg_policy__node_kind_name(n));
    return kid_add(b, parent, n);
}

static int on_scalar(builder *b, const yaml_event_t *ev)
{
    pn_node *n = node_new(b, PN_SCALAR, ev->start_mark);
    const char *value = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    const char *tag = (const char *)ev->data.scalar.tag;
    int rc;

    if (!n)
        return pg_error_oom(b->x.err);
    if (memchr(value, '\0', len))
        return pg_policy__fail(&b->x, n, "a NUL character in a scalar is not supported");
    if (!(n->text = pg_strndup(value, len)))
        return pg_error_oom(b->x.err);
    n->len = len;
    if (tag) {
        if ((rc = resolve_tagged(b, n, tag)) != PG_OK)
            return rc;
    } else if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
        resolve_plain(n);
    } else {
        n->stype = PS_STR;
    }
    if ((rc = attach(b, n)) != PG_OK)
        return rc;
    if (ev->data.scalar.anchor)
        return anchor_set(b, (const char *)ev->data.scalar.anchor, n);
    return PG_OK;
}

static int on_start(builder *b, const yaml_event_t *ev, pn_kind kind)
{
    const char *tag = (const char *)(kind == PN_MAP ? ev->data.mapping_start.tag : ev->data.sequence_start.tag);
    const char *anchor_name =
        (const char *)(kind == PN_MAP ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor);
    char q[PG_POLICY_QUOTE];
    pn_node *n;

    if (b->depth >= PG_POLICY_MAX_YAML_DEPTH)
        return fail_mark(&b->x, ev->start_mark, "nesting deeper than %u levels (limit PG_POLICY_MAX_YAML_DEPTH)",
                         PG_POLICY_MAX_YAML_DEPTH);
    if (tag && strcmp(tag, kind == PN_MAP ? TAG_PREFIX "map" : TAG_PREFIX "seq") != 0 && strcmp(tag, "!") != 0)
        return fail_mark(&b->x, ev->start_mark, "unsupported YAML tag %s", pg_policy__quote(q, sizeof q, tag));
    if (!(n = node_new(b, kind, ev->start_mark)))
        return pg_error_oom(b->x.err);
    b->stack[b->depth++] = n;
    /* Anchors are registered at the end: a collection's `text` holds its
     * anchor name until then. */
    if (anchor_name && !(n->text = pg_strdup(anchor_name)))
        return pg_error_oom(b->x.err);
    return PG_OK;
}

static int on_end(builder *b)
{
    pn_node *n = b->stack[--b->depth];
    int rc;

    if (n->kind == PN_MAP && (rc = check_duplicate_keys(b, n)) != PG_OK)
        return rc;
    if ((rc = attach(b, n)) != PG_OK)
        return rc;
    if (n->text)
        return anchor_set(b, n->text, n);
    return PG_OK;
}

static int on_alias(builder *b, const yaml_event_t *ev)
{
    const char *name = (const char *)ev->data.alias.anchor;
    pn_node *target = NULL;
    char q[PG_POLICY_QUOTE];
    size_t i;

    if (++b->aliases > PG_POLICY_MAX_ALIASES)
        return fail_mark(&b->x, ev->start_mark, "more than %u alias uses (limit PG_POLICY_MAX_ALIASES)",
                         PG_POLICY_MAX_ALIASES);
    for (i = 0; i < b->n_anchors; i++)
        if (strcmp(b->anchors[i].name, name) == 0)
            target = b->anchors[i].node;
    /* Anchors are registered when their node is complete, so an alias to an
     * enclosing collection (a cycle) is "unknown" here too. */
    if (!target)
        return fail_mark(&b->x, ev->start_mark, "unknown alias *%s", pg_policy__quote(q, sizeof q, name));
    b->expanded += target->weight;
    if (b->expanded > PG_POLICY_MAX_ALIAS_EXPANSION)
        return fail_mark(&b->x, ev->start_mark,
                         "aliases expand to more than %u nodes (limit PG_POLICY_MAX_ALIAS_EXPANSION)",
                         PG_POLICY_MAX_ALIAS_EXPANSION);
    if (b->depth > 0 && b->stack[b->depth - 1]->kind == PN_MAP && b->stack[b->depth - 1]->n % 2 == 0 &&
        target->kind != PN_SCALAR)
        return fail_mark(&b->x, ev->start_mark, "a mapping key must be a scalar, not %s",
                         pg_policy__node_kind_name(target));
    if (b->depth == 0) {
        b->doc->root = target;
        return PG_OK;
    }
    return kid_add(b, b->stack[b->depth - 1], target);
}

/* libyaml's own error, with its 0-based mark made 1-based. Its problem and
 * context are libyaml's fixed words; the input itself is never quoted. */
static int parser_error(builder *b, const yaml_parser_t *parser, const char *text, size_t len)
{
    yaml_mark_t mark = parser->problem_mark;
    const char *problem = parser->problem ? parser->problem : "invalid YAML";

    if (parser->error == YAML_MEMORY_ERROR)
        return pg_error_oom(b->x.err);
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
        return fail_mark(&b->x, mark, "YAML: %s", problem);
    }
    if (mark.index < len && text[mark.index] == '\t')
        return fail_mark(&b->x, mark, "YAML: %s (a tab: YAML indents with spaces)", problem);
    if (parser->context && (parser->context_mark.line != mark.line || parser->context_mark.column != mark.column))
        return fail_mark(&b->x, mark, "YAML: %s (%s at line %d, column %d)", problem, parser->context,
                         (int)parser->context_mark.line + 1, (int)parser->context_mark.column + 1);
    return fail_mark(&b->x, mark, "YAML: %s", problem);
}

static int on_event(builder *b, const yaml_event_t *ev, int *done)
{
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (++b->documents > 1)
            return fail_mark(&b->x, ev->start_mark, "a policy file holds one YAML document (found a second '---')");
        return PG_OK;
    case YAML_SCALAR_EVENT:
        return on_scalar(b, ev);
    case YAML_SEQUENCE_START_EVENT:
        return on_start(b, ev, PN_SEQ);
    case YAML_MAPPING_START_EVENT:
        return on_start(b, ev, PN_MAP);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        return on_end(b);
    case YAML_ALIAS_EVENT:
        return on_alias(b, ev);
    case YAML_STREAM_END_EVENT:
        *done = 1;
        return PG_OK;
    default:
        return PG_OK;
    }
}

int pg_policy__yaml_parse(pn_doc *out, const char *name, const char *text, size_t len, pg_error *err)
{
    yaml_parser_t parser;
    yaml_event_t ev;
    builder b;
    pn_node *n;
    int rc = PG_OK, done = 0;
    size_t i;

    memset(out, 0, sizeof *out);
    memset(&b, 0, sizeof b);
    b.x.source = name;
    b.x.err = err;
    b.doc = out;
    if (len > PG_POLICY_MAX_FILE_BYTES)
        return pg_policy__fail(&b.x, NULL, "the file is larger than %zu bytes (limit PG_POLICY_MAX_FILE_BYTES)",
                               PG_POLICY_MAX_FILE_BYTES);
    if (!yaml_parser_initialize(&parser))
        return pg_error_oom(err);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    while (!done && rc == PG_OK) {
        if (!yaml_parser_parse(&parser, &ev)) {
            rc = parser_error(&b, &parser, text, len);
            break;
        }
        rc = on_event(&b, &ev, &done);
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    for (i = 0; i < b.n_anchors; i++)
        pg_free(b.anchors[i].name);
    pg_free(b.anchors);
    if (rc != PG_OK) {
        pg_policy__yaml_free(out);
        return rc;
    }
    /* Collections no longer need their anchor names. */
    for (n = out->all; n; n = n->next_alloc)
        if (n->kind != PN_SCALAR && n->text) {
            pg_free(n->text);
            n->text = NULL;
        }
    return PG_OK;
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
    /* a tree from the pre-compiled pack (pack.c): three blocks */
    pg_free(d->block_nodes);
    pg_free(d->block_kids);
    pg_free(d->block_text);
    memset(d, 0, sizeof *d);
}
