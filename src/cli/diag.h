/*
 * diag.h — every line plangate writes to standard error goes through here.
 *
 * An error line quotes input that someone else wrote: a plan address, a file
 * name from a pull request's checkout, a policy key. Whatever the message was
 * built from, the line that reaches the terminal or the CI log passes through
 * pg_escape_text (util/quote.h) first: no raw control character (newline,
 * ESC, OSC), no bidirectional or invisible format character, no "##[" marker
 * and no "::" at the start of a line (after the spaces a GitHub runner trims)
 * gets out, so nothing can forge a line, recolour the terminal or run a
 * workflow command. pg_escape_text is idempotent on pg_quote's output, so a
 * message that already quoted its argument comes out as it was built.
 *
 * Messages that quote an argument (an unknown option, a bad value, a file
 * name) quote it with pg_cli_quote (a JSON string literal, cut at
 * PG_QUOTE_DEFAULT_MAX bytes).
 */
#ifndef PG_CLI_DIAG_H
#define PG_CLI_DIAG_H

#include <stdio.h>

/** Room for one quoted argument: PG_QUOTE_DEFAULT_MAX bytes, each escaped to at most 6. */
#define PG_CLI_QUOTE_SIZE 800

/**
 * One message: formatted, escaped, written to stderr as one line (a newline
 * inside the message is escaped as "\n", never a line break; the "\n" that
 * ends the line is added here).
 */
void pg_cli_errorf(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/** "WHO: out of memory" (the words from pg_error_oom, the one place they are written). */
void pg_cli_error_oom(const char *who);

/**
 * plangate's own multi-line text (a usage block, a list of rule ids): split
 * at its newlines, each line written as pg_cli_errorf writes one message.
 */
void pg_cli_error_text(const char *text, size_t len);

/**
 * A block written with stdio (a usage function that takes a FILE *): write to
 * the stream pg_cli_error_block_open returns, then pg_cli_error_block_close
 * prints it through pg_cli_error_text. The stream is never NULL.
 */
FILE *pg_cli_error_block_open(void);
void pg_cli_error_block_close(FILE *block);

/** A blank line, then a usage block (`usage` writes it), after an error line. */
void pg_cli_error_usage(void (*usage)(FILE *out));

/** `s` (NUL-terminated; NULL reads "(null)") as a JSON string literal in dst, cut to fit. Returns dst. */
const char *pg_cli_quote(char dst[PG_CLI_QUOTE_SIZE], const char *s);

#endif
