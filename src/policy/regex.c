/* regex.c — `matches:` patterns: POSIX extended regular expressions,
 * compiled once at load time, with caps checked before regcomp sees them.
 *
 * glibc's regcomp expands bounded repetitions into copies of their atom:
 * "(a{1,255}){1,255}" takes seconds and 150 MB to compile, one more level
 * minutes, so a 30-byte policy line could stall every `plangate check`. A
 * pattern is refused when it is longer than PG_POLICY_MAX_REGEX_BYTES, when
 * a bound exceeds PG_POLICY_MAX_REGEX_REPEAT, or when a bounded repetition
 * applies to something that holds another one (the expansions multiply).
 * `+` is compiled as "xx*", a copy: it weighs like a bound of 2, and the
 * product of the weights nested around an atom may not pass
 * PG_POLICY_MAX_REGEX_REPEAT ("x" and 20 stacked `+` took 700 MB; found by
 * fuzz_policy, docs/robustness.md F4). `*` and `?` copy nothing.
 * Back-references (`\1`, a glibc extension to ERE) are refused: regexec
 * backtracks on them ("^(a*)*\1$" takes 19 s on 640 bytes). The cost of
 * matching the rest is bounded by PG_POLICY_MAX_MATCH_BYTES (eval.c).
 */
#include "policy/policy_internal.h"

#include <stdio.h>
#include <string.h>

/* Skip a bracket expression starting at p[i] == '['; returns the index just
 * after its closing ']' (or the end: regcomp reports the error). */
static size_t skip_bracket(const char *p, size_t i)
{
    i++;
    if (p[i] == '^')
        i++;
    if (p[i] == ']') /* a ']' first is literal */
        i++;
    while (p[i] && p[i] != ']') {
        if (p[i] == '[' && (p[i + 1] == ':' || p[i + 1] == '.' || p[i + 1] == '=')) {
            char end = p[i + 1];
            i += 2;
            while (p[i] && !(p[i] == end && p[i + 1] == ']'))
                i++;
            if (p[i])
                i += 2;
            continue;
        }
        i++;
    }
    return p[i] ? i + 1 : i;
}

/* Parse a bound "{m}", "{m,}" or "{m,n}" at p[i] == '{'. Returns its length
 * (0 when it is not a bound: regcomp decides what it is), the largest
 * number in *max. */
static size_t parse_bound(const char *p, size_t i, unsigned long *max)
{
    size_t j = i + 1;
    unsigned long v = 0, hi = 0;
    int digits = 0;

    for (; p[j] >= '0' && p[j] <= '9'; j++, digits++)
        v = v > 1000000ul ? v : v * 10 + (unsigned long)(p[j] - '0');
    if (!digits)
        return 0;
    hi = v;
    if (p[j] == ',') {
        j++;
        for (v = 0; p[j] >= '0' && p[j] <= '9'; j++)
            v = v > 1000000ul ? v : v * 10 + (unsigned long)(p[j] - '0');
        hi = v > hi ? v : hi;
    }
    if (p[j] != '}')
        return 0;
    *max = hi;
    return j + 1 - i;
}

/* The expansion `w` of the repetition p[i..i+n) passes the cap: say so. */
static int heavy(unsigned long w, const char *p, size_t i, size_t n, pg_error *err)
{
    if (w <= PG_POLICY_MAX_REGEX_REPEAT)
        return 0;
    /* the piece is a bound or a '+' that the scan checked: digits and punctuation */
    pg_error_set(err, PG_EPOLICY,
                 "repetitions nested or stacked too deep at '%.*s' in a regular expression "
                 "(regcomp would make %lu copies; limit PG_POLICY_MAX_REGEX_REPEAT)",
                 (int)n, p + i, w);
    return 1;
}

static int check_caps(const char *p, pg_error *err)
{
    /* has_bound[d]: the group open at depth d holds a bounded repetition;
     * weight[d]: the largest expansion of anything inside it. */
    unsigned char has_bound[PG_POLICY_MAX_REGEX_BYTES + 1];
    unsigned long weight[PG_POLICY_MAX_REGEX_BYTES + 1];
    unsigned long last_w = 1; /* how many copies regcomp makes of the atom just before */
    size_t i = 0, depth = 0, len = strlen(p);
    int last_bounded = 0; /* the atom just before holds (or is) a bounded repetition */

    if (len > PG_POLICY_MAX_REGEX_BYTES) {
        pg_error_set(err, PG_EPOLICY, "a regular expression longer than %u bytes (limit PG_POLICY_MAX_REGEX_BYTES)",
                     PG_POLICY_MAX_REGEX_BYTES);
        return -1;
    }
    has_bound[0] = 0;
    weight[0] = 1;
    while (p[i]) {
        unsigned long max = 0;
        size_t n;

        switch (p[i]) {
        case '\\':
            if (p[i + 1] >= '1' && p[i + 1] <= '9') {
                pg_error_set(err, PG_EPOLICY,
                             "a back-reference \\%c in a regular expression: POSIX extended "
                             "expressions have none, and glibc's matcher backtracks on them",
                             p[i + 1]);
                return -1;
            }
            i += p[i + 1] ? 2 : 1;
            last_bounded = 0;
            last_w = 1;
            break;
        case '[':
            i = skip_bracket(p, i);
            last_bounded = 0;
            last_w = 1;
            break;
        case '(':
            has_bound[++depth] = 0;
            weight[depth] = 1;
            i++;
            last_bounded = 0;
            last_w = 1;
            break;
        case ')':
            if (depth > 0) {
                last_bounded = has_bound[depth];
                last_w = weight[depth];
                depth--;
                has_bound[depth] |= (unsigned char)last_bounded;
            } else {
                last_bounded = 0;
                last_w = 1;
            }
            i++;
            break;
        case '{':
            n = parse_bound(p, i, &max);
            if (n == 0) {
                i++;
                last_bounded = 0;
                last_w = 1;
                break;
            }
            if (max > PG_POLICY_MAX_REGEX_REPEAT) {
                pg_error_set(err, PG_EPOLICY,
                             "a repetition bound %.*s above %u in a regular expression "
                             "(limit PG_POLICY_MAX_REGEX_REPEAT)",
                             (int)n, p + i, PG_POLICY_MAX_REGEX_REPEAT);
                return -1;
            }
            if (last_bounded) {
                pg_error_set(err, PG_EPOLICY,
                             "a bounded repetition %.*s of something that holds another one "
                             "(the expansions multiply; limit PG_POLICY_MAX_REGEX_REPEAT)",
                             (int)n, p + i);
                return -1;
            }
            has_bound[depth] = 1;
            last_bounded = 1;
            last_w *= max ? max : 1;
            if (heavy(last_w, p, i, n, err))
                return -1;
            if (last_w > weight[depth])
                weight[depth] = last_w;
            i += n;
            break;
        case '+':
            last_w *= 2;
            if (heavy(last_w, p, i, 1, err))
                return -1;
            if (last_w > weight[depth])
                weight[depth] = last_w;
            i++;
            break;
        case '*':
        case '?':
            /* keeps last_bounded: "(a{2})*{2}" is still nested */
            i++;
            break;
        default:
            i++;
            last_bounded = 0;
            last_w = 1;
            break;
        }
    }
    return 0;
}

int pg_policy__regex_compile(regex_t *re, const char *pattern, int icase, pg_error *err)
{
    char why[128], q[PG_POLICY_QUOTE];
    int r;

    if (check_caps(pattern, err) != 0)
        return PG_EPOLICY;
    r = regcomp(re, pattern, REG_EXTENDED | REG_NOSUB | (icase ? REG_ICASE : 0));
    if (r == REG_ESPACE)
        return pg_error_oom(err);
    if (r != 0) {
        regerror(r, re, why, sizeof why);
        return pg_error_set(err, PG_EPOLICY, "invalid regular expression %s: %s",
                            pg_policy__quote(q, sizeof q, pattern), why);
    }
    return PG_OK;
}
