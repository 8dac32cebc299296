/* dynamodb_provisioned_without_autoscaling.c — dynamodb-provisioned-without-autoscaling (SPEC §3).
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect_internal.h"
#include "plangate/alloc.h"
#include "util/grow.h"

static pg_detect_begin_fn begin;
static pg_detect_change_fn on_change;
static pg_detect_end_fn end;
static pg_detect_free_fn free_state;
static pg_detect_wants_fn wants;

const pg_detector pg_detector_dynamodb_provisioned_without_autoscaling = {
    "dynamodb-provisioned-without-autoscaling",
    "PROVISIONED DynamoDB table without autoscaling",
    PG_SEV_MEDIUM,
    "An aws_dynamodb_table created, updated or replaced with billing_mode = \"PROVISIONED\" while the "
    "plan holds no aws_appautoscaling_target with resource_id \"table/NAME\" for both "
    "dynamodb:table:ReadCapacityUnits and dynamodb:table:WriteCapacityUnits.",
    "A fixed provisioned capacity throttles requests as soon as traffic exceeds it, and is paid for "
    "when idle. The house practice is PAY_PER_REQUEST unless autoscaling is in place.",
    "Use billing_mode = \"PAY_PER_REQUEST\", or add aws_appautoscaling_target (and policies) for the "
    "table's read and write capacity with resource_id = \"table/NAME\".",
    begin, on_change, end, free_state, wants,
};

enum { DIM_READ = 1, DIM_WRITE = 2 };

typedef struct table {
    char *name;
    pg_det_origin origin; /* what the finding copies from the change */
    int sensitive;        /* the name is marked sensitive: never print it */
    json_t *mode_before;  /* redacted billing_mode (evidence) */
    json_t *mode_after;
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

static int begin(void **state_out, const pg_detect_env *env, pg_error *err)
{
    (void)env;
    return pg_det__state_new(state_out, sizeof(prov_state), err);
}

static void table_dispose(table *t)
{
    pg_free(t->name);
    pg_det__origin_dispose(&t->origin);
    json_decref(t->mode_before);
    json_decref(t->mode_after);
}

static void free_state(void *state)
{
    prov_state *st = state;
    size_t i;

    if (!st)
        return;
    for (i = 0; i < st->n_tables; i++)
        table_dispose(&st->tables[i]);
    for (i = 0; i < st->n_targets; i++)
        pg_free(st->targets[i].resource_id);
    pg_free(st->tables);
    pg_free(st->targets);
    pg_free(st);
}

static int add_table(prov_state *st, const pg_change *c, const char *name, pg_error *err)
{
    pg_path_step s = {"name", 0}, bm = {"billing_mode", 0};
    table *t;
    int rc;

    if ((rc = PG_GROW(st->tables, st->cap_tables, st->n_tables + 1, err)) != PG_OK)
        return rc;
    t = &st->tables[st->n_tables];
    memset(t, 0, sizeof *t);
    t->sensitive = pg_det__sensitive(c, &s, 1);
    if ((rc = pg_det__redacted_pair(c, &bm, &bm, 1, &t->mode_before, &t->mode_after, err)) == PG_OK)
        rc = !(t->name = pg_strdup(name)) ? pg_error_oom(err) : pg_det__origin_keep(&t->origin, c, err);
    if (rc != PG_OK) {
        table_dispose(t);
        return rc;
    }
    st->n_tables++;
    return PG_OK;
}

static int add_target(prov_state *st, const pg_change *c, pg_error *err)
{
    const char *rid = pg_det__str(c, PG_AFTER, "resource_id");
    const char *dim = pg_det__str(c, PG_AFTER, "scalable_dimension");
    unsigned d = 0;
    size_t i;
    int rc;

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
    if ((rc = PG_GROW(st->targets, st->cap_targets, st->n_targets + 1, err)) != PG_OK)
        return rc;
    if (!(st->targets[st->n_targets].resource_id = pg_strdup(rid)))
        return pg_error_oom(err);
    st->targets[st->n_targets++].dims = d;
    return PG_OK;
}

static int on_change(void *state, const pg_detect_env *env, const pg_change *c, const pg_detect_protection *prot,
                     pg_findings *out, pg_error *err)
{
    prov_state *st = state;
    const char *mode, *name;

    (void)env;
    (void)prot;
    (void)out;
    if (c->origin != PG_ORIGIN_PLANNED || !pg_det__is_managed(c))
        return PG_OK;
    if (strcmp(c->type, PG_TYPE_AUTOSCALING_TARGET) == 0)
        return !c->destructive || c->action == PG_ACTION_REPLACE ? add_target(st, c, err) : PG_OK;
    if (strcmp(c->type, PG_TYPE_DYNAMODB_TABLE) == 0 &&
        (c->action == PG_ACTION_CREATE || c->action == PG_ACTION_UPDATE || c->action == PG_ACTION_REPLACE)) {
        mode = pg_det__str(c, PG_AFTER, "billing_mode");
        name = pg_det__str(c, PG_AFTER, "name");
        if (mode && strcmp(mode, "PROVISIONED") == 0 && name)
            return add_table(st, c, name, err);
    }
    return PG_OK;
}

static int cmp_target(const void *a, const void *b)
{
    return strcmp(((const target *)a)->resource_id, ((const target *)b)->resource_id);
}

/* A table's name against a target's "table/NAME" (every kept target has the prefix). */
static int cmp_name(const void *key, const void *elem)
{
    return strcmp(key, ((const target *)elem)->resource_id + 6);
}

static int report(const prov_state *st, const table *t, unsigned dims, pg_findings *out, pg_error *err)
{
    const char *missing = dims == 0 ? "no autoscaling target for its read or write capacity"
                          : !(dims & DIM_READ)
                              ? "an autoscaling target for its write capacity but none for its read capacity"
                              : "an autoscaling target for its read capacity but none for its write capacity";
    const char *name = t->sensitive ? PG_SENSITIVE_TEXT : t->name;
    char quoted[PG_DET_TEXT], id[PG_DET_TEXT], rid[PG_DET_TEXT];
    pg_finding *f = NULL;
    int rc;

    /* "table/NAME" is one string in the plan: quoted whole, as the remediation writes it. */
    pg_det__name_text(t->name, t->sensitive, quoted, sizeof quoted);
    snprintf(id, sizeof id, "table/%s", name);
    pg_det__name_text(id, 0, rid, sizeof rid);
    if ((rc = pg_det__finding_from(&f, &pg_detector_dynamodb_provisioned_without_autoscaling, &t->origin, err)) ==
            PG_OK &&
        (rc = pg_det__text(f, PG_DET_MESSAGE, err,
                           "%s (table %s) is %s with billing_mode PROVISIONED and the plan has %s "
                           "(aws_appautoscaling_target with resource_id %s): a fixed capacity throttles "
                           "requests as soon as traffic exceeds it, and is paid for when idle.%s",
                           t->origin.address, quoted,
                           t->origin.action == PG_ACTION_CREATE   ? "created"
                           : t->origin.action == PG_ACTION_UPDATE ? "updated"
                                                                  : "replaced",
                           missing, rid,
                           st->unknown_targets ? " (The plan also has autoscaling targets whose resource_id is "
                                                 "known only after apply; if they cover this table, waive this "
                                                 "finding.)"
                                               : "")) == PG_OK &&
        (rc = pg_det__text(f, PG_DET_REMEDIATION, err,
                           "Use billing_mode = \"PAY_PER_REQUEST\", or add aws_appautoscaling_target "
                           "resources (with aws_appautoscaling_policy) for resource_id = %s and "
                           "scalable_dimension dynamodb:table:ReadCapacityUnits and "
                           "dynamodb:table:WriteCapacityUnits.",
                           rid)) == PG_OK)
        rc = pg_det__evidence_take(f, "billing_mode", json_incref(t->mode_before), json_incref(t->mode_after), err);
    return pg_det__finish(out, f, rc, 1, err);
}

static int end(void *state, const pg_detect_env *env, const pg_plan_info *info, pg_findings *out, pg_error *err)
{
    prov_state *st = state;
    size_t i;
    int rc;

    (void)env;
    (void)info;
    if (st->n_targets > 1)
        qsort(st->targets, st->n_targets, sizeof(target), cmp_target);
    for (i = 0; i < st->n_tables; i++) {
        const table *t = &st->tables[i];
        const target *hit =
            st->n_targets ? bsearch(t->name, st->targets, st->n_targets, sizeof(target), cmp_name) : NULL;
        unsigned dims;

        dims = hit ? hit->dims : 0;
        if (dims == (DIM_READ | DIM_WRITE))
            continue;
        if ((rc = report(st, t, dims, out, err)) != 0)
            return rc;
    }
    return PG_OK;
}

static int wants(const char *type, pg_action a)
{
    if (strcmp(type, PG_TYPE_AUTOSCALING_TARGET) == 0)
        return a != PG_ACTION_DELETE && a != PG_ACTION_READ && a != PG_ACTION_FORGET;
    return pg_det__is_table_type(type) &&
           (a == PG_ACTION_CREATE || a == PG_ACTION_UPDATE || a == PG_ACTION_REPLACE);
}
