/*
 * `drillhall report [--format html|csv|json] [--since WHEN] [--now T]`
 * (cli/cmd_report.h): the auditor's report as of --now, its model read
 * by http/report_load.h (shared with the /report page) in one read
 * transaction and written by render/report.h. Exit 0 (a report, whatever
 * it says), 2 could not run.
 */
#include "cli/cmd_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/ctlopt.h"
#include "dh/duration.h"
#include "dh/timefmt.h"
#include "http/report_load.h"
#include "plan/plan.h"
#include "render/report.h"
#include "store/db.h"

static int
parse_since(const char *s, time_t now, time_t *out)
{
	int64_t d;

	*out = 0;
	if (s == NULL)
		return 0;
	if (dh_time_parse(s, out) == 0 || dh_date_parse(s, out) == 0)
		return 0;
	if (dh_duration_parse(s, false, &d) == 0) {
		*out = now - (time_t)d;
		return 0;
	}
	return DH_EINVAL;
}

static void
render(const char *format, const struct dh_report *m, struct dh_buf *out)
{
	if (strcmp(format, "json") == 0)
		dh_report_render_json(m, out);
	else if (strcmp(format, "csv") == 0)
		dh_report_render_csv(m, out);
	else
		dh_report_render_html(m, out);
}

static int
report(struct dh_ctlopt *o, const struct dh_plan *p, time_t since)
{
	struct dh_report_load rl = { 0 };
	struct dh_db *db = NULL;
	struct dh_buf out;
	struct dh_err err;
	int rc = DH_EXIT_USAGE;

	dh_err_clear(&err);
	dh_buf_init(&out);
	if (dh_ctlopt_open_db(o, DH_CTLOPT_DB_MUST_EXIST | DH_CTLOPT_DB_READ, &db, &err) != 0 ||
		dh_report_load(db, p, o->now, since, dh_time_now(), NULL, NULL, &rl, &err) != 0) {
		fprintf(stderr, "drillhall report: %s\n", err.msg);
		goto out;
	}
	render(o->format, &rl.m, &out);
	rc = dh_cli_write(o, &out);
out:
	dh_buf_fini(&out);
	dh_report_load_fini(&rl);
	dh_db_close(db);
	return rc;
}

int
dh_cmd_report(struct dh_ctlopt *o)
{
	struct dh_plan *p = NULL;
	time_t since;
	int rc;

	if (parse_since(o->since, o->now, &since) != 0) {
		fprintf(stderr, "drillhall report: --since '%s' is not a time, date or duration\n",
			o->since);
		return DH_EXIT_USAGE;
	}
	if ((rc = dh_cli_open_plan("report", o->plans, o->now, true, &p)) != DH_EXIT_OK)
		goto out;
	rc = report(o, p, since);
out:
	dh_plan_free(p);
	return rc;
}
