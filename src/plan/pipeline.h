/* pipeline.h — hand captured resource changes from the reading thread to a
 * worker thread that decodes them and runs the callbacks (issue 6: the two
 * cores overlap validation with decoding). Internal to the plan module.
 *
 * Order is kept (one consumer, FIFO). Memory is bounded: at most
 * PG_PIPELINE_SLOTS queued elements and PG_PIPELINE_BUDGET queued bytes; an
 * element larger than the budget waits for an empty queue and goes alone. */
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

typedef struct pg_pipeline pg_pipeline;

/* Runs on the worker thread, in order. Return 0, or a negative code with
 * `err` filled in: the pipeline then stops and reports that error. */
typedef int (*pg_pipeline_fn)(void *ctx, int kind, long index, const char *raw, size_t len, uint64_t offset,
                              pg_error *err);

/* Start the worker. PG_ENOMEM, or PG_EINTERNAL when no thread can be made
 * (the caller then works without a pipeline). */
int pg_pipeline_start(pg_pipeline **out, pg_pipeline_fn fn, void *ctx, pg_error *err);

/* Queue a copy of `raw` (blocks while the queue is full). Returns the
 * worker's error, if it failed, so the reader stops early. */
int pg_pipeline_push(pg_pipeline *p, int kind, long index, const char *raw, size_t len, uint64_t offset,
                     pg_error *err);

/* Wait until everything queued was processed, stop the worker, and return
 * its error (0 when every callback succeeded). Call once. */
int pg_pipeline_finish(pg_pipeline *p, pg_error *err);

/* Stop the worker without waiting for the queue (after an error), free
 * everything. Accepts NULL; safe after pg_pipeline_finish. */
void pg_pipeline_free(pg_pipeline *p);

#endif
