/*
 * gate.c — what every writer says about a weakened gate (issue 11): the
 * built-in detectors the loaded policies switch off or lower below the fail
 * threshold, and the waivers that came from the change under review
 * (--waivers). One wording here, one small function per writer there.
 * Only fixed words are written here: detector ids come from the built-in
 * table, severities are names; every policy-derived string (sources,
 * rules, addresses, reasons) is escaped by the writer for its format.
 */
#include "report/report_internal.h"

size_t pg_report__change_waiver_count(const pg_report *r)
{
    size_t i, n = 0;

    for (i = 0; i < r->n_waivers; i++)
        n += r->waivers[i].from_change ? 1u : 0u;
    return n;
}

int pg_report__gate_weakened(const pg_report *r)
{
    return r->n_weakened > 0 || pg_report__change_waiver_count(r) > 0;
}

void pg_report__weakened_words(pg_report__out *o, const pg_report *r, const pg_report_weakened *w)
{
    /* A catalogue type is [a-z0-9_*] (catalogue.c checks it): fixed-word safe. */
    if (w->data_store)
        pg_report__printf(o, "disabled for %s (no longer a data store)", w->data_store);
    else if (w->disabled)
        pg_report__puts(o, "disabled");
    else
        pg_report__printf(o, "lowered to %s, below --fail-on %s (default %s)", pg_severity_name(w->severity),
                          pg_severity_name(r->fail_on), pg_severity_name(w->default_severity));
}

const char *pg_report__waiver_state_word(pg_waiver_state s)
{
    switch (s) {
    case PG_WAIVER_USED: return "used";
    case PG_WAIVER_EXPIRED: return "expired";
    case PG_WAIVER_UNUSED: break;
    }
    return "unused";
}
