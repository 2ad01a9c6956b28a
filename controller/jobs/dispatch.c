/*
 * One job from dispatch to verdict (jobs/dispatch.h). The order of steps
 * is the guarantee: the caller's receiver is already listening (so the
 * first event has somewhere to go), the job is stored first (so an event
 * is never for an unknown job), SSH second; then wait on the database.
 * Every way of not getting a verdict ends in a stored error record, never
 * in silence.
 */
#include "jobs/dispatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dh/log.h"
#include "dh/buf.h"
#include "store/events.h"
#include "store/jobs.h"
#include "store/records.h"
#include "dh/sign.h"
#include "dh/timefmt.h"

char *
dh_dispatch_job_id(const char *system)
{
	char stamp[20], tok[DH_TOKEN_HEX + 1];
	time_t now = dh_time_now();
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", &tm);
	if (dh_sign_new_token(tok, sizeof(tok)) != 0)
		snprintf(tok, sizeof(tok), "%08lx", (unsigned long)now);
	return dh_xasprintf("%.48s-%s-%.8s", system, stamp, tok);
}

int
dh_dispatch_exit_code(const struct dh_record *r)
{
	switch (r->verdict) {
	case DH_VERDICT_PASSED:
		return 0;
	case DH_VERDICT_FAILED:
		return 1;
	default:
		return 2;
	}
}

/* Store the controller's own error record; if one raced in, use that. */
static int
record_error(struct dh_db *db, const struct dh_job *job, const char *host, time_t started,
	const char *why, struct dh_record **out, struct dh_err *err)
{
	struct dh_record *r = dh_record_new();
	int rc;

	r->id = dh_xstrdup(job->id);
	r->verdict = DH_VERDICT_ERROR;
	r->started_at = started;
	r->finished_at = dh_time_now();
	r->error = dh_xstrdup(why);
	dh_record_add_host(r, host);
	dh_record_add_check(r, "dispatch", DH_VERDICT_ERROR, "%s", why);
	rc = dh_db_record_store(db, r, err);
	if (rc == DH_EEXIST) {
		dh_record_free(r);
		return dh_db_record_get(db, job->id, out, err);
	}
	if (rc != 0) {
		dh_record_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

/* What the agent's side said when `run` did not accept the job. */
static char *
ssh_failure(const struct dh_ssh_result *res)
{
	if (res->code != 0)
		return dh_xstrdup(res->msg);
	return dh_xasprintf("the agent did not accept the job (exit %d): %.200s", res->exit_status,
		res->err_out && *res->err_out ? res->err_out : (res->out ? res->out : ""));
}

/*
 * The session failed, but did the agent take the job anyway? Its
 * `accepted` event says so (it is sent before the agent answers on the
 * session); then the verdict is still to come and an error record now
 * would stand in its way.
 */
static bool
agent_accepted(struct dh_db *db, const struct dh_job *job, const struct dh_ssh_result *res)
{
	int64_t n = 0;

	if (res->stage < DH_SSH_AUTHED)
		return false;
	return dh_db_event_count(db, job->id, &n, NULL) == 0 && n > 0;
}

static int
wait_record(const struct dh_dispatch_cfg *cfg, struct dh_db *db, const struct dh_job *job,
	struct dh_record **out, struct dh_err *err)
{
	double deadline = dh_time_mono() + (double)job->timeout_s +
		(double)(cfg->grace_s ? cfg->grace_s : DH_DISPATCH_GRACE_S);
	double step = cfg->poll_s > 0 ? cfg->poll_s : 0.2;
	struct timespec ts = { .tv_sec = (time_t)step,
		.tv_nsec = (long)((step - (double)(time_t)step) * 1e9) };
	int r;

	for (;;) {
		r = dh_db_record_get(db, job->id, out, err);
		if (r != DH_ENOENT)
			return r; /* 0: the verdict; else a database error */
		if (dh_time_mono() >= deadline)
			return DH_ETIMEOUT;
		if (cfg->stopping != NULL && cfg->stopping(cfg->stopping_arg))
			return dh_err_set(err, DH_ESYS,
				"stopped while job %s ran; its record arrives with its events",
				job->id);
		nanosleep(&ts, NULL);
	}
}

int
dh_dispatch_run(const struct dh_dispatch_cfg *cfg, struct dh_db *db, struct dh_job *job,
	const struct dh_ssh_target *host, const char *trigger, struct dh_record **out,
	struct dh_err *err)
{
	struct dh_ssh_target t = *host;
	struct dh_ssh_result res = { 0 };
	char tok[DH_TOKEN_HEX + 1], *json = NULL, *why = NULL;
	time_t started = dh_time_now();
	int r;

	if (job->id == NULL)
		job->id = dh_dispatch_job_id(job->system);
	if (dh_sign_new_token(tok, sizeof(tok)) != 0)
		return dh_err_set(err, DH_ESYS, "no random bytes for the job token");
	free(job->token);
	job->token = dh_xstrdup(tok);
	explicit_bzero(tok, sizeof(tok));
	if ((r = dh_db_job_insert(db, job, trigger, err)) != 0)
		goto out;
	if (cfg->verbose)
		dh_log_info("job %s: dispatching to %s (events via %s)", job->id, host->name,
			cfg->events_via ? cfg->events_via : "?");
	json = dh_job_to_json(job);
	t.command = DH_DISPATCH_COMMAND;
	t.input = json;
	t.input_len = strlen(json);
	if ((dh_ssh_run(&t, &res) != 0 || res.exit_status != 0) && !agent_accepted(db, job, &res)) {
		why = ssh_failure(&res);
		r = record_error(db, job, host->name, started, why, out, err);
		goto out;
	}
	if (cfg->verbose)
		dh_log_info("job %s: accepted by %s, waiting for the verdict", job->id, host->name);
	r = wait_record(cfg, db, job, out, err);
	if (r == DH_ETIMEOUT) {
		why = dh_xasprintf("no verdict from %s within the job's timeout (%llds) "
				   "and %llds grace",
			host->name, (long long)job->timeout_s,
			(long long)(cfg->grace_s ? cfg->grace_s : DH_DISPATCH_GRACE_S));
		r = record_error(db, job, host->name, started, why, out, err);
	}
out:
	dh_ssh_result_fini(&res);
	if (json) {
		explicit_bzero(json, strlen(json));
		free(json);
	}
	free(why);
	return r;
}
