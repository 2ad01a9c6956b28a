/*
 * The event codec (include/dh/proto.h "events"): what an agent POSTs to
 * the controller, a finished event carrying the test record.
 */
#include "dh/proto.h"

#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "dh/json.h"
#include "dh/utf8.h"
#include "record_json.h"

int
dh_event_parse(const char *json, size_t len, struct dh_event **out, struct dh_err *err)
{
	struct dh_event *ev = dh_xcalloc(1, sizeof(*ev));
	json_t *root, *rec;
	char *type = NULL;
	int r = DH_EPARSE;

	root = dh_json_load_object(json, len, DH_EVENT_MAX, err);
	if (root == NULL) {
		r = err ? err->code : DH_EPARSE;
		goto out;
	}
	if (dh_json_get_str(root, "job", true, &ev->job, err) ||
		dh_json_get_int(root, "seq", true, 1, &ev->seq, err) ||
		dh_json_get_str(root, "type", true, &type, err) ||
		dh_json_get_time(root, "at", &ev->at, err) ||
		dh_json_get_str(root, "host", false, &ev->host, err) ||
		dh_json_get_str(root, "step", false, &ev->step, err) ||
		dh_json_get_str(root, "detail", false, &ev->detail, err))
		goto out;
	r = dh_event_type_parse(type);
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
		if (dh_record_from_json(rec, &ev->record, err) != 0)
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

/*
 * body as a JSON object, reading each byte that starts no valid UTF-8
 * sequence as '?': a record naming a Latin-1 file is still recognisable
 * as a finished event. NULL when even that is not JSON.
 */
static json_t *
load_lenient(const char *body, size_t len, struct dh_err *err)
{
	char *c = dh_xmalloc(len + 1);
	json_t *root;

	memcpy(c, body, len);
	c[len] = '\0';
	for (size_t i = 0; i < len;) {
		size_t n = c[i] == '\0' ? 1 : dh_utf8_seq_len(c + i);

		if (n == 0) {
			c[i] = '?';
			n = 1;
		}
		i += n;
	}
	root = dh_json_load_object(c, len, DH_EVENT_MAX, err);
	free(c);
	return root;
}

int
dh_event_parse_finished_envelope(const char *json, size_t len, struct dh_event **out,
	struct dh_err *err)
{
	struct dh_event *ev = dh_xcalloc(1, sizeof(*ev));
	json_t *root = load_lenient(json, len, err);
	json_t *type = json_object_get(root, "type");
	int r = DH_EPARSE;

	if (root == NULL)
		goto out;
	if (!json_is_string(type) || strcmp(json_string_value(type), "finished") != 0) {
		dh_err_set(err, DH_EPARSE, "not a finished event");
		goto out;
	}
	if (dh_json_get_int(root, "seq", true, 1, &ev->seq, err) != 0)
		goto out;
	ev->type = DH_EVENT_FINISHED;
	/* Best effort: a field that cannot be read stays unknown. */
	if (dh_json_get_str(root, "job", false, &ev->job, NULL) != 0 ||
		!dh_proto_is_job_id(ev->job)) {
		free(ev->job);
		ev->job = NULL;
	}
	if (dh_json_get_time(root, "at", &ev->at, NULL) != 0)
		ev->at = 0;
	if (dh_json_get_str(root, "host", false, &ev->host, NULL) != 0)
		ev->host = NULL;
	*out = ev;
	ev = NULL;
	r = 0;
out:
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
	json_object_set_new(root, "at", dh_json_time_or_null(ev->at));
	json_object_set_new(root, "host", dh_json_str_or_null(ev->host));
	if (ev->step)
		json_object_set_new(root, "step", json_string(ev->step));
	if (ev->detail)
		json_object_set_new(root, "detail", json_string(ev->detail));
	if (ev->record)
		json_object_set_new(root, "record", dh_record_json(ev->record));
	return dh_json_dump(root, 0);
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
