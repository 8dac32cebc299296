/**
 * plangate/check.h — one evaluation of a plan: reader → changes →
 * detectors and rules → findings → waivers → a pg_report.
 */
#ifndef PLANGATE_CHECK_H
#define PLANGATE_CHECK_H

#include "plangate/detect.h"
#include "plangate/error.h"
#include "plangate/json.h"
#include "plangate/plan.h"
#include "plangate/policy.h"
#include "plangate/report.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pg_check_options {
    const char *plan_path;       /**< file, or "-"/NULL for stdin */
    const pg_policy *policy;     /**< never NULL */
    const pg_backend *backend;   /**< NULL without --backend */
    pg_severity fail_on;
    const char *today;           /**< "YYYY-MM-DD" for waiver expiry; NULL = the system clock (UTC) */
    pg_json_limits limits;       /**< zeros = defaults */
    pg_plan_threads threads;     /**< decoding thread: AUTO (0) by default; NEVER for PLANGATE_NO_THREADS */
} pg_check_options;

/**
 * Evaluate one plan into `report` (initialised here; pg_report_dispose it
 * even on failure). Returns 0 when the plan was evaluated (the verdict says
 * pass or fail), or the reader's error code (PG_ESYNTAX, PG_EPLAN,
 * PG_EERRORED, PG_ELIMIT, PG_EIO…) with report->verdict = PG_VERDICT_ERROR
 * and the message in report->errors — the findings of what was read are
 * still in the report. The policy is checked first (pg_detect_check_policy):
 * an unknown detector id, or a rule id that is a detector id, is PG_EPOLICY.
 * report->weakened lists the detectors the policy disables or lowers below
 * opts->fail_on.
 */
int pg_check_run(const pg_check_options *opts, pg_report *report, pg_error *err);

/**
 * Today's date as YYYY-MM-DD for waiver expiry. `source_date_epoch` is the
 * text of SOURCE_DATE_EPOCH as the caller read it (the library reads no
 * environment), or NULL for the system clock (UTC). A clock that cannot be
 * trusted is an error, never a fallback date: an epoch that is not all
 * digits (negative, "1e9"), overflows, or names a year past 9999 (an epoch
 * in milliseconds does) is PG_EUSAGE; an unreadable system clock PG_EIO.
 */
int pg_check_today(char buf[11], const char *source_date_epoch, pg_error *err);

#ifdef __cplusplus
}
#endif

#endif
