/*
 * Jobs and serves in the store (controller/store/jobs.h): inserting a
 * job with its token and its audit record in one transaction, reading it
 * back, moving its state, and the serves table that says which serve
 * holds which listen address. How a job is audited is said here, in
 * dh_db_job_audit, and handed to the audit chain.
 */
#include "store/jobs.h"

#include <stdlib.h>

#include "store/sql.h"
#include "dh/buf.h"
#include "dh/timefmt.h"

const struct dh_audit_kind dh_db_job_audit = {
	"job",
	"SELECT id, system, kind, trigger, host, plan_revision, created_at,"
	" rpo_target_s, rto_target_s, timeout_s, dh_sha256(token) AS token_sha256"
	" FROM jobs WHERE id = ?1",
	"SELECT 'job', id FROM jobs WHERE id NOT IN"
	" (SELECT ref FROM audit WHERE kind = 'job') LIMIT 1",
};

static void
bind_job(sqlite3_stmt *st, const struct dh_job *job, const char *trigger)
{
	dh_sql_bind_text(st, 1, job->id);
	dh_sql_bind_text(st, 2, job->system);
	dh_sql_bind_text(st, 3, dh_job_kind_name(job->kind));
	dh_sql_bind_text(st, 4, trigger);
	dh_sql_bind_text(st, 5, job->host);
	dh_sql_bind_text(st, 6, job->token);
	sqlite3_bind_int64(st, 7, (int64_t)dh_time_now());
	dh_sql_bind_text(st, 8, job->plan_revision);
	sqlite3_bind_int64(st, 9, job->rpo_target_s);
	sqlite3_bind_int64(st, 10, job->rto_target_s);
	sqlite3_bind_int64(st, 11, job->timeout_s);
	if (job->every_s != 0)
		sqlite3_bind_int64(st, 12, job->every_s);
}

int
dh_db_job_insert(struct dh_db *db, const struct dh_job *job, const char *trigger,
	struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	int r;

	if ((r = dh_sql_write_begin(db, err)) != 0)
		return r;
	if ((r = dh_sql_prepare(db,
		     "INSERT INTO jobs (id, system, kind, trigger, host, token,"
		     " state, created_at, plan_revision, rpo_target_s, rto_target_s, timeout_s,"
		     " every_s) VALUES (?, ?, ?, ?, ?, ?, 'dispatched', ?, ?, ?, ?, ?, ?)",
		     &st, err)) != 0)
		goto out;
	bind_job(st, job, trigger);
	if (sqlite3_step(st) != SQLITE_DONE) {
		r = sqlite3_extended_errcode(db->h) == SQLITE_CONSTRAINT_PRIMARYKEY
			? dh_err_set(err, DH_EEXIST, "job %s already exists", job->id)
			: dh_sql_err(db, err, "insert job");
		goto out;
	}
	r = dh_audit_append(db, &dh_db_job_audit, job->id, 0, err);
out:
	sqlite3_finalize(st);
	return dh_sql_write_end(db, r, err);
}

static struct dh_db_job *
job_from_row(sqlite3_stmt *st)
{
	struct dh_db_job *j = dh_xcalloc(1, sizeof(*j));

	j->id = dh_sql_col_dup(st, 0);
	j->system = dh_sql_col_dup(st, 1);
	j->kind = dh_sql_col_dup(st, 2);
	j->trigger = dh_sql_col_dup(st, 3);
	j->host = dh_sql_col_dup(st, 4);
	j->token = dh_sql_col_dup(st, 5);
	j->state = dh_sql_col_dup(st, 6);
	j->plan_revision = dh_sql_col_dup(st, 7);
	j->created_at = (time_t)sqlite3_column_int64(st, 8);
	j->rpo_target_s = sqlite3_column_int64(st, 9);
	j->rto_target_s = sqlite3_column_int64(st, 10);
	j->timeout_s = sqlite3_column_int64(st, 11);
	j->every_s = sqlite3_column_int64(st, 12); /* NULL (before schema 3): 0 */
	return j;
}

int
dh_db_job_get(struct dh_db *db, const char *id, struct dh_db_job **out, struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	int r;

	if ((r = dh_sql_prepare(db,
		     "SELECT id, system, kind, trigger, host, token, state,"
		     " plan_revision, created_at, rpo_target_s, rto_target_s, timeout_s,"
		     " every_s FROM jobs WHERE id = ?",
		     &st, err)) != 0)
		return r;
	dh_sql_bind_text(st, 1, id);
	r = sqlite3_step(st);
	if (r != SQLITE_ROW) {
		r = r == SQLITE_DONE ? dh_err_set(err, DH_ENOENT, "no job %s", id)
				     : dh_sql_err(db, err, "read job");
		goto out;
	}
	*out = job_from_row(st);
	r = 0;
out:
	sqlite3_finalize(st);
	return r;
}

void
dh_db_job_free(struct dh_db_job *j)
{
	if (j == NULL)
		return;
	free(j->id);
	free(j->system);
	free(j->kind);
	free(j->trigger);
	free(j->host);
	free(j->token);
	free(j->state);
	free(j->plan_revision);
	free(j);
}

int
dh_db_job_set_state(struct dh_db *db, const char *id, const char *state, struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	int r;

	if ((r = dh_sql_prepare(db,
		     "UPDATE jobs SET state = ?2 WHERE id = ?1 AND"
		     " state <> 'finished'",
		     &st, err)) != 0)
		return r;
	dh_sql_bind_text(st, 1, id);
	dh_sql_bind_text(st, 2, state);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = dh_sql_err(db, err, "update job");
	sqlite3_finalize(st);
	return r;
}

/* --- serve registrations */

int
dh_db_serve_set(struct dh_db *db, const char *listen, long pid, struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	const char *sql = pid > 0
		? "INSERT OR REPLACE INTO serves (listen, pid, started_at) VALUES (?1, ?2, ?3)"
		: "DELETE FROM serves WHERE listen = ?1";
	int r;

	if ((r = dh_sql_prepare(db, sql, &st, err)) != 0)
		return r;
	dh_sql_bind_text(st, 1, listen);
	if (pid > 0) {
		sqlite3_bind_int64(st, 2, pid);
		sqlite3_bind_int64(st, 3, (int64_t)dh_time_now());
	}
	if (sqlite3_step(st) != SQLITE_DONE)
		r = dh_sql_err(db, err, "record the serve");
	sqlite3_finalize(st);
	return r;
}

int
dh_db_serve_get(struct dh_db *db, const char *listen, long *pid, struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	int r;

	if ((r = dh_sql_prepare(db, "SELECT pid FROM serves WHERE listen = ?", &st, err)) != 0)
		return r;
	dh_sql_bind_text(st, 1, listen);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		*pid = (long)sqlite3_column_int64(st, 0);
		r = 0;
	} else {
		r = r == SQLITE_DONE ? DH_ENOENT : dh_sql_err(db, err, "read serves");
	}
	sqlite3_finalize(st);
	return r;
}
