/*
 * `drillhall due` (cli/cmd_due.h): reads the plan and where every system
 * stands (store/compliance.h, the same as `status` and the scheduler),
 * lists what is due (dh_db_standings_due) and writes it through
 * render/due.h. Read-only: a read transaction, never waits for a writer.
 */
#include "cli/cmd_due.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/ctlopt.h"
#include "dh/buf.h"
#include "plan/plan.h"
#include "render/due.h"
#include "store/compliance.h"
#include "store/db.h"

static int
report(struct dh_ctlopt *o, const struct dh_plan *p)
{
	struct dh_standings sd = { 0 };
	struct dh_due_row *rows = NULL;
	struct dh_db *db = NULL;
	struct dh_buf out;
	struct dh_err err;
	size_t n = 0;
	int rc = DH_EXIT_USAGE;

	dh_err_clear(&err);
	dh_buf_init(&out);
	if (dh_ctlopt_open_db(o, DH_CTLOPT_DB_READ, &db, &err) != 0 ||
		dh_db_standings(db, p, false, o->now, &sd, &err) != 0) {
		fprintf(stderr, "drillhall due: %s\n", err.msg);
		goto out;
	}
	dh_db_standings_due(&sd, p, o->now, &rows, &n);
	if (strcmp(o->format, "json") == 0)
		dh_due_render_json(rows, n, o->now, &out);
	else
		dh_due_render_text(rows, n, o->now, &out);
	if ((rc = dh_cli_write(o, &out)) != DH_EXIT_OK)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (rows[i].overdue)
			rc = DH_EXIT_NOTOK;
out:
	dh_buf_fini(&out);
	free(rows);
	dh_db_standings_fini(&sd);
	dh_db_close(db);
	return rc;
}

int
dh_cmd_due(struct dh_ctlopt *o)
{
	struct dh_plan *p = NULL;
	int rc;

	if ((rc = dh_cli_open_plan("due", o->plans, o->now, true, &p)) == DH_EXIT_OK)
		rc = report(o, p);
	dh_plan_free(p);
	return rc;
}
