/* protected_destroy.c — protected-destroy (SPEC §3).
 *
 * Any planned change that destroys an object (delete, replace in either
 * order and for any cause, an unknown action list holding "delete") of a
 * resource that a `protect:` selector of the policy matches. Forget destroys
 * nothing and drift already happened: neither is a planned destroy. */
#include <stdio.h>
#include <string.h>

#include "detect/detect_internal.h"

/* Evidence: what forces a replacement, at most this many paths. */
#define MAX_PATH_EVIDENCE 8

/* What to do about it, by cause. */
static const char *advice(const pg_change *c)
{
    const char *r = c->action_reason ? c->action_reason : "";

    if (strcmp(r, "delete_because_no_resource_config") == 0)
        return "If the resource was renamed or moved to another address, add a `moved { from = OLD  to = NEW }` "
               "block; if its block was deleted by mistake, restore it; to stop managing it without destroying "
               "it, use a `removed` block with `lifecycle { destroy = false }` (Terraform 1.7+) or "
               "`terraform state rm`.";
    if (strcmp(r, "delete_because_no_module") == 0)
        return "If the module was renamed or its call moved, add a `moved` block for the module; if its call was "
               "deleted by mistake, restore it; to stop managing its resources without destroying them, use a "
               "`removed` block with `lifecycle { destroy = false }`.";
    if (strcmp(r, "delete_because_count_index") == 0 || strcmp(r, "delete_because_each_key") == 0 ||
        strcmp(r, "delete_because_wrong_repetition") == 0)
        return "If the instances shifted (a list element removed, count/for_each changed), add `moved` blocks "
               "from the old instance addresses to the new ones, or key for_each by stable names instead of "
               "list positions.";
    if (strcmp(r, "delete_because_no_move_target") == 0)
        return "Fix the `moved` block so that its `to` address exists in the configuration.";
    if (strcmp(r, "replace_because_tainted") == 0)
        return "If the object is healthy, run `terraform untaint` on it and plan again.";
    if (strcmp(r, "replace_by_request") == 0)
        return "Drop the `-replace` option unless destroying this object is the intent.";
    if (strcmp(r, "replace_by_triggers") == 0)
        return "Check the lifecycle `replace_triggered_by` of the resource: a referenced resource changed.";
    if (c->action == PG_ACTION_REPLACE)
        return "Revert the argument that forces the replacement (see the evidence, or `# forces replacement` in "
               "`terraform plan`).";
    return "If the destroy is not intended, restore the configuration that keeps it, or add a `moved` block if "
           "it only changed address.";
}

int pg_det__protected_change(void *state, const pg_detect_env *env, const pg_change *c, pg_findings *out,
                             pg_error *err)
{
    const pg_detector *d = pg_detector_find("protected-destroy");
    const char *why = NULL;
    pg_finding *f;
    size_t i;
    int prot, rc;

    (void)state;
    if (c->origin != PG_ORIGIN_PLANNED || !c->destructive || !pg_det__is_managed(c))
        return PG_OK;
    if ((rc = pg_policy_protects(env->policy, c, &prot, &why, err)) != PG_OK || !prot)
        return rc;
    if (!(f = pg_det__finding(d, c)))
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    if (pg_finding_set_message(f, "%s%s is protected by the policy (%s) and this plan %s, because %s.%s",
                               c->address, c->deposed ? " (a deposed object)" : "",
                               why && *why ? why : "a protect: selector", pg_det__destroy_words(c),
                               pg_det__reason_words(c),
                               strcmp(c->type, PG_TYPE_DYNAMODB_TABLE) == 0
                                   ? " Every item in the table is lost."
                                   : "") != 0 ||
        pg_finding_set_remediation(f, "%s If the destroy is intended, waive protected-destroy for %s with a reason.",
                                   advice(c), c->address) != 0)
        goto nomem;
    /* Show what forces a replacement (replace_paths), redacted. */
    for (i = 0; json_is_array(c->replace_paths) && i < json_array_size(c->replace_paths) && i < MAX_PATH_EVIDENCE;
         i++) {
        const json_t *p = json_array_get(c->replace_paths, i);
        pg_path_step steps[PG_POLICY_MAX_PATH_STEPS];
        char path[256] = "";
        size_t n = 0, j;
        json_t *bv, *av;

        for (j = 0; json_is_array(p) && j < json_array_size(p) && n < PG_POLICY_MAX_PATH_STEPS; j++, n++) {
            const json_t *s = json_array_get(p, j);
            if (json_is_string(s)) {
                steps[n].key = json_string_value(s);
                steps[n].index = 0;
                pg_det__append(path, sizeof path, "%s%s", n ? "." : "", json_string_value(s));
            } else if (json_is_integer(s) && json_integer_value(s) >= 0) {
                steps[n].key = NULL;
                steps[n].index = (size_t)json_integer_value(s);
                pg_det__append(path, sizeof path, "[%zu]", steps[n].index);
            } else {
                break;
            }
        }
        if (n == 0)
            continue;
        bv = pg_change_redacted(c, PG_BEFORE, steps, n);
        av = pg_change_redacted(c, PG_AFTER, steps, n);
        if (!bv || !av) {
            json_decref(bv);
            json_decref(av);
            goto nomem;
        }
        if (pg_finding_add_evidence(f, path, bv, av) != 0)
            goto nomem;
    }
    return pg_findings_add(out, f, err);

nomem:
    pg_finding_free(f);
    return pg_error_set(err, PG_ENOMEM, "out of memory");
}

int pg_det__protected_wants(const char *type, pg_action a)
{
    (void)type;
    return a == PG_ACTION_DELETE || a == PG_ACTION_REPLACE || a == PG_ACTION_UNKNOWN;
}
