/*
 * Reading a plans directory (files.c): policy.ini and inventory.ini
 * first, then every systems/ *.ini; other entries under systems/ warned
 * about and skipped; a missing systems/ a problem, a missing directory or
 * file an error (exit 2) naming it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dh/buf.h"
#include "plan/files.h"
#include "file_fx.h"
#include "tmpl.h"

static void
rm(const char *dir, const char *rel)
{
	char *path = dh_xasprintf("%s/%s", dir, rel);

	unlink(path);
	rmdir(path);
	free(path);
}

static void
test_read_directory(void **state)
{
	char dir[] = DH_TMPL("/tmp/dh-plan-files-");
	char *sys;
	struct dh_plan_files fs;
	struct dh_problems pr;
	struct dh_err err;

	assert_non_null(mkdtemp(dir));
	sys = dh_xasprintf("%s/systems", dir);
	assert_int_equal(mkdir(sys, 0700), 0);
	fx_put(dir, "policy.ini", "[plan]\n");
	fx_put(dir, "inventory.ini", "[controller]\n");
	fx_put(dir, "systems/a.ini", "[system]\n");
	fx_put(dir, "systems/notes.txt", "x\n");
	dh_plan_files_init(&fs);
	dh_problems_init(&pr);
	assert_int_equal(dh_plan_files_read(&fs, dir, &pr, &err), 0);
	assert_int_equal(fs.n, 3);
	assert_string_equal(fs.v[0].path, "policy.ini");
	assert_string_equal(fs.v[1].path, "inventory.ini");
	assert_string_equal(fs.v[2].path, "systems/a.ini");
	assert_int_equal(fs.v[2].len, 9);
	assert_memory_equal(fs.v[2].text, "[system]\n", 9);
	assert_int_equal(pr.n, 1);
	assert_string_equal(pr.v[0].file, "systems/notes.txt");
	assert_int_equal(pr.v[0].severity, DH_SEV_WARNING);
	dh_plan_files_fini(&fs);
	dh_problems_fini(&pr);

	rm(dir, "systems/a.ini");
	rm(dir, "systems/notes.txt");
	rm(dir, "systems");
	dh_plan_files_init(&fs);
	dh_problems_init(&pr);
	assert_int_equal(dh_plan_files_read(&fs, dir, &pr, &err), 0);
	assert_int_equal(fs.n, 2);
	assert_int_equal(pr.n, 1);
	assert_string_equal(pr.v[0].file, "systems");
	assert_string_equal(pr.v[0].message,
		"missing directory: the systems' plan files go in systems/");
	dh_plan_files_fini(&fs);
	dh_problems_fini(&pr);

	rm(dir, "inventory.ini");
	dh_plan_files_init(&fs);
	dh_problems_init(&pr);
	assert_int_equal(dh_plan_files_read(&fs, dir, &pr, &err), DH_ENOENT);
	assert_string_equal(err.file, "inventory.ini");
	dh_plan_files_fini(&fs);
	dh_problems_fini(&pr);

	rm(dir, "policy.ini");
	rmdir(dir);
	free(sys);
}

static void
test_missing_directory(void **state)
{
	struct dh_plan_files fs;
	struct dh_problems pr;
	struct dh_err err;

	dh_plan_files_init(&fs);
	dh_problems_init(&pr);
	assert_int_equal(dh_plan_files_read(&fs, "/nonexistent/plans", &pr, &err), DH_ENOENT);
	assert_non_null(strstr(err.msg, "/nonexistent/plans"));
	assert_int_equal(fs.n, 0);
	dh_plan_files_fini(&fs);
	dh_problems_fini(&pr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_directory),
		cmocka_unit_test(test_missing_directory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
