/*
 * The event spool (spool.h): durable, ordered, private files of events
 * and per-job send state. Owns every file operation under the spool
 * directory — atomic writes (tmp + fsync + rename + fsync dir), ordered
 * listing, removal after delivery, `.rejected` keeping, and the sending
 * lock. deliver.c reads and removes; run.c writes.
 */
#include "events/spool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dh/proto.h"

#define SUFFIX_EVENT ".json"
#define SUFFIX_JOB ".job"

static int
mkdir_p(const char *dir, struct dh_err *err)
{
	char *p = dh_xstrdup(dir);
	int r = 0;

	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST) {
			r = dh_err_sys(err, DH_ESYS, "cannot create %s", p);
			goto out;
		}
		*s = c;
		if (c == '\0')
			break;
	}
out:
	free(p);
	return r;
}

int
dh_spool_open(const char *dir, struct dh_err *err)
{
	struct stat st;
	int r;

	if (dir == NULL || dir[0] != '/')
		return dh_err_set(err, DH_EINVAL, "spool directory must be absolute");
	if ((r = mkdir_p(dir, err)) != 0)
		return r;
	if (stat(dir, &st) != 0)
		return dh_err_sys(err, DH_ESYS, "cannot stat spool %s", dir);
	if (!S_ISDIR(st.st_mode))
		return dh_err_set(err, DH_EREFUSED, "spool %s is not a directory", dir);
	if (st.st_uid != geteuid())
		return dh_err_set(err, DH_EREFUSED, "spool %s belongs to uid %u, not to us", dir,
			(unsigned)st.st_uid);
	if ((st.st_mode & 077) != 0 && chmod(dir, 0700) != 0)
		return dh_err_sys(err, DH_ESYS, "cannot chmod spool %s", dir);
	return 0;
}

static int
fsync_dir(const char *dir, struct dh_err *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = 0;

	if (fd < 0)
		return dh_err_sys(err, DH_ESYS, "cannot open %s", dir);
	if (fsync(fd) != 0)
		r = dh_err_sys(err, DH_ESYS, "cannot fsync %s", dir);
	close(fd);
	return r;
}

static int
write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Write name in dir atomically with mode; the data is durable on return. */
static int
put_atomic(const char *dir, const char *name, const char *data, size_t len, mode_t mode,
	struct dh_err *err)
{
	char *path = dh_xasprintf("%s/%s", dir, name);
	char *tmp = dh_xasprintf("%s.%ld.tmp", path, (long)getpid());
	int fd = -1, r = 0;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0) {
		r = dh_err_sys(err, DH_EIO, "cannot create %s", tmp);
		goto out;
	}
	if (fchmod(fd, mode) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		r = dh_err_sys(err, DH_EIO, "cannot write %s", tmp);
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		r = dh_err_sys(err, DH_EIO, "cannot write %s", tmp);
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		r = dh_err_sys(err, DH_EIO, "cannot rename %s", tmp);
		goto out;
	}
	r = fsync_dir(dir, err);
out:
	if (fd >= 0)
		close(fd);
	if (r != 0)
		unlink(tmp);
	free(tmp);
	free(path);
	return r;
}

int
dh_spool_put(const char *dir, const char *job, int64_t seq, const char *body, size_t len,
	struct dh_err *err)
{
	char name[DH_JOB_ID_MAX + 32];

	if (!dh_proto_is_job_id(job) || seq < 1 || seq > 9999999999LL)
		return dh_err_set(err, DH_EINVAL, "bad job id or seq for the spool");
	if (len > DH_EVENT_MAX)
		return dh_err_set(err, DH_ETOOBIG, "event of %zu bytes is over %d", len,
			DH_EVENT_MAX);
	snprintf(name, sizeof(name), "%s.%010" PRId64 SUFFIX_EVENT, job, seq);
	return put_atomic(dir, name, body, len, 0600, err);
}

int
dh_spool_job_save(const char *dir, const char *job, const struct dh_spool_job *st,
	struct dh_err *err)
{
	char name[DH_JOB_ID_MAX + 8];
	char *text;
	int r;

	if (!dh_proto_is_job_id(job))
		return dh_err_set(err, DH_EINVAL, "bad job id for the spool");
	if (strchr(st->url, '\n') != NULL || strchr(st->token, '\n') != NULL)
		return dh_err_set(err, DH_EINVAL, "url or token holds a newline");
	snprintf(name, sizeof(name), "%s" SUFFIX_JOB, job);
	text = dh_xasprintf("url=%s\ntoken=%s\ndone=%d\n", st->url, st->token, st->done ? 1 : 0);
	if (strlen(text) > DH_SPOOL_JOB_MAX)
		r = dh_err_set(err, DH_ETOOBIG, "job state of %s too large", job);
	else
		r = put_atomic(dir, name, text, strlen(text), 0600, err);
	memset(text, 0, strlen(text)); /* the token */
	free(text);
	return r;
}

static int
parse_job_line(struct dh_spool_job *out, const char *line)
{
	if (strncmp(line, "url=", 4) == 0) {
		free(out->url);
		out->url = dh_xstrdup(line + 4);
	} else if (strncmp(line, "token=", 6) == 0) {
		free(out->token);
		out->token = dh_xstrdup(line + 6);
	} else if (strcmp(line, "done=1") == 0) {
		out->done = true;
	} else if (strcmp(line, "done=0") != 0 && line[0] != '\0') {
		return -1;
	}
	return 0;
}

int
dh_spool_job_load(const char *dir, const char *job, struct dh_spool_job *out, struct dh_err *err)
{
	struct dh_buf b;
	char *path, *save = NULL;
	int r;

	memset(out, 0, sizeof(*out));
	if (!dh_proto_is_job_id(job))
		return dh_err_set(err, DH_EINVAL, "bad job id for the spool");
	path = dh_xasprintf("%s/%s" SUFFIX_JOB, dir, job);
	dh_buf_init(&b);
	if ((r = dh_file_read(path, DH_SPOOL_JOB_MAX, &b, err)) != 0)
		goto out;
	for (char *l = strtok_r(b.data, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (parse_job_line(out, l) != 0) {
			r = dh_err_at(err, DH_EPARSE, path, 0, "unexpected line in job state");
			goto out;
		}
	}
	if (out->url == NULL || out->token == NULL)
		r = dh_err_at(err, DH_EPARSE, path, 0, "job state lacks url or token");
out:
	if (b.data != NULL)
		memset(b.data, 0, b.cap);
	dh_buf_fini(&b);
	free(path);
	if (r != 0)
		dh_spool_job_fini(out);
	return r;
}

void
dh_spool_job_fini(struct dh_spool_job *st)
{
	if (st == NULL)
		return;
	free(st->url);
	if (st->token != NULL)
		memset(st->token, 0, strlen(st->token));
	free(st->token);
	memset(st, 0, sizeof(*st));
}

static int
unlink_durable(const char *dir, const char *name, struct dh_err *err)
{
	char *path = dh_xasprintf("%s/%s", dir, name);
	int r = 0;

	if (unlink(path) != 0 && errno != ENOENT)
		r = dh_err_sys(err, DH_EIO, "cannot remove %s", path);
	free(path);
	return r != 0 ? r : fsync_dir(dir, err);
}

int
dh_spool_job_remove(const char *dir, const char *job, struct dh_err *err)
{
	char name[DH_JOB_ID_MAX + 8];

	if (!dh_proto_is_job_id(job))
		return dh_err_set(err, DH_EINVAL, "bad job id for the spool");
	snprintf(name, sizeof(name), "%s" SUFFIX_JOB, job);
	return unlink_durable(dir, name, err);
}

static bool
ends_with(const char *s, size_t n, const char *suf)
{
	size_t m = strlen(suf);

	return n >= m && memcmp(s + n - m, suf, m) == 0;
}

/* "<job>.<10 digits>.json" -> job, seq; false when the name is not an event. */
static bool
parse_event_name(const char *name, char **job, int64_t *seq)
{
	size_t n = strlen(name), m = strlen(SUFFIX_EVENT);
	const char *digits;
	int64_t v = 0;

	if (!ends_with(name, n, SUFFIX_EVENT) || n < m + DH_SPOOL_SEQ_DIGITS + 2)
		return false;
	digits = name + n - m - DH_SPOOL_SEQ_DIGITS;
	if (digits[-1] != '.')
		return false;
	for (int i = 0; i < DH_SPOOL_SEQ_DIGITS; i++) {
		if (digits[i] < '0' || digits[i] > '9')
			return false;
		v = v * 10 + (digits[i] - '0');
	}
	*job = dh_xstrndup(name, (size_t)(digits - 1 - name));
	if (!dh_proto_is_job_id(*job) || v < 1) {
		free(*job);
		*job = NULL;
		return false;
	}
	*seq = v;
	return true;
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct dh_spool_entry *x = a, *y = b;
	int c = strcmp(x->job, y->job);

	if (c != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
list_push(struct dh_spool_list *l, char *job, int64_t seq, const char *name)
{
	l->v = dh_xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n].job = job;
	l->v[l->n].seq = seq;
	l->v[l->n].name = dh_xstrdup(name);
	l->n++;
}

/* List dir: events (jobs == false) or job state files (jobs == true). */
static int
scan(const char *dir, bool jobs, struct dh_spool_list *out, struct dh_err *err)
{
	DIR *d;
	struct dirent *de;

	memset(out, 0, sizeof(*out));
	if ((d = opendir(dir)) == NULL)
		return dh_err_sys(err, errno == ENOENT ? DH_ENOENT : DH_EIO, "cannot read spool %s",
			dir);
	while ((de = readdir(d)) != NULL) {
		const char *nm = de->d_name;
		size_t n = strlen(nm), m = strlen(SUFFIX_JOB);
		char *job = NULL;
		int64_t seq = 0;

		if (!jobs && parse_event_name(nm, &job, &seq)) {
			list_push(out, job, seq, nm);
		} else if (jobs && ends_with(nm, n, SUFFIX_JOB)) {
			job = dh_xstrndup(nm, n - m);
			if (dh_proto_is_job_id(job))
				list_push(out, job, 0, nm);
			else
				free(job);
		}
	}
	closedir(d);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), entry_cmp);
	return 0;
}

int
dh_spool_list(const char *dir, struct dh_spool_list *out, struct dh_err *err)
{
	return scan(dir, false, out, err);
}

int
dh_spool_jobs(const char *dir, struct dh_spool_list *out, struct dh_err *err)
{
	return scan(dir, true, out, err);
}

bool
dh_spool_list_has_job(const struct dh_spool_list *l, const char *job)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].job, job) == 0)
			return true;
	return false;
}

void
dh_spool_list_fini(struct dh_spool_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].job);
		free(l->v[i].name);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int
dh_spool_read(const char *dir, const struct dh_spool_entry *e, struct dh_buf *b, struct dh_err *err)
{
	char *path = dh_xasprintf("%s/%s", dir, e->name);
	int r = dh_file_read(path, DH_EVENT_MAX, b, err);

	free(path);
	return r;
}

int
dh_spool_remove(const char *dir, const struct dh_spool_entry *e, struct dh_err *err)
{
	return unlink_durable(dir, e->name, err);
}

int
dh_spool_reject(const char *dir, const struct dh_spool_entry *e, struct dh_err *err)
{
	char *from = dh_xasprintf("%s/%s", dir, e->name);
	char *to = dh_xasprintf("%s.rejected", from);
	int r = 0;

	if (rename(from, to) != 0 && errno != ENOENT)
		r = dh_err_sys(err, DH_EIO, "cannot rename %s", from);
	free(from);
	free(to);
	return r != 0 ? r : fsync_dir(dir, err);
}

int
dh_spool_lock(const char *dir, bool wait, int *fd, struct dh_err *err)
{
	char *path = dh_xasprintf("%s/.lock", dir);
	int f;

	f = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (f < 0) {
		int r = dh_err_sys(err, DH_ESYS, "cannot open %s", path);
		free(path);
		return r;
	}
	free(path);
	while (flock(f, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
		if (errno == EWOULDBLOCK) {
			close(f);
			return dh_err_set(err, DH_ELOCKED, "another process is sending the spool");
		}
		if (errno != EINTR) {
			close(f);
			return dh_err_sys(err, DH_ESYS, "cannot lock the spool");
		}
	}
	*fd = f;
	return 0;
}

void
dh_spool_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}
