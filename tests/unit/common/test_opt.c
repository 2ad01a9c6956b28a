/*
 * The option parser (include/dh/opt.h): each type of option, options
 * before and after positional arguments, --name=value, "--", -h/--help,
 * the positional maximum, every error message exactly, and the usage and
 * help text generated from a table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "dh/opt.h"

struct vals {
	bool quiet;
	const char *db;
	int64_t limit, retry;
	time_t now;
	const char *format;
};

static const char *const formats[] = { "text", "json", "csv", NULL };

static const struct dh_opt_spec specs[] = {
	DH_OPT_F("quiet", "say less", struct vals, quiet),
	DH_OPT_S("db", "FILE", "the database", struct vals, db),
	DH_OPT_I("limit", "N", "at most N", struct vals, limit, 0, 100),
	DH_OPT_D("retry-for", "DURATION", "keep trying", struct vals, retry),
	DH_OPT_T("now", "RFC3339", "as of", struct vals, now),
	DH_OPT_C("format", formats, "output format", struct vals, format),
	DH_OPT_END,
};

/* Parse argv (NULL-terminated, argv[0] the program) into v; 0 or DH_EINVAL. */
static int
parse(char **argv, struct vals *v, const char **pos, size_t max, size_t *npos, struct dh_err *err)
{
	struct dh_opt_parser p;
	int argc = 0;

	while (argv[argc] != NULL)
		argc++;
	memset(v, 0, sizeof(*v));
	dh_err_clear(err);
	dh_opt_init(&p, argc, argv, v);
	dh_opt_add(&p, specs);
	return dh_opt_rest(&p, pos, max, npos, err);
}

static void
test_types(void **state)
{
	char *argv[] = { "prog", "a", "--quiet", "--db", "x.db", "--limit=7", "--retry-for",
		"1h30m", "b", "--now=2026-11-27T12:00:00Z", "--format", "csv", NULL };
	const char *pos[4];
	size_t npos;
	struct vals v;
	struct dh_err err;

	assert_int_equal(parse(argv, &v, pos, 4, &npos, &err), 0);
	assert_true(v.quiet);
	assert_string_equal(v.db, "x.db");
	assert_int_equal(v.limit, 7);
	assert_int_equal(v.retry, 5400);
	assert_int_equal(v.now, 1795780800);
	assert_string_equal(v.format, "csv");
	assert_int_equal(npos, 2);
	assert_string_equal(pos[0], "a");
	assert_string_equal(pos[1], "b");
}

static void
test_dashdash_and_help(void **state)
{
	char *a1[] = { "prog", "--db", "d", "--", "--quiet", "-", NULL };
	char *a2[] = { "prog", "x", "-h", "--bogus", NULL };
	char *a3[] = { "prog", "--help", NULL };
	const char *pos[4];
	size_t npos;
	struct vals v;
	struct dh_err err;
	struct dh_opt_parser p;

	assert_int_equal(parse(a1, &v, pos, 4, &npos, &err), 0);
	assert_false(v.quiet);
	assert_int_equal(npos, 2);
	assert_string_equal(pos[0], "--quiet");
	assert_string_equal(pos[1], "-");
	dh_opt_init(&p, 4, a2, &v);
	dh_opt_add(&p, specs);
	assert_int_equal(dh_opt_rest(&p, pos, 4, &npos, &err), 0);
	assert_true(p.help); /* parsing stops at help: --bogus is not looked at */
	assert_int_equal(npos, 1);
	dh_opt_init(&p, 2, a3, &v);
	dh_opt_add(&p, specs);
	assert_int_equal(dh_opt_next(&p, &pos[0], &err), 0);
	assert_null(pos[0]);
	assert_true(p.help);
}

/* argv must fail with exactly msg. */
static void
expect_error(char **argv, size_t max, const char *msg)
{
	const char *pos[4];
	size_t npos;
	struct vals v;
	struct dh_err err;

	assert_int_equal(parse(argv, &v, pos, max, &npos, &err), DH_EINVAL);
	assert_string_equal(err.msg, msg);
}

static void
test_errors(void **state)
{
	char *a1[] = { "prog", "--bogus", NULL };
	char *a2[] = { "prog", "--bogus=1", NULL };
	char *a3[] = { "prog", "--db", NULL };
	char *a4[] = { "prog", "--quiet=yes", NULL };
	char *a5[] = { "prog", "--limit", "101", NULL };
	char *a6[] = { "prog", "--limit=7x", NULL };
	char *a7[] = { "prog", "--retry-for", "soon", NULL };
	char *a8[] = { "prog", "--now", "yesterday", NULL };
	char *a9[] = { "prog", "--format", "pdf", NULL };
	char *a10[] = { "prog", "one", "two", NULL };
	char *a11[] = { "prog", "-x", NULL };
	char *a12[] = { "prog", "--limit=", NULL };
	char *a13[] = { "prog", "--retry-for=never", NULL };

	expect_error(a1, 4, "unknown option '--bogus'");
	expect_error(a2, 4, "unknown option '--bogus'");
	expect_error(a3, 4, "option '--db' needs a value");
	expect_error(a4, 4, "option '--quiet' takes no value");
	expect_error(a5, 4, "--limit: '101' is not a whole number from 0 to 100");
	expect_error(a6, 4, "--limit: '7x' is not a whole number from 0 to 100");
	expect_error(a12, 4, "--limit: '' is not a whole number from 0 to 100");
	expect_error(a7, 4,
		"--retry-for: 'soon' is not a duration (like 90s, 15m, 4h, 7d, "
		"1h30m)");
	expect_error(a13, 4,
		"--retry-for: 'never' is not a duration (like 90s, 15m, 4h, "
		"7d, 1h30m)");
	expect_error(a8, 4,
		"--now: 'yesterday' is not an RFC 3339 time (like "
		"2026-12-31T23:59:59Z)");
	expect_error(a9, 4, "unknown format 'pdf' (allowed: text, json, csv)");
	expect_error(a10, 1, "unexpected argument 'two'");
	expect_error(a11, 4, "unknown option '-x'");
}

static void
test_usage_help(void **state)
{
	struct dh_buf b;

	dh_buf_init(&b);
	dh_opt_usage(&b, specs);
	assert_string_equal(b.data,
		" [--quiet] [--db FILE] [--limit N] "
		"[--retry-for DURATION] [--now RFC3339] [--format text|json|csv]");
	dh_buf_reset(&b);
	dh_opt_help(&b, specs + 1);
	assert_string_equal(b.data,
		"  --db FILE               the database\n"
		"  --limit N               at most N\n"
		"  --retry-for DURATION    keep trying\n"
		"  --now RFC3339           as of\n"
		"  --format text|json|csv  output format\n");
	assert_ptr_equal(dh_opt_find(specs, "now"), &specs[4]);
	assert_null(dh_opt_find(specs, "no"));
	dh_buf_fini(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_dashdash_and_help),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_usage_help),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
