/* opt.c — table-driven option parsing (cli/opt.h). */
#include "cli/opt.h"

#include <stdio.h>
#include <string.h>

#include "cli/diag.h"

void pg_opt_init(pg_opt_parser *p, const pg_opt_spec *specs, int argc, char **argv)
{
    memset(p, 0, sizeof *p);
    p->specs = specs;
    p->argc = argc;
    p->argv = argv;
    p->i = 1;
}

int pg_opt_next(pg_opt_parser *p, const char **value)
{
    const char *word, *eq;
    size_t len;
    const pg_opt_spec *s;

    *value = NULL;
    if (p->i >= p->argc)
        return PG_OPT_END;
    word = p->argv[p->i++];
    if (p->only_positional || word[0] != '-' || strcmp(word, "-") == 0) {
        *value = word;
        return PG_OPT_POSITIONAL;
    }
    if (strcmp(word, "--") == 0) {
        p->only_positional = 1;
        return pg_opt_next(p, value);
    }
    if (strcmp(word, "-h") == 0)
        word = "--help";
    if (word[1] != '-') {
        char q[PG_CLI_QUOTE_SIZE];
        snprintf(p->error, sizeof p->error, "unknown option %s (options are long: --name)", pg_cli_quote(q, word));
        return PG_OPT_ERROR;
    }
    word += 2;
    eq = strchr(word, '=');
    len = eq ? (size_t)(eq - word) : strlen(word);
    for (s = p->specs; s->name; s++) {
        if (strlen(s->name) != len || strncmp(s->name, word, len) != 0)
            continue;
        if (!s->arg) {
            if (eq) {
                snprintf(p->error, sizeof p->error, "--%s takes no value", s->name);
                return PG_OPT_ERROR;
            }
            return s->id;
        }
        if (eq) {
            *value = eq + 1;
        } else if (p->i < p->argc) {
            *value = p->argv[p->i++];
        } else {
            snprintf(p->error, sizeof p->error, "--%s needs an argument (%s)", s->name, s->arg);
            return PG_OPT_ERROR;
        }
        return s->id;
    }
    {
        char name[PG_CLI_QUOTE_SIZE], q[PG_CLI_QUOTE_SIZE];
        snprintf(name, sizeof name, "--%.*s", (int)(len < sizeof name - 3 ? len : sizeof name - 3), word);
        snprintf(p->error, sizeof p->error, "unknown option %s (see --help)", pg_cli_quote(q, name));
    }
    return PG_OPT_ERROR;
}

void pg_opt_help(FILE *out, const pg_opt_spec *specs)
{
    const pg_opt_spec *s;
    char left[64];

    for (s = specs; s->name; s++) {
        snprintf(left, sizeof left, "--%s%s%s", s->name, s->arg ? " " : "", s->arg ? s->arg : "");
        fprintf(out, "  %-28s %s\n", left, s->help);
    }
}
