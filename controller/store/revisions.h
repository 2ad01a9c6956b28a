/*
 * Plan revisions in the store (controller/store/revisions.c): each
 * revision of the plan files the controller loads is noted once, with
 * its name and when it was first loaded, and audited the first time.
 * Records name the revision they ran under (store/records.h). Caller:
 * `run` and `serve` after loading the plan.
 */
#ifndef DH_STORE_REVISIONS_H
#define DH_STORE_REVISIONS_H

#include <time.h>

#include "dh/err.h"
#include "plan/plan.h"
#include "store/audit.h"
#include "store/db.h"

/* How a plan revision is audited (kind "plan"). */
extern const struct dh_audit_kind dh_db_revision_audit;

/* Note a loaded plan revision; audited the first time it is seen. */
int dh_db_plan_revision(struct dh_db *db, const char *revision, const char *name,
	struct dh_err *err);

/*
 * Note plan p's revision (dh_db_plan_revision) and, for each system and
 * kind of test, the fingerprint of its requirement and section under that
 * revision (plan/fingerprint.h; table plan_sections, kept once per
 * revision), so that a later plan can tell what changed since a test
 * (store/compliance.h). p is checked. Called by `run` and `serve` after
 * loading the plan. 0, or DH_EDB / DH_ELOCKED with err set.
 */
int dh_db_plan_note(struct dh_db *db, const struct dh_plan *p, struct dh_err *err);

/*
 * The revision in force at t (seconds since the epoch): the one noted
 * last by then (a revision loaded again later keeps its first time).
 * *out the caller's (free), NULL when none was noted by t. 0, or DH_EDB /
 * DH_ELOCKED with err set. Caller: the report as of a time.
 */
int dh_db_revision_at(struct dh_db *db, time_t t, char **out, struct dh_err *err);

#endif
