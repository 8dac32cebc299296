/* width.c — the columns the text report wraps at (issue 15). */
#include "cli/width.h"

#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

/*
 * COLUMNS when it holds a number (the user's word, honoured even when the
 * output is piped, so `COLUMNS=120 plangate check … | less` works and a
 * test needs no terminal); else the terminal's width on a TTY (TIOCGWINSZ);
 * else 0, which the text writer reads as 80. The writer clamps to 40..200.
 */
int pg_cli_text_width(FILE *out)
{
    const char *columns = getenv("COLUMNS");
    struct winsize ws;

    if (columns && *columns) {
        char *end;
        long v = strtol(columns, &end, 10);
        if (*end == '\0' && v > 0 && v < 100000)
            return (int)v;
    }
    if (out && isatty(fileno(out)) && ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return (int)ws.ws_col;
    return 0;
}
