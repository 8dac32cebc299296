/* finding.c — findings, their evidence, and redaction of the values they show. */
#include "plangate/finding.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plangate/alloc.h"

static const char *const severity_names[] = {"info", "low", "medium", "high", "critical"};

const char *pg_severity_name(pg_severity s)
{
    if ((unsigned)s > PG_SEV_CRITICAL)
        return "unknown";
    return severity_names[s];
}

int pg_severity_from_name(const char *name)
{
    int i;

    if (!name)
        return -1;
    for (i = 0; i <= (int)PG_SEV_CRITICAL; i++)
        if (strcmp(name, severity_names[i]) == 0)
            return i;
    return -1;
}

pg_finding *pg_finding_new(const char *rule, pg_severity severity, const pg_change *change)
{
    pg_finding *f = pg_calloc(1, sizeof *f);

    if (!f)
        return NULL;
    f->severity = severity;
    f->waivable = 1;
    f->rule = pg_strdup(rule ? rule : "");
    f->address = pg_strdup(change && change->address ? change->address : "");
    if (!f->rule || !f->address)
        goto fail;
    if (change) {
        f->origin = change->origin;
        f->action = change->action;
        if (change->type && !(f->type = pg_strdup(change->type)))
            goto fail;
        if (change->action_reason && !(f->action_reason = pg_strdup(change->action_reason)))
            goto fail;
        if (change->actions && !(f->actions = json_deep_copy(change->actions)))
            goto fail;
    } else {
        f->action = PG_ACTION_NOOP;
    }
    return f;
fail:
    pg_finding_free(f);
    return NULL;
}

void pg_finding_free(pg_finding *f)
{
    size_t i;

    if (!f)
        return;
    pg_free(f->rule);
    pg_free(f->address);
    pg_free(f->type);
    json_decref(f->actions);
    pg_free(f->action_reason);
    pg_free(f->message);
    pg_free(f->remediation);
    for (i = 0; i < f->n_evidence; i++) {
        pg_free(f->evidence[i].path);
        json_decref(f->evidence[i].before);
        json_decref(f->evidence[i].after);
    }
    pg_free(f->evidence);
    pg_free(f->waiver_reason);
    pg_free(f->waiver_owner);
    pg_free(f->waiver_expired);
    pg_free(f);
}

#if defined(__GNUC__)
__attribute__((format(printf, 1, 0)))
#endif
static char *vformat(const char *fmt, va_list ap)
{
    va_list copy;
    int n;
    char *s;

    va_copy(copy, ap);
    n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return NULL;
    s = pg_malloc((size_t)n + 1);
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

int pg_finding_set_message(pg_finding *f, const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = vformat(fmt, ap);
    va_end(ap);
    if (!s)
        return PG_ENOMEM;
    pg_free(f->message);
    f->message = s;
    return PG_OK;
}

int pg_finding_set_remediation(pg_finding *f, const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = vformat(fmt, ap);
    va_end(ap);
    if (!s)
        return PG_ENOMEM;
    pg_free(f->remediation);
    f->remediation = s;
    return PG_OK;
}

int pg_finding_add_evidence(pg_finding *f, const char *path, json_t *before, json_t *after)
{
    pg_evidence *grown;
    char *p = pg_strdup(path ? path : "");

    grown = p ? pg_realloc(f->evidence, (f->n_evidence + 1) * sizeof *grown) : NULL;
    if (!grown) {
        pg_free(p);
        json_decref(before);
        json_decref(after);
        return PG_ENOMEM;
    }
    f->evidence = grown;
    grown[f->n_evidence].path = p;
    grown[f->n_evidence].before = before;
    grown[f->n_evidence].after = after;
    f->n_evidence++;
    return PG_OK;
}

/* Copy `v`, replacing every part that `mask` marks with `text`. */
static json_t *redact_copy(const json_t *v, const json_t *mask, const char *text)
{
    json_t *out;

    if (json_is_true(mask))
        return json_string(text);
    if (json_is_object(v) && json_is_object(mask)) {
        const char *key;
        json_t *child;

        out = json_object();
        json_object_foreach((json_t *)(uintptr_t)v, key, child) {
            json_t *c = redact_copy(child, json_object_get(mask, key), text);
            if (!c || json_object_set_new(out, key, c) != 0) {
                json_decref(out);
                return NULL;
            }
        }
        return out;
    }
    if (json_is_array(v) && json_is_array(mask)) {
        size_t i;

        out = json_array();
        for (i = 0; out && i < json_array_size(v); i++) {
            json_t *c = redact_copy(json_array_get(v, i), json_array_get(mask, i), text);
            if (!c || json_array_append_new(out, c) != 0) {
                json_decref(out);
                return NULL;
            }
        }
        return out;
    }
    return json_deep_copy(v);
}

static const json_t *mask_at(const json_t *mask, const pg_path_step *steps, size_t n)
{
    size_t i;

    for (i = 0; i < n && mask; i++) {
        if (steps[i].key)
            mask = json_is_object(mask) ? json_object_get(mask, steps[i].key) : NULL;
        else
            mask = json_is_array(mask) ? json_array_get(mask, steps[i].index) : NULL;
    }
    return mask;
}

json_t *pg_change_redacted(const pg_change *c, pg_side side, const pg_path_step *steps, size_t n)
{
    const json_t *v;
    const json_t *smask = side == PG_BEFORE ? c->before_sensitive : c->after_sensitive;
    json_t *masked, *out;

    if (pg_mask_covers(smask, steps, n))
        return json_string(PG_SENSITIVE_TEXT);
    v = pg_change_get(c, side, steps, n);
    if (side == PG_AFTER && pg_change_is_unknown(c, steps, n))
        return json_string(PG_UNKNOWN_TEXT);
    if (!v)
        return json_null();
    /* Parts of the value may be sensitive (one tag of a map, one attribute of a block). */
    masked = redact_copy(v, mask_at(smask, steps, n), PG_SENSITIVE_TEXT);
    if (side == PG_BEFORE || !masked)
        return masked;
    out = redact_copy(masked, mask_at(c->after_unknown, steps, n), PG_UNKNOWN_TEXT);
    json_decref(masked);
    return out;
}

static int has_control(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return 1;
    return 0;
}

/* pg_value_text's output: at most size - 1 bytes, then cut. */
typedef struct text_sink {
    char *buf;
    size_t size, len;
    int cut;
} text_sink;

static int sink_put(const char *s, size_t n, void *ctx)
{
    text_sink *t = ctx;
    size_t room = t->size - 1 - t->len;

    if (n > room) {
        n = room;
        t->cut = 1;
    }
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    return t->cut ? -1 : 0; /* -1 stops json_dump_callback */
}

void pg_value_text(const json_t *v, char *buf, size_t size)
{
    text_sink t = {buf, size, 0, 0};

    if (size == 0)
        return;
    if (!v)
        sink_put("(absent)", 8, &t);
    else if (json_is_string(v) && !has_control(json_string_value(v), json_string_length(v)))
        sink_put(json_string_value(v), json_string_length(v), &t);
    else
        (void)json_dump_callback(v, sink_put, &t, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
    if (t.cut && size > 4) { /* cut on a character boundary and say so */
        t.len = size - 4;
        while (t.len > 0 && ((unsigned char)buf[t.len] & 0xC0) == 0x80)
            t.len--;
        memcpy(buf + t.len, "...", 3);
        t.len += 3;
    }
    buf[t.len] = '\0';
}

void pg_findings_init(pg_findings *l)
{
    memset(l, 0, sizeof *l);
}

void pg_findings_dispose(pg_findings *l)
{
    size_t i;

    if (!l)
        return;
    for (i = 0; i < l->count; i++)
        pg_finding_free(l->items[i]);
    pg_free(l->items);
    memset(l, 0, sizeof *l);
}

int pg_findings_add(pg_findings *l, pg_finding *f, pg_error *err)
{
    size_t max = l->max ? l->max : PG_DEFAULT_MAX_FINDINGS;

    if (!f)
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    if (l->count >= max) {
        pg_finding_free(f);
        return pg_error_set(err, PG_ELIMIT,
                            "more than %zu findings: the plan is too large to report on (limit max_findings)",
                            max);
    }
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        pg_finding **items = pg_realloc(l->items, cap * sizeof *items);
        if (!items) {
            pg_finding_free(f);
            return pg_error_set(err, PG_ENOMEM, "out of memory");
        }
        l->items = items;
        l->cap = cap;
    }
    l->items[l->count++] = f;
    return PG_OK;
}

static int cmp_findings(const void *a, const void *b)
{
    const pg_finding *x = *(pg_finding *const *)a;
    const pg_finding *y = *(pg_finding *const *)b;
    int c;

    if (x->severity != y->severity)
        return x->severity > y->severity ? -1 : 1;
    if ((c = strcmp(x->address, y->address)) != 0)
        return c;
    if ((c = strcmp(x->rule, y->rule)) != 0)
        return c;
    /* Same rule on the same address (several evidence messages): keep it stable. */
    return strcmp(x->message ? x->message : "", y->message ? y->message : "");
}

void pg_findings_sort(pg_findings *l)
{
    if (l->count > 1)
        qsort(l->items, l->count, sizeof *l->items, cmp_findings);
}
