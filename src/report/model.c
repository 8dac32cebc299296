/* model.c — the report model that every writer prints (include/plangate/report.h). */
#include "plangate/report.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "finding/value.h"
#include "plangate/alloc.h"
#include "util/buf.h"
#include "util/grow.h"
#include "util/quote.h"

void pg_report_init(pg_report *r)
{
    memset(r, 0, sizeof *r);
    pg_findings_init(&r->findings);
    r->plan.complete = -1;
    r->plan.applyable = -1;
    r->fail_on = PG_SEV_HIGH;
}

static void item_dispose(pg_report_item *it)
{
    pg_free(it->address);
    pg_free(it->type);
    pg_free(it->physical_name);
    pg_free(it->previous_address);
    pg_free(it->deposed);
    pg_free(it->action_reason);
    json_decref(it->actions);
    pg_free(it->cause);
    json_decref(it->forced_by);
    memset(it, 0, sizeof *it);
}

static void list_dispose(pg_report_list *l)
{
    size_t i;

    for (i = 0; i < l->count; i++)
        item_dispose(&l->items[i]);
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
    list_dispose(&r->forgotten);
    pg_free(r->rules);
    for (i = 0; i < r->n_errors; i++)
        pg_free(r->errors[i]);
    pg_free(r->errors);
    pg_free(r->weakened);
    pg_free(r->config_path);
    pg_free(r->title);
    pg_free(r->artifact);
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

/* The rank a change has before its findings are known (pg_report_order
 * refines it: a blocking finding on a destroy is data loss). */
static int change_rank(const pg_change *c, int is_protected)
{
    if (is_protected)
        return PG_RANK_LOSS;
    if (c->action == PG_ACTION_REPLACE)
        return PG_RANK_REPLACE;
    if (c->action == PG_ACTION_DELETE || (c->action == PG_ACTION_UNKNOWN && c->destructive))
        return PG_RANK_DELETE;
    return PG_RANK_OTHER;
}


int pg_report_list_add(pg_report_list *l, const pg_change *c, int is_protected, pg_error *err)
{
    return pg_report_list_put(l, c, is_protected, NULL, err);
}

int pg_report_list_put(pg_report_list *l, const pg_change *c, int is_protected, pg_report_item **out,
                       pg_error *err)
{
    pg_report_item *it;
    int rank = change_rank(c, is_protected), rc;

    if (out)
        *out = NULL;
    l->total++;
    if (l->count >= PG_REPORT_MAX_ITEMS) {
        /* Counted, not listed: memory must not grow with the plan. But a
         * protected table after 1000 deletes must not be the one left out
         * ("… and 353 more"): it takes the place of the last item of the
         * worst rank, which is then only counted. */
        size_t i, worst = l->count;
        for (i = l->count; i-- > 0;)
            if (l->items[i].rank > rank && (worst == l->count || l->items[i].rank > l->items[worst].rank))
                worst = i;
        if (worst == l->count)
            return PG_OK;
        item_dispose(&l->items[worst]);
        it = &l->items[worst];
    } else {
        if ((rc = PG_GROW(l->items, l->cap, l->count + 1, err)) != PG_OK)
            return rc;
        it = &l->items[l->count];
        memset(it, 0, sizeof *it);
        l->count++;
    }
    it->action = c->action;
    it->replace_order = c->replace_order;
    it->is_protected = is_protected;
    it->rank = rank;
    it->severity = PG_SEV_INFO;
    if (dup_opt(&it->address, c->address ? c->address : "") || dup_opt(&it->type, c->type) ||
        dup_opt(&it->previous_address, c->previous_address) || dup_opt(&it->deposed, c->deposed) ||
        dup_opt(&it->action_reason, c->action_reason) ||
        (c->actions && !(it->actions = pg_value__copy_capped(c->actions))) ||
        (c->destructive && pg_report_cause(c, &it->cause, &it->forced_by, err) != 0)) {
        /* No half-built item stays listed (every reader may rely on its
         * address): the last one takes its place; it stays counted. */
        item_dispose(it);
        if (it != &l->items[l->count - 1])
            *it = l->items[l->count - 1];
        l->count--;
        return pg_error_oom(err);
    }
    if (out)
        *out = it;
    return PG_OK;
}

/* MARK: the cause of a destroy (issue 15) */

/* Paths named in a cause line; the rest are counted ("and 3 more"). */
#define CAUSE_MAX_PATHS 8u
/* Steps of one path rendered; a deeper path ends in "…". */
#define CAUSE_MAX_STEPS 16u

/* A plain key that does not start with a digit (a cause line names
 * attributes: "0x" after a dot would read as an index). */
static int plain_name(const char *k)
{
    return pg_quote_plain_key(k) && !(k[0] >= '0' && k[0] <= '9');
}

static int path_sensitive(const pg_change *c, const pg_path_step *steps, size_t n)
{
    return pg_change_is_sensitive(c, PG_BEFORE, steps, n) || pg_change_is_sensitive(c, PG_AFTER, steps, n);
}

/*
 * One replace_paths element as "name", "attribute[0].type" or
 * tags["team key"]. The first step is a schema name; a later string step
 * may be a map key, which is plan data: it is shown only when the value
 * above it is not sensitive (then the path stops at that value: "tags"),
 * and quoted like every message quotes input when it is not a plain name.
 * Malformed steps (not a string, not an index) end the path.
 */
static int path_string(const pg_change *c, const json_t *p, pg_buf *b)
{
    pg_path_step steps[CAUSE_MAX_STEPS];
    size_t j, n = 0;

    for (j = 0; json_is_array(p) && j < json_array_size(p); j++) {
        const json_t *s = json_array_get(p, j);
        if (n > 0 && path_sensitive(c, steps, n))
            break; /* below a sensitive value: its keys and indices are part of the secret */
        if (n == CAUSE_MAX_STEPS) {
            if (pg_buf_adds(b, "…", NULL))
                return -1;
            break;
        }
        if (json_is_string(s)) {
            const char *k = json_string_value(s);
            steps[n] = (pg_path_step){k, 0};
            if (n == 0 || plain_name(k)) {
                if ((n && pg_buf_addc(b, '.', NULL)) || (plain_name(k) ? pg_buf_adds(b, k, NULL)
                                                                       : pg_quote(b, k, strlen(k), 0, NULL)))
                    return -1;
            } else if (pg_buf_addc(b, '[', NULL) || pg_quote(b, k, strlen(k), PG_QUOTE_DEFAULT_MAX, NULL) ||
                       pg_buf_addc(b, ']', NULL)) {
                return -1;
            }
        } else if (json_is_integer(s) && json_integer_value(s) >= 0 && n > 0) {
            steps[n] = (pg_path_step){NULL, (size_t)json_integer_value(s)};
            if (pg_buf_addf(b, NULL, "[%zu]", steps[n].index))
                return -1;
        } else {
            break;
        }
        n++;
    }
    return 0;
}

/* The short words for an action_reason (the long ones are pg_action_reason_words). */
static const char *reason_short(const char *reason)
{
    static const struct {
        const char *reason, *words;
    } table[] = {
        {"replace_because_cannot_update", "cannot update in place (the plan does not say which argument)"},
        {"replace_because_tainted", "tainted"},
        {"replace_by_request", "replace requested (-replace)"},
        {"replace_by_triggers", "replace_triggered_by fired"},
        {"delete_because_no_resource_config", "not in the configuration"},
        {"delete_because_no_module", "its module is not in the configuration"},
        {"delete_because_count_index", "count index out of range"},
        {"delete_because_each_key", "for_each key removed"},
        {"delete_because_wrong_repetition", "switched between count, for_each and a single instance"},
        {"delete_because_no_move_target", "the target of a moved block is gone"},
    };
    size_t i;

    for (i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(reason, table[i].reason) == 0)
            return table[i].words;
    return NULL;
}

int pg_report_cause(const pg_change *c, char **cause, json_t **forced_by, pg_error *err)
{
    pg_buf text, one;
    size_t i, named = 0, n = json_is_array(c->replace_paths) ? json_array_size(c->replace_paths) : 0;
    json_t *list = NULL;
    int rc = PG_ENOMEM;

    *cause = NULL;
    *forced_by = NULL;
    pg_buf_init(&text, 0);
    pg_buf_init(&one, 0);
    if (n > 0 && !(list = json_array()))
        goto out;
    for (i = 0; i < n; i++) {
        json_t *s;
        size_t j;
        int dup = 0;
        pg_buf_reset(&one);
        if (path_string(c, json_array_get(c->replace_paths, i), &one) != 0)
            goto out;
        if (one.len == 0)
            continue; /* a malformed element names nothing */
        for (j = 0; j < json_array_size(list) && !dup; j++) /* two secrets cut to one name: once */
            dup = strcmp(json_string_value(json_array_get(list, j)), pg_buf_cstr(&one)) == 0;
        if (dup)
            continue;
        if (!(s = json_string(pg_buf_cstr(&one))) || json_array_append_new(list, s) != 0)
            goto out;
        if (named < CAUSE_MAX_PATHS && pg_buf_adds(&text, named ? ", " : "forced by: ", NULL))
            goto out;
        if (named < CAUSE_MAX_PATHS && pg_buf_adds(&text, pg_buf_cstr(&one), NULL))
            goto out;
        named++;
    }
    if (named > CAUSE_MAX_PATHS && pg_buf_addf(&text, NULL, " and %zu more", named - CAUSE_MAX_PATHS))
        goto out;
    if (named == 0) {
        const char *w = c->action_reason ? reason_short(c->action_reason) : NULL;
        if (c->deposed && !c->action_reason)
            w = "deposed object (left by a create-before-destroy)";
        else if (!w && c->action_reason)
            w = c->action_reason; /* a reason Terraform adds later: verbatim (the writers escape it) */
        else if (!w && c->action == PG_ACTION_REPLACE)
            w = "the plan does not say why";
        if (w && pg_buf_adds(&text, w, NULL))
            goto out;
    }
    if (text.len && !(*cause = pg_buf_detach(&text, NULL)))
        goto out;
    if (list && json_array_size(list) > 0) {
        *forced_by = list;
        list = NULL;
    }
    rc = PG_OK;
out:
    if (rc != PG_OK) {
        pg_free(*cause);
        *cause = NULL;
        pg_error_oom(err);
    }
    json_decref(list);
    pg_buf_dispose(&text);
    pg_buf_dispose(&one);
    return rc;
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

/* MARK: order by consequence (issue 15) */

/* Addresses in the order a reader counts: worker[2] before worker[10]
 * (runs of digits compare as numbers); ties by bytes, so it is total. */
int pg_report_address_cmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)(a ? a : ""), *y = (const unsigned char *)(b ? b : "");

    while (*x && *y) {
        if (*x >= '0' && *x <= '9' && *y >= '0' && *y <= '9') {
            const unsigned char *xs = x, *ys = y;
            size_t lx, ly;
            while (*xs == '0' && xs[1] >= '0' && xs[1] <= '9')
                xs++;
            while (*ys == '0' && ys[1] >= '0' && ys[1] <= '9')
                ys++;
            for (x = xs; *x >= '0' && *x <= '9'; x++)
                ;
            for (y = ys; *y >= '0' && *y <= '9'; y++)
                ;
            lx = (size_t)(x - xs);
            ly = (size_t)(y - ys);
            if (lx != ly)
                return lx < ly ? -1 : 1;
            if (memcmp(xs, ys, lx) != 0)
                return memcmp(xs, ys, lx) < 0 ? -1 : 1;
            continue;
        }
        if (*x != *y)
            return *x < *y ? -1 : 1;
        x++;
        y++;
    }
    if (*x || *y)
        return *x ? 1 : -1;
    return strcmp(a ? a : "", b ? b : "");
}

static int blocks(const pg_report *r, const pg_finding *f)
{
    return !f->waived && f->severity >= r->fail_on;
}

static int cmp_finding_address(const void *a, const void *b)
{
    const pg_finding *x = *(const pg_finding *const *)a, *y = *(const pg_finding *const *)b;

    return strcmp(x->address ? x->address : "", y->address ? y->address : "");
}

static int cmp_item_ptr_address(const void *a, const void *b)
{
    const pg_report_item *x = *(const pg_report_item *const *)a, *y = *(const pg_report_item *const *)b;

    return strcmp(x->address, y->address);
}

static int cmp_item(const void *a, const void *b)
{
    const pg_report_item *x = a, *y = b;
    int c;

    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    if (x->severity != y->severity)
        return x->severity > y->severity ? -1 : 1;
    if ((c = pg_report_address_cmp(x->address, y->address)) != 0)
        return c;
    return strcmp(x->deposed ? x->deposed : "", y->deposed ? y->deposed : "");
}

typedef struct finding_key {
    pg_finding *f;
    int rank;          /* its own consequence */
    int group_rank;    /* the best of its rule's findings */
    pg_severity group_sev;
} finding_key;

static int cmp_key_rule(const void *a, const void *b)
{
    const finding_key *x = a, *y = b;

    return strcmp(x->f->rule ? x->f->rule : "", y->f->rule ? y->f->rule : "");
}

static int cmp_key(const void *a, const void *b)
{
    const finding_key *x = a, *y = b;
    int c;

    if (x->group_rank != y->group_rank)
        return x->group_rank < y->group_rank ? -1 : 1;
    if (x->group_sev != y->group_sev)
        return x->group_sev > y->group_sev ? -1 : 1;
    if ((c = strcmp(x->f->rule ? x->f->rule : "", y->f->rule ? y->f->rule : "")) != 0)
        return c;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    if (x->f->severity != y->f->severity)
        return x->f->severity > y->f->severity ? -1 : 1;
    if (x->f->waived != y->f->waived)
        return x->f->waived ? 1 : -1;
    if ((c = pg_report_address_cmp(x->f->address, y->f->address)) != 0)
        return c;
    return strcmp(x->f->message ? x->f->message : "", y->f->message ? y->f->message : "");
}

static int finding_rank(const pg_report *r, const pg_finding *f, pg_report_item **by_addr, size_t n)
{
    pg_report_item key, *kp = &key, **hit;

    key.address = f->address ? f->address : (char *)(uintptr_t) "";
    hit = f->address && *f->address && n ? bsearch(&kp, by_addr, n, sizeof *by_addr, cmp_item_ptr_address) : NULL;
    if (hit)
        return (*hit)->rank;
    if (f->action == PG_ACTION_REPLACE || f->action == PG_ACTION_DELETE)
        return blocks(r, f) ? PG_RANK_LOSS : f->action == PG_ACTION_REPLACE ? PG_RANK_REPLACE : PG_RANK_DELETE;
    return PG_RANK_OTHER;
}

void pg_report_order(pg_report *r)
{
    pg_report_list *d = &r->destroys;
    size_t nf = r->findings.count, i, j;
    pg_finding **by_addr = NULL;
    pg_report_item **items = NULL;
    finding_key *keys = NULL;

    /* 1. Each destroy: the worst finding on it; a blocking one is data loss. */
    if (nf && (by_addr = pg_calloc(nf, sizeof *by_addr)) != NULL) {
        memcpy(by_addr, r->findings.items, nf * sizeof *by_addr);
        qsort(by_addr, nf, sizeof *by_addr, cmp_finding_address);
    }
    for (i = 0; by_addr && i < d->count; i++) {
        pg_report_item *it = &d->items[i];
        pg_finding key, *kp = &key, **hit;
        key.address = it->address;
        hit = bsearch(&kp, by_addr, nf, sizeof *by_addr, cmp_finding_address);
        if (!hit)
            continue;
        while (hit > by_addr && strcmp(hit[-1]->address ? hit[-1]->address : "", it->address) == 0)
            hit--;
        for (; hit < by_addr + nf && strcmp((*hit)->address ? (*hit)->address : "", it->address) == 0; hit++) {
            if ((*hit)->waived)
                continue;
            if ((*hit)->severity > it->severity)
                it->severity = (*hit)->severity;
            if (blocks(r, *hit))
                it->rank = PG_RANK_LOSS;
        }
    }
    pg_free(by_addr);
    if (d->count > 1)
        qsort(d->items, d->count, sizeof *d->items, cmp_item);

    /* 2. Findings: grouped by rule (a remediation is said once), the groups
     * in the order of their most consequential finding. Without memory for
     * the keys the findings keep pg_findings_sort's order: still complete. */
    if (nf < 2 || !(keys = pg_calloc(nf, sizeof *keys)))
        return;
    if (d->count && (items = pg_calloc(d->count, sizeof *items)) != NULL) {
        for (i = 0; i < d->count; i++)
            items[i] = &d->items[i];
        qsort(items, d->count, sizeof *items, cmp_item_ptr_address);
    }
    for (i = 0; i < nf; i++) {
        keys[i].f = r->findings.items[i];
        keys[i].rank = finding_rank(r, keys[i].f, items, items ? d->count : 0);
    }
    pg_free(items);
    qsort(keys, nf, sizeof *keys, cmp_key_rule);
    for (i = 0; i < nf; i = j) {
        int best = PG_RANK_OTHER;
        pg_severity sev = PG_SEV_INFO;
        for (j = i; j < nf && cmp_key_rule(&keys[i], &keys[j]) == 0; j++) {
            if (keys[j].rank < best)
                best = keys[j].rank;
            if (keys[j].f->severity > sev)
                sev = keys[j].f->severity;
        }
        while (i < j) {
            keys[i].group_rank = best;
            keys[i++].group_sev = sev;
        }
    }
    qsort(keys, nf, sizeof *keys, cmp_key);
    for (i = 0; i < nf; i++)
        r->findings.items[i] = keys[i].f;
    pg_free(keys);
}
