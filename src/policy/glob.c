/* glob.c — the one glob dialect of policies (types, addresses, names,
 * waivers, the `glob` operator).
 *
 * Not fnmatch(3): Terraform addresses are full of brackets
 * (`aws_dynamodb_table.t["prod"]`, `module.m[0]`), and fnmatch would read
 * `[...]` as a character class, so a waiver written as the exact address
 * would silently match nothing. Here only `*`, `?` and `\` are special.
 */
#include "policy/policy_internal.h"

#include <stddef.h>
#include <string.h>

#include "util/utf8.h"

static unsigned char fold(unsigned char c, int icase)
{
    return icase && c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Iterative matching with one backtrack point (the last `*`): linear in
 * practice, O(n*m) worst case, never exponential. */
int pg_policy__glob_n(const char *pattern, const char *s, size_t len, int icase)
{
    const unsigned char *p = (const unsigned char *)pattern;
    const unsigned char *t = (const unsigned char *)s, *end = t + len;
    const unsigned char *star_p = NULL, *star_t = NULL;

    while (t < end) {
        if (*p == '*') {
            while (*p == '*')
                p++;
            star_p = p;
            star_t = t;
            continue;
        }
        if (*p == '?') {
            /* `?` matches one character, not one byte */
            size_t k = pg_utf8_seq_len(*t), i;
            for (i = 0; i < k && t + i < end; i++)
                ;
            p++;
            t += i;
            continue;
        }
        if (*p == '\\' && p[1]) {
            if (p[1] == *t) {
                p += 2;
                t++;
                continue;
            }
        } else if (*p && fold(*p, icase) == fold(*t, icase)) {
            p++;
            t++;
            continue;
        }
        if (!star_p)
            return 0;
        /* Let the last `*` swallow one more character and retry. */
        p = star_p;
        t = ++star_t;
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}

int pg_policy__glob(const char *pattern, const char *s, int icase)
{
    return pg_policy__glob_n(pattern, s, strlen(s), icase);
}

int pg_policy__glob_any(char *const *globs, size_t n, const char *s)
{
    size_t i;

    if (!s)
        return 0;
    for (i = 0; i < n; i++)
        if (pg_policy__glob(globs[i], s, 0))
            return 1;
    return 0;
}
