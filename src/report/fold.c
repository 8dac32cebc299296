/*
 * fold.c — the model's reading order, shared by the text-like writers
 * (issue 15; docs/internals/report.md "Order and folding").
 *
 * A run of the same change with the same cause is one line:
 * `DELETE aws_instance.worker[0..399] (400): not in the configuration`. Two
 * addresses belong to one run when they differ only in their last index:
 * consecutive count indices (a range), or for_each keys (a count). Findings
 * of one rule "say the same thing" when their messages match once their own
 * addresses and quoted names are set aside and their evidence is equal.
 */
#include "report/report_internal.h"

#include <string.h>

/* Where the last top-level "[" of an address opens (quotes in for_each
 * keys skipped), when the address ends with its "]"; else 0. */
static size_t last_index_open(const char *a, size_t len)
{
    size_t i, open = 0;
    int in_str = 0, depth = 0;

    if (len < 3 || a[len - 1] != ']')
        return 0;
    for (i = 0; i < len; i++) {
        char c = a[i];
        if (in_str) {
            if (c == '\\' && i + 1 < len)
                i++;
            else if (c == '"')
                in_str = 0;
        } else if (c == '"') {
            in_str = 1;
        } else if (c == '[') {
            if (depth++ == 0)
                open = i;
        } else if (c == ']') {
            depth--;
        }
    }
    return in_str || depth != 0 ? 0 : open;
}

/* A count index: digits, no leading zero; its value (capped). */
static int count_index(const char *s, size_t n, unsigned long long *v)
{
    size_t i;

    if (n == 0 || n > 18 || (n > 1 && s[0] == '0'))
        return 0;
    *v = 0;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        *v = *v * 10 + (unsigned long long)(s[i] - '0');
    }
    return 1;
}

int pg_report__index_follows(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), oa = last_index_open(a, la), ob = last_index_open(b, lb);
    unsigned long long va, vb;

    if (!oa || oa != ob || memcmp(a, b, oa) != 0)
        return 0;
    if (a[oa + 1] == '"' && b[ob + 1] == '"')
        return 1; /* for_each keys: counted, whatever their order */
    if (count_index(a + oa + 1, la - oa - 2, &va) && count_index(b + ob + 1, lb - ob - 2, &vb))
        return vb == va + 1;
    return 0;
}

void pg_report__fold_label(pg_report__out *o, const char *first, const char *last)
{
    size_t lf = strlen(first), of = last_index_open(first, lf), ll = strlen(last), ol = last_index_open(last, ll);

    if (!of || !ol || strcmp(first, last) == 0) {
        pg_report__puts(o, first);
        return;
    }
    pg_report__write(o, first, of + 1);
    if (first[of + 1] == '"') {
        pg_report__puts(o, "*]");
        return;
    }
    pg_report__write(o, first + of + 1, lf - of - 2);
    pg_report__puts(o, "..");
    pg_report__write(o, last + ol + 1, ll - ol - 2);
    pg_report__putc(o, ']');
}

static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int pg_report__item_folds(const pg_report_item *a, const pg_report_item *b)
{
    /* What matters most stays one line each: protected objects and deposed
     * objects. Named objects fold (the writer lists the first names). */
    if (a->is_protected || b->is_protected || a->deposed || b->deposed)
        return 0;
    return a->action == b->action && a->replace_order == b->replace_order && a->rank == b->rank &&
           a->severity == b->severity && same_str(a->cause, b->cause) && same_str(a->type, b->type) &&
           pg_report__index_follows(a->address, b->address);
}

size_t pg_report__item_run(const pg_report_list *l, size_t i)
{
    size_t j = i + 1;

    while (j < l->count && pg_report__item_folds(&l->items[j - 1], &l->items[j]))
        j++;
    return j - i;
}

/* Does s (at *i) start with the address `addr` (non-empty)? */
static int at(const char *s, size_t i, const char *addr, size_t n)
{
    return n > 0 && strncmp(s + i, addr, n) == 0;
}

/* Skip a "…" quoted span at s[*i] (a name from the plan). */
static void skip_quoted(const char *s, size_t *i)
{
    size_t k = *i + 1;

    while (s[k] && s[k] != '"') {
        if (s[k] == '\\' && s[k + 1])
            k++;
        k++;
    }
    *i = s[k] ? k + 1 : k;
}

/* Two texts that differ only in their own addresses (and quoted names when `names`). */
int pg_report__same_words(const char *a, const char *addr_a, const char *b, const char *addr_b, int names)
{
    size_t i = 0, j = 0, na = addr_a ? strlen(addr_a) : 0, nb = addr_b ? strlen(addr_b) : 0;

    if (!a || !b)
        return !a && !b;
    while (a[i] && b[j]) {
        if (at(a, i, addr_a, na) && at(b, j, addr_b, nb)) {
            i += na;
            j += nb;
        } else if (names && a[i] == '"' && b[j] == '"') {
            skip_quoted(a, &i);
            skip_quoted(b, &j);
        } else if (a[i] == b[j]) {
            i++;
            j++;
        } else {
            return 0;
        }
    }
    return !a[i] && !b[j];
}

static int same_json(const json_t *a, const json_t *b)
{
    return (!a && !b) || (a && b && json_equal(a, b));
}

int pg_report__finding_folds(const pg_finding *a, const pg_finding *b)
{
    size_t i;

    if (!same_str(a->rule, b->rule) || a->severity != b->severity || a->waived != b->waived ||
        a->action != b->action || !same_str(a->cause, b->cause) || !same_str(a->waiver_reason, b->waiver_reason) ||
        !same_str(a->waiver_expired, b->waiver_expired) || a->n_evidence != b->n_evidence ||
        !a->address || !*a->address || !b->address || !*b->address)
        return 0;
    for (i = 0; i < a->n_evidence; i++)
        if (!same_str(a->evidence[i].path, b->evidence[i].path) ||
            !same_json(a->evidence[i].before, b->evidence[i].before) ||
            !same_json(a->evidence[i].after, b->evidence[i].after))
            return 0;
    return pg_report__same_words(a->message, a->address, b->message, b->address, 1);
}
