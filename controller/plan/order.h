/*
 * Recovery order (SPEC "Recovery order"): each system's urgency (the
 * shortest rto among it and every system that depends on it,
 * transitively) and the order systems come back in: after all they
 * depend on, then by (urgency, rto, descending T-level, id). Run by
 * dh_plan_check() (check.c) after derivation; it reports the cycles this
 * module finds.
 */
#ifndef DH_PLAN_ORDER_H
#define DH_PLAN_ORDER_H

#include <stddef.h>

#include "plan/plan.h"

/*
 * A dependency cycle: n indexes into plan->systems, each depending on
 * the next and the last on the first, starting at the smallest id so that
 * the same cycle always reads the same. Borrowed for the call only.
 */
typedef void dh_plan_cycle_fn(void *ctx, const size_t *cycle, size_t n);

/*
 * Needs dep_idx and eff_rto_s (dh_plan_derive). Sets urgency_s of every
 * system; then, when there is no cycle, plan->order, each system's order
 * (1-based) and plan->ordered; otherwise plan->ordered is false and
 * on_cycle is called once for each cycle.
 */
void dh_plan_order(struct dh_plan *plan, dh_plan_cycle_fn *on_cycle, void *ctx);

#endif
