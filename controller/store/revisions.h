/*
 * Plan revisions in the store (controller/store/revisions.c): each
 * revision of the plan files the controller loads is noted once, with
 * its name and when it was first loaded, and audited the first time.
 * Records name the revision they ran under (store/records.h). Caller:
 * `run` (and later `serve`) after loading the plan.
 */
#ifndef DH_STORE_REVISIONS_H
#define DH_STORE_REVISIONS_H

#include "store/audit.h"
#include "store/db.h"
#include "dh/err.h"

/* How a plan revision is audited (kind "plan"). */
extern const struct dh_audit_kind dh_db_revision_audit;

/* Note a loaded plan revision; audited the first time it is seen. */
int dh_db_plan_revision(struct dh_db *db, const char *revision, const char *name,
	struct dh_err *err);

#endif
