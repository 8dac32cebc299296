/* test_policy_clock.c — "today" for waiver expiry (issue 11): every class of
 * unusable SOURCE_DATE_EPOCH fails closed (PG_EUSAGE, exit 2) instead of
 * falling back to 1970, where every expired waiver would waive again; the
 * calendar arithmetic of util/date.c; the CLI commands that read the clock. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "plangate/plangate.h"
#include "support.h"
#include "util/date.h"

Test(policy_clock, a_usable_epoch_names_its_day)
{
    static const struct {
        const char *epoch, *day;
    } ok[] = {
        {"0", "1970-01-01"},
        {"86399", "1970-01-01"},
        {"86400", "1970-01-02"},
        {"951782400", "2000-02-29"},      /* a leap day of a year divisible by 400 */
        {"1733078400", "2024-12-01"},
        {"1795478400", "2026-11-24"},
        {"0001795478400", "2026-11-24"},  /* leading zeros are still digits */
        {"4107542399", "2100-02-28"},     /* 2100 is no leap year */
        {"253402300799", "9999-12-31"},   /* the last second a date can name */
    };
    char buf[11];
    pg_error err;
    size_t i;

    for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        pg_error_clear(&err);
        cr_assert_eq(pg_check_today(buf, ok[i].epoch, &err), 0, "%s: %s", ok[i].epoch, err.message);
        cr_assert_str_eq(buf, ok[i].day, "%s", ok[i].epoch);
    }
}

Test(policy_clock, an_unusable_epoch_fails_closed)
{
    static const struct {
        const char *epoch, *why;
    } bad[] = {
        {"1733078400000", "past 9999-12-31 (milliseconds? it counts seconds)"}, /* milliseconds */
        {"253402300800", "past 9999-12-31"},                                   /* year 10000 */
        {"99999999999999999999999", "past 9999-12-31"},                        /* overflows 64 bits */
        {"18446744073709551617", "past 9999-12-31"},                           /* wraps an unsigned 64-bit */
        {"-1", "digits only"},
        {"-86400", "digits only"},
        {"+1733078400", "digits only"},
        {"1e9", "digits only"},
        {"1733078400.5", "digits only"},
        {" 1733078400", "digits only"},
        {"1733078400 ", "digits only"},
        {"0x10", "digits only"},
        {"now", "digits only"},
        {"2024-12-01", "digits only"},
        {"\x1b]0;pwned\x07", "digits only"},
    };
    char buf[11];
    pg_error err;
    size_t i;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pg_error_clear(&err);
        snprintf(buf, sizeof buf, "untouched");
        cr_assert_eq(pg_check_today(buf, bad[i].epoch, &err), PG_EUSAGE, "%s", bad[i].epoch);
        cr_assert_str_eq(buf, "", "%s: no date may come out of a bad clock", bad[i].epoch);
        cr_assert(strstr(err.message, "SOURCE_DATE_EPOCH="), "%s", err.message);
        cr_assert(strstr(err.message, bad[i].why), "%s: %s", bad[i].epoch, err.message);
        cr_assert_null(strchr(err.message, '\x1b'), "the value is quoted: %s", err.message);
    }
}

Test(policy_clock, no_epoch_is_the_system_clock)
{
    char a[11], b[11];
    pg_error err;

    pg_error_clear(&err);
    cr_assert_eq(pg_check_today(a, NULL, &err), 0);
    cr_assert_eq(pg_check_today(b, "", &err), 0); /* empty counts as unset, as shells write it */
    cr_assert_str_eq(a, b);
    cr_assert(pg_date_valid(a));
    cr_assert_gt(strcmp(a, "2024-01-01"), 0, "%s", a);
}

Test(policy_clock, calendar_dates)
{
    static const char *const valid[] = {"2024-02-29", "2000-02-29", "0000-01-01", "9999-12-31", "2026-04-30", NULL};
    static const char *const invalid[] = {"2023-02-29", "1900-02-29", "2026-04-31", "2026-13-01", "2026-00-10",
                                          "2026-01-00", "2026-1-01",  "26-01-01",   "2026/01/01", "2026-01-01x",
                                          "",           "2026-01-0a", NULL};
    char buf[11];
    size_t i;

    for (i = 0; valid[i]; i++) {
        cr_assert(pg_date_valid(valid[i]), "%s", valid[i]);
        cr_assert_eq(pg_date_from_days(pg_date_days(valid[i]), buf, NULL), 0);
        cr_assert_str_eq(buf, valid[i]); /* days and back */
    }
    for (i = 0; invalid[i]; i++)
        cr_assert_not(pg_date_valid(invalid[i]), "%s", invalid[i]);
    cr_assert_eq(pg_date_days("1970-01-01"), 0);
    cr_assert_eq(pg_date_days("2026-11-24"), 20781);
    cr_assert_eq(pg_date_days("2025-01-01") - pg_date_days("2024-01-01"), 366);
    cr_assert_eq(pg_date_from_days(2932897, buf, NULL), PG_ELIMIT);
    cr_assert_eq(pg_date_from_days(-719529, buf, NULL), PG_ELIMIT);
}

static pg_test_run_result run_with_epoch(const char *const *argv, const char *epoch)
{
    char assignment[128];
    const char *env[] = {assignment, NULL};
    pg_test_run_result r;

    snprintf(assignment, sizeof assignment, "SOURCE_DATE_EPOCH=%s", epoch);
    cr_assert_eq(pg_test_run(&r, argv, NULL, env), 0);
    return r;
}

Test(policy_clock, cli_check_and_test_exit_2_on_an_unusable_clock)
{
    const char *check[] = {"check", PG_TESTDATA "/plans/in-no-changes/plan.json", NULL};
    const char *test[] = {"test", PG_TESTDATA "/policies/cli-test", NULL};
    static const char *const bad[] = {"1733078400000", "-1", "1e9", "253402300800", NULL};
    pg_test_run_result r;
    size_t i;

    for (i = 0; bad[i]; i++) {
        r = run_with_epoch(check, bad[i]);
        cr_assert_eq(r.exit_code, 2, "check, %s: %s", bad[i], r.err);
        cr_assert(strncmp(r.err, "plangate: SOURCE_DATE_EPOCH=\"", 29) == 0, "%s", r.err);
        cr_assert_eq(r.out_len, 0, "nothing is evaluated on a bad clock");
        pg_test_run_free(&r);
        r = run_with_epoch(test, bad[i]);
        cr_assert_eq(r.exit_code, 2, "test, %s: %s", bad[i], r.err);
        pg_test_run_free(&r);
    }
    r = run_with_epoch(check, "1733078400");
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    pg_test_run_free(&r);
}

Test(policy_clock, the_epoch_decides_expiry_end_to_end)
{
    /* waivers.yaml expires 2026-12-15: valid on its last day, void the day after */
    const char *argv[] = {"check",     "--format", "json", "--waivers", PG_TESTDATA "/policies/trust/waivers.yaml",
                          PG_TESTDATA "/plans/demo/plan.json", NULL};
    pg_test_run_result r;

    r = run_with_epoch(argv, "1797292800"); /* 2026-12-15 */
    cr_assert(strstr(r.out, "\"status\": \"used\""), "%s%s", r.out, r.err);
    pg_test_run_free(&r);
    r = run_with_epoch(argv, "1797379200"); /* 2026-12-16 */
    cr_assert(strstr(r.out, "\"status\": \"expired\""), "%s%s", r.out, r.err);
    pg_test_run_free(&r);
    r = run_with_epoch(argv, "1794614400"); /* 2026-11-14: more than 30 days before the expiry */
    cr_assert_eq(r.exit_code, 4, "%s", r.err);
    cr_assert(strstr(r.err, "is 31 days after today (2026-11-14)"), "%s", r.err);
    pg_test_run_free(&r);
}
