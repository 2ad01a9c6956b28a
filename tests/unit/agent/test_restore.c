/*
 * The restore test end to end on tar archives written by libarchive in a
 * temp dir: check order and names, verdicts (passed, failed on rpo and
 * on a verification, error for jobs that cannot be carried out), the
 * target removed or kept, and the record's measured fields.
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
#include <sys/time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "dh/buf.h"
#include "restore/restore.h"
#include "restore/tree.h"
#include "tmpl.h"

static char dir[] = DH_TMPL("/tmp/dh-test-restore.");
static struct dh_agent_config *cfg;

static void
write_tar(const char *path, time_t mtime)
{
	static const char *const names[] = { "data/a.txt", "data/b.txt" };
	static const char *const bodies[] = { "alpha\n", "beta\n" };
	struct archive *a = archive_write_new();
	struct timeval tv[2] = { { mtime, 0 }, { mtime, 0 } };

	archive_write_set_format_pax_restricted(a);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (int i = 0; i < 2; i++) {
		struct archive_entry *e = archive_entry_new();

		archive_entry_set_pathname(e, names[i]);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)strlen(bodies[i]));
		archive_write_header(a, e);
		archive_write_data(a, bodies[i], strlen(bodies[i]));
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
	assert_int_equal(utimes(path, tv), 0);
}

static int
setup(void **state)
{
	struct dh_err e;
	char *p, *ini;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	p = dh_xasprintf("%s/backup", dir), mkdir(p, 0700), free(p);
	p = dh_xasprintf("%s/backup2", dir), mkdir(p, 0700), free(p);
	p = dh_xasprintf("%s/scratch", dir), mkdir(p, 0700), free(p);
	p = dh_xasprintf("%s/backup/sys.tar", dir);
	write_tar(p, time(NULL) - 10);
	free(p);
	p = dh_xasprintf("%s/m.sha256", dir);
	f = fopen(p, "w");
	fputs("a8c2bc64ec67a79a2c1ee3e2ba42b3d5d0ed5c2f4ec65a5a3a9c6b4d8b7e5c1a  data/a.txt\n", f);
	fclose(f);
	free(p);
	ini = dh_xasprintf("[agent]\nscratch = %s/scratch\nbackup_roots = %s/backup\n"
			   "[action ok]\ncommand = /usr/bin/test -s data/a.txt\n",
		dir, dir);
	assert_int_equal(dh_agent_config_parse_string(ini, strlen(ini), "agent.ini", &cfg, &e), 0);
	free(ini);
	return 0;
}

static int
teardown(void **state)
{
	dh_agent_config_free(cfg);
	return dh_tree_remove(dir, NULL);
}

static struct dh_job *
tar_job(const char *id, const char *repo)
{
	struct dh_job *j = dh_xcalloc(1, sizeof(*j));

	j->version = 1;
	j->id = dh_xstrdup(id);
	j->kind = DH_JOB_RESTORE;
	j->system = dh_xstrdup("sys");
	j->rpo_target_s = 3600;
	j->rto_target_s = 600;
	j->timeout_s = 60;
	j->restore.method = DH_METHOD_TAR;
	j->restore.repository = dh_xasprintf("%s/%s", dir, repo);
	return j;
}

static void
add_verify(struct dh_job *j, enum dh_verify_kind k, const char *arg, int64_t n)
{
	struct dh_job_restore *rs = &j->restore;

	rs->verify = dh_xrealloc(rs->verify, (rs->nverify + 1) * sizeof(*rs->verify));
	rs->verify[rs->nverify++] = (struct dh_verify){ k, arg ? dh_xstrdup(arg) : NULL, n };
}

static struct dh_record *
run(struct dh_job *j)
{
	struct dh_record *rec = dh_record_new();

	assert_int_equal(dh_restore_run(cfg, j, rec, NULL, NULL), 0);
	dh_job_free(j);
	return rec;
}

static char *
check_names(const struct dh_record *rec)
{
	struct dh_buf b;

	dh_buf_init(&b);
	for (size_t i = 0; i < rec->nchecks; i++)
		dh_buf_printf(&b, "%s%s=%s", i ? "," : "", rec->checks[i].name,
			dh_verdict_name(rec->checks[i].verdict));
	return dh_buf_take(&b);
}

static void
test_passes_and_cleans_up(void **state)
{
	struct dh_job *j = tar_job("ok-1", "backup");
	struct dh_record *rec;
	char *names, *target = dh_xasprintf("%s/scratch/sys/ok-1", dir);

	add_verify(j, DH_VERIFY_MIN_FILES, NULL, 2);
	add_verify(j, DH_VERIFY_MIN_BYTES, NULL, 11);
	add_verify(j, DH_VERIFY_FILE, "data/b.txt", 0);
	add_verify(j, DH_VERIFY_ACTION, "ok", 0);
	rec = run(j);
	names = check_names(rec);
	assert_string_equal(names,
		"backup=passed,restore=passed,content=passed,"
		"min_files 2=passed,min_bytes 11=passed,file data/b.txt=passed,action ok=passed,"
		"rpo=passed,rto=passed,cleanup=passed");
	assert_int_equal(rec->verdict, DH_VERDICT_PASSED);
	assert_null(rec->error);
	assert_true(rec->rpo_actual_s >= 10 && rec->rpo_actual_s < 60);
	assert_true(rec->rto_actual_s >= 0 && rec->rto_actual_s < 60);
	assert_int_equal(rec->files_verified, 0); /* no manifest: nothing proved identical */
	assert_int_equal(access(target, F_OK), -1);
	free(names);
	free(target);
	dh_record_free(rec);
}

static void
test_failures_are_failed(void **state)
{
	struct dh_job *j = tar_job("bad-1", "backup");
	struct dh_record *rec;
	char *m = dh_xasprintf("%s/m.sha256", dir), *names;

	j->rpo_target_s = 5; /* the archive is 10 s old */
	add_verify(j, DH_VERIFY_MIN_FILES, NULL, 3);
	add_verify(j, DH_VERIFY_FILE, "data/none", 0);
	add_verify(j, DH_VERIFY_MANIFEST, m, 0);
	rec = run(j);
	names = check_names(rec);
	assert_true(strncmp(names,
			    "backup=passed,restore=passed,content=passed,"
			    "min_files 3=failed,file data/none=failed,manifest ",
			    94) == 0);
	assert_non_null(strstr(names, ".sha256=failed,rpo=failed,rto=passed,cleanup=passed"));
	assert_int_equal(rec->verdict, DH_VERDICT_FAILED);
	assert_int_equal(rec->mismatches_total, 2); /* a.txt changed, b.txt extra */
	assert_string_equal(rec->mismatches[0].path, "data/a.txt");
	assert_string_equal(rec->mismatches[1].path, "data/b.txt");
	assert_string_equal(rec->mismatches[1].problem, "extra");
	free(names);
	free(m);
	dh_record_free(rec);
}

static void
expect_error(struct dh_job *j, const char *want)
{
	struct dh_record *rec = run(j);

	assert_int_equal(rec->verdict, DH_VERDICT_ERROR);
	assert_non_null(rec->error);
	if (strstr(rec->error, want) == NULL)
		fail_msg("error '%s' lacks '%s'", rec->error, want);
	dh_record_free(rec);
}

static void
test_errors_are_not_evidence(void **state)
{
	struct dh_job *j = tar_job("f-1", "backup");

	j->kind = DH_JOB_FAILOVER;
	expect_error(j, "a failover job is not a restore test");
	expect_error(tar_job("p-1", "backup2"), "outside the backup_roots");
	expect_error(tar_job("p-2", "backup/../backup2"), "outside the backup_roots");
	expect_error(tar_job("n-1", "nonexistent"), "cannot be used");
	j = tar_job("a-1", "backup");
	add_verify(j, DH_VERIFY_ACTION, "undefined-action", 0);
	expect_error(j, "names action 'undefined-action'");
	j = tar_job("d-1", "backup");
	add_verify(j, DH_VERIFY_FILE, "../../etc/passwd", 0);
	expect_error(j, "must be a relative path");
	j = tar_job("m-1", "backup");
	add_verify(j, DH_VERIFY_MANIFEST, "/nonexistent/m.sha256", 0);
	expect_error(j, "/nonexistent/m.sha256");
}

static void
test_keep_leaves_the_target(void **state)
{
	struct dh_job *j = tar_job("keep-1", "backup");
	char *f = dh_xasprintf("%s/scratch/sys/keep-1/data/a.txt", dir);
	struct dh_record *rec;

	j->restore.keep = true;
	rec = run(j);
	assert_int_equal(rec->verdict, DH_VERDICT_PASSED);
	assert_int_equal(access(f, F_OK), 0);
	assert_non_null(strstr(rec->checks[rec->nchecks - 1].detail, "kept"));
	dh_record_free(rec);
	rec = run(tar_job("keep-1", "backup")); /* same id again: the target exists */
	assert_int_equal(rec->verdict, DH_VERDICT_ERROR);
	assert_int_equal(access(f, F_OK), 0); /* and is left alone */
	dh_record_free(rec);
	free(f);
}

/*
 * A backup time more than 5 minutes ahead is a clock fault: the backup
 * check fails naming it and how far ahead, nothing is restored and no rpo
 * is measured. Within the 5 minutes it is a fresh backup.
 */
static void
test_future_backup_is_a_clock_fault(void **state)
{
	char *repo = dh_xasprintf("%s/backup/future", dir), *tar = dh_xasprintf("%s/sys.tar", repo);
	struct dh_record *rec;
	char *names;

	assert_int_equal(mkdir(repo, 0700), 0);
	write_tar(tar, time(NULL) + 3600);
	rec = run(tar_job("clock-1", "backup/future"));
	names = check_names(rec);
	assert_string_equal(names, "backup=failed");
	assert_int_equal(rec->verdict, DH_VERDICT_FAILED);
	assert_non_null(strstr(rec->checks[0].detail, "sys.tar is dated "));
	assert_non_null(
		strstr(rec->checks[0].detail, " ahead of this host's clock: a clock fault"));
	assert_true(strstr(rec->checks[0].detail, ", 1h ahead") != NULL ||
		strstr(rec->checks[0].detail, ", 59m") != NULL);
	assert_int_equal(rec->backup_at, 0);     /* none: not a backup time */
	assert_int_equal(rec->rpo_actual_s, -1); /* none measured */
	free(names);
	dh_record_free(rec);
	write_tar(tar, time(NULL) + 240); /* within the skew allowed */
	rec = run(tar_job("clock-2", "backup/future"));
	assert_int_equal(rec->verdict, DH_VERDICT_PASSED);
	assert_int_equal(rec->rpo_actual_s, 0);
	dh_record_free(rec);
	free(tar);
	free(repo);
}

static void
test_manifest_listing_nothing_is_error(void **state)
{
	char *m = dh_xasprintf("%s/empty.sha256", dir), *want;
	struct dh_job *j = tar_job("empty-1", "backup");
	FILE *f = fopen(m, "w");

	assert_non_null(f);
	fputs("# nothing here\r\n\r\n", f);
	fclose(f);
	add_verify(j, DH_VERIFY_MANIFEST, m, 0);
	want = dh_xasprintf("the manifest %s lists no files", m);
	expect_error(j, want);
	free(want);
	free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passes_and_cleans_up),
		cmocka_unit_test(test_failures_are_failed),
		cmocka_unit_test(test_errors_are_not_evidence),
		cmocka_unit_test(test_keep_leaves_the_target),
		cmocka_unit_test(test_future_backup_is_a_clock_fault),
		cmocka_unit_test(test_manifest_listing_nothing_is_error),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
