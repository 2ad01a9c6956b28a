/*
 * Running a failover drill for real (SPEC "Failover drill"): the phases
 * of jobs/drill.h over the world — the drill is a job in the store (kind
 * "failover", so its record is sealed and audited like every record), its
 * state is stored before each phase (store/drills.h), steps, failbacks,
 * markers and `HOST ACTION` probes are action jobs over SSH
 * (jobs/action.h), tcp and http probes run from here (jobs/probe.h). And
 * the other half of the promise: a drill a killed controller left
 * unfinished is found and failed back when a controller starts again.
 * Used by `run failover` and `serve` (and every `run`, for recovery).
 */
#ifndef DH_JOBS_DRILL_RUN_H
#define DH_JOBS_DRILL_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "store/db.h"
#include "dh/err.h"
#include "dh/proto.h"
#include "plan/plan.h"

/*
 * Run the drill of s now: store it as a job (trigger "manual",
 * "schedule" or "web:USER"), hold its hosts, run the phases, store its
 * record. Returns 0 with *out (the caller's, dh_record_free) whatever the
 * verdict; a drill refused because one of its hosts is held by another
 * unfinished drill is an `error` record saying so. Non-zero with err set
 * only when nothing could be recorded: DH_EINVAL s has no [failover] or
 * the inventory lacks the controller's key; DH_EDB / DH_ELOCKED the
 * database. verbose: each phase's check on stderr as it ends.
 */
int dh_drill_execute(const struct dh_plan *p, struct dh_db *db, const struct dh_system *s,
	const char *trigger, bool verbose, struct dh_record **out, struct dh_err *err);

/*
 * Find the drills a killed controller left unfinished (their controller
 * process is gone; a drill another live controller runs is left to it)
 * and finish each:
 * failback (when a step had run) and primary_health by the current plan,
 * the verdict `aborted` with what had happened, the record stored and
 * the hosts freed. A drill whose system or [failover] is gone from the
 * plan cannot be failed back: its record says so (and, when a step had
 * run, "production left on the standby"). *n: how many were finished.
 * Non-zero only on a database error.
 */
int dh_drill_recover_all(const struct dh_plan *p, struct dh_db *db, bool verbose, size_t *n,
	struct dh_err *err);

#endif
