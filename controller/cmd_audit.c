/*
 * `drillhall audit verify [--format text|json]` (controller/cmd_audit.h):
 * recomputes the audit chain and the audited rows and names the first
 * record that does not match. Exit 0 intact, 1 broken, 2 could not run.
 * (`audit export` comes with the auditor's report.)
 */
#include "cmd_audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "ctlopt.h"
#include "db.h"

static const char usage[] =
	"usage: drillhall audit verify [--format text|json] [--db FILE]\n"
	"Recompute the hash-chained audit log; name the first record that does not match.\n";

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

int
dh_cmd_audit(int argc, char **argv)
{
	struct dh_ctlopt o;
	struct dh_audit_result res;
	struct dh_db *db = NULL;
	struct dh_err err;
	int rc = DH_EXIT_USAGE;

	dh_err_clear(&err);
	if (dh_ctlopt_parse(&o, argc, argv, NULL, 0, &err) != 0) {
		dh_ctlopt_error("audit", &err, usage);
		goto out;
	}
	if (o.help) {
		fputs(usage, stdout);
		rc = DH_EXIT_OK;
		goto out;
	}
	if (o.npos != 1 || strcmp(o.pos[0], "verify") != 0 ||
	    !dh_ctlopt_is_format(o.format, "text,json")) {
		fprintf(stderr, "drillhall audit: %s\n%s", o.npos == 1 &&
			strcmp(o.pos[0], "verify") == 0 ? "format is text or json" :
			"expected 'verify'", usage);
		goto out;
	}
	if (dh_ctlopt_open_db(&o, true, &db, &err) != 0 ||
	    dh_db_audit_verify(db, &res, &err) != 0) {
		fprintf(stderr, "drillhall audit: %s\n", err.msg);
		goto out;
	}
	if (strcmp(o.format, "json") == 0)
		print_json(&res);
	else
		print_text(&res);
	rc = res.bad_seq == 0 ? DH_EXIT_OK : DH_EXIT_NOTOK;
out:
	dh_db_close(db);
	dh_ctlopt_fini(&o);
	return rc;
}
