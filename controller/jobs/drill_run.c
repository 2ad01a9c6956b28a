/*
 * Running failover drills for real, and finishing the ones a killed
 * controller left (jobs/drill_run.h).
 */
#include "jobs/drill_run.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/drills.h"
#include "store/jobs.h"
#include "store/records.h"
#include "dh/buf.h"
#include "dh/sign.h"
#include "dh/timefmt.h"
#include "jobs/action.h"
#include "jobs/dispatch.h"
#include "jobs/drill.h"
#include "jobs/job.h"
#include "jobs/probe.h"

#define REACH_EXEC_MS 20000
#define OUTPUT_QUOTE 200

/* One drill's world: the plan, the store, the job. */
struct ctx {
	const struct dh_plan *p;
	struct dh_db *db;
	const char *job, *system;
	bool verbose;
	size_t printed; /* checks already shown on stderr */
};

static int
reach(void *vc, const char *host, char *detail, size_t n)
{
	struct ctx *c = vc;
	const struct dh_host *h = dh_plan_host_get(c->p, host);
	struct dh_ssh_target t;
	struct dh_ssh_result res = { 0 };
	int r;

	if (h == NULL) {
		snprintf(detail, n, "host %s is not in the inventory", host);
		return DH_EINVAL;
	}
	dh_job_host_target(&t, c->p, h);
	t.command = "version";
	t.exec_ms = REACH_EXEC_MS;
	r = dh_ssh_run(&t, &res);
	if (r != 0)
		snprintf(detail, n, "%s", res.msg);
	else if (res.exit_status != 0 || res.out == NULL || res.out[0] == '\0') {
		snprintf(detail, n, "drillhall-agent version exited %d", res.exit_status);
		r = DH_EREFUSED;
	}
	dh_ssh_result_fini(&res);
	return r;
}

/* The last non-empty line of an action's output, for the record. */
static void
last_line(const char *out, char *buf, size_t n)
{
	size_t len = out ? strlen(out) : 0, start;

	while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		len--;
	start = len;
	while (start > 0 && out[start - 1] != '\n')
		start--;
	if (len - start > OUTPUT_QUOTE)
		len = start + OUTPUT_QUOTE;
	snprintf(buf, n, "%.*s", (int)(len - start), out ? out + start : "");
}

static enum dh_drill_outcome
action(void *vc, const struct dh_action_ref *a, const char *marker, double timeout_s, char *detail,
	size_t n)
{
	struct ctx *c = vc;
	struct dh_action_call call = { .host = a->host,
		.action = a->action,
		.system = c->system,
		.job = c->job,
		.marker = marker,
		.timeout_s = (int64_t)(timeout_s + 0.5) };
	struct dh_action_result *res = NULL;
	struct dh_err err;
	char line[OUTPUT_QUOTE + 1];
	enum dh_drill_outcome o;

	dh_err_clear(&err);
	if (dh_action_call_run(c->p, &call, &res, &err) != 0) {
		snprintf(detail, n, "could not run: %s", err.msg);
		return DH_DRILL_UNRUN;
	}
	last_line(res->output, line, sizeof(line));
	snprintf(detail, n, "%s%s%s", res->status ? res->status : "?", line[0] ? ": " : "", line);
	o = res->exit_code == 0 && !res->timed_out ? DH_DRILL_OK : DH_DRILL_FAILED;
	dh_action_result_free(res);
	return o;
}

static int
probe(void *vc, const struct dh_health *h, double timeout_s, char *detail, size_t n)
{
	struct ctx *c = vc;
	const struct dh_host *host;
	struct dh_action_ref a;

	switch (h->kind) {
	case DH_HEALTH_TCP:
		host = dh_plan_host_get(c->p, h->host);
		return dh_probe_tcp(host && host->address ? host->address : h->host, h->port,
			timeout_s > 5 ? 5 : timeout_s, detail, n);
	case DH_HEALTH_HTTP:
		return dh_probe_http(h->url, timeout_s > 10 ? 10 : timeout_s, detail, n);
	case DH_HEALTH_ACTION:
	default:
		a = (struct dh_action_ref){ .host = h->host, .action = h->action };
		return action(vc, &a, NULL, timeout_s, detail, n) == DH_DRILL_OK ? 0 : DH_EREFUSED;
	}
}

static double
mono(void *vc)
{
	struct timespec ts;

	(void)vc;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static time_t
wall(void *vc)
{
	(void)vc;
	return dh_time_now();
}

static void
pause_s(void *vc, double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };

	(void)vc;
	while (nanosleep(&ts, &ts) != 0)
		;
}

static int
save(void *vc, const struct dh_drill_state *st, const struct dh_record *rec)
{
	struct ctx *c = vc;
	char *json = dh_record_to_json(rec, 0);
	struct dh_err err;
	int r;

	for (; c->verbose && c->printed < rec->nchecks; c->printed++)
		fprintf(stderr, "drillhall: %s: %s: %s\n", rec->checks[c->printed].name,
			dh_verdict_name(rec->checks[c->printed].verdict),
			rec->checks[c->printed].detail);
	dh_err_clear(&err);
	r = dh_db_drill_save(c->db, c->job, dh_drill_phase_name(st->phase), (long)st->steps_run,
		json, &err);
	if (r != 0)
		fprintf(stderr, "drillhall: drill %s: %s\n", c->job, err.msg);
	free(json);
	return r;
}

static const struct dh_drill_ops real_ops = {
	.reach = reach,
	.action = action,
	.probe = probe,
	.clock = mono,
	.wall = wall,
	.sleep = pause_s,
	.save = save,
};

/* A fresh record for drill job of s. */
static struct dh_record *
new_record(const char *job, const struct dh_system *s)
{
	struct dh_record *rec = dh_record_new();

	rec->id = dh_xstrdup(job);
	rec->system = dh_xstrdup(s->id);
	rec->kind = DH_JOB_FAILOVER;
	rec->rpo_actual_s = rec->rto_actual_s = -1;
	dh_record_add_host(rec, s->failover.primary);
	dh_record_add_host(rec, s->failover.standby);
	return rec;
}

/* Store rec and free the drill's hosts; a record already there stays. */
static int
store(struct dh_db *db, struct dh_record *rec, struct dh_err *err)
{
	int r = dh_db_record_store(db, rec, err);

	if (r != 0 && r != DH_EEXIST)
		return r;
	return dh_db_drill_finish(db, rec->id, err);
}

/* The drill's job: kind failover on its primary, the requirement in force. */
static int
insert_job(const struct dh_plan *p, struct dh_db *db, const struct dh_system *s,
	const char *trigger, char **id, struct dh_err *err)
{
	char tok[DH_TOKEN_HEX + 1];
	struct dh_job job = { .version = DH_PROTO_VERSION,
		.kind = DH_JOB_FAILOVER,
		.system = s->id,
		.host = s->failover.primary,
		.token = tok,
		.url = p->inv.url,
		.plan_revision = (char *)p->revision,
		/* the requirement in force, kept with the record (SPEC "History") */
		.rpo_target_s = s->eff_rpo_s,
		.rto_target_s = s->eff_rto_s,
		.timeout_s = s->failover.timeout_s,
		.every_s = s->eff_failover_every_s };
	int r;

	if (dh_sign_new_token(tok, sizeof(tok)) != 0)
		return dh_err_set(err, DH_ESYS, "no random bytes for the drill's token");
	job.id = dh_dispatch_job_id(s->id);
	r = dh_db_job_insert(db, &job, trigger, err);
	explicit_bzero(tok, sizeof(tok));
	if (r != 0)
		free(job.id);
	else
		*id = job.id;
	return r;
}

/* A drill that could not start: an error record with the reason. */
static void
refuse(struct dh_record *rec, const char *why)
{
	rec->started_at = rec->finished_at = dh_time_now();
	rec->verdict = DH_VERDICT_ERROR;
	dh_record_add_check(rec, "preflight", DH_VERDICT_ERROR, "%s; nothing was touched", why);
	rec->error = dh_xstrdup(why);
}

int
dh_drill_execute(const struct dh_plan *p, struct dh_db *db, const struct dh_system *s,
	const char *trigger, bool verbose, struct dh_record **out, struct dh_err *err)
{
	struct ctx c = { .p = p, .db = db, .system = s->id, .verbose = verbose };
	struct dh_drill_ops ops = real_ops;
	struct dh_record *rec = NULL;
	char marker[DH_ACTION_MARKER_LEN], *id = NULL;
	int r;

	*out = NULL;
	if (!s->failover.present)
		return dh_err_set(err, DH_EINVAL, "system %s has no [failover]", s->id);
	if (p->inv.ssh_key == NULL || p->inv.known_hosts == NULL)
		return dh_err_set(err, DH_EINVAL,
			"inventory [controller] needs ssh_key and known_hosts");
	if ((r = insert_job(p, db, s, trigger, &id, err)) != 0)
		return r;
	rec = new_record(id, s);
	c.job = id;
	ops.ctx = &c;
	r = dh_db_drill_begin(db, id, s->id, s->failover.primary, s->failover.standby, err);
	if (r == DH_ELOCKED || (r == 0 && dh_action_marker_new(marker, sizeof(marker)) != 0)) {
		refuse(rec, r == 0 ? "no random bytes for the drill's marker" : err->msg);
		r = dh_db_record_store(db, rec, err);
	} else if (r == 0) {
		dh_drill_run(s, &ops, marker, rec);
		r = store(db, rec, err);
	}
	if (r == 0) {
		*out = rec;
		rec = NULL;
	}
	dh_record_free(rec);
	free(id);
	return r;
}

/* The record a drill saved, or a fresh one when it saved none readable. */
static struct dh_record *
saved_record(const struct dh_db_drill *d)
{
	struct dh_record *rec = NULL;
	struct dh_err perr;

	if (d->record == NULL || dh_record_parse(d->record, strlen(d->record), &rec, &perr) != 0) {
		rec = dh_record_new();
		rec->started_at = dh_time_now();
		rec->rpo_actual_s = rec->rto_actual_s = -1;
	}
	free(rec->id);
	rec->id = dh_xstrdup(d->job);
	free(rec->system);
	rec->system = dh_xstrdup(d->system);
	rec->kind = DH_JOB_FAILOVER;
	return rec;
}

/* A drill whose system has no [failover] any more: nothing to fail back by. */
static void
orphan(struct dh_record *rec, const struct dh_db_drill *d)
{
	dh_record_add_check(rec, "interrupted", DH_VERDICT_ABORTED,
		"the controller stopped during phase %s, after %ld step(s) had started; the "
		"plan has no [failover] for %s any more, so no failback could be run",
		d->phase, d->steps_run, d->system);
	if (d->steps_run > 0)
		dh_record_add_check(rec, "production", DH_VERDICT_FAILED,
			"%s: no failback was run, so %s may still serve", DH_DRILL_LEFT_ON_STANDBY,
			d->standby);
	rec->verdict = DH_VERDICT_ABORTED;
	rec->finished_at = dh_time_now();
}

static int
recover_one(const struct dh_plan *p, struct dh_db *db, const struct dh_db_drill *d, bool verbose,
	struct dh_err *err)
{
	const struct dh_system *s = dh_plan_system_get(p, d->system);
	struct ctx c = { .p = p, .db = db, .job = d->job, .system = d->system, .verbose = verbose };
	struct dh_drill_ops ops = real_ops;
	int ph = dh_drill_phase_parse(d->phase);
	struct dh_drill_state st = { ph < 0 ? DH_DRILL_STEPS : (enum dh_drill_phase)ph,
		d->steps_run > 0 ? (size_t)d->steps_run : 0 };
	struct dh_record *rec = saved_record(d);
	int r;

	ops.ctx = &c;
	c.printed = rec->nchecks;
	if (verbose)
		fprintf(stderr,
			"drillhall: drill %s of %s was interrupted in phase %s: finishing it\n",
			d->job, d->system, d->phase);
	if (st.phase == DH_DRILL_DONE)
		; /* the record was complete; only storing it was interrupted */
	else if (s == NULL || !s->failover.present)
		orphan(rec, d);
	else
		dh_drill_recover(s, &ops, &st, rec);
	r = store(db, rec, err);
	dh_record_free(rec);
	return r;
}

/*
 * Whether the controller that runs a drill is still alive (on this
 * machine: controllers share the database file): then it is not ours to
 * finish. A recycled pid can keep a dead drill waiting for the next start.
 */
static bool
owner_alive(long pid)
{
	if (pid <= 0 || pid == (long)getpid())
		return false;
	return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

int
dh_drill_recover_all(const struct dh_plan *p, struct dh_db *db, bool verbose, size_t *n,
	struct dh_err *err)
{
	struct dh_db_drill *d = NULL;
	size_t k = 0;
	int r;

	*n = 0;
	if ((r = dh_db_drill_unfinished(db, &d, &k, err)) != 0)
		return r;
	for (size_t i = 0; i < k && r == 0; i++)
		if (!owner_alive(d[i].owner_pid) &&
			(r = recover_one(p, db, &d[i], verbose, err)) == 0)
			(*n)++;
	dh_db_drills_free(d, k);
	return r;
}
