/*
 * Test records in the store (controller/store/records.c) against a
 * real SQLite file: records the controller makes itself (stored once per
 * job), sealing with the job's word (a "passed" restore its own figures
 * contradict is stored "failed"), history order and filters.
 */
#include "store_fx.h"

#include "store/records.h"

static void
test_record_store_and_history(void **state)
{
	struct fx *f = *state;
	struct dh_record **recs = NULL;
	size_t n = 0;
	const char *ids[] = { "a1", "a2", "b1" };
	const char *sys[] = { "alpha", "alpha", "beta" };

	for (int i = 0; i < 3; i++) {
		struct dh_record *r = dh_record_new();

		add_job(f->db, ids[i], sys[i]);
		r->id = dh_xstrdup(ids[i]);
		r->verdict = DH_VERDICT_ERROR;
		r->started_at = 1000 + i;
		r->finished_at = 1000 + i;
		r->error = dh_xstrdup("host key changed");
		assert_int_equal(dh_db_record_store(f->db, r, NULL), 0);
		assert_int_equal(dh_db_record_store(f->db, r, NULL), DH_EEXIST);
		dh_record_free(r);
	}
	assert_int_equal(dh_db_history(f->db, NULL, NULL, 0, 0, &recs, &n, NULL), 0);
	assert_int_equal(n, 3);
	assert_string_equal(recs[0]->id, "b1"); /* newest first */
	assert_string_equal(recs[2]->id, "a1");
	dh_db_records_free(recs, n);
	assert_int_equal(dh_db_history(f->db, "alpha", "restore", 1001, 0, &recs, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_string_equal(recs[0]->id, "a2");
	assert_string_equal(recs[0]->error, "host key changed");
	dh_db_records_free(recs, n);
	assert_int_equal(dh_db_history(f->db, "alpha", "failover", 0, 0, &recs, &n, NULL), 0);
	assert_int_equal(n, 0);
	dh_db_records_free(recs, n);
	assert_int_equal(dh_db_history(f->db, NULL, NULL, 0, 1, &recs, &n, NULL), 0);
	assert_int_equal(n, 1);
	dh_db_records_free(recs, n);
}

static void
test_record_sealed(void **state)
{
	struct fx *f = *state;
	struct dh_record *r = dh_record_new(), *got = NULL;
	struct dh_db_job *j = NULL;

	add_job(f->db, "j1", "procapita");
	r->id = dh_xstrdup("j1");
	r->system = dh_xstrdup("evil");
	r->verdict = DH_VERDICT_PASSED;
	r->started_at = 1000;
	r->rpo_actual_s = 7200; /* over the job's 3600 */
	r->rto_actual_s = 60;
	assert_int_equal(dh_db_record_store(f->db, r, NULL), 0);
	assert_int_equal(r->verdict, DH_VERDICT_FAILED);
	assert_int_equal(dh_db_record_get(f->db, "j1", &got, NULL), 0);
	assert_string_equal(got->system, "procapita");
	assert_int_equal(got->verdict, DH_VERDICT_FAILED);
	assert_string_equal(got->record_hash, r->record_hash);
	assert_int_equal(strlen(got->record_hash), 64);
	dh_record_free(got);
	dh_record_free(r);
	assert_int_equal(dh_db_job_get(f->db, "j1", &j, NULL), 0);
	assert_string_equal(j->state, "finished");
	dh_db_job_free(j);
	assert_int_equal(dh_db_record_get(f->db, "nope", &got, NULL), DH_ENOENT);
	r = dh_record_new();
	r->id = dh_xstrdup("nope");
	assert_int_equal(dh_db_record_store(f->db, r, NULL), DH_ENOENT);
	dh_record_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_record_store_and_history, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_sealed, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
