/* opt.h — one option table drives both parsing and --help. */
#ifndef PG_CLI_OPT_H
#define PG_CLI_OPT_H

#include <stdio.h>

typedef struct pg_opt_spec {
    const char *name;  /* long name without "--"; NULL ends the table */
    int id;            /* > 0 */
    const char *arg;   /* the argument's name, or NULL for a flag */
    const char *help;
} pg_opt_spec;

/* A one-letter alias: `-c` stands for `--name` (a table of them ends with
 * {0, NULL}). Kept apart from pg_opt_spec so that every table of long
 * options stays as it is; `-h` is `--help` for every command. */
typedef struct pg_opt_short {
    char letter;
    const char *name;
} pg_opt_short;

enum { PG_OPT_END = 0, PG_OPT_ERROR = -1, PG_OPT_POSITIONAL = -2 };

typedef struct pg_opt_parser {
    const pg_opt_spec *specs;
    int argc;
    char **argv;
    int i;             /* next argv index */
    int only_positional; /* after "--" */
    char error[1024];   /* one message; quotes the word with pg_cli_quote (diag.h) */
    const pg_opt_short *shorts; /* NULL: only -h */
    const char *group;  /* the rest of a group of short flags (`-qf json`: "f") */
    const pg_opt_spec *last; /* the spec of the option pg_opt_next returned */
} pg_opt_parser;

/* argv[0] is the subcommand name and is skipped. */
void pg_opt_init(pg_opt_parser *p, const pg_opt_spec *specs, int argc, char **argv);
/* The parser also takes the one-letter aliases in `shorts`: `-p PATH`,
 * `-pPATH`, and flags grouped as in getopt (`-q -f json` = `-qf json`). */
void pg_opt_set_short(pg_opt_parser *p, const pg_opt_short *shorts);
/* The next option id (its argument in *value), PG_OPT_POSITIONAL (*value is
 * the word; "-" alone is positional), PG_OPT_ERROR (p->error says why), or
 * PG_OPT_END. Accepts --name VALUE and --name=VALUE. */
int pg_opt_next(pg_opt_parser *p, const char **value);
/* The spec of an option by its long name (NULL when there is none). */
const pg_opt_spec *pg_opt_find(const pg_opt_spec *specs, const char *name, size_t len);
void pg_opt_help(FILE *out, const pg_opt_spec *specs);
/* The same with each option's alias first: "-p, --policy PATH". */
void pg_opt_help_short(FILE *out, const pg_opt_spec *specs, const pg_opt_short *shorts);

#endif
