/* date.c — calendar dates for waiver expiry (util/date.h).
 *
 * Day numbers use Howard Hinnant's days_from_civil / civil_from_days
 * (proleptic Gregorian, exact for every year we accept), so no time_t or
 * gmtime is involved: an epoch is checked as text before it becomes a
 * number, and nothing can overflow on a 32-bit time_t. */
#include "util/date.h"

#include <string.h>
#include <time.h>

#include "util/quote.h"

static int digits_at(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int number_at(const char *s, size_t n)
{
    int v = 0;
    size_t i;

    for (i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static int leap(long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int pg_date_valid(const char *s)
{
    static const int month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d;

    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits_at(s, 4) || !digits_at(s + 5, 2) ||
        !digits_at(s + 8, 2))
        return 0;
    y = number_at(s, 4);
    m = number_at(s + 5, 2);
    d = number_at(s + 8, 2);
    if (m < 1 || m > 12 || d < 1 || d > month_days[m - 1])
        return 0;
    return !(m == 2 && d == 29 && !leap(y));
}

static long days_from_civil(long y, long m, long d)
{
    long era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

long pg_date_days(const char *s)
{
    return days_from_civil(number_at(s, 4), number_at(s + 5, 2), number_at(s + 8, 2));
}

int pg_date_from_days(long days, char buf[11], pg_error *err)
{
    long z = days + 719468, era, doe, yoe, y, doy, mp, d, m;

    buf[0] = '\0';
    /* 0000-01-01 is day -719528, 9999-12-31 day 2932896. */
    if (days < -719528L || days > 2932896L)
        return pg_error_set(err, PG_ELIMIT, "a date outside the years 0000-9999");
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    /* y is 0..9999, m 1..12, d 1..31: exactly ten characters */
    buf[0] = (char)('0' + y / 1000);
    buf[1] = (char)('0' + y / 100 % 10);
    buf[2] = (char)('0' + y / 10 % 10);
    buf[3] = (char)('0' + y % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + m / 10);
    buf[6] = (char)('0' + m % 10);
    buf[7] = '-';
    buf[8] = (char)('0' + d / 10);
    buf[9] = (char)('0' + d % 10);
    buf[10] = '\0';
    return PG_OK;
}

/* The seconds SOURCE_DATE_EPOCH names, checked as text first: digits only
 * (the reproducible-builds definition), at most PG_DATE_MAX_EPOCH. */
static int parse_epoch(const char *s, long long *out, pg_error *err)
{
    char q[64];
    long long v = 0;
    size_t i, n = strlen(s);

    pg_quote_str(q, sizeof q, s);
    if (!digits_at(s, n))
        return pg_error_set(err, PG_EUSAGE,
                            "SOURCE_DATE_EPOCH=%s is not a usable clock: it must be whole seconds since "
                            "1970-01-01 UTC, digits only",
                            q);
    for (i = 0; i < n; i++) {
        v = v * 10 + (s[i] - '0');
        if (v > PG_DATE_MAX_EPOCH)
            return pg_error_set(err, PG_EUSAGE,
                                "SOURCE_DATE_EPOCH=%s is not a usable clock: it is past 9999-12-31 "
                                "(milliseconds? it counts seconds)",
                                q);
    }
    *out = v;
    return PG_OK;
}

int pg_date_today(char buf[11], const char *source_date_epoch, pg_error *err)
{
    long long secs = 0;
    time_t now;
    int rc;

    buf[0] = '\0';
    if (source_date_epoch && *source_date_epoch) {
        if ((rc = parse_epoch(source_date_epoch, &secs, err)) != PG_OK)
            return rc;
    } else {
        now = time(NULL);
        if (now == (time_t)-1 || (long long)now < 0 || (long long)now > PG_DATE_MAX_EPOCH)
            return pg_error_set(err, PG_EIO, "the system clock is not usable (it reads %lld)", (long long)now);
        secs = (long long)now;
    }
    return pg_date_from_days((long)(secs / 86400), buf, err);
}
