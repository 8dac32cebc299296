/* test_policy_pack.c — the default pack (the policies/ folder) compiled into the
 * binary: it loads, configures every detector, protects what it says, and
 * every rule carries an example whose plan fixture is there. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "plangate/plangate.h"
#include "support.h"

/* The pack with its examples resolved against the source tree's policies/
 * (what `plangate test` does; a check run resolves nothing). */
static pg_policy *defaults(void)
{
    pg_policy *p = pg_test_policy_new();
    pg_error err;

    pg_error_clear(&err);
    pg_policy_set_check(p, pg_detect_check_policy);
    cr_assert_eq(pg_policy_load_defaults_with_examples(p, PG_SRCDIR "/policies", &err), 0, "%s:%d:%d: %s", err.source,
                 err.line, err.column, err.message);
    return p;
}

Test(policy_pack, a_check_run_resolves_no_example)
{
    pg_policy *p = pg_test_policy_new();
    pg_error err;
    size_t i;

    pg_error_clear(&err);
    cr_assert_eq(pg_policy_load_defaults(p, &err), 0);
    cr_assert_gt(pg_policy_example_count(p), 0);
    for (i = 0; i < pg_policy_example_count(p); i++)
        cr_assert_null(pg_policy_example_at(p, i)->plan, "%s", pg_policy_example_at(p, i)->source);
    pg_policy_free(p);
    /* a folder that is not the pack, byte for byte, resolves nothing either */
    cr_assert(pg_policy_is_pack_dir(PG_SRCDIR "/policies"));
    cr_assert_not(pg_policy_is_pack_dir(PG_TESTDATA "/policies/ok-spec-example"));
    cr_assert_not(pg_policy_is_pack_dir(NULL));
}

Test(policy_pack, loads)
{
    pg_policy *p = defaults();
    size_t i;

    cr_assert_geq(pg_policy_rule_count(p), 5);
    for (i = 0; i < pg_policy_rule_count(p); i++) {
        const pg_rule_meta *m = pg_policy_rule(p, i);
        cr_assert(m->title && strcmp(m->title, m->id) != 0, "%s has no title", m->id);
        cr_assert(m->description && strlen(m->description) > 40, "%s has no description", m->id);
        cr_assert(m->remediation, "%s has no remediation", m->id);
        cr_assert_null(pg_detector_find(m->id), "%s collides with a detector", m->id);
        cr_assert(strncmp(m->source, "<builtin>/", 10) == 0, "%s", m->source);
    }
    pg_policy_free(p);
}

Test(policy_pack, every_rule_has_an_example_with_a_fixture)
{
    pg_policy *p = defaults();
    size_t i, j;
    struct stat st;

    for (i = 0; i < pg_policy_rule_count(p); i++) {
        const char *id = pg_policy_rule(p, i)->id;
        int found = 0;
        for (j = 0; j < pg_policy_example_count(p); j++) {
            const pg_policy_example *ex = pg_policy_example_at(p, j);
            if (strcmp(ex->rule, id) != 0)
                continue;
            found = 1;
            /* the tests run from the source tree: the pack's examples resolve */
            cr_assert(ex->plan, "%s: example at %s is unresolved", id, ex->source);
            cr_assert_eq(stat(ex->plan, &st), 0, "%s: %s is missing", id, ex->plan);
            cr_assert(json_array_size(ex->expect) > 0, "%s: an example should show the rule firing", id);
        }
        cr_assert(found, "rule %s has no example", id);
    }
    pg_policy_free(p);
}

Test(policy_pack, configures_every_detector)
{
    pg_policy *p = defaults();
    size_t i;

    cr_assert_geq(pg_detector_count(), 12);
    for (i = 0; i < pg_detector_count(); i++) {
        const pg_detector *d = pg_detector_at(i);
        pg_severity other = d->default_severity == PG_SEV_INFO ? PG_SEV_CRITICAL : PG_SEV_INFO;
        cr_assert(pg_policy_detector_enabled(p, d->id), "%s", d->id);
        /* set explicitly (a fallback different from the default would show otherwise) */
        cr_assert_eq(pg_policy_detector_severity(p, d->id, other), d->default_severity, "%s", d->id);
    }
    pg_policy_free(p);
}

static int protects(const pg_policy *p, const char *before, const char **why)
{
    char json[2048];
    json_error_t jerr;
    pg_change c;
    pg_error err;
    int r;

    snprintf(json, sizeof json,
             "{\"address\":\"aws_dynamodb_table.t\",\"type\":\"aws_dynamodb_table\",\"name\":\"t\","
             "\"change\":{\"actions\":[\"delete\"],\"before\":%s,\"after\":null}}",
             before);
    cr_assert_eq(pg_change_init(&c, json_loads(json, 0, &jerr), PG_ORIGIN_PLANNED, &err), 0);
    cr_assert_eq(pg_policy_protects(p, &c, &r, why, &err), 0);
    pg_change_dispose(&c);
    return r;
}

Test(policy_pack, protect_selectors)
{
    pg_policy *p = defaults();
    const char *why = NULL;

    cr_assert(protects(p, "{\"name\":\"orders\",\"tags\":{\"Environment\":\"production\"}}", &why));
    cr_assert_str_eq(why, "a DynamoDB table in a production environment");
    cr_assert(protects(p, "{\"tags\":{\"Environment\":\"prod\"}}", NULL));
    cr_assert(protects(p, "{\"tags\":null,\"tags_all\":{\"Environment\":\"Production\"}}", NULL)); /* default_tags */
    cr_assert(protects(p, "{\"tags\":{\"Critical\":\"TRUE\"}}", NULL));
    cr_assert(protects(p, "{\"tags\":{\"Critical\":\"true\"}}", &why));
    cr_assert_str_eq(why, "a DynamoDB table tagged Critical = true");
    cr_assert(protects(p, "{\"deletion_protection_enabled\":true}", &why));
    cr_assert_str_eq(why, "a DynamoDB table with deletion_protection_enabled = true");
    why = "untouched";
    cr_assert(!protects(p, "{\"tags\":{\"Environment\":\"dev\",\"Critical\":\"false\"},\"deletion_protection_enabled\":false}", &why));
    cr_assert_null(why);
    cr_assert(!protects(p, "null", NULL));
    pg_policy_free(p);
}
