/*
 * Safe tar extraction and archive discovery (tar_safe.h). The entry
 * checks are deliberately stricter than libarchive's own: a symlink may
 * climb with ".." only at the start of its target and never above the
 * target root, because once a link to "." exists a lexical check of
 * "link/.." is no longer the truth. libarchive's SECURE flags stay on as
 * the second line (no writing through a symlink, no "..", no absolute
 * names). Names alone are not the truth for links: link(2) copies a
 * symlink to another depth, so links are checked again where they land. The working directory is
 * the target during extraction, since SECURE_NOABSOLUTEPATHS forbids handing libarchive absolute
 * names.
 */
#include "restore/tar_safe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "dh/buf.h"
#include "dh/manifest.h"
#include "dh/timefmt.h"
#include "restore/tree.h"

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
dh_tar_refusal(const char *path, unsigned type, const char *symlink, const char *hardlink)
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
		return symlink && symlink_inside(path, symlink)
			? NULL
			: "symlink pointing outside the target";
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
	return lim &&
		((lim->cancel && *lim->cancel) ||
			(lim->deadline > 0 && dh_time_mono() > lim->deadline));
}

/*
 * A write that failed: the restore fails naming the file and the cause.
 * libarchive reports a failed write(2) (ENOSPC, EDQUOT, EIO) as
 * ARCHIVE_WARN and carries on, leaving a file of zeros or a short one that
 * counts would pass: so anything but ARCHIVE_OK from a write is fatal here.
 */
static int
write_failed(struct archive *out, struct archive_entry *e, const char *what, struct dh_err *err)
{
	char *name = dh_manifest_record_name(
		archive_entry_pathname(e) ? archive_entry_pathname(e) : "?");
	int code = archive_errno(out);
	int r;

	if (code > 0)
		r = dh_err_set(err, DH_EIO, "cannot %s %s: %s (%s)", what, name, strerror(code),
			archive_error_string(out) ? archive_error_string(out) : "");
	else
		r = dh_err_set(err, DH_EIO, "cannot %s %s: %s", what, name,
			archive_error_string(out) ? archive_error_string(out) : "write failed");
	free(name);
	return r;
}

/* Errors of the disk, not of the entry: they end the extraction. */
static bool
is_disk_error(int code)
{
	return code == ENOSPC || code == EDQUOT || code == EIO || code == EFBIG || code == EROFS ||
		code == ENOMEM;
}

/* Copy one entry's data; 0, DH_ETIMEOUT, DH_EPARSE or DH_EIO with err. */
static int
copy_data(struct archive *in, struct archive *out, struct archive_entry *e,
	const struct dh_tar_limits *lim, int64_t *bytes, struct dh_err *err)
{
	const void *buf;
	size_t size;
	la_int64_t off;
	int r;

	while ((r = archive_read_data_block(in, &buf, &size, &off)) == ARCHIVE_OK) {
		if (archive_write_data_block(out, buf, size, off) != ARCHIVE_OK)
			return write_failed(out, e, "write", err);
		*bytes += (int64_t)size;
		if (stopped(lim))
			return dh_err_set(err, DH_ETIMEOUT,
				"extraction stopped (deadline or signal)");
	}
	if (r != ARCHIVE_EOF)
		return dh_err_set(err, DH_EPARSE, "archive data is damaged: %s",
			archive_error_string(in));
	return 0;
}

/* Extract one accepted entry; a libarchive refusal is reported, not fatal. */
static int
extract_entry(struct archive *in, struct archive *out, struct archive_entry *e,
	const struct dh_tar_limits *lim, dh_tar_refuse_fn fn, void *user, struct dh_tar_result *res,
	struct dh_err *err)
{
	int64_t bytes = 0;
	int r;

	archive_entry_set_mode(e, archive_entry_mode(e) & ~(mode_t)(S_ISUID | S_ISGID | S_ISVTX));
	r = archive_write_header(out, e);
	if (r < ARCHIVE_OK && is_disk_error(archive_errno(out)))
		return write_failed(out, e, "create", err);
	if (r < ARCHIVE_WARN) {
		res->refused++;
		if (fn)
			fn(user, archive_entry_pathname(e), archive_error_string(out));
		return 0;
	}
	if (archive_entry_size(e) > 0 && (r = copy_data(in, out, e, lim, &bytes, err)) != 0)
		return r;
	if (archive_write_finish_entry(out) != ARCHIVE_OK)
		return write_failed(out, e, "finish", err);
	if (archive_entry_filetype(e) == AE_IFREG && archive_entry_hardlink(e) == NULL) {
		res->files++;
		res->bytes += bytes;
	}
	return 0;
}

/*
 * A hard link entry is made with link(2), which follows symlinks on the
 * way to its target and copies a symlink it lands on: so its target may
 * not be reached through a symlink, and a symlink it copies must still
 * stay inside at the link's own place (depth). The cwd is the target.
 */
static const char *
hardlink_refusal(const char *path, const char *hardlink)
{
	char link[PATH_MAX], *dir = dh_xstrdup(hardlink), *slash = strrchr(dir, '/');
	const char *base = strrchr(hardlink, '/'), *why = NULL;
	struct stat st;
	ssize_t n;
	int fd;

	base = base ? base + 1 : hardlink;
	if (slash)
		*slash = '\0';
	fd = slash ? dh_tree_open_beneath(AT_FDCWD, dir, O_RDONLY | O_DIRECTORY)
		   : open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0)
		return errno == ENOENT ? NULL : "hard link reaching its target through a symlink";
	if (fstatat(fd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
		n = readlinkat(fd, base, link, sizeof(link) - 1);
		if (n < 0)
			why = "hard link to a symlink that cannot be read";
		else if (link[n] = '\0', !symlink_inside(path, link))
			why = "hard link to a symlink that leads outside the target from the link's place";
	}
	close(fd);
	return why;
}

static int
extract_all(struct archive *in, struct archive *out, const struct dh_tar_limits *lim,
	dh_tar_refuse_fn fn, void *user, struct dh_tar_result *res, struct dh_err *err)
{
	struct archive_entry *e;
	int r;

	while ((r = archive_read_next_header(in, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *why =
			dh_tar_refusal(archive_entry_pathname(e), archive_entry_filetype(e),
				archive_entry_symlink(e), archive_entry_hardlink(e));

		if (why == NULL && archive_entry_hardlink(e) != NULL)
			why = hardlink_refusal(archive_entry_pathname(e),
				archive_entry_hardlink(e));

		res->entries++;
		if (stopped(lim))
			return dh_err_set(err, DH_ETIMEOUT,
				"extraction stopped (deadline or signal)");
		if (why != NULL) {
			res->refused++;
			if (fn)
				fn(user,
					archive_entry_pathname(e) ? archive_entry_pathname(e) : "?",
					why);
			continue;
		}
		if ((r = extract_entry(in, out, e, lim, fn, user, res, err)) != 0)
			return r;
	}
	if (r != ARCHIVE_EOF)
		return dh_err_set(err, DH_EPARSE, "archive is damaged: %s",
			archive_error_string(in));
	return 0;
}

/*
 * After extraction, whatever made them: every symlink in the tree must
 * stay inside from the place it is at. A link that does not is removed
 * and reported. By induction this covers chains — each link resolves
 * from its own place to a place inside, whose own links do the same.
 */
struct links {
	dh_tar_refuse_fn fn;
	void *user;
	struct dh_tar_result *res;
};

static int
link_visit(void *user, int dirfd, const char *name, const char *path, const struct stat *st,
	struct dh_err *err)
{
	struct links *l = user;
	char link[PATH_MAX];
	ssize_t n;

	if (!S_ISLNK(st->st_mode))
		return 0;
	n = readlinkat(dirfd, name, link, sizeof(link) - 1);
	if (n >= 0 && (link[n] = '\0', symlink_inside(path, link)))
		return 0;
	if (unlinkat(dirfd, name, 0) != 0)
		return dh_err_sys(err, DH_EIO, "cannot remove the link %s", path);
	l->res->refused++;
	if (l->fn)
		l->fn(l->user, path, "link resolving outside the target from its place");
	return 0;
}

int
dh_tar_extract(const char *archive, const char *target, const struct dh_tar_limits *lim,
	dh_tar_refuse_fn fn, void *user, struct dh_tar_result *res, struct dh_err *err)
{
	struct archive *in = archive_read_new(), *out = archive_write_disk_new();
	int cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r;

	memset(res, 0, sizeof(*res));
	archive_read_support_filter_all(in);
	archive_read_support_format_tar(in);
	archive_read_support_format_gnutar(in);
	archive_write_disk_set_options(out,
		ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
			ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS);
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
	if (archive_write_close(out) < ARCHIVE_WARN && r == 0) /* directory fixups */
		r = dh_err_set(err, DH_EIO, "cannot finish the extraction: %s",
			archive_error_string(out) ? archive_error_string(out) : "unknown error");
	if (r == 0)
		r = dh_tree_make_readable(".", err);
	if (r == 0) {
		struct links l = { fn, user, res };
		int fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		r = fd < 0 ? dh_err_sys(err, DH_EIO, "cannot open %s", target)
			   : dh_tree_walk(fd, false, link_visit, &l, err);
	}
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
	static const char *const suffixes[] = { ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz",
		".tar.zst" };
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
dh_tar_find_newest(const char *dir, const char *pattern, char **path, time_t *mtime,
	struct dh_err *err)
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
			(st.st_mtim.tv_sec == bt.tv_sec &&
				(st.st_mtim.tv_nsec > bt.tv_nsec ||
					(st.st_mtim.tv_nsec == bt.tv_nsec &&
						strcmp(de->d_name, best) > 0)))) {
			free(best);
			best = dh_xstrdup(de->d_name);
			bt = st.st_mtim;
		}
	}
	closedir(d);
	if (best == NULL)
		return dh_err_set(err, DH_ENOENT, "no archive matching '%s' in %s",
			pattern ? pattern
				: "*.tar, *.tar.gz, *.tgz, *.tar.bz2, *.tar.xz, *.tar.zst",
			dir);
	*path = dh_xasprintf("%s/%s", dir, best);
	*mtime = bt.tv_sec;
	free(best);
	return 0;
}
