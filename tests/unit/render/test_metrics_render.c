/*
 * The /metrics exposition (controller/render/metrics.c): HELP and TYPE
 * before every family's samples, the exact sample lines for a system
 * with a restore test and one never tested (no sample where there is no
 * value), times and durations in seconds, the counters, label values
 * escaped, and no audit sample before the first check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dh/buf.h"
#include "render/metrics.h"

#define T0 1796083200

static bool
has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
	return false;
}

static void
test_samples(void **state)
{
	static struct dh_system sys[2];
	struct dh_record rec = { .id = "j1",
		.verdict = DH_VERDICT_FAILED,
		.started_at = T0,
		.finished_at = T0 + 60,
		.rpo_actual_s = 120,
		.rto_actual_s = 30 };
	struct dh_status_row rows[2];
	int64_t open[2] = { 1, 0 };
	struct dh_metrics_events ev[1] = { { "stored", 12 } };
	struct dh_metrics m = { .rows = rows,
		.open_actions = open,
		.nrows = 2,
		.events = ev,
		.nevents = 1,
		.notifications_pending = 3 };
	struct dh_buf b;

	memset(rows, 0, sizeof(rows));
	sys[0].id = "proc";
	sys[0].eff_rpo_s = 3600;
	sys[0].eff_rto_s = 7200;
	sys[1].id = "we\"ird\\id";
	sys[1].eff_rpo_s = 60;
	sys[1].eff_rto_s = 60;
	rows[0].sys = &sys[0];
	rows[0].tests[DH_JOB_RESTORE].last = &rec;
	rows[0].c.kind[DH_JOB_RESTORE] = (struct dh_compliance_due){ .required = true,
		.has_due = true,
		.due_at = T0 - 5,
		.overdue = true };
	rows[1].sys = &sys[1];
	rows[1].c.compliant = true;
	m.tests_total[DH_JOB_RESTORE][DH_VERDICT_FAILED] = 4;
	dh_buf_init(&b);
	dh_metrics_render(&m, &b);
	assert_true(has_line(b.data, "# TYPE drillhall_last_test_timestamp_seconds gauge"));
	assert_true(has_line(b.data,
		"drillhall_last_test_timestamp_seconds{system=\"proc\",kind=\"restore\"} 1796083200"));
	assert_true(
		has_line(b.data, "drillhall_last_test_passed{system=\"proc\",kind=\"restore\"} 0"));
	assert_true(has_line(b.data,
		"drillhall_last_test_rpo_seconds{system=\"proc\",kind=\"restore\"} 120"));
	assert_true(has_line(b.data,
		"drillhall_last_test_rto_seconds{system=\"proc\",kind=\"restore\"} 30"));
	assert_null(strstr(b.data, "kind=\"failover\"}")); /* nothing of drills here */
	assert_true(has_line(b.data, "drillhall_rpo_target_seconds{system=\"proc\"} 3600"));
	assert_true(has_line(b.data, "drillhall_rto_target_seconds{system=\"proc\"} 7200"));
	assert_true(has_line(b.data,
		"drillhall_test_due_timestamp_seconds{system=\"proc\",kind=\"restore\"} 1796083195"));
	assert_true(has_line(b.data, "drillhall_test_overdue{system=\"proc\",kind=\"restore\"} 1"));
	assert_true(has_line(b.data, "drillhall_system_compliant{system=\"proc\"} 0"));
	assert_true(has_line(b.data, "drillhall_system_compliant{system=\"we\\\"ird\\\\id\"} 1"));
	assert_true(has_line(b.data, "drillhall_corrective_actions_open{system=\"proc\"} 1"));
	assert_true(has_line(b.data, "# TYPE drillhall_tests_total counter"));
	assert_true(
		has_line(b.data, "drillhall_tests_total{kind=\"restore\",verdict=\"failed\"} 4"));
	assert_true(
		has_line(b.data, "drillhall_tests_total{kind=\"failover\",verdict=\"passed\"} 0"));
	assert_true(has_line(b.data, "drillhall_events_total{status=\"stored\"} 12"));
	assert_true(has_line(b.data, "drillhall_notifications_pending 3"));
	assert_true(has_line(b.data,
		"# HELP drillhall_audit_chain_intact "
		"1 when the last audit verify found the chain intact, else 0."));
	assert_false(has_line(b.data, "drillhall_audit_chain_intact 1"));
	/* the never-tested system has no last-test samples */
	assert_null(strstr(b.data, "drillhall_last_test_passed{system=\"we"));
	dh_buf_reset(&b);
	m.audit_checked = m.audit_intact = true;
	m.audit_checked_at = T0;
	dh_metrics_render(&m, &b);
	assert_true(has_line(b.data, "drillhall_audit_chain_intact 1"));
	assert_true(has_line(b.data, "drillhall_audit_chain_checked_timestamp_seconds 1796083200"));
	dh_buf_fini(&b);
}

static void
test_families_have_help_and_type(void **state)
{
	struct dh_metrics m = { 0 };
	struct dh_buf b;
	size_t help = 0, type = 0;

	dh_buf_init(&b);
	dh_metrics_render(&m, &b);
	for (const char *p = b.data; (p = strstr(p, "# HELP ")) != NULL; p++)
		help++;
	for (const char *p = b.data; (p = strstr(p, "# TYPE ")) != NULL; p++)
		type++;
	assert_int_equal(help, 15);
	assert_int_equal(type, 15);
	dh_buf_fini(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_samples),
		cmocka_unit_test(test_families_have_help_and_type),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
