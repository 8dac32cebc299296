/* dynamodb_replica_removed.c — dynamodb-replica-removed (issue 13).
 *
 * A change that removes a region from a DynamoDB global table:
 *   - an in-place update of aws_dynamodb_table whose `replica` blocks lose a
 *     region_name (version 2019.11.21 global tables);
 *   - a delete or replace of aws_dynamodb_table_replica (its region from the
 *     provider 6 `region` attribute, else from its arn);
 *   - an update of the legacy aws_dynamodb_global_table whose `replica`
 *     blocks lose a region_name;
 *   - an update of awscc_dynamodb_global_table whose `replicas` lose a
 *     `region`.
 * Regions compare as sets (Terraform orders set elements by value; do not
 * depend on it). An `after` list, or a region in it, known only after apply
 * "may remove" every region not known to stay: never silence.
 *
 * What it costs: removing a replica of a current (2019.11.21) global table
 * is DeleteTableReplica in that region, which deletes the replica and every
 * item in it. A legacy (2017.11.29) global table only takes the region out
 * of the group (UpdateGlobalTable): the regional table is not deleted, but
 * its copy stops receiving writes and drifts; the message says which.
 *
 * Severity: high by default, critical when the table is production (the
 * policy's environments, --env) or protected (protect:). Either fails the
 * default gate (fail_on: high). A policy's severity for the detector sets
 * the ordinary findings; a lower one never quiets the raised one (engine.c). */
#include <stdio.h>
#include <string.h>

#include "detect/detect_internal.h"
#include "util/quote.h"

static pg_detect_change_fn on_change;
static pg_detect_wants_fn wants;

const pg_detector pg_detector_dynamodb_replica_removed = {
    "dynamodb-replica-removed",
    "DynamoDB global table loses a replica region",
    PG_SEV_HIGH,
    "A change that removes a region from a DynamoDB global table: an in-place update of "
    "aws_dynamodb_table whose replica blocks lose a region_name, a delete or replace of "
    "aws_dynamodb_table_replica, an update of the legacy aws_dynamodb_global_table losing a replica "
    "region_name, or an update of awscc_dynamodb_global_table whose replicas lose a region. A replica "
    "list known only after apply is reported as one that may lose every region not known to stay. "
    "Severity high, critical on a production or protected table.",
    "Removing a replica of a global table deletes the table in that region with every item in it: "
    "that region's copy of the data is gone, and readers and writers there fail. A legacy "
    "(2017.11.29) global table keeps the regional table but it stops receiving writes.",
    "Keep the replica block for every region that must keep its copy. To remove a region for real, "
    "move its traffic away first, make sure a backup exists, then waive dynamodb-replica-removed for "
    "the address with a reason.",
    NULL, on_change, NULL, NULL, wants,
};

#define TYPE_REPLICA "aws_dynamodb_table_replica"
#define TYPE_GLOBAL "aws_dynamodb_global_table"
#define TYPE_AWSCC_GLOBAL "awscc_dynamodb_global_table"

/* Where a type keeps its replica regions. */
typedef struct replica_shape {
    const char *list;   /* "replica" / "replicas" */
    const char *region; /* "region_name" / "region" */
    int legacy;         /* aws_dynamodb_global_table (2017.11.29) */
} replica_shape;

static int shape_of(const char *type, replica_shape *out)
{
    if (strcmp(type, PG_TYPE_DYNAMODB_TABLE) == 0)
        *out = (replica_shape){"replica", "region_name", 0};
    else if (strcmp(type, TYPE_GLOBAL) == 0)
        *out = (replica_shape){"replica", "region_name", 1};
    else if (strcmp(type, TYPE_AWSCC_GLOBAL) == 0)
        *out = (replica_shape){"replicas", "region", 0};
    else
        return 0;
    return 1;
}

/* The region of list element i on `side`: a string json value, or NULL
 * when absent, not a string or unknown (*unknown). Compared as json values,
 * so that a NUL inside a name is part of it. */
static const json_t *region_at(const pg_change *c, pg_side side, const replica_shape *sh, size_t i, int *unknown)
{
    pg_path_step s[3] = {{sh->list, 0}, {NULL, i}, {sh->region, 0}};
    const json_t *v = pg_change_get(c, side, s, 3);

    *unknown = side == PG_AFTER && pg_change_is_unknown(c, s, 3);
    return !*unknown && json_is_string(v) ? v : NULL;
}

/* What the comparison found: regions lost for sure, regions that may be. */
typedef struct lost {
    json_t *gone;  /* array of region strings (redacted: "(sensitive)") */
    int may;       /* the after side is partly unknown: "may" */
    int secret;    /* the replica block is marked sensitive */
} lost;

static int add_region(lost *l, const json_t *r, pg_error *err)
{
    json_t *v = l->secret ? json_string(PG_SENSITIVE_TEXT) : json_stringn(json_string_value(r), json_string_length(r));

    if (!v || json_array_append_new(l->gone, v) != 0)
        return pg_error_oom(err);
    return PG_OK;
}

/* A replica whose region cannot be read (a malformed before): a null in
 * the list, which region_list words without quoting plan text. */
static int add_unreadable(lost *l, pg_error *err)
{
    return json_array_append_new(l->gone, json_null()) == 0 ? PG_OK : pg_error_oom(err);
}

/* Before's regions that after does not keep (or may not keep). */
static int compare(const pg_change *c, const replica_shape *sh, lost *l, pg_error *err)
{
    pg_path_step s = {sh->list, 0};
    const json_t *b = pg_change_get(c, PG_BEFORE, &s, 1), *a = pg_change_get(c, PG_AFTER, &s, 1);
    int whole_unknown = pg_change_is_unknown(c, &s, 1);
    size_t i, j, na;
    int rc = PG_OK, u;

    l->secret = pg_det__block_sensitive(c, sh->list);
    na = json_is_array(a) ? json_array_size(a) : 0;
    if (json_is_array(c->after_unknown ? json_object_get(c->after_unknown, sh->list) : NULL) &&
        json_array_size(json_object_get(c->after_unknown, sh->list)) > na)
        na = json_array_size(json_object_get(c->after_unknown, sh->list));
    for (j = 0; !whole_unknown && j < na; j++)
        if (!region_at(c, PG_AFTER, sh, j, &u) && u)
            l->may = 1;
    if (whole_unknown)
        l->may = 1;
    /* A before list that is not a list (Terraform writes a list or null)
     * cannot be read: unless after repeats it, it is one lost replica of
     * an unreadable region, never "nothing lost" (fail closed, issue 11). */
    if (b && !json_is_null(b) && !json_is_array(b) && !json_equal(b, a))
        return add_unreadable(l, err);
    for (i = 0; rc == PG_OK && json_is_array(b) && i < json_array_size(b); i++) {
        const json_t *r = region_at(c, PG_BEFORE, sh, i, &u);
        int kept = 0;

        if (!r) {
            /* an element that is not an object with a string region: lost
             * unless after holds the same raw value */
            pg_path_step rs[3] = {{sh->list, 0}, {NULL, i}, {sh->region, 0}};
            const json_t *raw = pg_change_get(c, PG_BEFORE, rs, 3);

            for (j = 0; !whole_unknown && !kept && j < na; j++) {
                rs[1].index = j;
                kept = raw && json_equal(pg_change_get(c, PG_AFTER, rs, 3), raw);
            }
            if (!kept)
                rc = add_unreadable(l, err);
            continue;
        }
        for (j = 0; !whole_unknown && !kept && j < na; j++)
            kept = json_equal(region_at(c, PG_AFTER, sh, j, &u), r);
        if (!kept)
            rc = add_region(l, r, err);
    }
    /* Every region a partly-unknown list may drop is "may": known losses
     * are listed with the unknown ones, and the message says "may". */
    return rc;
}

/* The region of an aws_dynamodb_table_replica: `region` (provider 6), else
 * the fourth field of its arn (arn:aws:dynamodb:REGION:ACCOUNT:table/NAME). */
static int replica_region(const pg_change *c, lost *l, pg_error *err)
{
    pg_path_step rs = {"region", 0};
    const json_t *r = pg_change_get(c, PG_BEFORE, &rs, 1);
    const char *arn = pg_det__str_plain(c, PG_BEFORE, "arn");
    char buf[64];
    json_t *v;
    int rc;

    l->secret = pg_det__block_sensitive(c, "region") || pg_det__block_sensitive(c, "arn");
    if (json_is_string(r) && json_string_length(r) > 0)
        return add_region(l, r, err);
    if (arn && strncmp(arn, "arn:", 4) == 0) {
        const char *p = arn;
        int field;

        for (field = 0; field < 3 && (p = strchr(p, ':')) != NULL; field++)
            p++;
        if (p && field == 3) {
            const char *e = strchr(p, ':');
            size_t n = e ? (size_t)(e - p) : 0;

            if (n > 0 && n < sizeof buf) {
                memcpy(buf, p, n);
                buf[n] = '\0';
                if (!(v = json_string(buf)))
                    return pg_error_oom(err);
                rc = add_region(l, v, err);
                json_decref(v);
                return rc;
            }
        }
    }
    l->may = 0;
    return PG_OK; /* no region in the plan: the message says "its region" */
}

/* "\"us-west-2\", \"eu-west-1\"" (quoted whole, a NUL included: region
 * names are plan input). */
static int region_list(const json_t *gone, pg_buf *out, pg_error *err)
{
    size_t i;
    int rc = PG_OK;

    for (i = 0; rc == PG_OK && i < json_array_size(gone); i++) {
        const json_t *v = json_array_get(gone, i);

        if (i && (rc = pg_buf_adds(out, ", ", err)) != PG_OK)
            break;
        if (json_is_null(v))
            rc = pg_buf_adds(out, "a region that cannot be read", err);
        else
            rc = pg_quote(out, json_string_value(v), json_string_length(v), PG_QUOTE_DEFAULT_MAX, err);
    }
    return rc;
}

/* Is the table production, or protected by a selector? */
static int weighs_more(const pg_detect_env *env, const pg_change *c, const pg_detect_protection *prot, int *out,
                       pg_error *err)
{
    const char *why = NULL;
    int prod = 0, prot_now = prot && prot->is_protected, rc;

    if ((rc = pg_policy_is_production(env->policy, c, &prod, err)) != PG_OK)
        return rc;
    if (!prot_now && !prod && (rc = pg_policy_protects(env->policy, c, &prot_now, &why, err)) != PG_OK)
        return rc;
    *out = prod || prot_now;
    return PG_OK;
}

static int say(const pg_change *c, const replica_shape *sh, const lost *l, int is_replica, pg_finding *f,
               pg_error *err)
{
    const char *name = is_replica ? NULL : pg_det__str(c, PG_BEFORE, "name");
    pg_path_step ns = {"name", 0};
    char tbl[PG_DET_TEXT + 16], quoted[PG_DET_TEXT];
    pg_buf regions;
    size_t n = json_array_size(l->gone);
    int rc;

    if (!is_replica && strcmp(c->type, TYPE_AWSCC_GLOBAL) == 0) {
        name = pg_det__str(c, PG_BEFORE, "table_name");
        ns.key = "table_name";
    }
    if (name && !pg_det__sensitive(c, &ns, 1))
        snprintf(tbl, sizeof tbl, " (table %s)", pg_quote_str(quoted, sizeof quoted, name));
    else
        tbl[0] = '\0';
    pg_buf_init(&regions, 0);
    if ((rc = region_list(l->gone, &regions, err)) != PG_OK) {
        pg_buf_dispose(&regions);
        return rc;
    }
    if (is_replica)
        rc = pg_det__text(f, PG_DET_MESSAGE, err,
                          "%s is a replica of a DynamoDB global table%s%s and this plan %s: DynamoDB deletes "
                          "the replica table in that region with every item in it, so that region's copy of "
                          "the data is gone.",
                          c->address, n ? " in region " : " (its region is not in the plan)",
                          n ? pg_buf_cstr(&regions) : "", pg_det__destroy_words(c));
    else if (sh->legacy)
        rc = pg_det__text(f, PG_DET_MESSAGE, err,
                          "%s%s %s %s %s from the legacy (2017.11.29) global table%s: the table there stops "
                          "receiving the other regions' writes, so its copy of the data is no longer kept and "
                          "diverges (legacy global tables do not delete the regional table itself).",
                          c->address, tbl, l->may ? "may remove" : "removes", n == 1 ? "region" : "regions",
                          pg_buf_cstr(&regions), l->may ? " (its replica list is known only after apply)" : "");
    else
        rc = pg_det__text(f, PG_DET_MESSAGE, err,
                          "%s%s %s its %s in %s%s: DynamoDB deletes a removed replica with every item in it, "
                          "so %s copy of the data is gone.",
                          c->address, tbl, l->may ? "may lose" : "loses", n == 1 ? "replica" : "replicas",
                          pg_buf_cstr(&regions), l->may ? " (its replica list is known only after apply)" : "",
                          n == 1 ? "that region's" : "each of those regions'");
    if (rc == PG_OK)
        rc = is_replica ? pg_det__text(f, PG_DET_REMEDIATION, err,
                                       "If that region must keep its copy, keep %s (add a `moved` block if it only "
                                       "changed address, revert what forces a replacement). To remove the region for "
                                       "real, move its traffic away and make sure a backup exists first, then waive "
                                       "dynamodb-replica-removed for %s with a reason.",
                                       c->address, c->address)
                        : pg_det__text(f, PG_DET_REMEDIATION, err,
                                       "Keep a %s { %s = ... } entry for %s in %s if the region must keep its copy. "
                                       "To remove the region for real, move its traffic away and make sure a backup "
                                       "exists first, then waive dynamodb-replica-removed for %s with a reason.",
                                       sh->list, sh->region, pg_buf_cstr(&regions), c->address, c->address);
    pg_buf_dispose(&regions);
    return rc;
}

static int on_change(void *state, const pg_detect_env *env, const pg_change *c, const pg_detect_protection *prot,
                     pg_findings *out, pg_error *err)
{
    replica_shape sh = {"replica", "region_name", 0};
    lost l = {NULL, 0, 0};
    int is_replica, heavy = 0, rc;
    pg_finding *f = NULL;
    char path[48];

    (void)state;
    if (c->origin != PG_ORIGIN_PLANNED || !pg_det__is_managed(c) || !wants(c->type, c->action))
        return PG_OK;
    is_replica = strcmp(c->type, TYPE_REPLICA) == 0;
    if (!(l.gone = json_array()))
        return pg_error_oom(err);
    if (is_replica)
        rc = c->destructive ? replica_region(c, &l, err) : PG_OK;
    else
        rc = shape_of(c->type, &sh) && c->action == PG_ACTION_UPDATE ? compare(c, &sh, &l, err) : PG_OK;
    if (rc != PG_OK || (!is_replica && json_array_size(l.gone) == 0) || (is_replica && !c->destructive)) {
        json_decref(l.gone);
        return rc;
    }
    if ((rc = weighs_more(env, c, prot, &heavy, err)) == PG_OK &&
        (rc = pg_det__finding_new(&f, &pg_detector_dynamodb_replica_removed, c, err)) == PG_OK) {
        if (heavy)
            f->severity = PG_SEV_CRITICAL;
        rc = say(c, &sh, &l, is_replica, f, err);
    }
    if (rc == PG_OK) {
        snprintf(path, sizeof path, "%s", is_replica ? "region" : sh.list);
        if (!is_replica)
            snprintf(path, sizeof path, "%s[*].%s", sh.list, sh.region);
        /* Evidence: the regions lost (before) and none of them after. */
        /* A replica resource has one region (a string; null when the plan
         * has none), a table a set of them. */
        json_t *before = is_replica ? json_incref(json_array_size(l.gone) ? json_array_get(l.gone, 0) : json_null())
                                    : json_incref(l.gone);

        rc = pg_det__evidence_take(f, path, before,
                                   is_replica ? json_null() : l.may ? json_string(PG_UNKNOWN_TEXT) : json_array(), err);
    }
    json_decref(l.gone);
    return pg_det__finish(out, f, rc, 1, err);
}

static int wants(const char *type, pg_action a)
{
    if (strcmp(type, TYPE_REPLICA) == 0)
        return a == PG_ACTION_DELETE || a == PG_ACTION_REPLACE || a == PG_ACTION_UNKNOWN;
    return a == PG_ACTION_UPDATE && (strcmp(type, PG_TYPE_DYNAMODB_TABLE) == 0 || strcmp(type, TYPE_GLOBAL) == 0 ||
                                     strcmp(type, TYPE_AWSCC_GLOBAL) == 0);
}
