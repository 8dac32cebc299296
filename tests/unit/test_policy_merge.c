/* test_policy_merge.c — several files into one policy: order, overrides,
 * duplicates, folders, the default pack first. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plangate/plangate.h"
#include "support.h"

static int load(pg_policy *p, const char *name, const char *yaml, pg_error *err)
{
    pg_error_clear(err);
    return pg_policy_load_string(p, name, yaml, strlen(yaml), err);
}

static const char *A =
    "version: 1\n"
    "detectors:\n"
    "  lock-table-pitr: { enabled: false, severity: high }\n"
    "  plan-incomplete: { severity: low }\n"
    "lock_tables: [locks-a, shared]\n"
    "protect:\n"
    "  - { address: \"module.payments.*\" }\n"
    "rules:\n"
    "  - { id: a1, severity: low }\n"
    "  - { id: a2, severity: low }\n";

static const char *B =
    "version: 1\n"
    "detectors:\n"
    "  lock-table-pitr: { enabled: true }\n"
    "lock_tables: [shared, locks-b]\n"
    "protect:\n"
    "  - { type: aws_s3_bucket, description: buckets }\n"
    "rules:\n"
    "  - { id: b1, severity: high }\n";

Test(policy_merge, two_files)
{
    pg_policy *p = pg_test_policy_new();
    pg_error err;

    cr_assert_eq(load(p, "a.yaml", A, &err), 0, "%s", err.message);
    cr_assert_eq(load(p, "b.yaml", B, &err), 0, "%s", err.message);
    /* rules accumulate in load order */
    cr_assert_eq(pg_policy_rule_count(p), 3);
    cr_assert_str_eq(pg_policy_rule(p, 0)->id, "a1");
    cr_assert_str_eq(pg_policy_rule(p, 2)->id, "b1");
    cr_assert_str_eq(pg_policy_rule(p, 2)->source, "b.yaml:8");
    /* detectors: later files override key by key */
    cr_assert_eq(pg_policy_detector_enabled(p, "lock-table-pitr"), 1);
    cr_assert_eq(pg_policy_detector_severity(p, "lock-table-pitr", PG_SEV_MEDIUM), PG_SEV_HIGH);
    cr_assert_eq(pg_policy_detector_severity(p, "plan-incomplete", PG_SEV_MEDIUM), PG_SEV_LOW);
    cr_assert_eq(pg_policy_detector_enabled(p, "plan-incomplete"), 1);
    cr_assert_eq(pg_policy_detector_severity(p, "dynamodb-key-replacement", PG_SEV_CRITICAL), PG_SEV_CRITICAL);
    /* lock tables: a union, in order */
    cr_assert_eq(pg_policy_lock_table_count(p), 3);
    cr_assert_str_eq(pg_policy_lock_table(p, 0), "locks-a");
    cr_assert_str_eq(pg_policy_lock_table(p, 1), "shared");
    cr_assert_str_eq(pg_policy_lock_table(p, 2), "locks-b");
    cr_assert_null(pg_policy_lock_table(p, 3));
    pg_policy_free(p);
}

Test(policy_merge, detector_disabled_then_kept)
{
    pg_policy *p = pg_test_policy_new();
    pg_error err;

    cr_assert_eq(load(p, "a.yaml", A, &err), 0);
    cr_assert_eq(pg_policy_detector_enabled(p, "lock-table-pitr"), 0);
    cr_assert_eq(load(p, "c.yaml", "version: 1\ndetectors:\n  lock-table-pitr: { severity: low }\n", &err), 0);
    cr_assert_eq(pg_policy_detector_enabled(p, "lock-table-pitr"), 0); /* not touched by c.yaml */
    cr_assert_eq(pg_policy_detector_severity(p, "lock-table-pitr", PG_SEV_MEDIUM), PG_SEV_LOW);
    pg_policy_free(p);
}

Test(policy_merge, duplicate_rule_id_across_files)
{
    pg_policy *p = pg_test_policy_new();
    pg_error err;
    char line[1024];

    cr_assert_eq(load(p, "a.yaml", A, &err), 0);
    cr_assert_eq(load(p, "dup.yaml", "version: 1\nrules:\n  - id: b9\n    severity: low\n  - id: a2\n    severity: low\n", &err),
                 PG_EPOLICY);
    pg_error_format(&err, line, sizeof line);
    cr_assert_str_eq(line, "dup.yaml:5:9: duplicate rule id 'a2' (first defined at a.yaml:10)");
    /* nothing of dup.yaml was merged */
    cr_assert_eq(pg_policy_rule_count(p), 2);
    pg_policy_free(p);
}

Test(policy_merge, protect_selectors_accumulate)
{
    pg_policy *p = pg_test_policy_new();
    pg_error err;
    pg_change c;
    json_error_t jerr;
    const char *why = NULL;
    int prot = 0;

    cr_assert_eq(load(p, "a.yaml", A, &err), 0);
    cr_assert_eq(load(p, "b.yaml", B, &err), 0);
    cr_assert_eq(pg_change_init(&c, json_loads("{\"address\":\"aws_s3_bucket.logs\",\"type\":\"aws_s3_bucket\","
                                               "\"change\":{\"actions\":[\"delete\"],\"before\":{}}}", 0, &jerr),
                                PG_ORIGIN_PLANNED, &err), 0);
    cr_assert_eq(pg_policy_protects(p, &c, &prot, &why, &err), 0);
    cr_assert(prot);
    cr_assert_str_eq(why, "buckets");
    pg_change_dispose(&c);
    cr_assert_eq(pg_change_init(&c, json_loads("{\"address\":\"module.payments.aws_sqs_queue.q\",\"type\":\"aws_sqs_queue\","
                                               "\"change\":{\"actions\":[\"delete\"],\"before\":{}}}", 0, &jerr),
                                PG_ORIGIN_PLANNED, &err), 0);
    cr_assert_eq(pg_policy_protects(p, &c, &prot, &why, &err), 0);
    cr_assert(prot);
    cr_assert_str_eq(why, "address module.payments.*");
    pg_change_dispose(&c);
    pg_policy_free(p);
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "w");
    cr_assert(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

Test(policy_merge, folder_sorted_by_name)
{
    char dir[] = "/tmp/pg_policy_dir_XXXXXX", sub[600], cmd[700];
    pg_policy *p = pg_test_policy_new();
    pg_error err;
    const pg_policy_example *ex;

    cr_assert(mkdtemp(dir));
    write_file(dir, "b.yaml", "version: 1\nrules:\n  - id: from-b\n    severity: low\n"
                              "    examples:\n      - { plan: fixtures/plan.json, expect: [] }\n");
    write_file(dir, "a.yml", "version: 1\nrules:\n  - { id: from-a, severity: low }\n");
    write_file(dir, "B.yaml", "version: 1\nrules:\n  - { id: from-upper-b, severity: low }\n");
    write_file(dir, ".hidden.yaml", "not: valid\n");
    write_file(dir, "notes.txt", "not a policy\n");
    snprintf(sub, sizeof sub, "%s/sub.yaml", dir);
    cr_assert_eq(mkdir(sub, 0700), 0); /* a folder named *.yaml is not a file */
    write_file(sub, "c.yaml", "version: 1\nrules:\n  - { id: from-sub, severity: low }\n");
    pg_error_clear(&err);
    cr_assert_eq(pg_policy_load_path(p, dir, &err), 0, "%s", err.message);
    cr_assert_eq(pg_policy_rule_count(p), 3);
    cr_assert_str_eq(pg_policy_rule(p, 0)->id, "from-upper-b"); /* byte order: 'B' < 'a' < 'b' */
    cr_assert_str_eq(pg_policy_rule(p, 1)->id, "from-a");
    cr_assert_str_eq(pg_policy_rule(p, 2)->id, "from-b");
    /* example plans resolve relative to the file that holds them */
    cr_assert_eq(pg_policy_example_count(p), 1);
    ex = pg_policy_example_at(p, 0);
    snprintf(sub, sizeof sub, "%s/fixtures/plan.json", dir);
    cr_assert_str_eq(ex->plan, sub);
    cr_assert_str_eq(ex->rule, "from-b");
    cr_assert(json_is_array(ex->expect));
    cr_assert_null(pg_policy_example_at(p, 1));
    pg_policy_free(p);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

Test(policy_merge, empty_folder_is_an_error)
{
    char dir[] = "/tmp/pg_policy_empty_XXXXXX", line[1024];
    pg_policy *p = pg_test_policy_new();
    pg_error err;

    cr_assert(mkdtemp(dir));
    pg_error_clear(&err);
    cr_assert_eq(pg_policy_load_path(p, dir, &err), PG_EPOLICY);
    pg_error_format(&err, line, sizeof line);
    cr_assert(strstr(line, ": no *.yaml or *.yml policy files in this folder"), "%s", line);
    rmdir(dir);
    pg_policy_free(p);
}

Test(policy_merge, default_pack_first_then_files)
{
    pg_policy *p = pg_test_policy_new();
    pg_error err;
    size_t n;
    char line[1024];

    pg_error_clear(&err);
    cr_assert_eq(pg_policy_load_defaults(p, &err), 0, "%s", err.message);
    n = pg_policy_rule_count(p);
    cr_assert_eq(load(p, "mine.yaml", "version: 1\nrules:\n  - { id: mine, severity: low }\n"
                                      "detectors:\n  lock-table-pitr: { enabled: false }\n", &err), 0);
    cr_assert_eq(pg_policy_rule_count(p), n + 1);
    cr_assert_str_eq(pg_policy_rule(p, n)->id, "mine");
    cr_assert_eq(pg_policy_detector_enabled(p, "lock-table-pitr"), 0);
    /* a file cannot redefine a rule of the pack */
    cr_assert_eq(load(p, "again.yaml", "version: 1\nrules:\n  - { id: dynamodb-pitr-production, severity: low }\n", &err),
                 PG_EPOLICY);
    pg_error_format(&err, line, sizeof line);
    cr_assert(strncmp(line, "again.yaml:3:11: duplicate rule id 'dynamodb-pitr-production' (first defined at <builtin>/dynamodb.yaml:",
                      strlen("again.yaml:3:11: duplicate rule id 'dynamodb-pitr-production' (first defined at <builtin>/dynamodb.yaml:")) == 0,
              "%s", line);
    pg_policy_free(p);
}
