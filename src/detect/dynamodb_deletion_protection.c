/* dynamodb_deletion_protection.c — dynamodb-deletion-protection (SPEC §3).
 *
 * A planned delete or replace of an aws_dynamodb_table whose current state
 * has deletion_protection_enabled = true. AWS refuses the DeleteTable call,
 * so the apply stops half-way through. */
#include <string.h>

#include "detect/detect_internal.h"

int pg_det__deletion_protection_change(void *state, const pg_detect_env *env, const pg_change *c,
                                       pg_findings *out, pg_error *err)
{
    const pg_detector *d = pg_detector_find("dynamodb-deletion-protection");
    pg_path_step s = {"deletion_protection_enabled", 0};
    pg_finding *f;

    (void)state;
    (void)env;
    if (!pg_det__is_planned_table(c) || !c->destructive)
        return PG_OK;
    if (!json_is_true(pg_change_get(c, PG_BEFORE, &s, 1)))
        return PG_OK;
    if (!(f = pg_det__finding(d, c)))
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    if (pg_finding_set_message(
            f,
            "%s has deletion protection enabled, and this plan %s, because %s. AWS will refuse to delete "
            "it, so the apply fails half-way: everything applied before it stays changed%s.",
            c->address, pg_det__destroy_words(c), pg_det__reason_words(c),
            c->action == PG_ACTION_REPLACE && c->replace_order == PG_REPLACE_CREATE_BEFORE_DESTROY
                ? ", and the new table (created first, create_before_destroy) may already exist next to the old one"
                : "") != 0 ||
        pg_finding_set_remediation(
            f,
            "If the destroy is not intended, change the configuration so that the plan no longer destroys %s. "
            "If it is intended: first set deletion_protection_enabled = false on the table and apply that "
            "change on its own, then plan and apply the destroy.",
            c->address) != 0 ||
        pg_finding_add_evidence(f, "deletion_protection_enabled", pg_change_redacted(c, PG_BEFORE, &s, 1),
                                pg_change_redacted(c, PG_AFTER, &s, 1)) != 0) {
        pg_finding_free(f);
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    }
    return pg_findings_add(out, f, err);
}

int pg_det__deletion_protection_wants(const char *type, pg_action a)
{
    return (a == PG_ACTION_DELETE || a == PG_ACTION_REPLACE || a == PG_ACTION_UNKNOWN) &&
           strcmp(type, PG_TYPE_DYNAMODB_TABLE) == 0;
}
