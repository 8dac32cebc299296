/* commands.h — the subcommands main.c dispatches to (one file each). */
#ifndef PG_CLI_COMMANDS_H
#define PG_CLI_COMMANDS_H

/* Each returns the process exit code (0–4, src/cli/exit.h). argv[0] is the subcommand name. */
int pg_cmd_check(int argc, char **argv);
int pg_cmd_lint(int argc, char **argv);
int pg_cmd_test(int argc, char **argv);
int pg_cmd_explain(int argc, char **argv);
int pg_cmd_version(int argc, char **argv);

#endif
