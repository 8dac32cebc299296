/* fuzz_json.c — the streaming JSON reader on the whole input (STYLE 20).
 *
 * Every top-level key is read in one of the three capture modes (chosen from
 * the key's bytes, so the fuzzer reaches all of them), and every captured
 * value goes through the decoder and the raw member walker. Invariants
 * checked (abort() when broken):
 *   - a value the reader handed over (validated) always decodes, unless
 *     memory runs out: the reader and the decoder agree on what JSON is;
 *   - when it is an object, pg_json_object_next walks it to the end (0,
 *     never -1), and finds as many members as the decoder, when the
 *     decoder (rejecting duplicates) accepted it;
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

/* Walk an object's members with the non-validating walker; the count, or -1. */
static long json_walk(const char *raw, size_t len)
{
    pg_json_member m;
    size_t pos = 0;
    long n = 0;
    int rc;

    while ((rc = pg_json_object_next(raw, len, &pos, &m)) == 1) {
        if (m.value < raw || m.value + m.value_len > raw + len || m.key < raw || m.key + m.key_len > raw + len)
            abort(); /* the walker pointed outside the value */
        n++;
    }
    return rc == 0 ? n : -1;
}

static int json_value(void *ctx, const char *key, size_t key_len, long index, const char *raw, size_t raw_len,
                      uint64_t offset, pg_error *err)
{
    pg_json_decode_options opts;
    json_t *v = NULL, *strict = NULL;
    pg_error derr;
    int rc;
    size_t i = 0;

    (void)ctx;
    (void)key;
    (void)key_len;
    (void)index;
    (void)err;
    memset(&opts, 0, sizeof opts);
    opts.base_offset = offset;
    pg_error_clear(&derr);
    rc = pg_json_decode(&v, raw, raw_len, &opts, &derr);
    if (rc != 0 && rc != PG_ENOMEM)
        abort(); /* validated by the reader, refused by the decoder */
    if (rc != 0 && derr.message[0] == '\0')
        abort();
    opts.reject_duplicate_keys = 1;
    pg_error_clear(&derr);
    if (pg_json_decode(&strict, raw, raw_len, &opts, &derr) != 0 && derr.message[0] == '\0')
        abort();
    while (i < raw_len && (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\n' || raw[i] == '\r'))
        i++;
    if (i < raw_len && raw[i] == '{') {
        long n = json_walk(raw, raw_len);
        if (n < 0)
            abort(); /* a validated object must walk to its end */
        if (strict && json_is_object(strict) && (size_t)n != json_object_size(strict))
            abort();
    } else if (json_walk(raw, raw_len) != -1) {
        abort(); /* not an object: the walker must say so */
    }
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
    r = pg_json_reader_new(&h, NULL);
    if (!r)
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
