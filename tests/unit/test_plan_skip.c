/* test_plan_skip.c — the fast path (src/plan/skip.c): the decision is made
 * from the reader's key index alone, is the same at every chunking, and
 * anything unusual — a change the decoder might refuse — is decoded. */
#include <criterion/criterion.h>
#include <string.h>

#include "plan/shape.h"
#include "plan/skip.h"
#include "plangate/plangate.h"

#define NO_INDEX (-1)
#define MAX_ELEMENTS 32

typedef struct probe {
    pg_json_reader *r;
    int decisions[MAX_ELEMENTS];
    pg_action actions[MAX_ELEMENTS];
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
    pg_action a = PG_ACTION_COUNT_;

    (void)key;
    (void)key_len;
    (void)offset;
    (void)err;
    cr_assert(p->n < MAX_ELEMENTS);
    if (index >= 0 && pg_json_reader_capture_keys(p->r, &keys, &n) == 0) {
        p->indexed++;
        p->decisions[p->n] = pg_plan__skip_decision(raw, raw_len, keys, n, only_tables, NULL, &a);
    } else {
        p->decisions[p->n] = NO_INDEX;
    }
    p->actions[p->n] = a;
    p->n++;
    return 0;
}

static void run(probe *p, const char *doc, size_t chunk)
{
    pg_json_handler h;
    pg_error err;
    size_t len = strlen(doc), i;

    memset(p, 0, sizeof *p);
    memset(&h, 0, sizeof h);
    h.top_key = on_key;
    h.value = on_value;
    h.ctx = p;
    cr_assert_eq(pg_json_reader_new(&p->r, &h, NULL, NULL), 0);
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
    "[1,2],"
    /* 11-20: what the decoder refuses must reach it: a nested action list,
     * a before that is a string, a capitalised verb, an odd mode, no
     * address, a number as a mask, an escape in a name, a real index,
     * replace_paths on an update, an empty action list */
    "{\"address\":\"aws_instance.k\",\"type\":\"aws_instance\",\"change\":{\"actions\":[[\"no-op\"]]}},"
    "{\"address\":\"aws_instance.l\",\"type\":\"aws_instance\",\"change\":{\"actions\":[\"no-op\"],\"before\":\"x\"}},"
    "{\"address\":\"aws_instance.m\",\"type\":\"aws_instance\",\"change\":{\"actions\":[\"No-op\"]}},"
    "{\"address\":\"aws_instance.n\",\"mode\":\"other\",\"type\":\"aws_instance\",\"change\":{\"actions\":[\"no-op\"]}},"
    "{\"type\":\"aws_instance\",\"name\":\"o\",\"change\":{\"actions\":[\"no-op\"]}},"
    "{\"address\":\"aws_instance.p\",\"type\":\"aws_instance\",\"change\":{\"actions\":[\"no-op\"],\"after_unknown\":1}},"
    "{\"address\":\"aws_instance.q\",\"name\":\"q\\u0000\",\"type\":\"aws_instance\",\"change\":{\"actions\":[\"no-op\"]}},"
    "{\"address\":\"aws_instance.r\",\"index\":1.5,\"type\":\"aws_instance\",\"change\":{\"actions\":[\"no-op\"]}},"
    "{\"address\":\"aws_instance.s\",\"type\":\"aws_instance\",\"change\":{\"actions\":[\"update\"],\"replace_paths\":[[\"a\"]]}},"
    "{\"address\":\"aws_instance.t\",\"type\":\"aws_instance\",\"change\":{\"actions\":[]}},"
    /* 21: an integer index, a null module_address, two actions: skipped */
    "{\"address\":\"aws_instance.u[0]\",\"module_address\":null,\"index\":0,\"type\":\"aws_instance\","
    "\"change\":{\"actions\":[ \"update\" ],\"before_sensitive\":false,\"after_sensitive\":{}}}"
    "], \"format_version\": \"1.2\"}";

#define N_ELEMENTS 22

static const int expected[N_ELEMENTS] = {
    PG_SKIP_COUNT_ONLY, PG_SKIP_COUNT_ONLY, PG_SKIP_DECODE, PG_SKIP_DECODE, PG_SKIP_DECODE, PG_SKIP_DECODE,
    PG_SKIP_DECODE,     PG_SKIP_DECODE,     PG_SKIP_DECODE, PG_SKIP_DECODE, NO_INDEX,       PG_SKIP_DECODE,
    PG_SKIP_DECODE,     PG_SKIP_DECODE,     PG_SKIP_DECODE, PG_SKIP_DECODE, PG_SKIP_DECODE, PG_SKIP_DECODE,
    PG_SKIP_DECODE,     PG_SKIP_DECODE,     PG_SKIP_DECODE, PG_SKIP_COUNT_ONLY,
};

Test(plan_skip, decided_from_the_index_at_every_chunking)
{
    static const size_t chunks[] = {1, 2, 7, 4096};
    size_t c, i;
    probe p;

    for (c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
        run(&p, doc, chunks[c]);
        cr_assert_eq(p.n, N_ELEMENTS, "chunk %zu: %d elements", chunks[c], p.n);
        cr_assert_eq(p.indexed, N_ELEMENTS - 1, "every object element has an index");
        for (i = 0; i < N_ELEMENTS; i++)
            cr_assert_eq(p.decisions[i], expected[i], "chunk %zu, element %zu: %d", chunks[c], i, p.decisions[i]);
        cr_assert_eq(p.actions[0], PG_ACTION_NOOP);
        cr_assert_eq(p.actions[1], PG_ACTION_UPDATE);
        cr_assert_eq(p.actions[21], PG_ACTION_UPDATE);
    }
}

/* Every element the skip sends to the decoder because it may be malformed is
 * refused there (exit 3 whether or not a rule wants the change). */
Test(plan_skip, what_it_decodes_for_doubt_the_decoder_refuses)
{
    static const char *const refused[] = {
        "{\"address\":\"aws_instance.k\",\"type\":\"aws_instance\",\"change\":{\"actions\":[[\"no-op\"]]}}",
        "{\"address\":\"aws_instance.l\",\"type\":\"aws_instance\",\"change\":{\"actions\":[\"no-op\"],\"before\":\"x\"}}",
        "{\"address\":\"aws_instance.m\",\"type\":\"aws_instance\",\"change\":{\"actions\":[\"No-op\"]}}",
        "{\"address\":\"aws_instance.n\",\"mode\":\"other\",\"type\":\"aws_instance\",\"change\":{\"actions\":[\"no-op\"]}}",
        "{\"address\":\"aws_instance.p\",\"type\":\"aws_instance\",\"change\":{\"actions\":[\"no-op\"],\"after_unknown\":1}}",
        "{\"address\":\"aws_instance.q\",\"name\":\"q\\u0000\",\"type\":\"aws_instance\",\"change\":{\"actions\":[\"no-op\"]}}",
        "{\"address\":\"aws_instance.r\",\"index\":1.5,\"type\":\"aws_instance\",\"change\":{\"actions\":[\"no-op\"]}}",
        "{\"address\":\"aws_instance.t\",\"type\":\"aws_instance\",\"change\":{\"actions\":[]}}",
    };
    size_t i;

    for (i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        json_t *v = NULL;
        pg_change c;
        pg_error err;
        int rc;
        cr_assert_eq(pg_json_decode(&v, refused[i], strlen(refused[i]), NULL, &err), 0, "%s", err.message);
        pg_error_clear(&err);
        rc = pg_change_init(&c, v, PG_ORIGIN_PLANNED, &err);
        if (rc == 0) {
            rc = pg_plan__check_change(&c, &err);
            pg_change_dispose(&c);
        }
        cr_assert_eq(rc, PG_EPLAN, "accepted: %s", refused[i]);
        cr_assert(err.message[0] != '\0');
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
        pg_json_reader *r = NULL;
        cr_assert_eq(pg_json_reader_new(&r, NULL, NULL, NULL), 0);
        cr_assert_eq(pg_json_reader_capture_keys(r, &keys, &n), -1);
        pg_json_reader_free(r);
    }
}
