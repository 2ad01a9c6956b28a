/*
 * Action jobs from the controller (SPEC "Failover drill"): run one
 * [action NAME] on an inventory host now, through the same forced command
 * as every job (`drillhall-agent run` reading a "kind":"action" job on
 * stdin), and read its result from the session's stdout. No job is
 * stored and no event is sent: the caller — the drill — records what the
 * action did as part of its own record. Used for a drill's steps,
 * failbacks, markers and `HOST ACTION` probes.
 */
#ifndef DH_JOBS_ACTION_H
#define DH_JOBS_ACTION_H

#include <stddef.h>
#include <stdint.h>

#include "dh/err.h"
#include "dh/proto.h"
#include "plan/plan.h"

#define DH_ACTION_WAIT_S 3600 /* waited for an action when the caller sets no bound */
#define DH_ACTION_GRACE_S 15  /* beyond timeout_s, for the session itself */

/* One action to run. Strings are borrowed for the call. */
struct dh_action_call {
	const char *host;   /* inventory host id */
	const char *action; /* action name in the host's agent.ini */
	const char *system; /* system id: DRILLHALL_SYSTEM */
	const char *job;    /* the drill's job id: DRILLHALL_JOB */
	const char *marker; /* DRILLHALL_MARKER, or NULL */
	int64_t timeout_s;  /* 0 = the action's own timeout only (wait at most
			       DH_ACTION_WAIT_S); else also the agent's hard stop */
};

/*
 * Run c on its host: the host's address, port and user from the plan's
 * inventory, the controller's key and pinned known_hosts. Returns 0 with
 * *out set (the caller's, dh_action_result_free) when the action ran,
 * whatever its exit status (*out says: exit_code, timed_out, output).
 * Otherwise *out is NULL and err says why, in words for a drill record:
 * DH_EINVAL the host is not in the inventory (or the inventory lacks the
 * controller's key); DH_ENET / DH_ETIMEOUT / DH_EREFUSED / DH_EIO the SSH
 * session failed (unreachable, no answer in time, host key or login
 * refused); DH_EREFUSED the agent refused the job (an unknown action, a
 * protocol version it does not speak: its own message is quoted);
 * DH_EPARSE the answer was not an action result of this protocol version.
 */
int dh_action_call_run(const struct dh_plan *p, const struct dh_action_call *c,
	struct dh_action_result **out, struct dh_err *err);

/* Bytes of a marker from dh_action_marker_new, with its NUL. */
#define DH_ACTION_MARKER_LEN (2 + 32 + 1)

/*
 * A fresh drill marker (SPEC "Failover drill": "a fresh random string"):
 * "m-" and 16 random bytes in hex, into out (at least
 * DH_ACTION_MARKER_LEN bytes). 0, or DH_ESYS when the system has no
 * random bytes to give (then out is "").
 */
int dh_action_marker_new(char *out, size_t n);

#endif
