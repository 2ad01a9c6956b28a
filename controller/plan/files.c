/*
 * Reading a plans directory from disk (files.h): lists policy.ini,
 * inventory.ini and systems/ID.ini and reads each whole file (bounded by
 * DH_INI_MAX_FILE). Called by dh_plan_load() in plan.c, which parses what
 * was read; this file calls nothing in plan/. A directory or file that
 * cannot be read at all makes the command unable to run (exit 2); what is
 * inside a file is the loader's business.
 */
#include "plan/files.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dh/ini.h"

void
dh_plan_files_init(struct dh_plan_files *fs)
{
	memset(fs, 0, sizeof(*fs));
}

void
dh_plan_files_fini(struct dh_plan_files *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		dh_buf_fini(&fs->bufs[i]);
		free(fs->paths[i]);
	}
	free(fs->v);
	free(fs->bufs);
	free(fs->paths);
}

/* Read dir/rel into the set. Too big is a plan problem; unreadable is not. */
static int
add_file(struct dh_plan_files *fs, const char *dir, const char *rel, struct dh_problems *pr,
	struct dh_err *err)
{
	char *full = dh_xasprintf("%s/%s", dir, rel);
	struct dh_buf b;
	struct stat st;
	int r = 0;

	dh_buf_init(&b);
	/* Only regular files: a FIFO or device would hang or never end. */
	if (stat(full, &st) == 0 && !S_ISREG(st.st_mode)) {
		r = dh_err_at(err, DH_EIO, rel, 0, "cannot read %s: %s", full,
			S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file");
		goto out;
	}
	r = dh_file_read(full, DH_INI_MAX_FILE, &b, err);
	if (r == DH_ETOOBIG) {
		dh_problems_add(pr, DH_SEV_ERROR, rel, 0,
			"file is larger than "
			"%d bytes",
			DH_INI_MAX_FILE);
		dh_buf_reset(&b);
		r = 0;
	} else if (r < 0) {
		snprintf(err->file, sizeof(err->file), "%s", rel);
		goto out;
	}
	if (fs->n == fs->cap) {
		fs->cap = fs->cap ? fs->cap * 2 : 64;
		fs->v = dh_xrealloc(fs->v, fs->cap * sizeof(*fs->v));
		fs->bufs = dh_xrealloc(fs->bufs, fs->cap * sizeof(*fs->bufs));
		fs->paths = dh_xrealloc(fs->paths, fs->cap * sizeof(*fs->paths));
	}
	fs->paths[fs->n] = dh_xstrdup(rel);
	fs->bufs[fs->n] = b;
	dh_buf_init(&b);
	fs->n++;
out:
	dh_buf_fini(&b);
	free(full);
	return r;
}

static bool
ends_with_ini(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && strcmp(name + n - 4, ".ini") == 0;
}

static int
add_systems(struct dh_plan_files *fs, const char *dir, struct dh_problems *pr, struct dh_err *err)
{
	char *sysdir = dh_xasprintf("%s/systems", dir);
	DIR *d = opendir(sysdir);
	struct dirent *de;
	int r = 0;

	if (d == NULL) {
		if (errno == ENOENT)
			dh_problems_add(pr, DH_SEV_ERROR, "systems", 0,
				"missing directory: the systems' plan files go in systems/");
		else
			r = dh_err_sys(err, DH_EIO, "cannot read %s", sysdir);
		free(sysdir);
		return r;
	}
	while ((de = readdir(d)) != NULL && r == 0) {
		char *rel;

		if (de->d_name[0] == '.')
			continue;
		rel = dh_xasprintf("systems/%s", de->d_name);
		if (!ends_with_ini(de->d_name))
			dh_problems_add(pr, DH_SEV_WARNING, rel, 0,
				"ignored: only systems/ID.ini files are plan files");
		else if (fs->n >= DH_PLAN_MAX_FILES)
			r = dh_err_set(err, DH_ETOOBIG, "more than %d files in %s",
				DH_PLAN_MAX_FILES, sysdir);
		else
			r = add_file(fs, dir, rel, pr, err);
		free(rel);
	}
	closedir(d);
	free(sysdir);
	return r;
}

int
dh_plan_files_read(struct dh_plan_files *fs, const char *dir, struct dh_problems *pr,
	struct dh_err *err)
{
	struct stat st;
	int r;

	if (stat(dir, &st) < 0)
		return dh_err_sys(err, errno == ENOENT ? DH_ENOENT : DH_EIO,
			"cannot read plans directory %s", dir);
	if (!S_ISDIR(st.st_mode))
		return dh_err_set(err, DH_EIO, "%s is not a directory", dir);
	if ((r = add_file(fs, dir, "policy.ini", pr, err)) < 0 ||
		(r = add_file(fs, dir, "inventory.ini", pr, err)) < 0 ||
		(r = add_systems(fs, dir, pr, err)) < 0)
		return r;
	for (size_t i = 0; i < fs->n; i++) {
		fs->v[i].path = fs->paths[i];
		fs->v[i].text = fs->bufs[i].data;
		fs->v[i].len = fs->bufs[i].len;
	}
	return 0;
}
