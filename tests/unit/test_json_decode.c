/* test_json_decode.c — pg_json_decode: numbers (int64, real, kept as text),
 * strings (escapes, surrogates, NUL), duplicate keys in both modes, offsets,
 * limits, allocation failures, and agreement with jansson's own loader. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plangate/alloc.h"
#include "plangate/json.h"
#include "support.h"
#include "test_json_support.h"

static json_t *decode_ok(const char *doc)
{
    json_t *v = NULL;
    pg_error err;
    int rc;

    pg_error_clear(&err);
    rc = pg_json_decode(&v, doc, strlen(doc), NULL, &err);
    cr_assert_eq(rc, 0, "%s: %s", doc, err.message);
    cr_assert_not_null(v);
    return v;
}

static void decode_err(const char *doc, const pg_json_decode_options *o, int code,
                       unsigned long long off, const char *part)
{
    json_t *v = (json_t *)1;
    pg_error err;
    int rc;

    pg_error_clear(&err);
    rc = pg_json_decode(&v, doc, strlen(doc), o, &err);
    cr_assert_eq(rc, code, "%s: code %d, expected %d (%s)", doc, rc, code, err.message);
    cr_assert_null(v, "%s: *out must be NULL on failure", doc);
    cr_assert_eq(err.offset, off, "%s: offset %llu, expected %llu (%s)", doc,
                 (unsigned long long)err.offset, off, err.message);
    cr_assert(strstr(err.message, part), "%s: message \"%s\" lacks \"%s\"", doc, err.message, part);
}

/* The element `i` of a decoded array. */
static json_t *at(json_t *a, size_t i)
{
    json_t *v = json_array_get(a, i);
    cr_assert_not_null(v, "no element %zu", i);
    return v;
}

static void is_text(json_t *v, const char *text)
{
    cr_assert(json_is_string(v), "expected the text %s, got type %d", text, (int)json_typeof(v));
    cr_assert_str_eq(json_string_value(v), text);
}

static void is_int(json_t *v, json_int_t n)
{
    cr_assert(json_is_integer(v), "expected integer %lld, got type %d", (long long)n,
              (int)json_typeof(v));
    cr_assert_eq(json_integer_value(v), n);
}

/* MARK: numbers ----------------------------------------------------------- */

Test(json_decode, big_numbers_kept_as_text)
{
    json_t *a = decode_ok("[123456789012345678901234567890, 1e400, -1e400, -99999999999999999999,"
                          " 1E+400, 0.4e00669999, 1e-400, 123456789012345678901234567890.5]");

    is_text(at(a, 0), "123456789012345678901234567890");
    is_text(at(a, 1), "1e400");
    is_text(at(a, 2), "-1e400");
    is_text(at(a, 3), "-99999999999999999999");
    is_text(at(a, 4), "1E+400");
    is_text(at(a, 5), "0.4e00669999");
    /* Underflow gives a finite double (0.0): a real, as json.h says. */
    cr_assert(json_is_real(at(a, 6)));
    cr_assert(json_real_value(at(a, 6)) == 0.0);
    /* A fraction whose double is finite is a real, even if imprecise. */
    cr_assert(json_is_real(at(a, 7)));
    cr_assert(json_real_value(at(a, 7)) > 1.2345678901e29 && json_real_value(at(a, 7)) < 1.2345678902e29);
    json_decref(a);
}

Test(json_decode, int64_bounds)
{
    json_t *a = decode_ok("[9223372036854775807,-9223372036854775808,9223372036854775808,"
                          "-9223372036854775809,18446744073709551616,0,-0,1000000000000000000,"
                          "9999999999999999999]");

    is_int(at(a, 0), INT64_MAX);
    is_int(at(a, 1), INT64_MIN);
    is_text(at(a, 2), "9223372036854775808");
    is_text(at(a, 3), "-9223372036854775809");
    is_text(at(a, 4), "18446744073709551616");
    is_int(at(a, 5), 0);
    is_int(at(a, 6), 0);
    is_int(at(a, 7), 1000000000000000000LL);
    is_text(at(a, 8), "9999999999999999999");
    json_decref(a);
}

Test(json_decode, reals)
{
    json_t *a = decode_ok("[1.5,-0.25,1e5,2E-3,0.1,-0.0,1.7976931348623157e308]");

    cr_assert(json_is_real(at(a, 0)) && json_real_value(at(a, 0)) == 1.5);
    cr_assert(json_real_value(at(a, 1)) == -0.25);
    cr_assert(json_is_real(at(a, 2)) && json_real_value(at(a, 2)) == 1e5);
    cr_assert(json_real_value(at(a, 3)) == 2e-3);
    cr_assert(json_real_value(at(a, 4)) == 0.1);
    cr_assert(json_is_real(at(a, 5)));
    cr_assert(json_real_value(at(a, 6)) == 1.7976931348623157e308);
    json_decref(a);
    /* A long literal (more than the 64-byte fast path). */
    a = decode_ok("[0.10000000000000000000000000000000000000000000000000000000000000000000000001]");
    cr_assert(json_is_real(at(a, 0)) && json_real_value(at(a, 0)) == 0.1);
    json_decref(a);
}

Test(json_decode, top_level_scalars)
{
    json_t *v = decode_ok(" 42 ");
    is_int(v, 42);
    json_decref(v);
    v = decode_ok("1e400");
    is_text(v, "1e400");
    json_decref(v);
    v = decode_ok("\"x\"");
    is_text(v, "x");
    json_decref(v);
    v = decode_ok("true");
    cr_assert(json_is_true(v));
    json_decref(v);
    v = decode_ok("null");
    cr_assert(json_is_null(v));
    json_decref(v);
}

/* MARK: strings ----------------------------------------------------------- */

Test(json_decode, strings_decoded)
{
    json_t *a = decode_ok("[\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\", \"\\u00e9\\u20AC\", \"\\uD83D\\uDE00\","
                          "\"a\\u0000b\", \"caf\xc3\xa9 \xf0\x9f\x98\x80\", \"\", \"plain\","
                          "\"\\u003cscript\\u003e\"]");

    cr_assert_str_eq(json_string_value(at(a, 0)), "\" \\ / \b \f \n \r \t");
    cr_assert_str_eq(json_string_value(at(a, 1)), "\xc3\xa9\xe2\x82\xac");
    cr_assert_str_eq(json_string_value(at(a, 2)), "\xf0\x9f\x98\x80");
    cr_assert_eq(json_string_length(at(a, 3)), 3);
    cr_assert_eq(memcmp(json_string_value(at(a, 3)), "a\0b", 3), 0);
    cr_assert_str_eq(json_string_value(at(a, 4)), "caf\xc3\xa9 \xf0\x9f\x98\x80");
    cr_assert_str_eq(json_string_value(at(a, 5)), "");
    cr_assert_str_eq(json_string_value(at(a, 6)), "plain");
    cr_assert_str_eq(json_string_value(at(a, 7)), "<script>");
    json_decref(a);
}

Test(json_decode, keys_decoded_including_nul)
{
    json_t *o = decode_ok("{\"a\\u0000b\":1,\"a\":2,\"\\u00e9\\uD83D\\uDE00\":{\"in\\nner\":[true]},\"\":3}");

    cr_assert_eq(json_object_size(o), 4);
    is_int(json_object_getn(o, "a\0b", 3), 1);
    is_int(json_object_get(o, "a"), 2);
    is_int(json_object_get(o, ""), 3);
    cr_assert(json_is_true(json_array_get(
        json_object_get(json_object_get(o, "\xc3\xa9\xf0\x9f\x98\x80"), "in\nner"), 0)));
    json_decref(o);
}

Test(json_decode, string_errors_match_the_reader)
{
    static const char *docs[] = {
        "[\"\\uDC00\"]", "[\"\\uD800\"]", "[\"\\uD800\\u0041\"]", "[\"\\uD800x\"]", "[\"\\uD800\\",
        "[\"\\uD800\\u12x4\"]", "[\"\\uD800\\u12", "[\"\xc0\x80\"]", "[\"\xe2\x82\"]", "[\"\xe2\x82",
        "[\"a\x01\"]", "[\"\\x\"]", "[\"\\u12G4\"]", "{\"\\uDC00\":1}", "[\"abc",
    };
    size_t i;

    for (i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        pg_error e1, e2;
        json_t *v = NULL;
        int r1 = jt_check(docs[i], &e1);
        int r2 = pg_json_decode(&v, docs[i], strlen(docs[i]), NULL, &e2);
        cr_assert_neq(r1, 0, "%s", docs[i]);
        cr_assert_eq(r2, r1, "%s: %d vs %d", docs[i], r2, r1);
        cr_assert_eq(e2.offset, e1.offset, "%s: offset %llu vs %llu", docs[i],
                     (unsigned long long)e2.offset, (unsigned long long)e1.offset);
        cr_assert_str_eq(e2.message, e1.message, "%s", docs[i]);
    }
}

/* MARK: duplicate keys ---------------------------------------------------- */

Test(json_decode, duplicate_keys_last_wins_by_default)
{
    json_t *o = decode_ok("{\"a\":1,\"b\":{\"x\":1,\"x\":[2]},\"a\":3}");

    cr_assert_eq(json_object_size(o), 2);
    is_int(json_object_get(o, "a"), 3);
    cr_assert(json_is_array(json_object_get(json_object_get(o, "b"), "x")));
    json_decref(o);
}

Test(json_decode, duplicate_keys_rejected_on_request)
{
    pg_json_decode_options o;

    memset(&o, 0, sizeof o);
    o.reject_duplicate_keys = 1;
    decode_err("{\"a\":1,\"b\":2,\"a\":3}", &o, PG_ESYNTAX, 13,
               "duplicate key \"a\": the object already has a member with this name");
    decode_err("{\"c\":{\"x\":1,\"x\\u0000\":2,\"x\":[]}}", &o, PG_ESYNTAX, 24, "duplicate key \"x\"");
    o.base_offset = 1000;
    decode_err("{\"k\\u00e9\":1,\"k\xc3\xa9\":2}", &o, PG_ESYNTAX, 1013, "duplicate key \"k\xc3\xa9\"");
    /* Same keys in different objects are fine. */
    {
        json_t *v = NULL;
        const char *doc = "[{\"a\":1},{\"a\":2}]";
        cr_assert_eq(pg_json_decode(&v, doc, strlen(doc), &o, NULL), 0);
        json_decref(v);
    }
}

/* MARK: errors, offsets, limits ------------------------------------------- */

Test(json_decode, errors_carry_base_offset)
{
    pg_json_decode_options o;

    memset(&o, 0, sizeof o);
    o.base_offset = 100;
    decode_err("[1,]", &o, PG_ESYNTAX, 103, "unexpected ']' (0x5d): expected a value after ','");
    decode_err("{\"a\" 1}", &o, PG_ESYNTAX, 105, "expected ':' after an object key");
    decode_err("[1 2]", &o, PG_ESYNTAX, 103, "expected ',' or ']' after an array element");
    decode_err("{\"a\":1", &o, PG_ESYNTAX, 106, "truncated (inside an object started at byte 100)");
    decode_err("[01]", &o, PG_ESYNTAX, 102, "leading zero");
    decode_err("[1.]", &o, PG_ESYNTAX, 103, "expected a digit after the decimal point");
    decode_err("[-]", &o, PG_ESYNTAX, 102, "expected a digit after '-'");
    decode_err("[1e+]", &o, PG_ESYNTAX, 104, "expected a digit in the exponent");
    decode_err("[1e]", &o, PG_ESYNTAX, 103, "expected a sign or a digit");
    decode_err("[tru]", &o, PG_ESYNTAX, 104, "expected the literal true");
    decode_err("[nul", &o, PG_ESYNTAX, 104, "(inside the literal null started at byte 101)");
    decode_err("1 2", &o, PG_ESYNTAX, 102, "expected the end of input after the top-level value");
    decode_err("", &o, PG_ESYNTAX, 100, "empty input");
    decode_err("  ", &o, PG_ESYNTAX, 102, "empty input: only whitespace");
    decode_err("{\"a\":}", &o, PG_ESYNTAX, 105, "expected a value after ':'");
    decode_err("{,}", &o, PG_ESYNTAX, 101, "expected a string key or '}' after '{'");
    decode_err("{\"a\":1,}", &o, PG_ESYNTAX, 107, "expected a string key after ',' in an object");
    decode_err("[,]", &o, PG_ESYNTAX, 101, "expected a value or ']' after '['");
    decode_err("-", &o, PG_ESYNTAX, 101, "(inside a number started at byte 100)");
}

Test(json_decode, limits)
{
    pg_json_decode_options o;
    char deep[1100];
    json_t *v = NULL;

    memset(&o, 0, sizeof o);
    o.limits.max_depth = 2;
    decode_err("[[[]]]", &o, PG_ELIMIT, 2, "nesting too deep: more than 2 levels");
    memset(&o, 0, sizeof o);
    memset(deep, '[', 512);
    memset(deep + 512, ']', 512);
    cr_assert_eq(pg_json_decode(&v, deep, 1024, NULL, NULL), 0);
    json_decref(v);
    memset(deep, '[', 513);
    memset(deep + 513, ']', 513);
    deep[1026] = '\0';
    decode_err(deep, NULL, PG_ELIMIT, 512, "(limit max_depth)");
    o.limits.max_string = 3;
    decode_err("[\"abc\",\"abcd\"]", &o, PG_ELIMIT, 11,
               "string too long: the string started at byte 7 exceeds 3 bytes");
    decode_err("{\"abcd\":1}", &o, PG_ELIMIT, 5, "(limit max_string)");
    o.limits.max_string = 0;
    o.limits.max_capture = 4;
    decode_err("[1,2]", &o, PG_ELIMIT, 4, "(limit max_capture)");
    cr_assert_eq(pg_json_decode(&v, "[12]", 4, &o, NULL), 0);
    json_decref(v);
}

Test(json_decode, bom_and_utf16)
{
    json_t *v = NULL;

    cr_assert_eq(pg_json_decode(&v, "\xef\xbb\xbf{\"a\":1}", 10, NULL, NULL), 0);
    is_int(json_object_get(v, "a"), 1);
    json_decref(v);
    /* UTF-16 is the reader's job: the decoder takes UTF-8. */
    decode_err("\xff\xfe[", NULL, PG_ESYNTAX, 0, "unexpected byte 0xff");
}

/* MARK: agreement with jansson -------------------------------------------- */

/* Where jansson can read a document, we must build the same value. */
static int same_as_jansson(const char *path)
{
    size_t len;
    char *doc = jt_read(path, &len);
    json_error_t je;
    json_t *theirs, *ours = NULL;
    pg_error err;
    int rc, same;

    cr_assert_not_null(doc, "%s", path);
    theirs = json_loadb(doc, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
    rc = pg_json_decode(&ours, doc, len, NULL, &err);
    if (!theirs) {
        free(doc);
        json_decref(ours);
        return -1;
    }
    cr_assert_eq(rc, 0, "%s: jansson reads it, we fail: %s", path, err.message);
    same = json_equal(theirs, ours);
    cr_assert(same, "%s: decoded value differs from jansson's", path);
    json_decref(theirs);
    json_decref(ours);
    free(doc);
    return 1;
}

static int dir_same_as_jansson(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    if (!d)
        return 0;
    while ((e = readdir(d)) != NULL) {
        char path[600];
        if (!strstr(e->d_name, ".json") || strncmp(e->d_name, prefix, strlen(prefix)) != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (same_as_jansson(path) == 1)
            n++;
    }
    closedir(d);
    return n;
}

Test(json_decode, same_values_as_jansson)
{
    int n = 0;

    if (!pg_test_dir_exists(PG_SHARED "/corpus"))
        cr_skip_test("corpus absent");
    n += dir_same_as_jansson(PG_SHARED "/corpus/jsontestsuite", "y_");
    n += dir_same_as_jansson(PG_SHARED "/corpus/plans/opentofu-show-json", "");
    n += dir_same_as_jansson(PG_SHARED "/corpus/plans/terraform-json", "");
    n += dir_same_as_jansson(PG_SHARED "/corpus/plans/tfplan2md", "");
    n += dir_same_as_jansson(PG_SHARED "/corpus/plans/checkov", "");
    cr_assert_gt(n, 100, "only %d documents compared", n);
}

/* MARK: allocation failures (STYLE 18) ------------------------------------ */

static long fail_after = -1; /* allocations left before failing; -1: never */

static void *failing_malloc(void *ctx, size_t size)
{
    (void)ctx;
    if (fail_after == 0)
        return NULL;
    if (fail_after > 0)
        fail_after--;
    return malloc(size);
}

static void *failing_realloc(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    if (fail_after == 0)
        return NULL;
    if (fail_after > 0)
        fail_after--;
    return realloc(ptr, size);
}

static void plain_free(void *ctx, void *ptr)
{
    (void)ctx;
    free(ptr);
}

Test(json_decode, allocation_failures_become_enomem)
{
    static const char doc[] = "{\"a\":[1,2.5,\"x\\ny\",{\"k\\u00e9\":[null,true]}],\"b\":\"plain\","
                              "\"big\":123456789012345678901234567890}";
    pg_alloc a = {failing_malloc, failing_realloc, plain_free, NULL};
    long n;
    int succeeded = 0;

    pg_alloc_set(&a);
    for (n = 0; n < 200 && !succeeded; n++) {
        json_t *v = NULL;
        pg_error err;
        int rc;
        fail_after = n;
        rc = pg_json_decode(&v, doc, strlen(doc), NULL, &err);
        if (rc == 0) {
            succeeded = 1;
            cr_assert_not_null(v);
        } else {
            cr_assert_eq(rc, PG_ENOMEM, "allocation %ld: %d %s", n, rc, err.message);
            cr_assert_null(v);
        }
        json_decref(v);
    }
    fail_after = -1;
    pg_alloc_set(NULL);
    cr_assert(succeeded, "never succeeded");
    cr_assert_gt(n, 5, "too few allocations to have tested anything");
}

static pg_json_capture capture_all(void *ctx, const char *key, size_t key_len)
{
    (void)ctx;
    (void)key;
    return key_len == 1 ? PG_JSON_ELEMENTS : PG_JSON_VALUE;
}

Test(json_reader_alloc, allocation_failures_become_enomem)
{
    static const char doc[] = "{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],"
                              "\"k\\u00e9y\":{\"x\":\"0123456789\"}}";
    pg_alloc a = {failing_malloc, failing_realloc, plain_free, NULL};
    long n;
    int succeeded = 0;

    pg_alloc_set(&a);
    for (n = 0; n < 200 && !succeeded; n++) {
        pg_json_handler h;
        pg_json_reader *r;
        pg_error err;
        int rc;
        memset(&h, 0, sizeof h);
        h.top_key = capture_all;
        fail_after = n;
        if (pg_json_reader_new(&r, &h, NULL, &err) != 0) {
            cr_assert_eq(err.code, PG_ENOMEM);
            continue;
        }
        /* 1-byte chunks: the capture buffer and key buffer grow too. */
        {
            size_t i;
            rc = 0;
            for (i = 0; doc[i] && rc == 0; i++)
                rc = pg_json_feed(r, doc + i, 1, &err);
        }
        if (rc == 0)
            rc = pg_json_finish(r, &err);
        if (rc == 0)
            succeeded = 1;
        else
            cr_assert_eq(rc, PG_ENOMEM, "allocation %ld: %d %s", n, rc, err.message);
        pg_json_reader_free(r);
    }
    fail_after = -1;
    pg_alloc_set(NULL);
    cr_assert(succeeded, "never succeeded");
}

/* MARK: decode memory (issue 11) ------------------------------------------ */

static char *repeat(const char *head, const char *unit, size_t n, const char *tail, size_t *len)
{
    size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail), i;
    char *s = malloc(hl + n * (ul + 1) + tl + 1), *p = s;

    cr_assert_not_null(s);
    memcpy(p, head, hl);
    p += hl;
    for (i = 0; i < n; i++) {
        if (i)
            *p++ = ',';
        memcpy(p, unit, ul);
        p += ul;
    }
    memcpy(p, tail, tl + 1);
    *len = (size_t)(p - s) + tl;
    return s;
}

/* At the budget and one byte under it: [1] is an array (128), a number (32)
 * and its slot (16), as the cost table in decode.c says. */
Test(json_decode_memory, the_budget_at_and_past)
{
    pg_json_decode_options o;
    json_t *v = NULL;
    pg_error err;

    memset(&o, 0, sizeof o);
    o.max_memory = 176;
    cr_assert_eq(pg_json_decode(&v, "[1]", 3, &o, &err), 0, "%s", err.message);
    json_decref(v);
    o.max_memory = 175;
    o.base_offset = 40;
    v = (json_t *)1;
    cr_assert_eq(pg_json_decode(&v, "[1]", 3, &o, &err), PG_ELIMIT);
    cr_assert_null(v);
    cr_assert_eq(err.offset, 40, "the error is at the value");
    cr_assert(strstr(err.message, "(limit max_decode_memory: 6 bytes per byte + 48 MiB"), "%s", err.message);
    o.validated = 1;
    cr_assert_eq(pg_json_decode(&v, "[1]", 3, &o, &err), PG_ELIMIT, "validated or not");
}

/* The default: PG_JSON_DECODE_FACTOR × size + PG_JSON_DECODE_SLACK. 1 MiB of
 * empty objects would take 78 MiB in jansson: refused; 1 MiB of a plan's
 * usual content is built. */
Test(json_decode_memory, the_default_budget_refuses_what_jansson_cannot_hold_cheaply)
{
    size_t len;
    char *objects = repeat("[", "{}", 350000, "]", &len);
    char *tags;
    json_t *v = NULL;
    pg_error err;

    cr_assert_eq(pg_json_decode(&v, objects, len, NULL, &err), PG_ELIMIT);
    cr_assert(strstr(err.message, "too costly to decode"), "%s", err.message);
    free(objects);
    tags = repeat("{\"tags\":{", "\"Name\":\"value of a tag\"", 40000, "}}", &len);
    cr_assert_eq(pg_json_decode(&v, tags, len, NULL, &err), 0, "%s", err.message);
    json_decref(v);
    free(tags);
}

/* The heap glibc gives jansson's and our allocations (a chunk is the request
 * plus 8, rounded up to 16, at least 32), counted through pg_alloc_set:
 * the same under ASan, whose allocator is not glibc's. The peak counts. */
static size_t heap_live, heap_peak;

static size_t heap_chunk(size_t n)
{
    size_t c = (n + 8u + 15u) & ~(size_t)15u;
    return c < 32u ? 32u : c;
}

static void *heap_malloc(void *ctx, size_t size)
{
    size_t *p = malloc(sizeof(size_t) * 2 + size);
    (void)ctx;
    if (!p)
        return NULL;
    p[0] = size;
    heap_live += heap_chunk(size);
    if (heap_live > heap_peak)
        heap_peak = heap_live;
    return p + 2;
}

static void heap_free(void *ctx, void *ptr)
{
    size_t *p = ptr;
    (void)ctx;
    if (!p)
        return;
    heap_live -= heap_chunk(p[-2]);
    free(p - 2);
}

static void *heap_realloc(void *ctx, void *ptr, size_t size)
{
    void *n = heap_malloc(ctx, size);
    if (n && ptr) {
        size_t old = ((size_t *)ptr)[-2];
        memcpy(n, ptr, old < size ? old : size);
        heap_free(ctx, ptr);
    }
    return n;
}

/* Decode with `o` under the counting allocator; the peak heap in *used. */
static int heap_decode(const char *doc, size_t len, const pg_json_decode_options *o, size_t *used)
{
    pg_alloc a = {heap_malloc, heap_realloc, heap_free, NULL};
    json_t *v = NULL;
    pg_error err;
    int rc;

    heap_live = heap_peak = 0;
    pg_alloc_set(&a);
    rc = pg_json_decode(&v, doc, len, o, &err);
    *used = heap_peak;
    json_decref(v);
    pg_alloc_set(NULL);
    cr_assert_eq(heap_live, 0, "freed everything");
    return rc;
}

/* The estimate is an upper bound: whatever decodes within a budget used at
 * most that much heap, for every kind of value. */
Test(json_decode_memory, the_estimate_bounds_the_real_heap)
{
    static const char *const units[] = {
        "{}", "[]", "0", "1.5", "\"\"", "\"abcdefghijklmnopqrstuvwxyz\"", "true", "{\"a\":0}", "[0]",
        "{\"a\":{}}", "\"\\u00e9\\n\"", "123456789012345678901234567890",
    };
    static const size_t budgets[] = {(size_t)1 << 20, (size_t)4 << 20};
    size_t i, b;

    for (i = 0; i < sizeof units / sizeof units[0]; i++)
        for (b = 0; b < sizeof budgets / sizeof budgets[0]; b++) {
            pg_json_decode_options o;
            size_t len, used;
            char *doc = repeat("[", units[i], 20000, "]", &len);
            int rc;
            memset(&o, 0, sizeof o);
            o.max_memory = budgets[b];
            o.validated = 1;
            rc = heap_decode(doc, len, &o, &used);
            cr_assert(rc == 0 || rc == PG_ELIMIT, "%s: rc %d", units[i], rc);
            if (rc == 0)
                cr_assert_leq(used, budgets[b], "%s: %zu bytes of heap for a budget of %zu", units[i], used,
                              budgets[b]);
            free(doc);
        }
}

/* Keys: each member's pair and buckets count too (20 000 distinct keys). */
Test(json_decode_memory, object_members_are_counted)
{
    char *doc = malloc(20000 * 16 + 16), *p = doc;
    pg_json_decode_options o;
    size_t used, again;
    int i;

    cr_assert_not_null(doc);
    *p++ = '{';
    for (i = 0; i < 20000; i++)
        p += sprintf(p, "%s\"k%d\":true", i ? "," : "", i);
    *p++ = '}';
    memset(&o, 0, sizeof o);
    o.max_memory = (size_t)4 << 20;
    cr_assert_eq(heap_decode(doc, (size_t)(p - doc), &o, &used), 0);
    cr_assert_leq(used, o.max_memory);
    o.max_memory = used / 2;
    cr_assert_eq(heap_decode(doc, (size_t)(p - doc), &o, &again), PG_ELIMIT, "half the real cost is refused");
    free(doc);
}
