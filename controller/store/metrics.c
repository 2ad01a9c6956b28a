/*
 * Fast reads for /metrics and serve's checks (controller/store/metrics.h):
 * each "newest record" is one descent of an index of migration 5
 * (records_latest, records_latest_verdict), so a scrape costs per system,
 * not per record; totals come from trigger-kept counters.
 */
#include "store/metrics.h"

#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "store/sql.h"

#define LATEST_COLUMNS                                                                             \
	"SELECT job, system, kind, trigger, verdict, started_at, finished_at, backup_at,"          \
	" rpo_target_s, rpo_actual_s, rto_target_s, rto_actual_s, plan_revision, record_hash"      \
	" FROM records"
#define LATEST_ORDER " ORDER BY coalesce(started_at, finished_at, 0) DESC, rowid DESC LIMIT 1"

struct dh_db_latest_q {
	struct dh_db *db;
	sqlite3_stmt *any, *verdict;
};

void
dh_db_latest_fini(struct dh_db_latest *l)
{
	if (l->last_passed != l->last)
		dh_record_free(l->last_passed);
	if (l->last_failed != l->last)
		dh_record_free(l->last_failed);
	dh_record_free(l->last);
	memset(l, 0, sizeof(*l));
}

int
dh_db_latest_q_new(struct dh_db *db, struct dh_db_latest_q **out, struct dh_err *err)
{
	struct dh_db_latest_q *q = dh_xcalloc(1, sizeof(*q));
	int r;

	q->db = db;
	if ((r = dh_sql_prepare(db,
		     LATEST_COLUMNS " WHERE system = ?1 AND kind = ?2"
				    " AND coalesce(finished_at, started_at, 0) <= ?3" LATEST_ORDER,
		     &q->any, err)) != 0 ||
		(r = dh_sql_prepare(db,
			 LATEST_COLUMNS
			 " WHERE system = ?1 AND kind = ?2 AND verdict = ?4"
			 " AND coalesce(finished_at, started_at, 0) <= ?3" LATEST_ORDER,
			 &q->verdict, err)) != 0) {
		dh_db_latest_q_free(q);
		return r;
	}
	*out = q;
	return 0;
}

void
dh_db_latest_q_free(struct dh_db_latest_q *q)
{
	if (q == NULL)
		return;
	sqlite3_finalize(q->any);
	sqlite3_finalize(q->verdict);
	free(q);
}

static int64_t
col_secs(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, i);
}

static struct dh_record *
record_from_row(sqlite3_stmt *st)
{
	struct dh_record *r = dh_record_new();
	const char *kind = (const char *)sqlite3_column_text(st, 2);
	const char *verdict = (const char *)sqlite3_column_text(st, 4);
	int k = kind ? dh_job_kind_parse(kind) : -1, v = verdict ? dh_verdict_parse(verdict) : -1;

	r->id = dh_sql_col_dup(st, 0);
	r->system = dh_sql_col_dup(st, 1);
	r->kind = k < 0 ? DH_JOB_RESTORE : (enum dh_job_kind)k;
	r->trigger = dh_sql_col_dup(st, 3);
	r->verdict = v < 0 ? DH_VERDICT_ERROR : (enum dh_verdict)v;
	r->started_at = (time_t)sqlite3_column_int64(st, 5);
	r->finished_at = (time_t)sqlite3_column_int64(st, 6);
	r->backup_at = (time_t)sqlite3_column_int64(st, 7);
	r->rpo_target_s = col_secs(st, 8);
	r->rpo_actual_s = col_secs(st, 9);
	r->rto_target_s = col_secs(st, 10);
	r->rto_actual_s = col_secs(st, 11);
	r->plan_revision = dh_sql_col_dup(st, 12);
	r->record_hash = dh_sql_col_dup(st, 13);
	return r;
}

/* Step st once: *out the row's record, or NULL when there is none. */
static int
one(struct dh_db *db, sqlite3_stmt *st, struct dh_record **out, struct dh_err *err)
{
	int step = sqlite3_step(st);

	*out = NULL;
	if (step == SQLITE_ROW)
		*out = record_from_row(st);
	else if (step != SQLITE_DONE)
		return dh_sql_err(db, err, "read the newest record");
	sqlite3_reset(st);
	return 0;
}

int
dh_db_latest_get(struct dh_db_latest_q *q, const char *system, const char *kind, time_t now,
	struct dh_db_latest *out, struct dh_err *err)
{
	int r;

	memset(out, 0, sizeof(*out));
	sqlite3_reset(q->any);
	dh_sql_bind_text(q->any, 1, system);
	dh_sql_bind_text(q->any, 2, kind);
	sqlite3_bind_int64(q->any, 3, (int64_t)now);
	if ((r = one(q->db, q->any, &out->last, err)) != 0 || out->last == NULL)
		return r;
	/* the newest record is also the newest of its verdict; a pass needs no more */
	if (out->last->verdict == DH_VERDICT_PASSED) {
		out->last_passed = out->last;
		return 0;
	}
	if (out->last->verdict == DH_VERDICT_FAILED)
		out->last_failed = out->last;
	sqlite3_reset(q->verdict);
	dh_sql_bind_text(q->verdict, 1, system);
	dh_sql_bind_text(q->verdict, 2, kind);
	sqlite3_bind_int64(q->verdict, 3, (int64_t)now);
	dh_sql_bind_text(q->verdict, 4, "passed");
	if ((r = one(q->db, q->verdict, &out->last_passed, err)) != 0)
		goto fail;
	if (out->last_failed != NULL)
		return 0;
	dh_sql_bind_text(q->verdict, 4, "failed");
	if ((r = one(q->db, q->verdict, &out->last_failed, err)) != 0)
		goto fail;
	return 0;
fail:
	dh_db_latest_fini(out);
	return r;
}

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
