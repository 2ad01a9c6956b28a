/*
 * Tree-against-manifest comparison (verify.h). Both lists are sorted
 * bytewise, so one merge pass names every difference in path order; only
 * files the manifest lists are hashed (in parallel, by tree.c), so an
 * extra multi-gigabyte file costs a stat, not a read.
 */
#include "restore/verify.h"

#include <stdio.h>
#include <string.h>

#include "dh/buf.h"

static void
hex(const unsigned char *d, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < DH_SHA256_LEN; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * DH_SHA256_LEN] = '\0';
}

static void
report(dh_verify_fn fn, void *user, const char *path, const char *problem)
{
	if (fn)
		fn(user, path, problem);
}

/* Compare one listed file with what the tree holds there. */
static void
compare(const struct dh_manifest_entry *me, const struct dh_tree_entry *te, dh_verify_fn fn,
	void *user, struct dh_verify_result *res)
{
	char want[2 * DH_SHA256_LEN + 1], got[2 * DH_SHA256_LEN + 1];
	char msg[300];

	if (te->type != DH_TREE_FILE) {
		res->changed++;
		report(fn, user, me->path,
			te->type == DH_TREE_SYMLINK ? "changed: is a symlink, not a regular file"
						    : "changed: is not a regular file");
		return;
	}
	if (!te->hashed) {
		res->unreadable++; /* the agent's own copy: not evidence about the backup */
		snprintf(msg, sizeof(msg), "unreadable: %s", strerror(te->read_errno));
		report(fn, user, me->path, msg);
		return;
	}
	if (memcmp(me->sha256, te->sha256, DH_SHA256_LEN) != 0) {
		res->changed++;
		hex(me->sha256, want);
		hex(te->sha256, got);
		snprintf(msg, sizeof(msg), "changed: sha256 %s, expected %s (%lld bytes)", got,
			want, (long long)te->size);
		report(fn, user, me->path, msg);
		return;
	}
	res->files_ok++;
	res->bytes_ok += te->size;
}

int
dh_verify_tree(const char *dir, const struct dh_manifest *m, const struct dh_tree_opts *opts,
	dh_verify_fn fn, void *user, struct dh_verify_result *res, struct dh_err *err)
{
	struct dh_tree t;
	size_t i = 0, j = 0;
	int r;

	memset(res, 0, sizeof(*res));
	dh_tree_init(&t);
	if ((r = dh_tree_scan(dir, &t, err)) != 0)
		goto out;
	for (size_t k = 0; k < m->n; k++) {
		struct dh_tree_entry *te = dh_tree_find(&t, m->v[k].path);

		if (te != NULL)
			te->want = true;
	}
	if ((r = dh_tree_hash(dir, &t, false, opts, err)) != 0)
		goto out;
	while (i < m->n || j < t.n) {
		int c = i == m->n ? 1 : j == t.n ? -1 : strcmp(m->v[i].path, t.v[j].path);

		if (c < 0) {
			res->missing++;
			report(fn, user, m->v[i++].path, "missing");
		} else if (c > 0) {
			if (t.v[j].type == DH_TREE_FILE) {
				res->extra++;
				report(fn, user, t.v[j].path, "extra");
			} else {
				res->skipped++;
			}
			j++;
		} else {
			compare(&m->v[i++], &t.v[j++], fn, user, res);
		}
	}
out:
	dh_tree_fini(&t);
	return r;
}

int64_t
dh_verify_differences(const struct dh_verify_result *res)
{
	return res->missing + res->extra + res->changed + res->unreadable;
}
