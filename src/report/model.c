/* model.c — the report model that every writer prints (include/plangate/report.h). */
#include "plangate/report.h"

#include <string.h>

#include "finding/value.h"
#include "plangate/alloc.h"
#include "util/grow.h"

void pg_report_init(pg_report *r)
{
    memset(r, 0, sizeof *r);
    pg_findings_init(&r->findings);
    r->plan.complete = -1;
    r->plan.applyable = -1;
    r->fail_on = PG_SEV_HIGH;
}

static void list_dispose(pg_report_list *l)
{
    size_t i;

    for (i = 0; i < l->count; i++) {
        pg_report_item *it = &l->items[i];
        pg_free(it->address);
        pg_free(it->type);
        pg_free(it->physical_name);
        pg_free(it->previous_address);
        pg_free(it->deposed);
        pg_free(it->action_reason);
        json_decref(it->actions);
    }
    pg_free(l->items);
    memset(l, 0, sizeof *l);
}

void pg_report_dispose(pg_report *r)
{
    size_t i;

    if (!r)
        return;
    pg_free(r->source);
    pg_findings_dispose(&r->findings);
    pg_free(r->waivers);
    list_dispose(&r->destroys);
    list_dispose(&r->moves);
    list_dispose(&r->deposed);
    list_dispose(&r->drift);
    list_dispose(&r->imports);
    pg_free(r->rules);
    for (i = 0; i < r->n_errors; i++)
        pg_free(r->errors[i]);
    pg_free(r->errors);
    pg_free(r->weakened);
    pg_free(r->config_path);
    memset(r, 0, sizeof *r);
}

int pg_report_add_error(pg_report *r, const char *message, pg_error *err)
{
    char *copy;
    int rc;

    if ((rc = PG_GROW(r->errors, r->errors_cap, r->n_errors + 1, err)) != PG_OK)
        return rc;
    if (!(copy = pg_strdup(message ? message : "")))
        return pg_error_oom(err);
    r->errors[r->n_errors++] = copy;
    return PG_OK;
}

static int dup_opt(char **out, const char *s)
{
    *out = NULL;
    if (!s)
        return 0;
    *out = pg_strdup(s);
    return *out ? 0 : -1;
}

int pg_report_list_add(pg_report_list *l, const pg_change *c, int is_protected, pg_error *err)
{
    pg_report_item *it;
    int rc;

    l->total++;
    if (l->count >= PG_REPORT_MAX_ITEMS)
        return PG_OK; /* counted, not listed: memory must not grow with the plan */
    if ((rc = PG_GROW(l->items, l->cap, l->count + 1, err)) != PG_OK)
        return rc;
    it = &l->items[l->count];
    memset(it, 0, sizeof *it);
    l->count++;
    it->action = c->action;
    it->replace_order = c->replace_order;
    it->is_protected = is_protected;
    if (dup_opt(&it->address, c->address ? c->address : "") || dup_opt(&it->type, c->type) ||
        dup_opt(&it->previous_address, c->previous_address) || dup_opt(&it->deposed, c->deposed) ||
        dup_opt(&it->action_reason, c->action_reason))
        return pg_error_oom(err);
    if (c->actions && !(it->actions = pg_value__copy_capped(c->actions)))
        return pg_error_oom(err);
    return PG_OK;
}

size_t pg_report_failing(const pg_report *r)
{
    size_t i, n = 0;

    for (i = 0; i < r->findings.count; i++) {
        const pg_finding *f = r->findings.items[i];
        if (!f->waived && f->severity >= r->fail_on)
            n++;
    }
    return n;
}
