/* finding.c — findings, their evidence, and the list that owns them
 * (finding.h); redaction is redact.c's job, value text value.c's. */
#include "plangate/finding.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "finding/value.h"
#include "plangate/alloc.h"
#include "util/buf.h"
#include "util/grow.h"
#include "util/utf8.h"

static const char *const severity_names[] = {"info", "low", "medium", "high", "critical"};

const char *pg_severity_name(pg_severity s)
{
    if ((unsigned)s > PG_SEV_CRITICAL)
        return "unknown";
    return severity_names[s];
}

int pg_severity_from_name(const char *name)
{
    int i;

    if (!name)
        return -1;
    for (i = 0; i <= (int)PG_SEV_CRITICAL; i++)
        if (strcmp(name, severity_names[i]) == 0)
            return i;
    return -1;
}

/* MARK: one finding */

static int dup_opt(char **out, const char *s)
{
    *out = s ? pg_strdup(s) : NULL;
    return s && !*out ? PG_ENOMEM : PG_OK;
}

int pg_finding_new(pg_finding **out, const char *rule, pg_severity severity, const pg_change *change,
                   pg_error *err)
{
    pg_finding *f = pg_calloc(1, sizeof *f);

    *out = NULL;
    if (!f)
        return pg_error_oom(err);
    f->severity = severity;
    f->waivable = 1;
    f->action = PG_ACTION_NOOP;
    if (dup_opt(&f->rule, rule ? rule : "") || dup_opt(&f->address, change && change->address ? change->address : ""))
        goto fail;
    if (change) {
        f->origin = change->origin;
        f->action = change->action;
        if (dup_opt(&f->type, change->type) || dup_opt(&f->action_reason, change->action_reason))
            goto fail;
        /* the plan reader vouches for the shape; the caps for the size */
        if (change->actions && !(f->actions = pg_value__copy_capped(change->actions)))
            goto fail;
    }
    *out = f;
    return PG_OK;
fail:
    pg_finding_free(f);
    return pg_error_oom(err);
}

void pg_finding_free(pg_finding *f)
{
    size_t i;

    if (!f)
        return;
    pg_free(f->rule);
    pg_free(f->address);
    pg_free(f->type);
    json_decref(f->actions);
    pg_free(f->action_reason);
    pg_free(f->message);
    pg_free(f->remediation);
    for (i = 0; i < f->n_evidence; i++) {
        pg_free(f->evidence[i].path);
        json_decref(f->evidence[i].before);
        json_decref(f->evidence[i].after);
    }
    pg_free(f->evidence);
    pg_free(f->waiver_reason);
    pg_free(f->waiver_owner);
    pg_free(f->waiver_expired);
    pg_free(f->cause);
    json_decref(f->forced_by);
    pg_free(f);
}

/* Format into a new string of at most PG_FINDING_MAX_TEXT bytes. */
#if defined(__GNUC__)
__attribute__((format(printf, 1, 0)))
#endif
static char *vformat(const char *fmt, va_list ap)
{
    pg_buf b;
    size_t cut;

    pg_buf_init(&b, 0);
    if (pg_buf_vaddf(&b, NULL, fmt, ap) < 0) {
        pg_buf_dispose(&b);
        return NULL;
    }
    if (b.len > PG_FINDING_MAX_TEXT) {
        cut = pg_utf8_cut(b.ptr, b.len, PG_FINDING_MAX_TEXT - 3);
        memcpy(b.ptr + cut, "\xe2\x80\xa6", 4); /* "…" and the NUL: the buffer holds more */
        b.len = cut + 3;
    }
    return pg_buf_detach(&b, NULL);
}

/* The format travels on (clang's -Wformat-nonliteral wants it said). */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 0)))
#endif
static int set_text(char **field, const char *fmt, va_list ap)
{
    char *s = vformat(fmt, ap);

    if (!s)
        return PG_ENOMEM;
    pg_free(*field);
    *field = s;
    return PG_OK;
}

int pg_finding_set_message(pg_finding *f, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = set_text(&f->message, fmt, ap);
    va_end(ap);
    return rc;
}

int pg_finding_set_remediation(pg_finding *f, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = set_text(&f->remediation, fmt, ap);
    va_end(ap);
    return rc;
}

int pg_finding_has_evidence(const pg_finding *f, const char *path)
{
    size_t i;

    for (i = 0; i < f->n_evidence; i++)
        if (strcmp(f->evidence[i].path, path) == 0)
            return 1;
    return 0;
}

int pg_finding_add_evidence(pg_finding *f, const char *path, json_t *before, json_t *after)
{
    /* pg_finding has no capacity field (its layout is public): the array
     * holds n_evidence and grows on each add, as it always has. */
    size_t cap = f->n_evidence;
    int had_before = before != NULL, had_after = after != NULL;
    char *p = NULL;

    /* Values come from pg_change_redacted, within the caps; any other
     * caller's are capped here, so memory never grows with a value. */
    before = pg_value__capped(before, 0);
    after = pg_value__capped(after, 0);
    if ((had_before && !before) || (had_after && !after) || !(p = pg_strdup(path ? path : "")) ||
        pg_grow((void **)&f->evidence, &cap, f->n_evidence + 1, sizeof *f->evidence, 1, NULL) != 0) {
        pg_free(p);
        json_decref(before);
        json_decref(after);
        return PG_ENOMEM;
    }
    f->evidence[f->n_evidence].path = p;
    f->evidence[f->n_evidence].before = before;
    f->evidence[f->n_evidence].after = after;
    f->n_evidence++;
    return PG_OK;
}

/* MARK: the list */

void pg_findings_init(pg_findings *l)
{
    memset(l, 0, sizeof *l);
}

void pg_findings_dispose(pg_findings *l)
{
    size_t i;

    if (!l)
        return;
    for (i = 0; i < l->count; i++)
        pg_finding_free(l->items[i]);
    pg_free(l->items);
    memset(l, 0, sizeof *l);
}

int pg_findings_add(pg_findings *l, pg_finding *f, pg_error *err)
{
    size_t max = l->max ? l->max : PG_DEFAULT_MAX_FINDINGS;

    if (!f)
        return pg_error_oom(err);
    if (l->count >= max) {
        pg_finding_free(f);
        return pg_error_set(err, PG_ELIMIT,
                            "more than %zu findings: the plan is too large to report on (limit max_findings)",
                            max);
    }
    if (PG_GROW(l->items, l->cap, l->count + 1, err) < 0) {
        pg_finding_free(f);
        return PG_ENOMEM;
    }
    l->items[l->count++] = f;
    return PG_OK;
}

static int cmp_findings(const void *a, const void *b)
{
    const pg_finding *x = *(pg_finding *const *)a;
    const pg_finding *y = *(pg_finding *const *)b;
    int c;

    if (x->severity != y->severity)
        return x->severity > y->severity ? -1 : 1;
    if ((c = strcmp(x->address, y->address)) != 0)
        return c;
    if ((c = strcmp(x->rule, y->rule)) != 0)
        return c;
    /* Same rule on the same address (several evidence messages): keep it stable. */
    return strcmp(x->message ? x->message : "", y->message ? y->message : "");
}

void pg_findings_sort(pg_findings *l)
{
    if (l->count > 1)
        qsort(l->items, l->count, sizeof *l->items, cmp_findings);
}
