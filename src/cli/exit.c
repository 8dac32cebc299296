/* exit.c — library status becomes an exit code here and nowhere else. */
#include "cli/exit.h"

#include "plangate/error.h"

int pg_exit_for_error(int code)
{
    switch (code) {
    case PG_OK: return PG_EXIT_PASS;
    case PG_EUSAGE: return PG_EXIT_USAGE;
    case PG_EPOLICY: return PG_EXIT_POLICY;
    /* Fail closed: anything else that stops an evaluation (bad input, a limit,
     * an I/O error, no memory, a bug) means the plan was not evaluated. */
    default: return PG_EXIT_PLAN;
    }
}
