/* test_plan_model.c — actions, reasons, change decoding, masks (plan module). */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plan/shape.h"
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

/* A verb no Terraform writes that says delete or destroy (any case, inside a
 * longer word too) is a destroy: it must not pass as harmless. */
Test(plan_action, unknown_verbs_that_say_destroy_are_destructive)
{
    pg_replace_order o;
    int d = -1;

    cr_assert_eq(norm("[\"delete-forever\"]", &o, &d), PG_ACTION_UNKNOWN);
    cr_assert_eq(d, 1);
    cr_assert_eq(norm("[\"destroy\"]", &o, &d), PG_ACTION_UNKNOWN);
    cr_assert_eq(d, 1);
    cr_assert_eq(norm("[\"create\",\"force_DELETE\"]", &o, &d), PG_ACTION_UNKNOWN);
    cr_assert_eq(d, 1);
    cr_assert_eq(norm("[\"Destroy\", 2]", &o, &d), PG_ACTION_UNKNOWN);
    cr_assert_eq(d, 1, "a list that is not all strings is judged by its words too");
    cr_assert_eq(norm("[\"delet\"]", &o, &d), PG_ACTION_UNKNOWN);
    cr_assert_eq(d, 0, "a word that does not say delete or destroy is not a destroy");
    cr_assert_eq(norm("[\"create\"]", &o, &d), PG_ACTION_CREATE);
    cr_assert_eq(d, 0);
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

/* MARK: what Terraform never writes is refused (issue 11) ------------------ */

/* A change of `type` with `actions` (raw JSON) and `rest` (more members of
 * "change", raw JSON, may be ""), `top` (more members of the change). */
static char *shaped(char *buf, size_t size, const char *type, const char *actions, const char *rest, const char *top)
{
    snprintf(buf, size,
             "{\"address\":\"%s.x\",\"mode\":\"managed\",\"type\":\"%s\",\"name\":\"x\"%s%s,"
             "\"change\":{\"actions\":%s%s%s}}",
             type, type, top[0] ? "," : "", top, actions, rest[0] ? "," : "", rest);
    return buf;
}

/* pg_change_init then the plan reader's check: PG_EPLAN naming `needle`. */
static void refused(const char *text, const char *needle)
{
    json_error_t je;
    json_t *v = json_loads(text, JSON_ALLOW_NUL, &je);
    pg_change c;
    pg_error err;
    int rc;

    cr_assert_not_null(v, "%s: %s", text, je.text);
    pg_error_clear(&err);
    rc = pg_change_init(&c, v, PG_ORIGIN_PLANNED, &err);
    if (rc == 0) {
        rc = pg_plan__check_change(&c, &err);
        pg_change_dispose(&c);
    }
    cr_assert_eq(rc, PG_EPLAN, "accepted: %s", text);
    cr_assert(strstr(err.message, needle), "%s\nmessage: %s\nlacks: %s", text, err.message, needle);
}

static void accepted(const char *text)
{
    json_error_t je;
    json_t *v = json_loads(text, 0, &je);
    pg_change c;
    pg_error err;

    cr_assert_not_null(v, "%s: %s", text, je.text);
    pg_error_clear(&err);
    cr_assert_eq(pg_change_init(&c, v, PG_ORIGIN_PLANNED, &err), 0, "%s: %s", text, err.message);
    cr_assert_eq(pg_plan__check_change(&c, &err), 0, "%s: %s", text, err.message);
    pg_change_dispose(&c);
}

static const char *const bad_actions[] = {
    "\"delete\"", "[[\"delete\"]]", "[]", "[\"Delete\"]", "[1]", "null", "[\"delete\",null]", "[\"\"]",
    "[\"de lete\"]", "[\"-\"]", "{\"0\":\"delete\"}", "[\"delete\\u0000\"]", "[\"DELETE\"]", "[true]",
};

Test(plan_shape, actions_must_be_a_non_empty_list_of_lowercase_names)
{
    char buf[600];
    size_t i;

    for (i = 0; i < sizeof bad_actions / sizeof bad_actions[0]; i++)
        refused(shaped(buf, sizeof buf, "aws_s3_bucket", bad_actions[i], "\"before\":{}", ""), "change.actions");
    /* Missing altogether: the constructor says so. */
    refused("{\"address\":\"a.b\",\"type\":\"a\",\"name\":\"b\",\"change\":{\"before\":{}}}", "change.actions");
    /* An unknown lowercase verb stays an unknown action: destructive with delete. */
    accepted(shaped(buf, sizeof buf, "aws_s3_bucket", "[\"archive\"]", "", ""));
    accepted(shaped(buf, sizeof buf, "aws_s3_bucket", "[\"delete\",\"archive_old\"]", "\"before\":{}", ""));
    refused(shaped(buf, sizeof buf, "aws_s3_bucket", "[\"delete\",\"archive\"]", "\"before\":null", ""),
            "change.before");
}

/* Every destroying list, the deposed object's too, needs its object. */
Test(plan_shape, a_destroy_needs_its_before_object)
{
    static const char *const destroys[] = {
        "[\"delete\"]", "[\"delete\",\"create\"]", "[\"create\",\"delete\"]", "[\"delete\",\"forget\"]",
    };
    static const char *const befores[] = {"", "\"before\":null", "\"before\":\"x\"", "\"before\":[]",
                                          "\"before\":1", "\"before\":true"};
    char buf[600];
    size_t i, j;

    for (i = 0; i < sizeof destroys / sizeof destroys[0]; i++) {
        for (j = 0; j < sizeof befores / sizeof befores[0]; j++) {
            refused(shaped(buf, sizeof buf, "aws_dynamodb_table", destroys[i], befores[j], ""), "\"change.before\"");
            refused(shaped(buf, sizeof buf, "aws_s3_bucket", destroys[i], befores[j], "\"deposed\":\"00000001\""),
                    "\"change.before\"");
        }
        accepted(shaped(buf, sizeof buf, "aws_dynamodb_table", destroys[i], "\"before\":{}", ""));
    }
    /* What does not destroy may have no before (create, read, forget). */
    accepted(shaped(buf, sizeof buf, "aws_s3_bucket", "[\"create\"]", "\"before\":null", ""));
    accepted(shaped(buf, sizeof buf, "aws_s3_bucket", "[\"forget\"]", "", ""));
    accepted(shaped(buf, sizeof buf, "aws_s3_bucket", "[\"no-op\"]", "\"before\":null", ""));
}

/* What a destroy needs besides: a name (selectors glob it) and a managed mode. */
Test(plan_shape, a_destroy_needs_a_name_and_a_managed_mode)
{
    refused("{\"address\":\"aws_s3_bucket.x\",\"type\":\"aws_s3_bucket\",\"change\":{\"actions\":[\"delete\"],"
            "\"before\":{}}}",
            "no \"name\"");
    refused("{\"address\":\"data.aws_s3_bucket.x\",\"mode\":\"data\",\"type\":\"aws_s3_bucket\",\"name\":\"x\","
            "\"change\":{\"actions\":[\"delete\"],\"before\":{}}}",
            "mode is \"data\"");
    accepted("{\"address\":\"data.aws_s3_bucket.x\",\"mode\":\"data\",\"type\":\"aws_s3_bucket\",\"name\":\"x\","
             "\"change\":{\"actions\":[\"read\"],\"before\":null}}");
    /* Real plans (tfplan2md) lack name and mode on creates: fine. */
    accepted("{\"address\":\"aws_s3_bucket.x\",\"type\":\"aws_s3_bucket\",\"change\":{\"actions\":[\"create\"]}}");
}

/* Each member a detector or rule reads has the type Terraform gives it. */
Test(plan_shape, every_member_has_its_type)
{
    static const struct {
        const char *top;
        const char *change;
        const char *needle;
    } cases[] = {
        {"\"previous_address\":1", "", "\"previous_address\" must be a string or null, not an integer"},
        {"\"module_address\":{}", "", "\"module_address\" must be"},
        {"\"provider_name\":null", "", "\"provider_name\" must be a string"},
        {"\"index\":1.5", "", "\"index\" must be an integer or a string, not a number with a fraction"},
        {"\"index\":[0]", "", "\"index\" must be"},
        {"\"index\":null", "", "\"index\" must be"},
        {"\"deposed\":7", "", "\"deposed\" must be a string or null"},
        {"\"action_reason\":[]", "", "\"action_reason\" must be"},
        {"", "\"before\":\"x\"", "\"change.before\" must be an object or null, not a string"},
        {"", "\"after\":[1]", "\"change.after\" must be an object or null, not a list"},
        {"", "\"after_unknown\":\"yes\"", "\"change.after_unknown\" must be an object, a boolean or null"},
        {"", "\"before_sensitive\":1", "\"change.before_sensitive\" must be"},
        {"", "\"after_sensitive\":[]", "\"change.after_sensitive\" must be"},
        {"", "\"replace_paths\":{}", "\"change.replace_paths\" must be a list or null"},
        {"", "\"replace_paths\":[\"hash_key\"]", "\"change.replace_paths\" must be a list of paths"},
        {"", "\"replace_paths\":[[]]", "\"change.replace_paths\" must be a list of paths"},
        {"", "\"replace_paths\":[[{\"a\":1}]]", "\"change.replace_paths\" must be a list of paths"},
        {"", "\"importing\":\"i-1\"", "\"change.importing\" must be an object or null"},
        {"\"mode\":\"resource\"", "", "\"mode\" must be \"managed\" or \"data\""},
    };
    char buf[600];
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        refused(shaped(buf, sizeof buf, "aws_s3_bucket", "[\"update\"]", cases[i].change, cases[i].top),
                cases[i].needle);
    /* The shapes real plans have. */
    accepted(shaped(buf, sizeof buf, "aws_s3_bucket", "[\"update\"]",
                    "\"before\":{},\"after\":{},\"after_unknown\":{\"a\":true},\"before_sensitive\":false,"
                    "\"after_sensitive\":{},\"replace_paths\":[[\"tags\",\"a\"],[\"list\",0]],\"importing\":null",
                    "\"index\":0,\"module_address\":null,\"deposed\":null,\"action_reason\":null,"
                    "\"previous_address\":\"aws_s3_bucket.old\""));
    refused("{\"address\":\"\",\"type\":\"aws_s3_bucket\",\"change\":{\"actions\":[\"update\"]}}", "empty \"address\"");
    refused("{\"address\":\"a.b\",\"type\":\"\",\"change\":{\"actions\":[\"update\"]}}", "empty \"type\"");
    refused("{\"address\":5,\"type\":\"a\",\"change\":{\"actions\":[\"update\"]}}", "lacks \"address\"");
    refused("{\"address\":\"a.b\",\"type\":5,\"change\":{\"actions\":[\"update\"]}}", "lacks \"type\"");
}

/* The message quotes the address as every message quotes plan text. */
Test(plan_shape, the_message_quotes_the_address)
{
    char buf[600];

    snprintf(buf, sizeof buf,
             "{\"address\":\"x\\u001b[31m\\n\",\"type\":\"t\",\"change\":{\"actions\":[\"delete\"],\"before\":null}}");
    refused(buf, "a resource change at \"x\\u001B[31m\\n\"");
}

/* Masks Terraform never writes (a number, a string) fail closed. */
Test(plan_change, unreadable_masks_cover_everything_below)
{
    pg_change c;
    pg_path_step tags[] = {{"tags", 0}, {"Env", 0}};
    pg_path_step other[] = {{"other", 0}};

    change_from(&c, "{\"address\":\"a.b\",\"type\":\"a\",\"change\":{\"actions\":[\"update\"],"
                    "\"before\":{\"tags\":{\"Env\":\"p\"}},\"after\":{\"tags\":{}},"
                    "\"before_sensitive\":{\"tags\":\"yes\",\"other\":false},\"after_unknown\":{\"tags\":1,\"other\":null}}}");
    cr_assert(pg_change_is_sensitive(&c, PG_BEFORE, tags, 2), "a string mask hides the value");
    cr_assert(!pg_change_is_sensitive(&c, PG_BEFORE, other, 1));
    cr_assert(pg_change_is_unknown(&c, tags, 2), "a number mask makes it unknown");
    cr_assert(!pg_change_is_unknown(&c, other, 1), "null covers nothing");
    pg_change_dispose(&c);
}

/* MARK: the same refusals through the whole reader, on every path ---------- */

static int decline_all(void *ctx, const char *type, pg_action action)
{
    (void)ctx;
    (void)type;
    (void)action;
    return 0;
}

/* Read `doc` from a temporary file: with a filter that declines every change
 * (the skip path) or none, with and without the thread. */
static void read_refused(const char *doc, int code, const char *needle)
{
    char path[64];
    int fd, filter, thread;
    FILE *f;

    snprintf(path, sizeof path, "/tmp/pg-plan-model-XXXXXX");
    cr_assert((fd = mkstemp(path)) >= 0);
    cr_assert_not_null(f = fdopen(fd, "w"));
    fputs(doc, f);
    cr_assert_eq(fclose(f), 0);
    for (filter = 0; filter < 2; filter++)
        for (thread = 0; thread < 2; thread++) {
            pg_plan_read_options o;
            pg_error err;
            int rc;
            memset(&o, 0, sizeof o);
            o.filter = filter ? decline_all : NULL;
            o.threads = thread ? PG_PLAN_THREADS_ALWAYS : PG_PLAN_THREADS_NEVER;
            pg_error_clear(&err);
            rc = pg_plan_read(path, &o, NULL, &err);
            cr_assert_eq(rc, code, "filter %d thread %d: rc %d (%s)\n%s", filter, thread, rc, err.message, doc);
            cr_assert(strstr(err.message, needle), "filter %d thread %d: %s lacks %s", filter, thread, err.message,
                      needle);
            cr_assert(err.has_offset || code != PG_EPLAN || strstr(needle, "plan"), "no offset: %s", err.message);
        }
    unlink(path);
}

Test(plan_shape, refused_whether_or_not_anyone_wants_the_change)
{
    char change[600], doc[900];
    size_t i;

    for (i = 0; i < sizeof bad_actions / sizeof bad_actions[0]; i++) {
        /* A no-op of a type nobody wants: the skip must not count it. */
        const char *a = strcmp(bad_actions[i], "[\"delete\"]") ? bad_actions[i] : "[\"no-op\"]";
        shaped(change, sizeof change, "aws_s3_bucket", a, "\"before\":{}", "");
        snprintf(doc, sizeof doc, "{\"format_version\":\"1.2\",\"resource_changes\":[%s]}", change);
        read_refused(doc, PG_EPLAN, "change.actions");
    }
    shaped(change, sizeof change, "aws_s3_bucket", "[\"no-op\"]", "\"after_unknown\":\"x\"", "");
    snprintf(doc, sizeof doc, "{\"format_version\":\"1.2\",\"resource_changes\":[%s]}", change);
    read_refused(doc, PG_EPLAN, "change.after_unknown");
    shaped(change, sizeof change, "aws_s3_bucket", "[\"delete\"]", "\"before\":null", "\"deposed\":\"0001\"");
    snprintf(doc, sizeof doc, "{\"format_version\":\"1.2\",\"resource_changes\":[%s]}", change);
    read_refused(doc, PG_EPLAN, "change.before");
}

/* MARK: what a document needs to be a plan --------------------------------- */

static int plan_doc(const char *doc, pg_plan_info *info, pg_error *err)
{
    pg_plan_reader *r = NULL;
    int rc;

    pg_error_clear(err);
    cr_assert_eq(pg_plan_reader_new(&r, NULL, NULL, NULL, err), 0);
    rc = pg_plan_feed(r, doc, strlen(doc), err);
    if (rc == 0)
        rc = pg_plan_finish(r, err);
    if (info)
        *info = *pg_plan_reader_info(r);
    pg_plan_reader_free(r);
    return rc;
}

static void doc_refused(const char *doc, const char *needle)
{
    pg_error err;
    int rc = plan_doc(doc, NULL, &err);

    cr_assert_eq(rc, PG_EPLAN, "%s: rc %d (%s)", doc, rc, err.message);
    cr_assert(strstr(err.message, needle), "%s: %s lacks %s", doc, err.message, needle);
}

static void doc_accepted(const char *doc)
{
    pg_error err;
    int rc = plan_doc(doc, NULL, &err);

    cr_assert_eq(rc, 0, "%s: %s", doc, err.message);
}

Test(plan_document, a_version_and_what_the_plan_does)
{
    doc_refused("{\"plan_format_version\":\"1.1\"}", "neither \"resource_changes\" nor \"planned_values\"");
    doc_refused("{\"format_version\":\"1.2\",\"configuration\":{\"root_module\":{}}}", "neither");
    doc_refused("{\"format_version\":\"1.2\",\"resource_drift\":[],\"prior_state\":{}}", "neither");
    doc_refused("{\"format_version\":\"1.2\",\"resource_changes\":null}", "neither");
    doc_refused("{\"format_version\":\"1.2\",\"planned_values\":[]}", "\"planned_values\" must be an object");
    doc_refused("{\"format_version\":\"1.2\",\"planned_values\":null,\"resource_changes\":[]}", "must be an object");
    doc_accepted("{\"format_version\":\"1.2\",\"planned_values\":{}}");
    doc_accepted("{\"format_version\":\"1.2\",\"resource_changes\":[]}");
    doc_accepted("{\"plan_format_version\":\"1.1\",\"resource_changes\":[],\"resource_drift\":[]}");
    doc_accepted("{\"resource_changes\":[],\"format_version\":\"0.1\"}");
}

/* Two version keys must agree, whatever their order. */
Test(plan_document, two_versions_must_agree)
{
    static const char *const pairs[][2] = {
        {"\"format_version\":\"2.0\"", "\"plan_format_version\":\"1.1\""},
        {"\"format_version\":\"1.1\"", "\"plan_format_version\":\"2.0\""},
        {"\"format_version\":\"1.2\"", "\"plan_format_version\":\"1.1\""},
    };
    char doc[300];
    size_t i;
    pg_plan_info info;
    pg_error err;

    for (i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        snprintf(doc, sizeof doc, "{%s,%s,\"resource_changes\":[]}", pairs[i][0], pairs[i][1]);
        doc_refused(doc, "two versions that disagree");
        snprintf(doc, sizeof doc, "{%s,\"resource_changes\":[],%s}", pairs[i][1], pairs[i][0]);
        doc_refused(doc, "two versions that disagree");
    }
    cr_assert_eq(plan_doc("{\"plan_format_version\":\"1.1\",\"format_version\":\"1.1\",\"resource_changes\":[]}",
                          &info, &err),
                 0, "%s", err.message);
    cr_assert_str_eq(info.format_version, "1.1");
    cr_assert(info.hcp_redacted);
    doc_refused("{\"plan_format_version\":\"2.0\",\"resource_changes\":[]}", "unsupported plan format_version \"2.0\"");
}

/* Each top-level key we read has its type and appears once. */
Test(plan_document, top_level_types_and_duplicates)
{
    doc_refused("{\"format_version\":1.2,\"planned_values\":{}}", "\"format_version\" must be a string");
    doc_refused("{\"format_version\":\"1.2\",\"planned_values\":{},\"errored\":\"false\"}", "\"errored\" must be true or false");
    doc_refused("{\"format_version\":\"1.2\",\"resource_changes\":{}}", "\"resource_changes\" must be an array");
    doc_refused("{\"format_version\":\"1.2\",\"planned_values\":{},\"deferred_changes\":1}", "must be an array");
    doc_refused("{\"format_version\":\"1.2\",\"planned_values\":{},\"planned_values\":{}}", "appears twice");
    doc_refused("{\"format_version\":\"1.2\",\"resource_changes\":[],\"resource_changes\":[]}", "appears twice");
}
