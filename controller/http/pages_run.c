/*
 * Starting a restore test from a page (http/pages_int.h): an operator's
 * POST /systems/ID/run builds the job from the plan as `run restore`
 * does (jobs/job.h), names it, and dispatches it in a thread of its own
 * with trigger "web:USER" (jobs/dispatch.h); this serve receives its
 * events, so the record lands in the database like any other. The page
 * answers at once with the job's id; the test may take hours. A test
 * still running when serve stops is left as a job without a verdict, as
 * when `run` is killed.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "dh/log.h"
#include "dh/timefmt.h"
#include "http/pages_int.h"
#include "render/html.h"
#include "jobs/dispatch.h"
#include "jobs/job.h"
#include "store/db.h"
#include "store/revisions.h"

/* What the thread owns. */
struct run_arg {
	struct dh_plan *p;
	struct dh_job *job;
	struct dh_ssh_target t;
	char *db_path, *events_via, *trigger;
};

static void *
run_thread(void *arg)
{
	struct run_arg *a = arg;
	struct dh_dispatch_cfg cfg = { .events_via = a->events_via };
	struct dh_record *rec = NULL;
	struct dh_db *db = NULL;
	struct dh_err err;

	dh_err_clear(&err);
	if (dh_db_open(&db, a->db_path, &err) != 0 ||
		dh_db_plan_revision(db, a->p->revision, a->p->policy.name, &err) != 0 ||
		dh_dispatch_run(&cfg, db, a->job, &a->t, a->trigger, &rec, &err) != 0)
		dh_log_error("job %s (%s): %s", a->job->id, a->trigger, err.msg);
	else
		dh_log_info("job %s (%s): %s", rec->id, a->trigger, dh_verdict_name(rec->verdict));
	dh_record_free(rec);
	dh_db_close(db);
	dh_job_free(a->job);
	dh_plan_free(a->p);
	free(a->db_path);
	free(a->events_via);
	free(a->trigger);
	free(a);
	return NULL;
}

/* Build the job; false after filling resp (404 unseen, 409 no [restore]). */
static bool
prepare(struct dh_pages *pg, const struct who *w, const char *id, struct run_arg *a,
	struct dh_http_resp *resp)
{
	const struct dh_system *s;
	struct dh_err err;
	bool errors;

	dh_err_clear(&err);
	if ((a->p = pages_plan(pg, w, dh_time_now(), &errors, resp)) == NULL)
		return false;
	if ((s = dh_plan_system_get(a->p, id)) == NULL || !pages_sees(w, s)) {
		pages_message(resp, w, 404, "Not found", "There is no such page.");
		return false;
	}
	if (errors || dh_job_restore_target(&a->t, a->p, s, &err) != 0 ||
		dh_job_build_restore(&a->job, a->p, s, &err) != 0) {
		pages_message(resp, w, 409, "Cannot start",
			errors ? "the plan has errors (see drillhall check)" : err.msg);
		return false;
	}
	a->job->id = dh_dispatch_job_id(s->id);
	return true;
}

static void
started(struct dh_http_resp *resp, const struct who *w, const char *system, const char *job)
{
	struct dh_web_ctx ctx;
	struct dh_buf b;
	char *msg = dh_xasprintf("Restore test %s started; its record appears on the system's "
				 "page when it finishes.",
		job);

	pages_ctx(&ctx, w, dh_time_now());
	ctx.notice = msg;
	dh_buf_init(&b);
	dh_web_begin(&b, &ctx, "Restore test started");
	dh_buf_puts(&b, "<p><a id=\"job\" href=\"/systems/");
	dh_html_escape(&b, system);
	dh_buf_puts(&b, "\">Back to the system</a></p>\n");
	dh_web_end(&b);
	pages_html(resp, 202, &b);
	free(msg);
}

void
pages_run(void *user, const struct dh_http_req *req, struct dh_http_resp *resp)
{
	struct dh_pages *pg = user;
	const char *id = dh_http_req_param(req, "id");
	struct run_arg *a = dh_xcalloc(1, sizeof(*a));
	char detail[200];
	pthread_t th;
	struct who w;

	if (!pages_who(pg, req, &w)) {
		pages_message(resp, NULL, 403, "Not logged in", "not logged in");
		goto fail;
	}
	if (!prepare(pg, &w, id, a, resp)) {
		snprintf(detail, sizeof(detail), "POST /systems/%s/run: not started", id);
		pages_audit(pg, "run", w.name, req, detail);
		goto fail;
	}
	snprintf(detail, sizeof(detail), "POST /systems/%s/run: job %s", id, a->job->id);
	pages_audit(pg, "run", w.name, req, detail);
	a->db_path = dh_xstrdup(pg->db_path);
	a->events_via = dh_xstrdup(pg->events_via);
	a->trigger = dh_xasprintf("web:%s", w.name);
	started(resp, &w, id, a->job->id);
	if (pthread_create(&th, NULL, run_thread, a) != 0) {
		pages_message(resp, &w, 500, "Not started", "no thread for the test");
		goto fail;
	}
	pthread_detach(th);
	return;
fail:
	dh_job_free(a->job);
	dh_plan_free(a->p);
	free(a->db_path);
	free(a->events_via);
	free(a->trigger);
	free(a);
}
