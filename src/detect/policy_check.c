/* policy_check.c — the detector ids a policy names (issue 12): every
 * `detectors:` key must be a built-in detector, and no rule id may be one
 * (a rule must not shadow a detector's findings or waivers).
 *
 * The policy module knows no detector, so that it links, tests and fuzzes
 * alone (the module graph of docs/internals/); it keeps each setting and
 * rule id with its file:line:column, and this check reads them through the
 * public accessors, using only the detector table (pg_detector_count/_at).
 */
#include "plangate/detect.h"

#include <string.h>

#include "util/quote.h"
#include "util/suggest.h"

static int is_detector(const char *id)
{
    size_t i, n = pg_detector_count();

    for (i = 0; i < n; i++)
        if (strcmp(pg_detector_at(i)->id, id) == 0)
            return 1;
    return 0;
}

static int fail_at(pg_error *err, const pg_policy_position *at)
{
    pg_error_set_source(err, at->file);
    pg_error_at_line(err, at->line, at->column);
    return PG_EPOLICY;
}

int pg_detect_check_policy(const pg_policy *p, pg_error *err)
{
    char q[96];
    size_t i, n;

    for (i = 0, n = pg_policy_detector_setting_count(p); i < n; i++) {
        const pg_policy_detector_setting *s = pg_policy_detector_setting_at(p, i);
        pg_suggest sg;
        size_t j;
        if (is_detector(s->id))
            continue;
        pg_suggest_init(&sg, s->id);
        for (j = 0; j < pg_detector_count(); j++)
            pg_suggest_add(&sg, pg_detector_at(j)->id);
        /* a detector id holds only [a-z0-9-]: nothing to escape */
        if (pg_suggest_best(&sg))
            pg_error_set(err, PG_EPOLICY, "unknown detector %s; did you mean `%s`?", pg_quote_str(q, sizeof q, s->id),
                         pg_suggest_best(&sg));
        else
            pg_error_set(err, PG_EPOLICY, "unknown detector %s (`plangate explain` lists the built-in detectors)",
                         pg_quote_str(q, sizeof q, s->id));
        return fail_at(err, &s->at);
    }
    for (i = 0, n = pg_policy_rule_count(p); i < n; i++) {
        const pg_rule_meta *m = pg_policy_rule(p, i);
        if (!is_detector(m->id))
            continue;
        /* a detector id holds only [a-z0-9-]: nothing to escape */
        pg_error_set(err, PG_EPOLICY, "rule id '%s' is the id of a built-in detector (configure it under detectors:)",
                     m->id);
        return fail_at(err, pg_policy_rule_position(p, i));
    }
    return PG_OK;
}
