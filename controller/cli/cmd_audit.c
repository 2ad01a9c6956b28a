/*
 * `drillhall audit verify|export [--format text|json]`
 * (cli/cmd_audit.h): verify recomputes the audit chain and the
 * audited rows and names the first record that does not match (exit 0
 * intact, 1 broken, 2 could not run); export prints the records with
 * their canonical bodies and hashes for checking elsewhere.
 */
#include "cli/cmd_audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "store/audit.h"
#include "cli/ctlopt.h"
#include "store/db.h"
#include "store/verify.h"
#include "render/audit.h"

struct export_state {
	struct dh_buf *out;
	size_t n;
};

static int
export_json(void *user, const struct dh_audit_rec *a)
{
	struct export_state *st = user;

	dh_audit_render_export_json(a, st->n++, st->out);
	return 0;
}

static int
export_text(void *user, const struct dh_audit_rec *a)
{
	dh_audit_render_export_text(a, user);
	return 0;
}

static int export(struct dh_db *db, const char *format, struct dh_buf *out, struct dh_err *err)
{
	struct export_state st = { out, 0 };
	int r;

	if (strcmp(format, "json") != 0)
		return dh_db_audit_each(db, export_text, out, err);
	dh_audit_render_export_begin(out);
	r = dh_db_audit_each(db, export_json, &st, err);
	dh_audit_render_export_end(out);
	return r;
}

int
dh_cmd_audit(struct dh_ctlopt *o)
{
	struct dh_audit_result res;
	struct dh_db *db = NULL;
	struct dh_buf out;
	struct dh_err err;
	int rc = DH_EXIT_USAGE;

	dh_err_clear(&err);
	dh_buf_init(&out);
	if (strcmp(o->pos[0], "verify") != 0 && strcmp(o->pos[0], "export") != 0) {
		fprintf(stderr, "drillhall audit: expected verify or export, not '%s'\n",
			o->pos[0]);
		goto out;
	}
	if (dh_ctlopt_open_db(o, DH_CTLOPT_DB_MUST_EXIST | DH_CTLOPT_DB_READ, &db, &err) != 0) {
		fprintf(stderr, "drillhall audit: %s\n", err.msg);
		goto out;
	}
	if (strcmp(o->pos[0], "export") == 0) {
		if (export(db, o->format, &out, &err) != 0)
			fprintf(stderr, "drillhall audit: %s\n", err.msg);
		else
			rc = dh_cli_write(o, &out);
		goto out;
	}
	if (dh_db_audit_verify(db, &res, &err) != 0) {
		fprintf(stderr, "drillhall audit: %s\n", err.msg);
		goto out;
	}
	if (strcmp(o->format, "json") == 0)
		dh_audit_render_verify_json(res.records, res.bad_seq, res.why, &out);
	else
		dh_audit_render_verify_text(res.records, res.bad_seq, res.why, &out);
	if ((rc = dh_cli_write(o, &out)) == DH_EXIT_OK)
		rc = res.bad_seq == 0 ? DH_EXIT_OK : DH_EXIT_NOTOK;
out:
	dh_buf_fini(&out);
	dh_db_close(db);
	return rc;
}
