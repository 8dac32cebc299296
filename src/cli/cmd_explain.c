/* cmd_explain.c — plangate explain [--policy PATH]... RULE_ID (SPEC §1).
 *
 * What a built-in detector or a policy rule checks, why it matters, how to
 * fix it and how to waive it. Detectors come from the catalogue in
 * src/detect/registry.c; rules from the default pack (unless
 * --no-default-policies) plus every --policy, so custom rules explain too.
 *
 * A rule's title, description, remediation and source come from a policy
 * file: every line printed goes through pg_escape_line (util/quote), which
 * escapes control characters, bidi controls and "##[", and a "::" that
 * would start a line (a GitHub workflow command), wrapped lines included. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/diag.h"
#include "cli/exit.h"
#include "cli/opt.h"
#include "plangate/plangate.h"
#include "util/buf.h"
#include "util/quote.h"
#include "util/suggest.h"

#define MAX_POLICIES 64
#define WRAP_COLUMNS 78

enum { OPT_POLICY = 1, OPT_NO_DEFAULT, OPT_HELP };

static const pg_opt_spec explain_opts[] = {
    {"policy", OPT_POLICY, "PATH", "also load this policy file or folder (repeatable), to explain its rules"},
    {"no-default-policies", OPT_NO_DEFAULT, NULL, "do not load the default pack compiled into plangate"},
    {"help", OPT_HELP, NULL, "show this help"},
    {NULL, 0, NULL, NULL},
};

static void explain_usage(FILE *out)
{
    fprintf(out, "usage: plangate explain [OPTIONS] RULE_ID\n\n"
                 "What a built-in detector or a policy rule checks and why, how to fix it, how to waive it.\n"
                 "Given a resource type instead (aws_db_instance), what the catalogue of data stores\n"
                 "says a destroy of it loses and which attributes change the outcome.\n\n"
                 "options:\n");
    pg_opt_help(out, explain_opts);
}

/* One output line: `indent` spaces, then `s[0..len)` escaped. */
static void put_line(FILE *out, const char *indent, const char *s, size_t len)
{
    pg_buf b;

    pg_buf_init(&b, 0);
    if (pg_escape_line(&b, s, len, NULL) == 0)
        fprintf(out, "%s%s\n", indent, pg_buf_cstr(&b));
    pg_buf_dispose(&b);
}

/* One source line, already escaped (no newline in it), wrapped at
 * WRAP_COLUMNS with two spaces of indent. */
static void wrap_line(FILE *out, const char *p, size_t len)
{
    while (len > WRAP_COLUMNS - 2) {
        size_t cut = WRAP_COLUMNS - 2;
        while (cut > 0 && p[cut] != ' ')
            cut--;
        if (cut == 0) { /* one long word: do not break it */
            cut = WRAP_COLUMNS - 2;
            while (cut < len && p[cut] != ' ')
                cut++;
            if (cut == len)
                break;
        }
        put_line(out, "  ", p, cut);
        p += cut + 1;
        len -= cut + 1;
    }
    put_line(out, "  ", p, len);
}

/* Print `text` wrapped, every line indented by two spaces. Newlines in the
 * text are kept (remediations may hold code blocks); everything else is
 * escaped before it is wrapped, so a wrap cannot split an escape. */
static void wrapped(FILE *out, const char *text)
{
    const char *p = text ? text : "";
    pg_buf esc;

    pg_buf_init(&esc, 0);
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        pg_buf_reset(&esc);
        if (pg_escape_text(&esc, p, len, NULL) == 0)
            wrap_line(out, pg_buf_cstr(&esc), esc.len);
        p += len;
        if (*p == '\n')
            p++;
    }
    pg_buf_dispose(&esc);
}

/* A line made of policy text (a rule's id and title, its source), escaped. */
static void put_fmt_line(FILE *out, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void put_fmt_line(FILE *out, const char *fmt, ...)
{
    va_list ap;
    pg_buf line;
    int rc;

    pg_buf_init(&line, 0);
    va_start(ap, fmt);
    rc = pg_buf_vaddf(&line, NULL, fmt, ap);
    va_end(ap);
    if (rc == 0)
        put_line(out, "", pg_buf_cstr(&line), line.len);
    pg_buf_dispose(&line);
}

static void waiver_snippet(FILE *out, const char *id)
{
    fprintf(out,
            "How to waive it (in a --policy file, or in a --waivers file from the change, which\n"
            "must give a reason, an expiry within waiver_limits, and the exact address):\n"
            "  waivers:\n"
            "    - rule: %s\n"
            "      address: \"aws_dynamodb_table.example\"   # glob of the finding's address\n"
            "      reason: \"TICKET-123: why this is acceptable\"\n"
            "      owner: team@example.com                  # optional\n"
            "      expires: 2026-12-31                      # the waiver is void after it\n",
            id);
}

static void explain_detector(FILE *out, const pg_detector *d, const pg_policy *policy)
{
    pg_severity eff = pg_policy_detector_severity(policy, d->id, d->default_severity);

    fprintf(out, "%s: %s\n", d->id, d->title);
    fprintf(out, "built-in detector; default severity: %s", pg_severity_name(d->default_severity));
    if (eff != d->default_severity)
        fprintf(out, " (%s in the loaded policies)", pg_severity_name(eff));
    if (!pg_policy_detector_enabled(policy, d->id))
        fprintf(out, "; DISABLED in the loaded policies");
    fprintf(out, "\n\nWhat it checks:\n");
    wrapped(out, d->checks);
    fprintf(out, "\nWhy it matters:\n");
    wrapped(out, d->why);
    fprintf(out, "\nHow to fix it:\n");
    wrapped(out, d->fix);
    fprintf(out, "\n");
    waiver_snippet(out, d->id);
    fprintf(out,
            "\nHow to configure it (policy file):\n"
            "  detectors:\n"
            "    %s: { severity: %s }   # or { enabled: false }\n",
            d->id, pg_severity_name(d->default_severity));
}

static void explain_rule(FILE *out, const pg_rule_meta *m)
{
    put_fmt_line(out, "%s: %s", m->id, m->title ? m->title : "");
    put_fmt_line(out, "policy rule from %s; severity: %s", m->source ? m->source : "a policy file",
                 pg_severity_name(m->severity));
    fprintf(out, "\nWhat it checks and why:\n");
    wrapped(out, m->description && *m->description ? m->description : "(the rule has no description)");
    fprintf(out, "\nHow to fix it:\n");
    wrapped(out, m->remediation && *m->remediation ? m->remediation : "(the rule has no remediation text)");
    fprintf(out, "\n");
    if (m->waivable)
        waiver_snippet(out, m->id);
    else
        fprintf(out, "How to waive it: it cannot be waived (the rule says waivable: false).\n");
}

/* `plangate explain TYPE`: what the catalogue of data stores knows of a
 * resource type (issue 14). The texts are policy text: escaped. */
static void explain_data_store(FILE *out, const char *type, const pg_data_store *d)
{
    size_t i;

    put_fmt_line(out, "%s: a data store (data-loss)", type);
    if (strcmp(d->type, type) != 0)
        put_fmt_line(out, "catalogue entry %s, from %s", d->type, d->source);
    else
        put_fmt_line(out, "catalogue entry from %s", d->source);
    fprintf(out, "\nWhat a delete or replace loses:\n");
    wrapped(out, d->holds);
    if (d->n_names) {
        fprintf(out, "\nPhysical name (the first one set):\n");
        for (i = 0; i < d->n_names; i++)
            put_fmt_line(out, "  %s", d->names[i]);
    }
    fprintf(out, "\nWhat changes the outcome (read from the current state, before):\n");
    if (!d->n_outcomes)
        fprintf(out, "  nothing the plan shows: the data goes with the resource\n");
    for (i = 0; i < d->n_outcomes; i++) {
        const pg_store_outcome *o = &d->outcomes[i];
        char *w = o->when_set ? json_dumps(o->when, JSON_ENCODE_ANY) : NULL;
        put_fmt_line(out, "- %s %s %s (%s):", o->attribute, o->when_set ? "=" : "is",
                     o->when_set ? (w ? w : "?") : "set", pg_store_effect_name(o->effect));
        wrapped(out, o->says);
        free(w);
    }
    fprintf(out, "\nA destroy is medium, critical when the resource is production or protected.\n"
                 "To change this entry, redefine the type under data_stores: in a --policy file\n"
                 "(an entry replaces it whole), or take the type out with { enabled: false }.\n");
}

static void list_known(FILE *out, const pg_policy *policy)
{
    size_t i, n;

    fprintf(out, "built-in detectors:\n");
    for (i = 0; i < pg_detector_count(); i++)
        fprintf(out, "  %s\n", pg_detector_at(i)->id);
    n = pg_policy_rule_count(policy);
    if (n)
        fprintf(out, "policy rules:\n");
    for (i = 0; i < n; i++) {
        const pg_rule_meta *m = pg_policy_rule(policy, i);
        if (m)
            put_line(out, "  ", m->id, strlen(m->id));
    }
}

int pg_cmd_explain(int argc, char **argv)
{
    FILE *block;
    const char *policies[MAX_POLICIES];
    size_t n_policies = 0, i;
    const char *id = NULL, *value;
    int no_default = 0, opt, rc = PG_EXIT_PASS;
    pg_opt_parser p;
    pg_policy *policy = NULL;
    pg_error err;
    char line[PG_ERROR_MESSAGE_MAX + PG_ERROR_SOURCE_MAX + 64], q1[96], q2[96];
    const pg_detector *d;

    pg_error_clear(&err);
    pg_opt_init(&p, explain_opts, argc, argv);
    while ((opt = pg_opt_next(&p, &value)) != PG_OPT_END) {
        switch (opt) {
        case OPT_POLICY:
            if (n_policies == MAX_POLICIES) {
                pg_cli_errorf("plangate explain: at most %d --policy options", MAX_POLICIES);
                return PG_EXIT_USAGE;
            }
            policies[n_policies++] = value;
            break;
        case OPT_NO_DEFAULT:
            no_default = 1;
            break;
        case OPT_HELP:
            explain_usage(stdout);
            return fflush(stdout) == 0 && !ferror(stdout) ? PG_EXIT_PASS : PG_EXIT_PLAN;
        case PG_OPT_POSITIONAL:
            if (id) {
                pg_cli_errorf("plangate explain: one RULE_ID only (%s and %s)", pg_quote_str(q1, sizeof q1, id),
                              pg_quote_str(q2, sizeof q2, value));
                return PG_EXIT_USAGE;
            }
            id = value;
            break;
        default:
            pg_cli_errorf("plangate explain: %s", p.error);
            pg_cli_error_usage(explain_usage);
            return PG_EXIT_USAGE;
        }
    }

    if (pg_policy_new(&policy, &err) != PG_OK) {
        pg_cli_error_oom("plangate explain");
        return PG_EXIT_PLAN;
    }
    pg_policy_set_check(policy, pg_detect_check_policy);
    if ((!no_default && pg_policy_load_defaults(policy, &err) != 0)) {
        rc = pg_exit_for_error(err.code);
        goto print_error;
    }
    for (i = 0; i < n_policies; i++)
        if (pg_policy_load_path(policy, policies[i], &err) != 0) {
            rc = pg_exit_for_error(err.code);
            goto print_error;
        }

    if (!id) {
        pg_cli_errorf("plangate explain: which rule? give a RULE_ID, one of:");
        list_known(block = pg_cli_error_block_open(), policy);
        pg_cli_error_block_close(block);
        rc = PG_EXIT_USAGE;
        goto out;
    }
    if ((d = pg_detector_find(id)) != NULL) {
        explain_detector(stdout, d, policy);
    } else if (!strchr(id, '*') && pg_policy_data_store_find(policy, id)) {
        explain_data_store(stdout, id, pg_policy_data_store_find(policy, id));
    } else {
        const pg_rule_meta *m = NULL;

        for (i = 0; i < pg_policy_rule_count(policy) && !m; i++) {
            const pg_rule_meta *r = pg_policy_rule(policy, i);
            if (r && r->id && strcmp(r->id, id) == 0)
                m = r;
        }
        if (!m) {
            pg_suggest sg;
            pg_suggest_init(&sg, id);
            for (i = 0; i < pg_detector_count(); i++)
                pg_suggest_add(&sg, pg_detector_at(i)->id);
            for (i = 0; i < pg_policy_rule_count(policy); i++)
                pg_suggest_add(&sg, pg_policy_rule(policy, i) ? pg_policy_rule(policy, i)->id : NULL);
            /* rule ids are [A-Za-z0-9._-]: nothing to escape */
            if (pg_suggest_best(&sg))
                pg_cli_errorf("plangate explain: unknown rule id %s; did you mean `%s`? known ids:",
                              pg_quote_str(q1, sizeof q1, id), pg_suggest_best(&sg));
            else
                pg_cli_errorf("plangate explain: unknown rule id %s; known ids:", pg_quote_str(q1, sizeof q1, id));
            list_known(block = pg_cli_error_block_open(), policy);
            pg_cli_error_block_close(block);
            rc = PG_EXIT_USAGE;
            goto out;
        }
        explain_rule(stdout, m);
    }
    /* A report that failed to write never exits 0 (STYLE §19). */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        pg_cli_errorf("plangate explain: cannot write to standard output");
        rc = PG_EXIT_PLAN;
    }
    goto out;

print_error:
    pg_error_format(&err, line, sizeof line);
    pg_cli_errorf("plangate explain: %s", line);
out:
    pg_policy_free(policy);
    return rc;
}
