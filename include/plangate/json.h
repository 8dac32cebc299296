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
 * validated), and pg_json_decode() turns them into a jansson value. Memory is
 * the largest captured value plus a constant: skipped sections are never
 * held. The reader accepts every RFC 8259 document, including duplicate keys
 * (those are a question for the caller).
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
#define PG_JSON_DEFAULT_MAX_CAPTURE ((size_t)256 << 20)       /**< bytes of one captured value */

typedef struct pg_json_limits {
    unsigned max_depth;  /**< 0 means PG_JSON_DEFAULT_MAX_DEPTH */
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
} pg_json_handler;

typedef struct pg_json_reader pg_json_reader;

/**
 * Create a reader. `handler` and `limits` are copied; either may be NULL
 * (no callbacks / default limits). Returns NULL when out of memory.
 * Free with pg_json_reader_free().
 */
pg_json_reader *pg_json_reader_new(const pg_json_handler *handler, const pg_json_limits *limits);

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

/** Options of pg_json_decode(). */
typedef struct pg_json_decode_options {
    pg_json_limits limits;     /**< zeros mean defaults */
    int reject_duplicate_keys; /**< non-zero: a repeated key in an object is PG_ESYNTAX */
    uint64_t base_offset;      /**< added to offsets in error messages */
} pg_json_decode_options;

/**
 * Decode one complete JSON text into a new jansson value (*out, owned by the
 * caller: json_decref it). Validates fully (RFC 8259); `opts` may be NULL.
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
 * a few members without scanning the element again (issue 6). Returns 0, or
 * -1 when there is no index (not an object element, or more than
 * PG_JSON_MAX_INDEXED_KEYS keys). Borrowed; valid during the callback.
 */
int pg_json_reader_capture_keys(const pg_json_reader *r, const pg_json_key_pos **keys, size_t *count);

/**
 * One member of an object, found in raw bytes without decoding (see
 * pg_json_object_next). `key` points inside the raw bytes, between the
 * quotes, escapes NOT decoded (`key_has_escape` says when there are some).
 */
typedef struct pg_json_member {
    const char *key;
    size_t key_len;
    int key_has_escape;
    const char *value;   /**< first byte of the value */
    size_t value_len;    /**< bytes of the value */
} pg_json_member;

/**
 * Walk the members of the object that starts at raw[*pos] (after optional
 * whitespace), in *already validated* JSON (a captured value): a fast,
 * non-validating skip that lets a caller look at a few keys of a large
 * element without decoding it. Start with *pos = 0. Returns 1 and fills
 * `out` for the next member, 0 at the end of the object, -1 when the value
 * at *pos is not an object or the bytes end early.
 */
int pg_json_object_next(const char *raw, size_t len, size_t *pos, pg_json_member *out);

#ifdef __cplusplus
}
#endif

#endif
