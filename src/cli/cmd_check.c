/* cmd_check.c — plangate check [OPTIONS] [PLAN.json... | -] (SPEC §1; many plans: issue 17). */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/config.h"
#include "cli/diag.h"
#include "cli/exit.h"
#include "cli/multi.h"
#include "cli/opt.h"
#include "cli/output.h"
#include "cli/target.h"
#include "cli/width.h"
#include "plangate/plangate.h"
#include "util/buf.h"
#include "util/grow.h"
#include "util/quote.h"
#include "util/suggest.h"

#define MAX_POLICIES 64
#define MAX_WAIVERS 64
#define MAX_REPORTS 16
#define MAX_TITLE_BYTES 256 /* --title; an empty one is no title */

/* The reader refuses a deeper nesting whatever its limits say (json.h);
 * until that header defines it, the same figure here. */
#ifndef PG_JSON_MAX_DEPTH_CEILING
#define PG_JSON_MAX_DEPTH_CEILING 4096u
#endif

/* --max-element-bytes at most 1 GiB: decoding one change may take 8 times
 * its size plus 64 MiB (issue 11), so the largest value the flag takes stays
 * near 8 GiB, not the tens of GB that would get the gate OOM-killed. */
#define MAX_ELEMENT_CEILING ((size_t)1 << 30)

typedef struct check_args {
    const char **plans; /* as given, in order (owned array, borrowed strings) */
    size_t n_plans, plans_cap;
    int have_stdin;     /* "-" is among them */
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
    const char *env;
    const char *title;
    const char *jobs;
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
    OPT_ENV,
    OPT_TITLE,
    OPT_JOBS,
    OPT_CONFIG,
    OPT_NO_CONFIG,
    OPT_HELP
};

static const pg_opt_spec check_opts[] = {
    {"policy", OPT_POLICY, "PATH", "trusted policy file or folder (repeatable); adds to the default pack"},
    {"waivers", OPT_WAIVERS, "FILE", "waivers from the change under review (repeatable): version: and waivers: only"},
    {"no-default-policies", OPT_NO_DEFAULT, NULL, "do not load the default pack compiled into plangate"},
    {"format", OPT_FORMAT, "FORMAT", "stdout format: text (default), json, sarif, junit, github, markdown"},
    {"report", OPT_REPORT, "FORMAT=PATH", "also write FORMAT to PATH (repeatable; PATH - is stdout)"},
    {"fail-on", OPT_FAIL_ON, "SEVERITY",
     "fail at or above: critical, high (default), medium, low, info; none: audit mode (findings never fail)"},
    {"backend", OPT_BACKEND, "FILE", "the .terraform/terraform.tfstate written by terraform init"},
    {"env", OPT_ENV, "NAME", "every resource of the plan is in environment NAME (an environments: entry, e.g. production)"},
    {"title", OPT_TITLE, "TEXT", "name the run or stack in every report (and the Markdown comment marker)"},
    {"jobs", OPT_JOBS, "N", "check up to N plans at once (default: the online CPUs; 1 with PLANGATE_NO_THREADS)"},
    {"color", OPT_COLOR, "WHEN", "colour the text report: auto (default), always, never; NO_COLOR is respected"},
    {"quiet", OPT_QUIET, NULL, "text report: the verdict and one line per finding"},
    {"max-depth", OPT_MAX_DEPTH, "N", "JSON nesting limit (default 512, at most 4096)"},
    {"max-element-bytes", OPT_MAX_ELEMENT, "N",
     "largest single resource change, in bytes (default 64 MiB, at most 1 GiB)"},
    {"config", OPT_CONFIG, "FILE", "read settings from FILE, not from the .plangate.yaml found in . or above"},
    {"no-config", OPT_NO_CONFIG, NULL, "read no config file"},
    {"help", OPT_HELP, NULL, "show this help"},
    {NULL, 0, NULL, NULL},
};

/* The common flags have one letter (README "Usage"; -h is --help everywhere). */
static const pg_opt_short check_shorts[] = {
    {'p', "policy"}, {'f', "format"}, {'o', "report"}, {'q', "quiet"}, {'c', "config"}, {0, NULL},
};

/* What PLANGATE_* variables and .plangate.yaml may set (cli/config.h). The
 * trusted ones decide what is judged and how strictly: a config file found
 * in the checkout under review may not set them (README "Trust model").
 * Options without a row come from the command line only. */
static const pg_cli_key check_keys[] = {
    {"policy", PG_KEY_LIST | PG_KEY_PATH | PG_KEY_TRUSTED},
    {"waivers", PG_KEY_LIST | PG_KEY_PATH},
    {"no-default-policies", PG_KEY_TRUSTED},
    {"fail-on", PG_KEY_TRUSTED},
    {"env", PG_KEY_TRUSTED},
    {"backend", PG_KEY_PATH | PG_KEY_TRUSTED}, /* which table is the state lock: a forged one hides the real */
    {"format", 0},
    {"report", PG_KEY_LIST | PG_KEY_REPORT},
    {"title", 0},
    {"color", 0},
    {"quiet", 0},
    {"max-depth", 0},
    {"max-element-bytes", 0},
    {"jobs", 0},
    {NULL, 0},
};

static const pg_cli_layers check_layers = {
    "plangate check", check_opts, check_shorts, check_keys, OPT_CONFIG, OPT_NO_CONFIG, OPT_HELP,
};

static void check_usage(FILE *out)
{
    fprintf(out, "usage: plangate check [OPTIONS] [PLAN.json... | -]\n\n"
                 "Evaluate plans (the output of `terraform show -json PLANFILE`); '-' (once) or no file reads stdin.\n"
                 "Several plans give one report with a section per plan; the exit code is the most severe.\n\n"
                 "options:\n");
    pg_opt_help_short(out, check_opts, check_shorts);
    fprintf(out, "\nEach option but --config, --no-config and --help may also come from PLANGATE_<OPTION>\n"
                 "(PLANGATE_FAIL_ON=medium; lists separated by ':') or from .plangate.yaml (fail_on: medium);\n"
                 "the command line overrides the environment, which overrides the file (README \"Config file\").\n"
                 "\nexit codes: 0 pass, 1 fail, 2 usage error, 3 plan not evaluable, 4 invalid policy\n");
}

static int parse_size(const char *s, size_t *out)
{
    char *end;
    unsigned long long v;

    errno = 0;
    if (!s || *s < '0' || *s > '9')
        return -1;
    v = strtoull(s, &end, 10);
    if (errno || *end || v == 0 || v > SIZE_MAX)
        return -1;
    *out = (size_t)v;
    return 0;
}

/* The settings of the command line, PLANGATE_* and the config file, in the
 * order config.h gives them: what a later one sets wins, as on a command
 * line. */
static int parse_args(check_args *a, pg_cli_settings *set, int argc, char **argv)
{
    size_t k;
    int id, code;
    const char *val;
    pg_error err;

    memset(a, 0, sizeof *a);
    if ((code = pg_cli_settings_gather(set, &check_layers, argc, argv)) != 0)
        return code;
    for (k = 0; k < set->n; k++) {
        id = set->items[k].id;
        val = set->items[k].value;
        switch (id) {
        case PG_OPT_POSITIONAL:
            /* standard input can be read once: a second "-" would be an empty plan */
            if (strcmp(val, "-") == 0 && a->have_stdin++) {
                pg_cli_errorf("plangate check: '-' (standard input) may be given once");
                return PG_EXIT_USAGE;
            }
            if (PG_GROW(a->plans, a->plans_cap, a->n_plans + 1, &err) != PG_OK) {
                pg_cli_errorf("plangate: %s", err.message);
                return PG_EXIT_PLAN;
            }
            a->plans[a->n_plans++] = val;
            break;
        case OPT_POLICY:
            if (a->n_policies == MAX_POLICIES) {
                pg_cli_errorf("plangate check: at most %d --policy options", MAX_POLICIES);
                return PG_EXIT_USAGE;
            }
            a->policies[a->n_policies++] = val;
            break;
        case OPT_WAIVERS:
            if (a->n_waivers == MAX_WAIVERS) {
                pg_cli_errorf("plangate check: at most %d --waivers options", MAX_WAIVERS);
                return PG_EXIT_USAGE;
            }
            a->waivers[a->n_waivers++] = val;
            break;
        case OPT_NO_DEFAULT: a->no_default = 1; break;
        case OPT_FORMAT: a->format = val; break;
        case OPT_REPORT:
            if (a->n_reports == MAX_REPORTS) {
                pg_cli_errorf("plangate check: at most %d --report options", MAX_REPORTS);
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
        case OPT_ENV: a->env = val; break;
        case OPT_TITLE: a->title = val; break;
        case OPT_JOBS: a->jobs = val; break;
        case OPT_CONFIG:
        case OPT_NO_CONFIG: break; /* read by pg_cli_settings_gather */
        case OPT_HELP:
            check_usage(stdout);
            return -1;
        default:
            return PG_EXIT_USAGE;
        }
    }
    return 0;
}

/* A usage error about a setting: for one that did not come from the command
 * line, the message starts with where it came from (FILE:LINE:COL or the
 * variable), as config.h promises. Returns PG_EXIT_USAGE. */
static int bad_setting(const pg_cli_settings *set, int id, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int bad_setting(const pg_cli_settings *set, int id, const char *fmt, ...)
{
    const char *origin = pg_cli_settings_origin(set, id);
    char msg[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pg_cli_errorf("plangate check: %s%s%s", origin ? origin : "", origin ? ": " : "", msg);
    return PG_EXIT_USAGE;
}

/* "; did you mean `json`?" for a misspelt value among `choices`, else "".
 * The suggestion is one of our own words: printed as it is. */
static const char *value_hint(char *buf, size_t size, const char *value, const char *const *choices)
{
    const char *best = pg_suggest_from(value, choices);

    if (!best)
        return "";
    snprintf(buf, size, "; did you mean `%s`?", best);
    return buf;
}

static const char *const format_names[] = {"text", "json", "sarif", "junit", "github", "markdown", NULL};
static const char *const fail_on_names[] = {"critical", "high", "medium", "low", "info", "none", NULL};
static const char *const color_names[] = {"auto", "always", "never", NULL};

/* --color (or its setting) first; then, for auto: FORCE_COLOR set and not
 * empty forces colour (force-color.org), NO_COLOR turns it off
 * (no-color.org), CLICOLOR_FORCE other than 0 forces it (bixense.com/
 * clicolors), TERM=dumb turns it off, and otherwise only a terminal gets it. */
static int want_color(const char *when, FILE *out)
{
    const char *term = getenv("TERM");
    const char *no_color = getenv("NO_COLOR");
    const char *force = getenv("FORCE_COLOR");
    const char *cli_force = getenv("CLICOLOR_FORCE");

    if (when && strcmp(when, "always") == 0)
        return 1;
    if (when && strcmp(when, "never") == 0)
        return 0;
    if (force && *force)
        return 1;
    if (no_color && *no_color)
        return 0;
    if (cli_force && *cli_force && strcmp(cli_force, "0") != 0)
        return 1;
    if (term && strcmp(term, "dumb") == 0)
        return 0;
    return isatty(fileno(out));
}

/* Trusted files first (the default pack, each --policy), then the waiver
 * files of the change, which are checked against what the trusted ones set
 * (docs/policies.md "Trust model"). Detector ids are checked as each file
 * loads. Errors name file:line:col and reach stderr escaped. */
static int load_policy(pg_policy **out, const check_args *a, const char *today)
{
    pg_policy *p = NULL;
    pg_error err;
    char line[PG_ERROR_MESSAGE_MAX + PG_ERROR_SOURCE_MAX + 64];
    size_t i;
    int rc = 0;

    pg_error_clear(&err);
    if (pg_policy_new(&p, &err) != PG_OK) {
        pg_cli_errorf("plangate: %s", err.message);
        return PG_EXIT_PLAN;
    }
    pg_policy_set_check(p, pg_detect_check_policy);
    if (!a->no_default)
        rc = pg_policy_load_defaults(p, &err);
    for (i = 0; rc == 0 && i < a->n_policies; i++)
        rc = pg_policy_load_path(p, a->policies[i], &err);
    for (i = 0; rc == 0 && i < a->n_waivers; i++)
        rc = pg_policy_load_waivers(p, a->waivers[i], today, &err);
    /* --env declares the plan's environment: a name the policies define, or a
     * usage error naming those they do (issue 13). */
    if (rc == 0 && a->env && (rc = pg_policy_set_plan_environment(p, a->env, &err)) != 0) {
        pg_cli_errorf("plangate check: --env: %s", err.message);
        pg_policy_free(p);
        return PG_EXIT_USAGE;
    }
    if (rc != 0) {
        pg_error_format(&err, line, sizeof line);
        pg_cli_errorf("plangate: %s", line);
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
    pg_cli_errorf("plangate: %s", line);
    return pg_exit_for_error(err.code);
}

/* Parse --max-depth and --max-element-bytes into opts->limits: 0, or
 * PG_EXIT_USAGE after saying the range. Every value accepted here is one the
 * reader and every writer survive (issue 11). */
static int parse_limits(pg_check_options *opts, const check_args *a, const pg_cli_settings *set)
{
    char q[PG_CLI_QUOTE_SIZE];
    size_t v;

    if (a->max_depth) {
        if (parse_size(a->max_depth, &v) != 0 || v > PG_JSON_MAX_DEPTH_CEILING) {
            return bad_setting(set, OPT_MAX_DEPTH,
                               "--max-depth wants a number from 1 to %u, the reader's ceiling (got %s)",
                               PG_JSON_MAX_DEPTH_CEILING, pg_cli_quote(q, a->max_depth));
        }
        opts->limits.max_depth = (unsigned)v;
    }
    if (a->max_element) {
        if (parse_size(a->max_element, &v) != 0 || v > MAX_ELEMENT_CEILING) {
            return bad_setting(set, OPT_MAX_ELEMENT,
                               "--max-element-bytes wants a number of bytes from 1 to %zu (1 GiB: decoding a "
                               "change takes up to 8 times its size) (got %s)",
                               MAX_ELEMENT_CEILING, pg_cli_quote(q, a->max_element));
        }
        opts->limits.max_capture = v;
    }
    return 0;
}

/* The report targets (--format, every --report) and the files they may not
 * replace, checked before anything is read (target.h). The stdout format
 * goes to *stdout_format. */
static int parse_targets(pg_cli_target *targets, size_t *n_out, int *stdout_format, const check_args *a)
{
    pg_cli_input *inputs = pg_calloc(MAX_POLICIES + MAX_WAIVERS + 3 + a->n_plans, sizeof *inputs);
    const char *summary = getenv("GITHUB_STEP_SUMMARY");
    size_t n = 0, n_in = 0, i;
    int code;

    if (!inputs) {
        pg_cli_errorf("plangate: out of memory");
        return PG_EXIT_PLAN;
    }
    for (i = 0; i < a->n_plans; i++)
        if (strcmp(a->plans[i], "-") != 0)
            inputs[n_in++] = (pg_cli_input){"the plan", a->plans[i]};

    if (a->format) {
        targets[n].format = (pg_report_format)*stdout_format;
        targets[n].path = NULL;
        targets[n].option = a->format;
        targets[n++].is_format = 1;
    }
    for (i = 0; i < a->n_reports; i++)
        if ((code = pg_cli_target_parse(&targets[n++], a->reports[i])) != 0) {
            pg_free(inputs);
            return code;
        }
    for (i = 0; i < n; i++)
        if (!targets[i].path)
            *stdout_format = (int)targets[i].format;
    if (a->backend)
        inputs[n_in++] = (pg_cli_input){"the --backend file", a->backend};
    for (i = 0; i < a->n_policies; i++)
        inputs[n_in++] = (pg_cli_input){"the --policy", a->policies[i]};
    for (i = 0; i < a->n_waivers; i++)
        inputs[n_in++] = (pg_cli_input){"the --waivers file", a->waivers[i]};
    if (*stdout_format == PG_FORMAT_GITHUB && summary && *summary)
        inputs[n_in++] = (pg_cli_input){"the GITHUB_STEP_SUMMARY file", summary};
    *n_out = n;
    code = pg_cli_targets_check(targets, n, inputs, n_in);
    pg_free(inputs);
    return code;
}

/* --jobs, or the online CPUs; 1 with PLANGATE_NO_THREADS. 0 on a bad value (said). */
static size_t parse_jobs(const check_args *a, const pg_cli_settings *set)
{
    char q[PG_CLI_QUOTE_SIZE];
    size_t v;

    if (a->jobs) {
        if (parse_size(a->jobs, &v) != 0 || v > 64) {
            bad_setting(set, OPT_JOBS, "--jobs wants a number from 1 to 64 (got %s)", pg_cli_quote(q, a->jobs));
            return 0;
        }
        return v;
    }
    if (getenv("PLANGATE_NO_THREADS"))
        return 1;
    return pg_cli_online_cpus();
}

/* The run once the settings are gathered: their strings live in `set`. */
static int check_with(const check_args *args, const pg_cli_settings *set)
{
    const check_args a = *args;
    static const char *const stdin_only[] = {"-"};
    const char *const *plans = a.n_plans ? a.plans : stdin_only;
    size_t n_plans = a.n_plans ? a.n_plans : 1, jobs;
    pg_policy *policy = NULL;
    pg_backend backend;
    int have_backend = 0, audit = 0;
    pg_check_options opts;
    pg_cli_plan_run *runs = NULL;
    const pg_report **reports = NULL;
    pg_report_style style;
    pg_error err;
    pg_cli_target targets[MAX_REPORTS + 1];
    pg_cli_out outs[MAX_REPORTS + 1];
    char line[PG_ERROR_MESSAGE_MAX + PG_ERROR_SOURCE_MAX + 64], q[PG_CLI_QUOTE_SIZE], today[11], hint[64];
    const char *summary = getenv("GITHUB_STEP_SUMMARY");
    const char *workspace = getenv("GITHUB_WORKSPACE");
    int format = PG_FORMAT_TEXT, sev = PG_SEV_HIGH, rc, code = PG_EXIT_PASS;
    size_t i, n_targets = 0;

    memset(&backend, 0, sizeof backend);
    pg_error_clear(&err);
    if (a.format && (format = pg_report_format_from_name(a.format)) < 0)
        return bad_setting(set, OPT_FORMAT, "unknown --format %s (text, json, sarif, junit, github, markdown)%s",
                           pg_cli_quote(q, a.format), value_hint(hint, sizeof hint, a.format, format_names));
    /* Audit mode (issue 17): findings are judged at the default threshold
     * and reported as what the gate would do; they never fail the run. */
    if (a.fail_on && strcmp(a.fail_on, "none") == 0)
        audit = 1;
    else if (a.fail_on && (sev = pg_severity_from_name(a.fail_on)) < 0)
        return bad_setting(set, OPT_FAIL_ON, "unknown --fail-on %s (critical, high, medium, low, info, none)%s",
                           pg_cli_quote(q, a.fail_on), value_hint(hint, sizeof hint, a.fail_on, fail_on_names));
    if (a.color && strcmp(a.color, "auto") != 0 && strcmp(a.color, "always") != 0 &&
        strcmp(a.color, "never") != 0)
        return bad_setting(set, OPT_COLOR, "unknown --color %s (auto, always, never)%s", pg_cli_quote(q, a.color),
                           value_hint(hint, sizeof hint, a.color, color_names));
    if ((jobs = parse_jobs(&a, set)) == 0)
        return PG_EXIT_USAGE;
    /* A title is a name: it goes into every report and the Markdown marker,
     * so it is bounded (a huge one would crowd GitHub's comment limit). */
    if (a.title && strlen(a.title) > MAX_TITLE_BYTES)
        return bad_setting(set, OPT_TITLE, "--title wants at most %d bytes (got %zu)", MAX_TITLE_BYTES,
                           strlen(a.title));
    memset(&opts, 0, sizeof opts);
    if ((code = parse_limits(&opts, &a, set)) != 0)
        return code;
    if ((code = parse_targets(targets, &n_targets, &format, &a)) != 0)
        return code;

    /* Policies, waivers and the backend once for every plan; a bad policy
     * is exit 4 before any plan is read. */
    if ((code = read_clock(today)) != 0 || (code = load_policy(&policy, &a, today)) != 0)
        return code;
    if (a.backend) {
        if ((rc = pg_backend_load(&backend, a.backend, &err)) != 0) {
            pg_error_format(&err, line, sizeof line);
            pg_cli_errorf("plangate: %s", line);
            pg_policy_free(policy);
            return PG_EXIT_PLAN;
        }
        have_backend = 1;
    }
    runs = pg_calloc(n_plans, sizeof *runs);
    reports = pg_calloc(n_plans, sizeof *reports);
    if (!runs || !reports) {
        pg_cli_errorf("plangate: out of memory");
        code = PG_EXIT_PLAN;
        goto out;
    }

    opts.policy = policy;
    opts.backend = have_backend ? &backend : NULL;
    opts.fail_on = (pg_severity)sev;
    opts.today = today;
    /* The library reads no environment (issue 12): the CLI says whether the
     * decoding thread may run (PLANGATE_NO_THREADS: debugging, profiling). */
    if (getenv("PLANGATE_NO_THREADS"))
        opts.threads = PG_PLAN_THREADS_NEVER;
    /* Waiting silently on a terminal looks like a hang (issue 15). */
    for (i = 0; i < n_plans; i++) {
        runs[i].path = plans[i];
        if (strcmp(plans[i], "-") == 0 && isatty(STDIN_FILENO))
            pg_cli_errorf("plangate: reading the plan from standard input (Ctrl-D to end)\xe2\x80\xa6");
    }
    pg_cli_run_plans(runs, n_plans, &opts, jobs);

    /* In argument order, after every plan: the same stderr whatever ran first. */
    code = PG_EXIT_PASS;
    for (i = 0; i < n_plans; i++) {
        pg_report *r = &runs[i].report;
        int c;
        rc = runs[i].rc;
        /* The report says which config file set what it ran with (issue 17),
         * the run's title, audit mode, and the plan's path in the repository. */
        if ((set->config_path && !(r->config_path = pg_strdup(set->config_path))) ||
            (a.title && *a.title && !(r->title = pg_strdup(a.title)))) {
            if (rc == 0)
                rc = pg_error_oom(&runs[i].err);
        }
        r->audit = audit;
        r->artifact = pg_cli_repo_path(plans[i], workspace);
        if (rc != 0) {
            pg_error_format(&runs[i].err, line, sizeof line);
            pg_cli_errorf("plangate: %s", line);
        }
        /* the most severe over all plans: 3 over 1 over 0 */
        c = rc != 0 ? pg_exit_for_error(rc) : r->verdict == PG_VERDICT_FAIL && !audit ? PG_EXIT_FAIL : PG_EXIT_PASS;
        if (c == PG_EXIT_PLAN || code == PG_EXIT_PLAN)
            code = PG_EXIT_PLAN;
        else if (c > code)
            code = c;
        reports[i] = r;
    }

    memset(&style, 0, sizeof style);
    style.version = PG_VERSION;
    style.quiet = a.quiet;

    /* Every output is checked: a report that failed to write never exits 0.
     * Files first, then stdout, then the files go in place: a stdout that
     * blocks or fails, or a signal meanwhile, leaves no report file half
     * written (output.h). */
    for (i = 0; i < n_targets; i++)
        if (targets[i].path &&
            pg_cli_out_write_many(&outs[i], reports, n_plans, targets[i].format, &style, targets[i].path, 0) != 0)
            code = PG_EXIT_PLAN;
    style.color = format == PG_FORMAT_TEXT && want_color(a.color, stdout);
    /* stdout only: a report file is the same whatever terminal wrote it */
    style.width = format == PG_FORMAT_TEXT ? pg_cli_text_width(stdout) : 0;
    if (pg_cli_write_stdout_many(reports, n_plans, (pg_report_format)format, &style) != 0)
        code = PG_EXIT_PLAN;
    style.color = 0;
    style.width = 0;
    for (i = 0; i < n_targets; i++)
        if (targets[i].path && pg_cli_out_commit(&outs[i]) != 0)
            code = PG_EXIT_PLAN;
    if (format == PG_FORMAT_GITHUB && summary && *summary) {
        pg_cli_out sum;
        if (pg_cli_out_write_many(&sum, reports, n_plans, PG_FORMAT_MARKDOWN, &style, summary, 1) != 0)
            code = PG_EXIT_PLAN;
    }

out:
    for (i = 0; runs && i < n_plans; i++)
        pg_report_dispose(&runs[i].report);
    pg_free(runs);
    pg_free(reports);
    if (have_backend)
        pg_backend_dispose(&backend);
    pg_policy_free(policy);
    return code;
}

int pg_cmd_check(int argc, char **argv)
{
    check_args a;
    pg_cli_settings set;
    int code = parse_args(&a, &set, argc, argv);

    if (code == 0)
        code = check_with(&a, &set);
    pg_free(a.plans);
    pg_cli_settings_dispose(&set);
    return code < 0 ? PG_EXIT_PASS : code;
}
