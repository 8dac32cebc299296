/* test_detect_secrets.c — issue 11: no detector prints a sensitive value,
 * and no plan-derived name reaches a message raw.
 *
 * By class, not by example: for every detector, a plan in which every value
 * that detector could print holds the marker SECRET and is marked sensitive
 * — at the attribute (a mask that mirrors the value, true at every leaf), at
 * the element (true at each list element and map entry), at the block (true
 * at each top-level attribute) and as a whole before/after_sensitive `true`.
 * The marker may appear in no field of any finding, every evidence value
 * must be a redaction marker, and through pg_check_run + pg_report_write no
 * format may show it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_detect_support.h"
#include "support.h"

#define MARK "SECRET"

/* MARK: fixtures — one or more changes per detector, every printable value a marked secret */

typedef struct secret_case {
    const char *rule;           /* must fire */
    int backend;                /* with --backend naming the lock table */
    const char *changes[3];     /* resource_changes elements without masks; ' for " */
} secret_case;

#define TABLE_KR                                                                                                \
    "{'address':'aws_dynamodb_table.orders','mode':'managed','type':'aws_dynamodb_table','name':'orders',"      \
    "'action_reason':'replace_because_cannot_update','change':{'actions':['delete','create'],"                  \
    "'before':{'name':'orders-SECRET-tbl','hash_key':'pk-SECRET-old','range_key':'rk-SECRET-key',"              \
    "'attribute':[{'name':'pk-SECRET-old','type':'S-SECRET-1'},{'name':'rk-SECRET-key','type':'N-SECRET-2'}],"  \
    "'local_secondary_index':[{'name':'lsi-SECRET-a','range_key':'rk-SECRET-key','projection_type':'ALL'}],"    \
    "'deletion_protection_enabled':true,'billing_mode':'PAY-SECRET'},"                                          \
    "'after':{'name':'orders-SECRET-tbl','hash_key':'pk-SECRET-new','range_key':'rk-SECRET-key',"               \
    "'attribute':[{'name':'pk-SECRET-new','type':'S-SECRET-1'},{'name':'rk-SECRET-key','type':'B-SECRET-3'}],"  \
    "'local_secondary_index':[{'name':'lsi-SECRET-b','range_key':'rk-SECRET-key','projection_type':'ALL'}],"    \
    "'deletion_protection_enabled':true,'billing_mode':'PAY-SECRET'},'after_unknown':{},"                       \
    "'replace_paths':[['hash_key'],['local_secondary_index'],['attribute']]}}"
#define TABLE_KT                                                                                                \
    "{'address':'aws_dynamodb_table.events','mode':'managed','type':'aws_dynamodb_table','name':'events',"      \
    "'change':{'actions':['update'],"                                                                           \
    "'before':{'name':'events-SECRET-tbl','hash_key':'id-SECRET-k','attribute':[{'name':'id-SECRET-k','type':'S-SECRET-x'}]}," \
    "'after':{'name':'events-SECRET-tbl','hash_key':'id-SECRET-k','attribute':[{'name':'id-SECRET-k','type':'N-SECRET-y'}]}," \
    "'after_unknown':{}}}"
#define DB_PD                                                                                                   \
    "{'address':'aws_db_instance.main','mode':'managed','type':'aws_db_instance','name':'main',"                \
    "'action_reason':'replace_because_cannot_update','change':{'actions':['delete','create'],"                  \
    "'before':{'engine':'pg-SECRET-e','tags':{'Team':'t-SECRET-1'}},"                                          \
    "'after':{'engine':'my-SECRET-e','tags':{'Team':'t-SECRET-2'}},'after_unknown':{},"                         \
    "'replace_paths':[['engine'],['tags','Team']]}}"
#define TABLE_RN_DEL                                                                                            \
    "{'address':'aws_dynamodb_table.users','mode':'managed','type':'aws_dynamodb_table','name':'users',"        \
    "'action_reason':'delete_because_no_resource_config','change':{'actions':['delete'],"                       \
    "'before':{'name':'users-SECRET-tbl','hash_key':'uid-SECRET'},'after':null}}"
#define TABLE_RN_NEW                                                                                            \
    "{'address':'module.data.aws_dynamodb_table.users','mode':'managed','type':'aws_dynamodb_table',"           \
    "'name':'users','change':{'actions':['create'],'before':null,"                                              \
    "'after':{'name':'users-SECRET-tbl','hash_key':'uid-SECRET'},'after_unknown':{}}}"
/* A lock table named by the policy and by the backend (so its hash key can be a secret too). */
#define LOCK_ATTRS                                                                                              \
    "{'name':'lock-SECRET-tbl','hash_key':'hk-SECRET','range_key':'rk-SECRET',"                                \
    "'attribute':[{'name':'hk-SECRET','type':'N-SECRET'}],'point_in_time_recovery':[{'enabled':false}]}"
#define LOCK_UPD                                                                                                \
    "{'address':'aws_dynamodb_table.locks','mode':'managed','type':'aws_dynamodb_table','name':'locks',"        \
    "'change':{'actions':['update'],'before':" LOCK_ATTRS ",'after':" LOCK_ATTRS ",'after_unknown':{}}}"
#define LOCK_DEL                                                                                                \
    "{'address':'aws_dynamodb_table.locks_old','mode':'managed','type':'aws_dynamodb_table','name':'locks_old'," \
    "'action_reason':'delete_because_no_resource_config','change':{'actions':['delete'],'before':" LOCK_ATTRS  \
    ",'after':null}}"
#define TABLE_PV                                                                                                \
    "{'address':'aws_dynamodb_table.prov','mode':'managed','type':'aws_dynamodb_table','name':'prov',"          \
    "'change':{'actions':['create'],'before':null,"                                                             \
    "'after':{'name':'prov-SECRET-tbl','hash_key':'id-SECRET','billing_mode':'PROVISIONED'},'after_unknown':{}}}"

/* issue 13: a global table losing a replica, a replica resource deleted, an
 * unchanged table losing its scaling, a Cloud Control table replaced. */
#define TABLE_RR                                                                                                \
    "{'address':'aws_dynamodb_table.global','mode':'managed','type':'aws_dynamodb_table','name':'global',"      \
    "'change':{'actions':['update'],"                                                                           \
    "'before':{'name':'global-SECRET-tbl','hash_key':'id','replica':[{'region_name':'eu-SECRET-1'},"            \
    "{'region_name':'us-SECRET-2'}]},"                                                                          \
    "'after':{'name':'global-SECRET-tbl','hash_key':'id','replica':[{'region_name':'us-SECRET-2'}]},"           \
    "'after_unknown':{}}}"
#define REPLICA_DEL                                                                                             \
    "{'address':'aws_dynamodb_table_replica.r','mode':'managed','type':'aws_dynamodb_table_replica','name':'r',"\
    "'change':{'actions':['delete'],'before':{'arn':'arn:aws:dynamodb:sa-SECRET-1:1:table/t-SECRET',"            \
    "'region':'sa-SECRET-1','global_table_arn':'arn:aws:dynamodb:us-east-1:1:table/t-SECRET'},'after':null}}"
#define NOOP_PV                                                                                                 \
    "{'address':'aws_dynamodb_table.scaled','mode':'managed','type':'aws_dynamodb_table','name':'scaled',"      \
    "'change':{'actions':['no-op'],'before':{'name':'scaled-SECRET','billing_mode':'PROVISIONED'},"             \
    "'after':{'name':'scaled-SECRET','billing_mode':'PROVISIONED'},'after_unknown':{}}}"
#define POLICY_DEL                                                                                              \
    "{'address':'aws_appautoscaling_policy.w','mode':'managed','type':'aws_appautoscaling_policy','name':'w',"  \
    "'change':{'actions':['delete'],'before':{'resource_id':'table/scaled-SECRET/index/i-SECRET',"              \
    "'scalable_dimension':'dynamodb:index:WriteCapacityUnits'},'after':null}}"
#define CC_KR                                                                                                   \
    "{'address':'awscc_dynamodb_table.cc','mode':'managed','type':'awscc_dynamodb_table','name':'cc',"          \
    "'change':{'actions':['delete','create'],"                                                                  \
    "'before':{'table_name':'cc-SECRET-tbl','key_schema':[{'attribute_name':'pk-SECRET-a','key_type':'HASH'}],"  \
    "'attribute_definitions':[{'attribute_name':'pk-SECRET-a','attribute_type':'S'}]},"                          \
    "'after':{'table_name':'cc-SECRET-tbl','key_schema':[{'attribute_name':'pk-SECRET-b','key_type':'HASH'}],"   \
    "'attribute_definitions':[{'attribute_name':'pk-SECRET-b','attribute_type':'S'}]},'after_unknown':{},"       \
    "'replace_paths':[['key_schema']]}}"

static const secret_case cases[] = {
    {"dynamodb-key-replacement", 0, {TABLE_KR}},
    {"dynamodb-deletion-protection", 0, {TABLE_KR}},
    {"protected-destroy", 0, {TABLE_KR, DB_PD}},
    {"dynamodb-key-type-change", 0, {TABLE_KT}},
    {"dynamodb-rename-without-moved", 0, {TABLE_RN_DEL, TABLE_RN_NEW}},
    {"lock-table-key-schema", 0, {LOCK_UPD}},
    {"lock-table-key-schema", 1, {LOCK_UPD}},
    {"lock-table-pitr", 0, {LOCK_UPD}},
    {"lock-table-destroy", 1, {LOCK_DEL}},
    {"lock-table-backend-mismatch", 1, {LOCK_UPD, LOCK_DEL}},
    /* the backend file names the table; the plan marks that name sensitive */
    {"lock-table-deprecated", 1, {LOCK_UPD}},
    {"dynamodb-provisioned-without-autoscaling", 0, {TABLE_PV}},
    {"plan-incomplete", 0, {TABLE_KT}},
    {"lock-table-deletion-protection", 0, {LOCK_UPD}},
    {"dynamodb-replica-removed", 0, {TABLE_RR}},
    {"dynamodb-replica-removed", 0, {REPLICA_DEL}},
    {"dynamodb-provisioned-without-autoscaling", 0, {NOOP_PV, POLICY_DEL}},
    {"dynamodb-key-replacement", 0, {CC_KR}},
};

static const char policy_yaml[] = "version: 1\n"
                                  "lock_tables: [lock-SECRET-tbl]\n"
                                  "protect:\n"
                                  "  - type: aws_dynamodb_table\n"
                                  "  - type: aws_db_instance\n";

/* MARK: masks */

typedef enum mask_kind { MASK_ATTRIBUTE, MASK_ELEMENT, MASK_BLOCK, MASK_WHOLE, MASK_KINDS } mask_kind;
static const char *const mask_names[] = {"at the attribute", "at the element", "at the block", "whole"};

/* true at every leaf of v, in v's shape */
static json_t *mirror(const json_t *v)
{
    const char *k;
    json_t *x, *m;
    size_t i;

    if (json_is_object(v)) {
        m = json_object();
        json_object_foreach((json_t *)(uintptr_t)v, k, x)
            json_object_set_new(m, k, mirror(x));
        return m;
    }
    if (json_is_array(v)) {
        m = json_array();
        json_array_foreach(v, i, x)
            json_array_append_new(m, mirror(x));
        return m;
    }
    return json_true();
}

/* true one level down: each element of a top-level list, each entry of a top-level map */
static json_t *elements(const json_t *v)
{
    const char *k, *k2;
    json_t *x, *y, *m = json_object();
    size_t i;

    json_object_foreach((json_t *)(uintptr_t)v, k, x) {
        json_t *sub;
        if (json_is_array(x)) {
            sub = json_array();
            json_array_foreach(x, i, y)
                json_array_append_new(sub, json_true());
        } else if (json_is_object(x)) {
            sub = json_object();
            json_object_foreach(x, k2, y)
                json_object_set_new(sub, k2, json_true());
        } else {
            sub = json_true();
        }
        json_object_set_new(m, k, sub);
    }
    return m;
}

static json_t *mask_for(const json_t *side, mask_kind kind)
{
    const char *k;
    json_t *x, *m;

    if (!json_is_object(side))
        return json_false(); /* Terraform writes false for a side that does not exist */
    switch (kind) {
    case MASK_ATTRIBUTE: return mirror(side);
    case MASK_ELEMENT: return elements(side);
    case MASK_BLOCK:
        m = json_object();
        json_object_foreach((json_t *)(uintptr_t)side, k, x)
            json_object_set_new(m, k, json_true());
        return m;
    case MASK_WHOLE:
    case MASK_KINDS: break;
    }
    return json_true();
}

/* The change text with both masks set, as JSON text for det_run. */
static char *masked(const char *text, mask_kind kind)
{
    char *plain = strdup(text), *out;
    json_error_t jerr;
    json_t *root, *ch;
    size_t i;

    cr_assert_not_null(plain);
    for (i = 0; plain[i]; i++)
        if (plain[i] == '\'')
            plain[i] = '"';
    root = json_loads(plain, 0, &jerr);
    cr_assert_not_null(root, "fixture: %s (%d:%d)", jerr.text, jerr.line, jerr.column);
    ch = json_object_get(root, "change");
    json_object_set_new(ch, "before_sensitive", mask_for(json_object_get(ch, "before"), kind));
    json_object_set_new(ch, "after_sensitive", mask_for(json_object_get(ch, "after"), kind));
    out = json_dumps(root, JSON_COMPACT);
    cr_assert_not_null(out);
    json_decref(root);
    free(plain);
    return out;
}

/* MARK: what a finding may hold */

/* Every scalar in an evidence value is a redaction marker (or null: a side that does not exist). */
static int only_markers(const json_t *v)
{
    const char *k;
    json_t *x;
    size_t i;

    if (!v || json_is_null(v))
        return 1;
    if (json_is_string(v))
        return strcmp(json_string_value(v), PG_SENSITIVE_TEXT) == 0 ||
               strcmp(json_string_value(v), PG_UNKNOWN_TEXT) == 0;
    if (json_is_object(v)) {
        json_object_foreach((json_t *)(uintptr_t)v, k, x)
            if (!only_markers(x))
                return 0;
        return 1;
    }
    if (json_is_array(v)) {
        json_array_foreach(v, i, x)
            if (!only_markers(x))
                return 0;
        return 1;
    }
    return 0; /* a number or a boolean is a value shown in clear */
}

static void assert_clean(const pg_finding *f, const char *label)
{
    const char *fields[] = {f->rule, f->address, f->type, f->action_reason, f->message, f->remediation,
                            f->waiver_reason, f->waiver_owner, f->waiver_expired};
    size_t i;

    for (i = 0; i < sizeof fields / sizeof fields[0]; i++)
        cr_assert(!det_has(fields[i], MARK), "%s: %s prints a secret: %s", label, f->rule, fields[i]);
    cr_assert(!det_has(det_json(f->actions), MARK), "%s: %s actions", label, f->rule);
    for (i = 0; i < f->n_evidence; i++) {
        const pg_evidence *e = &f->evidence[i];

        cr_assert(!det_has(e->path, MARK), "%s: %s evidence path %s", label, f->rule, e->path);
        cr_assert(!det_has(det_json(e->before), MARK), "%s: %s evidence %s before %s", label, f->rule, e->path,
                  det_json(e->before));
        cr_assert(!det_has(det_json(e->after), MARK), "%s: %s evidence %s after %s", label, f->rule, e->path,
                  det_json(e->after));
        if (strcmp(e->path, "address") == 0) /* addresses are not values (rename's from → to) */
            continue;
        cr_assert(only_markers(e->before) && only_markers(e->after), "%s: %s evidence %s shows %s → %s", label,
                  f->rule, e->path, det_json(e->before), det_json(e->after));
    }
}

static pg_backend secret_backend(void)
{
    pg_backend b;

    memset(&b, 0, sizeof b);
    b.type = (char *)(uintptr_t) "s3";
    b.dynamodb_table = (char *)(uintptr_t) "lock-SECRET-tbl";
    b.source = (char *)(uintptr_t) ".terraform/terraform.tfstate";
    return b;
}

/* MARK: every detector, every mask, straight from the engine */

Test(detect_secrets, no_detector_prints_a_sensitive_value)
{
    pg_backend backend = secret_backend();
    pg_plan_info info;
    det_opts o = {.policy_yaml = policy_yaml, .info = &info};
    size_t i, j, k;
    int kind;

    memset(&info, 0, sizeof info);
    info.complete = 0;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (kind = 0; kind < MASK_KINDS; kind++) {
            det_change ch[4];
            char *texts[3] = {NULL, NULL, NULL};
            char label[160];
            pg_findings f;

            for (j = 0; j < 3 && cases[i].changes[j]; j++) {
                texts[j] = masked(cases[i].changes[j], (mask_kind)kind);
                ch[j] = (det_change)PLANNED(texts[j]);
            }
            ch[j] = (det_change)DET_END;
            snprintf(label, sizeof label, "%s%s, masks %s", cases[i].rule, cases[i].backend ? " (--backend)" : "",
                     mask_names[kind]);
            o.backend = cases[i].backend ? &backend : NULL;
            det_run(&f, &o, ch);
            cr_assert_geq(det_count(&f, cases[i].rule, NULL), 1, "%s: the detector did not fire", label);
            for (k = 0; k < f.count; k++)
                assert_clean(f.items[k], label);
            pg_findings_dispose(&f);
            for (j = 0; j < 3; j++)
                free(texts[j]);
        }
}

/* MARK: the key-type wording of key-replacement and key-type-change (the reported bug) */

#define KEY_TABLE(actions, btype, atype, bs, as)                                                                \
    "{'address':'aws_dynamodb_table.t','mode':'managed','type':'aws_dynamodb_table','name':'t',"                \
    "'change':{'actions':" actions ",'before':{'name':'t','hash_key':'pk','range_key':'customer_ssn',"          \
    "'attribute':[{'name':'customer_ssn','type':'" btype "'},{'name':'pk','type':'S'}]},"                       \
    "'after':{'name':'t','hash_key':'pk','range_key':'customer_ssn',"                                           \
    "'attribute':[{'name':'customer_ssn','type':'" atype "'},{'name':'pk','type':'S'}]},"                       \
    "'after_unknown':{},'before_sensitive':" bs ",'after_sensitive':" as "}}"

Test(detect_secrets, key_type_wording_is_redacted)
{
    /* The key attribute (customer_ssn, the range key) marked sensitive in every way a plan can say it:
     * its entry, its fields, the whole list, the whole value, on one side only, or through range_key. */
    static const char *const masks[][2] = {
        {"{'attribute':[true,false]}", "{'attribute':[true,false]}"},
        {"{'attribute':[{'name':true,'type':true},{}]}", "{'attribute':[{'name':true,'type':true},{}]}"},
        {"{'attribute':true}", "{'attribute':true}"},
        {"true", "true"},
        {"{}", "{'attribute':[true,false]}"},
        {"{'attribute':[true,false]}", "{}"},
    };
    static const char *const actions[] = {"['update']", "['delete','create']"};
    static const char *const rules[] = {"dynamodb-key-type-change", "dynamodb-key-replacement"};
    size_t m, a;

    for (a = 0; a < 2; a++)
        for (m = 0; m < sizeof masks / sizeof masks[0]; m++) {
            char text[2048];
            det_change ch[] = {PLANNED(text), DET_END};
            const pg_finding *x;
            pg_findings f;

            /* the table is built at run time: the masks vary */
            snprintf(text, sizeof text,
                     "{'address':'aws_dynamodb_table.t','mode':'managed','type':'aws_dynamodb_table','name':'t',"
                     "'change':{'actions':%s,'before':{'name':'t','hash_key':'pk','range_key':'customer_ssn',"
                     "'attribute':[{'name':'customer_ssn','type':'S'},{'name':'pk','type':'S'}]},"
                     "'after':{'name':'t','hash_key':'pk','range_key':'customer_ssn',"
                     "'attribute':[{'name':'customer_ssn','type':'N'},{'name':'pk','type':'S'}]},"
                     "'after_unknown':{},'before_sensitive':%s,'after_sensitive':%s}}",
                     actions[a], masks[m][0], masks[m][1]);
            det_run(&f, NULL, ch);
            x = det_find(&f, rules[a], NULL);
            cr_assert_not_null(x, "%s, masks %s / %s: no finding", rules[a], masks[m][0], masks[m][1]);
            cr_assert(det_has(x->message, "the type of key attribute \"(sensitive)\" changes (sensitive) → (sensitive)"),
                      "%s, masks %s / %s: %s", rules[a], masks[m][0], masks[m][1], x->message);
            cr_assert(!det_has(x->message, "S → N") && !det_has(x->message, "customer_ssn"), "%s: %s", rules[a],
                      x->message);
            cr_assert(!det_has(x->remediation, "customer_ssn"), "%s: %s", rules[a], x->remediation);
            cr_assert_str_eq(json_string_value(det_evidence(x, "attribute[0].type")->before), PG_SENSITIVE_TEXT);
            cr_assert_str_eq(json_string_value(det_evidence(x, "attribute[0].type")->after), PG_SENSITIVE_TEXT);
            pg_findings_dispose(&f);
        }
}

Test(detect_secrets, a_key_name_marked_through_range_key_is_hidden)
{
    /* Only range_key is sensitive: the attribute's name is that same secret; its type is not marked. */
    det_change ch[] = {
        PLANNED(KEY_TABLE("['update']", "S", "N", "{'range_key':true}", "{'range_key':true}")), DET_END};
    const pg_finding *x;
    pg_findings f;

    det_run(&f, NULL, ch);
    x = det_find(&f, "dynamodb-key-type-change", NULL);
    cr_assert_not_null(x);
    cr_assert(det_has(x->message, "key attribute \"(sensitive)\" changes S → N"), "%s", x->message);
    cr_assert(!det_has(x->message, "customer_ssn"), "%s", x->message);
    pg_findings_dispose(&f);
}

/* MARK: evidence paths — the keys of a sensitive map are part of its secret */

Test(detect_secrets, path_keys_under_a_sensitive_map_are_hidden)
{
    det_opts o = {.policy_yaml = "version: 1\nprotect:\n  - type: aws_db_instance\n"};
    det_change ch[] = {
        PLANNED("{'address':'aws_db_instance.main','mode':'managed','type':'aws_db_instance','name':'main',"
                "'action_reason':'replace_because_cannot_update','change':{'actions':['delete','create'],"
                "'before':{'tags':{'owner-SECRET':'a'},'engine':'pg'},'after':{'tags':{'owner-SECRET':'b'},"
                "'engine':'pg'},'after_unknown':{},'before_sensitive':{'tags':true},'after_sensitive':{'tags':true},"
                "'replace_paths':[['tags','owner-SECRET'],['weird key\\u001b[2J','x']]}}"),
        DET_END};
    const pg_finding *x;
    pg_findings f;
    size_t i;

    det_run(&f, &o, ch);
    x = det_find(&f, "protected-destroy", NULL);
    cr_assert_not_null(x);
    cr_assert_not_null(det_evidence(x, "tags.(sensitive)"), "paths: %s, %s", x->n_evidence ? x->evidence[0].path : "",
                       x->n_evidence > 1 ? x->evidence[1].path : "");
    /* a key that is not a plain word is quoted: no raw ESC in the path */
    cr_assert_not_null(det_evidence(x, "[\"weird key\\u001B[2J\"].x"), "path: %s",
                       x->n_evidence > 1 ? x->evidence[1].path : "");
    for (i = 0; i < x->n_evidence; i++)
        cr_assert(!det_has(x->evidence[i].path, MARK), "%s", x->evidence[i].path);
    pg_findings_dispose(&f);
}

/* MARK: hostile names — a name from the plan is quoted, never raw */

#define EVIL "evil\\u001b]0;pwned\\u0007\\n##[notice]PASS\\u202e"

static int raw_control(const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s < 0x20 && *s != '\n')
            return 1;
    return 0;
}

Test(detect_secrets, names_from_the_plan_are_quoted)
{
    /* Table names, key names, index names, an unknown action_reason and the backend's table: all hostile. */
    pg_backend backend = secret_backend();
    det_opts o = {.policy_yaml = "version: 1\nprotect:\n  - type: aws_dynamodb_table\n", .backend = &backend};
    det_change ch[] = {
        PLANNED("{'address':'aws_dynamodb_table.a','mode':'managed','type':'aws_dynamodb_table','name':'a',"
                "'action_reason':'replace_because_" EVIL "','change':{'actions':['delete','create'],"
                "'before':{'name':'" EVIL "','hash_key':'" EVIL "','attribute':[{'name':'" EVIL "','type':'S'}],"
                "'local_secondary_index':[{'name':'" EVIL "'}],'deletion_protection_enabled':true},"
                "'after':{'name':'" EVIL "','hash_key':'k2','attribute':[{'name':'k2','type':'S'}],"
                "'local_secondary_index':[]},'after_unknown':{}}}"),
        PLANNED("{'address':'aws_dynamodb_table.b','mode':'managed','type':'aws_dynamodb_table','name':'b',"
                "'change':{'actions':['update'],'before':{'name':'" EVIL "','hash_key':'" EVIL "','attribute':"
                "[{'name':'" EVIL "','type':'S'}]},'after':{'name':'" EVIL "','hash_key':'" EVIL "','attribute':"
                "[{'name':'" EVIL "','type':'N'}],'billing_mode':'PROVISIONED'},'after_unknown':{}}}"),
        PLANNED("{'address':'aws_dynamodb_table.c','mode':'managed','type':'aws_dynamodb_table','name':'c',"
                "'change':{'actions':['delete'],'before':{'name':'" EVIL "','hash_key':'id'},'after':null}}"),
        PLANNED("{'address':'aws_dynamodb_table.d','mode':'managed','type':'aws_dynamodb_table','name':'d',"
                "'change':{'actions':['create'],'before':null,'after':{'name':'" EVIL "','hash_key':'id'},"
                "'after_unknown':{}}}"),
        PLANNED("{'address':'aws_dynamodb_table.e','mode':'managed','type':'aws_dynamodb_table','name':'e',"
                "'change':{'actions':['no-op'],'before':{'name':'" EVIL "','hash_key':'" EVIL "',"
                "'range_key':'" EVIL "','attribute':[{'name':'" EVIL "','type':'N'}]},'after':{'name':"
                "'" EVIL "','hash_key':'" EVIL "','range_key':'" EVIL "','attribute':[{'name':'" EVIL "',"
                "'type':'N'}]},'after_unknown':{}}}"),
        DET_END};
    static const char *const expected[] = {"dynamodb-key-replacement", "protected-destroy",
                                           "dynamodb-deletion-protection", "dynamodb-key-type-change",
                                           "dynamodb-rename-without-moved", "lock-table-key-schema",
                                           "lock-table-destroy", "lock-table-backend-mismatch",
                                           "lock-table-deprecated", "dynamodb-provisioned-without-autoscaling"};
    pg_findings f;
    size_t i;

    backend.dynamodb_table = (char *)(uintptr_t) "evil\x1b]0;pwned\x07\n##[notice]PASS\xe2\x80\xae";
    det_run(&f, &o, ch);
    for (i = 0; i < sizeof expected / sizeof expected[0]; i++)
        cr_assert_geq(det_count(&f, expected[i], NULL), 1, "%s did not fire", expected[i]);
    for (i = 0; i < f.count; i++) {
        const pg_finding *x = f.items[i];
        /* Old → new values are pg_value_text's (finding.h: it JSON-quotes a string with a control
         * character); names are pg_quote'd, which also escapes "##[" and bidirectional controls. */
        int names_only = strcmp(x->rule, "dynamodb-key-replacement") != 0;

        cr_assert(!raw_control(x->message) && !raw_control(x->remediation), "%s: raw control character: %s",
                  x->rule, x->message);
        cr_assert(!det_has(x->message, "\n") && !det_has(x->remediation, "\n\n##"), "%s: a newline splits it: %s",
                  x->rule, x->message);
        if (names_only) {
            cr_assert(!det_has(x->message, "##[") && !det_has(x->remediation, "##["), "%s: workflow command: %s",
                      x->rule, x->message);
            cr_assert(!det_has(x->message, "\xe2\x80\xae"), "%s: bidi override: %s", x->rule, x->message);
        }
    }
    /* Each kind of name, quoted: a table name, a key attribute's name, a hash key, a range key, the
     * backend's table, an action_reason plangate does not know. */
#define QUOTED "\"evil\\u001B]0;pwned\\u0007\\n\\u0023#[notice]PASS\\u202E\""
    cr_assert(det_has(det_find(&f, "dynamodb-rename-without-moved", NULL)->message, "(table " QUOTED ")"), "%s",
              det_find(&f, "dynamodb-rename-without-moved", NULL)->message);
    cr_assert(det_has(det_find(&f, "dynamodb-key-replacement", NULL)->message, "(table " QUOTED ")"), "%s",
              det_find(&f, "dynamodb-key-replacement", NULL)->message);
    cr_assert(det_has(det_find(&f, "dynamodb-key-type-change", NULL)->message, "key attribute " QUOTED " changes"),
              "%s", det_find(&f, "dynamodb-key-type-change", NULL)->message);
    cr_assert(det_has(det_find(&f, "lock-table-key-schema", "aws_dynamodb_table.e")->message,
                      "its hash_key is " QUOTED ", not"),
              "%s", det_find(&f, "lock-table-key-schema", "aws_dynamodb_table.e")->message);
    cr_assert(det_has(det_find(&f, "lock-table-key-schema", "aws_dynamodb_table.e")->message,
                      "it has a range_key (" QUOTED ")"),
              "%s", det_find(&f, "lock-table-key-schema", "aws_dynamodb_table.e")->message);
    cr_assert(det_has(det_find(&f, "lock-table-deprecated", NULL)->message, "the DynamoDB table " QUOTED "."), "%s",
              det_find(&f, "lock-table-deprecated", NULL)->message);
    cr_assert(det_has(det_find(&f, "lock-table-backend-mismatch", "aws_dynamodb_table.e")->remediation,
                      "Keep " QUOTED " in place"),
              "%s", det_find(&f, "lock-table-backend-mismatch", "aws_dynamodb_table.e")->remediation);
    cr_assert(det_has(det_find(&f, "dynamodb-provisioned-without-autoscaling", NULL)->message,
                      "resource_id \"table/evil\\u001B"),
              "%s", det_find(&f, "dynamodb-provisioned-without-autoscaling", NULL)->message);
    cr_assert(det_has(det_find(&f, "protected-destroy", "aws_dynamodb_table.a")->message,
                      "because Terraform gives the reason \"replace_because_evil\\u001B"),
              "%s", det_find(&f, "protected-destroy", "aws_dynamodb_table.a")->message);
    pg_findings_dispose(&f);
}

/* MARK: end to end — pg_check_run and every report format */

static char *temp_file(const char *dir, const char *name, const char *text)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    FILE *fp;

    cr_assert_not_null(path);
    snprintf(path, n, "%s/%s", dir, name);
    fp = fopen(path, "w");
    cr_assert_not_null(fp, "%s", path);
    fputs(text, fp);
    fclose(fp);
    return path;
}

static char *render(const pg_report *r, pg_report_format format)
{
    char *out = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&out, &len);
    pg_error err;

    cr_assert_not_null(fp);
    cr_assert_eq(pg_report_write(r, format, NULL, fp, &err), 0, "%s: %s", pg_report_format_name(format), err.message);
    fclose(fp);
    return out;
}

Test(detect_secrets, no_report_format_prints_a_sensitive_value)
{
    static const pg_report_format formats[] = {PG_FORMAT_TEXT,  PG_FORMAT_JSON,   PG_FORMAT_SARIF,
                                               PG_FORMAT_JUNIT, PG_FORMAT_GITHUB, PG_FORMAT_MARKDOWN};
    char dir[] = "/tmp/pg-detect-secrets-XXXXXX";
    int kind;

    cr_assert_not_null(mkdtemp(dir));
    for (kind = 0; kind < MASK_KINDS; kind++) {
        static const char *const all[] = {TABLE_KR, TABLE_KT,    DB_PD,   TABLE_RN_DEL, TABLE_RN_NEW, LOCK_UPD, LOCK_DEL,
                                          TABLE_PV, TABLE_RR,    REPLICA_DEL, NOOP_PV, POLICY_DEL,   CC_KR};
        json_t *plan = json_pack("{s:s, s:s, s:b, s:[]}", "format_version", "1.2", "terraform_version", "1.9.5",
                                 "complete", 0, "resource_changes");
        char *plan_text, *plan_path, *backend_path;
        pg_policy *policy = pg_test_policy_new();
        pg_check_options opts;
        pg_backend backend;
        pg_report r;
        pg_error err;
        size_t i, j;

        cr_assert_not_null(plan);
        for (i = 0; i < sizeof all / sizeof all[0]; i++) {
            char *t = masked(all[i], (mask_kind)kind);
            json_array_append_new(json_object_get(plan, "resource_changes"), json_loads(t, 0, NULL));
            free(t);
        }
        plan_text = json_dumps(plan, JSON_COMPACT);
        plan_path = temp_file(dir, "plan.json", plan_text);
        backend_path = temp_file(dir, "terraform.tfstate",
                                 "{\"version\":3,\"backend\":{\"type\":\"s3\",\"config\":{\"bucket\":\"b\","
                                 "\"dynamodb_table\":\"lock-SECRET-tbl\"}}}");
        pg_error_clear(&err);
        cr_assert_eq(pg_policy_load_defaults(policy, &err), 0, "%s", err.message);
        cr_assert_eq(pg_policy_load_string(policy, "secrets.yaml", policy_yaml, sizeof policy_yaml - 1, &err), 0,
                     "%s", err.message);
        cr_assert_eq(pg_backend_load(&backend, backend_path, &err), 0, "%s", err.message);
        memset(&opts, 0, sizeof opts);
        opts.plan_path = plan_path;
        opts.policy = policy;
        opts.backend = &backend;
        opts.fail_on = PG_SEV_HIGH;
        opts.today = "2025-01-01";
        cr_assert_eq(pg_check_run(&opts, &r, &err), 0, "check: %s", err.message);
        /* Not vacuous: every detector reported. */
        for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
            cr_assert_geq(det_count(&r.findings, cases[i].rule, NULL), 1, "masks %s: %s did not fire",
                          mask_names[kind], cases[i].rule);
        for (j = 0; j < sizeof formats / sizeof formats[0]; j++) {
            char *out = render(&r, formats[j]);
            const char *hit = strstr(out, MARK);
            cr_assert_null(hit, "masks %s: the %s report shows a secret: …%.80s…", mask_names[kind],
                           pg_report_format_name(formats[j]), hit ? (hit > out + 40 ? hit - 40 : out) : "");
            free(out);
        }
        pg_report_dispose(&r);
        pg_backend_dispose(&backend);
        pg_policy_free(policy);
        unlink(plan_path);
        unlink(backend_path);
        free(plan_path);
        free(backend_path);
        free(plan_text);
        json_decref(plan);
    }
    rmdir(dir);
}

/* The same check sees a secret that a report does hold (the test can fail). */
Test(detect_secrets, the_report_check_can_fail)
{
    pg_report r;
    pg_finding *f = pg_test_finding_new("x", PG_SEV_HIGH, NULL);
    char *out;

    pg_report_init(&r);
    cr_assert_not_null(f);
    cr_assert_eq(pg_finding_set_message(f, "oops %s", "orders-" MARK "-tbl"), 0);
    cr_assert_eq(pg_findings_add(&r.findings, f, NULL), 0);
    out = render(&r, PG_FORMAT_TEXT);
    cr_assert_not_null(strstr(out, MARK));
    free(out);
    pg_report_dispose(&r);
}

/* MARK: one side, one element — a secret on one side is a secret on both */

Test(detect_secrets, one_side_or_one_element_marked_hides_the_pair)
{
    det_opts o = {.policy_yaml = "version: 1\nprotect:\n  - type: aws_db_instance\n"};
    det_change ch[] = {
        /* only the new hash_key is marked; only one new index's name is marked */
        PLANNED("{'address':'aws_dynamodb_table.t','mode':'managed','type':'aws_dynamodb_table','name':'t',"
                "'change':{'actions':['delete','create'],'before':{'name':'t','hash_key':'old-SECRET',"
                "'local_secondary_index':[{'name':'a-SECRET','range_key':'x'}]},"
                "'after':{'name':'t','hash_key':'new-SECRET','local_secondary_index':[{'name':'b-SECRET',"
                "'range_key':'x'}]},'after_unknown':{},'before_sensitive':{},"
                "'after_sensitive':{'hash_key':true,'local_secondary_index':[{'name':true}]}}}"),
        /* only the old engine is marked */
        PLANNED("{'address':'aws_db_instance.main','mode':'managed','type':'aws_db_instance','name':'main',"
                "'change':{'actions':['delete','create'],'before':{'engine':'pg-SECRET'},'after':{'engine':"
                "'my-SECRET'},'after_unknown':{},'before_sensitive':{'engine':true},'after_sensitive':{},"
                "'replace_paths':[['engine']]}}"),
        DET_END};
    const pg_finding *x;
    pg_findings f;
    size_t i;

    det_run(&f, &o, ch);
    x = det_find(&f, "dynamodb-key-replacement", NULL);
    cr_assert_not_null(x);
    cr_assert(det_has(x->message, "hash_key changes (sensitive) → (sensitive)"), "%s", x->message);
    cr_assert(det_has(x->message, "local secondary indexes change (sensitive) → (sensitive)"), "%s", x->message);
    cr_assert_not_null(det_find(&f, "protected-destroy", "aws_db_instance.main"));
    for (i = 0; i < f.count; i++)
        assert_clean(f.items[i], "one side marked");
    pg_findings_dispose(&f);
}
