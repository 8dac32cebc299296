/* cmd_test.c — TEMPORARY placeholder; replaced by its module's owner. */
#include <stdio.h>

#include "cli/commands.h"
#include "cli/exit.h"

int pg_cmd_test(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "plangate test: not implemented yet\n");
    return PG_EXIT_USAGE;
}
