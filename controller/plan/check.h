/*
 * Checking a loaded plan (SPEC "Checks"): every rule that relates two
 * keys, sections or files, run after derivation (derive.h) and followed
 * by the recovery order (order.h). The one entry the commands call after
 * dh_plan_load(); the syntax of single keys was checked while loading.
 */
#ifndef DH_PLAN_CHECK_H
#define DH_PLAN_CHECK_H

#include <time.h>

#include "dh/problems.h"
#include "plan/plan.h"

/*
 * Derive effective values (dh_plan_derive), check every cross-field and
 * cross-file rule, and order the systems (dh_plan_order), as of now (the
 * classification's age). Every problem goes to pr, unsorted; nothing is
 * printed. Afterwards the derived fields of plan and its systems are set;
 * plan->ordered is false when a dependency cycle prevented an order.
 */
void dh_plan_check(struct dh_plan *plan, time_t now, struct dh_problems *pr);

#endif
