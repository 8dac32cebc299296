/* protected_destroy.c — protected-destroy (SPEC §3).
 *
 * Any planned change that destroys an object (delete, replace in either
 * order and for any cause, an unknown action list holding "delete") of a
 * resource that a `protect:` selector of the policy matches. Forget destroys
 * nothing and drift already happened: neither is a planned destroy.
 *
 * Whether a selector matches is asked once per change by the caller
 * (check.c) and handed over in `prot`: the report's destroy list and this
 * detector read the same answer. */
#include <string.h>

#include "detect/detect_internal.h"

static pg_detect_change_fn on_change;
static pg_detect_wants_fn wants;

const pg_detector pg_detector_protected_destroy = {
    "protected-destroy",
    "A protected resource is destroyed",
    PG_SEV_CRITICAL,
    "A delete or replace (for any reason: a changed argument, a taint, -replace, a removed resource "
    "block or module, a shifted count index or for_each key) of a resource that matches a `protect:` "
    "selector of the policy. Drift and forget (removed blocks with destroy = false) never count.",
    "`lifecycle { prevent_destroy = true }` cannot take a variable, so reusable modules cannot set it "
    "per environment; a rename without a `moved` block, a removed module or a shifted count index then "
    "destroys production data without a second look.",
    "If the resource was renamed or moved, add a `moved` block; if its block was removed by mistake, "
    "restore it; to stop managing it without destroying it, use a `removed` block with "
    "`lifecycle { destroy = false }`. If the destroy is intended, waive the finding for this address "
    "with a reason.",
    NULL, on_change, NULL, NULL, wants,
};

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

/* Evidence: what forces a replacement (replace_paths), redacted; the path
 * itself stops at a sensitive value (a key of a sensitive map is secret). */
static int path_evidence(const pg_change *c, const json_t *p, pg_finding *f, pg_error *err)
{
    pg_path_step steps[PG_POLICY_MAX_PATH_STEPS];
    size_t n = pg_det__replace_path_steps(p, steps);
    pg_buf path;
    int rc;

    if (n == 0)
        return PG_OK;
    pg_buf_init(&path, 0);
    if ((rc = pg_det__path_text(c, steps, n, &path, err)) == PG_OK)
        rc = pg_det__evidence(f, c, pg_buf_cstr(&path), steps, n, err);
    pg_buf_dispose(&path);
    return rc;
}

static int on_change(void *state, const pg_detect_env *env, const pg_change *c, const pg_detect_protection *prot,
                     pg_findings *out, pg_error *err)
{
    char reason[PG_DET_TEXT + 32];
    pg_finding *f = NULL;
    size_t i;
    int rc;

    (void)state;
    (void)env;
    if (c->origin != PG_ORIGIN_PLANNED || !c->destructive || !pg_det__is_managed(c) || !prot->is_protected)
        return PG_OK;
    if ((rc = pg_det__finding_new(&f, &pg_detector_protected_destroy, c, err)) == PG_OK &&
        (rc = pg_det__text(
             f, PG_DET_MESSAGE, err, "%s%s is protected by the policy (%s) and this plan %s, because %s.%s", c->address,
             c->deposed ? " (a deposed object)" : "", prot->why && *prot->why ? prot->why : "a protect: selector",
             pg_det__destroy_words(c), pg_det__reason_words(c, reason, sizeof reason),
             pg_det__is_table_type(c->type) ? " Every item in the table is lost." : "")) == PG_OK)
        rc = pg_det__text(f, PG_DET_REMEDIATION, err,
                          "%s If the destroy is intended, waive protected-destroy for %s with a reason.", advice(c),
                          c->address);
    for (i = 0; rc == PG_OK && json_is_array(c->replace_paths) && i < json_array_size(c->replace_paths) &&
                i < MAX_PATH_EVIDENCE;
         i++)
        rc = path_evidence(c, json_array_get(c->replace_paths, i), f, err);
    return pg_det__finish(out, f, rc, 1, err);
}

static int wants(const char *type, pg_action a)
{
    (void)type;
    return a == PG_ACTION_DELETE || a == PG_ACTION_REPLACE || a == PG_ACTION_UNKNOWN;
}
