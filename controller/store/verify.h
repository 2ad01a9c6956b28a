/*
 * Verifying the whole store's audit chain (controller/store/verify.c):
 * the one place that knows every kind of audited row, gathering the
 * table modules' kinds (jobs, records, events, plan revisions) for the
 * chain's generic check in store/audit.h. Callers: `audit verify`, tests,
 * the fuzzers.
 */
#ifndef DH_STORE_VERIFY_H
#define DH_STORE_VERIFY_H

#include "store/audit.h"
#include "store/db.h"
#include "dh/err.h"

/*
 * Recompute the audit chain in one read transaction: each record's hash
 * from its predecessor and canonical text, the sequence without gaps, and
 * each audited row (job, event, verdict, plan revision) against what its
 * record says; then jobs, records and events that were never audited.
 * Returns 0 when it could read the chain (res says whether it holds),
 * else DH_EDB.
 */
int dh_db_audit_verify(struct dh_db *db, struct dh_audit_result *res, struct dh_err *err);

#endif
