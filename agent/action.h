/*
 * Action jobs on the agent (SPEC "Failover drill"): a "kind":"action" job
 * runs one [action NAME] of agent.ini now, while the SSH session waits,
 * and answers with an action result (dh/proto.h) on stdout. Called by
 * run.c for the forced command; runs the action through proc.c (argv,
 * never a shell; a process group of its own; a deadline).
 */
#ifndef DH_AGENT_ACTION_H
#define DH_AGENT_ACTION_H

#include <stdio.h>

#include "config.h"
#include "dh/err.h"
#include "dh/proto.h"

/*
 * Run job->action.name of cfg with DRILLHALL_SYSTEM, DRILLHALL_JOB and
 * DRILLHALL_MARKER (removed from the environment when the job has no
 * marker), stopping at the action's own timeout or the job's timeout_s
 * when that is shorter; a SIGTERM/SIGHUP to the agent (the session gone)
 * kills the action's group. Fills *res (caller frees its strings with
 * dh_action_result_free on a heap copy, or field by field) and returns 0
 * when the action ran, whatever its exit status; DH_ENOENT when agent.ini
 * has no such action (the job is refused: nothing ran), or DH_ENOENT /
 * DH_ESYS when its program cannot be started — with err set.
 */
int dh_agent_action_run(const struct dh_agent_config *cfg, const struct dh_job *job,
	struct dh_action_result *res, struct dh_err *err);

/*
 * The whole action job for `drillhall-agent run`: run it and print the
 * result JSON and a newline on out. Returns the exit code: 0 when the
 * action ran (its own exit status is in the result), 2 when it was
 * refused or could not start (the reason on stderr).
 */
int dh_agent_action_job(const struct dh_agent_config *cfg, const struct dh_job *job, FILE *out);

#endif
