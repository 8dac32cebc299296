/* multi.c — many plans in one run: the evaluation pool and the repository path (multi.h). */
#include "cli/multi.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plangate/alloc.h"

typedef struct pool {
    pg_cli_plan_run *runs;
    size_t n;
    const pg_check_options *opts;
    pthread_mutex_t lock;
    size_t next; /* the next plan to take, under lock */
} pool;

static void run_one(pg_cli_plan_run *r, const pg_check_options *base)
{
    pg_check_options o = *base;

    o.plan_path = r->path;
    pg_error_clear(&r->err);
    r->rc = pg_check_run(&o, &r->report, &r->err);
}

static void *worker(void *arg)
{
    pool *p = arg;

    for (;;) {
        size_t i;
        pthread_mutex_lock(&p->lock);
        i = p->next < p->n ? p->next++ : p->n;
        pthread_mutex_unlock(&p->lock);
        if (i == p->n)
            return NULL;
        run_one(&p->runs[i], p->opts);
    }
}

/* At most this many threads whatever --jobs says: a run is I/O and parsing. */
#define MAX_JOBS 64u

void pg_cli_run_plans(pg_cli_plan_run *runs, size_t n, const pg_check_options *opts, size_t jobs)
{
    pthread_t threads[MAX_JOBS];
    size_t started = 0, i;
    pool p;

    if (jobs > n)
        jobs = n;
    if (jobs > MAX_JOBS)
        jobs = MAX_JOBS;
    if (jobs <= 1) {
        for (i = 0; i < n; i++)
            run_one(&runs[i], opts);
        return;
    }
    memset(&p, 0, sizeof p);
    p.runs = runs;
    p.n = n;
    p.opts = opts;
    pthread_mutex_init(&p.lock, NULL);
    for (i = 0; i + 1 < jobs; i++) {
        if (pthread_create(&threads[started], NULL, worker, &p) != 0)
            break; /* the others, and this thread, take its share */
        started++;
    }
    worker(&p);
    for (i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    pthread_mutex_destroy(&p.lock);
}

size_t pg_cli_online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n > 0 ? (size_t)n : 1u;
}

/* The nearest folder upward from the current one holding .git, resolved (malloc'd), or NULL. */
static char *find_root(void)
{
    char dir[PATH_MAX], probe[PATH_MAX + 8];
    struct stat st;
    char *slash;

    if (!realpath(".", dir))
        return NULL;
    for (;;) {
        snprintf(probe, sizeof probe, "%s/.git", strcmp(dir, "/") == 0 ? "" : dir);
        if (stat(probe, &st) == 0)
            return pg_strdup(dir);
        if (strcmp(dir, "/") == 0 || !(slash = strrchr(dir, '/')))
            return NULL;
        if (slash == dir)
            slash[1] = '\0';
        else
            *slash = '\0';
    }
}

char *pg_cli_repo_path(const char *plan, const char *workspace)
{
    char file[PATH_MAX], ws[PATH_MAX];
    char *root = NULL, *out = NULL;
    size_t len;

    if (!plan || strcmp(plan, "-") == 0 || !realpath(plan, file))
        return NULL;
    if (workspace && *workspace)
        root = realpath(workspace, ws) ? pg_strdup(ws) : NULL;
    else
        root = find_root();
    if (!root)
        return NULL;
    len = strlen(root);
    if (strcmp(root, "/") == 0)
        out = pg_strdup(file + 1);
    else if (strncmp(file, root, len) == 0 && file[len] == '/')
        out = pg_strdup(file + len + 1);
    pg_free(root);
    return out;
}
