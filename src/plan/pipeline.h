/* pipeline.h — hand captured resource changes from the reading thread to a
 * worker thread that decodes them and runs the callbacks (issue 6: the two
 * cores overlap validation with decoding). Internal to the plan module.
 *
 * Order is kept (one consumer, FIFO). Memory is bounded: at most
 * PG_PIPELINE_SLOTS queued elements and PG_PIPELINE_BUDGET queued bytes; an
 * element larger than the budget waits for an empty queue and goes alone.
 * Each item carries a fixed-size copy of caller data (`meta`: the plan
 * reader's facts as of that change, so that an error report names the state
 * at the failing change whatever the timing, issue 11). */
#ifndef PG_PLAN_PIPELINE_H
#define PG_PLAN_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "plangate/error.h"

#define PG_PIPELINE_SLOTS 32
#define PG_PIPELINE_BUDGET ((size_t)2 << 20)
/* The sleeping worker is woken when this many elements wait (or at the end). */
#define PG_PIPELINE_BATCH 8
/* Slot buffers above this size are freed after use instead of kept. */
#define PG_PIPELINE_KEEP ((size_t)64 << 10)
/*
 * The worker's stack, set explicitly so that it does not depend on
 * `ulimit -s`. The worker runs the decoder (iterative) and then every
 * detector and policy operator on the change, some of which recurse once per
 * nesting level (jansson's json_equal and json_deep_copy, the policy value
 * comparison and path walk, the finding's redacted copy). Measured on a
 * change nested PG_JSON_MAX_DEPTH_CEILING (4096) levels with the default pack
 * and a rule that compares, copies and prints it (docs/robustness.md): 458
 * KiB at -O2, 466 KiB under ASan; with every report writer too (they run on
 * the main thread today) 1.2 MiB. 16 MiB leaves more than ten times the
 * deepest walk; only the pages touched count in memory.
 */
#define PG_PIPELINE_STACK ((size_t)16 << 20)

typedef struct pg_pipeline pg_pipeline;

/* One queued element, as the worker sees it (borrowed during the call). */
typedef struct pg_pipeline_item {
    int kind;
    long index;
    const char *raw;
    size_t len;
    uint64_t offset;
    const void *meta; /* meta_size bytes, copied at the push */
} pg_pipeline_item;

/* Runs on the worker thread, in order. Return 0, or a negative code with
 * `err` filled in: the pipeline then stops and reports that error. */
typedef int (*pg_pipeline_fn)(void *ctx, const pg_pipeline_item *item, pg_error *err);

/* Start the worker (with a PG_PIPELINE_STACK stack). PG_ENOMEM, or
 * PG_EINTERNAL when no thread can be made (the caller then works without a
 * pipeline). */
int pg_pipeline_start(pg_pipeline **out, pg_pipeline_fn fn, void *ctx, size_t meta_size, pg_error *err);

/* Queue `item` (blocks while the queue is full). Its bytes are copied,
 * unless `owned` is the pg_malloc'd buffer that holds item->raw: the queue
 * then takes it (and frees it, even on failure). Returns the worker's error,
 * if it failed, so the reader stops early. */
int pg_pipeline_push(pg_pipeline *p, const pg_pipeline_item *item, char *owned, pg_error *err);

/* Wait until everything queued was processed, stop the worker, and return
 * its error (0 when every callback succeeded). Call once. */
int pg_pipeline_finish(pg_pipeline *p, pg_error *err);

/* Stop the worker without waiting for the queue (after an error), free
 * everything. Accepts NULL; safe after pg_pipeline_finish. */
void pg_pipeline_free(pg_pipeline *p);

/* Worker threads started in this process (tests prove the threaded path ran). */
unsigned long pg_pipeline_started(void);

#endif
