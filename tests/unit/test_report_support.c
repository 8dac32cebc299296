/* test_report_support.c — fixtures and helpers of the report suites. */
#include "test_report_support.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"
#include "util/esc.h"
#include "util/utf8.h"

/* MARK: building blocks */

/* Fixture JSON uses ' for "; the hostile fixture holds real quotes and turns this off. */
static int raw_json;

static json_t *load_quoted(const char *json)
{
    char *text = strdup(json);
    json_error_t jerr;
    json_t *v;
    size_t i;

    cr_assert_not_null(text);
    for (i = 0; text[i] && !raw_json; i++)
        if (text[i] == '\'')
            text[i] = '"';
    v = json_loads(text, JSON_DECODE_ANY, &jerr);
    cr_assert_not_null(v, "fixture JSON: %s in %s", jerr.text, text);
    free(text);
    return v;
}

static void change_from(pg_change *c, const char *json)
{
    pg_error err;
    int rc;

    pg_error_clear(&err);
    rc = pg_change_init(c, load_quoted(json), PG_ORIGIN_PLANNED, &err);
    cr_assert_eq(rc, 0, "pg_change_init: %s", err.message);
}

void rpt_list_add(pg_report_list *l, const char *json, int is_protected)
{
    pg_change c;

    change_from(&c, json);
    cr_assert_eq(pg_report_list_add(l, &c, is_protected, NULL), 0);
    pg_change_dispose(&c);
}

pg_finding *rpt_finding(pg_report *r, const char *rule, pg_severity sev, const char *change_json,
                        const char *message)
{
    pg_change c;
    pg_finding *f;
    pg_error err;

    if (change_json) {
        change_from(&c, change_json);
        f = pg_test_finding_new(rule, sev, &c);
        pg_change_dispose(&c);
    } else {
        f = pg_test_finding_new(rule, sev, NULL);
    }
    cr_assert_not_null(f);
    cr_assert_eq(pg_finding_set_message(f, "%s", message), 0);
    cr_assert_eq(pg_findings_add(&r->findings, f, &err), 0);
    return f;
}

void rpt_evidence(pg_finding *f, const char *path, const char *before_json, const char *after_json)
{
    json_t *b = before_json ? load_quoted(before_json) : NULL;
    json_t *a = after_json ? load_quoted(after_json) : NULL;

    cr_assert_eq(pg_finding_add_evidence(f, path, b, a), 0);
}

static void waive(pg_finding *f, const char *reason, const char *owner)
{
    f->waived = 1;
    f->waiver_reason = pg_strdup(reason);
    f->waiver_owner = owner ? pg_strdup(owner) : NULL;
}

static pg_rule_meta rule(const char *id, const char *title, pg_severity sev, const char *description,
                         const char *remediation)
{
    pg_rule_meta m;

    memset(&m, 0, sizeof m);
    m.id = id;
    m.title = title;
    m.severity = sev;
    m.description = description;
    m.remediation = remediation;
    m.waivable = 1;
    m.source = "built-in";
    return m;
}

static void set_plan(pg_report *r, const char *fv, const char *tv, const long counts[PG_ACTION_COUNT_])
{
    size_t i;

    snprintf(r->plan.format_version, sizeof r->plan.format_version, "%s", fv);
    snprintf(r->plan.terraform_version, sizeof r->plan.terraform_version, "%s", tv);
    r->plan.resource_changes = 0;
    for (i = 0; i < PG_ACTION_COUNT_; i++) {
        r->plan.counts[i] = counts[i];
        r->plan.resource_changes += counts[i];
    }
    r->plan.has_resource_changes = 1;
    r->plan.complete = 1;
    r->plan.applyable = 1;
}

/* MARK: fixtures */

#define T "'type':'aws_dynamodb_table'"

void rpt_fixture_pass(pg_report *r)
{
    static const long counts[PG_ACTION_COUNT_] = {3, 2, 0, 1, 0, 0, 0, 0};
    pg_finding *f;

    pg_report_init(r);
    r->source = pg_strdup("plans/pass.json");
    set_plan(r, "1.2", "1.9.5", counts);
    r->fail_on = PG_SEV_HIGH;

    f = rpt_finding(r, "dynamodb-provisioned-without-autoscaling", PG_SEV_MEDIUM,
                    "{'address':'aws_dynamodb_table.events'," T ",'change':{'actions':['create']}}",
                    "aws_dynamodb_table.events is PROVISIONED, and the plan holds no "
                    "aws_appautoscaling_target for its read and write capacity.");
    rpt_evidence(f, "billing_mode", NULL, "'PROVISIONED'");
    pg_finding_set_remediation(f, "Use billing_mode = \"PAY_PER_REQUEST\", or add autoscaling targets.");
    f = rpt_finding(r, "lock-table-pitr", PG_SEV_HIGH,
                    "{'address':'aws_dynamodb_table.locks'," T ",'change':{'actions':['update']}}",
                    "The lock table terraform-locks has no point-in-time recovery.");
    rpt_evidence(f, "point_in_time_recovery[0].enabled", "false", "false");
    waive(f, "OPS-7: the lock table holds no data worth recovering", NULL);
    pg_findings_sort(&r->findings);

    r->waivers = pg_calloc(1, sizeof *r->waivers);
    cr_assert_not_null(r->waivers);
    r->n_waivers = 1;
    r->waivers[0] = (pg_waiver_status){"lock-table-pitr", "aws_dynamodb_table.locks",
                                       "OPS-7: the lock table holds no data worth recovering",
                                       NULL, NULL, "policies/waivers.yaml:3", PG_WAIVER_USED, 1, 0};
    r->rules = pg_calloc(2, sizeof *r->rules);
    cr_assert_not_null(r->rules);
    r->rules[0] = rule("lock-table-pitr", "Lock table without point-in-time recovery", PG_SEV_MEDIUM,
                       "A lock table whose point-in-time recovery is off.",
                       "point_in_time_recovery { enabled = true }");
    r->rules[1] = rule("dynamodb-provisioned-without-autoscaling",
                       "PROVISIONED table without autoscaling", PG_SEV_MEDIUM,
                       "A table created or updated with billing_mode PROVISIONED and no autoscaling.", NULL);
    r->n_rules = 2;
    r->verdict = PG_VERDICT_PASS;
    pg_report_order(r);
}

void rpt_fixture_fail(pg_report *r)
{
    static const long counts[PG_ACTION_COUNT_] = {5, 1, 1, 2, 3, 2, 1, 0};
    pg_finding *f;

    pg_report_init(r);
    r->source = pg_strdup("plan.json");
    set_plan(r, "1.2", "1.9.5", counts);
    r->fail_on = PG_SEV_HIGH;

    rpt_list_add(&r->destroys,
                 "{'address':'aws_dynamodb_table.orders'," T ",'action_reason':'replace_because_cannot_update',"
                 "'change':{'actions':['delete','create'],'replace_paths':[['hash_key'],['attribute',0,'type']]}}",
                 1);
    rpt_list_add(&r->destroys,
                 "{'address':'aws_dynamodb_table.cache'," T ",'action_reason':'replace_by_request',"
                 "'change':{'actions':['create','delete']}}", 0);
    rpt_list_add(&r->destroys,
                 "{'address':'aws_dynamodb_table.legacy[0]'," T ",'action_reason':'delete_because_count_index',"
                 "'change':{'actions':['delete']}}", 0);
    rpt_list_add(&r->destroys,
                 "{'address':'aws_instance.web','type':'aws_instance','deposed':'00000001',"
                 "'change':{'actions':['delete']}}", 0);
    rpt_list_add(&r->destroys,
                 "{'address':'aws_s3_bucket.archive','type':'aws_s3_bucket',"
                 "'action_reason':'delete_because_a_future_reason','change':{'actions':['delete']}}", 0);
    rpt_list_add(&r->moves,
                 "{'address':'module.db.aws_dynamodb_table.users','previous_address':'aws_dynamodb_table.users',"
                 T ",'change':{'actions':['no-op']}}", 0);
    rpt_list_add(&r->moves,
                 "{'address':'aws_dynamodb_table.customers','previous_address':'aws_dynamodb_table.accounts',"
                 T ",'change':{'actions':['update']}}", 0);
    rpt_list_add(&r->deposed,
                 "{'address':'aws_instance.web','type':'aws_instance','deposed':'00000001',"
                 "'change':{'actions':['delete']}}", 0);
    rpt_list_add(&r->deposed,
                 "{'address':'aws_instance.api','type':'aws_instance','deposed':'00000002',"
                 "'change':{'actions':['no-op']}}", 0);
    rpt_list_add(&r->drift,
                 "{'address':'aws_dynamodb_table.orders'," T ",'change':{'actions':['update']}}", 0);
    rpt_list_add(&r->drift,
                 "{'address':'aws_s3_bucket.gone','type':'aws_s3_bucket','change':{'actions':['delete']}}", 0);
    rpt_list_add(&r->imports,
                 "{'address':'aws_dynamodb_table.imported'," T ",'change':{'actions':['no-op'],"
                 "'importing':{'id':'imported'}}}", 0);

    f = rpt_finding(r, "dynamodb-key-replacement", PG_SEV_CRITICAL,
                    "{'address':'aws_dynamodb_table.orders'," T ",'action_reason':'replace_because_cannot_update',"
                    "'change':{'actions':['delete','create']}}",
                    "aws_dynamodb_table.orders is replaced because hash_key changes (\"orderId\" → "
                    "\"customerId\"): Terraform destroys the table and creates it empty, and every item in "
                    "it is lost.");
    rpt_evidence(f, "hash_key", "'orderId'", "'customerId'");
    rpt_evidence(f, "attribute[0].type", "'S'", "'N'");
    rpt_evidence(f, "local_secondary_index", "[{'name':'by_date','range_key':'date'}]", "'(known after apply)'");
    pg_finding_set_remediation(f, "Keep the key schema, or create a new table, copy the items, then switch.");
    /* what the check sets on a finding of a destroy (pg_report_cause) */
    f->cause = pg_strdup("forced by: hash_key, attribute[0].type");
    f->forced_by = json_pack("[ss]", "hash_key", "attribute[0].type");

    f = rpt_finding(r, "protected-destroy", PG_SEV_CRITICAL,
                    "{'address':'aws_dynamodb_table.orders'," T ",'action_reason':'replace_because_cannot_update',"
                    "'change':{'actions':['delete','create']}}",
                    "aws_dynamodb_table.orders is protected (type aws_dynamodb_table when "
                    "before.tags.Environment equals production) and this plan replaces it.");
    rpt_evidence(f, "tags.Environment", "'production'", NULL);
    rpt_evidence(f, "tags.Secret", "'(sensitive)'", "'(sensitive)'");

    f = rpt_finding(r, "dynamodb-key-replacement", PG_SEV_CRITICAL,
                    "{'address':'aws_dynamodb_table.sessions'," T ",'action_reason':'replace_because_cannot_update',"
                    "'change':{'actions':['delete','create']}}",
                    "aws_dynamodb_table.sessions is replaced because range_key changes.");
    rpt_evidence(f, "range_key", "null", "'expires'");
    waive(f, "OPS-123: sessions are ephemeral; replacement approved", "alice@example.com");

    f = rpt_finding(r, "dynamodb-rename-without-moved", PG_SEV_CRITICAL,
                    "{'address':'aws_dynamodb_table.accounts'," T ",'change':{'actions':['delete']}}",
                    "The table \"accounts\" is deleted at aws_dynamodb_table.accounts and created at "
                    "aws_dynamodb_table.customers: a rename without a moved block.");
    pg_finding_set_remediation(f, "Add a moved block:\n  moved {\n    from = aws_dynamodb_table.accounts\n"
                                  "    to   = aws_dynamodb_table.customers\n  }");

    f = rpt_finding(r, "dynamodb-deletion-protection", PG_SEV_HIGH,
                    "{'address':'aws_dynamodb_table.legacy[0]'," T ",'action_reason':'delete_because_count_index',"
                    "'change':{'actions':['delete']}}",
                    "aws_dynamodb_table.legacy[0] has deletion protection on: the apply will fail half-way.");
    rpt_evidence(f, "deletion_protection_enabled", "true", NULL);
    f->waiver_expired = pg_strdup("2024-01-31");

    f = rpt_finding(r, "lock-table-pitr", PG_SEV_MEDIUM,
                    "{'address':'aws_dynamodb_table.locks'," T ",'change':{'actions':['update']}}",
                    "The lock table terraform-locks has no point-in-time recovery.");
    rpt_evidence(f, "point_in_time_recovery[0].enabled", NULL, "false");

    f = rpt_finding(r, "plan-incomplete", PG_SEV_LOW, NULL,
                    "The plan is incomplete (complete: false): Terraform deferred some changes, so this "
                    "report is not the whole story.");
    pg_findings_sort(&r->findings);

    r->waivers = pg_calloc(3, sizeof *r->waivers);
    cr_assert_not_null(r->waivers);
    r->n_waivers = 3;
    r->waivers[0] = (pg_waiver_status){"dynamodb-key-replacement", "aws_dynamodb_table.sessions",
                                       "OPS-123: sessions are ephemeral; replacement approved",
                                       "alice@example.com", "2026-12-31", "policies/waivers.yaml:4",
                                       PG_WAIVER_USED, 1, 0};
    r->waivers[1] = (pg_waiver_status){"lock-table-pitr", "aws_dynamodb_table.old_locks",
                                       "OPS-9: the old lock table is going away", NULL, NULL,
                                       "policies/waivers.yaml:10", PG_WAIVER_UNUSED, 0, 0};
    r->waivers[2] = (pg_waiver_status){"dynamodb-deletion-protection", "aws_dynamodb_table.legacy[*]",
                                       "OPS-42: legacy tables are archived", "bob", "2024-01-31",
                                       "policies/waivers.yaml:15", PG_WAIVER_EXPIRED, 1, 0};

    r->rules = pg_calloc(6, sizeof *r->rules);
    cr_assert_not_null(r->rules);
    r->rules[0] = rule("dynamodb-key-replacement", "DynamoDB table replaced because its key schema changes",
                       PG_SEV_CRITICAL,
                       "An aws_dynamodb_table replaced because hash_key, range_key, a key attribute's type or "
                       "a local secondary index changes: every item is lost.",
                       "Keep the key schema, or migrate the data to a new table first.");
    r->rules[1] = rule("protected-destroy", "Protected resource destroyed", PG_SEV_CRITICAL,
                       "A delete or replace of a resource that matches a protect: selector.",
                       "Remove the change, or waive it with a reason.");
    r->rules[2] = rule("dynamodb-rename-without-moved", "DynamoDB table renamed without a moved block",
                       PG_SEV_CRITICAL, "A table deleted at one address and created at another with the same name.",
                       "Add a moved block.");
    r->rules[3] = rule("dynamodb-deletion-protection", "Table with deletion protection destroyed", PG_SEV_HIGH,
                       "A delete or replace of a table whose deletion protection is on.", NULL);
    r->rules[4] = rule("lock-table-pitr", "Lock table without point-in-time recovery", PG_SEV_MEDIUM,
                       "A lock table whose point-in-time recovery is off.",
                       "point_in_time_recovery { enabled = true }");
    r->rules[5] = rule("plan-incomplete", "Incomplete plan", PG_SEV_MEDIUM, NULL, NULL);
    r->n_rules = 6;
    r->verdict = PG_VERDICT_FAIL;
    pg_report_order(r); /* as pg_check_run leaves it */
}

void rpt_fixture_error(pg_report *r)
{
    static const long counts[PG_ACTION_COUNT_] = {1, 0, 0, 0, 0, 1, 0, 0};
    pg_finding *f;

    pg_report_init(r);
    r->source = pg_strdup("errored.json");
    set_plan(r, "1.2", "1.9.5", counts);
    r->plan.errored = 1;
    r->plan.applyable = 0;
    r->plan.complete = -1;
    r->fail_on = PG_SEV_HIGH;
    rpt_list_add(&r->destroys,
                 "{'address':'aws_dynamodb_table.orders'," T ",'action_reason':'replace_because_cannot_update',"
                 "'change':{'actions':['delete','create'],'replace_paths':[['hash_key'],['attribute',0,'type']]}}",
                 1);
    f = rpt_finding(r, "protected-destroy", PG_SEV_CRITICAL,
                    "{'address':'aws_dynamodb_table.orders'," T ",'action_reason':'replace_because_cannot_update',"
                    "'change':{'actions':['delete','create']}}",
                    "aws_dynamodb_table.orders is protected and this plan replaces it.");
    (void)f;
    pg_findings_sort(&r->findings);
    cr_assert_eq(pg_report_add_error(r, "errored.json: the plan says \"errored\": true: Terraform stopped "
                                        "planning (a prevent_destroy lifecycle rule, or a provider error); "
                                        "fix the error Terraform printed and plan again", NULL), 0);
    r->verdict = PG_VERDICT_ERROR;
}

void rpt_fixture_empty_error(pg_report *r)
{
    pg_report_init(r);
    r->source = pg_strdup("<stdin>");
    r->fail_on = PG_SEV_HIGH;
    cr_assert_eq(pg_report_add_error(r, "<stdin>: byte 0: the input is empty: pipe the output of "
                                        "`terraform show -json PLANFILE` into plangate", NULL), 0);
    r->verdict = PG_VERDICT_ERROR;
}

/* A pg_malloc'd printf (the model frees with pg_free). */
static char *dupf(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

static char *dupf(const char *fmt, ...)
{
    va_list ap;
    int n;
    char *out;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    cr_assert(n >= 0);
    out = pg_malloc((size_t)n + 1);
    cr_assert_not_null(out);
    va_start(ap, fmt);
    vsnprintf(out, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return out;
}

/* Strings the model borrows (waivers, rules): static, one fixture at a time. */
#define BORROWED_MAX 8192

void rpt_fixture_text(pg_report *r, const char *text)
{
    static const long counts[PG_ACTION_COUNT_] = {0, 1, 0, 0, 1, 1, 0, 1};
    json_t *addr_json;
    char *change, *dumped, *address, *with_nul;
    size_t len, tlen = strlen(text);
    pg_finding *f;

    pg_report_init(r);
    address = dupf("aws_s3_bucket.b[\"%s\"]", text);
    r->source = dupf("dir with space/<plan>&\"x\"%s.json", text);
    set_plan(r, "1.2", "1.9.5 \x1b[2J", counts);
    snprintf(r->plan.terraform_version, sizeof r->plan.terraform_version, "1.9.5 %s", text);
    r->fail_on = PG_SEV_HIGH;

    /* A change whose address is hostile (JSON-encoded into the fixture text). */
    addr_json = json_string(address);
    cr_assert_not_null(addr_json, "fixture text must be valid UTF-8 for jansson");
    dumped = json_dumps(addr_json, JSON_ENCODE_ANY);
    json_decref(addr_json);
    cr_assert_not_null(dumped);
    len = 4 * strlen(dumped) + 512;
    change = malloc(len);
    cr_assert_not_null(change);
    snprintf(change, len,
             "{\"address\":%s,\"previous_address\":%s,\"type\":\"aws_s3_bucket\",\"deposed\":%s,"
             "\"action_reason\":%s,\"change\":{\"actions\":[\"delete\",\"create\"]}}",
             dumped, dumped, dumped, dumped);
    raw_json = 1;
    rpt_list_add(&r->destroys, change, 1);
    /* the physical name (issue 15) is a plan value too */
    r->destroys.items[r->destroys.count - 1].physical_name = dupf("%s", text);
    rpt_list_add(&r->forgotten, change, 0);
    rpt_list_add(&r->moves, change, 0);
    rpt_list_add(&r->drift, change, 0);
    rpt_list_add(&r->imports, change, 0);
    rpt_list_add(&r->deposed, change, 0);

    f = rpt_finding(r, "rule|", PG_SEV_CRITICAL, change, "message ");
    cr_assert_eq(pg_finding_set_message(f, "message %s", text), 0);
    f->cause = dupf("forced by: %s", text); /* a path quotes its keys, but a writer must not rely on it */
    f->forced_by = json_pack("[s]", text);
    pg_free(f->rule);
    f->rule = dupf("rule|%s", text);
    {
        char *path;
        json_t *h = json_string(text);
        path = dupf("path %s", text);
        rpt_evidence(f, path, NULL, NULL);
        pg_free(path);
        /* jansson refuses invalid UTF-8: values are valid, only odd */
        cr_assert_not_null(h);
        cr_assert_eq(pg_finding_add_evidence(f, "tags.Name", json_incref(h), h), 0);
        /* a NUL inside a value */
        with_nul = malloc(2 * tlen + 2);
        cr_assert_not_null(with_nul);
        memcpy(with_nul, text, tlen);
        with_nul[tlen] = '\0';
        memcpy(with_nul + tlen + 1, text, tlen + 1);
        cr_assert_eq(pg_finding_add_evidence(f, "tags.Nul", NULL, json_stringn(with_nul, 2 * tlen + 1)), 0);
        free(with_nul);
    }
    cr_assert_eq(pg_finding_set_remediation(f, "fix %s", text), 0);
    f = rpt_finding(r, "waived-rule", PG_SEV_HIGH, change, "waived");
    cr_assert_eq(pg_finding_set_message(f, "waived %s", text), 0);
    f->waived = 1;
    f->waiver_reason = dupf("reason %s", text);
    f->waiver_owner = dupf("owner %s", text);
    f->waiver_expired = dupf("2024-01-01 %s", text);
    /* Bytes that are not UTF-8 at all (a message cut mid-character upstream). */
    rpt_finding(r, "bad-utf8", PG_SEV_MEDIUM, change, "cut \xe2\x86 here \xff\xfe and \xc0\xaf overlong");
    raw_json = 0;
    free(change);
    free(dumped);
    pg_findings_sort(&r->findings);

    r->waivers = pg_calloc(1, sizeof *r->waivers);
    cr_assert_not_null(r->waivers);
    r->n_waivers = 1;
    {
        static char rule_s[BORROWED_MAX], addr_s[BORROWED_MAX], reason_s[BORROWED_MAX], owner_s[BORROWED_MAX],
            src_s[BORROWED_MAX], title_s[BORROWED_MAX], desc_s[BORROWED_MAX], rem_s[BORROWED_MAX];
        cr_assert_lt(tlen, BORROWED_MAX - 32);
        snprintf(rule_s, sizeof rule_s, "rule %s", text);
        snprintf(addr_s, sizeof addr_s, "addr %s", text);
        snprintf(reason_s, sizeof reason_s, "reason %s", text);
        snprintf(owner_s, sizeof owner_s, "owner %s", text);
        snprintf(src_s, sizeof src_s, "src %s", text);
        snprintf(title_s, sizeof title_s, "title %s", text);
        snprintf(desc_s, sizeof desc_s, "description %s", text);
        snprintf(rem_s, sizeof rem_s, "remediation %s", text);
        r->waivers[0] = (pg_waiver_status){rule_s, addr_s, reason_s, owner_s, "2099-01-01", src_s,
                                           PG_WAIVER_UNUSED, 0, 0};
        r->rules = pg_calloc(1, sizeof *r->rules);
        cr_assert_not_null(r->rules);
        r->rules[0] = rule("waived-rule", title_s, PG_SEV_HIGH, desc_s, rem_s);
        r->rules[0].source = src_s;
        r->n_rules = 1;
    }
    {
        char *e = dupf("error %s", text);
        cr_assert_eq(pg_report_add_error(r, e, NULL), 0);
        pg_free(e);
    }
    r->verdict = PG_VERDICT_ERROR;
    pg_free(address);
}

void rpt_fixture_hostile(pg_report *r)
{
    rpt_fixture_text(r, RPT_HOSTILE);
}

void rpt_fixture_big(pg_report *r, size_t n, size_t message_len)
{
    static const long counts[PG_ACTION_COUNT_] = {0, 0, 0, 0, 0, 0, 0, 0};
    char *message = malloc(message_len + 1);
    char change[256];
    size_t i;

    cr_assert_not_null(message);
    /* Characters the Markdown escaper expands the most. */
    for (i = 0; i < message_len; i++)
        message[i] = "@<|&`"[i % 5];
    message[message_len] = '\0';
    pg_report_init(r);
    r->source = pg_strdup("big.json");
    set_plan(r, "1.2", "", counts);
    r->plan.counts[PG_ACTION_DELETE] = (long)n;
    r->fail_on = PG_SEV_HIGH;
    for (i = 0; i < n; i++) {
        pg_finding *f;
        snprintf(change, sizeof change,
                 "{'address':'aws_dynamodb_table.t[%zu]'," T ",'change':{'actions':['delete']}}", i);
        rpt_list_add(&r->destroys, change, 0);
        f = rpt_finding(r, "protected-destroy", PG_SEV_CRITICAL, change, message);
        rpt_evidence(f, "name", "'t'", NULL);
        pg_finding_set_remediation(f, "%s", message);
    }
    free(message);
    pg_findings_sort(&r->findings);
    r->verdict = PG_VERDICT_FAIL;
}

/* MARK: rendering and golden files */

char *rpt_render(const pg_report *r, pg_report_format format, int color, int quiet, size_t *len_out)
{
    pg_report_style st = {.color = color, .quiet = quiet, .version = "0.1.0", .width = 0};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    pg_error err;
    int rc;

    cr_assert_not_null(f);
    pg_error_clear(&err);
    rc = pg_report_write(r, format, &st, f, &err);
    cr_assert_eq(rc, 0, "pg_report_write(%s): %s", pg_report_format_name(format), err.message);
    cr_assert_eq(fclose(f), 0);
    cr_assert_not_null(buf);
    if (len_out)
        *len_out = len;
    return buf;
}

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    cr_assert_not_null(f, "cannot write %s: %s", path, strerror(errno));
    cr_assert_eq(fwrite(data, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
}

void rpt_golden(const char *name, const char *actual, size_t len)
{
    char path[512], got[512];
    const char *update = getenv("PG_UPDATE_GOLDEN");
    size_t elen = 0;
    char *expected;

    snprintf(path, sizeof path, "%s/reports/%s", PG_TESTDATA, name);
    if (update && strcmp(update, "1") == 0) {
        write_file(path, actual, len);
        return;
    }
    expected = pg_test_read_file(path, &elen);
    cr_assert_not_null(expected, "missing golden file %s (run with PG_UPDATE_GOLDEN=1 to create it)", path);
    if (elen != len || memcmp(expected, actual, len) != 0) {
        snprintf(got, sizeof got, "/tmp/plangate-golden-%d-%s", (int)getpid(), name);
        write_file(got, actual, len);
        free(expected);
        cr_assert_fail("%s differs from the golden file: diff -u %s %s (PG_UPDATE_GOLDEN=1 rewrites it)",
                       name, path, got);
    }
    free(expected);
}

int rpt_valid_utf8(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;

    while (i < n) {
        size_t len, k;
        unsigned cp;
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        if ((u[i] & 0xE0) == 0xC0) {
            len = 2;
            cp = u[i] & 0x1Fu;
        } else if ((u[i] & 0xF0) == 0xE0) {
            len = 3;
            cp = u[i] & 0x0Fu;
        } else if ((u[i] & 0xF8) == 0xF0) {
            len = 4;
            cp = u[i] & 0x07u;
        } else {
            return 0;
        }
        if (i + len > n)
            return 0;
        for (k = 1; k < len; k++) {
            if ((u[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (u[i + k] & 0x3Fu);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += len;
    }
    return 1;
}

const char *rpt_temp_file(const char *data, size_t len, const char *suffix, int slot)
{
    static char paths[2][256];
    char *p = paths[slot & 1];
    int fd;

    snprintf(p, sizeof paths[0], "/tmp/plangate-report-XXXXXX%s", suffix);
    fd = mkstemps(p, (int)strlen(suffix));
    cr_assert(fd >= 0, "mkstemps: %s", strerror(errno));
    cr_assert_eq(write(fd, data, len), (ssize_t)len);
    close(fd);
    return p;
}

/* MARK: what GitHub's runner would run */

/* .NET's char.IsWhiteSpace, which TrimStart uses, for the ASCII part; the
 * rest is hidden (pg_esc_is_hidden) and dropped before the check. */
static int dotnet_blank(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static int github_own_line(const char *line, size_t n)
{
    static const char *const ours[] = {"::error title=", "::warning title=", "::notice title=", "::group::",
                                       "::endgroup::"};
    size_t i;

    for (i = 0; i < sizeof ours / sizeof ours[0]; i++)
        if (n >= strlen(ours[i]) && memcmp(line, ours[i], strlen(ours[i])) == 0)
            return 1;
    return 0;
}

const char *rpt_forged_command(const char *out, size_t len, int github)
{
    static char line[4096];
    size_t i = 0;

    while (i < len) {
        size_t end = i, o = 0, k, start;
        /* ReadLine: a line ends at \n, \r or \r\n */
        while (end < len && out[end] != '\n' && out[end] != '\r')
            end++;
        /* what ICU compares: without the characters it ignores */
        for (k = i; k < end && o < sizeof line - 1; ) {
            uint32_t cp;
            size_t used = pg_utf8_decode(out + k, end - k, &cp, NULL);
            if (!pg_esc_is_hidden(cp) || cp == '\t' || cp == 0xFFFD) /* U+FFFD has a weight */
                for (size_t m = 0; m < used && o < sizeof line - 1; m++)
                    line[o++] = out[k + m];
            k += used;
        }
        line[o] = '\0';
        if (strstr(line, "##["))
            return line;
        for (start = 0; start < o && dotnet_blank((unsigned char)line[start]); start++)
            ;
        if (o - start >= 2 && line[start] == ':' && line[start + 1] == ':' &&
            !(github && start == 0 && github_own_line(out + i, end - i)))
            return line;
        i = end + 1;
    }
    return NULL;
}

const char *rpt_raw_unsafe(const char *out, size_t len, int allow_tab)
{
    size_t i = 0;

    while (i < len) {
        uint32_t cp;
        int valid;
        size_t used = pg_utf8_decode(out + i, len - i, &cp, &valid);
        if (!valid)
            return out + i;
        if (cp != '\n' && !(allow_tab && cp == '\t') && cp != 0xFFFD && pg_esc_is_hidden(cp))
            return out + i;
        i += used;
    }
    return NULL;
}

/* MARK: deep values */

json_t *rpt_nested(size_t depth, json_t ***levels_out)
{
    json_t **levels = malloc((depth + 1) * sizeof *levels);
    size_t i;

    cr_assert_not_null(levels);
    levels[0] = json_array();
    cr_assert_not_null(levels[0]);
    for (i = 1; i <= depth; i++) {
        levels[i] = json_array();
        cr_assert_not_null(levels[i]);
        cr_assert_eq(json_array_append(levels[i - 1], levels[i]), 0);
    }
    *levels_out = levels;
    return levels[0];
}

void rpt_free_nested(json_t **levels, size_t depth)
{
    size_t i;

    for (i = depth + 1; i-- > 0;) { /* innermost first: each clear frees one empty node */
        json_array_clear(levels[i]);
        json_decref(levels[i]);
    }
    free(levels);
}
