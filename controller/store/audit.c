/*
 * Canonical audit records, the hash chain and sealed test records
 * (controller/audit.h). Pure functions over JSON and SHA-256: db.c calls
 * them when it appends and when `audit verify` walks the chain, so both
 * directions use exactly the same canonical form.
 */
#include "store/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "dh/sign.h"

char *
dh_audit_sorted(const json_t *o)
{
	char *s = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENSURE_ASCII);
	char *out;

	if (s == NULL) {
		fprintf(stderr, "drillhall: out of memory serialising JSON\n");
		abort();
	}
	out = dh_xstrdup(s);
	free(s);
	return out;
}

char *
dh_audit_canonical(const struct dh_audit_rec *a, const char *data_json)
{
	json_t *o = json_object();
	json_t *data = json_loads(data_json, 0, NULL);
	char *s;

	json_object_set_new(o, "seq", json_integer(a->seq));
	json_object_set_new(o, "at", json_integer(a->at));
	json_object_set_new(o, "kind", json_stringn_nocheck(a->kind, strlen(a->kind)));
	json_object_set_new(o, "ref", json_stringn_nocheck(a->ref, strlen(a->ref)));
	json_object_set_new(o, "ref_seq", a->ref_seq > 0 ? json_integer(a->ref_seq) :
		json_null());
	json_object_set_new(o, "data", data ? data : json_null());
	s = dh_audit_sorted(o);
	json_decref(o);
	return s;
}

void
dh_audit_chain_hash(const char *prev, const char *body, char *out)
{
	struct dh_buf b;

	dh_buf_init(&b);
	dh_buf_puts(&b, prev);
	dh_buf_puts(&b, body);
	dh_sha256_hex(b.data, b.len, out);
	dh_buf_fini(&b);
}

static bool
check_link(const struct dh_audit_rec *a, int64_t want_seq, const char *prev,
	char *why, size_t whysz)
{
	char hash[65];

	if (a->seq != want_seq) {
		snprintf(why, whysz, "expected record %lld here: records are missing",
			(long long)want_seq);
		return false;
	}
	if (strcmp(a->prev, prev) != 0) {
		snprintf(why, whysz, "prev_hash does not match the hash of record %lld",
			(long long)want_seq - 1);
		return false;
	}
	dh_audit_chain_hash(prev, a->body, hash);
	if (strcmp(hash, a->hash) != 0) {
		snprintf(why, whysz, "hash does not match its content");
		return false;
	}
	return true;
}

bool
dh_audit_check(const struct dh_audit_rec *a, int64_t want_seq, const char *prev,
	const char *row_json, char *why, size_t whysz)
{
	json_t *body = NULL;
	char *canon = NULL, *data = NULL;
	bool ok = false;

	if (!check_link(a, want_seq, prev, why, whysz))
		return false;
	if ((body = json_loads(a->body, 0, NULL)) == NULL ||
	    !json_is_object(json_object_get(body, "data"))) {
		snprintf(why, whysz, "unreadable audit record");
		goto out;
	}
	data = dh_audit_sorted(json_object_get(body, "data"));
	canon = dh_audit_canonical(a, data);
	if (strcmp(canon, a->body) != 0) {
		snprintf(why, whysz, "columns do not match the hashed content");
	} else if (row_json == NULL) {
		snprintf(why, whysz, "the audited %s %s no longer exists", a->kind, a->ref);
	} else if (strcmp(data, row_json) != 0) {
		if (a->ref_seq > 0)
			snprintf(why, whysz, "the %s %s seq %lld was changed after it was "
				"audited", a->kind, a->ref, (long long)a->ref_seq);
		else
			snprintf(why, whysz, "the %s %s was changed after it was audited",
				a->kind, a->ref);
	} else {
		ok = true;
	}
out:
	json_decref(body);
	free(canon);
	free(data);
	return ok;
}

static void
set_str(char **dst, const char *src)
{
	free(*dst);
	*dst = src ? dh_xstrdup(src) : NULL;
}

void
dh_audit_record_seal(struct dh_record *r, const struct dh_db_job *j)
{
	int kind = dh_job_kind_parse(j->kind);
	char *json;
	char hash[65];

	set_str(&r->id, j->id);
	set_str(&r->system, j->system);
	r->kind = kind < 0 ? DH_JOB_RESTORE : (enum dh_job_kind)kind;
	set_str(&r->trigger, j->trigger);
	set_str(&r->plan_revision, j->plan_revision);
	r->rpo_target_s = j->rpo_target_s;
	r->rto_target_s = j->rto_target_s;
	if (r->nhosts == 0)
		dh_record_add_host(r, j->host);
	if (r->verdict == DH_VERDICT_PASSED && r->kind == DH_JOB_RESTORE) {
		bool bad = (r->rpo_actual_s < 0 || r->rpo_actual_s > r->rpo_target_s ||
			r->rto_actual_s < 0 || r->rto_actual_s > r->rto_target_s);

		for (size_t i = 0; i < r->nchecks; i++)
			bad = bad || r->checks[i].verdict != DH_VERDICT_PASSED;
		if (bad)
			r->verdict = DH_VERDICT_FAILED;
	}
	set_str(&r->record_hash, NULL);
	json = dh_record_to_json(r, 0);
	dh_sha256_hex(json, strlen(json), hash);
	free(json);
	set_str(&r->record_hash, hash);
}
