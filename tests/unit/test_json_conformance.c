/*
 * test_json_conformance.c — data-driven: every file of nst/JSONTestSuite
 * (../shared/corpus/jsontestsuite, read in place) and of testdata/json/,
 * each its own test. y_* must be accepted and n_* rejected, by the reader
 * (one chunk and 1-byte chunks) and by pg_json_decode(); i_* follow the
 * decisions in the table below (docs/internals/json-reader.md).
 * testdata/json/NAME.expect, when present, holds the exact trace (callbacks
 * and error line) the reader must produce for NAME.json.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plangate/json.h"
#include "support.h"
#include "test_json_support.h"

#define SUITE_DIR PG_SHARED "/corpus/jsontestsuite"
#define OWN_DIR PG_TESTDATA "/json"

/* MARK: decisions for the implementation-defined i_ files ----------------- */

typedef struct decision {
    const char *name;
    int reader_accepts;
    int decode_accepts;
    const char *why;
} decision;

static const decision decisions[] = {
    /* Numbers: valid grammar, so accepted; pg_json_decode keeps what a double
     * or int64 cannot hold as text (SPEC §2), tested in test_json_decode.c. */
    {"i_number_double_huge_neg_exp.json", 1, 1, "underflows to 0.0: a finite real"},
    {"i_number_huge_exp.json", 1, 1, "overflows a double: kept as text"},
    {"i_number_neg_int_huge_exp.json", 1, 1, "overflows a double: kept as text"},
    {"i_number_pos_double_huge_exp.json", 1, 1, "overflows a double: kept as text"},
    {"i_number_real_neg_overflow.json", 1, 1, "overflows a double: kept as text"},
    {"i_number_real_pos_overflow.json", 1, 1, "overflows a double: kept as text"},
    {"i_number_real_underflow.json", 1, 1, "underflows to 0.0: a finite real"},
    {"i_number_too_big_neg_int.json", 1, 1, "beyond int64: kept as text"},
    {"i_number_too_big_pos_int.json", 1, 1, "beyond int64: kept as text"},
    {"i_number_very_big_negative_int.json", 1, 1, "beyond int64: kept as text"},
    /* Lone, reversed or incomplete surrogate escapes: rejected. */
    {"i_object_key_lone_2nd_surrogate.json", 0, 0, "lone low surrogate"},
    {"i_string_1st_surrogate_but_2nd_missing.json", 0, 0, "high surrogate without low"},
    {"i_string_1st_valid_surrogate_2nd_invalid.json", 0, 0, "high surrogate then non-surrogate"},
    {"i_string_incomplete_surrogate_and_escape_valid.json", 0, 0, "high surrogate then \\n"},
    {"i_string_incomplete_surrogate_pair.json", 0, 0, "lone low surrogate"},
    {"i_string_incomplete_surrogates_escape_valid.json", 0, 0, "two high surrogates"},
    {"i_string_invalid_lonely_surrogate.json", 0, 0, "lone high surrogate"},
    {"i_string_invalid_surrogate.json", 0, 0, "high surrogate then text"},
    {"i_string_inverted_surrogates_U+1D11E.json", 0, 0, "low before high"},
    {"i_string_lone_second_surrogate.json", 0, 0, "lone low surrogate"},
    /* Invalid UTF-8 anywhere: rejected (strict RFC 3629). */
    {"i_string_UTF-8_invalid_sequence.json", 0, 0, "0xFA lead byte"},
    {"i_string_UTF8_surrogate_U+D800.json", 0, 0, "surrogate encoded in UTF-8"},
    {"i_string_invalid_utf-8.json", 0, 0, "0xFF byte"},
    {"i_string_iso_latin_1.json", 0, 0, "Latin-1, not UTF-8"},
    {"i_string_lone_utf8_continuation_byte.json", 0, 0, "continuation without lead"},
    {"i_string_not_in_unicode_range.json", 0, 0, "above U+10FFFF"},
    {"i_string_overlong_sequence_2_bytes.json", 0, 0, "overlong"},
    {"i_string_overlong_sequence_6_bytes.json", 0, 0, "6-byte form"},
    {"i_string_overlong_sequence_6_bytes_null.json", 0, 0, "6-byte form"},
    {"i_string_truncated-utf-8.json", 0, 0, "truncated sequence"},
    /* Encodings: a BOM decides; without one the input must be UTF-8. The
     * decoder takes UTF-8 only (it decodes bytes the reader captured). */
    {"i_string_UTF-16LE_with_BOM.json", 1, 0, "UTF-16LE BOM: transcoded by the reader"},
    {"i_string_utf16BE_no_BOM.json", 0, 0, "UTF-16 without a BOM is not UTF-8"},
    {"i_string_utf16LE_no_BOM.json", 0, 0, "UTF-16 without a BOM is not UTF-8"},
    {"i_structure_UTF-8_BOM_empty_object.json", 1, 1, "UTF-8 BOM skipped"},
    /* Depth: 500 is within the default limit of 512. */
    {"i_structure_500_nested_arrays.json", 1, 1, "500 <= max_depth 512"},
};

static const decision *find_decision(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof decisions / sizeof decisions[0]; i++)
        if (strcmp(decisions[i].name, name) == 0)
            return &decisions[i];
    return NULL;
}

/* MARK: parameters: one per file ------------------------------------------ */

typedef struct file_param {
    char dir[16];  /* "suite" or "own"; "" when the directory is absent */
    char name[112];
} file_param;

static void free_params(struct criterion_test_params *crp)
{
    cr_free(crp->params);
}

static int is_json(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".json") == 0 &&
           (name[0] == 'y' || name[0] == 'n' || name[0] == 'i') && name[1] == '_';
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const file_param *)a)->name, ((const file_param *)b)->name);
}

/* List dir's y_/n_/i_ *.json files; one empty parameter when it is absent
 * (the test then skips). shared: in Criterion's shared memory (parameters). */
static file_param *list_dir(const char *dir, const char *tag, size_t *count, int shared)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    file_param *p;
    size_t n = 0, cap = 512;

    p = shared ? cr_malloc(cap * sizeof *p) : malloc(cap * sizeof *p);
    cr_assert_not_null(p);
    memset(p, 0, cap * sizeof *p);
    if (!d) {
        *count = 1;
        return p;
    }
    while ((e = readdir(d)) != NULL) {
        if (!is_json(e->d_name) || strlen(e->d_name) >= sizeof p->name)
            continue;
        if (n == cap) /* never: the suite has 318 files */
            break;
        snprintf(p[n].dir, sizeof p[n].dir, "%s", tag);
        memcpy(p[n].name, e->d_name, strlen(e->d_name) + 1); /* length checked above */
        n++;
    }
    closedir(d);
    qsort(p, n, sizeof *p, by_name);
    *count = n ? n : 1;
    return p;
}

static char *load(const file_param *fp, size_t *len)
{
    char path[512];
    char *doc;

    snprintf(path, sizeof path, "%s/%s", strcmp(fp->dir, "suite") == 0 ? SUITE_DIR : OWN_DIR,
             fp->name);
    doc = jt_read(path, len);
    cr_assert_not_null(doc, "cannot read %s", path);
    return doc;
}

static int is_utf16_bom(const char *doc, size_t len)
{
    const unsigned char *u = (const unsigned char *)doc;
    return len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF));
}

/* The expectation of one file, for the reader and for the decoder. */
static void check_file(const file_param *fp)
{
    size_t len, chunks[2] = {JT_WHOLE, 1};
    char *doc = load(fp, &len);
    int want_reader, want_decode, i;
    json_t *v = NULL;
    pg_error err;
    int rc;

    if (fp->name[0] == 'i') {
        const decision *dd = find_decision(fp->name);
        cr_assert_not_null(dd, "%s: no decision for this implementation-defined file: add one to "
                               "the table and to docs/internals/json-reader.md", fp->name);
        want_reader = dd->reader_accepts;
        want_decode = dd->decode_accepts;
    } else {
        want_reader = want_decode = fp->name[0] == 'y';
        /* The decoder reads UTF-8 only (documented). */
        if (is_utf16_bom(doc, len))
            want_decode = 0;
    }
    for (i = 0; i < 2; i++) {
        jt_result r;
        jt_run(&r, doc, len, chunks[i], NULL);
        if (want_reader)
            cr_expect_eq(r.rc, 0, "%s (%s): rejected by the reader (chunk %zu): %s", fp->name, fp->dir,
                         chunks[i], r.err.message);
        else
            cr_expect_neq(r.rc, 0, "%s (%s): accepted by the reader (chunk %zu)", fp->name, fp->dir,
                          chunks[i]);
        jt_result_free(&r);
    }
    pg_error_clear(&err);
    rc = pg_json_decode(&v, doc, len, NULL, &err);
    if (want_decode) {
        cr_expect_eq(rc, 0, "%s (%s): rejected by pg_json_decode: %s", fp->name, fp->dir, err.message);
        cr_expect_not_null(v, "%s: no value", fp->name);
    } else {
        cr_expect_neq(rc, 0, "%s (%s): accepted by pg_json_decode", fp->name, fp->dir);
        cr_expect_null(v, "%s: a value on failure", fp->name);
    }
    json_decref(v);
    free(doc);
}

ParameterizedTestParameters(json_conformance, jsontestsuite)
{
    size_t n;
    file_param *p = list_dir(SUITE_DIR, "suite", &n, 1);
    return cr_make_param_array(file_param, p, n, free_params);
}

ParameterizedTest(file_param *fp, json_conformance, jsontestsuite)
{
    if (!fp->dir[0])
        cr_skip_test("%s is absent", SUITE_DIR);
    check_file(fp);
}

ParameterizedTestParameters(json_conformance, own_fixtures)
{
    size_t n;
    file_param *p = list_dir(OWN_DIR, "own", &n, 1);
    return cr_make_param_array(file_param, p, n, free_params);
}

ParameterizedTest(file_param *fp, json_conformance, own_fixtures)
{
    char path[512];
    char *want;
    size_t len, wlen, i;
    size_t chunks[4] = {JT_WHOLE, 1, 2, 7};
    char *doc;

    cr_assert(fp->dir[0], "testdata/json has no fixtures");
    check_file(fp);
    /* NAME.expect: the exact trace, verbatim (and the same at every chunk size). */
    snprintf(path, sizeof path, "%s/%.*s.expect", OWN_DIR, (int)(strlen(fp->name) - 5), fp->name);
    want = jt_read(path, &wlen);
    if (!want)
        return;
    doc = load(fp, &len);
    for (i = 0; i < 4; i++) {
        jt_result r;
        jt_opts o;
        memset(&o, 0, sizeof o);
        o.fail_at_index = -2;
        /* Fixtures shaped like plans capture their changes, as the plan reader does. */
        o.modes = "resource_changes=e,format_version=v";
        jt_run(&r, doc, len, chunks[i], &o);
        cr_assert_str_eq(r.trace, want, "%s (chunk %zu): trace differs from %s:\n%s", fp->name,
                         chunks[i], path, r.trace);
        jt_result_free(&r);
    }
    free(doc);
    free(want);
}

/* Every i_ file of the suite has a decision, and every decision a file. */
Test(json_conformance, every_i_file_is_decided)
{
    size_t n, i, found = 0;
    file_param *p;

    if (!pg_test_dir_exists(SUITE_DIR))
        cr_skip_test("%s is absent", SUITE_DIR);
    p = list_dir(SUITE_DIR, "suite", &n, 0);
    for (i = 0; i < n; i++) {
        if (p[i].name[0] != 'i')
            continue;
        cr_expect_not_null(find_decision(p[i].name), "%s has no decision", p[i].name);
        found++;
    }
    cr_expect_eq(found, sizeof decisions / sizeof decisions[0],
                 "%zu i_ files in the suite, %zu decisions", found,
                 sizeof decisions / sizeof decisions[0]);
    free(p);
}
