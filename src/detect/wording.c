/* wording.c — how detectors put plan values and causes into words. Every
 * plan value a message shows passes through here: values are redacted
 * (pg_change_redacted) and written by pg_value_text; names from the plan
 * are quoted with util/quote; paths stop at a sensitive value. */
#include <stdio.h>
#include <string.h>

#include "detect/detect_internal.h"
#include "util/quote.h"

/* The text of a redacted value: unset (absent or null) as NULL, so that
 * pg_value_text's one wording for "no value" says it. */
static void redacted_text(json_t *v, char *buf, size_t size)
{
    pg_value_text(json_is_null(v) ? NULL : v, buf, size);
    json_decref(v);
}

int pg_det__value_text(const pg_change *c, pg_side side, const pg_path_step *steps, size_t n, char *buf, size_t size,
                       pg_error *err)
{
    json_t *v = pg_det__sensitive(c, steps, n) ? json_string(PG_SENSITIVE_TEXT) : pg_change_redacted(c, side, steps, n);

    if (!v)
        return pg_error_oom(err);
    redacted_text(v, buf, size);
    return PG_OK;
}

int pg_det__redacted_pair(const pg_change *c, const pg_path_step *bsteps, const pg_path_step *asteps, size_t n,
                          json_t **before, json_t **after, pg_error *err)
{
    int secret = pg_det__sensitive_pair(c, bsteps, asteps, n);

    /* A side the change does not have (the after of a delete) is null, not "absent at this path". */
    if (!c->before || json_is_null(c->before))
        *before = json_null();
    else
        *before = secret ? json_string(PG_SENSITIVE_TEXT) : pg_change_redacted(c, PG_BEFORE, bsteps, n);
    if (!c->after || json_is_null(c->after))
        *after = json_null();
    else
        *after = secret ? json_string(PG_SENSITIVE_TEXT) : pg_change_redacted(c, PG_AFTER, asteps, n);
    if (*before && *after)
        return PG_OK;
    json_decref(*before);
    json_decref(*after);
    *before = *after = NULL;
    return pg_error_oom(err);
}

int pg_det__pair_text(const pg_change *c, const pg_path_step *bsteps, const pg_path_step *asteps, size_t n, char *btext,
                      char *atext, size_t size, pg_error *err)
{
    json_t *b, *a;
    int rc = pg_det__redacted_pair(c, bsteps, asteps, n, &b, &a, err);

    if (rc != PG_OK)
        return rc;
    redacted_text(b, btext, size);
    redacted_text(a, atext, size);
    return PG_OK;
}

void pg_det__name_text(const char *s, int sensitive, char *buf, size_t size)
{
    if (sensitive)
        pg_quote_str(buf, size, PG_SENSITIVE_TEXT);
    else if (s)
        pg_quote_str(buf, size, s);
    else
        pg_value_text(NULL, buf, size);
}

void pg_det__name_json(const json_t *v, int sensitive, char *buf, size_t size)
{
    /* The whole string, a NUL inside included ("id\u0000x", not "id"): a
     * name cut at a NUL would show the reader another resource's name. */
    if (!sensitive && json_is_string(v))
        pg_quote_fixed(buf, size, json_string_value(v), json_string_length(v));
    else
        pg_det__name_text(NULL, sensitive, buf, size);
}

void pg_det__key_text(const pg_det_keys *k, int range, char *buf, size_t size)
{
    /* The one wording of a key for every detector (issue 15): never a
     * placeholder where a name belongs ("keep (known after apply) as …"). */
    if (k->sensitive)
        pg_det__name_text(NULL, 1, buf, size);
    else if (range ? k->range_unknown : k->hash_unknown)
        snprintf(buf, size, "known only after apply");
    else if (k->unreadable)
        snprintf(buf, size, "a key_schema that cannot be read");
    else
        pg_det__name_text(range ? (k->has_range ? k->range : NULL) : (k->has_hash ? k->hash : NULL), 0, buf, size);
}


size_t pg_det__replace_path_steps(const json_t *p, pg_path_step steps[PG_POLICY_MAX_PATH_STEPS])
{
    size_t n = 0, j;

    for (j = 0; json_is_array(p) && j < json_array_size(p) && n < PG_POLICY_MAX_PATH_STEPS; j++, n++) {
        const json_t *s = json_array_get(p, j);
        if (json_is_string(s))
            steps[n] = (pg_path_step){json_string_value(s), 0};
        else if (json_is_integer(s) && json_integer_value(s) >= 0)
            steps[n] = (pg_path_step){NULL, (size_t)json_integer_value(s)};
        else
            break;
    }
    return n;
}

int pg_det__path_text(const pg_change *c, const pg_path_step *steps, size_t n, pg_buf *out, pg_error *err)
{
    size_t j;
    int rc = PG_OK;

    for (j = 0; j < n && rc == PG_OK; j++) {
        if (pg_det__sensitive(c, steps, j)) {
            /* The keys of a sensitive map are part of its secret. */
            rc = pg_buf_adds(out, j ? "." PG_SENSITIVE_TEXT : PG_SENSITIVE_TEXT, err);
            break;
        }
        if (!steps[j].key)
            rc = pg_buf_addf(out, err, "[%zu]", steps[j].index);
        else if (pg_quote_plain_key(steps[j].key))
            rc = pg_buf_addf(out, err, "%s%s", j ? "." : "", steps[j].key);
        else if ((rc = pg_buf_addc(out, '[', err)) == PG_OK &&
                 (rc = pg_quote(out, steps[j].key, strlen(steps[j].key), PG_QUOTE_DEFAULT_MAX, err)) == PG_OK)
            rc = pg_buf_addc(out, ']', err);
    }
    return rc;
}

const char *pg_det__reason_words(const pg_change *c, char *buf, size_t size)
{
    const char *w = pg_action_reason_words(c->action_reason);
    char quoted[PG_DET_TEXT];

    if (w)
        return w;
    if (c->action_reason) {
        /* A future value, shown as Terraform wrote it (SPEC §2): it is input, so quoted. */
        snprintf(buf, size, "Terraform gives the reason %s", pg_quote_str(quoted, sizeof quoted, c->action_reason));
        return buf;
    }
    if (c->deposed)
        return "it is a deposed object left over from an earlier create-before-destroy replacement";
    if (c->action == PG_ACTION_REPLACE)
        return "the plan does not say why (no action_reason): usually an argument that cannot change in place";
    if (c->action == PG_ACTION_DELETE)
        return "the plan does not say why (no action_reason): usually its block, module or count/for_each "
               "instance is gone from the configuration";
    return "the plan does not say why";
}

const char *pg_det__destroy_words(const pg_change *c)
{
    if (c->action == PG_ACTION_REPLACE)
        return c->replace_order == PG_REPLACE_CREATE_BEFORE_DESTROY
                   ? "replaces it (creates a new one first, then destroys the existing one)"
                   : "replaces it (destroys the existing one, then creates a new one)";
    if (c->action == PG_ACTION_DELETE)
        return "destroys it";
    return "destroys it (action list holds \"delete\")";
}

const char *pg_det__backend_name(const pg_backend *b)
{
    static const char dotdir[] = ".terraform/terraform.tfstate";
    const char *src = b && b->source ? b->source : NULL, *slash;
    size_t n;

    /* Messages name the file without the directory it was found in: the
     * operator knows which file they passed, and reports stay the same
     * wherever the check runs. */
    if (!src || !*src)
        return "the --backend file";
    n = strlen(src);
    if (n >= sizeof dotdir - 1 && strcmp(src + n - (sizeof dotdir - 1), dotdir) == 0 &&
        (n == sizeof dotdir - 1 || src[n - sizeof dotdir] == '/'))
        return src + n - (sizeof dotdir - 1);
    slash = strrchr(src, '/');
    return slash ? slash + 1 : src;
}
