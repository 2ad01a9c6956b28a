/*
 * `drillhall serve` (cli/cmd_serve.h): opens the store, starts the
 * event endpoint's writer and the HTTP(S) listener on the configured
 * `listen` address, notes in the database that it holds that address,
 * and runs until SIGINT or SIGTERM. A `run` started
 * while serve holds the address stores its job in the same database and
 * waits there for the verdict that this listener stores. Its lines go
 * through the log as "drillhall serve: ...", to stderr or, with --syslog,
 * to syslog. Before it listens it finishes the failover drills a killed
 * controller left unfinished (their failback, cli/cmd_run.h). The
 * scheduler joins here in a later issue.
 */
#include "cli/cmd_serve.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "cli/ctlopt.h"
#include "cli/cmd_run.h"
#include "dh/log.h"
#include "http/pages.h"
#include "http/receiver.h"

/* Serve until SIGINT/SIGTERM; returns the exit code. */
int
dh_cmd_serve(struct dh_ctlopt *o)
{
	struct dh_receiver *rv = NULL;
	struct dh_pages *pages = NULL;
	struct dh_pages_cfg pcfg = { .config = &o->cfg,
		.plans = o->plans,
		.db_path = o->db,
		.events_via = o->listen,
		.secure = o->tls_cert != NULL };
	struct dh_events_stats st;
	struct dh_receiver_cfg rcfg = { .db_path = o->db,
		.listen = o->listen,
		.tls_cert = o->tls_cert,
		.tls_key = o->tls_key,
		.mode = DH_RECEIVER_SERVE,
		.quiet = o->quiet };
	struct dh_err err;
	sigset_t set;
	int sig, rc = DH_EXIT_USAGE;

	/* Signals go to sigwait below, not to libmicrohttpd's threads. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	dh_err_clear(&err);
	/* the daemon's lines, its own and its libraries', say who wrote them */
	dh_log_open("drillhall serve", o->use_syslog ? DH_LOG_SYSLOG : DH_LOG_STDERR, DH_LOG_INFO);
	if (dh_cmd_run_recover(o, "serve") != DH_EXIT_OK)
		goto out;
	if (dh_pages_new(&pages, &pcfg, &err) != 0) {
		dh_log_error("%s", err.msg);
		goto out;
	}
	rcfg.routes = dh_pages_routes(pages, &rcfg.nroutes);
	rcfg.guard = dh_pages_guard;
	rcfg.guard_user = pages;
	if (dh_receiver_start(&rv, &rcfg, &err) != 0) {
		dh_log_error("%s", err.msg);
		goto out;
	}
	dh_log_info("listening on %s (port %u, %s), database %s", o->listen, dh_receiver_port(rv),
		o->tls_cert ? "https" : "http", o->db);
	sigwait(&set, &sig);
	dh_receiver_stop(rv, &st);
	rv = NULL;
	dh_log_info("stopping on signal %d: %llu events stored, "
		    "%llu duplicates, %llu rejected, %llu commits",
		sig, st.stored, st.duplicates, st.rejected, st.commits);
	rc = DH_EXIT_OK;
out:
	dh_receiver_stop(rv, NULL);
	dh_pages_free(pages);
	return rc;
}
