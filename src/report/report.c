/*
 * report.c — pg_report_write(): one table of writers, one place that checks
 * the output (SPEC §5, STYLE 5 and 19), and the wording every format shares.
 */
#include "report/report_internal.h"

#include <errno.h>
#include <string.h>

#include "plangate/plangate.h" /* PG_VERSION */

/* Indexed by pg_report_format: the order of the enum in report.h. */
static const pg_report_writer *const writers[PG_FORMAT_COUNT_] = {
    &pg_report__text_writer,  &pg_report__json_writer,   &pg_report__sarif_writer,
    &pg_report__junit_writer, &pg_report__github_writer, &pg_report__markdown_writer,
};

int pg_report_format_from_name(const char *name)
{
    int i;

    if (!name)
        return -1;
    for (i = 0; i < (int)PG_FORMAT_COUNT_; i++)
        if (strcmp(name, writers[i]->name) == 0)
            return i;
    return -1;
}

const char *pg_report_format_name(pg_report_format f)
{
    if ((unsigned)f >= PG_FORMAT_COUNT_)
        return "unknown";
    return writers[f]->name;
}

int pg_report_write(const pg_report *r, pg_report_format format, const pg_report_style *style,
                    FILE *out, pg_error *err)
{
    static const pg_report_style plain = {.color = 0, .quiet = 0, .version = PG_VERSION, .width = 0};
    pg_report_style st;
    int rc;

    if ((unsigned)format >= PG_FORMAT_COUNT_)
        return pg_error_set(err, PG_EINTERNAL, "unknown report format %d", (int)format);
    st = style ? *style : plain;
    if (!st.version)
        st.version = plain.version;
    errno = 0;
    rc = writers[format]->write(r, &st, out, err);
    if (rc != 0)
        return rc;
    /* A report that did not reach its reader must never pass (STYLE 19):
     * the sink saw a failed fwrite; the stream may still hold one. */
    if (ferror(out) || fflush(out) != 0)
        return pg_error_set(err, PG_EIO, "cannot write the %s report: %s", writers[format]->name,
                            errno ? strerror(errno) : "write error");
    return PG_OK;
}

/* MARK: shared wording */

const char *pg_report__verdict_name(pg_verdict v)
{
    switch (v) {
    case PG_VERDICT_PASS: return "pass";
    case PG_VERDICT_FAIL: return "fail";
    case PG_VERDICT_ERROR: break;
    }
    return "error";
}

const char *pg_report__replace_order_name(pg_replace_order o)
{
    switch (o) {
    case PG_REPLACE_DELETE_BEFORE_CREATE: return "delete-before-create";
    case PG_REPLACE_CREATE_BEFORE_DESTROY: return "create-before-destroy";
    case PG_REPLACE_NONE: break;
    }
    return NULL;
}

const char *pg_report__reason_text(const char *reason)
{
    const char *words = pg_action_reason_words(reason);

    /* A reason Terraform adds later is still shown, verbatim (SPEC §2). */
    return words ? words : reason;
}

int pg_report__plan_is_whole(const pg_report *r)
{
    return r->verdict != PG_VERDICT_ERROR && !r->plan.errored && r->plan.complete != 0 &&
           r->plan.deferred_changes == 0;
}

const char *pg_report__nothing_destroyed(const pg_report *r)
{
    if (r->verdict == PG_VERDICT_ERROR || r->plan.errored)
        return "Nothing is destroyed in what could be read, but the plan is partial: do not rely on it.";
    if (r->plan.complete == 0 || r->plan.deferred_changes > 0)
        return "Nothing is destroyed in what was planned so far, but the plan is incomplete.";
    return "Nothing is destroyed by this plan.";
}

int pg_report__deposed_is_destroyed(const pg_report *r, const pg_report_item *it)
{
    size_t i;

    for (i = 0; it->deposed && i < r->destroys.count; i++) {
        const pg_report_item *d = &r->destroys.items[i];
        if (d->deposed && strcmp(d->deposed, it->deposed) == 0 && strcmp(d->address, it->address) == 0)
            return 1;
    }
    return 0;
}

int pg_report__blocks(const pg_report *r, const pg_finding *f)
{
    return !f->waived && f->severity >= r->fail_on;
}

void pg_report__count(const pg_report *r, pg_report__tally *t)
{
    size_t i;

    memset(t, 0, sizeof *t);
    for (i = 0; i < r->findings.count; i++) {
        const pg_finding *f = r->findings.items[i];
        if (f->waived)
            t->waived++;
        else if (f->severity >= r->fail_on)
            t->blocking++;
        else
            t->below++;
    }
}

void pg_report__tally_note(pg_report__out *o, const pg_report__tally *t)
{
    if (t->waived && t->below)
        pg_report__printf(o, " (%zu waived, %zu below the threshold)", t->waived, t->below);
    else if (t->waived)
        pg_report__printf(o, " (%zu waived)", t->waived);
    else if (t->below)
        pg_report__printf(o, " (%zu below the threshold)", t->below);
}

const char *pg_report__value_text(pg_report__value *buf, const json_t *v)
{
    pg_value_text(v, buf->text, sizeof buf->text);
    return buf->text;
}

/* A block with a name (an index, a replica…): `"by_customer" (hash customerId,
 * range createdAt)` instead of its JSON; 0 when `v` is not one. */
static int block_summary(pg_report__out *o, const json_t *v)
{
    static const struct {
        const char *key, *word;
    } parts[] = {{"hash_key", "hash"}, {"range_key", "range"}, {"projection_type", "projection"}};
    const json_t *name = json_object_get(v, "name");
    pg_report__value b;
    size_t i, n = 0;

    if (!json_is_object(v) || !json_is_string(name))
        return 0;
    pg_report__puts(o, pg_report__value_text(&b, name));
    for (i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        const json_t *p = json_object_get(v, parts[i].key);
        if (!json_is_string(p) || json_string_length(p) == 0)
            continue;
        pg_report__printf(o, "%s%s %s", n++ ? ", " : " (", parts[i].word, pg_report__value_text(&b, p));
    }
    if (n)
        pg_report__putc(o, ')');
    return 1;
}

/* One side of an evidence line: "not set" for null and absent, a list of
 * named blocks as their names and keys, else pg_value_text. */
static void side_text(pg_report__out *o, const json_t *v)
{
    pg_report__value b;
    size_t i, n;

    if (!v || json_is_null(v)) {
        pg_report__puts(o, "not set");
        return;
    }
    if (json_is_array(v) && (n = json_array_size(v)) > 0 && n <= 16) {
        for (i = 0; i < n; i++)
            if (!json_is_object(json_array_get(v, i)) || !json_is_string(json_object_get(json_array_get(v, i), "name")))
                break;
        if (i == n) {
            for (i = 0; i < n; i++) {
                if (i)
                    pg_report__puts(o, ", ");
                block_summary(o, json_array_get(v, i));
            }
            return;
        }
    }
    if (block_summary(o, v))
        return;
    pg_report__puts(o, pg_report__value_text(&b, v));
}

void pg_report__evidence_values(pg_report__out *o, const pg_evidence *e)
{
    /* An arrow is a change to a Terraform user: never one where nothing changes. */
    if (e->before && e->after && json_equal(e->before, e->after)) {
        if (json_is_null(e->before)) {
            pg_report__puts(o, "not set (unchanged)");
            return;
        }
        pg_report__puts(o, "= ");
        side_text(o, e->before);
        pg_report__puts(o, " (unchanged)");
    } else if (e->before && e->after) {
        side_text(o, e->before);
        pg_report__puts(o, " → ");
        side_text(o, e->after);
    } else {
        side_text(o, e->before ? e->before : e->after);
    }
}
