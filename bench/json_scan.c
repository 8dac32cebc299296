/*
 * json_scan.c — the streaming reader alone on a file, 1 MiB reads, for the
 * side-by-side comparison with ../shared/bench/base_scan.c
 * (docs/internals/json-reader.md, "Speed"). Not built by `make`:
 *
 *   cc -O2 -Iinclude -Isrc -o /tmp/json_scan bench/json_scan.c src/json/[a-z]*.c \
 *      src/util/[a-z]*.c -ljansson
 *   /tmp/json_scan skip PLAN.json        # every top-level key skipped
 *   /tmp/json_scan elements PLAN.json    # resource_changes element by element
 *   /tmp/json_scan decode PLAN.json      # ... each element through pg_json_decode (validated again)
 *   /tmp/json_scan build PLAN.json       # ... built from the validated bytes (as the plan module does)
 *   /tmp/json_scan loadb PLAN.json       # ... each element through jansson's json_loadb
 *   /tmp/json_scan chunk=N MODE PLAN.json  # read N bytes at a time
 *
 * Prints the element count and bytes captured, so the work cannot be
 * optimised away, and exits 1 on a reader error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plangate/json.h"

typedef struct scan {
    int elements;
    int decode; /* 1: pg_json_decode, 2: json_loadb, 3: pg_json_decode of validated bytes */
    long count;
    unsigned long long bytes;
    unsigned long long sum; /* touch the captured bytes */
} scan;

static pg_json_capture on_key(void *ctx, const char *key, size_t key_len)
{
    scan *s = ctx;

    if (s->elements && key_len == 16 && memcmp(key, "resource_changes", 16) == 0)
        return PG_JSON_ELEMENTS;
    return PG_JSON_SKIP;
}

static int on_value(void *ctx, const char *key, size_t key_len, long index, const char *raw,
                    size_t raw_len, uint64_t offset, pg_error *err)
{
    scan *s = ctx;

    (void)key;
    (void)key_len;
    (void)index;
    (void)offset;
    (void)err;
    s->count++;
    s->bytes += raw_len;
    s->sum += (unsigned char)raw[0] + (unsigned char)raw[raw_len - 1];
    if (s->decode) {
        json_t *v = NULL;
        json_error_t je;
        if (s->decode == 1 || s->decode == 3) {
            pg_json_decode_options o;
            memset(&o, 0, sizeof o);
            o.validated = s->decode == 3;
            if (pg_json_decode(&v, raw, raw_len, &o, err) != 0)
                return err->code;
        } else if (!(v = json_loadb(raw, raw_len, 0, &je))) {
            return pg_error_set(err, PG_ESYNTAX, "json_loadb: %s", je.text);
        }
        s->sum += json_object_size(v);
        json_decref(v);
    }
    return 0;
}

int main(int argc, char **argv)
{
    static char buf[1 << 20];
    size_t chunk = sizeof buf, n;
    pg_json_handler h;
    pg_json_reader *r;
    pg_error err;
    scan s;
    FILE *f;
    int argi = 1;

    if (argc > 1 && strncmp(argv[1], "chunk=", 6) == 0) {
        chunk = (size_t)strtoul(argv[1] + 6, NULL, 10);
        if (chunk == 0 || chunk > sizeof buf)
            chunk = sizeof buf;
        argi++;
    }
    if (argc - argi != 2) {
        fprintf(stderr, "usage: json_scan [chunk=N] skip|elements|decode|build|loadb FILE\n");
        return 2;
    }
    memset(&s, 0, sizeof s);
    s.decode = strcmp(argv[argi], "decode") == 0  ? 1
               : strcmp(argv[argi], "loadb") == 0 ? 2
               : strcmp(argv[argi], "build") == 0 ? 3
                                                  : 0;
    s.elements = s.decode || strcmp(argv[argi], "elements") == 0;
    memset(&h, 0, sizeof h);
    h.top_key = on_key;
    h.value = on_value;
    h.ctx = &s;
    f = fopen(argv[argi + 1], "rb");
    if (!f)
        return 2;
    if (pg_json_reader_new(&r, &h, NULL, &err) != 0)
        return 2;
    pg_error_clear(&err);
    while ((n = fread(buf, 1, chunk, f)) > 0)
        if (pg_json_feed(r, buf, n, &err) != 0)
            break;
    if (err.code == 0)
        pg_json_finish(r, &err);
    fclose(f);
    pg_json_reader_free(r);
    if (err.code) {
        char line[700];
        pg_error_format(&err, line, sizeof line);
        fprintf(stderr, "json_scan: %s\n", line);
        return 1;
    }
    printf("%ld %llu %llu\n", s.count, s.bytes, s.sum);
    return 0;
}
