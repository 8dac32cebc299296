/* test_policy_pack_tree.c — the pre-compiled default pack (issue 17).
 *
 * tools/embed.c writes each pack file's YAML node tree as static data and
 * pack.c turns it back into pn_nodes without libyaml. Here every pack file
 * (and the fixtures of testdata/policies/pack-tree/: aliases, every scalar
 * type, NaN and infinities, int64 bounds, an empty file, a file the adapter
 * rejects) is loaded both ways and the trees are compared node by node —
 * kind, scalar type and value, text bytes, line:col, weight, children, and
 * which nodes are shared through aliases — then the policies they load
 * into, and the errors (file:line:col) a load reports, are compared too.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plangate/plangate.h"
#include "policy/default_pack.h"
#include "policy/policy_internal.h"
#include "support.h"

/* Written by tools/embed.c from testdata/policies/pack-tree/ (Makefile). */
extern const pg_default_policy pg_test_tree_fixtures[];

/* The pairs of nodes already matched: a node shared through an alias in one
 * tree is shared, at the same places, in the other (a bijection). */
#define MAX_PAIRS 4096
typedef struct pairs {
    const pn_node *a[MAX_PAIRS], *b[MAX_PAIRS];
    size_t n;
} pairs;

static size_t count_all(const pn_doc *d)
{
    const pn_node *n;
    size_t k = 0;

    for (n = d->all; n; n = n->next_alloc)
        k++;
    return k;
}

static void same_node(const char *file, pairs *seen, const pn_node *a, const pn_node *b)
{
    size_t i;

    for (i = 0; i < seen->n; i++) {
        if (seen->a[i] == a || seen->b[i] == b) {
            cr_assert(seen->a[i] == a && seen->b[i] == b, "%s:%d:%d: a node shared differently", file, a->line,
                      a->col);
            return;
        }
    }
    cr_assert_lt(seen->n, MAX_PAIRS);
    seen->a[seen->n] = a;
    seen->b[seen->n] = b;
    seen->n++;
    cr_assert_eq(a->kind, b->kind, "%s:%d:%d: kind", file, a->line, a->col);
    cr_assert_eq(a->stype, b->stype, "%s:%d:%d: scalar type", file, a->line, a->col);
    cr_assert_eq(a->line, b->line, "%s:%d:%d: line %d", file, a->line, a->col, b->line);
    cr_assert_eq(a->col, b->col, "%s:%d:%d: column %d", file, a->line, a->col, b->col);
    cr_assert_eq(a->len, b->len, "%s:%d:%d: length", file, a->line, a->col);
    if (a->kind == PN_SCALAR) {
        cr_assert(a->text && b->text, "%s:%d:%d: a scalar without text", file, a->line, a->col);
        /* the bytes and the terminating NUL */
        cr_assert_eq(memcmp(a->text, b->text, a->len + 1), 0, "%s:%d:%d: text", file, a->line, a->col);
    } else {
        cr_assert(!a->text && !b->text, "%s:%d:%d: a collection with text", file, a->line, a->col);
    }
    cr_assert_eq(a->boolean, b->boolean, "%s:%d:%d: boolean", file, a->line, a->col);
    cr_assert_eq(a->int_fits, b->int_fits, "%s:%d:%d: int_fits", file, a->line, a->col);
    cr_assert(a->integer == b->integer, "%s:%d:%d: integer", file, a->line, a->col);
    if (isnan(a->real))
        cr_assert(isnan(b->real), "%s:%d:%d: NaN", file, a->line, a->col);
    else
        cr_assert_eq(memcmp(&a->real, &b->real, sizeof a->real), 0, "%s:%d:%d: real %a against %a", file, a->line,
                     a->col, a->real, b->real);
    cr_assert_eq(a->weight, b->weight, "%s:%d:%d: weight", file, a->line, a->col);
    cr_assert_eq(a->n, b->n, "%s:%d:%d: children", file, a->line, a->col);
    cr_assert_eq(a->kids == NULL, b->kids == NULL, "%s:%d:%d: children array", file, a->line, a->col);
    for (i = 0; i < a->n; i++)
        same_node(file, seen, a->kids[i], b->kids[i]);
}

/* The tree the adapter builds from the text against the pre-compiled one.
 * Returns the number of distinct nodes compared. */
static size_t compare_file(const pg_default_policy *d)
{
    static pairs seen;
    char source[PG_ERROR_SOURCE_MAX];
    pn_doc parsed, compiled;
    pg_error err;

    snprintf(source, sizeof source, PG_POLICY_BUILTIN_PREFIX "%s", d->name);
    pg_error_clear(&err);
    cr_assert_eq(pg_policy__yaml_parse(&parsed, source, d->text, d->len, &err), PG_OK, "%s:%d:%d: %s", err.source,
                 err.line, err.column, err.message);
    cr_assert(d->tree.compiled, "%s has no pre-compiled tree", d->name);
    cr_assert_eq(pg_policy__tree_of(d, &compiled, &err), PG_OK, "%s: %s", d->name, err.message);
    seen.n = 0;
    cr_assert_eq(parsed.root == NULL, compiled.root == NULL, "%s: root", d->name);
    if (parsed.root)
        same_node(d->name, &seen, parsed.root, compiled.root);
    /* every node the adapter made is in the tree, and in the table */
    cr_assert_eq(seen.n, count_all(&parsed), "%s: %zu nodes reached of %zu", d->name, seen.n, count_all(&parsed));
    cr_assert_eq(seen.n, d->tree.n_nodes, "%s: %zu nodes in the table", d->name, d->tree.n_nodes);
    pg_policy__yaml_free(&parsed);
    pg_policy__yaml_free(&compiled);
    return seen.n;
}

Test(pack_tree, every_default_pack_file_is_the_tree_the_adapter_builds)
{
    size_t i, n = pg_policy_default_count(), nodes = 0;
    pn_doc doc;
    pg_error err;

    cr_assert_gt(n, 0);
    for (i = 0; i < n; i++) {
        cr_assert(pg_default_pack[i].tree.compiled, "%s", pg_default_pack[i].name);
        nodes += compare_file(&pg_default_pack[i]);
    }
    cr_assert_gt(nodes, 100);
    cr_assert_eq(pg_policy__pack_tree(n, &doc, &err), PG_EINTERNAL);
}

Test(pack_tree, fixtures_with_aliases_and_every_scalar_type)
{
    const pg_default_policy *d;
    int values = 0, sequence = 0, empty = 0;

    for (d = pg_test_tree_fixtures; d->name; d++) {
        if (strcmp(d->name, "bad.yaml") == 0)
            continue;
        compare_file(d);
        values += strcmp(d->name, "values.yaml") == 0;
        sequence += strcmp(d->name, "sequence.yaml") == 0;
        empty += d->tree.n_nodes == 0;
    }
    cr_assert_eq(values, 1);
    cr_assert_eq(sequence, 1);
    cr_assert_eq(empty, 2, "empty.yaml and comment.yaml have no root");
}

/* Aliases in the fixture share nodes in the pre-compiled tree too (the
 * comparison above checks they are shared at the same places). */
Test(pack_tree, an_alias_is_one_node_used_twice)
{
    const pg_default_policy *d;
    const pn_node *anchors, *uses;
    pn_doc doc;
    pg_error err;

    for (d = pg_test_tree_fixtures; d->name && strcmp(d->name, "values.yaml") != 0; d++)
        ;
    cr_assert_not_null(d->name);
    cr_assert_eq(pg_policy__tree_of(d, &doc, &err), PG_OK, "%s", err.message);
    anchors = pg_policy__map_get(doc.root, "anchors");
    cr_assert_not_null(anchors);
    uses = pg_policy__map_get(anchors, "uses");
    cr_assert(uses && uses->n == 4);
    cr_assert_eq(uses->kids[1], uses->kids[3]);
    cr_assert_eq(uses->kids[1], pg_policy__map_get(anchors, "map"));
    cr_assert_eq(uses->kids[0], pg_policy__map_get(anchors, "scalar"));
    /* a later anchor of the same name: later aliases see the new node */
    cr_assert_eq(pg_policy__map_get(anchors, "after_reuse"), pg_policy__map_get(anchors, "reused"));
    pg_policy__yaml_free(&doc);
}

/* A file the adapter rejects gets no table: a load parses its text and says
 * what any load of that text says. */
Test(pack_tree, a_file_the_adapter_rejects_has_no_tree)
{
    const pg_default_policy *d;
    pn_doc doc;
    pg_error err;

    for (d = pg_test_tree_fixtures; d->name && strcmp(d->name, "bad.yaml") != 0; d++)
        ;
    cr_assert_not_null(d->name);
    cr_assert_eq(d->tree.compiled, 0);
    cr_assert_eq(pg_policy__tree_of(d, &doc, &err), PG_EINTERNAL);
    cr_assert_null(doc.root);
    cr_assert_eq(pg_policy__yaml_parse(&doc, "bad.yaml", d->text, d->len, &err), PG_EPOLICY);
    cr_assert_gt(err.line, 0);
}

static void same_text(const char *what, const char *a, const char *b)
{
    cr_assert_eq(a == NULL, b == NULL, "%s", what);
    if (a)
        cr_assert_str_eq(a, b, "%s", what);
}

static void same_policy(const pg_policy *a, const pg_policy *b)
{
    size_t i;
    char *ja, *jb;

    cr_assert_eq(pg_policy_rule_count(a), pg_policy_rule_count(b));
    for (i = 0; i < pg_policy_rule_count(a); i++) {
        const pg_rule_meta *x = pg_policy_rule(a, i), *y = pg_policy_rule(b, i);
        const pg_policy_position *px = pg_policy_rule_position(a, i), *py = pg_policy_rule_position(b, i);

        same_text("id", x->id, y->id);
        same_text("title", x->title, y->title);
        same_text("description", x->description, y->description);
        same_text("remediation", x->remediation, y->remediation);
        same_text("source", x->source, y->source);
        cr_assert_eq(x->severity, y->severity, "%s", x->id);
        cr_assert_eq(x->waivable, y->waivable, "%s", x->id);
        same_text("position", px->file, py->file);
        cr_assert(px->line == py->line && px->column == py->column, "%s", x->id);
    }
    cr_assert_eq(pg_policy_detector_setting_count(a), pg_policy_detector_setting_count(b));
    for (i = 0; i < pg_policy_detector_setting_count(a); i++) {
        const pg_policy_detector_setting *x = pg_policy_detector_setting_at(a, i),
                                         *y = pg_policy_detector_setting_at(b, i);
        same_text("detector", x->id, y->id);
        cr_assert(x->enabled == y->enabled && x->severity == y->severity, "%s", x->id);
        cr_assert(x->at.line == y->at.line && x->at.column == y->at.column, "%s", x->id);
        same_text("enabled_source", x->enabled_source, y->enabled_source);
        same_text("severity_source", x->severity_source, y->severity_source);
    }
    cr_assert_eq(pg_policy_lock_table_count(a), pg_policy_lock_table_count(b));
    for (i = 0; i < pg_policy_lock_table_count(a); i++)
        same_text("lock table", pg_policy_lock_table(a, i), pg_policy_lock_table(b, i));
    cr_assert_eq(pg_policy_environment_count(a), pg_policy_environment_count(b));
    for (i = 0; i < pg_policy_environment_count(a); i++) {
        int pa = 0, pb = 0;
        same_text("environment", pg_policy_environment_name(a, i, &pa), pg_policy_environment_name(b, i, &pb));
        cr_assert_eq(pa, pb);
    }
    cr_assert_eq(pg_policy_waiver_max_days(a), pg_policy_waiver_max_days(b));
    cr_assert_eq(pg_policy_example_count(a), pg_policy_example_count(b));
    for (i = 0; i < pg_policy_example_count(a); i++) {
        const pg_policy_example *x = pg_policy_example_at(a, i), *y = pg_policy_example_at(b, i);
        same_text("example rule", x->rule, y->rule);
        same_text("example source", x->source, y->source);
        ja = json_dumps(x->expect, JSON_SORT_KEYS | JSON_COMPACT);
        jb = json_dumps(y->expect, JSON_SORT_KEYS | JSON_COMPACT);
        cr_assert(ja && jb);
        cr_assert_str_eq(ja, jb);
        free(ja);
        free(jb);
    }
}

/* Each pack file, loaded from its tree and from its text, into a policy
 * that holds the files before it: the same policy. */
Test(pack_tree, the_pack_loads_the_same_policy_both_ways)
{
    pg_policy *tree = pg_test_policy_new(), *text = pg_test_policy_new();
    size_t i;
    pg_error err;

    pg_policy_set_check(tree, pg_detect_check_policy);
    pg_policy_set_check(text, pg_detect_check_policy);
    for (i = 0; i < pg_policy_default_count(); i++) {
        cr_assert_eq(pg_policy_load_default(tree, i, &err), PG_OK, "%s", err.message);
        cr_assert_eq(pg_policy__load_default_text(text, i, &err), PG_OK, "%s", err.message);
        same_policy(tree, text);
    }
    cr_assert_gt(pg_policy_rule_count(tree), 0);
    pg_policy_free(tree);
    pg_policy_free(text);
}

/* An error found while building the policy from the tree names the same
 * file:line:col, in the same words: each pack file loaded a second time
 * into a policy that already holds the pack (its rule ids, detectors and
 * environments are then duplicates). */
Test(pack_tree, errors_are_the_same_both_ways)
{
    size_t i, errors = 0;

    for (i = 0; i < pg_policy_default_count(); i++) {
        pg_policy *a = pg_test_policy_new(), *b = pg_test_policy_new();
        pg_error ea, eb;
        int ra, rb;

        cr_assert_eq(pg_policy_load_defaults(a, &ea), PG_OK, "%s", ea.message);
        cr_assert_eq(pg_policy_load_defaults(b, &eb), PG_OK, "%s", eb.message);
        pg_error_clear(&ea);
        pg_error_clear(&eb);
        ra = pg_policy_load_default(a, i, &ea);
        rb = pg_policy__load_default_text(b, i, &eb);
        cr_assert_eq(ra, rb, "%s", pg_policy_default_file(i));
        cr_assert_eq(ea.code, eb.code);
        cr_assert_str_eq(ea.message, eb.message);
        cr_assert_str_eq(ea.source, eb.source);
        cr_assert(ea.line == eb.line && ea.column == eb.column, "%s:%d:%d against %d:%d", ea.source, ea.line,
                  ea.column, eb.line, eb.column);
        errors += ra != PG_OK && ea.line > 0;
        pg_policy_free(a);
        pg_policy_free(b);
    }
    cr_assert_gt(errors, 0, "no pack file failed a second load: the comparison compared nothing");
}
