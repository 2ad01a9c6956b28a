/*
 * The wire protocol (include/dh/proto.h): jobs, events and test records to
 * and from JSON with jansson. Parsing is strict — types, ranges, id
 * syntax, token shape — because a job arrives from the network and drives
 * a restore on a production host.
 */
#include "dh/proto.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dh/buf.h"
#include "dh/timefmt.h"

#define NAMES(x) (sizeof(x) / sizeof((x)[0]))

static const char *const method_names[] = { "restic", "tar", "action" };
static const char *const verify_names[] = { "manifest", "min_files", "min_bytes",
	"file", "action" };
static const char *const verdict_names[] = { "passed", "failed", "error", "aborted" };
static const char *const kind_names[] = { "restore", "failover" };
static const char *const event_names[] = { "accepted", "step", "finished" };

static int
name_index(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; s != NULL && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

static const char *
name_at(const char *const *names, size_t n, int i)
{
	return i >= 0 && (size_t)i < n ? names[i] : NULL;
}

const char *dh_restore_method_name(enum dh_restore_method m) { return name_at(method_names, NAMES(method_names), (int)m); }
int dh_restore_method_parse(const char *s) { return name_index(method_names, NAMES(method_names), s); }
const char *dh_verify_kind_name(enum dh_verify_kind k) { return name_at(verify_names, NAMES(verify_names), (int)k); }
int dh_verify_kind_parse(const char *s) { return name_index(verify_names, NAMES(verify_names), s); }
const char *dh_verdict_name(enum dh_verdict v) { return name_at(verdict_names, NAMES(verdict_names), (int)v); }
int dh_verdict_parse(const char *s) { return name_index(verdict_names, NAMES(verdict_names), s); }
const char *dh_job_kind_name(enum dh_job_kind k) { return name_at(kind_names, NAMES(kind_names), (int)k); }
int dh_job_kind_parse(const char *s) { return name_index(kind_names, NAMES(kind_names), s); }
const char *dh_event_type_name(enum dh_event_type t) { return name_at(event_names, NAMES(event_names), (int)t); }

bool
dh_proto_is_job_id(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > DH_JOB_ID_MAX || s[0] == '.' || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_' &&
		    s[i] != '.')
			return false;
	return strstr(s, "..") == NULL;
}

bool
dh_proto_is_system_id(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > 64 || !(islower((unsigned char)s[0]) || isdigit((unsigned char)s[0])))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) &&
		    s[i] != '-')
			return false;
	return true;
}

static bool
is_token(const char *s)
{
	if (s == NULL || strlen(s) != DH_TOKEN_HEX)
		return false;
	for (const char *p = s; *p; p++)
		if (!isdigit((unsigned char)*p) && !(*p >= 'a' && *p <= 'f'))
			return false;
	return true;
}

/* --- JSON field helpers: each returns 0 or sets err and returns DH_EPARSE. */

static int
get_str(json_t *o, const char *key, bool required, char **out, struct dh_err *err)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL || json_is_null(v)) {
		if (required)
			return dh_err_set(err, DH_EPARSE, "missing \"%s\"", key);
		return 0;
	}
	if (!json_is_string(v))
		return dh_err_set(err, DH_EPARSE, "\"%s\" must be a string", key);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return dh_err_set(err, DH_EPARSE, "\"%s\" contains a NUL byte", key);
	free(*out);
	*out = dh_xstrdup(json_string_value(v));
	return 0;
}

static int
get_int(json_t *o, const char *key, bool required, int64_t min, int64_t *out,
	struct dh_err *err)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL || json_is_null(v)) {
		if (required)
			return dh_err_set(err, DH_EPARSE, "missing \"%s\"", key);
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < min)
		return dh_err_set(err, DH_EPARSE, "\"%s\" must be an integer >= %lld",
			key, (long long)min);
	*out = json_integer_value(v);
	return 0;
}

static int
get_time(json_t *o, const char *key, time_t *out, struct dh_err *err)
{
	char *s = NULL;
	int r = get_str(o, key, false, &s, err);

	if (r == 0 && s != NULL && dh_time_parse(s, out) != 0)
		r = dh_err_set(err, DH_EPARSE, "\"%s\" is not an RFC 3339 time", key);
	free(s);
	return r;
}

static int
get_enum(json_t *o, const char *key, int (*parse)(const char *), int *out,
	struct dh_err *err)
{
	char *s = NULL;
	int r = get_str(o, key, true, &s, err);

	if (r == 0 && (*out = parse(s)) < 0)
		r = dh_err_set(err, DH_EPARSE, "\"%s\" has unknown value '%s'", key, s);
	free(s);
	return r;
}

static json_t *
str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *
time_or_null(time_t t)
{
	char buf[DH_RFC3339_LEN];

	if (t == 0)
		return json_null();
	dh_time_format(t, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *
secs_or_null(int64_t v)
{
	return v < 0 ? json_null() : json_integer(v);
}

static json_t *
load(const char *json, size_t len, size_t max, struct dh_err *err)
{
	json_error_t je;
	json_t *root;

	if (len > max) {
		dh_err_set(err, DH_ETOOBIG, "message is larger than %zu bytes", max);
		return NULL;
	}
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL) {
		dh_err_set(err, DH_EPARSE, "malformed JSON at line %d column %d: %s",
			je.line, je.column, je.text);
		return NULL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		dh_err_set(err, DH_EPARSE, "expected a JSON object");
		return NULL;
	}
	return root;
}

static char *
dump(json_t *root, int indent)
{
	size_t flags = JSON_PRESERVE_ORDER | (indent ? JSON_INDENT(indent) : JSON_COMPACT);
	char *s = json_dumps(root, flags);
	char *out;

	json_decref(root);
	if (s == NULL) {
		fprintf(stderr, "drillhall: out of memory serialising JSON\n");
		abort();
	}
	out = dh_xstrdup(s);
	free(s);
	return out;
}

/* --- jobs */

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
	json_array_foreach(arr, i, v) {
		struct dh_verify *vf = &rs->verify[i];
		int kind;

		rs->nverify = i + 1;
		if (!json_is_object(v))
			return dh_err_set(err, DH_EPARSE, "verify[%zu] must be an object", i);
		if (get_enum(v, "kind", dh_verify_kind_parse, &kind, err) != 0)
			return DH_EPARSE;
		vf->kind = (enum dh_verify_kind)kind;
		if (kind == DH_VERIFY_MIN_FILES || kind == DH_VERIFY_MIN_BYTES) {
			if (get_int(v, "n", true, 0, &vf->n, err) != 0)
				return DH_EPARSE;
		} else if (get_str(v, "arg", true, &vf->arg, err) != 0) {
			return DH_EPARSE;
		}
	}
	return 0;
}

static int
parse_restore(json_t *o, struct dh_job_restore *rs, struct dh_err *err)
{
	json_t *keep;
	int m;

	if (!json_is_object(o))
		return dh_err_set(err, DH_EPARSE, "missing \"restore\" object");
	if (get_enum(o, "method", dh_restore_method_parse, &m, err) != 0)
		return DH_EPARSE;
	rs->method = (enum dh_restore_method)m;
	if (get_str(o, "repository", m != DH_METHOD_ACTION, &rs->repository, err) ||
	    get_str(o, "password_file", m == DH_METHOD_RESTIC, &rs->password_file, err) ||
	    get_str(o, "pattern", false, &rs->pattern, err) ||
	    get_str(o, "restore_action", m == DH_METHOD_ACTION, &rs->restore_action, err) ||
	    get_str(o, "backup_time_action", m == DH_METHOD_ACTION,
		    &rs->backup_time_action, err))
		return DH_EPARSE;
	keep = json_object_get(o, "keep");
	if (keep != NULL && !json_is_boolean(keep))
		return dh_err_set(err, DH_EPARSE, "\"keep\" must be true or false");
	rs->keep = keep != NULL && json_is_true(keep);
	return parse_verify(json_object_get(o, "verify"), rs, err);
}

int
dh_job_parse(const char *json, size_t len, struct dh_job **out, struct dh_err *err)
{
	struct dh_job *job = dh_xcalloc(1, sizeof(*job));
	int64_t version = 0;
	json_t *root;
	int kind, r = DH_EPARSE;

	root = load(json, len, DH_JOB_MAX, err);
	if (root == NULL) {
		r = err ? err->code : DH_EPARSE;
		goto out;
	}
	if (get_int(root, "v", true, 1, &version, err) != 0)
		goto out;
	if (version != DH_PROTO_VERSION) {
		dh_err_set(err, DH_EPARSE, "job has protocol version %lld, agent speaks %d",
			(long long)version, DH_PROTO_VERSION);
		goto out;
	}
	job->version = (int)version;
	if (get_str(root, "job", true, &job->id, err) ||
	    get_enum(root, "kind", dh_job_kind_parse, &kind, err) ||
	    get_str(root, "system", true, &job->system, err) ||
	    get_str(root, "host", false, &job->host, err) ||
	    get_str(root, "token", true, &job->token, err) ||
	    get_str(root, "url", true, &job->url, err) ||
	    get_str(root, "plan_revision", false, &job->plan_revision, err) ||
	    get_int(root, "rpo_target_s", true, 0, &job->rpo_target_s, err) ||
	    get_int(root, "rto_target_s", true, 0, &job->rto_target_s, err) ||
	    get_int(root, "timeout_s", true, 1, &job->timeout_s, err))
		goto out;
	job->kind = (enum dh_job_kind)kind;
	if (!dh_proto_is_job_id(job->id)) {
		dh_err_set(err, DH_EPARSE, "\"job\" is not a valid job id");
		goto out;
	}
	if (!dh_proto_is_system_id(job->system)) {
		dh_err_set(err, DH_EPARSE, "\"system\" is not a valid system id");
		goto out;
	}
	if (!is_token(job->token)) {
		dh_err_set(err, DH_EPARSE, "\"token\" must be %d lower-case hex digits",
			DH_TOKEN_HEX);
		goto out;
	}
	if (strncmp(job->url, "https://", 8) != 0 && strncmp(job->url, "http://", 7) != 0) {
		dh_err_set(err, DH_EPARSE, "\"url\" must be an http(s) URL");
		goto out;
	}
	if (job->kind == DH_JOB_RESTORE &&
	    parse_restore(json_object_get(root, "restore"), &job->restore, err) != 0)
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
	json_object_set_new(root, "host", str_or_null(job->host));
	json_object_set_new(root, "token", json_string(job->token));
	json_object_set_new(root, "url", json_string(job->url));
	json_object_set_new(root, "plan_revision", str_or_null(job->plan_revision));
	json_object_set_new(root, "rpo_target_s", json_integer(job->rpo_target_s));
	json_object_set_new(root, "rto_target_s", json_integer(job->rto_target_s));
	json_object_set_new(root, "timeout_s", json_integer(job->timeout_s));
	if (job->kind == DH_JOB_RESTORE) {
		o = json_object();
		json_object_set_new(o, "method", json_string(dh_restore_method_name(rs->method)));
		json_object_set_new(o, "repository", str_or_null(rs->repository));
		json_object_set_new(o, "password_file", str_or_null(rs->password_file));
		json_object_set_new(o, "pattern", str_or_null(rs->pattern));
		json_object_set_new(o, "restore_action", str_or_null(rs->restore_action));
		json_object_set_new(o, "backup_time_action", str_or_null(rs->backup_time_action));
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
	return dump(root, 0);
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
	free(job->restore.restore_action);
	free(job->restore.backup_time_action);
	for (size_t i = 0; i < job->restore.nverify; i++)
		free(job->restore.verify[i].arg);
	free(job->restore.verify);
	free(job);
}

/* --- test records */

struct dh_record *
dh_record_new(void)
{
	struct dh_record *r = dh_xcalloc(1, sizeof(*r));

	r->verdict = DH_VERDICT_ERROR;
	r->rpo_target_s = r->rpo_actual_s = -1;
	r->rto_target_s = r->rto_actual_s = -1;
	return r;
}

void
dh_record_free(struct dh_record *r)
{
	if (r == NULL)
		return;
	free(r->id);
	free(r->system);
	free(r->trigger);
	for (size_t i = 0; i < r->nhosts; i++)
		free(r->hosts[i]);
	free(r->hosts);
	free(r->snapshot);
	for (size_t i = 0; i < r->nchecks; i++) {
		free(r->checks[i].name);
		free(r->checks[i].detail);
	}
	free(r->checks);
	for (size_t i = 0; i < r->nmismatches; i++) {
		free(r->mismatches[i].path);
		free(r->mismatches[i].problem);
	}
	free(r->mismatches);
	free(r->error);
	free(r->output);
	free(r->agent_host);
	free(r->agent_version);
	free(r->plan_revision);
	free(r->record_hash);
	free(r);
}

void
dh_record_add_check(struct dh_record *r, const char *name, enum dh_verdict v,
	const char *fmt, ...)
{
	struct dh_check *c;
	struct dh_buf b;
	va_list ap;

	r->checks = dh_xrealloc(r->checks, (r->nchecks + 1) * sizeof(*r->checks));
	c = &r->checks[r->nchecks++];
	c->name = dh_xstrdup(name);
	c->verdict = v;
	dh_buf_init(&b);
	va_start(ap, fmt);
	dh_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	c->detail = dh_buf_take(&b);
}

void
dh_record_add_mismatch(struct dh_record *r, const char *path, const char *problem)
{
	struct dh_mismatch *m;

	r->mismatches_total++;
	if (r->nmismatches >= DH_MISMATCH_CAP)
		return;
	r->mismatches = dh_xrealloc(r->mismatches,
		(r->nmismatches + 1) * sizeof(*r->mismatches));
	m = &r->mismatches[r->nmismatches++];
	m->path = dh_xstrdup(path);
	m->problem = dh_xstrdup(problem);
}

void
dh_record_add_host(struct dh_record *r, const char *host)
{
	r->hosts = dh_xrealloc(r->hosts, (r->nhosts + 1) * sizeof(*r->hosts));
	r->hosts[r->nhosts++] = dh_xstrdup(host);
}

static json_t *
record_json(const struct dh_record *r)
{
	json_t *o = json_object(), *arr;

	json_object_set_new(o, "id", str_or_null(r->id));
	json_object_set_new(o, "system", str_or_null(r->system));
	json_object_set_new(o, "kind", json_string(dh_job_kind_name(r->kind)));
	json_object_set_new(o, "trigger", str_or_null(r->trigger));
	json_object_set_new(o, "started_at", time_or_null(r->started_at));
	json_object_set_new(o, "finished_at", time_or_null(r->finished_at));
	json_object_set_new(o, "verdict", json_string(dh_verdict_name(r->verdict)));
	arr = json_array();
	for (size_t i = 0; i < r->nhosts; i++)
		json_array_append_new(arr, json_string(r->hosts[i]));
	json_object_set_new(o, "hosts", arr);
	json_object_set_new(o, "backup_at", time_or_null(r->backup_at));
	json_object_set_new(o, "snapshot", str_or_null(r->snapshot));
	json_object_set_new(o, "rpo_target_s", secs_or_null(r->rpo_target_s));
	json_object_set_new(o, "rpo_actual_s", secs_or_null(r->rpo_actual_s));
	json_object_set_new(o, "rto_target_s", secs_or_null(r->rto_target_s));
	json_object_set_new(o, "rto_actual_s", secs_or_null(r->rto_actual_s));
	arr = json_array();
	for (size_t i = 0; i < r->nchecks; i++) {
		json_t *c = json_object();

		json_object_set_new(c, "name", json_string(r->checks[i].name));
		json_object_set_new(c, "verdict",
			json_string(dh_verdict_name(r->checks[i].verdict)));
		json_object_set_new(c, "detail", json_string(r->checks[i].detail));
		json_array_append_new(arr, c);
	}
	json_object_set_new(o, "checks", arr);
	json_object_set_new(o, "files_verified", json_integer(r->files_verified));
	json_object_set_new(o, "bytes_verified", json_integer(r->bytes_verified));
	arr = json_array();
	for (size_t i = 0; i < r->nmismatches; i++) {
		json_t *m = json_object();

		json_object_set_new(m, "path", json_string(r->mismatches[i].path));
		json_object_set_new(m, "problem", json_string(r->mismatches[i].problem));
		json_array_append_new(arr, m);
	}
	json_object_set_new(o, "mismatches", arr);
	json_object_set_new(o, "mismatches_total", json_integer(r->mismatches_total));
	json_object_set_new(o, "error", str_or_null(r->error));
	json_object_set_new(o, "output", str_or_null(r->output));
	json_object_set_new(o, "agent_host", str_or_null(r->agent_host));
	json_object_set_new(o, "agent_version", str_or_null(r->agent_version));
	json_object_set_new(o, "plan_revision", str_or_null(r->plan_revision));
	json_object_set_new(o, "record_hash", str_or_null(r->record_hash));
	return o;
}

char *
dh_record_to_json(const struct dh_record *r, int indent)
{
	return dump(record_json(r), indent);
}

static int
parse_record_lists(json_t *o, struct dh_record *r, struct dh_err *err)
{
	json_t *arr, *v;
	size_t i;

	arr = json_object_get(o, "hosts");
	if (arr != NULL && !json_is_array(arr))
		return dh_err_set(err, DH_EPARSE, "\"hosts\" must be an array");
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v))
			return dh_err_set(err, DH_EPARSE, "\"hosts\" must hold strings");
		dh_record_add_host(r, json_string_value(v));
	}
	arr = json_object_get(o, "checks");
	if (arr != NULL && !json_is_array(arr))
		return dh_err_set(err, DH_EPARSE, "\"checks\" must be an array");
	json_array_foreach(arr, i, v) {
		char *name = NULL, *detail = NULL;
		int verdict = 0, rc;

		rc = !json_is_object(v) || get_str(v, "name", true, &name, err) ||
			get_enum(v, "verdict", dh_verdict_parse, &verdict, err) ||
			get_str(v, "detail", false, &detail, err);
		if (rc == 0)
			dh_record_add_check(r, name, (enum dh_verdict)verdict, "%s",
				detail ? detail : "");
		free(name);
		free(detail);
		if (rc != 0)
			return dh_err_set(err, DH_EPARSE, "checks[%zu] is malformed", i);
	}
	arr = json_object_get(o, "mismatches");
	if (arr != NULL && !json_is_array(arr))
		return dh_err_set(err, DH_EPARSE, "\"mismatches\" must be an array");
	json_array_foreach(arr, i, v) {
		char *path = NULL, *problem = NULL;
		int rc = !json_is_object(v) || get_str(v, "path", true, &path, err) ||
			get_str(v, "problem", true, &problem, err);

		if (rc == 0)
			dh_record_add_mismatch(r, path, problem);
		free(path);
		free(problem);
		if (rc != 0)
			return dh_err_set(err, DH_EPARSE, "mismatches[%zu] is malformed", i);
	}
	return 0;
}

static int
record_from_json(json_t *o, struct dh_record **out, struct dh_err *err)
{
	struct dh_record *r = dh_record_new();
	int64_t total = 0;
	int kind, verdict, rc = DH_EPARSE;

	if (get_str(o, "id", false, &r->id, err) ||
	    get_str(o, "system", false, &r->system, err) ||
	    get_enum(o, "kind", dh_job_kind_parse, &kind, err) ||
	    get_str(o, "trigger", false, &r->trigger, err) ||
	    get_time(o, "started_at", &r->started_at, err) ||
	    get_time(o, "finished_at", &r->finished_at, err) ||
	    get_enum(o, "verdict", dh_verdict_parse, &verdict, err) ||
	    get_time(o, "backup_at", &r->backup_at, err) ||
	    get_str(o, "snapshot", false, &r->snapshot, err) ||
	    get_int(o, "rpo_target_s", false, 0, &r->rpo_target_s, err) ||
	    get_int(o, "rpo_actual_s", false, INT64_MIN, &r->rpo_actual_s, err) ||
	    get_int(o, "rto_target_s", false, 0, &r->rto_target_s, err) ||
	    get_int(o, "rto_actual_s", false, 0, &r->rto_actual_s, err) ||
	    get_int(o, "files_verified", false, 0, &r->files_verified, err) ||
	    get_int(o, "bytes_verified", false, 0, &r->bytes_verified, err) ||
	    get_int(o, "mismatches_total", false, 0, &total, err) ||
	    get_str(o, "error", false, &r->error, err) ||
	    get_str(o, "output", false, &r->output, err) ||
	    get_str(o, "agent_host", false, &r->agent_host, err) ||
	    get_str(o, "agent_version", false, &r->agent_version, err) ||
	    get_str(o, "plan_revision", false, &r->plan_revision, err) ||
	    get_str(o, "record_hash", false, &r->record_hash, err) ||
	    parse_record_lists(o, r, err))
		goto out;
	r->kind = (enum dh_job_kind)kind;
	r->verdict = (enum dh_verdict)verdict;
	if (total > r->mismatches_total)
		r->mismatches_total = total;
	*out = r;
	r = NULL;
	rc = 0;
out:
	dh_record_free(r);
	return rc;
}

int
dh_record_parse(const char *json, size_t len, struct dh_record **out, struct dh_err *err)
{
	json_t *root = load(json, len, DH_EVENT_MAX, err);
	int r;

	if (root == NULL)
		return err ? err->code : DH_EPARSE;
	r = record_from_json(root, out, err);
	json_decref(root);
	return r;
}

/* --- events */

int
dh_event_parse(const char *json, size_t len, struct dh_event **out, struct dh_err *err)
{
	struct dh_event *ev = dh_xcalloc(1, sizeof(*ev));
	json_t *root, *rec;
	char *type = NULL;
	int r = DH_EPARSE;

	root = load(json, len, DH_EVENT_MAX, err);
	if (root == NULL) {
		r = err ? err->code : DH_EPARSE;
		goto out;
	}
	if (get_str(root, "job", true, &ev->job, err) ||
	    get_int(root, "seq", true, 1, &ev->seq, err) ||
	    get_str(root, "type", true, &type, err) ||
	    get_time(root, "at", &ev->at, err) ||
	    get_str(root, "host", false, &ev->host, err) ||
	    get_str(root, "step", false, &ev->step, err) ||
	    get_str(root, "detail", false, &ev->detail, err))
		goto out;
	r = name_index(event_names, NAMES(event_names), type);
	if (r < 0) {
		r = dh_err_set(err, DH_EPARSE, "\"type\" has unknown value '%s'", type);
		goto out;
	}
	ev->type = (enum dh_event_type)r;
	r = DH_EPARSE;
	if (!dh_proto_is_job_id(ev->job)) {
		dh_err_set(err, DH_EPARSE, "\"job\" is not a valid job id");
		goto out;
	}
	if (ev->at == 0) {
		dh_err_set(err, DH_EPARSE, "missing \"at\"");
		goto out;
	}
	rec = json_object_get(root, "record");
	if (ev->type == DH_EVENT_FINISHED) {
		if (!json_is_object(rec)) {
			dh_err_set(err, DH_EPARSE, "a finished event needs a \"record\" object");
			goto out;
		}
		if (record_from_json(rec, &ev->record, err) != 0)
			goto out;
	}
	*out = ev;
	ev = NULL;
	r = 0;
out:
	free(type);
	json_decref(root);
	dh_event_free(ev);
	return r;
}

char *
dh_event_to_json(const struct dh_event *ev)
{
	json_t *root = json_object();

	json_object_set_new(root, "job", json_string(ev->job));
	json_object_set_new(root, "seq", json_integer(ev->seq));
	json_object_set_new(root, "type", json_string(dh_event_type_name(ev->type)));
	json_object_set_new(root, "at", time_or_null(ev->at));
	json_object_set_new(root, "host", str_or_null(ev->host));
	if (ev->step)
		json_object_set_new(root, "step", json_string(ev->step));
	if (ev->detail)
		json_object_set_new(root, "detail", json_string(ev->detail));
	if (ev->record)
		json_object_set_new(root, "record", record_json(ev->record));
	return dump(root, 0);
}

void
dh_event_free(struct dh_event *ev)
{
	if (ev == NULL)
		return;
	free(ev->job);
	free(ev->host);
	free(ev->step);
	free(ev->detail);
	dh_record_free(ev->record);
	free(ev);
}
