/* backend.c — read the backend file that `terraform init` writes
 * (.terraform/terraform.tfstate) to learn the S3 backend's lock table.
 *
 * Layouts seen in the wild:
 *   0.9+      {"version":3, …, "backend":{"type":"s3","config":{…},"hash":N}}
 *   pre-0.9   {"version":3, …, "remote":{"type":"s3","config":{…}}} where every
 *             config value is a string ("true") and the lock table may be
 *             called "lock_table" (renamed dynamodb_table in 0.9).
 * Config values may be null or absent (an unset argument). The file is small,
 * so it is loaded whole with jansson. */
#include <string.h>

#include <jansson.h>

#include "plangate/alloc.h"
#include "plangate/detect.h"

static const char *config_str(const json_t *config, const char *key)
{
    const json_t *v = json_object_get(config, key);
    return json_is_string(v) && json_string_length(v) > 0 ? json_string_value(v) : NULL;
}

/* true, or the string "true" of pre-0.9 layouts. */
static int config_true(const json_t *config, const char *key)
{
    const json_t *v = json_object_get(config, key);
    return json_is_true(v) || (json_is_string(v) && strcmp(json_string_value(v), "true") == 0);
}

int pg_backend_load(pg_backend *out, const char *path, pg_error *err)
{
    json_t *root = NULL;
    json_error_t jerr;
    const json_t *backend, *config, *type;
    const char *table;
    int rc = PG_OK;

    memset(out, 0, sizeof *out);
    /* Integers as reals: a huge "hash" or "serial" must not make the file unreadable. */
    root = json_load_file(path, JSON_DECODE_INT_AS_REAL, &jerr);
    if (!root) {
        pg_error_set_source(err, path);
        if (jerr.position == 0 && strstr(jerr.text, "unable to open"))
            return pg_error_set(err, PG_EIO, "cannot read the backend file: %s", jerr.text);
        /* The position goes into the record (file:line:col), not the text. */
        rc = pg_error_set(err, PG_EPLAN,
                          "not a backend file: invalid JSON: %s "
                          "(pass the .terraform/terraform.tfstate that terraform init writes)",
                          jerr.text);
        pg_error_at_line(err, jerr.line, jerr.column);
        return rc;
    }
    if (!json_is_object(root)) {
        rc = pg_error_set(err, PG_EPLAN,
                          "not a backend file: expected a JSON object with a \"backend\" member "
                          "(pass the .terraform/terraform.tfstate that terraform init writes)");
        goto fail;
    }
    backend = json_object_get(root, "backend");
    if (!json_is_object(backend))
        backend = json_object_get(root, "remote"); /* pre-0.9 */
    if (!json_is_object(backend)) {
        if (json_object_get(root, "resources") || json_object_get(root, "modules"))
            rc = pg_error_set(err, PG_EPLAN,
                              "this is a Terraform state file with no backend configuration, not the "
                              "backend file: pass .terraform/terraform.tfstate from the directory where "
                              "terraform init ran");
        else if (json_object_get(root, "format_version") || json_object_get(root, "resource_changes"))
            rc = pg_error_set(err, PG_EPLAN,
                              "this is a plan, not the backend file: pass the plan as the argument and "
                              ".terraform/terraform.tfstate to --backend");
        else
            rc = pg_error_set(err, PG_EPLAN,
                              "not a backend file: it has no \"backend\" object (pass the "
                              ".terraform/terraform.tfstate that terraform init writes)");
        goto fail;
    }
    type = json_object_get(backend, "type");
    config = json_object_get(backend, "config");
    if (type && !json_is_string(type)) {
        rc = pg_error_set(err, PG_EPLAN, "the backend's \"type\" is not a string");
        goto fail;
    }
    if (config && !json_is_object(config) && !json_is_null(config)) {
        rc = pg_error_set(err, PG_EPLAN, "the backend's \"config\" is not an object");
        goto fail;
    }
    table = config_str(config, "dynamodb_table");
    if (!table)
        table = config_str(config, "lock_table"); /* the pre-0.9 name */
    if ((type && !(out->type = pg_strdup(json_string_value(type)))) ||
        (table && !(out->dynamodb_table = pg_strdup(table))) || !(out->source = pg_strdup(path))) {
        rc = pg_error_set(err, PG_ENOMEM, "out of memory");
        goto fail;
    }
    out->use_lockfile = config_true(config, "use_lockfile");
    json_decref(root);
    return PG_OK;

fail:
    pg_error_set_source(err, path);
    json_decref(root);
    pg_backend_dispose(out);
    return rc;
}

void pg_backend_dispose(pg_backend *b)
{
    if (!b)
        return;
    pg_free(b->type);
    pg_free(b->dynamodb_table);
    pg_free(b->source);
    memset(b, 0, sizeof *b);
}
