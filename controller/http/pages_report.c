/*
 * GET /report (SPEC "Web pages and roles"): the auditor's report as one
 * HTML page, the same page `drillhall report --format html` writes
 * (render/report.h, its model from http/report_load.h), as of now or as
 * of `?as_of=` (an RFC 3339 time, or a date: the end of that day, UTC,
 * so "as of 2026-12-31" takes in the whole of New Year's Eve). A user
 * limited by `boards` gets a report of those boards' systems only.
 */
#include <stdio.h>
#include <string.h>

#include "dh/buf.h"
#include "dh/log.h"
#include "dh/timefmt.h"
#include "http/pages_int.h"
#include "http/report_load.h"
#include "store/db.h"

/* The last second of a day: "as of a date" is as of its end. */
#define DAY_LAST_SECOND (86400 - 1)

static bool
sees(void *user, const struct dh_system *s)
{
	return pages_sees(user, s);
}

/* ?as_of= into *as_of (now when absent); false on a value that is neither time nor date. */
static bool
parse_as_of(const struct dh_http_req *req, time_t now, time_t *as_of)
{
	const char *v = dh_http_req_query(req, "as_of");

	*as_of = now;
	if (v == NULL || v[0] == '\0')
		return true;
	if (dh_time_parse(v, as_of) == 0)
		return true;
	if (dh_date_parse(v, as_of) == 0) {
		*as_of += DAY_LAST_SECOND;
		return true;
	}
	return false;
}

void
pages_report(void *user, const struct dh_http_req *req, struct dh_http_resp *resp)
{
	struct dh_pages *pg = user;
	struct dh_report_load rl = { 0 };
	const struct dh_plan *p = NULL;
	struct dh_db *db = NULL;
	struct dh_err err;
	struct who w;
	struct dh_buf b;
	time_t now = dh_time_now(), as_of;
	bool errors = false;

	dh_err_clear(&err);
	if (!pages_who(pg, req, &w)) {
		pages_message(resp, NULL, 403, "Not logged in", "not logged in");
		return;
	}
	if (!parse_as_of(req, now, &as_of)) {
		pages_message(resp, &w, 400, "Bad date",
			"as_of is neither a date (YYYY-MM-DD) nor an RFC 3339 time");
		return;
	}
	if ((p = pages_plan_cached(pg, &w, now, &errors, resp)) == NULL)
		return;
	if (dh_db_open_readonly(&db, pg->db_path, &err) != 0 || dh_db_read_begin(db, &err) != 0 ||
		dh_report_load(db, p, as_of, 0, now, sees, &w, &rl, &err) != 0) {
		dh_log_error("pages: report: %s", err.msg);
		pages_message(resp, &w, 500, "Database error", "the records could not be read");
	} else {
		dh_buf_init(&b);
		dh_report_render_html(&rl.m, &b);
		pages_html(resp, 200, &b);
	}
	dh_report_load_fini(&rl);
	dh_db_close(db);
	pages_plan_release(pg, p);
}
