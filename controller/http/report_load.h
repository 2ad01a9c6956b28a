/*
 * The report's model (render/report.h) read from the plan and the store,
 * for `drillhall report` (cli/cmd_report.c) and the /report page
 * (http/pages_report.c), in the caller's read transaction: where every
 * system stands as of as_of (store/compliance.h, the reader `status` uses,
 * with whole records; "plan changed" against the plan revision in force
 * at as_of), the corrective actions opened by then, the records listed
 * (those since `since`, or else the ones the verdicts rest on), and the
 * audit chain verified with its head as of as_of. Each record keeps the
 * targets and plan revision it ran under. A filter leaves out systems
 * a web user may not see (SPEC "Web pages and roles": boards), with their
 * records and actions.
 */
#ifndef DH_HTTP_REPORT_LOAD_H
#define DH_HTTP_REPORT_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "dh/err.h"
#include "plan/plan.h"
#include "render/report.h"
#include "store/compliance.h"
#include "store/db.h"

/* Whether a system goes into the report; user is the filter's own. */
typedef bool (*dh_report_filter)(void *user, const struct dh_system *s);

/* The model and everything it borrows; owned here until dh_report_load_fini. */
struct dh_report_load {
	struct dh_report m;
	struct dh_status_row *rows;
	struct dh_standings sd;          /* the rows' tests and their records */
	const struct dh_record **listed; /* m.records */
	struct dh_record **history;      /* since: the history read */
	size_t nhistory;
	struct dh_action *actions; /* m.actions: shallow copies of sd's */
	char *revision;            /* in force at as_of, or NULL */
};

/*
 * Fill out for plan p (checked) as of as_of (seconds since the epoch),
 * listing the records since `since` (0: the ones the verdicts rest on);
 * filter NULL takes every system. generated_at is the caller's clock.
 * 0, or DH_EDB / DH_ELOCKED with err set; out is dh_report_load_fini's
 * either way. p must outlive out.
 */
int dh_report_load(struct dh_db *db, const struct dh_plan *p, time_t as_of, time_t since,
	time_t generated_at, dh_report_filter filter, void *filter_user, struct dh_report_load *out,
	struct dh_err *err);

/* Free what dh_report_load filled; a zeroed rl is a no-op. */
void dh_report_load_fini(struct dh_report_load *rl);

#endif
