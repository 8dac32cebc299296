/*
 * config.h — where the settings of a command come from (issue 17): the
 * command line, then PLANGATE_* environment variables, then a config file
 * (.plangate.yaml). A flag given on the command line overrides the
 * environment, which overrides the file; for a repeatable option the highest
 * layer that names it gives the whole list.
 *
 * The file is `--config FILE` (or PLANGATE_CONFIG), else the .plangate.yaml
 * in the current directory or the nearest parent up to the repository root
 * (the nearest folder holding .git; without one, the current directory
 * only); --no-config (or PLANGATE_NO_CONFIG=1) reads none. Its keys are the
 * long options with `_` for `-`; paths in it are relative to the file.
 *
 * Trust (README "Trust model"): a file the pipeline names (--config,
 * PLANGATE_CONFIG) may set everything. A .plangate.yaml found in the
 * checkout is part of the change under review: it may not set what decides
 * how strict the gate is (the keys marked PG_KEY_TRUSTED), and its report
 * files stay inside its own folder.
 *
 * Every message names where the setting came from: the option, the variable
 * or FILE:LINE:COL. A bad file or variable is a usage error (exit 2), as the
 * same bad flag would be.
 */
#ifndef PG_CLI_CONFIG_H
#define PG_CLI_CONFIG_H

#include <stddef.h>

#include "cli/opt.h"

enum {
    PG_KEY_LIST = 1,    /* repeatable (`policy: [a, b]`; PLANGATE_POLICY=a:b) */
    PG_KEY_PATH = 2,    /* a path, relative to the config file */
    PG_KEY_REPORT = 4,  /* FORMAT=PATH, the PATH relative to the config file */
    PG_KEY_TRUSTED = 8  /* decides the gate's strictness: never from a found file */
};

/* An option the environment and a config file may set. Options without a
 * row (help, config) come from the command line only. */
typedef struct pg_cli_key {
    const char *option;  /* the long name in the command's pg_opt_spec table */
    unsigned flags;
} pg_cli_key;

/* What a command tells the gatherer. */
typedef struct pg_cli_layers {
    const char *command;          /* "plangate check", for messages */
    const pg_opt_spec *specs;
    const pg_opt_short *shorts;
    const pg_cli_key *keys;       /* ends with {NULL, 0}; a row whose option is not in specs is skipped */
    int config_id, no_config_id, help_id;
} pg_cli_layers;

/* One setting to apply, in order. */
typedef struct pg_cli_setting {
    int id;              /* the option's id, or PG_OPT_POSITIONAL */
    const char *value;   /* NULL for a flag */
    const char *origin;  /* NULL for the command line; "PLANGATE_FAIL_ON"; "FILE:LINE:COL" */
} pg_cli_setting;

typedef struct pg_cli_settings {
    pg_cli_setting *items;
    size_t n, cap;
    char *config_path;   /* the config file used, as named or found (relative to .); NULL when none */
    int config_named;    /* named by --config or PLANGATE_CONFIG */
    char **strings;      /* everything the items point at */
    size_t n_strings, strings_cap;
} pg_cli_settings;

/*
 * Parse argv (argv[0] is the command's name), read the environment and the
 * config file, and put in *out the settings to apply: the file's, then the
 * environment's, then the command line's, without those a higher layer
 * overrides. With --help on the command line, neither the environment nor a
 * file is read. Returns 0, or PG_EXIT_USAGE (2) or PG_EXIT_PLAN (3, out of
 * memory) after writing the error to stderr. *out needs
 * pg_cli_settings_dispose either way.
 */
int pg_cli_settings_gather(pg_cli_settings *out, const pg_cli_layers *l, int argc, char **argv);
/* Where the setting of option `id` that wins came from (NULL: the command line or nothing). */
const char *pg_cli_settings_origin(const pg_cli_settings *s, int id);
void pg_cli_settings_dispose(pg_cli_settings *s);

#endif
