/*
 * The notification outbox and the counters of /metrics
 * (controller/store/outbox.c, store/metrics.c) against a real SQLite
 * file, through the one path records take (dh_db_record_store): a failed
 * record writes one "failed" row and opens an action ("action_opened"),
 * a pass closes it ("action_closed"), a drill whose production check
 * failed writes "standby_left"; planning makes one delivery per target
 * only for the events asked for, once (targets added later get nothing
 * old); settling a retry keeps it pending until its time, settling done
 * ends it; a dedup key stores an event once; the counters read what was
 * stored.
 */
#include "store_fx.h"

#include "store/metrics.h"
#include "store/outbox.h"
#include "store/records.h"

#define DAY 86400
#define T0 1796083200 /* 2026-12-01T00:00:00Z */

static void
test_record(struct dh_db *db, const char *id, enum dh_job_kind kind, enum dh_verdict v, time_t at,
	const char *check)
{
	struct dh_job j = { .version = 1,
		.kind = kind,
		.host = "b1",
		.plan_revision = "rev1",
		.rpo_target_s = 3600,
		.rto_target_s = 7200,
		.timeout_s = 14400,
		.every_s = 30 * DAY };
	struct dh_record *r = dh_record_new();
	char tok[DH_TOKEN_HEX + 1];

	memset(tok, 'a', DH_TOKEN_HEX);
	tok[DH_TOKEN_HEX] = '\0';
	j.id = (char *)id;
	j.system = "proc";
	j.token = tok;
	assert_int_equal(dh_db_job_insert(db, &j, "manual", NULL), 0);
	r->id = dh_xstrdup(id);
	r->verdict = v;
	r->started_at = at;
	r->finished_at = at + 600;
	r->rpo_actual_s = 60;
	r->rto_actual_s = 600;
	if (check != NULL)
		dh_record_add_check(r, check, DH_VERDICT_FAILED, "min_files 5: found 3");
	assert_int_equal(dh_db_record_store(db, r, NULL), 0);
	dh_record_free(r);
}

static void
due(struct dh_db *db, time_t now, struct dh_outbox_item **v, size_t *n)
{
	assert_int_equal(dh_db_outbox_due(db, now, 100, v, n, NULL), 0);
}

static void
test_events_planned_delivered(void **state)
{
	struct fx *f = *state;
	const char *events[] = { "failed", "action_closed" },
		   *targets[] = { "webhook:a", "email:x" };
	struct dh_outbox_item *v = NULL;
	size_t n = 0, planned = 0;
	int64_t pending = -1;

	test_record(f->db, "f1", DH_JOB_RESTORE, DH_VERDICT_FAILED, T0, "verify");
	test_record(f->db, "p1", DH_JOB_RESTORE, DH_VERDICT_PASSED, T0 + DAY, NULL);
	assert_int_equal(dh_db_outbox_plan(f->db, events, 2, targets, 2, T0, &planned, NULL), 0);
	assert_int_equal(planned, 3); /* failed, action_opened, action_closed */
	due(f->db, T0, &v, &n);
	assert_int_equal(n, 4); /* failed and action_closed, two targets each */
	assert_string_equal(v[0].event, "failed");
	assert_string_equal(v[0].system, "proc");
	assert_string_equal(v[0].kind, "restore");
	assert_string_equal(v[0].verdict, "failed");
	assert_string_equal(v[0].record, "f1");
	assert_string_equal(v[0].summary,
		"restore test of proc failed: verify failed (min_files 5: found 3)");
	assert_string_equal(v[2].event, "action_closed");
	assert_string_equal(v[2].record, "p1");
	assert_int_equal(dh_db_outbox_settle(f->db, v[0].id, v[0].target, false, T0, T0 + 10,
				 "refused", NULL),
		0);
	assert_int_equal(dh_db_outbox_settle(f->db, v[1].id, v[1].target, true, T0, T0, "ok", NULL),
		0);
	dh_outbox_items_free(v, n);
	due(f->db, T0 + 5, &v, &n);
	assert_int_equal(n, 2); /* the retry waits until T0 + 10 */
	dh_outbox_items_free(v, n);
	due(f->db, T0 + 10, &v, &n);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].attempts, 1);
	dh_outbox_items_free(v, n);
	assert_int_equal(dh_db_outbox_pending(f->db, &pending, NULL), 0);
	assert_int_equal(pending, 3);
	/* planned once: a target configured later gets no old event */
	targets[0] = "webhook:b";
	assert_int_equal(dh_db_outbox_plan(f->db, events, 2, targets, 2, T0, &planned, NULL), 0);
	assert_int_equal(planned, 0);
	assert_int_equal(dh_db_outbox_pending(f->db, &pending, NULL), 0);
	assert_int_equal(pending, 3);
}

static void
test_standby_left_and_dedup(void **state)
{
	struct fx *f = *state;
	const char *events[] = { "standby_left", "overdue" }, *targets[] = { "webhook:a" };
	struct dh_outbox_event ev = { .event = "overdue",
		.system = "proc",
		.kind = "restore",
		.at = T0,
		.summary = "restore test of proc overdue",
		.dedup = "overdue:proc:restore:1796083200" };
	struct dh_outbox_item *v = NULL;
	size_t n = 0;
	bool added = false;

	test_record(f->db, "d1", DH_JOB_FAILOVER, DH_VERDICT_ABORTED, T0, "production");
	assert_int_equal(dh_db_outbox_put(f->db, &ev, &added, NULL), 0);
	assert_true(added);
	assert_int_equal(dh_db_outbox_put(f->db, &ev, &added, NULL), 0);
	assert_false(added);
	assert_int_equal(dh_db_outbox_plan(f->db, events, 2, targets, 1, T0, NULL, NULL), 0);
	due(f->db, T0, &v, &n);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].event, "standby_left");
	assert_string_equal(v[0].kind, "failover");
	assert_string_equal(v[1].event, "overdue");
	dh_outbox_items_free(v, n);
}

static void
test_counts(void **state)
{
	struct fx *f = *state;
	int64_t totals[2][4], events = -1;

	test_record(f->db, "a", DH_JOB_RESTORE, DH_VERDICT_PASSED, T0, NULL);
	test_record(f->db, "b", DH_JOB_RESTORE, DH_VERDICT_FAILED, T0 + DAY, "verify");
	test_record(f->db, "c", DH_JOB_RESTORE, DH_VERDICT_ERROR, T0 + 2 * DAY, "record");
	test_record(f->db, "d", DH_JOB_RESTORE, DH_VERDICT_PASSED, T0 + 9 * DAY, NULL);
	assert_int_equal(dh_db_tests_total(f->db, totals, NULL), 0);
	assert_int_equal(totals[DH_JOB_RESTORE][DH_VERDICT_PASSED], 2);
	assert_int_equal(totals[DH_JOB_RESTORE][DH_VERDICT_FAILED], 1);
	assert_int_equal(totals[DH_JOB_RESTORE][DH_VERDICT_ERROR], 1);
	assert_int_equal(totals[DH_JOB_FAILOVER][DH_VERDICT_PASSED], 0);
	assert_int_equal(dh_db_events_total(f->db, &events, NULL), 0);
	assert_int_equal(events, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_events_planned_delivered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_standby_left_and_dedup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counts, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
