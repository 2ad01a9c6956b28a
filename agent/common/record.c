/*
 * Test records (include/dh/proto.h "records"): building one as a test runs
 * (checks, mismatches, hosts) and its JSON both ways. record_json.h gives
 * the event codec the JSON value of a record.
 */
#include "dh/proto.h"

#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "dh/json.h"
#include "record_json.h"

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
	dh_snapshot_fini(&r->snapshot);
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
dh_record_add_check(struct dh_record *r, const char *name, enum dh_verdict v, const char *fmt, ...)
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
	r->mismatches = dh_xrealloc(r->mismatches, (r->nmismatches + 1) * sizeof(*r->mismatches));
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

json_t *
dh_record_json(const struct dh_record *r)
{
	json_t *o = json_object(), *arr;

	json_object_set_new(o, "id", dh_json_str_or_null(r->id));
	json_object_set_new(o, "system", dh_json_str_or_null(r->system));
	json_object_set_new(o, "kind", json_string(dh_job_kind_name(r->kind)));
	json_object_set_new(o, "trigger", dh_json_str_or_null(r->trigger));
	json_object_set_new(o, "started_at", dh_json_time_or_null(r->started_at));
	json_object_set_new(o, "finished_at", dh_json_time_or_null(r->finished_at));
	json_object_set_new(o, "verdict", json_string(dh_verdict_name(r->verdict)));
	arr = json_array();
	for (size_t i = 0; i < r->nhosts; i++)
		json_array_append_new(arr, json_string(r->hosts[i]));
	json_object_set_new(o, "hosts", arr);
	json_object_set_new(o, "backup_at", dh_json_time_or_null(r->backup_at));
	json_object_set_new(o, "snapshot", dh_snapshot_json(&r->snapshot));
	json_object_set_new(o, "rpo_target_s", dh_json_secs_or_null(r->rpo_target_s));
	json_object_set_new(o, "rpo_actual_s", dh_json_secs_or_null(r->rpo_actual_s));
	json_object_set_new(o, "rto_target_s", dh_json_secs_or_null(r->rto_target_s));
	json_object_set_new(o, "rto_actual_s", dh_json_secs_or_null(r->rto_actual_s));
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
	json_object_set_new(o, "error", dh_json_str_or_null(r->error));
	json_object_set_new(o, "output", dh_json_str_or_null(r->output));
	json_object_set_new(o, "agent_host", dh_json_str_or_null(r->agent_host));
	json_object_set_new(o, "agent_version", dh_json_str_or_null(r->agent_version));
	json_object_set_new(o, "plan_revision", dh_json_str_or_null(r->plan_revision));
	json_object_set_new(o, "record_hash", dh_json_str_or_null(r->record_hash));
	return o;
}

char *
dh_record_to_json(const struct dh_record *r, int indent)
{
	return dh_json_dump(dh_record_json(r), indent);
}

static int
parse_record_lists(json_t *o, struct dh_record *r, struct dh_err *err)
{
	json_t *arr, *v;
	size_t i;

	arr = json_object_get(o, "hosts");
	if (arr != NULL && !json_is_array(arr))
		return dh_err_set(err, DH_EPARSE, "\"hosts\" must be an array");
	json_array_foreach (arr, i, v) {
		if (!json_is_string(v))
			return dh_err_set(err, DH_EPARSE, "\"hosts\" must hold strings");
		dh_record_add_host(r, json_string_value(v));
	}
	arr = json_object_get(o, "checks");
	if (arr != NULL && !json_is_array(arr))
		return dh_err_set(err, DH_EPARSE, "\"checks\" must be an array");
	json_array_foreach (arr, i, v) {
		char *name = NULL, *detail = NULL;
		int verdict = 0, rc;

		rc = !json_is_object(v) || dh_json_get_str(v, "name", true, &name, err) ||
			dh_json_get_enum(v, "verdict", dh_verdict_parse, &verdict, err) ||
			dh_json_get_str(v, "detail", false, &detail, err);
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
	json_array_foreach (arr, i, v) {
		char *path = NULL, *problem = NULL;
		int rc = !json_is_object(v) || dh_json_get_str(v, "path", true, &path, err) ||
			dh_json_get_str(v, "problem", true, &problem, err);

		if (rc == 0)
			dh_record_add_mismatch(r, path, problem);
		free(path);
		free(problem);
		if (rc != 0)
			return dh_err_set(err, DH_EPARSE, "mismatches[%zu] is malformed", i);
	}
	return 0;
}

int
dh_record_from_json(json_t *o, struct dh_record **out, struct dh_err *err)
{
	struct dh_record *r = dh_record_new();
	int64_t total = 0;
	int kind, verdict, rc = DH_EPARSE;

	if (dh_json_get_str(o, "id", false, &r->id, err) ||
		dh_json_get_str(o, "system", false, &r->system, err) ||
		dh_json_get_enum(o, "kind", dh_job_kind_parse, &kind, err) ||
		dh_json_get_str(o, "trigger", false, &r->trigger, err) ||
		dh_json_get_time(o, "started_at", &r->started_at, err) ||
		dh_json_get_time(o, "finished_at", &r->finished_at, err) ||
		dh_json_get_enum(o, "verdict", dh_verdict_parse, &verdict, err) ||
		dh_json_get_time(o, "backup_at", &r->backup_at, err) ||
		dh_json_get_int(o, "rpo_target_s", false, 0, &r->rpo_target_s, err) ||
		dh_json_get_int(o, "rpo_actual_s", false, INT64_MIN, &r->rpo_actual_s, err) ||
		dh_json_get_int(o, "rto_target_s", false, 0, &r->rto_target_s, err) ||
		dh_json_get_int(o, "rto_actual_s", false, 0, &r->rto_actual_s, err) ||
		dh_json_get_int(o, "files_verified", false, 0, &r->files_verified, err) ||
		dh_json_get_int(o, "bytes_verified", false, 0, &r->bytes_verified, err) ||
		dh_json_get_int(o, "mismatches_total", false, 0, &total, err) ||
		dh_json_get_str(o, "error", false, &r->error, err) ||
		dh_json_get_str(o, "output", false, &r->output, err) ||
		dh_json_get_str(o, "agent_host", false, &r->agent_host, err) ||
		dh_json_get_str(o, "agent_version", false, &r->agent_version, err) ||
		dh_json_get_str(o, "plan_revision", false, &r->plan_revision, err) ||
		dh_json_get_str(o, "record_hash", false, &r->record_hash, err) ||
		dh_snapshot_from_json(o, r, r->backup_at, err) || parse_record_lists(o, r, err))
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
	json_t *root = dh_json_load_object(json, len, DH_EVENT_MAX, err);
	int r;

	if (root == NULL)
		return err ? err->code : DH_EPARSE;
	r = dh_record_from_json(root, out, err);
	json_decref(root);
	return r;
}
