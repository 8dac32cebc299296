/* test_plan_model.c — actions, reasons, change decoding, masks (plan module). */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "plangate/plangate.h"

static pg_action norm(const char *actions_json, pg_replace_order *order, int *destructive)
{
    json_error_t je;
    json_t *a = json_loads(actions_json, JSON_DECODE_ANY, &je);
    pg_action r;

    cr_assert_not_null(a, "%s", je.text);
    r = pg_action_normalise(a, order, destructive);
    json_decref(a);
    return r;
}

Test(plan_action, every_terraform_list)
{
    pg_replace_order o;
    int d;

    cr_assert_eq(norm("[\"no-op\"]", &o, &d), PG_ACTION_NOOP);
    cr_assert_eq(d, 0);
    cr_assert_eq(norm("[\"create\"]", &o, &d), PG_ACTION_CREATE);
    cr_assert_eq(norm("[\"read\"]", &o, &d), PG_ACTION_READ);
    cr_assert_eq(norm("[\"update\"]", &o, &d), PG_ACTION_UPDATE);
    cr_assert_eq(d, 0);
    cr_assert_eq(norm("[\"delete\"]", &o, &d), PG_ACTION_DELETE);
    cr_assert_eq(d, 1);
    cr_assert_eq(o, PG_REPLACE_NONE);
    cr_assert_eq(norm("[\"delete\",\"create\"]", &o, &d), PG_ACTION_REPLACE);
    cr_assert_eq(o, PG_REPLACE_DELETE_BEFORE_CREATE);
    cr_assert_eq(d, 1);
    cr_assert_eq(norm("[\"create\",\"delete\"]", &o, &d), PG_ACTION_REPLACE);
    cr_assert_eq(o, PG_REPLACE_CREATE_BEFORE_DESTROY);
    cr_assert_eq(d, 1);
}

Test(plan_action, forget_variants_destroy_nothing)
{
    pg_replace_order o;
    int d = -1;

    cr_assert_eq(norm("[\"forget\"]", &o, &d), PG_ACTION_FORGET);
    cr_assert_eq(d, 0);
    cr_assert_eq(norm("[\"forget\",\"create\"]", &o, &d), PG_ACTION_FORGET);
    cr_assert_eq(d, 0);
    cr_assert_eq(norm("[\"create\",\"forget\"]", &o, &d), PG_ACTION_FORGET);
    cr_assert_eq(d, 0);
}

Test(plan_action, unknown_lists_are_kept_and_fail_closed)
{
    pg_replace_order o;
    int d = -1;

    cr_assert_eq(norm("[\"archive\"]", &o, &d), PG_ACTION_UNKNOWN);
    cr_assert_eq(d, 0);
    cr_assert_eq(norm("[\"delete\",\"archive\"]", &o, &d), PG_ACTION_UNKNOWN);
    cr_assert_eq(d, 1, "an unknown list holding delete is destructive");
    cr_assert_eq(norm("[]", &o, &d), PG_ACTION_UNKNOWN);
    cr_assert_eq(norm("\"delete\"", &o, &d), PG_ACTION_UNKNOWN);
    cr_assert_eq(norm("[\"delete\", 1]", &o, &d), PG_ACTION_UNKNOWN);
    cr_assert_eq(d, 1);
    cr_assert_eq(norm("[\"delete\",\"create\",\"delete\"]", &o, &d), PG_ACTION_UNKNOWN);
    cr_assert_eq(d, 1);
}

Test(plan_action, names_round_trip)
{
    int a;

    for (a = 0; a < (int)PG_ACTION_COUNT_; a++)
        cr_assert_eq(pg_action_from_name(pg_action_name((pg_action)a)), a);
    cr_assert_eq(pg_action_from_name("destroy"), -1);
    cr_assert_str_eq(pg_action_name(PG_ACTION_NOOP), "no-op");
}

Test(plan_action, reasons_in_plain_words)
{
    static const char *const known[] = {
        "replace_because_cannot_update", "replace_because_tainted", "replace_by_request",
        "replace_by_triggers", "delete_because_no_resource_config", "delete_because_no_module",
        "delete_because_count_index", "delete_because_each_key", "delete_because_wrong_repetition",
        "delete_because_no_move_target",
    };
    size_t i;

    for (i = 0; i < sizeof known / sizeof known[0]; i++) {
        const char *w = pg_action_reason_words(known[i]);
        cr_assert_not_null(w, "%s", known[i]);
        cr_assert(strchr(w, ' ') != NULL && strcmp(w, known[i]) != 0, "plain words, not an identifier: %s", w);
    }
    cr_assert_null(pg_action_reason_words("delete_because_of_a_future_thing"));
    cr_assert_null(pg_action_reason_words(NULL));
}

static void change_from(pg_change *c, const char *text)
{
    json_error_t je;
    json_t *v = json_loads(text, 0, &je);
    pg_error err;

    cr_assert_not_null(v, "%s", je.text);
    pg_error_clear(&err);
    cr_assert_eq(pg_change_init(c, v, PG_ORIGIN_PLANNED, &err), 0, "%s", err.message);
}

static const char *const table_change =
    "{\"address\":\"module.db.aws_dynamodb_table.t[\\\"eu\\\"]\",\"module_address\":\"module.db\","
    "\"mode\":\"managed\",\"type\":\"aws_dynamodb_table\",\"name\":\"t\",\"index\":\"eu\","
    "\"provider_name\":\"registry.terraform.io/hashicorp/aws\",\"previous_address\":\"aws_dynamodb_table.t\","
    "\"action_reason\":\"replace_because_cannot_update\",\"change\":{\"actions\":[\"delete\",\"create\"],"
    "\"before\":{\"hash_key\":\"id\",\"tags\":{\"Secret\":\"s3cr3t\",\"Env\":\"prod\"},\"attribute\":[{\"name\":\"id\",\"type\":\"S\"}]},"
    "\"after\":{\"hash_key\":\"pk\",\"tags\":{\"Secret\":\"n3w\",\"Env\":\"prod\"},\"attribute\":[{\"name\":\"pk\",\"type\":\"S\"}]},"
    "\"after_unknown\":{\"arn\":true,\"attribute\":[{}]},"
    "\"before_sensitive\":{\"tags\":{\"Secret\":true}},\"after_sensitive\":{\"tags\":true},"
    "\"replace_paths\":[[\"hash_key\"]]}}";

Test(plan_change, decodes_every_field)
{
    pg_change c;

    change_from(&c, table_change);
    cr_assert_str_eq(c.address, "module.db.aws_dynamodb_table.t[\"eu\"]");
    cr_assert_str_eq(c.module_address, "module.db");
    cr_assert_str_eq(c.mode, "managed");
    cr_assert_str_eq(c.type, "aws_dynamodb_table");
    cr_assert_str_eq(c.name, "t");
    cr_assert_str_eq(json_string_value(c.index), "eu");
    cr_assert_str_eq(c.previous_address, "aws_dynamodb_table.t");
    cr_assert_str_eq(c.action_reason, "replace_because_cannot_update");
    cr_assert_eq(c.action, PG_ACTION_REPLACE);
    cr_assert_eq(c.replace_order, PG_REPLACE_DELETE_BEFORE_CREATE);
    cr_assert_eq(c.destructive, 1);
    cr_assert_not_null(c.replace_paths);
    cr_assert_null(c.deposed);
    pg_change_dispose(&c);
    cr_assert_null(c.root);
}

Test(plan_change, missing_fields_are_named)
{
    json_t *v = json_loads("{\"address\":\"a.b\",\"type\":\"a\",\"change\":{}}", 0, NULL);
    pg_change c;
    pg_error err;

    pg_error_clear(&err);
    cr_assert_eq(pg_change_init(&c, v, PG_ORIGIN_PLANNED, &err), PG_EPLAN);
    cr_assert(strstr(err.message, "change.actions") != NULL, "%s", err.message);
    v = json_loads("[1]", 0, NULL);
    cr_assert_eq(pg_change_init(&c, v, PG_ORIGIN_PLANNED, &err), PG_EPLAN);
}

/* Names are used as C strings (globs, waivers, detectors): a NUL in one
 * would make "t\u0000x" read as "t". Terraform never writes one. */
Test(plan_change, nul_in_a_name_is_refused)
{
    static const char *const keys[] = {"address", "type", "name", "module_address", "provider_name"};
    size_t i;

    for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        json_t *v = json_pack("{s:s,s:s,s:s,s:{s:[s]}}", "address", "aws_s3_bucket.b", "type", "aws_s3_bucket",
                              "name", "b", "change", "actions", "delete");
        pg_change c;
        pg_error err;

        cr_assert_not_null(v);
        json_object_set_new(v, keys[i], json_stringn("t\0x", 3));
        pg_error_clear(&err);
        cr_assert_eq(pg_change_init(&c, v, PG_ORIGIN_PLANNED, &err), PG_EPLAN, "%s", keys[i]);
        cr_assert(strstr(err.message, "NUL") && strstr(err.message, keys[i]), "%s", err.message);
    }
}

Test(plan_change, masks_cover_prefixes)
{
    pg_change c;
    pg_path_step secret[] = {{"tags", 0}, {"Secret", 0}};
    pg_path_step env[] = {{"tags", 0}, {"Env", 0}};
    pg_path_step tags[] = {{"tags", 0}};
    pg_path_step arn[] = {{"arn", 0}};
    pg_path_step attr_type[] = {{"attribute", 0}, {NULL, 0}, {"type", 0}};
    json_t *v;

    change_from(&c, table_change);
    cr_assert(pg_change_is_sensitive(&c, PG_BEFORE, secret, 2));
    cr_assert(!pg_change_is_sensitive(&c, PG_BEFORE, env, 2));
    cr_assert(!pg_change_is_sensitive(&c, PG_BEFORE, tags, 1), "only one tag is sensitive");
    cr_assert(pg_change_is_sensitive(&c, PG_AFTER, env, 2), "after_sensitive.tags = true covers every tag");
    cr_assert(pg_change_is_unknown(&c, arn, 1));
    cr_assert(!pg_change_is_unknown(&c, attr_type, 3));
    cr_assert_str_eq(json_string_value(pg_change_get(&c, PG_AFTER, attr_type, 3)), "S");

    /* Redaction: a partly sensitive map keeps its other keys. */
    v = pg_change_redacted(&c, PG_BEFORE, tags, 1);
    cr_assert_str_eq(json_string_value(json_object_get(v, "Secret")), PG_SENSITIVE_TEXT);
    cr_assert_str_eq(json_string_value(json_object_get(v, "Env")), "prod");
    json_decref(v);
    v = pg_change_redacted(&c, PG_AFTER, secret, 2);
    cr_assert_str_eq(json_string_value(v), PG_SENSITIVE_TEXT);
    json_decref(v);
    v = pg_change_redacted(&c, PG_AFTER, arn, 1);
    cr_assert_str_eq(json_string_value(v), PG_UNKNOWN_TEXT);
    json_decref(v);
    pg_change_dispose(&c);
}

Test(plan_change, address_rebuilt_when_absent)
{
    pg_change c;

    /* Terraform 1.0.0 wrote resource_drift entries without an address. */
    change_from(&c, "{\"module_address\":\"module.m\",\"mode\":\"data\",\"type\":\"aws_x\",\"name\":\"y\","
                    "\"index\":3,\"change\":{\"actions\":[\"update\"]}}");
    cr_assert_str_eq(c.address, "module.m.data.aws_x.y[3]");
    pg_change_dispose(&c);
    change_from(&c, "{\"mode\":\"managed\",\"type\":\"aws_x\",\"name\":\"y\",\"index\":\"k\","
                    "\"change\":{\"actions\":[\"update\"]}}");
    cr_assert_str_eq(c.address, "aws_x.y[\"k\"]");
    pg_change_dispose(&c);
}
