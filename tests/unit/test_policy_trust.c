/* test_policy_trust.c — the trust model (issue 11, docs/policies.md "Trust
 * model"): what a waiver file from the change under review (--waivers) may
 * and may not hold, by class; that trusted files keep today's meaning; that
 * the origin of each waiver and every weakened detector reach the report
 * model and every format; and the CLI's file:line:col errors and exit 4. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plangate/plangate.h"
#include "support.h"

#define TODAY "2026-11-24"
/* 2026-11-24T00:00:00Z, the day the end-to-end cases run on. */
#define EPOCH "SOURCE_DATE_EPOCH=1795478400"
#define TRUST PG_TESTDATA "/trust"

static const char *TRUSTED =
    "version: 1\n"
    "rules:\n"
    "  - id: no-public-buckets\n"
    "    severity: high\n"
    "    waivable: false\n"
    "    match: { type: aws_s3_bucket }\n"
    "  - id: pitr\n"
    "    severity: high\n"
    "    match: { type: aws_dynamodb_table }\n";

static pg_policy *trusted(const char *extra)
{
    pg_policy *p = pg_test_policy_new();
    pg_error err;

    pg_error_clear(&err);
    cr_assert(p);
    pg_policy_set_check(p, pg_detect_check_policy);
    cr_assert_eq(pg_policy_load_string(p, "base.yaml", TRUSTED, strlen(TRUSTED), &err), 0, "%s", err.message);
    if (extra)
        cr_assert_eq(pg_policy_load_string(p, "limits.yaml", extra, strlen(extra), &err), 0, "%s", err.message);
    return p;
}

/* Load `yaml` as a waiver file from the change; the formatted error ("" when it loads). */
static int change(pg_policy *p, const char *yaml, char *line, size_t size)
{
    pg_error err;
    int rc;

    pg_error_clear(&err);
    rc = pg_policy_load_waivers_string(p, "change.yaml", yaml, strlen(yaml), TODAY, &err);
    if (rc)
        pg_error_format(&err, line, size);
    else
        line[0] = '\0';
    return rc;
}

static char waiver_doc[2048];

/* A waiver file with one waiver of `rule` on `address`, expiring `expires` (NULL: none). */
static const char *one_waiver(const char *rule, const char *address, const char *expires)
{
    snprintf(waiver_doc, sizeof waiver_doc,
             "version: 1\nwaivers:\n  - rule: %s\n    address: '%s'\n    reason: \"OPS-1: approved\"\n%s%s%s", rule,
             address, expires ? "    expires: " : "", expires ? expires : "", expires ? "\n" : "");
    return waiver_doc;
}

/* ---- what a waiver file may hold ------------------------------------------------------- */

Test(policy_trust, a_waiver_file_holds_version_and_waivers_only)
{
    static const char *const sections[] = {"detectors:\n  protected-destroy: { enabled: false }\n",
                                           "protect:\n  - address: x\n",
                                           "rules:\n  - { id: r, severity: low }\n",
                                           "lock_tables: [t]\n",
                                           "waiver_limits: { max_days: 3650 }\n",
                                           "rulez: []\n",
                                           NULL};
    char doc[512], line[1024], want[512];
    size_t i;
    pg_policy *p = trusted(NULL);

    for (i = 0; sections[i]; i++) {
        size_t key = strcspn(sections[i], ":");
        snprintf(doc, sizeof doc, "version: 1\n%s", sections[i]);
        cr_assert_eq(change(p, doc, line, sizeof line), PG_EPOLICY, "%s", sections[i]);
        snprintf(want, sizeof want,
                 "change.yaml:2:1: a waiver file (--waivers) may hold only version: and waivers:, not \"%.*s\" "
                 "(detector settings, protect selectors and rules come from --policy files)",
                 (int)key, sections[i]);
        cr_assert_str_eq(line, want);
    }
    /* the policy is untouched by the refused files */
    cr_assert_eq(pg_policy_detector_enabled(p, "protected-destroy"), 1);
    cr_assert_eq(pg_policy_rule_count(p), 2);
    cr_assert_eq(pg_policy_lock_table_count(p), 0);
    cr_assert_eq(pg_policy_waiver_max_days(p), PG_POLICY_DEFAULT_WAIVER_MAX_DAYS);
    /* version is still required and checked */
    cr_assert_eq(change(p, "waivers: []\n", line, sizeof line), PG_EPOLICY);
    cr_assert_str_eq(line, "change.yaml:1:1: missing version: 1 (the policy language version)");
    pg_policy_free(p);
}

Test(policy_trust, a_waiver_from_the_change_needs_a_reason_and_an_expiry)
{
    char line[1024];
    pg_policy *p = trusted(NULL);

    cr_assert_eq(change(p, "version: 1\nwaivers:\n  - { rule: pitr, address: aws_dynamodb_table.t, expires: 2026-12-01 }\n",
                        line, sizeof line),
                 PG_EPOLICY);
    cr_assert_str_eq(line, "change.yaml:3:5: a waiver needs reason: (why the finding is accepted, e.g. a ticket)");
    cr_assert_eq(change(p, one_waiver("pitr", "aws_dynamodb_table.t", NULL), line, sizeof line), PG_EPOLICY);
    cr_assert_str_eq(line, "change.yaml:3:5: a waiver from the change (--waivers) needs expires: (a date at most 30 days "
                           "ahead; waiver_limits.max_days in a --policy file sets the bound)");
    cr_assert_eq(change(p, "version: 1\nwaivers:\n  - { rule: pitr, address: aws_dynamodb_table.t, reason: \"  \", "
                           "expires: 2026-12-01 }\n",
                        line, sizeof line),
                 PG_EPOLICY);
    cr_assert_str_eq(line, "change.yaml:3:58: reason must not be empty");
    pg_policy_free(p);
}

Test(policy_trust, expiry_is_bounded_by_the_trusted_limit)
{
    char line[1024];
    pg_policy *p = trusted(NULL), *q;

    /* default: 30 days, counted from today, the last day included */
    cr_assert_eq(change(p, one_waiver("pitr", "aws_dynamodb_table.t", "2026-12-24"), line, sizeof line), 0, "%s", line);
    cr_assert_eq(change(p, one_waiver("pitr", "aws_dynamodb_table.t", "2026-12-25"), line, sizeof line), PG_EPOLICY);
    cr_assert_str_eq(line, "change.yaml:6:14: expires 2026-12-25 is 31 days after today (2026-11-24): a waiver from the "
                           "change may run at most 30 days, until 2026-12-24 (waiver_limits.max_days in a --policy "
                           "file sets the bound)");
    /* far ahead, across years and leap days */
    cr_assert_eq(change(p, one_waiver("pitr", "aws_dynamodb_table.t", "9999-12-31"), line, sizeof line), PG_EPOLICY);
    cr_assert(strstr(line, "is 2912115 days after today"), "%s", line);
    /* an expiry in the past is allowed (the waiver reports "expired") */
    cr_assert_eq(change(p, one_waiver("pitr", "aws_dynamodb_table.u", "2020-02-29"), line, sizeof line), 0, "%s", line);
    pg_policy_free(p);

    /* a trusted file raises the bound, and a later one lowers it again */
    q = trusted("version: 1\nwaiver_limits: { max_days: 365 }\n");
    cr_assert_eq(pg_policy_waiver_max_days(q), 365);
    cr_assert_eq(change(q, one_waiver("pitr", "aws_dynamodb_table.t", "2027-11-24"), line, sizeof line), 0, "%s", line);
    cr_assert_eq(change(q, one_waiver("pitr", "aws_dynamodb_table.t", "2027-11-25"), line, sizeof line), PG_EPOLICY);
    pg_policy_free(q);
    q = trusted("version: 1\nwaiver_limits: { max_days: 0 }\n");
    cr_assert_eq(change(q, one_waiver("pitr", "aws_dynamodb_table.t", TODAY), line, sizeof line), 0, "%s", line);
    cr_assert_eq(change(q, one_waiver("pitr", "aws_dynamodb_table.t", "2026-11-25"), line, sizeof line), PG_EPOLICY);
    cr_assert(strstr(line, "at most 0 days, until 2026-11-24"), "%s", line);
    pg_policy_free(q);
}

Test(policy_trust, waiver_limits_is_checked)
{
    static const char *const bad[] = {"{ max_days: -1 }", "{ max_days: 3651 }", "{ max_days: 1.5 }",
                                      "{ max_days: thirty }", "{ days: 3 }", "{}", "[30]", NULL};
    char doc[256];
    pg_error err;
    size_t i;

    for (i = 0; bad[i]; i++) {
        pg_policy *p = pg_test_policy_new();
        snprintf(doc, sizeof doc, "version: 1\nwaiver_limits: %s\n", bad[i]);
        pg_error_clear(&err);
        cr_assert_eq(pg_policy_load_string(p, "l.yaml", doc, strlen(doc), &err), PG_EPOLICY, "%s", bad[i]);
        cr_assert_eq(err.line, 2, "%s", bad[i]);
        pg_policy_free(p);
    }
}

Test(policy_trust, a_waivable_false_rule_cannot_be_waived_from_the_change)
{
    char line[1024];
    pg_policy *p = trusted(NULL);

    cr_assert_eq(change(p, one_waiver("no-public-buckets", "aws_s3_bucket.b", "2026-12-01"), line, sizeof line),
                 PG_EPOLICY);
    cr_assert_str_eq(line, "change.yaml:3:11: rule \"no-public-buckets\" says waivable: false (base.yaml:3): no waiver "
                           "can accept its findings");
    /* a rule that is not loaded is no error (it may live in a file not loaded this time) */
    cr_assert_eq(change(p, one_waiver("elsewhere", "aws_s3_bucket.b", "2026-12-01"), line, sizeof line), 0, "%s", line);
    pg_policy_free(p);
}

/* ---- addresses: the match-all class ----------------------------------------------------- */

Test(policy_trust, addresses_that_could_cover_everything_are_refused)
{
    /* Every pattern with a wildcard outside instance keys, or whose keys
     * hold wildcards but which is no resource address: the whole plan, a
     * module, a type (issue 13: re-checked for address patterns). */
    static const char *const refused[] = {
        "*", "**", "?", "*.*", "*.*.*", "module.*", "module.**", "module.app.*", "module.app[*].*",
        "module.*.aws_s3_bucket.logs", "module.*[*]", "aws_s3_bucket.*", "aws_s3_bucket.log*",
        "aws_s3_bucket.logs*", "aws_s3_bucket.?ogs", "*.logs", "*_bucket.logs", "aws_*.logs", "data.*",
        "data.aws_iam_policy.*", "aws_s3_bucket.logs[*]x", "module.a.*.b", "[*]", "module.[*].x.y",
        "module.app[*]", "module.app[*].aws_s3_bucket", "aws_s3_bucket[*].logs", "aws_s3_bucket.logs[*].x",
        "module[*].app.x.y", "data[*].x.y", "aws_s3_bucket.logs[*][0]", ".aws_s3_bucket.logs[*]",
        "aws_s3_bucket..logs[*]", "aws_s3_bucket.logs.[*]", "9x.logs[*]", NULL};
    char line[1024];
    size_t i;
    pg_policy *p = trusted(NULL);

    for (i = 0; refused[i]; i++) {
        cr_assert_eq(change(p, one_waiver("pitr", refused[i], "2026-12-01"), line, sizeof line), PG_EPOLICY, "%s",
                     refused[i]);
        cr_assert(strstr(line, "change.yaml:4:14: address \""), "%s: %s", refused[i], line);
        cr_assert(strstr(line, "could cover every resource of the plan, of a module or of a type"), "%s", line);
    }
    pg_policy_free(p);
}

Test(policy_trust, addresses_that_name_resources_are_accepted)
{
    static const char *const named[] = {
        "aws_dynamodb_table.sessions",
        "aws_dynamodb_table.sessions[0]",
        "aws_dynamodb_table.sessions[\"eu\"]",
        "aws_dynamodb_table.sessions[*]",
        "aws_dynamodb_table.sessions[\"tmp-*\"]",
        "aws_dynamodb_table.sessions[\"?\"]",
        "module.app.aws_dynamodb_table.sessions",
        /* one resource block in every instance of its module: what
         * module.app.aws_s3_bucket.logs covers too (issue 13) */
        "module.app[*].aws_s3_bucket.logs",
        "module.app[*].aws_s3_bucket.logs[*]",
        "module.app[\"eu-*\"].module.db[*].aws_s3_bucket.logs[\"tmp-*\"]",
        "ephemeral.aws_secret.s[*]",
        "module.app[0].module.db[\"eu\"].aws_dynamodb_table.sessions[*]",
        "data.aws_iam_policy_document.p[*]",
        "aws_dynamodb_table.with\\*star", /* an escaped star is a literal one */
        "module_x.y[*]",                 /* a type whose name starts with "module" */
        NULL};
    char line[1024];
    size_t i;
    pg_policy *p = trusted(NULL);

    pg_findings none;
    pg_waiver_status *st;
    size_t n;
    pg_error err;

    for (i = 0; named[i]; i++)
        cr_assert_eq(change(p, one_waiver("pitr", named[i], "2026-12-01"), line, sizeof line), 0, "%s: %s", named[i],
                     line);
    pg_findings_init(&none);
    cr_assert_eq(pg_policy_apply_waivers(p, &none, TODAY, &st, &n, &err), 0);
    cr_assert_eq(n, i);
    while (n-- > 0) {
        cr_assert_eq(st[n].from_change, 1);
        cr_assert_str_eq(st[n].source, "change.yaml:3");
    }
    pg_free(st);
    pg_policy_free(p);
}

Test(policy_trust, trusted_waivers_keep_their_meaning)
{
    /* In a --policy file: no expiry needed, any glob, any rule. */
    static const char doc[] = "version: 1\nwaivers:\n"
                              "  - { rule: pitr, address: \"*\", reason: all }\n"
                              "  - { rule: no-public-buckets, address: \"module.*\", reason: x, expires: 2099-01-01 }\n";
    pg_policy *p = trusted(NULL);
    pg_error err;

    pg_findings none;
    pg_waiver_status *st;
    size_t n;

    pg_error_clear(&err);
    cr_assert_eq(pg_policy_load_string(p, "ops.yaml", doc, sizeof doc - 1, &err), 0, "%s", err.message);
    pg_findings_init(&none);
    cr_assert_eq(pg_policy_apply_waivers(p, &none, TODAY, &st, &n, &err), 0);
    cr_assert_eq(n, 2);
    cr_assert_eq(st[0].from_change, 0);
    cr_assert_eq(st[1].from_change, 0);
    pg_free(st);
    pg_policy_free(p);
}

/* ---- waiver files on disk: links and kinds ------------------------------------------------ */

Test(policy_trust, a_waiver_file_may_not_be_a_link_or_a_folder)
{
    char dir[] = "/tmp/pg_trust_XXXXXX", file[256], link[256], line[1024];
    pg_policy *p = trusted(NULL);
    pg_error err;
    FILE *f;

    cr_assert(mkdtemp(dir));
    snprintf(file, sizeof file, "%s/real.yaml", dir);
    snprintf(link, sizeof link, "%s/waivers.yaml", dir);
    cr_assert((f = fopen(file, "w")));
    fputs(one_waiver("pitr", "aws_dynamodb_table.t", "2026-12-01"), f);
    fclose(f);
    cr_assert_eq(symlink("real.yaml", link), 0);
    pg_error_clear(&err);
    cr_assert_eq(pg_policy_load_waivers(p, file, TODAY, &err), 0, "%s", err.message);
    pg_error_clear(&err);
    cr_assert_eq(pg_policy_load_waivers(p, link, TODAY, &err), PG_EPOLICY);
    pg_error_format(&err, line, sizeof line);
    cr_assert(strstr(line, "/waivers.yaml: a waiver file (--waivers) comes from the change under review and may not be "
                           "a symbolic link"),
              "%s", line);
    pg_error_clear(&err);
    cr_assert_eq(pg_policy_load_waivers(p, dir, TODAY, &err), PG_EPOLICY);
    cr_assert(strstr(err.message, "must be a regular file"), "%s", err.message);
    pg_error_clear(&err);
    cr_assert_eq(pg_policy_load_waivers(p, file, "2026-13-01", &err), PG_EUSAGE);
    unlink(link);
    unlink(file);
    rmdir(dir);
    pg_policy_free(p);
}

/* ---- the report model and every format -------------------------------------------------------- */

static const char *WEAK = "version: 1\n"
                          "detectors:\n"
                          "  dynamodb-key-replacement: { severity: low }\n"
                          "  protected-destroy: { enabled: false }\n"
                          "  lock-table-pitr: { severity: low }\n"     /* medium by default: already below high */
                          "  plan-incomplete: { severity: critical }\n"; /* raised: not weakened */
static const char *CHANGE_WAIVERS = "version: 1\n"
                                    "waivers:\n"
                                    "  - rule: dynamodb-cmk-production\n"
                                    "    address: aws_dynamodb_table.orders\n"
                                    "    reason: \"OPS-77: a KMS key arrives next sprint\"\n"
                                    "    expires: 2026-12-15\n";

/* The demo plan checked with the pack, WEAK and CHANGE_WAIVERS. The report
 * borrows the policy's strings: the caller frees the policy after it. */
static pg_policy *check_demo(pg_report *rep, pg_severity fail_on)
{
    pg_policy *p = pg_test_policy_new();
    pg_check_options opts;
    pg_error err;

    pg_error_clear(&err);
    pg_policy_set_check(p, pg_detect_check_policy);
    cr_assert_eq(pg_policy_load_defaults(p, &err), 0);
    cr_assert_eq(pg_policy_load_string(p, "weak.yaml", WEAK, strlen(WEAK), &err), 0, "%s", err.message);
    cr_assert_eq(pg_policy_load_waivers_string(p, "pr/waivers.yaml", CHANGE_WAIVERS, strlen(CHANGE_WAIVERS), TODAY,
                                               &err),
                 0, "%s", err.message);
    memset(&opts, 0, sizeof opts);
    opts.plan_path = PG_TESTDATA "/plans/demo/plan.json";
    opts.policy = p;
    opts.fail_on = fail_on;
    opts.today = TODAY;
    cr_assert_eq(pg_check_run(&opts, rep, &err), 0, "%s", err.message);
    return p;
}

Test(policy_trust, the_report_model_lists_the_weakened_gate)
{
    pg_report rep;
    pg_policy *p;
    size_t i;

    p = check_demo(&rep, PG_SEV_HIGH);
    cr_assert_eq(rep.n_weakened, 2);
    cr_assert_str_eq(rep.weakened[0].detector, "dynamodb-key-replacement");
    cr_assert_eq(rep.weakened[0].disabled, 0);
    cr_assert_eq(rep.weakened[0].severity, PG_SEV_LOW);
    cr_assert_eq(rep.weakened[0].default_severity, PG_SEV_CRITICAL);
    cr_assert_str_eq(rep.weakened[0].source, "weak.yaml:3");
    cr_assert_str_eq(rep.weakened[1].detector, "protected-destroy");
    cr_assert_eq(rep.weakened[1].disabled, 1);
    cr_assert_str_eq(rep.weakened[1].source, "weak.yaml:4");
    cr_assert_eq(rep.n_waivers, 1);
    cr_assert_eq(rep.waivers[0].from_change, 1);
    cr_assert_eq(rep.waivers[0].state, PG_WAIVER_USED);
    for (i = 0; i < rep.findings.count; i++)
        cr_assert_neq(strcmp(rep.findings.items[i]->rule, "protected-destroy"), 0, "a disabled detector reported");
    pg_report_dispose(&rep);
    pg_policy_free(p);
    /* with --fail-on low, lowering to low weakens nothing: only the disabled one remains */
    p = check_demo(&rep, PG_SEV_LOW);
    cr_assert_eq(rep.n_weakened, 1);
    cr_assert_str_eq(rep.weakened[0].detector, "protected-destroy");
    pg_report_dispose(&rep);
    pg_policy_free(p);
}

Test(policy_trust, every_format_shows_the_weakened_gate_and_the_change_waivers)
{
    static const struct {
        pg_report_format f;
        const char *weak, *change;
    } formats[] = {
        {PG_FORMAT_TEXT, "Gate weakened by the loaded policies (2)", "Waivers from the change under review (1)"},
        {PG_FORMAT_JSON, "\"weakened\": [", "\"origin\": \"change\""},
        {PG_FORMAT_SARIF, "the loaded policies weaken protected-destroy: disabled by weak.yaml:4",
         "a waiver from the change under review (pr/waivers.yaml:3)"},
        {PG_FORMAT_JUNIT, "<property name=\"weakened\" value=\"protected-destroy disabled by weak.yaml:4\"/>",
         "<property name=\"waiver_from_change\" value=\"dynamodb-cmk-production on aws_dynamodb_table.orders, used "
         "(pr/waivers.yaml:3)\"/>"},
        {PG_FORMAT_GITHUB, "::warning title=plangate%3A gate weakened by the loaded policies::protected-destroy is "
                           "disabled by weak.yaml:4",
         "::notice title=plangate%3A a waiver from the change under review::dynamodb-cmk-production on"},
        {PG_FORMAT_MARKDOWN, "**Gate weakened by the loaded policies (2)**", "**Waivers from the change under review (1)**"},
    };
    pg_report_style style = {.color = 0, .quiet = 0, .version = "0.1.0"};
    pg_report rep;
    pg_policy *p;
    pg_error err;
    size_t i;

    p = check_demo(&rep, PG_SEV_HIGH);
    for (i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        cr_assert(f);
        cr_assert_eq(pg_report_write(&rep, formats[i].f, &style, f, &err), 0);
        fclose(f);
        cr_assert(strstr(buf, formats[i].weak), "%s lacks %s:\n%s", pg_report_format_name(formats[i].f),
                  formats[i].weak, buf);
        cr_assert(strstr(buf, formats[i].change), "%s lacks %s:\n%s", pg_report_format_name(formats[i].f),
                  formats[i].change, buf);
        free(buf);
    }
    pg_report_dispose(&rep);
    pg_policy_free(p);
}

Test(policy_trust, a_strong_gate_adds_nothing_to_the_text_report)
{
    pg_policy *p = pg_test_policy_new();
    pg_check_options opts;
    pg_report_style style = {.color = 0, .quiet = 0, .version = "0.1.0"};
    pg_report rep;
    pg_error err;
    char *buf = NULL;
    size_t len = 0;
    FILE *f;

    pg_error_clear(&err);
    cr_assert_eq(pg_policy_load_defaults(p, &err), 0);
    memset(&opts, 0, sizeof opts);
    opts.plan_path = PG_TESTDATA "/plans/demo/plan.json";
    opts.policy = p;
    opts.fail_on = PG_SEV_HIGH;
    opts.today = TODAY;
    cr_assert_eq(pg_check_run(&opts, &rep, &err), 0);
    cr_assert_eq(rep.n_weakened, 0); /* the default pack sets every detector at its default */
    cr_assert((f = open_memstream(&buf, &len)));
    cr_assert_eq(pg_report_write(&rep, PG_FORMAT_TEXT, &style, f, &err), 0);
    fclose(f);
    cr_assert_null(strstr(buf, "Gate weakened"));
    cr_assert_null(strstr(buf, "from the change"));
    free(buf);
    pg_report_dispose(&rep);
    pg_policy_free(p);
}

/* ---- the CLI ----------------------------------------------------------------------------------- */

static pg_test_run_result run(const char *const *argv)
{
    const char *env[] = {EPOCH, "NO_COLOR=1", NULL};
    pg_test_run_result r;

    cr_assert_eq(pg_test_run(&r, argv, NULL, env), 0);
    return r;
}

Test(policy_trust, cli_refuses_a_waiver_file_that_overreaches)
{
    static const struct {
        const char *file, *err;
    } cases[] = {
        {"match-all.yaml", ":4:14: address \"module.*\" could cover every resource of the plan"},
        {"disables.yaml", ":2:1: a waiver file (--waivers) may hold only version: and waivers:, not \"detectors\""},
        {"forever.yaml", ":6:14: expires 2099-12-31 is 26700 days after today (2026-11-24)"},
    };
    char path[512];
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *argv[] = {"check", "--waivers", path, PG_TESTDATA "/plans/demo/plan.json", NULL};
        pg_test_run_result r;
        snprintf(path, sizeof path, "%s/policies/trust/%s", PG_TESTDATA, cases[i].file);
        r = run(argv);
        cr_assert_eq(r.exit_code, 4, "%s: %s", cases[i].file, r.err);
        cr_assert(strstr(r.err, cases[i].err), "%s: %s", cases[i].file, r.err);
        cr_assert(strncmp(r.err, "plangate: ", 10) == 0, "%s", r.err);
        cr_assert_eq(r.out_len, 0, "no report when the policy is refused");
        pg_test_run_free(&r);
    }
}

Test(policy_trust, cli_a_waiver_from_the_change_waives_and_says_so)
{
    const char *argv[] = {"check",
                          "--waivers",
                          PG_TESTDATA "/policies/trust/waivers.yaml",
                          PG_TESTDATA "/plans/demo/plan.json",
                          NULL};
    const char *without[] = {"check", PG_TESTDATA "/plans/demo/plan.json", NULL};
    pg_test_run_result r = run(without);

    /* without it, the protected table's replacement fails the gate */
    cr_assert_eq(r.exit_code, 1);
    pg_test_run_free(&r);
    r = run(argv);
    /* dynamodb-key-replacement still fails it: the waiver names protected-destroy only */
    cr_assert_eq(r.exit_code, 1, "%s", r.err);
    /* (2: the same replacement is a data-loss finding too, issue 14) */
    cr_assert(strstr(r.out, "Waivers from the change under review (2)\n  used     protected-destroy"), "%s", r.out);
    cr_assert(strstr(r.out, "/policies/trust/waivers.yaml:5)"), "%s", r.out);
    pg_test_run_free(&r);
}

