/*
 * `drillhall run restore ID [--format text|json]` (cli/cmd_run.h):
 * builds the job from the system's [restore] section and the requirement
 * in force, dispatches it to the restore host over SSH, waits for the
 * verdict (receiving events itself, or through a running serve) and
 * prints the test record. Exit 0 passed, 1 failed, 2 error or could not
 * run. `drillhall run failover ID` runs the system's failover drill
 * (jobs/drill_run.h) from here and prints its record the same way. Every
 * `run` first finishes the drills a killed controller left unfinished
 * (their failback), as `serve` does when it starts.
 */
#include "cli/cmd_run.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/ctlopt.h"
#include "store/db.h"
#include "store/revisions.h"
#include "store/drills.h"
#include "jobs/dispatch.h"
#include "jobs/drill_run.h"
#include "http/receiver.h"
#include "jobs/job.h"
#include "plan/plan.h"
#include "render/record.h"
#include "jobs/ssh.h"

/* The record as the format says; DH_EXIT_USAGE when it cannot be written. */
static int
print_record(const struct dh_ctlopt *o, const struct dh_record *rec)
{
	struct dh_buf out;
	int rc;

	dh_buf_init(&out);
	if (strcmp(o->format, "json") == 0)
		dh_record_render_json(rec, &out);
	else
		dh_record_render_full(rec, &out);
	rc = dh_cli_write(o, &out);
	dh_buf_fini(&out);
	return rc;
}

static int
run_restore(const struct dh_ctlopt *o, const struct dh_plan *p, const char *id)
{
	const struct dh_system *sys;
	struct dh_dispatch_cfg cfg = { .verbose = true };
	struct dh_receiver_cfg rcfg = { .db_path = o->db,
		.listen = o->listen,
		.tls_cert = o->tls_cert,
		.tls_key = o->tls_key,
		.mode = DH_RECEIVER_RUN };
	struct dh_receiver *rv = NULL;
	struct dh_ssh_target t;
	struct dh_job *job = NULL;
	struct dh_record *rec = NULL;
	struct dh_db *db = NULL;
	struct dh_err err;
	int rc = DH_EXIT_USAGE;

	dh_err_clear(&err);
	if ((sys = dh_plan_system_get(p, id)) == NULL) {
		fprintf(stderr, "drillhall run: no system '%s' in the plan\n", id);
		return DH_EXIT_USAGE;
	}
	if (dh_job_restore_target(&t, p, sys, &err) != 0 ||
		dh_job_build_restore(&job, p, sys, &err) != 0 ||
		dh_ctlopt_open_db(o, 0, &db, &err) != 0 || dh_db_plan_note(db, p, &err) != 0 ||
		dh_receiver_start(&rv, &rcfg, &err) != 0 ||
		(cfg.events_via = dh_receiver_where(rv)) == NULL ||
		dh_dispatch_run(&cfg, db, job, &t, "manual", &rec, &err) != 0) {
		fprintf(stderr, "drillhall run: %s\n", err.msg);
		goto out;
	}
	if ((rc = print_record(o, rec)) == DH_EXIT_OK)
		rc = dh_dispatch_exit_code(rec);
out:
	dh_receiver_stop(rv, NULL);
	dh_record_free(rec);
	dh_db_close(db);
	dh_job_free(job);
	return rc;
}

static int
run_failover(const struct dh_ctlopt *o, const struct dh_plan *p, const char *id)
{
	const struct dh_system *sys;
	struct dh_record *rec = NULL;
	struct dh_db *db = NULL;
	struct dh_err err;
	size_t n = 0;
	int rc = DH_EXIT_USAGE;

	dh_err_clear(&err);
	if ((sys = dh_plan_system_get(p, id)) == NULL || !sys->failover.present) {
		fprintf(stderr, "drillhall run: %s '%s'%s\n", sys ? "system" : "no system", id,
			sys ? " has no [failover] section in the plan" : " in the plan");
		return DH_EXIT_USAGE;
	}
	if (dh_ctlopt_open_db(o, 0, &db, &err) != 0 || dh_db_plan_note(db, p, &err) != 0 ||
		dh_drill_recover_all(p, db, true, &n, &err) != 0 ||
		dh_drill_execute(p, db, sys, "manual", true, &rec, &err) != 0) {
		fprintf(stderr, "drillhall run: %s\n", err.msg);
		goto out;
	}
	if ((rc = print_record(o, rec)) == DH_EXIT_OK)
		rc = dh_dispatch_exit_code(rec);
out:
	dh_record_free(rec);
	dh_db_close(db);
	return rc;
}

int
dh_cmd_run_recover(const struct dh_ctlopt *o, const char *who)
{
	struct dh_db_drill *d = NULL;
	struct dh_plan *p = NULL;
	struct dh_db *db = NULL;
	struct dh_err err;
	size_t k = 0, n = 0;
	int rc = DH_EXIT_USAGE;

	dh_err_clear(&err);
	if (dh_ctlopt_open_db(o, 0, &db, &err) != 0 ||
		dh_db_drill_unfinished(db, &d, &k, &err) != 0)
		goto out;
	rc = DH_EXIT_OK;
	if (k == 0 || (rc = dh_cli_open_plan(who, o->plans, o->now, false, &p)) != DH_EXIT_OK)
		goto out;
	if (dh_drill_recover_all(p, db, true, &n, &err) != 0)
		rc = DH_EXIT_USAGE;
out:
	if (rc != DH_EXIT_OK && err.msg[0])
		fprintf(stderr, "drillhall %s: %s\n", who, err.msg);
	dh_db_drills_free(d, k);
	dh_plan_free(p);
	dh_db_close(db);
	return rc;
}

int
dh_cmd_run(struct dh_ctlopt *o)
{
	struct dh_plan *p = NULL;
	bool failover = strcmp(o->pos[0], "failover") == 0;
	int rc = DH_EXIT_USAGE;

	if (!failover && strcmp(o->pos[0], "restore") != 0) {
		fprintf(stderr, "drillhall run: expected restore ID or failover ID\n");
		goto out;
	}
	signal(SIGPIPE, SIG_IGN);
	if ((rc = dh_cli_open_plan("run", o->plans, o->now, true, &p)) != DH_EXIT_OK)
		goto out;
	if (failover)
		rc = run_failover(o, p, o->pos[1]);
	else if ((rc = dh_cmd_run_recover(o, "run")) == DH_EXIT_OK)
		rc = run_restore(o, p, o->pos[1]);
out:
	dh_plan_free(p);
	return rc;
}
