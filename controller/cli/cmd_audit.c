/*
 * `drillhall audit verify|export [--format text|json]`
 * (controller/cmd_audit.h): verify recomputes the audit chain and the
 * audited rows and names the first record that does not match (exit 0
 * intact, 1 broken, 2 could not run); export prints the records with
 * their canonical bodies and hashes for checking elsewhere.
 */
#include "cli/cmd_audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "store/audit.h"
#include "cli/ctlopt.h"
#include "store/db.h"
#include "dh/timefmt.h"

static void
print_json(const struct dh_audit_result *res)
{
	json_t *o = json_object();
	char *s;

	json_object_set_new(o, "ok", json_boolean(res->bad_seq == 0));
	json_object_set_new(o, "records", json_integer(res->records));
	json_object_set_new(o, "first_bad", res->bad_seq > 0 ?
		json_integer(res->bad_seq) : json_null());
	json_object_set_new(o, "reason", res->bad_seq != 0 ? json_string(res->why) :
		json_null());
	s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (s)
		puts(s);
	free(s);
	json_decref(o);
}

static void
print_text(const struct dh_audit_result *res)
{
	if (res->bad_seq == 0)
		printf("audit log intact: %lld records verified\n", (long long)res->records);
	else if (res->bad_seq > 0)
		printf("audit log BROKEN at record %lld: %s (%lld records before it verified)\n",
			(long long)res->bad_seq, res->why, (long long)res->records);
	else
		printf("audit log BROKEN: %s (%lld records verified)\n", res->why,
			(long long)res->records);
}

static int
export_json(void *user, const struct dh_audit_rec *a)
{
	json_t *o = json_object();
	char *s;

	json_object_set_new(o, "seq", json_integer(a->seq));
	json_object_set_new(o, "at", json_integer(a->at));
	json_object_set_new(o, "kind", json_string(a->kind));
	json_object_set_new(o, "ref", json_string(a->ref));
	json_object_set_new(o, "ref_seq", a->ref_seq > 0 ? json_integer(a->ref_seq) :
		json_null());
	json_object_set_new(o, "body", json_string(a->body));
	json_object_set_new(o, "prev_hash", json_string(a->prev));
	json_object_set_new(o, "hash", json_string(a->hash));
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	printf("%s%s", *(int *)user ? ",\n" : "", s ? s : "{}");
	*(int *)user = 1;
	free(s);
	json_decref(o);
	return 0;
}

static int
export_text(void *user, const struct dh_audit_rec *a)
{
	char at[DH_RFC3339_LEN];

	dh_time_format((time_t)a->at, at, sizeof(at));
	if (a->ref_seq > 0)
		printf("%lld %s %s %s#%lld %s %s\n", (long long)a->seq, at, a->kind, a->ref,
			(long long)a->ref_seq, a->hash, a->body);
	else
		printf("%lld %s %s %s %s %s\n", (long long)a->seq, at, a->kind, a->ref,
			a->hash, a->body);
	return 0;
}

static int
export(struct dh_db *db, const char *format, struct dh_err *err)
{
	int first = 0, r;

	if (strcmp(format, "json") != 0)
		return dh_db_audit_each(db, export_text, NULL, err);
	printf("{\"records\":[\n");
	r = dh_db_audit_each(db, export_json, &first, err);
	printf("\n]}\n");
	return r;
}

int
dh_cmd_audit(struct dh_ctlopt *o)
{
	struct dh_audit_result res;
	struct dh_db *db = NULL;
	struct dh_err err;
	int rc = DH_EXIT_USAGE;

	dh_err_clear(&err);
	if (strcmp(o->pos[0], "verify") != 0 && strcmp(o->pos[0], "export") != 0) {
		fprintf(stderr, "drillhall audit: expected verify or export, not '%s'\n",
			o->pos[0]);
		goto out;
	}
	if (dh_ctlopt_open_db(o, true, &db, &err) != 0) {
		fprintf(stderr, "drillhall audit: %s\n", err.msg);
		goto out;
	}
	if (strcmp(o->pos[0], "export") == 0) {
		if (export(db, o->format, &err) != 0)
			fprintf(stderr, "drillhall audit: %s\n", err.msg);
		else
			rc = DH_EXIT_OK;
		goto out;
	}
	if (dh_db_audit_verify(db, &res, &err) != 0) {
		fprintf(stderr, "drillhall audit: %s\n", err.msg);
		goto out;
	}
	if (strcmp(o->format, "json") == 0)
		print_json(&res);
	else
		print_text(&res);
	rc = res.bad_seq == 0 ? DH_EXIT_OK : DH_EXIT_NOTOK;
out:
	dh_db_close(db);
	return rc;
}
