/* data_loss.c — data-loss (issue 14).
 *
 * A planned delete or replace (either order, any cause, a deposed object
 * too: a deposed database is still a database; an unknown action list that
 * holds "delete") of a managed resource whose type the policy's catalogue of
 * data stores (`data_stores:`, policies/catalogue.yaml) lists. Forget,
 * drift, reads of data sources, creates, in-place updates and moves without
 * a destroy destroy nothing: no finding.
 *
 * The finding says, in words: what is lost (the catalogue's `holds`), the
 * physical name (through the redaction), the Terraform cause
 * (action_reason), the attributes that force a replacement (replace_paths:
 * by name, a sensitive one's value never shown), what softens or hardens the
 * loss (the catalogue's `outcome:` entries, read from `before`, the state a
 * provider deletes with), and a create-before-destroy replacement whose name
 * does not change (the new object collides with the old one).
 *
 * Severity: critical when the store is production (environments:, from
 * what is destroyed: tags/tags_all, labels, --env) or a protect: selector
 * matches it; otherwise the default, medium, one level below the default
 * --fail-on, so a dev stack torn down on purpose is reported and does not
 * fail (docs/detectors.md "data-loss" justifies it on the real corpus). No
 * outcome lowers the severity: a final snapshot may be deleted tomorrow, and
 * a value the plan does not show is never counted as the safe side. */
#include <stdio.h>
#include <string.h>

#include "detect/detect_internal.h"

static pg_detect_change_fn on_change;
static pg_detect_wants_fn wants;

const pg_detector pg_detector_data_loss = {
    "data-loss",
    "A resource that holds data is destroyed",
    PG_SEV_MEDIUM,
    "A delete or replace (either order, any cause, deposed objects too) of a resource whose type the "
    "catalogue of data stores lists (policies/catalogue.yaml, `data_stores:` in a policy): databases, "
    "buckets, volumes, queues, keys, secrets, and containers such as an Azure resource group or a "
    "Google project that take everything in them along. Critical when the resource is production "
    "(environments: tags, --env) or protected by a `protect:` selector; medium otherwise. Forget, "
    "drift, data sources, in-place updates and moves without a destroy are not destroys.",
    "A destroy of a data store loses its data for good unless something keeps it: a final snapshot, a "
    "recovery window, soft delete. A replacement is easy to miss in a long plan: one changed "
    "identifier, engine or key schema replaces the database, and the new one is empty.",
    "If the destroy is not intended: revert the argument that forces the replacement, restore the "
    "removed block or add a `moved` block, or stop managing the resource with a `removed` block and "
    "`lifecycle { destroy = false }`. If it is intended: take a backup first, and waive data-loss for "
    "the address with a reason. `plangate explain TYPE` says what the catalogue knows of a type.",
    NULL, on_change, NULL, NULL, wants,
};

/* What forces a replacement: at most this many attribute paths are named. */
#define MAX_PATHS 8

/* The physical name: the first catalogued name attribute that is set, as a
 * quoted name (a sensitive one as sensitive). *found 0 when none is set. */
static void physical_name(const pg_change *c, const pg_data_store *d, char *buf, size_t size, int *found)
{
    size_t i;

    *found = 0;
    buf[0] = '\0';
    for (i = 0; i < d->n_names; i++) {
        pg_det_attr s;
        const json_t *v;

        pg_det__attr_path(&s, d->names[i]);
        v = pg_change_get(c, PG_BEFORE, s.steps, s.n);
        if (!v || json_is_null(v))
            continue;
        if (!json_is_string(v))
            continue; /* names are strings: anything else is not one an operator types */
        pg_det__name_json(v, pg_det__sensitive(c, s.steps, s.n), buf, size);
        *found = 1;
        return;
    }
}

/* A create-before-destroy replacement that keeps a name: the new object is
 * created while the old one, with the same name, still exists. */
static int name_collides(const pg_change *c, const pg_data_store *d)
{
    size_t i;

    if (c->action != PG_ACTION_REPLACE || c->replace_order != PG_REPLACE_CREATE_BEFORE_DESTROY)
        return 0;
    for (i = 0; i < d->n_names; i++) {
        pg_det_attr s;
        const json_t *b;

        pg_det__attr_path(&s, d->names[i]);
        b = pg_change_get(c, PG_BEFORE, s.steps, s.n);
        if (!b || json_is_null(b))
            continue;
        /* an unknown new name (a name_prefix, a random suffix) is not the same one */
        return !pg_change_is_unknown(c, s.steps, s.n) && pg_det__equal(b, pg_change_get(c, PG_AFTER, s.steps, s.n));
    }
    return 0;
}

/* `says` with each {attr} replaced by the redacted before value of attr. */
static int render_says(const pg_change *c, const char *says, pg_buf *out, pg_error *err)
{
    const char *p = says, *open, *close;
    char key[256], text[PG_DET_TEXT];
    int rc = PG_OK;

    while (rc == PG_OK && (open = strchr(p, '{')) && (close = strchr(open, '}'))) {
        size_t n = (size_t)(close - open - 1);
        pg_det_attr s;
        if ((rc = pg_buf_add(out, p, (size_t)(open - p), err)) != PG_OK)
            break;
        snprintf(key, sizeof key, "%.*s", (int)(n < sizeof key ? n : sizeof key - 1), open + 1);
        pg_det__attr_path(&s, key);
        if ((rc = pg_det__value_text(c, PG_BEFORE, s.steps, s.n, text, sizeof text, err)) == PG_OK)
            rc = pg_buf_adds(out, text, err);
        p = close + 1;
    }
    return rc == PG_OK ? pg_buf_adds(out, p, err) : rc;
}

/* `says` rendered as a sentence: its first letter in capitals when its
 * first word is a word (the text is the policy's; an attribute name or a
 * placeholder at the start stays as it is). */
static int says_sentence(const pg_change *c, const char *says, pg_buf *out, pg_error *err)
{
    size_t at = out->len;
    int rc = render_says(c, says, out, err);

    /* not an attribute name: "force_destroy is false" stays as it is written */
    if (rc == PG_OK && says[0] >= 'a' && says[0] <= 'z' && strcspn(says, " _{") == strcspn(says, " ") &&
        out->ptr && at < out->len)
        out->ptr[at] = (char)(says[0] - 'a' + 'A');
    return rc;
}

/* What softens or hardens the loss: for each attribute the first outcome
 * that matches its before value. A sensitive value is not shown and matches
 * nothing; an unknown one is said as unknown. *blocks: an outcome that makes
 * the provider refuse. */
static int outcomes(const pg_change *c, const pg_data_store *d, pg_finding *f, pg_buf *out, int *blocks,
                    pg_error *err)
{
    size_t i, k;
    int rc = PG_OK;

    *blocks = 0;
    for (i = 0; rc == PG_OK && i < d->n_outcomes; i++) {
        const pg_store_outcome *o = &d->outcomes[i];
        pg_det_attr s;
        const json_t *v;
        int said = 0;

        pg_det__attr_path(&s, o->attribute);
        v = pg_change_get(c, PG_BEFORE, s.steps, s.n);

        for (k = 0; k < i && !said; k++)
            said = strcmp(d->outcomes[k].attribute, o->attribute) == 0;
        if (said)
            continue; /* decided at this attribute's first entry */
        if (pg_det__sensitive(c, s.steps, s.n)) {
            rc = pg_buf_addf(out, err, " %s is sensitive: its value is not shown and not counted as the safe side.",
                             o->attribute);
            continue;
        }
        if ((!v || json_is_null(v)) && pg_change_is_unknown(c, s.steps, s.n)) {
            rc = pg_buf_addf(out, err, " %s is unknown at plan time: not counted as the safe side.", o->attribute);
            continue;
        }
        for (k = i; k < d->n_outcomes; k++) {
            const pg_store_outcome *m = &d->outcomes[k];
            if (strcmp(m->attribute, o->attribute) != 0 || !pg_policy_store_outcome_matches(m, v))
                continue;
            if ((rc = pg_buf_adds(out, " ", err)) == PG_OK && (rc = says_sentence(c, m->says, out, err)) == PG_OK &&
                (rc = pg_buf_adds(out, ".", err)) == PG_OK && !pg_finding_has_evidence(f, o->attribute))
                rc = pg_det__evidence(f, c, o->attribute, s.steps, s.n, err);
            if (m->effect == PG_STORE_BLOCKS)
                *blocks = 1;
            break;
        }
    }
    return rc;
}

/* The attributes that force the replacement, by name (replace_paths). */
static int forced_by(const pg_change *c, pg_finding *f, pg_buf *out, pg_error *err)
{
    size_t i, named = 0;
    int rc = PG_OK;

    for (i = 0; rc == PG_OK && json_is_array(c->replace_paths) && i < json_array_size(c->replace_paths) &&
                named < MAX_PATHS;
         i++) {
        const json_t *p = json_array_get(c->replace_paths, i);
        pg_path_step steps[PG_POLICY_MAX_PATH_STEPS];
        size_t n = pg_det__replace_path_steps(p, steps);
        pg_buf path;

        if (n == 0)
            continue;
        pg_buf_init(&path, 0);
        /* the path stops at a sensitive value: a secret attribute is named, never shown */
        if ((rc = pg_det__path_text(c, steps, n, &path, err)) == PG_OK &&
            (rc = pg_buf_addf(out, err, "%s%s", named ? ", " : " Forced by a change to ", pg_buf_cstr(&path))) ==
                PG_OK)
            rc = pg_det__evidence(f, c, pg_buf_cstr(&path), steps, n, err);
        pg_buf_dispose(&path);
        named++;
    }
    return rc == PG_OK && named ? pg_buf_adds(out, ".", err) : rc;
}

/* What to do when the destroy is not intended, by cause. */
static const char *advice(const pg_change *c)
{
    if (c->deposed)
        return "A deposed object is what is left of an earlier create-before-destroy replacement whose destroy "
               "failed: check that nothing still reads from it, and copy what it holds before the apply.";
    if (c->action_reason && strcmp(c->action_reason, "replace_because_tainted") == 0)
        return "If the object is healthy, run `terraform untaint` on it and plan again.";
    if (c->action_reason && strcmp(c->action_reason, "replace_by_request") == 0)
        return "Drop the `-replace` option unless destroying this object is the intent.";
    if (c->action == PG_ACTION_REPLACE)
        return "If the replacement is not intended, revert the argument that forces it (see the evidence, or "
               "`# forces replacement` in `terraform plan`).";
    return "If the destroy is not intended, restore the removed block, add a `moved` block if it only changed "
           "address, or stop managing it without destroying it (a `removed` block with "
           "`lifecycle { destroy = false }`).";
}

static int on_change(void *state, const pg_detect_env *env, const pg_change *c, const pg_detect_protection *prot,
                     pg_findings *out, pg_error *err)
{
    char reason[PG_DET_TEXT + 32], name[PG_DET_TEXT];
    const pg_data_store *d;
    const char *envname = NULL;
    pg_finding *f = NULL;
    pg_buf more;
    int rc, production = 0, has_name, blocks = 0;

    (void)state;
    if (c->origin != PG_ORIGIN_PLANNED || !c->destructive || !pg_det__is_managed(c) ||
        !(d = pg_policy_data_store_find(env->policy, c->type)))
        return PG_OK;
    if ((rc = pg_policy_is_production(env->policy, c, &production, err)) != PG_OK ||
        (production && (rc = pg_policy_change_environment(env->policy, c, &envname, err)) != PG_OK))
        return rc;
    physical_name(c, d, name, sizeof name, &has_name);
    pg_buf_init(&more, 0);
    if ((rc = pg_det__finding_new(&f, &pg_detector_data_loss, c, err)) != PG_OK)
        goto out;
    if (production || prot->is_protected)
        f->severity = PG_SEV_CRITICAL;
    if ((rc = forced_by(c, f, &more, err)) != PG_OK || (rc = outcomes(c, d, f, &more, &blocks, err)) != PG_OK)
        goto out;
    if (blocks && c->action == PG_ACTION_REPLACE && c->replace_order == PG_REPLACE_CREATE_BEFORE_DESTROY &&
        (rc = pg_buf_adds(&more, " The new one, created first (create_before_destroy), may then already exist "
                                 "next to the old one.",
                          err)) != PG_OK)
        goto out;
    if (name_collides(c, d) &&
        (rc = pg_buf_addf(&more, err,
                          " create_before_destroy creates the new one first with the same name%s%s while the old "
                          "one still exists: the create is expected to fail on the name collision.",
                          has_name ? " " : "", has_name ? name : "")) != PG_OK)
        goto out;
    if (production &&
        (rc = pg_buf_addf(&more, err, " It is production (environment %s).", envname ? envname : "production")) !=
            PG_OK)
        goto out;
    if (prot->is_protected && (rc = pg_buf_addf(&more, err, " It is protected by the policy (%s).",
                                                prot->why && *prot->why ? prot->why : "a protect: selector")) != PG_OK)
        goto out;
    if ((rc = pg_det__text(f, PG_DET_MESSAGE, err, "%s%s%s%s%s holds data and this plan %s, because %s: %s is lost.%s",
                           c->address, has_name ? " (" : "", has_name ? name : "", has_name ? ")" : "",
                           c->deposed ? ", a deposed object," : "", pg_det__destroy_words(c),
                           pg_det__reason_words(c, reason, sizeof reason), d->holds, pg_buf_cstr(&more))) != PG_OK)
        goto out;
    rc = pg_det__text(f, PG_DET_REMEDIATION, err,
                      "%s If it is intended, take a backup first and waive data-loss for %s with a reason.",
                      advice(c), c->address);
out:
    pg_buf_dispose(&more);
    return pg_det__finish(out, f, rc, 1, err);
}

static int wants(const char *type, pg_action a)
{
    (void)type; /* the catalogue is the policy's: destroys are always decoded (plan.h) */
    return a == PG_ACTION_DELETE || a == PG_ACTION_REPLACE || a == PG_ACTION_UNKNOWN;
}
