/*
 * The compliance rules of SPEC "Compliance" (eval/compliance.h): one
 * function per rule, each adding its reasons in the spec's words. Pure:
 * everything it knows arrives as arguments, including the time.
 */
#include "eval/compliance.h"

#include <stdarg.h>
#include <stdio.h>

static const char *const kind_words[DH_COMPLIANCE_KINDS] = {
	[DH_JOB_RESTORE] = "restore test",
	[DH_JOB_FAILOVER] = "failover drill",
};

void
dh_compliance_req_from_plan(struct dh_compliance_req *out, const struct dh_plan *p,
	const struct dh_system *s, bool plan_errors)
{
	*out = (struct dh_compliance_req){
		.level = s->level,
		.failover_required_from = p->policy.failover_required_from,
		.has_restore = s->restore.present,
		.has_failover = s->failover.present,
		.every_s = { [DH_JOB_RESTORE] = s->eff_restore_every_s,
			[DH_JOB_FAILOVER] = s->eff_failover_every_s },
		.plan_errors = plan_errors,
	};
}

void
dh_compliance_tests_init(struct dh_compliance_tests *t)
{
	*t = (struct dh_compliance_tests){ 0 };
}

void
dh_compliance_tests_add_action(struct dh_compliance_tests *t, const struct dh_action *a, time_t now)
{
	if (!dh_action_is_open(a, now))
		return;
	if (t->open_action == NULL || a->opened_at < t->open_action->opened_at)
		t->open_action = a;
}

time_t
dh_compliance_started(const struct dh_record *r)
{
	return r->started_at ? r->started_at : r->finished_at;
}

static bool
newer(const struct dh_record *r, const struct dh_record *than)
{
	return than == NULL || dh_compliance_started(r) > dh_compliance_started(than);
}

void
dh_compliance_tests_add(struct dh_compliance_tests *t, const struct dh_record *r, time_t now)
{
	time_t known = r->finished_at ? r->finished_at : r->started_at;

	if (known > now)
		return;
	if (newer(r, t->last))
		t->last = r;
	if (r->verdict != DH_VERDICT_PASSED && r->verdict != DH_VERDICT_FAILED)
		return;
	if (newer(r, t->last_evidence))
		t->last_evidence = r;
	if (r->verdict == DH_VERDICT_PASSED && newer(r, t->last_passed))
		t->last_passed = r;
}

static void
fmt_date(time_t t, char *out, size_t n)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%d", &tm);
}

static void add_reason(struct dh_compliance *c, int kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
add_reason(struct dh_compliance *c, int kind, const char *fmt, ...)
{
	va_list ap;

	if (kind >= 0)
		c->kind[kind].ok = false;
	if (c->nreasons >= DH_COMPLIANCE_REASONS_MAX)
		return;
	c->reasons[c->nreasons].kind = kind;
	va_start(ap, fmt);
	vsnprintf(c->reasons[c->nreasons].text, sizeof(c->reasons[0].text), fmt, ap);
	va_end(ap);
	c->nreasons++;
}

/* When the next test is due: the last pass + interval; never passed or plan changed: now. */
static void
due_date(struct dh_compliance_due *d, const struct dh_compliance_tests *t, int64_t every,
	time_t now)
{
	d->has_due = true;
	if (t->last_passed == NULL) {
		d->due_at = now;
	} else if (every >= 0) {
		d->due_at = dh_compliance_started(t->last_passed) + (time_t)every;
		if (t->plan_changed && d->due_at > now)
			d->due_at = now;
	} else if (t->plan_changed) {
		d->due_at = now;
	} else {
		d->has_due = false; /* interval never: one pass is enough */
	}
	d->due = d->has_due && d->due_at <= now;
	d->overdue = d->has_due && d->due_at < now;
}

/* "its last restore test passed and is not overdue" (or drill). */
static void
rule_last_test(struct dh_compliance *c, int kind, const struct dh_compliance_req *req,
	const struct dh_compliance_tests *t, time_t now)
{
	struct dh_compliance_due *d = &c->kind[kind];
	const char *what = kind_words[kind];
	char day[16];

	d->required = true;
	due_date(d, t, req->every_s[kind], now);
	if (t->last_evidence == NULL) {
		add_reason(c, kind, "no %s ever%s", what,
			kind == DH_JOB_RESTORE && !req->has_restore
				? ": the system has no [restore]"
				: "");
		return;
	}
	if (t->last_evidence->verdict != DH_VERDICT_PASSED) {
		fmt_date(dh_compliance_started(t->last_evidence), day, sizeof(day));
		add_reason(c, kind, "last %s failed on %s", what, day);
	}
	if (d->overdue && t->last_passed != NULL) {
		fmt_date(d->due_at, day, sizeof(day));
		add_reason(c, kind, "%s overdue since %s", what, day);
	}
	if (t->plan_changed && t->last_passed != NULL) {
		fmt_date(dh_compliance_started(t->last_passed), day, sizeof(day));
		add_reason(c, kind, "plan changed since the last %s on %s", what, day);
	}
}

/* "if its T-level >= failover_required_from, it has [failover]". */
static void
rule_failover_required(struct dh_compliance *c, const struct dh_compliance_req *req)
{
	if (req->has_failover || req->level < 0 || req->failover_required_from < 0 ||
		req->level < req->failover_required_from)
		return;
	add_reason(c, DH_JOB_FAILOVER, "no [failover], which T-level %d requires", req->level);
}

/* "no corrective action of it is past its due date". */
static void
rule_action(struct dh_compliance *c, int kind, const struct dh_compliance_tests *t, time_t now)
{
	const struct dh_action *a = t->open_action;
	char day[16], opened[16];

	if (a == NULL || !dh_action_is_past_due(a, now))
		return;
	fmt_date(a->due_at, day, sizeof(day));
	fmt_date(a->opened_at, opened, sizeof(opened));
	add_reason(c, kind, "corrective action %lld (%s, opened %s) past its due date since %s",
		(long long)a->id, kind_words[kind], opened, day);
}

void
dh_compliance_eval(struct dh_compliance *out, const struct dh_compliance_req *req,
	const struct dh_compliance_tests tests[DH_COMPLIANCE_KINDS], time_t now)
{
	*out = (struct dh_compliance){ 0 };
	for (int k = 0; k < DH_COMPLIANCE_KINDS; k++)
		out->kind[k].ok = true;
	if (req->plan_errors)
		add_reason(out, -1, "the plan has errors (see drillhall check)");
	rule_last_test(out, DH_JOB_RESTORE, req, &tests[DH_JOB_RESTORE], now);
	if (req->has_failover)
		rule_last_test(out, DH_JOB_FAILOVER, req, &tests[DH_JOB_FAILOVER], now);
	rule_failover_required(out, req);
	for (int k = 0; k < DH_COMPLIANCE_KINDS; k++)
		rule_action(out, k, &tests[k], now);
	out->compliant = out->nreasons == 0;
}
