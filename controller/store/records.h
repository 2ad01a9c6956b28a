/*
 * Test records in the store (controller/store/records.c): a record is
 * sealed with its job's word (identity, requirement in force, plan
 * revision; record_hash) before it is stored, audited as a "verdict",
 * and read back one job at a time or as history. Callers: dispatch
 * (records the controller makes itself), `history`, `status`; within
 * the store, events.c (the record a finished event carries).
 */
#ifndef DH_STORE_RECORDS_H
#define DH_STORE_RECORDS_H

#include <stddef.h>
#include <time.h>

#include "store/audit.h"
#include "store/db.h"
#include "dh/err.h"
#include "dh/proto.h"

/* How a record is audited (kind "verdict"; its JSON only as SHA-256). */
extern const struct dh_audit_kind dh_db_record_audit;

/*
 * Store a record the controller made itself (host key refused, host
 * unreachable, timeout): completed from its job like an agent's record,
 * record_hash set in r. DH_EEXIST when the job already has a record.
 */
int dh_db_record_store(struct dh_db *db, struct dh_record *r, struct dh_err *err);

/*
 * Inside the caller's write transaction: seal r with its job (r->id),
 * insert it, mark the job "finished" and audit the verdict. The sealing
 * takes id, system, kind, trigger, targets and plan revision from the
 * job (not from the agent), the job's host when the record names none,
 * turns a "passed" restore that its own figures contradict into
 * "failed", and sets record_hash = SHA-256 of the record's compact JSON
 * without record_hash. Then, in the same transaction, the record opens
 * or closes a corrective action (store/actions.h: dh_db_actions_on_record,
 * with the interval the job carried), and the notifications it causes
 * go into the outbox (store/outbox.h). DH_EEXIST when the job already has
 * a record, DH_ENOENT when there is no such job.
 */
int dh_db_record_insert(struct dh_db *db, struct dh_record *r, struct dh_err *err);

/*
 * Inside the caller's write transaction: end job `job` with an `error`
 * record the controller makes itself, one check "record" saying why
 * (text, copied). For a finished event whose own record could not be
 * read or stored (SPEC "Events to the controller": the job becomes
 * error with the reason; no job stays running for ever). host: the
 * agent's host, or NULL for the job's. started_at is the job's creation
 * time (seconds), finished_at `at` (0: now). DH_EEXIST when the job
 * already has a record, DH_ENOENT when there is no such job.
 */
int dh_db_record_insert_error(struct dh_db *db, const char *job, const char *host, time_t at,
	const char *why, struct dh_err *err);

/* The record of a job; DH_ENOENT when it has none yet. */
int dh_db_record_get(struct dh_db *db, const char *job, struct dh_record **out, struct dh_err *err);

/*
 * Records newest first (by started time; in one second, the later stored
 * first, as where a system stands picks them), filtered by system (NULL: all),
 * kind (NULL: all) and since (0: all); at most limit (0: no limit).
 * *out is an array of n caller-owned records (dh_db_records_free).
 */
int dh_db_history(struct dh_db *db, const char *system, const char *kind, time_t since,
	size_t limit, struct dh_record ***out, size_t *n, struct dh_err *err);
void dh_db_records_free(struct dh_record **recs, size_t n);

#endif
