/**
 * plangate/alloc.h — the one allocation choke point of the library.
 *
 * Every allocation of plangate's own code goes through pg_malloc/pg_realloc/
 * pg_free, so tests can swap in a failing allocator (fail the Nth call) and
 * check that each failure becomes PG_ENOMEM with no leak. pg_alloc_set()
 * also routes jansson's allocations through the same functions.
 */
#ifndef PLANGATE_ALLOC_H
#define PLANGATE_ALLOC_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pg_alloc {
    void *(*malloc_fn)(void *ctx, size_t size);
    void *(*realloc_fn)(void *ctx, void *ptr, size_t size);
    void (*free_fn)(void *ctx, void *ptr);
    void *ctx;
} pg_alloc;

/** Install `a` (copied) as the allocator; NULL restores the libc one. Not thread-safe. */
void pg_alloc_set(const pg_alloc *a);

void *pg_malloc(size_t size);
void *pg_calloc(size_t count, size_t size); /**< zeroed; NULL on overflow */
void *pg_realloc(void *ptr, size_t size);
void pg_free(void *ptr);                     /**< accepts NULL */

/** Duplicate a NUL-terminated string; NULL in gives NULL out. */
char *pg_strdup(const char *s);
/** Duplicate `len` bytes and NUL-terminate. */
char *pg_strndup(const char *s, size_t len);

#ifdef __cplusplus
}
#endif

#endif
