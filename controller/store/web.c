/*
 * Web entries in the audit chain (store/web.h). The reference is the
 * entry: its JSON is made by jansson (so a user name with quotes stays
 * one string), and the kind's row query reads it back as the record's
 * data, so the chain's generic checks apply unchanged.
 */
#include "store/web.h"

#include <stdlib.h>

#include <jansson.h>

#include "store/sql.h"

const struct dh_audit_kind dh_db_web_audit = {
	"web",
	"SELECT ?1 AS entry",
	NULL,
};

int
dh_db_web_audit_append(struct dh_db *db, time_t at, const char *event, const char *user,
	const char *peer, const char *detail, struct dh_err *err)
{
	json_t *o = json_object();
	char *ref;
	int r;

	json_object_set_new(o, "at", json_integer((json_int_t)at));
	json_object_set_new(o, "event", json_string(event ? event : ""));
	json_object_set_new(o, "user", json_string(user ? user : ""));
	json_object_set_new(o, "peer", json_string(peer ? peer : ""));
	json_object_set_new(o, "detail", json_string(detail ? detail : ""));
	ref = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	json_decref(o);
	if (ref == NULL)
		return dh_err_set(err, DH_EINVAL, "web audit entry is not valid UTF-8");
	if ((r = dh_sql_write_begin(db, err)) == 0)
		r = dh_sql_write_end(db, dh_audit_append(db, &dh_db_web_audit, ref, 0, err), err);
	free(ref);
	return r;
}
