/* SPDX-License-Identifier: Apache-2.0 */
/* config.c — the command line, PLANGATE_* variables and .plangate.yaml,
 * gathered into one ordered list of settings (cli/config.h, issue 17). */
#include "cli/config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/diag.h"
#include "cli/exit.h"
#include "plangate/alloc.h"
#include "plangate/error.h"
#include "policy/settings.h"
#include "util/buf.h"
#include "util/grow.h"

#define CONFIG_NAME ".plangate.yaml"
/* Folders looked at above the current one for the repository root. */
#define MAX_PARENTS 256

enum { LAYER_FILE = 0, LAYER_ENV, LAYER_ARGS };

/* One setting as a layer gave it. `off`: a flag set to false, which hides
 * the lower layers' value and sets nothing itself. */
typedef struct raw {
    int id, layer, off;
    const char *value, *origin;
} raw;

typedef struct gather {
    const pg_cli_layers *l;
    pg_cli_settings *out;
    raw *raws;
    size_t n, cap;
    int oom;
} gather;

/* ---- storage and messages ---------------------------------------------------- */

/* A copy of s[0..len) the settings own (NULL after out of memory). */
static const char *keep_n(gather *g, const char *s, size_t len)
{
    pg_cli_settings *o = g->out;
    char *copy;

    if (g->oom || PG_GROW(o->strings, o->strings_cap, o->n_strings + 1, NULL) != PG_OK ||
        !(copy = pg_malloc(len + 1))) {
        g->oom = 1;
        return NULL;
    }
    memcpy(copy, s, len);
    copy[len] = '\0';
    o->strings[o->n_strings++] = copy;
    return copy;
}

static const char *keep(gather *g, const char *s)
{
    return s ? keep_n(g, s, strlen(s)) : NULL;
}

static const char *keepf(gather *g, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static const char *keepf(gather *g, const char *fmt, ...)
{
    char buf[PATH_MAX + 256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof buf) {
        g->oom = 1; /* a path longer than PATH_MAX: as unusable as no memory */
        return NULL;
    }
    return keep(g, buf);
}

static void push(gather *g, int id, int layer, int off, const char *value, const char *origin)
{
    if (g->oom || PG_GROW(g->raws, g->cap, g->n + 1, NULL) != PG_OK) {
        g->oom = 1;
        return;
    }
    g->raws[g->n++] = (raw){id, layer, off, value, origin};
}

/* "plangate check: WHERE: message" (WHERE is FILE:LINE:COL or a variable). */
static int usage_at(const gather *g, const char *where, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int usage_at(const gather *g, const char *where, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (where)
        pg_cli_errorf("%s: %s: %s", g->l->command, where, msg);
    else
        pg_cli_errorf("%s: %s", g->l->command, msg);
    return PG_EXIT_USAGE;
}

static int oom(const gather *g)
{
    pg_cli_error_oom(g->l->command);
    return PG_EXIT_PLAN;
}

/* ---- keys ------------------------------------------------------------------------ */

/* The spec a row of the keys table stands for (NULL when the command has no such option). */
static const pg_opt_spec *spec_of(const gather *g, const pg_cli_key *k)
{
    return pg_opt_find(g->l->specs, k->option, strlen(k->option));
}

/* "fail-on" as a key ("fail_on") or a variable ("PLANGATE_FAIL_ON") into buf. */
static void spell(char *buf, size_t size, const char *prefix, const char *option, int upper)
{
    size_t n = (size_t)snprintf(buf, size, "%s", prefix), i;

    for (i = 0; option[i] && n + 1 < size; i++, n++)
        buf[n] = option[i] == '-' ? '_' : upper && option[i] >= 'a' && option[i] <= 'z' ? (char)(option[i] - 32)
                                                                                       : option[i];
    buf[n] = '\0';
}

/* ---- the command line ------------------------------------------------------------ */

static int gather_args(gather *g, int argc, char **argv, const char **config, int *no_config, int *help)
{
    pg_opt_parser p;
    const char *val;
    int id;

    pg_opt_init(&p, g->l->specs, argc, argv);
    pg_opt_set_short(&p, g->l->shorts);
    while ((id = pg_opt_next(&p, &val)) != PG_OPT_END) {
        if (id == PG_OPT_ERROR)
            return usage_at(g, NULL, "%s", p.error);
        if (id == g->l->help_id)
            *help = 1;
        if (id == g->l->config_id)
            *config = val;
        if (id == g->l->no_config_id)
            *no_config = 1;
        push(g, id, LAYER_ARGS, 0, val, NULL);
    }
    if (*config && *no_config)
        return usage_at(g, NULL, "--config and --no-config exclude each other");
    return g->oom ? oom(g) : 0;
}

/* ---- the environment ------------------------------------------------------------- */

static int env_flag(const gather *g, const char *name, const char *v, int *on)
{
    char q[PG_CLI_QUOTE_SIZE];

    if (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "on"))
        *on = 1;
    else if (!strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "off"))
        *on = 0;
    else
        return usage_at(g, name, "wants 1 or 0 (true or false), not %s", pg_cli_quote(q, v));
    return 0;
}

/* Each PLANGATE_<OPTION> that is set and not empty. A list is split at ':'
 * (as PATH is); empty pieces are skipped. */
static int gather_env(gather *g)
{
    const pg_cli_key *k;
    const pg_opt_spec *s;
    char name[128];
    const char *v, *origin, *piece, *end;
    int on, code;

    for (k = g->l->keys; k->option; k++) {
        if (!(s = spec_of(g, k)))
            continue;
        spell(name, sizeof name, "PLANGATE_", k->option, 1);
        if (!(v = getenv(name)) || !*v)
            continue;
        origin = keep(g, name);
        if (!s->arg) {
            if ((code = env_flag(g, name, v, &on)) != 0)
                return code;
            push(g, s->id, LAYER_ENV, !on, NULL, origin);
            continue;
        }
        if (!(k->flags & PG_KEY_LIST)) {
            push(g, s->id, LAYER_ENV, 0, keep(g, v), origin);
            continue;
        }
        push(g, s->id, LAYER_ENV, 1, NULL, origin); /* the list is this layer's, even if all pieces are empty */
        for (piece = v; *piece; piece = *end ? end + 1 : end) {
            end = strchr(piece, ':');
            if (!end)
                end = piece + strlen(piece);
            if (end > piece)
                push(g, s->id, LAYER_ENV, 0, keep_n(g, piece, (size_t)(end - piece)), origin);
        }
    }
    return g->oom ? oom(g) : 0;
}

/* ---- finding the file ------------------------------------------------------------ */

static int exists(const char *path, int want_dir)
{
    struct stat st;

    if (want_dir < 0)
        return lstat(path, &st) == 0;
    return stat(path, &st) == 0 && (want_dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode));
}

/* The .plangate.yaml of the current directory or the nearest parent up to
 * the repository root, as a path relative to "." (".plangate.yaml",
 * "../.plangate.yaml"); NULL when there is none. */
static const char *discover(gather *g)
{
    char *cwd = getcwd(NULL, 0), *cut;
    size_t levels = 0, root = 0, i;
    int found_root = 0;
    pg_buf rel;
    const char *result = NULL;

    if (!cwd)
        return NULL; /* a removed current directory: nothing to find */
    /* How many levels up the repository root is (a .git folder or file). */
    for (;;) {
        char probe[PATH_MAX + 8];
        snprintf(probe, sizeof probe, "%s/.git", strcmp(cwd, "/") == 0 ? "" : cwd);
        if (exists(probe, -1)) {
            found_root = 1;
            root = levels;
            break;
        }
        if (strcmp(cwd, "/") == 0 || levels == MAX_PARENTS || !(cut = strrchr(cwd, '/')))
            break;
        if (cut == cwd)
            cut[1] = '\0';
        else
            *cut = '\0';
        levels++;
    }
    free(cwd);
    if (!found_root)
        root = 0; /* outside any repository: the current directory only */
    pg_buf_init(&rel, PATH_MAX);
    for (i = 0; i <= root; i++) {
        pg_buf_reset(&rel);
        for (size_t up = 0; up < i; up++)
            pg_buf_adds(&rel, "../", NULL);
        pg_buf_adds(&rel, CONFIG_NAME, NULL);
        if (exists(pg_buf_cstr(&rel), 0)) {
            result = keep(g, pg_buf_cstr(&rel));
            break;
        }
    }
    pg_buf_dispose(&rel);
    return result;
}

/* ---- the file -------------------------------------------------------------------- */

/* `value` relative to the folder of the config file (an absolute path, or a
 * file in ".", is taken as it is). */
static const char *relative_to_file(gather *g, const char *value)
{
    const char *path = g->out->config_path, *slash = strrchr(path, '/');

    if (value[0] == '/' || !slash)
        return keep(g, value);
    return keepf(g, "%.*s/%s", (int)(slash - path), path, value);
}

/* A found file's report stays inside the file's folder: a relative path
 * without "..", not in .git, whose folder resolves there too (no link out
 * of the checkout to a file the CI runner would later run or read). */
static int report_stays_inside(const gather *g, const char *rel_path, const char *resolved)
{
    const char *p = rel_path, *slash = strrchr(resolved, '/'), *cfg = g->out->config_path;
    const char *cfg_slash = strrchr(cfg, '/');
    char dir[PATH_MAX], cfg_dir[PATH_MAX], real_dir[PATH_MAX], real_cfg[PATH_MAX];
    size_t n;

    if (rel_path[0] == '/')
        return 0;
    while (*p) {
        size_t len = strcspn(p, "/");
        if ((len == 2 && p[0] == '.' && p[1] == '.') || (len == 4 && strncmp(p, ".git", 4) == 0))
            return 0;
        p += len;
        p += *p == '/';
    }
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - resolved) : 1, slash ? resolved : ".");
    snprintf(cfg_dir, sizeof cfg_dir, "%.*s", cfg_slash ? (int)(cfg_slash - cfg) : 1, cfg_slash ? cfg : ".");
    if (!realpath(dir, real_dir) || !realpath(cfg_dir, real_cfg))
        return 0;
    n = strlen(real_cfg);
    if (strcmp(real_cfg, "/") == 0)
        return 1;
    return strncmp(real_dir, real_cfg, n) == 0 && (real_dir[n] == '\0' || real_dir[n] == '/');
}

/* One value of key `k` for option `s`, at value `v`. */
static int file_value(gather *g, const pg_cli_key *k, const pg_opt_spec *s, const pg_settings_entry *st,
                      const pg_settings_value *v)
{
    const char *where = keepf(g, "%s:%d:%d", g->out->config_path, v->line, v->col), *value = v->text, *eq;
    char q[PG_CLI_QUOTE_SIZE];

    if (!where)
        return oom(g);
    if (!s->arg) {
        if (v->type != PG_SETTINGS_BOOL)
            return usage_at(g, where, "%s wants true or false, not %s", st->key, pg_cli_quote(q, v->text));
        push(g, s->id, LAYER_FILE, !v->boolean, NULL, where);
        return g->oom ? oom(g) : 0;
    }
    if (v->type != PG_SETTINGS_TEXT || !*v->text)
        return usage_at(g, where, "%s wants %s, not %s", st->key, s->arg,
                        v->type == PG_SETTINGS_BOOL ? "a boolean" : "an empty value");
    if (k->flags & PG_KEY_PATH) {
        value = relative_to_file(g, v->text);
    } else if ((k->flags & PG_KEY_REPORT)) {
        if (!(eq = strchr(v->text, '=')) || eq == v->text || !eq[1])
            return usage_at(g, where, "%s wants FORMAT=PATH (json=plangate.json), not %s", st->key,
                            pg_cli_quote(q, v->text));
        if (strcmp(eq + 1, "-") != 0) {
            const char *path = relative_to_file(g, eq + 1);
            value = path ? keepf(g, "%.*s=%s", (int)(eq - v->text), v->text, path) : NULL;
            if (path && value && !g->out->config_named && !report_stays_inside(g, eq + 1, path))
                return usage_at(g, where,
                                "%s %s leaves the folder of %s, which was found in the checkout under review: a "
                                "report it names stays inside that folder (no absolute path, no \"..\", no link "
                                "out, not in .git); name the file elsewhere with --report",
                                st->key, pg_cli_quote(q, v->text), g->out->config_path);
        }
    }
    push(g, s->id, LAYER_FILE, 0, value == v->text ? keep(g, value) : value, where);
    return g->oom ? oom(g) : 0;
}

/* The keys a config file may hold, for the message about one it may not. */
static void known_keys(const gather *g, char *buf, size_t size)
{
    const pg_cli_key *k;
    size_t n = 0;
    char key[64];

    buf[0] = '\0';
    for (k = g->l->keys; k->option && n + 1 < size; k++) {
        if (!spec_of(g, k))
            continue;
        spell(key, sizeof key, "", k->option, 0);
        n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ", " : "", key);
    }
}

static int file_setting(gather *g, const pg_settings_entry *st)
{
    const char *where = keepf(g, "%s:%d:%d", g->out->config_path, st->line, st->col);
    const pg_cli_key *k;
    const pg_opt_spec *s = NULL;
    char key[64], q[PG_CLI_QUOTE_SIZE], list[1024];
    size_t i;
    int code;

    if (!where)
        return oom(g);
    for (k = g->l->keys; k->option; k++) {
        spell(key, sizeof key, "", k->option, 0);
        if (strcmp(key, st->key) == 0 && (s = spec_of(g, k)) != NULL)
            break;
    }
    if (!s) {
        known_keys(g, list, sizeof list);
        return usage_at(g, where, "unknown key %s%s (the keys are long options with _ for -: %s)",
                        pg_cli_quote(q, st->key), strchr(st->key, '-') ? ", write _ for -" : "", list);
    }
    if ((k->flags & PG_KEY_TRUSTED) && !g->out->config_named) {
        spell(list, sizeof list, "PLANGATE_", k->option, 1);
        return usage_at(g, where,
                        "%s may not be set by %s: a config file found in the checkout is part of the change "
                        "under review, and %s decides how strict the gate is; pass --%s, set %s, or name a "
                        "trusted file with --config (README \"Trust model\")",
                        st->key, g->out->config_path, st->key, k->option, list);
    }
    if (st->is_list && !(k->flags & PG_KEY_LIST))
        return usage_at(g, where, "%s takes one value, not a list", st->key);
    push(g, s->id, LAYER_FILE, 1, NULL, where); /* the file names this option, even with an empty list */
    for (i = 0; i < st->n_values; i++)
        if ((code = file_value(g, k, s, st, &st->values[i])) != 0)
            return code;
    return g->oom ? oom(g) : 0;
}

static int gather_file(gather *g)
{
    pg_settings st;
    pg_error err;
    char line[PG_ERROR_MESSAGE_MAX + PG_ERROR_SOURCE_MAX + 64];
    size_t i;
    int code = 0;

    pg_error_clear(&err);
    if (pg_settings_read(&st, g->out->config_path, &err) != PG_OK) {
        pg_error_format(&err, line, sizeof line);
        if (err.code == PG_ENOMEM)
            return oom(g);
        return usage_at(g, NULL, "%s", line);
    }
    for (i = 0; code == 0 && i < st.n; i++)
        code = file_setting(g, &st.items[i]);
    pg_settings_dispose(&st);
    return code;
}

/* ---- the order of application ---------------------------------------------------- */

/* Each option's settings from the highest layer that names it, in the
 * order file, environment, command line. */
static int emit(gather *g)
{
    pg_cli_settings *o = g->out;
    size_t i, j;
    int top;

    for (int layer = LAYER_FILE; layer <= LAYER_ARGS; layer++)
        for (i = 0; i < g->n; i++) {
            const raw *r = &g->raws[i];
            if (r->layer != layer || r->off)
                continue;
            top = r->layer;
            for (j = 0; j < g->n && r->id != PG_OPT_POSITIONAL; j++)
                if (g->raws[j].id == r->id && g->raws[j].layer > top)
                    top = g->raws[j].layer;
            if (top != r->layer)
                continue;
            if (PG_GROW(o->items, o->cap, o->n + 1, NULL) != PG_OK)
                return oom(g);
            o->items[o->n++] = (pg_cli_setting){r->id, r->value, r->origin};
        }
    return 0;
}

int pg_cli_settings_gather(pg_cli_settings *out, const pg_cli_layers *l, int argc, char **argv)
{
    gather g;
    const char *config = NULL, *env_config = getenv("PLANGATE_CONFIG");
    const char *env_no = getenv("PLANGATE_NO_CONFIG");
    int no_config = 0, help = 0, code, on = 0;

    memset(out, 0, sizeof *out);
    memset(&g, 0, sizeof g);
    g.l = l;
    g.out = out;
    if ((code = gather_args(&g, argc, argv, &config, &no_config, &help)) != 0 || help)
        goto out;
    if ((code = gather_env(&g)) != 0)
        goto out;
    if (!config && !no_config && env_no && *env_no) {
        if ((code = env_flag(&g, "PLANGATE_NO_CONFIG", env_no, &on)) != 0)
            goto out;
        no_config = on;
    }
    if (!config && !no_config && env_config && *env_config)
        config = env_config;
    if (config) {
        out->config_named = 1;
        if (!(out->config_path = pg_strdup(config))) {
            code = oom(&g);
            goto out;
        }
    } else if (!no_config) {
        const char *found = discover(&g);
        if (found && !(out->config_path = pg_strdup(found))) {
            code = oom(&g);
            goto out;
        }
    }
    if (g.oom) {
        code = oom(&g);
        goto out;
    }
    if (out->config_path && (code = gather_file(&g)) != 0)
        goto out;
out:
    if (code == 0)
        code = emit(&g);
    pg_free(g.raws);
    return code;
}

const char *pg_cli_settings_origin(const pg_cli_settings *s, int id)
{
    size_t i;
    const char *origin = NULL;

    for (i = 0; i < s->n; i++)
        if (s->items[i].id == id)
            origin = s->items[i].origin;
    return origin;
}

void pg_cli_settings_dispose(pg_cli_settings *s)
{
    size_t i;

    if (!s)
        return;
    for (i = 0; i < s->n_strings; i++)
        pg_free(s->strings[i]);
    pg_free(s->strings);
    pg_free(s->items);
    pg_free(s->config_path);
    memset(s, 0, sizeof *s);
}
