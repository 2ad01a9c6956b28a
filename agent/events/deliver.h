/*
 * Delivering the spool (SPEC "Events to the controller"): send every
 * pending event in order with report.c, remove it after a 2xx, keep it as
 * `.rejected` after a permanent refusal, and leave it for later after a
 * network error or 5xx; repeat with exponential backoff and jitter for a
 * bounded time. Used by `drillhall-agent flush` (one pass by default) and
 * by `run` (before accepting a job, after each event, and with backoff
 * after the last).
 */
#ifndef DH_DELIVER_H
#define DH_DELIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dh/err.h"
#include "events/report.h"

#define DH_DELIVER_BUDGET_MS (5 * 60 * 1000) /* default retry time in run */
#define DH_DELIVER_FIRST_DELAY_MS 1000
#define DH_DELIVER_MAX_DELAY_MS (60 * 1000)

struct dh_deliver_opts {
	int64_t budget_ms;      /* total time to keep retrying; 0 = one pass */
	int64_t first_delay_ms; /* first backoff; <= 0 = default */
	int64_t max_delay_ms;   /* backoff cap; <= 0 = default */
	FILE *log;              /* one line per refusal / retry; NULL = quiet */
	bool nowait;            /* a pass skips (busy) when another process sends */
};

struct dh_deliver_stats {
	size_t delivered; /* 2xx, removed */
	size_t rejected;  /* kept as .rejected */
	size_t pending;   /* still waiting after the last pass */
	size_t orphaned;  /* events whose job state is missing: cannot be sent */
	size_t passes;
	bool busy; /* the last pass was skipped: another process is sending */
};

/*
 * One pass over the spool dir under its lock. Returns 0 when the pass
 * ran (see st for what happened), a negative DH_E code when the spool
 * cannot be read. st is added to, not reset.
 */
int dh_deliver_pass(const char *dir, struct dh_report *rep, const struct dh_deliver_opts *o,
	struct dh_deliver_stats *st, struct dh_err *err);

/*
 * Passes until nothing is pending or o->budget_ms has passed, sleeping
 * with full-jitter exponential backoff between them. 0 when nothing
 * (sendable) is pending at the end; DH_ETIMEOUT when events remain.
 * st is reset first.
 */
int dh_deliver_run(const char *dir, struct dh_report *rep, const struct dh_deliver_opts *o,
	struct dh_deliver_stats *st, struct dh_err *err);

/* The backoff delay before retry number n (0-based), jittered into [d/2, d]. */
int64_t dh_deliver_backoff_ms(const struct dh_deliver_opts *o, unsigned n);

#endif
