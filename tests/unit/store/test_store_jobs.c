/*
 * Jobs in the store (controller/store/jobs.c) against a real SQLite
 * file: a job with its token, a taken id, an unknown id, and the serve
 * holding a listen address.
 */
#include "store_fx.h"

static void
test_jobs(void **state)
{
	struct fx *f = *state;
	struct dh_db_job *j = NULL;
	struct dh_job dup = { .id = "j1", .system = "s", .host = "h", .token = "t" };

	add_job(f->db, "j1", "procapita");
	assert_int_equal(dh_db_job_insert(f->db, &dup, "manual", NULL), DH_EEXIST);
	assert_int_equal(dh_db_job_get(f->db, "j1", &j, NULL), 0);
	assert_string_equal(j->system, "procapita");
	assert_string_equal(j->state, "dispatched");
	assert_int_equal(strlen(j->token), DH_TOKEN_HEX);
	assert_int_equal(j->rto_target_s, 7200);
	dh_db_job_free(j);
	assert_int_equal(dh_db_job_get(f->db, "nope", &j, NULL), DH_ENOENT);
}

static void
test_serves(void **state)
{
	struct fx *f = *state;
	long pid = 0;

	assert_int_equal(dh_db_serve_get(f->db, "127.0.0.1:1", &pid, NULL), DH_ENOENT);
	assert_int_equal(dh_db_serve_set(f->db, "127.0.0.1:1", 42, NULL), 0);
	assert_int_equal(dh_db_serve_get(f->db, "127.0.0.1:1", &pid, NULL), 0);
	assert_int_equal(pid, 42);
	assert_int_equal(dh_db_serve_set(f->db, "127.0.0.1:1", 43, NULL), 0); /* replaced */
	assert_int_equal(dh_db_serve_get(f->db, "127.0.0.1:1", &pid, NULL), 0);
	assert_int_equal(pid, 43);
	assert_int_equal(dh_db_serve_set(f->db, "127.0.0.1:1", 0, NULL), 0);
	assert_int_equal(dh_db_serve_get(f->db, "127.0.0.1:1", &pid, NULL), DH_ENOENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_jobs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_serves, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
