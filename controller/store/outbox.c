/*
 * The notification outbox (controller/store/outbox.h): rows written in
 * the transaction of the change that caused them, planned into one
 * delivery per target by notify/, and settled one attempt at a time.
 */
#include "store/outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "store/sql.h"

int
dh_db_outbox_add(struct dh_db *db, const struct dh_outbox_event *ev, struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	char summary[DH_OUTBOX_SUMMARY_MAX + 1];
	int rc;

	snprintf(summary, sizeof(summary), "%s", ev->summary ? ev->summary : ev->event);
	if ((rc = dh_sql_prepare(db,
		     "INSERT OR IGNORE INTO outbox (event, system, kind, verdict, record, at,"
		     " summary, dedup) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		     &st, err)) != 0)
		return rc;
	dh_sql_bind_text(st, 1, ev->event);
	dh_sql_bind_text(st, 2, ev->system);
	dh_sql_bind_text(st, 3, ev->kind);
	dh_sql_bind_text(st, 4, ev->verdict);
	dh_sql_bind_text(st, 5, ev->record);
	sqlite3_bind_int64(st, 6, (int64_t)ev->at);
	dh_sql_bind_text(st, 7, summary);
	dh_sql_bind_text(st, 8, ev->dedup);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = dh_sql_err(db, err, "add notification to the outbox");
	sqlite3_finalize(st);
	return rc;
}

int
dh_db_outbox_put(struct dh_db *db, const struct dh_outbox_event *ev, bool *added,
	struct dh_err *err)
{
	int rc;

	if (added != NULL)
		*added = false;
	if ((rc = dh_sql_write_begin(db, err)) != 0)
		return rc;
	rc = dh_db_outbox_add(db, ev, err);
	if (rc == 0 && added != NULL)
		*added = sqlite3_changes(db->h) > 0;
	return dh_sql_write_end(db, rc, err);
}

/* Why r did not pass, in a few words: its error, else its first failed check. */
static void
record_why(const struct dh_record *r, struct dh_buf *b)
{
	if (r->error != NULL) {
		dh_buf_printf(b, ": %s", r->error);
		return;
	}
	for (size_t i = 0; i < r->nchecks; i++)
		if (r->checks[i].verdict != DH_VERDICT_PASSED) {
			dh_buf_printf(b, ": %s %s", r->checks[i].name,
				dh_verdict_name(r->checks[i].verdict));
			if (r->checks[i].detail != NULL && *r->checks[i].detail != '\0')
				dh_buf_printf(b, " (%s)", r->checks[i].detail);
			return;
		}
}

/* Whether drill r left production on the standby: its "production" check failed. */
static bool
left_on_standby(const struct dh_record *r)
{
	for (size_t i = 0; r->kind == DH_JOB_FAILOVER && i < r->nchecks; i++)
		if (strcmp(r->checks[i].name, "production") == 0 &&
			r->checks[i].verdict == DH_VERDICT_FAILED)
			return true;
	return false;
}

static int
record_event(struct dh_db *db, const struct dh_record *r, const char *event, struct dh_buf *sum,
	struct dh_err *err)
{
	char dedup[200];
	struct dh_outbox_event ev = {
		.event = event,
		.system = r->system,
		.kind = dh_job_kind_name(r->kind),
		.verdict = dh_verdict_name(r->verdict),
		.record = r->id,
		.at = r->finished_at > 0 ? r->finished_at : r->started_at,
		.summary = sum->data ? sum->data : event,
		.dedup = dedup,
	};

	snprintf(dedup, sizeof(dedup), "%s:%s", event, r->id);
	return dh_db_outbox_add(db, &ev, err);
}

int
dh_db_outbox_on_record(struct dh_db *db, const struct dh_record *r, struct dh_err *err)
{
	const char *what = r->kind == DH_JOB_FAILOVER ? "failover drill" : "restore test";
	struct dh_buf sum;
	int rc = 0;

	dh_buf_init(&sum);
	if (r->verdict == DH_VERDICT_FAILED || r->verdict == DH_VERDICT_ERROR) {
		dh_buf_printf(&sum, "%s of %s %s", what, r->system, dh_verdict_name(r->verdict));
		record_why(r, &sum);
		rc = record_event(db, r,
			r->verdict == DH_VERDICT_FAILED ? DH_OUTBOX_FAILED : DH_OUTBOX_ERROR, &sum,
			err);
	}
	if (rc == 0 && left_on_standby(r)) {
		dh_buf_reset(&sum);
		dh_buf_printf(&sum,
			"production of %s was left on the standby: the failback of drill %s failed",
			r->system, r->id);
		rc = record_event(db, r, DH_OUTBOX_STANDBY_LEFT, &sum, err);
	}
	dh_buf_fini(&sum);
	return rc;
}

/* One delivery of row id per target, due at now. */
static int
plan_row(struct dh_db *db, sqlite3_stmt *ins, int64_t id, const char *const *targets,
	size_t ntargets, time_t now, struct dh_err *err)
{
	for (size_t i = 0; i < ntargets; i++) {
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, id);
		dh_sql_bind_text(ins, 2, targets[i]);
		sqlite3_bind_int64(ins, 3, (int64_t)now);
		if (sqlite3_step(ins) != SQLITE_DONE)
			return dh_sql_err(db, err, "plan notification delivery");
	}
	return 0;
}

static bool
wanted(const char *event, const char *const *events, size_t nevents)
{
	for (size_t i = 0; event != NULL && i < nevents; i++)
		if (strcmp(events[i], event) == 0)
			return true;
	return false;
}

static int
plan_rows(struct dh_db *db, const char *const *events, size_t nevents, const char *const *targets,
	size_t ntargets, time_t now, size_t *planned, struct dh_err *err)
{
	sqlite3_stmt *sel = NULL, *ins = NULL;
	int rc, step;

	if ((rc = dh_sql_prepare(db, "SELECT id, event FROM outbox WHERE planned = 0 ORDER BY id",
		     &sel, err)) != 0 ||
		(rc = dh_sql_prepare(db,
			 "INSERT OR IGNORE INTO deliveries (outbox, target, next_at) VALUES (?, ?, ?)",
			 &ins, err)) != 0)
		goto out;
	while ((step = sqlite3_step(sel)) == SQLITE_ROW) {
		const char *ev = (const char *)sqlite3_column_text(sel, 1);

		if (wanted(ev, events, nevents) &&
			(rc = plan_row(db, ins, sqlite3_column_int64(sel, 0), targets, ntargets,
				 now, err)) != 0)
			goto out;
		(*planned)++;
	}
	if (step != SQLITE_DONE)
		rc = dh_sql_err(db, err, "read the outbox");
	else
		rc = dh_sql_exec(db, "UPDATE outbox SET planned = 1 WHERE planned = 0", err);
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(ins);
	return rc;
}

int
dh_db_outbox_plan(struct dh_db *db, const char *const *events, size_t nevents,
	const char *const *targets, size_t ntargets, time_t now, size_t *planned,
	struct dh_err *err)
{
	size_t n = 0;
	int rc;

	if ((rc = dh_sql_write_begin(db, err)) != 0)
		return rc;
	rc = plan_rows(db, events, nevents, targets, ntargets, now, &n, err);
	if (planned != NULL)
		*planned = n;
	return dh_sql_write_end(db, rc, err);
}

static void
item_from_row(sqlite3_stmt *st, struct dh_outbox_item *it)
{
	*it = (struct dh_outbox_item){
		.id = sqlite3_column_int64(st, 0),
		.target = dh_sql_col_dup(st, 1),
		.attempts = sqlite3_column_int(st, 2),
		.event = dh_sql_col_dup(st, 3),
		.system = dh_sql_col_dup(st, 4),
		.kind = dh_sql_col_dup(st, 5),
		.verdict = dh_sql_col_dup(st, 6),
		.record = dh_sql_col_dup(st, 7),
		.at = (time_t)sqlite3_column_int64(st, 8),
		.summary = dh_sql_col_dup(st, 9),
	};
}

int
dh_db_outbox_due(struct dh_db *db, time_t now, size_t max, struct dh_outbox_item **out, size_t *n,
	struct dh_err *err)
{
	struct dh_outbox_item *v = NULL;
	sqlite3_stmt *st = NULL;
	size_t cnt = 0;
	int rc, step;

	*out = NULL;
	*n = 0;
	if ((rc = dh_sql_prepare(db,
		     "SELECT d.outbox, d.target, d.attempts, o.event, o.system, o.kind,"
		     " o.verdict, o.record, o.at, o.summary FROM deliveries d"
		     " JOIN outbox o ON o.id = d.outbox WHERE d.done_at IS NULL AND d.next_at <= ?"
		     " ORDER BY d.outbox, d.target LIMIT ?",
		     &st, err)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, (int64_t)now);
	sqlite3_bind_int64(st, 2, (int64_t)max);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		v = dh_xrealloc(v, (cnt + 1) * sizeof(*v));
		item_from_row(st, &v[cnt++]);
	}
	if (step != SQLITE_DONE) {
		rc = dh_sql_err(db, err, "read due notifications");
		dh_outbox_items_free(v, cnt);
	} else {
		*out = v;
		*n = cnt;
	}
	sqlite3_finalize(st);
	return rc;
}

void
dh_outbox_items_free(struct dh_outbox_item *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].target);
		free(v[i].event);
		free(v[i].system);
		free(v[i].kind);
		free(v[i].verdict);
		free(v[i].record);
		free(v[i].summary);
	}
	free(v);
}

int
dh_db_outbox_settle(struct dh_db *db, int64_t id, const char *target, bool done, time_t now,
	time_t next_at, const char *outcome, struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = dh_sql_write_begin(db, err)) != 0)
		return rc;
	if ((rc = dh_sql_prepare(db,
		     "UPDATE deliveries SET attempts = attempts + 1, done_at = ?, next_at = ?,"
		     " outcome = ? WHERE outbox = ? AND target = ? AND done_at IS NULL",
		     &st, err)) != 0)
		goto out;
	if (done)
		sqlite3_bind_int64(st, 1, (int64_t)now);
	sqlite3_bind_int64(st, 2, (int64_t)(done ? now : next_at));
	dh_sql_bind_text(st, 3, outcome);
	sqlite3_bind_int64(st, 4, id);
	dh_sql_bind_text(st, 5, target);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = dh_sql_err(db, err, "settle notification delivery");
out:
	sqlite3_finalize(st);
	return dh_sql_write_end(db, rc, err);
}

int
dh_db_outbox_pending(struct dh_db *db, int64_t *n, struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*n = 0;
	if ((rc = dh_sql_prepare(db, "SELECT count(*) FROM deliveries WHERE done_at IS NULL", &st,
		     err)) != 0)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	else
		rc = dh_sql_err(db, err, "count pending notifications");
	sqlite3_finalize(st);
	return rc;
}
