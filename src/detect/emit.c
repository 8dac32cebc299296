/* emit.c — how a detector builds a finding: from its own descriptor (never
 * by looking its id up), with a message, a remediation and redacted
 * evidence, then hands it to the list. Findings made in `end`, when the
 * change is gone, start from what was kept of it (pg_det_origin). */
#include <stdarg.h>
#include <string.h>

#include "detect/detect_internal.h"
#include "plangate/alloc.h"

int pg_det__finding_new(pg_finding **out, const pg_detector *d, const pg_change *c, pg_error *err)
{
    return pg_finding_new(out, d->id, d->default_severity, c, err);
}

int pg_det__text(pg_finding *f, pg_det_field field, pg_error *err, const char *fmt, ...)
{
    va_list ap;
    pg_buf b;
    int rc;

    pg_buf_init(&b, 0);
    va_start(ap, fmt);
    rc = pg_buf_vaddf(&b, err, fmt, ap);
    va_end(ap);
    /* finding.h answers 0 or PG_ENOMEM and records nothing: record it here. */
    if (rc == PG_OK && (field == PG_DET_MESSAGE ? pg_finding_set_message(f, "%s", pg_buf_cstr(&b))
                                                : pg_finding_set_remediation(f, "%s", pg_buf_cstr(&b))) != 0)
        rc = pg_error_oom(err);
    pg_buf_dispose(&b);
    return rc;
}

int pg_det__evidence_take(pg_finding *f, const char *path, json_t *before, json_t *after, pg_error *err)
{
    if (!before || !after) {
        json_decref(before);
        json_decref(after);
        return pg_error_oom(err);
    }
    return pg_finding_add_evidence(f, path, before, after) == 0 ? PG_OK : pg_error_oom(err);
}

int pg_det__evidence_pair(pg_finding *f, const pg_change *c, const char *path, const pg_path_step *bsteps,
                          const pg_path_step *asteps, size_t n, pg_error *err)
{
    json_t *b, *a;
    int rc = pg_det__redacted_pair(c, bsteps, asteps, n, &b, &a, err);

    return rc == PG_OK ? pg_det__evidence_take(f, path, b, a, err) : rc;
}

int pg_det__evidence(pg_finding *f, const pg_change *c, const char *path, const pg_path_step *steps, size_t n,
                     pg_error *err)
{
    return pg_det__evidence_pair(f, c, path, steps, steps, n, err);
}

int pg_det__finish(pg_findings *out, pg_finding *f, int rc, int keep, pg_error *err)
{
    if (rc != PG_OK || !keep) {
        pg_finding_free(f);
        return rc;
    }
    return pg_findings_add(out, f, err);
}

int pg_det__state_new(void **state_out, size_t size, pg_error *err)
{
    *state_out = pg_calloc(1, size);
    return *state_out ? PG_OK : pg_error_oom(err);
}

int pg_det__origin_keep(pg_det_origin *o, const pg_change *c, pg_error *err)
{
    memset(o, 0, sizeof *o);
    o->action = c->action;
    if (!(o->address = pg_strdup(c->address ? c->address : "")) ||
        (c->actions && !(o->actions = json_deep_copy(c->actions))) ||
        (c->action_reason && !(o->reason = pg_strdup(c->action_reason))) ||
        (c->type && !(o->type = pg_strdup(c->type)))) {
        pg_det__origin_dispose(o);
        return pg_error_oom(err);
    }
    return PG_OK;
}

void pg_det__origin_dispose(pg_det_origin *o)
{
    pg_free(o->address);
    json_decref(o->actions);
    pg_free(o->reason);
    pg_free(o->type);
    memset(o, 0, sizeof *o);
}

int pg_det__finding_from(pg_finding **out, const pg_detector *d, const pg_det_origin *o, pg_error *err)
{
    pg_change fake;

    /* The change is gone by `end`: rebuild what a finding copies from it. */
    memset(&fake, 0, sizeof fake);
    fake.address = o->address;
    fake.type = o->type ? o->type : PG_TYPE_DYNAMODB_TABLE;
    fake.actions = o->actions;
    fake.action = o->action;
    fake.action_reason = o->reason;
    return pg_det__finding_new(out, d, &fake, err);
}
