/*
 * The store's connection (controller/store/db.c) against a real SQLite
 * file in a temporary directory: schema version and WAL, migrating a
 * version 1 database, refusing a newer one; the read-only open (creating
 * or migrating first when it must, refusing writes) and read
 * transactions that see one snapshot and never wait for a writer holding
 * its transaction open on another connection (SPEC "Read-only commands
 * ... never wait for the writer").
 */
#include "store_fx.h"

#include <time.h>

#include <sqlite3.h>

#include "store/records.h"
#include "store/verify.h"

static void
test_open_pragmas(void **state)
{
	struct fx *f = *state;
	sqlite3 *h;
	sqlite3_stmt *st;

	dh_db_close(f->db);
	assert_int_equal(dh_db_open(&f->db, f->path, NULL), 0); /* reopen: no migration */
	assert_int_equal(sqlite3_open(f->path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), DH_DB_SCHEMA_VERSION);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	/* A version 1 database gains what versions 2 to 7 added. */
	assert_int_equal(sqlite3_exec(h,
				 FX_DB_UNDO_3_TO_7 " DROP TABLE serves; PRAGMA user_version = 1",
				 NULL, NULL, NULL),
		SQLITE_OK);
	dh_db_close(f->db);
	assert_int_equal(dh_db_open(&f->db, f->path, NULL), 0);
	assert_int_equal(dh_db_serve_set(f->db, "127.0.0.1:1", 42, NULL), 0);
	{
		long pid = 0;

		assert_int_equal(dh_db_serve_get(f->db, "127.0.0.1:1", &pid, NULL), 0);
		assert_int_equal(pid, 42);
		assert_int_equal(dh_db_serve_set(f->db, "127.0.0.1:1", 0, NULL), 0);
		assert_int_equal(dh_db_serve_get(f->db, "127.0.0.1:1", &pid, NULL), DH_ENOENT);
	}
	assert_int_equal(sqlite3_exec(h, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	dh_db_close(f->db);
	f->db = NULL;
	assert_int_equal(dh_db_open(&f->db, f->path, NULL), DH_EDB);
	assert_null(f->db);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A second connection that begins a write and holds it, as a writer would. */
static sqlite3 *
writer_hold(const char *path)
{
	sqlite3 *h;

	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(
		sqlite3_exec(h,
			"BEGIN IMMEDIATE;"
			" INSERT INTO jobs (id, system, kind, trigger, host, token, state, created_at,"
			" rpo_target_s, rto_target_s, timeout_s) VALUES ('w1', 's', 'restore',"
			" 'manual', 'h', 't', 'dispatched', 1, 1, 1, 1)",
			NULL, NULL, NULL),
		SQLITE_OK);
	return h;
}

static void
test_reader_not_blocked(void **state)
{
	struct fx *f = *state;
	struct dh_db *ro = NULL;
	struct dh_db_job *j = NULL;
	struct dh_record **recs = NULL;
	struct dh_audit_result res;
	size_t n = 0;
	sqlite3 *w;
	double t0;

	add_job(f->db, "j1", "procapita");
	assert_int_equal(dh_db_open_readonly(&ro, f->path, NULL), 0);
	w = writer_hold(f->path);
	t0 = now_s();
	assert_int_equal(dh_db_read_begin(ro, NULL), 0);
	assert_int_equal(dh_db_job_get(ro, "j1", &j, NULL), 0);
	dh_db_job_free(j);
	assert_int_equal(dh_db_job_get(ro, "w1", &j, NULL), DH_ENOENT); /* uncommitted */
	assert_int_equal(dh_db_history(ro, NULL, NULL, 0, 0, &recs, &n, NULL), 0);
	dh_db_records_free(recs, n);
	assert_int_equal(dh_db_audit_verify(ro, &res, NULL), 0); /* nests */
	assert_int_equal(res.bad_seq, 0);
	assert_int_equal(res.records, 1);
	/* Far below DH_DB_BUSY_MS: the reader never waited for the lock. */
	assert_true(now_s() - t0 < 2.0);
	assert_int_equal(sqlite3_exec(w, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	/* One snapshot until the read transaction ends. */
	assert_int_equal(dh_db_job_get(ro, "w1", &j, NULL), DH_ENOENT);
	dh_db_read_end(ro);
	assert_int_equal(dh_db_job_get(ro, "w1", &j, NULL), 0);
	dh_db_job_free(j);
	sqlite3_close(w);
	dh_db_close(ro);
}

static void
test_readonly_refuses_writes(void **state)
{
	struct fx *f = *state;
	struct dh_db *ro = NULL;
	struct dh_job job = { .id = "j9", .system = "s", .host = "h", .token = "t" };

	assert_int_equal(dh_db_open_readonly(&ro, f->path, NULL), 0);
	assert_int_equal(dh_db_job_insert(ro, &job, "manual", NULL), DH_EDB);
	assert_int_equal(dh_db_serve_set(ro, "127.0.0.1:1", 42, NULL), DH_EDB);
	/* Nested read transactions end with the outermost. */
	assert_int_equal(dh_db_read_begin(ro, NULL), 0);
	assert_int_equal(dh_db_read_begin(ro, NULL), 0);
	dh_db_read_end(ro);
	dh_db_read_end(ro);
	dh_db_read_end(ro); /* unmatched: nothing to end */
	dh_db_close(ro);
}

static void
test_readonly_creates_and_migrates(void **state)
{
	struct fx *f = *state;
	struct dh_db *ro = NULL;
	char *fresh = dh_xasprintf("%s/fresh.db", f->dir);
	long pid = 0;
	sqlite3 *h;

	assert_int_equal(dh_db_open_readonly(&ro, fresh, NULL), 0); /* created */
	assert_int_equal(dh_db_serve_get(ro, "x", &pid, NULL), DH_ENOENT);
	dh_db_close(ro);
	ro = NULL;
	dh_db_close(f->db);
	f->db = NULL;
	assert_int_equal(sqlite3_open(f->path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h,
				 FX_DB_UNDO_3_TO_7 " DROP TABLE serves; PRAGMA user_version = 1",
				 NULL, NULL, NULL),
		SQLITE_OK);
	assert_int_equal(dh_db_open_readonly(&ro, f->path, NULL), 0); /* migrated */
	assert_int_equal(dh_db_serve_get(ro, "x", &pid, NULL), DH_ENOENT);
	dh_db_close(ro);
	ro = NULL;
	assert_int_equal(sqlite3_exec(h, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	assert_int_equal(dh_db_open_readonly(&ro, f->path, NULL), DH_EDB);
	assert_null(ro);
	free(fresh);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_pragmas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reader_not_blocked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readonly_refuses_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readonly_creates_and_migrates, setup,
			teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
