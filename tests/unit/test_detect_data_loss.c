/* test_detect_data_loss.c — data-loss (issue 14): every catalogue entry
 * and every outcome of the default pack through the detector (a table test
 * built from the catalogue itself), severity, the traps (look-alikes,
 * forget, read, drift, create, update, moves, deposed), create-before-
 * destroy collisions, the redaction of names and forcing attributes, and
 * a team's catalogue. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plangate/alloc.h"

#include "test_detect_support.h"
#include "support.h"

/* A change of `type` at `addr` with `actions`, before/after as JSON text (' for "). */
static char *change_json(const char *addr, const char *type, const char *mode, const char *actions,
                         const char *before, const char *after, const char *extra)
{
    static char buf[16][4096]; /* more than any test holds at once */
    static int slot;
    char *b = buf[slot++ % 16];

    snprintf(b, sizeof buf[0],
             "{'address':'%s','mode':'%s','type':'%s','name':'x','provider_name':'registry.terraform.io/hashicorp/x',"
             "'change':{'actions':%s,'before':%s,'after':%s,'after_unknown':{},'before_sensitive':{},"
             "'after_sensitive':{}%s}}",
             addr, mode, type, actions, before, after, extra ? extra : "");
    return b;
}

static const pg_finding *one(pg_findings *f, const char *type, const char *before, const char *actions)
{
    det_opts o = {.defaults = 1};
    det_change ch[] = {PLANNED(change_json("r.x", type, "managed", actions, before,
                                           strcmp(actions, "['delete']") == 0 ? "null" : before, NULL)),
                       DET_END};

    det_run(f, &o, ch);
    return det_find(f, "data-loss", "r.x");
}

/* A concrete type for a catalogue key (a glob gets one of its real types). */
static const char *concrete(const char *type)
{
    return strcmp(type, "aws_fsx_*") == 0 ? "aws_fsx_lustre_file_system" : type;
}

/* The text of `says` before its first placeholder: what the message must hold. */
static void says_prefix(const char *says, char *buf, size_t size)
{
    const char *open = strchr(says, '{');
    size_t n = open ? (size_t)(open - says) : strlen(says);

    snprintf(buf, size, "%.*s", (int)(n < size ? n : size - 1), says);
    /* the message starts a sentence with a capital unless the first word is an attribute name */
    if (buf[0] >= 'a' && buf[0] <= 'z' && strcspn(buf, " _") == strcspn(buf, " "))
        buf[0] = (char)(buf[0] - 'a' + 'A');
}

Test(detect_data_loss, every_catalogue_entry_says_what_is_lost_and_its_name)
{
    pg_policy *p = pg_test_policy_new();
    pg_error err;
    size_t i, n;

    cr_assert_eq(pg_policy_load_defaults(p, &err), 0, "%s", err.message);
    n = pg_policy_data_store_count(p);
    cr_assert_geq(n, 55);
    for (i = 0; i < n; i++) {
        const pg_data_store *d = pg_policy_data_store_at(p, i);
        char before[512];
        static const char *const actions[] = {"['delete']", "['delete','create']"};
        size_t a;
        snprintf(before, sizeof before, "{'%s':'phys-%zu'}", d->names[0], i);
        for (a = 0; a < 2; a++) {
            pg_findings f;
            const pg_finding *x = one(&f, concrete(d->type), before, actions[a]);
            char want[64];
            cr_assert_not_null(x, "%s: no data-loss finding for %s", d->type, actions[a]);
            cr_assert_eq(x->severity, PG_SEV_MEDIUM, "%s untagged is medium", d->type);
            cr_assert(det_has(x->message, d->holds), "%s: %s", d->type, x->message);
            snprintf(want, sizeof want, "(\"phys-%zu\")", i);
            cr_assert(det_has(x->message, want), "%s: %s", d->type, x->message);
            cr_assert(det_has(x->message, a ? "replaces it" : "destroys it"), "%s", x->message);
            pg_findings_dispose(&f);
        }
    }
    pg_policy_free(p);
}

/* `value` at the attribute path `path` (a.b[0].c) of the object `root`. */
static void set_path(json_t *root, const char *path, json_t *value)
{
    char buf[256], *p = buf, *name;
    json_t *cur = root;

    snprintf(buf, sizeof buf, "%s", path);
    while ((name = strsep(&p, ".")) != NULL) {
        char *br = strchr(name, '[');
        int last = p == NULL;
        if (br)
            *br = '\0';
        if (!br) {
            if (last) {
                json_object_set_new(cur, name, value);
                return;
            }
            if (!json_object_get(cur, name))
                json_object_set_new(cur, name, json_object());
            cur = json_object_get(cur, name);
            continue;
        }
        /* name[0]: a list of one object (Terraform's nested block) */
        if (!json_object_get(cur, name))
            json_object_set_new(cur, name, json_pack("[{}]"));
        cur = json_array_get(json_object_get(cur, name), 0);
        cr_assert(!last, "a path that ends in an index: %s", path);
    }
}

/* For every outcome: a before value that matches it (its `when`, or a value
 * when any value matches, or nothing for `when: null`), alone. */
Test(detect_data_loss, every_outcome_of_the_catalogue_is_said)
{
    pg_policy *p = pg_test_policy_new();
    pg_error err;
    size_t i, k, said = 0;

    cr_assert_eq(pg_policy_load_defaults(p, &err), 0, "%s", err.message);
    for (i = 0; i < pg_policy_data_store_count(p); i++) {
        const pg_data_store *d = pg_policy_data_store_at(p, i);
        for (k = 0; k < d->n_outcomes; k++) {
            const pg_store_outcome *o = &d->outcomes[k];
            char before[1024], value[128], want[256];
            char *w = NULL;
            json_t *obj;
            pg_findings f;
            const pg_finding *x;
            size_t j;
            int shadowed = 0;
            if (!o->when_set)
                snprintf(value, sizeof value, "7");
            else if (json_is_null(o->when))
                value[0] = '\0';
            else {
                w = json_dumps(o->when, JSON_ENCODE_ANY);
                snprintf(value, sizeof value, "%s", w);
                free(w);
            }
            /* an earlier entry of the same attribute that the value also matches wins */
            for (j = 0; j < k; j++)
                if (strcmp(d->outcomes[j].attribute, o->attribute) == 0 && !d->outcomes[j].when_set)
                    shadowed = 1;
            if (shadowed)
                continue;
            obj = json_object();
            set_path(obj, d->names[0], json_string("n"));
            if (value[0])
                set_path(obj, o->attribute, json_loads(value, JSON_DECODE_ANY, NULL));
            w = json_dumps(obj, JSON_COMPACT);
            snprintf(before, sizeof before, "%s", w);
            free(w);
            json_decref(obj);
            x = one(&f, concrete(d->type), before, "['delete']");
            cr_assert_not_null(x, "%s", d->type);
            says_prefix(o->says, want, sizeof want);
            cr_assert(det_has(x->message, want), "%s %s: expected <%s> in %s", d->type, o->attribute, want,
                      x->message);
            if (value[0])
                cr_assert_not_null(det_evidence(x, o->attribute), "%s %s: no evidence", d->type, o->attribute);
            said++;
            pg_findings_dispose(&f);
        }
    }
    cr_assert_geq(said, 40);
    pg_policy_free(p);
}

Test(detect_data_loss, placeholders_show_the_redacted_before_value)
{
    pg_findings f;
    const pg_finding *x = one(&f, "aws_db_instance",
                              "{'identifier':'orders-db','skip_final_snapshot':false,"
                              "'final_snapshot_identifier':'orders-final-2026','deletion_protection':true}",
                              "['delete']");

    cr_assert_not_null(x);
    cr_assert(det_has(x->message, "a final snapshot orders-final-2026 is taken first"), "%s", x->message);
    cr_assert(det_has(x->message, "deletion_protection is true: AWS refuses the delete"), "%s", x->message);
    cr_assert(det_has(x->message, "aws_db_instance") || det_has(x->message, "r.x"), "%s", x->message);
    pg_findings_dispose(&f);

    x = one(&f, "aws_kms_key", "{'key_id':'1234abcd','deletion_window_in_days':7}", "['delete']");
    cr_assert(det_has(x->message, "the key and everything encrypted with it"), "%s", x->message);
    cr_assert(det_has(x->message, "recovered for 7 days"), "%s", x->message);
    pg_findings_dispose(&f);

    x = one(&f, "aws_secretsmanager_secret", "{'name':'db-pass','recovery_window_in_days':0}", "['delete']");
    cr_assert(det_has(x->message, "recovery_window_in_days is 0: the secret is deleted at once"), "%s", x->message);
    cr_assert(!det_has(x->message, "can be restored"), "%s", x->message);
    pg_findings_dispose(&f);
}

Test(detect_data_loss, a_sensitive_value_is_never_shown_nor_counted_as_safe)
{
    det_opts o = {.defaults = 1};
    det_change ch[] = {
        PLANNED("{'address':'aws_db_instance.main','mode':'managed','type':'aws_db_instance','name':'main',"
                "'action_reason':'replace_because_cannot_update','change':{'actions':['delete','create'],"
                "'before':{'identifier':'secret-db-name','skip_final_snapshot':false,'final_snapshot_identifier':'"
                "snap-secret','password':'hunter2'},"
                "'after':{'identifier':'secret-db-name','password':'hunter3','skip_final_snapshot':false},"
                "'after_unknown':{},'before_sensitive':{'identifier':true,'password':true,'skip_final_snapshot':"
                "true},'after_sensitive':{'identifier':true,'password':true},'replace_paths':[['password']]}}"),
        DET_END};
    pg_findings f;
    const pg_finding *x;
    size_t i;

    det_run(&f, &o, ch);
    x = det_find(&f, "data-loss", "aws_db_instance.main");
    cr_assert_not_null(x);
    cr_assert(det_has(x->message, "(\"(sensitive)\")") || det_has(x->message, "((sensitive))"), "%s", x->message);
    cr_assert(det_has(x->message, "Forced by a change to password."), "%s", x->message);
    cr_assert(det_has(x->message, "skip_final_snapshot is sensitive: its value is not shown and not counted"),
              "%s", x->message);
    cr_assert(!det_has(x->message, "secret-db-name") && !det_has(x->message, "hunter") &&
                  !det_has(x->message, "snap-secret") && !det_has(x->message, "final snapshot snap"),
              "%s", x->message);
    for (i = 0; i < x->n_evidence; i++) {
        cr_assert(!det_has(det_json(x->evidence[i].before), "hunter"), "%s", det_json(x->evidence[i].before));
        cr_assert(!det_has(det_json(x->evidence[i].after), "hunter"), "%s", det_json(x->evidence[i].after));
    }
    pg_findings_dispose(&f);
}

Test(detect_data_loss, production_and_protected_are_critical)
{
    det_opts o = {.defaults = 1,
                  .policy_yaml = "version: 1\nprotect:\n  - { type: aws_s3_bucket, address: aws_s3_bucket.audit }\n"};
    det_change ch[] = {
        PLANNED(change_json("aws_db_instance.prod", "aws_db_instance", "managed", "['delete']",
                            "{'identifier':'p','tags':{'env':'prod'},'tags_all':{'env':'prod'}}", "null", NULL)),
        PLANNED(change_json("aws_db_instance.live", "aws_db_instance", "managed", "['delete']",
                            "{'identifier':'l','tags':{},'tags_all':{'Stage':'Live'}}", "null", NULL)),
        PLANNED(change_json("google_sql_database_instance.g", "google_sql_database_instance", "managed",
                            "['delete']", "{'name':'g','settings':[{'user_labels':{}}],'labels':{'environment':"
                            "'production'}}",
                            "null", NULL)),
        PLANNED(change_json("aws_s3_bucket.audit", "aws_s3_bucket", "managed", "['delete']", "{'bucket':'audit'}",
                            "null", NULL)),
        PLANNED(change_json("aws_db_instance.dev", "aws_db_instance", "managed", "['delete']",
                            "{'identifier':'d','tags':{'Environment':'dev'}}", "null", NULL)),
        DET_END};
    pg_findings f;

    det_run(&f, &o, ch);
    cr_assert_eq(det_find(&f, "data-loss", "aws_db_instance.prod")->severity, PG_SEV_CRITICAL);
    cr_assert(det_has(det_find(&f, "data-loss", "aws_db_instance.prod")->message, "It is production"));
    cr_assert_eq(det_find(&f, "data-loss", "aws_db_instance.live")->severity, PG_SEV_CRITICAL);
    cr_assert_eq(det_find(&f, "data-loss", "google_sql_database_instance.g")->severity, PG_SEV_CRITICAL);
    cr_assert_eq(det_find(&f, "data-loss", "aws_s3_bucket.audit")->severity, PG_SEV_CRITICAL);
    cr_assert(det_has(det_find(&f, "data-loss", "aws_s3_bucket.audit")->message, "protected by the policy"));
    cr_assert_eq(det_find(&f, "data-loss", "aws_db_instance.dev")->severity, PG_SEV_MEDIUM);
    pg_findings_dispose(&f);
}

Test(detect_data_loss, a_lower_setting_tunes_the_ordinary_case_only)
{
    det_opts o = {.defaults = 1, .policy_yaml = "version: 1\ndetectors:\n  data-loss: { severity: low }\n"};
    det_change ch[] = {
        PLANNED(change_json("aws_db_instance.prod", "aws_db_instance", "managed", "['delete']",
                            "{'identifier':'p','tags':{'Environment':'production'}}", "null", NULL)),
        PLANNED(change_json("aws_db_instance.dev", "aws_db_instance", "managed", "['delete']", "{'identifier':'d'}",
                            "null", NULL)),
        DET_END};
    pg_findings f;

    det_run(&f, &o, ch);
    cr_assert_eq(det_find(&f, "data-loss", "aws_db_instance.prod")->severity, PG_SEV_CRITICAL);
    cr_assert_eq(det_find(&f, "data-loss", "aws_db_instance.dev")->severity, PG_SEV_LOW);
    pg_findings_dispose(&f);
}

Test(detect_data_loss, traps_destroy_nothing)
{
    det_opts o = {.defaults = 1};
    det_change ch[] = {
        /* look-alikes that hold no data */
        PLANNED(change_json("aws_db_parameter_group.pg", "aws_db_parameter_group", "managed", "['delete']",
                            "{'name':'pg'}", "null", NULL)),
        PLANNED(change_json("aws_s3_bucket_policy.p", "aws_s3_bucket_policy", "managed", "['delete','create']",
                            "{'bucket':'b'}", "{'bucket':'b'}", NULL)),
        /* an Aurora instance whose cluster stays */
        PLANNED(change_json("aws_rds_cluster_instance.i", "aws_rds_cluster_instance", "managed",
                            "['delete','create']", "{'identifier':'i-1','cluster_identifier':'c'}",
                            "{'identifier':'i-1','cluster_identifier':'c'}", NULL)),
        PLANNED(change_json("aws_rds_cluster.c", "aws_rds_cluster", "managed", "['no-op']",
                            "{'cluster_identifier':'c'}", "{'cluster_identifier':'c'}", NULL)),
        /* forget (Terraform and OpenTofu orders), read, create, update, no-op */
        PLANNED(change_json("aws_s3_bucket.f", "aws_s3_bucket", "managed", "['forget']", "{'bucket':'f'}", "null",
                            NULL)),
        PLANNED(change_json("aws_s3_bucket.cf", "aws_s3_bucket", "managed", "['create','forget']", "{'bucket':'f'}",
                            "{'bucket':'f'}", NULL)),
        PLANNED(change_json("aws_s3_bucket.fc", "aws_s3_bucket", "managed", "['forget','create']", "{'bucket':'f'}",
                            "{'bucket':'f'}", NULL)),
        PLANNED(change_json("data.aws_s3_bucket.r", "aws_s3_bucket", "data", "['read']", "null", "{'bucket':'r'}",
                            NULL)),
        PLANNED(change_json("aws_s3_bucket.c", "aws_s3_bucket", "managed", "['create']", "null", "{'bucket':'c'}",
                            NULL)),
        PLANNED(change_json("aws_s3_bucket.u", "aws_s3_bucket", "managed", "['update']", "{'bucket':'u'}",
                            "{'bucket':'u','force_destroy':true}", NULL)),
        /* a move without a destroy */
        PLANNED(change_json("aws_s3_bucket.moved", "aws_s3_bucket", "managed", "['no-op']", "{'bucket':'m'}",
                            "{'bucket':'m'}", NULL)),
        /* drift: already happened outside Terraform */
        DRIFT(change_json("aws_s3_bucket.d", "aws_s3_bucket", "managed", "['delete']", "{'bucket':'d'}", "null", NULL)),
        DET_END};
    pg_findings f;

    det_run(&f, &o, ch);
    for (size_t i = 0; i < f.count; i++)
        cr_assert(strcmp(f.items[i]->rule, "data-loss") != 0, "%s", f.items[i]->address);
    pg_findings_dispose(&f);
}

Test(detect_data_loss, deposed_moved_and_unknown_lists_are_destroys)
{
    det_opts o = {.defaults = 1};
    det_change ch[] = {
        PLANNED("{'address':'aws_rds_cluster.main','mode':'managed','type':'aws_rds_cluster','name':'main',"
                "'deposed':'00000001','change':{'actions':['delete'],'before':{'cluster_identifier':'main-old'},"
                "'after':null,'after_unknown':{},'before_sensitive':{},'after_sensitive':false}}"),
        PLANNED("{'address':'aws_s3_bucket.new','previous_address':'aws_s3_bucket.old','mode':'managed',"
                "'type':'aws_s3_bucket','name':'new','action_reason':'replace_because_cannot_update',"
                "'change':{'actions':['delete','create'],'before':{'bucket':'logs'},'after':{'bucket':'logs-2'},"
                "'after_unknown':{},'before_sensitive':{},'after_sensitive':{},'replace_paths':[['bucket']]}}"),
        PLANNED(change_json("aws_sqs_queue.q", "aws_sqs_queue", "managed", "['delete','frobnicate']",
                            "{'name':'jobs'}", "null", NULL)),
        DET_END};
    pg_findings f;
    const pg_finding *x;

    det_run(&f, &o, ch);
    x = det_find(&f, "data-loss", "aws_rds_cluster.main");
    cr_assert_not_null(x);
    cr_assert(det_has(x->message, "(\"main-old\"), a deposed object,"), "%s", x->message);
    x = det_find(&f, "data-loss", "aws_s3_bucket.new");
    cr_assert_not_null(x);
    cr_assert(det_has(x->message, "Forced by a change to bucket."), "%s", x->message);
    cr_assert_not_null(det_evidence(x, "bucket"));
    cr_assert_not_null(det_find(&f, "data-loss", "aws_sqs_queue.q"));
    pg_findings_dispose(&f);
}

Test(detect_data_loss, create_before_destroy_with_the_same_name_collides)
{
    det_opts o = {.defaults = 1};
    det_change ch[] = {
        PLANNED("{'address':'aws_db_instance.same','mode':'managed','type':'aws_db_instance','name':'same',"
                "'action_reason':'replace_because_cannot_update','change':{'actions':['create','delete'],"
                "'before':{'identifier':'orders','engine':'mysql'},'after':{'identifier':'orders','engine':"
                "'postgres'},'after_unknown':{},'before_sensitive':{},'after_sensitive':{},'replace_paths':"
                "[['engine']]}}"),
        PLANNED("{'address':'aws_db_instance.prefix','mode':'managed','type':'aws_db_instance','name':'prefix',"
                "'change':{'actions':['create','delete'],'before':{'identifier':'orders-1'},'after':{},"
                "'after_unknown':{'identifier':true},'before_sensitive':{},'after_sensitive':{}}}"),
        PLANNED("{'address':'aws_db_instance.renamed','mode':'managed','type':'aws_db_instance','name':'r',"
                "'change':{'actions':['create','delete'],'before':{'identifier':'a'},'after':{'identifier':'b'},"
                "'after_unknown':{},'before_sensitive':{},'after_sensitive':{}}}"),
        PLANNED("{'address':'aws_db_instance.dbc','mode':'managed','type':'aws_db_instance','name':'d',"
                "'change':{'actions':['delete','create'],'before':{'identifier':'a'},'after':{'identifier':'a'},"
                "'after_unknown':{},'before_sensitive':{},'after_sensitive':{}}}"),
        DET_END};
    pg_findings f;

    det_run(&f, &o, ch);
    cr_assert(det_has(det_find(&f, "data-loss", "aws_db_instance.same")->message,
                      "create_before_destroy creates the new one first with the same name \"orders\""));
    cr_assert(det_has(det_find(&f, "data-loss", "aws_db_instance.same")->message, "Forced by a change to engine."));
    cr_assert(!det_has(det_find(&f, "data-loss", "aws_db_instance.prefix")->message, "collision"));
    cr_assert(!det_has(det_find(&f, "data-loss", "aws_db_instance.renamed")->message, "collision"));
    cr_assert(!det_has(det_find(&f, "data-loss", "aws_db_instance.dbc")->message, "collision"));
    pg_findings_dispose(&f);
}

Test(detect_data_loss, dynamodb_findings_stay_beside_it)
{
    det_opts o = {.defaults = 1};
    det_change ch[] = {
        PLANNED("{'address':'aws_dynamodb_table.t','mode':'managed','type':'aws_dynamodb_table','name':'t',"
                "'change':{'actions':['delete','create'],'before':{'name':'orders','hash_key':'id','attribute':"
                "[{'name':'id','type':'S'}],'deletion_protection_enabled':true},'after':{'name':'orders',"
                "'hash_key':'pk','attribute':[{'name':'pk','type':'S'}]},'after_unknown':{},'before_sensitive':"
                "{},'after_sensitive':{},'replace_paths':[['hash_key']]}}"),
        DET_END};
    pg_findings f;

    det_run(&f, &o, ch);
    cr_assert_not_null(det_find(&f, "dynamodb-key-replacement", "aws_dynamodb_table.t"));
    cr_assert_not_null(det_find(&f, "dynamodb-deletion-protection", "aws_dynamodb_table.t"));
    cr_assert_not_null(det_find(&f, "data-loss", "aws_dynamodb_table.t"));
    cr_assert(det_has(det_find(&f, "data-loss", "aws_dynamodb_table.t")->message, "every item in the table"));
    pg_findings_dispose(&f);
}

Test(detect_data_loss, a_teams_catalogue_extends_overrides_and_disables)
{
    det_opts o = {.defaults = 1,
                  .policy_yaml = "version: 1\n"
                                 "data_stores:\n"
                                 "  aws_sqs_queue: { enabled: false }\n"
                                 "  mycorp_ledger: { holds: \"every entry of the ledger\", name: [ledger_name] }\n"
                                 "  aws_s3_bucket: { holds: \"the audit trail\", name: [bucket] }\n"};
    det_change ch[] = {
        PLANNED(change_json("aws_sqs_queue.q", "aws_sqs_queue", "managed", "['delete']", "{'name':'q'}", "null",
                            NULL)),
        PLANNED(change_json("mycorp_ledger.l", "mycorp_ledger", "managed", "['delete']", "{'ledger_name':'gl'}",
                            "null", NULL)),
        PLANNED(change_json("aws_s3_bucket.b", "aws_s3_bucket", "managed", "['delete']",
                            "{'bucket':'b','force_destroy':true}", "null", NULL)),
        DET_END};
    pg_findings f;

    det_run(&f, &o, ch);
    cr_assert_null(det_find(&f, "data-loss", "aws_sqs_queue.q"));
    cr_assert(det_has(det_find(&f, "data-loss", "mycorp_ledger.l")->message, "(\"gl\")"));
    cr_assert(det_has(det_find(&f, "data-loss", "mycorp_ledger.l")->message, "every entry of the ledger is lost"));
    cr_assert(det_has(det_find(&f, "data-loss", "aws_s3_bucket.b")->message, "the audit trail is lost"));
    cr_assert(!det_has(det_find(&f, "data-loss", "aws_s3_bucket.b")->message, "force_destroy"),
              "an override replaces the outcomes too");
    pg_findings_dispose(&f);
}

Test(detect_data_loss, the_physical_name_for_reports_is_redacted)
{
    pg_policy *p = pg_test_policy_new();
    pg_change c;
    pg_error err;
    char *name = NULL;

    cr_assert_eq(pg_policy_load_defaults(p, &err), 0, "%s", err.message);
    det_change_from(&c,
                    change_json("aws_db_instance.a", "aws_db_instance", "managed", "['delete']", "{'identifier':'db-1'}",
                                "null", NULL),
                    PG_ORIGIN_PLANNED);
    cr_assert_eq(pg_detect_physical_name(p, &c, &name, &err), 0);
    cr_assert_str_eq(name, "db-1");
    pg_free(name);
    pg_change_dispose(&c);
    det_change_from(&c,
                    "{'address':'aws_s3_bucket.s','mode':'managed','type':'aws_s3_bucket','name':'s','change':{"
                    "'actions':['delete'],'before':{'bucket':'secret-name'},'after':null,'after_unknown':{},"
                    "'before_sensitive':{'bucket':true},'after_sensitive':false}}",
                    PG_ORIGIN_PLANNED);
    cr_assert_eq(pg_detect_physical_name(p, &c, &name, &err), 0);
    cr_assert_str_eq(name, PG_SENSITIVE_TEXT);
    pg_free(name);
    pg_change_dispose(&c);
    det_change_from(&c,
                    "{'address':'aws_s3_bucket.n','mode':'managed','type':'aws_s3_bucket','name':'n','change':{"
                    "'actions':['create'],'before':null,'after':{},'after_unknown':{'bucket':true},"
                    "'before_sensitive':false,'after_sensitive':{}}}",
                    PG_ORIGIN_PLANNED);
    cr_assert_eq(pg_detect_physical_name(p, &c, &name, &err), 0);
    cr_assert_str_eq(name, PG_UNKNOWN_TEXT);
    pg_free(name);
    pg_change_dispose(&c);
    det_change_from(&c, change_json("aws_instance.i", "aws_instance", "managed", "['delete']", "{'id':'i-1'}", "null",
                                    NULL),
                    PG_ORIGIN_PLANNED);
    cr_assert_eq(pg_detect_physical_name(p, &c, &name, &err), 0);
    cr_assert_null(name);
    pg_change_dispose(&c);
    pg_policy_free(p);
}

/* The end-to-end fixtures (testdata/plans/dl-*) hold, for each provider, a
 * replace and a delete of a catalogued type in Terraform's real shape; the
 * table tests above cover every entry and outcome. */
Test(detect_data_loss, each_provider_has_a_replace_and_a_delete_fixture)
{
    static const char *const providers[] = {"aws_", "google_", "azurerm_"};
    static const char *const cases[] = {"dl-aws-rds-replace-production", "dl-aws-dev-teardown",
                                        "dl-google-replace-and-delete", "dl-azure-resource-group-delete",
                                        "dl-deposed-and-create-before-destroy", "dl-env-declared-production",
                                        "dl-sensitive-name"};
    int seen[3][2] = {{0}};
    pg_policy *p = pg_test_policy_new();
    pg_error err;
    size_t i, k, j;

    cr_assert_eq(pg_policy_load_defaults(p, &err), 0, "%s", err.message);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[512];
        json_error_t je;
        json_t *plan, *rcs;
        snprintf(path, sizeof path, "%s/plans/%s/plan.json", PG_TESTDATA, cases[i]);
        plan = json_load_file(path, 0, &je);
        cr_assert_not_null(plan, "%s: %s", path, je.text);
        rcs = json_object_get(plan, "resource_changes");
        for (k = 0; k < json_array_size(rcs); k++) {
            const json_t *e = json_array_get(rcs, k);
            const char *type = json_string_value(json_object_get(e, "type"));
            const json_t *actions = json_object_get(json_object_get(e, "change"), "actions");
            int replace = json_array_size(actions) == 2;
            if (!pg_policy_data_store_find(p, type))
                continue;
            for (j = 0; j < 3; j++)
                if (strncmp(type, providers[j], strlen(providers[j])) == 0)
                    seen[j][replace] = 1;
        }
        json_decref(plan);
    }
    for (j = 0; j < 3; j++) {
        cr_assert(seen[j][0], "no delete fixture for %s", providers[j]);
        cr_assert(seen[j][1], "no replace fixture for %s", providers[j]);
    }
    pg_policy_free(p);
}

/* A name from the plan is input: quoted and escaped, never a raw control
 * character or a CI command at the start of a line. */
Test(detect_data_loss, a_hostile_name_is_quoted)
{
    pg_findings f;
    const pg_finding *x = one(&f, "aws_s3_bucket", "{'bucket':'\\u001b[31mred\\n::error::forged'}", "['delete']");

    cr_assert_not_null(x);
    cr_assert(!strchr(x->message, '\033'), "%s", x->message);
    cr_assert(!strchr(x->message, '\n'), "%s", x->message);
    cr_assert(det_has(x->message, "\\u001B[31mred\\n::error::forged") ||
                  det_has(x->message, "\\u001b[31mred\\n::error::forged"),
              "%s", x->message);
    pg_findings_dispose(&f);
}

/* An attribute path reaches into a nested block: Cloud SQL's API-side
 * deletion protection sits in settings[0]. */
Test(detect_data_loss, an_outcome_reads_a_nested_block)
{
    pg_findings f;
    const pg_finding *x = one(&f, "google_sql_database_instance",
                              "{'name':'pg','deletion_protection':false,'settings':[{'tier':'db-f1-micro',"
                              "'deletion_protection_enabled':true}]}",
                              "['delete']");

    cr_assert_not_null(x);
    cr_assert(det_has(x->message, "Cloud SQL refuses to delete the instance"), "%s", x->message);
    cr_assert(!det_has(x->message, "Terraform refuses"), "%s", x->message);
    cr_assert_not_null(det_evidence(x, "settings[0].deletion_protection_enabled"));
    pg_findings_dispose(&f);
}

/* The report's resource lists carry the physical name of a catalogued
 * store (check.c fills pg_report_item.physical_name), redacted. */
Test(detect_data_loss, the_report_lists_carry_the_physical_name)
{
    pg_policy *p = pg_test_policy_new();
    pg_check_options o;
    pg_report r;
    pg_error err;
    size_t i, named = 0;

    cr_assert_eq(pg_policy_load_defaults(p, &err), 0, "%s", err.message);
    memset(&o, 0, sizeof o);
    o.plan_path = PG_TESTDATA "/plans/dl-deposed-and-create-before-destroy/plan.json";
    o.policy = p;
    o.fail_on = PG_SEV_HIGH;
    o.today = "2026-11-24";
    cr_assert_eq(pg_check_run(&o, &r, &err), 0, "%s", err.message);
    for (i = 0; i < r.destroys.count; i++) {
        const pg_report_item *it = &r.destroys.items[i];
        if (strcmp(it->address, "aws_s3_bucket.assets") == 0) {
            cr_assert_str_eq(it->physical_name, "orders-assets-staging");
            named++;
        }
        if (strcmp(it->address, "aws_rds_cluster.orders") == 0) {
            cr_assert_str_eq(it->physical_name, "orders-stage");
            named++;
        }
    }
    cr_assert_eq(named, 2);
    cr_assert_eq(r.deposed.count, 1);
    cr_assert_str_eq(r.deposed.items[0].physical_name, "orders-stage");
    pg_report_dispose(&r);
    o.plan_path = PG_TESTDATA "/plans/dl-sensitive-name/plan.json";
    cr_assert_eq(pg_check_run(&o, &r, &err), 0, "%s", err.message);
    cr_assert_eq(r.destroys.count, 1);
    cr_assert_str_eq(r.destroys.items[0].physical_name, PG_SENSITIVE_TEXT);
    pg_report_dispose(&r);
    o.plan_path = PG_TESTDATA "/plans/dl-traps-no-data-loss/plan.json";
    cr_assert_eq(pg_check_run(&o, &r, &err), 0, "%s", err.message);
    for (i = 0; i < r.destroys.count; i++)
        cr_assert_null(r.destroys.items[i].physical_name, "%s is not a data store", r.destroys.items[i].address);
    pg_report_dispose(&r);
    pg_policy_free(p);
}
