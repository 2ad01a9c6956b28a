/*
 * The job codec (include/dh/proto.h "jobs"): a job from JSON, checked
 * strictly — types, ranges, id syntax, token shape, URL scheme — because a
 * job arrives from the network and drives a restore on a production host;
 * and a job to JSON for the controller to send. Three kinds: a restore
 * test, a drill, and (protocol 3) an action job that runs one action now.
 */
#include "dh/proto.h"

#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "dh/http_client.h"
#include "dh/json.h"

static int
parse_verify(json_t *arr, struct dh_job_restore *rs, struct dh_err *err)
{
	size_t i;
	json_t *v;

	if (arr == NULL)
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > 256)
		return dh_err_set(err, DH_EPARSE, "\"verify\" must be an array of at most 256");
	rs->verify = dh_xcalloc(json_array_size(arr), sizeof(*rs->verify));
	json_array_foreach (arr, i, v) {
		struct dh_verify *vf = &rs->verify[i];
		int kind;

		rs->nverify = i + 1;
		if (!json_is_object(v))
			return dh_err_set(err, DH_EPARSE, "verify[%zu] must be an object", i);
		if (dh_json_get_enum(v, "kind", dh_verify_kind_parse, &kind, err) != 0)
			return DH_EPARSE;
		vf->kind = (enum dh_verify_kind)kind;
		if (kind == DH_VERIFY_MIN_FILES || kind == DH_VERIFY_MIN_BYTES) {
			if (dh_json_get_int(v, "n", true, 0, &vf->n, err) != 0)
				return DH_EPARSE;
		} else if (dh_json_get_str(v, "arg", true, &vf->arg, err) != 0) {
			return DH_EPARSE;
		}
	}
	return 0;
}

/* A snapshot filter is handed to restic as one argument ("--tag=V"): no
 * control character, and a tag without the comma restic splits on. */
static bool
filter_ok(const char *v, bool tag)
{
	if (v == NULL)
		return true;
	if (v[0] == '\0' || strlen(v) > 4096)
		return false;
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || (tag && (*p == ',' || *p == ' ')))
			return false;
	return true;
}

static int
parse_filters(json_t *o, struct dh_job_restore *rs, struct dh_err *err)
{
	if (dh_json_get_str(o, "snapshot_host", false, &rs->snapshot_host, err) ||
		dh_json_get_str(o, "snapshot_tag", false, &rs->snapshot_tag, err) ||
		dh_json_get_str(o, "snapshot_path", false, &rs->snapshot_path, err))
		return DH_EPARSE;
	if (rs->method != DH_METHOD_RESTIC &&
		(rs->snapshot_host || rs->snapshot_tag || rs->snapshot_path))
		return dh_err_set(err, DH_EPARSE, "snapshot filters apply to method restic only");
	if (!filter_ok(rs->snapshot_host, false) || !filter_ok(rs->snapshot_tag, true) ||
		!filter_ok(rs->snapshot_path, false) ||
		(rs->snapshot_path != NULL && rs->snapshot_path[0] != '/'))
		return dh_err_set(err, DH_EPARSE,
			"\"snapshot_host\", \"snapshot_tag\" or \"snapshot_path\" is malformed");
	return 0;
}

static int
parse_restore(json_t *o, struct dh_job_restore *rs, struct dh_err *err)
{
	json_t *keep;
	int m;

	if (!json_is_object(o))
		return dh_err_set(err, DH_EPARSE, "missing \"restore\" object");
	if (dh_json_get_enum(o, "method", dh_restore_method_parse, &m, err) != 0)
		return DH_EPARSE;
	rs->method = (enum dh_restore_method)m;
	if (dh_json_get_str(o, "repository", m != DH_METHOD_ACTION, &rs->repository, err) ||
		dh_json_get_str(o, "password_file", m == DH_METHOD_RESTIC, &rs->password_file,
			err) ||
		dh_json_get_str(o, "pattern", false, &rs->pattern, err) ||
		dh_json_get_str(o, "restore_action", m == DH_METHOD_ACTION, &rs->restore_action,
			err) ||
		dh_json_get_str(o, "backup_time_action", m == DH_METHOD_ACTION,
			&rs->backup_time_action, err) ||
		parse_filters(o, rs, err))
		return DH_EPARSE;
	keep = json_object_get(o, "keep");
	if (keep != NULL && !json_is_boolean(keep))
		return dh_err_set(err, DH_EPARSE, "\"keep\" must be true or false");
	rs->keep = keep != NULL && json_is_true(keep);
	return parse_verify(json_object_get(o, "verify"), rs, err);
}

/* The job's kind as the wire names it: a record's kinds, or "action". */
static int
wire_kind_parse(const char *s)
{
	return s != NULL && strcmp(s, "action") == 0 ? DH_JOB_ACTION : dh_job_kind_parse(s);
}

/* v, job, kind, system, host: what every kind of job carries. */
static int
parse_header(json_t *root, struct dh_job *job, struct dh_err *err)
{
	int64_t version = 0;
	int kind;

	if (dh_json_get_int(root, "v", true, 1, &version, err) != 0)
		return DH_EPARSE;
	if (version != DH_PROTO_VERSION)
		return dh_err_set(err, DH_EPARSE,
			"job has protocol version %lld, this agent speaks %d: install the "
			"controller's version of drillhall-agent",
			(long long)version, DH_PROTO_VERSION);
	job->version = (int)version;
	if (dh_json_get_str(root, "job", true, &job->id, err) ||
		dh_json_get_enum(root, "kind", wire_kind_parse, &kind, err) ||
		dh_json_get_str(root, "system", true, &job->system, err) ||
		dh_json_get_str(root, "host", false, &job->host, err))
		return DH_EPARSE;
	job->kind = (enum dh_job_kind)kind;
	if (!dh_proto_is_job_id(job->id))
		return dh_err_set(err, DH_EPARSE, "\"job\" is not a valid job id");
	if (!dh_proto_is_system_id(job->system))
		return dh_err_set(err, DH_EPARSE, "\"system\" is not a valid system id");
	return 0;
}

/* token, url, targets, timeout: required for a restore test or a drill,
 * optional for an action job, which answers on stdout. */
static int
parse_reporting(json_t *root, struct dh_job *job, struct dh_err *err)
{
	bool req = job->kind != DH_JOB_ACTION;
	struct dh_err uerr;

	if (dh_json_get_str(root, "token", req, &job->token, err) ||
		dh_json_get_str(root, "url", req, &job->url, err) ||
		dh_json_get_str(root, "plan_revision", false, &job->plan_revision, err) ||
		dh_json_get_int(root, "rpo_target_s", req, 0, &job->rpo_target_s, err) ||
		dh_json_get_int(root, "rto_target_s", req, 0, &job->rto_target_s, err) ||
		dh_json_get_int(root, "timeout_s", req, req ? 1 : 0, &job->timeout_s, err))
		return DH_EPARSE;
	if (job->token != NULL && !dh_proto_is_token(job->token))
		return dh_err_set(err, DH_EPARSE, "\"token\" must be %d lower-case hex digits",
			DH_TOKEN_HEX);
	if (job->url != NULL && dh_http_url_check(job->url, &uerr) != 0)
		return dh_err_set(err, DH_EPARSE, "\"url\": %s", uerr.msg);
	return 0;
}

/* An action job's action and marker: both reach an environment and a
 * lookup in agent.ini, so their syntax is checked here. */
static int
parse_action(json_t *root, struct dh_job_action *a, struct dh_err *err)
{
	if (dh_json_get_str(root, "action", true, &a->name, err) ||
		dh_json_get_str(root, "marker", false, &a->marker, err))
		return DH_EPARSE;
	if (!dh_proto_is_action_name(a->name))
		return dh_err_set(err, DH_EPARSE, "\"action\" is not a valid action name");
	if (a->marker != NULL && !dh_proto_is_marker(a->marker))
		return dh_err_set(err, DH_EPARSE,
			"\"marker\" must be 1 to %d letters, digits, '.', '_' or '-'",
			DH_MARKER_MAX);
	return 0;
}

int
dh_job_parse(const char *json, size_t len, struct dh_job **out, struct dh_err *err)
{
	struct dh_job *job = dh_xcalloc(1, sizeof(*job));
	json_t *root;
	int r = DH_EPARSE;

	root = dh_json_load_object(json, len, DH_JOB_MAX, err);
	if (root == NULL) {
		r = err ? err->code : DH_EPARSE;
		goto out;
	}
	if (parse_header(root, job, err) != 0 || parse_reporting(root, job, err) != 0)
		goto out;
	if (job->kind == DH_JOB_RESTORE &&
		parse_restore(json_object_get(root, "restore"), &job->restore, err) != 0)
		goto out;
	if (job->kind == DH_JOB_ACTION && parse_action(root, &job->action, err) != 0)
		goto out;
	*out = job;
	job = NULL;
	r = 0;
out:
	json_decref(root);
	dh_job_free(job);
	return r;
}

char *
dh_job_to_json(const struct dh_job *job)
{
	const struct dh_job_restore *rs = &job->restore;
	json_t *root = json_object(), *o, *arr;

	json_object_set_new(root, "v", json_integer(DH_PROTO_VERSION));
	json_object_set_new(root, "job", json_string(job->id));
	json_object_set_new(root, "kind", json_string(dh_job_kind_name(job->kind)));
	json_object_set_new(root, "system", json_string(job->system));
	json_object_set_new(root, "host", dh_json_str_or_null(job->host));
	json_object_set_new(root, "token", dh_json_str_or_null(job->token));
	json_object_set_new(root, "url", dh_json_str_or_null(job->url));
	json_object_set_new(root, "plan_revision", dh_json_str_or_null(job->plan_revision));
	json_object_set_new(root, "rpo_target_s", json_integer(job->rpo_target_s));
	json_object_set_new(root, "rto_target_s", json_integer(job->rto_target_s));
	json_object_set_new(root, "timeout_s", json_integer(job->timeout_s));
	if (job->kind == DH_JOB_ACTION) {
		json_object_set_new(root, "action", dh_json_str_or_null(job->action.name));
		json_object_set_new(root, "marker", dh_json_str_or_null(job->action.marker));
	}
	if (job->kind == DH_JOB_RESTORE) {
		o = json_object();
		json_object_set_new(o, "method", json_string(dh_restore_method_name(rs->method)));
		json_object_set_new(o, "repository", dh_json_str_or_null(rs->repository));
		json_object_set_new(o, "password_file", dh_json_str_or_null(rs->password_file));
		json_object_set_new(o, "pattern", dh_json_str_or_null(rs->pattern));
		json_object_set_new(o, "snapshot_host", dh_json_str_or_null(rs->snapshot_host));
		json_object_set_new(o, "snapshot_tag", dh_json_str_or_null(rs->snapshot_tag));
		json_object_set_new(o, "snapshot_path", dh_json_str_or_null(rs->snapshot_path));
		json_object_set_new(o, "restore_action", dh_json_str_or_null(rs->restore_action));
		json_object_set_new(o, "backup_time_action",
			dh_json_str_or_null(rs->backup_time_action));
		json_object_set_new(o, "keep", json_boolean(rs->keep));
		arr = json_array();
		for (size_t i = 0; i < rs->nverify; i++) {
			json_t *v = json_object();

			json_object_set_new(v, "kind",
				json_string(dh_verify_kind_name(rs->verify[i].kind)));
			if (rs->verify[i].arg)
				json_object_set_new(v, "arg", json_string(rs->verify[i].arg));
			else
				json_object_set_new(v, "n", json_integer(rs->verify[i].n));
			json_array_append_new(arr, v);
		}
		json_object_set_new(o, "verify", arr);
		json_object_set_new(root, "restore", o);
	}
	return dh_json_dump(root, 0);
}

void
dh_job_free(struct dh_job *job)
{
	if (job == NULL)
		return;
	free(job->id);
	free(job->system);
	free(job->host);
	free(job->token);
	free(job->url);
	free(job->plan_revision);
	free(job->restore.repository);
	free(job->restore.password_file);
	free(job->restore.pattern);
	free(job->restore.snapshot_host);
	free(job->restore.snapshot_tag);
	free(job->restore.snapshot_path);
	free(job->restore.restore_action);
	free(job->restore.backup_time_action);
	for (size_t i = 0; i < job->restore.nverify; i++)
		free(job->restore.verify[i].arg);
	free(job->restore.verify);
	free(job->action.name);
	free(job->action.marker);
	free(job);
}
