/*
 * The restore test (SPEC "Restore test"): restore the newest backup of a
 * job's system into a fresh scratch target, verify it, measure rpo and
 * rto, remove the target, and fill in the test record. Called by
 * `drillhall-agent run --local JOB` and by the detached `run` that the
 * controller starts over SSH — both use exactly this code.
 *
 * Paths: every verification (`manifest` entries, `file RELPATH`,
 * `min_files`/`min_bytes`) is relative to the restored tree's root, the
 * target. restic restores a snapshot's paths as they were backed up, so a
 * repository made with `cd DATADIR && restic backup .` restores DATADIR's
 * content directly into the target; one made with `restic backup
 * /srv/app` restores into <target>/srv/app, and its manifest then lists
 * srv/app/... . tar archives extract as stored (`tar -C DATADIR -cf X .`).
 *
 * Verdicts: `error` when the test could not be carried out (kind
 * failover, unknown action, repository missing or outside backup_roots,
 * manifest missing, malformed or listing no file, a tool that cannot run,
 * restic unable to list snapshots, a restored file or directory the agent
 * cannot read even after making its own copy readable); `failed` when it
 * ran and something did not hold (no backup at all, a backup time more
 * than 5 minutes in the future — a clock fault, never a fresh backup —
 * restore exit status, a write error during the restore naming the file
 * and the cause, a refused tar entry or link, the implicit `content`
 * check — at least one file restored, whatever the job's verifications —
 * a verification, rpo, rto, cleanup); `aborted` on SIGTERM/SIGINT/SIGHUP.
 * Before verifying, the restored copy is made readable to the agent
 * (files u+r, directories u+rx, never through a symlink), so a file
 * stored with mode 000 is verified, not blamed. Paths in records that are
 * not UTF-8 are escaped (dh_manifest_record_name).
 * files_verified / bytes_verified count only files a manifest proved
 * identical (0 without a `manifest` verification: counting is not proof).
 */
#ifndef DH_RESTORE_H
#define DH_RESTORE_H

#include "config.h"
#include "dh/proto.h"

/* Progress, for step events: step is e.g. "restore", "verify manifest". */
typedef void (*dh_restore_step_fn)(void *user, const char *step, const char *detail);

/*
 * Run the restore test of job (kind DH_JOB_RESTORE) under cfg. rec is
 * filled in: id, system, kind, started/finished, verdict, backup time,
 * rpo/rto targets and actuals, checks, files/bytes verified, mismatches,
 * error (for verdict error), bounded tool output. step may be NULL.
 * Returns 0 when rec holds a verdict (any verdict); a negative DH_E code
 * only when not even a record could be produced.
 */
int dh_restore_run(const struct dh_agent_config *cfg, const struct dh_job *job,
	struct dh_record *rec, dh_restore_step_fn step, void *user);

#endif
