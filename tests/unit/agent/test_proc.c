/*
 * Child processes and restic's snapshot list: capture of both streams,
 * exit statuses, bounded output, a deadline that kills the whole process
 * group, programs that cannot run, environment passing; the newest
 * snapshot picked from `restic snapshots --json`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dh/timefmt.h"
#include "restore/method.h"
#include "proc.h"

static int
run(char **argv, const char *const *env, double timeout, size_t keep, struct dh_proc_result *res)
{
	struct dh_proc_opts o = { .argv = argv,
		.env = env,
		.keep = keep,
		.deadline = timeout > 0 ? dh_time_mono() + timeout : 0 };

	dh_proc_result_init(res);
	return dh_proc_run(&o, res, NULL);
}

static void
test_capture_and_status(void **state)
{
	char *argv[] = { "/bin/sh", "-c", "echo out; echo err >&2; exit 3", NULL };
	struct dh_proc_result res;
	char how[64];

	assert_int_equal(run(argv, NULL, 10, 0, &res), 0);
	assert_true(res.exited);
	assert_int_equal(res.exit_code, 3);
	assert_false(dh_proc_is_success(&res));
	assert_string_equal(res.out.data, "out\n");
	assert_string_equal(res.err.data, "err\n");
	dh_proc_describe(&res, how, sizeof(how));
	assert_string_equal(how, "exit status 3");
	dh_proc_result_fini(&res);
}

static void
test_output_is_bounded(void **state)
{
	char *argv[] = { "/bin/sh", "-c", "head -c 100000 /dev/zero", NULL };
	struct dh_proc_result res;

	assert_int_equal(run(argv, NULL, 10, 1000, &res), 0);
	assert_true(dh_proc_is_success(&res));
	assert_int_equal(res.out.len, 1000);
	assert_int_equal(res.out_total, 100000);
	dh_proc_result_fini(&res);
}

static void
test_deadline_kills_the_group(void **state)
{
	char *argv[] = { "/bin/sh", "-c", "sleep 30 & echo $!; sleep 30", NULL };
	struct dh_proc_result res;
	double start = dh_time_mono();
	char how[80];
	pid_t grandchild;

	assert_int_equal(run(argv, NULL, 0.5, 0, &res), 0);
	assert_true(dh_time_mono() - start < 10);
	assert_true(res.timed_out);
	assert_false(dh_proc_is_success(&res));
	grandchild = (pid_t)atoi(res.out.data);
	assert_true(grandchild > 0);
	usleep(100000);
	if (kill(grandchild, 0) == 0) { /* only a zombie waiting for init may remain */
		char path[64], st[256];
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/stat", (int)grandchild);
		f = fopen(path, "r");
		if (f != NULL) {
			assert_non_null(fgets(st, sizeof(st), f));
			fclose(f);
			assert_non_null(strstr(st, ") Z "));
		}
	}
	dh_proc_describe(&res, how, sizeof(how));
	assert_non_null(strstr(how, "timed out"));
	dh_proc_result_fini(&res);
}

static void
test_cannot_run(void **state)
{
	char *argv[] = { "/nonexistent/drillhall-tool", NULL };
	struct dh_proc_result res;
	struct dh_proc_opts o = { .argv = argv };
	struct dh_err e;

	dh_proc_result_init(&res);
	assert_int_equal(dh_proc_run(&o, &res, &e), DH_ENOENT);
	assert_string_equal(e.msg,
		"cannot run /nonexistent/drillhall-tool: No such file or directory");
	dh_proc_result_fini(&res);
}

static void
test_environment(void **state)
{
	char *argv[] = { "/bin/sh", "-c", "printf %s \"$DRILLHALL_TARGET\"", NULL };
	char *argv2[] = { "/bin/sh", "-c", "printf %s \"${RESTIC_PASSWORD-unset}\"", NULL };
	const char *env[] = { "DRILLHALL_TARGET=/scratch/x/1", NULL };
	const char *unset[] = { "RESTIC_PASSWORD", NULL };
	struct dh_proc_result res;

	setenv("DRILLHALL_TARGET", "stale", 1);
	setenv("RESTIC_PASSWORD_X", "keep", 1);
	setenv("RESTIC_PASSWORD", "inherited", 1);
	assert_int_equal(run(argv, env, 10, 0, &res), 0);
	assert_string_equal(res.out.data, "/scratch/x/1");
	dh_proc_result_fini(&res);
	assert_int_equal(run(argv2, unset, 10, 0, &res), 0);
	assert_string_equal(res.out.data, "unset");
	dh_proc_result_fini(&res);
	unsetenv("DRILLHALL_TARGET");
	unsetenv("RESTIC_PASSWORD");
	unsetenv("RESTIC_PASSWORD_X");
}

static void
test_restic_newest(void **state)
{
	const char *json =
		"[{\"time\":\"2026-11-27T21:22:39.289523963Z\",\"id\":\"aaa\",\"short_id\":\"a\"},"
		"{\"time\":\"2026-11-27T23:00:00.5+01:00\",\"id\":\"bbb\"},"
		"{\"time\":\"2025-01-01T00:00:00Z\",\"id\":\"ccc\"}]";
	struct dh_backup b = { .id = NULL };
	struct dh_err e;
	time_t want;

	assert_int_equal(dh_method_restic_newest(json, strlen(json), &b, &e), 0);
	assert_string_equal(b.id, "bbb"); /* 22:00Z is newer than 21:22Z */
	dh_time_parse("2026-11-27T22:00:00Z", &want);
	assert_int_equal(b.at, want);
	dh_backup_fini(&b);
	assert_int_equal(dh_method_restic_newest("[]", 2, &b, &e), DH_ENOENT);
	assert_int_equal(dh_method_restic_newest("{}", 2, &b, &e), DH_EPARSE);
	assert_int_equal(dh_method_restic_newest("[{\"id\":\"x\"}]", 12, &b, &e), DH_EPARSE);
	assert_int_equal(dh_method_restic_newest("garbage", 7, &b, &e), DH_EPARSE);
	assert_null(b.id);
}

/* The newest snapshot names its host and paths (restic applied the filters). */
static void
test_restic_newest_origin(void **state)
{
	const char *json =
		"[{\"time\":\"2026-11-20T10:00:00Z\",\"id\":\"own\",\"hostname\":\"a1\","
		"\"paths\":[\"/srv/a\"]},"
		"{\"time\":\"2026-11-30T10:00:00Z\",\"id\":\"other\",\"hostname\":\"b2\","
		"\"paths\":[\"/srv/b\",\"/etc\",7]}]";
	struct dh_backup b = { .id = NULL };
	struct dh_err e;

	assert_int_equal(dh_method_restic_newest(json, strlen(json), &b, &e), 0);
	assert_string_equal(b.id, "other");
	assert_string_equal(b.host, "b2");
	assert_int_equal(b.npaths, 2); /* a non-string path is not a path */
	assert_string_equal(b.paths[0], "/srv/b");
	assert_string_equal(b.paths[1], "/etc");
	dh_backup_fini(&b);
	assert_null(b.host);
	/* without hostname or paths: the id and time still count */
	json = "[{\"time\":\"2026-11-20T10:00:00Z\",\"id\":\"x\"}]";
	assert_int_equal(dh_method_restic_newest(json, strlen(json), &b, &e), 0);
	assert_null(b.host);
	assert_int_equal(b.npaths, 0);
	dh_backup_fini(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture_and_status),
		cmocka_unit_test(test_output_is_bounded),
		cmocka_unit_test(test_deadline_kills_the_group),
		cmocka_unit_test(test_cannot_run),
		cmocka_unit_test(test_environment),
		cmocka_unit_test(test_restic_newest),
		cmocka_unit_test(test_restic_newest_origin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
