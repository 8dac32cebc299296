/* test_policy_load.c — the policy loader: every error kind with its exact
 * file:line:col message (data-driven from testdata/policies/<case>/), and
 * the named limits (aliases, nesting, file size).
 *
 * A case folder holds policy.yaml, optionally first.yaml (loaded before it,
 * into the same policy) and expect.err (the exact error line; without it
 * the files must load). Files are loaded by name ("policy.yaml") so the
 * expected lines do not depend on where the tree is checked out. Detector
 * ids are checked as the CLI checks them (pg_detect_check_policy as the
 * policy's check). PG_UPDATE_GOLDEN=1 rewrites each expect.err from the
 * error the loader gives (review the diff by hand). */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plangate/plangate.h"
#include "support.h"

#define CASES PG_TESTDATA "/policies"

typedef struct load_case {
    char name[256];
} load_case;

static void free_cases(struct criterion_test_params *crp)
{
    cr_free(crp->params);
}

static int is_case(const char *name)
{
    char path[512];
    struct stat st;

    if (name[0] == '.')
        return 0;
    snprintf(path, sizeof path, "%s/%.200s/policy.yaml", CASES, name);
    return stat(path, &st) == 0;
}

ParameterizedTestParameters(policy_load, cases)
{
    DIR *d = opendir(CASES);
    struct dirent *de;
    load_case *cases;
    size_t n = 0, i = 0;

    if (!d)
        return cr_make_param_array(load_case, NULL, 0, NULL);
    while ((de = readdir(d)))
        n += (size_t)is_case(de->d_name);
    rewinddir(d);
    cases = cr_malloc((n ? n : 1) * sizeof *cases);
    while ((de = readdir(d)) && i < n)
        if (is_case(de->d_name))
            snprintf(cases[i++].name, sizeof cases[0].name, "%s", de->d_name);
    closedir(d);
    return cr_make_param_array(load_case, cases, i, free_cases);
}

static int load_named(pg_policy *p, const char *dir, const char *file, pg_error *err, int *present)
{
    char path[512];
    size_t len;
    char *text;
    int rc;

    snprintf(path, sizeof path, "%s/%s/%s", CASES, dir, file);
    text = pg_test_read_file(path, &len);
    *present = text != NULL;
    if (!text)
        return 0;
    rc = pg_policy_load_string(p, file, text, len, err);
    free(text);
    return rc;
}

ParameterizedTest(load_case *c, policy_load, cases)
{
    char path[512], line[PG_ERROR_MESSAGE_MAX + PG_ERROR_SOURCE_MAX + 64];
    char *expect;
    pg_policy *p = pg_test_policy_new();
    pg_error err;
    int rc = 0, present;
    size_t len;

    pg_error_clear(&err);
    cr_assert(p);
    pg_policy_set_check(p, pg_detect_check_policy);
    rc = load_named(p, c->name, "first.yaml", &err, &present);
    cr_assert_eq(rc, 0, "%s: first.yaml must load", c->name);
    rc = load_named(p, c->name, "policy.yaml", &err, &present);
    cr_assert(present);
    snprintf(path, sizeof path, "%s/%s/expect.err", CASES, c->name);
    expect = pg_test_read_file(path, &len);
    pg_error_format(&err, line, sizeof line);
    if (expect && getenv("PG_UPDATE_GOLDEN") && *getenv("PG_UPDATE_GOLDEN")) {
        FILE *f = fopen(path, "w");
        cr_assert(f && fprintf(f, "%s\n", line) > 0 && fclose(f) == 0);
        free(expect);
        expect = pg_test_read_file(path, &len);
    }
    if (!expect) {
        cr_assert_eq(rc, 0, "%s: expected to load, got: %s", c->name, line);
    } else {
        while (len > 0 && (expect[len - 1] == '\n' || expect[len - 1] == '\r'))
            expect[--len] = '\0';
        cr_assert_eq(rc, PG_EPOLICY, "%s: expected an error, got rc %d (%s)", c->name, rc, line);
        cr_assert_str_eq(line, expect, "%s", c->name);
        free(expect);
    }
    pg_policy_free(p);
}

Test(policy_load, cases_are_there)
{
    /* The data-driven test above must not pass by finding no case. */
    cr_assert(is_case("err-bad-regex"));
    cr_assert(is_case("ok-spec-example"));
}

/* ---- limits ------------------------------------------------------------------ */

static int load_text(const char *text, size_t len, char *line, size_t size)
{
    pg_policy *p = pg_test_policy_new();
    pg_error err;
    int rc;

    pg_error_clear(&err);
    rc = pg_policy_load_string(p, "limits.yaml", text, len, &err);
    pg_error_format(&err, line, size);
    pg_policy_free(p);
    return rc;
}

Test(policy_load, billion_laughs_rejected)
{
    /* Nine levels of ten aliases: 10^9 nodes if expanded, ~90 alias uses. */
    static const char *text =
        "version: 1\n"
        "x0: &a0 [lol]\n"
        "x1: &a1 [*a0,*a0,*a0,*a0,*a0,*a0,*a0,*a0,*a0,*a0]\n"
        "x2: &a2 [*a1,*a1,*a1,*a1,*a1,*a1,*a1,*a1,*a1,*a1]\n"
        "x3: &a3 [*a2,*a2,*a2,*a2,*a2,*a2,*a2,*a2,*a2,*a2]\n"
        "x4: &a4 [*a3,*a3,*a3,*a3,*a3,*a3,*a3,*a3,*a3,*a3]\n"
        "x5: &a5 [*a4,*a4,*a4,*a4,*a4,*a4,*a4,*a4,*a4,*a4]\n"
        "x6: &a6 [*a5,*a5,*a5,*a5,*a5,*a5,*a5,*a5,*a5,*a5]\n"
        "x7: &a7 [*a6,*a6,*a6,*a6,*a6,*a6,*a6,*a6,*a6,*a6]\n"
        "x8: &a8 [*a7,*a7,*a7,*a7,*a7,*a7,*a7,*a7,*a7,*a7]\n"
        "x9: &a9 [*a8,*a8,*a8,*a8,*a8,*a8,*a8,*a8,*a8,*a8]\n";
    char line[1024];

    cr_assert_eq(load_text(text, strlen(text), line, sizeof line), PG_EPOLICY);
    cr_assert_str_eq(line, "limits.yaml:7:22: aliases expand to more than 100000 nodes "
                           "(limit PG_POLICY_MAX_ALIAS_EXPANSION)");
}

Test(policy_load, alias_uses_capped)
{
    size_t cap = 32 + (PG_POLICY_MAX_ALIASES + 1) * 4, o, i;
    char *text = malloc(cap), line[1024];

    cr_assert(text);
    o = (size_t)snprintf(text, cap, "version: 1\nx: &a 1\ny: [");
    for (i = 0; i <= PG_POLICY_MAX_ALIASES; i++)
        o += (size_t)snprintf(text + o, cap - o, "*a,");
    text[o - 1] = ']';
    cr_assert_eq(load_text(text, o, line, sizeof line), PG_EPOLICY);
    cr_assert(strstr(line, "more than 1000 alias uses (limit PG_POLICY_MAX_ALIASES)"), "%s", line);
    free(text);
}

Test(policy_load, deep_nesting_rejected)
{
    size_t depth = 100000, i;
    char *text = malloc(depth + 16), line[1024];

    cr_assert(text);
    memcpy(text, "x: ", 3);
    for (i = 0; i < depth; i++)
        text[3 + i] = '[';
    cr_assert_eq(load_text(text, depth + 3, line, sizeof line), PG_EPOLICY);
    /* The 137th collection (the mapping is the first) opens at column 139. */
    cr_assert_str_eq(line, "limits.yaml:1:139: nesting deeper than 136 levels (limit PG_POLICY_MAX_YAML_DEPTH)");
    free(text);
}

Test(policy_load, nesting_at_the_limit_is_parsed)
{
    /* 136 levels (the mapping plus 135 lists) are fine for the YAML layer;
     * the schema then rejects the unknown key. */
    char text[512], line[1024];
    size_t o = 0, i;

    o += (size_t)snprintf(text + o, sizeof text - o, "version: 1\nx: ");
    for (i = 0; i + 1 < PG_POLICY_MAX_YAML_DEPTH; i++)
        text[o++] = '[';
    for (i = 0; i + 1 < PG_POLICY_MAX_YAML_DEPTH; i++)
        text[o++] = ']';
    text[o] = '\0';
    cr_assert_eq(load_text(text, o, line, sizeof line), PG_EPOLICY);
    cr_assert(strstr(line, "unknown key \"x\" in the policy file"), "%s", line);
}

Test(policy_load, file_size_capped)
{
    size_t len = PG_POLICY_MAX_FILE_BYTES + 1;
    char *text = malloc(len), line[1024], path[] = "/tmp/pg_policy_big_XXXXXX";
    pg_policy *p = pg_test_policy_new();
    pg_error err;
    int fd;

    cr_assert(text);
    memset(text, '#', len);
    cr_assert_eq(load_text(text, len, line, sizeof line), PG_EPOLICY);
    cr_assert_str_eq(line, "limits.yaml: the file is larger than 4194304 bytes (limit PG_POLICY_MAX_FILE_BYTES)");
    /* The same through a file: read stops one byte past the limit. */
    fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, text, len), (ssize_t)len);
    close(fd);
    pg_error_clear(&err);
    cr_assert_eq(pg_policy_load_path(p, path, &err), PG_EPOLICY);
    cr_assert(strstr(err.message, "PG_POLICY_MAX_FILE_BYTES"), "%s", err.message);
    unlink(path);
    pg_policy_free(p);
    free(text);
}

Test(policy_load, missing_path)
{
    pg_policy *p = pg_test_policy_new();
    pg_error err;
    char line[1024];

    pg_error_clear(&err);
    cr_assert_eq(pg_policy_load_path(p, "/nonexistent/policy.yaml", &err), PG_EPOLICY);
    pg_error_format(&err, line, sizeof line);
    cr_assert_str_eq(line, "/nonexistent/policy.yaml: cannot read the policy path: No such file or directory");
    pg_policy_free(p);
}

Test(policy_load, bad_utf8_has_a_position)
{
    static const char text[] = "version: 1\nrules: \xff\n";
    char line[1024];

    cr_assert_eq(load_text(text, sizeof text - 1, line, sizeof line), PG_EPOLICY);
    cr_assert(strncmp(line, "limits.yaml:2:8: YAML: invalid ", 31) == 0, "%s", line);
}

Test(policy_load, nul_in_scalar_rejected)
{
    static const char text[] = "version: 1\nlock_tables: [\"a\\0b\"]\n";
    char line[1024];

    cr_assert_eq(load_text(text, sizeof text - 1, line, sizeof line), PG_EPOLICY);
    cr_assert_str_eq(line, "limits.yaml:2:15: a NUL character in a scalar is not supported");
}

Test(policy_load, yaml_core_schema_scalars)
{
    /* yes/no are strings (YAML 1.2), so `enabled: yes` is a type error. */
    static const char text[] = "version: 1\ndetectors:\n  lock-table-pitr: { enabled: yes }\n";
    char line[1024];

    cr_assert_eq(load_text(text, sizeof text - 1, line, sizeof line), PG_EPOLICY);
    cr_assert_str_eq(line, "limits.yaml:3:31: enabled must be true or false, not a string");
    /* version: 0x1 is the integer 1 */
    cr_assert_eq(load_text("version: 0x1\n", 13, line, sizeof line), 0, "%s", line);
    cr_assert_eq(load_text("version: !!int 1\n", 17, line, sizeof line), 0, "%s", line);
    cr_assert_eq(load_text("version: \"1\"\n", 13, line, sizeof line), PG_EPOLICY);
    cr_assert_str_eq(line, "limits.yaml:1:10: unsupported version \"1\" (this plangate reads version: 1)");
}

Test(policy_load, failed_file_leaves_policy_unchanged)
{
    static const char good[] = "version: 1\nrules:\n  - { id: a, severity: low }\nlock_tables: [t1]\n";
    static const char bad[] = "version: 1\nlock_tables: [t2]\nrules:\n  - { id: b, severity: low }\n  - { id: c, severity: hgh }\n";
    pg_policy *p = pg_test_policy_new();
    pg_error err;

    pg_error_clear(&err);
    cr_assert_eq(pg_policy_load_string(p, "good.yaml", good, sizeof good - 1, &err), 0);
    cr_assert_eq(pg_policy_load_string(p, "bad.yaml", bad, sizeof bad - 1, &err), PG_EPOLICY);
    cr_assert_eq(pg_policy_rule_count(p), 1);
    cr_assert_eq(pg_policy_lock_table_count(p), 1);
    cr_assert_str_eq(pg_policy_lock_table(p, 0), "t1");
    pg_policy_free(p);
}

Test(policy_load, rule_meta)
{
    static const char text[] =
        "version: 1\n"
        "rules:\n"
        "  - id: r1\n"
        "    title: The title\n"
        "    severity: medium\n"
        "    description: >\n"
        "      Folded text\n"
        "      on two lines.\n"
        "    remediation: \"Do {{this}}\"\n"
        "    waivable: false\n"
        "  - id: r2\n"
        "    severity: info\n";
    pg_policy *p = pg_test_policy_new();
    pg_error err;
    const pg_rule_meta *m;

    pg_error_clear(&err);
    cr_assert_eq(pg_policy_load_string(p, "meta.yaml", text, sizeof text - 1, &err), 0, "%s", err.message);
    cr_assert_eq(pg_policy_rule_count(p), 2);
    m = pg_policy_rule(p, 0);
    cr_assert_str_eq(m->id, "r1");
    cr_assert_str_eq(m->title, "The title");
    cr_assert_eq(m->severity, PG_SEV_MEDIUM);
    cr_assert_str_eq(m->description, "Folded text on two lines."); /* trailing newline trimmed */
    cr_assert_str_eq(m->remediation, "Do {{this}}");                /* as written, for explain */
    cr_assert_eq(m->waivable, 0);
    cr_assert_str_eq(m->source, "meta.yaml:3");
    m = pg_policy_rule(p, 1);
    cr_assert_str_eq(m->title, "r2"); /* the title defaults to the id */
    cr_assert_null(m->description);
    cr_assert_null(m->remediation);
    cr_assert_eq(m->waivable, 1);
    cr_assert_null(pg_policy_rule(p, 2));
    pg_policy_free(p);
}

/* ---- numbers that are not finite (issue 11) ------------------------------------------------- */

Test(policy_load, non_finite_numbers_are_policy_errors)
{
    /* Every place a YAML number becomes a value: operands, lists of
     * operands, nested operands, tags, examples. Each was "out of memory"
     * (exit 3). The error points at the number (`token` on line `line`).
     * A decimal beyond a double (1e999) as an operand or a list operand's
     * item is a number compared exactly (issue 13: numbers_beyond_a_double). */
    static const struct {
        const char *yaml, *token;
        int line;
    } cases[] = {
        {"rules:\n  - { id: r, severity: low, require: { path: after.x, equals: .inf } }\n", ".inf", 3},
        {"rules:\n  - { id: r, severity: low, require: { path: after.x, equals: -.Inf } }\n", "-.Inf", 3},
        {"rules:\n  - { id: r, severity: low, require: { path: after.x, not_equals: .nan } }\n", ".nan", 3},
        {"rules:\n  - { id: r, severity: low, require: { path: after.x, equals: .NaN } }\n", ".NaN", 3},
        {"rules:\n  - { id: r, severity: low, require: { path: after.x, in: [1, .inf] } }\n", ".inf", 3},
        {"rules:\n  - { id: r, severity: low, require: { path: after.x, contains: !!float .inf } }\n", "!!float", 3},
        {"rules:\n  - { id: r, severity: low, require: { path: after.x, equals: [[.inf]] } }\n", ".inf", 3},
        {"rules:\n  - { id: r, severity: low, require: { path: after.x, equals: { a: .inf } } }\n", ".inf", 3},
        {"protect:\n  - { tags: { Environment: .inf } }\n", ".inf", 3},
        /* beyond a double where no exact text is kept: nested in an operand, a tag value */
        {"rules:\n  - { id: r, severity: low, require: { path: after.x, equals: { a: 1e400 } } }\n", "1e400", 3},
        {"protect:\n  - { tags: { Environment: 1e999 } }\n", "1e999", 3},
        {"rules:\n  - id: r\n    severity: low\n    examples:\n      - { plan: p.json, expect: [{ address: .inf }] }\n",
         ".inf", 6},
    };
    char doc[1024], line[1024], want[64];
    pg_error err;
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pg_policy *p = pg_test_policy_new();
        const char *l = doc;
        int k;
        snprintf(doc, sizeof doc, "version: 1\n%s", cases[i].yaml);
        for (k = 1; k < cases[i].line; k++)
            l = strchr(l, '\n') + 1;
        snprintf(want, sizeof want, "t.yaml:%d:%d: ", cases[i].line, (int)(strstr(l, cases[i].token) - l) + 1);
        pg_error_clear(&err);
        cr_assert_eq(pg_policy_load_string(p, "t.yaml", doc, strlen(doc), &err), PG_EPOLICY, "%s: %s", cases[i].yaml,
                     err.message);
        pg_error_format(&err, line, sizeof line);
        cr_assert(strncmp(line, want, strlen(want)) == 0, "%s\nwant %s\ngot  %s", cases[i].yaml, want, line);
        cr_assert(strstr(line, "is not a finite number"), "%s", line);
        pg_policy_free(p);
    }
}

/* An operand beyond a double keeps its text and compares exactly (issue 13). */
Test(policy_load, numbers_beyond_a_double_are_operands)
{
    static const char doc[] = "version: 1\nrules:\n"
                              "  - { id: r, severity: low, require: { path: after.x, greater_than: 1e999 } }\n"
                              "  - { id: s, severity: low, require: { path: after.x, less_than: -1e400 } }\n"
                              "  - { id: u, severity: low, require: { path: after.x, in: [1, 1e400] } }\n";
    pg_policy *p = pg_test_policy_new();
    pg_error err;

    pg_error_clear(&err);
    cr_assert_eq(pg_policy_load_string(p, "t.yaml", doc, sizeof doc - 1, &err), 0, "%s", err.message);
    pg_policy_free(p);
}

Test(policy_load, finite_numbers_still_load)
{
    static const char doc[] = "version: 1\nrules:\n"
                              "  - { id: r, severity: low, require: { path: after.x, greater_than: 1e300 } }\n"
                              "  - { id: s, severity: low, require: { path: after.x, equals: -0.0 } }\n"
                              "  - { id: u, severity: low, require: { path: after.x, in: [.5, 99999999999999999999] } }\n";
    pg_policy *p = pg_test_policy_new();
    pg_error err;

    pg_error_clear(&err);
    cr_assert_eq(pg_policy_load_string(p, "t.yaml", doc, sizeof doc - 1, &err), 0, "%s", err.message);
    pg_policy_free(p);
}

/* ---- detector ids: the detect module's check (issue 12) ---------------------------------- */

Test(policy_load, detector_ids_are_checked_by_the_detect_module)
{
    static const char unknown[] = "version: 1\ndetectors:\n  dynamodb-key-replacment: { severity: high }\n";
    static const char shadow[] = "version: 1\nrules:\n  - id: ok-rule\n    severity: low\n  - id: protected-destroy\n"
                                 "    severity: low\n";
    pg_policy *p = pg_test_policy_new();
    pg_check_options opts;
    pg_report rep;
    pg_error err;
    char line[1024];

    /* The policy alone knows no detector: the file loads, with its positions. */
    pg_error_clear(&err);
    cr_assert_eq(pg_policy_load_string(p, "u.yaml", unknown, sizeof unknown - 1, &err), 0);
    cr_assert_eq(pg_policy_detector_setting_count(p), 1);
    cr_assert_str_eq(pg_policy_detector_setting_at(p, 0)->at.file, "u.yaml");
    cr_assert_eq(pg_policy_detector_setting_at(p, 0)->at.line, 3);
    cr_assert_eq(pg_policy_detector_setting_at(p, 0)->at.column, 3);
    cr_assert_eq(pg_detect_check_policy(p, &err), PG_EPOLICY);
    pg_error_format(&err, line, sizeof line);
    cr_assert_str_eq(line, "u.yaml:3:3: unknown detector \"dynamodb-key-replacment\"; did you mean "
                           "`dynamodb-key-replacement`?");
    /* pg_check_run checks a policy loaded without the hook, before reading the plan */
    memset(&opts, 0, sizeof opts);
    opts.plan_path = PG_TESTDATA "/plans/demo/plan.json";
    opts.policy = p;
    opts.today = "2026-01-01";
    pg_error_clear(&err);
    cr_assert_eq(pg_check_run(&opts, &rep, &err), PG_EPOLICY);
    cr_assert_eq(rep.verdict, PG_VERDICT_ERROR);
    cr_assert_eq(rep.plan.resource_changes, 0, "the plan is not read");
    pg_report_dispose(&rep);
    pg_policy_free(p);

    /* With the hook, the file is refused whole and the policy keeps nothing of it. */
    p = pg_test_policy_new();
    pg_policy_set_check(p, pg_detect_check_policy);
    pg_error_clear(&err);
    cr_assert_eq(pg_policy_load_string(p, "s.yaml", shadow, sizeof shadow - 1, &err), PG_EPOLICY);
    pg_error_format(&err, line, sizeof line);
    cr_assert_str_eq(line, "s.yaml:5:9: rule id 'protected-destroy' is the id of a built-in detector (configure it "
                           "under detectors:)");
    cr_assert_eq(pg_policy_rule_count(p), 0);
    cr_assert_eq(pg_policy_rule_position(p, 0), NULL);
    pg_policy_free(p);
}

Test(policy_load, policy_objects_name_no_detector)
{
    /* The module graph of issue 12: policy < detect. nm over the policy
     * objects of this very build (beside the binary under test). */
    char cmd[2048], dir[1024], *slash;
    FILE *nm;
    char sym[512];
    int n = 0, bad = 0;

    snprintf(dir, sizeof dir, "%s", PG_BINARY);
    if ((slash = strrchr(dir, '/')))
        *slash = '\0';
    snprintf(cmd, sizeof cmd, "nm -u %s/obj/src/policy/*.o 2>/dev/null", dir);
    cr_assert((nm = popen(cmd, "r")));
    while (fgets(sym, sizeof sym, nm)) {
        n++;
        if (strstr(sym, "pg_detect") || strstr(sym, "pg_check_") || strstr(sym, "pg_report_"))
            bad++, cr_log_error("%s", sym);
    }
    cr_assert_eq(pclose(nm), 0);
    cr_assert_gt(n, 10, "nm listed nothing: no objects under %s/obj/src/policy?", dir);
    cr_assert_eq(bad, 0, "the policy module calls into detect, check or report");
}

/* ---- symbolic links in a folder (issue 11) ------------------------------------------------- */

Test(policy_load, a_link_that_leaves_the_folder_is_refused)
{
    char dir[] = "/tmp/pg_links_XXXXXX", path[512], line[1024], secret[512], **files = NULL;
    size_t n_files = 0;
    pg_policy *p = pg_test_policy_new();
    pg_error err;
    FILE *f;

    cr_assert(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/sub", dir);
    cr_assert_eq(mkdir(path, 0700), 0);
    /* a file outside the folder whose first key would be quoted by an error */
    snprintf(secret, sizeof secret, "%s/secret.yaml", dir);
    cr_assert((f = fopen(secret, "w")));
    fputs("AKIASECRETSECRETSECRET: x\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/sub/a.yaml", dir);
    cr_assert_eq(symlink("../secret.yaml", path), 0);
    pg_error_clear(&err);
    snprintf(path, sizeof path, "%s/sub", dir);
    cr_assert_eq(pg_policy_load_path(p, path, &err), PG_EPOLICY);
    pg_error_format(&err, line, sizeof line);
    cr_assert(strstr(line, "/sub/a.yaml: a symbolic link that leaves its policy folder"), "%s", line);
    cr_assert_null(strstr(line, "AKIA"), "the target's text is never shown: %s", line);
    cr_assert_null(strstr(line, "secret.yaml"), "nor its name: %s", line);
    /* the same through lint's listing */
    cr_assert_eq(pg_policy_list_folder(path, &files, &n_files, &err), PG_EPOLICY);
    cr_assert_null(files);

    /* a link that stays inside, and a dangling one */
    snprintf(path, sizeof path, "%s/sub/a.yaml", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/sub/real.yml", dir);
    cr_assert((f = fopen(path, "w")));
    fputs("version: 1\nlock_tables: [inside]\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/sub/b.yaml", dir);
    cr_assert_eq(symlink("real.yml", path), 0);
    snprintf(path, sizeof path, "%s/sub", dir);
    pg_error_clear(&err);
    cr_assert_eq(pg_policy_load_path(p, path, &err), 0, "%s", err.message);
    cr_assert_eq(pg_policy_lock_table_count(p), 1);
    snprintf(path, sizeof path, "%s/sub/c.yaml", dir);
    cr_assert_eq(symlink("nowhere.yaml", path), 0);
    snprintf(path, sizeof path, "%s/sub", dir);
    cr_assert_eq(pg_policy_load_path(p, path, &err), PG_EPOLICY);
    cr_assert(strstr(err.source, "/sub/c.yaml"), "%s", err.source);

    /* a file named directly is followed wherever it points (the operator chose it) */
    snprintf(path, sizeof path, "%s/direct.yaml", dir);
    cr_assert_eq(symlink("sub/real.yml", path), 0);
    pg_policy_free(p);
    p = pg_test_policy_new();
    cr_assert_eq(pg_policy_load_path(p, path, &err), 0, "%s", err.message);
    pg_policy_free(p);

    snprintf(line, sizeof line, "rm -rf '%s'", dir);
    cr_assert_eq(system(line), 0);
}
