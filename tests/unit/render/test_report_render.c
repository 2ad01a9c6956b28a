/*
 * The report's layouts (render/report*.c): CSV for Swedish Excel (BOM,
 * `;`, CRLF, RFC 4180 quoting of `;`, `"` and line breaks in a reserve
 * routine, hours with a decimal comma), HTML and its SVG charts with
 * hostile names from a plan (a `<script>` in a system name, a board and a
 * deviation shows as text), the summary and the board counts, the JSON
 * shape's keys. Two systems judged by eval/compliance.c as of
 * 2026-11-30T00:00:00Z: one compliant, one whose last restore test failed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "eval/compliance.h"
#include "render/html.h"
#include "render/report.h"

#define NOW ((time_t)1795996800) /* 2026-11-30T00:00:00Z */
#define DAY 86400
#define HOUR 3600
#define HOSTILE "<script>alert(1)</script>"

static struct dh_system systems[2] = {
	{ .id = "ad",
		.name = "Active Directory",
		.board = "Kommunstyrelsen",
		.level = 2,
		.classified = true,
		.classified_at = NOW - 100 * DAY,
		.classified_text = "2026-08-22",
		.reserve_routine = "Papper; sedan \"nödkonto\"\nrad två",
		.eff_rpo_s = 4 * HOUR,
		.eff_backup_rpo_s = 15 * 60,
		.eff_rto_s = 90 * 60,
		.eff_restore_every_s = 90 * DAY },
	{ .id = "evil",
		.name = "Evil " HOSTILE,
		.board = "Nämnd " HOSTILE,
		.deviation = "beslut <b>\"x\"</b> & 'y'",
		.level = 3,
		.set_by_it = true,
		.eff_rpo_s = HOUR,
		.eff_backup_rpo_s = HOUR,
		.eff_rto_s = 4 * HOUR,
		.eff_restore_every_s = 30 * DAY },
};

static struct dh_record records[2];
static struct dh_status_row rows[2];
static struct dh_report model;

static void
build(void)
{
	struct dh_compliance_req req;

	records[0] = (struct dh_record){ .id = "job-ad",
		.system = "ad",
		.kind = DH_JOB_RESTORE,
		.verdict = DH_VERDICT_PASSED,
		.started_at = NOW - 10 * DAY,
		.finished_at = NOW - 10 * DAY + 1800,
		.rpo_actual_s = 900,
		.rpo_target_s = 900,
		.rto_actual_s = 1800,
		.rto_target_s = 5400,
		.record_hash = "abc" };
	records[1] = (struct dh_record){ .id = "job-evil",
		.system = "evil",
		.kind = DH_JOB_RESTORE,
		.verdict = DH_VERDICT_FAILED,
		.started_at = NOW - 2 * DAY,
		.finished_at = NOW - 2 * DAY + 60,
		.rpo_actual_s = -1,
		.rpo_target_s = 3600,
		.rto_actual_s = 20000,
		.rto_target_s = 14400,
		.record_hash = "def" };
	for (int i = 0; i < 2; i++) {
		rows[i] = (struct dh_status_row){ .sys = &systems[i] };
		for (int k = 0; k < DH_COMPLIANCE_KINDS; k++)
			dh_compliance_tests_init(&rows[i].tests[k]);
		dh_compliance_tests_add(&rows[i].tests[DH_JOB_RESTORE], &records[i], NOW);
		req = (struct dh_compliance_req){ .level = systems[i].level,
			.failover_required_from = -1,
			.has_restore = true,
			.every_s = { systems[i].eff_restore_every_s, 0 } };
		dh_compliance_eval(&rows[i].c, &req, rows[i].tests, NOW);
	}
	model = (struct dh_report){ .plan_name = "Testkommun " HOSTILE,
		.revision = "rev1",
		.as_of = NOW,
		.generated_at = NOW + 5,
		.rows = rows,
		.nrows = 2 };
	snprintf(model.audit.head, sizeof(model.audit.head), "%064d", 7);
	model.audit.intact = true;
}

static void
test_csv_field_quoting(void **state)
{
	struct dh_buf b;

	(void)state;
	dh_buf_init(&b);
	dh_report_csv_field(&b, "plain, with comma");
	dh_buf_putc(&b, '|');
	dh_report_csv_field(&b, "a;b");
	dh_buf_putc(&b, '|');
	dh_report_csv_field(&b, "say \"hej\"");
	dh_buf_putc(&b, '|');
	dh_report_csv_field(&b, "one\r\ntwo");
	dh_buf_putc(&b, '|');
	dh_report_csv_field(&b, NULL);
	assert_string_equal(b.data,
		"plain, with comma|\"a;b\"|\"say \"\"hej\"\"\"|\"one\r\ntwo\"|");
	dh_buf_fini(&b);
}

static void
test_csv_hours_decimal_comma(void **state)
{
	static const struct {
		int64_t s;
		const char *want;
	} cases[] = { { 0, "0" }, { 900, "0,25" }, { 1800, "0,5" }, { 5400, "1,5" },
		{ 86400, "24" }, { 20000, "5,56" }, { 60, "0,02" }, { -1, "" } };
	struct dh_buf b;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		dh_buf_init(&b);
		dh_report_csv_hours(&b, cases[i].s);
		assert_string_equal(b.data ? b.data : "", cases[i].want);
		dh_buf_fini(&b);
	}
}

static void
test_csv_report(void **state)
{
	struct dh_buf b;
	const char *ad, *evil;

	(void)state;
	build();
	dh_buf_init(&b);
	dh_report_render_csv(&model, &b);
	assert_memory_equal(b.data, "\xEF\xBB\xBFsystem;name;board;", 20); /* BOM, then `;` */
	ad = strstr(b.data, "\r\nad;");
	evil = strstr(b.data, "\r\nevil;");
	assert_non_null(ad);
	assert_non_null(evil);
	/* rpo 4h, backup rpo 15m, rto 90m: hours with a decimal comma */
	assert_non_null(strstr(ad, ";4;0,25;1,5;2026-11-20 00:00:00;passed;0,25;0,5;"));
	/* the reserve routine: one quoted field, its quote doubled, its line break kept */
	assert_non_null(strstr(ad, ";\"Papper; sedan \"\"nödkonto\"\"\nrad två\";yes;\r\n"));
	assert_non_null(strstr(evil, ";no;last restore test failed on 2026-11-28\r\n"));
	/* every line ends in CRLF: no bare LF outside the quoted field */
	assert_int_equal(b.data[b.len - 2], '\r');
	dh_buf_fini(&b);
}

static void
test_html_escapes_everything(void **state)
{
	struct dh_buf b;

	(void)state;
	build();
	dh_buf_init(&b);
	dh_report_render_html(&model, &b);
	assert_null(strstr(b.data, "<script"));
	assert_null(strstr(b.data, "<b>\"x\""));
	assert_non_null(strstr(b.data, "Evil &lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(b.data, "<title>Recovery report: Testkommun &lt;script&gt;"));
	assert_non_null(
		strstr(b.data, "beslut &lt;b&gt;&quot;x&quot;&lt;/b&gt; &amp; &#39;y&#39;"));
	/* self-contained: nothing fetched, no script */
	assert_null(strstr(b.data, "src="));
	assert_null(strstr(b.data, "href="));
	assert_null(strstr(b.data, "@import"));
	assert_non_null(strstr(b.data, "@page{size:A4"));
	/* the summary and the gaps in words */
	assert_non_null(strstr(b.data, "1 of 2 systems compliant"));
	assert_non_null(strstr(b.data, "<b>Last test failed:</b> evil"));
	assert_non_null(strstr(b.data,
		"<b>Requirements set by IT, not by the business "
		"(unclassified):</b> evil"));
	assert_non_null(strstr(b.data, "intact</span>: all 0 audit records verified"));
	assert_non_null(strstr(b.data, model.audit.head));
	dh_buf_fini(&b);
}

static void
test_svg_hostile_names(void **state)
{
	struct dh_report_board boards[2] = { { "Nämnd " HOSTILE, 3, 1 },
		{ "Ett mycket långt nämndnamn som inte får plats i diagrammet", 1, 1 } };
	struct dh_buf b;

	(void)state;
	build();
	dh_buf_init(&b);
	dh_report_svg_boards(boards, 2, &b);
	assert_non_null(strstr(b.data, "Nämnd &lt;script&gt;alert(1)&lt;/script&gt;</text>"));
	assert_null(strstr(b.data, "<script"));
	assert_non_null(strstr(b.data, "1 of 3 compliant"));
	/* cut on a character, not inside one: ä stays whole */
	assert_non_null(strstr(b.data, "Ett mycket långt nämndnamn som int…"));
	dh_buf_reset(&b);
	dh_report_svg_rto(&model, 40, &b);
	/* evil ran 20000s against 4h: first (worst), red, "OVER" */
	assert_true(strstr(b.data, ">evil<") < strstr(b.data, ">ad<"));
	assert_non_null(strstr(b.data, "5h33m20s of 4h OVER"));
	assert_non_null(strstr(b.data, "30m of 1h30m</text>"));
	dh_buf_fini(&b);
}

static void
test_summary_and_boards(void **state)
{
	struct dh_report_summary s;
	struct dh_report_board *b;
	size_t n;

	(void)state;
	build();
	dh_report_summarize(&model, &s);
	assert_int_equal(s.systems, 2);
	assert_int_equal(s.compliant, 1);
	assert_int_equal(s.non_compliant, 1);
	assert_int_equal(s.unclassified, 1);
	assert_int_equal(s.never_tested, 0);
	dh_report_boards(&model, &b, &n);
	assert_int_equal(n, 2);
	assert_string_equal(b[0].board, "Kommunstyrelsen");
	assert_int_equal(b[0].compliant, 1);
	assert_int_equal(b[1].systems, 1);
	assert_int_equal(b[1].compliant, 0);
	free(b);
}

static void
test_json_shape(void **state)
{
	struct dh_buf b;
	json_t *root, *sys;

	(void)state;
	build();
	dh_buf_init(&b);
	dh_report_render_json(&model, &b);
	root = json_loads(b.data, 0, NULL);
	assert_non_null(root);
	assert_string_equal(json_string_value(
				    json_object_get(json_object_get(root, "report"), "as_of")),
		"2026-11-30T00:00:00Z");
	assert_true(json_is_true(
		json_object_get(json_object_get(json_object_get(root, "report"), "audit"),
			"intact")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(root, "summary"),
				 "non_compliant")),
		1);
	sys = json_array_get(json_object_get(root, "systems"), 1);
	assert_string_equal(json_string_value(json_object_get(sys, "requirements_by")), "it");
	assert_string_equal(json_string_value(json_object_get(sys, "name")), "Evil " HOSTILE);
	assert_true(json_is_false(json_object_get(sys, "compliant")));
	assert_int_equal(json_array_size(json_object_get(root, "boards")), 2);
	json_decref(root);
	dh_buf_fini(&b);
}

static void
test_page_frame(void **state)
{
	struct dh_buf b;

	(void)state;
	dh_buf_init(&b);
	dh_html_page_begin(&b, "A & <B>", ".x{}");
	dh_html_page_end(&b);
	assert_non_null(strstr(b.data, "<title>A &amp; &lt;B&gt;</title>"));
	assert_non_null(strstr(b.data, ".x{}</style>"));
	assert_non_null(strstr(b.data, "<meta charset=\"utf-8\">"));
	assert_int_equal(strcmp(b.data + b.len - strlen("</html>\n"), "</html>\n"), 0);
	dh_buf_fini(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_field_quoting),
		cmocka_unit_test(test_csv_hours_decimal_comma),
		cmocka_unit_test(test_csv_report),
		cmocka_unit_test(test_html_escapes_everything),
		cmocka_unit_test(test_svg_hostile_names),
		cmocka_unit_test(test_summary_and_boards),
		cmocka_unit_test(test_json_shape),
		cmocka_unit_test(test_page_frame),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
