/*
 * The restore methods (SPEC "Restore test" steps 2 and 3), one entry per
 * method in a table: restic (snapshots --json, restore ID --target), tar
 * (newest archive by mtime, safe extraction) and action (the host's own
 * restore_action / backup_time_action from agent.ini). restore.c drives
 * them; every program runs through proc.c and its output lands in the
 * record, bounded.
 */
#ifndef DH_AGENT_METHOD_H
#define DH_AGENT_METHOD_H

#include <stdbool.h>
#include <time.h>

#include "config.h"
#include "dh/buf.h"
#include "dh/proto.h"

#define DH_METHOD_OUTPUT_MAX (256 * 1024) /* all tool output kept per record */

struct dh_method_env {
	const struct dh_agent_config *cfg;
	const struct dh_job *job;
	const char *repo;      /* canonical repository (restic, tar), else NULL */
	const char *target;    /* the scratch target (exists during restore) */
	double deadline;       /* dh_time_mono() hard stop of the whole test */
	struct dh_buf *output; /* tool output is appended here */
	struct dh_record *rec; /* refused tar entries become mismatches */
};

/* The newest backup: its time and an id (snapshot id, archive name);
 * for restic also the snapshot's host and paths (NULL / 0 otherwise). */
struct dh_backup {
	time_t at;
	char *id;     /* owned */
	char *host;   /* owned */
	char **paths; /* owned, npaths <= DH_SNAPSHOT_PATHS_CAP */
	size_t npaths;
};

/* How the restore went. detail is a short sentence for the check. */
struct dh_restore_outcome {
	bool ok;
	bool timed_out;
	bool interrupted;
	char detail[512];
};

/*
 * Find the newest backup (whatever its time: the clock-fault rule for
 * times in the future is restore.c's, one rule for every method). restic
 * runs its read-only commands (snapshots, restore) with --no-lock, so a
 * repository the agent may only read is tested; backup_time_action's
 * first line, blanks and a CR around it dropped, is read as RFC 3339
 * (dh_time_parse). Returns 0 (b filled), DH_ENOENT when the
 * repository holds none (evidence: the test fails), or another DH_E code
 * when it could not be looked at (the test is an error) — err set.
 */
int dh_method_find(struct dh_method_env *env, struct dh_backup *b, struct dh_err *err);

/*
 * Restore backup b into env->target. Returns 0 when the restore ran
 * (out says whether it succeeded), or a DH_E code with err when it could
 * not be started at all. Every write error fails it, with the file and the
 * cause in out->detail: tar's own (dh_tar_extract), restic's "ignoring
 * error for" lines (restic 0.14 goes on and exits 1), an action's exit
 * status.
 */
int dh_method_restore(struct dh_method_env *env, const struct dh_backup *b,
	struct dh_restore_outcome *out, struct dh_err *err);

/*
 * Run agent.ini action a with DRILLHALL_TARGET=target (when target is not
 * NULL, also as its working directory), stopping at the earlier of the
 * action's timeout and deadline. Output is appended to env->output.
 * Returns 0 when it ran (res filled; caller finis it) or DH_ENOENT/DH_ESYS.
 */
struct dh_proc_result;
int dh_method_run_action(struct dh_method_env *env, const struct dh_agent_action *a,
	const char *target, double deadline, bool use_action_timeout, struct dh_proc_result *res,
	struct dh_err *err);

void dh_backup_fini(struct dh_backup *b);

/*
 * The newest snapshot in `restic snapshots --json` output (restic has
 * already applied the job's --host/--tag/--path filters): its id, time,
 * "hostname" and "paths" (each optional in the output). 0, DH_ENOENT for an empty list, DH_EPARSE
 * for output that is not what restic prints. Exposed for the unit tests.
 */
int dh_method_restic_newest(const char *json, size_t len, struct dh_backup *b, struct dh_err *err);

#endif
