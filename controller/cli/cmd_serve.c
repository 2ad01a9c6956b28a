/*
 * `drillhall serve` (controller/cmd_serve.h): opens the store, starts the
 * event endpoint's writer and the HTTP(S) listener on the configured
 * `listen` address, notes in the database that it holds that address,
 * and runs until SIGINT or SIGTERM. A `run` started
 * while serve holds the address stores its job in the same database and
 * waits there for the verdict that this listener stores. The scheduler
 * joins here in a later issue.
 */
#include "cli/cmd_serve.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/ctlopt.h"
#include "store/db.h"
#include "http/events.h"
#include "http/httpd.h"

/* Serve until SIGINT/SIGTERM; returns the exit code. */
int
dh_cmd_serve(struct dh_ctlopt *o)
{
	struct dh_events *ev = NULL;
	struct dh_httpd *h = NULL;
	struct dh_db *db = NULL;
	struct dh_events_stats st;
	struct dh_httpd_config hc = { .listen = o->listen, .tls_cert = o->tls_cert,
		.tls_key = o->tls_key, .events = dh_events_handle, .quiet = o->quiet };
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
	if (dh_events_new(&ev, o->db, &err) != 0) {
		fprintf(stderr, "drillhall serve: %s\n", err.msg);
		goto out;
	}
	hc.user = ev;
	if (dh_httpd_start(&h, &hc, &err) != 0) {
		fprintf(stderr, "drillhall serve: %s\n", err.msg);
		goto out;
	}
	if (dh_db_open(&db, o->db, &err) != 0 ||
	    dh_db_serve_set(db, o->listen, (long)getpid(), &err) != 0) {
		fprintf(stderr, "drillhall serve: %s\n", err.msg);
		goto out;
	}
	fprintf(stderr, "drillhall serve: listening on %s (port %u, %s), database %s\n",
		o->listen, dh_httpd_port(h), o->tls_cert ? "https" : "http", o->db);
	sigwait(&set, &sig);
	dh_httpd_stop(h);
	h = NULL;
	dh_db_serve_set(db, o->listen, 0, NULL);
	dh_events_stats(ev, &st);
	fprintf(stderr, "drillhall serve: stopping on signal %d: %llu events stored, "
		"%llu duplicates, %llu rejected, %llu commits\n", sig, st.stored,
		st.duplicates, st.rejected, st.commits);
	rc = DH_EXIT_OK;
out:
	dh_httpd_stop(h);
	dh_events_free(ev);
	dh_db_close(db);
	return rc;
}
