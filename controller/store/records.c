/*
 * Test records in the store (controller/store/records.h): sealing a
 * record with its job's word, inserting it with its "verdict" audit
 * record in the writer's transaction, and reading records back for
 * `history` and `status`. The stored JSON is what is read back; the
 * columns beside it serve the history filters and the audit record.
 */
#include "store/records.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/actions.h"
#include "store/jobs.h"
#include "store/outbox.h"
#include "store/sql.h"
#include "dh/buf.h"
#include "dh/sign.h"
#include "dh/timefmt.h"

const struct dh_audit_kind dh_db_record_audit = {
	"verdict",
	"SELECT job, system, kind, trigger, verdict, started_at,"
	" finished_at, backup_at, rpo_target_s, rpo_actual_s, rto_target_s,"
	" rto_actual_s, plan_revision, record_hash, dh_sha256(json) AS json_sha256"
	" FROM records WHERE job = ?1",
	"SELECT 'verdict', job FROM records WHERE job NOT IN"
	" (SELECT ref FROM audit WHERE kind = 'verdict') LIMIT 1",
};

static void
set_str(char **dst, const char *src)
{
	free(*dst);
	*dst = src ? dh_xstrdup(src) : NULL;
}

/* The controller's word on r (see dh_db_record_insert), then record_hash. */
static void
seal(struct dh_record *r, const struct dh_db_job *j)
{
	int kind = dh_job_kind_parse(j->kind);
	char *json;
	char hash[65];

	set_str(&r->id, j->id);
	set_str(&r->system, j->system);
	r->kind = kind < 0 ? DH_JOB_RESTORE : (enum dh_job_kind)kind;
	set_str(&r->trigger, j->trigger);
	set_str(&r->plan_revision, j->plan_revision);
	r->rpo_target_s = j->rpo_target_s;
	r->rto_target_s = j->rto_target_s;
	if (r->nhosts == 0)
		dh_record_add_host(r, j->host);
	if (r->verdict == DH_VERDICT_PASSED && r->kind == DH_JOB_RESTORE) {
		bool bad = (r->rpo_actual_s < 0 || r->rpo_actual_s > r->rpo_target_s ||
			r->rto_actual_s < 0 || r->rto_actual_s > r->rto_target_s);

		for (size_t i = 0; i < r->nchecks; i++)
			bad = bad || r->checks[i].verdict != DH_VERDICT_PASSED;
		if (bad)
			r->verdict = DH_VERDICT_FAILED;
	}
	set_str(&r->record_hash, NULL);
	json = dh_record_to_json(r, 0);
	dh_sha256_hex(json, strlen(json), hash);
	free(json);
	set_str(&r->record_hash, hash);
}

static void
bind_record(sqlite3_stmt *st, const struct dh_record *r, const char *json)
{
	dh_sql_bind_text(st, 1, r->id);
	dh_sql_bind_text(st, 2, r->system);
	dh_sql_bind_text(st, 3, dh_job_kind_name(r->kind));
	dh_sql_bind_text(st, 4, r->trigger);
	dh_sql_bind_text(st, 5, dh_verdict_name(r->verdict));
	dh_sql_bind_time(st, 6, r->started_at);
	dh_sql_bind_time(st, 7, r->finished_at);
	dh_sql_bind_time(st, 8, r->backup_at);
	dh_sql_bind_secs(st, 9, r->rpo_target_s);
	dh_sql_bind_secs(st, 10, r->rpo_actual_s);
	dh_sql_bind_secs(st, 11, r->rto_target_s);
	dh_sql_bind_secs(st, 12, r->rto_actual_s);
	dh_sql_bind_text(st, 13, r->plan_revision);
	dh_sql_bind_text(st, 14, r->record_hash);
	dh_sql_bind_text(st, 15, json);
}

int
dh_db_record_insert(struct dh_db *db, struct dh_record *r, struct dh_err *err)
{
	struct dh_db_job *j = NULL;
	sqlite3_stmt *st = NULL;
	char *json = NULL;
	int rc;

	if ((rc = dh_db_job_get(db, r->id, &j, err)) != 0)
		return rc;
	seal(r, j);
	json = dh_record_to_json(r, 0);
	if ((rc = dh_sql_prepare(db,
		     "INSERT OR IGNORE INTO records (job, system, kind, trigger,"
		     " verdict, started_at, finished_at, backup_at, rpo_target_s, rpo_actual_s,"
		     " rto_target_s, rto_actual_s, plan_revision, record_hash, json) VALUES"
		     " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		     &st, err)) != 0)
		goto out;
	bind_record(st, r, json);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = dh_sql_err(db, err, "insert record");
		goto out;
	}
	if (sqlite3_changes(db->h) == 0) {
		rc = dh_err_set(err, DH_EEXIST, "job %s already has a record", r->id);
		goto out;
	}
	if ((rc = dh_db_job_set_state(db, r->id, "finished", err)) != 0)
		goto out;
	if ((rc = dh_audit_append(db, &dh_db_record_audit, r->id, 0, err)) != 0)
		goto out;
	if ((rc = dh_db_outbox_on_record(db, r, err)) != 0)
		goto out;
	rc = dh_db_actions_on_record(db, r, j->every_s, err);
out:
	sqlite3_finalize(st);
	dh_db_job_free(j);
	free(json);
	return rc;
}

int
dh_db_record_insert_error(struct dh_db *db, const char *job, const char *host, time_t at,
	const char *why, struct dh_err *err)
{
	struct dh_record *r = dh_record_new();
	struct dh_db_job *j = NULL;
	int rc;

	if ((rc = dh_db_job_get(db, job, &j, err)) != 0)
		goto out;
	r->id = dh_xstrdup(job);
	r->verdict = DH_VERDICT_ERROR;
	r->started_at = j->created_at;
	r->finished_at = at != 0 ? at : dh_time_now();
	r->error = dh_xstrdup(why);
	if (host != NULL)
		dh_record_add_host(r, host);
	dh_record_add_check(r, "record", DH_VERDICT_ERROR, "%s", why);
	rc = dh_db_record_insert(db, r, err);
out:
	dh_db_job_free(j);
	dh_record_free(r);
	return rc;
}

int
dh_db_record_store(struct dh_db *db, struct dh_record *r, struct dh_err *err)
{
	int rc;

	if ((rc = dh_sql_write_begin(db, err)) != 0)
		return rc;
	rc = dh_db_record_insert(db, r, err);
	return dh_sql_write_end(db, rc, err);
}

static int
records_query(struct dh_db *db, sqlite3_stmt *st, struct dh_record ***out, size_t *n,
	struct dh_err *err)
{
	struct dh_record **recs = NULL;
	size_t cnt = 0;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct dh_record *rec = NULL;
		const char *json = (const char *)sqlite3_column_text(st, 0);

		if (dh_record_parse(json, (size_t)sqlite3_column_bytes(st, 0), &rec, err) != 0) {
			dh_db_records_free(recs, cnt);
			return dh_err_set(err, DH_EDB, "stored record is unreadable: %s",
				err ? err->msg : "");
		}
		recs = dh_xrealloc(recs, (cnt + 1) * sizeof(*recs));
		recs[cnt++] = rec;
	}
	if (rc != SQLITE_DONE) {
		dh_db_records_free(recs, cnt);
		return dh_sql_err(db, err, "read records");
	}
	*out = recs;
	*n = cnt;
	return 0;
}

int
dh_db_record_get(struct dh_db *db, const char *job, struct dh_record **out, struct dh_err *err)
{
	struct dh_record **recs = NULL;
	sqlite3_stmt *st = NULL;
	size_t n = 0;
	int r;

	if ((r = dh_sql_prepare(db, "SELECT json FROM records WHERE job = ?", &st, err)) != 0)
		return r;
	dh_sql_bind_text(st, 1, job);
	if ((r = records_query(db, st, &recs, &n, err)) != 0)
		goto out;
	if (n == 0) {
		r = DH_ENOENT;
		goto out;
	}
	*out = recs[0];
	recs[0] = NULL;
out:
	dh_db_records_free(recs, n);
	sqlite3_finalize(st);
	return r;
}

int
dh_db_history(struct dh_db *db, const char *system, const char *kind, time_t since, size_t limit,
	struct dh_record ***out, size_t *n, struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	char sql[320];
	int r;

	/* only the filters given, so that one system's history is read by its index
	 * (records_system), not by a scan of every record */
	snprintf(sql, sizeof(sql),
		"SELECT json FROM records WHERE coalesce(started_at, finished_at, 0) >= ?3%s%s"
		" ORDER BY coalesce(started_at, finished_at, 0) DESC, rowid DESC LIMIT ?4",
		system != NULL ? " AND system = ?1" : "", kind != NULL ? " AND kind = ?2" : "");
	if ((r = dh_sql_prepare(db, sql, &st, err)) != 0)
		return r;
	dh_sql_bind_text(st, 1, system);
	dh_sql_bind_text(st, 2, kind);
	sqlite3_bind_int64(st, 3, (int64_t)since);
	sqlite3_bind_int64(st, 4, limit ? (int64_t)limit : -1);
	r = records_query(db, st, out, n, err);
	sqlite3_finalize(st);
	return r;
}

void
dh_db_records_free(struct dh_record **recs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dh_record_free(recs[i]);
	free(recs);
}
