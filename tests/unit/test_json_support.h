/* test_json_support.h — helpers of the json reader tests: run a document
 * through pg_json_reader at a given chunk size and record every callback
 * and the outcome as one text "trace", so tests compare traces. */
#ifndef PG_TEST_JSON_SUPPORT_H
#define PG_TEST_JSON_SUPPORT_H

#include <stddef.h>

#include "plangate/json.h"

/* The chunk size meaning "the whole document in one feed". */
#define JT_WHOLE ((size_t)0)
/* ... and "random sizes from 1 to 64 bytes" (a fixed seed: reproducible). */
#define JT_RANDOM ((size_t)-1)

typedef struct jt_opts {
    /* Capture modes by key: "a=v,b=e" (v: PG_JSON_VALUE, e: PG_JSON_ELEMENTS,
     * anything else skipped; "*=v" or "*=e": every key). NULL: skip everything. */
    const char *modes;
    pg_json_limits limits;
    /* Element index at which the value callback fails with PG_EPLAN (-2: never). */
    long fail_at_index;
} jt_opts;

typedef struct jt_result {
    int rc;          /* 0 or the first error code of feed/finish */
    pg_error err;    /* the error (when rc != 0) */
    char *trace;     /* malloc'd: one line per callback, then a result line */
    pg_json_type top;
    pg_json_encoding enc;
    unsigned long long offset; /* pg_json_reader_offset at the end */
} jt_result;

/*
 * Feed doc[0..len) in chunks of `chunk` bytes (JT_WHOLE: one feed), then
 * finish. `o` may be NULL. Free the result with jt_result_free().
 */
void jt_run(jt_result *out, const char *doc, size_t len, size_t chunk, const jt_opts *o);
void jt_result_free(jt_result *r);

/* Shorthand: run a NUL-terminated document in one chunk, default options,
 * return the error code (0 when accepted); *err gets the error. */
int jt_check(const char *doc, pg_error *err);

/* Read a file (malloc'd) or NULL. */
char *jt_read(const char *path, size_t *len);

#endif
