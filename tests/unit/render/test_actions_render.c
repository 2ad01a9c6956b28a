/*
 * Corrective actions laid out (controller/render/actions.c): the text
 * table (open, PAST DUE, closed with who and the note), the SPEC's JSON
 * keys with null for what is not set, an action closed after --now shown
 * as it was then (open, no closing fields), and the line `status` prints.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "dh/buf.h"
#include "render/actions.h"

#define DAY 86400
#define T0 1796083200 /* 2026-12-01T00:00:00Z */

static struct dh_action
action(int64_t id, time_t closed_at, const char *by, const char *note)
{
	return (struct dh_action){ .id = id,
		.system = (char *)"proc",
		.kind = id == 2 ? DH_JOB_FAILOVER : DH_JOB_RESTORE,
		.opened_at = T0,
		.opened_by = (char *)"proc-rec-1",
		.due_at = T0 + 2 * DAY,
		.closed_at = closed_at,
		.closed_by = (char *)by,
		.note = (char *)note };
}

static void
test_text(void **state)
{
	struct dh_action v[2] = { action(1, 0, NULL, NULL),
		action(2, T0 + DAY, "cli:anna", "repaired") };
	struct dh_buf b;

	(void)state;
	dh_buf_init(&b);
	dh_actions_render_text(v, 0, T0, &b);
	assert_int_equal(b.len, 0);
	dh_actions_render_text(v, 2, T0 + 3 * DAY, &b);
	assert_non_null(strstr(b.data,
		"\n1     proc               restore  2026-12-01T00:00:00Z "
		"2026-12-03T00:00:00Z proc-rec-1"));
	assert_non_null(strstr(b.data, " PAST DUE\n2 "));
	assert_non_null(strstr(b.data, " closed 2026-12-02T00:00:00Z by cli:anna: repaired\n"));
	dh_buf_fini(&b);
	dh_buf_init(&b);
	dh_action_render_line(&v[0], T0 + 3 * DAY, &b);
	assert_string_equal(b.data,
		"corrective action 1 (proc restore test): opened 2026-12-01T00:00:00Z by "
		"proc-rec-1, due 2026-12-03T00:00:00Z, PAST DUE\n");
	dh_buf_fini(&b);
}

static void
test_json(void **state)
{
	struct dh_action a = action(2, T0 + DAY, "cli:anna", "repaired");
	json_t *o;

	(void)state;
	o = dh_action_json(&a, T0 + DAY);
	assert_int_equal(json_integer_value(json_object_get(o, "id")), 2);
	assert_string_equal(json_string_value(json_object_get(o, "kind")), "failover");
	assert_string_equal(json_string_value(json_object_get(o, "opened_at")),
		"2026-12-01T00:00:00Z");
	assert_string_equal(json_string_value(json_object_get(o, "due_at")),
		"2026-12-03T00:00:00Z");
	assert_string_equal(json_string_value(json_object_get(o, "closed_by")), "cli:anna");
	assert_string_equal(json_string_value(json_object_get(o, "note")), "repaired");
	assert_true(json_is_null(json_object_get(o, "closed_record")));
	assert_true(json_is_false(json_object_get(o, "open")));
	json_decref(o);
	o = dh_action_json(&a, T0 + DAY - 1); /* as of before the close */
	assert_true(json_is_null(json_object_get(o, "closed_at")));
	assert_true(json_is_null(json_object_get(o, "closed_by")));
	assert_true(json_is_null(json_object_get(o, "note")));
	assert_true(json_is_true(json_object_get(o, "open")));
	assert_true(json_is_false(json_object_get(o, "past_due")));
	json_decref(o);
}

static void
test_json_list(void **state)
{
	struct dh_action a = action(1, 0, NULL, NULL);
	struct dh_buf b;

	(void)state;
	dh_buf_init(&b);
	dh_actions_render_json(&a, 1, T0 + 3 * DAY, &b);
	assert_non_null(strstr(b.data, "\"now\": \"2026-12-04T00:00:00Z\""));
	assert_non_null(strstr(b.data, "\"actions\": [\n"));
	assert_non_null(strstr(b.data, "\"past_due\": true"));
	dh_buf_fini(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
