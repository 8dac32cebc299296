/*
 * jw.c — the streaming JSON writer of the json and sarif reports
 * (report_internal.h): jansson's JSON_INDENT(2) layout, written as it goes.
 */
#include "report/report_internal.h"

#include <string.h>

#include "finding/value.h"
#include "util/quote.h"

void pg_report__jw_init(pg_report__jw *w, pg_report__out *o)
{
    memset(w, 0, sizeof *w);
    w->o = o;
}

static void indent(pg_report__jw *w, size_t depth)
{
    pg_report__putc(w->o, '\n');
    pg_report__pad(w->o, ' ', 2 * depth);
}

static void next(pg_report__jw *w)
{
    if (w->depth == 0)
        return;
    if (!w->empty[w->depth - 1])
        pg_report__putc(w->o, ',');
    w->empty[w->depth - 1] = 0;
    indent(w, w->depth);
}

void pg_report__jw_key(pg_report__jw *w, const char *key)
{
    next(w);
    pg_report__putc(w->o, '"');
    pg_report__puts(w->o, key);
    pg_report__puts(w->o, "\": ");
}

void pg_report__jw_elem(pg_report__jw *w)
{
    next(w);
}

void pg_report__jw_open(pg_report__jw *w, char bracket)
{
    pg_report__putc(w->o, bracket);
    if (w->depth >= PG_REPORT_JW_MAX_DEPTH) {
        /* a programming error: the writers nest 6 deep at most */
        pg_report__out_fail(w->o, PG_EINTERNAL, "the %s report nests deeper than %u levels", w->o->name,
                            PG_REPORT_JW_MAX_DEPTH);
        return;
    }
    w->empty[w->depth++] = 1;
}

void pg_report__jw_close(pg_report__jw *w, char bracket)
{
    if (w->depth == 0)
        return;
    w->depth--;
    if (!w->empty[w->depth])
        indent(w, w->depth);
    pg_report__putc(w->o, bracket);
}

/* MARK: values */

void pg_report__jw_str(pg_report__jw *w, const char *s)
{
    if (!s) {
        pg_report__jw_null(w);
        return;
    }
    pg_report__putc(w->o, '"');
    pg_report__esc(w->o, &pg_quote_table, s);
    pg_report__putc(w->o, '"');
}

void pg_report__jw_int(pg_report__jw *w, long long v)
{
    pg_report__printf(w->o, "%lld", v);
}

void pg_report__jw_bool(pg_report__jw *w, int v)
{
    pg_report__puts(w->o, v ? "true" : "false");
}

void pg_report__jw_tristate(pg_report__jw *w, int v)
{
    if (v < 0)
        pg_report__jw_null(w);
    else
        pg_report__jw_bool(w, v);
}

void pg_report__jw_null(pg_report__jw *w)
{
    pg_report__puts(w->o, "null");
}

void pg_report__jw_value(pg_report__jw *w, const json_t *v)
{
    pg_value_layout l = {&pg_quote_table, 2, 0, 0, 0};

    if (!v) {
        pg_report__jw_null(w);
        return;
    }
    l.base = w->depth;
    if (pg_value__dump(v, &l, pg_report__out_piece, w->o) == PG_VALUE_TOO_DEEP)
        /* the model holds values within the evidence caps only */
        pg_report__out_fail(w->o, PG_EINTERNAL, "a value nested deeper than %u levels reached the %s report",
                            PG_VALUE_WALK_MAX_DEPTH, w->o->name);
}

/* MARK: members */

void pg_report__jw_mstr(pg_report__jw *w, const char *key, const char *s)
{
    pg_report__jw_key(w, key);
    pg_report__jw_str(w, s);
}

void pg_report__jw_mint(pg_report__jw *w, const char *key, long long v)
{
    pg_report__jw_key(w, key);
    pg_report__jw_int(w, v);
}

void pg_report__jw_mbool(pg_report__jw *w, const char *key, int v)
{
    pg_report__jw_key(w, key);
    pg_report__jw_bool(w, v);
}

void pg_report__jw_mvalue(pg_report__jw *w, const char *key, const json_t *v)
{
    pg_report__jw_key(w, key);
    pg_report__jw_value(w, v);
}

/* MARK: the model's pieces both JSON formats write */

void pg_report__jw_evidence(pg_report__jw *w, const pg_finding *f)
{
    size_t i;

    pg_report__jw_key(w, "evidence");
    pg_report__jw_open(w, '[');
    for (i = 0; i < f->n_evidence; i++) {
        pg_report__jw_elem(w);
        pg_report__jw_open(w, '{');
        pg_report__jw_mstr(w, "path", f->evidence[i].path);
        pg_report__jw_mvalue(w, "before", f->evidence[i].before);
        pg_report__jw_mvalue(w, "after", f->evidence[i].after);
        pg_report__jw_close(w, '}');
    }
    pg_report__jw_close(w, ']');
}
