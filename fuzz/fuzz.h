/* fuzz.h — the entry points of plangate's fuzz targets (STYLE 20).
 *
 * Each target is one file with one function, pg_fuzz_<target>(data, size),
 * that returns 0 and abort()s on a broken invariant (ASan/UBSan catch the
 * rest). Three shells call them:
 *   - libFuzzer (fuzz/Makefile links each target with -fsanitize=fuzzer:
 *     LLVMFuzzerTestOneInput below, unless PG_FUZZ_NO_ENTRY is defined);
 *   - fuzz/standalone.c, a plain main() that replays files without libFuzzer;
 *   - tests/e2e/test_fuzz_replay.c, which #includes the four targets with
 *     PG_FUZZ_NO_ENTRY so `make test` replays every committed seed.
 * So every static helper in a target carries the target's prefix: the four
 * files must compile together in one translation unit. */
#ifndef PG_FUZZ_H
#define PG_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int pg_fuzz_json(const uint8_t *data, size_t size);
int pg_fuzz_json_chunks(const uint8_t *data, size_t size);
int pg_fuzz_policy(const uint8_t *data, size_t size);
int pg_fuzz_plan(const uint8_t *data, size_t size);

/* libFuzzer's entry point; each target binary defines it once. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifdef PG_FUZZ_NO_ENTRY
#define PG_FUZZ_ENTRY(fn)
#else
#define PG_FUZZ_ENTRY(fn)                                                                          \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return fn(data, size); }
#endif

#endif
