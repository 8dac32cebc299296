/* test_report_model.c — issue 15: the report model every format follows.
 * The cause of a destroy (replace_paths named, redacted; else what
 * action_reason says), the order by consequence, folding, the verdict
 * sentence, the width of the text report; and the text goldens of the big,
 * mixed and error plans (testdata/plans/rep-*, made by bench/reportplan.py),
 * run through the binary as an operator would. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_internal.h"
#include "support.h"
#include "test_report_support.h"

/* A change from JSON written with ' for " (the fixtures' convention). */
static void change(pg_change *c, const char *json)
{
    char *text = strdup(json);
    json_error_t jerr;
    pg_error err;
    json_t *v;
    size_t i;

    cr_assert_not_null(text);
    for (i = 0; text[i]; i++)
        if (text[i] == '\'')
            text[i] = '"';
    v = json_loads(text, 0, &jerr);
    cr_assert_not_null(v, "%s in %s", jerr.text, text);
    free(text);
    pg_error_clear(&err);
    cr_assert_eq(pg_change_init(c, v, PG_ORIGIN_PLANNED, &err), 0, "%s", err.message);
}

/* The cause of a change: its text ("" for none) into buf. */
static const char *cause_of(const char *json, char *buf, size_t size, json_t **forced_by)
{
    pg_change c;
    char *cause = NULL;
    json_t *fb = NULL;

    change(&c, json);
    cr_assert_eq(pg_report_cause(&c, &cause, &fb, NULL), 0);
    snprintf(buf, size, "%s", cause ? cause : "");
    free(cause);
    if (forced_by)
        *forced_by = fb;
    else
        json_decref(fb);
    pg_change_dispose(&c);
    return buf;
}

#define HEAD "{'address':'aws_db_instance.main','type':'aws_db_instance','name':'main',"

Test(report_cause, replace_paths_named_in_order)
{
    char buf[256];
    json_t *fb = NULL;

    cr_assert_str_eq(cause_of(HEAD "'action_reason':'replace_because_cannot_update','change':{'actions':['delete',"
                                   "'create'],'before':{},'after':{},'replace_paths':[['name'],['hash_key'],"
                                   "['attribute',0,'type']]}}",
                              buf, sizeof buf, &fb),
                     "forced by: name, hash_key, attribute[0].type");
    cr_assert_eq(json_array_size(fb), 3);
    cr_assert_str_eq(json_string_value(json_array_get(fb, 2)), "attribute[0].type");
    json_decref(fb);
}

Test(report_cause, a_sensitive_value_is_named_never_its_keys)
{
    char buf[256];
    json_t *fb = NULL;
    char *dump;

    /* tags is sensitive: its keys are part of the secret ("team-secret-key" must not appear) */
    cause_of(HEAD "'change':{'actions':['delete','create'],'before':{'tags':{'team-secret-key':'x'},'password':'p'},"
                  "'after':{'tags':{'team-secret-key':'x'},'password':'q'},'before_sensitive':{'tags':true,"
                  "'password':true},'after_sensitive':{'tags':true,'password':true},"
                  "'replace_paths':[['password'],['tags','team-secret-key'],['tags','other']]}}",
             buf, sizeof buf, &fb);
    cr_assert_str_eq(buf, "forced by: password, tags");
    dump = json_dumps(fb, 0);
    cr_assert_str_eq(dump, "[\"password\", \"tags\"]");
    cr_assert_null(strstr(buf, "secret"));
    free(dump);
    json_decref(fb);
    /* only the after side marks it: still a secret */
    cause_of(HEAD "'change':{'actions':['delete','create'],'before':{'m':{'k1':'a'}},'after':{'m':{'k1':'b'}},"
                  "'after_sensitive':{'m':true},'replace_paths':[['m','k1']]}}",
             buf, sizeof buf, NULL);
    cr_assert_str_eq(buf, "forced by: m");
}

Test(report_cause, a_map_key_is_quoted_and_hostile_keys_escaped)
{
    char buf[512];

    cause_of(HEAD "'change':{'actions':['delete','create'],'before':{},'after':{},"
                  "'replace_paths':[['tags','team key'],['labels','\\u001b[31m::error::x'],['x',-1],[7],{}]}}",
             buf, sizeof buf, NULL);
    cr_assert_str_eq(buf, "forced by: tags[\"team key\"], labels[\"\\u001B[31m::error::x\"], x", "%s", buf);
    cr_assert_null(strchr(buf, '\x1b'));
}

Test(report_cause, without_replace_paths_what_is_known)
{
    static const struct {
        const char *reason, *actions, *words;
    } cases[] = {
        {"replace_because_tainted", "'create','delete'", "tainted"},
        {"replace_by_request", "'delete','create'", "replace requested (-replace)"},
        {"replace_because_cannot_update", "'delete','create'",
         "cannot update in place (the plan does not say which argument)"},
        {"replace_by_triggers", "'delete','create'", "replace_triggered_by fired"},
        {"delete_because_no_resource_config", "'delete'", "not in the configuration"},
        {"delete_because_count_index", "'delete'", "count index out of range"},
        {"delete_because_each_key", "'delete'", "for_each key removed"},
        {"a_future_reason", "'delete'", "a_future_reason"},
    };
    char json[512], buf[256];
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(json, sizeof json, HEAD "'action_reason':'%s','change':{'actions':[%s],'before':{}}}",
                 cases[i].reason, cases[i].actions);
        cr_assert_str_eq(cause_of(json, buf, sizeof buf, NULL), cases[i].words, "%s", cases[i].reason);
    }
    cr_assert_str_eq(cause_of(HEAD "'change':{'actions':['delete','create'],'before':{}}}", buf, sizeof buf, NULL),
                     "the plan does not say why");
    cr_assert_str_eq(cause_of(HEAD "'change':{'actions':['delete'],'before':{}}}", buf, sizeof buf, NULL), "");
}

/* MARK: order and folding */

Test(report_order, reading_order_of_addresses)
{
    cr_assert_lt(pg_report_address_cmp("aws_instance.w[2]", "aws_instance.w[10]"), 0);
    cr_assert_gt(pg_report_address_cmp("aws_instance.w[10]", "aws_instance.w[9]"), 0);
    cr_assert_lt(pg_report_address_cmp("a.b", "a.c"), 0);
    cr_assert_neq(pg_report_address_cmp("a[01]", "a[1]"), 0, "a total order: different strings never tie");
    cr_assert_eq(pg_report_address_cmp("x", "x"), 0);
}

Test(report_order, runs_fold_by_index)
{
    pg_report__out o;

    cr_assert(pg_report__index_follows("aws_instance.w[0]", "aws_instance.w[1]"));
    cr_assert_not(pg_report__index_follows("aws_instance.w[0]", "aws_instance.w[2]"));
    cr_assert_not(pg_report__index_follows("aws_instance.w[0]", "aws_instance.v[1]"));
    cr_assert(pg_report__index_follows("q[\"a\"]", "q[\"zz\"]"));
    cr_assert_not(pg_report__index_follows("q[\"a\"]", "q[1]"));
    cr_assert_not(pg_report__index_follows("q", "q"));
    /* a key holding brackets and quotes is still one index */
    cr_assert(pg_report__index_follows("m[\"k\"].q[\"a]\\\"[\"]", "m[\"k\"].q[\"b\"]"));
    cr_assert_not(pg_report__index_follows("m[\"k\"].q[\"a\"]", "m[\"j\"].q[\"b\"]"));
    pg_report__out_memory(&o, NULL);
    pg_report__fold_label(&o, "aws_instance.worker[0]", "aws_instance.worker[399]");
    cr_assert_str_eq(pg_report__out_text(&o), "aws_instance.worker[0..399]");
    pg_report__out_reset(&o);
    pg_report__fold_label(&o, "q[\"a\"]", "q[\"c\"]");
    cr_assert_str_eq(pg_report__out_text(&o), "q[*]");
    pg_report__out_dispose(&o);
    cr_assert(pg_report__same_words("x.a[0] is lost (\"t-0\")", "x.a[0]", "x.a[1] is lost (\"t-1\")", "x.a[1]", 1));
    cr_assert_not(pg_report__same_words("x.a[0] is lost (\"t-0\")", "x.a[0]", "x.a[1] is lost (\"t-1\")", "x.a[1]", 0));
    cr_assert_not(pg_report__same_words("hash_key a → b", "x", "hash_key a → c", "y", 1));
}

/* A delete of aws_instance.w[i], or a protected table. */
static void add(pg_report_list *l, const char *address, const char *type, const char *actions, int prot)
{
    char json[512];
    pg_change c;

    snprintf(json, sizeof json, "{'address':'%s','type':'%s','name':'n','change':{'actions':[%s],'before':{}},"
                                "'action_reason':'delete_because_no_resource_config'}",
             address, type, actions);
    change(&c, json);
    cr_assert_eq(pg_report_list_add(l, &c, prot, NULL), 0);
    pg_change_dispose(&c);
}

Test(report_order, protected_first_and_never_crowded_out)
{
    pg_report r;
    char a[64];
    size_t i;

    pg_report_init(&r);
    for (i = 0; i < PG_REPORT_MAX_ITEMS + 200; i++) {
        snprintf(a, sizeof a, "aws_instance.w[%zu]", i);
        add(&r.destroys, a, "aws_instance", "'delete'", 0);
        if (i == PG_REPORT_MAX_ITEMS + 100) {
            add(&r.destroys, "aws_dynamodb_table.ledger", "aws_dynamodb_table", "'delete'", 1);
            add(&r.destroys, "aws_s3_bucket.b", "aws_s3_bucket", "'delete','create'", 0);
        }
    }
    cr_assert_eq(r.destroys.count, PG_REPORT_MAX_ITEMS);
    cr_assert_eq(r.destroys.total, PG_REPORT_MAX_ITEMS + 202);
    pg_report_order(&r);
    cr_assert_str_eq(r.destroys.items[0].address, "aws_dynamodb_table.ledger");
    cr_assert_str_eq(r.destroys.items[1].address, "aws_s3_bucket.b");
    cr_assert_str_eq(r.destroys.items[2].address, "aws_instance.w[0]");
    cr_assert_str_eq(r.destroys.items[3].address, "aws_instance.w[1]", "indices in reading order");
    cr_assert_eq(pg_report__item_run(&r.destroys, 2), PG_REPORT_MAX_ITEMS - 2,
                 "w[998] and w[999] gave their places: w[0..997] is one run");
    pg_report_dispose(&r);
}

Test(report_order, findings_grouped_by_rule_most_consequential_first)
{
    pg_report r;
    size_t i;

    rpt_fixture_fail(&r);
    /* rules appear in one run each: a fix is said once per rule */
    for (i = 1; i < r.findings.count; i++) {
        size_t j;
        if (strcmp(r.findings.items[i]->rule, r.findings.items[i - 1]->rule) == 0)
            continue;
        for (j = 0; j + 1 < i; j++)
            cr_assert_str_neq(r.findings.items[j]->rule, r.findings.items[i]->rule, "rule %s split",
                              r.findings.items[i]->rule);
    }
    cr_assert_str_eq(r.findings.items[0]->address, "aws_dynamodb_table.orders");
    cr_assert_str_eq(r.findings.items[r.findings.count - 1]->rule, "plan-incomplete");
    pg_report_dispose(&r);
}

/* MARK: the verdict sentence */

static const char *sentence(const pg_report *r, pg_buf *b)
{
    pg_buf_reset(b);
    cr_assert_eq(pg_report__verdict_sentence(r, b, NULL), 0);
    return pg_buf_cstr(b);
}

/* More destroys than the destroy list holds (PG_REPORT_MAX_ITEMS): the loss
 * counts every store with a data-loss finding, not the listed ones only
 * (red team: 3000 deleted databases said "data is lost in 1000"). */
Test(report_verdict, data_lost_counts_past_the_list_cap)
{
    size_t i, n = PG_REPORT_MAX_ITEMS + 500, stores, tables;
    char json[160], msg[64];
    pg_report r;

    pg_report_init(&r);
    r.verdict = PG_VERDICT_FAIL;
    for (i = 0; i < n; i++) {
        const char *type = i % 2 ? "aws_db_instance" : "aws_dynamodb_table";
        snprintf(json, sizeof json, "{'address':'%s.t[%zu]','type':'%s','change':{'actions':['delete']}}", type, i,
                 type);
        snprintf(msg, sizeof msg, "store %zu holds data", i);
        rpt_list_add(&r.destroys, json, 0);
        rpt_finding(&r, "data-loss", PG_SEV_HIGH, json, msg);
    }
    cr_assert_eq(r.destroys.count, PG_REPORT_MAX_ITEMS, "the list is capped");
    pg_report__data_lost(&r, &stores, &tables);
    cr_assert_eq(stores, n);
    cr_assert_eq(tables, n / 2);
    pg_report_dispose(&r);
}

Test(report_verdict, one_sentence_per_outcome)
{
    pg_report r;
    pg_buf b;

    pg_buf_init(&b, 0);
    rpt_fixture_fail(&r);
    cr_assert_str_eq(sentence(&r, &b),
                     "FAIL: do not apply: 4 blocking findings (at or above high); every item of 3 tables is lost");
    pg_report_dispose(&r);
    rpt_fixture_pass(&r);
    cr_assert_str_eq(sentence(&r, &b), "PASS: 1 finding waived, 1 below the threshold (high)");
    pg_report_dispose(&r);
    rpt_fixture_empty_error(&r);
    cr_assert_str_eq(sentence(&r, &b), "ERROR: do not apply: the plan could not be evaluated");
    pg_report_dispose(&r);
    pg_report_init(&r);
    r.verdict = PG_VERDICT_PASS;
    cr_assert_str_eq(sentence(&r, &b), "PASS: no finding at or above the threshold (high)");
    pg_report_dispose(&r);
    /* with the data-loss detector, what holds data is its call: a bucket counts, a deposed copy does not */
    rpt_fixture_fail(&r);
    rpt_finding(&r, "data-loss", PG_SEV_MEDIUM,
                "{'address':'aws_s3_bucket.archive','type':'aws_s3_bucket','change':{'actions':['delete']}}",
                "aws_s3_bucket.archive holds data");
    rpt_finding(&r, "data-loss", PG_SEV_MEDIUM,
                "{'address':'aws_instance.web','type':'aws_instance','deposed':'00000001','change':{'actions':['delete']}}",
                "a deposed object");
    cr_assert_str_eq(sentence(&r, &b), "FAIL: do not apply: 4 blocking findings (at or above high); data is lost in 1 "
                                       "data store");
    rpt_finding(&r, "data-loss", PG_SEV_MEDIUM,
                "{'address':'aws_dynamodb_table.orders','type':'aws_dynamodb_table','change':{'actions':['delete','create']}}",
                "orders holds data");
    cr_assert_str_eq(sentence(&r, &b), "FAIL: do not apply: 4 blocking findings (at or above high); data is lost in 2 "
                                       "data stores (every item of 1 table)");
    r.verdict = PG_VERDICT_PASS; /* the wording only: a PASS says the loss too */
    cr_assert_str_eq(sentence(&r, &b), "PASS: 1 finding waived, 5 below the threshold (high); note: data is lost in 2 "
                                       "data stores (every item of 1 table)");
    pg_report_dispose(&r);
    pg_buf_dispose(&b);
}

/* MARK: width */

static size_t widest_line(const char *s)
{
    size_t w = 0, cur = 0;

    for (; *s; s++) {
        if (*s == '\n') {
            cur = 0;
            continue;
        }
        if (((unsigned char)*s & 0xC0) != 0x80 && ++cur > w)
            w = cur;
    }
    return w;
}

/* The first line wider than `w` columns, or NULL (for the message). */
static char *wide_line(const char *s, size_t w)
{
    while (*s) {
        const char *e = strchr(s, '\n');
        size_t n = e ? (size_t)(e - s) : strlen(s), cols = 0, i;
        for (i = 0; i < n; i++)
            cols += ((unsigned char)s[i] & 0xC0) != 0x80;
        if (cols > w)
            return strndup(s, n);
        if (!e)
            break;
        s = e + 1;
    }
    return NULL;
}

static char *render_width(const pg_report *r, int width)
{
    pg_report_style st = {.color = 0, .quiet = 0, .version = "0.1.0", .width = width};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    cr_assert_not_null(f);
    cr_assert_eq(pg_report_write(r, PG_FORMAT_TEXT, &st, f, NULL), 0);
    fclose(f);
    return buf;
}

Test(report_width, wraps_at_the_width_it_is_given)
{
    pg_report r;
    char *w60, *w80, *w0, *w10, *w120;

    rpt_fixture_fail(&r);
    w60 = render_width(&r, 60);
    w80 = render_width(&r, 80);
    w0 = render_width(&r, 0);
    w10 = render_width(&r, 10);
    w120 = render_width(&r, 120);
    cr_assert_leq(widest_line(w60), 60, "%s", wide_line(w60, 60));
    cr_assert_gt(widest_line(w80), 60);
    cr_assert_leq(widest_line(w80), 80);
    cr_assert_str_eq(w0, w80, "0 is 80 columns");
    {
        char *w40 = render_width(&r, 40), *w500 = render_width(&r, 500), *w200 = render_width(&r, 200);
        cr_assert_str_eq(w10, w40, "clamped to 40 columns");
        cr_assert_str_eq(w500, w200, "clamped to 200 columns");
        free(w40);
        free(w500);
        free(w200);
    }
    cr_assert_gt(widest_line(w120), 80);
    /* a wrapped line keeps its indent: the message of a finding goes on at 4 columns */
    cr_assert_not_null(strstr(w60, "\n    aws_dynamodb_table.orders is replaced because hash_key\n    changes"), "%s",
                       w60);
    free(w60);
    free(w80);
    free(w0);
    free(w10);
    free(w120);
    pg_report_dispose(&r);
}

static void run_case(const char *name, const char *const *env, const char *const *extra, const char *golden)
{
    char dir[512];
    const char *argv[8] = {"check", "plan.json", NULL};
    pg_test_run_opts o;
    pg_test_run_result res;
    size_t i, n = 2;

    for (i = 0; extra && extra[i]; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    snprintf(dir, sizeof dir, "%s/plans/%s", PG_TESTDATA, name);
    memset(&o, 0, sizeof o);
    o.cwd = dir;
    o.env = env;
    cr_assert_eq(pg_test_run_ex(&res, argv, &o), 0);
    cr_assert(res.exit_code == 1 || res.exit_code == 3, "%s: exit %d", name, res.exit_code);
    rpt_golden(golden, res.out, res.out_len);
    pg_test_run_free(&res);
}

static const char *const fixed_env[] = {"SOURCE_DATE_EPOCH=1795478400", "COLUMNS=", "NO_COLOR=1", NULL};

Test(report_width, columns_is_honoured_without_a_terminal)
{
    static const char *const env60[] = {"SOURCE_DATE_EPOCH=1795478400", "COLUMNS=60", "NO_COLOR=1", NULL};
    char dir[512];
    const char *argv[] = {"check", "plan.json", NULL};
    pg_test_run_opts o;
    pg_test_run_result res;

    snprintf(dir, sizeof dir, "%s/plans/rep-mixed", PG_TESTDATA);
    memset(&o, 0, sizeof o);
    o.cwd = dir;
    o.env = env60;
    cr_assert_eq(pg_test_run_ex(&res, argv, &o), 0);
    cr_assert_eq(res.exit_code, 1);
    cr_assert_leq(widest_line(res.out), 60, "%s", res.out);
    cr_assert_not_null(strstr(res.out, "FAIL: do not apply: 3 blocking findings (at or above high);\n      data is lost"));
    pg_test_run_free(&res);
}

/* MARK: the plans an operator reads (goldens) */

Test(report_plans, big_tables_text)
{
    run_case("rep-big-tables", fixed_env, NULL, "rep-big-tables.txt");
}

Test(report_plans, big_deletes_text)
{
    run_case("rep-big-deletes", fixed_env, NULL, "rep-big-deletes.txt");
}

Test(report_plans, mixed_text)
{
    run_case("rep-mixed", fixed_env, NULL, "rep-mixed.txt");
}

Test(report_plans, mixed_quiet_text)
{
    static const char *const quiet[] = {"--quiet", NULL};
    run_case("rep-mixed", fixed_env, quiet, "rep-mixed.quiet.txt");
}

Test(report_plans, error_text)
{
    run_case("rep-error", fixed_env, NULL, "rep-error.txt");
}

Test(report_plans, big_plans_read_short)
{
    char *t = pg_test_read_file(PG_TESTDATA "/reports/rep-big-tables.txt", NULL);
    char *d = pg_test_read_file(PG_TESTDATA "/reports/rep-big-deletes.txt", NULL);
    size_t lines = 0;
    const char *p;

    cr_assert_not_null(t);
    cr_assert_not_null(d);
    for (p = t; *p; p++)
        lines += *p == '\n';
    cr_assert_lt(lines, 1200, "120 replaced tables read in %zu lines", lines);
    /* the 3 protected tables come before the 400 ordinary deletes, which are one line */
    cr_assert_lt(strstr(d, "aws_dynamodb_table.payments"), strstr(d, "aws_instance.worker"));
    cr_assert_not_null(strstr(d, "  DELETE   aws_instance.worker[0..399] (400): not in the configuration\n"));
    cr_assert_not_null(strstr(d, "name payments-prod  PROTECTED"));
    free(t);
    free(d);
    /* the mixed plan: a forgotten resource is listed, a sensitive map's keys never appear */
    t = pg_test_read_file(PG_TESTDATA "/reports/rep-mixed.txt", NULL);
    cr_assert_not_null(t);
    cr_assert_not_null(strstr(t, "\nForgotten (removed from the state; the object is kept) (1)\n  aws_iam_role.old\n"));
    cr_assert_not_null(strstr(t, "aws_ssm_parameter.cfg: forced by: name, tags\n"));
    cr_assert_null(strstr(t, "team-secret-key"));
    cr_assert_null(strstr(t, "hunter"));
    cr_assert_not_null(strstr(t, "  DELETE   aws_sqs_queue.q[*] (3): for_each key removed\n"));
    free(t);
}

/* MARK: values */

Test(report_values, no_arrow_where_nothing_changes_and_blocks_summarised)
{
    pg_report r;
    pg_finding *f;
    char *out;

    pg_report_init(&r);
    r.verdict = PG_VERDICT_PASS;
    f = rpt_finding(&r, "r", PG_SEV_LOW, "{'address':'aws_dynamodb_table.t','type':'aws_dynamodb_table','change':"
                                         "{'actions':['update']}}",
                    "m");
    rpt_evidence(f, "point_in_time_recovery[0].enabled", "false", "false");
    rpt_evidence(f, "stream_view_type", "null", "null");
    rpt_evidence(f, "ttl", NULL, "null");
    rpt_evidence(f, "global_secondary_index",
                 "[{'name':'by_customer','hash_key':'customerId','range_key':'createdAt','projection_type':'ALL',"
                 "'read_capacity':0}]",
                 "'(known after apply)'");
    rpt_evidence(f, "range_key", "'a'", "'b'");
    out = render_width(&r, 80);
    cr_assert_not_null(strstr(out, "point_in_time_recovery[0].enabled  = false (unchanged)\n"), "%s", out);
    cr_assert_not_null(strstr(out, "stream_view_type        not set (unchanged)\n"), "%s", out);
    cr_assert_not_null(strstr(out, "ttl                     not set\n"), "%s", out);
    /* a named block is its name and keys, and a wrapped value keeps its column */
    cr_assert_not_null(strstr(out, "global_secondary_index  by_customer (hash customerId, range createdAt,\n"
                                   "                              projection ALL) → (known after apply)\n"),
                       "%s", out);
    cr_assert_not_null(strstr(out, "range_key               a → b\n"), "%s", out);
    cr_assert_null(strstr(out, "false → false"));
    cr_assert_null(strstr(out, "(none)"));
    free(out);
    pg_report_dispose(&r);
}

Test(report_values, a_long_value_is_cut_and_keeps_its_indent)
{
    pg_report r;
    pg_finding *f;
    char value[600], *out;
    const char *p;
    size_t i;

    pg_report_init(&r);
    r.verdict = PG_VERDICT_PASS;
    f = rpt_finding(&r, "r", PG_SEV_LOW, "{'address':'aws_iam_policy.p','type':'aws_iam_policy','change':"
                                         "{'actions':['update']}}",
                    "m");
    /* a policy document with no space in it: one word of 180 columns */
    memcpy(value, "'", 1);
    for (i = 1; i < 181; i++)
        value[i] = (char)('a' + i % 26);
    memcpy(value + 181, "'", 2);
    rpt_evidence(f, "policy", value, NULL);
    out = render_width(&r, 60);
    cr_assert_leq(widest_line(out), 60, "%s", wide_line(out, 60));
    p = strstr(out, "      policy  ");
    cr_assert_not_null(p, "%s", out);
    /* the pieces after the first start at the value's column (14) */
    p = strchr(p, '\n');
    cr_assert_eq(strncmp(p, "\n              ", 15), 0, "%s", out);
    cr_assert_neq(p[15], ' ');
    free(out);
    pg_report_dispose(&r);
}

/* The order is the model's, so every format follows it: in the Markdown
 * comment the 3 protected tables lead the destroy table instead of falling
 * into "… and 353 more". */
Test(report_plans, markdown_lists_the_protected_tables_first)
{
    char dir[512];
    const char *argv[] = {"check", "--format", "markdown", "plan.json", NULL};
    pg_test_run_opts o;
    pg_test_run_result res;
    const char *table, *first;

    snprintf(dir, sizeof dir, "%s/plans/rep-big-deletes", PG_TESTDATA);
    memset(&o, 0, sizeof o);
    o.cwd = dir;
    o.env = fixed_env;
    cr_assert_eq(pg_test_run_ex(&res, argv, &o), 0);
    cr_assert_eq(res.exit_code, 1);
    table = strstr(res.out, "| Action | Address | Why |");
    cr_assert_not_null(table, "%s", res.out);
    first = strstr(table, "\n|") ? strstr(strstr(table, "\n|") + 1, "\n|") : NULL; /* past the --- row */
    cr_assert_not_null(first);
    /* the first row is a protected table */
    cr_assert_eq(strncmp(strchr(first + 1, '`'), "`aws_dynamodb_table.customers` |", 32), 0, "%s", first);
    cr_assert_lt(strstr(first, "**protected**"), strchr(first + 1, '`'));
    cr_assert_lt(strstr(first, "`aws_dynamodb_table.payments` |"), strstr(first, "`aws_instance.worker[0]`"));
    pg_test_run_free(&res);
}
