/*
 * Failover drills in progress in the store (controller/store/drills.c)
 * against a real SQLite file: a drill holds its primary and standby (a
 * second drill on either host is refused naming the host and the drill,
 * one on other hosts is not), the phase and record saved before each
 * phase read back as unfinished, and a finished drill frees its hosts.
 */
#include "store_fx.h"

#include "store/drills.h"

static void
test_hold_and_release(void **state)
{
	struct fx *f = *state;
	struct dh_err err;

	add_job(f->db, "d1", "sql");
	add_job(f->db, "d2", "sql");
	add_job(f->db, "d3", "mail");
	assert_int_equal(dh_db_drill_begin(f->db, "d1", "sql", "app-a", "app-b", &err), 0);
	assert_int_equal(dh_db_drill_begin(f->db, "d2", "sql", "app-c", "app-b", &err), DH_ELOCKED);
	assert_string_equal(err.msg, "host app-b is held by drill d1, which has not finished");
	assert_int_equal(dh_db_drill_begin(f->db, "d3", "mail", "mx-a", "mx-b", &err), 0);
	assert_int_equal(dh_db_drill_finish(f->db, "d1", &err), 0);
	assert_int_equal(dh_db_drill_begin(f->db, "d2", "sql", "app-b", "app-a", &err), 0);
}

static void
test_saved_state(void **state)
{
	struct fx *f = *state;
	struct dh_db_drill *d = NULL;
	size_t n = 0;

	add_job(f->db, "d1", "sql");
	add_job(f->db, "d2", "mail");
	assert_int_equal(dh_db_drill_begin(f->db, "d1", "sql", "app-a", "app-b", NULL), 0);
	assert_int_equal(dh_db_drill_begin(f->db, "d2", "mail", "mx-a", "mx-b", NULL), 0);
	assert_int_equal(dh_db_drill_save(f->db, "d1", "health", 2, "{\"id\":\"d1\"}", NULL), 0);
	assert_int_equal(dh_db_drill_finish(f->db, "d2", NULL), 0);
	assert_int_equal(dh_db_drill_unfinished(f->db, &d, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_string_equal(d[0].job, "d1");
	assert_string_equal(d[0].system, "sql");
	assert_string_equal(d[0].primary, "app-a");
	assert_string_equal(d[0].standby, "app-b");
	assert_string_equal(d[0].phase, "health");
	assert_int_equal(d[0].steps_run, 2);
	assert_string_equal(d[0].record, "{\"id\":\"d1\"}");
	dh_db_drills_free(d, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hold_and_release, setup, teardown),
		cmocka_unit_test_setup_teardown(test_saved_state, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
