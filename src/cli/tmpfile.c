/* tmpfile.c — temporary report files and the signal handler that removes them (tmpfile.h). */
#include "cli/tmpfile.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TMP_PREFIX ".plangate.tmp."
#define TMP_SUFFIX_LEN 6
#define TMP_TRIES 100

/* What the handler reads. A slot is filled, then published by `used`; it is
 * changed only with the three signals blocked in this thread, and the fence
 * orders the stores for a handler that runs on another thread. */
static struct {
    volatile sig_atomic_t used;
    int dirfd;
    char name[sizeof TMP_PREFIX + TMP_SUFFIX_LEN];
} slots[PG_CLI_TMP_MAX];

static const int cleanup_signals[] = {SIGTERM, SIGINT, SIGHUP};

static void on_signal(int sig)
{
    struct sigaction dfl;
    size_t i;

    /* Only async-signal-safe calls here (unlinkat, sigaction, raise). */
    for (i = 0; i < PG_CLI_TMP_MAX; i++)
        if (slots[i].used)
            (void)unlinkat(slots[i].dirfd, slots[i].name, 0);
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    (void)sigaction(sig, &dfl, NULL);
    /* Pending until the handler returns and the signal is unblocked; then the
     * default action ends the process, and the parent sees the signal. */
    (void)raise(sig);
}

static void install_handlers(void)
{
    static int installed;
    struct sigaction sa, old;
    size_t i;

    if (installed)
        return;
    installed = 1;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (i = 0; i < sizeof cleanup_signals / sizeof cleanup_signals[0]; i++)
        sigaddset(&sa.sa_mask, cleanup_signals[i]);
    for (i = 0; i < sizeof cleanup_signals / sizeof cleanup_signals[0]; i++) {
        /* `nohup`, or a shell's background job: an ignored signal stays ignored. */
        if (sigaction(cleanup_signals[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        (void)sigaction(cleanup_signals[i], &sa, NULL);
    }
}

static void block_signals(sigset_t *saved)
{
    sigset_t set;
    size_t i;

    sigemptyset(&set);
    for (i = 0; i < sizeof cleanup_signals / sizeof cleanup_signals[0]; i++)
        sigaddset(&set, cleanup_signals[i]);
    pthread_sigmask(SIG_BLOCK, &set, saved);
}

static void restore_signals(const sigset_t *saved)
{
    pthread_sigmask(SIG_SETMASK, saved, NULL);
}

/* splitmix64: the suffix only has to differ between tries and runs; O_EXCL
 * is what makes the file ours. */
static uint64_t next_random(void)
{
    static uint64_t state;
    uint64_t z;

    if (state == 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        state = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^ ((uint64_t)getpid() << 12) ^
                (uint64_t)(uintptr_t)&ts;
    }
    z = (state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static void make_name(char *out)
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    uint64_t r = next_random();
    size_t i, n = sizeof TMP_PREFIX - 1;

    memcpy(out, TMP_PREFIX, n);
    for (i = 0; i < TMP_SUFFIX_LEN; i++, r /= sizeof alphabet - 1)
        out[n + i] = alphabet[r % (sizeof alphabet - 1)];
    out[n + TMP_SUFFIX_LEN] = '\0';
}

/* Split `path` into its directory (opened) and its last component. */
static int open_parent(pg_cli_tmp *t, const char *path)
{
    const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
    char dir[4096];
    size_t dlen;

    if (!*base) { /* "reports/": a directory */
        errno = EISDIR;
        return -1;
    }
    if (strlen(base) > PG_CLI_TMP_NAME_MAX) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (!slash) {
        memcpy(dir, ".", 2);
    } else {
        dlen = slash == path ? 1 : (size_t)(slash - path); /* "/x" lives in "/" */
        if (dlen >= sizeof dir) {
            errno = ENAMETOOLONG;
            return -1;
        }
        memcpy(dir, path, dlen);
        dir[dlen] = '\0';
    }
    memcpy(t->name, base, strlen(base) + 1);
    t->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    return t->dirfd < 0 ? -1 : 0;
}

int pg_cli_tmp_open(pg_cli_tmp *t, const char *path)
{
    sigset_t saved;
    int fd = -1, tries, slot, saved_errno;

    t->slot = -1;
    t->dirfd = -1;
    t->name[0] = '\0';
    if (open_parent(t, path) != 0)
        return -1;
    install_handlers();
    block_signals(&saved);
    for (slot = 0; slot < PG_CLI_TMP_MAX && slots[slot].used; slot++)
        ;
    if (slot == PG_CLI_TMP_MAX) {
        errno = EMFILE;
    } else {
        for (tries = 0; tries < TMP_TRIES; tries++) {
            make_name(slots[slot].name);
            fd = openat(t->dirfd, slots[slot].name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0666);
            if (fd >= 0 || errno != EEXIST)
                break;
        }
    }
    if (fd >= 0) {
        slots[slot].dirfd = t->dirfd;
        atomic_thread_fence(memory_order_seq_cst);
        slots[slot].used = 1;
        t->slot = slot;
    }
    saved_errno = errno;
    restore_signals(&saved);
    if (fd < 0) {
        close(t->dirfd);
        t->dirfd = -1;
        errno = saved_errno;
    }
    return fd;
}

/* Rename (or remove) the temporary and unpublish its slot, with the signals
 * blocked so that the handler never sees a slot half-way. */
static int finish(pg_cli_tmp *t, int do_rename)
{
    sigset_t saved;
    int rc = 0, saved_errno = 0;

    if (t->slot < 0)
        return 0;
    block_signals(&saved);
    if (do_rename && renameat(t->dirfd, slots[t->slot].name, t->dirfd, t->name) != 0) {
        saved_errno = errno;
        rc = -1;
        do_rename = 0;
    }
    if (!do_rename)
        (void)unlinkat(t->dirfd, slots[t->slot].name, 0);
    slots[t->slot].used = 0;
    atomic_thread_fence(memory_order_seq_cst);
    restore_signals(&saved);
    close(t->dirfd);
    t->dirfd = -1;
    t->slot = -1;
    errno = saved_errno;
    return rc;
}

int pg_cli_tmp_commit(pg_cli_tmp *t)
{
    return finish(t, 1);
}

void pg_cli_tmp_discard(pg_cli_tmp *t)
{
    int saved_errno = errno;

    (void)finish(t, 0);
    errno = saved_errno;
}
