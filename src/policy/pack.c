/* pack.c — the default policy pack compiled into the binary (policies/,
 * embedded by tools/embed.c): its files by index, loading them, and — for
 * `plangate test` only — resolving their examples' plans against the
 * source tree's policies/ folder.
 *
 * A check run never touches the file system for the pack: which folder is
 * the source tree is the caller's question (the CLI's `test` command looks
 * beside its executable), and the library only confirms a folder holds the
 * pack byte for byte before trusting its relative paths (issue 12).
 */
#include "policy/policy_internal.h"

#include <stdio.h>
#include <string.h>

#include "policy/default_pack.h"

size_t pg_policy_default_count(void)
{
    size_t n = 0;

    while (pg_default_pack[n].name)
        n++;
    return n;
}

const char *pg_policy_default_file(size_t i)
{
    return i < pg_policy_default_count() ? pg_default_pack[i].name : NULL;
}

static int load_one(pg_policy *p, size_t i, const char *examples_dir, int only_environments, pg_error *err)
{
    const pg_default_policy *d = &pg_default_pack[i];
    char source[PG_ERROR_SOURCE_MAX];
    pl_ctx x;

    snprintf(source, sizeof source, PG_POLICY_BUILTIN_PREFIX "%s", d->name);
    memset(&x, 0, sizeof x);
    x.n.source = source;
    x.base_dir = examples_dir;
    x.resolve = examples_dir != NULL;
    x.only_environments = only_environments;
    return pg_policy__load_text(p, &x, d->text, d->len, err);
}

int pg_policy_load_default(pg_policy *p, size_t i, pg_error *err)
{
    if (i >= pg_policy_default_count())
        return pg_error_set(err, PG_EINTERNAL, "no file %zu in the default pack", i);
    return load_one(p, i, NULL, 0, err);
}

int pg_policy_load_default_environments(pg_policy *p, pg_error *err)
{
    size_t i, n = pg_policy_default_count();
    int rc = PG_OK;

    for (i = 0; i < n && rc == PG_OK; i++)
        rc = load_one(p, i, NULL, 1, err);
    return rc;
}

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

int pg_policy_is_pack_dir(const char *dir)
{
    const pg_default_policy *d;
    char path[4096];

    if (!dir || !pg_default_pack[0].name)
        return 0;
    for (d = pg_default_pack; d->name; d++) {
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, d->name) >= sizeof path)
            return 0;
        if (!same_content(path, d->text, d->len))
            return 0;
    }
    return 1;
}

static int load_all(pg_policy *p, const char *examples_dir, pg_error *err)
{
    size_t i, n = pg_policy_default_count();
    int rc = PG_OK;

    for (i = 0; i < n && rc == PG_OK; i++)
        rc = load_one(p, i, examples_dir, 0, err);
    return rc;
}

int pg_policy_load_defaults(pg_policy *p, pg_error *err)
{
    return load_all(p, NULL, err);
}

int pg_policy_load_defaults_with_examples(pg_policy *p, const char *pack_dir, pg_error *err)
{
    return load_all(p, pg_policy_is_pack_dir(pack_dir) ? pack_dir : NULL, err);
}
