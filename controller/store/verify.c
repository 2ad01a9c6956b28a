/*
 * The whole store's audit check (controller/store/verify.h): the list
 * of audited kinds, in the order unaudited rows are looked for (jobs,
 * records, events, then actions opened and closed; plan revisions have
 * no such check), handed to the
 * chain's dh_audit_verify. A new audited table adds its kind here; the
 * chain itself does not change.
 */
#include "store/verify.h"

#include "store/actions.h"
#include "store/events.h"
#include "store/jobs.h"
#include "store/records.h"
#include "store/revisions.h"
#include "store/web.h"

static const struct dh_audit_kind *const kinds[] = {
	&dh_db_job_audit,
	&dh_db_record_audit,
	&dh_db_event_audit,
	&dh_db_revision_audit,
	&dh_db_action_opened_audit,
	&dh_db_action_closed_audit,
	&dh_db_web_audit,
};

int
dh_db_audit_verify(struct dh_db *db, struct dh_audit_result *res, struct dh_err *err)
{
	return dh_audit_verify(db, kinds, sizeof(kinds) / sizeof(kinds[0]), res, err);
}
