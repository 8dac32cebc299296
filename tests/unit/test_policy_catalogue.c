/* test_policy_catalogue.c — the `data_stores:` section (issue 14): the
 * default pack's catalogue, validation with file:line:col, the merge rule
 * (a later entry replaces the type whole, `enabled: false` takes it out),
 * globs, and the trust model (a --waivers file may not hold it). */
#include <criterion/criterion.h>
#include <string.h>

#include "plangate/plangate.h"
#include "support.h"

static int load(pg_policy *p, const char *yaml, pg_error *err)
{
    pg_error_clear(err);
    return pg_policy_load_string(p, "p.yaml", yaml, strlen(yaml), err);
}

static void expect_error(const char *yaml, const char *where, const char *part)
{
    pg_policy *p = pg_test_policy_new();
    char line[1024];
    pg_error err;

    cr_assert_eq(load(p, yaml, &err), PG_EPOLICY, "loaded: %s", yaml);
    pg_error_format(&err, line, sizeof line);
    cr_assert(strstr(line, where) != NULL, "expected %s in: %s", where, line);
    cr_assert(strstr(line, part) != NULL, "expected %s in: %s", part, line);
    /* a file with an error changes nothing */
    cr_assert_eq(pg_policy_data_store_count(p), 0);
    pg_policy_free(p);
}

/* The types of issue 14, each in the pack (the table test of
 * test_detect_data_loss.c runs every entry through the detector). */
static const char *const issue_types[] = {
    "aws_db_instance", "aws_rds_cluster", "aws_s3_bucket", "aws_ebs_volume", "aws_efs_file_system",
    "aws_fsx_lustre_file_system", "aws_fsx_windows_file_system", "aws_fsx_ontap_volume", "aws_elasticache_cluster",
    "aws_elasticache_replication_group", "aws_memorydb_cluster", "aws_opensearch_domain",
    "aws_elasticsearch_domain", "aws_redshift_cluster", "aws_docdb_cluster", "aws_neptune_cluster",
    "aws_kinesis_stream", "aws_msk_cluster", "aws_sqs_queue", "aws_kms_key", "aws_secretsmanager_secret",
    "aws_cognito_user_pool", "aws_backup_vault", "aws_ecr_repository", "aws_timestreamwrite_table",
    "aws_qldb_ledger", "aws_dynamodb_table", "awscc_dynamodb_table", "google_sql_database_instance",
    "google_sql_database", "google_storage_bucket", "google_bigquery_dataset", "google_bigquery_table",
    "google_spanner_instance", "google_spanner_database", "google_bigtable_instance", "google_bigtable_table",
    "google_compute_disk", "google_filestore_instance", "google_redis_instance", "google_firestore_database",
    "google_kms_crypto_key", "google_pubsub_topic", "google_project", "azurerm_storage_account",
    "azurerm_storage_container", "azurerm_mssql_server", "azurerm_mssql_database",
    "azurerm_postgresql_flexible_server", "azurerm_mysql_flexible_server", "azurerm_cosmosdb_account",
    "azurerm_managed_disk", "azurerm_key_vault", "azurerm_redis_cache", "azurerm_servicebus_namespace",
    "azurerm_eventhub_namespace", "azurerm_resource_group", NULL};

Test(policy_catalogue, the_pack_catalogues_every_type_of_the_issue)
{
    pg_policy *p = pg_test_policy_new();
    pg_error err;
    size_t i;

    cr_assert_eq(pg_policy_load_defaults(p, &err), 0, "%s", err.message);
    for (i = 0; issue_types[i]; i++) {
        const pg_data_store *d = pg_policy_data_store_find(p, issue_types[i]);
        cr_assert_not_null(d, "%s is not catalogued", issue_types[i]);
        cr_assert(d->holds && *d->holds, "%s", issue_types[i]);
        cr_assert_gt(d->n_names, 0, "%s has no physical name attribute", issue_types[i]);
        cr_assert(strncmp(d->source, "<builtin>/catalogue.yaml:", 25) == 0, "%s", d->source);
    }
    /* things that look like data but hold none */
    cr_assert_null(pg_policy_data_store_find(p, "aws_db_parameter_group"));
    cr_assert_null(pg_policy_data_store_find(p, "aws_s3_bucket_policy"));
    cr_assert_null(pg_policy_data_store_find(p, "aws_rds_cluster_instance"));
    cr_assert_null(pg_policy_data_store_find(p, "aws_instance"));
    /* the glob: aws_fsx_* */
    cr_assert_str_eq(pg_policy_data_store_find(p, "aws_fsx_openzfs_file_system")->type, "aws_fsx_*");
    pg_policy_free(p);
}

Test(policy_catalogue, an_entry_and_its_outcomes)
{
    pg_policy *p = pg_test_policy_new();
    const pg_data_store *d;
    json_t *f = json_false(), *t = json_true(), *zero = json_integer(0), *zs = json_string("0");
    pg_error err;

    cr_assert_eq(pg_policy_load_defaults(p, &err), 0, "%s", err.message);
    d = pg_policy_data_store_find(p, "aws_db_instance");
    cr_assert_str_eq(d->names[0], "identifier");
    cr_assert_eq(d->n_outcomes, 4);
    cr_assert_str_eq(d->outcomes[1].attribute, "skip_final_snapshot");
    cr_assert_eq(d->outcomes[1].effect, PG_STORE_SOFTENS);
    cr_assert(pg_policy_store_outcome_matches(&d->outcomes[1], f));
    cr_assert(!pg_policy_store_outcome_matches(&d->outcomes[1], t));
    cr_assert(!pg_policy_store_outcome_matches(&d->outcomes[1], NULL), "absent is not false");
    cr_assert_str_eq(pg_store_effect_name(d->outcomes[0].effect), "blocks");
    /* when: 0 — and a number the plan writes as text compares as Terraform converts it */
    d = pg_policy_data_store_find(p, "aws_secretsmanager_secret");
    cr_assert(pg_policy_store_outcome_matches(&d->outcomes[0], zero));
    cr_assert(pg_policy_store_outcome_matches(&d->outcomes[0], zs));
    /* when omitted: any value that is set; when: null: not set */
    cr_assert(pg_policy_store_outcome_matches(&d->outcomes[1], zero));
    cr_assert(!pg_policy_store_outcome_matches(&d->outcomes[1], NULL));
    d = pg_policy_data_store_find(p, "aws_elasticache_cluster");
    cr_assert(d->outcomes[0].when_set && json_is_null(d->outcomes[0].when));
    cr_assert(pg_policy_store_outcome_matches(&d->outcomes[0], NULL));
    cr_assert(pg_policy_store_outcome_matches(&d->outcomes[0], json_null()));
    cr_assert(!pg_policy_store_outcome_matches(&d->outcomes[0], zs));
    json_decref(f);
    json_decref(t);
    json_decref(zero);
    json_decref(zs);
    pg_policy_free(p);
}

Test(policy_catalogue, a_team_overrides_disables_and_extends)
{
    pg_policy *p = pg_test_policy_new();
    const pg_data_store *d;
    pg_error err;
    size_t n;

    cr_assert_eq(pg_policy_load_defaults(p, &err), 0, "%s", err.message);
    n = pg_policy_data_store_count(p);
    cr_assert_eq(load(p,
                      "version: 1\n"
                      "data_stores:\n"
                      "  aws_sqs_queue: { enabled: false }\n"
                      "  aws_s3_bucket:\n"
                      "    holds: \"every audit log we keep\"\n"
                      "    name: [bucket]\n"
                      "  mycorp_ledger: { holds: \"every entry of the ledger\", name: [ledger_name] }\n"
                      "  \"aws_fsx_*\": { enabled: false }\n",
                      &err),
                 0, "%s", err.message);
    /* replaced whole, in place; one new type */
    cr_assert_eq(pg_policy_data_store_count(p), n + 1);
    cr_assert_null(pg_policy_data_store_find(p, "aws_sqs_queue"));
    d = pg_policy_data_store_find(p, "aws_s3_bucket");
    cr_assert_str_eq(d->holds, "every audit log we keep");
    cr_assert_eq(d->n_outcomes, 0, "an override replaces the entry whole");
    cr_assert_str_eq(d->source, "p.yaml:4");
    cr_assert_str_eq(pg_policy_data_store_find(p, "mycorp_ledger")->names[0], "ledger_name");
    cr_assert_null(pg_policy_data_store_find(p, "aws_fsx_lustre_file_system"));
    /* enabled again later: back */
    cr_assert_eq(load(p, "version: 1\ndata_stores:\n  aws_sqs_queue: { holds: \"messages\" }\n", &err), 0, "%s",
                 err.message);
    cr_assert_str_eq(pg_policy_data_store_find(p, "aws_sqs_queue")->holds, "messages");
    pg_policy_free(p);
}

Test(policy_catalogue, an_exact_type_wins_over_a_glob_and_a_disabled_type_is_not_caught_by_one)
{
    pg_policy *p = pg_test_policy_new();
    pg_error err;

    cr_assert_eq(load(p,
                      "version: 1\n"
                      "data_stores:\n"
                      "  \"mycorp_*\": { holds: \"anything of ours\" }\n"
                      "  mycorp_db: { holds: \"every row\" }\n"
                      "  mycorp_cache: { enabled: false }\n",
                      &err),
                 0, "%s", err.message);
    cr_assert_str_eq(pg_policy_data_store_find(p, "mycorp_db")->holds, "every row");
    cr_assert_str_eq(pg_policy_data_store_find(p, "mycorp_queue")->holds, "anything of ours");
    cr_assert_null(pg_policy_data_store_find(p, "mycorp_cache"));
    cr_assert_null(pg_policy_data_store_find(p, "other_db"));
    pg_policy_free(p);
}

Test(policy_catalogue, errors_name_the_place)
{
    expect_error("version: 1\ndata_stores: [aws_s3_bucket]\n", "p.yaml:2:14", "data_stores must be a mapping");
    expect_error("version: 1\ndata_stores:\n  aws_s3_bucket: { name: [bucket] }\n", "p.yaml:3:18", "needs holds:");
    expect_error("version: 1\ndata_stores:\n  aws_s3_bucket: { holds: x, hold: y }\n", "p.yaml:3:", "hold");
    expect_error("version: 1\ndata_stores:\n  \"AWS S3\": { holds: x }\n", "p.yaml:3:3", "is a resource type");
    expect_error("version: 1\ndata_stores:\n  a: { enabled: false, holds: x }\n", "p.yaml:3:6",
                 "holds nothing else");
    expect_error("version: 1\ndata_stores:\n  a:\n    holds: x\n    outcome:\n"
                 "      - { attribute: f, effect: loses, says: s }\n",
                 "p.yaml:6:33", "effect must be softens, hardens, blocks or spares");
    expect_error("version: 1\ndata_stores:\n  a:\n    holds: x\n    outcome:\n"
                 "      - { attribute: f, effect: softens, says: \"kept as {snap\" }\n",
                 "p.yaml:6:", "a placeholder is {attribute}");
    expect_error("version: 1\ndata_stores:\n  a:\n    holds: x\n    outcome:\n"
                 "      - { attribute: f, effect: softens, says: \"{a b}\" }\n",
                 "p.yaml:6:", "a placeholder is {attribute}");
    expect_error("version: 1\ndata_stores:\n  a:\n    holds: x\n    outcome:\n"
                 "      - { attribute: f, when: [1], effect: softens, says: s }\n",
                 "p.yaml:6:", "when: is one value");
    expect_error("version: 1\ndata_stores:\n  a:\n    holds: x\n    outcome:\n      - { attribute: f }\n", "p.yaml:6:9",
                 "needs attribute:, effect: and says:");
    expect_error("version: 1\ndata_stores:\n  a:\n    holds: x\n    outcome:\n"
                 "      - { attribute: \"tags..Name\", effect: softens, says: s }\n",
                 "p.yaml:6:", "is an attribute path");
    expect_error("version: 1\ndata_stores:\n  a:\n    holds: x\n    outcome:\n"
                 "      - { attribute: \"settings[x].a\", effect: softens, says: s }\n",
                 "p.yaml:6:", "is an attribute path");
    expect_error("version: 1\ndata_stores:\n  a:\n    holds: x\n    outcome:\n"
                 "      - { attribute: \"a.b.c.d.e.f.g.h.i\", effect: softens, says: s }\n",
                 "p.yaml:6:", "is an attribute path");
    expect_error("version: 1\ndata_stores:\n  a: { holds: x, name: [\"a b\"] }\n", "p.yaml:3:", "attribute paths");
    expect_error("version: 1\ndata_stores:\n  a: { holds: x, enabled: yes please }\n", "p.yaml:3:", "true or false");
}

Test(policy_catalogue, a_waiver_file_may_not_hold_the_catalogue)
{
    static const char w[] = "version: 1\ndata_stores:\n  aws_s3_bucket: { enabled: false }\n";
    pg_policy *p = pg_test_policy_new();
    char line[1024];
    pg_error err;

    pg_error_clear(&err);
    cr_assert_eq(pg_policy_load_waivers_string(p, "w.yaml", w, strlen(w), "2026-11-24", &err), PG_EPOLICY);
    pg_error_format(&err, line, sizeof line);
    cr_assert(strstr(line, "w.yaml:2:1") && strstr(line, "data_stores"), "%s", line);
    pg_policy_free(p);
}
