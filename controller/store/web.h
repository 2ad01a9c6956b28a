/*
 * The web pages' entries in the audit chain (store/web.c), SPEC "History
 * and audit": every login, failed login and POST of the web pages, with
 * the user's name. An entry needs no table of its own: what it vouches
 * for is its reference, a compact JSON object
 * {"at","event","user","peer","detail"}, which the chain hashes like any
 * other record; `audit verify` then finds an edited entry by its hash.
 */
#ifndef DH_STORE_WEB_H
#define DH_STORE_WEB_H

#include <time.h>

#include "store/audit.h"
#include "store/db.h"

/* How a web entry is audited (kind "web"; the data is the reference itself). */
extern const struct dh_audit_kind dh_db_web_audit;

/*
 * Append one web entry in its own write transaction: event ("login",
 * "login_failed", "logout", "run", "action_close", "refused"), user (the
 * name as typed for a failed login), peer address, detail (what was
 * asked: "POST /systems/x/run", a job id); all copied, NULL stored as "".
 * at in seconds. 0, DH_ELOCKED or DH_EDB.
 */
int dh_db_web_audit_append(struct dh_db *db, time_t at, const char *event, const char *user,
	const char *peer, const char *detail, struct dh_err *err);

#endif
