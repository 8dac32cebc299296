/*
 * suggest.h — "did you mean ...?": the known word nearest to a misspelt one
 * (a policy key, a rule id, a command-line option or command). One helper,
 * used by the policy loader, `plangate lint`, `plangate explain` and the
 * option parser, so every place suggests by the same measure.
 *
 * The measure is the optimal-string-alignment Damerau-Levenshtein distance
 * (insert, delete, substitute, swap two neighbours: "mesage" → "message" is
 * 1, "replacment" → "replacement" 1, "sevrity" → "severity" 1), with ASCII
 * case folded ("Message" → "message" is 0, still suggested: it is not the
 * same word). A candidate is suggested when its distance is at most
 * PG_SUGGEST_LIMIT(len) of the misspelt word: 1 up to 4 characters, 2 up to
 * 8, 3 beyond; the first nearest wins a tie. Words longer than
 * PG_SUGGEST_MAX_LEN bytes are never matched (no allocation, bounded work).
 */
#ifndef PG_UTIL_SUGGEST_H
#define PG_UTIL_SUGGEST_H

#include <stddef.h>

#define PG_SUGGEST_MAX_LEN 128u
#define PG_SUGGEST_LIMIT(len) ((len) <= 4 ? 1u : (len) <= 8 ? 2u : 3u)

typedef struct pg_suggest {
    const char *word;   /* the misspelt word (not owned) */
    const char *best;   /* the nearest candidate so far, or NULL (not owned) */
    size_t best_dist;
} pg_suggest;

/* Start a search for words near `word`. */
void pg_suggest_init(pg_suggest *s, const char *word);
/* Consider one known word (NULL and `word` itself are ignored). */
void pg_suggest_add(pg_suggest *s, const char *candidate);
/* The suggestion, or NULL when no candidate is near enough. */
const char *pg_suggest_best(const pg_suggest *s);
/* The same over a NULL-terminated list. */
const char *pg_suggest_from(const char *word, const char *const *candidates);
/* The distance itself, or `cap` + 1 when it is more than `cap` (or a word is
 * longer than PG_SUGGEST_MAX_LEN). */
size_t pg_suggest_distance(const char *a, const char *b, size_t cap);

#endif
