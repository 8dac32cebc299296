/* test_detect_support.h — helpers for the detect test suites: build
 * pg_change values from JSON text and run the pg_detect_run engine. */
#ifndef PG_TEST_DETECT_SUPPORT_H
#define PG_TEST_DETECT_SUPPORT_H

#include <stddef.h>

#include "plangate/plangate.h"

/* One change for det_run: JSON text where ' stands for " (readability). */
typedef struct det_change {
    const char *json;
    pg_change_origin origin;
} det_change;

#define PLANNED(j) {(j), PG_ORIGIN_PLANNED}
#define DRIFT(j) {(j), PG_ORIGIN_DRIFT}
#define DET_END {NULL, PG_ORIGIN_PLANNED}

/* Options of one run; zero means: no policy text, no backend, a complete plan. */
typedef struct det_opts {
    const char *policy_yaml;    /* loaded with pg_policy_load_string, or NULL */
    int defaults;               /* load the default pack first */
    const pg_backend *backend;
    const pg_plan_info *info;   /* NULL: a complete plan */
} det_opts;

/* Parse `json` (' → ") into a change; asserts on failure. Dispose with pg_change_dispose. */
void det_change_from(pg_change *c, const char *json, pg_change_origin origin);

/* What the protect: selectors say about `c`, asked as check.c asks them. */
pg_detect_protection det_protection(const pg_policy *policy, const pg_change *c);

/* Run the engine over `changes` (terminated by DET_END) and collect the findings; asserts rc 0. */
void det_run(pg_findings *out, const det_opts *opts, const det_change *changes);

/* Findings of `rule` (and `address` when non-NULL). */
size_t det_count(const pg_findings *f, const char *rule, const char *address);
const pg_finding *det_find(const pg_findings *f, const char *rule, const char *address);
/* The evidence at `path` of a finding, or NULL. */
const pg_evidence *det_evidence(const pg_finding *f, const char *path);
/* Does `hay` contain `needle`? (NULL hay: no) */
int det_has(const char *hay, const char *needle);
/* before + pg_value_text(v) + after (static buffer): the expected wording
 * whatever the library's value-to-text convention is. */
const char *det_words(const char *before, const json_t *v, const char *after);
/* A JSON value as compact text (static buffer), "(null)" for NULL. */
const char *det_json(const json_t *v);

#endif
