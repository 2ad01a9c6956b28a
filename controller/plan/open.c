/*
 * Opening a plans directory (plan/open.h): load, check and derive, then
 * sort the problems, so that every command sees the same plan and the
 * same problems in the same order.
 */
#include "plan/open.h"

#include "plan/check.h"

int
dh_plan_open(struct dh_plan **out, const char *dir, time_t now, struct dh_problems *pr,
	struct dh_err *err)
{
	struct dh_plan *plan = NULL;
	int r;

	*out = NULL;
	if ((r = dh_plan_load(&plan, dir, pr, err)) < 0)
		goto out;
	dh_plan_check(plan, now, pr);
	*out = plan;
	plan = NULL; /* transferred */
	r = 0;
out:
	dh_problems_sort(pr);
	dh_plan_free(plan);
	return r;
}
