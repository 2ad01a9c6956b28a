/*
 * The scheduler thread and its workers (sched/sched.h). One mutex guards
 * the list of workers and the stop flag; the ticking thread decides and
 * starts, each worker runs one test and marks itself done, and the next
 * tick joins it. Limits are counted over the running workers.
 */
#include "sched/sched.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dh/log.h"
#include "dh/timefmt.h"
#include "jobs/dispatch.h"
#include "jobs/drill_run.h"
#include "jobs/job.h"
#include "plan/window.h"
#include "sched/clock.h"
#include "store/compliance.h"
#include "store/db.h"
#include "store/revisions.h"

struct worker {
	struct dh_sched *s;
	const struct dh_system *sys;
	enum dh_job_kind kind;
	const char *hosts[2];
	int nhosts;
	pthread_t th;
	bool done;
	struct worker *next;
};

struct dh_sched {
	struct dh_sched_cfg cfg;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
	struct worker *workers;
	int running;
	struct dh_db *db;
	time_t *attempt; /* per system and kind: the window opening of the last start */
	/* this tick: unfinished jobs in the store that are not our workers' */
	struct dh_busy_job *busy;
	size_t nbusy;
	time_t clock_said;
};

static bool
stopping(void *arg)
{
	struct dh_sched *s = arg;
	bool stop;

	pthread_mutex_lock(&s->mu);
	stop = s->stop;
	pthread_mutex_unlock(&s->mu);
	return stop;
}

static void
log_verdict(const struct worker *w, const struct dh_record *rec, int r, const struct dh_err *err)
{
	const char *what = w->kind == DH_JOB_FAILOVER ? "failover drill" : "restore test";

	if (r != 0)
		dh_log_error("scheduler: %s of %s: %s", what, w->sys->id, err->msg);
	else
		dh_log_info("scheduler: %s of %s: %s (record %s)", what, w->sys->id,
			dh_verdict_name(rec->verdict), rec->id ? rec->id : "?");
}

static void *
work(void *arg)
{
	struct worker *w = arg;
	struct dh_sched *s = w->s;
	struct dh_dispatch_cfg dc = { .events_via = s->cfg.events_via,
		.stopping = stopping,
		.stopping_arg = s };
	struct dh_ssh_target t;
	struct dh_record *rec = NULL;
	struct dh_job *job = NULL;
	struct dh_db *db = NULL;
	struct dh_err err;
	int r;

	dh_err_clear(&err);
	if ((r = dh_db_open(&db, s->cfg.db_path, &err)) == 0) {
		if (w->kind == DH_JOB_FAILOVER)
			r = dh_drill_execute(s->cfg.plan, db, w->sys, "schedule", false, &rec,
				&err);
		else if ((r = dh_job_restore_target(&t, s->cfg.plan, w->sys, &err)) == 0 &&
			(r = dh_job_build_restore(&job, s->cfg.plan, w->sys, &err)) == 0)
			r = dh_dispatch_run(&dc, db, job, &t, "schedule", &rec, &err);
	}
	log_verdict(w, rec, r, &err);
	dh_record_free(rec);
	dh_job_free(job);
	dh_db_close(db);
	pthread_mutex_lock(&s->mu);
	w->done = true;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* Join the workers that are done. */
static void
reap(struct dh_sched *s)
{
	struct worker **pp = &s->workers;

	pthread_mutex_lock(&s->mu);
	while (*pp != NULL) {
		struct worker *w = *pp;

		if (!w->done) {
			pp = &w->next;
			continue;
		}
		*pp = w->next;
		s->running--;
		pthread_mutex_unlock(&s->mu);
		pthread_join(w->th, NULL);
		free(w);
		pthread_mutex_lock(&s->mu);
	}
	pthread_mutex_unlock(&s->mu);
}

static bool
worker_of(const struct dh_sched *s, const char *system)
{
	for (const struct worker *w = s->workers; w; w = w->next)
		if (strcmp(w->sys->id, system) == 0)
			return true;
	return false;
}

/*
 * Scheduled jobs on host h: our workers (a drill counts on both its
 * hosts) and those an earlier serve started that are still unfinished.
 */
static int
host_load(const struct dh_sched *s, const char *h)
{
	int n = 0;

	for (const struct worker *w = s->workers; w; w = w->next)
		for (int i = 0; i < w->nhosts; i++)
			n += strcmp(w->hosts[i], h) == 0;
	for (size_t i = 0; i < s->nbusy; i++)
		n += s->busy[i].scheduled && s->busy[i].host && strcmp(s->busy[i].host, h) == 0 &&
			!worker_of(s, s->busy[i].system);
	return n;
}

/* A worker of ours or a job in the store (`run`, an earlier serve) tests sys. */
static bool
system_busy(const struct dh_sched *s, const struct dh_system *sys)
{
	if (worker_of(s, sys->id))
		return true;
	for (size_t i = 0; i < s->nbusy; i++)
		if (s->busy[i].system && strcmp(s->busy[i].system, sys->id) == 0)
			return true;
	return false;
}

/* The hosts a test of sys holds; false when the plan names none. */
static bool
hosts_of(const struct dh_system *sys, enum dh_job_kind k, struct worker *w)
{
	w->nhosts = 0;
	if (k == DH_JOB_FAILOVER) {
		w->hosts[w->nhosts++] = sys->failover.primary;
		w->hosts[w->nhosts++] = sys->failover.standby;
	} else {
		w->hosts[w->nhosts++] = sys->restore.host;
	}
	for (int i = 0; i < w->nhosts; i++)
		if (w->hosts[i] == NULL)
			return false;
	return true;
}

/* Whether every host of w has room (the inventory's max_jobs, default 1). */
static bool
hosts_free(const struct dh_sched *s, const struct worker *w)
{
	for (int i = 0; i < w->nhosts; i++) {
		const struct dh_host *h = dh_plan_host_get(s->cfg.plan, w->hosts[i]);

		if (h == NULL || host_load(s, w->hosts[i]) >= (h->max_jobs > 0 ? h->max_jobs : 1))
			return false;
	}
	return true;
}

/* Start a worker for row (limits checked); false when a thread could not start. */
static bool
launch(struct dh_sched *s, struct worker *tmpl, const struct dh_due_row *row)
{
	struct worker *w = dh_xmalloc(sizeof(*w));
	char due[32];

	*w = *tmpl;
	w->s = s;
	w->done = false;
	if (row->never_run)
		snprintf(due, sizeof(due), "never run");
	else
		dh_time_format(row->due_at, due, sizeof(due));
	dh_log_info("scheduler: starting the %s of %s on %s (due: %s)",
		row->kind == DH_JOB_FAILOVER ? "failover drill" : "restore test", row->sys->id,
		w->hosts[0], due);
	pthread_mutex_lock(&s->mu);
	if (pthread_create(&w->th, NULL, work, w) != 0) {
		pthread_mutex_unlock(&s->mu);
		dh_log_error("scheduler: cannot start a worker thread");
		free(w);
		return false;
	}
	w->next = s->workers;
	s->workers = w;
	s->running++;
	pthread_mutex_unlock(&s->mu);
	return true;
}

/*
 * Whether a test due now may start: its window is open, it was not
 * started in this opening already, and its last record is not a failure
 * or error started in this opening (then it waits for the next one).
 */
static bool
may_start(struct dh_sched *s, const struct dh_due_row *row, const time_t opened[2])
{
	size_t i = (size_t)(row->sys - s->cfg.plan->systems);
	time_t o = opened[row->kind];

	if (o == (time_t)-1 || s->attempt[i * 2 + row->kind] == o)
		return false;
	if (row->last != NULL && row->last->verdict != DH_VERDICT_PASSED &&
		dh_compliance_started(row->last) >= o)
		return false;
	return true;
}

/* One tick as of now: start what is due, oldest first, as the limits allow. */
static void
tick(struct dh_sched *s, time_t now)
{
	const struct dh_plan *p = s->cfg.plan;
	const struct dh_window *win[2] = { &p->policy.restore_window, &p->policy.failover_window };
	struct dh_standings sd = { 0 };
	struct dh_due_row *rows = NULL;
	struct dh_err err;
	time_t opened[2];
	size_t n = 0;

	for (int k = 0; k < 2; k++)
		opened[k] = dh_window_opened_at(win[k], p->policy.timezone, now);
	if (opened[0] == (time_t)-1 && opened[1] == (time_t)-1)
		return; /* no window open: nothing to read */
	dh_err_clear(&err);
	if (dh_db_busy_jobs(s->db, dh_time_now(), DH_DISPATCH_GRACE_S, &s->busy, &s->nbusy, &err) !=
			0 ||
		dh_db_standings(s->db, p, false, now, &sd, &err) != 0) {
		dh_log_error("scheduler: %s", err.msg);
		goto out;
	}
	dh_db_standings_due(&sd, p, now, &rows, &n);
	for (size_t i = 0; i < n && s->running < s->cfg.max_jobs; i++) {
		struct worker w = { .sys = rows[i].sys, .kind = rows[i].kind };

		if (!may_start(s, &rows[i], opened) || system_busy(s, w.sys) ||
			!hosts_of(w.sys, w.kind, &w) || !hosts_free(s, &w))
			continue;
		if (!launch(s, &w, &rows[i]))
			break;
		s->attempt[(size_t)(w.sys - p->systems) * 2 + w.kind] = opened[w.kind];
	}
out:
	dh_db_busy_free(s->busy, s->nbusy);
	s->busy = NULL;
	s->nbusy = 0;
	free(rows);
	dh_db_standings_fini(&sd);
}

static void
sleep_tick(struct dh_sched *s)
{
	double step = s->cfg.tick_s > 0 ? s->cfg.tick_s : DH_SCHED_TICK_S;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += (time_t)step;
	ts.tv_nsec += (long)((step - (double)(time_t)step) * 1e9);
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&s->mu);
	if (!s->stop)
		pthread_cond_timedwait(&s->cv, &s->mu, &ts);
	pthread_mutex_unlock(&s->mu);
}

static void *
loop(void *arg)
{
	struct dh_sched *s = arg;
	struct dh_err err;
	time_t now;

	while (!stopping(s)) {
		reap(s);
		dh_err_clear(&err);
		if (dh_sched_clock_now(s->cfg.clock_file, &now, &err) != 0) {
			dh_log_error("scheduler: %s", err.msg);
		} else {
			tick(s, now);
		}
		sleep_tick(s);
	}
	return NULL;
}

int
dh_sched_start(struct dh_sched **out, const struct dh_sched_cfg *cfg, struct dh_err *err)
{
	struct dh_sched *s = dh_xcalloc(1, sizeof(*s));
	int r;

	s->cfg = *cfg;
	if (s->cfg.max_jobs < 1)
		s->cfg.max_jobs = 1;
	s->attempt = dh_xcalloc(cfg->plan->nsystems * 2 + 1, sizeof(*s->attempt));
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	if ((r = dh_db_open(&s->db, cfg->db_path, err)) != 0 ||
		(r = dh_db_plan_note(s->db, cfg->plan, err)) != 0)
		goto fail;
	if (pthread_create(&s->th, NULL, loop, s) != 0) {
		r = dh_err_set(err, DH_ESYS, "cannot start the scheduler thread");
		goto fail;
	}
	*out = s;
	return 0;
fail:
	dh_db_close(s->db);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s->attempt);
	free(s);
	return r;
}

void
dh_sched_stop(struct dh_sched *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&s->mu);
	s->stop = true;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->th, NULL);
	for (bool left = true; left;) {
		bool any = false;

		reap(s);
		pthread_mutex_lock(&s->mu);
		left = s->workers != NULL;
		for (struct worker *w = s->workers; w; w = w->next)
			any |= w->done;
		if (left && !any)
			pthread_cond_wait(&s->cv, &s->mu);
		pthread_mutex_unlock(&s->mu);
	}
	dh_db_close(s->db);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s->attempt);
	free(s);
}
