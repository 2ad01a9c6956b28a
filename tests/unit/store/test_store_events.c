/*
 * Agent events in the store (controller/store/events.c) against a real
 * SQLite file: idempotent on (job, seq) in group-commit batches, a resend
 * with other bytes reported as a conflict, an unknown job failing only
 * its item, a finished event's record completed from its job, and a
 * finished event whose record cannot be read or stored ending its job as
 * error.
 */
#include "store_fx.h"

#include "store/events.h"
#include "store/records.h"
#include "store/sql.h"
#include "store/verify.h"

static void
test_events_idempotent(void **state)
{
	struct fx *f = *state;
	struct dh_db_event_in in[4];
	char *bodies[4];
	int64_t n = 0;

	add_job(f->db, "j1", "procapita");
	in[0].ev = event("j1", 1, "accepted", &bodies[0]);
	in[1].ev = event("j1", 2, "step", &bodies[1]);
	in[2].ev = event("j1", 1, "accepted", &bodies[2]);    /* duplicate in batch */
	in[3].ev = event("ghost", 1, "accepted", &bodies[3]); /* unknown job */
	for (int i = 0; i < 4; i++) {
		in[i].body = bodies[i];
		in[i].len = strlen(bodies[i]);
	}
	assert_int_equal(dh_db_event_batch(f->db, in, 4, NULL), 0);
	assert_int_equal(in[0].result, DH_DB_NEW);
	assert_int_equal(in[1].result, DH_DB_NEW);
	assert_int_equal(in[2].result, DH_DB_DUPLICATE);
	assert_int_equal(in[3].result, DH_ENOENT);
	assert_int_equal(dh_db_event_batch(f->db, in, 2, NULL), 0); /* resend */
	assert_int_equal(in[0].result, DH_DB_DUPLICATE);
	assert_int_equal(in[1].result, DH_DB_DUPLICATE);
	in[0].len--; /* same (job, seq), other bytes: reported, first one kept */
	assert_int_equal(dh_db_event_batch(f->db, in, 1, NULL), 0);
	assert_int_equal(in[0].result, DH_DB_CONFLICT);
	assert_int_equal(dh_db_event_count(f->db, "j1", &n, NULL), 0);
	assert_int_equal(n, 2);
	for (int i = 0; i < 4; i++) {
		dh_event_free(in[i].ev);
		free(bodies[i]);
	}
}

static void
test_accepted_running(void **state)
{
	struct fx *f = *state;
	struct dh_db_event_in in = { 0 };
	struct dh_db_job *j = NULL;
	char *body;

	add_job(f->db, "j1", "procapita");
	in.ev = event("j1", 1, "accepted", &body);
	in.body = body;
	in.len = strlen(body);
	assert_int_equal(dh_db_event_batch(f->db, &in, 1, NULL), 0);
	assert_int_equal(dh_db_job_get(f->db, "j1", &j, NULL), 0);
	assert_string_equal(j->state, "running");
	dh_db_job_free(j);
	dh_event_free(in.ev);
	free(body);
}

static void
test_finished_record(void **state)
{
	struct fx *f = *state;
	struct dh_db_event_in in = { 0 };
	struct dh_record *r = NULL;
	struct dh_db_job *j = NULL;
	char *body;

	add_job(f->db, "j1", "procapita");
	in.ev = event("j1", 3, "finished", &body);
	in.body = body;
	in.len = strlen(body);
	assert_int_equal(dh_db_event_batch(f->db, &in, 1, NULL), 0);
	assert_int_equal(in.result, DH_DB_NEW);
	assert_int_equal(dh_db_record_get(f->db, "j1", &r, NULL), 0);
	/* The job's word, not the agent's: system, targets, revision, trigger. */
	assert_string_equal(r->system, "procapita");
	assert_int_equal(r->rpo_target_s, 3600);
	assert_int_equal(r->rto_target_s, 7200);
	assert_string_equal(r->plan_revision, "rev1");
	assert_string_equal(r->trigger, "manual");
	assert_int_equal(r->verdict, DH_VERDICT_PASSED);
	assert_int_equal(strlen(r->record_hash), 64);
	assert_int_equal(r->nhosts, 1);
	assert_string_equal(r->hosts[0], "backup-b1");
	dh_record_free(r);
	assert_int_equal(dh_db_job_get(f->db, "j1", &j, NULL), 0);
	assert_string_equal(j->state, "finished");
	dh_db_job_free(j);
	dh_event_free(in.ev);
	free(body);
}

/* The job's record is the controller's error record whose check says why. */
static void
assert_error_record(struct dh_db *db, const char *job, const char *why)
{
	struct dh_record *r = NULL;
	struct dh_db_job *j = NULL;

	assert_int_equal(dh_db_record_get(db, job, &r, NULL), 0);
	assert_int_equal(r->verdict, DH_VERDICT_ERROR);
	assert_non_null(strstr(r->error, why));
	assert_int_equal(r->nchecks, 1);
	assert_string_equal(r->checks[0].name, "record");
	assert_string_equal(r->system, "procapita"); /* sealed with the job's word */
	assert_int_equal(strlen(r->record_hash), 64);
	dh_record_free(r);
	assert_int_equal(dh_db_job_get(db, job, &j, NULL), 0);
	assert_string_equal(j->state, "finished");
	dh_db_job_free(j);
}

/*
 * SPEC "Events to the controller": a finished event whose record cannot
 * be stored ends its job as error with the reason: a record refused by
 * the database fails alone (its neighbour in the batch is stored), a
 * record that could not be read is kept as the agent's bytes; either way
 * the audit chain holds.
 */
static void
test_finished_unstorable(void **state)
{
	struct fx *f = *state;
	struct dh_db_event_in in[3] = { 0 };
	struct dh_audit_result res;
	char *bodies[3];
	int64_t n = 0;

	add_job(f->db, "j1", "procapita");
	add_job(f->db, "j2", "procapita");
	add_job(f->db, "j3", "procapita");
	assert_int_equal(dh_sql_exec(f->db,
				 "CREATE TRIGGER refuse BEFORE INSERT ON records"
				 " WHEN NEW.job = 'j1' AND NEW.verdict <> 'error'"
				 " BEGIN SELECT RAISE(ABORT, 'quota exceeded'); END",
				 NULL),
		0);
	in[0].ev = event("j1", 3, "finished", &bodies[0]);
	in[1].ev = event("j2", 3, "finished", &bodies[1]);
	in[2].ev = event("j3", 3, "finished", &bodies[2]);
	dh_record_free(in[2].ev->record); /* what dh_event_parse_finished_envelope gives */
	in[2].ev->record = NULL;
	in[2].unreadable = "\"verdict\" has unknown value 'maybe'";
	for (int i = 0; i < 3; i++) {
		in[i].body = bodies[i];
		in[i].len = strlen(bodies[i]);
	}
	assert_int_equal(dh_db_event_batch(f->db, in, 3, NULL), 0);
	assert_int_equal(in[0].result, DH_DB_UNSTORABLE);
	assert_non_null(strstr(in[0].why, "could not be stored"));
	assert_non_null(strstr(in[0].why, "quota exceeded"));
	assert_error_record(f->db, "j1", "quota exceeded");
	assert_int_equal(in[1].result, DH_DB_NEW);
	assert_int_equal(in[2].result, DH_DB_UNSTORABLE);
	assert_error_record(f->db, "j3", "could not be read: \"verdict\" has unknown value");
	assert_int_equal(dh_db_event_count(f->db, "j3", &n, NULL), 0);
	assert_int_equal(n, 1); /* the agent's bytes, kept */
	/* resent: the first record stands */
	assert_int_equal(dh_db_event_batch(f->db, &in[0], 1, NULL), 0);
	assert_int_equal(in[0].result, DH_DB_UNSTORABLE);
	assert_error_record(f->db, "j1", "quota exceeded");
	assert_int_equal(dh_db_audit_verify(f->db, &res, NULL), 0);
	assert_int_equal(res.bad_seq, 0);
	for (int i = 0; i < 3; i++) {
		dh_event_free(in[i].ev);
		free(bodies[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_events_idempotent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_accepted_running, setup, teardown),
		cmocka_unit_test_setup_teardown(test_finished_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_finished_unstorable, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
