/*
 * Agent events in the store (controller/store/events.h): the
 * group-commit batch, one savepoint per event so that a bad item fails
 * alone, duplicates told apart from conflicting resends by their bytes,
 * and what an event does to its job (state, record). How an event is
 * audited is said here, in dh_db_event_audit.
 */
#include "store/events.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/jobs.h"
#include "store/records.h"
#include "store/sql.h"
#include "dh/buf.h"
#include "dh/timefmt.h"

const struct dh_audit_kind dh_db_event_audit = {
	"event",
	"SELECT job, seq, type, at, host, dh_sha256(body) AS body_sha256"
	" FROM events WHERE job = ?1 AND seq = ?2",
	"SELECT 'event', job || ' seq ' || seq FROM events e WHERE NOT EXISTS"
	" (SELECT 1 FROM audit a WHERE a.kind = 'event' AND a.ref = e.job"
	" AND a.ref_seq = e.seq) LIMIT 1",
};

/* Whether a resent (job, seq) carries the bytes already stored. */
static bool
same_body(struct dh_db *db, const struct dh_db_event_in *in)
{
	sqlite3_stmt *st = NULL;
	bool same = false;

	if (dh_sql_prepare(db, "SELECT body = ?3 FROM events WHERE job = ?1 AND seq = ?2", &st,
		    NULL) != 0)
		return false;
	dh_sql_bind_text(st, 1, in->ev->job);
	sqlite3_bind_int64(st, 2, in->ev->seq);
	sqlite3_bind_text(st, 3, in->body, (int)in->len, SQLITE_TRANSIENT);
	same = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
	sqlite3_finalize(st);
	return same;
}

/* End in's job with the controller's error record saying why; DH_DB_UNSTORABLE. */
static int
close_as_error(struct dh_db *db, struct dh_db_event_in *in, const char *why, struct dh_err *err)
{
	int r;

	snprintf(in->why, sizeof(in->why), "%.*s", (int)sizeof(in->why) - 1, why);
	r = dh_db_record_insert_error(db, in->ev->job, in->ev->host, 0, in->why, err);
	if (r == 0 || r == DH_EEXIST) /* a timeout's record may stand already */
		in->result = DH_DB_UNSTORABLE;
	return r == DH_EEXIST ? 0 : r;
}

/* What a new event does to its job: running, or finished with its record. */
static int
event_apply(struct dh_db *db, struct dh_db_event_in *in, struct dh_err *err)
{
	struct dh_event *ev = in->ev;
	int r = 0;

	if (ev->type == DH_EVENT_ACCEPTED)
		r = dh_db_job_set_state(db, ev->job, "running", err);
	else if (ev->type == DH_EVENT_FINISHED && in->unreadable != NULL) {
		char why[DH_ERR_MSG_MAX + 64];

		snprintf(why, sizeof(why), "the agent's record could not be read: %s",
			in->unreadable);
		r = close_as_error(db, in, why, err);
	} else if (ev->type == DH_EVENT_FINISHED && ev->record != NULL) {
		/* The first record of a job stands (a timeout may have been stored). */
		free(ev->record->id);
		ev->record->id = dh_xstrdup(ev->job);
		r = dh_db_record_insert(db, ev->record, err);
		if (r == DH_EEXIST)
			r = 0;
	}
	return r;
}

/* Inside the batch transaction: one event, under its own savepoint. */
static int
event_insert(struct dh_db *db, struct dh_db_event_in *in, struct dh_err *err)
{
	struct dh_event *ev = in->ev;
	sqlite3_stmt *st = NULL;
	struct dh_db_job *j = NULL;
	int r;

	if ((r = dh_db_job_get(db, ev->job, &j, err)) != 0)
		return r;
	if ((r = dh_sql_prepare(db,
		     "INSERT OR IGNORE INTO events (job, seq, type, at, host,"
		     " received_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
		     &st, err)) != 0)
		goto out;
	dh_sql_bind_text(st, 1, ev->job);
	sqlite3_bind_int64(st, 2, ev->seq);
	dh_sql_bind_text(st, 3, dh_event_type_name(ev->type));
	sqlite3_bind_int64(st, 4, (int64_t)ev->at);
	dh_sql_bind_text(st, 5, ev->host);
	sqlite3_bind_int64(st, 6, (int64_t)dh_time_now());
	sqlite3_bind_text(st, 7, in->body, (int)in->len, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE) {
		r = dh_sql_err(db, err, "insert event");
		goto out;
	}
	if (sqlite3_changes(db->h) == 0) {
		in->result = same_body(db, in) ? DH_DB_DUPLICATE : DH_DB_CONFLICT;
		goto out;
	}
	in->result = DH_DB_NEW;
	if ((r = dh_audit_append(db, &dh_db_event_audit, ev->job, ev->seq, err)) != 0)
		goto out;
	r = event_apply(db, in, err);
out:
	sqlite3_finalize(st);
	dh_db_job_free(j);
	return r;
}

/*
 * After in failed alone with rc (rolled back): a finished event of a
 * known job ends that job as error with the reason, so it does not stay
 * running while the agent sets the event aside; anything else keeps rc.
 */
static int
unstorable(struct dh_db *db, struct dh_db_event_in *in, int rc, const struct dh_err *ierr,
	struct dh_err *err)
{
	char why[DH_ERR_MSG_MAX + 64];
	struct dh_err cerr;

	if (in->ev->type != DH_EVENT_FINISHED || rc == DH_ENOENT)
		return 0;
	snprintf(why, sizeof(why), "the agent's record could not be stored: %s", ierr->msg);
	dh_err_clear(&cerr);
	if (close_as_error(db, in, why, &cerr) == 0)
		return 0;
	in->result = rc; /* not even that: the item stays failed, undone */
	return dh_sql_exec(db, "ROLLBACK TO ev", err);
}

int
dh_db_event_batch(struct dh_db *db, struct dh_db_event_in *items, size_t n, struct dh_err *err)
{
	int r;

	if ((r = dh_sql_write_begin(db, err)) != 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		struct dh_err ierr;
		int ir;

		dh_err_clear(&ierr);
		if ((r = dh_sql_exec(db, "SAVEPOINT ev", err)) != 0)
			goto out;
		ir = event_insert(db, &items[i], &ierr);
		if (ir < 0) {
			items[i].result = ir;
			if ((r = dh_sql_exec(db, "ROLLBACK TO ev", err)) != 0)
				goto out;
			if ((r = unstorable(db, &items[i], ir, &ierr, err)) != 0)
				goto out;
		}
		if ((r = dh_sql_exec(db, "RELEASE ev", err)) != 0)
			goto out;
	}
out:
	return dh_sql_write_end(db, r, err);
}

int
dh_db_event_count(struct dh_db *db, const char *job, int64_t *out, struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	int r;

	if ((r = dh_sql_prepare(db, "SELECT count(*) FROM events WHERE job = ?", &st, err)) != 0)
		return r;
	dh_sql_bind_text(st, 1, job);
	if (sqlite3_step(st) == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else
		r = dh_sql_err(db, err, "count events");
	sqlite3_finalize(st);
	return r;
}
