/* test_plan_skip.c — the fast path (src/plan/skip.c): the decision made
 * from the reader's key index equals the one made by scanning, for every
 * chunking, and anything unusual is decoded. */
#include <criterion/criterion.h>
#include <string.h>

#include "plan/skip.h"
#include "plangate/plangate.h"

typedef struct probe {
    pg_json_reader *r;
    int decisions[16];
    int scans[16];
    pg_action actions[16];
    int n;
    int indexed; /* how many elements had an index */
} probe;

/* Nobody wants anything but aws_dynamodb_table. */
static int only_tables(void *ctx, const char *type, pg_action action)
{
    (void)ctx;
    (void)action;
    return strcmp(type, "aws_dynamodb_table") == 0;
}

static pg_json_capture on_key(void *ctx, const char *key, size_t len)
{
    (void)ctx;
    return len == 16 && memcmp(key, "resource_changes", 16) == 0 ? PG_JSON_ELEMENTS : PG_JSON_SKIP;
}

static int on_value(void *ctx, const char *key, size_t key_len, long index, const char *raw, size_t raw_len,
                    uint64_t offset, pg_error *err)
{
    probe *p = ctx;
    const pg_json_key_pos *keys;
    size_t n;
    pg_action a1 = PG_ACTION_COUNT_, a2 = PG_ACTION_COUNT_;

    (void)key;
    (void)key_len;
    (void)offset;
    (void)err;
    cr_assert(p->n < 16);
    if (index >= 0 && pg_json_reader_capture_keys(p->r, &keys, &n) == 0) {
        p->indexed++;
        p->decisions[p->n] = pg_plan__skip_decision(raw, raw_len, keys, n, only_tables, NULL, &a1);
    } else {
        p->decisions[p->n] = PG_SKIP_UNDECIDED;
    }
    p->scans[p->n] = pg_plan__skip_decision(raw, raw_len, NULL, 0, only_tables, NULL, &a2);
    p->actions[p->n] = a2;
    if (p->decisions[p->n] == PG_SKIP_COUNT_ONLY)
        cr_assert_eq(a1, a2);
    p->n++;
    return 0;
}

static void run(probe *p, const char *doc, size_t chunk)
{
    pg_json_handler h = {on_key, on_value, NULL, p};
    pg_error err;
    size_t len = strlen(doc), i;

    memset(p, 0, sizeof *p);
    p->r = pg_json_reader_new(&h, NULL);
    cr_assert_not_null(p->r);
    pg_error_clear(&err);
    for (i = 0; i < len; i += chunk)
        cr_assert_eq(pg_json_feed(p->r, doc + i, len - i < chunk ? len - i : chunk, &err), 0, "%s", err.message);
    cr_assert_eq(pg_json_finish(p->r, &err), 0, "%s", err.message);
    pg_json_reader_free(p->r);
}

/* Terraform's order, a pretty-printed one with awkward strings, and the traps. */
static const char *const doc =
    "{\"resource_changes\": ["
    /* 0: a plain no-op nobody wants: skipped */
    "{\"address\":\"aws_instance.a\",\"mode\":\"managed\",\"type\":\"aws_instance\",\"name\":\"a\","
    "\"change\":{\"actions\":[\"no-op\"],\"before\":{\"tags\":{\"x\":\"}{,\\\"\"}},\"after\":{\"k\":[1,{\"a\":\"]\"}]},"
    "\"after_unknown\":{},\"importing\":null}},\n"
    /* 1: pretty-printed, change first, keys in another order: skipped */
    "  {\n    \"change\" : {\n      \"after\" : { \"x\" : \"a,b}\" } ,\n      \"actions\" : [ \"update\" ]\n    } ,\n"
    "    \"type\" : \"aws_s3_bucket\" ,\n    \"address\" : \"aws_s3_bucket.b\"\n  }\n,"
    /* 2: wanted type: decoded */
    "{\"address\":\"aws_dynamodb_table.t\",\"type\":\"aws_dynamodb_table\",\"change\":{\"actions\":[\"no-op\"]}},"
    /* 3: a delete: decoded */
    "{\"address\":\"aws_instance.d\",\"type\":\"aws_instance\",\"change\":{\"actions\":[\"delete\"]}},"
    /* 4: a repeated member: decoded (the decoder refuses it) */
    "{\"address\":\"aws_instance.e\",\"type\":\"aws_instance\",\"address\":\"x\",\"change\":{\"actions\":[\"no-op\"]}},"
    /* 5: a repeated key inside change: decoded */
    "{\"address\":\"aws_instance.f\",\"type\":\"aws_instance\",\"change\":{\"actions\":[\"no-op\"],\"actions\":[\"delete\"]}},"
    /* 6: moved: decoded (reports list moves) */
    "{\"address\":\"aws_instance.g\",\"previous_address\":\"aws_instance.old\",\"type\":\"aws_instance\","
    "\"change\":{\"actions\":[\"no-op\"]}},"
    /* 7: imported: decoded */
    "{\"address\":\"aws_instance.h\",\"type\":\"aws_instance\",\"change\":{\"actions\":[\"no-op\"],\"importing\":{\"id\":\"i-1\"}}},"
    /* 8: an escape in a key: decoded */
    "{\"addr\\u0065ss\":\"aws_instance.i\",\"type\":\"aws_instance\",\"change\":{\"actions\":[\"no-op\"]}},"
    /* 9: an unknown action list: decoded */
    "{\"address\":\"aws_instance.j\",\"type\":\"aws_instance\",\"change\":{\"actions\":[\"archive\"]}},"
    /* 10: not an object: no index, decoded */
    "[1,2]"
    "], \"format_version\": \"1.2\"}";

static const int expected[] = {
    PG_SKIP_COUNT_ONLY, PG_SKIP_COUNT_ONLY, PG_SKIP_DECODE, PG_SKIP_DECODE, PG_SKIP_DECODE, PG_SKIP_DECODE,
    PG_SKIP_DECODE,     PG_SKIP_DECODE,     PG_SKIP_DECODE, PG_SKIP_DECODE, PG_SKIP_UNDECIDED,
};

Test(plan_skip, index_and_scan_agree_at_every_chunking)
{
    static const size_t chunks[] = {1, 2, 7, 4096};
    size_t c, i;
    probe p;

    for (c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
        run(&p, doc, chunks[c]);
        cr_assert_eq(p.n, 11, "chunk %zu: %d elements", chunks[c], p.n);
        cr_assert_eq(p.indexed, 10, "every object element has an index");
        for (i = 0; i < 11; i++) {
            cr_assert_eq(p.decisions[i], expected[i], "chunk %zu, element %zu: %d", chunks[c], i, p.decisions[i]);
            if (i < 10)
                cr_assert_eq(p.scans[i], p.decisions[i], "element %zu: scan %d, index %d", i, p.scans[i],
                             p.decisions[i]);
        }
        cr_assert_eq(p.actions[0], PG_ACTION_NOOP);
        cr_assert_eq(p.actions[1], PG_ACTION_UPDATE);
    }
}

Test(plan_skip, no_index_outside_elements)
{
    probe p;
    const pg_json_key_pos *keys;
    size_t n;

    run(&p, "{\"resource_changes\":[]}", 4096);
    cr_assert_eq(p.n, 0);
    /* Outside a callback the reader has nothing to offer. */
    {
        pg_json_reader *r = pg_json_reader_new(NULL, NULL);
        cr_assert_eq(pg_json_reader_capture_keys(r, &keys, &n), -1);
        pg_json_reader_free(r);
    }
}
