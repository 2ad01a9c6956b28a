/*
 * The restore test (restore.h, SPEC "Restore test"). One function drives
 * the steps — check the job, find the newest backup, create the scratch
 * target, restore, verify, measure, remove the target — and fills the
 * record as it goes, so whatever stops the test, the record says how far
 * it got. A test that could not be carried out (bad job, unknown action,
 * repository outside backup_roots, missing or malformed manifest, tool
 * that cannot run) is `error`, never `failed`: it is not evidence about
 * the backup. SIGTERM/SIGINT/SIGHUP kill the running tool's group,
 * remove the target, and make the record `aborted`.
 */
#include "restore/restore.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dh/buf.h"
#include "dh/duration.h"
#include "dh/manifest.h"
#include "dh/timefmt.h"
#include "restore/method.h"
#include "proc.h"
#include "restore/tree.h"
#include "restore/verify.h"

struct run {
	const struct dh_agent_config *cfg;
	const struct dh_job *job;
	struct dh_record *rec;
	dh_restore_step_fn step;
	void *user;
	char *repo;                    /* canonical repository, or NULL */
	char *target;                  /* set once created */
	struct dh_manifest *manifests; /* one per verify; filled for kind manifest */
	struct dh_buf output;
	double deadline;
	double restore_mono; /* restore start, monotonic */
	time_t restore_wall; /* restore start, wall clock */
	struct dh_backup backup;
	char origin[512]; /* " of host H, paths P" for the backup check */
	bool have_backup;
	struct dh_tree tree; /* scanned once for min_files / min_bytes */
	bool scanned;
	int64_t files_ok, bytes_ok;
	struct dh_method_env env;
};

static void
step(struct run *r, const char *what, const char *detail)
{
	if (r->step)
		r->step(r->user, what, detail);
}

static bool
cancelled(void)
{
	return *dh_proc_cancel_flag() != 0;
}

/*
 * Messages name restored paths, which need not be UTF-8: such text is
 * escaped as record names are (SPEC step 4) so the record can be stored.
 * The caller frees.
 */
static char *
record_text(const char *s)
{
	return dh_manifest_record_name(s);
}

static void
set_error(struct run *r, const struct dh_err *e)
{
	char msg[DH_ERR_MSG_MAX + 300];

	dh_err_format(e, msg, sizeof(msg));
	free(r->rec->error);
	r->rec->error = record_text(msg);
}

/* A check whose detail is an error message (it may name a path). */
static void
add_check_msg(struct run *r, const char *name, enum dh_verdict v, const char *msg)
{
	char *text = record_text(msg);

	dh_record_add_check(r->rec, name, v, "%s", text);
	free(text);
}

/* --- checking the job before anything runs */

/* real = canonical path; 0 when path lies below one of the roots. */
static int
under_roots(const struct dh_agent_config *cfg, const char *path, char **real, struct dh_err *err)
{
	char buf[PATH_MAX];

	if (path == NULL || path[0] != '/')
		return dh_err_set(err, DH_EREFUSED, "repository must be an absolute path");
	if (realpath(path, buf) == NULL)
		return dh_err_sys(err, DH_ENOENT, "repository %s cannot be used", path);
	for (size_t i = 0; i < cfg->nbackup_roots; i++) {
		const char *root = cfg->backup_roots[i];
		size_t n = strlen(root);

		if (n == 1 || (strncmp(buf, root, n) == 0 && (buf[n] == '/' || buf[n] == '\0'))) {
			*real = dh_xstrdup(buf);
			return 0;
		}
	}
	return dh_err_set(err, DH_EREFUSED, "repository %s lies outside the backup_roots of %s",
		buf, cfg->path);
}

static int
check_action(const struct run *r, const char *key, const char *name, struct dh_err *err)
{
	if (dh_agent_config_action(r->cfg, name) == NULL)
		return dh_err_set(err, DH_EREFUSED,
			"%s names action '%s', which %s does not define", key, name ? name : "",
			r->cfg->path);
	return 0;
}

static int
check_verifies(struct run *r, struct dh_err *err)
{
	const struct dh_job_restore *rs = &r->job->restore;
	int rc;

	r->manifests = dh_xcalloc(rs->nverify ? rs->nverify : 1, sizeof(*r->manifests));
	for (size_t i = 0; i < rs->nverify; i++) {
		const struct dh_verify *v = &rs->verify[i];

		dh_manifest_init(&r->manifests[i]);
		if (v->kind == DH_VERIFY_ACTION && (rc = check_action(r, "verify", v->arg, err)))
			return rc;
		if (v->kind == DH_VERIFY_FILE && !dh_manifest_is_clean_path(v->arg))
			return dh_err_set(err, DH_EINVAL,
				"verify file '%s' must be a relative path "
				"without '.' or '..' parts",
				v->arg);
		if (v->kind == DH_VERIFY_MANIFEST &&
			(rc = dh_manifest_load(v->arg, &r->manifests[i], err)) != 0)
			return rc;
	}
	return 0;
}

static int
check_job(struct run *r, struct dh_err *err)
{
	const struct dh_job_restore *rs = &r->job->restore;
	int rc;

	if (r->job->kind != DH_JOB_RESTORE)
		return dh_err_set(err, DH_EINVAL,
			"a %s job is not a restore test (the controller runs failover drills; "
			"their action jobs run through `drillhall-agent run`)",
			dh_job_kind_name(r->job->kind));
	if (!dh_proto_is_job_id(r->job->id) || !dh_proto_is_system_id(r->job->system))
		return dh_err_set(err, DH_EINVAL, "job id or system id is not valid");
	if (rs->method == DH_METHOD_ACTION) {
		if ((rc = check_action(r, "restore_action", rs->restore_action, err)) ||
			(rc = check_action(r, "backup_time_action", rs->backup_time_action, err)))
			return rc;
	} else if ((rc = under_roots(r->cfg, rs->repository, &r->repo, err)) != 0) {
		return rc;
	}
	if (rs->method == DH_METHOD_RESTIC && rs->password_file == NULL)
		return dh_err_set(err, DH_EINVAL, "restic needs a password_file");
	return check_verifies(r, err);
}

/* --- the target */

static int
make_target(struct run *r, struct dh_err *err)
{
	char scratch[PATH_MAX];
	struct stat st;
	char *sysdir;
	int rc = 0;

	if (realpath(r->cfg->scratch, scratch) == NULL)
		return dh_err_sys(err, DH_ENOENT, "scratch directory %s cannot be used",
			r->cfg->scratch);
	sysdir = dh_xasprintf("%s/%s", scratch, r->job->system);
	if (mkdir(sysdir, 0700) != 0 && errno != EEXIST) {
		rc = dh_err_sys(err, DH_EIO, "cannot create %s", sysdir);
		goto out;
	}
	if (lstat(sysdir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		rc = dh_err_set(err, DH_EREFUSED, "%s is not a directory (a symlink?)", sysdir);
		goto out;
	}
	r->target = dh_xasprintf("%s/%s", sysdir, r->job->id);
	if (mkdir(r->target, 0700) != 0) {
		rc = dh_err_sys(err, errno == EEXIST ? DH_EEXIST : DH_EIO,
			"cannot create a fresh target %s", r->target);
		free(r->target);
		r->target = NULL;
	}
out:
	free(sysdir);
	return rc;
}

static void
remove_target(struct run *r)
{
	struct dh_err e;

	if (r->target == NULL)
		return;
	step(r, "cleanup", r->target);
	if (r->job->restore.keep) {
		dh_record_add_check(r->rec, "cleanup", DH_VERDICT_PASSED,
			"target kept at %s (keep = yes)", r->target);
		return;
	}
	dh_err_clear(&e);
	if (dh_tree_remove(r->target, &e) != 0)
		dh_record_add_check(r->rec, "cleanup", DH_VERDICT_FAILED,
			"restored data left behind in %s: %s", r->target, e.msg);
	else
		dh_record_add_check(r->rec, "cleanup", DH_VERDICT_PASSED, "target removed");
}

/* --- verifications */

static struct dh_tree_opts
tree_opts(const struct run *r)
{
	struct dh_tree_opts o = { 0, r->deadline, dh_proc_cancel_flag() };

	return o;
}

/* Names that are not UTF-8 are escaped (SPEC step 4), so every record can be stored. */
static void
on_mismatch(void *user, const char *path, const char *problem)
{
	char *name = dh_manifest_record_name(path);

	dh_record_add_mismatch(user, name, problem);
	free(name);
}

static void
verify_manifest(struct run *r, const struct dh_verify *v, size_t i, const char *name)
{
	struct dh_tree_opts o = tree_opts(r);
	struct dh_verify_result res;
	struct dh_err e;

	dh_err_clear(&e);
	if (dh_verify_tree(r->target, &r->manifests[i], &o, on_mismatch, r->rec, &res, &e) != 0) {
		/* past the deadline fails the test; a copy it cannot walk is the agent's error */
		add_check_msg(r, name, e.code == DH_ETIMEOUT ? DH_VERDICT_FAILED : DH_VERDICT_ERROR,
			e.msg);
		if (e.code != DH_ETIMEOUT)
			set_error(r, &e);
		return;
	}
	if (res.files_ok > r->files_ok) {
		r->files_ok = res.files_ok;
		r->bytes_ok = res.bytes_ok;
	}
	if (res.unreadable > 0) {
		dh_err_set(&e, DH_EIO,
			"the agent cannot read %lld of its own restored files, even "
			"after making them readable (named in mismatches): not evidence about the backup",
			(long long)res.unreadable);
		add_check_msg(r, name, DH_VERDICT_ERROR, e.msg);
		set_error(r, &e);
	} else if (dh_verify_differences(&res) == 0)
		dh_record_add_check(r->rec, name, DH_VERDICT_PASSED,
			"all %zu listed files present and identical (%lld bytes)",
			r->manifests[i].n, (long long)res.bytes_ok);
	else
		dh_record_add_check(r->rec, name, DH_VERDICT_FAILED,
			"%lld missing, %lld extra, %lld changed; %lld of %zu listed files identical",
			(long long)res.missing, (long long)res.extra, (long long)res.changed,
			(long long)res.files_ok, r->manifests[i].n);
}

static bool
scan(struct run *r, const char *name)
{
	struct dh_err e;

	if (r->scanned)
		return true;
	dh_err_clear(&e);
	if (dh_tree_scan(r->target, &r->tree, &e) != 0) {
		/* the agent's own copy it cannot walk: not evidence about the backup */
		add_check_msg(r, name, DH_VERDICT_ERROR, e.msg);
		set_error(r, &e);
		return false;
	}
	r->scanned = true;
	return true;
}

/* Always checked: a restore that exits 0 having restored nothing is no proof. */
static void
check_content(struct run *r)
{
	if (!scan(r, "content"))
		return;
	dh_record_add_check(r->rec, "content",
		r->tree.files > 0 ? DH_VERDICT_PASSED : DH_VERDICT_FAILED,
		"%lld files, %lld bytes restored", (long long)r->tree.files,
		(long long)r->tree.bytes);
}

static void
verify_count(struct run *r, const struct dh_verify *v, size_t i, const char *name)
{
	bool files = v->kind == DH_VERIFY_MIN_FILES;
	int64_t have;

	if (!scan(r, name))
		return;
	have = files ? r->tree.files : r->tree.bytes;
	dh_record_add_check(r->rec, name, have >= v->n ? DH_VERDICT_PASSED : DH_VERDICT_FAILED,
		"%lld %s restored, at least %lld required", (long long)have,
		files ? "files" : "bytes", (long long)v->n);
}

static void
verify_file(struct run *r, const struct dh_verify *v, size_t i, const char *name)
{
	int root = open(r->target, O_RDONLY | O_DIRECTORY | O_CLOEXEC), fd = -1;
	struct stat st;

	if (root >= 0)
		fd = dh_tree_open_beneath(root, v->arg, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		dh_record_add_check(r->rec, name, DH_VERDICT_FAILED, "%s",
			errno == ELOOP            ? "reached through a symlink or is one"
				: errno == ENOENT ? "missing"
						  : strerror(errno));
	else if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		dh_record_add_check(r->rec, name, DH_VERDICT_FAILED, "not a regular file");
	else if (st.st_size == 0)
		dh_record_add_check(r->rec, name, DH_VERDICT_FAILED, "empty");
	else
		dh_record_add_check(r->rec, name, DH_VERDICT_PASSED, "present, %lld bytes",
			(long long)st.st_size);
	if (fd >= 0)
		close(fd);
	if (root >= 0)
		close(root);
}

static void
verify_action(struct run *r, const struct dh_verify *v, size_t i, const char *name)
{
	const struct dh_agent_action *a = dh_agent_config_action(r->cfg, v->arg);
	struct dh_proc_result res;
	struct dh_err e;
	char how[128];

	dh_err_clear(&e);
	dh_proc_result_init(&res);
	if (dh_method_run_action(&r->env, a, r->target, r->deadline, true, &res, &e) != 0) {
		add_check_msg(r, name, DH_VERDICT_ERROR, e.msg);
		set_error(r, &e);
	} else {
		dh_proc_describe(&res, how, sizeof(how));
		dh_record_add_check(r->rec, name,
			dh_proc_is_success(&res) ? DH_VERDICT_PASSED : DH_VERDICT_FAILED, "%s",
			how);
	}
	dh_proc_result_fini(&res);
}

static const struct {
	enum dh_verify_kind kind;
	void (*fn)(struct run *, const struct dh_verify *, size_t, const char *);
} verify_ops[] = {
	{ DH_VERIFY_MANIFEST, verify_manifest },
	{ DH_VERIFY_MIN_FILES, verify_count },
	{ DH_VERIFY_MIN_BYTES, verify_count },
	{ DH_VERIFY_FILE, verify_file },
	{ DH_VERIFY_ACTION, verify_action },
};

static char *
verify_name(const struct dh_verify *v)
{
	if (v->arg != NULL)
		return dh_xasprintf("%s %s", dh_verify_kind_name(v->kind), v->arg);
	return dh_xasprintf("%s %lld", dh_verify_kind_name(v->kind), (long long)v->n);
}

static void
run_verifies(struct run *r, const char *skip_reason)
{
	const struct dh_job_restore *rs = &r->job->restore;

	for (size_t i = 0; i < rs->nverify; i++) {
		const struct dh_verify *v = &rs->verify[i];
		char *name = verify_name(v);

		if (skip_reason == NULL && cancelled())
			skip_reason = "the agent was stopped";
		if (skip_reason != NULL) {
			dh_record_add_check(r->rec, name, DH_VERDICT_FAILED, "not run: %s",
				skip_reason);
		} else {
			step(r, "verify", name);
			for (size_t k = 0; k < sizeof(verify_ops) / sizeof(verify_ops[0]); k++)
				if (verify_ops[k].kind == v->kind)
					verify_ops[k].fn(r, v, i, name);
		}
		free(name);
	}
}

/* --- measuring and the verdict */

static void
measure(struct run *r)
{
	struct dh_record *rec = r->rec;
	char have[32], want[32];
	double took = dh_time_mono() - r->restore_mono;

	rec->rto_actual_s = (int64_t)took + ((double)(int64_t)took < took); /* rounded up */
	dh_duration_format(rec->rto_actual_s, have, sizeof(have));
	dh_duration_format(rec->rto_target_s, want, sizeof(want));
	if (r->have_backup) {
		char age[32];

		rec->rpo_actual_s = (int64_t)(r->restore_wall - r->backup.at);
		if (rec->rpo_actual_s < 0)
			rec->rpo_actual_s =
				0; /* ahead within the skew allowed: fresh (-1 is "none") */
		if (rec->rpo_actual_s == 0)
			snprintf(age, sizeof(age), "0s");
		else
			dh_duration_format(rec->rpo_actual_s, age, sizeof(age));
		dh_duration_format(rec->rpo_target_s, want, sizeof(want));
		dh_record_add_check(rec, "rpo",
			rec->rpo_actual_s <= rec->rpo_target_s ? DH_VERDICT_PASSED
							       : DH_VERDICT_FAILED,
			"backup was %s old when the restore started; rpo is %s", age, want);
		dh_duration_format(rec->rto_target_s, want, sizeof(want));
	}
	dh_record_add_check(rec, "rto",
		rec->rto_actual_s <= rec->rto_target_s ? DH_VERDICT_PASSED : DH_VERDICT_FAILED,
		"restored and verified in %s; rto is %s", have, want);
}

static void
decide(struct run *r)
{
	struct dh_record *rec = r->rec;

	rec->files_verified = r->files_ok;
	rec->bytes_verified = r->bytes_ok;
	rec->finished_at = dh_time_now();
	if (r->output.len > 0)
		rec->output = dh_buf_take(&r->output);
	if (cancelled()) {
		rec->verdict = DH_VERDICT_ABORTED;
		if (rec->error == NULL)
			rec->error = dh_xstrdup("stopped by a termination signal; target removed");
		return;
	}
	if (rec->error != NULL) {
		rec->verdict = DH_VERDICT_ERROR;
		return;
	}
	rec->verdict = DH_VERDICT_PASSED;
	for (size_t i = 0; i < rec->nchecks; i++)
		if (rec->checks[i].verdict != DH_VERDICT_PASSED)
			rec->verdict = DH_VERDICT_FAILED;
}

static void
record_init(struct run *r)
{
	struct dh_record *rec = r->rec;
	char host[256];

	free(rec->id);
	free(rec->system);
	rec->id = dh_xstrdup(r->job->id ? r->job->id : "");
	rec->system = dh_xstrdup(r->job->system ? r->job->system : "");
	rec->kind = r->job->kind;
	rec->started_at = dh_time_now();
	rec->rpo_target_s = r->job->rpo_target_s;
	rec->rto_target_s = r->job->rto_target_s;
	if (r->job->plan_revision && rec->plan_revision == NULL)
		rec->plan_revision = dh_xstrdup(r->job->plan_revision);
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "unknown");
	host[sizeof(host) - 1] = '\0';
	if (rec->agent_host == NULL)
		rec->agent_host = dh_xstrdup(host);
	if (rec->agent_version == NULL)
		rec->agent_version = dh_xstrdup(DH_VERSION);
	if (rec->nhosts == 0)
		dh_record_add_host(rec, r->job->host ? r->job->host : host);
}

/* A backup stamped further ahead than this is a clock fault (SPEC step 2). */
#define CLOCK_AHEAD_MAX_S 300

/* The restore point's name for the record's checks: the restic snapshot
 * id or tar archive; NULL for a backup-time action, which has only a time. */
static const char *
point_name(const struct run *r)
{
	return r->rec->snapshot.id ? r->rec->snapshot.id : r->rec->snapshot.archive;
}

/*
 * The rule for every method, in one place: a backup time in the future is
 * not a fresh backup but a wrong clock (the backup host's, or this one's).
 * The `backup` check fails naming the time and how far ahead it is; the
 * test goes no further, since no rpo can be measured from such a time.
 */
static bool
clock_fault(struct run *r, const char *when)
{
	const char *name = point_name(r);
	time_t now = dh_time_now();
	char ahead[32];

	if (r->backup.at <= now + CLOCK_AHEAD_MAX_S)
		return false;
	dh_duration_format((int64_t)(r->backup.at - now), ahead, sizeof(ahead));
	dh_record_add_check(r->rec, "backup", DH_VERDICT_FAILED,
		"newest backup %s%sis dated %s, %s ahead of this host's clock: a clock fault "
		"(more than 5m in the future), not a fresh backup",
		name ? name : "", name ? " " : "", when, ahead);
	return true;
}

/* restic's snapshot host and paths into the record and r->origin
 * (" of host H, paths P, Q"), so the check names whose backup it was. */
static void
record_origin(struct run *r)
{
	struct dh_buf b;

	r->origin[0] = '\0';
	if (r->backup.host == NULL && r->backup.npaths == 0)
		return;
	dh_buf_init(&b);
	if (r->backup.host != NULL) {
		r->rec->snapshot.host = record_text(r->backup.host);
		dh_buf_printf(&b, " of host %s", r->rec->snapshot.host);
	}
	for (size_t i = 0; i < r->backup.npaths; i++) {
		char *p = record_text(r->backup.paths[i]);

		dh_record_add_snapshot_path(r->rec, p);
		dh_buf_printf(&b, "%s%s", i ? ", " : ", paths ", p);
		free(p);
	}
	snprintf(r->origin, sizeof(r->origin), "%s", b.data ? b.data : "");
	dh_buf_fini(&b);
}

/* The restore point into the record by method (SPEC: snapshot). */
static void
name_point(struct run *r)
{
	struct dh_snapshot *s = &r->rec->snapshot;

	s->time = r->backup.at;
	if (r->job->restore.method == DH_METHOD_RESTIC)
		s->id = record_text(r->backup.id);
	else if (r->job->restore.method == DH_METHOD_TAR)
		s->archive = record_text(r->backup.id); /* need not be UTF-8 */
}

/* Find the newest backup; false when the test cannot go on. */
static bool
find_backup(struct run *r)
{
	struct dh_err e;
	char when[DH_RFC3339_LEN];
	int rc;

	step(r, "find backup", NULL);
	dh_err_clear(&e);
	rc = dh_method_find(&r->env, &r->backup, &e);
	if (rc == DH_ENOENT && r->job->restore.method != DH_METHOD_ACTION) {
		add_check_msg(r, "backup", DH_VERDICT_FAILED, e.msg);
		return false;
	}
	if (rc != 0) {
		if (!cancelled())
			set_error(r, &e);
		return false;
	}
	name_point(r);
	record_origin(r);
	dh_time_format(r->backup.at, when, sizeof(when));
	if (clock_fault(r, when))
		return false;
	r->have_backup = true;
	r->rec->backup_at = r->backup.at;
	if (point_name(r) == NULL)
		dh_record_add_check(r->rec, "backup", DH_VERDICT_PASSED, "newest backup from %s",
			when);
	else
		dh_record_add_check(r->rec, "backup", DH_VERDICT_PASSED,
			"newest backup %s from %s%s", point_name(r), when, r->origin);
	return true;
}

/* Create the target, restore and verify. */
static void
restore_and_verify(struct run *r)
{
	struct dh_restore_outcome out;
	struct dh_err e;

	dh_err_clear(&e);
	if (make_target(r, &e) != 0) {
		set_error(r, &e);
		return;
	}
	r->env.target = r->target;
	step(r, "restore", r->target);
	r->restore_mono = dh_time_mono();
	r->restore_wall = dh_time_now();
	if (dh_method_restore(&r->env, &r->backup, &out, &e) != 0) {
		set_error(r, &e);
		return;
	}
	add_check_msg(r, "restore", out.ok ? DH_VERDICT_PASSED : DH_VERDICT_FAILED, out.detail);
	if (!out.timed_out && !out.interrupted && dh_tree_make_readable(r->target, &e) != 0)
		set_error(r, &e);
	if (!out.timed_out && !out.interrupted)
		check_content(r);
	run_verifies(r,
		out.timed_out             ? "the restore timed out"
			: out.interrupted ? "the agent was stopped"
					  : NULL);
	measure(r);
}

static void
run_fini(struct run *r)
{
	const struct dh_job_restore *rs = &r->job->restore;

	for (size_t i = 0; r->manifests && i < rs->nverify; i++)
		dh_manifest_fini(&r->manifests[i]);
	free(r->manifests);
	free(r->repo);
	free(r->target);
	dh_backup_fini(&r->backup);
	dh_tree_fini(&r->tree);
	dh_buf_fini(&r->output);
}

int
dh_restore_run(const struct dh_agent_config *cfg, const struct dh_job *job, struct dh_record *rec,
	dh_restore_step_fn stepfn, void *user)
{
	struct run r;
	struct dh_err e;

	if (cfg == NULL || job == NULL || rec == NULL)
		return DH_EINVAL;
	memset(&r, 0, sizeof(r));
	r.cfg = cfg;
	r.job = job;
	r.rec = rec;
	r.step = stepfn;
	r.user = user;
	dh_buf_init(&r.output);
	dh_tree_init(&r.tree);
	*dh_proc_cancel_flag() = 0;
	dh_proc_guard_install();
	record_init(&r);
	r.deadline = dh_time_mono() + (double)(job->timeout_s > 0 ? job->timeout_s : 1);
	dh_err_clear(&e);
	if (check_job(&r, &e) != 0) {
		set_error(&r, &e);
		goto out;
	}
	r.env = (struct dh_method_env){ .cfg = cfg,
		.job = job,
		.repo = r.repo,
		.deadline = r.deadline,
		.output = &r.output,
		.rec = rec };
	if (find_backup(&r) && !cancelled())
		restore_and_verify(&r);
	remove_target(&r);
out:
	decide(&r);
	dh_proc_guard_remove();
	run_fini(&r);
	return 0;
}
