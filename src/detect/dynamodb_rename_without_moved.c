/* dynamodb_rename_without_moved.c — dynamodb-rename-without-moved (SPEC §3).
 *
 * A table deleted at one address while a table with the same `name` is
 * created at another: a rename or refactor without a `moved` block. The
 * state kept across changes is the (name, address) pairs of deleted and of
 * created tables only — bounded by the number of such tables, never whole
 * changes — and the pairs are matched in `end`.
 *
 * Decision: only a plain delete counts as the deleted side. The delete half
 * of a replace re-creates the table at the same address; a create elsewhere
 * with the same name is then a name clash (the apply fails), not a rename.
 * The created side is a plain create. Forget (`removed` with destroy =
 * false) destroys nothing, and a `moved` block turns the pair into one
 * no-op or update at the new address: neither is seen here.
 *
 * Region (AWS provider 6 writes `region` in every resource): a table
 * deleted in one region while one of the same name is created in another
 * is two tables, not a rename: no `moved` advice. The provider's own region
 * (provider configuration) is not in the plan, so a side without a region
 * counts as "the same region" (fail closed: the advice is kept). */
#include <stdlib.h>
#include <string.h>

#include "detect/detect_internal.h"
#include "plangate/alloc.h"
#include "util/grow.h"
#include "util/quote.h"

static pg_detect_begin_fn begin;
static pg_detect_change_fn on_change;
static pg_detect_end_fn end;
static pg_detect_free_fn free_state;
static pg_detect_wants_fn wants;

const pg_detector pg_detector_dynamodb_rename_without_moved = {
    "dynamodb-rename-without-moved",
    "DynamoDB table moved to a new address without a moved block",
    PG_SEV_CRITICAL,
    "A DynamoDB table (aws_ or awscc_dynamodb_table) deleted at one address while a table with the same "
    "name (and region, where the plan gives one) is created at another address in the same plan: a rename or refactor (into a module, to count/for_each) "
    "without a `moved` block. Reported at the deleted address.",
    "Terraform does not know the two addresses are the same table: it destroys the existing table with "
    "all its items and creates an empty one with the same name.",
    "Add a `moved { from = OLD_ADDRESS  to = NEW_ADDRESS }` block (Terraform 1.1+), or run "
    "`terraform state mv OLD_ADDRESS NEW_ADDRESS`, then plan again: the table must show no delete.",
    begin, on_change, end, free_state, wants,
};

typedef struct entry {
    char *name;
    char *region;         /* `region` on that side (AWS provider 6), or NULL */
    pg_det_origin origin; /* what the finding copies from the change */
    size_t seq;           /* plan order, so that the first create wins */
    int sensitive;        /* the name is marked sensitive: never print it */
} entry;

typedef struct side {
    entry *items;
    size_t n, cap;
} side;

typedef struct rename_state {
    side deleted, created;
} rename_state;

static int begin(void **state_out, const pg_detect_env *env, pg_error *err)
{
    (void)env;
    return pg_det__state_new(state_out, sizeof(rename_state), err);
}

static void side_free(side *s)
{
    size_t i;

    for (i = 0; i < s->n; i++) {
        pg_free(s->items[i].name);
        pg_free(s->items[i].region);
        pg_det__origin_dispose(&s->items[i].origin);
    }
    pg_free(s->items);
}

static void free_state(void *state)
{
    rename_state *st = state;

    if (!st)
        return;
    side_free(&st->deleted);
    side_free(&st->created);
    pg_free(st);
}

static int side_push(side *s, const char *name, int sensitive, pg_side from, const pg_change *c, pg_error *err)
{
    const char *region = pg_det__str(c, from, "region");
    entry *e;
    int rc;

    if ((rc = PG_GROW(s->items, s->cap, s->n + 1, err)) != PG_OK)
        return rc;
    e = &s->items[s->n];
    memset(e, 0, sizeof *e);
    e->seq = s->n;
    e->sensitive = sensitive;
    if (!(e->name = pg_strdup(name)) || (region && !(e->region = pg_strdup(region)))) {
        pg_free(e->name);
        return pg_error_oom(err);
    }
    if ((rc = pg_det__origin_keep(&e->origin, c, err)) != PG_OK) {
        pg_free(e->name);
        pg_free(e->region);
        return rc;
    }
    s->n++;
    return PG_OK;
}

static int on_change(void *state, const pg_detect_env *env, const pg_change *c, const pg_detect_protection *prot,
                     pg_findings *out, pg_error *err)
{
    rename_state *st = state;
    const char *name;
    int sensitive;

    (void)env;
    (void)prot;
    (void)out;
    if (!pg_det__is_planned_table(c) || c->deposed)
        return PG_OK;
    if (c->action == PG_ACTION_DELETE && (name = pg_det__table_name(c, PG_BEFORE, &sensitive)) != NULL)
        return side_push(&st->deleted, name, sensitive, PG_BEFORE, c, err);
    if (c->action == PG_ACTION_CREATE && (name = pg_det__table_name(c, PG_AFTER, &sensitive)) != NULL)
        return side_push(&st->created, name, sensitive, PG_AFTER, c, err);
    return PG_OK;
}

static int cmp_entry(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    int c = strcmp(x->name, y->name);

    if (c)
        return c;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int cmp_key(const void *key, const void *elem)
{
    return strcmp(key, ((const entry *)elem)->name);
}

static int report(const entry *del, const entry *cre, pg_findings *out, pg_error *err)
{
    const char *from = del->origin.address, *to = cre->origin.address;
    char name[PG_DET_TEXT];
    pg_finding *f = NULL;
    int rc;

    pg_det__name_text(del->name, del->sensitive || cre->sensitive, name, sizeof name);
    if ((rc = pg_det__finding_from(&f, &pg_detector_dynamodb_rename_without_moved, &del->origin, err)) == PG_OK &&
        (rc = pg_det__text(f, PG_DET_MESSAGE, err,
                           "%s (table %s) is destroyed while %s creates a table with the same name: this looks "
                           "like a rename or a refactor without a `moved` block. Terraform destroys the "
                           "existing table with every item in it and creates an empty one.",
                           from, name, to)) == PG_OK &&
        (rc = del->origin.type && cre->origin.type && strcmp(del->origin.type, cre->origin.type) != 0
                  /* aws_ → awscc_ (or back): a provider migration. `moved`
                   * across resource types works only where the provider can
                   * move the state (Terraform 1.8+), `state mv` never does. */
                  ? pg_det__text(f, PG_DET_REMEDIATION, err,
                                 "The two addresses are different resource types (%s → %s): keep the table and "
                                 "move it between them instead of destroying it. Where the new provider supports "
                                 "it (Terraform 1.8+), add\n\nmoved {\n  from = %s\n  to   = %s\n}\n\n"
                                 "and plan again (%s must show no delete); otherwise bring the existing table under "
                                 "%s with an `import` block and drop %s from state with a `removed` block "
                                 "(lifecycle { destroy = false }).",
                                 del->origin.type, cre->origin.type, from, to, from, to, from)
                  : pg_det__text(f, PG_DET_REMEDIATION, err,
                                 "Add this block to the configuration, then plan again (%s must show no "
                                 "delete):\n\nmoved {\n  from = %s\n  to   = %s\n}\n\n(or run `terraform state "
                                 "mv '%s' '%s'`).",
                                 from, from, to, from, to)) == PG_OK)
        rc = pg_det__evidence_take(f, "address", json_string(from), json_string(to), err);
    return pg_det__finish(out, f, rc, 1, err);
}

static int end(void *state, const pg_detect_env *env, const pg_plan_info *info, pg_findings *out, pg_error *err)
{
    rename_state *st = state;
    size_t i;
    int rc;

    (void)env;
    (void)info;
    if (st->deleted.n == 0 || st->created.n == 0)
        return PG_OK;
    /* Sort the creates by (name, plan order) and look each delete up: the
     * first create of that name in plan order is its counterpart. */
    qsort(st->created.items, st->created.n, sizeof(entry), cmp_entry);
    for (i = 0; i < st->deleted.n; i++) {
        const entry *del = &st->deleted.items[i];
        const entry *hit = bsearch(del->name, st->created.items, st->created.n, sizeof(entry), cmp_key);

        const entry *stop = st->created.items + st->created.n;

        if (!hit)
            continue;
        while (hit > st->created.items && strcmp(hit[-1].name, del->name) == 0)
            hit--;
        /* The first create of that name, in plan order, in the same region
         * (a side without a region: the provider's, assumed the same). */
        while (hit < stop && strcmp(hit->name, del->name) == 0 && del->region && hit->region &&
               strcmp(del->region, hit->region) != 0)
            hit++;
        if (hit == stop || strcmp(hit->name, del->name) != 0)
            continue;
        if ((rc = report(del, hit, out, err)) != 0)
            return rc;
    }
    return PG_OK;
}

static int wants(const char *type, pg_action a)
{
    return (a == PG_ACTION_DELETE || a == PG_ACTION_CREATE) && pg_det__is_table_type(type);
}
