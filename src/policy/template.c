/* template.c — rule messages and remediations: "{address}: PITR is
 * {after.point_in_time_recovery[0].enabled}".
 *
 * A placeholder is any policy path, or {rule}. Values are rendered through
 * pg_change_redacted(), so a sensitive value is "(sensitive)" and an
 * unknown one "(known after apply)" whatever the template asks for; a path
 * with no value renders "(absent)". `{{` and `}}` are literal braces, and
 * so is a brace pair around anything but one token (HCL blocks in
 * remediations). Templates are parsed at load time, so a placeholder that
 * is not a path is a load error.
 */
#include "policy/policy_internal.h"

#include <stdio.h>
#include <string.h>

#include "plangate/alloc.h"

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int seg_add(pg_template *t, pt_seg **out)
{
    pt_seg *g = pg_realloc(t->segs, (t->n + 1) * sizeof *g);

    if (!g)
        return PG_ENOMEM;
    t->segs = g;
    *out = &g[t->n++];
    memset(*out, 0, sizeof **out);
    return PG_OK;
}

static int lit_add(pg_template *t, const char *s, size_t len)
{
    pt_seg *seg;

    if (len == 0)
        return PG_OK;
    if (seg_add(t, &seg) != PG_OK || !(seg->lit = pg_strndup(s, len)))
        return PG_ENOMEM;
    return PG_OK;
}

int pg_policy__template_parse(pg_template *out, const char *text, char *msg, size_t msg_size)
{
    size_t i = 0, start = 0, len = strlen(text);
    int code = PG_EPOLICY; /* or PG_ENOMEM */
    char *buf = NULL;
    size_t blen = 0;

    memset(out, 0, sizeof *out);
    if (!(out->text = pg_strdup(text)) || !(buf = pg_malloc(len + 1)))
        goto nomem;
    /* Literal text accumulates in `buf` (with {{ and }} unescaped). A brace
     * pair is a placeholder only when it holds one token: HCL in a
     * remediation ("point_in_time_recovery { enabled = true }", the SPEC's
     * own example) stays literal, while a misspelt {adress} is an error. */
    while (i < len) {
        size_t end;
        if ((text[i] == '{' && text[i + 1] == '{') || (text[i] == '}' && text[i + 1] == '}')) {
            buf[blen++] = text[i];
            i += 2;
            continue;
        }
        if (text[i] != '{') {
            buf[blen++] = text[i++];
            continue;
        }
        start = i + 1;
        for (end = start; end < len && text[end] != '}' && text[end] != '{' && !is_space(text[end]); end++)
            ;
        if (end == start || end == len || text[end] != '}') {
            buf[blen++] = text[i++];
            continue;
        }
        if (lit_add(out, buf, blen) != PG_OK)
            goto nomem;
        blen = 0;
        {
            char *name = pg_strndup(text + start, end - start);
            pt_seg *seg;
            int rc;
            if (!name)
                goto nomem;
            if (seg_add(out, &seg) != PG_OK) {
                pg_free(name);
                goto nomem;
            }
            if (strcmp(name, "rule") == 0) {
                seg->is_rule = 1;
                rc = 0;
            } else {
                char pmsg[PG_ERROR_MESSAGE_MAX - 64];
                rc = pg_policy__path_parse(&seg->path, name, 0, pmsg, sizeof pmsg);
                if (rc != 0)
                    snprintf(msg, msg_size, "in template placeholder {%s}: %s", name, pmsg);
            }
            pg_free(name);
            if (rc == PG_ENOMEM)
                goto nomem;
            if (rc != 0)
                goto fail;
        }
        i = end + 1;
    }
    if (lit_add(out, buf, blen) != PG_OK)
        goto nomem;
    pg_free(buf);
    return 0;
nomem:
    snprintf(msg, msg_size, "out of memory");
    code = PG_ENOMEM;
fail:
    pg_free(buf);
    pg_policy__template_dispose(out);
    return code;
}

void pg_policy__template_dispose(pg_template *t)
{
    size_t i;

    if (!t)
        return;
    for (i = 0; i < t->n; i++) {
        pg_free(t->segs[i].lit);
        pg_policy__path_dispose(&t->segs[i].path);
    }
    pg_free(t->segs);
    pg_free(t->text);
    memset(t, 0, sizeof *t);
}

typedef struct sbuf {
    char *s;
    size_t len, cap;
} sbuf;

/* Append, silently stopping at PG_POLICY_MAX_MESSAGE (a message is for a
 * human; a template quoting a whole block must not make it unbounded). */
static int sb_put(sbuf *b, const char *s, size_t n)
{
    if (b->len + n > PG_POLICY_MAX_MESSAGE)
        n = PG_POLICY_MAX_MESSAGE - b->len;
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        char *g = pg_realloc(b->s, cap);
        if (!g)
            return PG_ENOMEM;
        b->s = g;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
    return PG_OK;
}

static int put_value(sbuf *b, const json_t *v)
{
    char text[256];

    pg_value_text(v, text, sizeof text);
    return sb_put(b, text, strlen(text));
}

static int render_path(sbuf *b, const pg_ppath *p, const pg_change *c)
{
    pp_hits h;
    size_t i;
    int rc = PG_OK;

    if ((rc = pg_policy__path_eval(&h, p, c, PG_AFTER, 1)) != PG_OK)
        goto out;
    if (h.count == 0) {
        rc = sb_put(b, "(absent)", 8);
        goto out;
    }
    for (i = 0; i < h.count && rc == PG_OK; i++) {
        if (i > 0 && (rc = sb_put(b, ", ", 2)) != PG_OK)
            break;
        if (p->root == PR_BEFORE || p->root == PR_AFTER) {
            json_t *v = pg_change_redacted(c, p->root == PR_BEFORE ? PG_BEFORE : PG_AFTER,
                                           h.items[i].steps, h.items[i].n);
            if (!v) {
                rc = PG_ENOMEM;
                break;
            }
            rc = put_value(b, v);
            json_decref(v);
        } else {
            /* change fields and after_unknown hold nothing sensitive */
            rc = put_value(b, h.items[i].value);
        }
    }
out:
    pg_policy__hits_dispose(&h);
    return rc;
}

int pg_policy__template_render(const pg_template *t, const pg_change *c, const char *rule_id,
                               char **out)
{
    sbuf b = {NULL, 0, 0};
    size_t i;
    int rc = sb_put(&b, "", 0);

    for (i = 0; rc == PG_OK && i < t->n; i++) {
        const pt_seg *s = &t->segs[i];
        if (s->lit)
            rc = sb_put(&b, s->lit, strlen(s->lit));
        else if (s->is_rule)
            rc = sb_put(&b, rule_id, strlen(rule_id));
        else
            rc = render_path(&b, &s->path, c);
    }
    if (rc != PG_OK) {
        pg_free(b.s);
        return rc;
    }
    *out = b.s;
    return PG_OK;
}
