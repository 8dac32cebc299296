/**
 * plangate/error.h — the one error record every module reports through.
 *
 * Every fallible library function returns int: 0 (PG_OK) on success, a
 * negative PG_E* code on failure, and takes `pg_error *err` as its last
 * parameter (which may be NULL when the caller does not want details).
 * There is no global "last error". The record names the place: a byte
 * offset for JSON input, file:line:column for YAML policies.
 */
#ifndef PLANGATE_ERROR_H
#define PLANGATE_ERROR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Error codes. Each maps to one exit code in src/cli/exit.c. */
typedef enum pg_error_code {
    PG_OK = 0,
    PG_ENOMEM = -1,   /**< allocation failed */
    PG_EIO = -2,      /**< read or write failed */
    PG_ESYNTAX = -3,  /**< input is not valid JSON (RFC 8259) */
    PG_ELIMIT = -4,   /**< a named limit (depth, string, element size…) was exceeded */
    PG_EPLAN = -5,    /**< valid JSON, but not a plan we can evaluate */
    PG_EPOLICY = -6,  /**< a policy file is invalid */
    PG_EUSAGE = -7,   /**< bad command line */
    PG_EERRORED = -8, /**< the plan says "errored": true (still reported) */
    PG_EINTERNAL = -9 /**< a bug: an invariant did not hold */
} pg_error_code;

#define PG_ERROR_MESSAGE_MAX 512
#define PG_ERROR_SOURCE_MAX 256

typedef struct pg_error {
    int code;                            /**< a pg_error_code */
    char message[PG_ERROR_MESSAGE_MAX];  /**< one line, no trailing newline */
    char source[PG_ERROR_SOURCE_MAX];    /**< file name, "<stdin>", or "" */
    int has_offset;                      /**< offset is meaningful */
    uint64_t offset;                     /**< byte offset in the input (0-based) */
    int line;                            /**< 1-based; 0 when unknown */
    int column;                          /**< 1-based; 0 when unknown */
} pg_error;

/** Reset to "no error". Accepts NULL. */
void pg_error_clear(pg_error *err);

/**
 * Record an error (printf-style message) and return `code`, so callers can
 * write `return pg_error_set(err, PG_ESYNTAX, "...")`. Accepts err == NULL.
 * Does not touch source/offset/line/column: see the setters below.
 */
int pg_error_set(pg_error *err, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/**
 * Record PG_ENOMEM ("out of memory") and return it: the one place that
 * message is written. Accepts err == NULL.
 */
int pg_error_oom(pg_error *err);

/**
 * Copy an error found by an inner layer (the JSON reader, the worker thread)
 * into the caller's record. The caller's source name is kept when `src` names
 * none: the inner layers see bytes, not files. Accepts dst == NULL.
 */
void pg_error_copy(pg_error *dst, const pg_error *src);

/** Record the byte offset of the error. Accepts NULL. */
void pg_error_at_offset(pg_error *err, uint64_t offset);

/** Record line and column (1-based). Accepts NULL. */
void pg_error_at_line(pg_error *err, int line, int column);

/** Record the source name (truncated to fit). Accepts NULL. */
void pg_error_set_source(pg_error *err, const char *source);

/**
 * Format the error as one line for a human:
 *   "SOURCE:LINE:COL: MESSAGE"          when line is known,
 *   "SOURCE: byte OFFSET: MESSAGE"      when only the offset is known,
 *   "SOURCE: MESSAGE" / "MESSAGE"       otherwise.
 * Always NUL-terminates `buf` (when size > 0).
 */
void pg_error_format(const pg_error *err, char *buf, size_t size);

/** A short name of the code ("syntax", "limit", …) for reports. */
const char *pg_error_code_name(int code);

#ifdef __cplusplus
}
#endif

#endif
