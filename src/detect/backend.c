/* backend.c — read the backend file that `terraform init` writes
 * (.terraform/terraform.tfstate) to learn the S3 backend's lock table.
 *
 * Layouts seen in the wild:
 *   0.9+      {"version":3, …, "backend":{"type":"s3","config":{…},"hash":N}}
 *   pre-0.9   {"version":3, …, "remote":{"type":"s3","config":{…}}} where every
 *             config value is a string ("true") and the lock table may be
 *             called "lock_table" (renamed dynamodb_table in 0.9).
 * Config values may be null or absent (an unset argument). The file is small,
 * so it is loaded whole with jansson; what went wrong is read from
 * json_error_code(), never from jansson's message text (which quotes the
 * input), and said in our words with the line and column. */
#include <errno.h>
#include <stdio.h>
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

/* What jansson's error code means, in words for the operator. */
static const char *parse_problem(enum json_error_code code)
{
    switch (code) {
    case json_error_premature_end_of_input: return "it ends too early (a truncated file?)";
    case json_error_end_of_input_expected: return "there is more text after the JSON value";
    case json_error_invalid_utf8: return "it is not valid UTF-8";
    case json_error_null_character:
    case json_error_null_byte_in_key: return "it holds a NUL character (\\u0000)";
    case json_error_numeric_overflow: return "a number is too large";
    case json_error_stack_overflow: return "it is nested too deeply";
    default: return "the syntax is wrong";
    }
}

/* The file as a JSON value, or an error: PG_EIO when unreadable, PG_EPLAN
 * with line and column when it is not JSON. */
static int load(json_t **out, const char *path, pg_error *err)
{
    FILE *fp = fopen(path, "rb");
    json_error_t jerr;
    int rc;

    *out = NULL;
    if (!fp)
        return pg_error_set(err, PG_EIO, "cannot read the backend file: %s", strerror(errno));
    /* Integers as reals: a huge "hash" or "serial" must not make the file unreadable. */
    errno = 0;
    *out = json_loadf(fp, JSON_DECODE_INT_AS_REAL, &jerr);
    if (ferror(fp)) {
        rc = pg_error_set(err, PG_EIO, "cannot read the backend file: %s", errno ? strerror(errno) : "read error");
        json_decref(*out);
        *out = NULL;
    } else if (!*out && json_error_code(&jerr) == json_error_out_of_memory) {
        rc = pg_error_oom(err);
    } else if (!*out) {
        /* The position goes into the record (file:line:col), not the text. */
        rc = pg_error_set(err, PG_EPLAN,
                          "not a backend file: invalid JSON: %s "
                          "(pass the .terraform/terraform.tfstate that terraform init writes)",
                          parse_problem(json_error_code(&jerr)));
        pg_error_at_line(err, jerr.line, jerr.column);
    } else {
        rc = PG_OK;
    }
    fclose(fp);
    return rc;
}

int pg_backend_load(pg_backend *out, const char *path, pg_error *err)
{
    json_t *root = NULL;
    const json_t *backend, *config, *type;
    const char *table;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = load(&root, path, err)) != PG_OK) {
        pg_error_set_source(err, path);
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
        rc = pg_error_oom(err);
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
