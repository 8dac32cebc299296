/* dynamodb_key_type_change.c — dynamodb-key-type-change (SPEC §3).
 *
 * An in-place update of an aws_dynamodb_table that changes the `type` of the
 * attribute used as its hash or range key. The provider does not force a
 * replacement for it, and DynamoDB cannot change it: the apply fails, or the
 * configuration silently stops describing the table. Attributes are matched
 * by name between the before and after lists (they are a set: positions move). */
#include <string.h>

#include "detect/detect_internal.h"

static pg_detect_change_fn on_change;
static pg_detect_wants_fn wants;

const pg_detector pg_detector_dynamodb_key_type_change = {
    "dynamodb-key-type-change",
    "In-place update changes the type of a DynamoDB key attribute",
    PG_SEV_HIGH,
    "An in-place update of a DynamoDB table that changes the type of the attribute used as its "
    "partition or sort key: `attribute[].type` of aws_dynamodb_table's hash_key/range_key, "
    "`attribute_definitions[].attribute_type` of awscc_dynamodb_table's key_schema (before and after "
    "lists matched by name).",
    "DynamoDB cannot change the type of a key attribute, and the provider does not replace the table "
    "for it: the apply fails, or the configuration silently stops matching the table.",
    "Revert the attribute's type. To really change it, create a new table with the new schema, copy "
    "the items, and switch over.",
    NULL, on_change, NULL, NULL, wants,
};

static int on_change(void *state, const pg_detect_env *env, const pg_change *c, const pg_detect_protection *prot,
                     pg_findings *out, pg_error *err)
{
    pg_finding *f = NULL;
    pg_buf desc;
    int n = 0, rc;

    (void)state;
    (void)env;
    (void)prot;
    if (!pg_det__is_planned_table(c) || c->action != PG_ACTION_UPDATE)
        return PG_OK;
    pg_buf_init(&desc, 0);
    if ((rc = pg_det__finding_new(&f, &pg_detector_dynamodb_key_type_change, c, err)) == PG_OK &&
        (rc = n = pg_det__key_type_changes(c, f, &desc, err)) > 0 &&
        (rc = pg_det__text(f, PG_DET_MESSAGE, err,
                           "%s is updated in place but %s. DynamoDB cannot change the type of a key attribute "
                           "and the provider does not replace the table for it: the apply fails, or the "
                           "configuration silently stops matching the real table.",
                           c->address, pg_buf_cstr(&desc))) == PG_OK)
        rc = pg_det__text(f, PG_DET_REMEDIATION, err,
                          "Revert the attribute's type in %s (the type the table has now is shown as the "
                          "old value). To really change it, create a new table with the new schema under a "
                          "new name, copy the items, and switch the application over.",
                          c->address);
    pg_buf_dispose(&desc);
    return pg_det__finish(out, f, rc, n > 0, err);
}

static int wants(const char *type, pg_action a)
{
    return a == PG_ACTION_UPDATE && pg_det__is_table_type(type);
}
