/*
 * Fast reads for /metrics and serve's checks (controller/store/metrics.h):
 * totals come from trigger-kept counters (migration 6), so a scrape does
 * not count the history.
 */
#include "store/metrics.h"

#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "store/sql.h"

int
dh_db_tests_total(struct dh_db *db, int64_t out[2][4], struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	int r, step;

	memset(out, 0, sizeof(int64_t) * 2 * 4);
	if ((r = dh_sql_prepare(db, "SELECT kind, verdict, n FROM test_counts", &st, err)) != 0)
		return r;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(st, 0);
		const char *verdict = (const char *)sqlite3_column_text(st, 1);
		int k = kind ? dh_job_kind_parse(kind) : -1;
		int v = verdict ? dh_verdict_parse(verdict) : -1;

		if (k >= 0 && k < 2 && v >= 0 && v < 4)
			out[k][v] += sqlite3_column_int64(st, 2);
	}
	if (step != SQLITE_DONE)
		r = dh_sql_err(db, err, "read test counts");
	sqlite3_finalize(st);
	return r;
}

int
dh_db_events_total(struct dh_db *db, int64_t *out, struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	int r;

	*out = 0;
	if ((r = dh_sql_prepare(db, "SELECT n FROM event_count", &st, err)) != 0)
		return r;
	if (sqlite3_step(st) == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

int
dh_db_audit_check_save(struct dh_db *db, time_t at, const struct dh_audit_result *res,
	struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	int r;

	if ((r = dh_sql_write_begin(db, err)) != 0)
		return r;
	/* only the last check is read: keep one row */
	if ((r = dh_sql_exec(db, "DELETE FROM audit_checks", err)) != 0 ||
		(r = dh_sql_prepare(db,
			 "INSERT INTO audit_checks (at, records, bad_seq, why) VALUES (?, ?, ?, ?)",
			 &st, err)) != 0)
		goto out;
	sqlite3_bind_int64(st, 1, (int64_t)at);
	sqlite3_bind_int64(st, 2, res->records);
	sqlite3_bind_int64(st, 3, res->bad_seq);
	dh_sql_bind_text(st, 4, res->bad_seq != 0 ? res->why : NULL);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = dh_sql_err(db, err, "store the audit check");
out:
	sqlite3_finalize(st);
	return dh_sql_write_end(db, r, err);
}

int
dh_db_audit_check_last(struct dh_db *db, bool *checked, time_t *at, bool *intact,
	struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	int r;

	*checked = *intact = false;
	*at = 0;
	if ((r = dh_sql_prepare(db, "SELECT at, bad_seq FROM audit_checks ORDER BY at DESC LIMIT 1",
		     &st, err)) != 0)
		return r;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*checked = true;
		*at = (time_t)sqlite3_column_int64(st, 0);
		*intact = sqlite3_column_int64(st, 1) == 0;
	}
	sqlite3_finalize(st);
	return 0;
}
