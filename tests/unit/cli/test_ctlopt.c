/*
 * Options of the transport commands (controller/ctlopt.c) and record
 * printing (recfmt.c): global options anywhere, --name=value, a table of
 * command options and flags, the controller configuration filling only
 * what the command line left unset, bad input named; CSV quoting.
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

#include "cli/ctlopt.h"
#include "dh/buf.h"
#include "render/record.h"
#include "tmpl.h"

static void
test_anywhere(void **state)
{
	char *argv[] = { "history", "--db", "x.db", "procapita", "--since=30d", "--quiet",
		"--config", "/dev/null", "--format", "csv", NULL };
	char *since = NULL;
	bool quiet = false;
	const struct dh_opt extra[] = { { "since", &since, NULL }, { "quiet", NULL, &quiet } };
	struct dh_ctlopt o;

	assert_int_equal(dh_ctlopt_parse(&o, 10, argv, extra, 2, NULL), 0);
	assert_string_equal(o.db, "x.db");
	assert_string_equal(o.format, "csv");
	assert_string_equal(o.listen, DH_CTLOPT_LISTEN); /* default */
	assert_int_equal(o.npos, 1);
	assert_string_equal(o.pos[0], "procapita");
	assert_string_equal(since, "30d");
	assert_true(quiet);
	assert_true(dh_ctlopt_is_format(o.format, "text,json,csv"));
	assert_false(dh_ctlopt_is_format("cs", "text,json,csv"));
	assert_false(dh_ctlopt_is_format("html", "text,json,csv"));
	free(since);
	dh_ctlopt_fini(&o);
}

static void
test_bad(void **state)
{
	char *a1[] = { "run", "--bogus", NULL };
	char *a2[] = { "run", "--db", NULL };
	char *a3[] = { "run", "--now", "yesterday", "--config", "/dev/null", NULL };
	struct dh_ctlopt o;
	struct dh_err err;

	assert_int_equal(dh_ctlopt_parse(&o, 2, a1, NULL, 0, &err), DH_EINVAL);
	assert_string_equal(err.msg, "unknown option --bogus");
	dh_ctlopt_fini(&o);
	assert_int_equal(dh_ctlopt_parse(&o, 2, a2, NULL, 0, &err), DH_EINVAL);
	assert_string_equal(err.msg, "option --db needs a value");
	dh_ctlopt_fini(&o);
	assert_int_equal(dh_ctlopt_parse(&o, 5, a3, NULL, 0, &err), DH_EINVAL);
	dh_ctlopt_fini(&o);
}

static void
test_config(void **state)
{
	char path[] = DH_TMPL("/tmp/dh-test-ctlopt-");
	int fd = mkstemp(path);
	char *argv[] = { "serve", "--config", path, "--listen", "127.0.0.1:9", NULL };
	static const char ini[] = "[controller]\ndatabase = /var/x.db\n"
		"listen = 127.0.0.1:8443\ntls_cert = /etc/c.pem\ntls_key = /etc/k.pem\n";
	struct dh_ctlopt o;
	struct dh_err err;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, ini, sizeof(ini) - 1), (ssize_t)(sizeof(ini) - 1));
	close(fd);
	assert_int_equal(dh_ctlopt_parse(&o, 5, argv, NULL, 0, &err), 0);
	assert_string_equal(o.db, "/var/x.db");
	assert_string_equal(o.listen, "127.0.0.1:9"); /* the command line wins */
	assert_string_equal(o.tls_cert, "/etc/c.pem");
	dh_ctlopt_fini(&o);
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, "[controller]\nlisen = x\n", 23), 23);
	close(fd);
	assert_int_equal(dh_ctlopt_parse(&o, 5, argv, NULL, 0, &err), DH_EPARSE);
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.msg, "lisen"));
	dh_ctlopt_fini(&o);
	unlink(path);
}

static void
test_csv(void **state)
{
	struct dh_record *r = dh_record_new();
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	r->id = dh_xstrdup("j1");
	r->system = dh_xstrdup("procapita");
	r->verdict = DH_VERDICT_ERROR;
	r->started_at = 1795000000;
	r->rto_target_s = 3600;
	r->error = dh_xstrdup("host \"b1\" refused, key changed");
	dh_record_add_host(r, "b1");
	dh_record_add_host(r, "b2");
	dh_recfmt_csv_row(f, r);
	fclose(f);
	assert_string_equal(out, "j1,procapita,restore,,2026-11-18T11:06:40Z,,error,b1 b2,,"
		",,3600,,0,0,,,\"host \"\"b1\"\" refused, key changed\"\r\n");
	free(out);
	dh_record_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_anywhere),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_csv),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
