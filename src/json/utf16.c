/*
 * utf16.c — UTF-16 (with a byte-order mark) to UTF-8, chunk by chunk.
 *
 * Windows PowerShell's `>` writes UTF-16LE with a BOM (SPEC §2); the reader
 * transcodes such input and runs its UTF-8 state machine on the result, so
 * there is one validator. A code unit split across chunks waits in
 * s->byte, a high surrogate waiting for its low half in s->high.
 */
#include "json_internal.h"

#include "util/utf8.h"

size_t pg_json__u16_transcode(pg_json__u16 *s, const unsigned char *in, size_t n,
                              unsigned char *out, int *bad, uint32_t *unit)
{
    unsigned char *o = out;
    size_t i = 0;

    *bad = PG_U16_OK;
    *unit = 0;
    for (;;) {
        uint32_t u;

        /* Assemble the next code unit, possibly from a byte left over. */
        if (s->have_byte) {
            if (i >= n)
                break;
            u = s->big_endian ? ((uint32_t)s->byte << 8 | in[i]) : ((uint32_t)in[i] << 8 | s->byte);
            s->have_byte = 0;
            i++;
        } else if (n - i >= 2) {
            u = s->big_endian ? ((uint32_t)in[i] << 8 | in[i + 1]) : ((uint32_t)in[i + 1] << 8 | in[i]);
            i += 2;
        } else {
            if (i < n) {
                s->byte = in[i];
                s->have_byte = 1;
            }
            break;
        }

        if (s->high) {
            if (!PG_JSON_IS_LOW(u)) {
                *bad = PG_U16_LONE_HIGH;
                *unit = s->high;
                break;
            }
            o += pg_utf8_encode(PG_JSON_PAIR(s->high, u), o);
            s->high = 0;
        } else if (PG_JSON_IS_HIGH(u)) {
            s->high = u;
        } else if (PG_JSON_IS_LOW(u)) {
            *bad = PG_U16_LONE_LOW;
            *unit = u;
            break;
        } else {
            o += pg_utf8_encode(u, o);
        }
    }
    return (size_t)(o - out);
}
