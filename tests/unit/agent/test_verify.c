/*
 * Tree walking, parallel hashing and verification against a manifest:
 * every kind of difference is named, symlinks are never followed, and a
 * manifest built from a tree always verifies against it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dh/buf.h"
#include "restore/tree.h"
#include "restore/verify.h"
#include "file_fx.h"
#include "sh_fx.h"
#include "tmpl.h"

static char root[64];

static int
setup(void **state)
{
	char *d;

	fx_mkdtemp(root, sizeof(root), DH_TMPL("/tmp/dh-test-verify."));
	d = dh_xasprintf("%s/sub", root);
	mkdir(d, 0700);
	free(d);
	fx_put(root, "abc", "abc");
	fx_put(root, "sub/b.txt", "bbbb");
	fx_put(root, "sub/c.txt", "");
	fx_put(root, "a.txt", "hello\n");
	return 0;
}

static int
teardown(void **state)
{
	assert_int_equal(dh_tree_remove(root, NULL), 0);
	assert_int_equal(access(root, F_OK), -1);
	return 0;
}

/* The manifest of the tree as it is now. */
static void
snapshot(struct dh_manifest *m)
{
	struct dh_tree t;

	dh_tree_init(&t);
	assert_int_equal(dh_tree_scan(root, &t, NULL), 0);
	assert_int_equal(dh_tree_hash(root, &t, true, NULL, NULL), 0);
	dh_manifest_init(m);
	for (size_t i = 0; i < t.n; i++)
		if (t.v[i].type == DH_TREE_FILE)
			dh_manifest_add(m, t.v[i].path, t.v[i].sha256, 0);
	dh_tree_fini(&t);
}

static void
collect(void *user, const char *path, const char *problem)
{
	dh_buf_printf(user, "%s: %.7s\n", path, problem);
}

static char *
differences(const struct dh_manifest *m, struct dh_verify_result *res)
{
	struct dh_buf b;

	dh_buf_init(&b);
	dh_buf_append(&b, "", 0);
	assert_int_equal(dh_verify_tree(root, m, NULL, collect, &b, res, NULL), 0);
	return dh_buf_take(&b);
}

static void
test_scan_sorted_and_hashed(void **state)
{
	static const unsigned char abc[4] = { 0xba, 0x78, 0x16, 0xbf };
	struct dh_tree t;

	dh_tree_init(&t);
	assert_int_equal(dh_tree_scan(root, &t, NULL), 0);
	assert_int_equal(t.n, 4);
	assert_string_equal(t.v[0].path, "a.txt");
	assert_string_equal(t.v[1].path, "abc");
	assert_string_equal(t.v[2].path, "sub/b.txt");
	assert_int_equal(t.files, 4);
	assert_int_equal(t.bytes, 3 + 4 + 0 + 6);
	assert_int_equal(dh_tree_hash(root, &t, true, &(struct dh_tree_opts){ 1, 0, NULL }, NULL),
		0);
	assert_true(t.v[1].hashed);
	assert_memory_equal(t.v[1].sha256, abc, sizeof(abc));
	dh_tree_fini(&t);
}

static void
test_intact(void **state)
{
	struct dh_verify_result res;
	struct dh_manifest m;
	char *d;

	snapshot(&m);
	d = differences(&m, &res);
	assert_string_equal(d, "");
	assert_int_equal(res.files_ok, 4);
	assert_int_equal(res.bytes_ok, 13);
	assert_int_equal(dh_verify_differences(&res), 0);
	free(d);
	dh_manifest_fini(&m);
}

static void
test_each_difference_named(void **state)
{
	struct dh_verify_result res;
	struct dh_manifest m;
	char *d, *p;

	snapshot(&m);
	fx_put(root, "abc", "abd");   /* flipped byte */
	fx_put(root, "a.txt", "hel"); /* truncated */
	p = dh_xasprintf("%s/sub/b.txt", root);
	unlink(p); /* deleted */
	free(p);
	fx_put(root, "sub/new", "surprise"); /* extra */
	d = differences(&m, &res);
	assert_string_equal(d,
		"a.txt: changed\nabc: changed\nsub/b.txt: missing\n"
		"sub/new: extra\n");
	assert_int_equal(res.changed, 2);
	assert_int_equal(res.missing, 1);
	assert_int_equal(res.extra, 1);
	assert_int_equal(res.files_ok, 1);
	free(d);
	dh_manifest_fini(&m);
}

static void
test_symlinks_not_followed(void **state)
{
	struct dh_verify_result res;
	struct dh_manifest m;
	char *link, *p, *d;

	snapshot(&m);
	link = dh_xasprintf("%s/to-etc", root);
	assert_int_equal(symlink("/etc", link), 0); /* unlisted: skipped, not extra */
	p = dh_xasprintf("%s/abc", root);
	unlink(p);
	assert_int_equal(symlink("a.txt", p), 0); /* listed file replaced by a link */
	d = differences(&m, &res);
	assert_string_equal(d, "abc: changed\n");
	assert_int_equal(res.skipped, 1);
	free(d);
	free(link);
	free(p);
	dh_manifest_fini(&m);
}

static void
test_open_beneath_refuses_links(void **state)
{
	int fd = open(root, O_RDONLY | O_DIRECTORY), f;
	char *link = dh_xasprintf("%s/lnk", root);

	assert_int_equal(symlink("sub", link), 0);
	f = dh_tree_open_beneath(fd, "sub/b.txt", O_RDONLY);
	assert_true(f >= 0);
	close(f);
	assert_int_equal(dh_tree_open_beneath(fd, "lnk/b.txt", O_RDONLY), -1);
	assert_int_equal(dh_tree_open_beneath(fd, "../etc/passwd", O_RDONLY), -1);
	close(fd);
	free(link);
}

static void
test_deadline_stops_hashing(void **state)
{
	struct dh_tree t;
	struct dh_err e;

	dh_tree_init(&t);
	assert_int_equal(dh_tree_scan(root, &t, NULL), 0);
	assert_int_equal(dh_tree_hash(root, &t, true, &(struct dh_tree_opts){ 0, 1.0, NULL }, &e),
		DH_ETIMEOUT); /* a deadline long past */
	dh_tree_fini(&t);
	assert_int_equal(dh_tree_scan("/nonexistent/dh", &t, &e), DH_ENOENT);
	dh_tree_fini(&t);
}

static void
chown_all(uid_t uid, const char *const *rels)
{
	for (; *rels; rels++) {
		char *p = **rels ? dh_xasprintf("%s/%s", root, *rels) : dh_xstrdup(root);

		assert_int_equal(lchown(p, uid, uid), 0);
		free(p);
	}
}

/*
 * The agent, as a service user, owns its restored copy: mode-000 files and
 * directories are made readable (never through a symlink) and verify; a
 * file it still cannot read (another owner's) is counted apart, not as a
 * difference. Needs root to play both users.
 */
static void
test_made_readable_and_unreadable_apart(void **state)
{
	static const char *const mine[] = { "", "abc", "sub", "sub/b.txt", "sub/c.txt", "lnk",
		NULL };
	const uid_t nobody = 65534;
	char outside[] = DH_TMPL("/tmp/dh-test-outside.");
	struct dh_verify_result res;
	struct dh_manifest m;
	struct stat st;
	char *p, *d;
	int fd;

	if (geteuid() != 0)
		skip();
	snapshot(&m);
	assert_true((fd = mkstemp(outside)) >= 0);
	close(fd);
	assert_int_equal(chmod(outside, 0), 0);
	assert_int_equal(chown(outside, nobody, nobody), 0);
	p = dh_xasprintf("%s/lnk", root);
	assert_int_equal(symlink(outside, p), 0); /* never followed, never chmodded */
	free(p);
	chown_all(nobody, mine); /* a.txt stays root's */
	p = dh_xasprintf("%s/abc", root);
	assert_int_equal(chmod(p, 0), 0);
	free(p);
	p = dh_xasprintf("%s/a.txt", root);
	assert_int_equal(chmod(p, 0), 0);
	free(p);
	p = dh_xasprintf("%s/sub", root);
	assert_int_equal(chmod(p, 0), 0);
	free(p);
	assert_int_equal(chmod(root, 0700), 0);
	assert_int_equal(seteuid(nobody), 0);
	assert_int_equal(dh_tree_make_readable(root, NULL), 0);
	d = differences(&m, &res);
	assert_int_equal(seteuid(0), 0);
	assert_string_equal(d, "a.txt: unreada\n");
	assert_int_equal(res.unreadable, 1);
	assert_int_equal(res.missing + res.extra + res.changed, 0);
	assert_int_equal(dh_verify_differences(&res), 1); /* never passed as verified */
	assert_int_equal(res.files_ok, 3);
	assert_int_equal(stat(outside, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0); /* the symlink's target untouched */
	unlink(outside);
	free(d);
	dh_manifest_fini(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_scan_sorted_and_hashed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_intact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_each_difference_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlinks_not_followed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_beneath_refuses_links, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deadline_stops_hashing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_made_readable_and_unreadable_apart, setup,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
