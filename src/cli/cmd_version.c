/* cmd_version.c — plangate version (also `plangate --version` and `plangate -V`). */
#include <stdio.h>

#include "cli/commands.h"
#include "cli/diag.h"
#include "cli/exit.h"
#include "cli/opt.h"
#include "plangate/plangate.h"

enum { OPT_HELP = 1 };

static const pg_opt_spec version_opts[] = {
    {"help", OPT_HELP, NULL, "show this help"},
    {NULL, 0, NULL, NULL},
};

static void version_usage(FILE *out)
{
    fprintf(out, "usage: plangate version\n"
                 "       plangate --version | -V\n\n"
                 "Print plangate's version (\"plangate X.Y.Z\") and exit 0.\n\n"
                 "options:\n");
    pg_opt_help(out, version_opts);
}

int pg_cmd_version(int argc, char **argv)
{
    pg_opt_parser p;
    const char *val;
    char q[PG_CLI_QUOTE_SIZE];
    int id;

    pg_opt_init(&p, version_opts, argc, argv);
    while ((id = pg_opt_next(&p, &val)) != PG_OPT_END) {
        if (id == OPT_HELP) {
            version_usage(stdout);
            return PG_EXIT_PASS;
        }
        if (id == PG_OPT_ERROR)
            pg_cli_errorf("plangate version: %s", p.error);
        else
            pg_cli_errorf("plangate version: takes no argument (got %s)", pg_cli_quote(q, val));
        pg_cli_error_usage(version_usage);
        return PG_EXIT_USAGE;
    }
    printf("plangate %s\n", PG_VERSION);
    return PG_EXIT_PASS;
}
