/*
 * esc.h — the one escaping loop (STYLE 28; cmark's houdini_html_e.c is the
 * model): decode a code point, look up what the target needs, emit.
 *
 * A target is a table (pg_esc_table). Its tables live with the target:
 * util/quote.c (messages and stderr), report/esc.c (each report format).
 * The loop and the set of characters that no output may ever carry raw
 * (pg_esc_is_hidden) live here, so that every target agrees on what is
 * dangerous and differs only in how it writes it.
 *
 * Hidden characters, whatever the target: C0 controls and DEL unless the
 * table lets one through (a newline in prose), C1 controls, every
 * Default_Ignorable_Code_Point of Unicode (the invisible, joining, bidi and
 * variation characters: U+00AD, U+061C, U+200B-U+200F, U+202A-U+202E,
 * U+2060-U+206F, U+FE00-U+FE0F, U+FEFF, ...), the Unicode spaces other than
 * U+0020 (U+00A0, U+2000-U+200A, U+2028, U+2029, U+3000, ...), U+FFFD, the
 * non-characters U+FFFE and U+FFFF, and every byte that is not valid UTF-8.
 * Why so many: a terminal acts on controls; bidi characters reorder what a
 * reviewer reads; GitHub's runner compares with ICU, which ignores the
 * default-ignorable characters (so "#<U+00AD>#[" could still read as the
 * "##[" command marker) and trims every Unicode space before looking for
 * "::" at the start of a line.
 *
 * One more rule every target applies: the '#' that starts "##[" (the
 * runner's legacy workflow-command marker, live anywhere in a line) is
 * written in the target's escaped form. The ':' that would start a line is
 * a rule of the output, not of a string: see report/out.c.
 */
#ifndef PG_UTIL_ESC_H
#define PG_UTIL_ESC_H

#include <stddef.h>
#include <stdint.h>

/** The longest form one input character can take in any table. */
#define PG_ESC_PIECE_MAX 24u

/** How a target writes a hidden character. */
typedef enum pg_esc_hidden {
    PG_ESC_HIDDEN_UNICODE = 0, /**< \uXXXX (a surrogate pair above U+FFFF): JSON and messages */
    PG_ESC_HIDDEN_XML,         /**< &#xXXXX; (&#xFFFD; for what XML 1.0 forbids) */
    PG_ESC_HIDDEN_REPLACE      /**< U+FFFD: where no escape would be undone (workflow commands, Markdown) */
} pg_esc_hidden;

/** Markers for pg_esc_table.ascii[]. */
extern const char pg_esc_asis[];    /**< the byte as is, even a control */
extern const char pg_esc_context[]; /**< ask the table's context rule */
#define PG_ESC_ASIS pg_esc_asis
#define PG_ESC_CONTEXT pg_esc_context

/** What the loop knows about the input read so far (for context rules). */
typedef struct pg_esc_state {
    uint32_t prev;  /**< the character before (' ' at the start) */
    uint32_t prev2; /**< the one before that */
    int line_start; /**< nothing but spaces since the start or the last newline */
} pg_esc_state;

typedef struct pg_esc_table pg_esc_table;

/**
 * A context rule: the form of the ASCII character at s[0] (s[0..n) is the
 * rest of the input) that the table marks PG_ESC_CONTEXT, into out; returns
 * its length (at most PG_ESC_PIECE_MAX).
 */
typedef size_t (*pg_esc_context_fn)(const pg_esc_table *t, const pg_esc_state *st, const char *s, size_t n,
                                    char *out);

struct pg_esc_table {
    const char *name;          /**< for messages and tests */
    /** What each ASCII byte becomes: NULL for the default (a printable byte as
     * is, a control or DEL hidden), a replacement, PG_ESC_ASIS or PG_ESC_CONTEXT. */
    const char *ascii[128];
    pg_esc_hidden hidden;
    pg_esc_context_fn context; /**< NULL: PG_ESC_CONTEXT means the "##[" rule only */
    const char *hash;          /**< the form of the '#' that starts "##[" */
};

/** Is `cp` a character that no output carries raw (see above)? */
int pg_esc_is_hidden(uint32_t cp);

/** A fresh state, as at the start of a string. */
void pg_esc_state_init(pg_esc_state *st);

/**
 * Receives the escaped text piece by piece: a run of plain ASCII (`plain`
 * set: any prefix of it is whole characters), or the form of one character.
 * `rest` is what remains of the input after the piece. Returns how many
 * bytes of the piece it took: all of it to go on; fewer to stop (a cut),
 * and only a plain run may be cut inside.
 */
typedef size_t (*pg_esc_sink_fn)(void *ctx, const char *piece, size_t n, size_t rest, int plain);

/**
 * The loop: escape s[0..len) for `t`, handing each piece to `sink`, until
 * the input ends or the sink stops. `st` (may be NULL) carries the context
 * across calls. Returns the input bytes consumed.
 */
size_t pg_esc_run(const pg_esc_table *t, pg_esc_state *st, const char *s, size_t len, pg_esc_sink_fn sink,
                  void *ctx);

/** The "##[" rule for context functions: is s[0..n) at a '#' that starts "##["? */
int pg_esc_starts_command(const char *s, size_t n);

#endif
