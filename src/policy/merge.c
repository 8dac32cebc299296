/* merge.c — loading files, folders and the embedded pack, and merging each
 * loaded file into the policy (all or nothing).
 *
 * Order (policy.h): the default pack, then each --policy PATH in
 * command-line order; a folder contributes its *.yaml and *.yml files
 * (not dotfiles, not subfolders) in byte order of their names. Later files
 * override earlier `detectors:` settings key by key; `lock_tables`,
 * `protect`, `rules`, `waivers` and `examples` accumulate; a rule id may be
 * defined once across all files.
 */
#include "policy/policy_internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plangate/alloc.h"
#include "policy/default_pack.h"

#define BUILTIN_PREFIX "<builtin>/"

/* ---- merge ------------------------------------------------------------------ */

static int grow(void **arr, size_t count, size_t extra, size_t size)
{
    void *g;

    if (extra == 0)
        return PG_OK;
    g = pg_realloc(*arr, (count + extra) * size);
    if (!g)
        return PG_ENOMEM;
    *arr = g;
    return PG_OK;
}

static pg_detector_setting *find_setting(pg_policy *p, const char *id)
{
    size_t i;

    for (i = 0; i < p->n_detectors; i++)
        if (strcmp(p->detectors[i].id, id) == 0)
            return &p->detectors[i];
    return NULL;
}

static int has_lock_table(const pg_policy *p, const char *name)
{
    size_t i;

    for (i = 0; i < p->n_lock_tables; i++)
        if (strcmp(p->lock_tables[i], name) == 0)
            return 1;
    return 0;
}

int pg_policy__merge(pg_policy *p, pg_policy *from, pg_error *err)
{
    pg_policy_example *view;
    size_t i;

    /* Reserve everything first: after this point nothing can fail, so a
     * file is merged whole or not at all. */
    if (grow((void **)&p->detectors, p->n_detectors, from->n_detectors, sizeof *p->detectors) ||
        grow((void **)&p->lock_tables, p->n_lock_tables, from->n_lock_tables, sizeof *p->lock_tables) ||
        grow((void **)&p->protect, p->n_protect, from->n_protect, sizeof *p->protect) ||
        grow((void **)&p->rules, p->n_rules, from->n_rules, sizeof *p->rules) ||
        grow((void **)&p->waivers, p->n_waivers, from->n_waivers, sizeof *p->waivers) ||
        grow((void **)&p->examples_own, p->n_examples, from->n_examples, sizeof *p->examples_own) ||
        grow((void **)&p->examples, p->n_examples, from->n_examples, sizeof *p->examples)) {
        pg_policy_free(from);
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    }
    for (i = 0; i < from->n_detectors; i++) {
        pg_detector_setting *s = &from->detectors[i], *old = find_setting(p, s->id);
        if (old) {
            if (s->enabled >= 0)
                old->enabled = s->enabled;
            if (s->severity >= 0)
                old->severity = s->severity;
            pg_free(s->id);
        } else {
            p->detectors[p->n_detectors++] = *s;
        }
    }
    from->n_detectors = 0;
    for (i = 0; i < from->n_lock_tables; i++) {
        if (has_lock_table(p, from->lock_tables[i]))
            pg_free(from->lock_tables[i]);
        else
            p->lock_tables[p->n_lock_tables++] = from->lock_tables[i];
    }
    from->n_lock_tables = 0;
    for (i = 0; i < from->n_protect; i++)
        p->protect[p->n_protect++] = from->protect[i];
    from->n_protect = 0;
    for (i = 0; i < from->n_rules; i++)
        p->rules[p->n_rules++] = from->rules[i];
    from->n_rules = 0;
    for (i = 0; i < from->n_waivers; i++)
        p->waivers[p->n_waivers++] = from->waivers[i];
    from->n_waivers = 0;
    view = p->examples;
    for (i = 0; i < from->n_examples; i++) {
        pg_example_own *e = from->examples_own[i];
        p->examples_own[p->n_examples] = e;
        view[p->n_examples].rule = e->rule;
        view[p->n_examples].plan = e->plan;
        view[p->n_examples].source = e->source;
        view[p->n_examples].expect = e->expect;
        p->n_examples++;
    }
    from->n_examples = 0;
    pg_policy_free(from);
    return PG_OK;
}

/* ---- text --------------------------------------------------------------------- */

static int load_text(pg_policy *p, const char *source, const char *base_dir, int resolve,
                     const char *text, size_t len, pg_error *err)
{
    pn_doc doc;
    pg_policy *staging;
    int rc;

    if ((rc = pg_policy__yaml_parse(&doc, source, text, len, err)) != PG_OK)
        return rc;
    if (!(staging = pg_policy_new())) {
        pg_policy__yaml_free(&doc);
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    }
    rc = pg_policy__schema_load(staging, p, doc.root, source, base_dir, resolve, err);
    pg_policy__yaml_free(&doc);
    if (rc != PG_OK) {
        pg_policy_free(staging);
        return rc;
    }
    return pg_policy__merge(p, staging, err);
}

/* The folder part of `path` ("" when there is none): example plans are
 * relative to the policy file. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (!slash)
        return pg_strdup("");
    if (slash == path)
        return pg_strdup("/");
    return pg_strndup(path, (size_t)(slash - path));
}

int pg_policy_load_string(pg_policy *p, const char *name, const char *text, size_t len, pg_error *err)
{
    char *dir = dir_of(name ? name : "");
    int rc;

    if (!dir)
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    rc = load_text(p, name ? name : "<string>", dir, 1, text, len, err);
    pg_free(dir);
    return rc;
}

/* ---- files and folders ------------------------------------------------------------ */

static int policy_io_error(pg_error *err, const char *path, const char *what)
{
    pg_error_set(err, PG_EPOLICY, "%s: %s", what, strerror(errno));
    pg_error_set_source(err, path);
    return PG_EPOLICY;
}

/* Read at most PG_POLICY_MAX_FILE_BYTES + 1 bytes: one more than allowed is
 * enough to say "too large" without reading a huge file. */
static int read_file(const char *path, char **out, size_t *len_out, pg_error *err)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 65536, len = 0, n;
    char *buf;

    if (!f)
        return policy_io_error(err, path, "cannot open the policy file");
    buf = pg_malloc(cap);
    while (buf) {
        n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (len > PG_POLICY_MAX_FILE_BYTES || n == 0)
            break;
        if (len == cap) {
            size_t c = cap * 2 > PG_POLICY_MAX_FILE_BYTES + 1 ? PG_POLICY_MAX_FILE_BYTES + 1 : cap * 2;
            char *g = pg_realloc(buf, c);
            if (!g) {
                pg_free(buf);
                buf = NULL;
                break;
            }
            buf = g;
            cap = c;
        }
    }
    if (!buf) {
        fclose(f);
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    }
    if (ferror(f)) {
        int rc = policy_io_error(err, path, "cannot read the policy file");
        fclose(f);
        pg_free(buf);
        return rc;
    }
    fclose(f);
    *out = buf;
    *len_out = len;
    return PG_OK;
}

static int load_file(pg_policy *p, const char *path, pg_error *err)
{
    char *text = NULL, *dir = NULL;
    size_t len = 0;
    int rc;

    if ((rc = read_file(path, &text, &len, err)) != PG_OK)
        return rc;
    if (!(dir = dir_of(path))) {
        pg_free(text);
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    }
    rc = load_text(p, path, dir, 1, text, len, err);
    pg_free(dir);
    pg_free(text);
    return rc;
}

static int is_policy_name(const char *name)
{
    size_t n = strlen(name);

    if (name[0] == '.')
        return 0; /* dotfiles: editor backups, .keep */
    return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) || (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int pg_policy__list_folder(const char *dir, char ***out, size_t *count, pg_error *err)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    int rc = PG_OK;

    *out = NULL;
    *count = 0;
    if (!d)
        return policy_io_error(err, dir, "cannot open the policy folder");
    while ((de = readdir(d))) {
        char *full;
        size_t len;
        struct stat st;
        if (!is_policy_name(de->d_name))
            continue;
        len = strlen(dir) + strlen(de->d_name) + 2;
        if (!(full = pg_malloc(len))) {
            rc = PG_ENOMEM;
            break;
        }
        snprintf(full, len, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", de->d_name);
        if (stat(full, &st) != 0 || !S_ISREG(st.st_mode)) {
            pg_free(full);
            continue;
        }
        if (n == cap) {
            char **g = pg_realloc(names, (cap = cap ? cap * 2 : 8) * sizeof *g);
            if (!g) {
                pg_free(full);
                rc = PG_ENOMEM;
                break;
            }
            names = g;
        }
        names[n++] = full;
    }
    closedir(d);
    if (rc != PG_OK) {
        for (i = 0; i < n; i++)
            pg_free(names[i]);
        pg_free(names);
        return pg_error_set(err, PG_ENOMEM, "out of memory");
    }
    if (n == 0) {
        pg_free(names);
        pg_error_set(err, PG_EPOLICY, "no *.yaml or *.yml policy files in this folder");
        pg_error_set_source(err, dir);
        return PG_EPOLICY;
    }
    qsort(names, n, sizeof *names, cmp_names);
    *out = names;
    *count = n;
    return PG_OK;
}

int pg_policy_load_path(pg_policy *p, const char *path, pg_error *err)
{
    struct stat st;
    char **files;
    size_t n, i;
    int rc = PG_OK;

    if (stat(path, &st) != 0)
        return policy_io_error(err, path, "cannot read the policy path");
    if (!S_ISDIR(st.st_mode))
        return load_file(p, path, err);
    if ((rc = pg_policy__list_folder(path, &files, &n, err)) != PG_OK)
        return rc;
    for (i = 0; i < n; i++) {
        if (rc == PG_OK)
            rc = load_file(p, files[i], err);
        pg_free(files[i]);
    }
    pg_free(files);
    return rc;
}

/* ---- the embedded pack -------------------------------------------------------------- */

static int same_content(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "rb");
    char buf[4096];
    size_t off = 0, n;
    int same = 1;

    if (!f)
        return 0;
    while (same && (n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (off + n > len || memcmp(buf, text + off, n) != 0)
            same = 0;
        off += n;
    }
    fclose(f);
    return same && off == len;
}

/* Is `dir` the policies/ folder the pack was built from (every file there,
 * byte for byte)? Only then do its examples' relative paths mean anything. */
static int is_pack_dir(const char *dir)
{
    const pg_default_policy *d;
    char path[4096];

    if (!pg_default_pack[0].name)
        return 0;
    for (d = pg_default_pack; d->name; d++) {
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, d->name) >= sizeof path)
            return 0;
        if (!same_content(path, d->text, d->len))
            return 0;
    }
    return 1;
}

/* The source tree's policies/ folder: ./policies, or policies/ beside one
 * of the executable's parent folders (build/x/plangate sits two levels
 * under the tree). NULL when there is none (an installed binary): the
 * pack's examples are then left unresolved and `plangate test` skips them. */
static char *find_pack_dir(void)
{
    char exe[4096], cand[4096 + 16];
    ssize_t n;
    int level;

    if (is_pack_dir("policies"))
        return pg_strdup("policies");
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    for (level = 0; level < 4; level++) {
        char *slash = strrchr(exe, '/');
        if (!slash || slash == exe)
            break;
        *slash = '\0';
        snprintf(cand, sizeof cand, "%s/policies", exe);
        if (is_pack_dir(cand))
            return pg_strdup(cand);
    }
    return NULL;
}

int pg_policy_load_defaults(pg_policy *p, pg_error *err)
{
    const pg_default_policy *d;
    char *dir = find_pack_dir();
    char source[PG_ERROR_SOURCE_MAX];
    int rc = PG_OK;

    for (d = pg_default_pack; d->name && rc == PG_OK; d++) {
        snprintf(source, sizeof source, BUILTIN_PREFIX "%s", d->name);
        rc = load_text(p, source, dir, dir != NULL, d->text, d->len, err);
    }
    pg_free(dir);
    return rc;
}
