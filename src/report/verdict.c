/*
 * verdict.c — the verdict sentence (issue 15): one line that a reader who
 * reads nothing else acts on. Text prints it first and last; the Markdown
 * heading and the other formats may lead with it. Only fixed words and
 * counts: nothing from the plan reaches it, so it needs no escaping.
 */
#include "report/report_internal.h"

#include <stdlib.h>
#include <string.h>

#include "plangate/alloc.h"


static int is_table(const pg_report_item *it)
{
    return it->type && strcmp(it->type, "aws_dynamodb_table") == 0;
}

static int cmp_finding(const void *a, const void *b)
{
    return strcmp((*(const pg_finding *const *)a)->address, (*(const pg_finding *const *)b)->address);
}

static int cmp_addr(const void *key, const void *elt)
{
    return strcmp((const char *)key, (*(const pg_finding *const *)elt)->address);
}

void pg_report__data_lost(const pg_report *r, size_t *stores, size_t *tables)
{
    const pg_finding **lost = NULL;
    size_t i, n = 0;

    *stores = *tables = 0;
    /* What holds data is the data-loss detector's call (the catalogue of
     * data stores): the destroys it has a finding on, waived or not. */
    for (i = 0; i < r->findings.count; i++)
        n += r->findings.items[i]->rule && strcmp(r->findings.items[i]->rule, "data-loss") == 0;
    if (n && (lost = pg_calloc(n, sizeof *lost)) != NULL) {
        n = 0;
        for (i = 0; i < r->findings.count; i++) {
            const pg_finding *f = r->findings.items[i];
            if (f->rule && strcmp(f->rule, "data-loss") == 0 && f->address)
                lost[n++] = f;
        }
        qsort(lost, n, sizeof *lost, cmp_finding);
    }
    if (lost && r->destroys.total > r->destroys.count) {
        /* The destroy list holds only its first PG_REPORT_MAX_ITEMS: counting
         * over it would say "data is lost in 1000 data stores" for 3000
         * (red team). Count the findings' distinct addresses instead; a
         * deposed copy may then count as a store, which overstates, never
         * understates, the loss. */
        for (i = 0; i < n; i++)
            if (i == 0 || strcmp(lost[i]->address, lost[i - 1]->address) != 0) {
                (*stores)++;
                *tables += (size_t)(lost[i]->type && strcmp(lost[i]->type, "aws_dynamodb_table") == 0);
            }
        pg_free(lost);
        return;
    }
    for (i = 0; i < r->destroys.count; i++) {
        const pg_report_item *it = &r->destroys.items[i];
        /* a deposed object is a leftover copy: the store itself stays */
        if (it->deposed)
            continue;
        if (lost ? bsearch(it->address, lost, n, sizeof *lost, cmp_addr) != NULL : is_table(it)) {
            (*stores)++;
            *tables += (size_t)is_table(it);
        }
    }
    pg_free(lost);
}

static const char *s_if(size_t n)
{
    return n == 1 ? "" : "s";
}

/* "every item of 2 tables is lost" when only tables lose data, else "data
 * is lost in 7 data stores (every item of 2 tables)"; nothing when none. */
static int loss_words(pg_buf *out, size_t stores, size_t tables, const char *lead, pg_error *err)
{
    if (stores == 0)
        return PG_OK;
    if (stores == tables)
        return pg_buf_addf(out, err, "%severy item of %zu table%s is lost", lead, tables, s_if(tables));
    if (tables)
        return pg_buf_addf(out, err, "%sdata is lost in %zu data stores (every item of %zu table%s)", lead, stores,
                           tables, s_if(tables));
    return pg_buf_addf(out, err, "%sdata is lost in %zu data store%s", lead, stores, s_if(stores));
}

/* A PASS never holds the word "fail" ("below the threshold"): CI recipes
 * (Atlantis's policy check, docs/ci.md) look for it in the output. */
int pg_report__verdict_loss(const pg_report *r, pg_buf *out, const char *lead, pg_error *err)
{
    size_t stores, tables;

    pg_report__data_lost(r, &stores, &tables);
    return loss_words(out, stores, tables, lead, err);
}

int pg_report__verdict_sentence(const pg_report *r, pg_buf *out, pg_error *err)
{
    const char *fail_on = pg_severity_name(r->fail_on);
    size_t stores, tables;
    pg_report__tally t;
    int rc = PG_OK;

    pg_report__count(r, &t);
    pg_report__data_lost(r, &stores, &tables);
    switch (r->verdict) {
    case PG_VERDICT_ERROR:
        rc = pg_buf_adds(out, "ERROR: do not apply: the plan could not be evaluated", err);
        if (rc == PG_OK && r->findings.count)
            rc = pg_buf_addf(out, err, " (%zu finding%s in what was read)", r->findings.count,
                             s_if(r->findings.count));
        return rc;
    case PG_VERDICT_FAIL:
        rc = pg_buf_addf(out, err, "FAIL: do not apply: %zu blocking finding%s (at or above %s)", t.blocking,
                         s_if(t.blocking), fail_on);
        if (rc == PG_OK)
            rc = loss_words(out, stores, tables, "; ", err);
        return rc;
    case PG_VERDICT_PASS:
        break;
    }
    if (t.waived == 0 && t.below == 0)
        rc = pg_buf_addf(out, err, "PASS: no finding at or above the threshold (%s)", fail_on);
    else if (t.waived == 0)
        rc = pg_buf_addf(out, err, "PASS: %zu finding%s below the threshold (%s)", t.below, s_if(t.below),
                         fail_on);
    else
        rc = pg_buf_addf(out, err, "PASS: %zu finding%s waived, %zu below the threshold (%s)", t.waived,
                         s_if(t.waived), t.below, fail_on);
    if (rc == PG_OK) /* waived or below: the loss is still said */
        rc = loss_words(out, stores, tables, "; note: ", err);
    return rc;
}
