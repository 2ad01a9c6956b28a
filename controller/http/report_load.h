/*
 * The report's model (render/report.h) read from the plan and the store,
 * for `drillhall report` (cli/cmd_report.c) and the /report page
 * (http/pages_report.c), in the caller's read transaction: per system and
 * kind the records compliance rests on as of as_of (store/records.h:
 * dh_db_records_latest, a few rows each, so a store of a million records
 * is not read whole), the corrective actions opened by then, the records
 * listed (those since `since`, or else the ones the verdicts rest on),
 * and the audit chain verified with its head as of as_of. Records are
 * judged by eval/compliance.c exactly as `status` judges them; each keeps
 * the targets and plan revision it ran under. A filter leaves out systems
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
#include "store/db.h"

/* Whether a system goes into the report; user is the filter's own. */
typedef bool (*dh_report_filter)(void *user, const struct dh_system *s);

/* The model and everything it borrows; owned here until dh_report_load_fini. */
struct dh_report_load {
	struct dh_report m;
	struct dh_status_row *rows;
	const struct dh_record **listed;
	struct dh_record **recs, **history;
	size_t nrecs, nhistory;
	struct dh_action *actions;
	size_t nactions;
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
