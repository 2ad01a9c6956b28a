/*
 * The scheduler in `serve` (SPEC "Scheduler"): a thread that, every tick,
 * asks where every system stands (store/compliance.h, as `due` does) and
 * starts the tests that are due with trigger `schedule`:
 *
 * - restore tests only while the plan's `restore` window is open, drills
 *   only in the `failover` window, in the plan's timezone (plan/window.h);
 * - oldest due first (never run first), as `due` lists them; what cannot
 *   start now (a limit) waits for a later tick, so a backlog after
 *   downtime starts in that order as the limits allow, never all at once;
 * - at most the inventory's max_jobs per host (a drill holds its primary
 *   and standby) and cfg->max_jobs in all; one job per system at a time
 *   (unfinished jobs in the store count until their timeout and the
 *   dispatch grace have passed: any trigger for the system, scheduled
 *   ones, e.g. of an earlier serve, for the host);
 * - a test whose last record is `failed` or `error` and started in the
 *   window's current opening is not started again before the next one
 *   (also across a restart of serve: the record says when it started).
 *
 * Each test runs in a worker thread of its own, with its own database
 * connection, the way `run` runs it: restore tests through
 * jobs/dispatch.h (the events arrive at serve's receiver), drills through
 * jobs/drill_run.h. The clock is sched/clock.h's. Called by cli/cmd_serve.c:
 * started after the recovery of interrupted drills and once the receiver
 * listens; stopped before the receiver stops.
 */
#ifndef DH_SCHED_SCHED_H
#define DH_SCHED_SCHED_H

#include "dh/err.h"
#include "plan/plan.h"

struct dh_sched;

struct dh_sched_cfg {
	const char *db_path;
	const struct dh_plan *plan; /* checked; borrowed until dh_sched_stop returns */
	int max_jobs;               /* scheduled jobs at once, all hosts (controller.ini) */
	const char *events_via;     /* where the agents' events arrive, for the log */
	double tick_s;              /* seconds between ticks; 0 = DH_SCHED_TICK_S */
	const char *clock_file;     /* sched/clock.h; NULL = the system clock */
};

#define DH_SCHED_TICK_S 1.0

/*
 * Start the scheduler thread. 0 with *out set, or DH_ESYS / DH_EDB with
 * err set (nothing started).
 */
int dh_sched_start(struct dh_sched **out, const struct dh_sched_cfg *cfg, struct dh_err *err);

/*
 * Stop ticking, let restore workers stop waiting (their jobs go on at the
 * agents and their records arrive with their events), wait for running
 * drills to finish (they fail back first), join every thread and free s.
 * NULL is a no-op.
 */
void dh_sched_stop(struct dh_sched *s);

#endif
