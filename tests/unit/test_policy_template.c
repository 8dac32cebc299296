/* test_policy_template.c — rule messages and remediations: placeholders,
 * redaction of sensitive and unknown values, escapes, HCL braces. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "plangate/plangate.h"
#include "support.h"

#define X10 "xxxxxxxxxx"
#define X100 X10 X10 X10 X10 X10 X10 X10 X10 X10 X10
#define X1000 X100 X100 X100 X100 X100 X100 X100 X100 X100 X100

static const char *CHANGE =
    "{\"address\":\"module.db.aws_dynamodb_table.orders[0]\",\"type\":\"aws_dynamodb_table\",\"name\":\"orders\","
    "\"change\":{\"actions\":[\"delete\",\"create\"],"
    "\"before\":{\"name\":\"orders-v1\",\"hash_key\":\"orderId\",\"password\":\"hunter2\","
    "\"tags\":{\"Environment\":\"production\",\"Secret\":\"s3\"}},"
    "\"after\":{\"name\":\"orders-v2\",\"hash_key\":\"customerId\",\"password\":\"hunter3\","
    "\"tags\":{\"Environment\":\"production\",\"Secret\":\"s4\"},"
    "\"gsi\":[{\"name\":\"a\"},{\"name\":\"b\"}],\"n\":5,\"flag\":true,\"doc\":\"" X1000 "\",\"r\":0.1,\"obj\":{\"k\":[1,2]}},"
    "\"after_unknown\":{\"arn\":true,\"stream\":[{\"label\":true}]},"
    "\"before_sensitive\":{\"password\":true,\"tags\":{\"Secret\":true}},"
    "\"after_sensitive\":{\"password\":true,\"tags\":{\"Secret\":true}}}}";

/* Render `message` (and `remediation`, when given) for CHANGE. */
static void render(const char *message, const char *remediation, char *msg_out, char *rem_out, size_t size)
{
    char yaml[2048];
    pg_policy *p = pg_test_policy_new();
    pg_findings f;
    pg_change c;
    pg_error err;
    json_error_t jerr;
    json_t *v;
    int n;

    n = snprintf(yaml, sizeof yaml, "version: 1\nrules:\n  - id: tmpl\n    title: \"The {title}\"\n    severity: low\n"
                                    "    match: { actions: [replace] }\n");
    if (message)
        n += snprintf(yaml + n, sizeof yaml - (size_t)n, "    message: '%s'\n", message);
    if (remediation)
        snprintf(yaml + n, sizeof yaml - (size_t)n, "    remediation: '%s'\n", remediation);
    pg_error_clear(&err);
    cr_assert_eq(pg_policy_load_string(p, "t.yaml", yaml, strlen(yaml), &err), 0, "%s\n%s", err.message, yaml);
    v = json_loads(CHANGE, 0, &jerr);
    cr_assert(v, "%s", jerr.text);
    cr_assert_eq(pg_change_init(&c, v, PG_ORIGIN_PLANNED, &err), 0);
    pg_findings_init(&f);
    cr_assert_eq(pg_policy_eval_change(p, &c, &f, &err), 0);
    cr_assert_eq(f.count, 1);
    snprintf(msg_out, size, "%s", f.items[0]->message);
    if (rem_out)
        snprintf(rem_out, size, "%s", f.items[0]->remediation ? f.items[0]->remediation : "(none)");
    pg_findings_dispose(&f);
    pg_change_dispose(&c);
    pg_policy_free(p);
}

static void expect(const char *message, const char *want)
{
    char got[4096];

    render(message, NULL, got, NULL, sizeof got);
    cr_assert_str_eq(got, want, "template: %s", message);
}

Test(policy_template, change_fields)
{
    expect("{address}", "module.db.aws_dynamodb_table.orders[0]");
    expect("{type}/{name}/{actions}/{rule}", "aws_dynamodb_table/orders/replace/tmpl");
}

Test(policy_template, values)
{
    expect("{before.hash_key} -> {after.hash_key}", "orderId -> customerId");
    expect("{after.tags.Environment}", "production");
    expect("{after.n} {after.flag}", "5 true");
    expect("{after.obj}", "{\"k\":[1,2]}");
    expect("{after.gsi[*].name}", "a, b");
    expect("{after.gsi[1].name}", "b");
    expect("{after.missing}", "(absent)");
    expect("{before.name} is now {after.name}", "orders-v1 is now orders-v2");
}

Test(policy_template, sensitive_and_unknown)
{
    expect("{before.password} {after.password}", "(sensitive) (sensitive)");
    expect("{after.tags.Secret}", "(sensitive)");
    /* a whole map with one sensitive member: only that member is hidden */
    expect("{after.tags}", "{\"Environment\":\"production\",\"Secret\":\"(sensitive)\"}");
    expect("{after.arn}", "(known after apply)");
    expect("{after.stream[0].label}", "(known after apply)");
    /* after_unknown itself is plain data */
    expect("{after_unknown.arn}", "true");
}

Test(policy_template, braces)
{
    expect("{{address}}", "{address}");
    expect("a }} b {{", "a } b {");
    /* braces around more than one token are literal: HCL in remediations */
    expect("point_in_time_recovery { enabled = true }", "point_in_time_recovery { enabled = true }");
    expect("{ }", "{ }");
    expect("unclosed {address", "unclosed {address");
    expect("lone } brace", "lone } brace");
}

Test(policy_template, default_message_is_the_title)
{
    char got[256];

    render(NULL, NULL, got, NULL, sizeof got);
    cr_assert_str_eq(got, "The {title}"); /* the title is printed verbatim */
}

Test(policy_template, remediation_is_a_template)
{
    char msg[256], rem[256];

    render("m", "set hash_key back to {before.hash_key}", msg, rem, sizeof msg);
    cr_assert_str_eq(rem, "set hash_key back to orderId");
}

Test(policy_template, long_values_are_cut)
{
    char got[8192], tmpl[2048];
    size_t o = 0;
    int i;

    for (i = 0; i < 200; i++)
        o += (size_t)snprintf(tmpl + o, sizeof tmpl - o, "{address}");
    render(tmpl, NULL, got, NULL, sizeof got);
    cr_assert_eq(strlen(got), 4096); /* PG_POLICY_MAX_MESSAGE */
}

/* A placeholder's value has the message's whole room (PG_POLICY_MAX_MESSAGE),
 * not a smaller cap of its own (issue 13: it was cut at 255 bytes). */
Test(policy_template, placeholder_values_fill_the_message)
{
    char got[8192];
    size_t n;

    render("{after.doc}", NULL, got, NULL, sizeof got);
    cr_assert_str_eq(got, X1000);
    render("{after.doc}{after.doc}{after.doc}{after.doc}{after.doc}", NULL, got, NULL, sizeof got);
    n = strlen(got);
    cr_assert_eq(n, 4096, "%zu", n); /* PG_POLICY_MAX_MESSAGE */
    cr_assert_str_eq(got + n - 3, "\xe2\x80\xa6", "cut with an ellipsis");
    cr_assert_eq(strspn(got, "x"), 4093);
}

/* Numbers in messages: the shortest round-trip form (issue 13). */
Test(policy_template, numbers_shortest)
{
    expect("{after.r} {after.n}", "0.1 5");
}
