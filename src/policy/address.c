/* address.c — address patterns: the one notion of "this address is
 * covered", used by `protect:` selectors, rule `match.address` and waivers,
 * trusted and from the change alike (issue 13; docs/policies.md "Address
 * patterns").
 *
 * An address is read with Terraform's grammar (internal/addrs): steps
 * separated by dots, each step a name optionally followed by an instance key,
 * `[N]` (count) or `["text"]` (for_each), the text quoted as HCL quotes it
 * (addrs.toHCLQuotedString: `\"`, `\\`, `\n`, `\r`, `\t`, `\uXXXX`,
 * `\UXXXXXXXX`, `$${`, `%%{`). A key is one unit whatever it holds, so
 * `["a.b*[c]"]` is never split at its dot or bracket, and keys compare by
 * their value, not by how they are escaped.
 *
 * A pattern is the glob of docs/policies.md with three additions:
 *   - a name that the pattern follows with `.` or ends on covers every
 *     instance of it: `aws_s3_bucket.b` covers `aws_s3_bucket.b[0]`,
 *     `module.m.*` covers `module.m["eu"].x.y`;
 *   - `[N]`, `["text"]` name one instance; `[*]` any key; inside
 *     `["..."]`, `*` and `?` are wildcards over the key's text (`\*`, `\?`
 *     literal), so `["tmp-*"]` covers `["tmp-1"]`;
 *   - outside keys, `*` matches any run of steps, names and keys (as before),
 *     `?` one character, `\x` a literal x.
 *
 * Matching runs a set of pattern positions over the address's units (one
 * character, or one whole key): linear in the address for the patterns
 * people write, O(address × pattern) at worst, never exponential, and no
 * recursion.
 */
#include "policy/policy_internal.h"

#include <string.h>

#include "plangate/alloc.h"
#include "util/grow.h"
#include "util/utf8.h"

typedef enum pa_kind { PA_LIT = 0, PA_ANY1, PA_STAR, PA_KEY } pa_kind;
typedef enum pa_key { PK_ANY = 0, PK_INT, PK_STR } pa_key;

/* A code point, or 0x110000 + the byte for a byte that is not UTF-8 (so two
 * different invalid bytes never compare equal). */
typedef uint32_t pa_char;
#define PA_BAD_BYTE 0x110000u

typedef struct pa_tok {
    pa_kind kind;
    pa_key key;         /* PA_KEY */
    pa_char c;          /* PA_LIT */
    size_t sub, n_sub;  /* PA_KEY (PK_INT, PK_STR): its tokens in pg_addr_pat.keys */
} pa_tok;

struct pg_addr_pat {
    char *text;         /* as written */
    pa_tok *toks;       /* the pattern outside keys; PA_KEY tokens point into keys */
    size_t n, cap;
    pa_tok *keys;       /* the tokens of every key: PA_LIT, PA_ANY1, PA_STAR */
    size_t n_keys, cap_keys;
    int wild;           /* a `*` or `?` outside keys */
};

/* ---- characters -------------------------------------------------------------------- */

/* The character at s[i] (i < end): *c and the index after it. */
static size_t raw_char(const char *s, size_t i, size_t end, pa_char *c)
{
    uint32_t cp;
    int valid;
    size_t k = pg_utf8_decode(s + i, end - i, &cp, &valid);

    *c = valid ? cp : PA_BAD_BYTE + (unsigned char)s[i];
    return i + k;
}

static int hex_value(char h)
{
    if (h >= '0' && h <= '9')
        return h - '0';
    if (h >= 'a' && h <= 'f')
        return h - 'a' + 10;
    if (h >= 'A' && h <= 'F')
        return h - 'A' + 10;
    return -1;
}

/* `\uXXXX` (digits 4) or `\UXXXXXXXX` (8) at s[i] == '\\': the code point,
 * or -1 when the digits are not all there. */
static long hex_escape(const char *s, size_t i, size_t end, size_t digits)
{
    long v = 0;
    size_t k;

    if (i + 2 + digits > end)
        return -1;
    for (k = 0; k < digits; k++) {
        int h = hex_value(s[i + 2 + k]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

/*
 * One character of an HCL quoted string at s[i] (i < end), as Terraform
 * writes instance keys: the escapes of toHCLQuotedString, and `$${` / `%%{`
 * for `${` / `%{`. Returns the index after it, with *c the character and
 * *escaped set when it was written with a backslash. An escape HCL does not
 * know yields the character after the backslash, *bad set (a pattern's
 * loader refuses it; an address Terraform wrote never holds one).
 */
static size_t hcl_char(const char *s, size_t i, size_t end, pa_char *c, int *escaped, int *bad)
{
    long cp;

    *escaped = *bad = 0;
    if ((s[i] == '$' || s[i] == '%') && i + 2 < end && s[i + 1] == s[i] && s[i + 2] == '{') {
        *c = (unsigned char)s[i];
        return i + 2;
    }
    if (s[i] != '\\' || i + 1 >= end)
        return raw_char(s, i, end, c);
    *escaped = 1;
    switch (s[i + 1]) {
    case 'n': *c = '\n'; return i + 2;
    case 'r': *c = '\r'; return i + 2;
    case 't': *c = '\t'; return i + 2;
    case 'u':
    case 'U':
        if ((cp = hex_escape(s, i, end, s[i + 1] == 'u' ? 4 : 8)) >= 0 && cp < 0x110000) {
            *c = (pa_char)cp;
            return i + 2 + (s[i + 1] == 'u' ? 4 : 8);
        }
        *bad = 1;
        return raw_char(s, i + 1, end, c);
    case '"':
    case '\\':
        return raw_char(s, i + 1, end, c);
    default:
        /* `\*` and `\?` are the pattern's literal star and question mark */
        *bad = s[i + 1] != '*' && s[i + 1] != '?';
        return raw_char(s, i + 1, end, c);
    }
}

/* The end of a quoted key's text: s[i] is the first character after the
 * opening quote; returns the index of the closing quote, or `end` when none. */
static size_t quoted_end(const char *s, size_t i, size_t end)
{
    while (i < end && s[i] != '"')
        i += (s[i] == '\\' && i + 1 < end) ? 2 : 1;
    return i;
}

/* ---- the address's units ----------------------------------------------------------- */

typedef struct pa_unit {
    int is_key;
    pa_key key;         /* PK_INT or PK_STR */
    size_t start, end;  /* a key's text: the digits, or what is between the quotes */
    pa_char c;          /* a character */
} pa_unit;

/* The unit at s[i] (i < end); returns the index after it. A `[` that starts
 * no well-formed key (no plan Terraform wrote has one) is a character. */
static size_t next_unit(const char *s, size_t i, size_t end, pa_unit *u)
{
    size_t j;

    memset(u, 0, sizeof *u);
    if (s[i] == '[') {
        j = i + 1;
        if (j < end && s[j] == '-')
            j++;
        if (j < end && s[j] >= '0' && s[j] <= '9') {
            while (j < end && s[j] >= '0' && s[j] <= '9')
                j++;
            if (j < end && s[j] == ']') {
                *u = (pa_unit){1, PK_INT, i + 1, j, 0};
                return j + 1;
            }
        } else if (j == i + 1 && j < end && s[j] == '"') {
            j = quoted_end(s, j + 1, end);
            if (j + 1 < end && s[j + 1] == ']') {
                *u = (pa_unit){1, PK_STR, i + 2, j, 0};
                return j + 2;
            }
        }
    }
    return raw_char(s, i, end, &u->c);
}

/* ---- compiling a pattern ----------------------------------------------------------- */

static int push_tok(pa_tok **items, size_t *n, size_t *cap, pa_tok t, pg_error *err)
{
    if (PG_GROW(*items, *cap, *n + 1, err) != PG_OK)
        return PG_ENOMEM;
    (*items)[(*n)++] = t;
    return PG_OK;
}

static int bad_pattern(pg_error *err, const char *text, const char *why, size_t at)
{
    char q[PG_POLICY_QUOTE];

    return pg_error_set(err, PG_EPOLICY, "address pattern %s: %s (byte %zu)", pg_policy__quote(q, sizeof q, text),
                        why, at + 1);
}

/* The key at s[*i] == '[' into p->keys, and its PA_KEY token. */
static int compile_key(pg_addr_pat *p, const char *s, size_t len, size_t *i, pg_error *err)
{
    pa_tok key = {PA_KEY, PK_ANY, 0, p->n_keys, 0}, t = {PA_LIT, PK_ANY, 0, 0, 0};
    size_t j = *i + 1, close;
    int escaped, bad, rc;

    if (j + 1 < len && s[j] == '*' && s[j + 1] == ']') {
        *i = j + 2;
        return push_tok(&p->toks, &p->n, &p->cap, key, err);
    }
    if (j < len && (s[j] == '-' || (s[j] >= '0' && s[j] <= '9'))) {
        key.key = PK_INT;
        for (close = j + (s[j] == '-'); close < len && s[close] >= '0' && s[close] <= '9'; close++)
            ;
        if (close >= len || s[close] != ']' || close == j + (s[j] == '-'))
            return bad_pattern(err, s, "an instance key is [N], [*] or [\"key\"]", *i);
        for (; j < close; j++) {
            t.c = (unsigned char)s[j];
            if ((rc = push_tok(&p->keys, &p->n_keys, &p->cap_keys, t, err)) != PG_OK)
                return rc;
        }
        *i = close + 1;
    } else if (j < len && s[j] == '"') {
        key.key = PK_STR;
        close = quoted_end(s, j + 1, len);
        if (close + 1 >= len || s[close + 1] != ']')
            return bad_pattern(err, s, "an instance key that starts with [\" ends with \"]", *i);
        for (j++; j < close;) {
            size_t at = j;
            j = hcl_char(s, j, close, &t.c, &escaped, &bad);
            if (bad)
                return bad_pattern(err, s, "an unknown escape in an instance key (\\\" \\\\ \\n \\r \\t \\uXXXX "
                                           "\\UXXXXXXXX, or \\* and \\? for a literal * or ?)", at);
            t.kind = escaped ? PA_LIT : t.c == '*' ? PA_STAR : t.c == '?' ? PA_ANY1 : PA_LIT;
            if ((rc = push_tok(&p->keys, &p->n_keys, &p->cap_keys, t, err)) != PG_OK)
                return rc;
        }
        *i = close + 2;
    } else {
        return bad_pattern(err, s, "an instance key is [N], [*] or [\"key\"]", *i);
    }
    key.n_sub = p->n_keys - key.sub;
    return push_tok(&p->toks, &p->n, &p->cap, key, err);
}

int pg_policy__addr_compile(pg_addr_pat **out, const char *text, pg_error *err)
{
    pg_addr_pat *p;
    size_t len = strlen(text), i = 0;
    pa_tok t = {PA_LIT, PK_ANY, 0, 0, 0};
    int rc = PG_OK;

    *out = NULL;
    if (!(p = pg_calloc(1, sizeof *p)) || !(p->text = pg_strdup(text))) {
        pg_free(p);
        return pg_error_oom(err);
    }
    while (rc == PG_OK && i < len) {
        if (text[i] == '[') {
            rc = compile_key(p, text, len, &i, err);
            continue;
        }
        if (text[i] == ']') {
            rc = bad_pattern(err, text, "']' outside an instance key (\\] is a literal one)", i);
            break;
        }
        if (text[i] == '*' || text[i] == '?') {
            t.kind = text[i] == '*' ? PA_STAR : PA_ANY1;
            p->wild = 1;
            i++;
        } else {
            t.kind = PA_LIT;
            /* `\x` is a literal x; a trailing backslash is itself */
            i = raw_char(text, text[i] == '\\' && i + 1 < len ? i + 1 : i, len, &t.c);
        }
        rc = push_tok(&p->toks, &p->n, &p->cap, t, err);
    }
    if (rc != PG_OK) {
        pg_policy__addr_free(p);
        return rc;
    }
    *out = p;
    return PG_OK;
}

void pg_policy__addr_free(pg_addr_pat *p)
{
    if (!p)
        return;
    pg_free(p->text);
    pg_free(p->toks);
    pg_free(p->keys);
    pg_free(p);
}

const char *pg_policy__addr_text(const pg_addr_pat *p)
{
    return p ? p->text : NULL;
}

/* Does the key token hold a wildcard? */
static int key_has_wild(const pg_addr_pat *p, const pa_tok *k)
{
    size_t i;

    if (k->key == PK_ANY)
        return 1;
    for (i = 0; i < k->n_sub; i++)
        if (p->keys[k->sub + i].kind != PA_LIT)
            return 1;
    return 0;
}

static int is_name_start(pa_char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_name_char(pa_char c)
{
    return is_name_start(c) || (c >= '0' && c <= '9') || c == '-';
}

/* A Terraform name at toks[*i] (letters, digits, _ and -, not starting with
 * a digit or -): 1 when there is one (*i after it); *is_word set when it
 * spells `word`. */
static int name_at(const pg_addr_pat *p, size_t *i, const char *word, int *is_word)
{
    size_t start = *i, k;

    if (*i >= p->n || p->toks[*i].kind != PA_LIT || !is_name_start(p->toks[*i].c))
        return 0;
    while (*i < p->n && p->toks[*i].kind == PA_LIT && is_name_char(p->toks[*i].c))
        (*i)++;
    for (k = 0; word[k] && start + k < *i && p->toks[start + k].c == (unsigned char)word[k]; k++)
        ;
    *is_word = word[k] == '\0' && start + k == *i;
    return 1;
}

/* A dot at toks[*i]: step over it. */
static int dot_at(const pg_addr_pat *p, size_t *i)
{
    if (*i >= p->n || p->toks[*i].kind != PA_LIT || p->toks[*i].c != '.')
        return 0;
    (*i)++;
    return 1;
}

/* `word.` at toks[*i]: step over it; else leave *i. */
static int word_dot_at(const pg_addr_pat *p, size_t *i, const char *word)
{
    size_t j = *i;
    int is_word;

    if (!name_at(p, &j, word, &is_word) || !is_word || !dot_at(p, &j))
        return 0;
    *i = j;
    return 1;
}

static void key_at(const pg_addr_pat *p, size_t *i)
{
    if (*i < p->n && p->toks[*i].kind == PA_KEY)
        (*i)++;
}

/*
 * A pattern without a wildcard names one address. One whose wildcards sit in
 * instance keys must read as a resource address,
 *     (module.NAME[KEY]?.)* ((data|ephemeral).)? TYPE.NAME[KEY]?
 * so that it covers instances of one resource block and nothing else: every
 * name is literal, and a key pattern matches exactly one key.
 */
int pg_policy__addr_names_resources(const pg_addr_pat *p)
{
    size_t i = 0, k;
    int wild = 0, is_word;

    if (!p || p->wild)
        return 0;
    for (k = 0; k < p->n; k++)
        wild |= p->toks[k].kind == PA_KEY && key_has_wild(p, &p->toks[k]);
    if (!wild)
        return 1;
    /* "module" is no resource type: `module.` starts a module step */
    while (word_dot_at(p, &i, "module")) {
        if (!name_at(p, &i, "", &is_word))
            return 0;
        key_at(p, &i);
        if (!dot_at(p, &i))
            return 0;
    }
    if (!word_dot_at(p, &i, "data"))
        word_dot_at(p, &i, "ephemeral");
    if (!name_at(p, &i, "", &is_word) || !dot_at(p, &i) || !name_at(p, &i, "", &is_word))
        return 0;
    key_at(p, &i);
    return i == p->n;
}

/* ---- matching ---------------------------------------------------------------------- */

/* Does the glob t[0..n) (PA_LIT, PA_ANY1, PA_STAR) match the key text
 * s[i..end), read as HCL quotes it? One backtrack point (the last `*`), as
 * glob.c: linear in practice, never exponential. */
static int key_glob(const pa_tok *t, size_t n, const char *s, size_t i, size_t end)
{
    size_t p = 0, star_p = 0, star_i = 0, next;
    int have_star = 0, escaped, bad;
    pa_char c;

    while (i < end) {
        if (p < n && t[p].kind == PA_STAR) {
            have_star = 1;
            star_p = ++p;
            star_i = i;
            continue;
        }
        next = hcl_char(s, i, end, &c, &escaped, &bad);
        if (p < n && (t[p].kind == PA_ANY1 || (t[p].kind == PA_LIT && t[p].c == c))) {
            p++;
            i = next;
            continue;
        }
        if (!have_star)
            return 0;
        /* let the last `*` take one more character, and retry */
        p = star_p;
        i = star_i = hcl_char(s, star_i, end, &c, &escaped, &bad);
    }
    while (p < n && t[p].kind == PA_STAR)
        p++;
    return p == n;
}

static int key_matches(const pg_addr_pat *p, const pa_tok *k, const char *s, const pa_unit *u)
{
    if (k->key == PK_ANY)
        return 1;
    return k->key == u->key && key_glob(p->keys + k->sub, k->n_sub, s, u->start, u->end);
}

/* The set of pattern positions that are alive: a list, and a stamp per
 * position saying in which round it was added (no duplicates). */
typedef struct pa_set {
    size_t *items;
    size_t n;
} pa_set;

/* Add state s, and the states after the `*`s it stands on (a `*` may match
 * nothing). */
static void add_state(const pg_addr_pat *p, pa_set *set, size_t *stamp, size_t round, size_t s)
{
    for (;;) {
        if (stamp[s] == round)
            return;
        stamp[s] = round;
        set->items[set->n++] = s;
        if (s >= p->n || p->toks[s].kind != PA_STAR)
            return;
        s++;
    }
}

/* One unit: every live state moves to the next set. */
static void step(const pg_addr_pat *p, const char *addr, const pa_unit *u, const pa_set *cur, pa_set *next,
                 size_t *stamp, size_t round)
{
    size_t k;

    next->n = 0;
    for (k = 0; k < cur->n; k++) {
        size_t s = cur->items[k];
        const pa_tok *t = s < p->n ? &p->toks[s] : NULL;
        if (t && t->kind == PA_STAR)
            add_state(p, next, stamp, round, s);
        else if (t && !u->is_key && ((t->kind == PA_LIT && t->c == u->c) || t->kind == PA_ANY1))
            add_state(p, next, stamp, round, s + 1);
        else if (t && u->is_key && t->kind == PA_KEY && key_matches(p, t, addr, u))
            add_state(p, next, stamp, round, s + 1);
        /* A name the pattern follows with `.` or ends on covers every
         * instance: the address's key is passed over. */
        if (u->is_key && (!t || (t->kind == PA_LIT && t->c == '.')))
            add_state(p, next, stamp, round, s);
    }
}

#define PA_SMALL 64u

int pg_policy__addr_match(const pg_addr_pat *p, const char *address, int *out, pg_error *err)
{
    size_t small[3][PA_SMALL + 1];
    size_t *mem = NULL, *stamp, round = 0, i = 0, len, k;
    pa_set a, b, *cur = &a, *next = &b, *swap;
    pa_unit u;

    *out = 0;
    if (!p || !address)
        return PG_OK;
    if (p->n + 1 > PA_SMALL + 1) {
        if (p->n + 1 > SIZE_MAX / 3 / sizeof *mem || !(mem = pg_malloc(3 * (p->n + 1) * sizeof *mem)))
            return pg_error_oom(err);
        a.items = mem;
        b.items = mem + (p->n + 1);
        stamp = mem + 2 * (p->n + 1);
    } else {
        a.items = small[0];
        b.items = small[1];
        stamp = small[2];
    }
    for (k = 0; k <= p->n; k++)
        stamp[k] = SIZE_MAX;
    len = strlen(address);
    a.n = 0;
    add_state(p, cur, stamp, round, 0);
    while (i < len && cur->n > 0) {
        i = next_unit(address, i, len, &u);
        step(p, address, &u, cur, next, stamp, ++round);
        swap = cur;
        cur = next;
        next = swap;
    }
    for (k = 0; k < cur->n; k++)
        if (cur->items[k] == p->n)
            *out = 1;
    pg_free(mem);
    return PG_OK;
}

int pg_policy_address_covers(const char *pattern, const char *address, int *out, pg_error *err)
{
    pg_addr_pat *p;
    int rc;

    *out = 0;
    if (!pattern || !address)
        return PG_OK;
    if ((rc = pg_policy__addr_compile(&p, pattern, err)) != PG_OK)
        return rc;
    rc = pg_policy__addr_match(p, address, out, err);
    pg_policy__addr_free(p);
    return rc;
}

int pg_policy__get_address(const pn_ctx *x, const pn_node *n, const char *what, pg_addr_pat **out)
{
    char *text = NULL;
    int rc;

    *out = NULL;
    if ((rc = pg_policy__get_text(x, n, what, &text)) != PG_OK)
        return rc;
    rc = pg_policy__addr_compile(out, text, x->err);
    pg_free(text);
    return rc == PG_EPOLICY ? pg_policy__at(x, n) : rc;
}
