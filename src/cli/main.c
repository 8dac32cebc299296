/* main.c — wiring only: pick the subcommand from a table and run it. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/diag.h"
#include "cli/exit.h"
#include "util/suggest.h"

typedef struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
} command;

static const command commands[] = {
    {"check", pg_cmd_check, "evaluate a plan: plangate check [OPTIONS] [PLAN.json | -]"},
    {"lint", pg_cmd_lint, "validate policy files: plangate lint [POLICY_PATH...]"},
    {"test", pg_cmd_test, "run the examples that policy files carry: plangate test [POLICY_PATH...]"},
    {"explain", pg_cmd_explain, "what a rule checks and why, how to fix or waive it: plangate explain RULE_ID"},
    {"version", pg_cmd_version, "print the version (also plangate --version, plangate -V)"},
};

static void usage(FILE *out)
{
    size_t i;

    fprintf(out, "usage: plangate COMMAND [ARGS]\n\n"
                 "A safety gate for Terraform and OpenTofu plans (terraform show -json).\n\n"
                 "commands:\n");
    for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].help);
    fprintf(out, "\nexit codes: 0 pass, 1 fail, 2 usage error, 3 plan not evaluable, 4 invalid policy\n"
                 "`plangate COMMAND --help` for the options of a command.\n");
}

int main(int argc, char **argv)
{
    size_t i;
    FILE *block;
    char q[PG_CLI_QUOTE_SIZE];

    if (argc < 2) {
        usage(block = pg_cli_error_block_open());
        pg_cli_error_block_close(block);
        return PG_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return PG_EXIT_PASS;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)
        return pg_cmd_version(argc - 1, argv + 1);
    for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    {
        pg_suggest sg;
        pg_suggest_init(&sg, argv[1]);
        for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
            pg_suggest_add(&sg, commands[i].name);
        if (pg_suggest_best(&sg))
            pg_cli_errorf("plangate: unknown command %s; did you mean `%s`?", pg_cli_quote(q, argv[1]),
                          pg_suggest_best(&sg));
        else
            pg_cli_errorf("plangate: unknown command %s", pg_cli_quote(q, argv[1]));
    }
    pg_cli_error_usage(usage);
    return PG_EXIT_USAGE;
}
