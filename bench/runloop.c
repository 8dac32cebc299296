/* runloop.c — run a command many times, one process after the other, and
 * print "wall_s cpu_s" for the whole batch (CPU: the children's user + system
 * time from getrusage(RUSAGE_CHILDREN), in microseconds). A shell loop would
 * add its own fork and bookkeeping to every run; this adds one fork + exec,
 * the same for every command measured, /bin/true included.
 *
 * usage: runloop N CMD [ARGS...]          run CMD N times
 *        runloop -l LIST CMD [ARGS...] @  run CMD once per line of LIST, the
 *                                         line in place of the argument "@"
 * Every run's stdout and stderr go to /dev/null; a run that exits above 1
 * (plangate: 2 usage, 3 plan, 4 policy) stops the batch with exit 1. */
#define _DEFAULT_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double cpu_of_children(void)
{
    struct rusage ru;

    getrusage(RUSAGE_CHILDREN, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static int run(char **argv, int devnull)
{
    int status;
    pid_t pid = fork();

    if (pid == 0) {
        dup2(devnull, 1);
        dup2(devnull, 2);
        execvp(argv[0], argv);
        _exit(127);
    }
    if (pid < 0 || waitpid(pid, &status, 0) < 0)
        return -1;
    if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) {
        fprintf(stderr, "runloop: %s exited with %d\n", argv[0],
                WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct timespec t0, t1;
    double c0;
    int devnull = open("/dev/null", O_WRONLY), at = -1, i;
    char **cmd, line[4096];
    long n = 0, k;
    FILE *list = NULL;

    if (argc >= 4 && strcmp(argv[1], "-l") == 0) {
        if (!(list = fopen(argv[2], "r"))) {
            perror(argv[2]);
            return 2;
        }
        cmd = argv + 3;
        for (i = 0; cmd[i]; i++)
            if (strcmp(cmd[i], "@") == 0)
                at = i;
        if (at < 0) {
            fprintf(stderr, "runloop: -l needs an argument \"@\"\n");
            return 2;
        }
    } else if (argc >= 3 && (n = strtol(argv[1], NULL, 10)) > 0) {
        cmd = argv + 2;
    } else {
        fprintf(stderr, "usage: runloop N CMD [ARGS...] | runloop -l LIST CMD [ARGS...] @\n");
        return 2;
    }
    if (devnull < 0)
        return 2;
    c0 = cpu_of_children();
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (list) {
        while (fgets(line, sizeof line, list)) {
            line[strcspn(line, "\n")] = '\0';
            cmd[at] = line;
            if (run(cmd, devnull) != 0)
                return 1;
        }
        fclose(list);
    } else {
        for (k = 0; k < n; k++)
            if (run(cmd, devnull) != 0)
                return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("%.6f %.6f\n", (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
           cpu_of_children() - c0);
    return 0;
}
