/*
 * `drillhall audit verify` and `audit export` output (render/audit.h).
 * Export JSON keys are in the order a verifier elsewhere recomputes the
 * chain with: seq, at, kind, ref, ref_seq, body, prev_hash, hash.
 */
#include "render/audit.h"

#include <stdlib.h>

#include "dh/timefmt.h"
#include "dh/json.h"

void
dh_audit_render_verify_text(int64_t records, int64_t bad_seq, const char *why, struct dh_buf *out)
{
	if (bad_seq == 0)
		dh_buf_printf(out, "audit log intact: %lld records verified\n", (long long)records);
	else if (bad_seq > 0)
		dh_buf_printf(out,
			"audit log BROKEN at record %lld: %s (%lld records "
			"before it verified)\n",
			(long long)bad_seq, why, (long long)records);
	else
		dh_buf_printf(out, "audit log BROKEN: %s (%lld records verified)\n", why,
			(long long)records);
}

void
dh_audit_render_verify_json(int64_t records, int64_t bad_seq, const char *why, struct dh_buf *out)
{
	json_t *o = json_object();

	json_object_set_new(o, "ok", json_boolean(bad_seq == 0));
	json_object_set_new(o, "records", json_integer(records));
	json_object_set_new(o, "first_bad", bad_seq > 0 ? json_integer(bad_seq) : json_null());
	json_object_set_new(o, "reason", bad_seq != 0 ? json_string(why) : json_null());
	dh_json_print(out, o);
}

void
dh_audit_render_export_text(const struct dh_audit_rec *a, struct dh_buf *out)
{
	char at[DH_RFC3339_LEN];

	dh_time_format((time_t)a->at, at, sizeof(at));
	if (a->ref_seq > 0)
		dh_buf_printf(out, "%lld %s %s %s#%lld %s %s\n", (long long)a->seq, at, a->kind,
			a->ref, (long long)a->ref_seq, a->hash, a->body);
	else
		dh_buf_printf(out, "%lld %s %s %s %s %s\n", (long long)a->seq, at, a->kind, a->ref,
			a->hash, a->body);
}

void
dh_audit_render_export_begin(struct dh_buf *out)
{
	dh_buf_puts(out, "{\"records\":[\n");
}

void
dh_audit_render_export_json(const struct dh_audit_rec *a, size_t i, struct dh_buf *out)
{
	json_t *o = json_object();
	char *s;

	json_object_set_new(o, "seq", json_integer(a->seq));
	json_object_set_new(o, "at", json_integer(a->at));
	json_object_set_new(o, "kind", json_string(a->kind));
	json_object_set_new(o, "ref", json_string(a->ref));
	json_object_set_new(o, "ref_seq", a->ref_seq > 0 ? json_integer(a->ref_seq) : json_null());
	json_object_set_new(o, "body", json_string(a->body));
	json_object_set_new(o, "prev_hash", json_string(a->prev));
	json_object_set_new(o, "hash", json_string(a->hash));
	s = dh_json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	dh_buf_printf(out, "%s%s", i > 0 ? ",\n" : "", s);
	free(s);
	json_decref(o);
}

void
dh_audit_render_export_end(struct dh_buf *out)
{
	dh_buf_puts(out, "\n]}\n");
}
