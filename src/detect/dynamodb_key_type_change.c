/* dynamodb_key_type_change.c — dynamodb-key-type-change (SPEC §3).
 *
 * An in-place update of an aws_dynamodb_table that changes the `type` of the
 * attribute used as its hash or range key. The provider does not force a
 * replacement for it, and DynamoDB cannot change it: the apply fails, or the
 * configuration silently stops describing the table. Attributes are matched
 * by name between the before and after lists (they are a set: positions move). */
#include <string.h>

#include "detect/detect_internal.h"

#define MSG_MAX 1024

int pg_det__key_type_change(void *state, const pg_detect_env *env, const pg_change *c, pg_findings *out,
                            pg_error *err)
{
    const pg_detector *d = pg_detector_find("dynamodb-key-type-change");
    char desc[MSG_MAX] = "";
    pg_finding *f;
    int n;

    (void)state;
    (void)env;
    if (!pg_det__is_planned_table(c) || c->action != PG_ACTION_UPDATE)
        return PG_OK;
    if (!(f = pg_det__finding(d, c)))
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    if ((n = pg_det__key_type_changes(c, f, desc, sizeof desc)) <= 0) {
        pg_finding_free(f);
        return n < 0 ? pg_error_set(err, PG_ENOMEM, "out of memory") : PG_OK;
    }
    if (pg_finding_set_message(f,
                               "%s is updated in place but %s. DynamoDB cannot change the type of a key "
                               "attribute and the provider does not replace the table for it: the apply "
                               "fails, or the configuration silently stops matching the real table.",
                               c->address, desc) != 0 ||
        pg_finding_set_remediation(f,
                                   "Revert the attribute's type in %s (the type the table has now is shown as "
                                   "the old value). To really change it, create a new table with the new "
                                   "schema under a new name, copy the items, and switch the application over.",
                                   c->address) != 0) {
        pg_finding_free(f);
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    }
    return pg_findings_add(out, f, err);
}

int pg_det__key_type_wants(const char *type, pg_action a)
{
    return a == PG_ACTION_UPDATE && strcmp(type, PG_TYPE_DYNAMODB_TABLE) == 0;
}
