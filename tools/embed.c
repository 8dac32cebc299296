/* embed: turn the policy files into C (build/gen/default_policies.c).
 *
 * The default pack is compiled into the binary so `plangate check` works
 * anywhere with no files beside it. Each file goes in twice (issue 17):
 *
 *   - its text, byte for byte: `plangate test`/`pg_policy_is_pack_dir`
 *     compare a folder against it, and it is what a run would parse;
 *   - its YAML node tree, pre-compiled: the very tree the library's own
 *     yaml_adapter.c builds from that text (this tool is linked against the
 *     library's objects and calls pg_policy__yaml_parse), written as const
 *     arrays — nodes with their kind, scalar type and value, text, line:col
 *     and weight, children as index ranges into one index table (a node
 *     shared through an alias is one index used twice). pack.c turns these
 *     arrays back into a pn_node tree in three allocations, so a run loads the
 *     pack without libyaml.
 *
 * The tree is written at the level of the YAML nodes, never of the policy
 * model: what the policy sections mean is still decided at run time by
 * document.c and friends, from the same tree, with the same positions in
 * their errors.
 *
 * A file whose text the adapter rejects (or whose tree does not fit the
 * tables' 32-bit fields) gets no tree: the loader then parses its text as
 * before and reports the very same error. The tool says so on stderr.
 *
 * usage: embed [-q] [-s SYMBOL] FILE...
 *   C on stdout; the pack names are the files' last path component. -s names
 *   the table (default pg_default_pack; the tests build a fixture pack);
 *   -q keeps quiet about files without a tree. */
#include "policy/policy_internal.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plangate/alloc.h"

static unsigned char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL, *grown;
    size_t cap = 0, n = 0, got;

    if (!f)
        return NULL;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = (n + 4096 + 1) * 2;
            if (!(grown = realloc(buf, cap))) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = grown;
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* unsigned char: UTF-8 bytes above 127 fit whatever the sign of char */
static void print_bytes(const char *name, int i, const unsigned char *p, size_t n)
{
    size_t k;

    printf("static const unsigned char %s_%d[] = {\n", name, i);
    for (k = 0; k < n; k++) {
        printf("%d,", p[k]);
        if ((k + 1) % 24 == 0)
            printf("\n");
    }
    printf("0};\n");
}

/* ---- numbering the tree ------------------------------------------------- */

typedef struct slot {
    const pn_node *node;
    long index; /* -1 until the walk reaches it */
} slot;

typedef struct tree {
    slot *slots;           /* every node, sorted by address */
    size_t n;
    const pn_node **order; /* by index: pre-order from the root */
    size_t n_order;
} tree;

static int cmp_slot(const void *a, const void *b)
{
    const pn_node *x = ((const slot *)a)->node, *y = ((const slot *)b)->node;

    return x < y ? -1 : x > y;
}

static slot *find(const tree *t, const pn_node *n)
{
    slot key;

    key.node = n;
    key.index = 0;
    return bsearch(&key, t->slots, t->n, sizeof *t->slots, cmp_slot);
}

/* Pre-order: a parent before its children, a shared node numbered where it
 * is first reached (depth is bounded by PG_POLICY_MAX_DEPTH). */
static void number(tree *t, const pn_node *n)
{
    slot *s = find(t, n);
    size_t i;

    if (!s || s->index >= 0)
        return;
    s->index = (long)t->n_order;
    t->order[t->n_order++] = n;
    for (i = 0; i < n->n; i++)
        number(t, n->kids[i]);
}

static long index_of(const tree *t, const pn_node *n)
{
    const slot *s = find(t, n);

    return s ? s->index : -1;
}

/* A double as a C constant expression that reads back bit for bit. */
static void print_real(double r)
{
    if (isnan(r))
        printf("(double)NAN");
    else if (isinf(r))
        printf("%sHUGE_VAL", r < 0 ? "-" : "");
    else
        printf("%a", r);
}

static void print_integer(json_int_t v)
{
    if (v == (json_int_t)INT64_MIN)
        printf("(-%" PRId64 " - 1)", INT64_MAX);
    else
        printf("%" PRId64, (int64_t)v);
}

/* Returns 0 when the tree was written (its sizes in *count: nodes, kid
 * entries, string bytes), -1 when it does not fit (no table). */
static int print_tree(int file, const pn_doc *doc, size_t count[3])
{
    tree t;
    const pn_node *n;
    size_t i, k, strings = 0, kids = 0;
    int ok = 1;

    memset(&t, 0, sizeof t);
    for (n = doc->all; n; n = n->next_alloc)
        t.n++;
    t.slots = calloc(t.n ? t.n : 1, sizeof *t.slots);
    t.order = calloc(t.n ? t.n : 1, sizeof *t.order);
    if (!t.slots || !t.order) {
        free(t.slots);
        free(t.order);
        return -1;
    }
    for (i = 0, n = doc->all; n; n = n->next_alloc, i++) {
        t.slots[i].node = n;
        t.slots[i].index = -1;
    }
    qsort(t.slots, t.n, sizeof *t.slots, cmp_slot);
    if (doc->root)
        number(&t, doc->root);
    /* The tables hold 32-bit offsets and counts. */
    for (i = 0; i < t.n_order; i++) {
        n = t.order[i];
        strings += n->kind == PN_SCALAR ? n->len + 1 : 0;
        kids += n->n;
        if (n->line < 0 || n->col < 0 || n->len > UINT32_MAX || n->weight > UINT32_MAX)
            ok = 0;
    }
    if (!ok || strings > UINT32_MAX || kids > UINT32_MAX || t.n_order > UINT32_MAX) {
        free(t.slots);
        free(t.order);
        return -1;
    }

    /* The scalars' text, each NUL-terminated, in node order. */
    printf("static const unsigned char strings_%d[] = {\n", file);
    for (i = 0, k = 0; i < t.n_order; i++) {
        size_t j;
        n = t.order[i];
        if (n->kind != PN_SCALAR)
            continue;
        for (j = 0; j <= n->len; j++, k++) {
            printf("%d,", j < n->len ? (int)(unsigned char)n->text[j] : 0);
            if ((k + 1) % 24 == 0)
                printf("\n");
        }
    }
    printf("0};\n");

    printf("static const uint32_t kids_%d[] = {\n", file);
    for (i = 0, k = 0; i < t.n_order; i++) {
        size_t j;
        n = t.order[i];
        for (j = 0; j < n->n; j++, k++) {
            printf("%ld,", index_of(&t, n->kids[j]));
            if ((k + 1) % 16 == 0)
                printf("\n");
        }
    }
    printf("0};\n");

    count[0] = t.n_order;
    count[1] = kids;
    count[2] = strings;
    if (t.n_order == 0) { /* an empty document: no root, no node table */
        free(t.slots);
        free(t.order);
        return 0;
    }
    printf("static const pg_pack_node nodes_%d[] = {\n", file);
    for (i = 0, k = 0, strings = 0, kids = 0; i < t.n_order; i++) {
        n = t.order[i];
        printf("    {.kind = %d, .stype = %d, .boolean = %d, .int_fits = %d, .line = %d, .col = %d, "
               ".text = %zu, .len = %zu, .kids = %zu, .n = %zu, .weight = %zu, .integer = ",
               (int)n->kind, (int)n->stype, n->boolean ? 1 : 0, n->int_fits ? 1 : 0, n->line, n->col,
               n->kind == PN_SCALAR ? strings : (size_t)0, n->len, kids, n->n, n->weight);
        print_integer(n->integer);
        printf(", .real = ");
        print_real(n->real);
        printf("}, /* %zu */\n", i);
        strings += n->kind == PN_SCALAR ? n->len + 1 : 0;
        kids += n->n;
    }
    printf("};\n");
    free(t.slots);
    free(t.order);
    return 0;
}

int main(int argc, char **argv)
{
    int i, first = 1, quiet = 0, *has_tree;
    size_t *n_nodes, *n_kids, *n_strings, count[3];
    const char *symbol = "pg_default_pack";

    for (; first < argc && argv[first][0] == '-'; first++) {
        if (strcmp(argv[first], "-q") == 0)
            quiet = 1;
        else if (strcmp(argv[first], "-s") == 0 && first + 1 < argc)
            symbol = argv[++first];
        else
            break;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: embed [-q] [-s SYMBOL] FILE...\n");
        return 2;
    }
    has_tree = calloc((size_t)argc, sizeof *has_tree);
    n_nodes = calloc((size_t)argc, sizeof *n_nodes);
    n_kids = calloc((size_t)argc, sizeof *n_kids);
    n_strings = calloc((size_t)argc, sizeof *n_strings);
    if (!has_tree || !n_nodes || !n_kids || !n_strings) {
        fprintf(stderr, "embed: out of memory\n");
        return 1;
    }
    printf("/* generated by tools/embed.c from policies/ — do not edit */\n");
    printf("#include <math.h>\n#include <stddef.h>\n#include <stdint.h>\n");
    printf("#include \"policy/default_pack.h\"\n\n");
    for (i = first; i < argc; i++) {
        const char *base = strrchr(argv[i], '/');
        char source[PG_ERROR_SOURCE_MAX];
        unsigned char *text;
        size_t len = 0;
        pg_error err;
        pn_doc doc;

        if (!(text = read_all(argv[i], &len))) {
            perror(argv[i]);
            return 1;
        }
        print_bytes("pack", i, text, len);
        /* The name pack.c gives the file: the tree does not depend on it,
         * but a build-time error below then reads like the run's. */
        snprintf(source, sizeof source, PG_POLICY_BUILTIN_PREFIX "%s", base ? base + 1 : argv[i]);
        pg_error_clear(&err);
        if (pg_policy__yaml_parse(&doc, source, (const char *)text, len, &err) != PG_OK) {
            if (!quiet)
                fprintf(stderr,
                        "embed: %s:%d:%d: %s (no pre-compiled tree: a run parses the text and fails the same way)\n",
                        err.source, err.line, err.column, err.message);
        } else {
            if (print_tree(i, &doc, count) == 0) {
                has_tree[i] = 1;
                n_nodes[i] = count[0];
                n_kids[i] = count[1];
                n_strings[i] = count[2];
            } else {
                fprintf(stderr, "embed: %s: the tree does not fit the tables (a run parses the text)\n", argv[i]);
            }
            pg_policy__yaml_free(&doc);
        }
        free(text);
        printf("\n");
    }
    printf("const pg_default_policy %s[] = {\n", symbol);
    for (i = first; i < argc; i++) {
        const char *base = strrchr(argv[i], '/');
        printf("    {\"%s\", (const char *)pack_%d, sizeof pack_%d - 1, ", base ? base + 1 : argv[i], i, i);
        if (!has_tree[i])
            printf("{0, NULL, 0, NULL, 0, NULL, 0}},\n");
        else if (n_nodes[i] == 0)
            printf("{1, NULL, 0, kids_%d, 0, (const char *)strings_%d, 0}},\n", i, i);
        else
            printf("{1, nodes_%d, %zu, kids_%d, %zu, (const char *)strings_%d, %zu}},\n", i, n_nodes[i], i, n_kids[i], i,
                   n_strings[i]);
    }
    printf("    {NULL, NULL, 0, {0, NULL, 0, NULL, 0, NULL, 0}}\n};\n");
    free(has_tree);
    free(n_nodes);
    free(n_kids);
    free(n_strings);
    return 0;
}
