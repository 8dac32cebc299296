/* The default policy pack, embedded at build time by tools/embed.c: each
 * file's text and its pre-compiled YAML node tree (issue 17). */
#ifndef PG_POLICY_DEFAULT_PACK_H
#define PG_POLICY_DEFAULT_PACK_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* One pn_node of yaml_adapter.c's tree (policy_internal.h), as constant
 * data. Scalars: `text` is an offset into the file's strings (NUL-terminated
 * there, `len` bytes before the NUL); collections have no text. Children are
 * kids[kids .. kids + n), indices into the node table; a node shared through
 * an alias is one index used in several places. The fields mean what the
 * pn_node fields of the same name mean. */
typedef struct pg_pack_node {
    unsigned char kind;      /* pn_kind */
    unsigned char stype;     /* pn_stype */
    unsigned char boolean;
    unsigned char int_fits;
    int line, col;
    uint32_t text, len;
    uint32_t kids, n;
    uint32_t weight;
    json_int_t integer;
    double real;
} pg_pack_node;

/* A file's tree: node 0 is the root (no nodes: an empty document).
 * `compiled` is 0 when the build's adapter rejected the file: a load then
 * parses `text` and reports that error the way it would for any file. */
typedef struct pg_pack_tree {
    int compiled;
    const pg_pack_node *nodes;
    size_t n_nodes;
    const uint32_t *kids;
    size_t n_kids;
    const char *strings;
    size_t n_strings;
} pg_pack_tree;

typedef struct pg_default_policy {
    const char *name; /* file name under policies/ */
    const char *text; /* the file, byte for byte */
    size_t len;
    pg_pack_tree tree;
} pg_default_policy;

/* Terminated by an entry whose name is NULL. */
extern const pg_default_policy pg_default_pack[];

#endif
