/*
 * The failover drill's phases (jobs/drill.h): pure sequencing over
 * struct dh_drill_ops, SPEC "Failover drill" 1-6.
 */
#include "jobs/drill.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dh/buf.h"

static const char *const phase_names[] = {
	[DH_DRILL_PREFLIGHT] = "preflight",
	[DH_DRILL_MARKER_WRITE] = "marker_write",
	[DH_DRILL_STEPS] = "steps",
	[DH_DRILL_HEALTH] = "health",
	[DH_DRILL_MARKER_CHECK] = "marker_check",
	[DH_DRILL_FAILBACK] = "failback",
	[DH_DRILL_PRIMARY_HEALTH] = "primary_health",
	[DH_DRILL_DONE] = "done",
};

const char *
dh_drill_phase_name(enum dh_drill_phase ph)
{
	if ((int)ph < 0 || (size_t)ph >= sizeof(phase_names) / sizeof(phase_names[0]))
		return NULL;
	return phase_names[ph];
}

int
dh_drill_phase_parse(const char *s)
{
	for (size_t i = 0; s != NULL && i < sizeof(phase_names) / sizeof(phase_names[0]); i++)
		if (strcmp(s, phase_names[i]) == 0)
			return (int)i;
	return -1;
}

/* One drill run: the system, the world, the record and the clock marks. */
struct run {
	const struct dh_system *s;
	const struct dh_drill_ops *ops;
	struct dh_record *rec;
	struct dh_drill_state st;
	bool save_failed;
	bool touched_error; /* something could not be run before anything was touched */
};

/* Save the state before phase ph; false when it could not be kept. */
static bool
enter(struct run *r, enum dh_drill_phase ph)
{
	r->st.phase = ph;
	if (r->ops->save(r->ops->ctx, &r->st, r->rec) == 0)
		return true;
	r->save_failed = true;
	return false;
}

/* Add a check whose detail starts with its start and duration. */
static void check(struct run *r, const char *name, enum dh_verdict v, time_t at, double secs,
	const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void
check(struct run *r, const char *name, enum dh_verdict v, time_t at, double secs, const char *fmt,
	...)
{
	char when[32], text[DH_DRILL_DETAIL_MAX];
	struct tm tm;
	va_list ap;

	gmtime_r(&at, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	dh_record_add_check(r->rec, name, v, "started %s, %.1f s: %s", when, secs < 0 ? 0 : secs,
		text);
}

static enum dh_verdict
verdict_of(enum dh_drill_outcome o)
{
	return o == DH_DRILL_OK ? DH_VERDICT_PASSED
				: (o == DH_DRILL_FAILED ? DH_VERDICT_FAILED : DH_VERDICT_ERROR);
}

/* Run one action as check `what HOST ACTION`. */
static enum dh_drill_outcome
run_action(struct run *r, const char *what, const struct dh_action_ref *a, const char *marker)
{
	char name[256], detail[DH_DRILL_DETAIL_MAX];
	time_t at = r->ops->wall(r->ops->ctx);
	double t0 = r->ops->clock(r->ops->ctx);
	enum dh_drill_outcome o;

	detail[0] = '\0';
	o = r->ops->action(r->ops->ctx, a, marker, (double)r->s->failover.timeout_s, detail,
		sizeof(detail));
	snprintf(name, sizeof(name), "%s %s %s", what, a->host, a->action);
	check(r, name, verdict_of(o), at, r->ops->clock(r->ops->ctx) - t0, "%s", detail);
	return o;
}

/* Preflight: both agents answer, every primary_health passes. */
static bool
preflight(struct run *r)
{
	const struct dh_failover *f = &r->s->failover;
	const char *hosts[2] = { f->primary, f->standby };
	char detail[DH_DRILL_DETAIL_MAX];
	time_t at = r->ops->wall(r->ops->ctx);
	double t0 = r->ops->clock(r->ops->ctx);

	for (size_t i = 0; i < 2; i++) {
		detail[0] = '\0';
		if (r->ops->reach(r->ops->ctx, hosts[i], detail, sizeof(detail)) != 0) {
			check(r, "preflight", DH_VERDICT_ERROR, at, r->ops->clock(r->ops->ctx) - t0,
				"the agent on %s does not answer: %s; nothing was touched",
				hosts[i], detail);
			return false;
		}
	}
	for (size_t i = 0; i < f->nprimary_health; i++) {
		detail[0] = '\0';
		if (r->ops->probe(r->ops->ctx, &f->primary_health[i], 10.0, detail,
			    sizeof(detail)) != 0) {
			check(r, "preflight", DH_VERDICT_ERROR, at, r->ops->clock(r->ops->ctx) - t0,
				"production is not healthy before the drill: %s; nothing was "
				"touched",
				detail);
			return false;
		}
	}
	check(r, "preflight", DH_VERDICT_PASSED, at, r->ops->clock(r->ops->ctx) - t0,
		"the agents on %s and %s answer, %zu primary_health probe(s) pass", f->primary,
		f->standby, f->nprimary_health);
	return true;
}

/*
 * Poll probes once a second until all pass or limit_s after t_start.
 * Returns true when all passed (*done_at: the clock then); detail says
 * which probe failed last.
 */
static bool
poll(struct run *r, const struct dh_health *hs, size_t n, double t_start, double limit_s,
	double *done_at, char *detail, size_t dn)
{
	for (;;) {
		double now = r->ops->clock(r->ops->ctx), left = limit_s - (now - t_start);
		size_t i = 0;

		for (; i < n; i++) {
			detail[0] = '\0';
			if (r->ops->probe(r->ops->ctx, &hs[i], left > 1 ? left : 1, detail, dn) !=
				0)
				break;
		}
		now = r->ops->clock(r->ops->ctx);
		if (i == n) {
			*done_at = now;
			return true;
		}
		if (now - t_start + DH_DRILL_POLL_S > limit_s)
			return false;
		r->ops->sleep(r->ops->ctx, DH_DRILL_POLL_S);
	}
}

/* The steps in order; the first that fails stops them. */
static bool
steps(struct run *r, double *t_first)
{
	const struct dh_failover *f = &r->s->failover;

	for (size_t i = 0; i < f->nsteps; i++) {
		r->st.steps_run = i + 1;
		if (!enter(r, DH_DRILL_STEPS))
			return false;
		if (i == 0)
			*t_first = r->ops->clock(r->ops->ctx);
		if (run_action(r, "step", &f->steps[i], NULL) != DH_DRILL_OK)
			return false;
	}
	return true;
}

/* Health until all pass or the timeout (from the first step); rto set. */
static bool
health(struct run *r, double t_first)
{
	const struct dh_failover *f = &r->s->failover;
	char detail[DH_DRILL_DETAIL_MAX];
	time_t at = r->ops->wall(r->ops->ctx);
	double t0 = r->ops->clock(r->ops->ctx), done = 0;

	if (!enter(r, DH_DRILL_HEALTH))
		return false;
	if (!poll(r, f->health, f->nhealth, t_first, (double)f->timeout_s, &done, detail,
		    sizeof(detail))) {
		check(r, "health", DH_VERDICT_FAILED, at, r->ops->clock(r->ops->ctx) - t0,
			"timeout: not every health probe passed within %lld s of the first "
			"step; last: %s",
			(long long)f->timeout_s, detail);
		return false;
	}
	r->rec->rto_actual_s = (int64_t)(done - t_first + 0.5);
	check(r, "health", DH_VERDICT_PASSED, at, done - t0,
		"all %zu health probe(s) pass, %.1f s after the first step", f->nhealth,
		done - t_first);
	return true;
}

/* Marker check and the rpo check it decides. */
static void
marker_check(struct run *r, const char *marker)
{
	enum dh_drill_outcome o;

	if (!enter(r, DH_DRILL_MARKER_CHECK))
		return;
	o = run_action(r, "marker_check", &r->s->failover.marker_check, marker);
	if (o == DH_DRILL_OK) {
		r->rec->rpo_actual_s = 0;
		dh_record_add_check(r->rec, "rpo", DH_VERDICT_PASSED,
			"the marker written before the failover was found on %s: no data lost",
			r->s->failover.marker_check.host);
	} else {
		dh_record_add_check(r->rec, "rpo", DH_VERDICT_FAILED,
			"data loss: the marker written before the failover was %s on %s",
			o == DH_DRILL_FAILED ? "not found" : "not checked",
			r->s->failover.marker_check.host);
	}
}

/*
 * Failback (in order, stopping at the first that fails; skipped when
 * actions is false: it already ran), then primary_health.
 */
static void
failback(struct run *r, bool actions)
{
	const struct dh_failover *f = &r->s->failover;
	char detail[DH_DRILL_DETAIL_MAX];
	time_t at;
	double t0, done = 0;

	if (actions && !enter(r, DH_DRILL_FAILBACK))
		return;
	for (size_t i = 0; actions && i < f->nfailbacks; i++)
		if (run_action(r, "failback", &f->failbacks[i], NULL) != DH_DRILL_OK) {
			dh_record_add_check(r->rec, "production", DH_VERDICT_FAILED,
				"%s: failback %s %s did not succeed, so %s still serves",
				DH_DRILL_LEFT_ON_STANDBY, f->failbacks[i].host,
				f->failbacks[i].action, f->standby);
			return;
		}
	if (f->nprimary_health == 0 || !enter(r, DH_DRILL_PRIMARY_HEALTH))
		return;
	at = r->ops->wall(r->ops->ctx);
	t0 = r->ops->clock(r->ops->ctx);
	if (poll(r, f->primary_health, f->nprimary_health, t0, (double)f->timeout_s, &done, detail,
		    sizeof(detail)))
		check(r, "primary_health", DH_VERDICT_PASSED, at, done - t0,
			"production on %s is healthy again", f->primary);
	else
		check(r, "primary_health", DH_VERDICT_FAILED, at, r->ops->clock(r->ops->ctx) - t0,
			"production on %s is not healthy within %lld s of the failback: %s",
			f->primary, (long long)f->timeout_s, detail);
}

/* The verdict from the checks, and rto against the target. */
static void
judge(struct run *r)
{
	struct dh_record *rec = r->rec;
	bool all = true;

	for (size_t i = 0; i < rec->nchecks; i++)
		if (rec->checks[i].verdict != DH_VERDICT_PASSED)
			all = false;
	if (rec->rto_actual_s >= 0)
		dh_record_add_check(rec, "rto",
			rec->rto_actual_s <= rec->rto_target_s ? DH_VERDICT_PASSED
							       : DH_VERDICT_FAILED,
			"%lld s from the first step to healthy (target %lld s)",
			(long long)rec->rto_actual_s, (long long)rec->rto_target_s);
	if (rec->rto_actual_s > rec->rto_target_s)
		all = false;
	if (r->touched_error || r->save_failed) {
		rec->verdict = r->st.steps_run > 0 ? DH_VERDICT_FAILED : DH_VERDICT_ERROR;
		if (r->save_failed && rec->error == NULL)
			rec->error = dh_xstrdup("the drill's state could not be stored");
	} else
		rec->verdict =
			all && rec->rto_actual_s >= 0 ? DH_VERDICT_PASSED : DH_VERDICT_FAILED;
	if (r->s->failover.marker_write.host == NULL)
		dh_record_add_check(rec, "rpo", DH_VERDICT_PASSED,
			"not measured: the drill has no markers, so data loss was not measured");
}

/* Marker write; false when the drill cannot go on. */
static bool
marker_write(struct run *r, const char *marker)
{
	enum dh_drill_outcome o;

	if (r->s->failover.marker_write.host == NULL)
		return true;
	if (!enter(r, DH_DRILL_MARKER_WRITE))
		return false;
	o = run_action(r, "marker_write", &r->s->failover.marker_write, marker);
	if (o == DH_DRILL_UNRUN)
		r->touched_error = true;
	return o == DH_DRILL_OK;
}

void
dh_drill_run(const struct dh_system *s, const struct dh_drill_ops *ops, const char *marker,
	struct dh_record *rec)
{
	struct run r = { .s = s, .ops = ops, .rec = rec, .st = { DH_DRILL_PREFLIGHT, 0 } };
	double t_first = 0;
	bool ok;

	rec->started_at = ops->wall(ops->ctx);
	rec->rto_target_s = s->eff_rto_s;
	rec->rpo_target_s = 0;
	rec->rpo_actual_s = rec->rto_actual_s = -1;
	if (!enter(&r, DH_DRILL_PREFLIGHT) || !preflight(&r)) {
		r.touched_error = true;
		goto out;
	}
	if (!marker_write(&r, marker))
		goto out;
	ok = steps(&r, &t_first) && health(&r, t_first);
	if (ok && s->failover.marker_check.host != NULL)
		marker_check(&r, marker);
	if (r.st.steps_run > 0)
		failback(&r, true);
out:
	judge(&r);
	if (rec->verdict == DH_VERDICT_ERROR && rec->error == NULL && rec->nchecks > 0)
		rec->error = dh_xstrdup(rec->checks[rec->nchecks - 1].detail);
	rec->finished_at = ops->wall(ops->ctx);
	r.st.phase = DH_DRILL_DONE;
	ops->save(ops->ctx, &r.st, rec);
}

void
dh_drill_recover(const struct dh_system *s, const struct dh_drill_ops *ops,
	const struct dh_drill_state *st, struct dh_record *rec)
{
	struct run r = { .s = s, .ops = ops, .rec = rec, .st = *st };
	const char *ph = dh_drill_phase_name(st->phase);

	dh_record_add_check(rec, "interrupted", DH_VERDICT_ABORTED,
		"the controller stopped during phase %s, after %zu step(s) had started; %s",
		ph ? ph : "?", st->steps_run,
		st->steps_run > 0 ? "failback run when it started again"
				  : "no step had run, so nothing was touched");
	if (st->steps_run > 0 && st->phase < DH_DRILL_DONE)
		failback(&r, st->phase < DH_DRILL_PRIMARY_HEALTH);
	rec->verdict = DH_VERDICT_ABORTED;
	if (rec->error == NULL)
		rec->error = dh_xstrdup("the drill was interrupted: the controller stopped");
	rec->finished_at = ops->wall(ops->ctx);
	r.st.phase = DH_DRILL_DONE;
	ops->save(ops->ctx, &r.st, rec);
}

bool
dh_drill_left_on_standby(const struct dh_record *rec)
{
	for (size_t i = 0; rec != NULL && i < rec->nchecks; i++)
		if (strcmp(rec->checks[i].name, "production") == 0 &&
			rec->checks[i].verdict == DH_VERDICT_FAILED)
			return true;
	return false;
}
