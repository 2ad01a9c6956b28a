/*
 * Every system's status as of a time (store/status.c) as the rows the
 * status renderer and the web pages take: where each system stands is
 * store/compliance.h's dh_db_standings (the one computation `status`,
 * `due`, the scheduler and the pages share, with "plan changed since the
 * last test"); this only lays it out as rows. The caller's read
 * transaction gives one snapshot.
 */
#ifndef DH_STORE_STATUS_H
#define DH_STORE_STATUS_H

#include <stddef.h>
#include <time.h>

#include "eval/compliance.h"
#include "plan/plan.h"
#include "store/compliance.h"
#include "store/db.h"

/* Rows and the records and actions they borrow; all owned here. */
struct dh_db_status {
	struct dh_status_row *rows; /* one per system asked for, in plan order */
	size_t n;
	struct dh_standings *own; /* what rows borrow */
};

/*
 * Judge every system of p (checked, derived: dh_plan_check has run), or
 * only the one with id `system` (a page of one system: one row, or none
 * when p has no such system), as of now; records that finished after now
 * are not seen. 0 with *out filled (dh_db_status_fini), or DH_EDB /
 * DH_ELOCKED with err set (out then holds nothing).
 */
int dh_db_status_load(struct dh_db *db, const struct dh_plan *p, const char *system, time_t now,
	struct dh_db_status *out, struct dh_err *err);

/* Free what dh_db_status_load filled; a zeroed st is a no-op. */
void dh_db_status_fini(struct dh_db_status *st);

#endif
