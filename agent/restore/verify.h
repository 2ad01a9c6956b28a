/*
 * Comparing a directory with a manifest (SPEC `drillhall-agent verify`
 * and the restore test's `manifest` verification). Every difference is
 * named: a file the manifest lists that is missing, a file it does not
 * list (extra), a file whose content (SHA-256) differs, and one that is
 * there but is not a regular file, and one that cannot be read — the last
 * counted apart (`unreadable`): the agent failing to read its own copy
 * says nothing about the backup. Symlinks and special
 * files the manifest does not name are not "extra": the sha256sum format
 * cannot describe them, and `manifest` skips them too (so a fresh
 * manifest always verifies); they are counted in `skipped`.
 */
#ifndef DH_AGENT_VERIFY_H
#define DH_AGENT_VERIFY_H

#include <stdint.h>

#include "dh/err.h"
#include "dh/manifest.h"
#include "restore/tree.h"

/* Called once per difference, in path order. problem is e.g. "missing". */
typedef void (*dh_verify_fn)(void *user, const char *path, const char *problem);

struct dh_verify_result {
	int64_t files_ok; /* files present with the listed SHA-256 */
	int64_t bytes_ok; /* their total size */
	int64_t missing, extra, changed;
	int64_t skipped;    /* unlisted symlinks and special files */
	int64_t unreadable; /* listed files the agent could not read (not differences) */
};

/*
 * Compare dir with m. Differences go to fn (may be NULL) and the counts
 * to res. Returns 0 when the comparison ran (whatever it found), or a
 * DH_E code with err when it could not (unreadable dir, deadline).
 */
int dh_verify_tree(const char *dir, const struct dh_manifest *m, const struct dh_tree_opts *opts,
	dh_verify_fn fn, void *user, struct dh_verify_result *res, struct dh_err *err);

/*
 * Files not proved as listed: missing + extra + changed + unreadable (so
 * `drillhall-agent verify` never passes a file it could not read; the
 * restore test looks at unreadable first and makes it an error).
 */
int64_t dh_verify_differences(const struct dh_verify_result *res);

#endif
