/*
 * Where every system stands (SPEC "Compliance"), as the store's records
 * and corrective actions and the current plan show it as of a time: the
 * one place that `status`, `due`, the scheduler, and the report and
 * /metrics call, so they cannot disagree. The rules are eval/compliance's;
 * this module reads what they need (the newest record, the newest passed
 * or failed and the newest passed of each kind, finished by `now`, from
 * store/newest.h, whose records hold the columns and, for the newest
 * drill, the checks; the actions open then) and decides "plan changed since the last passed
 * test": the last pass ran under a revision whose fingerprint of the
 * system's requirement and section (plan/fingerprint.h, stored per
 * revision by dh_db_plan_note) differs from the current plan's. A
 * revision noted before fingerprints were stored (schema < 5) is judged
 * by the record's own targets: changed when its rpo or rto target is not
 * the current one.
 *
 * Lives in store/ because it reads the store and the plan and must be
 * callable from every layer above (jobs, cli, sched, http); render/ is
 * given its result. Read-only: run inside the caller's read (or none).
 */
#ifndef DH_STORE_COMPLIANCE_H
#define DH_STORE_COMPLIANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "dh/err.h"
#include "eval/compliance.h"
#include "plan/plan.h"
#include "store/db.h"
#include "store/newest.h"

/* One system as of a time. */
struct dh_standing {
	const struct dh_system *sys;                           /* borrowed from the plan */
	struct dh_compliance_tests tests[DH_COMPLIANCE_KINDS]; /* by enum dh_job_kind */
	struct dh_compliance c;                                /* dh_compliance_eval of the above */
	int64_t open_actions; /* corrective actions open as of now, both kinds */
};

/* Every system of a plan, in the plan's order (by id). */
struct dh_standings {
	struct dh_standing *v;
	size_t n;
	/* owned; the tests above borrow them */
	struct dh_newest_set newest;
	struct dh_action *actions;
	size_t nactions;
};

/*
 * Judge every system of p (checked: dh_plan_check has run; plan_errors:
 * it found errors) as of now. *out is the caller's to
 * dh_db_standings_fini, also after an error. 0, or DH_EDB / DH_ELOCKED
 * with err set.
 */
int dh_db_standings(struct dh_db *db, const struct dh_plan *p, bool plan_errors, time_t now,
	struct dh_standings *out, struct dh_err *err);

/* One test that is due (SPEC "Commands": due). Strings and the record are borrowed. */
struct dh_due_row {
	const struct dh_system *sys;
	enum dh_job_kind kind;
	bool never_run;               /* no record of this kind at all: due_at is null */
	bool never_passed;            /* no passed record: due since ever, due_at is now */
	time_t due_at;                /* when it became due (eval/compliance.h) */
	bool overdue;                 /* due_at < now */
	const struct dh_record *last; /* the newest record of any verdict, or NULL */
	time_t next_window_at;        /* its window's next opening (now when open); -1 none */
};

/*
 * The tests due as of now (the standings' time), oldest first: never run
 * first, then run but never passed (due since ever, though eval/compliance
 * dates that "now"), each by system and kind; then by due_at, system,
 * kind. Only tests the
 * plan defines are listed (a system without [restore] has no restore test
 * to run; status gives that reason). next_window_at from the policy's
 * restore and failover windows in its timezone (plan/window.h). *out is
 * the caller's (free; NULL when *n is 0); rows borrow sd and p.
 */
void dh_db_standings_due(const struct dh_standings *sd, const struct dh_plan *p, time_t now,
	struct dh_due_row **out, size_t *n);

/* A job the store holds as not finished (any trigger, any controller). */
struct dh_busy_job {
	char *system, *host;
	bool scheduled; /* trigger "schedule" */
};

/*
 * The jobs not finished whose timeout plus grace_s has not passed by now
 * (seconds since the epoch, the real clock: jobs are stamped with it):
 * what `run`, another serve or an earlier run of this one has going. The
 * scheduler counts them against its limits. *out is the caller's
 * (dh_db_busy_free). 0, or DH_EDB / DH_ELOCKED.
 */
int dh_db_busy_jobs(struct dh_db *db, time_t now, int64_t grace_s, struct dh_busy_job **out,
	size_t *n, struct dh_err *err);
void dh_db_busy_free(struct dh_busy_job *v, size_t n);

/* Free what dh_db_standings filled (a zeroed struct is fine). */
void dh_db_standings_fini(struct dh_standings *s);

#endif
