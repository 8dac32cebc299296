/*
 * json_internal.h — what the reader (reader.c), the UTF-16 front end
 * (utf16.c) and the decoder (decode.c) share: the byte class tables, the
 * word-at-a-time string scan and the error messages, so that the same
 * mistake reads the same wherever it is found. UTF-8 itself is util/utf8's.
 * Not installed; see docs/internals/json-reader.md for the design.
 */
#ifndef PG_JSON_INTERNAL_H
#define PG_JSON_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "plangate/error.h"
#include "plangate/json.h"

/* MARK: byte classes ------------------------------------------------------ */

/* What a byte can start outside a string (pg_json__class). One table lookup
 * replaces a chain of comparisons in the value dispatch. */
enum {
    PG_JC_OTHER = 0, /* anything that cannot appear between tokens */
    PG_JC_WS,        /* space, \t, \n, \r — and nothing else (RFC 8259 §2) */
    PG_JC_QUOTE,
    PG_JC_LBRACE,
    PG_JC_RBRACE,
    PG_JC_LBRACKET,
    PG_JC_RBRACKET,
    PG_JC_COMMA,
    PG_JC_COLON,
    PG_JC_MINUS,
    PG_JC_DIGIT,
    PG_JC_T,
    PG_JC_F,
    PG_JC_N
};
extern const uint8_t pg_json__class[256];

/* Escapes: the decoded byte of \X for the one-letter escapes, PG_JSON_ESC_U
 * for 'u', 0 for anything that is not an escape. */
#define PG_JSON_ESC_U 1u
extern const uint8_t pg_json__escape[256];

/* Hex digit value, or 0xff. */
extern const uint8_t pg_json__hex[256];

/* Bytes that stop the string scan: '"', '\\', < 0x20, >= 0x80. */
extern const uint8_t pg_json__str_stop[256];

/* MARK: word-at-a-time string scan ---------------------------------------- */

#define PG_JSON_ONES 0x0101010101010101ull
#define PG_JSON_HIGHS 0x8080808080808080ull

/*
 * For 8 bytes loaded from memory, a mask whose lowest set 0x80 bit marks the
 * first byte that is '"', '\\', < 0x20 or >= 0x80 (the classic "has zero
 * byte" trick: borrows can only set bits *above* the first real hit, so the
 * first hit is exact). Zero when all 8 bytes are ordinary string bytes.
 */
static inline uint64_t pg_json__swar_stop(uint64_t w)
{
    uint64_t q = w ^ (PG_JSON_ONES * 0x22u); /* zero byte where '"' */
    uint64_t b = w ^ (PG_JSON_ONES * 0x5cu); /* zero byte where '\\' */
    return (((q - PG_JSON_ONES) & ~q) | ((b - PG_JSON_ONES) & ~b) | (w - PG_JSON_ONES * 0x20u) | w) &
           PG_JSON_HIGHS;
}

/* Index (0..7) in memory order of the byte flagged by a non-zero mask. */
static inline unsigned pg_json__swar_first(uint64_t m)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return (unsigned)__builtin_clzll(m) >> 3;
#else
    return (unsigned)__builtin_ctzll(m) >> 3;
#endif
}

static inline uint64_t pg_json__load8(const unsigned char *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof w);
    return w;
}

/* Skip ordinary string bytes: returns the first byte in [p, end) that is
 * '"', '\\', < 0x20 or >= 0x80, or end. */
static inline const unsigned char *pg_json__scan_string(const unsigned char *p,
                                                        const unsigned char *end)
{
    while (end - p >= 8) {
        uint64_t m = pg_json__swar_stop(pg_json__load8(p));
        if (m)
            return p + pg_json__swar_first(m);
        p += 8;
    }
    while (p < end && !pg_json__str_stop[*p])
        p++;
    return p;
}

/* MARK: UTF-16 front end (utf16.c) ---------------------------------------- */

/* Partial state of a UTF-16 stream between chunks. */
typedef struct pg_json__u16 {
    int big_endian;
    int have_byte;     /* one byte of a code unit arrived at the end of a chunk */
    uint8_t byte;      /* ... that byte */
    uint32_t high;     /* a high surrogate waiting for its low half, or 0 */
} pg_json__u16;

/* Why transcoding stopped early (pg_json__u16_transcode). */
enum { PG_U16_OK = 0, PG_U16_LONE_LOW, PG_U16_LONE_HIGH };

/* Output bytes needed for `n` input bytes (plus a pending pair). */
#define PG_JSON_U16_OUT(n) ((n) / 2u * 3u + 8u)

/*
 * Transcode in[0..n) to UTF-8 into out (PG_JSON_U16_OUT(n) bytes), keeping a
 * split code unit or surrogate pair in `s`. Returns the bytes written; on an
 * unpaired surrogate stops there, with *bad set to PG_U16_LONE_* and *unit to
 * the offending code unit (the output before it is complete and valid).
 */
size_t pg_json__u16_transcode(pg_json__u16 *s, const unsigned char *in, size_t n,
                              unsigned char *out, int *bad, uint32_t *unit);

/* MARK: messages (message.c) ---------------------------------------------- */

/* "'x' (0x78)" for printable ASCII, "byte 0x0a" otherwise, into buf[16]. */
const char *pg_json__quote_byte(char buf[16], unsigned char c);

/* Replace *err with `code`, a message and the offset `off`; returns code. */
int pg_json__fail(pg_error *err, int code, uint64_t off, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/*
 * "unexpected 'x' (0x78): expected ..." — PG_ESYNTAX at `off`.
 */
int pg_json__err_unexpected(pg_error *err, uint64_t off, unsigned char c, const char *expected);

/*
 * "invalid UTF-8: byte 0xc0 <why>" — PG_ESYNTAX at `off`. `lead`
 * is the sequence's lead byte and `pos` the index of the bad byte in the
 * sequence (0: the lead itself), which together say why.
 */
int pg_json__err_utf8(pg_error *err, uint64_t off, unsigned char lead, unsigned pos, unsigned char c);

/* Named-limit errors (PG_ELIMIT at `off`). */
int pg_json__err_depth(pg_error *err, uint64_t off, unsigned max_depth);
int pg_json__err_string_limit(pg_error *err, uint64_t off, uint64_t str_start, size_t max_string);

#define PG_JSON_IS_HIGH(u) ((u) >= 0xD800u && (u) <= 0xDBFFu)
#define PG_JSON_IS_LOW(u) ((u) >= 0xDC00u && (u) <= 0xDFFFu)
/* The code point of a surrogate pair. */
#define PG_JSON_PAIR(hi, lo) (0x10000u + (((hi)-0xD800u) << 10) + ((lo)-0xDC00u))

/* MARK: the reader as a validator (decode.c) ------------------------------- */

/*
 * Make a new reader (before its first feed) count offsets from `origin`
 * instead of 0, and, with `utf8_only`, take UTF-8 only (a UTF-8 BOM is still
 * skipped; a UTF-16 BOM is a bad first byte): pg_json_decode validates a
 * buffer taken from the middle of a document with it, so its messages and
 * offsets are the reader's.
 */
void pg_json__reader_origin(pg_json_reader *r, uint64_t origin, int utf8_only);

#endif
