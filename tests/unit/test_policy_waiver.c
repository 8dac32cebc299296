/* test_policy_waiver.c — waivers: used, expired, unused, not waivable. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plangate/plangate.h"
#include "support.h"

static pg_policy *policy_of(const char *yaml)
{
    pg_policy *p = pg_test_policy_new();
    pg_error err;

    pg_error_clear(&err);
    cr_assert_eq(pg_policy_load_string(p, "w.yaml", yaml, strlen(yaml), &err), 0, "%s:%d:%d: %s", err.source,
                 err.line, err.column, err.message);
    return p;
}

static void add(pg_findings *l, const char *rule, const char *address, int waivable)
{
    pg_finding *f = pg_test_finding_new(rule, PG_SEV_CRITICAL, NULL);
    pg_error err;

    cr_assert(f);
    pg_free(f->address); /* pg_finding_new copied "" for a NULL change: the test sets the address */
    f->address = pg_strdup(address);
    f->waivable = waivable;
    cr_assert_eq(pg_findings_add(l, f, &err), 0);
}

static const char *WAIVERS =
    "version: 1\n"
    "waivers:\n"
    "  - rule: dynamodb-key-replacement\n"
    "    address: aws_dynamodb_table.sessions\n"
    "    reason: \"OPS-123: sessions are ephemeral\"\n"
    "    owner: data-team\n"
    "    expires: 2026-12-31\n"
    "  - rule: protected-destroy\n"
    "    address: \"module.legacy.*\"\n"
    "    reason: \"OPS-7: legacy stack retired\"\n"
    "    expires: 2024-01-31\n"
    "  - rule: dynamodb-rename-without-moved\n"
    "    address: aws_dynamodb_table.nothing_here\n"
    "    reason: stale\n"
    "  - rule: lock-table-destroy\n"
    "    address: \"*\"\n"
    "    reason: \"tries to waive a finding that cannot be waived\"\n"
    "  - rule: dynamodb-key-replacement\n"
    "    address: \"aws_dynamodb_table.t[\\\"eu\\\"]\"\n"
    "    reason: brackets are literal\n";

Test(policy_waiver, states)
{
    pg_policy *p = policy_of(WAIVERS);
    pg_findings l;
    pg_waiver_status *st;
    size_t n;
    pg_error err;

    pg_findings_init(&l);
    add(&l, "dynamodb-key-replacement", "aws_dynamodb_table.sessions", 1);     /* 0: waived */
    add(&l, "dynamodb-key-replacement", "aws_dynamodb_table.orders", 1);       /* 1: no waiver */
    add(&l, "protected-destroy", "module.legacy.aws_dynamodb_table.t", 1);     /* 2: expired waiver */
    add(&l, "lock-table-destroy", "aws_dynamodb_table.locks", 0);              /* 3: not waivable */
    add(&l, "dynamodb-key-replacement", "aws_dynamodb_table.t[\"eu\"]", 1);    /* 4: brackets */
    cr_assert_eq(pg_policy_apply_waivers(p, &l, "2025-06-01", &st, &n, &err), 0);
    cr_assert_eq(n, 5);

    cr_assert_eq(l.items[0]->waived, 1);
    cr_assert_str_eq(l.items[0]->waiver_reason, "OPS-123: sessions are ephemeral");
    cr_assert_str_eq(l.items[0]->waiver_owner, "data-team");
    cr_assert_null(l.items[0]->waiver_expired);
    cr_assert_eq(st[0].state, PG_WAIVER_USED);
    cr_assert_eq(st[0].matched, 1);
    cr_assert_str_eq(st[0].expires, "2026-12-31");
    cr_assert_str_eq(st[0].source, "w.yaml:3");

    cr_assert_eq(l.items[1]->waived, 0);
    cr_assert_null(l.items[1]->waiver_expired);

    cr_assert_eq(l.items[2]->waived, 0);
    cr_assert_str_eq(l.items[2]->waiver_expired, "2024-01-31");
    cr_assert_eq(st[1].state, PG_WAIVER_EXPIRED);
    cr_assert_eq(st[1].matched, 1);

    cr_assert_eq(st[2].state, PG_WAIVER_UNUSED);
    cr_assert_eq(st[2].matched, 0);
    cr_assert_null(st[2].owner);
    cr_assert_null(st[2].expires);

    /* waivable: false beats any waiver; the waiver reports unused */
    cr_assert_eq(l.items[3]->waived, 0);
    cr_assert_null(l.items[3]->waiver_reason);
    cr_assert_eq(st[3].state, PG_WAIVER_UNUSED);
    cr_assert_eq(st[3].matched, 0);

    cr_assert_eq(l.items[4]->waived, 1);
    cr_assert_str_eq(l.items[4]->waiver_reason, "brackets are literal");
    cr_assert_null(l.items[4]->waiver_owner);
    cr_assert_eq(st[4].state, PG_WAIVER_USED);

    pg_free(st);
    pg_findings_dispose(&l);
    pg_policy_free(p);
}

Test(policy_waiver, expiry_day_is_still_valid)
{
    pg_policy *p = policy_of(WAIVERS);
    pg_findings l;
    pg_waiver_status *st;
    size_t n;
    pg_error err;

    pg_findings_init(&l);
    add(&l, "dynamodb-key-replacement", "aws_dynamodb_table.sessions", 1);
    cr_assert_eq(pg_policy_apply_waivers(p, &l, "2026-12-31", &st, &n, &err), 0);
    cr_assert_eq(l.items[0]->waived, 1);
    cr_assert_eq(st[0].state, PG_WAIVER_USED);
    pg_free(st);
    pg_findings_dispose(&l);

    /* the day after, the waiver is void and says so next to the finding */
    pg_findings_init(&l);
    add(&l, "dynamodb-key-replacement", "aws_dynamodb_table.sessions", 1);
    cr_assert_eq(pg_policy_apply_waivers(p, &l, "2027-01-01", &st, &n, &err), 0);
    cr_assert_eq(l.items[0]->waived, 0);
    cr_assert_str_eq(l.items[0]->waiver_expired, "2026-12-31");
    cr_assert_eq(st[0].state, PG_WAIVER_EXPIRED);
    pg_free(st);
    pg_findings_dispose(&l);
    pg_policy_free(p);
}

Test(policy_waiver, first_valid_waiver_wins_and_all_count)
{
    pg_policy *p = policy_of("version: 1\nwaivers:\n"
                             "  - { rule: r, address: \"*.t\", reason: old, expires: 2020-01-01 }\n"
                             "  - { rule: r, address: \"aws_*\", reason: first }\n"
                             "  - { rule: r, address: \"*\", reason: second, owner: o }\n");
    pg_findings l;
    pg_waiver_status *st;
    size_t n;
    pg_error err;

    pg_findings_init(&l);
    add(&l, "r", "aws_x.t", 1);
    cr_assert_eq(pg_policy_apply_waivers(p, &l, "2025-01-01", &st, &n, &err), 0);
    cr_assert_eq(l.items[0]->waived, 1);
    cr_assert_str_eq(l.items[0]->waiver_reason, "first");
    cr_assert_null(l.items[0]->waiver_expired); /* a valid waiver covered it */
    cr_assert_eq(st[0].state, PG_WAIVER_EXPIRED);
    cr_assert_eq(st[1].state, PG_WAIVER_USED);
    cr_assert_eq(st[2].state, PG_WAIVER_USED);
    pg_free(st);
    pg_findings_dispose(&l);
    pg_policy_free(p);
}

Test(policy_waiver, no_waivers)
{
    pg_policy *p = policy_of("version: 1\n");
    pg_findings l;
    pg_waiver_status *st = (pg_waiver_status *)1;
    size_t n = 99;
    pg_error err;

    pg_findings_init(&l);
    add(&l, "r", "a", 1);
    cr_assert_eq(pg_policy_apply_waivers(p, &l, NULL, &st, &n, &err), 0);
    cr_assert_null(st);
    cr_assert_eq(n, 0);
    cr_assert_eq(l.items[0]->waived, 0);
    pg_findings_dispose(&l);
    pg_policy_free(p);
}

Test(policy_waiver, today_defaults_to_the_system_clock)
{
    /* The library reads no environment (issue 12): NULL is the system clock,
     * whatever SOURCE_DATE_EPOCH says; the CLI passes the date it read. */
    pg_policy *p = policy_of("version: 1\nwaivers:\n  - { rule: r, address: a, reason: x, expires: 2001-09-09 }\n"
                             "  - { rule: r, address: b, reason: x, expires: 9999-12-31 }\n");
    pg_findings l;
    pg_waiver_status *st;
    size_t n;
    pg_error err;

    setenv("SOURCE_DATE_EPOCH", "1000000000", 1); /* 2001-09-09 UTC: would keep the first one valid */
    pg_findings_init(&l);
    add(&l, "r", "a", 1);
    add(&l, "r", "b", 1);
    cr_assert_eq(pg_policy_apply_waivers(p, &l, NULL, &st, &n, &err), 0);
    cr_assert_eq(st[0].state, PG_WAIVER_EXPIRED);
    cr_assert_eq(st[1].state, PG_WAIVER_USED);
    unsetenv("SOURCE_DATE_EPOCH");
    pg_free(st);
    pg_findings_dispose(&l);
    pg_policy_free(p);
}

Test(policy_waiver, dates_are_validated)
{
    static const char *bad[] = {"2026-13-01", "2025-02-29", "2026-1-01", "31-12-2026", "tomorrow"};
    size_t i;
    char yaml[256];

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pg_policy *p = pg_test_policy_new();
        pg_error err;
        snprintf(yaml, sizeof yaml, "version: 1\nwaivers:\n  - { rule: r, address: a, reason: x, expires: %s }\n", bad[i]);
        cr_assert_eq(pg_policy_load_string(p, "w.yaml", yaml, strlen(yaml), &err), PG_EPOLICY, "%s", bad[i]);
        cr_assert(strstr(err.message, "invalid date"), "%s", err.message);
        pg_policy_free(p);
    }
    pg_policy_free(policy_of("version: 1\nwaivers:\n  - { rule: r, address: a, reason: x, expires: 2024-02-29 }\n"));
}
