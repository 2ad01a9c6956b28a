/*
 * Agent events in the store (controller/store/events.c): idempotent on
 * (job, seq), stored in batches under one transaction (group commit, one
 * fsync for many events), each new one audited; an "accepted" event moves
 * its job to "running" and a "finished" one stores the record it carries.
 * Callers: the event endpoint's writer, dispatch (progress), tests.
 */
#ifndef DH_STORE_EVENTS_H
#define DH_STORE_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "store/audit.h"
#include "store/db.h"
#include "dh/err.h"
#include "dh/proto.h"

/*
 * One event handed to dh_db_event_batch; result is set per item.
 * DH_DB_CONFLICT: a duplicate whose bytes differ from the stored one (kept).
 * DH_DB_UNSTORABLE: a finished event whose record could not be read
 * (unreadable set) or stored; its job now has the controller's `error`
 * record, and why says the reason.
 */
enum { DH_DB_NEW = 0, DH_DB_DUPLICATE = 1, DH_DB_CONFLICT = 2, DH_DB_UNSTORABLE = 3 };
struct dh_db_event_in {
	struct dh_event *ev; /* parsed; its record may be completed in place */
	const char *body;    /* the exact bytes the agent sent */
	size_t len;
	/* A finished event dh_event_parse refused (ev from
	 * dh_event_parse_finished_envelope, record NULL): why, else NULL. */
	const char *unreadable;
	int result;               /* out: DH_DB_* above or a DH_E* code */
	char why[DH_ERR_MSG_MAX]; /* out: the reason, for DH_DB_UNSTORABLE */
};

/* How an event is audited (kind "event", ref_seq = seq; body as SHA-256). */
extern const struct dh_audit_kind dh_db_event_audit;

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
int dh_db_event_batch(struct dh_db *db, struct dh_db_event_in *items, size_t n, struct dh_err *err);

/* Count of stored events of a job (for tests and `run` progress). */
int dh_db_event_count(struct dh_db *db, const char *job, int64_t *out, struct dh_err *err);

#endif
