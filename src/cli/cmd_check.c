/* cmd_check.c — plangate check [OPTIONS] [PLAN.json | -] (SPEC §1). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/exit.h"
#include "cli/opt.h"
#include "cli/output.h"
#include "plangate/plangate.h"
#include "util/buf.h"
#include "util/quote.h"

#define MAX_POLICIES 64
#define MAX_WAIVERS 64
#define MAX_REPORTS 16

typedef struct check_args {
    const char *plan;
    const char *policies[MAX_POLICIES];
    size_t n_policies;
    const char *waivers[MAX_WAIVERS];
    size_t n_waivers;
    int no_default;
    const char *format;
    const char *reports[MAX_REPORTS];
    size_t n_reports;
    const char *fail_on;
    const char *backend;
    const char *color;
    int quiet;
    const char *max_depth;
    const char *max_element;
} check_args;

enum {
    OPT_POLICY = 1,
    OPT_WAIVERS,
    OPT_NO_DEFAULT,
    OPT_FORMAT,
    OPT_REPORT,
    OPT_FAIL_ON,
    OPT_BACKEND,
    OPT_COLOR,
    OPT_QUIET,
    OPT_MAX_DEPTH,
    OPT_MAX_ELEMENT,
    OPT_HELP
};

static const pg_opt_spec check_opts[] = {
    {"policy", OPT_POLICY, "PATH", "trusted policy file or folder (repeatable); adds to the default pack"},
    {"waivers", OPT_WAIVERS, "FILE", "waivers from the change under review (repeatable): version: and waivers: only"},
    {"no-default-policies", OPT_NO_DEFAULT, NULL, "do not load the default pack compiled into plangate"},
    {"format", OPT_FORMAT, "FORMAT", "stdout format: text (default), json, sarif, junit, github, markdown"},
    {"report", OPT_REPORT, "FORMAT=PATH", "also write FORMAT to PATH (repeatable)"},
    {"fail-on", OPT_FAIL_ON, "SEVERITY", "fail at or above: critical, high (default), medium, low, info"},
    {"backend", OPT_BACKEND, "FILE", "the .terraform/terraform.tfstate written by terraform init"},
    {"color", OPT_COLOR, "WHEN", "colour the text report: auto (default), always, never; NO_COLOR is respected"},
    {"quiet", OPT_QUIET, NULL, "text report: findings and verdict only"},
    {"max-depth", OPT_MAX_DEPTH, "N", "JSON nesting limit (default 512)"},
    {"max-element-bytes", OPT_MAX_ELEMENT, "N", "largest single resource change, in bytes (default 256 MiB)"},
    {"help", OPT_HELP, NULL, "show this help"},
    {NULL, 0, NULL, NULL},
};

static void check_usage(FILE *out)
{
    fprintf(out, "usage: plangate check [OPTIONS] [PLAN.json | -]\n\n"
                 "Evaluate a plan (the output of `terraform show -json PLANFILE`); '-' or no file reads stdin.\n\n"
                 "options:\n");
    pg_opt_help(out, check_opts);
    fprintf(out, "\nexit codes: 0 pass, 1 fail, 2 usage error, 3 plan not evaluable, 4 invalid policy\n");
}

static int parse_size(const char *s, size_t *out)
{
    char *end;
    unsigned long long v;

    errno = 0;
    if (!s || *s < '0' || *s > '9')
        return -1;
    v = strtoull(s, &end, 10);
    if (errno || *end || v == 0)
        return -1;
    *out = (size_t)v;
    return 0;
}

static int parse_args(check_args *a, int argc, char **argv)
{
    pg_opt_parser p;
    int id;
    const char *val;

    memset(a, 0, sizeof *a);
    pg_opt_init(&p, check_opts, argc, argv);
    while ((id = pg_opt_next(&p, &val)) != PG_OPT_END) {
        switch (id) {
        case PG_OPT_ERROR:
            fprintf(stderr, "plangate check: %s\n", p.error);
            return PG_EXIT_USAGE;
        case PG_OPT_POSITIONAL:
            if (a->plan) {
                fprintf(stderr, "plangate check: one plan at a time (got '%s' and '%s')\n", a->plan, val);
                return PG_EXIT_USAGE;
            }
            a->plan = val;
            break;
        case OPT_POLICY:
            if (a->n_policies == MAX_POLICIES) {
                fprintf(stderr, "plangate check: at most %d --policy options\n", MAX_POLICIES);
                return PG_EXIT_USAGE;
            }
            a->policies[a->n_policies++] = val;
            break;
        case OPT_WAIVERS:
            if (a->n_waivers == MAX_WAIVERS) {
                fprintf(stderr, "plangate check: at most %d --waivers options\n", MAX_WAIVERS);
                return PG_EXIT_USAGE;
            }
            a->waivers[a->n_waivers++] = val;
            break;
        case OPT_NO_DEFAULT: a->no_default = 1; break;
        case OPT_FORMAT: a->format = val; break;
        case OPT_REPORT:
            if (a->n_reports == MAX_REPORTS) {
                fprintf(stderr, "plangate check: at most %d --report options\n", MAX_REPORTS);
                return PG_EXIT_USAGE;
            }
            a->reports[a->n_reports++] = val;
            break;
        case OPT_FAIL_ON: a->fail_on = val; break;
        case OPT_BACKEND: a->backend = val; break;
        case OPT_COLOR: a->color = val; break;
        case OPT_QUIET: a->quiet = 1; break;
        case OPT_MAX_DEPTH: a->max_depth = val; break;
        case OPT_MAX_ELEMENT: a->max_element = val; break;
        case OPT_HELP:
            check_usage(stdout);
            return -1;
        default:
            return PG_EXIT_USAGE;
        }
    }
    return 0;
}

static int want_color(const char *when, FILE *out)
{
    const char *term = getenv("TERM");
    const char *no_color = getenv("NO_COLOR");

    if (when && strcmp(when, "always") == 0)
        return 1;
    if (when && strcmp(when, "never") == 0)
        return 0;
    if (no_color && *no_color)
        return 0;
    if (term && strcmp(term, "dumb") == 0)
        return 0;
    return isatty(fileno(out));
}

/* "plangate: LINE" on stderr, escaped (the line may quote a policy file). */
static void print_error_line(const char *line)
{
    pg_buf b;

    pg_buf_init(&b, 0);
    if (pg_escape_line(&b, line, strlen(line), NULL) == 0)
        fprintf(stderr, "plangate: %s\n", pg_buf_cstr(&b));
    pg_buf_dispose(&b);
}

/* Trusted files first (the default pack, each --policy), then the waiver
 * files of the change, which are checked against what the trusted ones set
 * (docs/policies.md "Trust model"). Detector ids are checked as each file
 * loads. Errors name file:line:col and reach stderr escaped. */
static int load_policy(pg_policy **out, const check_args *a, const char *today)
{
    pg_policy *p = pg_policy_new();
    pg_error err;
    char line[PG_ERROR_MESSAGE_MAX + PG_ERROR_SOURCE_MAX + 64];
    size_t i;
    int rc = 0;

    pg_error_clear(&err);
    if (!p) {
        fprintf(stderr, "plangate: out of memory\n");
        return PG_EXIT_PLAN;
    }
    pg_policy_set_check(p, pg_detect_check_policy);
    if (!a->no_default)
        rc = pg_policy_load_defaults(p, &err);
    for (i = 0; rc == 0 && i < a->n_policies; i++)
        rc = pg_policy_load_path(p, a->policies[i], &err);
    for (i = 0; rc == 0 && i < a->n_waivers; i++)
        rc = pg_policy_load_waivers(p, a->waivers[i], today, &err);
    if (rc != 0) {
        pg_error_format(&err, line, sizeof line);
        print_error_line(line);
        pg_policy_free(p);
        return pg_exit_for_error(rc);
    }
    *out = p;
    return 0;
}

/* The day waivers are judged on: SOURCE_DATE_EPOCH when set (the library
 * reads no environment), else the system clock. An unusable clock fails
 * closed: exit 2 for a bad SOURCE_DATE_EPOCH, 3 for a broken system clock. */
static int read_clock(char today[11])
{
    char line[PG_ERROR_MESSAGE_MAX + PG_ERROR_SOURCE_MAX + 64];
    pg_error err;

    pg_error_clear(&err);
    if (pg_check_today(today, getenv("SOURCE_DATE_EPOCH"), &err) == 0)
        return 0;
    pg_error_format(&err, line, sizeof line);
    print_error_line(line);
    return pg_exit_for_error(err.code);
}

int pg_cmd_check(int argc, char **argv)
{
    check_args a;
    pg_policy *policy = NULL;
    pg_backend backend;
    int have_backend = 0;
    pg_check_options opts;
    pg_report report;
    pg_report_style style;
    pg_error err;
    char line[PG_ERROR_MESSAGE_MAX + PG_ERROR_SOURCE_MAX + 64], today[11];
    int format = PG_FORMAT_TEXT, sev = PG_SEV_HIGH, rc, code;
    size_t i;

    memset(&backend, 0, sizeof backend);
    pg_report_init(&report);
    pg_error_clear(&err);
    if ((code = parse_args(&a, argc, argv)) != 0)
        return code < 0 ? PG_EXIT_PASS : code;
    if (a.format && (format = pg_report_format_from_name(a.format)) < 0) {
        fprintf(stderr, "plangate check: unknown --format '%s' (text, json, sarif, junit, github, markdown)\n",
                a.format);
        return PG_EXIT_USAGE;
    }
    if (a.fail_on && (sev = pg_severity_from_name(a.fail_on)) < 0) {
        fprintf(stderr, "plangate check: unknown --fail-on '%s' (critical, high, medium, low, info)\n",
                a.fail_on);
        return PG_EXIT_USAGE;
    }
    if (a.color && strcmp(a.color, "auto") != 0 && strcmp(a.color, "always") != 0 &&
        strcmp(a.color, "never") != 0) {
        fprintf(stderr, "plangate check: unknown --color '%s' (auto, always, never)\n", a.color);
        return PG_EXIT_USAGE;
    }
    memset(&opts, 0, sizeof opts);
    if (a.max_depth) {
        size_t d;
        if (parse_size(a.max_depth, &d) != 0 || d > 100000) {
            fprintf(stderr, "plangate check: --max-depth wants a number from 1 to 100000\n");
            return PG_EXIT_USAGE;
        }
        opts.limits.max_depth = (unsigned)d;
    }
    if (a.max_element && parse_size(a.max_element, &opts.limits.max_capture) != 0) {
        fprintf(stderr, "plangate check: --max-element-bytes wants a positive number\n");
        return PG_EXIT_USAGE;
    }
    for (i = 0; i < a.n_reports; i++) {
        const char *eq = strchr(a.reports[i], '=');
        char name[32];
        if (!eq || eq == a.reports[i] || !eq[1] || (size_t)(eq - a.reports[i]) >= sizeof name) {
            fprintf(stderr, "plangate check: --report wants FORMAT=PATH (got '%s')\n", a.reports[i]);
            return PG_EXIT_USAGE;
        }
        memcpy(name, a.reports[i], (size_t)(eq - a.reports[i]));
        name[eq - a.reports[i]] = '\0';
        if (pg_report_format_from_name(name) < 0) {
            fprintf(stderr, "plangate check: unknown report format '%s' in --report\n", name);
            return PG_EXIT_USAGE;
        }
    }

    if ((code = read_clock(today)) != 0 || (code = load_policy(&policy, &a, today)) != 0)
        return code;
    if (a.backend) {
        if ((rc = pg_backend_load(&backend, a.backend, &err)) != 0) {
            pg_error_format(&err, line, sizeof line);
            fprintf(stderr, "plangate: %s\n", line);
            pg_policy_free(policy);
            return PG_EXIT_PLAN;
        }
        have_backend = 1;
    }

    opts.plan_path = a.plan;
    opts.policy = policy;
    opts.backend = have_backend ? &backend : NULL;
    opts.fail_on = (pg_severity)sev;
    opts.today = today;
    rc = pg_check_run(&opts, &report, &err);
    if (rc != 0) {
        pg_error_format(&err, line, sizeof line);
        fprintf(stderr, "plangate: %s\n", line);
    }

    memset(&style, 0, sizeof style);
    style.version = PG_VERSION;
    style.quiet = a.quiet;
    style.color = format == PG_FORMAT_TEXT && want_color(a.color, stdout);
    code = rc != 0 ? pg_exit_for_error(rc)
                   : report.verdict == PG_VERDICT_FAIL ? PG_EXIT_FAIL : PG_EXIT_PASS;

    /* Every output is checked: a report that failed to write never exits 0. */
    if (pg_cli_write_stdout(&report, (pg_report_format)format, &style) != 0)
        code = PG_EXIT_PLAN;
    style.color = 0;
    for (i = 0; i < a.n_reports; i++) {
        const char *eq = strchr(a.reports[i], '=');
        char name[32];
        memcpy(name, a.reports[i], (size_t)(eq - a.reports[i]));
        name[eq - a.reports[i]] = '\0';
        if (pg_cli_write_file(&report, (pg_report_format)pg_report_format_from_name(name), &style, eq + 1,
                              0) != 0)
            code = PG_EXIT_PLAN;
    }
    if (format == PG_FORMAT_GITHUB && getenv("GITHUB_STEP_SUMMARY") && *getenv("GITHUB_STEP_SUMMARY")) {
        if (pg_cli_write_file(&report, PG_FORMAT_MARKDOWN, &style, getenv("GITHUB_STEP_SUMMARY"), 1) != 0)
            code = PG_EXIT_PLAN;
    }

    pg_report_dispose(&report);
    if (have_backend)
        pg_backend_dispose(&backend);
    pg_policy_free(policy);
    return code;
}
