/*
 * The one way to open a plans directory for use: read it, run every
 * check and derive the requirements as of a time, problems sorted. Used
 * by every command that needs the plan (check and plan through
 * dh_cli_load_plan, run, hosts and status through dh_cli_open_plan, both in cli/cmd.c); it
 * never prints, the caller decides what the problems mean for it.
 */
#ifndef DH_PLAN_OPEN_H
#define DH_PLAN_OPEN_H

#include <time.h>

#include "dh/err.h"
#include "dh/problems.h"
#include "plan/plan.h"

/*
 * Load dir (dh_plan_load), check and derive as of now (dh_plan_check)
 * and sort pr. Returns 0 with *out set (the caller's, dh_plan_free) and
 * every problem in pr, errors included; or DH_ENOENT / DH_EIO with err
 * set when the plans could not be read at all (*out is then NULL, pr may
 * hold what was found before).
 */
int dh_plan_open(struct dh_plan **out, const char *dir, time_t now, struct dh_problems *pr,
	struct dh_err *err);

#endif
