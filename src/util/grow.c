/* grow.c — array growth with overflow checks (grow.h). */
#include "util/grow.h"

#include "plangate/alloc.h"

int pg_grow(void **items, size_t *cap, size_t need, size_t elem_size, size_t first, pg_error *err)
{
    int overflow = 0;
    size_t ncap = *cap ? *cap : first;
    void *p;

    if (need <= *cap)
        return 0;
    while (ncap < need) {
        if (ncap > (size_t)-1 / 2) {
            ncap = need;
            break;
        }
        ncap *= 2;
    }
    (void)pg_mul_size(ncap, elem_size, &overflow);
    if (overflow)
        return pg_error_oom(err);
    p = pg_realloc(*items, ncap * elem_size);
    if (!p)
        return pg_error_oom(err);
    *items = p;
    *cap = ncap;
    return 0;
}
