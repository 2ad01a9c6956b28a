/*
 * Corrective actions in the store (controller/store/actions.c) against
 * a real SQLite file, through the one path records take
 * (dh_db_record_store): a failed or an error record opens an action for
 * its system and kind, due a quarter of the job's interval later; a
 * second failure while it is open opens no other; the next pass closes
 * it naming that record; an operator closes one with a note; closing
 * twice and an unknown action are refused; a failure that arrives after
 * a later pass opens nothing; `audit verify` holds, and finds an action
 * row edited behind the controller's back (its opening or its closing).
 */
#include "store_fx.h"

#include <sqlite3.h>

#include "store/actions.h"
#include "store/records.h"
#include "store/verify.h"

#define DAY 86400
#define T0 1796083200 /* 2026-12-01T00:00:00Z */

/* Store job id of system/kind (interval every_s) and its record: verdict, started at. */
static void
test_record(struct dh_db *db, const char *id, const char *system, enum dh_job_kind kind,
	int64_t every_s, enum dh_verdict v, time_t at)
{
	struct dh_record *r = dh_record_new();

	add_job_as(db, id, system, kind, "b1", every_s);
	r->id = dh_xstrdup(id);
	r->verdict = v;
	r->started_at = at;
	r->finished_at = at + 600;
	r->rpo_actual_s = 60;
	r->rto_actual_s = 600;
	assert_int_equal(dh_db_record_store(db, r, NULL), 0);
	dh_record_free(r);
}

static void
list(struct dh_db *db, const char *system, struct dh_action **v, size_t *n)
{
	assert_int_equal(dh_db_actions_list(db, system, v, n, NULL), 0);
}

static void
verify_ok(struct dh_db *db)
{
	struct dh_audit_result res;

	assert_int_equal(dh_db_audit_verify(db, &res, NULL), 0);
	if (res.bad_seq != 0)
		fail_msg("audit: %lld %s", (long long)res.bad_seq, res.why);
}

static void
test_open_on_failed_and_error(void **state)
{
	struct fx *f = *state;
	struct dh_action *v = NULL;
	size_t n = 0;

	test_record(f->db, "p1", "proc", DH_JOB_RESTORE, 30 * DAY, DH_VERDICT_PASSED, T0);
	test_record(f->db, "x1", "proc", DH_JOB_RESTORE, 30 * DAY, DH_VERDICT_ABORTED, T0 + 1);
	list(f->db, NULL, &v, &n);
	assert_int_equal(n, 0); /* passed and aborted open nothing */
	test_record(f->db, "f1", "proc", DH_JOB_RESTORE, 30 * DAY, DH_VERDICT_FAILED, T0 + DAY);
	test_record(f->db, "e1", "ecos", DH_JOB_RESTORE, 2 * DAY, DH_VERDICT_ERROR, T0);
	test_record(f->db, "d1", "ecos", DH_JOB_FAILOVER, 0, DH_VERDICT_FAILED, T0);
	list(f->db, NULL, &v, &n);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].id, 1);
	assert_string_equal(v[0].system, "proc");
	assert_int_equal(v[0].kind, DH_JOB_RESTORE);
	assert_string_equal(v[0].opened_by, "f1");
	assert_int_equal(v[0].opened_at, T0 + DAY + 600); /* when the failed test finished */
	assert_int_equal(v[0].due_at, T0 + DAY + 600 + 30 * DAY / 4);
	assert_int_equal(v[0].closed_at, 0);
	assert_null(v[0].closed_by);
	assert_string_equal(v[1].opened_by, "e1");
	assert_int_equal(v[1].due_at, T0 + 600 + DAY); /* a quarter of 2 days: at least 1 */
	assert_int_equal(v[2].kind, DH_JOB_FAILOVER);
	assert_int_equal(v[2].due_at, T0 + 600 + 30 * DAY); /* interval not known: 30 days */
	dh_actions_free(v, n);
	list(f->db, "ecos", &v, &n);
	assert_int_equal(n, 2);
	dh_actions_free(v, n);
	verify_ok(f->db);
}

static void
test_second_failure_and_pass(void **state)
{
	struct fx *f = *state;
	struct dh_action *v = NULL;
	size_t n = 0;

	test_record(f->db, "f1", "proc", DH_JOB_RESTORE, 30 * DAY, DH_VERDICT_FAILED, T0);
	test_record(f->db, "f2", "proc", DH_JOB_RESTORE, 30 * DAY, DH_VERDICT_ERROR, T0 + DAY);
	test_record(f->db, "d1", "proc", DH_JOB_FAILOVER, 30 * DAY, DH_VERDICT_PASSED, T0 + DAY);
	list(f->db, NULL, &v, &n);
	assert_int_equal(n, 1); /* no second action, and a drill's pass closes nothing */
	assert_string_equal(v[0].opened_by, "f1");
	assert_int_equal(v[0].closed_at, 0);
	dh_actions_free(v, n);
	test_record(f->db, "p1", "proc", DH_JOB_RESTORE, 30 * DAY, DH_VERDICT_PASSED, T0 + 2 * DAY);
	list(f->db, NULL, &v, &n);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].closed_at, T0 + 2 * DAY + 600);
	assert_string_equal(v[0].closed_by, "p1");
	assert_string_equal(v[0].closed_record, "p1");
	assert_null(v[0].note);
	dh_actions_free(v, n);
	/* a failure after the pass opens a new one */
	test_record(f->db, "f3", "proc", DH_JOB_RESTORE, 30 * DAY, DH_VERDICT_FAILED, T0 + 3 * DAY);
	list(f->db, NULL, &v, &n);
	assert_int_equal(n, 2);
	assert_int_equal(v[1].id, 2);
	assert_string_equal(v[1].opened_by, "f3");
	dh_actions_free(v, n);
	verify_ok(f->db);
}

static void
test_late_failure(void **state)
{
	struct fx *f = *state;
	struct dh_action *v = NULL;
	size_t n = 0;

	/* a pass is stored, then a failure that started before it arrives late */
	test_record(f->db, "p1", "proc", DH_JOB_RESTORE, 30 * DAY, DH_VERDICT_PASSED, T0 + DAY);
	test_record(f->db, "f0", "proc", DH_JOB_RESTORE, 30 * DAY, DH_VERDICT_FAILED, T0);
	list(f->db, NULL, &v, &n);
	assert_int_equal(n, 0);
	/* an open action is not closed by a pass that started before its failure */
	test_record(f->db, "f2", "proc", DH_JOB_RESTORE, 30 * DAY, DH_VERDICT_FAILED, T0 + 3 * DAY);
	test_record(f->db, "p0", "proc", DH_JOB_RESTORE, 30 * DAY, DH_VERDICT_PASSED, T0 + 2 * DAY);
	list(f->db, NULL, &v, &n);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].closed_at, 0);
	dh_actions_free(v, n);
}

static void
test_close_by_operator(void **state)
{
	struct fx *f = *state;
	struct dh_action a = { 0 };
	struct dh_err err;

	test_record(f->db, "f1", "proc", DH_JOB_RESTORE, 30 * DAY, DH_VERDICT_FAILED, T0);
	assert_int_equal(dh_db_action_close(f->db, 1, "cli:anna", "", T0 + DAY, &err), DH_EINVAL);
	assert_int_equal(dh_db_action_close(f->db, 2, "cli:anna", "x", T0 + DAY, &err), DH_ENOENT);
	assert_string_equal(err.msg, "no corrective action 2");
	assert_int_equal(dh_db_action_close(f->db, 1, "cli:anna", "backup job fixed, see ticket 12",
				 T0 + DAY, &err),
		0);
	assert_int_equal(dh_db_action_close(f->db, 1, "cli:bo", "again", T0 + 2 * DAY, &err),
		DH_EEXIST);
	assert_string_equal(err.msg,
		"corrective action 1 was closed already, on 2026-12-02T00:00:00Z by cli:anna");
	assert_int_equal(dh_db_action_get(f->db, 1, &a, NULL), 0);
	assert_int_equal(a.closed_at, T0 + DAY);
	assert_string_equal(a.closed_by, "cli:anna");
	assert_null(a.closed_record);
	assert_string_equal(a.note, "backup job fixed, see ticket 12");
	dh_action_fini(&a);
	/* the next pass finds nothing open to close */
	test_record(f->db, "p1", "proc", DH_JOB_RESTORE, 30 * DAY, DH_VERDICT_PASSED, T0 + 2 * DAY);
	assert_int_equal(dh_db_action_get(f->db, 1, &a, NULL), 0);
	assert_string_equal(a.closed_by, "cli:anna");
	dh_action_fini(&a);
	verify_ok(f->db);
}

/* Run sql through a second connection, as someone editing the file would. */
static void
tamper(struct fx *f, const char *sql)
{
	sqlite3 *h;

	assert_int_equal(sqlite3_open(f->path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}

static void
verify_bad(struct fx *f, const char *why)
{
	struct dh_audit_result res;

	assert_int_equal(dh_db_audit_verify(f->db, &res, NULL), 0);
	assert_int_not_equal(res.bad_seq, 0);
	if (strstr(res.why, why) == NULL)
		fail_msg("why '%s' lacks '%s'", res.why, why);
}

static void
test_audit_edited(void **state)
{
	struct fx *f = *state;

	test_record(f->db, "f1", "proc", DH_JOB_RESTORE, 30 * DAY, DH_VERDICT_FAILED, T0);
	assert_int_equal(dh_db_action_close(f->db, 1, "cli:anna", "fixed", T0 + DAY, NULL), 0);
	verify_ok(f->db);
	tamper(f, "UPDATE actions SET due_at = due_at + 86400 * 365");
	verify_bad(f, "the action_opened 1 was changed after it was audited");
	tamper(f, "UPDATE actions SET due_at = due_at - 86400 * 365");
	verify_ok(f->db);
	tamper(f, "UPDATE actions SET note = 'nothing to see'");
	verify_bad(f, "the action_closed 1 was changed after it was audited");
	tamper(f, "UPDATE actions SET note = 'fixed'");
	verify_ok(f->db);
	tamper(f,
		"INSERT INTO actions (system, kind, opened_at, opened_by, due_at, closed_at)"
		" VALUES ('proc', 'restore', 1, 'f1', 2, 3)");
	verify_bad(f, "action_opened 2 is not in the audit log");
	tamper(f, "DELETE FROM actions");
	verify_bad(f, "the audited action_opened 1 no longer exists");
}

static void
test_migration_opens_nothing(void **state)
{
	struct fx *f = *state;
	struct dh_action *v = NULL;
	size_t n = 0;

	test_record(f->db, "f1", "proc", DH_JOB_RESTORE, 30 * DAY, DH_VERDICT_FAILED, T0);
	dh_db_close(f->db);
	/* the database as schema 2 left it: a failed record, no actions (nor drills) */
	tamper(f,
		FX_DB_UNDO_3_TO_7 " DELETE FROM audit WHERE kind = 'action_opened';"
				  " PRAGMA user_version = 2");
	assert_int_equal(dh_db_open(&f->db, f->path, NULL), 0);
	list(f->db, NULL, &v, &n);
	assert_int_equal(n, 0); /* SPEC opens actions as tests are stored, not on upgrade */
	verify_ok(f->db);
	test_record(f->db, "f2", "proc", DH_JOB_RESTORE, 30 * DAY, DH_VERDICT_FAILED, T0 + DAY);
	list(f->db, NULL, &v, &n);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].opened_by, "f2");
	dh_actions_free(v, n);
	verify_ok(f->db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_on_failed_and_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_failure_and_pass, setup, teardown),
		cmocka_unit_test_setup_teardown(test_late_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_by_operator, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_edited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migration_opens_nothing, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
