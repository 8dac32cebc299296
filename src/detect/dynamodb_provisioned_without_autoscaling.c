/* dynamodb_provisioned_without_autoscaling.c — dynamodb-provisioned-without-autoscaling (SPEC §3).
 *
 * A table (aws_ or awscc_dynamodb_table) with billing_mode = "PROVISIONED"
 * whose read or write capacity has no autoscaling after the plan: an
 * aws_appautoscaling_target with resource_id "table/NAME" for
 * dynamodb:table:ReadCapacityUnits / WriteCapacityUnits AND an
 * aws_appautoscaling_policy on the same resource_id and dimension. A target
 * without any scaling policy scales nothing: it does not count (issue 13).
 * Targets and policies that already exist (no-op), are updated, replaced or
 * forgotten (the object stays in AWS) count; deleted ones do not.
 *
 * Which tables: one the plan creates, updates, replaces, or keeps by a
 * create-and-forget; and a table the plan does not change (no-op) while it
 * deletes that table's (or one of its indexes') autoscaling target or policy,
 * leaving that capacity without autoscaling: the table loses its scaling
 * without a line of its own in the plan.
 *
 * Tables, targets and policies come in any order, so they are remembered
 * — one small record per table and per resource_id, never whole changes —
 * and matched in `end`. A target or policy whose resource_id is known only
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
    "A DynamoDB table (aws_ or awscc_dynamodb_table) with billing_mode = \"PROVISIONED\" that is "
    "created, updated or replaced while the plan leaves no autoscaling for its read or write capacity "
    "(an aws_appautoscaling_target with resource_id \"table/NAME\" for dynamodb:table:ReadCapacityUnits "
    "and dynamodb:table:WriteCapacityUnits, each with an aws_appautoscaling_policy: a target without a "
    "policy scales nothing); or a table the plan does not change while it deletes the table's (or an "
    "index's) autoscaling target or policy.",
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
    int unchanged;        /* a no-op: reported only when the plan deletes its scaling */
    json_t *mode_before;  /* redacted billing_mode (evidence) */
    json_t *mode_after;
} table;

/* Everything the plan says about one resource_id ("table/NAME" or
 * "table/NAME/index/INDEX"), per dimension (DIM_*). */
typedef struct target {
    char *resource_id;
    int secret;                  /* a resource_id marked sensitive: its index name is never printed */
    unsigned tgt, pol;           /* a target / a policy exists after the plan */
    unsigned tgt_gone, pol_gone; /* the plan deletes a target / a policy */
} target;

typedef struct prov_state {
    table *tables;
    size_t n_tables, cap_tables;
    target *targets;
    size_t n_targets, cap_targets;
    int unknown_targets; /* targets or policies whose resource_id is known only after apply */
    int index_gone;      /* some index's target or policy is deleted */
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

static int add_table(prov_state *st, const pg_change *c, const char *name, int sensitive, pg_error *err)
{
    pg_path_step bm = {"billing_mode", 0};
    table *t;
    int rc;

    if ((rc = PG_GROW(st->tables, st->cap_tables, st->n_tables + 1, err)) != PG_OK)
        return rc;
    t = &st->tables[st->n_tables];
    memset(t, 0, sizeof *t);
    t->sensitive = sensitive;
    t->unchanged = c->action == PG_ACTION_NOOP;
    if ((rc = pg_det__redacted_pair(c, &bm, &bm, 1, &t->mode_before, &t->mode_after, err)) == PG_OK)
        rc = !(t->name = pg_strdup(name)) ? pg_error_oom(err) : pg_det__origin_keep(&t->origin, c, err);
    if (rc != PG_OK) {
        table_dispose(t);
        return rc;
    }
    st->n_tables++;
    return PG_OK;
}

/* The dimension of a DynamoDB scalable_dimension, table or index; 0: another. */
static unsigned dim_of(const char *dim)
{
    if (!dim)
        return 0;
    if (strcmp(dim, "dynamodb:table:ReadCapacityUnits") == 0 || strcmp(dim, "dynamodb:index:ReadCapacityUnits") == 0)
        return DIM_READ;
    if (strcmp(dim, "dynamodb:table:WriteCapacityUnits") == 0 ||
        strcmp(dim, "dynamodb:index:WriteCapacityUnits") == 0)
        return DIM_WRITE;
    return 0;
}

/* "table/NAME" or "table/NAME/index/INDEX": 1 for a table, 2 for an index, 0 otherwise. */
static int rid_kind(const char *rid)
{
    const char *slash;

    if (strncmp(rid, "table/", 6) != 0 || !rid[6])
        return 0;
    if (!(slash = strchr(rid + 6, '/')))
        return 1;
    return strncmp(slash, "/index/", 7) == 0 && slash[7] && !strchr(slash + 7, '/') ? 2 : 0;
}

static target *find_or_add(prov_state *st, const char *rid, pg_error *err, int *rc)
{
    size_t i;

    *rc = PG_OK;
    for (i = 0; i < st->n_targets; i++)
        if (strcmp(st->targets[i].resource_id, rid) == 0)
            return &st->targets[i];
    if ((*rc = PG_GROW(st->targets, st->cap_targets, st->n_targets + 1, err)) != PG_OK)
        return NULL;
    memset(&st->targets[st->n_targets], 0, sizeof(target));
    if (!(st->targets[st->n_targets].resource_id = pg_strdup(rid))) {
        *rc = pg_error_oom(err);
        return NULL;
    }
    return &st->targets[st->n_targets++];
}

/* A target or a policy: what exists after the plan, what it deletes. */
static int add_scaling(prov_state *st, const pg_change *c, int is_policy, pg_error *err)
{
    /* A delete is judged on what goes (before); anything else on what stays:
     * after, or before for a plain forget (the object stays in AWS). */
    int gone = c->action == PG_ACTION_DELETE || (c->destructive && c->action != PG_ACTION_REPLACE);
    pg_side side = gone || !json_is_object(c->after) ? PG_BEFORE : PG_AFTER;
    const char *rid = pg_det__str_plain(c, side, "resource_id");
    unsigned d = dim_of(pg_det__str_plain(c, side, "scalable_dimension"));
    target *t;
    int kind, rc;

    if (!rid) {
        if ((side == PG_AFTER && pg_det__unknown(c, "resource_id")) || pg_det__str(c, side, "resource_id"))
            st->unknown_targets++;
        return PG_OK;
    }
    if (!(kind = rid_kind(rid)) || !d)
        return PG_OK;
    if (!(t = find_or_add(st, rid, err, &rc)))
        return rc;
    {
        pg_path_step rs = {"resource_id", 0};

        t->secret |= pg_det__sensitive(c, &rs, 1);
    }
    if (gone) {
        *(is_policy ? &t->pol_gone : &t->tgt_gone) |= d;
        if (kind == 2)
            st->index_gone = 1;
    } else {
        *(is_policy ? &t->pol : &t->tgt) |= d;
    }
    return PG_OK;
}

static int on_change(void *state, const pg_detect_env *env, const pg_change *c, const pg_detect_protection *prot,
                     pg_findings *out, pg_error *err)
{
    prov_state *st = state;
    const char *mode, *name;
    int sensitive;

    (void)env;
    (void)prot;
    (void)out;
    if (c->origin != PG_ORIGIN_PLANNED || !pg_det__is_managed(c))
        return PG_OK;
    if (strcmp(c->type, PG_TYPE_AUTOSCALING_TARGET) == 0 || strcmp(c->type, PG_TYPE_AUTOSCALING_POLICY) == 0)
        return add_scaling(st, c, strcmp(c->type, PG_TYPE_AUTOSCALING_POLICY) == 0, err);
    if (pg_det__is_table_type(c->type) && pg_det__leaves_object(c)) {
        mode = pg_det__str(c, PG_AFTER, "billing_mode");
        name = pg_det__table_name(c, PG_AFTER, &sensitive);
        /* a name with a NUL inside would match another table's target */
        if (mode && strcmp(mode, "PROVISIONED") == 0 && name && pg_det__str_plain(c, PG_AFTER, pg_det__table_name_attr(c)))
            return add_table(st, c, name, sensitive, err);
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

/* Dimensions with both a target and a policy after the plan. */
static unsigned scaled(const target *t)
{
    return t ? t->tgt & t->pol : 0;
}

/* What is missing, in words, for dims scaled (both a target and a policy). */
static const char *missing_words(const target *t)
{
    unsigned ok = scaled(t), tg = t ? t->tgt : 0;

    if (ok == 0 && tg == 0)
        return "no autoscaling target for its read or write capacity";
    if (ok == 0 && tg == (DIM_READ | DIM_WRITE))
        return "autoscaling targets for its read and write capacity but no scaling policy on them (a target "
               "without a policy scales nothing)";
    if (ok == 0)
        return !(tg & DIM_READ) ? "an autoscaling target for its write capacity, without a scaling policy, and none "
                                  "for its read capacity"
                                : "an autoscaling target for its read capacity, without a scaling policy, and none "
                                  "for its write capacity";
    return !(ok & DIM_READ) ? "autoscaling for its write capacity but none for its read capacity"
                            : "autoscaling for its read capacity but none for its write capacity";
}

static int report(const prov_state *st, const table *t, const target *hit, const char *lost, pg_findings *out,
                  pg_error *err)
{
    const char *name = t->sensitive ? PG_SENSITIVE_TEXT : t->name;
    char quoted[PG_DET_TEXT], id[PG_DET_TEXT], rid[PG_DET_TEXT];
    const char *unknown_note = st->unknown_targets ? " (The plan also has autoscaling targets or policies whose "
                                                     "resource_id is known only after apply; if they cover this "
                                                     "table, waive this finding.)"
                                                   : "";
    pg_finding *f = NULL;
    int rc;

    /* "table/NAME" is one string in the plan: quoted whole, as the remediation writes it. */
    pg_det__name_text(t->name, t->sensitive, quoted, sizeof quoted);
    snprintf(id, sizeof id, "table/%s", name);
    pg_det__name_text(id, 0, rid, sizeof rid);
    if ((rc = pg_det__finding_from(&f, &pg_detector_dynamodb_provisioned_without_autoscaling, &t->origin, err)) !=
        PG_OK)
        return rc;
    if (t->unchanged)
        rc = pg_det__text(f, PG_DET_MESSAGE, err,
                          "%s (table %s) does not change, but this plan deletes %s (an aws_appautoscaling_target "
                          "or aws_appautoscaling_policy on resource_id %s or one of its indexes), and nothing "
                          "else scales it: with billing_mode PROVISIONED that capacity stays fixed, which "
                          "throttles requests as soon as traffic exceeds it, and is paid for when idle.%s",
                          t->origin.address, quoted, lost, rid, unknown_note);
    else
        rc = pg_det__text(f, PG_DET_MESSAGE, err,
                          "%s (table %s) is %s with billing_mode PROVISIONED and the plan has %s "
                          "(aws_appautoscaling_target with resource_id %s): a fixed capacity throttles "
                          "requests as soon as traffic exceeds it, and is paid for when idle.%s",
                          t->origin.address, quoted,
                          t->origin.action == PG_ACTION_CREATE   ? "created"
                          : t->origin.action == PG_ACTION_UPDATE ? "updated"
                          : t->origin.action == PG_ACTION_FORGET ? "created (and the old object forgotten)"
                                                                 : "replaced",
                          missing_words(hit), rid, unknown_note);
    if (rc == PG_OK &&
        (rc = pg_det__text(f, PG_DET_REMEDIATION, err,
                           "%sUse billing_mode = \"PAY_PER_REQUEST\", or add aws_appautoscaling_target "
                           "resources (with aws_appautoscaling_policy) for resource_id = %s and "
                           "scalable_dimension dynamodb:table:ReadCapacityUnits and "
                           "dynamodb:table:WriteCapacityUnits.",
                           t->unchanged ? "Keep the autoscaling target and policy this plan deletes. " : "", rid)) ==
            PG_OK)
        rc = pg_det__evidence_take(f, "billing_mode", json_incref(t->mode_before), json_incref(t->mode_after), err);
    return pg_det__finish(out, f, rc, 1, err);
}

/* For a table the plan does not change: which deleted scaling leaves a
 * capacity unscaled ("its read capacity's autoscaling target", an index's). */
static int lost_scaling(const prov_state *st, const table *t, const target *hit, pg_buf *out, pg_error *err)
{
    size_t i, n = strlen(t->name);
    int rc = PG_OK;
    unsigned lost = hit ? (hit->tgt_gone | hit->pol_gone) & ~scaled(hit) : 0;

    if (lost)
        rc = pg_buf_addf(out, err, "the autoscaling of its %s capacity",
                         lost == (DIM_READ | DIM_WRITE) ? "read and write"
                         : lost & DIM_READ              ? "read"
                                                        : "write");
    for (i = 0; rc == PG_OK && st->index_gone && i < st->n_targets; i++) {
        const target *x = &st->targets[i];
        unsigned xl = (x->tgt_gone | x->pol_gone) & ~scaled(x);

        char idx[PG_DET_TEXT];

        if (!xl || strncmp(x->resource_id + 6, t->name, n) != 0 || strncmp(x->resource_id + 6 + n, "/index/", 7) != 0)
            continue;
        /* the index name is plan input: quoted; a secret when either name is */
        pg_det__name_text(x->resource_id + 6 + n + 7, t->sensitive || x->secret, idx, sizeof idx);
        rc = pg_buf_addf(out, err, "%sthe autoscaling of index %s's %s capacity", out->len ? ", " : "", idx,
                             xl == (DIM_READ | DIM_WRITE) ? "read and write"
                             : xl & DIM_READ              ? "read"
                                                          : "write");
    }
    return rc;
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

        if (t->unchanged) {
            pg_buf lost;

            pg_buf_init(&lost, 0);
            rc = lost_scaling(st, t, hit, &lost, err);
            if (rc == PG_OK && lost.len > 0)
                rc = report(st, t, hit, pg_buf_cstr(&lost), out, err);
            pg_buf_dispose(&lost);
            if (rc != PG_OK)
                return rc;
            continue;
        }
        if (scaled(hit) == (DIM_READ | DIM_WRITE))
            continue;
        if ((rc = report(st, t, hit, NULL, out, err)) != 0)
            return rc;
    }
    return PG_OK;
}

static int wants(const char *type, pg_action a)
{
    if (strcmp(type, PG_TYPE_AUTOSCALING_TARGET) == 0 || strcmp(type, PG_TYPE_AUTOSCALING_POLICY) == 0)
        return a != PG_ACTION_READ;
    return pg_det__is_table_type(type) && a != PG_ACTION_READ && a != PG_ACTION_DELETE;
}
