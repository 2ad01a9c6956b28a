/*
 * GET /metrics on serve's listener (SPEC "Metrics"; http/metrics.c): the
 * route's handler and what it keeps between scrapes. A request passes
 * with "Authorization: Bearer TOKEN" matching the token read from
 * metrics_token_file (compared in constant time); without a token file
 * only loopback peers pass. Anything else is answered 401 (with
 * WWW-Authenticate-less plain text: Prometheus only needs the status).
 * A scrape judges every system of the plan as of now from the database
 * (store/compliance.h) and renders it (render/metrics.h); the plan is read
 * again only when a file of it changed. Scrapes run one at a time.
 */
#ifndef DH_HTTP_METRICS_H
#define DH_HTTP_METRICS_H

#include "dh/err.h"
#include "http/events.h"
#include "http/httpd.h"

struct dh_metrics_cfg {
	const char *db_path;
	const char *plans;        /* the plans directory */
	const char *token_file;   /* NULL: loopback peers only */
	struct dh_events *events; /* for duplicate/rejected counts; NULL: none */
};

struct dh_metrics_route;

/*
 * Prepare the route: reads the token file (dh_config_read_secret: a file
 * others may read is refused). 0, or that function's error in err (which
 * never holds the token). Strings in cfg are copied; events is borrowed
 * until free.
 */
int dh_metrics_route_new(struct dh_metrics_route **out, const struct dh_metrics_cfg *cfg,
	struct dh_err *err);
void dh_metrics_route_free(struct dh_metrics_route *m);

/* The route: GET /metrics, user = m. */
struct dh_http_route dh_metrics_route(struct dh_metrics_route *m);

/*
 * Whether req may read the metrics: a bearer token equal to token (NULL:
 * none configured, then a loopback peer). Exposed for tests.
 */
bool dh_metrics_authorized(const struct dh_http_req *req, const char *token);

#endif
