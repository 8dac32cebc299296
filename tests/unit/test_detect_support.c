/* test_detect_support.c — helpers shared by the detect test suites. */
#include "test_detect_support.h"
#include "support.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

void det_change_from(pg_change *c, const char *json, pg_change_origin origin)
{
    char *text = strdup(json);
    json_error_t jerr;
    json_t *root;
    pg_error err;
    size_t i;
    int rc;

    cr_assert_not_null(text);
    for (i = 0; text[i]; i++)
        if (text[i] == '\'')
            text[i] = '"';
    /* \u0000 allowed, as the plan reader allows it (hostile names) */
    root = json_loads(text, JSON_ALLOW_NUL, &jerr);
    cr_assert_not_null(root, "fixture JSON: %s at %d:%d in %s", jerr.text, jerr.line, jerr.column, text);
    free(text);
    rc = pg_change_init(c, root, origin, &err);
    cr_assert_eq(rc, 0, "pg_change_init: %s", err.message);
}

pg_detect_protection det_protection(const pg_policy *policy, const pg_change *c)
{
    pg_detect_protection prot = {0, NULL};

    /* What check.c asks the policy, for the same changes. */
    if (c->origin == PG_ORIGIN_PLANNED && c->destructive) {
        pg_error err;
        cr_assert_eq(pg_policy_protects(policy, c, &prot.is_protected, &prot.why, &err), 0, "%s", err.message);
    }
    return prot;
}

void det_run(pg_findings *out, const det_opts *opts, const det_change *changes)
{
    static const det_opts none;
    pg_plan_info complete;
    pg_detect_env env;
    pg_detect_run *run = NULL;
    pg_policy *policy = pg_test_policy_new();
    pg_error err;
    size_t i;
    int rc;

    if (!opts)
        opts = &none;
    pg_error_clear(&err);
    cr_assert_not_null(policy);
    if (opts->defaults) {
        rc = pg_policy_load_defaults(policy, &err);
        cr_assert_eq(rc, 0, "defaults: %s", err.message);
    }
    if (opts->policy_yaml) {
        rc = pg_policy_load_string(policy, "test.yaml", opts->policy_yaml, strlen(opts->policy_yaml), &err);
        cr_assert_eq(rc, 0, "policy: %s:%d:%d: %s", err.source, err.line, err.column, err.message);
    }
    env.policy = policy;
    env.backend = opts->backend;
    pg_findings_init(out);
    rc = pg_detect_run_new(&run, &env, &err);
    cr_assert_eq(rc, 0, "run_new: %s", err.message);
    for (i = 0; changes && changes[i].json; i++) {
        pg_change c;

        det_change_from(&c, changes[i].json, changes[i].origin);
        c.index_in_plan = (long)i;
        if (pg_detect_run_wants(run, c.type, c.action)) {
            pg_detect_protection prot = det_protection(policy, &c);
            rc = pg_detect_run_change(run, &c, &prot, out, &err);
        }
        pg_change_dispose(&c);
        cr_assert_eq(rc, 0, "run_change: %s", err.message);
    }
    memset(&complete, 0, sizeof complete);
    complete.complete = 1;
    complete.applyable = 1;
    rc = pg_detect_run_end(run, opts->info ? opts->info : &complete, out, &err);
    cr_assert_eq(rc, 0, "run_end: %s", err.message);
    pg_detect_run_free(run);
    pg_policy_free(policy);
}

size_t det_count(const pg_findings *f, const char *rule, const char *address)
{
    size_t i, n = 0;

    for (i = 0; i < f->count; i++)
        if ((!rule || strcmp(f->items[i]->rule, rule) == 0) &&
            (!address || strcmp(f->items[i]->address, address) == 0))
            n++;
    return n;
}

const pg_finding *det_find(const pg_findings *f, const char *rule, const char *address)
{
    size_t i;

    for (i = 0; i < f->count; i++)
        if (strcmp(f->items[i]->rule, rule) == 0 && (!address || strcmp(f->items[i]->address, address) == 0))
            return f->items[i];
    return NULL;
}

const pg_evidence *det_evidence(const pg_finding *f, const char *path)
{
    size_t i;

    for (i = 0; f && i < f->n_evidence; i++)
        if (strcmp(f->evidence[i].path, path) == 0)
            return &f->evidence[i];
    return NULL;
}

int det_has(const char *hay, const char *needle)
{
    return hay && strstr(hay, needle) != NULL;
}

const char *det_json(const json_t *v)
{
    static char buf[4096];
    char *s;

    if (!v)
        return "(null)";
    s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
    snprintf(buf, sizeof buf, "%s", s ? s : "(oom)");
    free(s);
    return buf;
}

const char *det_words(const char *before, const json_t *v, const char *after)
{
    static char buf[1024];
    char text[256];

    pg_value_text(v, text, sizeof text);
    snprintf(buf, sizeof buf, "%s%s%s", before, text, after);
    return buf;
}
