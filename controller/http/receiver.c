/*
 * The event receiver (http/receiver.h): composes the event endpoint's
 * route with /healthz (and, for serve, /metrics) into the route table it gives httpd, and keeps the
 * database note (the `serve` row) that tells a `run` whether the process
 * holding the listen address is a serve on the same database. Started by
 * cli/cmd_serve.c and cli/cmd_run.c; the dispatcher in jobs/ never sees it.
 */
#include "http/receiver.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dh/buf.h"
#include "http/httpd.h"
#include "http/metrics.h"
#include "store/db.h"
#include "store/jobs.h"

#define ROUTES_MAX 24

struct dh_receiver {
	struct dh_events *events;
	struct dh_httpd *httpd;
	struct dh_metrics_route *metrics; /* SERVE: GET /metrics */
	struct dh_db *note;               /* SERVE: the connection that holds the note */
	char *listen;
	bool shared; /* RUN: a serve receives */
};

static void
route_healthz(void *user, const struct dh_http_req *req, struct dh_http_resp *resp)
{
	resp->status = 200;
	resp->body = dh_xstrdup("{\"ok\":true,\"service\":\"drillhall\"}");
}

/* Whether a live serve on this database holds listen. */
static bool
serve_is_ours(const char *db_path, const char *listen)
{
	struct dh_db *db = NULL;
	long pid = 0;
	int r;

	if (dh_db_open(&db, db_path, NULL) != 0)
		return false;
	r = dh_db_serve_get(db, listen, &pid, NULL);
	dh_db_close(db);
	if (r != 0 || pid <= 0)
		return false;
	return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

static int
start_http(struct dh_receiver *rv, const struct dh_receiver_cfg *cfg, struct dh_err *err)
{
	struct dh_http_route routes[ROUTES_MAX] = {
		{ .method = "GET", .pattern = "/healthz", .handler = route_healthz },
	};
	struct dh_httpd_config hc = { .listen = cfg->listen,
		.tls_cert = cfg->tls_cert,
		.tls_key = cfg->tls_key,
		.routes = routes,
		.nroutes = 1,
		.guard = cfg->guard,
		.guard_user = cfg->guard_user,
		.quiet = cfg->quiet };
	const struct dh_http_route *ev;
	size_t n;

	ev = dh_events_routes(rv->events, &n);
	for (size_t i = 0; i < n && hc.nroutes < ROUTES_MAX; i++)
		routes[hc.nroutes++] = ev[i];
	if (rv->metrics != NULL && hc.nroutes < ROUTES_MAX)
		routes[hc.nroutes++] = dh_metrics_route(rv->metrics);
	for (size_t i = 0; i < cfg->nroutes && hc.nroutes < ROUTES_MAX; i++)
		routes[hc.nroutes++] = cfg->routes[i];
	return dh_httpd_start(&rv->httpd, &hc, err);
}

int
dh_receiver_start(struct dh_receiver **out, const struct dh_receiver_cfg *cfg, struct dh_err *err)
{
	struct dh_receiver *rv = dh_xcalloc(1, sizeof(*rv));
	int r;

	rv->listen = dh_xstrdup(cfg->listen ? cfg->listen : "");
	if ((r = dh_events_new(&rv->events, cfg->db_path, err)) != 0)
		goto out;
	if (cfg->mode == DH_RECEIVER_SERVE &&
		(r = dh_metrics_route_new(&rv->metrics,
			 &(struct dh_metrics_cfg){ .db_path = cfg->db_path,
				 .plans = cfg->plans,
				 .token_file = cfg->metrics_token_file,
				 .events = rv->events },
			 err)) != 0)
		goto out;
	r = start_http(rv, cfg, err);
	if (r == DH_EEXIST && cfg->mode == DH_RECEIVER_RUN) {
		if (!serve_is_ours(cfg->db_path, cfg->listen)) {
			r = dh_err_set(err, DH_EEXIST,
				"%s is in use, but not by a drillhall "
				"serve on this database; its events would not reach the job",
				cfg->listen);
			goto out;
		}
		/* A serve on this database holds the address: it stores the events. */
		dh_events_free(rv->events);
		rv->events = NULL;
		rv->shared = true;
		dh_err_clear(err);
		r = 0;
	}
	if (r != 0)
		goto out;
	if (cfg->mode == DH_RECEIVER_SERVE &&
		((r = dh_db_open(&rv->note, cfg->db_path, err)) != 0 ||
			(r = dh_db_serve_set(rv->note, cfg->listen, (long)getpid(), err)) != 0))
		goto out;
	*out = rv;
	rv = NULL;
out:
	dh_receiver_stop(rv, NULL);
	return r;
}

bool
dh_receiver_is_shared(const struct dh_receiver *rv)
{
	return rv->shared;
}

const char *
dh_receiver_where(const struct dh_receiver *rv)
{
	return rv->shared ? "the running serve" : rv->listen;
}

uint16_t
dh_receiver_port(const struct dh_receiver *rv)
{
	return rv->httpd != NULL ? dh_httpd_port(rv->httpd) : 0;
}

void
dh_receiver_stop(struct dh_receiver *rv, struct dh_events_stats *stats)
{
	if (stats != NULL)
		memset(stats, 0, sizeof(*stats));
	if (rv == NULL)
		return;
	dh_httpd_stop(rv->httpd);
	if (rv->note != NULL)
		dh_db_serve_set(rv->note, rv->listen, 0, NULL);
	if (stats != NULL && rv->events != NULL)
		dh_events_stats(rv->events, stats);
	dh_metrics_route_free(rv->metrics);
	dh_events_free(rv->events);
	dh_db_close(rv->note);
	free(rv->listen);
	free(rv);
}
