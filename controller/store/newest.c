/*
 * The newest records of every system and kind (store/newest.h): one
 * ordered scan of records_newest joined to records, then LIMIT 1 reads
 * for the pairs whose newest record finished after the time asked.
 */
#include "store/newest.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "store/records.h"
#include "store/sql.h"

/* Columns 0..13 of a record row, from records ("r.") or records_newest ("n."). */
#define RECORD_COLUMNS(t)                                                                          \
	t "job, " t "system, " t "kind, " t "trigger, " t "verdict, " t "started_at, " t           \
	  "finished_at, " t "backup_at, " t "rpo_target_s, " t "rpo_actual_s, " t                  \
	  "rto_target_s, " t "rto_actual_s, " t "plan_revision, " t "record_hash"
#define COL_JSON 14

/*
 * Every system's rows, or (?2) one system's by the primary key; the
 * stored record's JSON only where the whole record is wanted (?1, or the
 * newest drill), so the records table is otherwise not read.
 */
#define SCAN_SQL(where)                                                                              \
	"SELECT " RECORD_COLUMNS(                                                                    \
		"n.") ", CASE WHEN ?1 OR (n.kind = 'failover'"                                       \
		      " AND n.class = 'any') THEN (SELECT json FROM records WHERE job = n.job) END," \
		      " n.class, n.done_at FROM records_newest AS n" where                           \
		      " ORDER BY n.system, n.kind, n.class"
static const char *const scan_sql[2] = { SCAN_SQL(""), SCAN_SQL(" WHERE n.system = ?2") };

/* By class: any verdict, passed or failed, passed; ?4 asks for the JSON. */
static const char *const one_sql[3] = {
	"SELECT " RECORD_COLUMNS(
		"r.") ", CASE WHEN ?4 THEN r.json END FROM records AS r"
		      " WHERE system = ?1 AND kind = ?2 AND coalesce(finished_at, started_at, 0) <= ?3"
		      " ORDER BY coalesce(started_at, finished_at, 0) DESC, rowid DESC LIMIT 1",
	"SELECT " RECORD_COLUMNS(
		"r.") ", CASE WHEN ?4 THEN r.json END FROM records AS r"
		      " WHERE system = ?1 AND kind = ?2 AND coalesce(finished_at, started_at, 0) <= ?3"
		      " AND verdict IN ('passed', 'failed')"
		      " ORDER BY coalesce(started_at, finished_at, 0) DESC, rowid DESC LIMIT 1",
	"SELECT " RECORD_COLUMNS(
		"r.") ", CASE WHEN ?4 THEN r.json END FROM records AS r"
		      " WHERE system = ?1 AND kind = ?2 AND coalesce(finished_at, started_at, 0) <= ?3"
		      " AND verdict = 'passed'"
		      " ORDER BY coalesce(started_at, finished_at, 0) DESC, rowid DESC LIMIT 1",
};

static int64_t
col_secs(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, i);
}

static struct dh_record *
from_columns(sqlite3_stmt *st)
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

/* The row's record, owned by out: the whole stored one when its JSON was selected. */
static int
take_record(struct dh_newest_set *out, sqlite3_stmt *st, struct dh_record **rec, struct dh_err *err)
{
	struct dh_err why;

	if (sqlite3_column_type(st, COL_JSON) == SQLITE_NULL)
		*rec = from_columns(st);
	else if (dh_record_parse((const char *)sqlite3_column_text(st, COL_JSON),
			 (size_t)sqlite3_column_bytes(st, COL_JSON), rec, &why) != 0)
		return dh_err_set(err, DH_EDB, "stored record %s is unreadable: %s",
			(const char *)sqlite3_column_text(st, 0), why.msg);
	out->recs = dh_xrealloc(out->recs, (out->nrecs + 1) * sizeof(*out->recs));
	out->recs[out->nrecs++] = *rec;
	return 0;
}

static const struct dh_record **
slot(struct dh_newest *n, int class)
{
	return class == 0 ? &n->last : class == 1 ? &n->last_evidence : &n->last_passed;
}

/* The pair's record already read for another class with this job id, if any. */
static const struct dh_record *
already(const struct dh_newest *n, const char *job)
{
	const struct dh_record *c[2] = { n->last, n->last_evidence };

	for (int i = 0; i < 2; i++)
		if (c[i] != NULL && c[i]->id != NULL && job != NULL && strcmp(c[i]->id, job) == 0)
			return c[i];
	return NULL;
}

/* Where the row belongs in out->v, or NULL (system not in p, kind not required). */
static struct dh_newest *
pair_of(const struct dh_plan *p, struct dh_newest_set *out, sqlite3_stmt *st)
{
	const struct dh_system *s = dh_plan_system_get(p, (const char *)sqlite3_column_text(st, 1));
	const char *kind = (const char *)sqlite3_column_text(st, 2);
	int k = kind ? dh_job_kind_parse(kind) : -1;

	if (s == NULL || k < 0 || k >= DH_NEWEST_KINDS)
		return NULL;
	return &out->v[(size_t)(s - p->systems) * DH_NEWEST_KINDS + (size_t)k];
}

/* 0 any, 1 evidence, 2 passed (migration 7's classes), -1 unknown. */
static int
class_index(const char *class)
{
	static const char *const names[3] = { "any", "evidence", "passed" };

	for (int i = 0; class != NULL && i < 3; i++)
		if (strcmp(class, names[i]) == 0)
			return i;
	return -1;
}

/* The table's rows; *late[i] set for the pairs that need a read as of now. */
static int
scan(struct dh_db *db, const struct dh_plan *p, time_t now, const struct dh_newest_opt *opt,
	struct dh_newest_set *out, bool *late, struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	int r, rc;

	if ((r = dh_sql_prepare(db, scan_sql[opt->system != NULL], &st, err)) != 0)
		return r;
	sqlite3_bind_int(st, 1, opt->whole);
	dh_sql_bind_text(st, 2, opt->system);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct dh_newest *n = pair_of(p, out, st);
		int c = class_index((const char *)sqlite3_column_text(st, COL_JSON + 1));
		struct dh_record *rec;

		if (n == NULL || c < 0 || late[n - out->v])
			continue;
		if (sqlite3_column_int64(st, COL_JSON + 2) > (int64_t)now) {
			late[n - out->v] = true; /* finished after now: read as of now below */
			*n = (struct dh_newest){ 0 };
			continue;
		}
		if ((*slot(n, c) = already(n, (const char *)sqlite3_column_text(st, 0))) != NULL)
			continue;
		if ((r = take_record(out, st, &rec, err)) != 0)
			break;
		*slot(n, c) = rec;
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = dh_sql_err(db, err, "read the newest records");
	sqlite3_finalize(st);
	return r;
}

/* One pair as of now with the LIMIT 1 queries. */
static int
read_late(struct dh_db *db, sqlite3_stmt *q[3], const char *sys, int k, time_t now, bool whole,
	struct dh_newest_set *out, struct dh_newest *n, struct dh_err *err)
{
	for (int c = 0; c < 3; c++) {
		struct dh_record *rec;
		int rc, r;

		sqlite3_reset(q[c]);
		dh_sql_bind_text(q[c], 1, sys);
		dh_sql_bind_text(q[c], 2, dh_job_kind_name((enum dh_job_kind)k));
		sqlite3_bind_int64(q[c], 3, (int64_t)now);
		sqlite3_bind_int(q[c], 4, whole || (c == 0 && k == DH_JOB_FAILOVER));
		if ((rc = sqlite3_step(q[c])) == SQLITE_DONE)
			continue;
		if (rc != SQLITE_ROW)
			return dh_sql_err(db, err, "read the newest records");
		if ((*slot(n, c) = already(n, (const char *)sqlite3_column_text(q[c], 0))) != NULL)
			continue;
		if ((r = take_record(out, q[c], &rec, err)) != 0)
			return r;
		*slot(n, c) = rec;
	}
	return 0;
}

static int
read_all_late(struct dh_db *db, const struct dh_plan *p, time_t now, bool whole,
	struct dh_newest_set *out, const bool *late, struct dh_err *err)
{
	sqlite3_stmt *q[3] = { NULL, NULL, NULL };
	int r = 0;

	for (size_t i = 0; r == 0 && i < out->n; i++) {
		if (!late[i])
			continue;
		for (int c = 0; c < 3 && q[c] == NULL && r == 0; c++)
			r = dh_sql_prepare(db, one_sql[c], &q[c], err);
		if (r == 0)
			r = read_late(db, q, p->systems[i / DH_NEWEST_KINDS].id,
				(int)(i % DH_NEWEST_KINDS), now, whole, out, &out->v[i], err);
	}
	for (int c = 0; c < 3; c++)
		sqlite3_finalize(q[c]);
	return r;
}

int
dh_db_newest(struct dh_db *db, const struct dh_plan *p, time_t now, const struct dh_newest_opt *opt,
	struct dh_newest_set *out, struct dh_err *err)
{
	static const struct dh_newest_opt none = { 0 };
	bool *late;
	int r;

	opt = opt != NULL ? opt : &none;
	memset(out, 0, sizeof(*out));
	out->n = p->nsystems * DH_NEWEST_KINDS;
	out->v = dh_xcalloc(out->n ? out->n : 1, sizeof(*out->v));
	late = dh_xcalloc(out->n ? out->n : 1, sizeof(*late));
	if ((r = scan(db, p, now, opt, out, late, err)) == 0)
		r = read_all_late(db, p, now, opt->whole, out, late, err);
	free(late);
	return r;
}

void
dh_db_newest_fini(struct dh_newest_set *s)
{
	dh_db_records_free(s->recs, s->nrecs);
	free(s->v);
	memset(s, 0, sizeof(*s));
}
