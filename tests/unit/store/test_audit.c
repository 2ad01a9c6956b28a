/*
 * The hash-chained audit log (controller/store/audit.c, verify.c): an
 * untouched database verifies; an edit made behind the controller's back through a second
 * SQLite connection (an audit row, an audited event, a record, a deleted
 * audit row, an unaudited row) is found and the first bad record named.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "store/db.h"
#include "store/events.h"
#include "store/jobs.h"
#include "store/records.h"
#include "store/revisions.h"
#include "store/verify.h"
#include "dh/buf.h"
#include "dh/proto.h"
#include "store_fx.h"

static void
fill(struct dh_db *db)
{
	char tok[DH_TOKEN_HEX + 1];

	memset(tok, 'b', DH_TOKEN_HEX);
	tok[DH_TOKEN_HEX] = '\0';
	assert_int_equal(dh_db_plan_revision(db, "rev1", "plan", NULL), 0);
	assert_int_equal(dh_db_plan_revision(db, "rev1", "plan", NULL), 0); /* once */
	for (int i = 1; i <= 2; i++) {
		char id[8];
		struct dh_job j = { .version = 1,
			.kind = DH_JOB_RESTORE,
			.system = "sys",
			.host = "h1",
			.token = tok,
			.plan_revision = "rev1",
			.rpo_target_s = 60,
			.rto_target_s = 60,
			.timeout_s = 120 };
		struct dh_db_event_in in[2] = { 0 };
		struct dh_record *r = dh_record_new();

		snprintf(id, sizeof(id), "job%d", i);
		j.id = id;
		assert_int_equal(dh_db_job_insert(db, &j, "manual", NULL), 0);
		for (int s = 0; s < 2; s++) {
			char *body = dh_xasprintf("{\"job\":\"%s\",\"seq\":%d,\"type\":\"step\","
						  "\"at\":\"2026-11-27T10:00:00Z\"}",
				id, s + 1);

			assert_int_equal(dh_event_parse(body, strlen(body), &in[s].ev, NULL), 0);
			in[s].body = body;
			in[s].len = strlen(body);
		}
		assert_int_equal(dh_db_event_batch(db, in, 2, NULL), 0);
		for (int s = 0; s < 2; s++) {
			dh_event_free(in[s].ev);
			free((char *)in[s].body);
		}
		r->id = dh_xstrdup(id);
		r->verdict = DH_VERDICT_FAILED;
		r->started_at = 1000;
		assert_int_equal(dh_db_record_store(db, r, NULL), 0);
		dh_record_free(r);
	}
}

/* store_fx.h's database, filled. */
static int
setup_filled(void **state)
{
	setup(state);
	fill(((struct fx *)*state)->db);
	return 0;
}

/* Tamper as an intruder would: a separate connection, plain SQL. */
static void
tamper(struct fx *f, const char *sql)
{
	sqlite3 *h;

	assert_int_equal(sqlite3_open(f->path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_changes(h), 1);
	sqlite3_close(h);
}

static void
verify_bad(struct fx *f, int64_t seq, const char *why)
{
	struct dh_audit_result res;

	assert_int_equal(dh_db_audit_verify(f->db, &res, NULL), 0);
	assert_int_equal(res.bad_seq, seq);
	if (strstr(res.why, why) == NULL)
		fail_msg("why '%s' lacks '%s'", res.why, why);
}

static void
test_untouched(void **state)
{
	struct fx *f = *state;
	struct dh_audit_result res;

	/* plan + 2 x (job, 2 events, verdict) + the action job1 opened */
	assert_int_equal(dh_db_audit_verify(f->db, &res, NULL), 0);
	assert_int_equal(res.bad_seq, 0);
	assert_int_equal(res.records, 10);
}

static void
test_audit_row_edited(void **state)
{
	struct fx *f = *state;

	tamper(f,
		"UPDATE audit SET body = replace(body, '\"job1\"', '\"jobX\"')"
		" WHERE seq = 3");
	verify_bad(f, 3, "hash does not match");
}

static void
test_audit_row_rehashed(void **state)
{
	struct fx *f = *state;

	/* A forger who recomputes this hash still breaks the next link. */
	tamper(f,
		"UPDATE audit SET hash = '"
		"1111111111111111111111111111111111111111"
		"111111111111111111111111' WHERE seq = 4");
	verify_bad(f, 4, "hash does not match");
}

static void
test_event_edited(void **state)
{
	struct fx *f = *state;

	tamper(f, "UPDATE events SET body = '{}' WHERE job = 'job2' AND seq = 2");
	verify_bad(f, 9, "event job2 seq 2 was changed");
}

static void
test_record_edited(void **state)
{
	struct fx *f = *state;

	tamper(f, "UPDATE records SET verdict = 'passed' WHERE job = 'job1'");
	verify_bad(f, 5, "verdict job1 was changed");
}

static void
test_audit_row_deleted(void **state)
{
	struct fx *f = *state;

	tamper(f, "DELETE FROM audit WHERE seq = 6");
	verify_bad(f, 7, "records are missing");
}

static void
test_unaudited_row(void **state)
{
	struct fx *f = *state;

	tamper(f,
		"INSERT INTO events (job, seq, type, at, received_at, body)"
		" VALUES ('job1', 9, 'step', 1, 1, '{}')");
	verify_bad(f, -1, "event job1 seq 9 is not in the audit log");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_untouched, setup_filled, teardown),
		cmocka_unit_test_setup_teardown(test_audit_row_edited, setup_filled, teardown),
		cmocka_unit_test_setup_teardown(test_audit_row_rehashed, setup_filled, teardown),
		cmocka_unit_test_setup_teardown(test_event_edited, setup_filled, teardown),
		cmocka_unit_test_setup_teardown(test_record_edited, setup_filled, teardown),
		cmocka_unit_test_setup_teardown(test_audit_row_deleted, setup_filled, teardown),
		cmocka_unit_test_setup_teardown(test_unaudited_row, setup_filled, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
