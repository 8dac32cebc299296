/*
 * test_json_chunks.c — chunk boundaries must not matter (STYLE 15): the
 * same document fed whole, in 4096-, 7-, 3-, 2- and 1-byte chunks and in
 * random chunk sizes gives the identical sequence of callbacks (keys,
 * indexes, raw bytes, offsets) and the identical result, error message and
 * offset included. Every document is cut at every byte by the 1-byte run,
 * so every token kind straddles a boundary somewhere.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plangate/json.h"
#include "support.h"
#include "test_json_support.h"

static const size_t sizes[] = {4096, 7, 3, 2, 1, JT_RANDOM};

/* Compare every chunking of doc against the whole-document trace. */
static void same_at_every_chunking(const char *what, const char *doc, size_t len, const jt_opts *o)
{
    jt_result whole;
    size_t i;

    jt_run(&whole, doc, len, JT_WHOLE, o);
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        jt_result r;
        jt_run(&r, doc, len, sizes[i], o);
        cr_assert_str_eq(r.trace, whole.trace, "%s: chunk %zu differs from whole:\n%s\n--- whole:\n%s",
                         what, sizes[i], r.trace, whole.trace);
        cr_assert_eq(r.rc, whole.rc, "%s: chunk %zu", what, sizes[i]);
        if (r.rc == 0) /* after an error, "bytes consumed" depends on the chunk */
            cr_assert_eq(r.offset, whole.offset, "%s: chunk %zu: offset %llu vs %llu", what,
                         sizes[i], r.offset, whole.offset);
        jt_result_free(&r);
    }
    jt_result_free(&whole);
}

static void same_str(const char *doc, const char *modes)
{
    jt_opts o;

    memset(&o, 0, sizeof o);
    o.fail_at_index = -2;
    o.modes = modes;
    same_at_every_chunking(doc, doc, strlen(doc), &o);
}

Test(json_chunks, documents_with_every_token_kind)
{
    static const char *docs[] = {
        ("{\"a\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\",\"b\":[\"\\u00e9\\n\\\"\\\\\\/\\b\\f\\r\\t\","
         "\"\\uD83D\\uDE00\\uDBFF\\uDFFF\"],\"c\":[-12.5e+10,0,-0,1E-7,123456789012345678901234567890],"
         "\"d\":[true,false,null],\"e\":{\"x\":{\"y\":[[],[{}]]}}}"),
        ("{ \"resource_changes\" : [ { \"address\" : \"a.b\" , \"n\" : 10 } ,\n\t\"\xe2\x82\xac\" , 7 , "
         "true ] , \"format_version\" : \"1.2\" }"),
        "{\"k\\u00e9\\uD83D\\uDE00\xc3\xa9\":[1,22,333,4444,55555],\"\":{}}",
        "[12345678901234567890.12345678901234567890e-12345]",
        "  -0.000001e+000001  ",
        "\"\\uD834\\uDD1E\"",
        "{\"a\":[1,2,3],\"a\":[4],\"a\":5}",
        /* errors: the same message and offset at every chunking */
        "{\"a\":[1,2,3],\"b\":\"x\x01y\"}",
        "{\"a\":[\"\\uD800\\u0041\"]}",
        "{\"a\":[\"\\uDC00\"]}",
        "{\"a\":\"\xe2\x82\"}",
        "{\"a\":\"\xf4\x90\x80\x80\"}",
        "{\"a\":[012]}",
        "{\"a\":[1.e3]}",
        "{\"a\":[tru]}",
        "{\"a\":[nulx]}",
        "{\"a\":{\"b\":1,}}",
        "{\"a\":[1,2",
        "{\"a\":\"abc",
        "{\"a\":[\"\\u12",
        "{\"a\":1} x",
        "",
        "   ",
    };
    static const char *modes[] = {NULL, "*=v", "*=e", "a=e,b=v,resource_changes=e"};
    size_t i, m;

    for (i = 0; i < sizeof docs / sizeof docs[0]; i++)
        for (m = 0; m < sizeof modes / sizeof modes[0]; m++)
            same_str(docs[i], modes[m]);
}

Test(json_chunks, utf16_le_and_be)
{
    /* {"a":["é😀",12,true],"b":"\u20ac"} in UTF-16 with a BOM, by hand. */
    static const char utf8[] = "{\"a\":[\"\xc3\xa9\xf0\x9f\x98\x80\",12,true],\"b\":\"\\u20ac\"}";
    unsigned char le[128], be[128];
    size_t n = 0, i;
    jt_opts o;

    le[0] = 0xFF;
    le[1] = 0xFE;
    be[0] = 0xFE;
    be[1] = 0xFF;
    n = 2;
    for (i = 0; utf8[i]; i++) {
        unsigned u[2];
        int k, nu = 1;
        unsigned char c = (unsigned char)utf8[i];
        if (c == 0xC3) {
            u[0] = 0xE9;
            i += 1;
        } else if (c == 0xF0) {
            u[0] = 0xD83D;
            u[1] = 0xDE00;
            nu = 2;
            i += 3;
        } else {
            u[0] = c;
        }
        for (k = 0; k < nu; k++) {
            le[n] = (unsigned char)(u[k] & 0xFF);
            le[n + 1] = (unsigned char)(u[k] >> 8);
            be[n] = (unsigned char)(u[k] >> 8);
            be[n + 1] = (unsigned char)(u[k] & 0xFF);
            n += 2;
        }
    }
    memset(&o, 0, sizeof o);
    o.fail_at_index = -2;
    o.modes = "a=e,b=v";
    same_at_every_chunking("utf16le", (const char *)le, n, &o);
    same_at_every_chunking("utf16be", (const char *)be, n, &o);
    {
        jt_result r;
        jt_run(&r, (const char *)le, n, 1, &o);
        cr_assert_eq(r.rc, 0, "%s", r.err.message);
        cr_assert(strstr(r.trace, "value a[0] @9: \"\\xc3\\xa9\\xf0\\x9f\\x98\\x80\"\n"), "%s", r.trace);
        jt_result_free(&r);
    }
}

Test(json_chunks, limits_at_every_chunking)
{
    jt_opts o;
    const char *doc = "{\"a\":[\"0123456789\",\"0123456789abc\",[1,2,3,4,5,6,7]],\"b\":\"x\"}";

    memset(&o, 0, sizeof o);
    o.fail_at_index = -2;
    o.modes = "a=e";
    o.limits.max_string = 12;
    same_at_every_chunking("string limit", doc, strlen(doc), &o);
    o.limits.max_string = 0;
    o.limits.max_capture = 14;
    same_at_every_chunking("capture limit", doc, strlen(doc), &o);
    o.limits.max_capture = 0;
    o.limits.max_depth = 2;
    same_at_every_chunking("depth limit", doc, strlen(doc), &o);
    o.limits.max_depth = 0;
    o.fail_at_index = 1;
    same_at_every_chunking("handler error", doc, strlen(doc), &o);
}

/* Every file of the corpus and of testdata/json, captured or not. */
static void every_file_in(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int files = 0;

    if (!d)
        cr_skip_test("%s is absent", dir);
    while ((e = readdir(d)) != NULL) {
        char path[512];
        size_t len;
        char *doc;
        jt_opts o;
        if (!strstr(e->d_name, ".json"))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        doc = jt_read(path, &len);
        cr_assert_not_null(doc, "%s", path);
        memset(&o, 0, sizeof o);
        o.fail_at_index = -2;
        o.modes = "*=e";
        same_at_every_chunking(e->d_name, doc, len, &o);
        free(doc);
        files++;
    }
    closedir(d);
    cr_assert_gt(files, 0, "no .json file in %s", dir);
}

Test(json_chunks, every_jsontestsuite_file)
{
    every_file_in(PG_SHARED "/corpus/jsontestsuite");
}

Test(json_chunks, every_own_fixture)
{
    every_file_in(PG_TESTDATA "/json");
}

/* Real inputs that are not plans: UTF-16 with a BOM, broken JSON, `{}`. */
Test(json_chunks, every_edge_file)
{
    every_file_in(PG_SHARED "/corpus/edge/checkov");
    every_file_in(PG_SHARED "/corpus/edge/terraform-json");
    every_file_in(PG_SHARED "/corpus/edge/terrascan");
    every_file_in(PG_SHARED "/corpus/edge/opentofu-cloud-testdata");
}

/* Real plans from the corpus, whole vs 1 byte and 7 bytes at a time. */
Test(json_chunks, real_plans)
{
    static const char *dirs[] = {"opentofu-show-json", "terraform-json", "tfplan2md", "checkov"};
    size_t i;
    int files = 0;

    if (!pg_test_dir_exists(PG_SHARED "/corpus/plans"))
        cr_skip_test("corpus absent");
    for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        char dir[256];
        DIR *d;
        struct dirent *e;
        snprintf(dir, sizeof dir, "%s/corpus/plans/%s", PG_SHARED, dirs[i]);
        d = opendir(dir);
        if (!d)
            continue;
        while ((e = readdir(d)) != NULL && files < 200) {
            char path[600];
            size_t len;
            char *doc;
            jt_opts o;
            jt_result whole, r;
            if (!strstr(e->d_name, ".json"))
                continue;
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            doc = jt_read(path, &len);
            if (!doc)
                continue;
            memset(&o, 0, sizeof o);
            o.fail_at_index = -2;
            o.modes = "resource_changes=e,format_version=v,planned_values=v";
            jt_run(&whole, doc, len, JT_WHOLE, &o);
            cr_assert_eq(whole.rc, 0, "%s: %s", path, whole.err.message);
            jt_run(&r, doc, len, 1, &o);
            cr_assert_str_eq(r.trace, whole.trace, "%s: 1-byte chunks differ", path);
            jt_result_free(&r);
            jt_run(&r, doc, len, 7, &o);
            cr_assert_str_eq(r.trace, whole.trace, "%s: 7-byte chunks differ", path);
            jt_result_free(&r);
            jt_result_free(&whole);
            free(doc);
            files++;
        }
        closedir(d);
    }
    cr_assert_gt(files, 0);
}
