/*
 * Safe tar extraction: the entry rules (absolute names, "..", links out
 * of the target, device files), a real archive with hostile entries
 * written by libarchive that must leave nothing outside the target, and
 * choosing the newest archive by mtime.
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
#include "restore/tar_safe.h"
#include "restore/tree.h"
#include "tmpl.h"

static void
test_refusal_rules(void **state)
{
	assert_null(dh_tar_refusal("a/b.txt", AE_IFREG, NULL, NULL));
	assert_null(dh_tar_refusal("./a/", AE_IFDIR, NULL, NULL));
	assert_null(dh_tar_refusal("a/l", AE_IFLNK, "../b", NULL));
	assert_null(dh_tar_refusal("a/b/l", AE_IFLNK, "../../c/d", NULL));
	assert_null(dh_tar_refusal("here", AE_IFLNK, ".", NULL));
	assert_null(dh_tar_refusal("h", AE_IFREG, NULL, "a/b.txt"));
	assert_string_equal(dh_tar_refusal("/etc/passwd", AE_IFREG, NULL, NULL), "absolute path");
	assert_string_equal(dh_tar_refusal("../x", AE_IFREG, NULL, NULL),
		"path climbs out with '..'");
	assert_string_equal(dh_tar_refusal("a/../../x", AE_IFREG, NULL, NULL),
		"path climbs out with '..'");
	assert_string_equal(dh_tar_refusal("l", AE_IFLNK, "/etc", NULL),
		"symlink pointing outside the target");
	assert_string_equal(dh_tar_refusal("l", AE_IFLNK, "../x", NULL),
		"symlink pointing outside the target");
	assert_string_equal(dh_tar_refusal("a/l", AE_IFLNK, "../../x", NULL),
		"symlink pointing outside the target");
	assert_string_equal(dh_tar_refusal("a/l", AE_IFLNK, "here/../..", NULL),
		"symlink pointing outside the target"); /* ".." after a name that may be a link */
	assert_string_equal(dh_tar_refusal("l", AE_IFLNK, "", NULL),
		"symlink pointing outside the target");
	assert_string_equal(dh_tar_refusal("h", AE_IFREG, NULL, "/etc/shadow"),
		"hard link to a file outside the target");
	assert_string_equal(dh_tar_refusal("h", AE_IFREG, NULL, "../x"),
		"hard link to a file outside the target");
	assert_string_equal(dh_tar_refusal("null", AE_IFCHR, NULL, NULL), "device file");
	assert_string_equal(dh_tar_refusal("sda", AE_IFBLK, NULL, NULL), "device file");
	assert_string_equal(dh_tar_refusal("p", AE_IFIFO, NULL, NULL), "fifo");
	assert_string_equal(dh_tar_refusal("s", AE_IFSOCK, NULL, NULL), "socket");
	assert_string_equal(dh_tar_refusal(NULL, AE_IFREG, NULL, NULL), "entry has no usable name");
}

static void
add(struct archive *a, const char *name, unsigned type, const char *link, const char *data)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, type == AE_IFDIR ? 0755 : 0644);
	if (type == AE_IFLNK)
		archive_entry_set_symlink(e, link);
	archive_entry_set_size(e, data ? (la_int64_t)strlen(data) : 0);
	assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
	if (data)
		assert_int_equal(archive_write_data(a, data, strlen(data)),
			(la_ssize_t)strlen(data));
	archive_entry_free(e);
}

/*
 * A fresh temp dir made from the template dir, an empty DIR/target, and
 * the archive DIR/name opened for writing (pax); *tar and *target are the
 * caller's to free.
 */
static struct archive *
archive_in(char *dir, const char *name, char **tar, char **target)
{
	struct archive *a = archive_write_new();

	assert_non_null(mkdtemp(dir));
	*tar = dh_xasprintf("%s/%s", dir, name);
	*target = dh_xasprintf("%s/target", dir);
	assert_int_equal(mkdir(*target, 0700), 0);
	archive_write_set_format_pax_restricted(a);
	assert_int_equal(archive_write_open_filename(a, *tar), ARCHIVE_OK);
	return a;
}

struct refusals {
	struct dh_buf b;
	int n;
};

static void
on_refuse(void *user, const char *path, const char *reason)
{
	struct refusals *r = user;

	dh_buf_printf(&r->b, "%s: %s\n", path, reason);
	r->n++;
}

static void
test_hostile_archive_stays_inside(void **state)
{
	char dir[] = DH_TMPL("/tmp/dh-test-tar.");
	struct dh_tar_result res;
	struct refusals ref = { .n = 0 };
	char *tar, *target, *p;
	struct archive *a = archive_in(dir, "evil.tar", &tar, &target);
	struct stat st;

	add(a, "good/file.txt", AE_IFREG, NULL, "good\n");
	add(a, "../outside.txt", AE_IFREG, NULL, "bad\n");
	add(a, dir, AE_IFREG, NULL, "absolute\n");
	add(a, "link", AE_IFLNK, dir, NULL);
	add(a, "link/through.txt", AE_IFREG, NULL, "through\n");
	add(a, "inside", AE_IFLNK, "good", NULL);
	add(a, "inside/via-link.txt", AE_IFREG, NULL, "libarchive refuses this\n");
	archive_write_close(a);
	archive_write_free(a);
	dh_buf_init(&ref.b);
	assert_int_equal(dh_tar_extract(tar, target, NULL, on_refuse, &ref, &res, NULL), 0);
	assert_int_equal(res.entries, 7);
	assert_int_equal(ref.n, 4);
	assert_int_equal(res.refused, 4);
	assert_non_null(strstr(ref.b.data, "../outside.txt: path climbs out with '..'\n"));
	assert_non_null(strstr(ref.b.data, "link: symlink pointing outside the target\n"));
	assert_non_null(strstr(ref.b.data, "inside/via-link.txt: "));
	p = dh_xasprintf("%s/outside.txt", dir);
	assert_int_equal(stat(p, &st), -1); /* nothing landed beside the target */
	free(p);
	p = dh_xasprintf("%s/through.txt", dir);
	assert_int_equal(stat(p, &st), -1);
	free(p);
	p = dh_xasprintf("%s/good/file.txt", target);
	assert_int_equal(stat(p, &st), 0);
	free(p);
	assert_int_equal(dh_tree_remove(dir, NULL), 0);
	dh_buf_fini(&ref.b);
	free(tar);
	free(target);
}

static void
touch(const char *dir, const char *name, time_t mtime)
{
	char *p = dh_xasprintf("%s/%s", dir, name);
	struct timeval tv[2] = { { mtime, 0 }, { mtime, 0 } };
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	fclose(f);
	assert_int_equal(utimes(p, tv), 0);
	free(p);
}

static void
test_newest_archive(void **state)
{
	char dir[] = DH_TMPL("/tmp/dh-test-newest.");
	char *path = NULL, *want;
	time_t t = 0;
	struct dh_err e;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(dh_tar_find_newest(dir, "*.tar*", &path, &t, &e), DH_ENOENT);
	touch(dir, "a.tar.gz", 1000);
	touch(dir, "b.tar", 3000);
	touch(dir, "c.tar.zst", 2000);
	touch(dir, "newer.txt", 9000);   /* does not match */
	touch(dir, ".hidden.tar", 9000); /* dot files need a dot in the pattern */
	assert_int_equal(dh_tar_find_newest(dir, "*.tar*", &path, &t, &e), 0);
	want = dh_xasprintf("%s/b.tar", dir);
	assert_string_equal(path, want);
	assert_int_equal(t, 3000);
	free(path);
	free(want);
	assert_int_equal(dh_tar_find_newest(dir, "a.*", &path, &t, &e), 0);
	assert_int_equal(t, 1000);
	free(path);
	assert_int_equal(dh_tree_remove(dir, NULL), 0);
	assert_int_equal(dh_tar_find_newest(dir, "*", &path, &t, &e), DH_ENOENT);
}

static void
add_hard(struct archive *a, const char *name, const char *target)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_hardlink(e, target);
	archive_entry_set_size(e, 0);
	assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
	archive_entry_free(e);
}

/*
 * Links checked where they land, not by name: a hard link copies the
 * symlink a/b/s -> ../../x (inside at depth 2) to the top, where it would
 * lead outside; a hard link may not reach its target through a symlink.
 * The same link at the same depth is fine.
 */
static void
test_links_checked_where_they_land(void **state)
{
	char dir[] = DH_TMPL("/tmp/dh-test-links.");
	struct dh_tar_result res;
	struct refusals ref = { .n = 0 };
	char *tar, *target, *p;
	struct archive *a = archive_in(dir, "links.tar", &tar, &target);
	struct stat st;

	add(a, "x", AE_IFREG, NULL, "x\n");
	add(a, "a/b/s", AE_IFLNK, "../../x", NULL);
	add_hard(a, "d", "a/b/s");      /* ../../x from the top: outside */
	add_hard(a, "c/e/s2", "a/b/s"); /* the same depth: inside */
	add(a, "in", AE_IFLNK, "a", NULL);
	add_hard(a, "h", "in/b/s"); /* through a symlinked directory */
	archive_write_close(a);
	archive_write_free(a);
	dh_buf_init(&ref.b);
	assert_int_equal(dh_tar_extract(tar, target, NULL, on_refuse, &ref, &res, NULL), 0);
	assert_int_equal(ref.n, 2);
	assert_non_null(strstr(ref.b.data,
		"d: hard link to a symlink that leads outside the "
		"target from the link's place\n"));
	assert_non_null(strstr(ref.b.data, "h: hard link reaching its target through a symlink\n"));
	p = dh_xasprintf("%s/d", target);
	assert_int_equal(lstat(p, &st), -1);
	free(p);
	p = dh_xasprintf("%s/c/e/s2", target);
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	free(p);
	assert_int_equal(dh_tree_remove(dir, NULL), 0);
	dh_buf_fini(&ref.b);
	free(tar);
	free(target);
}

/* Without a pattern only archive suffixes count, never a checksum or signature beside one. */
static void
test_default_pattern_skips_sidecars(void **state)
{
	static const char *const sidecars[] = { "x.tar.xz.md5", "x.tar.xz.sha256", "x.tar.xz.sig",
		"x.tar.xz.asc", "x.tar.gz.sha512sum", "x.tar.part", "x.tarball" };
	static const char *const archives[] = { "a.tar", "a.tar.gz", "a.tgz", "a.tar.bz2",
		"a.tar.xz", "a.tar.zst" };
	char dir[] = DH_TMPL("/tmp/dh-test-default.");
	char *path = NULL, *want;
	time_t t = 0;
	struct dh_err e;

	for (size_t i = 0; i < sizeof(archives) / sizeof(archives[0]); i++)
		assert_true(dh_tar_is_archive_name(archives[i]));
	for (size_t i = 0; i < sizeof(sidecars) / sizeof(sidecars[0]); i++)
		assert_false(dh_tar_is_archive_name(sidecars[i]));
	assert_false(dh_tar_is_archive_name(".hidden.tar"));
	assert_false(dh_tar_is_archive_name(".tar"));
	assert_non_null(mkdtemp(dir));
	touch(dir, "x.tar.xz", 1000);
	for (size_t i = 0; i < sizeof(sidecars) / sizeof(sidecars[0]); i++)
		touch(dir, sidecars[i], 2000 + (time_t)i);
	assert_int_equal(dh_tar_find_newest(dir, NULL, &path, &t, &e), 0);
	want = dh_xasprintf("%s/x.tar.xz", dir);
	assert_string_equal(path, want);
	assert_int_equal(t, 1000);
	free(path);
	free(want);
	assert_int_equal(dh_tree_remove(dir, NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refusal_rules),
		cmocka_unit_test(test_hostile_archive_stays_inside),
		cmocka_unit_test(test_newest_archive),
		cmocka_unit_test(test_default_pattern_skips_sidecars),
		cmocka_unit_test(test_links_checked_where_they_land),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
