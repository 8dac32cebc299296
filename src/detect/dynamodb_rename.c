/* dynamodb_rename.c — dynamodb-rename-without-moved (SPEC §3).
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
 * no-op or update at the new address: neither is seen here. */
#include <stdlib.h>
#include <string.h>

#include "detect/detect_internal.h"
#include "plangate/alloc.h"

typedef struct entry {
    char *name;
    char *addr;
    char *reason;  /* the deleted change's action_reason, or NULL */
    size_t seq;    /* plan order, so that the first create wins */
    int sensitive; /* the name is marked sensitive: never print it */
} entry;

typedef struct side {
    entry *items;
    size_t n, cap;
} side;

typedef struct rename_state {
    side deleted, created;
} rename_state;

int pg_det__rename_begin(void **state_out, const pg_detect_env *env, pg_error *err)
{
    (void)env;
    *state_out = pg_calloc(1, sizeof(rename_state));
    return *state_out ? PG_OK : pg_error_set(err, PG_ENOMEM, "out of memory");
}

static void side_free(side *s)
{
    size_t i;

    for (i = 0; i < s->n; i++) {
        pg_free(s->items[i].name);
        pg_free(s->items[i].addr);
        pg_free(s->items[i].reason);
    }
    pg_free(s->items);
}

void pg_det__rename_free(void *state)
{
    rename_state *st = state;

    if (!st)
        return;
    side_free(&st->deleted);
    side_free(&st->created);
    pg_free(st);
}

static int side_push(side *s, const char *name, const pg_change *c, int sensitive)
{
    entry *e;

    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        entry *g = pg_realloc(s->items, cap * sizeof *g);
        if (!g)
            return PG_ENOMEM;
        s->items = g;
        s->cap = cap;
    }
    e = &s->items[s->n];
    e->name = pg_strdup(name);
    e->addr = pg_strdup(c->address);
    e->reason = c->action_reason ? pg_strdup(c->action_reason) : NULL;
    e->seq = s->n;
    e->sensitive = sensitive;
    if (!e->name || !e->addr || (c->action_reason && !e->reason)) {
        pg_free(e->name);
        pg_free(e->addr);
        pg_free(e->reason);
        return PG_ENOMEM;
    }
    s->n++;
    return PG_OK;
}

int pg_det__rename_change(void *state, const pg_detect_env *env, const pg_change *c, pg_findings *out,
                          pg_error *err)
{
    rename_state *st = state;
    pg_path_step s = {"name", 0};
    const char *name;
    int rc = PG_OK;

    (void)env;
    (void)out;
    if (!pg_det__is_planned_table(c) || c->deposed)
        return PG_OK;
    if (c->action == PG_ACTION_DELETE && (name = pg_det__str(c, PG_BEFORE, "name")) != NULL)
        rc = side_push(&st->deleted, name, c, pg_change_is_sensitive(c, PG_BEFORE, &s, 1));
    else if (c->action == PG_ACTION_CREATE && (name = pg_det__str(c, PG_AFTER, "name")) != NULL)
        rc = side_push(&st->created, name, c, pg_change_is_sensitive(c, PG_AFTER, &s, 1));
    return rc ? pg_error_set(err, PG_ENOMEM, "out of memory") : PG_OK;
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

static int report(const pg_detector *d, const entry *del, const entry *cre, pg_findings *out, pg_error *err)
{
    /* Findings of `end` have no change to copy from: fill in what a change would give. */
    pg_change fake;
    pg_finding *f;
    json_t *actions = json_pack("[s]", "delete");
    const char *from = del->addr, *to = cre->addr;
    const char *name = del->sensitive || cre->sensitive ? PG_SENSITIVE_TEXT : del->name;

    memset(&fake, 0, sizeof fake);
    fake.address = from;
    fake.type = PG_TYPE_DYNAMODB_TABLE;
    fake.action = PG_ACTION_DELETE;
    fake.destructive = 1;
    fake.actions = actions;
    fake.action_reason = del->reason;
    f = actions ? pg_finding_new(d->id, d->default_severity, &fake) : NULL;
    json_decref(actions);
    if (!f)
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    if (pg_finding_set_message(f,
                               "%s (table \"%s\") is destroyed while %s creates a table with the same name: "
                               "this looks like a rename or a refactor without a `moved` block. Terraform "
                               "destroys the existing table with every item in it and creates an empty one.",
                               from, name, to) != 0 ||
        pg_finding_set_remediation(f,
                                   "Add this block to the configuration, then plan again (%s must show no "
                                   "delete):\n\nmoved {\n  from = %s\n  to   = %s\n}\n\n(or run `terraform state "
                                   "mv '%s' '%s'`).",
                                   from, from, to, from, to) != 0 ||
        pg_finding_add_evidence(f, "address", json_string(from), json_string(to)) != 0) {
        pg_finding_free(f);
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    }
    return pg_findings_add(out, f, err);
}

int pg_det__rename_end(void *state, const pg_detect_env *env, const pg_plan_info *info, pg_findings *out,
                       pg_error *err)
{
    const pg_detector *d = pg_detector_find("dynamodb-rename-without-moved");
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

        if (!hit)
            continue;
        while (hit > st->created.items && strcmp(hit[-1].name, del->name) == 0)
            hit--;
        if ((rc = report(d, del, hit, out, err)) != 0)
            return rc;
    }
    return PG_OK;
}

int pg_det__rename_wants(const char *type, pg_action a)
{
    return (a == PG_ACTION_DELETE || a == PG_ACTION_CREATE) && strcmp(type, PG_TYPE_DYNAMODB_TABLE) == 0;
}
