/*
 * Restore methods (method.h). A method is a pair of functions in a table
 * indexed by the job's method. restic is driven only through its command
 * line; its `snapshots --json` is read with jansson here because this is
 * the one place that speaks restic (the wire protocol stays in proto.c).
 * The password file is passed by name with --password-file and never
 * read, logged or put in the environment by the agent.
 */
#include "restore/method.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dh/manifest.h"
#include "dh/timefmt.h"
#include "proc.h"
#include "restore/tar_safe.h"

void
dh_backup_fini(struct dh_backup *b)
{
	free(b->id);
	b->id = NULL;
	free(b->host);
	b->host = NULL;
	for (size_t i = 0; i < b->npaths; i++)
		free(b->paths[i]);
	free(b->paths);
	b->paths = NULL;
	b->npaths = 0;
}

static void
keep_output(struct dh_method_env *env, const struct dh_proc_opts *o,
	const struct dh_proc_result *res)
{
	struct dh_buf b;

	if (env->output->len >= DH_METHOD_OUTPUT_MAX)
		return;
	dh_buf_init(&b);
	dh_proc_append_output(&b, o, res);
	if (env->output->len + b.len > DH_METHOD_OUTPUT_MAX) {
		dh_buf_append(env->output, b.data, DH_METHOD_OUTPUT_MAX - env->output->len);
		dh_buf_puts(env->output, "\n[... further output not kept]\n");
	} else {
		dh_buf_append(env->output, b.data, b.len);
	}
	dh_buf_fini(&b);
}

static void
outcome_from(struct dh_restore_outcome *out, const struct dh_proc_result *res, const char *what)
{
	char how[128];

	dh_proc_describe(res, how, sizeof(how));
	out->ok = dh_proc_is_success(res);
	out->timed_out = res->timed_out;
	out->interrupted = res->interrupted;
	snprintf(out->detail, sizeof(out->detail), "%s: %s", what, how);
}

/* --- restic */

/* The chosen snapshot's "hostname" and "paths", as restic printed them. */
static void
snapshot_origin(json_t *snap, struct dh_backup *b)
{
	const char *host = json_string_value(json_object_get(snap, "hostname"));
	json_t *paths = json_object_get(snap, "paths"), *p;
	size_t i;

	b->host = host ? dh_xstrdup(host) : NULL;
	if (!json_is_array(paths))
		return;
	b->paths = dh_xcalloc(json_array_size(paths) + 1, sizeof(*b->paths));
	json_array_foreach (paths, i, p) {
		if (b->npaths < DH_SNAPSHOT_PATHS_CAP && json_is_string(p))
			b->paths[b->npaths++] = dh_xstrdup(json_string_value(p));
	}
}

int
dh_method_restic_newest(const char *json, size_t len, struct dh_backup *b, struct dh_err *err)
{
	json_t *root = json_loadb(json, len, 0, NULL), *snap, *best_snap = NULL;
	const char *best_id = NULL;
	time_t best = 0;
	size_t i;
	int r = 0;

	if (!json_is_array(root)) {
		r = dh_err_set(err, DH_EPARSE,
			"restic snapshots --json did not print a JSON array");
		goto out;
	}
	json_array_foreach (root, i, snap) {
		const char *t = json_string_value(json_object_get(snap, "time"));
		const char *id = json_string_value(json_object_get(snap, "id"));
		time_t when;

		if (t == NULL || id == NULL || dh_time_parse(t, &when) != 0) {
			r = dh_err_set(err, DH_EPARSE, "snapshot %zu has no usable id and time", i);
			goto out;
		}
		if (best_id == NULL || when >= best) {
			best_id = id;
			best = when;
			best_snap = snap;
		}
	}
	if (best_id == NULL) {
		r = dh_err_set(err, DH_ENOENT, "the repository holds no snapshot");
		goto out;
	}
	b->id = dh_xstrdup(best_id);
	b->at = best;
	snapshot_origin(best_snap, b);
out:
	json_decref(root);
	return r;
}

/* Only the job's repository and password file count: drop any the agent inherited. */
static const char *const restic_env[] = { "RESTIC_REPOSITORY", "RESTIC_REPOSITORY_FILE",
	"RESTIC_PASSWORD", "RESTIC_PASSWORD_FILE", "RESTIC_PASSWORD_COMMAND", NULL };

/* argv: restic -r REPO --password-file F --no-cache ARGS... */
static void
restic_argv(const struct dh_method_env *env, const char **argv, const char *const *args)
{
	size_t n = 0;

	argv[n++] = "restic";
	argv[n++] = "-r";
	argv[n++] = env->repo;
	argv[n++] = "--password-file";
	argv[n++] = env->job->restore.password_file;
	argv[n++] = "--no-cache";
	for (; *args; args++)
		argv[n++] = *args;
	argv[n] = NULL;
}

/* "--host=V": one argument each, so a value starting with '-' stays a value. */
static void
filter_args(const struct dh_job_restore *rs, char *own[3], const char **args)
{
	size_t n = 0;

	args[n++] = "--json";
	args[n++] = "--no-lock";
	args[n++] = "snapshots";
	own[0] = rs->snapshot_host ? dh_xasprintf("--host=%s", rs->snapshot_host) : NULL;
	own[1] = rs->snapshot_tag ? dh_xasprintf("--tag=%s", rs->snapshot_tag) : NULL;
	own[2] = rs->snapshot_path ? dh_xasprintf("--path=%s", rs->snapshot_path) : NULL;
	for (size_t i = 0; i < 3; i++)
		if (own[i] != NULL)
			args[n++] = own[i];
	args[n] = NULL;
}

static int
restic_find(struct dh_method_env *env, struct dh_backup *b, struct dh_err *err)
{
	const char *args[8];
	char *own[3];
	const char *argv[16];
	struct dh_proc_opts o = { .argv = (char *const *)argv,
		.env = restic_env,
		.deadline = env->deadline,
		.keep = 16 * 1024 * 1024 };
	struct dh_proc_result res;
	char how[128];
	int r;

	filter_args(&env->job->restore, own, args);
	restic_argv(env, argv, args);
	dh_proc_result_init(&res);
	if (dh_proc_run(&o, &res, err) != 0) {
		r = DH_ESYS; /* restic missing is not "no snapshot" */
		goto out;
	}
	if (!dh_proc_is_success(&res)) {
		res.out_total = 0; /* the listing is data, not a diagnosis */
		keep_output(env, &o, &res);
		dh_proc_describe(&res, how, sizeof(how));
		r = dh_err_set(err, res.timed_out ? DH_ETIMEOUT : DH_EIO,
			"restic could not list the snapshots (%s)", how);
		goto out;
	}
	if (res.out.len >= o.keep) {
		r = dh_err_set(err, DH_ETOOBIG, "restic listed more than %zu bytes of snapshots",
			o.keep);
		goto out;
	}
	r = dh_method_restic_newest(res.out.data, res.out.len, b, err);
	if (r == DH_ENOENT && (own[0] || own[1] || own[2]))
		dh_err_set(err, DH_ENOENT, "the repository holds no snapshot matching%s%s%s%s%s%s",
			own[0] ? " " : "", own[0] ? own[0] : "", own[1] ? " " : "",
			own[1] ? own[1] : "", own[2] ? " " : "", own[2] ? own[2] : "");
out:
	dh_proc_result_fini(&res);
	for (size_t i = 0; i < 3; i++)
		free(own[i]);
	return r;
}

/*
 * restic restore reports each file it could not write ("ignoring error
 * for /f1: write /t/f1: no space left on device") and goes on; 0.14 then
 * exits 1 ("Fatal: There were 6 errors"). Either sign fails the restore,
 * and the first such line names the file and the cause in the check.
 */
static void
restic_write_errors(struct dh_restore_outcome *out, const struct dh_proc_result *res)
{
	static const char mark[] = "ignoring error for ";
	const char *p = res->err.data ? strstr(res->err.data, mark) : NULL;
	char *line, *esc;
	size_t n, used = strlen(out->detail);

	if (p == NULL)
		return;
	out->ok = false;
	p += sizeof(mark) - 1;
	n = strcspn(p, "\n");
	line = dh_xasprintf("%.*s", (int)(n > 300 ? 300 : n), p);
	esc = dh_manifest_record_name(line); /* a path cut at 300 bytes may end mid-character */
	snprintf(out->detail + used, sizeof(out->detail) - used,
		"; a file could not be written: %s", esc);
	free(esc);
	free(line);
}

static int
restic_restore(struct dh_method_env *env, const struct dh_backup *b, struct dh_restore_outcome *out,
	struct dh_err *err)
{
	const char *args[] = { "--no-lock", "restore", b->id, "--target", env->target, NULL };
	const char *argv[16];
	struct dh_proc_opts o = { .argv = (char *const *)argv,
		.env = restic_env,
		.deadline = env->deadline };
	struct dh_proc_result res;
	int r;

	restic_argv(env, argv, args);
	dh_proc_result_init(&res);
	if ((r = dh_proc_run(&o, &res, err)) == 0) {
		keep_output(env, &o, &res);
		outcome_from(out, &res, "restic restore");
		restic_write_errors(out, &res);
	}
	dh_proc_result_fini(&res);
	return r;
}

/* --- tar */

static int
tar_find(struct dh_method_env *env, struct dh_backup *b, struct dh_err *err)
{
	return dh_tar_find_newest(env->repo, env->job->restore.pattern, &b->id, &b->at, err);
}

static void
tar_refused(void *user, const char *path, const char *reason)
{
	struct dh_method_env *env = user;
	char problem[600];

	char *name = dh_manifest_record_name(path), *text; /* not UTF-8: escaped, every byte kept */

	snprintf(problem, sizeof(problem), "refused: %s", reason ? reason : "unsafe entry");
	text = dh_manifest_record_name(problem); /* libarchive's messages quote the name */
	dh_record_add_mismatch(env->rec, name, text);
	free(text);
	free(name);
}

static int
tar_restore(struct dh_method_env *env, const struct dh_backup *b, struct dh_restore_outcome *out,
	struct dh_err *err)
{
	struct dh_tar_limits lim = { env->deadline, dh_proc_cancel_flag() };
	struct dh_tar_result res;
	struct dh_err e;
	int r;

	dh_err_clear(&e);
	r = dh_tar_extract(b->id, env->target, &lim, tar_refused, env, &res, &e);
	out->timed_out = r == DH_ETIMEOUT && !*dh_proc_cancel_flag();
	out->interrupted = r == DH_ETIMEOUT && *dh_proc_cancel_flag();
	out->ok = r == 0 && res.refused == 0;
	if (r != 0)
		snprintf(out->detail, sizeof(out->detail), "%s", e.msg);
	else
		snprintf(out->detail, sizeof(out->detail),
			"extracted %lld files (%lld bytes) of %lld entries, %lld refused",
			(long long)res.files, (long long)res.bytes, (long long)res.entries,
			(long long)res.refused);
	return 0;
}

/* --- action */

int
dh_method_run_action(struct dh_method_env *env, const struct dh_agent_action *a, const char *target,
	double deadline, bool use_action_timeout, struct dh_proc_result *res, struct dh_err *err)
{
	char *var = target ? dh_xasprintf("DRILLHALL_TARGET=%s", target) : NULL;
	const char *envv[] = { var, NULL };
	struct dh_proc_opts o = { .argv = a->argv,
		.env = envv,
		.cwd = target,
		.deadline = deadline };
	double own = dh_time_mono() + (double)a->timeout_s;
	int r;

	if (use_action_timeout && (o.deadline == 0 || own < o.deadline))
		o.deadline = own;
	r = dh_proc_run(&o, res, err);
	if (r == 0)
		keep_output(env, &o, res);
	free(var);
	return r;
}

/*
 * The first line of s, cut in place: the time may contain a space
 * (`date --rfc-3339=seconds`), so only the line end and blanks around the
 * line go (with a CR, as a Windows-side script prints).
 */
static char *
first_line(char *s)
{
	size_t n;

	s[strcspn(s, "\n")] = '\0';
	s += strspn(s, " \t\r");
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

static int
action_find(struct dh_method_env *env, struct dh_backup *b, struct dh_err *err)
{
	const char *name = env->job->restore.backup_time_action;
	const struct dh_agent_action *a = dh_agent_config_action(env->cfg, name);
	struct dh_proc_result res;
	char how[128], *line;
	int r;

	dh_proc_result_init(&res);
	if ((r = dh_method_run_action(env, a, NULL, env->deadline, true, &res, err)) != 0)
		goto out;
	if (!dh_proc_is_success(&res)) {
		dh_proc_describe(&res, how, sizeof(how));
		r = dh_err_set(err, DH_EIO, "backup_time_action %s failed (%s)", name, how);
		goto out;
	}
	line = res.out.data ? first_line(res.out.data) : NULL;
	if (dh_time_parse(line, &b->at) != 0) {
		r = dh_err_set(err, DH_EPARSE, "backup_time_action %s printed no RFC 3339 time",
			name);
		goto out;
	}
	b->id = dh_xstrdup(line);
out:
	dh_proc_result_fini(&res);
	return r;
}

static int
action_restore(struct dh_method_env *env, const struct dh_backup *b, struct dh_restore_outcome *out,
	struct dh_err *err)
{
	const char *name = env->job->restore.restore_action;
	const struct dh_agent_action *a = dh_agent_config_action(env->cfg, name);
	struct dh_proc_result res;
	char what[200];
	int r;

	dh_proc_result_init(&res);
	r = dh_method_run_action(env, a, env->target, env->deadline, false, &res, err);
	if (r == 0) {
		snprintf(what, sizeof(what), "restore_action %s", name);
		outcome_from(out, &res, what);
	}
	dh_proc_result_fini(&res);
	return r;
}

struct method {
	int (*find)(struct dh_method_env *, struct dh_backup *, struct dh_err *);
	int (*restore)(struct dh_method_env *, const struct dh_backup *,
		struct dh_restore_outcome *, struct dh_err *);
};

static const struct method methods[] = {
	[DH_METHOD_RESTIC] = { restic_find, restic_restore },
	[DH_METHOD_TAR] = { tar_find, tar_restore },
	[DH_METHOD_ACTION] = { action_find, action_restore },
};

int
dh_method_find(struct dh_method_env *env, struct dh_backup *b, struct dh_err *err)
{
	return methods[env->job->restore.method].find(env, b, err);
}

int
dh_method_restore(struct dh_method_env *env, const struct dh_backup *b,
	struct dh_restore_outcome *out, struct dh_err *err)
{
	memset(out, 0, sizeof(*out));
	return methods[env->job->restore.method].restore(env, b, out, err);
}
