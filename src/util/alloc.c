/* alloc.c — the allocation choke point (include/plangate/alloc.h). */
#include "plangate/alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

static void *libc_malloc(void *ctx, size_t size)
{
    (void)ctx;
    return malloc(size);
}

static void *libc_realloc(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    return realloc(ptr, size);
}

static void libc_free(void *ctx, void *ptr)
{
    (void)ctx;
    free(ptr);
}

static pg_alloc current = {libc_malloc, libc_realloc, libc_free, NULL};

/* jansson takes plain malloc/free pointers: route them through ours. */
static void *jansson_malloc(size_t size)
{
    return pg_malloc(size);
}

static void jansson_free(void *ptr)
{
    pg_free(ptr);
}

void pg_alloc_set(const pg_alloc *a)
{
    if (a) {
        current = *a;
        json_set_alloc_funcs(jansson_malloc, jansson_free);
    } else {
        current.malloc_fn = libc_malloc;
        current.realloc_fn = libc_realloc;
        current.free_fn = libc_free;
        current.ctx = NULL;
        json_set_alloc_funcs(malloc, free);
    }
}

void *pg_malloc(size_t size)
{
    return current.malloc_fn(current.ctx, size ? size : 1);
}

void *pg_calloc(size_t count, size_t size)
{
    void *p;

    if (size && count > SIZE_MAX / size)
        return NULL;
    p = pg_malloc(count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

void *pg_realloc(void *ptr, size_t size)
{
    return current.realloc_fn(current.ctx, ptr, size ? size : 1);
}

void pg_free(void *ptr)
{
    if (ptr)
        current.free_fn(current.ctx, ptr);
}

char *pg_strdup(const char *s)
{
    return s ? pg_strndup(s, strlen(s)) : NULL;
}

char *pg_strndup(const char *s, size_t len)
{
    char *p;

    if (!s)
        return NULL;
    p = pg_malloc(len + 1);
    if (!p)
        return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}
