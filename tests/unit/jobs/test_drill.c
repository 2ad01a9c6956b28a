/*
 * The failover drill's phase sequencing (jobs/drill.c) with the world
 * replaced by callbacks: a script of action outcomes and probe answers,
 * a clock that only sleeping moves, and a log of every call and every
 * state saved. Covers: a passing drill in SPEC order with the state
 * saved before each phase; a failing step stops the steps and failback
 * still runs; a health probe that never passes times out within the
 * bound, failback runs; a failing failback says "production left on the
 * standby"; an unreachable agent at preflight touches nothing (error);
 * a missing marker fails on rpo; no markers: rpo_actual null and "not
 * measured"; rto over the target fails; recovery of a drill interrupted
 * after a step runs failback and is aborted, one interrupted before any
 * step runs none, one interrupted after its failback only waits for
 * primary_health.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <cmocka.h>

#include "dh/buf.h"
#include "jobs/drill.h"

/* The fake world. */
struct fake {
	double now;
	time_t wall0;
	char log[4096];           /* "reach app-a;action step app-a fence;..." */
	const char *fail_action;  /* this action exits non-zero */
	const char *unrun_action; /* this action cannot be run */
	const char *unreach_host; /* this agent does not answer */
	int health_passes_after;  /* health probes fail this many rounds; -1 never */
	int health_rounds;
	double step_secs; /* each action takes this long */
	char phases[512]; /* phase names saved, in order */
};

static void
logf_(struct fake *f, const char *fmt, ...)
{
	size_t n = strlen(f->log);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->log + n, sizeof(f->log) - n, fmt, ap);
	va_end(ap);
}

static int
reach(void *ctx, const char *host, char *detail, size_t n)
{
	struct fake *f = ctx;

	logf_(f, "reach %s;", host);
	if (f->unreach_host && strcmp(host, f->unreach_host) == 0) {
		snprintf(detail, n, "connection refused");
		return -1;
	}
	return 0;
}

static enum dh_drill_outcome
action(void *ctx, const struct dh_action_ref *a, const char *marker, double timeout_s, char *detail,
	size_t n)
{
	struct fake *f = ctx;

	(void)timeout_s;
	logf_(f, "%s %s%s%s;", a->host, a->action, marker ? " " : "", marker ? marker : "");
	f->now += f->step_secs;
	snprintf(detail, n, "exit status 0");
	if (f->unrun_action && strcmp(a->action, f->unrun_action) == 0)
		return DH_DRILL_UNRUN;
	if (f->fail_action && strcmp(a->action, f->fail_action) == 0) {
		snprintf(detail, n, "exit status 1");
		return DH_DRILL_FAILED;
	}
	return DH_DRILL_OK;
}

static int
probe(void *ctx, const struct dh_health *h, double timeout_s, char *detail, size_t n)
{
	struct fake *f = ctx;

	(void)timeout_s;
	if (h->kind == DH_HEALTH_TCP && h->port == 5432 && strcmp(h->host, "app-a") == 0)
		return 0; /* primary health */
	logf_(f, "probe;");
	if (f->health_rounds++ < f->health_passes_after || f->health_passes_after < 0) {
		snprintf(detail, n, "tcp %s:%d: connection refused", h->host, h->port);
		return -1;
	}
	return 0;
}

static double
clk(void *ctx)
{
	return ((struct fake *)ctx)->now;
}

static time_t
wall(void *ctx)
{
	struct fake *f = ctx;

	return f->wall0 + (time_t)f->now;
}

static void
sleep_(void *ctx, double s)
{
	((struct fake *)ctx)->now += s;
}

static int
save(void *ctx, const struct dh_drill_state *st, const struct dh_record *rec)
{
	struct fake *f = ctx;
	size_t n = strlen(f->phases);

	(void)rec;
	snprintf(f->phases + n, sizeof(f->phases) - n, "%s%s:%zu", n ? "," : "",
		dh_drill_phase_name(st->phase), st->steps_run);
	return 0;
}

static struct dh_action_ref steps[] = { { "app-a", "fence", 1 }, { "app-b", "promote", 2 } };
static struct dh_action_ref backs[] = { { "app-a", "rejoin", 3 }, { "app-b", "stop", 4 },
	{ "app-a", "promote", 5 } };
static struct dh_health standby_health[] = { { DH_HEALTH_TCP, "app-b", 5432, NULL, NULL, 6 } };
static struct dh_health primary_health[] = { { DH_HEALTH_TCP, "app-a", 5432, NULL, NULL, 7 } };

static void
make_system(struct dh_system *s, bool markers)
{
	memset(s, 0, sizeof(*s));
	s->id = "sql";
	s->eff_rto_s = 120;
	s->failover.present = true;
	s->failover.primary = "app-a";
	s->failover.standby = "app-b";
	s->failover.steps = steps;
	s->failover.nsteps = 2;
	s->failover.failbacks = backs;
	s->failover.nfailbacks = 3;
	s->failover.health = standby_health;
	s->failover.nhealth = 1;
	s->failover.primary_health = primary_health;
	s->failover.nprimary_health = 1;
	s->failover.timeout_s = 30;
	if (markers) {
		s->failover.marker_write = (struct dh_action_ref){ "app-a", "write-marker", 8 };
		s->failover.marker_check = (struct dh_action_ref){ "app-b", "check-marker", 9 };
	}
}

static struct dh_drill_ops
ops_of(struct fake *f)
{
	return (struct dh_drill_ops){ f, reach, action, probe, clk, wall, sleep_, save };
}

static const struct dh_check *
find(const struct dh_record *r, const char *name)
{
	for (size_t i = 0; i < r->nchecks; i++)
		if (strcmp(r->checks[i].name, name) == 0)
			return &r->checks[i];
	return NULL;
}

static struct dh_record *
drill(struct fake *f, bool markers)
{
	struct dh_system s;
	struct dh_drill_ops ops = ops_of(f);
	struct dh_record *r = dh_record_new();

	make_system(&s, markers);
	f->wall0 = 1795000000;
	dh_drill_run(&s, &ops, "m-1", r);
	return r;
}

static void
test_passing_drill(void **state)
{
	struct fake f = { .health_passes_after = 2, .step_secs = 0.5 };
	struct dh_record *r = drill(&f, true);

	(void)state;
	assert_string_equal(f.log,
		"reach app-a;reach app-b;app-a write-marker m-1;app-a fence;"
		"app-b promote;probe;probe;probe;app-b check-marker m-1;"
		"app-a rejoin;app-b stop;app-a promote;");
	assert_string_equal(f.phases,
		"preflight:0,marker_write:0,steps:1,steps:2,health:2,"
		"marker_check:2,failback:2,primary_health:2,done:2");
	assert_int_equal(r->verdict, DH_VERDICT_PASSED);
	assert_int_equal(r->rpo_actual_s, 0);
	/* first step at 0.5 s; steps take 1 s, then 2 polls 1 s apart */
	assert_int_equal(r->rto_actual_s, 3);
	assert_int_equal(find(r, "rpo")->verdict, DH_VERDICT_PASSED);
	assert_int_equal(find(r, "rto")->verdict, DH_VERDICT_PASSED);
	assert_non_null(strstr(find(r, "step app-b promote")->detail, "started 2026-"));
	assert_false(dh_drill_left_on_standby(r));
	dh_record_free(r);
}

static void
test_failing_step_stops_and_fails_back(void **state)
{
	struct fake f = { .fail_action = "fence", .health_passes_after = 0 };
	struct dh_record *r = drill(&f, true);

	(void)state;
	assert_string_equal(f.log,
		"reach app-a;reach app-b;app-a write-marker m-1;app-a fence;"
		"app-a rejoin;app-b stop;app-a promote;");
	assert_int_equal(r->verdict, DH_VERDICT_FAILED);
	assert_int_equal(find(r, "step app-a fence")->verdict, DH_VERDICT_FAILED);
	assert_null(find(r, "step app-b promote"));
	assert_null(find(r, "health"));
	assert_int_equal(r->rto_actual_s, -1);
	dh_record_free(r);
}

static void
test_health_timeout_bounded(void **state)
{
	struct fake f = { .health_passes_after = -1 };
	struct dh_record *r = drill(&f, false);
	const struct dh_check *h;

	(void)state;
	assert_int_equal(r->verdict, DH_VERDICT_FAILED);
	h = find(r, "health");
	assert_int_equal(h->verdict, DH_VERDICT_FAILED);
	assert_non_null(strstr(h->detail, "timeout"));
	assert_non_null(strstr(h->detail, "connection refused"));
	/* polled once a second within the 30 s timeout, then failback */
	assert_true(f.now <= 30.0 + 1e-9);
	assert_true(f.health_rounds >= 29 && f.health_rounds <= 31);
	assert_non_null(strstr(f.log, "app-a rejoin;app-b stop;app-a promote;"));
	dh_record_free(r);
}

static void
test_failback_fails_left_on_standby(void **state)
{
	struct fake f = { .fail_action = "stop", .health_passes_after = 0 };
	struct dh_record *r = drill(&f, true);

	(void)state;
	assert_int_equal(r->verdict, DH_VERDICT_FAILED);
	assert_true(dh_drill_left_on_standby(r));
	assert_non_null(strstr(find(r, "production")->detail, DH_DRILL_LEFT_ON_STANDBY));
	/* failback stops at the first that fails */
	assert_null(strstr(f.log, "app-a promote;"));
	assert_null(find(r, "primary_health"));
	dh_record_free(r);
}

static void
test_unreachable_touches_nothing(void **state)
{
	struct fake f = { .unreach_host = "app-b", .health_passes_after = 0 };
	struct dh_record *r = drill(&f, true);

	(void)state;
	assert_string_equal(f.log, "reach app-a;reach app-b;");
	assert_int_equal(r->verdict, DH_VERDICT_ERROR);
	assert_non_null(strstr(find(r, "preflight")->detail, "app-b does not answer"));
	assert_non_null(r->error);
	dh_record_free(r);
}

static void
test_marker_missing_fails_rpo(void **state)
{
	struct fake f = { .fail_action = "check-marker", .health_passes_after = 0 };
	struct dh_record *r = drill(&f, true);

	(void)state;
	assert_int_equal(r->verdict, DH_VERDICT_FAILED);
	assert_int_equal(find(r, "rpo")->verdict, DH_VERDICT_FAILED);
	assert_non_null(strstr(find(r, "rpo")->detail, "data loss"));
	assert_int_equal(r->rpo_actual_s, -1);
	assert_non_null(strstr(f.log, "app-a rejoin;"));
	dh_record_free(r);
}

static void
test_no_markers_not_measured(void **state)
{
	struct fake f = { .health_passes_after = 0 };
	struct dh_record *r = drill(&f, false);

	(void)state;
	assert_int_equal(r->verdict, DH_VERDICT_PASSED);
	assert_int_equal(r->rpo_actual_s, -1);
	assert_non_null(strstr(find(r, "rpo")->detail, "data loss was not measured"));
	assert_null(strstr(f.log, "marker"));
	dh_record_free(r);
}

static void
test_rto_over_target_fails(void **state)
{
	struct fake f = { .health_passes_after = 0, .step_secs = 70, .wall0 = 1795000000 };
	struct dh_system s;
	struct dh_drill_ops ops = ops_of(&f);
	struct dh_record *r = dh_record_new();

	(void)state;
	make_system(&s, false);
	s.failover.timeout_s = 600;
	dh_drill_run(&s, &ops, NULL, r);
	/* two steps of 70 s: healthy 140 s after the first step, target 120 s */
	assert_int_equal(r->rto_actual_s, 140);
	assert_int_equal(find(r, "health")->verdict, DH_VERDICT_PASSED);
	assert_int_equal(find(r, "rto")->verdict, DH_VERDICT_FAILED);
	assert_int_equal(r->verdict, DH_VERDICT_FAILED);
	dh_record_free(r);
}

static void
test_recover_after_failback(void **state)
{
	struct fake f = { .health_passes_after = 0 };
	struct dh_system s;
	struct dh_drill_ops ops = ops_of(&f);
	struct dh_drill_state st = { DH_DRILL_PRIMARY_HEALTH, 2 };
	struct dh_record *r = dh_record_new();

	(void)state;
	make_system(&s, true);
	dh_drill_recover(&s, &ops, &st, r);
	/* the failback had run to its end: only primary_health is waited for */
	assert_string_equal(f.log, "");
	assert_int_equal(find(r, "primary_health")->verdict, DH_VERDICT_PASSED);
	assert_int_equal(r->verdict, DH_VERDICT_ABORTED);
	dh_record_free(r);
}

static void
test_recover_after_step(void **state)
{
	struct fake f = { .health_passes_after = 0 };
	struct dh_system s;
	struct dh_drill_ops ops = ops_of(&f);
	struct dh_drill_state st = { DH_DRILL_STEPS, 2 };
	struct dh_record *r = dh_record_new();

	(void)state;
	make_system(&s, true);
	dh_drill_recover(&s, &ops, &st, r);
	assert_string_equal(f.log, "app-a rejoin;app-b stop;app-a promote;");
	assert_int_equal(r->verdict, DH_VERDICT_ABORTED);
	assert_non_null(strstr(find(r, "interrupted")->detail, "during phase steps"));
	assert_int_equal(find(r, "primary_health")->verdict, DH_VERDICT_PASSED);
	dh_record_free(r);
}

static void
test_recover_before_step(void **state)
{
	struct fake f = { .health_passes_after = 0 };
	struct dh_system s;
	struct dh_drill_ops ops = ops_of(&f);
	struct dh_drill_state st = { DH_DRILL_MARKER_WRITE, 0 };
	struct dh_record *r = dh_record_new();

	(void)state;
	make_system(&s, true);
	dh_drill_recover(&s, &ops, &st, r);
	assert_string_equal(f.log, "");
	assert_int_equal(r->verdict, DH_VERDICT_ABORTED);
	assert_non_null(strstr(find(r, "interrupted")->detail, "nothing was touched"));
	dh_record_free(r);
}

static void
test_phase_names(void **state)
{
	(void)state;
	for (int i = DH_DRILL_PREFLIGHT; i <= DH_DRILL_DONE; i++)
		assert_int_equal(dh_drill_phase_parse(dh_drill_phase_name((enum dh_drill_phase)i)),
			i);
	assert_int_equal(dh_drill_phase_parse("bogus"), -1);
	assert_null(dh_drill_phase_name((enum dh_drill_phase)99));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passing_drill),
		cmocka_unit_test(test_failing_step_stops_and_fails_back),
		cmocka_unit_test(test_health_timeout_bounded),
		cmocka_unit_test(test_failback_fails_left_on_standby),
		cmocka_unit_test(test_unreachable_touches_nothing),
		cmocka_unit_test(test_marker_missing_fails_rpo),
		cmocka_unit_test(test_no_markers_not_measured),
		cmocka_unit_test(test_rto_over_target_fails),
		cmocka_unit_test(test_recover_after_step),
		cmocka_unit_test(test_recover_after_failback),
		cmocka_unit_test(test_recover_before_step),
		cmocka_unit_test(test_phase_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
