/* date.h — "today" for waiver expiry, one definition for the library. */
#ifndef PG_UTIL_DATE_H
#define PG_UTIL_DATE_H

/* Today (UTC) as YYYY-MM-DD, or the day of SOURCE_DATE_EPOCH when it is set,
 * so builds and tests can pin it. Always writes 10 characters and a NUL. */
void pg_util__today(char buf[11]);

#endif
