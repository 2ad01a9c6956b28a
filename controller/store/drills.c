/*
 * Failover drills in progress in the store (controller/store/drills.h).
 */
#include "store/drills.h"

#include <stdlib.h>
#include <unistd.h>

#include "store/sql.h"
#include "dh/buf.h"
#include "dh/timefmt.h"

/* Inside the write transaction: the unfinished drill holding a or b, if any. */
static int
holder(struct dh_db *db, const char *a, const char *b, struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	int r;

	if ((r = dh_sql_prepare(db,
		     "SELECT job, CASE WHEN ?1 IN (primary_host, standby_host) THEN ?1 ELSE ?2 END"
		     " FROM drills WHERE finished = 0 AND (?1 IN (primary_host, standby_host)"
		     " OR ?2 IN (primary_host, standby_host)) LIMIT 1",
		     &st, err)) != 0)
		return r;
	dh_sql_bind_text(st, 1, a);
	dh_sql_bind_text(st, 2, b);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		r = dh_err_set(err, DH_ELOCKED,
			"host %s is held by drill %s, which has not finished",
			(const char *)sqlite3_column_text(st, 1),
			(const char *)sqlite3_column_text(st, 0));
	else
		r = r == SQLITE_DONE ? 0 : dh_sql_err(db, err, "find drills");
	sqlite3_finalize(st);
	return r;
}

int
dh_db_drill_begin(struct dh_db *db, const char *job, const char *system, const char *primary,
	const char *standby, struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	int r;

	if ((r = dh_sql_write_begin(db, err)) != 0)
		return r;
	if ((r = holder(db, primary, standby, err)) != 0 ||
		(r = dh_sql_prepare(db,
			 "INSERT INTO drills (job, system, primary_host, standby_host, phase,"
			 " steps_run, updated_at, owner_pid) VALUES (?, ?, ?, ?, 'preflight', 0, ?, ?)",
			 &st, err)) != 0)
		goto out;
	dh_sql_bind_text(st, 1, job);
	dh_sql_bind_text(st, 2, system);
	dh_sql_bind_text(st, 3, primary);
	dh_sql_bind_text(st, 4, standby);
	dh_sql_bind_time(st, 5, dh_time_now());
	sqlite3_bind_int64(st, 6, (int64_t)getpid());
	if (sqlite3_step(st) != SQLITE_DONE)
		r = dh_sql_err(db, err, "insert drill");
out:
	sqlite3_finalize(st);
	return dh_sql_write_end(db, r, err);
}

int
dh_db_drill_save(struct dh_db *db, const char *job, const char *phase, long steps_run,
	const char *record, struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	int r;

	if ((r = dh_sql_prepare(db,
		     "UPDATE drills SET phase = ?, steps_run = ?, record = ?, updated_at = ?"
		     " WHERE job = ?",
		     &st, err)) != 0)
		return r;
	dh_sql_bind_text(st, 1, phase);
	sqlite3_bind_int64(st, 2, steps_run);
	dh_sql_bind_text(st, 3, record);
	dh_sql_bind_time(st, 4, dh_time_now());
	dh_sql_bind_text(st, 5, job);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = dh_sql_err(db, err, "save drill");
	sqlite3_finalize(st);
	return r;
}

int
dh_db_drill_finish(struct dh_db *db, const char *job, struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	int r;

	if ((r = dh_sql_prepare(db, "UPDATE drills SET finished = 1 WHERE job = ?", &st, err)) != 0)
		return r;
	dh_sql_bind_text(st, 1, job);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = dh_sql_err(db, err, "finish drill");
	sqlite3_finalize(st);
	return r;
}

int
dh_db_drill_unfinished(struct dh_db *db, struct dh_db_drill **out, size_t *n, struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	struct dh_db_drill *d = NULL;
	size_t k = 0;
	int r, s;

	*out = NULL;
	*n = 0;
	if ((r = dh_sql_prepare(db,
		     "SELECT job, system, primary_host, standby_host, phase, steps_run, record,"
		     " owner_pid FROM drills WHERE finished = 0 ORDER BY rowid",
		     &st, err)) != 0)
		return r;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		d = dh_xrealloc(d, (k + 1) * sizeof(*d));
		d[k] = (struct dh_db_drill){ .job = dh_sql_col_dup(st, 0),
			.system = dh_sql_col_dup(st, 1),
			.primary = dh_sql_col_dup(st, 2),
			.standby = dh_sql_col_dup(st, 3),
			.phase = dh_sql_col_dup(st, 4),
			.steps_run = (long)sqlite3_column_int64(st, 5),
			.record = dh_sql_col_dup(st, 6),
			.owner_pid = (long)sqlite3_column_int64(st, 7) };
		k++;
	}
	if (s != SQLITE_DONE) {
		dh_db_drills_free(d, k);
		r = dh_sql_err(db, err, "read drills");
	} else {
		*out = d;
		*n = k;
	}
	sqlite3_finalize(st);
	return r;
}

void
dh_db_drills_free(struct dh_db_drill *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(d[i].job);
		free(d[i].system);
		free(d[i].primary);
		free(d[i].standby);
		free(d[i].phase);
		free(d[i].record);
	}
	free(d);
}
