/*
 * Corrective-action rules (controller/eval/actions.c) and the
 * compliance rule they feed (eval/compliance.c, SPEC "Compliance": no
 * corrective action of it is past its due date): the due date is a
 * quarter of the test interval, at least 1 day and at most 30; an action
 * is open as of a time between its opening and its closing; a past-due
 * one makes the system non-compliant with the reason in words, one that
 * is open but not yet due does not, nor one closed by then.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "dh/duration.h"
#include "eval/actions.h"
#include "eval/compliance.h"

#define DAY 86400
#define T0 1796083200 /* 2026-12-01T00:00:00Z */

static void
test_due_at(void **state)
{
	(void)state;
	assert_int_equal(dh_action_due_at(T0, 30 * DAY), T0 + 30 * DAY / 4); /* 7.5 days */
	assert_int_equal(dh_action_due_at(T0, 2 * DAY), T0 + DAY);           /* at least 1 day */
	assert_int_equal(dh_action_due_at(T0, 365 * DAY), T0 + 30 * DAY);    /* at most 30 */
	assert_int_equal(dh_action_due_at(T0, 120 * DAY), T0 + 30 * DAY);
	assert_int_equal(dh_action_due_at(T0, 100 * DAY), T0 + 25 * DAY);
	assert_int_equal(dh_action_due_at(T0, DH_DURATION_NEVER), T0 + 30 * DAY);
	assert_int_equal(dh_action_due_at(T0, 0), T0 + 30 * DAY); /* not known */
}

static void
test_open_as_of(void **state)
{
	struct dh_action a = { .id = 1, .opened_at = T0, .due_at = T0 + 2 * DAY };

	(void)state;
	assert_false(dh_action_is_seen(&a, T0 - 1));
	assert_false(dh_action_is_open(&a, T0 - 1));
	assert_true(dh_action_is_open(&a, T0));
	assert_false(dh_action_is_past_due(&a, T0 + 2 * DAY)); /* due that second, not past */
	assert_true(dh_action_is_past_due(&a, T0 + 2 * DAY + 1));
	a.closed_at = T0 + DAY;
	assert_true(dh_action_is_open(&a, T0 + DAY - 1)); /* closed later than that */
	assert_false(dh_action_is_open(&a, T0 + DAY));
	assert_true(dh_action_is_seen(&a, T0 + DAY));
	assert_false(dh_action_is_past_due(&a, T0 + 3 * DAY));
}

/* A system whose restore test passed 10 days before now, tested every 30 days. */
static void
judge(const struct dh_action *a, time_t now, struct dh_compliance *c)
{
	struct dh_compliance_req req = { .level = 2,
		.failover_required_from = 3,
		.has_restore = true,
		.every_s = { 30 * DAY, DH_DURATION_NEVER } };
	struct dh_compliance_tests t[DH_COMPLIANCE_KINDS];
	static struct dh_record pass;

	pass = (struct dh_record){ .verdict = DH_VERDICT_PASSED,
		.kind = DH_JOB_RESTORE,
		.started_at = now - 10 * DAY,
		.finished_at = now - 10 * DAY,
		.rpo_actual_s = -1,
		.rto_actual_s = -1 };
	for (int k = 0; k < DH_COMPLIANCE_KINDS; k++)
		dh_compliance_tests_init(&t[k]);
	dh_compliance_tests_add(&t[DH_JOB_RESTORE], &pass, now);
	if (a != NULL)
		dh_compliance_tests_add_action(&t[a->kind], a, now);
	dh_compliance_eval(c, &req, t, now);
}

static void
test_compliance_past_due(void **state)
{
	struct dh_action a = { .id = 7,
		.kind = DH_JOB_FAILOVER,
		.opened_at = T0,
		.due_at = dh_action_due_at(T0, DH_DURATION_NEVER) };
	struct dh_compliance c;

	(void)state;
	judge(NULL, T0 + 40 * DAY, &c);
	assert_true(c.compliant);
	judge(&a, T0 + 29 * DAY, &c); /* open, not yet due */
	assert_true(c.compliant);
	assert_int_equal(c.nreasons, 0);
	judge(&a, T0 + 31 * DAY, &c); /* past due: a drill's action, though no drill is asked */
	assert_false(c.compliant);
	assert_int_equal(c.nreasons, 1);
	assert_string_equal(c.reasons[0].text,
		"corrective action 7 (failover drill, opened 2026-12-01) past its due date since "
		"2026-12-31");
	assert_int_equal(c.reasons[0].kind, DH_JOB_FAILOVER);
	assert_false(c.kind[DH_JOB_FAILOVER].ok);
	assert_true(c.kind[DH_JOB_RESTORE].ok);
	a.closed_at = T0 + 31 * DAY; /* closed by then */
	judge(&a, T0 + 31 * DAY, &c);
	assert_true(c.compliant);
	judge(&a, T0 + 31 * DAY - 1, &c); /* as of a second before the close */
	assert_false(c.compliant);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_due_at),
		cmocka_unit_test(test_open_as_of),
		cmocka_unit_test(test_compliance_past_due),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
