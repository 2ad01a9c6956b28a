/*
 * `drillhall status [--format text|json|csv] [--now T]`
 * (cli/cmd_status.h): per system, the requirement in force, the
 * last restore test and failover drill with verdict and measured rpo/rto,
 * when each is next due, its open corrective actions, and whether the
 * system is compliant as of --now with the reasons. The rules are eval/compliance.c's, the layout
 * render/status.c's; this command reads the plan and the records and
 * writes what the renderer made. Records after --now are ignored, so an
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
#include "store/actions.h"
#include "store/records.h"

static const struct renderer {
	const char *format;
	void (*fn)(const struct dh_status_row *, size_t, time_t, struct dh_buf *);
} renderers[] = {
	{ "text", dh_status_render_text },
	{ "json", dh_status_render_json },
	{ "csv", dh_status_render_csv },
};

/* The records and corrective actions one system's row borrows. */
struct row_records {
	struct dh_record **v[DH_COMPLIANCE_KINDS]; /* per kind (enum dh_job_kind) */
	size_t n[DH_COMPLIANCE_KINDS];
	struct dh_action *actions;
	size_t nactions;
};

/* Read s's records and judge them as of now. The plan checked (strict open). */
static int
load_row(struct dh_db *db, const struct dh_plan *p, const struct dh_system *s, time_t now,
	struct dh_status_row *row, struct row_records *rr, struct dh_err *err)
{
	struct dh_compliance_req req;
	int r;

	row->sys = s;
	for (int k = 0; k < DH_COMPLIANCE_KINDS; k++) {
		if ((r = dh_db_history(db, s->id, dh_job_kind_name((enum dh_job_kind)k), 0, 0,
			     &rr->v[k], &rr->n[k], err)) != 0)
			return r;
		dh_compliance_tests_init(&row->tests[k]);
		for (size_t i = 0; i < rr->n[k]; i++)
			dh_compliance_tests_add(&row->tests[k], rr->v[k][i], now);
	}
	if ((r = dh_db_actions_list(db, s->id, &rr->actions, &rr->nactions, err)) != 0)
		return r;
	for (size_t i = 0; i < rr->nactions; i++)
		if ((int)rr->actions[i].kind < DH_COMPLIANCE_KINDS)
			dh_compliance_tests_add_action(&row->tests[rr->actions[i].kind],
				&rr->actions[i], now);
	dh_compliance_req_from_plan(&req, p, s, false);
	dh_compliance_eval(&row->c, &req, row->tests, now);
	return 0;
}

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
	struct dh_status_row *rows = dh_xcalloc(p->nsystems, sizeof(*rows));
	struct row_records *rr = dh_xcalloc(p->nsystems, sizeof(*rr));
	struct dh_db *db = NULL;
	struct dh_err err;
	int rc = DH_EXIT_USAGE;

	dh_err_clear(&err);
	if (dh_ctlopt_open_db(o, DH_CTLOPT_DB_READ, &db, &err) != 0)
		goto fail;
	for (size_t i = 0; i < p->nsystems; i++)
		if (load_row(db, p, &p->systems[i], o->now, &rows[i], &rr[i], &err) != 0)
			goto fail;
	rc = render(o, rows, p->nsystems);
	goto out;
fail:
	fprintf(stderr, "drillhall status: %s\n", err.msg);
out:
	for (size_t i = 0; i < p->nsystems; i++) {
		for (int k = 0; k < DH_COMPLIANCE_KINDS; k++)
			dh_db_records_free(rr[i].v[k], rr[i].n[k]);
		dh_actions_free(rr[i].actions, rr[i].nactions);
	}
	free(rr);
	free(rows);
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
