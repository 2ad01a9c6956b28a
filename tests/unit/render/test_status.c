/*
 * `status` rendering (render/status.c) against golden outputs in
 * tests/data/render/status.{txt,json,csv}: four systems judged by
 * eval/compliance.c as of 2026-11-30T00:00:00Z — compliant without
 * [failover] at T2, a failure after a pass at T3 without [failover], an
 * unclassified system never tested, and a T4 system whose drill is
 * overdue and whose last restore attempt was an error. Set
 * DH_UPDATE_GOLDEN=1 to rewrite the files after a deliberate change.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "dh/duration.h"
#include "eval/compliance.h"
#include "render/status.h"

#define NOW ((time_t)1795996800) /* 2026-11-30T00:00:00Z */
#define DAY 86400
#define HOUR 3600

static struct dh_system systems[4] = {
	{ .id = "ad",
		.name = "Active Directory",
		.level = 2,
		.eff_rpo_s = 4 * HOUR,
		.eff_backup_rpo_s = 4 * HOUR,
		.eff_rto_s = 24 * HOUR,
		.eff_restore_every_s = 90 * DAY,
		.eff_failover_every_s = 365 * DAY },
	{ .id = "ecos",
		.name = "Ecos, ekonomi",
		.level = 3,
		.eff_rpo_s = HOUR,
		.eff_backup_rpo_s = HOUR,
		.eff_rto_s = 4 * HOUR,
		.eff_restore_every_s = 30 * DAY,
		.eff_failover_every_s = 180 * DAY },
	{ .id = "legacy",
		.level = 2,
		.set_by_it = true,
		.eff_rpo_s = 4 * HOUR,
		.eff_backup_rpo_s = 4 * HOUR,
		.eff_rto_s = 24 * HOUR,
		.eff_restore_every_s = 90 * DAY,
		.eff_failover_every_s = 365 * DAY },
	{ .id = "procapita",
		.name = "Procapita – IFO",
		.level = 4,
		.eff_rpo_s = 0,
		.eff_backup_rpo_s = HOUR, /* SPEC's T4: rpo 0 by replication */
		.eff_rto_s = HOUR,
		.eff_restore_every_s = 7 * DAY,
		.eff_failover_every_s = 90 * DAY },
};

static struct dh_record
rec(const char *id, enum dh_job_kind kind, enum dh_verdict v, time_t started, int64_t rpo,
	int64_t rto)
{
	return (struct dh_record){ .id = (char *)id,
		.kind = kind,
		.verdict = v,
		.started_at = started,
		.finished_at = started + 1200,
		.rpo_actual_s = rpo,
		.rto_actual_s = rto };
}

static struct dh_record records[6];
static const size_t record_of[6] = { 0, 1, 1, 3, 3, 3 }; /* system index */

static void
build(struct dh_status_row rows[4])
{
	records[0] = rec("ad-1", DH_JOB_RESTORE, DH_VERDICT_PASSED, NOW - 10 * DAY, 7200, 900);
	records[1] = rec("ecos-1", DH_JOB_RESTORE, DH_VERDICT_PASSED, NOW - 20 * DAY, 1800, 600);
	records[2] = rec("ecos-2", DH_JOB_RESTORE, DH_VERDICT_FAILED, NOW - 2 * DAY, 5400, 700);
	records[3] =
		rec("procapita-1", DH_JOB_RESTORE, DH_VERDICT_PASSED, NOW - 3 * DAY, 1800, 1500);
	records[4] = rec("procapita-2", DH_JOB_RESTORE, DH_VERDICT_ERROR, NOW - DAY, -1, -1);
	records[5] =
		rec("procapita-3", DH_JOB_FAILOVER, DH_VERDICT_PASSED, NOW - 100 * DAY, -1, 600);
	systems[3].failover.present = true;
	for (size_t i = 0; i < 4; i++)
		systems[i].restore.present = i != 2;
	for (size_t i = 0; i < 4; i++) {
		struct dh_compliance_req req;
		struct dh_plan plan = { .policy = { .failover_required_from = 3 } };

		rows[i].sys = &systems[i];
		for (int k = 0; k < DH_COMPLIANCE_KINDS; k++)
			dh_compliance_tests_init(&rows[i].tests[k]);
		for (size_t j = 0; j < 6; j++)
			if (record_of[j] == i)
				dh_compliance_tests_add(&rows[i].tests[records[j].kind],
					&records[j], NOW);
		dh_compliance_req_from_plan(&req, &plan, &systems[i], false);
		dh_compliance_eval(&rows[i].c, &req, rows[i].tests, NOW);
	}
}

static void
golden(const char *name, const struct dh_buf *got)
{
	const char *dir = getenv("DH_TEST_DATA");
	char path[512];
	struct dh_buf want;
	struct dh_err err;

	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/render/%s", dir, name);
	if (getenv("DH_UPDATE_GOLDEN")) {
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fwrite(got->data, 1, got->len, f);
		fclose(f);
	}
	dh_buf_init(&want);
	dh_err_clear(&err);
	assert_int_equal(dh_file_read(path, 1 << 20, &want, &err), 0);
	assert_string_equal(got->data, want.data);
	dh_buf_fini(&want);
}

static void
render(void (*fn)(const struct dh_status_row *, size_t, time_t, struct dh_buf *), const char *name)
{
	struct dh_status_row rows[4];
	struct dh_buf out;

	build(rows);
	dh_buf_init(&out);
	fn(rows, 4, NOW, &out);
	golden(name, &out);
	dh_buf_fini(&out);
}

static void
test_text(void **state)
{
	render(dh_status_render_text, "status.txt");
}

/* A system with [failover] and no drill on record says so plainly. */
static void
test_text_never_drilled(void **state)
{
	struct dh_status_row rows[4];
	struct dh_buf out;

	build(rows);
	systems[0].failover.present = true;
	dh_buf_init(&out);
	dh_status_render_text(rows, 4, NOW, &out);
	systems[0].failover.present = false;
	if (strstr(out.data, "drill: never, due ") == NULL || strstr(out.data, "last - -") != NULL)
		fail_msg("%s", out.data);
	dh_buf_fini(&out);
}

static void
test_json(void **state)
{
	render(dh_status_render_json, "status.json");
}

static void
test_csv(void **state)
{
	render(dh_status_render_csv, "status.csv");
}

/* The verdicts the goldens show, asserted here so a golden cannot bless a wrong rule. */
static void
test_verdicts(void **state)
{
	struct dh_status_row rows[4];

	build(rows);
	assert_true(rows[0].c.compliant);
	assert_false(rows[1].c.compliant);
	assert_int_equal(rows[1].c.nreasons, 2);
	assert_false(rows[2].c.compliant);
	assert_false(rows[3].c.compliant);
	assert_int_equal(rows[3].c.nreasons, 1);
	assert_string_equal(rows[3].c.reasons[0].text, "failover drill overdue since 2026-11-20");
	assert_ptr_equal(rows[3].tests[DH_JOB_RESTORE].last, &records[4]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_text_never_drilled),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_csv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
