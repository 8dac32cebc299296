/* dynamodb_provisioned.c — dynamodb-provisioned-without-autoscaling (SPEC §3).
 *
 * A table created, updated or replaced with billing_mode = "PROVISIONED"
 * while the plan holds no aws_appautoscaling_target (any action but delete,
 * no-op included: targets that already exist count) with resource_id
 * "table/NAME" for both dynamodb:table:ReadCapacityUnits and
 * dynamodb:table:WriteCapacityUnits.
 *
 * Tables and targets come in any order, so both are remembered — names
 * only, bounded by the number of such resources — and matched in `end`.
 * Decisions: a table that the plan does not change (no-op) is not reported
 * (it is not this change's doing); a target whose resource_id is known only
 * after apply cannot be matched to a table, and the message says so. */
#include <stdlib.h>
#include <string.h>

#include "detect/detect_internal.h"
#include "plangate/alloc.h"

enum { DIM_READ = 1, DIM_WRITE = 2 };

typedef struct table {
    char *name;
    char *addr;
    json_t *actions;   /* owned copy, for the finding */
    pg_action action;
    char *reason;
    int sensitive;     /* the name is marked sensitive: never print it */
    json_t *before_mode; /* redacted before.billing_mode (evidence) */
} table;

typedef struct target {
    char *resource_id; /* "table/NAME" */
    unsigned dims;
} target;

typedef struct prov_state {
    table *tables;
    size_t n_tables, cap_tables;
    target *targets;
    size_t n_targets, cap_targets;
    int unknown_targets; /* targets whose resource_id is known only after apply */
} prov_state;

int pg_det__provisioned_begin(void **state_out, const pg_detect_env *env, pg_error *err)
{
    (void)env;
    *state_out = pg_calloc(1, sizeof(prov_state));
    return *state_out ? PG_OK : pg_error_set(err, PG_ENOMEM, "out of memory");
}

void pg_det__provisioned_free(void *state)
{
    prov_state *st = state;
    size_t i;

    if (!st)
        return;
    for (i = 0; i < st->n_tables; i++) {
        pg_free(st->tables[i].name);
        pg_free(st->tables[i].addr);
        pg_free(st->tables[i].reason);
        json_decref(st->tables[i].actions);
        json_decref(st->tables[i].before_mode);
    }
    for (i = 0; i < st->n_targets; i++)
        pg_free(st->targets[i].resource_id);
    pg_free(st->tables);
    pg_free(st->targets);
    pg_free(st);
}

static int grow(void **items, size_t *cap, size_t n, size_t size)
{
    size_t ncap;
    void *g;

    if (n < *cap)
        return PG_OK;
    ncap = *cap ? *cap * 2 : 8;
    if (!(g = pg_realloc(*items, ncap * size)))
        return PG_ENOMEM;
    *items = g;
    *cap = ncap;
    return PG_OK;
}

static int add_table(prov_state *st, const pg_change *c, const char *name)
{
    pg_path_step s = {"name", 0}, bm = {"billing_mode", 0};
    table *t;

    if (grow((void **)&st->tables, &st->cap_tables, st->n_tables, sizeof *t) != 0)
        return PG_ENOMEM;
    t = &st->tables[st->n_tables];
    memset(t, 0, sizeof *t);
    t->name = pg_strdup(name);
    t->addr = pg_strdup(c->address);
    t->action = c->action;
    t->actions = c->actions ? json_deep_copy(c->actions) : NULL;
    t->reason = c->action_reason ? pg_strdup(c->action_reason) : NULL;
    t->sensitive = pg_change_is_sensitive(c, PG_AFTER, &s, 1);
    t->before_mode = c->before && !json_is_null(c->before) ? pg_change_redacted(c, PG_BEFORE, &bm, 1) : json_null();
    if (!t->name || !t->addr || (c->actions && !t->actions) || (c->action_reason && !t->reason) || !t->before_mode) {
        json_decref(t->before_mode);
        pg_free(t->name);
        pg_free(t->addr);
        pg_free(t->reason);
        json_decref(t->actions);
        return PG_ENOMEM;
    }
    st->n_tables++;
    return PG_OK;
}

static int add_target(prov_state *st, const pg_change *c)
{
    const char *rid = pg_det__str(c, PG_AFTER, "resource_id");
    const char *dim = pg_det__str(c, PG_AFTER, "scalable_dimension");
    unsigned d = 0;
    size_t i;

    if (!rid) {
        if (pg_det__unknown(c, "resource_id"))
            st->unknown_targets++;
        return PG_OK;
    }
    if (strncmp(rid, "table/", 6) != 0 || strchr(rid + 6, '/'))
        return PG_OK; /* not a table (an index's is table/NAME/index/INDEX) */
    if (dim && strcmp(dim, "dynamodb:table:ReadCapacityUnits") == 0)
        d = DIM_READ;
    else if (dim && strcmp(dim, "dynamodb:table:WriteCapacityUnits") == 0)
        d = DIM_WRITE;
    else
        return PG_OK;
    for (i = 0; i < st->n_targets; i++)
        if (strcmp(st->targets[i].resource_id, rid) == 0) {
            st->targets[i].dims |= d;
            return PG_OK;
        }
    if (grow((void **)&st->targets, &st->cap_targets, st->n_targets, sizeof(target)) != 0)
        return PG_ENOMEM;
    if (!(st->targets[st->n_targets].resource_id = pg_strdup(rid)))
        return PG_ENOMEM;
    st->targets[st->n_targets++].dims = d;
    return PG_OK;
}

int pg_det__provisioned_change(void *state, const pg_detect_env *env, const pg_change *c, pg_findings *out,
                               pg_error *err)
{
    prov_state *st = state;
    const char *mode, *name;
    int rc = PG_OK;

    (void)env;
    (void)out;
    if (c->origin != PG_ORIGIN_PLANNED || !pg_det__is_managed(c))
        return PG_OK;
    if (strcmp(c->type, PG_TYPE_AUTOSCALING_TARGET) == 0) {
        if (!c->destructive || c->action == PG_ACTION_REPLACE)
            rc = add_target(st, c);
    } else if (strcmp(c->type, PG_TYPE_DYNAMODB_TABLE) == 0 &&
               (c->action == PG_ACTION_CREATE || c->action == PG_ACTION_UPDATE || c->action == PG_ACTION_REPLACE)) {
        mode = pg_det__str(c, PG_AFTER, "billing_mode");
        name = pg_det__str(c, PG_AFTER, "name");
        if (mode && strcmp(mode, "PROVISIONED") == 0 && name)
            rc = add_table(st, c, name);
    }
    return rc ? pg_error_set(err, PG_ENOMEM, "out of memory") : PG_OK;
}

static int cmp_target(const void *a, const void *b)
{
    return strcmp(((const target *)a)->resource_id, ((const target *)b)->resource_id);
}

static int cmp_key(const void *key, const void *elem)
{
    return strcmp(key, ((const target *)elem)->resource_id);
}

static int report(const pg_detector *d, const prov_state *st, const table *t, unsigned dims, pg_findings *out,
                  pg_error *err)
{
    pg_change fake;
    pg_finding *f;
    const char *name = t->sensitive ? PG_SENSITIVE_TEXT : t->name;
    const char *missing = dims == 0             ? "no autoscaling target for its read or write capacity"
                          : !(dims & DIM_READ)  ? "an autoscaling target for its write capacity but none for its read capacity"
                                                : "an autoscaling target for its read capacity but none for its write capacity";

    /* The change is gone by `end`: rebuild what a finding copies from it. */
    memset(&fake, 0, sizeof fake);
    fake.address = t->addr;
    fake.type = PG_TYPE_DYNAMODB_TABLE;
    fake.actions = t->actions;
    fake.action = t->action;
    fake.action_reason = t->reason;
    if (!(f = pg_finding_new(d->id, d->default_severity, &fake)))
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    if (pg_finding_set_message(f,
                               "%s (table \"%s\") is %s with billing_mode PROVISIONED and the plan has %s "
                               "(aws_appautoscaling_target with resource_id \"table/%s\"): a fixed capacity "
                               "throttles requests as soon as traffic exceeds it, and is paid for when idle.%s",
                               t->addr, name,
                               t->action == PG_ACTION_CREATE ? "created" : t->action == PG_ACTION_UPDATE ? "updated" : "replaced",
                               missing, name,
                               st->unknown_targets ? " (The plan also has autoscaling targets whose resource_id "
                                                     "is known only after apply; if they cover this table, "
                                                     "waive this finding.)"
                                                   : "") != 0 ||
        pg_finding_set_remediation(f,
                                   "Use billing_mode = \"PAY_PER_REQUEST\", or add aws_appautoscaling_target "
                                   "resources (with aws_appautoscaling_policy) for resource_id = \"table/%s\" and "
                                   "scalable_dimension dynamodb:table:ReadCapacityUnits and "
                                   "dynamodb:table:WriteCapacityUnits.",
                                   name) != 0 ||
        pg_finding_add_evidence(f, "billing_mode", json_incref(t->before_mode), json_string("PROVISIONED")) != 0) {
        pg_finding_free(f);
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    }
    return pg_findings_add(out, f, err);
}

int pg_det__provisioned_end(void *state, const pg_detect_env *env, const pg_plan_info *info, pg_findings *out,
                            pg_error *err)
{
    const pg_detector *d = pg_detector_find("dynamodb-provisioned-without-autoscaling");
    prov_state *st = state;
    char rid[1024];
    size_t i;
    int rc;

    (void)env;
    (void)info;
    if (st->n_targets > 1)
        qsort(st->targets, st->n_targets, sizeof(target), cmp_target);
    for (i = 0; i < st->n_tables; i++) {
        const table *t = &st->tables[i];
        const target *hit;
        unsigned dims;

        snprintf(rid, sizeof rid, "table/%s", t->name);
        hit = st->n_targets ? bsearch(rid, st->targets, st->n_targets, sizeof(target), cmp_key) : NULL;
        dims = hit ? hit->dims : 0;
        if (dims == (DIM_READ | DIM_WRITE))
            continue;
        if ((rc = report(d, st, t, dims, out, err)) != 0)
            return rc;
    }
    return PG_OK;
}

int pg_det__provisioned_wants(const char *type, pg_action a)
{
    if (strcmp(type, PG_TYPE_AUTOSCALING_TARGET) == 0)
        return a != PG_ACTION_DELETE && a != PG_ACTION_READ && a != PG_ACTION_FORGET;
    return strcmp(type, PG_TYPE_DYNAMODB_TABLE) == 0 &&
           (a == PG_ACTION_CREATE || a == PG_ACTION_UPDATE || a == PG_ACTION_REPLACE);
}
