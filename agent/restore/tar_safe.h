/*
 * The tar restore method's two halves: finding the newest archive in a
 * repository directory, and extracting it so that nothing can land
 * outside the target. libarchive extracts (ARCHIVE_EXTRACT_SECURE_NODOTDOT
 * | SECURE_SYMLINKS | SECURE_NOABSOLUTEPATHS, no owners, no special
 * permission bits); before it sees an entry, our own checks refuse
 * absolute names, ".." parts, hard links and symlinks that lead outside,
 * and device files, fifos and sockets. Links are also checked where they
 * land: a hard link may not reach its target through a symlink nor copy a
 * symlink to a place (depth) from which it leads outside, and after the
 * extraction every symlink in the tree, whatever made it, must stay
 * inside from its own place or is removed. Each refused entry is reported
 * by name and reason; the rest of the archive is still extracted so the
 * verifications can say what is missing. A write error (ENOSPC, EDQUOT,
 * EIO, a short write — libarchive's ARCHIVE_WARN included) ends the
 * extraction with an error naming the file and the cause.
 */
#ifndef DH_AGENT_TAR_SAFE_H
#define DH_AGENT_TAR_SAFE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "dh/err.h"

/* Called for every refused entry; path is the entry's name as stored. */
typedef void (*dh_tar_refuse_fn)(void *user, const char *path, const char *reason);

struct dh_tar_result {
	int64_t entries; /* entries read */
	int64_t files;   /* regular files written */
	int64_t bytes;   /* their bytes */
	int64_t refused; /* entries refused */
};

struct dh_tar_limits {
	double deadline;               /* dh_time_mono() deadline, 0 = none */
	volatile sig_atomic_t *cancel; /* may be NULL */
};

/*
 * Extract archive (any tar flavour, any compression libarchive reads)
 * into the existing directory target, then make it readable to the agent
 * (dh_tree_make_readable) and check its links. Returns 0 when the archive
 * was read to its end (refusals are not errors of the call), DH_EIO for a
 * write error (err names the file and the cause) or an unreadable
 * archive, DH_EPARSE for a corrupt one, DH_ETIMEOUT past the deadline or
 * on cancel — with err set. The process's working directory is restored.
 */
int dh_tar_extract(const char *archive, const char *target, const struct dh_tar_limits *lim,
	dh_tar_refuse_fn fn, void *user, struct dh_tar_result *res, struct dh_err *err);

/*
 * Why an entry must be refused, or NULL when it may be extracted.
 * type is the entry's file type (AE_IF*), link its symlink or hard link
 * target (NULL if none). Exposed for the unit tests.
 */
const char *dh_tar_refusal(const char *path, unsigned type, const char *symlink,
	const char *hardlink);

/*
 * True when name ends in an archive suffix: .tar, .tar.gz, .tgz,
 * .tar.bz2, .tar.xz, .tar.zst (not hidden). A checksum or signature file
 * beside an archive (x.tar.gz.sha256, .md5, .sig, .asc) is not one.
 */
bool dh_tar_is_archive_name(const char *name);

/*
 * The newest regular file in dir whose name matches the glob pattern, or
 * when pattern is NULL is an archive name (dh_tar_is_archive_name)
 * (newest by mtime, ties by the larger name). *path is the caller's.
 * Returns 0, DH_ENOENT when none matches (err says so), DH_EIO.
 */
int dh_tar_find_newest(const char *dir, const char *pattern, char **path, time_t *mtime,
	struct dh_err *err);

#endif
