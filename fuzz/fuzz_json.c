/* fuzz_json.c — the streaming JSON reader on the whole input (STYLE 20).
 *
 * Every top-level key is read in one of the three capture modes (chosen from
 * the key's bytes, so the fuzzer reaches all of them), and every captured
 * value goes through the decoder twice: built straight from the validated
 * bytes (`validated`, as the plan module does) and validated again first.
 * Invariants checked (abort() when broken):
 *   - a value the reader handed over (validated) always decodes, unless
 *     memory runs out or it is too costly: the reader and the decoder agree
 *     on what JSON is;
 *   - both ways give the same result: the same code, equal values, and with
 *     duplicates refused, the same error at the same offset;
 *   - an error always carries a code and a message. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "plangate/json.h"

static pg_json_capture json_mode(void *ctx, const char *key, size_t key_len)
{
    unsigned sum = 0;
    size_t i;

    (void)ctx;
    if (strcmp(key, "resource_changes") == 0 || strcmp(key, "resource_drift") == 0)
        return PG_JSON_ELEMENTS;
    for (i = 0; i < key_len; i++)
        sum += (unsigned char)key[i];
    return (pg_json_capture)((sum + (unsigned)key_len) % 3u);
}

/* Equal values. jansson's json_equal looks keys up as C strings, so two
 * equal objects with a NUL in a key compare unequal (harness finding H3):
 * their sorted dumps, which keep the whole key, decide then. */
static int json_same(const json_t *a, const json_t *b)
{
    char *da, *db;
    int same;

    if (json_equal(a, b))
        return 1;
    da = json_dumps(a, JSON_ENCODE_ANY | JSON_SORT_KEYS);
    db = json_dumps(b, JSON_ENCODE_ANY | JSON_SORT_KEYS);
    same = da && db && strcmp(da, db) == 0;
    free(da);
    free(db);
    return same;
}

/* Decode `raw` both ways with `dups` and compare; the first value in *out. */
static int json_both(const char *raw, size_t raw_len, uint64_t offset, int dups, json_t **out)
{
    pg_json_decode_options opts;
    json_t *again = NULL;
    pg_error e1, e2;
    int r1, r2;

    memset(&opts, 0, sizeof opts);
    opts.base_offset = offset;
    opts.reject_duplicate_keys = dups;
    opts.validated = 1;
    pg_error_clear(&e1);
    r1 = pg_json_decode(out, raw, raw_len, &opts, &e1);
    opts.validated = 0;
    pg_error_clear(&e2);
    r2 = pg_json_decode(&again, raw, raw_len, &opts, &e2);
    if ((r1 != 0 && e1.message[0] == '\0') || (r2 != 0 && e2.message[0] == '\0'))
        abort(); /* every failure says what */
    if (r1 != PG_ENOMEM && r2 != PG_ENOMEM) {
        if (r1 != r2)
            abort(); /* validating again changed the answer */
        if (r1 == 0 && !json_same(*out, again))
            abort();
        if (r1 != 0 && (e1.offset != e2.offset || strcmp(e1.message, e2.message) != 0))
            abort();
    }
    json_decref(again);
    return r1;
}

static int json_value(void *ctx, const char *key, size_t key_len, long index, const char *raw, size_t raw_len,
                      uint64_t offset, pg_error *err)
{
    json_t *v = NULL, *strict = NULL;
    int rc;

    (void)ctx;
    (void)key;
    (void)key_len;
    (void)index;
    (void)err;
    rc = json_both(raw, raw_len, offset, 0, &v);
    if (rc != 0 && rc != PG_ENOMEM && rc != PG_ELIMIT)
        abort(); /* validated by the reader, refused by the decoder */
    rc = json_both(raw, raw_len, offset, 1, &strict);
    if (rc != 0 && rc != PG_ENOMEM && rc != PG_ELIMIT && rc != PG_ESYNTAX)
        abort();
    if (strict && v && !json_same(strict, v))
        abort(); /* refusing duplicates changed a value that has none */
    json_decref(v);
    json_decref(strict);
    return 0;
}

int pg_fuzz_json(const uint8_t *data, size_t size)
{
    pg_json_handler h;
    pg_json_reader *r;
    pg_error err;
    int rc;

    memset(&h, 0, sizeof h);
    h.top_key = json_mode;
    h.value = json_value;
    if (pg_json_reader_new(&r, &h, NULL, NULL) != 0)
        return 0;
    pg_error_clear(&err);
    rc = pg_json_feed(r, (const char *)data, size, &err);
    if (rc == 0)
        rc = pg_json_finish(r, &err);
    if (rc != 0 && (err.code != rc || err.message[0] == '\0'))
        abort(); /* every failure says what and where */
    if (rc == 0 && pg_json_reader_top_type(r) == PG_JSON_NONE)
        abort(); /* accepted, yet nothing was read */
    pg_json_reader_free(r);
    return 0;
}

PG_FUZZ_ENTRY(pg_fuzz_json)
