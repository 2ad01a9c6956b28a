/*
 * `drillhall run restore ID [--format text|json]` (cli/cmd_run.h):
 * builds the job from the system's [restore] section and the requirement
 * in force, dispatches it to the restore host over SSH, waits for the
 * verdict (receiving events itself, or through a running serve) and
 * prints the test record. Exit 0 passed, 1 failed, 2 error or could not
 * run. `run failover` arrives with the failover drill.
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
#include "jobs/dispatch.h"
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
		dh_ctlopt_open_db(o, 0, &db, &err) != 0 ||
		dh_db_plan_revision(db, p->revision, p->policy.name, &err) != 0 ||
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

int
dh_cmd_run(struct dh_ctlopt *o)
{
	struct dh_plan *p = NULL;
	int rc = DH_EXIT_USAGE;

	if (strcmp(o->pos[0], "failover") == 0) {
		fprintf(stderr,
			"drillhall run: this version runs restore tests; failover drills come in a later release\n");
		goto out;
	}
	if (strcmp(o->pos[0], "restore") != 0) {
		fprintf(stderr, "drillhall run: expected restore ID\n");
		goto out;
	}
	signal(SIGPIPE, SIG_IGN);
	if ((rc = dh_cli_open_plan("run", o->plans, o->now, true, &p)) != DH_EXIT_OK)
		goto out;
	rc = run_restore(o, p, o->pos[1]);
out:
	dh_plan_free(p);
	return rc;
}
