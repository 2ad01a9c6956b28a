/*
 * The report's readers in the store against a real SQLite file:
 * dh_db_records_latest (store/records.c) hands each system the newest
 * record, the newest passed or failed one and the newest passed one as
 * of a time, ties of one second by job descending as `history` orders
 * them, and nothing started or finished after the time;
 * dh_db_audit_head (store/audit.c) names the chain's last record and its
 * hash as of a time.
 */
#include "store_fx.h"

#include "store/audit.h"
#include "store/records.h"

/* What dh_db_records_latest handed over: "system:job" in order. */
struct got {
	char seen[16][48];
	size_t n;
};

static int
take(void *user, size_t i, struct dh_record *rec)
{
	static const char *const names[] = { "alpha", "beta" };
	struct got *g = user;

	if (g->n < 16)
		snprintf(g->seen[g->n++], sizeof(g->seen[0]), "%s:%s", names[i], rec->id);
	dh_record_free(rec);
	return 0;
}

static void
store(struct dh_db *db, const char *id, const char *system, enum dh_verdict v, time_t start)
{
	struct dh_record *r = dh_record_new();

	add_job(db, id, system);
	r->id = dh_xstrdup(id);
	r->verdict = v;
	r->started_at = start;
	r->finished_at = start + 100;
	r->rpo_actual_s = 60; /* within add_job's targets: a pass stays a pass */
	r->rto_actual_s = 60;
	if (v != DH_VERDICT_PASSED)
		r->error = dh_xstrdup("no");
	assert_int_equal(dh_db_record_store(db, r, NULL), 0);
	dh_record_free(r);
}

static void
test_latest_as_of(void **state)
{
	struct fx *f = *state;
	const char *const systems[] = { "alpha", "beta" };
	struct got g = { 0 };

	store(f->db, "a1", "alpha", DH_VERDICT_PASSED, 1000);
	store(f->db, "a2", "alpha", DH_VERDICT_FAILED, 2000);
	store(f->db, "a3", "alpha", DH_VERDICT_ERROR, 3000);
	store(f->db, "a4", "alpha", DH_VERDICT_PASSED, 4000); /* after the time asked */
	store(f->db, "b1", "beta", DH_VERDICT_PASSED, 1000);
	store(f->db, "b2", "beta", DH_VERDICT_PASSED, 1000); /* a tie: b2 first */
	assert_int_equal(dh_db_records_latest(f->db, systems, 2, "restore", 3500, take, &g, NULL),
		0);
	assert_int_equal(g.n, 9);
	assert_string_equal(g.seen[0], "alpha:a3"); /* newest, any verdict */
	assert_string_equal(g.seen[1], "alpha:a2"); /* newest passed or failed */
	assert_string_equal(g.seen[2], "alpha:a1"); /* newest passed */
	for (size_t i = 3; i < 9; i += 2) {
		assert_string_equal(g.seen[i], "beta:b2");
		assert_string_equal(g.seen[i + 1], "beta:b1");
	}
	/* a record still running at the time (finished after it) is not seen */
	g.n = 0;
	assert_int_equal(dh_db_records_latest(f->db, systems, 1, "restore", 3050, take, &g, NULL),
		0);
	assert_string_equal(g.seen[0], "alpha:a2");
	g.n = 0;
	assert_int_equal(dh_db_records_latest(f->db, systems, 2, "failover", 9999, take, &g, NULL),
		0);
	assert_int_equal(g.n, 0);
}

static void
test_audit_head(void **state)
{
	struct fx *f = *state;
	char head[65];
	int64_t seq = -1;

	assert_int_equal(dh_db_audit_head(f->db, 9999999999, &seq, head, NULL), 0);
	assert_int_equal(seq, 0);
	assert_string_equal(head, DH_AUDIT_GENESIS);
	add_job(f->db, "j1", "alpha"); /* audited now */
	assert_int_equal(dh_db_audit_head(f->db, 1000, &seq, head, NULL), 0);
	assert_int_equal(seq, 0);
	assert_int_equal(dh_db_audit_head(f->db, 9999999999, &seq, head, NULL), 0);
	assert_int_equal(seq, 1);
	assert_int_equal(strlen(head), 64);
	assert_string_not_equal(head, DH_AUDIT_GENESIS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_latest_as_of, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_head, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
