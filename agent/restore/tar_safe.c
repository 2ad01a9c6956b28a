/*
 * Safe tar extraction and archive discovery (tar_safe.h). The entry
 * checks are deliberately stricter than libarchive's own: a symlink may
 * climb with ".." only at the start of its target and never above the
 * target root, because once a link to "." exists a lexical check of
 * "link/.." is no longer the truth. libarchive's SECURE flags stay on as
 * the second line (no writing through a symlink, no "..", no absolute
 * names). The working directory is the target during extraction, since
 * SECURE_NOABSOLUTEPATHS forbids handing libarchive absolute names.
 */
#include "restore/tar_safe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "dh/buf.h"
#include "dh/timefmt.h"

/* Directory depth of path's parent, or -1 if path climbs with "..". */
static int
parent_depth(const char *path)
{
	int depth = 0;
	const char *p = path;

	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return -1;
		if (n > 0 && !(n == 1 && p[0] == '.'))
			depth++;
		p += n;
		while (*p == '/')
			p++;
	}
	return depth > 0 ? depth - 1 : 0;
}

static bool
has_dotdot(const char *path)
{
	return parent_depth(path) < 0;
}

/* A symlink target stays inside when it is relative, climbs only first, and not above the root. */
static bool
symlink_inside(const char *path, const char *target)
{
	int depth = parent_depth(path), ups = 0;
	bool named = false;
	const char *p = target;

	if (target[0] == '/' || target[0] == '\0')
		return false;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (named)
				return false; /* ".." after a name: the name may be a link */
			ups++;
		} else if (n > 0 && !(n == 1 && p[0] == '.')) {
			named = true;
		}
		p += n;
		while (*p == '/')
			p++;
	}
	return ups <= depth;
}

const char *
dh_tar_refusal(const char *path, unsigned type, const char *symlink,
	const char *hardlink)
{
	if (path == NULL || path[0] == '\0')
		return "entry has no usable name";
	if (path[0] == '/')
		return "absolute path";
	if (has_dotdot(path))
		return "path climbs out with '..'";
	if (hardlink != NULL) {
		if (hardlink[0] == '/' || has_dotdot(hardlink))
			return "hard link to a file outside the target";
		return NULL;
	}
	switch (type) {
	case AE_IFREG:
	case AE_IFDIR:
		return NULL;
	case AE_IFLNK:
		return symlink && symlink_inside(path, symlink) ? NULL :
			"symlink pointing outside the target";
	case AE_IFCHR:
	case AE_IFBLK:
		return "device file";
	case AE_IFIFO:
		return "fifo";
	case AE_IFSOCK:
		return "socket";
	default:
		return "unsupported entry type";
	}
}

static bool
stopped(const struct dh_tar_limits *lim)
{
	return lim && ((lim->cancel && *lim->cancel) ||
		(lim->deadline > 0 && dh_time_mono() > lim->deadline));
}

/* Copy one entry's data; 0, DH_ETIMEOUT, or DH_EIO with err. */
static int
copy_data(struct archive *in, struct archive *out, const struct dh_tar_limits *lim,
	int64_t *bytes, struct dh_err *err)
{
	const void *buf;
	size_t size;
	la_int64_t off;
	int r;

	while ((r = archive_read_data_block(in, &buf, &size, &off)) == ARCHIVE_OK) {
		if (archive_write_data_block(out, buf, size, off) < ARCHIVE_WARN)
			return dh_err_set(err, DH_EIO, "cannot write: %s", archive_error_string(out));
		*bytes += (int64_t)size;
		if (stopped(lim))
			return dh_err_set(err, DH_ETIMEOUT, "extraction stopped (deadline or signal)");
	}
	if (r != ARCHIVE_EOF)
		return dh_err_set(err, DH_EPARSE, "archive data is damaged: %s",
			archive_error_string(in));
	return 0;
}

/* Extract one accepted entry; a libarchive refusal is reported, not fatal. */
static int
extract_entry(struct archive *in, struct archive *out, struct archive_entry *e,
	const struct dh_tar_limits *lim, dh_tar_refuse_fn fn, void *user,
	struct dh_tar_result *res, struct dh_err *err)
{
	int64_t bytes = 0;
	int r;

	archive_entry_set_mode(e, archive_entry_mode(e) & ~(mode_t)(S_ISUID | S_ISGID | S_ISVTX));
	if (archive_write_header(out, e) < ARCHIVE_WARN) {
		res->refused++;
		if (fn)
			fn(user, archive_entry_pathname(e), archive_error_string(out));
		return 0;
	}
	if (archive_entry_size(e) > 0 && (r = copy_data(in, out, lim, &bytes, err)) != 0)
		return r;
	if (archive_write_finish_entry(out) < ARCHIVE_WARN)
		return dh_err_set(err, DH_EIO, "cannot finish %s: %s",
			archive_entry_pathname(e), archive_error_string(out));
	if (archive_entry_filetype(e) == AE_IFREG && archive_entry_hardlink(e) == NULL) {
		res->files++;
		res->bytes += bytes;
	}
	return 0;
}

static int
extract_all(struct archive *in, struct archive *out, const struct dh_tar_limits *lim,
	dh_tar_refuse_fn fn, void *user, struct dh_tar_result *res, struct dh_err *err)
{
	struct archive_entry *e;
	int r;

	while ((r = archive_read_next_header(in, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *why = dh_tar_refusal(archive_entry_pathname(e),
			archive_entry_filetype(e), archive_entry_symlink(e),
			archive_entry_hardlink(e));

		res->entries++;
		if (stopped(lim))
			return dh_err_set(err, DH_ETIMEOUT, "extraction stopped (deadline or signal)");
		if (why != NULL) {
			res->refused++;
			if (fn)
				fn(user, archive_entry_pathname(e) ? archive_entry_pathname(e) : "?", why);
			continue;
		}
		if ((r = extract_entry(in, out, e, lim, fn, user, res, err)) != 0)
			return r;
	}
	if (r != ARCHIVE_EOF)
		return dh_err_set(err, DH_EPARSE, "archive is damaged: %s", archive_error_string(in));
	return 0;
}

int
dh_tar_extract(const char *archive, const char *target,
	const struct dh_tar_limits *lim, dh_tar_refuse_fn fn, void *user,
	struct dh_tar_result *res, struct dh_err *err)
{
	struct archive *in = archive_read_new(), *out = archive_write_disk_new();
	int cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r;

	memset(res, 0, sizeof(*res));
	archive_read_support_filter_all(in);
	archive_read_support_format_tar(in);
	archive_read_support_format_gnutar(in);
	archive_write_disk_set_options(out, ARCHIVE_EXTRACT_TIME |
		ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
		ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS);
	if (cwd < 0 || chdir(target) != 0) {
		r = dh_err_sys(err, DH_EIO, "cannot enter %s", target);
		goto out;
	}
	if (archive_read_open_filename(in, archive, 65536) != ARCHIVE_OK) {
		r = dh_err_set(err, DH_EIO, "cannot open %s: %s", archive,
			archive_error_string(in));
		goto out;
	}
	r = extract_all(in, out, lim, fn, user, res, err);
out:
	archive_read_free(in);
	archive_write_free(out);
	if (cwd >= 0) {
		if (fchdir(cwd) != 0 && r == 0)
			r = dh_err_sys(err, DH_ESYS, "cannot return to the working directory");
		close(cwd);
	}
	return r;
}

bool
dh_tar_is_archive_name(const char *name)
{
	static const char *const suffixes[] = { ".tar", ".tar.gz", ".tgz", ".tar.bz2",
		".tar.xz", ".tar.zst" };
	size_t n = strlen(name);

	if (name[0] == '.')
		return false; /* hidden, as the glob default would skip it */
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		size_t k = strlen(suffixes[i]);

		if (n > k && strcmp(name + n - k, suffixes[i]) == 0)
			return true;
	}
	return false;
}

static bool
matches(const char *pattern, const char *name)
{
	if (pattern == NULL)
		return dh_tar_is_archive_name(name);
	return fnmatch(pattern, name, FNM_PERIOD) == 0;
}

int
dh_tar_find_newest(const char *dir, const char *pattern, char **path,
	time_t *mtime, struct dh_err *err)
{
	struct dirent *de;
	char *best = NULL;
	struct timespec bt = { 0, 0 };
	DIR *d = opendir(dir);

	if (d == NULL)
		return dh_err_sys(err, errno == ENOENT ? DH_ENOENT : DH_EIO,
			"cannot read repository %s", dir);
	while ((de = readdir(d)) != NULL) {
		struct stat st;

		if (!matches(pattern, de->d_name) ||
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (best == NULL || st.st_mtim.tv_sec > bt.tv_sec ||
		    (st.st_mtim.tv_sec == bt.tv_sec && (st.st_mtim.tv_nsec > bt.tv_nsec ||
		     (st.st_mtim.tv_nsec == bt.tv_nsec && strcmp(de->d_name, best) > 0)))) {
			free(best);
			best = dh_xstrdup(de->d_name);
			bt = st.st_mtim;
		}
	}
	closedir(d);
	if (best == NULL)
		return dh_err_set(err, DH_ENOENT, "no archive matching '%s' in %s", pattern ? pattern :
			"*.tar, *.tar.gz, *.tgz, *.tar.bz2, *.tar.xz, *.tar.zst", dir);
	*path = dh_xasprintf("%s/%s", dir, best);
	*mtime = bt.tv_sec;
	free(best);
	return 0;
}
