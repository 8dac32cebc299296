/* settings.h — a flat YAML file of settings (the CLI's .plangate.yaml, issue
 * 17), read through the policy module's YAML adapter: libyaml has one
 * adapter (STYLE §10), and a settings file gets the same caps (size, depth,
 * aliases), duplicate-key check and file:line:col errors as a policy file.
 *
 * The document is a mapping (or empty); each value is a scalar or a list of
 * scalars. What the keys mean is the caller's business (src/cli/config.c).
 */
#ifndef PG_POLICY_SETTINGS_H
#define PG_POLICY_SETTINGS_H

#include <stddef.h>

#include "plangate/error.h"

typedef enum pg_settings_type {
    PG_SETTINGS_TEXT = 0, /* a string or a number (its text as written) */
    PG_SETTINGS_BOOL,
    PG_SETTINGS_NULL
} pg_settings_type;

typedef struct pg_settings_value {
    pg_settings_type type;
    char *text;      /* as written (NUL-free); "true"/"false" for a boolean */
    int boolean;     /* PG_SETTINGS_BOOL */
    int line, col;   /* 1-based */
} pg_settings_value;

typedef struct pg_settings_entry {
    char *key;
    int line, col;            /* of the key */
    int is_list;              /* written as a list (`policy: [a, b]`) */
    pg_settings_value *values; /* one for a scalar; a list's items (maybe none) */
    size_t n_values;
} pg_settings_entry;

typedef struct pg_settings {
    pg_settings_entry *items;        /* in file order; keys are unique */
    size_t n;
} pg_settings;

/* Read the file at `path` (at most PG_POLICY_MAX_FILE_BYTES; a regular file)
 * into *out. Errors are PG_EPOLICY with source `path` and the line:column
 * (a mapping inside a value, a non-string key, a duplicated key, YAML
 * syntax), or PG_ENOMEM. *out is empty after an error. */
int pg_settings_read(pg_settings *out, const char *path, pg_error *err);
void pg_settings_dispose(pg_settings *s);

#endif
