/* test_policy_eval.c — every operator, combinator and modifier of the
 * condition language, on pg_change values built from JSON literals, through
 * the public API: a rule whose `require` is the condition under test fires
 * exactly when the condition does not hold. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plangate/plangate.h"
#include "support.h"

/* ---- helpers ------------------------------------------------------------------ */

/* A few changes may be alive at once in one test: a ring of buffers. */
static char change_bufs[4][8192];
static unsigned change_next;

/* A change of aws_dynamodb_table.t; NULL parts are left out. */
static const char *chg(const char *actions, const char *before, const char *after, const char *unknown,
                       const char *before_sensitive, const char *after_sensitive)
{
    char *change_buf = change_bufs[change_next++ % 4];

    snprintf(change_buf, sizeof change_bufs[0],
             "{\"address\":\"aws_dynamodb_table.t\",\"mode\":\"managed\",\"type\":\"aws_dynamodb_table\","
             "\"name\":\"t\",\"provider_name\":\"registry.terraform.io/hashicorp/aws\","
             "\"change\":{\"actions\":%s,\"before\":%s,\"after\":%s,\"after_unknown\":%s,"
             "\"before_sensitive\":%s,\"after_sensitive\":%s}}",
             actions ? actions : "[\"update\"]", before ? before : "null", after ? after : "null",
             unknown ? unknown : "{}", before_sensitive ? before_sensitive : "{}",
             after_sensitive ? after_sensitive : "{}");
    return change_buf;
}

/* An update whose after is `after` (before is the same). */
static const char *upd(const char *after)
{
    return chg(NULL, after, after, NULL, NULL, NULL);
}

static pg_policy *policy_of(const char *yaml)
{
    pg_policy *p = pg_test_policy_new();
    pg_error err;

    pg_error_clear(&err);
    cr_assert(p);
    cr_assert_eq(pg_policy_load_string(p, "t.yaml", yaml, strlen(yaml), &err), 0, "%s:%d:%d: %s\n%s",
                 err.source, err.line, err.column, err.message, yaml);
    return p;
}

static void change_of(pg_change *c, const char *json, pg_change_origin origin)
{
    json_error_t jerr;
    json_t *v = json_loads(json, JSON_ALLOW_NUL, &jerr); /* the plan reader keeps \u0000 */
    pg_error err;

    cr_assert(v, "bad test JSON: %s\n%s", jerr.text, json);
    cr_assert_eq(pg_change_init(c, v, origin, &err), 0, "%s", err.message);
}

/* Findings of `p` on `change_json` (a planned change). */
static void eval(const pg_policy *p, const char *change_json, pg_findings *out)
{
    pg_change c;
    pg_error err;

    pg_findings_init(out);
    change_of(&c, change_json, PG_ORIGIN_PLANNED);
    pg_error_clear(&err);
    cr_assert_eq(pg_policy_eval_change(p, &c, out, &err), 0, "%s", err.message);
    pg_change_dispose(&c);
}

/* Does the condition (a YAML flow mapping) hold for the change? */
static int holds(const char *cond, const char *change_json)
{
    char yaml[4096];
    pg_policy *p;
    pg_findings f;
    int n;

    snprintf(yaml, sizeof yaml,
             "version: 1\nrules:\n  - id: t\n    severity: low\n"
             "    match: { actions: [create, update, replace, delete, no-op, read, forget, unknown] }\n"
             "    require:\n      - %s\n",
             cond);
    p = policy_of(yaml);
    eval(p, change_json, &f);
    n = (int)f.count;
    pg_findings_dispose(&f);
    pg_policy_free(p);
    cr_assert(n <= 1);
    return n == 0;
}

#define HOLDS(cond, change) cr_assert(holds(cond, change), "expected to hold: %s", cond)
#define FAILS(cond, change) cr_assert(!holds(cond, change), "expected to fail: %s", cond)

static const char *TABLE =
    "{\"name\":\"orders\",\"hash_key\":\"orderId\",\"billing_mode\":\"PROVISIONED\",\"read_capacity\":5,"
    "\"write_capacity\":5.5,\"deletion_protection_enabled\":true,\"stream_enabled\":null,"
    "\"tags\":{\"Environment\":\"production\",\"Critical\":\"true\",\"Count\":\"12\",\"cost.centre\":\"42\"},"
    "\"attribute\":[{\"name\":\"orderId\",\"type\":\"S\"},{\"name\":\"customerId\",\"type\":\"S\"}],"
    "\"global_secondary_index\":[{\"name\":\"by-customer\",\"projection_type\":\"KEYS_ONLY\"},"
    "{\"name\":\"by-status\",\"projection_type\":\"ALL\"}],"
    "\"local_secondary_index\":[],\"big\":\"123456789012345678901234567890\",\"label\":\"h\\u00e9llo\"}";

/* ---- equals / not_equals --------------------------------------------------------- */

Test(policy_eval, equals)
{
    const char *c = upd(TABLE);

    HOLDS("{ path: after.name, equals: orders }", c);
    FAILS("{ path: after.name, equals: Orders }", c);
    HOLDS("{ path: after.name, equals: Orders, ignore_case: true }", c);
    HOLDS("{ path: after.read_capacity, equals: 5 }", c);
    HOLDS("{ path: after.read_capacity, equals: 5.0 }", c);   /* numbers numerically */
    HOLDS("{ path: after.write_capacity, equals: 5.5 }", c);
    FAILS("{ path: after.read_capacity, equals: 6 }", c);
    HOLDS("{ path: after.deletion_protection_enabled, equals: true }", c);
    FAILS("{ path: after.deletion_protection_enabled, equals: false }", c);
    FAILS("{ path: after.deletion_protection_enabled, equals: \"yes\" }", c);
    HOLDS("{ path: after.deletion_protection_enabled, equals: \"true\" }", c);
    /* Terraform's conversions: a tag set to true is the string "true" */
    HOLDS("{ path: after.tags.Critical, equals: true }", c);
    HOLDS("{ path: after.tags.Critical, equals: \"true\" }", c);
    FAILS("{ path: after.tags.Critical, equals: false }", c);
    HOLDS("{ path: after.tags.Count, equals: 12 }", c);
    HOLDS("{ path: \"after.tags[\\\"cost.centre\\\"]\", equals: 42 }", c);
    FAILS("{ path: after.name, equals: 0 }", c);
    /* a value too large for int64/double stays text: compared as a number */
    HOLDS("{ path: after.big, equals: 123456789012345678901234567890 }", c);
    /* collections compare element by element */
    HOLDS("{ path: \"after.attribute[0]\", equals: { name: orderId, type: S } }", c);
    FAILS("{ path: \"after.attribute[0]\", equals: { name: orderId } }", c);
    HOLDS("{ path: after.local_secondary_index, equals: [] }", c);
    /* a path with no value fails every operator but exists: false */
    FAILS("{ path: after.missing, equals: x }", c);
    FAILS("{ path: after.stream_enabled, equals: false }", c); /* JSON null is no value */
}

Test(policy_eval, not_equals)
{
    const char *c = upd(TABLE);

    HOLDS("{ path: after.billing_mode, not_equals: PAY_PER_REQUEST }", c);
    FAILS("{ path: after.billing_mode, not_equals: PROVISIONED }", c);
    FAILS("{ path: after.billing_mode, not_equals: provisioned, ignore_case: true }", c);
    FAILS("{ path: after.missing, not_equals: x }", c);
    FAILS("{ path: after.tags.Critical, not_equals: true }", c);
}

/* ---- in / not_in ------------------------------------------------------------------- */

Test(policy_eval, in_and_not_in)
{
    const char *c = upd(TABLE);

    HOLDS("{ path: after.tags.Environment, in: [production, prod] }", c);
    FAILS("{ path: after.tags.Environment, in: [staging, dev] }", c);
    HOLDS("{ path: after.tags.Environment, in: [PRODUCTION], ignore_case: true }", c);
    HOLDS("{ path: after.read_capacity, in: [1, 5, 10] }", c);
    HOLDS("{ path: after.tags.Environment, not_in: [staging, dev] }", c);
    FAILS("{ path: after.tags.Environment, not_in: [production] }", c);
    FAILS("{ path: after.missing, in: [a] }", c);
    FAILS("{ path: after.missing, not_in: [a] }", c);
}

/* ---- matches / glob ------------------------------------------------------------------ */

Test(policy_eval, matches)
{
    const char *c = upd(TABLE);

    HOLDS("{ path: after.name, matches: \"^ord(er)?s$\" }", c);
    FAILS("{ path: after.name, matches: \"^ORDERS$\" }", c);
    HOLDS("{ path: after.name, matches: \"^ORDERS$\", ignore_case: true }", c);
    HOLDS("{ path: after.read_capacity, matches: \"^[0-9]+$\" }", c); /* numbers as text */
    HOLDS("{ path: after.deletion_protection_enabled, matches: \"^true$\" }", c);
    FAILS("{ path: after.attribute, matches: \".*\" }", c);           /* a list is not text */
    FAILS("{ path: after.missing, matches: \".*\" }", c);
}

Test(policy_eval, glob)
{
    const char *c = chg("[\"update\"]", TABLE, TABLE, NULL, NULL, NULL);
    const char *brackets =
        "{\"address\":\"module.app[0].aws_dynamodb_table.t[\\\"prod\\\"]\",\"type\":\"aws_dynamodb_table\","
        "\"change\":{\"actions\":[\"update\"],\"before\":{},\"after\":{}}}";

    HOLDS("{ path: after.name, glob: \"ord*\" }", c);
    HOLDS("{ path: after.name, glob: \"?rders\" }", c);
    FAILS("{ path: after.name, glob: \"ord\" }", c);
    HOLDS("{ path: after.name, glob: \"ORD*\", ignore_case: true }", c);
    HOLDS("{ path: address, glob: \"aws_dynamodb_table.*\" }", c);
    /* brackets are literal: an exact address with brackets matches itself */
    HOLDS("{ path: address, glob: \"module.app[0].aws_dynamodb_table.t[\\\"prod\\\"]\" }", brackets);
    HOLDS("{ path: address, glob: \"module.app[*].*\" }", brackets);
    FAILS("{ path: address, glob: \"module.app[1].*\" }", brackets);
    HOLDS("{ path: address, glob: \"module.app\\\\[0\\\\]*\" }", brackets); /* \\x is a literal x */
}

/* ---- exists ------------------------------------------------------------------------- */

Test(policy_eval, exists)
{
    const char *c = upd(TABLE);
    const char *unknown = chg("[\"create\"]", NULL, "{\"name\":\"t\"}", "{\"arn\":true}", NULL, NULL);

    HOLDS("{ path: after.name, exists: true }", c);
    FAILS("{ path: after.name, exists: false }", c);
    HOLDS("{ path: after.missing, exists: false }", c);
    FAILS("{ path: after.missing, exists: true }", c);
    HOLDS("{ path: after.stream_enabled, exists: false }", c);     /* null */
    HOLDS("{ path: \"after.local_secondary_index[*]\", exists: false }", c); /* empty list */
    HOLDS("{ path: \"after.global_secondary_index[*]\", exists: true }", c);
    HOLDS("{ path: before.name, exists: false }", unknown);          /* before is null on create */
    /* unknown is neither: it fails a require either way, unless if_unknown says */
    FAILS("{ path: after.arn, exists: true }", unknown);
    FAILS("{ path: after.arn, exists: false }", unknown);
    HOLDS("{ path: after.arn, exists: true, if_unknown: pass }", unknown);
    HOLDS("{ path: after_unknown.arn, exists: true }", unknown);
}

/* ---- contains ------------------------------------------------------------------------ */

Test(policy_eval, contains)
{
    const char *c = chg(NULL, TABLE,
                        "{\"name\":\"orders-prod\",\"list\":[\"a\",\"b\",3],\"tags\":{\"Owner\":\"x\"},\"n\":7}",
                        NULL, NULL, NULL);

    HOLDS("{ path: after.name, contains: prod }", c);
    FAILS("{ path: after.name, contains: PROD }", c);
    HOLDS("{ path: after.name, contains: PROD, ignore_case: true }", c);
    HOLDS("{ path: after.list, contains: b }", c);
    HOLDS("{ path: after.list, contains: 3 }", c);
    FAILS("{ path: after.list, contains: c }", c);
    HOLDS("{ path: after.tags, contains: Owner }", c);     /* a map contains a key */
    FAILS("{ path: after.tags, contains: Team }", c);
    FAILS("{ path: after.n, contains: 7 }", c);            /* a number contains nothing */
    FAILS("{ path: after.missing, contains: x }", c);
}

/* ---- greater_than / less_than -------------------------------------------------------- */

Test(policy_eval, ordering)
{
    const char *c = upd(TABLE);

    HOLDS("{ path: after.read_capacity, greater_than: 4 }", c);
    FAILS("{ path: after.read_capacity, greater_than: 5 }", c);
    HOLDS("{ path: after.read_capacity, less_than: 5.5 }", c);
    FAILS("{ path: after.read_capacity, less_than: 5 }", c);
    HOLDS("{ path: after.write_capacity, greater_than: 5 }", c);
    HOLDS("{ path: after.tags.Count, greater_than: 10 }", c);  /* a numeric string */
    HOLDS("{ path: after.big, greater_than: 1e20 }", c);       /* a big number kept as text */
    FAILS("{ path: after.name, greater_than: 0 }", c);         /* not a number */
    FAILS("{ path: after.missing, less_than: 100 }", c);
}

/* ---- changed ----------------------------------------------------------------------------- */

Test(policy_eval, changed)
{
    const char *c = chg("[\"update\"]", "{\"hash_key\":\"a\",\"range_key\":\"r\",\"tags\":{\"x\":\"1\"},\"l\":[1,2]}",
                        "{\"hash_key\":\"b\",\"range_key\":\"r\",\"tags\":{\"x\":\"1\"},\"l\":[1,3],\"new\":1}",
                        NULL, NULL, NULL);
    const char *unknown = chg("[\"update\"]", "{\"hash_key\":\"a\"}", "{}", "{\"hash_key\":true}", NULL, NULL);

    HOLDS("{ path: hash_key, changed: true }", c);
    FAILS("{ path: hash_key, changed: false }", c);
    HOLDS("{ path: range_key, changed: false }", c);
    FAILS("{ path: range_key, changed: true }", c);
    HOLDS("{ path: tags.x, changed: false }", c);
    HOLDS("{ path: \"l[*]\", changed: true }", c);
    HOLDS("{ path: \"l[0]\", changed: false }", c);
    HOLDS("{ path: new, changed: true }", c);          /* appearing is a change */
    HOLDS("{ path: gone, changed: false }", c);        /* absent on both sides: unchanged */
    FAILS("{ path: hash_key, changed: false }", unknown); /* may change: unknown, fails closed */
    FAILS("{ path: hash_key, changed: true }", unknown);
    HOLDS("{ path: hash_key, changed: true, if_unknown: pass }", unknown);
}

/* ---- length_* ------------------------------------------------------------------------------ */

Test(policy_eval, lengths)
{
    const char *c = upd(TABLE);

    HOLDS("{ path: after.name, length_equals: 6 }", c);
    HOLDS("{ path: after.label, length_equals: 5 }", c);   /* characters, not bytes */
    HOLDS("{ path: after.attribute, length_equals: 2 }", c);
    HOLDS("{ path: after.tags, length_greater_than: 3 }", c);
    FAILS("{ path: after.tags, length_greater_than: 4 }", c);
    HOLDS("{ path: after.local_secondary_index, length_less_than: 1 }", c);
    FAILS("{ path: after.read_capacity, length_equals: 1 }", c); /* a number has no length */
    FAILS("{ path: after.missing, length_less_than: 1 }", c);
}

/* ---- paths: [*], every, keys ---------------------------------------------------------------- */

Test(policy_eval, wildcard_any_and_every)
{
    const char *c = upd(TABLE);

    HOLDS("{ path: \"after.global_secondary_index[*].projection_type\", equals: ALL }", c);
    FAILS("{ path: \"after.global_secondary_index[*].projection_type\", equals: ALL, every: true }", c);
    HOLDS("{ path: \"after.global_secondary_index[*].projection_type\", in: [ALL, KEYS_ONLY], every: true }", c);
    FAILS("{ path: \"after.global_secondary_index[*].projection_type\", not_equals: ALL, every: true }", c);
    HOLDS("{ path: \"after.attribute[*].type\", equals: S, every: true }", c);
    /* no values: any fails, every holds (all of none) */
    FAILS("{ path: \"after.local_secondary_index[*].name\", equals: x }", c);
    HOLDS("{ path: \"after.local_secondary_index[*].name\", equals: x, every: true }", c);
    HOLDS("{ path: \"after.missing[*].name\", equals: x, every: true }", c);
    /* [*] over a map: its values */
    HOLDS("{ path: \"after.tags[*]\", equals: production }", c);
    FAILS("{ path: \"after.tags[*]\", equals: production, every: true }", c);
    /* indexes and quoted keys */
    HOLDS("{ path: \"after.attribute[1].name\", equals: customerId }", c);
    FAILS("{ path: \"after.attribute[2].name\", exists: true }", c);
    HOLDS("{ path: \"after['tags'][\\\"Environment\\\"]\", equals: production }", c);
}

Test(policy_eval, wildcard_with_unknown_elements)
{
    const char *c = chg("[\"create\"]", NULL,
                        "{\"gsi\":[{\"projection_type\":\"KEYS_ONLY\"},{}]}",
                        "{\"gsi\":[{},{\"projection_type\":true}]}", NULL, NULL);

    /* one known KEYS_ONLY, one unknown */
    HOLDS("{ path: \"after.gsi[*].projection_type\", equals: KEYS_ONLY }", c);           /* any: one holds */
    FAILS("{ path: \"after.gsi[*].projection_type\", equals: KEYS_ONLY, every: true }", c); /* unknown */
    HOLDS("{ path: \"after.gsi[*].projection_type\", equals: KEYS_ONLY, every: true, if_unknown: pass }", c);
    FAILS("{ path: \"after.gsi[*].projection_type\", equals: ALL }", c);
}

/* ---- change fields ---------------------------------------------------------------------------- */

Test(policy_eval, change_fields)
{
    const char *replace =
        "{\"address\":\"module.db.aws_dynamodb_table.t[\\\"eu\\\"]\",\"module_address\":\"module.db\","
        "\"mode\":\"managed\",\"type\":\"aws_dynamodb_table\",\"name\":\"t\",\"index\":\"eu\","
        "\"provider_name\":\"registry.terraform.io/hashicorp/aws\","
        "\"action_reason\":\"replace_because_cannot_update\","
        "\"change\":{\"actions\":[\"delete\",\"create\"],\"before\":{},\"after\":{},"
        "\"replace_paths\":[[\"hash_key\"],[\"attribute\",0,\"type\"]]}}";

    HOLDS("{ path: actions, equals: replace }", replace); /* normalised */
    FAILS("{ path: actions, equals: delete }", replace);
    HOLDS("{ path: address, glob: \"module.db.*\" }", replace);
    HOLDS("{ path: module_address, equals: module.db }", replace);
    HOLDS("{ path: mode, equals: managed }", replace);
    HOLDS("{ path: type, equals: aws_dynamodb_table }", replace);
    HOLDS("{ path: name, equals: t }", replace);
    HOLDS("{ path: index, equals: eu }", replace);
    HOLDS("{ path: provider_name, glob: \"*/hashicorp/aws\" }", replace);
    HOLDS("{ path: action_reason, equals: replace_because_cannot_update }", replace);
    HOLDS("{ path: \"replace_paths[*][0]\", equals: hash_key }", replace);
    HOLDS("{ path: replace_paths, contains: [hash_key] }", replace);
    HOLDS("{ path: replace_paths, length_equals: 2 }", replace);
    FAILS("{ path: action_reason, exists: true }", upd(TABLE));
}

/* ---- combinators ---------------------------------------------------------------------------------- */

Test(policy_eval, combinators)
{
    const char *c = upd(TABLE);

    HOLDS("{ all: [ { path: after.name, equals: orders }, { path: after.read_capacity, equals: 5 } ] }", c);
    FAILS("{ all: [ { path: after.name, equals: orders }, { path: after.read_capacity, equals: 6 } ] }", c);
    HOLDS("{ any: [ { path: after.name, equals: x }, { path: after.read_capacity, equals: 5 } ] }", c);
    FAILS("{ any: [ { path: after.name, equals: x }, { path: after.read_capacity, equals: 6 } ] }", c);
    HOLDS("{ not: { path: after.name, equals: x } }", c);
    FAILS("{ not: { path: after.name, equals: orders } }", c);
    HOLDS("{ not: [ { path: after.name, equals: orders }, { path: after.name, equals: x } ] }", c);
    HOLDS("{ any: [ { not: { any: [ { path: after.name, equals: orders } ] } }, { all: [ { path: after.billing_mode, equals: PROVISIONED } ] } ] }", c);
}

Test(policy_eval, unknown_is_three_valued)
{
    const char *c = chg("[\"create\"]", NULL, "{\"name\":\"t\"}",
                        "{\"point_in_time_recovery\":true,\"server_side_encryption\":[{\"kms_key_arn\":true}]}",
                        NULL, NULL);

    /* fail closed */
    FAILS("{ path: \"after.point_in_time_recovery[0].enabled\", equals: true }", c);
    FAILS("{ path: \"after.server_side_encryption[0].kms_key_arn\", matches: \"^arn:\" }", c);
    HOLDS("{ path: \"after.point_in_time_recovery[0].enabled\", equals: true, if_unknown: pass }", c);
    /* not: cannot turn unknown into "holds" */
    FAILS("{ not: { path: \"after.point_in_time_recovery[0].enabled\", equals: false } }", c);
    /* ...but if_unknown on the inner condition decides it first */
    HOLDS("{ not: { path: \"after.point_in_time_recovery[0].enabled\", equals: false, if_unknown: fail } }", c);
    /* any: a true branch wins over an unknown one; all: a false one wins */
    HOLDS("{ any: [ { path: after.point_in_time_recovery, exists: true }, { path: after.name, equals: t } ] }", c);
    FAILS("{ any: [ { path: after.point_in_time_recovery, exists: true }, { path: after.name, equals: x } ] }", c);
    HOLDS("{ any: [ { path: after.point_in_time_recovery, exists: true }, { path: after.name, equals: x } ], if_unknown: pass }", c);
    /* before is never unknown */
    HOLDS("{ path: before.point_in_time_recovery, exists: false }", c);
}

Test(policy_eval, sensitive_values_are_usable)
{
    const char *c = chg("[\"update\"]", "{\"password\":\"hunter2\"}", "{\"password\":\"hunter3\"}", NULL,
                        "{\"password\":true}", "{\"password\":true}");

    HOLDS("{ path: after.password, equals: hunter3 }", c);
    HOLDS("{ path: after.password, length_equals: 7 }", c);
    HOLDS("{ path: password, changed: true }", c);
}

/* ---- rules: match, no require, drift, wants ------------------------------------------------------ */

static size_t count_findings(const char *yaml, const char *change_json)
{
    pg_policy *p = policy_of(yaml);
    pg_findings f;
    size_t n;

    eval(p, change_json, &f);
    n = f.count;
    pg_findings_dispose(&f);
    pg_policy_free(p);
    return n;
}

Test(policy_eval, rule_without_require_forbids)
{
    static const char *yaml = "version: 1\nrules:\n  - id: no-provisioned\n    severity: medium\n"
                              "    match:\n      type: aws_dynamodb_table\n"
                              "      where: { path: after.billing_mode, equals: PROVISIONED }\n";

    cr_assert_eq(count_findings(yaml, upd(TABLE)), 1);
    cr_assert_eq(count_findings(yaml, upd("{\"billing_mode\":\"PAY_PER_REQUEST\"}")), 0);
}

Test(policy_eval, match_defaults_leave_out_delete)
{
    static const char *dflt = "version: 1\nrules:\n  - id: r\n    severity: low\n"
                              "    match: { type: aws_dynamodb_table }\n";
    static const char *del = "version: 1\nrules:\n  - id: r\n    severity: low\n"
                             "    match: { type: \"aws_dynamodb_*\", actions: [delete] }\n";

    cr_assert_eq(count_findings(dflt, chg("[\"create\"]", NULL, "{}", NULL, NULL, NULL)), 1);
    cr_assert_eq(count_findings(dflt, chg("[\"update\"]", "{}", "{}", NULL, NULL, NULL)), 1);
    cr_assert_eq(count_findings(dflt, chg("[\"delete\",\"create\"]", "{}", "{}", NULL, NULL, NULL)), 1);
    cr_assert_eq(count_findings(dflt, chg("[\"create\",\"delete\"]", "{}", "{}", NULL, NULL, NULL)), 1);
    cr_assert_eq(count_findings(dflt, chg("[\"delete\"]", "{}", NULL, NULL, NULL, NULL)), 0);
    cr_assert_eq(count_findings(dflt, chg("[\"no-op\"]", "{}", "{}", NULL, NULL, NULL)), 0);
    cr_assert_eq(count_findings(dflt, chg("[\"forget\"]", "{}", NULL, NULL, NULL, NULL)), 0);
    cr_assert_eq(count_findings(del, chg("[\"delete\"]", "{}", NULL, NULL, NULL, NULL)), 1);
    cr_assert_eq(count_findings(del, chg("[\"delete\",\"create\"]", "{}", "{}", NULL, NULL, NULL)), 0);
}

Test(policy_eval, match_type_and_address)
{
    static const char *yaml = "version: 1\nrules:\n  - id: r\n    severity: low\n"
                              "    match: { type: [aws_s3_bucket, \"aws_dynamodb_*\"], address: \"*.t\" }\n";
    static const char *other = "version: 1\nrules:\n  - id: r\n    severity: low\n"
                               "    match: { type: aws_s3_bucket }\n";
    static const char *addr = "version: 1\nrules:\n  - id: r\n    severity: low\n"
                              "    match: { address: \"module.*\" }\n";

    cr_assert_eq(count_findings(yaml, upd(TABLE)), 1);
    cr_assert_eq(count_findings(other, upd(TABLE)), 0);
    cr_assert_eq(count_findings(addr, upd(TABLE)), 0);
}

Test(policy_eval, where_unknown_selects)
{
    /* A where: on an unknown value selects the change (fail closed). */
    static const char *yaml = "version: 1\nrules:\n  - id: r\n    severity: low\n"
                              "    match:\n      where: { path: after.tags.Environment, equals: production }\n";
    static const char *skip = "version: 1\nrules:\n  - id: r\n    severity: low\n"
                              "    match:\n      where: { path: after.tags.Environment, equals: production, if_unknown: fail }\n";
    const char *unknown = chg("[\"create\"]", NULL, "{}", "{\"tags\":true}", NULL, NULL);

    cr_assert_eq(count_findings(yaml, unknown), 1);
    cr_assert_eq(count_findings(skip, unknown), 0);
    cr_assert_eq(count_findings(yaml, upd("{\"tags\":{\"Environment\":\"dev\"}}")), 0);
}

Test(policy_eval, drift_is_never_seen_by_rules)
{
    pg_policy *p = policy_of("version: 1\nrules:\n  - id: r\n    severity: low\n"
                             "    match: { actions: [create, update, replace, delete] }\n");
    pg_findings f;
    pg_change c;
    pg_error err;

    pg_findings_init(&f);
    change_of(&c, chg("[\"delete\"]", "{}", NULL, NULL, NULL, NULL), PG_ORIGIN_DRIFT);
    cr_assert_eq(pg_policy_eval_change(p, &c, &f, &err), 0);
    cr_assert_eq(f.count, 0);
    pg_change_dispose(&c);
    change_of(&c, chg("[\"delete\"]", "{}", NULL, NULL, NULL, NULL), PG_ORIGIN_PLANNED);
    cr_assert_eq(pg_policy_eval_change(p, &c, &f, &err), 0);
    cr_assert_eq(f.count, 1);
    pg_change_dispose(&c);
    pg_findings_dispose(&f);
    pg_policy_free(p);
}

Test(policy_eval, wants)
{
    pg_policy *p = policy_of("version: 1\nrules:\n  - id: r\n    severity: low\n"
                             "    match: { type: \"aws_dynamodb_*\", actions: [delete, replace] }\n");
    pg_policy *any = policy_of("version: 1\nrules:\n  - { id: r, severity: low }\n");
    pg_policy *none = pg_test_policy_new();

    cr_assert(pg_policy_wants(p, "aws_dynamodb_table", PG_ACTION_DELETE));
    cr_assert(pg_policy_wants(p, "aws_dynamodb_table", PG_ACTION_REPLACE));
    cr_assert(!pg_policy_wants(p, "aws_dynamodb_table", PG_ACTION_UPDATE));
    cr_assert(!pg_policy_wants(p, "aws_s3_bucket", PG_ACTION_DELETE));
    cr_assert(pg_policy_wants(any, "aws_s3_bucket", PG_ACTION_CREATE));
    cr_assert(!pg_policy_wants(any, "aws_s3_bucket", PG_ACTION_DELETE));
    cr_assert(!pg_policy_wants(none, "aws_s3_bucket", PG_ACTION_CREATE));
    pg_policy_free(p);
    pg_policy_free(any);
    pg_policy_free(none);
}

/* ---- findings: fields and evidence ---------------------------------------------------------------- */

Test(policy_eval, finding_fields_and_evidence)
{
    pg_policy *p = policy_of(
        "version: 1\nrules:\n  - id: pitr\n    severity: high\n    waivable: false\n"
        "    remediation: \"enable it on {address}\"\n"
        "    require:\n"
        "      - { path: \"after.point_in_time_recovery[0].enabled\", equals: true }\n"
        "      - { path: after.name, equals: t }\n"
        "      - { path: after.secret, equals: x }\n"
        "      - { path: \"after.gsi[*].projection_type\", not_equals: ALL, every: true }\n"
        "      - any: [ { path: actions, equals: create }, { path: hash_key, changed: false } ]\n");
    pg_findings f;
    const pg_finding *x;
    char buf[256];

    eval(p, chg("[\"update\"]",
                "{\"name\":\"t\",\"secret\":\"old\",\"hash_key\":\"a\",\"gsi\":[{\"projection_type\":\"ALL\"}],"
                "\"point_in_time_recovery\":[{\"enabled\":true}]}",
                "{\"name\":\"t\",\"secret\":\"new\",\"hash_key\":\"b\",\"gsi\":[{\"projection_type\":\"ALL\"},"
                "{\"projection_type\":\"INCLUDE\"}],\"point_in_time_recovery\":[{\"enabled\":false}]}",
                NULL, "{\"secret\":true}", "{\"secret\":true}"),
         &f);
    cr_assert_eq(f.count, 1);
    x = f.items[0];
    cr_assert_str_eq(x->rule, "pitr");
    cr_assert_eq(x->severity, PG_SEV_HIGH);
    cr_assert_str_eq(x->address, "aws_dynamodb_table.t");
    cr_assert_str_eq(x->type, "aws_dynamodb_table");
    cr_assert_eq(x->action, PG_ACTION_UPDATE);
    cr_assert_eq(x->waivable, 0);
    cr_assert_str_eq(x->message, "pitr"); /* the title, which defaults to the id */
    cr_assert_str_eq(x->remediation, "enable it on aws_dynamodb_table.t");
    /* one evidence per failing condition's path (the passing name check has none) */
    cr_assert_eq(x->n_evidence, 5);
    cr_assert_str_eq(x->evidence[0].path, "point_in_time_recovery[0].enabled");
    cr_assert(json_is_true(x->evidence[0].before));
    cr_assert(json_is_false(x->evidence[0].after));
    cr_assert_str_eq(x->evidence[1].path, "secret");
    cr_assert_str_eq(json_string_value(x->evidence[1].before), PG_SENSITIVE_TEXT);
    cr_assert_str_eq(json_string_value(x->evidence[1].after), PG_SENSITIVE_TEXT);
    cr_assert_str_eq(x->evidence[2].path, "gsi[*].projection_type");
    pg_value_text(x->evidence[2].after, buf, sizeof buf);
    cr_assert_str_eq(buf, "[\"ALL\",\"INCLUDE\"]");
    cr_assert_str_eq(x->evidence[3].path, "actions");
    cr_assert_null(x->evidence[3].before);
    cr_assert_str_eq(json_string_value(x->evidence[3].after), "update");
    cr_assert_str_eq(x->evidence[4].path, "hash_key");
    cr_assert_str_eq(json_string_value(x->evidence[4].before), "a");
    cr_assert_str_eq(json_string_value(x->evidence[4].after), "b");
    pg_findings_dispose(&f);
    pg_policy_free(p);
}

Test(policy_eval, evidence_of_unknown)
{
    pg_policy *p = policy_of("version: 1\nrules:\n  - id: r\n    severity: low\n    require:\n"
                             "      - { path: after.arn, exists: true }\n");
    pg_findings f;

    eval(p, chg("[\"create\"]", NULL, "{}", "{\"arn\":true}", NULL, NULL), &f);
    cr_assert_eq(f.count, 1);
    cr_assert_str_eq(f.items[0]->evidence[0].path, "arn");
    cr_assert(json_is_null(f.items[0]->evidence[0].before));
    cr_assert_str_eq(json_string_value(f.items[0]->evidence[0].after), PG_UNKNOWN_TEXT);
    pg_findings_dispose(&f);
    pg_policy_free(p);
}

/* ---- values a text operator cannot judge (docs/policies.md "Unknown values") ---------- */

/* matches, glob and contains see C strings: "prod\u0000x" must not pass as
 * "prod". Such a value counts as unknown: a require fails closed. */
Test(policy_eval, text_operators_cannot_judge_a_nul)
{
    const char *c = upd("{\"name\":\"prod\\u0000x\",\"tags\":{\"Env\":\"prod\\u0000x\"}}");

    FAILS("{ path: after.name, matches: \"^prod$\" }", c);
    FAILS("{ path: after.name, glob: \"prod\" }", c);
    FAILS("{ path: after.name, contains: \"x\" }", c);
    FAILS("{ not: { path: after.name, matches: \"^dev$\" } }", c); /* unknown under not: stays unknown */
    HOLDS("{ path: after.name, matches: \"^prod$\", if_unknown: pass }", c);
    /* operators that compare lengths and bytes judge it */
    FAILS("{ path: after.name, equals: prod }", c);
    HOLDS("{ path: after.name, length_equals: 6 }", c);
    HOLDS("{ path: after.tags, contains: Env }", c);
}

/* glibc's regexec is quadratic on some patterns: a matches subject longer
 * than PG_POLICY_MAX_MATCH_BYTES is not matched but counts as unknown. */
Test(policy_eval, matches_on_a_value_past_the_cap_is_unknown)
{
    const size_t sizes[] = {PG_POLICY_MAX_MATCH_BYTES, PG_POLICY_MAX_MATCH_BYTES + 1};
    size_t k;

    for (k = 0; k < 2; k++) {
        size_t n = sizes[k], len = n + 64;
        char *json = malloc(len + 1024), *val = malloc(n + 1);
        const char *head = "{\"address\":\"aws_dynamodb_table.t\",\"mode\":\"managed\","
                           "\"type\":\"aws_dynamodb_table\",\"name\":\"t\",\"change\":{\"actions\":"
                           "[\"update\"],\"before\":{},\"after\":{\"policy\":\"";

        cr_assert(json && val);
        memset(val, 'a', n);
        val[n] = '\0';
        snprintf(json, len + 1024, "%s%s\"},\"after_unknown\":{}}}", head, val);
        if (k == 0) {
            HOLDS("{ path: after.policy, matches: \"^a+$\" }", json);
        } else {
            FAILS("{ path: after.policy, matches: \"^a+$\" }", json);
            FAILS("{ path: after.policy, matches: \"b\" }", json);
            HOLDS("{ path: after.policy, matches: \"b\", if_unknown: pass }", json);
        }
        HOLDS("{ path: after.policy, glob: \"a*a\" }", json); /* the cap is for regexec only */
        HOLDS("{ path: after.policy, contains: aaa }", json);
        free(val);
        free(json);
    }
}

/* ---- unknown members of maps and lists (issue 13) ----------------------------------- */

/* Terraform leaves an unknown map member out of `after` and marks it in
 * after_unknown; an unknown list element is null at its index. */
Test(policy_eval, unknown_map_members)
{
    const char *c = chg("[\"update\"]", "{\"tags\":{\"a\":\"1\"}}", "{\"tags\":{\"a\":\"1\"}}",
                        "{\"tags\":{\"b\":true}}", NULL, NULL);
    const char *known = upd("{\"tags\":{\"a\":\"1\"}}");

    /* [*] yields an unknown for b: every is not vacuously true */
    FAILS("{ path: \"after.tags[*]\", equals: \"1\", every: true }", c);
    HOLDS("{ path: \"after.tags[*]\", equals: \"1\", every: true }", known);
    HOLDS("{ path: \"after.tags[*]\", equals: \"1\", every: true, if_unknown: pass }", c);
    /* any: a known member that holds still decides */
    HOLDS("{ path: \"after.tags[*]\", equals: \"1\" }", c);
    FAILS("{ path: \"after.tags[*]\", equals: \"2\" }", c);
    HOLDS("{ not: { path: \"after.tags[*]\", equals: \"2\", if_unknown: fail } }", c);
    /* whole-value operators are unknown on a partly unknown map */
    FAILS("{ path: after.tags, length_equals: 1 }", c);
    FAILS("{ path: after.tags, length_less_than: 2 }", c);
    FAILS("{ path: after.tags, length_greater_than: 0 }", c);
    HOLDS("{ path: after.tags, length_equals: 1 }", known);
    FAILS("{ path: after.tags, equals: { a: \"1\" } }", c);
    FAILS("{ path: after.tags, not_equals: { a: \"1\" } }", c);
    HOLDS("{ path: after.tags, equals: { a: \"1\" } }", known);
    HOLDS("{ path: after.tags, length_equals: 1, if_unknown: pass }", c);
    FAILS("{ not: { path: after.tags, length_equals: 1 } }", c);
    /* it exists, whatever b will be */
    HOLDS("{ path: after.tags, exists: true }", c);
    /* contains: the key after_unknown names is there; a known one too */
    HOLDS("{ path: after.tags, contains: b }", c);
    HOLDS("{ path: after.tags, contains: a }", c);
    FAILS("{ path: after.tags, contains: b }", known);
    /* a map's keys are known (only b's value is not): z is absent */
    FAILS("{ path: after.tags, contains: z }", c);
    HOLDS("{ not: { path: after.tags, contains: z } }", c);
    HOLDS("{ path: after.tags, contains: B, ignore_case: true }", c);
    /* the member itself is unknown */
    FAILS("{ path: after.tags.b, equals: \"1\" }", c);
    FAILS("{ path: after.tags.b, exists: false }", c);
    /* changed: a map with an unknown member may change */
    FAILS("{ path: tags, changed: false }", c);
    HOLDS("{ path: tags, changed: false }", known);
}

Test(policy_eval, unknown_map_members_nested_and_absent)
{
    /* a member whose value is partly unknown (an object inside a map) */
    const char *nested = chg("[\"update\"]", "{}", "{\"m\":{\"x\":{\"k\":\"v\"}}}", "{\"m\":{\"x\":{\"j\":true}}}",
                             NULL, NULL);
    /* the whole map left out of after, with members marked */
    const char *absent = chg("[\"create\"]", NULL, "{}", "{\"tags\":{\"b\":true}}", NULL, NULL);

    FAILS("{ path: after.m, length_equals: 1 }", nested);
    FAILS("{ path: \"after.m[*]\", equals: { k: v }, every: true }", nested);
    HOLDS("{ path: \"after.m.x.k\", equals: v }", nested);
    FAILS("{ path: after.tags, exists: false }", absent);
    FAILS("{ path: after.tags, length_equals: 0 }", absent);
    HOLDS("{ path: after.tags, contains: b }", absent);
    HOLDS("{ not: { path: after.tags, contains: c } }", absent);
    FAILS("{ path: \"after.tags[*]\", equals: x, every: true }", absent);
    HOLDS("{ path: after.tags.B, exists: true, if_unknown: pass }", absent); /* a tag key: any case */
}

Test(policy_eval, unknown_list_elements)
{
    /* x: ["a", (known after apply)] */
    const char *c = chg("[\"update\"]", "{\"x\":[\"a\",\"b\"]}", "{\"x\":[\"a\",null]}", "{\"x\":[false,true]}",
                        NULL, NULL);
    /* after_unknown longer than after */
    const char *shorter = chg("[\"update\"]", "{}", "{\"x\":[\"a\"]}", "{\"x\":[false,true]}", NULL, NULL);

    FAILS("{ path: \"after.x[*]\", equals: a, every: true }", c);
    FAILS("{ path: \"after.x[*]\", equals: a, every: true }", shorter);
    HOLDS("{ path: \"after.x[*]\", equals: a }", c);
    FAILS("{ path: after.x, length_equals: 2 }", c);
    FAILS("{ path: after.x, equals: [a, b] }", c);
    HOLDS("{ path: after.x, contains: a }", c);
    FAILS("{ path: after.x, contains: b }", c);              /* unknown: may be b */
    FAILS("{ not: { path: after.x, contains: b } }", c);
    HOLDS("{ path: after.x, contains: b, if_unknown: pass }", c);
    FAILS("{ path: after.x, contains: b, if_unknown: fail }", c);
    FAILS("{ path: x, changed: false }", c);
    FAILS("{ path: \"after.x[1]\", exists: true }", c);
}

/* ---- numbers compare exactly (issue 13) ------------------------------------------------ */

/* The reader keeps a number beyond int64 as its text (json/decode.c), as
 * the strings here; the policy keeps the text of a number a double cannot
 * hold. */
Test(policy_eval, big_numbers_compare_exactly)
{
    const char *c = upd("{\"n\":\"12345678901234567890\",\"neg\":\"-12345678901234567890\",\"i\":9007199254740993,"
                        "\"r\":0.1,\"one\":1.0,\"e\":\"1.2345678901234567890e25\",\"z\":\"-0.0\"}");

    HOLDS("{ path: after.n, equals: 12345678901234567890 }", c);
    FAILS("{ path: after.n, equals: 12345678901234567891 }", c); /* one double, two numbers */
    HOLDS("{ path: after.n, not_equals: 12345678901234567891 }", c);
    HOLDS("{ path: after.n, greater_than: 12345678901234567889 }", c);
    FAILS("{ path: after.n, greater_than: 12345678901234567890 }", c);
    HOLDS("{ path: after.n, less_than: 12345678901234567891 }", c);
    FAILS("{ path: after.n, less_than: 12345678901234567889 }", c);
    HOLDS("{ path: after.neg, less_than: -12345678901234567889 }", c);
    FAILS("{ path: after.neg, greater_than: -12345678901234567889 }", c);
    HOLDS("{ path: after.n, in: [1, 12345678901234567890] }", c);
    FAILS("{ path: after.n, in: [1, 12345678901234567891] }", c);
    HOLDS("{ path: after.n, not_in: [12345678901234567891, 12345678901234567889] }", c);
    HOLDS("{ path: after.n, equals: 1.2345678901234567890e19 }", c);  /* same number, other spelling */
    HOLDS("{ path: after.n, equals: 12345678901234567890.000 }", c);
    FAILS("{ path: after.n, equals: 12345678901234567890.001 }", c);
    HOLDS("{ path: after.e, equals: 12345678901234567890000000 }", c);
    FAILS("{ path: after.e, equals: 12345678901234567890000001 }", c);
    HOLDS("{ path: after.e, greater_than: 12345678901234567889999999.5 }", c);
    /* an integer that fits int64 but not a double's 53 bits */
    HOLDS("{ path: after.i, equals: 9007199254740993 }", c);
    FAILS("{ path: after.i, equals: 9007199254740992 }", c);
    HOLDS("{ path: after.i, greater_than: 9007199254740992 }", c);
    /* small numbers as before */
    HOLDS("{ path: after.r, equals: 0.1 }", c);
    HOLDS("{ path: after.r, equals: 0.10 }", c);
    HOLDS("{ path: after.one, equals: 1 }", c);
    HOLDS("{ path: after.z, equals: 0 }", c);
    FAILS("{ path: after.r, greater_than: 0.1 }", c);
    HOLDS("{ path: after.r, less_than: 0.10000000000000001 }", c); /* exact: 0.1 < 0.1...01 as text */
    /* beyond a double: the reader keeps "1e400" as text, the policy too
     * (upd's buffers are a ring of 4: `c` is not used past here) */
    HOLDS("{ path: after.huge, equals: 1e400 }", upd("{\"huge\":\"1e400\"}"));
    HOLDS("{ path: after.huge, equals: 10e399 }", upd("{\"huge\":\"1e400\"}"));
    FAILS("{ path: after.huge, equals: 1e401 }", upd("{\"huge\":\"1e400\"}"));
    HOLDS("{ path: after.huge, greater_than: 9.99e399 }", upd("{\"huge\":\"1e400\"}"));
    HOLDS("{ path: after.n, less_than: 1e400 }", upd("{\"n\":\"12345678901234567890\"}"));
    HOLDS("{ path: after.n, greater_than: -1e400 }", upd("{\"n\":\"12345678901234567890\"}"));
    HOLDS("{ path: after.huge, in: [1, 1e400] }", upd("{\"huge\":\"1e400\"}"));
}

Test(policy_eval, numbers_as_text)
{
    const char *c = upd("{\"r\":0.1,\"one\":1.0,\"third\":0.3333333333333333,\"i\":42,\"s\":\"abc\"}");

    /* matches/glob see the shortest round-trip text */
    HOLDS("{ path: after.r, matches: \"^0\\\\.1$\" }", c);
    HOLDS("{ path: after.one, matches: \"^1$\" }", c);
    HOLDS("{ path: after.third, glob: \"0.3333333333333333\" }", c);
    HOLDS("{ path: after.i, glob: \"4?\" }", c);
    /* a number has no length */
    FAILS("{ path: after.i, length_equals: 2 }", c);
    FAILS("{ path: after.r, length_greater_than: 0 }", c);
    FAILS("{ path: after.one, length_less_than: 100 }", c);
    HOLDS("{ not: { path: after.i, length_equals: 2 } }", c);
    /* a string contains a number's text */
    HOLDS("{ path: after.s, contains: abc }", upd("{\"s\":\"abc\"}"));
    HOLDS("{ path: after.s, contains: 0.1 }", upd("{\"s\":\"x0.1y\"}"));
    FAILS("{ path: after.s, contains: 0.10000000000000001 }", upd("{\"s\":\"x0.1y\"}")); /* as written */
    HOLDS("{ path: after.s, contains: 12345678901234567891 }", upd("{\"s\":\"id-12345678901234567891\"}"));
}

/* contains on a mapping's keys honours ignore_case (issue 13), on any map. */
Test(policy_eval, contains_key_ignore_case)
{
    const char *c = upd("{\"settings\":{\"Retention\":\"7\",\"mode\":\"x\"}}");

    HOLDS("{ path: after.settings, contains: Retention }", c);
    FAILS("{ path: after.settings, contains: retention }", c);
    HOLDS("{ path: after.settings, contains: retention, ignore_case: true }", c);
    HOLDS("{ path: after.settings, contains: MODE, ignore_case: true }", c);
    FAILS("{ path: after.settings, contains: MODE }", c);
    FAILS("{ path: after.settings, contains: other, ignore_case: true }", c);
}

/* Spellings of one number, and the signs and zeros around it. */
Test(policy_eval, decimal_spellings)
{
    HOLDS("{ path: after.x, equals: 5 }", upd("{\"x\":\"0.5e1\"}"));
    HOLDS("{ path: after.x, equals: 0.5e1 }", upd("{\"x\":5}"));
    HOLDS("{ path: after.x, equals: 500e-2 }", upd("{\"x\":\"5.00\"}"));
    HOLDS("{ path: after.x, equals: 0 }", upd("{\"x\":\"-0\"}"));
    HOLDS("{ path: after.x, equals: 0.001 }", upd("{\"x\":\"1e-3\"}"));
    FAILS("{ path: after.x, equals: 0.001 }", upd("{\"x\":\"1e-4\"}"));
    HOLDS("{ path: after.x, less_than: -0.5 }", upd("{\"x\":\"-1\"}"));
    HOLDS("{ path: after.x, greater_than: -1.5 }", upd("{\"x\":\"-1\"}"));
    HOLDS("{ path: after.x, greater_than: 0 }", upd("{\"x\":\"1e-400\"}"));
    HOLDS("{ path: after.x, less_than: 0 }", upd("{\"x\":\"-1e-400\"}"));
    HOLDS("{ path: after.x, greater_than: 99.999 }", upd("{\"x\":100}"));
    FAILS("{ path: after.x, greater_than: 100.0 }", upd("{\"x\":100}"));
    /* not JSON numbers: strings, whatever they look like */
    FAILS("{ path: after.x, equals: 12 }", upd("{\"x\":\"012\"}"));
    FAILS("{ path: after.x, equals: 16 }", upd("{\"x\":\"0x10\"}"));
    FAILS("{ path: after.x, greater_than: 1 }", upd("{\"x\":\" 12\"}"));
}
