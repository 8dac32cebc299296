/* cmd_version.c — plangate version. */
#include <stdio.h>

#include "cli/commands.h"
#include "cli/exit.h"
#include "plangate/plangate.h"

int pg_cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("plangate %s\n", PG_VERSION);
    return PG_EXIT_PASS;
}
