/* The default policy pack, embedded at build time by tools/embed.c. */
#ifndef PG_POLICY_DEFAULT_PACK_H
#define PG_POLICY_DEFAULT_PACK_H

#include <stddef.h>

typedef struct pg_default_policy {
    const char *name; /* file name under policies/ */
    const char *text;
    size_t len;
} pg_default_policy;

/* Terminated by an entry whose name is NULL. */
extern const pg_default_policy pg_default_pack[];

#endif
