/*
 * `drillhall check` (SPEC "Checks"): load the plans, run every check and
 * print every problem, as text lines "PATH:LINE: error|warning: MESSAGE"
 * on stdout (a summary on stderr) or as JSON. Exit 1 only when there are
 * errors; warnings alone exit 0; plans that cannot be read exit 2.
 */
#include "cli/cmd_check.h"

#include <stdio.h>
#include <string.h>

#include "cli/cmd.h"
#include "dh/buf.h"
#include "plan/plan.h"
#include "render/plan.h"

int
dh_cmd_check(struct dh_ctlopt *o)
{
	struct dh_problems pr;
	struct dh_plan *plan = NULL;
	struct dh_buf out;
	size_t nerr, nwarn;
	int r;

	dh_problems_init(&pr);
	dh_buf_init(&out);
	if ((r = dh_cli_load_plan(o, &plan, &pr)) != DH_EXIT_OK)
		goto out;
	nerr = dh_problems_count(&pr, DH_SEV_ERROR);
	nwarn = dh_problems_count(&pr, DH_SEV_WARNING);
	if (strcmp(o->format, "json") == 0) {
		dh_plan_render_check_json(&pr, &out);
	} else {
		dh_plan_render_check_text(&pr, &out);
		fprintf(stderr, "%s: %zu system%s, %zu error%s, %zu warning%s\n", o->plans,
			plan->nsystems, plan->nsystems == 1 ? "" : "s", nerr, nerr == 1 ? "" : "s",
			nwarn, nwarn == 1 ? "" : "s");
	}
	if ((r = dh_cli_write(o, &out)) == DH_EXIT_OK)
		r = nerr > 0 ? DH_EXIT_NOTOK : DH_EXIT_OK;
out:
	dh_buf_fini(&out);
	dh_plan_free(plan);
	dh_problems_fini(&pr);
	return r;
}
