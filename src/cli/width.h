/* width.h — the columns the text report wraps at (width.c). */
#ifndef PG_CLI_WIDTH_H
#define PG_CLI_WIDTH_H

#include <stdio.h>

/** COLUMNS when set to a number, else the terminal's width when `out` is
 * a terminal, else 0 (the text writer's 80). */
int pg_cli_text_width(FILE *out);

#endif
