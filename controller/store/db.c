/*
 * The SQLite adapter (controller/db.h): the only file that includes
 * <sqlite3.h>. It owns the schema and its migrations (PRAGMA
 * user_version), the connection settings the spec requires (WAL,
 * synchronous=FULL), jobs, events, test records, plan revisions and the
 * hash-chained audit log. Every audited row is described once, in the
 * audit_kinds table, by the query that turns it into the audit record's
 * data: appending and verifying run the same query, so `audit verify`
 * notices an edited job, event or record as well as an edited audit row.
 * The canonical form, the chain hash and what counts as a match are
 * audit.c's; this file stores and reads. Callers: the event endpoint's writer (group commit), `run`, `history`,
 * `status`, `audit verify`.
 */
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "store/audit.h"
#include "dh/buf.h"
#include "dh/sign.h"
#include "dh/timefmt.h"

struct dh_db {
	sqlite3 *h;
};

/* Each entry migrates user_version i to i + 1. Never edit a shipped one. */
static const char *const migrations[] = {
	"CREATE TABLE jobs ("
	"  id TEXT PRIMARY KEY, system TEXT NOT NULL, kind TEXT NOT NULL,"
	"  trigger TEXT NOT NULL, host TEXT NOT NULL, token TEXT NOT NULL,"
	"  state TEXT NOT NULL, created_at INTEGER NOT NULL,"
	"  plan_revision TEXT, rpo_target_s INTEGER NOT NULL,"
	"  rto_target_s INTEGER NOT NULL, timeout_s INTEGER NOT NULL);"
	"CREATE INDEX jobs_system ON jobs(system, created_at);"
	"CREATE TABLE events ("
	"  job TEXT NOT NULL REFERENCES jobs(id), seq INTEGER NOT NULL,"
	"  type TEXT NOT NULL, at INTEGER NOT NULL, host TEXT,"
	"  received_at INTEGER NOT NULL, body TEXT NOT NULL,"
	"  PRIMARY KEY (job, seq));"
	"CREATE TABLE records ("
	"  job TEXT PRIMARY KEY REFERENCES jobs(id), system TEXT NOT NULL,"
	"  kind TEXT NOT NULL, trigger TEXT, verdict TEXT NOT NULL,"
	"  started_at INTEGER, finished_at INTEGER, backup_at INTEGER,"
	"  rpo_target_s INTEGER, rpo_actual_s INTEGER,"
	"  rto_target_s INTEGER, rto_actual_s INTEGER,"
	"  plan_revision TEXT, record_hash TEXT NOT NULL, json TEXT NOT NULL);"
	"CREATE INDEX records_system ON records(system, kind, started_at);"
	"CREATE TABLE plan_revisions ("
	"  revision TEXT PRIMARY KEY, loaded_at INTEGER NOT NULL, name TEXT);"
	"CREATE TABLE audit ("
	"  seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, kind TEXT NOT NULL,"
	"  ref TEXT NOT NULL, ref_seq INTEGER, body TEXT NOT NULL,"
	"  prev_hash TEXT NOT NULL, hash TEXT NOT NULL);",
	/* 2: which serve holds which listen address, so `run` knows it is ours */
	"CREATE TABLE serves ("
	"  listen TEXT PRIMARY KEY, pid INTEGER NOT NULL, started_at INTEGER NOT NULL);",
};

/*
 * What each audit kind records about its row: ?1 = ref, ?2 = ref_seq.
 * Secrets and large bodies enter only as SHA-256 (dh_sha256 below).
 */
static const struct audit_kind {
	const char *kind;
	const char *sql;
} audit_kinds[] = {
	{ "job", "SELECT id, system, kind, trigger, host, plan_revision, created_at,"
		" rpo_target_s, rto_target_s, timeout_s, dh_sha256(token) AS token_sha256"
		" FROM jobs WHERE id = ?1" },
	{ "event", "SELECT job, seq, type, at, host, dh_sha256(body) AS body_sha256"
		" FROM events WHERE job = ?1 AND seq = ?2" },
	{ "verdict", "SELECT job, system, kind, trigger, verdict, started_at,"
		" finished_at, backup_at, rpo_target_s, rpo_actual_s, rto_target_s,"
		" rto_actual_s, plan_revision, record_hash, dh_sha256(json) AS json_sha256"
		" FROM records WHERE job = ?1" },
	{ "plan", "SELECT revision, loaded_at, name FROM plan_revisions"
		" WHERE revision = ?1" },
};

static int
db_err(struct dh_db *db, struct dh_err *err, const char *what)
{
	int rc = sqlite3_errcode(db->h);
	int code = (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) ? DH_ELOCKED : DH_EDB;

	return dh_err_set(err, code, "database: %s: %s", what, sqlite3_errmsg(db->h));
}

static void
sql_sha256(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char hex[65];

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	dh_sha256_hex(sqlite3_value_blob(argv[0]), (size_t)sqlite3_value_bytes(argv[0]), hex);
	sqlite3_result_text(ctx, hex, -1, SQLITE_TRANSIENT);
}

static int
exec(struct dh_db *db, const char *sql, struct dh_err *err)
{
	if (sqlite3_exec(db->h, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_err(db, err, sql);
	return 0;
}

static int
prepare(struct dh_db *db, const char *sql, sqlite3_stmt **st, struct dh_err *err)
{
	if (sqlite3_prepare_v2(db->h, sql, -1, st, NULL) != SQLITE_OK)
		return db_err(db, err, "prepare");
	return 0;
}

static char *
col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? dh_xstrdup((const char *)s) : NULL;
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static int
migrate(struct dh_db *db, struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	int version, r;
	const int latest = (int)(sizeof(migrations) / sizeof(migrations[0]));

	if ((r = exec(db, "BEGIN IMMEDIATE", err)) != 0)
		return r;
	if ((r = prepare(db, "PRAGMA user_version", &st, err)) != 0)
		goto out;
	version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	if (version > latest) {
		r = dh_err_set(err, DH_EDB, "database schema version %d is newer than "
			"this drillhall knows (%d)", version, latest);
		goto out;
	}
	for (; version < latest; version++) {
		char pragma[48];

		if ((r = exec(db, migrations[version], err)) != 0)
			goto out;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", version + 1);
		if ((r = exec(db, pragma, err)) != 0)
			goto out;
	}
	r = exec(db, "COMMIT", err);
out:
	sqlite3_finalize(st);
	if (r != 0)
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	return r;
}

int
dh_db_open(struct dh_db **out, const char *path, struct dh_err *err)
{
	struct dh_db *db = dh_xcalloc(1, sizeof(*db));
	int r;

	if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		r = dh_err_set(err, DH_EDB, "cannot open database %s: %s", path,
			db->h ? sqlite3_errmsg(db->h) : "out of memory");
		goto out;
	}
	sqlite3_busy_timeout(db->h, DH_DB_BUSY_MS);
	sqlite3_create_function(db->h, "dh_sha256", 1, SQLITE_UTF8 |
		SQLITE_DETERMINISTIC, NULL, sql_sha256, NULL, NULL);
	if ((r = exec(db, "PRAGMA journal_mode = WAL", err)) != 0 ||
	    (r = exec(db, "PRAGMA synchronous = FULL", err)) != 0 ||
	    (r = exec(db, "PRAGMA foreign_keys = ON", err)) != 0 ||
	    (r = migrate(db, err)) != 0)
		goto out;
	*out = db;
	db = NULL;
out:
	dh_db_close(db);
	return r;
}

void
dh_db_close(struct dh_db *db)
{
	if (db == NULL)
		return;
	sqlite3_close_v2(db->h);
	free(db);
}

/* --- audit */

static const struct audit_kind *
audit_kind_get(const char *kind)
{
	for (size_t i = 0; i < sizeof(audit_kinds) / sizeof(audit_kinds[0]); i++)
		if (strcmp(audit_kinds[i].kind, kind) == 0)
			return &audit_kinds[i];
	return NULL;
}

/* The audited row as canonical JSON, or NULL (*r = DH_ENOENT) when gone. */
static char *
audit_row(struct dh_db *db, const char *kind, const char *ref, int64_t ref_seq,
	int *r, struct dh_err *err)
{
	const struct audit_kind *k = audit_kind_get(kind);
	sqlite3_stmt *st = NULL;
	json_t *o = NULL;
	char *text = NULL;

	*r = 0;
	if (k == NULL) {
		*r = dh_err_set(err, DH_EINVAL, "unknown audit kind '%s'", kind);
		return NULL;
	}
	if ((*r = prepare(db, k->sql, &st, err)) != 0)
		return NULL;
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_TRANSIENT);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, ref_seq);
	if (sqlite3_step(st) != SQLITE_ROW) {
		*r = DH_ENOENT;
		goto out;
	}
	o = json_object();
	for (int i = 0; i < sqlite3_column_count(st); i++) {
		const char *name = sqlite3_column_name(st, i);
		json_t *v;

		switch (sqlite3_column_type(st, i)) {
		case SQLITE_INTEGER:
			v = json_integer(sqlite3_column_int64(st, i));
			break;
		case SQLITE_NULL:
			v = json_null();
			break;
		default:
			v = json_stringn_nocheck((const char *)sqlite3_column_text(st, i),
				(size_t)sqlite3_column_bytes(st, i));
			break;
		}
		json_object_set_new(o, name, v);
	}
	text = dh_audit_sorted(o);
	json_decref(o);
out:
	sqlite3_finalize(st);
	return text;
}

/* Append an audit record for a row written in the current transaction. */
static int
audit_append(struct dh_db *db, const char *kind, const char *ref, int64_t ref_seq,
	struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	char prev[65] = DH_AUDIT_GENESIS, hash[65];
	struct dh_audit_rec a = { .seq = 1, .at = (int64_t)dh_time_now(), .kind = kind,
		.ref = ref, .ref_seq = ref_seq };
	char *body = NULL, *data;
	int r;

	if ((data = audit_row(db, kind, ref, ref_seq, &r, err)) == NULL)
		return r == DH_ENOENT ? dh_err_set(err, DH_EDB, "audited row vanished") : r;
	if ((r = prepare(db, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
	    &st, err)) != 0)
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW) {
		a.seq = sqlite3_column_int64(st, 0) + 1;
		snprintf(prev, sizeof(prev), "%s", (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	st = NULL;
	body = dh_audit_canonical(&a, data);
	dh_audit_chain_hash(prev, body, hash);
	if ((r = prepare(db, "INSERT INTO audit (seq, at, kind, ref, ref_seq, body,"
	    " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &st, err)) != 0)
		goto out;
	sqlite3_bind_int64(st, 1, a.seq);
	sqlite3_bind_int64(st, 2, a.at);
	bind_text(st, 3, kind);
	bind_text(st, 4, ref);
	if (ref_seq > 0)
		sqlite3_bind_int64(st, 5, ref_seq);
	bind_text(st, 6, body);
	bind_text(st, 7, prev);
	bind_text(st, 8, hash);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = db_err(db, err, "append to audit log");
out:
	sqlite3_finalize(st);
	free(data);
	free(body);
	return r;
}

/* --- jobs */

int
dh_db_job_insert(struct dh_db *db, const struct dh_job *job, const char *trigger,
	struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	int r;

	if ((r = exec(db, "BEGIN IMMEDIATE", err)) != 0)
		return r;
	if ((r = prepare(db, "INSERT INTO jobs (id, system, kind, trigger, host, token,"
	    " state, created_at, plan_revision, rpo_target_s, rto_target_s, timeout_s)"
	    " VALUES (?, ?, ?, ?, ?, ?, 'dispatched', ?, ?, ?, ?, ?)", &st, err)) != 0)
		goto out;
	bind_text(st, 1, job->id);
	bind_text(st, 2, job->system);
	bind_text(st, 3, dh_job_kind_name(job->kind));
	bind_text(st, 4, trigger);
	bind_text(st, 5, job->host);
	bind_text(st, 6, job->token);
	sqlite3_bind_int64(st, 7, (int64_t)dh_time_now());
	bind_text(st, 8, job->plan_revision);
	sqlite3_bind_int64(st, 9, job->rpo_target_s);
	sqlite3_bind_int64(st, 10, job->rto_target_s);
	sqlite3_bind_int64(st, 11, job->timeout_s);
	if (sqlite3_step(st) != SQLITE_DONE) {
		r = sqlite3_extended_errcode(db->h) == SQLITE_CONSTRAINT_PRIMARYKEY ?
			dh_err_set(err, DH_EEXIST, "job %s already exists", job->id) :
			db_err(db, err, "insert job");
		goto out;
	}
	if ((r = audit_append(db, "job", job->id, 0, err)) != 0)
		goto out;
	r = exec(db, "COMMIT", err);
out:
	sqlite3_finalize(st);
	if (r != 0)
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	return r;
}

int
dh_db_job_get(struct dh_db *db, const char *id, struct dh_db_job **out,
	struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	struct dh_db_job *j;
	int r;

	if ((r = prepare(db, "SELECT id, system, kind, trigger, host, token, state,"
	    " plan_revision, created_at, rpo_target_s, rto_target_s, timeout_s"
	    " FROM jobs WHERE id = ?", &st, err)) != 0)
		return r;
	bind_text(st, 1, id);
	r = sqlite3_step(st);
	if (r != SQLITE_ROW) {
		r = r == SQLITE_DONE ? dh_err_set(err, DH_ENOENT, "no job %s", id) :
			db_err(db, err, "read job");
		goto out;
	}
	j = dh_xcalloc(1, sizeof(*j));
	j->id = col_dup(st, 0);
	j->system = col_dup(st, 1);
	j->kind = col_dup(st, 2);
	j->trigger = col_dup(st, 3);
	j->host = col_dup(st, 4);
	j->token = col_dup(st, 5);
	j->state = col_dup(st, 6);
	j->plan_revision = col_dup(st, 7);
	j->created_at = (time_t)sqlite3_column_int64(st, 8);
	j->rpo_target_s = sqlite3_column_int64(st, 9);
	j->rto_target_s = sqlite3_column_int64(st, 10);
	j->timeout_s = sqlite3_column_int64(st, 11);
	*out = j;
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

static int
job_set_state(struct dh_db *db, const char *id, const char *state, struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	int r;

	if ((r = prepare(db, "UPDATE jobs SET state = ?2 WHERE id = ?1 AND"
	    " state <> 'finished'", &st, err)) != 0)
		return r;
	bind_text(st, 1, id);
	bind_text(st, 2, state);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = db_err(db, err, "update job");
	sqlite3_finalize(st);
	return r;
}

/* --- records */

static void
set_str(char **dst, const char *src)
{
	free(*dst);
	*dst = src ? dh_xstrdup(src) : NULL;
}

static void
bind_time(sqlite3_stmt *st, int i, time_t t)
{
	if (t > 0)
		sqlite3_bind_int64(st, i, (int64_t)t);
	else
		sqlite3_bind_null(st, i);
}

static void
bind_secs(sqlite3_stmt *st, int i, int64_t v)
{
	if (v >= 0)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

/* Inside a transaction: complete, insert and audit r. DH_EEXIST if present. */
static int
record_insert(struct dh_db *db, struct dh_record *r, struct dh_err *err)
{
	struct dh_db_job *j = NULL;
	sqlite3_stmt *st = NULL;
	char *json = NULL;
	int rc;

	if ((rc = dh_db_job_get(db, r->id, &j, err)) != 0)
		return rc;
	dh_audit_record_seal(r, j);
	json = dh_record_to_json(r, 0);
	if ((rc = prepare(db, "INSERT OR IGNORE INTO records (job, system, kind, trigger,"
	    " verdict, started_at, finished_at, backup_at, rpo_target_s, rpo_actual_s,"
	    " rto_target_s, rto_actual_s, plan_revision, record_hash, json) VALUES"
	    " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &st, err)) != 0)
		goto out;
	bind_text(st, 1, r->id);
	bind_text(st, 2, r->system);
	bind_text(st, 3, dh_job_kind_name(r->kind));
	bind_text(st, 4, r->trigger);
	bind_text(st, 5, dh_verdict_name(r->verdict));
	bind_time(st, 6, r->started_at);
	bind_time(st, 7, r->finished_at);
	bind_time(st, 8, r->backup_at);
	bind_secs(st, 9, r->rpo_target_s);
	bind_secs(st, 10, r->rpo_actual_s);
	bind_secs(st, 11, r->rto_target_s);
	bind_secs(st, 12, r->rto_actual_s);
	bind_text(st, 13, r->plan_revision);
	bind_text(st, 14, r->record_hash);
	bind_text(st, 15, json);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = db_err(db, err, "insert record");
		goto out;
	}
	if (sqlite3_changes(db->h) == 0) {
		rc = dh_err_set(err, DH_EEXIST, "job %s already has a record", r->id);
		goto out;
	}
	if ((rc = job_set_state(db, r->id, "finished", err)) != 0)
		goto out;
	rc = audit_append(db, "verdict", r->id, 0, err);
out:
	sqlite3_finalize(st);
	dh_db_job_free(j);
	free(json);
	return rc;
}

int
dh_db_record_store(struct dh_db *db, struct dh_record *r, struct dh_err *err)
{
	int rc;

	if ((rc = exec(db, "BEGIN IMMEDIATE", err)) != 0)
		return rc;
	if ((rc = record_insert(db, r, err)) != 0)
		goto out;
	rc = exec(db, "COMMIT", err);
out:
	if (rc != 0)
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

static int
records_query(struct dh_db *db, sqlite3_stmt *st, struct dh_record ***out,
	size_t *n, struct dh_err *err)
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
		return db_err(db, err, "read records");
	}
	*out = recs;
	*n = cnt;
	return 0;
}

int
dh_db_record_get(struct dh_db *db, const char *job, struct dh_record **out,
	struct dh_err *err)
{
	struct dh_record **recs = NULL;
	sqlite3_stmt *st = NULL;
	size_t n = 0;
	int r;

	if ((r = prepare(db, "SELECT json FROM records WHERE job = ?", &st, err)) != 0)
		return r;
	bind_text(st, 1, job);
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
dh_db_history(struct dh_db *db, const char *system, const char *kind, time_t since,
	size_t limit, struct dh_record ***out, size_t *n, struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	int r;

	if ((r = prepare(db, "SELECT json FROM records WHERE (?1 IS NULL OR system = ?1)"
	    " AND (?2 IS NULL OR kind = ?2)"
	    " AND coalesce(started_at, finished_at, 0) >= ?3"
	    " ORDER BY coalesce(started_at, finished_at, 0) DESC, job DESC LIMIT ?4",
	    &st, err)) != 0)
		return r;
	bind_text(st, 1, system);
	bind_text(st, 2, kind);
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

/* --- events */

/* Whether a resent (job, seq) carries the bytes already stored. */
static bool
same_body(struct dh_db *db, const struct dh_db_event_in *in)
{
	sqlite3_stmt *st = NULL;
	bool same = false;

	if (prepare(db, "SELECT body = ?3 FROM events WHERE job = ?1 AND seq = ?2",
	    &st, NULL) != 0)
		return false;
	bind_text(st, 1, in->ev->job);
	sqlite3_bind_int64(st, 2, in->ev->seq);
	sqlite3_bind_text(st, 3, in->body, (int)in->len, SQLITE_TRANSIENT);
	same = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
	sqlite3_finalize(st);
	return same;
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
	if ((r = prepare(db, "INSERT OR IGNORE INTO events (job, seq, type, at, host,"
	    " received_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)", &st, err)) != 0)
		goto out;
	bind_text(st, 1, ev->job);
	sqlite3_bind_int64(st, 2, ev->seq);
	bind_text(st, 3, dh_event_type_name(ev->type));
	sqlite3_bind_int64(st, 4, (int64_t)ev->at);
	bind_text(st, 5, ev->host);
	sqlite3_bind_int64(st, 6, (int64_t)dh_time_now());
	sqlite3_bind_text(st, 7, in->body, (int)in->len, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE) {
		r = db_err(db, err, "insert event");
		goto out;
	}
	if (sqlite3_changes(db->h) == 0) {
		in->result = same_body(db, in) ? DH_DB_DUPLICATE : DH_DB_CONFLICT;
		goto out;
	}
	in->result = DH_DB_NEW;
	if ((r = audit_append(db, "event", ev->job, ev->seq, err)) != 0)
		goto out;
	if (ev->type == DH_EVENT_ACCEPTED)
		r = job_set_state(db, ev->job, "running", err);
	else if (ev->type == DH_EVENT_FINISHED && ev->record != NULL) {
		/* The first record of a job stands (a timeout may have been stored). */
		set_str(&ev->record->id, ev->job);
		r = record_insert(db, ev->record, err);
		if (r == DH_EEXIST)
			r = 0;
	}
out:
	sqlite3_finalize(st);
	dh_db_job_free(j);
	return r;
}

int
dh_db_event_batch(struct dh_db *db, struct dh_db_event_in *items, size_t n,
	struct dh_err *err)
{
	int r;

	if ((r = exec(db, "BEGIN IMMEDIATE", err)) != 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		struct dh_err ierr;
		int ir;

		dh_err_clear(&ierr);
		if ((r = exec(db, "SAVEPOINT ev", err)) != 0)
			goto out;
		ir = event_insert(db, &items[i], &ierr);
		if (ir < 0) {
			items[i].result = ir;
			if ((r = exec(db, "ROLLBACK TO ev", err)) != 0)
				goto out;
		}
		if ((r = exec(db, "RELEASE ev", err)) != 0)
			goto out;
	}
	r = exec(db, "COMMIT", err);
out:
	if (r != 0)
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	return r;
}

int
dh_db_event_count(struct dh_db *db, const char *job, int64_t *out, struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	int r;

	if ((r = prepare(db, "SELECT count(*) FROM events WHERE job = ?", &st, err)) != 0)
		return r;
	bind_text(st, 1, job);
	if (sqlite3_step(st) == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else
		r = db_err(db, err, "count events");
	sqlite3_finalize(st);
	return r;
}

/* --- plan revisions */

int
dh_db_plan_revision(struct dh_db *db, const char *revision, const char *name,
	struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	int r;

	if ((r = exec(db, "BEGIN IMMEDIATE", err)) != 0)
		return r;
	if ((r = prepare(db, "INSERT OR IGNORE INTO plan_revisions (revision, loaded_at,"
	    " name) VALUES (?, ?, ?)", &st, err)) != 0)
		goto out;
	bind_text(st, 1, revision);
	sqlite3_bind_int64(st, 2, (int64_t)dh_time_now());
	bind_text(st, 3, name);
	if (sqlite3_step(st) != SQLITE_DONE) {
		r = db_err(db, err, "insert plan revision");
		goto out;
	}
	if (sqlite3_changes(db->h) > 0 &&
	    (r = audit_append(db, "plan", revision, 0, err)) != 0)
		goto out;
	r = exec(db, "COMMIT", err);
out:
	sqlite3_finalize(st);
	if (r != 0)
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	return r;
}

/* --- audit verify */

/* Check one stored record against its predecessor and its row. */
static bool
audit_check(struct dh_db *db, const struct dh_audit_rec *a, int64_t want_seq,
	const char *prev, char *why, size_t whysz)
{
	char *row;
	bool ok;
	int r;

	row = audit_row(db, a->kind, a->ref, a->ref_seq, &r, NULL);
	if (r == DH_EINVAL) {
		snprintf(why, whysz, "unknown audit kind '%s'", a->kind);
		return false;
	}
	ok = dh_audit_check(a, want_seq, prev, row, why, whysz);
	free(row);
	return ok;
}

/* Rows that should have an audit record but have none. */
static int
audit_orphans(struct dh_db *db, struct dh_audit_result *res, struct dh_err *err)
{
	static const char *const sql[] = {
		"SELECT 'job', id FROM jobs WHERE id NOT IN"
		" (SELECT ref FROM audit WHERE kind = 'job') LIMIT 1",
		"SELECT 'verdict', job FROM records WHERE job NOT IN"
		" (SELECT ref FROM audit WHERE kind = 'verdict') LIMIT 1",
		"SELECT 'event', job || ' seq ' || seq FROM events e WHERE NOT EXISTS"
		" (SELECT 1 FROM audit a WHERE a.kind = 'event' AND a.ref = e.job"
		" AND a.ref_seq = e.seq) LIMIT 1",
	};
	sqlite3_stmt *st = NULL;
	int r = 0;

	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]) && res->bad_seq == 0; i++) {
		if ((r = prepare(db, sql[i], &st, err)) != 0)
			return r;
		if (sqlite3_step(st) == SQLITE_ROW) {
			res->bad_seq = -1;
			snprintf(res->why, sizeof(res->why), "%s %s is not in the audit log",
				(const char *)sqlite3_column_text(st, 0),
				(const char *)sqlite3_column_text(st, 1));
		}
		sqlite3_finalize(st);
	}
	return r;
}

int
dh_db_audit_each(struct dh_db *db, int (*fn)(void *user, const struct dh_audit_rec *a),
	void *user, struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	int r, rc = 0;

	if ((r = prepare(db, "SELECT seq, at, kind, ref, coalesce(ref_seq, 0), body,"
	    " prev_hash, hash FROM audit ORDER BY seq", &st, err)) != 0)
		return r;
	while (rc == 0 && (r = sqlite3_step(st)) == SQLITE_ROW) {
		struct dh_audit_rec a = {
			.seq = sqlite3_column_int64(st, 0), .at = sqlite3_column_int64(st, 1),
			.kind = (const char *)sqlite3_column_text(st, 2),
			.ref = (const char *)sqlite3_column_text(st, 3),
			.ref_seq = sqlite3_column_int64(st, 4),
			.body = (const char *)sqlite3_column_text(st, 5),
			.prev = (const char *)sqlite3_column_text(st, 6),
			.hash = (const char *)sqlite3_column_text(st, 7),
		};

		if (a.kind && a.ref && a.body && a.prev && a.hash)
			rc = fn(user, &a);
	}
	if (rc == 0 && r != SQLITE_DONE)
		rc = db_err(db, err, "read audit log");
	sqlite3_finalize(st);
	return rc;
}

int
dh_db_audit_verify(struct dh_db *db, struct dh_audit_result *res, struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	char prev[65] = DH_AUDIT_GENESIS;
	int r, rc;

	memset(res, 0, sizeof(*res));
	if ((r = exec(db, "BEGIN", err)) != 0)
		return r;
	if ((r = prepare(db, "SELECT seq, at, kind, ref, coalesce(ref_seq, 0), body,"
	    " prev_hash, hash FROM audit ORDER BY seq", &st, err)) != 0)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct dh_audit_rec a = {
			.seq = sqlite3_column_int64(st, 0),
			.at = sqlite3_column_int64(st, 1),
			.kind = (const char *)sqlite3_column_text(st, 2),
			.ref = (const char *)sqlite3_column_text(st, 3),
			.ref_seq = sqlite3_column_int64(st, 4),
			.body = (const char *)sqlite3_column_text(st, 5),
			.prev = (const char *)sqlite3_column_text(st, 6),
			.hash = (const char *)sqlite3_column_text(st, 7),
		};

		if (!a.kind || !a.ref || !a.body || !a.prev || !a.hash) {
			res->bad_seq = a.seq;
			snprintf(res->why, sizeof(res->why), "a column is empty");
			goto out;
		}
		if (!audit_check(db, &a, res->records + 1, prev, res->why, sizeof(res->why))) {
			res->bad_seq = a.seq;
			goto out;
		}
		snprintf(prev, sizeof(prev), "%s", a.hash);
		res->records++;
	}
	if (rc != SQLITE_DONE) {
		r = db_err(db, err, "read audit log");
		goto out;
	}
	r = audit_orphans(db, res, err);
out:
	sqlite3_finalize(st);
	sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL);
	return r;
}

/* --- serve registrations */

int
dh_db_serve_set(struct dh_db *db, const char *listen, long pid, struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	const char *sql = pid > 0 ?
		"INSERT OR REPLACE INTO serves (listen, pid, started_at) VALUES (?1, ?2, ?3)" :
		"DELETE FROM serves WHERE listen = ?1";
	int r;

	if ((r = prepare(db, sql, &st, err)) != 0)
		return r;
	bind_text(st, 1, listen);
	if (pid > 0) {
		sqlite3_bind_int64(st, 2, pid);
		sqlite3_bind_int64(st, 3, (int64_t)dh_time_now());
	}
	if (sqlite3_step(st) != SQLITE_DONE)
		r = db_err(db, err, "record the serve");
	sqlite3_finalize(st);
	return r;
}

int
dh_db_serve_get(struct dh_db *db, const char *listen, long *pid, struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	int r;

	if ((r = prepare(db, "SELECT pid FROM serves WHERE listen = ?", &st, err)) != 0)
		return r;
	bind_text(st, 1, listen);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		*pid = (long)sqlite3_column_int64(st, 0);
		r = 0;
	} else {
		r = r == SQLITE_DONE ? DH_ENOENT : db_err(db, err, "read serves");
	}
	sqlite3_finalize(st);
	return r;
}
