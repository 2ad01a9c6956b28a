/*
 * Reading a plans directory from disk (dh_plan_load in plan.h): lists
 * policy.ini, inventory.ini and systems/ID.ini, reads each whole file
 * (bounded by DH_INI_MAX_FILE) and hands them to dh_plan_load_files().
 * A directory or file that cannot be read at all makes the command unable
 * to run (exit 2); what is inside a file is the loader's business. Also
 * the plan revision: a SHA-256 over the files' paths and contents.
 */
#include "plan/plan.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include "dh/buf.h"
#include "dh/ini.h"

/* SHA-256 over each file in path order: path NUL length NUL contents. */
void
dh_plan_revision(char out[DH_PLAN_REVISION_LEN],
	const struct dh_plan_file *const *sorted, size_t n)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char len[32];

	if (ctx == NULL)
		abort();
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	for (size_t i = 0; i < n; i++) {
		int ln = snprintf(len, sizeof(len), "%zu", sorted[i]->len);

		EVP_DigestUpdate(ctx, sorted[i]->path, strlen(sorted[i]->path) + 1);
		EVP_DigestUpdate(ctx, len, (size_t)ln + 1);
		EVP_DigestUpdate(ctx, sorted[i]->text, sorted[i]->len);
	}
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	for (unsigned int i = 0; i < mdlen && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

struct file_set {
	struct dh_plan_file *v;
	struct dh_buf *bufs;
	char **paths;
	size_t n, cap;
};

static void
set_fini(struct file_set *fs)
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
add_file(struct file_set *fs, const char *dir, const char *rel,
	struct dh_problems *pr, struct dh_err *err)
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
		dh_problems_add(pr, DH_SEV_ERROR, rel, 0, "file is larger than "
			"%d bytes", DH_INI_MAX_FILE);
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
add_systems(struct file_set *fs, const char *dir, struct dh_problems *pr,
	struct dh_err *err)
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
dh_plan_load(struct dh_plan **out, const char *dir, struct dh_problems *pr,
	struct dh_err *err)
{
	struct file_set fs = { 0 };
	struct stat st;
	int r;

	*out = NULL;
	if (stat(dir, &st) < 0)
		return dh_err_sys(err, errno == ENOENT ? DH_ENOENT : DH_EIO,
			"cannot read plans directory %s", dir);
	if (!S_ISDIR(st.st_mode))
		return dh_err_set(err, DH_EIO, "%s is not a directory", dir);
	if ((r = add_file(&fs, dir, "policy.ini", pr, err)) < 0 ||
	    (r = add_file(&fs, dir, "inventory.ini", pr, err)) < 0 ||
	    (r = add_systems(&fs, dir, pr, err)) < 0)
		goto out;
	for (size_t i = 0; i < fs.n; i++) {
		fs.v[i].path = fs.paths[i];
		fs.v[i].text = fs.bufs[i].data;
		fs.v[i].len = fs.bufs[i].len;
	}
	dh_plan_load_files(out, fs.v, fs.n, pr);
	(*out)->dir = dh_xstrdup(dir);
out:
	set_fini(&fs);
	return r;
}
