/* cmd_lint.c — plangate lint [POLICY_PATH...] (SPEC §1, §4).
 *
 * Validates policy files and says where each problem is, as
 * `file:line:col: message` on stderr. Each PATH is loaded into a fresh
 * policy of its own (the default pack is not included, but its
 * `environments:` are, so a file may ask `{ production: true }`), file by file, so
 * every file gets its own `PATH: ok` line and a folder's files are checked
 * against each other (a rule id defined twice). With no PATH the default
 * pack compiled into plangate is linted. Detector ids are checked as each
 * file loads (pg_detect_check_policy). Exit 0 when everything is valid, 4
 * when a file is not, 2 on bad usage. Uses the public API only.
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
    pg_policy *p = pg_policy_new();

    if (p)
        pg_policy_set_check(p, pg_detect_check_policy);
    return p;
}

/* Is `id` a built-in detector, a rule of the default pack (`check` loads
 * it unless told not to) or a rule of `p`? Feeds `sg` the ids as it goes. */
static int known_rule(const pg_policy *p, const pg_policy *pack, const char *id, pg_suggest *sg)
{
    const pg_policy *sets[2] = {p, pack};
    size_t i, k;
    int found = 0;

    for (i = 0; i < pg_detector_count(); i++) {
        found |= strcmp(pg_detector_at(i)->id, id) == 0;
        pg_suggest_add(sg, pg_detector_at(i)->id);
    }
    for (k = 0; k < 2; k++)
        for (i = 0; sets[k] && i < pg_policy_rule_count(sets[k]); i++) {
            const pg_rule_meta *m = pg_policy_rule(sets[k], i);
            if (!m)
                continue;
            found |= strcmp(m->id, id) == 0;
            pg_suggest_add(sg, m->id);
        }
    return found;
}

/*
 * Every waiver names a rule that exists (issue 15): in `check` a waiver for
 * "dynamodb-key-replacment" is merely unused (the change may be about a
 * rule another file adds), but a lint of the files that hold it says it
 * waives nothing. Checked once the whole PATH has loaded (a folder's files
 * may waive each other's rules). Every such waiver is reported.
 */
static int check_waiver_rules(const pg_policy *p, const pg_policy *pack)
{
    char q[PG_ERROR_MESSAGE_MAX], hint[200];
    int exit_code = PG_EXIT_PASS;
    pg_policy_position at;
    pg_suggest sg;
    const char *id;
    size_t i;

    for (i = 0; (id = pg_policy_waiver_rule(p, i, &at)) != NULL; i++) {
        pg_suggest_init(&sg, id);
        if (known_rule(p, pack, id, &sg))
            continue;
        /* the suggestion is a known id: [A-Za-z0-9._-], nothing to escape */
        if (pg_suggest_best(&sg))
            snprintf(hint, sizeof hint, "; did you mean `%s`?", pg_suggest_best(&sg));
        else
            snprintf(hint, sizeof hint, " (`plangate explain` lists the known ids)");
        pg_cli_errorf("%s:%d:%d: waiver for unknown rule %s: no built-in detector or loaded rule has this id%s",
                      at.file, at.line, at.column, pg_quote_str(q, sizeof q, id), hint);
        exit_code = PG_EXIT_POLICY;
    }
    return exit_code;
}

/* The default pack's rules, for check_waiver_rules (NULL when out of memory:
 * then only detectors and the linted rules count, and lint says so). */
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

/* Load the files of one PATH into one policy, then check the waivers of
 * all of them; a file is `ok` when it loaded and none of its waivers is
 * for an unknown rule. */
static int lint_files(pg_policy *policy, const pg_policy *pack, char *const *files, size_t n)
{
    unsigned char *bad = n ? calloc(n, 1) : NULL;
    pg_policy_errors *errs = calloc(1, sizeof *errs);
    pg_policy_position at;
    pg_error err, first;
    size_t i, j;
    int exit_code = PG_EXIT_PASS, rc;

    pg_error_clear(&first);
    if ((n && !bad) || !errs) {
        free(bad);
        free(errs);
        pg_cli_error_oom("plangate lint");
        return PG_EXIT_PLAN;
    }
    for (i = 0; i < n; i++) {
        pg_error_clear(&err);
        errs->count = errs->more = 0;
        rc = pg_policy_load_path_all(policy, files[i], errs, &err);
        if (rc == PG_OK)
            continue;
        bad[i] = 1;
        /* every error of the file (issue 15), else the one that stopped it */
        if (errs->count > 0)
            first = errs->items[0];
        if (rc == PG_EPOLICY && errs->count > 0) {
            /* in the file's order (sections are read in a fixed order) */
            qsort(errs->items, errs->count, sizeof errs->items[0], by_position);
            for (j = 0; j < errs->count; j++)
                report(files[i], PG_EPOLICY, &errs->items[j]);
            if (errs->more)
                pg_cli_errorf("%s: and %zu more errors (lint shows the first %u)", files[i], errs->more,
                              PG_POLICY_MAX_ERRORS);
        }
        /* an error that stopped the load (YAML syntax, I/O, memory, the
         * detector ids of a file that otherwise loaded) is not in the list */
        if (errs->count == 0 || rc != PG_EPOLICY || !same_error(&err, &first))
            report(files[i], rc, &err);
        exit_code = worse(exit_code, pg_exit_for_error(rc));
    }
    exit_code = worse(exit_code, check_waiver_rules(policy, pack));
    for (i = 0; pg_policy_waiver_rule(policy, i, &at); i++) {
        pg_suggest sg;
        pg_suggest_init(&sg, NULL);
        if (known_rule(policy, pack, pg_policy_waiver_rule(policy, i, NULL), &sg))
            continue;
        for (j = 0; j < n; j++)
            if (at.file && strcmp(at.file, files[j]) == 0)
                bad[j] = 1;
    }
    for (i = 0; i < n; i++)
        if (!bad[i])
            report(files[i], PG_OK, NULL);
    free(bad);
    free(errs);
    return exit_code;
}

static int lint_path(const char *path, const pg_policy *pack)
{
    pg_policy *policy = new_policy();
    pg_error err;
    struct stat st;
    char **files = NULL;
    size_t n = 0;
    int exit_code = PG_EXIT_PASS, rc;

    if (!policy) {
        pg_cli_error_oom("plangate lint");
        return PG_EXIT_PLAN;
    }
    pg_error_clear(&err);
    /* A file linted without the pack still sees its environments: (issue 13):
     * `{ production: true }` is valid in it. */
    if ((rc = pg_policy_load_default_environments(policy, &err)) != PG_OK) {
        pg_policy_free(policy);
        return report("<builtin>", rc, &err);
    }
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        if ((rc = pg_policy_list_folder(path, &files, &n, &err)) != PG_OK)
            exit_code = report(path, rc, &err);
        exit_code = worse(exit_code, lint_files(policy, pack, files, n));
        pg_policy_list_free(files, n);
    } else {
        char *one = (char *)(uintptr_t)path; /* read only: lint_files takes a list */
        exit_code = lint_files(policy, pack, &one, 1);
    }
    pg_policy_free(policy);
    return exit_code;
}

static int lint_defaults(void)
{
    pg_policy *policy = new_policy();
    char name[PG_ERROR_SOURCE_MAX];
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
    exit_code = worse(exit_code, check_waiver_rules(policy, NULL));
    pg_policy_free(policy);
    return exit_code;
}

int pg_cmd_lint(int argc, char **argv)
{
    const char *paths[256], *value;
    size_t n = 0, i;
    int opt, exit_code = PG_EXIT_PASS;
    pg_opt_parser p;
    pg_policy *pack = NULL;

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
    if (n > 0 && !(pack = pack_rules())) {
        pg_cli_error_oom("plangate lint");
        return PG_EXIT_PLAN;
    }
    for (i = 0; i < n; i++)
        exit_code = worse(exit_code, lint_path(paths[i], pack));
    pg_policy_free(pack);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        pg_cli_errorf("plangate lint: cannot write to standard output");
        return worse(exit_code, PG_EXIT_PLAN);
    }
    return exit_code;
}
