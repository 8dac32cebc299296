/* support.c — helpers shared by the Criterion tests. */
#include "support.h"

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
        dup2(outp[1], 1);
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
