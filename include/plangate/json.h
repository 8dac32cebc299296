/**
 * plangate/json.h — the streaming JSON reader (knows JSON, nothing of plans).
 *
 * A push reader: feed it the document in chunks of any size (1 byte to many
 * MiB) and it validates the *whole* document against RFC 8259 — structure,
 * strings, escapes, surrogate pairs, UTF-8, numbers, literals, nesting —
 * including every part that is skipped. Of the top-level object it hands the
 * caller only what the caller asks for, key by key:
 *
 *   PG_JSON_SKIP      validate the value and forget it (never buffered);
 *   PG_JSON_VALUE     hand over the raw bytes of the whole value;
 *   PG_JSON_ELEMENTS  the value should be an array: hand over the raw bytes
 *                     of each element, one at a time. A non-array value is
 *                     handed over whole, with index -1.
 *
 * Raw bytes are handed over as they appeared in the input (already
 * validated), and pg_json_decode() with `validated` set turns them into a
 * jansson value without validating them again. Memory is the largest
 * captured value plus a constant: skipped sections are never held. The
 * reader accepts every RFC 8259 document, including duplicate keys (those
 * are a question for the caller), nested at most max_depth levels, and
 * never more than PG_JSON_MAX_DEPTH_CEILING whatever the limits say.
 *
 * Encoding: a UTF-8 byte-order mark is skipped; a UTF-16LE or UTF-16BE BOM
 * switches the reader to transcoding (offsets then count UTF-8 bytes of the
 * transcoded text; pg_json_reader_encoding() tells which). Anything else must
 * be UTF-8.
 */
#ifndef PLANGATE_JSON_H
#define PLANGATE_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "plangate/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Named limits, readable by tests. Each has its own error message. */
#define PG_JSON_DEFAULT_MAX_DEPTH 512u                        /**< nesting of [ and { */
#define PG_JSON_DEFAULT_MAX_STRING ((size_t)64 << 20)         /**< bytes of one string */
#define PG_JSON_DEFAULT_MAX_CAPTURE ((size_t)64 << 20)        /**< bytes of one captured value */

/**
 * The deepest nesting any reader or decoder accepts, whatever the limits say
 * (issue 11): every recursive walker downstream (jansson's dump, copy and
 * equal, the report writers, the policy operators) is sized for it, and the
 * plan module's worker thread gets a stack for it. A max_depth above it is
 * PG_EUSAGE from pg_json_reader_new() and pg_json_decode().
 */
#define PG_JSON_MAX_DEPTH_CEILING 4096u

/**
 * Memory a decode may take for the values it builds (jansson's objects,
 * strings, tables, with the allocator's overhead): at most
 * PG_JSON_DECODE_FACTOR bytes per input byte plus PG_JSON_DECODE_SLACK.
 * With the captured bytes themselves and the rest of the process, one
 * resource change never needs more than 8 × its size + 64 MiB (issue 11).
 * A value that would need more is refused (PG_ELIMIT, "limit
 * max_decode_memory") before it is built.
 */
#define PG_JSON_DECODE_FACTOR 6u
#define PG_JSON_DECODE_SLACK ((size_t)48 << 20)

typedef struct pg_json_limits {
    unsigned max_depth;  /**< 0 means PG_JSON_DEFAULT_MAX_DEPTH; at most PG_JSON_MAX_DEPTH_CEILING */
    size_t max_string;   /**< 0 means PG_JSON_DEFAULT_MAX_STRING */
    size_t max_capture;  /**< 0 means PG_JSON_DEFAULT_MAX_CAPTURE */
} pg_json_limits;

typedef enum pg_json_capture {
    PG_JSON_SKIP = 0,
    PG_JSON_VALUE,
    PG_JSON_ELEMENTS
} pg_json_capture;

typedef enum pg_json_type {
    PG_JSON_NONE = 0, /**< nothing read yet */
    PG_JSON_OBJECT,
    PG_JSON_ARRAY,
    PG_JSON_STRING,
    PG_JSON_NUMBER,
    PG_JSON_TRUE,
    PG_JSON_FALSE,
    PG_JSON_NULL
} pg_json_type;

typedef enum pg_json_encoding {
    PG_JSON_UTF8 = 0,
    PG_JSON_UTF8_BOM,
    PG_JSON_UTF16LE_BOM,
    PG_JSON_UTF16BE_BOM
} pg_json_encoding;

/** What the reader reports to its caller. Every callback is optional. */
typedef struct pg_json_handler {
    /**
     * A key of the top-level object (decoded UTF-8, `key_len` bytes, may
     * contain NUL; also NUL-terminated). Returns how to read its value.
     * Called once per occurrence: duplicate keys are reported each time.
     */
    pg_json_capture (*top_key)(void *ctx, const char *key, size_t key_len);
    /**
     * A captured value: the whole value (index == -1) or element `index` of
     * an array read with PG_JSON_ELEMENTS. `raw` (borrowed, valid until the
     * callback returns) holds exactly the value's bytes, valid JSON.
     * `offset` is the byte offset of its first byte. Return 0 to go on, or a
     * negative PG_E* code (with `err` filled in) to stop the reader.
     */
    int (*value)(void *ctx, const char *key, size_t key_len, long index,
                 const char *raw, size_t raw_len, uint64_t offset, pg_error *err);
    /**
     * End of an array read with PG_JSON_ELEMENTS (`count` elements).
     * Return 0 or a negative code, as above.
     */
    int (*elements_end)(void *ctx, const char *key, size_t key_len, long count, pg_error *err);
    void *ctx;
    /**
     * The value of a top-level member starts (after its top_key call,
     * whatever mode that returned): its type and the offset of its first
     * byte, so that a caller can check the type of a value it skips. Return
     * 0, or a negative code (with `err` filled in) to stop the reader.
     */
    int (*member_type)(void *ctx, const char *key, size_t key_len, pg_json_type type, uint64_t offset,
                       pg_error *err);
} pg_json_handler;

typedef struct pg_json_reader pg_json_reader;

/**
 * Create a reader into *out (NULL on failure). `handler` and `limits` are
 * copied; either may be NULL (no callbacks / default limits). PG_ENOMEM, or
 * PG_EUSAGE when limits->max_depth is above PG_JSON_MAX_DEPTH_CEILING.
 * Free with pg_json_reader_free().
 */
int pg_json_reader_new(pg_json_reader **out, const pg_json_handler *handler, const pg_json_limits *limits,
                       pg_error *err);

/** Free the reader and everything it holds. Accepts NULL. */
void pg_json_reader_free(pg_json_reader *r);

/**
 * Feed the next `len` bytes. Returns 0, or a negative code on the first
 * error (the reader is then stuck: every later call returns the same error).
 * Errors carry the byte offset of the offending byte.
 */
int pg_json_feed(pg_json_reader *r, const char *buf, size_t len, pg_error *err);

/** Signal end of input. Fails (PG_ESYNTAX) on empty or truncated input. */
int pg_json_finish(pg_json_reader *r, pg_error *err);

/** Type of the top-level value (PG_JSON_NONE until its first byte). */
pg_json_type pg_json_reader_top_type(const pg_json_reader *r);

/** Detected encoding (valid after the first bytes were fed). */
pg_json_encoding pg_json_reader_encoding(const pg_json_reader *r);

/** Bytes consumed so far (after transcoding, BOM included). */
uint64_t pg_json_reader_offset(const pg_json_reader *r);

/**
 * Inside a `value` callback: take the buffer that holds `raw` (the caller
 * pg_free()s it), so a large element can be handed on without a copy. Only
 * a value that spanned chunks lives in such a buffer: 0 and *buf == raw,
 * or -1 when `raw` points into the caller's chunk (copy it then). The
 * reader starts a new buffer for the next value.
 */
int pg_json_reader_take_capture(pg_json_reader *r, char **buf);

/** Options of pg_json_decode(). */
typedef struct pg_json_decode_options {
    pg_json_limits limits;     /**< zeros mean defaults */
    int reject_duplicate_keys; /**< non-zero: a repeated key in an object is PG_ESYNTAX */
    uint64_t base_offset;      /**< added to offsets in error messages */
    /**
     * Non-zero: `raw` is a value a pg_json_reader handed to its `value`
     * callback, already validated: it is built without validating it again
     * (bytes that are not valid JSON then give PG_EINTERNAL, never a read
     * outside them).
     */
    int validated;
    /** Most bytes the values built may take; 0 means
     * PG_JSON_DECODE_FACTOR × len + PG_JSON_DECODE_SLACK. */
    size_t max_memory;
} pg_json_decode_options;

/**
 * Decode one complete JSON text into a new jansson value (*out, owned by the
 * caller: json_decref it). Validates fully (RFC 8259) with the streaming
 * reader's rules and messages, unless opts->validated; `opts` may be NULL.
 * Before a value is built its memory is estimated: past opts->max_memory it
 * is PG_ELIMIT. A max_depth above PG_JSON_MAX_DEPTH_CEILING is PG_EUSAGE.
 *
 * Numbers: an integer that fits int64 becomes a json integer; a number with a
 * fraction or exponent whose double is finite becomes a json real; any other
 * number (an integer beyond int64, 1e400) is kept as its literal text in a
 * json string, never rejected (SPEC §2). Strings are decoded to UTF-8
 * (escapes, surrogate pairs; \u0000 kept). Duplicate keys: last one wins,
 * unless opts->reject_duplicate_keys.
 */
int pg_json_decode(json_t **out, const char *raw, size_t len,
                   const pg_json_decode_options *opts, pg_error *err);

/** Keys indexed per captured element (more: no index for that element). */
#define PG_JSON_MAX_INDEXED_KEYS 256u

/** Where a key of a captured element starts (its opening quote). */
typedef struct pg_json_key_pos {
    uint32_t offset; /**< from the first byte of the captured value */
    uint8_t level;   /**< 0: a member of the element; 1: a member of one of its object members */
} pg_json_key_pos;

/**
 * Inside a `value` callback for an element (index >= 0) that is an object:
 * the keys the reader met at its first two levels, in document order — the
 * element's own members (level 0) and, right after each, the members of
 * that member's value when it is an object (level 1). Lets the caller find
 * a few members without scanning the element again (issue 6, 12). Returns 0, or
 * -1 when there is no index (not an object element, or more than
 * PG_JSON_MAX_INDEXED_KEYS keys). Borrowed; valid during the callback.
 */
int pg_json_reader_capture_keys(const pg_json_reader *r, const pg_json_key_pos **keys, size_t *count);

#ifdef __cplusplus
}
#endif

#endif
