/*
 * Plan time windows (plan/window.h, SPEC "Scheduler"): parsing one or
 * several windows with day ranges and lists, and whether an instant is
 * inside, in Europe/Stockholm across both 2026 DST changes (spring
 * forward 2026-03-29 01:00 UTC, fall back 2026-10-25 01:00 UTC), across
 * midnight, with several windows; the next opening and when the current
 * one opened.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "dh/timefmt.h"
#include "plan/window.h"

#define STO "Europe/Stockholm"

static time_t
at(const char *s)
{
	time_t t = 0;

	assert_int_equal(dh_time_parse(s, &t), 0);
	return t;
}

static struct dh_window
win(const char *s)
{
	struct dh_window w = { 0 };
	struct dh_err err;

	assert_int_equal(dh_window_parse(s, &w, &err), 0);
	return w;
}

static void
test_parse(void **state)
{
	struct dh_window w = { .line = 7 };
	struct dh_err err;

	(void)state;
	assert_int_equal(dh_window_parse("mon-sun 22:00-06:00", &w, &err), 0);
	assert_true(w.set);
	assert_int_equal(w.line, 7);
	assert_int_equal(w.n, 1);
	assert_int_equal(w.r[0].days, 0x7f);
	assert_int_equal(w.r[0].start_min, 22 * 60);
	assert_int_equal(w.r[0].end_min, 6 * 60);
	assert_int_equal(dh_window_parse("mon-fri 22:00-23:00, sat,sun 10:00-24:00", &w, &err), 0);
	assert_int_equal(w.n, 2);
	assert_int_equal(w.r[0].days, 0x1f);
	assert_int_equal(w.r[1].days, (1u << 5) | (1u << 6));
	assert_int_equal(w.r[1].end_min, 24 * 60);
	assert_int_equal(dh_window_parse("fri-mon,wed 00:00-24:00", &w, &err), 0);
	assert_int_equal(w.r[0].days, (1u << 4) | (1u << 5) | (1u << 6) | 1u | (1u << 2));
}

static void
test_parse_errors(void **state)
{
	static const char *const bad[] = { "sat 1:00-05:00", "sun 05:00-05:00",
		"someday 01:00-02:00", "mon, 01:00-02:00", "mon 25:00-02:00", "mon 01:00-02:00,",
		"mon 01:00-02:00 tue 03:00-04:00", "mon", "", "mon 01:00-02:00, ",
		"mon 24:30-02:00" };
	struct dh_window w = { 0 };
	struct dh_err err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(dh_window_parse(bad[i], &w, &err), DH_EPARSE);
		assert_false(w.set);
	}
	assert_int_equal(dh_window_parse("mon 01:00-02:00 tue 03:00-04:00", &w, &err), DH_EPARSE);
	assert_string_equal(err.msg, "'tue 03:00-04:00' after a window: separate windows with ','");
	assert_int_equal(dh_window_parse("mon 1:00-02:00", &w, &err), DH_EPARSE);
	assert_non_null(strstr(err.msg, "'mon 1:00-02:00' is not a window like"));
	assert_int_equal(dh_window_parse("mon 01:00-02:00, mon 01:00-02:00, mon 01:00-02:00, "
					 "mon 01:00-02:00, mon 01:00-02:00, mon 01:00-02:00, "
					 "mon 01:00-02:00, mon 01:00-02:00, mon 01:00-02:00",
				 &w, &err),
		DH_EPARSE);
	assert_non_null(strstr(err.msg, "more than 8 windows"));
}

/* 2026-03-29: 02:00 CET becomes 03:00 CEST at 01:00 UTC; 02:xx never shows. */
static void
test_spring_forward(void **state)
{
	struct dh_window w = win("sun 02:00-03:00"), wide = win("sun 01:00-04:00");

	(void)state;
	for (time_t t = at("2026-03-28T22:00:00Z"); t < at("2026-03-29T04:00:00Z"); t += 60)
		assert_false(dh_window_is_open(&w, STO, t));
	/* the next opening is a week later, 02:00 CEST = 00:00 UTC */
	assert_int_equal(dh_window_next(&w, STO, at("2026-03-28T12:00:00Z")),
		at("2026-04-05T00:00:00Z"));
	/* 01:00 CET .. 04:00 CEST is two hours of real time that night */
	assert_false(dh_window_is_open(&wide, STO, at("2026-03-28T23:59:00Z")));
	assert_true(dh_window_is_open(&wide, STO, at("2026-03-29T00:00:00Z")));
	assert_true(dh_window_is_open(&wide, STO, at("2026-03-29T00:59:59Z")));
	assert_true(dh_window_is_open(&wide, STO, at("2026-03-29T01:00:00Z"))); /* 03:00 CEST */
	assert_true(dh_window_is_open(&wide, STO, at("2026-03-29T01:59:00Z")));
	assert_false(dh_window_is_open(&wide, STO, at("2026-03-29T02:00:00Z")));
	assert_int_equal(dh_window_opened_at(&wide, STO, at("2026-03-29T01:30:10Z")),
		at("2026-03-29T00:00:00Z"));
}

/* 2026-10-25: 03:00 CEST becomes 02:00 CET at 01:00 UTC; 02:xx shows twice. */
static void
test_fall_back(void **state)
{
	struct dh_window w = win("sun 02:00-03:00");

	(void)state;
	assert_false(dh_window_is_open(&w, STO, at("2026-10-24T23:59:00Z"))); /* 01:59 CEST */
	assert_true(dh_window_is_open(&w, STO, at("2026-10-25T00:00:00Z")));  /* 02:00 CEST */
	assert_true(dh_window_is_open(&w, STO, at("2026-10-25T00:59:00Z")));
	assert_true(dh_window_is_open(&w, STO, at("2026-10-25T01:00:00Z"))); /* 02:00 CET */
	assert_true(dh_window_is_open(&w, STO, at("2026-10-25T01:59:59Z")));
	assert_false(dh_window_is_open(&w, STO, at("2026-10-25T02:00:00Z"))); /* 03:00 CET */
	assert_int_equal(dh_window_opened_at(&w, STO, at("2026-10-25T01:45:00Z")),
		at("2026-10-25T00:00:00Z"));
	assert_int_equal(dh_window_next(&w, STO, at("2026-10-24T20:00:00Z")),
		at("2026-10-25T00:00:00Z"));
	/* a week later it is CET throughout: 02:00 CET = 01:00 UTC */
	assert_int_equal(dh_window_next(&w, STO, at("2026-10-25T02:00:00Z")),
		at("2026-11-01T01:00:00Z"));
}

/* Friday 2026-06-05 22:00 CEST until Saturday 06:00 belongs to Friday. */
static void
test_across_midnight(void **state)
{
	struct dh_window w = win("fri 22:00-06:00");

	(void)state;
	assert_false(dh_window_is_open(&w, STO, at("2026-06-05T19:59:00Z")));
	assert_true(dh_window_is_open(&w, STO, at("2026-06-05T20:00:00Z")));
	assert_true(dh_window_is_open(&w, STO, at("2026-06-06T03:59:00Z"))); /* sat 05:59 */
	assert_false(dh_window_is_open(&w, STO, at("2026-06-06T04:00:00Z")));
	assert_false(dh_window_is_open(&w, STO, at("2026-06-06T20:30:00Z"))); /* sat 22:30 */
	assert_false(dh_window_is_open(&w, STO, at("2026-06-05T01:00:00Z"))); /* fri 03:00 */
	assert_int_equal(dh_window_opened_at(&w, STO, at("2026-06-06T03:00:00Z")),
		at("2026-06-05T20:00:00Z"));
	assert_int_equal(dh_window_opened_at(&w, STO, at("2026-06-06T05:00:00Z")), (time_t)-1);
}

/* Windows that touch are separate openings, each of its start day. */
static void
test_openings(void **state)
{
	struct dh_window all = win("mon-sun 00:00-24:00");
	struct dh_window night = win("mon-sun 22:00-06:00, sat,sun 06:00-22:00");

	(void)state;
	assert_int_equal(dh_window_opened_at(&all, STO, at("2026-06-06T12:34:56Z")),
		at("2026-06-05T22:00:00Z")); /* saturday 00:00 CEST */
	assert_int_equal(dh_window_opened_at(&all, STO, at("2026-06-05T21:59:00Z")),
		at("2026-06-04T22:00:00Z"));
	/* saturday 07:00: the sat 06:00 window, not friday night's */
	assert_int_equal(dh_window_opened_at(&night, STO, at("2026-06-06T05:00:00Z")),
		at("2026-06-06T04:00:00Z"));
	assert_int_equal(dh_window_opened_at(&night, STO, at("2026-06-06T03:00:00Z")),
		at("2026-06-05T20:00:00Z"));
}

/* Several windows in one value, mon-fri and sat,sun. */
static void
test_several(void **state)
{
	struct dh_window w = win("mon-fri 22:00-23:00, sat,sun 10:00-12:00");
	struct dh_window unset = { 0 };

	(void)state;
	assert_true(dh_window_is_open(&w, STO, at("2026-06-06T09:00:00Z")));  /* sat 11:00 */
	assert_true(dh_window_is_open(&w, STO, at("2026-06-07T08:00:00Z")));  /* sun 10:00 */
	assert_false(dh_window_is_open(&w, STO, at("2026-06-08T09:00:00Z"))); /* mon 11:00 */
	assert_true(dh_window_is_open(&w, STO, at("2026-06-08T20:30:00Z")));  /* mon 22:30 */
	assert_false(dh_window_is_open(&w, STO, at("2026-06-06T20:30:00Z"))); /* sat 22:30 */
	assert_int_equal(dh_window_next(&w, STO, at("2026-06-07T10:00:00Z")),
		at("2026-06-08T20:00:00Z"));
	assert_int_equal(dh_window_next(&w, STO, at("2026-06-08T20:10:30Z")),
		at("2026-06-08T20:10:30Z")); /* open now: now */
	/* UTC when the plan names no zone */
	assert_true(dh_window_is_open(&w, NULL, at("2026-06-06T11:00:00Z")));
	assert_false(dh_window_is_open(&unset, STO, at("2026-06-06T09:00:00Z")));
	assert_int_equal(dh_window_next(&unset, STO, at("2026-06-06T09:00:00Z")), (time_t)-1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_spring_forward),
		cmocka_unit_test(test_fall_back),
		cmocka_unit_test(test_across_midnight),
		cmocka_unit_test(test_openings),
		cmocka_unit_test(test_several),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
