/* load.c — loading policy files: a file, a folder's files, text, and the
 * waiver files of the change under review; each parsed (yaml_adapter.c),
 * loaded into a staging policy (document.c), checked by the caller's check
 * (pg_policy_set_check), then merged (merge.c), so a file with an error
 * changes nothing.
 *
 * Order (policy.h): a folder contributes its *.yaml and *.yml files (not
 * dotfiles, not subfolders) in byte order of their names.
 *
 * Files and links (issue 11): in a folder, an entry that is a symbolic link
 * must resolve inside the folder (a link in a pull request could point at
 * any file the CI job can read, whose text an error would then show); the
 * error names the link, never its target. A file named on the command line
 * (--policy FILE) is followed wherever it points: the operator chose it. A
 * waiver file (--waivers) comes from the change: it must be a regular file,
 * not a link. Errors quote input only through util/quote, cut short.
 */
#include "policy/policy_internal.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plangate/alloc.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/grow.h"

/* ---- text ------------------------------------------------------------------ */

int pg_policy__load_text(pg_policy *p, const pl_ctx *how, const char *text, size_t len, pg_error *err)
{
    pn_doc doc;
    int rc;

    if ((rc = pg_policy__yaml_parse(&doc, how->n.source, text, len, err)) != PG_OK)
        return rc;
    return pg_policy__load_tree(p, how, &doc, err);
}

int pg_policy__load_tree(pg_policy *p, const pl_ctx *how, pn_doc *doc, pg_error *err)
{
    pg_policy *staging;
    pl_ctx x = *how;
    size_t before = how->n.collect ? how->n.collect->count + how->n.collect->more : 0;
    int rc;

    if ((rc = pg_policy_new(&staging, err)) != PG_OK) {
        pg_policy__yaml_free(doc);
        return rc;
    }
    x.n.err = err;
    x.into = staging;
    x.existing = p;
    rc = pg_policy__load_document(&x, doc->root);
    pg_policy__yaml_free(doc);
    /* A collecting load runs the caller's check (detector ids) too, its
     * error one more of the file's. */
    if (rc == PG_OK && x.n.collect && p->check)
        rc = pg_policy__go_on(&x.n, p->check(staging, err));
    /* A collecting load went on after its errors: the file still failed. */
    if (rc == PG_OK && x.n.collect && x.n.collect->count + x.n.collect->more > before) {
        if (before < x.n.collect->count)
            *err = x.n.collect->items[before];
        else
            pg_error_set(err, PG_EPOLICY, "more than %u errors", PG_POLICY_MAX_ERRORS);
        rc = PG_EPOLICY;
    } else if (rc == PG_OK && p->check && !x.n.collect) {
        rc = p->check(staging, err);
    }
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

static int load_named_text(pg_policy *p, const char *name, const char *text, size_t len, int from_change,
                           const char *today, pg_policy_errors *collect, pg_error *err)
{
    char *dir = dir_of(name);
    pl_ctx x;
    int rc;

    if (!dir)
        return pg_error_oom(err);
    memset(&x, 0, sizeof x);
    x.n.source = name;
    x.base_dir = dir;
    x.resolve = 1;
    x.from_change = from_change;
    x.today = today;
    x.n.collect = collect;
    rc = pg_policy__load_text(p, &x, text, len, err);
    pg_free(dir);
    return rc;
}

int pg_policy_load_string(pg_policy *p, const char *name, const char *text, size_t len, pg_error *err)
{
    return load_named_text(p, name ? name : "<string>", text, len, 0, NULL, NULL, err);
}

/* ---- files ------------------------------------------------------------------- */

static int io_error(pg_error *err, const char *path, const char *what)
{
    pg_error_set(err, PG_EPOLICY, "%s: %s", what, strerror(errno));
    pg_error_set_source(err, path);
    return PG_EPOLICY;
}

static int path_error(pg_error *err, const char *path, const char *what)
{
    pg_error_set(err, PG_EPOLICY, "%s", what);
    pg_error_set_source(err, path);
    return PG_EPOLICY;
}

/* Read at most PG_POLICY_MAX_FILE_BYTES + 1 bytes: one more than allowed is
 * enough to say "too large" without reading a huge file. */
static int read_file(const char *path, pg_buf *out, pg_error *err)
{
    FILE *f = fopen(path, "rb");
    char chunk[65536];
    size_t n;
    int rc = PG_OK;

    if (!f)
        return io_error(err, path, "cannot open the policy file");
    pg_buf_init(out, PG_POLICY_MAX_FILE_BYTES + 1);
    while (rc == PG_OK && out->len <= PG_POLICY_MAX_FILE_BYTES && (n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (n > PG_POLICY_MAX_FILE_BYTES + 1 - out->len)
            n = PG_POLICY_MAX_FILE_BYTES + 1 - out->len;
        if (pg_buf_add(out, chunk, n, err) != PG_OK)
            rc = pg_error_oom(err);
    }
    if (rc == PG_OK && ferror(f))
        rc = io_error(err, path, "cannot read the policy file");
    fclose(f);
    if (rc != PG_OK)
        pg_buf_dispose(out);
    return rc;
}

static int load_file(pg_policy *p, const char *path, int from_change, const char *today, pg_policy_errors *collect,
                     pg_error *err)
{
    pg_buf text;
    int rc;

    if ((rc = read_file(path, &text, err)) != PG_OK)
        return rc;
    rc = load_named_text(p, path, pg_buf_cstr(&text), text.len, from_change, today, collect, err);
    pg_buf_dispose(&text);
    return rc;
}

/* ---- folders ----------------------------------------------------------------------- */

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

/* Does the link `full` resolve to a file inside the folder `real_dir` (its
 * resolved path)? */
static int link_stays_inside(const char *full, const char *real_dir)
{
    char *target = realpath(full, NULL);
    size_t n = strlen(real_dir);
    int inside;

    if (!target)
        return 0;
    inside = strncmp(target, real_dir, n) == 0 && (target[n] == '/' || (n == 1 && real_dir[0] == '/'));
    free(target); /* realpath allocates with malloc */
    return inside;
}

/* One entry of a folder: 1 to load it, 0 to skip it, or an error. */
static int take_entry(const char *full, const char *real_dir, pg_error *err)
{
    struct stat st;

    if (lstat(full, &st) != 0)
        return 0;
    if (S_ISLNK(st.st_mode)) {
        if (!link_stays_inside(full, real_dir))
            return path_error(err, full,
                              "a symbolic link that leaves its policy folder (or leads nowhere): policy files of a "
                              "folder must be inside it");
        if (stat(full, &st) != 0)
            return 0;
    }
    return S_ISREG(st.st_mode) ? 1 : 0;
}

static int join_path(const char *dir, const char *name, char **out, pg_error *err)
{
    pg_buf b;

    pg_buf_init(&b, 0);
    if (pg_buf_addf(&b, err, "%s%s%s", dir, dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/", name) != PG_OK ||
        !(*out = pg_buf_detach(&b, NULL))) {
        pg_buf_dispose(&b);
        return pg_error_oom(err);
    }
    return PG_OK;
}

static int list_entries(DIR *d, const char *dir, const char *real_dir, char ***names, size_t *n, size_t *cap,
                        pg_error *err)
{
    struct dirent *de;
    char *full = NULL;
    int rc, take;

    while ((de = readdir(d))) {
        if (!is_policy_name(de->d_name))
            continue;
        if ((rc = join_path(dir, de->d_name, &full, err)) != PG_OK)
            return rc;
        take = take_entry(full, real_dir, err);
        if (take == 1 && (rc = PG_GROW(*names, *cap, *n + 1, err)) != PG_OK)
            take = rc;
        if (take != 1)
            pg_free(full);
        if (take < 0)
            return take;
        if (take == 1)
            (*names)[(*n)++] = full;
    }
    return PG_OK;
}

int pg_policy_list_folder(const char *dir, char ***out, size_t *count, pg_error *err)
{
    char **names = NULL, *real_dir;
    size_t n = 0, cap = 0;
    DIR *d;
    int rc;

    *out = NULL;
    *count = 0;
    if (!(real_dir = realpath(dir, NULL)))
        return io_error(err, dir, "cannot open the policy folder");
    if (!(d = opendir(dir))) {
        free(real_dir);
        return io_error(err, dir, "cannot open the policy folder");
    }
    rc = list_entries(d, dir, real_dir, &names, &n, &cap, err);
    closedir(d);
    free(real_dir);
    if (rc == PG_OK && n == 0)
        rc = path_error(err, dir, "no *.yaml or *.yml policy files in this folder");
    if (rc != PG_OK) {
        pg_policy_list_free(names, n);
        return rc;
    }
    qsort(names, n, sizeof *names, cmp_names);
    *out = names;
    *count = n;
    return PG_OK;
}

void pg_policy_list_free(char **list, size_t count)
{
    pg_policy__free_text_list(list, count);
}

static int load_path(pg_policy *p, const char *path, pg_policy_errors *collect, pg_error *err)
{
    struct stat st;
    char **files;
    size_t n, i;
    int rc;

    if (stat(path, &st) != 0)
        return io_error(err, path, "cannot read the policy path");
    if (!S_ISDIR(st.st_mode))
        return load_file(p, path, 0, NULL, collect, err);
    if ((rc = pg_policy_list_folder(path, &files, &n, err)) != PG_OK)
        return rc;
    for (i = 0; i < n && rc == PG_OK; i++)
        rc = load_file(p, files[i], 0, NULL, collect, err);
    pg_policy_list_free(files, n);
    return rc;
}

int pg_policy_load_path(pg_policy *p, const char *path, pg_error *err)
{
    return load_path(p, path, NULL, err);
}

int pg_policy_load_path_all(pg_policy *p, const char *path, pg_policy_errors *errs, pg_error *err)
{
    return load_path(p, path, errs, err);
}

/* ---- waiver files from the change ------------------------------------------------------- */

/* The day expiry bounds count from: the caller's, or the system clock's. */
static int today_or_clock(const char *today, char buf[11], pg_error *err)
{
    if (today) {
        if (!pg_date_valid(today))
            return pg_error_set(err, PG_EUSAGE, "today's date is not a YYYY-MM-DD date");
        snprintf(buf, 11, "%s", today);
        return PG_OK;
    }
    return pg_date_today(buf, NULL, err);
}

int pg_policy_load_waivers_string(pg_policy *p, const char *name, const char *text, size_t len,
                                  const char *today, pg_error *err)
{
    char day[11];
    int rc;

    if ((rc = today_or_clock(today, day, err)) != PG_OK)
        return rc;
    return load_named_text(p, name ? name : "<string>", text, len, 1, day, NULL, err);
}

int pg_policy_load_waivers(pg_policy *p, const char *path, const char *today, pg_error *err)
{
    struct stat st;
    char day[11];
    int rc;

    if ((rc = today_or_clock(today, day, err)) != PG_OK)
        return rc;
    if (lstat(path, &st) != 0)
        return io_error(err, path, "cannot read the waiver file");
    if (S_ISLNK(st.st_mode))
        return path_error(err, path,
                          "a waiver file (--waivers) comes from the change under review and may not be a symbolic "
                          "link");
    if (!S_ISREG(st.st_mode))
        return path_error(err, path, "a waiver file (--waivers) must be a regular file");
    return load_file(p, path, 1, day, NULL, err);
}
