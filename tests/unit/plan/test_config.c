/*
 * controller.ini and the problem list: keys read, relative paths resolved
 * against the file's directory, unknown keys and sections reported with
 * file:line, an absent default file accepted, an absent named file not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "dh/buf.h"
#include "tmpl.h"

static char *
write_tmp(const char *text)
{
	char tmpl[] = DH_TMPL("/tmp/dh-config-");
	int fd = mkstemp(tmpl);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return dh_xstrdup(tmpl);
}

static void
test_config_ok(void **state)
{
	char *path =
		write_tmp("[controller]\nplans = plans\n"
			  "database = /var/lib/drillhall/db.sqlite\nlisten = 127.0.0.1:8443\n");
	struct dh_config cfg;
	struct dh_problems pr;
	struct dh_err err;

	dh_config_init(&cfg);
	dh_problems_init(&pr);
	assert_int_equal(dh_config_load(&cfg, path, true, &pr, &err), 0);
	assert_true(cfg.loaded);
	assert_string_equal(cfg.plans, "/tmp/plans");
	assert_string_equal(cfg.database, "/var/lib/drillhall/db.sqlite");
	assert_string_equal(cfg.listen, "127.0.0.1:8443");
	assert_int_equal(pr.n, 0);
	dh_config_fini(&cfg);
	dh_problems_fini(&pr);
	unlink(path);
	free(path);
}

static void
test_config_bad(void **state)
{
	char *path = write_tmp("[controller]\ndatabse = /x\nlisten = 8443\n"
			       "[users]\nx = y\n");
	struct dh_config cfg;
	struct dh_problems pr;
	struct dh_err err;

	dh_config_init(&cfg);
	dh_problems_init(&pr);
	assert_int_equal(dh_config_load(&cfg, path, true, &pr, &err), DH_EPARSE);
	assert_int_equal(pr.n, 3);
	assert_int_equal(pr.v[0].line, 2);
	assert_string_equal(pr.v[0].message, "unknown key 'databse' in [controller]");
	assert_int_equal(pr.v[1].line, 3);
	assert_int_equal(pr.v[2].line, 4);
	assert_string_equal(pr.v[0].file, path);
	dh_config_fini(&cfg);
	dh_problems_fini(&pr);
	unlink(path);
	free(path);
}

static void
test_config_absent(void **state)
{
	struct dh_config cfg;
	struct dh_problems pr;
	struct dh_err err;

	dh_config_init(&cfg);
	dh_problems_init(&pr);
	assert_int_equal(dh_config_load(&cfg, "/nonexistent/c.ini", false, &pr, &err), 0);
	assert_false(cfg.loaded);
	assert_int_equal(dh_config_load(&cfg, "/nonexistent/c.ini", true, &pr, &err), DH_ENOENT);
	dh_config_fini(&cfg);
	dh_problems_fini(&pr);
}

static void
test_problems_sort(void **state)
{
	struct dh_problems pr;

	dh_problems_init(&pr);
	dh_problems_add(&pr, DH_SEV_WARNING, "systems/b.ini", 3, "w%d", 1);
	dh_problems_add(&pr, DH_SEV_ERROR, "policy.ini", 9, "e");
	dh_problems_add(&pr, DH_SEV_ERROR, "systems/b.ini", 3, "second on line");
	dh_problems_add(&pr, DH_SEV_ERROR, "systems/b.ini", 1, "first");
	dh_problems_sort(&pr);
	assert_string_equal(pr.v[0].file, "policy.ini");
	assert_string_equal(pr.v[1].message, "first");
	assert_string_equal(pr.v[2].message, "w1");
	assert_string_equal(pr.v[3].message, "second on line");
	assert_int_equal(dh_problems_count(&pr, DH_SEV_ERROR), 3);
	dh_problems_fini(&pr);
	dh_problems_fini(&pr); /* twice is harmless */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_ok),
		cmocka_unit_test(test_config_bad),
		cmocka_unit_test(test_config_absent),
		cmocka_unit_test(test_problems_sort),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
