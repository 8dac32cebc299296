/* diag.c — the one function that writes a line to standard error (diag.h). */
#include "cli/diag.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plangate/alloc.h"
#include "util/buf.h"
#include "util/quote.h"
#include "util/utf8.h"

/* A message longer than this is cut (a message quotes its input capped, so
 * only a bug reaches it). */
#define DIAG_MAX_MESSAGE 8192u

/* What .NET's String.TrimStart() skips (char.IsWhiteSpace) that
 * pg_escape_text leaves as it is: the runner trims these before it looks
 * for "::" (actions/runner ActionCommand.TryParseV2). */
static int runner_space(uint32_t cp)
{
    return cp == ' ' || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000;
}

/* The one place a line reaches stderr. */
static void emit_line(const char *s, size_t len)
{
    pg_buf b;
    pg_error err;
    size_t i = 0, k;
    uint32_t cp;

    pg_buf_init(&b, 0);
    pg_error_clear(&err);
    if (pg_escape_text(&b, s, len, &err) < 0 || pg_buf_addc(&b, '\n', &err) < 0) {
        pg_buf_dispose(&b);
        /* The message is lost; say why, in words that hold no input. */
        fprintf(stderr, "plangate: a message could not be shown: %s\n", err.message);
        return;
    }
    /* "::" after leading spaces is a workflow command: escape its first ':'. */
    while (i < b.len) {
        k = pg_utf8_decode(b.ptr + i, b.len - i, &cp, NULL);
        if (!runner_space(cp))
            break;
        i += k;
    }
    if (b.len - i >= 2 && b.ptr[i] == ':' && b.ptr[i + 1] == ':') {
        fwrite(b.ptr, 1, i, stderr);
        fputs("\\u003A", stderr);
        fwrite(b.ptr + i + 1, 1, b.len - i - 1, stderr);
    } else {
        fwrite(b.ptr, 1, b.len, stderr);
    }
    fflush(stderr);
    pg_buf_dispose(&b);
}

/* What vsnprintf wrote into a buffer of `size`: cut at the buffer (only a
 * bug writes a message that long), nothing on an encoding error. */
static size_t printed(int n, size_t size)
{
    return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

void pg_cli_errorf(const char *fmt, ...)
{
    char msg[DIAG_MAX_MESSAGE];
    va_list ap;
    size_t len;

    va_start(ap, fmt);
    len = printed(vsnprintf(msg, sizeof msg, fmt, ap), sizeof msg);
    va_end(ap);
    emit_line(msg, len);
}

void pg_cli_error_oom(const char *who)
{
    pg_error err;

    pg_error_oom(&err);
    pg_cli_errorf("%s: %s", who, err.message);
}

void pg_cli_error_text(const char *text, size_t len)
{
    const char *end = text + len, *eol;

    while (text < end) {
        eol = memchr(text, '\n', (size_t)(end - text));
        if (!eol)
            eol = end;
        emit_line(text, (size_t)(eol - text));
        text = eol < end ? eol + 1 : end;
    }
}

/* The open block's memory (open_memstream writes the pointer at fclose). */
static char *block_text;
static size_t block_len;

FILE *pg_cli_error_block_open(void)
{
    FILE *f;

    block_text = NULL;
    block_len = 0;
    if ((f = open_memstream(&block_text, &block_len)) != NULL)
        return f;
    /* No memory for the block: it is lost, and close says so. */
    return fopen("/dev/null", "w");
}

void pg_cli_error_block_close(FILE *block)
{
    if (!block)
        return;
    fclose(block);
    if (!block_text) {
        pg_error err;
        pg_error_oom(&err);
        fprintf(stderr, "plangate: a message could not be shown: %s\n", err.message);
        return;
    }
    pg_cli_error_text(block_text, block_len);
    free(block_text); /* open_memstream's memory comes from malloc */
    block_text = NULL;
}

void pg_cli_error_usage(void (*usage)(FILE *out))
{
    FILE *block = pg_cli_error_block_open();

    fputc('\n', block);
    usage(block);
    pg_cli_error_block_close(block);
}

const char *pg_cli_quote(char dst[PG_CLI_QUOTE_SIZE], const char *s)
{
    pg_buf b;

    if (!s)
        s = "(null)";
    pg_buf_init(&b, PG_CLI_QUOTE_SIZE - 1);
    if (pg_quote(&b, s, strlen(s), PG_QUOTE_DEFAULT_MAX, NULL) == 0)
        memcpy(dst, pg_buf_cstr(&b), b.len + 1);
    else /* out of memory: the fixed form needs none */
        pg_quote_fixed(dst, PG_CLI_QUOTE_SIZE, s, strlen(s));
    pg_buf_dispose(&b);
    return dst;
}
