/* date.c — "today" for waiver expiry (util/date.h). */
#include "util/date.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

void pg_util__today(char buf[11])
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    time_t now = time(NULL);
    struct tm tm;

    if (sde && *sde) {
        char *end;
        long long v = strtoll(sde, &end, 10);
        if (*end == '\0' && v >= 0)
            now = (time_t)v;
    }
    if (!gmtime_r(&now, &tm) || strftime(buf, 11, "%Y-%m-%d", &tm) != 10)
        snprintf(buf, 11, "1970-01-01");
}
