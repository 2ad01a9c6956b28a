/*
 * The failover drill's phases (SPEC "Failover drill"), as pure sequencing:
 * preflight, marker write, steps, health polling, marker check, failback,
 * primary health. Everything that touches the world comes in through
 * struct dh_drill_ops (reaching an agent, running an action, a probe, the
 * clock, sleeping, storing the drill's state), so the order of phases and
 * the verdict are tested with callbacks (tests/unit/jobs/test_drill.c) and
 * run for real by jobs/drill_run.c (SSH action jobs, tcp and https probes,
 * the store).
 *
 * Each phase is a check in the record ("preflight", "marker_write",
 * "step HOST ACTION", "health", "marker_check", "rpo", "rto",
 * "failback HOST ACTION", "primary_health"); its detail starts with the
 * phase's start (UTC) and duration. The state is saved before each phase
 * runs, so a controller killed mid-drill knows whether a step ran and
 * what it must undo (dh_drill_recover).
 */
#ifndef DH_JOBS_DRILL_H
#define DH_JOBS_DRILL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dh/proto.h"
#include "plan/plan.h"

#define DH_DRILL_DETAIL_MAX 512
#define DH_DRILL_POLL_S 1.0 /* SPEC: health is polled once a second */
#define DH_DRILL_LEFT_ON_STANDBY "production left on the standby"

enum dh_drill_phase {
	DH_DRILL_PREFLIGHT,
	DH_DRILL_MARKER_WRITE,
	DH_DRILL_STEPS,
	DH_DRILL_HEALTH,
	DH_DRILL_MARKER_CHECK,
	DH_DRILL_FAILBACK,
	DH_DRILL_PRIMARY_HEALTH,
	DH_DRILL_DONE,
};

/* "preflight", "marker_write", ... "done"; NULL when out of range. */
const char *dh_drill_phase_name(enum dh_drill_phase ph);
/* The phase of a name, or -1. */
int dh_drill_phase_parse(const char *s);

/* What an action did: it exited 0, ran and failed, or could not be run. */
enum dh_drill_outcome { DH_DRILL_OK = 0, DH_DRILL_FAILED = 1, DH_DRILL_UNRUN = 2 };

/* A drill's progress, saved before each phase. */
struct dh_drill_state {
	enum dh_drill_phase phase;
	size_t steps_run; /* steps started (a started step may have changed things) */
};

/*
 * The world, for one drill. Every callback gets ctx; detail (n bytes) is
 * filled with words for the record. Times are seconds.
 */
struct dh_drill_ops {
	void *ctx;
	/* Does host's agent answer? 0 yes, else no (detail says why). */
	int (*reach)(void *ctx, const char *host, char *detail, size_t n);
	/* Run a (marker or NULL), waiting at most timeout_s: an outcome. */
	enum dh_drill_outcome (*action)(void *ctx, const struct dh_action_ref *a,
		const char *marker, double timeout_s, char *detail, size_t n);
	/* One probe, bounded by timeout_s: 0 passes, else fails. */
	int (*probe)(void *ctx, const struct dh_health *h, double timeout_s, char *detail,
		size_t n);
	double (*clock)(void *ctx); /* monotonic */
	time_t (*wall)(void *ctx);  /* UTC, for the record */
	void (*sleep)(void *ctx, double s);
	/* Store st and the record so far before the phase runs; non-zero: the
	 * drill cannot keep its state, so it starts nothing more. */
	int (*save)(void *ctx, const struct dh_drill_state *st, const struct dh_record *rec);
};

/*
 * Run the drill of s (its [failover]; s->eff_rto_s is the target) into
 * rec, which the caller made (id, system, kind set by the caller): checks,
 * verdict, started_at, finished_at, rto and rpo figures, `error` when it
 * is an error. marker: a fresh marker when s has markers, else ignored.
 * Verdict: error when nothing could be carried out (preflight, or a
 * marker write that could not run) and nothing was touched; passed when
 * every phase passed and rto_actual <= rto; failed otherwise.
 */
void dh_drill_run(const struct dh_system *s, const struct dh_drill_ops *ops, const char *marker,
	struct dh_record *rec);

/*
 * Finish a drill a killed controller left at st (rec: the record as last
 * saved, checks so far): failback when a step had run, then
 * primary_health, and the verdict `aborted` with a check "interrupted"
 * saying in which phase it stopped.
 */
void dh_drill_recover(const struct dh_system *s, const struct dh_drill_ops *ops,
	const struct dh_drill_state *st, struct dh_record *rec);

/* True when rec says a failback failed (production left on the standby). */
bool dh_drill_left_on_standby(const struct dh_record *rec);

#endif
