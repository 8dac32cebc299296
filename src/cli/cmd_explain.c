/* cmd_explain.c — TEMPORARY placeholder; replaced by its module's owner. */
#include <stdio.h>

#include "cli/commands.h"
#include "cli/exit.h"

int pg_cmd_explain(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "plangate explain: not implemented yet\n");
    return PG_EXIT_USAGE;
}
