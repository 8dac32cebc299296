/* skip.h — decide from a change's raw bytes and the reader's key index
 * whether it must be decoded (issues 6 and 12). Internal to the plan module;
 * docs/internals/plan.md. */
#ifndef PG_PLAN_SKIP_H
#define PG_PLAN_SKIP_H

#include <stddef.h>

#include "plangate/json.h"
#include "plangate/plan.h"

enum { PG_SKIP_DECODE = 0, PG_SKIP_COUNT_ONLY = 1 };

/*
 * For one planned resource change (valid JSON bytes) and the keys the
 * reader indexed in it (pg_json_reader_capture_keys): PG_SKIP_COUNT_ONLY
 * (and its action in *action_out) when nobody needs it decoded — it destroys
 * nothing, is not moved, deposed or imported, its members have the types
 * Terraform writes and its action list is plain, no key repeats among its
 * members or its "change" members, and `filter` declines it — else
 * PG_SKIP_DECODE. Nothing is scanned but the members the index points at;
 * an index that does not fit the bytes gives PG_SKIP_DECODE. Pure: safe on
 * any thread.
 */
int pg_plan__skip_decision(const char *raw, size_t len, const pg_json_key_pos *keys, size_t n_keys,
                           pg_plan_filter_fn filter, void *filter_ctx, pg_action *action_out);

#endif
