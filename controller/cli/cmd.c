/*
 * What every command shares (cli/cmd.h): opening the plan the two ways
 * commands need it — check and plan print the problems as their output;
 * run, hosts and status say them on stderr and refuse a plan with errors
 * when their results depend on the requirements (the plan module finds
 * problems and never prints) — and writing a rendered buffer to stdout.
 */
#include "cli/cmd.h"

#include <stdio.h>

#include "dh/err.h"
#include "dh/problems.h"
#include "plan/open.h"
#include "plan/plan.h"

int
dh_cli_load_plan(const struct dh_ctlopt *o, struct dh_plan **out, struct dh_problems *pr)
{
	struct dh_err err;

	dh_err_clear(&err);
	if (dh_plan_open(out, o->plans, o->now, pr, &err) < 0) {
		dh_problems_print(pr, stderr);
		fprintf(stderr, "drillhall %s: %s\n", o->command, err.msg);
		return DH_EXIT_USAGE;
	}
	return DH_EXIT_OK;
}

int
dh_cli_write(const struct dh_ctlopt *o, const struct dh_buf *out)
{
	if ((out->len > 0 && fwrite(out->data, 1, out->len, stdout) != out->len) ||
		fflush(stdout) != 0) {
		fprintf(stderr, "drillhall %s: cannot write the output\n", o->command);
		return DH_EXIT_USAGE;
	}
	return DH_EXIT_OK;
}

int
dh_cli_open_plan(const char *cmd, const char *dir, time_t now, bool strict, struct dh_plan **out)
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
			fprintf(stderr,
				"drillhall %s: the plan in %s has errors (see "
				"drillhall check)\n",
				cmd, dir);
			goto out;
		}
		fprintf(stderr,
			"drillhall: the plan in %s has errors (see drillhall "
			"check); going on with its inventory\n",
			dir);
	}
	*out = plan;
	plan = NULL; /* transferred */
	rc = DH_EXIT_OK;
out:
	dh_plan_free(plan);
	dh_problems_fini(&pr);
	return rc;
}
