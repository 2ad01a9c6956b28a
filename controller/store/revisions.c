/*
 * Plan revisions in the store (controller/store/revisions.h): the
 * plan_revisions table, written once per revision with its audit record
 * in the same transaction. How a revision is audited is said here, in
 * dh_db_revision_audit; a revision is never checked for being unaudited
 * (it is written and audited together or not at all).
 */
#include "store/revisions.h"

#include <stdint.h>

#include "plan/fingerprint.h"
#include "store/sql.h"
#include "dh/timefmt.h"

const struct dh_audit_kind dh_db_revision_audit = {
	"plan",
	"SELECT revision, loaded_at, name FROM plan_revisions"
	" WHERE revision = ?1",
	NULL,
};

int
dh_db_plan_revision(struct dh_db *db, const char *revision, const char *name, struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	int r;

	if ((r = dh_sql_write_begin(db, err)) != 0)
		return r;
	if ((r = dh_sql_prepare(db,
		     "INSERT OR IGNORE INTO plan_revisions (revision, loaded_at,"
		     " name) VALUES (?, ?, ?)",
		     &st, err)) != 0)
		goto out;
	dh_sql_bind_text(st, 1, revision);
	sqlite3_bind_int64(st, 2, (int64_t)dh_time_now());
	dh_sql_bind_text(st, 3, name);
	if (sqlite3_step(st) != SQLITE_DONE) {
		r = dh_sql_err(db, err, "insert plan revision");
		goto out;
	}
	if (sqlite3_changes(db->h) > 0)
		r = dh_audit_append(db, &dh_db_revision_audit, revision, 0, err);
out:
	sqlite3_finalize(st);
	return dh_sql_write_end(db, r, err);
}

/* The fingerprints of p's revision, inside the caller's write transaction. */
static int
note_sections(struct dh_db *db, const struct dh_plan *p, struct dh_err *err)
{
	char fp[DH_PLAN_FINGERPRINT_LEN];
	sqlite3_stmt *st = NULL;
	int r;

	if ((r = dh_sql_prepare(db,
		     "INSERT OR IGNORE INTO plan_sections (revision, system, kind,"
		     " fingerprint) VALUES (?, ?, ?, ?)",
		     &st, err)) != 0)
		return r;
	for (size_t i = 0; i < p->nsystems && r == 0; i++)
		for (int k = DH_JOB_RESTORE; k <= DH_JOB_FAILOVER && r == 0; k++) {
			dh_plan_fingerprint(fp, &p->systems[i], (enum dh_job_kind)k);
			sqlite3_reset(st);
			dh_sql_bind_text(st, 1, p->revision);
			dh_sql_bind_text(st, 2, p->systems[i].id);
			dh_sql_bind_text(st, 3, dh_job_kind_name((enum dh_job_kind)k));
			dh_sql_bind_text(st, 4, fp);
			if (sqlite3_step(st) != SQLITE_DONE)
				r = dh_sql_err(db, err, "insert plan sections");
		}
	sqlite3_finalize(st);
	return r;
}

int
dh_db_plan_note(struct dh_db *db, const struct dh_plan *p, struct dh_err *err)
{
	int r;

	if ((r = dh_db_plan_revision(db, p->revision, p->policy.name, err)) != 0)
		return r;
	if ((r = dh_sql_write_begin(db, err)) != 0)
		return r;
	r = note_sections(db, p, err);
	return dh_sql_write_end(db, r, err);
}

int
dh_db_revision_at(struct dh_db *db, time_t t, char **out, struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	int r, rc;

	*out = NULL;
	if ((r = dh_sql_prepare(db,
		     "SELECT revision FROM plan_revisions WHERE loaded_at <= ?1"
		     " ORDER BY loaded_at DESC, rowid DESC LIMIT 1",
		     &st, err)) != 0)
		return r;
	sqlite3_bind_int64(st, 1, (int64_t)t);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*out = dh_sql_col_dup(st, 0);
	else if (rc != SQLITE_DONE)
		r = dh_sql_err(db, err, "read plan revisions");
	sqlite3_finalize(st);
	return r;
}
