/*
 * The inih adapter: line numbers, sections reported as they open, and
 * every way a line can be lost or cut reported instead.
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
#include "dh/ini.h"

static void
collect(void *user, const struct dh_ini_entry *e)
{
	struct dh_buf *b = user;

	switch (e->kind) {
	case DH_INI_SECTION:
		dh_buf_printf(b, "%d S %s\n", e->line, e->section);
		break;
	case DH_INI_KEY:
		dh_buf_printf(b, "%d K %s.%s=%s", e->line, e->section, e->key, e->value);
		if (e->comment)
			dh_buf_printf(b, " #%s", e->comment);
		dh_buf_putc(b, '\n');
		break;
	case DH_INI_ERROR:
		dh_buf_printf(b, "%d E %s\n", e->line, e->value);
		break;
	}
}

static char *
parse(const char *text, size_t len)
{
	struct dh_buf b;

	dh_buf_init(&b);
	dh_ini_parse_string(text, len, collect, &b);
	return dh_buf_take(&b);
}

static void
test_lines_and_sections(void **state)
{
	const char *t = "; head\n[plan]\nname = Exempel ; comment here\n\n[empty]\n"
			"[a b]\r\n  k=v\n";
	char *out = parse(t, strlen(t));

	assert_string_equal(out,
		"2 S plan\n3 K plan.name=Exempel #comment here\n"
		"5 S empty\n6 S a b\n7 K a b.k=v\n");
	free(out);
}

static void
test_bad_lines(void **state)
{
	const char t[] = "[s]\njust words\n[broken\nk=\xff\xfe\nok=1\n";
	char *out = parse(t, sizeof(t) - 1);

	assert_string_equal(out,
		"1 S s\n2 E expected 'key = value'\n"
		"3 E malformed section header (expected '[name]')\n"
		"4 E line is not valid UTF-8 text\n5 K s.ok=1\n");
	free(out);
}

static void
test_long_line(void **state)
{
	size_t n = 2 * 1024 * 1024;
	char *t = dh_xmalloc(n + 16);
	char *out;

	memcpy(t, "[s]\nk=", 6);
	memset(t + 6, 'x', n);
	memcpy(t + 6 + n, "\nz=1\n", 5);
	out = parse(t, n + 11);
	assert_string_equal(out, "1 S s\n2 E line is longer than 4096 bytes\n3 K s.z=1\n");
	free(out);
	free(t);
}

static void
test_nul_byte(void **state)
{
	const char t[] = "[s]\nk=a\0b\n";
	char *out = parse(t, sizeof(t) - 1);

	assert_string_equal(out, "1 S s\n2 E line is not valid UTF-8 text\n");
	free(out);
}

static void
test_missing_file(void **state)
{
	struct dh_err err;

	dh_err_clear(&err);
	assert_int_equal(dh_ini_parse_file("/nonexistent/x.ini", collect, NULL, &err), DH_ENOENT);
	assert_non_null(strstr(err.msg, "/nonexistent/x.ini"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_and_sections),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_missing_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
