/* support.c — helpers shared by the Criterion tests. */
#include "support.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

const char *pg_test_binary(void)
{
    const char *b = getenv("PG_TEST_BINARY");
#ifdef PG_BINARY
    if (!b || !*b)
        b = PG_BINARY;
#endif
    return b && *b ? b : "build/plangate";
}

char *pg_test_read_file(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0, n;

    if (!f)
        return NULL;
    for (;;) {
        if (cap - len < 65536) {
            char *g = realloc(buf, cap = cap * 2 + 65536 + 1);
            if (!g) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = g;
        }
        n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0)
            break;
    }
    fclose(f);
    buf[len] = '\0';
    if (len_out)
        *len_out = len;
    return buf;
}

int pg_test_dir_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int append(char **buf, size_t *len, size_t *cap, const char *data, size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t c = (*cap + n + 1) * 2;
        char *g = realloc(*buf, c);
        if (!g)
            return -1;
        *buf = g;
        *cap = c;
    }
    memcpy(*buf + *len, data, n);
    *len += n;
    (*buf)[*len] = '\0';
    return 0;
}

int pg_test_run(pg_test_run_result *r, const char *const *argv, const char *stdin_path,
                const char *const *env)
{
    pg_test_run_opts o;

    memset(&o, 0, sizeof o);
    o.stdin_path = stdin_path;
    o.env = env;
    return pg_test_run_ex(r, argv, &o);
}

int pg_test_run_ex(pg_test_run_result *r, const char *const *argv, const pg_test_run_opts *o)
{
    const char *stdin_path = o->stdin_path;
    const char *const *env = o->env;
    int outp[2], errp[2], status;
    pid_t pid;
    size_t argc = 0, out_cap = 0, err_cap = 0, i;
    const char **args;

    memset(r, 0, sizeof *r);
    while (argv[argc])
        argc++;
    args = calloc(argc + 2, sizeof *args);
    if (!args || pipe(outp) != 0 || pipe(errp) != 0)
        return -1;
    args[0] = pg_test_binary();
    for (i = 0; i < argc; i++)
        args[i + 1] = argv[i];
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int in = open(stdin_path ? stdin_path : "/dev/null", O_RDONLY);
        if (in < 0)
            _exit(127);
        dup2(in, 0);
        if (o->stdout_path) {
            int out = open(o->stdout_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (out < 0)
                _exit(127);
            dup2(out, 1);
            close(out);
        } else {
            dup2(outp[1], 1);
        }
        if (o->cwd && chdir(o->cwd) != 0)
            _exit(127);
        dup2(errp[1], 2);
        close(outp[0]);
        close(errp[0]);
        for (i = 0; env && env[i]; i++)
            putenv((char *)(uintptr_t)env[i]);
        execv(args[0], (char *const *)(uintptr_t)args);
        _exit(127);
    }
    close(outp[1]);
    close(errp[1]);
    {
        struct pollfd fds[2] = {{outp[0], POLLIN, 0}, {errp[0], POLLIN, 0}};
        int open_fds = 2;
        char chunk[65536];
        while (open_fds > 0) {
            if (poll(fds, 2, -1) < 0) {
                if (errno == EINTR)
                    continue;
                break;
            }
            for (i = 0; i < 2; i++) {
                ssize_t n;
                if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                    continue;
                n = read(fds[i].fd, chunk, sizeof chunk);
                if (n <= 0) {
                    close(fds[i].fd);
                    fds[i].fd = -1;
                    open_fds--;
                } else if (i == 0) {
                    append(&r->out, &r->out_len, &out_cap, chunk, (size_t)n);
                } else {
                    append(&r->err, &r->err_len, &err_cap, chunk, (size_t)n);
                }
            }
        }
    }
    free(args);
    if (!r->out)
        append(&r->out, &r->out_len, &out_cap, "", 0);
    if (!r->err)
        append(&r->err, &r->err_len, &err_cap, "", 0);
    if (waitpid(pid, &status, 0) < 0)
        return -1;
    if (WIFEXITED(status)) {
        r->exit_code = WEXITSTATUS(status);
    } else {
        r->exit_code = -1;
        r->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    }
    return 0;
}

void pg_test_run_free(pg_test_run_result *r)
{
    free(r->out);
    free(r->err);
    memset(r, 0, sizeof *r);
}

void pg_test_scratch(char *dir, size_t size)
{
    const char *tmp = getenv("TMPDIR");

    snprintf(dir, size, "%s/pg-test.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    cr_assert_not_null(mkdtemp(dir), "mkdtemp %s: %s", dir, strerror(errno));
    cr_assert_eq(chmod(dir, 0777), 0);
}

void pg_test_rmtree(const char *path)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    char *sub;
    size_t n;

    if (lstat(path, &st) != 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        unlink(path);
        return;
    }
    if ((d = opendir(path)) != NULL) {
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            n = strlen(path) + strlen(e->d_name) + 2;
            if ((sub = malloc(n)) != NULL) {
                snprintf(sub, n, "%s/%s", path, e->d_name);
                pg_test_rmtree(sub);
                free(sub);
            }
        }
        closedir(d);
    }
    rmdir(path);
}

void pg_test_write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    cr_assert_not_null(f, "cannot create %s: %s", path, strerror(errno));
    cr_assert_eq(fwrite(data, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
}

int pg_test_count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

void pg_test_write_big_plan(const char *path)
{
    FILE *f = fopen(path, "w");
    int i;

    cr_assert_not_null(f, "cannot create %s", path);
    fputs("{\"format_version\":\"1.2\",\"planned_values\":{},\"resource_changes\":[", f);
    for (i = 0; i < 3000; i++)
        fprintf(f, "%s{\"address\":\"aws_s3_bucket.bucket_with_a_rather_long_name_%d\",\"type\":\"aws_s3_bucket\","
                   "\"name\":\"b%d\",\"change\":{\"actions\":[\"delete\"],\"before\":{},\"after\":null}}",
                i ? "," : "", i, i);
    fputs("]}", f);
    cr_assert_eq(fclose(f), 0);
}

pg_policy *pg_test_policy_new(void)
{
    pg_policy *p = NULL;
    pg_error err;

    pg_error_clear(&err);
    return pg_policy_new(&p, &err) == PG_OK ? p : NULL;
}

pg_finding *pg_test_finding_new(const char *rule, pg_severity severity, const pg_change *change)
{
    pg_finding *f = NULL;
    pg_error err;

    pg_error_clear(&err);
    return pg_finding_new(&f, rule, severity, change, &err) == PG_OK ? f : NULL;
}
