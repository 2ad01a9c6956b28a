/*
 * The controller's store (SQLite adapter, controller/db.c): jobs with
 * their tokens, agent events (idempotent on job+seq), test records with
 * the requirement in force, loaded plan revisions, and the hash-chained
 * audit log (SPEC "History and audit"). The database runs in WAL mode with
 * synchronous=FULL; every function that writes commits before it returns,
 * and appends to the audit log inside the same transaction as the row it
 * audits. A handle may be used from several threads (SQLite serialises
 * calls); transactions are not shared between threads.
 */
#ifndef DH_DB_H
#define DH_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dh/err.h"
#include "dh/proto.h"

#define DH_DB_SCHEMA_VERSION 2
#define DH_DB_BUSY_MS 10000 /* how long a writer waits for a lock */

struct dh_db;

/*
 * Open (creating and migrating) the database at path. Returns 0,
 * DH_EDB (cannot open, newer schema than this program knows) or
 * DH_ELOCKED (locked past DH_DB_BUSY_MS). *out is the caller's.
 */
int dh_db_open(struct dh_db **out, const char *path, struct dh_err *err);
void dh_db_close(struct dh_db *db);

/* A job as stored. Strings are owned by the struct (dh_db_job_free). */
struct dh_db_job {
	char *id, *system, *kind, *trigger, *host, *token, *state, *plan_revision;
	time_t created_at;
	int64_t rpo_target_s, rto_target_s, timeout_s;
};
void dh_db_job_free(struct dh_db_job *j);

/*
 * Store a job (with its token) before it is dispatched, state
 * "dispatched", and audit it. trigger is "manual" or "schedule".
 * DH_EEXIST when the id is taken.
 */
int dh_db_job_insert(struct dh_db *db, const struct dh_job *job,
	const char *trigger, struct dh_err *err);
/* Look a job up by id; DH_ENOENT when there is none. */
int dh_db_job_get(struct dh_db *db, const char *id, struct dh_db_job **out,
	struct dh_err *err);

/* One event handed to dh_db_event_batch; result is set per item. */
/* DH_DB_CONFLICT: a duplicate whose bytes differ from the stored one (kept). */
enum { DH_DB_NEW = 0, DH_DB_DUPLICATE = 1, DH_DB_CONFLICT = 2 };
struct dh_db_event_in {
	struct dh_event *ev;  /* parsed; its record may be completed in place */
	const char *body;     /* the exact bytes the agent sent */
	size_t len;
	int result;           /* out: DH_DB_NEW, _DUPLICATE, _CONFLICT or a DH_E* code */
};

/*
 * Store a batch of events in one transaction (group commit). A new event
 * is audited; a finished event also stores its test record (completed
 * with the job's trigger, host, targets and plan revision) and audits the
 * verdict. A duplicate (job, seq) changes nothing (the first stays).
 * Per-item failures
 * (unknown job: DH_ENOENT) only fail that item. Returns 0 when the
 * transaction committed (every item's result is then durable), otherwise
 * an error and no item was stored.
 */
int dh_db_event_batch(struct dh_db *db, struct dh_db_event_in *items, size_t n,
	struct dh_err *err);

/*
 * Store a record the controller made itself (host key refused, host
 * unreachable, timeout): completed from its job like an agent's record,
 * record_hash set in r. DH_EEXIST when the job already has a record.
 */
int dh_db_record_store(struct dh_db *db, struct dh_record *r, struct dh_err *err);
/* The record of a job; DH_ENOENT when it has none yet. */
int dh_db_record_get(struct dh_db *db, const char *job, struct dh_record **out,
	struct dh_err *err);

/*
 * Records newest first (by started time), filtered by system (NULL: all),
 * kind (NULL: all) and since (0: all); at most limit (0: no limit).
 * *out is an array of n caller-owned records (dh_db_records_free).
 */
int dh_db_history(struct dh_db *db, const char *system, const char *kind,
	time_t since, size_t limit, struct dh_record ***out, size_t *n,
	struct dh_err *err);
void dh_db_records_free(struct dh_record **recs, size_t n);

/* Count of stored events of a job (for tests and `run` progress). */
int dh_db_event_count(struct dh_db *db, const char *job, int64_t *out,
	struct dh_err *err);

/* Note a loaded plan revision; audited the first time it is seen. */
int dh_db_plan_revision(struct dh_db *db, const char *revision,
	const char *name, struct dh_err *err);

/*
 * Call fn for every audit record in order (strings valid during the
 * call); stops early when fn returns non-zero and returns that. For
 * `audit export`: an auditor can recompute each hash from prev_hash and
 * body. 0, fn's value, or DH_EDB.
 */
struct dh_audit_rec;
int dh_db_audit_each(struct dh_db *db, int (*fn)(void *user, const struct dh_audit_rec *a),
	void *user, struct dh_err *err);

/*
 * The serve holding a listen address, so that `run` can tell a serve on
 * this database from anything else holding the port: set with pid > 0,
 * cleared with pid 0 (on a clean stop); get gives DH_ENOENT when none.
 */
int dh_db_serve_set(struct dh_db *db, const char *listen, long pid, struct dh_err *err);
int dh_db_serve_get(struct dh_db *db, const char *listen, long *pid, struct dh_err *err);

/* The outcome of dh_db_audit_verify. bad_seq 0 = the chain holds. */
struct dh_audit_result {
	int64_t records;   /* audit records checked */
	int64_t bad_seq;   /* first record that does not match; 0 = the chain
	                      holds; -1 = a row that was never audited */
	char why[256];
};

/*
 * Recompute the audit chain: each record's hash from its predecessor and
 * canonical text, the sequence without gaps, and each audited row (job,
 * event, verdict, plan revision) against what its record says. Returns 0
 * when it could read the chain (res says whether it holds), else DH_EDB.
 */
int dh_db_audit_verify(struct dh_db *db, struct dh_audit_result *res,
	struct dh_err *err);

#endif
