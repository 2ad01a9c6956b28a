/*
 * The notification outbox (controller/store/outbox.c, SPEC
 * "Notifications"): every event a notification may be sent for is
 * written as an outbox row in the transaction of the change that caused
 * it (a failed or error record, a drill that left production on the
 * standby, a corrective action opened or closed), or in a transaction of
 * its own for what is found by looking (overdue, audit_broken). Each row
 * has a dedup key, so an event found twice is stored once. The store
 * knows no configuration: notify/ "plans" each new row once, making one
 * delivery per configured target for the events named in `on`, then
 * delivers, marking each delivery done or scheduling its retry. A
 * delivery is marked done right after its receiver said yes, so a
 * restart re-sends nothing that was answered and loses nothing that was
 * not. Callers: store/records.c and store/actions.c (events), notify/
 * (finding, planning, delivering), store/metrics.c (pending count).
 */
#ifndef DH_STORE_OUTBOX_H
#define DH_STORE_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dh/err.h"
#include "dh/proto.h"
#include "store/db.h"

/* Event names, as SPEC "Notifications" and [notify] on spell them. */
#define DH_OUTBOX_FAILED "failed"
#define DH_OUTBOX_ERROR "error"
#define DH_OUTBOX_OVERDUE "overdue"
#define DH_OUTBOX_STANDBY_LEFT "standby_left"
#define DH_OUTBOX_ACTION_OPENED "action_opened"
#define DH_OUTBOX_ACTION_CLOSED "action_closed"
#define DH_OUTBOX_AUDIT_BROKEN "audit_broken"

#define DH_OUTBOX_SUMMARY_MAX 400 /* bytes of a summary kept */

/* One event; strings borrowed; NULL where it does not apply. */
struct dh_outbox_event {
	const char *event;   /* a DH_OUTBOX_* name */
	const char *system;  /* system id */
	const char *kind;    /* "restore" / "failover" */
	const char *verdict; /* of the record, when there is one */
	const char *record;  /* the record's job id */
	time_t at;           /* when it happened, seconds */
	const char *summary; /* one sentence for people; truncated to SUMMARY_MAX */
	const char *dedup;   /* unique key: the same event found again is not stored again */
};

/*
 * Inside the caller's write transaction: store ev unless a row with its
 * dedup key exists (then nothing, 0). 0, DH_EDB or DH_ELOCKED.
 */
int dh_db_outbox_add(struct dh_db *db, const struct dh_outbox_event *ev, struct dh_err *err);

/*
 * As dh_db_outbox_add in a write transaction of its own; *added (may be
 * NULL) says whether a row was stored (false: its dedup key was known).
 */
int dh_db_outbox_put(struct dh_db *db, const struct dh_outbox_event *ev, bool *added,
	struct dh_err *err);

/*
 * Inside the caller's write transaction, after record r was sealed and
 * stored: the events it causes: "failed" or "error" by its verdict, and
 * "standby_left" when it is a drill whose "production" check failed (the
 * failback did not bring production home). Deduplicated by job id.
 */
int dh_db_outbox_on_record(struct dh_db *db, const struct dh_record *r, struct dh_err *err);

/*
 * Plan every row not yet planned, in one write transaction: a row whose
 * event is among events[0..nevents) gets one delivery per target
 * (targets: opaque names chosen by notify/, each at most 200 bytes) due
 * at now; every row is then marked planned, so targets configured later
 * do not receive old events. *planned (may be NULL): rows planned.
 */
int dh_db_outbox_plan(struct dh_db *db, const char *const *events, size_t nevents,
	const char *const *targets, size_t ntargets, time_t now, size_t *planned,
	struct dh_err *err);

/* A delivery to make, with its event; strings owned (dh_outbox_items_free). */
struct dh_outbox_item {
	int64_t id; /* outbox row */
	char *target;
	int attempts; /* made so far */
	char *event, *system, *kind, *verdict, *record, *summary;
	time_t at;
};

/*
 * Up to max deliveries not done whose retry time is <= now, oldest event
 * first. *out an array of *n (dh_outbox_items_free; NULL when none).
 */
int dh_db_outbox_due(struct dh_db *db, time_t now, size_t max, struct dh_outbox_item **out,
	size_t *n, struct dh_err *err);
void dh_outbox_items_free(struct dh_outbox_item *v, size_t n);

/*
 * Settle one delivery attempt of (id, target): done (delivered, or given
 * up: outcome says why) at now, or not done, to be tried again at
 * next_at; attempts grows by one either way. outcome: a short text for
 * people (never a secret; copied), or NULL.
 */
int dh_db_outbox_settle(struct dh_db *db, int64_t id, const char *target, bool done, time_t now,
	time_t next_at, const char *outcome, struct dh_err *err);

/* Deliveries not done yet (for /metrics). */
int dh_db_outbox_pending(struct dh_db *db, int64_t *n, struct dh_err *err);

#endif
