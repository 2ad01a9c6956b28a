/*
 * Corrective actions in the store (controller/store/actions.c, SPEC
 * "Corrective actions"): opened and closed by test records inside the
 * writer's transaction that stores the record (store/records.c calls
 * dh_db_actions_on_record), closed by an operator with a note, listed for
 * `actions` and `status`. Opening and closing each append to the audit
 * chain in the same transaction (kinds "action_opened" and
 * "action_closed"), so `audit verify` notices an edited or deleted
 * action. The database holds at most one open action per system and kind
 * (a unique index); the rules for due dates are eval/actions.h's.
 */
#ifndef DH_STORE_ACTIONS_H
#define DH_STORE_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dh/err.h"
#include "dh/proto.h"
#include "eval/actions.h"
#include "store/audit.h"
#include "store/db.h"

/* How opening and closing are audited: the columns each one set. */
extern const struct dh_audit_kind dh_db_action_opened_audit;
extern const struct dh_audit_kind dh_db_action_closed_audit;

/*
 * Inside the caller's write transaction, after record r (sealed and
 * stored) was audited; every_s is the test interval its job carried (0:
 * not known). A `failed` or `error` record opens an action for its
 * system and kind, opened_at its finish (else start, else now), due per
 * dh_action_due_at, unless one is open already (SPEC: a second failure
 * does not open another) or a `passed` record of the same system and kind
 * started after it (the failure arrived late and is already answered). A
 * `passed` record closes the open action of its system and kind when the
 * record that opened it started no later than r, naming r, at r's finish
 * (else now). Other verdicts do nothing. 0, DH_EDB or DH_ELOCKED.
 */
int dh_db_actions_on_record(struct dh_db *db, const struct dh_record *r, int64_t every_s,
	struct dh_err *err);

/*
 * Close action id by hand, in its own write transaction: by names the
 * person ("cli:NAME"), note says why (both copied, non-empty), at is the
 * time. DH_ENOENT when there is no such action, DH_EEXIST when it is
 * closed already (err says when and by whom), DH_EINVAL for an empty by
 * or note; DH_EDB, DH_ELOCKED.
 */
int dh_db_action_close(struct dh_db *db, int64_t id, const char *by, const char *note, time_t at,
	struct dh_err *err);

/*
 * Actions by id ascending, of one system (NULL: all). *out is an array of
 * *n caller-owned actions (dh_actions_free), NULL when none.
 */
int dh_db_actions_list(struct dh_db *db, const char *system, struct dh_action **out, size_t *n,
	struct dh_err *err);

/* One action; DH_ENOENT when there is none. *out is the caller's (dh_action_fini). */
int dh_db_action_get(struct dh_db *db, int64_t id, struct dh_action *out, struct dh_err *err);

#endif
