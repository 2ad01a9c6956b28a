/*
 * JSON helpers over jansson (include/dh/json.h) shared by the wire codecs
 * (job.c, record.c, event.c) and the controller's stored JSON: bounded
 * loading of one object, strict typed field getters, null-or-value
 * builders, and serialisation that aborts on out-of-memory as dh_xmalloc
 * does.
 */
#include "dh/json.h"

#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "dh/log.h"
#include "dh/timefmt.h"

int
dh_json_get_str(json_t *o, const char *key, bool required, char **out, struct dh_err *err)
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

int
dh_json_get_int(json_t *o, const char *key, bool required, int64_t min, int64_t *out,
	struct dh_err *err)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL || json_is_null(v)) {
		if (required)
			return dh_err_set(err, DH_EPARSE, "missing \"%s\"", key);
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < min)
		return dh_err_set(err, DH_EPARSE, "\"%s\" must be an integer >= %lld", key,
			(long long)min);
	*out = json_integer_value(v);
	return 0;
}

int
dh_json_get_time(json_t *o, const char *key, time_t *out, struct dh_err *err)
{
	char *s = NULL;
	int r = dh_json_get_str(o, key, false, &s, err);

	if (r == 0 && s != NULL && dh_time_parse(s, out) != 0)
		r = dh_err_set(err, DH_EPARSE, "\"%s\" is not an RFC 3339 time", key);
	free(s);
	return r;
}

int
dh_json_get_enum(json_t *o, const char *key, int (*parse)(const char *), int *out,
	struct dh_err *err)
{
	char *s = NULL;
	int r = dh_json_get_str(o, key, true, &s, err);

	if (r == 0 && (*out = parse(s)) < 0)
		r = dh_err_set(err, DH_EPARSE, "\"%s\" has unknown value '%s'", key, s);
	free(s);
	return r;
}

json_t *
dh_json_str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *
dh_json_time_or_null(time_t t)
{
	char buf[DH_RFC3339_LEN];

	if (t == 0)
		return json_null();
	dh_time_format(t, buf, sizeof(buf));
	return json_string(buf);
}

json_t *
dh_json_secs_or_null(int64_t v)
{
	return v < 0 ? json_null() : json_integer(v);
}

json_t *
dh_json_load_object(const char *json, size_t len, size_t max, struct dh_err *err)
{
	json_error_t je;
	json_t *root;

	if (len > max) {
		dh_err_set(err, DH_ETOOBIG, "message is larger than %zu bytes", max);
		return NULL;
	}
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL) {
		dh_err_set(err, DH_EPARSE, "malformed JSON at line %d column %d: %s", je.line,
			je.column, je.text);
		return NULL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		dh_err_set(err, DH_EPARSE, "expected a JSON object");
		return NULL;
	}
	return root;
}

char *
dh_json_dumps(const json_t *v, size_t flags)
{
	char *s = json_dumps(v, flags);
	char *out;

	if (s == NULL) { /* jansson fails only when out of memory */
		dh_log_error("out of memory serialising JSON");
		abort();
	}
	out = dh_xstrdup(s);
	free(s);
	return out;
}

char *
dh_json_dump(json_t *root, int indent)
{
	char *s = dh_json_dumps(root,
		JSON_PRESERVE_ORDER | (indent ? JSON_INDENT(indent) : JSON_COMPACT));

	json_decref(root);
	return s;
}

static int
append(const char *s, size_t n, void *out)
{
	dh_buf_append(out, s, n);
	return 0;
}

void
dh_json_print(struct dh_buf *out, json_t *root)
{
	/* straight into out: a report's megabytes are not copied twice more */
	if (json_dump_callback(root, append, out, JSON_PRESERVE_ORDER | JSON_INDENT(2)) != 0) {
		dh_log_error("out of memory serialising JSON"); /* jansson's only failure here */
		abort();
	}
	json_decref(root);
	dh_buf_putc(out, '\n');
}
