/* suggest.c — the nearest known word to a misspelt one (suggest.h). */
#include "util/suggest.h"

#include <string.h>

static unsigned char fold(char c)
{
    return (unsigned char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

static size_t min3(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

size_t pg_suggest_distance(const char *a, const char *b, size_t cap)
{
    /* Three rows of the optimal-string-alignment table (the one two back is
     * what a swap of neighbours needs). */
    size_t rows[3][PG_SUGGEST_MAX_LEN + 1], *pp, *prev, *cur, *t;
    size_t la = strlen(a), lb = strlen(b), i, j, row_min;

    if (la > PG_SUGGEST_MAX_LEN || lb > PG_SUGGEST_MAX_LEN || (la > lb ? la - lb : lb - la) > cap)
        return cap + 1;
    pp = rows[0];
    prev = rows[1];
    cur = rows[2];
    for (j = 0; j <= lb; j++)
        prev[j] = j;
    for (i = 1; i <= la; i++) {
        cur[0] = i;
        row_min = i;
        for (j = 1; j <= lb; j++) {
            size_t cost = fold(a[i - 1]) == fold(b[j - 1]) ? 0 : 1;
            cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
            if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) && fold(a[i - 2]) == fold(b[j - 1]) &&
                pp[j - 2] + 1 < cur[j])
                cur[j] = pp[j - 2] + 1;
            if (cur[j] < row_min)
                row_min = cur[j];
        }
        if (row_min > cap)
            return cap + 1; /* every later row is at least as far */
        t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb] > cap ? cap + 1 : prev[lb];
}

void pg_suggest_init(pg_suggest *s, const char *word)
{
    s->word = word;
    s->best = NULL;
    s->best_dist = 0;
}

void pg_suggest_add(pg_suggest *s, const char *candidate)
{
    size_t len, limit, d;

    if (!s->word || !candidate || !*candidate || strcmp(candidate, s->word) == 0)
        return;
    len = strlen(s->word);
    /* A one-letter word is near every short word: suggest only a case fix. */
    limit = len < 2 ? 0 : PG_SUGGEST_LIMIT(len);
    d = pg_suggest_distance(s->word, candidate, limit);
    if (d <= limit && (!s->best || d < s->best_dist)) {
        s->best = candidate;
        s->best_dist = d;
    }
}

const char *pg_suggest_best(const pg_suggest *s)
{
    return s->best;
}

const char *pg_suggest_from(const char *word, const char *const *candidates)
{
    pg_suggest s;
    size_t i;

    pg_suggest_init(&s, word);
    for (i = 0; candidates && candidates[i]; i++)
        pg_suggest_add(&s, candidates[i]);
    return pg_suggest_best(&s);
}
