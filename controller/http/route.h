/*
 * Route patterns for httpd (http/route.c); private to http/.
 */
#ifndef DH_HTTP_ROUTE_H
#define DH_HTTP_ROUTE_H

#include <stdbool.h>

#include "dh/err.h"
#include "http/httpd.h"

/*
 * Whether url matches pattern pat segment by segment; on a match the
 * {name} segments go into req->params (owned, dh_http_params_fini).
 */
bool dh_http_route_match(const char *pat, const char *url, struct dh_http_req *req);

/* Free req's params and set nparams to 0. */
void dh_http_params_fini(struct dh_http_req *req);

/*
 * A pattern httpd can match ("/" segments, {name}s that fit) with a
 * method and handler, and a guard (cfg->guard) when the route needs one.
 * 0 or DH_EINVAL with err naming the route.
 */
int dh_http_route_check(const struct dh_http_route *rt, const struct dh_httpd_config *cfg,
	struct dh_err *err);

#endif
