/* pipeline.c — a bounded FIFO of captured elements between the reading
 * thread and one worker thread (pipeline.h). */
#include "plan/pipeline.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "plangate/alloc.h"

typedef struct slot {
    char *buf;
    size_t cap;
    size_t len;
    int kind;
    long index;
    uint64_t offset;
} slot;

struct pg_pipeline {
    pthread_t thread;
    int started;
    pthread_mutex_t lock;
    pthread_cond_t not_empty; /* the worker waits on it */
    pthread_cond_t not_full;  /* the reader waits on it */
    slot slots[PG_PIPELINE_SLOTS];
    unsigned char *meta;      /* PG_PIPELINE_SLOTS × meta_size */
    size_t meta_size;
    size_t head;              /* next slot to consume */
    size_t count;             /* queued slots */
    size_t queued_bytes;
    int worker_waiting;       /* the worker sleeps on not_empty */
    int reader_waiting;       /* the reader sleeps on not_full */
    int closing;              /* no more pushes: drain and exit */
    int aborting;             /* exit now, drop the queue */
    int failed;               /* the worker's callback failed */
    pg_error error;           /* its error */
    pg_pipeline_fn fn;
    void *ctx;
};

static atomic_ulong threads_started;

unsigned long pg_pipeline_started(void)
{
    return atomic_load(&threads_started);
}

static void *worker(void *arg)
{
    pg_pipeline *p = arg;

    pthread_mutex_lock(&p->lock);
    for (;;) {
        size_t at;
        slot *s;
        int rc;
        pg_error err;
        pg_pipeline_item item;

        while (p->count == 0 && !p->closing && !p->aborting) {
            p->worker_waiting = 1;
            pthread_cond_wait(&p->not_empty, &p->lock);
            p->worker_waiting = 0;
        }
        if (p->aborting || (p->count == 0 && p->closing))
            break;
        at = p->head;
        s = &p->slots[at];
        /* The slot stays counted while the callback runs, so the reader
         * cannot overwrite it; the lock is released for the work itself. */
        pthread_mutex_unlock(&p->lock);
        pg_error_clear(&err);
        item.kind = s->kind;
        item.index = s->index;
        item.raw = s->buf;
        item.len = s->len;
        item.offset = s->offset;
        item.meta = p->meta + at * p->meta_size;
        rc = p->failed ? 0 : p->fn(p->ctx, &item, &err);
        if (s->cap > PG_PIPELINE_KEEP) {
            pg_free(s->buf);
            s->buf = NULL;
            s->cap = 0;
        }
        pthread_mutex_lock(&p->lock);
        if (rc != 0 && !p->failed) {
            p->failed = 1;
            p->error = err;
            if (!p->error.code)
                p->error.code = rc;
        }
        p->queued_bytes -= s->len;
        p->head = (p->head + 1) % PG_PIPELINE_SLOTS;
        p->count--;
        /* Wake the reader only once half the queue is free: one wake-up per
         * batch instead of one per element (futex calls dominated). */
        if (p->reader_waiting && (p->count <= PG_PIPELINE_SLOTS / 2 || p->failed))
            pthread_cond_signal(&p->not_full);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

int pg_pipeline_start(pg_pipeline **out, pg_pipeline_fn fn, void *ctx, size_t meta_size, pg_error *err)
{
    pg_pipeline *p = pg_calloc(1, sizeof *p);
    pthread_attr_t attr;
    int ok;

    *out = NULL;
    if (!p || !(p->meta = pg_calloc(PG_PIPELINE_SLOTS, meta_size ? meta_size : 1))) {
        pg_free(p);
        return pg_error_oom(err);
    }
    p->meta_size = meta_size;
    p->fn = fn;
    p->ctx = ctx;
    if (pthread_mutex_init(&p->lock, NULL) != 0) {
        pg_free(p->meta);
        pg_free(p);
        return pg_error_set(err, PG_EINTERNAL, "cannot create a mutex");
    }
    pthread_cond_init(&p->not_empty, NULL);
    pthread_cond_init(&p->not_full, NULL);
    ok = pthread_attr_init(&attr) == 0;
    if (ok) {
        ok = pthread_attr_setstacksize(&attr, PG_PIPELINE_STACK) == 0 &&
             pthread_create(&p->thread, &attr, worker, p) == 0;
        pthread_attr_destroy(&attr);
    }
    if (!ok) {
        pg_pipeline_free(p);
        return pg_error_set(err, PG_EINTERNAL, "cannot start a worker thread");
    }
    atomic_fetch_add(&threads_started, 1);
    p->started = 1;
    *out = p;
    return PG_OK;
}

static int worker_error(pg_pipeline *p, pg_error *err)
{
    pg_error_copy(err, &p->error);
    return p->error.code ? p->error.code : PG_EINTERNAL;
}

int pg_pipeline_push(pg_pipeline *p, const pg_pipeline_item *item, char *owned, pg_error *err)
{
    size_t at, len = item->len;
    slot *s;

    pthread_mutex_lock(&p->lock);
    while (!p->failed &&
           (p->count == PG_PIPELINE_SLOTS || (p->count > 0 && p->queued_bytes + len > PG_PIPELINE_BUDGET))) {
        if (p->worker_waiting) /* never both asleep */
            pthread_cond_signal(&p->not_empty);
        p->reader_waiting = 1;
        pthread_cond_wait(&p->not_full, &p->lock);
        p->reader_waiting = 0;
    }
    if (p->failed) {
        int rc = worker_error(p, err);
        pthread_mutex_unlock(&p->lock);
        pg_free(owned);
        return rc;
    }
    at = (p->head + p->count) % PG_PIPELINE_SLOTS;
    s = &p->slots[at];
    pthread_mutex_unlock(&p->lock);

    /* This slot is not visible to the worker until count grows: fill it unlocked. */
    if (owned) {
        pg_free(s->buf);
        s->buf = owned;
        s->cap = len;
    } else {
        if (len && s->cap < len) {
            char *grown = pg_realloc(s->buf, len);
            if (!grown)
                return pg_error_oom(err);
            s->buf = grown;
            s->cap = len;
        }
        if (len)
            memcpy(s->buf, item->raw, len);
    }
    s->len = len;
    s->kind = item->kind;
    s->index = item->index;
    s->offset = item->offset;
    if (p->meta_size)
        memcpy(p->meta + at * p->meta_size, item->meta, p->meta_size);

    pthread_mutex_lock(&p->lock);
    p->count++;
    p->queued_bytes += len;
    if (p->worker_waiting && p->count >= PG_PIPELINE_BATCH)
        pthread_cond_signal(&p->not_empty);
    pthread_mutex_unlock(&p->lock);
    return PG_OK;
}

int pg_pipeline_finish(pg_pipeline *p, pg_error *err)
{
    int rc = PG_OK;

    pthread_mutex_lock(&p->lock);
    p->closing = 1;
    pthread_cond_signal(&p->not_empty);
    pthread_cond_signal(&p->not_full);
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->thread, NULL);
    p->started = 0;
    if (p->failed)
        rc = worker_error(p, err);
    return rc;
}

void pg_pipeline_free(pg_pipeline *p)
{
    size_t i;

    if (!p)
        return;
    if (p->started) {
        pthread_mutex_lock(&p->lock);
        p->aborting = 1;
        pthread_cond_signal(&p->not_empty);
        pthread_mutex_unlock(&p->lock);
        pthread_join(p->thread, NULL);
    }
    for (i = 0; i < PG_PIPELINE_SLOTS; i++)
        pg_free(p->slots[i].buf);
    pthread_cond_destroy(&p->not_empty);
    pthread_cond_destroy(&p->not_full);
    pthread_mutex_destroy(&p->lock);
    pg_free(p->meta);
    pg_free(p);
}
