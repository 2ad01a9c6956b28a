/*
 * The controller's command table and settings (controller/cli/cli.c,
 * ctlopt.c): global options before and after the command, --name=value,
 * each command's own options and argument count, --help, the controller
 * configuration filling only what the command line left unset, bad input
 * named in one line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli/cli.h"
#include "cli/ctlopt.h"
#include "dh/buf.h"
#include "tmpl.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1)

static void
test_anywhere(void **state)
{
	char *argv[] = { "drillhall", "--db", "x.db", "history", "procapita", "--since=30d",
		"--kind", "restore", "--config", "/dev/null", "--format", "csv", "--limit=3",
		NULL };
	struct dh_ctlopt o;
	struct dh_problems pr;
	struct dh_err err;

	dh_ctlopt_init(&o);
	dh_problems_init(&pr);
	assert_int_equal(dh_cli_parse(&o, ARGC(argv), argv, &err), 0);
	assert_int_equal(dh_ctlopt_fill(&o, &pr, &err), 0);
	assert_string_equal(o.command, "history");
	assert_string_equal(o.db, "x.db");
	assert_string_equal(o.format, "csv");
	assert_string_equal(o.listen, DH_CTLOPT_LISTEN); /* default */
	assert_string_equal(o.plans, DH_CTLOPT_PLANS);
	assert_int_equal(o.npos, 1);
	assert_string_equal(o.pos[0], "procapita");
	assert_string_equal(o.since, "30d");
	assert_string_equal(o.kind, "restore");
	assert_int_equal(o.limit, 3);
	dh_problems_fini(&pr);
	dh_ctlopt_fini(&o);
}

static void
test_defaults_and_help(void **state)
{
	char *a1[] = { "drillhall", "--format", "json", "--plans", "p", "check", NULL };
	char *a2[] = { "drillhall", "plan", NULL };
	char *a3[] = { "drillhall", "run", "--bogus", "--help", NULL };
	char *a4[] = { "drillhall", "serve", "-h", "--bogus", NULL };
	char *a5[] = { "drillhall", "--help", NULL };
	struct dh_ctlopt o;
	struct dh_err err;

	dh_ctlopt_init(&o);
	assert_int_equal(dh_cli_parse(&o, ARGC(a1), a1, &err), 0);
	assert_string_equal(o.format, "json"); /* --format before the command */
	assert_string_equal(o.plans, "p");
	dh_ctlopt_fini(&o);
	dh_ctlopt_init(&o);
	assert_int_equal(dh_cli_parse(&o, ARGC(a2), a2, &err), 0);
	assert_string_equal(o.format, "text"); /* the command's first */
	dh_ctlopt_fini(&o);
	dh_ctlopt_init(&o);
	assert_int_equal(dh_cli_parse(&o, ARGC(a3), a3, &err), DH_EINVAL);
	assert_string_equal(err.msg, "unknown option '--bogus'");
	dh_ctlopt_fini(&o);
	dh_ctlopt_init(&o);
	assert_int_equal(dh_cli_parse(&o, ARGC(a4), a4, &err), 0);
	assert_true(o.help);
	assert_string_equal(o.command, "serve");
	dh_ctlopt_fini(&o);
	dh_ctlopt_init(&o);
	assert_int_equal(dh_cli_parse(&o, ARGC(a5), a5, &err), 0);
	assert_true(o.help);
	assert_null(o.command);
	dh_ctlopt_fini(&o);
}

/* argv must fail to parse with exactly msg. */
static void
expect_error(char **argv, int argc, const char *msg)
{
	struct dh_ctlopt o;
	struct dh_err err;

	dh_ctlopt_init(&o);
	dh_err_clear(&err);
	assert_int_equal(dh_cli_parse(&o, argc, argv, &err), DH_EINVAL);
	assert_string_equal(err.msg, msg);
	dh_ctlopt_fini(&o);
}

static void
test_bad(void **state)
{
	char *a1[] = { "drillhall", "run", "--bogus", NULL };
	char *a2[] = { "drillhall", "run", "--db", NULL };
	char *a3[] = { "drillhall", "run", "--now", "yesterday", NULL };
	char *a4[] = { "drillhall", "frobnicate", NULL };
	char *a5[] = { "drillhall", "check", "extra", NULL };
	char *a6[] = { "drillhall", "run", "restore", NULL };
	char *a7[] = { "drillhall", "check", "--format", "csv", NULL };
	char *a8[] = { "drillhall", "history", "--kind", "drill", NULL };
	char *a9[] = { "drillhall", "check", "--listen", "x:1", NULL };
	char *a10[] = { "drillhall", "hosts", "--parallel", "-1", NULL };

	expect_error(a1, ARGC(a1), "unknown option '--bogus'");
	expect_error(a2, ARGC(a2), "option '--db' needs a value");
	expect_error(a3, ARGC(a3),
		"--now: 'yesterday' is not an RFC 3339 time (like "
		"2026-12-31T23:59:59Z)");
	expect_error(a4, ARGC(a4), "unknown command 'frobnicate'");
	expect_error(a5, ARGC(a5), "unexpected argument 'extra'");
	expect_error(a6, ARGC(a6), "expected restore|failover ID");
	expect_error(a7, ARGC(a7), "unknown format 'csv' (allowed: text, json)");
	expect_error(a8, ARGC(a8), "unknown kind 'drill' (allowed: restore, failover)");
	expect_error(a9, ARGC(a9), "unknown option '--listen'");
	expect_error(a10, ARGC(a10),
		"--parallel: '-1' is not a whole number from 0 to "
		"10000");
}

static void
test_config(void **state)
{
	char path[] = DH_TMPL("/tmp/dh-test-ctlopt-");
	int fd = mkstemp(path);
	char *argv[] = { "drillhall", "serve", "--config", path, "--listen", "127.0.0.1:9", NULL };
	static const char ini[] =
		"[controller]\ndatabase = /var/x.db\n"
		"listen = 127.0.0.1:8443\ntls_cert = /etc/c.pem\ntls_key = /etc/k.pem\n";
	struct dh_ctlopt o;
	struct dh_problems pr;
	struct dh_err err;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, ini, sizeof(ini) - 1), (ssize_t)(sizeof(ini) - 1));
	close(fd);
	dh_ctlopt_init(&o);
	dh_problems_init(&pr);
	assert_int_equal(dh_cli_parse(&o, ARGC(argv), argv, &err), 0);
	assert_int_equal(dh_ctlopt_fill(&o, &pr, &err), 0);
	assert_string_equal(o.db, "/var/x.db");
	assert_string_equal(o.listen, "127.0.0.1:9"); /* the command line wins */
	assert_string_equal(o.tls_cert, "/etc/c.pem");
	dh_ctlopt_fini(&o);
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, "[controller]\nlisen = x\n", 23), 23);
	close(fd);
	dh_ctlopt_init(&o);
	assert_int_equal(dh_cli_parse(&o, ARGC(argv), argv, &err), 0);
	assert_int_equal(dh_ctlopt_fill(&o, &pr, &err), DH_EPARSE);
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.msg, "lisen"));
	assert_int_equal(pr.n, 1);
	dh_ctlopt_fini(&o);
	dh_problems_fini(&pr);
	unlink(path);
	dh_ctlopt_init(&o);
	dh_problems_init(&pr);
	assert_int_equal(dh_cli_parse(&o, ARGC(argv), argv, &err), 0);
	assert_int_equal(dh_ctlopt_fill(&o, &pr, &err), DH_ENOENT); /* --config must exist */
	dh_problems_fini(&pr);
	dh_ctlopt_fini(&o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_anywhere),
		cmocka_unit_test(test_defaults_and_help),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
