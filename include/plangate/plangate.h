/**
 * plangate/plangate.h — umbrella header of the plangate library.
 */
#ifndef PLANGATE_PLANGATE_H
#define PLANGATE_PLANGATE_H

#define PG_VERSION "0.1.0"

#include "plangate/alloc.h"
#include "plangate/check.h"
#include "plangate/detect.h"
#include "plangate/error.h"
#include "plangate/finding.h"
#include "plangate/json.h"
#include "plangate/plan.h"
#include "plangate/policy.h"
#include "plangate/report.h"

#endif
