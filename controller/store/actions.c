/*
 * Corrective actions in the store (controller/store/actions.h): the
 * actions table, opened and closed by records in the transaction that
 * stores them, closed by hand in a transaction of its own, and read back.
 * How opening and closing are audited is said here, in the two kinds
 * handed to the audit chain: each vouches for the columns it set, so an
 * edit of either half of a row is found by `audit verify`.
 */
#include "store/actions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "dh/timefmt.h"
#include "store/outbox.h"
#include "store/sql.h"

const struct dh_audit_kind dh_db_action_opened_audit = {
	"action_opened",
	"SELECT id, system, kind, opened_at, opened_by, due_at FROM actions WHERE id = ?1",
	"SELECT 'action_opened', id FROM actions WHERE CAST(id AS TEXT) NOT IN"
	" (SELECT ref FROM audit WHERE kind = 'action_opened') LIMIT 1",
};

const struct dh_audit_kind dh_db_action_closed_audit = {
	"action_closed",
	"SELECT id, closed_at, closed_by, closed_record, note FROM actions WHERE id = ?1",
	"SELECT 'action_closed', id FROM actions WHERE closed_at IS NOT NULL AND"
	" CAST(id AS TEXT) NOT IN (SELECT ref FROM audit WHERE kind = 'action_closed') LIMIT 1",
};

#define ACTION_COLUMNS                                                                             \
	"SELECT id, system, kind, opened_at, opened_by, due_at, closed_at, closed_by,"             \
	" closed_record, note FROM actions"

static int
audit(struct dh_db *db, const struct dh_audit_kind *k, int64_t id, struct dh_err *err)
{
	char ref[24];

	snprintf(ref, sizeof(ref), "%lld", (long long)id);
	return dh_audit_append(db, k, ref, 0, err);
}

/* The outbox row of action id's opening or closing, read back as stored. */
static int
action_event(struct dh_db *db, int64_t id, bool opened, struct dh_err *err)
{
	struct dh_action a = { 0 };
	char sum[DH_OUTBOX_SUMMARY_MAX], dedup[48], due[DH_RFC3339_LEN];
	const char *kind;
	int rc;

	if ((rc = dh_db_action_get(db, id, &a, err)) != 0)
		return rc;
	kind = dh_job_kind_name(a.kind);
	dh_time_format(a.due_at, due, sizeof(due));
	if (opened)
		snprintf(sum, sizeof(sum), "corrective action %lld opened for the %s of %s, due %s",
			(long long)id, kind, a.system, due);
	else
		snprintf(sum, sizeof(sum),
			"corrective action %lld for the %s of %s closed by %s%s%s", (long long)id,
			kind, a.system, a.closed_by ? a.closed_by : "?", a.note ? ": " : "",
			a.note ? a.note : "");
	snprintf(dedup, sizeof(dedup), "%s:%lld", opened ? "action_opened" : "action_closed",
		(long long)id);
	rc = dh_db_outbox_add(db,
		&(struct dh_outbox_event){ .event = opened ? DH_OUTBOX_ACTION_OPENED
							   : DH_OUTBOX_ACTION_CLOSED,
			.system = a.system,
			.kind = kind,
			.record = opened ? a.opened_by : a.closed_record,
			.at = opened ? a.opened_at : a.closed_at,
			.summary = sum,
			.dedup = dedup },
		err);
	dh_action_fini(&a);
	return rc;
}

/* When record r says it happened: its finish, else its start, else now. */
static time_t
record_time(const struct dh_record *r)
{
	if (r->finished_at > 0)
		return r->finished_at;
	return r->started_at > 0 ? r->started_at : dh_time_now();
}

static time_t
record_start(const struct dh_record *r)
{
	return r->started_at > 0 ? r->started_at : r->finished_at;
}

/* A failed or error record opens an action unless one is open or a later pass answered it. */
static int
open_action(struct dh_db *db, const struct dh_record *r, int64_t every_s, struct dh_err *err)
{
	time_t at = record_time(r);
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = dh_sql_prepare(db,
		     "INSERT INTO actions (system, kind, opened_at, opened_by, due_at)"
		     " SELECT ?1, ?2, ?3, ?4, ?5 WHERE NOT EXISTS (SELECT 1 FROM actions"
		     " WHERE system = ?1 AND kind = ?2 AND closed_at IS NULL) AND NOT EXISTS"
		     " (SELECT 1 FROM records WHERE system = ?1 AND kind = ?2 AND"
		     " verdict = 'passed' AND coalesce(started_at, finished_at, 0) > ?6)",
		     &st, err)) != 0)
		return rc;
	dh_sql_bind_text(st, 1, r->system);
	dh_sql_bind_text(st, 2, dh_job_kind_name(r->kind));
	sqlite3_bind_int64(st, 3, (int64_t)at);
	dh_sql_bind_text(st, 4, r->id);
	sqlite3_bind_int64(st, 5, (int64_t)dh_action_due_at(at, every_s));
	sqlite3_bind_int64(st, 6, (int64_t)record_start(r));
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = dh_sql_err(db, err, "open corrective action");
	else if (sqlite3_changes(db->h) > 0) {
		int64_t id = sqlite3_last_insert_rowid(db->h);

		if ((rc = audit(db, &dh_db_action_opened_audit, id, err)) == 0)
			rc = action_event(db, id, true, err);
	}
	sqlite3_finalize(st);
	return rc;
}

/* The open action a pass of r's system and kind closes (*id 0: none). */
static int
answered_action(struct dh_db *db, const struct dh_record *r, int64_t *id, struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	*id = 0;
	if ((rc = dh_sql_prepare(db,
		     "SELECT a.id FROM actions a JOIN records o ON o.job = a.opened_by"
		     " WHERE a.system = ?1 AND a.kind = ?2 AND a.closed_at IS NULL"
		     " AND coalesce(o.started_at, o.finished_at, 0) <= ?3",
		     &st, err)) != 0)
		return rc;
	dh_sql_bind_text(st, 1, r->system);
	dh_sql_bind_text(st, 2, dh_job_kind_name(r->kind));
	sqlite3_bind_int64(st, 3, (int64_t)record_start(r));
	if ((step = sqlite3_step(st)) == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	else if (step != SQLITE_DONE)
		rc = dh_sql_err(db, err, "find open corrective action");
	sqlite3_finalize(st);
	return rc;
}

/* Set the closing columns of open action id and audit them. */
static int
close_row(struct dh_db *db, int64_t id, time_t at, const char *by, const char *record,
	const char *note, struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = dh_sql_prepare(db,
		     "UPDATE actions SET closed_at = ?, closed_by = ?, closed_record = ?,"
		     " note = ? WHERE id = ? AND closed_at IS NULL",
		     &st, err)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, (int64_t)at);
	dh_sql_bind_text(st, 2, by);
	dh_sql_bind_text(st, 3, record);
	dh_sql_bind_text(st, 4, note);
	sqlite3_bind_int64(st, 5, id);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = dh_sql_err(db, err, "close corrective action");
	else if (sqlite3_changes(db->h) == 0)
		rc = dh_err_set(err, DH_EEXIST, "corrective action %lld is closed already",
			(long long)id);
	else if ((rc = audit(db, &dh_db_action_closed_audit, id, err)) == 0)
		rc = action_event(db, id, false, err);
	sqlite3_finalize(st);
	return rc;
}

int
dh_db_actions_on_record(struct dh_db *db, const struct dh_record *r, int64_t every_s,
	struct dh_err *err)
{
	int64_t id = 0;
	int rc;

	switch (r->verdict) {
	case DH_VERDICT_FAILED:
	case DH_VERDICT_ERROR:
		return open_action(db, r, every_s, err);
	case DH_VERDICT_PASSED:
		if ((rc = answered_action(db, r, &id, err)) != 0 || id == 0)
			return rc;
		return close_row(db, id, record_time(r), r->id, r->id, NULL, err);
	default:
		return 0;
	}
}

static void
action_from_row(sqlite3_stmt *st, struct dh_action *a)
{
	char *kind = dh_sql_col_dup(st, 2);
	int k = kind ? dh_job_kind_parse(kind) : -1;

	*a = (struct dh_action){
		.id = sqlite3_column_int64(st, 0),
		.system = dh_sql_col_dup(st, 1),
		.kind = k < 0 ? DH_JOB_RESTORE : (enum dh_job_kind)k,
		.opened_at = (time_t)sqlite3_column_int64(st, 3),
		.opened_by = dh_sql_col_dup(st, 4),
		.due_at = (time_t)sqlite3_column_int64(st, 5),
		.closed_at = (time_t)sqlite3_column_int64(st, 6),
		.closed_by = dh_sql_col_dup(st, 7),
		.closed_record = dh_sql_col_dup(st, 8),
		.note = dh_sql_col_dup(st, 9),
	};
	free(kind);
}

static int
actions_query(struct dh_db *db, sqlite3_stmt *st, struct dh_action **out, size_t *n,
	struct dh_err *err)
{
	struct dh_action *v = NULL;
	size_t cnt = 0;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = dh_xrealloc(v, (cnt + 1) * sizeof(*v));
		action_from_row(st, &v[cnt++]);
	}
	if (rc != SQLITE_DONE) {
		dh_actions_free(v, cnt);
		return dh_sql_err(db, err, "read corrective actions");
	}
	*out = v;
	*n = cnt;
	return 0;
}

int
dh_db_actions_list(struct dh_db *db, const char *system, struct dh_action **out, size_t *n,
	struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = dh_sql_prepare(db, ACTION_COLUMNS " WHERE ?1 IS NULL OR system = ?1 ORDER BY id",
		     &st, err)) != 0)
		return rc;
	dh_sql_bind_text(st, 1, system);
	rc = actions_query(db, st, out, n, err);
	sqlite3_finalize(st);
	return rc;
}

int
dh_db_action_get(struct dh_db *db, int64_t id, struct dh_action *out, struct dh_err *err)
{
	struct dh_action *v = NULL;
	sqlite3_stmt *st = NULL;
	size_t n = 0;
	int rc;

	if ((rc = dh_sql_prepare(db, ACTION_COLUMNS " WHERE id = ?1", &st, err)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	rc = actions_query(db, st, &v, &n, err);
	sqlite3_finalize(st);
	if (rc == 0 && n == 0)
		rc = dh_err_set(err, DH_ENOENT, "no corrective action %lld", (long long)id);
	if (rc == 0) {
		*out = v[0];
		v[0] = (struct dh_action){ 0 }; /* transferred */
	}
	dh_actions_free(v, n);
	return rc;
}

/* DH_EEXIST, saying when and by whom, when a is closed. */
static int
refuse_closed(const struct dh_action *a, struct dh_err *err)
{
	char at[DH_RFC3339_LEN];

	dh_time_format(a->closed_at, at, sizeof(at));
	return dh_err_set(err, DH_EEXIST, "corrective action %lld was closed already, on %s by %s",
		(long long)a->id, at, a->closed_by ? a->closed_by : "?");
}

int
dh_db_action_close(struct dh_db *db, int64_t id, const char *by, const char *note, time_t at,
	struct dh_err *err)
{
	struct dh_action a = { 0 };
	int rc;

	if (by == NULL || *by == '\0' || note == NULL || *note == '\0')
		return dh_err_set(err, DH_EINVAL,
			"closing an action by hand needs a name and a note");
	if ((rc = dh_sql_write_begin(db, err)) != 0)
		return rc;
	if ((rc = dh_db_action_get(db, id, &a, err)) != 0)
		goto out;
	if (a.closed_at != 0) {
		rc = refuse_closed(&a, err);
		goto out;
	}
	rc = close_row(db, id, at, by, NULL, note, err);
out:
	dh_action_fini(&a);
	return dh_sql_write_end(db, rc, err);
}
