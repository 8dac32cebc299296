/*
 * utf8.h — the one UTF-8 module (cmark's utf8.c is the model).
 *
 * Decoding follows RFC 3629: no overlong forms, no surrogates, nothing above
 * U+10FFFF. An invalid or truncated sequence decodes as U+FFFD and consumes
 * one byte, so a loop over hostile bytes always advances and never reads
 * past `n`.
 */
#ifndef PG_UTIL_UTF8_H
#define PG_UTIL_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define PG_UTF8_REPLACEMENT 0xFFFDu

/**
 * Decode the code point at s[0..n) (n >= 1) into *cp; returns the bytes it
 * took (1..4). *valid_out (may be NULL) says whether the sequence was valid.
 */
size_t pg_utf8_decode(const char *s, size_t n, uint32_t *cp, int *valid_out);

/** Encode `cp` (< 0x110000, not a surrogate) into out[0..4); returns 1..4. */
size_t pg_utf8_encode(uint32_t cp, unsigned char out[4]);

/** Is s[0..n) entirely valid UTF-8? */
int pg_utf8_valid(const char *s, size_t n);

/** Number of code points in s[0..n) (each invalid byte counts as one). */
size_t pg_utf8_count(const char *s, size_t n);

/** The longest prefix of s[0..n) of at most `max` bytes that ends on a character boundary. */
size_t pg_utf8_cut(const char *s, size_t n, size_t max);

/** Length of the sequence a lead byte announces (1..4), 1 for a stray byte. */
size_t pg_utf8_seq_len(unsigned char lead);

/**
 * What a lead byte allows (RFC 3629 §4), for validators that read one byte
 * at a time (the JSON reader, across chunks): returns how many continuation
 * bytes follow (1..3) and the range *lo..*hi of the first one (the later ones
 * are 0x80..0xBF); the narrow first ranges forbid overlong forms (E0, F0),
 * encoded surrogates (ED) and code points above U+10FFFF (F4). Returns 0 for
 * a byte that cannot start a multi-byte sequence (ASCII, a continuation
 * byte, C0, C1, F5..FF).
 */
unsigned pg_utf8_lead(unsigned char lead, unsigned char *lo, unsigned char *hi);

#endif
