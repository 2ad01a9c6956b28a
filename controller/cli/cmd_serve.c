/*
 * `drillhall serve` (cli/cmd_serve.h): opens the store, starts the
 * event endpoint's writer and the HTTP(S) listener on the configured
 * `listen` address, notes in the database that it holds that address,
 * and runs until SIGINT or SIGTERM. A `run` started
 * while serve holds the address stores its job in the same database and
 * waits there for the verdict that this listener stores. Its lines go
 * through the log as "drillhall serve: ...", to stderr or, with --syslog,
 * to syslog. Before it listens it finishes the failover drills a killed
 * controller left unfinished (their failback, cli/cmd_run.h). Once it
 * listens it starts the notifier (notify/notify.h), which delivers the
 * outbox, and the scheduler (sched/sched.h), and stops them before the
 * listener (/metrics is one of its routes, http/metrics.h). `--now` is
 * refused: the scheduler's clock is injected only through sched/clock.h's
 * clock file, which is logged loudly.
 */
#include "cli/cmd_serve.h"

#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "cli/ctlopt.h"
#include "cli/cmd_run.h"
#include "dh/log.h"
#include "dh/timefmt.h"
#include "http/pages.h"
#include "http/receiver.h"
#include "notify/notify.h"
#include "plan/plan.h"
#include "sched/clock.h"
#include "sched/sched.h"

/*
 * The notifier's clock for its periodic checks: the scheduler's (sched/clock.h),
 * so a test that injects a clock sees tests become overdue and the audit
 * check run on that clock; arg is the clock file. When the file cannot be
 * read, the system clock (the scheduler logs the file's fault).
 */
static time_t
checks_clock(void *arg)
{
	struct dh_err err;
	time_t t;

	dh_err_clear(&err);
	return dh_sched_clock_now(arg, &t, &err) == 0 ? t : dh_time_now();
}

/* Start the scheduler on the plan (loaded and checked here); DH_EXIT_USAGE when it cannot start. */
static int
start_sched(const struct dh_ctlopt *o, struct dh_receiver *rv, struct dh_plan **p,
	struct dh_sched **out)
{
	struct dh_sched_cfg sc = { .db_path = o->db,
		.max_jobs = o->cfg.max_jobs > 0 ? o->cfg.max_jobs : DH_CONFIG_MAX_JOBS_DEFAULT,
		.events_via = dh_receiver_where(rv),
		.clock_file = dh_sched_clock_file() };
	struct dh_err err;

	dh_err_clear(&err);
	/* Without a plan that checks there is nothing to schedule, but the
	 * agents' events still need their receiver: serve goes on without. */
	if (dh_cli_open_plan("serve", o->plans, o->now, true, p) != DH_EXIT_OK) {
		dh_log_error("scheduler not started: the plans in %s do not load or check "
			     "(see drillhall check); serving events only",
			o->plans);
		return DH_EXIT_OK;
	}
	sc.plan = *p;
	if (sc.clock_file != NULL)
		dh_log_warn("THE SCHEDULER'S CLOCK IS INJECTED from %s (%s, for tests only): "
			    "scheduled tests follow that file, not the system clock",
			sc.clock_file, DH_SCHED_CLOCK_ENV);
	if (dh_sched_start(out, &sc, &err) != 0) {
		dh_log_error("%s", err.msg);
		return DH_EXIT_USAGE;
	}
	dh_log_info("scheduler: %zu systems, at most %d jobs at once, timezone %s", (*p)->nsystems,
		sc.max_jobs, (*p)->policy.timezone ? (*p)->policy.timezone : "UTC");
	return DH_EXIT_OK;
}

/* The parts serve runs, started in this order and stopped in reverse. */
struct serve_parts {
	struct dh_pages *pages;
	struct dh_receiver *rv;
	struct dh_notify *nt;
	struct dh_plan *plan;
	struct dh_sched *sched;
};

/* Start the web pages, the listener, the notifier and the scheduler; DH_EXIT_OK or DH_EXIT_USAGE.
 */
static int
start_parts(struct dh_ctlopt *o, struct serve_parts *sp)
{
	struct dh_pages_cfg pcfg = { .config = &o->cfg,
		.plans = o->plans,
		.db_path = o->db,
		.events_via = o->listen,
		.secure = o->tls_cert != NULL };
	struct dh_receiver_cfg rcfg = { .db_path = o->db,
		.listen = o->listen,
		.tls_cert = o->tls_cert,
		.tls_key = o->tls_key,
		.mode = DH_RECEIVER_SERVE,
		.plans = o->plans,
		.metrics_token_file = o->cfg.metrics_token_file,
		.quiet = o->quiet };
	struct dh_notify_cfg ncfg = { .db_path = o->db,
		.plans = o->plans,
		.cfg = &o->cfg,
		.clock = checks_clock,
		.clock_arg = (void *)dh_sched_clock_file() };
	struct dh_err err;

	dh_err_clear(&err);
	if (dh_pages_new(&sp->pages, &pcfg, &err) != 0) {
		dh_log_error("%s", err.msg);
		return DH_EXIT_USAGE;
	}
	rcfg.routes = dh_pages_routes(sp->pages, &rcfg.nroutes);
	rcfg.guard = dh_pages_guard;
	rcfg.guard_user = sp->pages;
	if (dh_receiver_start(&sp->rv, &rcfg, &err) != 0) {
		dh_log_error("%s", err.msg);
		return DH_EXIT_USAGE;
	}
	if (dh_notify_start(&sp->nt, &ncfg, &err) != 0) {
		dh_log_error("notifications: %s", err.msg);
		return DH_EXIT_USAGE;
	}
	dh_log_info("listening on %s (port %u, %s), database %s", o->listen,
		dh_receiver_port(sp->rv), o->tls_cert ? "https" : "http", o->db);
	return start_sched(o, sp->rv, &sp->plan, &sp->sched);
}

/* Stop what start_parts started, in reverse; st (may be NULL) gets the receiver's counts. */
static void
stop_parts(struct serve_parts *sp, struct dh_events_stats *st)
{
	dh_sched_stop(sp->sched);
	dh_notify_stop(sp->nt);
	dh_receiver_stop(sp->rv, st);
	dh_plan_free(sp->plan);
	dh_pages_free(sp->pages);
	memset(sp, 0, sizeof(*sp));
}

/* Serve until SIGINT/SIGTERM; returns the exit code. */
int
dh_cmd_serve(struct dh_ctlopt *o)
{
	struct serve_parts sp = { 0 };
	struct dh_events_stats st;
	sigset_t set;
	int sig, rc = DH_EXIT_USAGE;

	/* Signals go to sigwait below, not to libmicrohttpd's threads. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	/*
	 * A long-running process whose threads each build megabytes per
	 * request (a /metrics scrape or the / page of 2,000 systems): glibc
	 * would give each thread its own arena and raise its mmap threshold
	 * after the first large free, keeping the freed buffers resident.
	 * Two arenas and a fixed threshold hand them back: VmHWM on
	 * tests/bench/bench_metrics.sh's store fell from 73 to 38 MiB.
	 */
	mallopt(M_ARENA_MAX, 2);
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	/* the daemon's lines, its own and its libraries', say who wrote them */
	dh_log_open("drillhall serve", o->use_syslog ? DH_LOG_SYSLOG : DH_LOG_STDERR, DH_LOG_INFO);
	if (o->now != o->clock_now) {
		dh_log_error("--now is refused: serve runs tests at the real time "
			     "(tests of the scheduler inject a clock file in %s)",
			DH_SCHED_CLOCK_ENV);
		return rc;
	}
	if (dh_cmd_run_recover(o, "serve") != DH_EXIT_OK || start_parts(o, &sp) != DH_EXIT_OK) {
		stop_parts(&sp, NULL);
		return rc;
	}
	sigwait(&set, &sig);
	stop_parts(&sp, &st);
	dh_log_info("stopping on signal %d: %llu events stored, "
		    "%llu duplicates, %llu rejected, %llu commits",
		sig, st.stored, st.duplicates, st.rejected, st.commits);
	return DH_EXIT_OK;
}
