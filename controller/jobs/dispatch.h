/*
 * Dispatching one job and waiting for its verdict (SPEC "Architecture",
 * "Commands: run"): the job gets a fresh token and id, is stored (with
 * the token) before it leaves, goes to the host's forced command over SSH
 * on stdin, and the caller waits until its record is in the database.
 * Receiving the agent's events is not done here: the caller has an event
 * receiver running before it dispatches (http/receiver.h: run's own, or
 * a serve's), and it writes the same database, so waiting is polling for
 * the record. When the host cannot be reached, refuses, or no verdict comes
 * before the job's timeout, the controller stores a record with verdict
 * `error` saying why. Used by `run` and (later) the scheduler.
 */
#ifndef DH_DISPATCH_H
#define DH_DISPATCH_H

#include <stdbool.h>

#include "store/db.h"
#include "dh/err.h"
#include "dh/proto.h"
#include "jobs/ssh.h"

#define DH_DISPATCH_GRACE_S 120   /* waited beyond the job's timeout */
#define DH_DISPATCH_COMMAND "run" /* the exec string; the forced command decides */

struct dh_dispatch_cfg {
	const char *events_via; /* where the agent's events arrive, for progress */
	int64_t grace_s;        /* 0 = DH_DISPATCH_GRACE_S */
	double poll_s;          /* 0 = 0.2 */
	bool verbose;           /* progress on stderr */
	/* the scheduler's stop: when it returns true while the verdict is
	 * awaited, dh_dispatch_run returns DH_ESYS without recording (the job
	 * stays running at the agent; its events reach the next serve);
	 * NULL = never */
	bool (*stopping)(void *arg);
	void *stopping_arg;
};

/*
 * Give job an id (when it has none) and a token, store it, dispatch it to
 * host (the target's command and input are set here) and wait for its
 * record. Returns 0 with *out set (whatever the verdict) or an error when
 * nothing could be recorded (database). The record's verdict
 * tells the story: error records carry the reason in `error`.
 */
int dh_dispatch_run(const struct dh_dispatch_cfg *cfg, struct dh_db *db, struct dh_job *job,
	const struct dh_ssh_target *host, const char *trigger, struct dh_record **out,
	struct dh_err *err);

/* Exit code for a verdict: passed 0, failed 1, error/aborted 2. */
int dh_dispatch_exit_code(const struct dh_record *r);

/* A new job id "<system>-<UTC yyyymmddThhmmss>-<8 hex>" (caller frees). */
char *dh_dispatch_job_id(const char *system);

#endif
