/*
 * The compliance rules (eval/compliance.c), one test per rule and edge:
 * never tested = due now; due exactly now is not overdue, a second later
 * is; a failure after a pass; error records are no evidence; records
 * after --now are not seen; due dates count from the start; an interval
 * of never; the T-level against failover_required_from (unclassified,
 * unknown, absent); plan errors; a plan change; the reasons' words and
 * order. All with a fixed now: 2026-11-30T00:00:00Z.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "dh/duration.h"
#include "eval/compliance.h"

#define NOW ((time_t)1795996800) /* 2026-11-30T00:00:00Z */
#define DAY 86400
#define HOUR 3600

/* A T-level 2 system with [restore], no [failover]; drills from T3. */
static struct dh_compliance_req
t2(void)
{
	return (struct dh_compliance_req){ .level = 2,
		.failover_required_from = 3,
		.has_restore = true,
		.every_s = { 90 * DAY, 365 * DAY } };
}

static struct dh_record
rec(enum dh_job_kind kind, enum dh_verdict v, time_t started)
{
	return (struct dh_record){ .kind = kind,
		.verdict = v,
		.started_at = started,
		.finished_at = started + HOUR,
		.rpo_actual_s = -1,
		.rto_actual_s = -1 };
}

/* Evaluate req with records r[0..n) (any kind) as of now. */
static struct dh_compliance
eval(const struct dh_compliance_req *req, const struct dh_record *r, size_t n, time_t now)
{
	struct dh_compliance_tests t[DH_COMPLIANCE_KINDS];
	struct dh_compliance c;

	for (int k = 0; k < DH_COMPLIANCE_KINDS; k++)
		dh_compliance_tests_init(&t[k]);
	for (size_t i = 0; i < n; i++)
		dh_compliance_tests_add(&t[r[i].kind], &r[i], now);
	dh_compliance_eval(&c, req, t, now);
	return c;
}

static void
test_never_tested_is_due_now(void **state)
{
	struct dh_compliance_req req = t2();
	struct dh_compliance c = eval(&req, NULL, 0, NOW);

	assert_false(c.compliant);
	assert_int_equal(c.nreasons, 1);
	assert_string_equal(c.reasons[0].text, "no restore test ever");
	assert_int_equal(c.reasons[0].kind, DH_JOB_RESTORE);
	assert_true(c.kind[DH_JOB_RESTORE].required);
	assert_true(c.kind[DH_JOB_RESTORE].has_due);
	assert_int_equal(c.kind[DH_JOB_RESTORE].due_at, NOW);
	assert_true(c.kind[DH_JOB_RESTORE].due);
	assert_false(c.kind[DH_JOB_RESTORE].overdue);
	assert_false(c.kind[DH_JOB_RESTORE].ok);
	/* no [failover] below failover_required_from: no drill asked for */
	assert_false(c.kind[DH_JOB_FAILOVER].required);
	assert_false(c.kind[DH_JOB_FAILOVER].has_due);
	assert_true(c.kind[DH_JOB_FAILOVER].ok);
	req.has_restore = false;
	c = eval(&req, NULL, 0, NOW);
	assert_string_equal(c.reasons[0].text, "no restore test ever: the system has no [restore]");
}

/* The bug this module fixed: status asked a drill of systems without [failover]. */
static void
test_t2_passed_without_failover_is_compliant(void **state)
{
	struct dh_compliance_req req = t2();
	struct dh_record r[] = { rec(DH_JOB_RESTORE, DH_VERDICT_PASSED, NOW - 10 * DAY) };
	struct dh_compliance c = eval(&req, r, 1, NOW);

	assert_true(c.compliant);
	assert_int_equal(c.nreasons, 0);
	assert_int_equal(c.kind[DH_JOB_RESTORE].due_at, NOW + 80 * DAY);
	assert_false(c.kind[DH_JOB_RESTORE].due);
	assert_true(c.kind[DH_JOB_RESTORE].ok);
	assert_false(c.kind[DH_JOB_FAILOVER].required);
}

static void
test_t3_without_failover(void **state)
{
	struct dh_compliance_req req = t2();
	struct dh_record r[] = { rec(DH_JOB_RESTORE, DH_VERDICT_PASSED, NOW - 10 * DAY) };
	struct dh_compliance c;

	req.level = 3;
	c = eval(&req, r, 1, NOW);
	assert_false(c.compliant);
	assert_int_equal(c.nreasons, 1);
	assert_string_equal(c.reasons[0].text, "no [failover], which T-level 3 requires");
	assert_int_equal(c.reasons[0].kind, DH_JOB_FAILOVER);
	assert_false(c.kind[DH_JOB_FAILOVER].ok);
	assert_false(c.kind[DH_JOB_FAILOVER].required);
	assert_true(c.kind[DH_JOB_RESTORE].ok);
	req.level = 4;
	assert_false(eval(&req, r, 1, NOW).compliant);
}

/* The level is compared only when both it and the policy's threshold are known. */
static void
test_failover_required_unknowns(void **state)
{
	struct dh_compliance_req req = t2();
	struct dh_record r[] = { rec(DH_JOB_RESTORE, DH_VERDICT_PASSED, NOW - DAY) };

	req.level = 4;
	req.failover_required_from = -1;
	assert_true(eval(&req, r, 1, NOW).compliant);
	req.level = -1;
	req.failover_required_from = 0;
	assert_true(eval(&req, r, 1, NOW).compliant);
	req.level = 0;
	assert_false(eval(&req, r, 1, NOW).compliant);
}

static void
test_failover_drill_rules(void **state)
{
	struct dh_compliance_req req = t2();
	struct dh_record r[] = {
		rec(DH_JOB_RESTORE, DH_VERDICT_PASSED, NOW - DAY),
		rec(DH_JOB_FAILOVER, DH_VERDICT_PASSED, NOW - 400 * DAY),
	};
	struct dh_compliance c;

	req.level = 3;
	req.has_failover = true;
	c = eval(&req, r, 1, NOW);
	assert_false(c.compliant);
	assert_int_equal(c.nreasons, 1);
	assert_string_equal(c.reasons[0].text, "no failover drill ever");
	assert_true(c.kind[DH_JOB_FAILOVER].required);
	assert_int_equal(c.kind[DH_JOB_FAILOVER].due_at, NOW);
	/* passed 400 days ago, every 365 days: overdue since 35 days ago */
	c = eval(&req, r, 2, NOW);
	assert_int_equal(c.nreasons, 1);
	assert_string_equal(c.reasons[0].text, "failover drill overdue since 2026-10-26");
	assert_true(c.kind[DH_JOB_FAILOVER].overdue);
	assert_true(c.kind[DH_JOB_RESTORE].ok);
	r[1].started_at = NOW - 100 * DAY;
	assert_true(eval(&req, r, 2, NOW).compliant);
}

static void
test_due_exactly_now(void **state)
{
	struct dh_compliance_req req = t2();
	struct dh_record r[] = { rec(DH_JOB_RESTORE, DH_VERDICT_PASSED, NOW - 90 * DAY) };
	struct dh_compliance c = eval(&req, r, 1, NOW);

	assert_true(c.compliant);
	assert_true(c.kind[DH_JOB_RESTORE].due);
	assert_false(c.kind[DH_JOB_RESTORE].overdue);
	c = eval(&req, r, 1, NOW + 1);
	assert_false(c.compliant);
	assert_true(c.kind[DH_JOB_RESTORE].overdue);
	assert_string_equal(c.reasons[0].text, "restore test overdue since 2026-11-30");
}

/* Due counts from the passed test's start, not its finish. */
static void
test_due_from_start(void **state)
{
	struct dh_compliance_req req = t2();
	struct dh_record r[] = { rec(DH_JOB_RESTORE, DH_VERDICT_PASSED, NOW - 120 * DAY) };
	struct dh_compliance c;

	r[0].finished_at = NOW - 50 * DAY; /* a long test */
	c = eval(&req, r, 1, NOW);
	assert_int_equal(c.kind[DH_JOB_RESTORE].due_at, NOW - 30 * DAY);
	assert_string_equal(c.reasons[0].text, "restore test overdue since 2026-10-31");
	assert_int_equal(dh_compliance_started(&r[0]), NOW - 120 * DAY);
	r[0].started_at = 0;
	assert_int_equal(dh_compliance_started(&r[0]), NOW - 50 * DAY);
}

static void
test_failed_after_passed(void **state)
{
	struct dh_compliance_req req = t2();
	struct dh_record r[] = {
		rec(DH_JOB_RESTORE, DH_VERDICT_FAILED, NOW - 2 * DAY),
		rec(DH_JOB_RESTORE, DH_VERDICT_PASSED, NOW - 30 * DAY),
	};
	struct dh_compliance c = eval(&req, r, 2, NOW);

	assert_false(c.compliant);
	assert_int_equal(c.nreasons, 1);
	assert_string_equal(c.reasons[0].text, "last restore test failed on 2026-11-28");
	/* the failure moves no due date: it still counts from the pass */
	assert_int_equal(c.kind[DH_JOB_RESTORE].due_at, NOW + 60 * DAY);
	/* and both hold once the pass is old: every failing rule is a reason */
	r[1].started_at = NOW - 100 * DAY;
	c = eval(&req, r, 2, NOW);
	assert_int_equal(c.nreasons, 2);
	assert_string_equal(c.reasons[0].text, "last restore test failed on 2026-11-28");
	assert_string_equal(c.reasons[1].text, "restore test overdue since 2026-11-20");
	/* failed, never passed: due now, not overdue */
	c = eval(&req, r, 1, NOW);
	assert_int_equal(c.nreasons, 1);
	assert_int_equal(c.kind[DH_JOB_RESTORE].due_at, NOW);
	assert_false(c.kind[DH_JOB_RESTORE].overdue);
	/* passed again after the failure */
	r[1].started_at = NOW - DAY;
	assert_true(eval(&req, r, 2, NOW).compliant);
}

/* An error record could not test the backup: not a pass, not a failure. */
static void
test_error_is_no_evidence(void **state)
{
	struct dh_compliance_req req = t2();
	struct dh_record r[] = {
		rec(DH_JOB_RESTORE, DH_VERDICT_ERROR, NOW - DAY),
		rec(DH_JOB_RESTORE, DH_VERDICT_PASSED, NOW - 10 * DAY),
		rec(DH_JOB_RESTORE, DH_VERDICT_ABORTED, NOW - 2 * DAY),
	};
	struct dh_compliance_tests t;
	struct dh_compliance c = eval(&req, r, 3, NOW);

	assert_true(c.compliant);
	assert_int_equal(c.kind[DH_JOB_RESTORE].due_at, NOW + 80 * DAY);
	dh_compliance_tests_init(&t);
	for (int i = 0; i < 3; i++)
		dh_compliance_tests_add(&t, &r[i], NOW);
	assert_ptr_equal(t.last, &r[0]);
	assert_ptr_equal(t.last_evidence, &r[1]);
	assert_ptr_equal(t.last_passed, &r[1]);
	c = eval(&req, r, 1, NOW);
	assert_false(c.compliant);
	assert_string_equal(c.reasons[0].text, "no restore test ever");
}

/* As of --now: what finished later is not known yet; order of adding does not matter. */
static void
test_as_of_now(void **state)
{
	struct dh_compliance_req req = t2();
	struct dh_record r[] = {
		rec(DH_JOB_RESTORE, DH_VERDICT_PASSED, NOW - 100 * DAY),
		rec(DH_JOB_RESTORE, DH_VERDICT_PASSED, NOW - 10 * DAY),
		rec(DH_JOB_RESTORE, DH_VERDICT_FAILED, NOW - 1800), /* finishes after now */
	};
	struct dh_compliance_tests t;

	dh_compliance_tests_init(&t);
	for (int i = 2; i >= 0; i--)
		dh_compliance_tests_add(&t, &r[i], NOW);
	assert_ptr_equal(t.last, &r[1]);
	assert_ptr_equal(t.last_passed, &r[1]);
	assert_true(eval(&req, r, 3, NOW).compliant);
	assert_true(eval(&req, r, 3, NOW + HOUR).compliant == false);
	/* before any record: never tested */
	assert_string_equal(eval(&req, r, 3, NOW - 200 * DAY).reasons[0].text,
		"no restore test ever");
}

static void
test_interval_never(void **state)
{
	struct dh_compliance_req req = t2();
	struct dh_record r[] = { rec(DH_JOB_RESTORE, DH_VERDICT_PASSED, NOW - 3000 * DAY) };
	struct dh_compliance c;

	req.every_s[DH_JOB_RESTORE] = DH_DURATION_NEVER;
	c = eval(&req, r, 1, NOW);
	assert_true(c.compliant);
	assert_false(c.kind[DH_JOB_RESTORE].has_due);
	assert_false(c.kind[DH_JOB_RESTORE].due);
	c = eval(&req, r, 0, NOW);
	assert_false(c.compliant);
	assert_int_equal(c.kind[DH_JOB_RESTORE].due_at, NOW);
}

static void
test_plan_errors_and_reason_order(void **state)
{
	struct dh_compliance_req req = t2();
	struct dh_record r[] = { rec(DH_JOB_RESTORE, DH_VERDICT_PASSED, NOW - 91 * DAY) };
	struct dh_compliance c;

	req.plan_errors = true;
	req.level = 4;
	c = eval(&req, r, 1, NOW);
	assert_false(c.compliant);
	assert_int_equal(c.nreasons, 3);
	assert_string_equal(c.reasons[0].text, "the plan has errors (see drillhall check)");
	assert_int_equal(c.reasons[0].kind, -1);
	assert_string_equal(c.reasons[1].text, "restore test overdue since 2026-11-29");
	assert_string_equal(c.reasons[2].text, "no [failover], which T-level 4 requires");
	req.level = 2;
	r[0].started_at = NOW - DAY;
	c = eval(&req, r, 1, NOW);
	assert_int_equal(c.nreasons, 1);
	assert_true(c.kind[DH_JOB_RESTORE].ok);
}

/* A pass proves what it ran against; a changed plan makes the test due now. */
static void
test_plan_changed(void **state)
{
	struct dh_compliance_req req = t2();
	struct dh_record r[] = { rec(DH_JOB_RESTORE, DH_VERDICT_PASSED, NOW - 10 * DAY) };
	struct dh_compliance_tests t[DH_COMPLIANCE_KINDS];
	struct dh_compliance c;

	dh_compliance_tests_init(&t[0]);
	dh_compliance_tests_init(&t[1]);
	dh_compliance_tests_add(&t[0], &r[0], NOW);
	t[0].plan_changed = true;
	dh_compliance_eval(&c, &req, t, NOW);
	assert_false(c.compliant);
	assert_string_equal(c.reasons[0].text,
		"plan changed since the last restore test on 2026-11-20");
	assert_int_equal(c.kind[DH_JOB_RESTORE].due_at, NOW);
	assert_true(c.kind[DH_JOB_RESTORE].due);
	assert_false(c.kind[DH_JOB_RESTORE].overdue);
}

/* The requirements as the plan derives them, an unclassified system included. */
static void
test_req_from_plan(void **state)
{
	struct dh_system sys[2] = {
		{ .id = "old",
			.level = 3,
			.set_by_it = true,
			.eff_restore_every_s = 30 * DAY,
			.eff_failover_every_s = 180 * DAY },
		{ .id = "web",
			.level = 1,
			.eff_restore_every_s = 180 * DAY,
			.eff_failover_every_s = DH_DURATION_NEVER },
	};
	struct dh_plan plan = { .systems = sys, .nsystems = 2 };
	struct dh_compliance_req req;

	sys[1].restore.present = true;
	sys[1].failover.present = true;
	plan.policy.failover_required_from = 3;
	dh_compliance_req_from_plan(&req, &plan, &sys[0], false);
	assert_int_equal(req.level, 3);
	assert_int_equal(req.failover_required_from, 3);
	assert_false(req.has_restore);
	assert_false(req.has_failover);
	assert_int_equal(req.every_s[DH_JOB_RESTORE], 30 * DAY);
	assert_int_equal(req.every_s[DH_JOB_FAILOVER], 180 * DAY);
	/* unclassified, level from the policy: drills are asked of it all the same */
	assert_string_equal(eval(&req, NULL, 0, NOW).reasons[1].text,
		"no [failover], which T-level 3 requires");
	dh_compliance_req_from_plan(&req, &plan, &sys[1], true);
	assert_true(req.has_restore && req.has_failover && req.plan_errors);
	assert_int_equal(req.every_s[DH_JOB_FAILOVER], DH_DURATION_NEVER);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_never_tested_is_due_now),
		cmocka_unit_test(test_t2_passed_without_failover_is_compliant),
		cmocka_unit_test(test_t3_without_failover),
		cmocka_unit_test(test_failover_required_unknowns),
		cmocka_unit_test(test_failover_drill_rules),
		cmocka_unit_test(test_due_exactly_now),
		cmocka_unit_test(test_due_from_start),
		cmocka_unit_test(test_failed_after_passed),
		cmocka_unit_test(test_error_is_no_evidence),
		cmocka_unit_test(test_as_of_now),
		cmocka_unit_test(test_interval_never),
		cmocka_unit_test(test_plan_errors_and_reason_order),
		cmocka_unit_test(test_plan_changed),
		cmocka_unit_test(test_req_from_plan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
