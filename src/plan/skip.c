/* skip.c — the fast path of a big plan: most changes are no-ops of types no
 * detector or rule looks at, and are counted without being decoded. Their
 * members are found from the reader's key index alone (issue 12: no second
 * scan). A change is counted undecoded only when everything the decoder
 * would check can be seen to hold in its raw bytes (shape.c's types, plain
 * strings, a plain action list): anything else is decoded, so a malformed
 * change is refused whether or not anybody wants it. */
#include "plan/skip.h"

#include <string.h>

#include "plan/shape.h"

/* Members looked at per object; more: decode the change. */
#define SKIP_MAX_KEYS 32

typedef struct member {
    const char *key;
    size_t key_len;
    int key_has_escape;
    const char *value; /* first byte of the value */
    size_t value_len;  /* bytes of the value */
    int id;            /* its pg_shape_id, or -1 when shape.c does not know it */
} member;

typedef struct member_list {
    member m[SKIP_MAX_KEYS];
    size_t n;
} member_list;

static int is_null(const member *m)
{
    return m->value_len == 4 && memcmp(m->value, "null", 4) == 0;
}

static int push(member_list *l, const member *m)
{
    if (l->n == SKIP_MAX_KEYS)
        return -1;
    l->m[l->n++] = *m;
    return 0;
}

/* A repeated key (a reader keeping the last one would see another change). */
static int has_repeat(const member_list *l)
{
    size_t i, j;

    for (i = 0; i < l->n; i++) {
        if (l->m[i].key_has_escape)
            return 1;
        for (j = 0; j < i; j++)
            if (l->m[j].key_len == l->m[i].key_len && memcmp(l->m[j].key, l->m[i].key, l->m[i].key_len) == 0)
                return 1;
    }
    return 0;
}

/* MARK: members by index --------------------------------------------------- */

static int is_ws(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* Walk back from `q` over whitespace and expect `c` just before; returns the
 * position of `c`, or NULL. */
static const char *back_to(const char *lo, const char *q, char c)
{
    while (q > lo && is_ws(q[-1]))
        q--;
    return q > lo && q[-1] == c ? q - 1 : NULL;
}

/* Member `i` of the index: its key, and its value up to where the next key
 * at its level or above begins (past the ',' and the '}' that close it). */
static int member_at(const char *raw, size_t len, const pg_json_key_pos *keys, size_t n, size_t i, member *out)
{
    const char *lo = raw, *p = raw + keys[i].offset, *end = raw + len, *q;
    size_t j;
    unsigned closes;

    if (keys[i].offset >= len || *p != '"')
        return -1;
    memset(out, 0, sizeof *out);
    out->key = ++p;
    while (p < end && *p != '"') {
        if (*p == '\\') {
            out->key_has_escape = 1;
            p++;
        }
        p++;
    }
    if (p >= end)
        return -1;
    out->key_len = (size_t)(p - out->key);
    p++;
    while (p < end && is_ws(*p))
        p++;
    if (p >= end || *p != ':')
        return -1;
    p++;
    while (p < end && is_ws(*p))
        p++;
    out->value = p;

    for (j = i + 1; j < n && keys[j].level > keys[i].level; j++)
        ;
    if (j < n) { /* the next key at this level or above: ", }…, key" */
        closes = keys[i].level - keys[j].level;
        if (!(q = back_to(lo, raw + keys[j].offset, ',')))
            return -1;
    } else { /* the last member: "}…}" to the end of the element */
        closes = keys[i].level + 1u;
        q = end;
    }
    while (closes--)
        if (!(q = back_to(lo, q, '}')))
            return -1;
    while (q > p && is_ws(q[-1]))
        q--;
    if (q <= p)
        return -1;
    out->value_len = (size_t)(q - p);
    return 0;
}

static int members_by_index(const char *raw, size_t len, const pg_json_key_pos *keys, size_t n, member_list *top,
                            member_list *chg)
{
    member m;
    size_t i;
    int in_change = 0, seen_change = 0;

    for (i = 0; i < n; i++) {
        if (member_at(raw, len, keys, n, i, &m) != 0)
            return -1;
        if (keys[i].level == 0) {
            if (push(top, &m) != 0)
                return -1;
            in_change = !m.key_has_escape && m.key_len == 6 && memcmp(m.key, "change", 6) == 0 && !seen_change++;
        } else if (in_change && push(chg, &m) != 0) {
            return -1;
        }
    }
    return 0;
}

/* MARK: what the decoder would check, on raw bytes ------------------------------ */

/* Every member shape.c types has its type; strings hold no escape (the
 * decoder checks those for NUL); the required ones are there. Each member
 * gets its id. */
static int shape_holds(member_list *l, unsigned level)
{
    size_t i;
    unsigned seen = 0;

    for (i = 0; i < l->n; i++) {
        member *m = &l->m[i];
        const pg_shape_rule *rule = m->key_has_escape ? NULL : pg_plan__shape_find(level, m->key, m->key_len);
        unsigned t;
        m->id = rule ? (int)(rule - pg_plan__shape) : -1;
        if (!rule)
            continue;
        t = pg_plan__shape_of_raw(m->value, m->value_len);
        if (!(t & rule->types) || (t == PG_SHAPE_STRING && memchr(m->value, '\\', m->value_len)))
            return 0;
        if (rule->required)
            seen |= 1u << (rule - pg_plan__shape);
    }
    for (i = 0; i < pg_plan__shape_count; i++)
        if (pg_plan__shape[i].level == level && pg_plan__shape[i].required && !(seen & (1u << i)))
            return 0;
    return 1;
}

/* Normalise a plain action list from raw bytes (["delete","create"] →
 * replace): every element an action word without escapes. -1 otherwise
 * (decode it: the decoder names what is wrong). */
static int raw_action(const char *raw, size_t len, pg_action *out, int *destructive)
{
    pg_action_word w[PG_ACTION_MAX_WORDS];
    pg_replace_order order;
    size_t i = 1, n = 0;

    if (len < 2 || raw[0] != '[')
        return -1;
    for (;;) {
        const char *q;
        while (i < len && is_ws(raw[i]))
            i++;
        if (i >= len || raw[i] != '"' || n == PG_ACTION_MAX_WORDS)
            return -1;
        i++;
        if (!(q = memchr(raw + i, '"', len - i)) || !pg_plan__action_word(raw + i, (size_t)(q - raw) - i))
            return -1;
        w[n].s = raw + i;
        w[n++].len = (size_t)(q - raw) - i;
        i = (size_t)(q - raw) + 1;
        while (i < len && is_ws(raw[i]))
            i++;
        if (i + 1 == len && raw[i] == ']')
            break;
        if (i >= len || raw[i] != ',')
            return -1;
        i++;
    }
    *out = pg_plan__normalise_words(w, n, &order, destructive);
    return 0;
}

int pg_plan__skip_decision(const char *raw, size_t len, const pg_json_key_pos *keys, size_t n_keys,
                           pg_plan_filter_fn filter, void *filter_ctx, pg_action *action_out)
{
    member_list top, chg;
    char type[256] = "";
    const member *actions = NULL;
    pg_action action = PG_ACTION_UNKNOWN;
    int destructive = 0, has_address = 0;
    size_t i;

    top.n = 0;
    chg.n = 0;
    if (members_by_index(raw, len, keys, n_keys, &top, &chg) != 0)
        return PG_SKIP_DECODE;
    if (has_repeat(&top) || has_repeat(&chg) || !shape_holds(&top, PG_SHAPE_TOP) ||
        !shape_holds(&chg, PG_SHAPE_CHANGE))
        return PG_SKIP_DECODE;
    for (i = 0; i < top.n; i++) {
        const member *m = &top.m[i];
        switch (m->id) {
        case PG_SHAPE_TYPE:
            if (m->value_len < 3 || m->value_len - 2 >= sizeof type)
                return PG_SKIP_DECODE;
            memcpy(type, m->value + 1, m->value_len - 2);
            type[m->value_len - 2] = '\0';
            break;
        case PG_SHAPE_ADDRESS:
            has_address = m->value_len > 2;
            break;
        case PG_SHAPE_MODE:
            if (!(m->value_len == 9 && memcmp(m->value, "\"managed\"", 9) == 0) &&
                !(m->value_len == 6 && memcmp(m->value, "\"data\"", 6) == 0))
                return PG_SKIP_DECODE;
            break;
        case PG_SHAPE_PREVIOUS_ADDRESS:
        case PG_SHAPE_DEPOSED:
            if (!is_null(m))
                return PG_SKIP_DECODE; /* reports list moves and deposed objects */
            break;
        default:
            break;
        }
    }
    for (i = 0; i < chg.n; i++) {
        if (chg.m[i].id == PG_SHAPE_ACTIONS)
            actions = &chg.m[i];
        else if ((chg.m[i].id == PG_SHAPE_IMPORTING || chg.m[i].id == PG_SHAPE_REPLACE_PATHS) && !is_null(&chg.m[i]))
            return PG_SKIP_DECODE; /* reports list imports; paths are checked when decoded */
    }
    if (!type[0] || !has_address || !actions ||
        raw_action(actions->value, actions->value_len, &action, &destructive) != 0)
        return PG_SKIP_DECODE;
    if (destructive || action == PG_ACTION_UNKNOWN || filter(filter_ctx, type, action))
        return PG_SKIP_DECODE;
    *action_out = action;
    return PG_SKIP_COUNT_ONLY;
}
