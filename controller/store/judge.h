/*
 * Every system of a plan judged as of a time from the store's newest
 * records (controller/store/judge.c): the compliance rules of
 * eval/compliance.h fed with what store/metrics.h finds by index (the
 * newest record, the newest passed and failed, of each kind) and the
 * corrective actions open then. It reads per system, not per record, so
 * /metrics and serve's overdue check stay fast on a long history.
 * Callers: http/metrics.c, notify/.
 */
#ifndef DH_STORE_JUDGE_H
#define DH_STORE_JUDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "eval/compliance.h"
#include "plan/plan.h"
#include "store/db.h"
#include "store/metrics.h"

/* One system as judged; the tests borrow latest and the actions of the whole. */
struct dh_db_judged_sys {
	const struct dh_system *sys; /* borrowed from the plan */
	struct dh_db_latest latest[DH_COMPLIANCE_KINDS];
	struct dh_compliance_tests tests[DH_COMPLIANCE_KINDS];
	struct dh_compliance c;
	int64_t open_actions; /* open as of now */
};

struct dh_db_judged {
	struct dh_db_judged_sys *v; /* one per plan system, in plan order */
	size_t n;
	struct dh_action *actions; /* every action of the store */
	size_t nactions;
};

/*
 * Judge every system of p as of now with the prepared queries q (on db).
 * plan_errors: the plan has errors (then nothing is compliant). *out is
 * the caller's (dh_db_judged_fini), borrowing p until then.
 */
int dh_db_judge(struct dh_db *db, struct dh_db_latest_q *q, const struct dh_plan *p,
	bool plan_errors, time_t now, struct dh_db_judged *out, struct dh_err *err);
void dh_db_judged_fini(struct dh_db_judged *j);

#endif
