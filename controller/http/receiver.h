/*
 * The agents' event receiver as one piece (SPEC "Architecture", "Events
 * to the controller"): the event endpoint and its group-commit writer
 * (events.c) behind the HTTP(S) server (httpd.c) on the `listen` address,
 * with /healthz and (serve) /metrics, and the database's note of which process holds that
 * address. `serve` starts one for as long as it runs; `run` starts one for
 * its job, or, when a live `serve` on the same database already holds the
 * address, leaves the receiving to that serve. Either way events land in
 * the same database, so the job's dispatcher only waits on the store.
 */
#ifndef DH_RECEIVER_H
#define DH_RECEIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "dh/err.h"
#include "http/events.h"
#include "http/httpd.h"

enum dh_receiver_mode {
	DH_RECEIVER_SERVE, /* hold the address; note in the database that we do */
	DH_RECEIVER_RUN,   /* hold it for one job, or leave it to the serve holding it */
};

struct dh_receiver_cfg {
	const char *db_path;
	const char *listen;             /* "ADDRESS:PORT"; port 0 = ephemeral */
	const char *tls_cert, *tls_key; /* both NULL = plain HTTP (loopback only) */
	enum dh_receiver_mode mode;
	/* SERVE: GET /metrics (http/metrics.h) judges this plan; the token file
	 * NULL = loopback peers only */
	const char *plans;
	const char *metrics_token_file;
	bool quiet; /* do not log rejections (benchmarks) */
	/* more routes (the web pages) and the guard they need; borrowed until stop */
	const struct dh_http_route *routes;
	size_t nroutes;
	dh_http_guard guard;
	void *guard_user;
};

struct dh_receiver;

/*
 * Start receiving. 0 with *out set, or a dh_events_new / dh_httpd_start
 * error (err says why); in RUN mode an address in use is 0 when a live
 * serve on this database holds it (dh_receiver_is_shared then says so)
 * and DH_EEXIST otherwise; in SERVE mode the database note can fail too
 * (a dh_db error). Strings in cfg are copied.
 */
int dh_receiver_start(struct dh_receiver **out, const struct dh_receiver_cfg *cfg,
	struct dh_err *err);

/* True when a running serve receives this job's events, not rv. */
bool dh_receiver_is_shared(const struct dh_receiver *rv);
/* Where events arrive, for progress lines: "the running serve" or the listen address; borrowed
 * until stop. */
const char *dh_receiver_where(const struct dh_receiver *rv);
/* The bound port (after port 0); 0 when shared. */
uint16_t dh_receiver_port(const struct dh_receiver *rv);

/*
 * Stop serving (waiting for requests in flight), drain and stop the
 * writer, withdraw the database note (SERVE), put the final counts into
 * *stats when stats is not NULL, free. NULL rv is a no-op (stats zeroed).
 */
void dh_receiver_stop(struct dh_receiver *rv, struct dh_events_stats *stats);

#endif
