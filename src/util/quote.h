/*
 * quote.h — how any message quotes untrusted text (a plan address, a policy
 * key, a file name): one function, used by every module's error messages
 * and by the report writers, so that stderr and every format show hostile
 * input the same way.
 *
 * The result is a JSON string literal ("..."), so it reads unambiguously
 * and can be pasted into jq. Escaped: " and \, every C0 control and DEL,
 * and every other character util/esc.h calls hidden (C1 controls, the
 * invisible, joining and bidirectional characters such as U+061C,
 * U+200B-U+200F, U+202A-U+202E, U+2060-U+206F, U+FEFF, the Unicode spaces
 * other than U+0020, U+FFFD), and the '#' that starts "##[" (the legacy
 * GitHub Actions workflow-command marker, which the runner executes
 * anywhere in a line). Invalid UTF-8 shows as \uFFFD. Nothing in the result
 * can move a terminal's cursor, recolour it, reorder what the reader sees,
 * or run a CI command. The escaping itself is util/esc.c's one loop.
 */
#ifndef PG_UTIL_QUOTE_H
#define PG_UTIL_QUOTE_H

#include <stddef.h>

#include "plangate/error.h"
#include "util/buf.h"
#include "util/esc.h"

/** The longest input a message quotes, in bytes: longer input is cut (on a
 * character boundary) and ends in "…". */
#define PG_QUOTE_DEFAULT_MAX 120u

/**
 * Append s[0..len) quoted to `out`, cut after `max` input bytes with "…"
 * inside the quotes (0 = no cap). 0, PG_ENOMEM or PG_ELIMIT (the buffer's cap).
 */
int pg_quote(pg_buf *out, const char *s, size_t len, size_t max, pg_error *err);

/**
 * The same into a fixed buffer (always NUL-terminated, always a complete
 * literal with both quotes when size >= 6): cut to fit, with "…" before the
 * closing quote. Returns dst. For building pg_error messages, which are
 * fixed-size.
 */
char *pg_quote_fixed(char *dst, size_t size, const char *s, size_t len);

/** pg_quote_fixed of a NUL-terminated string (NULL quotes as "(null)"). */
char *pg_quote_str(char *dst, size_t size, const char *s);

/**
 * The same escapes without the quotes, and with " and \ kept as they are:
 * for a line that is already plangate's own text but may hold input (an
 * error line on stderr, a title from a policy file in `explain`). It is
 * idempotent on text that pg_quote produced, so it is the last line of
 * defence before a terminal or a CI log: everything printed to stderr goes
 * through it. 0, PG_ENOMEM or PG_ELIMIT.
 */
int pg_escape_text(pg_buf *out, const char *s, size_t len, pg_error *err);

/**
 * pg_escape_text for one whole output line (a line of `plangate explain`,
 * an error line of `lint`): the GitHub runner also executes "::command::"
 * at the start of a line after blanks, so a line whose text starts that way
 * gets its first ':' written as \u003A. Idempotent. 0, PG_ENOMEM or PG_ELIMIT.
 */
int pg_escape_line(pg_buf *out, const char *s, size_t len, pg_error *err);

/** Can `k` be written after a dot in a path shown to a reader ("tags.Name"):
 * 1 when it is non-empty [A-Za-z0-9_-] and shorter than PG_QUOTE_DEFAULT_MAX
 * (a longer one is quoted, which cuts it), else 0 (write it ["quoted"]). */
int pg_quote_plain_key(const char *k);

/** The two tables of the escaping loop (util/esc.h) behind the functions
 * above: the inside of a JSON string literal, and the bare form. The report
 * writes its JSON strings with pg_quote_table, so a report and a message
 * spell the same text the same way. */
extern const pg_esc_table pg_quote_table;
extern const pg_esc_table pg_quote_bare_table;

#endif
