/*
 * Spool delivery (deliver.h). A pass takes the spool's lock, sends each
 * job's events in seq order, and stops a job at its first event that must
 * be retried so the controller never sees seq 5 before seq 4 of the same
 * job from one sender. A job's state file (its token) is removed once its
 * finished event is spooled and nothing of it is pending. Between passes
 * it sleeps with full-jitter exponential backoff, so many agents coming
 * back after a controller outage do not all knock at once.
 */
#include "events/deliver.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dh/buf.h"
#include "events/spool.h"

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(int64_t ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static unsigned
jitter_seed(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (unsigned)ts.tv_nsec ^ ((unsigned)getpid() << 16);
}

int64_t
dh_deliver_backoff_ms(const struct dh_deliver_opts *o, unsigned n)
{
	static unsigned seed;
	int64_t d = o->first_delay_ms > 0 ? o->first_delay_ms : DH_DELIVER_FIRST_DELAY_MS;
	int64_t cap = o->max_delay_ms > 0 ? o->max_delay_ms : DH_DELIVER_MAX_DELAY_MS;

	if (seed == 0)
		seed = jitter_seed() | 1;
	for (unsigned i = 0; i < n && d < cap; i++)
		d *= 2;
	if (d > cap)
		d = cap;
	/* jitter only for spreading agents apart; not security relevant */
	return d / 2 + (int64_t)(rand_r(&seed) % (unsigned)(d / 2 + 1));
}

/* Send one event; true when the job may go on with its next event. */
static bool
send_one(const char *dir, struct dh_report *rep, const struct dh_spool_entry *e,
	const struct dh_spool_job *js, const struct dh_deliver_opts *o, struct dh_deliver_stats *st)
{
	struct dh_err err = { 0 };
	struct dh_buf body;
	enum dh_report_outcome res;
	long status = 0;
	bool next = true;

	dh_buf_init(&body);
	int rr = dh_spool_read(dir, e, &body, &err);
	if (rr == DH_ENOENT) {
		dh_buf_fini(&body); /* sent and removed by someone else */
		return true;
	} else if (rr != 0) {
		/* unreadable or oversize: it can never be sent as it is */
		res = DH_REPORT_REJECTED;
	} else {
		res = dh_report_post(rep, js->url, e->job, js->token, body.data, body.len, &status,
			&err);
	}
	if (res == DH_REPORT_DELIVERED) {
		if (dh_spool_remove(dir, e, &err) != 0 && o->log)
			fprintf(o->log, "drillhall-agent: %s\n", err.msg);
		st->delivered++;
	} else if (res == DH_REPORT_REJECTED) {
		if (o->log)
			fprintf(o->log,
				"drillhall-agent: event %s seq %lld rejected, "
				"kept as %s.rejected: %s\n",
				e->job, (long long)e->seq, e->name, err.msg);
		dh_spool_reject(dir, e, NULL);
		st->rejected++;
	} else {
		if (o->log)
			fprintf(o->log,
				"drillhall-agent: event %s seq %lld not sent, "
				"will retry: %s\n",
				e->job, (long long)e->seq, err.msg);
		next = false;
	}
	dh_buf_fini(&body);
	return next;
}

/* Send events [*i, end of job) ; advances *i past the job. */
static void
send_job(const char *dir, struct dh_report *rep, const struct dh_spool_list *l, size_t *i,
	const struct dh_deliver_opts *o, struct dh_deliver_stats *st)
{
	const char *job = l->v[*i].job;
	struct dh_spool_job js;
	size_t end = *i;
	bool go;

	while (end < l->n && strcmp(l->v[end].job, job) == 0)
		end++;
	go = dh_spool_job_load(dir, job, &js, NULL) == 0;
	if (!go) {
		if (o->log)
			fprintf(o->log,
				"drillhall-agent: %zu event(s) of job %s have no "
				"job state (url, token) and cannot be sent\n",
				end - *i, job);
		st->orphaned += end - *i;
	}
	for (size_t k = *i; go && k < end; k++) {
		if (!send_one(dir, rep, &l->v[k], &js, o, st)) {
			st->pending += end - k;
			break;
		}
	}
	if (go)
		dh_spool_job_fini(&js);
	*i = end;
}

/* Forget the token of every finished job with nothing left to send. */
static void
forget_done_jobs(const char *dir)
{
	struct dh_spool_list jobs, ev;

	if (dh_spool_jobs(dir, &jobs, NULL) != 0)
		return;
	if (dh_spool_list(dir, &ev, NULL) != 0) {
		dh_spool_list_fini(&jobs);
		return;
	}
	for (size_t i = 0; i < jobs.n; i++) {
		struct dh_spool_job js;

		if (dh_spool_list_has_job(&ev, jobs.v[i].job))
			continue;
		if (dh_spool_job_load(dir, jobs.v[i].job, &js, NULL) != 0)
			continue;
		if (js.done)
			dh_spool_job_remove(dir, jobs.v[i].job, NULL);
		dh_spool_job_fini(&js);
	}
	dh_spool_list_fini(&ev);
	dh_spool_list_fini(&jobs);
}

int
dh_deliver_pass(const char *dir, struct dh_report *rep, const struct dh_deliver_opts *o,
	struct dh_deliver_stats *st, struct dh_err *err)
{
	struct dh_spool_list l;
	int lock = -1, r;

	st->busy = false;
	if ((r = dh_spool_lock(dir, !o->nowait, &lock, err)) == DH_ELOCKED) {
		st->busy = true; /* whoever holds it sends what is there */
		return 0;
	}
	if (r != 0)
		return r;
	if ((r = dh_spool_list(dir, &l, err)) != 0)
		goto out;
	for (size_t i = 0; i < l.n;)
		send_job(dir, rep, &l, &i, o, st);
	dh_spool_list_fini(&l);
	forget_done_jobs(dir);
	st->passes++;
out:
	dh_spool_unlock(lock);
	return r;
}

int
dh_deliver_run(const char *dir, struct dh_report *rep, const struct dh_deliver_opts *o,
	struct dh_deliver_stats *st, struct dh_err *err)
{
	int64_t start = now_ms(), left;
	unsigned n = 0;
	int r;

	memset(st, 0, sizeof(*st));
	for (;;) {
		st->pending = 0;
		st->orphaned = 0;
		if ((r = dh_deliver_pass(dir, rep, o, st, err)) != 0)
			return r;
		if (st->pending == 0)
			return 0;
		left = o->budget_ms - (now_ms() - start);
		if (left <= 0)
			break;
		int64_t d = dh_deliver_backoff_ms(o, n++);
		sleep_ms(d < left ? d : left);
	}
	return dh_err_set(err, DH_ETIMEOUT,
		"%zu event(s) still unsent after %lld ms; "
		"they stay in the spool for `drillhall-agent flush`",
		st->pending, (long long)o->budget_ms);
}
