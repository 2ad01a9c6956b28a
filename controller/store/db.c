/*
 * The store's connection (controller/store/db.h): opening a database
 * for writing or for reading, the connection settings the spec requires
 * (WAL, synchronous=FULL, foreign keys), the schema and its migrations
 * (PRAGMA user_version), the SQL function dh_sha256 the audit kinds use,
 * and read transactions. The tables are the table modules' (jobs.c,
 * events.c, records.c, revisions.c, audit.c); the schema they share is
 * created here, in one ordered list, so that a database is migrated the
 * same way whoever opens it. Callers: everything that opens the store.
 */
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "store/sql.h"
#include "dh/buf.h"
#include "dh/sign.h"

/* The record columns records_newest copies, with a prefix ("NEW." or ""). */
#define NEWEST_COLS(t)                                                                             \
	t "trigger, " t "verdict, " t "started_at, " t "finished_at, " t "backup_at, " t           \
	  "rpo_target_s, " t "rpo_actual_s, " t "rto_target_s, " t "rto_actual_s, " t              \
	  "plan_revision, " t "record_hash"

/* records_newest's rows of the records WHERE selects, from the records. */
#define NEWEST_FILL(where)                                                                                                 \
	"INSERT INTO records_newest SELECT system, kind, class, job, s, d, " NEWEST_COLS(                                  \
		"") " FROM (SELECT *, row_number() OVER (PARTITION BY system, kind, class"                                 \
		    "    ORDER BY s DESC, rid DESC) AS n FROM ("                                                           \
		    "  SELECT system, kind, job, " NEWEST_COLS(                                                            \
			    "") ", records.rowid AS rid, c.class,"                                                         \
				"    coalesce(started_at, finished_at, 0) AS s, coalesce(finished_at, started_at, 0) AS d" \
				"  FROM records JOIN (SELECT 'any' AS class UNION ALL SELECT 'evidence'"                   \
				"    UNION ALL SELECT 'passed') AS c ON c.class = 'any'"                                   \
				"    OR (c.class = 'evidence' AND verdict IN ('passed', 'failed'))"                        \
				"    OR (c.class = 'passed' AND verdict = 'passed')"                                       \
				"  WHERE " where ")) WHERE n = 1;"

/* Keep records_newest's row of CLASS when NEW (matching WHEN) is newer. */
#define NEWEST_TRIGGER(class, when)                                                                                       \
	"CREATE TRIGGER records_newest_" class                                                                            \
		" AFTER INSERT ON records WHEN " when " BEGIN"                                                            \
		"  INSERT INTO records_newest VALUES (NEW.system, NEW.kind, '" class                                      \
		"', NEW.job,"                                                                                             \
		"    coalesce(NEW.started_at, NEW.finished_at, 0),"                                                       \
		"    coalesce(NEW.finished_at, NEW.started_at, 0), " NEWEST_COLS(                                         \
			"NEW.") ")"                                                                                       \
				"  ON CONFLICT (system, kind, class) DO UPDATE SET job = excluded.job,"                   \
				"    sort_at = excluded.sort_at, done_at = excluded.done_at, trigger = excluded.trigger," \
				"    verdict = excluded.verdict, started_at = excluded.started_at,"                       \
				"    finished_at = excluded.finished_at, backup_at = excluded.backup_at,"                 \
				"    rpo_target_s = excluded.rpo_target_s, rpo_actual_s = excluded.rpo_actual_s,"         \
				"    rto_target_s = excluded.rto_target_s, rto_actual_s = excluded.rto_actual_s,"         \
				"    plan_revision = excluded.plan_revision, record_hash = excluded.record_hash"          \
				"    WHERE excluded.sort_at >= records_newest.sort_at;"                                   \
				"  END;"

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
	/* 3: corrective actions (store/actions.c), and the test interval in
	 * force when a job was made, which an action's due date counts from.
	 * Failures stored before are not given actions: SPEC opens one when
	 * a failed test is stored, and an upgrade stores no test. */
	"ALTER TABLE jobs ADD COLUMN every_s INTEGER;"
	"CREATE TABLE actions ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT, system TEXT NOT NULL, kind TEXT NOT NULL,"
	"  opened_at INTEGER NOT NULL, opened_by TEXT NOT NULL REFERENCES records(job),"
	"  due_at INTEGER NOT NULL, closed_at INTEGER, closed_by TEXT,"
	"  closed_record TEXT REFERENCES records(job), note TEXT);"
	"CREATE UNIQUE INDEX actions_one_open ON actions(system, kind) WHERE closed_at IS NULL;",
	/* 4: failover drills in progress, their phase before it runs */
	"CREATE TABLE drills ("
	"  job TEXT PRIMARY KEY REFERENCES jobs(id), system TEXT NOT NULL,"
	"  primary_host TEXT NOT NULL, standby_host TEXT NOT NULL,"
	"  phase TEXT NOT NULL, steps_run INTEGER NOT NULL, record TEXT,"
	"  updated_at INTEGER NOT NULL, finished INTEGER NOT NULL DEFAULT 0,"
	"  owner_pid INTEGER NOT NULL DEFAULT 0);",
	/* 5: what each plan revision asked of each system and kind of test
	 * (plan/fingerprint.h), so "plan changed since the last test" can be
	 * told (store/compliance.c) */
	"CREATE TABLE plan_sections ("
	"  revision TEXT NOT NULL, system TEXT NOT NULL, kind TEXT NOT NULL,"
	"  fingerprint TEXT NOT NULL, PRIMARY KEY (revision, system, kind));",
	/* 6: the notification outbox (store/outbox.c) and what /metrics reads
	 * fast (store/metrics.c): a row per event, a delivery per event and
	 * target, counters kept by triggers in the writer's transaction, the
	 * last audit check, and indexes for "the latest record of a system
	 * and kind" (by the time compliance orders by) and for what is pending. */
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT, event TEXT NOT NULL, system TEXT,"
	"  kind TEXT, verdict TEXT, record TEXT, at INTEGER NOT NULL,"
	"  summary TEXT NOT NULL, dedup TEXT NOT NULL UNIQUE,"
	"  planned INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX outbox_unplanned ON outbox(id) WHERE planned = 0;"
	"CREATE TABLE deliveries ("
	"  outbox INTEGER NOT NULL REFERENCES outbox(id), target TEXT NOT NULL,"
	"  attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL,"
	"  done_at INTEGER, outcome TEXT, PRIMARY KEY (outbox, target));"
	"CREATE INDEX deliveries_pending ON deliveries(next_at) WHERE done_at IS NULL;"
	"CREATE TABLE test_counts (kind TEXT NOT NULL, verdict TEXT NOT NULL,"
	"  n INTEGER NOT NULL, PRIMARY KEY (kind, verdict));"
	"INSERT INTO test_counts SELECT kind, verdict, count(*) FROM records"
	"  GROUP BY kind, verdict;"
	"CREATE TRIGGER records_count AFTER INSERT ON records BEGIN"
	"  INSERT OR IGNORE INTO test_counts VALUES (NEW.kind, NEW.verdict, 0);"
	"  UPDATE test_counts SET n = n + 1 WHERE kind = NEW.kind AND verdict = NEW.verdict;"
	"  END;"
	"CREATE TABLE event_count (one INTEGER PRIMARY KEY CHECK (one = 1), n INTEGER NOT NULL);"
	"INSERT INTO event_count SELECT 1, count(*) FROM events;"
	"CREATE TRIGGER events_count AFTER INSERT ON events BEGIN"
	"  UPDATE event_count SET n = n + 1 WHERE one = 1; END;"
	"CREATE TABLE audit_checks (at INTEGER NOT NULL, records INTEGER NOT NULL,"
	"  bad_seq INTEGER NOT NULL, why TEXT);"
	"CREATE INDEX records_latest ON records"
	"  (system, kind, coalesce(started_at, finished_at, 0));"
	"CREATE INDEX records_latest_verdict ON records"
	"  (system, kind, verdict, coalesce(started_at, finished_at, 0));",
	/* clang-format off */
	/* 7: the newest record of each system, kind and class (any verdict,
	 * passed or failed, passed), kept by triggers, so "where every system
	 * stands" (store/newest.c) is one read of a table of systems x kinds x
	 * 3 rows however long the history, with the record's columns so that
	 * the records themselves are not read. Newest = greatest started time
	 * (finished when unknown), the later stored on a tie, as the per-system
	 * queries order; done_at says when it finished, for reads as of an
	 * earlier time. Records are not updated or deleted (audit chain); if
	 * one is by hand, its system and kind are filled again from the rest. */
	"CREATE TABLE records_newest (system TEXT NOT NULL, kind TEXT NOT NULL,"
	"  class TEXT NOT NULL, job TEXT NOT NULL, sort_at INTEGER NOT NULL,"
	"  done_at INTEGER NOT NULL, trigger TEXT, verdict TEXT NOT NULL, started_at INTEGER,"
	"  finished_at INTEGER, backup_at INTEGER, rpo_target_s INTEGER, rpo_actual_s INTEGER,"
	"  rto_target_s INTEGER, rto_actual_s INTEGER, plan_revision TEXT, record_hash TEXT NOT NULL,"
	"  PRIMARY KEY (system, kind, class)) WITHOUT ROWID;"
	NEWEST_FILL("1")
	NEWEST_TRIGGER("any", "1")
	NEWEST_TRIGGER("evidence", "NEW.verdict IN ('passed', 'failed')")
	NEWEST_TRIGGER("passed", "NEW.verdict = 'passed'")
	"CREATE TRIGGER records_newest_deleted AFTER DELETE ON records BEGIN"
	"  DELETE FROM records_newest WHERE system = OLD.system AND kind = OLD.kind;"
	NEWEST_FILL("system = OLD.system AND kind = OLD.kind") "  END;"
	"CREATE TRIGGER records_newest_updated AFTER UPDATE ON records BEGIN"
	"  DELETE FROM records_newest WHERE (system = OLD.system AND kind = OLD.kind)"
	"    OR (system = NEW.system AND kind = NEW.kind);"
	NEWEST_FILL("system = OLD.system AND kind = OLD.kind")
	NEWEST_FILL("(system <> OLD.system OR kind <> OLD.kind) AND system = NEW.system"
		    " AND kind = NEW.kind") "  END;",
	/* clang-format on */
};
static const int latest = (int)(sizeof(migrations) / sizeof(migrations[0]));
_Static_assert(sizeof(migrations) / sizeof(migrations[0]) == DH_DB_SCHEMA_VERSION,
	"DH_DB_SCHEMA_VERSION is the number of migrations");

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

/* The schema version of db into *version; DH_EDB when newer than ours. */
static int
schema_version(struct dh_db *db, int *version, struct dh_err *err)
{
	sqlite3_stmt *st = NULL;
	int r;

	if ((r = dh_sql_prepare(db, "PRAGMA user_version", &st, err)) != 0)
		return r;
	*version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	if (*version > latest)
		return dh_err_set(err, DH_EDB,
			"database schema version %d is newer than "
			"this drillhall knows (%d)",
			*version, latest);
	return 0;
}

static int
migrate(struct dh_db *db, struct dh_err *err)
{
	int version, r;

	if ((r = dh_sql_write_begin(db, err)) != 0)
		return r;
	if ((r = schema_version(db, &version, err)) != 0)
		goto out;
	for (; version < latest; version++) {
		char pragma[48];

		if ((r = dh_sql_exec(db, migrations[version], err)) != 0)
			goto out;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", version + 1);
		if ((r = dh_sql_exec(db, pragma, err)) != 0)
			goto out;
	}
out:
	return dh_sql_write_end(db, r, err);
}

/* A connection with the store's busy timeout and SQL functions. */
static int
db_connect(struct dh_db **out, const char *path, int flags, struct dh_err *err)
{
	struct dh_db *db = dh_xcalloc(1, sizeof(*db));

	if (sqlite3_open_v2(path, &db->h, flags | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		int r = dh_err_set(err, DH_EDB, "cannot open database %s: %s", path,
			db->h ? sqlite3_errmsg(db->h) : "out of memory");

		dh_db_close(db);
		return r;
	}
	sqlite3_busy_timeout(db->h, DH_DB_BUSY_MS);
	sqlite3_create_function(db->h, "dh_sha256", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
		sql_sha256, NULL, NULL);
	*out = db;
	return 0;
}

int
dh_db_open(struct dh_db **out, const char *path, struct dh_err *err)
{
	struct dh_db *db = NULL;
	int r;

	if ((r = db_connect(&db, path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, err)) != 0)
		return r;
	if ((r = dh_sql_exec(db, "PRAGMA journal_mode = WAL", err)) != 0 ||
		(r = dh_sql_exec(db, "PRAGMA synchronous = FULL", err)) != 0 ||
		(r = dh_sql_exec(db, "PRAGMA foreign_keys = ON", err)) != 0 ||
		(r = migrate(db, err)) != 0)
		goto out;
	*out = db;
	db = NULL;
out:
	dh_db_close(db);
	return r;
}

/* Create or migrate the database at path with a writing open, then close it. */
static int
prepare_for_readers(const char *path, struct dh_err *err)
{
	struct dh_db *w = NULL;
	int r = dh_db_open(&w, path, err);

	dh_db_close(w);
	return r;
}

int
dh_db_open_readonly(struct dh_db **out, const char *path, struct dh_err *err)
{
	struct dh_db *db = NULL;
	int version = 0, r;

	if (access(path, F_OK) != 0 && (r = prepare_for_readers(path, err)) != 0)
		return r;
	for (int attempt = 0; attempt < 2; attempt++) {
		if ((r = db_connect(&db, path, SQLITE_OPEN_READONLY, err)) != 0)
			return r;
		if ((r = schema_version(db, &version, err)) != 0)
			goto out;
		if (version == latest)
			break;
		dh_db_close(db);
		db = NULL;
		if ((r = prepare_for_readers(path, err)) != 0)
			return r;
	}
	if (db == NULL)
		return dh_err_set(err, DH_EDB,
			"database %s: schema version %d after "
			"migrating",
			path, version);
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

int
dh_db_read_begin(struct dh_db *db, struct dh_err *err)
{
	int r;

	if (db->read_depth > 0) {
		db->read_depth++;
		return 0;
	}
	if ((r = dh_sql_exec(db, "BEGIN DEFERRED", err)) != 0)
		return r;
	/* A deferred transaction takes its snapshot at the first read: read now. */
	if ((r = dh_sql_exec(db, "SELECT count(*) FROM sqlite_master", err)) != 0) {
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
		return r;
	}
	db->read_depth = 1;
	return 0;
}

void
dh_db_read_end(struct dh_db *db)
{
	if (db->read_depth == 0 || --db->read_depth > 0)
		return;
	sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL);
}
