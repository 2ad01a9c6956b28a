/*
 * Jobs in the store (controller/store/jobs.c): a job with its token,
 * stored and audited before it is dispatched, its state as its events
 * arrive, and which serve holds which listen address. Callers: dispatch
 * (`run`), the event endpoint (a job's token), `serve`; within the store,
 * events.c and records.c (a job's state, the job a record is sealed with).
 */
#ifndef DH_STORE_JOBS_H
#define DH_STORE_JOBS_H

#include <stdint.h>
#include <time.h>

#include "store/audit.h"
#include "store/db.h"
#include "dh/err.h"
#include "dh/proto.h"

/* A job as stored. Strings are owned by the struct (dh_db_job_free). */
struct dh_db_job {
	char *id, *system, *kind, *trigger, *host, *token, *state, *plan_revision;
	time_t created_at;
	int64_t rpo_target_s, rto_target_s, timeout_s;
	int64_t every_s; /* the test interval in force; 0 = not known */
};
void dh_db_job_free(struct dh_db_job *j);

/* How a job is audited (kind "job"; the token only as its SHA-256). */
extern const struct dh_audit_kind dh_db_job_audit;

/*
 * Store a job (with its token) before it is dispatched, state
 * "dispatched", and audit it. trigger is "manual" or "schedule".
 * DH_EEXIST when the id is taken.
 */
int dh_db_job_insert(struct dh_db *db, const struct dh_job *job, const char *trigger,
	struct dh_err *err);
/* Look a job up by id; DH_ENOENT when there is none. */
int dh_db_job_get(struct dh_db *db, const char *id, struct dh_db_job **out, struct dh_err *err);

/*
 * Inside the caller's write transaction: set the state of job id unless
 * it is already "finished" (a finished job stays so). 0 or DH_EDB.
 */
int dh_db_job_set_state(struct dh_db *db, const char *id, const char *state, struct dh_err *err);

/*
 * The serve holding a listen address, so that `run` can tell a serve on
 * this database from anything else holding the port: set with pid > 0,
 * cleared with pid 0 (on a clean stop); get gives DH_ENOENT when none.
 */
int dh_db_serve_set(struct dh_db *db, const char *listen, long pid, struct dh_err *err);
int dh_db_serve_get(struct dh_db *db, const char *listen, long *pid, struct dh_err *err);

#endif
