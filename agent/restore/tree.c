/*
 * Tree walking, parallel hashing and removal (tree.h). The walk uses
 * openat/fdopendir from a directory descriptor so that a symlink swapped
 * in mid-walk cannot lead it outside the root (O_NOFOLLOW everywhere).
 * Hashing hands out files to a fixed pool of workers through an atomic
 * index; each worker owns one EVP context and one read buffer, which is
 * where the bounded memory comes from. Output order is decided by the
 * sorted entry list, never by which worker finished first.
 */
#include "restore/tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/openat2.h>
#include <sys/syscall.h>

#include <openssl/evp.h>

#include "dh/buf.h"
#include "dh/timefmt.h"

void
dh_tree_init(struct dh_tree *t)
{
	memset(t, 0, sizeof(*t));
}

void
dh_tree_fini(struct dh_tree *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].path);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static void
add_entry(struct dh_tree *t, const char *path, const struct stat *st)
{
	struct dh_tree_entry *e;

	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 256;
		t->v = dh_xrealloc(t->v, t->cap * sizeof(*t->v));
	}
	e = &t->v[t->n++];
	memset(e, 0, sizeof(*e));
	e->path = dh_xstrdup(path);
	e->size = st->st_size;
	if (S_ISREG(st->st_mode)) {
		e->type = DH_TREE_FILE;
		t->files++;
		t->bytes += st->st_size;
	} else {
		e->type = S_ISLNK(st->st_mode) ? DH_TREE_SYMLINK : DH_TREE_OTHER;
	}
}

struct walk {
	dh_tree_visit_fn visit;
	void *user;
	bool best_effort;
	struct dh_buf path;
};

/* A failure of the walk itself: an error when strict, passed over when best effort. */
static int
walk_fail(struct walk *w, struct dh_err *err, const char *what)
{
	if (w->best_effort)
		return 0;
	return dh_err_sys(err, DH_EIO, "%s %s", what, w->path.len ? w->path.data : ".");
}

static int walk_dir(struct walk *w, int fd, int depth, struct dh_err *err);

/* Visit the entry name of the directory d, then descend when it is one. */
static int
walk_entry(struct walk *w, DIR *d, const char *name, int depth, struct dh_err *err)
{
	struct stat st;
	int r, sub;

	if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return walk_fail(w, err, "cannot stat");
	if ((r = w->visit(w->user, dirfd(d), name, w->path.data, &st, err)) != 0)
		return r == DH_TREE_SKIP ? 0 : r;
	/* the visit may have changed its mode (made it readable): look again */
	if (!S_ISDIR(st.st_mode) || fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		!S_ISDIR(st.st_mode))
		return 0;
	if (depth >= DH_TREE_DEPTH_MAX)
		return w->best_effort
			? 0
			: dh_err_set(err, DH_EIO, "%s is nested too deep", w->path.data);
	sub = openat(dirfd(d), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub < 0)
		return walk_fail(w, err, "cannot open directory");
	return walk_dir(w, sub, depth + 1, err);
}

static int
walk_dir(struct walk *w, int fd, int depth, struct dh_err *err)
{
	size_t plen = w->path.len;
	struct dirent *de;
	DIR *d = fdopendir(fd);
	int r = 0;

	if (d == NULL) {
		close(fd);
		return walk_fail(w, err, "cannot read directory");
	}
	while (r == 0 && (errno = 0, de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		w->path.len = plen;
		if (plen)
			dh_buf_putc(&w->path, '/');
		dh_buf_puts(&w->path, de->d_name);
		r = walk_entry(w, d, de->d_name, depth, err);
	}
	w->path.len = plen;
	if (w->path.data)
		w->path.data[plen] = '\0';
	if (r == 0 && errno != 0)
		r = walk_fail(w, err, "cannot read directory");
	closedir(d);
	return r;
}

int
dh_tree_walk(int fd, bool best_effort, dh_tree_visit_fn visit, void *user, struct dh_err *err)
{
	struct walk w = { visit, user, best_effort, { 0 } };
	int r;

	dh_buf_init(&w.path);
	dh_buf_puts(&w.path, "");
	r = walk_dir(&w, fd, 0, err);
	dh_buf_fini(&w.path);
	return r;
}

/* A scan's visit: every entry but directories goes into the tree. */
static int
scan_visit(void *user, int dirfd, const char *name, const char *path, const struct stat *st,
	struct dh_err *err)
{
	if (!S_ISDIR(st->st_mode))
		add_entry(user, path, st);
	return 0;
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct dh_tree_entry *x = a, *y = b;

	return strcmp(x->path, y->path);
}

int
dh_tree_scan(const char *root, struct dh_tree *t, struct dh_err *err)
{
	int fd, r;

	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return dh_err_sys(err, errno == ENOENT ? DH_ENOENT : DH_EIO,
			"cannot open directory %s", root);
	r = dh_tree_walk(fd, false, scan_visit, t, err);
	if (t->n > 1)
		qsort(t->v, t->n, sizeof(*t->v), cmp_entry);
	return r;
}

struct dh_tree_entry *
dh_tree_find(const struct dh_tree *t, const char *path)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(t->v[mid].path, path);

		if (c == 0)
			return &t->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int
dh_tree_open_beneath(int rootfd, const char *rel, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_NOFOLLOW | O_CLOEXEC),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));

	if (fd < 0 && errno == ENOSYS) /* kernels before 5.6: the last component only */
		fd = openat(rootfd, rel, flags | O_NOFOLLOW | O_CLOEXEC);
	return (int)fd;
}

/* --- the worker pool */

struct pool {
	struct dh_tree *t;
	int rootfd;
	const EVP_MD *md;
	atomic_size_t next;
	atomic_int stop; /* 1 deadline/cancel */
	double deadline;
	volatile sig_atomic_t *cancel;
};

static bool
should_stop(struct pool *p)
{
	if (atomic_load(&p->stop))
		return true;
	if ((p->cancel && *p->cancel) || (p->deadline > 0 && dh_time_mono() > p->deadline)) {
		atomic_store(&p->stop, 1);
		return true;
	}
	return false;
}

/* Hash one file into e; errors land in e->read_errno. */
static void
hash_one(struct pool *p, EVP_MD_CTX *ctx, unsigned char *buf, struct dh_tree_entry *e)
{
	int64_t total = 0;
	struct stat st;
	ssize_t n;
	int fd;

	fd = dh_tree_open_beneath(p->rootfd, e->path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
	/* O_NONBLOCK: a fifo swapped in since the walk must not hang us */
	if (fd < 0) {
		e->read_errno = errno;
		return;
	}
	if (fstat(fd, &st) != 0) {
		e->read_errno = errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		e->read_errno = EINVAL; /* replaced by something else since the walk */
		goto out;
	}
	if (st.st_size > DH_TREE_CHUNK) /* a syscall per small file is not worth it */
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	EVP_DigestInit_ex(ctx, p->md, NULL);
	while ((n = read(fd, buf, DH_TREE_CHUNK)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			e->read_errno = errno;
			goto out;
		}
		EVP_DigestUpdate(ctx, buf, (size_t)n);
		total += n;
		if (should_stop(p))
			goto out;
		if (n < DH_TREE_CHUNK && total == st.st_size)
			break; /* a short read that reached the size is EOF: skip the empty read */
	}
	EVP_DigestFinal_ex(ctx, e->sha256, NULL);
	e->size = total;
	e->hashed = true;
out:
	close(fd);
}

static void *
worker(void *arg)
{
	struct pool *p = arg;
	unsigned char *buf = dh_xmalloc(DH_TREE_CHUNK);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (ctx == NULL)
		abort();
	for (;;) {
		size_t i = atomic_fetch_add(&p->next, 1);

		if (i >= p->t->n || should_stop(p))
			break;
		if (p->t->v[i].want)
			hash_one(p, ctx, buf, &p->t->v[i]);
	}
	EVP_MD_CTX_free(ctx);
	free(buf);
	return NULL;
}

static int
thread_count(const struct dh_tree_opts *opts, size_t nwant)
{
	long n = opts && opts->threads > 0 ? opts->threads : sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		n = 1;
	if (n > DH_TREE_MAX_THREADS)
		n = DH_TREE_MAX_THREADS;
	if ((size_t)n > nwant)
		n = nwant > 0 ? (long)nwant : 1;
	return (int)n;
}

int
dh_tree_hash(const char *root, struct dh_tree *t, bool all, const struct dh_tree_opts *opts,
	struct dh_err *err)
{
	pthread_t tids[DH_TREE_MAX_THREADS];
	struct pool p = { .t = t, .rootfd = -1 };
	size_t nwant = 0;
	int nthreads, started = 0, r = 0;
	EVP_MD *md = NULL;

	for (size_t i = 0; i < t->n; i++) {
		struct dh_tree_entry *e = &t->v[i];

		e->want = e->type == DH_TREE_FILE && (all || e->want);
		nwant += e->want;
	}
	p.rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (p.rootfd < 0)
		return dh_err_sys(err, DH_EIO, "cannot open directory %s", root);
	md = EVP_MD_fetch(NULL, "SHA256", NULL); /* fetched once: cheap per-file Init */
	if (md == NULL) {
		r = dh_err_set(err, DH_ESYS, "OpenSSL has no SHA-256");
		goto out;
	}
	p.md = md;
	p.deadline = opts ? opts->deadline : 0;
	p.cancel = opts ? opts->cancel : NULL;
	atomic_init(&p.next, 0);
	atomic_init(&p.stop, 0);
	nthreads = thread_count(opts, nwant);
	for (; started < nthreads; started++)
		if (pthread_create(&tids[started], NULL, worker, &p) != 0)
			break;
	if (started == 0)
		r = dh_err_set(err, DH_ESYS, "cannot start hashing threads");
	for (int i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	if (r == 0 && atomic_load(&p.stop))
		r = dh_err_set(err, DH_ETIMEOUT,
			p.cancel && *p.cancel ? "hashing interrupted"
					      : "hashing ran past the deadline");
out:
	EVP_MD_free(md);
	close(p.rootfd);
	return r;
}

/* --- making the restored copy readable */

/* u+r on a file, u+rx on a directory, never through a symlink; best effort. */
static void
grant(int dfd, const char *name, const struct stat *st)
{
	mode_t want = S_ISDIR(st->st_mode) ? (S_IRUSR | S_IXUSR) : S_IRUSR;

	if ((st->st_mode & want) == want || (!S_ISDIR(st->st_mode) && !S_ISREG(st->st_mode)))
		return;
	/* AT_SYMLINK_NOFOLLOW: the entry was just seen as no symlink; never chmod through one */
	if (fchmodat(dfd, name, (st->st_mode & 07777) | want, AT_SYMLINK_NOFOLLOW) != 0 &&
		(errno == ENOTSUP || errno == EOPNOTSUPP))
		if (fchmodat(dfd, name, (st->st_mode & 07777) | want, 0) != 0) /* no /proc */
			return; /* what stays unreadable is an error when verified */
}

/* A visit of make_readable: grant, and descend into what is now readable. */
static int
readable_visit(void *user, int dirfd, const char *name, const char *path, const struct stat *st,
	struct dh_err *err)
{
	grant(dirfd, name, st);
	return 0;
}

int
dh_tree_make_readable(const char *root, struct dh_err *err)
{
	struct stat st;
	int fd;

	if (lstat(root, &st) != 0 || !S_ISDIR(st.st_mode))
		return dh_err_sys(err, DH_EIO, "cannot use directory %s", root);
	grant(AT_FDCWD, root, &st);
	fd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return dh_err_sys(err, DH_EIO, "cannot open directory %s", root);
	return dh_tree_walk(fd, true, readable_visit, NULL, err);
}

/* --- removal */

static int
remove_in(int dfd, const char *name, struct dh_err *err)
{
	struct dirent *de;
	int fd, r = 0;
	DIR *d;

	if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return dh_err_sys(err, DH_EIO, "cannot remove %s", name);
	/* a restored 0500 dir must still empty; if this fails, openat says why */
	if (fchmodat(dfd, name, 0700, 0) != 0) {
		/* openat below fails then, and says why */
	}
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return dh_err_sys(err, DH_EIO, "cannot open %s for removal", name);
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return dh_err_sys(err, DH_EIO, "cannot read %s for removal", name);
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (remove_in(dirfd(d), de->d_name, err) != 0)
			r = DH_EIO; /* keep going: remove as much as possible */
	}
	closedir(d);
	if (unlinkat(dfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
		return dh_err_sys(err, DH_EIO, "cannot remove directory %s", name);
	return r;
}

int
dh_tree_remove(const char *path, struct dh_err *err)
{
	return remove_in(AT_FDCWD, path, err);
}
