/*
 * A directory tree as the agent sees it for manifests and verification:
 * every non-directory entry below a root, by relative path, sorted
 * bytewise, with its type and size — symlinks are listed but never
 * followed — and SHA-256 of regular files computed in parallel by a
 * pthreads worker pool (OpenSSL EVP, streaming reads of DH_TREE_CHUNK
 * bytes per worker, so memory stays bounded whatever the file sizes).
 * Also the tree removal the restore test uses for its scratch target, and
 * making the restored copy readable to the agent before it is verified.
 */
#ifndef DH_AGENT_TREE_H
#define DH_AGENT_TREE_H

#include <signal.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <stddef.h>
#include <stdint.h>

#include "dh/err.h"
#include "dh/manifest.h"

#define DH_TREE_CHUNK (256 * 1024) /* read size per worker */
#define DH_TREE_MAX_THREADS 32

enum dh_tree_type { DH_TREE_FILE, DH_TREE_SYMLINK, DH_TREE_OTHER };

struct dh_tree_entry {
	char *path; /* relative to the root; owned */
	enum dh_tree_type type;
	int64_t size; /* st_size (bytes read once hashed) */
	unsigned char sha256[DH_SHA256_LEN];
	bool want;      /* hash this entry (set by the caller or by dh_tree_hash) */
	bool hashed;    /* sha256 is valid */
	int read_errno; /* why hashing failed (0 = it did not) */
};

struct dh_tree {
	struct dh_tree_entry *v;
	size_t n;
	size_t cap;
	int64_t files; /* regular files */
	int64_t bytes; /* their total size */
};

/* Hashing limits: threads 0 = one per online CPU; deadline on the dh_time_mono clock, 0 = none. */
struct dh_tree_opts {
	int threads;
	double deadline;
	volatile sig_atomic_t *cancel; /* stop when *cancel becomes non-zero; may be NULL */
};

#define DH_TREE_SKIP 1         /* a visit's answer: do not descend into this directory */
#define DH_TREE_DEPTH_MAX 4096 /* directories deeper than this are not walked */

/*
 * Called by dh_tree_walk for each entry: dirfd/name reach it (use the *at
 * calls with AT_SYMLINK_NOFOLLOW), path is its path below the walk's root
 * (borrowed for the call), st its lstat. Returns 0 to go on (into a
 * directory too), DH_TREE_SKIP to not descend, a negative DH_E code (with
 * err set) to stop the walk.
 */
typedef int (*dh_tree_visit_fn)(void *user, int dirfd, const char *name, const char *path,
	const struct stat *st, struct dh_err *err);

/*
 * Visit every entry below the directory open as fd (consumed), depth
 * first, a directory before what it holds, never following a symlink
 * (openat O_NOFOLLOW from descriptors, so a symlink swapped in mid-walk
 * cannot lead outside). Strict: an entry or directory that cannot be
 * read is DH_EIO naming it, as is a tree deeper than DH_TREE_DEPTH_MAX.
 * best_effort: those are passed over silently. Returns 0 or the first
 * error (the visit's, or the walk's).
 */
int dh_tree_walk(int fd, bool best_effort, dh_tree_visit_fn visit, void *user, struct dh_err *err);

void dh_tree_init(struct dh_tree *t);
void dh_tree_fini(struct dh_tree *t);

/*
 * Walk root (not following symlinks, not crossing into symlinked
 * directories) and fill t sorted by path. Returns 0, or DH_ENOENT/DH_EIO
 * with err naming the directory that could not be read.
 */
int dh_tree_scan(const char *root, struct dh_tree *t, struct dh_err *err);

/*
 * Hash the regular files of t below root. all: every regular file;
 * otherwise only entries with want set. A file that cannot be read gets
 * read_errno and hashed false (not an error of the call). Returns 0,
 * DH_ETIMEOUT past the deadline or on cancel, DH_ESYS if threads cannot
 * start.
 */
int dh_tree_hash(const char *root, struct dh_tree *t, bool all, const struct dh_tree_opts *opts,
	struct dh_err *err);

/* Find path in t (binary search); NULL if absent. */
struct dh_tree_entry *dh_tree_find(const struct dh_tree *t, const char *path);

/*
 * Open rel below the directory rootfd without following any symlink on
 * the way (openat2 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS; on kernels
 * without openat2, O_NOFOLLOW on the last component). flags as for open;
 * O_NOFOLLOW and O_CLOEXEC are added. Returns the fd or -1 with errno
 * (ELOOP: a symlink was in the way, EXDEV: the path left the root).
 */
int dh_tree_open_beneath(int rootfd, const char *rel, int flags);

/*
 * Make the agent's own restored copy readable to it (SPEC step 3): u+r on
 * every regular file, u+rx on every directory (root included), never
 * following a symlink, so a file stored with mode 000 (as /etc/shadow is)
 * can be verified. Best effort: what still cannot be read (owned by
 * another user) is left for the verification to report. Returns 0, or
 * DH_EIO when root is not a directory that can be opened.
 */
int dh_tree_make_readable(const char *root, struct dh_err *err);

/*
 * Remove path and everything below it without following symlinks
 * (rm -rf). A missing path is fine. Returns 0 or DH_EIO naming what stayed.
 */
int dh_tree_remove(const char *path, struct dh_err *err);

#endif
