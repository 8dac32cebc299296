/*
 * test_stderr.c — nothing hostile reaches the terminal or the CI log through
 * standard error (src/cli/diag.c, issue 11): every line plangate writes there
 * passes through pg_escape_text, and arguments are quoted with pg_quote.
 *
 * By class: each hostile string (ESC sequences, OSC, a newline that would
 * start a forged line, CR, BEL, DEL, C1 controls, bidirectional and invisible
 * format characters, invalid UTF-8, the legacy "##[" marker, "::" at the
 * start of a line after spaces, tabs and the Unicode spaces a GitHub runner
 * trims) goes through every way input reaches stderr: the plan's file name,
 * a --policy or --backend path, a --report path, an option, a command name,
 * a path given to lint and test, a rule id given to explain. Each run's
 * stderr is then checked line by line.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define DEMO PG_TESTDATA "/plans/demo/plan.json"

/* Each hostile string becomes part of a file name or an argument. */
static const char *const hostile[] = {
    "\x1b[31mred\x1b[0m",                /* CSI: colour */
    "\x1b]0;owned\x07",                  /* OSC: the terminal's title, ended by BEL */
    "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", /* OSC 8 hyperlink */
    "x\n::error title=plangate::PASS",   /* a newline, then a workflow command */
    "x\r\r::warning::forged",            /* CR: overwrite the line on a terminal */
    "x\n  \t::notice::indented",         /* leading spaces and a tab */
    "::error::at the very start",        /* "::" first (lint prints paths first) */
    "   ::error::after spaces",
    "\xc2\xa0\xe2\x80\x83\xe3\x80\x80::error::after Unicode spaces", /* NBSP, EM SPACE, IDEOGRAPHIC SPACE */
    "##[error]legacy command",
    "a ##[stop-commands]token",
    "\xe2\x80\xae" "fdp.exe",            /* RIGHT-TO-LEFT OVERRIDE */
    "\xe2\x81\xa6isolate\xe2\x81\xa9",   /* LRI … PDI */
    "zero\xe2\x80\x8bwidth\xef\xbb\xbf", /* ZWSP, BOM */
    "c1\xc2\x9b" "31m",                  /* C1 CSI */
    "del\x7f",
    "bad\xff\xfeutf8\xc3",
    "line\xe2\x80\xa8separator",         /* U+2028 */
};

/* What the lines of `err` may not hold; a message naming what was found. */
static const char *bad_line(const char *err, size_t len)
{
    size_t i = 0, start = 0;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)err[i];
        if (c == '\n') {
            size_t k = start;
            /* the runner trims white space (ASCII and Unicode) before "::" */
            for (;;) {
                if (k < i && (err[k] == ' ' || err[k] == '\t'))
                    k++;
                else if (k + 1 < i && (unsigned char)err[k] == 0xc2 && (unsigned char)err[k + 1] == 0xa0)
                    k += 2;
                else if (k + 2 < i && (unsigned char)err[k] == 0xe2 && (unsigned char)err[k + 1] == 0x80 &&
                         (unsigned char)err[k + 2] >= 0x80 && (unsigned char)err[k + 2] <= 0x8a)
                    k += 3;
                else if (k + 2 < i && (unsigned char)err[k] == 0xe3 && (unsigned char)err[k + 1] == 0x80 &&
                         (unsigned char)err[k + 2] == 0x80)
                    k += 3;
                else
                    break;
            }
            if (k + 1 < i && err[k] == ':' && err[k + 1] == ':')
                return "a line starting with '::'";
            start = i + 1;
            continue;
        }
        if (c < 0x20 || c == 0x7f)
            return "a raw control character";
        if (c == 0xc2 && i + 1 < len && (unsigned char)err[i + 1] >= 0x80 && (unsigned char)err[i + 1] <= 0x9f)
            return "a C1 control";
        if (c == 0xe2 && i + 2 < len && (unsigned char)err[i + 1] == 0x80 &&
            (((unsigned char)err[i + 2] >= 0x8b && (unsigned char)err[i + 2] <= 0x8f) ||
             ((unsigned char)err[i + 2] >= 0xa8 && (unsigned char)err[i + 2] <= 0xae)))
            return "a bidirectional or invisible format character";
        if (c == 0xe2 && i + 2 < len && (unsigned char)err[i + 1] == 0x81 && (unsigned char)err[i + 2] >= 0xa0 &&
            (unsigned char)err[i + 2] <= 0xaf)
            return "an invisible or isolate format character";
        if (c == 0xef && i + 2 < len && (unsigned char)err[i + 1] == 0xbb && (unsigned char)err[i + 2] == 0xbf)
            return "a byte-order mark";
        if (c >= 0x80) { /* the rest must be valid UTF-8 */
            size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0, k;
            if (n == 0 || i + n > len)
                return "invalid UTF-8";
            for (k = 1; k < n; k++)
                if (((unsigned char)err[i + k] & 0xc0) != 0x80)
                    return "invalid UTF-8";
            i += n - 1;
        }
        if (c == '#' && i + 2 < len && err[i + 1] == '#' && err[i + 2] == '[')
            return "the '##[' marker";
    }
    if (start != len)
        return "a last line without its newline";
    return NULL;
}

/* How input reaches stderr: `{}` is replaced by a hostile string; `{dir}` by a scratch folder. */
struct channel {
    char name[48];
    char argv[6][64];
    int expect_exit;
};

static const struct channel channels[] = {
    {"plan file name", {"check", "{dir}/{}.json"}, 3},
    {"--backend path", {"check", "--backend", "{dir}/{}", DEMO}, 3},
    {"--policy path", {"check", "--policy", "{dir}/{}.yaml", DEMO}, 4},
    {"--report path", {"check", "--report", "json={dir}/missing/{}", DEMO}, 3},
    {"--report format", {"check", "--report", "{}=x.json", DEMO}, 2},
    {"--format value", {"check", "--format", "{}", DEMO}, 2},
    {"--fail-on value", {"check", "--fail-on", "{}", DEMO}, 2},
    {"--color value", {"check", "--color", "{}", DEMO}, 2},
    {"--max-depth value", {"check", "--max-depth", "{}", DEMO}, 2},
    {"long option", {"check", "--{}", DEMO}, 2},
    {"short option", {"check", "-{}", DEMO}, 2},
    {"second plan", {"check", DEMO, "{}"}, 3}, /* several plans are one run (issue 17): it cannot be opened */
    {"command", {"{}"}, 2},
    {"lint path", {"lint", "{}"}, 4},
    {"lint path in a folder", {"lint", "{dir}/{}.yaml"}, 4},
    {"test path", {"test", "{dir}/{}.yaml"}, 4},
    {"test option", {"test", "--{}"}, 2},
    {"explain rule id", {"explain", "{}"}, 2},
    {"explain two ids", {"explain", "a", "{}"}, 2},
};

struct escape_case {
    size_t channel;
    size_t hostile;
};

static void free_cases(struct criterion_test_params *p)
{
    cr_free(p->params);
}

ParameterizedTestParameters(stderr_escape, every_channel_every_class)
{
    size_t nc = sizeof channels / sizeof channels[0], nh = sizeof hostile / sizeof hostile[0], i;
    struct escape_case *cases = cr_malloc(nc * nh * sizeof *cases);

    for (i = 0; i < nc * nh; i++) {
        cases[i].channel = i / nh;
        cases[i].hostile = i % nh;
    }
    return cr_make_param_array(struct escape_case, cases, nc * nh, free_cases);
}

/* `pattern` with {dir} and {} replaced, into out[size]. */
static void expand(char *out, size_t size, const char *pattern, const char *dir, const char *h)
{
    size_t o = 0;

    while (*pattern && o + 1 < size) {
        if (strncmp(pattern, "{dir}", 5) == 0) {
            o += (size_t)snprintf(out + o, size - o, "%s", dir);
            pattern += 5;
        } else if (strncmp(pattern, "{}", 2) == 0) {
            o += (size_t)snprintf(out + o, size - o, "%s", h);
            pattern += 2;
        } else {
            out[o++] = *pattern++;
        }
        if (o >= size)
            o = size - 1;
    }
    out[o] = '\0';
}

ParameterizedTest(struct escape_case *c, stderr_escape, every_channel_every_class)
{
    const struct channel *ch = &channels[c->channel];
    const char *h = hostile[c->hostile];
    char dir[256], args[6][600];
    const char *argv[7];
    const char *why;
    pg_test_run_result r;
    size_t i, n = 0;

    pg_test_scratch(dir, sizeof dir);
    for (i = 0; i < 6 && ch->argv[i][0]; i++) {
        expand(args[i], sizeof args[i], ch->argv[i], dir, h);
        argv[n++] = args[i];
    }
    argv[n] = NULL;
    cr_assert_eq(pg_test_run(&r, argv, NULL, NULL), 0);
    cr_assert_eq(r.signal, 0, "%s: killed by signal %d", ch->name, r.signal);
    cr_assert_eq(r.exit_code, ch->expect_exit, "%s, hostile #%zu: exit %d: %s", ch->name, c->hostile, r.exit_code,
                 r.err);
    cr_assert(r.err_len > 0, "%s: something was said", ch->name);
    why = bad_line(r.err, r.err_len);
    cr_assert_null(why, "%s, hostile #%zu: stderr holds %s:\n%s", ch->name, c->hostile, why, r.err);
    pg_test_run_free(&r);
    pg_test_rmtree(dir);
}

/* The escaped forms say what was there (a reader can still tell), and a
 * quoted argument reads as a JSON string. */
Test(stderr_escape, escapes_are_readable)
{
    const char *argv[] = {"check", "--format", "x\x1b[31m\n::error::y", DEMO, NULL};
    const char *lint[] = {"lint", "::error::f.yaml", NULL};
    pg_test_run_result r;

    cr_assert_eq(pg_test_run(&r, argv, NULL, NULL), 0);
    cr_assert_eq(r.exit_code, 2);
    cr_assert_not_null(strstr(r.err, "unknown --format \"x\\u001B[31m\\n::error::y\""), "%s", r.err);
    pg_test_run_free(&r);

    cr_assert_eq(pg_test_run(&r, lint, NULL, NULL), 0);
    cr_assert_eq(r.exit_code, 4, "%s", r.err);
    cr_assert(strncmp(r.err, "\\u003A:error::f.yaml", 20) == 0, "%s", r.err);
    pg_test_run_free(&r);
}

/* Usage text after an error is plangate's own: its lines stay lines. */
Test(stderr_escape, usage_block_keeps_its_lines)
{
    const char *argv[] = {"frobnicate", NULL};
    pg_test_run_result r;

    cr_assert_eq(pg_test_run(&r, argv, NULL, NULL), 0);
    cr_assert_eq(r.exit_code, 2);
    cr_assert_not_null(strstr(r.err, "plangate: unknown command \"frobnicate\"\n\nusage: plangate COMMAND"), "%s",
                       r.err);
    cr_assert_not_null(strstr(r.err, "\n  check    "), "%s", r.err);
    pg_test_run_free(&r);
}
