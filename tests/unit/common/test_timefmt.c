/*
 * RFC 3339 parsing (dh_time_parse) in every form RFC 3339 allows, and
 * what it must refuse: not-real dates and times, offsets outside the
 * grammar's -23:59..+23:59, trailing text. Leap seconds: accepted only
 * as 23:59:60 UTC (after the offset) and read as 23:59:59, so a backup
 * time is never made later than it was.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dh/err.h"
#include "dh/timefmt.h"

#define T0 1796041796 /* 2026-11-30T12:29:56Z */

static void
expect_time(const char *s, time_t want)
{
	time_t t = 0;

	if (dh_time_parse(s, &t) != 0)
		fail_msg("refused: '%s'", s);
	if (t != want)
		fail_msg("'%s' read as %lld, wanted %lld", s, (long long)t, (long long)want);
}

static void
expect_refused(const char *s)
{
	time_t t = 0;

	if (dh_time_parse(s, &t) != DH_EPARSE)
		fail_msg("accepted: '%s'", s ? s : "(null)");
}

static void
test_forms_rfc3339_allows(void **state)
{
	expect_time("2026-11-30T12:29:56Z", T0);
	expect_time("2026-11-30t12:29:56z", T0);
	expect_time("2026-11-30 12:29:56+00:00", T0);           /* date --rfc-3339=seconds */
	expect_time("2026-11-30 12:29:56.123456789+00:00", T0); /* --rfc-3339=ns */
	expect_time("2026-11-30T12:29:56.5Z", T0);
	expect_time("2026-11-30T13:29:56+01:00", T0);
	expect_time("2026-11-30T07:59:56-04:30", T0);
	expect_time("2026-11-30T12:29:56-00:00", T0); /* "offset unknown" in RFC 3339 */
	expect_time("2026-12-01T02:29:56+14:00", T0); /* Kiribati */
	expect_time("2026-11-29T22:29:56-14:00", T0);
	expect_time("2026-12-01T12:28:56+23:59", T0); /* the grammar's largest */
	expect_time("2024-02-29T00:00:00Z", 1709164800);
	expect_time("2000-02-29T00:00:00Z", 951782400);
}

static void
test_leap_seconds(void **state)
{
	expect_time("2016-12-31T23:59:60Z", 1483228799);
	expect_time("2016-12-31T23:59:60.5Z", 1483228799);
	expect_time("2017-01-01T00:59:60+01:00", 1483228799); /* 23:59:60 in UTC */
	expect_time("2016-12-31T18:59:60-05:00", 1483228799);
	expect_refused("2016-12-31T12:00:60Z");      /* not at the end of a UTC day */
	expect_refused("2016-12-31T23:59:60+01:00"); /* 22:59:60 UTC */
	expect_refused("2016-12-31T23:59:61Z");
}

static void
test_refused(void **state)
{
	static const char *const bad[] = {
		"2026-13-01T00:00:00Z",
		"2026-00-10T00:00:00Z",
		"2026-11-31T00:00:00Z",
		"2026-02-29T00:00:00Z",
		"1900-02-29T00:00:00Z",
		"2026-11-00T00:00:00Z",
		"2026-11-30T24:00:00Z",
		"2026-11-30T12:60:00Z",
		"2026-11-30T12:29:56",
		"2026-11-30T12:29:56+24:00",
		"2026-11-30T12:29:56-24:00",
		"2026-11-30T12:29:56+01:60",
		"2026-11-30T12:29:56+0100",
		"2026-11-30T12:29:56+01",
		"2026-11-30T12:29:56.Z",
		"2026-11-30T12:29:56Z trailing",
		"2026-11-30_12:29:56Z",
		"2026-11-30T12:29Z",
		"26-11-30T12:29:56Z",
		"1969-12-31T23:59:59Z",
		"2026-11-30  12:29:56Z",
		" 2026-11-30T12:29:56Z",
		"2026-11-30T1a:29:56Z",
		"",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_refused(bad[i]);
	expect_refused(NULL);
}

static void
test_format_roundtrip(void **state)
{
	char out[DH_RFC3339_LEN];
	time_t t;

	dh_time_format(T0, out, sizeof(out));
	assert_string_equal(out, "2026-11-30T12:29:56Z");
	assert_int_equal(dh_time_parse(out, &t), 0);
	assert_int_equal(t, T0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms_rfc3339_allows),
		cmocka_unit_test(test_leap_seconds),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_format_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
