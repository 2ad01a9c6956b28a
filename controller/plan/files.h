/*
 * Reading a plans directory from disk: policy.ini, inventory.ini and
 * systems/ID.ini, each read whole (bounded by DH_INI_MAX_FILE) into a
 * struct dh_plan_files that the plan loader (plan.c) then parses. Also
 * struct dh_plan_file, one plan file held in memory, which the loader,
 * the revision and the tests share. This module knows nothing of what is
 * inside a file and calls nothing in plan/.
 */
#ifndef DH_PLAN_FILES_H
#define DH_PLAN_FILES_H

#include <stddef.h>

#include "dh/buf.h"
#include "dh/err.h"
#include "dh/problems.h"

#define DH_PLAN_MAX_FILES 100000 /* systems/ID.ini files read at most */

/* One plan file held in memory: path relative to the plans directory. */
struct dh_plan_file {
	const char *path; /* "policy.ini", "inventory.ini", "systems/ID.ini" */
	const char *text;
	size_t len;
};

/* The files of one directory; v[] borrows from paths[] and bufs[]. */
struct dh_plan_files {
	struct dh_plan_file *v; /* n files, policy.ini and inventory.ini first */
	size_t n;
	struct dh_buf *bufs; /* owned contents */
	char **paths;        /* owned relative paths */
	size_t cap;
};

void dh_plan_files_init(struct dh_plan_files *fs);
void dh_plan_files_fini(struct dh_plan_files *fs);

/*
 * Read dir/policy.ini, dir/inventory.ini and every dir/systems/ *.ini into
 * fs (initialised by the caller). What makes a file unusable as a plan
 * file goes to pr: larger than DH_INI_MAX_FILE (read as empty), no
 * systems/ directory, a systems/ entry not ending in .ini (ignored).
 * Returns 0; DH_ENOENT when dir does not exist; DH_EIO when dir or a file
 * cannot be read (err names the file relative to dir); DH_ETOOBIG past
 * DH_PLAN_MAX_FILES. On failure fs holds what was read so far (fini it).
 */
int dh_plan_files_read(struct dh_plan_files *fs, const char *dir, struct dh_problems *pr,
	struct dh_err *err);

#endif
