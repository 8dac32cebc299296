/*
 * date.h — calendar dates for waiver expiry: "YYYY-MM-DD" checked, turned
 * into day numbers and back, and "today" from the clock the caller names.
 *
 * The library never reads the environment (issue 12): the CLI hands over the
 * text of SOURCE_DATE_EPOCH, or NULL for the system clock. A clock that
 * cannot be trusted is an error, never a fallback date: falling back to
 * 1970 made every expired waiver waive again (issue 11).
 */
#ifndef PG_UTIL_DATE_H
#define PG_UTIL_DATE_H

#include "plangate/error.h"

/* The last second a YYYY-MM-DD date can name: 9999-12-31T23:59:59Z. */
#define PG_DATE_MAX_EPOCH 253402300799LL

/* Is `s` a real calendar date written YYYY-MM-DD (years 0000-9999)? */
int pg_date_valid(const char *s);

/* Days from 1970-01-01 to the valid date `s` (negative before it). */
long pg_date_days(const char *s);

/* The date `days` after 1970-01-01, as YYYY-MM-DD. 0, or PG_ELIMIT when it
 * falls outside years 0000-9999 (buf then holds ""). */
int pg_date_from_days(long days, char buf[11], pg_error *err);

/*
 * Today (UTC) as YYYY-MM-DD. `source_date_epoch` is the text of
 * SOURCE_DATE_EPOCH (decimal seconds since 1970, digits only), or NULL (or
 * "") for the system clock. An epoch that is not all digits (negative, "1e9",
 * " 1"), that overflows, or that names a year past 9999 (milliseconds such as
 * 1733078400000 do) is PG_EUSAGE, naming the value; a system clock that
 * cannot be read or is out of range is PG_EIO. buf holds "" on failure.
 */
int pg_date_today(char buf[11], const char *source_date_epoch, pg_error *err);

#endif
