/* target.c — report targets: parsing FORMAT=PATH and the identity rules of target.h. */
#include "cli/target.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/diag.h"
#include "cli/exit.h"
#include "plangate/alloc.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

int pg_cli_target_parse(pg_cli_target *t, const char *spec)
{
    const char *eq = strchr(spec, '=');
    char name[32], q[PG_CLI_QUOTE_SIZE];
    int format;

    if (!eq || eq == spec || !eq[1] || (size_t)(eq - spec) >= sizeof name) {
        pg_cli_errorf("plangate check: --report wants FORMAT=PATH (got %s)", pg_cli_quote(q, spec));
        return PG_EXIT_USAGE;
    }
    memcpy(name, spec, (size_t)(eq - spec));
    name[eq - spec] = '\0';
    if ((format = pg_report_format_from_name(name)) < 0) {
        pg_cli_errorf("plangate check: unknown report format %s in --report (text, json, sarif, junit, github, "
                      "markdown)",
                      pg_cli_quote(q, name));
        return PG_EXIT_USAGE;
    }
    t->format = (pg_report_format)format;
    t->path = strcmp(eq + 1, "-") == 0 ? NULL : eq + 1;
    t->option = spec;
    t->is_format = 0;
    return 0;
}

/* Who a file is: its directory entry, and for a regular file its inode. */
typedef struct file_key {
    char entry[PATH_MAX + 256];
    int has_inode;
    dev_t dev;
    ino_t ino;
} file_key;

static void key_of_path(file_key *k, const char *path)
{
    const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
    char dir[PATH_MAX], resolved[PATH_MAX];
    size_t dlen = slash ? (slash == path ? 1 : (size_t)(slash - path)) : 1;
    struct stat st;

    memset(k, 0, sizeof *k);
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
        k->has_inode = 1;
        k->dev = st.st_dev;
        k->ino = st.st_ino;
    }
    /* The entry: the directory resolved, the last component as it is (a
     * symbolic link there is a name of its own). Unresolvable: as given. */
    if (dlen < sizeof dir) {
        memcpy(dir, slash ? path : ".", dlen);
        dir[dlen] = '\0';
        if (realpath(dir, resolved) &&
            (size_t)snprintf(k->entry, sizeof k->entry, "%s/%s", strcmp(resolved, "/") ? resolved : "", base) <
                sizeof k->entry)
            return;
    }
    snprintf(k->entry, sizeof k->entry, "%s", path);
}

static int key_of_fd(file_key *k, int fd)
{
    struct stat st;

    memset(k, 0, sizeof *k);
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    k->has_inode = 1;
    k->dev = st.st_dev;
    k->ino = st.st_ino;
    return 1;
}

static int same_key(const file_key *a, const file_key *b)
{
    if (a->has_inode && b->has_inode && a->dev == b->dev && a->ino == b->ino)
        return 1;
    return a->entry[0] && b->entry[0] && strcmp(a->entry, b->entry) == 0;
}

static const char *const stream_files[] = {"the file standard input reads from", "the file standard output goes to",
                                           "the file standard error goes to"};

static int check_stdout(const pg_cli_target *targets, size_t n)
{
    const pg_cli_target *first = NULL;
    char q1[PG_CLI_QUOTE_SIZE], q2[PG_CLI_QUOTE_SIZE];
    size_t i;

    for (i = 0; i < n; i++) {
        if (targets[i].path)
            continue;
        if (!first) {
            first = &targets[i];
            continue;
        }
        pg_cli_errorf("plangate check: %s %s and --report %s both ask for standard output, which carries one "
                      "report (write the other to a file)",
                      first->is_format ? "--format" : "--report", pg_cli_quote(q1, first->option),
                      pg_cli_quote(q2, targets[i].option));
        return PG_EXIT_USAGE;
    }
    return 0;
}

int pg_cli_targets_check(const pg_cli_target *targets, size_t n, const pg_cli_input *inputs, size_t n_inputs)
{
    file_key *keys = NULL, streams[3];
    char q1[PG_CLI_QUOTE_SIZE], q2[PG_CLI_QUOTE_SIZE];
    size_t i, j;
    int code = 0, fd;

    if ((code = check_stdout(targets, n)) != 0)
        return code;
    if (n == 0)
        return 0;
    if (!(keys = pg_calloc(n + n_inputs, sizeof *keys))) {
        pg_error err;
        pg_error_oom(&err);
        pg_cli_errorf("plangate check: %s", err.message);
        return PG_EXIT_PLAN;
    }
    for (i = 0; i < n; i++)
        key_of_path(&keys[i], targets[i].path ? targets[i].path : "");
    for (i = 0; i < n_inputs; i++)
        key_of_path(&keys[n + i], inputs[i].path);
    for (fd = 0; fd < 3; fd++)
        key_of_fd(&streams[fd], fd);

    for (i = 0; i < n && code == 0; i++) {
        if (!targets[i].path)
            continue;
        for (j = 0; j < i && code == 0; j++) {
            if (targets[j].path && same_key(&keys[i], &keys[j])) {
                pg_cli_errorf("plangate check: --report %s and --report %s name the same file",
                              pg_cli_quote(q1, targets[j].option), pg_cli_quote(q2, targets[i].option));
                code = PG_EXIT_USAGE;
            }
        }
        for (j = 0; j < n_inputs && code == 0; j++) {
            if (same_key(&keys[i], &keys[n + j])) {
                pg_cli_errorf("plangate check: --report %s would replace %s %s", pg_cli_quote(q1, targets[i].option),
                              inputs[j].what, pg_cli_quote(q2, inputs[j].path));
                code = PG_EXIT_USAGE;
            }
        }
        for (fd = 0; fd < 3 && code == 0; fd++) {
            if (streams[fd].has_inode && same_key(&keys[i], &streams[fd])) {
                pg_cli_errorf("plangate check: --report %s names %s%s", pg_cli_quote(q1, targets[i].option),
                              stream_files[fd],
                              fd == 1 ? " (for the report on standard output, use FORMAT=-)" : "");
                code = PG_EXIT_USAGE;
            }
        }
    }
    pg_free(keys);
    return code;
}
