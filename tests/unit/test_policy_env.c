/* test_policy_env.c — environments (issue 13, docs/policies.md
 * "Environments"): every tag spelling and place real plans carry tags, the
 * side of the change that counts, unknown values failing closed, the plan's
 * declared environment (--env), redefinition in one place, the
 * `environment:` and `production:` conditions, case-insensitive tag keys in
 * selectors and paths, and the load errors. Through the public API. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdio.h>
#include <string.h>

#include "plangate/plangate.h"
#include "support.h"

/* ---- helpers -------------------------------------------------------------------- */

static pg_policy *pack(void)
{
    pg_policy *p = pg_test_policy_new();
    pg_error err;

    cr_assert(p);
    pg_error_clear(&err);
    cr_assert_eq(pg_policy_load_defaults(p, &err), 0, "%s", err.message);
    return p;
}

static void add(pg_policy *p, const char *yaml)
{
    pg_error err;

    pg_error_clear(&err);
    cr_assert_eq(pg_policy_load_string(p, "team.yaml", yaml, strlen(yaml), &err), 0, "%s:%d:%d: %s", err.source,
                 err.line, err.column, err.message);
}

/* A change of `type` with actions, before, after, after_unknown (JSON). */
static void change_of(pg_change *c, const char *type, const char *actions, const char *before, const char *after,
                      const char *unknown)
{
    char json[8192];
    json_error_t jerr;
    json_t *v;
    pg_error err;

    snprintf(json, sizeof json,
             "{\"address\":\"%s.t\",\"mode\":\"managed\",\"type\":\"%s\",\"name\":\"t\","
             "\"change\":{\"actions\":%s,\"before\":%s,\"after\":%s,\"after_unknown\":%s}}",
             type, type, actions, before, after, unknown ? unknown : "{}");
    v = json_loads(json, JSON_ALLOW_NUL, &jerr);
    cr_assert(v, "bad test JSON: %s\n%s", jerr.text, json);
    cr_assert_eq(pg_change_init(c, v, PG_ORIGIN_PLANNED, &err), 0, "%s", err.message);
}

static int production(const pg_policy *p, const char *type, const char *actions, const char *before,
                      const char *after, const char *unknown)
{
    pg_change c;
    pg_error err;
    int out = -1;

    change_of(&c, type, actions, before, after, unknown);
    cr_assert_eq(pg_policy_is_production(p, &c, &out, &err), 0);
    pg_change_dispose(&c);
    cr_assert(out == 0 || out == 1);
    return out;
}

/* The environment's name, or "" when none (copied: the change goes). */
static const char *env_of(const pg_policy *p, const char *actions, const char *before, const char *after,
                          const char *unknown)
{
    static char name[64];
    const char *n = "x";
    pg_change c;
    pg_error err;

    change_of(&c, "aws_dynamodb_table", actions, before, after, unknown);
    cr_assert_eq(pg_policy_change_environment(p, &c, &n, &err), 0);
    snprintf(name, sizeof name, "%s", n ? n : "");
    pg_change_dispose(&c);
    return name;
}

#define CREATE "[\"create\"]"
#define DELETE "[\"delete\"]"
#define UPDATE "[\"update\"]"
#define REPLACE "[\"delete\",\"create\"]"
#define CBD "[\"create\",\"delete\"]"
#define FORGET "[\"forget\"]"
#define DDB "aws_dynamodb_table"

/* A created object whose `attr` holds {key: value}. */
static int created_with(const pg_policy *p, const char *attr, const char *key, const char *value)
{
    char after[512];

    snprintf(after, sizeof after, "{\"name\":\"orders\",\"%s\":{\"%s\":\"%s\"}}", attr, key, value);
    return production(p, DDB, CREATE, "null", after, NULL);
}

/* ---- every spelling the default pack catches --------------------------------------- */

Test(policy_env, every_key_and_value_spelling_of_the_pack)
{
    static const char *const keys[] = {"Environment", "environment", "ENVIRONMENT", "Env", "env", "ENV",
                                       "stage", "Stage", "STAGE", NULL};
    static const char *const values[] = {"production", "Production", "PRODUCTION", "prod", "Prod", "PROD", "prd",
                                         "PRD", "live", "Live", "prod-eu", "Production-2",
                                         /* suffixes a team adds for a region or a shard */
                                         "prod_eu", "prod.eu", "prod2", "PROD1", "production2", "prd-eu", NULL};
    static const char *const not_production[] = {"dev", "staging", "test", "non-prod", "nonprod", "preprod",
                                                 "product", "sandbox", "", "live-test", "eu-prod-test", NULL};
    pg_policy *p = pack();
    size_t i, j;

    for (i = 0; keys[i]; i++) {
        for (j = 0; values[j]; j++)
            cr_assert_eq(created_with(p, "tags", keys[i], values[j]), 1, "%s = %s", keys[i], values[j]);
        for (j = 0; not_production[j]; j++)
            cr_assert_eq(created_with(p, "tags", keys[i], not_production[j]), 0, "%s = %s", keys[i],
                         not_production[j]);
    }
    /* tier names a service class or a layer, not an environment */
    cr_assert_eq(created_with(p, "tags", "tier", "production"), 0);
    cr_assert_eq(created_with(p, "tags", "app_environment", "production"), 0);
    cr_assert_eq(created_with(p, "tags", "Name", "prod"), 0);
    pg_policy_free(p);
}

Test(policy_env, every_place_plans_carry_tags)
{
    static const char *const attrs[] = {"tags", "tags_all", "labels", "effective_labels", "terraform_labels", NULL};
    pg_policy *p = pack();
    size_t i;

    for (i = 0; attrs[i]; i++) {
        cr_assert_eq(created_with(p, attrs[i], "environment", "prod"), 1, "%s", attrs[i]);
        cr_assert_eq(created_with(p, attrs[i], "environment", "dev"), 0, "%s", attrs[i]);
    }
    /* an attribute that holds no tags (top-level user_labels) */
    cr_assert_eq(created_with(p, "user_labels", "environment", "prod"), 0);
    /* Cloud SQL keeps its labels in settings[*].user_labels, before side and
     * after side (an unknown one there is unknown: production until known) */
    cr_assert_eq(production(p, "google_sql_database_instance", DELETE,
                            "{\"name\":\"pg\",\"settings\":[{\"user_labels\":{\"env\":\"prod\"}}]}", "null", NULL),
                 1);
    cr_assert_eq(production(p, "google_sql_database_instance", DELETE,
                            "{\"name\":\"pg\",\"settings\":[{\"user_labels\":{\"env\":\"dev\"}}]}", "null", NULL),
                 0);
    cr_assert_eq(production(p, "google_sql_database_instance", CREATE, "null",
                            "{\"name\":\"pg\",\"settings\":[{\"tier\":\"db-f1-micro\"}]}",
                            "{\"settings\":[{\"user_labels\":true}]}"),
                 1);
    /* surrounding blanks are no part of a tag's meaning */
    cr_assert_eq(created_with(p, "tags", "Environment ", " prod"), 1);
    cr_assert_eq(created_with(p, "tags", "\\tenv", "production\\n"), 1);
    cr_assert_eq(created_with(p, "tags", " env ", " dev "), 0);
    /* AWS default_tags: only tags_all says it */
    cr_assert_eq(production(p, DDB, DELETE, "{\"tags\":null,\"tags_all\":{\"Environment\":\"production\"}}", "null",
                            NULL),
                 1);
    cr_assert_eq(production(p, DDB, DELETE, "{\"tags\":{},\"tags_all\":{\"Owner\":\"x\"}}", "null", NULL), 0);
    /* Cloud Control: a list of { key, value } */
    cr_assert_eq(production(p, "awscc_dynamodb_table", DELETE,
                            "{\"tags\":[{\"key\":\"Owner\",\"value\":\"x\"},{\"key\":\"Environment\",\"value\":\"prd\"}]}",
                            "null", NULL),
                 1);
    cr_assert_eq(production(p, "awscc_dynamodb_table", DELETE, "{\"tags\":[{\"key\":\"Environment\",\"value\":\"dev\"}]}",
                            "null", NULL),
                 0);
    /* a Google instance's network tags are a list of strings: no key/value pairs */
    cr_assert_eq(production(p, "google_compute_instance", DELETE, "{\"tags\":[\"prod\",\"environment\"]}", "null",
                            NULL),
                 0);
    pg_policy_free(p);
}

/* ---- which side counts ----------------------------------------------------------- */

#define PROD_T "{\"name\":\"orders\",\"tags\":{\"Environment\":\"production\"},\"tags_all\":{\"Environment\":\"production\"}}"
#define DEV_T "{\"name\":\"orders\",\"tags\":{\"Environment\":\"dev\"},\"tags_all\":{\"Environment\":\"dev\"}}"
#define BARE_T "{\"name\":\"orders\",\"tags\":null,\"tags_all\":{}}"

Test(policy_env, the_side_the_action_reads)
{
    pg_policy *p = pack();

    /* what is destroyed is judged by what it was */
    cr_assert_eq(production(p, DDB, DELETE, PROD_T, "null", NULL), 1);
    cr_assert_eq(production(p, DDB, DELETE, DEV_T, "null", NULL), 0);
    /* the tag dropped in the same plan that replaces the table */
    cr_assert_eq(production(p, DDB, REPLACE, PROD_T, BARE_T, NULL), 1);
    cr_assert_eq(production(p, DDB, CBD, PROD_T, DEV_T, NULL), 1);
    /* a replace by what replaces it too */
    cr_assert_eq(production(p, DDB, REPLACE, DEV_T, PROD_T, NULL), 1);
    cr_assert_eq(production(p, DDB, REPLACE, DEV_T, DEV_T, NULL), 0);
    /* what is created or kept by what it will be */
    cr_assert_eq(production(p, DDB, CREATE, "null", PROD_T, NULL), 1);
    cr_assert_eq(production(p, DDB, UPDATE, DEV_T, PROD_T, NULL), 1);
    cr_assert_eq(production(p, DDB, UPDATE, PROD_T, DEV_T, NULL), 0);
    /* forget: nothing after, the object as it was */
    cr_assert_eq(production(p, DDB, FORGET, PROD_T, "null", NULL), 1);
    cr_assert_str_eq(env_of(p, REPLACE, PROD_T, BARE_T, NULL), "production");
    cr_assert_str_eq(env_of(p, UPDATE, PROD_T, DEV_T, NULL), "");
    pg_policy_free(p);
}

Test(policy_env, an_unknown_tag_may_be_production)
{
    pg_policy *p = pack();

    /* the whole map unknown (default_tags merged at apply) */
    cr_assert_eq(production(p, DDB, CREATE, "null", "{\"tags\":null}", "{\"tags_all\":true}"), 1);
    /* a member Terraform left out of after and marked unknown */
    cr_assert_eq(production(p, DDB, CREATE, "null", "{\"tags\":{\"Owner\":\"x\"}}", "{\"tags\":{\"Environment\":true}}"),
                 1);
    cr_assert_eq(production(p, DDB, CREATE, "null", "{\"tags\":{\"Owner\":\"x\"}}", "{\"tags\":{\"Owner\":false,\"Cost\":true}}"),
                 0);
    /* a member present but unknown */
    cr_assert_eq(production(p, DDB, REPLACE, DEV_T, "{\"tags\":{\"Environment\":null},\"tags_all\":{}}",
                            "{\"tags\":{\"Environment\":true}}"),
                 1);
    /* the whole after unknown */
    cr_assert_eq(production(p, DDB, CREATE, "null", "{}", "true"), 1);
    /* Cloud Control: an element, its key or its value unknown */
    cr_assert_eq(production(p, "awscc_dynamodb_table", CREATE, "null", "{\"tags\":[{\"key\":\"Environment\",\"value\":null}]}",
                            "{\"tags\":[{\"value\":true}]}"),
                 1);
    cr_assert_eq(production(p, "awscc_dynamodb_table", CREATE, "null", "{\"tags\":[{\"key\":null,\"value\":\"x\"}]}",
                            "{\"tags\":[{\"key\":true}]}"),
                 1);
    cr_assert_eq(production(p, "awscc_dynamodb_table", CREATE, "null", "{\"tags\":[]}", "{\"tags\":[true]}"), 1);
    cr_assert_eq(production(p, "awscc_dynamodb_table", CREATE, "null", "{\"tags\":[{\"key\":\"Owner\",\"value\":null}]}",
                            "{\"tags\":[{\"value\":true}]}"),
                 0);
    /* a NUL no glob can judge: "dev\0production" */
    cr_assert_eq(production(p, DDB, DELETE, "{\"tags\":{\"Environment\":\"dev\\u0000production\"}}", "null", NULL), 1);
    /* an unknown names no environment: only is_production says "may be" */
    cr_assert_str_eq(env_of(p, CREATE, "null", "{\"tags\":null}", "{\"tags_all\":true}"), "");
    pg_policy_free(p);
}

/* ---- the plan's declared environment ------------------------------------------------ */

Test(policy_env, the_plan_declares_its_environment)
{
    pg_policy *p = pack();
    pg_error err;

    add(p, "version: 1\nenvironments:\n  staging: { production: false, tags: { keys: [environment], values: [staging] } }\n");
    cr_assert_null(pg_policy_plan_environment(p));
    cr_assert_eq(production(p, DDB, DELETE, BARE_T, "null", NULL), 0);
    cr_assert_eq(pg_policy_set_plan_environment(p, "production", &err), 0);
    cr_assert_str_eq(pg_policy_plan_environment(p), "production");
    /* every resource of the plan, tagged or not, any type */
    cr_assert_eq(production(p, DDB, DELETE, BARE_T, "null", NULL), 1);
    cr_assert_eq(production(p, "aws_s3_bucket", DELETE, "{\"bucket\":\"b\"}", "null", NULL), 1);
    cr_assert_eq(production(p, DDB, DELETE, DEV_T, "null", NULL), 1);
    cr_assert_str_eq(env_of(p, DELETE, DEV_T, "null", NULL), "production");
    /* declaring a non-production environment takes nothing away */
    cr_assert_eq(pg_policy_set_plan_environment(p, "staging", &err), 0);
    cr_assert_eq(production(p, DDB, DELETE, PROD_T, "null", NULL), 1);
    cr_assert_eq(production(p, DDB, DELETE, BARE_T, "null", NULL), 0);
    cr_assert_str_eq(env_of(p, DELETE, PROD_T, "null", NULL), "staging");
    /* NULL clears */
    cr_assert_eq(pg_policy_set_plan_environment(p, NULL, &err), 0);
    cr_assert_null(pg_policy_plan_environment(p));
    cr_assert_str_eq(env_of(p, DELETE, PROD_T, "null", NULL), "production");
    /* an unknown name: a usage error naming the known ones, the setting kept */
    cr_assert_eq(pg_policy_set_plan_environment(p, "production", &err), 0);
    pg_error_clear(&err);
    cr_assert_eq(pg_policy_set_plan_environment(p, "Production", &err), PG_EUSAGE);
    cr_assert_str_eq(err.message, "unknown environment \"Production\"; did you mean `production`? (the loaded policies define: production, staging)");
    cr_assert_str_eq(pg_policy_plan_environment(p), "production");
    pg_policy_free(p);

    p = pg_test_policy_new();
    cr_assert_eq(pg_policy_set_plan_environment(p, "prod\x1b[2J", &err), PG_EUSAGE);
    cr_assert_str_eq(err.message, "unknown environment \"prod\\u001B[2J\" (the loaded policies define: none)");
    pg_policy_free(p);
}

Test(policy_env, accessors)
{
    pg_policy *p = pack();
    int prod = -1;

    add(p, "version: 1\nenvironments:\n  staging: { production: false }\n  dr: { production: true }\n");
    cr_assert_eq(pg_policy_environment_count(p), 3);
    cr_assert_str_eq(pg_policy_environment_name(p, 0, &prod), "production");
    cr_assert_eq(prod, 1);
    cr_assert_str_eq(pg_policy_environment_name(p, 1, &prod), "staging");
    cr_assert_eq(prod, 0);
    cr_assert_str_eq(pg_policy_environment_name(p, 2, NULL), "dr");
    cr_assert_null(pg_policy_environment_name(p, 3, &prod));
    cr_assert_eq(pg_policy_environment_count(NULL), 0);
    pg_policy_free(p);
}

/* ---- one place to change it ------------------------------------------------------- */

Test(policy_env, a_later_definition_replaces_the_pack_s)
{
    pg_policy *p = pack();
    const char *why = NULL;
    pg_change c;
    pg_error err;
    int out;

    add(p, "version: 1\nenvironments:\n  production:\n    production: true\n"
           "    tags: { keys: [app_environment, \"*-env\"], values: [\"p*\"] }\n");
    cr_assert_eq(pg_policy_environment_count(p), 1);
    cr_assert_eq(created_with(p, "tags", "Environment", "production"), 0);
    cr_assert_eq(created_with(p, "tags", "app_environment", "PRD"), 1);
    cr_assert_eq(created_with(p, "tags", "Deploy-Env", "public"), 1);
    /* the pack's selector and rules follow: they ask { production: true } */
    change_of(&c, DDB, DELETE, "{\"name\":\"orders\",\"tags\":{\"App_Environment\":\"prod\"}}", "null", NULL);
    cr_assert_eq(pg_policy_protects(p, &c, &out, &why, &err), 0);
    cr_assert_eq(out, 1);
    cr_assert_str_eq(why, "a DynamoDB table in a production environment");
    pg_change_dispose(&c);
    change_of(&c, DDB, DELETE, PROD_T, "null", NULL);
    cr_assert_eq(pg_policy_protects(p, &c, &out, &why, &err), 0);
    cr_assert_eq(out, 0);
    pg_change_dispose(&c);
    /* several environments may say production */
    add(p, "version: 1\nenvironments:\n  dr: { production: true, tags: { keys: [site], values: [dr] } }\n");
    cr_assert_eq(created_with(p, "tags", "Site", "DR"), 1);
    pg_policy_free(p);
}

/* ---- conditions ------------------------------------------------------------------- */

/* Does a rule whose `where` is `cond` select the change? */
static int selects(const pg_policy *base_yaml_unused, const char *cond, const char *actions, const char *before,
                   const char *after, const char *unknown)
{
    char yaml[1024];
    pg_policy *p = pack();
    pg_findings f;
    pg_change c;
    pg_error err;
    size_t i, n = 0;

    (void)base_yaml_unused;
    snprintf(yaml, sizeof yaml,
             "version: 1\nenvironments:\n  staging: { production: false, tags: { keys: [env*], values: [stg, staging] } }\n"
             "rules:\n  - id: probe\n    severity: low\n    match: { type: aws_dynamodb_table, actions: [create, update, "
             "replace, delete], where: %s }\n",
             cond);
    add(p, yaml);
    pg_findings_init(&f);
    change_of(&c, DDB, actions, before, after, unknown);
    cr_assert_eq(pg_policy_eval_change(p, &c, &f, &err), 0);
    for (i = 0; i < f.count; i++)
        n += strcmp(f.items[i]->rule, "probe") == 0;
    pg_findings_dispose(&f);
    pg_change_dispose(&c);
    pg_policy_free(p);
    return (int)n;
}

#define STG_T "{\"name\":\"orders\",\"tags\":{\"envName\":\"STG\"}}"

Test(policy_env, environment_and_production_conditions)
{
    cr_assert_eq(selects(NULL, "{ environment: production }", DELETE, PROD_T, "null", NULL), 1);
    cr_assert_eq(selects(NULL, "{ environment: production }", DELETE, STG_T, "null", NULL), 0);
    cr_assert_eq(selects(NULL, "{ environment: staging }", DELETE, STG_T, "null", NULL), 1);
    cr_assert_eq(selects(NULL, "{ environment: [staging, production] }", DELETE, PROD_T, "null", NULL), 1);
    cr_assert_eq(selects(NULL, "{ environment: [staging, production] }", DELETE, DEV_T, "null", NULL), 0);
    cr_assert_eq(selects(NULL, "{ production: true }", DELETE, PROD_T, "null", NULL), 1);
    cr_assert_eq(selects(NULL, "{ production: true }", DELETE, STG_T, "null", NULL), 0);
    cr_assert_eq(selects(NULL, "{ production: false }", DELETE, STG_T, "null", NULL), 1);
    cr_assert_eq(selects(NULL, "{ production: false }", DELETE, PROD_T, "null", NULL), 0);
    cr_assert_eq(selects(NULL, "{ not: { production: true } }", DELETE, DEV_T, "null", NULL), 1);
    /* unknown selects in where (the rule then decides), not under if_unknown: fail */
    cr_assert_eq(selects(NULL, "{ production: true }", CREATE, "null", "{}", "{\"tags_all\":true}"), 1);
    cr_assert_eq(selects(NULL, "{ production: false }", CREATE, "null", "{}", "{\"tags_all\":true}"), 1);
    cr_assert_eq(selects(NULL, "{ production: true, if_unknown: fail }", CREATE, "null", "{}", "{\"tags_all\":true}"),
                 0);
    cr_assert_eq(selects(NULL, "{ not: { environment: production } }", CREATE, "null", "{}", "{\"tags_all\":true}"),
                 1);
}

Test(policy_env, in_require_and_when)
{
    static const char *const yaml =
        "version: 1\n"
        "protect:\n"
        "  - { type: aws_s3_bucket, when: { environment: production } }\n"
        "rules:\n"
        "  - id: only-outside-production\n"
        "    severity: high\n"
        "    match: { type: aws_s3_bucket }\n"
        "    require: { production: false }\n"
        "    message: \"{address} is in production\"\n";
    pg_policy *p = pack();
    pg_findings f;
    pg_change c;
    pg_error err;
    const char *why;
    int out;

    add(p, yaml);
    change_of(&c, "aws_s3_bucket", DELETE, "{\"bucket\":\"b\",\"tags\":{\"stage\":\"live\"}}", "null", NULL);
    cr_assert_eq(pg_policy_protects(p, &c, &out, &why, &err), 0);
    cr_assert_eq(out, 1);
    cr_assert_str_eq(why, "type aws_s3_bucket, when environment \"production\"");
    pg_change_dispose(&c);
    /* unknown protects */
    change_of(&c, "aws_s3_bucket", REPLACE, "{\"bucket\":\"b\",\"tags\":{}}", "{\"bucket\":\"b\"}",
              "{\"tags_all\":true}");
    cr_assert_eq(pg_policy_protects(p, &c, &out, &why, &err), 0);
    cr_assert_eq(out, 1);
    pg_change_dispose(&c);
    /* require: a production bucket fails it, an unknown one too (fail closed) */
    pg_findings_init(&f);
    change_of(&c, "aws_s3_bucket", UPDATE, "{\"bucket\":\"b\"}", "{\"bucket\":\"b\",\"tags\":{\"Env\":\"prod\"}}", NULL);
    cr_assert_eq(pg_policy_eval_change(p, &c, &f, &err), 0);
    pg_change_dispose(&c);
    change_of(&c, "aws_s3_bucket", CREATE, "null", "{\"bucket\":\"b\"}", "{\"tags_all\":true}");
    cr_assert_eq(pg_policy_eval_change(p, &c, &f, &err), 0);
    pg_change_dispose(&c);
    change_of(&c, "aws_s3_bucket", CREATE, "null", "{\"bucket\":\"b\",\"tags_all\":{\"Env\":\"dev\"}}", NULL);
    cr_assert_eq(pg_policy_eval_change(p, &c, &f, &err), 0);
    pg_change_dispose(&c);
    cr_assert_eq(f.count, 2);
    cr_assert_str_eq(f.items[0]->message, "aws_s3_bucket.t is in production");
    cr_assert_eq(f.items[0]->n_evidence, 0);
    pg_findings_dispose(&f);
    pg_policy_free(p);
}

/* ---- tag keys in selectors and paths -------------------------------------------------- */

Test(policy_env, selector_tags_ignore_case_and_read_every_attribute)
{
    pg_policy *p = pg_test_policy_new();
    pg_change c;
    pg_error err;
    int out;

    add(p, "version: 1\nprotect:\n  - { type: google_sql_database_instance, tags: { Team: [Payments] } }\n");
    change_of(&c, "google_sql_database_instance", DELETE, "{\"labels\":{\"team\":\"payments\"}}", "null", NULL);
    cr_assert_eq(pg_policy_protects(p, &c, &out, NULL, &err), 0);
    cr_assert_eq(out, 1);
    pg_change_dispose(&c);
    change_of(&c, "google_sql_database_instance", DELETE, "{\"labels\":{\"team\":\"orders\"}}", "null", NULL);
    cr_assert_eq(pg_policy_protects(p, &c, &out, NULL, &err), 0);
    cr_assert_eq(out, 0);
    pg_change_dispose(&c);
    /* the replacing object's tags count too; an unknown one protects */
    change_of(&c, "google_sql_database_instance", REPLACE, "{\"labels\":{}}", "{\"effective_labels\":{\"TEAM\":\"PAYMENTS\"}}",
              NULL);
    cr_assert_eq(pg_policy_protects(p, &c, &out, NULL, &err), 0);
    cr_assert_eq(out, 1);
    pg_change_dispose(&c);
    change_of(&c, "google_sql_database_instance", REPLACE, "{\"labels\":{}}", "{}", "{\"terraform_labels\":true}");
    cr_assert_eq(pg_policy_protects(p, &c, &out, NULL, &err), 0);
    cr_assert_eq(out, 1);
    pg_change_dispose(&c);
    pg_policy_free(p);
}

/* A rule with one require condition: does the condition hold on `after`? */
static int require_holds(const char *cond, const char *after, const char *unknown)
{
    char yaml[512];
    pg_policy *p = pg_test_policy_new();
    pg_findings f;
    pg_change c;
    pg_error err;
    int held;

    snprintf(yaml, sizeof yaml, "version: 1\nrules:\n  - id: r\n    severity: low\n    require: %s\n", cond);
    add(p, yaml);
    pg_findings_init(&f);
    change_of(&c, "awscc_dynamodb_table", CREATE, "null", after, unknown);
    cr_assert_eq(pg_policy_eval_change(p, &c, &f, &err), 0);
    held = f.count == 0;
    pg_findings_dispose(&f);
    pg_change_dispose(&c);
    pg_policy_free(p);
    return held;
}

Test(policy_env, paths_under_a_tag_attribute_ignore_key_case)
{
    cr_assert(require_holds("{ path: after.tags.Environment, equals: prod }", "{\"tags\":{\"environment\":\"prod\"}}", NULL));
    cr_assert(require_holds("{ path: after.tags.ENVIRONMENT, equals: prod }", "{\"tags\":{\"Environment\":\"prod\"}}", NULL));
    cr_assert(require_holds("{ path: 'after.labels[\"Env\"]', equals: prod }", "{\"labels\":{\"env\":\"prod\"}}", NULL));
    cr_assert(!require_holds("{ path: after.tags.Environment, equals: prod }", "{\"tags\":{\"Environments\":\"prod\"}}",
                             NULL));
    /* several spellings: several values */
    cr_assert(require_holds("{ path: after.tags.Environment, equals: prod }",
                            "{\"tags\":{\"Environment\":\"dev\",\"environment\":\"prod\"}}", NULL));
    cr_assert(!require_holds("{ path: after.tags.Environment, equals: prod, every: true }",
                             "{\"tags\":{\"Environment\":\"dev\",\"environment\":\"prod\"}}", NULL));
    /* Cloud Control: the list read as a map */
    cr_assert(require_holds("{ path: after.tags.Environment, equals: prod }",
                            "{\"tags\":[{\"key\":\"environment\",\"value\":\"prod\"}]}", NULL));
    cr_assert(!require_holds("{ path: after.tags.Environment, exists: true }", "{\"tags\":[{\"key\":\"Owner\",\"value\":\"x\"}]}",
                             NULL));
    /* unknown members: unknown, and a require fails closed */
    cr_assert(!require_holds("{ path: after.tags.environment, not_equals: prod }", "{\"tags\":{\"Owner\":\"x\"}}",
                             "{\"tags\":{\"Environment\":true}}"));
    cr_assert(require_holds("{ path: after.tags.environment, not_equals: prod, if_unknown: pass }",
                            "{\"tags\":{\"Owner\":\"x\"}}", "{\"tags\":{\"Environment\":true}}"));
    cr_assert(!require_holds("{ path: after.tags.Environment, exists: false }", "{\"tags\":[{\"key\":\"x\"}]}",
                             "{\"tags\":[{\"key\":true}]}"));
    /* contains on a tag map or list: keys in any case */
    cr_assert(require_holds("{ path: after.tags, contains: Environment }", "{\"tags\":{\"ENVIRONMENT\":\"x\"}}", NULL));
    cr_assert(require_holds("{ path: after.tags, contains: Environment }", "{\"tags\":[{\"key\":\"environment\",\"value\":\"x\"}]}",
                            NULL));
    cr_assert(!require_holds("{ path: after.tags, contains: Owner }", "{\"tags\":{\"environment\":\"x\"}}", NULL));
    /* outside a tag attribute, keys keep their case */
    cr_assert(!require_holds("{ path: after.settings.Environment, exists: true }", "{\"settings\":{\"environment\":\"x\"}}",
                             NULL));
    cr_assert(!require_holds("{ path: after.attrs, contains: Environment }", "{\"attrs\":{\"environment\":\"x\"}}", NULL));
}

Test(policy_env, evidence_shows_the_spelling_found)
{
    pg_policy *p = pg_test_policy_new();
    pg_findings f;
    pg_change c;
    pg_error err;

    add(p, "version: 1\nrules:\n  - id: r\n    severity: low\n    require: { path: after.tags.Environment, equals: dev }\n"
           "    message: \"{address}: {after.tags.Environment}\"\n");
    pg_findings_init(&f);
    change_of(&c, DDB, UPDATE, "{\"tags\":{\"environment\":\"prod\"}}", "{\"tags\":{\"environment\":\"prod\"}}", NULL);
    cr_assert_eq(pg_policy_eval_change(p, &c, &f, &err), 0);
    cr_assert_eq(f.count, 1);
    cr_assert_str_eq(f.items[0]->message, "aws_dynamodb_table.t: prod");
    cr_assert_eq(f.items[0]->n_evidence, 1);
    cr_assert_str_eq(json_string_value(f.items[0]->evidence[0].after), "prod");
    cr_assert_str_eq(json_string_value(f.items[0]->evidence[0].before), "prod");
    pg_findings_dispose(&f);
    pg_change_dispose(&c);
    pg_policy_free(p);
}

/* ---- load errors ------------------------------------------------------------------- */

typedef struct env_error {
    char yaml[400];
    char message[300];
} env_error;

/* Not const: cr_make_param_array casts it to void * (clang -Wcast-qual). */
static env_error errors[] = {
    {"version: 1\nrules:\n  - { id: r, severity: low, match: { where: { environment: prodution } } }\n",
     "team.yaml:3:47: unknown environment \"prodution\"; did you mean `production`? (defined so far: production; "
     "environments: in this file or one loaded before it defines them)"},
    {"version: 1\nprotect:\n  - { when: { environment: [production, qa] } }\n",
     "team.yaml:3:15: unknown environment \"qa\""},
    {"version: 1\nenvironments:\n  production: { tags: { keys: [env], values: [prod] } }\n",
     "team.yaml:3:15: environment 'production' needs production: true or false"},
    {"version: 1\nenvironments:\n  \"pro d\": { production: true }\n",
     "team.yaml:3:3: environment name \"pro d\" may hold only letters"},
    {"version: 1\nenvironments:\n  qa: { production: yes }\n", "team.yaml:3:21: production must be true or false"},
    {"version: 1\nenvironments:\n  qa: { production: false, tags: { keys: [env] } }\n",
     "team.yaml:3:34: an environment's tags need keys: (tag names) and values:"},
    {"version: 1\nenvironments:\n  qa: { production: false, tags: { keys: [], values: [qa] } }\n",
     "team.yaml:3:42: keys must not be an empty list"},
    {"version: 1\nenvironments:\n  qa: { production: false, colour: red }\n", "team.yaml:3:28: unknown key \"colour\""},
    {"version: 1\nenvironments: [production]\n", "team.yaml:2:15: environments must be a mapping"},
    {"version: 1\nrules:\n  - { id: r, severity: low, require: { environment: [] } }\n",
     "team.yaml:3:53: environment must not be an empty list"},
    {"version: 1\nrules:\n  - { id: r, severity: low, require: { production: 1 } }\n",
     "team.yaml:3:52: production must be true or false, not an integer"},
    {"version: 1\nrules:\n  - { id: r, severity: low, require: { production: true, every: true } }\n",
     "team.yaml:3:58: a condition with 'production' takes no other key than if_unknown (found \"every\")"},
};

ParameterizedTestParameters(policy_env, load_errors)
{
    return cr_make_param_array(env_error, errors, sizeof errors / sizeof errors[0]);
}

ParameterizedTest(const env_error *e, policy_env, load_errors)
{
    pg_policy *p = pack();
    char line[1024];
    pg_error err;

    pg_error_clear(&err);
    cr_assert_eq(pg_policy_load_string(p, "team.yaml", e->yaml, strlen(e->yaml), &err), PG_EPOLICY, "%s", e->yaml);
    pg_error_format(&err, line, sizeof line);
    cr_assert(strstr(line, e->message), "%s\nwanted: %s", line, e->message);
    pg_policy_free(p);
}

Test(policy_env, names_are_checked_against_this_file_and_those_before_it)
{
    pg_policy *p = pg_test_policy_new();
    char line[1024];
    pg_error err;
    static const char *const use = "version: 1\nrules:\n  - { id: r, severity: low, match: { where: { production: true } } }\n";
    static const char *const later =
        "version: 1\nrules:\n  - { id: r2, severity: low, match: { where: { environment: qa } } }\n"
        "environments:\n  qa: { production: false }\n";

    /* without the pack, nothing says production */
    pg_error_clear(&err);
    cr_assert_eq(pg_policy_load_string(p, "team.yaml", use, strlen(use), &err), PG_EPOLICY);
    pg_error_format(&err, line, sizeof line);
    cr_assert(strstr(line, "team.yaml:3:47: no environment says production: true"), "%s", line);
    /* defined below its use in the same file */
    add(p, later);
    /* with the pack's environments alone (what lint and test load), it loads */
    cr_assert_eq(pg_policy_load_default_environments(p, &err), 0, "%s", err.message);
    add(p, use);
    cr_assert_eq(pg_policy_rule_count(p), 2);
    cr_assert_eq(pg_policy_environment_count(p), 2);
    cr_assert_eq(pg_policy_detector_setting_count(p), 0); /* the pack's other sections are not loaded */
    pg_policy_free(p);
}

Test(policy_env, a_waiver_file_may_not_say_what_production_is)
{
    static const char *const yaml = "version: 1\nenvironments:\n  production: { production: false }\nwaivers: []\n";
    pg_policy *p = pack();
    char line[1024];
    pg_error err;

    pg_error_clear(&err);
    cr_assert_eq(pg_policy_load_waivers_string(p, "change.yaml", yaml, strlen(yaml), "2026-11-24", &err), PG_EPOLICY);
    pg_error_format(&err, line, sizeof line);
    cr_assert(strstr(line, "change.yaml:2:1: a waiver file (--waivers) may hold only version: and waivers:, not "
                           "\"environments\""),
              "%s", line);
    cr_assert_eq(created_with(p, "tags", "Environment", "prod"), 1);
    pg_policy_free(p);
}

/* ---- the CLI: --env, lint and test see the pack's environments ---------------------------- */

#define PLANS PG_TESTDATA "/plans"

Test(policy_env, cli_env_option)
{
    const char *ok[] = {"check", "--format", "json", "--env", "production", PLANS "/env-undeclared-untagged/plan.json",
                        NULL};
    const char *bad[] = {"check", "--env", "prodution", PLANS "/env-undeclared-untagged/plan.json", NULL};
    const char *none[] = {"check", "--no-default-policies", "--env", "production",
                          PLANS "/env-undeclared-untagged/plan.json", NULL};
    const char *missing[] = {"check", PLANS "/env-undeclared-untagged/plan.json", "--env", NULL};
    const char *plain[] = {"check", PLANS "/env-undeclared-untagged/plan.json", NULL};
    pg_test_run_result r;

    /* the untagged table passes without --env and is protected with it */
    cr_assert_eq(pg_test_run(&r, plain, NULL, NULL), 0);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(pg_test_run(&r, ok, NULL, NULL), 0);
    cr_assert_eq(r.exit_code, 1, "%s", r.err);
    cr_assert(strstr(r.out, "\"rule\": \"protected-destroy\""), "%s", r.out);
    pg_test_run_free(&r);
    cr_assert_eq(pg_test_run(&r, bad, NULL, NULL), 0);
    cr_assert_eq(r.exit_code, 2);
    cr_assert_str_eq(r.err, "plangate check: --env: unknown environment \"prodution\"; did you mean `production`? "
                            "(the loaded policies define: production)\n");
    cr_assert_eq(r.out_len, 0);
    pg_test_run_free(&r);
    cr_assert_eq(pg_test_run(&r, none, NULL, NULL), 0);
    cr_assert_eq(r.exit_code, 2);
    cr_assert(strstr(r.err, "(the loaded policies define: none)"), "%s", r.err);
    pg_test_run_free(&r);
    cr_assert_eq(pg_test_run(&r, missing, NULL, NULL), 0);
    cr_assert_eq(r.exit_code, 2);
    pg_test_run_free(&r);
}

Test(policy_env, cli_lint_and_test_see_the_pack_s_environments)
{
    static const char *const yaml = "version: 1\n"
                                    "rules:\n"
                                    "  - id: prod-tables-only-on-demand\n"
                                    "    severity: high\n"
                                    "    match: { type: aws_dynamodb_table, actions: [replace], where: { production: true } }\n"
                                    "    examples:\n"
                                    "      - plan: " PLANS "/env-tag-dropped-same-plan/plan.json\n"
                                    "        expect: [{ address: aws_dynamodb_table.orders }]\n"
                                    "      - plan: " PLANS "/env-dev-table-replaced/plan.json\n"
                                    "        expect: []\n";
    char dir[512], file[600];
    const char *lint[] = {"lint", file, NULL};
    const char *test[] = {"test", file, NULL};
    pg_test_run_result r;

    pg_test_scratch(dir, sizeof dir);
    snprintf(file, sizeof file, "%s/team.yaml", dir);
    pg_test_write_file(file, yaml, strlen(yaml));
    cr_assert_eq(pg_test_run(&r, lint, NULL, NULL), 0);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    cr_assert(strstr(r.out, "team.yaml: ok"), "%s", r.out);
    pg_test_run_free(&r);
    cr_assert_eq(pg_test_run(&r, test, NULL, NULL), 0);
    cr_assert_eq(r.exit_code, 0, "%s%s", r.out, r.err);
    cr_assert(strstr(r.out, "2 passed, 0 failed"), "%s", r.out);
    pg_test_run_free(&r);
    pg_test_rmtree(dir);
}
