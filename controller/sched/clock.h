/*
 * The scheduler's clock (SPEC "Scheduler": "`--now` on `serve` is
 * refused; tests of the scheduler inject the clock"). Normally the system
 * clock. When the environment names a clock file in DRILLHALL_SCHED_CLOCK,
 * the scheduler's time is read from it at every tick: the file holds an
 * RFC 3339 instant and optionally a speed ("2026-12-05T00:30:00Z x60"),
 * and the time is that instant plus the real time since the file was last
 * written, times the speed. A test rewrites the file to jump ("serve
 * stopped for three days"). `serve` logs loudly when a clock file is in
 * use. Only the scheduler's choices (what is due, which window is open)
 * use this time, and the notifier's periodic checks (when a test became
 * overdue, when the audit chain is checked: cli/cmd_serve.c); records
 * keep the real times the agents report.
 */
#ifndef DH_SCHED_CLOCK_H
#define DH_SCHED_CLOCK_H

#include <time.h>

#include "dh/err.h"

#define DH_SCHED_CLOCK_ENV "DRILLHALL_SCHED_CLOCK"
#define DH_SCHED_CLOCK_SPEED_MAX 1000000.0

/* The clock file named by the environment, or NULL (the system clock). Borrowed from environ. */
const char *dh_sched_clock_file(void);

/*
 * The scheduler's now: the system clock when file is NULL, else from the
 * file as above. 0 with *out set, or DH_EIO / DH_EPARSE with err naming
 * the file and what is wrong (the caller keeps its last time).
 */
int dh_sched_clock_now(const char *file, time_t *out, struct dh_err *err);

#endif
