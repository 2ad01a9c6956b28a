/*
 * serve's notifier thread (notify/notify.h): the loop and its periodic
 * checks (overdue tests, the audit chain).
 */
#include "notify/notify.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh/buf.h"
#include "dh/log.h"
#include "dh/timefmt.h"
#include "notify/deliver.h"
#include "plan/open.h"
#include "store/compliance.h"
#include "store/metrics.h"
#include "store/outbox.h"
#include "store/verify.h"

struct dh_notify {
	char *db_path, *plans;
	int overdue_every_s, audit_every_s;
	time_t (*clock)(void *);
	void *clock_arg;
	struct dh_db *db, *audit_db; /* the loop's; the audit thread's */
	struct dh_notify_deliver *d;
	pthread_t thread, audit_thread;
	bool started, audit_started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	volatile bool stop;
};

/* An `overdue` event for kind k of js, once per due date. */
static int
overdue_event(struct dh_db *db, const struct dh_standing *js, int k, struct dh_err *err)
{
	const struct dh_compliance_due *d = &js->c.kind[k];
	const char *kind = dh_job_kind_name((enum dh_job_kind)k);
	const struct dh_record *last = js->tests[k].last;
	char due[DH_RFC3339_LEN], sum[DH_OUTBOX_SUMMARY_MAX], dedup[300];
	bool added = false;
	int r;

	dh_time_format(d->due_at, due, sizeof(due));
	snprintf(sum, sizeof(sum), "%s of %s overdue since %s",
		k == DH_JOB_FAILOVER ? "failover drill" : "restore test", js->sys->id, due);
	snprintf(dedup, sizeof(dedup), "overdue:%s:%s:%lld", js->sys->id, kind,
		(long long)d->due_at);
	r = dh_db_outbox_put(db,
		&(struct dh_outbox_event){ .event = DH_OUTBOX_OVERDUE,
			.system = js->sys->id,
			.kind = kind,
			.verdict = last ? dh_verdict_name(last->verdict) : NULL,
			.record = last ? last->id : NULL,
			.at = d->due_at,
			.summary = sum,
			.dedup = dedup },
		&added, err);
	if (r == 0 && added)
		dh_log_info("%s", sum);
	return r;
}

static int
check_overdue(struct dh_notify *n, time_t now, struct dh_err *err)
{
	struct dh_standings sd = { 0 };
	struct dh_plan *p = NULL;
	struct dh_problems pr;
	int r;

	dh_problems_init(&pr);
	if ((r = dh_plan_open(&p, n->plans, now, &pr, err)) != 0 ||
		(r = dh_db_read_begin(n->db, err)) != 0)
		goto out;
	r = dh_db_standings(n->db, p, dh_problems_count(&pr, DH_SEV_ERROR) > 0, now, &sd, err);
	dh_db_read_end(n->db);
	for (size_t i = 0; r == 0 && i < sd.n; i++)
		for (int k = 0; r == 0 && k < DH_COMPLIANCE_KINDS; k++)
			if (sd.v[i].c.kind[k].required && sd.v[i].c.kind[k].overdue)
				r = overdue_event(n->db, &sd.v[i], k, err);
out:
	dh_db_standings_fini(&sd);
	dh_plan_free(p);
	dh_problems_fini(&pr);
	return r;
}

static int
check_audit(struct dh_db *db, time_t now, struct dh_err *err)
{
	struct dh_audit_result res;
	char sum[DH_OUTBOX_SUMMARY_MAX], dedup[400];
	int r;

	memset(&res, 0, sizeof(res));
	if ((r = dh_db_audit_verify(db, &res, err)) != 0 ||
		(r = dh_db_audit_check_save(db, now, &res, err)) != 0 || res.bad_seq == 0)
		return r;
	snprintf(sum, sizeof(sum), "the audit chain is broken at record %lld: %s",
		(long long)res.bad_seq, res.why);
	snprintf(dedup, sizeof(dedup), "audit_broken:%lld:%s", (long long)res.bad_seq, res.why);
	dh_log_error("%s", sum);
	return dh_db_outbox_put(db,
		&(struct dh_outbox_event){ .event = DH_OUTBOX_AUDIT_BROKEN,
			.at = now,
			.summary = sum,
			.dedup = dedup },
		NULL, err);
}

/* The periodic checks' time: cfg.clock's, else the system clock's. */
static time_t
checks_now(const struct dh_notify *n)
{
	return n->clock != NULL ? n->clock(n->clock_arg) : dh_time_now();
}

/*
 * Whether a check run every every_s is due at at (checks' clock), moving
 * *next on when it is; a clock set back by more than every_s (a test's
 * injected clock) makes it due at once.
 */
static bool
check_due(time_t at, time_t *next, int every_s)
{
	if (at < *next && at >= *next - every_s)
		return false;
	*next = at + every_s;
	return true;
}

/* One turn of the loop; what fails is logged and tried again next turn. */
static void
turn(struct dh_notify *n, time_t *next_overdue)
{
	time_t now = dh_time_now(), at = checks_now(n);
	struct dh_err err;

	dh_err_clear(&err);
	if (check_due(at, next_overdue, n->overdue_every_s) && check_overdue(n, at, &err) != 0)
		dh_log_warn("overdue check: %s", err.msg);
	if (dh_notify_deliver_plan(n->d, n->db, now, &err) != 0 ||
		dh_notify_deliver_pass(n->d, n->db, now, &n->stop, NULL, &err) != 0)
		dh_log_warn("notifications: %s", err.msg);
}

/* Sleep until ts or stop. */
static void
nap(struct dh_notify *n, long seconds)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += seconds;
	pthread_mutex_lock(&n->mu);
	if (!n->stop)
		pthread_cond_timedwait(&n->cv, &n->mu, &ts);
	pthread_mutex_unlock(&n->mu);
}

/*
 * The audit chain's check has a thread of its own: on a long chain it
 * takes a while. It looks once a tick whether a check is due (checks'
 * clock); the outcome is stored with the system clock's time.
 */
static void *
audit_loop(void *arg)
{
	struct dh_notify *n = arg;
	time_t next = 0;
	struct dh_err err;

	while (!n->stop) {
		dh_err_clear(&err);
		if (check_due(checks_now(n), &next, n->audit_every_s) &&
			check_audit(n->audit_db, dh_time_now(), &err) != 0)
			dh_log_warn("audit check: %s", err.msg);
		nap(n, DH_NOTIFY_TICK_MS / 1000);
	}
	return NULL;
}

static void *
loop(void *arg)
{
	struct dh_notify *n = arg;
	time_t next_overdue = 0;

	while (!n->stop) {
		turn(n, &next_overdue);
		nap(n, DH_NOTIFY_TICK_MS / 1000);
	}
	return NULL;
}

static void
notify_free(struct dh_notify *n)
{
	dh_notify_deliver_free(n->d);
	dh_db_close(n->db);
	dh_db_close(n->audit_db);
	pthread_mutex_destroy(&n->mu);
	pthread_cond_destroy(&n->cv);
	free(n->db_path);
	free(n->plans);
	free(n);
}

int
dh_notify_start(struct dh_notify **out, const struct dh_notify_cfg *c, struct dh_err *err)
{
	struct dh_notify *n = dh_xcalloc(1, sizeof(*n));
	int r;

	n->db_path = dh_xstrdup(c->db_path);
	n->plans = dh_xstrdup(c->plans ? c->plans : "plans");
	n->overdue_every_s =
		c->overdue_every_s > 0 ? c->overdue_every_s : DH_NOTIFY_OVERDUE_EVERY_S;
	n->audit_every_s = c->audit_every_s > 0 ? c->audit_every_s : DH_NOTIFY_AUDIT_EVERY_S;
	n->clock = c->clock;
	n->clock_arg = c->clock_arg;
	pthread_mutex_init(&n->mu, NULL);
	pthread_cond_init(&n->cv, NULL);
	if ((r = dh_db_open(&n->db, n->db_path, err)) != 0 ||
		(r = dh_db_open(&n->audit_db, n->db_path, err)) != 0 ||
		(r = dh_notify_deliver_new(&n->d, &c->cfg->notify, c->cfg->public_url, err)) != 0)
		goto fail;
	if (pthread_create(&n->audit_thread, NULL, audit_loop, n) != 0) {
		r = dh_err_set(err, DH_ESYS, "cannot start the audit check thread");
		goto fail;
	}
	n->audit_started = true;
	if (pthread_create(&n->thread, NULL, loop, n) != 0) {
		dh_notify_stop(n);
		return dh_err_set(err, DH_ESYS, "cannot start the notifier thread");
	}
	n->started = true;
	*out = n;
	return 0;
fail:
	notify_free(n);
	return r;
}

void
dh_notify_stop(struct dh_notify *n)
{
	if (n == NULL)
		return;
	pthread_mutex_lock(&n->mu);
	n->stop = true;
	pthread_cond_broadcast(&n->cv);
	pthread_mutex_unlock(&n->mu);
	if (n->started)
		pthread_join(n->thread, NULL);
	if (n->audit_started)
		pthread_join(n->audit_thread, NULL);
	notify_free(n);
}
