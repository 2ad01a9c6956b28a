/*
 * Failover drills in progress (controller/store/drills.c), SPEC "Failover
 * drill": a drill's phase and the record so far are stored before each
 * phase runs, so a controller killed mid-drill finds it again when it
 * starts (`serve`, or the next `run`) and runs its failback. A drill
 * holds its primary and standby exclusively: a second drill that needs
 * either host is refused while the first is unfinished. Callers:
 * jobs/drill_run.c.
 */
#ifndef DH_STORE_DRILLS_H
#define DH_STORE_DRILLS_H

#include <stddef.h>

#include "store/db.h"
#include "dh/err.h"

/* A drill as stored; strings owned (dh_db_drills_free). */
struct dh_db_drill {
	char *job, *system, *primary, *standby;
	char *phase;    /* jobs/drill.h phase name */
	long steps_run; /* steps started */
	char *record;   /* the record so far, JSON; NULL before the first save */
	long owner_pid; /* the controller process running it */
};

/*
 * Begin drill job (already stored as a job) of system on primary and
 * standby, in phase "preflight", owned by this process (its pid, so
 * that recovery leaves the drills of a controller still running alone).
 * DH_ELOCKED with err naming the host and
 * the drill that holds it when an unfinished drill uses either host;
 * DH_EDB / DH_ELOCKED (database busy) otherwise.
 */
int dh_db_drill_begin(struct dh_db *db, const char *job, const char *system, const char *primary,
	const char *standby, struct dh_err *err);

/* Store phase, steps_run and the record so far (JSON, copied by SQLite). */
int dh_db_drill_save(struct dh_db *db, const char *job, const char *phase, long steps_run,
	const char *record, struct dh_err *err);

/* Mark job's drill finished: its hosts are free again. */
int dh_db_drill_finish(struct dh_db *db, const char *job, struct dh_err *err);

/* Unfinished drills, oldest first: *out an array of *n (dh_db_drills_free). */
int dh_db_drill_unfinished(struct dh_db *db, struct dh_db_drill **out, size_t *n,
	struct dh_err *err);
void dh_db_drills_free(struct dh_db_drill *d, size_t n);

#endif
