/* dynamodb_deletion_protection.c — dynamodb-deletion-protection (SPEC §3).
 *
 * A planned delete or replace of an aws_dynamodb_table whose current state
 * has deletion_protection_enabled = true. AWS refuses the DeleteTable call,
 * so the apply stops half-way through. */
#include <string.h>

#include "detect/detect_internal.h"

static pg_detect_change_fn on_change;
static pg_detect_wants_fn wants;

const pg_detector pg_detector_dynamodb_deletion_protection = {
    "dynamodb-deletion-protection",
    "Destroying a DynamoDB table that has deletion protection",
    PG_SEV_HIGH,
    "A delete or replace of a DynamoDB table (aws_ or awscc_dynamodb_table) whose current state (before) has "
    "deletion_protection_enabled = true.",
    "AWS refuses to delete the table, so the apply fails half-way: whatever was applied before it "
    "stays changed, and for a create-before-destroy replacement the new table may already exist.",
    "If the destroy is not intended, change the configuration so the plan no longer destroys the "
    "table. If it is intended, first set deletion_protection_enabled = false on the table and apply "
    "that on its own, then plan and apply the destroy.",
    NULL, on_change, NULL, NULL, wants,
};

static int on_change(void *state, const pg_detect_env *env, const pg_change *c, const pg_detect_protection *prot,
                     pg_findings *out, pg_error *err)
{
    pg_path_step s = {"deletion_protection_enabled", 0};
    char reason[PG_DET_TEXT + 32];
    pg_finding *f = NULL;
    int rc;

    (void)state;
    (void)env;
    (void)prot;
    if (!pg_det__is_planned_table(c) || !c->destructive || !json_is_true(pg_change_get(c, PG_BEFORE, &s, 1)))
        return PG_OK;
    if ((rc = pg_det__finding_new(&f, &pg_detector_dynamodb_deletion_protection, c, err)) == PG_OK &&
        (rc = pg_det__text(
             f, PG_DET_MESSAGE, err,
             "%s has deletion protection enabled, and this plan %s, because %s. AWS will refuse to delete "
             "it, so the apply fails half-way: everything applied before it stays changed%s.",
             c->address, pg_det__destroy_words(c), pg_det__reason_words(c, reason, sizeof reason),
             c->action == PG_ACTION_REPLACE && c->replace_order == PG_REPLACE_CREATE_BEFORE_DESTROY
                 ? ", and the new table (created first, create_before_destroy) may already exist next to the old "
                   "one"
                 : "")) == PG_OK &&
        (rc = pg_det__text(
             f, PG_DET_REMEDIATION, err,
             "If the destroy is not intended, change the configuration so that the plan no longer destroys %s. "
             "If it is intended: first set deletion_protection_enabled = false on the table and apply that "
             "change on its own, then plan and apply the destroy.",
             c->address)) == PG_OK)
        rc = pg_det__evidence(f, c, "deletion_protection_enabled", &s, 1, err);
    return pg_det__finish(out, f, rc, 1, err);
}

static int wants(const char *type, pg_action a)
{
    return (a == PG_ACTION_DELETE || a == PG_ACTION_REPLACE || a == PG_ACTION_UNKNOWN) &&
           pg_det__is_table_type(type);
}
