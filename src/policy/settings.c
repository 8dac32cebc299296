/* settings.c — a flat YAML file of settings into a list (policy/settings.h). */
#include "policy/settings.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plangate/alloc.h"
#include "plangate/policy.h"
#include "policy/policy_internal.h"
#include "util/grow.h"

/* The whole file, NUL-terminated, in one allocation sized by fstat: a
 * settings file is small, and one that is not a regular file (a FIFO, a
 * device) or outgrows the policy cap is refused before anything is read. */
static int slurp(const char *path, char **text, size_t *len, pg_error *err)
{
    struct stat st;
    size_t got = 0;
    ssize_t k;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), rc = PG_OK;

    *text = NULL;
    if (fd < 0 || fstat(fd, &st) != 0) {
        rc = pg_error_set(err, PG_EPOLICY, "cannot open the config file: %s", strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        rc = pg_error_set(err, PG_EPOLICY, "the config file is not a regular file");
    } else if ((size_t)st.st_size > PG_POLICY_MAX_FILE_BYTES) {
        rc = pg_error_set(err, PG_EPOLICY, "the config file is larger than %zu bytes", PG_POLICY_MAX_FILE_BYTES);
    } else if (!(*text = pg_malloc((size_t)st.st_size + 1))) {
        rc = pg_error_oom(err);
    } else {
        /* A file that grows while read is cut at its fstat size: what it
         * held then is what gets parsed. */
        while (got < (size_t)st.st_size && (k = read(fd, *text + got, (size_t)st.st_size - got)) != 0) {
            if (k < 0 && errno == EINTR)
                continue;
            if (k < 0) {
                rc = pg_error_set(err, PG_EPOLICY, "cannot read the config file: %s", strerror(errno));
                break;
            }
            got += (size_t)k;
        }
        (*text)[got] = '\0';
    }
    if (fd >= 0)
        close(fd);
    if (rc != PG_OK) {
        pg_error_set_source(err, path);
        pg_free(*text);
        *text = NULL;
    }
    *len = got;
    return rc;
}

static int add_value(const pn_ctx *x, pg_settings_entry *s, const pn_node *n, size_t *cap)
{
    pg_settings_value *v;
    int rc;

    if (n->kind != PN_SCALAR)
        return pg_policy__fail(x, n, "%s %s holds %s: a setting is a value or a list of values",
                               s->is_list ? "an item of" : "the value of", s->key, pg_policy__node_kind_name(n));
    if ((rc = PG_GROW(s->values, *cap, s->n_values + 1, x->err)) != PG_OK)
        return rc;
    v = &s->values[s->n_values];
    memset(v, 0, sizeof *v);
    v->type = n->stype == PS_BOOL ? PG_SETTINGS_BOOL : n->stype == PS_NULL ? PG_SETTINGS_NULL : PG_SETTINGS_TEXT;
    v->boolean = n->boolean;
    v->line = n->line;
    v->col = n->col;
    if (!(v->text = pg_strdup(n->text ? n->text : "")))
        return pg_error_oom(x->err);
    s->n_values++;
    return PG_OK;
}

static int add_setting(const pn_ctx *x, pg_settings *out, const pn_node *key, const pn_node *val, size_t *cap)
{
    pg_settings_entry *s;
    size_t i, vcap = 0;
    int rc;

    if (key->kind != PN_SCALAR || key->stype == PS_NULL)
        return pg_policy__fail(x, key, "a key must be a name, not %s", pg_policy__node_kind_name(key));
    if ((rc = PG_GROW(out->items, *cap, out->n + 1, x->err)) != PG_OK)
        return rc;
    s = &out->items[out->n++];
    memset(s, 0, sizeof *s);
    s->line = key->line;
    s->col = key->col;
    if (!(s->key = pg_strdup(key->text)))
        return pg_error_oom(x->err);
    if (val->kind == PN_MAP)
        return pg_policy__fail(x, val, "the value of %s is a mapping: a setting is a value or a list of values",
                               s->key);
    if (val->kind != PN_SEQ)
        return add_value(x, s, val, &vcap);
    s->is_list = 1;
    for (i = 0; i < val->n; i++)
        if ((rc = add_value(x, s, val->kids[i], &vcap)) != PG_OK)
            return rc;
    return PG_OK;
}

int pg_settings_read(pg_settings *out, const char *path, pg_error *err)
{
    pn_doc doc;
    pn_ctx x;
    char *text;
    size_t len, i, cap = 0;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = slurp(path, &text, &len, err)) != PG_OK)
        return rc;
    x.source = path;
    x.err = err;
    x.collect = NULL;
    rc = pg_policy__yaml_parse(&doc, path, text, len, err);
    pg_free(text);
    if (rc != PG_OK)
        return rc;
    if (doc.root && doc.root->kind != PN_MAP && !(doc.root->kind == PN_SCALAR && doc.root->stype == PS_NULL))
        rc = pg_policy__fail(&x, doc.root, "a config file is a mapping of settings (`fail_on: high`), not %s",
                             pg_policy__node_kind_name(doc.root));
    for (i = 0; rc == PG_OK && doc.root && doc.root->kind == PN_MAP && i + 1 < doc.root->n; i += 2)
        rc = add_setting(&x, out, doc.root->kids[i], doc.root->kids[i + 1], &cap);
    pg_policy__yaml_free(&doc);
    if (rc != PG_OK)
        pg_settings_dispose(out);
    return rc;
}

void pg_settings_dispose(pg_settings *s)
{
    size_t i, j;

    if (!s)
        return;
    for (i = 0; i < s->n; i++) {
        for (j = 0; j < s->items[i].n_values; j++)
            pg_free(s->items[i].values[j].text);
        pg_free(s->items[i].values);
        pg_free(s->items[i].key);
    }
    pg_free(s->items);
    memset(s, 0, sizeof *s);
}
