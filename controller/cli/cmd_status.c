/*
 * `drillhall status [--format text|json|csv] [--now T]`
 * (cli/cmd_status.h): per system, the requirement in force, the
 * last restore test and failover drill with verdict and measured rpo/rto,
 * when each is next due, its open corrective actions, and whether the
 * system is compliant as of --now with the reasons. The rules are eval/compliance.c's, the loading
 * store/status.c's, the layout render/status.c's; this command reads the
 * plan and writes what the renderer made. Records after --now are ignored, so an
 * auditor can ask "as of year end". Exit 0 (a report), 2 could not run.
 */
#include "cli/cmd_status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/ctlopt.h"
#include "dh/buf.h"
#include "eval/compliance.h"
#include "plan/plan.h"
#include "render/status.h"
#include "store/db.h"
#include "store/status.h"

static const struct renderer {
	const char *format;
	void (*fn)(const struct dh_status_row *, size_t, time_t, struct dh_buf *);
} renderers[] = {
	{ "text", dh_status_render_text },
	{ "json", dh_status_render_json },
	{ "csv", dh_status_render_csv },
};

static int
render(const struct dh_ctlopt *o, const struct dh_status_row *rows, size_t n)
{
	struct dh_buf out;
	int rc;

	dh_buf_init(&out);
	for (size_t i = 0; i < sizeof(renderers) / sizeof(renderers[0]); i++)
		if (strcmp(renderers[i].format, o->format) == 0)
			renderers[i].fn(rows, n, o->now, &out);
	rc = dh_cli_write(o, &out);
	dh_buf_fini(&out);
	return rc;
}

static int
report(struct dh_ctlopt *o, const struct dh_plan *p)
{
	struct dh_db_status st = { 0 };
	struct dh_db *db = NULL;
	struct dh_err err;
	int rc = DH_EXIT_USAGE;

	dh_err_clear(&err);
	if (dh_ctlopt_open_db(o, DH_CTLOPT_DB_READ, &db, &err) != 0 ||
		dh_db_status_load(db, p, o->now, &st, &err) != 0)
		fprintf(stderr, "drillhall status: %s\n", err.msg);
	else
		rc = render(o, st.rows, st.n);
	dh_db_status_fini(&st);
	dh_db_close(db);
	return rc;
}

int
dh_cmd_status(struct dh_ctlopt *o)
{
	struct dh_plan *p = NULL;
	int rc;

	if ((rc = dh_cli_open_plan("status", o->plans, o->now, true, &p)) != DH_EXIT_OK)
		goto out;
	rc = report(o, p);
out:
	dh_plan_free(p);
	return rc;
}
