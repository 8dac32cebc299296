/* opt.c — table-driven option parsing (cli/opt.h). */
#include "cli/opt.h"

#include <stdio.h>
#include <string.h>

#include "cli/diag.h"
#include "util/suggest.h"

void pg_opt_init(pg_opt_parser *p, const pg_opt_spec *specs, int argc, char **argv)
{
    memset(p, 0, sizeof *p);
    p->specs = specs;
    p->argc = argc;
    p->argv = argv;
    p->i = 1;
}

void pg_opt_set_short(pg_opt_parser *p, const pg_opt_short *shorts)
{
    p->shorts = shorts;
}

const pg_opt_spec *pg_opt_find(const pg_opt_spec *specs, const char *name, size_t len)
{
    const pg_opt_spec *s;

    for (s = specs; s->name; s++)
        if (strlen(s->name) == len && strncmp(s->name, name, len) == 0)
            return s;
    return NULL;
}

/* The option's value: `inline` (after `=` or the letter), else the next
 * word. Returns the id or PG_OPT_ERROR. */
static int take_value(pg_opt_parser *p, const pg_opt_spec *s, const char *inline_value, const char *shown,
                      const char **value)
{
    p->last = s;
    if (inline_value) {
        *value = inline_value;
    } else if (p->i < p->argc) {
        *value = p->argv[p->i++];
    } else {
        snprintf(p->error, sizeof p->error, "%s needs an argument (%s)", shown, s->arg);
        return PG_OPT_ERROR;
    }
    return s->id;
}

/* One letter of a group: `-p`, `-pVALUE`, or a flag followed by more. */
static int next_short(pg_opt_parser *p, const char **value)
{
    char letter = *p->group++, shown[3] = {'-', letter, '\0'}, q[PG_CLI_QUOTE_SIZE];
    const char *name = letter == 'h' ? "help" : NULL;
    const pg_opt_short *sh;
    const pg_opt_spec *s;

    for (sh = p->shorts; !name && sh && sh->letter; sh++)
        if (sh->letter == letter)
            name = sh->name;
    s = name ? pg_opt_find(p->specs, name, strlen(name)) : NULL;
    if (!s) {
        p->group = NULL;
        snprintf(p->error, sizeof p->error, "unknown option %s (see --help)", pg_cli_quote(q, shown));
        return PG_OPT_ERROR;
    }
    if (!s->arg) {
        if (!*p->group)
            p->group = NULL;
        p->last = s;
        return s->id;
    }
    {
        const char *rest = *p->group ? p->group : NULL;
        p->group = NULL;
        return take_value(p, s, rest, shown, value);
    }
}

int pg_opt_next(pg_opt_parser *p, const char **value)
{
    const char *word, *eq;
    size_t len;
    const pg_opt_spec *s;
    char shown[PG_CLI_QUOTE_SIZE];

    *value = NULL;
    p->last = NULL;
    if (p->group)
        return next_short(p, value);
    if (p->i >= p->argc)
        return PG_OPT_END;
    word = p->argv[p->i++];
    if (p->only_positional || word[0] != '-' || strcmp(word, "-") == 0) {
        *value = word;
        return PG_OPT_POSITIONAL;
    }
    if (strcmp(word, "--") == 0) {
        p->only_positional = 1;
        return pg_opt_next(p, value);
    }
    if (word[1] != '-') {
        p->group = word + 1;
        return next_short(p, value);
    }
    word += 2;
    eq = strchr(word, '=');
    len = eq ? (size_t)(eq - word) : strlen(word);
    snprintf(shown, sizeof shown, "--%.*s", (int)(len < sizeof shown - 3 ? len : sizeof shown - 3), word);
    if ((s = pg_opt_find(p->specs, word, len)) != NULL) {
        if (s->arg)
            return take_value(p, s, eq ? eq + 1 : NULL, shown, value);
        if (eq) {
            snprintf(p->error, sizeof p->error, "--%s takes no value", s->name);
            return PG_OPT_ERROR;
        }
        p->last = s;
        return s->id;
    }
    {
        char q[PG_CLI_QUOTE_SIZE], name[PG_SUGGEST_MAX_LEN + 1];
        const pg_opt_spec *t;
        const char *best;
        pg_suggest sg;
        /* the nearest option of this command ("did you mean"), util/suggest */
        snprintf(name, sizeof name, "%.*s", (int)(len < sizeof name - 1 ? len : sizeof name - 1), word);
        pg_suggest_init(&sg, len < sizeof name ? name : NULL);
        for (t = p->specs; t->name; t++)
            pg_suggest_add(&sg, t->name);
        best = pg_suggest_best(&sg);
        if (best)
            snprintf(p->error, sizeof p->error, "unknown option %s; did you mean `--%s`? (see --help)",
                     pg_cli_quote(q, shown), best);
        else
            snprintf(p->error, sizeof p->error, "unknown option %s (see --help)", pg_cli_quote(q, shown));
    }
    return PG_OPT_ERROR;
}

void pg_opt_help_short(FILE *out, const pg_opt_spec *specs, const pg_opt_short *shorts)
{
    const pg_opt_spec *s;
    const pg_opt_short *sh;
    char left[80], alias[8];

    for (s = specs; s->name; s++) {
        /* With aliases, every long name starts in the same column. */
        snprintf(alias, sizeof alias, "%s", shorts ? "    " : "");
        if (shorts && strcmp(s->name, "help") == 0)
            snprintf(alias, sizeof alias, "-h, ");
        for (sh = shorts; sh && sh->letter; sh++)
            if (strcmp(sh->name, s->name) == 0)
                snprintf(alias, sizeof alias, "-%c, ", sh->letter);
        snprintf(left, sizeof left, "%s--%s%s%s", alias, s->name, s->arg ? " " : "", s->arg ? s->arg : "");
        fprintf(out, "  %-*s %s\n", shorts ? 32 : 28, left, s->help);
    }
}

void pg_opt_help(FILE *out, const pg_opt_spec *specs)
{
    pg_opt_help_short(out, specs, NULL);
}
