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
#include "util/buf.h"
#include "util/grow.h"
#include "util/utf8.h"

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int seg_add(pg_template *t, pt_seg **out, pg_error *err)
{
    int rc;

    if ((rc = PG_GROW(t->segs, t->cap, t->n + 1, err)) != PG_OK)
        return rc;
    *out = &t->segs[t->n++];
    memset(*out, 0, sizeof **out);
    return PG_OK;
}

static int lit_add(pg_template *t, const char *s, size_t len, pg_error *err)
{
    pt_seg *seg;
    int rc;

    if (len == 0)
        return PG_OK;
    if ((rc = seg_add(t, &seg, err)) != PG_OK)
        return rc;
    return (seg->lit = pg_strndup(s, len)) ? PG_OK : pg_error_oom(err);
}

/* A placeholder {name}: {rule}, or a path. */
static int placeholder_add(pg_template *t, const char *name, size_t len, pg_error *err)
{
    char *copy = pg_strndup(name, len), braced[PG_POLICY_QUOTE], q[PG_POLICY_QUOTE], why[PG_ERROR_MESSAGE_MAX];
    pt_seg *seg;
    int rc;

    if (!copy)
        return pg_error_oom(err);
    if ((rc = seg_add(t, &seg, err)) == PG_OK) {
        if (strcmp(copy, "rule") == 0)
            seg->is_rule = 1;
        else if ((rc = pg_policy__path_parse(&seg->path, copy, 0, err)) == PG_EPOLICY && err) {
            snprintf(why, sizeof why, "%s", err->message);
            snprintf(braced, sizeof braced, "{%s}", copy);
            pg_error_set(err, PG_EPOLICY, "in template placeholder %s: %s", pg_policy__quote(q, sizeof q, braced),
                         why);
        }
    }
    pg_free(copy);
    return rc;
}

int pg_policy__template_parse(pg_template *out, const char *text, pg_error *err)
{
    size_t i = 0, start = 0, len = strlen(text), end;
    pg_buf lit;
    int rc = PG_OK;

    memset(out, 0, sizeof *out);
    pg_buf_init(&lit, 0);
    if (!(out->text = pg_strdup(text)))
        return pg_error_oom(err);
    /* Literal text accumulates in `lit` (with {{ and }} unescaped). A brace
     * pair is a placeholder only when it holds one token: HCL in a
     * remediation ("point_in_time_recovery { enabled = true }", the SPEC's
     * own example) stays literal, while a misspelt {adress} is an error. */
    while (i < len && rc == PG_OK) {
        if ((text[i] == '{' && text[i + 1] == '{') || (text[i] == '}' && text[i + 1] == '}')) {
            rc = pg_buf_addc(&lit, text[i], err);
            i += 2;
            continue;
        }
        if (text[i] != '{') {
            rc = pg_buf_addc(&lit, text[i++], err);
            continue;
        }
        start = i + 1;
        for (end = start; end < len && text[end] != '}' && text[end] != '{' && !is_space(text[end]); end++)
            ;
        if (end == start || end == len || text[end] != '}') {
            rc = pg_buf_addc(&lit, text[i++], err);
            continue;
        }
        if ((rc = lit_add(out, pg_buf_cstr(&lit), lit.len, err)) == PG_OK)
            rc = placeholder_add(out, text + start, end - start, err);
        pg_buf_reset(&lit);
        i = end + 1;
    }
    if (rc == PG_OK)
        rc = lit_add(out, pg_buf_cstr(&lit), lit.len, err);
    pg_buf_dispose(&lit);
    if (rc != PG_OK)
        pg_policy__template_dispose(out);
    return rc;
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

/* Append, silently stopping at PG_POLICY_MAX_MESSAGE on a character
 * boundary (a message is for a human; a template quoting a whole block must
 * not make it unbounded). */
static int put(pg_buf *b, const char *s, size_t n, pg_error *err)
{
    size_t room = PG_POLICY_MAX_MESSAGE - b->len;

    if (n > room)
        n = pg_utf8_cut(s, n, room);
    return pg_buf_add(b, s, n, err) == PG_OK ? PG_OK : pg_error_oom(err);
}

/* A value gets the room the message has left (up to PG_POLICY_MAX_MESSAGE),
 * not a smaller cap of its own: pg_value_text cuts it there with its "…". */
static int put_value(pg_buf *b, const json_t *v, pg_error *err)
{
    char text[PG_POLICY_MAX_MESSAGE + 1];
    size_t room = PG_POLICY_MAX_MESSAGE - b->len;

    if (room == 0)
        return PG_OK;
    pg_value_text(v, text, room + 1);
    return put(b, text, strlen(text), err);
}

static int render_path(pg_buf *b, const pg_ppath *p, const pg_change *c, pg_error *err)
{
    pp_hits h;
    json_t *v;
    size_t i;
    int rc;

    if ((rc = pg_policy__path_eval(&h, p, c, PG_AFTER, 1, err)) == PG_OK && h.count == 0)
        rc = put(b, "(absent)", 8, err);
    for (i = 0; rc == PG_OK && i < h.count; i++) {
        if (i > 0 && (rc = put(b, ", ", 2, err)) != PG_OK)
            break;
        if ((rc = pg_policy__shown_hit(c, p, PG_AFTER, &h.items[i], &v, err)) != PG_OK)
            break;
        rc = put_value(b, v, err);
        json_decref(v);
    }
    pg_policy__hits_dispose(&h);
    return rc;
}

int pg_policy__template_render(const pg_template *t, const pg_change *c, const char *rule_id, char **out,
                               pg_error *err)
{
    pg_buf b;
    size_t i;
    int rc = PG_OK;

    *out = NULL;
    pg_buf_init(&b, PG_POLICY_MAX_MESSAGE);
    for (i = 0; rc == PG_OK && i < t->n; i++) {
        const pt_seg *s = &t->segs[i];
        if (s->lit)
            rc = put(&b, s->lit, strlen(s->lit), err);
        else if (s->is_rule)
            rc = put(&b, rule_id, strlen(rule_id), err);
        else
            rc = render_path(&b, &s->path, c, err);
    }
    if (rc == PG_OK && !(*out = pg_buf_detach(&b, NULL)))
        rc = pg_error_oom(err);
    pg_buf_dispose(&b);
    return rc;
}
