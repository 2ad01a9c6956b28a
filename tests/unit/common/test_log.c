/*
 * The log (agent/common/log.c): levels filter, a sink receives whole
 * lines, and every message is escaped so that text from a request cannot
 * forge a line or a terminal sequence: controls (C0, DEL, C1), backslashes
 * and bytes outside valid UTF-8 (stray continuation bytes, overlong forms,
 * surrogates, truncated sequences) become \xNN; valid UTF-8 (Swedish
 * names) stays; a cut never splits an escape or a character.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "dh/log.h"

struct seen {
	int n;
	enum dh_log_level level;
	char line[DH_LOG_LINE_MAX];
};

static void
sink(void *ctx, enum dh_log_level level, const char *line)
{
	struct seen *s = ctx;

	s->n++;
	s->level = level;
	snprintf(s->line, sizeof(s->line), "%s", line);
}

static void
expect_escape(const char *in, const char *want)
{
	char out[256];

	dh_log_escape(out, sizeof(out), in);
	assert_string_equal(out, want);
}

static void
test_escape_controls(void **state)
{
	expect_escape("plain text", "plain text");
	expect_escape("forged\nline", "forged\\x0aline");
	expect_escape("cr\rlf", "cr\\x0dlf");
	expect_escape("\x1b[31mred", "\\x1b[31mred");
	expect_escape("del\x7f", "del\\x7f");
	expect_escape("tab\there", "tab\\x09here");
	expect_escape("back\\slash", "back\\\\slash");
	expect_escape("csi \xc2\x9b"
		      "2J",
		"csi \\xc2\\x9b2J"); /* C1 CSI */
}

static void
test_escape_utf8(void **state)
{
	expect_escape("Datahall Öst – Väst", "Datahall Öst – Väst");
	expect_escape("emoji \xf0\x9f\x92\xbe ok", "emoji \xf0\x9f\x92\xbe ok");
	expect_escape("latin1 \xe5\xe4\xf6", "latin1 \\xe5\\xe4\\xf6");
	expect_escape("stray \x80", "stray \\x80");
	expect_escape("overlong \xc0\xaf", "overlong \\xc0\\xaf");
	expect_escape("overlong3 \xe0\x80\xaf", "overlong3 \\xe0\\x80\\xaf");
	expect_escape("surrogate \xed\xa0\x80", "surrogate \\xed\\xa0\\x80");
	expect_escape("past max \xf4\x90\x80\x80", "past max \\xf4\\x90\\x80\\x80");
	expect_escape("cut \xe2\x82", "cut \\xe2\\x82");
}

static void
test_escape_cut_whole(void **state)
{
	char out[8];

	assert_int_equal(dh_log_escape(out, sizeof(out), "abcd\n"), 4); /* "\x0a" does not fit */
	assert_string_equal(out, "abcd");
	assert_int_equal(dh_log_escape(out, sizeof(out), "abcdef\xc3\xa5"), 6);
	assert_string_equal(out, "abcdef");
	assert_int_equal(dh_log_escape(out, 1, "x"), 0);
	assert_string_equal(out, "");
}

static void
test_levels_and_sink(void **state)
{
	struct seen s = { 0 };

	dh_log_open("drillhall", DH_LOG_STDERR, DH_LOG_WARN);
	dh_log_set_sink(sink, &s);
	dh_log_info("not written");
	assert_int_equal(s.n, 0);
	assert_false(dh_log_is_enabled(DH_LOG_INFO));
	assert_true(dh_log_is_enabled(DH_LOG_ERROR));
	dh_log_warn("job %s: type '%s' from %s", "j1", "step\nFORGED 1", "127.0.0.1");
	assert_int_equal(s.n, 1);
	assert_int_equal(s.level, DH_LOG_WARN);
	assert_string_equal(s.line, "job j1: type 'step\\x0aFORGED 1' from 127.0.0.1");
	dh_log_open("drillhall", DH_LOG_STDERR, DH_LOG_DEBUG);
	dh_log_debug("%d", 42);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.line, "42");
	dh_log_set_sink(NULL, NULL);
	dh_log_open("drillhall", DH_LOG_STDERR, DH_LOG_INFO);
}

static void
test_long_message_cut(void **state)
{
	struct seen s = { 0 };
	char big[DH_LOG_LINE_MAX * 2];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	dh_log_set_sink(sink, &s);
	dh_log_error("%s", big);
	assert_int_equal(s.n, 1);
	assert_int_equal(strlen(s.line), DH_LOG_LINE_MAX - 1);
	dh_log_set_sink(NULL, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_controls),
		cmocka_unit_test(test_escape_utf8),
		cmocka_unit_test(test_escape_cut_whole),
		cmocka_unit_test(test_levels_and_sink),
		cmocka_unit_test(test_long_message_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
