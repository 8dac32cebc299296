/* table_read.c — the one reader of "a DynamoDB table" for every detector
 * (issue 13): which resource types are tables, a table's name, its key
 * schema (partition and sort key names) and the type of a key attribute,
 * whatever the provider's shape.
 *
 *   aws_dynamodb_table    name, hash_key, range_key, attribute[{name, type}]
 *   awscc_dynamodb_table  table_name, key_schema, attribute_definitions
 *                         [{attribute_name, attribute_type}]
 *
 * The Cloud Control provider declares key_schema as a JSON string holding
 * CloudFormation's shape ("[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}]");
 * a plan may also carry it as a list of objects ({attribute_name, key_type}).
 * Both are read, in either casing. A string that does not parse, or a list
 * whose shape is not a key schema, is "unreadable": never "no key" — a
 * detector treats it like a key known only after apply (fail closed). */
#include <string.h>

#include "detect/detect_internal.h"

/* The longest key_schema string parsed: two entries of 255-byte names with
 * their keys and any whitespace fit many times over. */
#define PG_DET_KEY_SCHEMA_MAX 4096

int pg_det__is_table_type(const char *type)
{
    return type && (strcmp(type, PG_TYPE_DYNAMODB_TABLE) == 0 || strcmp(type, PG_TYPE_AWSCC_DYNAMODB_TABLE) == 0);
}

int pg_det__is_awscc_table(const pg_change *c)
{
    return c->type && strcmp(c->type, PG_TYPE_AWSCC_DYNAMODB_TABLE) == 0;
}

const char *pg_det__table_name_attr(const pg_change *c)
{
    return pg_det__is_awscc_table(c) ? "table_name" : "name";
}

const char *pg_det__table_name(const pg_change *c, pg_side side, int *sensitive)
{
    pg_path_step s = {pg_det__table_name_attr(c), 0};

    if (sensitive)
        *sensitive = pg_det__sensitive(c, &s, 1);
    return pg_det__str(c, side, s.key);
}

/* A member of a key-schema entry in either casing (Terraform's snake_case
 * or CloudFormation's PascalCase). */
static const json_t *member(const json_t *o, const char *snake, const char *pascal)
{
    const json_t *v = json_object_get(o, snake);

    return v ? v : json_object_get(o, pascal);
}

/* Copy a key name; a name longer than DynamoDB allows (255 bytes) or with a
 * NUL inside cannot be judged: unreadable. */
static int copy_name(char *dst, const json_t *v)
{
    size_t n;

    if (!json_is_string(v))
        return 0;
    n = json_string_length(v);
    if (n == 0 || n >= PG_DET_KEY_NAME || memchr(json_string_value(v), '\0', n))
        return 0;
    memcpy(dst, json_string_value(v), n + 1);
    return 1;
}

/* Read a key schema list (parsed or from the plan); 0 when its shape is not one. */
static int read_schema_list(const json_t *list, pg_det_keys *k)
{
    size_t i;

    if (!json_is_array(list))
        return 0;
    for (i = 0; i < json_array_size(list); i++) {
        const json_t *e = json_array_get(list, i);
        const json_t *type = member(e, "key_type", "KeyType");
        const json_t *name = member(e, "attribute_name", "AttributeName");
        const char *t = json_is_string(type) ? json_string_value(type) : "";

        if (strcmp(t, "HASH") == 0 && !k->has_hash)
            k->has_hash = copy_name(k->hash, name);
        else if (strcmp(t, "RANGE") == 0 && !k->has_range)
            k->has_range = copy_name(k->range, name);
        else
            return 0; /* an unknown key type, a second HASH, an unreadable name */
        if ((strcmp(t, "HASH") == 0 && !k->has_hash) || (strcmp(t, "RANGE") == 0 && !k->has_range))
            return 0;
    }
    return k->has_hash; /* a table always has a partition key */
}

static void read_awscc(const pg_change *c, pg_side side, pg_det_keys *k)
{
    pg_path_step s = {"key_schema", 0};
    const json_t *v = pg_change_get(c, side, &s, 1);

    k->path = "key_schema";
    /* Any marked part of the schema, on either side, makes both sides' key
     * names secret (the old name next to "it changed" tells the new one). */
    k->sensitive = pg_det__block_sensitive(c, "key_schema");
    if (side == PG_AFTER && (pg_change_is_unknown(c, &s, 1) || pg_det__mask_any(json_object_get(c->after_unknown,
                                                                                                 "key_schema")))) {
        k->hash_unknown = k->range_unknown = 1;
        return;
    }
    if (!v || json_is_null(v)) {
        k->absent = 1;
        return;
    }
    if (json_is_string(v)) {
        /* A key schema holds two short entries: a string far longer than
         * that is not one, and is not parsed (bounded work on input). */
        json_t *parsed = json_string_length(v) <= PG_DET_KEY_SCHEMA_MAX
                             ? json_loadb(json_string_value(v), json_string_length(v), JSON_DECODE_ANY, NULL)
                             : NULL;
        int ok = parsed && read_schema_list(parsed, k);

        json_decref(parsed);
        if (!ok) {
            k->has_hash = k->has_range = 0;
            k->unreadable = 1;
        }
        return;
    }
    if (!read_schema_list(v, k)) {
        k->has_hash = k->has_range = 0;
        k->unreadable = 1;
    }
}

static void read_aws(const pg_change *c, pg_side side, pg_det_keys *k)
{
    pg_path_step hk = {"hash_key", 0}, rk = {"range_key", 0};
    const json_t *h = pg_change_get(c, side, &hk, 1), *r = pg_change_get(c, side, &rk, 1);

    k->path = "hash_key";
    k->sensitive = pg_det__sensitive(c, &hk, 1) || pg_det__sensitive(c, &rk, 1);
    if (side == PG_AFTER) {
        k->hash_unknown = pg_change_is_unknown(c, &hk, 1);
        k->range_unknown = pg_change_is_unknown(c, &rk, 1);
    }
    if (!k->hash_unknown) {
        if (!h || json_is_null(h))
            k->absent = 1;
        else if (!(k->has_hash = copy_name(k->hash, h)))
            k->unreadable = 1;
    }
    if (!k->range_unknown && json_is_string(r) && json_string_length(r) > 0 && !(k->has_range = copy_name(k->range, r)))
        k->unreadable = 1;
}

void pg_det__table_keys(const pg_change *c, pg_side side, pg_det_keys *k)
{
    memset(k, 0, sizeof *k);
    if (pg_det__is_awscc_table(c))
        read_awscc(c, side, k);
    else
        read_aws(c, side, k);
}

int pg_det__keys_uncertain(const pg_det_keys *k)
{
    return k->hash_unknown || k->range_unknown || k->unreadable;
}

int pg_det__key_attr(const pg_change *c, pg_side side, const char *name, pg_det_key_attr *out)
{
    int awscc = pg_det__is_awscc_table(c);
    const char *list_key = awscc ? "attribute_definitions" : "attribute";
    pg_path_step s = {list_key, 0};
    const json_t *list = pg_change_get(c, side, &s, 1);
    size_t i;

    memset(out, 0, sizeof *out);
    out->steps[0].key = list_key;
    out->steps[2].key = awscc ? "attribute_type" : "type";
    out->name_steps[0].key = list_key;
    out->name_steps[2].key = awscc ? "attribute_name" : "name";
    out->list = list_key;
    for (i = 0; name && json_is_array(list) && i < json_array_size(list); i++) {
        const json_t *e = json_array_get(list, i);
        const json_t *n = awscc ? member(e, "attribute_name", "AttributeName") : json_object_get(e, "name");
        if (json_is_string(n) && strcmp(json_string_value(n), name) == 0) {
            out->steps[1].index = out->name_steps[1].index = i;
            out->index = i;
            if (awscc && !json_object_get(e, "attribute_type") && json_object_get(e, "AttributeType"))
                out->steps[2].key = "AttributeType";
            return 1;
        }
    }
    return 0;
}

size_t pg_det__pitr_steps(const pg_change *c, pg_path_step steps[3], const char **path)
{
    if (pg_det__is_awscc_table(c)) {
        /* A single nested attribute in the Cloud Control schema: an object. */
        steps[0] = (pg_path_step){"point_in_time_recovery_specification", 0};
        steps[1] = (pg_path_step){"point_in_time_recovery_enabled", 0};
        *path = "point_in_time_recovery_specification.point_in_time_recovery_enabled";
        return 2;
    }
    steps[0] = (pg_path_step){"point_in_time_recovery", 0};
    steps[1] = (pg_path_step){NULL, 0};
    steps[2] = (pg_path_step){"enabled", 0};
    *path = "point_in_time_recovery[0].enabled";
    return 3;
}
