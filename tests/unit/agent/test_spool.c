/*
 * The event spool: private directory and files, atomic durable writes,
 * listing in sending order (also for job ids holding dots), removal and
 * `.rejected` keeping, job state with its 0600 token file, and the limits.
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
#include "dh/proto.h"
#include "events/spool.h"
#include "tmpl.h"

static int
setup(void **state)
{
	char tmpl[] = DH_TMPL("/tmp/dh-test-spool-");

	if (mkdtemp(tmpl) == NULL)
		return -1;
	*state = dh_xasprintf("%s/a/spool", tmpl);
	return 0;
}

static int
teardown(void **state)
{
	char *dir = *state;
	char *cmd = dh_xasprintf("rm -rf '%.*s'", (int)(strlen(dir) - 8), dir);

	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(dir);
	return 0;
}

static mode_t
mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 0777;
}

static void
test_open_private(void **state)
{
	const char *dir = *state;
	struct dh_err err;

	assert_int_equal(dh_spool_open(dir, &err), 0);
	assert_int_equal(mode_of(dir), 0700);
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(dh_spool_open(dir, &err), 0);
	assert_int_equal(mode_of(dir), 0700);
	assert_int_equal(dh_spool_open("relative/spool", &err), DH_EINVAL);
}

static void
test_put_list_order(void **state)
{
	const char *dir = *state;
	struct dh_spool_list l;
	struct dh_buf b;
	struct dh_err err;

	assert_int_equal(dh_spool_open(dir, &err), 0);
	/* out of order, two jobs, one with dots and digits in its id */
	assert_int_equal(dh_spool_put(dir, "j.1.2", 10, "{\"s\":10}", 8, &err), 0);
	assert_int_equal(dh_spool_put(dir, "j.1.2", 2, "{\"s\":2}", 7, &err), 0);
	assert_int_equal(dh_spool_put(dir, "j.1.2", 1, "{\"s\":1}", 7, &err), 0);
	assert_int_equal(dh_spool_put(dir, "alpha", 3, "{}", 2, &err), 0);
	assert_int_equal(dh_spool_list(dir, &l, &err), 0);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.v[0].job, "alpha");
	assert_string_equal(l.v[1].job, "j.1.2");
	assert_int_equal(l.v[1].seq, 1);
	assert_int_equal(l.v[2].seq, 2);
	assert_int_equal(l.v[3].seq, 10);
	assert_string_equal(l.v[3].name, "j.1.2.0000000010.json");
	assert_true(dh_spool_list_has_job(&l, "alpha"));
	assert_false(dh_spool_list_has_job(&l, "j.1"));

	dh_buf_init(&b);
	assert_int_equal(dh_spool_read(dir, &l.v[3], &b, &err), 0);
	assert_string_equal(b.data, "{\"s\":10}");
	dh_buf_fini(&b);
	char *p = dh_xasprintf("%s/%s", dir, l.v[3].name);
	assert_int_equal(mode_of(p), 0600);
	free(p);
	dh_spool_list_fini(&l);
}

static void
test_ignores_strangers(void **state)
{
	const char *dir = *state;
	struct dh_spool_list l;
	struct dh_err err;
	static const char *names[] = { "x.json", "job.123.json", "job.00000000x1.json",
		"job.0000000000.json", "job.0000000001.json.rejected", "job.0000000001.json.77.tmp",
		"bad/.0000000001.json", ".lock" };

	assert_int_equal(dh_spool_open(dir, &err), 0);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strchr(names[i], '/') != NULL)
			continue;
		char *p = dh_xasprintf("%s/%s", dir, names[i]);
		FILE *f = fopen(p, "w");
		assert_non_null(f);
		fclose(f);
		free(p);
	}
	assert_int_equal(dh_spool_list(dir, &l, &err), 0);
	assert_int_equal(l.n, 0);
	dh_spool_list_fini(&l);
}

static void
test_remove_reject(void **state)
{
	const char *dir = *state;
	struct dh_spool_list l;
	struct dh_err err;

	assert_int_equal(dh_spool_open(dir, &err), 0);
	assert_int_equal(dh_spool_put(dir, "j", 1, "{}", 2, &err), 0);
	assert_int_equal(dh_spool_put(dir, "j", 2, "{}", 2, &err), 0);
	assert_int_equal(dh_spool_list(dir, &l, &err), 0);
	assert_int_equal(dh_spool_remove(dir, &l.v[0], &err), 0);
	assert_int_equal(dh_spool_remove(dir, &l.v[0], &err), 0); /* gone is fine */
	assert_int_equal(dh_spool_reject(dir, &l.v[1], &err), 0);
	dh_spool_list_fini(&l);
	assert_int_equal(dh_spool_list(dir, &l, &err), 0);
	assert_int_equal(l.n, 0);
	dh_spool_list_fini(&l);
	char *p = dh_xasprintf("%s/j.0000000002.json.rejected", dir);
	assert_int_equal(access(p, F_OK), 0);
	free(p);
}

static void
test_limits(void **state)
{
	const char *dir = *state;
	struct dh_err err;
	char *big = dh_xcalloc(1, DH_EVENT_MAX + 2);

	assert_int_equal(dh_spool_open(dir, &err), 0);
	memset(big, 'x', DH_EVENT_MAX + 1);
	assert_int_equal(dh_spool_put(dir, "j", 1, big, DH_EVENT_MAX + 1, &err), DH_ETOOBIG);
	assert_int_equal(dh_spool_put(dir, "j", 1, big, DH_EVENT_MAX, &err), 0);
	assert_int_equal(dh_spool_put(dir, "../x", 1, "{}", 2, &err), DH_EINVAL);
	assert_int_equal(dh_spool_put(dir, "j", 0, "{}", 2, &err), DH_EINVAL);
	assert_int_equal(dh_spool_put(dir, "j", 10000000000LL, "{}", 2, &err), DH_EINVAL);
	free(big);
}

static void
test_job_state(void **state)
{
	const char *dir = *state;
	struct dh_spool_job st = { 0 }, got;
	struct dh_spool_list jobs;
	struct dh_err err;
	char tok[DH_TOKEN_HEX + 1];

	assert_int_equal(dh_spool_open(dir, &err), 0);
	memset(tok, 'a', DH_TOKEN_HEX);
	tok[DH_TOKEN_HEX] = '\0';
	st.url = "https://127.0.0.1:8443";
	st.token = tok;
	assert_int_equal(dh_spool_job_save(dir, "r-1", &st, &err), 0);
	char *p = dh_xasprintf("%s/r-1.job", dir);
	assert_int_equal(mode_of(p), 0600);
	free(p);
	assert_int_equal(dh_spool_job_load(dir, "r-1", &got, &err), 0);
	assert_string_equal(got.url, st.url);
	assert_string_equal(got.token, tok);
	assert_false(got.done);
	dh_spool_job_fini(&got);

	st.done = true;
	assert_int_equal(dh_spool_job_save(dir, "r-1", &st, &err), 0);
	assert_int_equal(dh_spool_job_load(dir, "r-1", &got, &err), 0);
	assert_true(got.done);
	dh_spool_job_fini(&got);

	assert_int_equal(dh_spool_jobs(dir, &jobs, &err), 0);
	assert_int_equal(jobs.n, 1);
	assert_string_equal(jobs.v[0].job, "r-1");
	dh_spool_list_fini(&jobs);

	st.url = "http://x\nevil=1";
	assert_int_equal(dh_spool_job_save(dir, "r-1", &st, &err), DH_EINVAL);
	assert_int_equal(dh_spool_job_remove(dir, "r-1", &err), 0);
	assert_int_equal(dh_spool_job_load(dir, "r-1", &got, &err), DH_ENOENT);
}

static void
test_lock(void **state)
{
	const char *dir = *state;
	struct dh_err err;
	int fd = -1;

	assert_int_equal(dh_spool_open(dir, &err), 0);
	assert_int_equal(dh_spool_lock(dir, true, &fd, &err), 0);
	assert_true(fd >= 0);
	/* flock is per open file: a second open is another holder */
	int fd2 = -1;
	assert_int_equal(dh_spool_lock(dir, false, &fd2, &err), DH_ELOCKED);
	dh_spool_unlock(fd);
	assert_int_equal(dh_spool_lock(dir, false, &fd, &err), 0);
	dh_spool_unlock(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_private, setup, teardown),
		cmocka_unit_test_setup_teardown(test_put_list_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ignores_strangers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_reject, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_job_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
