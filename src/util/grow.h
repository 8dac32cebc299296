/*
 * grow.h — the one way to grow an array (git's ALLOC_GROW with st_mult).
 *
 * pg_grow makes room for `need` elements of `elem_size` bytes in *items
 * (capacity *cap), doubling from `first`, with every product checked for
 * overflow. On failure *items and *cap are unchanged and the error is
 * PG_ENOMEM. Never write `cap * 2` by hand.
 *
 *     if (PG_GROW(l->items, l->cap, l->count + 1, err) < 0)
 *         return err->code;
 */
#ifndef PG_UTIL_GROW_H
#define PG_UTIL_GROW_H

#include <stddef.h>

#include "plangate/error.h"

int pg_grow(void **items, size_t *cap, size_t need, size_t elem_size, size_t first, pg_error *err);

/* `items` is any T * lvalue, `cap` a size_t lvalue. */
#define PG_GROW(items, cap, need, err) \
    pg_grow((void **)&(items), &(cap), (need), sizeof *(items), 8, (err))

/* a * b, or 0 with *overflow set (st_mult). */
static inline size_t pg_mul_size(size_t a, size_t b, int *overflow)
{
    if (a && b > (size_t)-1 / a) {
        *overflow = 1;
        return 0;
    }
    return a * b;
}

/* a + b, or 0 with *overflow set. */
static inline size_t pg_add_size(size_t a, size_t b, int *overflow)
{
    if (b > (size_t)-1 - a) {
        *overflow = 1;
        return 0;
    }
    return a + b;
}

#endif
