/* pack.c — the default policy pack compiled into the binary (policies/,
 * embedded by tools/embed.c): its files by index, loading them, and — for
 * `plangate test` only — resolving their examples' plans against the
 * source tree's policies/ folder.
 *
 * A load reads each file's pre-compiled YAML node tree (issue 17): the tree
 * yaml_adapter.c built from the file at build time, written as constant
 * tables, made pn_nodes again here without libyaml, then loaded by
 * document.c like any parsed file — same nodes, same line:col, so the same
 * policy and the same errors (tests/unit/test_policy_pack_tree.c compares
 * both ways). The text stays embedded too: pg_policy_is_pack_dir compares a
 * folder against it, and a file the build could not parse is parsed from it.
 *
 * A check run never touches the file system for the pack: which folder is
 * the source tree is the caller's question (the CLI's `test` command looks
 * beside its executable), and the library only confirms a folder holds the
 * pack byte for byte before trusting its relative paths (issue 12).
 */
#include "policy/policy_internal.h"

#include <stdio.h>
#include <string.h>

#include "plangate/alloc.h"
#include "policy/default_pack.h"

size_t pg_policy_default_count(void)
{
    size_t n = 0;

    while (pg_default_pack[n].name)
        n++;
    return n;
}

const char *pg_policy_default_file(size_t i)
{
    return i < pg_policy_default_count() ? pg_default_pack[i].name : NULL;
}

/* ---- the pre-compiled trees (issue 17) ------------------------------------ */

/* A pn_node tree from the constant tables tools/embed.c wrote: the nodes,
 * the kid pointers and the scalars' text are one allocation each (the text
 * is copied: pn_node's text is not const, and 16 KB cost less than a
 * cast-away const). No libyaml: a run's pack costs a few thousand stores. */
int pg_policy__pack_tree(size_t i, pn_doc *out, pg_error *err)
{
    if (i >= pg_policy_default_count()) {
        memset(out, 0, sizeof *out);
        return pg_error_set(err, PG_EINTERNAL, "no file %zu in the default pack", i);
    }
    return pg_policy__tree_of(&pg_default_pack[i], out, err);
}

int pg_policy__tree_of(const struct pg_default_policy *d, pn_doc *out, pg_error *err)
{
    const pg_pack_tree *t = &d->tree;
    size_t k;

    memset(out, 0, sizeof *out);
    if (!t->compiled)
        return pg_error_set(err, PG_EINTERNAL, "%s has no pre-compiled tree", d->name);
    if (t->n_nodes == 0)
        return PG_OK; /* an empty document: no root */
    out->block_nodes = pg_calloc(t->n_nodes, sizeof *out->block_nodes);
    out->block_kids = pg_calloc(t->n_kids ? t->n_kids : 1, sizeof *out->block_kids);
    out->block_text = pg_malloc(t->n_strings ? t->n_strings : 1);
    if (!out->block_nodes || !out->block_kids || !out->block_text) {
        pg_policy__yaml_free(out);
        return pg_error_oom(err);
    }
    memcpy(out->block_text, t->strings, t->n_strings);
    for (k = 0; k < t->n_kids; k++) {
        if (t->kids[k] >= t->n_nodes) {
            pg_policy__yaml_free(out);
            return pg_error_set(err, PG_EINTERNAL, "the pre-compiled tree of %s is corrupt", d->name);
        }
        out->block_kids[k] = out->block_nodes + t->kids[k];
    }
    for (k = 0; k < t->n_nodes; k++) {
        const pg_pack_node *s = &t->nodes[k];
        pn_node *n = &out->block_nodes[k];

        if ((s->kind == PN_SCALAR && ((size_t)s->text + s->len >= t->n_strings)) ||
            (size_t)s->kids + s->n > t->n_kids) {
            pg_policy__yaml_free(out);
            return pg_error_set(err, PG_EINTERNAL, "the pre-compiled tree of %s is corrupt", d->name);
        }
        n->kind = (pn_kind)s->kind;
        n->stype = (pn_stype)s->stype;
        n->line = s->line;
        n->col = s->col;
        n->text = s->kind == PN_SCALAR ? out->block_text + s->text : NULL;
        n->len = s->len;
        n->boolean = s->boolean;
        n->integer = s->integer;
        n->real = s->real;
        n->int_fits = s->int_fits;
        n->kids = s->n ? out->block_kids + s->kids : NULL;
        n->n = n->cap = s->n;
        n->weight = s->weight;
    }
    out->root = out->block_nodes;
    return PG_OK;
}

static void pack_ctx(pl_ctx *x, char *source, size_t size, size_t i, const char *examples_dir,
                     int only_environments)
{
    snprintf(source, size, PG_POLICY_BUILTIN_PREFIX "%s", pg_default_pack[i].name);
    memset(x, 0, sizeof *x);
    x->n.source = source;
    x->base_dir = examples_dir;
    x->resolve = examples_dir != NULL;
    x->only_environments = only_environments;
}

static int load_one(pg_policy *p, size_t i, const char *examples_dir, int only_environments, pg_error *err)
{
    const pg_default_policy *d = &pg_default_pack[i];
    char source[PG_ERROR_SOURCE_MAX];
    pn_doc doc;
    pl_ctx x;
    int rc;

    pack_ctx(&x, source, sizeof source, i, examples_dir, only_environments);
    if (!d->tree.compiled) /* the build could not parse it: the run says why */
        return pg_policy__load_text(p, &x, d->text, d->len, err);
    if ((rc = pg_policy__pack_tree(i, &doc, err)) != PG_OK)
        return rc;
    return pg_policy__load_tree(p, &x, &doc, err);
}

int pg_policy__load_default_text(pg_policy *p, size_t i, pg_error *err)
{
    char source[PG_ERROR_SOURCE_MAX];
    pl_ctx x;

    if (i >= pg_policy_default_count())
        return pg_error_set(err, PG_EINTERNAL, "no file %zu in the default pack", i);
    pack_ctx(&x, source, sizeof source, i, NULL, 0);
    return pg_policy__load_text(p, &x, pg_default_pack[i].text, pg_default_pack[i].len, err);
}

int pg_policy_load_default(pg_policy *p, size_t i, pg_error *err)
{
    if (i >= pg_policy_default_count())
        return pg_error_set(err, PG_EINTERNAL, "no file %zu in the default pack", i);
    return load_one(p, i, NULL, 0, err);
}

int pg_policy_load_default_environments(pg_policy *p, pg_error *err)
{
    size_t i, n = pg_policy_default_count();
    int rc = PG_OK;

    for (i = 0; i < n && rc == PG_OK; i++)
        rc = load_one(p, i, NULL, 1, err);
    return rc;
}

static int same_content(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "rb");
    char buf[4096];
    size_t off = 0, n;
    int same = 1;

    if (!f)
        return 0;
    while (same && (n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (off + n > len || memcmp(buf, text + off, n) != 0)
            same = 0;
        off += n;
    }
    fclose(f);
    return same && off == len;
}

int pg_policy_is_pack_dir(const char *dir)
{
    const pg_default_policy *d;
    char path[4096];

    if (!dir || !pg_default_pack[0].name)
        return 0;
    for (d = pg_default_pack; d->name; d++) {
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, d->name) >= sizeof path)
            return 0;
        if (!same_content(path, d->text, d->len))
            return 0;
    }
    return 1;
}

static int load_all(pg_policy *p, const char *examples_dir, pg_error *err)
{
    size_t i, n = pg_policy_default_count();
    int rc = PG_OK;

    for (i = 0; i < n && rc == PG_OK; i++)
        rc = load_one(p, i, examples_dir, 0, err);
    return rc;
}

int pg_policy_load_defaults(pg_policy *p, pg_error *err)
{
    return load_all(p, NULL, err);
}

int pg_policy_load_defaults_with_examples(pg_policy *p, const char *pack_dir, pg_error *err)
{
    return load_all(p, pg_policy_is_pack_dir(pack_dir) ? pack_dir : NULL, err);
}
