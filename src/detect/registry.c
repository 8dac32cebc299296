/* registry.c — the catalogue of built-in detectors (SPEC §3): a table of
 * pointers to the descriptors that each src/detect/<name>.c exports, in a
 * stable order, and the lookups over it.
 *
 * `plangate explain`, SARIF rule descriptions and the policy checker read
 * the same table. Adding a detector is its file and one line below. */
#include <string.h>

#include "plangate/detect.h"

/* One line per detector: X(name) is `pg_detector_<name>` in src/detect/<name>.c. */
#define PG_DETECTORS(X)                         \
    X(dynamodb_key_replacement)                 \
    X(protected_destroy)                        \
    X(dynamodb_deletion_protection)             \
    X(dynamodb_rename_without_moved)            \
    X(lock_table_key_schema)                    \
    X(lock_table_destroy)                       \
    X(lock_table_pitr)                          \
    X(lock_table_backend_mismatch)              \
    X(dynamodb_key_type_change)                 \
    X(dynamodb_provisioned_without_autoscaling) \
    X(lock_table_deprecated)                    \
    X(lock_table_deletion_protection)           \
    X(dynamodb_replica_removed)                 \
    X(plan_incomplete)                          \
    X(data_loss)

#define DECLARE(name) extern const pg_detector pg_detector_##name;
PG_DETECTORS(DECLARE)

#define POINTER(name) &pg_detector_##name,
static const pg_detector *const detectors[] = {PG_DETECTORS(POINTER)};

#define N_DETECTORS (sizeof detectors / sizeof detectors[0])

size_t pg_detector_count(void)
{
    return N_DETECTORS;
}

const pg_detector *pg_detector_at(size_t i)
{
    return i < N_DETECTORS ? detectors[i] : NULL;
}

const pg_detector *pg_detector_find(const char *id)
{
    size_t i;

    if (!id)
        return NULL;
    for (i = 0; i < N_DETECTORS; i++)
        if (strcmp(detectors[i]->id, id) == 0)
            return detectors[i];
    return NULL;
}
