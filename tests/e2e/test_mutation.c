/*
 * test_mutation.c — mutated plans never crash, hang or pass silently.
 *
 * Valid fixtures (one that FAILs, one that PASSes) are truncated at every
 * byte, have every byte flipped three ways, get duplicated keys, lose a
 * bracket, and get invalid UTF-8 in a skipped and in a decoded region. Each
 * mutant goes through the whole check path in-process (pg_check_run, as the
 * CLI does) and its verdict is compared with a reference:
 *
 *   - jansson (json_loadb, JSON_DECODE_ANY) refuses the mutant → it is not
 *     JSON → ERROR (exit 3);
 *   - jansson accepts it → the reference verdict is ours on jansson's
 *     canonical re-serialisation (duplicates resolved, escapes decoded).
 *
 * The mutant's verdict must equal the reference, or be ERROR (exit 3: we may
 * refuse more — duplicated keys where the plan model forbids them — never
 * less). Known differences with jansson are decisions, not bugs, and are
 * skipped: numbers beyond int64/double (jansson refuses, we keep the text),
 * a NUL after the value (jansson stops there).
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plangate/check.h"
#include "plangate/policy.h"
#include "support.h"

/* A plan that FAILs: a DynamoDB table replaced because its hash_key changed.
 * planned_values is skipped by the reader; resource_changes is decoded. */
static const char fail_plan[] =
    "{\"format_version\":\"1.2\",\"terraform_version\":\"1.9.5\","
    "\"planned_values\":{\"root_module\":{\"resources\":[{\"address\":\"aws_dynamodb_table.orders\","
    "\"values\":{\"name\":\"orders\",\"note\":\"caf\xc3\xa9 \\u00e9\"}}]}},"
    "\"resource_changes\":[{\"address\":\"aws_dynamodb_table.orders\",\"mode\":\"managed\","
    "\"type\":\"aws_dynamodb_table\",\"name\":\"orders\",\"provider_name\":\"registry.terraform.io/hashicorp/aws\","
    "\"change\":{\"actions\":[\"delete\",\"create\"],"
    "\"before\":{\"name\":\"orders\",\"hash_key\":\"id\",\"attribute\":[{\"name\":\"id\",\"type\":\"S\"}],"
    "\"tags\":{\"Environment\":\"production\"}},"
    "\"after\":{\"name\":\"orders\",\"hash_key\":\"pk\",\"attribute\":[{\"name\":\"pk\",\"type\":\"S\"}],"
    "\"tags\":{\"Environment\":\"production\"}},"
    "\"after_unknown\":{\"arn\":true},\"before_sensitive\":{},\"after_sensitive\":{}},"
    "\"action_reason\":\"replace_because_cannot_update\"},"
    "{\"address\":\"aws_s3_bucket.logs\",\"mode\":\"managed\",\"type\":\"aws_s3_bucket\",\"name\":\"logs\","
    "\"change\":{\"actions\":[\"update\"],\"before\":{\"bucket\":\"logs\",\"tags\":{}},"
    "\"after\":{\"bucket\":\"logs\",\"tags\":{\"a\":\"b\"}}}}],"
    "\"configuration\":{\"root_module\":{}},\"errored\":false}";

/* A plan that PASSes: the same table, only its tags change. */
static const char pass_plan[] =
    "{\"format_version\":\"1.2\",\"planned_values\":{\"root_module\":{\"note\":\"na\xc3\xafve\"}},"
    "\"resource_changes\":[{\"address\":\"aws_dynamodb_table.orders\",\"mode\":\"managed\","
    "\"type\":\"aws_dynamodb_table\",\"name\":\"orders\",\"change\":{\"actions\":[\"update\"],"
    "\"before\":{\"name\":\"orders\",\"hash_key\":\"id\",\"point_in_time_recovery\":[{\"enabled\":true}],"
    "\"tags\":{\"Environment\":\"dev\"}},"
    "\"after\":{\"name\":\"orders\",\"hash_key\":\"id\",\"point_in_time_recovery\":[{\"enabled\":true}],"
    "\"tags\":{\"Environment\":\"dev\",\"Owner\":\"x\"}}}}]}";

typedef enum mut_verdict { MUT_PASS = 0, MUT_FAIL, MUT_ERROR, MUT_SKIP } mut_verdict;

static const char *const verdict_names[] = {"PASS", "FAIL", "ERROR (exit 3)", "skipped"};

static pg_policy *mut_policy;
static char mut_path[64];
/* Single-threaded by default; the thread test sets ALWAYS: its plans are
 * small files, which AUTO would read without the thread. */
static pg_plan_threads mut_threads = PG_PLAN_THREADS_NEVER;

static void mut_setup(void)
{
    pg_error err;
    int fd;

    mut_threads = PG_PLAN_THREADS_NEVER;
    mut_policy = pg_test_policy_new();
    cr_assert_not_null(mut_policy);
    cr_assert_eq(pg_policy_load_defaults(mut_policy, &err), 0, "%s", err.message);
    snprintf(mut_path, sizeof mut_path, "%s/pg-mutant.XXXXXX", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    cr_assert((fd = mkstemp(mut_path)) >= 0);
    close(fd);
}

static void mut_teardown(void)
{
    pg_policy_free(mut_policy);
    unlink(mut_path);
}

/* Our verdict, through the whole check path. */
static mut_verdict mut_ours(const char *doc, size_t len)
{
    pg_check_options opts;
    pg_report report;
    pg_error err;
    FILE *f = fopen(mut_path, "wb");
    mut_verdict v;
    int rc;

    cr_assert_not_null(f);
    cr_assert_eq(fwrite(doc, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
    memset(&opts, 0, sizeof opts);
    opts.plan_path = mut_path;
    opts.policy = mut_policy;
    opts.fail_on = PG_SEV_HIGH;
    opts.today = "2025-06-01";
    opts.threads = mut_threads;
    pg_error_clear(&err);
    rc = pg_check_run(&opts, &report, &err);
    if (rc != 0) {
        cr_assert_eq(report.verdict, PG_VERDICT_ERROR, "rc %d but verdict %d", rc, report.verdict);
        cr_assert(err.message[0] != '\0', "an error without a message");
        v = MUT_ERROR;
    } else {
        cr_assert(report.verdict != PG_VERDICT_ERROR);
        v = report.verdict == PG_VERDICT_FAIL ? MUT_FAIL : MUT_PASS;
    }
    pg_report_dispose(&report);
    return v;
}

/* The reference verdict (see the comment at the top). */
static mut_verdict mut_reference(const char *doc, size_t len)
{
    json_error_t jerr;
    json_t *v = json_loadb(doc, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    mut_verdict ref;
    char *canon;

    if (!v) {
        if (strstr(jerr.text, "too big") || strstr(jerr.text, "overflow") || strstr(jerr.text, "NUL byte in object key"))
            return MUT_SKIP;
        return MUT_ERROR;
    }
    if (memchr(doc, '\0', len)) {
        json_decref(v);
        return MUT_SKIP; /* jansson stopped at the NUL */
    }
    canon = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    json_decref(v);
    if (!canon)
        return MUT_SKIP; /* a NUL inside a key: jansson cannot write it */
    ref = mut_ours(canon, strlen(canon));
    free(canon);
    return ref;
}

typedef struct mut_stats {
    unsigned long runs, same, refused, skipped, errors;
} mut_stats;

/* One mutant: ours must equal the reference, or be ERROR. */
static void mut_check(mut_stats *st, const char *what, size_t at, const char *doc, size_t len)
{
    mut_verdict ours = mut_ours(doc, len), ref = mut_reference(doc, len);

    st->runs++;
    if (ref == MUT_SKIP) {
        st->skipped++;
        return;
    }
    cr_assert(ours == ref || ours == MUT_ERROR, "%s at byte %zu: ours %s, reference %s:\n%.*s", what, at,
              verdict_names[ours], verdict_names[ref], (int)len, doc);
    if (ours == ref)
        st->same++;
    else
        st->refused++;
    if (ours == MUT_ERROR)
        st->errors++;
}

/* The fixtures themselves: exactly the expected verdict, and the reference agrees. */
Test(mutation, fixtures_are_what_they_claim, .init = mut_setup, .fini = mut_teardown)
{
    cr_assert_eq(mut_ours(fail_plan, sizeof fail_plan - 1), MUT_FAIL);
    cr_assert_eq(mut_reference(fail_plan, sizeof fail_plan - 1), MUT_FAIL);
    cr_assert_eq(mut_ours(pass_plan, sizeof pass_plan - 1), MUT_PASS);
    cr_assert_eq(mut_reference(pass_plan, sizeof pass_plan - 1), MUT_PASS);
}

static void mut_truncations(const char *plan, size_t len)
{
    mut_stats st;
    size_t i;

    memset(&st, 0, sizeof st);
    for (i = 0; i < len; i++) {
        mut_check(&st, "truncated", i, plan, i);
        /* A proper prefix of a JSON object is never JSON: always refused. */
        cr_assert_eq(mut_ours(plan, i), MUT_ERROR, "truncated at byte %zu was not refused", i);
    }
    cr_assert_eq(st.runs, len);
}

Test(mutation, truncated_at_every_byte, .init = mut_setup, .fini = mut_teardown)
{
    mut_truncations(fail_plan, sizeof fail_plan - 1);
    mut_truncations(pass_plan, sizeof pass_plan - 1);
}

static void mut_flips(const char *plan, size_t len)
{
    static const unsigned char masks[] = {0x01, 0x20, 0x80};
    char *doc = malloc(len);
    mut_stats st;
    size_t i, m;

    cr_assert_not_null(doc);
    memset(&st, 0, sizeof st);
    for (i = 0; i < len; i++)
        for (m = 0; m < sizeof masks; m++) {
            memcpy(doc, plan, len);
            doc[i] = (char)((unsigned char)doc[i] ^ masks[m]);
            mut_check(&st, "byte flipped", i, doc, len);
        }
    /* Both kinds happen: flips that break the JSON, flips inside strings. */
    cr_assert(st.errors > 0 && st.errors < st.runs, "runs %lu, errors %lu", st.runs, st.errors);
    cr_log_info("flips: %lu mutants: %lu as the reference (%lu of them exit 3), %lu refused where the "
                "reference had a verdict, %lu skipped",
                st.runs, st.same, st.errors - st.refused, st.refused, st.skipped);
    free(doc);
}

Test(mutation, every_byte_flipped, .init = mut_setup, .fini = mut_teardown)
{
    mut_flips(fail_plan, sizeof fail_plan - 1);
    mut_flips(pass_plan, sizeof pass_plan - 1);
}

/* `plan` with `insert` placed right after the first occurrence of `after`. */
static char *mut_insert(const char *plan, const char *after, const char *insert, size_t *len)
{
    const char *at = strstr(plan, after);
    size_t head, n;
    char *doc;

    cr_assert_not_null(at, "fixture lacks %s", after);
    head = (size_t)(at - plan) + strlen(after);
    n = strlen(plan) + strlen(insert);
    cr_assert_not_null(doc = malloc(n + 1));
    memcpy(doc, plan, head);
    memcpy(doc + head, insert, strlen(insert));
    memcpy(doc + head + strlen(insert), plan + head, strlen(plan) - head + 1);
    *len = n;
    return doc;
}

typedef struct mut_dup {
    const char *after;   /* insert right after this text */
    const char *insert;  /* a member whose key is already in that object */
    mut_verdict expect;  /* MUT_ERROR: the plan model refuses it */
} mut_dup;

/* README "Decisions": a duplicated top-level key and a duplicated key inside
 * a resource change are refused (exit 3), whatever the values; in a skipped
 * section they are valid JSON and change nothing. */
Test(mutation, duplicated_keys, .init = mut_setup, .fini = mut_teardown)
{
    static const mut_dup dups[] = {
        /* top level */
        {"{", "\"format_version\":\"1.2\",", MUT_ERROR},
        {"{", "\"format_version\":\"9.0\",", MUT_ERROR},
        {"\"configuration\":{\"root_module\":{}},", "\"resource_changes\":[],", MUT_ERROR},
        {"\"configuration\":{\"root_module\":{}},", "\"resource_changes\":null,", MUT_ERROR},
        {"\"configuration\":{\"root_module\":{}},", "\"errored\":false,", MUT_ERROR},
        {"\"configuration\":{\"root_module\":{}},", "\"terraform_version\":\"1.9.5\",", MUT_ERROR},
        /* inside a resource change, at its top */
        {"\"resource_changes\":[{", "\"address\":\"aws_dynamodb_table.other\",", MUT_ERROR},
        {"\"resource_changes\":[{", "\"type\":\"aws_s3_bucket\",", MUT_ERROR},
        {"\"resource_changes\":[{", "\"change\":{\"actions\":[\"no-op\"]},", MUT_ERROR},
        {"\"resource_changes\":[{", "\"action_reason\":\"replace_by_request\",", MUT_ERROR},
        /* inside change, and deeper */
        {"\"change\":{", "\"actions\":[\"no-op\"],", MUT_ERROR},
        {"\"after\":{", "\"hash_key\":\"id\",", MUT_ERROR},
        {"\"after\":{", "\"tags\":{},", MUT_ERROR},
        /* a skipped section: valid JSON, nothing the plan model reads */
        {"\"values\":{", "\"name\":\"x\",", MUT_FAIL},
        {"\"configuration\":{", "\"root_module\":{\"a\":1},", MUT_FAIL},
    };
    size_t i;

    for (i = 0; i < sizeof dups / sizeof dups[0]; i++) {
        size_t len;
        char *doc = mut_insert(fail_plan, dups[i].after, dups[i].insert, &len);
        mut_verdict ours = mut_ours(doc, len);
        cr_assert_eq(ours, dups[i].expect, "duplicate %s after %s: ours %s, expected %s", dups[i].insert,
                     dups[i].after, verdict_names[ours], verdict_names[dups[i].expect]);
        free(doc);
    }
}

/* The second change (an S3 update) is wanted by no detector or rule, so the
 * reader counts it from its raw bytes without decoding it (issue 6).
 * README: a duplicated key inside a resource change is refused all the same.
 * Fails today for keys other than type/change/actions (src/plan/plan.c
 * skip_undecoded; reported to the plan module's owner). */
Test(mutation, duplicated_key_in_a_change_nobody_decodes, .init = mut_setup, .fini = mut_teardown)
{
    static const char *const inserts[] = {
        "\"name\":\"other\",",
        "\"address\":\"aws_s3_bucket.other\",",
        "\"mode\":\"data\",",
    };
    size_t i;

    for (i = 0; i < sizeof inserts / sizeof inserts[0]; i++) {
        size_t len;
        char *doc = mut_insert(fail_plan, "\"aws_s3_bucket.logs\",", inserts[i], &len);
        cr_assert_eq(mut_ours(doc, len), MUT_ERROR, "duplicate %s in an undecoded change was accepted", inserts[i]);
        free(doc);
    }
}

/* Deleting any one structural bracket never leaves JSON behind. */
static void mut_brackets(const char *plan, size_t len)
{
    char *doc = malloc(len);
    int in_string = 0, escaped = 0;
    size_t i, n = 0;

    cr_assert_not_null(doc);
    for (i = 0; i < len; i++) {
        char c = plan[i];
        if (in_string) {
            if (escaped)
                escaped = 0;
            else if (c == '\\')
                escaped = 1;
            else if (c == '"')
                in_string = 0;
            continue;
        }
        if (c == '"') {
            in_string = 1;
            continue;
        }
        if (c != '[' && c != ']' && c != '{' && c != '}')
            continue;
        memcpy(doc, plan, i);
        memcpy(doc + i, plan + i + 1, len - i - 1);
        cr_assert_eq(mut_reference(doc, len - 1), MUT_ERROR, "jansson accepted the plan without byte %zu", i);
        cr_assert_eq(mut_ours(doc, len - 1), MUT_ERROR, "bracket at byte %zu deleted, yet not refused", i);
        n++;
    }
    cr_assert(n > 20, "%zu brackets", n);
    free(doc);
}

Test(mutation, one_bracket_deleted, .init = mut_setup, .fini = mut_teardown)
{
    mut_brackets(fail_plan, sizeof fail_plan - 1);
    mut_brackets(pass_plan, sizeof pass_plan - 1);
}

/* Invalid UTF-8 is refused wherever it is: in a section the reader skips
 * (validated, never decoded), in a decoded change, in a key. */
Test(mutation, invalid_utf8_in_skipped_and_decoded_regions, .init = mut_setup, .fini = mut_teardown)
{
    static const char *const bad[] = {
        "\xff",             /* never valid */
        "\xc0\x80",         /* overlong NUL */
        "\xc3",             /* truncated two-byte sequence */
        "\xe2\x82",         /* truncated three-byte sequence */
        "\xed\xa0\x80",     /* a UTF-16 surrogate, encoded */
        "\xf4\x90\x80\x80", /* past U+10FFFF */
        "\xf8\x88\x80\x80\x80", /* five bytes */
        "\x80",             /* a lone continuation byte */
    };
    static const char *const where[] = {
        "\"note\":\"caf",                      /* skipped: planned_values */
        "\"configuration\":{\"root_module\":{", /* skipped, as a key: becomes "\xff":... below */
        "\"address\":\"aws_dynamodb_table.",   /* decoded: the change's address */
        "\"after\":{\"name\":\"ord",           /* decoded: a value detectors read */
        "\"tags\":{\"Environment\":\"prod",    /* decoded */
        "\"aws_s3_bucket.logs\",\"mode\":\"man", /* a change the filter would skip */
    };
    size_t i, j;

    for (i = 0; i < sizeof where / sizeof where[0]; i++)
        for (j = 0; j < sizeof bad / sizeof bad[0]; j++) {
            char insert[32];
            size_t len;
            char *doc;
            if (i == 1)
                snprintf(insert, sizeof insert, "\"k%s\":1", bad[j]); /* a key */
            else
                snprintf(insert, sizeof insert, "%s", bad[j]);
            doc = mut_insert(fail_plan, where[i], insert, &len);
            cr_assert_eq(mut_reference(doc, len), MUT_ERROR, "jansson took bad UTF-8 %zu at %s", j, where[i]);
            cr_assert_eq(mut_ours(doc, len), MUT_ERROR, "bad UTF-8 %zu after '%s' was not refused", j, where[i]);
            free(doc);
        }
}

/* The same mutations with the decoding thread on (the CLI's default). */
Test(mutation, truncations_with_the_decoding_thread, .init = mut_setup, .fini = mut_teardown)
{
    size_t len = sizeof fail_plan - 1, i, runs = 0;
    unsigned long started = pg_plan_threads_started();

    mut_threads = PG_PLAN_THREADS_ALWAYS;
    for (i = 0; i < len; i += 7, runs++)
        cr_assert_eq(mut_ours(fail_plan, i), MUT_ERROR, "truncated at byte %zu (thread)", i);
    cr_assert_eq(mut_ours(fail_plan, len), MUT_FAIL);
    runs++;
    cr_assert_eq(pg_plan_threads_started() - started, runs, "every run decoded on the worker thread");
}
