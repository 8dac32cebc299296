/*
 * test_limits.c — the reader's and the finding list's caps (STYLE 14, SPEC
 * §6), each at the limit (accepted) and one past it (PG_ELIMIT, exit 3,
 * with a message naming the limit), through the CLI where a flag exists:
 *   --max-depth          PG_JSON_DEFAULT_MAX_DEPTH (512), at most PG_JSON_MAX_DEPTH_CEILING (4096)
 *   --max-element-bytes  PG_JSON_DEFAULT_MAX_CAPTURE (64 MiB)
 *   (no flag)            decode memory: PG_JSON_DECODE_FACTOR × size + PG_JSON_DECODE_SLACK
 *   (no flag)            PG_JSON_DEFAULT_MAX_STRING (64 MiB), in-process
 *   (no flag)            PG_DEFAULT_MAX_FINDINGS (100000), in-process
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plangate/finding.h"
#include "plangate/json.h"
#include "plangate/plan.h"
#include "support.h"

/* A temporary plan file: the path goes to `path` (char[64]). */
static void lim_write(char *path, const char *text, size_t len)
{
    FILE *f;
    int fd;

    snprintf(path, 64, "/tmp/pg-limits-XXXXXX");
    cr_assert((fd = mkstemp(path)) >= 0);
    cr_assert_not_null(f = fdopen(fd, "w"));
    cr_assert_eq(fwrite(text, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
}

/* A plan whose planned_values holds `depth - 2` nested arrays: `depth` levels in all. */
static char *lim_deep_plan(unsigned depth, size_t *len)
{
    static const char head[] = "{\"format_version\":\"1.2\",\"planned_values\":{\"a\":";
    size_t n = sizeof head - 1 + 2 * (size_t)(depth - 2) + 2, i;
    char *s = malloc(n + 1), *p;

    cr_assert_not_null(s);
    memcpy(s, head, sizeof head - 1);
    p = s + sizeof head - 1;
    for (i = 0; i + 2 < depth; i++)
        *p++ = '[';
    for (i = 0; i + 2 < depth; i++)
        *p++ = ']';
    *p++ = '}';
    *p++ = '}';
    *p = '\0';
    *len = n;
    return s;
}

/* Run `plangate check [flag value] plan`; returns the exit code, stderr in *err_out (malloc'd). */
static int lim_check(const char *flag, const char *value, const char *plan, char **err_out)
{
    const char *argv[6];
    pg_test_run_result r;
    int n = 0, code;

    argv[n++] = "check";
    if (flag) {
        argv[n++] = flag;
        argv[n++] = value;
    }
    argv[n++] = plan;
    argv[n] = NULL;
    cr_assert_eq(pg_test_run(&r, argv, NULL, NULL), 0);
    cr_assert_eq(r.signal, 0, "killed by signal %d", r.signal);
    code = r.exit_code;
    *err_out = r.err;
    r.err = NULL;
    pg_test_run_free(&r);
    return code;
}

static void lim_depth_case(const char *flag_value, unsigned depth, int expect_exit)
{
    char path[64], *err = NULL, *doc;
    size_t len;
    int code;

    doc = lim_deep_plan(depth, &len);
    lim_write(path, doc, len);
    code = lim_check(flag_value ? "--max-depth" : NULL, flag_value, path, &err);
    cr_assert_eq(code, expect_exit, "depth %u with --max-depth %s: exit %d: %s", depth,
                 flag_value ? flag_value : "(default)", code, err);
    if (expect_exit == 3)
        cr_assert_not_null(strstr(err, "(limit max_depth)"), "%s", err);
    free(err);
    free(doc);
    unlink(path);
}

Test(limits, max_depth_flag_at_and_past)
{
    lim_depth_case("40", 40, 0);
    lim_depth_case("40", 41, 3);
}

Test(limits, max_depth_default_at_and_past)
{
    lim_depth_case(NULL, PG_JSON_DEFAULT_MAX_DEPTH, 0);
    lim_depth_case(NULL, PG_JSON_DEFAULT_MAX_DEPTH + 1, 3);
}

/* The ceiling (issue 11): 4096 levels with the flag, and no flag value above
 * it is accepted — the reader refuses the limit itself (PG_EUSAGE, exit 2). */
Test(limits, max_depth_ceiling)
{
    static const char *const past[] = {"4097", "100000", "0"};
    char path[64], *err = NULL;
    char ceiling[16];
    size_t i;
    int code;

    snprintf(ceiling, sizeof ceiling, "%u", PG_JSON_MAX_DEPTH_CEILING);
    lim_depth_case(ceiling, PG_JSON_MAX_DEPTH_CEILING, 0);
    lim_depth_case(ceiling, PG_JSON_MAX_DEPTH_CEILING + 1, 3);
    lim_write(path, "{\"format_version\":\"1.2\",\"planned_values\":{}}", 44);
    for (i = 0; i < sizeof past / sizeof past[0]; i++) {
        code = lim_check("--max-depth", past[i], path, &err);
        cr_assert_eq(code, 2, "--max-depth %s is a usage error: exit %d: %s", past[i], code, err);
        if (i < 2)
            cr_assert_not_null(strstr(err, "4096"), "the message says the ceiling: %s", err);
        free(err);
    }
    unlink(path);
}

/* The same refusal in-process, from every constructor that takes limits. */
Test(limits, max_depth_above_the_ceiling_is_a_usage_error)
{
    pg_json_limits lim;
    pg_json_decode_options o;
    pg_json_reader *jr = (pg_json_reader *)1;
    pg_plan_reader *pr = (pg_plan_reader *)1;
    json_t *v = NULL;
    pg_error err;

    memset(&lim, 0, sizeof lim);
    lim.max_depth = PG_JSON_MAX_DEPTH_CEILING + 1;
    cr_assert_eq(pg_json_reader_new(&jr, NULL, &lim, &err), PG_EUSAGE);
    cr_assert_null(jr);
    cr_assert_not_null(strstr(err.message, "(max_depth) of 4097"), "%s", err.message);
    cr_assert_eq(pg_plan_reader_new(&pr, NULL, NULL, &lim, &err), PG_EUSAGE);
    cr_assert_null(pr);
    memset(&o, 0, sizeof o);
    o.limits = lim;
    cr_assert_eq(pg_json_decode(&v, "[]", 2, &o, &err), PG_EUSAGE);
    lim.max_depth = PG_JSON_MAX_DEPTH_CEILING;
    cr_assert_eq(pg_json_reader_new(&jr, NULL, &lim, &err), 0);
    pg_json_reader_free(jr);
}

/* One resource change of exactly `size` bytes (padded with a string). */
static char *lim_element(size_t size)
{
    static const char head[] = "{\"address\":\"aws_s3_bucket.b\",\"type\":\"aws_s3_bucket\",\"name\":\"b\","
                               "\"change\":{\"actions\":[\"create\"],\"before\":null,\"after\":{\"pad\":\"";
    static const char tail[] = "\"}}}";
    size_t pad = size - (sizeof head - 1) - (sizeof tail - 1);
    char *s = malloc(size + 1);

    cr_assert(size > sizeof head + sizeof tail);
    cr_assert_not_null(s);
    memcpy(s, head, sizeof head - 1);
    memset(s + sizeof head - 1, 'x', pad);
    memcpy(s + sizeof head - 1 + pad, tail, sizeof tail);
    cr_assert_eq(strlen(s), size);
    return s;
}

Test(limits, max_element_bytes_at_and_past)
{
    char path[64], *err = NULL, *el = lim_element(1000), *doc;
    size_t len;
    int code;

    cr_assert_not_null(doc = malloc(2000));
    len = (size_t)snprintf(doc, 2000, "{\"format_version\":\"1.2\",\"planned_values\":{},\"resource_changes\":[%s]}",
                           el);
    lim_write(path, doc, len);
    code = lim_check("--max-element-bytes", "1000", path, &err);
    cr_assert_eq(code, 0, "an element of exactly 1000 bytes: exit %d: %s", code, err);
    free(err);
    code = lim_check("--max-element-bytes", "999", path, &err);
    cr_assert_eq(code, 3, "one byte past: exit %d: %s", code, err);
    cr_assert_not_null(strstr(err, "(limit max_capture)"), "%s", err);
    cr_assert_not_null(strstr(err, "element 0 of \"resource_changes\""), "%s", err);
    free(err);
    code = lim_check("--max-element-bytes", "0", path, &err);
    cr_assert_eq(code, 2, "%s", err);
    free(err);
    unlink(path);
    free(doc);
    free(el);
}

/* ---- string length: no flag; the default, in-process --------------------------------- */

/* Feed `{"k":"` + n bytes of 'a' + `"}` in 1 MiB chunks (never held whole). */
static int lim_feed_string(size_t n, const pg_json_limits *lim, pg_error *err)
{
    pg_json_reader *r = NULL;
    size_t chunk = (size_t)1 << 20, done = 0;
    char *buf = malloc(chunk);
    int rc;

    cr_assert_eq(pg_json_reader_new(&r, NULL, lim, NULL), 0);
    cr_assert_not_null(buf);
    memset(buf, 'a', chunk);
    pg_error_clear(err);
    rc = pg_json_feed(r, "{\"k\":\"", 6, err);
    while (rc == 0 && done < n) {
        size_t k = n - done < chunk ? n - done : chunk;
        rc = pg_json_feed(r, buf, k, err);
        done += k;
    }
    if (rc == 0)
        rc = pg_json_feed(r, "\"}", 2, err);
    if (rc == 0)
        rc = pg_json_finish(r, err);
    pg_json_reader_free(r);
    free(buf);
    return rc;
}

Test(limits, max_string_default_at_and_past)
{
    pg_error err;

    cr_assert_eq(lim_feed_string(PG_JSON_DEFAULT_MAX_STRING, NULL, &err), 0, "%s", err.message);
    cr_assert_eq(lim_feed_string(PG_JSON_DEFAULT_MAX_STRING + 1, NULL, &err), PG_ELIMIT);
    cr_assert_not_null(strstr(err.message, "(limit max_string)"), "%s", err.message);
    cr_assert_eq(err.offset, 6 + PG_JSON_DEFAULT_MAX_STRING, "the first byte past the limit");
}

Test(limits, max_string_configured_at_and_past)
{
    pg_json_limits lim;
    pg_error err;

    memset(&lim, 0, sizeof lim);
    lim.max_string = 16;
    cr_assert_eq(lim_feed_string(16, &lim, &err), 0, "%s", err.message);
    cr_assert_eq(lim_feed_string(17, &lim, &err), PG_ELIMIT);
    cr_assert_eq(err.offset, 6 + 16);
}

/* A long string inside a decoded change: the plan reader applies the limit too. */
Test(limits, max_string_in_a_decoded_change)
{
    pg_json_limits lim;
    pg_plan_reader *r;
    pg_error err;
    char *el = lim_element(200), doc[400];
    int n, rc;

    memset(&lim, 0, sizeof lim);
    lim.max_string = 64;
    n = snprintf(doc, sizeof doc, "{\"format_version\":\"1.2\",\"resource_changes\":[%s]}", el);
    cr_assert_eq(pg_plan_reader_new(&r, NULL, NULL, &lim, NULL), 0);
    pg_error_clear(&err);
    rc = pg_plan_feed(r, doc, (size_t)n, &err);
    if (rc == 0)
        rc = pg_plan_finish(r, &err);
    cr_assert_eq(rc, PG_ELIMIT, "rc %d: %s", rc, err.message);
    cr_assert_not_null(strstr(err.message, "(limit max_string)"), "%s", err.message);
    pg_plan_reader_free(r);
    free(el);
}

/* ---- findings held in memory ----------------------------------------------------------- */

static int lim_add_findings(pg_findings *l, size_t n, pg_error *err)
{
    size_t i;
    int rc = 0;

    for (i = 0; i < n && rc == 0; i++) {
        pg_finding *f = pg_test_finding_new("limit-rule", PG_SEV_LOW, NULL);
        cr_assert_not_null(f);
        rc = pg_findings_add(l, f, err);
    }
    return rc;
}

Test(limits, max_findings_configured_at_and_past)
{
    pg_findings l;
    pg_error err;

    pg_findings_init(&l);
    l.max = 3;
    cr_assert_eq(lim_add_findings(&l, 3, &err), 0);
    cr_assert_eq(l.count, 3);
    cr_assert_eq(lim_add_findings(&l, 1, &err), PG_ELIMIT);
    cr_assert_eq(l.count, 3, "the finding past the limit was freed, not kept");
    cr_assert_not_null(strstr(err.message, "limit"), "%s", err.message);
    pg_findings_dispose(&l);
}

Test(limits, max_findings_default_at_and_past)
{
    pg_findings l;
    pg_error err;

    pg_findings_init(&l);
    cr_assert_eq(lim_add_findings(&l, PG_DEFAULT_MAX_FINDINGS, &err), 0, "%s", err.message);
    cr_assert_eq(l.count, PG_DEFAULT_MAX_FINDINGS);
    cr_assert_eq(lim_add_findings(&l, 1, &err), PG_ELIMIT);
    cr_assert_not_null(strstr(err.message, "100000"), "%s", err.message);
    pg_findings_dispose(&l);
}
