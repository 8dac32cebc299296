/*
 * text.c — the default report: the operator's review aid (SPEC §5).
 *
 * Order is the order of what matters: a summary of the plan, then what the
 * plan destroys (first and loudest: every delete and replace, why, in which
 * order, whether it is protected), moves, deposed objects, drift and imports;
 * then the findings by severity with their evidence, fix and waiver; then
 * waivers that need attention; then one verdict line. With `quiet`, only the
 * findings and the verdict.
 *
 * Layout rules: lines fit 80 columns where the content allows (addresses are
 * never broken, so a very long one overflows rather than becoming
 * uncopyable); prose wraps with a hanging indent; display width is counted
 * in code points (no locale dependence, so the output is deterministic);
 * colour only when style->color; every model string goes through
 * pg_report__esc_text (the escapes stderr uses), so nothing in a plan can
 * drive the terminal, and the sink's line guard keeps any line from
 * starting with a ':' (GitHub's runner would run "::command" there).
 */
#include "report/report_internal.h"

#include <string.h>

#include "util/utf8.h"

#define WIDTH_DEFAULT 80u
#define WIDTH_MIN 40u
#define WIDTH_MAX 200u
#define DETAIL_INDENT 11u /* under "  REPLACE  " */
#define RULE_COL_MAX 34u
#define PATH_COL_MAX 28u
#define MOVE_COL_MAX 40u
#define FOLD_NAMES 5u /* names listed under a folded run of destroys */

/* ANSI SGR sequences, only ever written when style->color. */
#define SGR_RESET "\033[0m"
#define SGR_BOLD "\033[1m"
#define SGR_DIM "\033[2m"
#define SGR_RED "\033[31m"
#define SGR_BOLD_RED "\033[1;31m"
#define SGR_BOLD_GREEN "\033[1;32m"
#define SGR_YELLOW "\033[33m"
#define SGR_BOLD_YELLOW "\033[1;33m"
#define SGR_CYAN "\033[36m"

typedef struct text_ctx {
    pg_report__out *o;
    const pg_report *r;
    const pg_report_style *st;
    pg_report__out clean; /* scratch: a model string made terminal-safe */
    int started;          /* something was printed: sections are separated by a blank line */
    size_t width;         /* columns to wrap at: style->width clamped, 80 when unset */
} text_ctx;

static void gap(text_ctx *t)
{
    if (t->started)
        pg_report__putc(t->o, '\n');
    t->started = 1;
}

static void sgr(text_ctx *t, const char *code)
{
    if (t->st->color)
        pg_report__puts(t->o, code);
}

static void sgr_off(text_ctx *t)
{
    if (t->st->color)
        pg_report__puts(t->o, SGR_RESET);
}

static const char *severity_sgr(pg_severity s)
{
    switch (s) {
    case PG_SEV_CRITICAL: return SGR_BOLD_RED;
    case PG_SEV_HIGH: return SGR_RED;
    case PG_SEV_MEDIUM: return SGR_YELLOW;
    case PG_SEV_LOW: return SGR_CYAN;
    case PG_SEV_INFO: break;
    }
    return SGR_DIM;
}

/* The terminal-safe form of `s` in t->clean (valid until the next call). */
static const char *clean(text_ctx *t, const char *s, int keep_newlines)
{
    pg_report__out_reset(&t->clean);
    pg_report__esc_text(&t->clean, s ? s : "", keep_newlines);
    return pg_report__out_text(&t->clean);
}

/* Print `s` as is (already clean) and return its width. */
static size_t put_w(text_ctx *t, const char *s)
{
    pg_report__puts(t->o, s);
    return pg_utf8_count(s, strlen(s));
}

/* Print a model string on one line and return its width. */
static size_t put_str(text_ctx *t, const char *s)
{
    return put_w(t, clean(t, s, 0));
}

static size_t str_width(text_ctx *t, const char *s)
{
    const char *c = clean(t, s, 0);
    return pg_utf8_count(c, strlen(c));
}

static void pad_to(text_ctx *t, size_t col, size_t target)
{
    if (target > col)
        pg_report__pad(t->o, ' ', target - col);
}

/*
 * Print `s` wrapped at t->width. The cursor is at column `col`; wrapped and new
 * lines start at `indent`. A line that starts with spaces is preformatted
 * (a remediation that carries an HCL block keeps its shape): it is printed
 * as is, indented. Elsewhere runs of spaces between words become one. No
 * trailing newline.
 */
/* Bytes of the first `n` code points of s[0..len). */
static size_t cp_bytes(const char *s, size_t len, size_t n)
{
    size_t k = 0;

    while (k < len && n > 0) {
        k++;
        while (k < len && ((unsigned char)s[k] & 0xC0) == 0x80)
            k++;
        n--;
    }
    return k;
}

/* A word wider than any line (a long JSON value): cut at the width, each
 * piece on its own line at the indent, so the value keeps its column. */
static size_t hard_word(text_ctx *t, const char *w, size_t len, size_t col, size_t indent, int line_empty)
{
    size_t left = pg_utf8_count(w, len);

    if (!line_empty) {
        if (col + 2 < t->width) {
            pg_report__putc(t->o, ' ');
            col++;
        } else {
            pg_report__putc(t->o, '\n');
            pg_report__pad(t->o, ' ', indent);
            col = indent;
        }
    }
    while (left > 0) {
        size_t room = t->width > col ? t->width - col : 0, n, b;
        if (room == 0) {
            pg_report__putc(t->o, '\n');
            pg_report__pad(t->o, ' ', indent);
            col = indent;
            continue;
        }
        n = left < room ? left : room;
        b = cp_bytes(w, len, n);
        pg_report__write(t->o, w, b);
        w += b;
        len -= b;
        left -= n;
        col += n;
        if (left > 0)
            col = t->width; /* next piece on the next line */
    }
    return col;
}

static void wrap_text(text_ctx *t, const char *s, size_t col, size_t indent, int keep_newlines, int hard)
{
    const char *p = clean(t, s, keep_newlines);
    size_t end = strlen(p);
    int first_line = 1;

    while (end > 0 && (p[end - 1] == '\n' || p[end - 1] == ' '))
        end--; /* no trailing blank lines or spaces */
    for (;;) {
        const char *eol = memchr(p, '\n', end);
        size_t len = eol ? (size_t)(eol - p) : end, i = 0, lead = 0;
        int line_empty = 1;

        while (lead < len && p[lead] == ' ')
            lead++;
        if (!first_line) {
            pg_report__putc(t->o, '\n');
            col = 0;
            if (len > lead) { /* an empty line stays empty: no trailing spaces */
                pg_report__pad(t->o, ' ', indent);
                col = indent;
            }
        }
        if (lead > 0 && len > lead) {
            /* An indented line is preformatted (a moved block in a fix): as is. */
            pg_report__pad(t->o, ' ', lead);
            pg_report__write(t->o, p + lead, len - lead);
            i = len;
        }
        while (i < len) {
            size_t start, w;
            while (i < len && p[i] == ' ')
                i++;
            if (i == len)
                break;
            start = i;
            while (i < len && p[i] != ' ')
                i++;
            w = pg_utf8_count(p + start, i - start);
            if (hard && indent + w > t->width) {
                col = hard_word(t, p + start, i - start, col, indent, line_empty);
                line_empty = 0;
                continue;
            }
            if (!line_empty && col + 1 + w > t->width) {
                pg_report__putc(t->o, '\n');
                pg_report__pad(t->o, ' ', indent);
                col = indent;
            } else if (!line_empty) {
                pg_report__putc(t->o, ' ');
                col++;
            }
            pg_report__write(t->o, p + start, i - start);
            col += w;
            line_empty = 0;
        }
        first_line = 0;
        if (!eol)
            break;
        end -= (size_t)(eol + 1 - p);
        p = eol + 1;
    }
}

/* Prose: a newline in it is a line break. */
static void wrap(text_ctx *t, const char *s, size_t col, size_t indent)
{
    wrap_text(t, s, col, indent, 1, 0);
}

/* One line of words (a cause): a newline in it is shown as \n, never obeyed. */
static void wrap_line(text_ctx *t, const char *s, size_t col, size_t indent)
{
    wrap_text(t, s, col, indent, 0, 0);
}

/* An evidence value: one line of words, and a word wider than a line (a
 * long JSON value) is cut so that it keeps its indent. */
static void wrap_value(text_ctx *t, const char *s, size_t col, size_t indent)
{
    wrap_text(t, s, col, indent, 0, 1);
}

static void heading(text_ctx *t, const char *color, const char *title, size_t count, int show_count)
{
    gap(t);
    sgr(t, color);
    pg_report__puts(t->o, title);
    if (show_count)
        pg_report__printf(t->o, " (%zu)", count);
    sgr_off(t);
    pg_report__putc(t->o, '\n');
}

static void more_line(text_ctx *t, const pg_report_list *l)
{
    if (l->total > l->count)
        pg_report__printf(t->o, "  … and %zu more\n", l->total - l->count);
}

/* MARK: plan summary */

static int nothing_read(const pg_report *r)
{
    return r->verdict == PG_VERDICT_ERROR && !r->plan.format_version[0] &&
           r->plan.resource_changes == 0 && r->findings.count == 0;
}

/* ", N word" when N is not zero (the breakdown lists no zeros). */
static void part(pg_report__out *o, int *first, long n, const char *one, const char *many)
{
    if (n <= 0)
        return;
    pg_report__printf(o, "%s%ld %s", *first ? "" : ", ", n, n == 1 ? one : many);
    *first = 0;
}

/*
 * Terraform's own line first, counted as Terraform counts (a replace is one
 * add and one destroy; "to import" and "to forget" only when there are
 * some, as Terraform 1.5+ and 1.7+ print them), then plangate's breakdown
 * without zeros, then where the plan came from.
 */
static void summary(text_ctx *t)
{
    const pg_plan_info *p = &t->r->plan;
    const pg_report *r = t->r;
    long add = p->counts[PG_ACTION_CREATE] + p->counts[PG_ACTION_REPLACE];
    long destroy = p->counts[PG_ACTION_DELETE] + p->counts[PG_ACTION_REPLACE];
    pg_report__out b;
    int first = 1;

    gap(t);
    sgr(t, SGR_BOLD);
    pg_report__puts(t->o, "Plan:");
    sgr_off(t);
    pg_report__out_memory(&b, t->o);
    if (r->imports.total)
        pg_report__printf(&b, "%zu to import, ", r->imports.total);
    pg_report__printf(&b, "%ld to add, %ld to change, %ld to destroy", add, p->counts[PG_ACTION_UPDATE], destroy);
    if (p->counts[PG_ACTION_FORGET])
        pg_report__printf(&b, ", %ld to forget", p->counts[PG_ACTION_FORGET]);
    pg_report__putc(&b, '.');
    pg_report__putc(t->o, ' ');
    if (destroy) /* the line that says something is destroyed is red, as the list under it */
        sgr(t, SGR_BOLD_RED);
    wrap(t, pg_report__out_text(&b), 6, 6);
    if (destroy)
        sgr_off(t);
    pg_report__putc(t->o, '\n');
    pg_report__out_dispose(&b);

    pg_report__out_memory(&b, t->o);
    part(&b, &first, p->counts[PG_ACTION_REPLACE], "replacement", "replacements");
    part(&b, &first, p->counts[PG_ACTION_DELETE], "delete", "deletes");
    part(&b, &first, (long)r->deposed.total, "deposed object", "deposed objects");
    part(&b, &first, p->counts[PG_ACTION_FORGET], "forgotten", "forgotten");
    part(&b, &first, p->counts[PG_ACTION_NOOP], "unchanged", "unchanged");
    part(&b, &first, p->counts[PG_ACTION_READ], "read", "reads");
    part(&b, &first, (long)r->imports.total, "import", "imports");
    part(&b, &first, (long)r->moves.total, "move", "moves");
    part(&b, &first, (long)r->drift.total, "drifted outside Terraform", "drifted outside Terraform");
    part(&b, &first, p->counts[PG_ACTION_UNKNOWN], "unknown action list", "unknown action lists");
    if (!first) {
        pg_report__puts(t->o, "  ");
        wrap(t, pg_report__out_text(&b), 2, 4);
        pg_report__putc(t->o, '\n');
    }
    pg_report__out_dispose(&b);
    pg_report__puts(t->o, "  from ");
    put_str(t, r->source ? r->source : "<stdin>");
    if (p->format_version[0] || p->terraform_version[0]) {
        pg_report__puts(t->o, " (");
        if (p->format_version[0]) {
            pg_report__puts(t->o, "format ");
            put_str(t, p->format_version);
        }
        if (p->terraform_version[0]) {
            pg_report__puts(t->o, p->format_version[0] ? ", Terraform " : "Terraform ");
            put_str(t, p->terraform_version);
        }
        pg_report__putc(t->o, ')');
    }
    pg_report__putc(t->o, '\n');
}

/* MARK: what is destroyed */

static const char *upper_action(pg_action a)
{
    switch (a) {
    case PG_ACTION_DELETE: return "DELETE";
    case PG_ACTION_REPLACE: return "REPLACE";
    case PG_ACTION_UNKNOWN: return "UNKNOWN";
    default: break;
    }
    return pg_action_name(a);
}

static int digits_of(size_t n)
{
    int d = 1;

    while (n >= 10) {
        n /= 10;
        d++;
    }
    return d;
}

static void raw_actions(const json_t *actions, pg_report__out *o)
{
    size_t i;

    for (i = 0; i < json_array_size(actions); i++) {
        const json_t *v = json_array_get(actions, i);
        if (i)
            pg_report__puts(o, ", ");
        pg_report__puts(o, json_is_string(v) ? json_string_value(v) : "?");
    }
}

/* The cause of one destroy line: the cause, the order of a replacement
 * when it is not the default, the raw list of an unknown action. */
static void cause_words(pg_report__out *d, const pg_report_item *it)
{
    if (it->cause)
        pg_report__puts(d, it->cause);
    if (it->replace_order == PG_REPLACE_CREATE_BEFORE_DESTROY)
        pg_report__puts(d, it->cause ? " (create the new object first)" : "create the new object first");
    if (it->action == PG_ACTION_UNKNOWN && it->actions) {
        pg_report__puts(d, pg_report__out_len(d) ? "; actions " : "actions ");
        raw_actions(it->actions, d);
    }
}

/*
 * One line per destroy or per folded run, in the model's order (data loss
 * and protected first): "  REPLACE  address  name orders-prod  PROTECTED:
 * forced by: hash_key". The cause joins the line when it fits, else it is
 * wrapped under it.
 */
static void destroyed(text_ctx *t)
{
    const pg_report_list *l = &t->r->destroys;
    pg_report__out detail, label;
    size_t i, run;

    if (l->total == 0) {
        gap(t);
        sgr(t, pg_report__plan_is_whole(t->r) ? SGR_BOLD_GREEN : SGR_BOLD_YELLOW);
        pg_report__puts(t->o, pg_report__nothing_destroyed(t->r));
        sgr_off(t);
        pg_report__putc(t->o, '\n');
        return;
    }
    heading(t, SGR_BOLD_RED, "Destroyed by this plan", l->total, 1);
    pg_report__out_memory(&detail, t->o);
    pg_report__out_memory(&label, t->o);
    for (i = 0; i < l->count; i += run) {
        const pg_report_item *it = &l->items[i];
        size_t col;

        run = pg_report__item_run(l, i);
        pg_report__puts(t->o, "  ");
        sgr(t, SGR_BOLD_RED);
        pg_report__printf(t->o, "%-7s", upper_action(it->action));
        sgr_off(t);
        pg_report__puts(t->o, "  ");
        pg_report__out_reset(&label);
        pg_report__fold_label(&label, it->address, l->items[i + run - 1].address);
        col = 11 + put_str(t, pg_report__out_text(&label));
        if (run > 1) {
            pg_report__printf(t->o, " (%zu)", run);
            col += (size_t)digits_of(run) + 3;
        }
        if (run > 1) { /* a folded run: its names, the first few, under it */
            size_t k, named = 0;
            for (k = i; k < i + run; k++)
                named += l->items[k].physical_name != NULL;
            if (named) {
                size_t shown = 0;
                pg_report__out_reset(&detail);
                cause_words(&detail, it);
                if (pg_report__out_len(&detail) && col + 2 + str_width(t, pg_report__out_text(&detail)) <= t->width) {
                    pg_report__puts(t->o, ": ");
                    put_str(t, pg_report__out_text(&detail));
                    pg_report__out_reset(&detail);
                } else if (pg_report__out_len(&detail)) {
                    pg_report__puts(&detail, "; "); /* too wide: the cause goes first under it */
                }
                pg_report__puts(&detail, named == 1 ? "name " : "names ");
                for (k = i; k < i + run && shown < FOLD_NAMES; k++) {
                    if (!l->items[k].physical_name)
                        continue;
                    pg_report__printf(&detail, "%s%s", shown ? ", " : "", l->items[k].physical_name);
                    shown++;
                }
                if (named > shown)
                    pg_report__printf(&detail, " and %zu more", named - shown);
                pg_report__putc(t->o, '\n');
                pg_report__pad(t->o, ' ', DETAIL_INDENT);
                wrap_line(t, pg_report__out_text(&detail), DETAIL_INDENT, DETAIL_INDENT);
                pg_report__putc(t->o, '\n');
                continue;
            }
        }
        /* the tags (name, deposed key, PROTECTED) and the cause join the
         * line while they fit; the first that does not starts the detail
         * line under it, and the rest follow there */
        {
            const char *tag_key[3] = {it->physical_name ? "name " : NULL, it->deposed ? "deposed " : NULL,
                                      it->is_protected ? "" : NULL};
            const char *tag_val[3] = {it->physical_name, it->deposed, it->is_protected ? "PROTECTED" : NULL};
            size_t k, dcol = 0;
            int below = 0;

            pg_report__out_reset(&detail);
            cause_words(&detail, it);
            for (k = 0; k < 3; k++) {
                size_t w;
                if (!tag_key[k])
                    continue;
                w = strlen(tag_key[k]) + str_width(t, tag_val[k]);
                if (!below && col + 2 + w > t->width) {
                    below = 1;
                    pg_report__putc(t->o, '\n');
                    pg_report__pad(t->o, ' ', DETAIL_INDENT);
                    dcol = DETAIL_INDENT;
                } else {
                    pg_report__puts(t->o, below && dcol == DETAIL_INDENT ? "" : "  ");
                    if (below)
                        dcol += dcol == DETAIL_INDENT ? 0 : 2;
                    else
                        col += 2;
                }
                pg_report__puts(t->o, tag_key[k]);
                if (k == 2)
                    sgr(t, SGR_BOLD_RED);
                put_str(t, tag_val[k]);
                if (k == 2)
                    sgr_off(t);
                if (below)
                    dcol += w;
                else
                    col += w;
            }
            if (pg_report__out_len(&detail)) {
                size_t w = str_width(t, pg_report__out_text(&detail)), at = below ? dcol : col;
                if (at + 2 + w <= t->width) {
                    pg_report__puts(t->o, ": ");
                    put_str(t, pg_report__out_text(&detail));
                } else if (below && dcol == DETAIL_INDENT) {
                    wrap_line(t, pg_report__out_text(&detail), DETAIL_INDENT, DETAIL_INDENT);
                } else {
                    pg_report__putc(t->o, '\n');
                    pg_report__pad(t->o, ' ', DETAIL_INDENT);
                    wrap_line(t, pg_report__out_text(&detail), DETAIL_INDENT, DETAIL_INDENT);
                }
            }
        }
        pg_report__putc(t->o, '\n');
    }
    pg_report__out_dispose(&label);
    pg_report__out_dispose(&detail);
    more_line(t, l);
}

/* Forgotten (issue 15): removed from the state, the object is kept. Listed,
 * folded like destroys, since an operator must know what Terraform stops
 * managing. */
static void forgotten(text_ctx *t)
{
    const pg_report_list *l = &t->r->forgotten;
    pg_report__out label;
    size_t i, run;

    if (l->total == 0)
        return;
    heading(t, SGR_BOLD, "Forgotten (removed from the state; the object is kept)", l->total, 1);
    pg_report__out_memory(&label, t->o);
    for (i = 0; i < l->count; i += run) {
        for (run = 1; i + run < l->count &&
                      pg_report__index_follows(l->items[i + run - 1].address, l->items[i + run].address);
             run++)
            ;
        pg_report__out_reset(&label);
        pg_report__fold_label(&label, l->items[i].address, l->items[i + run - 1].address);
        pg_report__puts(t->o, "  ");
        put_str(t, pg_report__out_text(&label));
        if (run > 1)
            pg_report__printf(t->o, " (%zu)", run);
        pg_report__putc(t->o, '\n');
    }
    pg_report__out_dispose(&label);
    more_line(t, l);
}

static void moves(text_ctx *t)
{
    const pg_report_list *l = &t->r->moves;
    size_t i, w = 0;

    if (l->total == 0)
        return;
    heading(t, SGR_BOLD, "Moved", l->total, 1);
    for (i = 0; i < l->count; i++) {
        size_t pw = str_width(t, l->items[i].previous_address);
        if (pw > w && pw <= MOVE_COL_MAX)
            w = pw;
    }
    for (i = 0; i < l->count; i++) {
        size_t col;
        pg_report__puts(t->o, "  ");
        col = 2 + put_str(t, l->items[i].previous_address);
        if (col < 2 + w)
            pad_to(t, col, 2 + w);
        if ((col > 2 + w ? col : 2 + w) + 3 + str_width(t, l->items[i].address) > t->width)
            pg_report__puts(t->o, "\n   "); /* too wide: the new address under the old, an address is never broken */
        pg_report__puts(t->o, " → ");
        put_str(t, l->items[i].address);
        pg_report__putc(t->o, '\n');
    }
    more_line(t, l);
}

static void deposed(text_ctx *t)
{
    const pg_report_list *l = &t->r->deposed;
    size_t i, hidden = 0;

    for (i = 0; i < l->count; i++)
        if (pg_report__deposed_is_destroyed(t->r, &l->items[i]))
            hidden++;
    if (l->total == hidden)
        return;
    heading(t, SGR_BOLD, "Deposed objects", l->total - hidden, 1);
    for (i = 0; i < l->count; i++) {
        const pg_report_item *it = &l->items[i];
        if (pg_report__deposed_is_destroyed(t->r, it))
            continue;
        pg_report__printf(t->o, "  %-8s ", pg_action_name(it->action));
        put_str(t, it->address);
        pg_report__puts(t->o, "  deposed ");
        put_str(t, it->deposed);
        pg_report__putc(t->o, '\n');
    }
    more_line(t, l);
}

static void drift(text_ctx *t)
{
    const pg_report_list *l = &t->r->drift;
    size_t i;

    if (l->total == 0)
        return;
    heading(t, SGR_BOLD, "Changed outside Terraform (drift, not planned)", l->total, 1);
    for (i = 0; i < l->count; i++) {
        pg_report__printf(t->o, "  %-8s ", pg_action_name(l->items[i].action));
        put_str(t, l->items[i].address);
        pg_report__putc(t->o, '\n');
    }
    more_line(t, l);
}

static void imports(text_ctx *t)
{
    const pg_report_list *l = &t->r->imports;
    size_t i;

    if (l->total == 0)
        return;
    heading(t, SGR_BOLD, "Imported", l->total, 1);
    for (i = 0; i < l->count; i++) {
        pg_report__puts(t->o, "  ");
        put_str(t, l->items[i].address);
        pg_report__putc(t->o, '\n');
    }
    more_line(t, l);
}

/* MARK: findings */

static void evidence(text_ctx *t, const pg_finding *f)
{
    size_t i, w = 0;

    for (i = 0; i < f->n_evidence; i++) {
        size_t pw = str_width(t, f->evidence[i].path);
        if (pw > w && pw <= PATH_COL_MAX)
            w = pw;
    }
    for (i = 0; i < f->n_evidence; i++) {
        const pg_evidence *e = &f->evidence[i];
        pg_report__out line;
        size_t col;

        pg_report__out_memory(&line, t->o);
        pg_report__evidence_values(&line, e);
        pg_report__puts(t->o, "      ");
        col = 6 + put_str(t, e->path);
        pad_to(t, col, 6 + w);
        if (col < 6 + w)
            col = 6 + w;
        pg_report__puts(t->o, "  ");
        wrap_value(t, pg_report__out_text(&line), col + 2, col + 2 > 40 ? 8 : col + 2);
        pg_report__putc(t->o, '\n');
        pg_report__out_dispose(&line);
    }
}

static void marker(text_ctx *t, const pg_finding *f)
{
    if (pg_report__blocks(t->r, f)) {
        sgr(t, severity_sgr(f->severity));
        pg_report__puts(t->o, "✗");
        sgr_off(t);
    } else {
        pg_report__puts(t->o, f->waived ? "~" : "·");
    }
}

static const char *finding_address(const pg_finding *f)
{
    return f->address && *f->address ? f->address : "(plan)";
}

/* --quiet: one line per finding: "  ✗ rule  address: cause". */
static void finding_line(text_ctx *t, const pg_finding *f, size_t rule_w)
{
    size_t col;

    pg_report__puts(t->o, "  ");
    marker(t, f);
    pg_report__putc(t->o, ' ');
    col = 4 + put_str(t, f->rule);
    pad_to(t, col, 4 + rule_w);
    pg_report__puts(t->o, "  ");
    put_str(t, finding_address(f));
    if (f->waived)
        pg_report__puts(t->o, "  (waived)");
    if (f->cause) {
        pg_report__puts(t->o, ": ");
        put_str(t, f->cause);
    }
    pg_report__putc(t->o, '\n');
}

/*
 * One finding, or `n` findings that say the same thing (fold.c): the
 * addresses (runs of indices folded), the first one's message, its
 * evidence, the cause of the destroy, the waiver.
 */
static void finding(text_ctx *t, const pg_finding *const *fs, size_t n)
{
    const pg_finding *f = fs[0];
    int blocks = pg_report__blocks(t->r, f);
    pg_report__out label;
    size_t i, run;

    pg_report__puts(t->o, "  ");
    marker(t, f);
    pg_report__putc(t->o, ' ');
    pg_report__out_memory(&label, t->o);
    for (i = 0; i < n; i += run) {
        for (run = 1; i + run < n && pg_report__index_follows(fs[i + run - 1]->address, fs[i + run]->address); run++)
            ;
        if (i)
            pg_report__puts(&label, ", ");
        pg_report__fold_label(&label, finding_address(fs[i]), finding_address(fs[i + run - 1]));
    }
    if (n > 1)
        pg_report__printf(&label, " (%zu findings that say the same)", n);
    if (blocks)
        sgr(t, SGR_BOLD);
    wrap(t, pg_report__out_text(&label), 4, 6);
    if (blocks)
        sgr_off(t);
    pg_report__out_dispose(&label);
    if (f->waived) {
        sgr(t, SGR_DIM);
        pg_report__puts(t->o, "  (waived)");
        sgr_off(t);
    }
    pg_report__putc(t->o, '\n');

    if (f->message && *f->message) {
        pg_report__puts(t->o, "    ");
        wrap(t, f->message, 4, 4);
        pg_report__putc(t->o, '\n');
    }
    evidence(t, f);
    if (f->cause) { /* why its resource is destroyed, whatever the rule is about */
        const char *why = f->action == PG_ACTION_REPLACE ? "Why replaced: " : "Why destroyed: ";
        pg_report__puts(t->o, "    ");
        pg_report__puts(t->o, why);
        wrap_line(t, f->cause, 4 + strlen(why), 8);
        pg_report__putc(t->o, '\n');
    }
    if (f->waived) {
        pg_report__out w;
        pg_report__out_memory(&w, t->o);
        pg_report__printf(&w, "Waived: %s", f->waiver_reason ? f->waiver_reason : "(no reason)");
        if (f->waiver_owner)
            pg_report__printf(&w, " (owner: %s)", f->waiver_owner);
        pg_report__puts(t->o, "    ");
        sgr(t, SGR_DIM);
        wrap(t, pg_report__out_text(&w), 4, 12);
        sgr_off(t);
        pg_report__putc(t->o, '\n');
        pg_report__out_dispose(&w);
    }
    if (f->waiver_expired) {
        pg_report__out x;
        pg_report__out_memory(&x, t->o);
        pg_report__printf(&x, "A waiver for this finding expired on %s: it no longer applies.", f->waiver_expired);
        pg_report__puts(t->o, "    ");
        sgr(t, SGR_YELLOW);
        wrap(t, pg_report__out_text(&x), 4, 4);
        sgr_off(t);
        pg_report__putc(t->o, '\n');
        pg_report__out_dispose(&x);
    }
}

/* The fix of findings fs[0..n): said once. For several findings, each
 * one's own address in the text is "each of them" (the text is theirs
 * but for the address: pg_report__same_words). */
static void remediation(text_ctx *t, const pg_finding *const *fs, size_t n)
{
    const pg_finding *f = fs[0];
    const char *s = f->remediation, *a = f->address;
    size_t na = a ? strlen(a) : 0;
    pg_report__out fix;

    if (!s || !*s)
        return;
    pg_report__out_memory(&fix, t->o);
    while (*s) {
        if (n > 1 && na && strncmp(s, a, na) == 0) {
            pg_report__puts(&fix, "each of them");
            s += na;
        } else {
            pg_report__putc(&fix, *s++);
        }
    }
    if (n > 1) {
        pg_report__printf(t->o, "    Fix (for these %zu): ", n);
        wrap(t, pg_report__out_text(&fix), 22 + (size_t)digits_of(n), 9);
    } else {
        pg_report__puts(t->o, "    Fix: ");
        wrap(t, pg_report__out_text(&fix), 9, 9);
    }
    pg_report__putc(t->o, '\n');
    pg_report__out_dispose(&fix);
}

static void upper(text_ctx *t, const char *name)
{
    for (; *name; name++)
        pg_report__putc(t->o, (char)(*name - ('a' - 'A')));
}

static int same_fix(const pg_finding *a, const pg_finding *b)
{
    return pg_report__same_words(a->remediation ? a->remediation : "", a->address,
                                 b->remediation ? b->remediation : "", b->address, 0);
}

/*
 * Findings in the model's order (grouped by rule, the most consequential
 * rule first): a heading per rule, then each finding or fold of findings
 * that say the same thing, and one fix per run of findings that share it.
 */
static void findings(text_ctx *t)
{
    const pg_findings *l = &t->r->findings;
    const pg_finding *const *items = (const pg_finding *const *)l->items;
    pg_report__tally c;
    size_t i = 0;

    if (l->count == 0) {
        if (!t->st->quiet && !nothing_read(t->r))
            heading(t, SGR_BOLD, "Findings: none", 0, 0);
        return;
    }
    pg_report__count(t->r, &c);
    gap(t);
    sgr(t, SGR_BOLD);
    pg_report__printf(t->o, "Findings (%zu", l->count);
    if (c.blocking)
        pg_report__printf(t->o, ", %zu blocking", c.blocking);
    pg_report__puts(t->o, ")");
    sgr_off(t);
    pg_report__putc(t->o, '\n');
    while (i < l->count) {
        size_t j, end = i, rule_w = 0, fix_start;
        pg_severity worst = items[i]->severity;

        while (end < l->count && strcmp(items[end]->rule, items[i]->rule) == 0) {
            if (items[end]->severity > worst)
                worst = items[end]->severity;
            end++;
        }
        if (t->st->quiet) { /* one column of rule ids over the whole list */
            for (j = 0; j < l->count; j++) {
                size_t w = str_width(t, items[j]->rule);
                if (w > rule_w && w <= RULE_COL_MAX)
                    rule_w = w;
            }
            for (j = i; j < end; j++)
                finding_line(t, items[j], rule_w);
            i = end;
            continue;
        }
        sgr(t, severity_sgr(worst));
        upper(t, pg_severity_name(worst));
        sgr_off(t);
        pg_report__puts(t->o, "  ");
        put_str(t, items[i]->rule);
        if (end - i > 1)
            pg_report__printf(t->o, " (%zu)", end - i);
        pg_report__putc(t->o, '\n');
        for (j = fix_start = i; j < end;) {
            size_t k = j + 1;
            while (k < end && pg_report__finding_folds(items[k - 1], items[k]))
                k++;
            finding(t, items + j, k - j);
            j = k;
            /* the fix once, after the last finding that shares it */
            if (j == end || !same_fix(items[fix_start], items[j])) {
                remediation(t, items + fix_start, j - fix_start);
                fix_start = j;
            }
        }
        i = end;
    }
}

/* MARK: waivers that need attention */

/* "  STATE    RULE  ADDRESS", then `detail` wrapped under it. */
static void waiver_row(text_ctx *t, const pg_waiver_status *w, const char *colour, size_t rule_w,
                       const pg_report__out *detail)
{
    size_t col;

    pg_report__puts(t->o, "  ");
    if (colour)
        sgr(t, colour);
    pg_report__printf(t->o, "%-7s", pg_report__waiver_state_word(w->state));
    if (colour)
        sgr_off(t);
    pg_report__puts(t->o, "  ");
    col = 11 + put_str(t, w->rule);
    if ((col > 11 + rule_w ? col : 11 + rule_w) + 2 + str_width(t, w->address) > t->width) {
        pg_report__putc(t->o, '\n'); /* too wide: the address under the rule */
        pg_report__pad(t->o, ' ', DETAIL_INDENT);
    } else {
        pad_to(t, col, 11 + rule_w);
        pg_report__puts(t->o, "  ");
    }
    put_str(t, w->address);
    pg_report__putc(t->o, '\n');
    pg_report__pad(t->o, ' ', DETAIL_INDENT);
    wrap(t, pg_report__out_text(detail), DETAIL_INDENT, DETAIL_INDENT);
    pg_report__putc(t->o, '\n');
}

static void waivers(text_ctx *t)
{
    const pg_report *r = t->r;
    pg_report__out detail;
    size_t i, n = 0, rule_w = 0;

    for (i = 0; i < r->n_waivers; i++) {
        if (r->waivers[i].state != PG_WAIVER_USED) {
            size_t w = str_width(t, r->waivers[i].rule);
            n++;
            if (w > rule_w && w <= RULE_COL_MAX)
                rule_w = w;
        }
    }
    if (n == 0)
        return;
    heading(t, SGR_BOLD, "Waivers that need attention", n, 1);
    pg_report__out_memory(&detail, t->o);
    for (i = 0; i < r->n_waivers; i++) {
        const pg_waiver_status *w = &r->waivers[i];
        if (w->state == PG_WAIVER_USED)
            continue;
        pg_report__out_reset(&detail);
        if (w->state == PG_WAIVER_EXPIRED)
            pg_report__printf(&detail, "expired %s; it would cover %zu finding%s", w->expires ? w->expires : "?",
                              w->matched, w->matched == 1 ? "" : "s");
        else
            pg_report__puts(&detail, "matches nothing in this plan: remove it, or fix its rule or address");
        if (w->source)
            pg_report__printf(&detail, " (%s)", w->source);
        waiver_row(t, w, SGR_YELLOW, rule_w, &detail);
    }
    pg_report__out_dispose(&detail);
}

/* MARK: the weakened gate (issue 11) */

static void gate_weakened(text_ctx *t)
{
    const pg_report *r = t->r;
    pg_report__out words;
    size_t i, col, id_w = 0;

    if (r->n_weakened == 0)
        return;
    for (i = 0; i < r->n_weakened; i++)
        if (str_width(t, r->weakened[i].detector) > id_w)
            id_w = str_width(t, r->weakened[i].detector);
    heading(t, SGR_BOLD_YELLOW, "Gate weakened by the loaded policies", r->n_weakened, 1);
    pg_report__out_memory(&words, t->o);
    for (i = 0; i < r->n_weakened; i++) {
        const pg_report_weakened *w = &r->weakened[i];
        pg_report__puts(t->o, "  ");
        col = 2 + put_str(t, w->detector);
        pad_to(t, col, 2 + id_w);
        pg_report__puts(t->o, "  ");
        pg_report__out_reset(&words);
        pg_report__weakened_words(&words, r, w);
        pg_report__printf(&words, " by %s", w->source ? w->source : "a policy file");
        wrap(t, pg_report__out_text(&words), 4 + id_w, 4 + id_w);
        pg_report__putc(t->o, '\n');
    }
    pg_report__out_dispose(&words);
}

static void gate_change_waivers(text_ctx *t)
{
    const pg_report *r = t->r;
    pg_report__out detail;
    size_t i, rule_w = 0;

    if (pg_report__change_waiver_count(r) == 0)
        return;
    for (i = 0; i < r->n_waivers; i++)
        if (r->waivers[i].from_change && str_width(t, r->waivers[i].rule) > rule_w &&
            str_width(t, r->waivers[i].rule) <= RULE_COL_MAX)
            rule_w = str_width(t, r->waivers[i].rule);
    heading(t, SGR_BOLD_YELLOW, "Waivers from the change under review", pg_report__change_waiver_count(r), 1);
    pg_report__out_memory(&detail, t->o);
    for (i = 0; i < r->n_waivers; i++) {
        const pg_waiver_status *w = &r->waivers[i];
        if (!w->from_change)
            continue;
        pg_report__out_reset(&detail);
        pg_report__printf(&detail, "%s (expires %s; %s)", w->reason ? w->reason : "", w->expires ? w->expires : "?",
                          w->source ? w->source : "?");
        waiver_row(t, w, NULL, rule_w, &detail);
    }
    pg_report__out_dispose(&detail);
}

/* MARK: verdict */

/* The verdict sentence (verdict.c), its first word coloured; only fixed
 * words and counts, so it is printed as it is. */
static void banner(text_ctx *t)
{
    const pg_report *r = t->r;
    pg_buf b;
    const char *s, *colon;

    pg_buf_init(&b, 0);
    if (pg_report__verdict_sentence(r, &b, NULL) != PG_OK) {
        pg_report__out_fail(t->o, PG_ENOMEM, "out of memory");
        pg_buf_dispose(&b);
        return;
    }
    s = pg_buf_cstr(&b);
    colon = strchr(s, ':');
    sgr(t, r->verdict == PG_VERDICT_PASS ? SGR_BOLD_GREEN : SGR_BOLD_RED);
    pg_report__write(t->o, s, colon ? (size_t)(colon - s) : strlen(s));
    sgr_off(t);
    if (colon) {
        pg_report__puts(t->o, ": ");
        wrap(t, colon + 1 + (colon[1] == ' '), (size_t)(colon - s) + 2, 6);
    }
    pg_report__putc(t->o, '\n');
    pg_buf_dispose(&b);
}

static void verdict(text_ctx *t)
{
    const pg_report *r = t->r;
    size_t i;

    gap(t);
    banner(t);
    for (i = 0; r->verdict == PG_VERDICT_ERROR && i < r->n_errors; i++) {
        pg_report__puts(t->o, "  ");
        wrap(t, r->errors[i], 2, 4);
        pg_report__putc(t->o, '\n');
    }
}

/* "AUDIT: would fail: …" (--fail-on none), wrapped at the width under its first word. */
static void audit_line(text_ctx *t)
{
    pg_report__out words;

    pg_report__out_memory(&words, t->o);
    pg_report__audit_words(&words, t->r);
    wrap(t, pg_report__out_text(&words), 0, 7);
    pg_report__putc(t->o, '\n');
    pg_report__out_dispose(&words);
}

static int write_text(const pg_report *r, const pg_report_style *style, FILE *out, pg_error *err)
{
    pg_report__out o;
    text_ctx t;

    pg_report__out_stream(&o, out, "text");
    pg_report__out_guard(&o, "\\u003A");
    memset(&t, 0, sizeof t);
    t.o = &o;
    t.r = r;
    t.st = style;
    t.width = style->width <= 0 ? WIDTH_DEFAULT : (size_t)style->width;
    if (t.width < WIDTH_MIN)
        t.width = WIDTH_MIN;
    if (t.width > WIDTH_MAX)
        t.width = WIDTH_MAX;
    pg_report__out_memory(&t.clean, &o);

    /* --title names the run (a multi-plan report names it once, above the plans). */
    if (r->title && !style->section) {
        pg_report__puts(&o, "plangate: ");
        pg_report__esc_text(&o, r->title, 0);
        pg_report__putc(&o, '\n');
        t.started = nothing_read(r); /* the banner follows at once */
    }
    /* the verdict first (a reader who stops here knows what to do) and last */
    if (!nothing_read(r)) { /* else the verdict and its errors are all there is */
        banner(&t);
        if (r->audit && !style->section) /* first and last too: the banner is what would be */
            audit_line(&t);
        t.started = 1;
    }
    if (!style->quiet && !nothing_read(r)) {
        summary(&t);
        destroyed(&t);
        forgotten(&t);
        moves(&t);
        deposed(&t);
        drift(&t);
        imports(&t);
    }
    findings(&t);
    waivers(&t); /* with --quiet too: a waiver that needs attention is part of the verdict */
    /* shown even with --quiet: a weakened gate belongs next to its verdict */
    gate_weakened(&t);
    gate_change_waivers(&t);
    verdict(&t);
    if (r->audit && !style->section) /* the last line says the run does not fail on findings */
        audit_line(&t);

    pg_report__out_dispose(&t.clean);
    pg_report__out_dispose(&o);
    return pg_report__out_finish(&o, err);
}

const pg_report_writer pg_report__text_writer = {"text", write_text};
