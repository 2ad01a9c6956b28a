/*
 * The action result codec (include/dh/proto.h "dh_action_result"): what
 * the agent prints on stdout for an action job, and what the controller
 * reads back from the SSH session. The output of a host's own program is
 * arbitrary bytes, so it is made valid UTF-8 text before it enters JSON
 * (jansson takes nothing else) and bounded; the parser checks every field
 * because the text crossed the network.
 */
#include "dh/proto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "dh/json.h"
#include "dh/utf8.h"

/* the output as JSON: at most 6 bytes a byte ("\\u0001"), and the rest */
#define RESULT_MAX (DH_ACTION_OUTPUT_MAX * 6 + 4096)

char *
dh_action_output_text(const char *bytes, size_t n)
{
	struct dh_buf b;
	char tmp[5];

	dh_buf_init(&b);
	for (size_t i = 0; i < n;) {
		/* dh_utf8_seq_len stops at a NUL, so a sequence cut by the end
		 * of the kept bytes is copied only when whole */
		size_t k = bytes[i] != '\0' ? dh_utf8_seq_len(bytes + i) : 0;

		if (k > 0 && i + k <= n) {
			dh_buf_append(&b, bytes + i, k);
			i += k;
		} else {
			snprintf(tmp, sizeof(tmp), "\\x%02x", (unsigned char)bytes[i]);
			dh_buf_puts(&b, tmp);
			i++;
		}
	}
	dh_buf_putc(&b, '\0'); /* an empty output is "" too */
	return dh_buf_take(&b);
}

char *
dh_action_result_to_json(const struct dh_action_result *r)
{
	json_t *root = json_object();

	json_object_set_new(root, "v", json_integer(DH_PROTO_VERSION));
	json_object_set_new(root, "job", json_string(r->job ? r->job : ""));
	json_object_set_new(root, "action", json_string(r->action ? r->action : ""));
	json_object_set_new(root, "exit",
		r->exit_code >= 0 ? json_integer(r->exit_code) : json_null());
	json_object_set_new(root, "seconds", json_real(r->seconds));
	json_object_set_new(root, "output", json_string(r->output ? r->output : ""));
	json_object_set_new(root, "output_cut", json_boolean(r->output_cut));
	json_object_set_new(root, "timed_out", json_boolean(r->timed_out));
	json_object_set_new(root, "status", json_string(r->status ? r->status : ""));
	return dh_json_dump(root, 0);
}

static int
get_bool(json_t *root, const char *key, bool *out, struct dh_err *err)
{
	json_t *v = json_object_get(root, key);

	if (!json_is_boolean(v))
		return dh_err_set(err, DH_EPARSE, "\"%s\" must be true or false", key);
	*out = json_is_true(v);
	return 0;
}

/* "exit" (an integer 0..255 or null) and "seconds" (a number >= 0). */
static int
get_numbers(json_t *root, struct dh_action_result *r, struct dh_err *err)
{
	json_t *ex = json_object_get(root, "exit"), *sec = json_object_get(root, "seconds");

	if (json_is_null(ex))
		r->exit_code = -1;
	else if (json_is_integer(ex) && json_integer_value(ex) >= 0 &&
		json_integer_value(ex) <= 255)
		r->exit_code = (int)json_integer_value(ex);
	else
		return dh_err_set(err, DH_EPARSE, "\"exit\" must be 0..255 or null");
	if (!json_is_number(sec) || json_number_value(sec) < 0)
		return dh_err_set(err, DH_EPARSE, "\"seconds\" must be a number >= 0");
	r->seconds = json_number_value(sec);
	return 0;
}

int
dh_action_result_parse(const char *json, size_t len, struct dh_action_result **out,
	struct dh_err *err)
{
	struct dh_action_result *r = dh_xcalloc(1, sizeof(*r));
	int64_t version = 0;
	json_t *root;
	int rc = DH_EPARSE;

	*out = NULL;
	if ((root = dh_json_load_object(json, len, RESULT_MAX, err)) == NULL) {
		rc = err ? err->code : DH_EPARSE;
		goto out;
	}
	if (dh_json_get_int(root, "v", true, 1, &version, err) != 0)
		goto out;
	if (version != DH_PROTO_VERSION) {
		dh_err_set(err, DH_EPARSE, "action result of protocol version %lld, not %d",
			(long long)version, DH_PROTO_VERSION);
		goto out;
	}
	if (dh_json_get_str(root, "job", true, &r->job, err) ||
		dh_json_get_str(root, "action", true, &r->action, err) ||
		dh_json_get_str(root, "output", true, &r->output, err) ||
		dh_json_get_str(root, "status", true, &r->status, err) ||
		get_numbers(root, r, err) || get_bool(root, "output_cut", &r->output_cut, err) ||
		get_bool(root, "timed_out", &r->timed_out, err))
		goto out;
	*out = r;
	r = NULL;
	rc = 0;
out:
	json_decref(root);
	dh_action_result_free(r);
	return rc;
}

void
dh_action_result_free(struct dh_action_result *r)
{
	if (r == NULL)
		return;
	free(r->job);
	free(r->action);
	free(r->output);
	free(r->status);
	free(r);
}
