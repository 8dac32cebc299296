/* test_policy_address.c — address patterns (issue 13, docs/policies.md
 * "Address patterns"): Terraform's address grammar, a name without a key
 * covering all its instances, keys compared by value, and the one matcher
 * applied by protect: selectors, rule match.address and waivers alike. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdio.h>
#include <string.h>

#include "plangate/plangate.h"
#include "support.h"

/* Criterion runs each parameter in a worker of its own: the strings live
 * in the struct, not behind pointers. */
typedef struct addr_case {
    char pattern[64];
    char address[64];
    int covers;
} addr_case;

/* Not const: Criterion's cr_make_param_array casts the array to void * (clang -Wcast-qual). */
static addr_case cases[] = {
    /* a name without an instance key covers all its instances */
    {"aws_s3_bucket.b", "aws_s3_bucket.b", 1},
    {"aws_s3_bucket.b", "aws_s3_bucket.b[0]", 1},
    {"aws_s3_bucket.b", "aws_s3_bucket.b[\"x\"]", 1},
    {"aws_s3_bucket.b", "aws_s3_bucket.bb", 0},
    {"aws_s3_bucket.b", "aws_s3_bucket.b2[0]", 0},
    {"aws_s3_bucket.b", "module.m.aws_s3_bucket.b", 0},
    {"module.payments.*", "module.payments.aws_dynamodb_table.this", 1},
    {"module.payments.*", "module.payments[\"eu\"].aws_dynamodb_table.this", 1},
    {"module.payments.*", "module.payments[0].x.y", 1},
    {"module.payments.*", "module.payments[0].module.inner[\"k\"].x.y[3]", 1},
    {"module.payments.*", "module.payments_v2.x.y", 0},
    {"module.payments.*", "module.paymentsx[0].x.y", 0},
    {"module.payments.*", "aws_s3_bucket.payments", 0},
    {"module.a.aws_s3_bucket.b", "module.a[\"x\"].aws_s3_bucket.b[2]", 1},
    {"module.a.module.b.t.n", "module.a[1].module.b[\"k\"].t.n", 1},
    /* a pattern that names an index covers that instance only */
    {"module.a[\"x\"].*", "module.a[\"x\"].t.n", 1},
    {"module.a[\"x\"].*", "module.a[\"y\"].t.n", 0},
    {"module.a[\"x\"].*", "module.a.t.n", 0},
    {"module.a[\"x\"].*", "module.a[0].t.n", 0},
    {"aws_s3_bucket.b[0]", "aws_s3_bucket.b[0]", 1},
    {"aws_s3_bucket.b[0]", "aws_s3_bucket.b[1]", 0},
    {"aws_s3_bucket.b[0]", "aws_s3_bucket.b[\"0\"]", 0},
    {"aws_s3_bucket.b[\"0\"]", "aws_s3_bucket.b[0]", 0},
    {"aws_s3_bucket.b[0]", "aws_s3_bucket.b[00]", 0},
    {"aws_s3_bucket.b[\"x\"]", "aws_s3_bucket.b", 0},
    /* `*` inside an index matches keys */
    {"aws_s3_bucket.b[*]", "aws_s3_bucket.b[0]", 1},
    {"aws_s3_bucket.b[*]", "aws_s3_bucket.b[\"a.b\"]", 1},
    {"aws_s3_bucket.b[*]", "aws_s3_bucket.b", 0},
    {"aws_s3_bucket.b[\"tmp-*\"]", "aws_s3_bucket.b[\"tmp-1\"]", 1},
    {"aws_s3_bucket.b[\"tmp-*\"]", "aws_s3_bucket.b[\"prod-1\"]", 0},
    {"aws_s3_bucket.b[\"tmp-*\"]", "aws_s3_bucket.b[0]", 0},
    {"aws_s3_bucket.b[\"?\"]", "aws_s3_bucket.b[\"\xc3\xa9\"]", 1},
    {"module.a[*].t.n", "module.a[\"eu\"].t.n", 1},
    {"module.a[*].t.n", "module.a[\"eu\"].t.n[4]", 1},
    {"module.a[*].t.n", "module.a.t.n", 0},
    /* keys hold any character: one unit, compared by value */
    {"aws_s3_bucket.b[\"a.b*[c]\"]", "aws_s3_bucket.b[\"a.b*[c]\"]", 1}, /* the wildcard takes the star too */
    {"aws_s3_bucket.b[\"a.b*[c]\"]", "aws_s3_bucket.b[\"a.bXY[c]\"]", 1},
    {"aws_s3_bucket.b[\"a.b*[c]\"]", "aws_s3_bucket.b[\"a.b[c]x\"]", 0},
    {"aws_s3_bucket.b[\"a.b\\*[c]\"]", "aws_s3_bucket.b[\"a.b*[c]\"]", 1},
    {"aws_s3_bucket.b[\"a.b\\*[c]\"]", "aws_s3_bucket.b[\"a.bx[c]\"]", 0},
    {"aws_s3_bucket.b[\"a.b*\"]", "aws_s3_bucket.b[\"a.b*[c]\"]", 1},
    {"aws_s3_bucket.b[\"say \\\"hi\\\"\"]", "aws_s3_bucket.b[\"say \\\"hi\\\"\"]", 1},
    {"aws_s3_bucket.b[\"a\\\\b\"]", "aws_s3_bucket.b[\"a\\\\b\"]", 1},
    {"aws_s3_bucket.b[\"line\\nbreak\"]", "aws_s3_bucket.b[\"line\\nbreak\"]", 1},
    {"aws_s3_bucket.b[\"\\u00e9\"]", "aws_s3_bucket.b[\"\xc3\xa9\"]", 1},
    {"aws_s3_bucket.b[\"${x}\"]", "aws_s3_bucket.b[\"$${x}\"]", 1},
    {"aws_s3_bucket.b[\"$${x}\"]", "aws_s3_bucket.b[\"$${x}\"]", 1},
    {"aws_s3_bucket.b[\"%%{x}\"]", "aws_s3_bucket.b[\"%%{x}\"]", 1},
    {"aws_s3_bucket.b[\"$$x\"]", "aws_s3_bucket.b[\"$x\"]", 0},
    {"module.m[\"a].b\"].*", "module.m[\"a].b\"].t.n", 1},
    {"module.m.*", "module.m[\"a].b\"].t.n", 1},
    {"module.m[\"a\"].*", "module.m[\"a].b\"].t.n", 0},
    /* a key in the address is never split at what it holds */
    {"aws_s3_bucket.b", "aws_s3_bucket.b[\"].x\"]", 1},
    {"*.x", "aws_s3_bucket.b[\"a.x\"]", 0},
    /* `*` outside keys: any run of steps, names and keys (as before) */
    {"*", "module.a[0].t.n[\"x\"]", 1},
    {"*", "", 1},
    {"*.logs", "aws_s3_bucket.logs", 1},
    {"*.logs", "module.a[\"x\"].aws_s3_bucket.logs[1]", 1},
    {"aws_dynamodb_table.*", "aws_dynamodb_table.t[\"k\"]", 1},
    {"aws_dynamodb_table.*", "module.a.aws_dynamodb_table.t", 0},
    {"module.*", "module.a.t.n", 1},
    {"aws_s3_bucket.log*", "aws_s3_bucket.logs[\"a\"]", 1},
    {"aws_s3_bucket.lo?s", "aws_s3_bucket.logs", 1},
    {"aws_s3_bucket.lo?s", "aws_s3_bucket.log[0]", 0},
    {"data.aws_iam_policy_document.p", "data.aws_iam_policy_document.p[0]", 1},
    {"aws_s3_bucket.\\*", "aws_s3_bucket.*", 1},
    {"aws_s3_bucket.\\*", "aws_s3_bucket.b", 0},
    {"", "", 1},
    {"", "aws_s3_bucket.b", 0},
    {"aws_s3_bucket.b", "", 0},
};

ParameterizedTestParameters(policy_address, covers)
{
    return cr_make_param_array(addr_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(const addr_case *c, policy_address, covers)
{
    pg_error err;
    int out = -1;

    pg_error_clear(&err);
    cr_assert_eq(pg_policy_address_covers(c->pattern, c->address, &out, &err), 0, "%s: %s", c->pattern, err.message);
    cr_assert_eq(out, c->covers, "%s against %s: got %d", c->pattern, c->address, out);
}

typedef struct bad_case {
    char pattern[64];
    char message[128];
} bad_case;

static bad_case bad[] = {
    {"aws_s3_bucket.b[", "address pattern \"aws_s3_bucket.b[\": an instance key is [N], [*] or [\"key\"] (byte 16)"},
    {"aws_s3_bucket.b[x]", "an instance key is [N], [*] or [\"key\"] (byte 16)"},
    {"aws_s3_bucket.b[1*]", "an instance key is [N], [*] or [\"key\"] (byte 16)"},
    {"aws_s3_bucket.b[\"x", "an instance key that starts with [\" ends with \"] (byte 16)"},
    {"aws_s3_bucket.b[\"x\"", "an instance key that starts with [\" ends with \"] (byte 16)"},
    {"aws_s3_bucket.b[\"\\q\"]", "an unknown escape in an instance key"},
    {"aws_s3_bucket.b]", "']' outside an instance key (\\] is a literal one) (byte 16)"},
    {"module.app[\"eu-*.*", "ends with \"]"},
};

ParameterizedTestParameters(policy_address, malformed)
{
    return cr_make_param_array(bad_case, bad, sizeof bad / sizeof bad[0]);
}

ParameterizedTest(const bad_case *c, policy_address, malformed)
{
    pg_error err;
    int out = -1;

    pg_error_clear(&err);
    cr_assert_eq(pg_policy_address_covers(c->pattern, "aws_s3_bucket.b", &out, &err), PG_EPOLICY, "%s", c->pattern);
    cr_assert(strstr(err.message, c->message), "%s: %s", c->pattern, err.message);
    cr_assert_eq(out, 0);
}

/* Long patterns and addresses: the state sets leave the stack, and a key
 * of 100 000 characters is one unit. */
Test(policy_address, long_inputs)
{
    static char pattern[400], address[100100];
    pg_error err;
    size_t i;
    int out = 0;

    for (i = 0; i < 300; i += 3)
        memcpy(pattern + i, "*a.", 3);
    memcpy(pattern + 300, "b", 2);
    memcpy(address, "aws_s3_bucket.b[\"", 17);
    memset(address + 17, 'x', 100000);
    memcpy(address + 100017, "\"]", 3);
    pg_error_clear(&err);
    cr_assert_eq(pg_policy_address_covers("aws_s3_bucket.b", address, &out, &err), 0);
    cr_assert_eq(out, 1);
    cr_assert_eq(pg_policy_address_covers("aws_s3_bucket.b[\"x*x\"]", address, &out, &err), 0);
    cr_assert_eq(out, 1);
    cr_assert_eq(pg_policy_address_covers("aws_s3_bucket.b[\"x*y\"]", address, &out, &err), 0);
    cr_assert_eq(out, 0);
    cr_assert_eq(pg_policy_address_covers(pattern, "a.a.a.b", &out, &err), 0);
    cr_assert_eq(out, 0); /* 100 `*a.` steps need 100 dots */
    memset(address, 0, sizeof address);
    for (i = 0; i < 100 * 2; i += 2)
        memcpy(address + i, "a.", 2);
    address[200] = 'b';
    cr_assert_eq(pg_policy_address_covers(pattern, address, &out, &err), 0);
    cr_assert_eq(out, 1);
}

/* ---- one matcher in selectors, rules and waivers ---------------------------------------- */

static pg_policy *load(const char *yaml, pg_error *err)
{
    pg_policy *p = pg_test_policy_new();

    cr_assert(p);
    pg_error_clear(err);
    if (pg_policy_load_string(p, "a.yaml", yaml, strlen(yaml), err) != 0) {
        pg_policy_free(p);
        return NULL;
    }
    return p;
}

/* A planned change at `address` with `actions`: a table tagged nothing. */
static void change_at(pg_change *c, const char *address, const char *actions)
{
    char json[1024];
    json_t *v;
    pg_error err;

    snprintf(json, sizeof json,
             "{\"address\":%s,\"mode\":\"managed\",\"type\":\"aws_s3_bucket\",\"name\":\"b\","
             "\"change\":{\"actions\":%s,\"before\":{\"bucket\":\"x\"},\"after\":%s,\"after_unknown\":{}}}",
             address, actions, strstr(actions, "create") || strstr(actions, "update") ? "{\"bucket\":\"x\"}" : "null");
    v = json_loads(json, 0, NULL);
    cr_assert(v, "%s", json);
    cr_assert_eq(pg_change_init(c, v, PG_ORIGIN_PLANNED, &err), 0, "%s", err.message);
}

static int protects(const pg_policy *p, const char *address)
{
    pg_change c;
    pg_error err;
    int out = -1;

    change_at(&c, address, "[\"delete\"]");
    cr_assert_eq(pg_policy_protects(p, &c, &out, NULL, &err), 0);
    pg_change_dispose(&c);
    return out;
}

static size_t rule_fires(const pg_policy *p, const char *address)
{
    pg_change c;
    pg_findings f;
    pg_error err;
    size_t n;

    pg_findings_init(&f);
    change_at(&c, address, "[\"update\"]");
    cr_assert_eq(pg_policy_eval_change(p, &c, &f, &err), 0);
    n = f.count;
    pg_findings_dispose(&f);
    pg_change_dispose(&c);
    return n;
}

Test(policy_address, selectors_rules_and_waivers_share_the_matcher)
{
    static const char *const yaml = "version: 1\n"
                                    "protect:\n"
                                    "  - address: \"module.payments.*\"\n"
                                    "rules:\n"
                                    "  - id: r\n"
                                    "    severity: high\n"
                                    "    match: { address: aws_s3_bucket.b }\n"
                                    "waivers:\n"
                                    "  - { rule: r, address: 'aws_s3_bucket.b[\"keep\"]', reason: trusted }\n";
    static const char *const change_yaml = "version: 1\n"
                                           "waivers:\n"
                                           "  - rule: r\n"
                                           "    address: 'aws_s3_bucket.b[\"tmp-*\"]'\n"
                                           "    reason: from the change\n"
                                           "    expires: 2026-12-01\n";
    pg_error err;
    pg_policy *p = load(yaml, &err);
    pg_findings f;
    pg_change c;
    pg_waiver_status *st;
    size_t n, i;

    cr_assert(p, "%s", err.message);
    cr_assert_eq(pg_policy_load_waivers_string(p, "c.yaml", change_yaml, strlen(change_yaml), "2026-11-24", &err), 0,
                 "%s", err.message);
    cr_assert_eq(protects(p, "\"module.payments.aws_s3_bucket.b\""), 1);
    cr_assert_eq(protects(p, "\"module.payments[\\\"eu\\\"].aws_s3_bucket.b\""), 1);
    cr_assert_eq(protects(p, "\"module.payments[0].aws_s3_bucket.b[\\\"a.b\\\"]\""), 1);
    cr_assert_eq(protects(p, "\"module.paymentsx[0].aws_s3_bucket.b\""), 0);
    cr_assert_eq(rule_fires(p, "\"aws_s3_bucket.b\""), 1);
    cr_assert_eq(rule_fires(p, "\"aws_s3_bucket.b[3]\""), 1);
    cr_assert_eq(rule_fires(p, "\"aws_s3_bucket.b[\\\"k\\\"]\""), 1);
    cr_assert_eq(rule_fires(p, "\"aws_s3_bucket.bc\""), 0);

    /* the trusted waiver names one instance, the change's a key pattern */
    pg_findings_init(&f);
    for (i = 0; i < 4; i++) {
        static const char *const at[] = {"\"aws_s3_bucket.b[\\\"keep\\\"]\"", "\"aws_s3_bucket.b[\\\"tmp-1\\\"]\"",
                                         "\"aws_s3_bucket.b[\\\"prod\\\"]\"", "\"aws_s3_bucket.b\""};
        change_at(&c, at[i], "[\"update\"]");
        cr_assert_eq(pg_policy_eval_change(p, &c, &f, &err), 0);
        pg_change_dispose(&c);
    }
    cr_assert_eq(f.count, 4);
    cr_assert_eq(pg_policy_apply_waivers(p, &f, "2026-11-24", &st, &n, &err), 0);
    cr_assert_eq(n, 2);
    cr_assert(f.items[0]->waived && f.items[1]->waived);
    cr_assert(!f.items[2]->waived && !f.items[3]->waived);
    cr_assert_eq(st[0].matched, 1);
    cr_assert_eq(st[1].matched, 1);
    pg_free(st);
    pg_findings_dispose(&f);
    pg_policy_free(p);
}

Test(policy_address, a_malformed_pattern_is_a_load_error_where_it_is_written)
{
    static const char *const docs[][2] = {
        {"version: 1\nprotect:\n  - address: 'module.a[\"x'\n", "a.yaml:3:14: address pattern"},
        {"version: 1\nrules:\n  - id: r\n    severity: low\n    match: { address: 'x.y[z]' }\n",
         "a.yaml:5:23: address pattern"},
        {"version: 1\nwaivers:\n  - { rule: r, address: 'x.y]', reason: r }\n", "a.yaml:3:25: address pattern"},
    };
    char line[1024];
    pg_error err;
    size_t i;

    for (i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        cr_assert_null(load(docs[i][0], &err), "%s", docs[i][0]);
        pg_error_format(&err, line, sizeof line);
        cr_assert(strstr(line, docs[i][1]), "%s", line);
    }
}
