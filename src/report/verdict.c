/*
 * verdict.c — the verdict sentence (issue 15): one line that a reader who
 * reads nothing else acts on. Text prints it first and last; the Markdown
 * heading and the other formats may lead with it. Only fixed words and
 * counts: nothing from the plan reaches it, so it needs no escaping.
 */
#include "report/report_internal.h"

#include <string.h>


size_t pg_report__tables_lost(const pg_report *r)
{
    size_t i, n = 0;

    for (i = 0; i < r->destroys.count; i++) {
        const pg_report_item *it = &r->destroys.items[i];
        /* a deposed object is a leftover copy: the table itself stays */
        if (!it->deposed && it->type && strcmp(it->type, "aws_dynamodb_table") == 0)
            n++;
    }
    return n;
}

static const char *s_if(size_t n)
{
    return n == 1 ? "" : "s";
}

/* A PASS never holds the word "fail" ("below the threshold"): CI recipes
 * (Atlantis's policy check, docs/ci.md) look for it in the output. */
int pg_report__verdict_sentence(const pg_report *r, pg_buf *out, pg_error *err)
{
    const char *fail_on = pg_severity_name(r->fail_on);
    size_t lost = pg_report__tables_lost(r);
    pg_report__tally t;
    int rc = PG_OK;

    pg_report__count(r, &t);
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
        if (rc == PG_OK && lost)
            rc = pg_buf_addf(out, err, "; every item of %zu table%s is lost", lost, s_if(lost));
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
    if (rc == PG_OK && lost) /* waived or below: the loss is still said */
        rc = pg_buf_addf(out, err, "; note: every item of %zu table%s is lost", lost, s_if(lost));
    return rc;
}
