/* cmd_lint.c — plangate lint [POLICY_PATH...] (SPEC §1, §4).
 *
 * Validates policy files and says where each problem is, as
 * `file:line:col: message` on stderr. Each PATH is loaded into a fresh
 * policy of its own (the default pack is not included, but its
 * `environments:` are, so a file may ask `{ production: true }`), file by file, so
 * every file gets its own `PATH: ok` line and a folder's files are checked
 * against each other (a rule id defined twice). With no PATH the default
 * pack compiled into plangate is linted. Detector ids are checked as each
 * file loads (pg_detect_check_policy). Every error of a file is printed
 * (pg_policy_load_path_all, at most PG_POLICY_MAX_ERRORS), and once every
 * PATH has loaded, every waiver's rule id is checked against the detectors,
 * the default pack's rules and the rules of all PATHs (issue 15). Exit 0
 * when everything is valid, 4 when a file is not, 2 on bad usage. Uses the
 * public API only.
 *
 * Every line it prints names a file (whose name the user or a pull request
 * chose) and may quote what the file holds: each goes through
 * pg_escape_line, so no control character or workflow command gets out.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/commands.h"
#include "cli/diag.h"
#include "cli/exit.h"
#include "cli/opt.h"
#include "plangate/plangate.h"
#include "util/buf.h"
#include "util/quote.h"
#include "util/suggest.h"

enum { OPT_HELP = 1 };

static const pg_opt_spec lint_opts[] = {
    {"help", OPT_HELP, NULL, "show this help"},
    {NULL, 0, NULL, NULL},
};

static void lint_usage(FILE *out)
{
    fprintf(out, "usage: plangate lint [POLICY_PATH...]\n\n"
                 "Validate policy files (a file, or a folder's *.yaml and *.yml files); without a\n"
                 "path, the default pack compiled into plangate. Problems are reported as\n"
                 "file:line:column: message. Exit 0 when valid, 4 when not.\n\n"
                 "options:\n");
    pg_opt_help(out, lint_opts);
}

/* Worst exit code so far: a policy error (4) outranks nothing, and an
 * out-of-memory or I/O failure is reported as what it is. */
static int worse(int a, int b)
{
    return a > b ? a : b;
}

/* One line, escaped (see the top of this file). */
static void put_line(FILE *out, const char *text, const char *suffix)
{
    pg_buf b;

    pg_buf_init(&b, 0);
    if (pg_escape_line(&b, text, strlen(text), NULL) == 0)
        fprintf(out, "%s%s\n", pg_buf_cstr(&b), suffix);
    else
        fprintf(out, "(a line plangate could not escape: out of memory)\n");
    pg_buf_dispose(&b);
}

static int report(const char *name, int rc, const pg_error *err)
{
    char line[PG_ERROR_MESSAGE_MAX + PG_ERROR_SOURCE_MAX + 64];

    if (rc == PG_OK) {
        put_line(stdout, name, ": ok");
        return PG_EXIT_PASS;
    }
    pg_error_format(err, line, sizeof line);
    pg_cli_errorf("%s", line);
    return pg_exit_for_error(rc);
}

static pg_policy *new_policy(void)
{
    pg_policy *p = NULL;
    pg_error err;

    pg_error_clear(&err);
    if (pg_policy_new(&p, &err) == PG_OK)
        pg_policy_set_check(p, pg_detect_check_policy);
    return p;
}

/* One PATH of the command line: its files, loaded into one policy. */
typedef struct lint_unit {
    pg_policy *policy;
    char **files;            /* a folder's files (owned), or `one` */
    char *one;
    size_t n;
    int listed;              /* files came from pg_policy_list_folder */
    unsigned char *bad;      /* per file: an error was reported */
} lint_unit;

/* The rule ids `lint` knows: the built-in detectors, the default pack's
 * rules (`check` loads it unless told not to) and the rules of every PATH
 * linted in this run (a waiver file may be linted beside the rules it
 * waives). Is `id` one of them? Feeds `sg` every id as it goes. */
static int known_rule(const lint_unit *units, size_t n_units, const pg_policy *pack, const char *id, pg_suggest *sg)
{
    size_t i, k;
    int found = 0;

    for (i = 0; i < pg_detector_count(); i++) {
        found |= strcmp(pg_detector_at(i)->id, id) == 0;
        pg_suggest_add(sg, pg_detector_at(i)->id);
    }
    for (k = 0; k <= n_units; k++) {
        const pg_policy *set = k < n_units ? units[k].policy : pack;
        for (i = 0; set && i < pg_policy_rule_count(set); i++) {
            const pg_rule_meta *m = pg_policy_rule(set, i);
            if (!m)
                continue;
            found |= strcmp(m->id, id) == 0;
            pg_suggest_add(sg, m->id);
        }
    }
    return found;
}

/*
 * Every waiver names a rule that exists (issue 15): in `check` a waiver for
 * "dynamodb-key-replacment" is merely unused (the change may be about a
 * rule another file adds), but a lint of the files that hold it says it
 * waives nothing. Checked once every PATH has loaded. Every such waiver is
 * reported, and its file marked bad.
 */
static int check_waiver_rules(lint_unit *u, const lint_unit *units, size_t n_units, const pg_policy *pack)
{
    char q[PG_ERROR_MESSAGE_MAX], hint[200];
    int exit_code = PG_EXIT_PASS;
    pg_policy_position at;
    pg_suggest sg;
    const char *id;
    size_t i, j;

    for (i = 0; (id = pg_policy_waiver_rule(u->policy, i, &at)) != NULL; i++) {
        pg_suggest_init(&sg, id);
        if (known_rule(units, n_units, pack, id, &sg))
            continue;
        /* the suggestion is a known id: [A-Za-z0-9._-], nothing to escape */
        if (pg_suggest_best(&sg))
            snprintf(hint, sizeof hint, "; did you mean `%s`?", pg_suggest_best(&sg));
        else
            snprintf(hint, sizeof hint, " (`plangate explain` lists the known ids)");
        pg_cli_errorf("%s:%d:%d: waiver for unknown rule %s: no built-in detector or loaded rule has this id%s",
                      at.file, at.line, at.column, pg_quote_str(q, sizeof q, id), hint);
        exit_code = PG_EXIT_POLICY;
        for (j = 0; j < u->n; j++)
            if (at.file && strcmp(at.file, u->files[j]) == 0)
                u->bad[j] = 1;
    }
    return exit_code;
}

/* The default pack's rules, for check_waiver_rules (NULL when it cannot be
 * loaded: out of memory, which the caller reports). */
static pg_policy *pack_rules(void)
{
    pg_policy *pack = new_policy();
    pg_error err;

    pg_error_clear(&err);
    if (pack && pg_policy_load_defaults(pack, &err) != PG_OK) {
        pg_policy_free(pack);
        pack = NULL;
    }
    return pack;
}

static int by_position(const void *pa, const void *pb)
{
    const pg_error *a = pa, *b = pb;

    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    return a->column < b->column ? -1 : a->column > b->column;
}

static int same_error(const pg_error *a, const pg_error *b)
{
    return a->code == b->code && a->line == b->line && a->column == b->column &&
           strcmp(a->message, b->message) == 0 && strcmp(a->source, b->source) == 0;
}

/* Load one file of a unit, printing every error it has (issue 15). */
static int lint_file(lint_unit *u, size_t i, pg_policy_errors *errs)
{
    pg_error err, first;
    size_t j;
    int rc;

    pg_error_clear(&err);
    pg_error_clear(&first);
    errs->count = errs->more = 0;
    rc = pg_policy_load_path_all(u->policy, u->files[i], errs, &err);
    if (rc == PG_OK)
        return PG_EXIT_PASS;
    u->bad[i] = 1;
    if (errs->count > 0)
        first = errs->items[0];
    if (rc == PG_EPOLICY && errs->count > 0) {
        /* in the file's order (sections are read in a fixed order) */
        qsort(errs->items, errs->count, sizeof errs->items[0], by_position);
        for (j = 0; j < errs->count; j++)
            report(u->files[i], PG_EPOLICY, &errs->items[j]);
        if (errs->more)
            pg_cli_errorf("%s: and %zu more errors (lint shows the first %u)", u->files[i], errs->more,
                          PG_POLICY_MAX_ERRORS);
    }
    /* an error that stopped the load (YAML syntax, I/O, memory, the
     * detector ids of a file that otherwise loaded) is not in the list */
    if (errs->count == 0 || rc != PG_EPOLICY || !same_error(&err, &first))
        report(u->files[i], rc, &err);
    return pg_exit_for_error(rc);
}

/* Open one PATH: its policy (with the pack's environments: a file linted
 * without the pack may still ask `{ production: true }`, issue 13) and its
 * files, each loaded. */
static int lint_open(lint_unit *u, const char *path, pg_policy_errors *errs)
{
    pg_error err;
    struct stat st;
    size_t i;
    int exit_code = PG_EXIT_PASS, rc;

    memset(u, 0, sizeof *u);
    if (!(u->policy = new_policy())) {
        pg_cli_error_oom("plangate lint");
        return PG_EXIT_PLAN;
    }
    pg_error_clear(&err);
    if ((rc = pg_policy_load_default_environments(u->policy, &err)) != PG_OK)
        return report("<builtin>", rc, &err);
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        if ((rc = pg_policy_list_folder(path, &u->files, &u->n, &err)) != PG_OK)
            exit_code = report(path, rc, &err);
        u->listed = 1;
    } else {
        u->one = (char *)(uintptr_t)path; /* read only: the unit holds a list */
        u->files = &u->one;
        u->n = 1;
    }
    if (u->n && !(u->bad = calloc(u->n, 1))) {
        pg_cli_error_oom("plangate lint");
        return PG_EXIT_PLAN;
    }
    for (i = 0; i < u->n; i++)
        exit_code = worse(exit_code, lint_file(u, i, errs));
    return exit_code;
}

static void lint_close(lint_unit *u)
{
    if (u->listed)
        pg_policy_list_free(u->files, u->n);
    free(u->bad);
    pg_policy_free(u->policy);
    memset(u, 0, sizeof *u);
}

/* Every PATH, then every waiver against the rules of all of them, then
 * `FILE: ok` for each file without an error. */
static int lint_paths(const char *const *paths, size_t n)
{
    lint_unit *units = calloc(n, sizeof *units);
    pg_policy_errors *errs = calloc(1, sizeof *errs);
    pg_policy *pack = pack_rules();
    int exit_code = PG_EXIT_PASS;
    size_t i, j;

    if (!units || !errs || !pack) {
        free(units);
        free(errs);
        pg_policy_free(pack);
        pg_cli_error_oom("plangate lint");
        return PG_EXIT_PLAN;
    }
    for (i = 0; i < n; i++)
        exit_code = worse(exit_code, lint_open(&units[i], paths[i], errs));
    for (i = 0; i < n; i++)
        if (units[i].policy)
            exit_code = worse(exit_code, check_waiver_rules(&units[i], units, n, pack));
    for (i = 0; i < n; i++) {
        for (j = 0; units[i].bad && j < units[i].n; j++)
            if (!units[i].bad[j])
                report(units[i].files[j], PG_OK, NULL);
        lint_close(&units[i]);
    }
    free(units);
    free(errs);
    pg_policy_free(pack);
    return exit_code;
}

static int lint_defaults(void)
{
    pg_policy *policy = new_policy();
    char name[PG_ERROR_SOURCE_MAX];
    lint_unit u;
    pg_error err;
    size_t i;
    int exit_code = PG_EXIT_PASS;

    if (!policy) {
        pg_cli_error_oom("plangate lint");
        return PG_EXIT_PLAN;
    }
    for (i = 0; i < pg_policy_default_count(); i++) {
        snprintf(name, sizeof name, PG_POLICY_BUILTIN_PREFIX "%s", pg_policy_default_file(i));
        pg_error_clear(&err);
        exit_code = worse(exit_code, report(name, pg_policy_load_default(policy, i, &err), &err));
    }
    memset(&u, 0, sizeof u);
    u.policy = policy;
    exit_code = worse(exit_code, check_waiver_rules(&u, &u, 1, NULL));
    pg_policy_free(policy);
    return exit_code;
}

int pg_cmd_lint(int argc, char **argv)
{
    const char *paths[256], *value;
    size_t n = 0;
    int opt, exit_code = PG_EXIT_PASS;
    pg_opt_parser p;

    pg_opt_init(&p, lint_opts, argc, argv);
    while ((opt = pg_opt_next(&p, &value)) != PG_OPT_END) {
        switch (opt) {
        case OPT_HELP:
            lint_usage(stdout);
            return fflush(stdout) == 0 && !ferror(stdout) ? PG_EXIT_PASS : PG_EXIT_PLAN;
        case PG_OPT_POSITIONAL:
            if (n == sizeof paths / sizeof paths[0]) {
                pg_cli_errorf("plangate lint: at most %zu paths", n);
                return PG_EXIT_USAGE;
            }
            paths[n++] = value;
            break;
        default:
            pg_cli_errorf("plangate lint: %s", p.error);
            pg_cli_error_usage(lint_usage);
            return PG_EXIT_USAGE;
        }
    }
    if (n == 0)
        exit_code = lint_defaults();
    if (n > 0)
        exit_code = lint_paths(paths, n);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        pg_cli_errorf("plangate lint: cannot write to standard output");
        return worse(exit_code, PG_EXIT_PLAN);
    }
    return exit_code;
}
