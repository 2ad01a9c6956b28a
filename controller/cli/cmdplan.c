/*
 * Opening the plan for run, hosts and status (cli/cmdplan.h): the plan
 * module finds the problems and never prints; this is where a command
 * says them, and refuses a plan with errors when its results depend on
 * the requirements.
 */
#include "cli/cmdplan.h"

#include <stdio.h>

#include "cli/cli.h"
#include "dh/err.h"
#include "dh/problems.h"
#include "plan/open.h"

int
dh_cmdplan_open(const char *cmd, const char *dir, time_t now, bool strict,
	struct dh_plan **out)
{
	struct dh_plan *plan = NULL;
	struct dh_problems pr;
	struct dh_err err;
	char msg[DH_ERR_MSG_MAX + 300];
	int rc = DH_EXIT_USAGE;

	if (dir == NULL)
		dir = "plans";
	dh_err_clear(&err);
	dh_problems_init(&pr);
	if (dh_plan_open(&plan, dir, now, &pr, &err) != 0) {
		dh_err_format(&err, msg, sizeof(msg));
		fprintf(stderr, "drillhall %s: %s\n", cmd, msg);
		goto out;
	}
	if (dh_problems_count(&pr, DH_SEV_ERROR) > 0) {
		dh_problems_print(&pr, stderr);
		if (strict) {
			fprintf(stderr, "drillhall %s: the plan in %s has errors (see "
				"drillhall check)\n", cmd, dir);
			goto out;
		}
		fprintf(stderr, "drillhall: the plan in %s has errors (see drillhall "
			"check); going on with its inventory\n", dir);
	}
	*out = plan;
	plan = NULL; /* transferred */
	rc = DH_EXIT_OK;
out:
	dh_plan_free(plan);
	dh_problems_fini(&pr);
	return rc;
}
