/*
 * Durations and times: every form the spec allows, and the near misses a
 * typo produces, which must be rejected rather than misread.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dh/duration.h"
#include "dh/err.h"
#include "dh/timefmt.h"

static void
test_duration_valid(void **state)
{
	static const struct {
		const char *s;
		int64_t v;
	} cases[] = {
		{ "0", 0 },
		{ "90s", 90 },
		{ "15m", 900 },
		{ "4h", 14400 },
		{ "7d", 604800 },
		{ "1h30m", 5400 },
		{ "1d2h3m4s", 93784 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t v = -5;
		assert_int_equal(dh_duration_parse(cases[i].s, false, &v), 0);
		assert_int_equal(v, cases[i].v);
	}
}

static void
test_duration_invalid(void **state)
{
	static const char *bad[] = { "", "4", "4 h", "4H", "h", "4h4h", "30m1h", "-1h", "1.5h",
		"never ", "1y", "99999999999999999999s", "00", "4hx" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t v = 7;
		assert_int_equal(dh_duration_parse(bad[i], true, &v), DH_EPARSE);
		assert_int_equal(v, 7);
	}
}

static void
test_duration_never(void **state)
{
	int64_t v = 0;

	assert_int_equal(dh_duration_parse("never", false, &v), DH_EPARSE);
	assert_int_equal(dh_duration_parse("never", true, &v), 0);
	assert_int_equal(v, DH_DURATION_NEVER);
}

static void
test_duration_format(void **state)
{
	char out[32];

	dh_duration_format(5400, out, sizeof(out));
	assert_string_equal(out, "1h30m");
	dh_duration_format(0, out, sizeof(out));
	assert_string_equal(out, "0");
	dh_duration_format(DH_DURATION_NEVER, out, sizeof(out));
	assert_string_equal(out, "never");
	dh_duration_format(93784, out, sizeof(out));
	assert_string_equal(out, "26h3m4s");
	dh_duration_format(72 * 3600, out, sizeof(out));
	assert_string_equal(out, "72h");
	dh_duration_format(8 * 86400 + 3600, out, sizeof(out));
	assert_string_equal(out, "8d1h");
}

static void
test_time_parse(void **state)
{
	time_t t;
	char out[DH_RFC3339_LEN];

	assert_int_equal(dh_time_parse("2026-11-27T21:13:33Z", &t), 0);
	dh_time_format(t, out, sizeof(out));
	assert_string_equal(out, "2026-11-27T21:13:33Z");
	assert_int_equal(dh_time_parse("2026-11-27T22:13:33.123456789+01:00", &t), 0);
	dh_time_format(t, out, sizeof(out));
	assert_string_equal(out, "2026-11-27T21:13:33Z");
	assert_int_equal(dh_time_parse("2026-11-27T21:13:33", &t), DH_EPARSE);
	assert_int_equal(dh_time_parse("2026-02-30T21:13:33Z", &t), DH_EPARSE);
	assert_int_equal(dh_time_parse("2026-11-27T25:13:33Z", &t), DH_EPARSE);
}

static void
test_date_parse(void **state)
{
	time_t t;

	assert_int_equal(dh_date_parse("2024-02-29", &t), 0);
	assert_int_equal(dh_date_parse("2025-02-29", &t), DH_EPARSE);
	assert_int_equal(dh_date_parse("2025-3-14", &t), DH_EPARSE);
	assert_int_equal(dh_date_parse("2025-03-14x", &t), DH_EPARSE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration_valid),
		cmocka_unit_test(test_duration_invalid),
		cmocka_unit_test(test_duration_never),
		cmocka_unit_test(test_duration_format),
		cmocka_unit_test(test_time_parse),
		cmocka_unit_test(test_date_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
