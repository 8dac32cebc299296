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

enum { PG_OPT_END = 0, PG_OPT_ERROR = -1, PG_OPT_POSITIONAL = -2 };

typedef struct pg_opt_parser {
    const pg_opt_spec *specs;
    int argc;
    char **argv;
    int i;             /* next argv index */
    int only_positional; /* after "--" */
    char error[1024];   /* one message; quotes the word with pg_cli_quote (diag.h) */
} pg_opt_parser;

/* argv[0] is the subcommand name and is skipped. */
void pg_opt_init(pg_opt_parser *p, const pg_opt_spec *specs, int argc, char **argv);
/* The next option id (its argument in *value), PG_OPT_POSITIONAL (*value is
 * the word; "-" alone is positional), PG_OPT_ERROR (p->error says why), or
 * PG_OPT_END. Accepts --name VALUE and --name=VALUE. */
int pg_opt_next(pg_opt_parser *p, const char **value);
void pg_opt_help(FILE *out, const pg_opt_spec *specs);

#endif
