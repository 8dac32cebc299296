/*
 * test_limits_policy.c — every cap of the policy loader (STYLE 14, SPEC §6:
 * "YAML alias expansion bounded"), each at the limit (loads) and one past it
 * (PG_EPOLICY naming the limit, exit 4 through `plangate lint`).
 *
 * Caps: PG_POLICY_MAX_FILE_BYTES (file size), PG_POLICY_MAX_ALIASES (alias
 * uses), PG_POLICY_MAX_ALIAS_EXPANSION (nodes reachable through aliases),
 * PG_POLICY_MAX_DEPTH (YAML nesting), PG_POLICY_MAX_PATH_STEPS (steps in a
 * path), and the regular-expression caps proposed in docs/robustness.md.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "plangate/policy.h"
#include "policy/policy_internal.h"
#include "support.h"

/* Proposed in docs/robustness.md (glibc regcomp expands bounded repetitions:
 * "(a{1,255}){1,255}" takes 2.5 s and 150 MB, one more level minutes). The
 * policy module defines them when it implements the cap. */
#ifndef PG_POLICY_MAX_REGEX_BYTES
#define PG_POLICY_MAX_REGEX_BYTES 512u
#endif
#ifndef PG_POLICY_MAX_REGEX_REPEAT
#define PG_POLICY_MAX_REGEX_REPEAT 100u
#endif

typedef struct lp_buf {
    char *s;
    size_t len, cap;
} lp_buf;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void lp_add(lp_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void lp_add(lp_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    for (;;) {
        va_start(ap, fmt);
        n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        cr_assert(n >= 0);
        if (b->s && b->len + (size_t)n < b->cap)
            break;
        b->cap = (b->cap + (size_t)n + 1) * 2;
        cr_assert_not_null(b->s = realloc(b->s, b->cap));
    }
    b->len += (size_t)n;
}

static const char rule_head[] = "version: 1\nrules:\n  - id: r\n    severity: high\n    require:\n";

/* Load `text`; returns the code, *err the error. */
static int lp_load(const char *text, size_t len, pg_error *err)
{
    pg_policy *p = pg_test_policy_new();
    int rc;

    cr_assert_not_null(p);
    pg_error_clear(err);
    rc = pg_policy_load_string(p, "limits.yaml", text, len, err);
    pg_policy_free(p);
    return rc;
}

static void lp_expect_ok(const lp_buf *b, const char *what)
{
    pg_error err;
    int rc = lp_load(b->s, b->len, &err);
    cr_assert_eq(rc, 0, "%s: at the limit it must load: %s", what, err.message);
}

static void lp_expect_limit(const lp_buf *b, const char *what, const char *limit_name)
{
    pg_error err;
    int rc = lp_load(b->s, b->len, &err);
    cr_assert_eq(rc, PG_EPOLICY, "%s: one past the limit must fail (rc %d)", what, rc);
    cr_assert_not_null(strstr(err.message, limit_name), "%s: the message names %s: %s", what, limit_name,
                       err.message);
}

/* ---- file size ------------------------------------------------------------------- */

static void lp_file_of_size(lp_buf *b, size_t size)
{
    memset(b, 0, sizeof *b);
    lp_add(b, "version: 1\n");
    while (b->len + 81 <= size - 1)
        lp_add(b, "# %-77s\n", "padding");
    while (b->len < size - 1)
        lp_add(b, "#");
    lp_add(b, "\n");
    cr_assert_eq(b->len, size);
}

Test(limits_policy, file_size_at_and_past_the_limit)
{
    lp_buf b;

    lp_file_of_size(&b, PG_POLICY_MAX_FILE_BYTES);
    lp_expect_ok(&b, "4 MiB");
    free(b.s);
    lp_file_of_size(&b, PG_POLICY_MAX_FILE_BYTES + 1);
    lp_expect_limit(&b, "4 MiB + 1", "limit PG_POLICY_MAX_FILE_BYTES");
    free(b.s);
}

/* Through the CLI: `plangate lint` reads the file itself (merge.c). */
Test(limits_policy, file_size_through_lint)
{
    char path[] = "/tmp/pg-limits-XXXXXX";
    const char *argv[] = {"lint", path, NULL};
    pg_test_run_result r;
    lp_buf b;
    int fd;
    FILE *f;

    cr_assert((fd = mkstemp(path)) >= 0);
    cr_assert_not_null(f = fdopen(fd, "w"));
    lp_file_of_size(&b, PG_POLICY_MAX_FILE_BYTES);
    cr_assert_eq(fwrite(b.s, 1, b.len, f), b.len);
    cr_assert_eq(fflush(f), 0);
    cr_assert_eq(pg_test_run(&r, argv, NULL, NULL), 0);
    cr_assert_eq(r.exit_code, 0, "at the limit: %s%s", r.out, r.err);
    pg_test_run_free(&r);
    cr_assert_eq(fputc('#', f), '#');
    cr_assert_eq(fclose(f), 0);
    cr_assert_eq(pg_test_run(&r, argv, NULL, NULL), 0);
    cr_assert_eq(r.exit_code, 4, "past the limit: %s%s", r.out, r.err);
    cr_assert_not_null(strstr(r.err, "PG_POLICY_MAX_FILE_BYTES"), "%s", r.err);
    pg_test_run_free(&r);
    unlink(path);
    free(b.s);
}

/* ---- aliases ---------------------------------------------------------------------- */

/* One anchored list of `items` scalars (weight items + 1), then `uses` aliases. */
static void lp_aliases(lp_buf *b, unsigned items, unsigned uses)
{
    unsigned i;

    memset(b, 0, sizeof *b);
    lp_add(b, "%s      - { path: after.x, in: &l [", rule_head);
    for (i = 0; i < items; i++)
        lp_add(b, "%sv%u", i ? ", " : "", i);
    lp_add(b, "] }\n");
    for (i = 0; i < uses; i++)
        lp_add(b, "      - { path: after.x, in: *l }\n");
}

Test(limits_policy, alias_uses_at_and_past_the_limit)
{
    lp_buf b;

    /* 1000 uses of a 100-node list: also exactly the expansion limit. */
    cr_assert_eq(PG_POLICY_MAX_ALIASES * 100u, PG_POLICY_MAX_ALIAS_EXPANSION);
    lp_aliases(&b, 99, PG_POLICY_MAX_ALIASES);
    lp_expect_ok(&b, "1000 aliases");
    free(b.s);
    lp_aliases(&b, 0, PG_POLICY_MAX_ALIASES + 1);
    lp_expect_limit(&b, "1001 aliases", "limit PG_POLICY_MAX_ALIASES");
    free(b.s);
}

Test(limits_policy, alias_expansion_at_and_past_the_limit)
{
    lp_buf b;

    /* 500 uses of a 200-node list = 100000 nodes; 501 uses = 100200. */
    lp_aliases(&b, 199, PG_POLICY_MAX_ALIAS_EXPANSION / 200u);
    lp_expect_ok(&b, "expansion 100000");
    free(b.s);
    lp_aliases(&b, 199, PG_POLICY_MAX_ALIAS_EXPANSION / 200u + 1);
    lp_expect_limit(&b, "expansion 100200", "limit PG_POLICY_MAX_ALIAS_EXPANSION");
    free(b.s);
}

/* The billion laughs: nine levels of ten aliases each would be 10^9 nodes. */
Test(limits_policy, billion_laughs_is_refused_quickly)
{
    static const char *const names = "abcdefghi";
    lp_buf b;
    unsigned i, j;
    clock_t t0 = clock();

    memset(&b, 0, sizeof b);
    lp_add(&b, "%s      - { path: after.x, in: &a [x, x, x, x, x, x, x, x, x, x] }\n", rule_head);
    for (i = 1; i < 9; i++) {
        lp_add(&b, "      - { path: after.x, in: &%c [", names[i]);
        for (j = 0; j < 10; j++)
            lp_add(&b, "%s*%c", j ? ", " : "", names[i - 1]);
        lp_add(&b, "] }\n");
    }
    lp_expect_limit(&b, "billion laughs", "limit PG_POLICY_MAX_ALIAS_EXPANSION");
    cr_assert((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0, "refused, but slowly");
    free(b.s);
}

/* ---- YAML nesting ------------------------------------------------------------------ */

/* The condition sits at YAML depth 5 (document map, rules, rule, require,
 * condition); each `not:` opens one more mapping, each `all:` two (its
 * mapping and its list). `levels` counts conditions, the leaf included. */
static void lp_nest(lp_buf *b, const char *open, const char *close, unsigned levels)
{
    unsigned i;

    memset(b, 0, sizeof *b);
    lp_add(b, "%s      - ", rule_head);
    for (i = 1; i < levels; i++)
        lp_add(b, "%s", open);
    lp_add(b, "{ path: after.x, exists: true }");
    for (i = 1; i < levels; i++)
        lp_add(b, "%s", close);
    lp_add(b, "\n");
}

/* Conditions nest PG_POLICY_MAX_DEPTH (64) levels inside a require, as
 * docs/policies.md says, whichever combinator nests them (issue 13: the
 * YAML cap used to stop all: at 30 levels and not: at 60). */
Test(limits_policy, condition_depth_at_and_past_the_limit)
{
    static const char *const opens[] = {"{ not: ", "{ all: [ ", "{ any: [ "};
    static const char *const closes[] = {" }", " ] }", " ] }"};
    pg_error err;
    lp_buf b;
    size_t k;

    for (k = 0; k < 3; k++) {
        lp_nest(&b, opens[k], closes[k], PG_POLICY_MAX_DEPTH);
        lp_expect_ok(&b, opens[k]);
        free(b.s);
        lp_nest(&b, opens[k], closes[k], PG_POLICY_MAX_DEPTH + 1);
        cr_assert_eq(lp_load(b.s, b.len, &err), PG_EPOLICY, "%s", opens[k]);
        cr_assert_str_eq(err.message, "conditions nested deeper than 64 levels (limit PG_POLICY_MAX_DEPTH)");
        cr_assert_str_eq(err.source, "limits.yaml");
        /* the 65th condition: line 6, after the "      - " and 64 openers */
        cr_assert_eq(err.line, 6);
        cr_assert_eq(err.column, (int)(9 + 64 * strlen(opens[k])), "%s: column %d", opens[k], err.column);
        free(b.s);
    }
}

/* The YAML layer's own cap is past what 64 levels of conditions need. */
Test(limits_policy, yaml_depth_at_and_past_the_limit)
{
    lp_buf b;
    unsigned i;

    /* the document mapping, rules: [ ... ]: 2 + n levels */
    memset(&b, 0, sizeof b);
    lp_add(&b, "version: 1\nx: ");
    for (i = 1; i < PG_POLICY_MAX_YAML_DEPTH; i++)
        lp_add(&b, "[");
    for (i = 1; i < PG_POLICY_MAX_YAML_DEPTH; i++)
        lp_add(&b, "]");
    lp_add(&b, "\n");
    lp_expect_limit(&b, "YAML depth at the limit: the schema, not the cap", "unknown key \"x\"");
    free(b.s);
    memset(&b, 0, sizeof b);
    lp_add(&b, "version: 1\nx: ");
    for (i = 0; i < PG_POLICY_MAX_YAML_DEPTH; i++)
        lp_add(&b, "[");
    for (i = 0; i < PG_POLICY_MAX_YAML_DEPTH; i++)
        lp_add(&b, "]");
    lp_add(&b, "\n");
    lp_expect_limit(&b, "YAML depth past the limit", "limit PG_POLICY_MAX_YAML_DEPTH");
    free(b.s);
}

/* 100 000 nested flow sequences: refused at the cap, no stack overflow. */
Test(limits_policy, deep_yaml_is_refused)
{
    lp_buf b;
    unsigned i;

    memset(&b, 0, sizeof b);
    lp_add(&b, "version: 1\nrules: ");
    for (i = 0; i < 100000; i++)
        lp_add(&b, "[");
    lp_expect_limit(&b, "100000 [", "limit PG_POLICY_MAX_YAML_DEPTH");
    free(b.s);
}

/* ---- paths -------------------------------------------------------------------------- */

static void lp_path(lp_buf *b, unsigned steps)
{
    unsigned i;

    memset(b, 0, sizeof *b);
    lp_add(b, "%s      - { path: \"after", rule_head);
    for (i = 0; i < steps; i++)
        lp_add(b, i % 2 ? "[%u]" : ".k%u", i);
    lp_add(b, "\", exists: true }\n");
}

Test(limits_policy, path_steps_at_and_past_the_limit)
{
    lp_buf b;

    lp_path(&b, PG_POLICY_MAX_PATH_STEPS);
    lp_expect_ok(&b, "64 steps");
    free(b.s);
    lp_path(&b, PG_POLICY_MAX_PATH_STEPS + 1);
    lp_expect_limit(&b, "65 steps", "limit PG_POLICY_MAX_PATH_STEPS");
    free(b.s);
}

/* ---- regular expressions (POSIX regcomp on a hostile pattern) ----------------------- */

static void lp_regex(lp_buf *b, const char *pattern)
{
    memset(b, 0, sizeof *b);
    lp_add(b, "%s      - { path: after.name, matches: '%s' }\n", rule_head, pattern);
}

Test(limits_policy, regex_at_the_cap_loads)
{
    char pattern[PG_POLICY_MAX_REGEX_BYTES + 1];
    lp_buf b;

    memset(pattern, 'a', PG_POLICY_MAX_REGEX_BYTES);
    pattern[PG_POLICY_MAX_REGEX_BYTES] = '\0';
    lp_regex(&b, pattern);
    lp_expect_ok(&b, "a 512-byte pattern");
    free(b.s);
    lp_regex(&b, "^(prod|production)-[a-z]{1,100}(-[0-9]{2,8})*$");
    lp_expect_ok(&b, "bounds up to 100, not nested");
    free(b.s);
}

Test(limits_policy, regex_past_the_cap_is_refused)
{
    static const char *const hostile[] = {
        "a{1,101}",          /* one bound past PG_POLICY_MAX_REGEX_REPEAT */
        "(a{1,2}){1,2}",     /* a bounded repetition inside another */
        "(a{1,255}){1,255}", /* 2.5 s and 150 MB in regcomp today */
    };
    char pattern[PG_POLICY_MAX_REGEX_BYTES + 2];
    lp_buf b;
    size_t i;

    memset(pattern, 'a', PG_POLICY_MAX_REGEX_BYTES + 1);
    pattern[PG_POLICY_MAX_REGEX_BYTES + 1] = '\0';
    lp_regex(&b, pattern);
    lp_expect_limit(&b, "a 513-byte pattern", "limit");
    free(b.s);
    for (i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        lp_regex(&b, hostile[i]);
        lp_expect_limit(&b, hostile[i], "limit");
        free(b.s);
    }
}

/* Found by fuzz_policy (docs/robustness.md F4): glibc compiles "x+" as
 * "xx*", so each `+` stacked on another doubles the tree: "x" and 20 `+`
 * take 2.8 s and 700 MB in regcomp, 24 of them 11 GB. `+` multiplies like a
 * bound of 2 and needs the same cap (fixed in src/policy/regex.c). */
Test(limits_policy, regex_stacked_plus_is_refused)
{
    static const char *const hostile[] = {
        "x++++++++++++++++",                                   /* 16 stacked: 0.16 s, 41 MB today */
        "((((((((((((((((a+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+", /* 16 nested */
    };
    lp_buf b;
    size_t i;

    /* Ordinary patterns with `+`, nested once, still load. */
    lp_regex(&b, "^([a-z0-9]+-)+[a-z0-9]+$");
    lp_expect_ok(&b, "a usual pattern");
    free(b.s);
    for (i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        lp_regex(&b, hostile[i]);
        lp_expect_limit(&b, hostile[i], "limit");
        free(b.s);
    }
}

/* glibc takes back-references in ERE and backtracks on them: "^(a*)*\\1$"
 * took 1.7 s on 320 bytes and 19 s on 640. They are refused; an escaped
 * digit inside a bracket expression is only a character. */
Test(limits_policy, regex_back_reference_is_refused)
{
    lp_buf b;

    lp_regex(&b, "^(a*)*\\1$");
    lp_expect_limit(&b, "\\1", "back-reference \\1");
    free(b.s);
    lp_regex(&b, "(x)(y)\\2");
    lp_expect_limit(&b, "\\2", "back-reference \\2");
    free(b.s);
    lp_regex(&b, "^v[\\1-9]\\.[0-9]+$");
    lp_expect_ok(&b, "escaped dot and a bracket holding a backslash");
    free(b.s);
}

/* ---- depth: operators on values nested as deep as a plan can make them (issue 11) ---------- */

/* A value nested `depth` containers deep (arrays and objects alternating,
 * {"k": ...} for objects, a string at the bottom), built without recursion.
 * levels[i] is the container at depth i (borrowed). */
static json_t *deep_new(size_t depth, json_t ***levels_out)
{
    json_t **levels = calloc(depth, sizeof *levels), *child = json_string("leaf");
    size_t i;

    cr_assert(levels && child);
    for (i = depth; i-- > 0;) {
        json_t *c = i % 2 == 0 ? json_array() : json_object();
        cr_assert(c);
        cr_assert_eq(i % 2 == 0 ? json_array_append_new(c, child) : json_object_set_new(c, "k", child), 0);
        levels[i] = child = c;
    }
    *levels_out = levels;
    return child;
}

/* Empty every level from the deepest up, so that no free recurses. */
static void deep_clear(json_t **levels, size_t depth)
{
    size_t i;

    for (i = depth; i-- > 0;) {
        if (json_is_array(levels[i]))
            json_array_clear(levels[i]);
        else
            json_object_clear(levels[i]);
    }
    free(levels);
}

static const char deep_policy[] =
    "version: 1\n"
    "protect:\n"
    "  - { when: { path: before.v, length_equals: 1 } }\n"
    "rules:\n"
    "  - id: forbid\n    severity: low\n    match: { where: { path: after.v, not_equals: x } }\n"
    "    message: \"{after.v} {before.v} {index} {replace_paths} {after_unknown.u} {after.v[*]}\"\n"
    "    remediation: \"{after.v[0].k}\"\n"
    "  - { id: eq, severity: low, require: { path: after.v, equals: leaf } }\n"
    "  - { id: eq-list, severity: low, require: { path: after.v, equals: [leaf] } }\n"
    "  - { id: ne, severity: low, require: { path: after.v, not_equals: leaf } }\n"
    "  - { id: in, severity: low, require: { path: after.v, in: [a, [b], { k: c }] } }\n"
    "  - { id: not-in, severity: low, require: { path: after.v, not_in: [a] } }\n"
    "  - { id: contains, severity: low, require: { path: after.v, contains: k } }\n"
    "  - { id: contains-list, severity: low, require: { path: after.v, contains: [x] } }\n"
    "  - { id: len-eq, severity: low, require: { path: after.v, length_equals: 2 } }\n"
    "  - { id: len-gt, severity: low, require: { path: after.v, length_greater_than: 5 } }\n"
    "  - { id: len-lt, severity: low, require: { path: after.v, length_less_than: 0 } }\n"
    "  - { id: matches, severity: low, require: { path: after.v, matches: \"^x\" } }\n"
    "  - { id: glob, severity: low, require: { path: after.v, glob: \"x*\" } }\n"
    "  - { id: gt, severity: low, require: { path: after.v, greater_than: 1 } }\n"
    "  - { id: absent, severity: low, require: { path: after.v, exists: false } }\n"
    "  - { id: changed, severity: low, require: { path: v, changed: true } }\n"
    "  - { id: unchanged, severity: low, require: { path: v, changed: false } }\n"
    "  - { id: every, severity: low, require: { path: \"after.v[*]\", equals: x, every: true } }\n"
    "  - { id: every-len, severity: low, require: { path: \"after.v[*]\", length_equals: 3, every: true } }\n"
    "  - { id: wild-key, severity: low, require: { path: \"after.v[*].k\", exists: false } }\n"
    "  - { id: index, severity: low, require: { path: index, equals: 1 } }\n"
    "  - { id: replace-paths, severity: low, require: { path: replace_paths, contains: [x] } }\n"
    "  - { id: unknown-mask, severity: low, require: { path: after_unknown.u, equals: true } }\n"
    "  - { id: unknown-wild, severity: low, require: { path: \"after_unknown.u[*]\", exists: false } }\n"
    "  - { id: combined, severity: low, require: { not: { any: [{ path: after.v, equals: x }, "
    "{ path: v, changed: true }] } } }\n";

static const char *finding_of(const pg_findings *l, const char *rule)
{
    size_t i;

    for (i = 0; i < l->count; i++)
        if (strcmp(l->items[i]->rule, rule) == 0)
            return l->items[i]->message;
    return NULL;
}

static size_t markers(const pg_findings *l)
{
    size_t i, j, n = 0;

    for (i = 0; i < l->count; i++)
        for (j = 0; j < l->items[i]->n_evidence; j++) {
            const pg_evidence *e = &l->items[i]->evidence[j];
            n += json_is_string(e->before) && strcmp(json_string_value(e->before), PG_POLICY_TOO_DEEP_TEXT) == 0;
            n += json_is_string(e->after) && strcmp(json_string_value(e->after), PG_POLICY_TOO_DEEP_TEXT) == 0;
        }
    return n;
}

static void operators_at_depth(size_t depth)
{
    pg_policy *p = pg_test_policy_new();
    json_t **levels, *deep = deep_new(depth, &levels), *element, *change, *before, *after, *unknown;
    pg_findings found;
    pg_change c;
    pg_error err;
    int prot = 0;
    const char *why = NULL;

    pg_error_clear(&err);
    cr_assert_eq(pg_policy_load_string(p, "deep.yaml", deep_policy, sizeof deep_policy - 1, &err), 0, "%s:%d: %s",
                 err.source, err.line, err.message);
    /* One tree, shared by every place a plan value can come from. */
    before = json_pack("{sO}", "v", deep);
    after = json_pack("{sO}", "v", deep);
    unknown = json_pack("{sO}", "u", deep);
    change = json_pack("{s[s]sOsOsOs{}s{}sO}", "actions", "update", "before", before, "after", after, "after_unknown",
                       unknown, "before_sensitive", "after_sensitive", "replace_paths", deep);
    element = json_pack("{sssssssssO}", "address", "aws_x.t", "mode", "managed", "type", "aws_x", "name", "t",
                        "change", change);
    cr_assert(before && after && unknown && change && element);
    cr_assert_eq(json_object_set(element, "index", deep), 0);
    json_decref(before);
    json_decref(after);
    json_decref(unknown);
    json_decref(change);
    cr_assert_eq(pg_change_init(&c, element, PG_ORIGIN_PLANNED, &err), 0);

    pg_findings_init(&found);
    cr_assert_eq(pg_policy_eval_change(p, &c, &found, &err), 0, "depth %zu: %s", depth, err.message);
    cr_assert_eq(pg_policy_protects(p, &c, &prot, &why, &err), 0);
    cr_assert(prot, "depth %zu: a when: on a deep value still decides", depth);
    cr_assert(finding_of(&found, "forbid"), "depth %zu: the rule without require fires", depth);
    cr_assert(finding_of(&found, "eq"));
    cr_assert_null(finding_of(&found, "ne"), "not_equals a string holds on a list");
    if (depth <= PG_JSON_MAX_DEPTH_CEILING) {
        /* within the ceiling every operator judges, `changed` included */
        cr_assert_null(finding_of(&found, "unchanged"), "depth %zu: equal trees are unchanged", depth);
        cr_assert(finding_of(&found, "changed"));
        cr_assert_eq(markers(&found), 0);
    } else {
        /* past it, `changed` cannot judge (unknown: a require fails) and no
         * evidence or message shows the value */
        cr_assert(finding_of(&found, "unchanged"), "depth %zu: unknown fails closed", depth);
        cr_assert(finding_of(&found, "changed"));
        cr_assert_gt(markers(&found), 10);
        cr_assert(strstr(finding_of(&found, "forbid"), PG_POLICY_TOO_DEEP_TEXT), "%s", finding_of(&found, "forbid"));
    }
    pg_findings_dispose(&found);
    deep_clear(levels, depth);
    json_decref(deep);
    pg_change_dispose(&c);
    pg_policy_free(p);
}

Test(limits_policy, every_operator_on_a_value_at_the_depth_ceiling)
{
    operators_at_depth(PG_JSON_MAX_DEPTH_CEILING);
}

Test(limits_policy, every_operator_on_a_value_100000_deep)
{
    operators_at_depth(100000);
}
